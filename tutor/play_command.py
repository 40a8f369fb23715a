"""`tutor play CASE [--plain]`: play one case.

- stdin not a terminal: scripted play. Each input line is an answer or a
  command (/hint, /next, /skip, /quit, /help); the whole dialogue goes to
  stdout as plain text, each answer echoed as "> answer"; the case summary
  comes last. An empty line moves on from a passed stage and is otherwise
  ignored (nothing is echoed). End of input stops the case as /quit would, so
  the summary is always there.
  A scripted play is kept in the learner's records only with --record: a
  script, a test or a demo is not the learner's practice.
- a terminal with --plain: the prompt_toolkit line REPL (tutor.repl).
- a terminal otherwise: the Textual app (tutor.tui.launch.run_case), or the
  REPL if the app is not installed.

`--watch` (an author's edit-play loop, tutor.case_watch): every front end reads
the case file again when it is saved, scripted play too (before each line it
plays, so a script can drive a reload); a save with errors is reported and the
last good version goes on. A watched play is never recorded (`--record` with it
is refused): it is an author testing a case, and its stages change under it.

The shell those front ends share (`Play`, the slash commands, drill length)
is `tutor.session`; this module only picks the front end.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Callable

from tutor.model import Case
from tutor.session import Play, answer_lines, drill_seconds, play_script


def _app_runner() -> Callable[..., int | None] | None:
    """The Textual app's entry point, if the app is installed."""
    if importlib.util.find_spec("tutor.tui") is None or importlib.util.find_spec("tutor.tui.launch") is None:
        return None
    return getattr(importlib.import_module("tutor.tui.launch"), "run_case", None)


def time_limit_of(args, case: Case) -> float | None:
    """Seconds for a drill: --time-limit, else (--drill) the settings' drill_time_limit, else
    session.drill_seconds (the case's own time_limit, else ten minutes)."""
    if getattr(args, "time_limit", None):
        return float(args.time_limit)
    if getattr(args, "drill", False):
        from tutor.settings import drill_defaults

        return drill_defaults()[1] or drill_seconds(case)
    return None


def run(args) -> int:
    from tutor.cases.library import load_case
    from tutor.cases.problems import CaseError, report_problems
    from tutor.records import Records

    watching = getattr(args, "watch", False)
    if watching and getattr(args, "record", False):
        print("tutor play: --watch plays are not recorded (an author's test run); leave out --record",
              file=sys.stderr)
        return 2
    try:
        case = load_case(args.case)
        watch = _watch(args.case, case) if watching else None
    except CaseError as error:
        return report_problems(error)

    if sys.stdin is None or not sys.stdin.isatty():
        from tutor.settings import warn_once_on_stderr

        warn_once_on_stderr()  # the app shows them itself
        for stream in (sys.stdin, sys.stdout):
            if stream is not None and hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")
        records = Records.open(front_end="script") if getattr(args, "record", False) else None
        try:
            play = Play(case, records, time_limit=time_limit_of(args, case))
            lines = answer_lines(sys.stdin) if sys.stdin is not None else ()
            play_script(play, lines, sys.stdout, watch=watch)
        finally:
            if records is not None:
                records.close()
        return 0

    if not args.plain:
        run_case = _app_runner()
        if run_case is not None:
            limit = time_limit_of(args, case)
            options = {"time_limit": limit} if limit else {}
            if watch is not None:
                options["watch"] = watch
            return int(run_case(case, **options) or 0)
    from tutor import repl

    from tutor.settings import warn_once_on_stderr

    warn_once_on_stderr()
    if watch is not None:
        play = Play(case, None, time_limit=time_limit_of(args, case))
        return repl.run(case, play=play, watch=watch)
    return repl.run(case, time_limit=time_limit_of(args, case))


def _watch(ref: str, case: Case):
    from tutor.case_watch import CaseWatch
    from tutor.cases.library import resolve_case_path

    return CaseWatch(resolve_case_path(ref), case)


