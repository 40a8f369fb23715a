"""Typed values out of YAML nodes, each problem noted with its line instead of raised.

`FieldReader` is what lets the loader report every mistake in a file at once:
a reader method returns None (or a safe default) on a bad value and records
why, in words an instructor can act on.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable, Sequence

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.cases.problems import Problem, visible

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_INTEGER = re.compile(r"[-+]?[0-9]+\Z")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"

# More digits than any field needs are out of range before they are converted: int() refuses
# 4,300 digits with a ValueError and is slow long before that.
_MAX_DIGITS = 15
# Characters a field may hold, so that no text an author writes makes the renderers slow.
# Prose (Markdown) fields hold a few hundred characters in the shipped cases; names far fewer.
PROSE_LIMIT = 20_000
NAME_LIMIT = 300
ID_LIMIT = 100
_NAME_KEYS = frozenset({"title", "label", "synonyms", "tags", "of", "unit", "kind", "concept",
                        "discriminator", "between", "matches"})


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def closest(word: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, candidates: Iterable[str]) -> str:
    """'; did you mean `x`?' for a near miss, or ''."""
    close = closest(word, candidates)
    return f"; did you mean `{close}`?" if close else ""


def short(value: str, limit: int = 60) -> str:
    """A value from the file for a message: on one line, cut short, control characters visible."""
    shown = visible(" ".join(value.split()))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def quoted(value: str, limit: int = 60) -> str:
    return "'" + short(value, limit) + "'"


def describe(node: Node) -> str:
    """What a node is, for 'got ...' in messages."""
    if isinstance(node, MappingNode):
        first = node.value[0][0] if node.value else None
        start = f", starting with {quoted(first.value, 30)}" if isinstance(first, ScalarNode) else ""
        return f"a mapping (`key: value` pairs{start})"
    if isinstance(node, SequenceNode):
        return "a list"
    if is_null(node):
        return "nothing"
    return quoted(node.value)


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG)


def suggested_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class FieldReader:
    def __init__(self, path: str, text: str = ""):
        self.path = path
        self.lines = text.splitlines()  # the source, to explain values YAML read as empty
        self.problems: list[Problem] = []
        # "concept:<id>" / "discriminator:<id>" defined in this file but unusable: their
        # problems are reported once, where they are defined, not again at every use.
        self.broken: set[str] = set()

    def problem(self, where: Node | int, message: str) -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append(Problem(self.path, line, message))

    # -- mappings -------------------------------------------------------------

    def entries(self, node: Node, what: str) -> list[tuple[str, Node, Node]] | None:
        """(key, key node, value node) of a mapping, with duplicate and odd keys reported and dropped."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of `key: value` lines, got {describe(node)}")
            return None
        seen: dict[str, Node] = {}
        result = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.problem(key_node, f"merge keys (`<<`) are not supported in {what}; write the keys out")
                continue
            if not isinstance(key_node, ScalarNode) or is_null(key_node):
                self.problem(key_node, f"a key in {what} must be a plain name, got {describe(key_node)}")
                continue
            key = key_node.value
            if key in seen:
                self.problem(
                    key_node,
                    f"duplicate key `{short(key)}` in {what} (first on line {line_of(seen[key])}); "
                    "YAML would silently keep only the last one, so remove or rename one of them",
                )
                continue
            seen[key] = key_node
            result.append((key, key_node, value_node))
        return result

    def fields(
        self,
        node: Node,
        what: str,
        known: Sequence[str],
        required: dict[str, str],
    ) -> dict[str, Node] | None:
        """The known keys of a mapping; unknown and missing keys reported.

        `required` maps each required key to a few words on what it holds,
        used in the message when it is missing.
        """
        entries = self.entries(node, what)
        if entries is None:
            return None
        found: dict[str, Node] = {}
        misspelt: set[str] = set()
        for key, key_node, value_node in entries:
            if key not in known:
                near = closest(key, known)
                misspelt.add(near or "")
                hint = f"; did you mean `{near}`?" if near else f" (known keys: {', '.join(known)})"
                self.problem(key_node, f"unknown key `{short(key)}` in {what}{hint}")
                continue
            found[key] = value_node
        for key, meaning in required.items():
            if key not in found and key in misspelt:
                continue  # the misspelling's message already says what to write
            if key not in found:
                self.problem(node, f"{what} is missing `{key}` ({meaning})")
            elif is_null(found[key]):
                self.problem(found[key], f"`{key}` in {what} is empty; it needs {meaning}"
                                         f"{self.comment_hint(found[key])}")
                del found[key]
        return found

    def comment_hint(self, node: Node) -> str:
        """Why a value that looks written came out empty: a '#' after a space starts a comment."""
        index = node.start_mark.line
        line = self.lines[index] if 0 <= index < len(self.lines) else ""
        if " #" in line[node.start_mark.column - 1:]:
            return " (a ' #' starts a comment, so the text after it was ignored; put the text in quotes)"
        return ""

    # -- scalars --------------------------------------------------------------

    def text(self, node: Node | None, key: str, what: str, item: bool = False) -> str | None:
        """Stripped text, or None when absent or empty; numbers and true/false read as written."""
        if is_null(node):
            return None
        name = f"each item of `{key}`" if item else f"`{key}`"
        if not isinstance(node, ScalarNode):
            hint = ""
            if isinstance(node, MappingNode):
                hint = " (text that contains ': ' or starts with '? ' must be in quotes)"
            self.problem(node, f"{name} in {what} must be text, got {describe(node)}{hint}")
            return None
        value = node.value.strip()
        if not value:
            self.problem(node, f"{'an item of `' + key + '`' if item else name} in {what} is empty; "
                               "write the text or remove it")
            return None
        limit = NAME_LIMIT if key in _NAME_KEYS else PROSE_LIMIT
        if len(value) > limit:
            self.problem(node, f"{'an item of `' + key + '`' if item else name} in {what} is longer than "
                               f"{limit:,} characters ({len(value):,}); shorten it")
            return None
        return value

    def whole_number(
        self, node: Node | None, key: str, what: str, low: int | None = None, high: int | None = None,
        sensible: str = "of a sensible size",
    ) -> int | None:
        """A whole number in [low, high]; `sensible` says what is allowed when neither bound is given."""
        if is_null(node):
            return None
        value = node.value.strip().replace("_", "") if isinstance(node, ScalarNode) else None
        if value is None or not _INTEGER.match(value):
            self.problem(node, f"`{key}` in {what} must be a whole number, got {describe(node)}")
            return None
        if high is None:
            allowed = f"at least {low}" if low is not None else sensible
        elif low is None:
            allowed = f"at most {high}"
        else:
            allowed = f"from {low} to {high}"
        if len(value.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
            self.problem(node, f"`{key}` in {what} must be a whole number {allowed}, got {describe(node)}")
            return None
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            self.problem(node, f"`{key}: {number}` in {what} is out of range; use a whole number {allowed}")
            return None
        return number

    def positive_number(self, node: Node | None, key: str, what: str) -> float | None:
        if is_null(node):
            return None
        value = node.value.strip() if isinstance(node, ScalarNode) else None
        if value is None or not _NUMBER.match(value):
            self.problem(node, f"`{key}` in {what} must be a number such as 1 or 2.5, got {describe(node)}")
            return None
        number = float(value)  # 1e999 is inf, refused below: float() has no digit limit
        if not 0 < number <= 1000:
            if len(value) > 20:
                self.problem(node, f"`{key}` in {what} must be a number more than 0 (and at most 1000), "
                                   f"got {describe(node)}")
            else:
                self.problem(node, f"`{key}: {value}` in {what} must be more than 0 (and at most 1000)")
            return None
        return number

    def flag(self, node: Node | None, key: str, what: str) -> bool | None:
        if is_null(node):
            return None
        value = node.value.strip().lower() if isinstance(node, ScalarNode) else None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.problem(node, f"`{key}` in {what} must be true or false, got {describe(node)}")
        return None

    def identifier(self, node: Node, kind: str, what: str) -> str | None:
        """An id (of a case, stage, concept...): lowercase letters, digits and '-'."""
        if not isinstance(node, ScalarNode) or is_null(node):
            self.problem(node, f"the {kind} id in {what} must be a name such as `hip-oa`, got {describe(node)}")
            return None
        value = node.value.strip()
        if len(value) > ID_LIMIT:
            self.problem(node, f"the {kind} id {quoted(value, 30)} in {what} is longer than {ID_LIMIT} "
                               "characters; a short name such as `hip-oa` is easier to use")
            return None
        if ID_PATTERN.match(value):
            return value
        better = suggested_id(value)
        hint = f" (for example `{better}`)" if better and ID_PATTERN.match(better) else ""
        self.problem(
            node,
            f"{kind} id {quoted(value)} in {what} may use only lowercase letters, digits and '-', "
            f"starting with a letter or digit{hint}",
        )
        return None

    # -- lists ----------------------------------------------------------------

    def items(self, node: Node | None, key: str, what: str) -> list[Node]:
        """The items of a list; a lone value reads as a list of one."""
        if is_null(node):
            return []
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode):
            return [node]
        self.problem(node, f"`{key}` in {what} must be a list, got {describe(node)}")
        return []

    def texts(self, node: Node | None, key: str, what: str) -> tuple[str, ...]:
        values = []
        for item in self.items(node, key, what):
            if is_null(item):
                self.problem(item, f"an item of `{key}` in {what} is empty; remove the empty '- ' or write it")
                continue
            value = self.text(item, key, what, item=True)
            if value is not None:
                values.append(value)
        return tuple(values)
