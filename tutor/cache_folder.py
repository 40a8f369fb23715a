"""The user's cache folder for the tutor, as platformdirs names it, worked out without importing it.

`tutor grade` on a prepared case reads one file from here; platformdirs (and pathlib, which
tutor.locations uses) would cost more than that. Where the rule is not the plain XDG one,
platformdirs decides.
"""

from __future__ import annotations

import os
import sys

APP_NAME = "tutor"


def user_cache_folder() -> str:
    """platformdirs.user_cache_dir("tutor"), without importing it where the rule is plain.

    On Linux that is $XDG_CACHE_HOME/tutor when it is an absolute path, else ~/.cache/tutor
    with an absolute $HOME (a test holds the two equal); anything else (macOS, Windows,
    Android, an odd home) is left to platformdirs.
    """
    if sys.platform.startswith("linux") and not hasattr(sys, "getandroidapilevel"):
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if os.path.isabs(xdg):
            return os.path.join(xdg, APP_NAME)
        if not xdg.strip() and os.path.isabs(os.environ.get("HOME", "")):
            return os.path.join(os.path.expanduser("~/.cache"), APP_NAME)
    import platformdirs

    return platformdirs.user_cache_dir(APP_NAME, appauthor=False)
