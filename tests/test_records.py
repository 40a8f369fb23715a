"""Learner records: what a played case leaves on disk, and what happens when the disk misbehaves."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler, State

from test_engine import build_case
from tutor import locations, review
from tutor.engine import HINT_PENALTY, MISCONCEPTION_PENALTY, Answer, AskHint, Quit, Skip, advance, open_case
from tutor.grading import CaseGrader
from tutor.records import DAY, SCHEMA_VERSION, Records

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "records-v1.sqlite3"
REPO = Path(__file__).resolve().parents[1]

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
        ("diagnosis", 0, "lovely weather", 0, "[]", NOW + 40),  # nothing recognised: kept, but no try used
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
    # The passed history stays open until the learner moves on (an empty line), then the diagnosis.
    play_and_save(
        records, case, [Answer("atraumatic, IFI", at=NOW + 90), Answer("", at=NOW + 91), Answer("IFI", at=NOW + 95)],
        at=NOW + 80,
    )
    score, finished_at = records.last_results()["engine-test"]
    assert finished_at == NOW + 95
    assert score == pytest.approx((0.75 + 1.0) / 2)


def fsrs_due_after(ratings_at: list[tuple[Rating, float]]) -> float:
    """When fsrs itself, configured as tutor.review says, puts a card reviewed with these ratings."""
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = Card(card_id=1, state=State.Learning, due=datetime.fromtimestamp(ratings_at[0][1], tz=timezone.utc))
    for rating, at in ratings_at:
        card, _ = scheduler.review_card(card, rating, datetime.fromtimestamp(at, tz=timezone.utc))
    return card.due.timestamp()


def strong(t):
    return [Answer("atraumatic, worse with long strides, IFI", at=t + 1), Answer("IFI", at=t + 2)]


def test_a_weak_finish_is_due_when_fsrs_says_an_again_card_is(records, case):
    play_and_save(records, case, [Skip(at=NOW + 1), Quit(at=NOW + 1)])
    assert records.last_results()["engine-test"][0] < 0.5
    due_at = fsrs_due_after([(Rating.Again, NOW + 1)])
    assert NOW + 1 < due_at <= NOW + 1 + 2 * DAY
    assert records.due_for_review(due_at - 60) == set()
    assert records.due_for_review(due_at) == {"engine-test"}


def test_a_good_finish_waits_as_fsrs_schedules_a_good_card_and_a_second_waits_longer(records, case):
    play_and_save(records, case, strong(NOW), at=NOW)
    first_due = fsrs_due_after([(Rating.Easy, NOW + 2)])  # full marks, no hint, untimed: Easy
    assert records.due_for_review(first_due - 60) == set()
    assert records.due_for_review(first_due) == {"engine-test"}
    later = first_due
    play_and_save(records, case, strong(later), at=later)
    second_due = fsrs_due_after([(Rating.Easy, NOW + 2), (Rating.Easy, later + 2)])
    assert second_due - (later + 2) > first_due - (NOW + 2)
    assert records.due_for_review(second_due - 60) == set()
    assert records.due_for_review(second_due) == {"engine-test"}


@pytest.mark.parametrize(
    ("score", "hints", "seconds", "limit", "timed_out", "rating"),
    [
        (0.3, 0, 10, None, False, Rating.Again),
        (0.6, 0, 10, None, False, Rating.Hard),
        (0.85, 0, 10, None, False, Rating.Good),
        (0.85, 2, 10, None, False, Rating.Hard),
        (0.95, 0, 10, None, False, Rating.Easy),
        (0.95, 1, 10, None, False, Rating.Good),
        (0.95, 0, 400, 600, False, Rating.Good),
        (0.95, 0, 100, 600, False, Rating.Easy),
        (0.95, 0, 600, 600, True, Rating.Hard),
    ],
)
def test_a_case_is_rated_from_its_score_hints_and_time(score, hints, seconds, limit, timed_out, rating):
    outcome = review.Outcome("c", NOW, score, hints, seconds, limit, timed_out)
    assert review.case_rating(outcome) == rating


def test_a_concept_missed_twice_makes_its_case_due_once_fsrs_says_so(records, case):
    # Two plays that skip the history stage: its concepts are missed twice.
    for start in (NOW, NOW + 10 * DAY):
        play_and_save(records, case, [Skip(at=start + 1), Answer("IFI", at=start + 2)], at=start)
    cards = {c.key: c for c in records.cards()}
    concept = cards["concept:no-trauma"]
    assert concept.lapses == 2 and concept.keeps_missing and concept.cases == ("engine-test",)
    expected_due = fsrs_due_after([(Rating.Again, NOW + 2), (Rating.Again, NOW + 10 * DAY + 2)])
    assert concept.due_at == pytest.approx(expected_due)
    due = review.due_cases(records.cards(), expected_due)
    assert [d.case_id for d in due] == ["engine-test"]
    assert "concept:no-trauma" in due[0].reasons


def test_a_confused_pair_is_a_card_and_a_later_clean_find_reviews_it_good(records, case):
    play_and_save(records, case, [Answer("hamstring tendinosis", at=NOW + 1), Quit(at=NOW + 2)])
    # Quit after one answer: the history stage is no result, so no card yet.
    assert records.cards() == []
    play_and_save(records, case, [Answer("hamstring tendinosis", at=NOW + 11), Skip(at=NOW + 12),
                                  Skip(at=NOW + 13)], at=NOW + 10)
    pair = {c.key: c for c in records.cards()}["pair:hamstring-tendinopathy|ifi"]
    assert (pair.lapses, pair.reviews, pair.last_rating) == (1, 1, int(Rating.Again))
    play_and_save(records, case, strong(NOW + 20), at=NOW + 20)
    pair = {c.key: c for c in records.cards()}["pair:hamstring-tendinopathy|ifi"]
    assert (pair.lapses, pair.reviews, pair.last_rating) == (1, 2, int(Rating.Good))


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
        records = Records.open(path, warn=warnings.append, timeout=0.05, patience=0.1)
        session = play_and_save(records, case, [Answer("atraumatic", at=NOW + 1), Quit(at=NOW + 2)])
        assert len(warnings) == 1 and "locked" in warnings[0]
        assert "not recorded yet" in records.note_for(session)
        records.close()
        # Kept on disk, not lost: the next tutor that opens the records writes it.
        assert "1 answer(s) of this run are kept in" in warnings[-1]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Records.open(path) as reopened:
        assert [a.answer for a in reopened.history().answers] == ["atraumatic"]
    assert rows(path, "SELECT COUNT(*) FROM sessions") == [(1,)]
    assert list((tmp_path / "records.sqlite3.spool").iterdir()) == []


def test_a_database_locked_in_the_middle_of_play_queues_the_answers_and_writes_them_once_free(tmp_path, case):
    path = tmp_path / "records.sqlite3"
    warnings = []
    clock = [0.0]
    records = Records(path, warn=warnings.append, timeout=0.05, monotonic=lambda: clock[0])
    records._connect()
    session, events = open_case(case, CaseGrader(case), at=NOW)
    records.save(session, events)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for t, action in enumerate([Answer("atraumatic"), AskHint(), Answer("hip OA")], start=1):
            session, events = advance(session, type(action)(**{**action.__dict__, "at": NOW + t}))
            records.save(session, events)
            clock[0] += 20  # the learner takes 20 s an answer
        assert records.enabled and records.waiting == 3
        assert "not recorded yet" in records.note_for(session)
        # Warned when the waiting began and again while it lasts, not at every answer.
        assert [w.split(" (")[0] for w in warnings] == ["learner records are waiting", "learner records are still waiting"]
        assert all("locked" in w for w in warnings)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    session, events = advance(session, Quit(at=NOW + 9))
    records.save(session, events)
    assert records.waiting == 0 and records.note_for(session) is None
    assert "written again" in warnings[-1]
    assert rows(path, "SELECT answer FROM attempts ORDER BY id") == [("atraumatic",), ("hip OA",)]
    assert rows(path, "SELECT COUNT(*) FROM hints") == [(1,)]
    assert rows(path, "SELECT finished_at FROM sessions") == [(NOW + 9,)]
    records.close()


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


# --- Versions, migration and files that are refused ----------------------------


def copy_of_v1(tmp_path) -> Path:
    path = tmp_path / "records.sqlite3"
    shutil.copyfile(FIXTURE_V1, path)
    return path


def test_the_fixture_is_a_version_1_file():
    # immutable: not even a -shm beside the fixture, which is only ever copied before it is opened.
    with sqlite3.connect(f"file:{FIXTURE_V1}?immutable=1", uri=True) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (5,)


def test_a_version_1_file_is_migrated_forward_keeping_every_row(tmp_path, case):
    path = copy_of_v1(tmp_path)
    before = {t: rows(path, f"SELECT * FROM {t} ORDER BY rowid") for t in ("sessions", "attempts", "hints", "stage_results")}
    warnings = []
    with Records.open(path, warn=warnings.append) as records:
        assert records.enabled and warnings == []
        history = records.history()
        play_and_save(records, case, strong(NOW), at=NOW)
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    for table, old_rows in before.items():
        kept = rows(path, f"SELECT * FROM {table} ORDER BY rowid")[: len(old_rows)]
        # Every old row is there with its old values; the new columns are empty.
        assert [row[: len(old)] for row, old in zip(kept, old_rows)] == old_rows
    assert [s.case_id for s in history.sessions] == [
        "ifi-classic", "ifi-classic", "toh-man-vs-onfh", "hamstring-avulsion-acute", "deep-gluteal-vs-radiculopathy"]
    assert history.sessions[0].front_end is None and history.sessions[4].finished_at is None
    assert "=SUM(A1)" in [a.answer for a in history.answers]
    assert len(history.answers) == 6 and len(history.hints) == 3 and len(history.stages) == 9


def test_migration_puts_existing_results_into_the_scheduler(tmp_path):
    path = copy_of_v1(tmp_path)
    with Records.open(path) as records:
        cards = {c.key: c for c in records.cards()}
    # Results: ifi-classic (31 %) and toh-man-vs-onfh (0 %, a stage worked); session 2 and 4 only quit.
    assert {k for k in cards if k.startswith("case:")} == {"case:ifi-classic", "case:toh-man-vs-onfh"}
    ifi = cards["case:ifi-classic"]
    assert ifi.last_rating == int(Rating.Again) and ifi.reviews == 1
    finished_at = rows(path, "SELECT finished_at FROM sessions WHERE id = 1")[0][0]
    assert ifi.due_at == pytest.approx(fsrs_due_after([(Rating.Again, finished_at)]))
    assert cards["concept:ifi"].cases == ("ifi-classic",)


def test_a_migration_that_fails_leaves_the_file_at_version_1(tmp_path, monkeypatch):
    path = copy_of_v1(tmp_path)
    before = rows(path, "SELECT * FROM sessions")

    def broken(db):
        raise sqlite3.OperationalError("disk I/O error in the middle of the migration")

    monkeypatch.setattr("tutor.records._replay_results_into_cards", broken)
    warnings = []
    records = Records.open(path, warn=warnings.append, patience=0)
    records.close()
    assert rows(path, "PRAGMA user_version") == [(1,)]
    assert rows(path, "SELECT * FROM sessions") == before
    assert [c[1] for c in rows(path, "PRAGMA table_info(sessions)")] == [
        "id", "case_id", "title", "started_at", "finished_at", "score", "hints_used", "seconds"]
    assert rows(path, "SELECT name FROM sqlite_master WHERE name = 'review_cards'") == []


def file_state(path: Path) -> tuple[bytes, float]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
        (lambda p: p.write_bytes(b"this is not a database, it is a shopping list\n" * 200), "not an SQLite database"),
        (lambda p: shutil.copyfile(FIXTURE_V1, p) and _set_version(p, 99), "from a newer tutor (schema version 99"),
        (lambda p: _make_foreign_db(p), "not written by the tutor"),
        (lambda p: _damage(p), "malformed"),
    ],
    ids=["empty", "not-sqlite", "newer", "foreign", "damaged"],
)
def test_a_file_that_cannot_be_trusted_is_refused_in_one_line_and_left_untouched(tmp_path, case, make, message):
    path = tmp_path / "records.sqlite3"
    make(path)
    before = file_state(path)
    warnings = []
    records = Records.open(path, warn=warnings.append)
    assert not records.enabled
    session = play_and_save(records, case, [Answer("atraumatic", at=NOW + 1), Quit(at=NOW + 2)])
    assert records.last_results() == {} and records.history().sessions == [] and records.cards() == []
    records.close()
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert "records are off" in warnings[0] and message in warnings[0], warnings
    assert "not recorded" in records.note_for(session)
    assert file_state(path) == before


def _set_version(path: Path, version: int) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={version}")
    db.close()


def _make_foreign_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE shopping (item TEXT)")
    db.commit()
    db.close()


def _damage(path: Path) -> None:
    shutil.copyfile(FIXTURE_V1, path)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page: 3 * page] = b"\xff" * (2 * page)  # the pages after the header: tables' roots
    path.write_bytes(bytes(data))


def test_tutor_db_names_another_records_file(tmp_path, monkeypatch):
    named = tmp_path / "class" / "shared.sqlite3"
    monkeypatch.setenv("TUTOR_DB", str(named))
    with Records.open() as records:
        assert records.path == named and records.enabled
    assert named.exists()
    assert not (Path(os.environ["TUTOR_DATA_DIR"]) / "records.sqlite3").exists()


def test_a_row_with_text_in_a_number_column_is_skipped_with_a_warning(tmp_path, case):
    path = tmp_path / "records.sqlite3"
    with Records.open(path) as records:
        play_and_save(records, case, strong(NOW), at=NOW)
        play_and_save(records, case, strong(NOW + 100), at=NOW + 100)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sessions SET score = 'very good' WHERE id = 1")
        db.execute("UPDATE attempts SET found = 'not json' WHERE id = 1")
    db.close()
    warnings = []
    with Records.open(path, warn=warnings.append) as records:
        history = records.history()
        assert [s.id for s in history.sessions] == [2]
        assert history.skipped == {"sessions": 1, "attempts": 1}
        assert list(records.last_results()) == ["engine-test"]
        assert records.enabled
    assert len(warnings) == 1 and "wrong type" in warnings[0] and "1 in sessions" in warnings[0]


def test_a_full_disk_is_called_a_full_disk_and_the_answers_wait(tmp_path, case):
    path = tmp_path / "records.sqlite3"
    warnings = []
    records = Records.open(path, warn=warnings.append, patience=0)
    session, events = open_case(case, CaseGrader(case), at=NOW)
    records.save(session, events)
    pages = records._db.execute("PRAGMA page_count").fetchone()[0]
    records._db.execute(f"PRAGMA max_page_count={pages}")  # SQLite's own SQLITE_FULL, as on a full disk
    session, events = advance(session, Answer("x " * 30000 + "atraumatic", at=NOW + 1))
    records.save(session, events)
    assert records.waiting == 1
    assert "the disk is full" in warnings[0]
    records._db.execute(f"PRAGMA max_page_count={10 * pages + 1000}")  # space freed
    session, events = advance(session, Quit(at=NOW + 2))
    records.save(session, events)
    assert records.waiting == 0
    records.close()
    assert rows(path, "SELECT COUNT(*) FROM attempts") == [(1,)]


WRITER = """
import sys
sys.path.insert(0, {tests!r})
from test_engine import build_case
from tutor.engine import Answer, Quit, advance, open_case
from tutor.grading import CaseGrader
from tutor.records import Records

case = build_case()
with Records.open({path!r}, timeout=0.05) as records:
    for play in range({plays}):
        session, events = open_case(case, CaseGrader(case), at=1000.0 * play)
        records.save(session, events)
        for n in range(3):
            session, events = advance(session, Answer(f"{{sys.argv[1]}} play {{play}} answer {{n}}", at=1000.0 * play + n))
            records.save(session, events)
        session, events = advance(session, Quit(at=1000.0 * play + 9))
        records.save(session, events)
"""


def test_two_writers_at_once_lose_no_answer(tmp_path):
    path = tmp_path / "records.sqlite3"
    script = WRITER.format(tests=str(Path(__file__).parent), path=str(path), plays=15)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [subprocess.Popen([sys.executable, "-c", script, name], env=env, stderr=subprocess.PIPE)
               for name in ("first", "second")]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    answers = [a for (a,) in rows(path, "SELECT answer FROM attempts")]
    # Three answers of the history stage are one attempt each until it is exhausted.
    assert sorted(answers) == sorted(f"{w} play {p} answer {n}" for w in ("first", "second")
                                     for p in range(15) for n in range(3))
    assert rows(path, "SELECT COUNT(*) FROM sessions WHERE finished_at IS NOT NULL") == [(30,)]
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]


KILLED_WHILE_WAITING = """
import os, sys
sys.path.insert(0, {tests!r})
from test_engine import build_case
from tutor.engine import Answer, advance, open_case
from tutor.grading import CaseGrader
from tutor.records import Records

case = build_case()
records = Records.open({path!r}, timeout=0.05, patience=0)
session, events = open_case(case, CaseGrader(case), at=1000.0)
records.save(session, events)
for n in range(3):
    session, events = advance(session, Answer(f"answer {{n}}", at=1001.0 + n))
    records.save(session, events)
print(records.waiting, flush=True)
os.kill(os.getpid(), 9)
"""


def test_a_tutor_killed_while_its_answers_wait_for_the_lock_loses_none_of_them(tmp_path):
    path = tmp_path / "records.sqlite3"
    Records.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        script = KILLED_WHILE_WAITING.format(tests=str(Path(__file__).parent), path=str(path))
        done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == -9, done.stderr
        assert done.stdout.strip() == "4"  # the opening step and three answers, none written yet
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Records.open(path) as records:
        history = records.history()
    assert [a.answer for a in history.answers] == ["answer 0", "answer 1", "answer 2"]
    assert [(s.case_id, s.started_at) for s in history.sessions] == [("engine-test", 1000.0)]


KILLED_AFTER_COMMIT = """
import os, sys
sys.path.insert(0, {tests!r})
from test_engine import build_case
from tutor.engine import Answer, Quit, advance, open_case
from tutor.grading import CaseGrader
from tutor import write_turns
from tutor.records import Records

case = build_case()
records = Records.open({path!r}, timeout=0.05, patience=0)
session, events = open_case(case, CaseGrader(case), at=1000.0)
records.save(session, events)
session, events = advance(session, Answer("atraumatic, worse with long strides, IFI", at=1001.0))
records.save(session, events)   # the lock is held: into the spool
assert records.waiting == 2
open({go!r}, "w").close()
while os.path.exists({go!r}):   # the lock is let go
    pass
write_turns.Spool.remove = lambda self: os.kill(os.getpid(), 9)  # killed between the commit and removing the spool
session, events = advance(session, Answer("IFI", at=1002.0))  # the case is finished: a result, a review
assert session.finished
records.save(session, events)
"""


def test_a_tutor_killed_between_its_commit_and_removing_its_spool_writes_nothing_twice(tmp_path, case):
    path = tmp_path / "records.sqlite3"
    go = tmp_path / "go"
    Records.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    script = KILLED_AFTER_COMMIT.format(tests=str(Path(__file__).parent), path=str(path), go=str(go))
    writer = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not go.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # until the writer has its answers in the spool
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    go.unlink()
    assert writer.wait(timeout=120) == -9, writer.stderr.read()
    assert len(list((tmp_path / "records.sqlite3.spool").iterdir())) == 1  # left behind, already written
    with Records.open(path) as records:
        history = records.history()
        # A play in the same instant by another tutor is not taken for the dead one's.
        play_and_save(records, case, [Quit(at=1003.0)], at=1000.0)
    assert [a.answer for a in history.answers] == ["atraumatic, worse with long strides, IFI", "IFI"]
    assert [s.finished_at for s in history.sessions] == [1002.0]
    assert rows(path, "SELECT reviews FROM review_cards WHERE key = 'case:engine-test'") == [(1,)]  # reviewed once
    assert list((tmp_path / "records.sqlite3.spool").iterdir()) == []


def test_turns_to_write_are_given_in_the_order_they_were_asked_for(tmp_path):
    import threading
    from tutor.write_turns import WriteTurn

    path = tmp_path / "records.sqlite3"
    turns_folder = tmp_path / "records.sqlite3.turns"
    for _round in range(10):
        first = WriteTurn(path)
        assert first.acquire(5)
        order: list[int] = []
        waiters = []
        for n in range(4):
            turn = WriteTurn(path)

            def wait(turn=turn, n=n):
                assert turn.acquire(60)
                order.append(n)
                turn.release()

            thread = threading.Thread(target=wait)
            thread.start()
            waiters.append(thread)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # until this one holds its ticket
                if turns_folder.exists() and len([t for t in turns_folder.iterdir() if t.name.isdigit()]) == n + 2:
                    break
                time.sleep(0.001)
        first.release()
        for thread in waiters:
            thread.join(timeout=60)
        assert order == [0, 1, 2, 3]


def test_a_ticket_left_by_a_dead_tutor_does_not_stop_the_queue(tmp_path):
    from tutor.write_turns import WriteTurn

    path = tmp_path / "records.sqlite3"
    folder = tmp_path / "records.sqlite3.turns"
    folder.mkdir()
    (folder / f"{1:012d}").write_text("")  # nobody holds its lock
    turn = WriteTurn(path)
    assert turn.acquire(5)
    turn.release()
    assert [t.name for t in folder.iterdir() if t.name.isdigit()] == []


def test_a_save_waits_for_its_turn_no_longer_than_its_timeout(tmp_path, case):
    from tutor.write_turns import WriteTurn

    path = tmp_path / "records.sqlite3"
    Records.open(path).close()
    other = WriteTurn(path)
    assert other.acquire(5)  # another tutor, in the middle of a long write
    try:
        records = Records.open(path, warn=lambda message: None, timeout=0.2, patience=0)
        began = time.monotonic()
        play_and_save(records, case, [Answer("atraumatic", at=NOW + 1)])
        assert time.monotonic() - began < 30  # two saves of 0.2 s each; a hang detector, not a benchmark
        assert records.waiting == 2
    finally:
        other.release()
    session, events = advance(open_case(case, CaseGrader(case), at=NOW + 5)[0], Quit(at=NOW + 6))
    records.save(session, events)
    records.close()
    assert rows(path, "SELECT answer FROM attempts") == [("atraumatic",)]
