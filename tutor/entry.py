"""Where the `tutor` command starts: Ctrl-C and SIGTERM are taken care of before anything loads.

Python turns Ctrl-C into a KeyboardInterrupt wherever the interpreter happens to be,
and until `tutor.cli` has loaded and entered its own `try`, nothing would catch it: a
learner who changed their mind at once got a traceback. So this module, imported
first by the console script and by `python -m tutor`, imports almost nothing and
makes a signal during start-up (and after the command has finished) end the process
quietly, with the status a shell expects (128 + the signal). While the command runs,
Ctrl-C is the KeyboardInterrupt that `tutor.cli.main` and the front ends answer
themselves, and SIGTERM does what it did before.

Importing this module is starting the program: tests run it in a fresh interpreter.
"""

from __future__ import annotations

import os
import sys

try:
    # The interpreter's own, loaded before any Python code runs; `signal` would first build its
    # enums, which is time in which a Ctrl-C still meets nothing of ours.
    import _signal as signal  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # not CPython
    import signal

_START_UP_SIGNALS = tuple(number for number in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None))
                          if number is not None)


def _leave_quietly(number: int, frame: object) -> None:
    # Nothing of the command's is half-written here, and nothing may run on the way out that
    # could be interrupted again.
    os._exit(128 + number)


def _set_handlers(handlers: dict[int, object]) -> None:
    for number, handler in handlers.items():
        try:
            signal.signal(number, handler)
        except (ValueError, OSError, TypeError):  # not the main thread, or not a handler here
            continue


def _quiet_where_not_ignored(found: dict[int, object]) -> dict[int, object]:
    # A signal the tutor was started ignoring (`nohup`, a background job) stays ignored.
    return {number: _leave_quietly for number, handler in found.items() if handler is not signal.SIG_IGN}


# What the interpreter set up, put back while the command runs; then, at once, the quiet exit.
_AS_STARTED = {number: signal.getsignal(number) for number in _START_UP_SIGNALS}
_set_handlers(_quiet_where_not_ignored(_AS_STARTED))


def main(argv: list[str] | None = None) -> int:
    """Run the tutor's command line (sys.argv unless `argv` is given); the exit status."""
    from tutor import collector

    collector.pause()  # resumed by the command that goes on working (tutor.collector)
    try:
        from tutor import cli

        _set_handlers({number: handler for number, handler in _AS_STARTED.items() if handler is not None})
        status = cli.main(argv)
    except KeyboardInterrupt:  # between the two lines above, before cli.main's own `try`
        status = 130
    _set_handlers(_quiet_where_not_ignored(_AS_STARTED))  # the output is flushed: leave quietly now
    collector.end_of_a_short_run()
    return status


def run() -> int:
    """Where the console script and `python -m tutor` start: main(), and after a short run (one
    answer graded, a mistyped command) the process ends at once. Its output is flushed, and it
    leaves nothing that needs an orderly end (no file open, no thread, nothing to collect): taking
    apart a prepared case's tens of thousands of objects one by one, only for the system to free
    their memory anyway, was the last few milliseconds of every `tutor grade`."""
    status = main()
    from tutor import collector

    if collector.paused():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # a closed or broken stream: Python's own way out reports it as always
            return status
        os._exit(status)
    return status
