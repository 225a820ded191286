"""The demo shop: seeded, complete, and its planted truths documented."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from trafficlib import schema, sources
from trafficlib.datasets import make_demo


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    a = tmp_path_factory.mktemp("demo_a")
    b = tmp_path_factory.mktemp("demo_b")
    make_demo(a, seed=7, scale=0.2)
    make_demo(b, seed=7, scale=0.2)
    return a, b


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_data(small):
    a, b = small
    for name in ("truth.json", "README.md", "ad_spend.parquet", "rankings.csv", "google_ads_fr.csv"):
        assert _digest(a / name) == _digest(b / name), name
    for name in ("events.parquet", "sessions.parquet", "touchpoints.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))


def test_every_canonical_table_is_present_and_valid(demo_dir):
    for table in ("events", "sessions", "touchpoints", "ad_spend"):
        df = sources.read_folder(demo_dir, table)
        assert list(df.columns[: len(schema.columns(table))]) == schema.columns(table)
        assert len(df) > 1000


def test_thirteen_months_with_weekly_and_yearly_seasonality(demo_dir):
    s = pd.read_parquet(demo_dir / "sessions.parquet")
    span = s["start"].max() - s["start"].min()
    assert span.days >= 395
    human = s[s["country"] != "US"]
    by_dow = human.groupby(human["start"].dt.day_of_week).size()
    assert by_dow.idxmin() == 5  # Saturday quietest
    nov = human[(human["start"] >= "2025-11-24") & (human["start"] < "2025-12-01")].shape[0] / 7
    aug = human[(human["start"] >= "2026-08-01") & (human["start"] < "2026-09-01")].shape[0] / 31
    assert nov > 1.5 * aug  # Black Friday week vs August


def test_readme_documents_every_planted_truth(demo_dir, truth):
    text = (demo_dir / "README.md").read_text(encoding="utf-8")
    for phrase in ("known incremental lift", "Tracking outage", "Self-referral", "UTM values differing",
                   "Duplicated transaction", "Bot burst", "Touchpoints", "deco-rivale.fr"):
        assert phrase in text, phrase
    assert truth["web"]["campaign_lift"]["campaign"] in text


def test_scale_multiplies_traffic(small, truth):
    a, _ = small
    import json

    t = json.loads((a / "truth.json").read_text())
    assert 0.15 < t["web"]["sessions"] / truth["web"]["sessions"] < 0.3
