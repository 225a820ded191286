"""Market exports are recognised from their headers, not their names."""
from __future__ import annotations

import shutil

import pytest

from trafficlib import sources
from trafficlib.readers import marketdata as md

CASES = [("google_trends.csv", "trends/interest", "trends", md.read_trends),
         ("competitors_similarweb.csv", "similarweb/traffic", "competitors", md.read_similarweb),
         ("semrush_position_tracking.csv", "rankings/positions", "rankings", md.read_rankings),
         ("auction_insights_fr.csv", "google_ads/auction_insights", "auction_insights", md.read_auction_insights)]


@pytest.mark.parametrize("name,kind,table,reader", CASES)
def test_load_recognises_renamed_market_exports(demo_dir, tmp_path, name, kind, table, reader):
    f = tmp_path / "export (3).csv"  # what a browser names the third download
    shutil.copy(demo_dir / name, f)
    e = sources.load(f)
    assert (e.kind, e.table) == (kind, table)
    assert len(e.frame) == len(reader(demo_dir / name))


def test_load_market_finds_renamed_files(demo_dir, tmp_path):
    for i, (name, *_) in enumerate(CASES):
        shutil.copy(demo_dir / name, tmp_path / f"download_{i}.csv")
    m = md.load_market(tmp_path, "maison-lumiere.fr")
    assert {c[2] for c in CASES} <= set(m.files)
    ref = md.load_market(demo_dir, "maison-lumiere.fr")
    assert len(m.trends) == len(ref.trends) and len(m.competitors) == len(ref.competitors)


def test_italian_trends_download_is_recognised(shared_dir):
    e = sources.load(shared_dir / "data" / "market" / "trends_it_allianz_vs_prima.csv")
    assert e.kind == "trends/interest" and e.frame["term"].nunique() == 2
