"""The app's tests play the small library beside this file, with the learner's
records in a temporary folder, so what they see (and the snapshots) stays the
same from run to run. The clock is fixed through the app factory (see
tui_pilot_steps.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

LIBRARY = Path(__file__).parent / "dialogues"


@pytest.fixture(autouse=True)
def app_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUTOR_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TUTOR_DIALOGUES", str(LIBRARY))
    return tmp_path
