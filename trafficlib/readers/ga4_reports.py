"""GA4 and Universal Analytics interface exports (standard reports, Explorations,
Sheets, Data API tables, UA report downloads).

A GA4 report is a *cube*: a few dimensions (date, channel, landing page, country...)
and metrics aggregated over them, not sessions. :func:`read_report` reads one into the
``web_cube`` table:

- the ``#`` comment preamble: property, account, ``Start date: 20240101`` and the end
  date in any interface language GA4 ships (``Date de début``, ``Data di inizio``,
  ``開始日``...), a comparison range apart, or the Explorations' and UA's one-line range
  ``20250301-20250331`` (the export's period). Dated lines ``<label>: YYYYMMDD`` whose
  label the kit does not know are read by their place (start, end, comparison start,
  comparison end), with a note;
- the header line, in GA4's English, French, German, Spanish, Italian, Portuguese,
  Dutch, Polish or Japanese interface (see ``DIMENSIONS``, ``METRICS`` and ``UI_NAMES``:
  names seen in real downloads apart from the inferred ones), or Data API names
  (``sessionDefaultChannelGroup``); a column of text whose header the kit does not know
  (a custom channel group, a custom dimension) is kept as a dimension under its own
  name. A file with GA4's preamble and no header the kit knows is refused, naming them;
- total rows by the one rule of :func:`trafficlib.readers._sheet.split_totals`:
  "Grand total" / "Total" / "Totaux" / "Gesamtsumme" / "Totale complessivo"... in a
  dimension cell, in the Explorations' field beyond the header
  (``,,,,190426,0.5589,...,Grand total``) or in an extra leading field (``Grand
  total,,,300,...``), or an unlabelled row of empty dimensions at the top (GA4 standard
  reports) or the bottom (UA downloads) that is at least as large as every row; a
  trailing label the kit does not know as a total (``総計``) is kept as written when its
  row is a total by that last rule (noted), else the row is refused. A row of empty
  dimensions in the middle of the table (a landing page ``""`` with its 13 sessions) is
  data. Totals go to :attr:`Export.totals`;
- numbers with thousands separators in either locale (the decimal mark voted by the
  file's unambiguous numbers), rates as ``0.65`` or ``65 %``,
  durations as seconds, ``1m 23s`` or ``00:01:23``, dates as ``YYYYMMDD`` (or "Nth
  day" counted from the start date);
- several tables in one file (a chart's table above the report's): the table with the
  most recognised columns is read; .xlsx downloads hold the same layout. GA4's Home /
  Reports snapshot export (one small table per card of the overview page) is refused
  by name, with the report to download instead: its tables are the cards' top rows,
  not reports, and no one table of it is the site's traffic.

Cube columns (canonical names): dimensions as found (``date``, ``channel``, ``source``,
``medium``, ``campaign``, ``landing_page``, ``page``, ``device``, ``country``...); additive
metrics ``sessions``, ``engaged_sessions``, ``converting_sessions``, ``conversions``
(key events, UA goal completions), ``revenue``, ``pageviews``, ``engagement_time``
(seconds, total), ``event_count``, ``transactions``; non-additive ``users`` (active
users), ``total_users``, ``new_users``: users are de-duplicated over the rows of a
report, so they are never summed into a total. Metrics exported only as ratios are
turned back into sums with their denominator (engaged sessions = engagement rate ×
sessions, rounded) and the note says so; UA's bounce rate (one-hit sessions) is kept
apart from GA4's (1 − engagement rate) and never turned into engaged sessions.

:attr:`Export.totals` holds one row per total row of the file, with the metric columns
and ``label`` (as written, ``""`` when unlabelled), ``level`` (``""``) and ``scope``:
``"rows"`` when the additive metrics of the rows add up to it, ``"more"`` when the
rows fall short of it (an Exploration downloaded with its "Show rows" limit) or when
it states only users (de-duplicated: more than a row sum can say). Users in a total
row are GA4's de-duplicated count: the figure to show, never the sum of the rows.
"""
from __future__ import annotations

import dataclasses
import math
import re
import unicodedata

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import durations, numbers, yyyymmdd_or_dates
from trafficlib.readers._sheet import Sheet, decimal_mark, split_totals, total_label
from trafficlib.readers.registry import Export, Probe, Reader, register
from trafficlib.schema import normalize_header

__all__ = ["read_report", "DIMENSIONS", "METRICS", "UI_NAMES", "CUBE_ADDITIVE", "CUBE_USERS"]

CUBE_ADDITIVE = ("sessions", "engaged_sessions", "converting_sessions", "conversions", "revenue", "pageviews",
                 "engagement_time", "session_duration", "event_count", "transactions")
CUBE_USERS = ("users", "total_users", "new_users")
# the additive metrics a file's total is checked against (registry.ADDITIVE, minus time sums)
_CHECKED = ("sessions", "engaged_sessions", "conversions", "revenue", "pageviews", "event_count", "transactions")


# a word character of a script that has no ASCII folding (CJK, kana, hangul, Cyrillic...)
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")


def _snake(header: str) -> str:
    """The comparison key of a header: lower-case ASCII snake case for Latin scripts
    (``'Sesiones con interacción'`` -> ``'sesiones_con_interaccion'``, camelCase split,
    units in brackets dropped); for other scripts the letters themselves without spaces
    or brackets (``'アクティブ ユーザー'`` -> ``'アクティブユーザー'``: GA4's Japanese interface
    spaces its words inconsistently, and full-width brackets count as brackets)."""
    text = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "")
    if _NON_LATIN.search(text):
        text = re.sub(r"\s*[\(\[].*?[\)\]]\s*", " ", text).lower()
        return re.sub(r"[\W_]+", "", text)
    return normalize_header(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", text))


def _keys(*names: str) -> list[str]:
    return [_snake(n) for n in names]


# canonical dimension -> headers (English UI, French UI, Data API; UA's names)
DIMENSIONS: dict[str, list[str]] = {
    "date": _keys("Date", "date", "Jour", "Day", "Day Index", "Index des jours"),
    "nth_day": _keys("Nth day", "Nième jour", "Énième jour", "N-ième jour", "nthDay"),
    "year_month": _keys("Year month", "Mois de l'année", "Année et mois", "yearMonth", "Month of year"),
    "week": _keys("Week", "Semaine", "ISO week of the year", "isoYearIsoWeek", "Year week", "yearWeek"),
    "channel": _keys("Session default channel group", "Groupe de canaux par défaut de la session",
                     "Session primary channel group", "Groupe de canaux principal de la session",
                     "sessionDefaultChannelGroup", "sessionPrimaryChannelGroup",
                     "Default channel group", "Groupe de canaux par défaut", "defaultChannelGroup",
                     "Default Channel Grouping", "channelGrouping"),
    "first_user_channel": _keys("First user default channel group", "First user primary channel group",
                                "Groupe de canaux par défaut du premier utilisateur",
                                "Groupe de canaux principal du premier utilisateur", "firstUserDefaultChannelGroup"),
    "source_medium": _keys("Session source / medium", "Source/Support de la session", "Source / support de la session",
                           "sessionSourceMedium", "Source / medium", "Source/Support", "sourceMedium"),
    "source": _keys("Session source", "Source de la session", "sessionSource", "Source"),
    "medium": _keys("Session medium", "Support de la session", "sessionMedium", "Medium", "Support"),
    "campaign": _keys("Session campaign", "Campagne de la session", "sessionCampaignName", "Campaign", "Campagne",
                      "Session campaign name"),
    "landing_page": _keys("Landing page", "Page de destination", "Landing page + query string",
                          "Page de destination + chaîne de requête", "landingPage", "landingPagePlusQueryString"),
    "page": _keys("Page path and screen class", "Chemin de la page et classe de l'écran",
                  "Page path + query string and screen class", "Chemin de la page + chaîne de requête et classe de l'écran",
                  "Page path", "Chemin de la page", "pagePath", "pagePathPlusQueryString", "Page location",
                  "Emplacement de la page", "pageLocation", "unifiedScreenClass", "unifiedPagePathScreen", "Page"),
    "page_title": _keys("Page title and screen class", "Titre de la page et classe de l'écran", "Page title",
                        "Titre de la page", "pageTitle", "unifiedScreenName", "Page Title"),
    "device": _keys("Device category", "Catégorie d'appareil", "deviceCategory", "Device", "Appareil"),
    "country": _keys("Country", "Pays", "country", "Country ID", "countryId"),
    "region": _keys("Region", "Région", "region"),
    "city": _keys("City", "Ville", "city"),
    "browser": _keys("Browser", "Navigateur", "browser"),
    "os": _keys("Operating system", "Système d'exploitation", "operatingSystem"),
    "language": _keys("Language", "Langue", "language"),
    "new_vs_returning": _keys("New / established", "Nouveau/Établi", "Nouveaux/Établis", "newVsReturning",
                              "New vs returning", "Nouveaux/Connus", "User Type"),
    "event_name": _keys("Event name", "Nom de l'événement", "eventName"),
    "hostname": _keys("Hostname", "Nom d'hôte", "hostName"),
}

# canonical metric -> (headers, how it is written)
METRICS: dict[str, tuple[list[str], str]] = {
    "sessions": (_keys("Sessions", "sessions", "Visits", "Visites"), "count"),
    "engaged_sessions": (_keys("Engaged sessions", "Sessions avec engagement", "engagedSessions"), "count"),
    "engagement_rate": (_keys("Engagement rate", "Taux d'engagement", "engagementRate"), "rate"),
    "bounce_rate": (_keys("Bounce rate", "Taux de rebond", "bounceRate"), "rate"),
    "ua_bounce_rate": ([], "rate"),  # UA's "Bounce Rate" (one-hit sessions): see _map_header
    "conversions": (_keys("Key events", "Événements clés", "keyEvents", "Conversions", "conversions",
                          "Goal Completions", "Réalisations d'objectifs"), "number"),
    "converting_rate": (_keys("Session key event rate", "Taux d'événements clés de la session", "sessionKeyEventRate",
                              "Session conversion rate", "Taux de conversion de la session",
                              "sessionConversionRate"), "rate"),
    "revenue": (_keys("Total revenue", "Revenu total", "Revenus totaux", "totalRevenue", "Purchase revenue",
                      "Revenus générés par les achats", "Revenu généré par les achats", "purchaseRevenue",
                      "Revenue", "Revenus"), "number"),
    "pageviews": (_keys("Views", "Vues", "screenPageViews", "Pageviews", "Pages vues"), "count"),
    "views_per_session": (_keys("Views per session", "Vues par session", "screenPageViewsPerSession",
                                "Pages / Session", "Pages/session"), "number"),
    "views_per_user": (_keys("Views per active user", "Vues par utilisateur actif", "screenPageViewsPerUser",
                             "Views per user"), "number"),
    "avg_engagement_per_session": (_keys("Average engagement time per session",
                                         "Durée d'engagement moyenne par session",
                                         "Temps d'engagement moyen par session", "userEngagementDuration per session"),
                                   "duration"),
    "avg_engagement_per_user": (_keys("Average engagement time per active user",
                                      "Durée d'engagement moyenne par utilisateur actif",
                                      "Temps d'engagement moyen par utilisateur actif"), "duration"),
    "user_engagement": (_keys("User engagement", "Engagement de l'utilisateur", "userEngagementDuration"), "duration"),
    "avg_session_duration": (_keys("Average session duration", "Durée moyenne des sessions", "averageSessionDuration",
                                   "Avg. Session Duration"), "duration"),
    "event_count": (_keys("Event count", "Nombre d'événements", "eventCount"), "count"),
    "transactions": (_keys("Transactions", "Ecommerce purchases", "Achats e-commerce", "ecommercePurchases"), "count"),
    "users": (_keys("Active users", "Utilisateurs actifs", "activeUsers", "Users", "Utilisateurs"), "count"),
    "total_users": (_keys("Total users", "Nombre total d'utilisateurs", "Utilisateurs totaux", "totalUsers"), "count"),
    "new_users": (_keys("New users", "Nouveaux utilisateurs", "newUsers"), "count"),
    # Universal Analytics report downloads (read, not kept in the cube: per-page figures)
    "unique_pageviews": (_keys("Unique Pageviews", "Vues uniques", "Pages vues uniques"), "count"),
    "avg_time_on_page": (_keys("Avg. Time on Page", "Temps moyen passé sur la page"), "duration"),
    "entrances": (_keys("Entrances", "Entrées"), "count"),
    "exit_rate": (_keys("% Exit", "% de sorties"), "rate"),
    "page_value": (_keys("Page Value", "Valeur de la page"), "number"),
    "new_sessions_rate": (_keys("% New Sessions", "% de nouvelles sessions"), "rate"),
    "goal_conversion_rate": (_keys("Goal Conversion Rate", "Taux de conversion de l'objectif"), "rate"),
    "goal_value": (_keys("Goal Value", "Valeur de l'objectif"), "number"),
}
# headers only Universal Analytics writes (GA4 has no such metric)
_UA_ONLY = {"unique_pageviews", "avg_time_on_page", "entrances", "exit_rate", "page_value", "new_sessions_rate",
            "goal_conversion_rate", "goal_value"}

# GA4's interface in other languages: canonical column -> headers as GA4 writes them. Seen in
# real downloads or in parsers and fixtures written against real downloads (public
# repositories; the sources are listed in tests/test_ga4_languages.py); _UI_INFERRED holds
# the translations no real file confirmed yet (GA4's glossary wording), kept apart so that
# a wrong guess can only fail to match, never be taken for a confirmed name.
_UI_CONFIRMED: dict[str, dict[str, list[str]]] = {
    "de": {
        "channel": ["Sitzung – primäre Channelgruppe (Standard-Channelgruppe)", "Sitzung – primäre Channelgruppe",
                    "Sitzung – Standardchannelgruppe"],
        "first_user_channel": ["Erste Nutzerinteraktion – Standardchannelgruppe"],
        "source_medium": ["Sitzung – Quelle/Medium"],
        "landing_page": ["Landingpage", "Landingpage + Abfragestring", "Zielseite"],
        "page": ["Seitenpfad und Bildschirmklasse", "Seitenpfad"],
        "page_title": ["Seitentitel und Bildschirmklasse"],
        "device": ["Gerätekategorie"], "country": ["Land"], "city": ["Stadt"], "os": ["Betriebssystem"],
        "new_vs_returning": ["Neu/wiederkehrend"], "event_name": ["Ereignisname"], "date": ["Datum"],
        "sessions": ["Sitzungen"], "engaged_sessions": ["Sitzungen mit Interaktionen"],
        "engagement_rate": ["Engagement-Rate"], "bounce_rate": ["Absprungrate"],
        "avg_engagement_per_session": ["Durchschnittliche Interaktionsdauer pro Sitzung",
                                       "Ø Interaktionsdauer pro Sitzung"],
        "avg_engagement_per_user": ["Durchschnittliche Interaktionsdauer pro aktivem Nutzer",
                                    "Ø Interaktionsdauer pro Nutzer"],
        "user_engagement": ["Interaktionsdauer"],
        "users": ["Aktive Nutzer"], "total_users": ["Nutzer insgesamt"], "new_users": ["Neue Nutzer"],
        "event_count": ["Ereignisanzahl"], "conversions": ["Schlüsselereignisse"],
        "converting_rate": ["Sitzung-Schlüsselereignisrate"], "revenue": ["Gesamtumsatz"],
        "pageviews": ["Aufrufe"], "views_per_user": ["Aufrufe pro Nutzer"],
    },
    "es": {
        "channel": ["Grupo de canales principal de la sesión (Grupo de canales predeterminado)",
                    "Grupo de canales predeterminado de la sesión"],
        "first_user_channel": ["Primer grupo de canales principal del usuario (Grupo de canales predeterminado)"],
        "source_medium": ["Fuente / medio de la sesión"], "source": ["Fuente de la sesión"],
        "campaign": ["Campaña de la sesión"],
        "landing_page": ["Página de destino", "Página de destino y cadena de consulta"],
        "page": ["Ruta de página y clase de pantalla", "Ruta de la página"],
        "page_title": ["Título de página y clase de pantalla", "Título de la página"],
        "device": ["Categoría de dispositivo", "Categoría del dispositivo"], "country": ["País"],
        "city": ["Ciudad"], "os": ["Sistema operativo"], "browser": ["Navegador"], "language": ["Idioma"],
        "event_name": ["Nombre del evento"], "date": ["Fecha"], "nth_day": ["Día N"],
        "new_vs_returning": ["Nuevo / recurrente"],
        "sessions": ["Sesiones"], "engaged_sessions": ["Sesiones con interacción"],
        "engagement_rate": ["Porcentaje de interacciones", "Tasa de interacción"],
        "avg_engagement_per_user": ["Tiempo de interacción medio por usuario activo"],
        "users": ["Usuarios activos"], "total_users": ["Total de usuarios", "Usuarios totales"],
        "new_users": ["Usuarios nuevos"], "event_count": ["Número de eventos", "Recuento de eventos"],
        "conversions": ["Eventos clave"], "revenue": ["Ingresos totales"], "pageviews": ["Vistas"],
        "transactions": ["Compras de ecommerce"],
    },
    "it": {
        "channel": ["Gruppo di canali principale della sessione"],
        "source_medium": ["Sorgente / mezzo sessione"],
        "landing_page": ["Pagina di destinazione + stringa di query", "Pagina di destinazione"],
        "page_title": ["Titolo pagina"], "country": ["Paese", "ID Paese"], "event_name": ["Nome evento"],
        "nth_day": ["N° giorno"], "date": ["Data"],
        "sessions": ["Sessioni"], "engaged_sessions": ["Sessioni con coinvolgimento", "Sessioni con engagement"],
        "engagement_rate": ["Tasso di coinvolgimento", "Tasso di engagement"],
        "users": ["Utenti attivi"], "new_users": ["Nuovi utenti"], "event_count": ["Conteggio eventi"],
        "conversions": ["Eventi chiave"], "revenue": ["Entrate totali"],
    },
    "pt": {
        "channel": ["Grupo principal de canais da sessão (Grupo de canais padrão)",
                    "Grupo de canais padrão da sessão"],
        "first_user_channel": ["Grupo principal de canais do primeiro usuário"],
        "source_medium": ["Origem / mídia da sessão"], "source": ["Origem da sessão"],
        "medium": ["Meio da sessão"], "campaign": ["Campanha da sessão"], "page": ["Caminho da página"],
        "country": ["País"], "event_name": ["Nome do evento"], "nth_day": ["Nº dia"],
        "sessions": ["Sessões"], "engaged_sessions": ["Sessões engajadas"],
        "engagement_rate": ["Taxa de engajamento"], "bounce_rate": ["Taxa de rejeição"],
        "users": ["Usuários ativos"], "total_users": ["Total de usuários", "Usuários totais"],
        "new_users": ["Novos usuários"], "event_count": ["Contagem de eventos"],
        "conversions": ["Eventos principais"], "revenue": ["Receita total"], "pageviews": ["Visualizações"],
        "transactions": ["Transações"],
    },
    "pl": {
        "page_title": ["Tytuł strony i klasa ekranu"], "event_name": ["Nazwa wydarzenia"],
        "country": ["Identyfikator kraju"], "nth_day": ["N-ty dzień"],
        "users": ["Aktywni użytkownicy"], "event_count": ["Liczba zdarzeń"], "pageviews": ["Wyświetlenia"],
        "bounce_rate": ["Współczynnik odrzuceń"],
        "avg_engagement_per_session": ["Średni czas zaangażowania na sesję"],
        "avg_engagement_per_user": ["Średni czas zaangażowania na aktywnego użytkownika"],
    },
    "ja": {
        "channel": ["セッションのメインのチャネル グループ（デフォルト チャネル グループ）",
                    "セッションのデフォルト チャネル グループ"],
        "landing_page": ["ランディング ページ"],
        "sessions": ["セッション"], "engaged_sessions": ["エンゲージのあったセッション数"],
        "engagement_rate": ["エンゲージメント率"],
        "avg_engagement_per_session": ["セッションあたりの平均エンゲージメント時間"],
        "avg_engagement_per_user": ["アクティブ ユーザーあたりの平均エンゲージメント時間"],
        "users": ["アクティブ ユーザー"], "new_users": ["新規ユーザー数"], "total_users": ["総ユーザー数"],
        "event_count": ["イベント数"], "conversions": ["キーイベント"],
        "converting_rate": ["セッション キーイベント率"], "revenue": ["合計収益"],
    },
}
_UI_INFERRED: dict[str, dict[str, list[str]]] = {
    "de": {
        "source": ["Sitzung – Quelle"], "medium": ["Sitzung – Medium"], "campaign": ["Sitzung – Kampagne"],
        "browser": ["Browser"], "language": ["Sprache"], "nth_day": ["N-ter Tag"],
        "views_per_session": ["Aufrufe pro Sitzung"], "transactions": ["E-Commerce-Käufe", "Transaktionen"],
        "revenue": ["Umsatz aus Käufen"],
    },
    "es": {
        "medium": ["Medio de la sesión"], "region": ["Región"],
        "avg_engagement_per_session": ["Tiempo de interacción medio por sesión"],
        "converting_rate": ["Tasa de eventos clave de la sesión"], "bounce_rate": ["Porcentaje de rebote"],
        "views_per_session": ["Vistas por sesión"], "views_per_user": ["Vistas por usuario activo"],
        "revenue": ["Ingresos por compras"],
    },
    "it": {
        "first_user_channel": ["Gruppo di canali principale del primo utente"],
        "source": ["Sorgente sessione"], "medium": ["Mezzo sessione"], "campaign": ["Campagna sessione"],
        "page": ["Percorso pagina e classe schermata"], "page_title": ["Titolo pagina e classe schermata"],
        "device": ["Categoria dispositivo"], "city": ["Città"], "region": ["Regione"], "language": ["Lingua"],
        "os": ["Sistema operativo"],
        "total_users": ["Utenti totali"], "pageviews": ["Visualizzazioni"], "bounce_rate": ["Frequenza di rimbalzo"],
        "avg_engagement_per_session": ["Tempo di coinvolgimento medio per sessione"],
        "transactions": ["Acquisti e-commerce"], "views_per_user": ["Visualizzazioni per utente attivo"],
    },
    "pt": {
        "landing_page": ["Página de destino"], "page": ["Caminho da página e classe da tela"],
        "page_title": ["Título da página e classe da tela"], "device": ["Categoria do dispositivo"],
        "city": ["Cidade"], "region": ["Região"], "date": ["Data"], "language": ["Idioma"],
        "avg_engagement_per_session": ["Tempo médio de engajamento por sessão"],
        "avg_engagement_per_user": ["Tempo médio de engajamento por usuário ativo"],
        "views_per_user": ["Visualizações por usuário ativo"],
    },
    "nl": {
        "channel": ["Primaire kanaalgroep voor sessie", "Standaard kanaalgroep voor sessie"],
        "first_user_channel": ["Primaire kanaalgroep voor eerste gebruiker"],
        "source_medium": ["Bron/medium van sessie"], "landing_page": ["Landingspagina"],
        "page": ["Paginapad en schermklasse"], "page_title": ["Paginatitel en schermklasse"],
        "device": ["Apparaatcategorie"], "country": ["Land"], "city": ["Stad"],
        "event_name": ["Naam van gebeurtenis"], "date": ["Datum"], "nth_day": ["N-de dag"],
        "sessions": ["Sessies"], "engaged_sessions": ["Sessies met betrokkenheid", "Betrokken sessies"],
        "engagement_rate": ["Betrokkenheidspercentage"], "users": ["Actieve gebruikers"],
        "new_users": ["Nieuwe gebruikers"], "total_users": ["Totaal aantal gebruikers"],
        "event_count": ["Aantal gebeurtenissen"], "conversions": ["Belangrijke gebeurtenissen"],
        "revenue": ["Totale opbrengst"], "pageviews": ["Weergaven"],
        "views_per_user": ["Weergaven per actieve gebruiker"],
    },
    "pl": {
        "channel": ["Domyślna grupa kanałów sesji", "Główna grupa kanałów sesji"],
        "source_medium": ["Źródło/medium sesji"], "landing_page": ["Strona docelowa"],
        "page": ["Ścieżka strony i klasa ekranu"], "device": ["Kategoria urządzenia"], "country": ["Kraj"],
        "city": ["Miasto"], "date": ["Data"],
        "sessions": ["Sesje"], "engaged_sessions": ["Sesje z zaangażowaniem"],
        "engagement_rate": ["Współczynnik zaangażowania"], "new_users": ["Nowi użytkownicy"],
        "total_users": ["Łączna liczba użytkowników"], "conversions": ["Kluczowe zdarzenia"],
        "revenue": ["Łączne przychody"], "views_per_user": ["Wyświetlenia na aktywnego użytkownika"],
    },
    "ja": {
        "first_user_channel": ["最初のユーザーのメインのチャネル グループ（デフォルト チャネル グループ）"],
        "source_medium": ["セッションの参照元 / メディア"], "page": ["ページ パスとスクリーン クラス"],
        "page_title": ["ページ タイトルとスクリーン クラス"], "device": ["デバイス カテゴリ"], "country": ["国"],
        "city": ["市区町村"], "event_name": ["イベント名"], "date": ["日付"], "nth_day": ["N 日目"],
        "pageviews": ["表示回数"], "bounce_rate": ["直帰率"], "views_per_user": ["アクティブ ユーザーあたりのビュー"],
    },
}
# every language's headers, confirmed and inferred: language -> canonical -> headers
UI_NAMES: dict[str, dict[str, list[str]]] = {
    lang: {canon: _UI_CONFIRMED.get(lang, {}).get(canon, []) + _UI_INFERRED.get(lang, {}).get(canon, [])
           for canon in {**_UI_CONFIRMED.get(lang, {}), **_UI_INFERRED.get(lang, {})}}
    for lang in {**_UI_CONFIRMED, **_UI_INFERRED}}
for _names in UI_NAMES.values():
    for _canon, _headers in _names.items():
        _target = DIMENSIONS[_canon] if _canon in DIMENSIONS else METRICS[_canon][0]
        _target.extend(k for k in _keys(*_headers) if k not in _target)


_DIM_LOOKUP = {k: canon for canon, keys in DIMENSIONS.items() for k in keys}
_MET_LOOKUP = {k: canon for canon, (keys, _) in METRICS.items() for k in keys}


def _fold(text: str) -> str:
    """Lower case without accents (``'Data de início'`` -> ``'data de inicio'``); other
    scripts as they are (full-width forms made plain): for matching preamble lines."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text)))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


# The preamble's labels in GA4's interface languages. Confirmed from real downloads or from
# parsers of them: en, fr; it "Data di inizio"/"Data di fine"/"Proprietà"/"Account"; pt
# "Data de início"; pl "Data rozpoczęcia"; ja 開始日/終了日/プロパティ/アカウント. The others are
# GA4's glossary wording, not yet seen in a file: a line "<any label>: YYYYMMDD" is read by
# its position when its label is not known (see _preamble_facts).
_START_LABELS = ("Start date", "Date de début", "Startdatum", "Fecha de inicio", "Data di inizio", "Data de início",
                 "Data rozpoczęcia", "Begindatum", "開始日")
_END_LABELS = ("End date", "Date de fin", "Enddatum", "Einddatum", "Fecha de finalización", "Fecha de fin",
               "Fecha de término", "Data di fine", "Data de término", "Data final", "Data de fim",
               "Data zakończenia", "終了日")
_PROPERTY_LABELS = ("Property", "Propriété", "Propiedad", "Proprietà", "Propriedade", "Eigendom", "Usługa",
                    "Właściwość", "プロパティ")
_ACCOUNT_LABELS = ("Account", "Compte", "Konto", "Cuenta", "Conta", "アカウント")
_COMPARISON_WORDS = ("comparison", "comparaison", "vergleich", "comparacion", "confronto", "comparacao",
                     "vergelijking", "porownanie", "比較", "比较")


def _alternation(labels) -> str:
    return "|".join(re.escape(_fold(x)) for x in sorted(labels, key=len, reverse=True))


# a GA4 preamble line that names a date, the property or the account, in any of those languages
_GA4_PREAMBLE = re.compile(r"^(?:%s)\b[^:：]{0,40}[:：]" % _alternation(
    _START_LABELS + _END_LABELS + _PROPERTY_LABELS + _ACCOUNT_LABELS))
_PROPERTY_LINE = re.compile(r"^(?:%s)\s*[:：]" % _alternation(_PROPERTY_LABELS))
_ACCOUNT_LINE = re.compile(r"^(?:%s)\s*[:：]" % _alternation(_ACCOUNT_LABELS))
# any "<label>: 20250101" line (GA4's dated preamble lines, whatever the language)
_DATED_LINE = re.compile(r"^\s*(?P<label>[^\d:：]{1,80}?)\s*[:：]\s*(?P<date>(?:19|20)\d{6})\s*$")
_DASHES = re.compile(r"^\s*-{10,}\s*$")
_UA_PREAMBLE = re.compile(r"^(all web site data|toutes les donnees du site web)\b")
_RANGE_LINE = re.compile(r"^\s*((?:19|20)\d{6})\s*-\s*((?:19|20)\d{6})\s*$")
# the titles GA4 gives its Home / Reports snapshot export (en, fr confirmed; the others GA4's wording)
_HOME_TITLES = re.compile(r"^(?:%s)(?:\s*$|\s*[:：(\-–])" % _alternation((
    "Home", "Reports snapshot", "Accueil", "Instantané des rapports", "Startseite", "Übersicht der Berichte",
    "Berichts-Snapshot", "Inicio", "Resumen de informes", "Instantánea de informes", "Panoramica dei report",
    "Istantanea dei report", "Página inicial", "Início", "Resumo dos relatórios", "Visão geral dos relatórios",
    "Instantâneo dos relatórios", "Startpagina", "Overzicht van rapporten", "Momentopname van rapporten",
    "Strona główna", "Przegląd raportów", "Podsumowanie raportów", "ホーム", "レポートのスナップショット")))
# the key of a custom channel group's header in each language ("Session Acme Channels group")
_CHANNEL_GROUP_MARKERS = tuple(_snake(x) for x in (
    "channel group", "groupe de canaux", "channelgruppe", "grupo de canales", "gruppo di canali", "grupo de canais",
    "canais da sessão", "kanaalgroep", "grupa kanałów", "チャネル グループ"))


def _map_header(header: list[str], ua: bool = False) -> tuple[dict[int, str], dict[int, str], list[int]]:
    """(dimension columns, metric columns, unknown columns) by position; with ``ua``,
    "Bounce Rate" is UA's (``ua_bounce_rate``)."""
    dims, mets, unknown = {}, {}, []
    for i, h in enumerate(header):
        key = _snake(h)
        if not key:
            unknown.append(i)
        elif key in _MET_LOOKUP and _MET_LOOKUP[key] not in mets.values():
            canon = _MET_LOOKUP[key]
            mets[i] = "ua_bounce_rate" if ua and canon == "bounce_rate" else canon
        elif key in _DIM_LOOKUP and _DIM_LOOKUP[key] not in dims.values():
            dims[i] = _DIM_LOOKUP[key]
        elif any(m in key for m in _CHANNEL_GROUP_MARKERS):
            if "channel" not in dims.values():
                dims[i] = "channel"  # a custom channel group
            else:
                dims[i] = key
        else:
            unknown.append(i)
    return dims, mets, unknown


def _score(sheet: Sheet) -> int:
    dims, mets, _ = _map_header(sheet.header)
    return 2 * len(mets) + len(dims)


def _is_ua(probe: Probe, sheet: Sheet) -> bool:
    """A Universal Analytics download: a UA-only metric or UA's "All Web Site Data" line."""
    _, mets, _ = _map_header(sheet.header)
    pre = any(_UA_PREAMBLE.match(_fold(ln)) for s in probe.sheets for ln in s.preamble)
    return bool(set(mets.values()) & _UA_ONLY) or pre


def _date_role(label: str) -> str | None:
    """``"start"``, ``"end"``, ``"compare_start"`` or ``"compare_end"`` for a known date
    label of a GA4 preamble in any language, else None."""
    low = _fold(label)
    starts = any(_fold(x) in low for x in _START_LABELS)
    ends = any(_fold(x) in low for x in _END_LABELS)
    if starts == ends:
        return None
    compare = any(w in low for w in _COMPARISON_WORDS)
    return ("compare_" if compare else "") + ("start" if starts else "end")


_DATE_SLOTS = ("start", "end", "compare_start", "compare_end")


def _preamble_facts(lines: list[str]) -> dict:
    """The period (``start``, ``end``; ``compare_start``, ``compare_end`` for a
    comparison range), ``property``, ``account`` and ``title`` a preamble states, and
    ``notes`` on how the period was read. Dated lines ``<label>: YYYYMMDD`` whose label
    is not one the kit knows (an interface language it has not seen) are read by their
    place in the preamble (GA4 writes start, end, then a comparison's start and end),
    and a note says so; a start after its end is not used (noted)."""
    facts: dict = {}
    dated: list[tuple[str | None, pd.Timestamp, str]] = []
    for raw in lines:
        ln = unicodedata.normalize("NFKC", raw).strip()
        low = _fold(ln)
        rng = _RANGE_LINE.match(ln)
        m = _DATED_LINE.match(ln)
        if rng:  # Explorations and UA: "20250301-20250331"
            facts.setdefault("start", pd.Timestamp(rng.group(1)))
            facts.setdefault("end", pd.Timestamp(rng.group(2)))
        elif m:
            role = _date_role(m.group("label"))
            if role in ("start", "end") and any(r == role for r, _, _ in dated):
                role = "compare_" + role  # the same label twice: the second range is the comparison
            dated.append((role, pd.Timestamp(m.group("date")), m.group("label").strip()))
        elif _PROPERTY_LINE.match(low):
            facts["property"] = re.split(r"[:：]", ln, maxsplit=1)[1].strip()
        elif _ACCOUNT_LINE.match(low):
            facts["account"] = re.split(r"[:：]", ln, maxsplit=1)[1].strip()
    notes = []
    taken = {role for role, _, _ in dated if role}
    guessed = []
    for k, (role, day, label) in enumerate(dated):
        if role is None and k < len(_DATE_SLOTS) and _DATE_SLOTS[k] not in taken:
            role = _DATE_SLOTS[k]
            taken.add(role)
            guessed.append(f"'{label}' as the {role.replace('_', ' ')}")
        if role:
            facts.setdefault(role, day)
    if guessed:
        notes.append("period read from the preamble's dated lines by their place (" + ", ".join(guessed)
                     + "): the kit does not know their labels")
    for a, b in (("start", "end"), ("compare_start", "compare_end")):
        if a in facts and b in facts and facts[a] > facts[b]:
            notes.append(f"the preamble's {a.replace('_', ' ')} {facts[a].date()} is after its "
                         f"{b.replace('_', ' ')} {facts[b].date()}: that range is not used")
            del facts[a], facts[b]
    titles = [ln for ln in lines if ln and not set(ln) <= set("-= ") and ":" not in ln[:3] and not _RANGE_LINE.match(ln)]
    if titles:
        facts["title"] = titles[0]
    if notes:
        facts["notes"] = notes
    return facts


def _ga4_shaped(probe: Probe) -> bool:
    """GA4's preamble by its shape alone, whatever the language: a dashed line and two
    or more ``<label>: YYYYMMDD`` lines."""
    for s in probe.sheets:
        pre = [unicodedata.normalize("NFKC", ln) for ln in s.preamble]
        if any(_DASHES.match(ln) for ln in pre) and sum(bool(_DATED_LINE.match(ln)) for ln in pre) >= 2:
            return True
    return False


# GA4's own metric and page names, in every language ("Active users", "Key events", "Event
# count", "Views", "Page path and screen class", "Aktive Nutzer", "Eventos clave"...)
_GA4_WORDS = {"active_users", "key_events", "event_count", "views", "page_path_and_screen_class",
              "page_title_and_screen_class", "page_path_query_string_and_screen_class"} | {
    k for names in UI_NAMES.values()
    for canon in ("users", "conversions", "event_count", "pageviews", "page", "page_title")
    for k in _keys(*names.get(canon, []))}
_GA4_SCOPE_WORDS = tuple(_snake(w) for w in (
    "session", "first user", "sitzung", "erste nutzer", "sesión", "primer grupo", "sessione", "primo utente",
    "sessão", "primeiro usuário", "sessie", "eerste gebruiker", "sesji", "セッション", "最初のユーザー"))
# an ad platform's cost, click and impression headers
_AD_WORDS = {"cost", "cout", "impressions", "impr", "clicks", "clics", "spend"} | set(_keys(
    "Kosten", "Klicks", "Impressionen", "Coste", "Costo", "Custo", "Clic", "Cliques", "Klikken", "Vertoningen",
    "Impresiones", "Impressioni", "Impressões", "Koszt", "Kliknięcia", "費用", "クリック数"))


def recognise(probe: Probe):
    """A GA4 report: GA4's preamble, or GA4 metric headers with dimensions and no
    row-level ids (those are session or event tables)."""
    if not probe.is_text:
        return False
    best = max(probe.sheets, key=_score)
    keys = {_snake(h) for h in best.header}
    if keys & {"session_id", "user_pseudo_id", "event_timestamp", "fullvisitorid", "full_visitor_id", "visit_id",
               "client_id", "user_id", "timestamp"}:
        return False
    dims, mets, _ = _map_header(best.header)
    ga4_preamble = (any(_GA4_PREAMBLE.match(_fold(ln)) or _RANGE_LINE.match(ln) for s in probe.sheets
                        for ln in s.preamble) or _ga4_shaped(probe))
    ga4_metrics = set(mets.values()) & {"sessions", "engaged_sessions", "engagement_rate", "users", "total_users",
                                        "pageviews", "conversions", "event_count", "new_users"}
    if not ga4_metrics:
        # GA4's preamble in a language whose headers the kit does not know: read_report
        # refuses it by name, with the headers it could not read
        return _ga4_shaped(probe) and not mets
    if ga4_preamble:
        return True
    # Without GA4's preamble (Sheets, Data API, a saved copy): GA4 names or GA4-only metrics.
    ga4_only = set(mets.values()) & {"engaged_sessions", "engagement_rate", "converting_rate", "total_users",
                                     "avg_engagement_per_session", "user_engagement", "views_per_user",
                                     "avg_engagement_per_user"}
    # GA4's own header names: "Active users", "Key events", "Event count", "Views", "Page path and screen class"
    ga4_words = keys & _GA4_WORDS
    # a session- or first-user-scoped dimension ("Session source / medium", "Sitzung – Quelle/Medium")
    ga4_names = any(k in _DIM_LOOKUP and any(w in k for w in _GA4_SCOPE_WORDS) for k in keys)
    if ga4_only or ga4_names:
        return True
    if keys & _AD_WORDS:
        return False  # an ad platform's table
    if ga4_words and dims:
        return True
    # a generic "Date + Sessions (+ dims)" table is a GA4-like cube too
    return "sessions" in mets.values() and bool(dims)


def recognise_ua(probe: Probe) -> bool:
    """A Universal Analytics interface download (CSV or xlsx): UA-only metric headers
    (Unique Pageviews, Avg. Time on Page, % Exit, Page Value, % New Sessions...) with a
    dimension, or UA's "All Web Site Data" preamble."""
    if not probe.is_text or not probe.sheets:
        return False
    best = max(probe.sheets, key=_score)
    dims, mets, _ = _map_header(best.header)
    keys = {_snake(h) for h in best.header}
    if keys & {"fullvisitorid", "full_visitor_id", "cost", "impressions", "clicks"}:
        return False
    return bool(mets) and (bool(dims) or len(best.header) > len(mets)) and _is_ua(probe, best)


def _home_sections(probe: Probe) -> list[Sheet]:
    """The tables of GA4's Home / Reports snapshot export, or [] for any other file:
    two or more GA4 tables under that title, or (title lost) three or more tables with
    different headers and none of them a report (a card has one or two metrics; a
    report's table, even below its charts' tables, has more)."""
    tables = [(s, len(_map_header(s.header)[1])) for s in probe.sheets]
    tables = [(s, k) for s, k in tables if k]
    if len(tables) < 2:
        return []
    titled = any(_HOME_TITLES.match(_fold(ln)) for s in probe.sheets for ln in s.preamble)
    cards = len({tuple(s.header) for s, _ in tables}) >= 3 and max(k for _, k in tables) <= 2
    return [s for s, _ in tables] if titled or cards else []


def _refuse_home(probe: Probe, tables: list[Sheet]) -> None:
    names = "; ".join(" × ".join(h for h in s.header if h) for s in tables[:6]) + ("; ..." if len(tables) > 6 else "")
    raise TrafficDataError(
        f"GA4's Home / Reports snapshot export ({len(tables)} small tables, one per card: {names}): its tables "
        "are the cards' top rows, not reports, and none of them is the site's traffic, so the kit does not read it",
        file=probe.file,
        hint="download a report instead: Reports > Acquisition > Traffic acquisition (sessions by channel, add "
             "the Date dimension for a daily series) or Engagement > Pages and screens / Landing page, each with "
             "Share this report > Download File > Download CSV")


def _title_lines(probe: Probe) -> list[str]:
    """The one-cell lines of a workbook's sheets that hold no table (UA's xlsx downloads
    put "All Web Site Data", "Pages", "20170501-20170507" on a "Summary" sheet)."""
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(probe.path))
        out = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells = [[str(c).strip() for c in r if str(c).strip()] for r in rows[:40]]
            if all(len(c) <= 1 for c in cells):
                out += [c[0] for c in cells if c]
        return out
    except Exception:  # noqa: BLE001 - a title sheet is a nicety: the table was read already
        return []


def _text_columns(sheet: Sheet, positions: list[int]) -> list[int]:
    """The columns among ``positions`` whose cells are mostly not numbers (a custom
    dimension under a header the kit does not know)."""
    out = []
    for i in positions:
        cells = pd.Series([r[i] if i < len(r) else "" for r in sheet.rows[:500]], dtype="string")
        cells = cells[cells.str.strip() != ""]
        if len(cells) == 0:
            continue
        _, bad = durations(cells)  # numbers, rates, money and durations ("00:01:05") are not text
        if bad.mean() > 0.5:
            out.append(i)
    return out


def _lead_label_to_trailing(sheet: Sheet, dims: list[int]) -> Sheet:
    """The same table with a total's label written in an extra LEADING field
    (``Grand total,,,300,...``: the kit's demo, some Sheets copies) moved to the
    trailing field GA4 Explorations use, so that :func:`split_totals` reads both."""
    width = sheet.width
    rows = []
    for cells in sheet.rows:
        if (len(cells) == width + 1 and total_label(cells[0]) is not None and cells[width].strip()
                and all(not cells[1 + d].strip() for d in dims)):
            cells = cells[1:] + [cells[0]]
        rows.append(cells)
    return dataclasses.replace(sheet, rows=rows)


def _unknown_trailing_labels(sheet: Sheet, dims: list[int]) -> tuple[Sheet, dict[int, str]]:
    """The table with the Explorations' trailing total label cut off where the label is
    text the kit does not know as a total (an interface language it has not seen:
    ``,,,,902,0.59,16,Suma całkowita``), and those labels by file line. The row is then a
    total only by the rule for unlabelled rows (dimensions empty, at the top or bottom,
    at least as large as every row): see :func:`_restore_labels`."""
    width = sheet.width
    labels: dict[int, str] = {}
    rows = []
    for cells, line in zip(sheet.rows, sheet.lines):
        extra = [c.strip() for c in cells[width:] if c.strip()]
        if (dims and len(extra) == 1 and any(ch.isalpha() for ch in extra[0]) and total_label(extra[0]) is None
                and numbers(pd.Series(extra, dtype="string"))[1].all()
                and all(d >= len(cells) or not cells[d].strip() for d in dims)):
            labels[line] = extra[0]
            cells = cells[:width]
        rows.append(cells)
    return (dataclasses.replace(sheet, rows=rows) if labels else sheet), labels


def _restore_labels(split, labels: dict[int, str], sheet: Sheet, notes: list[str], file: str) -> None:
    """Give the total rows found by :func:`_unknown_trailing_labels` their label as
    written (in place, noted); a row so labelled that is not a total is refused, as any
    row wider than the header that is not a total."""
    for t in split.totals:
        if t.line in labels:
            t.label = labels.pop(t.line)
            notes.append(f"line {t.line}: '{t.label}' in the field beyond the header is not a total label the kit "
                         f"knows; the row is read as the total because its dimensions are empty at the {t.how} of "
                         "the table and it is at least as large as every row")
    if labels:
        line = min(labels)
        raise TrafficDataError(f"{sheet.width + 1} fields where the header has {sheet.width}", file=file,
                               rows=sorted(labels), hint=f"line {line} ends with '{labels[line]}', which is not a "
                                                         "total label and does not stand on a total row")


# A "Date range" column: GA4 writes one when a report is downloaded with a date comparison
# (the same rows once per range). Summing over it would add the two periods together.
_DATE_RANGE_HEADERS = {"date_range", "plage_de_dates", "periode_de_dates", "zeitraum", "datumsbereich",
                       "intervalo_de_fechas", "rango_de_fechas", "intervallo_di_date", "periodo_di_date",
                       "intervalo_de_datas", "periodo_de_datas", "datumbereik", "zakres_dat"}


def _keep_first_date_range(split, sheet: Sheet, notes: list[str]) -> None:
    """With a date-range column holding several ranges, keep the rows (and totals) of the
    first range the file lists (GA4 lists the current period first) and say so, so that a
    comparison download is never summed across its two periods (in place)."""
    at = next((i for i, h in enumerate(sheet.header) if _snake(h) in _DATE_RANGE_HEADERS), None)
    if at is None:
        return
    ranges = list(dict.fromkeys(r[at] for r in split.rows if r[at]))
    if len(ranges) < 2:
        return
    keep = ranges[0]
    kept = [(r, ln) for r, ln in zip(split.rows, split.lines) if r[at] in (keep, "")]
    dropped = len(split.rows) - len(kept)
    split.rows[:] = [r for r, _ in kept]
    split.lines[:] = [ln for _, ln in kept]
    split.totals[:] = [t for t in split.totals if t.cells[at] in (keep, "")]
    notes.append(f"a comparison download: the rows of '{keep}' are read, the {dropped} rows of "
                 f"{', '.join(repr(r) for r in ranges[1:])} are left out (the two periods never add up together); "
                 "download each period without comparison to read both")


def read_report(probe: Probe | str) -> Export:
    """Read a GA4 or UA interface export into a ``web_cube`` :class:`Export` (see
    module doc): kind ``"ga4/report"`` or ``"ua/report"``.

    Raises :class:`TrafficDataError` naming the file, the column and the lines for
    unreadable numbers or dates, negative counts, or rows wider than the header that
    are not total rows; and for GA4's Home export (named, with the report to download).
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    home = _home_sections(probe)
    if home:
        _refuse_home(probe, home)
    sheet = max(probe.sheets, key=_score)
    ua = _is_ua(probe, sheet)
    facts: dict = {}
    for s in probe.sheets:  # the preamble may sit above an earlier table
        for k, v in _preamble_facts(s.preamble).items():
            facts.setdefault(k, v)
    if "start" not in facts and probe.suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        for k, v in _preamble_facts(_title_lines(probe)).items():  # UA's xlsx: a "Summary" sheet of titles
            facts.setdefault(k, v)
    dims, mets, unknown = _map_header(sheet.header, ua=ua)
    if not mets:
        raise TrafficDataError(
            "a GA4 export (its preamble has GA4's shape) whose column headers the kit does not know: "
            + ", ".join(h for h in sheet.header if h), file=file,
            hint="the kit reads GA4's interface in English, French, German, Spanish, Italian, Portuguese, Dutch, "
                 "Polish and Japanese; download the report with GA4 in English (Admin > Account settings > "
                 "language, or your Google account's language) or report these headers")
    for i in _text_columns(sheet, unknown):  # a custom dimension: kept under its own name
        if sheet.header[i]:
            dims[i] = _snake(sheet.header[i])
            unknown.remove(i)
    dims = dict(sorted(dims.items()))
    counts = [i for i, c in mets.items() if METRICS[c][1] == "count"]
    notes: list[str] = list(facts.pop("notes", []))
    table, unknown_labels = _unknown_trailing_labels(_lead_label_to_trailing(sheet, list(dims)), list(dims))
    split = split_totals(table, list(dims), counts, file=file)
    _restore_labels(split, unknown_labels, sheet, notes, file)
    _keep_first_date_range(split, sheet, notes)
    data, lines = split.rows, split.lines
    raw = pd.DataFrame(data, columns=range(sheet.width)) if data else pd.DataFrame(columns=range(sheet.width))
    # the decimal mark the file's unambiguous numbers vote for; else the French layout's comma
    decimal = decimal_mark(sheet, [i for i, c in mets.items() if METRICS[c][1] != "count"]) or (
        "," if sheet.separator == ";" or any("é" in h or "è" in h for h in sheet.header) else None)

    def metric_frame(rows: pd.DataFrame, where: list[int]) -> pd.DataFrame:
        out = pd.DataFrame(index=rows.index)
        for i, canon in mets.items():
            kind = METRICS[canon][1]
            col = rows[i] if len(rows) else pd.Series(dtype="string")
            if kind == "duration":
                vals, bad = durations(col, decimal=decimal)
            else:
                vals, bad = numbers(col, decimal=decimal, integer=(kind == "count"))
                if kind == "rate":
                    text = col.astype("string")
                    if not text.str.contains("%", regex=False).fillna(False).any() and (vals > 1).any():
                        vals = vals / 100.0  # a percentage written without its sign
            if bad.any():
                first = col[bad].iloc[0]
                raise TrafficDataError(f"cannot read '{first}' as a number", file=file, column=sheet.header[i],
                                       rows=[where[j] for j in np.flatnonzero(bad.to_numpy())])
            if kind in ("count", "number", "duration") and (vals < 0).any():
                raise TrafficDataError("negative values where counts and amounts cannot be negative", file=file,
                                       column=sheet.header[i],
                                       rows=[where[j] for j in np.flatnonzero((vals < 0).to_numpy())])
            out[canon] = vals
        return out

    values = metric_frame(raw, lines)
    frame = pd.DataFrame(index=raw.index)
    columns: dict[str, str] = {}
    for i, canon in dims.items():
        columns[sheet.header[i]] = canon
        frame[canon] = raw[i].astype("string").str.strip().replace("", pd.NA)
    for i, canon in mets.items():
        columns[sheet.header[i]] = canon
    if unknown:
        dropped = [sheet.header[i] for i in unknown if sheet.header[i]]
        if dropped:
            notes.append("columns not used: " + ", ".join(dropped))
    # dates
    if "date" in frame:
        d, bad = yyyymmdd_or_dates(frame["date"])
        if bad.any():
            col = next(h for h, c in columns.items() if c == "date")
            raise TrafficDataError(f"cannot read '{frame['date'][bad].iloc[0]}' as a date", file=file, column=col,
                                   rows=[lines[j] for j in np.flatnonzero(bad.to_numpy())])
        frame["date"] = d
    elif "nth_day" in frame and "start" in facts:
        n, bad = numbers(frame["nth_day"], integer=True)
        if bad.any():
            raise TrafficDataError("cannot read the day number", file=file, column="Nth day",
                                   rows=[lines[j] for j in np.flatnonzero(bad.to_numpy())])
        frame["date"] = facts["start"] + pd.to_timedelta(n, unit="D")
        frame = frame.drop(columns="nth_day")
        notes.append("'Nth day' turned into dates from the start date in the preamble")
    if "source_medium" in frame:
        parts = frame["source_medium"].str.split(r"\s*/\s*", n=1, expand=True, regex=True)
        frame["source"] = parts[0].str.strip() if "source" not in frame else frame["source"]
        frame["medium"] = (parts[1].str.strip() if parts.shape[1] > 1 else pd.NA) if "medium" not in frame else frame["medium"]
    before = set(values.columns)
    _derive(values, notes)
    derived = sorted(set(values.columns) - before)
    kept = [c for c in values.columns if c in CUBE_ADDITIVE + CUBE_USERS]
    frame = pd.concat([frame, values[kept]], axis=1)
    if ua and "ua_bounce_rate" in values:
        notes.append("UA's bounce rate (sessions of one interaction hit) is not GA4's (1 − engagement rate): "
                     "no engaged sessions are derived from it")
    totals = _totals(split.totals, sheet, metric_frame, frame, derived, notes)
    users = [c for c in CUBE_USERS if c in frame]
    if users and totals is None:
        notes.append(f"{', '.join(users)} per row are de-duplicated counts: they do not add up, and the file states "
                     "no total for them")
    period = None
    if "start" in facts and "end" in facts:
        period = (facts["start"], facts["end"])
    elif "date" in frame and frame["date"].notna().any():
        period = (frame["date"].min(), frame["date"].max())
        notes.append("period taken from the first and last date in the data (the file does not state it)")
    if "date" in frame and period is not None and frame["date"].notna().any():
        outside = (frame["date"] < period[0]) | (frame["date"] > period[1])
        if outside.any():
            notes.append(f"{int(outside.sum())} rows dated outside the stated period")
    dim_names = tuple(c for c in frame.columns if c not in CUBE_ADDITIVE + CUBE_USERS)
    if "source_medium" in dim_names:
        dim_names = tuple(d for d in dim_names if d != "source_medium")
        frame = frame.drop(columns="source_medium")
    return Export(path=file, kind="ua/report" if ua else "ga4/report", table="web_cube",
                  frame=frame.reset_index(drop=True), totals=totals, period=period, notes=notes, columns=columns,
                  dimensions=dim_names,
                  meta={**{k: v for k, v in facts.items() if k in ("property", "account", "title")},
                        "derived": derived})


def _totals(rows, sheet: Sheet, metric_frame, frame: pd.DataFrame, derived: list[str],
            notes: list[str]) -> pd.DataFrame | None:
    """:attr:`Export.totals` from the file's total rows (see the module doc): metric
    columns, ``label``, ``level``, ``scope``; the ``"rows"`` totals first. None when the
    file states no total."""
    if not rows:
        return None
    traw = pd.DataFrame([t.cells for t in rows], columns=range(sheet.width))
    tv = metric_frame(traw, [t.line for t in rows])
    _derive(tv, [])
    tv = tv[[c for c in tv.columns if c in CUBE_ADDITIVE + CUBE_USERS]].reset_index(drop=True)
    scopes = []
    for k, t in enumerate(rows):
        checked = [m for m in _CHECKED if m in tv and m in frame and m not in derived and pd.notna(tv.at[k, m])]
        short, over = [], []
        for m in checked:
            kit, want = float(frame[m].sum()), float(tv.at[k, m])
            if not math.isclose(kit, want, rel_tol=5e-4, abs_tol=0.01):
                (short if kit < want else over).append(f"{m} {kit:,.2f} of {want:,.2f}")
        if not checked:
            scope = "more"  # users (de-duplicated) and rates only: no row sum can equal it
        elif short and not over:
            scope = "more"
            notes.append(f"the rows do not add up to the file's {t.label or 'total row'} ({'; '.join(short)}): "
                         "the download holds fewer rows than its total covers (a row limit, or rows GA4 groups "
                         "as '(other)'); reports show the file's total for the whole period")
        else:
            scope = "rows"
            if over or short:
                notes.append(f"the rows do not add up to the file's own {t.label or 'total row'} for "
                             + ", ".join(short + over))
        scopes.append(scope)
    tv.insert(0, "label", [t.label for t in rows])
    tv.insert(1, "level", [t.level for t in rows])
    tv.insert(2, "scope", scopes)
    if len(rows) > 1:
        notes.append(f"{len(rows)} total rows found (lines {', '.join(str(t.line) for t in rows)})")
    order = sorted(range(len(rows)), key=lambda k: (scopes[k] != "rows", k))
    return tv.iloc[order].reset_index(drop=True)


def _derive(values: pd.DataFrame, notes: list[str]) -> None:
    """Sums from ratios where only the ratio is exported (in place)."""
    if "sessions" in values:
        s = values["sessions"]
        if "engaged_sessions" not in values and "engagement_rate" in values:
            values["engaged_sessions"] = (values["engagement_rate"] * s).round()
            notes.append("engaged sessions = engagement rate × sessions (rounded): the export has only the rate")
        elif "engaged_sessions" not in values and "bounce_rate" in values:
            values["engaged_sessions"] = ((1 - values["bounce_rate"]) * s).round()
            notes.append("engaged sessions = (1 − bounce rate) × sessions (GA4 bounce rate), rounded")
        if "converting_rate" in values:
            values["converting_sessions"] = (values["converting_rate"] * s).round()
        if "pageviews" not in values and "views_per_session" in values:
            values["pageviews"] = (values["views_per_session"] * s).round()
            notes.append("views = views per session × sessions (rounded)")
        if "avg_engagement_per_session" in values:
            values["engagement_time"] = values["avg_engagement_per_session"] * s
        if "avg_session_duration" in values:
            values["session_duration"] = values["avg_session_duration"] * s
    if "engagement_time" not in values and "user_engagement" in values:
        values["engagement_time"] = values["user_engagement"]
    if "engagement_time" not in values and "avg_engagement_per_user" in values and "users" in values:
        values["engagement_time"] = values["avg_engagement_per_user"] * values["users"]


register(Reader("ua/report", "web_cube", recognise_ua, read_report, priority=39,
                describe="Universal Analytics interface download (Pages, Landing Pages, Channels...: Pageviews, "
                         "Unique Pageviews, Avg. Time on Page, Bounce Rate, % Exit...), CSV or xlsx"))
register(Reader("ga4/report", "web_cube", recognise, read_report, priority=40,
                describe="GA4 interface export (standard report, Exploration, Sheets or Data API table), CSV or xlsx"))
