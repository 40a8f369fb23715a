"""Issue 10 item 9 and the QA pass of 2026-12-01: messages and tables a learner reads.

- No `:1:` where no line of a file is involved: `path: message` (a missing file, a folder,
  an unknown case id); `file:line: message` stays wherever there is a line.
- One did-you-mean for an unknown case id, stage, command or choice, not a list after it.
- `tutor grade --stage` takes a stage's id or a name the tutor shows for it.
- Every table of `tutor stats` and the drill fits 80 columns.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.drill import DrillLine, table
from tutor.render.columns import cut, fit_table, wrap_items
from tutor.suggestions import did_you_mean, with_choice_suggestion

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120  # seconds: far above normal, only to catch a hang
LONGEST_SHIPPED_ID = "hamstring-tendinopathy-bursitis"


def tutor(*args: str, input: str | None = None, env: dict | None = None, columns: int = 80):
    full = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": str(columns), **(env or {})}
    return subprocess.run([sys.executable, "-m", "tutor", *args], input=input if input is not None else "",
                          capture_output=True, text=True, env=full, cwd=REPO, timeout=TIMEOUT)


def widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


# -- no `:1:` where no line is involved -------------------------------------------------


@pytest.mark.parametrize("command", [["play"], ["grade", "--stage", "history", "--answer", "x"], ["check"]])
def test_a_missing_file_or_a_folder_is_named_without_a_line(command, tmp_path):
    missing = tmp_path / "nonexist.yaml"
    for path, reason in ((missing, "no such file"), (tmp_path, "this is a folder")):
        if command == ["check"] and path == tmp_path:
            continue  # a folder is what `tutor check` looks into
        done = tutor(command[0], str(path), *command[1:])
        assert done.returncode == 2, done
        assert done.stderr.startswith(f"{path}: {reason}"), done.stderr
        assert ":1:" not in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_case_id_is_one_line_with_one_suggestion():
    done = tutor("play", "ifi-clasic")
    assert done.returncode == 2
    assert done.stderr == "ifi-clasic: no case with id `ifi-clasic` and no such file; did you mean `ifi-classic`?\n"
    done = tutor("grade", "zebra-case", "--stage", "history", "--answer", "x")
    assert done.returncode == 2 and ":1:" not in done.stderr
    assert done.stderr.strip().endswith("`tutor list` shows the 12 cases") or "did you mean" in done.stderr
    assert "known cases" not in done.stderr and done.stderr.count("\n") == 1


def test_a_line_is_still_named_where_there_is_one(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nid: broken\ntitle: [unclosed\n", encoding="utf-8")
    done = tutor("check", str(broken))
    assert done.returncode == 2
    assert re.match(rf"{re.escape(str(broken))}:\d+: ", done.stderr), done.stderr


# -- one did-you-mean ------------------------------------------------------------------------


def test_did_you_mean_offers_the_nearest_or_the_few_an_id_starts_with():
    assert did_you_mean("ifi-clasic", ["ifi-classic", "toh-pregnancy"]) == "did you mean `ifi-classic`?"
    assert did_you_mean("toh", ["toh-a", "toh-b", "ifi"]) == "did you mean `toh-a` or `toh-b`?"
    assert did_you_mean("x", ["x-1", "x-2", "x-3", "x-4"]) == ""  # four is a list, not a suggestion
    assert did_you_mean("zebra", ["ifi-classic"]) == ""


def test_a_mistyped_command_or_choice_gets_one_suggestion():
    done = tutor("lst")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "tutor: error: 'lst' is not a command; did you mean `list`?"
    done = tutor("export", "--format", "jsn")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].endswith("'jsn' is not a choice; did you mean `json`?")
    assert with_choice_suggestion("the following arguments are required: CASE") == \
        "the following arguments are required: CASE"


def test_a_mistyped_slash_command_in_play_gets_one_suggestion():
    done = tutor("play", "ifi-classic", input="/hnt\n/frobnicate\n/quit\n")
    assert done.returncode == 0, done.stderr
    assert "I don't know the command /hnt. Did you mean /hint?" in done.stdout
    assert "I don't know the command /frobnicate. Commands: /hint, /next, /skip, /quit, /help." in done.stdout


# -- stage ids and the names shown -------------------------------------------------------------


@pytest.mark.parametrize("given, stage", [
    ("management", "management"), ("Management", "management"), ("report", "report"), ("REPORT", "report"),
    ("5", "report"), ("final diagnosis", "diagnosis"), ("Differential diagnosis", "differential"),
    ("History", "history"),
])
def test_grade_takes_a_stage_id_or_the_name_the_tutor_shows(given, stage):
    import json

    done = tutor("grade", "ifi-classic", "--stage", given, "--answer", "conservative")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stage"] == stage  # the output names the stage by its id, as the format says


def test_a_stage_shown_by_its_own_title_is_found_by_it_and_its_kind_names_the_other():
    import json

    # ifi-classic's report stage is of kind findings; the tutor shows it as "Report".
    for given, stage in (("Report", "report"), ("Imaging findings", "findings"), ("findings", "findings")):
        done = tutor("grade", "ifi-classic", "--stage", given, "--answer", "IFS 9 mm")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["stage"] == stage


def test_a_name_two_stages_share_is_refused_with_both_ids_and_a_typo_gets_one_suggestion(tmp_path):
    case = tmp_path / "two-titles.yaml"
    case.write_text(
        "format: 1\nid: two-titles\ntitle: Two stages, one title\nsource: for the test\n"
        "concepts:\n  a: {label: Alpha}\nstages:\n"
        "  - {id: first, kind: findings, title: Images, ask: What, expect: [a], explain: A.}\n"
        "  - {id: second, kind: findings, title: Images, ask: What, expect: [a], explain: A.}\n",
        encoding="utf-8")
    done = tutor("grade", str(case), "--stage", "images", "--answer", "x")
    assert done.returncode == 2, done.stderr
    assert "`first` (stage 1) and `second` (stage 2)" in done.stderr
    done = tutor("grade", "ifi-classic", "--stage", "managment", "--answer", "x")
    assert done.returncode == 2
    assert done.stderr == "--stage: no stage `managment` in case `ifi-classic`; did you mean `management`?\n"


def test_a_batch_line_may_name_a_stage_as_shown(tmp_path):
    import json

    batch = tmp_path / "answers.jsonl"
    batch.write_text('{"stage": "Final diagnosis", "answer": "IFI"}\n{"stage": "diagnosys", "answer": "IFI"}\n',
                     encoding="utf-8")
    done = tutor("grade", "ifi-classic", "--batch", str(batch))
    assert done.returncode == 2
    assert [json.loads(line)["stage"] for line in done.stdout.splitlines()] == ["diagnosis"]
    assert done.stderr.startswith(f"{batch}:2: no stage `diagnosys`") and "did you mean `diagnosis`?" in done.stderr


# -- tables within 80 columns ------------------------------------------------------------------


def test_fit_table_cuts_the_shrinkable_column_with_an_ellipsis():
    rows = [("Case", "Plays"), ("a" * 100, "3"), ("short", "12")]
    lines = fit_table(rows, 40, right={1}, shrinkable=(0,))
    assert widest("\n".join(lines)) <= 40
    assert lines[1].startswith("a" * 10) and "…" in lines[1] and lines[1].endswith("3")
    assert lines[2].startswith("short ")
    assert cut("坐骨股骨夾擠", 5) == "坐骨…"  # cells, not characters: each takes two


def test_wrap_items_breaks_between_items():
    items = ["Third trimester of pregnancy", "No history of trauma", "No fever", "Bone marrow edema"]
    lines = wrap_items(items, 40)
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(lines) == "; ".join(items)
    assert not lines[-1].endswith(";")


def test_the_drill_table_fits_80_columns_and_never_cuts_the_misses():
    misses = ("Third trimester of pregnancy", "No history of trauma", "No fever", "No steroid use",
              "Bone marrow edema of the femoral head and neck", "Transient osteoporosis of the hip")
    lines = [DrillLine(LONGEST_SHIPPED_ID, "t", "time", 0.04, 600, 600, misses),
             DrillLine("toh-pregnancy", "t", "finished", 0.5, 61, 600, ("Missed thing",)),
             DrillLine("ifi-classic", "t", "not played")]
    for width in (80, 60, 120):
        text = table(lines, width)
        assert widest(text) <= width, text
        flat = " ".join(text.split())
        for label in misses:
            assert label in flat, (label, text)  # wrapped, never cut
        if width >= 80:
            assert LONGEST_SHIPPED_ID in text  # the id is not cut when there is room
            # The list ends where the row ends, not in a bare ";" (QA #15).
            assert not re.search(r";\s*$", text.split(LONGEST_SHIPPED_ID)[1].split("toh-pregnancy")[0])


def test_a_drill_on_a_pipe_ends_with_a_table_within_80_columns(tmp_path):
    env = {"TUTOR_DATA_DIR": str(tmp_path / "data")}
    done = tutor("drill", LONGEST_SHIPPED_ID, "toh-pregnancy", "--time-limit", "600",
                 input="piriformis\n/skip\n/quit\n", env=env)
    assert done.returncode == 0, done.stderr
    summary = done.stdout.split("## Drill summary")[1]
    assert widest(summary) <= 80, summary
    assert LONGEST_SHIPPED_ID in summary


def test_tutor_stats_fits_80_columns_with_the_longest_shipped_id(tmp_path):
    env = {"TUTOR_DB": str(tmp_path / "records.sqlite3")}
    for case in (LONGEST_SHIPPED_ID, "toh-pregnancy"):
        played = tutor("play", case, "--record", input="atraumatic\nnot sure\n/skip\n/quit\n", env=env)
        assert played.returncode == 0, played.stderr
    done = tutor("stats", env=env)
    assert done.returncode == 0, done.stderr
    assert "## Cases" in done.stdout and "## Concepts, weakest first" in done.stdout
    assert widest(done.stdout) <= 80, done.stdout
    assert LONGEST_SHIPPED_ID in done.stdout  # the id whole: the dates give up room first
    wide = tutor("stats", env=env, columns=120)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", wide.stdout)  # with room, the time of day is kept
