"""The index page of a batch: every report, its status and any error; links to the
other collections (the course) rendered beside it."""
from __future__ import annotations

import datetime as _dt
import html
import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from trafficlib import i18n
from trafficlib.report.base import atomic_write

if TYPE_CHECKING:
    from trafficlib.report.jobs import JobResult

def _collections(output_dir: Path, lang: str) -> str:
    """Links to the other indexes beside this one: each sub-folder's ``index.html``
    (the course in ``reports/course/``) and the parent folder's (back to all reports)."""
    e = html.escape
    links = []
    parent = output_dir.parent / "index.html"
    if (output_dir.parent / "index.json").exists() and parent.exists():
        links.append(f'<a href="../index.html">{e(i18n.text(lang, "← All reports", "← Tous les rapports"))}</a>')
    for sub in sorted(output_dir.glob("*/index.html")):
        title = _page_title(sub) or sub.parent.name
        links.append(f'<a href="{e(sub.parent.name)}/index.html">{e(title)}</a>')
    if not links:
        return ""
    head = i18n.text(lang, "See also", "Voir aussi")
    return f'<nav class="also"><strong>{e(head)}:</strong> ' + " · ".join(links) + "</nav>"


def _page_title(page: Path) -> str | None:
    try:
        found = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8", errors="replace"), re.S)
    except OSError:
        return None
    return html.unescape(found[1]).strip() if found else None


def write_index(results: list[JobResult], output_dir: Path, lang: str = "en", title: str | None = None) -> Path:
    """Write ``index.html`` (a table of every report, its status and any error, and
    links to the indexes beside it: the course) and ``index.json`` (the same, for
    machines), atomically. Returns the HTML path."""
    e = html.escape
    ok = sum(r.status == "ok" for r in results)
    missing = sum(r.status == "missing" for r in results)
    rows = []
    for r in results:
        link = (f'<a href="{e(Path(r.html).name)}">{e(r.title)}</a>' if r.html else e(r.title))
        nb_link = f'<a href="{e(Path(r.executed).name)}">.ipynb</a>' if r.executed else ""
        params = ", ".join(f"{e(str(k))}={e(str(v if not isinstance(v, str) or len(v) < 40 else '…' + v[-30:]))}"
                           for k, v in (r.shown_parameters or r.parameters).items() if k != "lang")
        if r.status == "missing":  # a report the inputs do not allow (trafficlib auto): what would enable it
            status = i18n.text(lang, "needs an export", "export manquant")
            err = f'<div class="hint">{e(i18n.text(lang, "Would be enabled by: ", "Possible avec : ") + (r.error or ""))}</div>'
        else:
            status = i18n.label("ok" if r.status == "ok" else "failed", lang)
            err = f"<pre>{e(r.error)}</pre>" if r.error else ""
        size = f"{r.size_bytes / 1024:.0f} KB" if r.size_bytes else ""
        rows.append(
            f'<tr class="{e(r.status)}"><td>{link}<div class="name">{e(r.name)}</div></td><td>{e(r.lang)}</td>'
            f'<td class="params">{params}</td><td class="status">{e(status)}</td>'
            f"<td>{r.seconds:.1f} s</td><td>{size}</td><td>{nb_link}</td><td>{err}</td></tr>")
    heading = title or i18n.label("reports", lang)
    now = _dt.datetime.now()
    summary = i18n.text(lang, f"{ok} of {len(results) - missing} reports rendered", f"{ok} rapports sur {len(results) - missing} générés")
    if missing:
        summary += i18n.text(lang, f"; {missing} not possible with these files", f" ; {missing} impossibles avec ces fichiers")
    page = f"""<!DOCTYPE html>
<html lang="{e(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(heading)}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2733;padding:0 1rem}}
h1{{margin-bottom:.2rem}} .summary{{color:#5b6670;margin-bottom:1.5rem}}
table{{border-collapse:collapse;width:100%;font-size:.92rem}} th,td{{border-bottom:1px solid #e3e7eb;padding:.45rem .5rem;text-align:left;vertical-align:top}}
th{{background:#f4f6f8}} tr.failed td.status{{color:#b42318;font-weight:600}} tr.ok td.status{{color:#1e7a46}}
.name{{color:#8a949e;font-size:.8rem}} .params{{color:#5b6670;font-size:.82rem;max-width:28rem}}
tr.missing td.status{{color:#8a949e;font-style:italic}} .hint{{color:#5b6670;font-size:.82rem;max-width:32rem}}
pre{{white-space:pre-wrap;margin:0;font-size:.8rem;color:#b42318;max-width:32rem}}
.also{{background:#f4f6f8;padding:.6rem 1rem;border-radius:6px;margin-bottom:1.2rem}}
</style></head><body>
<h1>{e(heading)}</h1>
<p class="summary">{e(summary)} · {e(i18n.label("generated", lang))} {e(i18n.fmt_date(now, lang, long=True))} {now:%H:%M}</p>
{_collections(output_dir, lang)}
<table><thead><tr><th>{e(i18n.label("report", lang))}</th><th>lang</th><th>{e(i18n.label("parameters", lang))}</th>
<th>{e(i18n.label("status", lang))}</th><th>{e(i18n.label("duration", lang))}</th><th>HTML</th><th>notebook</th>
<th>{e(i18n.label("error", lang))}</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""
    index = output_dir / "index.html"
    atomic_write(index, page)
    atomic_write(output_dir / "index.json", json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False))
    return index

