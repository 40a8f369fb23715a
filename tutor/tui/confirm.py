"""A small question before something that cannot be undone, such as ending a case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no. Yes takes a deliberate key (`yes_key`, or Enter on its button); Escape keeps
    things as they are, and so does any letter: a learner still typing when the question came
    up goes on typing, and the letters land where they were meant to (`type_on`)."""

    BINDINGS = [Binding("escape", "answer(False)", "No", show=False)]

    def __init__(self, question: str, yes: str, no: str, yes_key: str,
                 type_on: Callable[[str, bool], Awaitable[None]] | None = None):
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.yes_key = yes_key  # the key that asked ("f4"): pressed again, it answers yes
        # Where typing goes on (text, and whether Enter followed it): the screen below's answer line.
        self.type_on = type_on
        self.typed = ""  # letters typed before the question had gone
        self.typed_enter = False
        self.handed_over = False  # typing has gone on below; later keys that still come here follow it

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Content(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, id="confirm-yes", variant="error", compact=True)
                yield Button(self.no, id="confirm-no", variant="primary", compact=True)

    def on_mount(self) -> None:
        # Enter keeps playing unless the learner moves to the other button: ending is the choice to make.
        self.query_one("#confirm-no", Button).focus()

    async def on_key(self, event: events.Key) -> None:
        if event.key == self.yes_key and not (self.typed or self.handed_over):
            event.stop()
            self.dismiss(True)
            return
        typing = event.is_printable and bool(event.character)
        if not typing and not (event.key == "enter" and (self.typed or self.handed_over)):
            return
        event.stop()  # an Enter after letters is meant for the answer line, not the button in focus
        text, enter = (event.character or "", False) if typing else ("", True)
        if self.handed_over:
            if self.type_on is not None:
                await self.type_on(text, enter)
            return
        first = not self.typed
        self.typed += text
        self.typed_enter = self.typed_enter or enter
        if first:
            # After the keys already on their way here: a fast typist's rest of the word (and an
            # Enter after it) arrive before the question has gone, and are kept in order.
            self.call_later(self._keep_going)

    async def _keep_going(self) -> None:
        self.handed_over = True
        if self.type_on is not None:
            await self.type_on(self.typed, self.typed_enter)
        self.dismiss(False)  # not awaited: a screen may not await its own dismissal

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        if not (self.typed or self.handed_over):  # typing already answered: keep going
            self.dismiss(yes)
