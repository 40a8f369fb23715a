"""Drills: timed cases in a row, and the table they end with.

A `Drill` holds the cases chosen for it and what each came to; a front end plays
them one `Play` at a time, each under its own clock (the --time-limit flag, else
the case's `time_limit`, else DEFAULT_SECONDS). When a case's time runs out, the
engine ends the stage being worked on with "time is up" and its model answer (the
stage's explanation), the case ends, and the drill moves on to the next case.

On a pipe (`play_script`) a drill is read line by line like scripted play: a line
that arrives after its case's time is up is not graded; it is echoed as late, the
case ends there, and the next line belongs to the next case. End of input, or
/quit, stops the case being played; the cases after it are listed as not played.

Which cases (`choose`): the ones named, else the whole library; `--tag` keeps
those with the tag; `--due` keeps those the spaced review says are due, weakest
first; `--weakest` orders them by their last score, never played first; `--cases`
keeps the first N.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, TextIO

from tutor import review
from tutor.model import Case
from tutor.render import wording
from tutor.text_safety import one_line

DEFAULT_SECONDS = 600

FINISHED, TIMED_OUT, STOPPED, NOT_PLAYED = "finished", "time", "stopped", "not played"


@dataclass(frozen=True)
class DrillLine:
    """One row of the table a drill ends with."""

    case_id: str
    title: str
    ended: str  # finished | time | stopped | not played
    score: float | None = None
    seconds: float | None = None
    time_limit: float | None = None
    misses: tuple[str, ...] = ()  # labels of the concepts missed and the confusions met


def time_limit_for(case: Case, flag: float | None = None) -> float:
    """Seconds for this case in a drill: the flag, else the case's own time_limit, else 10 minutes."""
    return float(flag or case.time_limit or DEFAULT_SECONDS)


def line_of(case: Case, summary) -> DrillLine:
    timed_out = any(stage.outcome == "time" for stage in summary.stages)
    quit_early = any(stage.outcome == "quit" for stage in summary.stages)
    ended = TIMED_OUT if timed_out else STOPPED if quit_early else FINISHED
    return DrillLine(
        case_id=case.id, title=case.title, ended=ended, score=summary.score, seconds=summary.seconds,
        time_limit=summary.time_limit,
        misses=tuple(summary.missed_labels) + tuple(summary.misconception_labels),
    )


@dataclass
class Drill:
    """The cases of one drill, in order, and what each came to."""

    cases: list[Case]
    records: object = None
    clock: Callable[[], float] | None = None
    time_limit: float | None = None  # the --time-limit flag: the same for every case
    make_grader: Callable[[Case], object] | None = None
    front_end: str = "script"
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    lines: list[DrillLine] = field(default_factory=list)
    current: object = None  # the Play being played

    @property
    def position(self) -> int:
        """0-based index of the case being (or next to be) played."""
        return len(self.lines)

    @property
    def done(self) -> bool:
        return self.position >= len(self.cases)

    def limit_of(self, case: Case) -> float:
        return time_limit_for(case, self.time_limit)

    def next_case(self) -> Case | None:
        return None if self.done else self.cases[self.position]

    def next_play(self):
        """Open the next case under its clock; None when every case has been played."""
        from tutor.session import Play

        case = self.next_case()
        if case is None:
            return None
        grader = self.make_grader(case) if self.make_grader is not None else None
        kwargs = {"clock": self.clock} if self.clock is not None else {}
        self.current = Play(case, self.records, grader=grader, time_limit=self.limit_of(case), drill=self.id, **kwargs)
        return self.current

    def close_play(self, play) -> DrillLine:
        """Note what the case being played came to (quitting it first if it is still open)."""
        if not play.finished:
            play.quit()
        line = line_of(play.case, play.session.summary())
        self.lines.append(line)
        self.current = None
        return line

    def stop(self) -> None:
        """End the drill here: the case being played stops, the rest are not played."""
        if self.current is not None:
            self.close_play(self.current)
        for case in self.cases[self.position:]:
            self.lines.append(DrillLine(case.id, case.title, NOT_PLAYED))

    @property
    def mean_score(self) -> float | None:
        played = [line.score for line in self.lines if line.score is not None]
        return sum(played) / len(played) if played else None


# --- Which cases ---------------------------------------------------------------


def choose(entries: list, records=None, *, named: Iterable[str] = (), tag: str | None = None, due: bool = False,
           weakest: bool = False, count: int | None = None, now: float = 0.0) -> list:
    """The library entries a drill plays, in order (see the module notes)."""
    named = list(named)
    if named:
        by_id = {e.id: e for e in entries}
        chosen = [by_id[n] for n in named if n in by_id]
    else:
        chosen = list(entries)
    if tag:
        wanted = tag.casefold()
        chosen = [e for e in chosen if any(t.casefold() == wanted for t in e.tags)]
    if due:
        order = [d.case_id for d in review.due_cases(records.cards(), now)] if records is not None else []
        rank = {case_id: i for i, case_id in enumerate(order)}
        chosen = sorted((e for e in chosen if e.id in rank), key=lambda e: rank[e.id])
    if weakest:
        last = records.last_results() if records is not None else {}
        chosen = sorted(chosen, key=lambda e: (e.id in last, last.get(e.id, (0.0, 0.0))[0]))
    if count is not None:
        chosen = chosen[: max(0, count)]
    return chosen


# --- The table ------------------------------------------------------------------


def table(lines: list[DrillLine], width: int = wording.DEFAULT_WIDTH) -> str:
    """The closing table as plain text in `width` columns: case, score, time, misses.

    The misses wrap under their own column, broken between items; when that column would
    be too narrow to read, they go on the lines below the row instead."""
    from tutor.render import columns

    rows = [("Case", "Score", "Time")]
    misses: list[list[str]] = [["Misses"]]
    for line in lines:
        score = wording.percent(line.score) if line.score is not None else "-"
        if line.ended == NOT_PLAYED:
            spent = "not played"
        else:
            spent = wording.duration(line.seconds or 0)
            if line.ended == TIMED_OUT:
                spent += " (time up)"
            elif line.ended == STOPPED:
                spent += " (stopped)"
        rows.append((one_line(line.case_id, 60), score, spent))
        shown = [one_line(label, 200) for label in line.misses]
        misses.append(shown or (["-"] if line.ended != NOT_PLAYED else []))
    widths = columns.column_widths(rows, width, shrinkable=(0,))
    head_width = sum(widths) + len(columns.GAP) * len(widths)
    beside = width - head_width >= MISSES_NARROWEST
    out = []
    for row, items in zip(rows, misses):
        head = columns.GAP.join(columns.pad(columns.cut(cell, widths[i]), widths[i], right=i == 1)
                                for i, cell in enumerate(row)) + columns.GAP
        if beside:
            wrapped = columns.wrap_items(items, width - head_width) if items else [""]
            out.append((head + wrapped[0]).rstrip())
            out += [(" " * head_width + more).rstrip() for more in wrapped[1:]]
        else:
            out.append(head.rstrip())
            if items and items not in (["Misses"], ["-"]):
                out += ["    " + more for more in columns.wrap_items(["Misses: " + items[0], *items[1:]], width - 4)]
    return "\n".join(out)


MISSES_NARROWEST = 30  # cells: narrower than this, the misses go below their row


# --- On a pipe --------------------------------------------------------------------


def late_text(seconds_late: float) -> str:
    return (f"Late: this case's time ran out {wording.duration(max(1.0, seconds_late))} before this line; "
            "it is not graded.")


def play_script(drill: Drill, lines: Iterable[str], out: TextIO, width: int | None = wording.DEFAULT_WIDTH) -> None:
    """A whole drill as plain text, one input line per answer or command, the table last."""
    from tutor.session import command_of, render_with_note

    def write(text: str) -> None:
        out.write(text)
        out.flush()

    feed: Iterator[str] = iter(lines)
    total = len(drill.cases)
    write(f"# Drill: {total} case{'s' if total != 1 else ''} in a row, each under its own clock.\n")
    ended_input = False
    while not drill.done and not ended_input:
        play = drill.next_play()
        n = drill.position + 1
        write(f"\n# Case {n} of {total}: {drill.limit_of(play.case) and wording.duration(drill.limit_of(play.case))}"
              " on the clock.\n\n")
        write(wording.render_events(play.opening, width) + "\n\n" + wording.wrap(wording.START_NOTE, width) + "\n")
        for raw in feed:
            line = raw.rstrip("\r\n")
            remaining = play.remaining()
            if remaining is not None and remaining <= 0:
                late_by = play.clock() - play.session.deadline
                events = play.tick()
                write("\n" + wording.echo(line) + "\n" + late_text(late_by) + "\n\n"
                      + render_with_note(play, events, width) + "\n")
                break
            events, message = play.line(line)
            body = message if message is not None else render_with_note(play, events, width)
            write("\n" + wording.echo(line) + "\n" + body + "\n")
            if command_of(line) == "quit":
                ended_input = True  # /quit leaves the drill, not only this case
            if play.finished:
                break
        else:
            ended_input = True
            if not play.finished:
                write("\n" + render_with_note(play, play.quit(), width) + "\n")
        drill.close_play(play)
    if not drill.done:
        drill.stop()
    mean = drill.mean_score
    write("\n## Drill summary\n\n" + table(drill.lines, width or wording.DEFAULT_WIDTH) + "\n")
    if mean is not None:
        write(f"\nDrill score: {wording.percent(mean)}\n")
