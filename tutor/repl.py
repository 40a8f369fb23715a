"""The line REPL (`tutor play CASE --plain` in a terminal): one PromptSession loop.

The only core-adjacent module allowed to import prompt_toolkit; it renders
the same wording as scripted play and the app. Ctrl-C and Ctrl-D stop the
case cleanly with the summary so far, as /quit does.
"""

from __future__ import annotations

import os
import shutil

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.shortcuts import print_formatted_text

from tutor import locations
from tutor.bracketed_paste import PasteCutter

from tutor.render import wording
from tutor.model import Case
from tutor.scoring import HINT_POINTS
from tutor.session import ANSWER_LIMIT, LINE_LIMIT, Play, watched_change_text
from tutor.text_safety import printable

MAX_WIDTH = 100


# The history file is cut back to its newest half when it grows past this: prompt_toolkit
# reads all of it at every start.
HISTORY_FILE_BYTES = 1024 * 1024


class _AnswerHistory(FileHistory):
    """FileHistory that can store any line: bytes that were not UTF-8 reach it as lone surrogates."""

    def store_string(self, string: str) -> None:
        super().store_string(printable(string[:LINE_LIMIT])[:ANSWER_LIMIT])


def _history() -> History:
    """Answers from earlier sessions for the up arrow; in memory only if the file cannot be written."""
    try:
        path = locations.history_file()
        with open(path, "ab"):
            pass
        _keep_newest(path, HISTORY_FILE_BYTES)
        return _AnswerHistory(str(path))
    except OSError:
        return InMemoryHistory()


def _keep_newest(path, limit: int) -> None:
    """Cut a history file longer than `limit` bytes to its newest entries, about half of it."""
    if path.stat().st_size <= limit:
        return
    with open(path, "rb") as handle:
        handle.seek(-(limit // 2), 2)
        tail = handle.read()
    start = tail.find(b"\n# ")  # entries start with a "# time" line
    kept = tail[start:] if start >= 0 else b""
    spare = path.with_name(path.name + ".new")
    spare.write_bytes(kept)
    os.replace(spare, path)


class PasteCuttingParser:
    """prompt_toolkit's input parser with a PasteCutter in front of it (tutor.bracketed_paste):
    a paste reaches it cut to twice the answer limit, in one piece. Only its public feed() and
    flush() are used."""

    def __init__(self, parser):
        self._parser = parser
        self._cutter = PasteCutter(2 * ANSWER_LIMIT)

    def feed(self, data: str) -> None:
        passed = self._cutter.feed(data)
        if passed:
            self._parser.feed(passed)

    def flush(self) -> None:
        held = self._cutter.flush()
        if held:
            self._parser.feed(held)
        self._parser.flush()

    def __getattr__(self, name: str):
        return getattr(self._parser, name)


def _cut_pastes(input):
    """The terminal input with PasteCuttingParser in front of its parser (when it has one)."""
    from prompt_toolkit.input import create_input

    if input is None:
        input = create_input()
    parser = getattr(input, "vt100_parser", None)
    if parser is not None and not isinstance(parser, PasteCuttingParser):
        input.vt100_parser = PasteCuttingParser(parser)
    return input


def _answer_keys() -> KeyBindings:
    keys = KeyBindings()

    @keys.add(Keys.BracketedPaste)
    def _paste(event) -> None:
        # Cut to the room left on the line before prompt_toolkit lays it out: a 10 MB paste
        # took most of a minute of CPU. Line ends as prompt_toolkit's own paste writes them.
        buffer = event.current_buffer
        room = max(0, ANSWER_LIMIT - len(buffer.text))
        data = event.data[: 2 * room].replace("\r\n", "\n").replace("\r", "\n")
        buffer.insert_text(data[:room])

    return keys


def _cap_answer(buffer) -> None:
    # Typed (or pasted by a terminal without bracketed paste) beyond the limit: the rest is dropped.
    if len(buffer.text) > ANSWER_LIMIT:
        buffer.text = buffer.text[:ANSWER_LIMIT]


def _width() -> int:
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns - 1))


def heading_text(line: str) -> str | None:
    """A heading line of rendered wording ("## Stage 1 of 6 · History") as a terminal shows it:
    its words alone, set in bold by the caller; None for any other line. The marks are for
    the pipe's readers (scripts, `tutor play < answers`), not for a learner at a prompt."""
    if not line.startswith("#"):
        return None
    marks = len(line) - len(line.lstrip("#"))
    if marks > 6 or not line[marks:].startswith(" "):
        return None  # "#hashtag", not a heading
    return line[marks:].strip()


def _show(text: str, output=None) -> None:
    """Print rendered wording; headings in bold. The text is already free of control characters."""
    if not text:
        return
    fragments: list[tuple[str, str]] = []
    for line in text.split("\n"):
        heading = heading_text(line)
        fragments.append(("bold", heading + "\n") if heading is not None else ("", line + "\n"))
    print_formatted_text(FormattedText(fragments), end="", output=output)
    print_formatted_text("", output=output)


def _toolbar(play: Play, columns: int | None = None) -> str:
    """Where the learner is, in one line that fits the terminal: the least needed parts go first."""
    session = play.session
    stage, progress = session.current_stage, session.current_progress
    if stage is None or progress is None:
        return ""
    columns = columns or shutil.get_terminal_size((80, 24)).columns
    remaining = play.remaining()
    place = f"Stage {session.stage_index + 1}/{len(play.case.stages)}"
    name = " ".join(printable(play.case.stage_title(stage) or wording.kind_name(stage.kind)).split())[:40]
    state = "passed: Enter moves on" if progress.passed else (
        f"try {min(progress.attempts + 1, stage.attempts)} of {stage.attempts}")
    hints = f"hints {progress.hints_used} (-{HINT_POINTS} each)"
    clock = [f"{wording.clock(remaining)} left"] if remaining is not None else []
    for parts in (
        [f"{place} {name}", state, hints, *clock, "/hint /next /skip /quit /help"],
        [f"{place} {name}", state, hints, *clock, "/help"],
        [place, state, f"hints {progress.hints_used}", *clock, "/help"],
        [place, state, *clock],
    ):
        line = " " + " · ".join(parts)
        if wording.cells(line) < columns:
            return line
    return line[: max(0, columns - 1)]


def _prompt(play: Play) -> str:
    stage = play.session.current_stage
    return f"{(stage.kind or 'answer') if stage else 'answer'}> "


class _TimeUp(Exception):
    """A drill's time ran out while the learner was typing."""


class _FileSaved(Exception):
    """With --watch: a watched file changed while the prompt waited (the text typed so far kept)."""

    def __init__(self, typed: str):
        super().__init__()
        self.typed = typed


def _look_while_waiting(watch) -> None:
    # Called inside the running prompt: a stat of the watched files every poll_seconds on
    # prompt_toolkit's own loop; a change ends the prompt so the reload shows at once, not
    # at the next Enter. What the files say is read after the prompt, in run().
    app = get_app()
    loop = app.loop
    if loop is None:
        return

    def look() -> None:
        if not (app.is_running and app.future is not None and not app.future.done()):
            return
        if watch.moved():
            app.exit(exception=_FileSaved(app.current_buffer.text))
        else:
            loop.call_later(watch.poll_seconds, look)

    loop.call_later(watch.poll_seconds, look)


def _ring_at_deadline(play: Play) -> None:
    # Called inside the running prompt: end it when the drill's time is up, so the
    # bell rings on time rather than at the next Enter.
    remaining = play.remaining()
    if remaining is None:
        return
    app = get_app()

    def ring() -> None:
        if app.is_running and app.future is not None and not app.future.done():
            app.exit(exception=_TimeUp())

    if app.loop is not None:  # the prompt is running, so its loop is there
        app.loop.call_later(remaining + 0.05, ring)


def run(case: Case, records=None, input=None, output=None, time_limit: float | None = None, play=None,
        watch=None) -> int:
    """Play `case` (or the `play` already opened, as a drill does) until it ends or the learner leaves.

    With `watch` (a tutor.case_watch.CaseWatch): the case file is looked at before each
    prompt and, while the prompt waits, every `watch.poll_seconds` (half a second); a save reloads it there and then."""
    from tutor.records import Records

    own_records = records is None and play is None
    if own_records:
        records = Records.open(front_end="repl")
    try:
        if play is None:
            play = Play(case, records, time_limit=time_limit)
        time_limit = play.session.time_limit
        prompt: PromptSession[str] = PromptSession(
            history=_history(),
            bottom_toolbar=lambda: _toolbar(play),
            refresh_interval=1.0 if time_limit else 0,  # a drill's countdown ticks in the toolbar
            reserve_space_for_menu=0,  # nothing completes here, so no blank rows for a menu
            input=_cut_pastes(input),
            output=output,
            key_bindings=_answer_keys(),
        )
        prompt.default_buffer.on_text_changed += _cap_answer
        _show(wording.render_events(play.opening, _width()), output)
        _show(wording.wrap(wording.START_NOTE, _width()), output)
        if watch is not None:
            from tutor.case_watch import NOT_RECORDED_NOTE

            _show(wording.wrap(NOT_RECORDED_NOTE, _width()), output)

        def pre_run() -> None:
            _ring_at_deadline(play)
            if watch is not None:
                _look_while_waiting(watch)

        typed = ""
        while not play.finished:
            if watch is not None:
                _show(watched_change_text(play, watch, _width()), output)
            try:
                line = prompt.prompt(_prompt(play), pre_run=pre_run, default=typed)
                typed = ""
            except _FileSaved as saved:
                typed = saved.typed  # given back at the next prompt, after the reload is shown
                continue
            except (KeyboardInterrupt, EOFError):
                _show(wording.render_events(play.quit(), _width()), output)
                break
            except _TimeUp:
                _show(wording.render_events(play.tick(), _width()), output)
                break
            events, message = play.line(line)
            _show(wording.wrap(message, _width()) if message is not None else wording.render_events(events, _width()), output)
        note = play.records_note()
        if note:
            _show(note, output)
    finally:
        if own_records:
            records.close()
    return 0
