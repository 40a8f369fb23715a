"""The case library: where its folders are, what is in them, and loading a case by id or path.

The library is the shipped cases (or $TUTOR_DIALOGUES, which replaces them) and then
the instructor's own folders: those in $TUTOR_CASES (separated like PATH) and the
`case_dirs` list of the settings file. A folder holds its case files directly or in
a `cases/` subfolder; a lexicon.yaml or discriminators.yaml beside them extends the
shipped ones. An id already used by an earlier folder is listed with that problem.

Parsed cases are cached by file (path, modification time, size), so listing
the library again, or playing a case just listed, does not read YAML twice;
an edited file is simply read again.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from tutor.cases import parsed_cache
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
CASES_ENV = "TUTOR_CASES"
CASE_DIRS_SETTING = "case_dirs"
SHIPPED = "shipped"
CASES_FOLDER = "cases"
CASE_SUFFIXES = (".yaml", ".yml")
# Files a folder of cases may hold beside them that are not cases.
NOT_CASES = frozenset({"lexicon.yaml", "discriminators.yaml", "words.yaml"})


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
    folder: "CaseFolder | None" = None  # where in the library it comes from
    duplicate_of: Path | None = None  # the file of an earlier folder that has this id too
    # What the case is about, for the library's filter: its diagnosis and the rivals it sets
    # against it ("avn" finds a case about telling TOH from ONFH). See case_topics().
    topics: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        """The folder a case comes from as a user would name it: `shipped` or the folder."""
        return self.folder.shown if self.folder is not None else SHIPPED


@dataclass(frozen=True)
class CaseFolder:
    """One folder of the library."""

    path: Path
    named_by: str  # "shipped", "TUTOR_CASES" or the settings file

    @property
    def shipped(self) -> bool:
        return self.named_by == SHIPPED

    @property
    def shown(self) -> str:
        return SHIPPED if self.shipped else shown_path(self.path)

    @property
    def cases_dir(self) -> Path:
        """Where its case files are: `cases/` when the folder has one, else the folder itself."""
        inner = self.path / CASES_FOLDER
        return inner if self.shipped or inner.is_dir() else self.path


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


def case_folders() -> tuple[list[CaseFolder], list[Problem]]:
    """The library's folders, shipped first, and problems with where they are named."""
    from tutor.locations import config_file, read_config

    folders = [CaseFolder(dialogues_dir(), SHIPPED)]
    problems: list[Problem] = []
    named: list[tuple[str, str, int | None]] = []  # (folder as written, named by, line)
    for text in os.environ.get(CASES_ENV, "").split(os.pathsep):
        if text.strip():
            named.append((text.strip(), CASES_ENV, None))
    settings, why_not = read_config()
    if why_not is not None:
        problems.append(why_not)
    listed = settings.get(CASE_DIRS_SETTING, [])
    settings_path = config_file()
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        problems.append(Problem(str(settings_path), _setting_line(settings_path, CASE_DIRS_SETTING),
                                f"`{CASE_DIRS_SETTING}` must be a list of folder names, "
                                f'e.g. {CASE_DIRS_SETTING} = ["~/teaching/cases"]'))
        listed = []
    for text in listed:
        # A relative folder in the settings file is relative to that file, not to where tutor runs.
        folder = Path(text).expanduser()
        if not folder.is_absolute():
            folder = settings_path.parent / folder
        named.append((str(folder), str(settings_path), _setting_line(settings_path, CASE_DIRS_SETTING)))
    seen = {_folder_key(folders[0].path)}
    for text, named_by, line in named:
        folder = Path(text).expanduser()
        if not folder.is_dir():
            where = f"${CASES_ENV}" if named_by == CASES_ENV else f"`{CASE_DIRS_SETTING}`"
            problems.append(Problem(f"${CASES_ENV}" if named_by == CASES_ENV else named_by, line,
                                    f"{where} names {text}, which is not a folder"))
            continue
        key = _folder_key(folder)
        if key in seen:
            continue
        seen.add(key)
        folders.append(CaseFolder(folder, named_by))
    return folders, problems


def _folder_key(folder: Path) -> str:
    try:
        return str(folder.resolve())
    except OSError:
        return str(folder)


def _setting_line(path: Path, key: str) -> int | None:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.strip().startswith(key):
                return number
    except OSError:
        pass
    return None


def top_level_key_line(path: Path, key: str) -> int | None:
    """The line of `key:` at the start of a line of a YAML file, or None (then no line is named)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if line.startswith(key) and line[len(key):].lstrip(" ").startswith(":"):
                    return number
    except OSError:
        pass
    return None


# -- caches -------------------------------------------------------------------

_shared_cache: dict[tuple, SharedDefinitions] = {}
# id of shared definitions in _shared_cache -> the folder and file stamps they were read from
_shared_key: dict[int, tuple] = {}
# path -> (file stamp, the shared definitions it was merged with, the case or why it failed, shown as)
_case_cache: dict[str, tuple[tuple, SharedDefinitions, Case | CaseError, str]] = {}


def _stamp(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return (None,)
    return (info.st_mtime_ns, info.st_size)


def shared_definitions(folder: Path | None = None) -> SharedDefinitions:
    """The shared lexicon and discriminators, read once per process (again if a file changes).

    `folder` other than the shipped one: that folder's files, extending the shipped ones."""
    shipped = dialogues_dir()
    folder = folder or shipped
    base = None
    if _folder_key(folder) != _folder_key(shipped):
        base = shared_definitions(shipped)
    key = (_stamp(folder / LEXICON_FILE), _stamp(folder / DISCRIMINATORS_FILE),
           *(_shared_key[id(base)] if base is not None else ()))
    shared = _shared_cache.get((str(folder), key))
    if shared is None:
        name = f"{_folder_key(folder)}\0{folder}"
        stored = parsed_cache.load("shared", name, key)
        if isinstance(stored, SharedDefinitions):
            shared = stored
        else:
            shared = load_shared(folder, base)  # raises CaseError, not kept: the author will fix and retry
            parsed_cache.store("shared", name, key, shared)
        if len(_shared_cache) > 32:
            _shared_cache.clear()
            _shared_key.clear()
        _shared_cache[(str(folder), key)] = shared
        _shared_key[id(shared)] = (str(folder), *key)
    return shared


def shipped_definitions_or_none() -> SharedDefinitions | None:
    """The shipped shared definitions, or None when their files have problems."""
    try:
        return shared_definitions()
    except CaseError:
        return None


def shared_key(shared: SharedDefinitions) -> tuple | None:
    """The folder and file stamps shared definitions were read from (None: not read from files)."""
    return _shared_key.get(id(shared))


def cached_case(path: Path, shared: SharedDefinitions, shown: str | None = None) -> Case:
    """The case in a file, parsed once per process and kept in the user's cache between runs.

    `shown`: the path as problems and the case name it (default: relative to here)."""
    shown = shown or shown_path(path)
    try:
        key = str(path.resolve())
    except (OSError, RuntimeError):  # a loop of symbolic links: the loader says so
        key = str(path.absolute())
    stamp = _stamp(path)
    cached = _case_cache.get(key)
    if cached is None or cached[0] != stamp or cached[1] is not shared or cached[3] != shown:
        # Shared definitions that did not come from files (a broken library's empty ones) are not
        # named by stamps, so what was read with them is not kept on disk.
        disk_key = (stamp, _shared_key.get(id(shared))) if id(shared) in _shared_key else None
        # Named by the file and by how it is shown (problems and the case quote that path).
        name = f"{key}\0{shown}"
        stored = parsed_cache.load("case", name, disk_key) if disk_key else None
        result: Case | CaseError
        if isinstance(stored, Case):
            result = stored
        elif isinstance(stored, tuple) and stored and all(isinstance(p, Problem) for p in stored):
            result = CaseError(stored)  # a broken file is kept as its problems
        else:
            try:
                result = load_case_file(Path(shown), shared)
            except CaseError as error:
                result = error
            except Exception as error:  # a bug of ours: this file is listed as broken, the others still load
                result = CaseError.single(
                    shown, None, f"the tutor failed while reading this file ({type(error).__name__}: {error})"
                )
                disk_key = None  # not kept: the next tutor may not have the bug
            if disk_key:
                parsed_cache.store("case", name, disk_key,
                                   result.problems if isinstance(result, CaseError) else result)
        cached = (stamp, shared, result, shown)
        _case_cache[key] = cached
    if isinstance(cached[2], CaseError):
        raise cached[2]
    return cached[2]


# -- the library ---------------------------------------------------------------


def case_files(folder: Path | CaseFolder | None = None) -> list[Path]:
    """The case files of a library folder (a dialogues folder: its `cases/`)."""
    if not isinstance(folder, CaseFolder):
        folder = CaseFolder(folder or dialogues_dir(), SHIPPED)
    cases = folder.cases_dir
    if not cases.is_dir():
        return []
    return sorted(
        p for p in cases.iterdir()
        if p.suffix in CASE_SUFFIXES and p.name not in NOT_CASES and not p.name.startswith(".") and p.is_file()
    )


def list_cases() -> list[CaseEntry]:
    """Every case of the library, sorted by difficulty then title; broken files are listed with
    their problems, and so is a case whose id an earlier folder already uses.

    What a list shows of each file (id, title, summary, tags, difficulty, or its problems) is
    kept per folder in one cache entry, so listing an unchanged library of hundreds of cases
    reads one small file, not every case."""
    folders, _ = case_folders()
    entries = []
    first_of: dict[str, Path] = {}
    for folder in folders:
        try:
            shared = shared_definitions(None if folder.shipped else folder.path)
            shared_problems: tuple[Problem, ...] = ()
        except CaseError as error:
            shared, shared_problems = SharedDefinitions(), error.problems
        listing_key = shared_key(shared)
        listing_name = f"{_folder_key(folder.cases_dir)}\0{shown_path(folder.cases_dir)}"
        stored = parsed_cache.load("listing", listing_name, listing_key) if listing_key else None
        known: dict = dict(stored) if isinstance(stored, Mapping) else {}
        listing: dict[str, tuple] = {}
        for path in case_files(folder):
            stamp = _stamp(path)
            seen = known.get(path.name)
            if isinstance(seen, tuple) and len(seen) == 2 and seen[0] == stamp and _listed_shape(seen[1]):
                shown = seen[1]
            else:
                try:
                    case = cached_case(path, shared)
                    shown = (case.id, case.title, case.summary, case.tags, case.difficulty, case_topics(case))
                except CaseError as error:
                    shown = error.problems
            listing[path.name] = (stamp, shown)
            if shown and isinstance(shown[0], Problem):
                entries.append(CaseEntry(
                    id=path.stem, title=f"{path.stem} (cannot be loaded)", summary=None, tags=(),
                    difficulty=None, path=path, problems=tuple(shown) + shared_problems, folder=folder,
                ))
                continue
            case_id, title, summary, tags, difficulty, topics = shown
            problems = shared_problems
            first = first_of.setdefault(case_id, path)
            duplicate_of = first if first != path else None
            if duplicate_of is not None:
                problems += (duplicate_id_problem(case_id, path, duplicate_of),)
            entries.append(CaseEntry(
                id=case_id, title=title, summary=summary, tags=tuple(tags), difficulty=difficulty, path=path,
                problems=problems, folder=folder, duplicate_of=duplicate_of, topics=tuple(topics),
            ))
        if listing_key and listing != known:
            parsed_cache.store("listing", listing_name, listing_key, listing)
    entries.sort(key=lambda e: (e.difficulty or 0, e.title.casefold(), e.id))
    return entries


def _listed_shape(shown: object) -> bool:
    """What a listing keeps of a file: its problems, or (id, title, summary, tags, difficulty, topics)."""
    return isinstance(shown, tuple) and bool(shown) and (isinstance(shown[0], Problem) or len(shown) == 6)


def case_topics(case: Case) -> tuple[str, ...]:
    """What a case is about, as a learner searching the library would name it: the labels and
    synonyms of what its diagnosis stage expects, and of the rivals it sets against them with a
    discriminator (the case's "vs"). Not the differential's long list, which every case shares."""
    ids: list[str] = []
    for stage in case.stages:
        if stage.kind == "diagnosis":
            ids += stage.expected_ids
            ids += [m.concept for m in stage.misconceptions if m.discriminator and not m.implied]
    terms: list[str] = []
    for concept_id in dict.fromkeys(ids):
        concept = case.concepts.get(concept_id)
        if concept is not None:
            terms += [concept.label, *concept.synonyms]
    return tuple(dict.fromkeys(terms))


def duplicate_id_problem(case_id: str, path: Path, first: Path) -> Problem:
    return Problem(shown_path(path), top_level_key_line(path, "id"),
                   f"case id `{case_id}` is also used by {shown_path(first)}; "
                   "each case needs its own id (the first one is played)")


def library_problems() -> list[Problem]:
    """Problems with how the library's folders are named ($TUTOR_CASES, the settings file)."""
    return case_folders()[1]


def _looks_like_path(ref: str) -> bool:
    # A case id has no dot ("notes.txt" is a file, not an id): a missing one is "no such file".
    return os.sep in ref or "/" in ref or "." in ref


def resolve_case_path(ref: str) -> Path:
    """The file a case reference names: a path to a case file, or the id of a shipped case."""
    if _looks_like_path(ref):
        path = Path(ref).expanduser()
        if _is_folder(path):
            raise CaseError.single(ref, None, "this is a folder, not a case file")
        if not os.path.lexists(path):
            raise CaseError.single(ref, None, "no such file")
        try:
            os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise CaseError.single(ref, None, "cannot read the file: its symbolic links go round in a loop") from None
            if error.errno == errno.ENOENT:
                raise CaseError.single(ref, None, "no such file (a symbolic link to a file that is not there)") from None
        return path  # a named pipe or a device: the loader says which, without reading it

    folder = dialogues_dir()
    by_name = folder / CASES_FOLDER / f"{ref}.yaml"
    if _is_file(by_name):
        return by_name
    # A file whose name differs from the id inside it is still found by its id.
    ids: dict[str, Path] = {}
    for entry in list_cases():
        if entry.duplicate_of is None:
            ids.setdefault(entry.id, entry.path)
    if ref in ids:
        return ids[ref]
    if _is_file(Path(ref)):
        return Path(ref)
    if _exists(ref):
        # A named pipe, a device or a looping link by that name here: say what it is, not "no such file".
        return resolve_case_path(os.path.join(os.curdir, ref))
    raise CaseError([unknown_case_problem(ref, ids, folder)])


def unknown_case_problem(ref: str, ids: Iterable[str], folder: Path | None = None) -> Problem:
    """`ref: no case with id …`, with one did-you-mean or where to see the cases; no line: none is involved."""
    from tutor.suggestions import did_you_mean

    known = sorted(ids)
    shown = ref if len(ref) <= 100 else ref[:99] + "…"
    if not known:
        where = shown_path((folder or dialogues_dir()) / CASES_FOLDER)
        return Problem(shown, None, f"no case with id `{shown}` and no such file; the library has no cases "
                                    f"(no case files in {where})")
    hint = did_you_mean(ref, known) if len(ref) <= 100 else ""
    if not hint:
        hint = f"`tutor list` shows the {len(known)} case{'s' if len(known) != 1 else ''}"
    return Problem(shown, None, f"no case with id `{shown}` and no such file; {hint}")


def _exists(name: str) -> bool:
    try:
        return os.path.lexists(name)
    except (OSError, ValueError):  # a name too long for the system, or one with a NUL in it
        return False


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
    """A case by id (any folder of the library) or by path, merged with the shared lexicon.

    A file in a folder of its own that has a lexicon or discriminators file uses them
    (over the shipped ones), as `tutor check` does, so a case the checker passes also plays.
    """
    path = resolve_case_path(ref)
    return cached_case(path, shared_definitions_for_file(path))


def shared_definitions_for_file(path: Path) -> SharedDefinitions:
    """The shared definitions a case file is read with: its folder's (over the shipped ones) or the shipped."""
    return shared_definitions(dialogues_folder_of(path))
