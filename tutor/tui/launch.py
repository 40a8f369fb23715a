"""Start the app: `tutor` opens the library, `tutor play CASE` in a terminal opens the case."""

from __future__ import annotations

import sys

from tutor.model import Case

NO_TERMINAL = (
    "tutor: the case library app needs a terminal (Textual draws on standard error and reads standard input).\n"
    "  tutor list         the cases, as text\n"
    "  tutor play CASE    play a case; answers are read line by line when input is a pipe"
)


def run(args=None) -> int:
    """The app on the shipped library, until the learner leaves it."""
    if not _in_a_terminal():
        print(NO_TERMINAL, file=sys.stderr)
        return 2
    from tutor.tui.app import build_app

    return _run_app(build_app())


def run_case(case: Case, time_limit: float | None = None, watch=None) -> int:
    """The app opened straight on one case (a drill with `time_limit`; reloaded on each save with a
    tutor.case_watch.CaseWatch `watch`); its library is still a key away."""
    if not _in_a_terminal():
        print(NO_TERMINAL, file=sys.stderr)
        return 2
    from tutor.tui.app import build_app

    return _run_app(build_app(start_case=case, time_limit=time_limit, watch=watch))


def run_drill(drill) -> int:
    """The app playing a drill's cases in a row, then its table; the library is a key away."""
    if not _in_a_terminal():
        print(NO_TERMINAL, file=sys.stderr)
        return 2
    from tutor.tui.app import build_app

    return _run_app(build_app(drill=drill))


def _in_a_terminal() -> bool:
    streams = (sys.stdin, sys.__stderr__)
    return all(stream is not None and stream.isatty() for stream in streams)


def _run_app(app) -> int:
    result = app.run()
    if app.return_code:
        return int(app.return_code)
    return int(result or 0)
