"""Search Console exports as users download them: every interface language, comparison
mode, both number styles, '#' queries inside the table, corrupted cells, total rows,
and zip member names however the archive encodes them. Fixtures are written in the
layouts of real downloads (invented numbers)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import sources
from trafficlib.errors import TrafficDataError
from trafficlib.readers import search_console as sc
from trafficlib.readers.registry import Probe
from trafficlib.readers.search_console import is_search_console, load_performance, read_table, zip_member_name

DATA = Path(__file__).parent / "data" / "search_console"
SPECIMENS = Path(__file__).resolve().parents[1].parent / "shared" / "specimens" / "search_console"
TABLES = ("queries", "pages", "countries", "devices", "search_appearance", "dates")

# The first column of each table and the metric columns, per interface language, as the
# Performance export writes them (es, de, it, pt, nl, ja seen in real downloads or in
# parsers written against them; the others are Google's interface terms).
HEADERS = {
    "en": ("Top queries", "Top pages", "Country", "Device", "Search Appearance", "Date",
           ("Clicks", "Impressions", "CTR", "Position")),
    "fr": ("Requêtes les plus fréquentes", "Pages les plus populaires", "Pays", "Appareil",
           "Apparence dans les résultats de recherche", "Date", ("Clics", "Impressions", "CTR", "Position")),
    "es": ("Consultas principales", "Páginas principales", "País", "Dispositivo", "Apariencia en búsqueda", "Fecha",
           ("Clics", "Impresiones", "CTR", "Posición")),
    "de": ("Häufigste Suchanfragen", "Häufigste Seiten", "Land", "Gerät", "Darstellung in der Suche", "Datum",
           ("Klicks", "Impressionen", "CTR", "Position")),
    "it": ("Query più frequenti", "Pagine principali", "Paese", "Dispositivo", "Aspetto nella ricerca", "Data",
           ("Clic", "Impressioni", "CTR", "Posizione")),
    "pt": ("Principais consultas", "Páginas principais", "País", "Dispositivo", "Aparência na pesquisa", "Data",
           ("Cliques", "Impressões", "CTR", "Posição")),
    "nl": ("Meest uitgevoerde zoekopdrachten", "Toppagina's", "Land", "Apparaat", "Zoekopmaak", "Datum",
           ("Aantal klikken", "Vertoningen", "CTR", "Positie")),
    "pl": ("Najczęstsze zapytania", "Najpopularniejsze strony", "Kraj", "Urządzenie", "Wygląd w wyszukiwarce",
           "Data", ("Kliknięcia", "Wyświetlenia", "CTR", "Pozycja")),
    "ja": ("上位のクエリ", "上位のページ", "国", "デバイス", "検索での見え方", "日付", ("クリック数", "表示回数", "CTR", "掲載順位")),
    "zh": ("热门查询", "热门网页", "国家/地区", "设备", "搜索结果呈现", "日期", ("点击次数", "展示次数", "点击率", "排名")),
    "ru": ("Популярные запросы", "Самые популярные страницы", "Страна", "Устройство", "Вид в результатах поиска",
           "Дата", ("Клики", "Показы", "CTR", "Позиция")),
    "tr": ("En çok yapılan sorgular", "En popüler sayfalar", "Ülke", "Cihaz", "Arama görünümü", "Tarih",
           ("Tıklamalar", "Gösterimler", "CTR", "Konum")),
}
# Comparison mode: (current period, previous period) labels written before each metric.
PERIODS = {
    "en": ("Last 3 months", "Previous 3 months"), "fr": ("3 derniers mois", "3 mois précédents"),
    "es": ("Últimos 3 meses", "3 meses anteriores"), "de": ("Letzte 3 Monate", "Vorherige 3 Monate"),
    "it": ("Ultimi 3 mesi", "3 mesi precedenti"), "pt": ("Últimos 3 meses", "3 meses anteriores"),
    "nl": ("Afgelopen 3 maanden", "Vorige 3 maanden"), "pl": ("Ostatnie 3 miesiące", "Poprzednie 3 miesiące"),
    "ja": ("過去 3 か月間", "前の期間"), "zh": ("过去 3 个月", "上一期间"),
    "ru": ("Последние 3 месяца", "Предыдущие 3 месяца"), "tr": ("Son 3 ay", "Önceki 3 ay"),
}
VALUES = {"queries": ["lampe rotin", "#promo été", "Total war game"],
          "pages": ["https://www.site.fr/", "https://www.site.fr/a?b=1&c=2", "https://www.site.fr/#x"],
          "countries": ["Frankreich", "Belgique", "日本"], "devices": ["Mobile", "Desktop", "Tablet"],
          "search_appearance": ["Product snippets", "Videos", "FAQ rich results"],
          "dates": ["2026-07-03", "2026-07-01", "2026-07-02"]}
# (clicks, impressions, position) per row, and the rows of the previous period
CUR = [(1234, 45678, 4.5), (120, 3400, 8.25), (0, 77, 31.0)]
PREV = [(1000, 40000, 5.0), (100, 3000, 9.75), (3, 50, 20.0)]


def _cells(clicks, impressions, position, style):
    ctr = clicks / impressions * 100
    if style == "comma":  # "1 234", "2,7 %", "4,5": a decimal-comma locale's spreadsheet re-save
        return [f"{clicks:,}".replace(",", "\u202f"), f"{impressions:,}".replace(",", "\u202f"),
                f"{ctr:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %", f"{position:g}".replace(".", ",")]
    return [str(clicks), str(impressions), f"{ctr:.2f}".rstrip("0").rstrip(".") + "%", f"{position:g}"]


def _write(path, header, rows, sep=","):
    def q(c):
        return f'"{c}"' if (sep in c or '"' in c) else c
    path.write_text("\n".join(sep.join(q(c) for c in r) for r in [header, *rows]), encoding="utf-8")
    return path


@pytest.mark.parametrize("style", ["point", "comma"])
@pytest.mark.parametrize("compare", [False, True])
@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("lang", sorted(HEADERS))
def test_every_language_table_and_comparison_mode(tmp_path, lang, table, compare, style):
    first = HEADERS[lang][TABLES.index(table)]
    metrics = HEADERS[lang][6]
    sep = ";" if style == "comma" else ","
    if compare:
        cur, prev = PERIODS[lang]
        header = [first] + [f"{p} {m}" for m in metrics for p in (cur, prev)]
        rows = [[v] + [x for pair in zip(_cells(*c, style), _cells(*p, style)) for x in pair]
                for v, c, p in zip(VALUES[table], CUR, PREV)]
    else:
        header = [first, *metrics]
        rows = [[v, *_cells(*c, style)] for v, c in zip(VALUES[table], CUR)]
    e = sources.load(_write(tmp_path / "export.csv", header, rows, sep))
    assert e.kind == f"search_console/{table}"
    assert e.meta.get("lang") == lang or (lang, e.meta.get("lang")) in {("pt", "es"), ("es", "pt")}
    f = e.frame if not (compare and table == "dates") else e.frame[e.frame["period"] == "current"]
    assert f["clicks"].sum() == 1354 and f["impressions"].sum() == 49155
    assert sorted(f["position"]) == [4.5, 8.25, 31.0]
    assert f["ctr"].tolist()[0] == pytest.approx(CUR[0][0] / CUR[0][1]) or table == "dates"
    if compare:
        assert set(e.meta["comparison"]) == {"current", "previous"}
        assert PERIODS[lang][1].split()[0].lower() in e.meta["comparison"]["previous"].lower()
        if table == "dates":
            p = e.frame[e.frame["period"] == "previous"]
            assert p["clicks"].sum() == 1103 and sorted(p["position"]) == [5.0, 9.75, 20.0]
        else:
            assert e.frame["clicks_previous"].sum() == 1103 and e.frame["impressions_previous"].sum() == 43050
    if table == "queries":
        assert e.frame["query"].tolist()[1] == "#promo été"
    assert e.totals is None  # the interface's tables state no total


def test_every_interface_word_maps_to_one_column():
    """Each header string of the module's vocabulary is recognised, alone before the
    four metrics of its language, as the dimension it names, and no word names two."""
    seen: dict[str, set] = {}
    for code, lang in sc._LANGS.items():
        metrics = [lang[m][0] for m in ("clicks", "impressions", "ctr", "position")]
        for dim in ("query", "page", "country", "device", "search_appearance", "date"):
            for word in lang[dim]:
                seen.setdefault(sc._fold(word), set()).add(dim)
                lay = sc._layout([word, *metrics])
                assert lay is not None and lay.dims == {0: dim}, (code, word)
        for m in ("clicks", "impressions", "ctr", "position"):
            for word in lang[m]:
                assert sc._metric_of(word) == (m, ""), (code, word)
    assert {w: d for w, d in seen.items() if len(d) > 1} == {}


@pytest.mark.parametrize("first, values, dim", [
    ("Populära sökfrågor", ["tält", "sovsäck"], "query"),          # a wording not listed: its word says query
    ("Principales páginas de destino", ["https://a.es/", "https://a.es/b"], "page"),
    ("Spalte 1", ["https://a.de/", "https://a.de/x"], "page"),        # no word: the URLs say page
    ("Tag der Suche", ["2026-07-01", "2026-07-02"], "date"),
])
def test_first_column_in_an_unknown_wording(tmp_path, first, values, dim):
    rows = [[v, "3", "100", "3%", "4.2"] for v in values]
    e = read_table(_write(tmp_path / "t.csv", [first, "Clicks", "Impressions", "CTR", "Position"], rows))
    assert dim in e.frame and e.frame["clicks"].sum() == 6


def test_unknown_first_column_with_unknown_values_is_refused(tmp_path):
    f = _write(tmp_path / "t.csv", ["Spalte 1", "Clicks", "Impressions", "CTR", "Position"],
               [["abc", "3", "100", "3%", "4.2"]])
    assert not is_search_console(Probe(f))
    with pytest.raises(TrafficDataError, match="not a Search Console table"):
        read_table(f)


def test_not_performance_tables(tmp_path):
    # the Page indexing report's chart (real Spanish and Portuguese layouts): no clicks
    f = _write(tmp_path / "Gráfico.csv", ["Fecha", "Sin indexar", "Indexadas", "Impresiones"],
               [["2026-01-27", "", "", "4"], ["2026-01-31", "23", "8", "2"]])
    assert not is_search_console(Probe(f))
    f = _write(tmp_path / "ads.csv", ["Campaign", "Clicks (all)", "Impressions", "CTR", "Position"],
               [["x", "3", "100", "3%", "1"]])
    assert not is_search_console(Probe(f))
    f = _write(tmp_path / "meta.csv", ["Ad name", "Link clicks", "Impressions", "CTR (all)"], [["x", "3", "100", "3%"]])
    assert not is_search_console(Probe(f))


def test_real_dutch_layout_with_decimal_points(tmp_path):
    # Dutch interface, decimal points and "Aantal klikken", as in a real download
    f = _write(tmp_path / "Zoekopdrachten.csv",
               ["Meest uitgevoerde zoekopdrachten", "Aantal klikken", "Vertoningen", "CTR", "Positie"],
               [["boekhouder", "22", "54", "40.74%", "1"], ["factuur", "4", "115", "3.48%", "1.82"],
                ["creditnota", "0", "1234", "0%", "22.09"]])
    e = sources.load(f)
    assert e.kind == "search_console/queries" and e.meta["lang"] == "nl"
    assert e.frame["impressions"].tolist() == [54, 115, 1234] and e.frame["position"].tolist() == [1, 1.82, 22.09]


# ---------------------------------------------------------------- '#' queries inside the table


def test_hash_queries_inside_the_table_are_data():
    e = sources.load(DATA / "fr_hash" / "Requêtes.csv")
    q = e.frame["query"].tolist()
    assert e.rows == 9 and q[1] == "#soldes" and q[4] == "#exempleboutique" and q[7] == "# 12 thés"
    assert e.frame["clicks"].sum() == 1592 and e.frame["impressions"].sum() == 21980
    assert e.frame.attrs["lines"][4] == 6 and e.meta["lang"] == "fr"
    assert e.frame["position"].tolist()[5] == 21.55  # decimal points in a French export


def test_specimen_french_queries_keep_the_hash_row():
    path = SPECIMENS / "fr" / "Requêtes.csv"
    if not path.exists():
        pytest.skip("../shared/specimens is not present (specimens are read in place, never copied)")
    e = sources.load(path)
    assert e.rows == 40 and e.frame["clicks"].sum() == 11637 and e.frame["impressions"].sum() == 335836
    assert e.frame["query"].iloc[33] == "#exempleboutique" and e.frame.attrs["lines"][33] == 35


# ---------------------------------------------------------------- corrupted cells


def test_a_corrupted_cell_is_named_and_left_out():
    path = DATA / "en_corrupt" / "Queries.csv"
    e = sources.load(path)
    assert e.rows == 5 and e.frame["query"].tolist()[1] == '12" skillet'
    bad = e.frame.iloc[2]
    assert bad["query"] == "stove fuel, canister" and pd.isna(bad["impressions"]) and bad["clicks"] == 40
    assert bad["position"] == 3.3  # the row's other cells stand
    assert e.frame["impressions"].sum() == 900 + 1300 + 400 + 90
    assert e.meta["unreadable_cells"] == [{"file": str(path), "column": "Impressions", "line": 4, "value": "7kq0"}]
    note = next(n for n in e.notes if "7kq0" in n)
    assert str(path) in note and "'Impressions'" in note and "line 4" in note


def test_specimen_corrupted_cell():
    path = SPECIMENS / "en_6days" / "Queries.csv"
    if not path.exists():
        pytest.skip("../shared/specimens is not present (specimens are read in place, never copied)")
    e = sources.load(path)
    assert e.rows == 60 and e.frame["impressions"].sum() == 245569 and e.frame["clicks"].sum() == 36984
    assert [(u["column"], u["line"], u["value"]) for u in e.meta["unreadable_cells"]] == [("Impressions", 19, "80kqkq")]


@pytest.mark.parametrize("bad_rows, refused", [(1, False), (2, False), (3, True)])
def test_how_many_unreadable_cells_are_tolerated(tmp_path, bad_rows, refused):
    # at most one filled cell in five (and at most five): 2 of 10 pass, 3 of 10 do not
    rows = [[f"q{i}", "1", "x9" if i < bad_rows else "10", "10%", "3"] for i in range(10)]
    f = _write(tmp_path / "Queries.csv", ["Top queries", "Clicks", "Impressions", "CTR", "Position"], rows)
    if refused:
        with pytest.raises(TrafficDataError) as exc:
            sources.load(f)
        assert exc.value.column == "Impressions" and exc.value.rows == [2, 3, 4] and "3 of 10" in str(exc.value)
    else:
        e = sources.load(f)
        assert e.frame["impressions"].sum() == 10 * (10 - bad_rows) and len(e.meta["unreadable_cells"]) == bad_rows


def test_a_mostly_unreadable_large_column_is_refused(tmp_path):
    rows = [[f"q{i}", "1", "100", "10%", "3" if i % 10 else "n/a?"] for i in range(200)]
    rows += [[f"z{i}", "1", "100", "10%", "pos"] for i in range(6)]
    f = _write(tmp_path / "Queries.csv", ["Top queries", "Clicks", "Impressions", "CTR", "Position"], rows)
    with pytest.raises(TrafficDataError) as exc:
        sources.load(f)
    assert exc.value.column == "Position" and "26 of 206" in str(exc.value)


# ---------------------------------------------------------------- total rows


def test_a_total_row_that_totals_the_rows(tmp_path):
    # a spreadsheet or Looker Studio re-export with a grand total below the rows
    rows = [["lampe", "10", "100", "10%", "3"], ["spot", "5", "50", "10%", "4"], ["Total", "15", "150", "10%", "3.3"]]
    e = sources.load(_write(tmp_path / "q.csv", ["Top queries", "Clicks", "Impressions", "CTR", "Position"], rows))
    assert e.rows == 2 and e.frame["clicks"].sum() == 15
    t = e.totals.iloc[0]
    assert (t["label"], t["scope"], t["clicks"], t["impressions"]) == ("Total", "rows", 15, 150)
    assert e.reconciled is True


def test_a_query_called_total_is_data(tmp_path):
    # the brand "Total" is the top query: its figures are its own, not the sum of the others
    rows = [["total", "900", "5000", "18%", "1.1"], ["total energies", "40", "700", "5.7%", "2"],
            ["station total", "5", "300", "1.7%", "6"]]
    e = sources.load(_write(tmp_path / "q.csv", ["Top queries", "Clicks", "Impressions", "CTR", "Position"], rows))
    assert e.rows == 3 and e.frame["clicks"].sum() == 945 and e.totals is None
    assert any("kept as a data row" in n for n in e.notes)


def test_a_wider_total_and_a_total_below_its_rows(tmp_path):
    head = ["Country", "Clicks", "Impressions", "CTR", "Position"]
    rows = [["France", "10", "100", "10%", "3"], ["Belgium", "5", "50", "10%", "4"], ["Grand total", "20", "180", "11%", "3"]]
    e = sources.load(_write(tmp_path / "c.csv", head, rows))
    assert e.rows == 2 and e.totals.iloc[0]["scope"] == "more" and e.reconciled is None
    rows[-1] = ["Grand total", "12", "150", "8%", "3"]
    with pytest.raises(TrafficDataError, match="says 12 clicks but the rows above it add up to 15"):
        sources.load(_write(tmp_path / "c.csv", head, rows))


def test_a_total_with_an_unreadable_cell_above_it(tmp_path):
    rows = [[f"2026-07-{d:02d}", "1", "10" if d != 3 else "1O", "10%", "3"] for d in range(1, 11)]
    rows.append(["Total", "10", "100", "10%", "3"])
    e = sources.load(_write(tmp_path / "d.csv", ["Date", "Clicks", "Impressions", "CTR", "Position"], rows))
    assert e.rows == 10 and e.frame["impressions"].sum() == 90
    assert e.totals.iloc[0]["scope"] == "more"  # it covers the unreadable cell too: the rows cannot reconcile
    assert any("unreadable cells" in n for n in e.notes)


# ---------------------------------------------------------------- zip member names


def _zip(path, names, how):
    """A zip of CSV members named as ``how`` says: "flag" (UTF-8 with the UTF-8 flag, what
    zipfile writes), "utf8" (UTF-8 bytes, no flag), "cp437" (cp437 bytes, no flag),
    "extra" (cp437 bytes plus the Info-ZIP Unicode Path extra field)."""
    import zlib

    raw = {}
    with zipfile.ZipFile(path, "w") as z:
        for k, (name, text) in enumerate(names.items()):
            if how == "flag":
                z.writestr(name, text)
                continue
            data = name.encode("utf-8" if how == "utf8" else "cp437")
            stand_in = chr(65 + k).encode() * len(data)  # ASCII of the same length, swapped below
            info = zipfile.ZipInfo(stand_in.decode())
            if how == "extra":
                body = b"\x01" + zlib.crc32(data).to_bytes(4, "little") + name.encode("utf-8")
                info.extra = (0x7075).to_bytes(2, "little") + len(body).to_bytes(2, "little") + body
            z.writestr(info, text)
            raw[stand_in] = data
    blob = path.read_bytes()
    for stand_in, data in raw.items():
        assert blob.count(stand_in) == 2
        blob = blob.replace(stand_in, data)
    path.write_bytes(blob)
    return path


ES = {"Consultas.csv": "Consultas principales,Clics,Impresiones,CTR,Posición\nlámpara,3,120,2.5%,8.4\n#oferta,1,60,1.67%,9\n",
      "Páginas.csv": "Páginas principales,Clics,Impresiones,CTR,Posición\nhttps://a.es/,4,180,2.22%,8.6\n",
      "Países.csv": "País,Clics,Impresiones,CTR,Posición\nEspaña,4,180,2.22%,8.6\n",
      "Dispositivos.csv": "Dispositivo,Clics,Impresiones,CTR,Posición\nMóvil,4,180,2.22%,8.6\n",
      "Apariencia en búsqueda.csv": "Apariencia en búsqueda,Clics,Impresiones,CTR,Posición\nVídeos,1,10,10%,3\n",
      "Gráfico.csv": "Fecha,Clics,Impresiones,CTR,Posición\n2026-07-02,1,80,1.25%,8\n2026-07-01,3,100,3%,9\n",
      "Filtros.csv": "Filtro,Valor\nTipo de búsqueda,Web\nFecha,Últimos 28 días\n"}


@pytest.mark.parametrize("how", ["flag", "utf8", "cp437", "extra"])
def test_zip_member_names_decoded_as_the_archive_says(tmp_path, how):
    z = _zip(tmp_path / "e.zip", ES, how)
    with zipfile.ZipFile(z) as zf:
        names = [zip_member_name(i) for i in zf.infolist()]
        assert all(bool(i.flag_bits & 0x800) == (how == "flag" and not i.filename.isascii()) for i in zf.infolist())
    assert names == list(ES)
    perf = load_performance(z)
    assert list(perf.exports) == list(ES) and perf.lang == "es"
    assert set(perf.tables) == set(TABLES)
    assert perf.dates["clicks"].sum() == 4 and perf.queries["query"].tolist() == ["lámpara", "#oferta"]
    assert perf.filter_meta["search_type"] == "Web" and perf.filter_meta["date_range"] == "Últimos 28 días"
    assert sources.load(z).kind == "search_console/performance"


def test_zip_with_names_in_a_language_not_listed(tmp_path):
    # member names the module does not know: the headers say Search Console
    z = tmp_path / "e.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Hakukyselyt.csv", "Suosituimmat kyselyt,Clicks,Impressions,CTR,Position\nsauna,3,100,3%,4\n")
        zf.writestr("Kaavio.csv", "Date,Clicks,Impressions,CTR,Position\n2026-07-01,3,100,3%,4\n")
    perf = load_performance(z)
    assert perf.queries["clicks"].sum() == 3 and perf.dates["impressions"].sum() == 100


def test_walk_shows_zip_member_names_decoded(tmp_path):
    # walk names a member in its messages (here: a damaged member) as the archive encodes it
    from trafficlib.auto.walk import scan

    folder = tmp_path / "downloads"
    folder.mkdir()
    z = _zip(folder / "other.zip", {"Données été.csv": "a,b\n1,2\n"}, "utf8")
    z.write_bytes(z.read_bytes().replace(b"1,2", b"1,3"))  # its CRC no longer matches
    items = scan(folder, tmp_path / "snap")
    assert any(it.label.endswith("other.zip!Données été.csv") for it in items), [it.label for it in items]


def test_a_corrupted_cell_in_a_zip_member_is_named_by_the_member(tmp_path):
    rows = "\n".join(f"consulta {i},1,{'8o' if i == 3 else 10},10%,3" for i in range(8))
    z = _zip(tmp_path / "e.zip", {"Consultas.csv": "Consultas principales,Clics,Impresiones,CTR,Posición\n" + rows,
                                  "Gráfico.csv": ES["Gráfico.csv"]}, "utf8")
    perf = load_performance(z)
    assert perf.queries["impressions"].sum() == 70
    u = perf.exports["Consultas.csv"].meta["unreadable_cells"]
    assert u == [{"file": f"{z} (Consultas.csv)", "column": "Impresiones", "line": 5, "value": "8o"}]
    assert any(n.startswith(f"{z} (Consultas.csv), column 'Impresiones', line 5: '8o'") for n in perf.notes)
    assert any("'8o'" in n for n in sources.load(z).notes)  # carried into the bundle every report reads


@pytest.mark.parametrize("header", [
    ["Kampagne", "Klicks", "Impressionen", "CTR", "Position"],          # a German ad report
    ["Campaña", "Clics", "Impresiones", "CTR", "Posición"],
    ["Suchbegriff", "Klicks", "Impressionen", "CTR", "Kosten"],
])
def test_ad_reports_in_other_languages_are_not_search_console(tmp_path, header):
    f = _write(tmp_path / "ads.csv", header, [["x", "3", "100", "3%", "2"]])
    assert not is_search_console(Probe(f))


@pytest.mark.parametrize("cur, prev", [
    ("Clic ultimi 3 mesi", "Clic 3 mesi precedenti"),                    # Italian, label after the metric
    ("Clic (ultimi 3 mesi)", "Clic (3 mesi precedenti)"),
    ("Clicks", "Same period last year Clicks"),
    ("過去 3 か月間 クリック数", "前の期間 クリック数"),                             # Japanese as downloaded
    ("Klik 3 bulan terakhir", "Klik 3 bulan sebelumnya"),                # Indonesian
])
def test_comparison_header_styles(tmp_path, cur, prev):
    metric = cur.replace("(", "").split()[0] if cur[0].isascii() else "クリック数"
    header = ["Top queries", cur, prev, *[h.replace(metric, m) for m in ("Impressions",) for h in (cur, prev)]]
    e = read_table(_write(tmp_path / "q.csv", header, [["a", "5", "3", "100", "90"], ["b", "1", "", "10", ""]]))
    assert e.frame["clicks"].tolist() == [5, 1] and e.frame["clicks_previous"].iloc[0] == 3
    assert e.frame["impressions_previous"].iloc[0] == 90 and pd.isna(e.frame["clicks_previous"].iloc[1])
    label = e.meta["comparison"]["previous"]  # the period as written, without the metric name
    assert label and label in prev and metric not in label


def test_japanese_semicolon_resave(tmp_path):
    # a Japanese export re-saved by a decimal-comma spreadsheet (UTF-8 with BOM)
    f = tmp_path / "クエリ.csv"
    f.write_bytes("上位のクエリ;クリック数;表示回数;CTR;掲載順位\n野菜 宅配;50;1.000;5,0 %;3,5\n果物;2;80;2,5 %;9\n"
                  .encode("utf-8-sig"))
    e = sources.load(f)
    assert e.kind == "search_console/queries" and e.meta["lang"] == "ja"
    assert e.frame["impressions"].tolist() == [1000, 80] and e.frame["position"].tolist() == [3.5, 9.0]


def test_a_total_row_without_figures_is_ignored_with_a_note(tmp_path):
    rows = [["Mobile", "10", "100", "10%", "3"], ["Desktop", "5", "50", "10%", "4"], ["Total", "", "", "", ""]]
    e = sources.load(_write(tmp_path / "d.csv", ["Device", "Clicks", "Impressions", "CTR", "Position"], rows))
    assert e.rows == 2 and e.totals is None and any("without figures" in n for n in e.notes)
