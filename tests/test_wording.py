"""What the learner reads for each engine event, checked on the events themselves."""

from __future__ import annotations

from tutor.render import wording
from tutor.engine import (
    AnswerGraded,
    CaseFinished,
    CaseOpened,
    Contrast,
    Credit,
    HintGiven,
    MisconceptionMet,
    NotRecognised,
    StageClosed,
    StageOpened,
    StageSummary,
    Summary,
)

ESC = "\x1b"

CONTRAST = Contrast(
    this_id="hamstring-tendinopathy",
    this_label="Proximal hamstring tendinopathy",
    other_id="ifi",
    other_label="Ischiofemoral impingement",
    why_confused="Both hurt at the ischial tuberosity.",
    points=(
        "IFI hurts towards the groin and medial buttock; tendinopathy at the sitting bone.",
        "MRI: IFI shows quadratus femoris edema with a narrow space; tendinopathy shows a thick tendon.",
    ),
    trap="They can coexist; report both.",
)


def graded(**changes) -> AnswerGraded:
    fields = dict(
        stage_id="history", answer="atraumatic", attempt=1, attempts_allowed=3, newly_found=(),
        already_found=(), denied_expected=(), credit=0.0, kind="history",
    )
    fields.update(changes)
    return AnswerGraded(**fields)


def test_a_stage_opens_with_its_number_kind_presentation_and_question():
    text = wording.render_event(
        StageOpened(index=1, total=5, stage_id="findings", kind="findings",
                    present="Axial T2 images of both hips.", ask="What do you see?")
    )
    assert text.splitlines()[0] == "## Stage 2 of 5 · Imaging findings"
    assert "Axial T2 images of both hips." in text
    assert text.rstrip().endswith("What do you see?")


def test_credit_quotes_the_learners_words_and_the_authors_feedback():
    text = wording.render_event(
        graded(newly_found=(Credit("ifi", "Ischiofemoral impingement", "IFI", "Named early: good instinct."),)),
        width=None,
    )
    assert text == "Credited: Ischiofemoral impingement (you wrote “IFI”). Named early: good instinct."


def test_several_credits_are_listed_one_per_line():
    text = wording.render_event(
        graded(newly_found=(
            Credit("no-trauma", "No history of trauma", "atraumatic", None),
            Credit("ifi", "Ischiofemoral impingement", "ischiofemoral impingement", None),
        ))
    )
    assert text.splitlines() == [
        "Credited:",
        "- No history of trauma (you wrote “atraumatic”).",
        "- Ischiofemoral impingement.",
    ]


def test_a_denied_expected_concept_is_questioned_without_being_confirmed():
    text = wording.render_event(
        graded(denied_expected=("qf-edema",), denied_evidence=("no quadratus femoris edema",)), width=None
    )
    assert "“no quadratus femoris edema”" in text
    assert "second look" in text
    assert "correct" not in text.casefold() and "Credited" not in text


def test_an_answer_that_adds_nothing_says_so_honestly():
    text = wording.render_event(graded(unexpected_labels=("Hip osteoarthritis",)), width=None)
    assert "Hip osteoarthritis" in text and "Not scored in this question" in text
    assert "Credited" not in text


def test_a_contrast_reads_as_two_columns():
    text = wording.render_contrast(CONTRAST, width=80)
    lines = text.splitlines()
    assert lines[0].split() [:2] == ["You", "said"] and lines[0].endswith("Proximal hamstring tendinopathy")
    assert lines[1].startswith("  Compare with") and lines[1].endswith("Ischiofemoral impingement")
    # Every value starts in the same column; a bullet's continuation hangs two further in.
    column = lines[0].index("Proximal")
    for line in lines:
        key, value = line[:column], line[column:]
        assert key.strip() == "" or key.endswith(" "), line
        assert value[:1] != " " or (value.startswith("  ") and value[2:3] != " "), line
    assert all(len(line) <= 80 for line in lines)
    assert any(line.strip().startswith("Trap") for line in lines)


def test_a_misconception_names_what_was_said_and_shows_the_comparison():
    text = wording.render_event(
        MisconceptionMet("hamstring-tendinopathy", "Proximal hamstring tendinopathy", None, CONTRAST)
    )
    assert text.startswith("Proximal hamstring tendinopathy?")
    assert "Both hurt at the ischial tuberosity." in text
    assert "They can coexist; report both." in text


def test_a_misconception_met_again_is_short():
    text = wording.render_event(
        MisconceptionMet("hip-oa", "Hip osteoarthritis", "Not always osteoarthritis.", None, again=True)
    )
    assert text == "Hip osteoarthritis again? Not always osteoarthritis."


def test_not_recognised_is_honest_and_suggests_a_rephrasing_for_the_stage_kind():
    text = wording.render_event(
        NotRecognised(answer="lovely weather", attempt=1, attempts_allowed=3, kind="findings"),
        width=None,
    )
    assert text.startswith("I did not recognise a finding in that.")
    assert wording.rephrase_suggestion("findings") in text
    assert "Two tries left." in text


def test_every_stage_kind_has_its_own_pump_and_suggestion():
    kinds = ("history", "findings", "differential", "diagnosis", "management")
    assert len({wording.pump(k, False) for k in kinds}) == len(kinds)
    assert len({wording.pump(k, True) for k in kinds}) == len(kinds)
    assert len({wording.rephrase_suggestion(k) for k in kinds}) == len(kinds)
    assert wording.pump(None, True) == "What else?"


def test_the_nudge_counts_in_words_and_calls_out_essential_ones():
    assert wording.nudge_text("findings", 2, 1, 2, progressed=True) == (
        "Good so far: two more findings to pass this stage, one of them essential. Two tries left."
    )
    assert wording.nudge_text("differential", 1, 1, 1, progressed=False) == (
        "Not passed yet: one more diagnosis to go, and it is an essential one. "
        "One try left; /hint (10 points) if you are stuck."
    )


def test_the_hint_before_the_answer_warns_that_the_next_one_reveals():
    text = wording.render_event(
        HintGiven(level=3, text="Which muscle?", reveals_answer=False, levels=4, next_reveals=True)
    )
    assert text.splitlines() == ["Hint 3: Which muscle?", "(That cost 10 points. One more /hint shows the answer, also 10 points.)"]


def test_a_closed_stage_shows_outcome_score_missed_and_model_answer():
    text = wording.render_event(
        StageClosed(stage_id="history", kind="history", outcome="exhausted", explain="The model answer.",
                    score=0.25, found=("no-trauma",), missed=("ifi",), found_labels=("No history of trauma",),
                    missed_labels=("Ischiofemoral impingement",))
    )
    assert text.splitlines() == [
        "That was your last try on this question. Stage score: 25%.",
        "",
        "Not named: Ischiofemoral impingement.",
        "",
        "Model answer: The model answer.",
    ]


def summary(**changes) -> Summary:
    stages = (
        StageSummary("history", "history", "passed", 0.9, 1.0, ("a",), (), ("A finding",), (), 1, 1, (), ()),
        StageSummary("diagnosis", "diagnosis", None, 0.0, 0.0, (), (), (), (), 0, 0, (), ()),
    )
    fields = dict(
        case_id="c", title="Buttock pain", stages=stages, score=0.45, found=("a",), missed=(),
        misconceptions=(), hints_used=1, seconds=252, found_labels=("A finding",),
    )
    fields.update(changes)
    return Summary(**fields)


def test_the_summary_ends_with_the_score_and_tabulates_stages():
    text = wording.render_summary(summary())
    lines = text.splitlines()
    assert lines[-1] == "Score: 45%"
    assert "Hints used: 1. Time: 4 min 12 s." in lines
    history_row = next(line for line in lines if line.strip().startswith("History"))
    assert "passed" in history_row and "90%" in history_row
    diagnosis_row = next(line for line in lines if line.strip().startswith("Final diagnosis"))
    assert "not reached" in diagnosis_row
    assert "Not reached: one stage (scored 0)." in lines
    assert wording.render_event(CaseFinished(summary())) == text


def test_case_text_cannot_reach_the_terminal_as_escape_codes():
    hostile = "Title\x1b[2J\x1b]0;pwned\x07 end\x07"
    texts = [
        wording.render_event(CaseOpened("c", hostile, hostile, ())),
        wording.render_event(StageOpened(0, 1, "s", None, hostile, hostile)),
        wording.render_event(graded(newly_found=(Credit("x", hostile, hostile, hostile),))),
        wording.render_event(MisconceptionMet("x", hostile, hostile, CONTRAST)),
        wording.render_event(HintGiven(1, hostile, False, 3)),
        wording.render_summary(summary(title=hostile, found_labels=(hostile,))),
        wording.echo("answer \x1b[31mred\x1b[0m\x00\x08"),
    ]
    for text in texts:
        assert ESC not in text and "\x07" not in text and "\x00" not in text


def test_a_huge_answer_is_echoed_on_one_short_line():
    echoed = wording.echo("edema " * 20_000)
    assert "\n" not in echoed
    assert len(echoed) <= wording.ECHO_LIMIT + 2


def test_long_lines_wrap_with_hanging_bullets():
    text = wording.wrap("- " + "word " * 40, 40)
    lines = text.splitlines()
    assert len(lines) > 1
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])


def test_for_a_terminal_the_authors_markdown_becomes_plain_text():
    present = (
        "**MRI pelvis**, axial images, hips in neutral\nposition.\n\n"
        "| | right | left |\n| --- | --- | --- |\n| space | 11 mm | 22 mm |\n| other space | 5 mm | 13 mm |\n\n"
        "- Right muscle: high signal\n  on fat-suppressed T2.\n- Tendons normal."
    )
    event = StageOpened(0, 1, "findings", "findings", present, "What are the\nkey findings?")
    assert wording.render_event(event, width=200).splitlines() == [
        "## Stage 1 of 1 · Imaging findings",
        "",
        "MRI pelvis, axial images, hips in neutral position.",
        "",
        "             right  left",
        "space        11 mm  22 mm",
        "other space  5 mm   13 mm",
        "",
        "- Right muscle: high signal on fat-suppressed T2.",
        "- Tendons normal.",
        "",
        "What are the key findings?",
    ]
    # A front end that renders Markdown gets the author's text untouched.
    assert present in wording.render_event(event, width=None)


def test_chinese_wraps_at_the_edge_of_the_terminal_not_past_it():
    text = wording.wrap("Credited: avulsion (you wrote “近端膕旁肌撕脫近端膕旁肌撕脫”). Correct, a cannot-miss cause.", 30)
    assert all(wording.cells(line) <= 30 for line in text.splitlines())
    assert "cannot-miss" in text  # English words are not split


def test_a_table_that_opens_the_presentation_keeps_its_headings_over_their_columns():
    present = "| | right | left |\n| --- | --- | --- |\n| ischiofemoral space | 11 mm | 22 mm |"
    event = StageOpened(0, 1, "findings", "findings", present, "Findings?")
    heading, row = wording.render_event(event, width=80).splitlines()[2:4]
    assert heading.index("right") == row.index("11 mm")
    assert heading.index("left") == row.index("22 mm")


def test_a_table_with_chinese_cells_lines_up_in_terminal_cells():
    present = "| | 右 | 左 |\n| --- | --- | --- |\n| 坐骨股骨間隙 | 11 mm | 22 mm |\n| quadratus femoris space | 5 mm | 13 mm |"
    event = StageOpened(0, 1, "findings", "findings", present, "Findings?")
    rows = wording.render_event(event, width=80).splitlines()[2:5]
    # Each column starts in the same terminal cell on every row.
    starts = [
        {wording.cells(row[: row.index(value)]) for row, value in zip(rows, values)}
        for values in (("右", "11 mm", "5 mm"), ("左", "22 mm", "13 mm"))
    ]
    assert starts == [{25}, {32}], rows


def test_a_wrapped_command_row_hangs_under_its_own_text_at_word_boundaries():
    lines = wording.wrap(wording.HELP_TEXT, 60).splitlines()
    hint = next(i for i, line in enumerate(lines) if line.startswith("  /hint   "))
    assert lines[hint + 1].startswith(" " * 10) and lines[hint + 1][10] != " "
    words = set(wording.HELP_TEXT.split())
    assert all(len(line) <= 60 for line in lines)
    assert all(word in words for line in lines for word in line.split())  # no word cut in two


def test_the_hint_price_is_the_same_everywhere_it_is_said():
    from tutor.scoring import HINT_POINTS

    assert f"{HINT_POINTS} points" in wording.HELP_TEXT
    assert f"{HINT_POINTS} points" in wording.START_NOTE
    assert wording.nudge_text("findings", 1, 0, 1, progressed=False).count(f"{HINT_POINTS} points") == 1
