"""Plain-text tables that fit the terminal: `tutor stats`, the drill table, `tutor list`.

Widths are terminal cells (a Chinese label takes two per character). A table wider
than the terminal gives up room from the columns that may be cut, widest first, and
cuts their text with an ellipsis; a column of running text (a drill's misses) wraps
under itself instead. No line is ever longer than the width asked for.
"""

from __future__ import annotations

import re
from typing import Sequence

from tutor.text_safety import cells

ELLIPSIS = "…"
GAP = "  "
NARROWEST = 8  # a cut column keeps at least this many cells (or its heading's width)


def cut(text: str, width: int) -> str:
    """The text in at most `width` cells, ending in … when something had to go."""
    if cells(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    out = ""
    for char in text:
        if cells(out + char) > width - 1:
            break
        out += char
    return out.rstrip() + ELLIPSIS


def pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - cells(text))
    return space + text if right else text + space


def column_widths(rows: Sequence[Sequence[str]], width: int, shrinkable: Sequence[int] = ()) -> list[int]:
    """Each column's width: its longest cell, less what the shrinkable ones give up to fit `width`."""
    count = len(rows[0])
    widths = [max(cells(row[i]) for row in rows) for i in range(count)]
    over = sum(widths) + len(GAP) * (count - 1) - width
    while over > 0:
        # The widest shrinkable column that can still give a cell gives it.
        givers = [i for i in shrinkable if widths[i] > max(NARROWEST, cells(rows[0][i]))]
        if not givers:
            break
        widest = max(givers, key=lambda i: widths[i])
        widths[widest] -= 1
        over -= 1
    return widths


def fit_table(rows: Sequence[Sequence[str]], width: int, right: frozenset[int] | set[int] = frozenset(),
              shrinkable: Sequence[int] = ()) -> list[str]:
    """The rows (the first is the heading) as aligned lines of at most `width` cells."""
    if not rows:
        return []
    widths = column_widths(rows, width, shrinkable)
    lines = []
    for row in rows:
        text = GAP.join(pad(cut(cell, widths[i]), widths[i], i in right) for i, cell in enumerate(row)).rstrip()
        lines.append(cut(text, width))  # the last resort when even the cut columns are too wide
    return lines


def wrap_cells(text: str, width: int) -> list[str]:
    """Running text in lines of at most `width` cells, broken after '; ' or a space where it can be."""
    width = max(1, width)
    pieces = re.findall(r"\S+\s*", text)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        while cells(piece.rstrip()) > width:  # a word longer than the line: cut it where the line ends
            if current:
                lines.append(current.rstrip())
                current = ""
            head = cut(piece, width)[:-1] if width > 1 else piece[:1]
            head = head or piece[:1]
            lines.append(head)
            piece = piece[len(head):]
        if current and cells((current + piece).rstrip()) > width:
            lines.append(current.rstrip())
            current = piece
        else:
            current += piece
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def wrap_items(items: Sequence[str], width: int, separator: str = "; ") -> list[str]:
    """Items joined by `separator` in lines of at most `width` cells, broken between items
    where they fit (an item longer than a line is wrapped by its words)."""
    lines: list[str] = []
    current = ""
    for index, item in enumerate(items):
        piece = item + (separator.rstrip() if index < len(items) - 1 else "")
        joined = f"{current} {piece}" if current else piece
        if cells(joined) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        if cells(piece) <= width:
            current = piece
        else:
            *whole, current = wrap_cells(piece, width)
            lines += whole
    if current:
        lines.append(current)
    return lines or [""]
