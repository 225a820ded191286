"""The competitor watch on market downloads as users drop them: several Google Trends
files in one comparison (rescaled through a shared term, else kept on separate scales
and said so), monthly/weekly/daily series read at their own step, the alert floor, '<1'
cells, contradictory changes, holidays named, undated rankings, no domain known, and
``auto`` rendering the watch from a Trends-only folder."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from trafficlib import cli
from trafficlib import competitors as cp
from trafficlib import marketdata as md

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
SPECIMENS = ROOT.parent / "shared" / "specimens"
FR_MONTHLY = SPECIMENS / "trends" / "fr_monthly"
WORKBOOK = SPECIMENS / "rank_tracker" / "Tea Keywords - SEMrush.xlsx"
FR_TERMS = {"kombucha exemple", "Brasserie Exemple", "thé glacé exemple", "limonade artisanale"}


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared specimens (../shared) are not checked out beside the project")
    return path


def trends_csv(path: Path, header: str, rows: list[str], category: str = "Catégorie\u00a0: Toutes catégories") -> Path:
    """A Trends 'Interest over time' download in its real layout: category line, blank
    line, 'Mois,term: (Region),...', monthly 'YYYY-MM' rows, LF, utf-8 without BOM."""
    path.write_text(f"{category}\n\n{header}\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def monthly(term: str, values, start="2022-01-01", geo="Belgique", below=None) -> pd.DataFrame:
    """A trends table as read_trends returns it (monthly step)."""
    dates = pd.date_range(start, periods=len(values), freq="MS")
    below = np.zeros(len(values), bool) if below is None else np.asarray(below, bool)
    t = pd.DataFrame({"date": dates, "term": term, "interest": np.where(below, 0.5, values).astype(float),
                      "geo": geo, "below_one": below})
    t.attrs["step"] = "month"
    return t


# ------------------------------------------------------------------ several Trends files


def test_four_one_term_files_give_one_comparison_on_separate_scales():
    m = md.load_market(need(FR_MONTHLY))
    t = m.trends
    assert set(t["term"]) == FR_TERMS and len(t) == 4 * 48
    assert len(t.attrs["files"]) == 4 and t.attrs["step"] == "month"
    assert t.attrs["scale"] == "separate" and len(t.attrs["groups"]) == 4
    assert t.groupby("term")["scale"].nunique().eq(1).all() and t["scale"].nunique() == 4
    # each file kept on its own 0-100 scale: every series still reaches its own 100
    assert t.groupby("term")["interest"].max().eq(100).all()
    en, fr = cp.describe_scale(t, "en"), cp.describe_scale(t, "fr")
    assert "4 separate downloads" in en and "not their levels" in en
    assert "pas leurs niveaux" in fr
    # levels on separate scales are not ranked: the summary is in term order, not by level
    summary = cp.brand_summary(cp.brand_interest(t))
    assert summary["term"].tolist() == sorted(FR_TERMS)
    fig = cp.plot_brand_interest(cp.brand_interest(t))
    assert len(fig.axes) == 4                       # one panel per scale
    assert "own 0-100 scale" in fig.axes[0].get_title()


def test_files_sharing_a_term_are_rescaled_through_it(tmp_path):
    # beta is in both requests. Over the months both state as numbers (April's '<1' in A
    # is left out on both sides): Σ beta(A) = 10+15+25 = 50, Σ beta(B) = 5+8+12 = 25, so
    # factor(B) = Σ A / Σ B = 2 puts B on A's scale.
    trends_csv(tmp_path / "multiTimeline.csv", "Mois,alpha: (Belgique),beta: (Belgique)",
               ["2025-01,100,10", "2025-02,80,15", "2025-03,60,25", "2025-04,70,<1"])
    trends_csv(tmp_path / "multiTimeline (1).csv", "Mois,beta: (Belgique),gamma: (Belgique)",
               ["2025-01,5,100", "2025-02,8,50", "2025-03,12,20", "2025-04,1,2"])
    t = md.load_market(tmp_path).trends
    assert t.attrs["scale"] == "rescaled"
    (g,) = t.attrs["groups"]
    assert g["through"] == ["beta"]
    assert g["factors"] == {"multiTimeline.csv": 1.0, "multiTimeline (1).csv": pytest.approx(2.0)}
    # gamma x 2 = 200, 100, 40, 4: the highest point (200) becomes 100, so everything x 0.5
    s = t.pivot(index="date", columns="term", values="interest")
    assert s["gamma"].tolist() == pytest.approx([100, 50, 20, 2])
    assert s["alpha"].tolist() == pytest.approx([50, 40, 30, 35])
    assert s["beta"].tolist() == pytest.approx([5, 7.5, 12.5, 0.25])  # from A (the reference), once
    assert t.groupby("term").size().eq(4).all() and t["scale"].eq(1).all()
    assert bool(t.loc[(t["term"] == "beta") & (t["date"] == "2025-04-01"), "below_one"].item())
    text = cp.describe_scale(t, "en")
    assert '"beta"' in text and "× 2" in text and "Levels compare" in text
    assert "× 2" in cp.describe_scale(t, "fr") and "« beta »" in cp.describe_scale(t, "fr")


def test_a_weekly_file_among_monthly_ones_is_named_not_mixed(tmp_path):
    trends_csv(tmp_path / "multiTimeline.csv", "Mois,alpha: (Belgique)", [f"2025-{m:02d},{40 + m}" for m in range(1, 13)])
    trends_csv(tmp_path / "multiTimeline (1).csv", "Mois,beta: (Belgique)", [f"2025-{m:02d},{90 - m}" for m in range(1, 13)])
    trends_csv(tmp_path / "multiTimeline (2).csv", "Semaine,gamma: (Belgique)",
               [f"{d:%Y-%m-%d},{50}" for d in pd.date_range("2025-01-05", periods=10, freq="7D")])
    m = md.load_market(tmp_path)
    assert set(m.trends["term"]) == {"alpha", "beta"} and m.trends.attrs["step"] == "month"
    assert len(m.notes) == 1 and "multiTimeline (2).csv" in m.notes[0] and "week" in m.notes[0]


def test_one_term_in_two_regions_from_two_files_is_two_series():
    a, b = monthly("home baking", [50] * 12, geo="USA"), monthly("home baking", [30] * 12, geo="Japon")
    a.attrs["file"], b.attrs["file"] = "a.csv", "b.csv"
    t = md.combine_trends([a, b])
    assert set(t["term"]) == {"home baking (USA)", "home baking (Japon)"} and t.attrs["scale"] == "separate"


# ------------------------------------------------------------------ frequency, floor, contradictions


def test_monthly_series_gets_a_trend_to_the_end_and_no_contradiction():
    t = md.load_market(need(FR_MONTHLY)).trends
    dec = cp.brand_interest(t)
    assert dec.attrs["step"] == "month" and dec.attrs["period"] == 12
    assert set(dec.attrs["method"].values()) == {"stl"}           # 48 months: two 12-month cycles and more
    for term, g in dec.groupby("term"):
        assert g["date"].tolist() == sorted(t.loc[t["term"] == term, "date"])   # every month, no gap
        assert g["trend"].notna().all()
        tail = g.tail(6)
        # the trend ends near the data, never falling to 0 on a series around 10-50
        assert tail["trend"].iloc[-1] > 0.5 * tail["interest"].mean(), term
        assert tail["trend"].iloc[-1] < 2.0 * tail["interest"].mean(), term
    summary = cp.brand_summary(dec)
    shown = summary.dropna(subset=["change", "adjusted_change"])
    assert (np.sign(shown["change"]) * np.sign(shown["adjusted_change"]) >= 0).all()
    assert "12-month cycle" in cp.describe_method(dec, "en") and "12 mois" in cp.describe_method(dec, "fr")


def test_real_monthly_shape_low_series_raises_no_alert_from_below_one():
    """The issue's case: a 2004-2025 monthly download, a small brand long at '<1' then a
    few points; the old watch said '+782 % (0 → 4)' beside '−99.2 % seasonally adjusted'."""
    n = 264
    rng = np.random.default_rng(3)
    big = np.clip(60 + 25 * np.sin(np.arange(n) * 2 * np.pi / 12) + rng.normal(0, 4, n), 1, 100).round()
    small = np.clip(np.linspace(0, 6, n) + rng.normal(0, 0.8, n), 0, 100).round()
    below = small < 1
    small[-1], below[-2] = 4, True
    t = pd.concat([monthly("big", big, "2004-01-01"), monthly("small", small, "2004-01-01", below=below)],
                  ignore_index=True)
    t.attrs["step"] = "month"
    al = cp.alerts(None, trends=t, lang="en")
    assert "small" not in set(al["domain"])
    summary = cp.brand_summary(cp.brand_interest(t)).set_index("term")
    assert np.isnan(summary.loc["small", "change"]) and "'<1'" in summary.loc["small", "note"]
    assert np.isnan(summary.loc["small", "adjusted_change"])


def test_alert_floor_both_levels_below_five_never_alert():
    quiet = [20, 21, 20, 19, 20, 21, 20, 20, 19, 21, 20, 20, 21, 20, 40]   # a doubling at the end
    low = monthly("low", [v / 10 for v in quiet])                           # 2 -> 4: same shape, under 5
    high = monthly("high", quiet)                                           # 20 -> 40
    t = pd.concat([low, high], ignore_index=True)
    t.attrs["step"] = "month"
    al = cp.alerts("", trends=t, lang="en")
    assert set(al["domain"]) == {"high"}
    row = al.iloc[0]
    assert row["change"] == pytest.approx(1.0) and "in March 2023" in row["title"]
    assert "brand search interest" in row["title"] and "(seasonally adjusted)" not in row["title"]
    summary = cp.brand_summary(cp.brand_interest(t)).set_index("term")
    assert np.isnan(summary.loc["low", "change"]) and "below 5" in summary.loc["low", "note"]
    assert "at least 5 (0-100 scale)" in cp.describe_alert_rule()
    assert "au moins 5 (échelle 0-100)" in cp.describe_alert_rule(lang="fr")
    # the floor is a threshold: lowered, the small series alerts too
    assert "low" in set(cp.alerts("", trends=t, thresholds={"min_level": 1})["domain"])


def test_raw_and_seasonally_adjusted_changes_never_disagree():
    # December always falls 30 points; the last December falls only 10: raw change
    # negative, seasonally adjusted positive -> the adjusted one is not shown, and why
    vals = []
    for year in range(4):
        vals += [60] * 11 + [30 if year < 3 else 50]
    t = monthly("seasonal", vals, "2021-01-01")
    dec = cp.brand_interest(t)
    assert dec.attrs["method"]["seasonal"] == "stl"
    s = cp.brand_summary(dec).set_index("term").loc["seasonal"]
    assert s["change"] < 0 and np.isnan(s["adjusted_change"])
    assert "reverses the change" in s["note"]
    al = cp.alerts("", trends=t, thresholds={"relative": 0.05, "z": 0.5})
    for _, a in al.iterrows():
        assert np.sign(a["change"]) == np.sign(s["change"])


def test_each_step_has_its_own_cycle():
    days = pd.date_range("2025-01-01", periods=70, freq="D")
    daily = pd.DataFrame({"date": days, "term": "x", "interest": 50 + 20 * (days.day_of_week >= 5), "below_one": False})
    dec = cp.brand_interest(daily)                     # no attrs: the step is inferred from the dates
    assert dec.attrs["step"] == "day" and dec.attrs["period"] == 7 and dec.attrs["method"]["x"] == "stl"
    assert cp.brand_summary(dec).attrs["window"] == 28
    weeks = pd.date_range("2024-01-07", periods=80, freq="7D")
    weekly = pd.DataFrame({"date": weeks, "term": "y", "interest": 50.0, "below_one": False})
    dec = cp.brand_interest(weekly)
    assert dec.attrs["period"] == 52 and dec.attrs["method"]["y"] != "stl"   # 80 < 2 x 52
    assert (dec["seasonal"] == 0).all()
    assert "two full cycles (104 weeks)" in cp.describe_method(dec, "en")


# ------------------------------------------------------------------ holidays


def test_holidays_are_named_beside_alerts_in_the_country_of_the_trends_region():
    vals = [20, 21, 20, 19, 20, 21, 20, 20, 19, 21, 20, 20] * 3
    vals[-1] = 45
    t = monthly("brand", vals, "2022-01-01")            # the surge is December 2024
    m = md.MarketData(trends=t)
    w = cp.prepare(m)
    assert (w.country, w.country_source) == ("BE", "trends")
    al = w.alerts(lang="en")
    row = al.iloc[0]
    assert "Christmas Day" in row["holidays"] and "Belgium" in row["detail"] and "Christmas Day" in row["detail"]
    fr = w.alerts(lang="fr").iloc[0]
    assert "Noël" in fr["detail"] and "Belgique" in fr["detail"]
    # a parameter wins over the region; 'Monde' (worldwide) names no country
    assert cp.prepare(m, country="France").country == "FR"
    world = t.assign(geo="Monde")
    assert cp.watch_country(None, world) == (None, "")
    assert cp.alerts("", trends=world).iloc[0]["holidays"] == ""


# ------------------------------------------------------------------ rankings without a date


def test_undated_rankings_are_one_snapshot():
    m = md.load_market(need(WORKBOOK).parent)
    r = m.rankings
    assert r["date"].isna().all() and cp.snapshots(r) == 1
    sov = cp.share_of_voice(r)
    assert set(sov["domain"]) == {"exemple-boutique.fr", "teamag-review.com", "rivalshop.com"}
    assert sov["share_of_voice"].sum() == pytest.approx(1.0)
    gaps = cp.keyword_gaps(r, "exemple-boutique.fr")
    overlap = cp.keyword_overlap(r, "exemple-boutique.fr")
    assert len(overlap) == 2 and overlap["shared"].sum() > 0 and len(gaps) > 0
    with pytest.raises(ValueError, match="state no date"):
        cp.rank_movers(r)
    assert cp.alerts("exemple-boutique.fr", rankings=r).empty


def test_undated_snapshot_hand_computed_and_beside_search_console(demo_dir):
    from trafficlib import seo
    from trafficlib.readers.search_console import load_performance

    nat = pd.DataFrame({"date": pd.NaT, "keyword": ["a", "a", "b"], "domain": ["us.fr", "them.fr", "them.fr"],
                        "position": [2.0, 1.0, 1.0], "url": None, "search_volume": [1000.0, 1000.0, 100.0]})
    sov = cp.share_of_voice(nat).set_index("domain")
    assert sov.loc["them.fr", "est_clicks"] == pytest.approx(1000 * 0.28 + 100 * 0.28)
    assert sov.loc["us.fr", "share_of_voice"] == pytest.approx(150 / 458)
    ranks = md.read_rankings(demo_dir / "rankings.csv")
    last = ranks[ranks["date"] == ranks["date"].max()]
    sd = seo.prepare(load_performance(demo_dir / "search_console"), domain="maison-lumiere.fr")
    dated = seo.positions_beside_rankings(sd, last, "maison-lumiere.fr")
    undated = seo.positions_beside_rankings(sd, last.assign(date=pd.NaT), "maison-lumiere.fr")
    assert len(dated) > 5
    pd.testing.assert_frame_equal(undated, dated)


# ------------------------------------------------------------------ auto


def _auto(args: list[str]) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(args)
    return code, buf.getvalue()


def test_auto_on_a_trends_only_folder_renders_the_watch(tmp_path):
    folder = tmp_path / "client"
    folder.mkdir()
    for f in need(FR_MONTHLY).iterdir():
        shutil.copy(f, folder / f.name)               # in a temporary folder only, never into the project
    out = tmp_path / "reports"
    code, text = _auto(["auto", str(folder), "--out", str(out), "-j", "1", "-q", "--only", "competitor-watch"])
    assert code == 0, text
    taken = [ln for ln in text.splitlines() if ln.strip().startswith("taken")]
    assert len(taken) == 4 and all(ln.endswith("-> competitor-watch-en") for ln in taken)
    assert "not made competitor-watch" not in text and "needs your site's domain" not in text
    linked = sorted(p.name for p in (out / "auto-inputs" / "competitor-watch-en" / "data_path").iterdir())
    assert len(linked) == 4
    index = {r["name"]: r for r in json.loads((out / "index.json").read_text(encoding="utf-8"))}
    assert index["competitor-watch-en"]["status"] == "ok"
    assert "our_domain" not in index["competitor-watch-en"]["parameters"]
    html = (out / "competitor-watch-en.html").read_text(encoding="utf-8")
    assert "Traceback" not in html and "maison-lumiere" not in html
    assert "4 separate downloads" in html and "not their levels" in html
    assert all(term in html for term in FR_TERMS)
    assert "trends: 4 files" in html and "domain is not known" in html
    assert "Holidays named beside the alerts: Belgium" in html
    assert "add a Similarweb export" in html and "Auction insights" in html      # one line per absent input


def test_series_of_another_step_are_named_in_both_languages(tmp_path):
    trends_csv(tmp_path / "multiTimeline.csv", "Mois,alpha: (Belgique)", [f"2025-{m:02d},{40 + m}" for m in range(1, 13)])
    trends_csv(tmp_path / "multiTimeline (1).csv", "Mois,beta: (Belgique)", [f"2025-{m:02d},{90 - m}" for m in range(1, 13)])
    trends_csv(tmp_path / "multiTimeline (2).csv", "Semaine,gamma: (Belgique)",
               [f"{d:%Y-%m-%d},50" for d in pd.date_range("2025-01-05", periods=10, freq="7D")])
    t = md.load_market(tmp_path).trends
    assert t.attrs["left_out"] == [{"file": "multiTimeline (2).csv", "terms": ["gamma (Belgique)"], "step": "week"}]
    assert "gamma (Belgique) (weekly)" in cp.describe_left_out(t, "en") and "this one is monthly" in cp.describe_left_out(t, "en")
    assert "gamma (Belgique) (hebdomadaire)" in cp.describe_left_out(t, "fr")
    one = md.load_market(need(FR_MONTHLY)).trends
    assert cp.describe_left_out(one) == ""


def test_alert_periods_follow_the_step():
    weeks = pd.date_range("2024-01-07", periods=60, freq="7D")
    vals = np.r_[np.full(56, 40.0) + np.tile([0, 1, -1, 0], 14), [80, 82, 81, 80]]
    weekly = pd.DataFrame({"date": weeks, "term": "w", "interest": vals, "geo": "France", "below_one": False})
    al = cp.alerts("", trends=weekly, lang="en")
    assert "over the 4 weeks to" in al.iloc[0]["title"] and al.iloc[0]["change"] == pytest.approx(81 / 40 - 1, abs=0.02)
    days = pd.date_range("2025-09-01", periods=70, freq="D")
    dvals = np.r_[np.full(42, 40.0) + np.tile([0, 1, -1, 0, 1, -1, 0], 6), np.full(28, 80.0)]
    daily = pd.DataFrame({"date": days, "term": "d", "interest": dvals, "geo": "France", "below_one": False})
    title = cp.alerts("", trends=daily, lang="fr").iloc[0]["title"]
    assert "sur les 28 jours au" in title


def test_two_cycles_only_is_said_to_be_read_with_care():
    two = cp.brand_interest(monthly("x", ([20, 21, 20, 19, 20, 21, 20, 20, 19, 21, 20, 30] * 2)))
    assert two.attrs["method"]["x"] == "stl"
    assert "fewer than three cycles (36 months)" in cp.describe_method(two, "en")
    four = cp.brand_interest(monthly("x", ([20, 21, 20, 19, 20, 21, 20, 20, 19, 21, 20, 30] * 4)))
    assert "three cycles" not in cp.describe_method(four, "en")


def test_a_shared_term_too_low_to_carry_a_factor_leaves_the_scales_apart(tmp_path):
    # 'rare' is in both files but averages 1-3: a ratio of rounded small numbers (2/1 = x2,
    # 3/2 = x1.5) is no scale factor
    trends_csv(tmp_path / "multiTimeline.csv", "Mois,alpha: (Belgique),rare: (Belgique)",
               ["2025-01,100,1", "2025-02,80,2", "2025-03,60,1"])
    trends_csv(tmp_path / "multiTimeline (1).csv", "Mois,rare: (Belgique),gamma: (Belgique)",
               ["2025-01,2,100", "2025-02,3,50", "2025-03,2,20"])
    t = md.load_market(tmp_path).trends
    assert t.attrs["scale"] == "separate" and t.attrs["weak_links"] == ["rare"]
    assert "too low a level" in cp.describe_scale(t, "en") and "trop bas" in cp.describe_scale(t, "fr")
    # the same series once per scale, named by its file
    assert {"rare [multiTimeline.csv]", "rare [multiTimeline (1).csv]"} <= set(t["term"])


def test_ga4_reports_by_day_give_our_traffic_beside_the_competitors(tmp_path):
    """Without a sessions table, a GA4 interface report by day and channel places our
    site among the Similarweb estimates: visits = the month's sessions, channel shares
    from the sessions of each channel group."""
    import pandas as pd

    from trafficlib import competitors as cp
    from trafficlib.competitors.traffic import our_traffic_from_report

    days = pd.date_range("2026-09-01", "2026-10-31", freq="D")
    frame = pd.DataFrame({"date": list(days) * 2, "channel": ["Organic Search"] * len(days) + ["Paid Search"] * len(days),
                          "sessions": [30.0] * len(days) + [10.0] * len(days),
                          "engaged_sessions": [15.0] * len(days) + [5.0] * len(days)})
    ours = our_traffic_from_report(frame, "shop.example")
    sept = ours[ours["period"] == pd.Timestamp("2026-09-01")].iloc[0]
    assert sept["visits"] == 30 * 40 and sept["bounce_rate"] == 0.5
    assert sept["share_search"] == 0.75 and sept["share_paid"] == 0.25
    # through load_market and prepare: a GA4 download in the folder, our domain known
    folder = tmp_path / "market"
    folder.mkdir()
    rows = "\n".join(f"{d:%Y%m%d},{c},{n},{n // 2}" for d in days for c, n in (("Organic Search", 30), ("Paid Search", 10)))
    (folder / "acquisition.csv").write_text("# Start date: 20260901\n# End date: 20261031\n\n"
                                            "Date,Session default channel group,Sessions,Engaged sessions\n" + rows + "\n",
                                            encoding="utf-8")
    (folder / "competitors_similarweb.csv").write_text(
        "Domain,Date,Visits,Unique Visitors,Pages/Visit,Avg. Visit Duration,Bounce Rate,Direct,Search,Social,Referrals,"
        "Paid Search,Display Ads,Mail\n"
        "rival.example,2026-09,5000,4000,3.1,00:02:10,40.00%,30.00%,40.00%,5.00%,5.00%,10.00%,5.00%,5.00%\n"
        "rival.example,2026-10,5200,4100,3.0,00:02:05,41.00%,30.00%,40.00%,5.00%,5.00%,10.00%,5.00%,5.00%\n",
        encoding="utf-8")
    from trafficlib import marketdata as md

    market = md.load_market(folder, "shop.example")
    assert market.web is not None
    watch = cp.prepare(market)
    got = watch.traffic[watch.traffic["domain"] == "shop.example"].sort_values("period")
    assert got["visits"].tolist() == [1200.0, 1240.0] and set(got["source"]) == {"analytics"}
    assert set(watch.traffic["domain"]) == {"shop.example", "rival.example"}
