"""The media-mix report (trafficlib.mix.report): its tables, charts, sentences in English
and French, the warning when the fit cannot be trusted, the attribution comparison and
its degrade, escaping, and the auto planner's rule. One small fit of the simulator,
shared by the module."""
from __future__ import annotations

import dataclasses
import importlib
import re
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from trafficlib import display, mix, plots  # noqa: E402
auto_plan = importlib.import_module("trafficlib.auto.plan")  # the module (trafficlib.auto.plan is also a function)
from trafficlib.mix import report as mr  # noqa: E402

CHANNELS = ["google_search", "meta", "tv"]


@pytest.fixture(scope="module")
def sim():
    return mix.simulate(3, weeks=78, channels=CHANNELS)


@pytest.fixture(scope="module")
def result(sim):
    return mix.fit(sim.data, "revenue", CHANNELS, controls=["promo"], holidays="FR", holdout=8, draws=200, tune=200,
                   chains=2, seed=1)


@pytest.fixture(scope="module")
def plan(result):
    return result.optimize(weeks=13, default_bounds=(0.5, 1.5))


def _inputs(sim, money=True, touchpoints=None):
    return {"table": sim.data, "channels": CHANNELS, "outcome": "revenue" if money else "conversions",
            "outcome_kind": "revenue" if money else "conversions", "outcome_is_money": money, "currency": "EUR",
            "exports": [], "skipped": [("old/report.csv", "no <date> column")], "notes": ["3 weeks filled with 0"],
            "touchpoints": touchpoints}


def _faked(result, diagnostics: dict | None = None, metrics: dict | None = None):
    """The same result whose diagnostics / held-out metrics say something else."""
    fake = dataclasses.replace(result, _p=result._p)
    real_d, real_m = result.diagnostics(), result.fit_metrics()
    fake.diagnostics = lambda: {**real_d, **(diagnostics or {})}
    fake.fit_metrics = lambda: {**real_m, **(metrics or {})}
    return fake


GOOD = {"rhat_max": 1.003, "rhat_worst": "roi", "ess_min": 900.0, "divergences": 0, "ok": True, "verdict": "good"}
HELD_GOOD = {"mape_holdout": 4.0, "coverage_holdout": 0.875, "holdout_periods": 8}


@pytest.fixture()
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(display, "_show", out.append)
    return out


# ---------------------------------------------------------------- what each channel brought


def test_roi_view_is_the_model_roi_with_its_interval(result):
    v = mr.roi_view(result, True, "en")
    assert list(v.columns) == ["channel", "spend", "contribution", "contribution_ci", "share", "roi", "roi_ci", "mroi"]
    assert sorted(v["channel"]) == sorted(CHANNELS)
    assert v["roi"].is_monotonic_decreasing
    r = result.roi.set_index("channel")
    for _, row in v.iterrows():
        assert row["roi"] == pytest.approx(r.loc[row["channel"], "roi"], abs=0.006)
        assert row["spend"] == pytest.approx(r.loc[row["channel"], "spend"])
        lo, hi = (float(x.replace(",", "")) for x in row["roi_ci"].split(" – "))
        assert lo <= row["roi"] <= hi
        assert row["contribution_ci"].startswith("€")
    assert 0 < v["share"].sum() < 1
    fr = mr.roi_view(result, True, "fr")
    assert re.fullmatch(r"\d+,\d{2} – \d+,\d{2}", fr["roi_ci"].iloc[0])


def test_a_count_outcome_is_shown_per_1000_euros(result):
    money, count = mr.roi_view(result, True, "en"), mr.roi_view(result, False, "en")
    assert count["roi"].to_numpy() == pytest.approx(money["roi"].to_numpy() * 1000, rel=0.01, abs=1)
    assert mr.unit_text("conversions", "conversions", False, "EUR", "en") == "conversions per 1,000 € spent"
    assert mr.unit_text("leads", "leads", False, "EUR", "fr") == "leads pour 1 000 € dépensés"
    assert mr.unit_text("revenue", "revenue", True, "EUR", "fr") == "€ de chiffre d'affaires par € dépensé"
    assert mr.unit_text("custom", "store_visits", False, "EUR", "en") == "store visits per 1,000 € spent"
    en = mr.roi_definition({"outcome_kind": "conversions", "outcome": "conversions", "outcome_is_money": False})
    assert "conversions per 1,000 € spent" in en and "break-even" not in en
    fr = mr.roi_definition({"outcome_kind": "revenue", "outcome": "revenue", "outcome_is_money": True}, "fr")
    assert "seuil de rentabilité" in fr and "intervalle à 90 %" in fr


def test_roi_and_contribution_charts(result):
    fig = mr.plot_roi(result, True, "€ per €", "en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(result.roi.sort_values("roi")["channel"])
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.get_lines())      # break-even
    fig2 = mr.plot_roi(result, False, "conversions per 1,000 €", "en")
    assert not any(list(line.get_xdata()) == [1.0, 1.0] for line in fig2.axes[0].get_lines())
    fig3 = mr.plot_contributions(result, "fr")
    labels = [t.get_text() for t in fig3.axes[0].get_legend().get_texts()]
    assert labels[0] == "Socle (hors médias)" and set(CHANNELS) <= set(labels) and "Observé" in labels
    # the stack adds up to the model's parts
    c = result.contributions()
    stacked = sum(col.get_paths()[0].vertices[:, 1].max() for col in [fig3.axes[0].collections[-1]])
    assert stacked == pytest.approx(c.drop(columns="outcome").sum(axis=1).max(), rel=0.05)


# ---------------------------------------------------------------- the next euro and the shift


def test_next_euro_view_and_curves(result):
    v = mr.mroi_view(result, True, "fr")
    assert list(v.columns) == ["channel", "weekly_spend", "roi", "mroi", "mroi_ci", "verdict"]
    assert v["mroi"].is_monotonic_decreasing
    m = result.marginal_roi().set_index("channel")
    assert v.set_index("channel")["mroi"].to_numpy() == pytest.approx(m.loc[v["channel"], "mroi"].to_numpy(), abs=0.006)
    assert set(v["verdict"]) <= {"marge de croissance", "saturé", "s'essouffle"}
    ratio = v["mroi"] / v["roi"]
    assert ((ratio >= 0.8) == (v["verdict"] == "marge de croissance")).all()
    fig = mr.plot_response_curves(result, "en")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    # the kit's style puts titles on the left (axes.titlelocation): read whichever is set
    assert [ax.get_title("left") or ax.get_title() for ax in visible] == CHANNELS
    assert "average weekly spend" in fig._suptitle.get_text()


def test_plan_view_keeps_the_budget_and_the_bounds(plan):
    v = mr.plan_view(plan, True, "en")
    assert list(v.columns) == ["channel", "current", "recommended", "change", "change_pct", "bounds", "mroi_current",
                               "mroi_recommended"]
    assert v["recommended"].sum() == pytest.approx(v["current"].sum(), rel=1e-6)
    assert (v["change"] == v["recommended"] - v["current"]).all()
    assert v["change"].is_monotonic_decreasing
    assert v["bounds"].iloc[0].startswith("€") and " – €" in v["bounds"].iloc[0]
    assert ((v["recommended"] >= 0.5 * v["current"] - 1e-6) & (v["recommended"] <= 1.5 * v["current"] + 1e-6)).all()
    f = mr.plan_facts(plan, "fr")
    assert f["weeks"] == "13" and f["uplift"].endswith("€") and f["prob"].endswith("%")
    assert f["sure"] == (plan.summary["prob_positive"] >= 0.9)
    fig = mr.plot_plan(plan, "en")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["Recommended", "Today"]


# ---------------------------------------------------------------- how far to trust it


def test_good_checks_give_no_warning(result, sim, plan):
    tr = mr.trust(_faked(result, GOOD, HELD_GOOD))
    assert tr["ok"] and tr["level"] == "good"
    assert mr.warnings(tr) == [] and mr.warning_heading(tr) is None and mr.warning_table(tr).empty
    assert mr.trust_verdict(tr, "en").startswith("The sampler converged")
    assert set(mr.trust_view(tr, "fr")["status"]) <= {"OK", "–"}
    found = mr.findings(result, plan, tr, _inputs(sim), "en")
    assert "trust" not in [f.key for f in found]


def test_bad_diagnostics_raise_a_visible_warning(result, sim, plan, shown):
    bad = _faked(result, {"rhat_max": 1.31, "rhat_worst": "alpha", "ess_min": 12.0, "divergences": 40, "ok": False,
                          "verdict": "poor"}, HELD_GOOD)
    tr = mr.trust(bad)
    assert not tr["ok"] and tr["level"] == "poor"
    assert mr.warning_heading(tr)[0].startswith("WARNING")
    w = mr.warning_table(tr, "fr")
    assert list(w["severity"]) == ["high"] * 3
    assert "R-hat 1,310 sur alpha" in w["detail"].iloc[0] and w["action"].iloc[0].startswith("À corriger")
    assert "40 transitions divergentes" in w["detail"].iloc[1]
    assert "problème" in set(mr.trust_view(tr, "fr")["status"])
    found = mr.findings(result, plan, tr, _inputs(sim), "en")
    assert found[0].key == "trust" and found[0].severity == "high"
    display.setup("en")
    display.findings(mr.findings_table(found))
    assert "Do not act on these figures yet" in shown[-1]
    # the shift is never a "high" finding from a model that failed its checks
    assert all(f.severity != "high" for f in found if f.key == "shift")


def test_a_poor_forecast_of_the_held_out_weeks_is_a_warning_too(result):
    tr = mr.trust(_faked(result, GOOD, {"mape_holdout": 31.0, "coverage_holdout": 0.25, "holdout_periods": 8}))
    assert tr["sampler_ok"] and not tr["holdout_ok"] and tr["level"] == "poor"
    (text,) = mr.warnings(tr, "en")
    assert "8 weeks it did not see" in text and "25%" in text
    assert "prévoit mal" in mr.warnings(tr, "fr")[0]
    assert "forecasts the weeks it did not see poorly" in mr.trust_verdict(tr, "en")


def test_nearly_met_checks_are_a_caution_not_a_stop(result, plan, sim):
    tr = mr.trust(_faked(result, {**GOOD, "divergences": 2, "ok": False, "verdict": "usable"}, HELD_GOOD))
    assert tr["level"] == "caution" and not tr["ok"]
    assert mr.warning_heading(tr)[0].startswith("Caution")
    assert list(mr.warning_table(tr)["severity"]) == ["medium"]
    f = [x for x in mr.findings(result, plan, tr, _inputs(sim), "fr") if x.key == "trust"][0]
    assert f.severity == "medium" and "approximatifs" in f.title
    assert "consoliderait" in mr.warning_table(tr, "fr")["action"].iloc[0]


def test_the_fit_chart_shades_the_held_out_weeks(result):
    fig = mr.plot_fit(result, "en")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Held out (not seen by the fit)" in labels
    span = [p for p in ax.patches if p.get_label().startswith("Held out")][0]
    x0, x1 = span.get_x(), span.get_x() + span.get_width()
    held = result.fit_table()
    first, last = (matplotlib.dates.date2num(held.loc[held["held_out"], "date"].agg(f)) for f in ("min", "max"))
    seen = matplotlib.dates.date2num(held.loc[~held["held_out"], "date"].max())
    assert seen < x0 < first and last < x1


# ---------------------------------------------------------------- beside the attribution models


def _touchpoints(sim, start="2025-02-03", days=180, seed=0):
    rng = np.random.default_rng(seed)
    names = {"google_search": "Google Search", "meta": "META", "tv": "tv"}    # case and spaces differ
    rows = []
    for u in range(600):
        t = pd.Timestamp(start) + pd.Timedelta(days=float(rng.uniform(0, days)))
        n = int(rng.integers(1, 4))
        for k in range(n):
            ch = rng.choice(list(names.values()) + ["Direct"])
            rows.append({"user_id": f"u{u}", "timestamp": t + pd.Timedelta(hours=6 * k), "channel": ch,
                         "conversion": int(k == n - 1 and u % 3 == 0), "conversion_value": 50.0 + u % 7})
    return pd.DataFrame(rows)


def test_attribution_roas_beside_the_model_over_the_same_weeks(result, sim):
    tp = _touchpoints(sim)
    side = mr.attribution_roas(tp, result, True)
    assert list(side.columns[:5]) == ["channel", "spend", "mmm_roi", "mmm_lower", "mmm_upper"]
    assert side.attrs["models"] == ["last_touch", "linear", "markov", "shapley"]
    assert side.attrs["unmatched"] == ["Direct"]
    d = result.design
    weeks = (d.dates + pd.Timedelta(days=7) > tp.loc[tp["conversion"] == 1, "timestamp"].min()) & \
            (d.dates <= tp.loc[tp["conversion"] == 1, "timestamp"].max())
    spend = pd.Series(d.spend[weeks].sum(axis=0), index=d.channels)
    assert side.set_index("channel")["spend"].to_numpy() == pytest.approx(spend.to_numpy())
    # last touch by hand: each converting user's last touch gets the value
    conv = tp[tp["conversion"] == 1]
    key = {"Google Search": "google_search", "META": "meta", "tv": "tv"}
    by_hand = conv.assign(c=conv["channel"].map(key)).groupby("c")["conversion_value"].sum()
    got = side.set_index("channel")["roas_last_touch"]
    for ch in CHANNELS:
        assert got[ch] == pytest.approx(by_hand.get(ch, 0.0) / spend[ch])
    # the model's ROI over those weeks, not over all of them
    eff = result.effects()[:, weeks, :].sum(axis=1) / spend.to_numpy()
    assert side["mmm_roi"].to_numpy() == pytest.approx(np.median(eff, axis=0))
    view, extra = mr.side_by_side_view(side, "fr")
    assert extra == {"roas_last_touch": "Dernier contact", "roas_linear": "Linéaire", "roas_markov": "Markov",
                     "roas_shapley": "Shapley"}
    assert "mmm_ci" in view
    text = mr.attribution_text(side, "en")
    assert "thousand impressions" in text and "path-based attribution" in text
    assert "mille impressions" in mr.attribution_text(side, "fr")
    fig = mr.plot_side_by_side(side, "€ per €", "en")
    assert len(fig.axes[0].get_legend().get_texts()) == 5


def test_conversions_before_the_modelled_weeks_are_not_credited(result, sim):
    tp = _touchpoints(sim, start="2024-09-01", days=120, seed=2)     # the model starts on 2024-11-04
    side = mr.attribution_roas(tp, result, True).set_index("channel")
    start = result.design.dates[0]
    assert side.attrs["start"] == start
    conv = tp[(tp["conversion"] == 1) & (tp["timestamp"] >= start)]
    assert (tp.loc[tp["conversion"] == 1, "timestamp"] < start).any()            # some are before: left out
    key = {"Google Search": "google_search", "META": "meta", "tv": "tv"}
    by_hand = conv.assign(c=conv["channel"].map(key)).groupby("c")["conversion_value"].sum()
    for ch in CHANNELS:
        assert side.loc[ch, "roas_last_touch"] == pytest.approx(by_hand.get(ch, 0.0) / side.loc[ch, "spend"])
    assert side.attrs["conversions"] == len(conv)


def test_attribution_degrades_to_one_line(result, sim, tmp_path):
    side, why = mr.attribution_side(_inputs(sim), result, True)
    assert side is None and why == "absent"
    assert "touchpoints.csv" in mr.no_touchpoints_text(why, "en")
    assert "Aucun fichier de points de contact" in mr.no_touchpoints_text(why, "fr")
    far = tmp_path / "touchpoints.csv"
    _touchpoints(sim, start="2031-01-01").to_csv(far, index=False)
    side, why = mr.attribution_side(_inputs(sim, touchpoints=far), result, True)
    assert side is None and "touchpoints.csv" in why and "do not overlap" in why
    broken = tmp_path / "broken.csv"
    broken.write_text("who,when\n1,2\n", encoding="utf-8")
    side, why = mr.attribution_side(_inputs(sim, touchpoints=broken), result, True)
    assert side is None and why.startswith("broken.csv: ")
    assert "could not be used" in mr.no_touchpoints_text(why, "en")


def test_a_count_outcome_credits_conversions(result, sim):
    tp = _touchpoints(sim)
    money = mr.attribution_roas(tp, result, True).set_index("channel")
    count = mr.attribution_roas(tp, result, False).set_index("channel")
    conv = tp[tp["conversion"] == 1]
    n = conv.assign(c=conv["channel"].str.lower().str.replace(" ", "_")).groupby("c").size()
    assert count.loc["tv", "roas_last_touch"] == pytest.approx(n.get("tv", 0) / money.loc["tv", "spend"] * 1000)
    assert count.loc["tv", "mmm_roi"] == pytest.approx(money.loc["tv", "mmm_roi"] * 1000)


# ---------------------------------------------------------------- texts, escaping, inputs


def test_findings_and_cards_in_both_languages(result, sim, plan):
    tr = mr.trust(_faked(result, GOOD, HELD_GOOD))
    en = mr.findings(result, plan, tr, _inputs(sim), "en")
    fr = mr.findings(result, plan, tr, _inputs(sim), "fr")
    assert [f.key for f in en] == [f.key for f in fr]
    assert "next_euro" in [f.key for f in en] and "shift" in [f.key for f in en]
    nxt = [f for f in fr if f.key == "next_euro"][0]
    assert nxt.title.startswith("Le prochain euro rapporte le plus sur ")
    cards = mr.headline_cards(result, plan, _inputs(sim), "fr")
    assert [c["label"] for c in cards][:3] == ["Dépense média", "Chiffre d'affaires", "Apporté par les médias"]
    assert cards[0]["value"].endswith("€") and "\u202f" in cards[0]["value"]
    assert cards[3]["note"].endswith("(€ de chiffre d'affaires par € dépensé)")
    counted = mr.headline_cards(result, plan, _inputs(sim, money=False), "en")
    assert counted[3]["note"].endswith("(conversions per 1,000 € spent)")
    assert counted[3]["value"] == f"{result.roi['roi'].max() * 1000:,.2f}"
    assert mr.intro_text(result, _inputs(sim), "Maison", "fr").startswith("Modèle de media mix de Maison")
    assert "78 weeks" in mr.intro_text(result, _inputs(sim), "Maison", "en")


def test_a_channel_named_like_markup_is_escaped_everywhere(result, sim, plan, shown):
    evil = "<script>alert(1)</script>"
    design = dataclasses.replace(result.design, channels=[evil, "meta", "tv"])
    bad = dataclasses.replace(result, design=design, _p=result._p)
    display.setup("en")
    v = mr.roi_view(bad, True, "en")
    display.table(v, mr.view_formats(v, True), labels=mr.labels("en"))
    tr = mr.trust(_faked(bad, GOOD, HELD_GOOD))
    display.findings(mr.findings_table(mr.findings(bad, plan, tr, _inputs(sim), "en")))
    display.say(en="{text}", fr="{text}", text=mr.intro_text(bad, _inputs(sim), "<b>shop</b>", "en"))
    display.table(mr.skipped_table(_inputs(sim)), labels=mr.labels("en"))
    html = "".join(shown)
    assert "<script" not in html.lower() and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;shop&lt;/b&gt;" in html
    assert "no &lt;date&gt; column" in html
    svg = plots.svg_text(mr.plot_roi(bad, True, "€ per €", "en"))
    assert "<script" not in svg.lower()


def test_inputs_notes_and_exports(result, sim):
    got = _inputs(sim)
    got["exports"] = [{"file": "/x/google_ads.csv", "kind": "google_ads/campaigns", "role": "spend", "rows": 12,
                       "period": (pd.Timestamp("2025-01-06"), pd.Timestamp("2025-03-30")),
                       "channels": ["Google Search", "YouTube"]},
                      {"file": "/x/touchpoints.parquet", "kind": "canonical/touchpoints", "role": "touchpoints",
                       "rows": 5, "period": None, "channels": []}]
    t = mr.exports_table(got, "fr")
    assert t.to_dict("records") == [
        {"file": "google_ads.csv", "kind": "campaigns", "role": "dépense", "channels": "Google Search, YouTube",
         "rows": 12, "dates": "06/01/2025 – 30/03/2025"},
        {"file": "touchpoints.parquet", "kind": "touchpoints", "role": "points de contact", "channels": "–",
         "rows": 5, "dates": "–"}]
    assert mr.skipped_table(got).to_dict("records") == [{"file": "report.csv", "why": "no <date> column"}]
    notes = mr.read_notes(got, result)
    assert notes[0] == "3 weeks filled with 0" and len(notes) == len(set(notes))


def test_channel_map_text(tmp_path):
    assert mr.parse_channel_map("") is None and mr.parse_channel_map({}) is None
    assert mr.parse_channel_map("brand = Brand search; tv|radio=Offline\n") == {"brand": "Brand search",
                                                                              "tv|radio": "Offline"}
    from trafficlib.errors import TrafficDataError

    with pytest.raises(TrafficDataError, match="not 'regex = channel'"):
        mr.parse_channel_map("brand")
    with pytest.raises(TrafficDataError, match="not a valid regular expression"):
        mr.parse_channel_map("(brand = x")


def test_controls_are_the_table_s_other_numeric_columns(sim):
    t = sim.data.assign(label="x", flat=1.0)
    assert mr.controls_of(t, CHANNELS, "revenue") == ["promo"]


# ---------------------------------------------------------------- auto plans it when the files allow it


def _item(kind, table, span, frame=None, dims=("date",)):
    frame = frame if frame is not None else pd.DataFrame({"date": pd.date_range(*span, freq="D")})
    return SimpleNamespace(export=SimpleNamespace(kind=kind, table=table, frame=frame, dimensions=dims),
                           span=(pd.Timestamp(span[0]), pd.Timestamp(span[1])))


def test_auto_plans_the_media_mix_on_39_weeks_of_spend_and_outcome():
    spend = [_item("google_ads/campaigns", "ad_spend", ("2025-01-06", "2025-06-30")),
             _item("meta/ads_manager", "ad_spend", ("2025-06-01", "2025-12-28"))]
    outcome = _item("ga4/report", "web_cube", ("2025-01-06", "2025-12-28"))
    assert auto_plan._mix_span(spend + [outcome]) == {"mix_outcome": "auto"}
    short = _item("ga4/report", "web_cube", ("2025-07-01", "2025-12-28"))          # 26 weeks together
    assert auto_plan._mix_span(spend + [short]) == {}
    undated = _item("ga4/report", "web_cube", ("2025-01-06", "2025-12-28"), dims=("channel",))
    assert auto_plan._mix_span(spend + [undated]) == {}
    assert auto_plan._mix_span([outcome]) == {}
    spec = {s.key: s for s in auto_plan.REPORTS}["media-mix"]
    assert spec.notebook == "notebooks/media_mix.ipynb" and spec.parameters["outcome"] == "{mix_outcome}"
    assert "39 weeks" in auto_plan.FACT_HINTS["mix_outcome"]
