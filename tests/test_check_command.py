"""`tutor check`: what an author sees when checking the library or their own files."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap

from pathlib import Path

from tutor.cli import main
from tutor.cases.library import list_cases, load_case

CASE = textwrap.dedent(
    """\
    format: 1
    id: checked-case
    title: A case to check
    source: Invented for the checker tests
    concepts:
      no-trauma:
        label: No history of trauma
        synonyms: [atraumatic, non-traumatic]
      hip-oa:
        label: Hip osteoarthritis
        synonyms: [hip OA]
    stages:
      - id: history
        ask: What matters?
        expect: [no-trauma]
        misconceptions: [hip-oa]
        explain: There was no trauma.
        examples:
          - {answer: "atraumatic onset", matches: [no-trauma]}
          - {answer: "probably hip OA", matches: [hip-oa]}
          - {answer: "nothing of note", matches: []}
    """
)


def check(capsys, *paths: str) -> tuple[int, list[str], str]:
    """Exit status, the problems on stderr, and the summary. Warnings (tested in
    test_check_warnings.py) are left out of the problems and out of the summary's tail."""
    status = main(["check", *paths])
    out, err = capsys.readouterr()
    problems = [line for line in err.splitlines() if ": warning: " not in line]
    warned = len(err.splitlines()) - len(problems)
    summary = out.strip()
    if warned:
        tail = f" ({warned} warning{'s' if warned != 1 else ''})"
        assert summary.endswith(tail), summary  # the summary counts what was printed
        summary = summary[: -len(tail)]
    return status, problems, summary


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_with(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_shipped_library_is_clean(capsys):
    entries = list_cases()
    cases = [load_case(e.id) for e in entries]
    stages = sum(len(c.stages) for c in cases)
    examples = sum(len(s.examples) for c in cases for s in c.stages)
    status, err, out = check(capsys)
    assert err == []
    assert out == f"{len(cases)} cases, {stages} stages, {examples} examples: all good"
    assert status == 0


def test_a_good_file_passes_with_its_examples_run(tmp_path, capsys):
    path = write(tmp_path, "good.yaml", CASE)
    status, err, out = check(capsys, str(path))
    assert (status, err, out) == (0, [], "1 case, 1 stage, 3 examples: all good")


def test_examples_that_do_not_match_are_reported_at_their_line(tmp_path, capsys):
    text = CASE.replace('"nothing of note", matches: []', '"non-traumatic, it began slowly", matches: []').replace(
        '"atraumatic onset", matches: [no-trauma]', '"the weather was fine", matches: [no-trauma]')
    path = write(tmp_path, "examples.yaml", text)
    status, err, out = check(capsys, str(path))
    assert err == [
        f"{path}:{line_with(text, 'the weather')}: example answer 'the weather was fine' should match "
        "[no-trauma] but matched [] (missing no-trauma); why: no term of `no-trauma` is in the answer "
        "(closest: 'atraumatic', 40% alike); add the learner's words as a synonym if they mean it",
        f"{path}:{line_with(text, 'non-traumatic, it')}: example answer 'non-traumatic, it began slowly' "
        "should match [] but matched [no-trauma] (unexpected no-trauma); why: `no-trauma` is earned by "
        "'non-traumatic' (its term 'non-traumatic')",
    ]
    assert out == "1 case, 1 stage, 3 examples: 2 problems in 1 file"
    assert status == 2


def test_broken_files_get_file_line_messages_and_exit_2(tmp_path, capsys):
    empty = write(tmp_path, "empty.yaml", "")
    typo = write(tmp_path, "typo.yaml", CASE.replace("stages:", "stags:"))
    status, err, out = check(capsys, str(empty), str(typo), str(tmp_path / "missing.yaml"))
    assert err == [
        f"{empty}: the file is empty; a case file starts with `format: 1`",  # no line involved: no `:1:`
        f"{tmp_path / 'missing.yaml'}: no such file",
        f"{typo}:{line_with(CASE, 'stages:')}: unknown key `stags` in the case; did you mean `stages`?",
    ]
    assert out == "2 case files do not load (2 problems); 1 file not found"
    assert status == 2


def test_paths_are_shown_as_the_author_typed_them(tmp_path, capsys, monkeypatch):
    write(tmp_path, "drafts/bad.yaml", "format: 1\nid: Bad\n")
    monkeypatch.chdir(tmp_path)
    status, err, _ = check(capsys, "drafts")
    assert status == 2
    assert all(line.startswith("drafts/bad.yaml:") for line in err)
    assert (
        "drafts/bad.yaml:2: case id 'Bad' in the case may use only lowercase letters, digits and '-', "
        "starting with a letter or digit (for example `bad`)"
    ) in err


def test_two_files_with_one_case_id(tmp_path, capsys):
    first = write(tmp_path, "a.yaml", CASE)
    second = write(tmp_path, "b.yaml", CASE)
    status, err, _ = check(capsys, str(tmp_path))
    # At the line of the second file's `id:`.
    line = line_with(CASE, "id: checked-case")
    assert err == [f"{second}:{line}: case id `checked-case` is also used by {first}; each case needs its own id"]
    assert status == 2


def test_a_dialogues_folder_is_checked_with_its_own_shared_files(tmp_path, capsys):
    folder = tmp_path / "dialogues"
    write(folder, "lexicon.yaml", "format: 1\nconcepts:\n  hip-oa:\n    label: Hip osteoarthritis\n"
                                  "  no-trauma:\n    lable: No trauma\n")
    write(folder, "discriminators.yaml", "format: 1\ndiscriminators: {}\n")
    uses_shared = CASE.replace(
        "concepts:\n  no-trauma:\n    label: No history of trauma\n    synonyms: [atraumatic, non-traumatic]\n"
        "  hip-oa:\n    label: Hip osteoarthritis\n    synonyms: [hip OA]\n", "")
    write(folder, "cases/shared-user.yaml", uses_shared)
    status, err, out = check(capsys, str(folder))
    # The lexicon's problem is reported once, where it is; the case's uses of `no-trauma` are not blamed.
    assert err == [
        f"{folder / 'cases' / 'shared-user.yaml'}: this case uses shared definitions that have problems "
        "(reported there)",
        f"{folder / 'lexicon.yaml'}:6: unknown key `lable` in concept `no-trauma`; did you mean `label`?",
    ]
    assert status == 2


def test_a_grader_failure_is_a_problem_not_a_traceback(tmp_path, capsys, monkeypatch):
    import tutor.grading

    def broken_grade(self, stage, answer):
        raise RuntimeError("index went missing")

    monkeypatch.setattr(tutor.grading.CaseGrader, "grade", broken_grade)
    path = write(tmp_path, "case.yaml", CASE)
    status, err, _ = check(capsys, str(path))
    assert err[0] == (
        f"{path}:{line_with(CASE, 'atraumatic onset')}: example answer 'atraumatic onset' could not be graded "
        "(RuntimeError: index went missing)"
    )
    assert status == 2


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_hostile_files_from_the_command_line_never_show_a_traceback(tmp_path):
    files = {
        "bomb.yaml": alias_bomb().encode(),
        "deep.yaml": b"a: " + b"[" * 200_000 + b"]" * 200_000,
        "binary.yaml": bytes(range(256)),
        "python.yaml": b"format: 1\nid: !!python/object/apply:os.system [touch pwned]\n",
        "escape.yaml": b"format: 1\nid: \"\\e[31mred\"\ntitle: [\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "check", *files], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == sorted(files)
    assert all(re.match(r"[a-z]+\.yaml:\d+: \S", line) for line in lines), lines
    assert not (tmp_path / "pwned").exists()
    assert result.stdout.strip() == "5 case files do not load (5 problems)"


def test_one_term_in_two_concepts_is_reported_where_the_second_is_defined(tmp_path, capsys):
    # Terms compare as the matcher reads them: case and plurals folded.
    text = CASE.replace("synonyms: [atraumatic, non-traumatic]", "synonyms: [atraumatic, HIP OSTEOARTHRITIS]")
    path = write(tmp_path, "case.yaml", text)
    status, err, out = check(capsys, str(path))
    assert err == [
        f"{path}:{line_with(text, '  no-trauma:')}: concept `no-trauma` has the term 'HIP OSTEOARTHRITIS', which "
        f"concept `hip-oa` ({path}:{line_with(text, '  hip-oa:')}) also has; the tutor cannot tell which one a "
        "learner means by it, so keep it in one of them"
    ]
    assert status == 2


def test_two_labels_one_hyphen_apart_are_one_term_to_the_matcher_and_are_reported(tmp_path, capsys):
    # The matcher reads "gluteo-sciatic" also as "gluteosciatic", so either spelling finds both
    # concepts; the checker must compare terms as the matcher does, variants included.
    text = CASE.replace(
        "  hip-oa:\n    label: Hip osteoarthritis\n    synonyms: [hip OA]\n",
        "  hip-oa:\n    label: Hip osteoarthritis\n    synonyms: [hip OA]\n"
        "  band-a:\n    label: Gluteo-sciatic band\n"
        "  band-b:\n    label: Gluteosciatic band\n",
    )
    assert text != CASE
    path = write(tmp_path, "case.yaml", text)
    status, err, out = check(capsys, str(path))
    assert err == [
        f"{path}:{line_with(text, '  band-b:')}: concept `band-b` has the term 'Gluteosciatic band', which "
        f"concept `band-a` ({path}:{line_with(text, '  band-a:')}) also has; the tutor cannot tell which one a "
        "learner means by it, so keep it in one of them"
    ]
    assert status == 2


def test_a_case_file_named_alone_uses_the_lexicon_of_its_own_dialogues_folder(tmp_path, capsys):
    folder = tmp_path / "dialogues"
    write(folder, "lexicon.yaml", "format: 1\nconcepts:\n  local-only:\n    label: Only in this lexicon\n")
    case = write(folder, "cases/uses-local.yaml", CASE.replace("expect: [no-trauma]", "expect: [no-trauma, local-only]"))
    status, err, out = check(capsys, str(case))
    assert (status, err, out) == (0, [], "1 case, 1 stage, 3 examples: all good")


def test_a_case_that_checks_clean_in_its_own_dialogues_folder_also_grades_and_plays(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "dialogues"
    write(folder, "lexicon.yaml", "format: 1\nconcepts:\n  local-only:\n    label: Only in this lexicon\n")
    case = write(folder, "cases/uses-local.yaml", CASE.replace("expect: [no-trauma]", "expect: [no-trauma, local-only]"))
    assert check(capsys, str(case))[0] == 0
    status = main(["grade", str(case), "--stage", "history", "--answer", "atraumatic, only in this lexicon"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert json.loads(out)["matched"] == ["no-trauma", "local-only"]
    monkeypatch.setattr("sys.stdin", io.StringIO("atraumatic, only in this lexicon\n"))
    status = main(["play", str(case)])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert "That completes this stage." in out and out.rstrip().endswith("Score: 100%")


def test_a_yaml_file_that_is_not_a_case_gets_one_line_not_a_flood(tmp_path, capsys):
    other = write(tmp_path, "settings.yaml", "# some other tool's file\ntheme: dark\nwidth: 80\n")
    write(tmp_path, ".hidden/ignored.yaml", "not: a case\n")
    status, err, out = check(capsys, str(tmp_path))
    assert err == [
        f"{other}:2: this does not look like a case file: it has none of the case keys (format, id, title, "
        "source, stages, ...)"  # and never quotes what the file holds (it may be anyone's file)
    ]
    assert status == 2


def test_text_cut_short_by_a_hash_is_reported(tmp_path):
    import subprocess
    import sys

    example = Path(__file__).resolve().parents[2] / "shared" / "examples" / "format-example.yaml"
    assert example.exists(), f"the format page's example is not at {example} (shared/ beside the repo)"
    text = example.read_text(encoding="utf-8").replace(
        "explain: The model answer, shown when the stage ends.", "explain: The pain is grade #2 worse at night."
    )
    case = tmp_path / "hash.yaml"
    case.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "tutor", "check", str(case)], capture_output=True, text=True)
    assert run.returncode == 2
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "grade #2" in row)
    assert f"{case}:{line}: the text 'The pain is grade' stops before '#2 worse at night.'" in run.stderr


def test_the_summary_says_what_was_checked_in_words_that_fit_what_happened(tmp_path, capsys):
    """Usability #28: "0 cases, 0 stages, 0 examples: 2 problems in 1 file" said nothing of what happened."""
    good = write(tmp_path, "good.yaml", CASE)
    misspelt = write(tmp_path, "misspelt.yaml", CASE.replace("id: checked-case", "id: other-case")
                     .replace("expect: [no-trauma]", "expcet: [no-trauma]"))
    status, err, out = check(capsys, str(misspelt))
    assert status == 2 and err and all(line.startswith(f"{misspelt}:") for line in err)
    assert out == f"1 case file does not load ({len(err)} problem{'s' if len(err) != 1 else ''})"

    status, err, out = check(capsys, str(good), str(misspelt))
    assert status == 2
    assert out.startswith("1 case, 1 stage, 3 examples: all good; 1 more case file does not load (")

    status, err, out = check(capsys, str(tmp_path / "nowhere.yaml"))
    assert (status, out) == (2, "1 file not found")

    (tmp_path / "empty-folder").mkdir()
    status, err, out = check(capsys, str(tmp_path / "empty-folder"))
    assert (status, err, out) == (0, [], "no case files to check")
