"""Zips are untrusted input: members bounded by size and compression ratio before they are
read, names decoded as the archive says."""
from __future__ import annotations

import zipfile

import pytest

from trafficlib.auto.walk import scan
from trafficlib.errors import TrafficDataError
from trafficlib.readers import _archive
from trafficlib.readers._archive import check_member, copy_member, member_name


def _bomb(path, size=64 * 1024 ** 2):
    """A zip whose one CSV member expands about 1000 times (zeros compress that well)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("report/huge.csv", "w") as fh:
            fh.write(b"a,b\n")
            block = b"0" * (1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
    return path


def test_a_member_that_expands_too_much_is_refused_by_name_before_reading(tmp_path):
    z = zipfile.ZipFile(_bomb(tmp_path / "bomb.zip"))
    info = z.infolist()[0]
    assert info.file_size > 100 * info.compress_size
    with pytest.raises(TrafficDataError, match=r"huge\.csv.*expands .* times"):
        check_member(info, "bomb.zip")
    assert not (tmp_path / "out.csv").exists()


def test_a_member_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    with zipfile.ZipFile(tmp_path / "big.zip", "w", zipfile.ZIP_STORED) as z:
        z.writestr("big.csv", b"a,b\n" + b"1,2\n" * 3000)
    info = zipfile.ZipFile(tmp_path / "big.zip").infolist()[0]
    with pytest.raises(TrafficDataError, match=r"big\.csv.*past the"):
        check_member(info, "big.zip", max_bytes=1000)


def test_copy_member_stops_when_more_comes_out_than_declared(tmp_path):
    with zipfile.ZipFile(tmp_path / "ok.zip", "w") as z:
        z.writestr("ok.csv", b"a,b\n1,2\n")
    zf = zipfile.ZipFile(tmp_path / "ok.zip")
    info = zf.infolist()[0]
    assert copy_member(zf, info, tmp_path / "ok.csv", "ok.zip") == 8
    info.file_size = 3  # a header that lies about the size: stopped (by the count or zipfile's CRC check)
    with pytest.raises((TrafficDataError, zipfile.BadZipFile)):
        copy_member(zf, info, tmp_path / "lied.csv", "ok.zip")
    assert not (tmp_path / "lied.csv").exists()


def test_auto_skips_the_bomb_by_name_and_reads_the_rest(tmp_path):
    folder = tmp_path / "client"
    folder.mkdir()
    _bomb(folder / "export.zip")
    with zipfile.ZipFile(folder / "export.zip", "a") as z:
        z.writestr("report/small.csv", "Date,Sessions\n2026-01-01,10\n2026-01-02,12\n")
    items = {i.label: i for i in scan(folder, tmp_path / "snap")}
    bomb = items["export.zip!report/huge.csv"]
    assert bomb.status == "skipped" and "zip bomb" in bomb.reason
    assert items["export.zip!report/small.csv"].status == "taken"


@pytest.mark.parametrize("flag", [True, False])
def test_member_names_decoded_as_the_archive_says(tmp_path, flag):
    """With the UTF-8 flag, and without it (UTF-8 bytes stored unflagged, as many
    archivers do): 'Requêtes.csv' either way, never cp437's 'Requ├¬tes.csv'."""
    path = tmp_path / "n.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("Requêtes.csv" if flag else "Requ__tes.csv", "a,b\n1,2\n")
    if not flag:  # the same name's UTF-8 bytes, written without the flag (same length as '__')
        path.write_bytes(path.read_bytes().replace(b"Requ__tes", "Requêtes".encode("utf-8")))
    (stored,) = zipfile.ZipFile(path).infolist()
    assert bool(stored.flag_bits & 0x800) is flag
    assert member_name(stored) == "Requêtes.csv"


def test_limits_are_module_constants_a_user_can_read():
    assert _archive.MAX_RATIO >= 50 and _archive.MAX_MEMBER_BYTES >= 100 * 1024 ** 2
