"""The standard streams when they are not a terminal or a pipe: closed, or on a full disk.

`tutor list >&-` and `tutor grade ... >/dev/full` must say what went wrong in one line,
not write nothing and exit 0, nor end in a traceback.
"""

from __future__ import annotations

import errno
import os
import sys

# Errors of writing to a stream, as opposed to the tutor's own bugs.
OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, errno.EDQUOT, errno.EPIPE})


def standard_streams_usable() -> bool:
    """Whether there is a stdout to write to; a closed stderr or stdin is made harmless.

    A closed descriptor 0, 1 or 2 would otherwise be handed out to the next file opened (the
    records, a case file), and text meant for the terminal would go into it.
    """
    closed = [fd for fd in (0, 1, 2) if not _is_open(fd)]
    for fd in closed:
        spare = os.open(os.devnull, os.O_RDWR)
        if spare != fd:  # the lowest free descriptor is the closed one
            os.dup2(spare, fd)
            os.close(spare)
    if 2 in closed:
        # Errors then go nowhere: never into stdout, where print() sends them when stderr is None.
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if 0 in closed:
        sys.stdin = None
    if 1 in closed or sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
        print("tutor: standard output is closed, so there is nowhere to write; "
              "send it to a file or a terminal instead", file=sys.stderr)
        return False
    return True


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit cannot fail again."""
    try:
        spare = os.open(os.devnull, os.O_WRONLY)
        os.dup2(spare, sys.stdout.fileno())
        os.close(spare)
    except (OSError, AttributeError, ValueError):
        pass


def is_output_error(error: BaseException) -> bool:
    """Whether an error is a failure to write a stream (a full disk, a closed stream), not a bug."""
    return isinstance(error, OSError) and error.errno in OUTPUT_ERRORS
