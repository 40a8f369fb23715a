"""Playing cases as a learner would: `python -m tutor play CASE` with answers piped in.

Every shipped case is played three ways (strong answers from the authors'
own examples, a weak path with /hint and /skip, a misconception), and odd
input (nothing at all, a 100 kB line, escape codes) must end cleanly with a
summary. The line REPL is driven through prompt_toolkit's pipe input.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "dialogues" / "cases").glob("*.yaml"))
FORMAT_EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "format-example.yaml"
ESC = "\x1b"
TIMEOUT = 120


def tutor_env(data_dir: Path) -> dict:
    env = dict(os.environ)
    env["TUTOR_DATA_DIR"] = str(data_dir / "data")
    env["TUTOR_CONFIG_DIR"] = str(data_dir / "config")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"  # a colourful terminal setting must still give plain text in a pipe
    return env


def play(case_ref, lines, tmp_path, *, raw_input: bytes | None = None, record: bool = False) -> subprocess.CompletedProcess:
    data = raw_input if raw_input is not None else "".join(line + "\n" for line in lines).encode()
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "play", str(case_ref), *(["--record"] if record else [])],
        input=data,
        capture_output=True,
        env=tutor_env(tmp_path),
        cwd=REPO,
        timeout=TIMEOUT,
    )
    result.out = result.stdout.decode("utf-8")
    result.err = result.stderr.decode("utf-8", "replace")
    result.flat = " ".join(result.out.split())
    return result


def assert_clean_ending(result) -> list[str]:
    """Exit 0, no escape codes, no traceback, the summary with its score last; the lines of stdout."""
    assert result.returncode == 0, result.err
    assert ESC not in result.out
    assert "Traceback" not in result.err + result.out
    lines = result.out.rstrip("\n").splitlines()
    assert lines[-1].startswith("Score: ") and lines[-1].endswith("%"), lines[-5:]
    assert any(line.startswith("## Summary: ") for line in lines)
    return lines


def load(path):
    from tutor.cases.library import load_case

    return load_case(str(path))


def passes(stage, found: set[str]) -> bool:
    required = all(c in found for c in stage.required_ids)
    count = sum(1 for c in stage.expected_ids if c in found)
    return required and count >= max(1, min(stage.pass_count, len(stage.expect)))


def strong_lines(stage) -> tuple[list[str], bool]:
    """The authors' examples that match something, as answers, until they pass the stage.

    A passed stage stays open, so an empty line follows to move on (after a stage that
    closed because everything was found, the empty line is ignored by the next stage).
    Returns the lines and whether, by the examples' own `matches`, they pass it."""
    found: set[str] = set()
    lines: list[str] = []
    for example in stage.examples:
        if not example.matches or len(lines) == stage.attempts:
            continue
        if not set(example.matches) - found:
            continue
        lines.append(example.answer)
        found |= set(example.matches) & set(stage.expected_ids)
        if passes(stage, found):
            return lines + [""], True
    return lines + ["/skip"], False


def case_id(path: Path) -> str:
    return path.stem


def test_the_repository_ships_cases_for_these_tests_to_play():
    # The tests below are parametrized over the shipped cases: with none they would all vanish.
    assert SHIPPED, f"no cases under {REPO / 'dialogues' / 'cases'}"


def play_strong(path, tmp_path):
    case = load(path)
    lines: list[str] = []
    completing = 0
    for stage in case.stages:
        stage_lines, completes = strong_lines(stage)
        lines += stage_lines
        completing += completes
    result = play(path, lines, tmp_path)
    out = assert_clean_ending(result)
    assert result.out.count("That completes this stage.") + result.out.count("Stage passed.") == completing
    for stage in case.stages:
        assert f"· {stage_kind_name(stage)}" in result.out
    return case, result, out


def stage_kind_name(stage) -> str:
    from tutor.render.wording import kind_name

    return kind_name(stage.kind)


@pytest.mark.parametrize("path", SHIPPED, ids=case_id)
def test_strong_answers_from_the_authors_examples_complete_the_case(path, tmp_path):
    case, result, lines = play_strong(path, tmp_path)
    stages_with_examples = [s for s in case.stages if any(e.matches for e in s.examples)]
    assert stages_with_examples, f"{path.name}: no stage has an example that matches anything"
    assert "Credited:" in result.out
    # Every answered line is echoed back so the transcript reads as a dialogue.
    assert result.out.count("\n> ") >= len(stages_with_examples)
    score = int(lines[-1].removeprefix("Score: ").removesuffix("%"))
    assert score > 0


@pytest.mark.parametrize("path", SHIPPED, ids=case_id)
def test_a_weak_learner_with_hints_and_skips_reaches_the_end(path, tmp_path):
    case = load(path)
    lines = []
    for _stage in case.stages:
        lines += ["/hint", "/skip"]
    result = play(path, lines, tmp_path)
    out = assert_clean_ending(result)
    assert result.out.count("Hint 1: ") == len(case.stages)
    assert result.out.count("Skipped. Stage score: 0%") == len(case.stages)
    for stage in case.stages:
        assert " ".join(stage.explain.split()) in result.flat
    assert out[-1] == "Score: 0%"
    assert f"Hints used: {len(case.stages)}." in result.out


@pytest.mark.parametrize("path", SHIPPED, ids=case_id)
def test_a_misconception_gets_its_own_answer(path, tmp_path):
    case = load(path)
    lines: list[str] = []
    for stage in case.stages:
        if stage.misconceptions:
            break
        lines.append("/skip")
    else:
        pytest.skip(f"{path.name} has no stage with a misconception")
    mis = stage.misconceptions[0]
    label = case.label(mis.concept)
    result = play(path, lines + [label], tmp_path)
    assert_clean_ending(result)
    assert f"{' '.join(label.split())}?" in result.flat
    if mis.feedback:
        assert " ".join(mis.feedback.split()) in result.flat
    else:
        assert "Compare with" in result.out and "Tell apart" in result.out


def test_the_format_pages_example_plays(tmp_path):
    assert FORMAT_EXAMPLE.exists(), f"the format page's example is not at {FORMAT_EXAMPLE} (shared/ beside the repo)"
    case, result, _ = play_strong(FORMAT_EXAMPLE, tmp_path)
    assert "# Buttock and groin pain in a 48-year-old woman" in result.out
    result = play(FORMAT_EXAMPLE, ["hamstring tendinosis", "/hint", "/hint", "/hint", "/hint"], tmp_path)
    assert_clean_ending(result)
    assert "Compare with" in result.out and "Both hurt at the ischial tuberosity." in result.flat
    # The author's first hint comes first, and each says what the next costs.
    assert "Hint 1: Think about what makes it worse." in result.out
    assert "Hint 2: Which muscle lies between the two bones?" in result.out
    assert "One more /hint shows the answer, also 10 points." in result.out
    assert "What was still missing:" in result.out


def first_case():
    if FORMAT_EXAMPLE.exists():
        return FORMAT_EXAMPLE
    assert SHIPPED, "no case to play"
    return SHIPPED[0]


def test_quit_ends_the_case_with_the_summary_so_far(tmp_path):
    result = play(first_case(), ["/quit", "this line comes after the case ended"], tmp_path)
    lines = assert_clean_ending(result)
    assert "> /quit" in result.out
    assert "Stopped here." in result.out
    assert "this line comes after" not in result.out
    assert lines[-1] == "Score: 0%"


def test_no_input_at_all_ends_cleanly_with_a_summary(tmp_path):
    result = play(first_case(), [], tmp_path, raw_input=b"")
    lines = assert_clean_ending(result)
    assert "Stopped here." in result.out
    assert "> " not in result.out
    assert lines[0].startswith("# ")


def test_help_and_unknown_commands_do_not_use_up_a_try(tmp_path):
    result = play(first_case(), ["/help", "/frobnicate", "/quit"], tmp_path)
    assert_clean_ending(result)
    assert "/skip   give up this question" in result.out
    assert "I don't know the command /frobnicate." in result.out
    assert "Stage score: 0%." in result.out


def test_a_mistyped_command_is_answered_with_the_command_it_resembles(tmp_path):
    result = play(first_case(), ["/nxet", "/hitn", "/frobnicate", "/quit"], tmp_path)
    assert_clean_ending(result)
    assert "I don't know the command /nxet. Did you mean /next?" in result.out
    assert "I don't know the command /hitn. Did you mean /hint?" in result.out
    frob = result.out.split("I don't know the command /frobnicate.", 1)[1].split("\n", 1)[0]
    assert "Did you mean" not in frob
    assert "Stage score: 0%." in result.out


def test_an_answer_that_names_nothing_known_is_not_called_correct(tmp_path):
    result = play(first_case(), ["the weather was lovely on tuesday", "/quit"], tmp_path)
    assert_clean_ending(result)
    assert "I couldn't match that to this case's terms" in result.out and "did not use a try" in result.out
    assert "Credited" not in result.out.split("> the weather", 1)[1].split("> /quit", 1)[0]


def test_a_100_kb_answer_is_read_and_echoed_short(tmp_path):
    huge = ("atraumatic " + "blah " * 25_000)[:100_000]
    result = play(first_case(), [huge, "/quit"], tmp_path)
    lines = assert_clean_ending(result)
    echo = next(line for line in lines if line.startswith("> atraumatic"))
    assert len(echo) < 400
    assert max(len(line) for line in lines) < 1000


def test_control_characters_and_escape_codes_in_answers_never_reach_the_output(tmp_path):
    nasty = (
        "\x1b[2J\x1b[31mred\x1b[0m \x1b]0;title\x07 \x08\x08\x00\x07 \x9b31m \u202e evil".encode()
        + b"\n\x1b[A\x1b[A\n\xff\xfe broken utf-8\n/quit\n"
    )
    result = play(first_case(), [], tmp_path, raw_input=nasty)
    assert_clean_ending(result)
    for bad in ("\x1b", "\x07", "\x08", "\x00", "\x9b", "\u202e"):
        assert bad not in result.out
    assert "> red" in result.out


def test_a_case_that_does_not_exist_is_reported_in_one_line(tmp_path):
    result = play("no-such-case-anywhere", ["IFI"], tmp_path)
    assert result.returncode == 2
    assert result.out == ""
    assert "no-such-case-anywhere" in result.err
    assert "Traceback" not in result.err


def test_a_broken_case_file_is_reported_with_its_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nid: broken\ntitle: [unclosed\n", encoding="utf-8")
    result = play(broken, ["IFI"], tmp_path)
    assert result.returncode == 2
    assert f"{broken}:" in result.err or "broken.yaml:" in result.err
    assert "Traceback" not in result.err


def test_answers_already_given_survive_a_killed_process(tmp_path):
    """Play part of a case through a pipe, kill -9 the tutor, and find the answers in the records."""
    path = first_case()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tutor", "play", str(path), "--record"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=tutor_env(tmp_path),
        cwd=REPO,
    )
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:

        def answer_and_wait(text: str) -> None:
            proc.stdin.write((text + "\n").encode())
            proc.stdin.flush()
            # The records of a step are committed before its reply is written.
            while True:
                line = proc.stdout.readline()
                assert line, f"the tutor ended early: {proc.stderr.read().decode()}"
                if line.decode().rstrip("\n") == f"> {text}":
                    return

        answer_and_wait("the first answer, nothing known in it")
        answer_and_wait("/hint")
        answer_and_wait("the second answer")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
    finally:
        watchdog.cancel()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    assert proc.returncode == -signal.SIGKILL
    records = tmp_path / "data" / "records.sqlite3"
    with sqlite3.connect(records) as db:
        answers = [row[0] for row in db.execute("SELECT answer FROM attempts ORDER BY id")]
        hints = db.execute("SELECT COUNT(*) FROM hints").fetchone()[0]
        finished = db.execute("SELECT finished_at FROM sessions").fetchall()
    assert answers == ["the first answer, nothing known in it", "the second answer"]
    assert hints == 1
    assert finished == [(None,)]


def test_a_corrupt_records_file_warns_once_and_the_case_still_plays(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "records.sqlite3").write_bytes(b"not sqlite at all " * 100)
    result = play(first_case(), ["/skip", "/quit"], tmp_path, record=True)
    assert_clean_ending(result)
    warnings = [line for line in result.err.splitlines() if line.strip()]
    assert len(warnings) == 1 and "records are off" in warnings[0]
    # The summary says the session is not in the records (just above it, so the score stays last).
    lines = result.out.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("## Summary: "))
    assert lines[summary - 2].startswith("This session was not recorded: ")
    assert (data / "records.sqlite3").read_bytes() == b"not sqlite at all " * 100


def test_a_play_from_a_pipe_is_recorded_only_with_record(tmp_path):
    records = tmp_path / "data" / "records.sqlite3"
    assert_clean_ending(play(first_case(), ["no trauma", "/quit"], tmp_path))
    assert not records.exists()
    assert_clean_ending(play(first_case(), ["no trauma", "/quit"], tmp_path, record=True))
    with sqlite3.connect(records) as db:
        assert db.execute("SELECT front_end FROM sessions").fetchall() == [("script",)]
        assert db.execute("SELECT answer FROM attempts").fetchall() == [("no trauma",)]


# --- The line REPL, driven through prompt_toolkit's pipe input ---------------


def test_the_line_repl_plays_and_ctrl_d_leaves_with_the_summary(tmp_path, monkeypatch):
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    case = load(first_case())
    screen = StringIO()
    with create_pipe_input() as keys:
        keys.send_text("/hint\r")
        keys.send_text("/skip\r")
        keys.send_bytes(b"\x04")  # Ctrl-D on an empty line
        assert repl.run(case, input=keys, output=PlainTextOutput(screen)) == 0
    text = screen.getvalue()
    assert "Hint 1: " in text
    assert "Skipped." in text
    # Headings as a terminal shows them: their words in bold, without the "##" of the pipe's text.
    lines = text.splitlines()
    assert f"Summary: {case.title}" in lines and case.title in lines
    assert any(line.startswith("Stage 1 of ") for line in lines)
    assert not any(line.startswith("#") for line in lines)
    assert text.rstrip().splitlines()[-1].startswith("Score: ")
    history = (tmp_path / "data" / "answer-history").read_text()
    assert "/hint" in history and "/skip" in history


def test_the_line_repl_leaves_cleanly_on_ctrl_c(tmp_path, monkeypatch):
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    case = load(first_case())
    screen = StringIO()
    with create_pipe_input() as keys:
        keys.send_text("something\r")
        keys.send_bytes(b"\x03")
        assert repl.run(case, input=keys, output=PlainTextOutput(screen)) == 0
    text = screen.getvalue()
    assert "Stopped here." in text
    assert text.rstrip().splitlines()[-1].startswith("Score: ")


def test_the_line_repl_takes_bytes_that_are_not_utf8_as_an_answer(tmp_path, monkeypatch, capfd):
    # A terminal set to Latin-1 sends "é" as one byte; prompt_toolkit passes it on as a lone surrogate.
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))

    async def no_wait(text) -> None:
        pass

    # After an error, prompt_toolkit waits for Enter on the real terminal, which a test does not have.
    monkeypatch.setattr("prompt_toolkit.application.application._do_wait_for_enter", no_wait)
    case = load(first_case())
    screen = StringIO()
    with create_pipe_input() as keys:
        keys.send_bytes(b"no trauma, caf\xe9\r")
        keys.close()  # then the end of input, which leaves as Ctrl-D does
        assert repl.run(case, input=keys, output=PlainTextOutput(screen)) == 0
    text = screen.getvalue()
    printed = capfd.readouterr()
    assert "Unhandled exception" not in printed.out + printed.err + text
    assert "Credited: No history of trauma" in text
    assert text.rstrip().splitlines()[-1].startswith("Score: ")
    assert "caf\ufffd" in (tmp_path / "data" / "answer-history").read_text(encoding="utf-8")
    with sqlite3.connect(tmp_path / "data" / "records.sqlite3") as db:
        answers = [row[0] for row in db.execute("SELECT answer FROM attempts")]
    assert answers == ["no trauma, caf\ufffd"]  # the answer was recorded, the byte as U+FFFD
    with sqlite3.connect(tmp_path / "data" / "records.sqlite3") as db:
        assert db.execute("SELECT front_end FROM sessions").fetchall() == [("repl",)]


def test_the_line_repl_in_a_narrow_terminal_keeps_the_contrast_in_two_columns(tmp_path, monkeypatch):
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "60")  # what the terminal reports
    case = load("ifi-classic")
    stage = next(s for s in case.stages if any(m.discriminator for m in s.misconceptions))
    wrong = next(m for m in stage.misconceptions if m.discriminator and not m.feedback)
    screen = StringIO()
    with create_pipe_input() as keys:
        for _ in range(case.stages.index(stage)):
            keys.send_text("/skip\r")
        keys.send_text(case.label(wrong.concept) + "\r")
        keys.send_bytes(b"\x04")
        assert repl.run(case, input=keys, output=PlainTextOutput(screen)) == 0
    lines = screen.getvalue().replace("\r", "").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  You said"))
    end = lines.index("", start)
    contrast = lines[start:end]
    assert len(contrast) > 4
    assert all(len(line) <= 59 for line in contrast), contrast
    # Each row's text hangs in its own column, never back under the keys.
    text_column = contrast[0].index(case.label(wrong.concept))
    for line in contrast:
        key = line[:text_column].strip()
        assert key in ("", "You said", "Compare with", "Why confused", "Tell apart", "Trap"), line


def test_the_line_repl_in_a_narrow_terminal_keeps_each_table_value_with_its_column(tmp_path, monkeypatch):
    # ifi-classic shows its measurements as a table: | | right | left |, one row per space measured.
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "70")  # narrower than the table
    case = load("ifi-classic")
    screen = StringIO()
    with create_pipe_input() as keys:
        keys.send_text("/skip\r")  # on to the images
        keys.send_bytes(b"\x04")
        assert repl.run(case, input=keys, output=PlainTextOutput(screen)) == 0
    lines = screen.getvalue().replace("\r", "").splitlines()
    assert all(len(line) <= 69 for line in lines if " mm" in line)
    text = " ".join(" ".join(lines).split())
    # Which side a value belongs to stays readable: right 11 mm, left 22 mm.
    assert "right 11 mm" in text and "left 22 mm" in text
    assert "right 5 mm" in text and "left 13 mm" in text


def test_a_scripted_drill_reports_its_limit_and_ends_on_time():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-m", "tutor", "play", "ifi-classic", "--time-limit", "600"],
        input="no trauma, pain with long strides\n/quit\n", capture_output=True, text=True, cwd=root, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Drill: you have 10 min 00 s for the whole case." in run.stdout
    assert "of 10 min 00 s (drill)." in run.stdout


def test_a_repl_drill_rings_the_bell_while_the_learner_is_still_typing(tmp_path, monkeypatch):
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    screen = StringIO()
    with create_pipe_input() as keys:
        keys.send_text("no trauma")  # typed, but Enter never comes
        assert repl.run(load(first_case()), input=keys, output=PlainTextOutput(screen), time_limit=1) == 0
    text = screen.getvalue()
    assert "Time is up" in text
    assert text.rstrip().splitlines()[-1].startswith("Score: ")


def test_the_line_repl_toolbar_fits_the_terminal(tmp_path, monkeypatch):
    from tutor import repl
    from tutor.session import Play

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    play = Play(load("ifi-classic"), None, time_limit=600)
    for columns in (80, 60, 40):
        bar = repl._toolbar(play, columns)
        assert len(bar) < columns and "Stage 1/" in bar
    play.answer("no trauma, pain with long strides")
    assert "passed: Enter moves on" in repl._toolbar(play, 80)
    assert len(repl._toolbar(play, 80)) < 80


def test_the_line_repl_shows_a_heading_by_its_words_and_leaves_other_hashes_alone():
    from tutor.repl import heading_text

    assert heading_text("## Stage 1 of 6 · History") == "Stage 1 of 6 · History"
    assert heading_text("# Hip pain that began late in pregnancy") == "Hip pain that began late in pregnancy"
    assert heading_text("#hashtag in a vignette") is None
    assert heading_text("Score: 40%") is None
