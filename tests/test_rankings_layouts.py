"""Rank-tracker inputs in the layouts SEMrush and Ahrefs write: Organic Research
Positions (the site and date in the file name, a Timestamp column), the same saved as
UTF-16 tab-separated for Excel, Ahrefs organic keywords, Position Tracking with one
position column per date, and a keyword list with one '<competitor> Ranking' column each
kept in a workbook. Files are written here with invented keywords and numbers; the
specimen of ../shared is read in place."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.readers import marketdata as md

SPECIMENS = Path(__file__).resolve().parents[2] / "shared" / "specimens"

ORGANIC_HEADER = ("Keyword,Position,Previous position,Search Volume,Keyword Difficulty,CPC,URL,Traffic,Traffic (%),"
                  "Traffic Cost,Competition,Number of Results,Trends,Timestamp,SERP Features by Keyword,"
                  "Keyword Intents,Position Type")
ORGANIC_ROWS = [
    'suspension rotin,3,5,"1,300",34,0.85,https://www.deco-rivale.fr/suspensions/rotin,210,12.5,178.5,0.41,'
    '1200000,"[44,54,67,100]",2026-06-26,"Image pack, Reviews",commercial,Organic',
    "lampe de chevet,11,9,880,28,0.40,https://www.deco-rivale.fr/lampes/chevet,14,0.83,5.6,0.2,900000,"
    '"[80,82,100]",2026-06-26,,"commercial, informational",Organic',
    "abat-jour lin,1,1,590,12,0.30,https://www.deco-rivale.fr/abat-jour/lin,180,10.7,54,0.1,350000,"
    '"[100,90]",2026-06-26,Sitelinks,navigational,Organic',
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_semrush_organic_positions_site_and_date_from_the_file(tmp_path):
    f = write(tmp_path / "deco-rivale.fr-organic.Positions-fr-20260626-2026-06-27T10_12_33Z.csv",
              "\n".join([ORGANIC_HEADER, *ORGANIC_ROWS]) + "\n")
    e = sources.load(f)
    assert (e.kind, e.table) == ("rankings/positions", "rankings")
    fr = e.frame.set_index("keyword")
    assert set(fr["domain"]) == {"deco-rivale.fr"} and set(fr["date"]) == {pd.Timestamp("2026-06-26")}
    assert fr.loc["suspension rotin", "position"] == 3 and fr.loc["suspension rotin", "search_volume"] == 1300
    assert fr.loc["abat-jour lin", "url"] == "https://www.deco-rivale.fr/abat-jour/lin"


def test_semrush_organic_positions_renamed_utf16_tab(tmp_path):
    """'Export for Excel' writes UTF-16 with a BOM, tabs and CRLF; a renamed download
    takes its site from the ranking URLs."""
    tab = [ORGANIC_HEADER.replace(",", "\t")]
    for row in ORGANIC_ROWS:  # same cells, tab-separated (quoted cells keep their commas)
        tab.append("\t".join(next(csv.reader(io.StringIO(row)))))
    f = write(tmp_path / "export (2).csv", "\ufeff" + "\r\n".join(tab) + "\r\n", "utf-16-le")
    e = sources.load(f)
    assert e.kind == "rankings/positions" and set(e.frame["domain"]) == {"deco-rivale.fr"}
    assert any("taken from the site of the ranking URLs" in n for n in e.notes)
    assert sorted(e.frame["position"]) == [1, 3, 11]


def test_ahrefs_organic_keywords_utf16_without_date_column(tmp_path):
    header = ("Keyword\tCountry code\tLocation\tSERP features\tVolume\tKD\tCPC\tOrganic traffic\t"
              "Current position\tCurrent URL\tPrevious position\tPrevious URL")
    rows = ["suspension rotin\tFR\t\tImage pack\t1300\t34\t0.85\t210\t3\thttps://deco-rivale.fr/s\t5\thttps://deco-rivale.fr/s",
            "lampe de chevet\tFR\t\t\t880\t28\t0.4\t14\t\t\t9\thttps://deco-rivale.fr/c"]
    f = write(tmp_path / "deco-rivale.fr-organic-keywords-subdomains-fr_2026-06-27_10-33-48.csv",
              "\ufeff" + "\n".join([header, *rows]) + "\n", "utf-16-le")
    e = sources.load(f)
    assert e.meta["layout"] == "ahrefs" and len(e.frame) == 1  # the previous position has no date: not a row
    row = e.frame.iloc[0]
    assert (row["keyword"], row["position"], row["date"]) == ("suspension rotin", 3, pd.Timestamp("2026-06-27"))
    assert e.meta["not_ranked"] == 1 and any("file name" in n for n in e.notes)


@pytest.mark.parametrize("column", ["*.deco-rivale.fr/*_{d}", "deco-rivale.fr_{d}", "*.deco-rivale.fr/*_{d}_position"])
def test_position_tracking_one_column_per_date(tmp_path, column):
    days = ["20261019", "20261026"]
    head = ["Keyword", "Tags"]
    for d in days:
        head += [column.format(d=d), f"*.deco-rivale.fr/*_{d}_type", f"*.deco-rivale.fr/*_{d}_landing"]
    head += ["Search Volume", "CPC"]
    body = ["suspension rotin,luminaire,4,organic,https://d.fr/a,3,organic,https://d.fr/a,4400,0.85",
            "lampadaire bois,luminaire,-,,,9,organic,https://d.fr/b,1900,0.40"]
    f = write(tmp_path / "position_tracking.csv", "Position Tracking: Rankings Overview\nProject: deco\n"
              "Database: google.fr\nDevice: desktop\nPeriod: 20261019 - 20261026\n\n" + ",".join(head) + "\n"
              + "\n".join(body) + "\n")
    e = sources.load(f)
    assert e.meta["layout"] == "semrush" and len(e.frame) == 3 and e.meta["not_ranked"] == 1
    last = e.frame[e.frame["date"] == pd.Timestamp("2026-10-26")].set_index("keyword")
    assert last.loc["lampadaire bois", "position"] == 9 and last.loc["lampadaire bois", "url"] == "https://d.fr/b"


def _keyword_list(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Keywords"
    ws.append(["Keyword", "Ours Ranking", "Ours Type", "Ours Landing Page", "rival.com/ Ranking",
               "rival.com/ Landing Page", "Mag Ranking", "mag-review.com/ Landing Page", "Search Volume"])
    ws.append(["green tea", 18.0, "organic", "https://www.our-shop.fr/en/green-tea", "-", "", 5.0,
               "https://mag-review.com/green-tea", 210.0])
    ws.append(["oolong", "-", "", "", 62.0, "https://www.rival.com/oolong", "-", "", "n/a"])
    ws.append(["chai latte", 4.0, "reviews", "https://www.our-shop.fr/en/chai", "-", "", "-", "", 50.0])
    ws.append(["white tea", "-", "", "", "-", "", "-", "", 30.0])
    wb.create_sheet("Share of voice").append(["Url", "Share of Voice level"])
    wb.save(path)
    return path


def test_competitor_columns_workbook_without_date(tmp_path):
    f = _keyword_list(tmp_path / "Tea Keywords - SEMrush.xlsx")
    e = sources.load(f)
    assert e.meta["layout"] == "wide_competitors"
    assert e.meta["competitors"] == {"Ours": "our-shop.fr", "rival.com/": "rival.com", "Mag": "mag-review.com"}
    by = e.frame.groupby("domain")["position"].agg(["count", "sum"])
    assert by.loc["our-shop.fr"].tolist() == [2, 22] and by.loc["rival.com"].tolist() == [1, 62]
    assert by.loc["mag-review.com"].tolist() == [1, 5]
    assert e.frame["date"].isna().all() and e.period is None
    assert any("no date" in n for n in e.notes) and any("'n/a'" in n for n in e.notes)
    assert e.meta["keywords"] == 4 and e.meta["keywords_unranked"] == 1
    dated = md.read_rankings(f, date="2026-06-01")
    assert set(dated["date"]) == {pd.Timestamp("2026-06-01")}


def test_search_console_queries_are_not_rankings(tmp_path):
    f = write(tmp_path / "Queries.csv", "Top queries,Clicks,Impressions,CTR,Position\nrotin,12,340,3.5%,4.2\n")
    try:
        assert sources.load(f).kind != "rankings/positions"
    except TrafficDataError:
        pass
    assert md._competitor_columns(["Keyword", "Avg. position", "Current position", "Position"]) == []


def test_one_site_export_without_any_site_is_refused_by_name(tmp_path):
    f = write(tmp_path / "positions.csv", "Keyword,Position,Search Volume\nrotin,3,1300\n")
    with pytest.raises(TrafficDataError, match="domain") as err:
        md.read_rankings(f)
    assert "positions.csv" in str(err.value)
    assert set(md.read_rankings(f, domain="deco-rivale.fr", date="2026-06-26")["domain"]) == {"deco-rivale.fr"}


@pytest.mark.skipif(not (SPECIMENS / "rank_tracker").is_dir(), reason="../shared/specimens is absent")
def test_rank_tracker_specimen():
    import yaml

    spec = yaml.safe_load((SPECIMENS / "specimens.yml").read_text(encoding="utf-8"))
    exp = next(s for s in spec["specimens"] if s["file"].startswith("rank_tracker/"))["expected"]
    e = sources.load(SPECIMENS / "rank_tracker" / "Tea Keywords - SEMrush.xlsx")
    want = exp["totals"]["ranked_positions"]
    names = e.meta["competitors"]
    for column, figures in want.items():
        got = e.frame[e.frame["domain"] == names[column.removesuffix(" Ranking")]]["position"]
        assert (len(got), got.sum()) == (figures["count"], figures["sum"]), column
    assert len(e.frame) == exp["totals"]["ranked_positions_all"]["count"]
    assert e.meta["not_ranked"] == sum(exp["totals"]["not_ranking_cells"].values())
    assert e.meta["keywords"] == exp["keywords_distinct"]
    assert any(f"{exp['totals']['search_volume_na']} keyword(s) with search volume 'n/a'" in n for n in e.notes)
