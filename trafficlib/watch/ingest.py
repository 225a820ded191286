"""What is new in the folder: files hashed first, only unseen ones read.

The files already in the history (same sha256) are skipped before any reading, so a
daily run over a folder that keeps months of downloads reads only the day's new files.
The new ones are linked into a temporary folder and walked with
:func:`trafficlib.auto.walk.scan` (the walk ``auto`` uses: zips opened, every reader
tried, a readable reason for each file refused).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from trafficlib.auto.walk import SKIP_SUFFIXES, _hidden, scan

__all__ = ["NewFiles", "read_new"]


@dataclass
class NewFiles:
    """``taken``: (file digest, :class:`~trafficlib.auto.walk.Item`) of each export read;
    ``refused``: (digest, label, reason) of each new file no reader took (reported once);
    ``seen``: how many files were already in the history."""

    taken: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    seen: int = 0


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_TEXT = (".csv", ".tsv", ".txt")


def cut_off(path: Path) -> str | None:
    """Why a CSV/TSV looks cut off mid-row (a download still being written, a copy
    interrupted), else None: the file does not end with a line break and its last line
    has fewer fields than the line before. Readers take such a short last row as data
    (a figure missing, a total never reached), so the watch refuses the file until it
    is whole."""
    if path.suffix.lower() not in _TEXT:
        return None
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(4)
        f.seek(max(size - 65536, 0))
        tail = f.read()
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    if encoding == "utf-16" and size > 65536 and (size - len(tail)) % 2:
        tail = tail[1:]
    text = tail.decode(encoding if encoding == "utf-8" or size <= 65536 else "utf-16-le", errors="replace")
    if text.endswith(("\n", "\r")):
        return None
    lines = [l for l in text.splitlines() if l.strip()]
    if len(lines) < 2:
        return None
    prev, last = lines[-2], lines[-1]
    sep = max(",;\t", key=prev.count)
    if prev.count(sep) and last.count(sep) < prev.count(sep):
        return (f"looks cut off: its last line has {last.count(sep) + 1} fields where the line before has "
                f"{prev.count(sep) + 1} and no line break ends it (a download still running?); not read")
    return None


def _candidates(folder: Path, exclude: list[Path]):
    excluded = [Path(os.path.realpath(e)) for e in exclude]
    for root, dirs, files in os.walk(folder):
        real = Path(os.path.realpath(root))
        if any(real == e or e in real.parents for e in excluded):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not _hidden(d) and d != "__MACOSX")
        for name in sorted(files):
            p = Path(root) / name
            if _hidden(name) or p.suffix.lower() in SKIP_SUFFIXES or not p.is_file() or p.stat().st_size == 0:
                continue
            if (p.suffix.lower() == ".lock" or p.suffix.lower() in (".duckdb", ".wal")):
                continue  # the watch's own files when the history sits in the folder
            yield p


def read_new(folder: Path, known: set[str], exclude: list[Path] = ()) -> NewFiles:
    """Read the files of ``folder`` whose sha256 is not in ``known``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    out = NewFiles()
    with tempfile.TemporaryDirectory(prefix="trafficlib-watch-") as tmp:
        staging, snaps = Path(tmp) / "new", Path(tmp) / "snapshots"
        digests: dict[str, str] = {}
        for p in _candidates(folder, list(exclude)):
            try:
                digest = _sha256(p)
            except OSError as exc:
                out.refused.append(("", str(p.relative_to(folder)), f"cannot be read ({exc.strerror or exc})"))
                continue
            if digest in known or digest in digests.values():
                out.seen += 1
                continue
            rel = p.relative_to(folder)
            why = cut_off(p)
            if why:
                out.refused.append((digest, rel.as_posix(), why))
                continue
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, dest)  # a copy: the walk reads it while the original may move on
            digests[rel.as_posix()] = digest
        if not digests:
            return out
        for item in scan(staging, snaps):
            top = item.label.split("!", 1)[0]
            digest = digests.get(top, "")
            if item.status == "taken":
                out.taken.append((digest, item))
            else:
                out.refused.append((digest, item.label, item.reason))
    return out
