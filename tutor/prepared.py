"""A case and its concept index, prepared once and kept on disk, keyed by the files they came from.

Reading a case file, the shared lexicon and the word data, and building the
concept index does not depend on the answer, yet it is most of what
`tutor grade` did per call. The result is stored in the user's cache folder
($TUTOR_CACHE_DIR, else the platform's) under a key made of the paths, sizes
and modification times of every file it came from (the case, the lexicon, the
discriminators, words.yaml and the tutor's own matcher and loader code), so an
edited file is simply read again.

The stored form is plain data (strings, numbers, lists, dicts, sets) in
`marshal`'s format, which Python reads back several times faster than JSON; it
is behind a header and a CRC-32 of what follows, so a file cut short or
damaged is seen as such before it is read. Nothing in it is executed: it is
read back only into an allow-list of the tutor's own dataclasses, and
anything that is not plain data (marshal can also hold code objects) is
refused. Any problem with the cache (unwritable, damaged, from another
version) means the case is prepared afresh, never an error.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import marshal
import os
import sys
import zlib
from types import MappingProxyType
from tutor import __version__, model
from tutor.matching import terms as term_types

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on `tutor grade`'s path
if TYPE_CHECKING:
    from pathlib import Path

CACHE_ENV = "TUTOR_CACHE_DIR"
_FORMAT = 5
# Then the CRC-32 of the rest, 4 bytes, big-endian. The interpreter is named too: marshal's format
# is its own (a prepared case is plain data, which has not changed, but nothing promises it).
_HEADER = b"tutor prepared case %d %s\n" % (_FORMAT, str(sys.implementation.cache_tag).encode())
_MARSHAL_VERSION = 4
_CLASSES = {cls.__name__: cls for cls in (
    model.Case, model.Stage, model.Expectation, model.Misconception, model.Example, model.Discriminator,
    model.Concept, model.Measure, term_types.Term, term_types.TermWord,
)}
# Paths are plain strings here: pathlib (and the urllib.parse it imports) is a few per cent of
# what `tutor grade` costs on a prepared case.
_CODE = os.path.dirname(os.path.realpath(__file__))


def _cache_folder() -> str:
    override = os.environ.get(CACHE_ENV, "").strip()
    if override:
        return os.path.expanduser(override)
    from tutor.cache_folder import user_cache_folder

    return user_cache_folder()


def cache_dir() -> Path:
    """Where prepared cases are kept: $TUTOR_CACHE_DIR, else the user's cache folder."""
    from pathlib import Path

    return Path(_cache_folder())


# -- a small codec for the tutor's frozen dataclasses --------------------------------------------


def _encode_terms(terms: list) -> dict:
    """Terms are most of the cache: plain rows, each word and concept id written once and named by number."""
    words: dict[tuple, int] = {}
    concepts: dict[str, int] = {}
    rows = []
    for t in terms:
        numbers = [words.setdefault((w.norm, w.raw, w.optional, w.case_sensitive, w.unstemmed), len(words))
                   for w in t.words]
        flags = (t.denial_core | t.ordered << 1 | t.shortened << 2 | t.part_of_name << 3 | t.denial_only << 4
                 | t.bare << 5 | t.said_normal << 6 | t.core << 7 | t.from_label << 9)
        row = [concepts.setdefault(t.concept, len(concepts)), t.text, numbers, flags]
        if t.measure is not None:
            row.append(_encode(t.measure))
        rows.append(row)
    return {"concepts": list(concepts), "words": [list(w) for w in words], "terms": rows}


def _decode_terms(value: dict) -> list:
    word, term = term_types.TermWord, term_types.Term
    # The same word recurs across terms: one object each, as when the index was built.
    rows = value["words"]
    _only_plain_data(rows)
    words = [word(str(norm), str(raw), bool(optional), bool(case_sensitive), str(unstemmed))
             for norm, raw, optional, case_sensitive, unstemmed in rows]
    concepts = [str(c) for c in _only_plain_data(value["concepts"])]
    out = []
    for row in value["terms"]:
        concept, text, numbers, flags = row[:4]
        if type(text) is not str:
            raise TypeError("a term's text is not text")
        measure = _decode(row[4]) if len(row) > 4 else None
        if measure is not None and not isinstance(measure, model.Measure):
            raise TypeError("a term measures something that is not a Measure")
        out.append(term(concepts[concept], str(text), tuple([words[n] for n in numbers]), bool(flags & 1),
                        bool(flags & 2), measure, bool(flags & 4), bool(flags & 8),
                        bool(flags & 16), bool(flags & 32), bool(flags & 64), flags >> 7 & 3,
                        from_label=bool(flags & 512)))
    return out


def _encode_words(data) -> dict:
    return {"rewrites": [[list(k), list(v)] for k, v in data.rewrites.items()],
            "capitals": [[k, list(v)] for k, v in data.capitals.items()],
            "also_means": [[list(k), list(v)] for k, v in data.also_means.items()],
            **{name: sorted(getattr(data, name)) for name in
               ("essential", "context", "said_last_in_chinese", "makes_a_modifier", "structures", "places",
                "qualifiers", "other_regions", "modalities", "someone_else")},
            "longest": data.longest, "same_word": data.same_word, "same_cjk": data.same_cjk,
            "phrases": [[list(k), v] for k, v in data.phrases.items()],
            "cue_lists": {k: list(v) for k, v in data.cue_lists.items()},
            "within": {k: sorted(v) for k, v in data.within.items()},
            "same_modality": {k: sorted(v) for k, v in data.same_modality.items()},
            "contrasts": {k: sorted(v) for k, v in data.contrasts.items()}}


def _decode_words(value: dict):
    from tutor.matching.tokens import WordData

    _only_plain_data(value)
    return WordData(
        rewrites={tuple(k): tuple(v) for k, v in value["rewrites"]},
        capitals={str(k): tuple(v) for k, v in value["capitals"]},
        essential=frozenset(value["essential"]), context=frozenset(value["context"]),
        longest=int(value["longest"]), said_last_in_chinese=frozenset(value["said_last_in_chinese"]),
        makes_a_modifier=frozenset(value["makes_a_modifier"]),
        also_means={tuple(str(w) for w in k): tuple(v) for k, v in value["also_means"]},
        same_word={str(k): str(v) for k, v in value["same_word"].items()},
        same_cjk={str(k): str(v) for k, v in value["same_cjk"].items()},
        phrases={tuple(k): str(v) for k, v in value["phrases"]},
        cue_lists={str(k): tuple(str(w) for w in v) for k, v in value["cue_lists"].items()},
        longest_phrase=max((len(k) for k, _ in value["phrases"]), default=1),
        structures=frozenset(value.get("structures", ())), places=frozenset(value.get("places", ())),
        qualifiers=frozenset(value.get("qualifiers", ())),
        other_regions=frozenset(value.get("other_regions", ())),
        modalities=frozenset(value.get("modalities", ())),
        someone_else=frozenset(value.get("someone_else", ())),
        within={str(k): frozenset(str(w) for w in v) for k, v in value.get("within", {}).items()},
        same_modality={str(k): frozenset(str(w) for w in v) for k, v in value.get("same_modality", {}).items()},
        contrasts={str(k): frozenset(str(w) for w in v) for k, v in value.get("contrasts", {}).items()},
    )


def _encode(value):
    if dataclasses.is_dataclass(value) and type(value).__name__ in _CLASSES:
        return {"$": type(value).__name__,
                **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, (frozenset, set)):
        return {"$s": sorted(_encode(v) for v in value)}
    if isinstance(value, (dict, MappingProxyType)):
        return {"$m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep {type(value).__name__} in the case cache")


_PLAIN_LEAVES = (str, int, float, bool, type(None))


def _only_plain_data(value):
    """`value`, when it holds nothing but plain data; else TypeError. What a prepared case keeps
    outside its own codec (a term's words, the index's arrangement) passes here on the way in."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool:  # most of it: nothing more to look at
            continue
        if kind is list or kind is tuple or kind is frozenset or kind is set:
            stack.extend(item)
        elif kind is dict:
            stack.extend(item)
            stack.extend(item.values())
        elif item is not None and kind is not float:
            raise TypeError(f"{kind.__name__} is no plain data")
    return value


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        if type(value) not in _PLAIN_LEAVES:
            raise TypeError(f"{type(value).__name__} is no plain data")
        return value
    if "$t" in value:
        return tuple(_decode(v) for v in value["$t"])
    if "$s" in value:
        return frozenset(_decode(v) for v in value["$s"])
    if "$m" in value:
        return model.frozen_mapping({_decode(k): _decode(v) for k, v in value["$m"]})
    cls = _CLASSES[value["$"]]  # KeyError for anything not on the allow-list
    return cls(**{k: _decode(v) for k, v in value.items() if k != "$"})


# -- keys -----------------------------------------------------------------------------------------


def _stamp(path: str) -> list:
    try:
        info = os.stat(path)
    except OSError:
        return [str(path), None]
    return [str(path), info.st_size, info.st_mtime_ns]


def _code_files() -> list[str]:
    """The tutor's own code a prepared case depends on: the loader, the matcher, the grader."""
    files: list[str] = []
    for folder in (_CODE, os.path.join(_CODE, "matching"), os.path.join(_CODE, "cases")):
        try:
            with os.scandir(folder) as entries:
                files += [entry.path for entry in entries if entry.name.endswith(".py")]
        except OSError:
            continue
    return sorted(files)


def _key(sources: list[str]) -> str:
    """Every file the prepared case came from, and the tutor's code, each with its size and time
    (a stat each, nothing hashed): stored beside the entry and compared whole."""
    return json.dumps([_FORMAT, __version__, [_stamp(p) for p in sources], [_stamp(p) for p in _code_files()]])


# -- the prepared grader ----------------------------------------------------------------------------


_LEXICON, _DISCRIMINATORS = "lexicon.yaml", "discriminators.yaml"  # as tutor.cases.loading names them


def _dialogues_dir() -> str:
    """tutor.cases.library.dialogues_dir, without importing the loader (a test keeps them equal)."""
    override = os.environ.get("TUTOR_DIALOGUES")
    if override:
        return os.path.expanduser(override)
    installed = os.path.join(_CODE, "dialogues")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(_CODE), "dialogues")


def _case_file(ref: str) -> str | None:
    """The file of a case named by its file name or path, found without reading the library."""
    if "/" in ref or os.sep in ref or ref.endswith((".yaml", ".yml")):
        path = os.path.expanduser(ref)
    else:
        path = os.path.join(_dialogues_dir(), "cases", f"{ref}.yaml")
    return os.path.realpath(path) if os.path.isfile(path) else None


def _shared_folder(case_file: str) -> str:
    """tutor.cases.library.dialogues_folder_of, or the shipped folder (a test keeps them equal)."""
    parent = os.path.dirname(case_file)
    for folder in (parent, os.path.dirname(parent)):
        if os.path.isfile(os.path.join(folder, _LEXICON)) or os.path.isfile(os.path.join(folder, _DISCRIMINATORS)):
            return folder
    return _dialogues_dir()


def prepared_grader(ref: str):
    """The CaseGrader for a case id or path, from the cache when its files are unchanged.

    Raises CaseError, as `load_case` does, when the case cannot be loaded.
    """
    from tutor.grading import CaseGrader
    from tutor.matching import tokens
    from tutor.matching.index import ConceptIndex, phrases_read, use_phrases_read

    path = _case_file(ref)
    if path is None:
        from tutor.cases.library import resolve_case_path

        path = os.path.realpath(resolve_case_path(ref))  # an id inside another file name, or a CaseError
    shared, shipped = _shared_folder(path), _dialogues_dir()
    sources = [path, os.path.join(shared, _LEXICON), os.path.join(shared, _DISCRIMINATORS),
               os.path.join(shipped, _LEXICON), tokens.shipped_words_path()]
    key = _key(sources)
    # One file per case file, named by its path: preparing it again (the case edited, the tutor
    # upgraded) replaces the old one rather than leaving it beside. The key inside is what must match.
    folder = _cache_folder()
    file = os.path.join(folder, f"case-{zlib.crc32(path.encode()):08x}.prepared")
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of objects that all stay: collecting while they are made finds nothing
    try:
        data = _read_kept(file)
        if data["key"] != key:
            raise ValueError("prepared from other files")
        case = _decode(data["case"])
        terms = _decode_terms(data["terms"])
        words = _decode_words(data["words"])
        if isinstance(case, model.Case):
            tokens.use_word_data(words)
            if data.get("phrases_read") is not None:
                use_phrases_read(data["phrases_read"])
            relations, alone = data.get("relations"), data.get("alone")
            for ids in (relations, alone):
                if ids is not None and not (isinstance(ids, list) and all(isinstance(c, str) for c in ids)):
                    raise TypeError("kept concepts are not a list of ids")
            arranged = data.get("arranged")
            if arranged is not None and type(arranged) is not dict:
                raise TypeError("the arranged index is not a mapping")
            index = ConceptIndex.from_terms(terms, _only_plain_data(data.get("topic", ())),
                                            _only_plain_data(data.get("in_play_words")),
                                            _only_plain_data(arranged), str(data.get("side") or ""))
            return CaseGrader.prepared(case, index, relations, alone)
    except Exception:  # not there yet, unreadable, damaged or foreign: prepare afresh
        pass
    finally:
        if collecting:
            gc.enable()
    from tutor.cases.library import load_case

    grader = CaseGrader(load_case(ref))
    try:
        data = {"key": key, "case": _encode(grader.case), "terms": _encode_terms(grader.index.terms),
                "topic": sorted(grader.index.topic), "relations": sorted(grader.relation_concepts()),
                "alone": sorted(grader.alone_concepts()), "side": grader.index.side,
                "in_play_words": None if grader.index.in_play_words is None else sorted(grader.index.in_play_words),
                "words": _encode_words(tokens.word_data()), "phrases_read": phrases_read()}
        try:
            data["arranged"] = _only_plain_data(grader.index.arrangement())
            marshal.dumps(data["arranged"], _MARSHAL_VERSION)
        except (TypeError, ValueError):  # the index came to keep something that is no plain data
            data["arranged"] = None  # then it is arranged anew on every start: slower, the same grades
        _keep(file, data)
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time
    return grader


def _keep(file: str, data: dict) -> None:
    body = marshal.dumps(data, _MARSHAL_VERSION)
    os.makedirs(os.path.dirname(file), exist_ok=True)
    temporary = f"{file}.{os.getpid()}.tmp"
    with open(temporary, "wb") as out:
        out.write(_HEADER + zlib.crc32(body).to_bytes(4, "big") + body)
    os.replace(temporary, file)


def _read_kept(file: str) -> dict:
    """What `_keep` wrote to `file`; ValueError when the file is not whole, OSError when unreadable."""
    with open(file, "rb") as handle:
        blob = handle.read()
    start = len(_HEADER) + 4
    body = memoryview(blob)[start:]
    if not blob.startswith(_HEADER) or zlib.crc32(body) != int.from_bytes(blob[len(_HEADER):start], "big"):
        raise ValueError("not a whole prepared case of this format")
    data = marshal.loads(body)
    if type(data) is not dict:
        raise ValueError("a prepared case is a mapping")
    return data
