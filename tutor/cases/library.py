"""The shipped case library: where it is, what is in it, and loading a case by id or path.

Parsed cases are cached by file (path, modification time, size), so listing
the library again, or playing a case just listed, does not read YAML twice;
an edited file is simply read again.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from tutor.cases.fields import suggestion
from tutor.cases.loading import (
    DISCRIMINATORS_FILE,
    LEXICON_FILE,
    CaseError,
    Problem,
    SharedDefinitions,
    load_case_file,
    load_shared,
)
from tutor.model import Case

DIALOGUES_ENV = "TUTOR_DIALOGUES"
CASES_FOLDER = "cases"
CASE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CaseEntry:
    """One case as the library lists it. `problems` is non-empty when the file does not load."""

    id: str
    title: str
    summary: str | None
    tags: tuple[str, ...]
    difficulty: int | None
    path: Path
    problems: tuple[Problem, ...] = ()


def dialogues_dir() -> Path:
    """The folder of shipped dialogues: $TUTOR_DIALOGUES, else the package's, else the repo's."""
    override = os.environ.get(DIALOGUES_ENV)
    if override:
        return Path(override).expanduser()
    package_dir = Path(__file__).resolve().parents[1]  # tutor/, above tutor/cases/
    installed = package_dir / "dialogues"  # where the wheel puts them
    if installed.is_dir():
        return installed
    return package_dir.parent / "dialogues"


def shown_path(path: Path) -> str:
    """A path as a user would type it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith("..") else str(path)


# -- caches -------------------------------------------------------------------

_shared_cache: dict[tuple, SharedDefinitions] = {}
# path -> (file stamp, the shared definitions it was merged with, the case or why it failed)
_case_cache: dict[str, tuple[tuple, SharedDefinitions, Case | CaseError]] = {}


def _stamp(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return (None,)
    return (info.st_mtime_ns, info.st_size)


def shared_definitions(folder: Path | None = None) -> SharedDefinitions:
    """The shared lexicon and discriminators, read once per process (again if a file changes)."""
    folder = folder or dialogues_dir()
    key = (str(folder), _stamp(folder / LEXICON_FILE), _stamp(folder / DISCRIMINATORS_FILE))
    shared = _shared_cache.get(key)
    if shared is None:
        shared = load_shared(folder)  # raises CaseError, not cached: the author will fix and retry
        _shared_cache.clear()
        _shared_cache[key] = shared
    return shared


def _cached_case(path: Path, shared: SharedDefinitions) -> Case:
    try:
        key = str(path.resolve())
    except (OSError, RuntimeError):  # a loop of symbolic links: the loader says so
        key = str(path.absolute())
    stamp = _stamp(path)
    cached = _case_cache.get(key)
    if cached is None or cached[0] != stamp or cached[1] is not shared:
        shown = Path(shown_path(path))
        try:
            result: Case | CaseError = load_case_file(shown, shared)
        except CaseError as error:
            result = error
        except Exception as error:  # a bug of ours: this file is listed as broken, the others still load
            result = CaseError.single(
                str(shown), 1, f"the tutor failed while reading this file ({type(error).__name__}: {error})"
            )
        cached = (stamp, shared, result)
        _case_cache[key] = cached
    if isinstance(cached[2], CaseError):
        raise cached[2]
    return cached[2]


# -- the library ---------------------------------------------------------------


def case_files(folder: Path | None = None) -> list[Path]:
    cases = (folder or dialogues_dir()) / CASES_FOLDER
    if not cases.is_dir():
        return []
    return sorted(p for p in cases.iterdir() if p.suffix in CASE_SUFFIXES and p.is_file())


def list_cases() -> list[CaseEntry]:
    """Every shipped case, sorted by difficulty then title; broken files are listed with their problems."""
    folder = dialogues_dir()
    try:
        shared = shared_definitions(folder)
        shared_problems: tuple[Problem, ...] = ()
    except CaseError as error:
        shared, shared_problems = SharedDefinitions(), error.problems
    entries = []
    for path in case_files(folder):
        try:
            case = _cached_case(path, shared)
        except CaseError as error:
            entries.append(CaseEntry(
                id=path.stem, title=f"{path.stem} (cannot be loaded)", summary=None, tags=(),
                difficulty=None, path=path, problems=error.problems + shared_problems,
            ))
            continue
        entries.append(CaseEntry(
            id=case.id, title=case.title, summary=case.summary, tags=case.tags,
            difficulty=case.difficulty, path=path, problems=shared_problems,
        ))
    entries.sort(key=lambda e: (e.difficulty or 0, e.title.casefold(), e.id))
    return entries


def _looks_like_path(ref: str) -> bool:
    return os.sep in ref or "/" in ref or ref.endswith(CASE_SUFFIXES)


def resolve_case_path(ref: str) -> Path:
    """The file a case reference names: a path to a case file, or the id of a shipped case."""
    if _looks_like_path(ref):
        path = Path(ref).expanduser()
        if _is_folder(path):
            raise CaseError.single(ref, 1, "this is a folder, not a case file")
        if not os.path.lexists(path):
            raise CaseError.single(ref, 1, "no such file")
        try:
            os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise CaseError.single(ref, 1, "cannot read the file: its symbolic links go round in a loop") from None
            if error.errno == errno.ENOENT:
                raise CaseError.single(ref, 1, "no such file (a symbolic link to a file that is not there)") from None
        return path  # a named pipe or a device: the loader says which, without reading it

    folder = dialogues_dir()
    by_name = folder / CASES_FOLDER / f"{ref}.yaml"
    if _is_file(by_name):
        return by_name
    # A file whose name differs from the id inside it is still found by its id.
    ids: dict[str, Path] = {}
    for entry in list_cases():
        ids.setdefault(entry.id, entry.path)
    if ref in ids:
        return ids[ref]
    if _is_file(Path(ref)):
        return Path(ref)
    known = ", ".join(sorted(ids)) or f"none (no case files in {shown_path(folder / CASES_FOLDER)})"
    hint = suggestion(ref, ids)
    if not hint:
        # "ifi" for "ifi-classic": the start of an id is what people remember.
        starting = sorted(i for i in ids if i.startswith(ref.casefold()) or ref.casefold() in i.split("-"))
        # Several ids can share a start ("ifi-classic", "ifi-valgus-hip"): offer a few, not one at random.
        if 1 <= len(starting) <= 3:
            hint = "; did you mean " + " or ".join(f"`{i}`" for i in starting) + "?"
    shown = ref if len(ref) <= 100 else ref[:99] + "…"
    raise CaseError.single(
        shown, 1, f"no case with id `{shown}` and no such file{hint}; known cases: {known}"
    )


def _is_file(path: Path) -> bool:
    # Path.is_file() raises for a name too long for the system (a 5,000-character case id).
    try:
        return path.is_file()
    except OSError:
        return False


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def dialogues_folder_of(case_file: Path) -> Path | None:
    """The dialogues folder a case file belongs to: its own folder or the one above (`cases/`),
    whichever holds a lexicon or discriminators file."""
    for folder in (case_file.parent, case_file.parent.parent):
        if any((folder / name).is_file() for name in (LEXICON_FILE, DISCRIMINATORS_FILE)):
            return folder
    return None


def load_case(ref: str) -> Case:
    """A case by id (shipped library) or by path, merged with the shared lexicon.

    A file in a dialogues folder of its own (a draft library) uses that folder's
    shared files, as `tutor check` does, so a case the checker passes also plays.
    """
    path = resolve_case_path(ref)
    shared = shared_definitions(dialogues_folder_of(path))
    return _cached_case(path, shared)
