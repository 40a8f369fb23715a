"""Learner records: what a played case leaves on disk, and what happens when the disk misbehaves."""

from __future__ import annotations

import sqlite3

import pytest

from test_engine import build_case
from tutor import locations
from tutor.engine import HINT_PENALTY, MISCONCEPTION_PENALTY, Answer, AskHint, Quit, Skip, advance, open_case
from tutor.grading import CaseGrader
from tutor.records import DAY, GOOD_SCORE, Records, review_interval

NOW = 1_700_000_000.0


@pytest.fixture
def case():
    return build_case()


@pytest.fixture
def records(tmp_path):
    with Records.open(tmp_path / "records.sqlite3") as opened:
        yield opened


def play_and_save(records, case, actions, at=NOW):
    session, events = open_case(case, CaseGrader(case), at=at)
    records.save(session, events)
    for action in actions:
        session, events = advance(session, action)
        records.save(session, events)
    return session


def rows(path, sql):
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_records_live_in_the_data_dir_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    with Records.open() as records:
        assert records.enabled
        assert records.path == tmp_path / "data" / "records.sqlite3"
    assert locations.records_file().exists()


def test_a_played_case_leaves_answers_hints_stage_results_and_a_score(records, case):
    play_and_save(
        records,
        case,
        [
            Answer("hip OA", at=NOW + 10),
            AskHint(at=NOW + 20),
            Answer("atraumatic, worse with long strides, IFI", at=NOW + 30),
            Answer("lovely weather", at=NOW + 40),
            Skip(at=NOW + 50),
        ],
    )
    path = records.path
    assert rows(path, "SELECT stage_id, attempt, answer, recognised, misconceptions, at FROM attempts ORDER BY id") == [
        ("history", 1, "hip OA", 1, '["hip-oa"]', NOW + 10),
        ("history", 2, "atraumatic, worse with long strides, IFI", 1, "[]", NOW + 30),
        ("diagnosis", 1, "lovely weather", 0, "[]", NOW + 40),
    ]
    found = rows(path, "SELECT found, credit FROM attempts WHERE attempt = 2")[0]
    assert found == ('["no-trauma", "long-stride-pain", "ifi"]', 1.0)
    assert rows(path, "SELECT stage_id, level, reveals_answer FROM hints") == [("history", 1, 0)]
    assert rows(path, "SELECT stage_id, outcome, hints_used FROM stage_results ORDER BY closed_at") == [
        ("history", "passed", 1),
        ("diagnosis", "skipped", 0),
    ]
    (session_row,) = rows(path, "SELECT case_id, started_at, finished_at, score, hints_used, seconds FROM sessions")
    assert session_row[:3] == ("engine-test", NOW, NOW + 50)
    # History: full credit less one hint and one confusion (hip OA); the skipped diagnosis: 0.
    history_score = 1.0 - HINT_PENALTY - MISCONCEPTION_PENALTY
    assert session_row[3] == pytest.approx((history_score + 0.0) / 2)
    assert session_row[4:] == (1, 50.0)
    assert records.last_results() == {"engine-test": (pytest.approx(history_score / 2), NOW + 50)}


def test_an_empty_answer_is_not_recorded_as_an_attempt(records, case):
    play_and_save(records, case, [Answer("  ", at=NOW + 1), Quit(at=NOW + 2)])
    assert rows(records.path, "SELECT COUNT(*) FROM attempts") == [(0,)]


def test_an_unfinished_session_keeps_its_answers_but_has_no_result(records, case):
    play_and_save(records, case, [Answer("atraumatic", at=NOW + 5)])
    assert rows(records.path, "SELECT answer FROM attempts") == [("atraumatic",)]
    assert rows(records.path, "SELECT finished_at FROM sessions") == [(None,)]
    assert records.last_results() == {}


def test_the_latest_finish_of_each_case_is_its_last_result(records, case):
    play_and_save(records, case, [Quit(at=NOW + 1)], at=NOW)
    play_and_save(records, case, [Answer("atraumatic, IFI", at=NOW + 90), Answer("IFI", at=NOW + 95)], at=NOW + 80)
    score, finished_at = records.last_results()["engine-test"]
    assert finished_at == NOW + 95
    assert score == pytest.approx((0.75 + 1.0) / 2)


def test_review_intervals_grow_with_each_good_finish_in_a_row():
    assert review_interval(0) == DAY
    assert review_interval(1) == 7 * DAY
    assert review_interval(2) == 14 * DAY
    assert review_interval(50) == 60 * DAY


def test_a_weak_finish_is_due_again_after_a_day(records, case):
    play_and_save(records, case, [Skip(at=NOW + 1), Quit(at=NOW + 1)])
    assert records.last_results()["engine-test"][0] < GOOD_SCORE
    assert records.due_for_review(NOW + 1 + DAY - 60) == set()
    assert records.due_for_review(NOW + 1 + DAY) == {"engine-test"}


def test_a_good_finish_waits_a_week_and_two_in_a_row_wait_two(records, case):
    strong = lambda t: [Answer("atraumatic, worse with long strides, IFI", at=t + 1), Answer("IFI", at=t + 2)]
    play_and_save(records, case, strong(NOW), at=NOW)
    assert records.due_for_review(NOW + 2 + 6 * DAY) == set()
    assert records.due_for_review(NOW + 2 + 7 * DAY) == {"engine-test"}
    later = NOW + 7 * DAY
    play_and_save(records, case, strong(later), at=later)
    assert records.due_for_review(later + 2 + 13 * DAY) == set()
    assert records.due_for_review(later + 2 + 14 * DAY) == {"engine-test"}


def test_a_case_never_finished_is_not_due(records, case):
    play_and_save(records, case, [Answer("atraumatic", at=NOW + 1)])
    assert records.due_for_review(NOW + 365 * DAY) == set()


def test_a_corrupt_database_warns_once_and_play_goes_on_without_records(tmp_path, case):
    path = tmp_path / "records.sqlite3"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    warnings = []
    records = Records.open(path, warn=warnings.append)
    assert not records.enabled
    play_and_save(records, case, [Answer("atraumatic", at=NOW + 1), Quit(at=NOW + 2)])
    assert records.last_results() == {}
    assert records.due_for_review(NOW) == set()
    assert len(warnings) == 1
    assert "records are off" in warnings[0]
    # The learner's file is left as it was, for them to inspect or restore.
    assert path.read_bytes().startswith(b"this is not a database")


def test_a_locked_database_warns_and_play_goes_on(tmp_path, case):
    path = tmp_path / "records.sqlite3"
    Records.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        warnings = []
        records = Records.open(path, warn=warnings.append, timeout=0.05)
        play_and_save(records, case, [Answer("atraumatic", at=NOW + 1), Quit(at=NOW + 2)])
        assert len(warnings) == 1 and "locked" in warnings[0]
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_database_locked_in_the_middle_of_play_turns_records_off_once(tmp_path, case):
    path = tmp_path / "records.sqlite3"
    warnings = []
    records = Records.open(path, warn=warnings.append, timeout=0.05)
    session, events = open_case(case, CaseGrader(case), at=NOW)
    records.save(session, events)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for t, action in enumerate([Answer("atraumatic"), AskHint(), Quit()], start=1):
            session, events = advance(session, type(action)(**{**action.__dict__, "at": NOW + t}))
            records.save(session, events)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert session.finished
    assert len(warnings) == 1
    assert not records.enabled


def test_a_data_dir_that_cannot_be_created_turns_records_off(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TUTOR_DATA_DIR", str(blocker / "data"))
    warnings = []
    records = Records.open(warn=warnings.append)
    assert not records.enabled and len(warnings) == 1


def test_opening_a_case_and_leaving_at_once_is_no_result(records, case):
    play_and_save(records, case, [Answer("hip OA", at=NOW + 5), Quit(at=NOW + 6)])
    assert rows(records.path, "SELECT answer FROM attempts") == [("hip OA",)]  # kept all the same
    assert records.last_results() == {}
    assert records.due_for_review(NOW + 400 * DAY) == set()


def test_two_plays_started_in_the_same_instant_stay_two_sessions(records, case):
    play_and_save(records, case, [Answer("atraumatic, worse with long strides, IFI", at=NOW + 1),
                                  Answer("IFI", at=NOW + 2)], at=NOW)
    play_and_save(records, case, [Quit(at=NOW + 3)], at=NOW)
    assert rows(records.path, "SELECT COUNT(*) FROM sessions") == [(2,)]
    assert records.last_results()["engine-test"][0] == pytest.approx(1.0)
