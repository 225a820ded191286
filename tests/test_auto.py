"""trafficlib auto: a folder of downloads -> the reports it allows, the files it skipped and why."""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import auto, cli
from trafficlib.auto import walk as scan_mod
from trafficlib.datasets import ga4_ui
from trafficlib.report import load_manifest
from trafficlib.sources import read_yaml

ROOT = Path(__file__).resolve().parents[1]


def _tree_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def downloads(tmp_path_factory, demo_dir) -> Path:
    """What a traffic manager's downloads folder looks like: GA4 interface exports in
    GA4's layouts (en/fr, csv/xlsx), a duplicate, a file covered by another, ad reports
    (one inside a zip), and junk."""
    d = tmp_path_factory.mktemp("downloads")
    s = pd.read_parquet(demo_dir / "sessions.parquet")
    ga = d / "GA4"
    ga4_ui.write_report(s, ga / "acquisition.csv", ["date", "channel"], "2026-07-01", "2026-10-31", grouped=True)
    ga4_ui.write_report(s, ga / "appareils.csv", ["device"], "2026-10-01", "2026-10-31", lang="fr")
    ga4_ui.write_report(s, ga / "pages.xlsx", ["landing_page"], "2026-10-01", "2026-10-31")
    ga4_ui.write_report(s, ga / "countries.csv", ["country"], "2026-10-01", "2026-10-31", layout="exploration")
    ga4_ui.write_report(s, d / "countries_mid_october.csv", ["country"], "2026-10-10", "2026-10-20",
                        layout="exploration")
    shutil.copy(ga / "appareils.csv", d / "appareils (1).csv")                 # the same download twice
    ads = d / "ads"
    ads.mkdir()
    shutil.copy(demo_dir / "google_ads_fr.csv", ads / "google_ads_fr.csv")
    shutil.copy(demo_dir / "meta_ads_en.csv", ads / "meta_ads_en.csv")
    with zipfile.ZipFile(d / "microsoft_export.zip", "w") as z:
        z.write(demo_dir / "microsoft_ads.csv", "report/microsoft_ads.csv")
        z.writestr("../../escaped.csv", "a,b\n1,2\n")                         # path traversal attempt
    (d / "notes.txt").write_text("call the client on Monday\n", encoding="utf-8")
    (d / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (d / "dump.bin").write_bytes(bytes((i * 7919) % 256 for i in range(5000)))
    (d / "empty.csv").write_bytes(b"")
    (d / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (d / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    return d


def _lines(out: str) -> dict:
    """file label -> its line (taken/skipped ...)."""
    found = {}
    for ln in out.splitlines():
        parts = ln.split()
        if len(parts) >= 2 and parts[0] in ("taken", "skipped"):
            found[ln.split(maxsplit=1)[1].split("  ")[0].strip()] = ln
    return found


@pytest.fixture(scope="module")
def planned(downloads, tmp_path_factory):
    """A dry run: files recognised, reports planned, manifest and input folders written."""
    before = _tree_digest(downloads)
    out = tmp_path_factory.mktemp("auto-dry") / "reports"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(["auto", str(downloads), "--out", str(out), "--dry-run"])
    return {"code": code, "out": out, "stdout": buf.getvalue(), "before": before}


def test_one_line_per_file_says_what_it_was_taken_for_or_why_skipped(planned):
    assert planned["code"] == 0
    lines = _lines(planned["stdout"])
    assert set(lines) == {
        "GA4/acquisition.csv", "GA4/appareils.csv", "GA4/pages.xlsx", "GA4/countries.csv",
        "countries_mid_october.csv", "appareils (1).csv", "ads/google_ads_fr.csv", "ads/meta_ads_en.csv",
        "microsoft_export.zip!report/microsoft_ads.csv", "microsoft_export.zip!escaped.csv",
        "notes.txt", "photo.png", "dump.bin", "empty.csv", ".DS_Store", "broken.zip"}
    taken = {k for k, v in lines.items() if v.split()[0] == "taken"}
    assert taken == {"GA4/acquisition.csv", "GA4/appareils.csv", "GA4/pages.xlsx", "GA4/countries.csv",
                     "ads/google_ads_fr.csv", "ads/meta_ads_en.csv", "microsoft_export.zip!report/microsoft_ads.csv"}
    assert "traffic-overview-en" in lines["GA4/acquisition.csv"] and "traffic-audit-en" in lines["GA4/pages.xlsx"]
    assert "campaign-postmortem-en" in lines["microsoft_export.zip!report/microsoft_ads.csv"]
    assert "same content as GA4/appareils.csv" in lines["appareils (1).csv"]
    assert "within GA4/countries.csv" in lines["countries_mid_october.csv"]
    assert "empty file" in lines["empty.csv"]
    assert "hidden" in lines[".DS_Store"]
    assert "not a data export" in lines["photo.png"]
    assert "not an export the kit knows" in lines["dump.bin"]
    assert "zip" in lines["broken.zip"] or "not an export" in lines["broken.zip"]


def test_inputs_are_never_modified_and_nothing_escapes(planned, downloads):
    assert _tree_digest(downloads) == planned["before"]
    assert not (planned["out"].parent / "escaped.csv").exists()
    assert not any(p.name == "escaped.csv" for p in planned["out"].parents[2].rglob("escaped.csv")
                   if planned["out"] not in p.parents)


def test_manifest_has_the_reports_the_files_allow_with_sensible_parameters(planned):
    out = planned["out"]
    data = read_yaml(out / auto.MANIFEST, "manifest")
    jobs = {j["name"]: j for j in data["jobs"]}
    expected = {"traffic-overview-en", "traffic-audit-en", "campaign-postmortem-en"}
    if (ROOT / "notebooks" / "paid_search.ipynb").exists():
        expected.add("paid-search-en")
    if (ROOT / "notebooks" / "paid_media.ipynb").exists():
        expected.add("paid-media-en")      # the Meta export (ads by day)
    assert set(jobs) == expected
    ov = jobs["traffic-overview-en"]["parameters"]
    # the undated exports all state October: the report is October, against September
    # (covered by the dated acquisition export)
    assert (ov["period_start"], ov["period_end"], ov["compare"]) == ("2026-10-01", "2026-10-31", "previous")
    assert ov["site_name"] == "Maison Lumière" and ov["currency"] == "EUR"
    assert jobs["traffic-audit-en"]["parameters"]["site_domain"] == "maison-lumiere.fr"
    pm = jobs["campaign-postmortem-en"]["parameters"]
    assert (pm["campaign"], pm["start_date"], pm["end_date"]) == ("prospection_printemps", "2026-04-06", "2026-05-03")
    # paths are relative to the manifest, and batch can load it as it is
    assert ov["data_path"] == "auto-inputs/traffic-overview-en/data_path"
    loaded, settings = load_manifest(out / auto.MANIFEST)
    assert {j.name for j in loaded} == expected and settings["output_dir"] == out.resolve()
    missing = {m["report"]: m["why"] for m in data["missing"]}
    assert "Search Console" in missing["seo-en"] or "not available" in missing["seo-en"]
    assert "Auction Insights" in missing["competitor-watch-en"]
    assert "touchpoints" in missing["channel-attribution-en"]


def test_each_report_gets_a_folder_of_only_its_files(planned):
    base = planned["out"] / auto.INPUTS
    web = sorted(p.name for p in (base / "traffic-overview-en" / "data_path").iterdir())
    assert web == ["acquisition.csv", "appareils.csv", "countries.csv", "pages.xlsx"]
    ads = sorted(p.name for p in (base / "campaign-postmortem-en" / "ads_dir").iterdir())
    assert ads == ["google_ads_fr.csv", "meta_ads_en.csv", "microsoft_ads.csv"]
    for p in (base / "traffic-overview-en" / "data_path").iterdir():
        assert p.resolve().parent == (base / "files").resolve()       # links to the snapshots


def test_two_sites_in_one_folder_are_reported_not_blended(downloads, tmp_path, capsys):
    d = tmp_path / "mixed"
    d.mkdir()
    ours = downloads / "GA4" / "acquisition.csv"          # states property maison-lumiere.fr - GA4
    shutil.copy(ours, d / "a_acq.csv")
    other = ours.read_text(encoding="utf-8").replace("maison-lumiere.fr - GA4", "www.autre-boutique.com - GA4")
    (d / "b_acq.csv").write_text(other.replace("Maison Lumière", "Autre boutique"), encoding="utf-8")
    shutil.copy(downloads / "GA4" / "countries.csv", d / "exploration.csv")   # an exploration states no property
    shutil.copy(downloads / "ads" / "google_ads_fr.csv", d / "ads.csv")
    res = auto.run(d, tmp_path / "out", dry_run=True)
    assert res.plan.sites == ["autre-boutique.com", "maison-lumiere.fr"]
    names = {r.name for r in res.plan.runnable}
    assert {"traffic-overview-autre-boutique-com-en", "traffic-overview-maison-lumiere-fr-en"} <= names
    base = tmp_path / "out" / auto.INPUTS
    assert [p.name for p in (base / "traffic-overview-autre-boutique-com-en" / "data_path").iterdir()] == ["b_acq.csv"]
    assert [p.name for p in (base / "traffic-overview-maison-lumiere-fr-en" / "data_path").iterdir()] == ["a_acq.csv"]
    out = capsys.readouterr().out
    assert "Several sites in one folder" in out
    skipped = next(ln for ln in out.splitlines() if "exploration.csv" in ln)
    assert skipped.split()[0] == "skipped" and "states no site" in skipped
    ads = next(ln for ln in out.splitlines() if " ads.csv" in ln)
    assert "maison-lumiere-fr" in ads and "autre-boutique-com" in ads


def test_a_file_that_changes_while_read_is_skipped(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.csv").write_text("date,sessions\n2026-01-01,3\n", encoding="utf-8")
    real = scan_mod.os.stat
    ticks = iter(range(10 ** 6))

    class Moving:
        def __init__(self, st):
            self.st_size, self.st_mode, self.st_mtime_ns = st.st_size, st.st_mode, next(ticks)

    monkeypatch.setattr(scan_mod.os, "stat",
                        lambda p, *a, **k: Moving(real(p)) if str(p).endswith("x.csv") and "in" in Path(p).parts
                        else real(p, *a, **k))
    items = scan_mod.scan(src, tmp_path / "snap")
    assert [(i.label, i.status, i.reason) for i in items] == [("x.csv", "skipped", "changed while being read")]
    assert list((tmp_path / "snap").iterdir()) == []


def test_bad_usage_and_nothing_usable_exit_2(tmp_path, capsys):
    assert cli.main(["auto", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_text("hello", encoding="utf-8")
    assert cli.main(["auto", str(junk), "--out", str(tmp_path / "o2")]) == 2
    assert "no report can be made" in capsys.readouterr().err
    # an output folder holding someone else's auto-inputs is not overwritten
    (tmp_path / "o3" / auto.INPUTS).mkdir(parents=True)
    assert cli.main(["auto", str(junk), "--out", str(tmp_path / "o3")]) == 2


def test_renders_the_report_and_lists_the_missing_ones_in_the_index(downloads, tmp_path, capsys):
    out = tmp_path / "reports"
    code = cli.main(["auto", str(downloads), "--out", str(out), "--lang", "fr", "-j", "1", "-q",
                     "--only", "traffic-overview"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert (out / "traffic-overview-fr.html").exists()
    assert "1/1 reports ok" in captured.out
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    status = {r["name"]: r["status"] for r in index}
    assert status["traffic-overview-fr"] == "ok"
    assert status["competitor-watch-fr"] == "missing" and status["channel-attribution-fr"] == "missing"
    why = {r["name"]: r["error"] for r in index}
    assert "touchpoints" in why["channel-attribution-fr"]
    assert "traffic-overview-fr" in (out / "index.html").read_text(encoding="utf-8")
    html = (out / "traffic-overview-fr.html").read_text(encoding="utf-8")
    assert "Maison Lumière" in html


def test_post_mortem_spend_is_not_counted_once_per_report_grain(demo_dir, tmp_path, capsys):
    """A keyword report (whole period per row) and a search-terms report beside the daily
    ads report would count the same clicks three times: only daily, coarsest reports go in."""
    d = tmp_path / "dl"
    d.mkdir()
    shutil.copy(demo_dir / "google_ads_fr.csv", d / "google_ads_fr.csv")
    shutil.copy(demo_dir / "meta_ads_en.csv", d / "meta_ads_en.csv")
    shutil.copy(demo_dir / "auction_insights_fr.csv", d / "auction_insights_fr.csv")
    for f in (demo_dir / "paid_search").iterdir():
        shutil.copy(f, d / f.name)
    out = tmp_path / "out"
    assert cli.main(["auto", str(d), "--out", str(out), "--dry-run"]) == 0
    ads = sorted(p.name for p in (out / auto.INPUTS / "campaign-postmortem-en" / "ads_dir").iterdir())
    assert ads == ["google_ads_fr.csv", "meta_ads_en.csv"]
    paid = sorted(p.name for p in (out / auto.INPUTS / "paid-search-en" / "data_path").iterdir())
    assert "google_ads_search_terms.csv" in paid and "auction_insights_fr.csv" not in paid
