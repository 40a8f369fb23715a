"""Fixtures every test gets: the developer's own data and settings never leak into a test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point the learner's records and settings at fresh folders, and use the repo's dialogues."""
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("TUTOR_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("TUTOR_DIALOGUES", raising=False)
