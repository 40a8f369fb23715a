"""Denials as clinicians write them: lists, cues after the concept, longer cue phrases, turns."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.cases.loading import load_case_bytes
from tutor.grading import CaseGrader
from tutor.matching.index import ConceptIndex
from tutor.model import Concept

FINDINGS = ["fever", "chills", "weight loss", "night sweats", "sciatic nerve edema", "joint effusion",
            "bursitis", "labral tear", "stress fracture", "muscle atrophy"]
INDEX = ConceptIndex([Concept(f.replace(" ", "-"), f) for f in FINDINGS])


def stance(answer: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for mention in INDEX.find(answer).mentions:
        mark = "?" if mention.considered else "-" if mention.negated else "+"
        if result.get(mention.concept) != "+":
            result[mention.concept] = mark
    return result


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("denies fever, chills, or weight loss", {"fever": "-", "chills": "-", "weight-loss": "-"}),
        ("no bursitis, labral tear or stress fracture", {"bursitis": "-", "labral-tear": "-", "stress-fracture": "-"}),
        ("negative for fever, chills and night sweats", {"fever": "-", "chills": "-", "night-sweats": "-"}),
        ("free of fever and weight loss", {"fever": "-", "weight-loss": "-"}),
        ("without bursitis or joint effusion", {"bursitis": "-", "joint-effusion": "-"}),
        ("no evidence of bursitis or labral tear", {"bursitis": "-", "labral-tear": "-"}),
        ("no findings to suggest a stress fracture", {"stress-fracture": "-"}),
        ("low suspicion for labral tear", {"labral-tear": "-"}),
        # Cues after the concept.
        ("joint effusion: none", {"joint-effusion": "-"}),
        ("fever: nil", {"fever": "-"}),
        ("bursitis negative", {"bursitis": "-"}),
        ("the joint effusion has resolved", {"joint-effusion": "-"}),
        ("the joint effusion has not resolved", {"joint-effusion": "+"}),
        # A turn ends the denial.
        ("no stress fracture but marked muscle atrophy", {"stress-fracture": "-", "muscle-atrophy": "+"}),
        ("no fever; weight loss", {"fever": "-", "weight-loss": "+"}),
        ("no fever, however night sweats and weight loss", {"fever": "-", "night-sweats": "+", "weight-loss": "+"}),
        # "no A and B" with a longer B is how learners write "no trauma and pain on long strides".
        ("no fever and sciatic nerve edema on the right", {"fever": "-", "sciatic-nerve-edema": "+"}),
        # Double negatives and "no change in X" state X.
        ("no change in the joint effusion", {"joint-effusion": "+"}),
        ("no doubt about the stress fracture", {"stress-fracture": "+"}),
        ("not sure about a labral tear", {"labral-tear": "?"}),
    ],
)
def test_denials_as_clinicians_write_them(answer, expected):
    assert stance(answer) == expected


@pytest.mark.parametrize("cue", ["doesnt", "isnt", "dont", "cant", "wont", "didnt",
                                 "doesn't", "isn't", "don't", "can't", "won't", "didn't"])
def test_contractions_without_the_apostrophe_negate_like_spelled_out_ones(cue):
    assert stance(f"she {cue} have bursitis") == {"bursitis": "-"}


WORDS = st.sampled_from(FINDINGS)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=2, max_size=5, unique=True),
       st.sampled_from(["no", "denies", "negative for", "free of", "without", "no evidence of"]),
       st.sampled_from(["or", "and", "nor"]))
def test_a_denial_reaches_every_item_of_the_list_it_governs(items, cue, connector):
    if connector == "and" and len(items) == 2:
        items = [*items, "bursitis" if "bursitis" not in items else "fever"]  # "no A and B" is ambiguous
    answer = f"{cue} {', '.join(items[:-1])} {connector} {items[-1]}"
    assert stance(answer) == {item.replace(" ", "-"): "-" for item in items}, answer


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=2, max_size=4, unique=True),
       st.sampled_from(["but", "however", "although", ";", "."]))
def test_a_turn_ends_the_denial(items, turn):
    denied, *present = items
    answer = f"no {denied} {turn} {' and '.join(present)}"
    result = stance(answer)
    assert result[denied.replace(" ", "-")] == "-", answer
    assert all(result[p.replace(" ", "-")] == "+" for p in present), answer


PLAN = ConceptIndex([Concept(f.replace(" ", "-"), f) for f in
                     ["reduced weight bearing", "rest", "shorter strides", "stress fracture", "crutches"]])


@pytest.mark.parametrize(
    "answer, plan, prevented",
    [
        ("reduced weight bearing to avoid stress fracture", "reduced-weight-bearing", "stress-fracture"),
        ("rest to avoid a stress fracture", "rest", "stress-fracture"),
        ("shorter strides to prevent stress fracture", "shorter-strides", "stress-fracture"),
        ("crutches so as to avoid stress fracture", "crutches", "stress-fracture"),
        ("crutches in order to prevent a stress fracture", "crutches", "stress-fracture"),
    ],
)
def test_a_plan_to_avoid_something_states_the_plan_and_not_what_it_avoids(answer, plan, prevented):
    stances = {m.concept: m.negated for m in PLAN.find(answer).mentions}
    assert stances == {plan: False, prevented: True}, answer


def test_avoiding_a_plan_still_denies_it():
    assert {m.concept: m.negated for m in PLAN.find("avoid crutches").mentions} == {"crutches": True}


# -- rules read from words.yaml's `negation` and `phrases_read_as` sections ------------------

MORE = ConceptIndex([Concept(f.replace(" ", "-"), f) for f in
                     ["displaced fracture", "effusion", "edema", "pain", "buttock pain",
                      "sitting pain", "surgery", "crutches", "analgesia", "ifi", "normal ifs"]])
CHINESE = ConceptIndex([Concept(f, f) for f in ["拐杖", "追蹤MRI", "手術治療"]])


def more(answer: str, index: ConceptIndex = MORE) -> dict[str, str]:
    result: dict[str, str] = {}
    for mention in index.find(answer).mentions:
        mark = "?" if mention.considered else "-" if mention.negated else "+"
        if result.get(mention.concept) != "+":
            result[mention.concept] = mark
    return result


@pytest.mark.parametrize(
    "answer, expected",
    [
        # A prefix ("non-", 非) denies its own word, never the rest of a list ...
        ("non-displaced fracture, effusion or edema", {"displaced-fracture": "-", "effusion": "+", "edema": "+"}),
        # ... while a denial word does reach along it (the near miss).
        ("no displaced fracture, effusion or edema", {"displaced-fracture": "-", "effusion": "-", "edema": "-"}),
    ],
)
def test_a_negating_prefix_denies_its_own_word_only(answer, expected):
    assert more(answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("非手術治療、拐杖、追蹤MRI", {"手術治療": "-", "拐杖": "+", "追蹤MRI": "+"}),
        ("沒有手術治療、拐杖", {"手術治療": "-", "拐杖": "-"}),
    ],
)
def test_a_negating_prefix_in_chinese_denies_its_own_word_only(answer, expected):
    assert more(answer, CHINESE) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("she can't sit for long without buttock pain", {"buttock-pain": "+"}),
        ("never runs without pain", {"pain": "+"}),
        ("unable to sit without buttock pain", {"buttock-pain": "+"}),
        # Near misses: "without" alone, or after a denial in an earlier clause, still denies.
        ("sits for long without buttock pain", {"buttock-pain": "-"}),
        ("no trauma; sits without buttock pain", {"buttock-pain": "-"}),
    ],
)
def test_a_denial_before_without_states_what_follows(answer, expected):
    assert more(answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("edema that does not reach the femoral head", {"edema": "+"}),
        ("the sitting pain is not improving", {"sitting-pain": "+"}),
        ("the buttock pain has not settled", {"buttock-pain": "+"}),
        # Near misses: "not" before a state or at the end of the clause denies.
        ("the sitting pain is not present", {"sitting-pain": "-"}),
        ("edema not seen", {"edema": "-"}),
        ("sitting pain? not really", {"sitting-pain": "-"}),
    ],
)
def test_not_before_what_a_finding_does_keeps_the_finding(answer, expected):
    assert more(answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("IFI unlikely given the normal IFS", {"ifi": "-", "normal-ifs": "+"}),
        ("IFI unlikely because of a normal IFS", {"ifi": "-", "normal-ifs": "+"}),
        # Near miss: with no turn between, a denial before the finding reaches it.
        ("unlikely IFI", {"ifi": "-"}),
    ],
)
def test_given_and_because_end_a_denial(answer, expected):
    assert more(answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("crutches before any surgery", {"crutches": "+", "surgery": "?"}),
        ("analgesia; surgery only if it fails", {"analgesia": "+", "surgery": "?"}),
        ("surgery if symptoms persist", {"surgery": "?"}),
        ("crutches; surgery as a last resort", {"crutches": "+", "surgery": "?"}),
        # A condition that is not a failure makes nothing conditional.
        ("surgery if the tear is complete", {"surgery": "+"}),
        # Near misses: a plan stated plainly, or steps merely put in order ("before" alone).
        ("crutches, then surgery", {"crutches": "+", "surgery": "+"}),
        ("surgery before crutches", {"surgery": "+", "crutches": "+"}),
    ],
)
def test_a_later_or_conditional_step_is_kept_in_play_not_chosen(answer, expected):
    assert more(answer) == expected


def test_every_cue_word_in_words_yaml_is_a_string():
    """An unquoted `no` in YAML is False: it would silently stop denying anything."""
    import yaml

    from tutor.matching.tokens import shipped_words_file

    data = yaml.safe_load(shipped_words_file().read_text(encoding="utf-8"))
    for name in ("negation", "phrases_read_as"):
        section = data.get(name)
        assert isinstance(section, dict) and section, name
        for key, listed in section.items():
            assert isinstance(key, str), (name, key)
            assert all(isinstance(word, str) for word in listed), (name, key, listed)
    for name in ("coexistence_cues", "coexistence_in_a_discriminator"):
        listed = data.get(name)
        assert isinstance(listed, list) and all(isinstance(word, str) for word in listed), name


def test_the_written_dev_sentences_are_read_as_labelled():
    """tests/negation/written-dev.yaml: every mention denied, asserted or kept in play (hedged) as labelled."""
    from pathlib import Path

    import yaml

    data = yaml.safe_load((Path(__file__).parent / "negation" / "written-dev.yaml").read_text(encoding="utf-8"))
    wrong = []
    for sentence in data["sentences"]:
        for mention in sentence["mentions"]:
            found = [m for m in ConceptIndex([Concept("target", mention["term"])]).find(sentence["text"]).mentions
                     if m.concept == "target"]
            read = ("not found" if not found else "denied" if all(m.negated for m in found)
                    else "hedged" if any(m.considered for m in found) else "asserted")
            if read != mention["status"]:
                wrong.append((sentence["text"], mention["term"], mention["status"], read))
    assert not wrong


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("?stress fracture", {"stress-fracture": "?"}),
        ("bursitis, ?labral tear", {"bursitis": "+", "labral-tear": "?"}),
        ("labral tear?", {"labral-tear": "?"}),
        # Near misses: a question answered is no hedge, nor is a question mark standing apart.
        ("fever? no", {"fever": "-"}),
        ("fever? yes", {"fever": "+"}),
        ("bursitis. ? later", {"bursitis": "+"}),
    ],
)
def test_a_question_mark_on_a_finding_keeps_it_in_play(answer, expected):
    assert stance(answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("lack of fever and weight loss", {"fever": "-", "weight-loss": "-"}),
        ("the joint effusion is no longer seen", {"joint-effusion": "-"}),
        ("no longer has bursitis", {"bursitis": "-"}),
        ("interval resolution of the joint effusion", {"joint-effusion": "-"}),
        ("the joint effusion has settled", {"joint-effusion": "-"}),
        ("no joint effusion to suggest bursitis", {"joint-effusion": "-", "bursitis": "-"}),
        # Near misses: a partial resolution, a plain finding that suggests another, a longer course.
        ("partial resolution of the joint effusion", {"joint-effusion": "+"}),
        ("joint effusion to suggest bursitis", {"joint-effusion": "+", "bursitis": "+"}),
        ("the joint effusion is no larger", {"joint-effusion": "+"}),
    ],
)
def test_report_phrases_of_absence_and_resolution(answer, expected):
    assert stance(answer) == expected


def test_words_yaml_has_no_section_or_key_twice():
    """YAML keeps the last of two equal keys silently: a second `"not":` would drop the first."""
    import yaml

    from tutor.matching.tokens import shipped_words_file

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        keys = [str(loader.construct_object(k)) for k, _ in node.value]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    assert yaml.load(shipped_words_file().read_text(encoding="utf-8"), Loader=Strict)


@pytest.mark.parametrize(
    "answer, expected",
    [
        # Three short items or more to the end of the clause: one list, without "or"/"and".
        ("no fever, chills, night sweats", {"fever": "-", "chills": "-", "night-sweats": "-"}),
        ("No bursitis, labral tear, stress fracture.", {"bursitis": "-", "labral-tear": "-", "stress-fracture": "-"}),
        # Near misses: two items, or an item too long for a list item, are a denial then findings.
        ("no fever, muscle atrophy", {"fever": "-", "muscle-atrophy": "+"}),
        ("no fever, chills, marked muscle atrophy noted", {"fever": "-", "chills": "+", "muscle-atrophy": "+"}),
    ],
)
def test_a_list_without_a_closing_or_needs_three_short_items(answer, expected):
    assert stance(answer) == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("stop the crutches", {"crutches": "-"}),
        ("discontinue crutches", {"crutches": "-"}),
        ("rest, stop crutches", {"rest": "+", "crutches": "-"}),
        # Near miss: a plan that comes after stopping something else is still the plan.
        ("crutches until the pain stops", {"crutches": "+"}),
    ],
)
def test_stopping_a_treatment_denies_it(answer, expected):
    assert {m.concept: "-" if m.negated else "+" for m in PLAN.find(answer).mentions} == expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("differential: bursitis, labral tear", {"bursitis": "?", "labral-tear": "?"}),
        ("ddx: stress fracture", {"stress-fracture": "?"}),
        ("findings may represent a labral tear", {"labral-tear": "?"}),
        ("evaluate for stress fracture", {"stress-fracture": "?"}),
        # Near misses: the heading's sentence ends at a full stop; a finding stated plainly.
        ("differential: bursitis. Joint effusion present.", {"bursitis": "?", "joint-effusion": "+"}),
        ("findings represent a labral tear", {"labral-tear": "+"}),
    ],
)
def test_a_differential_heading_and_report_hedges_keep_findings_in_play(answer, expected):
    assert stance(answer) == expected


# -- a stated absence denies the rival it says is absent --------------------------------------

ABSENCE_CASE = textwrap.dedent("""
    format: 1
    id: absence-demo
    title: A stated absence
    source: seed 000
    concepts:
      normal-qf:
        label: Normal quadratus femoris
        synonyms: [QF normal signal]
      qf-edema:
        label: Quadratus femoris edema
        synonyms: [QF edema]
      negative-slr:
        label: Negative straight leg raise
        synonyms: [SLR negative]
      positive-slr:
        label: Positive straight leg raise
        synonyms: [positive SLR]
    stages:
      - id: history
        kind: history
        ask: What in the history?
        expect: [negative-slr]
        misconceptions: [positive-slr]
        explain: The SLR is negative.
      - id: findings
        kind: findings
        ask: What do you see?
        expect: [normal-qf]
        misconceptions: [qf-edema]
        explain: The QF is normal.
      - id: report
        kind: findings
        ask: And in the report?
        expect: [qf-edema]
        misconceptions: [normal-qf]
        explain: The QF is edematous.
""")


@pytest.mark.parametrize("stage, answer, matched, misconceptions, negated", [
    ("findings", "QF normal signal", ["normal-qf"], [], ["qf-edema"]),
    ("findings", "normal quadratus femoris", ["normal-qf"], [], ["qf-edema"]),
    ("history", "SLR negative", ["negative-slr"], [], ["positive-slr"]),
    ("history", "negative straight leg raise", ["negative-slr"], [], ["positive-slr"]),
    # the rival said, not its absence: nothing denied
    ("findings", "QF edema", [], ["qf-edema"], []),
    ("history", "positive SLR", [], ["positive-slr"], []),
    # where the stage expects the finding, its stated absence is the wrong answer, and the finding
    # is simply missing: it is not listed again as denied beside the misconception
    ("report", "QF normal signal", [], ["normal-qf"], []),
])
def test_a_stated_absence_denies_the_rival_it_says_is_absent(stage, answer, matched, misconceptions, negated):
    grade = CaseGrader(load_case_bytes(ABSENCE_CASE.encode(), "absence-demo.yaml")).grade(stage, answer)
    assert (list(grade.matched), list(grade.misconceptions), list(grade.negated)) == (matched, misconceptions, negated)
