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
