"""Shared pieces of the report machinery: paths, settings, the error type, safe file names
and atomic writes."""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = Path(os.environ.get("TRAFFICLIB_TEMPLATES", ROOT / "templates"))
TEMPLATE_NAME = "trafficlib"
DEFAULT_TIMEOUT = 600  # seconds per cell
# Imported once per warm kernel, before the snapshot (see _kernel_state): what every
# report uses. Heavier libraries a report needs (statsmodels, DuckDB) are imported by
# its first report in the worker and stay loaded for the next ones.
WARM_IMPORTS = ["numpy", "pandas", "matplotlib.pyplot", "seaborn", "trafficlib", "trafficlib.display",
                "trafficlib.plots", "trafficlib.sources", "trafficlib.i18n", "trafficlib.metrics"]


class ReportError(RuntimeError):
    """A report that could not be produced; ``str()`` says which cell failed and why."""


# --------------------------------------------------------------------------- names, files


def safe_name(name: str) -> str:
    """A file-name-safe version of ``name`` with no path parts: ``"../../x"`` -> ``"x"``,
    ``"Rapport été / Q3"`` -> ``"Rapport-ete-Q3"``. Never empty, at most 120 chars."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    parts = [p for p in re.split(r"[\\/]+", text) if p not in ("", ".", "..")]
    text = "-".join(parts)
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip(".-_ ")
    return (text or "report")[:120]


def _inside(folder: Path, name: str, suffix: str) -> Path:
    """``folder/name+suffix``, guaranteed inside ``folder``."""
    folder = folder.resolve()
    target = (folder / f"{safe_name(name)}{suffix}").resolve()
    if folder not in target.parents:  # belt and braces: safe_name already strips paths
        raise ReportError(f"output name {name!r} escapes the output folder")
    return target


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

