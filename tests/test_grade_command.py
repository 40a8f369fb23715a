"""`tutor grade` as authors and scripts call it: JSON out, file:line problems and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORMAT_EXAMPLE = ROOT.parent / "shared" / "examples" / "format-example.yaml"
needs_example = pytest.mark.skipif(not FORMAT_EXAMPLE.exists(), reason="../shared/examples is not beside the repo")


def tutor(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60
    )


@needs_example
def test_one_answer_gives_one_json_object():
    run = tutor("grade", str(FORMAT_EXAMPLE), "--stage", "history", "--answer", "atraumatic, worse with long strides")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["stage"] == "history"
    assert result["matched"] == ["no-trauma"]
    assert result["missing"] == ["ifi"]
    assert result["credit"] == pytest.approx(1 / 3, abs=0.001)
    assert result["evidence"]["no-trauma"]["text"] == "atraumatic"


@needs_example
def test_misconceptions_and_denials_are_reported():
    run = tutor("grade", str(FORMAT_EXAMPLE), "--stage", "history", "--answer",
                "hamstring tendinosis, not hip OA, no IFI")
    result = json.loads(run.stdout)
    assert result["misconceptions"] == ["hamstring-tendinopathy"]
    assert set(result["negated"]) == {"hip-oa", "ifi"}
    assert result["matched"] == [] and result["credit"] == 0


@needs_example
def test_batch_keeps_order(tmp_path):
    batch = tmp_path / "answers.jsonl"
    lines = [
        {"stage": "history", "answer": "there was a fall"},
        {"stage": "history", "answer": "IFI; denies trauma"},
        {"stage": "history", "answer": "坐骨股骨夾擠"},
    ]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    run = tutor("grade", str(FORMAT_EXAMPLE), "--batch", str(batch))
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["answer"] for r in results] == [x["answer"] for x in lines]
    assert [r["matched"] for r in results] == [[], ["no-trauma", "ifi"], ["ifi"]]
    assert results[1]["credit"] == 1.0


@needs_example
def test_bad_batch_lines_are_reported_with_their_line(tmp_path):
    batch = tmp_path / "bad.jsonl"
    batch.write_text('{"stage": "history", "answer": "IFI"}\nnot json\n{"stage": "nope", "answer": "x"}\n[1]\n')
    run = tutor("grade", str(FORMAT_EXAMPLE), "--batch", str(batch))
    assert run.returncode == 2
    # The format page: the good lines are still graded, in order; each bad line is reported.
    graded = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(g["stage"], g["answer"], g["matched"]) for g in graded] == [("history", "IFI", ["ifi"])]
    errors = run.stderr.splitlines()
    assert errors[0].startswith(f"{batch}:2: ")
    assert errors[1].startswith(f"{batch}:3: ") and "`nope`" in errors[1]
    assert errors[2].startswith(f"{batch}:4: ")
    assert "Traceback" not in run.stderr


@needs_example
def test_unknown_stage_and_missing_case_exit_2():
    run = tutor("grade", str(FORMAT_EXAMPLE), "--stage", "imaging", "--answer", "x")
    assert run.returncode == 2 and "imaging" in run.stderr and "history" in run.stderr
    run = tutor("grade", "/no/such/case.yaml", "--stage", "history", "--answer", "x")
    assert run.returncode == 2 and "Traceback" not in run.stderr and run.stderr.strip()
    run = tutor("grade", str(FORMAT_EXAMPLE))
    assert run.returncode == 2 and "--batch" in run.stderr


def test_grade_and_help_do_not_import_textual():
    code = (
        "import sys; from tutor.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "import tutor.grade_command, tutor.grading\n"
        "assert 'textual' not in sys.modules and 'prompt_toolkit' not in sys.modules, 'UI imported'\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr


def test_escape_and_bidi_characters_in_an_answer_never_reach_the_terminal_raw():
    run = tutor("grade", "ifi-classic", "--stage", "history", "--answer", "no trauma \x1b[31m\u202e\u0085")
    assert run.returncode == 0, run.stderr
    assert not any(ch in run.stdout for ch in "\x1b\u202e\u0085")
    assert json.loads(run.stdout)["answer"] == "no trauma \x1b[31m\u202e\u0085"  # as given, escaped in JSON


def test_a_lone_surrogate_escape_in_a_batch_answer_is_graded_not_a_traceback(tmp_path):
    # "\ud800" is valid JSON; the answer it gives cannot be written out as UTF-8 unless escaped again.
    batch = tmp_path / "answers.jsonl"
    batch.write_text('{"stage": "history", "answer": "no trauma \\ud800"}\n', encoding="utf-8")
    run = tutor("grade", "ifi-classic", "--batch", str(batch))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    result = json.loads(run.stdout)
    assert result["answer"] == "no trauma \ud800"  # as given, escaped in JSON
    assert "no-trauma" in result["matched"]


def test_a_batch_line_nested_too_deeply_is_a_problem_with_its_line(tmp_path):
    batch = tmp_path / "deep.jsonl"
    batch.write_text('{"stage": "history", "answer": "no trauma"}\n' + "[" * 100_000 + "]" * 100_000 + "\n",
                     encoding="utf-8")
    run = tutor("grade", "ifi-classic", "--batch", str(batch))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"{batch}:2: ")
    assert [json.loads(line)["answer"] for line in run.stdout.splitlines()] == ["no trauma"]


def test_a_batch_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    # Windows Notepad saves "UTF-8" with a BOM in front of the first line.
    batch = tmp_path / "answers.jsonl"
    batch.write_bytes('{"stage": "history", "answer": "no trauma"}\r\n'.encode("utf-8-sig"))
    run = tutor("grade", "ifi-classic", "--batch", str(batch))
    assert run.returncode == 0, run.stderr
    assert "no-trauma" in json.loads(run.stdout)["matched"]


def test_json_stays_valid_when_stdout_cannot_encode_the_answer(tmp_path):
    # A Windows pipe writes cp1252 (and a Latin-1 locale latin-1): Chinese and emoji have no byte there.
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    answer = "坐骨股骨夾擠, no trauma 😀"
    run = subprocess.run(
        [sys.executable, "-m", "tutor", "grade", "ifi-classic", "--stage", "history", "--answer", answer],
        capture_output=True, cwd=ROOT, env=env, timeout=60,
    )
    assert run.returncode == 0, run.stderr.decode("cp1252", "replace")
    assert b"Traceback" not in run.stderr
    result = json.loads(run.stdout.decode("cp1252"))
    assert result["answer"] == answer
    assert "no-trauma" in result["matched"]


def test_a_batch_file_that_cannot_be_read_is_reported_by_its_name_alone(tmp_path):
    missing = tmp_path / "no-such-answers.jsonl"
    run = tutor("grade", "ifi-classic", "--batch", str(missing))
    assert run.returncode == 2
    # No line of the file is involved: `file: message`, not a `:1:` that points at nothing.
    assert run.stderr.startswith(f"{missing}: cannot read the batch file")
    assert "Traceback" not in run.stderr


def test_words_that_earn_an_expected_concept_are_not_also_a_wrong_answer():
    run = tutor("grade", "apophyseal-avulsion-ifs", "--stage", "management", "--answer",
                "physio; surgical excision of the fragment if conservative fails")
    result = json.loads(run.stdout)
    assert "surgery-if-refractory" in result["matched"]
    assert result["misconceptions"] == []
    run = tutor("grade", "apophyseal-avulsion-ifs", "--stage", "management", "--answer", "surgical excision now")
    assert json.loads(run.stdout)["misconceptions"] == ["surgical-intervention"]
