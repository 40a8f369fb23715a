"""The real app on a pseudo-terminal: what a terminal sends that the headless pilot cannot.

A Latin-1 terminal sends "é" as the single byte 0xE9, which is not UTF-8. Textual's own
driver dies on it (a traceback, the answer lost); the app's driver reads it as U+FFFD,
as the line REPL does, and the answer is played and recorded.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIBRARY = Path(__file__).parent / "dialogues"
WAIT = 60  # seconds: a hang detector, far above what starting the app takes

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")


class AppOnATerminal:
    """`python -m tutor ARGS` on a pseudo-terminal of 100x30, its screen collected as it is drawn."""

    def __init__(self, args: list[str], data_dir: Path):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", TUTOR_DATA_DIR=str(data_dir),
                   TUTOR_CONFIG_DIR=str(data_dir / "config"), TUTOR_DIALOGUES=str(LIBRARY), COLUMNS="100",
                   LINES="30")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
        env.pop("TEXTUAL_DRIVER", None)
        self.process = subprocess.Popen([sys.executable, "-m", "tutor", *args], stdin=slave, stdout=slave,
                                        stderr=slave, env=env, cwd=REPO, start_new_session=True, close_fds=True)
        os.close(slave)
        self.screen = bytearray()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.screen += data

    def text(self) -> str:
        return _ESCAPES.sub(b"", bytes(self.screen)).decode("utf-8", "replace")

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"the app ended (status {self.process.returncode}) before {what}:\n"
                                     f"{self.text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {WAIT} s:\n{self.text()[-3000:]}")
            time.sleep(0.05)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> int:
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.reader.join(timeout=5)
            os.close(self.master)


def recorded_answers(data_dir: Path) -> list[str]:
    path = data_dir / "records.sqlite3"
    if not path.exists():
        return []
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return [row[0] for row in db.execute("SELECT answer FROM attempts ORDER BY id")]
    except sqlite3.Error:
        return []


def test_a_byte_that_is_not_utf8_is_typed_as_a_replacement_character(tmp_path):
    data = tmp_path / "data"
    app = AppOnATerminal(["play", "quiet-hip"], data)
    try:
        app.wait_for(lambda: "Your answer" in app.text(), "answer line")
        app.send(b"caf")
        time.sleep(0.2)  # typed, not pasted: the byte arrives on its own, as from a keyboard
        app.send(b"\xe9")
        app.send(b" no trauma\r")
        app.wait_for(lambda: recorded_answers(data), "recorded answer")
        app.send(b"\x11")  # Ctrl+Q
        status = app.close()
    except BaseException:
        app.process.kill()
        app.close()
        raise
    shown = app.text()
    assert "UnicodeDecodeError" not in shown and "Traceback" not in shown
    assert status == 0
    assert recorded_answers(data) == ["caf\ufffd no trauma"]


def test_a_paste_of_latin1_bytes_keeps_every_other_character(tmp_path):
    data = tmp_path / "data"
    app = AppOnATerminal(["play", "quiet-hip"], data)
    try:
        app.wait_for(lambda: "Your answer" in app.text(), "answer line")
        app.send(b"\x1b[200~caf\xe9 cr\xe8me, no trauma\x1b[201~")
        app.send(b"\r")
        app.wait_for(lambda: recorded_answers(data), "recorded answer")
        app.send(b"\x11")
        status = app.close()
    except BaseException:
        app.process.kill()
        app.close()
        raise
    assert status == 0
    assert recorded_answers(data) == ["caf\ufffd cr\ufffdme, no trauma"]


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP", "SIGQUIT"])
def test_a_signal_to_stop_leaves_the_terminal_as_it_was(tmp_path, signal_name):
    import signal

    data = tmp_path / "data"
    app = AppOnATerminal(["play", "quiet-hip"], data)
    try:
        app.wait_for(lambda: "Your answer" in app.text(), "answer line")
        app.process.send_signal(getattr(signal, signal_name))
        status = app.close()
    except BaseException:
        app.process.kill()
        app.close()
        raise
    screen = bytes(app.screen)
    last_alt_screen_on = screen.rfind(b"\x1b[?1049h")
    assert screen.rfind(b"\x1b[?1049l") > last_alt_screen_on  # back from the alternate screen
    assert screen.rfind(b"\x1b[?25h") > last_alt_screen_on  # the cursor shown again
    assert screen.rfind(b"\x1b[?1000l") > last_alt_screen_on  # mouse reporting off
    assert status == 128 + getattr(signal, signal_name)
    assert "Traceback" not in app.text()


def test_control_characters_in_a_paste_never_scramble_the_answer_line():
    # Review finding 18: `no trauma \x1bOS and more` pasted became `^OS and moreno trauma`.
    from textual import events

    from tutor.session import ANSWER_LIMIT

    sys.path.insert(0, str(Path(__file__).parent))
    from tui_pilot_steps import build_test_app, run, wait_until  # noqa: E402

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("enter")  # the first case of the library
            await wait_until(pilot, lambda: hasattr(app.screen, "input") and app.screen.play is not None,
                             "the case")
            box = app.screen.input
            box.post_message(events.Paste("no trauma \x1bOS and \x1b[2Jmore\x07\x08"))
            await wait_until(pilot, lambda: box.value, "the pasted text")
            assert box.value == "no trauma S and more"
            box.value = ""
            box.post_message(events.Paste("z" * 3_000_000))
            await wait_until(pilot, lambda: box.value, "the huge paste")
            assert len(box.value) == ANSWER_LIMIT

    run(scenario)


def test_an_escape_sequence_inside_a_terminal_paste_is_dropped_not_typed_before_the_paste(tmp_path):
    # Review finding 18, on a real terminal: Textual's parser, meeting ESC inside a bracketed
    # paste, typed "^OS and more" as keys and pasted "no trauma " after them.
    data = tmp_path / "data"
    app = AppOnATerminal(["play", "quiet-hip"], data)
    try:
        app.wait_for(lambda: "Your answer" in app.text(), "answer line")
        app.send(b"\x1b[200~no trauma \x1bOS and \x1b[2Jmore\x07\x1b[201~")
        app.send(b"\r")
        app.wait_for(lambda: recorded_answers(data), "recorded answer")
        shown_before = len(app.text())
        app.send(b"\x1b")  # a lone Escape key still reaches the app: home from the finished case
        app.wait_for(lambda: "Type to filter" in app.text()[shown_before:], "the library after Escape")
        app.process.terminate()
        app.close()
    except BaseException:
        app.process.kill()
        app.close()
        raise
    assert recorded_answers(data) == ["no trauma S and more"]  # as the line REPL keeps it


def test_letters_typed_in_a_burst_while_the_end_question_is_up_all_reach_the_answer(tmp_path):
    """F4 pressed mid-word: the rest of the word, arriving at once as a fast typist's does, is the
    answer (a "y" in it ends nothing), letter for letter, not only the first of it."""
    data = tmp_path / "data"
    app = AppOnATerminal(["play", "quiet-hip"], data)
    try:
        app.wait_for(lambda: "Your answer" in app.text(), "answer line")
        app.send(b"no tra")
        app.send(b"\x1bOS")  # F4
        app.wait_for(lambda: "End this case now?" in app.text(), "the question before ending")
        app.send(b"uma yet")
        app.send(b"\r")
        app.wait_for(lambda: recorded_answers(data), "recorded answer")
        app.send(b"\x11")
        status = app.close()
    except BaseException:
        app.process.kill()
        app.close()
        raise
    assert status == 0
    assert recorded_answers(data) == ["no trauma yet"]
