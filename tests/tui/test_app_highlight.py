"""The learner's own words that earned credit are lit up, however they were typed."""

from __future__ import annotations

from tui_pilot_steps import build_test_app, run, screen_name, table_rows, wait_until

from tutor.tui.transcript import CREDITED_STYLE, LearnerSaid

SIZE = (100, 50)
# Full-width letters, as a Chinese or Japanese input method types them: the matcher reads
# them folded (NFKC) to "worse with long strides", so the answer is credited; the words lit
# up must be the ones on the screen, where the folded text cannot be found.
FULL_WIDTH = "ｗｏｒｓｅ ｗｉｔｈ ｌｏｎｇ ｓｔｒｉｄｅｓ"
LIGATURE = "worse with long ﬆrides"  # "ﬆ" folds to two letters, so offsets move


def lit(said: LearnerSaid) -> list[str]:
    """The parts of the shown answer drawn in the credited style."""
    content = said.answer_content
    return [content.plain[span.start:span.end] for span in content.spans if span.style == CREDITED_STYLE]


def answer_and_read_highlights(answer: str) -> tuple[LearnerSaid, list[str]]:
    result: list = []

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 2, "the library")
            await pilot.press(*"long stride", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen", "the case screen")
            screen = app.screen
            screen.input.value = answer
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.query(LearnerSaid), "the answer in the transcript")
            said = screen.query(LearnerSaid).last()
            result.extend([said, lit(said)])

    run(scenario)
    return result[0], result[1]


def test_a_full_width_answer_has_its_credited_words_lit_up():
    said, shown = answer_and_read_highlights(FULL_WIDTH)
    assert said.credited == (FULL_WIDTH,)
    assert shown == [FULL_WIDTH]


def test_an_answer_whose_folding_changes_its_length_is_lit_up_where_it_was_typed():
    said, shown = answer_and_read_highlights(LIGATURE)
    assert shown == [LIGATURE]


def test_a_plain_answer_is_lit_up_as_before():
    said, shown = answer_and_read_highlights("worse with long strides")
    assert shown == ["worse with long strides"]
