"""The canonical tables every analysis works on, and their validation.

Each table is a list of :class:`Column` specs. :func:`validate` turns a frame of raw
strings or loosely typed values (what a CSV export gives) into the canonical dtypes:

- dates: ISO (``2025-03-01``) or French ``dd/mm/yyyy``; timestamps with a time part;
- numbers: ``1234.5``, ``1 234,5``, ``1.234,5``, ``12,3 %`` and currency signs;
- rates (``kind="rate"``): fractions in [0, 1]; ``"12,3 %"`` or a column whose values
  all lie in [0, 100] with some above 1 is read as percentages and divided by 100.

Every problem raises one :class:`~trafficlib.errors.TrafficDataError` naming the file,
the column and the offending lines (1-based file lines; the header is line 1).
Money is a float in the account currency; rates are fractions (0.034), never percents.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError

__all__ = ["Column", "TABLES", "validate", "normalize_header", "columns", "TrafficDataError", "Lines", "header_map"]


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    kind is one of ``str``, ``datetime`` (timestamp), ``date`` (day), ``int``, ``float``,
    ``rate`` (fraction 0-1), ``bool``. ``aliases`` are other headers accepted for it
    (French and English export variants), compared after :func:`normalize_header`.
    """

    name: str
    kind: str
    required: bool = True
    nonneg: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)
    max_value: float | None = None


def C(name, kind, required=True, nonneg=False, aliases=(), max_value=None):
    return Column(name, kind, required, nonneg, tuple(aliases), max_value)


_SRC = ("source", "utm_source", "session_source")
_MED = ("medium", "support", "utm_medium", "session_medium")
_CMP = ("campaign", "campagne", "utm_campaign", "session_campaign", "nom_de_la_campagne", "campaign_name")
_DEVICE = ("device", "appareil", "device_category", "categorie_d_appareil", "type_d_appareil")
_COUNTRY = ("country", "pays")
_USER = ("user_id", "user", "utilisateur", "id_utilisateur", "user_pseudo_id", "client_id", "visitor_id")

TABLES: dict[str, list[Column]] = {
    "events": [
        C("user_id", "str", aliases=_USER),
        C("session_id", "str", required=False, aliases=("ga_session_id", "id_session", "visit_id")),
        C("timestamp", "datetime", aliases=("event_time", "horodatage", "datetime", "date_heure", "time")),
        C("event_name", "str", aliases=("event", "evenement", "nom_evenement", "event_type")),
        C("page", "str", required=False, aliases=("page_path", "page_location", "url", "chemin_de_la_page")),
        C("referrer", "str", required=False, aliases=("page_referrer", "referent")),
        C("source", "str", required=False, aliases=_SRC),
        C("medium", "str", required=False, aliases=_MED),
        C("campaign", "str", required=False, aliases=_CMP),
        C("device", "str", required=False, aliases=_DEVICE),
        C("country", "str", required=False, aliases=_COUNTRY),
        C("engagement_time_msec", "float", required=False, nonneg=True),
        C("transaction_id", "str", required=False, aliases=("id_transaction", "order_id", "commande")),
        C("revenue", "float", required=False, nonneg=True, aliases=("purchase_revenue", "chiffre_d_affaires", "ca", "revenu", "montant")),
    ],
    "sessions": [
        C("session_id", "str", aliases=("id_session", "visit_id")),
        C("user_id", "str", aliases=_USER),
        C("start", "datetime", aliases=("session_start", "debut", "date", "date_heure", "timestamp")),
        C("source", "str", required=False, aliases=_SRC),
        C("medium", "str", required=False, aliases=_MED),
        C("campaign", "str", required=False, aliases=_CMP),
        C("channel", "str", required=False, aliases=("canal", "default_channel_group", "groupe_de_canaux_par_defaut", "session_default_channel_group")),
        C("landing_page", "str", required=False, aliases=("page_de_destination", "landing", "entree", "page_d_entree")),
        C("device", "str", required=False, aliases=_DEVICE),
        C("country", "str", required=False, aliases=_COUNTRY),
        C("new_user", "bool", required=False, aliases=("nouvel_utilisateur", "is_new_user")),
        C("pageviews", "int", nonneg=True, aliases=("page_views", "views", "vues", "pages_vues", "screen_page_views")),
        C("duration_s", "float", required=False, nonneg=True, aliases=("duration", "duree", "session_duration")),
        C("engagement_time_s", "float", required=False, nonneg=True, aliases=("temps_d_engagement",)),
        C("engaged", "bool", required=False, aliases=("session_engaged", "session_engagee")),
        C("conversions", "int", nonneg=True, aliases=("key_events", "evenements_cles", "conversion")),
        C("revenue", "float", required=False, nonneg=True, aliases=("purchase_revenue", "chiffre_d_affaires", "ca", "revenu", "total_revenue")),
    ],
    # Touchpoint logs come from attribution datasets, CDPs and ad servers under many
    # names: customer_id / cookie / visitor_id, time / datetime, channel / source, ...
    "touchpoints": [
        C("user_id", "str", aliases=_USER + ("customer_id", "customer", "cookie", "cookie_id", "uid", "contact_id",
                                             "lead_id", "anonymous_id", "id_client", "client")),
        C("timestamp", "datetime", aliases=("date", "horodatage", "time", "date_heure", "datetime", "date_time",
                                            "event_time", "event_timestamp", "touch_time", "touchpoint_time",
                                            "interaction_time", "timestamp_utc", "time_stamp")),
        C("channel", "str", aliases=("canal", "marketing_channel", "channel_name", "touchpoint_channel",
                                     "channel_group", "default_channel_group", "source_medium", "source", "medium",
                                     "utm_source", "utm_medium")),
        C("conversion", "int", nonneg=True, aliases=("converted", "conversions", "is_conversion", "conversion_flag",
                                                     "has_converted", "conv")),
        C("conversion_value", "float", required=False, nonneg=True,
          aliases=("value", "valeur", "valeur_de_conversion", "revenue", "conv_value", "conversion_revenue",
                   "order_value", "purchase_value", "revenu")),
    ],
    "ad_spend": [
        C("date", "date", aliases=("day", "jour", "reporting_starts", "debut_des_rapports", "time_period", "periode")),
        C("platform", "str", required=False, aliases=("plateforme", "network", "reseau")),
        C("campaign", "str", aliases=_CMP),
        C("ad_group", "str", required=False, aliases=("ad_set", "ad_set_name", "groupe_d_annonces", "ensemble_de_publicites", "nom_de_l_ensemble_de_publicites")),
        C("ad", "str", required=False, aliases=("ad_name", "annonce", "publicite", "nom_de_la_publicite", "creative")),
        C("impressions", "int", nonneg=True, aliases=("impr",)),
        C("clicks", "int", nonneg=True, aliases=("clics", "link_clicks", "clics_sur_un_lien")),
        C("cost", "float", nonneg=True, aliases=("spend", "cout", "depenses", "amount_spent", "montant_depense", "amount_spent_eur", "montant_depense_eur", "depense")),
        C("conversions", "float", required=False, nonneg=True, aliases=("conv", "results", "resultats", "purchases", "achats")),
        C("conversion_value", "float", required=False, nonneg=True, aliases=("conv_value", "valeur_de_conversion", "valeur_conv", "valeur_de_conv", "purchases_conversion_value", "valeur_de_conversion_des_achats", "revenue", "chiffre_d_affaires")),
        C("reach", "int", required=False, nonneg=True, aliases=("couverture", "portee")),
        # The finer grain of ad-platform reports (trafficlib.readers.google_ads, meta, microsoft):
        # a row covers date..date_end (one day when date_end is empty or equal to date).
        C("date_end", "date", required=False, aliases=("reporting_ends", "fin_des_rapports")),
        C("account", "str", required=False, aliases=("account_name", "compte", "nom_du_compte")),
        C("campaign_type", "str", required=False, aliases=("type_de_campagne",)),
        C("keyword", "str", required=False, aliases=("mot_cle", "search_keyword", "mot_cle_de_recherche")),
        C("match_type", "str", required=False, aliases=("type_de_correspondance", "search_keyword_match_type")),
        C("search_term", "str", required=False, aliases=("terme_de_recherche", "search_query", "requete_de_recherche")),
        C("landing_page", "str", required=False, aliases=("page_de_destination", "final_url", "url_finale")),
        C("device", "str", required=False, aliases=_DEVICE),
        C("network", "str", required=False, aliases=("reseau_avec_partenaires",)),
        C("age", "str", required=False, aliases=("tranche_d_age",)),
        C("gender", "str", required=False, aliases=("sexe",)),
        C("income", "str", required=False, aliases=("household_income", "revenu_du_foyer")),
        C("location", "str", required=False, aliases=("country_territory", "pays_territoire", "zone_geographique")),
        C("currency", "str", required=False, aliases=("currency_code", "code_de_la_devise", "devise")),
        C("quality_score", "float", required=False, nonneg=True, max_value=10,
          aliases=("qual_score", "niveau_de_qualite")),
        C("search_impression_share", "rate", required=False, aliases=("search_impr_share",)),
        C("search_lost_is_budget", "rate", required=False),
        C("search_lost_is_rank", "rate", required=False),
    ],
    # CRM leads (trafficlib.readers.crm, trafficlib.leads): one row per lead, its origin and what
    # became of it. stage is "lead" (open, not qualified), "qualified" (open), "won" or "lost".
    "leads": [
        C("lead_id", "str", aliases=("id", "lead", "id_lead", "id_du_lead", "mql_id", "record_id", "lead_key")),
        C("created", "datetime", aliases=("created_at", "create_date", "created_date", "date_created", "date",
                                          "first_contact_date", "date_de_creation", "cree_le", "date_creation")),
        C("channel", "str", required=False, aliases=("canal", "origin", "origine", "lead_source", "original_source",
                                                      "channel_group", "source_d_origine", "origine_de_la_piste")),
        C("source", "str", required=False, aliases=_SRC),
        C("medium", "str", required=False, aliases=_MED),
        C("campaign", "str", required=False, aliases=_CMP),
        C("landing_page", "str", required=False, aliases=("page_de_destination", "landing_page_id", "landing",
                                                           "first_page_seen", "premiere_page_vue")),
        C("stage", "str", required=False, aliases=("etape", "status", "statut", "lifecycle_stage", "lead_status")),
        C("qualified_at", "datetime", required=False, aliases=("qualified_date", "date_qualification",
                                                               "date_de_qualification", "qualifie_le")),
        C("won_at", "datetime", required=False, aliases=("won_date", "won_time", "date_de_gain", "gagne_le")),
        C("lost_at", "datetime", required=False, aliases=("lost_date", "lost_time", "date_de_perte", "perdu_le")),
        C("value", "float", required=False, nonneg=True, aliases=("valeur", "amount", "montant", "deal_value",
                                                                   "revenue", "chiffre_d_affaires")),
        C("owner", "str", required=False, aliases=("proprietaire", "owner_name", "sales_rep", "commercial")),
        C("gclid", "str", required=False, aliases=("google_click_id", "google_ad_click_id")),
    ],
    "competitors": [
        C("period", "date", aliases=("month", "mois", "date", "periode", "week", "semaine")),
        C("domain", "str", aliases=("domaine", "site", "website")),
        C("visits", "float", nonneg=True, aliases=("visites", "total_visits", "visites_totales")),
        C("unique_visitors", "float", required=False, nonneg=True, aliases=("visiteurs_uniques", "unique_visits")),
        C("pages_per_visit", "float", required=False, nonneg=True, aliases=("pages_par_visite", "pages_visit")),
        C("avg_visit_duration_s", "float", required=False, nonneg=True, aliases=("avg_visit_duration", "duree_moyenne_des_visites", "duree_moyenne", "visit_duration")),
        C("bounce_rate", "rate", required=False, aliases=("taux_de_rebond",)),
        C("share_direct", "rate", required=False, aliases=("direct",)),
        C("share_search", "rate", required=False, aliases=("search", "recherche", "organic_search")),
        C("share_social", "rate", required=False, aliases=("social", "reseaux_sociaux")),
        C("share_referral", "rate", required=False, aliases=("referrals", "referral", "sites_referents")),
        C("share_paid", "rate", required=False, aliases=("paid_search", "recherche_payante")),
        C("share_display", "rate", required=False, aliases=("display", "display_ads")),
        C("share_email", "rate", required=False, aliases=("email", "mail")),
    ],
    "rankings": [
        C("date", "date", aliases=("jour",)),
        C("keyword", "str", aliases=("mot_cle", "mots_cles", "requete", "query")),
        C("domain", "str", aliases=("domaine", "site")),
        C("position", "float", nonneg=True, aliases=("rank", "pos", "classement")),
        C("url", "str", required=False, aliases=("page", "landing_page")),
        C("search_volume", "float", required=False, nonneg=True, aliases=("volume", "volume_de_recherche", "search_vol")),
        C("cpc", "float", required=False, nonneg=True, aliases=("cpc_eur", "cout_par_clic")),
    ],
    "auction_insights": [
        C("period", "date", aliases=("month", "mois", "date", "periode", "week", "semaine")),
        C("domain", "str", aliases=("display_url_domain", "domaine_de_l_url_a_afficher", "domaine")),
        C("impression_share", "rate", aliases=("impr_share", "taux_d_impressions", "part_d_impressions")),
        C("overlap_rate", "rate", required=False, aliases=("taux_de_chevauchement",)),
        C("position_above_rate", "rate", required=False, aliases=("taux_de_position_superieure",)),
        C("top_of_page_rate", "rate", required=False, aliases=("taux_d_impressions_en_haut_de_la_page", "top_of_page")),
        C("abs_top_of_page_rate", "rate", required=False, aliases=("abs_top_of_page_rate", "absolute_top_of_page_rate", "taux_d_impressions_en_position_absolue_en_haut_de_la_page")),
        C("outranking_share", "rate", required=False, aliases=("taux_de_surclassement", "part_de_surclassement")),
    ],
    "trends": [
        C("date", "date", aliases=("day", "week", "month", "jour", "semaine", "mois")),
        C("term", "str", aliases=("terme", "keyword", "mot_cle", "query")),
        C("interest", "float", nonneg=True, max_value=100, aliases=("interet", "value", "valeur")),
    ],
}

# Keys that must be unique, per table (None: duplicates allowed, e.g. raw events).
KEYS: dict[str, tuple[str, ...] | None] = {
    "events": None,
    "sessions": ("session_id",),
    "touchpoints": None,
    "ad_spend": ("date", "platform", "campaign", "ad_group", "ad", "date_end", "account", "keyword", "match_type",
                 "search_term", "landing_page", "device", "network", "age", "gender", "income", "location"),
    "competitors": ("period", "domain"),
    "rankings": ("date", "keyword", "domain"),
    "auction_insights": ("period", "domain"),
    "trends": ("date", "term"),
    "leads": ("lead_id",),
}


def columns(table: str) -> list[str]:
    """Canonical column names of ``table`` in order."""
    return [c.name for c in _spec(table)]


def _spec(table: str) -> list[Column]:
    try:
        return TABLES[table]
    except KeyError:
        raise TrafficDataError(
            f"unknown table '{table}'", hint="one of " + ", ".join(TABLES)
        ) from None


def normalize_header(name: object) -> str:
    """Lower-case ASCII snake form of a header: ``'Coût (€)'`` -> ``'cout'``.

    Accents are stripped, units in brackets dropped, anything not a letter or digit
    becomes ``_``.
    """
    return _normalized(str(name))


@functools.lru_cache(maxsize=8192)
def _normalized(name: str) -> str:
    # cached: readers also test every row's label cells ("Grand total", "Total : compte")
    text = name.replace("\ufeff", "").strip()
    text = re.sub(r"\s*[\(\[].*?[\)\]]\s*", " ", text)  # units: "Cost (EUR)", "Coût [€]"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text.lower()).strip("_")
    return text


def header_map(names, table: str) -> dict[str, str]:
    """canonical column -> the header that holds it among ``names`` (French and English
    aliases, compared after :func:`normalize_header`; the first header wins when two
    map to the same column). The one header matching rule of every reader."""
    lookup: dict[str, str] = {}
    for col in _spec(table):
        for alias in (col.name, *col.aliases):
            lookup.setdefault(normalize_header(alias), col.name)
    out: dict[str, str] = {}
    for original in names:
        canon = lookup.get(normalize_header(original))
        if canon is not None and canon not in out:
            out[canon] = original
    return out


def _rename(frame: pd.DataFrame, table: str, file: str) -> pd.DataFrame:
    """Map export headers (fr/en variants) to canonical names."""
    mapping = {original: canon for canon, original in header_map(frame.columns, table).items()}
    out = frame.rename(columns=mapping)
    out.attrs["source_headers"] = FrozenMap({v: k for k, v in mapping.items()})
    return out


_NUM_JUNK = re.compile(r"[\s\u00a0\u202f€$£%]|EUR|USD|GBP", re.IGNORECASE)


def parse_number(values: pd.Series, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written the French or English way.

    Returns (floats, bad) where ``bad`` flags non-empty cells that are not numbers.
    Handles thousands separators (space, no-break space, ``,`` or ``.``), decimal comma,
    currency signs and percent signs (the caller decides what a percent means).
    ``decimal`` is the file's decimal mark when known: in a comma-separated file a comma
    inside a (quoted) number can only be a thousands separator.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        out = values.astype("float64")
        return out, pd.Series(False, index=values.index)
    raw = values.astype("string")
    if len(raw) and raw.notna().all() and not raw.str.contains(",", regex=False).any():
        plain = pd.to_numeric(raw, errors="coerce")  # "1234", "12.5": no locale rule needed
        if plain.notna().all():
            return plain.astype("float64"), pd.Series(False, index=values.index)
    empty = raw.isna() | raw.str.strip().isin(["", "-", "--", "nan", "NaN", "n/a", "N/A", "NA", "null", "None"])
    s = raw.str.replace(_NUM_JUNK, "", regex=True)
    has_comma = s.str.contains(",", regex=False, na=False)
    has_dot = s.str.contains(".", regex=False, na=False)
    both = has_comma & has_dot
    # "1.234,5" (fr) vs "1,234.5" (en): the last separator is the decimal one.
    comma_last = s.str.rfind(",") > s.str.rfind(".")
    s = s.mask(both & comma_last, s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    s = s.mask(both & ~comma_last, s.str.replace(",", "", regex=False))
    if decimal == ".":
        s = s.str.replace(",", "", regex=False)
        has_comma = has_comma & False
    only_comma = has_comma & ~has_dot
    # "1,234" alone is ambiguous; a comma followed by exactly 3 digits and no other comma
    # is still read as decimal: French exports are our main audience, and a
    # thousands-only comma is rare in the exports we read. Several commas => thousands.
    multi = s.str.count(",") > 1
    s = s.mask(only_comma & multi, s.str.replace(",", "", regex=False))
    s = s.mask(only_comma & ~multi, s.str.replace(",", ".", regex=False))
    nums = pd.to_numeric(s.where(~empty), errors="coerce").astype("float64")
    bad = nums.isna() & ~empty
    return nums, bad


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def holds_dates(values: pd.Series) -> bool:
    """True for a column of dates already: datetime64, or ``datetime.date`` cells (a
    Parquet DATE column), which need no round trip through text."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    return values.dtype == object and len(values) > 0 and bool(values.map(type).isin((_dt.date,)).all())


def parse_dates(values: pd.Series, with_time: bool) -> tuple[pd.Series, pd.Series]:
    """Parse ISO or dd/mm/yyyy dates (mm/dd/yyyy when the data prove it).

    Returns (datetime64[ns] series, bad mask). Time zones are converted to UTC and
    dropped (all canonical timestamps are naive UTC).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert("UTC").dt.tz_localize(None)
        out = out.astype("datetime64[ns]")
        return (out if with_time else out.dt.normalize()), pd.Series(False, index=values.index)
    if holds_dates(values):  # datetime.date cells (a Parquet DATE column)
        return parse_dates(pd.to_datetime(values), with_time)
    raw = values.astype("string").str.strip()
    empty = raw.isna() | (raw == "")
    if (~empty).any() and raw[~empty].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
        # ISO days only (most machine-written files): one fixed-format pass; what the
        # general parse below gives them, minus its dd/mm detection and mixed formats
        parsed = pd.to_datetime(raw.where(~empty), format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
        return parsed, parsed.isna() & ~empty
    m = raw.str.extract(_DMY)
    slashed = m[0].notna()
    if slashed.any():
        first = pd.to_numeric(m[0], errors="coerce")
        second = pd.to_numeric(m[1], errors="coerce")
        # dd/mm unless some value can only be mm/dd (second part > 12, first <= 12).
        monthfirst = bool(((second > 12) & (first <= 12)).any() and not (first > 12).any())
        fmt_date = "%m/%d/%Y" if monthfirst else "%d/%m/%Y"
        norm = raw.str.replace(r"^(\d{1,2})[.-](\d{1,2})[.-](\d{4})", r"\1/\2/\3", regex=True)
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        for fmt in (fmt_date + " %H:%M:%S", fmt_date + " %H:%M", fmt_date):
            todo = parsed.isna() & slashed
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(norm[todo], format=fmt, errors="coerce")
        rest = ~slashed & ~empty
    else:
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        rest = ~empty
    if rest.any():
        sub = raw[rest]
        compact = sub.str.fullmatch(r"\d{8}")  # GA4 event_date: YYYYMMDD
        conv = pd.to_datetime(sub.where(~compact), errors="coerce", format="mixed", utc=True)
        conv = conv.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
        if compact.any():
            conv[compact] = pd.to_datetime(sub[compact], format="%Y%m%d", errors="coerce")
        parsed[rest] = conv
    bad = parsed.isna() & ~empty
    if not with_time:
        parsed = parsed.dt.normalize()
    return parsed.astype("datetime64[ns]"), bad


_TRUE = {"1", "true", "yes", "oui", "vrai", "y", "o", "t"}
_FALSE = {"0", "false", "no", "non", "faux", "n", "f"}


def _parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    low = values.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[low.isin(_TRUE)] = True
    out[low.isin(_FALSE)] = False
    empty = low.isna() | (low == "")
    return out, out.isna() & ~empty


class Lines(tuple):
    """File line numbers of a frame's rows, kept in ``frame.attrs["line_numbers"]``.

    pandas deep-copies ``attrs`` after nearly every operation; a plain list of 36,000
    line numbers cost ~3 million ``deepcopy`` calls per file read. This tuple is
    immutable, so a copy can be the object itself."""

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


class FrozenMap(dict):
    """A read-only dict for ``frame.attrs`` (the source headers of a frame's columns),
    its own copy for the same reason as :class:`Lines`: a 10-entry dict there cost ~25
    ``deepcopy`` calls after every operation on the frame and its columns."""

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __reduce__(self):  # pickled as its items (unpickling must not call __setitem__)
        return (FrozenMap, (dict(self),))

    def _read_only(self, *args, **kwargs):
        raise TypeError("read-only mapping")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _read_only


def _line_numbers(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    """1-based file lines for the rows in ``mask`` (header is line 1)."""
    lines = frame.attrs.get("line_numbers")
    positions = np.flatnonzero(mask.to_numpy())
    if lines is not None:
        return [int(lines[p]) for p in positions]
    return [int(p) + 2 for p in positions]


def validate(frame: pd.DataFrame, table: str, file: str = "<DataFrame>") -> pd.DataFrame:
    """Return ``frame`` as the canonical ``table``: renamed, typed and checked.

    Unknown extra columns are kept (after the canonical ones). Raises
    :class:`TrafficDataError` for: no data rows, missing required columns, unparseable
    dates or numbers, negative counts or costs, rates outside [0, 1], duplicated keys.
    """
    spec = _spec(table)
    if frame is None or len(frame) == 0:
        raise TrafficDataError(f"no data rows (expected a '{table}' table)", file=file)
    df = _rename(frame, table, file)
    headers = df.attrs.get("source_headers", {})
    missing = [c for c in spec if c.required and c.name not in df.columns]
    if missing:
        names = ", ".join(f"'{c.name}'" for c in missing)
        found = ", ".join(map(str, frame.columns[:12]))
        hints = "; ".join(
            f"{c.name} may be headed " + " / ".join(c.aliases[:4]) for c in missing if c.aliases
        )
        raise TrafficDataError(
            f"missing required column{'s' if len(missing) > 1 else ''} {names} for a '{table}' table "
            f"(found: {found})",
            file=file,
            column=missing[0].name,
            hint=hints or None,
        )
    out = pd.DataFrame(index=df.index)
    for col in spec:
        label = headers.get(col.name, col.name)
        if col.name not in df.columns:
            out[col.name] = _empty(col.kind, len(df), df.index)
            continue
        values = df[col.name]
        if col.kind in ("datetime", "date"):
            parsed, bad = parse_dates(values, with_time=col.kind == "datetime")
            if bad.any():
                example = values[bad].iloc[0]
                raise TrafficDataError(
                    f"cannot read {int(bad.sum())} date(s) such as '{example}'",
                    file=file, column=label, rows=_line_numbers(df, bad),
                    hint="expected YYYY-MM-DD or dd/mm/yyyy",
                )
        elif col.kind in ("int", "float", "rate"):
            parsed, bad = parse_number(values, decimal=df.attrs.get("decimal"))
            if bad.any():
                example = values[bad].iloc[0]
                raise TrafficDataError(
                    f"cannot read {int(bad.sum())} number(s) such as '{example}'",
                    file=file, column=label, rows=_line_numbers(df, bad),
                )
            if col.kind == "rate":
                parsed = _as_fraction(values, parsed)
                outside = (parsed < 0) | (parsed > 1)
                if outside.any():
                    raise TrafficDataError(
                        "rate outside 0-100 %", file=file, column=label,
                        rows=_line_numbers(df, outside.fillna(False)),
                    )
            if col.nonneg:
                neg = parsed < 0
                if neg.any():
                    raise TrafficDataError(
                        f"{int(neg.sum())} negative value(s) where counts, costs and amounts "
                        "cannot be negative",
                        file=file, column=label, rows=_line_numbers(df, neg.fillna(False)),
                    )
            if col.max_value is not None:
                over = parsed > col.max_value
                if over.any():
                    raise TrafficDataError(
                        f"values above {col.max_value:g}", file=file, column=label,
                        rows=_line_numbers(df, over.fillna(False)),
                    )
            if col.kind == "int":
                frac = parsed.notna() & (parsed % 1 != 0)
                if frac.any():
                    raise TrafficDataError(
                        "expected whole numbers", file=file, column=label,
                        rows=_line_numbers(df, frac),
                    )
                parsed = parsed.astype("Int64")
        elif col.kind == "bool":
            parsed, bad = _parse_bool(values)
            if bad.any():
                raise TrafficDataError(
                    f"expected yes/no values such as '{values[bad].iloc[0]}'",
                    file=file, column=label, rows=_line_numbers(df, bad),
                )
        else:
            parsed = values.astype("string").str.strip()
            parsed = parsed.mask(parsed == "")
        if col.required and parsed.isna().any():
            raise TrafficDataError(
                f"{int(parsed.isna().sum())} empty value(s) in a required column",
                file=file, column=label, rows=_line_numbers(df, parsed.isna()),
            )
        out[col.name] = parsed
    key = KEYS.get(table)
    if key:
        cols = [k for k in key if k in out.columns]
        dup = out.duplicated(subset=cols, keep=False)
        if dup.any():
            raise TrafficDataError(
                f"{int(dup.sum())} rows share the same key ({', '.join(cols)})",
                file=file, column=headers.get(cols[0], cols[0]), rows=_line_numbers(df, dup),
                hint="each key should appear once; aggregate or remove duplicates",
            )
    extra = [c for c in df.columns if c not in out.columns]
    for c in extra:
        out[c] = df[c]
    out = out.reset_index(drop=True)
    out.attrs = {"table": table, "file": file}
    return out


def _as_fraction(raw: pd.Series, parsed: pd.Series) -> pd.Series:
    """Rates: '12,3 %' -> 0.123; a column whose values reach above 1 (max 100) is in percent."""
    if not pd.api.types.is_numeric_dtype(raw):
        pct = raw.astype("string").str.contains("%", regex=False, na=False)
        parsed = parsed.mask(pct, parsed / 100)
        if pct.any():
            return parsed
    if parsed.max(skipna=True) > 1 and parsed.max(skipna=True) <= 100:
        return parsed / 100
    return parsed


def _empty(kind: str, n: int, index) -> pd.Series:
    dtype = {
        "datetime": "datetime64[ns]", "date": "datetime64[ns]", "int": "Int64",
        "float": "float64", "rate": "float64", "bool": "boolean",
    }.get(kind, "string")
    return pd.Series([pd.NA if dtype in ("Int64", "boolean", "string") else None] * n,
                     index=index, dtype=dtype)
