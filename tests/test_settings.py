"""Issue 10 item 8: settings that stay (tutor.settings, `tutor config`), and a broken file that
never stops the tutor. Every test has its own TUTOR_CONFIG_DIR (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tutor import settings
from tutor.locations import config_file
from tutor.settings import SettingError, read_settings, set_setting, unset_setting

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120  # seconds: far above normal, only to catch a hang


def tutor(*args: str, input: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "80", **(env or {})}
    return subprocess.run([sys.executable, "-m", "tutor", *args], input=input, capture_output=True, text=True,
                          env=full, cwd=REPO, timeout=TIMEOUT)


def write_config(text: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    settings._read.clear()  # a hand edit within one tick of the clock keeps the file's stamp
    return path


# -- reading -------------------------------------------------------------------------------


def test_no_file_is_the_defaults_and_makes_no_file():
    read = read_settings()
    assert not read.exists and read.problems == []
    assert read.values == {"theme": "dark", "drill_cases": None, "drill_time_limit": None, "case_dirs": []}
    assert set(read.sources.values()) == {"default"}
    assert not config_file().exists()


def test_values_from_the_file_say_so():
    write_config('theme = "light"\ndrill_cases = 3\n')
    read = read_settings()
    assert (read["theme"], read.sources["theme"]) == ("light", "file")
    assert (read["drill_cases"], read.sources["drill_cases"]) == (3, "file")
    assert read.sources["drill_time_limit"] == "default"


def test_unknown_keys_and_bad_values_are_file_line_messages_and_the_default_is_used():
    path = write_config('# mine\nthme = "light"\ndrill_cases = 0\ntheme = "blue"\ndrill_time_limit = "long"\n'
                        '\n[colours]\nx = 1\n')
    read = read_settings()
    assert [str(p) for p in read.problems] == [
        f"{path}:2: unknown setting `thme`, left out; did you mean `theme`?",
        f"{path}:3: `drill_cases` must be a whole number of cases from 1 to 1000, got 0; the default (all) is used",
        f"{path}:4: `theme` must be \"dark\" or \"light\", got 'blue'; the default (dark) is used",
        f"{path}:5: `drill_time_limit` must be a whole number of seconds from 1 to 86400, got 'long'; "
        "the default (each case's own) is used",
        f"{path}:7: unknown setting `colours`, left out; the settings are theme, drill_cases, drill_time_limit, "
        "case_dirs",
    ]
    assert read.values["theme"] == "dark" and read.values["drill_cases"] is None
    assert read.sources["theme"] == "default"


def test_a_file_that_is_not_toml_is_one_problem_at_its_line_and_the_defaults():
    path = write_config('theme = "light"\ndrill_cases = [\n')
    read = read_settings()
    [problem] = read.problems
    assert problem.path == str(path) and problem.line == 2 and "not valid TOML" in problem.message
    assert "goes on with the default settings" in problem.message
    assert read.values["theme"] == "dark"


def test_problems_are_said_once():
    write_config("drill_cases = -1\n")
    said: list[str] = []
    settings.warn_once(said.append)
    settings.warn_once(said.append)
    assert len(said) == 1 and ":1: `drill_cases`" in said[0]


# -- writing -------------------------------------------------------------------------------


def test_set_and_unset_change_one_line_and_keep_the_rest_byte_for_byte():
    original = ('# my settings\n'
                'theme = "dark"   # I like it dark\n'
                'case_dirs = [\n  "~/hip",   # the hip cases\n  "~/knee",\n]\n'
                '\n[later]\nnote = "a table the tutor does not read"\n')
    path = write_config(original)
    set_setting("theme", ["light"])
    assert path.read_text(encoding="utf-8") == original.replace('theme = "dark"', 'theme = "light"')
    set_setting("drill_cases", ["4"])
    text = path.read_text(encoding="utf-8")
    # A new key goes with the top-level keys, above the table (TOML would put it in the table otherwise).
    assert text.index("drill_cases = 4\n") < text.index("[later]")
    unset_setting("case_dirs")
    text = path.read_text(encoding="utf-8")
    assert "case_dirs" not in text and "~/knee" not in text and "# my settings\n" in text
    assert read_settings().values == {"theme": "light", "drill_cases": 4, "drill_time_limit": None, "case_dirs": []}
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]  # no temporary file left behind


def test_set_makes_the_file_and_its_folder():
    path = set_setting("case_dirs", ["~/teaching/hip", 'odd "quoted" name'])
    assert path == config_file() and path.exists()
    assert read_settings()["case_dirs"] == ["~/teaching/hip", 'odd "quoted" name']


@pytest.mark.parametrize("key, values, message", [
    ("theme", ["blue"], "`theme` is dark or light"),
    ("drill_cases", ["many"], "whole number of cases"),
    ("drill_time_limit", ["0"], "from 1 to 86400"),
    ("thme", ["light"], "no setting `thme`; did you mean `theme`?"),
])
def test_a_bad_value_or_key_is_refused_and_the_file_left_as_it_was(key, values, message):
    path = write_config('theme = "light"\n')
    with pytest.raises(SettingError, match=message.replace("?", r"\?")):
        set_setting(key, values)
    assert path.read_text(encoding="utf-8") == 'theme = "light"\n'


def test_a_broken_file_is_never_rewritten():
    path = write_config('theme = "light\n')
    with pytest.raises(SettingError, match="not valid TOML"):
        set_setting("theme", ["dark"])
    with pytest.raises(SettingError, match="not valid TOML"):
        settings.remember("theme", "light")  # the app's Ctrl+T: the dark of the defaults, then light
    assert path.read_text(encoding="utf-8") == 'theme = "light\n'


def test_a_key_written_in_a_way_the_editor_cannot_follow_is_left_to_the_author():
    path = write_config('"theme" = "dark"\ntheme2 = 1\n[x]\ntheme = 3\n')
    set_setting("theme", ["light"])  # a quoted key is still this key
    assert read_settings()["theme"] == "light"
    path = write_config('theme.inner = "dark"\n')  # a dotted key: `theme` is a table here
    with pytest.raises(SettingError):
        set_setting("theme", ["light"])
    assert path.read_text(encoding="utf-8") == 'theme.inner = "dark"\n'


def test_remember_writes_only_a_change():
    assert settings.remember("theme", "dark") is False  # the default: no file made
    assert not config_file().exists()
    assert settings.remember("theme", "light") is True
    assert read_settings()["theme"] == "light"
    assert settings.remember("theme", "light") is False


# -- the command -------------------------------------------------------------------------------


def test_tutor_config_shows_the_file_and_where_each_value_comes_from(tmp_path):
    env = {"TUTOR_CONFIG_DIR": str(tmp_path / "cfg")}
    shown = tutor("config", env=env)
    assert shown.returncode == 0, shown.stderr
    assert f"Settings file: {tmp_path / 'cfg' / 'config.toml'}" in " ".join(shown.stdout.split())
    assert "not there yet" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    done = tutor("config", "set", "theme", "light", env=env)
    assert done.returncode == 0 and done.stdout.strip().endswith("theme set")
    data = json.loads(tutor("config", "--json", env=env).stdout)
    assert data["file"] == str(tmp_path / "cfg" / "config.toml") and data["exists"] is True
    assert data["settings"]["theme"] == {"value": "light", "source": "file"}
    assert data["settings"]["drill_cases"] == {"value": None, "source": "default"}
    row = next(line for line in tutor("config", env=env).stdout.splitlines() if line.startswith("theme "))
    assert row.split() == ["theme", "light", "file"]
    done = tutor("config", "unset", "theme", env=env)
    assert done.returncode == 0 and "its default applies" in done.stdout
    assert json.loads(tutor("config", "--json", env=env).stdout)["settings"]["theme"]["source"] == "default"


def test_tutor_config_set_refuses_with_exit_2_and_one_did_you_mean(tmp_path):
    env = {"TUTOR_CONFIG_DIR": str(tmp_path / "cfg")}
    done = tutor("config", "set", "them", "light", env=env)
    assert done.returncode == 2 and done.stderr == "tutor config set: no setting `them`; did you mean `theme`?\n"
    done = tutor("config", "set", "theme", "purple", env=env)
    assert done.returncode == 2 and "dark or light" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "cfg" / "config.toml").exists()


def test_tutor_config_reports_the_files_problems_and_still_shows_the_defaults(tmp_path):
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_text('drill_cases = "lots"\n', encoding="utf-8")
    done = tutor("config", env={"TUTOR_CONFIG_DIR": str(cfg)})
    assert done.returncode == 0
    assert done.stderr.startswith(f"{cfg / 'config.toml'}:1: `drill_cases` must be a whole number")
    assert next(line for line in done.stdout.splitlines() if line.startswith("drill_cases")).split()[1:] == \
        ["all", "default"]


# -- a broken file never stops the tutor ------------------------------------------------------


@pytest.mark.parametrize("text", ['theme = "light\n', "\xff\xfe not text", "drill_time_limit = -5\n"])
def test_play_and_drill_go_on_with_a_broken_settings_file_and_say_so_once(tmp_path, text):
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_bytes(text.encode("latin-1"))
    env = {"TUTOR_CONFIG_DIR": str(cfg), "TUTOR_DATA_DIR": str(tmp_path / "data")}
    for command in (["play", "ifi-classic", "--drill"], ["drill", "ifi-classic", "toh-pregnancy"]):
        done = tutor(*command, input="no trauma\n/quit\n", env=env)
        assert done.returncode == 0, done.stderr
        assert "Score" in done.stdout and "Traceback" not in done.stderr
        warnings = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(warnings) == 1 and warnings[0].startswith(str(cfg / "config.toml")), warnings
        assert "20 min 00 s" in done.stdout  # the defaults: ifi-classic's own time_limit
    assert (cfg / "config.toml").read_bytes() == text.encode("latin-1")


# -- the drill length -----------------------------------------------------------------------------


def test_drill_length_settings_are_used_when_no_flag_gives_one(tmp_path):
    cfg = tmp_path / "cfg"
    env = {"TUTOR_CONFIG_DIR": str(cfg), "TUTOR_DATA_DIR": str(tmp_path / "data")}
    assert tutor("config", "set", "drill_cases", "2", env=env).returncode == 0
    assert tutor("config", "set", "drill_time_limit", "300", env=env).returncode == 0
    done = tutor("drill", input="", env=env)
    assert done.returncode == 0, done.stderr
    assert "# Drill: 2 cases in a row" in done.stdout and "5 min 00 s on the clock" in done.stdout
    # Flags win; cases named are all played.
    done = tutor("drill", "ifi-classic", "toh-pregnancy", "toh-recurrent", "--time-limit", "60", input="", env=env)
    assert "# Drill: 3 cases in a row" in done.stdout and "1 min 00 s on the clock" in done.stdout
    done = tutor("drill", "--cases", "1", input="", env=env)
    assert "# Drill: 1 case in a row" in done.stdout
    done = tutor("play", "ifi-classic", "--drill", input="/quit\n", env=env)
    assert "you have 5 min 00 s for the whole case" in done.stdout


# -- scripted plays (issue 10 item 8, built with issue 11: checked here for the drill) --------------


def test_a_drill_from_a_pipe_is_recorded_only_with_record_and_marked_scripted(tmp_path):
    data = tmp_path / "data"
    env = {"TUTOR_DATA_DIR": str(data)}
    done = tutor("drill", "toh-pregnancy", input="no trauma\n/quit\n", env=env)
    assert done.returncode == 0 and not (data / "records.sqlite3").exists()
    done = tutor("drill", "toh-pregnancy", "--record", input="no trauma\n/quit\n", env=env)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(data / "records.sqlite3") as db:
        assert db.execute("SELECT case_id, front_end FROM sessions").fetchall() == [("toh-pregnancy", "script")]
