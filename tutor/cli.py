"""The `tutor` command: parse arguments, hand over to the module that does the work.

Each subcommand's module is imported only when that subcommand runs, so
`tutor --help` and `tutor grade` never import Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tutor import __version__
from tutor.streams import is_output_error, silence_stdout, standard_streams_usable
from tutor.text_safety import one_line, speaks_utf8


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 1 <= value <= 24 * 3600:  # NaN fails this too
        raise argparse.ArgumentTypeError("a time limit is between 1 second and 24 hours")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("a number of cases from 1 to 1000")
    return value


def _date(text: str) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM): {text[:40]!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="A conversational case tutor for radiology learners. "
        "With no command, opens the case library in the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"tutor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", help="play a case (app in a terminal, plain text from a pipe)")
    play.add_argument("case", metavar="CASE", help="a case id or a path to a case file")
    play.add_argument("--plain", action="store_true", help="use the line REPL instead of the app")
    play.add_argument("--drill", action="store_true",
                      help="timed drill: the case ends when its time_limit (default 10 min) runs out")
    play.add_argument("--time-limit", type=_seconds, metavar="SECONDS", help="a drill with this many seconds")
    play.add_argument("--record", action="store_true",
                      help="from a pipe, keep this play in your records (the app and --plain always do)")
    play.add_argument("--watch", action="store_true",
                      help="reload the case file (and its folder's lexicon) each time it is saved, at the same "
                      "stage; errors are shown, not fatal; not recorded")

    drill = commands.add_parser("drill", help="timed cases in a row, ending with a table of scores and misses")
    drill.add_argument("cases", nargs="*", metavar="CASE", help="case ids or files (default: the whole library)")
    drill.add_argument("--tag", help="only the cases with this tag")
    drill.add_argument("--due", action="store_true", help="only the cases due for review, weakest first")
    drill.add_argument("--weakest", action="store_true", help="lowest last score first (never played first of all)")
    drill.add_argument("--cases", dest="count", type=_count, metavar="N", help="at most N cases")
    drill.add_argument("--time-limit", type=_seconds, metavar="SECONDS",
                       help="seconds for each case (default: the case's time_limit, else 10 minutes)")
    drill.add_argument("--plain", action="store_true", help="use the line REPL instead of the app")
    drill.add_argument("--record", action="store_true", help="from a pipe, keep this drill in your records")

    stats = commands.add_parser("stats", help="your progress: per case, concept, confused pair and stage kind")
    stats.add_argument("--json", action="store_true", help="one JSON object on stdout")

    export = commands.add_parser("export", help="your answers and results as CSV or JSON, for an instructor")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--since", type=_date, metavar="DATE", help="only plays started on or after DATE (YYYY-MM-DD)")
    export.add_argument("--case", metavar="ID", help="only the plays of this case")
    export.add_argument("--table", choices=("answers", "results"), default="answers",
                        help="CSV only: one row per answer (default) or per play's result")

    grade = commands.add_parser("grade", help="grade answers without playing (JSON out)")
    grade.add_argument("case", metavar="CASE", help="a case id or a path to a case file")
    grade.add_argument("--stage", help="the stage id the answer is for")
    grade.add_argument("--answer", help="the answer text")
    grade.add_argument("--batch", metavar="FILE", help='JSON lines {"stage": ..., "answer": ...}; - for stdin')

    listing = commands.add_parser("list", help="list the cases")
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.add_argument("--paths", action="store_true", help="add each case's file to the table")

    check = commands.add_parser("check", help="validate case files and run their examples")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="case files or folders (default: the library, shipped and your folders)")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too (exit 2)")

    commands.add_parser("schema", help="print the JSON Schema of the case format (for editors)")

    new = commands.add_parser("new", help="write a commented skeleton of a case that checks and plays")
    new.add_argument("id", metavar="ID", help="the new case's id (lowercase letters, digits, '-')")
    new.add_argument("--dir", metavar="DIR", help="the folder to write ID.yaml in (default: here)")

    misses = commands.add_parser("misses", help="answers in the records that a case did not know, per stage")
    misses.add_argument("case", nargs="?", metavar="CASE", help="a case id or file (default: every case)")
    misses.add_argument("--since", metavar="DATE", help="only plays since this date (2026-12-01)")
    adding = misses.add_mutually_exclusive_group()
    adding.add_argument("--add-example", metavar="ANSWER", help="add this answer as an example of --stage")
    adding.add_argument("--add-synonym", metavar="TEXT", help="add this text as a synonym of --concept")
    misses.add_argument("--stage", help="the stage an added example answers")
    misses.add_argument("--matches", metavar="IDS", help="the concepts the example should match, a,b (default: "
                        "what it matches today)")
    misses.add_argument("--concept", help="the case concept an added synonym belongs to")

    concepts = commands.add_parser("concepts", help="list the shared concepts (ids, synonyms) and discriminators")
    concepts.add_argument("query", nargs="*", metavar="QUERY", help="only those whose id, label or a synonym has this")
    concepts.add_argument("--json", action="store_true", help="one JSON array on stdout")
    return parser


# Which module runs each subcommand; `None` is the app with no command.
COMMAND_MODULES = {
    "play": "tutor.play_command",
    "drill": "tutor.drill_command",
    "stats": "tutor.stats_command",
    "export": "tutor.export_command",
    "grade": "tutor.grade_command",
    "list": "tutor.list_command",
    "check": "tutor.check_command",
    "schema": "tutor.schema_command",
    "new": "tutor.new_command",
    "concepts": "tutor.concepts_command",
    "misses": "tutor.misses_command",
    None: "tutor.tui.launch",
}


def main(argv: list[str] | None = None) -> int:
    try:
        if not standard_streams_usable():
            return 2
        args = build_parser().parse_args(argv)
        if hasattr(sys.stdout, "reconfigure") and not speaks_utf8(sys.stdout):
            # A Windows pipe (cp1252) has no byte for a Chinese title: write \u escapes, not a traceback.
            sys.stdout.reconfigure(errors="backslashreplace")
        module = importlib.import_module(COMMAND_MODULES[args.command])
        status = int(module.run(args) or 0)
        sys.stdout.flush()  # here, where a failure can still be reported, not at exit
        return status
    except KeyboardInterrupt:
        # Also while the command's modules are still being imported: no traceback, ever.
        return 130
    except BrokenPipeError:
        # The reader went away (`tutor list | head`): nothing left to say.
        silence_stdout()
        sys.stderr.close()
        return 0
    except Exception as error:
        if is_output_error(error):
            # The disk behind stdout is full, or the stream is gone: say so once, in one line.
            silence_stdout()
            print(f"tutor: cannot write the output: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
            return 1
        # A bug of ours, in any command: one line for the learner, never a traceback.
        print(f"tutor: something went wrong inside the tutor ({type(error).__name__}: {one_line(str(error), 300)})",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
