"""Files a reader took for what they are not, and files that crashed a reader.

- A French TV plan (``Semaine;Canal;Chaîne;Dépense (EUR);Contacts;GRP``) was recognised as a
  Microsoft Ads account report: the Microsoft reader now asks for Microsoft's own markers
  (its report header block, its copyright footer, a column only Microsoft names so, or its
  ``Time period`` / ``Spend`` grid headers in a campaign table with clicks), as Microsoft's
  downloads carry them (header block ``Report Name:`` .. ``Rows:``, footer ``©2016 Microsoft
  Corporation. All rights reserved.``, columns ``Gregorian date``, ``Delivered match type``).
- ``load_spend`` crashed with ``ArrowInvalid: Invalid null value`` on a download whose
  campaign column is empty.
"""
from __future__ import annotations

import pandas as pd
import pytest

from trafficlib import sources
from trafficlib.errors import TrafficDataError
from trafficlib.mix.inputs import load_mix_inputs
from trafficlib.readers import microsoft
from trafficlib.readers.crm_inputs import NO_CAMPAIGN, campaign_key, load_spend, spend_keys
from trafficlib.readers.registry import Probe


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


TV_PLAN = ("Semaine;Canal;Chaîne;Dépense (EUR);Contacts;GRP\n"
           "04/11/2024;TV;TF1;12 345,67;3 456 789;6,6\n"
           "11/11/2024;TV;M6;9 876,50;2 345 678;4,5\n")


# ------------------------------------------------------------------ Microsoft Ads needs its own markers

@pytest.mark.parametrize("text", [
    TV_PLAN,
    "Période;Canal;Dépense\n01/2025;Radio;1 000\n02/2025;Radio;2 000\n",                 # generic French words
    "Time period,Channel,Spend\n2025-01-06,TV,1000\n2025-01-13,TV,1200\n",               # no campaign, no clicks
    "Période;Nom de la campagne;Dépense\n06/01/2025;Hiver;100\n13/01/2025;Hiver;120\n",  # a plan by campaign
])
def test_plans_with_generic_spend_headers_are_not_microsoft_reports(tmp_path, text):
    f = _write(tmp_path / "plan.csv", text, "cp1252")
    assert microsoft.recognise(Probe(f)) is False
    try:
        e = sources.load(f)
    except TrafficDataError:
        return  # not an export the kit knows: the media-mix reads it as a plan
    assert not e.kind.startswith("microsoft_ads/"), e.kind


def test_the_demo_tv_plan_is_a_plan_not_a_microsoft_account_report(tmp_path):
    f = _write(tmp_path / "plan_tv.csv", TV_PLAN, "cp1252")
    with pytest.raises(TrafficDataError, match="not an export the kit knows.*Semaine, Canal"):
        sources.load(f)


# real layouts: the API/UI header block (Microsoft's documentation and downloads seen in public
# repositories), the footer alone, the API's column names without the header block
HEADER_BLOCK = ('"Report Name: Ad_Performance"\n"Report Time: 10/5/2017,10/11/2017"\n'
                '"Time Zone: (GMT+08:00) Kuala Lumpur, Singapore"\n'
                '"Last Completed Available Day: 10/3/2017 3:20:00 AM (GMT)"\n'
                '"Last Completed Available Hour: 10/3/2017 3:20:00 AM (GMT)"\n'
                '"Report Aggregation: Daily"\n"Report Filter: "\n"Potential Incomplete Data: true"\n"Rows: 2"\n\n')


@pytest.mark.parametrize("text", [
    HEADER_BLOCK + '"Gregorian date","Campaign name","Ad group","Impressions","Clicks","Spend"\n'
                   '"10/5/2017","Brand","g1","100","5","2.50"\n"10/6/2017","Brand","g1","120","6","3.10"\n\n'
                   '"©2017 Microsoft Corporation. All rights reserved. "\n',
    # the same header block, no Microsoft-only column: the header block alone says it
    HEADER_BLOCK + '"Time period","Campaign name","Impressions","Clicks","Spend"\n'
                   '"10/5/2017","Brand","100","5","2.50"\n"10/6/2017","Brand","120","6","3.10"\n',
    # the API's names, header excluded (ExcludeReportHeader), the footer kept
    '"TimePeriod","AccountName","CampaignName","Impressions","Clicks","Spend"\n'
    '"2017-10-05","acc","Brand","100","5","2.50"\n"2017-10-06","acc","Brand","120","6","3.10"\n\n'
    '"@2017 Microsoft Corporation. All rights reserved. "\n',
    # no header block, no footer: a column only Microsoft writes
    "Gregorian date,Campaign name,Delivered match type,Impressions,Clicks,Spend\n"
    "10/5/2017,Brand,Exact,100,5,2.50\n10/6/2017,Brand,Exact,120,6,3.10\n",
    # the French grid (Période, Dépense) of a campaign table with clicks
    "Période;Nom de la campagne;Groupe d'annonces;Impr.;Clics;Dépense\n"
    "01/04/2026;fr_search;g1;300;12;8,40\n02/04/2026;fr_search;g1;310;13;8,10\n",
])
def test_real_microsoft_layouts_are_still_recognised(tmp_path, text):
    f = _write(tmp_path / "ms.csv", text, "utf-8-sig")
    assert microsoft.recognise(Probe(f)) is True
    e = sources.load(f)
    assert e.kind.startswith("microsoft_ads/") and e.table == "ad_spend"
    assert len(e.frame) == 2 and e.frame["cost"].sum() == pytest.approx(5.6 if "2.50" in text else 16.5)


def test_api_report_with_a_mis_decoded_copyright_footer(tmp_path):
    """An API download (GregorianDate, AdGroupName, CurrencyCode) whose footer's © went
    through a wrong decoding, as seen in a public Bing Ads client's test data."""
    text = ('"GregorianDate","AccountName","AdGroupId","AdGroupName","Impressions","Clicks","CurrencyCode","Spend",'
            '"CountryOrRegion","City"\n'
            '"2/27/2016","account_1","1","group 1","10","1","EUR","0.40","Italy","Bolzano"\n'
            '"2/28/2016","account_1","2","group 2","40","2","EUR","1.10","Italy","Milan"\n\n'
            '"\u00c3\u201a\u00c2\u00a92016 Microsoft Corporation. All rights reserved. "\n')
    f = _write(tmp_path / "geo.csv", text)
    assert microsoft.recognise(Probe(f)) is True
    e = sources.load(f)
    assert e.kind.startswith("microsoft_ads/") and e.frame["cost"].sum() == pytest.approx(1.5)


def test_one_generic_preamble_line_is_not_a_header_block(tmp_path):
    f = _write(tmp_path / "plan.csv", "Rows: 2\n\nSemaine;Canal;Dépense\n06/01/2025;TV;100\n13/01/2025;TV;120\n",
               "cp1252")
    assert microsoft.recognise(Probe(f)) is False


# ------------------------------------------------------------------ load_spend with an empty campaign column

GOOGLE_NO_NAMES = ("Rapport sur les campagnes\n01/01/2026 - 02/01/2026\n"
                   "Jour;Campagne;Impr.;Clics;Coût\n01/01/2026;;100;5;10,50\n02/01/2026;;120;6;11,00\n")
META_NO_NAMES = ("Reporting starts,Reporting ends,Campaign name,Impressions,Link clicks,Amount spent (EUR)\n"
                 "2026-01-01,2026-01-01,,100,5,10.5\n2026-01-02,2026-01-02,,120,6,11\n")


def test_campaign_key_of_an_all_empty_column_is_a_string_column():
    k = campaign_key(pd.Series([pd.NA, pd.NA], dtype="string"))
    assert str(k.dtype) == "string" and k.isna().all()
    assert k.fillna("").tolist() == ["", ""]  # the crash: an Arrow null column refused any fill value
    assert campaign_key(pd.Series(["FR - Search - Devis", None])).tolist()[0] == "fr_search_devis"


def test_load_spend_with_an_empty_campaign_column_keeps_the_spend(tmp_path):
    _write(tmp_path / "google.csv", GOOGLE_NO_NAMES, "cp1252")
    got = load_spend(tmp_path)
    sp = got["spend"]
    assert len(sp) == 2 and sp["cost"].sum() == pytest.approx(21.5)
    assert (sp["campaign"] == NO_CAMPAIGN).all() and (sp["platform"] == "Google Ads").all()
    assert sp["date_end"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-02")]
    assert any("without a campaign name" in n and "21.50" in n for n in got["notes"])
    assert any("google.csv: no campaign names" in n for n in got["notes"])


def test_two_platforms_without_campaign_names_both_count(tmp_path):
    """Before, both files' keys were ('', day): the second was left out as a repeat."""
    _write(tmp_path / "google.csv", GOOGLE_NO_NAMES, "cp1252")
    _write(tmp_path / "meta.csv", META_NO_NAMES)
    got = load_spend(tmp_path)
    assert got["spend"]["cost"].sum() == pytest.approx(43.0)
    assert sorted(set(got["spend"]["platform"])) == ["Google Ads", "Meta Ads"]
    assert not any("repeats" in n for n in got["notes"])


def test_a_campaign_of_the_same_name_on_two_platforms_is_not_a_repeat(tmp_path):
    """Microsoft Ads imports Google Ads campaigns with their names: same names, same days,
    different spend."""
    _write(tmp_path / "google.csv", GOOGLE_NO_NAMES.replace(";;", ";Brand;"), "cp1252")
    _write(tmp_path / "ms.csv", HEADER_BLOCK + '"Gregorian date","Campaign name","Impressions","Clicks","Spend"\n'
                                               '"1/1/2026","Brand","50","2","4.00"\n'
                                               '"1/2/2026","Brand","60","3","5.00"\n', "utf-8-sig")
    got = load_spend(tmp_path)
    assert got["spend"]["cost"].sum() == pytest.approx(21.5 + 9.0)
    keys = {k[0] for e in got["exports"] for k in spend_keys(e)}
    assert keys == {"google", "microsoft"}


def test_the_kits_table_beside_its_download_still_counts_once(tmp_path):
    _write(tmp_path / "google.csv", GOOGLE_NO_NAMES.replace(";;", ";Brand;"), "cp1252")
    (tmp_path / "ad_spend.csv").write_text("date,platform,campaign,impressions,clicks,cost\n"
                                           "2026-01-01,Google Ads,Brand,100,5,10.5\n"
                                           "2026-01-02,Google Ads,Brand,120,6,11\n", encoding="utf-8")
    got = load_spend(tmp_path)
    assert got["spend"]["cost"].sum() == pytest.approx(21.5)
    assert any("repeats campaigns and days" in n for n in got["notes"])


def test_media_mix_with_two_account_downloads_without_campaigns(tmp_path):
    """The media-mix table counts both platforms' spend (it used the same ('', day) keys)."""
    days = pd.date_range("2025-01-06", periods=40 * 7, freq="D")
    g = ["Jour;Campagne;Impr.;Clics;Coût"] + [f"{d:%d/%m/%Y};;100;5;10,00" for d in days]
    _write(tmp_path / "google.csv", "Rapport sur les campagnes\n01/01/2025 - 31/12/2025\n" + "\n".join(g) + "\n",
           "cp1252")
    m = ["Reporting starts,Reporting ends,Campaign name,Impressions,Link clicks,Amount spent (EUR)"] + \
        [f"{d:%Y-%m-%d},{d:%Y-%m-%d},,100,5,20" for d in days]
    _write(tmp_path / "meta.csv", "\n".join(m) + "\n")
    _write(tmp_path / "ventes.csv", "date,value\n" + "\n".join(f"{d:%Y-%m-%d},3" for d in days) + "\n")
    got = load_mix_inputs(tmp_path)
    t = got["table"]
    assert sorted(got["channels"]) == ["Google Ads", "Meta"]
    assert t["Google Ads"].tolist() == pytest.approx([70.0] * 40) and t["Meta"].tolist() == pytest.approx([140.0] * 40)
