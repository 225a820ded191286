"""trafficlib watch: history in one transaction, lock, alerts on the demo's planted
events, the digest by e-mail (a local SMTP server started here), bad files refused."""
from __future__ import annotations

import os
import shutil
import socketserver
import subprocess
import sys
import textwrap
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import cli
from trafficlib.datasets import watch as demo
from trafficlib.watch import digest, run
from trafficlib.watch.history import open_history
from trafficlib.watch.lock import LockBusy, history_lock
from trafficlib.watch.rules import Alert
from trafficlib.watch.runner import WatchResult

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> Path:
    """The demo's 90 daily download folders."""
    out = tmp_path_factory.mktemp("watchdemo") / "demo"
    demo.generate(out)
    return demo.folder_for(out) / "days"


def feed(inbox: Path, days: Path, until: str, prefixes=("ga4",), since: str | None = None) -> None:
    """Copy the day files whose name starts with one of ``prefixes``, for the days up to
    ``until`` (from ``since``), into the downloads folder ``inbox``."""
    inbox.mkdir(parents=True, exist_ok=True)
    for d in sorted(days.iterdir()):
        if d.name > until or (since and d.name < since):
            continue
        for f in d.iterdir():
            if f.name.startswith(prefixes):
                shutil.copy(f, inbox / f.name)


def counts(history: Path) -> dict:
    h = open_history(history)
    try:
        return h.counts()
    finally:
        h.close()


# -- history -----------------------------------------------------------------------------
def test_rerun_on_the_same_files_adds_no_row_and_no_alert(days, tmp_path):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-09-10")          # up to the tracking gap: the first run alerts on it
    first = run(inbox, hist)
    assert first.snapshots == 53 and [a.rule for a in first.alerts][:1] == ["tracking_gap"]
    before = counts(hist)
    shutil.copy(inbox / "ga4_acquisition_2026-09-10.csv", inbox / "copy of yesterday.csv")  # same bytes, new name
    again = run(inbox, hist)
    assert again.snapshots == 0 and again.alerts == [] and again.seen == 54
    after = counts(hist)
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert after["rows_web_cube"] == before["rows_web_cube"] == sum(
        len(pd.read_csv(f, comment="#")) for f in inbox.glob("ga4_*.csv"))


def test_an_exception_mid_write_leaves_the_history_as_it_was(days, tmp_path, monkeypatch):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-08-20")
    run(inbox, hist)
    before = counts(hist)
    feed(inbox, days, "2026-08-25", prefixes=("ga4", "google_ads"), since="2026-08-21")
    from trafficlib.watch import history

    real, calls = history.History.add_snapshot, []

    def failing(self, *a, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full (injected)")
        return real(self, *a, **kw)

    monkeypatch.setattr(history.History, "add_snapshot", failing)
    with pytest.raises(RuntimeError, match="injected"):
        run(inbox, hist)
    assert counts(hist) == before                     # neither the two snapshots written nor the run
    monkeypatch.setattr(history.History, "add_snapshot", real)
    res = run(inbox, hist)                            # the next run does the whole work
    assert res.snapshots == 10 and counts(hist)["snapshots"] == before["snapshots"] + 10


def test_a_process_killed_mid_write_leaves_the_history_intact(days, tmp_path):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-08-10")
    run(inbox, hist)
    before = counts(hist)
    feed(inbox, days, "2026-08-14", since="2026-08-11")
    script = textwrap.dedent(f"""
        import os
        from trafficlib.watch import history, run
        real, n = history.History.add_snapshot, []
        def dying(self, *a, **kw):
            n.append(1)
            out = real(self, *a, **kw)
            if len(n) == 2:
                os.kill(os.getpid(), 9)   # killed between two inserts, no cleanup
            return out
        history.History.add_snapshot = dying
        run({str(inbox)!r}, {str(hist)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert counts(hist) == before
    assert run(inbox, hist).snapshots == 4            # the lock was released with the dead process


def test_two_runs_at_once_never_both_write(days, tmp_path):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-08-05")
    with history_lock(hist):                          # another run holds the history
        with pytest.raises(LockBusy, match="another watch run"):
            run(inbox, hist, wait=0.3)
        code = cli.main(["watch", str(inbox), "--history", str(hist), "--wait", "0.3"])
        assert code == 1
    # two real processes started together: one waits for the other, each file stored once
    procs = [subprocess.Popen([sys.executable, "-m", "trafficlib.cli", "watch", str(inbox), "--history", str(hist),
                               "--wait", "120"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    c = counts(hist)
    assert c["snapshots"] == 17 and c["runs"] == 2 and c["files"] == 17
    assert sorted(int(o[1].split(" new export")[0].split()[-1]) for o in outs) == [0, 17]


def test_bad_or_cut_off_files_are_refused_and_leave_the_history_untouched(days, tmp_path, capsys):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-08-05")
    assert cli.main(["watch", str(inbox), "--history", str(hist)]) == 0
    before = counts(hist)
    capsys.readouterr()
    good = (days / "2026-08-06" / "ga4_acquisition_2026-08-06.csv").read_bytes()
    (inbox / "ga4_acquisition_2026-08-06.csv").write_bytes(good[: good.rindex(b",")])  # cut mid-row
    (inbox / "notes.csv").write_text("hello,world\nthis is,not an export\n", encoding="utf-8")
    code = cli.main(["watch", str(inbox), "--history", str(hist)])
    err = capsys.readouterr().err
    assert code == 1
    assert "ga4_acquisition_2026-08-06.csv: looks cut off" in err and "download still running" in err
    assert "notes.csv: not an export the kit knows" in err
    after = counts(hist)
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    # once the download is whole it is read
    (inbox / "ga4_acquisition_2026-08-06.csv").write_bytes(good)
    (inbox / "notes.csv").unlink()
    assert cli.main(["watch", str(inbox), "--history", str(hist)]) == 0
    assert counts(hist)["snapshots"] == before["snapshots"] + 1


def test_dry_run_alerts_without_writing_and_show_prints_the_history(days, tmp_path, capsys):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-09-09")
    assert cli.main(["watch", str(inbox), "--history", str(hist)]) == 0
    before = counts(hist)
    feed(inbox, days, "2026-09-10", since="2026-09-10")
    assert cli.main(["watch", str(inbox), "--history", str(hist), "--dry-run", "--lang", "fr"]) == 3
    out = capsys.readouterr().out
    assert "ALERTE Trou de mesure : les sessions très en dessous de l'habituel" in out and "10 sept. 2026" in out
    assert counts(hist) == before
    assert cli.main(["watch", "--history", str(hist), "--show"]) == 0
    shown = capsys.readouterr().out
    assert "ga4/report" in shown and f"{before['snapshots']} snapshots" in shown
    assert cli.main(["watch", "--history", str(hist)]) == 2   # no folder, no --show


# -- the planted events ---------------------------------------------------------------------
@pytest.mark.parametrize("event, prefixes, rule, subject", [
    ("tracking_gap", ("ga4",), "tracking_gap", ""),
    ("competitor_surge", ("multiTimeline",), "trends_surge", "luminaires direct"),
    ("position_drop", ("searchdata",), "position_drop", "suspension scandinave"),
    ("spend_spike", ("google_ads",), "spend_spike", "fr_search_generique"),
])
def test_planted_events_are_found_on_their_day(days, tmp_path, event, prefixes, rule, subject):
    day = pd.Timestamp(demo.EVENTS[event]["day"])
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    since = (day - pd.Timedelta(days=40)).date().isoformat()
    feed(inbox, days, (day - pd.Timedelta(days=1)).date().isoformat(), prefixes, since=since)
    quiet = run(inbox, hist)
    assert quiet.alerts == [], [a.key for a in quiet.alerts]
    feed(inbox, days, day.date().isoformat(), prefixes, since=day.date().isoformat())
    res = run(inbox, hist)
    assert (rule, subject, day) in {a.key for a in res.alerts}, [a.key for a in res.alerts]


def test_a_holiday_is_named_not_alerted(days, tmp_path):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-08-14", ("ga4", "searchdata"))
    run(inbox, hist)
    feed(inbox, days, "2026-08-15", ("ga4", "searchdata"), since="2026-08-15")
    res = run(inbox, hist, lang="fr")
    assert res.country == "FR" and res.alerts == []
    assert res.notes and {a.holiday for a in res.notes} == {"Assomption"}   # channels at -40 %: named


# -- the digest -----------------------------------------------------------------------------
class _SMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to receive one message: no TLS, no auth."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        while True:
            line = self.rfile.readline().decode("ascii", "replace").strip()
            verb = line[:4].upper()
            if not line or verb == "QUIT":
                self.reply("221 bye")
                return
            if verb == "EHLO":
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    data += self.rfile.readline()
                self.server.received.append(data[:-5].replace(b"\r\n..", b"\r\n."))
                self.reply("250 queued")
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTP)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("lang, words", [
    ("en", ["1 alert", "Tracking gap: sessions far below usual", "First check:", "Tag Assistant"]),
    ("fr", ["1 alerte", "Trou de mesure : les sessions très en dessous de l’habituel".replace("’", "'"),
            "À vérifier d’abord", "mise en production"]),
])
def test_the_digest_reaches_a_local_smtp_server(days, tmp_path, smtp_server, monkeypatch, lang, words):
    for name in ("TRAFFICLIB_SMTP_USER", "TRAFFICLIB_SMTP_PASSWORD", "TRAFFICLIB_SMTP_STARTTLS", "TRAFFICLIB_SMTP_SSL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRAFFICLIB_MAIL_FROM", "veille@maison-lumiere.fr")
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-09-09", since="2026-08-01")
    assert cli.main(["watch", str(inbox), "--history", str(hist)]) == 0
    assert smtp_server.received == []                 # nothing to say, nothing sent
    feed(inbox, days, "2026-09-10", since="2026-09-10")
    host, port = smtp_server.server_address
    code = cli.main(["watch", str(inbox), "--history", str(hist), "--lang", lang, "--mail-to", "tm@example.com",
                     "--smtp", f"{host}:{port}"])
    assert code == 3 and len(smtp_server.received) == 1
    msg = message_from_bytes(smtp_server.received[0], policy=policy.default)
    assert msg["To"] == "tm@example.com" and msg["From"] == "veille@maison-lumiere.fr"
    html = msg.get_body(("html",)).get_content()
    plain = msg.get_body(("plain",)).get_content()
    assert words[0] in msg["Subject"]
    for w in words[1:]:
        assert w.replace("'", "&#x27;") in html or w in html, w
    assert words[1] in plain
    page = (hist.with_name("watch.html")).read_text(encoding="utf-8")
    assert "<svg" in page and "<polyline" in page and f'lang="{lang}"' in page


def test_the_digest_escapes_what_the_data_says():
    evil = "<script>alert('x')</script> & co"
    a = Alert("channel_drop", "traffic", evil, "sessions", pd.Timestamp("2026-09-10"), 10, 100, 60, 140)
    res = WatchResult(alerts=[a], refused=[("<img src=x>.csv", "not <b>read</b>")], snapshots=1,
                      days=[pd.Timestamp("2026-09-10")])
    for lang in ("en", "fr"):
        html = digest.email_html(res, lang, folder="<f>")
        assert "<script>" not in html and "<img" not in html and "<b>read" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html
    alerts = pd.DataFrame([{"id": 1, "run_id": 1, "day": a.day, "rule": a.rule, "area": a.area, "subject": evil,
                            "metric": "sessions", "value": 10.0, "expected": 100.0, "low": 60.0, "high": 140.0,
                            "unit": "count", "detail": "", "state": "new"}])
    page = digest.page_html(alerts, pd.DataFrame(), pd.DataFrame(), "fr")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_mail_refuses_a_password_in_clear_and_reads_it_only_from_the_environment(smtp_server, monkeypatch):
    from trafficlib.watch import mail

    monkeypatch.setenv("TRAFFICLIB_SMTP_USER", "me")
    monkeypatch.setenv("TRAFFICLIB_SMTP_PASSWORD", "secret")
    monkeypatch.delenv("TRAFFICLIB_SMTP_STARTTLS", raising=False)
    monkeypatch.delenv("TRAFFICLIB_SMTP_SSL", raising=False)
    host, port = smtp_server.server_address
    msg = mail.build_message("s", "<p>h</p>", "t", ["a@example.com"], sender="b@example.com")
    with pytest.raises(mail.MailError, match="does not offer STARTTLS"):
        mail.send(msg, f"{host}:{port}")
    assert smtp_server.received == []
    w = cli.build_parser().parse_args(["watch", "x", "--history", "h"])
    assert not any("password" in k for k in vars(w))


# -- the other rules, on files in the tools' layouts ------------------------------------------
def _search_terms(path: Path, day: pd.Timestamp, rows: list[tuple]) -> None:
    """A Google Ads Search terms report (English interface) for one day."""
    when = f"{day:%B} {day.day}, {day.year}"
    lines = ["Search terms report", f"{when} - {when}",
             "Search term,Match type,Campaign,Ad group,Currency code,Impr.,Clicks,Cost,Conversions"]
    lines += [f"{t},Broad match,fr_search_generique,lampes,EUR,{c * 12},{c},{cost:.2f},{conv:.2f}"
              for t, c, cost, conv in rows]
    tc, tcost, tconv = sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)
    lines.append(f"Total: Search terms,,,,EUR,{tc * 12},{tc},{tcost:.2f},{tconv:.2f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_new_search_terms_spending_without_converting(tmp_path):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    inbox.mkdir()
    steady = [("lampe design", 40, 32.0, 2.0), ("suspension rotin", 30, 25.0, 2.0), ("applique", 20, 16.0, 1.0)]
    days = pd.date_range("2026-09-01", periods=21)
    for d in days[:-1]:
        _search_terms(inbox / f"search_terms_{d.date()}.csv", d, steady)
    assert run(inbox, hist).alerts == []               # a first download: nothing is "new" yet
    _search_terms(inbox / f"search_terms_{days[-1].date()}.csv", days[-1],
                  steady + [("lampe gratuite", 50, 41.0, 0.0), ("lampe led", 3, 2.5, 0.0)])
    res = run(inbox, hist)
    assert [(a.rule, a.subject) for a in res.alerts] == [("wasted_terms", "lampe gratuite")]
    assert res.alerts[0].value == 41.0 and res.alerts[0].high == pytest.approx(20.0)   # cost vs threshold


def test_cpa_jump_when_conversions_vanish_at_usual_spend(days, tmp_path):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-09-20", ("google_ads",), since="2026-08-10")
    run(inbox, hist)
    d = pd.Timestamp("2026-09-21")
    src = (days / "2026-09-21" / "google_ads_campaigns_2026-09-21.csv").read_text(encoding="utf-8").splitlines()
    out = []
    for line in src:   # every campaign's conversions (the 7th field) set to 0, totals kept consistent
        f = next(iter(__import__("csv").reader([line])))
        if len(f) == 8 and f[0] not in ("Day",):
            f[6], f[7] = "0.00", "0.00"
        out.append(",".join(f'"{x}"' if "," in x else x for x in f))
    (inbox / "google_ads_campaigns_2026-09-21.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    res = run(inbox, hist)
    assert ("cpa_jump", "", d) in {a.key for a in res.alerts}
    a = next(a for a in res.alerts if a.rule == "cpa_jump")
    assert a.detail == "no conversion" and a.unit == "money"


def test_auction_entrant_rank_changes_and_similarweb_move(tmp_path):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    inbox.mkdir()
    months = pd.date_range("2026-05-01", periods=5, freq="MS")
    for i, m in enumerate(months):
        end = m + pd.offsets.MonthEnd(0)
        rows = [("You", 0.45), ("luminaires-direct.fr", 0.38), ("deco-rivale.fr", 0.15)]
        if i == 4:
            rows.append(("lumi-discount.com", 0.22))   # a new entrant in the last month
        body = "\n".join(f"{d},{s:.2%},--,--,60.00%,30.00%,--" for d, s in rows)
        (inbox / f"auction_{m:%Y%m}.csv").write_text(
            f"Auction insights report\n{m:%B} 1, {m.year} - {end:%B} {end.day}, {end.year}\n"
            "Display URL domain,Impression share,Overlap rate,Position above rate,Top of page rate,"
            f"Abs. Top of page rate,Outranking share\n{body}\n", encoding="utf-8")
    visits = [100000, 104000, 98000, 101000, 160000]      # deco-rivale.fr: +58 % in the last month
    (inbox / "similarweb.csv").write_text("Month,Domain,Visits\n" + "\n".join(
        f"{m:%Y-%m},deco-rivale.fr,{v}" for m, v in zip(months, visits)) + "\n", encoding="utf-8")
    weeks = pd.date_range("2026-08-03", periods=5, freq="7D")
    kws = [f"lampe {i}" for i in range(6)]
    lines = ["Date,Keyword,Domain,Position,Search Volume"]
    for j, w in enumerate(weeks):
        for i, k in enumerate(kws):
            ours = 4 + i % 3 + (8 if (j == 4 and i < 4) else 0)  # 4 keywords fall 8 places in the last week
            lines += [f"{w.date()},{k},maison-lumiere.fr,{ours},1000", f"{w.date()},{k},deco-rivale.fr,{12 + i},1000"]
    (inbox / "rank_tracking.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run(inbox, hist)
    keys = {(a.rule, a.subject) for a in res.alerts}
    assert ("auction_entrant", "lumi-discount.com") in keys
    assert ("similarweb_move", "deco-rivale.fr") in keys
    assert ("rank_change", "maison-lumiere.fr") in keys
    assert not any(a.subject in ("(you)", "luminaires-direct.fr") for a in res.alerts)
    rank = next(a for a in res.alerts if a.rule == "rank_change")
    assert rank.value == 4 and "lampe 0: 4 → 12" in rank.detail


def _edit_ga4(src: Path, dst: Path, edit) -> None:
    """Copy a GA4 acquisition export, ``edit(channel, sessions, key_events)`` -> (sessions, key_events) on each row."""
    out = []
    for line in src.read_text(encoding="utf-8").splitlines():
        f = line.split(",")
        if len(f) == 5 and f[0].isdigit():
            s, k = edit(f[1], int(f[2]), int(f[3]))
            f[2], f[3] = str(s), str(k)
        out.append(",".join(f))
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.mark.parametrize("edit, rule", [
    (lambda ch, s, k: (s, k // 4), "conversion_rate"),                                   # checkout broken
    (lambda ch, s, k: (s // 2 if ch == "Organic Search" else s, k), "organic_vs_console"),  # tag lost on landing pages
])
def test_conversion_rate_break_and_organic_sessions_parting_from_clicks(days, tmp_path, edit, rule):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-09-20", ("ga4", "searchdata"), since="2026-08-18")
    run(inbox, hist)
    feed(inbox, days, "2026-09-21", ("searchdata",), since="2026-09-21")
    _edit_ga4(days / "2026-09-21" / "ga4_acquisition_2026-09-21.csv", inbox / "ga4_acquisition_2026-09-21.csv", edit)
    res = run(inbox, hist)
    assert rule in {a.rule for a in res.alerts}, [a.key for a in res.alerts]
    assert "tracking_gap" not in {a.rule for a in res.alerts}


def test_two_breakdowns_of_the_same_sessions_are_never_added_and_a_landing_page_drop_is_found(days, tmp_path):
    """GA4 by channel and GA4 by landing page hold the same sessions: the site's total
    comes from one of them; the landing-page report gives the landing-page drops."""
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-09-21", since="2026-08-12")
    pages = {"/": 0.5, "/lampes": 0.3, "/suspensions": 0.2}
    for d in pd.date_range("2026-08-12", "2026-09-21"):
        ch = pd.read_csv(days / f"{d.date()}" / f"ga4_acquisition_{d.date()}.csv", comment="#")
        total = int(ch["Sessions"].sum())
        share = dict(pages, **({"/lampes": 0.08} if d == pd.Timestamp("2026-09-21") else {}))
        rows = "\n".join(f"{d:%Y%m%d},{p},{int(total * s)},0,0.00" for p, s in share.items())
        (inbox / f"landing_{d.date()}.csv").write_text(
            "# ----------------------------------------\n# Landing page: Landing page + query string\n"
            f"# ----------------------------------------\n#\n# All Users\n# Start date: {d:%Y%m%d}\n"
            f"# End date: {d:%Y%m%d}\nDate,Landing page + query string,Sessions,Key events,Total revenue\n{rows}\n",
            encoding="utf-8")
    res = run(inbox, hist)
    assert [(a.rule, a.subject) for a in res.alerts] == [("landing_drop", "/lampes")]
    h = open_history(hist)
    try:
        sessions = h.con.execute("SELECT value FROM figures WHERE figure = 'traffic:sessions:' AND day = '2026-09-20'"
                                 ).fetchone()[0]
    finally:
        h.close()
    ch = pd.read_csv(days / "2026-09-20" / "ga4_acquisition_2026-09-20.csv", comment="#")
    assert sessions == ch["Sessions"].sum()          # not channel + landing page


def test_a_history_that_is_not_a_duckdb_file_is_a_clear_error(tmp_path, capsys):
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    inbox.mkdir()
    hist.write_text("date,sessions\n2026-09-01,3\n", encoding="utf-8")
    assert cli.main(["watch", str(inbox), "--history", str(hist)]) == 1
    err = capsys.readouterr().err
    assert "cannot open the history" in err and str(hist) in err
    assert hist.read_text(encoding="utf-8") == "date,sessions\n2026-09-01,3\n"


def test_rows_whose_values_do_not_fit_the_history_are_refused_before_any_write(tmp_path):
    """Numbers stored for a column, then text in a later export's same column: that
    export is refused with the column named and nothing of it written; the run's
    transaction goes on (the next export is stored)."""
    h = open_history(tmp_path / "w.duckdb")
    try:
        h.begin()
        frame = lambda v: pd.DataFrame({"date": pd.to_datetime(["2026-09-07"]), "keyword": ["lampe"],  # noqa: E731
                                        "domain": ["a.fr"], "position": [3.0], "cpc": [v]})
        h.add_snapshot(1, "d1", "a.csv", "rankings/positions", "rankings", None, frame(0.5))
        with pytest.raises(Exception, match="column 'cpc'.*not DOUBLE") as e:
            h.add_snapshot(1, "d2", "b.csv", "rankings/positions", "rankings", None, frame("n/a"))
        assert e.type.__name__ == "TrafficDataError"
        h.add_snapshot(1, "d3", "c.csv", "rankings/positions", "rankings", None, frame("0.7"))  # text that is a number
        h.commit()
        assert [r[0] for r in h.con.execute("SELECT label FROM snapshots ORDER BY id").fetchall()] == ["a.csv", "c.csv"]
        assert h.con.execute("SELECT list(cpc ORDER BY snapshot_id) FROM rows_rankings").fetchall()[0][0] == [0.5, 0.7]
    finally:
        h.close()


def test_an_export_of_period_totals_is_stored_but_never_read_as_a_day(days, tmp_path):
    """A GA4 report without a Date column (28 days of totals by channel) beside the
    daily ones: stored, no crash, no zero days invented, no spike on its first day."""
    inbox, hist = tmp_path / "in", tmp_path / "w.duckdb"
    feed(inbox, days, "2026-09-08", since="2026-08-01")
    (inbox / "ga4_last_28_days.csv").write_text(
        "# ----------------------------------------\n# Traffic acquisition: Session default channel group\n"
        "# ----------------------------------------\n#\n# All Users\n# Start date: 20260812\n# End date: 20260908\n"
        "Session default channel group,Sessions,Key events,Total revenue\nDirect,9120,50,4199.90\n"
        "Organic Search,18000,120,9000.50\n", encoding="utf-8")
    res = run(inbox, hist)
    assert res.snapshots == 40 and res.alerts == []
    feed(inbox, days, "2026-09-09", since="2026-09-09")
    assert run(inbox, hist).alerts == []
