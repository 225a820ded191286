"""Won deals as a Google Ads offline-conversion import, so the ad platform learns from
real sales instead of form fills.

The file is Google's "Conversions from clicks" template (Google Ads > Goals >
Conversions > Uploads; the same columns as the template Google gives)::

    Parameters:TimeZone=Europe/Paris
    Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency
    Cj0KCQjw...,Won deal,2026-09-15 14:30:00,4500.00,EUR

``Conversion Time`` is ``yyyy-MM-dd HH:mm:ss`` in the time zone of the first line (an
IANA name such as ``Europe/Paris`` or an offset ``+0100``); an ISO time with a ``T`` or
an offset in the cell is refused by Google. Only won leads with a Google click id (GCLID)
can be sent; Google accepts a conversion up to 90 days after its click.
"""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["HEADER", "offline_conversions", "write_offline_conversions", "offline_csv", "check_timezone"]

HEADER = ["Google Click ID", "Conversion Name", "Conversion Time", "Conversion Value", "Conversion Currency"]
_GCLID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{9,199}$")
_OFFSET = re.compile(r"^[+-](?:0\d|1[0-4])[0-5]\d$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def check_timezone(tz: str) -> str:
    """``tz`` when Google accepts it (an IANA zone name or ``+HHMM``/``-HHMM``), else
    ValueError."""
    tz = str(tz).strip()
    if _OFFSET.match(tz):
        return tz
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError on odd names
        raise ValueError(f"time zone {tz!r}: use an IANA name (Europe/Paris) or an offset such as +0100") from None
    return tz


def _clean(text) -> str:
    """A cell as Google and spreadsheets should see it: no control characters or line
    breaks, and no leading ``= + - @`` (a spreadsheet would run it as a formula)."""
    s = _CONTROL.sub(" ", str(text)).strip()
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


def offline_conversions(prepared: pd.DataFrame, conversion_name: str = "Won deal", currency: str = "EUR",
                        max_click_age_days: int = 90) -> pd.DataFrame:
    """The rows of the import: one per won lead with a valid GCLID and a won date no
    later than ``max_click_age_days`` after the lead's creation (its click, near enough).

    Columns are :data:`HEADER`: the GCLID, ``conversion_name``, the won time as
    ``yyyy-MM-dd HH:mm:ss``, the value with 2 decimals (``0.00`` when unknown; a point
    as decimal mark) and ``currency``. ``attrs["left_out"]`` counts the won leads left
    out and why (``no_gclid``, ``bad_gclid``, ``no_won_date``, ``too_old``);
    ``attrs["value"]`` is the total value sent."""
    won = prepared[prepared["won"]]
    gclid = won["gclid"].astype("string").str.strip() if "gclid" in won else pd.Series(pd.NA, index=won.index)
    no_gclid = gclid.isna() | (gclid == "")
    bad = ~no_gclid & ~gclid.fillna("").str.match(_GCLID)
    no_date = ~no_gclid & ~bad & won["won_at"].isna()
    age = (won["won_at"] - won["created"]).dt.total_seconds() / 86400
    old = ~no_gclid & ~bad & ~no_date & (age > max_click_age_days)
    ok = ~(no_gclid | bad | no_date | old)
    rows = won[ok.to_numpy()]
    name = _clean(conversion_name)
    cur = _clean(currency).upper()
    out = pd.DataFrame({
        HEADER[0]: gclid[ok].astype(str).to_numpy(),
        HEADER[1]: name,
        HEADER[2]: rows["won_at"].dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
        HEADER[3]: rows["value"].fillna(0.0).map(lambda v: f"{float(v):.2f}").to_numpy(),
        HEADER[4]: cur,
    })
    out.attrs["left_out"] = {"no_gclid": int(no_gclid.sum()), "bad_gclid": int(bad.sum()),
                             "no_won_date": int(no_date.sum()), "too_old": int(old.sum())}
    out.attrs["value"] = float(rows["value"].fillna(0.0).sum())
    return out


def offline_csv(rows: pd.DataFrame, timezone: str = "Europe/Paris") -> str:
    """The text of the import file (CRLF-free, ``\\n`` line ends): the parameters line,
    the header, the rows; every cell sanitised (:func:`_clean`) and quoted when needed."""
    tz = check_timezone(timezone)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([f"Parameters:TimeZone={tz}"])
    w.writerow(HEADER)
    for r in rows[HEADER].itertuples(index=False):
        w.writerow([_clean(c) for c in r])
    return buf.getvalue()


def write_offline_conversions(rows: pd.DataFrame, path: str | Path, timezone: str = "Europe/Paris") -> Path:
    """Write :func:`offline_csv` to ``path`` (UTF-8) atomically: a temporary file in
    the same folder, then a rename, so an interrupted run never leaves half a file for
    an upload. Returns the path written."""
    text = offline_csv(rows, timezone)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an import file is an ordinary file
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
