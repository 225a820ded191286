"""Reading the YAML files users write (batch manifests, channel rules, exercise
solutions): safely, with errors that name the file and line.

Kept apart from :mod:`trafficlib.sources` so that the batch driver, which reads a
manifest, does not import pandas before launching its kernels.
"""
from __future__ import annotations

from pathlib import Path

from trafficlib.errors import TrafficDataError

__all__ = ["read_yaml"]


def read_yaml(path: str | Path, what: str = "file") -> object:
    """Load a YAML file safely (``yaml.safe_load``: plain data only, never Python
    objects). Raises :class:`TrafficDataError` naming the file (and the line of a
    syntax error) when it is missing or not valid YAML; ``what`` names it in the
    message ("manifest", "rules file"...)."""
    import yaml

    p = Path(path)
    if not p.exists():
        raise TrafficDataError(f"{what} not found", file=str(path))
    try:
        return yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TrafficDataError(f"not valid YAML ({getattr(exc, 'problem', None) or 'syntax error'})", file=str(path),
                               rows=[mark.line + 1] if mark else None) from None
    except UnicodeDecodeError:
        raise TrafficDataError("not UTF-8 text", file=str(path)) from None
