"""An instructor's own folders of cases beside the shipped library ($TUTOR_CASES, `case_dirs`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tutor.cases.library import case_folders, library_problems, list_cases, load_case, resolve_case_path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_IDS = sorted(p.stem for p in (REPO / "dialogues" / "cases").glob("*.yaml"))


def own_case(case_id: str, concept: str = "ifi", title: str = "An instructor's case") -> str:
    return textwrap.dedent(f"""\
        format: 1
        id: {case_id}
        title: {title}
        source: Invented for the folder tests
        stages:
          - id: diagnosis
            ask: What is the diagnosis?
            expect: [{concept}]
            explain: The diagnosis.
            examples:
              - {{answer: "the answer", matches: []}}
        """)


OWN_LEXICON = """\
format: 1
concepts:
  snapping-hip:
    label: Snapping hip
    synonyms: [coxa saltans]
"""

OWN_DISCRIMINATORS = """\
format: 1
discriminators:
  snapping-vs-ifi:
    between: [snapping-hip, ifi]
    points: [Uses a shipped concept and one of this folder's own.]
"""


@pytest.fixture
def teaching(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "teaching"
    folder.mkdir()
    (folder / "lexicon.yaml").write_text(OWN_LEXICON, encoding="utf-8")
    (folder / "discriminators.yaml").write_text(OWN_DISCRIMINATORS, encoding="utf-8")
    (folder / "snap.yaml").write_text(own_case("snap-case", "snapping-hip", "A snapping hip"), encoding="utf-8")
    (folder / "uses-shipped.yaml").write_text(own_case("shipped-concept"), encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", str(folder))
    return folder


def test_a_folder_in_tutor_cases_joins_the_shipped_library(teaching):
    entries = {e.id: e for e in list_cases()}
    assert set(SHIPPED_IDS) <= set(entries)
    assert {"snap-case", "shipped-concept"} <= set(entries)
    assert entries["snap-case"].origin == str(teaching)
    assert entries[SHIPPED_IDS[0]].origin == "shipped"
    assert all(not e.problems for e in entries.values())
    # Found by id, like a shipped case, and played with the folder's own lexicon over the shipped one.
    assert resolve_case_path("snap-case") == teaching / "snap.yaml"
    case = load_case("snap-case")
    assert "snapping-hip" in case.concepts and "ifi" in case.concepts
    assert "snapping-vs-ifi" in case.discriminators
    assert "ifi" in load_case("shipped-concept").concepts


def test_a_folder_with_a_cases_subfolder_is_read_from_there(tmp_path, monkeypatch):
    folder = tmp_path / "dept"
    (folder / "cases").mkdir(parents=True)
    (folder / "cases" / "a.yaml").write_text(own_case("dept-a"), encoding="utf-8")
    (folder / "notes.yaml").write_text("not a case", encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", str(folder))
    ids = [e.id for e in list_cases()]
    assert "dept-a" in ids and "notes" not in ids


def test_several_folders_are_separated_like_path(tmp_path, monkeypatch):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    (one / "a.yaml").write_text(own_case("case-one"), encoding="utf-8")
    (two / "b.yaml").write_text(own_case("case-two"), encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", os.pathsep.join([str(one), "", str(two)]))
    by_id = {e.id: e.origin for e in list_cases()}
    assert by_id["case-one"] == str(one) and by_id["case-two"] == str(two)


def test_the_settings_file_names_folders_too(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "c.yaml").write_text(own_case("from-settings"), encoding="utf-8")
    # Relative to the settings file, not to where the tutor runs.
    (config / "config.toml").write_text('# my settings\ncase_dirs = ["../mine"]\n', encoding="utf-8")
    monkeypatch.setenv("TUTOR_CONFIG_DIR", str(config))
    entry = next(e for e in list_cases() if e.id == "from-settings")
    assert entry.folder is not None and entry.folder.path.resolve() == (tmp_path / "mine").resolve()
    assert library_problems() == []


def test_a_broken_settings_file_or_missing_folder_is_a_problem_at_its_line(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('theme = "dark"\ncase_dirs = "not a list"\n', encoding="utf-8")
    monkeypatch.setenv("TUTOR_CONFIG_DIR", str(config))
    monkeypatch.setenv("TUTOR_CASES", str(tmp_path / "nowhere"))
    problems = library_problems()
    # The environment variable has no line: it is named alone (`$TUTOR_CASES: …`).
    assert [(Path(p.path).name, p.line) for p in problems] == [("config.toml", 2), ("$TUTOR_CASES", None)]
    assert str(problems[1]).startswith("$TUTOR_CASES: ")
    assert "must be a list" in problems[0].message and "not a folder" in problems[1].message
    assert set(SHIPPED_IDS) <= {e.id for e in list_cases()}  # the library still lists

    (config / "config.toml").write_text('case_dirs = [\n"unclosed"\n', encoding="utf-8")
    [problem] = [p for p in library_problems() if p.path.endswith("config.toml")]
    assert "not valid TOML" in problem.message


def test_an_id_used_in_two_folders_is_reported_with_both_paths(teaching, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    (other / "again.yaml").write_text(own_case("snap-case", "ifi", "The same id again"), encoding="utf-8")
    (other / "shipped-again.yaml").write_text(own_case(SHIPPED_IDS[0]), encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", os.pathsep.join([str(teaching), str(other)]))
    entries = list_cases()
    dupes = [e for e in entries if e.duplicate_of is not None]
    assert sorted(e.path.name for e in dupes) == ["again.yaml", "shipped-again.yaml"]
    again = next(e for e in dupes if e.path.name == "again.yaml")
    [message] = [p.message for p in again.problems]
    assert str(teaching / "snap.yaml") in message and "also used by" in message
    assert again.duplicate_of == teaching / "snap.yaml"
    # The id still names the first one.
    assert resolve_case_path("snap-case") == teaching / "snap.yaml"


def tutor(*args: str, env: dict) -> subprocess.CompletedProcess:
    full = dict(os.environ, **env)
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), full.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
                          env=full, cwd=REPO, timeout=60)


def test_tutor_list_shows_the_folder_each_case_comes_from(teaching, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "again.yaml").write_text(own_case("snap-case"), encoding="utf-8")
    env = {"TUTOR_CASES": os.pathsep.join([str(teaching), str(other)]),
           "TUTOR_DATA_DIR": str(tmp_path / "data"), "TUTOR_CONFIG_DIR": str(tmp_path / "config")}
    listed = tutor("list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    origins = {(c["id"], c["folder"]) for c in json.loads(listed.stdout)}
    assert ("snap-case", str(teaching)) in origins and (SHIPPED_IDS[0], "shipped") in origins
    # At the duplicate's `id:` line (the second line of own_case).
    assert f"again.yaml:2: case id `snap-case` is also used by {teaching / 'snap.yaml'}" in listed.stderr

    table = tutor("list", env=env).stdout.splitlines()
    assert table[0].split()[3] == "FROM"  # after the level, once a folder of your own is in the library
    row = next(line for line in table if line.startswith("snap-case "))
    assert str(teaching) in row


def test_case_folders_lists_the_shipped_folder_first(teaching):
    folders, problems = case_folders()
    assert [f.shipped for f in folders] == [True, False] and problems == []
    assert folders[1].path == teaching and folders[1].named_by == "TUTOR_CASES"


def test_tutor_check_checks_a_folder_against_its_files_over_the_shipped_ones(teaching, capsys):
    from tutor.cases.checker import check_paths

    report = check_paths([str(teaching)])
    assert report.errors == [] and report.cases == 2


def test_tutor_check_with_no_path_checks_the_instructor_folders_too(teaching, tmp_path, monkeypatch, capsys):
    from tutor import check_command  # the command, which also reports the folders

    other = tmp_path / "other"
    other.mkdir()
    (other / "again.yaml").write_text(own_case("snap-case", "ifi"), encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", os.pathsep.join([str(teaching), str(other)]))

    class Args:
        paths: list[str] = []

    assert check_command.run(Args()) == 2
    err = capsys.readouterr().err
    assert f"{other / 'again.yaml'}:2: case id `snap-case` is also used by {teaching / 'snap.yaml'}" in err
