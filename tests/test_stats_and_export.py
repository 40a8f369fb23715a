"""`tutor stats` and `tutor export` over real records files."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from test_engine import build_case
from tutor import stats as statistics
from tutor.engine import Answer, AskHint, Skip, advance, open_case
from tutor.export_command import ANSWER_COLUMNS, RESULT_COLUMNS, rows_of, spreadsheet_safe, write_csv
from tutor.grading import CaseGrader
from tutor.records import Records

NOW = 1_700_000_000.0
REPO = Path(__file__).resolve().parents[1]
FIXTURE_V1 = Path(__file__).parent / "fixtures" / "records-v1.sqlite3"


def play(records, case, actions, at):
    session, events = open_case(case, CaseGrader(case), at=at)
    records.save(session, events)
    for action in actions:
        session, events = advance(session, action)
        records.save(session, events)
    return session


@pytest.fixture
def history_file(tmp_path):
    case = build_case()
    path = tmp_path / "records.sqlite3"
    with Records.open(path, front_end="script") as records:
        play(records, case, [Answer("hamstring tendinosis", at=NOW + 10), Skip(at=NOW + 30), Skip(at=NOW + 40)], NOW)
        play(records, case, [Answer("=HYPERLINK(\"http://x\")", at=NOW + 1010), AskHint(at=NOW + 1020),
                             Answer("atraumatic, worse with long strides, IFI", at=NOW + 1030),
                             Answer("IFI", at=NOW + 1050)], NOW + 1000)
        play(records, case, [Answer("-1 @home +2", at=NOW + 2010)], NOW + 2000)  # never finished
    return path


def run_tutor(args, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TUTOR_DB": str(db), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120)


def test_stats_per_case_concept_pair_and_stage_kind(history_file):
    with Records.open(history_file) as records:
        result = statistics.compute(records.history(), records.cards())
    (case,) = result.cases
    # The second play: history full credit less one hint (0.9), diagnosis 1.0.
    assert (case.plays, case.results, case.last) == (3, 2, pytest.approx((0.9 + 1.0) / 2))
    assert case.best == pytest.approx(0.95) and case.trend == pytest.approx(0.95 - result.scores[0].score)
    assert case.last_played == NOW + 2000 and case.next_due is not None
    by_id = {c.concept_id: c for c in result.concepts}
    assert (by_id["ifi"].expected, by_id["ifi"].found, by_id["ifi"].missed) == (4, 2, 2)
    assert result.concepts[0].missed_share >= result.concepts[-1].missed_share  # weakest first
    assert [(p.wrong, p.expected, p.times) for p in result.pairs] == [("hamstring-tendinopathy", "ifi", 1)]
    kinds = {k.kind: k for k in result.kinds}
    assert kinds["history"].stages == 2 and kinds["history"].seconds == pytest.approx(30 + 30)  # skipped; passed
    assert kinds["diagnosis"].stages == 2


def test_tutor_stats_prints_and_json_says_the_same(history_file):
    text = run_tutor(["stats"], history_file)
    assert text.returncode == 0, text.stderr
    assert "3 plays, 2 results, 5 answers." in text.stdout
    assert "## Concepts, weakest first" in text.stdout and "## Confusions" in text.stdout
    data = json.loads(run_tutor(["stats", "--json"], history_file).stdout)
    assert data["plays"] == 3 and data["cases"][0]["case_id"] == "engine-test"
    # Labels come from the library's lexicon, which knows these two concepts.
    assert data["pairs"] == [{"wrong": "hamstring-tendinopathy", "expected": "ifi",
                              "wrong_label": "Proximal hamstring tendinopathy",
                              "expected_label": "Ischiofemoral impingement", "times": 1}]


def test_stats_with_no_records_file_makes_none(tmp_path):
    missing = tmp_path / "none.sqlite3"
    result = run_tutor(["stats"], missing)
    assert result.returncode == 0 and "No records yet" in result.stdout
    assert not missing.exists()


def test_stats_over_the_version_1_fixture_count_old_confusions_without_a_pair(tmp_path):
    path = tmp_path / "records.sqlite3"
    shutil.copyfile(FIXTURE_V1, path)
    data = json.loads(run_tutor(["stats", "--json"], path).stdout)
    assert data["plays"] == 5
    assert {(p["wrong"], p["expected"], p["times"]) for p in data["pairs"]} == {("hip-oa", None, 2)}


def test_a_cell_that_a_spreadsheet_would_run_is_prefixed():
    assert spreadsheet_safe("=SUM(A1)") == "'=SUM(A1)"
    for start in "=+-@\t\r":
        assert spreadsheet_safe(start + "x").startswith("'")
    assert spreadsheet_safe("IFI") == "IFI" and spreadsheet_safe(3) == 3


def test_csv_export_round_trips_every_answer(history_file):
    result = run_tutor(["export", "--format", "csv"], history_file)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == ANSWER_COLUMNS
    with sqlite3.connect(history_file) as db:
        stored = [a for (a,) in db.execute("SELECT answer FROM attempts ORDER BY id")]
    unprefixed = [r["answer"][1:] if r["answer"].startswith("'") else r["answer"] for r in rows]
    assert unprefixed == stored
    assert rows[1]["answer"] == "'=HYPERLINK(\"http://x\")" and rows[-1]["answer"] == "'-1 @home +2"
    first = rows[0]
    assert (first["case_id"], first["stage_id"], first["stage_kind"], first["attempt"]) == (
        "engine-test", "history", "history", "1")
    assert first["misconceptions"] == "hamstring-tendinopathy" and first["confusions"] == "hamstring-tendinopathy>ifi"
    assert first["seconds"] == "10.0" and first["at"].startswith("2023-11-14T22:13:30")
    credited = next(r for r in rows if r["answer"].startswith("atraumatic"))
    assert credited["credited"].split(";") == ["no-trauma", "long-stride-pain", "ifi"]


def test_results_export_has_one_row_per_play(history_file):
    rows = list(csv.DictReader(io.StringIO(run_tutor(["export", "--table", "results"], history_file).stdout)))
    assert tuple(rows[0]) == RESULT_COLUMNS
    assert [r["counts"] for r in rows] == ["1", "1", "0"]
    assert rows[2]["finished_at"] == "" and rows[2]["score"] == "" and rows[0]["front_end"] == "script"


def test_json_export_round_trips_exactly_and_filters(history_file):
    data = json.loads(run_tutor(["export", "--format", "json"], history_file).stdout)
    with Records.open(history_file) as records:
        answers, results = rows_of(records.history())
    assert data == {"answers": answers, "results": results}
    assert data["answers"][1]["answer"] == "=HYPERLINK(\"http://x\")"  # JSON keeps the text exactly
    # A case of the library never played: empty, exit 0, and said on stderr.
    unplayed = run_tutor(["export", "--format", "json", "--case", "toh-recurrent"], history_file)
    assert unplayed.returncode == 0 and json.loads(unplayed.stdout) == {"answers": [], "results": []}
    assert "no plays of `toh-recurrent`" in unplayed.stderr
    later = json.loads(run_tutor(["export", "--format", "json", "--since", "2030-01-01"], history_file).stdout)
    assert later["results"] == []
    bad = run_tutor(["export", "--since", "yesterday"], history_file)
    assert bad.returncode == 2 and "not a date" in bad.stderr and "Traceback" not in bad.stderr


def test_write_csv_turns_lists_into_cells():
    out = io.StringIO()
    write_csv([{"a": ["x", "y"], "b": None, "c": [["p", "q"]]}], ("a", "b", "c"), out)
    assert out.getvalue() == "a,b,c\nx;y,,p>q\n"


def test_export_of_an_unknown_case_is_an_error_with_one_did_you_mean(history_file):
    # QA 2026-12-01 #14: a mistyped id printed a header and exited 0, as if there were no answers.
    typo = run_tutor(["export", "--case", "engine-tset"], history_file)
    assert typo.returncode == 2 and typo.stdout == ""
    assert typo.stderr.strip() == ("--case: no case with id `engine-tset` in your records or the library; "
                                   "did you mean `engine-test`?")
    nothing_near = run_tutor(["export", "--format", "json", "--case", "nope"], history_file)
    assert nothing_near.returncode == 2 and nothing_near.stdout == "" and "Traceback" not in nothing_near.stderr
    assert nothing_near.stderr.count("\n") == 1 and "`tutor list` shows the cases" in nothing_near.stderr
    # A case that is only in the records (since removed from the library) still exports.
    recorded = run_tutor(["export", "--case", "engine-test"], history_file)
    assert recorded.returncode == 0 and "engine-test," in recorded.stdout
