"""Fixtures every test gets: the developer's own data and settings never leak into a test."""

from __future__ import annotations

import os
import signal
import sys

import pytest
from hypothesis import settings

# A suite started as a background job (`pytest &`, nohup) inherits SIGINT ignored, and so would
# every tutor the tests start: the tests of Ctrl-C would then test nothing and fail. Take Ctrl-C
# back, so the children start with it as a terminal gives it.
if hasattr(signal, "SIGINT") and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# No per-example deadline: a test never asserts wall-clock time, and a loaded machine is slow.
# CI replays the same examples on every run, so a submission's result does not depend on the
# draw; a developer's runs keep exploring new ones (and keep what they find in .hypothesis/).
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point the learner's records and settings at fresh folders, and use the repo's dialogues."""
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("TUTOR_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("TUTOR_DIALOGUES", raising=False)
    monkeypatch.delenv("TUTOR_CASES", raising=False)
    # The settings read (and the problems said) in an earlier test are not this test's.
    settings = sys.modules.get("tutor.settings")
    if settings is not None:
        settings._read.clear()
        settings._warned.clear()
