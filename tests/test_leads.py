"""The lead report: CRM readers on their real layouts, every figure on hand-computed files,
censoring, the Google Ads offline-conversion file, the demo's planted funnel, the notebook."""
from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import leads as ld
from trafficlib import report, sources
from trafficlib.datasets import leads as demo_leads
from trafficlib.errors import TrafficDataError
from trafficlib.readers import crm

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "leads"
AS_OF = "2026-05-01"


def _one(kind_file: str):
    return sources.load(DATA / kind_file)


def _by_id(frame: pd.DataFrame) -> dict:
    return {str(r.lead_id): r for r in frame.itertuples()}


# ------------------------------------------------------------------ readers, real layouts

def test_hubspot_contacts_english_stages_dates_and_origin():
    e = _one("hubspot_contacts_en.csv")
    assert e.kind == "crm/hubspot_contacts" and e.table == "leads" and e.rows == 5
    r = _by_id(e.frame)
    assert r["101"].stage == "won" and r["101"].won_at == pd.Timestamp("2026-04-10 16:30")
    # qualified on the first of the MQL / SQL dates
    assert r["101"].qualified_at == pd.Timestamp("2026-03-04 10:00")
    assert r["102"].stage == "lost"  # Lead Status UNQUALIFIED closes a "Lead"
    assert r["103"].stage == "qualified" and r["103"].qualified_at == pd.Timestamp("2026-03-09 09:00")
    assert r["105"].stage == "lead"
    assert r["101"].channel == "Paid Search" and r["101"].campaign == "pro_search_devis"
    assert r["101"].gclid == "Cj0KCQjwAAAABBBBCCCC" and r["101"].owner == "Claire Martin"
    # no personal data carried over
    assert not {"First Name", "Email", "email", "first_name"} & set(e.frame.columns)
    assert not e.frame.astype(str).apply(lambda s: s.str.contains("@example.test")).any().any()


def test_hubspot_contacts_french_headers_and_day_first_dates():
    e = _one("hubspot_contacts_fr.csv")
    assert e.kind == "crm/hubspot_contacts" and e.rows == 3
    r = _by_id(e.frame)
    assert r["201"].stage == "won" and r["201"].won_at == pd.Timestamp("2026-04-10 16:30")
    assert r["201"].created == pd.Timestamp("2026-03-02 09:14")
    assert r["202"].stage == "qualified" and r["202"].qualified_at == pd.Timestamp("2026-03-14 09:00")
    assert r["203"].stage == "lost"  # "Non qualifié"
    assert r["201"].channel == "Recherche payante"


def test_hubspot_deals_join_their_contacts_and_an_unlinked_deal_is_a_lead_of_its_own(tmp_path):
    e = _one("hubspot_deals_en.csv")
    assert e.kind == "crm/hubspot_deals" and e.meta["link"] == "link"
    r = _by_id(e.frame)
    assert r["9001"].stage == "won" and r["9001"].value == 12500
    assert r["9002"].stage == "qualified" and pd.isna(r["9002"].won_at)  # an open deal's close date is a forecast
    assert r["9003"].stage == "lost" and r["9003"].lost_at == pd.Timestamp("2026-03-20 10:00")
    for f in ("hubspot_contacts_en.csv", "hubspot_deals_en.csv"):
        shutil.copy(DATA / f, tmp_path / f)
    got = ld.load_leads(tmp_path)
    leads = _by_id(got["leads"])
    assert len(leads) == 6  # 5 contacts + the deal without a contact
    assert leads["101"].stage == "won" and leads["101"].value == 12500
    assert leads["103"].stage == "qualified" and leads["103"].value == 8000
    assert leads["9003"].stage == "lost"
    assert any("2 of 3 deals joined" in n for n in got["notes"])


def test_salesforce_leads_report_footer_is_not_data_and_us_dates_are_month_first():
    e = _one("salesforce_leads_en.csv")
    assert e.kind == "crm/salesforce_leads" and e.rows == 4
    assert list(e.totals["records"]) == [4.0] and e.totals["label"].iloc[0] == "Grand Totals (4 records)"
    assert not e.frame["lead_id"].str.contains("Grand|Confidential|Copyright").any()
    r = _by_id(e.frame)
    # 3/14/2026 proves month first: 3/9/2026 in another column is 9 March, not 3 September
    assert r["00Q5g00000AbCdE"].qualified_at == pd.Timestamp("2026-03-09")
    assert r["00Q5g00000AbCdE"].created == pd.Timestamp("2026-03-02")
    assert r["00Q5g00000AbCdE"].stage == "qualified"  # Closed - Converted
    assert r["00Q5g00000AbCdF"].stage == "lead" and r["00Q5g00000AbCdG"].stage == "lost"
    assert any("footer" in n for n in e.notes)


def test_salesforce_footer_without_blank_line_and_a_record_count_that_disagrees(tmp_path):
    text = (DATA / "salesforce_leads_en.csv").read_text(encoding="utf-8").replace("\r\n\r\n", "\r\n")
    p = tmp_path / "report.csv"
    p.write_text(text, encoding="utf-8")
    e = sources.load(p)
    assert e.rows == 4 and list(e.totals["records"]) == [4.0]
    p.write_text(text.replace("Grand Totals (4 records)", "Grand Totals (5 records)"), encoding="utf-8")
    with pytest.raises(TrafficDataError, match=r"5 records, 4 rows read"):
        sources.load(p)


def test_salesforce_opportunities_french_cp1252_semicolons_and_decimal_comma():
    e = _one("salesforce_opportunites_fr.csv")
    assert e.kind == "crm/salesforce_opportunities" and e.rows == 3
    assert e.totals["label"].iloc[0] == "Total général (3 enregistrements)"
    r = _by_id(e.frame)
    assert r["0065g00000XyZ01"].stage == "won" and r["0065g00000XyZ01"].won_at == pd.Timestamp("2026-04-10")
    assert r["0065g00000XyZ02"].value == pytest.approx(4200.5) and r["0065g00000XyZ02"].stage == "qualified"
    assert pd.isna(r["0065g00000XyZ02"].won_at)
    assert r["0065g00000XyZ03"].stage == "lost" and r["0065g00000XyZ03"].lost_at == pd.Timestamp("2026-03-20")
    assert e.frame["value"].sum() == pytest.approx(12500 + 4200.5 + 3000)
    # an opportunity is a qualified lead from its creation
    assert (e.frame["qualified_at"] == e.frame["created"]).all()


@pytest.mark.parametrize("name", ["pipedrive_deals_en.csv", "pipedrive_affaires_fr.csv"])
def test_pipedrive_deals_english_and_french(name):
    e = _one(name)
    assert e.kind == "crm/pipedrive_deals" and e.rows == 3
    won, open_, lost = e.frame.sort_values("created").itertuples()
    assert won.stage == "won" and won.won_at == pd.Timestamp("2026-04-10 16:30") and won.value == 12500
    assert open_.stage == "qualified" and open_.value == pytest.approx(4200.5)
    assert lost.stage == "lost" and lost.lost_at == pd.Timestamp("2026-03-20 10:00")
    if name.endswith("_en.csv"):
        assert any("1 deleted deal" in n for n in e.notes)
        assert e.meta["currency"] == "EUR"


def test_hubspot_contacts_as_an_excel_download(tmp_path):
    import openpyxl

    rows = list(csv.reader((DATA / "hubspot_contacts_en.csv").read_text().splitlines()))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contacts"
    for r in rows:  # Excel keeps the dates as dates
        ws.append([pd.Timestamp(c).to_pydatetime() if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", c) else c
                   for c in r])
    wb.save(tmp_path / "hubspot-crm-exports-all-contacts.xlsx")
    e = sources.load(tmp_path / "hubspot-crm-exports-all-contacts.xlsx")
    assert e.kind == "crm/hubspot_contacts" and e.rows == 5
    r = _by_id(e.frame)
    assert r["101"].won_at == pd.Timestamp("2026-04-10 16:30") and r["103"].stage == "qualified"


def test_a_folder_of_deals_alone_and_closed_deals_without_their_leads(tmp_path):
    shutil.copy(DATA / "pipedrive_deals_en.csv", tmp_path / "deals.csv")
    shutil.copy(DATA / "hubspot_deals_en.csv", tmp_path / "hubspot_deals.csv")
    got = ld.load_leads(tmp_path)  # no leads file: the deals are the leads (an opportunity is a qualified lead)
    assert len(got["leads"]) == 6 and got["leads"]["qualified_at"].notna().all()
    only = tmp_path / "closed"
    only.mkdir()
    (only / "closed_deals.csv").write_text("mql_id,won_date,declared_monthly_revenue\nabc,2026-03-02 10:00:00,100\n")
    with pytest.raises(TrafficDataError, match="no leads file"):
        ld.load_leads(only)


def test_plain_lead_file():
    e = _one("leads_plain.csv")
    assert e.kind == "canonical/leads"
    assert list(e.frame["stage"]) == ["won", "lost", "qualified", "lead"]
    assert e.frame["channel"].isna().sum() == 1


def test_a_malformed_crm_file_is_one_readable_error(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text((DATA / "pipedrive_deals_en.csv").read_text().replace("2026-03-14 10:00:00", "someday"))
    with pytest.raises(TrafficDataError) as err:
        sources.load(p)
    msg = str(err.value)
    assert "bad.csv" in msg and "Deal - Deal created" in msg and "3" in msg
    p.write_text("id,date,origin,stage\nA1,2026-03-02,web,won\nA1,2026-03-03,web,lost\n")
    with pytest.raises(TrafficDataError, match="share a lead id"):
        sources.load(p)


def test_canonical_stage_words():
    assert crm.canonical_stage("Closed Won") == crm.canonical_stage("closedwon") == "won"
    assert crm.canonical_stage("Fermée perdue") == "lost"
    assert crm.canonical_stage("marketingqualifiedlead") == "qualified"
    assert crm.canonical_stage("Appointment Scheduled", deals=True) == "qualified"
    assert crm.canonical_stage("Appointment Scheduled") == "lead"


# ------------------------------------------------------------------ the public specimens (../shared)

def test_marketplace_mqls_and_closed_deals_as_specimens_say(shared_dir, tmp_path):
    import yaml

    spec = {s["file"]: s for s in yaml.safe_load((shared_dir / "specimens" / "specimens.yml").read_text())["specimens"]}
    folder = shared_dir / "specimens" / "leads_crm"
    mql = sources.load(folder / "marketing_qualified_leads.csv")
    want = spec["leads_crm/marketing_qualified_leads.csv"]["expected"]
    assert mql.rows == want["rows"]
    days = mql.frame["created"]
    assert [f"{days.min():%Y-%m-%d}", f"{days.max():%Y-%m-%d}"] == want["dates"]
    by_origin = mql.frame["channel"].fillna("(empty)").value_counts().to_dict()
    assert by_origin == want["totals"]["by_origin"]
    deals = sources.load(folder / "closed_deals.csv")
    want = spec["leads_crm/closed_deals.csv"]["expected"]
    assert deals.kind == "crm/closed_deals" and deals.rows == want["rows"]
    assert deals.frame["value"].sum() == pytest.approx(want["totals"]["declared_monthly_revenue"])
    won = deals.frame["won_at"]
    assert [f"{won.min():%Y-%m-%d}", f"{won.max():%Y-%m-%d}"] == want["dates"]
    for f in ("marketing_qualified_leads.csv", "closed_deals.csv"):  # read in place; the join needs one folder
        (tmp_path / f).symlink_to(folder / f)
    got = ld.load_leads(tmp_path)
    assert len(got["leads"]) == 50 and int(got["leads"]["stage"].eq("won").sum()) == 12
    p = ld.prepare(got["leads"])
    conv = ld.conversion(p, by=None)
    assert conv["leads"].iloc[0] == 50 and conv["won"].iloc[0] == 12
    assert conv["value"].iloc[0] == pytest.approx(210000.0)
    # no lost dates: fewer than half the leads close, the median is not reached; the won deals say how long
    _, timing = ld.time_to_close(p)
    assert np.isnan(timing["median_days"].iloc[0]) and timing["won_median_days"].iloc[0] > 0
    cards = {c["label"] for c in ld.headline_cards(conv, timing, None, "en", "EUR", p)}
    assert "Median days to win (deals won)" in cards
    # every lead is qualified: no page is "below" a 100 % share by a rounding hair
    by_channel = ld.conversion(p)
    found = ld.findings(by_channel, ld.by_landing_page(p, min_leads=1), prepared=p)
    assert all(f.money >= 1 for f in found if f.key in ("weak_page", "weak_channel"))


# ------------------------------------------------------------------ every figure on a hand-computed file

@pytest.fixture(scope="module")
def small():
    leads = sources.load(DATA / "small_leads.csv").frame
    spend = ld.load_spend(DATA / "small_spend.csv")["spend"]
    return ld.prepare(leads, AS_OF), spend


def test_leads_by_channel_and_week(small):
    p, _ = small
    w = ld.by_week(p).set_index(["week", "channel"])["leads"]
    assert w[(pd.Timestamp("2026-03-02"), "Paid Search")] == 3
    assert w[(pd.Timestamp("2026-03-02"), "Paid Social")] == 2
    assert w[(pd.Timestamp("2026-03-02"), "Organic Search")] == 0
    assert w[(pd.Timestamp("2026-03-09"), "Paid Search")] == 2
    assert w[(pd.Timestamp("2026-03-09"), "Organic Search")] == 1
    assert w[(pd.Timestamp("2026-03-09"), "Paid Social")] == 2
    assert w.sum() == 10


def _wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_funnel_rates_and_wilson_intervals(small):
    p, _ = small
    c = ld.conversion(p).set_index("channel")
    ps = c.loc["Paid Search"]
    assert (ps["leads"], ps["qualified"], ps["won"], ps["value"]) == (5, 4, 2, 2500)
    assert ps["lead_to_qualified"] == pytest.approx(0.8) and ps["qualified_to_won"] == pytest.approx(0.5)
    assert ps["lead_to_won"] == pytest.approx(0.4)
    lo, hi = _wilson(4, 5)
    assert (ps["lead_to_qualified_low"], ps["lead_to_qualified_high"]) == (pytest.approx(lo), pytest.approx(hi))
    so = c.loc["Paid Social"]
    assert (so["leads"], so["qualified"], so["won"], so["value"]) == (4, 1, 1, 500)
    assert so["qualified_to_won"] == 1.0 and so["lead_to_qualified"] == pytest.approx(0.25)
    t = c.loc["Total"]
    assert (t["leads"], t["qualified"], t["won"], t["value"]) == (10, 6, 4, 5000)
    assert t["lead_to_won"] == pytest.approx(0.4)


def test_rates_of_mature_leads_and_the_fallback_when_too_few_are(small):
    leads = sources.load(DATA / "small_leads.csv").frame
    young = ld.prepare_mature(leads, AS_OF, maturity_days=90)  # none is 90 days old: every lead
    assert len(young) == 10 and young.attrs["maturity_days"] == 0
    old = ld.prepare_mature(leads, AS_OF, maturity_days=55, min_leads=1)  # created before 7 March
    assert sorted(old["lead_id"]) == ["S1", "S2", "S3", "S4", "S5"] and old.attrs["maturity_days"] == 55


def test_won_after_the_report_day_is_not_yet_won(small):
    leads = sources.load(DATA / "small_leads.csv").frame
    p = ld.prepare(leads, "2026-03-31")  # S7 is won on 31 March, S9 on 2 April: after that day
    assert set(p.loc[p["won"], "lead_id"]) == {"S1", "S5"}
    assert len(p) == 10


def test_cost_per_lead_qualified_won_and_value_per_euro(small):
    p, spend = small
    c = ld.cost_table(p, spend, "channel").set_index("channel")
    ps, so, t = c.loc["Paid Search"], c.loc["Paid Social"], c.loc["Total"]
    assert (ps["cost"], ps["leads"], ps["qualified"], ps["won"], ps["value"]) == (500, 5, 4, 2, 2500)
    assert (ps["cost_per_lead"], ps["cost_per_qualified"], ps["cost_per_won"], ps["value_per_cost"]) == \
        (100, 125, 250, 5.0)
    assert (so["cost_per_lead"], so["cost_per_qualified"], so["cost_per_won"], so["value_per_cost"]) == \
        (50, 200, 200, 2.5)
    assert (t["cost"], t["leads"], t["won"], t["value"]) == (700, 9, 3, 3000)
    assert t["cost_per_lead"] == pytest.approx(700 / 9) and t["value_per_cost"] == pytest.approx(3000 / 700)
    assert "Organic Search" not in c.index  # no spend: no cost per lead, not a zero one
    by_camp = ld.cost_table(p, spend, "campaign").set_index("campaign")
    # "Search - Devis" in Google Ads meets utm_campaign "search_devis"
    assert by_camp.loc["Search - Devis", "leads"] == 5 and by_camp.loc["Search - Devis", "channel"] == "Paid Search"
    assert by_camp.loc["Meta | Archi", "cost_per_won"] == 200


def test_spend_repeated_in_two_files_is_counted_once(tmp_path):
    shutil.copy(DATA / "small_spend.csv", tmp_path / "ad_spend.csv")
    # the same spend again, one cost changed: not a byte copy, still the same campaigns and days
    (tmp_path / "ad_spend_v2.csv").write_text((DATA / "small_spend.csv").read_text().replace("300.00", "310.00"))
    got = ld.load_spend(tmp_path)
    assert got["spend"]["cost"].sum() == pytest.approx(700)
    assert any("repeats campaigns and days" in n for n in got["notes"])
    assert ld.load_spend("") is None


def test_lead_quality_by_landing_page(small):
    p, _ = small
    q = ld.by_landing_page(p, min_leads=1).set_index("page")
    assert (q.loc["/devis", "leads"], q.loc["/devis", "qualified"], q.loc["/devis", "won"]) == (5, 5, 3)
    assert q.loc["/devis", "value"] == 3500 and q.loc["/devis", "value_per_lead"] == 700
    assert (q.loc["/contact", "leads"], q.loc["/contact", "qualified"], q.loc["/contact", "won"]) == (5, 1, 1)
    assert q.loc["/contact", "won_rate"] == pytest.approx(0.2)
    lo, hi = _wilson(1, 5)
    assert q.loc["/contact", "won_low"] == pytest.approx(lo) and q.loc["/contact", "won_high"] == pytest.approx(hi)
    pooled = ld.by_landing_page(p, min_leads=6)
    assert list(pooled["page"]) == ["(other pages)"] and pooled["leads"].iloc[0] == 10


def test_open_leads_lengthen_the_time_to_close_instead_of_being_dropped(tmp_path):
    created = pd.Timestamp("2026-01-01")
    lines = ["lead_id,created,stage,lost_at"]
    lines += [f"C{d},2026-01-01,lost,{created + pd.Timedelta(days=d):%Y-%m-%d}" for d in (10, 20, 30, 40)]
    lines += [f"O{i},2026-01-01,qualified," for i in range(4)]
    (tmp_path / "leads.csv").write_text("\n".join(lines) + "\n")
    leads = sources.load(tmp_path / "leads.csv").frame
    p = ld.prepare(leads, created + pd.Timedelta(days=100))  # the 4 open leads are 100 days old
    _, with_open = ld.time_to_close(p, min_leads=1)
    _, closed_only = ld.time_to_close(p[~p["stage"].eq("qualified")], min_leads=1)
    assert with_open["censored"].iloc[0] == 4 and with_open["leads"].iloc[0] == 8
    # KM: 7/8, 6/8, 5/8, 4/8 = one half at day 40; dropping the open ones, one half at day 20
    assert with_open["median_days"].iloc[0] == pytest.approx(40)
    assert closed_only["median_days"].iloc[0] == pytest.approx(20)
    d = ld.durations(p)
    assert sorted(d.loc[d["closed"] == 0, "days"]) == [100.0] * 4


# ------------------------------------------------------------------ Google Ads offline conversions

def test_offline_conversion_file_exact_format(small, tmp_path):
    p, _ = small
    rows = ld.offline_conversions(p, "Won deal", "EUR")
    assert rows.attrs["left_out"] == {"no_gclid": 2, "bad_gclid": 0, "no_won_date": 0, "too_old": 0}
    path = ld.write_offline_conversions(rows, tmp_path / "upload.csv", "Europe/Paris")
    assert path.read_bytes().decode("utf-8") == (
        "Parameters:TimeZone=Europe/Paris\n"
        "Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency\n"
        "Cj0KCQjwTEST000001,Won deal,2026-03-20 14:05:00,1000.00,EUR\n"
        "Cj0KCQjwTEST000002,Won deal,2026-04-02 09:30:00,1500.00,EUR\n")
    assert [f.name for f in tmp_path.iterdir()] == ["upload.csv"]  # no temporary file left behind


def test_offline_conversion_values_are_sanitised_and_bad_ids_left_out(small, tmp_path):
    p, _ = small
    p = p.copy()
    p.loc[p["lead_id"] == "S5", "gclid"] = "bad id, with spaces"
    rows = ld.offline_conversions(p, '=HYPERLINK("http://x")\nA,B', "eur")
    assert rows.attrs["left_out"]["bad_gclid"] == 1
    text = ld.offline_csv(rows, "+0100")
    lines = text.splitlines()
    assert lines[0] == "Parameters:TimeZone=+0100" and len(lines) == 4
    assert lines[2].split(",")[0] == "Cj0KCQjwTEST000001"
    assert '"\'=HYPERLINK(""http://x"") A,B"' in lines[2] and lines[2].endswith(",EUR")
    with pytest.raises(ValueError, match="time zone"):
        ld.offline_csv(rows, "Paris time")
    target = tmp_path / "upload.csv"
    target.write_text("old")
    ld.write_offline_conversions(rows, target, "UTC")
    assert target.read_text().startswith("Parameters:TimeZone=UTC\n")


# ------------------------------------------------------------------ the demo's planted truths

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("leads_demo")
    truth = demo_leads.generate(out, seed=0)
    return out / truth["folder"], truth


def test_demo_leads_same_seed_same_bytes(demo, tmp_path):
    folder, truth = demo
    again = demo_leads.generate(tmp_path, seed=0)
    assert again == truth
    for name in ("crm_leads.csv", "affaires_cloturees.csv", "ad_spend.csv"):
        assert (tmp_path / "leads" / name).read_bytes() == (folder / name).read_bytes(), name
    assert "| Paid Social |" in demo_leads.describe(truth)


def test_demo_funnel_rates_are_recovered_within_their_intervals(demo):
    folder, truth = demo
    got = ld.load_leads(folder)
    assert len(got["leads"]) == truth["leads"]
    p = ld.prepare(got["leads"], maturity_days=180)  # leads old enough to have closed
    rates = ("lead_to_qualified", "qualified_to_won", "lead_to_won")
    alpha = 0.05 / (len(truth["funnel"]) * len(rates))  # Bonferroni: 18 intervals hold together at 95 %
    c = ld.conversion(p, alpha=alpha).set_index("channel")
    for channel, planted in truth["funnel"].items():
        for rate in rates:
            lo, hi = c.loc[channel, f"{rate}_low"], c.loc[channel, f"{rate}_high"]
            assert lo <= planted[rate] <= hi, (channel, rate, lo, planted[rate], hi)
    # and the intervals are narrow enough to tell Paid Social from Referral
    assert c.loc["Paid Social", "lead_to_won_high"] < c.loc["Referral", "lead_to_won_low"]


def test_demo_time_to_close_and_cost_per_lead(demo):
    folder, truth = demo
    got = ld.load_leads(folder)
    p = ld.prepare(got["leads"])
    _, summary = ld.time_to_close(p)
    s = summary.iloc[0]
    assert s["censored"] == truth["open"]
    assert s["median_low"] <= truth["time_to_close"]["median_days_all_leads"] <= s["median_high"]
    spend = ld.load_spend(folder / "ad_spend.csv")["spend"]
    c = ld.cost_table(p, spend).set_index("channel")
    for channel in ("Paid Search", "Paid Social"):
        assert c.loc[channel, "cost"] == pytest.approx(truth["cost"][channel]["cost"])
        assert c.loc[channel, "cost_per_lead"] == pytest.approx(truth["cost"][channel]["cost_per_lead"], abs=0.01)
    # the planted budget finding: a cheap Paid Social lead is the costliest won deal
    found = ld.findings(ld.conversion(ld.prepare(got["leads"], maturity_days=90)), costs=c.reset_index())
    assert found[0].key == "budget" and "Paid Social" in found[0].title
    # a handful of won deals is noise, not a budget finding
    assert not [f for f in ld.findings(ld.conversion(p), costs=c.reset_index(), min_won=200) if f.key == "budget"]
    q = ld.by_landing_page(p).set_index("page")
    assert q.loc["/contact", "qualified_high"] < q.loc["/pro/devis", "qualified_low"]


# ------------------------------------------------------------------ the notebook

@pytest.fixture(scope="module")
def demo_leads_dir(demo_dir):
    folder = demo_dir / "leads"
    if not (folder / "crm_leads.csv").exists():  # a demo generated before the leads part
        demo_leads.generate(demo_dir, seed=0)
    return folder


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", html)))


def test_notebook_renders_in_english_and_french_and_degrades_without_spend(demo_leads_dir, tmp_path):
    nb = ROOT / "notebooks" / "leads.ipynb"
    en = report.render(nb, {"data_path": str(demo_leads_dir), "spend_path": str(demo_leads_dir / "ad_spend.csv"),
                            "offline_file": str(tmp_path / "offline.csv")}, tmp_path, lang="en").read_text()
    fr = report.render(nb, {"data_path": str(demo_leads_dir), "spend_path": ""}, tmp_path, lang="fr").read_text()
    for html in (en, fr):
        assert "Traceback" not in html and "<script" not in html.lower()
        assert not re.search(r">\s*(nan|NaN|inf|None)\s*<", html)
        assert "data:image/svg+xml;base64," in html
    t_en, t_fr = _text(en), _text(fr)
    assert "Cost per won deal" in t_en and "A deal won through Paid Social costs" in t_en
    assert (tmp_path / "offline.csv").read_text().startswith("Parameters:TimeZone=Europe/Paris\n")
    assert "Aucune dépense publicitaire fournie" in t_fr and "Coût par affaire gagnée" not in t_fr
    assert "Délai de clôture" in t_fr and "Constats" in t_fr
    assert t_en.index("Findings") < t_en.index("Leads by channel and week")


def test_notebook_is_committed_without_outputs():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "leads.ipynb", as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    assert nb.metadata["trafficlib"]["title"]["fr"]


def test_auto_plans_the_leads_report_from_a_crm_folder(tmp_path):
    from trafficlib import auto

    src = tmp_path / "downloads"
    src.mkdir()
    for f in ("hubspot_contacts_en.csv", "hubspot_deals_en.csv", "small_spend.csv"):
        shutil.copy(DATA / f, src / f)
    res = auto.run(src, tmp_path / "out", dry_run=True, echo=False, site="example.test")
    manifest = crm_manifest = (tmp_path / "out" / auto.MANIFEST).read_text()
    assert "leads-en" in crm_manifest
    import yaml

    jobs = {j["name"]: j for j in yaml.safe_load(manifest)["jobs"]}
    params = jobs["leads-en"]["parameters"]
    data = sorted(p.name for p in (tmp_path / "out" / params["data_path"]).iterdir())
    assert data == ["hubspot_contacts_en.csv", "hubspot_deals_en.csv"]
    assert sorted(p.name for p in (tmp_path / "out" / params["spend_path"]).iterdir()) == ["small_spend.csv"]
    assert res is not None
