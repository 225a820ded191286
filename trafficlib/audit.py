"""Traffic audit: how much traffic, from where, of what quality, converting how well,
what changed, what is broken in the tracking, and what to do first.

Backs ``notebooks/traffic_audit.ipynb``. Event-level work (sessionization, duplicated
transactions) runs in DuckDB on the files (:mod:`trafficlib.sessions`); everything after
works on the sessions table. KPI definitions are GA4's (:mod:`trafficlib.metrics`).

Each tracking-health check returns a :class:`Finding` (or None when all is well) with
the evidence as a DataFrame and a fix; :func:`findings` runs them all, adds what changed
and which landing pages lose visitors, and ranks the result (severity, then the number
of sessions or the revenue at stake).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import i18n, metrics, plots, query, timeseries
from trafficlib.channels import PAID
from trafficlib.overview import headline as kpi_table  # the KPI table, defined once
from trafficlib.periods import Period

__all__ = [
    "AuditData", "Finding", "load", "kpi_table", "by_dimension", "daily_sessions", "compare_periods",
    "missing_days", "self_referrals", "unassigned_share", "utm_variants", "untagged_paid",
    "duplicate_transactions", "long_sessions", "bot_traffic", "without_bots", "leaky_landing_pages", "anomaly_days",
    "findings", "findings_table", "significance_table", "channel_comparison", "has_data", "not_checked",
    "holiday_country",
    "organic_vs_search_console", "PAYMENT_GATEWAYS", "plot_decomposition", "plot_comparison",
]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
# Referrers that are a step of checkout, not a source of traffic.
PAYMENT_GATEWAYS = ("paypal", "stripe", "adyen", "mercanet", "payplug", "lyra", "systempay", "sogecommerce",
                    "monetico", "paybox", "klarna", "alma", "oney", "scalapay", "checkout.com", "3dsecure",
                    "secure-payment", "worldpay", "braintree", "mollie", "sumup", "hipay", "be2bill", "dalenys")


@dataclass
class AuditData:
    """What the audit works on: the source of figures (:mod:`trafficlib.query`), its
    session rows when it has some (None for a cube of GA4 interface exports), and the
    events (a file, or a frame for a GA4 export) when there are some."""

    sessions: pd.DataFrame | None
    events: Path | pd.DataFrame | None
    origin: str  # "events" (sessionized here), "ga4" (GA4 export), "sessions", "ua" or "cube"
    source: "query.Source | None" = None

    def __post_init__(self):
        if self.source is None:
            self.source = query.SessionRows(frame=self.sessions, events=self.events, origin=self.origin)


def holiday_country(data: AuditData, period: Period, value: str | None = "auto",
                    search=None) -> str | None:
    """The ISO code of the country whose public holidays are quiet days: ``value`` when
    it names a country (``"FR"``, ``"US"``); with ``"auto"``, the country holding at least
    40 % of the period's sessions (the data's country dimension), else of the Search
    Console clicks (``search``: :func:`trafficlib.seo.prepare`'s result); None when none
    dominates (an international site: no day is taken for a holiday) or ``value`` is
    empty."""
    if not value:
        return None
    if str(value).lower() != "auto":
        return timeseries.country_code(str(value)) or str(value).upper()
    try:
        t = data.source.sums(["country"], period)
        found = timeseries.dominant_country(t.set_index("country")["sessions"])
    except Exception:  # noqa: BLE001 - no country dimension in these exports: try Search Console
        found = None
    if found is None and search is not None:
        from trafficlib.seo import site_country

        found = site_country(search)
    return found


@dataclass
class Finding:
    """One thing the audit found: ``severity`` high/medium/low, a one-line ``title`` and
    ``detail`` in the report language, an ``action`` (the fix), a ``score`` used to rank
    findings of the same severity (sessions or revenue at stake) and the ``evidence``."""

    key: str
    severity: str
    title: str
    detail: str
    action: str
    score: float = 0.0
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)


def _engine(data):
    """The engine source (:class:`trafficlib.query.engines.EngineSource`) behind ``data``
    when the tracking-health checks run in the engine as aggregate queries; None for
    session rows (pandas) and cubes."""
    src = data.source if isinstance(data, AuditData) else data
    return src if hasattr(src, "audit_table") else None


def _n_sessions(data) -> int:
    """Sessions in the whole data (session rows or an engine source)."""
    if isinstance(data, pd.DataFrame):
        return len(data)
    return int(query.as_source(data).sums(()).iloc[0]["sessions"] or 0)


def _typed(ev: pd.DataFrame, ints=(), floats=(), strings=()) -> pd.DataFrame:
    """Evidence columns in one type whatever computed them (pandas or an engine):
    counts as int64, money and rates as float, labels as str (missing as None)."""
    ev = ev.reset_index(drop=True)
    for c in ints:
        ev[c] = pd.to_numeric(ev[c]).astype("int64")
    for c in floats:
        ev[c] = pd.to_numeric(ev[c]).astype("float64")
    for c in strings:
        ev[c] = ev[c].astype(object).where(ev[c].notna(), None).map(lambda v: v if v is None else str(v))
    return ev


# --------------------------------------------------------------------------- loading


def load(data_path: str | Path, timeout_minutes: float = 30, split_at_midnight: bool = False,
         split_on_campaign: bool = False, engine: str = "duckdb") -> AuditData:
    """The audit's data, from whatever the folder or file holds (see
    :func:`trafficlib.query.open_source`): canonical events (sessionized in DuckDB with
    the timeout and split rules given; defaults are GA4's), a GA4 BigQuery export (GA4's
    own sessions), a sessions table or Universal Analytics extract, or GA4 interface
    exports (a cube: the checks that need sessions or events are listed as not run).
    ``engine`` (``"duckdb"`` default, ``"duckdb:///work.db"``, ``"spark://local[2]"``...:
    see :func:`trafficlib.query.open_source`) computes the figures where the data lives;
    the tracking-health checks then run there too, as aggregate queries
    (:mod:`trafficlib.query.engines.definition`), and give the same evidence tables.
    """
    src = query.open_source(data_path, prefer="events", timeout_minutes=timeout_minutes,
                            split_at_midnight=split_at_midnight, split_on_campaign=split_on_campaign,
                            engine=engine)
    return AuditData(src.session_rows(), getattr(src, "events", None), src.origin, src)


# --------------------------------------------------------------------------- KPIs


def has_data(data, period: Period | None) -> bool:
    """True when the data holds sessions in ``period`` (and can give its daily series)."""
    if period is None:
        return False
    src = query.as_source(data)
    rows = src.session_rows()
    if rows is not None:
        return bool(period.mask(rows["start"]).any())
    if not src.supports(["date"], period):
        return False
    return bool(src.sums((), period)["sessions"].fillna(0).iloc[0] > 0)


# Checks that need session rows or events, and the export that would let them run.
ROW_CHECKS = {
    "self_referrals": ("self-referrals and payment-gateway referrals", "auto-référents et passerelles de paiement"),
    "unassigned": ("Unassigned / (not set) traffic", "trafic « Unassigned » / (not set)"),
    "utm_variants": ("UTM spelling variants", "variantes d'écriture des UTM"),
    "untagged_paid": ("paid clicks without UTM tags", "clics payants sans balises UTM"),
    "duplicate_transactions": ("duplicated transactions", "transactions en double"),
    "long_sessions": ("implausibly long sessions", "sessions anormalement longues"),
    "bots": ("bot bursts", "pics de robots"),
}


def not_checked(data: "AuditData", lang: str = "en") -> list[str]:
    """Plain lines naming the checks the data cannot support and what would enable them."""
    eng = _engine(data)
    if data.sessions is not None or eng is not None:
        out = []
        has_events = (data.events is not None) if eng is None else bool(eng.events_relation or eng.transactions_query)
        if not has_events:
            out.append(i18n.text(lang, "Duplicated transactions: needs event-level data (events or a GA4 BigQuery "
                                       "export).",
                                 "Transactions en double : il faut des données par événement (événements ou export "
                                 "BigQuery de GA4)."))
        return out
    names = [v[0] if lang != "fr" else v[1] for v in ROW_CHECKS.values()]
    return [i18n.text(lang, f"Not checked from aggregated reports: {', '.join(names)}. They need session or event "
                            "rows: a GA4 BigQuery export, an event log or a sessions table.",
                      f"Non vérifié à partir de rapports agrégés : {', '.join(names)}. Il faut des sessions ou des "
                      "événements : un export BigQuery de GA4, un journal d'événements ou une table de sessions.")]


def by_dimension(data, period: Period, dimension: str, top: int = 15,
                 ua_bounce: bool = False) -> pd.DataFrame:
    """KPIs per ``dimension`` (channel, source_medium, landing_page, device, country),
    the ``top`` groups by sessions."""
    t = query.as_source(data).kpis(dimension, period, ua_bounce)
    cols = [dimension, "sessions", "share", "users", "engagement_rate", "bounce_rate"] + (
        ["ua_bounce_rate"] if ua_bounce else []) + ["views_per_session", "avg_engagement_time_s", "conversions",
                                                    "conversion_rate", "revenue", "aov"]
    return t[cols].head(top)


def daily_sessions(data) -> pd.Series:
    """Sessions per day over the whole data span, days without sessions as 0."""
    d = query.as_source(data).daily()
    return d.set_index("date")["sessions"].astype("int64") if len(d) else pd.Series(dtype="int64")


def compare_periods(sessions, period: Period, comparison: Period) -> pd.DataFrame:
    """Is the change real? Counts (sessions, users, conversions, revenue) compared by
    Welch's t-test on daily values; rates (engagement, conversion) by a two-proportion
    z-test. Returns ``metric``, ``current``, ``previous``, ``change`` (relative for
    counts, difference in points for rates), ``p_value``, ``significant``."""
    src = query.as_source(sessions)
    da, db = src.daily(period).set_index("date"), src.daily(comparison).set_index("date")
    rows = []
    for col in ("sessions", "conversions", "revenue"):
        t = timeseries.compare_count(da[col], db[col])
        rows.append({"metric": col, "kind": "count", "current": float(da[col].sum()), "previous": float(db[col].sum()),
                     "change": metrics.ratio(da[col].sum() - db[col].sum(), db[col].sum()),
                     "p_value": t["p_value"], "significant": t["significant"]})
    a, b = src.sums((), period).iloc[0], src.sums((), comparison).iloc[0]
    for name, num in {"engagement_rate": "engaged_sessions", "conversion_rate": "converting_sessions"}.items():
        if pd.isna(a[num]) or pd.isna(b[num]):
            continue  # the exports do not give this numerator
        t = timeseries.compare_rate(int(a[num]), int(a["sessions"]), int(b[num]), int(b["sessions"]))
        rows.append({"metric": name, "kind": "rate", "current": t.rate_a, "previous": t.rate_b, "change": t.diff,
                     "p_value": t.p_value, "significant": t.significant})
    return pd.DataFrame(rows)


def significance_table(table: pd.DataFrame, lang: str = "en", currency: str = "EUR") -> pd.DataFrame:
    """A :func:`compare_periods` table ready to show: labels and values formatted in
    ``lang``, change as a relative change (counts) or in points (rates), and a verdict."""
    rows = []
    for _, r in table.iterrows():
        kind = metrics.KPI_FORMATS.get(r["metric"], "num")
        show = (lambda v: i18n.fmt_money(v, lang, currency, decimals=0)) if kind.startswith("money") else (
            lambda v: i18n.fmt(v, kind, lang))
        if r["kind"] == "rate":
            change = f"{'+' if r['change'] > 0 else ''}{i18n.fmt_number(100 * r['change'], lang, 2)} pts"
        else:
            change = i18n.fmt_delta(r["change"], lang)
        verdict = (i18n.text(lang, "significant", "significatif") if r["significant"]
                   else i18n.text(lang, "noise", "bruit"))
        rows.append({"metric": i18n.label(r["metric"], lang), "current": show(r["current"]),
                     "previous": show(r["previous"]), "change": change, "p_value": r["p_value"], "verdict": verdict})
    return pd.DataFrame(rows)


def channel_comparison(data, period: Period, comparison: Period) -> pd.DataFrame:
    """Sessions per channel in the period (``sessions``) and the comparison (``previous``)."""
    src = query.as_source(data)
    a = src.sums("channel", period).set_index("channel")["sessions"].rename("sessions")
    b = src.sums("channel", comparison).set_index("channel")["sessions"].rename("previous")
    return pd.concat([a, b], axis=1).fillna(0).astype(int).rename_axis("channel").reset_index()


# --------------------------------------------------------------------------- tracking health


def _dates(values, lang: str) -> str:
    values = list(values)
    if not values:
        return ""
    if len(values) == 1:
        return i18n.fmt_date(values[0], lang)
    return f"{i18n.fmt_date(values[0], lang)} – {i18n.fmt_date(values[-1], lang)}"


def missing_days(sessions, lang: str = "en", threshold: float = 0.3, country: str | None = "FR") -> Finding | None:
    """Days recording less than ``threshold`` × the sessions that the trend and the
    weekly pattern predict (robust STL): lost tracking, not lost visitors. Public
    holidays of ``country`` (:func:`trafficlib.timeseries.holiday_names`) are quiet days,
    not tracking gaps: they are left out (the anomaly table names them)."""
    daily = daily_sessions(sessions)
    if len(daily) < 15:
        return None
    d = timeseries.decompose(daily)
    low = d[(d["observed"] < threshold * d["expected"]) & (d["expected"] > 5)]
    if country and not low.empty:
        low = low[timeseries.holiday_names(low.index, country).isna().to_numpy()]
    if low.empty:
        return None
    missing = float((low["expected"] - low["observed"]).sum())
    ev = pd.DataFrame({"date": low.index, "sessions": low["observed"].astype(int).to_numpy(),
                       "expected": low["expected"].round().to_numpy()})
    when = _dates(low.index, lang)
    return Finding(
        "missing_days", "high",
        i18n.text(lang, f"Tracking gap: {len(low)} day(s) with almost no data ({when})",
                  f"Trou de mesure : {len(low)} jour(s) presque sans données ({when})"),
        i18n.text(lang, f"About {i18n.fmt_int(missing, lang)} sessions were not recorded "
                        f"({i18n.fmt_pct(1 - low['observed'].sum() / low['expected'].sum(), lang, 0)} below the expected level).",
                  f"Environ {i18n.fmt_int(missing, lang)} sessions n'ont pas été mesurées "
                  f"({i18n.fmt_pct(1 - low['observed'].sum() / low['expected'].sum(), lang, 0)} sous le niveau attendu)."),
        i18n.text(lang, "Check tag deployments and the consent banner on those dates; annotate the gap and "
                        "exclude those days from comparisons.",
                  "Vérifier les publications du gestionnaire de balises et la bannière de consentement à ces dates ; "
                  "annoter le trou et exclure ces jours des comparaisons."),
        missing, ev)


def self_referrals(sessions, site_domain: str, lang: str = "en") -> Finding | None:
    """Sessions whose referral source is the site itself or a payment gateway: they
    break the visitor's journey in two and steal the conversion from the real source.
    ``sessions``: session rows, or an engine source (the same table from one aggregate
    query, :func:`trafficlib.query.engines.definition.referrals_sql`)."""
    dom = site_domain.lower().removeprefix("www.")
    eng = _engine(sessions)
    if eng is not None:
        ev = eng.audit_table("referrals", domain=dom, gateways=PAYMENT_GATEWAYS)
    else:
        src = sessions["source"].fillna("").str.strip().str.lower()
        med = sessions["medium"].fillna("").str.strip().str.lower()
        own = src.str.contains(re.escape(dom), regex=True) & (med == "referral")
        pay = src.str.contains("|".join(map(re.escape, PAYMENT_GATEWAYS)), regex=True) & (med == "referral")
        ev = (sessions[own | pay].assign(kind=np.where(own[own | pay], "self-referral", "payment gateway"))
              .groupby(["kind", "source"], observed=True)
              .agg(sessions=("session_id", "size"), conversions=("conversions", "sum"), revenue=("revenue", "sum"))
              .reset_index().sort_values(["sessions", "kind", "source"], ascending=[False, True, True]))
    if ev.empty:
        return None
    ev = _typed(ev, ints=("sessions", "conversions"), floats=("revenue",), strings=("kind", "source"))
    n_own = int(ev.loc[ev["kind"] == "self-referral", "sessions"].sum())
    n_pay = int(ev.loc[ev["kind"] == "payment gateway", "sessions"].sum())
    return Finding(
        "self_referrals", "high" if (n_own + n_pay) > 0.005 * _n_sessions(sessions) else "medium",
        i18n.text(lang, f"Self-referrals and payment-gateway referrals: {i18n.fmt_int(n_own + n_pay, lang)} sessions",
                  f"Auto-référents et passerelles de paiement : {i18n.fmt_int(n_own + n_pay, lang)} sessions"),
        i18n.text(lang, f"{i18n.fmt_int(n_own, lang)} sessions come from {dom} itself and {i18n.fmt_int(n_pay, lang)} "
                        f"from payment pages; they carry {i18n.fmt_int(ev['conversions'].sum(), lang)} conversions "
                        "that belong to the visitors' real sources.",
                  f"{i18n.fmt_int(n_own, lang)} sessions viennent de {dom} lui-même et {i18n.fmt_int(n_pay, lang)} "
                  f"des pages de paiement ; elles portent {i18n.fmt_int(ev['conversions'].sum(), lang)} conversions "
                  "qui reviennent aux vraies sources des visiteurs."),
        i18n.text(lang, "Add the site's own domains and the payment gateways to GA4's list of unwanted referrals "
                        "(Admin › Data streams › Configure tag settings) and check cross-domain tracking.",
                  "Ajouter les domaines du site et les passerelles de paiement à la liste des sites référents "
                  "indésirables de GA4 (Administration › Flux de données › Paramètres de la balise) et vérifier le "
                  "suivi interdomaine."),
        float(n_own + n_pay), ev)


def unassigned_share(sessions, lang: str = "en", threshold: float = 0.01) -> Finding | None:
    """Share of sessions GA4 cannot place in a channel (Unassigned, ``(not set)``).
    ``sessions``: session rows or an engine source (one aggregate query)."""
    eng = _engine(sessions)
    if eng is not None:
        groups = eng.audit_table("unassigned")
        n_un, total = int(pd.to_numeric(groups["sessions"]).sum()), _n_sessions(eng)
    else:
        un = (sessions["channel"] == "Unassigned") | sessions["source"].isin(["(not set)"])
        n_un, total = int(un.sum()), len(sessions)
        groups = (sessions[un].assign(source_medium=sessions["source"].fillna("(none)") + " / "
                                      + sessions["medium"].fillna("(none)"))
                  .groupby("source_medium", observed=True).size().rename("sessions").reset_index()
                  .sort_values(["sessions", "source_medium"], ascending=[False, True]))
    share = n_un / total if total else 0.0
    if share <= threshold:
        return None
    ev = _typed(groups.head(15), ints=("sessions",), strings=("source_medium",))
    return Finding(
        "unassigned", "medium" if share < 0.05 else "high",
        i18n.text(lang, f"{i18n.fmt_pct(share, lang)} of sessions are Unassigned or (not set)",
                  f"{i18n.fmt_pct(share, lang)} des sessions sont « Unassigned » ou (not set)"),
        i18n.text(lang, "These visits cannot be credited to any channel.",
                  "Ces visites ne peuvent être attribuées à aucun canal."),
        i18n.text(lang, "Tag every link with utm_source and utm_medium using GA4's medium names (cpc, email, "
                        "social, referral...); look for sessions starting before the config tag fires.",
                  "Taguer chaque lien avec utm_source et utm_medium en respectant les supports reconnus par GA4 "
                  "(cpc, email, social, referral...) ; rechercher les sessions qui démarrent avant la balise de "
                  "configuration."),
        float(n_un), ev)


def _norm(values: pd.Series) -> pd.Series:
    return values.fillna("").str.lower().str.replace(r"[\s_\-]+", " ", regex=True).str.strip()


def utm_variants(sessions, lang: str = "en") -> Finding | None:
    """UTM values that differ only by case, spaces, dashes or underscores
    (``Facebook`` / ``facebook`` / ``facebook ``): one source split into several rows.
    ``sessions``: session rows or an engine source (its value counts come from one
    aggregate query; the spellings are compared here, the same way)."""
    eng = _engine(sessions)
    if eng is not None:
        counts = eng.audit_table("utm_values")
    else:
        parts = []
        for col in ("source", "medium", "campaign"):
            v = sessions[col].dropna()
            if not v.empty:
                vc = v.astype(str).value_counts()
                parts.append(pd.DataFrame({"field": col, "value": vc.index.astype(str), "sessions": vc.to_numpy()}))
        counts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["field", "value", "sessions"])
    rows = []
    for col in ("source", "medium", "campaign"):
        c = counts[counts["field"] == col]
        if c.empty:
            continue
        # most sessions first, ties by value: the same order whatever computed the counts
        c = c.assign(sessions=pd.to_numeric(c["sessions"]).astype("int64"), value=c["value"].astype(str)) \
             .sort_values(["sessions", "value"], ascending=[False, True])
        key = _norm(c["value"])
        for k, grp in c.groupby(key.to_numpy(), sort=True):
            if len(grp) > 1:
                rows.append({"field": col, "normalized": k,
                             "variants": " | ".join(f"'{x}'" for x in grp["value"]), "sessions": int(grp["sessions"].sum()),
                             "minority_sessions": int(grp["sessions"].sum() - grp["sessions"].max())})
    if not rows:
        return None
    ev = pd.DataFrame(rows).sort_values(["sessions", "field", "normalized"], ascending=[False, True, True],
                                        kind="stable").reset_index(drop=True)
    n = int(ev["minority_sessions"].sum())
    return Finding(
        "utm_variants", "medium",
        i18n.text(lang, f"Inconsistent UTM tagging: {len(ev)} value(s) written several ways",
                  f"Balisage UTM incohérent : {len(ev)} valeur(s) écrite(s) de plusieurs façons"),
        i18n.text(lang, f"e.g. {ev.iloc[0]['variants']} ({i18n.fmt_int(n, lang)} sessions in the minority spellings).",
                  f"par ex. {ev.iloc[0]['variants']} ({i18n.fmt_int(n, lang)} sessions dans les graphies minoritaires)."),
        i18n.text(lang, "Adopt one naming convention (lower case, no spaces) and a shared UTM builder; "
                        "GA4 treats each spelling as a different source.",
                  "Adopter une convention de nommage (minuscules, sans espaces) et un générateur d'UTM partagé ; "
                  "GA4 traite chaque graphie comme une source différente."),
        float(n), ev)


def untagged_paid(sessions, lang: str = "en") -> Finding | None:
    """Sessions that landed with an ad click id (gclid, fbclid, msclkid...) but are not
    attributed to a paid medium: paid clicks counted as direct or organic. ``sessions``:
    session rows or an engine source (one aggregate query)."""
    eng = _engine(sessions)
    if eng is not None:
        ev = eng.audit_table("untagged_paid", paid_regex=PAID)
    else:
        if "click_id" not in sessions:
            return None
        has_click = sessions["click_id"].notna()
        paid = sessions["medium"].fillna("").str.strip().str.lower().str.fullmatch(PAID)
        bad = has_click & ~paid
        ev = (sessions[bad].assign(source_medium=sessions["source"].fillna("(none)") + " / "
                                   + sessions["medium"].fillna("(none)"))
              .groupby(["click_id", "source_medium"], observed=True)
              .agg(sessions=("session_id", "size"), conversions=("conversions", "sum"), revenue=("revenue", "sum"))
              .reset_index().sort_values(["sessions", "click_id", "source_medium"], ascending=[False, True, True]))
    if ev.empty:
        return None
    ev = _typed(ev, ints=("sessions", "conversions"), floats=("revenue",), strings=("click_id", "source_medium"))
    n = int(ev["sessions"].sum())
    return Finding(
        "untagged_paid", "high" if n > 0.005 * _n_sessions(sessions) else "medium",
        i18n.text(lang, f"Paid clicks counted as free traffic: {i18n.fmt_int(n, lang)} sessions",
                  f"Clics payants comptés comme trafic gratuit : {i18n.fmt_int(n, lang)} sessions"),
        i18n.text(lang, f"They landed with an ad click id but were attributed to {ev.iloc[0]['source_medium']} "
                        f"(and others), with {i18n.fmt_money(ev['revenue'].sum(), lang, decimals=0)} of revenue.",
                  f"Elles sont arrivées avec un identifiant de clic publicitaire mais ont été attribuées à "
                  f"{ev.iloc[0]['source_medium']} (entre autres), avec {i18n.fmt_money(ev['revenue'].sum(), lang, decimals=0)} "
                  "de chiffre d'affaires."),
        i18n.text(lang, "Check Google Ads auto-tagging is on and that redirects keep the gclid; tag other platforms' "
                        "ads with UTM parameters.",
                  "Vérifier que le marquage automatique Google Ads est actif et que les redirections conservent le "
                  "gclid ; taguer les annonces des autres plateformes avec des paramètres UTM."),
        float(n), ev)


def duplicate_transactions(data: AuditData, lang: str = "en") -> Finding | None:
    """Transaction ids recorded more than once: revenue and conversions counted twice,
    usually a reloaded confirmation page. One query
    (:func:`trafficlib.query.engines.definition.duplicate_transactions_sql`) on the
    events: DuckDB on the events file, or the engine's events."""
    eng = _engine(data)
    if eng is not None:
        ev = eng.audit_table("duplicate_transactions")
        if ev is None:
            return None
    else:
        if data.events is None:
            return None
        from trafficlib.query.engines import definition as D
        from trafficlib.sessions import connect, events_relation

        con = connect()
        try:
            view = events_relation(con, data.events)
            ev = con.sql(D.duplicate_transactions_sql(
                f"(SELECT transaction_id, event_name, revenue, epoch_us(timestamp) AS ts_us FROM {view})")).df()
        finally:
            con.close()
        for col, name in (("first_us", "first_seen"), ("last_us", "last_seen")):
            ev[name] = pd.to_datetime(pd.to_numeric(ev.pop(col)), unit="us")
    if ev.empty:
        return None
    ev = _typed(ev, ints=("purchases",), floats=("revenue_recorded", "revenue_true"), strings=("transaction_id",))
    extra = float((ev["revenue_recorded"] - ev["revenue_true"]).sum())
    return Finding(
        "duplicate_transactions", "high",
        i18n.text(lang, f"{len(ev)} transaction id(s) recorded more than once",
                  f"{len(ev)} identifiant(s) de transaction enregistré(s) plusieurs fois"),
        i18n.text(lang, f"Revenue is overstated by {i18n.fmt_money(extra, lang, decimals=0)} and conversions by "
                        f"{i18n.fmt_int((ev['purchases'] - 1).sum(), lang)}.",
                  f"Le chiffre d'affaires est surestimé de {i18n.fmt_money(extra, lang, decimals=0)} et les conversions "
                  f"de {i18n.fmt_int((ev['purchases'] - 1).sum(), lang)}."),
        i18n.text(lang, "Fire the purchase event once per order (guard the confirmation page against reloads, "
                        "or deduplicate on transaction_id in the tag).",
                  "Déclencher l'événement d'achat une seule fois par commande (protéger la page de confirmation "
                  "contre les rechargements ou dédoublonner sur transaction_id dans la balise)."),
        extra, ev)


def long_sessions(sessions, lang: str = "en", max_hours: float = 4.0) -> Finding | None:
    """Sessions lasting more than ``max_hours``: tabs left open with a heartbeat, or
    tags re-firing; they inflate average durations. ``sessions``: session rows or an
    engine source (one query returning the 20 longest and the count)."""
    eng = _engine(sessions)
    cols = ["session_id", "start", "source", "landing_page", "pageviews", "duration_s"]
    if eng is not None:
        t = eng.audit_table("long_sessions", min_seconds=max_hours * 3600, limit=20)
        if t.empty:
            return None
        n_long, longest = int(t["n_long"].iloc[0]), float(t["max_duration_s"].iloc[0])
        ev = t[cols]
    else:
        long = sessions[sessions["duration_s"] > max_hours * 3600]
        if long.empty:
            return None
        n_long, longest = len(long), float(long["duration_s"].max())
        ev = long[cols].sort_values(["duration_s", "start", "session_id"], ascending=[False, True, True]).head(20)
    ev = _typed(ev, ints=("pageviews",), floats=("duration_s",), strings=("session_id", "source", "landing_page"))
    ev["start"] = pd.to_datetime(ev["start"]).astype("datetime64[us]")
    return Finding(
        "long_sessions", "low",
        i18n.text(lang, f"{n_long} session(s) last more than {max_hours:g} hours",
                  f"{n_long} session(s) durent plus de {max_hours:g} heures"),
        i18n.text(lang, f"Longest: {i18n.fmt_number(longest / 3600, lang, 1)} h with hits every few "
                        "minutes; they inflate average durations.",
                  f"La plus longue : {i18n.fmt_number(longest / 3600, lang, 1)} h avec des hits toutes "
                  "les quelques minutes ; elles gonflent les durées moyennes."),
        i18n.text(lang, "Look for auto-refreshing pages or timers firing events; prefer engagement time to "
                        "session duration.",
                  "Rechercher les pages qui se rechargent seules ou les minuteurs qui envoient des événements ; "
                  "préférer la durée d'engagement à la durée de session."),
        float(n_long), ev)


def bot_traffic(sessions, lang: str = "en", min_sessions: int = 50, factor: float = 5.0,
                max_engagement: float = 0.05) -> Finding | None:
    """Bursts that look like bots: on some days a segment (country × device × source)
    brings ``factor`` × its usual daily sessions (and at least ``min_sessions``) with
    almost no engagement (rate below ``max_engagement``). ``sessions``: session rows or
    an engine source (one aggregate query)."""
    keys = ["country", "device", "source"]
    eng = _engine(sessions)
    if eng is not None:
        ev = eng.audit_table("bot_bursts", min_sessions=min_sessions, factor=factor, max_engagement=max_engagement)
    else:
        s = sessions.assign(date=sessions["start"].dt.normalize(), _eng=metrics._engaged(sessions).astype(int))
        s[keys] = s[keys].fillna("(not set)")
        g = s.groupby(["date", *keys], observed=True).agg(sessions=("session_id", "size"), engaged=("_eng", "sum"),
                                                          duration=("duration_s", "mean"))
        g = g.reset_index()
        # usual volume of the segment: its mean over all days of the span (absent days = 0)
        n_days = max(int((s["date"].max() - s["date"].min()).days) + 1, 1)
        usual = g.groupby(keys, observed=True)["sessions"].transform("sum") / n_days
        g["engagement_rate"] = g["engaged"] / g["sessions"]
        hit = g[(g["sessions"] >= min_sessions) & (g["sessions"] >= factor * usual.clip(lower=1))
                & (g["engagement_rate"] < max_engagement)]
        ev = hit[["date", *keys, "sessions", "engagement_rate", "duration"]].rename(
            columns={"duration": "avg_duration_s"})
    if ev.empty:
        return None
    ev = _typed(ev, ints=("sessions",), floats=("engagement_rate", "avg_duration_s"), strings=keys)
    ev["date"] = pd.to_datetime(ev["date"]).astype("datetime64[us]")
    n = int(ev["sessions"].sum())
    return Finding(
        "bots", "high" if n > 0.005 * _n_sessions(sessions) else "medium",
        i18n.text(lang, f"Bot-like traffic: {i18n.fmt_int(n, lang)} sessions on {ev['date'].nunique()} day(s)",
                  f"Trafic de robots probable : {i18n.fmt_int(n, lang)} sessions sur {ev['date'].nunique()} jour(s)"),
        i18n.text(lang, f"Bursts from {ev.iloc[0]['country']} / {ev.iloc[0]['device']} / {ev.iloc[0]['source']} "
                        f"({_dates(sorted(ev['date'].unique()), lang)}) with "
                        f"{i18n.fmt_pct(ev['engagement_rate'].max(), lang, 0)} engagement or less.",
                  f"Pics depuis {ev.iloc[0]['country']} / {ev.iloc[0]['device']} / {ev.iloc[0]['source']} "
                  f"({_dates(sorted(ev['date'].unique()), lang)}) avec au plus "
                  f"{i18n.fmt_pct(ev['engagement_rate'].max(), lang, 0)} d'engagement."),
        i18n.text(lang, "Exclude these sessions from analyses (segment or data filter) and block the offending "
                        "IP ranges or user agents.",
                  "Exclure ces sessions des analyses (segment ou filtre de données) et bloquer les plages d'IP ou "
                  "user agents en cause."),
        float(n), ev)


def without_bots(sessions: pd.DataFrame, finding: Finding | None) -> pd.DataFrame:
    """The sessions minus those of the bursts a :func:`bot_traffic` finding lists (same
    day, country, device and source); unchanged when there is no finding."""
    if finding is None or finding.evidence.empty:
        return sessions
    keys = ["country", "device", "source"]
    flagged = finding.evidence[["date", *keys]].drop_duplicates().assign(_bot=True)
    probe = sessions[keys].fillna("(not set)").assign(date=sessions["start"].dt.normalize())
    hit = probe.merge(flagged, on=["date", *keys], how="left")["_bot"].fillna(False).to_numpy(dtype=bool)
    return sessions[~hit]


def leaky_landing_pages(sessions, period: Period | None = None, lang: str = "en",
                        min_share: float = 0.01, ratio_max: float = 0.7) -> pd.DataFrame:
    """Landing pages that attract and lose visitors, per channel.

    A (landing page, channel) pair is flagged when it brings at least ``min_share`` of
    the channel's sessions and its engagement rate is below ``ratio_max`` × the
    channel's. ``revenue_at_stake`` = sessions × (channel conversion rate − page
    conversion rate) × the site's average order value: what the page would bring if it
    converted like the rest of its channel. Sorted by revenue at stake.
    """
    src = query.as_source(sessions)
    per = src.kpis(["landing_page", "channel"], period)
    chan = src.kpis("channel", period).set_index("channel")
    aov = src.kpis((), period).iloc[0]["aov"]
    per["channel_sessions"] = per["channel"].map(chan["sessions"])
    per["channel_engagement_rate"] = per["channel"].map(chan["engagement_rate"])
    per["channel_conversion_rate"] = per["channel"].map(chan["conversion_rate"])
    flagged = per[(per["sessions"] >= min_share * per["channel_sessions"]) & (per["sessions"] >= 30)
                  & (per["engagement_rate"] < ratio_max * per["channel_engagement_rate"])].copy()
    flagged["revenue_at_stake"] = (flagged["sessions"] * (flagged["channel_conversion_rate"] - flagged["conversion_rate"])
                                   ).clip(lower=0) * (aov if pd.notna(aov) else 0)
    cols = ["landing_page", "channel", "sessions", "engagement_rate", "channel_engagement_rate", "conversion_rate",
            "channel_conversion_rate", "revenue_at_stake"]
    return flagged[cols].sort_values("revenue_at_stake", ascending=False).reset_index(drop=True)


def anomaly_days(sessions, threshold: float = 3.5, country: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """Anomalous days of the daily sessions series (see :func:`trafficlib.timeseries.anomalies`);
    with ``country``, a ``holiday`` column names the public holiday of the day."""
    daily = daily_sessions(sessions)
    if len(daily) < 15:
        return pd.DataFrame(columns=["date", "observed", "expected", "z", "direction", "change"])
    return timeseries.anomalies(daily, threshold=threshold, holidays_country=country, holidays_lang=lang)


# --------------------------------------------------------------------------- findings


def _change_findings(sessions, period, comparison, lang) -> list[Finding]:
    src = query.as_source(sessions)
    if comparison is None or not has_data(src, comparison):
        return []
    t = compare_periods(sessions, period, comparison)
    out = []
    for _, r in t[t["significant"]].iterrows():
        label = i18n.label(r["metric"], lang)
        if r["kind"] == "count":
            if abs(r["change"]) < 0.05:
                continue
            chg = i18n.fmt_delta(r["change"], lang)
        else:
            if abs(r["change"]) < 0.005:
                continue
            pts = i18n.fmt_number(100 * r["change"], lang, 1)
            chg = f"{'+' if r['change'] > 0 else ''}{pts} pts"
        down = r["change"] < 0
        out.append(Finding(
            f"change_{r['metric']}", "medium" if down else "low",
            i18n.text(lang, f"{label}: {chg} vs the comparison period (significant, p = {r['p_value']:.3f})",
                      f"{label} : {chg} par rapport à la période de comparaison (significatif, p = "
                      f"{i18n.fmt_number(r['p_value'], lang, 3)})"),
            i18n.text(lang, f"{comparison.label(lang)} → {period.label(lang)}.", f"{comparison.label(lang)} → {period.label(lang)}."),
            i18n.text(lang, "See the channel table for where the change comes from.",
                      "Voir le tableau par canal pour savoir d'où vient l'évolution."),
            abs(float(r["change"])) * 1000, pd.DataFrame([r])))
    return out


def findings(data: AuditData, period: Period, comparison: Period | None, site_domain: str,
             lang: str = "en", country: str | None = "FR", search=None) -> list[Finding]:
    """Every finding, ranked: tracking health over the whole data span (problems in the
    past still distort comparisons), then what changed and leaky landing pages in the
    period; with ``search`` (:class:`trafficlib.seo.SearchData`), Organic Search sessions
    checked against Search Console clicks. Sorted by severity, then score."""
    s = data.sessions
    src = data.source
    if s is not None:
        checks = [
            missing_days(s, lang, country=country), self_referrals(s, site_domain, lang), unassigned_share(s, lang),
            utm_variants(s, lang), untagged_paid(s, lang), duplicate_transactions(data, lang),
            long_sessions(s, lang), bot_traffic(s, lang),
        ]
    elif _engine(src) is not None:  # the same checks as aggregate queries in the engine
        checks = [
            missing_days(src, lang, country=country) if src.supports(["date"]) else None,
            self_referrals(src, site_domain, lang), unassigned_share(src, lang), utm_variants(src, lang),
            untagged_paid(src, lang), duplicate_transactions(data, lang), long_sessions(src, lang),
            bot_traffic(src, lang),
        ]
    else:  # a cube: what the daily series allows
        checks = [missing_days(src, lang, country=country)] if src.supports(["date"]) else []
    if search is not None:  # Search Console beside the analytics (seo.SearchData)
        checks.append(organic_vs_search_console(src, search, lang)[1])
    out = [f for f in checks if f is not None]
    if src.supports(["date"]):
        out += _change_findings(src, period, comparison, lang)
    leaky = leaky_landing_pages(src, period, lang) if src.supports(["landing_page", "channel"], period) else \
        pd.DataFrame()
    if not leaky.empty:
        top = leaky.iloc[0]
        out.append(Finding(
            "leaky_landing_pages", "medium",
            i18n.text(lang, f"Landing page losing its visitors: {top['landing_page']} ({top['channel']})",
                      f"Page de destination qui perd ses visiteurs : {top['landing_page']} ({top['channel']})"),
            i18n.text(lang, f"{i18n.fmt_pct(top['engagement_rate'], lang, 0)} engagement vs "
                            f"{i18n.fmt_pct(top['channel_engagement_rate'], lang, 0)} for the channel; about "
                            f"{i18n.fmt_money(leaky['revenue_at_stake'].sum(), lang, decimals=0)} of revenue at stake "
                            f"across {len(leaky)} page(s).",
                      f"{i18n.fmt_pct(top['engagement_rate'], lang, 0)} d'engagement contre "
                      f"{i18n.fmt_pct(top['channel_engagement_rate'], lang, 0)} pour le canal ; environ "
                      f"{i18n.fmt_money(leaky['revenue_at_stake'].sum(), lang, decimals=0)} de chiffre d'affaires en jeu "
                      f"sur {len(leaky)} page(s)."),
            i18n.text(lang, "Check load time and the message match between the ad and the page; test a better "
                            "landing page.",
                      "Vérifier le temps de chargement et la cohérence entre l'annonce et la page ; tester une "
                      "meilleure page de destination."),
            float(leaky["revenue_at_stake"].sum()), leaky))
    return sorted(out, key=lambda f: (SEVERITY_ORDER[f.severity], -f.score))


def organic_vs_search_console(data, search, lang: str = "en", threshold: float = 3.5
                              ) -> tuple[pd.DataFrame, Finding | None]:
    """Organic Search sessions (analytics) beside Search Console clicks, day by day.

    ``search`` is :class:`trafficlib.seo.SearchData` (from :func:`trafficlib.seo.prepare`).
    Returns the joined table of :func:`trafficlib.seo.organic_vs_clicks` (date, sessions,
    clicks, ratio = sessions / clicks, robust z, flag) and a :class:`Finding` when some
    day's ratio leaves its usual range (|robust z| > ``threshold``): one source moved and
    not the other, which is a measurement problem (tag, consent banner, Search Console
    data), not a change in visitors. None when the two agree or there is nothing to join.
    """
    from trafficlib import seo

    src = query.as_source(data)
    empty = pd.DataFrame(columns=["date", "sessions", "clicks", "ratio", "z", "flag"])
    if not src.supports(["date", "channel"]):
        return empty, None
    t = src.sums(["date", "channel"])
    organic = t[t["channel"] == "Organic Search"].groupby("date")["sessions"].sum()
    joined = seo.organic_vs_clicks(search, organic, threshold)
    if joined.empty or not joined["flag"].any():
        return joined, None
    bad = joined[joined["flag"]]
    when = _dates(bad["date"], lang)
    usual = float(joined["ratio"].median())
    ev = bad[["date", "sessions", "clicks", "ratio"]].reset_index(drop=True)
    return joined, Finding(
        "organic_vs_search_console", "medium",
        i18n.text(lang, f"Organic sessions and Search Console clicks disagree on {len(bad)} day(s) ({when})",
                  f"Sessions organiques et clics Search Console en désaccord sur {len(bad)} jour(s) ({when})"),
        i18n.text(lang, f"Usually {i18n.fmt_number(usual, lang, 2)} organic sessions per Search Console click; on "
                        "those days one moved and not the other.",
                  f"D'habitude {i18n.fmt_number(usual, lang, 2)} session organique par clic Search Console ; ces "
                  "jours-là, l'un a bougé sans l'autre."),
        i18n.text(lang, "A drop in sessions alone points at the tag or the consent banner; a drop in clicks alone "
                        "at Search Console's data (or a filter). Check the tag deployments of those days.",
                  "Une baisse des seules sessions désigne la balise ou la bannière de consentement ; une baisse des "
                  "seuls clics, les données de Search Console (ou un filtre). Vérifier les publications de balises "
                  "de ces jours."),
        float((bad["clicks"] * usual - bad["sessions"]).abs().sum()), ev)


def findings_table(items: list[Finding]) -> pd.DataFrame:
    """Findings as a frame for :func:`trafficlib.display.findings` (severity, title,
    detail, action), in rank order."""
    return pd.DataFrame([{"key": f.key, "severity": f.severity, "title": f.title, "detail": f.detail,
                          "action": f.action} for f in items],
                        columns=["key", "severity", "title", "detail", "action"])


# --------------------------------------------------------------------------- plots


def plot_decomposition(sessions, lang: str = "en", anomalies_table: pd.DataFrame | None = None):
    """Daily sessions with the STL trend (top) and the weekly pattern (bottom), anomaly
    days marked; returns the Figure. Under 15 days of data, daily sessions only."""
    daily = daily_sessions(sessions)
    if len(daily) < 15:
        fig, ax = plots.new_figure(height=3.2)
        ax.plot(daily.index, daily.to_numpy(), color=plots.ACCENT, marker="o")
        plots.count_axis(ax, lang)
        ax.set_title(i18n.text(lang, "Sessions per day (too few days for a seasonal decomposition)",
                               "Sessions par jour (trop peu de jours pour une décomposition saisonnière)"))
        fig.autofmt_xdate()
        return fig
    d = timeseries.decompose(daily)
    fig, axes = plots.new_figure(nrows=2, height=5.2, sharex=False, gridspec_kw={"height_ratios": [3, 1.4]})
    ax = axes[0]
    ax.plot(d.index, d["observed"], color=plots.ACCENT, alpha=0.35, linewidth=1, label=i18n.label("sessions", lang))
    ax.plot(d.index, d["trend"], color=plots.ACCENT, linewidth=2, label=i18n.text(lang, "Trend (STL)", "Tendance (STL)"))
    if anomalies_table is not None and not anomalies_table.empty:
        a = anomalies_table
        ax.scatter(a["date"], a["observed"], color=plots.BAD, zorder=3, s=18,
                   label=i18n.text(lang, "Anomaly", "Anomalie"))
    plots.count_axis(ax, lang)
    ax.set_title(i18n.text(lang, "Sessions per day and trend", "Sessions par jour et tendance"))
    ax.legend(loc="upper left", fontsize=8)
    week = d["seasonal"].groupby(d.index.dayofweek).mean()
    names = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."] if lang == "fr" else \
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    axes[1].bar(names, week.to_numpy(), color=[plots.GOOD if v >= 0 else plots.BAD for v in week])
    axes[1].set_title(i18n.text(lang, "Weekly pattern (sessions vs trend)", "Profil hebdomadaire (sessions vs tendance)"))
    plots.count_axis(axes[1], lang)
    fig.tight_layout()
    return fig


def plot_comparison(table: pd.DataFrame, lang: str = "en"):
    """Channel sessions, period vs comparison (from :func:`by_dimension`-like frames
    with ``channel``, ``sessions``, ``previous``); returns the Figure."""
    t = table.sort_values("sessions")
    fig, ax = plots.new_figure(height=max(2.5, 0.4 * len(t) + 1))
    y = np.arange(len(t))
    ax.barh(y + 0.2, t["sessions"], height=0.4, color=[plots.color_for(c) for c in t["channel"]],
            label=i18n.label("period", lang))
    ax.barh(y - 0.2, t["previous"], height=0.4, color=plots.GREY, label=i18n.label("comparison", lang))
    ax.set_yticks(y, t["channel"])
    plots.count_axis(ax, lang, axis="x")
    ax.legend(loc="lower right")
    ax.set_title(i18n.text(lang, "Sessions by channel", "Sessions par canal"))
    ax.grid(axis="y", visible=False)
    return fig
