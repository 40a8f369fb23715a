"""Text from a case file or a learner, made safe to put on screen.

Everything shown passes through `printable` (no control characters or escape
sequences) and is handed to Textual as plain `Content` or `rich.text.Text`,
never parsed as markup, so "[b]" in an answer stays two brackets and a b.
Notifications that quote such text are sent with markup=False for the same reason.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from tutor.text_safety import one_line, printable


def plain(text: str | None, limit: int | None = None) -> Content:
    """One piece of outside text as inert Content; folded onto one line when `limit` is given."""
    shown = one_line(text or "", limit) if limit else printable(text or "")
    return Content(shown)


def cell(text: str | None, limit: int = 200, style: str = "") -> Text:
    """A DataTable cell: DataTable reads a bare str as markup, a Text never."""
    return Text(one_line(text or "", limit), style=style)



def room_left(screen_width: int, fixed_widths: list[int], flexible: int = 1, cell_padding: int = 1) -> int:
    """The width each of a table's `flexible` columns gets so the whole table fits the screen.

    Counts every column's padding (DataTable adds `cell_padding` on both sides) and the
    vertical scrollbar, which takes two cells once the rows outgrow the view.
    """
    columns = len(fixed_widths) + flexible
    spare = screen_width - 2 - sum(fixed_widths) - 2 * cell_padding * columns
    return max(8, spare // max(1, flexible))


def cut_cell(text: str | None, limit: int = 200, style: str = "") -> Text:
    """A DataTable cell cut to its column with an ellipsis (the full text is elsewhere on screen)."""
    return Text(one_line(text or "", limit), style=style, no_wrap=True, overflow="ellipsis")
