"""What is wrong with a case file, and where: the one way every command reports it.

A loader collects every problem in a file before giving up, so an author fixes
them all in one pass instead of one per run. Commands print them with
`report_problems` and exit 2.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on `tutor grade`'s path
if TYPE_CHECKING:
    from typing import TextIO


EXIT_PROBLEMS = 2


@dataclass(frozen=True)
class Problem:
    """What is wrong with an input file, and where (`path:line: message`)."""

    path: str
    line: int | None  # 1-based; None when no line of the file is involved (missing, empty, a folder)
    message: str

    def __post_init__(self) -> None:
        # Messages quote the file (keys, ids, values) and the path may be anyone's file name:
        # whoever prints a problem, the terminal must only ever see plain text.
        object.__setattr__(self, "path", visible(str(self.path)))
        object.__setattr__(self, "message", visible(self.message))

    def __str__(self) -> str:
        # `path:line: message` points an editor at the line; with no line, `path: message`
        # rather than a `:1:` that would send the author to a line that has nothing to do with it.
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


def visible(text: str) -> str:
    """One line of plain text: control and format characters shown as escapes (\\x1b), not obeyed.

    Escapes rather than removal, so an author sees what is really in the file.
    """
    out = []
    for char in text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "):
        if unicodedata.category(char) in ("Cc", "Cf") and char not in "\u200c\u200d":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def in_file_order(problems: Iterable[Problem]) -> list[Problem]:
    """By file, then line; problems on one line keep the order they were found in."""
    return sorted(problems, key=lambda p: (p.path, p.line or 0))


class CaseError(Exception):
    """A case (or shared lexicon) file that cannot be used, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid case")

    @classmethod
    def single(cls, path: str, line: int | None, message: str) -> "CaseError":
        return cls([Problem(str(path), line, message)])


def report_problems(error: CaseError, stream: TextIO | None = None) -> int:
    """Print each problem on its own line (stderr by default); return the exit status, 2.

    The text comes from a file someone else wrote, so control characters and
    escape sequences are removed before it reaches the terminal.
    """
    stream = stream if stream is not None else sys.stderr
    for problem in error.problems:
        stream.write(str(problem) + "\n")  # already plain: see Problem.__post_init__
    stream.flush()
    return EXIT_PROBLEMS
