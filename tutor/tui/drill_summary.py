"""The table a drill ends with: each case's score, time and misses."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Static

from tutor.drill import NOT_PLAYED, STOPPED, TIMED_OUT, Drill
from tutor.tui.screen_text import cell
from tutor.render.wording import duration, percent


class DrillSummaryScreen(Screen):
    AUTO_FOCUS = "#drill-table"
    BINDINGS = [
        Binding("h,escape", "home", "Home"),
    ]

    def __init__(self, drill: Drill):
        super().__init__()
        self.drill = drill

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
                yield Button("Back to the library (h)", id="home", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#drill-table", DataTable)
        table.add_column("Case")
        table.add_column(Text("Score", justify="right"))
        table.add_column("Time")
        table.add_column("Misses")
        for line in self.drill.lines:
            if line.ended == NOT_PLAYED:
                spent = "not played"
            else:
                spent = duration(line.seconds or 0)
                spent += " (time up)" if line.ended == TIMED_OUT else " (stopped)" if line.ended == STOPPED else ""
            table.add_row(
                cell(line.title, 60),
                Text(percent(line.score) if line.score is not None else "-", justify="right"),
                Text(spent),
                cell("; ".join(line.misses) if line.misses else "-", 300),
            )

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.app.pop_screen()
