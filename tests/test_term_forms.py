"""Terms in the forms a teacher accepts, each rule with a case it credits and a near miss it must not.

Issue 8, the term side: words a case keeps naming, asides in labels, lists across commas,
a short form beside another body part, spare adverbs.
"""

from __future__ import annotations

import pytest

from tutor.matching.index import ConceptIndex
from tutor.matching.terms import label_forms
from tutor.model import Concept

from reading import said


# -- a structure the case keeps naming may be left out -------------------------------------

HAMSTRING_CASE = [
    Concept("partial", "Partial proximal hamstring tear", ("partial hamstring tear",)),
    Concept("complete", "Complete hamstring tear", ()),
    Concept("pht", "Proximal hamstring tendinopathy", ("hamstring tendinopathy",)),
    Concept("thick", "Hamstring tendon thickening", ()),
    Concept("strain", "Hamstring muscle strain", ()),
    Concept("bursa", "Fluid in the ischial bursa", ()),
    Concept("gluteal-tendinopathy", "Gluteal tendinopathy", ()),
]
HAMSTRING_TOPIC = ("hamstring", "ischial", "tendon")


@pytest.fixture(scope="module")
def hamstring_case() -> ConceptIndex:
    return ConceptIndex(HAMSTRING_CASE, topic=HAMSTRING_TOPIC)


@pytest.mark.parametrize("answer, expected", [
    ("partial tear", {"partial": "+"}),
    ("no partial tear", {"partial": "-"}),
    ("tendon thickening", {"thick": "+"}),
    ("tendons thickened", {"thick": "+"}),
    ("fluid in the bursa", {"bursa": "+"}),
])
def test_a_structure_the_case_keeps_naming_may_be_left_out(hamstring_case, answer, expected):
    assert said(hamstring_case, answer) == expected


@pytest.mark.parametrize("answer", [
    "tendinopathy",  # one word left: not hamstring tendinopathy
    "muscle strain",  # what is left is a setting word and the entity
    "tear",  # partial or complete?
    "fluid in the trochanteric bursa",  # another bursa
])
def test_a_short_form_needs_two_words_that_tell_it_apart(hamstring_case, answer):
    found = said(hamstring_case, answer)
    assert not {"partial", "complete", "pht", "strain", "bursa"} & set(found), found


def test_without_the_topic_the_structure_stays_required():
    index = ConceptIndex(HAMSTRING_CASE)
    assert said(index, "partial tear") == {}
    assert said(index, "partial hamstring tear") == {"partial": "+"}


def test_the_topic_is_read_from_the_labels_of_the_cases_stage_concepts():
    from tutor.cases.library import load_case
    from tutor.grading import topic_words

    assert "hamstr" in topic_words(load_case("hamstring-avulsion-acute"))
    assert "hamstr" not in topic_words(load_case("toh-pregnancy"))


# -- a short form beside another place -----------------------------------------------------


@pytest.mark.parametrize("answer, expected", [
    ("valgus", {"valgus": "+"}),
    ("valgus hip", {"valgus": "+"}),
    ("valgus knee", {}),
    ("effusion", {"effusion": "+"}),
    ("knee effusion", {}),
    ("effusion of the knee", {}),
])
def test_a_short_form_is_not_credited_beside_another_body_part(answer, expected):
    index = ConceptIndex([Concept("valgus", "Valgus hip", ()), Concept("effusion", "Hip joint effusion", ())])
    assert said(index, answer) == expected


# -- asides in a label -----------------------------------------------------------------------


def test_an_aside_that_lists_alternatives_names_the_concept_too():
    assert label_forms("Sciatic nerve tumor (schwannoma or neurofibroma)") == [
        "Sciatic nerve tumor (schwannoma or neurofibroma)", "Sciatic nerve tumor", "schwannoma", "neurofibroma"]
    index = ConceptIndex([Concept("tumor", "Sciatic nerve tumor (schwannoma or neurofibroma)", ()),
                          Concept("mature", "Skeletally mature (ischial apophysis fused)", ())])
    assert said(index, "sciatic nerve tumor") == {"tumor": "+"}
    assert said(index, "schwannoma") == {"tumor": "+"}
    assert said(index, "ischial apophysis fused") == {"mature": "+"}


@pytest.mark.parametrize("label", [
    "Sciatic nerve passing through the piriformis (a variant)",
    "Pain over the sitting bone (ischial area)",
    "CT of the proximal femur (shape, version, distance)",
])
def test_a_short_aside_only_explains(label):
    forms = label_forms(label)
    assert forms[:2] == [label, label[: label.index(" (")]]
    assert len(forms) == 2
    index = ConceptIndex([Concept("c", label, ())])
    aside = label[label.index("(") + 1 : -1]
    assert said(index, aside) == {}


# -- spare adverbs ----------------------------------------------------------------------------


def test_only_and_yet_do_not_change_what_a_term_names():
    index = ConceptIndex([Concept("late", "Surgery only if conservative care fails", ()),
                          Concept("immature", "Apophysis not yet fused", ())])
    assert said(index, "surgery if conservative care fails") == {"late": "+"}
    assert said(index, "apophysis not fused") == {"immature": "+"}
    assert said(index, "surgery if conservative care works") == {}


# -- a term across the commas of a list -------------------------------------------------------


def test_a_term_reaches_across_the_commas_of_a_list():
    index = ConceptIndex([Concept("ext-add", "Pain on extension and adduction", ()),
                          Concept("qf", "Quadratus femoris edema", ()),
                          Concept("ham-edema", "Hamstring edema", ())])
    assert said(index, "pain on extension, adduction and external rotation") == {"ext-add": "+"}
    # Half an item is not the term: "edema, hamstring" does not make a hamstring edema.
    assert "ham-edema" not in said(index, "QF edema, hamstring tendinopathy and bursitis")
    # A comma that is no list's still ends the term.
    assert said(index, "pain on extension, adduction is fine") == {}


# -- a mention inside a longer one is denied with it -----------------------------------------


def test_a_shorter_mention_inside_a_denied_longer_one_is_denied_too():
    index = ConceptIndex([Concept("sn-edema", "Sciatic nerve edema", ()),
                          Concept("no-sn-edema", "No sciatic nerve edema", ())],
                         topic=("sciatic",))
    analysis = index.find("no sciatic nerve edema")
    assert all(m.negated for m, _ in analysis.shadowed if m.concept == "sn-edema")


# -- a slip in a word the shared tables rewrite ---------------------------------------------


def test_a_slip_in_a_shared_key_reads_as_the_key():
    index = ConceptIndex([Concept("avn", "Avascular necrosis", ()),
                          Concept("normal-mri", "Lumbar MRI unremarkable", ())])
    assert said(index, "avascular nercosis") == {"avn": "+"}
    assert said(index, "lumbar MRI unremarkble") == {"normal-mri": "+"}
    # Another ending is another word, not a slip: "operation" is not "operative".
    from tutor.matching.tokens import misspelt_rewrite

    assert misspelt_rewrite(("unremarkble",)) == ("normal", ("unremarkable",))
    assert misspelt_rewrite(("sprinter",)) is None
    assert misspelt_rewrite(("operation",)) is None
    assert said(index, "avascular") == {}
    bright = ConceptIndex([Concept("bright", "Hyperintense tendon", ())])
    assert said(bright, "hyperintnse tendon") == {"bright": "+"}
    assert said(bright, "hypointense tendon") == {}


# -- parts of a longer term of the same stage ----------------------------------------------


def test_expected_parts_of_a_coordinated_term_keep_their_credit():
    from tutor.cases.library import load_case
    from tutor.grading import CaseGrader

    grader = CaseGrader(load_case("qf-edema-not-ifi"))
    grade = grader.grade("management", "rest and physiotherapy")
    assert {"rest", "physiotherapy"} <= set(grade.matched)
    # A part that is a wrong answer stays inside the longer one.
    both = CaseGrader(load_case("hamstring-tendinopathy-bursitis")).grade(
        "differential", "hamstring tendinopathy and ischial bursitis")
    assert "bursitis-with-tendinopathy" in both.matched
    assert "ischial-bursitis" not in both.misconceptions


def test_a_part_joined_by_and_to_the_rest_of_a_longer_term_keeps_its_credit():
    from tutor.cases.library import load_case
    from tutor.grading import CaseGrader

    grader = CaseGrader(load_case("hamstring-tendinopathy-bursitis"))
    both = grader.grade("examination", "tender lateral and posterior to the ischial tuberosity")
    assert {"hamstring-site-tenderness", "lateral-ischial-tenderness"} <= set(both.matched)
    # The words left out must be the other conjunct: "posterior" alone says nothing lateral.
    behind = grader.grade("examination", "tender posterior to the ischial tuberosity")
    assert "lateral-ischial-tenderness" not in behind.matched


# -- a kind names its class, unless a concept names the kind itself ------------------------


def test_a_kind_names_its_class_only_where_no_concept_names_the_kind():
    neoplasm = Concept("neoplasm", "Neoplasm", ("malignancy",))
    assert said(ConceptIndex([neoplasm]), "metastasis") == {"neoplasm": "+"}
    assert said(ConceptIndex([neoplasm]), "no metastasis") == {"neoplasm": "-"}
    both = ConceptIndex([neoplasm, Concept("mets", "Metastasis", ())])
    assert said(both, "metastasis") == {"mets": "+"}
    # "tumour" alone is not the neoplasm (a benign mass is a tumour too).
    assert said(ConceptIndex([neoplasm]), "tumour") == {}


# -- several numbers for one measured thing --------------------------------------------------


def test_each_number_of_one_measured_thing_is_read():
    from tutor.model import Measure

    narrow = Concept("narrow-ifs", "Narrow ischiofemoral space",
                     measure=Measure(of=("IFS",), unit="mm", below=17.0, above=None))
    index = ConceptIndex([narrow])
    assert said(index, "IFS 21 mm on the right and 13 mm on the left") == {"narrow-ifs": "+"}
    assert said(index, "IFS 21 mm R, 13 mm L") == {"narrow-ifs": "+"}
    assert said(index, "IFS 21 mm on the right and 19 mm on the left") == {"narrow-ifs": "-"}
    # Another measured thing takes its own number: the QFS's 6 mm is no IFS.
    assert said(index, "IFS 21 mm, QFS 6 mm") == {"narrow-ifs": "-"}


# -- a denial goes without size and side ---------------------------------------------------


def test_a_denial_goes_without_size_and_side_a_statement_does_not():
    index = ConceptIndex([Concept("effusion", "Small left hip joint effusion", ()),
                          Concept("stress", "Stress fracture", ())])
    assert said(index, "no effusion") == {"effusion": "-"}
    assert said(index, "effusion") == {}
    assert said(index, "small left hip effusion") == {"effusion": "+"}
    # A word that names a kind is no qualifier: "no fracture" is not "no stress fracture".
    assert said(index, "no fracture") == {}


# -- words the shared tables know, in other forms -------------------------------------------


@pytest.mark.parametrize("answer, expected", [
    ("no falls", {"no-trauma": "+"}),  # the key "fall", plural
    ("no fall", {"no-trauma": "+"}),
    ("3rd trimester", {"third": "+"}),
    ("small L hip effusion", {"effusion": "+"}),  # L for left, in capitals
    ("reduce weight bearing", {"rwb": "+"}),  # reduce / reduced
    ("protected wt bearing", {"rwb": "+"}),
])
def test_shared_words_in_other_forms(answer, expected):
    index = ConceptIndex([Concept("no-trauma", "No history of trauma", ("no fall",)),
                          Concept("third", "Third trimester of pregnancy", ()),
                          Concept("effusion", "Small left hip joint effusion", ()),
                          Concept("rwb", "Reduced weight bearing", ("protected weight bearing",))])
    assert said(index, answer) == expected


def test_the_l_of_a_vertebra_is_no_side():
    index = ConceptIndex([Concept("left", "Left sided pain", ()), Concept("l5", "L5 radiculopathy", ())])
    assert "left" not in said(index, "L5 radiculopathy")
    assert said(index, "L sided pain") == {"left": "+"}
    assert "left" not in said(index, "l spine pain")


# -- another place after a whole term --------------------------------------------------------


def test_a_term_said_of_another_place_is_not_this_one():
    index = ConceptIndex([Concept("septic", "Septic arthritis", ()),
                          Concept("onfh", "Osteonecrosis of the femoral head", ())],
                         topic=("femoral",))
    assert said(index, "septic arthritis") == {"septic": "+"}
    assert said(index, "septic arthritis of the knee") == {}
    assert said(index, "osteonecrosis of the humeral head") == {}
    assert said(index, "osteonecrosis") == {"onfh": "+"}
    # A place the case is about does not stop its own terms.
    fracture = ConceptIndex([Concept("stress", "Stress fracture", ())], topic=("femoral",))
    assert said(fracture, "stress fracture of the femoral neck") == {"stress": "+"}


# -- the side of the case ------------------------------------------------------------------

SIDED = b"""format: 1
id: sided
title: Sided
source: seeds/004
side: left
concepts:
  marrow-edema: {label: Bone marrow edema of the femoral head, synonyms: [femoral head marrow edema]}
  toh: {label: Transient osteoporosis of the hip, synonyms: [TOH]}
  right-normal: {label: Normal right hip, synonyms: [right hip normal]}
  third: {label: Third trimester of pregnancy, synonyms: [late pregnancy]}
stages:
  - {id: findings, kind: findings, ask: "Findings?", expect: [marrow-edema, right-normal], explain: E}
  - {id: diagnosis, kind: diagnosis, ask: "Diagnosis?", expect: [toh], explain: E}
  - {id: history, kind: history, ask: "History?", expect: [third], explain: E}
"""


@pytest.mark.parametrize("stage, answer, matched", [
    ("findings", "femoral head marrow edema on the left", ("marrow-edema",)),
    ("findings", "left femoral head marrow edema", ("marrow-edema",)),
    ("findings", "femoral head marrow edema", ("marrow-edema",)),
    ("findings", "right femoral head marrow edema", ()),  # the other side only
    ("findings", "left femoral head marrow edema, right hip normal", ("marrow-edema", "right-normal")),
    ("diagnosis", "transient osteoporosis of the right hip", ()),
    ("diagnosis", "TOH", ("toh",)),
    ("history", "late pregnancy, right hip fine", ("third",)),  # no part of the body: no side
])
def test_a_finding_said_of_the_other_side_only_is_not_credited(stage, answer, matched):
    from tutor.cases.loading import load_case_bytes
    from tutor.grading import CaseGrader

    grade = CaseGrader(load_case_bytes(SIDED, "sided.yaml")).grade(stage, answer)
    assert grade.matched == matched


# -- a shared concept no stage uses is a twin, not a rival -----------------------------------


def test_a_shared_twin_no_stage_uses_does_not_block_a_short_form():
    case_concept = Concept("old-avulsion", "Old ischial apophyseal avulsion", ())
    shared = Concept("apophyseal-avulsion", "Apophyseal avulsion", ("old apophyseal avulsion",))
    twin = ConceptIndex([case_concept, shared], topic=("ischial",), in_play=("old-avulsion",))
    assert said(twin, "old apophyseal avulsion")["old-avulsion"] == "+"
    # When a stage uses the shared concept too, the words are ambiguous and the short form waits.
    rival = ConceptIndex([case_concept, shared], topic=("ischial",), in_play=("old-avulsion", "apophyseal-avulsion"))
    assert "old-avulsion" not in said(rival, "old apophyseal avulsion")


def test_a_plan_that_settles_is_not_a_relieved_pain():
    index = ConceptIndex([Concept("rwb", "Reduced weight bearing", ()), Concept("sit", "Pain when sitting", ())])
    assert said(index, "reduced weight bearing while it settles") == {"rwb": "+"}
    assert said(index, "pain better when sitting") == {}
