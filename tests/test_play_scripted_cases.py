"""Whole cases played through a pipe the way a learner would answer them.

Each script answers every stage, sends an empty line after a passing answer
(which moves on from a passed stage and is ignored otherwise), and checks what
the case is there to teach: the discriminator a wrong diagnosis meets, the
anchors a report stage reads, the measurements it reads against thresholds.
"""

from __future__ import annotations

from test_play import assert_clean_ending, play


def stage_scores(out: list[str]) -> dict[str, str]:
    """The summary table's rows: stage name -> result column."""
    start = next(i for i, line in enumerate(out) if line.startswith("## Summary: "))
    rows = {}
    for line in out[start + 1 :]:
        cells = line.split()
        if len(cells) >= 3 and cells[-1].isdigit() and cells[-2].endswith("%"):
            rows[" ".join(cells[:-3])] = cells[-3]
    return rows


def test_dgs_not_piriformis_reaches_the_radiculopathy_contrast_and_ends(tmp_path):
    lines = [
        "previous discectomy, sciatica came back after surgery, lumbar MRI normal, worse with sitting",
        "",
        "cyst from the posterior hip capsule pressing on the sciatic nerve, sciatic nerve edema below it, symmetric piriformis",
        "",
        "recurrent radiculopathy, double crush, piriformis syndrome, fibrovascular band, schwannoma",
        "",
        "recurrent lumbar radiculopathy",
        "deep gluteal syndrome from the cyst, double crush",
        "",
        "piriformis release",
        "conservative, nerve gliding, guided injection, sciatic nerve release if conservative treatment fails",
        "",
    ]
    result = play("dgs-not-piriformis", lines, tmp_path)
    out = assert_clean_ending(result)
    # The wrong diagnosis meets the shared discriminator deep gluteal syndrome vs radiculopathy.
    assert "Compare with Deep gluteal syndrome" in result.flat
    assert "a spinal lesion does not exclude a second, gluteal one" in result.flat
    # Naming the piriformis as the cause of the release is answered, not ignored.
    assert "Piriformis tendon release is the operation for piriformis syndrome" in result.flat
    assert set(stage_scores(out).values()) == {"passed"}


def test_ifi_valgus_hip_report_reads_measurements_against_thresholds_and_names_the_missing_anchors(tmp_path):
    lines = [
        "long stride pain relieved by short steps, positive IFI test",
        "",
        "narrow IFS and QFS on the right with QF edema, coxa valga",
        "",
        "hamstring tendinopathy, ischial bursitis, DGS",
        "",
        "DGS",
        "IFI with coexisting hamstring tendinopathy from coxa valga",
        "",
        "resection of the lesser trochanter",
        "shorter strides, abductor strengthening, guided injection",
        "",
        "IFS 12 mm, QFS 6 mm. QF edema. No hip effusion.",
        "Sciatic nerve normal. Posterior labrum intact. Thickened hamstring tendon, no hamstring tear.",
        "",
    ]
    result = play("ifi-valgus-hip", lines, tmp_path)
    out = assert_clean_ending(result)
    flat = result.flat
    # Measurements are read against the thresholds, not just spotted.
    assert "(you wrote “IFS 12 mm”)" in flat and "12 mm is under 17 mm, so narrow" in flat
    assert "(you wrote “QFS 6 mm”)" in flat and "6 mm is under 8 mm, so narrow" in flat
    # A stated absence reports the effusion anchor.
    assert "(you wrote “No hip effusion”)" in flat
    # The anchor left out is named.
    report = flat[flat.index("Stage 6 of 6") :]
    assert "also name:" in report and "No bone marrow edema at the ischial tuberosity" in report
    # A first-line resection meets its own reply; the coexisting tendinopathy is credited, not penalised.
    assert "Not first. Partial resection of the lesser trochanter" in flat
    assert "good that you report both" in flat
    assert set(stage_scores(out).values()) == {"passed"}


def test_ifi_valgus_hip_report_does_not_read_a_wide_space_as_narrow(tmp_path):
    lines = ["/skip"] * 5 + ["IFS 22 mm, QFS 12 mm, no hip effusion", "/skip"]
    result = play("ifi-valgus-hip", lines, tmp_path)
    assert_clean_ending(result)
    report = result.flat[result.flat.index("Stage 6 of 6") :]
    assert "Narrow ischiofemoral space (you wrote" not in report
    assert "You wrote “IFS 22 mm”. Are you sure?" in report
    assert "Hip joint effusion (you wrote “no hip effusion”)" in report


def test_toh_recurrent_plays_to_a_report_that_credits_stated_absences(tmp_path):
    lines = [
        "previous episode in the right hip, middle-aged man, worse with weight bearing",
        "",
        "osteopenia of the femoral head; diffuse marrow edema ending sharply at the intertrochanteric region; no crescent sign",
        "",
        "AVN, stress fracture, septic arthritis",
        "",
        "AVN",
        "recurrent transient osteoporosis of the hip, self-limiting",
        "",
        "core decompression",
        "crutches, analgesia, follow-up MRI",
        "",
        "Diffuse marrow edema of the femoral head and neck, sharply demarcated at the intertrochanteric region. "
        "No crescent sign. No fracture line. No effusion.",
        "Impression: transient osteoporosis. Follow-up MRI.",
        "",
    ]
    result = play("toh-recurrent", lines, tmp_path)
    out = assert_clean_ending(result)
    flat = result.flat
    # Calling it osteonecrosis meets the shared contrast; surgery meets its own reply.
    assert "Compare with Transient osteoporosis of the hip" in flat
    assert "spares him an unnecessary intervention" in flat
    report = flat[flat.index("Stage 6 of 6") :]
    # In the report, stated absences are findings: no effusion reports the effusion anchor.
    assert "Hip joint effusion (you wrote “No effusion”)" in report
    assert "No crescent-shaped subchondral defect (you wrote “No crescent sign”)" in report
    assert "also name:" in report and "Femoral head contour preserved" in report
    assert set(stage_scores(out).values()) == {"passed"}
