"""Chart output time: every chart of the demo batch (the jobs of ``reports.yml``) turned
into an image three ways, side by side in one run.

Run from the repo root (after `make demo`)::

    .venv/bin/python benchmarks/charts.py            # all 57 demo charts, 3 rounds
    .venv/bin/python benchmarks/charts.py --rounds 1

- ``savefig tight PNG``: ``fig.savefig(format="png", bbox_inches="tight")``, the usual
  way (the figure is laid out and drawn twice);
- ``png_bytes``: :func:`trafficlib.plots.png_bytes`, measured then drawn once into the
  tight box (pixel-identical to the above);
- ``svg_text``: :func:`trafficlib.plots.svg_text`, what the reports show: one draw on a
  canvas with margins, framed by the ``viewBox``.

The notebooks' cells run in this process with the kernel's garbage-collector settings;
each chart is kept (not shown) and, at the end, rendered by the three methods in turn,
the order rotating from chart to chart and round to round so that no method always
goes first. Prints the total seconds per method (median over rounds) and the bytes.
"""
from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_throughput import DEMO, mixed_jobs, run_in_process  # noqa: E402


def collect_figures() -> list:
    """Every figure the demo batch's notebooks pass to ``display.figure``."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["figure.max_open_warning"] = 0  # all 57 are kept open on purpose
    import IPython.display

    from trafficlib import display, plots

    IPython.display.display = lambda *a, **k: None
    figures = []

    def keep(fig, alt=None):
        plots.localize_dates(fig, display.lang())
        figures.append(fig)

    display.figure = keep
    for j in mixed_jobs():
        run_in_process(j)
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="rounds over all charts (default 3)")
    args = ap.parse_args()
    if not (DEMO / "sessions.parquet").exists():
        raise SystemExit("demo data missing: run `make demo` first")
    from trafficlib import plots

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)  # as in a report kernel (trafficlib.report.kernel)
    figures = collect_figures()

    def tight_png(fig) -> bytes:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        return buf.getvalue()

    methods = [("savefig tight PNG", tight_png), ("png_bytes (PNG, one draw)", plots.png_bytes),
               ("svg_text (SVG, one draw)", lambda fig: plots.svg_text(fig).encode())]
    seconds = {name: [] for name, _ in methods}
    size = {name: 0 for name, _ in methods}
    for r in range(args.rounds):
        spent = dict.fromkeys(seconds, 0.0)
        for i, fig in enumerate(figures):
            k = (i + r) % len(methods)
            for name, render in methods[k:] + methods[:k]:
                t0 = time.perf_counter()
                out = render(fig)
                spent[name] += time.perf_counter() - t0
                if r == 0:
                    size[name] += len(out)
        for name, s in spent.items():
            seconds[name].append(s)
    base = statistics.median(seconds[methods[0][0]])
    print(f"\n{len(figures)} charts of the demo batch, {args.rounds} round(s)\n")
    print(f"{'method':30s} {'total s':>8s} {'ms/chart':>9s} {'vs savefig':>11s} {'KB total':>9s}   rounds (s)")
    for name, _ in methods:
        med = statistics.median(seconds[name])
        print(f"{name:30s} {med:8.2f} {1000 * med / len(figures):9.0f} {base / med:10.1f}x {size[name] / 1024:9.0f}"
              f"   {' '.join(f'{s:.2f}' for s in seconds[name])}")


if __name__ == "__main__":
    main()
