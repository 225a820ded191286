"""Google Search Console exports: the Performance report, Looker Studio / API tables and
the bulk data export.

The **Performance export** ("Export > Download CSV / Download Excel / Google Sheets") is a
zip (or, unpacked, a folder; or an .xlsx workbook with one worksheet each) of one table
per dimension: ``Queries.csv`` ("Top queries" / "Requêtes les plus fréquentes"),
``Pages.csv`` ("Top pages" / "Pages les plus populaires"), ``Countries.csv`` / ``Pays.csv``,
``Devices.csv`` / ``Appareils.csv``, ``Search appearance.csv`` / ``Apparence dans les
résultats de recherche.csv``, ``Dates.csv`` (``Chart.csv`` in some downloads) and
``Filters.csv`` / ``Filtres.csv`` ("Filter, Value": search type, date range, any
query/page/country filter). Each table has the dimension then ``Clicks`` / ``Clics``,
``Impressions``, ``CTR`` (``4.5%`` or ``4,5 %``) and ``Position``. In **comparison
mode** each metric comes twice, labelled with the two date ranges ("Last 3 months
Clicks", "Previous 3 months Clicks"; French "3 derniers mois Clics", "3 mois précédents
Clics", or "Clics (même période l'année précédente)").

The interface writes headers and member names in the user's language: Spanish
``Consultas.csv`` ("Consultas principales", "Clics", "Impresiones", "Posición") and
``Gráfico.csv`` ("Fecha"), German "Häufigste Suchanfragen", "Klicks", "Impressionen",
Italian "Query più frequenti", "Clic", "Impressioni", Portuguese "Principais consultas",
"Cliques", "Impressões", Dutch "Meest uitgevoerde zoekopdrachten", "Aantal klikken",
"Vertoningen", Japanese "上位のクエリ", "クリック数"... (see ``_LANGS``: en, fr, es, de, it,
pt, nl, pl, sv, cs, tr, ru, ja, zh, ko, id). A first column in a wording not listed is
recognised when the four metric columns are there and its header holds a dimension
word (or its cells are URLs or dates). The decimal mark is voted by the CTR and
position cells, never assumed from the language (French and Dutch downloads write
``4.5%`` too). Interface tables state no total row; one that a spreadsheet or Looker
Studio adds goes through :func:`~trafficlib.readers._sheet.split_totals` into
``Export.totals``. A few unreadable metric cells (a corrupted download: ``80kqkq``) are
left out (NaN) and named in ``notes`` and ``meta["unreadable_cells"]``; a column with
many is refused.

Every table is recognised from its headers, never its file name: :func:`read_table`
reads one into an :class:`~trafficlib.readers.registry.Export` of kind
``search_console/<dimension>`` (``queries``, ``pages``, ``countries``, ``devices``,
``search_appearance``, ``dates``, ``filters``), ``search_console/table`` (Looker Studio
or Search Analytics API tables with several of ``date, query, page, country, device,
searchAppearance`` and ``clicks, impressions, ctr, position``) or
``search_console/bulk_site`` / ``bulk_url`` (the BigQuery bulk export tables
``searchdata_site_impression`` and ``searchdata_url_impression`` saved as Parquet or
CSV). :func:`load_performance` reads a whole export (zip, folder or workbook) into one
:class:`Performance`.

Canonical columns (table ``search_console``): dimensions ``date``, ``query``, ``page``,
``country``, ``device``, ``search_appearance`` (plus ``search_type``, ``site_url``,
``is_anonymized_query`` for the bulk export); additive metrics ``clicks`` and
``impressions``; ``position`` (average position, 1 = top) with ``position_weight``
(= impressions, so positions aggregate impression-weighted); ``ctr`` always recomputed
as clicks / impressions (the file's CTR is rounded). In comparison mode the previous
period's values are ``clicks_previous``, ``impressions_previous``, ``ctr_previous``,
``position_previous``; a Dates table in comparison mode is returned long, one row per
day with ``period`` = ``"current"`` / ``"previous"``.
"""
from __future__ import annotations

import csv
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import filecache, schema
from trafficlib.errors import TrafficDataError
from trafficlib.readers._archive import check_member, member_name
from trafficlib.readers._numbers import numbers, yyyymmdd_or_dates
from trafficlib.readers._sheet import Sheet, Split, TotalRow, decimal_mark, sniff, split_totals
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_table", "load_performance", "Performance", "TABLE", "DIMENSION_TABLES", "is_search_console",
           "zip_member_name"]

TABLE = "search_console"
METRICS = ("clicks", "impressions", "ctr", "position")
DIMENSION_TABLES = ("queries", "pages", "countries", "devices", "search_appearance", "dates")
_DIM_OF_TABLE = {"queries": "query", "pages": "page", "countries": "country", "devices": "device",
                 "search_appearance": "search_appearance", "dates": "date"}
_TABLE_OF_DIM = {v: k for k, v in _DIM_OF_TABLE.items()}


def _fold(text: str) -> str:
    """Lower case, accents dropped, single spaces, in every script (CJK and Cyrillic
    kept: only combining marks go); brackets kept (they may hold a period label)."""
    t = str(text).replace("\ufeff", "").replace("\u2019", "'")
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", t)  # searchAppearance -> search Appearance
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    return re.sub(r"[_\s]+", " ", t.lower()).strip()


# The interface strings of the Performance export, per interface language: the first
# column of each table, the metric columns, the Filters table and the member names.
# Read in real exports or in parsers written against them (public repositories): en,
# fr, es (Consultas principales, Páginas principales, Clics, Impresiones, Posición,
# Fecha; Consultas.csv, Páginas.csv, Gráfico.csv), de (Häufigste Suchanfragen, Häufigste
# Seiten, Klicks, Impressionen), it (Query più frequenti, Pagine principali, Clic,
# Impressioni, Posizione, Data; Query.csv, Pagine.csv, Grafico.csv), pt (Principais
# consultas / Consultas principais, Páginas principais, Cliques, Impressões, Posição,
# Data), nl (Meest uitgevoerde zoekopdrachten, Toppagina's, Land, Apparaat, Zoekopmaak,
# Datum, Aantal klikken, Vertoningen, Positie; Diagram.csv), ja (上位のクエリ, 上位のページ,
# クリック数, 表示回数, 掲載順位; comparison "過去 3 か月間 クリック数", "前の期間 クリック数"), id
# (Kueri teratas, Klik, Tayangan, Posisi). The other strings are Google's interface terms for
# those columns; a header missing here is still recognised from its metric columns and
# a dimension word (see _DIM_WORDS).
_LANGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"query": ("Top queries", "Queries", "Query", "Search query"),
           "page": ("Top pages", "Pages", "Page", "Landing page", "Landing page URL", "URL"),
           "country": ("Country", "Countries", "Country code"), "device": ("Device", "Devices", "Device category"),
           "search_appearance": ("Search appearance", "Search appearance type"),
           "date": ("Date", "Dates", "Day", "Data date"),
           "clicks": ("Clicks", "Click", "Url Clicks", "Site Clicks", "Total clicks"),
           "impressions": ("Impressions", "Impression", "Impr", "Total impressions"),
           "ctr": ("CTR", "URL CTR", "Site CTR", "Click through rate", "Average CTR"),
           "position": ("Position", "Average position", "Avg. position", "Avg position", "Average Position"),
           "filter": ("Filter",), "value": ("Value",),
           "files": ("Queries", "Pages", "Countries", "Devices", "Search appearance", "Dates", "Chart", "Filters")},
    "fr": {"query": ("Requêtes les plus fréquentes", "Principales requêtes", "Requêtes", "Requête",
                     "Requête de recherche"),
           "page": ("Pages les plus populaires", "Principales pages", "Page de destination"),
           "country": ("Pays",), "device": ("Appareil", "Appareils", "Catégorie d'appareil"),
           "search_appearance": ("Apparence dans les résultats de recherche", "Apparence dans les résultats",
                                 "Apparence de recherche"),
           "date": ("Date", "Dates", "Jour"),
           "clicks": ("Clics", "Clic"), "impressions": ("Impressions",), "ctr": ("CTR", "Taux de clics"),
           "position": ("Position", "Position moyenne"), "filter": ("Filtre",), "value": ("Valeur",),
           "files": ("Requêtes", "Pages", "Pays", "Appareils", "Apparence dans les résultats de recherche",
                     "Dates", "Graphique", "Filtres")},
    "es": {"query": ("Consultas principales", "Consultas", "Consulta"),
           "page": ("Páginas principales", "Páginas", "Página"),
           "country": ("País", "Países"), "device": ("Dispositivo", "Dispositivos"),
           "search_appearance": ("Apariencia en búsqueda", "Aspecto en la búsqueda", "Aspecto de búsqueda",
                                 "Apariencia en la búsqueda"),
           "date": ("Fecha", "Fechas", "Día"),
           "clicks": ("Clics",), "impressions": ("Impresiones",), "ctr": ("CTR", "Porcentaje de clics"),
           "position": ("Posición", "Posición media"), "filter": ("Filtro",), "value": ("Valor",),
           "files": ("Consultas", "Páginas", "Países", "Dispositivos", "Apariencia en búsqueda", "Fechas",
                     "Gráfico", "Filtros")},
    "de": {"query": ("Häufigste Suchanfragen", "Suchanfragen", "Suchanfrage", "Anfrage", "Anfragen"),
           "page": ("Häufigste Seiten", "Die häufigsten Seiten", "Seiten", "Seite", "Top-Seiten"),
           "country": ("Land", "Länder"), "device": ("Gerät", "Geräte"),
           "search_appearance": ("Darstellung in der Suche", "Suchdarstellung", "Darstellung in den Suchergebnissen"),
           "date": ("Datum", "Daten", "Tag"),
           "clicks": ("Klicks",), "impressions": ("Impressionen",), "ctr": ("CTR", "Klickrate"),
           "position": ("Position", "Durchschnittliche Position", "Durchschnittl. Position"),
           "filter": ("Filter",), "value": ("Wert",),
           "files": ("Suchanfragen", "Seiten", "Länder", "Geräte", "Darstellung in der Suche", "Daten",
                     "Diagramm", "Filter")},
    "it": {"query": ("Query più frequenti", "Query principali", "Query"),
           "page": ("Pagine principali", "Pagine più visitate", "Pagine", "Pagina"),
           "country": ("Paese", "Paesi"), "device": ("Dispositivo", "Dispositivi"),
           "search_appearance": ("Aspetto nella ricerca", "Aspetto nei risultati di ricerca"),
           "date": ("Data", "Date"),
           "clicks": ("Clic",), "impressions": ("Impressioni",), "ctr": ("CTR", "Percentuale di clic"),
           "position": ("Posizione", "Posizione media"), "filter": ("Filtro",), "value": ("Valore",),
           "files": ("Query", "Pagine", "Paesi", "Dispositivi", "Aspetto nella ricerca", "Date", "Grafico",
                     "Filtri")},
    "pt": {"query": ("Principais consultas", "Consultas principais", "Consultas mais frequentes", "Consultas",
                     "Consulta", "Top consultas"),
           "page": ("Páginas principais", "Principais páginas", "Páginas mais acessadas", "Páginas", "Página"),
           "country": ("País", "Países"), "device": ("Dispositivo", "Dispositivos"),
           "search_appearance": ("Aparência na pesquisa", "Aparência de pesquisa", "Aparência nos resultados"),
           "date": ("Data", "Datas"),
           "clicks": ("Cliques",), "impressions": ("Impressões",), "ctr": ("CTR", "Taxa de cliques"),
           "position": ("Posição", "Posição média"), "filter": ("Filtro",), "value": ("Valor",),
           "files": ("Consultas", "Páginas", "Países", "Dispositivos", "Aparência na pesquisa", "Datas",
                     "Gráfico", "Filtros")},
    "nl": {"query": ("Meest uitgevoerde zoekopdrachten", "Populairste zoekopdrachten", "Zoekopdrachten",
                     "Zoekopdracht"),
           "page": ("Toppagina's", "Populairste pagina's", "Pagina's", "Pagina"),
           "country": ("Land", "Landen"), "device": ("Apparaat", "Apparaten"),
           "search_appearance": ("Zoekopmaak", "Weergave in zoekresultaten"),
           "date": ("Datum", "Datums"),
           "clicks": ("Aantal klikken", "Klikken"), "impressions": ("Vertoningen", "Aantal vertoningen"),
           "ctr": ("CTR", "Klikfrequentie"), "position": ("Positie", "Gemiddelde positie"),
           "filter": ("Filter",), "value": ("Waarde",),
           "files": ("Zoekopdrachten", "Pagina's", "Landen", "Apparaten", "Zoekopmaak", "Datums", "Diagram",
                     "Filters")},
    "pl": {"query": ("Najczęstsze zapytania", "Najpopularniejsze zapytania", "Zapytania", "Zapytanie"),
           "page": ("Najpopularniejsze strony", "Strony", "Strona"),
           "country": ("Kraj", "Kraje"), "device": ("Urządzenie", "Urządzenia"),
           "search_appearance": ("Wygląd w wyszukiwarce", "Wygląd w wynikach wyszukiwania"),
           "date": ("Data", "Daty"),
           "clicks": ("Kliknięcia",), "impressions": ("Wyświetlenia",), "ctr": ("CTR",),
           "position": ("Pozycja", "Średnia pozycja"), "filter": ("Filtr",), "value": ("Wartość",),
           "files": ("Zapytania", "Strony", "Kraje", "Urządzenia", "Wygląd w wyszukiwarce", "Daty", "Wykres",
                     "Filtry")},
    "sv": {"query": ("Vanligaste sökfrågorna", "Sökfrågor"), "page": ("Populäraste sidorna", "Sidor"),
           "country": ("Land", "Länder"), "device": ("Enhet", "Enheter"),
           "search_appearance": ("Sökresultatsutseende",), "date": ("Datum",),
           "clicks": ("Klick",), "impressions": ("Visningar",), "ctr": ("CTR", "Klickfrekvens"),
           "position": ("Position", "Genomsnittlig position"), "filter": ("Filter",), "value": ("Värde",),
           "files": ("Sökfrågor", "Sidor", "Länder", "Enheter", "Datum", "Diagram", "Filter")},
    "cs": {"query": ("Nejčastější dotazy", "Dotazy"), "page": ("Nejčastější stránky", "Stránky"),
           "country": ("Země",), "device": ("Zařízení",), "search_appearance": ("Vzhled ve vyhledávání",),
           "date": ("Datum",), "clicks": ("Kliknutí",), "impressions": ("Zobrazení",), "ctr": ("CTR", "Míra prokliku"),
           "position": ("Pozice", "Průměrná pozice"), "filter": ("Filtr",), "value": ("Hodnota",),
           "files": ("Dotazy", "Stránky", "Země", "Zařízení", "Datum", "Graf", "Filtry")},
    "tr": {"query": ("En çok yapılan sorgular", "En popüler sorgular", "Popüler sorgular", "Sorgular", "Sorgu"),
           "page": ("En popüler sayfalar", "Popüler sayfalar", "Sayfalar", "Sayfa"),
           "country": ("Ülke", "Ülkeler"), "device": ("Cihaz", "Cihazlar"),
           "search_appearance": ("Arama görünümü", "Arama görünümleri"), "date": ("Tarih", "Tarihler"),
           "clicks": ("Tıklamalar", "Tıklama"), "impressions": ("Gösterimler", "Gösterim", "Görüntüleme"),
           "ctr": ("TO", "CTR", "Tıklama oranı"), "position": ("Konum", "Ortalama konum", "Sıralama"),
           "filter": ("Filtre",), "value": ("Değer",),
           "files": ("Sorgular", "Sayfalar", "Ülkeler", "Cihazlar", "Arama görünümü", "Tarihler", "Grafik",
                     "Filtreler")},
    "ru": {"query": ("Популярные запросы", "Самые популярные запросы", "Запросы", "Поисковый запрос", "Запрос"),
           "page": ("Самые популярные страницы", "Популярные страницы", "Страницы", "Страница"),
           "country": ("Страна", "Страны"), "device": ("Устройство", "Устройства"),
           "search_appearance": ("Вид в результатах поиска",), "date": ("Дата", "Даты"),
           "clicks": ("Клики",), "impressions": ("Показы",), "ctr": ("CTR",),
           "position": ("Позиция", "Средняя позиция"), "filter": ("Фильтр",), "value": ("Значение",),
           "files": ("Запросы", "Страницы", "Страны", "Устройства", "Вид в результатах поиска", "Даты",
                     "Диаграмма", "Фильтры")},
    "ja": {"query": ("上位のクエリ", "クエリ"), "page": ("上位のページ", "ページ"), "country": ("国",),
           "device": ("デバイス",), "search_appearance": ("検索での見え方",), "date": ("日付",),
           "clicks": ("クリック数",), "impressions": ("表示回数",), "ctr": ("CTR", "クリック率"),
           "position": ("掲載順位", "平均掲載順位"), "filter": ("フィルタ", "フィルタ名"), "value": ("値",),
           "files": ("クエリ", "ページ", "国", "デバイス", "検索での見え方", "日付", "グラフ", "フィルタ")},
    "zh": {"query": ("热门查询", "熱門查詢", "查询", "查詢"), "page": ("热门网页", "熱門網頁", "网页", "網頁"),
           "country": ("国家/地区", "國家/地區", "国家", "國家"), "device": ("设备", "裝置"),
           "search_appearance": ("搜索结果呈现", "搜尋外觀"), "date": ("日期",),
           "clicks": ("点击次数", "點擊次數"), "impressions": ("展示次数", "曝光次數"),
           "ctr": ("点击率", "點閱率", "CTR"), "position": ("排名", "平均排名", "平均排序"),
           "filter": ("过滤器", "篩選器"), "value": ("值",),
           "files": ("查询", "查詢", "网页", "網頁", "国家", "國家", "设备", "裝置", "日期", "图表", "圖表")},
    "id": {"query": ("Kueri teratas", "Kueri"), "page": ("Halaman teratas", "Halaman"), "country": ("Negara",),
           "device": ("Perangkat",), "search_appearance": ("Tampilan penelusuran",), "date": ("Tanggal",),
           "clicks": ("Klik",), "impressions": ("Tayangan",), "ctr": ("CTR", "RKT"), "position": ("Posisi",),
           "filter": ("Filter",), "value": ("Nilai",),
           "files": ("Kueri", "Halaman", "Negara", "Perangkat", "Tampilan penelusuran", "Tanggal", "Diagram")},
    "ko": {"query": ("인기 검색어", "상위 검색어", "검색어"), "page": ("인기 페이지", "상위 페이지", "페이지"),
           "country": ("국가",), "device": ("기기",), "search_appearance": ("검색 노출", "검색 모양"),
           "date": ("날짜",), "clicks": ("클릭수",), "impressions": ("노출수",), "ctr": ("CTR", "클릭률"),
           "position": ("게재순위", "평균 게재순위"), "filter": ("필터",), "value": ("값",),
           "files": ("검색어", "페이지", "국가", "기기", "날짜", "차트", "필터")},
}
_DIMS = ("query", "page", "country", "device", "search_appearance", "date")
_METRICS4 = ("clicks", "impressions", "ctr", "position")
_DIM_LOOKUP: dict[str, str] = {}
_METRIC_LOOKUP: dict[str, str] = {}
for _lang in _LANGS.values():
    for _d in _DIMS:
        for _h in _lang[_d]:
            _DIM_LOOKUP.setdefault(_fold(_h), _d)
    for _m in _METRICS4:
        for _h in _lang[_m]:
            _METRIC_LOOKUP[_fold(_h)] = _m
# API / Looker Studio / bulk export names
_DIM_LOOKUP.update({"search type": "search_type", "type de recherche": "search_type", "site url": "site_url",
                    "site": "site_url", "property": "site_url", "search appearance": "search_appearance"})
_METRIC_PHRASES = sorted(_METRIC_LOOKUP, key=len, reverse=True)
_CLICK_WORDS = sorted({w for _lang in _LANGS.values() for w in _lang["clicks"]}, key=len, reverse=True)
_FILTER_HEADERS = {(_fold(f), _fold(v)) for _lang in _LANGS.values() for f in _lang["filter"]
                   for v in _lang["value"]}
_FILE_STEMS = {_fold(s) for _lang in _LANGS.values() for s in _lang["files"]}

# A dimension column in a language or wording not listed above, by a word it contains.
_DIM_WORDS = {d: tuple(_fold(w) for w in ws) for d, ws in {
    "page": ("page", "pagin", "seite", "strona", "strony", "sayfa", "stranka", "sida", "sivu", "ページ", "网页",
             "網頁", "페이지", "страниц", "url"),
    "query": ("quer", "consult", "requet", "suchanfrag", "anfrag", "zoekopdracht", "zapyt", "sorgu", "dotaz",
              "sokfrag", "kysely", "haku", "クエリ", "查询", "查詢", "검색어", "запрос"),
    "search_appearance": ("appearance", "apparence", "aparien", "aparenc", "aspect", "darstellung", "zoekopmaak",
                          "weergave", "wyglad", "gorunum", "vzhled", "見え方", "呈现", "外觀", "노출", "вид в"),
    "device": ("device", "appareil", "dispositiv", "gerat", "apparat", "urzadzen", "cihaz", "enhet", "zarizeni",
               "デバイス", "设备", "裝置", "기기", "устройств"),
    "country": ("countr", "pays", "pais", "paes", "land", "kraj", "ulke", "zeme", "国", "國", "국가", "стран"),
    "date": ("date", "fecha", "datum", "data", "tarih", "day", "日付", "日期", "날짜", "дата"),
}.items()}

# Words of a comparison-mode period label ("Last 3 months", "3 mois précédents",
# "Últimos 28 días", "Vorherige 3 Monate", "Same period last year"...), and those that
# name the earlier period.
_PERIOD_WORDS = tuple(_fold(w) for w in (
    "last", "previous", "prior", "past", "day", "days", "week", "terakhir", "sebelumnya", "bulan", "hari", "month", "year", "period", "same", "current", "comparison",
    "before", "after", "dernier", "derniere", "precedent", "jour", "semaine", "mois", "annee", "periode", "meme",
    "actuel", "comparaison", "avant", "apres", "ultimo", "ultima", "ultimos", "ultimas", "anterior", "dia", "mes",
    "meses", "ano", "periodo", "mismo", "actual", "letzte", "vorherig", "vorjahr", "tag", "woche", "monat", "jahr",
    "zeitraum", "tage", "gleich", "aktuell", "ultimi", "precedent", "giorn", "settiman", "mese", "mesi", "anno", "stesso",
    "attuale", "dias", "semana", "mesmo", "afgelopen", "laatste", "vorige", "dag", "maand", "jaar", "periode",
    "zelfde", "huidig", "ostatni", "poprzedni", "dni", "tydz", "miesi", "rok", "okres", "son", "onceki", "gun",
    "hafta", "ay", "yil", "donem", "senaste", "foregaende", "manad", "ar", "posledni", "predchozi", "mesic",
    "последн", "предыдущ", "дн", "недел", "месяц", "год", "период", "過去", "前", "期間", "か月", "日間", "年",
    "过去", "上一", "个月", "天", "지난", "이전", "개월", "기간"))
_PREVIOUS_WORDS = tuple(_fold(w) for w in (
    "previous", "prior", "last year", "comparison", "before", "precedent", "annee derniere", "comparaison", "avant",
    "anterior", "vorherig", "vorjahr", "vorige", "ano pasado", "anno scorso", "poprzedni", "onceki", "foregaende",
    "predchozi", "предыдущ", "前の", "前年", "上一", "이전", "sebelumnya"))


_LANG_WORDS = {code: {_fold(w) for key, ws in lang.items() if key != "files" for w in ws}
               for code, lang in _LANGS.items()}


def _lang_of_header(header: list[str]) -> str | None:
    """The interface language ("en", "fr", "es", "de"...) whose words a header uses,
    each word weighted by how few languages share it ("Clics": fr or es; "Fecha": es);
    None when no header cell is an interface word."""
    score = dict.fromkeys(_LANG_WORDS, 0.0)
    for h in header:
        f = _fold(h)
        if f not in _DIM_LOOKUP and f not in _METRIC_LOOKUP:  # "3 derniers mois Clics": its metric word
            f = next((p for p in _METRIC_PHRASES if _metric_at(f, p)), f)
        langs = [c for c, ws in _LANG_WORDS.items() if f in ws]
        for c in langs:
            score[c] += 1 / len(langs)
    best = max(score, key=score.get)
    return best if score[best] > 0 else None


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    """Whether a folded text holds one of ``words``: a whole Latin word or word start
    (``"mes"`` in ``"3 meses"``, not in ``"impressions"``), any occurrence for other scripts."""
    for w in words:
        if not w.isascii():
            if w in text:
                return True
        elif re.search(r"(?<![a-z])" + re.escape(w) + (r"(?![a-z])" if len(w) <= 3 else ""), text):
            return True
    return False


@dataclass
class _Layout:
    """Which column holds what in a Search Console table."""

    kind: str                                  # queries, pages..., dates, table, filters, bulk_site, bulk_url
    dims: dict[int, str] = field(default_factory=dict)
    metrics: dict[int, tuple[str, str]] = field(default_factory=dict)  # col -> (metric, "current"/"previous")
    labels: dict[str, str] = field(default_factory=dict)               # "current"/"previous" -> label as written
    extra: list[int] = field(default_factory=list)


# Words a Looker Studio field puts before the metric that are not a period label.
_QUALIFIERS = ("url", "site", "average", "avg.", "avg", "moyenne", "total", "sum", "nombre de", "nombre d'")
_BULK_SITE = {"data_date", "impressions", "clicks", "sum_top_position"}
_BULK_URL = {"data_date", "url", "impressions", "clicks", "sum_position"}
# Columns of ad-platform reports (which also have clicks and impressions), in their
# interface languages: such a file is never a Search Console table.
_AD_HEADERS = re.compile(r"\b(cost|cout|spend|spent|depenses?|montant|campaign|campagne|budget|reach|couverture|"
                         r"conversions?|cpc|cpm|sessions|ad group|ad set|annonces?|publicites?|keyword|mot cle|"
                         r"kosten|kampagne|anzeigengruppe|anzeigen?|campana|coste|costo|campagna|gruppo di annunci|"
                         r"custo|campanha|grupo de anuncios|kampania|koszt|kampanya|maliyet|advertentiegroep|gasto|"
                         r"importe speso|spesa|reichweite|alcance|copertura|bereik|zasieg|erisim|"
                         r"konversionen|conversiones|conversioni|conversoes|conversies|konwersje|donusum)\b")


def _is_period_label(label: str) -> bool:
    """Whether a folded text beside a metric name reads as a date range label."""
    return bool(re.search(r"\d", label)) or _has_word(label, _PERIOD_WORDS)


def _metric_at(h: str, phrase: str) -> str | None:
    """"end" or "start" when the folded header ``h`` ends or starts with the metric name
    ``phrase`` as a whole word (any boundary for CJK names), else None."""
    if len(h) > len(phrase):
        if h.endswith(phrase) and (not phrase.isascii() or h[-len(phrase) - 1] in " -:)"):
            return "end"
        if h.startswith(phrase) and (not phrase.isascii() or h[len(phrase)] in " -:("):
            return "start"
    return None


def _metric_of(header: str) -> tuple[str, str] | None:
    """(metric, period label or "") for a metric header in any interface language
    ("Clicks", "Klicks", "Last 3 months Clicks", "Clics (même période l'année
    précédente)", "過去 3 か月間 クリック数"), else None."""
    h = _fold(header)
    if h in _METRIC_LOOKUP:
        return _METRIC_LOOKUP[h], ""
    label = None
    m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", h)
    if m and m[1] in _METRIC_LOOKUP:  # "Clics (même période l'année précédente)"
        metric, label = _METRIC_LOOKUP[m[1]], m[2]
    else:
        phrase = next((p for p in _METRIC_PHRASES if _metric_at(h, p)), None)
        if phrase is not None:  # "Last 3 months Clicks", "Clicks - Last 28 days"
            metric = _METRIC_LOOKUP[phrase]
            label = h[: -len(phrase)] if _metric_at(h, phrase) == "end" else h[len(phrase):]
    if label is None:
        return None
    label = label.strip(" -:()")
    for q in _QUALIFIERS:
        if label == q or label.endswith(" " + q):
            label = label[: len(label) - len(q)].strip(" -:")
    if label and not _is_period_label(label):
        return None  # "Link clicks", "Impression share": not a Search Console metric with a period label
    return metric, label


def _guess_dim(header: str, values: list[str]) -> str | None:
    """The dimension of a first column whose header is not in the tables above: a word
    of its header, else its values (URLs: page; dates: date)."""
    h = _fold(header)
    for dim, words in _DIM_WORDS.items():
        if h and _has_word(h, words):
            return dim
    cells = [v.strip() for v in values if v.strip()][:50]
    if cells and all(re.match(r"(https?://|sc-domain:|android-app://)", c) for c in cells):
        return "page"
    if cells and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{8}", c) for c in cells):
        return "date"
    return None


def _layout(header: list[str], rows: list[list[str]] | None = None) -> _Layout | None:
    """How a header reads as a Search Console table, or None. ``rows`` (a sample of the
    table) only serve to recognise a first column whose header is in no known wording."""
    folded = [_fold(h) for h in header]
    raw = {h.strip().lower() for h in header}
    if raw >= _BULK_SITE and "url" not in raw:
        return _Layout("bulk_site", dims={i: h.strip().lower() for i, h in enumerate(header)})
    if raw >= _BULK_URL:
        return _Layout("bulk_url", dims={i: h.strip().lower() for i, h in enumerate(header)})
    if len(folded) >= 2 and (folded[0], folded[1]) in _FILTER_HEADERS:
        return _Layout("filters", dims={0: "filter", 1: "value"})
    if any(_AD_HEADERS.search(h) for h in folded):
        return None
    lay = _Layout("table")
    labelled: dict[str, list[int]] = {}
    for i, h in enumerate(folded):
        if not h:
            continue
        if h in _DIM_LOOKUP and _DIM_LOOKUP[h] not in lay.dims.values():
            lay.dims[i] = _DIM_LOOKUP[h]
            continue
        mt = _metric_of(header[i])
        if mt is None:
            lay.extra.append(i)
            continue
        metric, label = mt
        labelled.setdefault(label, []).append(i)
        lay.metrics[i] = (metric, label)
    names = {m for m, _ in lay.metrics.values()}
    if not {"clicks", "impressions"} <= names:
        return None
    if not lay.dims and 0 in lay.extra and {"ctr", "position"} <= names:
        # a first column in a wording not listed: the four metrics say Search Console
        dim = _guess_dim(header[0], [r[0] for r in (rows or []) if r])
        if dim is not None:
            lay.dims[0] = dim
            lay.extra.remove(0)
    if not lay.dims:
        return None
    if not (names & {"ctr", "position"}) and not any(d in lay.dims.values() for d in ("query", "page")) \
            and not any(labelled):
        return None  # clicks + impressions alone with a country or date: too generic to claim
    # period labels: "" (plain) or one/two written labels
    labels = [lb for lb in labelled if lb]
    if len(labels) > 2:
        return None
    if labels:
        prev = [lb for lb in labels if _has_word(lb, _PREVIOUS_WORDS)]
        if len(labels) == 2:
            previous = prev[0] if len(prev) == 1 else labels[1]  # Google writes the current period first
            current = next(lb for lb in labels if lb != previous)
        else:  # "Clicks" + "Same period last year Clicks", or one labelled period alone
            current, previous = ("", labels[0]) if (prev or "" in labelled) else (labels[0], None)
        role = {current: "current", **({previous: "previous"} if previous is not None else {})}
        lay.metrics = {i: (m, role.get(lb, "current")) for i, (m, lb) in lay.metrics.items()
                       if lb in role}
        # the labels as written: the clicks header without its metric word
        lay.labels = {}
        for r in ("current", "previous") if previous is not None else ("current",):
            col = next((i for i, (m, rr) in lay.metrics.items() if rr == r and m == "clicks"), None)
            text = header[col] if col is not None else ""
            word = next((w for w in _CLICK_WORDS if re.search(re.escape(w), text, re.IGNORECASE)), None)
            if word is not None:
                text = re.sub(re.escape(word), " ", text, count=1, flags=re.IGNORECASE)
            lay.labels[r] = re.sub(r"\s+", " ", text).strip(" ()-:")
    else:
        lay.metrics = {i: (m, "current") for i, (m, _) in lay.metrics.items()}
    seen = set()
    for i, mp in sorted(lay.metrics.items()):
        if mp in seen:
            del lay.metrics[i]
        seen.add(mp)
    if len(lay.dims) == 1 and next(iter(lay.dims)) == 0:
        lay.kind = _TABLE_OF_DIM.get(lay.dims[0], "table")
    return lay


def _best_sheet(probe: Probe) -> tuple[Sheet, _Layout] | None:
    if probe.suffix in (".parquet", ".pq"):
        return None
    for s in probe.sheets:
        lay = _layout(s.header, s.rows[:50])
        if lay is not None:
            return s, lay
    return None


def is_search_console(probe: Probe) -> bool:
    """True when the file is a Search Console table (any kind this module reads)."""
    if probe.suffix in (".parquet", ".pq"):
        cols = {c.lower() for c in probe.parquet_columns}
        return cols >= _BULK_SITE or cols >= _BULK_URL
    if probe.suffix == ".zip":
        return bool(_zip_members(probe.path))
    if not probe.is_text:
        return False
    return _best_sheet(probe) is not None


# ---------------------------------------------------------------------------- reading


def _err_rows(lines: list[int], mask: pd.Series) -> list[int]:
    return [lines[j] for j in np.flatnonzero(mask.to_numpy())]


# A few unreadable cells in a metric column (a corrupted download, a stray edit in a
# spreadsheet: "80kqkq") are left out, each named in the notes: at most MAX_BAD_CELLS,
# and at most one filled cell in five. More means the column does not hold what its
# header says (a wrong file, a shifted column): the file is refused.
MAX_BAD_CELLS = 5
MAX_BAD_SHARE = 0.2


def _parse_metric(values: pd.Series, metric: str, decimal: str | None, file: str, column: str,
                  lines: list[int], unreadable: list[dict]) -> pd.Series:
    """A metric column as floats (NaN where empty or unreadable). Unreadable cells are
    appended to ``unreadable`` (file, column, line, value) when they are few (see
    ``MAX_BAD_CELLS``), else refused; negative values and fractional clicks or
    impressions are refused (TrafficDataError naming file, column and lines)."""
    vals, bad = numbers(values, decimal=decimal, integer=metric in ("clicks", "impressions"),
                        percent=None)
    if bad.any():
        n_bad, n_cells = int(bad.sum()), int((values.fillna("").str.strip() != "").sum())
        if n_bad > MAX_BAD_CELLS or n_bad > MAX_BAD_SHARE * n_cells:
            raise TrafficDataError(f"cannot read '{values[bad].iloc[0]}' as a number ({n_bad} of {n_cells} cells "
                                   "unreadable: not a column of numbers)", file=file, column=column,
                                   rows=_err_rows(lines, bad))
        for j in np.flatnonzero(bad.to_numpy()):
            unreadable.append({"file": file, "column": column, "line": lines[j], "value": values.iloc[j]})
        vals = vals.where(~bad)
    if (vals < 0).any():
        raise TrafficDataError("negative values where clicks, impressions, CTR and positions cannot be negative",
                               file=file, column=column, rows=_err_rows(lines, vals < 0))
    if metric in ("clicks", "impressions"):
        frac = vals.notna() & (vals != vals.round())
        if frac.any():
            raise TrafficDataError(f"'{values[frac].iloc[0]}' is not a whole number of {metric}", file=file,
                                   column=column, rows=_err_rows(lines, frac))
    return vals


def _unreadable_note(u: dict) -> str:
    return (f"{u['file']}, column '{u['column']}', line {u['line']}: '{u['value']}' is not a number; left out "
            "(the column's total is the sum of the readable cells)")


def _decimal_of(sheet: Sheet, lay: _Layout) -> str | None:
    """The decimal mark, voted by the CTR and position cells (an interface language
    does not decide it: French and Dutch exports write ``4.5%`` as often as ``4,5 %``);
    a semicolon-separated file (a spreadsheet's re-save) is a decimal-comma one."""
    cols = [i for i, (m, _) in lay.metrics.items() if m in ("ctr", "position")]
    return decimal_mark(sheet, cols) or ("," if sheet.separator == ";" else None)


def _finish_metrics(frame: pd.DataFrame, suffix: str = "") -> None:
    """ctr recomputed as clicks / impressions; position NaN where there were no
    impressions (or written 0)."""
    c, i = f"clicks{suffix}", f"impressions{suffix}"
    if c in frame and i in frame:
        with np.errstate(divide="ignore", invalid="ignore"):
            frame[f"ctr{suffix}"] = np.where(frame[i] > 0, frame[c] / frame[i], np.nan)
    p = f"position{suffix}"
    if p in frame and i in frame:
        frame.loc[frame[i].eq(0), p] = np.nan  # an impression left unreadable keeps its row's position
        frame.loc[frame[p] < 1, p] = np.nan  # 0 is how some tools write "no position"


def _metric_frame(rows: list[list[str]], lines: list[int], sheet: Sheet, lay: _Layout, file: str,
                  decimal: str | None, unreadable: list[dict]) -> pd.DataFrame:
    """Dimension and metric columns (canonical names) of ``rows``, as written."""
    width = sheet.width
    raw = pd.DataFrame(rows, columns=range(width), dtype="string") if rows else \
        pd.DataFrame({i: pd.Series(dtype="string") for i in range(width)})
    frame = pd.DataFrame(index=raw.index)
    for i, dim in lay.dims.items():
        frame[dim] = raw[i].str.strip().replace("", pd.NA)
    for i, (metric, role) in lay.metrics.items():
        name = metric if role == "current" else f"{metric}_previous"
        frame[name] = _parse_metric(raw[i], metric, decimal, file, sheet.header[i], lines, unreadable)
    return frame


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01, 5e-4 * abs(b))


def _totals(split: Split, frame: pd.DataFrame, sheet: Sheet, lay: _Layout, file: str, decimal: str | None,
            unreadable: list[dict], notes: list[str]) -> tuple[pd.DataFrame | None, list[TotalRow]]:
    """``Export.totals`` for the total rows :func:`split_totals` found (scope ``"rows"``
    when clicks and impressions equal the rows' sums, ``"more"`` when larger), and the
    rows that are data after all: in a queries or pages table, a row whose query is a
    bare "Total" (a brand, a search) is a total only if it is the sum of the others.
    Raises TrafficDataError when a total is smaller than the rows it totals."""
    if not split.totals:
        return None, []
    free_text = any(d in ("query", "page") for d in lay.dims.values())
    additive = [c for c in ("clicks", "impressions", "clicks_previous", "impressions_previous") if c in frame]
    bad_cols = {u["column"] for u in unreadable}
    kept, back = [], []
    for t in split.totals:
        tf = _metric_frame([t.cells], [t.line], sheet, lay, file, decimal, [])
        sums = {c: float(frame[c].sum()) for c in additive}
        figures = {c: float(tf[c].iloc[0]) for c in additive if pd.notna(tf[c].iloc[0])}
        equal = bool(figures) and all(_close(sums[c], v) for c, v in figures.items())
        above = bool(figures) and all(v >= sums[c] - 0.01 for c, v in figures.items())
        if not figures and not free_text:
            notes.append(f"line {t.line}: a total row without figures ('{t.label}'), ignored")
            continue
        bare = t.label and not t.level and len(t.label.split()) == 1
        if free_text and (bare or not t.label) and not equal:
            back.append(t)  # a query "Total" with its own figures
            notes.append(f"line {t.line}: '{t.cells[0]}' kept as a data row (its figures are not the sum of the "
                         "other rows, so it is not their total)")
            continue
        if not above:
            c = next(c for c, v in figures.items() if v < sums[c] - 0.01)
            raise TrafficDataError(f"the total row says {figures[c]:,.0f} {c.replace('_', ' ')} but the rows above "
                                   f"it add up to {sums[c]:,.0f}", file=file, rows=[t.line])
        scope = "rows" if equal else "more"
        if not equal and bad_cols:
            notes.append(f"line {t.line}: the file's total exceeds the readable rows; the unreadable cells "
                         f"({', '.join(sorted(bad_cols))}) hold the difference")
        row = tf.iloc[0].drop(labels=list(lay.dims.values()), errors="ignore").to_dict()
        kept.append({**row, "label": t.label, "level": t.level, "scope": scope, "line": t.line})
    if not kept:
        return None, back
    out = pd.DataFrame(kept)
    for suffix in ("", "_previous"):
        _finish_metrics(out, suffix)
    out = out.sort_values("scope", key=lambda s: s.ne("rows"), kind="stable").reset_index(drop=True)
    return out.drop(columns="line"), back


def _read_sheet(sheet: Sheet, lay: _Layout, file: str) -> tuple[pd.DataFrame, list[str], pd.DataFrame | None,
                                                                  list[dict]]:
    """The table's canonical frame (wide), notes, totals (or None) and unreadable cells."""
    notes: list[str] = []
    unreadable: list[dict] = []
    counts = [i for i, (m, _) in lay.metrics.items() if m in ("clicks", "impressions")]
    split = split_totals(sheet, list(lay.dims), counts, file=file)
    decimal = _decimal_of(sheet, lay)
    frame = _metric_frame(split.rows, split.lines, sheet, lay, file, decimal, unreadable)
    totals, back = _totals(split, frame, sheet, lay, file, decimal, unreadable, notes)
    lines = list(split.lines)
    if back:
        pairs = sorted([*zip(split.lines, split.rows), *((t.line, t.cells) for t in back)])
        lines = [ln for ln, _ in pairs]
        unreadable.clear()
        frame = _metric_frame([r for _, r in pairs], lines, sheet, lay, file, decimal, unreadable)
    notes.extend(_unreadable_note(u) for u in unreadable)
    frame.attrs["lines"] = schema.Lines(lines)  # immutable: pandas need not deep-copy it
    if "date" in frame:
        d, bad = yyyymmdd_or_dates(frame["date"].fillna(""))
        bad = bad & frame["date"].notna()
        if bad.any():
            col = sheet.header[next(i for i, x in lay.dims.items() if x == "date")]
            raise TrafficDataError(f"cannot read '{frame['date'][bad].iloc[0]}' as a date", file=file, column=col,
                                   rows=_err_rows(lines, bad))
        frame["date"] = d
    for suffix in ("", "_previous"):
        if f"clicks{suffix}" in frame and f"impressions{suffix}" in frame:
            over = frame[f"clicks{suffix}"] > frame[f"impressions{suffix}"]
            if over.any():
                notes.append(f"{int(over.sum())} rows with more clicks than impressions (kept as written)")
        _finish_metrics(frame, suffix)
    dropped = [sheet.header[i] for i in lay.extra if sheet.header[i]]
    if dropped:
        notes.append("columns not used: " + ", ".join(dropped))
    return frame, notes, totals, unreadable


def _long_dates(frame: pd.DataFrame, labels: dict, notes: list[str]) -> pd.DataFrame:
    """A comparison-mode Dates table as one row per day and period."""
    cur_cols = [m for m in METRICS if m in frame]
    prev_cols = [f"{m}_previous" for m in METRICS if f"{m}_previous" in frame]
    cur = frame[["date", *cur_cols]].copy()
    prev = frame[["date", *prev_cols]].rename(columns=lambda c: c.replace("_previous", ""))
    has_cur = cur[[c for c in ("clicks", "impressions") if c in cur]].notna().any(axis=1)
    has_prev = prev[[c for c in ("clicks", "impressions") if c in prev]].notna().any(axis=1)
    if not (has_cur & has_prev).any():
        # each row is dated with its own day: current rows, then the comparison rows
        out = pd.concat([cur[has_cur].assign(period="current"), prev[has_prev].assign(period="previous")])
    else:
        # both periods on one row: the comparison day is the same day of the earlier range
        days = int((cur["date"].max() - cur["date"].min()).days) + 1
        prev = prev[has_prev].copy()
        prev["date"] = prev["date"] - pd.Timedelta(days=days)
        notes.append(f"comparison days dated by shifting the period's days back {days} days (the file puts "
                     "both periods on one row)")
        out = pd.concat([cur[has_cur].assign(period="current"), prev.assign(period="previous")])
    return out.sort_values(["period", "date"], ascending=[False, True]).reset_index(drop=True)


# The Filters table's own rows ("Search type: Web", "Date: Last 3 months"...).
_FILTER_KEYS = {k: {_fold(w) for w in ws} for k, ws in {
    "search_type": ("Search type", "Type de recherche", "Tipo de búsqueda", "Suchtyp", "Art der Suche",
                    "Tipo di ricerca", "Tipo de pesquisa", "Zoektype", "Type zoekopdracht", "Typ wyszukiwania",
                    "Arama türü", "Тип поиска", "検索タイプ", "搜索类型", "搜尋類型", "검색 유형"),
    "date_range": ("Dates", "Période", "Plage de dates", "Intervalo de fechas", "Zeitraum", "Periodo", "Período",
                   "Periode", "Datumbereik", "Zakres dat", "Tarih aralığı", "Период", "期間", "日期范围"),
    "compare": ("Compare", "Comparer", "Comparaison", "Comparar", "Vergleichen", "Confronta", "Vergelijken",
                "Porównaj", "Karşılaştır", "Сравнить", "比較", "比较"),
}.items()}


def _read_filters(sheet: Sheet, file: str) -> tuple[pd.DataFrame, dict]:
    rows = [(c + ["", ""])[:2] for c in sheet.rows if any(x.strip() for x in c)]
    frame = pd.DataFrame(rows, columns=["filter", "value"])
    meta: dict = {}
    for f, v in rows:
        key = _fold(f)
        if key in _FILTER_KEYS["search_type"]:
            meta["search_type"] = v
        elif key in _FILTER_KEYS["date_range"] or key in _DIM_LOOKUP and _DIM_LOOKUP[key] == "date":
            meta["date_range"] = v
        elif key in _FILTER_KEYS["compare"]:
            meta["compare"] = v
    meta["applied"] = [f"{f}: {v}" for f, v in rows]
    return frame, meta


def _read_bulk(probe: Probe, kind: str) -> tuple[pd.DataFrame, list[str]]:
    file = probe.file
    if probe.suffix in (".parquet", ".pq"):
        try:
            raw = pd.read_parquet(probe.path)
        except Exception as exc:
            raise TrafficDataError(f"not a readable Parquet file ({type(exc).__name__})", file=file) from None
        raw.columns = [str(c).lower() for c in raw.columns]
        lines = list(range(1, len(raw) + 1))
        where = "row"
    else:
        sheet, _ = _best_sheet(probe)
        width = sheet.width
        raw = pd.DataFrame([(c + [""] * width)[:width] for c in sheet.rows], columns=[h.lower() for h in sheet.header],
                           dtype="string")
        lines = list(sheet.lines)
        where = "line"
    notes: list[str] = []
    frame = pd.DataFrame(index=raw.index)
    d, bad = yyyymmdd_or_dates(raw["data_date"])  # text, or days already (Parquet DATE)
    if bad.any():
        raise TrafficDataError(f"cannot read '{raw['data_date'][bad].iloc[0]}' as a date", file=file,
                               column="data_date", rows=_err_rows(lines, bad))
    frame["date"] = d
    keep = {"site_url": "site_url", "url": "page", "query": "query", "country": "country", "device": "device",
            "search_type": "search_type"}
    for src, dst in keep.items():
        if src in raw:
            frame[dst] = raw[src].astype("string").str.strip().replace("", pd.NA)
    if "is_anonymized_query" in raw:
        anon = raw["is_anonymized_query"].astype("string").str.strip().str.lower().isin(["true", "1", "t", "yes"])
        frame["is_anonymized_query"] = anon.to_numpy()
    elif "query" in frame:
        frame["is_anonymized_query"] = frame["query"].isna().to_numpy()
    psum = "sum_top_position" if kind == "bulk_site" else "sum_position"
    for col in ("clicks", "impressions", psum):
        text = raw[col].astype("string")
        vals, bad = numbers(text, integer=col != psum)
        if bad.any():
            raise TrafficDataError(f"cannot read '{text[bad].iloc[0]}' as a number", file=file, column=col,
                                   rows=_err_rows(lines, bad))
        if (vals < 0).any():
            raise TrafficDataError("negative values where counts and position sums cannot be negative", file=file,
                                   column=col, rows=_err_rows(lines, vals < 0))
        frame[col if col != psum else "_psum"] = vals
    # Google: position = sum_(top_)position / impressions + 1 (positions are zero-based in the table)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["position"] = np.where(frame["impressions"] > 0, frame["_psum"] / frame["impressions"] + 1, np.nan)
    frame = frame.drop(columns="_psum")
    _finish_metrics(frame)
    notes.append(f"position = {psum} / impressions + 1 (the bulk export's positions start at 0)")
    if where == "row":
        notes.append("rows with repeated keys are kept: aggregate before reading them (Google's advice)")
    if "is_anonymized_query" in frame and frame["is_anonymized_query"].any():
        share = frame.loc[frame["is_anonymized_query"], "clicks"].sum() / max(frame["clicks"].sum(), 1)
        notes.append(f"anonymized queries (no query text) hold {share:.1%} of the clicks")
    return frame, notes


def read_table(probe: Probe | str | Path) -> Export:
    """Read one Search Console table (see the module doc) into an :class:`Export`.

    Raises :class:`TrafficDataError` (file, column, lines) for unreadable numbers or
    dates, negative values, fractional clicks, rows wider than the header, or a file
    that is not a Search Console table.
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    if probe.suffix in (".parquet", ".pq"):
        cols = {c.lower() for c in probe.parquet_columns}
        kind = "bulk_url" if cols >= _BULK_URL else "bulk_site" if cols >= _BULK_SITE else None
        if kind is None:
            raise TrafficDataError("not a Search Console bulk export table (needs data_date, clicks, impressions "
                                   "and sum_top_position or url + sum_position)", file=file)
        frame, notes = _read_bulk(probe, kind)
        return _export(file, kind, frame, notes, {}, {})
    found = _best_sheet(probe)
    if found is None:
        raise TrafficDataError("not a Search Console table (expected a dimension such as 'Top queries' or "
                               "'Requêtes les plus fréquentes' with Clicks/Clics, Impressions, CTR, Position)",
                               file=file)
    sheet, lay = found
    if lay.kind in ("bulk_site", "bulk_url"):
        frame, notes = _read_bulk(probe, lay.kind)
        return _export(file, lay.kind, frame, notes, {}, {})
    if lay.kind == "filters":
        frame, meta = _read_filters(sheet, file)
        if _lang_of_header(sheet.header):
            meta["lang"] = _lang_of_header(sheet.header)
        return Export(path=file, kind="search_console/filters", table=TABLE, frame=frame,
                      notes=["filters applied in Search Console: " + "; ".join(meta["applied"])] if meta["applied"]
                      else ["no filter applied"], columns={sheet.header[0]: "filter", sheet.header[1]: "value"},
                      meta=meta)
    frame, notes, totals, unreadable = _read_sheet(sheet, lay, file)
    columns = {sheet.header[i]: d for i, d in lay.dims.items()}
    columns.update({sheet.header[i]: (m if r == "current" else f"{m}_previous") for i, (m, r) in lay.metrics.items()})
    meta = {"comparison": dict(lay.labels)} if "previous" in lay.labels else {}
    if lay.labels.get("current") and "previous" not in lay.labels:
        meta["period_label"] = lay.labels["current"]
    if sheet.where:
        meta["sheet"] = sheet.where
    lang = _lang_of_header(sheet.header)
    if lang:
        meta["lang"] = lang
    if unreadable:
        meta["unreadable_cells"] = unreadable
    if lay.kind == "dates" and "previous" in lay.labels:
        frame = _long_dates(frame, lay.labels, notes)
        if totals is not None:  # the frame holds both periods: one total per period, checked above per period
            totals = _long_totals(totals)
            notes.append("the file's totals are per period (checked against each period's rows)")
    if lay.kind in DIMENSION_TABLES and lay.kind != "dates":
        empty = frame[_DIM_OF_TABLE[lay.kind]].isna()
        if empty.any():
            notes.append(f"{int(empty.sum())} rows without a {_DIM_OF_TABLE[lay.kind]} kept as '(blank)'")
            frame[_DIM_OF_TABLE[lay.kind]] = frame[_DIM_OF_TABLE[lay.kind]].fillna("(blank)")
    if "previous" in lay.labels:
        notes.append(f"comparison mode: '{lay.labels['current'] or 'current'}' vs '{lay.labels['previous']}'")
    notes.append("CTR recomputed as clicks / impressions (the file's CTR is rounded)")
    if lay.kind == "queries":
        notes.append("the queries table leaves out anonymised queries and stops at the interface's row limit "
                     "(1,000): its sums are below the site's totals (those of the Dates table)")
    return _export(file, lay.kind, frame, notes, columns, meta, totals)


def _long_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """Wide totals (clicks, clicks_previous...) as one row per period, scope "period"
    (neither the total of every row of the long frame nor a wider one)."""
    cur = totals[[c for c in totals if not c.endswith("_previous")]].assign(period="current")
    prev = totals[["label", "level", *[c for c in totals if c.endswith("_previous")]]]
    prev = prev.rename(columns=lambda c: c.replace("_previous", "")).assign(period="previous")
    return pd.concat([cur, prev], ignore_index=True).assign(scope="period")


def _export(file: str, kind: str, frame: pd.DataFrame, notes: list[str], columns: dict, meta: dict,
            totals: pd.DataFrame | None = None) -> Export:
    frame = frame.reset_index(drop=True)
    dims = tuple(c for c in ("date", "query", "page", "country", "device", "search_appearance", "search_type",
                             "site_url") if c in frame)
    period = None
    if "date" in frame and frame["date"].notna().any():
        cur = frame[frame["period"] == "current"] if "period" in frame else frame
        period = (cur["date"].min(), cur["date"].max())
        if "previous" in frame.get("period", pd.Series(dtype=str)).values:
            prev = frame[frame["period"] == "previous"]
            meta = {**meta, "previous_period": (prev["date"].min(), prev["date"].max())}
    return Export(path=file, kind=f"search_console/{kind}", table=TABLE, frame=frame, totals=totals, period=period,
                  notes=notes, columns=columns, dimensions=dims, meta=meta)


# ---------------------------------------------------------------------------- a whole export


@dataclass
class Performance:
    """A Search Console Performance export (zip, folder or workbook), every table read.

    Attributes
    ----------
    path : str
    tables : dict
        ``{"queries", "pages", "countries", "devices", "search_appearance", "dates"} ->
        DataFrame`` (those present), in canonical columns (see module doc).
    details : dict
        Finer tables found beside them: ``"table"`` (Looker Studio / API), ``"bulk_site"``,
        ``"bulk_url"`` -> DataFrame.
    exports : dict
        Member file name -> :class:`Export`, for every Search Console table read.
    filters : DataFrame or None
        Filters.csv as written (filter, value).
    comparison : dict or None
        ``{"current": label, "previous": label}`` in comparison mode.
    lang : str or None
        The interface language most tables are written in ("en", "fr", "es", "de"...),
        None when no header says.
    notes : list of str
    """

    path: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    details: dict[str, pd.DataFrame] = field(default_factory=dict)
    exports: dict[str, Export] = field(default_factory=dict)
    filters: pd.DataFrame | None = None
    filter_meta: dict = field(default_factory=dict)
    comparison: dict | None = None
    lang: str | None = None
    notes: list[str] = field(default_factory=list)

    def __getattr__(self, name):  # perf.queries, perf.dates... (None when absent)
        if name in DIMENSION_TABLES:
            return self.__dict__.get("tables", {}).get(name)
        raise AttributeError(name)

    @property
    def period(self):
        for e in self.exports.values():
            if e.kind == "search_console/dates" and e.period:
                return e.period
        for e in self.exports.values():
            if e.period:
                return e.period
        return None

    @property
    def previous_period(self):
        for e in self.exports.values():
            if "previous_period" in e.meta:
                return e.meta["previous_period"]
        return None

    def filters_applied(self) -> list[str]:
        """The filters Filters.csv states, as "Filter: value" lines (empty when none)."""
        return list(self.filter_meta.get("applied", []))

    def summary(self) -> str:
        out = [f"{self.path}: Search Console Performance export"]
        for name, e in self.exports.items():
            out.append(f"  {name}: {e.kind}, {e.rows:,} rows")
        out.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(out)


_SKIP = re.compile(r"(^|/)(__MACOSX|\.)")


zip_member_name = member_name  # kept under its first name (see readers/_archive.py)


def _zip_members(path: Path) -> list[tuple[zipfile.ZipInfo, str]]:
    """Table members of a zip that look like a Search Console export (CSV/xlsx/parquet),
    with their decoded names (:func:`zip_member_name`): a member name of the export in
    any interface language, or a CSV member whose header reads as a Search Console table."""
    try:
        with zipfile.ZipFile(path) as z:
            members = [(i, zip_member_name(i)) for i in z.infolist() if not i.is_dir()]
            members = [(i, n) for i, n in members if not _SKIP.search(n)
                       and n.lower().endswith((".csv", ".tsv", ".xlsx", ".parquet"))]
            stems = {_fold(Path(n).stem) for _, n in members}
            if stems & _FILE_STEMS or any("searchdata" in n for _, n in members):
                return members
            for i, n in members[:20]:  # names in a language not listed: look at the headers
                if n.lower().endswith((".csv", ".tsv")):
                    with z.open(i) as fh:
                        head = fh.read(4096).decode("utf-8-sig", errors="replace").splitlines()[:1]
                    if head and _layout(next(csv.reader(head, delimiter=sniff(head)), [])) is not None:
                        return members
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return []
    return []


def _lang_of(exports: dict[str, Export]) -> str | None:
    """The interface language most tables of an export are written in (see
    :func:`_lang_of_header`), or None."""
    langs = [e.meta["lang"] for e in exports.values() if e.meta.get("lang")]
    return max(dict.fromkeys(langs), key=langs.count) if langs else None


def _relabel(exc: TrafficDataError, file: str) -> TrafficDataError:
    return TrafficDataError(exc.problem, file=file, column=exc.column, rows=exc.rows, hint=exc.hint)


def _collect(perf: Performance, export: Export, name: str) -> None:
    kind = export.kind.split("/", 1)[1]
    perf.exports[name] = export
    perf.notes.extend(_unreadable_note(u) for u in export.meta.get("unreadable_cells", ()))
    if kind == "filters":
        perf.filters = export.frame
        perf.filter_meta = export.meta
        return
    if kind in DIMENSION_TABLES:
        if kind in perf.tables:
            perf.notes.append(f"two {kind} tables: the second ({name}) is ignored")
            return
        perf.tables[kind] = export.frame
        if "comparison" in export.meta:
            perf.comparison = export.meta["comparison"]
    else:
        if kind in perf.details:
            perf.details[kind] = pd.concat([perf.details[kind], export.frame], ignore_index=True)
        else:
            perf.details[kind] = export.frame


def _workbook(perf: Performance, path: Path, label: str) -> None:
    probe = Probe(path)
    for s in probe.sheets:
        lay = _layout(s.header, s.rows[:50])
        if lay is None:
            continue
        sub = _SheetProbe(probe, s)
        try:
            export = read_table(sub)
        except TrafficDataError as exc:
            raise _relabel(exc, f"{label} ({s.where.strip()})") from None
        _rename(export, export.path, f"{label} ({s.where.strip()})")
        _collect(perf, export, s.where.split("'")[1] if "'" in s.where else s.where)


class _SheetProbe(Probe):
    """A probe over one worksheet of a workbook."""

    def __init__(self, probe: Probe, sheet: Sheet):
        super().__init__(probe.path)
        self.__dict__["sheets"] = [sheet]


@filecache.by_files("path")
def load_performance(path: str | Path) -> Performance:
    """Read a Search Console Performance export: a zip, a folder of its CSVs (names and
    headers in any interface language), an .xlsx download, or one of its CSVs alone.

    Tables are recognised by their headers. Files of the folder that are not Search
    Console tables are listed in ``notes`` and otherwise ignored; Looker Studio / API
    tables and bulk-export tables found beside them go to ``details``. Raises
    :class:`TrafficDataError` when nothing in ``path`` is a Search Console table, or
    naming the member file, column and line of a malformed table.
    """
    p = Path(path)
    if not p.exists():
        raise TrafficDataError("file or folder not found", file=str(path))
    perf = Performance(path=str(path))
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                       and f.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".pq"))
        for f in files:
            _member(perf, f, f.name, str(f))
    elif p.suffix.lower() == ".zip":
        members = _zip_members(p)
        if not members:
            raise TrafficDataError("a zip without Search Console tables (Queries.csv, Dates.csv...)", file=str(path))
        with tempfile.TemporaryDirectory(prefix="tl_gsc_") as tmp, zipfile.ZipFile(p) as z:
            for i, (info, name) in enumerate(members):
                target = Path(tmp) / f"{i:03d}_{re.sub(r'[^0-9A-Za-z._ -]+', '_', Path(name).name)}"
                target = target.with_name(target.name)  # same suffix, flat, no path from the archive
                check_member(info, str(path), max_bytes=200_000_000)  # refused by name before a byte is read
                with z.open(info) as src:
                    data = src.read(200_000_001)
                if len(data) > 200_000_000:
                    raise TrafficDataError("a member larger than 200 MB", file=f"{path} ({name})")
                target.write_bytes(data)
                _member(perf, target, Path(name).name, f"{path} ({name})")
    elif p.suffix.lower() in (".xlsx", ".xlsm"):
        _workbook(perf, p, str(path))
    else:
        _member(perf, p, p.name, str(path), strict=True)
    if not perf.tables and not perf.details:
        raise TrafficDataError("no Search Console table found (expected Queries.csv, Pages.csv, Dates.csv... "
                               "or their names in the interface's language)", file=str(path))
    perf.lang = _lang_of(perf.exports)
    if "dates" not in perf.tables and "bulk_site" not in perf.details:
        perf.notes.append("no Dates table: site totals come from the devices or countries table where present")
    return perf


def _member(perf: Performance, f: Path, name: str, label: str, strict: bool = False) -> None:
    if f.suffix.lower() in (".xlsx", ".xlsm"):
        _workbook(perf, f, label)
        return
    probe = Probe(f)
    try:
        ok = is_search_console(probe)
        if not ok:
            if strict:
                raise TrafficDataError("not a Search Console table", file=label)
            perf.notes.append(f"{name}: not a Search Console table, ignored")
            return
        export = read_table(probe)
    except TrafficDataError as exc:
        if exc.file and exc.file != str(f):
            raise
        raise _relabel(exc, label) from None
    _rename(export, str(f), label)
    _collect(perf, export, name)


def _rename(export: Export, file: str, label: str) -> None:
    """Name an export read from a temporary copy (a zip member) as the user knows it."""
    export.path = label
    if label != file:
        export.notes = [n.replace(file, label) for n in export.notes]
        for u in export.meta.get("unreadable_cells", ()):
            u["file"] = label


# ---------------------------------------------------------------------------- registry


def _recognise_table(probe: Probe):
    if probe.suffix == ".zip" or probe.suffix in (".xlsx", ".xlsm"):
        return False
    return is_search_console(probe)


def _recognise_bundle(probe: Probe):
    """A zip of a Performance export, or an .xlsx download with several tables."""
    if probe.suffix == ".zip":
        return bool(_zip_members(probe.path))
    if probe.suffix in (".xlsx", ".xlsm"):
        return any(_layout(s.header, s.rows[:50]) is not None for s in probe.sheets)
    return False


def _read_bundle(probe: Probe) -> Export:
    """Export of kind ``search_console/performance``: ``frame`` is the Dates table (else
    the first table found), ``meta["tables"]`` every table, ``meta["performance"]`` the
    :class:`Performance`."""
    perf = load_performance(probe.path)
    tables = {**perf.tables, **perf.details}
    first = "dates" if "dates" in tables else next(iter(tables))
    frame = tables[first]
    notes = [f"a Search Console Performance export with tables {', '.join(tables)}; frame = {first}"] + perf.notes
    if perf.filters_applied():
        notes.append("filters applied in Search Console: " + "; ".join(perf.filters_applied()))
    e = next((x for x in perf.exports.values() if x.kind.endswith("/" + first)), None)
    return Export(path=probe.file, kind="search_console/performance", table=TABLE, frame=frame,
                  period=perf.period, notes=notes, columns=e.columns if e else {},
                  dimensions=e.dimensions if e else (),
                  meta={"tables": tables, "performance": perf, "filters": perf.filters_applied(),
                        "comparison": perf.comparison})


register(Reader("search_console/table", TABLE, _recognise_table, read_table, priority=25,
                describe="Google Search Console table: a Performance export CSV (queries, pages, countries, devices, "
                         "search appearance, dates, filters; any interface language, comparison mode), a Looker Studio / API table, "
                         "or a bulk export table (searchdata_site_impression / searchdata_url_impression)"))
register(Reader("search_console/performance", TABLE, _recognise_bundle, _read_bundle, priority=24,
                describe="Google Search Console Performance export as a zip or an .xlsx download"))
