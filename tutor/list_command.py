"""`tutor list [--json] [--paths]`: the cases in the library.

JSON: one array of {id, title, tags, difficulty, folder, path}, where `folder` is
`shipped` or the instructor's folder the case comes from. Otherwise an aligned
table that fits the terminal (80 columns in a pipe): id, title (cut with an
ellipsis when it must be), level, the folder (FROM) when the library has more
than the shipped one, and, when there is room, the tags; the file of each case
only with --paths. Columns are measured in terminal cells so Chinese titles
line up. Problems with the library's folders and duplicated ids go to stderr
as `file:line: message`.
"""

from __future__ import annotations

import shutil
import sys

from tutor.render.columns import cut
from tutor.text_safety import cells, one_line, speaks_utf8, terminal_json

COLUMNS = ("id", "title", "tags", "difficulty", "folder", "path")
TITLE_LIMIT = 60


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


def _row(entry) -> dict:
    return {
        "id": entry.id,
        "title": entry.title,
        "tags": list(entry.tags or ()),
        "difficulty": entry.difficulty,
        "folder": entry.origin,
        "path": str(entry.path),
    }


def table(rows: list[dict], width: int = 80, paths: bool = False) -> str:
    shown = [
        {
            "id": one_line(r["id"], 60),
            "title": one_line(r["title"], 300),
            "difficulty": str(r["difficulty"]) if r["difficulty"] is not None else "-",
            "tags": one_line(", ".join(r["tags"]), 50),
            "folder": one_line(r.get("folder", "shipped"), 200),
            "path": one_line(r["path"], 500),
        }
        for r in rows
    ]
    headers = {"id": "ID", "title": "TITLE", "tags": "TAGS", "difficulty": "LEVEL", "folder": "FROM",
               "path": "PATH"}
    widths = {c: max([cells(headers[c]), *(cells(r[c]) for r in shown)]) for c in COLUMNS}
    # Where a case comes from matters once the library has an instructor's folder in it.
    with_folder = any(r["folder"] != "shipped" for r in shown)
    columns = ["id", "title", "difficulty"] + (["folder"] if with_folder else []) + (["path"] if paths else [])
    if not paths:
        # The title takes what is left; the tags only if the titles still get their room.
        fixed = widths["id"] + widths["difficulty"] + 2 * 2 + ((widths["folder"] + 2) if with_folder else 0)
        room = width - 1 - fixed
        if room - widths["title"] - 2 >= 20:
            widths["tags"] = min(widths["tags"], room - widths["title"] - 2)
            columns.append("tags")
            room -= widths["tags"] + 2
        widths["title"] = max(20, min(widths["title"], room))
    else:
        widths["title"] = min(widths["title"], TITLE_LIMIT)
    for r in shown:
        r["title"] = cut(r["title"], widths["title"])
        r["tags"] = cut(r["tags"], widths["tags"])

    def line(values: dict) -> str:
        return "  ".join(_pad(values[c], widths[c]) for c in columns).rstrip()

    return "\n".join([line(headers), *(line(r) for r in shown)])


def run(args) -> int:
    from tutor.cases.library import library_problems, list_cases

    entries = list_cases()
    problems = library_problems() + [p for e in entries if e.duplicate_of is not None for p in e.problems[-1:]]
    for problem in problems:
        print(problem, file=sys.stderr)
    rows = [_row(entry) for entry in entries]
    if getattr(args, "json", False):
        print(terminal_json(rows, indent=2, ascii_only=not speaks_utf8(sys.stdout)))
    elif rows:
        print(table(rows, shutil.get_terminal_size((80, 24)).columns, paths=getattr(args, "paths", False)))
    else:
        print("No cases found.", file=sys.stderr)
    return 0
