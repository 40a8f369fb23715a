"""The cases added for issue 9, played end to end through a pipe as a learner would.

Each script answers every stage, sends an empty line to move on from a passed stage (the
format page: a passed stage stays open until the learner moves on), and checks what a
learner must meet on the way: the shared discriminator a stage reaches, the report
anchors of a report stage, and the summary with its score.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120


def play(case_id: str, lines: list[str], tmp_path: Path) -> str:
    env = {
        "TUTOR_DATA_DIR": str(tmp_path / "data"),
        "TUTOR_CONFIG_DIR": str(tmp_path / "config"),
        "PYTHONPATH": str(REPO),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "play", case_id],
        input="".join(line + "\n" for line in lines).encode(),
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=TIMEOUT,
    )
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + result.stderr.decode("utf-8", "replace")
    assert "\x1b" not in out
    return out


def summary_score(out: str) -> int:
    last = out.rstrip("\n").splitlines()[-1]
    assert last.startswith("Score: ") and last.endswith("%"), last
    return int(last.removeprefix("Score: ").removesuffix("%"))


def flat(out: str) -> str:
    return " ".join(out.split())


# ---------------------------------------------------------------- hamstring-tendinopathy-bursitis

TENDINOPATHY_STRONG = [
    "chronic sitting pain at the ischial tuberosity in a runner, no trauma, no radiating pain",
    "",
    "positive active knee flexion test: pain and weakness at 30 degrees; tender ischial tuberosity,"
    " tender lateral to the ischial tuberosity;"
    " negative IFI test, long strides painless, piriformis tests negative, no medial tenderness",
    "",
    "thickened hamstring tendon, fluid in the ischial bursa, ischial marrow edema, pertendinitis,"
    " hamstrings intact, IFS 23 mm",
    "",
    "both: tendinopathy with bursitis; isolated bursitis is uncommon; any visible fluid in the bursa is abnormal",
    "",
    "chronic proximal hamstring tendinopathy with ischial bursitis and enthesopathy",
    "",
    "conservative: rest, activity modification, NSAIDs, physiotherapy, US-guided injection into the ischial bursa;"
    " surgery only as a last resort",
    "",
]


def test_hamstring_tendinopathy_case_plays_to_the_end_with_full_marks(tmp_path):
    out = play("hamstring-tendinopathy-bursitis", TENDINOPATHY_STRONG, tmp_path)
    assert out.count("That completes this stage.") == 6
    assert "## Summary: " in out
    assert summary_score(out) == 100


def test_hamstring_tendinopathy_case_shows_the_bursitis_mimic_pair_for_bursitis_alone(tmp_path):
    lines = ["/skip", "/skip", "/skip", "ischial bursitis", "both", ""]
    out = play("hamstring-tendinopathy-bursitis", lines, tmp_path)
    text = flat(out)
    # The shared discriminator bursitis-vs-hamstring (seed 000, mimic pair 3) reaches the learner.
    assert "Compare with" in out and "Tell apart" in out
    assert "Most patients have both; report both." in text
    assert "A normal ischial bursa holds no fluid that MRI can see" in text
    assert "Stage passed." in out  # "both" passes; the empty line moves on
    assert summary_score(out) < 100


def test_hamstring_tendinopathy_case_teaches_the_knee_flexion_tests(tmp_path):
    out = play("hamstring-tendinopathy-bursitis", ["/skip", "/hint", "/hint", "/skip"], tmp_path)
    text = flat(out)
    # The ladder starts with the author's first hint.
    assert "Hint 1: Which test was done seated, from two different knee angles?" in text
    # The model answer names the 30 and 90 degree tests and the other tests of seed 002.
    for phrase in ("from 30°", "from 90°", "IFI test", "long-stride walking test", "piriformis tests"):
        assert phrase in text


def test_hamstring_tendinopathy_case_reads_a_wrongly_positive_test_as_a_misreading(tmp_path):
    out = play("hamstring-tendinopathy-bursitis", ["/skip", "positive long stride walking test"], tmp_path)
    assert "He walked with long strides in comfort." in flat(out)


# ---------------------------------------------------------------- apophyseal-avulsion-adolescent

AVULSION_STRONG = [
    "acute injury during sprinting in a skeletally immature sprinter, no prior pain",
    "",
    "displaced bone fragment with the hamstring tendons attached to the fragment,"
    " unfused apophysis on the left, hamstring tendons intact, IFS 14 mm",
    "",
    "apophyseal avulsion, avulsion fracture of the ischium, hamstring tendon avulsion;"
    " depends on skeletal maturity: the apophysis is the weak link",
    "",
    "displaced ischial apophyseal avulsion",
    "",
    "surgical referral for early repair; if missed, chronic pain and disability, and later IFI",
    "",
]


def test_adolescent_avulsion_case_plays_to_the_end_with_full_marks(tmp_path):
    out = play("apophyseal-avulsion-adolescent", AVULSION_STRONG, tmp_path)
    assert out.count("That completes this stage.") == 5
    assert summary_score(out) == 100


def test_adolescent_avulsion_case_keeps_the_three_failures_apart_by_age(tmp_path):
    lines = ["/skip", "/skip", "/skip", "avulsion fracture of the ischial tuberosity",
             "hamstring tendon avulsion", "ischial apophyseal avulsion", ""]
    out = play("apophyseal-avulsion-adolescent", lines, tmp_path)
    text = flat(out)
    # The adult avulsion fracture gets the case's own contrast, the tendon avulsion the shared one.
    assert "An avulsion fracture of the ischium itself is the rare injury of a skeletally mature patient." in text
    assert "In a skeletally mature patient the tendons themselves usually tear off" in text
    assert out.count("Compare with") == 2
    # The third try names the diagnosis the cards showed, which passes the stage at a hint's price.
    assert "Credited: Ischial apophyseal avulsion." in text and "the stage is passed" in text


def test_adolescent_avulsion_case_does_not_penalise_the_seeds_own_name(tmp_path):
    lines = ["/skip", "/skip", "/skip", "ischial apophyseal avulsion (hamstring avulsion)", ""]
    out = play("apophyseal-avulsion-adolescent", lines, tmp_path)
    assert "Compare with" not in out
    assert "Correct, an acute avulsion of the right ischial apophysis." in flat(out)


# ---------------------------------------------------------------- qf-edema-not-ifi

QF_REPORT = (
    "Right IFS 21 mm, QFS 11 mm; left IFS 13 mm, QFS 6 mm; hips in neutral. Right QF edema."
    " Partial tear of the conjoint tendon, semimembranosus intact. Sciatic nerves normal."
    " Posterior labrum intact. Ischial marrow normal. No hip joint effusion."
)
QF_STRONG = [
    "hamstring injury six weeks ago, long strides painless, negative IFI test, left hip asymptomatic,"
    " tender behind the ischial tuberosity, sitting pain",
    "",
    "right QF edema, partial tear of the conjoint tendon, SM intact, right IFS 21 mm, QFS 11 mm;"
    " left IFS 13 mm, QFS 6 mm, normal QF on the left",
    "",
    "hamstring injury, radiation, proximal femoral fracture, anatomical variation",
    "",
    "not IFI; right partial hamstring tear with secondary QF edema; left asymptomatic narrow IFS",
    "",
    "rest, activity modification, NSAIDs, physiotherapy, conservative; no treatment for the left hip;"
    " endoscopic repair if conservative treatment fails",
    "",
    QF_REPORT,
    "",
]


def test_qf_edema_case_plays_to_the_end_with_full_marks(tmp_path):
    out = play("qf-edema-not-ifi", QF_STRONG, tmp_path)
    assert out.count("That completes this stage.") == 6
    assert summary_score(out) == 100


def test_qf_edema_report_credits_stated_absences_and_names_the_missing_anchor(tmp_path):
    # Skip to the report; state two anchors as absent and one measurement on the normal side.
    lines = ["/skip"] * 5 + ["IFS 21 mm on the right; right QF edema; no hip joint effusion; no sciatic nerve edema"]
    out = play("qf-edema-not-ifi", lines, tmp_path)
    text = flat(out)
    assert "Credited:" in out
    assert "21 mm on the right is above 17 mm (normal); 13 mm on the left is below it (narrow)." in text
    assert "Yes, the hip joint effusion anchor, stated present or absent." in text
    assert "sciatic nerve signal normal on both sides." in text
    # When the stage ends, the anchors not written are named: the other distance, the labrum, the marrow.
    not_named = flat(out.split("Not named:")[-1].split("Model answer:")[0])
    for anchor in ("Quadratus femoris space measured in mm", "No posterior labral tear",
                   "No bone marrow edema at the ischial tuberosity", "Partial proximal hamstring tear"):
        assert anchor in not_named
    for reported in ("Ischiofemoral space measured in mm", "Hip joint effusion", "No sciatic nerve edema"):
        assert reported not in not_named


def test_qf_edema_report_wants_the_distance_in_millimetres(tmp_path):
    out = play("qf-edema-not-ifi", ["/skip"] * 5 + ["narrow IFS on the left, normal on the right"], tmp_path)
    not_named = flat(out.split("Not named:")[-1].split("Model answer:")[0])
    assert "Ischiofemoral space measured in mm" in not_named


def test_qf_edema_case_answers_ifi_with_the_criteria(tmp_path):
    out = play("qf-edema-not-ifi", ["/skip"] * 3 + ["left IFI", "not IFI; partial hamstring tear", ""], tmp_path)
    text = flat(out)
    assert "A narrow space below 17 mm is not enough on its own." in text
    assert "Right: neither hip has IFI." in text
