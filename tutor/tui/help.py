"""The help overlay: how to answer, the slash commands, and the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.render import wording

KEYS_TEXT = f"""\
Keys:
  F2      a hint ({wording.HINT_COST})  F3  skip this question
  F4 Esc  stop the case: it asks first, F4 again ends it, Esc or typing goes on; Esc on a finished case goes home
  F5      open a model answer folded to fit the screen
  Enter   on an empty answer: move on from a passed stage
  ↑ ↓     earlier answers  PgUp PgDn  scroll the dialogue
  Ctrl+T  light or dark    Ctrl+Q  leave the tutor
  F1      this help
In the library: type to filter, Tab to the tag chips, Enter to open a case, \
F5 to open it as a timed drill, F6 to drill every case shown in a row, \
F7 to show only the cases due for review, F8 for your progress and past sessions.
On the summary: Ctrl+R plays the case again, Esc goes back to the library."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q,enter", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Help"
            box.border_subtitle = "Esc closes"
            yield Static(Content(wording.HELP_TEXT), classes="help-text", id="help-commands")
            yield Static(Content(KEYS_TEXT), classes="help-text", id="help-keys")

    def on_resize(self) -> None:
        self.call_after_refresh(self.fold_to_width)

    def on_mount(self) -> None:
        self.call_after_refresh(self.fold_to_width)

    def fold_to_width(self) -> None:
        """Fold the text ourselves, so a wrapped command's text hangs under its own column."""
        width = self.query_one("#help-box").scrollable_content_region.width
        if width <= 0:
            return
        self.query_one("#help-commands", Static).update(Content(wording.wrap(wording.HELP_TEXT, width)))
        self.query_one("#help-keys", Static).update(Content(wording.wrap(KEYS_TEXT, width)))

    def on_click(self) -> None:
        self.dismiss()
