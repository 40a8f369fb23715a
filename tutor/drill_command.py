"""`tutor drill [CASE ...] [--tag TAG] [--due] [--weakest] [--cases N] [--time-limit SECONDS]`.

Timed cases in a row (tutor.drill): in the app in a terminal, the line REPL with
--plain, plain text from a pipe (kept in the records only with --record). It
ends with a table of case, score, time and misses.
"""

from __future__ import annotations

import sys
import time

from tutor.text_safety import one_line


def _records_for(args, in_terminal: bool):
    """The records a drill writes to (None on a pipe without --record) and reads its choice from."""
    from tutor import locations
    from tutor.records import Records

    if in_terminal and args.plain:
        records = Records.open(front_end="repl")
        return records, records
    if in_terminal:
        return None, Records.open(front_end="app")  # the app keeps its own records; these only choose
    if args.record:
        records = Records.open(front_end="script")
        return records, records
    try:
        exists = locations.records_file().exists()
    except (OSError, RuntimeError):
        exists = False
    if (args.due or args.weakest) and exists:
        return None, Records.open(front_end="script")  # read to choose, never written
    return None, None


def _cases(args, reader, now: float, default_count: int | None = None):
    from tutor.drill import choose
    from tutor.cases.library import list_cases, load_case

    if args.cases:
        chosen = choose([load_case(ref) for ref in args.cases], reader, tag=args.tag, due=args.due,
                        weakest=args.weakest, count=args.count, now=now)
        return chosen
    # The settings' drill_cases shortens a drill of the library; cases named are all played.
    count = args.count or default_count
    entries = [e for e in list_cases() if not e.problems]
    chosen = choose(entries, reader, tag=args.tag, due=args.due, weakest=args.weakest, count=count, now=now)
    return [load_case(str(e.path)) for e in chosen]


def _nothing_text(args) -> str:
    if args.due:
        return "Nothing is due for review now: no case to drill. `tutor stats` shows when the next is due."
    if args.tag:
        return f"No case carries the tag {one_line(args.tag, 60)!r}: no case to drill. `tutor list` shows the tags."
    return "No case to drill."


def run(args) -> int:
    from tutor import drill as drilling
    from tutor.cases.problems import CaseError, report_problems

    in_terminal = sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()
    if not in_terminal:
        for stream in (sys.stdin, sys.stdout):
            if stream is not None and hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")
    if not in_terminal or args.plain:
        from tutor.settings import warn_once_on_stderr

        warn_once_on_stderr()  # the app shows them itself
    from tutor.settings import drill_defaults

    default_count, default_seconds = drill_defaults()
    writer, reader = _records_for(args, in_terminal)
    try:
        try:
            cases = _cases(args, reader, time.time(), default_count)
        except CaseError as error:
            return report_problems(error)
        if not cases:
            print(_nothing_text(args), file=sys.stderr)
            return 1
        drill = drilling.Drill(cases, records=writer, time_limit=args.time_limit or default_seconds,
                               front_end="script" if not in_terminal else "repl" if args.plain else "app")
        if not in_terminal:
            lines = iter(sys.stdin.readline, "") if sys.stdin is not None else ()
            drilling.play_script(drill, lines, sys.stdout)
            return 0
        if not args.plain:
            from tutor.tui.launch import run_drill

            if reader is not None:
                reader.close()
            return int(run_drill(drill) or 0)
        return _repl_drill(drill)
    finally:
        for records in {id(r): r for r in (writer, reader) if r is not None}.values():
            records.close()


def _repl_drill(drill) -> int:
    from tutor import drill as drilling
    from tutor import repl

    total = len(drill.cases)
    while not drill.done:
        play = drill.next_play()
        print(f"\nCase {drill.position + 1} of {total}, {drilling.wording.duration(drill.limit_of(play.case))} "
              "on the clock.\n", flush=True)
        repl.run(play.case, drill.records, play=play)
        line = drill.close_play(play)
        if line.ended == drilling.STOPPED:
            drill.stop()
    import shutil

    print("\nDrill summary\n\n" + drilling.table(drill.lines, shutil.get_terminal_size((80, 24)).columns),
          flush=True)
    return 0

