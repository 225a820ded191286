"""The display & social report (trafficlib.paid_media) and the LinkedIn / TikTok readers.

Fixtures are written in the platforms' own layouts:

- Meta Ads Manager: the shared specimen (an ad table shared without Ads Manager's headers)
  and exports with Ads Manager's headers and its summary row first (header words as in
  public code reading real downloads: ``Reporting starts,Reporting ends,Campaign name,
  Campaign delivery,Attribution setting,Results,Result indicator,Reach,Frequency,Cost per
  results,Amount spent (EGP),Impressions,"CPM (cost per 1,000 impressions) (EGP)",Link
  clicks,...``);
- Google Ads: the shared campaign and video report specimens, and a campaign report with
  Display / Video / Demand Gen / Performance Max rows beside Search, with ``Total: <type>``;
- LinkedIn Campaign Manager: ``Campaign Performance Report (in UTC)``, ``Report Start:
  09/01/2026, Report End: 09/02/2026``, a blank line, ``Start Date (in UTC),Account Name,
  Campaign Name,Campaign ID,Total Spent,...,Currency`` and a ``Total`` row (as in a public
  test fixture of that download), plus ``Campaign Group Name``, ``Clicks to Landing
  Page``, ``Approximate Member Reach``, ``Average Frequency`` seen in public upload code;
- TikTok Ads Manager: ``By Day, Campaign name, Ad group name, Ad name, Cost, Impressions,
  Clicks (destination), CTR (destination), Reach, Frequency, Conversions`` (public upload
  templates and column mappings of those downloads), ``Cost (USD)`` for the currency.

Every figure is checked against a hand computation from the fixture's own numbers.
"""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import paid_media as pm
from trafficlib import sources
from trafficlib.datasets import paid_media as demo
from trafficlib.errors import TrafficDataError

ROOT = Path(__file__).resolve().parents[1]
Z = 1.959963984540054


def wilson_by_hand(k: float, n: float) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


META_AGE = """Reporting starts,Reporting ends,Campaign name,Age,Campaign delivery,Attribution setting,Results,Result indicator,Reach,Frequency,Cost per results,Amount spent (INR),Impressions,"CPM (cost per 1,000 impressions) (INR)",Link clicks,CPC (cost per link click) (INR),CTR (link click-through rate)
2025-03-01,2025-03-31,,,,,90,,41000,1.95,1666.67,150000.00,80000,1875.00,1000,150.00,1.25
2025-03-01,2025-03-31,Prospecting,18-24,active,7-day click or 1-day view,10,actions:offsite_conversion.fb_pixel_purchase,15000,1.67,5000.00,50000.00,25000,2000.00,200,250.00,0.80
2025-03-01,2025-03-31,Prospecting,25-34,active,7-day click or 1-day view,50,actions:offsite_conversion.fb_pixel_purchase,20000,2.00,1200.00,60000.00,40000,1500.00,600,100.00,1.50
2025-03-01,2025-03-31,Retargeting,25-34,active,7-day click or 1-day view,30,actions:offsite_conversion.fb_pixel_purchase,9000,1.67,1333.33,40000.00,15000,2666.67,200,200.00,1.33
"""


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    demo.generate(out, seed=0)
    return out / demo.FOLDER


@pytest.fixture(scope="module")
def demo_inputs(demo_folder):
    return pm.load_paid_media_inputs(demo_folder)


def rows_of(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


# ------------------------------------------------------------------ readers


def test_linkedin_campaign_manager_export(tmp_path):
    f = write(tmp_path / "li.csv", "Campaign Performance Report (in UTC)\n"
              "Report Start: 09/01/2026, Report End: 09/02/2026\n\n"
              "Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID,Total Spent,Impressions,"
              "Clicks,Clicks to Landing Page,Approximate Member Reach,Average Frequency,Conversions,"
              "Total Conversion Value,Currency\n"
              '09/01/2026,Acme,Default,"Leads, directors",11,"1,234.50",10000,200,150,4000,2.5,3,300.00,USD\n'
              "09/01/2026,Acme,Default,Brand,12,10.25,500,4,2,450,1.11,0,0.00,USD\n"
              '09/02/2026,Acme,Default,"Leads, directors",11,100.00,2000,40,30,1500,1.33,1,100.00,USD\n'
              'Total,,,,,"1,344.75",12500,244,182,,,4,400.00,USD\n')
    e = sources.load(f)
    assert e.kind == "linkedin/campaign_manager" and e.meta["currency"] == "USD"
    assert e.period == (pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-02"))
    # month first: 09/02/2026 is the 2nd of September, never the 9th of February
    assert sorted(e.frame["date"].dt.strftime("%Y-%m-%d").unique()) == ["2026-09-01", "2026-09-02"]
    assert e.frame["cost"].sum() == pytest.approx(1234.50 + 10.25 + 100.00)
    assert e.frame["clicks"].tolist() == [150, 2, 30]          # clicks to the landing page
    assert e.frame["clicks_all"].tolist() == [200, 4, 40]
    assert e.reconciled is True and e.totals["cost"].iloc[0] == pytest.approx(1344.75)
    assert e.columns["Total Spent"] == "cost" and e.columns["Clicks to Landing Page"] == "clicks"


def test_linkedin_all_granularity_covers_the_range_and_leads_are_conversions(tmp_path):
    f = write(tmp_path / "li_all.csv", "Campaign Performance Report (in UTC)\n"
              "Report Start: 8/1/2026, Report End: 8/31/2026\n\n"
              "Start Date (in UTC),Campaign Name,Total Spent,Impressions,Clicks,Leads,Currency\n"
              "8/1/2026,Architects,500.00,20000,90,6,EUR\n8/1/2026,Designers,250.00,9000,30,2,EUR\n")
    e = sources.load(f)
    assert (e.frame["date_end"] == pd.Timestamp("2026-08-31")).all()
    assert e.frame["conversions"].tolist() == [6, 2]
    assert any("'Leads'" in n for n in e.notes) and any("company page" in n for n in e.notes)


def test_tiktok_ads_manager_export(tmp_path):
    f = write(tmp_path / "tt.csv",
              "By Day,Campaign name,Ad group name,Ad name,Cost (USD),Impressions,Clicks (destination),"
              "CTR (destination),CPM,Reach,Frequency,Conversions,Cost per conversion\n"
              '2026-09-01,Back to school,Women 25-44,ugc_a,"1,020.50",100000,900,0.90%,10.21,60000,1.67,12,85.04\n'
              "2026-09-02,Back to school,Women 25-44,ugc_a,980.00,95000,700,0.74%,10.32,58000,1.64,9,108.89\n")
    e = sources.load(f)
    assert e.kind == "tiktok/ads_manager" and e.meta["currency"] == "USD"
    assert e.frame["cost"].sum() == pytest.approx(2000.50)
    assert e.frame["clicks"].tolist() == [900, 700] and e.frame["ad_group"].iloc[0] == "Women 25-44"
    assert e.period == (pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-02"))
    # a Google Ads report (ad group name too) stays Google's
    g = write(tmp_path / "g.csv", "Ad group report\nSeptember 1, 2026 - September 2, 2026\n"
              "Ad group name,Campaign,Impr.,Clicks,Cost\nA,B,100,5,2.00\n")
    assert sources.load(g).kind.startswith("google_ads/")


def test_meta_day_breakdown_period_ends_on_its_last_day(tmp_path):
    f = write(tmp_path / "day.csv",
              "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Day,Results,Reach,Impressions,"
              "Amount spent (EUR),Link clicks\n"
              "2025-03-01,2025-03-02,,,,,3,900,1600,30.00,22\n"
              "2025-03-01,2025-03-02,C,S,A1,2025-03-01,1,400,600,10.00,10\n"
              "2025-03-01,2025-03-02,C,S,A1,2025-03-02,2,500,1000,20.00,12\n")
    e = sources.load(f)
    assert e.period == (pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-02"))
    assert not any(n.startswith("columns not used") and "Day" in n.split(": ", 1)[1].split(", ") for n in e.notes)


# ------------------------------------------------------------------ figures by hand


def test_meta_specimen_figures_by_hand(shared_dir):
    path = shared_dir / "specimens" / "meta" / "ads_conversion_table.csv"
    raw = list(csv.DictReader(path.read_text(encoding="utf-8").replace("\r", "\n").splitlines()))
    inputs = pm.load_paid_media_inputs(path)
    (v,) = inputs["views"]
    assert v.platform == "Meta Ads" and set(v.breakdowns) == {"age", "gender"}
    p = pm.by_platform(inputs["views"]).iloc[0]
    cost = sum(float(r["Spent"]) for r in raw)
    impr = sum(int(r["Impressions"]) for r in raw)
    clicks = sum(int(r["Clicks"]) for r in raw)
    results = sum(int(r["Total_Conversion"]) for r in raw)
    assert (p["impressions"], p["clicks"], p["results"]) == (impr, clicks, results) == (13505675, 2127, 198)
    assert p["cost"] == pytest.approx(cost) and round(p["cost"], 2) == 2643.88
    assert p["cpm"] == pytest.approx(cost / impr * 1000)
    assert p["ctr"] == pytest.approx(clicks / impr) and p["cpc"] == pytest.approx(cost / clicks)
    assert p["cost_per_result"] == pytest.approx(cost / results)
    assert np.isnan(p["reach"]) and np.isnan(p["frequency"])       # the table has no reach
    # the gender breakdown, with Wilson intervals computed by hand
    g = pm.breakdown(inputs["views"], "gender").set_index("segment")
    for sex in ("M", "F"):
        n = sum(int(r["Impressions"]) for r in raw if r["gender"] == sex)
        k = sum(int(r["Clicks"]) for r in raw if r["gender"] == sex)
        assert g.loc[sex, "impressions"] == n and g.loc[sex, "clicks"] == k
        lo, hi = wilson_by_hand(k, n)
        assert g.loc[sex, "ctr_low"] == pytest.approx(lo) and g.loc[sex, "ctr_high"] == pytest.approx(hi)
        rk = sum(int(r["Total_Conversion"]) for r in raw if r["gender"] == sex)
        assert g.loc[sex, "cvr"] == pytest.approx(rk / k) if rk <= k else np.isnan(g.loc[sex, "cvr_low"])
    # undated: no fatigue, no pacing; the sections name the download that would feed them
    assert pm.fatigue_view(inputs["views"]) is None and pm.saturation_view(inputs["views"]) is None
    assert "Breakdown > By time > Day" in pm.section_note("fatigue", "en")


def test_meta_summary_row_is_the_total_and_gives_reach(tmp_path):
    f = write(tmp_path / "meta_age.csv", META_AGE)
    inputs = pm.load_paid_media_inputs(f)
    (v,) = inputs["views"]
    assert inputs["currency"] == "INR" and v.breakdowns == ("age",)
    p = pm.by_platform(inputs["views"]).iloc[0]
    assert p["cost"] == 150000.00 and p["impressions"] == 80000 and p["clicks"] == 1000 and p["results"] == 90
    assert p["reach"] == 41000                           # the summary row's, not 15000 + 20000 + 9000
    assert p["frequency"] == pytest.approx(80000 / 41000)
    assert p["cpm"] == pytest.approx(150000 / 80000 * 1000) and p["cost_per_result"] == pytest.approx(150000 / 90)
    camp = pm.by_level(inputs["views"], "campaign").set_index("campaign")
    assert camp.loc["Prospecting", "cost"] == 110000.00 and np.isnan(camp.loc["Prospecting", "reach"])  # two rows
    assert camp.loc["Retargeting", "reach"] == 9000 and camp.loc["Retargeting", "frequency"] == pytest.approx(15000 / 9000)
    assert pm.exports_table(inputs["views"])["totals"].tolist() == ["equal"]
    age = pm.breakdown(inputs["views"], "age").set_index("segment")
    assert age.loc["25-34", "clicks"] == 800 and age.loc["25-34", "results"] == 80
    lo, hi = wilson_by_hand(200, 25000)
    assert (age.loc["18-24", "ctr_low"], age.loc["18-24", "ctr_high"]) == pytest.approx((lo, hi))
    rest_lo, rest_hi = wilson_by_hand(800, 55000)
    assert hi < rest_lo and age.loc["18-24", "ctr_vs_rest"] == "lower"
    cards = {c["label"]: c["value"] for c in pm.headline_cards(pm.by_platform(inputs["views"]), "en", "INR")}
    assert "₹" in cards["Spend"] and "€" not in "".join(cards.values())


def test_a_summary_row_that_does_not_reconcile_is_flagged(tmp_path):
    f = write(tmp_path / "meta_bad.csv", META_AGE.replace(",150000.00,80000,", ",151000.00,80000,", 1))
    inputs = pm.load_paid_media_inputs(f)
    table = pm.exports_table(inputs["views"])
    assert table["totals"].iloc[0] == "DIFFERENT: cost"
    (name, note), = pm.loud_notes(inputs["views"])
    assert name == "meta_bad.csv" and "150,000.00" in note and "151,000.00" in note


GOOGLE = """Campaign report
"August 1, 2026 - August 31, 2026"
Campaign status,Campaign,Campaign type,Currency code,Impr.,Clicks,Cost,Conversions
Enabled,Remarketing,Display,EUR,"100,000",400,210.00,12.00
Enabled,YouTube,Video,EUR,"50,000",150,320.00,2.00
Enabled,Inspiration,Demand Gen,EUR,"40,000",360,208.00,5.00
Enabled,PMax,Performance Max,EUR,"60,000",720,366.00,15.00
Enabled,Brand,Search,EUR,"5,000",1000,700.00,40.00
Total: Campaigns,,,EUR,"255,000","2,630","1,804.00",74.00
Total: Account,,,EUR,"255,000","2,630","1,804.00",74.00
Total: Display,,Display,EUR,"100,000",400,210.00,12.00
Total: Video,,Video,EUR,"50,000",150,320.00,2.00
Total: Demand Gen,,Demand Gen,EUR,"40,000",360,208.00,5.00
Total: Performance Max,,Performance Max,EUR,"60,000",720,366.00,15.00
Total: Search,,Search,EUR,"5,000",1000,700.00,40.00
"""


def test_google_ads_display_rows_kept_search_left_out(tmp_path):
    f = write(tmp_path / "g.csv", GOOGLE)
    inputs = pm.load_paid_media_inputs(f)
    (v,) = inputs["views"]
    assert sorted(v.frame["campaign"]) == ["Inspiration", "PMax", "Remarketing", "YouTube"]
    assert v.left_out == {"rows": 1, "cost": 700.00, "types": ["Search"]}
    p = pm.by_platform(inputs["views"]).iloc[0]
    assert p["cost"] == pytest.approx(210 + 320 + 208 + 366) and p["clicks"] == 400 + 150 + 360 + 720
    assert p["cpm"] == pytest.approx(1104 / 250000 * 1000)
    assert pm.exports_table(inputs["views"])["totals"].tolist() == ["equal"]    # each type against its Total row
    assert "700" in pm.input_notes(inputs, "en")[0] and "paid-search" in pm.input_notes(inputs, "en")[0]
    bad = write(tmp_path / "g_bad.csv", GOOGLE.replace("Total: Display,,Display,EUR,\"100,000\",400,210.00",
                                                       "Total: Display,,Display,EUR,\"100,000\",400,260.00"))
    view = pm.load_paid_media_inputs(bad)["views"]
    assert pm.exports_table(view)["totals"].iloc[0] == "DIFFERENT: cost (Display)"
    assert "260.00" in pm.loud_notes(view)[0][1]


def test_google_ads_specimens_display_and_video(shared_dir):
    spec = shared_dir / "specimens" / "google_ads"
    inputs = pm.load_paid_media_inputs(spec / "campaign_report.csv")
    (v,) = inputs["views"]
    assert set(v.frame["campaign_type"]) == {"Display", "Performance Max"}
    # the rows kept add up to the file's own Total: Display and Total: Performance Max
    assert v.frame["cost"].sum() == pytest.approx(43316.16 + 6123.92)
    assert pm.exports_table(inputs["views"])["totals"].tolist() == ["equal"]
    video = pm.load_paid_media_inputs(spec / "video_report.csv")["views"][0]
    raw = list(csv.reader((spec / "video_report.csv").read_text(encoding="utf-8").splitlines()[2:]))
    head = raw[0]
    assert video.frame["cost"].sum() == pytest.approx(sum(float(r[head.index("Cost")]) for r in raw[1:]))
    assert video.currency == "USD"


def test_a_search_only_google_report_is_skipped_with_the_reason(tmp_path, shared_dir):
    d = tmp_path / "f"
    d.mkdir()
    (d / "st.csv").write_bytes((shared_dir / "specimens" / "google_ads" / "search_terms_report.csv").read_bytes())
    with pytest.raises(TrafficDataError, match="no display, video or social ad export"):
        pm.load_paid_media_inputs(d)


# ------------------------------------------------------------------ analyses by hand


def _view(frame: pd.DataFrame, platform="Meta Ads") -> pm.View:
    from trafficlib.readers.registry import Export

    exp = Export(path="x.csv", kind="meta/ads_manager", table="ad_spend", frame=frame, totals=None,
                 meta={"platform": platform, "currency": "EUR"})
    levels = tuple(c for c in pm.LEVELS if c in frame)
    daily = "date_end" not in frame
    return pm.View(exp, platform, frame, (), levels, daily, "EUR")


def test_saturation_threshold_and_money_by_hand():
    # one ad set, eight weeks: results per impression flat up to a frequency of 3, then halved
    freq = [1.2, 1.6, 2.2, 2.7, 3.2, 3.7, 4.4, 5.5]
    impr = [100_000] * 8
    results = [40, 40, 40, 40, 20, 20, 20, 20]
    f = pd.DataFrame({"campaign": "C", "ad_group": "lal", "date": pd.date_range("2026-08-03", periods=8, freq="7D"),
                      "impressions": impr, "reach": [i / q for i, q in zip(impr, freq)], "clicks": 1000,
                      "cost": 800.0, "conversions": results})
    f["date_end"] = f["date"] + pd.Timedelta(days=6)
    bins, v = pm.saturation(_view(f))
    assert v["threshold"] == 3.0 and v["group"] == "C / lal"
    assert v["cpr_below"] == pytest.approx(3200 / 160) and v["cpr_above"] == pytest.approx(3200 / 80)
    assert v["money_at_stake"] == pytest.approx(3200 - 80 * 20)
    assert bins["results"].sum() == 240


def test_fatigue_ctr_windows_and_money_by_hand():
    days = pd.date_range("2026-08-01", periods=28)
    ctr = [0.02] * 7 + [0.02] * 7 + [0.01] * 14       # halves from day 15
    f = pd.DataFrame({"campaign": "C", "ad_group": "S", "ad": "tired", "date": days, "impressions": 10_000,
                      "clicks": [int(10_000 * c) for c in ctr], "cost": 50.0, "conversions": 2})
    steady = f.assign(ad="steady", clicks=200)
    out = pm.creative_fatigue(_view(pd.concat([f, steady], ignore_index=True))).set_index("ad")
    assert out.loc["tired", "ctr_fresh"] == pytest.approx(0.02) and out.loc["tired", "ctr_now"] == pytest.approx(0.01)
    assert bool(out.loc["tired", "fatigued"]) and not bool(out.loc["steady", "fatigued"])
    # tired from the first day whose trailing 7 days are at 75 % of the fresh CTR or less
    daily = f.set_index("date")
    trail = daily["clicks"].rolling(7).sum() / daily["impressions"].rolling(7).sum()
    tired = trail <= 0.75 * 0.02
    assert out.loc["tired", "tired_since"] == tired.idxmax()
    assert out.loc["tired", "money_at_stake"] == pytest.approx(float((50.0 * (1 - trail / 0.02))[tired].sum()))


def test_pacing_projects_an_incomplete_month_by_hand():
    f = pd.DataFrame({"campaign": "C", "date": pd.date_range("2026-10-01", periods=10), "impressions": 1000,
                      "clicks": 10, "cost": 100.0, "conversions": 1})
    plan = pd.DataFrame({"campaign": ["c ", "C"], "month": pd.to_datetime(["2026-10-01", "2026-11-01"]),
                         "budget": [2000.0, 2000.0]})
    out = pm.pacing([_view(f)], plan).set_index("month")
    oct_ = out.loc[pd.Timestamp("2026-10-01")]
    assert oct_["spent"] == 1000 and oct_["days_with_data"] == 10
    assert oct_["projected"] == pytest.approx(1000 / 10 * 31) and oct_["status"] == "over"
    assert oct_["money_at_stake"] == pytest.approx(3100 - 2000)
    assert out.loc[pd.Timestamp("2026-11-01"), "status"] == "not started"


def test_plan_file_errors_name_file_column_and_line(tmp_path):
    f = write(tmp_path / "plan.csv", "campaign,month,budget\nA,2026-08,1000\nB,someday,500\n")
    with pytest.raises(TrafficDataError) as e:
        pm.read_plan(f)
    assert "someday" in str(e.value) and "plan.csv" in str(e.value) and "3" in str(e.value)
    fr = pm.read_plan(write(tmp_path / "plan_fr.csv", "campagne;mois;budget\nA;2026-08;1 000,50\n"))
    assert fr["budget"].iloc[0] == pytest.approx(1000.50) and fr["month"].iloc[0] == pd.Timestamp("2026-08-01")


# ------------------------------------------------------------------ the demo account


def test_demo_totals_reconcile_and_views_agree(demo_inputs, demo_folder):
    views = demo_inputs["views"]
    assert set(pm.exports_table(views)["totals"]) <= {"equal", "no total row"}
    assert pm.view_agreement(views) == []
    raw = rows_of(demo_folder / "meta_ads_by_day.csv")
    meta = pm.by_platform(views).set_index("platform").loc["Meta Ads"]
    assert meta["cost"] == pytest.approx(sum(float(r["Amount spent (EUR)"]) for r in raw[1:]))
    assert meta["cost"] == pytest.approx(float(raw[0]["Amount spent (EUR)"]))         # the summary row
    assert meta["reach"] == int(raw[0]["Reach"])
    assert demo_inputs["currency"] == "EUR" and demo_inputs["plan"] is not None and demo_inputs["ga4"] is not None


def test_demo_fatigue_found_on_the_planted_ad_only(demo_inputs, demo_folder):
    fv = pm.fatigue_view(demo_inputs["views"])
    assert fv.name == "meta_ads_by_day.csv"
    out = pm.creative_fatigue(fv)
    assert out.loc[out["fatigued"], "ad"].tolist() == ["carrousel_suspensions"]
    # its first week's CTR from the file itself
    raw = [r for r in rows_of(demo_folder / "meta_ads_by_day.csv")[1:] if r["Ad name"] == "carrousel_suspensions"]
    first = [r for r in raw if r["Day"] < "2026-08-08"]
    ctr = sum(int(r["Link clicks"]) for r in first) / sum(int(r["Impressions"]) for r in first)
    assert out.set_index("ad").loc["carrousel_suspensions", "ctr_fresh"] == pytest.approx(ctr)


def test_demo_saturation_found_on_the_planted_ad_set(demo_inputs):
    sv = pm.saturation_view(demo_inputs["views"])
    assert sv.name == "meta_adsets_by_week.csv"
    bins, v = pm.saturation(sv)
    assert v["group"] == "prospection_automne / " + demo.SATURATION["ad_set"]
    assert list(v["groups"]["group"]) == [v["group"]]                     # the other ad sets do not saturate
    assert abs(v["threshold"] - demo.SATURATION["threshold"]) <= 0.5
    assert v["cpr_above"] > 1.25 * v["cpr_below"] and v["money_at_stake"] > 0


def test_demo_findings_segments_pacing_and_ga4(demo_inputs, demo_folder):
    views = demo_inputs["views"]
    total = pm.by_platform(views)["cost"].sum()
    found = pm.findings(views, demo_inputs["plan"], "en", "EUR", total)
    keys = [f.key for f in found]
    assert {"fatigue", "saturation", "segment_age", "segment_placement", "pacing"} <= set(keys)
    seg = {f.key: f for f in found}
    assert "audience_network" in seg["segment_placement"].title and "18-24" in seg["segment_age"].title
    pace = pm.pacing(views, demo_inputs["plan"]).set_index(["campaign", "month"])
    raw = rows_of(demo_folder / "meta_ads_by_day.csv")[1:]
    october = sum(float(r["Amount spent (EUR)"]) for r in raw
                  if r["Campaign name"] == "prospection_automne" and r["Day"].startswith("2026-10"))
    row = pace.loc[("prospection_automne", pd.Timestamp("2026-10-01"))]
    assert row["spent"] == pytest.approx(october) and row["status"] == "over"
    assert pace.loc[("tiktok_rentree", pd.Timestamp("2026-09-01")), "status"] == "under"
    # GA4: the Meta rows of the export, by hand
    share, g = pm.ga4_share(demo_inputs["ga4"], views)
    lines = (demo_folder / "ga4_traffic_acquisition.csv").read_text(encoding="utf-8").splitlines()
    ga = list(csv.DictReader([ln for ln in lines if not ln.startswith("#")]))[1:]
    meta = sum(int(r["Sessions"]) for r in ga if r["Session source / medium"] in ("facebook / paid_social",
                                                                                "instagram / paid_social"))
    total_sessions = sum(int(r["Sessions"]) for r in ga)
    m = share.set_index("platform").loc["Meta Ads"]
    assert m["sessions"] == meta and m["share_sessions"] == pytest.approx(meta / total_sessions)
    google = sum(int(r["Sessions"]) for r in ga if r["Session campaign"] in
                 ("fr_display_remarketing", "fr_youtube_inspiration", "fr_demandgen_deco", "fr_pmax_luminaires"))
    assert share.set_index("platform").loc["Google Ads", "sessions"] == google   # google / cpc, by campaign name


def test_paid_platform_tells_paid_social_from_search_and_organic():
    assert pm.paid_platform("facebook", "paid_social") == "Meta Ads"
    assert pm.paid_platform("ig", "cpc") == "Meta Ads"
    assert pm.paid_platform("google", "cpc") is None and pm.paid_platform("google", "display") == "Google Ads"
    assert pm.paid_platform("m.facebook.com", "referral") is None
    assert pm.paid_platform("linkedin", "paid_social") == "LinkedIn Ads"


def test_auto_plans_the_report_for_social_exports_only(demo_folder, tmp_path, shared_dir):
    from trafficlib import auto

    res = auto.run(demo_folder, tmp_path / "out", dry_run=True, echo=False)
    assert "paid-media-en" in {r.name for r in res.plan.runnable}
    d = tmp_path / "search"
    d.mkdir()
    (d / "st.csv").write_bytes((shared_dir / "specimens" / "google_ads" / "search_terms_report.csv").read_bytes())
    res = auto.run(d, tmp_path / "out2", dry_run=True, echo=False)
    assert "paid-media-en" not in {r.name for r in res.plan.runnable}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_notebook_renders_on_the_demo(demo_folder, tmp_path, lang):
    from trafficlib.report import render

    html = render(ROOT / "notebooks" / "paid_media.ipynb", {"data_path": str(demo_folder), "lang": lang},
                  output_dir=tmp_path, name=f"paid-media-{lang}").read_text(encoding="utf-8")
    assert "Traceback" not in html and "data:image/svg+xml;base64," in html
    text = re.sub(r"data:image/svg\+xml;base64,[^\"]+", "", html)
    assert not re.search(r">\s*(nan|NaN|inf|None)\s*<", text)
    assert "carrousel_suspensions" in text and "lookalike_acheteurs_1pct" in text
    first = text.index('class="tl-findings"')
    assert first < text.index("meta_ads_by_day.csv")                     # findings before the exports table
    if lang == "fr":
        assert "Ventilation &gt; Par diffusion &gt; Région" in text and "Lassitude créative" in text
    else:
        assert "Breakdown &gt; By delivery &gt; Region" in text and "view-through" in text


TIKTOK_USD = ("By Day,Campaign name,Ad group name,Ad name,Cost (USD),Impressions,Clicks (destination),Reach,Conversions\n"
              + "".join(f"2025-03-{d:02d},Spring,All,clip_{a},{100 + d:.2f},{10000 + 100 * d},{80 + d},{7000 + d},{2 + d % 3}\n"
                        for a in "ab" for d in range(1, 29)))


def test_two_currencies_are_never_added(tmp_path):
    d = tmp_path / "mixed"
    write(d / "meta_age.csv", META_AGE)
    write(d / "tiktok.csv", TIKTOK_USD)
    inputs = pm.load_paid_media_inputs(d)
    assert inputs["currency"] is None and inputs["currencies"] == {"Meta Ads": "INR", "TikTok Ads": "USD"}
    plat = pm.platform_view(pm.by_platform(inputs["views"]), "en", None).set_index("platform")
    # 2 ads x 28 days x (100 + day) dollars = 2 x (2800 + 406)
    assert plat.loc["Meta Ads", "cost"] == "₹150,000" and plat.loc["TikTok Ads", "cost"] == "US$6,412"
    assert "cost" not in pm.formats(plat)                         # written out, not formatted again
    cards = {c["label"] for c in pm.headline_cards(pm.by_platform(inputs["views"]), "en", None)}
    assert "Spend" not in cards and "Impressions" in cards
    assert any("different currencies" in n for n in pm.input_notes(inputs, "en"))
    # the TikTok ads' fatigue is in dollars, whatever the report's default currency
    found = pm.findings(inputs["views"], None, "en", None)
    assert all("€" not in f.title + f.detail for f in found)


def test_notebook_renders_two_currencies(tmp_path):
    from trafficlib.report import render

    d = tmp_path / "mixed"
    write(d / "meta_age.csv", META_AGE)
    write(d / "tiktok.csv", TIKTOK_USD)
    html = render(ROOT / "notebooks" / "paid_media.ipynb", {"data_path": str(d), "lang": "en"},
                  output_dir=tmp_path, name="mixed").read_text(encoding="utf-8")
    text = re.sub(r"data:image/svg\+xml;base64,[^\"]+", "", html)
    assert "Traceback" not in text and "₹150,000" in text and "€" not in text


def test_microsoft_audience_rows_kept(tmp_path):
    f = write(tmp_path / "ms.csv", '"Report Name: Campaign performance"\n"Report Time: 9/3/2026"\n'
              '"Time Zone: (GMT+01:00) Brussels, Copenhagen, Madrid, Paris"\n"Report Period: 2026-08-01 - 2026-08-31"\n'
              '"Report Aggregation: Summary"\n\n'
              '"Campaign name","Campaign type","Currency code","Impressions","Clicks","Spend","Conversions"\n'
              '"Audience - deco","Audience","EUR","120000","600","312.40","9"\n'
              '"Search - brand","Search & content","EUR","8000","900","540.10","30"\n'
              '"Total","","EUR","128000","1500","852.50","39"\n'
              '"©2026 Microsoft Corporation. All rights reserved. "\n')
    inputs = pm.load_paid_media_inputs(f)
    (v,) = inputs["views"]
    assert v.platform == "Microsoft Ads" and v.frame["campaign"].tolist() == ["Audience - deco"]
    assert v.frame["cost"].sum() == pytest.approx(312.40) and v.left_out["cost"] == pytest.approx(540.10)


def test_breakdown_exports_that_hold_another_spend_are_said(tmp_path):
    d = tmp_path / "two"
    write(d / "meta_age.csv", META_AGE)
    write(d / "meta_placement.csv",
          "Reporting starts,Reporting ends,Campaign name,Platform,Placement,Results,Reach,Impressions,"
          "Amount spent (INR),Link clicks\n"
          "2025-03-01,2025-03-31,,,,60,30000,48000,90000.00,600\n"
          "2025-03-01,2025-03-31,Prospecting,facebook,Feed,20,9000,13500,30000.00,200\n"
          "2025-03-01,2025-03-31,Prospecting,instagram,Instagram Stories,40,22000,34500,60000.00,400\n")
    inputs = pm.load_paid_media_inputs(d)
    (line,) = pm.view_agreement(inputs["views"])
    assert "meta_placement.csv holds 90,000.00" in line and "150,000.00" in line
    assert pm.base_view(inputs["views"], "Meta Ads").name == "meta_age.csv"    # the fewest breakdowns (then name)


def test_platform_figures_are_the_summary_rows_when_rows_differ(tmp_path):
    f = write(tmp_path / "meta_bad.csv", META_AGE.replace(",150000.00,80000,", ",151000.00,80000,", 1))
    views = pm.load_paid_media_inputs(f)["views"]
    p = pm.by_platform(views).iloc[0]
    assert p["cost"] == 151000.00 and p["source"] == "total row"                     # as Ads Manager shows it
    assert pm.by_level(views, "campaign")["cost"].sum() == 150000.00                 # the rows, flagged above


def test_meta_ratio_headers_are_recomputed_not_unused(tmp_path):
    e = sources.load(write(tmp_path / "meta_age.csv", META_AGE))
    recomputed = next(n for n in e.notes if "recomputed" in n)
    assert "Cost per results" in recomputed and "CPM (cost per 1,000 impressions) (INR)" in recomputed
    assert not any("Cost per results" in n for n in e.notes if n.startswith("columns not used"))


def test_linkedin_export_utf16_tab_separated(tmp_path):
    # Campaign Manager may write its CSV as UTF-16 with tabs (as Excel-friendly downloads do)
    lines = ["Campaign Performance Report (in UTC)", "Report Start: 10/1/2026, Report End: 10/31/2026", "",
             "\t".join(["Start Date (in UTC)", "Campaign Name", "Total Spent", "Impressions", "Clicks", "Currency"]),
             "\t".join(["10/1/2026", "Architectes", "1,250.00", "40000", "120", "EUR"])]
    f = tmp_path / "li16.csv"
    f.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    e = sources.load(f)
    assert e.kind == "linkedin/campaign_manager" and e.frame["cost"].tolist() == [1250.0]
    assert e.frame["date_end"].iloc[0] == pd.Timestamp("2026-10-31") and e.meta["currency"] == "EUR"


def test_notebook_on_the_meta_specimen_uses_the_currency_parameter(shared_dir, tmp_path):
    from trafficlib.report import render

    html = render(ROOT / "notebooks" / "paid_media.ipynb",
                  {"data_path": str(shared_dir / "specimens" / "meta" / "ads_conversion_table.csv"), "lang": "fr",
                   "currency": "USD"}, output_dir=tmp_path, name="specimen").read_text(encoding="utf-8")
    text = re.sub(r"data:image/svg\+xml;base64,[^\"]+", "", html).replace("\u202f", " ").replace("\u00a0", " ")
    assert "Traceback" not in text and "2 643,88 $US" in text           # the specimen's spend, in the currency given
    assert "Par période &gt; Jour" in text                  # fatigue: the download that would feed it


def test_tiktok_total_row_is_the_files_total(tmp_path):
    # layout seen in public importer tests of TikTok downloads: 'Date' column, a 'Total' row at the bottom
    f = write(tmp_path / "tt_total.csv",
              "Campaign name,Date,Cost,Impressions,Clicks (destination),CTR (destination),CPC (destination),Conversions\n"
              "Repair_TT,2026-09-01,12.50,1000,40,4.00%,0.31,2\nRepair_TT,2026-09-02,7.50,600,20,3.33%,0.38,1\n"
              "Total,,20.00,1600,60,,,3\n")
    e = sources.load(f)
    assert e.kind == "tiktok/ads_manager" and len(e.frame) == 2 and e.reconciled is True
    assert e.totals["cost"].iloc[0] == 20.00 and e.totals["scope"].iloc[0] == "rows"
    p = pm.by_platform(pm.load_paid_media_inputs(f)["views"]).iloc[0]
    assert (p["cost"], p["clicks"], p["results"]) == (20.00, 60, 3) and p["cpc"] == pytest.approx(20 / 60)


def test_wilson_has_no_interval_for_view_through_rates():
    lo, hi = pm.wilson([5, 12], [10, 10])                  # 12 results from 10 clicks: view-through counted
    assert (lo[0], hi[0]) == pytest.approx(wilson_by_hand(5, 10)) and np.isnan(lo[1]) and np.isnan(hi[1])


def _meta_breakdown(column: str, segments: list[tuple[str, int, int, float, int, int]]) -> str:
    """A Meta campaign x <column> export in INR, summary row first (segments: value,
    impressions, clicks, spend, results, reach)."""
    head = (f"Reporting starts,Reporting ends,Campaign name,{column},Results,Result indicator,Reach,Frequency,"
            "Amount spent (INR),Impressions,Link clicks\n")
    tot = [sum(s[i] for s in segments) for i in range(1, 5)]
    lines = [f"2025-03-01,2025-03-31,,,{tot[3]},,52000,,{tot[2]:.2f},{tot[0]},{tot[1]}\n"]
    for value, i, c, cost, r, reach in segments:
        lines.append(f"2025-03-01,2025-03-31,Prospecting,{value},{r},actions:offsite_conversion.fb_pixel_purchase,"
                     f"{reach},{i / reach:.2f},{cost:.2f},{i},{c}\n")
    return head + "".join(lines)


def test_a_folder_of_meta_breakdowns_reports_the_summary_rows_spend(tmp_path):
    d = tmp_path / "meta_inr"
    write(d / "age.csv", _meta_breakdown("Age", [("18-24", 40000, 300, 60000.0, 20, 25000),
                                                 ("25-34", 60000, 700, 90000.0, 70, 32000)]))
    write(d / "region.csv", _meta_breakdown("Region", [("Maharashtra", 70000, 650, 105000.0, 60, 40000),
                                                       ("Karnataka", 30000, 350, 45000.0, 30, 17000)]))
    write(d / "device.csv", _meta_breakdown("Impression device", [("iphone", 45000, 500, 70000.0, 50, 26000),
                                                                  ("android_smartphone", 55000, 500, 80000.0, 40,
                                                                   30000)]))
    write(d / "reach.csv", "Reporting starts,Reporting ends,Campaign name,Results,Reach,Frequency,"
          "Amount spent (INR),Impressions,Link clicks\n2025-03-01,2025-03-31,,90,52000,1.92,150000.00,100000,1000\n"
          "2025-03-01,2025-03-31,Prospecting,90,52000,1.92,150000.00,100000,1000\n")
    inputs = pm.load_paid_media_inputs(d)
    assert inputs["currency"] == "INR" and len(inputs["views"]) == 4
    assert set(pm.exports_table(inputs["views"])["totals"]) == {"equal"} and pm.view_agreement(inputs["views"]) == []
    p = pm.by_platform(inputs["views"]).iloc[0]
    assert p["file"] == "reach.csv" and p["cost"] == 150000.00 and p["source"] == "total row"
    assert p["reach"] == 52000 and p["frequency"] == pytest.approx(100000 / 52000)
    found = pm.available_breakdowns(inputs["views"])
    assert {k for k, v in found.items() if v is not None} == {"age", "region", "device"}
    region = pm.breakdown(inputs["views"], "region").set_index("segment")
    assert region.loc["Karnataka", "ctr"] == pytest.approx(350 / 30000)
    assert region.loc["Karnataka", "cost_per_result"] == pytest.approx(45000 / 30)
    note = pm.section_note("placement", "fr", ["Meta Ads"])
    assert "Ventilation > Par diffusion > Plateforme et placement" in note


def _meta_days(month: int, cost: float, n: int = 3) -> str:
    head = "Reporting starts,Reporting ends,Campaign name,Ad name,Day,Results,Reach,Amount spent (EUR),Impressions,Link clicks\n"
    rows = [f"2026-{month:02d}-01,2026-{month:02d}-{n:02d},,,,{3 * n},{900 * n},{cost * n:.2f},{1000 * n},{10 * n}\n"]
    rows += [f"2026-{month:02d}-01,2026-{month:02d}-{n:02d},C,A,2026-{month:02d}-{d:02d},3,1000,{cost:.2f},1000,10\n"
             for d in range(1, n + 1)]
    return head + "".join(rows)


def test_monthly_downloads_are_stacked_not_one_chosen(tmp_path):
    d = tmp_path / "months"
    write(d / "march.csv", _meta_days(3, 10.0))
    write(d / "april.csv", _meta_days(4, 20.0))
    inputs = pm.load_paid_media_inputs(d)
    (v,) = inputs["views"]
    assert v.name == "march.csv + april.csv" and len(v.frame) == 6
    p = pm.by_platform(inputs["views"]).iloc[0]
    assert p["cost"] == pytest.approx(3 * 10.0 + 3 * 20.0) and p["impressions"] == 6000 and np.isnan(p["reach"])
    assert pm.exports_table(inputs["views"])["file"].tolist() == ["march.csv", "april.csv"]
    # the same month downloaded twice is not added up
    write(d / "march_again.csv", _meta_days(3, 10.0))
    again = pm.load_paid_media_inputs(d)
    assert pm.by_platform(again["views"])["cost"].iloc[0] == pytest.approx(90.0)
    (copy,) = again["skipped"]
    assert copy[0].endswith("march_again.csv") and "copy" in copy[1]


def test_results_of_different_actions_are_said(tmp_path):
    text = META_AGE.replace("Retargeting,25-34,active,7-day click or 1-day view,30,actions:offsite_conversion.fb_pixel_purchase",
                            "Retargeting,25-34,active,7-day click or 1-day view,30,actions:link_click")
    inputs = pm.load_paid_media_inputs(write(tmp_path / "mixed_results.csv", text))
    (line,) = [n for n in pm.input_notes(inputs, "en") if "Results" in n]
    assert "actions:link_click" in line and "mixed_results.csv" in line


def test_demo_generator_and_manifest_feed_the_notebooks_defaults():
    import json

    import yaml

    from trafficlib.datasets import PARTS

    assert "paid_media" in PARTS
    job = next(j for j in yaml.safe_load((ROOT / "reports.yml").read_text(encoding="utf-8"))["jobs"]
               if j["notebook"] == "notebooks/paid_media.ipynb")
    assert job["parameters"]["data_path"] == f"data/demo/{demo.FOLDER}" and job["name"] == "paid-media-{lang}"
    cell = json.loads((ROOT / "notebooks" / "paid_media.ipynb").read_text(encoding="utf-8"))["cells"][0]
    assert f'data_path = "../data/demo/{demo.FOLDER}"' in "".join(cell["source"])
