"""`tutor check` warnings: each on a file that shows it, at its line; `--strict` makes them fail."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tutor.cli import main

GOOD = textwrap.dedent("""\
    format: 1
    id: warned-case
    title: A case to warn about
    source: Invented for the warning tests
    concepts:
      snapping-hip:
        label: Snapping hip
        synonyms: [coxa saltans]
      positive-snap-tests:
        label: Positive snapping provocation tests
        synonyms: [positive hula hoop test]
    stages:
      - id: findings
        kind: findings
        ask: What do you find?
        expect: [positive-snap-tests]
        hints: ["Which movements bring it on?"]
        explain: The provocation tests are positive.
        examples:
          - {answer: "positive hula hoop test", matches: [positive-snap-tests]}
      - id: diagnosis
        kind: diagnosis
        ask: What is the diagnosis?
        expect: [snapping-hip]
        explain: A snapping hip.
        examples:
          - {answer: "coxa saltans", matches: [snapping-hip]}
    """)


def run_check(capsys, path: Path, *flags: str) -> tuple[int, list[str], str]:
    status = main(["check", *flags, str(path)])
    out, err = capsys.readouterr()
    return status, err.splitlines(), out.strip()


def line_with(text: str, needle: str, after: int = 0) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line and n > after)


def warned(capsys, tmp_path, text: str) -> tuple[Path, list[str]]:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    status, err, out = run_check(capsys, path)
    assert status == 0, err  # warnings alone never fail a check
    assert all(": warning: " in line for line in err)
    assert out.endswith(f"all good ({len(err)} warning{'s' if len(err) != 1 else ''})") or not err
    return path, err


def test_the_good_file_has_no_warnings(tmp_path, capsys):
    path, err = warned(capsys, tmp_path, GOOD)
    assert err == []


def test_a_concept_with_no_synonyms(tmp_path, capsys):
    text = GOOD.replace("    synonyms: [coxa saltans]\n", "").replace('"coxa saltans"', '"snapping hip"')
    path, err = warned(capsys, tmp_path, text)
    assert err == [f"{path}:{line_with(text, 'snapping-hip:')}: warning: concept `snapping-hip` has no synonyms: "
                   "only its label 'Snapping hip' is recognised; add the other ways learners say it "
                   "(abbreviations, spellings, plain words)"]


def test_a_one_word_synonym_that_is_part_of_longer_phrases(tmp_path, capsys):
    text = GOOD.replace("synonyms: [coxa saltans]", "synonyms: [coxa saltans, provocation]")
    path, err = warned(capsys, tmp_path, text)
    [message] = err
    assert message.startswith(f"{path}:{line_with(text, 'coxa saltans, provocation')}: warning: the one-word "
                              "synonym 'provocation' of `snapping-hip` is also a word of ")
    assert "any answer that uses the word credits `snapping-hip`" in message


def test_a_test_name_where_a_finding_is_meant(tmp_path, capsys):
    text = GOOD.replace("synonyms: [positive hula hoop test]", "synonyms: [positive hula hoop test, Freiberg test]")
    path, err = warned(capsys, tmp_path, text)
    assert err == [f"{path}:{line_with(text, 'Freiberg test')}: warning: 'Freiberg test' names a test, but "
                   "`positive-snap-tests` is a finding ('Positive snapping provocation tests'): a learner who only "
                   "names the test would be credited with its result; write the result "
                   "(e.g. 'positive Freiberg test')"]


def test_a_hint_that_gives_the_model_answer_away(tmp_path, capsys):
    text = GOOD.replace('hints: ["Which movements bring it on?"]', "hints: [The provocation tests are positive.]")
    path, err = warned(capsys, tmp_path, text)
    assert err == [f"{path}:{line_with(text, 'hints: [The provocation')}: warning: a hint of stage `findings` gives "
                   "the model answer (`explain`) away; a hint should narrow the search without naming the answer"]


def test_a_misconception_that_another_stage_expects(tmp_path, capsys):
    text = GOOD.replace("    expect: [positive-snap-tests]\n",
                        "    expect: [positive-snap-tests]\n    misconceptions: [snapping-hip]\n")
    path, err = warned(capsys, tmp_path, text)
    assert err == [f"{path}:{line_with(text, 'misconceptions: [snapping-hip]')}: warning: `snapping-hip` is a "
                   "misconception in stage `findings` but expected in stage `diagnosis`: a learner is told off "
                   "here for what that stage credits; if that is meant, say why in its feedback"]


def test_a_misconception_that_another_stage_expects_is_fine_once_its_feedback_says_why(tmp_path, capsys):
    text = GOOD.replace("    expect: [positive-snap-tests]\n",
                        "    expect: [positive-snap-tests]\n    misconceptions:\n"
                        "      - {concept: snapping-hip, feedback: Not yet - first say what the tests showed.}\n")
    path, err = warned(capsys, tmp_path, text)
    assert err == []


def test_an_expected_concept_no_example_exercises(tmp_path, capsys):
    text = GOOD.replace('      - {answer: "coxa saltans", matches: [snapping-hip]}\n', "")
    text = text.replace("    explain: A snapping hip.\n    examples:\n", "    explain: A snapping hip.\n")
    path, err = warned(capsys, tmp_path, text)
    assert err == [f"{path}:{line_with(text, '- id: diagnosis')}: warning: stage `diagnosis` has no examples "
                   "`snapping-hip`; add an example answer that names each (`examples:` with `matches:`), so "
                   "`tutor check` shows the matcher finds it"]


def test_strict_makes_warnings_fail(tmp_path, capsys):
    text = GOOD.replace("synonyms: [positive hula hoop test]", "synonyms: [positive hula hoop test, Freiberg test]")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    assert run_check(capsys, path)[0] == 0
    status, err, out = run_check(capsys, path, "--strict")
    assert status == 2 and len(err) == 1 and out.endswith("all good (1 warning)")
    path.write_text(GOOD, encoding="utf-8")
    assert run_check(capsys, path, "--strict")[0] == 0


def test_a_failing_example_says_why_when_the_answer_denies_the_concept(tmp_path, capsys):
    text = GOOD.replace('{answer: "coxa saltans", matches: [snapping-hip]}',
                        '{answer: "no coxa saltans", matches: [snapping-hip]}')
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    status, err, out = run_check(capsys, path)
    assert status == 2
    assert err == [f"{path}:{line_with(text, 'no coxa saltans')}: example answer 'no coxa saltans' should match "
                   "[snapping-hip] but matched [] (missing snapping-hip); why: `snapping-hip` is mentioned only "
                   "to deny it"]


def test_the_shipped_library_s_own_warnings_show_only_when_it_is_named(capsys):
    from tutor.cases.library import dialogues_dir

    assert main(["check"]) == 0
    out_err = capsys.readouterr()
    assert ": warning: " not in out_err.err and out_err.out.strip().endswith("all good")
    status = main(["check", str(dialogues_dir())])
    named = capsys.readouterr()
    assert status == 0
    # Whatever the shipped cases carry is listed and counted when the folder is named.
    warned = [line for line in named.err.splitlines() if ": warning: " in line]
    assert named.out.strip().endswith(f"({len(warned)} warning{'s' if len(warned) != 1 else ''})" if warned
                                      else "all good")


def test_every_expected_concept_of_the_shipped_cases_has_an_example_the_matcher_finds(capsys):
    from tutor.cases.library import dialogues_dir

    # Named, the shipped folder shows its own warnings; a stage whose expected concept no example
    # names would be one, and a failing example an error (status 2).
    status = main(["check", str(dialogues_dir() / "cases")])
    err = capsys.readouterr().err
    assert status == 0, err
    assert [line for line in err.splitlines() if "has no example" in line] == []


def test_a_one_word_synonym_is_no_risk_where_its_stage_grades_the_longer_phrase_too(tmp_path, capsys):
    """The matcher takes the longest term: in a stage that grades both concepts, the longer phrase
    earns its own concept, so the warning holds only for a stage that grades the short one alone."""
    text = GOOD.replace("synonyms: [coxa saltans]", "synonyms: [coxa saltans, provocation]")
    both = text.replace("    expect: [snapping-hip]\n",
                        "    expect: [snapping-hip]\n"
                        "    misconceptions: [{concept: positive-snap-tests, feedback: 'A finding, not the diagnosis.'}]\n")
    assert both != text
    path, err = warned(capsys, tmp_path, both)
    assert err == []
    # Graded alone in the diagnosis stage, the warning names that stage and the way out.
    path, err = warned(capsys, tmp_path, text)
    [message] = err
    assert ("(`positive-snap-tests`): in stage `diagnosis`, which does not grade `positive-snap-tests`, any answer "
            "that uses the word credits `snapping-hip`") in message
    assert message.endswith("or grade `positive-snap-tests` in that stage too")


def test_an_example_with_the_longer_phrase_shows_the_author_meant_it(tmp_path, capsys):
    """The guide's way to keep such a synonym: an example answer of that stage with the longer
    phrase, listing the concept it earns; `tutor check` then checks it instead of warning."""
    text = GOOD.replace("synonyms: [coxa saltans]", "synonyms: [coxa saltans, provocation]")
    shown = text.replace('      - {answer: "coxa saltans", matches: [snapping-hip]}\n',
                         '      - {answer: "coxa saltans", matches: [snapping-hip]}\n'
                         '      - {answer: "snapping provocation tests positive", matches: [snapping-hip]}\n')
    assert shown != text
    path, err = warned(capsys, tmp_path, shown)
    assert err == []
    # An example that does not list the concept is no such sign: the warning stays.
    unlisted = shown.replace("tests positive\", matches: [snapping-hip]", "tests positive\", matches: []")
    path.write_text(unlisted, encoding="utf-8")
    status, err, out = run_check(capsys, path)
    assert any("one-word synonym 'provocation'" in line for line in err)
