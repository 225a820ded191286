"""Snapshot and restore of a kernel's global state, for reusing one warm kernel across
reports (imported inside the kernel by :mod:`trafficlib.report`).

``%reset -f`` clears the user namespace but not process-wide state that a report can
change: pandas options, numpy's and ``random``'s global generators (re-seeded from
entropy, as in a fresh kernel), matplotlib rcParams and open figures, the garbage
collector's settings, warning filters, environment variables, the working directory,
``sys.path``, modules a notebook imported from its own folder, and trafficlib's own
report settings. :func:`snapshot` records them once the kernel is warm; :func:`restore`
puts them back before each report, so a report renders the same whether its kernel is
fresh or has just served another report (tests/test_report.py checks it).
"""
from __future__ import annotations

import copy
import gc
import os
import random
import sys
import warnings

_saved: dict = {}


def snapshot() -> None:
    """Record the current process state as the clean state."""
    import matplotlib

    _saved.clear()
    _saved.update(
        environ=dict(os.environ),
        cwd=os.getcwd(),
        path=list(sys.path),
        filters=list(warnings.filters),
        rc=copy.deepcopy(dict(matplotlib.rcParams)),
        modules=set(sys.modules),
        gc=(gc.isenabled(), gc.get_threshold()),
    )


def restore(cwd: str | None = None) -> None:
    """Restore the snapshot (then ``chdir`` to ``cwd`` if given)."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    if not _saved:
        raise RuntimeError("no kernel snapshot: call snapshot() first")
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.reset_option("all")
        matplotlib.rcParams.update(_saved["rc"])
    warnings.filters[:] = list(_saved["filters"])
    getattr(warnings, "_filters_mutated", lambda: None)()
    # "default"/"once" warnings are remembered per module; forget them so a reused
    # kernel warns exactly where a fresh one would.
    for mod in list(sys.modules.values()):
        registry = getattr(mod, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    # A fresh kernel's global generators are seeded from OS entropy: do the same, so a
    # report that seeded them cannot hand its sequence to the next one.
    np.random.seed(None)
    random.seed(None)
    enabled, threshold = _saved["gc"]
    gc.set_threshold(*threshold)
    (gc.enable if enabled else gc.disable)()
    for key in set(os.environ) - set(_saved["environ"]):
        del os.environ[key]
    os.environ.update(_saved["environ"])
    sys.path[:] = _saved["path"]
    # Forget modules a report imported from outside the installed environment (a
    # notebook's own helper files), so an edited helper is re-read next time.
    prefixes = tuple({sys.prefix, sys.base_prefix})
    for name in set(sys.modules) - _saved["modules"]:
        mod = sys.modules.get(name)
        file = getattr(mod, "__file__", None) or ""
        if file and not file.startswith(prefixes) and "trafficlib" not in name:
            del sys.modules[name]
    from trafficlib import display

    display._state.update(lang="en", currency="EUR")
    course = sys.modules.get("trafficlib.course")
    if course is not None:  # exercise attempts decide which hint shows next
        course._state.update(data_path=None, attempts={})
    os.chdir(cwd or _saved["cwd"])
