"""`tutor list [--json]`: the cases in the library.

JSON: one array of {id, title, tags, difficulty, path}. Otherwise an aligned
table; columns are measured in terminal cells so Chinese titles line up.
"""

from __future__ import annotations

import sys

from tutor.text_safety import cells, one_line, speaks_utf8, terminal_json

COLUMNS = ("id", "title", "tags", "difficulty", "path")
TITLE_LIMIT = 60


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


def _row(entry) -> dict:
    return {
        "id": entry.id,
        "title": entry.title,
        "tags": list(entry.tags or ()),
        "difficulty": entry.difficulty,
        "path": str(entry.path),
    }


def table(rows: list[dict]) -> str:
    shown = [
        {
            "id": one_line(r["id"], 60),
            "title": one_line(r["title"], TITLE_LIMIT),
            "tags": one_line(", ".join(r["tags"]), 50),
            "difficulty": str(r["difficulty"]) if r["difficulty"] is not None else "-",
            "path": one_line(r["path"], 500),
        }
        for r in rows
    ]
    headers = {"id": "ID", "title": "TITLE", "tags": "TAGS", "difficulty": "LEVEL", "path": "PATH"}
    widths = {c: max([cells(headers[c]), *(cells(r[c]) for r in shown)]) for c in COLUMNS}

    def line(values: dict) -> str:
        return "  ".join(_pad(values[c], widths[c]) for c in COLUMNS).rstrip()

    return "\n".join([line(headers), *(line(r) for r in shown)])


def run(args) -> int:
    from tutor.cases.library import list_cases

    rows = [_row(entry) for entry in list_cases()]
    if getattr(args, "json", False):
        print(terminal_json(rows, indent=2, ascii_only=not speaks_utf8(sys.stdout)))
    elif rows:
        print(table(rows))
    else:
        print("No cases found.", file=sys.stderr)
    return 0
