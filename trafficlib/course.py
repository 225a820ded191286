"""The teaching track: exercises for the course notebooks (``notebooks/course/``), in French and English.

A lesson notebook starts with ``data = course.start(lang, data_path)``, explains and
shows with trafficlib, then asks exercises::

    course.ask("1.2")                  # the question, in the lesson's language
    course.check("1.2", answer_1_2)    # right / wrong with a hint / "type your answer first"

Design
------
- Every exercise (:class:`Exercise`) has an id (``"<lesson>.<n>"``), a prompt and hints
  in both languages, an answer ``kind`` and a tolerance, and a ``solve`` function that
  computes the expected answer **from the data with trafficlib** (never a typed-in
  number): if the demo shop is regenerated differently, the course stays right.
- :func:`check` shows the verdict in the current :func:`trafficlib.display.lang` and
  returns True/False. It never shows the expected value: a wrong answer gets the next
  hint (hints are fixed sentences about *how* to find it), a number that looks like a
  percentage typed where a fraction is expected gets a units hint.
- Teachers get the answers with :func:`expected` / :func:`solutions` (written to
  ``notebooks/course/solutions.yml``); :func:`answer_parameters` turns that file into
  the notebook parameters (``answer_1_2``...) to render a solved lesson.

Answer kinds (what a learner may type):

==========  =====================================================================
number      a count or an amount: ``11019``, ``"11 019"``, ``"98,28"`` (French)
rate        a fraction: ``0.034``, or explicitly ``"3.4%"`` / ``"3,4 %"``
text        a name (channel, page, campaign, domain): case, accents and spaces ignored
weekday     a day name in English or French (``"Saturday"``, ``"samedi"``)
date        ``"2026-02-10"`` or ``"10/02/2026"`` (day first)
yesno       ``True``/``False``, ``"yes"``/``"no"``, ``"oui"``/``"non"``
==========  =====================================================================
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from trafficlib import display, i18n

__all__ = ["Exercise", "CourseData", "EXERCISES", "start", "data", "ask", "check", "feedback",
           "expected", "solutions", "exercises", "lesson_of", "param_name", "answer_parameters",
           "load_solutions"]

SITE_DOMAIN = "maison-lumiere.fr"


# --------------------------------------------------------------------------- data


class CourseData:
    """The demo shop's tables for the lessons, loaded once on first use and cached.

    Attributes (each a canonical table or a trafficlib result): ``sessions``,
    ``ad_spend``, ``touchpoints``, ``paths`` (30-day lookback), ``models``
    (:func:`trafficlib.attribution.compare_models`), ``ab_test`` (the demo's
    ``ab_test_ads.csv``), ``postmortem`` (of ``prospection_printemps``), ``traffic``
    (Similarweb-style estimates), ``rankings`` (the SEMrush position-tracking export:
    the last 8 weeks, small enough for a lesson), ``auction`` (Auction Insights).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._cache: dict[str, Any] = {}

    def _get(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def sessions(self) -> pd.DataFrame:
        from trafficlib import overview
        return self._get("sessions", lambda: overview.load_sessions(self.path))

    def between(self, start: str, end: str) -> pd.DataFrame:
        """Sessions starting on a day from ``start`` to ``end`` (both included)."""
        from trafficlib import periods
        p, _ = periods.resolve(start, end, "none")
        s = self.sessions
        return s[p.mask(s["start"])]

    @property
    def ad_spend(self) -> pd.DataFrame:
        from trafficlib import sources
        return self._get("ad_spend", lambda: sources.read(self.path / "ad_spend.parquet", "ad_spend"))

    @property
    def touchpoints(self) -> pd.DataFrame:
        from trafficlib import sources
        return self._get("touchpoints", lambda: sources.read(self.path / "touchpoints.parquet", "touchpoints"))

    @property
    def paths(self) -> pd.DataFrame:
        from trafficlib import attribution
        return self._get("paths", lambda: attribution.paths_from_touchpoints(self.touchpoints, lookback_days=30))

    @property
    def models(self) -> pd.DataFrame:
        from trafficlib import attribution
        return self._get("models", lambda: attribution.compare_models(self.paths))

    @property
    def ab_test(self) -> pd.DataFrame:
        from trafficlib import sources
        def make():
            raw = sources.read_raw(self.path / "ab_test_ads.csv")
            for col in ("impressions", "clicks", "conversions"):
                raw[col] = pd.to_numeric(raw[col]).astype(int)
            return raw
        return self._get("ab_test", make)

    @property
    def postmortem(self):
        from trafficlib import campaigns
        return self._get("postmortem", lambda: campaigns.postmortem(
            self.ad_spend, self.sessions, "prospection_printemps", "2026-04-06", "2026-05-03"))

    @property
    def traffic(self) -> pd.DataFrame:
        from trafficlib import marketdata
        return self._get("traffic", lambda: marketdata.read_similarweb(self.path / "competitors_similarweb.csv"))

    @property
    def rankings(self) -> pd.DataFrame:
        from trafficlib import marketdata
        return self._get("rankings", lambda: marketdata.read_rankings(self.path / "semrush_position_tracking.csv"))

    @property
    def auction(self) -> pd.DataFrame:
        from trafficlib import marketdata
        return self._get("auction", lambda: marketdata.read_auction_insights(
            self.path / "auction_insights_fr.csv", SITE_DOMAIN))


_DATA: dict[tuple, CourseData] = {}
_state: dict[str, Any] = {"data_path": None, "attempts": {}}


def _key(path: Path) -> tuple:
    files = sorted(path.glob("*")) if path.is_dir() else [path]
    return (str(path.resolve()), max((f.stat().st_mtime_ns for f in files), default=0))


def data(data_path: str | Path | None = None) -> CourseData:
    """The cached :class:`CourseData` of ``data_path`` (default: the one given to
    :func:`start`). Reloaded when a file of the folder changed."""
    path = Path(data_path if data_path is not None else (_state["data_path"] or "data/demo"))
    if not path.exists():
        from trafficlib.errors import TrafficDataError
        raise TrafficDataError("course data folder not found", file=str(path),
                               hint="generate the demo shop: trafficlib demo data/demo")
    key = _key(path)
    if key not in _DATA:
        for old in [k for k in _DATA if k[0] == key[0]]:
            del _DATA[old]
        _DATA[key] = CourseData(path)
    return _DATA[key]


def start(lang: str = "en", data_path: str | Path = "../../data/demo") -> CourseData:
    """Start a lesson: set the language (:func:`trafficlib.display.setup`), forget
    previous attempts, and return the lesson's :class:`CourseData`."""
    display.setup(lang)
    _state["data_path"] = str(data_path)
    _state["attempts"] = {}
    return data(data_path)


# --------------------------------------------------------------------------- exercises


@dataclass(frozen=True)
class Exercise:
    """One exercise. ``solve(data)`` returns the expected answer (for ``text``: a name or
    a list of accepted names, the first being canonical). ``tolerance`` is absolute, or
    relative to the expected value when ``relative``. ``hints`` are (en, fr) pairs,
    shown one more at each wrong answer; they say how to find the answer, never what it is."""

    id: str
    prompt: tuple[str, str]
    kind: str
    solve: Callable[[CourseData], Any]
    hints: tuple[tuple[str, str], ...]
    tolerance: float = 0.0
    relative: bool = False

    @property
    def lesson(self) -> int:
        return int(self.id.split(".")[0])


def _kpi(start_: str, end_: str, name: str, ua: bool = False) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import metrics
        return float(metrics.session_kpis(d.between(start_, end_), ua_bounce=ua)[name])
    return solve


def _channel_of(source: str, medium: str) -> Callable[[CourseData], str]:
    def solve(d: CourseData) -> str:
        from trafficlib import channels
        frame = pd.DataFrame({"source": [source], "medium": [medium], "campaign": [None]})
        return str(channels.channel_group(frame).iloc[0])
    return solve


def _self_referral_sessions(d: CourseData) -> int:
    from trafficlib import audit
    found = audit.self_referrals(d.sessions, SITE_DOMAIN)
    return int(found.evidence["sessions"].sum()) if found is not None else 0


def _channel_share(channel: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import metrics
        t = metrics.kpis_by(d.sessions, "channel")
        return float(t.loc[t["channel"] == channel, "share"].sum())
    return solve


def _outage_start(d: CourseData) -> pd.Timestamp:
    from trafficlib import audit
    return pd.Timestamp(audit.missing_days(d.sessions).evidence["date"].min()).normalize()


_WEEKDAYS = [("Monday", "lundi"), ("Tuesday", "mardi"), ("Wednesday", "mercredi"), ("Thursday", "jeudi"),
             ("Friday", "vendredi"), ("Saturday", "samedi"), ("Sunday", "dimanche")]


def _quietest_weekday(d: CourseData) -> str:
    from trafficlib import audit, timeseries
    parts = timeseries.decompose(audit.daily_sessions(d.sessions))
    weekly = parts["seasonal"].groupby(parts.index.day_of_week).mean()
    return _WEEKDAYS[int(weekly.idxmin())][0]


def _anomaly_count(d: CourseData) -> int:
    from trafficlib import audit
    return int(len(audit.anomaly_days(d.sessions)))


def _leaky_page(d: CourseData) -> str:
    from trafficlib import audit
    return str(audit.leaky_landing_pages(d.sessions)["landing_page"].iloc[0])


def _ad_kpi(campaign: str, name: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import campaigns
        return float(campaigns.kpis(d.ad_spend).loc[campaign, name])
    return solve


def _top_campaign(name: str) -> Callable[[CourseData], str]:
    def solve(d: CourseData) -> str:
        from trafficlib import campaigns
        return str(campaigns.kpis(d.ad_spend)[name].idxmax())
    return solve


def _pacing(d: CourseData) -> float:
    from trafficlib import campaigns
    rows = campaigns.select(d.ad_spend, "prospection_printemps")
    pace = campaigns.pacing(rows, "2026-04-06", "2026-05-03", 7500, as_of="2026-04-19")
    return float(pace["pacing"].iloc[-1])


def _model_share(model: str, channel: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        m = d.models
        return float(m.loc[(m["model"] == model) & (m["channel"] == channel), "share"].sum())
    return solve


def _model_top(model: str) -> Callable[[CourseData], str]:
    def solve(d: CourseData) -> str:
        m = d.models[d.models["model"] == model]
        return str(m.loc[m["share"].idxmax(), "channel"])
    return solve


def _ab(key: str) -> Callable[[CourseData], Any]:
    def solve(d: CourseData) -> Any:
        from trafficlib import campaigns
        value = campaigns.ab_table(d.ab_test)[key]
        return bool(value) if key == "significant" else float(value)
    return solve


def _sample_size(d: CourseData) -> int:
    from trafficlib import campaigns
    return int(campaigns.sample_size(0.04, 0.10))


def _incremental_cpa(d: CourseData) -> float:
    return float(d.postmortem.economics.loc["incremental_cpa", "estimate"])


def _traffic_leader(d: CourseData) -> str:
    from trafficlib import competitors
    t = competitors.traffic_summary(d.traffic)
    return str(t.loc[t["visits"].idxmax(), "domain"])


def _impression_share(domain: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import competitors
        t = competitors.auction_pressure(d.auction, SITE_DOMAIN)
        return float(t.loc[t["domain"] == domain, "impression_share"].iloc[0])
    return solve


def _sov_leader(d: CourseData) -> str:
    from trafficlib import competitors
    sov = competitors.share_of_voice(d.rankings)
    last = sov[sov["date"] == sov["date"].max()]
    return str(last.loc[last["share_of_voice"].idxmax(), "domain"])


def _gap_count(d: CourseData) -> int:
    from trafficlib import competitors
    return int(len(competitors.keyword_gaps(d.rankings, SITE_DOMAIN)))


_OCT = ("2026-10-01", "2026-10-31")
_HINT_PERIOD = ("Keep only October 2026: `data.between(\"2026-10-01\", \"2026-10-31\")`, then "
                "`metrics.session_kpis(...)`.",
                "Ne gardez qu'octobre 2026 : `data.between(\"2026-10-01\", \"2026-10-31\")`, puis "
                "`metrics.session_kpis(...)`.")

EXERCISES: dict[str, Exercise] = {e.id: e for e in [
    # 1. Metrics that matter
    Exercise("1.1", ("How many **sessions** did the shop record in October 2026?",
                     "Combien de **sessions** la boutique a-t-elle enregistrées en octobre 2026 ?"),
             "number", _kpi(*_OCT, "sessions"),
             (_HINT_PERIOD,
              ("A session is one row of the sessions table; do not count users.",
               "Une session est une ligne de la table des sessions ; ne comptez pas les utilisateurs.")),
             tolerance=0.5),
    Exercise("1.2", ("What was the **engagement rate** in October 2026? (a fraction, e.g. 0.5 for 50 %)",
                     "Quel était le **taux d'engagement** en octobre 2026 ? (une fraction, par ex. 0,5 pour 50 %)"),
             "rate", _kpi(*_OCT, "engagement_rate"),
             (_HINT_PERIOD,
              ("Engaged sessions divided by all sessions (GA4: more than 10 s, a key event or 2+ page views).",
               "Sessions avec engagement divisées par toutes les sessions (GA4 : plus de 10 s, un événement clé "
               "ou 2 pages vues ou plus).")),
             tolerance=0.001),
    Exercise("1.3", ("Universal Analytics counted a bounce as a **single-page session**. What is October 2026's "
                     "bounce rate by that old definition?",
                     "Universal Analytics comptait un rebond comme une **session d'une seule page**. Quel est le "
                     "taux de rebond d'octobre 2026 selon cette ancienne définition ?"),
             "rate", _kpi(*_OCT, "ua_bounce_rate", ua=True),
             (("`metrics.session_kpis(..., ua_bounce=True)` adds the old definition.",
               "`metrics.session_kpis(..., ua_bounce=True)` ajoute l'ancienne définition."),
              ("It is not 1 − engagement rate: that is GA4's bounce rate.",
               "Ce n'est pas 1 − taux d'engagement : ça, c'est le taux de rebond GA4.")),
             tolerance=0.001),
    Exercise("1.4", ("What was the **average order value** (revenue per conversion) in October 2026, in euros?",
                     "Quel était le **panier moyen** (chiffre d'affaires par conversion) en octobre 2026, en euros ?"),
             "number", _kpi(*_OCT, "aov"),
             (_HINT_PERIOD,
              ("Revenue divided by conversions, not by sessions.",
               "Chiffre d'affaires divisé par les conversions, pas par les sessions.")),
             tolerance=0.005, relative=True),
    # 2. Where visits come from
    Exercise("2.1", ("A Meta campaign was tagged `utm_source=facebook&utm_medium=Paid_Social`. In which GA4 "
                     "**channel** does it land?",
                     "Une campagne Meta a été taguée `utm_source=facebook&utm_medium=Paid_Social`. Dans quel "
                     "**canal** GA4 tombe-t-elle ?"),
             "text", _channel_of("facebook", "Paid_Social"),
             (("Build a one-row table with columns source, medium, campaign and pass it to "
               "`channels.channel_group`.",
               "Construisez une table d'une ligne (colonnes source, medium, campaign) et passez-la à "
               "`channels.channel_group`."),
              ("GA4 compares values without regard to case.", "GA4 compare les valeurs sans tenir compte de la casse.")),
             ),
    Exercise("2.2", ("The newsletter team wrote `utm_source=newsletter&utm_medium=e-mail`. Which GA4 **channel** "
                     "does that give?",
                     "L'équipe newsletter a écrit `utm_source=newsletter&utm_medium=e-mail`. Quel **canal** GA4 "
                     "cela donne-t-il ?"),
             "text", _channel_of("newsletter", "e-mail"),
             (("Try it with `channels.channel_group`, as in the example above.",
               "Essayez avec `channels.channel_group`, comme dans l'exemple ci-dessus."),
              ("Read the rules in the docstring of `trafficlib.channels`: GA4 accepts several spellings of "
               "some mediums.",
               "Lisez les règles dans la docstring de `trafficlib.channels` : GA4 accepte plusieurs graphies "
               "de certains supports.")),
             ),
    Exercise("2.3", ("How many sessions (whole data set) come from the site **referring to itself** or from "
                     "the **payment gateway**, and so cut real journeys in two?",
                     "Combien de sessions (toutes les données) viennent du site **se référant lui-même** ou de la "
                     "**passerelle de paiement**, et coupent donc de vrais parcours en deux ?"),
             "number", _self_referral_sessions,
             (("`audit.self_referrals(data.sessions, \"maison-lumiere.fr\")` returns a finding with evidence.",
               "`audit.self_referrals(data.sessions, \"maison-lumiere.fr\")` renvoie un constat avec ses preuves."),
              ("Add up both kinds: the self-referral and the payment gateway.",
               "Additionnez les deux : l'auto-référence et la passerelle de paiement.")),
             tolerance=0.5),
    Exercise("2.4", ("What **share of all sessions** can GA4 not place in any channel (`Unassigned`)?",
                     "Quelle **part de toutes les sessions** GA4 ne peut-il placer dans aucun canal (`Unassigned`) ?"),
             "rate", _channel_share("Unassigned"),
             (("`metrics.kpis_by(data.sessions, \"channel\")` has a `share` column.",
               "`metrics.kpis_by(data.sessions, \"channel\")` a une colonne `share`."),
              ("Answer as a fraction of all sessions over the whole data set.",
               "Répondez en fraction de toutes les sessions, sur toutes les données.")),
             tolerance=0.0005),
    # 3. Auditing a site's traffic
    Exercise("3.1", ("On which **day** did the tracking outage start?",
                     "Quel **jour** la panne de suivi a-t-elle commencé ?"),
             "date", _outage_start,
             (("Look at the daily sessions chart: a sudden hole, not a dip.",
               "Regardez le graphique des sessions par jour : un trou soudain, pas un creux."),
              ("`audit.missing_days(data.sessions)` lists the days that recorded far too little.",
               "`audit.missing_days(data.sessions)` liste les jours qui ont enregistré bien trop peu.")),
             ),
    Exercise("3.2", ("Which **day of the week** is the quietest, once trend and anomalies are set aside?",
                     "Quel **jour de la semaine** est le plus calme, une fois la tendance et les anomalies écartées ?"),
             "weekday", _quietest_weekday,
             (("The weekly pattern of `timeseries.decompose(audit.daily_sessions(data.sessions))` is in `seasonal`.",
               "Le motif hebdomadaire de `timeseries.decompose(audit.daily_sessions(data.sessions))` est dans "
               "`seasonal`."),
              ("Average the weekly pattern by weekday and take the lowest.",
               "Faites la moyenne du motif hebdomadaire par jour de la semaine et prenez la plus basse.")),
             ),
    Exercise("3.3", ("How many **anomalous days** does `audit.anomaly_days` flag with its default threshold?",
                     "Combien de **jours anormaux** `audit.anomaly_days` signale-t-il avec son seuil par défaut ?"),
             "number", _anomaly_count,
             (("Count the rows of the table it returns, spikes and drops together.",
               "Comptez les lignes de la table renvoyée, hausses et baisses ensemble."),),
             tolerance=0.5),
    Exercise("3.4", ("Which **landing page** attracts visitors and then loses them more than the rest of its channel?",
                     "Quelle **page de destination** attire des visiteurs puis les perd plus que le reste de son canal ?"),
             "text", _leaky_page,
             (("`audit.leaky_landing_pages(data.sessions)` ranks them by revenue at stake.",
               "`audit.leaky_landing_pages(data.sessions)` les classe par chiffre d'affaires en jeu."),
              ("Answer with the page path, starting with `/`.", "Répondez avec le chemin de la page, commençant par `/`.")),
             ),
    # 4. Paying for traffic
    Exercise("4.1", ("What is the **CPC** of the campaign `fr_search_generique` over the whole data set, in euros?",
                     "Quel est le **CPC** de la campagne `fr_search_generique` sur toutes les données, en euros ?"),
             "number", _ad_kpi("fr_search_generique", "cpc"),
             (("`campaigns.kpis(data.ad_spend)` gives one row per campaign.",
               "`campaigns.kpis(data.ad_spend)` donne une ligne par campagne."),
              ("CPC is cost divided by clicks.", "Le CPC est le coût divisé par les clics.")),
             tolerance=0.01, relative=True),
    Exercise("4.2", ("What **ROAS** does Meta report for `prospection_printemps`? (a ratio, e.g. 3 for 3 € earned per € spent)",
                     "Quel **ROAS** Meta annonce-t-il pour `prospection_printemps` ? (un ratio, par ex. 3 pour 3 € "
                     "gagnés par € dépensé)"),
             "number", _ad_kpi("prospection_printemps", "roas"),
             (("Conversion value reported by the platform divided by cost.",
               "Valeur de conversion annoncée par la plateforme divisée par le coût."),
              ("Same table as before: `campaigns.kpis(data.ad_spend)`.",
               "Même table que précédemment : `campaigns.kpis(data.ad_spend)`.")),
             tolerance=0.01, relative=True),
    Exercise("4.3", ("Which campaign pays the highest **CPM**?", "Quelle campagne paie le **CPM** le plus élevé ?"),
             "text", _top_campaign("cpm"),
             (("CPM is the cost of a thousand impressions: 1000 × cost / impressions.",
               "Le CPM est le coût de mille impressions : 1000 × coût / impressions."),
              ("Sort `campaigns.kpis(data.ad_spend)` by `cpm`.", "Triez `campaigns.kpis(data.ad_spend)` par `cpm`.")),
             ),
    Exercise("4.4", ("`prospection_printemps` had a budget of 7,500 € from 6 April to 3 May 2026. On 19 April, what "
                     "was its **pacing** (spent so far / planned so far)?",
                     "`prospection_printemps` avait un budget de 7 500 € du 6 avril au 3 mai 2026. Le 19 avril, quel "
                     "était son **rythme de dépense** (dépensé à date / prévu à date) ?"),
             "rate", _pacing,
             (("`campaigns.pacing(rows, start, end, budget, as_of=...)` with the campaign's rows from "
               "`campaigns.select`.",
               "`campaigns.pacing(lignes, début, fin, budget, as_of=...)` avec les lignes de la campagne "
               "données par `campaigns.select`."),
              ("Read the `pacing` column on the last day; 1 means exactly on plan.",
               "Lisez la colonne `pacing` au dernier jour ; 1 signifie exactement dans le plan.")),
             tolerance=0.005),
    # 5. Attribution
    Exercise("5.1", ("What **share of conversions** does the **last-touch** model give to Direct?",
                     "Quelle **part des conversions** le modèle **dernier contact** donne-t-il à Direct ?"),
             "rate", _model_share("last_touch", "Direct"),
             (("`data.models` holds every model; filter `model == \"last_touch\"`.",
               "`data.models` contient tous les modèles ; filtrez `model == \"last_touch\"`."),
              ("Answer with the `share` column, a fraction.", "Répondez avec la colonne `share`, une fraction.")),
             tolerance=0.005),
    Exercise("5.2", ("And what share does the **Shapley** model give to Direct?",
                     "Et quelle part le modèle de **Shapley** donne-t-il à Direct ?"),
             "rate", _model_share("shapley", "Direct"),
             (("Same table, `model == \"shapley\"`.", "Même table, `model == \"shapley\"`."),),
             tolerance=0.005),
    Exercise("5.3", ("Which channel gets the **largest share** under the **Markov** model?",
                     "Quel canal reçoit la **plus grande part** avec le modèle de **Markov** ?"),
             "text", _model_top("markov"),
             (("Filter `data.models` on the Markov model and sort by share.",
               "Filtrez `data.models` sur le modèle de Markov et triez par part."),
              ("Model names are listed in `data.models[\"model\"].unique()`.",
               "Les noms des modèles sont dans `data.models[\"model\"].unique()`.")),
             ),
    # 6. Did the campaign work?
    Exercise("6.1", ("In the ad A/B test, by how much is B's CTR **higher than A's, relatively**? (a fraction: 0.1 for +10 %)",
                     "Dans le test A/B d'annonces, de combien le CTR de B est-il **supérieur à celui de A, en relatif** ? "
                     "(une fraction : 0,1 pour +10 %)"),
             "rate", _ab("rel_diff"),
             (("`campaigns.ab_table(data.ab_test)` sums clicks and impressions per variant.",
               "`campaigns.ab_table(data.ab_test)` additionne clics et impressions par variante."),
              ("Relative difference: (CTR B − CTR A) / CTR A.", "Écart relatif : (CTR B − CTR A) / CTR A.")),
             tolerance=0.005),
    Exercise("6.2", ("Is that difference **significant** at the 5 % level? (yes / no)",
                     "Cet écart est-il **significatif** au seuil de 5 % ? (oui / non)"),
             "yesno", _ab("significant"),
             (("Compare the test's p-value with 0.05.", "Comparez la p-valeur du test à 0,05."),),
             ),
    Exercise("6.3", ("How many impressions **per variant** would you need to detect a +10 % relative change on a 4 % CTR "
                     "(5 % level, 80 % power)?",
                     "Combien d'impressions **par variante** faudrait-il pour détecter une hausse relative de 10 % sur "
                     "un CTR de 4 % (seuil 5 %, puissance 80 %) ?"),
             "number", _sample_size,
             (("`campaigns.sample_size(base_rate, mde)`; the change is relative by default.",
               "`campaigns.sample_size(taux_de_base, effet_minimal)` ; l'effet est relatif par défaut."),),
             tolerance=0.02, relative=True),
    Exercise("6.4", ("Meta's own CPA for `prospection_printemps` counts every conversion it claims. What is the "
                     "**incremental CPA**: cost per conversion the campaign really *caused*, by the counterfactual "
                     "(point estimate, in euros)?",
                     "Le CPA de Meta pour `prospection_printemps` compte toutes les conversions qu'il revendique. "
                     "Quel est le **CPA incrémental** : coût par conversion que la campagne a vraiment *causée*, "
                     "selon le contrefactuel (estimation ponctuelle, en euros) ?"),
             "number", _incremental_cpa,
             (("`data.postmortem.economics` turns the causal lift into money.",
               "`data.postmortem.economics` traduit l'effet causal en argent."),
              ("Cost divided by the *incremental* conversions, not by the platform's conversions.",
               "Le coût divisé par les conversions *incrémentales*, pas par celles de la plateforme.")),
             tolerance=0.05, relative=True),
    # 7. Watching competitors
    Exercise("7.1", ("Which competitor had the **most visits** in the latest month of the Similarweb-style estimates?",
                     "Quel concurrent avait le **plus de visites** le dernier mois des estimations façon Similarweb ?"),
             "text", _traffic_leader,
             (("`competitors.traffic_summary(data.traffic)` shows the latest month.",
               "`competitors.traffic_summary(data.traffic)` montre le dernier mois."),
              ("Answer with the domain name.", "Répondez avec le nom de domaine.")),
             ),
    Exercise("7.2", ("What was `deco-rivale.fr`'s Google Ads **impression share** in the latest Auction Insights month?",
                     "Quelle était la **part d'impressions** Google Ads de `deco-rivale.fr` le dernier mois des "
                     "Auction Insights ?"),
             "rate", _impression_share("deco-rivale.fr"),
             (("`competitors.auction_pressure(data.auction, \"maison-lumiere.fr\")` shows the latest month.",
               "`competitors.auction_pressure(data.auction, \"maison-lumiere.fr\")` montre le dernier mois."),
              ("A fraction, as the table stores it.", "Une fraction, comme la table la stocke.")),
             tolerance=0.005),
    Exercise("7.3", ("Which domain has the highest **SEO share of voice** on the last date of the position tracking?",
                     "Quel domaine a la plus forte **part de voix SEO** à la dernière date du suivi de positions ?"),
             "text", _sov_leader,
             (("`competitors.share_of_voice(data.rankings)`, last date only.",
               "`competitors.share_of_voice(data.rankings)`, dernière date seulement."),),
             ),
    Exercise("7.4", ("On how many keywords is a competitor in the top 20 while **we are not** (keyword gaps, last date)?",
                     "Sur combien de mots-clés un concurrent est-il dans le top 20 alors que **nous n'y sommes pas** "
                     "(mots-clés manquants, dernière date) ?"),
             "number", _gap_count,
             (("`competitors.keyword_gaps(data.rankings, \"maison-lumiere.fr\")`: one row per keyword.",
               "`competitors.keyword_gaps(data.rankings, \"maison-lumiere.fr\")` : une ligne par mot-clé."),),
             tolerance=0.5),
]}


def exercises(lesson: int | None = None) -> list[Exercise]:
    """Every exercise, or those of one lesson, in order."""
    return [e for e in EXERCISES.values() if lesson is None or e.lesson == lesson]


def lesson_of(exercise_id: str) -> int:
    return _get(exercise_id).lesson


def param_name(exercise_id: str) -> str:
    """The notebook parameter holding the learner's answer: ``"1.2"`` -> ``"answer_1_2"``."""
    return "answer_" + _get(exercise_id).id.replace(".", "_")


def _get(exercise_id: str) -> Exercise:
    ex = EXERCISES.get(str(exercise_id))
    if ex is None:
        raise ValueError(f"no exercise {exercise_id!r} (known: {', '.join(EXERCISES)})")
    return ex


# --------------------------------------------------------------------------- answers


def _plain(text: str) -> str:
    """Case, accents, surrounding quotes/slashes and repeated spaces ignored."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    t = re.sub(r"\s+", " ", t.strip().strip("'\"").casefold())
    return t.rstrip("/") if len(t) > 1 else t


def _number(answer: Any) -> tuple[float | None, bool]:
    """(value, had a % sign) of a typed number; (None, False) if not a number."""
    if isinstance(answer, bool):
        return None, False
    if isinstance(answer, (int, float)):
        return (float(answer), False) if math.isfinite(float(answer)) else (None, False)
    if isinstance(answer, str):
        from trafficlib import schema
        values, bad = schema.parse_number(pd.Series([answer]))
        if bad.iloc[0] or pd.isna(values.iloc[0]):
            return None, False
        return float(values.iloc[0]), "%" in answer
    try:  # numpy scalars
        return float(answer), False
    except (TypeError, ValueError):
        return None, False


def _date(answer: Any) -> pd.Timestamp | None:
    try:
        if isinstance(answer, str) and re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{4}\s*", answer):
            return pd.to_datetime(answer.strip(), dayfirst=True).normalize()
        return pd.Timestamp(answer).normalize()
    except (ValueError, TypeError):
        return None


_YES = {"yes", "y", "oui", "o", "true", "vrai", "1"}
_NO = {"no", "n", "non", "false", "faux", "0"}


def _verdict(ex: Exercise, answer: Any, truth: Any) -> str:
    """"right", "wrong", "percent" (a percentage typed for a fraction), "unreadable"."""
    kind = ex.kind
    if kind in ("number", "rate"):
        value, pct = _number(answer)
        if value is None:
            return "unreadable"
        if pct:
            value /= 100
        tol = ex.tolerance * abs(truth) if ex.relative else ex.tolerance
        if abs(value - truth) <= tol + 1e-12:
            return "right"
        if kind == "rate" and not pct and abs(value / 100 - truth) <= tol + 1e-12:
            return "percent"
        return "wrong"
    if kind == "yesno":
        if isinstance(answer, bool):
            given = answer
        elif _plain(answer) in _YES:
            given = True
        elif _plain(answer) in _NO:
            given = False
        else:
            return "unreadable"
        return "right" if given == bool(truth) else "wrong"
    if kind == "date":
        given = _date(answer)
        if given is None:
            return "unreadable"
        return "right" if given == pd.Timestamp(truth).normalize() else "wrong"
    if not isinstance(answer, str):
        return "unreadable"
    if kind == "weekday":
        names = next(p for p in _WEEKDAYS if p[0] == truth)
        return "right" if _plain(answer) in {_plain(n) for n in names} else "wrong"
    accepted = truth if isinstance(truth, (list, tuple)) else [truth]
    return "right" if _plain(answer) in {_plain(a) for a in accepted} else "wrong"


_STYLE = {  # inline, so a lesson looks the same in Jupyter and in the report template
    "right": "border-left:4px solid #1e7a46;background:#eef8f1;padding:.4rem .7rem;margin:.3rem 0",
    "wrong": "border-left:4px solid #b42318;background:#fdf0ef;padding:.4rem .7rem;margin:.3rem 0",
    "pending": "border-left:4px solid #8a949e;background:#f4f6f8;padding:.4rem .7rem;margin:.3rem 0",
}

_UNREADABLE = {
    "number": ("Type a number, e.g. `answer = 1234.5`.", "Tapez un nombre, par ex. `answer = 1234.5`."),
    "rate": ("Type a fraction, e.g. `0.25` for 25 %.", "Tapez une fraction, par ex. `0.25` pour 25 %."),
    "text": ("Type the name between quotes, e.g. `\"Email\"`.", "Tapez le nom entre guillemets, par ex. `\"Email\"`."),
    "weekday": ("Type a day name between quotes, e.g. `\"Monday\"`.",
                "Tapez un nom de jour entre guillemets, par ex. `\"lundi\"`."),
    "date": ("Type a date between quotes, e.g. `\"2026-01-31\"`.",
             "Tapez une date entre guillemets, par ex. `\"31/01/2026\"`."),
    "yesno": ("Answer `\"yes\"` or `\"no\"` (or True / False).", "Répondez `\"oui\"` ou `\"non\"` (ou True / False)."),
}


def feedback(exercise_id: str, answer: Any, lang: str | None = None, attempt: int = 1,
             data_path: str | Path | None = None) -> tuple[bool, str]:
    """(is the answer right, the feedback as safe HTML) in ``lang`` (default: the lesson's).

    ``attempt`` (1, 2...) picks the hint shown for a wrong answer. The HTML never holds
    the expected value. :func:`check` is this plus display and attempt counting.
    """
    ex = _get(exercise_id)
    lang = i18n.check_lang(lang or display.lang())
    name = param_name(ex.id)

    def line(css: str, mark: str, en: str, fr: str) -> str:
        body = i18n.text(lang, en, fr)
        return (f'<div class="tl-check {css}" style="{_STYLE[css]}"><strong>{display.escape(mark)}</strong> '
                f'{display.escape(i18n.text(lang, "Exercise", "Exercice"))} {display.escape(ex.id)} — '
                f'{_md(body)}</div>')

    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return False, line("pending", "…", f"Type your answer in `{name}` (for instance in the cell above), "
                                           "then run this cell again.",
                           f"Tapez votre réponse dans `{name}` (par exemple dans la cellule au-dessus), "
                           "puis relancez cette cellule.")
    truth = ex.solve(data(data_path))
    verdict = _verdict(ex, answer, truth)
    if verdict == "right":
        return True, line("right", "✔", "Right!", "Correct !")
    if verdict == "unreadable":
        return False, line("wrong", "?", "I cannot read this answer. " + _UNREADABLE[ex.kind][0],
                           "Je ne sais pas lire cette réponse. " + _UNREADABLE[ex.kind][1])
    if verdict == "percent":
        return False, line("wrong", "✘", "Almost: rates are fractions here. Write 0.25 for 25 %, not 25.",
                           "Presque : les taux sont des fractions ici. Écrivez 0,25 pour 25 %, pas 25.")
    hint = ex.hints[min(max(attempt, 1), len(ex.hints)) - 1]
    return False, line("wrong", "✘", "Not yet. Hint: " + hint[0], "Pas encore. Indice : " + hint[1])


def _md(text: str) -> str:
    """Escape, then the `code` and **bold** marks of a hint (no user value goes through here)."""
    t = display.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


def check(exercise_id: str, answer: Any) -> bool:
    """Check a learner's answer and show right / wrong with a hint / "type it first",
    in the lesson's language. Returns True when right. Never shows the solution."""
    from IPython.display import HTML, display as show

    ex = _get(exercise_id)
    attempts = _state["attempts"]
    attempt = attempts.get(ex.id, 0) + 1
    ok, html_text = feedback(ex.id, answer, attempt=attempt)
    if not ok and answer is not None:
        attempts[ex.id] = attempt
    show(HTML(html_text))
    return ok


def ask(exercise_id: str) -> None:
    """Show the exercise's question in the lesson's language."""
    ex = _get(exercise_id)
    lang = display.lang()
    head = i18n.text(lang, "Exercise", "Exercice")
    tail = i18n.text(lang, "Your answer goes in", "Votre réponse va dans")
    display.say(en=f"**{head} {ex.id}.** {ex.prompt[0]} *{tail}* `{param_name(ex.id)}`.",
                fr=f"**{head} {ex.id}.** {ex.prompt[1]} *{tail}* `{param_name(ex.id)}`.")


# --------------------------------------------------------------------------- teachers


def expected(exercise_id: str, data_path: str | Path | None = None) -> Any:
    """The expected answer of an exercise, computed from the data (for teachers and tests)."""
    ex = _get(exercise_id)
    truth = ex.solve(data(data_path))
    if isinstance(truth, (list, tuple)):
        truth = truth[0]
    return truth


def _plain_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 6)
    return value


def solutions(data_path: str | Path | None = None) -> dict[str, Any]:
    """Every exercise id -> its expected answer (YAML-friendly: dates as ISO text,
    floats rounded to 6 decimals). Write it to ``notebooks/course/solutions.yml``."""
    return {ex.id: _plain_value(expected(ex.id, data_path)) for ex in exercises()}


def load_solutions(path: str | Path) -> dict[str, Any]:
    """Read a solutions file (YAML: exercise id -> answer)."""
    from trafficlib.sources import read_yaml

    raw = read_yaml(path, "solutions file") or {}
    return {str(k): v for k, v in raw.items()}


def answer_parameters(lesson: int, solutions_file: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Notebook parameters (``answer_1_1``...) of a lesson filled from a solutions file,
    e.g. ``report.render(nb, {**answer_parameters(1, "solutions.yml"), "lang": "fr"}, ...)``."""
    sols = solutions_file if isinstance(solutions_file, Mapping) else load_solutions(solutions_file)
    return {param_name(ex.id): sols[ex.id] for ex in exercises(lesson) if ex.id in sols}
