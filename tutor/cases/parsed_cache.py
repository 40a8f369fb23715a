"""Parsed case files and shared definitions, kept on disk between runs.

Reading YAML is most of what `tutor list`, `tutor check` and the app's first
screen cost, and a case file rarely changes between two runs. Each result (a
Case, SharedDefinitions, or the problems a broken file gave) is kept as JSON in
the user's cache folder under a name made from what it was read from, beside
the key it was read with: the file's path as shown, its modification time and
size, the same for every shared file it was merged with, and a fingerprint of
the tutor's version, its code and its word data. Any difference is a miss and
the file is read again. `tutor check`'s findings for a case are kept the same
way. JSON read back only into an allow-list of the tutor's own dataclasses, as
tutor.prepared does for `tutor grade`: nothing in the cache is ever executed.

The cache is only ever a shortcut: a missing, unreadable, corrupt or foreign
entry is a miss, and a cache folder that cannot be written is simply not used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import tutor
from tutor import model
from tutor.cases.problems import Problem

ENTRY_FORMAT = 2
NO_CACHE_ENV = "TUTOR_NO_CACHE"


@lru_cache(maxsize=1)
def _classes() -> dict[str, type]:
    from tutor.cases.loading import SharedDefinitions

    return {cls.__name__: cls for cls in (
        model.Case, model.Stage, model.Expectation, model.Misconception, model.Example, model.Discriminator,
        model.Concept, model.Measure, SharedDefinitions, Problem,
    )}


# -- JSON, read back only into an allow-list of the tutor's own dataclasses (as tutor.prepared) --


def encode(value):
    cls = type(value)
    if _classes().get(cls.__name__) is cls:
        return {"$": cls.__name__, **{name: encode(getattr(value, name)) for name in _field_names(cls)}}
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, (frozenset, set)):
        return {"$s": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, (dict, MappingProxyType)):
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep {type(value).__name__} in the cache")


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def decode(value, classes: dict[str, type] | None = None):
    classes = classes if classes is not None else _classes()
    if isinstance(value, list):
        return [decode(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        return tuple(decode(v, classes) for v in value["$t"])
    if "$s" in value:
        return frozenset(decode(v, classes) for v in value["$s"])
    if "$m" in value:
        return model.frozen_mapping({decode(k, classes): decode(v, classes) for k, v in value["$m"]})
    cls = classes[value["$"]]  # KeyError for anything not on the allow-list
    return cls(**{k: decode(v, classes) for k, v in value.items() if k != "$"})


@lru_cache(maxsize=1)
def code_fingerprint() -> tuple:
    """The tutor's version, its source files and its word data as they are now: an edited
    tutor (a developer's checkout) reads and works out everything again."""
    package = Path(tutor.__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
    from tutor.matching.tokens import shipped_words_file

    stamps = []
    for source in [*sources, shipped_words_file()]:
        try:
            info = source.stat()
        except OSError:
            continue
        stamps.append((str(source.relative_to(package.parent)) if source.is_relative_to(package.parent)
                       else str(source), info.st_mtime_ns, info.st_size))
    return (ENTRY_FORMAT, tutor.__version__, tuple(stamps))


def _folder() -> Path | None:
    if os.environ.get(NO_CACHE_ENV, "").strip():
        return None
    try:
        from tutor.locations import cache_dir

        folder = cache_dir() / "parsed"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        return None


def _entry_path(folder: Path, kind: str, name: str) -> Path:
    digest = hashlib.sha256(f"{kind}\0{name}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / f"{kind}-{digest}.json"


def load(kind: str, name: str, key: tuple) -> object | None:
    """What was stored for `name` under exactly `key`, or None."""
    folder = _folder()
    if folder is None:
        return None
    try:
        stored = json.loads(_entry_path(folder, kind, name).read_text(encoding="utf-8"))
        if decode(stored["key"], {}) != (code_fingerprint(), name, key):
            return None
        return decode(stored["value"])
    except Exception:  # missing, damaged, foreign or from another version: read the file instead
        return None


def store(kind: str, name: str, key: tuple, value: object) -> None:
    folder = _folder()
    if folder is None:
        return
    try:
        text = json.dumps({"key": encode((code_fingerprint(), name, key)), "value": encode(value)},
                          ensure_ascii=False, separators=(",", ":"))
        # Written aside and renamed over, so a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, _entry_path(folder, kind, name))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception:  # a full disk or a read-only cache costs speed, never a run
        return
