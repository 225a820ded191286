"""Google Trends downloads in every interface language, as the real files lay them out:
a category line (``Category: All categories``, ``Catégorie\u00a0: Toutes catégories``,
``类别：所有类别`` with a full-width colon...), a blank line, a period header in the
interface language, series headed ``term: (Region)`` (``：（美国）`` in CJK interfaces),
``<1`` cells (``< 1`` with a no-break space in French). Files are written by the tests
with invented numbers; the specimens of ../shared are read in place."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.readers import marketdata as md

SPECIMENS = Path(__file__).resolve().parents[2] / "shared" / "specimens"

# (category line, period header, region) per interface language, as Trends writes them
LOCALES = {
    "en": ("Category: All categories", "Week", "United States"),
    "fr": ("Catégorie\u00a0: Toutes catégories", "Semaine", "France"),
    "it": ("Categoria: Tutte le categorie", "Settimana", "Italia"),
    "de": ("Kategorie: Alle Kategorien", "Woche", "Deutschland"),
    "es": ("Categoría: Todas las categorías", "Semana", "España"),
    "pt": ("Categoria: Todas as categorias", "Semana", "Brasil"),
    "nl": ("Categorie: Alle categorieën", "Week", "Nederland"),
    "zh-CN": ("类别：所有类别", "周", "美国"),
    "zh-TW": ("類別：所有類別", "週", "台灣"),
    "ja": ("カテゴリ：すべてのカテゴリ", "週", "日本"),
    "ko": ("카테고리: 모든 카테고리", "주", "대한민국"),
    "ru": ("Категория: Все категории", "Неделя", "Россия"),
}
WEEKS = ["2025-01-05", "2025-01-12", "2025-01-19", "2025-01-26"]


def trends_file(path: Path, category: str, period: str, series: list[str], rows: list[list[str]],
                newline: str = "\n", bom: bool = False) -> Path:
    lines = [category, "", ",".join(series if period is None else [period, *series])]
    lines += [",".join(r) for r in rows]
    text = newline.join(lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_interface_language_is_read_as_trends(tmp_path, lang):
    category, period, region = LOCALES[lang]
    rows = [[d, v] for d, v in zip(WEEKS, ["<1", "37", "100", "12"])]
    f = trends_file(tmp_path / "multiTimeline.csv", category, period, [f"matcha latte: ({region})"], rows)
    e = sources.load(f)
    assert (e.kind, e.table) == ("trends/interest", "trends")
    fr = e.frame
    assert fr["term"].unique().tolist() == ["matcha latte"] and fr["geo"].unique().tolist() == [region]
    assert fr["date"].dt.strftime("%Y-%m-%d").tolist() == WEEKS
    assert fr["interest"].tolist() == [0.5, 37, 100, 12]
    assert fr["below_one"].tolist() == [True, False, False, False]
    assert e.meta["step"] == "week" and e.meta["category"] == category and e.meta["below_one"] == 1
    assert any("'<1'" in n and "below_one" in n for n in e.notes)


def test_traditional_chinese_trends_is_not_a_daily_sessions_series(tmp_path):
    """The issue's file: one term, days, a Traditional Chinese interface. Its two
    columns of dates and numbers made it look like Date,Sessions."""
    days = pd.date_range("2025-03-01", periods=30).strftime("%Y-%m-%d")
    rows = [[d, str(v)] for d, v in zip(days, [40, 52, 61, 100, 77] * 6)]
    f = trends_file(tmp_path / "multiTimeline.csv", "類別：所有類別", "日", ["珍珠奶茶：（台灣）"], rows, bom=True)
    e = sources.load(f)
    assert e.kind == "trends/interest" and e.table == "trends"
    assert "sessions" not in e.frame.columns
    assert e.frame["term"].unique().tolist() == ["珍珠奶茶"] and e.frame["geo"].unique().tolist() == ["台灣"]
    assert e.meta["step"] == "day" and len(e.frame) == 30


@pytest.mark.parametrize("cell", ["<1", "< 1", "<\u00a01", "<\u202f1", "＜1"])
def test_below_one_in_every_spelling(tmp_path, cell):
    rows = [["2024-01", "100"], ["2024-02", cell], ["2024-03", "3"]]
    f = trends_file(tmp_path / "multiTimeline.csv", "Catégorie\u00a0: Toutes catégories", "Mois",
                    ["thé glacé: (Belgique)"], rows)
    t = md.read_trends(f)
    assert t["interest"].tolist() == [100, 0.5, 3]
    assert t["below_one"].tolist() == [False, True, False]
    assert t.loc[~t["below_one"], "interest"].sum() == 103  # the file's own numbers, '<1' counted apart
    assert t["date"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))


def test_mixed_locale_crlf_two_terms_and_exact_phrase(tmp_path):
    """A Chinese category line over a French period header, CRLF, and terms searched in
    quotes (the header cell is a quoted field holding quotes)."""
    rows = [[d, a, b] for d, a, b in zip(WEEKS, ["10", "<1", "64", "100"], ["3", "2", "<1", "9"])]
    f = trends_file(tmp_path / "multiTimeline (1).csv", "类别：所有类别", "semaine",
                    ['"""Assicura Uno"": (Monde)"', "home baking: (Monde)"], rows, newline="\r\n")
    e = sources.load(f)
    assert e.kind == "trends/interest"
    per_term = e.frame[~e.frame["below_one"]].groupby("term")["interest"].sum().to_dict()
    assert per_term == {"Assicura Uno": 174, "home baking": 14}
    assert e.meta["quoted"] == ["Assicura Uno"]
    assert any("exact phrase" in n for n in e.notes)


def test_structure_alone_recognises_an_unknown_language(tmp_path):
    """A period header in a language the tables lack still reads: ISO periods in the
    first column and every other header 'term: (Region)'."""
    rows = [["2024-01", "5"], ["2024-02", "100"]]
    f = tmp_path / "multiTimeline.csv"
    f.write_text("Kategória: Minden kategória\n\nHónap,kávé: (Magyarország)\n" + "\n".join(",".join(r) for r in rows) + "\n",
                 encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "trends/interest" and e.meta["step"] == "month"
    assert e.frame["interest"].tolist() == [5, 100]


def test_hourly_series_is_refused_by_name(tmp_path):
    rows = [[f"2026-09-26T{h:02d}", str(v)] for h, v in enumerate([12, 30, 100])]
    f = trends_file(tmp_path / "multiTimeline.csv", "Category: All categories", "Time", ["tea: (Worldwide)"], rows)
    with pytest.raises(TrafficDataError, match="hourly") as err:
        sources.load(f)
    assert err.value.column == "Time" and err.value.rows == [4, 5, 6]


def test_plain_daily_series_still_reads_and_unknown_metrics_do_not(tmp_path):
    f = tmp_path / "daily.csv"
    f.write_text("Date,Target\n2023-11-01,5623.0\n2023-11-02,4618.0\n", encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "daily_series" and e.frame["sessions"].tolist() == [5623, 4618]
    g = tmp_path / "other.csv"
    g.write_text("Date,Temperature\n2023-11-01,12.5\n2023-11-02,11.0\n", encoding="utf-8")
    try:
        assert sources.load(g).kind != "daily_series"
    except TrafficDataError as exc:
        assert "not an export the kit knows" in str(exc)


@pytest.mark.parametrize("step,words", sorted(md._TRENDS_DATE_HEADERS.items()))
def test_every_period_word_names_its_step(step, words):
    for w in words:
        assert md.trends_step(w) == step
        assert md.trends_step(f" {w.upper()} ") == step


def _specimens(prefix):
    import yaml

    if not SPECIMENS.is_dir():
        return []
    spec = yaml.safe_load((SPECIMENS / "specimens.yml").read_text(encoding="utf-8"))
    return [s for s in spec["specimens"] if s["file"].startswith(prefix) and "searched_with" not in s["file"]]


@pytest.mark.skipif(not SPECIMENS.is_dir(), reason="../shared/specimens is absent")
@pytest.mark.parametrize("item", _specimens("trends/"), ids=lambda s: s["file"])
def test_trends_specimens(item):
    exp = item["expected"]
    e = sources.load(SPECIMENS / item["file"])
    fr = e.frame
    assert e.kind == "trends/interest" and e.meta["step"] == exp["step"]
    assert fr.groupby("term").size().eq(exp["periods"]).all()
    assert fr.loc[~fr["below_one"], "interest"].sum() == exp["totals"]["interest_sum"]
    assert int(fr["below_one"].sum()) == exp["below_one_cells"]
    assert sorted(f"{t}: ({g})" for t, g in fr[["term", "geo"]].drop_duplicates().itertuples(index=False)) == \
        sorted(t.replace('"', "") for t in exp["terms"])
    first, last = (pd.Timestamp(str(d)) for d in exp["dates"])
    assert (fr["date"].min(), fr["date"].max()) == (first, last)


def test_one_term_across_regions_and_old_weekly_ranges(tmp_path):
    """Comparing one term in two regions gives two series (term and region both kept);
    downloads before 2017 dated weeks as 'start - end' ranges."""
    rows = [["2016-01-03 - 2016-01-09", "40", "<1"], ["2016-01-10 - 2016-01-16", "100", "7"]]
    f = trends_file(tmp_path / "multiTimeline.csv", "Category: All categories", "Week",
                    ["tea: (France)", "tea: (Belgium)"], rows)
    e = sources.load(f)
    assert sorted(e.frame["term"].unique()) == ["tea (Belgium)", "tea (France)"]
    assert e.frame["date"].dt.strftime("%Y-%m-%d").unique().tolist() == ["2016-01-03", "2016-01-10"]
    assert e.meta["step"] == "week" and e.meta["below_one"] == 1


def test_2025_download_without_category_or_region(tmp_path):
    """The 2025 download: every field quoted, 'Time' over ISO days, terms without a
    region (some with a leading space), no category line."""
    f = tmp_path / "multiTimeline.csv"
    f.write_text('"Time","AI"," Machine Learning"\n"2025-01-01",41,1\n"2025-02-01",100,<1\n"2025-03-01",55,2',
                 encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "trends/interest" and e.meta["step"] == "month"
    assert sorted(e.frame["term"].unique()) == ["AI", "Machine Learning"] and e.frame["geo"].isna().all()
    assert e.meta["below_one"] == 1


def test_cut_category_line_vietnamese_month(tmp_path):
    f = tmp_path / "multiTimeline.csv"
    f.write_text("\nTháng,Vn-Index\n2007-02,70\n2007-03,100\n2007-04,70\n", encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "trends/interest" and e.frame["term"].unique().tolist() == ["Vn-Index"]
    assert e.frame["date"].min() == pd.Timestamp("2007-02-01")


def test_small_site_sessions_stay_a_daily_series(tmp_path):
    """Two columns of days and whole numbers up to 100 are Trends only under a header
    that names no web metric."""
    f = tmp_path / "sessions.csv"
    f.write_text("Date,Sessions\n2025-01-01,41\n2025-01-02,100\n2025-01-03,55\n", encoding="utf-8")
    assert sources.load(f).kind == "daily_series"


def test_indonesian_hourly_past_day_is_refused_by_name(tmp_path):
    rows = [["2024-10-21T08:28:00+07:00", "0", "36"], ["2024-10-21T08:36:00+07:00", "100", "28"]]
    f = trends_file(tmp_path / "multiTimeline.csv", "Kategori: Semua kategori", "Waktu",
                    ["Mobil A: (Indonesia)", "Mobil B: (Indonesia)"], rows)
    with pytest.raises(TrafficDataError, match="hourly"):
        sources.load(f)
