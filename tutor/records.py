"""A learner's records: every answer, hint and stage result, kept in SQLite.

The file is `records.sqlite3` in the data folder (tutor.locations), or the file
TUTOR_DB names. Front ends see the records only through `RecordStore`, a small
interface a server database for a class could implement as well.

Writing. A front end calls `save(session, events)` after each step of the engine;
each call is one transaction (WAL, synchronous=FULL), committed before the tutor
says anything back, so a killed process loses nothing already answered. Tutors
sharing the file take turns in the order they asked (tutor.write_turns); a save
waits at most `timeout` seconds (BUSY_TIMEOUT) for its turn. If the turn does not
come, or the disk is full, the step goes to this tutor's spool file, synced to disk
before the learner is answered, and is written at the next save with everything
queued before it, and once more with patience when the records are closed; a
spool left by a tutor that was killed is written by the next tutor that opens the
records. (Where no spool can be made, a full disk or a read-only folder, steps
wait in memory.) The learner is warned when waiting starts, again every WARN_AGAIN
seconds while it lasts, and when the records are back; the summary of a session
not yet in the file says so (`note_for`).

Opening. The schema is versioned (PRAGMA user_version). Version 1 is the schema
of the first release (tests/fixtures/records-v1.sqlite3 is such a file); older
files are migrated forward in one transaction. A file this tutor cannot trust is
refused with a one-line message and never written to: one from a newer tutor,
one that is empty (0 bytes) or not SQLite, a damaged one, one whose tables are
not the ones it knows. Play goes on without records.

Reading. `history()` returns typed rows (tutor.history); a row with a value of
the wrong type (text in a number column) is skipped with a warning.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

from tutor import locations, review
from tutor.write_turns import Spool, WriteTurn, orphan_spools, read_spool

from tutor.events import (
    AnswerGraded,
    CaseFinished,
    HintGiven,
    MisconceptionMet,
    NotRecognised,
    StageClosed,
    StageOpened,
)
from tutor.history import (
    QUIT,
    History,
    SessionRecord,
    answer_from_row,
    hint_from_row,
    session_from_row,
    stage_from_row,
)

GOOD_SCORE = review.GOOD_SCORE
DAY = 24 * 60 * 60
ANSWER_LIMIT = 20_000  # characters of an answer kept; the rest of a pasted novel is not a record
BUSY_TIMEOUT = 1.0  # seconds a save waits for its turn to write; then the step waits in the spool
POLL = 0.004  # seconds between tries for the write lock (plus as much again at random)
CLOSE_PATIENCE = 30.0  # seconds closing waits to write what is still queued
WARN_AGAIN = 30.0  # seconds between warnings while records wait
FRONT_ENDS = ("app", "repl", "script")
SQLITE_MAGIC = b"SQLite format 3\x00"
LOW_DISK = 1 << 20  # bytes free under which an I/O error is taken for a full disk

SCHEMA_VERSION = 2

# Version 1, exactly as the first release wrote it.
_SCHEMA_V1 = """
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
    outcome TEXT NOT NULL,       -- passed | exhausted | skipped | revealed | quit | time
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

# Version 2: the front end and drill of each play, when a stage opened, which pair an
# answer confused, and the spaced-review cards (tutor.review).
_SCHEMA_V2 = """
ALTER TABLE sessions ADD COLUMN front_end TEXT;   -- app | repl | script
ALTER TABLE sessions ADD COLUMN time_limit REAL;  -- seconds, in a drill
ALTER TABLE sessions ADD COLUMN drill TEXT;       -- the drill this play was part of
ALTER TABLE stage_results ADD COLUMN opened_at REAL;
ALTER TABLE attempts ADD COLUMN confusions TEXT;  -- JSON [[misconception, expected concept], ...]
CREATE INDEX IF NOT EXISTS attempts_by_session ON attempts (session_id);
CREATE INDEX IF NOT EXISTS hints_by_session ON hints (session_id);
CREATE TABLE IF NOT EXISTS review_cards (
    key TEXT PRIMARY KEY,        -- case:ID | concept:ID | pair:WRONG|EXPECTED
    kind TEXT NOT NULL,          -- case | concept | pair
    subject TEXT NOT NULL,
    cases TEXT NOT NULL,         -- JSON list of the case ids it makes due
    card TEXT NOT NULL,          -- an fsrs.Card as JSON
    due_at REAL NOT NULL,
    reviews INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    last_rating INTEGER,
    updated_at REAL NOT NULL
);
"""

# The columns each version's reader needs; a file without them is refused, not guessed at.
_COLUMNS = {
    "sessions": "id, case_id, title, started_at, finished_at, score, hints_used, seconds, front_end, time_limit, drill",
    "attempts": "session_id, stage_id, attempt, answer, recognised, credit, found, misconceptions, at, confusions",
    "hints": "session_id, stage_id, level, reveals_answer, at",
    "stage_results": "session_id, stage_id, kind, outcome, score, credit, attempts, hints_used, found, missed,"
    " closed_at, opened_at",
    "review_cards": "key, kind, subject, cases, card, due_at, reviews, lapses, last_rating, updated_at",
}


class RecordStore(Protocol):
    """What the rest of the tutor asks of the learner's records."""

    @property
    def enabled(self) -> bool: ...

    def save(self, session, events: Iterable[object], *, drill: str | None = None) -> None: ...

    def history(self, *, since: float | None = None, case_id: str | None = None, session_id: int | None = None,
                answers: bool | str = True) -> History: ...

    def cards(self) -> list[review.CardRecord]: ...

    def note_for(self, session) -> str | None: ...

    def close(self) -> None: ...


class Refused(Exception):
    """The records file cannot be trusted; it is left exactly as it is."""


def _warn_on_stderr(message: str) -> None:
    try:
        print(f"tutor: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


@dataclass
class _Step:
    name: str  # the session's name in this run (a spool names sessions by it)
    data: dict  # the rows it adds, as Records._step_of makes them
    queued_at: float = 0.0  # monotonic seconds


def describe(error: BaseException, path: Path | None = None) -> str:
    """An error of the records in the learner's words."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name.startswith("SQLITE_FULL") or "disk is full" in text or getattr(error, "errno", None) == 28:
        return "the disk is full"
    if name.startswith("SQLITE_IOERR") and path is not None:
        try:
            if shutil.disk_usage(path.parent).free < LOW_DISK:
                return "the disk is full"
        except OSError:
            pass
    return text


def is_transient(error: BaseException) -> bool:
    """A lock, a full disk, a passing I/O fault: worth trying again. Damage and refusals are not."""
    if isinstance(error, Refused):
        return False
    if isinstance(error, OSError):
        return getattr(error, "errno", None) == 28
    name = getattr(error, "sqlite_errorname", "") or ""
    if name:
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_PROTOCOL",
                                "SQLITE_NOMEM", "SQLITE_INTERRUPT"))
    text = str(error)
    return "locked" in text or "busy" in text or "disk is full" in text


class Records:
    """The learner's records in an SQLite file; every method is safe to call whatever the file does."""

    def __init__(self, path: Path | None, warn: Callable[[str], None] = _warn_on_stderr,
                 timeout: float = BUSY_TIMEOUT, front_end: str | None = None,
                 monotonic: Callable[[], float] = time.monotonic, patience: float = CLOSE_PATIENCE):
        self.path = path
        self._patience = patience
        self.front_end = front_end
        self._db: sqlite3.Connection | None = None
        self._warn = warn
        self._timeout = timeout
        self._monotonic = monotonic
        self._refused: str | None = None
        self._pending: list[_Step] = []
        self._waiting_since: float | None = None  # monotonic time records started waiting
        self._last_warning: float | None = None
        self._waiting_reason = ""
        self._names: dict[object, str] = {}  # session key -> its name in this run
        self._session_rows: dict[str, int] = {}  # session name -> its row, once committed
        self._opened: dict[tuple[str, str], float] = {}
        self._skipped_warned: dict[str, int] = {}
        self._spool: Spool | None = None
        self._spooled = 0  # how many of the pending steps are in the spool
        # For the benchmark: seconds from each save to its commit, each save's own time (what the
        # learner waits) and each wait for a turn.
        self.waits: list[float] = []
        self.save_seconds: list[float] = []
        self.turn_waits: list[float] = []

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        warn: Callable[[str], None] = _warn_on_stderr,
        timeout: float = BUSY_TIMEOUT,
        front_end: str | None = None,
        patience: float = CLOSE_PATIENCE,
    ) -> Records:
        """The records at `path` (default: TUTOR_DB, or records.sqlite3 in the data folder).

        `timeout`: seconds a save waits for its turn; `patience`: seconds closing waits to write
        what is still queued; `front_end`: app, repl or script, kept with each play."""
        if front_end is not None and front_end not in FRONT_ENDS:
            raise ValueError(f"not a front end: {front_end!r}")
        records = cls(None, warn, timeout, front_end, patience=patience)
        try:
            records.path = Path(path) if path is not None else locations.records_file()
        except (OSError, RuntimeError, ValueError) as error:
            records._refuse(f"the data folder cannot be used: {error}")
            return records
        try:
            records._connect()
        except (Refused, sqlite3.Error, OSError) as error:
            if is_transient(error):
                records._start_waiting(error)
            else:
                records._refuse(str(error) if isinstance(error, Refused) else describe(error, records.path))
        return records

    # --- State ---

    @property
    def enabled(self) -> bool:
        """Records are being kept (perhaps late, while the file is busy)."""
        return self._refused is None

    @property
    def waiting(self) -> int:
        """Steps not yet on disk."""
        return len(self._pending)

    def note_for(self, session) -> str | None:
        """A line for the summary when this session is not (yet) in the records."""
        if self._refused is not None:
            return f"This session was not recorded: {self._refused}."
        name = self._names.get(_key(session))
        if name is not None and any(step.name == name for step in self._pending):
            return (f"This session is not recorded yet ({self._waiting_reason}); "
                    "the tutor keeps trying until you leave.")
        return None

    def close(self) -> None:
        if self._pending and self._refused is None:
            self._flush(patience=self._patience)
            if self._pending:
                self._spool_pending()
                spooled = _answers(self._pending[:self._spooled])
                lost = _answers(self._pending[self._spooled:])
                if spooled and self._spool is not None and self._spool.path is not None:
                    self._warn_now(f"learner records could not be written ({self._waiting_reason}): "
                                   f"{spooled} answer(s) of this run are kept in {self._spool.path} and go into "
                                   "your records the next time the tutor opens them")
                if lost:
                    self._warn_now(f"learner records could not be written ({self._waiting_reason}): "
                                   f"{lost} answer(s) of this run are not in your records")
                self._pending.clear()
        if self._spool is not None:
            self._spool.let_go()
        self._disconnect()

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- Opening ---

    def _connect(self) -> None:
        path = self.path
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(path):
            _check_file(path)
        else:
            _create(path)
        # No busy handler of SQLite's own: it sleeps longer the longer it has waited, so a tutor that
        # has waited long loses the lock to one that just arrived. `begin_writing` polls evenly instead.
        db = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            _check_version(version)
            # Damage in the file's schema or first pages shows here, before anything is written to it.
            tables = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if version == 0 and tables:
                raise Refused(f"{path} has tables but no schema version: it was not written by the tutor")
            if version >= 1:
                for table in ("sessions", "attempts", "hints", "stage_results"):
                    db.execute(f"SELECT * FROM {table} LIMIT 1").fetchall()
            # Only now, knowing the file is ours, is anything written to it.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            if version < SCHEMA_VERSION:
                _migrate(db, self._timeout)
            # Reading every table now finds a damaged file before the first answer, not during play.
            for table, columns in _COLUMNS.items():
                try:
                    db.execute(f"SELECT {columns} FROM {table} LIMIT 1").fetchall()
                except sqlite3.OperationalError as error:
                    if "no such" in str(error):
                        raise Refused(f"{path} has tables this tutor does not know ({error})") from None
                    raise
        except BaseException:
            db.close()
            raise
        self._db = db
        if self._spool is None:
            self._spool = Spool(path)
        self._write_orphans()

    def _disconnect(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def _refuse(self, reason: str) -> None:
        self._disconnect()
        self._pending.clear()
        if self._refused is None:
            self._refused = reason
            self._warn(f"learner records are off: {reason}; play goes on without them")

    # --- Writing ---

    def save(self, session, events: Iterable[object], *, drill: str | None = None) -> None:
        """Write what one engine step produced, in one transaction (or queue it while the file is busy)."""
        if self._refused is not None:
            return
        began = time.perf_counter()
        kept = tuple(e for e in events if isinstance(e, _RECORDED))
        if not kept:
            return
        self._pending.append(self._step_of(session, kept, drill))
        self._flush(patience=0.0)
        self.save_seconds.append(time.perf_counter() - began)

    def _step_of(self, session, events: tuple, drill: str | None) -> _Step:
        """One engine step as the rows it adds: plain values only, so that it can wait in a spool."""
        key = _key(session)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = secrets.token_hex(8)
        rows: list[list] = []
        for index, event in enumerate(events):
            if isinstance(event, StageOpened):
                self._opened[(name, event.stage_id)] = event.at
            elif isinstance(event, AnswerGraded):
                confusions = []
                for met in events[index + 1:]:
                    if not isinstance(met, MisconceptionMet):
                        break
                    if met.contrast is not None and not met.kept_open:
                        confusions.append([met.concept_id, met.contrast.other_id])
                rows.append(["attempt", event.stage_id, event.attempt, event.answer[:ANSWER_LIMIT], 1, event.credit,
                             json.dumps([c.concept_id for c in event.newly_found]),
                             json.dumps(list(event.misconceptions)), event.at, json.dumps(confusions)])
            elif isinstance(event, NotRecognised) and (event.counted or event.unmatched):
                # An answer nothing in which was recognised uses no try, but is kept: it shows what to teach the matcher.
                rows.append(["attempt", event.stage_id, event.attempt, event.answer[:ANSWER_LIMIT], 0, event.credit,
                             "[]", "[]", event.at, "[]"])
            elif isinstance(event, HintGiven):
                rows.append(["hint", event.stage_id, event.level, int(event.reveals_answer), event.at])
            elif isinstance(event, StageClosed):
                rows.append(["stage", event.stage_id, event.kind, event.outcome, event.score, event.credit,
                             event.attempts, event.hints_used, json.dumps(list(event.found)),
                             json.dumps(list(event.missed)), event.at, self._opened.pop((name, event.stage_id), None)])
            elif isinstance(event, CaseFinished):
                summary = event.summary
                rows.append(["finish", event.at, summary.score, summary.hints_used, summary.seconds,
                             summary.time_limit])
        data = {
            "session": {"name": name, "row": self._session_rows.get(name), "case_id": session.case.id,
                        "title": session.case.title, "started_at": session.started_at,
                        "front_end": self.front_end, "time_limit": session.time_limit, "drill": drill},
            "rows": rows,
        }
        return _Step(name, data, self._monotonic())

    def _flush(self, patience: float) -> bool:
        """Write every queued step in one transaction; retry with backoff for up to `patience` seconds."""
        give_up_at = time.monotonic() + patience
        pause = 0.05
        while self._pending and self._refused is None:
            steps = list(self._pending)
            try:
                if self._db is None:
                    self._connect()
                self._write_pending()
                done = self._monotonic()
                self.waits.extend(done - step.queued_at for step in steps)
            except (Refused, sqlite3.Error, OSError) as error:
                if not is_transient(error):
                    self._refuse(str(error) if isinstance(error, Refused) else describe(error, self.path))
                    return False
                if time.monotonic() + pause > give_up_at:
                    self._spool_pending()
                    self._start_waiting(error)
                    return False
                time.sleep(pause)
                pause = min(2 * pause, 1.0)
                continue
            if self._waiting_since is not None:
                self._waiting_since = None
                self._warn_now("learner records are written again: nothing was lost")
            return True
        return not self._pending

    def _spool_pending(self) -> None:
        """Steps still waiting go to this tutor's spool on disk: a killed tutor loses none of them."""
        if self._spool is None:
            return
        fresh = self._pending[self._spooled:]
        if not fresh:
            return
        try:
            self._spool.append([step.data for step in fresh])
        except OSError:
            return  # a full disk or a read-only folder: they wait in memory, as the warning says
        self._spooled = len(self._pending)

    def _start_waiting(self, error: BaseException) -> None:
        self._waiting_reason = describe(error, self.path)
        now = self._monotonic()
        if self._waiting_since is None:
            self._waiting_since = now
            self._warn_now(f"learner records are waiting ({self._waiting_reason}"
                           f"{f', {self.path}' if self.path else ''}): your answers are kept and written "
                           "as soon as the file is free")
        elif self._last_warning is None or now - self._last_warning >= WARN_AGAIN:
            self._warn_now(f"learner records are still waiting ({self._waiting_reason}): "
                           f"{self.waiting} step(s) not yet written")

    def _warn_now(self, message: str) -> None:
        self._last_warning = self._monotonic()
        self._warn(message)

    def _write_pending(self) -> None:
        db = self._db
        assert db is not None
        # Waits are real seconds; self._monotonic is the clock of warnings and queue times.
        give_up_at = time.monotonic() + self._timeout
        turn = WriteTurn(self.path) if self.path is not None else None
        if turn is not None:
            acquired = turn.acquire(self._timeout)
            self.turn_waits.append(turn.waited)
            if not acquired:
                raise sqlite3.OperationalError("database is locked (another tutor is writing)")
        try:
            new_names: list[str] = []
            begin_writing(db, max(0.0, give_up_at - time.monotonic()))
            if turn is not None:
                # SQLite's write lock is ours now and keeps the next tutor out until the commit; letting
                # go of the turn here wakes it meanwhile, so that waking costs nobody's time.
                turn.release()
            try:
                for step in self._pending:
                    self._apply(db, step.data, self._session_rows, new_names, idempotent=False)
                if self._spool is not None and self._spooled:
                    # From here on the spool's lines may be in the records (see tutor.write_turns).
                    self._spool.mark_flushing()
                db.execute("COMMIT")
            except BaseException:
                for name in new_names:
                    self._session_rows.pop(name, None)
                if db.in_transaction:
                    try:
                        db.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise
        finally:
            if turn is not None:
                turn.release()
        self._pending.clear()
        if self._spool is not None and self._spooled:
            self._spool.remove()
        self._spooled = 0

    def _write_orphans(self) -> None:
        """Write the spools of tutors that died with steps not yet in the records, then remove them."""
        if self.path is None or self._db is None:
            return
        orphans = list(orphan_spools(self.path))
        if not orphans:
            return
        db = self._db
        turn = WriteTurn(self.path)
        try:
            if not turn.acquire(self._timeout):
                return  # the next tutor to open the records tries again
            begin_writing(db, self._timeout)
            try:
                for _spool, fd in orphans:
                    entries, settled = read_spool(fd)
                    rows: dict[str, int] = {}
                    for index, entry in enumerate(entries):
                        self._apply(db, entry, rows, [], idempotent=index < settled)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            for spool, _fd in orphans:
                try:
                    spool.unlink()
                except OSError:
                    pass
        except (sqlite3.Error, OSError, ValueError, TypeError, KeyError, IndexError):
            pass  # left for the next tutor: a spool is never a reason to stop recording
        finally:
            turn.release()
            for _spool, fd in orphans:
                os.close(fd)

    def _apply(self, db: sqlite3.Connection, data: dict, session_rows: dict[str, int], new_names: list[str],
               *, idempotent: bool) -> None:
        """The rows of one step. `idempotent`: it may be in the records already; add only what is missing."""
        about = data["session"]
        name = about["name"]
        row = session_rows.get(name) or about.get("row")
        if row is None and idempotent:
            found = db.execute(
                "SELECT id FROM sessions WHERE case_id = ? AND title = ? AND started_at = ? AND front_end IS ?"
                " AND drill IS ? ORDER BY id DESC LIMIT 1",
                (about["case_id"], about["title"], about["started_at"], about["front_end"], about["drill"]),
            ).fetchone()
            row = found[0] if found else None
        if row is None:
            cursor = db.execute(
                "INSERT INTO sessions (case_id, title, started_at, front_end, time_limit, drill)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (about["case_id"], about["title"], about["started_at"], about["front_end"], about["time_limit"],
                 about["drill"]),
            )
            row = cursor.lastrowid
            new_names.append(name)
        session_rows[name] = row
        for kind, *values in data["rows"]:
            if kind == "attempt":
                stage_id, attempt, answer, recognised, credit, found_json, misconceptions, at, confusions = values
                if idempotent and db.execute(
                    "SELECT 1 FROM attempts WHERE session_id = ? AND stage_id = ? AND attempt = ? AND at = ?"
                    " AND answer = ?", (row, stage_id, attempt, at, answer),
                ).fetchone():
                    continue
                db.execute(
                    "INSERT INTO attempts (session_id, stage_id, attempt, answer, recognised, credit, found,"
                    " misconceptions, at, confusions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row, stage_id, attempt, answer, recognised, credit, found_json, misconceptions, at, confusions),
                )
            elif kind == "hint":
                stage_id, level, reveals, at = values
                if idempotent and db.execute(
                    "SELECT 1 FROM hints WHERE session_id = ? AND stage_id = ? AND level = ? AND at = ?",
                    (row, stage_id, level, at),
                ).fetchone():
                    continue
                db.execute("INSERT INTO hints (session_id, stage_id, level, reveals_answer, at) VALUES (?, ?, ?, ?, ?)",
                           (row, stage_id, level, reveals, at))
            elif kind == "stage":
                db.execute(
                    "INSERT OR REPLACE INTO stage_results (session_id, stage_id, kind, outcome, score, credit,"
                    " attempts, hints_used, found, missed, closed_at, opened_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row, *values),
                )
            elif kind == "finish":
                at, score, hints_used, seconds, time_limit = values
                if idempotent and db.execute("SELECT 1 FROM sessions WHERE id = ? AND finished_at = ?",
                                             (row, at)).fetchone():
                    continue  # its review is in the cards already
                db.execute("UPDATE sessions SET finished_at = ?, score = ?, hints_used = ?, seconds = ? WHERE id = ?",
                           (at, score, hints_used, seconds, row))
                try:
                    outcome = _outcome_of_session(db, row, about["case_id"], at, score, hints_used, seconds,
                                                  time_limit)
                except (TypeError, ValueError):
                    outcome = None  # rows edited by another program: the result is kept, its review is not
                if outcome is not None:
                    _review(db, outcome)

    # --- Reading ---

    def history(self, *, since: float | None = None, case_id: str | None = None, session_id: int | None = None,
                answers: bool | str = True) -> History:
        """Everything kept (sessions started at or after `since`, of one case, or one session), bad rows left out.

        `answers`: True for every answer, False for none, "confused" for only those that
        asserted a misconception (all that statistics need of the answers)."""
        history = History()
        db = self._reader()
        if db is None:
            return history
        where, params = [], []
        if since is not None:
            where.append("started_at >= ?")
            params.append(since)
        if case_id is not None:
            where.append("case_id = ?")
            params.append(case_id)
        if session_id is not None:
            where.append("id = ?")
            params.append(session_id)
        chosen = f" WHERE {' AND '.join(where)}" if where else ""
        of_chosen = f" WHERE session_id IN (SELECT id FROM sessions{chosen})" if where else ""
        confused = (" AND" if where else " WHERE") + " misconceptions != '[]'" if answers == "confused" else ""
        tables = [("sessions", session_from_row, history.sessions, chosen, " ORDER BY id"),
                  ("stage_results", stage_from_row, history.stages, of_chosen, " ORDER BY closed_at, session_id"),
                  ("hints", hint_from_row, history.hints, of_chosen, " ORDER BY id")]
        if answers:
            tables.append(("attempts", answer_from_row, history.answers, of_chosen + confused, " ORDER BY id"))
        try:
            for table, read, into, filter_sql, order in tables:
                skipped = 0
                for raw in db.execute(f"SELECT {_COLUMNS[table]} FROM {table}{filter_sql}{order}", params):
                    row = read(raw)
                    if row is None:
                        skipped += 1
                    else:
                        into.append(row)
                if skipped:
                    history.skipped[table] = skipped
            history.answer_count = db.execute(f"SELECT COUNT(*) FROM attempts{of_chosen}", params).fetchone()[0]
        except sqlite3.Error as error:
            self._read_failed(error)
            return History()
        self._warn_skipped(history.skipped)
        return history

    def cards(self) -> list[review.CardRecord]:
        db = self._reader()
        if db is None:
            return []
        cards, skipped = [], 0
        try:
            for row in db.execute(f"SELECT {_COLUMNS['review_cards']} FROM review_cards ORDER BY key"):
                card = _card_from_row(row)
                if card is None:
                    skipped += 1
                else:
                    cards.append(card)
        except sqlite3.Error as error:
            self._read_failed(error)
            return []
        if skipped:
            self._warn_skipped({"review_cards": skipped})
        return cards

    def last_results(self) -> dict[str, tuple[float, float]]:
        """{case_id: (score, finished_at)} of each case's latest result."""
        results: dict[str, tuple[float, float]] = {}
        for session in self.history(answers=False).results():
            results[session.case_id] = (session.score, session.finished_at)
        return results

    def due_for_review(self, now: float) -> set[str]:
        """Cases the spaced review (tutor.review) says are due at `now`."""
        return {due.case_id for due in review.due_cases(self.cards(), now)}

    def _reader(self) -> sqlite3.Connection | None:
        if self._refused is not None:
            return None
        if self._db is None:
            try:
                self._connect()
            except (Refused, sqlite3.Error, OSError) as error:
                if not is_transient(error):
                    self._refuse(str(error) if isinstance(error, Refused) else describe(error, self.path))
                return None
        return self._db

    def _read_failed(self, error: sqlite3.Error) -> None:
        if not is_transient(error):
            self._refuse(describe(error, self.path))
        else:
            self._warn_now(f"learner records could not be read just now ({describe(error, self.path)})")

    def _warn_skipped(self, skipped: dict[str, int]) -> None:
        fresh = {t: n for t, n in skipped.items() if self._skipped_warned.get(t) != n}
        if fresh:
            self._skipped_warned.update(fresh)
            where = ", ".join(f"{n} in {t}" for t, n in sorted(fresh.items()))
            self._warn(f"some rows of your records hold values of the wrong type and were left out ({where})"
                       f"{f' in {self.path}' if self.path else ''}")


def _answers(steps: list[_Step]) -> int:
    return sum(1 for step in steps for row in step.data["rows"] if row[0] == "attempt")


_RECORDED = (StageOpened, AnswerGraded, MisconceptionMet, NotRecognised, HintGiven, StageClosed, CaseFinished)


def _key(session) -> object:
    return getattr(session, "token", None) or (session.case.id, session.started_at)


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise Refused(f"{path} is not a file")
    size = path.stat().st_size
    if size == 0:
        raise Refused(f"{path} is empty (0 bytes), not a records file; move it away to start new records")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise Refused(f"{path} is not a records file (not an SQLite database)")


def _check_version(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise Refused(f"the records file is from a newer tutor (schema version {version}; this tutor reads up to "
                      f"{SCHEMA_VERSION}); update the tutor to use it")
    if version < 0:
        raise Refused(f"the records file has an unknown schema version ({version})")


def _create(path: Path) -> None:
    """A new records file at the latest schema, put in place in one step: no other tutor sees it half-made."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        db = sqlite3.connect(draft, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(f"BEGIN; {_SCHEMA_V1} {_SCHEMA_V2} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
        finally:
            db.close()
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another tutor made it first: use theirs
        except OSError:
            # A file system without hard links: a plain rename, unless someone made one meanwhile.
            if not path.exists():
                os.replace(draft, path)
    finally:
        for leftover in (draft, draft.with_name(draft.name + "-wal"), draft.with_name(draft.name + "-shm")):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass


def begin_writing(db: sqlite3.Connection, timeout: float, monotonic: Callable[[], float] = time.monotonic) -> None:
    """BEGIN IMMEDIATE, waiting up to `timeout` seconds for another writer, every waiter polling alike."""
    give_up_at = monotonic() + timeout
    while True:
        try:
            db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not is_transient(error) or monotonic() >= give_up_at:
                raise
        time.sleep(POLL * (1 + random.random()))


def _migrate(db: sqlite3.Connection, timeout: float = BUSY_TIMEOUT) -> None:
    """Bring the file to SCHEMA_VERSION in one transaction: all of it or, on any error, none of it."""
    begin_writing(db, timeout)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        _check_version(version)
        if version == 0:
            tables = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables:
                raise Refused("the records file has tables but no schema version: it was not written by the tutor")
            _execute_each(db, _SCHEMA_V1)
            version = 1
        if version == 1:
            _execute_each(db, _SCHEMA_V2)
            _replay_results_into_cards(db)
            version = 2
        db.execute(f"PRAGMA user_version={version}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _execute_each(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it would commit the transaction the migration runs in.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _replay_results_into_cards(db: sqlite3.Connection) -> None:
    """Existing results, oldest first, reviewed into the scheduler as if each had just been played."""
    rows = db.execute(
        "SELECT id, case_id, finished_at, score, hints_used, seconds, time_limit FROM sessions"
        " WHERE finished_at IS NOT NULL ORDER BY finished_at, id"
    ).fetchall()
    for session_id, case_id, finished_at, score, hints, seconds, limit in rows:
        try:
            outcome = _outcome_of_session(db, session_id, case_id, finished_at, score, hints, seconds, limit)
        except (TypeError, ValueError):
            continue  # a row with bad values is left for history() to skip, not a reason to refuse the file
        if outcome is not None:
            _review(db, outcome)


def _outcome_of_session(db, session_id, case_id, at, score, hints, seconds, limit) -> review.Outcome | None:
    """A finished session as the scheduler reads it; None when it is no result (every stage quit)."""
    found: list[str] = []
    missed: list[str] = []
    worked = timed_out = False
    for outcome, found_json, missed_json in db.execute(
        "SELECT outcome, found, missed FROM stage_results WHERE session_id = ? ORDER BY closed_at", (session_id,)
    ):
        if outcome == QUIT:
            continue
        worked = True
        timed_out = timed_out or outcome == "time"
        found += json.loads(found_json)
        missed += json.loads(missed_json)
    if not worked or score is None:
        return None
    confusions: list[tuple[str, str]] = []
    for (text,) in db.execute("SELECT confusions FROM attempts WHERE session_id = ? ORDER BY id", (session_id,)):
        for wrong, expected in json.loads(text or "[]"):
            confusions.append((str(wrong), str(expected)))
    return review.Outcome(
        case_id=str(case_id), at=float(at), score=float(score), hints_used=int(hints or 0),
        seconds=float(seconds or 0), time_limit=float(limit) if limit else None, timed_out=timed_out,
        found=tuple(map(str, found)), missed=tuple(map(str, missed)), confusions=tuple(confusions),
    )


def _review(db: sqlite3.Connection, outcome: review.Outcome) -> None:
    known_pairs = [k for (k,) in db.execute("SELECT key FROM review_cards WHERE kind = ?", (review.PAIR,))]
    for item in review.reviews_of(outcome, known_pairs):
        row = db.execute("SELECT card, cases, reviews, lapses FROM review_cards WHERE key = ?", (item.key,)).fetchone()
        if row is None and not item.create:
            continue
        if row is None:
            card, cases, reviews, lapses = review.new_card(_card_id(db), outcome.at), [], 0, 0
        else:
            try:
                card, cases = review.card_from_json(row[0]), list(review.parse_cases(row[1]))
                reviews, lapses = int(row[2]), int(row[3])
            except (ValueError, TypeError, KeyError):
                card, cases, reviews, lapses = review.new_card(_card_id(db), outcome.at), [], 0, 0
        card = review.review_card(card, item.rating, outcome.at)
        if item.kind != review.CASE and item.rating == review.Rating.Again and outcome.case_id not in cases:
            cases.append(outcome.case_id)
        db.execute(
            "INSERT OR REPLACE INTO review_cards (key, kind, subject, cases, card, due_at, reviews, lapses,"
            " last_rating, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.key, item.kind, item.subject, json.dumps(cases), review.card_to_json(card), card.due.timestamp(),
             reviews + 1, lapses + (item.rating == review.Rating.Again), int(item.rating), outcome.at),
        )


def _card_id(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(*) FROM review_cards").fetchone()[0]) + 1


def _card_from_row(row: tuple) -> review.CardRecord | None:
    try:
        key, kind, subject, cases, card, _due, reviews, lapses, last_rating, updated_at = row
        return review.CardRecord(
            key=str(key), kind=str(kind), subject=str(subject), cases=review.parse_cases(cases),
            card=review.card_from_json(card), reviews=int(reviews), lapses=int(lapses),
            last_rating=None if last_rating is None else int(last_rating), updated_at=float(updated_at),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


__all__ = ["Records", "RecordStore", "Refused", "SessionRecord", "SCHEMA_VERSION", "describe"]
