"""The progress screen: score over time, and the figures of `tutor stats` in tabs,
with the history of past sessions; Enter on a session reopens it read-only."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static, TabbedContent, TabPane

from tutor.stats import Stats, compute
from tutor.text_safety import one_line
from tutor.tui.home import ago
from tutor.tui.screen_text import cut_cell, plain, room_left
from tutor.render.wording import OUTCOME_NAMES, kind_name, percent, stage_label

DAY = 24 * 60 * 60
SESSIONS_SHOWN = 300  # the latest plays listed; tutor export has every one
FRONT_END_NAMES = {"app": "app", "repl": "line REPL", "script": "script", None: ""}


PROGRESS_KEYS = "Nothing to type here: ↑ ↓ choose a session, Enter reopens it, Esc goes back to the library."
PAST_SESSION_KEYS = "Nothing to type here: this session is read-only. Esc goes back to your progress."


def tell_keys_once(screen, event: events.Key, keys: str) -> None:
    """A letter typed here was meant for an answer line: say once which keys this screen answers to."""
    if event.is_printable and not screen.told_keys:
        screen.told_keys = True
        screen.notify(keys, title="Keys here", markup=False, timeout=8)


def until(now: float, when: float | None) -> str:
    """When a review is due, short: "due", "in 5h", "in 3d"."""
    if when is None:
        return ""
    seconds = when - now
    if seconds <= 0:
        return "due"
    if seconds < DAY:
        return f"in {max(1, int(seconds // 3600))}h"
    return f"in {int(seconds // DAY)}d"


def seconds_text(value: float) -> str:
    value = round(value)
    return f"{value} s" if value < 60 else f"{value // 60} min {value % 60:02d} s"


class ProgressScreen(Screen):
    AUTO_FOCUS = "#sessions"
    DEFAULT_CSS = """
    #progress-caption { padding: 0 1; }
    #score-chart { height: 3; margin: 0 1; }
    #progress-tabs { height: 1fr; }
    """
    # Esc goes back, as on every other screen: a letter typed by mistake never navigates.
    BINDINGS = [
        Binding("escape", "home", "Library"),
        Binding("enter", "reopen", "Reopen session"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: Stats | None = None
        self.history = None
        self.loaded = False
        self.told_keys = False

    def compose(self) -> ComposeResult:
        yield Static(Content("Progress"), classes="screen-title")
        yield Static(Content("Reading your records…"), id="progress-caption")
        yield Sparkline([], id="score-chart")
        with TabbedContent(id="progress-tabs"):
            with TabPane("Sessions", id="tab-sessions"):
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with TabPane("Cases", id="tab-cases"):
                yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
            with TabPane("Concepts", id="tab-concepts"):
                yield DataTable(id="concepts", cursor_type="row", zebra_stripes=True)
            with TabPane("Confusions", id="tab-pairs"):
                yield DataTable(id="pairs", cursor_type="row", zebra_stripes=True)
            with TabPane("Time", id="tab-kinds"):
                yield DataTable(id="kinds", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        # After the first paint, so the screen answers at once even over a long history.
        self.call_after_refresh(self.load)

    def load(self) -> None:
        from tutor.history import History
        from tutor.stats_command import concept_labels

        records = self.app.records
        history, cards = History(), []
        if records is not None:
            try:
                history = records.history(answers="confused")
                cards = records.cards()
            except Exception as error:
                self.app.notify(f"Could not read your records: {one_line(str(error), 200)}", severity="warning",
                                markup=False)
        self.history = history
        self.stats = compute(history, cards, concept_labels({s.case_id for s in history.sessions}) if history.sessions else {})
        self.fill()
        self.loaded = True

    def fill(self) -> None:
        stats = self.stats
        now = self.app.now()
        caption = self.query_one("#progress-caption", Static)
        chart = self.query_one("#score-chart", Sparkline)
        scores = [p.score for p in stats.scores]
        if not stats.plays:
            caption.update(Content("No records yet: play a case and come back. Esc goes back to the library."))
            chart.display = False
        else:
            chart.data = scores or [0.0]
            chart.display = bool(scores)
            if scores:
                low, high = min(scores), max(scores)
                shown = f" (the latest {SESSIONS_SHOWN} listed)" if stats.plays > SESSIONS_SHOWN else ""
                results = f"{len(scores)} result{'s' if len(scores) != 1 else ''}"
                plays = f"{stats.plays} play{'s' if stats.plays != 1 else ''}"
                caption.update(Content(
                    f"Score over time, oldest left: {results}, lowest {percent(low)}, highest "
                    f"{percent(high)}, last {percent(scores[-1])} · {plays}{shown} · Enter on a "
                    "session reopens it"))
            else:
                caption.update(Content(f"{stats.plays} play{'s' if stats.plays != 1 else ''}, no finished case yet."))
        self.fill_tables(now)

    def on_resize(self) -> None:
        # The title columns take what the screen has left, so the tables are laid out again.
        if self.loaded:
            self.fill_tables(self.app.now())

    def fill_tables(self, now: float) -> None:
        """Every table at most as wide as the screen: the title columns take the room left, cut with "…"."""
        stats = self.stats
        width = self.app.size.width
        for table in self.query(DataTable):
            table.clear(columns=True)

        sessions = self.query_one("#sessions", DataTable)
        sessions.add_column("When", width=9)
        sessions.add_column("Case", width=room_left(width, [9, 10, 9]))
        sessions.add_column(Text("Score", justify="right"), width=10)
        sessions.add_column("Played in", width=9)
        newest = sorted(self.history.sessions, key=lambda s: (-s.started_at, -s.id))
        if len(newest) > SESSIONS_SHOWN:
            # A long history: the latest plays fill the table at once; `tutor export` has them all.
            newest = newest[:SESSIONS_SHOWN]
        for s in newest:
            score = percent(s.score) if s.score is not None and s.finished_at is not None else "unfinished"
            sessions.add_row(Text(ago(now - s.started_at)), cut_cell(s.title, 120), Text(score, justify="right"),
                             Text(FRONT_END_NAMES.get(s.front_end, s.front_end or "")), key=str(s.id))

        cases = self.query_one("#cases", DataTable)
        figures = [("Plays", 5), ("Best", 4), ("Last", 4), ("Trend", 5), ("Played", 8), ("Review", 6)]
        cases.add_column("Case", width=room_left(width, [w for _, w in figures]))
        for label, column_width in figures:
            cases.add_column(label, width=column_width)
        for c in stats.cases:
            trend = "" if c.trend is None else ("=" if round(c.trend * 100) == 0 else f"{round(c.trend * 100):+d}")
            cases.add_row(cut_cell(c.title, 120), Text(str(c.plays)), Text(percent(c.best) if c.best is not None else "-"),
                          Text(percent(c.last) if c.last is not None else "-"), Text(trend),
                          Text(ago(now - c.last_played) if c.last_played else ""), Text(until(now, c.next_due)))

        concepts = self.query_one("#concepts", DataTable)
        counts = [("Expected", 8), ("Found", 5), ("Missed", 6)]
        concepts.add_column("Concept, weakest first", width=room_left(width, [w for _, w in counts]))
        for label, column_width in counts:
            concepts.add_column(label, width=column_width)
        for c in stats.concepts:
            concepts.add_row(cut_cell(c.label, 120), Text(str(c.expected)), Text(str(c.found)), Text(str(c.missed)))

        pairs = self.query_one("#pairs", DataTable)
        label_width = room_left(width, [5], flexible=2)
        pairs.add_column("Said", width=label_width)
        pairs.add_column("Where the stage expected", width=label_width)
        pairs.add_column("Times", width=5)
        for p in stats.pairs:
            pairs.add_row(cut_cell(p.wrong_label, 60), cut_cell(p.expected_label or "(not recorded)", 60),
                          Text(str(p.times)))

        kinds = self.query_one("#kinds", DataTable)
        for label in ("Stage kind", "Stages", "Mean time", "In all"):
            kinds.add_column(label)
        for k in stats.kinds:
            kinds.add_row(Text(kind_name(k.kind)), Text(str(k.stages)), Text(seconds_text(k.mean_seconds)),
                          Text(seconds_text(k.seconds)))

    @on(DataTable.RowSelected, "#sessions")
    def session_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_session(int(str(event.row_key.value)))

    def action_reopen(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if self.loaded and table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.open_session(int(str(row_key.value)))

    def open_session(self, session_id: int) -> None:
        records = self.app.records
        history = self.history
        if records is not None:
            try:
                history = records.history(session_id=session_id)  # every answer of that one session
            except Exception:
                pass
        self.app.push_screen(PastSessionScreen(history, session_id))

    def on_key(self, event: events.Key) -> None:
        tell_keys_once(self, event, PROGRESS_KEYS)

    def action_home(self) -> None:
        self.app.pop_screen()


def stage_titles(case_id: str) -> dict[str, str | None]:
    """The case's own stage names (two stages of one kind), if the case is still in the library."""
    try:
        from tutor.cases.library import load_case

        case = load_case(case_id)
    except Exception:
        return {}  # a case gone from the library: its stages are named by kind, or by id
    return {stage.id: case.stage_title(stage) for stage in case.stages}


class PastSessionScreen(Screen):
    """One past play, read-only: each stage's answers with what they were credited, as recorded."""

    AUTO_FOCUS = "#past-session"
    DEFAULT_CSS = """
    #past-session { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, history, session_id: int):
        super().__init__()
        self.history = history
        self.session_id = session_id
        self.told_keys = False

    def compose(self) -> ComposeResult:
        session = next((s for s in self.history.sessions if s.id == self.session_id), None)
        title = session.title if session is not None else "A past session"
        yield Static(Content.assemble("Past session · ", plain(title, 200), " (read-only)"), classes="screen-title")
        with VerticalScroll(id="past-session"):
            # Not folded: its lines are the layout (each answer and stage line is made safe in text()).
            yield Static(plain(self.text(session)), id="past-session-text")
        yield Footer()

    def text(self, session) -> str:
        from tutor.stats_command import concept_labels

        if session is None:
            return "This session is no longer in the records."
        labels = concept_labels({session.case_id})
        titles = stage_titles(session.case_id)
        label = lambda cid: labels.get(cid, cid)  # noqa: E731
        answers = [a for a in self.history.answers if a.session_id == session.id]
        hints = [h for h in self.history.hints if h.session_id == session.id]
        stages = [s for s in self.history.stages if s.session_id == session.id]
        order = list(dict.fromkeys([s.stage_id for s in sorted(stages, key=lambda s: s.closed_at)]
                                   + [a.stage_id for a in answers]))
        lines = []
        if session.finished_at is not None and session.score is not None:
            lines.append(f"Score {percent(session.score)} · {session.hints_used or 0} hints · "
                         f"{seconds_text(session.seconds or 0)}")
        else:
            lines.append("Not finished: the answers below were kept.")
        by_stage = {s.stage_id: s for s in stages}
        for stage_id in order:
            result = by_stage.get(stage_id)
            head = stage_label(result.kind if result is not None else None, stage_id, titles.get(stage_id))
            if result is not None:
                head += f" — {OUTCOME_NAMES.get(result.outcome, result.outcome)}, {percent(result.score)}"
            lines += ["", head]
            for a in (a for a in answers if a.stage_id == stage_id):
                lines.append(f"> {one_line(a.answer, 2000)}")
                if not a.recognised:
                    lines.append("  Not recognised.")
                if a.found:
                    lines.append("  Credited: " + "; ".join(label(c) for c in a.found))
                if a.misconceptions:
                    lines.append("  Confusion: " + "; ".join(label(c) for c in a.misconceptions))
            used = [h for h in hints if h.stage_id == stage_id]
            if used:
                lines.append(f"  Hints: {len(used)}{' (the answer was shown)' if any(h.reveals_answer for h in used) else ''}")
            if result is not None and result.missed:
                lines.append("  Missed: " + "; ".join(label(c) for c in result.missed))
        return "\n".join(lines)

    def on_key(self, event: events.Key) -> None:
        tell_keys_once(self, event, PAST_SESSION_KEYS)

    def action_back(self) -> None:
        self.app.pop_screen()
