"""``trafficlib watch``: a daily run over a downloads folder that remembers, compares and alerts.

- :mod:`.lock` — one writer at a time (``<history>.lock``);
- :mod:`.history` — the DuckDB history (files, snapshots, canonical rows, alerts, figures);
- :mod:`.ingest` — which files are new (sha256), read with the walk ``auto`` uses;
- :mod:`.series` — daily figures from the history (the latest data for a day wins);
- :mod:`.rules` — what is alerted on and the comparison rule;
- :mod:`.texts` — the alerts in French or English;
- :mod:`.digest` — the HTML e-mail and the ``watch.html`` page;
- :mod:`.mail` — sending the digest with ``smtplib``;
- :mod:`.cli` — the command line.
"""
__all__ = ["run", "WatchResult"]


def __getattr__(name: str):
    # lazy: ``trafficlib --help`` imports the parser from .cli, not pandas and DuckDB
    if name in __all__:
        from trafficlib.watch import runner

        return getattr(runner, name)
    raise AttributeError(name)
