"""Property tests for every reader of outside input: case files, batch files, answers, terminal input.

Each property says what must hold for *any* input: the reader answers in its own words
(a CaseError with `file:line`, a problem line, a cleaned answer) and never raises anything
else, and what it shows a terminal holds no control character.
"""

from __future__ import annotations

import functools
import json
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


# -- answers, batch files and terminal input -----------------------------------------------


@functools.cache
def _shipped_case():
    from tutor.cases.library import load_case

    return load_case("ifi-classic")


@functools.cache
def _grader():
    from tutor.grading import CaseGrader

    return CaseGrader(_shipped_case())


@FAST
@given(TEXT)
@example("\x1b]0;title\x07[bold]x[/] \udce9")
def test_any_answer_is_cleaned_graded_and_shown_without_terminal_controls(answer):
    from tutor.render.wording import echo, render_events
    from tutor.session import Play, clean_answer

    cleaned = clean_answer(answer)
    assert _no_terminal_controls(cleaned)
    play = Play(_shipped_case(), grader=_grader())
    events, message = play.line(answer)
    shown = (message or "") + render_events(events, 80) + echo(answer)
    assert _no_terminal_controls(shown)


@FAST
@given(st.lists(st.one_of(TEXT, st.builds(json.dumps, st.dictionaries(st.sampled_from(["stage", "answer", "x"]),
                                                                        st.one_of(TEXT, st.integers(), st.none()),
                                                                        max_size=3))), max_size=6))
def test_any_batch_file_is_graded_line_by_line_or_reported_with_its_line(tmp_path_factory, lines):
    from tutor.grade_command import _read_batch

    path = tmp_path_factory.mktemp("batch") / "batch.jsonl"
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    requests, problems = _read_batch(str(path), _shipped_case())
    for problem in problems:
        assert re.match(rf"{re.escape(str(path))}:\d+: ", problem)
    assert len(requests) + len(problems) <= max(1, len(text.splitlines()))


@FAST
@given(st.lists(st.binary(max_size=40), max_size=12))
@example([b"caf\xe9", b"\xc3", b"\xa9 ok", b"\xed\xa0\x80"])
def test_terminal_bytes_reach_the_app_as_valid_utf8_with_u_fffd_for_the_rest(chunks):
    # The app's driver forwards what the terminal sends, in whatever pieces it arrives.
    import os
    import threading

    from tutor.tui.terminal_input import forward_as_utf8

    terminal_read, terminal_write = os.pipe()
    app_read, app_write = os.pipe()
    forwarder = threading.Thread(target=forward_as_utf8, args=(terminal_read, app_write, threading.Event()))
    forwarder.start()
    for chunk in chunks:
        if chunk:
            os.write(terminal_write, chunk)
    os.close(terminal_write)  # the end of input: the forwarder flushes and closes its end
    received = b""
    while data := os.read(app_read, 65536):
        received += data
    forwarder.join(timeout=10)
    os.close(terminal_read)
    os.close(app_read)
    assert received.decode("utf-8") == b"".join(chunks).decode("utf-8", "replace")


# -- Bracketed pastes, as a terminal streams them -------------------------------------

PASTE_PIECES = st.lists(st.sampled_from(["\x1b[200~", "\x1b[201~", "\x1b", "[", "2", "0", "1", "~", "a", "é",
                                         "\n", "\x1bOS", " "]), max_size=40).map("".join)


def _paste_contents(text: str) -> list[str]:
    from tutor.bracketed_paste import PASTE_END, PASTE_START

    found, at = [], 0
    while (start := text.find(PASTE_START, at)) >= 0:
        end = text.find(PASTE_END, start)
        found.append(text[start + len(PASTE_START): end])
        at = end + len(PASTE_END)
    return found


@FAST
@given(PASTE_PIECES, st.lists(st.integers(min_value=0, max_value=60), max_size=8), st.integers(1, 12))
def test_a_paste_is_cut_and_passed_on_alike_however_the_terminal_splits_it(text, cuts, limit):
    from tutor.bracketed_paste import PasteCutter
    from tutor.text_safety import printable

    def through(pieces: list[str]) -> str:
        cutter = PasteCutter(limit, clean=printable)
        return "".join(cutter.feed(piece) for piece in pieces) + cutter.flush()

    whole = through([text])
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    assert through([text[a:b] for a, b in zip(bounds, bounds[1:])]) == whole
    for content in _paste_contents(whole):  # each paste cut to the limit and holding no escape
        assert len(content) <= limit and "\x1b" not in content
