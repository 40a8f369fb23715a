"""The quick ways through `printable` and `terminal_json` (ASCII without ESC or DEL skips the
patterns) give exactly what the patterns give."""

from __future__ import annotations

import json
import re

from hypothesis import example, given
from hypothesis import strategies as st

from tutor import text_safety
from tutor.text_safety import printable, terminal_json

# Characters the patterns are about, mixed into ordinary text.
TRICKY = st.sampled_from(["\x1b", "\x1b[31m", "\x1b]0;title\x07", "\x7f", "\x9b", "\x9b2J", "\ud800", "\u202e",
                          "\u200b", "\ufeff", "\r\n", "\t", "\n", "é", "水腫", "a", " "])
TEXTS = st.lists(st.one_of(st.text(max_size=8), TRICKY), max_size=12).map("".join)


def printable_by_the_patterns(text: str) -> str:
    if not text:
        return ""
    text = re.sub(text_safety._SURROGATE, "\ufffd", re.sub(text_safety._ESCAPE_SEQUENCE, "", text, flags=re.VERBOSE))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if not text_safety._is_unsafe(ch))


def json_by_the_pattern(data: object, ascii_only: bool) -> str:
    return re.sub(text_safety._RAW_IN_JSON, lambda m: f"\\u{ord(m.group()):04x}",
                  json.dumps(data, ensure_ascii=ascii_only))


@given(TEXTS)
@example("plain ascii, no escapes")
@example("\x1b[2Jcleared")
@example("del\x7f")
def test_printable_is_what_the_patterns_make_of_any_text(text):
    assert printable(text) == printable_by_the_patterns(text)


@given(TEXTS, st.booleans())
@example("plain ascii", False)
@example("del\x7f", False)
@example("\u202eevil", True)
def test_terminal_json_is_what_the_pattern_makes_of_any_text(text, ascii_only):
    assert terminal_json({"answer": text}, ascii_only=ascii_only) == json_by_the_pattern({"answer": text}, ascii_only)
