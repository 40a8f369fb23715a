"""The case loader: what an author sees for each kind of mistake, and that no file can crash it."""

from __future__ import annotations

import re
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.cases.loading import CaseError, Problem, SharedDefinitions, load_case_bytes, load_case_file, load_shared
from tutor.cases import safe_yaml
from tutor.cli import main
from tutor.cases.library import list_cases, load_case
from tutor.cases.problems import report_problems

CASE = textwrap.dedent(
    """\
    format: 1
    id: demo-case
    title: Buttock pain in a runner
    summary: Chronic posterior hip pain
    tags: [hip, mri]
    difficulty: 2
    time_limit: 600
    source: Invented for the loader tests
    intro: |
      A **40-year-old** runner with buttock pain.

    concepts:
      ifi:
        label: Ischiofemoral impingement
        synonyms: [IFI, ischio-femoral impingement]
      no-trauma:
        label: No history of trauma
        synonyms: [atraumatic]
      hamstring-tendinopathy:
        label: Proximal hamstring tendinopathy
        synonyms: [hamstring tendinosis]

    discriminators:
      ifi-vs-hamstring:
        between: [ifi, hamstring-tendinopathy]
        why_confused: Both hurt near the ischial tuberosity.
        points:
          - IFI narrows the space between ischium and femur.
        trap: They can coexist.

    stages:
      - id: history
        kind: history
        present: She runs 40 km a week.
        ask: Which features of this history matter?
        expect:
          - no-trauma
          - {concept: ifi, required: true, weight: 2, feedback: Well spotted.}
        pass: 2
        misconceptions:
          - {concept: hamstring-tendinopathy, discriminator: ifi-vs-hamstring}
        hints: [Think about the gait.]
        attempts: 4
        explain: No trauma; pain on long strides.
        examples:
          - {answer: "atraumatic", matches: [no-trauma]}
      - id: diagnosis
        kind: diagnosis
        ask: What is the diagnosis?
        expect: [ifi]
        explain: Ischiofemoral impingement.
    """
)


def problems_of(text: str, tmp_path: Path, shared: SharedDefinitions | None = None) -> list[str]:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        load_case_file(path, shared)
    return [str(p) for p in caught.value.problems]


def line_with(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def expect_one(text: str, tmp_path: Path, needle: str, message: str, occurrence: int = 1) -> None:
    """The file has exactly one problem, on the line holding `needle`, with exactly `message`."""
    path = tmp_path / "case.yaml"
    assert problems_of(text, tmp_path) == [f"{path}:{line_with(text, needle, occurrence)}: {message}"]


# -- a valid case ---------------------------------------------------------------


def test_a_valid_case_loads_with_every_field(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(CASE, encoding="utf-8")
    case = load_case_file(path)

    assert (case.id, case.title, case.source) == ("demo-case", "Buttock pain in a runner", "Invented for the loader tests")
    assert case.summary == "Chronic posterior hip pain"
    assert case.tags == ("hip", "mri")
    assert (case.difficulty, case.time_limit) == (2, 600)
    assert case.intro == "A **40-year-old** runner with buttock pain."
    assert case.path == str(path)
    assert case.concepts["ifi"].synonyms == ("IFI", "ischio-femoral impingement")
    assert case.concepts["ifi"].origin == f"{path}:{line_with(CASE, '  ifi:')}"
    disc = case.discriminators["ifi-vs-hamstring"]
    assert disc.between == ("ifi", "hamstring-tendinopathy")
    assert disc.points == ("IFI narrows the space between ischium and femur.",) and disc.trap == "They can coexist."

    history, diagnosis = case.stages
    assert history.line == line_with(CASE, "- id: history")
    assert history.present == "She runs 40 km a week."
    assert history.expected_ids == ("no-trauma", "ifi")
    short, full = history.expect
    assert (short.weight, short.required, short.feedback) == (1.0, False, None)
    assert (full.weight, full.required, full.feedback) == (2.0, True, "Well spotted.")
    assert history.pass_count == 2 and history.attempts == 4
    assert history.misconceptions[0].discriminator == "ifi-vs-hamstring"
    assert history.hints == ("Think about the gait.",)
    assert history.examples[0].answer == "atraumatic"
    assert history.examples[0].matches == ("no-trauma",)
    assert history.examples[0].line == line_with(CASE, '{answer: "atraumatic"')
    assert diagnosis.attempts == 3 and diagnosis.present is None


def test_pass_defaults_to_the_required_count_or_one(tmp_path):
    text = CASE.replace("    pass: 2\n", "")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    history, diagnosis = load_case_file(path).stages
    assert history.pass_count == 1  # one required concept
    assert diagnosis.pass_count == 1  # none required

    both_required = text.replace("      - no-trauma\n", "      - {concept: no-trauma, required: yes}\n")
    path.write_text(both_required, encoding="utf-8")
    assert load_case_file(path).stages[0].pass_count == 2


def test_the_shared_example_from_the_format_page_loads():
    example = Path(__file__).resolve().parents[2] / "shared" / "examples" / "format-example.yaml"
    assert example.exists(), f"the format page's example is not at {example} (shared/ beside the repo)"
    case = load_case_file(example)
    assert case.id == "format-example"
    assert case.stages[0].pass_count == 2


def test_numbers_and_yes_no_words_read_as_the_text_written(tmp_path):
    text = CASE.replace("synonyms: [atraumatic]", "synonyms: [atraumatic, no, 1.5, 'yes']")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_case_file(path).concepts["no-trauma"].synonyms == ("atraumatic", "no", "1.5", "yes")


def test_a_lone_synonym_or_hint_reads_as_a_list_of_one(tmp_path):
    text = CASE.replace("synonyms: [atraumatic]", "synonyms: atraumatic").replace(
        "hints: [Think about the gait.]", "hints: Think about the gait."
    )
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    case = load_case_file(path)
    assert case.concepts["no-trauma"].synonyms == ("atraumatic",)
    assert case.stages[0].hints == ("Think about the gait.",)


def test_problem_prints_as_file_line_message():
    assert str(Problem("a/b.yaml", 7, "something is wrong")) == "a/b.yaml:7: something is wrong"


# -- missing, unknown and duplicate keys -----------------------------------------------


def test_missing_required_keys_are_reported_where_their_mapping_starts(tmp_path):
    text = CASE.replace("title: Buttock pain in a runner\n", "").replace(
        "    explain: Ischiofemoral impingement.\n", ""
    )
    path = tmp_path / "case.yaml"
    assert problems_of(text, tmp_path) == [
        f"{path}:1: the case is missing `title` (the title shown in the case list)",
        f"{path}:{line_with(text, '- id: diagnosis')}: stage `diagnosis` is missing `explain` "
        "(the model answer shown when the stage ends)",
    ]


def test_an_empty_required_value_says_what_it_needs(tmp_path):
    text = CASE.replace("ask: What is the diagnosis?", "ask:")
    expect_one(text, tmp_path, "    ask:\n".strip() + "", "`ask` in stage `diagnosis` is empty; it needs the question the tutor asks",
               occurrence=2)


def test_unknown_top_level_key_suggests_the_right_one(tmp_path):
    text = CASE.replace("stages:", "stags:")
    expect_one(text, tmp_path, "stags:", "unknown key `stags` in the case; did you mean `stages`?")


def test_unknown_stage_and_concept_keys_suggest_the_right_one(tmp_path):
    text = CASE.replace("    hints: [", "    hint: [").replace("    synonyms: [IFI", "    synonym: [IFI")
    path = tmp_path / "case.yaml"
    assert problems_of(text, tmp_path) == [
        f"{path}:{line_with(text, 'synonym: [IFI')}: unknown key `synonym` in concept `ifi`; did you mean `synonyms`?",
        f"{path}:{line_with(text, 'hint: [')}: unknown key `hint` in stage `history`; did you mean `hints`?",
    ]


def test_unknown_key_without_a_near_miss_lists_the_known_keys(tmp_path):
    text = CASE.replace("    synonyms: [IFI", "    colour: red\n    synonyms: [IFI")
    expect_one(text, tmp_path, "colour: red",
               "unknown key `colour` in concept `ifi` (known keys: label, synonyms, measure, essential, inherit)")


def test_duplicate_keys_are_caught_at_every_level(tmp_path):
    text = (
        CASE.replace("summary: Chronic", "title: Again\nsummary: Chronic")
        .replace("  hamstring-tendinopathy:\n", "  ifi:\n    label: Twice\n  hamstring-tendinopathy:\n")
        .replace("    kind: diagnosis\n", "    kind: diagnosis\n    kind: history\n")
    )
    path = tmp_path / "case.yaml"
    assert problems_of(text, tmp_path) == [
        f"{path}:{line_with(text, 'title: Again')}: duplicate key `title` in the case (first on line 3); "
        "YAML would silently keep only the last one, so remove or rename one of them",
        f"{path}:{line_with(text, '  ifi:', 2)}: duplicate key `ifi` in `concepts` in this case "
        f"(first on line {line_with(text, '  ifi:')}); YAML would silently keep only the last one, "
        "so remove or rename one of them",
        f"{path}:{line_with(text, 'kind: history', 2)}: duplicate key `kind` in stage `diagnosis` "
        f"(first on line {line_with(text, 'kind: diagnosis')}); YAML would silently keep only the last one, "
        "so remove or rename one of them",
    ]


def test_duplicate_stage_ids(tmp_path):
    text = CASE.replace("- id: diagnosis", "- id: history")
    expect_one(text, tmp_path, "- id: history",
               f"duplicate stage id `history` (first on line {line_with(text, '- id: history')}); "
               "stage ids must be unique within a case, so rename one", occurrence=2)


def test_a_duplicate_stage_id_is_reported_even_when_that_stage_has_another_error(tmp_path):
    text = CASE.replace("- id: diagnosis", "- id: history").replace("kind: diagnosis", "kind: diagnossis")
    problems = problems_of(text, tmp_path)
    assert any(f":{line_with(text, '- id: history', 2)}: duplicate stage id `history`" in p for p in problems)
    assert any("unknown stage kind 'diagnossis'" in p or "diagnossis" in p for p in problems)


def test_a_concept_listed_twice_in_expect(tmp_path):
    text = CASE.replace("expect: [ifi]", "expect: [ifi, ifi]")
    expect_one(text, tmp_path, "expect: [ifi, ifi]",
               f"`expect` in stage `diagnosis` lists `ifi` twice (first on line {line_with(text, 'expect: [ifi, ifi]')})")


# -- wrong types and values ---------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("attempts: 4", "attempts: three", "`attempts` in stage `history` must be a whole number, got 'three'"),
        ("difficulty: 2", "difficulty: 5", "`difficulty: 5` in the case is out of range; use a whole number from 1 to 3"),
        ("time_limit: 600", "time_limit: soon", "`time_limit` in the case must be a whole number, got 'soon'"),
        ("required: true", "required: maybe",
         "`required` in `expect` in stage `history` must be true or false, got 'maybe'"),
        ("weight: 2", "weight: heavy",
         "`weight` in `expect` in stage `history` must be a number such as 1 or 2.5, got 'heavy'"),
        ("weight: 2", "weight: 0", "`weight: 0` in `expect` in stage `history` must be more than 0 (and at most 1000)"),
        ("title: Buttock pain in a runner", "title: [a, b]", "`title` in the case must be text, got a list"),
        ("kind: diagnosis", "kind: diagnsis",
         "unknown stage kind 'diagnsis' in stage `diagnosis`; did you mean `diagnosis`? "
         "(one of: history, findings, differential, diagnosis, management)"),
        ("format: 1", "format: 2",
         "the case says `format: 2`, but this tutor reads format 1; write `format: 1` and follow the format page"),
        ("id: demo-case", "id: Demo_Case",
         "case id 'Demo_Case' in the case may use only lowercase letters, digits and '-', starting with a "
         "letter or digit (for example `demo-case`)"),
        ("  no-trauma:", "  No Trauma:",
         "concept id 'No Trauma' in this case may use only lowercase letters, digits and '-', starting with a "
         "letter or digit (for example `no-trauma`)"),
    ],
)
def test_wrong_values_are_named_with_their_line(tmp_path, old, new, message):
    text = CASE.replace(old, new)
    if old == "  no-trauma:":  # the id is also used by the stage; keep that reference out of the picture
        text = text.replace("      - no-trauma\n", "").replace("matches: [no-trauma]", "matches: []").replace(
            "pass: 2", "pass: 1")
    expect_one(text, tmp_path, new, message)


def test_a_text_with_colon_inside_brackets_is_a_mapping_and_says_to_quote_it(tmp_path):
    text = CASE.replace("synonyms: [atraumatic]", "synonyms: [atraumatic, trauma: none]")
    expect_one(text, tmp_path, "trauma: none",
               "each item of `synonyms` in concept `no-trauma` must be text, got a mapping (`key: value` pairs, "
               "starting with 'trauma') (text that contains ': ' or starts with '? ' must be in quotes)")


def test_a_hash_that_swallowed_a_required_text_is_explained(tmp_path):
    text = CASE.replace("ask: What is the diagnosis?", "ask: #1 question")
    expect_one(text, tmp_path, "ask: #1 question",
               "`ask` in stage `diagnosis` is empty; it needs the question the tutor asks (a ' #' starts a comment, "
               "so the text after it was ignored; put the text in quotes)")


@pytest.mark.parametrize(
    "pass_value, message",
    [
        ("0", "`pass: 0` in stage `history` is impossible; use at least 1"),
        ("3", "`pass: 3` in stage `history` can never be reached: the stage expects only 2 concepts; "
              "use a number from 1 to 2"),
    ],
)
def test_impossible_pass(tmp_path, pass_value, message):
    expect_one(CASE.replace("pass: 2", f"pass: {pass_value}"), tmp_path, f"pass: {pass_value}", message)


# -- references between ids -----------------------------------------------------------


def test_unknown_concept_in_expect_suggests_the_near_id(tmp_path):
    text = CASE.replace("      - no-trauma\n", "      - no-truama\n")
    expect_one(text, tmp_path, "- no-truama",
               "`expect` in stage `history` names concept `no-truama`, which is not defined; did you mean "
               "`no-trauma`? If not, define it under `concepts:` in this file or in the shared lexicon.yaml")


def test_a_label_written_where_the_id_belongs_points_to_the_id(tmp_path):
    text = CASE.replace("matches: [no-trauma]", "matches: [No history of trauma]")
    expect_one(text, tmp_path, "No history of trauma]",
               "`matches` in an example of stage `history` names concept `No history of trauma`, which is not "
               "defined; did you mean `no-trauma` (whose label is 'No history of trauma')? If not, define it "
               "under `concepts:` in this file or in the shared lexicon.yaml")


def test_unknown_concepts_in_misconceptions_and_between(tmp_path):
    text = CASE.replace("between: [ifi, hamstring-tendinopathy]", "between: [ifi, hamstrings]").replace(
        "{concept: hamstring-tendinopathy, discriminator", "{concept: gluteal-tear, discriminator"
    )
    path = tmp_path / "case.yaml"
    assert problems_of(text, tmp_path) == [
        f"{path}:{line_with(text, 'between:')}: `between` in discriminator `ifi-vs-hamstring` names concept "
        "`hamstrings`, which is not defined; define it under `concepts:` in this file or in the shared lexicon.yaml",
        f"{path}:{line_with(text, 'gluteal-tear')}: `misconceptions` in stage `history` names concept "
        "`gluteal-tear`, which is not defined; define it under `concepts:` in this file or in the shared "
        "lexicon.yaml",
    ]


def test_unknown_discriminator_suggests_the_near_id(tmp_path):
    text = CASE.replace("discriminator: ifi-vs-hamstring", "discriminator: ifi-vs-hamstrung")
    expect_one(text, tmp_path, "ifi-vs-hamstrung",
               "`misconceptions` in stage `history` names discriminator `ifi-vs-hamstrung`, which is not "
               "defined; did you mean `ifi-vs-hamstring`? If not, define it under `discriminators:` in this "
               "file or in the shared discriminators.yaml")


def test_a_discriminator_must_name_the_misconception_it_explains(tmp_path):
    text = CASE.replace(
        "    misconceptions:\n      - {concept: hamstring-tendinopathy, discriminator: ifi-vs-hamstring}\n", ""
    ).replace("expect: [ifi]", "expect: [ifi]\n    misconceptions:\n"
                                "      - {concept: no-trauma, discriminator: ifi-vs-hamstring}")
    expect_one(text, tmp_path, "{concept: no-trauma, discriminator",
               "discriminator `ifi-vs-hamstring` is between `ifi` and `hamstring-tendinopathy`, so it cannot "
               "explain the misconception `no-trauma`; pick one that names it")


def test_an_example_can_only_expect_what_the_stage_grades(tmp_path):
    text = CASE.replace('matches: [no-trauma]}', 'matches: [no-trauma]}\n'
                        '      - {answer: "pain", matches: [hamstring-tendinopathy, ifi]}').replace(
        "expect: [ifi]", "expect: [ifi]\n    examples:\n      - {answer: x, matches: [no-trauma]}")
    expect_one(text, tmp_path, "{answer: x, matches: [no-trauma]}",
               "the example expects `no-trauma`, but stage `diagnosis` neither expects it nor lists it as a "
               "misconception, so no answer can match it here")


def test_a_concept_cannot_be_both_expected_and_a_misconception(tmp_path):
    text = CASE.replace("{concept: hamstring-tendinopathy, discriminator: ifi-vs-hamstring}", "ifi")
    expect_one(text, tmp_path, "      - ifi",
               "`ifi` is both expected and a misconception in stage `history`; keep it in one of the two lists")


# -- YAML syntax ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        ("ask: What is the diagnosis?", "ask: Diagnosis: what is it?", "ask: Diagnosis:",
         "a ': ' (colon and space) inside a value; put the whole text in quotes, for example "
         "ask: \"Which is it: A or B?\""),
        ("synonyms: [atraumatic]", "synonyms: [atraumatic", "synonyms: [atraumatic",
         None),  # checked below: the list is reported as not closed
        ("    kind: diagnosis\n", "    kind: diagnosis\n\tattempts: 2\n", "\tattempts", 
         "a tab character; YAML indents with spaces only, so replace the tab with spaces"),
        ("title: Buttock pain in a runner", 'title: "Buttock pain in a runner', 'title: "Buttock',
         "a quoted text starts here and runs on to line 46, where the YAML breaks; is its closing quote missing?"),
        ('explain: Ischiofemoral impingement.', 'explain: "Ischiofemoral impingement.', 'explain: "Ischio',
         "a quoted text starts here but its closing quote is missing"),
        ("title: Buttock pain in a runner", "title: @runner", "title: @runner",
         "a value cannot start with '@'; put the text in quotes"),
        ("summary: Chronic posterior hip pain", "summary: Chronic\n  posterior: hip", "posterior: hip",
         "`posterior:` is indented further than the line above, so YAML reads it as more of that "
         "line's value; line it up with the keys above it, or if it is text, put the whole text in quotes"),
        # A key indented two spaces too far, the commonest slip in a stage.
        ("    kind: diagnosis\n", "      kind: diagnosis\n", "      kind: diagnosis",
         "`kind:` is indented further than the line above, so YAML reads it as more of that "
         "line's value; line it up with the keys above it, or if it is text, put the whole text in quotes"),
        ("source: Invented for the loader tests", "source: Invented\n---\nid: two", "---",
         "a second YAML document starts here ('---'); put one case in each file"),
    ],
)
def test_yaml_syntax_errors_in_plain_english(tmp_path, old, new, needle, message):
    text = CASE.replace(old, new)
    problems = problems_of(text, tmp_path)
    assert len(problems) == 1
    path = tmp_path / "case.yaml"
    if message is None:
        assert re.fullmatch(
            rf"{re.escape(str(path))}:\d+: the \[\.\.\.\] that starts on line {line_with(text, needle)} is not "
            r"closed properly: .*", problems[0]
        )
    else:
        assert problems == [f"{path}:{line_with(text, needle)}: {message}"]


def test_a_mis_indented_key_points_at_its_line(tmp_path):
    text = CASE.replace("    ask: What is the diagnosis?", "   ask: What is the diagnosis?")
    problems = problems_of(text, tmp_path)
    line = line_with(text, "ask: What is the diagnosis?")
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'case.yaml'}:{line}: this line does not line up with the ")
    assert "check its indentation" in problems[0]


# -- refused files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, line, message",
    [
        # About the whole file, not a line of it: `path: message`, no `:1:`.
        (b"", None, "the file is empty; a case file starts with `format: 1`"),
        (b"  \n\n", None, "the file is empty; a case file starts with `format: 1`"),
        (b"# just a comment\n", None, "the file has only comments; a case file starts with `format: 1`"),
        (b"format: 1\nid: x\x00\x01\x02", 2,
         "this is not a text file (it contains NUL bytes); a case file is YAML text saved as UTF-8"),
        (b"format: 1\ntitle: caf\xe9\n", 2, "the file is not UTF-8 text (byte 0xe9 cannot be read); save it as UTF-8"),
        (b"- a\n- b\n", 1, "a case file must be a mapping of keys (format, id, title, source, stages, ...), but "
                           "this file holds a list"),
        (b"just words\n", 1, "a case file must be a mapping of keys (format, id, title, source, stages, ...), but "
                             "this file holds a single text"),
        (b"format: 1\nid: !!python/object/apply:os.system [echo hi]\n", 2,
         "the tag `!!python/object/apply:os.system` is not allowed: a case file holds only text, numbers, "
         "true/false, lists and mappings, and nothing in it is ever run"),
        (b"format: 1\nid: \x07bell\n", 2, "this line contains a control character (U+0007) that YAML does not "
                                          "allow; delete it"),
    ],
)
def test_files_that_are_not_cases_are_refused_with_a_reason(tmp_path, content, line, message):
    path = tmp_path / "case.yaml"
    path.write_bytes(content)
    with pytest.raises(CaseError) as caught:
        load_case_file(path)
    where = f"{path}:{line}" if line is not None else f"{path}"
    assert [str(p) for p in caught.value.problems] == [f"{where}: {message}"]


def test_a_missing_file_and_a_folder(tmp_path):
    with pytest.raises(CaseError) as caught:
        load_case_file(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"  # no line is involved: no `:1:`
    with pytest.raises(CaseError) as caught:
        load_case_file(tmp_path)
    assert str(caught.value) == f"{tmp_path}: this is a folder, not a case file"


def test_a_file_over_the_size_cap_is_refused_without_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"format: 1\n" + b"# padding\n" * 120_000)
    with pytest.raises(CaseError) as caught:
        load_case_file(path)
    assert str(caught.value) == (
        f"{path}: the file is larger than 1024 KiB; a case file is a few kilobytes of text, "
        "so this is probably not a case file"
    )


def alias_bomb(levels: int = 9) -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for prev, name in zip(names, names[1:levels]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def test_an_alias_bomb_is_refused_without_expanding(tmp_path):
    bomb = alias_bomb()
    assert len(bomb) < 1024
    tracemalloc.start()
    try:
        with pytest.raises(CaseError) as caught:
            load_case_bytes(bomb, "bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [str(p) for p in caught.value.problems] == [
        "bomb.yaml:5: aliases (`*name`) here would expand the file to more than 10,000 extra values, so it was "
        "not read; write the values out or use fewer aliases"
    ]
    assert peak < 5_000_000  # 9**9 values were never built


def test_a_value_that_contains_its_own_alias_is_refused():
    with pytest.raises(CaseError) as caught:
        load_case_bytes(b"format: 1\nid: &x [a, *x]\n", "loop.yaml")
    assert str(caught.value) == (
        "loop.yaml:2: `*x` is used inside the value it names, which would never end; write the value out instead"
    )


def test_a_few_aliases_are_fine(tmp_path):
    text = CASE.replace("hints: [Think about the gait.]", "hints: &gait [Think about the gait.]").replace(
        "explain: Ischiofemoral impingement.", "explain: Ischiofemoral impingement.\n    hints: *gait")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_case_file(path).stages[1].hints == ("Think about the gait.",)


# The same file must be read or refused the same way on a machine with libyaml and one without,
# and with any PyYAML the project allows: these tests run once per parser PyYAML offers here.
PARSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.fixture(params=PARSERS, ids=lambda loader: loader.__name__)
def parser(request, monkeypatch):
    monkeypatch.setattr(safe_yaml, "SAFE_LOADER", request.param)
    return request.param


@pytest.mark.parametrize("opener, closer", [(b"[", b"]"), (b"{a: ", b"}")])
def test_deep_nesting_is_refused_in_the_loaders_own_words_whatever_the_parser(
    parser, opener, closer, tmp_path, capsys
):
    # libyaml (in PyYAML 6.0.4's wheels) refuses 1,000 levels by itself, before the loader's
    # count sees the first event; the author still gets the loader's message at a line.
    path = tmp_path / "deep.yaml"
    path.write_bytes(b"format: 1\nid: " + opener * 100_000 + closer * 100_000)
    tracemalloc.start()
    started = time.monotonic()
    try:
        status = main(["check", str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert status == 2
    assert err.splitlines() == [f"{path}:2: lists and mappings are nested more than 40 levels deep here; "
                                "a case file needs about six"]
    assert "Traceback" not in out + err
    assert peak < 50_000_000  # far above the ~2 MB it takes; a composer that recursed would not stop here
    assert elapsed < 60  # a hang guard, far above the fraction of a second it takes


@pytest.mark.parametrize("text, line, opened", [
    ("hints: [What makes it worse?]", 2, "the [...] that starts on line 2"),
    ("hints:\n  [Where,\n   what? worse]", 4, "the [...] that starts on line 3"),
    ("hints: {ask?: [x, y]}", 2, "the {...} that starts on line 2"),
])
def test_an_unquoted_question_mark_in_brackets_is_refused_whatever_the_parser(parser, text, line, opened):
    # libyaml reads [What makes it worse?] as one item, the pure-Python parser refuses it:
    # unchecked, a case `tutor check` passed on one machine would not load on another.
    with pytest.raises(CaseError) as caught:
        load_case_bytes(f"format: 1\n{text}\n".encode(), "q.yaml")
    assert str(caught.value) == (
        f"q.yaml:{line}: an unquoted item in {opened} contains '?'; put that item in quotes, "
        'for example ["What makes it worse?"]'
    )


def test_a_quoted_question_mark_in_brackets_is_read_whatever_the_parser(parser, tmp_path):
    text = CASE.replace("hints: [Think about the gait.]", 'hints: ["What makes it worse?", \'Why?\']')
    assert text != CASE
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_case_file(path).stages[0].hints == ("What makes it worse?", "Why?")


def test_the_shipped_cases_load_alike_whatever_the_parser(parser):
    entries = list_cases()
    assert entries
    for entry in entries:
        assert load_case(entry.id).id == entry.id


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    text = (
        CASE.replace("difficulty: 2", "difficulty: 9")
        .replace("attempts: 4", "attempts: many")
        .replace("expect: [ifi]", "expect: [ifl]")
        .replace("stages:", "stages:\n  - id: Bad Stage\n    ask: x\n    expect: [ifi]\n    explain: y")
    )
    problems = problems_of(text, tmp_path)
    lines = [int(p.split(":")[1]) for p in problems]
    assert lines == sorted(lines)
    assert len(problems) == 4
    assert [line_with(text, n) for n in ("difficulty: 9", "id: Bad Stage", "attempts: many", "expect: [ifl]")] == lines


# -- the shared lexicon and discriminators -----------------------------------------------


def write_shared(folder: Path, lexicon: str | None, discriminators: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if lexicon is not None:
        (folder / "lexicon.yaml").write_text(textwrap.dedent(lexicon), encoding="utf-8")
    if discriminators is not None:
        (folder / "discriminators.yaml").write_text(textwrap.dedent(discriminators), encoding="utf-8")


LEXICON = """\
    format: 1
    concepts:
      ifi:
        label: Shared IFI label
        synonyms: [ischiofemoral impingement]
      hip-oa:
        label: Hip osteoarthritis
        synonyms: [hip OA]
"""

SHARED_DISCRIMINATORS = """\
    format: 1
    discriminators:
      ifi-vs-oa:
        between: [ifi, hip-oa]
        why_confused: Both cause hip pain.
        points: [OA narrows the joint space.]
"""


def test_a_case_may_use_shared_concepts_and_discriminators_and_overrides_them(tmp_path):
    write_shared(tmp_path / "dialogues", LEXICON, SHARED_DISCRIMINATORS)
    shared = load_shared(tmp_path / "dialogues")
    assert set(shared.concepts) == {"ifi", "hip-oa"}
    text = CASE.replace("      - {concept: hamstring-tendinopathy, discriminator: ifi-vs-hamstring}\n",
                        "      - {concept: hamstring-tendinopathy, discriminator: ifi-vs-hamstring}\n"
                        "      - {concept: hip-oa, discriminator: ifi-vs-oa}\n")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    case = load_case_file(path, shared)
    assert case.concepts["ifi"].label == "Ischiofemoral impingement"  # the case's own definition wins
    assert case.concepts["hip-oa"].label == "Hip osteoarthritis"  # shared, used by the case
    assert set(case.discriminators) == {"ifi-vs-hamstring", "ifi-vs-oa"}
    assert case.stages[0].misconceptions[1].discriminator == "ifi-vs-oa"
    with pytest.raises(TypeError):
        case.concepts["x"] = None  # frozen


def test_without_the_shared_lexicon_its_concepts_are_unknown(tmp_path):
    text = CASE.replace("expect: [ifi]", "expect: [ifi, hip-oa]")
    expect_one(text, tmp_path, "expect: [ifi, hip-oa]",
               "`expect` in stage `diagnosis` names concept `hip-oa`, which is not defined; define it under "
               "`concepts:` in this file or in the shared lexicon.yaml")


def test_missing_shared_files_mean_nothing_shared(tmp_path):
    shared = load_shared(tmp_path)
    assert dict(shared.concepts) == {} and dict(shared.discriminators) == {}


def test_problems_in_both_shared_files_are_reported_together(tmp_path):
    folder = tmp_path / "dialogues"
    write_shared(
        folder,
        LEXICON.replace("label: Hip osteoarthritis", "lable: Hip osteoarthritis"),
        SHARED_DISCRIMINATORS.replace("format: 1", "format: 3").replace("[ifi, hip-oa]", "[ifi, hip-0a]"),
    )
    with pytest.raises(CaseError) as caught:
        load_shared(folder)
    lex, disc = folder / "lexicon.yaml", folder / "discriminators.yaml"
    assert [str(p) for p in caught.value.problems] == [
        f"{disc}:1: the shared discriminators file says `format: 3`, but this tutor reads format 1; "
        "write `format: 1` and follow the format page",
        f"{disc}:4: `between` in discriminator `ifi-vs-oa` names concept `hip-0a`, which is not defined; "
        "did you mean `hip-oa`? If not, define it in lexicon.yaml",
        f"{lex}:7: unknown key `lable` in concept `hip-oa`; did you mean `label`?",
    ]


def test_shared_lexicon_must_have_its_section(tmp_path):
    write_shared(tmp_path, "format: 1\nconcept:\n  a:\n    label: A\n", None)
    with pytest.raises(CaseError) as caught:
        load_shared(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'lexicon.yaml'}:2: unknown key `concept` in the shared concepts file; did you mean `concepts`?"
    ]


# -- output ------------------------------------------------------------------------------


def test_report_problems_shows_escape_characters_instead_of_sending_them():
    import io

    out = io.StringIO()
    status = report_problems(CaseError([Problem("x.yaml", 3, "bad key `\x1b[31mred\x1b[0m`")]), out)
    assert status == 2
    assert out.getvalue() == "x.yaml:3: bad key `\\x1b[31mred\\x1b[0m`\n"


# -- no file crashes the loader ------------------------------------------------------------


WHOLE_FILE_PROBLEMS = ("the file is empty", "the file has only comments", "the file is larger than")


def only_case_errors(data: bytes) -> None:
    try:
        load_case_bytes(data, "fuzz.yaml")
    except CaseError as error:
        assert error.problems
        # Lines as an editor counts them (LF, CRLF or a lone CR), plus one for the end of file.
        lines = len(re.findall(r"\r\n|\r|\n", data.decode("utf-8", "replace"))) + 2
        for problem in error.problems:
            if problem.line is None:
                # Only a problem of the whole file names no line.
                assert problem.message.startswith(WHOLE_FILE_PROBLEMS), str(problem)
                assert re.fullmatch(r"fuzz\.yaml: \S.*", str(problem), re.DOTALL), str(problem)
                continue
            assert re.fullmatch(r"fuzz\.yaml:\d+: \S.*", str(problem), re.DOTALL), str(problem)
            assert 1 <= problem.line <= lines


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_only_raise_case_error(data):
    only_case_errors(data)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text_only_raises_case_error(text):
    only_case_errors(text.encode("utf-8", "surrogatepass"))


YAML_WORDS = st.sampled_from([
    "format", "id", "title", "source", "stages", "concepts", "discriminators", "expect", "ask", "explain",
    "label", "synonyms", "between", "points", "pass", "attempts", "kind", "misconceptions", "examples",
    "answer", "matches", "concept", "required", "weight", "feedback", "hints", "ifi", "history", "1", "",
])
YAML_SCALARS = st.one_of(
    YAML_WORDS, st.integers(-5, 10), st.booleans(), st.none(), st.floats(allow_nan=True), st.text(max_size=20)
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(YAML_WORDS, inner, max_size=6)),
    max_leaves=40,
)


@FUZZ
@given(YAML_VALUES)
def test_random_yaml_structures_only_raise_case_error(value):
    only_case_errors(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(st.dictionaries(YAML_WORDS, YAML_VALUES, max_size=8), st.sampled_from(["history", "diagnosis"]))
def test_valid_case_with_a_stage_replaced_by_random_keys(stage_fields, stage_id):
    data = yaml.safe_load(CASE)
    for stage in data["stages"]:
        if stage["id"] == stage_id:
            stage.clear()
            stage.update(stage_fields)
    only_case_errors(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@st.composite
def mutated_case(draw) -> bytes:
    lines = CASE.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "cut"]))
        line = lines[index]
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "indent":
            lines[index] = "  " + line
        elif action == "dedent":
            lines[index] = line[2:] if line.startswith("  ") else line
        elif action == "insert":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(list(":-[]{}#&*!|>'\"%@`?,\t "))) + line[at:]
        elif action == "cut":
            lines[index] = line[: draw(st.integers(0, len(line)))] + "\n"
    return "".join(lines).encode("utf-8")


@FUZZ
@given(mutated_case())
def test_mutations_of_a_valid_case_only_raise_case_error(data):
    only_case_errors(data)


# -- extension: measured concepts ----------------------------------------------------------


def test_a_measured_concept_reads_its_threshold(tmp_path):
    text = CASE.replace(
        "  hamstring-tendinopathy:\n",
        "  narrow-ifs:\n    label: Narrow ischiofemoral space\n"
        "    measure: {of: [IFS, ischiofemoral space], unit: mm, below: 17}\n  hamstring-tendinopathy:\n",
    )
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    measure = load_case_file(path).concepts["narrow-ifs"].measure
    assert (measure.of, measure.unit, measure.below, measure.above) == (
        ("IFS", "ischiofemoral space"), "mm", 17.0, None)


@pytest.mark.parametrize(
    "measure, message",
    [
        ("{of: [IFS], unit: inch, below: 17}", "`unit` in `measure` of concept `narrow-ifs` must be one of mm, cm, "
                                               "got 'inch'"),
        ("{of: [IFS], unit: mm}", "`measure` of concept `narrow-ifs` needs `below:` or `above:` (the threshold "
                                  "the measurement must pass)"),
        ("{of: [IFS], unit: mm, above: 20, below: 10}", "`measure` of concept `narrow-ifs` asks for a value above "
                                                        "20 and below 10, which no measurement can be"),
        ("{of: [], unit: mm, below: 17}", "`of` in `measure` of concept `narrow-ifs` is empty; name what is "
                                          "measured, e.g. `[IFS]`"),
    ],
)
def test_a_measure_that_cannot_work_is_reported(tmp_path, measure, message):
    text = CASE.replace(
        "  hamstring-tendinopathy:\n",
        f"  narrow-ifs:\n    label: Narrow IFS\n    measure: {measure}\n  hamstring-tendinopathy:\n",
    )
    expect_one(text, tmp_path, "measure:", message)


def test_problems_never_carry_terminal_escapes_whoever_prints_them(tmp_path):
    text = CASE.replace("- id: diagnosis", '- id: "\\e]0;owned\\a\\e[2J"')
    problems = problems_of(text, tmp_path)
    assert problems and not any("\x1b" in p or "\x07" in p for p in problems)
    # Shown as escapes, so the author can see what is in the file.
    assert any("stage `\\x1b]0;owned\\x07\\x1b[2J`" in p for p in problems), problems


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_a_line_break_no_editor_shows_does_not_shift_line_numbers(separator):
    text = f"format: 1{separator}{separator}\nid: [unclosed\n"
    with pytest.raises(CaseError) as caught:
        load_case_bytes(text.encode("utf-8"), "odd.yaml")
    assert all(problem.line <= 3 for problem in caught.value.problems), caught.value.problems


def _node_shape(node) -> object:
    """Everything of a node the loader reads: tag, value or children, style and where it is."""
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, where)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, node.flow_style, where, [_node_shape(n) for n in node.value])
    return ("map", node.tag, node.flow_style, where, [(_node_shape(k), _node_shape(v)) for k, v in node.value])


_REPO = Path(__file__).resolve().parent.parent
_YAML_FILES = sorted((_REPO / "dialogues").rglob("*.yaml")) + sorted(
    (_REPO.parent / "shared" / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", _YAML_FILES, ids=lambda p: p.name)
def test_one_parse_composes_the_tree_yaml_compose_makes_whatever_the_parser(parser, path):
    # The file is parsed once (its events checked, then composed from them): the same tree as
    # PyYAML's own compose, which parses the file again.
    data = path.read_bytes()
    ours = safe_yaml.compose_tree(data, str(path))
    theirs = yaml.compose(safe_yaml.decode_text(data, str(path)).encode("utf-8"), Loader=parser)
    assert _node_shape(ours) == _node_shape(theirs)


@pytest.mark.parametrize("text, expected", [
    ("a: &x [1, 2]\nb: &x [3]\n", "c.yaml:2: the same anchor `&name` is defined twice; rename one"),
    ("a: 1\n---\nb: 2\n", "c.yaml:2: a second YAML document starts here ('---'); put one case in each file"),
])
def test_the_composers_own_problems_are_still_reported(parser, text, expected):
    with pytest.raises(CaseError) as caught:
        safe_yaml.compose_tree(text.encode(), "c.yaml")
    assert str(caught.value) == expected
