"""A denial of the general thing denies the specific concept; saying the general thing states nothing.

"no injection" is no injection of any kind, so it denies the "Image-guided injection"; "injection"
alone does not state that the injection is image-guided. Each rule has a case it credits and a
near miss it must not.
"""

from __future__ import annotations

import pytest

from tutor.matching.index import ConceptIndex
from tutor.model import Concept

CONCEPTS = [
    Concept("guided-injection", "Image-guided injection", ("ultrasound-guided injection",)),
    Concept("lumbar-surgery", "Lumbar spine surgery"),
    Concept("surgery", "Surgery", ("operation",)),
    Concept("ct-femur", "CT of the proximal femur"),
    Concept("qf-atrophy", "Quadratus femoris atrophy", ("QF atrophy",)),
    Concept("qf-edema", "Quadratus femoris edema", ("QF edema",)),
    Concept("gluteal-atrophy", "Gluteus medius atrophy"),
    Concept("piriformis-tests", "Positive piriformis tests"),
    Concept("stress-fracture", "Stress fracture"),
    Concept("retracted-tendon", "Retracted hamstring tendon"),
    Concept("no-hamstring-tear", "No hamstring tendon tear"),
    Concept("protected-wb", "Protected weight bearing"),
    Concept("radiating-pain", "Pain radiating down the leg"),
    Concept("displaced-fragment", "Displaced bone fragment"),
    Concept("thickness-tear", "Full-thickness labral tear"),
]
INDEX = ConceptIndex(CONCEPTS)


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
        # The head noun denied bare: no injection, CT or fragment of any kind.
        ("no injection needed", {"guided-injection": "-"}),
        ("injection not needed; physiotherapy", {"guided-injection": "-"}),
        ("no CT needed", {"ct-femur": "-"}),
        ("no bone fragment", {"displaced-fragment": "-"}),
        ("no need for a further injection", {"guided-injection": "-"}),
        # The phrase after the head goes: pain radiating anywhere.
        ("pain does not radiate", {"radiating-pain": "-"}),
        # Some of the words before the head may stay: "spine surgery" is the lumbar spine's,
        # and the words left name a kind, so the Surgery itself is not denied.
        ("no spine surgery", {"lumbar-surgery": "-"}),
        # A concept that is those very words takes the denial.
        ("no surgery", {"surgery": "-"}),
        # An absence concept is stated by the general denial of its core.
        ("QF edema, no hamstring tear", {"qf-edema": "+", "no-hamstring-tear": "+"}),
    ],
)
def test_a_general_denial_denies_the_specific_concept(answer, expected):
    assert stance(answer) == expected


@pytest.mark.parametrize(
    "answer, absent",
    [
        # Saying the general thing states nothing specific.
        ("injection", "guided-injection"),
        ("CT", "ct-femur"),
        ("spine surgery", "lumbar-surgery"),
        ("hamstring tear", "no-hamstring-tear"),
        # Another word in front names another thing: the marrow's edema, a piriformis injection.
        ("no marrow edema", "qf-edema"),
        ("no piriformis injection", "guided-injection"),
        # A word that tells concepts apart never goes: "no fracture" is no denial of a stress fracture.
        ("no fracture", "stress-fracture"),
        # Nor the word that states the finding: a piriformis test not done is not a negative one.
        ("no piriformis tests needed", "piriformis-tests"),
        # A structure is not the finding said of it: "Retracted hamstring tendon".
        ("no hamstring tendon thickening", "retracted-tendon"),
        # A prefix makes a word of its own: non-weight bearing is no denial of protected weight bearing.
        ("non-weight bearing", "protected-wb"),
        # A hyphenated word is one word: "thickness tear" is no general form of a full-thickness one.
        ("no thickness tear", "thickness-tear"),
    ],
)
def test_a_near_miss_denies_nothing_specific(answer, absent):
    assert absent not in stance(answer), stance(answer)


def test_a_denial_left_elliptical_is_of_the_structure_named_before():
    # "QF edema but no atrophy": the quadratus femoris carries over; the gluteus medius is not named.
    assert stance("QF edema but no atrophy") == {"qf-edema": "+", "qf-atrophy": "-"}
    # With nothing named before, the denial is of atrophy anywhere.
    assert stance("no atrophy") == {"qf-atrophy": "-", "gluteal-atrophy": "-"}


NORMAL = ConceptIndex([
    Concept("qf-atrophy", "Quadratus femoris atrophy", ("QF atrophy",)),
    Concept("qf-edema", "Quadratus femoris edema", ("QF edema",)),
    Concept("narrow-qfs", "Narrow quadratus femoris space"),
    Concept("ischial-bursitis", "Ischial bursitis"),
    Concept("nerve-edema", "Sciatic nerve edema"),
    Concept("no-nerve-edema", "No sciatic nerve edema", ("normal sciatic nerve",)),
])


def normal_stance(answer: str) -> dict[str, str]:
    return {m.concept: "-" if m.negated else "+" for m in NORMAL.find(answer).mentions}


@pytest.mark.parametrize(
    "answer, expected",
    [
        # "normal X" denies the abnormal findings of X, before or after it.
        ("normal QF muscle", {"qf-atrophy": "-", "qf-edema": "-"}),
        ("QF muscle is normal", {"qf-atrophy": "-", "qf-edema": "-"}),
        ("quadratus femoris: normal", {"qf-atrophy": "-", "qf-edema": "-"}),
        # A concept named with "normal" in its words takes them (its finding is then out of sight
        # of the index; a grader revives it where the question asks only about the finding).
        ("normal sciatic nerve", {"no-nerve-edema": "+"}),
    ],
)
def test_normal_structure_denies_its_abnormal_findings(answer, expected):
    assert normal_stance(answer) == expected


@pytest.mark.parametrize(
    "answer, not_denied",
    [
        ("normal ischial marrow", "ischial-bursitis"),  # the marrow is normal, not the ischium's bursa
        ("QF edema, normal IFS", "qf-atrophy"),  # another thing is normal
        ("not normal QF", "qf-atrophy"),  # a denied normal is no denial
        ("normal QF space", "qf-atrophy"),  # the space beside the muscle is not the muscle
    ],
)
def test_normal_said_of_another_thing_denies_nothing(answer, not_denied):
    assert normal_stance(answer).get(not_denied) != "-", normal_stance(answer)


def test_a_general_denial_said_of_another_place_denies_nothing_here():
    # "no tear of the labrum" states no absence of a hamstring tear; "no hamstring tear" does.
    assert "no-hamstring-tear" not in stance("no tear of the labrum")
    assert "no-hamstring-tear" not in stance("no tear in the left labrum")
    assert stance("no tear of the hamstring") == {"no-hamstring-tear": "+"}


TESTS = ConceptIndex([
    Concept("positive-slr", "Positive straight leg raise", ("positive SLR",)),
    Concept("fair-positive", "FAIR test positive"),
    Concept("sitting-pain", "Pain when sitting"),
])


@pytest.mark.parametrize(
    "answer, expected",
    [
        # A positive test said negative is denied, however the negative is written.
        ("SLR negative", {"positive-slr": "-"}),
        ("neg SLR", {"positive-slr": "-"}),
        ("SLR (-), sitting pain", {"positive-slr": "-", "sitting-pain": "+"}),
        ("straight leg raise negative bilaterally", {"positive-slr": "-"}),
        ("Straight leg raise was not positive", {"positive-slr": "-"}),
        ("FAIR test: negative", {"fair-positive": "-"}),
        # Near misses: the test named alone, or another test negative beside it, says nothing of it.
        ("SLR done", {}),
        ("FAIR test positive, SLR", {"fair-positive": "+"}),
        ("SLR, FAIR test negative", {"fair-positive": "-"}),
    ],
)
def test_a_positive_test_said_negative_is_denied(answer, expected):
    assert {m.concept: "-" if m.negated else "+" for m in TESTS.find(answer).mentions} == expected
