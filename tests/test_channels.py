"""GA4 default channel group: one hand-checked case per rule and per ordering edge case."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trafficlib import TrafficDataError
from trafficlib.channels import (
    GA4_CHANNELS, UA_CHANNELS, channel_group, load_rules, source_categories, source_category,
)

NA = None

# (source, medium, campaign, expected GA4 channel)
CASES = [
    # Direct
    ("(direct)", "(none)", NA, "Direct"),
    ("(direct)", "(not set)", NA, "Direct"),
    ("(direct)", NA, NA, "Direct"),                      # missing medium = (not set)
    (NA, NA, NA, "Direct"),                              # nothing at all = (direct)/(none)
    ("", "  ", NA, "Direct"),                            # empty strings count as missing
    ("(DIRECT)", "(None)", NA, "Direct"),                # case
    # Cross-network beats everything after it
    ("google", "cpc", "PMax_cross-network_FR", "Cross-network"),
    ("google", "cpc", "shopping cross-network", "Cross-network"),
    # Paid Shopping
    ("google", "cpc", "shopping_x", "Paid Shopping"),   # SHOP_CAMPAIGN beats search site
    ("bing", "ppc", "Shop-Summer", "Paid Shopping"),
    ("amazon.fr", "cpc", NA, "Paid Shopping"),
    ("shopping.google.com", "paid", NA, "Paid Shopping"),
    ("google", "cpc", "workshop", "Paid Search"),       # "workshop": 'k' before shop, not a shop campaign
    ("google", "cpc", "eshop", "Paid Shopping"),        # [^a-df-z] lets 'e' through: e-shop
    ("google", "cpc", "1shop", "Paid Shopping"),        # a digit before shop is fine
    # Paid Search / Social / Video
    ("google", "cpc", "brand", "Paid Search"),
    (" Google ", "CPC ", NA, "Paid Search"),            # whitespace and case
    ("google.fr", "cpc", NA, "Paid Search"),
    ("bing", "retargeting", NA, "Paid Search"),
    ("facebook", "paid_social", NA, "Paid Social"),
    ("m.facebook.com", "cpc", NA, "Paid Social"),
    ("instagram", "paid", NA, "Paid Social"),
    ("linkedin", "cpm", NA, "Paid Social"),             # cpm is PAID; Paid Social comes before Display
    ("youtube.com", "cpv", NA, "Paid Video"),
    # Display
    ("criteo", "cpm", NA, "Display"),
    ("taboola", "display", NA, "Display"),
    ("adroll", "Banner", NA, "Display"),
    ("dv360", "interstitial", NA, "Display"),
    # Paid Other
    ("criteo", "cpc", NA, "Paid Other"),
    ("partner", "paid_media", NA, "Paid Other"),
    (NA, "cpc", NA, "Paid Other"),
    # Organic Shopping
    ("ebay.com", "referral", NA, "Organic Shopping"),
    ("newsletter", "email", "summer_shop", "Organic Shopping"),  # shop campaign before Email
    # Organic Social
    ("facebook.com", "referral", NA, "Organic Social"),
    ("l.facebook.com", "referral", NA, "Organic Social"),
    ("lm.facebook.com", "referral", NA, "Organic Social"),
    ("t.co", "referral", NA, "Organic Social"),
    ("x.com", NA, NA, "Organic Social"),
    ("mybrand", "social-media", NA, "Organic Social"),
    ("mybrand", "Social Network", NA, "Organic Social"),
    # Organic Video
    ("vimeo.com", "referral", NA, "Organic Video"),
    ("twitch", "stream", NA, "Organic Video"),
    ("partner", "video_embed", NA, "Organic Video"),
    # Organic Search
    ("google", "organic", NA, "Organic Search"),
    ("www.google.co.uk", "referral", NA, "Organic Search"),  # search site beats Referral
    ("duckduckgo.com", "referral", NA, "Organic Search"),
    ("qwant", NA, NA, "Organic Search"),
    ("mysearch", "ORGANIC", NA, "Organic Search"),
    ("https://www.bing.com/search?q=lampe", "referral", NA, "Organic Search"),
    # Referral
    ("blog.example.com", "referral", NA, "Referral"),
    ("images.google.com", "referral", NA, "Referral"),  # sub-domain not in the list
    ("news.google.com", "referral", NA, "Organic Search"),  # in Google's search list
    ("partner-app", "app", NA, "Referral"),
    ("forum.example", "link", NA, "Referral"),
    # Email
    ("newsletter", "Email", NA, "Email"),
    ("newsletter", "e-mail", NA, "Email"),
    ("e_mail", "blast", NA, "Email"),
    ("newsletter", "emailing", NA, "Unassigned"),      # exact word only
    # Affiliates, Audio, SMS, Push
    ("awin", "affiliate", NA, "Affiliates"),
    ("spotify", "audio", NA, "Audio"),
    ("sms", "text", NA, "SMS"),
    ("brevo", "SMS", NA, "SMS"),
    ("app", "web-push", NA, "Mobile Push Notifications"),
    ("app", "mobile-notif", NA, "Mobile Push Notifications"),
    ("app", "in-app-notification", NA, "Mobile Push Notifications"),
    ("firebase", "x", NA, "Mobile Push Notifications"),
    # Unassigned
    ("partner", "(not set)", NA, "Unassigned"),
    ("weird", "qr", NA, "Unassigned"),
]


def _frame(cases):
    return pd.DataFrame(
        [c[:3] for c in cases], columns=["source", "medium", "campaign"]
    ).astype("string")


def test_every_ga4_channel_is_covered():
    assert {c[3] for c in CASES} == set(GA4_CHANNELS)
    assert len(CASES) >= 40


@pytest.mark.parametrize("source,medium,campaign,expected", CASES)
def test_case(source, medium, campaign, expected):
    got = channel_group(_frame([(source, medium, campaign)]))
    assert got.iloc[0] == expected


def test_table_at_once_keeps_index_and_dtype():
    frame = _frame(CASES)
    frame.index = np.arange(len(frame)) * 10 + 3
    got = channel_group(frame)
    assert list(got) == [c[3] for c in CASES]
    assert (got.index == frame.index).all()
    assert str(got.dtype) == "string"


def test_object_columns_nan_and_no_campaign_column():
    frame = pd.DataFrame({"source": ["google", np.nan, "facebook.com"],
                          "medium": ["organic", np.nan, "referral"]})
    assert list(channel_group(frame)) == ["Organic Search", "Direct", "Organic Social"]


def test_empty_frame_and_missing_column():
    empty = pd.DataFrame({"source": [], "medium": [], "campaign": []}, dtype="string")
    assert len(channel_group(empty)) == 0
    with pytest.raises(TrafficDataError, match="medium"):
        channel_group(pd.DataFrame({"source": ["google"]}))


def test_large_frame_matches_row_by_row():
    rng = np.random.default_rng(1)
    pool = _frame(CASES)
    idx = rng.integers(0, len(pool), 200_000)
    big = pool.iloc[idx].reset_index(drop=True)
    got = channel_group(big)
    expected = np.array([c[3] for c in CASES], dtype=object)[idx]
    assert (got.to_numpy(object) == expected).all()


def test_source_category_matching():
    assert source_category("facebook.com") == "social"
    assert source_category("M.Facebook.com") == "social"
    assert source_category("google.fr") == "search"
    assert source_category("www.google.com.br") == "search"
    assert source_category("youtube") == "video"
    assert source_category("etsy.com") == "shopping"
    assert source_category("example.com") is None
    assert source_category(None) is None
    cats = source_categories()
    assert set(cats["category"]) == {"search", "social", "shopping", "video"}
    assert {"google", "bing", "yahoo", "baidu", "yandex", "duckduckgo", "ecosia", "qwant",
            "naver"} <= set(cats.loc[cats.category == "search", "source"])


def test_rules_file_override(tmp_path):
    path = tmp_path / "channels.yml"
    path.write_text(
        "sources:\n"
        "  search: [search.example.org, chatgpt.com]\n"
        "rules:\n"
        "  - channel: Partners\n"
        "    source: [partner-a.com, Partner-B.com]\n"
        "    medium: referral\n"
        "  - channel: Paid Search\n"
        "    source_category: search\n"
        "    medium: '^(sea|adwords)$'\n"
        "  - channel: Email\n"
        "    campaign: '^nl_.*'\n",
        encoding="utf-8",
    )
    frame = _frame([
        ("partner-b.com", "Referral", NA),
        ("partner-c.com", "referral", NA),
        ("search.example.org", "referral", NA),
        ("chatgpt.com", "sea", NA),
        ("google", "adwords", NA),
        ("facebook", "social", "NL_june"),
        ("google", "cpc", NA),
    ])
    got = list(channel_group(frame, rules=path))
    assert got == ["Partners", "Referral", "Organic Search", "Paid Search", "Paid Search",
                   "Email", "Paid Search"]
    # Without the file, the defaults apply.
    assert list(channel_group(frame)) == ["Referral", "Referral", "Referral", "Unassigned",
                                          "Organic Search", "Organic Social", "Paid Search"]


def test_rules_replace_defaults_and_dict():
    rules = {"rules": [{"channel": "Ads", "medium": "^c.*"}], "replace_defaults": True}
    frame = _frame([("google", "cpc", NA), ("google", "organic", NA)])
    assert list(channel_group(frame, rules=rules)) == ["Ads", "Unassigned"]


@pytest.mark.parametrize("text,match", [
    ("rules:\n  - medium: cpc\n", "no 'channel'"),
    ("rules:\n  - channel: X\n    device: mobile\n", "unknown condition"),
    ("sources:\n  podcasts: [a]\n", "unknown source category"),
    ("rules: [\n", "not valid YAML"),
    ("rules:\n  - channel: X\n    medium: '('\n", "bad regular expression"),
])
def test_bad_rules_file(tmp_path, text, match):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrafficDataError, match=match) as err:
        load_rules(path)
    assert err.value.file == str(path)


UA_CASES = [
    ("(direct)", "(none)", "Direct"),
    ("google", "organic", "Organic Search"),
    ("facebook.com", "referral", "Social"),
    ("brand", "social", "Social"),
    ("newsletter", "email", "Email"),
    ("awin", "affiliate", "Affiliates"),
    ("blog.example.com", "referral", "Referral"),
    ("google", "cpc", "Paid Search"),
    ("facebook", "cpc", "Paid Search"),   # UA's well-known quirk
    ("network", "cpv", "Other Advertising"),
    ("criteo", "cpm", "Display"),
    ("partner", "qr", "(Other)"),
]


def test_ua_scheme():
    frame = _frame([(s, m, NA) for s, m, _ in UA_CASES])
    got = list(channel_group(frame, scheme="ua"))
    assert got == [c[2] for c in UA_CASES]
    assert set(got) == set(UA_CHANNELS)
    with pytest.raises(TrafficDataError):
        channel_group(frame, scheme="ga3")


@pytest.mark.parametrize("scheme,cases", [
    ("ga4", [c[:3] for c in CASES]),
    ("ua", [(s, m, NA) for s, m, _ in UA_CASES]),
])
def test_duckdb_macro_matches_pandas(scheme, cases):
    import duckdb

    from trafficlib.channels import register_duckdb

    frame = _frame(cases)
    con = duckdb.connect()
    register_duckdb(con, scheme=scheme)
    con.register("t", frame)
    got = [r[0] for r in con.execute(
        "SELECT channel_group(source, medium, campaign) FROM t").fetchall()]
    assert got == list(channel_group(frame, scheme=scheme))


def test_sql_expression_with_rules():
    import duckdb

    from trafficlib.channels import sql_expression

    rules = {"sources": {"search": ["search.example.org"]},
             "rules": [{"channel": "Partners", "source": ["partner-a.com"], "medium": "referral"}]}
    frame = _frame([("partner-a.com", "Referral", NA), ("search.example.org", "referral", NA),
                    ("partner-b.com", "referral", NA)])
    con = duckdb.connect()
    con.register("t", frame)
    got = [r[0] for r in con.execute(f"SELECT {sql_expression(rules=rules)} FROM t").fetchall()]
    assert got == list(channel_group(frame, rules=rules)) == ["Partners", "Organic Search", "Referral"]


# --------------------------------------------------------------- real sources (issue 10, part 7)
REGIONAL_SEARCH = [
    # hosts GA4's search-site list names (exact entries), and the ways a source is written
    "search.google.com", "news.google.com", "google.co.uk", "www.google.co.uk", "google.com.tr",
    "fr.search.yahoo.com", "uk.search.yahoo.com", "de.search.yahoo.com", "malaysia.search.yahoo.com",
    "espanol.search.yahoo.com", "m.baidu.com", "www.baidu.com", "cn.bing.com", "lite.qwant.com",
    "m.search.naver.com", "yandex.kz", "zen.yandex.ru", "search.aol.co.uk", "https://fr.search.yahoo.com/search?p=x",
]


@pytest.mark.parametrize("source", REGIONAL_SEARCH)
def test_regional_search_hosts_are_search_sites(source):
    assert source_category(source) == "search"
    frame = _frame([(source, "organic", NA), (source, "cpc", NA), (source, "referral", NA)])
    assert list(channel_group(frame)) == ["Organic Search", "Paid Search", "Organic Search"]


def test_wildcard_entries_cover_unlisted_regional_hosts_only():
    # not on Google's list, but a regional Yahoo search host: the *.search.yahoo.com row
    assert source_category("qc.search.yahoo.com") == "search"
    assert source_category("fr-be.search.yahoo.com") == "search"
    # the wildcard needs the dot: a look-alike domain is no search site
    assert source_category("notsearch.yahoo.com.evil.example") is None
    assert source_category("fakesearch.yahoo.com") is None
    # only listed sub-domains of google.com count (GA4 matches its list exactly)
    assert source_category("images.google.com") is None
    assert source_category("sites.google.com") == "social"
    # a rules file may add wildcards too
    assert channel_group(_frame([("eu.intranet-search.example", "referral", NA)]),
                         rules={"sources": {"search": ["*.intranet-search.example"]}}).iloc[0] == "Organic Search"


def test_google_search_list_is_complete_for_search():
    cats = source_categories()
    search = set(cats.loc[cats.category == "search", "source"])
    # a sample of Google's list across its alphabet: regional Yahoo, Google sub-domains, others
    for s in ("ar.search.yahoo.com", "vn.search.yahoo.com", "cse.google.com", "mail.google.com", "360.cn",
              "websearch.rakuten.co.jp", "rakuten", "so.com", "startsiden.no", "ntp.msn.com", "google-play"):
        assert s in search, s


@pytest.mark.parametrize("source,medium,expected", [
    ("(not set)", "(not set)", "Unassigned"),   # (not set) is not (direct): GA4's Direct rule needs "(direct)"
    ("(not set)", "(none)", "Unassigned"),
    ("(not set)", "organic", "Organic Search"),
    ("(not set)", "cpc", "Paid Other"),         # on no site list
    ("(not set)", "referral", "Referral"),
    ("(not set)", "email", "Email"),
    ("(NOT SET) ", "(not set)", "Unassigned"),
    ("(direct)", "(not set)", "Direct"),
    (NA, "(not set)", "Unassigned"),            # only the medium: source written (not set)
    (NA, "organic", "Organic Search"),
    ("google", NA, "Organic Search"),           # only the source: medium (not set)
    (NA, NA, "Direct"),                         # nothing at all: (direct) / (none)
])
def test_not_set_follows_ga4(source, medium, expected):
    import duckdb

    from trafficlib.channels import sql_expression

    frame = _frame([(source, medium, NA)])
    assert channel_group(frame).iloc[0] == expected
    con = duckdb.connect()
    con.register("t", frame)
    assert con.execute(f"SELECT {sql_expression()} FROM t").fetchall()[0][0] == expected


def test_duckdb_matches_pandas_on_regional_hosts():
    import duckdb

    from trafficlib.channels import sql_expression

    hosts = REGIONAL_SEARCH + ["qc.search.yahoo.com", "fakesearch.yahoo.com", "images.google.com"]
    frame = _frame([(h, "organic", NA) for h in hosts] + [(h, "cpc", NA) for h in hosts])
    con = duckdb.connect()
    con.register("t", frame)
    got = [r[0] for r in con.execute(f"SELECT {sql_expression()} FROM t").fetchall()]
    assert got == list(channel_group(frame))
