"""GA4 interface exports: recognised by sources.load in GA4's own layouts, quirks included."""
from __future__ import annotations

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.cli import main
from trafficlib.datasets import ga4_ui

PREAMBLE_EN = """# ----------------------------------------
# Traffic acquisition: Session primary channel group (Default Channel Group)
# Account: Demo
# Property: demo.example - GA4
# ----------------------------------------
#
# All Users
# Start date: 20261001
# End date: 20261031
"""

PREAMBLE_FR = """# ----------------------------------------
# Acquisition de trafic : Groupe de canaux principal de la session (Groupe de canaux par défaut)
# Compte : Démo
# Propriété : demo.example - GA4
# ----------------------------------------
#
# Tous les utilisateurs
# Date de début : 20261001
# Date de fin : 20261031
"""


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_standard_report_total_on_top_and_thousands_separators(tmp_path):
    f = write(tmp_path / "acq.csv", PREAMBLE_EN + (
        "Session primary channel group (Default Channel Group),Sessions,Engaged sessions,Engagement rate,"
        "Average engagement time per session,Key events,Total revenue,Active users\n"
        ',"12,345","8,000",0.648,83.2,130,"15,234.50","11,002"\n'
        'Organic Search,"6,000","4,000",0.6667,90.1,70,"8,000.25","5,500"\n'
        'Direct,"4,345","2,800",0.6444,80,40,"5,000.25","4,100"\n'
        'Paid Search,"2,000","1,200",0.6,70,20,"2,234.00","1,900"\n'))
    e = sources.load(f)
    assert e.kind == "ga4/report" and e.table == "web_cube"
    assert e.period == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))
    assert e.dimensions == ("channel",)
    assert list(e.frame["channel"]) == ["Organic Search", "Direct", "Paid Search"]  # the total row is not data
    assert e.frame["sessions"].tolist() == [6000, 4345, 2000]
    assert e.totals.iloc[0]["sessions"] == 12345 and e.totals.iloc[0]["users"] == 11002
    rec = e.reconciliation().set_index("metric")
    assert rec.loc["sessions", "ok"] and rec.loc["revenue", "ok"] and rec.loc["conversions", "ok"]
    assert e.meta["property"] == "demo.example - GA4"


def test_exploration_grand_total_with_its_extra_field_does_not_shift_columns(tmp_path):
    # The line that crashed every reader: "Grand total" in a field the header does not have.
    f = write(tmp_path / "explo.csv", "# ----------------------------------------\n# Free form 1\n"
              "# ----------------------------------------\n#\n# Start date: 20261001\n# End date: 20261003\n"
              "Session default channel group,Date,Sessions,Engaged sessions,Key events,Total revenue,Total users\n"
              "Grand total,,,300,200,3,450.5,250\n"
              "Direct,20261001,50,30,1,100.5,45\n"
              "Direct,20261002,50,35,0,0,48\n"
              "Organic Search,20261001,100,70,1,200,90\n"
              "Organic Search,20261003,100,65,1,150,85\n")
    e = sources.load(f)
    assert e.frame["channel"].tolist() == ["Direct", "Direct", "Organic Search", "Organic Search"]
    assert e.frame["date"].tolist()[:2] == [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-02")]
    assert e.frame["sessions"].sum() == 300 and e.totals.iloc[0]["sessions"] == 300
    assert e.totals.iloc[0]["total_users"] == 250
    assert e.reconciliation()["ok"].all()


def test_french_interface_semicolons_and_decimal_commas(tmp_path):
    f = write(tmp_path / "fr.csv", PREAMBLE_FR + (
        "Groupe de canaux par défaut de la session;Sessions;Sessions avec engagement;Taux d'engagement;"
        "Événements clés;Revenu total;Utilisateurs actifs\n"
        ";1 234;800;64,8 %;13;1 523,45;1 100\n"
        "Recherche organique;1 000;650;65 %;10;1 200,40;900\n"
        "Direct;234;150;64,1 %;3;323,05;210\n"), encoding="cp1252")
    e = sources.load(f)
    assert e.kind == "ga4/report"
    assert e.frame["sessions"].tolist() == [1000, 234]
    assert e.frame["revenue"].tolist() == pytest.approx([1200.40, 323.05])
    assert e.totals.iloc[0]["sessions"] == 1234
    assert e.reconciliation()["ok"].all()
    assert e.period[0] == pd.Timestamp("2026-10-01")


def test_nth_day_table_below_a_chart_table_becomes_dates(tmp_path):
    f = write(tmp_path / "nth.csv", PREAMBLE_EN + "Nth day,Sessions,Engaged sessions\n0000,10,5\n0001,12,6\n0002,8,4\n")
    e = sources.load(f)
    assert e.frame["date"].tolist() == list(pd.date_range("2026-10-01", periods=3))
    assert e.dimensions == ("date",)


def test_report_without_sessions_is_read_too(tmp_path):
    f = write(tmp_path / "pages.csv", PREAMBLE_EN + "Page path and screen class,Views,Active users\n"
              ',"1,500",900\n/a,1000,600\n/b,500,400\n')
    e = sources.load(f)
    assert e.kind == "ga4/report" and e.frame["pageviews"].sum() == 1500
    assert "sessions" not in e.frame


def test_xlsx_download_reads_like_the_csv(tmp_path, demo_dir):
    s = pd.read_parquet(demo_dir / "sessions.parquet")
    csv = ga4_ui.write_report(s, tmp_path / "d.csv", ["device"], "2026-09-01", "2026-09-30", grouped=True)
    xlsx = ga4_ui.write_report(s, tmp_path / "d.xlsx", ["device"], "2026-09-01", "2026-09-30")
    a, b = sources.load(csv), sources.load(xlsx)
    assert a.kind == b.kind == "ga4/report"
    pd.testing.assert_frame_equal(a.frame, b.frame, check_dtype=False)
    assert a.totals.iloc[0]["sessions"] == b.totals.iloc[0]["sessions"]
    assert b.period == (pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-30"))


def test_bad_number_names_file_column_and_line(tmp_path):
    f = write(tmp_path / "bad.csv", PREAMBLE_EN + "Date,Sessions\n20261001,10\n20261002,douze\n")
    with pytest.raises(TrafficDataError) as info:
        sources.load(f)
    err = info.value
    assert err.column == "Sessions" and err.rows == [12] and "bad.csv" in str(err)


def test_unknown_file_says_what_it_looked_like(tmp_path):
    f = write(tmp_path / "x.csv", "colour,size\nred,3\nblue,4\n")
    with pytest.raises(TrafficDataError, match=r"x\.csv.*a table with columns colour, size"):
        sources.load(f)


def test_inspect_cli(tmp_path, capsys, demo_dir):
    s = pd.read_parquet(demo_dir / "sessions.parquet")
    f = ga4_ui.write_report(s, tmp_path / "c.csv", ["country"], "2026-09-01", "2026-09-30", lang="fr")
    assert main(["inspect", str(f)]) == 0
    out = capsys.readouterr().out
    assert "ga4/report" in out and "2026-09-01 to 2026-09-30" in out and "reconcile" in out
    assert main(["inspect", str(f), str(tmp_path / "missing.csv")]) == 2
