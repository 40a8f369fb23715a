"""The table a drill ends with: each case's score, time and misses."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Static

from tutor.drill import NOT_PLAYED, STOPPED, TIMED_OUT, Drill
from tutor.tui.screen_text import cell, room_left
from tutor.render.wording import duration, percent


DRILL_IS_OVER = "What you type here is not sent: the drill has ended. Esc goes to the library."


class DrillSummaryScreen(Screen):
    AUTO_FOCUS = "#drill-table"
    BINDINGS = [
        # Escape only: a learner still typing when the last case ended must not leave with an "h".
        Binding("escape", "home", "Library"),
    ]

    def __init__(self, drill: Drill):
        super().__init__()
        self.drill = drill
        self.told_drill_is_over = False

    def compose(self) -> ComposeResult:
        played = sum(1 for line in self.drill.lines if line.ended != NOT_PLAYED)
        mean = self.drill.mean_score
        head = f"Drill · {played} of {len(self.drill.lines)} cases played"
        if mean is not None:
            head += f" · mean score {percent(mean)}"
        yield Static(Content(head), classes="screen-title")
        with VerticalScroll(id="summary-body"):
            yield DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="summary-actions"):
                yield Button("Back to the library (Esc)", id="home", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.fill()

    def on_resize(self) -> None:
        if self.is_mounted and self.query("#drill-table"):  # a resize can come before the table is there
            self.fill()

    def fill(self) -> None:
        """The table fits the screen: the case and its misses wrap in their columns, each row as tall as it needs."""
        table = self.query_one("#drill-table", DataTable)
        table.clear(columns=True)
        score_width, time_width = 5, len("10 min 00 s")
        title_width, misses_width = self.flexible_widths(self.app.size.width, [score_width, time_width])
        table.add_column("Case", width=title_width)
        table.add_column(Text("Score", justify="right"), width=score_width)
        table.add_column("Time", width=time_width)
        table.add_column("Misses", width=misses_width)
        for line in self.drill.lines:
            if line.ended == NOT_PLAYED:
                spent = "not played"
            else:
                spent = duration(line.seconds or 0)
                # On a line of its own, so the time column stays narrow.
                spent += "\n(time up)" if line.ended == TIMED_OUT else "\n(stopped)" if line.ended == STOPPED else ""
            table.add_row(
                cell(line.title, 60),
                Text(percent(line.score) if line.score is not None else "-", justify="right"),
                Text(spent),
                cell("; ".join(line.misses) if line.misses else "-", 300),
                height=None,
            )

    @staticmethod
    def flexible_widths(screen_width: int, fixed: list[int]) -> tuple[int, int]:
        """The case title gets about two fifths of the room left, the misses the rest."""
        room = room_left(screen_width, fixed, flexible=1) - 2  # both flexible columns' padding
        title = max(12, min(40, room * 2 // 5))
        return title, max(12, room - title)

    def on_key(self, event: events.Key) -> None:
        # Letters typed here were meant for an answer line that has gone: say so, once.
        if event.is_printable and not self.told_drill_is_over:
            self.told_drill_is_over = True
            self.notify(DRILL_IS_OVER, title="This drill is over", markup=False, timeout=8)

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.app.pop_screen()
