"""load_mix_inputs: the weekly media-mix table from a folder of downloads, and the demo's
media_mix part it must read back to the cent."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from trafficlib import mix
from trafficlib.datasets import media_mix
from trafficlib.errors import TrafficDataError
from trafficlib.mix.inputs import channel_of, load_mix_inputs


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("mix_demo")
    truth = media_mix.generate(out, seed=3)
    return out / media_mix.FOLDER, truth


@pytest.fixture(scope="module")
def demo_inputs(demo):
    return load_mix_inputs(demo[0])


# ------------------------------------------------------------------ the demo round trip

def test_demo_round_trip_gives_back_the_simulators_weeks_to_the_cent(demo, demo_inputs):
    folder, truth = demo
    sim = mix.simulate(3, weeks=media_mix.WEEKS, channels=media_mix.CHANNELS, start=media_mix.START)
    got = demo_inputs
    t = got["table"]
    assert sorted(got["channels"]) == sorted(media_mix.CHANNELS)
    assert got["outcome"] == "revenue" and got["outcome_kind"] == "revenue" and got["outcome_is_money"]
    assert got["currency"] == "EUR"
    assert len(t) == 104 and t["date"].iloc[0] == pd.Timestamp("2024-10-28")
    assert t["date"].iloc[-1] == pd.Timestamp("2026-10-19") and (t["date"].dt.day_of_week == 0).all()
    for c in media_mix.CHANNELS:
        np.testing.assert_allclose(t[c].to_numpy(), sim.data[c].to_numpy(), rtol=0, atol=0.005, err_msg=c)
        np.testing.assert_allclose(t[f"{c}_impressions"].to_numpy(), sim.data[f"{c}_impressions"].to_numpy(),
                                   rtol=0, atol=1e-6, err_msg=c)
    np.testing.assert_allclose(t["revenue"].to_numpy(), sim.data["revenue"].to_numpy(), rtol=0, atol=0.005)
    # the planted truth written is the simulator's
    written = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    for c in media_mix.CHANNELS:
        assert written["truth"][c]["roi"] == pytest.approx(sim.truth.loc[c, "roi"], rel=1e-5)
        assert written["truth"][c]["alpha"] == pytest.approx(sim.truth.loc[c, "alpha"], rel=1e-5)
    assert written == json.loads(json.dumps(truth))


def test_demo_files_are_real_layouts_and_read_by_role(demo, demo_inputs):
    folder, _ = demo
    roles = {e["file"].rsplit("/", 1)[-1]: (e["role"], e["kind"]) for e in demo_inputs["exports"]}
    assert roles["google_ads_campagnes.csv"] == ("spend", "google_ads/campaigns")
    assert roles["meta_ads.csv"][0] == "spend" and roles["meta_ads.csv"][1].startswith("meta/")
    assert roles["microsoft_ads.csv"][1].startswith("microsoft_ads/")
    assert roles["plan_tv.csv"] == ("spend", "offline_spend/week")  # not taken for a Microsoft account report
    assert roles["ga4_revenus_par_date.csv"] == ("outcome", "ga4/report")
    assert roles["calendrier_promotions.csv"] == ("control", "controls/day")
    assert demo_inputs["touchpoints"].endswith("touchpoints.parquet")
    google = next(e for e in demo_inputs["exports"] if e["file"].endswith("google_ads_campagnes.csv"))
    assert google["channels"] == ["Google Display", "Google Search", "YouTube"]  # split by campaign type
    raw = (folder / "plan_tv.csv").read_bytes()
    assert b";" in raw.splitlines()[0] and "Dépense".encode("cp1252") in raw  # cp1252, French
    assert demo_inputs["skipped"] == []


def test_demo_touchpoints_click_channels_dominate(demo):
    _, truth = demo
    tp = pd.read_parquet(demo[0] / "touchpoints.parquet")
    share = tp["channel"].value_counts(normalize=True)
    clicks = share[["Google Search", "Meta", "Microsoft Ads"]].sum()
    cpm = share.reindex(["Google Display", "YouTube", "TV"]).fillna(0).sum()
    assert clicks > 0.4 and cpm < 0.03
    assert tp["timestamp"].max() < pd.Timestamp("2026-10-26") and tp["timestamp"].min() > pd.Timestamp("2026-03-01")
    assert set(media_mix.CHANNELS) <= set(tp["channel"])
    assert truth["touchpoints"]["conversions"] == int(tp["conversion"].sum())


def test_demo_is_byte_identical_for_a_seed(tmp_path):
    media_mix.generate(tmp_path / "a", seed=5)
    media_mix.generate(tmp_path / "b", seed=5)
    a, b = tmp_path / "a" / media_mix.FOLDER, tmp_path / "b" / media_mix.FOLDER
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir()) and len(names) >= 8
    for n in names:
        assert hashlib.sha256((a / n).read_bytes()).digest() == hashlib.sha256((b / n).read_bytes()).digest(), n


def test_demo_outcome_by_name(demo):
    conv = load_mix_inputs(demo[0], outcome="conversions")
    assert conv["outcome"] == "conversions" and conv["outcome_kind"] == "conversions"
    assert not conv["outcome_is_money"]
    ga4 = pd.read_csv(demo[0] / "ga4_revenus_par_date.csv", comment="#")
    ga4 = ga4[ga4["Date"].notna()]
    assert conv["table"]["conversions"].sum() == ga4["Key events"].sum()
    purchases = load_mix_inputs(demo[0], outcome="transactions")
    assert purchases["outcome"] == "transactions" and purchases["outcome_kind"] == "conversions"
    assert purchases["table"]["transactions"].sum() == ga4["Ecommerce purchases"].sum()
    with pytest.raises(TrafficDataError, match="no outcome 'leads'|CRM export"):
        load_mix_inputs(demo[0], outcome="leads")


def test_channel_map_overrides_the_campaign_type(demo, demo_inputs):
    got = load_mix_inputs(demo[0], channel_map={r"marque": "Google Search Brand"})
    t, base = got["table"], demo_inputs["table"]
    assert "Google Search Brand" in got["channels"]
    brand = t["Google Search Brand"].sum()
    assert brand > 0
    assert t["Google Search"].sum() + brand == pytest.approx(base["Google Search"].sum(), abs=0.01)
    for c in ("Meta", "TV", "YouTube"):
        np.testing.assert_allclose(t[c], base[c], atol=1e-9)


def test_channel_of_names():
    assert channel_of("Google Ads", "Search") == "Google Search"
    assert channel_of("Google Ads", "Réseau de Recherche") == "Google Search"
    assert channel_of("Google Ads", "Vidéo") == "YouTube"
    assert channel_of("Google Ads", "Performance Max") == "Performance Max"
    assert channel_of("Google Ads", "Hotel") == "Google Ads (Hotel)"
    assert channel_of("Google Ads", None) == "Google Ads"
    assert channel_of("Meta Ads", None, "FR | Reels") == "Meta"
    assert channel_of("Meta Ads", None, "FR | Reels", {"reels": "Meta Reels"}) == "Meta Reels"


# ------------------------------------------------------------------ hand-made folders

START = pd.Timestamp("2025-01-06")  # a Monday


def _series(folder, days: pd.DatetimeIndex, name="series.csv", header=("date", "value"), value=100.0,
            french=False):
    if french:
        lines = [f"{header[0]};{header[1]}"] + [f"{d:%d/%m/%Y};{value:,.2f}".replace(",", " ").replace(".", ",")
                                                  for d in days]
        (folder / name).write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    else:
        lines = [",".join(header)] + [f"{d:%Y-%m-%d},{value}" for d in days]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _tv(folder, rows, name="plan_tv.csv", header=("Semaine", "Canal", "Dépense (EUR)"), encoding="cp1252"):
    lines = [";".join(header)] + [";".join(r) for r in rows]
    (folder / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def _always_on(folder, weeks: int, start=START):
    """A second plan with a channel spending every week: it sets the spend's range."""
    _tv(folder, [(f"{w:%d/%m/%Y}", "Search", "50") for w in pd.date_range(start, periods=weeks, freq="7D")],
        name="always_on.csv", header=("Semaine", "Canal", "Dépense"))


def test_french_offline_plan_and_french_outcome_series(tmp_path):
    days = pd.date_range(START, periods=42 * 7, freq="D")
    _series(tmp_path, days, name="ca.csv", header=("Jour", "Chiffre d'affaires"), value=1234.5, french=True)
    weeks = pd.date_range(START, periods=42, freq="7D")
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "12 345,67") for w in weeks[::2]]
        + [(f"{weeks[1]:%d/%m/%Y}", "Radio", "1 000,5")])
    _always_on(tmp_path, 42)
    got = load_mix_inputs(tmp_path)
    t = got["table"]
    assert len(t) == 42 and got["outcome"] == "revenue" and got["outcome_is_money"]
    assert got["currency"] == "EUR"
    assert t["revenue"].iloc[0] == pytest.approx(7 * 1234.5)
    assert t["TV"].tolist()[:4] == pytest.approx([12345.67, 0, 12345.67, 0])
    assert t["Radio"].tolist()[:3] == pytest.approx([0, 1000.5, 0])
    assert t["TV_impressions"].isna().all()  # the plan states none: not zero


def test_daily_dated_plan_with_dd_mm_and_impressions(tmp_path):
    days = pd.date_range(START, periods=40 * 7, freq="D")
    _series(tmp_path, days, header=("date", "value"), value=10)
    rows = [(f"{d:%d/%m/%Y}", "Affichage", "100,25", "1 000") for d in days[:14]]
    _tv(tmp_path, rows, name="ooh.csv", header=("Date", "Média", "Coût", "Contacts"))
    _always_on(tmp_path, 40)
    got = load_mix_inputs(tmp_path)
    t = got["table"]
    assert got["outcome"] == "value" and got["outcome_kind"] == "custom" and not got["outcome_is_money"]
    assert got["currency"] is None
    assert t["Affichage"].tolist()[:3] == pytest.approx([701.75, 701.75, 0])
    assert t["Affichage_impressions"].tolist()[:3] == [7000, 7000, 0]
    assert t["value"].iloc[5] == 70


def test_multi_day_rows_are_spread_over_their_days(tmp_path):
    """A month of 3,100 (100 a day in January), February 2,800 (100 a day), and a week row
    starting on a Wednesday (700 from Wed 8 to Tue 14 January)."""
    days = pd.date_range(START, periods=45 * 7, freq="D")
    _series(tmp_path, days, value=1)
    _tv(tmp_path, [("janvier 2025", "Radio", "3 100"), ("02/2025", "Radio", "2 800")], name="radio.csv",
        header=("Mois", "Canal", "Budget"))
    _tv(tmp_path, [("08/01/2025", "TV", "700")], name="tv.csv")
    _always_on(tmp_path, 45)
    got = load_mix_inputs(tmp_path)
    t = got["table"].set_index("date")
    # weeks from Monday 6 January: Jan 6-12, 13-19, 20-26, Jan 27 - Feb 2 (5 January + 2 February days)
    assert t["Radio"].iloc[:5].tolist() == pytest.approx([700, 700, 700, 700, 700])
    assert t.loc["2025-02-17", "Radio"] == pytest.approx(700)
    assert t.loc["2025-02-24", "Radio"] == pytest.approx(500)  # Feb 24 - Mar 2: 5 February days
    assert t.loc["2025-03-03", "Radio"] == 0
    assert t["Radio"].sum() == pytest.approx(3100 - 5 * 100 + 2800)  # Jan 1-5 fall before the first week
    assert t["TV"].iloc[:3].tolist() == pytest.approx([500, 200, 0])
    assert any("spread evenly" in n for n in got["notes"])


def test_daily_table(tmp_path):
    days = pd.date_range("2025-01-08", periods=40 * 7, freq="D")
    _series(tmp_path, days, value=2)
    _tv(tmp_path, [("08/01/2025", "TV", "700")], name="tv.csv")  # a week row from a Wednesday
    _tv(tmp_path, [(f"{d:%d/%m/%Y}", "Search", "10") for d in days], name="search.csv",
        header=("Date", "Canal", "Dépense"))
    got = load_mix_inputs(tmp_path, freq="D")
    t = got["table"]
    assert len(t) == len(days) and t["date"].iloc[0] == days[0]
    assert t["TV"].iloc[:8].tolist() == pytest.approx([100] * 7 + [0])
    assert (t["value"] == 2).all()
    with pytest.raises(TrafficDataError, match="freq"):
        load_mix_inputs(tmp_path, freq="M")


def test_partial_weeks_at_the_ends_are_dropped_with_a_note(tmp_path):
    days = pd.date_range("2025-01-08", periods=45 * 7, freq="D")  # a Wednesday
    _series(tmp_path, days, value=2)
    _tv(tmp_path, [(f"{d:%d/%m/%Y}", "TV", "10") for d in days], header=("Date", "Canal", "Dépense"))
    got = load_mix_inputs(tmp_path)
    t = got["table"]
    assert t["date"].iloc[0] == pd.Timestamp("2025-01-13")
    assert t["date"].iloc[-1] + pd.Timedelta(days=6) <= days[-1]
    assert (t["value"] == 14).all() and (t["TV"] == 70).all()
    partial = [n for n in got["notes"] if "partial week" in n]
    assert len(partial) == 2 and "2025-01-08 to 2025-01-12" in partial[0]


def test_weekly_outcome_series_is_read_as_weeks(tmp_path):
    weeks = pd.date_range(START, periods=40, freq="7D")
    lines = ["week,value"] + [f"{w:%Y-%m-%d},{700 + i}" for i, w in enumerate(weeks)]
    (tmp_path / "weekly.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "10") for w in weeks])
    got = load_mix_inputs(tmp_path)
    assert got["table"]["value"].tolist() == pytest.approx([700 + i for i in range(40)])


# ------------------------------------------------------------------ errors

def test_no_outcome_is_an_error(tmp_path):
    weeks = pd.date_range(START, periods=45, freq="7D")
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "10") for w in weeks])
    with pytest.raises(TrafficDataError, match="no outcome"):
        load_mix_inputs(tmp_path)


def test_no_spend_is_an_error(tmp_path):
    _series(tmp_path, pd.date_range(START, periods=45 * 7, freq="D"))
    with pytest.raises(TrafficDataError, match="no ad spend"):
        load_mix_inputs(tmp_path)


def test_several_currencies_are_an_error_naming_them(tmp_path):
    weeks = pd.date_range(START, periods=45, freq="7D")
    _series(tmp_path, pd.date_range(START, periods=45 * 7, freq="D"))
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "10") for w in weeks], name="tv_fr.csv")
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "Radio", "10") for w in weeks], name="radio_uk.csv",
        header=("Week", "Channel", "Spend (GBP)"))
    with pytest.raises(TrafficDataError, match=r"several currencies \(EUR, GBP\)") as err:
        load_mix_inputs(tmp_path)
    assert "radio_uk.csv: GBP" in str(err.value) and "tv_fr.csv: EUR" in str(err.value)


def test_too_few_weeks_is_an_error(tmp_path):
    weeks = pd.date_range(START, periods=30, freq="7D")
    _series(tmp_path, pd.date_range(START, periods=30 * 7, freq="D"))
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "10") for w in weeks])
    with pytest.raises(TrafficDataError, match="only 30 weeks.*at least 39"):
        load_mix_inputs(tmp_path)


def test_a_week_without_outcome_is_an_error_naming_it(tmp_path):
    days = pd.date_range(START, periods=45 * 7, freq="D")
    gap = (days >= "2025-03-10") & (days <= "2025-03-16")
    _series(tmp_path, days[~gap])
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "10") for w in pd.date_range(START, periods=45, freq="7D")])
    with pytest.raises(TrafficDataError, match="no outcome data for the week\\(s\\) of 2025-03-10"):
        load_mix_inputs(tmp_path)


def test_missing_days_of_outcome_in_a_week_are_an_error(tmp_path):
    days = pd.date_range(START, periods=45 * 7, freq="D")
    _series(tmp_path, days[(days != "2025-04-02") & (days != "2025-04-03")])
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "10") for w in pd.date_range(START, periods=45, freq="7D")])
    with pytest.raises(TrafficDataError, match="only some days of the week\\(s\\) of 2025-03-31 \\(5 of 7"):
        load_mix_inputs(tmp_path)


def test_bad_amount_in_a_plan_names_file_column_and_line(tmp_path):
    _series(tmp_path, pd.date_range(START, periods=45 * 7, freq="D"))
    _tv(tmp_path, [("06/01/2025", "TV", "10"), ("13/01/2025", "TV", "dix")])
    with pytest.raises(TrafficDataError, match="plan_tv.csv.*Dépense \\(EUR\\).*line 3.*'dix'"):
        load_mix_inputs(tmp_path)


def test_no_overlap_is_an_error(tmp_path):
    _series(tmp_path, pd.date_range("2023-01-02", periods=45 * 7, freq="D"))
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "10") for w in pd.date_range(START, periods=45, freq="7D")])
    with pytest.raises(TrafficDataError, match="do not overlap"):
        load_mix_inputs(tmp_path)


# ------------------------------------------------------------------ other outcomes

def test_crm_leads_and_won_deals_as_outcome(tmp_path):
    from trafficlib.datasets import leads as leads_part

    leads_part.generate(tmp_path, seed=1, scale=0.5)
    folder = tmp_path / leads_part.FOLDER
    got = load_mix_inputs(folder)
    assert got["outcome"] == "leads" and got["outcome_kind"] == "leads" and not got["outcome_is_money"]
    crm = pd.read_csv(folder / "crm_leads.csv", sep=None, engine="python")
    created = pd.to_datetime(crm["date_de_creation"], format="%d/%m/%Y %H:%M").dt.normalize()
    t = got["table"]
    first, last = t["date"].iloc[0], t["date"].iloc[-1] + pd.Timedelta(days=6)
    assert t["leads"].sum() == ((created >= first) & (created <= last)).sum()
    assert len(t) >= 39 and {"spend", "outcome"} <= {e["role"] for e in got["exports"]}
    won = load_mix_inputs(folder, outcome="won_deals")
    assert won["outcome"] == "won_deals" and 0 < won["table"]["won_deals"].sum() < t["leads"].sum()


def test_the_kits_sessions_table_as_outcome(tmp_path):
    days = pd.date_range(START, periods=41 * 7, freq="D")
    sessions = pd.DataFrame({"session_id": [f"s{i}" for i in range(2 * len(days))],
                             "user_id": "u1",
                             "start": list(days + pd.Timedelta(hours=9)) + list(days + pd.Timedelta(hours=20)),
                             "pageviews": 3, "conversions": 1, "revenue": 50.0})
    sessions.to_csv(tmp_path / "sessions.csv", index=False)
    _always_on(tmp_path, 41)
    got = load_mix_inputs(tmp_path)
    assert got["outcome"] == "revenue" and (got["table"]["revenue"] == 700.0).all()
    conv = load_mix_inputs(tmp_path, outcome="conversions")
    assert (conv["table"]["conversions"] == 14).all()


def test_ad_downloads_without_dates_are_an_error(tmp_path, shared_dir):
    import shutil

    shutil.copy(shared_dir / "specimens" / "google_ads" / "campaign_report.csv", tmp_path)  # "All time"
    _series(tmp_path, pd.date_range(START, periods=45 * 7, freq="D"))
    with pytest.raises(TrafficDataError, match="campaign_report.csv.*no dates.*segmented by Day"):
        load_mix_inputs(tmp_path)


def test_a_crm_table_with_date_channel_amount_is_not_a_spend_plan(tmp_path):
    days = pd.date_range(START, periods=42 * 7, freq="D")
    _series(tmp_path, days)
    _always_on(tmp_path, 42)
    lines = ["lead_id;date;canal;montant"] + [f"L{i};{d:%d/%m/%Y};Salon;1 500" for i, d in enumerate(days[:30])]
    (tmp_path / "crm.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    got = load_mix_inputs(tmp_path, outcome="value")
    assert got["channels"] == ["Search"]
    assert any(f.endswith("crm.csv") for f, _ in got["skipped"])


def test_a_plan_repeating_an_ad_download_channel_is_an_error(demo, tmp_path):
    import shutil

    for f in demo[0].iterdir():
        shutil.copy(f, tmp_path)
    _tv(tmp_path, [("04/11/2024", "Meta", "1 000")], name="plan_agence.csv")
    with pytest.raises(TrafficDataError, match="plan_agence.csv.*'Meta' is both.*count twice"):
        load_mix_inputs(tmp_path)


# ------------------------------------------------------------------ controls (calendars)

def test_demo_promotions_calendar_gives_back_the_simulators_promo(demo, demo_inputs):
    folder, truth = demo
    sim = mix.simulate(3, weeks=media_mix.WEEKS, channels=media_mix.CHANNELS, start=media_mix.START)
    t = demo_inputs["table"]
    assert demo_inputs["controls"] == ["promotion"] and truth["controls"] == ["promotion"]
    assert "promotion" not in demo_inputs["channels"] and demo_inputs["outcome"] == "revenue"
    np.testing.assert_array_equal(t["promotion"].to_numpy(), sim.data["promo"].to_numpy())
    assert t.loc[t["promotion"] == 1, "date"].dt.strftime("%Y-%m-%d").tolist() == truth["promo_weeks"]
    assert 0 < t["promotion"].sum() < len(t)
    raw = (folder / "calendrier_promotions.csv").read_bytes()
    head = raw.splitlines()[0].decode("cp1252")
    assert head == "Date;promotion;Opération" and b"\r\n" in raw
    assert len(raw.splitlines()) == 1 + 7 * media_mix.WEEKS  # one row per day
    assert any("calendrier_promotions.csv: columns not used: Opération" in n for n in demo_inputs["notes"])
    assert any("share of the week's days" in n for n in demo_inputs["notes"])


def _calendar(folder, header, rows, name="calendrier.csv", encoding="cp1252", sep=";"):
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    (folder / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def test_french_daily_calendar_is_averaged_per_week(tmp_path):
    """Daily rows (dd/mm/yyyy, decimal comma, cp1252): the week's value is the mean of its 7
    days; a promo on 2 days of a week is 2/7."""
    days = pd.date_range(START, periods=40 * 7, freq="D")
    _series(tmp_path, days, value=5)
    _always_on(tmp_path, 40)
    promo_days = {days[1], days[2], days[14]}  # 2 days of week 1, 1 day of week 3
    rows = [(f"{d:%d/%m/%Y}", "1" if d in promo_days else "0", f"{1 + (i % 7) / 100:.2f}".replace(".", ","),
             "Soldes" if d in promo_days else "") for i, d in enumerate(days)]
    _calendar(tmp_path, ("Jour", "Promo", "Indice de prix", "Libellé"), rows, name="controles_2025.csv")
    got = load_mix_inputs(tmp_path)
    t = got["table"]
    assert got["controls"] == ["Promo", "Indice de prix"]
    assert got["channels"] == ["Search"] and got["outcome"] == "value"
    assert t["Promo"].tolist()[:4] == pytest.approx([2 / 7, 0, 1 / 7, 0])
    assert t["Indice de prix"].tolist() == pytest.approx([1.03] * 40)  # mean of 1.00 .. 1.06
    role = next(e for e in got["exports"] if e["file"].endswith("controles_2025.csv"))
    assert (role["role"], role["kind"], role["channels"]) == ("control", "controls/day", [])
    assert all(not f.endswith("controles_2025.csv") for f, _ in got["skipped"])


def test_weekly_calendar_with_english_headers_and_xlsx(tmp_path):
    weeks = pd.date_range(START, periods=40, freq="7D")
    _series(tmp_path, pd.date_range(START, periods=40 * 7, freq="D"), value=1)
    _always_on(tmp_path, 40)
    frame = pd.DataFrame({"week": weeks, "price_index": [1 + i / 100 for i in range(40)],
                          "competitor_pressure": [0.5] * 40})
    frame.to_excel(tmp_path / "market.xlsx", index=False)
    got = load_mix_inputs(tmp_path)
    t = got["table"]
    assert got["controls"] == ["price_index", "competitor_pressure"]
    assert t["price_index"].tolist() == pytest.approx([1 + i / 100 for i in range(40)])
    assert (t["competitor_pressure"] == 0.5).all()
    daily = load_mix_inputs(tmp_path, freq="D")["table"]
    assert daily["price_index"].iloc[:8].tolist() == pytest.approx([1.0] * 7 + [1.01])


def test_a_week_missing_from_the_calendar_is_an_error_naming_it(tmp_path):
    days = pd.date_range(START, periods=40 * 7, freq="D")
    _series(tmp_path, days)
    _always_on(tmp_path, 40)
    gap = (days >= "2025-03-10") & (days <= "2025-03-16")
    _calendar(tmp_path, ("Date", "promotion"), [(f"{d:%d/%m/%Y}", "0") for d in days[~gap]])
    with pytest.raises(TrafficDataError, match="calendrier.csv.*no row for the week\\(s\\) of 2025-03-10 inside"):
        load_mix_inputs(tmp_path)
    # a calendar stopping before the table's end: the weeks it misses are named
    _calendar(tmp_path, ("Date", "promotion"), [(f"{d:%d/%m/%Y}", "0") for d in days[:38 * 7]])
    with pytest.raises(TrafficDataError, match="week\\(s\\) of 2025-09-29, 2025-10-06 inside"):
        load_mix_inputs(tmp_path)
    # days missing inside a week: the mean of 7 days cannot be taken
    _calendar(tmp_path, ("Date", "promotion"), [(f"{d:%d/%m/%Y}", "0") for d in days if d != days[9]])
    with pytest.raises(TrafficDataError, match="only some days of the week\\(s\\) of 2025-01-13 \\(6 of 7"):
        load_mix_inputs(tmp_path)


def test_a_calendar_is_never_a_channel_nor_the_outcome(tmp_path):
    days = pd.date_range(START, periods=40 * 7, freq="D")
    weeks = pd.date_range(START, periods=40, freq="7D")
    _tv(tmp_path, [(f"{w:%d/%m/%Y}", "TV", "100") for w in weeks])
    _calendar(tmp_path, ("Date", "promotion"), [(f"{d:%d/%m/%Y}", str(int(d.day < 8))) for d in days])
    # no outcome file: the calendar is not taken for one
    with pytest.raises(TrafficDataError, match="no outcome"):
        load_mix_inputs(tmp_path)
    _series(tmp_path, days, value=2)
    got = load_mix_inputs(tmp_path)
    assert got["channels"] == ["TV"] and got["outcome"] == "value" and got["controls"] == ["promotion"]
    assert set(got["table"].columns) == {"date", "TV", "TV_impressions", "value", "promotion"}
    with pytest.raises(TrafficDataError, match="'promotion' is a control of this calendar, not an outcome"):
        load_mix_inputs(tmp_path, outcome="promotion")
    # a plain date,value file named like a calendar is still the outcome when its column is not a control
    assert load_mix_inputs(tmp_path, outcome="value")["controls"] == ["promotion"]


def test_calendar_flags_written_x_and_bad_cells(tmp_path):
    days = pd.date_range(START, periods=40 * 7, freq="D")
    _series(tmp_path, days)
    _always_on(tmp_path, 40)
    _calendar(tmp_path, ("Date", "Soldes"), [(f"{d:%d/%m/%Y}", "x" if d.month == 1 else "") for d in days],
              name="agenda.csv")
    t = load_mix_inputs(tmp_path)["table"]
    assert t["Soldes"].tolist()[:5] == pytest.approx([1, 1, 1, 5 / 7, 0])  # Jan 27 - Feb 2: 5 January days
    assert t["Soldes"].iloc[4:].sum() == 0
    _calendar(tmp_path, ("Date", "Soldes"), [(f"{d:%d/%m/%Y}", "1" if i != 3 else "un") for i, d in enumerate(days)],
              name="agenda.csv")
    with pytest.raises(TrafficDataError, match="agenda.csv.*Soldes.*line 5.*'un'"):
        load_mix_inputs(tmp_path)
    _calendar(tmp_path, ("Date", "Indice prix"), [(f"{d:%d/%m/%Y}", "" if i == 2 else "1,05")
                                                  for i, d in enumerate(days)], name="agenda.csv")
    with pytest.raises(TrafficDataError, match="agenda.csv.*Indice prix.*line 4.*empty cells"):
        load_mix_inputs(tmp_path)


def test_a_table_mixing_controls_and_sales_is_an_error(tmp_path):
    days = pd.date_range(START, periods=40 * 7, freq="D")
    _always_on(tmp_path, 40)
    _calendar(tmp_path, ("Date", "Ventes", "Promo"), [(f"{d:%d/%m/%Y}", "10", "0") for d in days], name="ventes.csv")
    with pytest.raises(TrafficDataError, match=r"ventes.csv.*mixes controls \(Promo\) with other figures \(Ventes\)"):
        load_mix_inputs(tmp_path)


def test_a_control_named_like_a_channel_is_an_error(tmp_path):
    days = pd.date_range(START, periods=40 * 7, freq="D")
    _series(tmp_path, days)
    _always_on(tmp_path, 40)
    for name in ("Search", "value"):  # the channel, the outcome
        _calendar(tmp_path, ("Date", name), [(f"{d:%d/%m/%Y}", "0") for d in days], name="calendrier.csv")
        with pytest.raises(TrafficDataError, match=f"calendrier.csv.*control column '{name}' has the name of"):
            load_mix_inputs(tmp_path)
