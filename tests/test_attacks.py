"""What the reliability review's attacks found, each replayed: the tutor must answer in its own
words (`file:line: message`, exit 2), finish in time, and never show a traceback.

Time limits here are hang detectors, far above what a run takes, never benchmarks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tutor.cases.loading import CaseError, load_case_bytes

REPO = Path(__file__).resolve().parents[1]
# The format page's example: every attack starts from a case that loads.
EXAMPLE = (REPO / "tests" / "hostile" / "base-case.yaml").read_text(encoding="utf-8")
HUGE = "9" * 5000


def tutor(*args: str, tmp_path: Path, stdin=subprocess.DEVNULL, env_extra: dict | None = None,
          timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    env["TUTOR_CONFIG_DIR"] = str(tmp_path / "config")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, stdin=stdin, timeout=timeout, **kwargs)


def problems(text: str) -> list[str]:
    with pytest.raises(CaseError) as caught:
        load_case_bytes(text.encode("utf-8"), "case.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# -- Major 2: numbers far too long for int() ---------------------------------------


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("difficulty: 2 ", f"difficulty: {HUGE} ", "`difficulty` in the case must be a whole number from 1 to 3"),
        ("difficulty: 2 ", f"difficulty: -{HUGE} ", "`difficulty` in the case must be a whole number from 1 to 3"),
        ("time_limit: 900 ", f"time_limit: {HUGE} ",
         "`time_limit` in the case must be a whole number from 1 to 86400"),
        ("pass: 2 ", f"pass: {HUGE} ", "`pass` in stage `history` must be a whole number from 1 to 2"),
        ("attempts: 3 ", f"attempts: {HUGE} ", "`attempts` in stage `history` must be a whole number from 1 to 100"),
        ("weight: 2,", f"weight: {HUGE},", "`weight` in `expect` in stage `history` must be a number more than 0"),
        ("weight: 2,", "weight: 1e999999,", "`weight: 1e999999` in `expect` in stage `history` must be more than 0"),
    ],
    ids=["difficulty", "negative-difficulty", "time_limit", "pass", "attempts", "weight", "weight-exponent"],
)
def test_a_huge_number_is_a_problem_at_its_line_not_a_traceback(old, new, message):
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    found = problems(text)
    assert len(found) == 1, found
    assert found[0].startswith(f"case.yaml:{line_of(text, new.strip())}: {message}")
    assert len(found[0]) < 300  # the number is not printed out in full


def test_a_huge_measure_threshold_is_a_problem_at_its_line():
    text = EXAMPLE.replace(
        "    synonyms: [IFI, ischio-femoral impingement, 坐骨股骨夾擠]\n",
        "    synonyms: [IFI, ischio-femoral impingement, 坐骨股骨夾擠]\n"
        f"    measure: {{of: [IFS], unit: mm, below: {HUGE}}}\n", 1)
    found = problems(text)
    assert len(found) == 1, found
    assert "`below` in `measure` of concept `ifi` must be a number more than 0" in found[0]
    assert len(found[0]) < 300


def test_check_reports_a_huge_difficulty_with_exit_2(tmp_path):
    case = tmp_path / "huge.yaml"
    case.write_text(EXAMPLE.replace("difficulty: 2 ", f"difficulty: {HUGE} "), encoding="utf-8")
    for command in (["check", str(case)], ["grade", str(case), "--stage", "history", "--answer", "x"]):
        done = tutor(*command, tmp_path=tmp_path)
        assert done.returncode == 2, done
        assert "Traceback" not in done.stderr
        assert "huge.yaml:7: `difficulty` in the case must be a whole number from 1 to 3" in done.stderr


def _library_with_a_bad_case(tmp_path: Path, bad_text: str) -> Path:
    library = tmp_path / "dialogues"
    shutil.copytree(REPO / "dialogues", library)
    (library / "cases" / "aaa-bad.yaml").write_text(bad_text, encoding="utf-8")
    return library


def test_one_bad_file_never_hides_the_other_cases_in_tutor_list(tmp_path):
    library = _library_with_a_bad_case(tmp_path, EXAMPLE.replace("difficulty: 2 ", f"difficulty: {HUGE} "))
    shipped = sorted(p.stem for p in (REPO / "dialogues" / "cases").glob("*.yaml"))
    done = tutor("list", tmp_path=tmp_path, env_extra={"TUTOR_DIALOGUES": str(library)})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines()[1:]}
    assert set(shipped) <= listed


def test_the_library_lists_a_case_whose_loading_fails_in_an_unforeseen_way(tmp_path, monkeypatch):
    # Whatever goes wrong inside the loader for one file, the other files are still listed.
    from tutor.cases import library

    library_dir = _library_with_a_bad_case(tmp_path, EXAMPLE.replace("id: format-example", "id: aaa-bad"))
    monkeypatch.setenv("TUTOR_DIALOGUES", str(library_dir))
    real = library.load_case_file

    def flaky(path, shared=None):
        if Path(path).name == "aaa-bad.yaml":
            raise ValueError("an unforeseen bug")
        return real(path, shared)

    monkeypatch.setattr(library, "load_case_file", flaky)
    entries = library.list_cases()
    bad = [e for e in entries if e.problems]
    assert [e.path.name for e in bad] == ["aaa-bad.yaml"]
    assert "ValueError" in str(bad[0].problems[0])
    assert len(entries) == 1 + len(list((REPO / "dialogues" / "cases").glob("*.yaml")))


# -- Major 4: no regular expression takes more than linear time ---------------------


def test_an_emphasis_storm_is_rendered_in_linear_time():
    from tutor.render.wording import plain_markdown

    storm = "**a " * 30000  # 120 KB that no closing ** ever ends
    started = time.process_time()
    assert plain_markdown(storm) == storm.rstrip()
    assert time.process_time() - started < 5  # quadratic: about 85 s


def test_a_paragraph_of_many_short_lines_is_joined_in_linear_time():
    from tutor.render.wording import plain_markdown

    started = time.process_time()
    assert plain_markdown("a\n" * 300_000) == " ".join(["a"] * 300_000)
    assert time.process_time() - started < 5  # joined by repeated +=: minutes


@pytest.mark.parametrize(
    "text, plain",
    [
        ("**bold** and __also__", "bold and also"),
        ("** not bold **", "** not bold **"),
        ("a **b** c **d", "a b c **d"),
        ("***x***", "*x*"),
        ("**a\n\nb**", "**a\n\nb**"),
        ("__snake_case__ **", "snake_case **"),
    ],
)
def test_bold_markers_are_dropped_as_before(text, plain):
    from tutor.render.wording import plain_markdown

    assert plain_markdown(text) == plain


def test_a_case_with_an_emphasis_storm_plays_one_answer_in_time(tmp_path):
    storm = "**a " * 30000
    text = EXAMPLE.replace("    ask: Which features of this history matter?",
                           f"    present: \"{storm}\"\n    ask: Which features of this history matter?")
    case = tmp_path / "storm.yaml"
    case.write_text(text, encoding="utf-8")
    done = tutor("play", str(case), tmp_path=tmp_path, input="atraumatic\n", stdin=None, timeout=120)
    # The loader caps the field, so the case is refused in its own words, or it plays: never a hang.
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 2), done.stderr
    if done.returncode == 2:
        assert re.search(r"storm\.yaml:\d+: `present` in stage `history` is longer than", done.stderr)


def test_the_loader_caps_the_length_of_each_field():
    long_title = "t" * 1000
    found = problems(EXAMPLE.replace("title: Buttock and groin pain in a 48-year-old woman",
                                     f"title: {long_title}"))
    assert found == [f"case.yaml:4: `title` in the case is longer than 300 characters ({len(long_title):,}); "
                     "shorten it"]
    long_text = "word " * 5000
    found = problems(EXAMPLE.replace("explain: The model answer, shown when the stage ends.",
                                     f"explain: {long_text}"))
    assert len(found) == 1 and "`explain` in stage `history` is longer than 20,000 characters" in found[0]
    long_id = "a" * 200
    found = problems(EXAMPLE.replace("id: format-example", f"id: {long_id}"))
    assert len(found) == 1 and "longer than 100 characters" in found[0] and long_id not in found[0]


# -- Minor 8 and 9: huge lines and pastes are cut before any per-character work -------


def test_scripted_play_reads_a_100_mb_line_in_pieces(tmp_path):
    import io
    import tracemalloc

    from tutor.session import LINE_LIMIT, answer_lines

    huge = "no trauma " + "x" * 30_000_000
    stream = io.StringIO(huge + "\n/quit\n")
    stream.readline(1)  # StringIO builds its buffer on first use: not the reader's memory
    stream.seek(0)
    tracemalloc.start()
    try:
        lines = list(answer_lines(stream))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == [huge[:LINE_LIMIT], "/quit\n"]
    assert peak < 10_000_000  # the line is never held whole


def test_a_huge_answer_line_in_scripted_play_is_cut_and_played_in_time(tmp_path):
    script = tmp_path / "answers.txt"
    script.write_bytes(b"no trauma " + b"x" * 100_000_000 + b"\n")
    started = time.monotonic()
    with script.open("rb") as stdin:
        done = tutor("play", "ifi-classic", tmp_path=tmp_path, stdin=stdin, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "> no trauma xxx" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) < 1000
    assert time.monotonic() - started < 60  # 19 s and 1.7 GB before


def test_echo_cuts_before_it_cleans():
    from tutor.render.wording import ECHO_LIMIT, echo

    started = time.process_time()
    shown = echo("a\x1b[31m" * 5_000_000)
    assert time.process_time() - started < 5
    assert len(shown) <= ECHO_LIMIT + 2 and "\x1b" not in shown


def test_the_repl_history_keeps_the_answer_limit_and_stays_small(tmp_path, monkeypatch):
    from tutor import repl
    from tutor.session import ANSWER_LIMIT

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    history = repl._history()
    history.store_string("y" * 10_000_000)
    path = tmp_path / "data" / "answer-history"
    assert path.stat().st_size < ANSWER_LIMIT + 200
    path.write_bytes(b"".join(b"\n# 2026-01-01 00:00:00\n+answer %d\n" % n for n in range(200_000)))
    assert path.stat().st_size > repl.HISTORY_FILE_BYTES
    strings = list(repl._history().load_history_strings())
    assert path.stat().st_size <= repl.HISTORY_FILE_BYTES
    assert strings[0] == "answer 199999"  # the newest entries are the ones kept
    assert all(s.startswith("answer ") for s in strings)


def test_a_huge_paste_into_the_repl_is_cut_to_the_answer_limit(tmp_path, monkeypatch):
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl
    from tutor.cases.library import load_case
    from tutor.session import ANSWER_LIMIT

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    screen = StringIO()
    started = time.process_time()
    with create_pipe_input() as keys:
        def type_it() -> None:  # from another thread: the pipe holds 64 KB until the REPL reads it
            keys.send_text("\x1b[200~no trauma " + "z" * 2_000_000 + "\x1b[201~\r")
            keys.send_text("/quit\r")

        typist = threading.Thread(target=type_it, daemon=True)
        typist.start()
        assert repl.run(load_case("ifi-classic"), input=keys, output=PlainTextOutput(screen)) == 0
        typist.join(timeout=60)
    assert time.process_time() - started < 60  # a hang detector
    history = (tmp_path / "data" / "answer-history").read_text(encoding="utf-8")
    assert "no trauma zzz" in history and len(history) < ANSWER_LIMIT + 500


def test_a_20_mb_bracketed_paste_is_read_in_linear_time_and_cut_before_the_key_bindings():
    from prompt_toolkit.input.vt100_parser import Vt100Parser
    from prompt_toolkit.keys import Keys

    from tutor import repl
    from tutor.session import ANSWER_LIMIT

    pressed = []
    parser = repl.PasteCuttingParser(Vt100Parser(pressed.append))
    chunk = "z" * 1024  # what prompt_toolkit reads from a terminal at a time
    stream = ["ab", "\x1b[20", "0~no trauma "] + [chunk] * 20_000 + ["tail\x1b[2", "01~", "x"]
    started = time.process_time()
    for piece in stream:  # prompt_toolkit's own parser rescans all it holds at each piece: 20 MB took hours
        parser.feed(piece)
        assert time.process_time() - started < 60, "the paste is read in quadratic time"
    parser.flush()
    pastes = [p.data for p in pressed if p.key == Keys.BracketedPaste]
    assert len(pastes) == 1 and pastes[0].startswith("no trauma zzz")
    assert ANSWER_LIMIT <= len(pastes[0]) <= 4 * ANSWER_LIMIT
    assert "".join(p.data for p in pressed if p.key != Keys.BracketedPaste) == "abx"  # keys around it kept


def test_a_paste_cut_by_the_parser_still_ends_where_its_end_mark_is_split_across_reads():
    from prompt_toolkit.input.vt100_parser import Vt100Parser
    from prompt_toolkit.keys import Keys

    from tutor import repl

    for split in range(1, 6):
        pressed = []
        parser = repl.PasteCuttingParser(Vt100Parser(pressed.append))
        whole = "\x1b[200~short paste\x1b[201~q"
        end = whole.index("\x1b[201~") + split
        for piece in (whole[:end], whole[end:]):
            parser.feed(piece)
        parser.flush()
        assert [(p.key, p.data) for p in pressed] == [(Keys.BracketedPaste, "short paste"), ("q", "q")]


# -- Minor 10: closed and full output streams --------------------------------------


def _shell(command: str, tmp_path: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CONFIG_DIR=str(tmp_path / "config"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=timeout, stdin=subprocess.DEVNULL)


TUTOR = f"'{sys.executable}' -m tutor"
GRADE = "grade ifi-classic --stage history --answer 'no trauma'"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["list", "list --json", "check", GRADE])
def test_a_full_disk_on_stdout_is_said_in_one_line(command, tmp_path):
    done = _shell(f"{TUTOR} {command} >/dev/full", tmp_path)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["tutor: cannot write the output: No space left on device"]


@pytest.mark.parametrize("command", ["list", "check", GRADE, "play ifi-classic"])
def test_a_closed_stdout_is_said_not_ignored(command, tmp_path):
    done = _shell(f"{TUTOR} {command} >&-", tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert "standard output is closed" in done.stderr


def test_with_stderr_closed_problems_never_reach_stdout(tmp_path):
    done = _shell(f"{TUTOR} grade no-such-case --stage a --answer b 2>&-", tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""


# -- Minor 11: Ctrl-C at once ------------------------------------------------------


def test_ctrl_c_while_the_command_is_still_starting_leaves_quietly(tmp_path):
    import signal

    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CONFIG_DIR=str(tmp_path / "config"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    # While `main` imports the command's module and builds the parser: SIGINT from inside, at once.
    code = ("import os, signal, sys; import tutor.cli as cli; real = cli.build_parser\n"
            "def interrupted(*a, **k):\n    os.kill(os.getpid(), signal.SIGINT); return real(*a, **k)\n"
            "cli.build_parser = interrupted; sys.exit(cli.main(['list']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=60)
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr
    assert done.returncode == 130
    assert signal.SIGINT  # the signal module is there on every platform the tutor runs on


# -- Minor 13: special files as case paths -----------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")
def test_special_files_as_case_paths_are_named_for_what_they_are(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    expected = {
        "fifo.yaml": "not a regular file",
        "zero.yaml": "not a regular file",
        "loop.yaml": "symbolic links",
    }
    for name, reason in expected.items():
        for command in (["check", name], ["grade", name, "--stage", "history", "--answer", "x"],
                        ["play", name]):
            done = tutor(*command, tmp_path=tmp_path, timeout=60)
            assert done.returncode == 2, (command, done)
            assert "no such file" not in done.stderr
            # About the file as a whole, not a line of it: `name: reason`, no `:1:`.
            assert f"{name}: " in done.stderr and reason in done.stderr, (command, done.stderr)
            assert f"{name}:1:" not in done.stderr
            assert "Traceback" not in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_a_special_file_named_without_a_folder_or_yaml_is_named_for_what_it_is_not_no_such_file(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for name, reason in {"pipe": "not a regular file", "loop": "symbolic links"}.items():
        for command in (["check", name], ["grade", name, "--stage", "history", "--answer", "x"], ["play", name]):
            done = tutor(*command, tmp_path=tmp_path, timeout=60)
            assert done.returncode == 2, (command, done)
            assert "no such file" not in done.stderr, (command, done.stderr)
            assert reason in done.stderr and "Traceback" not in done.stderr, (command, done.stderr)


# -- Minor 15: odd data folders, ids and time limits ---------------------------------


def test_a_data_folder_under_an_unknown_users_home_still_plays(tmp_path):
    env = {"TUTOR_DATA_DIR": "~nosuchuser-of-this-machine/x"}
    done = tutor("play", "ifi-classic", "--record", tmp_path=tmp_path, input="no trauma\n", stdin=None,
                 env_extra=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "something went wrong" not in done.stderr
    assert "Score:" in done.stdout


def test_a_huge_case_id_is_no_such_case(tmp_path):
    done = tutor("play", "a" * 5000, tmp_path=tmp_path)
    assert done.returncode == 2
    assert "File name too long" not in done.stderr and "something went wrong" not in done.stderr
    assert "no case with id" in done.stderr and len(done.stderr) < 2000


@pytest.mark.parametrize("limit", ["0.0001", "0.5", "nan", "inf", "86401"])
def test_a_time_limit_outside_1_s_to_24_h_is_refused(limit, tmp_path):
    done = tutor("play", "ifi-classic", "--time-limit", limit, tmp_path=tmp_path, input="", stdin=None)
    assert done.returncode == 2
    assert "between 1 second and 24 hours" in done.stderr or "not a number of seconds" in done.stderr


# -- Minor 16: messages never quote a file that is not a case -------------------------


@pytest.mark.parametrize("content", ["root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:\n",
                                     "secret-token-abc123\n", "password: hunter2\napi_key: abc\n",
                                     "- secret1\n- secret2\n"])
def test_a_file_that_is_not_a_case_is_refused_without_quoting_it(content, tmp_path):
    path = tmp_path / "not-a-case.yaml"
    path.write_text(content, encoding="utf-8")
    for command in (["check", path.name], ["grade", path.name, "--stage", "a", "--answer", "b"]):
        done = tutor(*command, tmp_path=tmp_path)
        assert done.returncode == 2
        for secret in ("root", "daemon", "secret", "hunter2", "password", "api_key", "abc"):
            assert secret not in done.stderr, done.stderr
        assert re.search(r"not-a-case\.yaml:\d+: ", done.stderr)


def test_the_repl_plays_with_a_data_folder_under_an_unknown_users_home(tmp_path, monkeypatch):
    from io import StringIO

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl
    from tutor.cases.library import load_case

    monkeypatch.setenv("TUTOR_DATA_DIR", "~nosuchuser-of-this-machine/x")
    screen = StringIO()
    with create_pipe_input() as keys:
        keys.send_text("no trauma\r/quit\r")
        assert repl.run(load_case("ifi-classic"), input=keys, output=PlainTextOutput(screen)) == 0
    assert "Score:" in screen.getvalue()


# -- a package the tutor needs is missing from this Python ------------------------------------

MISSING_PACKAGE = """
import sys

class Missing:
    def find_spec(self, name, path=None, target=None):
        if name == {name!r} or name.startswith({name!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

for loaded in [m for m in sys.modules if m == {name!r} or m.startswith({name!r} + ".")]:
    del sys.modules[loaded]
sys.meta_path.insert(0, Missing())
import tutor.cli
sys.exit(tutor.cli.main(["check"]))
"""


def _run_without(name: str, tmp_path):
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CONFIG_DIR=str(tmp_path / "config"),
               TUTOR_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-c", MISSING_PACKAGE.format(name=name)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)


def test_a_missing_dependency_is_said_as_an_install_problem_not_a_bug(tmp_path):
    done = _run_without("yaml", tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "'yaml'" in line and "pip install ." in line and "something went wrong" not in line


def test_a_missing_module_of_the_tutor_itself_is_still_a_bug(tmp_path):
    done = _run_without("tutor.check_command", tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1
    assert "something went wrong inside the tutor (ModuleNotFoundError" in done.stderr
