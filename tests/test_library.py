"""The case library: finding cases by id or path, listing them, and the shared lexicon."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tutor
from tutor.cases.library import dialogues_dir, list_cases, load_case, resolve_case_path
from tutor.cases.loading import CaseError

LEXICON = """\
format: 1
concepts:
  hip-oa:
    label: Hip osteoarthritis
    synonyms: [hip OA]
  no-trauma:
    label: No history of trauma
    synonyms: [atraumatic]
"""

DISCRIMINATORS = """\
format: 1
discriminators:
  oa-vs-trauma:
    between: [hip-oa, no-trauma]
    points: [Only here to be shared.]
"""


def case_text(case_id: str, title: str, difficulty: int = 1, tags: str = "[hip]") -> str:
    return textwrap.dedent(
        f"""\
        format: 1
        id: {case_id}
        title: {title}
        summary: One line about {case_id}
        tags: {tags}
        difficulty: {difficulty}
        source: Invented for the library tests
        stages:
          - id: history
            ask: What matters?
            expect: [no-trauma]
            explain: There was no trauma.
          - id: diagnosis
            ask: Diagnosis?
            expect: [hip-oa]
            explain: Hip osteoarthritis.
        """
    )


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    """A small library of its own, in place of the shipped one."""
    folder = tmp_path / "dialogues"
    (folder / "cases").mkdir(parents=True)
    (folder / "lexicon.yaml").write_text(LEXICON, encoding="utf-8")
    (folder / "discriminators.yaml").write_text(DISCRIMINATORS, encoding="utf-8")
    (folder / "cases" / "easy-one.yaml").write_text(case_text("easy-one", "Zebra hip", 1), encoding="utf-8")
    (folder / "cases" / "hard-one.yaml").write_text(case_text("hard-one", "Alpha hip", 3, "[hip, mri]"),
                                                    encoding="utf-8")
    # A file whose name is not its id is still found by its id.
    (folder / "cases" / "misc.yaml").write_text(case_text("middle-one", "Middle hip", 2), encoding="utf-8")
    monkeypatch.setenv("TUTOR_DIALOGUES", str(folder))
    return folder


def test_the_shipped_dialogues_are_found_in_the_repo():
    folder = dialogues_dir()
    assert folder == Path(tutor.__file__).resolve().parent.parent / "dialogues"
    assert (folder / "cases").is_dir()


def test_the_environment_overrides_where_dialogues_are(library):
    assert dialogues_dir() == library


def test_an_installed_package_uses_the_dialogues_inside_it(tmp_path):
    # The wheel carries the repo's dialogues/ as tutor/dialogues; copy the package the same way.
    package = tmp_path / "site" / "tutor"
    shutil.copytree(Path(tutor.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "dialogues" / "cases").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "TUTOR_DIALOGUES"}
    env["PYTHONPATH"] = str(tmp_path / "site")
    out = subprocess.run(
        [sys.executable, "-c", "from tutor.cases.library import dialogues_dir; print(dialogues_dir())"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )
    assert out.stdout.strip() == str(package / "dialogues")


def test_list_cases_gives_each_case_sorted_by_difficulty(library):
    entries = list_cases()
    assert [(e.id, e.title, e.difficulty) for e in entries] == [
        ("easy-one", "Zebra hip", 1), ("middle-one", "Middle hip", 2), ("hard-one", "Alpha hip", 3),
    ]
    hard = entries[2]
    assert hard.summary == "One line about hard-one"
    assert hard.tags == ("hip", "mri")
    assert hard.path == library / "cases" / "hard-one.yaml"
    assert all(e.problems == () for e in entries)


def test_a_broken_case_is_listed_with_its_problems(library):
    broken = library / "cases" / "broken.yaml"
    broken.write_text("format: 1\nid: broken\n", encoding="utf-8")
    entry = next(e for e in list_cases() if e.path == broken)
    assert entry.id == "broken"
    assert entry.title == "broken (cannot be loaded)"
    assert [p.message for p in entry.problems] == [
        "the case is missing `title` (the title shown in the case list)",
        "the case is missing `source` (where the clinical facts come from)",
        "the case is missing `stages` (the list of stages, played in order)",
    ]


def test_load_case_by_id_merges_the_shared_lexicon(library):
    case = load_case("hard-one")
    assert case.title == "Alpha hip"
    assert case.concepts["hip-oa"].label == "Hip osteoarthritis"
    assert case.discriminators["oa-vs-trauma"].between == ("hip-oa", "no-trauma")


def test_load_case_by_an_id_that_is_not_the_file_name(library):
    assert load_case("middle-one").title == "Middle hip"
    assert resolve_case_path("middle-one") == library / "cases" / "misc.yaml"


def test_load_case_by_path_outside_the_library(library, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(case_text("my-own", "Mine"), encoding="utf-8")
    case = load_case(str(path))
    assert case.id == "my-own"
    assert case.concepts["no-trauma"].synonyms == ("atraumatic",)  # shared lexicon still applies


def test_an_unknown_id_gets_one_did_you_mean_or_where_to_see_the_cases(library):
    with pytest.raises(CaseError) as caught:
        load_case("hard-on")
    # No file and no line is involved: `id: message`, one suggestion, not a list after it.
    assert str(caught.value) == "hard-on: no case with id `hard-on` and no such file; did you mean `hard-one`?"
    with pytest.raises(CaseError) as caught:
        load_case("zebra")
    assert str(caught.value) == "zebra: no case with id `zebra` and no such file; `tutor list` shows the 3 cases"


def test_a_missing_path_and_a_folder(library, tmp_path):
    with pytest.raises(CaseError) as caught:
        load_case(str(tmp_path / "nope.yaml"))
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"
    with pytest.raises(CaseError) as caught:
        load_case(str(library) + "/")
    assert str(caught.value) == f"{library}/: this is a folder, not a case file"
    with pytest.raises(CaseError) as caught:
        load_case("notes.txt")  # a name with a dot is a file, never a case id
    assert str(caught.value) == "notes.txt: no such file"


def test_a_broken_shared_lexicon_stops_every_case_with_its_own_line(library):
    (library / "lexicon.yaml").write_text(LEXICON.replace("label: Hip osteoarthritis", "label: [a, b]"),
                                          encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load_case("easy-one")
    assert [str(p) for p in caught.value.problems] == [
        f"{library / 'lexicon.yaml'}:4: `label` in concept `hip-oa` must be text, got a list"
    ]


def test_cases_are_read_once_and_again_when_edited(library):
    first = load_case("easy-one")
    assert load_case("easy-one") is first
    path = library / "cases" / "easy-one.yaml"
    path.write_text(case_text("easy-one", "Zebra hip, revised"), encoding="utf-8")
    assert load_case("easy-one").title == "Zebra hip, revised"
    assert [e.title for e in list_cases()][0] == "Zebra hip, revised"


def test_every_shipped_case_loads_by_its_id():
    entries = list_cases()
    assert entries, "the shipped library has no cases"
    for entry in entries:
        assert entry.problems == (), [str(p) for p in entry.problems]
        case = load_case(entry.id)
        assert (case.id, case.title) == (entry.id, entry.title)


def test_the_start_of_an_id_is_enough_for_a_suggestion():
    import pytest

    from tutor.cases.library import list_cases, load_case
    from tutor.cases.problems import CaseError

    with pytest.raises(CaseError) as caught:
        load_case("ifi")
    # Every shipped id that starts with "ifi" (or has it as a word) is offered, when there are a few.
    starting = sorted(e.id for e in list_cases() if e.id.startswith("ifi") or "ifi" in e.id.split("-"))
    assert "ifi-classic" in starting and len(starting) <= 3
    offered = [f"`{i}`" for i in starting]
    one_question = offered[0] if len(offered) == 1 else ", ".join(offered[:-1]) + " or " + offered[-1]
    assert str(caught.value.problems[0]).endswith(f"; did you mean {one_question}?")
    with pytest.raises(CaseError) as caught:
        load_case("ifi-cl")
    assert "did you mean `ifi-classic`?" in str(caught.value.problems[0])


def test_the_library_filter_finds_a_case_by_shorthand_for_what_it_is_about():
    """Usability #18: "avn" found nothing, though three TOH cases are about telling it from AVN."""
    from tutor.cases.library import list_cases
    from tutor.tui.home import LibraryRow, matches

    rows = [LibraryRow(entry, None, None, False) for entry in list_cases()]

    def found(query: str) -> set[str]:
        return {row.case_id for row in rows if matches(row, query, frozenset())}

    toh = {"toh-man-vs-onfh", "toh-pregnancy", "toh-recurrent"}
    assert found("avn") == found("AVN") == found("avascular necrosis") == found("osteonecrosis") == toh
    assert found("transient osteoporosis") == toh
    assert "ifi-classic" in found("ischiofemoral impingement") and "ifi-classic" in found("IFI")
    assert "hamstring-tendinopathy-bursitis" in found("PHT")
    assert found("avn zebra") == set()
    # As typed, each word starts a word of the case: "man" is not found inside "woman".
    assert "toh-pregnancy" not in found("man") and "toh-man-vs-onfh" in found("man")
    assert found("pirif") == found("piriformis") != set()
