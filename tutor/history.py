"""A learner's records read back: typed rows, each checked before it is believed.

Whatever store holds the records (the SQLite file of tutor.records, or one day a
server for a class) hands the rest of the tutor a `History`. Statistics, spaced
review and export are computed from it, never from SQL.

A row is read through `*_from_row`, which returns None when a value has the wrong
type (text in a number column, a list that is not JSON): a file edited by another
tool costs the learner that row, not the app.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

QUIT = "quit"


@dataclass(frozen=True)
class SessionRecord:
    id: int
    case_id: str
    title: str
    started_at: float
    finished_at: float | None  # None while playing, or if the process was killed
    score: float | None
    hints_used: int | None
    seconds: float | None
    front_end: str | None = None  # app | repl | script; None in records older than schema 2
    time_limit: float | None = None  # seconds, in a drill
    drill: str | None = None  # the drill this play was part of


@dataclass(frozen=True)
class AnswerRecord:
    session_id: int
    stage_id: str
    attempt: int
    answer: str
    recognised: bool
    credit: float
    found: tuple[str, ...]
    misconceptions: tuple[str, ...]
    at: float
    # (misconception, the expected concept it was taken for); None in records older than schema 2
    confusions: tuple[tuple[str, str], ...] | None = ()


@dataclass(frozen=True)
class HintRecord:
    session_id: int
    stage_id: str
    level: int
    reveals_answer: bool
    at: float


@dataclass(frozen=True)
class StageRecord:
    session_id: int
    stage_id: str
    kind: str | None
    outcome: str
    score: float
    credit: float
    attempts: int
    hints_used: int
    found: tuple[str, ...]
    missed: tuple[str, ...]
    closed_at: float
    opened_at: float | None = None  # None in records older than schema 2


@dataclass
class History:
    sessions: list[SessionRecord] = field(default_factory=list)
    answers: list[AnswerRecord] = field(default_factory=list)
    hints: list[HintRecord] = field(default_factory=list)
    stages: list[StageRecord] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # table -> rows not read (bad values)
    answer_count: int | None = None  # every answer kept, even when only some were read

    def stages_of(self) -> dict[int, list[StageRecord]]:
        by_session: dict[int, list[StageRecord]] = {}
        for stage in self.stages:
            by_session.setdefault(stage.session_id, []).append(stage)
        return by_session

    def results(self) -> list[SessionRecord]:
        """Finished sessions that count as a result, oldest first (see `is_result`)."""
        worked = {s.session_id for s in self.stages if s.outcome != QUIT}
        return sorted(
            (s for s in self.sessions if is_result(s, s.id in worked)),
            key=lambda s: (s.finished_at, s.id),
        )


def is_result(session: SessionRecord, worked_a_stage: bool) -> bool:
    """A finish with at least one stage worked through: opening a case and leaving is not a 0% result."""
    return session.finished_at is not None and session.score is not None and worked_a_stage


# --- Checking values read from a file another program may have written ------


class BadValue(ValueError):
    pass


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue(value)
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadValue(value)
    return float(value)


def _optional_number(value: Any) -> float | None:
    return None if value is None else _number(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise BadValue(value)
    return value


def _optional_whole(value: Any) -> int | None:
    return None if value is None else _whole(value)


def _ids(value: Any) -> tuple[str, ...]:
    if value == "[]":
        return ()  # most lists are empty: no need to parse them
    try:
        items = json.loads(_text(value))
    except (json.JSONDecodeError, RecursionError):
        raise BadValue(value) from None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise BadValue(value)
    return tuple(items)


def _pairs(value: Any) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    if value == "[]":
        return ()
    try:
        items = json.loads(_text(value))
    except (json.JSONDecodeError, RecursionError):
        raise BadValue(value) from None
    if not isinstance(items, list):
        raise BadValue(value)
    pairs = []
    for item in items:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(i, str) for i in item)):
            raise BadValue(value)
        pairs.append((item[0], item[1]))
    return tuple(pairs)


def session_from_row(row: tuple) -> SessionRecord | None:
    try:
        return SessionRecord(
            id=_whole(row[0]), case_id=_text(row[1]), title=_text(row[2]), started_at=_number(row[3]),
            finished_at=_optional_number(row[4]), score=_optional_number(row[5]),
            hints_used=_optional_whole(row[6]), seconds=_optional_number(row[7]),
            front_end=_optional_text(row[8]), time_limit=_optional_number(row[9]), drill=_optional_text(row[10]),
        )
    except BadValue:
        return None


def answer_from_row(row: tuple) -> AnswerRecord | None:
    try:
        return AnswerRecord(
            session_id=_whole(row[0]), stage_id=_text(row[1]), attempt=_whole(row[2]), answer=_text(row[3]),
            recognised=bool(_whole(row[4])), credit=_number(row[5]), found=_ids(row[6]),
            misconceptions=_ids(row[7]), at=_number(row[8]), confusions=_pairs(row[9]),
        )
    except BadValue:
        return None


def hint_from_row(row: tuple) -> HintRecord | None:
    try:
        return HintRecord(
            session_id=_whole(row[0]), stage_id=_text(row[1]), level=_whole(row[2]),
            reveals_answer=bool(_whole(row[3])), at=_number(row[4]),
        )
    except BadValue:
        return None


def stage_from_row(row: tuple) -> StageRecord | None:
    try:
        return StageRecord(
            session_id=_whole(row[0]), stage_id=_text(row[1]), kind=_optional_text(row[2]), outcome=_text(row[3]),
            score=_number(row[4]), credit=_number(row[5]), attempts=_whole(row[6]), hints_used=_whole(row[7]),
            found=_ids(row[8]), missed=_ids(row[9]), closed_at=_number(row[10]), opened_at=_optional_number(row[11]),
        )
    except BadValue:
        return None
