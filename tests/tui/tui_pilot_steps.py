"""Steps the app's tests share: a fixed clock, waiting on a condition, reading the screen."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable

FIXED_NOW = 1_750_000_000.0  # a fixed instant; the app reads the time only through its clock
DAY = 24 * 60 * 60

# How many times a test lets the app run its queued work before giving up on a condition.
PAUSE_LIMIT = 200


def fixed_clock() -> float:
    return FIXED_NOW


def build_test_app(**kwargs):
    from tutor.tui.app import build_app

    kwargs.setdefault("clock", fixed_clock)
    return build_app(**kwargs)


async def wait_until(pilot, condition, what: str = "the condition") -> None:
    """Let the app work until `condition()` holds; fail after PAUSE_LIMIT rounds, never sleep a fixed time."""
    for _ in range(PAUSE_LIMIT):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"gave up waiting for {what}")


def run(scenario) -> None:
    """Run one async scenario to the end (the tests need no asyncio plugin)."""
    asyncio.run(scenario())


def screen_name(app) -> str:
    return type(app.screen).__name__


def table_rows(app, selector: str = "#library") -> list[list[str]]:
    """What a DataTable shows, cell by cell, as plain text."""
    table = app.screen.query_one(selector, DataTable)
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


def shown_text(app) -> str:
    """Every line the terminal shows right now, as plain text (what a learner reads)."""
    # The compositor is Textual's own; this is the one place the tests reach into it.
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())
