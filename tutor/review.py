"""Spaced review with FSRS (the `fsrs` package): what to play again, and when.

Three kinds of card, each an `fsrs.Card` kept in the records:

- a **case** card for every case with a result, rated from that result:
  Again below 50 %; Hard from 50 %; Good from GOOD_SCORE (80 %); Easy from 90 %
  with no hint, no stage cut short by the clock and, in a drill, at most half the
  time used. Two hints or more, or a stage cut off by the clock, make a Good only
  Hard.
- a **concept** card for an expected concept the learner missed: made at its
  first miss (Again), then Good each later result that finds it, Again each that
  misses it.
- a **pair** card for a confusion (a wrong answer and the expected concept it was
  taken for, e.g. hamstring tendinopathy for IFI): made at the first confusion,
  Again at each later one, Good when a later result finds the expected concept
  without the confusion.

A concept or pair card is something the learner "keeps missing" once it has two
lapses (Again ratings); only then does it make its cases due. Intervals are whole
days (no learning steps of minutes: a case is not a flash card) and not fuzzed, so
a schedule can be checked by hand and in tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from fsrs import Card, Rating, Scheduler, State

GOOD_SCORE = 0.8
EASY_SCORE = 0.9
HARD_SCORE = 0.5
KEEPS_MISSING = 2  # lapses before a concept or a pair makes its cases due

CASE, CONCEPT, PAIR = "case", "concept", "pair"

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@dataclass(frozen=True)
class Outcome:
    """One result, as the scheduler reads it."""

    case_id: str
    at: float
    score: float
    hints_used: int = 0
    seconds: float = 0.0
    time_limit: float | None = None
    timed_out: bool = False
    found: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    confusions: tuple[tuple[str, str], ...] = ()  # (wrong answer, expected concept it was taken for)


@dataclass(frozen=True)
class Review:
    key: str
    kind: str
    subject: str
    rating: Rating
    create: bool  # make the card if it is not there yet; otherwise only an existing card is reviewed


@dataclass(frozen=True)
class CardRecord:
    """A card as the records keep it."""

    key: str
    kind: str
    subject: str
    cases: tuple[str, ...]
    card: Card
    reviews: int
    lapses: int
    last_rating: int | None
    updated_at: float

    @property
    def due_at(self) -> float:
        return self.card.due.timestamp()

    def is_due(self, now: float) -> bool:
        return self.due_at <= now

    @property
    def keeps_missing(self) -> bool:
        return self.kind == CASE or self.lapses >= KEEPS_MISSING

    def retrievability(self, now: float) -> float:
        return float(SCHEDULER.get_card_retrievability(self.card, when(now)))


def when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def case_rating(outcome: Outcome) -> Rating:
    score = outcome.score
    if score < HARD_SCORE:
        return Rating.Again
    if score < GOOD_SCORE:
        return Rating.Hard
    struggled = outcome.hints_used >= 2 or outcome.timed_out
    if struggled:
        return Rating.Hard
    quick = outcome.time_limit is None or outcome.seconds <= outcome.time_limit / 2
    if score >= EASY_SCORE and outcome.hints_used == 0 and quick:
        return Rating.Easy
    return Rating.Good


def pair_key(wrong: str, expected: str) -> str:
    return f"{PAIR}:{wrong}|{expected}"


def reviews_of(outcome: Outcome, known_pairs: Iterable[str] = ()) -> list[Review]:
    """The cards one result reviews, in a fixed order; `known_pairs` are the pair cards already kept."""
    reviews = [Review(f"{CASE}:{outcome.case_id}", CASE, outcome.case_id, case_rating(outcome), True)]
    found = set(outcome.found)
    for concept in dict.fromkeys(outcome.missed):
        if concept not in found:
            reviews.append(Review(f"{CONCEPT}:{concept}", CONCEPT, concept, Rating.Again, True))
    for concept in dict.fromkeys(outcome.found):
        reviews.append(Review(f"{CONCEPT}:{concept}", CONCEPT, concept, Rating.Good, False))
    confused = set()
    for wrong, expected in dict.fromkeys(outcome.confusions):
        key = pair_key(wrong, expected)
        confused.add(key)
        reviews.append(Review(key, PAIR, f"{wrong}|{expected}", Rating.Again, True))
    # A pair met before is answered well when its expected side is found without the confusion.
    for key in sorted(set(known_pairs) - confused):
        wrong, _, expected = key.removeprefix(f"{PAIR}:").partition("|")
        if expected in found:
            reviews.append(Review(key, PAIR, f"{wrong}|{expected}", Rating.Good, False))
    return reviews


def new_card(card_id: int, at: float) -> Card:
    return Card(card_id=card_id, state=State.Learning, due=when(at))


def review_card(card: Card, rating: Rating, at: float) -> Card:
    reviewed, _log = SCHEDULER.review_card(card, rating, when(at))
    return reviewed


def card_to_json(card: Card) -> str:
    # to_dict/from_dict, not to_json: the JSON methods came only in fsrs 6.2.
    return json.dumps(card.to_dict())


def card_from_json(text: str) -> Card:
    return Card.from_dict(json.loads(text))


def parse_cases(text: str) -> tuple[str, ...]:
    items = json.loads(text)
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValueError(text)
    return tuple(items)


# --- What is due -------------------------------------------------------------


@dataclass(frozen=True)
class DueCase:
    case_id: str
    due_at: float  # the earliest due card that makes it due
    retrievability: float  # the weakest of those cards, 0..1: lower is weaker
    reasons: tuple[str, ...]  # "case", "concept:ifi", "pair:hip-oa|ifi"


def due_cases(cards: list[CardRecord], now: float) -> list[DueCase]:
    """Cases due for review, weakest first (lowest predicted recall, then the longest overdue)."""
    found: dict[str, list[tuple[float, float, str]]] = {}
    for record in cards:
        if not record.is_due(now) or not record.keeps_missing:
            continue
        strength = record.retrievability(now)
        cases = (record.subject,) if record.kind == CASE else record.cases
        for case_id in cases:
            found.setdefault(case_id, []).append((record.due_at, strength, record.key))
    due = [
        DueCase(
            case_id=case_id,
            due_at=min(d for d, _, _ in entries),
            retrievability=min(r for _, r, _ in entries),
            reasons=tuple(k for _, _, k in entries),
        )
        for case_id, entries in found.items()
    ]
    return sorted(due, key=lambda d: (d.retrievability, d.due_at, d.case_id))
