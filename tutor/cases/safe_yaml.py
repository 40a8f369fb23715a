"""Case-file bytes to a line-numbered YAML node tree, refusing anything dangerous.

Only the safe loader is used and only to *compose*: nodes keep their line
numbers and duplicate keys, and nothing is constructed, let alone executed.
The file is parsed once: the parser's events are checked as they come, which
bounds the work (how deep the file nests: a composer recurses, and libyaml's
can crash in C on a few hundred thousand `[`; how much its aliases would
expand, "billion laughs"), and only then composed, from the same events, by
the safe loader's own composer and resolver. A refused file costs a fraction
of a second and no memory.

The parser is PyYAML's pure-Python one on every machine, even where libyaml is
installed: the two disagree (libyaml reads `[What makes it worse?]` as one item,
the Python parser refuses it; libyaml refuses nesting past its own limit), so a
case `tutor check` passed on one machine would break on another. Case files are
a few kilobytes, so the C parser's speed buys nothing. Both disagreements are
also handled here in the loader's own words, so a file is read or refused the
same way whichever parser `SAFE_LOADER` names (the tests run both).
"""

from __future__ import annotations

import re
from typing import Protocol

import yaml
import yaml.composer
import yaml.resolver
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    ScalarEvent,
)
from yaml.nodes import Node

from tutor.cases.problems import CaseError, Problem

SAFE_LOADER: type = yaml.SafeLoader

MAX_FILE_BYTES = 1024 * 1024
# A case nests about six levels (case > stages > stage > expect > entry > value).
MAX_DEPTH = 40
# Values that aliases may add on top of what is written out. Sharing a list of
# hints costs a handful; an alias bomb asks for billions.
MAX_ALIAS_EXPANSION = 10_000

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(_CORE + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))
_UNFINISHED = -1


def compose_tree(data: bytes, path: str) -> Node | None:
    """The file's single YAML document as nodes, or None when it holds only comments.

    Raises CaseError for anything that is not safe, small, well-formed UTF-8 YAML.
    """
    if _last_tree and _last_tree[0] == (data, path, SAFE_LOADER):
        return _last_tree[1]
    text = decode_text(data, path)
    encoded = text.encode("utf-8")
    events = _check_events(encoded, text, path)
    try:
        root = _ComposedFromEvents(events).get_single_node()
    except yaml.YAMLError as error:
        raise CaseError([yaml_problem(error, text, encoded, path)]) from None
    _last_tree[:] = [(data, path, SAFE_LOADER), root]
    return root


# The tree of the file read last: `tutor check` reads a file's tree twice (to load the case, and to
# look for text a '#' cut off), and parsing is most of what a file costs. No reader changes a node.
_last_tree: list = []


class _ComposedFromEvents(yaml.composer.Composer, yaml.resolver.Resolver):
    """yaml.compose with the safe loader's composer and resolver, over events already parsed.

    Both loaders PyYAML offers (SafeLoader and libyaml's CSafeLoader) resolve tags with
    yaml.resolver.Resolver, so a node tree made here is the one yaml.compose would make.
    """

    def __init__(self, events: list[Event]) -> None:
        self._events = events
        self._next = 0
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    # The parser's interface, as yaml.parser.Parser has it: None once the events run out.
    def check_event(self, *choices: type) -> bool:
        if self._next >= len(self._events):
            return False
        return not choices or isinstance(self._events[self._next], choices)

    def peek_event(self) -> Event | None:
        return self._events[self._next] if self._next < len(self._events) else None

    def get_event(self) -> Event | None:
        event = self.peek_event()
        self._next += 1
        return event


def decode_text(data: bytes, path: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise CaseError.single(
            path, None,
            f"the file is larger than {MAX_FILE_BYTES // 1024} KiB; a case file is a few kilobytes "
            "of text, so this is probably not a case file",
        )
    if not data.strip():
        raise CaseError.single(path, None, "the file is empty; a case file starts with `format: 1`")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CaseError.single(
            path, data.count(b"\n", 0, nul) + 1,
            "this is not a text file (it contains NUL bytes); a case file is YAML text saved as UTF-8",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CaseError.single(
            path, line,
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read); "
            "save it as UTF-8",
        ) from None
    # YAML also breaks lines at NEL, LS and PS, which no editor shows as a new line: read as
    # spaces, so every `file:line` points where the author's editor does.
    return text.translate(_UNSEEN_LINE_BREAKS)


_UNSEEN_LINE_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def _check_events(encoded: bytes, text: str, path: str) -> list[Event]:
    """The parser's events, walked once, refusing deep nesting, alias bombs and foreign tags."""
    events: list[Event] = []
    sizes: dict[str, int] = {}  # anchor -> how many values it stands for, once finished
    stack: list[list] = []  # open collections: [values so far, anchor, ("[...]", line) of a flow one, or None]
    expansion = 0
    tag_problems: list[Problem] = []

    def add_to_parent(count: int) -> None:
        if stack:
            stack[-1][0] += count

    def flow_start() -> tuple[str, int] | None:
        return stack[-1][2] if stack else None

    try:
        for event in yaml.parse(encoded, Loader=SAFE_LOADER):
            events.append(event)
            line = _line(event.start_mark)
            if isinstance(event, (ScalarEvent, CollectionStartEvent)):
                tag = event.tag
                if tag is not None and tag not in ALLOWED_TAGS and tag != "!":
                    tag_problems.append(Problem(
                        path, line,
                        f"the tag `{_short_tag(tag)}` is not allowed: a case file holds only text, "
                        "numbers, true/false, lists and mappings, and nothing in it is ever run",
                    ))
            if isinstance(event, ScalarEvent):
                opened = flow_start()
                # A plain scalar: libyaml says style '' where the Python parser says None.
                if opened is not None and not event.style and "?" in event.value:
                    raise CaseError([Problem(
                        path, _line_of_question_mark(text, event), _question_in_flow(*opened))])
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                add_to_parent(1)
            elif isinstance(event, CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise CaseError([_too_deep(path, line)])
                if event.anchor is not None:
                    sizes[event.anchor] = _UNFINISHED
                kind = "[...]" if isinstance(event, yaml.SequenceStartEvent) else "{...}"
                stack.append([1, event.anchor, (kind, line) if event.flow_style else None])
            elif isinstance(event, CollectionEndEvent):
                count, anchor, _ = stack.pop()
                if anchor is not None:
                    sizes[anchor] = count
                add_to_parent(count)
            elif isinstance(event, AliasEvent):
                size = sizes.get(event.anchor or "")  # an alias always names its anchor
                if size is None:
                    raise CaseError.single(
                        path, line,
                        f"`*{event.anchor}` refers to an anchor `&{event.anchor}` that is not defined "
                        "above it; define the anchor first or write the value out",
                    )
                if size == _UNFINISHED:
                    raise CaseError.single(
                        path, line,
                        f"`*{event.anchor}` is used inside the value it names, which would never end; "
                        "write the value out instead",
                    )
                expansion += size
                if expansion > MAX_ALIAS_EXPANSION:
                    raise CaseError.single(
                        path, line,
                        f"aliases (`*name`) here would expand the file to more than {MAX_ALIAS_EXPANSION:,} "
                        "extra values, so it was not read; write the values out or use fewer aliases",
                    )
                add_to_parent(size)
    except yaml.YAMLError as error:
        if _is_nesting_limit(error):
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            raise CaseError([*tag_problems, _too_deep(path, mark.line + 1 if mark else 1)]) from None
        raise CaseError([*tag_problems, yaml_problem(error, text, encoded, path)]) from None
    if tag_problems:
        raise CaseError(tag_problems)
    return events


class _Mark(Protocol):  # the Python parser's and libyaml's marks alike
    line: int


def _line(mark: _Mark | None) -> int:
    """The 1-based line of a parser mark (every event the parser hands out has its marks)."""
    return mark.line + 1 if mark is not None else 1


def _too_deep(path: str, line: int) -> Problem:
    return Problem(
        path, line,
        f"lists and mappings are nested more than {MAX_DEPTH} levels deep here; a case file needs about six",
    )


def _is_nesting_limit(error: yaml.YAMLError) -> bool:
    """Whether the parser refused the file for nesting past a limit of its own.

    libyaml (bundled with PyYAML 6.0.4's wheels) stops at 1,000 levels, and it
    looks ahead over a run of `[` before it hands out the first event, so its
    refusal can come before the loader's own count reaches MAX_DEPTH.
    """
    said = f"{getattr(error, 'context', '') or ''} {getattr(error, 'problem', '') or ''}".lower()
    return "nesting" in said or "nest level" in said


def _question_in_flow(kind: str, opened: int) -> str:
    return (
        f"an unquoted item in the {kind} that starts on line {opened} contains '?'; "
        "put that item in quotes, for example [\"What makes it worse?\"]"
    )


def _line_of_question_mark(text: str, event: ScalarEvent) -> int:
    """The line of the first '?' in a plain scalar, which may run over several lines."""
    lines = text.splitlines()
    first, column = _line(event.start_mark) - 1, event.start_mark.column if event.start_mark else 0
    for number in range(first, min(_line(event.end_mark), len(lines))):
        if "?" in lines[number][column if number == first else 0:]:
            return number + 1
    return first + 1


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def yaml_problem(error: yaml.YAMLError, text: str, encoded: bytes, path: str) -> Problem:
    """A YAML error in plain English, at the line an author should look at."""
    if isinstance(error, yaml.reader.ReaderError):
        position = max(0, min(int(getattr(error, "position", 0) or 0), len(encoded)))
        line = encoded.count(b"\n", 0, position) + 1
        code = getattr(error, "character", None)
        what = f"U+{code:04X}" if isinstance(code, int) else "a control character"
        return Problem(
            path, line,
            f"this line contains a control character ({what}) that YAML does not allow; delete it",
        )

    problem = str(getattr(error, "problem", None) or "")
    context = str(getattr(error, "context", None) or "")
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem_line = problem_mark.line + 1 if problem_mark is not None else 1
    context_line = context_mark.line + 1 if context_mark is not None else problem_line

    def at_problem(message: str) -> Problem:
        return Problem(path, problem_line, message)

    if "end of stream" not in problem:
        quote_line = _runaway_quote(encoded, problem_line)
        if quote_line is not None:
            return Problem(
                path, quote_line,
                f"a quoted text starts here and runs on to line {problem_line}, where the YAML breaks; "
                "is its closing quote missing?",
            )

    if "but got '?'" in problem and ("flow sequence" in context or "flow mapping" in context):
        # The Python parser ends an unquoted item at '?'; say so as the event check does for libyaml.
        return Problem(path, problem_line, _question_in_flow("[...]" if "sequence" in context else "{...}", context_line))
    if "mapping values are not allowed" in problem:
        key = _key_starting_line(text, problem_mark)
        if key is not None:
            # Nothing but a key before the ': ': the line is more often indented too far (YAML then
            # reads it as more of the value above) than a text that needs quotes.
            return at_problem(
                f"`{key}:` is indented further than the line above, so YAML reads it as more of that "
                "line's value; line it up with the keys above it, or if it is text, put the whole "
                "text in quotes"
            )
        return at_problem(
            "a ': ' (colon and space) inside a value; put the whole text in quotes, "
            "for example ask: \"Which is it: A or B?\""
        )
    if "tab character" in problem:
        return at_problem("a tab character; YAML indents with spaces only, so replace the tab with spaces")
    if "cannot start any token" in problem:
        char = _char_at(text, problem_mark)
        if char == "\t":
            return at_problem("a tab character; YAML indents with spaces only, so replace the tab with spaces")
        shown = f"'{char}'" if char and char.isprintable() else "this character"
        return at_problem(f"a value cannot start with {shown}; put the text in quotes")
    if "end of stream" in problem and "quoted" in context:
        return Problem(path, context_line, "a quoted text starts here but its closing quote is missing")
    if "could not find expected ':'" in problem:
        return Problem(
            path, context_line,
            "this line is neither `key: value` nor a `- ` list item; add the ':' after the key, "
            "or close a quote left open above it",
        )
    if "flow sequence" in context or "flow mapping" in context:
        opener, closer = ("[", "]") if "sequence" in context else ("{", "}")
        where = f"the {opener}...{closer} that starts on line {context_line}"
        return at_problem(
            f"{where} is not closed properly: separate items with ', ', end it with '{closer}', "
            "and put in quotes any item that contains ': ', ' #', '?', ',' or brackets"
        )
    if "block mapping" in context or "block collection" in context:
        thing = "the list items" if "'-'" in problem else "the keys"
        return at_problem(
            f"this line does not line up with {thing} that start on line {context_line}: check its "
            "indentation (items of one mapping or list start in the same column), or put text that "
            "begins with a quote entirely in quotes"
        )
    if "sequence entries are not allowed" in problem:
        return at_problem(
            "a '- ' list item on the same line as its key; start the list on the next line, indented"
        )
    if "undefined alias" in problem:
        return at_problem("an alias `*name` refers to an anchor `&name` that is not defined above it")
    if "duplicate anchor" in context or "duplicate anchor" in problem:
        return at_problem("the same anchor `&name` is defined twice; rename one")
    if "single document" in context:
        return at_problem("a second YAML document starts here ('---'); put one case in each file")
    if "escape character" in problem:
        return at_problem(
            "an unknown backslash escape inside \"double quotes\"; use 'single quotes' instead, "
            "or write the backslash twice"
        )
    if "directive" in context or "document start" in problem:
        return at_problem("a line starting with '%' or '---' where a value was expected; put the text in quotes")
    detail = "; ".join(part for part in (context, problem) if part)
    return at_problem(f"this is not valid YAML ({detail or 'syntax error'}); check quotes and indentation")


def _runaway_quote(encoded: bytes, problem_line: int) -> int | None:
    """The line of a quoted text that only ends on (or just before) the broken line, if any.

    An unclosed quote swallows the lines after it up to the next quote character,
    so YAML complains far below the real mistake.
    """
    start = None
    try:
        for token in yaml.scan(encoded, Loader=SAFE_LOADER):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                first, last = token.start_mark.line + 1, token.end_mark.line + 1
                if first < last and last >= problem_line - 1:
                    start = first
    except yaml.YAMLError:
        pass
    return start


_BARE_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_-]{0,99})\s*")


def _key_starting_line(text: str, mark) -> str | None:
    """The key when the ': ' YAML stopped at has only a bare key before it on its line."""
    if mark is None:
        return None
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return None
    found = _BARE_KEY.fullmatch(lines[mark.line][: mark.column])
    return found.group(1) if found else None


def _char_at(text: str, mark) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""
