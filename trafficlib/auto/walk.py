"""Walk a downloads folder: every file (zips opened) snapshotted, hashed and recognised.

Each file is first copied, while hashing it, into a snapshot folder under the output
directory, and :func:`trafficlib.sources.load` reads the *snapshot*: what the reports
read later is byte for byte what was recognised, even if the original changes or
disappears meanwhile. A file whose size or modification time moves during the copy is
copied again once, then skipped as "changed while being read". Inputs are only ever
opened for reading.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers._archive import copy_member, member_name

__all__ = ["Item", "scan"]

# Never worth copying: media, documents, programs, the kit's own outputs.
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".heic", ".mp4", ".mov", ".avi", ".mkv",
                 ".mp3", ".wav", ".pdf", ".doc", ".docx", ".ppt", ".pptx", ".exe", ".dmg", ".iso", ".msi",
                 ".app", ".deb", ".rpm", ".html", ".htm", ".ipynb", ".py", ".md", ".yml", ".yaml", ".7z", ".rar",
                 ".tar", ".lnk", ".ini", ".log"}
MAX_BYTES = 2 * 1024 ** 3            # a single file
MAX_ZIP_BYTES = 4 * 1024 ** 3        # everything one archive unpacks to (zip bombs)
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_DEPTH = 2
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")
_DATE_COLUMNS = ("date", "start", "timestamp", "event_timestamp", "event_date", "day", "period")
SITE_BOUND_TABLES = ("web_cube", "events", "sessions", "search_console")  # exports of one site


@dataclass
class Item:
    """One file found: ``label`` as shown (``a.zip!inner/b.csv``), ``status`` "taken" or
    "skipped" (with ``reason``), the :class:`~trafficlib.readers.registry.Export` read,
    the ``snapshot`` file the reports read, its sha256 ``digest``, the ``site`` it states
    (a domain, or the property name) and its ``span`` (first, last day) when known."""

    label: str
    status: str = "skipped"
    reason: str = ""
    export: object = None
    snapshot: Path | None = None
    digest: str = ""
    site: str | None = None
    site_from_rows: bool = False   # the site was read from the rows' URLs, not stated by the export
    span: tuple | None = None
    used_by: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.export.kind if self.export is not None else ""

    def skip(self, reason: str) -> "Item":
        self.status, self.reason = "skipped", reason
        if self.snapshot is not None and self.snapshot.exists():
            self.snapshot.unlink()
        self.snapshot = None
        return self


def site_of(export, from_rows: bool = True) -> str | None:
    """The site an export states (GA4 property, Search Console site URL...), as a domain
    when one can be read in it (``"maison-lumiere.fr - GA4"`` -> ``"maison-lumiere.fr"``);
    else the site its rows name (:func:`site_from_urls`: Search Console page URLs, ad
    final URLs, GA4 page locations) unless ``from_rows`` is False; None when neither says."""
    for key in ("property", "site_url", "domain", "site"):
        value = export.meta.get(key) if isinstance(export.meta, dict) else None
        if isinstance(value, str) and value.strip():
            found = _DOMAIN.search(value.lower())
            if found:
                host = found.group(0)
                return host[4:] if host.startswith("www.") else host
            return value.strip()
    # rows name the site only in the site's own tables: an ad report's final URLs may point to
    # several sites or a landing-page service (they are a last resort in plan.facts)
    if from_rows and getattr(export, "table", None) in SITE_BOUND_TABLES and isinstance(getattr(export, "frame", None), pd.DataFrame):
        return site_from_urls(export.frame)
    return None


# columns whose cells may be full URLs of the site itself (never referrers or competitors)
_URL_COLUMNS = ("page", "landing_page", "final_url", "page_location", "url", "site_url", "expanded_landing_page")


def site_from_urls(frame: pd.DataFrame, sample: int = 5000) -> str | None:
    """The host most rows' URLs point to (``www.`` dropped) when it holds at least half
    of the URLs found in the page-like columns of ``frame`` (a Search Console Pages
    table, an ad report's final URLs...), else None (paths only, or several sites)."""
    from urllib.parse import urlsplit

    hosts: list[str] = []
    for col in _URL_COLUMNS:
        if col not in frame.columns:
            continue
        values = frame[col].dropna().astype(str).head(sample)
        for v in values:
            v = v.strip()
            if not v.lower().startswith(("http://", "https://", "sc-domain:")):
                continue
            host = v.split(":", 1)[1].strip("/").split("/")[0] if v.startswith("sc-domain:") else urlsplit(v).hostname
            if host and _DOMAIN.fullmatch(host.lower()):
                host = host.lower()
                hosts.append(host[4:] if host.startswith("www.") else host)
        if hosts:
            break
    if not hosts:
        return None
    host, n = max(((h, hosts.count(h)) for h in set(hosts)), key=lambda kv: (kv[1], kv[0]))
    return host if n * 2 >= len(hosts) else None


def span_of(export) -> tuple | None:
    """(first day, last day) the export covers: its stated period, else its dates."""
    if export.period:
        a, b = export.period
        return pd.Timestamp(a).normalize(), pd.Timestamp(b).normalize()
    frame = export.frame
    for col in _DATE_COLUMNS:
        if isinstance(frame, pd.DataFrame) and col in frame.columns and len(frame):
            try:
                s = frame[col]
                if pd.api.types.is_numeric_dtype(s):
                    continue
                d = pd.to_datetime(s, errors="coerce")
                if getattr(d.dt, "tz", None) is not None:
                    d = d.dt.tz_localize(None)
                d = d.dropna()
            except (ValueError, TypeError, AttributeError):
                continue
            if len(d):
                return d.min().normalize(), d.max().normalize()
    return None


def _safe_part(name: str) -> str:
    name = re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._") or "file"
    return name[:100]


class _Snapshots:
    """Unique file names in the snapshot folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.taken: set[str] = {p.name.lower() for p in folder.iterdir()}

    def new(self, original: str) -> Path:
        p = Path(original)
        sufs = [s for s in p.suffixes[-2:] if 1 < len(s) <= 9]
        ext = "".join("." + _safe_part(s[1:]) for s in sufs)
        stem = _safe_part(p.name[: len(p.name) - len("".join(sufs))])
        name, i = stem + ext, 1
        while name.lower() in self.taken:
            i += 1
            name = f"{stem}-{i}{ext}"
        self.taken.add(name.lower())
        return self.folder / name


def _copy_hashing(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst`` and return the sha256 of what was copied; raises
    RuntimeError when the file changes during the copy (twice)."""
    for _ in range(2):
        before = os.stat(src)
        h = hashlib.sha256()
        with open(src, "rb") as fin, open(dst, "wb") as fout:
            while True:
                chunk = fin.read(1 << 20)
                if not chunk:
                    break
                h.update(chunk)
                fout.write(chunk)
        after = os.stat(src)
        if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns) \
                and after.st_size == dst.stat().st_size:
            return h.hexdigest()
    dst.unlink(missing_ok=True)
    raise RuntimeError("changed while being read")


def _load(path: Path):
    from trafficlib import sources

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sources.load(path)


def _side_export(snap: Path, exc: BaseException):
    """A media-mix side file (an offline spend plan, a calendar of controls, lift results:
    :func:`trafficlib.mix.inputs.side_export`) among the files no reader knows; None else."""
    from trafficlib.errors import TrafficDataError

    if not (isinstance(exc, TrafficDataError) and exc.problem.startswith("not an export the kit knows")):
        return None
    try:
        from trafficlib.mix.inputs import side_export

        return side_export(snap)
    except Exception:  # noqa: BLE001 - a malformed side file is skipped with the reader's reason
        return None


def _why(exc: BaseException) -> str:
    if isinstance(exc, TrafficDataError):
        text = exc.problem if getattr(exc, "problem", None) else str(exc)
        extra = []
        if getattr(exc, "column", None):
            extra.append(f"column {exc.column!r}")
        return text + (f" ({', '.join(extra)})" if extra else "")
    return f"could not be read ({type(exc).__name__}: {str(exc)[:120]})"


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$", "._")) or name.lower() in ("thumbs.db", "desktop.ini")


def scan(folder: Path, snapshot_dir: Path, exclude: list[Path] = ()) -> list[Item]:
    """Every file under ``folder`` (recursively, zip archives opened) as an :class:`Item`.

    Recognised files are snapshotted into ``snapshot_dir``; others are skipped with the
    reason. Folders in ``exclude`` (the output folder when it sits inside ``folder``) are
    not walked. Duplicates are not decided here (see :mod:`trafficlib.auto.plan`).
    """
    snaps = _Snapshots(snapshot_dir)
    items: list[Item] = []
    excluded = [Path(os.path.realpath(e)) for e in exclude]
    with tempfile.TemporaryDirectory(prefix="trafficlib-auto-") as tmp:
        _walk(Path(folder), "", snaps, items, excluded, Path(tmp), depth=0)
    return items


def _walk(folder: Path, prefix: str, snaps: _Snapshots, items: list[Item], excluded: list[Path], tmp: Path,
          depth: int) -> None:
    entries = []
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=None):
        real = Path(os.path.realpath(root))
        if any(real == e or e in real.parents for e in excluded):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not _hidden(d) and d != "__MACOSX")
        for f in sorted(files):
            entries.append(Path(root) / f)
    for path in entries:
        rel = prefix + path.relative_to(folder).as_posix()
        _one(path, rel, snaps, items, excluded, tmp, depth)


def _one(path: Path, label: str, snaps: _Snapshots, items: list[Item], excluded: list[Path], tmp: Path,
         depth: int) -> None:
    item = Item(label)
    items.append(item)
    name = path.name
    try:
        st = os.stat(path)
    except OSError as exc:
        item.skip(f"cannot be opened ({exc.strerror or exc})")
        return
    if not stat.S_ISREG(st.st_mode):
        item.skip("not a regular file")
        return
    if _hidden(name):
        item.skip("hidden or temporary file")
        return
    if st.st_size == 0:
        item.skip("empty file")
        return
    if st.st_size > MAX_BYTES:
        item.skip(f"too large to copy ({st.st_size / 1024 ** 3:.1f} GB): give it to a report directly")
        return
    suffix = path.suffix.lower()
    if suffix in SKIP_SUFFIXES:
        item.skip(f"a {suffix[1:]} file, not a data export")
        return
    snap = snaps.new(name)
    try:
        item.digest = _copy_hashing(path, snap)
    except (OSError, RuntimeError) as exc:
        snap.unlink(missing_ok=True)
        item.skip(str(exc) if isinstance(exc, RuntimeError) else f"cannot be read ({exc.strerror or exc})")
        return
    item.snapshot = snap
    try:
        export = _load(snap)
    except Exception as exc:  # noqa: BLE001 - safe on anything: a reader bug skips one file
        if suffix == ".zip" and zipfile.is_zipfile(snap):
            item.snapshot = None
            _unzip(snap, label, snaps, items, excluded, tmp, depth)
            snap.unlink(missing_ok=True)
            items.remove(item)
            return
        export = _side_export(snap, exc)
        if export is None:
            item.skip(_why(exc))
            return
    export.path = label
    item.export = export
    item.status = "taken"
    item.site = site_of(export)
    item.site_from_rows = item.site is not None and site_of(export, from_rows=False) is None
    try:
        item.span = span_of(export)
    except Exception:  # noqa: BLE001
        item.span = None


def _unzip(archive: Path, label: str, snaps: _Snapshots, items: list[Item], excluded: list[Path], tmp: Path,
           depth: int) -> None:
    """Open an archive nobody recognised as a whole: its members are walked like a folder."""
    if depth >= MAX_ZIP_DEPTH:
        items.append(Item(label).skip("an archive inside archives: not opened"))
        return
    target = Path(tempfile.mkdtemp(dir=tmp))
    total = 0
    try:
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                items.append(Item(label).skip(f"an archive of {len(members):,} files: not opened"))
                return
            for m in members:
                name = member_name(m)
                parts = [p for p in re.split(r"[\\/]+", name) if p not in ("", ".", "..")]
                shown = f"{label}!{name}"
                if not parts or parts[0] == "__MACOSX" or any(_hidden(p) for p in parts):
                    continue
                if m.flag_bits & 0x1:
                    items.append(Item(shown).skip("encrypted in the archive"))
                    continue
                total += m.file_size
                if total > MAX_ZIP_BYTES:
                    items.append(Item(shown).skip("the archive unpacks to too much data: not opened further"))
                    break
                dest = target.joinpath(*[_safe_part(p) for p in parts])
                dest.parent.mkdir(parents=True, exist_ok=True)
                try:
                    copy_member(z, m, dest, label)  # bounded: size and compression ratio, bytes counted
                except TrafficDataError as exc:
                    items.append(Item(shown).skip(exc.problem if getattr(exc, "problem", None) else str(exc)))
                except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
                    items.append(Item(shown).skip(f"cannot be unpacked ({exc})"))
                    dest.unlink(missing_ok=True)
    except (zipfile.BadZipFile, OSError) as exc:
        items.append(Item(label).skip(f"not a readable zip archive ({exc})"))
        return
    _walk(target, label + "!", snaps, items, excluded, tmp, depth + 1)
