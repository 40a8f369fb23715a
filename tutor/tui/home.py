"""The home screen: the case library as a table, a filter that narrows it as you
type, tag chips, and the learner's last score and due reviews beside each case."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Static

from tutor.render.wording import cells
from tutor.text_safety import one_line
from tutor.tui.screen_text import cell, plain
from tutor.render.wording import percent

DAY = 24 * 60 * 60
MIN_TAGS_WIDTH = 16  # below this the tags column is more ellipsis than tags
FIRST_RUN_TEXT = (
    "New here? Pick a case with ↑ ↓ and press Enter to start it. "
    "Type to filter the list; Tab reaches the tag chips."
)


@dataclass(frozen=True)
class LibraryRow:
    """One case as the home screen lists it."""

    entry: object  # a tutor.cases.library.CaseEntry
    last_score: float | None
    last_at: float | None
    due: bool

    @property
    def case_id(self) -> str:
        return self.entry.id

    @property
    def key(self) -> str:
        """The row's key in the table: its file, since two files may carry one id (a copy being reworked)."""
        path = getattr(self.entry, "path", None)
        return str(path) if path else self.entry.id

    def haystack(self) -> str:
        e = self.entry
        return " ".join([e.id, e.title or "", e.summary or "", *e.tags]).casefold()

    def topics(self) -> tuple[str, ...]:
        return tuple(getattr(self.entry, "topics", ()) or ())


def matches(row: LibraryRow, query: str, tags: frozenset[str]) -> bool:
    """The case carries every chosen tag, and the query finds it: every word of it, as typed,
    starts a word of its id, title, summary or tags; or the query, read as the tutor reads
    answers (shorthand such as AVN, IFI or TOH and words that say the same thing folded, from
    dialogues/words.yaml), names what it is about, each word the start of one of those words."""
    if tags and not tags <= set(row.entry.tags):
        return False
    words = query.casefold().split()
    hay = row.haystack()
    # At the start of a word: "pirif" finds "piriformis", but "man" does not find "woman".
    if all(re.search(r"(?<!\w)" + re.escape(word), hay) for word in words):
        return True
    wanted = folded_words(query)
    if not wanted:
        return False
    known = folded_words(" ; ".join([row.haystack(), *row.topics()]))
    return all(any(have.startswith(word) for have in known) for word in wanted)


@lru_cache(maxsize=4096)
def folded_words(text: str) -> frozenset[str]:
    """The words of a text as the matcher compares them: "AVN" and "avascular necrosis" are
    both "osteonecrosis", "oedema" is "edema", plurals are folded."""
    from tutor.matching.tokens import CJK, NUM, WORD, prepare, tokenize

    return frozenset(t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK) and t.norm.strip())


def ago(seconds: float) -> str:
    """How long ago, short enough for a table cell: "now", "5m ago", "3h ago", "12d ago"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < DAY:
        return f"{int(seconds // 3600)}h ago"
    return f"{int(seconds // DAY)}d ago"


def fit(text: str, width: int) -> str:
    """One line of at most `width` terminal cells, cut with an ellipsis rather than mid-word silently."""
    line = one_line(text, 300)
    if cells(line) <= width:
        return line
    out = ""
    for ch in line:
        if cells(out + ch) > width - 1:
            break
        out += ch
    cut = out.rsplit(" ", 1)[0] if " " in out and len(out) - out.rfind(" ") < 12 else out
    return cut.rstrip(" ,;:-") + "…"


def difficulty_marks(level: int | None) -> str:
    if not level:
        return ""
    level = max(1, min(3, int(level)))
    return "●" * level + "○" * (3 - level)


class TagChip(Button):
    """A tag that narrows the library while it is switched on."""

    def __init__(self, tag: str):
        super().__init__(self._label(tag, False), compact=True, classes="tag-chip")
        self.tag = tag
        self.on = False
        # A toggle answers every press; the stock flash would swallow a quick second one.
        self.active_effect_duration = 0

    @staticmethod
    def _label(tag: str, on: bool):
        # The same width on and off: a chip sized for "mri" would show "✓" alone once on.
        return Content.assemble("✓ " if on else "  ", plain(tag, 40))

    def toggle(self) -> None:
        self.on = not self.on
        self.set_class(self.on, "-on")
        self.label = self._label(self.tag, self.on)


class TagChips(HorizontalScroll):
    """The row of tag chips; when it holds more than fits, arrows at its ends say so."""

    def compose(self) -> ComposeResult:
        # Docked, so they stay at the row's ends while the chips scroll under them.
        yield Static("‹", id="chips-left", classes="chips-more -left")
        yield Static("more ›", id="chips-right", classes="chips-more -right")

    def on_mount(self) -> None:
        self.call_after_refresh(self.show_more)

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_more)

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        self.show_more()

    def show_more(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#chips-left").display = self.scroll_x > 0
        self.query_one("#chips-right").display = self.scroll_x < self.max_scroll_x


class HomeScreen(Screen):
    AUTO_FOCUS = "#filter"
    BINDINGS = [
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        # Before the filter's own Enter, so the footer names what Enter does here.
        Binding("enter", "open_highlighted", "Open case", priority=True),
        Binding("f5", "drill_highlighted", "Timed drill"),
        # Named in the help and the status line; the footer keeps to what a first visit needs.
        Binding("f6", "drill_shown", "Drill all shown", show=False),
        Binding("f7", "toggle_due", "Due only", show=False),
        Binding("f8", "progress", "Progress", show=False),
        Binding("escape", "clear_filter", "Clear filter"),
        Binding("f1", "help", "Help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title_width = 60
        self.titles_wrap = False  # whether titles too long for their column wrap (else they are cut)
        self.rows: list[LibraryRow] = []
        self.shown: list[LibraryRow] = []
        self.chosen_tags: frozenset[str] = frozenset()
        self.due_only = False
        self.has_records = False
        self.load_problem: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("tutor · hip imaging cases"), id="home-title", classes="screen-title")
        yield Input(placeholder="Type to filter: a word of a title, a summary or a tag…", id="filter", compact=True)
        yield TagChips(id="tag-chips", can_focus=False)
        table: DataTable = DataTable(id="library", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="no-match")
        yield Static(id="case-detail")
        yield Static(id="home-status")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        chips = self.query_one("#tag-chips", HorizontalScroll)
        chips.mount_all(TagChip(tag) for tag in self.all_tags())
        chips.display = bool(self.all_tags())
        chips.call_after_refresh(chips.show_more)

    def on_screen_resume(self) -> None:
        # Back from a case: its score and the review dates have changed.
        if self.rows:
            self.reload()

    # --- Data ---

    def reload(self) -> None:
        app = self.app
        try:
            entries = list(app.services.list_cases())
            self.load_problem = None
        except Exception as error:  # a broken library still leaves the app usable
            entries = []
            self.load_problem = one_line(str(error), 300) or type(error).__name__
        results, due = {}, set()
        records = app.records
        if records is not None:
            try:
                results = dict(records.last_results())
                due = set(records.due_for_review(app.now()))
            except Exception as error:
                app.notify(f"Could not read your records: {one_line(str(error), 200)}", severity="warning", markup=False)
        self.has_records = bool(results)
        self.rows = [
            LibraryRow(
                entry=e,
                last_score=results[e.id][0] if e.id in results else None,
                last_at=results[e.id][1] if e.id in results else None,
                due=e.id in due,
            )
            for e in entries
        ]
        self.refilter()

    def all_tags(self) -> list[str]:
        counts = Counter(tag for row in self.rows for tag in row.entry.tags)
        return [tag for tag, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    def refilter(self) -> None:
        query = self.query_one("#filter", Input).value
        self.shown = [row for row in self.rows if matches(row, query, self.chosen_tags) and (row.due or not self.due_only)]
        table = self.query_one("#library", DataTable)
        keep = self.highlighted_key()
        with_tags = self._set_columns(table)
        now = self.app.now()
        titles = [one_line(row.entry.title or "", 300) for row in self.shown]
        too_long = sum(1 for title in titles if cells(title) > self.title_width)
        # A title too long for its column wraps onto a second line rather than lose its end,
        # while every shown case still fits the table's height; else it is cut with "…" (and
        # shown whole under the table when highlighted): a short screen shows every case first.
        room = (table.size.height or max(1, self.app.size.height - 12)) - 1  # the header row
        wrap = len(titles) + too_long <= room
        self.titles_wrap = wrap
        for row, title in zip(self.shown, titles):
            e = row.entry
            whole = cells(title) <= self.title_width or not wrap
            row_cells = [
                Text(fit(title, self.title_width)) if whole else Text(fit(title, 2 * self.title_width - 2)),
                *([cell(", ".join(e.tags), 120, style="italic")] if with_tags else []),
                Text(difficulty_marks(e.difficulty)),
            ]
            if self.has_records:
                last = ""
                if row.last_score is not None:
                    last = percent(row.last_score)
                    if row.last_at is not None:
                        last += f" {ago(now - row.last_at)}"
                row_cells += [Text(last), Text("due" if row.due else "", style="bold")]
            table.add_row(*row_cells, key=row.key, height=1 if whole else None)
        if keep is not None:
            for index, row in enumerate(self.shown):
                if row.key == keep:
                    table.move_cursor(row=index, animate=False)
                    break
        self.show_detail()
        self.show_no_match()
        self.show_status()

    def _set_columns(self, table: DataTable) -> bool:
        """Columns sized to the screen: the fixed ones first, the title and tags share the rest.

        On a narrow screen the tags column goes (they are shown under the table for the
        highlighted case) so the titles can be read. Returns whether it is there."""
        table.clear(columns=True)
        fixed = [("Level", 5)]
        if self.has_records:
            # Last score and when, and the review flag, mean nothing before the first finished case.
            fixed += [("Last", 12), ("Due", 3)]
        width = (table.size.width or self.app.size.width) - 2  # the vertical scrollbar
        padding = 2 * table.cell_padding * (2 + len(fixed))
        rest = max(24, width - padding - sum(w for _, w in fixed))
        # The titles get the room they need first (the whole library's, so the columns do not
        # move as the filter narrows it); the tags, also shown under the table, take what is left.
        longest = max((cells(one_line(r.entry.title or "", 300)) for r in self.rows), default=16)
        tags_room = rest - longest - 2 * table.cell_padding
        with_tags = rest >= 72 or tags_room >= MIN_TAGS_WIDTH + 8
        if with_tags and tags_room >= MIN_TAGS_WIDTH:
            title = max(16, longest)
        else:
            title = max(16, rest * 7 // 10) if with_tags else rest
        table.add_column("Case", width=title, key="title")
        self.title_width = title
        if with_tags:
            table.add_column("Tags", width=max(8, rest - title - 2 * table.cell_padding), key="tags")
        for label, w in fixed:
            table.add_column(label, width=w, key=label.lower())
        return with_tags

    def on_resize(self) -> None:
        if self.rows:
            self.refilter()

    def highlighted_row(self) -> LibraryRow | None:
        table = self.query_one("#library", DataTable)
        if not self.shown or table.cursor_row is None:
            return None
        index = table.cursor_row
        return self.shown[index] if 0 <= index < len(self.shown) else None

    def highlighted_key(self) -> str | None:
        row = self.highlighted_row()
        return row.key if row else None

    def show_detail(self) -> None:
        row = self.highlighted_row()
        detail = self.query_one("#case-detail", Static)
        if row is None:
            detail.update("")
            return
        e = row.entry
        lines = [one_line(e.summary or e.title, 300)]
        shown_room = 2 * self.title_width - 2 if self.titles_wrap else self.title_width
        if e.title and fit(e.title, shown_room) != one_line(e.title, 300):
            lines.insert(0, one_line(e.title, 300))  # the whole title, cut short in the table
        if e.tags:
            lines.append("Tags: " + one_line(", ".join(e.tags), 300))
        folder = getattr(e, "folder", None)
        if folder is not None and not folder.shipped:
            # The shipped cases need no label; an instructor's own are told apart by their folder.
            lines.append("From: " + one_line(folder.shown, 300))
        if getattr(e, "problems", ()):
            lines = [f"This case file has {len(e.problems)} problem(s); Enter shows them."]
        detail.update(plain("\n".join(lines)))

    def show_no_match(self) -> None:
        """Where the cases would be, when none is left: what found nothing, and the way back."""
        table = self.query_one("#library", DataTable)
        box = self.query_one("#no-match", Static)
        empty = bool(self.rows) and not self.shown and not self.load_problem
        table.display = not empty
        box.display = empty
        if not empty:
            return
        query = " ".join(self.query_one("#filter", Input).value.split())
        tags = sorted(self.chosen_tags)
        if self.due_only and not query and not tags:
            lines = ["Nothing is due for review now.", "F7 shows every case again."]
        else:
            found = f"“{one_line(query, 60)}”" if query else ""
            if tags:
                named = f"the tag{'s' if len(tags) != 1 else ''} {one_line(', '.join(tags), 80)}"
                found = f"{found} with {named}" if found else named
            among = " among the cases due for review" if self.due_only else ""
            lines = [f"No case matches {found}{among}."]
            if query:
                lines.append("Try fewer words, or another name for it: a diagnosis, its abbreviation, a tag.")
            cleared = ["the filter"] + (["the tags"] if tags else []) + (["the due-only view"] if self.due_only else [])
            lines.append(f"Esc clears {' and '.join(cleared)}" + ("; Backspace edits it." if query else "."))
        box.update(plain("\n".join(lines)))

    def show_status(self) -> None:
        status = self.query_one("#home-status", Static)
        if self.load_problem:
            status.update(plain(f"The case library could not be read: {self.load_problem}", 400))
        elif not self.rows:
            status.update(Content("No cases found in the library."))
        elif not self.shown:
            # What found nothing, and the way back, are said where the cases would be.
            only = " (due only) · F7 shows every case" if self.due_only else " · Esc clears the filter"
            status.update(Content(f"0 of {len(self.rows)} cases{only} · F1 help"))
        elif not self.has_records:
            status.update(Content(FIRST_RUN_TEXT))
        else:
            due = sum(1 for r in self.rows if r.due)
            shown = f"{len(self.shown)} of {len(self.rows)} cases" if len(self.shown) != len(self.rows) else f"{len(self.rows)} cases"
            review = f" · {due} due for review" if due else ""
            only = " (due only)" if self.due_only else ""
            status.update(Content(f"{shown}{only}{review} · Enter opens the highlighted case · F6 drills them · F8 progress"))
        status.set_class(not self.has_records and bool(self.rows), "-first-run")

    # --- Events and actions ---

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.refilter()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.open_highlighted()

    @on(DataTable.RowSelected, "#library")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_case(str(event.row_key.value))

    @on(DataTable.RowHighlighted, "#library")
    def row_highlighted(self) -> None:
        self.show_detail()

    @on(Button.Pressed, ".tag-chip")
    def chip_pressed(self, event: Button.Pressed) -> None:
        chip = event.button
        assert isinstance(chip, TagChip)
        chip.toggle()
        self.chosen_tags = self.chosen_tags ^ {chip.tag}
        self.refilter()

    def action_move(self, step: int) -> None:
        table = self.query_one("#library", DataTable)
        if self.shown:
            table.move_cursor(row=max(0, min(len(self.shown) - 1, table.cursor_row + step)))

    def action_progress(self) -> None:
        self.app.open_progress()

    def action_toggle_due(self) -> None:
        self.due_only = not self.due_only
        self.refilter()

    def action_drill_shown(self) -> None:
        """The shown cases in a row, each under its own clock (due ones weakest first when filtered to them)."""
        from tutor.drill import Drill
        from tutor.settings import drill_defaults

        most, seconds = drill_defaults()  # the learner's drill_cases and drill_time_limit, if set
        rows = list(self.shown)
        if self.due_only and self.app.records is not None:
            from tutor import review

            try:
                order = {d.case_id: i for i, d in enumerate(review.due_cases(self.app.records.cards(), self.app.now()))}
                rows.sort(key=lambda r: order.get(r.case_id, len(order)))
            except Exception:
                pass
        cases = []
        for row in rows:
            if most is not None and len(cases) >= most:
                break
            if getattr(row.entry, "problems", ()):
                continue
            try:
                cases.append(self.app.services.load_case(str(row.entry.path) if getattr(row.entry, "path", None) else row.key))
            except Exception:
                continue  # a case that cannot be opened is left out of the drill, not the end of it
        if not cases:
            self.app.notify("No case to drill here.", severity="warning", markup=False)
            return
        self.app.begin_drill(Drill(cases, front_end="app", time_limit=seconds))

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        for chip in self.query(TagChip):
            if chip.on:
                chip.toggle()
        self.chosen_tags = frozenset()
        self.due_only = False
        self.refilter()
        box.focus()

    def action_help(self) -> None:
        from tutor.tui.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_open_highlighted(self) -> None:
        focused = self.focused
        if isinstance(focused, Button):
            focused.press()  # Enter on a tag chip switches it
        else:
            self.open_highlighted()

    def open_highlighted(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.open_case(key)

    def action_drill_highlighted(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.open_case(key, drill=True)

    def open_case(self, key: str, drill: bool = False) -> None:
        row = next((r for r in self.rows if r.key == key), None)
        ref = str(row.entry.path) if row is not None and getattr(row.entry, "path", None) else key
        try:
            case = self.app.services.load_case(ref)
        except Exception as error:
            problems = getattr(error, "problems", None) or (error,)
            lines = [one_line(str(p), 300) for p in problems[:5]]
            if len(problems) > 5:
                lines.append(f"… and {len(problems) - 5} more")
            # On the screen until the learner moves on, and as a toast for whoever looks away.
            self.query_one("#home-status", Static).update(plain("This case cannot be opened:\n" + "\n".join(lines[:2])))
            self.app.notify("\n".join(lines), title="This case cannot be opened", severity="error", markup=False, timeout=10)
            return
        from tutor.session import drill_seconds
        from tutor.tui.case_screen import CaseScreen

        from tutor.settings import drill_defaults

        limit = (drill_defaults()[1] or drill_seconds(case)) if drill else None
        self.app.push_screen(CaseScreen(case, time_limit=limit))
