"""Lift results that calibrate the media-mix model: the lift file beside the downloads
(French and English layouts), its errors, load_mix_inputs picking it up, and the report's
table of measured lift against the model over the same weeks."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import mix
from trafficlib.datasets import media_mix
from trafficlib.errors import TrafficDataError
from trafficlib.mix.calibration import Z90, read_lift
from trafficlib.mix.inputs import load_mix_inputs


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("mix_lift")
    truth = media_mix.generate(out, seed=3)
    return out / media_mix.FOLDER, truth


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_the_demo_lift_test_is_read_and_handed_to_the_fit(demo):
    folder, truth = demo
    got = load_mix_inputs(folder)
    lift = got["lift"]
    planted = truth["lift_test"]
    assert len(lift) == 1 and lift["channel"].iloc[0] == "TV"
    assert lift["lift"].iloc[0] == pytest.approx(planted["measured"], abs=0.01)
    assert lift["lift_sd"].iloc[0] == pytest.approx(planted["sd"], abs=0.01)
    assert lift["start"].iloc[0] == pd.Timestamp(planted["start"])
    assert lift["end"].iloc[0] == pd.Timestamp(planted["end"])
    assert [e["role"] for e in got["exports"]].count("lift") == 1
    assert not any("test_lift_tv" in f for f, _ in got["skipped"])
    # the measured gain is the planted truth within a few standard errors (a 10 % error was drawn)
    assert abs(planted["measured"] - planted["true_contribution"]) < 3 * planted["sd"]


def test_a_lift_with_a_90_interval(tmp_path):
    f = write(tmp_path / "lift.csv", "channel,start,end,lift,lift_lower,lift_upper\n"
                                     "TV,2025-01-06,2025-02-02,1000,800,1200\n")
    rows = read_lift(f)
    assert rows["lift"].iloc[0] == 1000  # "lift_lower" is not taken for the lift
    assert rows["lift_sd"].iloc[0] == pytest.approx(400 / (2 * Z90))
    assert rows["line"].iloc[0] == 2


def test_a_french_lift_file(tmp_path):
    f = write(tmp_path / "tests.csv", "Canal;Début;Fin;Gain mesuré (€);Écart-type (€)\r\n"
                                      "Meta;06/01/2025;02/02/2025;12 345,50;1 234,5\r\n", "cp1252")
    rows = read_lift(f)
    assert rows.iloc[0]["lift"] == 12345.5 and rows.iloc[0]["lift_sd"] == 1234.5
    assert rows.iloc[0]["start"] == pd.Timestamp("2025-01-06")


@pytest.mark.parametrize("body, message, line", [
    ("TV;06/01/2025;02/02/2025;abc;10\r\n", "as a number", 2),
    ("TV;06/01/2025;02/02/2025;100;10\r\nTV;10/02/2025;01/02/2025;100;10\r\n", "end date is before", 3),
    ("TV;06/01/2025;02/02/2025;100;0\r\n", "positive standard error", 2),
    ("TV;32/01/2025;02/02/2025;100;10\r\n", "as a date", 2),
])
def test_bad_lift_files_say_where(tmp_path, body, message, line):
    f = write(tmp_path / "lift.csv", "Canal;Début;Fin;Gain;Écart-type\r\n" + body, "cp1252")
    with pytest.raises(TrafficDataError, match=message) as err:
        read_lift(f)
    assert line in err.value.rows and "lift.csv" in str(err.value)


def test_a_table_that_is_not_a_lift_file(tmp_path):
    f = write(tmp_path / "other.csv", "date,channel,spend\n2025-01-06,TV,100\n")
    assert read_lift(f) is None
    no_error = write(tmp_path / "nosd.csv", "channel,start,end,lift\nTV,2025-01-06,2025-02-02,10\n")
    with pytest.raises(TrafficDataError, match="standard error"):
        read_lift(no_error)


def test_a_lift_on_a_channel_the_downloads_lack(demo, tmp_path):
    import shutil

    folder = tmp_path / "mix"
    shutil.copytree(demo[0], folder)
    write(folder / "test_lift_tv.csv", "Canal;Début;Fin;Gain;Écart-type\r\nRadio;05/01/2026;01/02/2026;100;10\r\n",
          "cp1252")
    with pytest.raises(TrafficDataError, match="'Radio'") as err:
        load_mix_inputs(folder)
    assert err.value.rows == [2] and "test_lift_tv.csv" in str(err.value)


def test_the_report_sets_the_model_beside_the_measured_lift():
    """With one posterior draw, the model's contribution over the test weeks is the sum of
    the channel's effects over those weeks, computed here from the transforms."""
    import arviz as az

    from trafficlib.mix import report as mr
    from trafficlib.mix.result import MixResult
    from trafficlib.mix.transforms import geometric_adstock, hill

    sim = mix.simulate(2, weeks=60, channels=["tv", "meta"])
    design = mix.prepare(sim.data, "revenue", ["tv", "meta"])
    post = {"alpha": np.array([[[0.5, 0.2]]]), "half": np.array([[[1.0, 0.8]]]), "slope": np.array([[[1.5, 1.0]]]),
            "beta": np.array([[[0.2, 0.1]]]), "roi": np.ones((1, 1, 2)), "intercept": np.full((1, 1), 0.7),
            "sigma": np.full((1, 1), 0.05)}
    start, end = sim.data["date"].iloc[20], sim.data["date"].iloc[25]
    lift = pd.DataFrame({"channel": ["tv"], "start": [start], "end": [end], "lift": [5000.0], "lift_sd": [500.0]})
    res = MixResult(design=design, idata=az.from_dict(posterior=post), lift=lift)
    effect = 0.2 * design.y_scale * hill(geometric_adstock(design.media[:, 0], 0.5), 1.0, 1.5)
    expected = effect[20:26].sum()
    view = mr.lift_view(res, "fr", "EUR", True)
    assert view.loc[0, "channel"] == "tv"
    assert view.loc[0, "measured"] == f"{mr.money_text(5000, 'fr')} ± {mr.money_text(500, 'fr')}"
    assert view.loc[0, "period"].count("/") == 4  # two French dates
    shown = float(view.loc[0, "model"].split("€")[0].replace("\u202f", "").replace("\u00a0", "").replace(" ", ""))
    assert shown == pytest.approx(expected, abs=0.6)
    assert mr.lift_view(MixResult(design=design, idata=az.from_dict(posterior=post)), "en").empty


def test_auto_hands_the_side_files_to_the_media_mix(demo, tmp_path):
    """The TV plan, the promotions calendar and the lift test are no reader's export, but
    auto must not leave them out of the media mix: a mix without the TV plan would give
    TV's effect to the baseline."""
    from trafficlib import auto
    from trafficlib.mix.inputs import side_export

    folder, _ = demo
    kinds = {f.name: (side_export(f).kind if side_export(f) is not None else None) for f in folder.iterdir()}
    assert kinds["plan_tv.csv"] == "mix/offline_spend"
    assert kinds["calendrier_promotions.csv"] == "mix/controls"
    assert kinds["test_lift_tv.csv"] == "mix/lift"
    assert kinds["google_ads_campagnes.csv"] is None and kinds["ga4_revenus_par_date.csv"] is None
    res = auto.run(folder, tmp_path / "out", dry_run=True, echo=False)
    mix_run = next(r for r in res.plan.runnable if r.name.startswith("media-mix"))
    linked = sorted(p.name for p in (tmp_path / "out" / auto.INPUTS / mix_run.name / "data_path").iterdir())
    assert {"plan_tv.csv", "calendrier_promotions.csv", "test_lift_tv.csv"} <= set(linked)
    got = load_mix_inputs(tmp_path / "out" / auto.INPUTS / mix_run.name / "data_path")
    assert "TV" in got["channels"] and got["controls"] == ["promotion"] and len(got["lift"]) == 1
