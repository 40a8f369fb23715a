"""The end of a case: the score of each stage, what was found and missed, the
confusions met with what tells them apart, the hints and the time."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Static

from tutor.model import Case
from tutor.text_safety import one_line
from tutor.tui.screen_text import cell, plain
from tutor.tui.transcript import ContrastView
from tutor.render.wording import OUTCOME_NAMES, duration, percent, stage_label


CASE_IS_OVER = "What you type here is not sent: the case has ended. Ctrl+R plays it again, Esc goes to the library."


def score_line(summary) -> Content:
    hints = f"{summary.hints_used} hint{'s' if summary.hints_used != 1 else ''}"
    return Content.assemble(
        ("Score ", "bold"),
        (percent(summary.score), "bold $text-accent"),
        f"   ·   {hints}   ·   {duration(summary.seconds)}",
    )


def concept_list(title: str, labels, mark: str, mark_style: str) -> Table:
    """A titled list, one concept a line; a long label wraps under itself, not under the mark."""
    grid = Table.grid(padding=(0, 1), expand=True)  # the title spans the column, never wraps
    grid.title = f"{title} ({len(labels)})"
    grid.title_justify = "left"
    grid.title_style = "bold"
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(ratio=1)
    if not labels:
        grid.add_row(Text("-", style="dim"), Text("none", style="dim"))
    for label in labels:
        grid.add_row(Text(mark, style=mark_style), Text(one_line(label, 200)))
    return grid


class SummaryScreen(Screen):
    AUTO_FOCUS = "#summary-body"
    # No key that types a letter: a learner still typing an answer when the case ends (after
    # /quit, F4, or Enter on a finished case) must not retry the case or leave with an "r" or "h".
    BINDINGS = [
        Binding("ctrl+r", "retry", "Retry case"),
        Binding("escape", "home", "Library"),
        Binding("f1", "help", "Help"),
    ]

    def __init__(self, case: Case, summary, contrasts=(), records_note: str | None = None):
        super().__init__()
        self.case = case
        self.summary = summary
        self.contrasts = tuple(contrasts)
        self.records_note = records_note  # why this session is not (yet) in the records
        self.told_case_is_over = False

    def theme_colour(self, name: str, fallback: str) -> str:
        """A colour of the current theme for Rich text (which cannot read Textual's $variables)."""
        return self.app.theme_variables.get(name, fallback)

    def compose(self) -> ComposeResult:
        s = self.summary
        yield Static(Content.assemble("Summary · ", plain(s.title, 200)), classes="screen-title")
        with VerticalScroll(id="summary-body"):
            yield Static(score_line(s), id="score-line")
            if self.records_note:
                yield Static(plain(self.records_note, 400), id="records-note", classes="concepts -muted")
            yield DataTable(id="stage-scores", cursor_type="none", show_cursor=False, zebra_stripes=True)
            with Horizontal(id="found-and-missed"):
                yield Static(concept_list("Found", s.found_labels, "✓", self.theme_colour("text-success", "green")), id="found-list", classes="concepts")
                yield Static(concept_list("Missed", s.missed_labels, "✗", self.theme_colour("text-error", "red")), id="missed-list", classes="concepts")
            unreached = sum(1 for stage in s.stages if stage.outcome is None)
            if unreached:
                yield Static(
                    Content(f"Not reached: {unreached} stage{'s' if unreached != 1 else ''}, scored 0."),
                    classes="concepts -muted",
                )
            if s.misconception_labels:
                yield Static(concept_list("Confusions met", s.misconception_labels, "!", self.theme_colour("text-warning", "yellow")), classes="concepts")
                for contrast in self.contrasts:
                    yield ContrastView(contrast)
            with Horizontal(id="summary-actions"):
                yield Button("Retry this case (Ctrl+R)", id="retry", variant="primary", compact=True)
                yield Button("Back to the library (Esc)", id="home", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#stage-scores", DataTable)
        table.add_column("Stage")
        table.add_column("Result")
        table.add_column(Text("Score", justify="right"))
        table.add_column(Text("Tries", justify="right"))
        table.add_column(Text("Hints", justify="right"))
        for stage in self.summary.stages:
            reached = stage.outcome is not None
            table.add_row(
                cell(stage_label(stage.kind, stage.stage_id, stage.title), 40),
                Text(OUTCOME_NAMES.get(stage.outcome, stage.outcome or "")),
                Text(percent(stage.score) if reached else "-", justify="right"),
                Text(str(stage.attempts), justify="right"),
                Text(str(stage.hints_used), justify="right"),
            )

    def on_key(self, event: events.Key) -> None:
        # Letters typed here were meant for an answer line that has gone: say so, once.
        if event.is_printable and not self.told_case_is_over:
            self.told_case_is_over = True
            self.notify(CASE_IS_OVER, title="This case is over", markup=False, timeout=8)

    @on(Button.Pressed, "#retry")
    def action_retry(self) -> None:
        self.app.retry_case(self.case, time_limit=self.summary.time_limit)

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        from tutor.tui.help import HelpScreen

        self.app.push_screen(HelpScreen())
