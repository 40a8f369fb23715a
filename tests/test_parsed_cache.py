"""The cache of parsed cases, shared files, indexes and check findings: a shortcut, never a source of truth."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tutor.cases import library, loading, parsed_cache
from tutor.cases.checker import check_paths
from tutor.grading import CaseGrader

CASE = textwrap.dedent("""\
    format: 1
    id: cached-case
    title: A case read once
    source: Invented for the cache tests
    stages:
      - id: diagnosis
        ask: What is the diagnosis?
        expect: [ifi]
        explain: Ischiofemoral impingement.
        examples:
          - {answer: "ischiofemoral impingement", matches: [ifi]}
    """)


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(cache))
    forget_this_process()
    return cache


def forget_this_process():
    """As if a new `tutor` process started: nothing kept in memory."""
    library._case_cache.clear()
    library._shared_cache.clear()
    library._shared_key.clear()


def count_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = library.load_case_file

    def reading(path, shared=None):
        reads.append(str(path))
        return real(path, shared)

    monkeypatch.setattr(library, "load_case_file", reading)
    return reads


def test_a_second_run_reads_no_yaml_and_an_edited_file_is_read_again(own_cache, tmp_path, monkeypatch):
    case_file = tmp_path / "cached.yaml"
    case_file.write_text(CASE, encoding="utf-8")
    reads = count_reads(monkeypatch)
    first = library.load_case(str(case_file))
    forget_this_process()
    again = library.load_case(str(case_file))
    assert len(reads) == 1
    assert again == first and again.title == "A case read once"

    case_file.write_text(CASE.replace("A case read once", "A case read twice"), encoding="utf-8")
    forget_this_process()
    assert library.load_case(str(case_file)).title == "A case read twice"
    assert len(reads) == 2


def test_a_broken_file_is_remembered_as_broken_and_fixed_when_fixed(own_cache, tmp_path):
    case_file = tmp_path / "broken.yaml"
    case_file.write_text(CASE.replace("title: A case read once\n", ""), encoding="utf-8")
    for _ in range(2):
        forget_this_process()
        with pytest.raises(loading.CaseError, match="missing `title`"):
            library.load_case(str(case_file))
    case_file.write_text(CASE + "summary: now whole\n", encoding="utf-8")
    forget_this_process()
    assert library.load_case(str(case_file)).summary == "now whole"


def test_a_corrupt_or_foreign_cache_is_a_miss(own_cache, tmp_path, monkeypatch):
    case_file = tmp_path / "cached.yaml"
    case_file.write_text(CASE, encoding="utf-8")
    library.load_case(str(case_file))
    CaseGrader(library.load_case(str(case_file)))
    check_paths([str(case_file)])
    entries = list((own_cache / "parsed").glob("*.json"))
    assert {e.name.split("-")[0] for e in entries} >= {"case", "shared", "check"}
    damage = [b"", b"\x80\x05garbage", b"not json at all", b'{"key": 1, "value": {"$": "system"}}',
              b'{"key": {"$t": []}, "value": {"$": "Popen", "args": "rm"}}']
    for number, entry in enumerate(entries):
        entry.write_bytes(damage[number % len(damage)])
    forget_this_process()
    reads = count_reads(monkeypatch)
    case = library.load_case(str(case_file))
    assert case.title == "A case read once" and len(reads) == 1
    assert CaseGrader(case).grade("diagnosis", "IFI").matched == ("ifi",)
    assert check_paths([str(case_file)]).errors == []


def test_only_the_tutors_own_dataclasses_are_read_back():
    with pytest.raises(KeyError):
        parsed_cache.decode({"$": "Popen", "args": ["rm", "-rf", "/"]})
    problem = loading.Problem("a.yaml", 3, "text")
    assert parsed_cache.decode(parsed_cache.encode((problem,))) == (problem,)


def test_a_cache_folder_that_cannot_be_written_costs_only_speed(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(not_a_folder))
    case_file = tmp_path / "cached.yaml"
    case_file.write_text(CASE, encoding="utf-8")
    forget_this_process()
    assert library.load_case(str(case_file)).id == "cached-case"
    assert CaseGrader(library.load_case(str(case_file))).grade("diagnosis", "IFI").credit == 1.0


def test_check_findings_are_kept_and_follow_an_edit(own_cache, tmp_path):
    case_file = tmp_path / "cached.yaml"
    case_file.write_text(CASE, encoding="utf-8")
    assert check_paths([str(case_file)]).errors == []
    forget_this_process()
    assert check_paths([str(case_file)]).errors == []
    assert any(e.name.startswith("check-") for e in (own_cache / "parsed").iterdir())
    case_file.write_text(CASE.replace("matches: [ifi]", "matches: []"), encoding="utf-8")
    forget_this_process()
    [problem] = check_paths([str(case_file)]).errors
    assert problem.line == 11 and "should match []" in problem.message


def test_a_changed_tutor_reads_everything_again(own_cache, tmp_path, monkeypatch):
    case_file = tmp_path / "cached.yaml"
    case_file.write_text(CASE, encoding="utf-8")
    library.load_case(str(case_file))
    forget_this_process()
    monkeypatch.setattr(parsed_cache, "code_fingerprint", lambda: ("another version",))
    reads = count_reads(monkeypatch)
    library.load_case(str(case_file))
    assert len(reads) == 1


def test_listing_an_unchanged_library_reads_no_case_and_an_edit_shows(own_cache, tmp_path, monkeypatch):
    folder = tmp_path / "teaching"
    folder.mkdir()
    (folder / "cached.yaml").write_text(CASE, encoding="utf-8")
    (folder / "broken.yaml").write_text(CASE.replace("title: A case read once\n", ""), encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", str(folder))
    first = {e.id: (e.title, bool(e.problems)) for e in library.list_cases()}
    forget_this_process()
    reads = count_reads(monkeypatch)
    again = {e.id: (e.title, bool(e.problems)) for e in library.list_cases()}
    assert again == first and reads == []
    assert again["cached-case"] == ("A case read once", False) and again["broken"][1]
    (folder / "cached.yaml").write_text(CASE.replace("A case read once", "Renamed"), encoding="utf-8")
    forget_this_process()
    assert {e.id: e.title for e in library.list_cases()}["cached-case"] == "Renamed"
    assert [Path(r).name for r in reads] == ["cached.yaml"]
