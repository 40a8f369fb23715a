"""Parsed case files and shared definitions, kept on disk between runs.

Reading YAML is most of what `tutor list`, `tutor check` and the app's first
screen cost, and a case file rarely changes between two runs. Each result (a
Case, SharedDefinitions, or the CaseError a broken file gave) is pickled in
the user's cache folder under a name made from what it was read from, beside
the key it was read with: the file's path as shown, its modification time and
size, the same for every shared file it was merged with, and a fingerprint of
the tutor's version, its code and its word data. Any difference is a miss and
the file is read again. The matcher's index of a case and `tutor check`'s
findings for a case are kept the same way (see grading and the checker).

The cache is only ever a shortcut: a missing, unreadable, corrupt or foreign
entry is a miss, and a cache folder that cannot be written is simply not used.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import tutor



def read_only_view(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


# The model's read-only mappings are views over a dict; they travel as that dict.
copyreg.pickle(MappingProxyType, lambda view: (read_only_view, (dict(view),)))

ENTRY_FORMAT = 1
CACHE_ENV = "TUTOR_CACHE_DIR"
NO_CACHE_ENV = "TUTOR_NO_CACHE"


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
    return folder / f"{kind}-{digest}.pickle"


def load(kind: str, name: str, key: tuple) -> object | None:
    """What was stored for `name` under exactly `key`, or None."""
    folder = _folder()
    if folder is None:
        return None
    try:
        with _entry_path(folder, kind, name).open("rb") as handle:
            stored_key, value = pickle.load(handle)
    except Exception:  # missing, truncated, written by another version: read the file instead
        return None
    return value if stored_key == (code_fingerprint(), name, key) else None


def store(kind: str, name: str, key: tuple, value: object) -> None:
    folder = _folder()
    if folder is None:
        return
    try:
        data = pickle.dumps(((code_fingerprint(), name, key), value), protocol=pickle.HIGHEST_PROTOCOL)
        # Written aside and renamed over, so a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, _entry_path(folder, kind, name))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception:  # a full disk or a read-only cache costs speed, never a run
        return
