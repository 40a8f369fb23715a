"""`tutor play CASE [--plain]`: play one case.

- stdin not a terminal: scripted play. Each input line is an answer or a
  command (/hint, /next, /skip, /quit, /help); the whole dialogue goes to
  stdout as plain text, each answer echoed as "> answer"; the case summary
  comes last. An empty line moves on from a passed stage and is otherwise
  ignored (nothing is echoed). End of input stops the case as /quit would, so
  the summary is always there.
  A scripted play is kept in the learner's records only with --record: a
  script, a test or a demo is not the learner's practice.
- a terminal with --plain: the prompt_toolkit line REPL (tutor.repl).
- a terminal otherwise: the Textual app (tutor.tui.launch.run_case), or the
  REPL if the app is not installed.

`Play` is the small shell every front end shares: it keeps the engine
session, stamps each action with the time, and saves the records of each
step before anything is shown, so what the learner has seen is on disk.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from typing import Callable, Iterable, TextIO

from tutor import wording
from tutor.engine import Answer, AskHint, Event, Input, Next, Quit, Session, Skip, Tick, advance, open_case
from tutor.model import Case
from tutor.text_safety import one_line, printable

ANSWER_LIMIT = 20_000  # characters of one answer line kept; the grader reads fewer still

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
    word = one_line(line.strip().split()[0] if line.strip() else line, 40)
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
    at = next((i for i, e in enumerate(events) if type(e).__name__ == "CaseFinished"), len(texts))
    texts.insert(at, note)
    return "\n\n".join(t for t in texts if t)


def play_script(play: Play, lines: Iterable[str], out: TextIO, width: int | None = wording.DEFAULT_WIDTH) -> None:
    """The whole dialogue as plain text: one input line per answer or command, the summary last."""

    def write(text: str) -> None:
        out.write(text)
        out.flush()

    write(wording.render_events(play.opening, width) + "\n\n" + wording.wrap(wording.START_NOTE, width) + "\n")
    for raw in lines:
        if play.finished:
            break
        line = raw.rstrip("\r\n")
        events, message = play.line(line)
        if not events and message is None:
            continue  # an empty line before the stage is passed: ignored, as the format page says
        body = message if message is not None else render_with_note(play, events, width)
        echo = wording.echo(line) if line.strip() else ">"
        write("\n" + echo + "\n" + body + "\n")
    if not play.finished:
        write("\n" + render_with_note(play, play.quit(), width) + "\n")


def _app_runner() -> Callable[[Case], object] | None:
    """The Textual app's entry point, if the app is installed."""
    if importlib.util.find_spec("tutor.tui") is None or importlib.util.find_spec("tutor.tui.launch") is None:
        return None
    return getattr(importlib.import_module("tutor.tui.launch"), "run_case", None)


DEFAULT_DRILL_SECONDS = 600


def time_limit_of(args, case: Case) -> float | None:
    """Seconds for a drill (--drill: the case's own time_limit, else 10 minutes; --time-limit wins)."""
    if getattr(args, "time_limit", None):
        return float(args.time_limit)
    if getattr(args, "drill", False):
        return float(case.time_limit or DEFAULT_DRILL_SECONDS)
    return None


def _run(args) -> int:
    from tutor.library import load_case
    from tutor.problems import CaseError, report_problems
    from tutor.records import Records

    try:
        case = load_case(args.case)
    except CaseError as error:
        return report_problems(error)

    if sys.stdin is None or not sys.stdin.isatty():
        for stream in (sys.stdin, sys.stdout):
            if stream is not None and hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")
        records = Records.open(front_end="script") if getattr(args, "record", False) else None
        try:
            play = Play(case, records, time_limit=time_limit_of(args, case))
            lines = iter(sys.stdin.readline, "") if sys.stdin is not None else ()
            play_script(play, lines, sys.stdout)
        finally:
            if records is not None:
                records.close()
        return 0

    if not args.plain:
        run_case = _app_runner()
        if run_case is not None:
            limit = time_limit_of(args, case)
            return int((run_case(case, time_limit=limit) if limit else run_case(case)) or 0)
    from tutor import repl

    return repl.run(case, time_limit=time_limit_of(args, case))


def run(args) -> int:
    try:
        return _run(args)
    except (KeyboardInterrupt, BrokenPipeError):
        raise  # the CLI ends these quietly
    except Exception as error:  # a bug of ours: one line for the learner, not a traceback
        print(f"tutor: something went wrong inside the tutor ({type(error).__name__}: {one_line(str(error), 300)})", file=sys.stderr)
        return 1

