"""Start the app: `tutor` opens the library, `tutor play CASE` in a terminal opens the case."""

from __future__ import annotations

from tutor.model import Case


def run(args=None) -> int:
    """The app on the shipped library, until the learner leaves it."""
    from tutor.tui.app import build_app

    return _run_app(build_app())


def run_case(case: Case) -> int:
    """The app opened straight on one case; its library is still a key away."""
    from tutor.tui.app import build_app

    return _run_app(build_app(start_case=case))


def _run_app(app) -> int:
    result = app.run()
    if app.return_code:
        return int(app.return_code)
    return int(result or 0)
