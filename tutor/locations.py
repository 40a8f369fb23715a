"""Where the tutor keeps a learner's things on disk.

platformdirs picks the usual place for each system (the cache folder of an ordinary Linux
session is worked out in tutor.cache_folder, as platformdirs does, so `tutor grade` need not
import it); TUTOR_DATA_DIR, TUTOR_CONFIG_DIR
and TUTOR_CACHE_DIR override it, and TUTOR_DB names the records file itself (a
shared file for a class, a copy to look at), so tests and portable installs never touch the
developer's own records. Folders are created on first use, not on import.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tutor.cache_folder import APP_NAME, user_cache_folder
from tutor.cases.problems import Problem

def _folder(env_name: str, default: str) -> Path:
    override = os.environ.get(env_name, "").strip()
    try:
        folder = Path(override).expanduser() if override else Path(default)
    except RuntimeError:
        # "~someone/x" for a user this system does not know: an unusable folder, as OSError,
        # which every caller already survives (records off, history in memory).
        raise NotADirectoryError(f"{env_name}={override!r} names the home folder of an unknown user") from None
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def data_dir() -> Path:
    """Learner records and input history."""
    import platformdirs

    return _folder("TUTOR_DATA_DIR", platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Work kept between runs that can always be done again (parsed case files)."""
    return _folder("TUTOR_CACHE_DIR", user_cache_folder())


def records_file() -> Path:
    """The learner's records: TUTOR_DB if set, else records.sqlite3 in the data folder."""
    named = os.environ.get("TUTOR_DB", "").strip()
    if named:
        return Path(named).expanduser()
    return data_dir() / "records.sqlite3"


def history_file() -> Path:
    """Answers typed in the line REPL, for the up arrow."""
    return data_dir() / "answer-history"


CONFIG_FILE = "config.toml"


def config_file() -> Path:
    """The settings file a learner or an instructor edits by hand (TOML)."""
    override = os.environ.get("TUTOR_CONFIG_DIR", "").strip()
    if override:
        folder = Path(override).expanduser()
    else:
        import platformdirs

        folder = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    return folder / CONFIG_FILE  # not created: reading a missing file means no settings


def read_config() -> tuple[dict, Problem | None]:
    """The settings in the config file, and why it could not be read.

    A missing file is no settings; a broken one is reported and read as none, so a typo
    in it never stops the tutor."""
    import tomllib

    path = config_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except OSError as error:
        return {}, Problem(str(path), None, f"cannot read the settings file: {error.strerror or error}")
    try:
        return tomllib.loads(data.decode("utf-8")), None
    except UnicodeDecodeError:
        return {}, Problem(str(path), None, "the settings file is not UTF-8 text")
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+)", str(error))
        line = int(found.group(1)) if found else None
        if line is None and "end of document" in str(error):
            line = max(1, data.count(b"\n") + (0 if data.endswith(b"\n") else 1))  # what was left open
        return {}, Problem(str(path), line, f"not valid TOML: {str(error).split(' (at ')[0]}")
