"""A terminal's bracketed pastes, cut and cleaned as they stream in, before any parser sees them.

A terminal sends a paste between ESC[200~ and ESC[201~. The parsers of both front ends
handle a large or odd paste badly: prompt_toolkit adds each piece it reads (1 KB) to the
paste so far and searches all of it for the end mark (a 2 MB paste took 6 s, 20 MB hours);
Textual, meeting an ESC inside a paste, types what follows it as keys ahead of the paste
("no trauma \\x1bOS and more" became "^OS and moreno trauma"). `PasteCutter` stands in
front of either: it passes everything outside pastes on as it comes, keeps only the first
`limit` characters of each paste, looks for the end mark in each new piece alone, and hands
the paste on whole, cleaned, between its marks.
"""

from __future__ import annotations

from typing import Callable

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class PasteCutter:
    """`feed(piece)` returns what to pass on now; `flush()` what it held back (a mark's start)."""

    def __init__(self, limit: int, clean: Callable[[str], str] = lambda text: text):
        self._limit = limit
        self._clean = clean
        self._in_paste = False
        self._kept: list[str] = []
        self._room = 0
        self._held = ""  # the end of the last piece, which may be the start of a mark

    @property
    def holding(self) -> bool:
        """Something was held back outside a paste (a lone ESC, say), to be flushed if nothing follows."""
        return bool(self._held) and not self._in_paste

    def feed(self, data: str) -> str:
        data = self._held + data
        self._held = ""
        out: list[str] = []
        while data:
            if not self._in_paste:
                start = data.find(PASTE_START)
                if start < 0:
                    keep = _partial_mark(data, PASTE_START)
                    out.append(data[: len(data) - keep])
                    self._held = data[len(data) - keep:]
                    break
                out.append(data[:start])
                self._in_paste, self._kept, self._room = True, [], self._limit
                data = data[start + len(PASTE_START):]
            else:
                end = data.find(PASTE_END)
                content = data if end < 0 else data[:end]
                if end < 0:
                    keep = _partial_mark(content, PASTE_END)
                    self._held = content[len(content) - keep:]
                    content = content[: len(content) - keep]
                if self._room > 0:
                    self._kept.append(content[: self._room])
                    self._room -= len(self._kept[-1])
                if end < 0:
                    break
                self._in_paste = False
                out.append(PASTE_START + self._clean("".join(self._kept)) + PASTE_END)
                self._kept = []
                data = data[end + len(PASTE_END):]
        return "".join(out)

    def flush(self) -> str:
        if not self.holding:
            return ""
        held, self._held = self._held, ""
        return held


def _partial_mark(data: str, mark: str) -> int:
    """How many characters at the end of `data` could be the beginning of `mark`."""
    for size in range(min(len(mark) - 1, len(data)), 0, -1):
        if data.endswith(mark[:size]):
            return size
    return 0
