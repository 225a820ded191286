"""The digest e-mail and the ``watch.html`` page, French or English.

Every value that comes from the data (channel, query, campaign, file names, reasons)
is HTML-escaped (:func:`trafficlib.display.escape`): they are written by strangers.
The page is written atomically (a temporary file in the same folder, then
``os.replace``): a browser or a web server never sees half a page.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from trafficlib import i18n
from trafficlib.display import escape
from trafficlib.watch import texts
from trafficlib.watch.rules import Alert

__all__ = ["subject", "email_html", "email_text", "page_html", "write_page"]

MAX_FIGURES = 40  # the page's plots: whole-site figures first, every figure that alerted always

_CSS = ("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;max-width:760px;"
        "margin:1.5em auto;padding:0 1em;line-height:1.45}h1{font-size:1.35em}h2{font-size:1.1em;margin-top:1.6em;"
        "border-bottom:1px solid #d9e2ec}.alert{border-left:4px solid #c0392b;padding:.4em .8em;margin:.6em 0;"
        "background:#fdf3f2}.note{border-left:4px solid #7b8794;padding:.3em .8em;margin:.5em 0;background:#f5f7fa}"
        ".check{color:#52606d;font-size:.92em}table{border-collapse:collapse;font-size:.9em}td,th{padding:.2em .6em;"
        "border-bottom:1px solid #e4e7eb;text-align:left}td.n{text-align:right}small{color:#7b8794}")


def subject(res, lang: str) -> str:
    """The e-mail subject line (plain text)."""
    n = len(res.alerts)
    if n:
        return i18n.text(lang, f"[trafficlib watch] {n} alert{'s' if n > 1 else ''}",
                         f"[trafficlib watch] {n} alerte{'s' if n > 1 else ''}")
    return i18n.text(lang, "[trafficlib watch] nothing unusual", "[trafficlib watch] rien d'inhabituel")


def _alert_block(a: Alert, lang: str, css: str = "alert") -> str:
    hol = f" <strong>{escape(a.holiday)}</strong>" if a.holiday else ""
    return (f'<div class="{css}"><strong>{escape(texts.title(a, lang))}</strong>{hol}<br>'
            f"{escape(texts.figure(a, lang))}"
            + (f' <small>{escape(texts.detail(a, lang))}</small>' if a.detail else "")
            + f'<br><span class="check">{escape(i18n.text(lang, "First check: ", "À vérifier d’abord : "))}'
              f"{escape(texts.first_check(a, lang))}</span></div>")


def _body(res, lang: str, folder: str) -> str:
    t = lambda en, fr: escape(i18n.text(lang, en, fr))  # noqa: E731
    colon = " : " if lang == "fr" else ": "
    judged = ", ".join(i18n.fmt_date(d, lang) for d in res.days[-7:]) or i18n.MISSING
    parts = [f"<h1>{escape(subject(res, lang).replace('[trafficlib watch] ', ''))}</h1>",
             f"<p><small>{t('Folder: ', 'Dossier : ')}{escape(folder)} · "
             f"{t('new exports read: ', 'nouveaux exports lus : ')}{res.snapshots} · "
             f"{t('days judged: ', 'jours examinés : ')}{escape(judged)}</small></p>"]
    for area, names in texts.AREAS.items():
        items = [a for a in res.alerts if a.area == area]
        if items:
            parts.append(f"<h2>{escape(texts.pick(names, lang))}</h2>")
            parts += [_alert_block(a, lang) for a in items]
    if res.notes:
        parts.append(f"<h2>{t('Holidays (named, not alerted)', 'Jours fériés (nommés, sans alerte)')}</h2>")
        parts += [_alert_block(a, lang, "note") for a in res.notes]
    if getattr(res, "ongoing", None):
        parts.append(f"<h2>{t('Still going on (alerted in the last 7 days)', 'Toujours en cours (alerte des 7 derniers jours)')}</h2><ul>")
        parts += [f"<li>{escape(texts.title(a, lang))}{colon}{escape(texts.figure(a, lang))}</li>" for a in res.ongoing]
        parts.append("</ul>")
    if res.refused:
        parts.append(f"<h2>{t('Files not read', 'Fichiers non lus')}</h2><ul>")
        parts += [f"<li><code>{escape(label)}</code>{colon}{escape(why)}</li>" for label, why in res.refused]
        parts.append("</ul>")
    return "".join(parts)


def email_html(res, lang: str = "en", folder: str = "") -> str:
    """The digest as a complete HTML document (inline style: mail clients drop links)."""
    i18n.check_lang(lang)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(subject(res, lang))}'
            f"</title><style>{_CSS}</style></head><body>{_body(res, lang, folder)}</body></html>")


def email_text(res, lang: str = "en") -> str:
    """The plain-text part of the digest (for mail clients that show no HTML)."""
    lines = [subject(res, lang), ""]
    lines += ["- " + texts.line(a, lang) for a in res.alerts]
    holiday = i18n.text(lang, "Holiday, not alerted: ", "Jour férié, sans alerte : ")
    lines += ["- " + holiday + texts.line(a, lang) for a in res.notes]
    lines += [i18n.text(lang, "- file not read: ", "- fichier non lu : ") + f"{l}: {r}" for l, r in res.refused]
    return "\n".join(lines) + "\n"


# -- the history page ---------------------------------------------------------------------
def _spark(s: pd.Series, marks: set, width: int = 260, height: int = 48) -> str:
    """A small inline SVG line of the series, alert days as red dots."""
    s = s.dropna()
    if len(s) < 2:
        return ""
    lo, hi = float(s.min()), float(s.max())
    span = (hi - lo) or 1.0
    x0, x1 = s.index.min(), s.index.max()
    days = max((x1 - x0).days, 1)
    pt = lambda d, v: (2 + (d - x0).days / days * (width - 4), height - 3 - (v - lo) / span * (height - 6))  # noqa: E731
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pt(d, v) for d, v in s.items()))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#c0392b"/>'
                   for x, y in (pt(d, s.loc[d]) for d in marks if d in s.index))
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
            f'<polyline fill="none" stroke="#3e7cb1" stroke-width="1.4" points="{path}"/>{dots}</svg>')


_FIGURE_NAMES = {"traffic:sessions:": ("Sessions", "Sessions"),
                 "traffic:conversions:": ("Key events", "Événements clés"),
                 "seo:clicks:": ("Search Console clicks", "Clics Search Console"),
                 "paid:cost:": ("Ad cost", "Coût publicitaire"),
                 "paid:cpa:": ("Cost per conversion", "Coût par conversion")}


def _figure_label(name: str, lang: str) -> str:
    """A watched figure's name (``area:metric:subject``) for people."""
    if name in _FIGURE_NAMES:
        return texts.pick(_FIGURE_NAMES[name], lang)
    _, metric, subject = name.split(":", 2)
    return f"{texts.metric_name(metric, lang)} · {subject}"


def _weekly(a: pd.DataFrame, lang: str, t) -> str:
    weekly = a.assign(week=a["day"].dt.to_period("W-SUN").dt.start_time).pivot_table(
        index="week", columns="area", values="id", aggfunc="count", fill_value=0)
    head = "".join(f"<th>{escape(texts.pick(texts.AREAS.get(c, (c, c)), lang))}</th>" for c in weekly.columns)
    rows = "".join(f"<tr><td>{escape(i18n.fmt_date(w, lang))}</td>"
                   + "".join(f'<td class="n">{int(v)}</td>' for v in row) + "</tr>"
                   for w, row in zip(weekly.index, weekly.to_numpy()))
    return (f"<h2>{t('Alerts over time (per week)', 'Alertes dans le temps (par semaine)')}</h2>"
            f"<table><tr><th>{t('Week of', 'Semaine du')}</th>{head}</tr>{rows}</table>")


def _repeats(a: pd.DataFrame, going: pd.Series, lang: str, t) -> str:
    rep = a.groupby(["rule", "subject"]).agg(n=("id", "count"), first=("day", "min"), last=("day", "max"))
    rep = rep[(rep["n"] > 1) | rep.index.isin(going.index)].sort_values("n", ascending=False)
    out = f"<h2>{t('Alerts that repeat or last', 'Alertes qui reviennent ou durent')}</h2>"
    if rep.empty:
        return out + f"<p>{t('None: every alert so far was raised once.', 'Aucune : chaque alerte n’a été levée qu’une fois.')}</p>"
    rows = "".join(
        f"<tr><td>{escape(texts.title(_row_alert(rule, subj), lang))}</td><td class='n'>{int(r['n'])}</td>"
        f"<td class='n'>{int(going.get((rule, subj), 0))}</td>"
        f"<td>{escape(i18n.fmt_date(r['first'], lang))} – {escape(i18n.fmt_date(r['last'], lang))}</td></tr>"
        for (rule, subj), r in rep.iterrows())
    return (out + f"<table><tr><th></th><th>{t('alerts', 'alertes')}</th>"
            f"<th>{t('days it went on after', 'jours où cela a continué')}</th><th>{t('from – to', 'du – au')}</th></tr>"
            f"{rows}</table>")


def _every(a: pd.DataFrame, lang: str, t) -> str:
    parts = [f"<h2>{t('Every alert', 'Toutes les alertes')}</h2>"]
    for _, r in a.sort_values(["day", "id"], ascending=[False, True]).head(200).iterrows():
        al = Alert(r["rule"], r["area"], r["subject"] or "", r["metric"], r["day"], r["value"], r["expected"],
                   r["low"], r["high"], r["unit"], r["detail"] or "")
        extra = f" <small>{escape(texts.detail(al, lang))}</small>" if al.detail else ""
        parts.append(f'<div class="alert"><strong>{escape(texts.title(al, lang))}</strong><br>'
                     f"{escape(texts.figure(al, lang))}{extra}</div>")
    return "".join(parts)


def _figures(figures: pd.DataFrame, a: pd.DataFrame, lang: str, t) -> str:
    f = figures.assign(day=pd.to_datetime(figures["day"]))
    marks: dict = {}
    for _, r in a.iterrows():
        marks.setdefault(f"{r['area']}:{r['metric']}:{r['subject'] or ''}", set()).add(pd.Timestamp(r["day"]))
    areas = list(texts.AREAS)

    def order(name: str) -> tuple:  # by area, whole-site figures first, then those that alerted
        area, _, subject = name.split(":", 2)
        return (areas.index(area) if area in areas else len(areas), subject != "", name not in marks, name)

    names = sorted(f["figure"].unique(), key=order)
    shown = names[:MAX_FIGURES] + [n for n in names[MAX_FIGURES:] if n in marks]
    parts = [f"<h2>{t('Watched figures', 'Chiffres surveillés')}</h2><table>"]
    for name in shown:
        s = f[f["figure"] == name].set_index("day")["value"].sort_index()
        metric = name.split(":")[1]
        dec = 1 if metric == "position" else (2 if metric == "sessions_per_click" else 0)
        parts.append(f"<tr><td>{escape(_figure_label(name, lang))}</td><td>{_spark(s, marks.get(name, set()))}</td>"
                     f"<td class='n'>{escape(i18n.fmt_number(s.iloc[-1], lang, dec))}</td></tr>")
    parts.append("</table>")
    hidden = len(names) - len(shown)
    if hidden:
        parts.append(f"<p><small>{t(f'{hidden} more figures without alerts not shown.', f'{hidden} autres chiffres sans alerte non montrés.')}</small></p>")
    return "".join(parts)


def page_html(alerts: pd.DataFrame, figures: pd.DataFrame, runs: pd.DataFrame, lang: str = "en") -> str:
    """The ``watch.html`` page from the history's tables: alerts over time (per week
    and area), which alerts repeat or last, every alert, and the history of each
    watched figure (a small line, alert days as red dots)."""
    i18n.check_lang(lang)
    t = lambda en, fr: escape(i18n.text(lang, en, fr))  # noqa: E731
    parts = [f"<h1>{t('The watch: history', 'La veille : historique')}</h1>"]
    if not runs.empty:
        parts.append(f"<p><small>{t('Runs: ', 'Exécutions : ')}{len(runs)} · {t('last: ', 'dernière : ')}"
                     f"{escape(str(runs.iloc[-1]['started_at'])[:16])} UTC</small></p>")
    a = alerts.assign(day=pd.to_datetime(alerts["day"])) if not alerts.empty else alerts
    new = a[a["state"] != "ongoing"] if not a.empty else a
    if new.empty:
        parts.append(f"<p>{t('No alert so far.', 'Aucune alerte jusqu’ici.')}</p>")
    else:
        going = a[a["state"] == "ongoing"].groupby(["rule", "subject"])["id"].count()
        parts += [_weekly(new, lang, t), _repeats(new, going, lang, t), _every(new, lang, t)]
    if not figures.empty:
        parts.append(_figures(figures, new, lang, t))
    title = t("trafficlib watch", "trafficlib veille")
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")


def _row_alert(rule: str, subj) -> Alert:
    return Alert(rule, "", subj or "", "", pd.Timestamp.now(), 0.0, 0.0, 0.0, 0.0)


def write_page(path: Path, html_text: str) -> Path:
    """Write ``html_text`` to ``path`` atomically; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".watch-", suffix=".html.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html_text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
