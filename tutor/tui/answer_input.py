"""The line the learner answers on, with the answers already given under the up arrow."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

from tutor.session import ANSWER_LIMIT
from tutor.text_safety import printable

HISTORY_LIMIT = 200


class AnswerInput(Input):
    BINDINGS = [
        Binding("up", "history(-1)", "Earlier answer", show=False),
        Binding("down", "history(1)", "Later answer", show=False),
    ]

    def __init__(self, history: list[str] | None = None, **kwargs):
        # Typing stops at the answer limit, so the line never holds more than the tutor reads.
        kwargs.setdefault("max_length", ANSWER_LIMIT)
        super().__init__(**kwargs)
        # Shared with the app, so a retry or the next case remembers what was typed.
        self.history = history if history is not None else []
        self._position: int | None = None  # index into history while browsing it
        self._draft = ""

    def on_paste(self, event: events.Paste) -> None:
        # A pasted paragraph is one answer: Input would keep only its first line. The paste is
        # cut to the room left on the line before any per-character work (a 10 MB paste would
        # keep the app busy re-wrapping it), and escape sequences and control characters in
        # it are dropped: the line shows what it holds.
        selection = self.selection
        start, end = sorted((selection.start, selection.end))
        room = max(0, ANSWER_LIMIT - (len(self.value) - (end - start)))
        pasted = printable(event.text[: 2 * room + 2])
        text = " ".join(line.strip() for line in pasted.splitlines() if line.strip())[:room]
        if text:
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        event.prevent_default()  # Input's own handler would paste the first line again
        event.stop()

    def remember(self, text: str) -> None:
        if text.strip() and (not self.history or self.history[-1] != text):
            self.history.append(text)
            del self.history[:-HISTORY_LIMIT]
        self._position = None
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._position is None:
            if step > 0:
                return
            self._draft = self.value
            position = len(self.history) - 1
        else:
            position = self._position + step
        if position < 0:
            position = 0
        if position >= len(self.history):
            self._position = None
            self.value = self._draft
        else:
            self._position = position
            self.value = self.history[position]
        self.cursor_position = len(self.value)
