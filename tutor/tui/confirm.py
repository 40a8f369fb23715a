"""A small question before something that cannot be undone, such as ending a case."""

from __future__ import annotations

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
    up goes on typing, and the letter lands where it was meant to (`typed`)."""

    def __init__(self, question: str, yes: str, no: str, yes_key: str):
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.yes_key = yes_key  # the key that asked ("f4"): pressed again, it answers yes
        self.typed = ""  # the letter that answered "no" by being typed, for the screen below

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Content(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, id="confirm-yes", variant="error", compact=True)
                yield Button(self.no, id="confirm-no", variant="primary", compact=True)

    def on_mount(self) -> None:
        # Enter keeps playing unless the learner moves to the other button: ending is the choice to make.
        self.query_one("#confirm-no", Button).focus()

    BINDINGS = [Binding("escape", "answer(False)", "No", show=False)]

    def on_key(self, event: events.Key) -> None:
        if event.key == self.yes_key:
            event.stop()
            self.dismiss(True)
        elif event.is_printable and event.character and not self.typed:
            self.typed = event.character
            event.stop()
            self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
