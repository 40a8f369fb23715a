"""The learner's settings: a small TOML file in the config folder (tutor.locations.config_file).

    theme = "light"             # the app's colours: "dark" (the default) or "light"; Ctrl+T sets it
    drill_cases = 5             # a drill of the whole library plays at most this many cases
    drill_time_limit = 300      # seconds per case in a drill, as --time-limit (which still wins)
    case_dirs = ["~/teaching"]  # folders of your own cases (tutor.cases.library reads them)

Reading never stops the tutor: a missing file is the defaults; a file that is not TOML,
an unknown key or a bad value is a `file:line: message` (said once, by the front end,
through `warn_once`) and that setting's default is used. `tutor config set/unset` change
one line of the file and leave the rest (comments, other keys) as it was; the new file is
read back before it replaces the old one, which it does in one step (a temporary file
renamed over it), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tutor.cases.problems import Problem
from tutor.locations import config_file

DEFAULT, FILE = "default", "file"


class SettingError(Exception):
    """A value that cannot be set, or a file that cannot be changed safely; one line for the user."""


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    shown_default: str  # how `tutor config` shows the default
    meaning: str
    parse: Callable[[list[str]], object]  # from `tutor config set KEY VALUE...`; raises SettingError
    check: Callable[[object], str | None]  # why a value read from the file is not usable, or None


def _theme(values: list[str]) -> object:
    value = " ".join(values).strip().casefold()
    if value not in THEMES:
        raise SettingError(f"`theme` is dark or light, not {' '.join(values)[:40]!r}")
    return value


def _check_theme(value: object) -> str | None:
    return None if value in THEMES else f'`theme` must be "dark" or "light", got {_shown(value)}'


def _whole_number(key: str, low: int, high: int, unit: str) -> tuple[Callable, Callable]:
    def check(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"`{key}` must be a whole number of {unit} from {low} to {high}, got {_shown(value)}"
        return None

    def parse(values: list[str]) -> object:
        text = " ".join(values).strip()
        try:
            value = int(text)
        except ValueError:
            raise SettingError(f"`{key}` is a whole number of {unit}, not {text[:40]!r}") from None
        problem = check(value)
        if problem:
            raise SettingError(problem)
        return value

    return parse, check


def _folders(values: list[str]) -> object:
    if not values or not all(v.strip() for v in values):
        raise SettingError("`case_dirs` needs one or more folders: tutor config set case_dirs ~/teaching/hip")
    return [v.strip() for v in values]


def _check_folders(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return '`case_dirs` must be a list of folder names, e.g. case_dirs = ["~/teaching/cases"]'


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


THEMES = ("dark", "light")
_drill_cases = _whole_number("drill_cases", 1, 1000, "cases")
_drill_time = _whole_number("drill_time_limit", 1, 24 * 3600, "seconds")

SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("theme", "dark", "dark", "the app's colours, dark or light (Ctrl+T in the app sets it)",
            _theme, _check_theme),
    Setting("drill_cases", None, "all", "most cases a drill of the library plays (--cases wins)",
            *_drill_cases),
    Setting("drill_time_limit", None, "each case's own",
            "seconds per case in a drill (--time-limit wins; unset: the case's time_limit, else 10 min)",
            *_drill_time),
    Setting("case_dirs", [], "none", "folders of your own cases, after the shipped ones",
            _folders, _check_folders),
)}


@dataclass
class Settings:
    """What the tutor runs with: each known setting's value and where it came from."""

    path: Path
    exists: bool
    values: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown: dict[str, object] = field(default_factory=dict)  # keys in the file the tutor does not know

    def __getitem__(self, key: str) -> object:
        return self.values[key]


_read: dict[tuple, Settings] = {}  # (path, stamp) -> what it said, so every caller shares one reading
_warned: set[tuple] = set()  # the (path, stamp)s whose problems were said: once per run, again if edited


def _stamp(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), info.st_mtime_ns, info.st_size)


def read_settings() -> Settings:
    """The settings as the file says now (cached until the file changes), defaults where it does not."""
    from tutor.locations import read_config

    path = config_file()
    key = _stamp(path)
    if key in _read:
        return _read[key]
    raw, why_not = read_config()
    settings = Settings(path=path, exists=key[1] is not None)
    if why_not is not None:
        settings.problems.append(Problem(why_not.path, why_not.line, why_not.message +
                                         "; the tutor goes on with the default settings"))
    text = _text_of(path) if raw else ""
    for name, setting in SETTINGS.items():
        settings.values[name], settings.sources[name] = setting.default, DEFAULT
        if name not in raw:
            continue
        problem = setting.check(raw[name])
        if problem:
            settings.problems.append(Problem(str(path), key_line(text, name),
                                             f"{problem}; the default ({setting.shown_default}) is used"))
            continue
        settings.values[name], settings.sources[name] = raw[name], FILE
    for name, value in raw.items():
        if name in SETTINGS:
            continue
        from tutor.suggestions import did_you_mean

        settings.unknown[name] = value
        hint = did_you_mean(name, SETTINGS)
        settings.problems.append(Problem(str(path), key_line(text, name),
                                         f"unknown setting `{name}`, left out; "
                                         + (hint or "the settings are " + ", ".join(SETTINGS))))
    settings.problems.sort(key=lambda p: p.line or 0)
    _read.clear()
    _read[key] = settings
    return settings


def warn_once(say: Callable[[str], None]) -> None:
    """Say the settings file's problems, once per run of the tutor, whichever front end asks first."""
    key = _stamp(config_file())
    if key in _warned:
        return
    problems = read_settings().problems
    _warned.add(key)
    for problem in problems:
        say(str(problem))


def drill_defaults() -> tuple[int | None, float | None]:
    """(drill_cases, drill_time_limit in seconds) as the settings say; None for each not set.

    Never raises: a settings file that cannot be read is the defaults."""
    try:
        values = read_settings().values
    except Exception:
        return None, None
    cases, seconds = values.get("drill_cases"), values.get("drill_time_limit")
    return (cases if isinstance(cases, int) else None), (float(seconds) if isinstance(seconds, int) else None)


def warn_once_on_stderr() -> None:
    """The settings file's problems on stderr, once, for the front ends without a screen of their own."""
    import sys

    try:
        warn_once(lambda message: print(message, file=sys.stderr))
    except Exception:  # settings are a help: nothing about them stops a play
        pass


def _text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


_TABLE_HEADER = re.compile(r"\s*\[")


def key_line(text: str, key: str) -> int | None:
    """The line of `key = …` among the file's top-level keys, or of a `[key]` table; None if neither."""
    at_top = True
    for number, line in enumerate(text.splitlines(), 1):
        if _TABLE_HEADER.match(line):
            at_top = False
            if re.match(rf"\s*\[+\s*[\"']?{re.escape(key)}[\"']?\s*[].]", line):
                return number
        elif at_top and _assigns(line, key):
            return number
    return None


def _assigns(line: str, key: str) -> bool:
    return re.match(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=", line) is not None


# -- changing the file -------------------------------------------------------------------


def toml_value(value: object) -> str:
    """A value as TOML writes it: the few kinds the settings hold (text, whole numbers, lists of text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string: the same escapes (\" \\ \n \uXXXX).
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")


def set_setting(key: str, values: list[str]) -> Path:
    """Write `key = value` into the settings file (made if missing); the file it wrote."""
    setting = _known(key)
    return _change(key, setting.parse(values))


def unset_setting(key: str) -> tuple[Path, bool]:
    """Take `key` out of the settings file, so its default applies; (the file, whether it was there)."""
    _known(key)
    path = config_file()
    if key not in _parsed(path, _text_of(path)):
        return path, False
    return _change(key, None), True


def remember(key: str, value: object) -> bool:
    """Keep a value the learner chose in the app (the theme): written only when it differs from what
    the tutor would use anyway, so choosing the default makes no file. Raises OSError, SettingError."""
    if read_settings().values.get(key) == value:
        return False
    _change(key, value)  # refuses a file that is not valid TOML, and leaves it as it is
    return True


def _known(key: str) -> Setting:
    setting = SETTINGS.get(key)
    if setting is None:
        from tutor.suggestions import did_you_mean

        hint = did_you_mean(key, SETTINGS) or "the settings are " + ", ".join(SETTINGS)
        raise SettingError(f"no setting `{key[:40]}`; {hint}")
    return setting


def _parsed(path: Path, text: str) -> dict:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingError(f"{path} is not valid TOML ({str(error)[:120]}); fix it by hand first, "
                           "it is left as it is") from None


def _change(key: str, value: object) -> Path:
    """The file with `key` set to `value` (None: taken out), everything else kept byte for byte."""
    path = config_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as error:
        raise SettingError(f"{path}: cannot read the settings file: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SettingError(f"{path}: the settings file is not UTF-8 text; fix it by hand first") from None
    before = _parsed(path, text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    top_end = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), len(lines))
    start = next((i for i in range(top_end) if _assigns(lines[i], key)), None)
    new_line = [f"{key} = {toml_value(value)}\n"] if value is not None else []
    if start is not None:
        end = _value_end(lines, start, top_end)
        if new_line and end == start + 1:
            new_line = [new_line[0].rstrip("\n") + _trailing_comment(lines[start], key, before[key]) + "\n"]
        lines[start:end] = new_line
    else:
        at = top_end
        while at > 0 and not lines[at - 1].strip():
            at -= 1  # after the last top-level line, before the blank lines above a table
        lines[at:at] = new_line
    written = "".join(lines)
    expected = dict(before)
    expected.pop(key, None)
    if value is not None:
        expected[key] = value
    try:
        after = _parsed(path, written)
    except SettingError:
        after = None
    if after != expected:
        raise SettingError(f"{path}: `{key}` is written in a way this command cannot change safely; "
                           "edit the file by hand (it is left as it is)")
    _write_atomically(path, written)
    return path


def _trailing_comment(line: str, key: str, value: object) -> str:
    """The `   # comment` after a one-line value, kept when the value changes; '' if none."""
    import tomllib

    for found in re.finditer("#", line):
        try:
            if tomllib.loads(line[: found.start()]) == {key: value}:
                head = line[: found.start()]
                return line[len(head.rstrip()):].rstrip("\n")
        except tomllib.TOMLDecodeError:
            continue
    return ""


def _value_end(lines: list[str], start: int, limit: int) -> int:
    """Where the value that starts on line `start` ends (an array may run over several lines)."""
    import tomllib

    for end in range(start + 1, limit + 1):
        try:
            tomllib.loads("".join(lines[start:end]))
            return end
        except tomllib.TOMLDecodeError:
            continue
    return start + 1


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".config-",
                                             suffix=".toml", delete=False)
        try:
            with handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            if path.exists():
                os.chmod(handle.name, path.stat().st_mode & 0o777)
            os.replace(handle.name, path)
        except BaseException:
            try:
                os.unlink(handle.name)
            except OSError:
                pass
            raise
    except OSError as error:
        raise SettingError(f"{path}: cannot write the settings file: {error.strerror or error}") from None
    _read.clear()
