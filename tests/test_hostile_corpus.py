"""The hostile-case corpus (tests/hostile/) through the loader, every renderer and `tutor check`.

Each file attacks one way (markup, entities, escapes, bidi, HTML, huge numbers, emphasis
storms, long words, fields past the caps); special files are made at test time. Whatever
the file, the tutor loads it or says `file:line: message`, shows nothing a terminal would
obey, and stays within time and memory limits far above normal: hang and blow-up
detectors, not benchmarks.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time
import tracemalloc
import unicodedata
from pathlib import Path

import pytest

from tutor.cases.loading import CaseError, load_case_file
from tutor.session import Play, play_script

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / "tests" / "hostile"
CORPUS = sorted(HOSTILE.glob("*.yaml"))
# Files the loader must refuse (each problem at its line); every other file must load and play.
REFUSED = {"huge-numbers.yaml", "over-caps.yaml"}

SECONDS = 30  # CPU seconds per file, everything included: a hang detector
PEAK_BYTES = 300 * 1024 * 1024  # traced memory per file: a blow-up detector

# Answers a learner (or a paste) could send, played against every corpus case.
HOSTILE_ANSWERS = [
    "no trauma, IFI",
    "[bold red]x[/] [@click=app.quit]q[/] **a " * 50,
    "\x1b[2J\x1b]0;title\x07 \u202eevil\u202c &#x202e; \x9b31m",
    "caf\udce9 lone surrogate",
    "x" * 30_000,
    "/hint",
    "/unknown-command \x1b[31m",
    "/skip",
]


def _obeyable(text: str) -> list[str]:
    """Characters of `text` a terminal would act on or that reorder or hide what is shown."""
    return sorted({
        f"U+{ord(ch):04X}" for ch in text
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\n\u200c\u200d"
    })


def _rendered_by_the_app(events) -> str:
    """What the app's transcript would draw for these events, as plain text (Rich, no terminal)."""
    from rich.console import Console

    from tutor.tui.author_markdown import AuthorMarkdown
    from tutor.tui.transcript import TutorSays, widgets_for

    console = Console(file=io.StringIO(), width=80, color_system=None, force_terminal=False, legacy_windows=False)
    for widget in widgets_for(events):
        if isinstance(widget, TutorSays):
            console.print(AuthorMarkdown(widget.source, hyperlinks=False))
    return console.file.getvalue()


def _play_everything(case) -> str:
    shown = []
    for width in (80, None):
        out = io.StringIO()
        play_script(Play(case), iter(HOSTILE_ANSWERS), out, width=width)
        shown.append(out.getvalue())
    play = Play(case)
    events = list(play.opening)
    for answer in HOSTILE_ANSWERS:
        if play.finished:
            break
        found, message = play.line(answer)
        events += found
    events += play.quit() if not play.finished else ()
    shown.append(_rendered_by_the_app(events))
    return "\n".join(shown)


def test_the_corpus_is_there():
    names = {path.name for path in CORPUS}
    assert {"markup.yaml", "entities.yaml", "escapes.yaml", "bidi.yaml", "html.yaml", "huge-numbers.yaml",
            "emphasis-storm.yaml", "long-words.yaml", "over-caps.yaml"} <= names


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_each_hostile_case_loads_plays_and_renders_within_bounds(path):
    tracemalloc.start()
    started = time.process_time()
    try:
        try:
            case = load_case_file(path)
        except CaseError as error:
            assert path.name in REFUSED, [str(p) for p in error.problems]
            for problem in error.problems:
                assert re.match(rf"{re.escape(str(path))}:\d+: \S", str(problem)), str(problem)
                assert not _obeyable(str(problem)) and len(str(problem)) < 1000
            shown = ""
        else:
            assert path.name not in REFUSED, f"{path.name} should have been refused"
            shown = _play_everything(case)
        seconds = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not _obeyable(shown), _obeyable(shown)
    assert seconds < SECONDS
    assert peak < PEAK_BYTES


def _app_text(name: str) -> str:
    play = Play(load_case_file(HOSTILE / name))
    return _rendered_by_the_app(list(play.opening) + list(play.quit()))


def test_the_app_shows_markup_as_written_never_obeys_it():
    shown = _app_text("markup.yaml")
    assert "[@click=app.quit]" in shown  # the text is there, as text
    assert "[bold red]Title[/]" in shown


def test_the_app_shows_the_author_text_the_plain_modes_show():
    # Raw HTML, comments and images are shown as written, as scripted play shows them.
    shown = _app_text("html.yaml")
    assert "hidden div" in shown and "<div" in shown
    assert "a comment the plain modes show" in shown
    assert "![pic](https://example.com/x.png)" in shown
    assert "<script>alert(1)</script>" in shown
    # 300 nested quotes: Rich indents each level until no room is left for the words.
    assert "deep quote" in shown


def test_a_title_with_markdown_in_it_is_shown_as_written_as_the_plain_modes_show_it():
    import dataclasses

    case = load_case_file(HOSTILE / "base-case.yaml")
    title = "Hip *pain* `x` [link](https://e.com) &amp; <b>bold</b> \\* _under_ ~~gone~~"
    case = dataclasses.replace(case, title=title)
    out = io.StringIO()
    play_script(Play(case), iter(["/quit"]), out, width=200)
    assert f"# {title}" in out.getvalue()  # the plain mode, as written
    shown = _rendered_by_the_app(list(Play(case).opening))
    assert title in shown


def test_300_nested_quotes_render_in_the_app_within_bounds():
    from rich.console import Console

    from tutor.tui.author_markdown import AuthorMarkdown

    text = ">" * 300 + " deep words\n\n" + "\n".join(">" * n + " level" for n in range(1, 400))
    console = Console(file=io.StringIO(), width=80, color_system=None, force_terminal=False, legacy_windows=False)
    tracemalloc.start()
    started = time.process_time()
    try:
        console.print(AuthorMarkdown(text, hyperlinks=False))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.process_time() - started < SECONDS and peak < PEAK_BYTES
    assert "deep words" in console.file.getvalue()


def test_tutor_check_reports_the_whole_corpus_in_its_own_words(tmp_path):
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CONFIG_DIR=str(tmp_path / "config"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "tutor", "check", "tests/hostile"], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    problems = done.stderr.strip().splitlines()
    assert problems
    for line in problems:
        assert re.match(r"tests/hostile/[\w-]+\.yaml:\d+: \S", line), line
        assert not _obeyable(line)
    # Warnings (a case that loads but may grade oddly) are not refusals.
    refused = [line for line in problems if ": warning: " not in line]
    assert {re.match(r"tests/hostile/([\w-]+\.yaml)", line).group(1) for line in refused} == REFUSED


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")
def test_special_files_are_refused_without_being_read(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "not-there.yaml")
    results: dict[str, str] = {}

    def load_all() -> None:
        for name in ("fifo.yaml", "zero.yaml", "loop.yaml", "dangling.yaml"):
            try:
                load_case_file(tmp_path / name)
            except CaseError as error:
                results[name] = str(error)

    loader = threading.Thread(target=load_all, daemon=True)
    loader.start()
    loader.join(timeout=30)  # a FIFO opened for reading waits for a writer forever
    assert not loader.is_alive(), "the loader blocked on a special file"
    assert "not a regular file (it is a named pipe)" in results["fifo.yaml"]
    assert "not a regular file (it is a device)" in results["zero.yaml"]
    assert "loop" in results["loop.yaml"]
    assert "no such file" in results["dangling.yaml"]
