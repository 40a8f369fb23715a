"""The garbage collector at start-up: paused while the tutor makes what stays, resumed for the work.

Start-up makes tens of thousands of objects that stay until the tutor ends (its modules, the
parser, a prepared case's terms), and the collector, run every few hundred new objects, walks
all of them again and again and frees none: in `tutor grade` with one answer that was about a
tenth of its time. So the program's entry point pauses it; a command that goes on working (the
app, a play, a batch of answers) resumes it as its work begins, with what start-up made set aside
for good (`gc.freeze`), so it is never walked again. One answer graded needs no collection at all,
not even the one Python makes on its way out over everything still there: the system frees it.
Run from inside another program (the tests call `tutor.cli.main`), nothing is paused.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop collecting until resume(), if collecting now."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Collect again, as before pause(), over what is made from now on."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """Whether collecting is paused still: the program ran only a short command."""
    return _paused


def end_of_a_short_run() -> None:
    """The program is about to end without having resumed collecting (one answer graded, a usage
    error): its objects are set aside, so Python's last collection on the way out does not walk
    them. Its output is flushed already, and a short run leaves no open file for that collection
    to close."""
    if _paused:
        gc.freeze()
