"""Results keyed by the identity of the files they come from, or by the content of
the tables they are computed from.

A batch worker renders many reports from the same exports: the en and fr versions of
each report, and several report kinds reading one Search Console folder or one event
log. :func:`cached` computes a heavy intermediate (a parsed export, sessionized events,
a folder of ad reports) once per identity of its input files (resolved path, size,
modification time) and parameters, in this process; a changed file is a new key, so a
report never sees stale data.

:func:`by_content` does the same for a pure analysis function (search-term tables, a
post-mortem): keyed by a hash of its arguments' content, so the second language of a
report reuses the first one's tables and only writes its own words.

Callers get copies: new containers around the same column data. pandas >= 3 copies on
write, so a caller that changes a column gets its own; with older pandas the frames are
copied deeply.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import inspect
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

__all__ = ["cached", "shared", "by_files", "by_content", "content_key", "files_in", "fresh", "clear"]

_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3

# Entries, least recently used first. Bounded by count and by the rough size of the
# frames they hold, so a worker that reads a 2 GB export does not keep several.
_STORE: "OrderedDict[tuple, tuple[object, int]]" = OrderedDict()
MAX_ENTRIES = 64
MAX_BYTES = 1_000_000_000

# Values that are immutable and compare by value: shared by copies, keyed by repr.
_PLAIN = (str, bytes, int, float, bool, type(None), pd.Timestamp, pd.Timedelta, Path)


def _identity(paths: Iterable) -> tuple | None:
    """(resolved path, size, modification time) of each file; None when one is missing."""
    out = []
    for p in paths:
        try:
            st = Path(p).stat()
        except OSError:
            return None
        out.append((str(Path(p).resolve()), st.st_size, st.st_mtime_ns))
    return tuple(out)


def files_in(path: str | Path) -> list[Path]:
    """The files that make ``path``'s identity: the file itself, or a folder's files
    (recursively, hidden ones excluded), sorted. A file added to a folder changes it."""
    p = Path(path)
    if not p.is_dir():
        return [p]
    return sorted(f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in
                                                                      f.relative_to(p).parts))


def fresh(value: Any) -> Any:
    """A copy of ``value`` that the caller may change without touching the cached one:
    new lists, dicts, dataclasses and objects; frames copied (shallowly under pandas'
    copy-on-write); strings, numbers and other immutable values shared."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        out = value.copy(deep=not _COPY_ON_WRITE)
        out.attrs = {k: fresh(v) for k, v in value.attrs.items()}
        return out
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()} if type(value) is dict else copy.deepcopy(value)
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if type(value) is tuple:
        return tuple(fresh(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = copy.copy(value)
        for f in dataclasses.fields(value):
            object.__setattr__(out, f.name, fresh(getattr(value, f.name)))
        return out
    if isinstance(value, _PLAIN):
        return value
    if hasattr(value, "__dict__") and not isinstance(value, type):
        out = copy.copy(value)
        out.__dict__.update({k: fresh(v) for k, v in value.__dict__.items()})
        return out
    return value  # tuples subclasses (schema.Lines), frozensets, callables: immutable


def _size(value: Any) -> int:
    """Rough bytes held by ``value``'s frames (column data, not string payloads)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return int(value.memory_usage(deep=False).sum()) if isinstance(value, pd.DataFrame) else int(value.nbytes)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return sum(_size(v) for v in value[:1000])
    if dataclasses.is_dataclass(value) or hasattr(value, "__dict__"):
        return sum(_size(v) for v in getattr(value, "__dict__", {}).values())
    return 0


def cached(files, what: str, compute: Callable[[], Any], *params) -> Any:
    """``compute()``'s result, computed once per identity of ``files`` (a path or a list
    of paths: path, size, modification time) and ``params`` in this process; later calls
    get a :func:`fresh` copy. ``what`` names the intermediate ("sessionize", "ads
    folder"...). A missing file skips the cache (``compute`` then raises its own error);
    an exception is never cached."""
    return _by_identity(files, (what,), compute, params, copy=True)


def shared(files, what: str, make: Callable[[], Any], *params) -> Any:
    """``make()``'s result, made once per identity of ``files`` and ``params`` (as
    :func:`cached`) and handed out itself, not copied: for an object that keeps its
    insides to itself and hands out copies (the answers of the sessions of one file, see
    :class:`trafficlib.query.SessionRows`), so that what one report asked of it serves
    the next. A missing file skips the store."""
    return _by_identity(files, ("shared", what), make, params, copy=False)


def _by_identity(files, head: tuple, compute: Callable[[], Any], params: tuple, copy: bool) -> Any:
    """:func:`cached` and :func:`shared`: ``compute()`` stored under ``head``, the
    identity of ``files`` and ``params``; computed without storing when a file is missing."""
    files = [files] if isinstance(files, (str, Path)) else list(files)
    ident = _identity(files)
    if ident is None:
        return compute()
    return _memo((*head, ident, repr(params)), compute, copy)


def _memo(key: tuple, compute: Callable[[], Any], copy: bool = True) -> Any:
    """The value stored under ``key`` (a :func:`fresh` copy unless ``copy`` is False),
    else ``compute()`` stored."""
    if key in _STORE:
        _STORE.move_to_end(key)
        value = _STORE[key][0]
        return fresh(value) if copy else value
    value = compute()
    _remember(key, value, copy)
    return value


def _remember(key: tuple, value: Any, copy: bool = True) -> None:
    """Store ``value`` (a copy unless ``copy`` is False), dropping the least recently
    used entries past the bounds."""
    size = _size(value)
    if size <= MAX_BYTES // 2:
        _STORE[key] = (fresh(value) if copy else value, size)
        while len(_STORE) > MAX_ENTRIES or sum(s for _, s in _STORE.values()) > MAX_BYTES:
            _STORE.popitem(last=False)


def by_files(*path_params: str):
    """Decorator: cache a reader's result with :func:`cached`, keyed by the files under
    its ``path_params`` arguments (a file, or every file of a folder: see
    :func:`files_in`) and by all its arguments. For functions of paths and plain values
    whose result depends only on those files."""
    def wrap(fn):
        what, arguments = _binder(fn)

        @functools.wraps(fn)
        def inner(*args, **kwargs):
            given = arguments(args, kwargs)
            files: list[Path] = []
            for name in path_params:
                value = given.get(name)
                if value is not None and str(value):
                    files += files_in(value)
            if not files:
                return fn(*args, **kwargs)
            return cached(files, what, lambda: fn(*args, **kwargs), sorted(given.items()))
        return inner
    return wrap


def _binder(fn):
    """(qualified name of ``fn``, a function giving the dict of all its arguments,
    defaults included, for a call's ``args`` and ``kwargs``)."""
    sig = inspect.signature(fn)

    def arguments(args, kwargs) -> dict:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)
    return f"{fn.__module__}.{fn.__qualname__}", arguments


class Unkeyable(TypeError):
    """An argument whose content cannot be hashed: the call is computed, not cached."""


def content_key(value: Any) -> object:
    """A hashable key equal for arguments of equal content: frames and series by their
    values, index, column names and dtypes (row order counts); dataclasses, dicts, lists
    and tuples by their items; plain values by type and value. Raises
    :class:`Unkeyable` for anything else (an open connection, a figure)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        try:
            rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
        except TypeError as exc:  # lists or dicts in cells
            raise Unkeyable(str(exc)) from None
        shape = (tuple(map(str, value.columns)), tuple(map(str, value.dtypes))) if isinstance(
            value, pd.DataFrame) else (str(value.name), str(value.dtype))
        small_attrs = tuple(sorted((k, repr(v)) for k, v in value.attrs.items()
                                   if isinstance(v, (str, int, float, bool, type(None)))))
        return (type(value).__name__, shape, small_attrs, hashlib.blake2b(rows.tobytes(), digest_size=16).hexdigest())
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise Unkeyable("object array")
        return ("ndarray", value.shape, str(value.dtype), hashlib.blake2b(value.tobytes(), digest_size=16).hexdigest())
    if isinstance(value, _PLAIN):
        return (type(value).__name__, repr(value))
    if isinstance(value, dict):
        return ("dict", tuple((content_key(k), content_key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(content_key(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, tuple((f.name, content_key(getattr(value, f.name)))
                                                for f in dataclasses.fields(value)))
    raise Unkeyable(f"cannot key a {type(value).__name__}")


def by_content(fn):
    """Decorator: cache a pure function's result by the content of its arguments
    (:func:`content_key`); later calls with equal arguments get a :func:`fresh` copy.
    For analysis steps that depend on nothing but their arguments (no language, no
    clock, no randomness without a seed argument). An argument that cannot be keyed
    means the call is simply computed."""
    what, arguments = _binder(fn)

    @functools.wraps(fn)
    def inner(*args, **kwargs):
        try:
            key = ("content", what, content_key(tuple(arguments(args, kwargs).items())))
        except Unkeyable:
            return fn(*args, **kwargs)
        return _memo(key, lambda: fn(*args, **kwargs))
    return inner


def clear() -> None:
    """Forget every cached result."""
    _STORE.clear()
