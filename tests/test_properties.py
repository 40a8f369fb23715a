"""Property tests for every reader of outside input: case files, batch files, answers, terminal input.

Each property says what must hold for *any* input: the reader answers in its own words
(a CaseError with `file:line`, a problem line, a cleaned answer) and never raises anything
else, and what it shows a terminal holds no control character.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tutor.cases.problems import CaseError

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to the code under test, mixed with any others.
MARKUP = st.sampled_from(list("*_ \t\n|#->`[]()<>&;!\\:'\"") + ["**", "__", "\x1b[", "\u202e", "\u200b", "\r"])
TEXT = st.lists(st.one_of(MARKUP, st.characters()), max_size=60).map("".join)


def _no_terminal_controls(text: str) -> bool:
    return not any(
        unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t\u200c\u200d" for ch in text
    )


# -- Markdown shown as plain text -----------------------------------------------------

_OLD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


@FAST
@given(st.lists(st.sampled_from(["**", "__", "*", "_", " ", "a", "b", "\u3000", "\t", "\x1c", "\n"]),
                max_size=40).map("".join))
@example("***x***")
@example("**a **b** c**")
def test_bold_markers_drop_exactly_as_the_old_pattern_did(text):
    from tutor.render.wording import _without_bold_markers

    for line in text.split("\n"):
        assert _without_bold_markers(line) == _OLD_EMPHASIS.sub(r"\2", line)


@FAST
@given(TEXT, st.one_of(st.none(), st.integers(min_value=1, max_value=200)))
def test_plain_markdown_takes_any_text(text, width):
    from tutor.render.wording import plain_markdown, wrap

    shown = wrap(plain_markdown(text, width), width)
    assert isinstance(shown, str)


# -- case files -------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_load_as_a_case_or_fail_in_the_loaders_words(data):
    from tutor.cases.loading import load_case_bytes

    try:
        load_case_bytes(data, "case.yaml")
    except CaseError as error:
        assert error.problems
        for problem in error.problems:
            assert str(problem).startswith("case.yaml:")
            assert _no_terminal_controls(str(problem))
