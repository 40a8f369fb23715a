"""The help overlay: how to answer, the slash commands, and the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.render import wording

KEYS_TEXT = """\
Keys:
  F2      a hint           F3  skip this question
  F4      stop the case    F1  this help
  ↑ ↓     earlier answers  PgUp PgDn  scroll the dialogue
  Ctrl+T  light or dark    Ctrl+Q  leave the tutor
In the library: type to filter, Tab to the tag chips, Enter to open a case,
F5 to open it as a timed drill, F6 to drill every case shown in a row,
F7 to show only the cases due for review, F8 for your progress and past sessions."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q,enter", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "Esc closes"
            yield Static(Content(wording.HELP_TEXT), classes="help-text")
            yield Static(Content(KEYS_TEXT), classes="help-text")

    def on_click(self) -> None:
        self.dismiss()
