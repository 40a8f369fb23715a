"""`tutor misses`: learners' answers the case did not know, from records made by playing;
`--add-example` / `--add-synonym` change one list of the case file and nothing else."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CASE = textwrap.dedent("""\
    # A case for the misses tests.   (a comment that must survive)
    format: 1
    id: misses-case
    title: "Buttock pain"   # quoted on purpose
    source: Invented for the misses tests
    concepts:
      bench-worse:
        label: Worse on the bench
        synonyms: [bench pain, bench hurts]   # flow list
      garden-pain:
        label: Pain in the garden
        synonyms:
          - garden pain
          # trailing comment inside a block list
    stages:
      - id: history
        kind: history
        ask: What in the story matters?
        expect: [bench-worse, garden-pain]
        pass: 2
        explain: It is worse on the bench and in the garden.
        examples:
          - {answer: "bench pain", matches: [bench-worse]}

      # A comment between stages.
      - id: diagnosis
        ask: What is it?
        expect: [ifi]
        explain: Ischiofemoral impingement.
    """)


def tutor(*args: str, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    full = dict(os.environ, **env)
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), full.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=full,
                          cwd=REPO, input=stdin, timeout=120)


@pytest.fixture
def played(tmp_path):
    """A case file and a records file made by playing it twice from a pipe with --record."""
    case = tmp_path / "misses-case.yaml"
    case.write_text(CASE, encoding="utf-8")
    env = {"TUTOR_DB": str(tmp_path / "records.sqlite3"), "TUTOR_DATA_DIR": str(tmp_path / "data"),
           "TUTOR_CONFIG_DIR": str(tmp_path / "config"), "TUTOR_CACHE_DIR": str(tmp_path / "cache")}
    for answers in ("it aches on a chair\nmy hip\n/skip\nIFI\n\n",
                    "It aches on a  chair\nbench pain\n/skip\n/quit\n"):
        result = tutor("play", str(case), "--record", env=env, stdin=answers)
        assert result.returncode == 0, result.stderr
    return case, env


def test_misses_lists_each_stage_s_unknown_answers_grouped_and_counted(played):
    case, env = played
    result = tutor("misses", str(case), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "misses-case / history: 4 missed answers"
    assert lines[1].startswith("    2x  'it aches on a chair'  matched nothing; closest: ")
    assert lines[1].split("closest: ")[1].split(":")[0] in ("bench-worse", "garden-pain")  # a stage concept
    # Earned a concept, but the stage needed two and was skipped.
    assert lines[2].startswith("    1x  'bench pain'  earned too little; finds now: bench-worse")
    assert lines[3].startswith("    1x  'my hip'  matched nothing")
    assert not any("diagnosis" in line for line in lines)  # passed with 'IFI'

    later = tutor("misses", str(case), "--since", "2999-01-01", env=env)
    assert later.returncode == 0 and "No missed answers" in later.stdout
    bad = tutor("misses", str(case), "--since", "yesterday", env=env)
    assert bad.returncode == 2 and "--since: not a date" in bad.stderr


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_add_example_and_synonym_change_one_list_and_keep_the_rest_byte_for_byte(played):
    case, env = played
    before = case.read_text(encoding="utf-8")
    added = tutor("misses", str(case), "--add-example", "it aches on a chair", "--stage", "history",
                  "--matches", "", env=env)
    assert added.returncode == 0, added.stderr
    after_example = case.read_text(encoding="utf-8")
    assert changed_lines(before, after_example) == [
        '+      - {answer: "it aches on a chair", matches: []}']
    assert after_example.replace('      - {answer: "it aches on a chair", matches: []}\n', "") == before

    synonym = tutor("misses", str(case), "--add-synonym", "hurts on a bench", "--concept", "bench-worse", env=env)
    assert synonym.returncode == 0, synonym.stderr
    after_synonym = case.read_text(encoding="utf-8")
    assert changed_lines(after_example, after_synonym) == [
        "-    synonyms: [bench pain, bench hurts]   # flow list",
        "+    synonyms: [bench pain, bench hurts, hurts on a bench] # flow list",  # the list grew into the gap
    ]
    block = tutor("misses", str(case), "--add-synonym", "pain in the garden", "--concept", "garden-pain", env=env)
    assert block.returncode == 0, block.stderr
    assert changed_lines(after_synonym, case.read_text(encoding="utf-8")) == ["+      - pain in the garden"]
    text = case.read_text(encoding="utf-8")
    assert "      - pain in the garden\n      # trailing comment inside a block list\n" in text

    # The example added without --matches pins what the matcher finds; the file still checks.
    pinned = tutor("misses", str(case), "--add-example", "garden pain and bench pain", "--stage", "history",
                   env=env)
    assert pinned.returncode == 0, pinned.stderr
    assert "matches: [" in pinned.stdout
    checked = tutor("check", str(case), env=env)
    assert checked.returncode == 0, checked.stderr


def test_adding_is_refused_without_touching_the_file(played, tmp_path):
    case, env = played
    before = case.read_bytes()
    for args, message in [
        (["--add-synonym", "x y", "--concept", "ifi"], "is not defined in this file"),
        (["--add-synonym", "Bench Hurts", "--concept", "bench-worse"], "already has the synonym"),
        (["--add-example", "x", "--stage", "nowhere"], "no stage `nowhere`"),
        (["--add-example", "x"], "needs --stage"),
    ]:
        result = tutor("misses", str(case), *args, env=env)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert case.read_bytes() == before
    odd = tmp_path / "odd.yaml"
    shutil.copy(case, odd)
    odd.write_text(case.read_text(encoding="utf-8").replace("title:", "title:       ", 1).replace(
        "  bench-worse:", "  bench-worse:").replace("    synonyms: [bench pain, bench hurts]",
                                                        "    synonyms: [ bench pain ,bench hurts ]"),
                   encoding="utf-8")
    odd_before = odd.read_bytes()
    result = tutor("misses", str(odd), "--add-synonym", "z", "--concept", "bench-worse", env=env)
    assert result.returncode == 2 and "add it by hand" in result.stderr
    assert odd.read_bytes() == odd_before
