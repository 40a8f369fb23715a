"""A learner's records: every answer, hint and stage result, kept in SQLite.

The front end calls `records.save(session, events)` after each step of the
engine; each call is one transaction, committed before the tutor says
anything back. With WAL and synchronous=FULL a killed process loses nothing
already answered.

Records are a help, never a hazard: if the database is corrupt, locked by
another process, or its folder cannot be written, the tutor warns once on
stderr and goes on playing without records.

Spaced review (`due_for_review`), a Leitner-style rule simple enough to check
by hand. For each case, look at its finished sessions, newest last:
- the streak is how many of the latest finishes in a row scored at least
  GOOD_SCORE (0.8);
- the review interval is 1 day with no streak, then 7, 14, 28 ... days
  (doubling per finish in the streak, at most 60 days);
- the case is due once its interval has passed since its last finish.
A case never finished is not "due": it has not been learned yet. A session
stopped before any stage was worked through (every stage quit or unreached)
is kept, but it is no finish: opening a case and leaving is not a 0% result.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Callable, Iterable

from tutor import locations

GOOD_SCORE = 0.8
DAY = 24 * 60 * 60
FIRST_GOOD_INTERVAL = 7 * DAY
MAX_INTERVAL = 60 * DAY
ANSWER_LIMIT = 20_000  # characters of an answer kept; the rest of a pasted novel is not a record
BUSY_TIMEOUT = 2.0  # seconds to wait for another tutor writing the same records

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL,
    title TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,            -- NULL while playing, or if the process was killed
    score REAL,
    hints_used INTEGER,
    seconds REAL
);
CREATE INDEX IF NOT EXISTS sessions_by_case ON sessions (case_id, finished_at);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    stage_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,    -- 1-based, per stage
    answer TEXT NOT NULL,
    recognised INTEGER NOT NULL, -- 0 when no known concept was found in it
    credit REAL NOT NULL,        -- the stage's accumulated credit after this answer
    found TEXT NOT NULL,         -- JSON list of concept ids this answer newly earned
    misconceptions TEXT NOT NULL,-- JSON list of misconception ids it asserted
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS hints (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    stage_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    reveals_answer INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS stage_results (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    stage_id TEXT NOT NULL,
    kind TEXT,
    outcome TEXT NOT NULL,       -- passed | exhausted | skipped | revealed | quit
    score REAL NOT NULL,
    credit REAL NOT NULL,
    attempts INTEGER NOT NULL,
    hints_used INTEGER NOT NULL,
    found TEXT NOT NULL,         -- JSON list of concept ids
    missed TEXT NOT NULL,        -- JSON list of concept ids
    closed_at REAL NOT NULL,
    PRIMARY KEY (session_id, stage_id)
);
"""
SCHEMA_VERSION = 1


def _warn_on_stderr(message: str) -> None:
    try:
        print(f"tutor: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def review_interval(streak: int) -> float:
    """Seconds to wait after a finish before the case is due again."""
    if streak <= 0:
        return DAY
    return min(MAX_INTERVAL, FIRST_GOOD_INTERVAL * 2 ** (streak - 1))


class Records:
    """The learner's records; every method is safe to call when records are off."""

    def __init__(self, connection: sqlite3.Connection | None, path: Path | None, warn: Callable[[str], None]):
        self._db = connection
        self.path = path
        self._warn = warn
        self._warned = False
        self._session_rows: dict[tuple[str, float], int] = {}

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        warn: Callable[[str], None] = _warn_on_stderr,
        timeout: float = BUSY_TIMEOUT,
    ) -> Records:
        records = cls(None, None, warn)
        try:
            path = Path(path) if path is not None else locations.records_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            records.path = path
            db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute("PRAGMA foreign_keys=ON")
                if db.execute("PRAGMA user_version").fetchone()[0] == 0:
                    db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
                # Reading every table now finds a damaged file before the first answer, not during play.
                for table in ("sessions", "attempts", "hints", "stage_results"):
                    db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall()
            except BaseException:
                db.close()
                raise
            records._db = db
        except (sqlite3.Error, OSError) as error:
            records._give_up(error)
        return records

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- Writing ---

    def save(self, session, events: Iterable[object]) -> None:
        """Write what one engine step produced, in one transaction."""
        if self._db is None:
            return
        events = tuple(events)
        if not events:
            return
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = self._session_row(session)
                for event in events:
                    self._write(row, event)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._give_up(error)

    def _session_row(self, session) -> int:
        key = getattr(session, "token", None) or (session.case.id, session.started_at)
        row = self._session_rows.get(key)
        if row is None:
            cursor = self._db.execute(
                "INSERT INTO sessions (case_id, title, started_at) VALUES (?, ?, ?)",
                (session.case.id, session.case.title, session.started_at),
            )
            row = self._session_rows[key] = cursor.lastrowid
        return row

    def _write(self, row: int, event: object) -> None:
        name = type(event).__name__
        db = self._db
        if name == "AnswerGraded":
            db.execute(
                "INSERT INTO attempts (session_id, stage_id, attempt, answer, recognised, credit, found,"
                " misconceptions, at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
                (
                    row, event.stage_id, event.attempt, event.answer[:ANSWER_LIMIT], event.credit,
                    json.dumps([c.concept_id for c in event.newly_found]),
                    json.dumps(list(event.misconceptions)), event.at,
                ),
            )
        elif name == "NotRecognised" and event.counted:
            db.execute(
                "INSERT INTO attempts (session_id, stage_id, attempt, answer, recognised, credit, found,"
                " misconceptions, at) VALUES (?, ?, ?, ?, 0, ?, '[]', '[]', ?)",
                (row, event.stage_id, event.attempt, event.answer[:ANSWER_LIMIT], event.credit, event.at),
            )
        elif name == "HintGiven":
            db.execute(
                "INSERT INTO hints (session_id, stage_id, level, reveals_answer, at) VALUES (?, ?, ?, ?, ?)",
                (row, event.stage_id, event.level, int(event.reveals_answer), event.at),
            )
        elif name == "StageClosed":
            db.execute(
                "INSERT OR REPLACE INTO stage_results (session_id, stage_id, kind, outcome, score, credit,"
                " attempts, hints_used, found, missed, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row, event.stage_id, event.kind, event.outcome, event.score, event.credit,
                    event.attempts, event.hints_used, json.dumps(list(event.found)),
                    json.dumps(list(event.missed)), event.at,
                ),
            )
        elif name == "CaseFinished":
            summary = event.summary
            db.execute(
                "UPDATE sessions SET finished_at = ?, score = ?, hints_used = ?, seconds = ? WHERE id = ?",
                (event.at, summary.score, summary.hints_used, summary.seconds, row),
            )

    # --- Reading ---

    def last_results(self) -> dict[str, tuple[float, float]]:
        """{case_id: (score, finished_at)} of each case's latest finish."""
        results: dict[str, tuple[float, float]] = {}
        for case_id, score, finished_at in self._finishes():
            results[case_id] = (score, finished_at)
        return results

    def due_for_review(self, now: float) -> set[str]:
        """Cases whose review interval (see the module notes) has passed since their last finish."""
        streaks: dict[str, int] = {}
        last: dict[str, float] = {}
        for case_id, score, finished_at in self._finishes():
            streaks[case_id] = streaks.get(case_id, 0) + 1 if score >= GOOD_SCORE else 0
            last[case_id] = finished_at
        return {c for c, at in last.items() if now - at >= review_interval(streaks[c])}

    def _finishes(self) -> list[tuple[str, float, float]]:
        if self._db is None:
            return []
        try:
            return self._db.execute(
                "SELECT case_id, COALESCE(score, 0), finished_at FROM sessions"
                " WHERE finished_at IS NOT NULL AND EXISTS (SELECT 1 FROM stage_results r"
                " WHERE r.session_id = sessions.id AND r.outcome != 'quit')"
                " ORDER BY finished_at, id"
            ).fetchall()
        except sqlite3.Error as error:
            self._give_up(error)
            return []

    def _give_up(self, error: Exception) -> None:
        self.close()
        if not self._warned:
            self._warned = True
            where = f" ({self.path})" if self.path else ""
            self._warn(f"learner records are off for now{where}: {error}")
