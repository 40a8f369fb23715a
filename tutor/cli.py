"""The `tutor` command: parse arguments, hand over to the module that does the work.

Each subcommand's module is imported only when that subcommand runs, so
`tutor --help` and `tutor grade` never import Textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

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


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns, without importing shutil (and the compression
    modules it loads), which argparse would do for every option it is given."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout (None), or not a terminal
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own layout, as wide as the terminal (a test holds it to argparse's)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


def _play(play: argparse.ArgumentParser) -> None:
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


def _drill(drill: argparse.ArgumentParser) -> None:
    drill.add_argument("cases", nargs="*", metavar="CASE", help="case ids or files (default: the whole library)")
    drill.add_argument("--tag", help="only the cases with this tag")
    drill.add_argument("--due", action="store_true", help="only the cases due for review, weakest first")
    drill.add_argument("--weakest", action="store_true", help="lowest last score first (never played first of all)")
    drill.add_argument("--cases", dest="count", type=_count, metavar="N", help="at most N cases")
    drill.add_argument("--time-limit", type=_seconds, metavar="SECONDS",
                       help="seconds for each case (default: the case's time_limit, else 10 minutes)")
    drill.add_argument("--plain", action="store_true", help="use the line REPL instead of the app")
    drill.add_argument("--record", action="store_true", help="from a pipe, keep this drill in your records")


def _stats(stats: argparse.ArgumentParser) -> None:
    stats.add_argument("--json", action="store_true", help="one JSON object on stdout")


def _export(export: argparse.ArgumentParser) -> None:
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--since", type=_date, metavar="DATE", help="only plays started on or after DATE (YYYY-MM-DD)")
    export.add_argument("--case", metavar="ID", help="only the plays of this case")
    export.add_argument("--table", choices=("answers", "results"), default="answers",
                        help="CSV only: one row per answer (default) or per play's result")


def _grade(grade: argparse.ArgumentParser) -> None:
    grade.add_argument("case", metavar="CASE", help="a case id or a path to a case file")
    grade.add_argument("--stage", help="the stage id the answer is for")
    grade.add_argument("--answer", help="the answer text")
    grade.add_argument("--batch", metavar="FILE", help='JSON lines {"stage": ..., "answer": ...}; - for stdin')


def _list(listing: argparse.ArgumentParser) -> None:
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.add_argument("--paths", action="store_true", help="add each case's file to the table")


def _check(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="case files or folders (default: the library, shipped and your folders)")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too (exit 2)")


def _schema(schema: argparse.ArgumentParser) -> None:
    pass  # no options: the schema is the same for every case


def _new(new: argparse.ArgumentParser) -> None:
    new.add_argument("id", metavar="ID", help="the new case's id (lowercase letters, digits, '-')")
    new.add_argument("--dir", metavar="DIR", help="the folder to write ID.yaml in (default: here)")


def _misses(misses: argparse.ArgumentParser) -> None:
    misses.add_argument("case", nargs="?", metavar="CASE", help="a case id or file (default: every case)")
    misses.add_argument("--since", metavar="DATE", help="only plays since this date (2026-12-01)")
    adding = misses.add_mutually_exclusive_group()
    adding.add_argument("--add-example", metavar="ANSWER", help="add this answer as an example of --stage")
    adding.add_argument("--add-synonym", metavar="TEXT", help="add this text as a synonym of --concept")
    misses.add_argument("--stage", help="the stage an added example answers")
    misses.add_argument("--matches", metavar="IDS", help="the concepts the example should match, a,b (default: "
                        "what it matches today)")
    misses.add_argument("--concept", help="the case concept an added synonym belongs to")


def _concepts(concepts: argparse.ArgumentParser) -> None:
    concepts.add_argument("query", nargs="*", metavar="QUERY", help="only those whose id, label or a synonym has this")
    concepts.add_argument("--json", action="store_true", help="one JSON array on stdout")
    concepts.add_argument("--case", metavar="CASE", help="the concepts of this case (id or path): its own terms, "
                          "and those it takes from the shared lexicon")


def _config(config: argparse.ArgumentParser) -> None:
    config.add_argument("--json", action="store_true", help="one JSON object on stdout")
    actions = config.add_subparsers(dest="action", metavar="ACTION")
    setting = actions.add_parser("set", help="keep a setting: tutor config set theme light",
                                 formatter_class=_HelpFormatter)
    setting.add_argument("key", metavar="KEY", help="theme, drill_cases, drill_time_limit or case_dirs")
    setting.add_argument("values", nargs="+", metavar="VALUE", help="its value (case_dirs: one or more folders)")
    unsetting = actions.add_parser("unset", help="take a setting out, back to its default",
                                   formatter_class=_HelpFormatter)
    unsetting.add_argument("key", metavar="KEY")


# Each subcommand, in the order `tutor --help` lists them: its one-line help and its arguments.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "play": ("play a case (app in a terminal, plain text from a pipe)", _play),
    "drill": ("timed cases in a row, ending with a table of scores and misses", _drill),
    "stats": ("your progress: per case, concept, confused pair and stage kind", _stats),
    "export": ("your answers and results as CSV or JSON, for an instructor", _export),
    "grade": ("grade answers without playing (JSON out)", _grade),
    "list": ("list the cases", _list),
    "check": ("validate case files and run their examples", _check),
    "schema": ("print the JSON Schema of the case format (for editors)", _schema),
    "new": ("write a commented skeleton of a case that checks and plays", _new),
    "misses": ("answers in the records that a case did not know, per stage", _misses),
    "concepts": ("list the shared concepts (ids, synonyms) and discriminators", _concepts),
    "config": ("where your settings file is and what it sets (set, unset)", _config),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # A mistyped command or choice gets one did-you-mean instead of the whole list.
        from tutor.suggestions import with_choice_suggestion

        super().error(with_choice_suggestion(message))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `only` just that subcommand under the same top level.

    Building every subcommand's options costs more than some commands take to run, and a
    command line that names its command needs no other: its help, usage and errors read
    exactly as with the whole parser.
    """
    parser = _Parser(
        prog="tutor",
        description="A conversational case tutor for radiology learners. "
        "With no command, opens the case library in the terminal app.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tutor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, add_arguments) in COMMANDS.items():
        if only is None or name == only:
            add_arguments(commands.add_parser(name, help=summary, formatter_class=_HelpFormatter))
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
    "config": "tutor.config_command",
    None: "tutor.tui.launch",
}


def main(argv: list[str] | None = None) -> int:
    try:
        if not standard_streams_usable():
            return 2
        arguments = sys.argv[1:] if argv is None else argv
        named = arguments[0] if arguments and arguments[0] in COMMANDS else None
        args = build_parser(named).parse_args(arguments)
        if hasattr(sys.stdout, "reconfigure") and not speaks_utf8(sys.stdout):
            # A Windows pipe (cp1252) has no byte for a Chinese title: write \u escapes, not a traceback.
            sys.stdout.reconfigure(errors="backslashreplace")
        module = importlib.import_module(COMMAND_MODULES[args.command])
        if args.command != "grade":  # `tutor grade` resumes it for a batch only
            from tutor import collector

            collector.resume()
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
    except ModuleNotFoundError as error:
        missing = (error.name or "").partition(".")[0]
        if not missing or missing == "tutor":
            return _said_as_a_bug(error)
        # Not a bug of ours: this Python lacks a package the tutor depends on (a half-finished
        # install, or the tutor run with another interpreter than the one it was installed in).
        print(f"tutor: the package '{one_line(missing, 80)}' it needs is not installed for this Python "
              f"({one_line(sys.executable, 200)}); install the tutor with `pip install .` in its folder "
              "(see README.md)", file=sys.stderr)
        return 1
    except Exception as error:
        if is_output_error(error):
            # The disk behind stdout is full, or the stream is gone: say so once, in one line.
            silence_stdout()
            print(f"tutor: cannot write the output: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
            return 1
        return _said_as_a_bug(error)


def _said_as_a_bug(error: BaseException) -> int:
    # A bug of ours, in any command: one line for the learner, never a traceback.
    print(f"tutor: something went wrong inside the tutor ({type(error).__name__}: {one_line(str(error), 300)})",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
