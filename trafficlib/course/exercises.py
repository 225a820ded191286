"""The exercises of the course: id, prompt and hints in both languages, answer kind,
tolerance and solver (:data:`EXERCISES`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from trafficlib.course.data import CourseData
from trafficlib.course.solvers import (_ab, _ad_kpi, _anomaly_count, _channel_of, _channel_share, _gap_count,
                                       _impression_share, _incremental_cpa, _kpi, _leaky_page, _model_share,
                                       _model_top, _outage_start, _pacing, _quietest_weekday, _sample_size,
                                       _self_referral_sessions, _sov_leader, _top_campaign, _traffic_leader)

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

