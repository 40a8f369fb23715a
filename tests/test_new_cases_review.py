"""The findings of the independent review of the six new cases (docs/reviews/new-cases-review.md).

Each wrong-credit synonym (NW…) and misgraded answer (NR…) the review fixed in a case file is
graded here as a learner would meet it: the answer must now earn, or not earn, what the seeds
support. Claims the review removed because no seed holds them must stay out of the cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.cases.library import load_case
from tutor.grading import CaseGrader

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "dialogues" / "cases"

_graders: dict[str, CaseGrader] = {}


def grade(case_id: str, stage: str, answer: str):
    if case_id not in _graders:
        _graders[case_id] = CaseGrader(load_case(case_id))
    return _graders[case_id].grade(stage, answer)


# ---------------------------------------------------------------- wrong credit


def test_nw2_tenderness_medial_to_the_tuberosity_is_not_the_hamstring_site():
    # Seed 002: hamstring pathology is tender "lateral or posterior"; medial is the pudendal sign.
    for answer in ("tender medial to the ischial tuberosity",
                   "pain on palpation medial to the ischial tuberosity"):
        result = grade("hamstring-tendinopathy-bursitis", "examination", answer)
        assert "hamstring-site-tenderness" not in result.matched, answer
        assert result.misconceptions == ("medial-ischial-tenderness",), answer
    denied = grade("hamstring-tendinopathy-bursitis", "examination", "no tenderness medial to the ischium")
    assert "no-medial-tenderness" in denied.matched
    assert denied.misconceptions == ()


@pytest.mark.parametrize("stage, answer", [
    ("findings", "trochanteric bursal fluid"),
    ("findings", "fluid in the trochanteric bursa"),
    ("findings", "obturator internus bursa fluid"),
    ("diagnosis", "trochanteric bursitis"),
    ("diagnosis", "obturator internus bursitis"),
    ("differential", "trochanteric bursitis"),
])
def test_nw4_nw5_another_bursa_does_not_earn_the_ischial_one(stage, answer):
    # Seed 000 keeps the ischial, trochanteric and obturator internus bursae apart.
    result = grade("hamstring-tendinopathy-bursitis", stage, answer)
    assert not {"ischial-bursitis", "ischial-bursal-fluid"} & set(result.matched)
    assert result.misconceptions == ("other-bursa",)


def test_nw4_the_ischial_bursa_in_context_still_earns_its_credit():
    assert "ischial-bursal-fluid" in grade("hamstring-tendinopathy-bursitis", "findings", "ischial bursal fluid").matched
    both = grade("hamstring-tendinopathy-bursitis", "diagnosis", "PHT with bursitis, not trochanteric bursitis")
    assert set(both.matched) == {"hamstring-tendinopathy", "ischial-bursitis"}
    assert both.misconceptions == ()


def test_nw7_the_reverse_of_the_weak_link_is_not_credited():
    # Seed 001: the cartilaginous apophysis-to-bone link is weaker than tendon-to-apophysis.
    for answer in ("tendon weaker than the apophysis", "the tendon is weaker than the cartilage"):
        assert "weak-link" not in grade("apophyseal-avulsion-adolescent", "differential", answer).matched, answer
    assert "weak-link" in grade("apophyseal-avulsion-adolescent", "differential",
                                "the apophysis is the weak link before it fuses").matched


def test_nw8_a_tear_of_the_intact_semimembranosus_is_not_the_conjoint_tendon_tear():
    for stage in ("findings", "diagnosis", "report"):
        result = grade("qf-edema-not-ifi", stage, "partial tear of the semimembranosus")
        assert "partial-hamstring-tear" not in result.matched, stage
        assert result.misconceptions == ("semimembranosus-tear",), stage
    right = grade("qf-edema-not-ifi", "findings", "partial tear of the conjoint tendon, SM intact")
    assert set(right.matched) == {"partial-hamstring-tear", "semimembranosus-intact"}


def test_nw3_tenderness_lateral_to_the_tuberosity_is_not_his_posterior_tenderness():
    result = grade("qf-edema-not-ifi", "history", "tender lateral to the ischial tuberosity")
    assert "posterior-ischial-tenderness" not in result.matched
    assert result.misconceptions == ("lateral-ischial-tenderness",)
    assert "posterior-ischial-tenderness" in grade("qf-edema-not-ifi", "history",
                                                   "tender behind the ischial tuberosity").matched


def test_nw11_a_piriformis_variant_is_not_the_nerve_passing_through_it():
    # Seed 000 calls the accessory piriformis a variant as well.
    assert grade("dgs-not-piriformis", "findings", "piriformis variant").matched == ()
    assert "nerve-through-piriformis" in grade(
        "dgs-not-piriformis", "findings", "sciatic nerve through the piriformis, a variant").matched


def test_nw12_any_ct_is_not_the_ct_of_the_proximal_femur():
    assert "ct-proximal-femur" not in grade("ifi-valgus-hip", "management", "CT scan of the lumbar spine").matched
    assert "ct-proximal-femur" in grade("ifi-valgus-hip", "management", "CT for femoral version").matched
    assert grade("ifi-valgus-hip", "management", "CT-guided injection").matched == ("guided-injection",)


@pytest.mark.parametrize("case_id, concept", [
    ("ifi-valgus-hip", "lesser-trochanter-resection"),
    ("qf-edema-not-ifi", "endoscopic-repair-if-refractory"),
])
def test_nw13_nw14_surgery_as_a_last_resort_earns_a_concept_that_says_only_that(case_id, concept):
    case = load_case(case_id)
    assert case.concepts[concept].label.startswith("Surgery only")
    result = grade(case_id, "management", "surgery as a last resort")
    assert result.matched == (concept,)
    assert result.misconceptions == ()


def test_nw15_bilateral_ifi_is_not_the_right_sided_diagnosis():
    # The case's own explain: the narrow left side "is anatomy, not IFI".
    for answer in ("bilateral IFI", "IFI on both sides"):
        result = grade("ifi-valgus-hip", "diagnosis", answer)
        assert "ifi" not in result.matched, answer
        assert result.misconceptions == ("bilateral-ifi",), answer
    assert grade("ifi-valgus-hip", "diagnosis", "right IFI, not bilateral IFI").misconceptions == ()


def test_nw16_a_recurrence_in_the_same_hip_is_not_his_recurrence():
    # Seed 004: "Recurrence is possible in the same or in a different joint"; his was the other hip.
    result = grade("toh-recurrent", "diagnosis", "TOH, recurrence in the same hip")
    assert "recurrence-other-hip" not in result.matched
    assert result.misconceptions == ("recurrence-same-hip",)
    assert "recurrence-other-hip" in grade("toh-recurrent", "diagnosis", "recurrent TOH").matched


# ---------------------------------------------------------------- misgraded good answers


@pytest.mark.parametrize("case_id, concept", [
    ("ifi-valgus-hip", "asymptomatic-narrow-ifs"),
    ("qf-edema-not-ifi", "narrow-ifs-not-ifi"),
])
def test_nr1_nr2_the_narrow_left_side_called_an_anatomical_variant_is_credited(case_id, concept):
    # Seed 000: "anatomical variation 可使 IFS physiologically narrow".
    result = grade(case_id, "diagnosis", "left narrow IFS is an anatomical variant")
    assert concept in result.matched


def test_nr3_the_cannot_miss_diagnoses_of_seed_000_earn_credit_when_asked_for():
    result = grade("ifi-valgus-hip", "differential",
                   "sciatic nerve tumor, acetabular stress fracture, septic arthritis")
    assert set(result.matched) == {"sciatic-nerve-tumor", "acetabular-stress-fracture", "septic-arthritis"}


def test_nr4_tendons_not_torn_reports_the_intact_hamstrings():
    for answer in ("no tendon tear", "tendons not torn"):
        assert "no-hamstring-tear" in grade("apophyseal-avulsion-adolescent", "findings", answer).matched, answer


@pytest.mark.parametrize("answer", [
    "surgical treatment in the acute setting", "operate early", "surgery if displaced",
])
def test_nr5_nr9_surgery_in_the_acute_setting_earns_early_repair(answer):
    # Seed 001: "Displaced injuries of the ischial apophysis … probably best treated surgically in
    # the acute setting".
    assert "early-repair" in grade("apophyseal-avulsion-adolescent", "management", answer).matched


# ---------------------------------------------------------------- removed claims and terms


def case_text(case_id: str) -> str:
    return (CASES / f"{case_id}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("case_id, words", [
    ("apophyseal-avulsion-adolescent", "A strain is an injury of the muscle"),  # AA13, in no seed
    ("apophyseal-avulsion-adolescent", "the other side: an unfused"),  # AA17, in no seed
    ("apophyseal-avulsion-adolescent", "Both are often first called"),  # AA18, 001 says it of one
    ("dgs-not-piriformis", "best-known cause"),  # DG24, in no seed
    ("dgs-not-piriformis", "which is why the operation did not end"),  # DG22, overstated
    ("ifi-valgus-hip", "bony set-up a surgeon"),  # VH28, in no seed
    ("ifi-valgus-hip", "one of the most accurate"),  # VH7, 002 says "very accurate"
    ("toh-recurrent", "the most telling fact"),  # TR5, no seed ranks it
    ("hamstring-tendinopathy-bursitis", "the leg gives way"),  # HB11, 002 says weakness
    ("qf-edema-not-ifi", "電療"),  # NZ3, also electrotherapy in Taiwan
    ("qf-edema-not-ifi", "中立位\n"),  # NZ1, mainland usage
    ("ifi-valgus-hip", "中立位\n"),  # NZ1
    ("apophyseal-avulsion-adolescent", "骨突未癒合"),  # NZ2, an apophysis does not heal, it fuses
])
def test_claims_and_terms_the_review_removed_stay_out(case_id, words):
    assert words not in case_text(case_id)
