"""A case's concept that names what a shared lexicon concept names takes the lexicon's terms too
(tutor/cases/inheritance.py): each rule with an answer it credits and a near miss it must not."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tutor.cases.loading import CaseError, load_case_bytes, load_shared
from tutor.engine import Answer, AnswerGraded, advance, open_case
from tutor.grading import CaseGrader

LEXICON = """\
    format: 1
    concepts:
      reduced-weight-bearing:
        label: Reduced weight bearing
        synonyms: [partial WB, crutches, offloading, 拐杖, walking frame]
      hip-effusion:
        label: Hip joint effusion
        synonyms: [effusion, joint fluid]
      lumbar-surgery:
        label: Lumbar spine surgery
        synonyms: [discectomy, spine surgery]
      narrow-ifs:
        label: Narrow ischiofemoral space
        synonyms: [narrow IFS, reduced IFS, IFS less than 17 mm]
      toh:
        label: Transient osteoporosis of the hip
        synonyms: [TOH, bone marrow edema syndrome]
      avn:
        label: Osteonecrosis of the femoral head
        synonyms: [AVN, avascular necrosis]
      hamstring-avulsion:
        label: Proximal hamstring avulsion
        synonyms: [hamstring avulsion]
      guided-injection:
        label: Image-guided injection
        synonyms: [steroid injection, CT-guided injection]
      hip-oa:
        label: Hip osteoarthritis
        synonyms: [OA, arthrosis of the hip joint]
      early-repair:
        label: Early surgical repair
        synonyms: [early repair]
      lumbar-radiculopathy:
        label: Lumbar radiculopathy
        synonyms: [radiculopathy, S1 radiculopathy]
"""

DISCRIMINATORS = """\
    format: 1
    discriminators:
      toh-vs-avn:
        between: [toh, avn]
        why_confused: Both give hip pain and marrow edema.
        points: [A crescent is osteonecrosis.]
"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dialogues")
    (folder / "lexicon.yaml").write_text(textwrap.dedent(LEXICON), encoding="utf-8")
    (folder / "discriminators.yaml").write_text(textwrap.dedent(DISCRIMINATORS), encoding="utf-8")
    return load_shared(folder)


def case_with(shared, concepts: str, expect: str = "", stages: str = "", side: str = ""):
    stage_text = stages or f"  - {{id: plan, kind: management, ask: 'What now?', expect: [{expect}], explain: E}}\n"
    text = ("format: 1\nid: c\ntitle: C\nsource: seeds/004\n" + (f"side: {side}\n" if side else "")
            + "concepts:\n" + textwrap.indent(textwrap.dedent(concepts), "  ") + "stages:\n" + stage_text)
    return load_case_bytes(text.encode(), "c.yaml", shared)


def credited(case, answer: str, stage: str | None = None) -> tuple[str, ...]:
    return CaseGrader(case).grade(stage or case.stages[0].id, answer).matched


# -- a concept with the id of a lexicon concept ----------------------------------------------


def test_a_case_concept_with_a_lexicon_id_keeps_its_label_and_takes_the_lexicon_terms(shared):
    case = case_with(shared, """\
        reduced-weight-bearing:
          label: Reduced weight bearing to protect against fracture
          synonyms: [protected weight bearing]
    """, "reduced-weight-bearing")
    concept = case.concepts["reduced-weight-bearing"]
    assert concept.label == "Reduced weight bearing to protect against fracture"  # the case's own
    assert concept.own_synonyms == ("protected weight bearing",)
    assert concept.inherited_from == "reduced-weight-bearing"
    assert set(concept.inherited) >= {"crutches", "partial WB"}
    assert credited(case, "crutches for six weeks") == ("reduced-weight-bearing",)
    assert credited(case, "protected weight bearing") == ("reduced-weight-bearing",)
    assert credited(case, "full weight bearing, no crutches") == ()  # a near miss: denied


def test_inherit_false_keeps_a_case_concept_to_its_own_terms(shared):
    case = case_with(shared, """\
        reduced-weight-bearing:
          label: Reduced weight bearing to protect against fracture
          synonyms: [protected weight bearing]
          inherit: false
    """, "reduced-weight-bearing")
    assert case.concepts["reduced-weight-bearing"].synonyms == ("protected weight bearing",)
    assert case.concepts["reduced-weight-bearing"].inherited_from is None
    assert credited(case, "crutches for six weeks") == ()
    assert credited(case, "protected weight bearing") == ("reduced-weight-bearing",)


# -- a twin under another id ----------------------------------------------------------------


def test_a_case_concept_labelled_like_a_lexicon_concept_takes_its_terms_and_its_place(shared):
    case = case_with(shared, """\
        offload:
          label: Reduced weight bearing
    """, "offload")
    assert case.concepts["offload"].inherited_from == "reduced-weight-bearing"
    assert "reduced-weight-bearing" not in case.concepts  # one thing, one concept
    grade = CaseGrader(case).grade("plan", "partial WB")
    assert grade.matched == ("offload",)
    assert grade.to_json()["also_mentioned"] == []
    assert credited(case, "weight bearing as tolerated") == ()  # a near miss


def test_a_case_concept_whose_label_is_a_lexicon_term_is_its_twin(shared):
    case = case_with(shared, "onfh: {label: Avascular necrosis}\n", "onfh")
    assert case.concepts["onfh"].inherited_from == "avn"
    assert credited(case, "AVN") == ("onfh",)
    assert credited(case, "transient osteoporosis") == ()


def test_a_twin_the_case_uses_itself_stays_apart(shared):
    stages = ("  - {id: plan, kind: management, ask: 'What now?', expect: [offload], explain: E}\n"
              "  - {id: more, kind: management, ask: 'And?', expect: [reduced-weight-bearing], explain: E}\n")
    case = case_with(shared, "offload: {label: Reduced weight bearing, synonyms: [offload the hip]}\n",
                     stages=stages)
    assert case.concepts["offload"].inherited_from is None
    assert "reduced-weight-bearing" in case.concepts
    # A lexicon term the shared word data does not know (it reads "crutches" as reduced weight
    # bearing for every case, so that one no longer tells inherited terms apart).
    assert credited(case, "walking frame", "plan") == ()
    assert credited(case, "walking frame", "more") == ("reduced-weight-bearing",)


def test_a_shared_discriminator_names_the_twin_that_took_its_place(shared):
    stages = "  - {id: dx, kind: diagnosis, ask: 'Diagnosis?', expect: [tohp], explain: E}\n"
    case = case_with(shared, "tohp: {label: Transient osteoporosis of the hip, synonyms: [TOH of pregnancy]}\n",
                     stages=stages)
    assert case.discriminators["toh-vs-avn"].between == ("tohp", "avn")
    assert "avn" in case.stage("dx").misconception_ids  # the rival the tutor contrasts
    grade = CaseGrader(case).grade("dx", "AVN")
    assert grade.misconceptions == ("avn",)
    assert CaseGrader(case).grade("dx", "TOH of pregnancy, not AVN").matched == ("tohp",)


# -- what is never inherited ----------------------------------------------------------------


def test_a_lexicon_term_that_is_a_term_of_another_case_concept_is_not_taken(shared):
    case = case_with(shared, """\
        reduced-weight-bearing: {label: Reduced weight bearing, synonyms: [limit weight bearing]}
        walking-aids: {label: Walking aids, synonyms: [crutches, a cane]}
    """, "reduced-weight-bearing, walking-aids")
    concept = case.concepts["reduced-weight-bearing"]
    assert "crutches" not in concept.synonyms
    assert ("crutches", "it is a term of `walking-aids`") in concept.not_inherited
    assert credited(case, "crutches") == ("walking-aids",)
    assert credited(case, "partial WB") == ("reduced-weight-bearing",)


def test_a_lexicon_term_inside_a_term_of_another_case_concept_is_not_taken(shared):
    stages = ("  - {id: history, kind: history, ask: 'History?', expect: [prior-surgery], explain: E}\n"
              "  - {id: plan, kind: management, ask: 'What now?', expect: [], misconceptions: [lumbar-surgery],"
              " explain: E}\n").replace("expect: [], ", "expect: [prior-surgery], ")
    case = case_with(shared, """\
        prior-surgery: {label: Previous lumbar discectomy, synonyms: [prior discectomy]}
        lumbar-surgery: {label: Further lumbar spine surgery, synonyms: [revision discectomy]}
    """, stages=stages)
    concept = case.concepts["lumbar-surgery"]
    assert "discectomy" not in concept.synonyms  # alone, it names the previous operation as much
    assert CaseGrader(case).grade("history", "prior discectomy").matched == ("prior-surgery",)
    assert CaseGrader(case).grade("plan", "revision discectomy").misconceptions == ("lumbar-surgery",)


def test_a_narrower_case_concept_takes_only_the_terms_that_say_what_narrows_it(shared):
    case = case_with(shared, "hip-effusion: {label: Small hip joint effusion, synonyms: [trace effusion]}\n",
                     "hip-effusion", side="left")
    concept = case.concepts["hip-effusion"]
    assert concept.inherited_from == "hip-effusion"
    assert concept.inherited == ()
    assert credited(case, "joint fluid") == ()  # "effusion" does not say it is small
    assert credited(case, "trace effusion") == ("hip-effusion",)
    # The side of the case narrows nothing: "left" in the label does not stop the terms.
    sided = case_with(shared, "hip-effusion: {label: Left hip joint effusion}\n", "hip-effusion", side="left")
    assert "joint fluid" in sided.concepts["hip-effusion"].inherited
    assert credited(sided, "joint fluid") == ("hip-effusion",)
    assert credited(sided, "right hip joint fluid") == ()


def test_a_modifier_in_front_of_the_lexicon_name_narrows_it_but_a_head_word_does_not(shared):
    pure = case_with(shared, "hamstring-avulsion: {label: Pure hamstring tendon avulsion, "
                             "synonyms: [tendon avulsion]}\n", "hamstring-avulsion")
    assert pure.concepts["hamstring-avulsion"].inherited == ()
    assert credited(pure, "hamstring avulsion") == ()
    advice = case_with(shared, "reduced-weight-bearing: {label: Advice on reduced weight bearing}\n",
                       "reduced-weight-bearing")
    assert credited(advice, "crutches") == ("reduced-weight-bearing",)


def test_a_lexicon_term_that_names_no_place_is_not_taken_by_a_concept_its_author_placed(shared):
    case = case_with(shared, """\
        guided-injection:
          label: Image-guided injection at the entrapment site
          synonyms: [piriformis injection]
    """, "guided-injection")
    concept = case.concepts["guided-injection"]
    assert "steroid injection" not in concept.synonyms
    assert credited(case, "piriformis injection") == ("guided-injection",)
    assert credited(case, "steroid injection into the hip joint") == ()
    # A concept whose terms name only the setting ("hip") is not placed: it takes them.
    oa = case_with(shared, "hip-oa: {label: Hip osteoarthritis, synonyms: [hip OA]}\n", "hip-oa")
    # (A term the shared word data does not already read as the label: it reads "coxarthrosis"
    # as hip osteoarthritis.)
    assert "arthrosis of the hip joint" in oa.concepts["hip-oa"].inherited
    assert credited(oa, "arthrosis of the hip joint") == ("hip-oa",)


def test_a_lexicon_term_that_is_an_own_term_without_its_place_is_not_taken(shared):
    case = case_with(shared, "hip-oa: {label: Hip osteoarthritis, synonyms: [hip OA]}\n", "hip-oa")
    concept = case.concepts["hip-oa"]
    assert ("OA", "it is 'Hip osteoarthritis' without its place") in concept.not_inherited
    assert credited(case, "hip OA") == ("hip-oa",)
    assert credited(case, "knee OA") == ()


def test_a_concept_that_names_no_place_is_on_the_other_side_when_its_own_phrase_says_so(shared):
    case = case_with(shared, "early-repair: {label: Early surgical repair}\n", "early-repair", side="left")
    assert credited(case, "early repair") == ("early-repair",)
    assert credited(case, "early repair of the left hamstring") == ("early-repair",)
    assert credited(case, "early repair, right hip fine") == ("early-repair",)  # another phrase's side
    assert credited(case, "early repair of the right hamstring") == ()
    # A side among the words of the term itself says nothing of a concept without a place.
    immature = case_with(shared, "immature: {label: Skeletally immature, synonyms: [unfused apophysis]}\n",
                         "immature", side="left")
    assert credited(immature, "unfused right apophysis") == ("immature",)
    assert credited(immature, "unfused apophysis on the right") == ("immature",)


def test_a_case_concept_with_its_own_measure_does_not_take_the_lexicon_threshold(shared):
    case = case_with(shared, """\
        narrow-ifs:
          label: Narrow ischiofemoral space
          measure: {of: [IFS], unit: mm, below: 10}
    """, "narrow-ifs")
    concept = case.concepts["narrow-ifs"]
    assert "IFS less than 17 mm" not in concept.synonyms
    assert "reduced IFS" in concept.inherited
    assert credited(case, "IFS 8 mm") == ("narrow-ifs",)
    assert credited(case, "IFS 14 mm") == ()  # under the lexicon's 17 mm, not under the case's 10


# -- the author's mistakes ------------------------------------------------------------------


def problems(shared, concepts: str, expect: str, stages: str = "") -> list[str]:
    with pytest.raises(CaseError) as error:
        case_with(shared, concepts, expect, stages)
    return [p.message for p in error.value.problems]


def test_inherit_must_name_a_lexicon_concept(shared):
    assert problems(shared, "rwb: {label: Less weight, inherit: reduced-weight-bearin}\n", "rwb") == [
        "`inherit: reduced-weight-bearin` of concept `rwb` names no concept of the shared lexicon; did you "
        "mean `reduced-weight-bearing`? (`tutor concepts` lists them)"]


def test_inherit_names_the_lexicon_concept_to_take_the_terms_of(shared):
    case = case_with(shared, "rwb: {label: Less weight on it, inherit: reduced-weight-bearing}\n", "rwb")
    assert case.concepts["rwb"].inherited_from == "reduced-weight-bearing"
    assert credited(case, "crutches") == ("rwb",)
    stages = ("  - {id: plan, kind: management, ask: 'What now?', expect: [rwb], explain: E}\n"
              "  - {id: more, kind: management, ask: 'And?', expect: [reduced-weight-bearing], explain: E}\n")
    assert problems(shared, "rwb: {label: Less weight, inherit: reduced-weight-bearing}\n", "", stages) == [
        "concept `rwb` inherits from `reduced-weight-bearing`, which this case also uses itself; use "
        "`reduced-weight-bearing` or `rwb`, not both"]


def test_inherit_is_refused_in_a_shared_lexicon(tmp_path):
    (tmp_path / "lexicon.yaml").write_text("format: 1\nconcepts:\n  a: {label: A thing, inherit: false}\n",
                                           encoding="utf-8")
    with pytest.raises(CaseError) as error:
        load_shared(tmp_path)
    assert "`inherit` in concept `a` is for a case's concepts" in str(error.value.problems[0])


# -- one concept, one credit -------------------------------------------------------------------


def test_the_learner_sees_one_credit_line_for_a_case_concept_and_its_lexicon_twin(shared):
    case = case_with(shared, "narrowed-ifs: {label: Narrowed ischiofemoral space}\n", "narrowed-ifs")
    assert "narrow-ifs" not in case.concepts
    grader = CaseGrader(case)
    session, _ = open_case(case, grader, at=1.0)
    for answer in ("narrow ischiofemoral space", "reduced IFS"):
        _, events = advance(session, Answer(answer, at=2.0))
        graded = [e for e in events if isinstance(e, AnswerGraded)][0]
        assert [c.concept_id for c in graded.newly_found] == ["narrowed-ifs"], answer
        assert graded.unexpected_labels == () and graded.later_labels == (), answer
    assert credited(case, "normal ischiofemoral space") == ()  # a near miss


def test_shipped_cases_and_the_dev_cases_load_with_the_shipped_lexicon():
    from tutor.cases.library import load_case

    root = Path(__file__).resolve().parents[1]
    for path in sorted((root / "tests" / "newauthor" / "cases").glob("*.yaml")):
        case = load_case(str(path))
        taken = [c for c in case.concepts.values() if c.inherited]
        assert taken, path  # the dev cases name lexicon concepts by their ids
        for concept in taken:
            assert concept.own_synonyms + concept.inherited == concept.synonyms


def test_also_mentioned_never_lists_the_opposite_of_what_was_credited(shared):
    stages = "  - {id: dx, kind: diagnosis, ask: 'Diagnosis?', expect: [no-avn], misconceptions: [avn], explain: E}\n"
    case = case_with(shared, "no-avn: {label: No osteonecrosis of the femoral head, synonyms: [no AVN]}\n",
                     stages=stages)
    grader = CaseGrader(case)
    for answer in ("AVN less likely", "AVN unlikely", "not AVN"):
        grade = grader.grade("dx", answer).to_json()
        assert grade["matched"] == ["no-avn"], answer
        assert grade["also_mentioned"] == [], answer
    # A concept outside the stage named beside it is still listed (a near miss of the rule).
    assert grader.grade("dx", "AVN less likely, TOH").to_json()["also_mentioned"] == ["toh"]


# -- a lexicon term that names a thing the case is not about ----------------------------------

PREGNANCY_LEXICON = """\
    format: 1
    concepts:
      toh:
        label: Transient osteoporosis of the hip
        synonyms: [TOH, transient osteoporosis, transient osteoporosis of pregnancy]
      third-trimester:
        label: Third trimester of pregnancy
        synonyms: [late pregnancy]
"""


@pytest.fixture(scope="module")
def pregnancy_shared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dialogues-pregnancy")
    (folder / "lexicon.yaml").write_text(textwrap.dedent(PREGNANCY_LEXICON), encoding="utf-8")
    (folder / "discriminators.yaml").write_text("format: 1\ndiscriminators: {}\n", encoding="utf-8")
    return load_shared(folder)


def test_a_lexicon_term_naming_a_thing_no_concept_of_the_case_says_is_not_taken(pregnancy_shared):
    man = case_with(pregnancy_shared, "toh: {label: Transient osteoporosis of the hip}\n", "toh",
                    stages="  - {id: dx, kind: diagnosis, ask: 'Diagnosis?', expect: [toh], explain: E}\n")
    concept = man.concepts["toh"]
    assert "transient osteoporosis of pregnancy" not in concept.synonyms
    assert any("pregnancy" in reason for _, reason in concept.not_inherited)
    assert credited(man, "transient osteoporosis of the hip") == ("toh",)
    # A near miss in a man's case: the kind of TOH only a pregnancy has, however it is said.
    assert credited(man, "transient osteoporosis of pregnancy") == ()
    assert credited(man, "TOH in pregnancy") == ()
    assert credited(man, "transient osteoporosis of the right hip") == ("toh",)


def test_a_case_about_the_thing_takes_the_term(pregnancy_shared):
    stages = ("  - {id: hx, kind: history, ask: 'History?', expect: [third-trimester], explain: E}\n"
              "  - {id: dx, kind: diagnosis, ask: 'Diagnosis?', expect: [toh], explain: E}\n")
    pregnant = case_with(pregnancy_shared, "toh: {label: Transient osteoporosis of the hip}\n", stages=stages)
    assert "transient osteoporosis of pregnancy" in pregnant.concepts["toh"].synonyms
    assert credited(pregnant, "transient osteoporosis of pregnancy", "dx") == ("toh",)
    assert credited(pregnant, "TOH in pregnancy", "dx") == ("toh",)


def test_a_concept_with_the_lexicons_own_label_takes_the_lexicons_short_form_of_it(shared):
    # Seed 000: lumbar radiculopathy is the spinal mimic of a deep gluteal syndrome; the lexicon
    # lists "radiculopathy" for it, and a case with the same label takes that as the lexicon means it.
    case = case_with(shared, "lumbar-radiculopathy: {label: Lumbar radiculopathy, synonyms: [L5 radiculopathy]}\n",
                     "lumbar-radiculopathy")
    concept = case.concepts["lumbar-radiculopathy"]
    assert "radiculopathy" in concept.inherited
    assert credited(case, "radiculopathy") == ("lumbar-radiculopathy",)
    # near misses: another region of the spine, and a level the case does not name
    assert credited(case, "cervical radiculopathy") == ()
    assert credited(case, "thoracic radiculopathy") == ()
    assert "S1 radiculopathy" not in concept.inherited
    # A label placed more narrowly than the lexicon's takes no short form without the place.
    narrower = case_with(shared, "lumbar-radiculopathy: {label: Left L5 lumbar radiculopathy}\n",
                         "lumbar-radiculopathy")
    assert "radiculopathy" not in narrower.concepts["lumbar-radiculopathy"].inherited
