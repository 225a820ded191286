"""The lesson data: the demo shop's tables, loaded once and cached (:class:`CourseData`),
and the lesson's state (language, data folder, exercise attempts)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pandas as pd

from trafficlib import display

SITE_DOMAIN = "maison-lumiere.fr"




class CourseData:
    """The demo shop's tables for the lessons, loaded once on first use and cached.

    Attributes (each a canonical table or a trafficlib result): ``sessions``,
    ``ad_spend``, ``touchpoints``, ``paths`` (30-day lookback), ``models``
    (:func:`trafficlib.attribution.compare_models`), ``ab_test`` (the demo's
    ``ab_test_ads.csv``), ``postmortem`` (of ``prospection_printemps``), ``traffic``
    (Similarweb-style estimates), ``rankings`` (the SEMrush position-tracking export:
    the last 8 weeks, small enough for a lesson), ``auction`` (Auction Insights).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._cache: dict[str, Any] = {}

    def _get(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def sessions(self) -> pd.DataFrame:
        from trafficlib import overview
        return self._get("sessions", lambda: overview.load_sessions(self.path))

    def between(self, start: str, end: str) -> pd.DataFrame:
        """Sessions starting on a day from ``start`` to ``end`` (both included)."""
        from trafficlib import periods
        p, _ = periods.resolve(start, end, "none")
        s = self.sessions
        return s[p.mask(s["start"])]

    @property
    def ad_spend(self) -> pd.DataFrame:
        from trafficlib import sources
        return self._get("ad_spend", lambda: sources.read(self.path / "ad_spend.parquet", "ad_spend"))

    @property
    def touchpoints(self) -> pd.DataFrame:
        from trafficlib import sources
        return self._get("touchpoints", lambda: sources.read(self.path / "touchpoints.parquet", "touchpoints"))

    @property
    def paths(self) -> pd.DataFrame:
        from trafficlib import attribution
        return self._get("paths", lambda: attribution.paths_from_touchpoints(self.touchpoints, lookback_days=30))

    @property
    def models(self) -> pd.DataFrame:
        from trafficlib import attribution
        return self._get("models", lambda: attribution.compare_models(self.paths))

    @property
    def ab_test(self) -> pd.DataFrame:
        from trafficlib import sources
        def make():
            raw = sources.read_raw(self.path / "ab_test_ads.csv")
            for col in ("impressions", "clicks", "conversions"):
                raw[col] = pd.to_numeric(raw[col]).astype(int)
            return raw
        return self._get("ab_test", make)

    @property
    def postmortem(self):
        from trafficlib import campaigns
        return self._get("postmortem", lambda: campaigns.postmortem(
            self.ad_spend, self.sessions, "prospection_printemps", "2026-04-06", "2026-05-03"))

    @property
    def traffic(self) -> pd.DataFrame:
        from trafficlib import marketdata
        return self._get("traffic", lambda: marketdata.read_similarweb(self.path / "competitors_similarweb.csv"))

    @property
    def rankings(self) -> pd.DataFrame:
        from trafficlib import marketdata
        return self._get("rankings", lambda: marketdata.read_rankings(self.path / "semrush_position_tracking.csv"))

    @property
    def auction(self) -> pd.DataFrame:
        from trafficlib import marketdata
        return self._get("auction", lambda: marketdata.read_auction_insights(
            self.path / "auction_insights_fr.csv", SITE_DOMAIN))


_DATA: dict[tuple, CourseData] = {}
_state: dict[str, Any] = {"data_path": None, "attempts": {}}


def _key(path: Path) -> tuple:
    files = sorted(path.glob("*")) if path.is_dir() else [path]
    return (str(path.resolve()), max((f.stat().st_mtime_ns for f in files), default=0))


def data(data_path: str | Path | None = None) -> CourseData:
    """The cached :class:`CourseData` of ``data_path`` (default: the one given to
    :func:`start`). Reloaded when a file of the folder changed."""
    path = Path(data_path if data_path is not None else (_state["data_path"] or "data/demo"))
    if not path.exists():
        from trafficlib.errors import TrafficDataError
        raise TrafficDataError("course data folder not found", file=str(path),
                               hint="generate the demo shop: trafficlib demo data/demo")
    key = _key(path)
    if key not in _DATA:
        for old in [k for k in _DATA if k[0] == key[0]]:
            del _DATA[old]
        _DATA[key] = CourseData(path)
    return _DATA[key]


def start(lang: str = "en", data_path: str | Path = "../../../data/demo") -> CourseData:
    """Start a lesson: set the language (:func:`trafficlib.display.setup`), forget
    previous attempts, and return the lesson's :class:`CourseData`."""
    display.setup(lang)
    _state["data_path"] = str(data_path)
    _state["attempts"] = {}
    return data(data_path)

