"""Site KPIs from the canonical sessions table, with the definitions they follow.

All definitions are GA4's (see ``../shared/design/ga4-definitions.md``):

========================  ================================================================
sessions                  rows of the sessions table
users                     distinct ``user_id`` (GA4 "total users")
new_users                 sessions flagged ``new_user`` (first session of the user)
engaged_sessions          sessions with ``engaged`` true (> 10 s engagement, a key event or
                          ≥ 2 page views; computed by :func:`engaged` when missing)
engagement_rate           engaged_sessions / sessions
bounce_rate               1 − engagement_rate (GA4). ``ua_bounce_rate``: single-page-view
                          sessions / sessions (Universal Analytics), on request
views_per_session         pageviews / sessions
avg_engagement_time_s     total engagement time / sessions, in seconds (GA4 shows it per
                          active user in some reports; we state "per session")
conversions               key events (purchases) counted
conversion_rate           sessions with ≥ 1 key event / sessions (GA4 "session key event rate")
revenue                   sum of purchase revenue, account currency
aov                       revenue / conversions (average order value)
========================  ================================================================

A ratio whose denominator is zero is NaN, never 0 or infinity.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KPI_FORMATS", "engaged", "session_kpis", "kpis_by", "kpis_from_sums", "session_sums", "ratio", "daily"]

# How each KPI is displayed (trafficlib.i18n.fmt kinds).
KPI_FORMATS = {
    "sessions": "int", "users": "int", "new_users": "int", "engaged_sessions": "int",
    "engagement_rate": "pct", "bounce_rate": "pct", "ua_bounce_rate": "pct", "views_per_session": "num2",
    "avg_engagement_time_s": "duration", "conversions": "int", "conversion_rate": "pct2",
    "revenue": "money0", "aov": "money", "share": "pct", "pageviews": "int",
}


def ratio(num, den):
    """num / den with NaN where den is 0 or missing: the kit's one rule for ratios
    (CTR, CPA, ROAS, rates...). Series keep their index; scalars give a float; arrays an
    array. Non-numeric values count as missing."""
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        n = pd.to_numeric(num, errors="coerce").astype("float64") if isinstance(num, pd.Series) else float(num)
        d = pd.to_numeric(den, errors="coerce").astype("float64") if isinstance(den, pd.Series) else float(den)
        if isinstance(d, pd.Series):
            return n / d.where(d != 0)
        return n / d if d != 0 and not np.isnan(d) else n * np.nan
    try:
        num_a = np.asarray(num, dtype=float)
        den_a = np.asarray(den, dtype=float)
    except (TypeError, ValueError):
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den_a == 0, np.nan, num_a / np.where(den_a == 0, 1, den_a))
    return out.item() if out.ndim == 0 else out


def engaged(sessions: pd.DataFrame, min_seconds: float = 10.0) -> pd.Series:
    """GA4 engaged-session flag: engagement time longer than ``min_seconds``, or a key
    event, or ≥ 2 page views. Uses ``engagement_time_s`` (else ``duration_s``) for the time."""
    time = sessions["engagement_time_s"] if "engagement_time_s" in sessions and sessions[
        "engagement_time_s"].notna().any() else sessions.get("duration_s", pd.Series(0.0, index=sessions.index))
    return ((time.fillna(0) > min_seconds) | (sessions["conversions"].fillna(0) > 0)
            | (sessions["pageviews"].fillna(0) >= 2)).astype(bool)


def _engaged(s: pd.DataFrame) -> pd.Series:
    if "engaged" in s and s["engaged"].notna().all():
        return s["engaged"].astype(bool)
    return engaged(s)


def session_sums(sessions: pd.DataFrame, keys=None) -> pd.DataFrame:
    """Additive sums (sessions, engaged_sessions, converting_sessions, conversions,
    revenue, pageviews, engagement_time in seconds, single_page, new_users) and distinct
    ``users`` per group of ``keys`` (a list of columns; None: one row) of session rows.
    The one place session rows become the sums :func:`kpis_from_sums` reads."""
    return _sums(sessions, keys)


# What each sum column adds up, in the column order of the sums table (``users`` is
# counted, not summed: distinct ``user_id`` of the group).
_ADDED = {"sessions": "_one", "new_users": "_new", "engaged_sessions": "_engaged", "single_page": "_single",
          "pageviews": "pageviews", "engagement_time": "_eng_time", "conversions": "conversions",
          "converting_sessions": "_converting", "revenue": "revenue"}
_ORDER = ["sessions", "users", "new_users", "engaged_sessions", "single_page", "pageviews", "engagement_time",
          "conversions", "converting_sessions", "revenue"]


def session_columns(s: pd.DataFrame, keep=()) -> pd.DataFrame:
    """The per-session columns :func:`session_sums` adds up, one row per row of ``s``
    (same index): the ``keep`` columns of ``s`` (e.g. group keys), ``user_id``,
    ``pageviews``, ``conversions``, ``revenue`` as they are, and the derived flags
    ``_engaged``, ``_converting``, ``_single``, ``_new`` (0/1 int64), ``_eng_time``
    (engagement time, else duration, seconds) and ``_one`` (1 per session). No other
    column of ``s`` is kept (a slim frame to group)."""
    cols = {
        "user_id": s["user_id"], "pageviews": s["pageviews"], "conversions": s["conversions"], "revenue": s["revenue"],
        "_engaged": _engaged(s).astype(int),
        "_converting": (s["conversions"].fillna(0) > 0).astype(int),
        "_single": (s["pageviews"].fillna(0) <= 1).astype(int),
        "_new": s["new_user"].fillna(False).astype(int) if "new_user" in s else 0,
        "_eng_time": (s["engagement_time_s"] if "engagement_time_s" in s else s.get("duration_s", 0.0)),
        "_one": 1,
    }
    return s.loc[:, [k for k in dict.fromkeys(keep) if k not in cols]].assign(**cols)


def sums_of_columns(g: pd.DataFrame, keys) -> pd.DataFrame:
    """The sums table of :func:`session_sums` from ``g``: the ``keys`` columns beside
    the columns of :func:`session_columns` (``user_id`` may be any values with one
    distinct value per user, e.g. integer codes). One row per group of ``keys`` (a list
    of columns; None: one row indexed ``"all"``), groups sorted, missing keys a group."""
    if keys is None:
        g = g.assign(_all="all")
        keys = ["_all"]
    gb = g.groupby(keys, dropna=False, observed=True)
    out = gb[list(_ADDED.values())].sum()
    out.columns = list(_ADDED)
    users = gb["user_id"].nunique().to_numpy().astype("float64")
    # a group whose user ids are all missing has unknown users, not 0 (a GA360 extract
    # whose visitor ids a spreadsheet turned into 2.81772E+18 keeps its sessions only)
    known = gb["user_id"].count().to_numpy()
    out["users"] = np.where(known > 0, users, np.nan)
    return out[_ORDER]


def _sums(s: pd.DataFrame, keys) -> pd.DataFrame:
    keys = None if keys is None else list(keys)
    # group keys that are columns travel in the slim frame; others (index level names) as before
    keep = [k for k in keys if isinstance(k, str) and k in s.columns] if keys else []
    return sums_of_columns(session_columns(s, keep), keys)


def _floats(t: pd.DataFrame, name: str) -> np.ndarray:
    """Column ``name`` of ``t`` as float64 values, NaN where missing or not a number (all
    NaN when there is no such column)."""
    if name not in t:
        return np.full(len(t), np.nan)
    col = t[name]
    if not (isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf"):
        col = pd.to_numeric(col, errors="coerce")
    return col.to_numpy(dtype="float64", na_value=np.nan)


def _count(values: np.ndarray) -> np.ndarray:
    """A summed count as int64, or float when some groups cannot know it (NaN)."""
    whole = np.isfinite(values).all() and (values == np.round(values)).all()
    return values.astype("int64") if whole else values


def kpis_from_sums(t: pd.DataFrame, ua_bounce: bool = False) -> pd.DataFrame:
    """KPIs from additive sums (the columns of :data:`trafficlib.query.base.SUMS`), one
    row per row of ``t``: every ratio recomputed from its numerator and denominator,
    never averaged; a sum the source cannot know (NaN, e.g. users of a cube at a grain it
    does not hold) gives NaN KPIs, shown as "–". Units as in the module table.
    (On numpy arrays, one frame built at the end: the overview and the audit ask for a
    few dozen KPI tables per report.)"""
    v = {c: _floats(t, c) for c in ("sessions", "users", "new_users", "engaged_sessions", "single_page",
                                     "pageviews", "engagement_time", "conversions", "converting_sessions", "revenue")}
    sessions = v["sessions"]
    out = {c: _count(v[c]) for c in ("sessions", "users", "new_users", "engaged_sessions")}
    out["engagement_rate"] = ratio(v["engaged_sessions"], sessions)
    out["bounce_rate"] = 1 - out["engagement_rate"]
    if ua_bounce:
        out["ua_bounce_rate"] = ratio(v["single_page"], sessions)
    out["pageviews"] = _count(v["pageviews"])
    out["views_per_session"] = ratio(v["pageviews"], sessions)
    out["avg_engagement_time_s"] = ratio(v["engagement_time"], sessions)
    out["conversions"] = _count(v["conversions"])
    out["conversion_rate"] = ratio(v["converting_sessions"], sessions)
    out["revenue"] = v["revenue"]
    out["aov"] = ratio(v["revenue"], v["conversions"])
    return pd.DataFrame(out, index=t.index)


_finish = kpis_from_sums


def session_kpis(sessions: pd.DataFrame, ua_bounce: bool = False) -> pd.Series:
    """All KPIs of the module table for the given sessions, as a Series (see module doc
    for definitions and units: rates are fractions, times seconds, money currency)."""
    if len(sessions) == 0:
        return _finish(_sums(sessions.head(0), None), ua_bounce).reindex(["all"]).iloc[0]
    return _finish(_sums(sessions, None), ua_bounce).iloc[0]


def kpis_by(sessions: pd.DataFrame, by: str | list[str], ua_bounce: bool = False,
            sort: str = "sessions") -> pd.DataFrame:
    """KPIs per group (e.g. ``by="channel"``), plus ``share`` of sessions; sorted by
    ``sort`` descending."""
    keys = [by] if isinstance(by, str) else list(by)
    out = _finish(_sums(sessions, keys), ua_bounce)
    out.insert(1, "share", out["sessions"] / out["sessions"].sum())
    return out.sort_values(sort, ascending=False).reset_index()


def daily(sessions: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Sessions, conversions and revenue per day (per ``by`` group if given), every
    day of the span present (missing days are 0, which is what a tracking gap looks like)."""
    if len(sessions) == 0:
        cols = ["date"] + ([by] if by else []) + ["sessions", "conversions", "revenue"]
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else "float64") for c in cols})
    day = sessions["start"].dt.normalize().rename("date")
    keys = [day] + ([sessions[by]] if by else [])
    t = sessions.groupby(keys, observed=True).agg(
        sessions=("session_id", "size"), conversions=("conversions", "sum"), revenue=("revenue", "sum"))
    t["conversions"] = t["conversions"].astype("int64")
    if by is None:
        full = pd.date_range(day.min(), day.max(), freq="D", name="date")
        t = t.reindex(full, fill_value=0)
    return t.reset_index()
