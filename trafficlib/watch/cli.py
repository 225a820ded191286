"""``trafficlib watch``: the command line glue.

Exit codes: 0 ran, nothing new to alert; 3 alerts raised (the digest lists them);
1 an error (a new file refused, the history locked by another run or unreadable, the
e-mail not sent); 2 bad usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trafficlib.errors import TrafficDataError

__all__ = ["add_parser", "main", "EXIT_OK", "EXIT_ALERTS", "EXIT_ERROR", "EXIT_USAGE"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_ALERTS = 0, 1, 2, 3


def add_parser(sub) -> argparse.ArgumentParser:
    """Register ``watch`` on the main parser's subparsers."""
    w = sub.add_parser(
        "watch", help="daily watch of a downloads folder: remember, compare, alert",
        description="Read the new exports of a folder, add them to a DuckDB history, compare with what came before "
                    "and alert (own traffic, SEO, competitors, paid). Exit codes: 0 nothing to alert, 3 alerts raised, "
                    "1 error (file refused, history locked, mail not sent), 2 bad usage. SMTP login from "
                    "TRAFFICLIB_SMTP_USER / TRAFFICLIB_SMTP_PASSWORD (never the command line).")
    w.add_argument("folder", nargs="?", type=Path, help="the folder where downloads land (never modified)")
    w.add_argument("--history", type=Path, required=True, help="the DuckDB history file (created when absent)")
    w.add_argument("--lang", choices=["en", "fr"], default="en", help="language of alerts and digest (default: en)")
    w.add_argument("--mail-to", action="append", default=[], metavar="ADDR", help="send the digest to ADDR (repeatable)")
    w.add_argument("--smtp", metavar="HOST:PORT", help="SMTP server (default: $TRAFFICLIB_SMTP, else localhost:25)")
    w.add_argument("--dry-run", action="store_true", help="alert (and mail, with --mail-to) without writing the history nor the page")
    w.add_argument("--show", action="store_true", help="print the history and exit")
    w.add_argument("--page", type=Path, help="the history page (default: watch.html beside the history)")
    w.add_argument("--country", default="auto", help="country whose holidays are named (default: from Search Console)")
    w.add_argument("--wait", type=float, default=30.0, help="seconds to wait for another run's lock (default: 30)")
    return w


def _read_tables(history: Path, wait: float, *names: str) -> list:
    """The history's tables ``names`` (DataFrames, in that order), read under its lock."""
    from trafficlib.watch.history import open_history
    from trafficlib.watch.lock import history_lock

    with history_lock(history, wait=wait):
        h = open_history(history)
        try:
            return [h.table(n) for n in names]
        finally:
            h.close()


def show(history: Path, wait: float = 30.0) -> int:
    """Print runs, snapshots by source and the alerts of the history."""
    import pandas as pd

    if not history.exists():
        print(f"error: {history}: no history yet (run `trafficlib watch FOLDER --history {history}` first)",
              file=sys.stderr)
        return EXIT_ERROR
    runs, snaps, alerts = _read_tables(history, wait, "runs", "snapshots", "alerts")
    with pd.option_context("display.width", 160, "display.max_colwidth", 60, "display.max_rows", 200):
        print(f"history {history}: {len(runs)} runs, {len(snaps)} snapshots, {len(alerts)} alerts")
        if not snaps.empty:
            by = snaps.groupby("source").agg(snapshots=("id", "count"), rows=("n_rows", "sum"),
                                             first=("period_start", "min"), last=("period_end", "max"))
            print("\nsnapshots by source:\n" + by.to_string())
        if not runs.empty:
            print("\nlast runs:\n" + runs.tail(10).to_string(index=False))
        if not alerts.empty:
            cols = ["day", "rule", "subject", "metric", "value", "low", "high"]
            print("\nalerts:\n" + alerts[cols].tail(50).to_string(index=False, float_format=lambda x: f"{x:,.2f}"))
    return EXIT_OK


def main(args: argparse.Namespace) -> int:
    """Run ``trafficlib watch`` from parsed arguments; returns the exit code."""
    import duckdb

    from trafficlib.watch import digest, mail, texts
    from trafficlib.watch.lock import LockBusy
    from trafficlib.watch.runner import run

    if args.show:
        return show(args.history, args.wait)
    if args.folder is None:
        print("error: give the FOLDER to watch (or --show)", file=sys.stderr)
        return EXIT_USAGE
    if args.smtp:
        try:
            mail.parse_server(args.smtp)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        res = run(args.folder, args.history, lang=args.lang, dry_run=args.dry_run, country=args.country,
                  wait=args.wait)
    except LockBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (TrafficDataError, FileNotFoundError, NotADirectoryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except duckdb.Error as exc:  # the history file itself (disk full, read-only...): nothing was written
        print(f"error: {args.history}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_ERROR
    for a in res.alerts:
        print(("ALERTE " if args.lang == "fr" else "ALERT ") + texts.line(a, args.lang))
    for a in res.notes:
        print(("NOTE   ") + texts.line(a, args.lang))
    for label, reason in res.refused:
        print(f"error: {label}: {reason}", file=sys.stderr)
    status = EXIT_ALERTS if res.alerts else EXIT_OK
    if res.refused:
        status = EXIT_ERROR
    if not args.dry_run:
        page = args.page or args.history.with_name("watch.html")
        try:
            _write_page(args.history, page, args.lang, args.wait)
        except OSError as exc:
            print(f"error: the page {page} could not be written ({exc})", file=sys.stderr)
            status = EXIT_ERROR
    if args.mail_to and (res.alerts or res.refused or res.notes):
        msg = mail.build_message(digest.subject(res, args.lang), digest.email_html(res, args.lang, str(args.folder)),
                                 digest.email_text(res, args.lang), args.mail_to)
        try:
            mail.send(msg, args.smtp)
        except mail.MailError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_ERROR
    word = "dry run: " if args.dry_run else ""
    print(f"{word}{res.snapshots} new export(s), {res.seen} file(s) already in the history, "
          f"{len(res.alerts)} alert(s)" + (f", {len(res.refused)} file(s) refused" if res.refused else ""),
          file=sys.stderr)
    return status


def _write_page(history: Path, page: Path, lang: str, wait: float) -> None:
    from trafficlib.watch import digest

    alerts, figures, runs = _read_tables(history, wait, "alerts", "figures", "runs")
    digest.write_page(page, digest.page_html(alerts, figures, runs, lang))
