"""`tutor grade` keeps a prepared case on disk; it must grade exactly as a fresh one does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tutor.cases.library import load_case
from tutor.grading import CaseGrader
from tutor.prepared import _keep, _read_kept, cache_dir, prepared_grader

ANSWERS = [("history", "no trauma, long strides hurt"), ("findings", "QF oedema, IFS 11mm, 股方肌水腫"),
           ("differential", "r/o neoplasm, PHT less likely"), ("diagnosis", "IFI > PHT")]


def grades(grader):
    return [grader.grade(stage, answer).to_json() for stage, answer in ANSWERS]


def test_a_prepared_case_grades_as_a_fresh_one():
    fresh = grades(CaseGrader(load_case("ifi-classic")))
    first = prepared_grader("ifi-classic")  # prepares and stores
    assert list(cache_dir().glob("case-*.prepared"))
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


def kept(file: Path) -> dict:
    return _read_kept(str(file))


def keep(file: Path, data: object) -> None:
    """Write `data` as the tutor writes a prepared case: header and CRC right, whatever it holds."""
    _keep(str(file), data)  # type: ignore[arg-type]


@pytest.mark.parametrize("content", [
    "not json", '{"case": {"$": "system", "command": "rm"}, "terms": []}', '{"case": 1}', "[]",
    {"case": {"$": "system", "command": "rm"}, "terms": []}, {"case": 1}, [], "a string", None,
])
def test_a_damaged_or_foreign_cache_is_ignored(content):
    prepared_grader("ifi-classic")
    for file in cache_dir().glob("case-*.prepared"):
        if isinstance(content, str) and content != "a string":  # not even the tutor's header: another format
            file.write_text(content, encoding="utf-8")
        else:  # whole, as the tutor writes its files, yet not a prepared case
            keep(file, content)
    grader = prepared_grader("ifi-classic")
    assert grader.grade("history", "no trauma").matched == ("no-trauma",)
    for file in cache_dir().glob("case-*.prepared"):
        assert kept(file)["case"]["$"] == "Case"  # written anew


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


# -- what start-up leaves out or puts off must not change a grade ------------------------------


NEWAUTHOR_CASES = Path(__file__).parent / "newauthor" / "cases"


def corpus_by_case() -> dict[str, list]:
    """The labelled answers of the shipped cases and of the new-author dev cases (by path)."""
    from tutor.evaluation import read_corpus

    by_case: dict[str, list] = {}
    for item in read_corpus(Path(__file__).parent / "corpus"):
        by_case.setdefault(item.case_ref, []).append(item)
    for item in read_corpus(Path(__file__).parent / "newauthor" / "answers"):
        by_case.setdefault(str(NEWAUTHOR_CASES / f"{item.case_ref}.yaml"), []).append(item)
    return by_case


@pytest.mark.parametrize("ref", sorted(ref for ref in corpus_by_case() if ref != "format-example"))
def test_every_labelled_answer_grades_the_same_from_the_prepared_case(ref):
    fresh = prepared_grader(ref)  # prepares: built from the YAML, as the engine builds it
    kept = prepared_grader(ref)  # read back from the cache, relation concepts and all
    assert kept.index is not fresh.index
    assert kept.relation_concepts() == fresh.relation_concepts()
    assert kept.alone_concepts() == fresh.alone_concepts()
    for item in corpus_by_case()[ref]:
        assert kept.grade(item.stage, item.answer).to_json() == fresh.grade(item.stage, item.answer).to_json(), item


def test_a_prepared_case_keeps_which_concepts_are_a_relation():
    fresh = CaseGrader(load_case("ifi-classic"))
    relations = fresh.relation_concepts()
    assert "lesser-trochanter-resection-if-refractory" in relations  # "... only if conservative care fails"
    prepared_grader("ifi-classic")
    kept = prepared_grader("ifi-classic")
    assert kept.relation_concepts() == relations
    answer = "physio first, lesser trochanter resection if conservative treatment fails"
    assert kept.grade("management", answer).to_json() == fresh.grade("management", answer).to_json()


@pytest.mark.parametrize("relations", ['5', '"lesser-trochanter-resection-if-refractory"', '[1, 2]', '{"a": 1}',
                                       'null'])
def test_a_damaged_list_of_relations_is_not_used(relations):
    answers = [*ANSWERS, ("management", "physio first, lesser trochanter resection if conservative treatment fails")]
    fresh = CaseGrader(load_case("ifi-classic"))
    expected = [fresh.grade(stage, answer).to_json() for stage, answer in answers]
    assert "lesser-trochanter-resection-if-refractory" in expected[-1]["matched"]
    prepared_grader("ifi-classic")
    for file in cache_dir().glob("case-*.prepared"):
        data = kept(file)
        data["relations"] = data["alone"] = json.loads(relations)
        keep(file, data)
    grader = prepared_grader("ifi-classic")
    assert [grader.grade(stage, answer).to_json() for stage, answer in answers] == expected


def test_side_data_is_read_only_for_the_concepts_an_answer_names_beside_the_other_side():
    case = load_case("ifi-classic")
    assert case.side == "right"
    grader = CaseGrader(case)
    grader.grade("findings", "QF edema, IFS 11 mm")
    assert "_about_the_other_side" not in grader.__dict__  # no clause names the left side
    said = grader.grade("findings", "QF edema on the left, IFS 11 mm")
    assert "qf-edema" not in said.matched  # said of the other hip only
    assert set(grader.__dict__["_about_the_other_side"]) <= {m.concept for m in grader.mentions(
        "QF edema on the left, IFS 11 mm").mentions}


def test_preparing_a_case_again_replaces_its_old_file(tmp_path):
    source = Path(load_case("ifi-classic").path)
    copy = tmp_path / "dialogues" / "cases" / "mine.yaml"
    copy.parent.mkdir(parents=True)
    shutil.copy(source, copy)
    prepared_grader(str(copy))
    prepared_grader("ifi-classic")
    assert len(list(cache_dir().glob("case-*.prepared"))) == 2  # one per case file
    for edit in range(3):
        copy.write_text(copy.read_text(encoding="utf-8").replace("title:", f"title: Edit {edit} -", 1),
                        encoding="utf-8")
        assert prepared_grader(str(copy)).case.title.startswith(f"Edit {edit} -")
    assert len(list(cache_dir().glob("case-*.prepared"))) == 2
