"""Shared fixtures: the demo shop (generated once per test session) and ../shared."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "data" / "demo"


def _demo_complete() -> bool:
    """The demo holds every part of the current generator (an older data/demo lacks the newer parts)."""
    from trafficlib.datasets import PARTS

    if not ((DEMO / "truth.json").exists() and (DEMO / "sessions.parquet").exists()):
        return False
    try:
        truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    except ValueError:
        return False
    return all(part in truth for part in PARTS)


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    """data/demo, generated if missing (`make test` generates it beforehand)."""
    if not _demo_complete():
        from trafficlib.datasets import make_demo

        make_demo(DEMO)
    return DEMO


@pytest.fixture(scope="session")
def truth(demo_dir) -> dict:
    return json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is absent")
    return SHARED
