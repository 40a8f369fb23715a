"""What a learner's records add up to: per case, per concept, per confused pair, per stage kind.

Computed from a `tutor.history.History` and the spaced-review cards; `tutor stats`
prints it and the app's progress screen shows it. Definitions, so a figure can be
checked by hand:

- case: `plays` every session of the case, finished or not; `results` the plays
  that count (finished, with a stage worked through); `best` and `last` their
  scores; `trend` the last score less the mean of the (up to) three results before
  it, None with a single result; `last_played` when the latest play started;
  `next_due` when the spaced review next wants the case (its case card).
- concept: over every stage closed other than by stopping, how often the concept
  was expected, found and missed; weakest first (most missed share, then most
  missed, then id).
- pair: how often an answer asserted a wrong concept where the stage expected the
  other (the discriminator pair the contrast names). Records older than schema 2
  kept only the wrong side: those count under an expected side of None.
- stage kind: stages closed other than by stopping, and the seconds from a stage's
  opening (or, in older records, the previous stage's close) to its close.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable

from tutor.history import QUIT, History
from tutor.review import CASE, CardRecord


@dataclass(frozen=True)
class CaseStats:
    case_id: str
    title: str
    plays: int
    results: int
    best: float | None
    last: float | None
    trend: float | None
    last_played: float | None
    next_due: float | None


@dataclass(frozen=True)
class ConceptStats:
    concept_id: str
    label: str
    expected: int
    found: int
    missed: int

    @property
    def missed_share(self) -> float:
        return self.missed / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class PairStats:
    wrong: str
    expected: str | None
    wrong_label: str
    expected_label: str | None
    times: int


@dataclass(frozen=True)
class KindStats:
    kind: str
    stages: int
    seconds: float  # in all
    mean_seconds: float


@dataclass(frozen=True)
class ScorePoint:
    at: float
    score: float
    case_id: str
    session_id: int


@dataclass
class Stats:
    cases: list[CaseStats] = field(default_factory=list)
    concepts: list[ConceptStats] = field(default_factory=list)
    pairs: list[PairStats] = field(default_factory=list)
    kinds: list[KindStats] = field(default_factory=list)
    scores: list[ScorePoint] = field(default_factory=list)  # every result, oldest first
    plays: int = 0
    answers: int = 0
    skipped_rows: int = 0

    def to_json(self) -> dict:
        return {
            "plays": self.plays,
            "answers": self.answers,
            "skipped_rows": self.skipped_rows,
            "cases": [asdict(c) for c in self.cases],
            "concepts": [{**asdict(c), "missed_share": round(c.missed_share, 4)} for c in self.concepts],
            "pairs": [asdict(p) for p in self.pairs],
            "stage_kinds": [asdict(k) for k in self.kinds],
            "scores": [asdict(p) for p in self.scores],
        }


def compute(history: History, cards: Iterable[CardRecord] = (), labels: dict[str, str] | None = None) -> Stats:
    labels = labels or {}
    label = lambda concept_id: labels.get(concept_id, concept_id)  # noqa: E731
    due = {c.subject: c.due_at for c in cards if c.kind == CASE}
    answers = history.answer_count if history.answer_count is not None else len(history.answers)
    stats = Stats(plays=len(history.sessions), answers=answers,
                  skipped_rows=sum(history.skipped.values()))

    results = history.results()
    stats.scores = [ScorePoint(s.finished_at, s.score, s.case_id, s.id) for s in results]
    by_case: dict[str, list] = {}
    for session in history.sessions:
        by_case.setdefault(session.case_id, []).append(session)
    scored: dict[str, list[float]] = {}
    for session in results:
        scored.setdefault(session.case_id, []).append(session.score)
    for case_id, sessions in by_case.items():
        scores = scored.get(case_id, [])
        earlier = scores[-4:-1]
        stats.cases.append(CaseStats(
            case_id=case_id,
            title=sessions[-1].title,
            plays=len(sessions),
            results=len(scores),
            best=max(scores) if scores else None,
            last=scores[-1] if scores else None,
            trend=scores[-1] - sum(earlier) / len(earlier) if earlier else None,
            last_played=max(s.started_at for s in sessions),
            next_due=due.get(case_id),
        ))
    stats.cases.sort(key=lambda c: (-(c.last_played or 0), c.case_id))

    expected: dict[str, int] = {}
    found: dict[str, int] = {}
    missed: dict[str, int] = {}
    started = {s.id: s.started_at for s in history.sessions}
    kind_totals: dict[str, list[float]] = {}
    previous_close: dict[int, float] = {}
    for stage in sorted(history.stages, key=lambda s: (s.session_id, s.closed_at)):
        opened = stage.opened_at if stage.opened_at is not None else previous_close.get(
            stage.session_id, started.get(stage.session_id, stage.closed_at))
        previous_close[stage.session_id] = stage.closed_at
        if stage.outcome == QUIT:
            continue
        for concept in stage.found:
            expected[concept] = expected.get(concept, 0) + 1
            found[concept] = found.get(concept, 0) + 1
        for concept in stage.missed:
            expected[concept] = expected.get(concept, 0) + 1
            missed[concept] = missed.get(concept, 0) + 1
        kind_totals.setdefault(stage.kind or "other", []).append(max(0.0, stage.closed_at - opened))
    stats.concepts = sorted(
        (ConceptStats(c, label(c), n, found.get(c, 0), missed.get(c, 0)) for c, n in expected.items()),
        key=lambda c: (-c.missed_share, -c.missed, c.concept_id),
    )
    stats.kinds = sorted(
        (KindStats(kind, len(times), sum(times), sum(times) / len(times)) for kind, times in kind_totals.items()),
        key=lambda k: k.kind,
    )

    pairs: dict[tuple[str, str | None], int] = {}
    for answer in history.answers:
        if answer.confusions is None:  # older records: only the wrong side was kept
            for wrong in answer.misconceptions:
                pairs[(wrong, None)] = pairs.get((wrong, None), 0) + 1
            continue
        for wrong, other in answer.confusions:
            pairs[(wrong, other)] = pairs.get((wrong, other), 0) + 1
    stats.pairs = sorted(
        (PairStats(w, e, label(w), label(e) if e else None, n) for (w, e), n in pairs.items()),
        key=lambda p: (-p.times, p.wrong, p.expected or ""),
    )
    return stats


# --- As text -----------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _trend(value: float | None) -> str:
    if value is None:
        return "-"
    points = round(value * 100)
    return "=" if points == 0 else f"{'+' if points > 0 else ''}{points}"


DATE_STYLES = ("minute", "day", "short")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date(seconds: float | None, style: str = "minute") -> str:
    """2026-12-01 09:30 ("minute"), 2026-12-01 ("day"), or 1 Dec for a day of this year ("short")."""
    if seconds is None:
        return "-"
    from datetime import datetime

    moment = datetime.fromtimestamp(seconds)
    if style == "short" and moment.year == datetime.now().year:
        return f"{moment.day} {_MONTHS[moment.month - 1]}"  # by hand: strftime's %b follows the locale
    return moment.strftime("%Y-%m-%d %H:%M" if style == "minute" else "%Y-%m-%d")


def render_text(stats: Stats, limit: int = 15, width: int = 80) -> str:
    """The figures as plain text, every table within `width` columns (names cut with … to fit;
    `tutor stats --json` has them whole)."""
    from tutor.render.columns import fit_table
    from tutor.text_safety import cells, one_line

    if not stats.plays:
        return "No records yet: play a case (tutor play CASE, or the app) and come back."
    lines = [f"{stats.plays} plays, {len(stats.scores)} results, {stats.answers} answers."]
    if stats.skipped_rows:
        lines.append(f"({stats.skipped_rows} rows of the records hold values of the wrong type and were left out.)")
    lines += ["", "## Cases", ""]

    def case_rows(style: str) -> list[tuple[str, ...]]:
        rows = [("Case", "Plays", "Best", "Last", "Trend", "Last played", "Next due")]
        for c in stats.cases:
            rows.append((one_line(c.case_id, 60), str(c.plays), _percent(c.best), _percent(c.last), _trend(c.trend),
                         _date(c.last_played, style), _date(c.next_due, style)))
        return rows

    # The dates give up room before the case ids do: the time of day, then this year's year.
    for style in DATE_STYLES:
        rows = case_rows(style)
        if sum(max(cells(r[i]) for r in rows) for i in range(len(rows[0]))) + 2 * (len(rows[0]) - 1) <= width:
            break
    lines += fit_table(rows, width, right={1, 2, 3, 4}, shrinkable=(0,))
    if stats.concepts:
        lines += ["", "## Concepts, weakest first", ""]
        rows = [("Concept", "Expected", "Found", "Missed")]
        for concept in stats.concepts[:limit]:
            rows.append((one_line(concept.label, 100), str(concept.expected), str(concept.found), str(concept.missed)))
        lines += fit_table(rows, width, right={1, 2, 3}, shrinkable=(0,))
        if len(stats.concepts) > limit:
            lines.append(f"… and {len(stats.concepts) - limit} more (tutor stats --json has them all)")
    if stats.pairs:
        lines += ["", "## Confusions", ""]
        rows = [("Said", "Where the stage expected", "Times")]
        for p in stats.pairs[:limit]:
            rows.append((one_line(p.wrong_label, 100), one_line(p.expected_label or "(not recorded)", 100), str(p.times)))
        lines += fit_table(rows, width, right={2}, shrinkable=(0, 1))
    if stats.kinds:
        lines += ["", "## Time per stage kind", ""]
        rows = [("Stage kind", "Stages", "Mean time", "In all")]
        for k in stats.kinds:
            rows.append((one_line(k.kind, 30), str(k.stages), _seconds(k.mean_seconds), _seconds(k.seconds)))
        lines += fit_table(rows, width, right={1, 2, 3}, shrinkable=(0,))
    return "\n".join(lines)


def _seconds(value: float) -> str:
    value = round(value)
    if value < 60:
        return f"{value} s"
    if value < 3600:
        return f"{value // 60} min {value % 60:02d} s"
    return f"{value // 3600} h {value % 3600 // 60:02d} min"
