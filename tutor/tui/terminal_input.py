"""The app's terminal driver: input bytes that are not UTF-8 become U+FFFD instead of ending the app.

Textual's LinuxDriver decodes what the terminal sends as strict UTF-8 in its input thread,
so one key from a Latin-1 terminal ("é" is the single byte 0xE9), or a paste of such bytes,
kills that thread: a traceback, and the answer being typed is lost. The line REPL shows such
a byte as U+FFFD and plays on; so does the app with this driver.

The driver keeps Textual's own input loop, unchanged, and only gives it the terminal's bytes
through a pipe, every sequence that is not UTF-8 replaced by U+FFFD on the way. It relies on
one thing of LinuxDriver's: its input loop reads the file descriptor `self.fileno`, which is
swapped for the pipe only while that loop runs (every other use of it, such as the termios
calls that restore the terminal, happens after the loop has ended). If a new Textual read
elsewhere, tests/tui/test_terminal_bytes.py, which types such a byte into the real app on
a pseudo-terminal, would fail.
"""

from __future__ import annotations

import codecs
import os
import selectors
import sys
import threading

from textual.driver import Driver

from tutor.bracketed_paste import PasteCutter
from tutor.session import ANSWER_LIMIT
from tutor.text_safety import printable

READ_SIZE = 4096
POLL_SECONDS = 0.05  # how soon the forwarding thread notices that the app stopped reading
HELD_SECONDS = 0.005  # how long a lone ESC waits for the rest of a paste mark


def app_driver_class() -> type[Driver] | None:
    """The driver the app runs with: this one on Linux and macOS, Textual's choice elsewhere."""
    if sys.platform == "win32" or os.environ.get("TEXTUAL_DRIVER"):
        return None
    return _tolerant_linux_driver()


def _tolerant_linux_driver() -> type[Driver]:
    from textual.drivers.linux_driver import LinuxDriver

    class Utf8TolerantDriver(LinuxDriver):
        def run_input_thread(self) -> None:
            terminal = self.fileno
            read_end, write_end = os.pipe()
            stop = threading.Event()
            forwarder = threading.Thread(
                target=forward_as_utf8, args=(terminal, write_end, stop), name="tutor-input-bytes", daemon=True
            )
            forwarder.start()
            self.fileno = read_end
            try:
                super().run_input_thread()
            finally:
                self.fileno = terminal
                stop.set()
                os.close(read_end)  # a forwarder blocked on a full pipe gets EPIPE and ends
                forwarder.join()

    return Utf8TolerantDriver


def forward_as_utf8(source: int, sink: int, stop: threading.Event) -> None:
    """Copy bytes from `source` to `sink` until `stop` or the end of input, as valid UTF-8.

    Sequences split across reads are kept whole (an incremental decoder); bytes that can never
    be UTF-8 become U+FFFD. A bracketed paste is passed on cut to twice the answer limit and
    cleaned of escape sequences and control characters (tutor.bracketed_paste): Textual's
    parser would type what follows an ESC inside a paste as keys. Closes `sink` when done, so
    the reader sees the end of input.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    cutter = PasteCutter(2 * ANSWER_LIMIT, clean=printable)
    selector = selectors.DefaultSelector()
    try:
        selector.register(source, selectors.EVENT_READ)
        while not stop.is_set():
            # What looks like the start of a paste mark (a lone ESC: the Escape key) goes on
            # at once if nothing follows it.
            if not selector.select(HELD_SECONDS if cutter.holding else POLL_SECONDS):
                held = cutter.flush()
                if held:
                    _write_all(sink, held.encode("utf-8"))
                continue
            data = os.read(source, READ_SIZE)
            text = cutter.feed(decoder.decode(data, final=not data))
            if not data:
                text += cutter.flush()
            if text:
                _write_all(sink, text.encode("utf-8"))
            if not data:
                break
    except OSError:
        pass  # the terminal went away, or the app stopped reading: either way, input is over
    finally:
        selector.close()
        try:
            os.close(sink)
        except OSError:
            pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
