"""Adding one example answer or one synonym to a case file, leaving the rest of it as written.

The file is read and written with ruamel.yaml's round-trip mode, which keeps
comments, quotes, key order and flow lists. Before anything is changed the file
must load with the tutor's own safe loader (so it holds no tags or other
surprises), and ruamel must give the file back byte for byte with one of the usual
indentation styles; afterwards, only the lines of the list that grew may differ and
the new file must load again. Any of these failing leaves the file untouched and
says what to add by hand.
"""

from __future__ import annotations

import difflib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.cases.problems import CaseError, Problem

# (mapping, sequence, offset) indentation styles tried, the shipped cases' first.
LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 0))


@dataclass(frozen=True)
class Edit:
    path: Path
    old: str
    new: str
    line: int  # the line the addition is on, in the new file


def _yaml(layout: tuple[int, int, int]):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap a long line
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml, data) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _refuse(path: Path, line: int, message: str) -> CaseError:
    return CaseError([Problem(str(path), line, message)])


def _round_trip(path: Path, text: str):
    """The ruamel document and the layout that writes the file back exactly."""
    from ruamel.yaml.error import YAMLError

    for layout in LAYOUTS:
        yaml = _yaml(layout)
        try:
            data = yaml.load(text)
        except YAMLError:
            break
        if _dump(yaml, data) == text:
            return yaml, data
    raise _refuse(path, 1, "this file's layout would not survive an automatic edit (its indentation or "
                           "spacing is unusual); add it by hand")


def _read(path: Path) -> str:
    from tutor.cases.library import shared_definitions_for_file
    from tutor.cases.loading import load_case_file

    load_case_file(path, shared_definitions_for_file(path))  # raises CaseError with the file's problems
    return path.read_bytes().decode("utf-8")


def _span_changed(old: str, new: str) -> tuple[int, int, int] | None:
    """(first, last) old lines changed (1-based, last exclusive) and the first new line, or None."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    changes = [op for op in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    if not changes:
        return None
    return changes[0][1] + 1, changes[-1][2] + 1, changes[0][3] + 1


def _checked(path: Path, old: str, new: str, first_line: int, last_line: int) -> Edit:
    """The edit, if only the lines first_line..last_line (1-based, of the old file) changed or
    lines were added right after them, and the new text still loads."""
    span = _span_changed(old, new)
    if span is None:
        raise _refuse(path, first_line, "nothing would change")
    start, end, new_line = span
    if start < first_line or end > last_line + 2:
        raise _refuse(path, first_line, f"adding this would also change line {start}; add it by hand")
    from tutor.cases.library import shared_definitions_for_file
    from tutor.cases.loading import load_case_bytes

    load_case_bytes(new.encode("utf-8"), str(path), shared_definitions_for_file(path))
    return Edit(path, old, new, new_line)


def _lc(node: Any) -> Any:
    """ruamel's line and column record of a node (its lists and mappings carry one)."""
    return node.lc


def _last_line(node, fallback: int) -> int:
    """The 1-based line of the last item of a ruamel list or mapping (its own line when empty)."""
    try:
        if len(node) == 0:
            return fallback
        last = len(node) - 1 if isinstance(node, list) else list(node)[-1]
        item = node[last]
        line = _lc(node).item(last)[0] + 1 if isinstance(node, list) else _lc(node).value(last)[0] + 1
        inner = getattr(item, "lc", None)
        if inner is not None and len(item):
            line = max(line, _last_line(item, line))
        return line
    except (AttributeError, KeyError, IndexError, TypeError):
        return fallback


def _append(items, value) -> None:
    """Append to a ruamel list, keeping a comment that followed its last item after the list
    (ruamel hangs it on that item, so the new one would otherwise land below the comment)."""
    last = len(items) - 1
    trailing = items.ca.items.pop(last, None) if last >= 0 else None
    items.append(value)
    if trailing is not None:
        items.ca.items[len(items) - 1] = trailing


def add_example(path: Path, stage_id: str, answer: str, matches: list[str]) -> Edit:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    old = _read(path)
    yaml, data = _round_trip(path, old)
    stage = next((s for s in data.get("stages", []) if isinstance(s, dict) and str(s.get("id")) == stage_id), None)
    if stage is None:
        raise _refuse(path, 1, f"no stage `{stage_id}` in this file")
    entry = CommentedMap()
    entry["answer"] = DoubleQuotedScalarString(answer)
    listed = CommentedSeq(matches)
    listed.fa.set_flow_style()
    entry["matches"] = listed
    entry.fa.set_flow_style()
    stage_line = _lc(stage).line + 1
    if "examples" in stage and isinstance(stage["examples"], list):
        examples = stage["examples"]
        first = _lc(stage).value("examples")[0] + 1
        last = _last_line(examples, first)
        _append(examples, entry)
    else:
        if "examples" in stage:
            raise _refuse(path, _lc(stage).value("examples")[0] + 1, "`examples` here is not a list; fix it first")
        block = CommentedSeq([entry])
        stage["examples"] = block
        first = stage_line
        last = _last_line(stage, stage_line)
    return _checked(path, old, _dump(yaml, data), first, last)


def add_synonym(path: Path, concept_id: str, synonym: str) -> Edit:
    from ruamel.yaml.comments import CommentedSeq

    old = _read(path)
    yaml, data = _round_trip(path, old)
    concepts = data.get("concepts")
    concept = concepts.get(concept_id) if isinstance(concepts, dict) else None
    if not isinstance(concept, dict):
        raise _refuse(path, 1, f"concept `{concept_id}` is not defined in this file (a shared concept's "
                               "synonyms live in its lexicon.yaml; `tutor concepts` shows where)")
    concept_line = _lc(concepts).key(concept_id)[0] + 1
    synonyms = concept.get("synonyms")
    if synonyms is None:
        fresh = CommentedSeq([synonym])
        fresh.fa.set_flow_style()
        concept["synonyms"] = fresh
        first, last = concept_line, _last_line(concept, concept_line)
    elif isinstance(synonyms, list):
        if any(str(s).casefold() == synonym.casefold() for s in synonyms):
            raise _refuse(path, _lc(concept).value("synonyms")[0] + 1,
                          f"`{concept_id}` already has the synonym {synonym!r}")
        first = _lc(concept).value("synonyms")[0] + 1
        last = _last_line(synonyms, first)
        _append(synonyms, synonym)
    else:
        raise _refuse(path, _lc(concept).value("synonyms")[0] + 1, "`synonyms` here is not a list; fix it first")
    return _checked(path, old, _dump(yaml, data), first, last)


def write(edit: Edit) -> None:
    """Replace the file, all at once (a crash leaves the old file or the new one, never half)."""
    folder = edit.path.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{edit.path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(edit.new.encode("utf-8"))
        try:
            os.chmod(temporary, edit.path.stat().st_mode & 0o7777)
        except OSError:
            pass
        os.replace(temporary, edit.path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
