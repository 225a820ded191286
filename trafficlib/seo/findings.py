"""SEO findings ranked by the clicks at stake, like the audit's."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.seo import ctr as _ctr, tables as _tables, trend as _trend
from trafficlib.seo.core import SearchData, coverage, totals

__all__ = ["findings", "severity"]


def severity(at_stake: float, period_clicks: float) -> str:
    """high when the clicks at stake reach 5 % of the period's clicks, medium from 1 %,
    else low."""
    share = at_stake / period_clicks if period_clicks and np.isfinite(period_clicks) and period_clicks > 0 else 0
    return "high" if share >= 0.05 else "medium" if share >= 0.01 else "low"


def findings(sd: SearchData, lang: str = "en", curve: _ctr.CtrCurve | None = None, max_per_kind: int = 3,
             min_impressions: int = 100, striking_positions: tuple[float, float] = (8, 20),
             striking_min_impressions: int = 200, country: str | None = "auto") -> pd.DataFrame:
    """Every finding of the SEO report in ``lang``, ranked by clicks at stake.

    Kinds: traffic drops (anomalous days: expected − observed clicks), pages losing
    clicks (clicks lost), CTR far below the site's curve (clicks to reach the curve),
    striking-distance queries (clicks at position 3), cannibalised queries, and, without
    clicks at stake, what the export hides (filters, the share the visible queries
    cover). ``country``: whose holidays are quiet days, not drops (see
    :func:`trafficlib.seo.trend.anomalies`). Returns ``severity``, ``kind``, ``title``,
    ``detail``, ``action``, ``clicks_at_stake`` (over the period).
    """
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    n_ = lambda x: i18n.fmt_int(x, lang)  # noqa: E731
    pct = lambda x: i18n.fmt_pct(x, lang)  # noqa: E731
    pos = lambda x: i18n.fmt_number(x, lang, 1)  # noqa: E731
    tot = totals(sd)
    clicks = tot["clicks"]
    curve = curve if curve is not None else _ctr.ctr_curve(sd)
    rows = []

    def add(kind, at_stake, title, detail, action):
        rows.append({"severity": severity(at_stake, clicks) if at_stake else "low", "kind": kind, "title": title,
                     "detail": detail, "action": action, "clicks_at_stake": float(at_stake or 0.0)})

    an = _trend.anomalies(sd, country=country, lang=lang)
    # a drop on a holiday is named in the anomaly table, not reported as a problem
    drops = an[(an["direction"] == "drop") & an["holiday"].isna()]
    drops = drops.sort_values("at_stake", ascending=False).head(max_per_kind)
    for r in drops.itertuples():
        d = i18n.fmt_date(r.date, lang)
        add("drop", r.at_stake,
            t(f"Clicks fell on {d}: {n_(r.observed)} instead of about {n_(r.expected)}",
              f"Chute des clics le {d} : {n_(r.observed)} au lieu d'environ {n_(r.expected)}"),
            t(f"{i18n.fmt_delta(r.change, lang)} against the trend and weekly pattern (robust z {i18n.fmt_number(r.z, lang, 1)}).",
              f"{i18n.fmt_delta(r.change, lang)} par rapport à la tendance et au profil hebdomadaire (z robuste {i18n.fmt_number(r.z, lang, 1)})."),
            t("Check Search Console's notices, indexing and the site's availability that day.",
              "Vérifiez les annonces de Search Console, l'indexation et la disponibilité du site ce jour-là."))
    for r in _tables.pages_losing(sd).head(max_per_kind).itertuples():
        add("page_loss", r.clicks_at_stake,
            t(f"{r.page} lost {n_(-r.clicks_change)} clicks", f"{r.page} a perdu {n_(-r.clicks_change)} clics"),
            t(f"{n_(r.clicks_previous)} → {n_(r.clicks)} clicks; average position {pos(r.position_previous)} → {pos(r.position)}.",
              f"{n_(r.clicks_previous)} → {n_(r.clicks)} clics ; position moyenne {pos(r.position_previous)} → {pos(r.position)}."),
            t("Compare the page's queries between the two periods; check its content, title and internal links.",
              "Comparez les requêtes de la page entre les deux périodes ; vérifiez contenu, titre et liens internes."))
    for r in _ctr.opportunities(sd, curve, min_impressions=min_impressions).head(max_per_kind).itertuples():
        add("low_ctr", r.clicks_at_stake,
            t(f"'{r.query}': CTR {pct(r.ctr)} at position {pos(r.position)}, the site's curve expects {pct(r.expected_ctr)}",
              f"« {r.query} » : CTR {pct(r.ctr)} en position {pos(r.position)}, la courbe du site attend {pct(r.expected_ctr)}"),
            t(f"{n_(r.impressions)} impressions, {n_(r.clicks)} clicks: about {n_(r.clicks_at_stake)} clicks more at the site's usual CTR.",
              f"{n_(r.impressions)} impressions, {n_(r.clicks)} clics : environ {n_(r.clicks_at_stake)} clics de plus au CTR habituel du site."),
            t("Rewrite the title and meta description of the page that ranks; check the rich results shown.",
              "Réécrivez le titre et la méta-description de la page classée ; vérifiez les résultats enrichis affichés."))
    for r in _ctr.striking_distance(sd, curve, striking_positions, striking_min_impressions).head(max_per_kind).itertuples():
        add("striking", r.clicks_at_stake,
            t(f"'{r.query}' ranks {pos(r.position)} with {n_(r.impressions)} impressions",
              f"« {r.query} » est en position {pos(r.position)} avec {n_(r.impressions)} impressions"),
            t(f"At position 3 the site's curve gives {pct(r.target_ctr)}: about {n_(r.clicks_at_stake)} clicks more.",
              f"En position 3 la courbe du site donne {pct(r.target_ctr)} : environ {n_(r.clicks_at_stake)} clics de plus."),
            t("Strengthen the ranking page (content depth, internal links to it).",
              "Renforcez la page classée (contenu, liens internes vers elle)."))
    for r in _tables.cannibalisation(sd).head(max_per_kind).itertuples():
        add("cannibalisation", r.clicks_at_stake,
            t(f"'{r.query}' is split between {r.pages} pages", f"« {r.query} » est partagée entre {r.pages} pages"),
            t(f"{r.top_page} holds {pct(r.top_share)} of its impressions, {r.second_page} most of the rest.",
              f"{r.top_page} a {pct(r.top_share)} de ses impressions, {r.second_page} l'essentiel du reste."),
            t("Pick one page for the query; merge or redirect the other, or differentiate their intent.",
              "Choisissez une page pour la requête ; fusionnez ou redirigez l'autre, ou différenciez leur intention."))
    cov = coverage(sd)
    q = cov[cov["table"] == "queries"]
    if len(q) and np.isfinite(q["share_clicks"].iloc[0]) and q["share_clicks"].iloc[0] > 1.0001:
        add("coverage", 0,
            t("The queries table adds up to more clicks than the site's total",
              "Le tableau des requêtes totalise plus de clics que le site"),
            t("The tables do not come from the same export (period or filters differ): check the files.",
              "Les tableaux ne viennent pas du même export (période ou filtres différents) : vérifiez les fichiers."),
            None)
    elif len(q) and np.isfinite(q["share_clicks"].iloc[0]):
        add("coverage", 0,
            t(f"The visible queries cover {pct(q['share_clicks'].iloc[0])} of clicks and {pct(q['share_impressions'].iloc[0])} of impressions",
              f"Les requêtes visibles couvrent {pct(q['share_clicks'].iloc[0])} des clics et {pct(q['share_impressions'].iloc[0])} des impressions"),
            t("The rest are anonymised queries and rows beyond the export's limit; totals come from the Dates table.",
              "Le reste : requêtes anonymisées et lignes au-delà de la limite de l'export ; les totaux viennent du tableau Dates."),
            None)
    if sd.filters:
        applied = "; ".join(sd.filters)
        add("filters", 0, t("Filters applied in Search Console", "Filtres appliqués dans Search Console"), applied,
            t("Every figure in this report is within these filters.",
              "Tous les chiffres de ce rapport sont dans le périmètre de ces filtres."))
    out = pd.DataFrame(rows, columns=["severity", "kind", "title", "detail", "action", "clicks_at_stake"])
    order = {"high": 0, "medium": 1, "low": 2}
    out["_o"] = out["severity"].map(order)
    return out.sort_values(["_o", "clicks_at_stake"], ascending=[True, False]).drop(columns="_o").reset_index(drop=True)
