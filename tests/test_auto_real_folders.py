"""auto on client folders made of the layout specimens (../shared/specimens, real export
layouts with invented numbers): the site worked out from what the files say, files
about different things never dropped as duplicates of each other."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trafficlib import auto
from trafficlib.auto.plan import dedupe
from trafficlib.auto.walk import scan, site_from_urls

SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "specimens"
needs_specimens = pytest.mark.skipif(not (SPEC / "specimens.yml").exists(),
                                     reason=f"the layout specimens are not here ({SPEC}): ../shared is absent")


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    """A client folder: name in the folder -> specimen path."""
    d = tmp_path / "client"
    d.mkdir()
    for name, rel in files.items():
        shutil.copy(SPEC / rel, d / name)
    return d


@needs_specimens
def test_a_search_console_export_alone_gives_the_seo_report_with_its_domain(tmp_path):
    names = ["Queries.csv", "Pages.csv", "Countries.csv", "Devices.csv", "Search appearance.csv", "Dates.csv",
             "Filters.csv"]
    folder = _folder(tmp_path, {n: f"search_console/en/{n}" for n in names})
    res = auto.run(folder, tmp_path / "out", dry_run=True, echo=False)
    seo = [r for r in res.plan.runnable if r.spec.key == "seo"]
    assert len(seo) == 1, [(r.spec.key, r.missing) for r in res.plan.missing]
    assert seo[0].parameters["site_domain"] == "example-auth.com"


@needs_specimens
def test_four_trends_files_on_four_terms_are_four_series_not_duplicates(tmp_path):
    names = ["multiTimeline.csv", "multiTimeline (1).csv", "multiTimeline (2).csv", "multiTimeline (3).csv"]
    folder = _folder(tmp_path, {n: f"trends/fr_monthly/{n}" for n in names})
    items = scan(folder, tmp_path / "snap")
    dedupe(items)
    assert [i.status for i in items] == ["taken"] * 4, [(i.label, i.reason) for i in items]


@needs_specimens
def test_the_same_download_twice_and_a_shorter_copy_of_the_same_terms_are_skipped(tmp_path):
    folder = _folder(tmp_path, {"a.csv": "trends/fr_monthly/multiTimeline.csv",
                                "a (1).csv": "trends/fr_monthly/multiTimeline.csv"})
    src = (SPEC / "trends/fr_monthly/multiTimeline.csv").read_text(encoding="utf-8").splitlines()
    # the same term, the first 12 months only: a shorter download of the same series
    (folder / "short.csv").write_text("\n".join(src[:3 + 12]) + "\n", encoding="utf-8")
    items = {i.label: i for i in scan(folder, tmp_path / "snap")}
    dedupe(list(items.values()))
    assert items["a.csv"].status == "taken"
    assert "same content" in items["a (1).csv"].reason
    assert "within" in items["short.csv"].reason


def test_site_from_urls_takes_the_host_most_urls_point_to():
    import pandas as pd

    pages = pd.DataFrame({"page": ["https://www.shop.example.fr/", "https://shop.example.fr/a",
                                   "https://shop.example.fr/b", "https://other.example.com/x"]})
    assert site_from_urls(pages) == "shop.example.fr"
    assert site_from_urls(pd.DataFrame({"page": ["/", "/a"]})) is None  # paths name no site
    split = pd.DataFrame({"page": ["https://a.fr/", "https://b.fr/", "https://c.fr/"]})
    assert site_from_urls(split) is None  # no host holds half of the URLs
    assert site_from_urls(pd.DataFrame({"page": ["sc-domain:shop.fr"]})) == "shop.fr"


@needs_specimens
def test_one_term_over_two_regions_is_two_series_not_a_duplicate(tmp_path):
    names = ["multiTimeline.csv", "multiTimeline (1).csv", "multiTimeline (2).csv"]
    folder = _folder(tmp_path, {n: f"trends/mixed_locale_weekly/{n}" for n in names})
    items = scan(folder, tmp_path / "snap")
    dedupe(items)
    assert [i.status for i in items] == ["taken"] * 3, [(i.label, i.reason) for i in items]
