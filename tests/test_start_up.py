"""`tutor grade` starts with only what it needs, its cache is a shortcut that is never stale, and a
signal during start-up ends the tutor quietly. No test here measures time."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from tutor import cli, prepared
from tutor.cases import library

REPO = Path(__file__).resolve().parent.parent
GRADE = ["grade", "ifi-classic", "--stage", "history", "--answer", "no trauma, pain on long strides"]
NEVER_FOR_GRADE = ("textual", "prompt_toolkit", "platformdirs", "yaml", "ruamel", "pathlib", "shutil",
                   "tutor.cases.loading",
                   "tutor.cases.library", "tutor.engine", "tutor.records", "tutor.render", "tutor.events",
                   "difflib")


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CONFIG_DIR=str(tmp_path / "config"),
               TUTOR_CACHE_DIR=str(tmp_path / "cache"), **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def modules_after_grading(env: dict[str, str]) -> tuple[list[str], str]:
    """The modules of NEVER_FOR_GRADE a fresh `tutor grade` process imported, and what it printed."""
    code = ("import sys\nfrom tutor.entry import main\nstatus = main(sys.argv[1:])\n"
            f"found = sorted(m for m in sys.modules if m.split('.')[0] in {NEVER_FOR_GRADE!r} or m in {NEVER_FOR_GRADE!r})\n"
            "print('MODULES', ','.join(found))\nsys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, *GRADE], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("MODULES")][-1]
    return [m for m in line.removeprefix("MODULES").strip().split(",") if m], done.stdout


def modules_rapidfuzz_imports(env: dict[str, str]) -> set[str]:
    """The modules of NEVER_FOR_GRADE that the matcher's own library pulls in, in this environment.

    Not ours to avoid: rapidfuzz 3.6 imports pathlib and shutil, newer releases do not."""
    code = ("import sys\nimport rapidfuzz, rapidfuzz.process, rapidfuzz.distance\n"
            f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {NEVER_FOR_GRADE!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return {m for m in done.stdout.strip().split(",") if m}


def test_grading_with_a_warm_cache_imports_no_ui_no_yaml_and_not_the_library(tmp_path):
    env = child_env(tmp_path)
    first, first_out = modules_after_grading(env)  # prepares the case: reading YAML is expected here
    assert "textual" not in first and "prompt_toolkit" not in first
    again, again_out = modules_after_grading(env)
    theirs = modules_rapidfuzz_imports(env)
    assert not theirs & {"textual", "prompt_toolkit", "yaml", "platformdirs"}  # so the check below still bites
    assert [m for m in again if m not in theirs] == []
    assert json.loads(again_out.splitlines()[0]) == json.loads(first_out.splitlines()[0])


def test_the_platform_cache_folder_is_found_without_platformdirs(tmp_path):
    env = child_env(tmp_path, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    del env["TUTOR_CACHE_DIR"]
    modules_after_grading(env)
    assert list((tmp_path / "xdg" / "tutor").glob("case-*.prepared"))
    again, _ = modules_after_grading(env)
    assert "platformdirs" not in again


@pytest.mark.parametrize("xdg", [None, "/somewhere/cache", "", "   "])
def test_the_quick_cache_folder_is_the_one_platformdirs_names(xdg, monkeypatch):
    import platformdirs

    from tutor.cache_folder import user_cache_folder

    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    monkeypatch.setenv("HOME", "/home/learner")
    assert user_cache_folder() == platformdirs.user_cache_dir("tutor", appauthor=False)


def test_the_tokenizer_reads_no_yaml_until_it_needs_the_word_data():
    code = "import sys, tutor.matching.tokens, tutor.grading, tutor.prepared; print('yaml' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


# -- the prepared-case cache: stale is never used, damaged is rebuilt --------------------------------


def count_preparations(monkeypatch) -> list[str]:
    prepared_now: list[str] = []
    real = library.load_case

    def loading(ref):
        prepared_now.append(ref)
        return real(ref)

    monkeypatch.setattr(library, "load_case", loading)
    return prepared_now


def own_folder(tmp_path: Path) -> Path:
    """A copy of ifi-classic in a folder with its own lexicon (which extends the shipped one)."""
    cases = tmp_path / "mine" / "cases"
    cases.mkdir(parents=True)
    shutil.copy(REPO / "dialogues" / "cases" / "ifi-classic.yaml", cases / "ifi-classic.yaml")
    (tmp_path / "mine" / "lexicon.yaml").write_text(
        "format: 1\nconcepts:\n  made-up-sign:\n    label: Made-up sign\n    synonyms: [zebra stripe]\n",
        encoding="utf-8")
    return cases / "ifi-classic.yaml"


def test_a_warm_cache_prepares_nothing(tmp_path, monkeypatch):
    case_file = str(own_folder(tmp_path))
    prepared.prepared_grader(case_file)
    preparations = count_preparations(monkeypatch)
    grader = prepared.prepared_grader(case_file)
    assert preparations == []
    assert "made-up-sign" in grader.case.concepts


def test_an_edited_lexicon_is_read_again(tmp_path, monkeypatch):
    case_file = own_folder(tmp_path)
    prepared.prepared_grader(str(case_file))
    lexicon = case_file.parent.parent / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("Made-up sign", "Renamed sign"),
                       encoding="utf-8")
    os.utime(lexicon, ns=(lexicon.stat().st_atime_ns, lexicon.stat().st_mtime_ns + 10**9))
    preparations = count_preparations(monkeypatch)
    grader = prepared.prepared_grader(str(case_file))
    assert preparations == [str(case_file)]
    assert grader.case.concepts["made-up-sign"].label == "Renamed sign"


def test_an_edited_case_file_of_the_same_size_is_read_again(tmp_path, monkeypatch):
    case_file = own_folder(tmp_path)
    before = prepared.prepared_grader(str(case_file))
    text = case_file.read_text(encoding="utf-8")
    edited = text.replace(f"title: {before.case.title[:4]}", f"title: {before.case.title[:4].upper()}", 1)
    assert edited != text and len(edited) == len(text)
    case_file.write_text(edited, encoding="utf-8")
    os.utime(case_file, ns=(case_file.stat().st_atime_ns, case_file.stat().st_mtime_ns + 10**9))
    preparations = count_preparations(monkeypatch)
    after = prepared.prepared_grader(str(case_file))
    assert preparations == [str(case_file)]
    assert after.case.title != before.case.title


def test_other_code_is_never_served_a_cache_made_by_this_code(tmp_path, monkeypatch):
    code = tmp_path / "code.py"
    code.write_text("# the tutor's code, as installed\n", encoding="utf-8")
    real_files = prepared._code_files
    monkeypatch.setattr(prepared, "_code_files", lambda: [*real_files(), str(code)])
    prepared.prepared_grader("ifi-classic")
    code.write_text("# the tutor's code, upgraded: another version\n", encoding="utf-8")
    preparations = count_preparations(monkeypatch)
    prepared.prepared_grader("ifi-classic")
    assert preparations == ["ifi-classic"]
    monkeypatch.setattr(prepared, "__version__", "99.0")
    prepared.prepared_grader("ifi-classic")
    assert preparations == ["ifi-classic", "ifi-classic"]


def whole_file(data: bytes) -> bytes:
    """`data` behind the header and CRC the tutor writes: a file that is whole, whatever it holds."""
    import zlib

    return prepared._HEADER + zlib.crc32(data).to_bytes(4, "big") + data


def with_code(data: dict, where: str) -> dict:
    """The prepared case with a code object (which marshal can hold, and JSON never could) in it."""
    code = compile("print('ran')", "<cache>", "exec")
    if where == "term":
        return {**data, "terms": {**data["terms"], "terms": [[0, code, [0], 0], *data["terms"]["terms"][1:]]}}
    if where == "word":
        return {**data, "terms": {**data["terms"], "words": [[code, "x", False, False, ""],
                                                             *data["terms"]["words"][1:]]}}
    if where == "case":
        return {**data, "case": {**data["case"], "title": code}}
    if where == "word-data":
        return {**data, "words": {**data["words"], "essential": [code]}}
    if where == "phrases":
        return {**data, "phrases_read": {"time_cues": {"past_before": ((code,),)}}}
    return {**data, "arranged": {**data["arranged"], "_spelled_as": {"tendon": code}}}


DAMAGE = ["truncated", "garbage", "nested", "wrong-types", "empty", "bad-word-number", "a-bit-flipped",
          "old-json", "deeply-nested-whole", "no-arrangement-shape", "phrases-shape",
          *(f"code-in-{where}" for where in ("term", "word", "case", "word-data", "phrases", "arranged"))]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_is_ignored_silently_and_rebuilt(damage, capsys):
    import marshal

    expected = prepared.prepared_grader("ifi-classic").grade("history", "no trauma").to_json()
    files = list(prepared.cache_dir().glob("case-*.prepared"))
    assert len(files) == 1
    blob = files[0].read_bytes()
    data = prepared._read_kept(str(files[0]))
    assert isinstance(data["arranged"], dict) and data["phrases_read"]  # so the damage below reaches them

    def rewritten(value: dict) -> bytes:
        return whole_file(marshal.dumps(value))

    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0x10
    damaged = {
        "truncated": blob[: len(blob) // 2],
        "garbage": b"\x00\xff" * 100,
        "nested": b"[" * 100_000 + b"]" * 100_000,
        "wrong-types": rewritten({**data, "terms": {"concepts": 1, "words": "x", "terms": [[None]]}}),
        "empty": b"",
        "bad-word-number": rewritten({**data, "terms": {**data["terms"], "terms": [[0, "t", [10**9], 0]]}}),
        "a-bit-flipped": bytes(flipped),
        "old-json": json.dumps({"key": data["key"], "case": data["case"]}).encode(),
        # A list in a list ... 100,000 deep, as marshal reads it: refused, not a crash.
        "deeply-nested-whole": whole_file(b"[\x01\x00\x00\x00" * 100_000 + b"N"),
        "no-arrangement-shape": rewritten({**data, "arranged": ["_by_word"]}),
        "phrases-shape": rewritten({**data, "phrases_read": {"time_cues": {"past_before": "last year"}}}),
    }.get(damage) or rewritten(with_code(data, damage.removeprefix("code-in-")))
    files[0].write_bytes(damaged)
    assert prepared.prepared_grader("ifi-classic").grade("history", "no trauma").to_json() == expected
    assert prepared._read_kept(str(files[0]))["key"] == data["key"]  # written anew
    assert capsys.readouterr() == ("", "")


def test_a_prepared_case_is_read_back_arranged_as_a_fresh_index():
    prepared.prepared_grader("ifi-classic")
    kept = prepared.prepared_grader("ifi-classic")
    from tutor.matching import index

    fresh = index.ConceptIndex.from_terms(kept.index.terms, kept.index.topic, kept.index.in_play_words,
                                          side=kept.index.side)  # the same terms, topic, words and side
    assert vars(kept.index) == vars(fresh)
    assert {name: type(value) for name, value in vars(kept.index).items()} == \
        {name: type(value) for name, value in vars(fresh).items()}
    read = index.phrases_read()
    index._TIME_CUES.clear()
    assert index.phrases_read() == read  # read afresh from the word data


def test_an_ascii_answer_on_a_prepared_case_needs_neither_the_full_tokenizer_nor_a_fuzzy_search(tmp_path):
    code = ("import sys\nfrom tutor.entry import main\nstatus = main(sys.argv[1:])\n"
            "from tutor.matching import tokens\n"
            "print('FULL', tokens._TOKEN is not None, 'RAPIDFUZZ', 'rapidfuzz' in sys.modules)\nsys.exit(status)")
    env = child_env(tmp_path)
    subprocess.run([sys.executable, "-c", code, *GRADE], capture_output=True, env=env, cwd=REPO, timeout=120)
    done = subprocess.run([sys.executable, "-c", code, *GRADE], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120)
    assert "FULL False RAPIDFUZZ False" in done.stdout, done.stderr  # every word known: no slip to look for
    typo = [*GRADE[:-1], "no traumma, pain on long strides"]
    done = subprocess.run([sys.executable, "-c", code, *typo], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120)
    assert "FULL False RAPIDFUZZ True" in done.stdout, done.stderr
    assert "no-trauma" in json.loads(done.stdout.splitlines()[0])["matched"]


def test_the_word_data_kept_in_the_cache_is_the_word_data_read_from_words_yaml():
    from tutor.matching import tokens

    prepared.prepared_grader("ifi-classic")
    file = next(prepared.cache_dir().glob("case-*.prepared"))
    kept = prepared._decode_words(prepared._read_kept(str(file))["words"])
    assert kept == tokens.read_word_data(tokens.shipped_words_file())
    assert kept.same_word["hurts"] == "pain" and kept.same_cjk["痛"] == "pain"


# -- the command line: one subcommand's parser reads exactly as the whole one ------------------------


def help_and_errors(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    from contextlib import redirect_stderr

    with redirect_stdout(out), redirect_stderr(err):
        try:
            result = parser.parse_args(argv)
            print(sorted(vars(result).items()))
        except SystemExit as done:
            print("exit", done.code)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("columns", ["80", "132", "50"])
@pytest.mark.parametrize("argv", [
    ["grade", "--help"], ["grade"], ["grade", "x", "--stage"], ["grade", "x", "--stage", "h", "--answer", "a"],
    ["grade", "x", "--bogus"], ["play", "--help"], ["misses", "--add-example", "a", "--add-synonym", "b"],
    ["drill", "--cases", "0"], ["check", "--strict", "a", "b"], ["schema"], ["list", "--json"],
])
def test_one_commands_parser_reads_as_the_whole_parser(argv, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", columns)
    assert help_and_errors(cli.build_parser(argv[0]), argv) == help_and_errors(cli.build_parser(), argv)


@pytest.mark.parametrize("columns", ["80", "132", "50"])
def test_the_help_is_laid_out_as_argparse_lays_it_out(columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", columns)
    ours = [cli.build_parser().format_help(), *(help_and_errors(cli.build_parser(name), [name, "--help"])
                                                for name in cli.COMMANDS)]
    monkeypatch.setattr(cli, "_HelpFormatter", argparse.HelpFormatter)
    assert ours == [cli.build_parser().format_help(), *(help_and_errors(cli.build_parser(name), [name, "--help"])
                                                        for name in cli.COMMANDS)]


def test_every_command_has_a_module():
    assert set(cli.COMMANDS) | {None} == set(cli.COMMAND_MODULES)


# -- signals during start-up ----------------------------------------------------------------------


SIGNAL_WHILE_LOADING = """
import os, signal, sys
import tutor.entry

class SignalOnImport:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), signal.{signal})
        return None

sys.meta_path.insert(0, SignalOnImport())
sys.exit(tutor.entry.main({argv!r}))
"""


@pytest.mark.parametrize("sig, status", [("SIGINT", 130), ("SIGTERM", 143)])
@pytest.mark.parametrize("module", ["tutor.cli", "tutor.grade_command", "tutor.prepared"])
def test_a_signal_while_the_tutor_loads_ends_it_quietly(sig, status, module, tmp_path):
    code = SIGNAL_WHILE_LOADING.format(module=module, signal=sig, argv=GRADE)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(tmp_path),
                          cwd=tmp_path, timeout=120)
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr
    assert done.stdout == ""
    if module == "tutor.cli":  # before the command runs: the entry's quiet exit
        assert done.returncode == status
    elif sig == "SIGINT":  # once it runs, Ctrl-C is cli.main's to answer: the same status
        assert done.returncode == 130
    else:  # and SIGTERM ends it as the system ends any program, without a word
        assert done.returncode == -signal.SIGTERM


def test_a_signal_after_the_command_has_finished_leaves_its_output_and_status(tmp_path):
    code = ("import os, signal, sys\nimport tutor.entry\nstatus = tutor.entry.main(sys.argv[1:])\n"
            "os.kill(os.getpid(), signal.SIGINT)\nsys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, *GRADE], capture_output=True, text=True,
                          env=child_env(tmp_path), cwd=tmp_path, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["matched"]
    assert done.returncode == 130


def test_a_signal_ignored_when_the_tutor_started_stays_ignored(tmp_path):
    code = ("import os, signal, sys\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nimport tutor.entry\n"
            "os.kill(os.getpid(), signal.SIGINT)\nstatus = tutor.entry.main(sys.argv[1:])\n"
            "assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN\nsys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, *GRADE], capture_output=True, text=True,
                          env=child_env(tmp_path), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["matched"]


def test_python_dash_m_tutor_and_the_console_script_start_at_the_entry():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'tutor = "tutor.entry:run"' in text
    assert "from tutor.entry import run" in (REPO / "tutor" / "__main__.py").read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "import sys, tutor.entry; print(sorted(m for m in sys.modules "
                           "if m.startswith('tutor')))"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.stdout.strip() == "['tutor', 'tutor.entry']", done.stderr


# -- what start-up puts off: the same tokens, the same sides; the collector waits --------------------


def corpus_answers() -> list[str]:
    from tutor.evaluation import read_corpus

    return [item.answer for folder in ("corpus", "newauthor/answers")
            for item in read_corpus(REPO / "tests" / folder)]


EXTRA_TEXTS = ["w/o edema, +ve FADIR, f/u 6 wks", "don't", "won’t", "R-sided pain", "the LEFT.", "LT hip",
               "lying on his right side", "IFS 9mm; T1: low, T2: high", "café naïve", "+ and & ＋", "≤ 17 mm",
               "MRI顯示QF水腫", "abc中文def", "右髖疼痛，左側正常", "left 髖", "ſ s", "K\u212a"]


def test_ascii_text_is_tokenized_as_the_full_pattern_tokenizes_it():
    from tutor.matching import tokens

    full = tokens._token_pattern(tokens._CJK_RANGES)
    texts = corpus_answers() + EXTRA_TEXTS
    assert sum(text.isascii() for text in texts) > 500 and not all(text.isascii() for text in texts)
    for text in texts:
        assert [(m.lastgroup, m.span()) for m in tokens._token_matches(text)] == \
            [(m.lastgroup, m.span()) for m in full.finditer(text)], text


def test_ascii_text_names_the_sides_the_full_pattern_finds():
    import re

    from tutor import sides

    full = re.compile(sides._SIDE_WORD + r"|([左右][\u4e00-\u9fff])")
    for text in corpus_answers() + EXTRA_TEXTS:
        assert [(m.span(), m.groups()) for m in sides._side_pattern(text).finditer(text)] == \
            [(m.span(), m.groups()) for m in full.finditer(text)], text


COLLECTOR_AFTER = ("import gc, sys\nfrom tutor.entry import main\nstatus = main(sys.argv[1:])\n"
                   "print('COLLECTING', gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)\n"
                   "sys.exit(status)")


@pytest.mark.parametrize("command, collecting", [(GRADE, False), (["list"], True), (["grade", "ifi-classic"], False)])
def test_the_collector_waits_through_one_graded_answer_and_runs_for_other_work(command, collecting, tmp_path):
    done = subprocess.run([sys.executable, "-c", COLLECTOR_AFTER, *command], capture_output=True, text=True,
                          env=child_env(tmp_path), cwd=REPO, timeout=120)
    # Either way what start-up made is set aside: resumed with it frozen, or frozen for the way out.
    assert f"COLLECTING {collecting} True" in done.stderr, done.stderr


def test_a_batch_is_graded_with_the_collector_running(tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"stage": "history", "answer": "no trauma"}\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", COLLECTOR_AFTER, "grade", "ifi-classic", "--batch", str(batch)],
                          capture_output=True, text=True, env=child_env(tmp_path), cwd=REPO, timeout=120)
    assert json.loads(done.stdout)["matched"] == ["no-trauma"]
    assert "COLLECTING True" in done.stderr, done.stderr


def test_the_tutor_run_inside_another_program_leaves_its_collector_alone(capsys):
    import gc

    assert gc.isenabled()
    assert cli.main(GRADE) == 0
    assert json.loads(capsys.readouterr().out)["matched"]
    assert gc.isenabled()


@pytest.mark.parametrize("to_a_file", [False, True])
def test_a_short_run_ends_at_once_with_all_its_output_and_its_status(to_a_file, tmp_path):
    env = child_env(tmp_path)
    answer = "no trauma, pain on long strides " * 60  # a long line: more than one write's worth of JSON
    out = tmp_path / "out.json"
    with open(out, "w", encoding="utf-8") as sink:
        done = subprocess.run([sys.executable, "-m", "tutor", *GRADE[:-1], answer],
                              stdout=sink if to_a_file else subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = out.read_text(encoding="utf-8") if to_a_file else done.stdout
    assert json.loads(printed)["answer"] == answer and printed.endswith("}\n")
    wrong = subprocess.run([sys.executable, "-m", "tutor", "grade", "ifi-classic", "--stage", "nowhere", "--answer",
                            "x"], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert wrong.returncode == 2 and wrong.stderr.startswith("--stage:"), wrong.stderr
