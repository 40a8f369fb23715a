"""`tutor` with no command opens the app in a terminal, and says what to do instead anywhere else."""

from __future__ import annotations

import subprocess
import sys


def test_tutor_without_a_terminal_explains_instead_of_hanging():
    done = subprocess.run(
        [sys.executable, "-m", "tutor"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr
    assert "tutor play CASE" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
