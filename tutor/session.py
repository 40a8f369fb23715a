"""The shell every front end shares (the app, the line REPL, scripted play).

`Play` keeps the engine session, stamps each action with the time, reads a
typed line as a slash command or an answer, and saves the records of each step
before anything is shown, so what the learner has seen is on disk. The rules a
front end must not write again live here too: the slash commands, how an
answer is cleaned, and how long a drill lasts.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TextIO

from tutor.engine import Session, advance, open_case
from tutor.events import Answer, AskHint, CaseFinished, Event, Input, Next, Quit, Skip, Tick
from tutor.model import Case
from tutor.render import wording
from tutor.text_safety import one_line, printable

if TYPE_CHECKING:
    from tutor.case_watch import Carried, CaseWatch

ANSWER_LIMIT = 20_000  # characters of one answer line kept; the grader reads fewer still
# Characters of an input line read at all; the rest of a longer line is skipped unread.
LINE_LIMIT = 2 * ANSWER_LIMIT

# What a line beginning with "/" asks for.
COMMANDS = {
    "/hint": "hint",
    "/next": "next",
    "/skip": "skip",
    "/quit": "quit",
    "/exit": "quit",
    "/help": "help",
    "/?": "help",
}


def clean_answer(line: str) -> str:
    """An answer as the engine sees it: no control characters or escapes, not absurdly long."""
    return printable(line[: 2 * ANSWER_LIMIT])[:ANSWER_LIMIT].strip()


def command_of(line: str) -> str | None:
    """"hint", "skip", "quit", "help", "unknown" for a command line; None for an answer."""
    text = line.strip()
    if not text.startswith("/"):
        return None
    word = text.split()[0].casefold() if text.split() else text
    return COMMANDS.get(word, "unknown")


def unknown_command_text(line: str) -> str:
    from tutor.suggestions import did_you_mean

    word = one_line(line.strip().split()[0] if line.strip() else line, 40)
    hint = did_you_mean(word, ["/hint", "/next", "/skip", "/quit", "/help"], quote="")
    if hint:
        return f"I don't know the command {word}. {hint[0].upper()}{hint[1:]}"
    return f"I don't know the command {word}. Commands: /hint, /next, /skip, /quit, /help."


class Play:
    """One case being played: the engine session, the clock, and the records."""

    def __init__(self, case: Case, records=None, clock: Callable[[], float] = time.time, grader=None,
                 time_limit: float | None = None, drill: str | None = None):
        if grader is None:
            from tutor.grading import CaseGrader

            grader = CaseGrader(case)
        self.case = case
        self.records = records
        self.clock = clock
        self.drill = drill  # the id of the drill this play is part of
        self.session: Session
        self.session, self.opening = open_case(case, grader, at=clock(), time_limit=time_limit)
        self._save(self.opening)

    @property
    def finished(self) -> bool:
        return self.session.finished

    def step(self, action: Input) -> tuple[Event, ...]:
        self.session, events = advance(self.session, action)
        self._save(events)
        return events

    def answer(self, text: str) -> tuple[Event, ...]:
        return self.step(Answer(clean_answer(text), at=self.clock()))

    def hint(self) -> tuple[Event, ...]:
        return self.step(AskHint(at=self.clock()))

    def next(self) -> tuple[Event, ...]:
        """Move on from a passed stage; before it is passed, hear what it still needs."""
        return self.step(Next(at=self.clock()))

    def skip(self) -> tuple[Event, ...]:
        return self.step(Skip(at=self.clock()))

    def quit(self) -> tuple[Event, ...]:
        return self.step(Quit(at=self.clock()))

    def tick(self) -> tuple[Event, ...]:
        """Let a drill's clock run out between answers."""
        return self.step(Tick(at=self.clock()))

    def remaining(self) -> float | None:
        return self.session.remaining(self.clock())

    def reload(self, case: Case, grader=None) -> Carried:
        """Go on with a new version of the case (`--watch`): same stage by id; see tutor.case_watch."""
        from tutor.case_watch import carry_over

        if grader is None:
            from tutor.grading import CaseGrader

            grader = CaseGrader(case)
        self.session, carried = carry_over(self.session, case, grader, self.clock())
        self.case = case
        return carried

    def line(self, line: str) -> tuple[tuple[Event, ...], str | None]:
        """One line typed by the learner: the events it caused, or a message that is not an event."""
        command = command_of(line)
        if command == "help":
            return (), wording.HELP_TEXT
        if command == "unknown":
            return (), unknown_command_text(line)
        if command == "hint":
            return self.hint(), None
        if command == "next":
            return self.next(), None
        if command == "skip":
            return self.skip(), None
        if command == "quit":
            return self.quit(), None
        return self.answer(line), None

    def _save(self, events: tuple[Event, ...]) -> None:
        if self.records is not None:
            if self.drill is not None:
                self.records.save(self.session, events, drill=self.drill)
            else:
                self.records.save(self.session, events)

    def records_note(self) -> str | None:
        """A line for the summary when this play is not (yet) in the records."""
        if self.records is None or not hasattr(self.records, "note_for"):
            return None
        return self.records.note_for(self.session)


def render_with_note(play: Play, events: tuple[Event, ...], width: int | None) -> str:
    """The events as text; a play that is not in the records says so just before its summary."""
    note = play.records_note() if play.finished else None
    if not note:
        return wording.render_events(events, width)
    texts = [wording.render_event(e, width) for e in events]
    at = next((i for i, e in enumerate(events) if isinstance(e, CaseFinished)), len(texts))
    texts.insert(at, note)
    return "\n\n".join(t for t in texts if t)


def answer_lines(stream: TextIO) -> Iterator[str]:
    """The lines of scripted input, each cut to LINE_LIMIT characters before anything looks at it.

    A 100 MB line is read in pieces and dropped piece by piece, never held whole: the tutor
    reads only the beginning of an answer anyway.
    """
    while True:
        line = stream.readline(LINE_LIMIT)
        if not line:
            return
        rest = line
        while rest and not rest.endswith("\n"):
            rest = stream.readline(LINE_LIMIT)
        yield line


def play_script(play: Play, lines: Iterable[str], out: TextIO, width: int | None = wording.DEFAULT_WIDTH,
                watch: CaseWatch | None = None) -> None:
    """The whole dialogue as plain text: one input line per answer or command, the summary last.

    With `watch`, the case file is looked at after each line is read, before it is played."""

    def write(text: str) -> None:
        out.write(text)
        out.flush()

    write(wording.render_events(play.opening, width) + "\n\n" + wording.wrap(wording.START_NOTE, width) + "\n")
    if watch is not None:
        from tutor.case_watch import NOT_RECORDED_NOTE

        write("\n" + wording.wrap(NOT_RECORDED_NOTE, width) + "\n")
    for raw in lines:
        if play.finished:
            break
        if watch is not None:
            shown = watched_change_text(play, watch, width)
            if shown:
                write("\n" + shown + "\n")
        line = raw.rstrip("\r\n")
        events, message = play.line(line)
        if not events and message is None:
            continue  # an empty line before the stage is passed: ignored, as the format page says
        body = message if message is not None else render_with_note(play, events, width)
        echo = wording.echo(line) if line.strip() else ">"
        write("\n" + echo + "\n" + body + "\n")
    if not play.finished:
        write("\n" + render_with_note(play, play.quit(), width) + "\n")


def watched_change_text(play: Play, watch: CaseWatch, width: int | None, grader_of=None) -> str:
    """Look at the watched files once; what the learner is to be shown about a change ("" if none).

    A save that loads is played from the stage the learner is at; one that does not is
    reported with its errors and the last good version goes on."""
    from tutor.case_watch import broken_text

    if play.finished:
        return ""
    change = watch.poll()
    if change is None:
        return ""
    if change.case is None:
        return broken_text(change, watch.shown, width)
    carried = play.reload(change.case, grader_of(change.case) if grader_of is not None else None)
    notes = "\n\n".join(wording.wrap(note, width) for note in carried.notes)
    return notes + "\n\n" + wording.render_event(carried.stage, width)


DEFAULT_DRILL_SECONDS = 600


def drill_seconds(case: Case) -> float:
    """How long a drill of this case lasts: the case's own time_limit, else ten minutes."""
    return float(case.time_limit or DEFAULT_DRILL_SECONDS)
