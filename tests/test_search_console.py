"""Search Console readers: files written in the exact layouts Google uses (en/fr
interface, comparison mode, BOM, "4,5 %", zip, xlsx, Looker Studio/API, bulk export)."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from trafficlib import sources
from trafficlib.errors import TrafficDataError
from trafficlib.readers.search_console import load_performance, read_table

BOM = "\ufeff"
EN = {
    "Queries.csv": "Top queries,Clicks,Impressions,CTR,Position\nlampe rotin,\"1,234\",\"45,678\",2.7%,4.5\n"
                   "\"suspension, cuisine\",120,3400,3.53%,8.1\n",
    "Pages.csv": "Top pages,Clicks,Impressions,CTR,Position\nhttps://www.site.fr/,30,600,5%,2\n",
    "Countries.csv": "Country,Clicks,Impressions,CTR,Position\nFrance,55,2000,2.75%,8.5\nBelgium,5,300,1.67%,11\n",
    "Devices.csv": "Device,Clicks,Impressions,CTR,Position\nMobile,40,1500,2.67%,9\nDesktop,20,800,2.5%,8\n",
    "Search appearance.csv": "Search Appearance,Clicks,Impressions,CTR,Position\nProduct snippets,12,400,3%,7\n",
    "Dates.csv": "Date,Clicks,Impressions,CTR,Position\n2026-07-02,25,1200,2.08%,9\n2026-07-01,35,1100,3.18%,8\n",
    "Filters.csv": "Filter,Value\nSearch type,Web\nDate,Last 28 days\nQuery,-lampe\n",
}
FR_NAMES = {"Queries.csv": "Requêtes.csv", "Pages.csv": "Pages.csv", "Countries.csv": "Pays.csv",
            "Devices.csv": "Appareils.csv", "Search appearance.csv": "Apparence dans les résultats de recherche.csv",
            "Dates.csv": "Dates.csv", "Filters.csv": "Filtres.csv"}
FR = {
    "Requêtes.csv": "Requêtes les plus fréquentes,Clics,Impressions,CTR,Position\n"
                    "lampe rotin,1\u202f234,45\u202f678,\"2,7 %\",\"4,5\"\n\"suspension, cuisine\",120,3400,\"3,53 %\",\"8,1\"\n",
    "Pages.csv": "Pages les plus populaires,Clics,Impressions,CTR,Position\nhttps://www.site.fr/,30,600,\"5 %\",2\n",
    "Pays.csv": "Pays,Clics,Impressions,CTR,Position\nFrance,55,2000,\"2,75 %\",\"8,5\"\nBelgique,5,300,\"1,67 %\",11\n",
    "Appareils.csv": "Appareil,Clics,Impressions,CTR,Position\nMobile,40,1500,\"2,67 %\",9\nOrdinateur,20,800,\"2,5 %\",8\n",
    "Apparence dans les résultats de recherche.csv":
        "Apparence dans les résultats de recherche,Clics,Impressions,CTR,Position\nExtraits de produits,12,400,\"3 %\",7\n",
    "Dates.csv": "Date,Clics,Impressions,CTR,Position\n2026-07-02,25,1200,\"2,08 %\",9\n2026-07-01,35,1100,\"3,18 %\",8\n",
    "Filtres.csv": "Filtre,Valeur\nType de recherche,Web\nDate,28 derniers jours\n",
}


def write(folder, files, bom=True):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text((BOM if bom else "") + text, encoding="utf-8")
    return folder


def check_perf(perf):
    q = perf.queries.set_index("query")
    assert q.loc["lampe rotin", "clicks"] == 1234 and q.loc["lampe rotin", "impressions"] == 45678
    assert q.loc["lampe rotin", "position"] == 4.5
    assert q.loc["suspension, cuisine", "ctr"] == pytest.approx(120 / 3400)  # recomputed, not the rounded 3.53 %
    assert perf.dates["clicks"].sum() == 60 and perf.dates["impressions"].sum() == 2300
    assert set(perf.tables) == {"queries", "pages", "countries", "devices", "search_appearance", "dates"}
    assert perf.period == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-02"))
    assert len(perf.countries) == 2 and perf.devices["clicks"].sum() == 60


def test_folder_english_and_filters(tmp_path):
    perf = load_performance(write(tmp_path / "en", EN))
    check_perf(perf)
    assert perf.lang == "en"
    assert perf.filters_applied() == ["Search type: Web", "Date: Last 28 days", "Query: -lampe"]


def test_folder_french_names_headers_and_numbers(tmp_path):
    perf = load_performance(write(tmp_path / "fr", FR))
    check_perf(perf)
    assert perf.lang == "fr"
    assert "Type de recherche: Web" in perf.filters_applied()


def test_zip_with_subfolder_and_macos_junk(tmp_path):
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for name, text in EN.items():
            zf.writestr(f"site.fr-Performance-on-Search-2026-07-03/{name}", BOM + text)
        zf.writestr("__MACOSX/site/._Queries.csv", b"\x00\x05\x16\x07\xff")
    perf = load_performance(z)
    check_perf(perf)
    # sources.load on the zip: one Export holding every table
    e = sources.load(z)
    assert e.kind == "search_console/performance"
    assert set(e.meta["tables"]) >= {"queries", "dates"} and e.frame["clicks"].sum() == 60
    assert e.meta["filters"][0] == "Search type: Web"


def test_each_csv_through_sources_load(tmp_path):
    write(tmp_path, FR)
    kinds = {n: sources.load(tmp_path / n).kind for n in FR}
    assert kinds["Requêtes.csv"] == "search_console/queries"
    assert kinds["Pays.csv"] == "search_console/countries"
    assert kinds["Appareils.csv"] == "search_console/devices"
    assert kinds["Apparence dans les résultats de recherche.csv"] == "search_console/search_appearance"
    assert kinds["Dates.csv"] == "search_console/dates"
    assert kinds["Filtres.csv"] == "search_console/filters"


def test_semicolon_excel_resave(tmp_path):
    f = tmp_path / "q.csv"
    f.write_bytes(("Requêtes les plus fréquentes;Clics;Impressions;CTR;Position\n"
                   "lampe rotin;1 234;45 678;2,7 %;4,5\nsuspension;1.001;20 000;5 %;12,25\n").encode("cp1252"))
    e = sources.load(f)
    assert e.frame["clicks"].tolist() == [1234, 1001]
    assert e.frame["position"].tolist() == [4.5, 12.25]


COMPARE_EN = ("Top pages,Last 3 months Clicks,Previous 3 months Clicks,Last 3 months Impressions,Previous 3 months "
              "Impressions,Last 3 months CTR,Previous 3 months CTR,Last 3 months Position,Previous 3 months Position\n"
              "https://www.site.fr/,500,400,10000,9000,5%,4.44%,3.2,3.9\nhttps://www.site.fr/new,50,,1000,,5%,,9.1,\n")
COMPARE_FR = ("Pages les plus populaires,3 derniers mois Clics,3 mois précédents Clics,3 derniers mois Impressions,"
              "3 mois précédents Impressions,3 derniers mois CTR,3 mois précédents CTR,3 derniers mois Position,"
              "3 mois précédents Position\nhttps://www.site.fr/,500,400,10000,9000,\"5 %\",\"4,44 %\",\"3,2\",\"3,9\"\n"
              "https://www.site.fr/new,50,,1000,,\"5 %\",,\"9,1\",\n")
COMPARE_YOY = ("Page;Clics;Clics (même période l'année précédente);Impressions;"
               "Impressions (même période l'année précédente);Position;Position (même période l'année précédente)\n"
               "https://www.site.fr/;500;400;10000;9000;3,2;3,9\nhttps://www.site.fr/new;50;;1000;;9,1;\n")


@pytest.mark.parametrize("text", [COMPARE_EN, COMPARE_FR, COMPARE_YOY])
def test_comparison_mode(tmp_path, text):
    f = tmp_path / "Pages.csv"
    f.write_text(BOM + text, encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "search_console/pages"
    r = e.frame.set_index("page")
    assert r.loc["https://www.site.fr/", "clicks"] == 500 and r.loc["https://www.site.fr/", "clicks_previous"] == 400
    assert r.loc["https://www.site.fr/", "impressions_previous"] == 9000
    assert r.loc["https://www.site.fr/", "position_previous"] == 3.9
    assert pd.isna(r.loc["https://www.site.fr/new", "clicks_previous"])
    assert "previous" in e.meta["comparison"]


def test_comparison_dates_same_row_and_own_rows(tmp_path):
    same = ("Date,Last 3 days Clicks,Previous 3 days Clicks,Last 3 days Impressions,Previous 3 days Impressions,"
            "Last 3 days CTR,Previous 3 days CTR,Last 3 days Position,Previous 3 days Position\n"
            "2026-07-03,30,20,1000,800,3%,2.5%,10,12\n2026-07-01,10,5,500,400,2%,1.25%,11,13\n"
            "2026-07-02,20,10,800,600,2.5%,1.67%,10.5,12.5\n")
    f = tmp_path / "Dates.csv"
    f.write_text(same)
    e = read_table(f)
    cur, prev = e.frame[e.frame["period"] == "current"], e.frame[e.frame["period"] == "previous"]
    assert cur["clicks"].sum() == 60 and prev["clicks"].sum() == 35
    assert prev["date"].min() == pd.Timestamp("2026-06-28") and prev["date"].max() == pd.Timestamp("2026-06-30")
    assert e.period == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-07-03"))
    own = ("Date,Last 2 days Clicks,Previous 2 days Clicks,Last 2 days Impressions,Previous 2 days Impressions\n"
           "2026-07-01,10,,100,\n2026-07-02,12,,110,\n2026-06-29,,7,,70\n2026-06-30,,8,,80\n")
    f.write_text(own)
    e = read_table(f)
    prev = e.frame[e.frame["period"] == "previous"]
    assert prev["date"].tolist() == [pd.Timestamp("2026-06-29"), pd.Timestamp("2026-06-30")]
    assert prev["clicks"].tolist() == [7, 8]


def test_xlsx_download(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in EN.items():
        ws = wb.create_sheet(name[:-4])
        import csv
        import io

        for row in csv.reader(io.StringIO(text)):
            ws.append(row)
    f = tmp_path / "export.xlsx"
    wb.save(f)
    perf = load_performance(f)
    check_perf(perf)
    assert sources.load(f).kind == "search_console/performance"


def test_looker_studio_and_api_tables(tmp_path):
    f = tmp_path / "looker.csv"
    f.write_text("Date,Query,Landing Page,Url Clicks,Impressions,URL CTR,Average Position\n"
                 "2026-07-01,lampe,https://s.fr/a,3,100,3%,4.2\n2026-07-01,lampe,https://s.fr/b,1,50,2%,7\n")
    e = sources.load(f)
    assert e.kind == "search_console/table" and set(e.dimensions) >= {"date", "query", "page"}
    assert e.frame["clicks"].sum() == 4
    f2 = tmp_path / "api.csv"
    f2.write_text("query,page,country,device,clicks,impressions,ctr,position\nlampe,https://s.fr/a,fra,MOBILE,3,100,0.03,4.2\n")
    e2 = sources.load(f2)
    assert e2.kind == "search_console/table" and e2.frame["ctr"].iloc[0] == pytest.approx(0.03)


def test_bulk_export_tables(tmp_path):
    site = pd.DataFrame({"data_date": pd.to_datetime(["2026-07-01"] * 3).date, "site_url": "sc-domain:s.fr",
                         "query": ["lampe", "", "lampe"], "is_anonymized_query": [False, True, False],
                         "country": "fra", "search_type": "WEB", "device": ["MOBILE", "MOBILE", "DESKTOP"],
                         "impressions": [100, 50, 10], "clicks": [5, 1, 0], "sum_top_position": [300.0, 500.0, 0.0]})
    f = tmp_path / "searchdata_site_impression.parquet"
    site.to_parquet(f)
    e = sources.load(f)
    assert e.kind == "search_console/bulk_site"
    assert e.frame["position"].tolist() == [4.0, 11.0, 1.0]  # sum / impressions + 1
    url = site.rename(columns={"sum_top_position": "sum_position"}).assign(url="https://s.fr/a")
    f2 = tmp_path / "searchdata_url_impression.csv"
    url.to_csv(f2, index=False)
    e2 = sources.load(f2)
    assert e2.kind == "search_console/bulk_url" and e2.frame["page"].iloc[0] == "https://s.fr/a"
    assert e2.frame["is_anonymized_query"].tolist() == [False, True, False]


def test_bad_input_names_file_column_line(tmp_path):
    f = tmp_path / "Queries.csv"
    f.write_text("Top queries,Clicks,Impressions,CTR,Position\nlampe,3,100,3%,4\nspot,abc,100,3%,4\n")
    with pytest.raises(TrafficDataError) as exc:
        sources.load(f)
    assert exc.value.file == str(f) and exc.value.column == "Clicks" and exc.value.rows == [3]
    f.write_text("Top queries,Clicks,Impressions,CTR,Position\nlampe,-3,100,3%,4\n")
    with pytest.raises(TrafficDataError, match="negative"):
        sources.load(f)
    z = tmp_path / "e.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Queries.csv", "Top queries,Clicks,Impressions,CTR,Position\nlampe,3,1x0,3%,4\n")
    with pytest.raises(TrafficDataError) as exc:
        load_performance(z)
    assert "e.zip (Queries.csv)" in str(exc.value) and exc.value.column == "Impressions" and exc.value.rows == [2]
    with pytest.raises(TrafficDataError, match="no Search Console table"):
        load_performance(write(tmp_path / "none", {"x.csv": "a,b\n1,2\n"}))


def test_ad_reports_are_not_search_console(tmp_path):
    f = tmp_path / "ads.csv"
    f.write_text("Day,Campaign,Clicks,Impr.,CTR,Cost\n2026-07-01,x,3,100,3%,2.5\n")
    from trafficlib.readers.search_console import is_search_console
    from trafficlib.readers.registry import Probe

    assert not is_search_console(Probe(f))
    f.write_text("Day,Campaign name,Impressions,Link clicks,CTR (link click-through rate)\n2026-07-01,x,100,3,3%\n")
    assert not is_search_console(Probe(f))
