"""`tutor grade` keeps a prepared case on disk; it must grade exactly as a fresh one does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tutor.cases.library import load_case
from tutor.grading import CaseGrader
from tutor.prepared import cache_dir, prepared_grader

ANSWERS = [("history", "no trauma, long strides hurt"), ("findings", "QF oedema, IFS 11mm, 股方肌水腫"),
           ("differential", "r/o neoplasm, PHT less likely"), ("diagnosis", "IFI > PHT")]


def grades(grader):
    return [grader.grade(stage, answer).to_json() for stage, answer in ANSWERS]


def test_a_prepared_case_grades_as_a_fresh_one():
    fresh = grades(CaseGrader(load_case("ifi-classic")))
    first = prepared_grader("ifi-classic")  # prepares and stores
    assert list(cache_dir().glob("case-*.json"))
    second = prepared_grader("ifi-classic")  # read back from the cache
    assert grades(first) == fresh
    assert grades(second) == fresh
    assert second.index is not first.index


def test_an_edited_case_file_is_prepared_again(tmp_path):
    source = Path(load_case("ifi-classic").path)
    copy = tmp_path / "dialogues" / "cases" / "mine.yaml"
    copy.parent.mkdir(parents=True)
    shutil.copy(source, copy)
    before = prepared_grader(str(copy))
    text = copy.read_text(encoding="utf-8").replace("title:", "title: Edited -", 1)
    copy.write_text(text, encoding="utf-8")
    after = prepared_grader(str(copy))
    assert after.case.title.startswith("Edited -") and not before.case.title.startswith("Edited -")


@pytest.mark.parametrize("content", ["not json", '{"case": {"$": "system", "command": "rm"}, "terms": []}',
                                     '{"case": 1}', "[]"])
def test_a_damaged_or_foreign_cache_is_ignored(content):
    prepared_grader("ifi-classic")
    for file in cache_dir().glob("case-*.json"):
        file.write_text(content, encoding="utf-8")
    grader = prepared_grader("ifi-classic")
    assert grader.grade("history", "no trauma").matched == ("no-trauma",)
    for file in cache_dir().glob("case-*.json"):
        assert json.loads(file.read_text(encoding="utf-8"))["case"]["$"] == "Case"  # written anew


def test_the_quick_look_ups_agree_with_the_library(tmp_path):
    from tutor.cases import library
    from tutor.prepared import _case_file, _dialogues_dir, _shared_folder

    # The quick ones name files as plain strings (they run before pathlib is imported).
    assert Path(_dialogues_dir()) == library.dialogues_dir()
    path = _case_file("ifi-classic")
    assert path is not None and Path(path) == library.resolve_case_path("ifi-classic").resolve()
    assert Path(_shared_folder(path)) == (library.dialogues_folder_of(Path(path)) or library.dialogues_dir())
    alone = tmp_path / "case.yaml"
    alone.write_text("x", encoding="utf-8")
    assert Path(_shared_folder(str(alone))) == (library.dialogues_folder_of(alone) or library.dialogues_dir())
    assert _case_file("no-such-case") is None
