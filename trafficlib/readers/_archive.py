"""Zip archives as untrusted input: member names decoded as the archive says, and members
bounded before they are read.

Downloads arrive zipped (a Search Console Performance export, a client's folder sent as
one archive). A member's name may be stored in UTF-8 with or without the flag that says
so, or in the DOS code page; a member may also expand to far more than its archive (a
1 MB zip holding a 1 GB CSV, or worse). :func:`member_name` decodes names; and
:func:`check_member` refuses, by name and before reading a byte, a member whose declared
size or compression ratio is past the limits; :func:`copy_member` copies one while
counting the bytes actually produced (a declared size can lie).
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from trafficlib.errors import TrafficDataError

__all__ = ["member_name", "check_member", "copy_member", "MAX_MEMBER_BYTES", "MAX_RATIO"]

MAX_MEMBER_BYTES = 512 * 1024 ** 2   # an interface export is a few MB; give bigger files directly
MAX_RATIO = 100                      # CSV compresses 5-20x; a zip bomb 1000x and more
_RATIO_FROM = 1024 ** 2              # tiny members may compress absurdly well (a column of zeros)


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name decoded as the archive says: UTF-8 when the member's UTF-8
    flag (general purpose bit 11) is set; else the Info-ZIP Unicode Path extra field
    (0x7075) when present and matching the stored name; else the stored bytes as UTF-8
    when they are valid UTF-8 (archivers that write UTF-8 names without the flag); else
    cp437, the ZIP standard's code page (what :mod:`zipfile` does for every unflagged
    name, so that a French export's ``Requêtes.csv`` would read ``Requ├¬tes.csv``)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.orig_filename.encode("cp437")  # zipfile decoded the stored bytes as cp437
    except UnicodeEncodeError:  # a ZipFile opened with another metadata_encoding: its choice stands
        return info.filename
    extra, at = info.extra or b"", 0
    while at + 4 <= len(extra):
        kind, size = int.from_bytes(extra[at:at + 2], "little"), int.from_bytes(extra[at + 2:at + 4], "little")
        body = extra[at + 4:at + 4 + size]
        if kind == 0x7075 and len(body) > 5 and body[0] == 1 \
                and int.from_bytes(body[1:5], "little") == zlib.crc32(raw):
            try:
                return body[5:].decode("utf-8").replace("\\", "/")
            except UnicodeDecodeError:
                break
        at += 4 + size
    try:
        return raw.decode("utf-8").replace("\\", "/")
    except UnicodeDecodeError:
        return info.filename


def check_member(info: zipfile.ZipInfo, archive: str, max_bytes: int = MAX_MEMBER_BYTES,
                 max_ratio: float = MAX_RATIO) -> None:
    """Raise :class:`TrafficDataError` naming the archive and the member when its
    declared size (bytes) is past ``max_bytes`` or it expands more than ``max_ratio``
    times its compressed size; return None otherwise. Nothing is read."""
    name = member_name(info)
    if info.file_size > max_bytes:
        raise TrafficDataError(f"member '{name}' unpacks to {info.file_size / 1024 ** 2:,.0f} MB, past the "
                               f"{max_bytes / 1024 ** 2:,.0f} MB limit for an archived export: not opened",
                               file=archive, hint="unzip it yourself and give the file directly if it is genuine")
    if info.file_size > _RATIO_FROM and info.file_size > max_ratio * max(info.compress_size, 1):
        raise TrafficDataError(f"member '{name}' expands {info.file_size / max(info.compress_size, 1):,.0f} times "
                               f"its compressed size (limit {max_ratio:g}): a zip bomb, not opened", file=archive)


def copy_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, archive: str,
                max_bytes: int = MAX_MEMBER_BYTES) -> int:
    """Copy a member to ``dest`` after :func:`check_member`, stopping (and removing
    ``dest``) as soon as more bytes come out than the member declared or than
    ``max_bytes``. Returns the bytes written; raises :class:`TrafficDataError`."""
    check_member(info, archive, max_bytes)
    limit = min(info.file_size, max_bytes)
    written = 0
    try:
        with z.open(info) as fin, open(dest, "wb") as fout:
            while True:
                chunk = fin.read(1 << 20)
                if not chunk:
                    break
                written += len(chunk)
                if written > limit:
                    raise TrafficDataError(f"member '{member_name(info)}' unpacks to more than it declares: "
                                           "not opened", file=archive)
                fout.write(chunk)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return written
