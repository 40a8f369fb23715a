"""`tutor list`: what a learner or a script sees of the case library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.list_command import cells, table

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "dialogues" / "cases").glob("*.yaml"))

needs_cases = pytest.mark.skipif(not SHIPPED, reason="no shipped cases under dialogues/cases yet")


def tutor(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    env["TUTOR_CONFIG_DIR"] = str(tmp_path / "config")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )


@needs_cases
def test_json_lists_every_shipped_case_with_its_details(tmp_path):
    result = tutor("list", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    cases = json.loads(result.stdout)
    assert isinstance(cases, list)
    assert sorted(c["id"] for c in cases) == sorted(p.stem for p in SHIPPED)
    for case in cases:
        assert set(case) == {"id", "title", "tags", "difficulty", "folder", "path"}
        assert case["folder"] == "shipped"
        assert isinstance(case["title"], str) and case["title"]
        assert isinstance(case["tags"], list)
        assert case["difficulty"] is None or case["difficulty"] in (1, 2, 3)
        assert Path(case["path"]).is_file()


@needs_cases
def test_the_table_has_a_header_and_one_aligned_row_per_case(tmp_path):
    result = tutor("list", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    lines = result.stdout.rstrip("\n").splitlines()
    header = lines[0]
    assert header.split()[:2] == ["ID", "TITLE"]
    assert len(lines) == 1 + len(SHIPPED)
    listed = {line.split()[0] for line in lines[1:]}
    assert listed == {p.stem for p in SHIPPED}
    cases = {c["id"]: c for c in json.loads(tutor("list", "--json", tmp_path=tmp_path).stdout)}
    title_column = header.index("TITLE")
    for line in lines[1:]:
        case = cases[line.split()[0]]
        if case["title"].isascii():
            assert line[title_column:].startswith(case["title"][:20])


def test_wide_characters_line_up_in_terminal_cells():
    rows = [
        {"id": "a", "title": "坐骨股骨夾擠", "tags": ["hip"], "difficulty": 1, "path": "/x/a.yaml"},
        {"id": "b", "title": "Ischiofemoral impingement", "tags": [], "difficulty": None, "path": "/x/b.yaml"},
    ]
    lines = table(rows, paths=True).splitlines()
    assert cells("坐骨") == 4
    # The path column begins in the same terminal cell on every row.
    starts = {cells(line[: line.index("/x/") if "/x/" in line else line.index("PATH")]) for line in lines}
    assert len(starts) == 1
    assert lines[2].split()[3] == "-"  # no difficulty given


def test_case_text_in_the_table_is_made_safe():
    rows = [{"id": "evil", "title": "Hip\x1b[2J pain\x07", "tags": ["a\x1b]0;x\x07"], "difficulty": 2, "path": "/p"}]
    text = table(rows)
    assert "\x1b" not in text and "\x07" not in text
    assert "Hip pain" in text


def test_json_escapes_c1_and_bidi_characters_a_case_title_carries(tmp_path, monkeypatch):
    # YAML's double quotes can spell any character: "\x9b" is the one-byte CSI, "\u202e" reverses text.
    library = tmp_path / "dialogues"
    (library / "cases").mkdir(parents=True)
    (library / "cases" / "odd.yaml").write_text(
        'format: 1\nid: odd\ntitle: "Hip \\x9b31m pain \\u202e niap"\ntags: ["a\\x85b"]\nsource: a test\n'
        "stages:\n  - id: history\n    ask: Any injury?\n    expect: [no-trauma]\n    explain: None.\n"
        "concepts:\n  no-trauma: {label: No history of trauma}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TUTOR_DIALOGUES", str(library))
    result = tutor("list", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not any(ch in result.stdout for ch in "\x9b\u202e\x85")
    [case] = json.loads(result.stdout)
    assert case["title"] == "Hip \x9b31m pain \u202e niap"  # as written, escaped in the JSON
    assert case["tags"] == ["a\x85b"]


def test_the_table_is_written_when_stdout_cannot_encode_a_title(tmp_path, monkeypatch):
    # A Windows pipe writes cp1252: a Chinese title has no byte there, and must not end in a traceback.
    library = tmp_path / "dialogues"
    (library / "cases").mkdir(parents=True)
    (library / "cases" / "zh.yaml").write_text(
        "format: 1\nid: zh\ntitle: 坐骨股骨夾擠\nsource: a test\n"
        "stages:\n  - id: history\n    ask: Any injury?\n    expect: [no-trauma]\n    explain: None.\n"
        "concepts:\n  no-trauma: {label: No history of trauma}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TUTOR_DIALOGUES", str(library))
    monkeypatch.setenv("PYTHONIOENCODING", "cp1252")
    result = tutor("list", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.split("\n")[1].split()[0] == "zh"
    result = tutor("list", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["title"] == "坐骨股骨夾擠"


@needs_cases
def test_the_table_fits_80_columns_and_shows_paths_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = tutor("list", tmp_path=tmp_path)
    lines = result.stdout.rstrip("\n").splitlines()
    assert max(cells(line) for line in lines) < 80
    assert "PATH" not in lines[0] and ".yaml" not in result.stdout
    assert all(len(line.split()) > 2 for line in lines)  # one row a case, no wrapped remainders
    with_paths = tutor("list", "--paths", tmp_path=tmp_path)
    assert "PATH" in with_paths.stdout.splitlines()[0] and ".yaml" in with_paths.stdout
