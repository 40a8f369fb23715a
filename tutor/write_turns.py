"""Tutors sharing one records file: turns to write in the order they were asked for, and a
spool that keeps a step on disk while its turn has not come.

Turns. A tutor that wants to write takes a numbered ticket (a file in FILE.turns/, which
it holds an flock on from before the ticket is visible until its turn is over) and sleeps
in the kernel on the ticket just ahead of it; when that one is done, or its process died
(the kernel lets go of a dead process's locks), the next in line wakes. First asked, first
served: a plain flock wakes every waiter at once and the quickest to run wins, so with
many tutors on few cores one could wait ten seconds while later ones wrote. A ticket is
only taken while FILE.lock is held, for a directory listing and a rename.

Spool. A step whose turn has not come in time is written, one JSON line, to a file of this
tutor's own in FILE.spool/ and synced to disk before the learner is answered; the file is
locked while its tutor lives. The tutor writes it into the records at its next turn and
removes it; a spool whose tutor died (its lock is free) is written by the next tutor that
opens the records. Before a turn commits what came from a spool, a "flushing" line goes to
the spool: what came before that line may already be in the records if the process died
between the commit and removing the file, so it is written again only where it is missing.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's own lock still keeps writers apart
    fcntl = None  # type: ignore[assignment]

FLUSHING = {"flushing": True}


def _ticket_number(name: str) -> int | None:
    return int(name) if name.isdigit() else None


def _wait_for_lock(fd: int, timeout: float) -> bool:
    """flock(fd) within `timeout` seconds: True once held, False (and nothing held) after it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        pass
    if timeout <= 0:
        return False
    guard = threading.Lock()
    woke = threading.Event()
    state = {"given_up": False, "held": False}

    def wait() -> None:
        # The waiting thread holds its own duplicate of the descriptor: if the caller gives up and
        # closes `fd`, this one is still valid until the lock comes and is let go at once.
        try:
            fcntl.flock(own, fcntl.LOCK_EX)
        except OSError:
            pass
        else:
            with guard:
                if not state["given_up"]:
                    state["held"] = True
            if not state["held"]:
                fcntl.flock(own, fcntl.LOCK_UN)
        finally:
            os.close(own)
            woke.set()

    own = os.dup(fd)
    threading.Thread(target=wait, name="records-write-turn", daemon=True).start()
    woke.wait(timeout)
    with guard:
        if state["held"]:
            return True
        state["given_up"] = True
    return False


class WriteTurn:
    """One tutor's turn to write the records at `path`, taken in the order turns were asked for."""

    def __init__(self, path: Path):
        self._folder = path.with_name(path.name + ".turns")
        self._gate = path.with_name(path.name + ".lock")
        self._fd: int | None = None
        self._ticket: Path | None = None
        self.waited = 0.0  # seconds the last acquire() slept, for the benchmark

    def acquire(self, timeout: float, monotonic=None) -> bool:
        """Wait up to `timeout` seconds for this tutor's turn; False if it did not come (nothing held)."""
        import time

        clock = monotonic or time.monotonic
        began = clock()
        self.waited = 0.0
        if fcntl is None:
            return True
        try:
            mine = self._take_ticket()
        except OSError:
            return True  # a folder where no ticket can be made: SQLite's lock alone
        try:
            while True:
                ahead = self._tickets_before(mine)
                if not ahead:
                    self.waited = clock() - began
                    return True
                number, path = ahead[-1]
                try:
                    fd = os.open(path, os.O_RDWR)
                except FileNotFoundError:
                    continue  # done just now
                try:
                    if not _wait_for_lock(fd, began + timeout - clock()):
                        self.waited = clock() - began
                        self.release()
                        return False
                    # Its tutor is done or died; a finished tutor removes its own ticket, a dead one cannot.
                    try:
                        path.unlink()
                    except FileNotFoundError:
                        pass
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._ticket is not None:
            try:
                self._ticket.unlink()
            except OSError:
                pass
            self._ticket = None
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def _take_ticket(self) -> int:
        self._folder.mkdir(exist_ok=True)
        draft = self._folder / f".draft-{os.getpid()}-{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # locked before anyone can see it: a visible, free ticket is a dead one
            gate = os.open(self._gate, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(gate, fcntl.LOCK_EX)
                numbers = [n for n in map(_ticket_number, os.listdir(self._folder)) if n is not None]
                mine = max(numbers, default=0) + 1
                ticket = self._folder / f"{mine:012d}"
                os.rename(draft, ticket)
            finally:
                os.close(gate)  # closing lets go of the gate's lock
        except BaseException:
            os.close(fd)
            try:
                draft.unlink()
            except OSError:
                pass
            raise
        self._fd, self._ticket = fd, ticket
        return mine

    def _tickets_before(self, mine: int) -> list[tuple[int, Path]]:
        ahead = []
        for name in os.listdir(self._folder):
            number = _ticket_number(name)
            if number is not None and number < mine:
                ahead.append((number, self._folder / name))
        return sorted(ahead)


class Spool:
    """This tutor's steps not yet in the records, kept on disk (see the module's docstring)."""

    def __init__(self, path: Path):
        self._folder = path.with_name(path.name + ".spool")
        self.path: Path | None = None
        self._fd: int | None = None
        self.lines = 0  # entries written since the file was made

    @property
    def usable(self) -> bool:
        return fcntl is not None

    def append(self, entries: list[dict]) -> None:
        """Each entry one line, on disk (fsync) when this returns; OSError if that cannot be done."""
        if fcntl is None:
            raise OSError("no file locks on this system")
        if self._fd is None:
            self._make()
        data = "".join(json.dumps(entry, separators=(",", ":")) + "\n" for entry in entries).encode()
        assert self._fd is not None
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]
        os.fsync(self._fd)
        self.lines += len(entries)

    def mark_flushing(self) -> None:
        if self._fd is not None:
            self.append([FLUSHING])

    def remove(self) -> None:
        if self.path is not None:
            try:
                self.path.unlink()
            except OSError:
                pass
        self.let_go()

    def let_go(self) -> None:
        """Close the file (keeping it): from now on it is an orphan for the next tutor to write."""
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self.path, self.lines = None, None, 0

    def _make(self) -> None:
        self._folder.mkdir(exist_ok=True)
        path = self._folder / f"{os.getpid()}-{secrets.token_hex(6)}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            folder = os.open(self._folder, os.O_RDONLY)
            try:
                os.fsync(folder)  # the file's name survives a crash as well as its lines
            finally:
                os.close(folder)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self.path = fd, path


def orphan_spools(path: Path) -> Iterator[tuple[Path, int]]:
    """Spools beside the records at `path` whose tutor is gone, each locked for the caller (path, fd)."""
    if fcntl is None:
        return
    folder = path.with_name(path.name + ".spool")
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    for name in names:
        if not name.endswith(".jsonl"):
            continue
        spool = folder / name
        try:
            fd = os.open(spool, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # its tutor is still running
            continue
        yield spool, fd


def read_spool(fd: int) -> tuple[list[dict], int]:
    """The entries of a spool and how many of them came before its last "flushing" line.

    A line cut short (the process died while writing it) was never answered and is left out."""
    with os.fdopen(os.dup(fd), "rb") as file:
        raw = file.read()
    entries: list[dict] = []
    settled = 0
    for line in raw.split(b"\n"):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry == FLUSHING:
            settled = len(entries)
        elif isinstance(entry, dict):
            entries.append(entry)
    return entries, settled

