"""The app at 80x24, the size a learner's terminal often is: the reply and the next question
in sight after every answer, "Read on" only when there is more, and keys that ask before
ending a case."""

from __future__ import annotations

from textual.widgets import Footer
from tui_pilot_steps import build_test_app, run, screen_name, shown_text, table_rows, wait_until

from tutor.tui.transcript import LearnerSaid

SIZE = (80, 24)


async def open_long_stride(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: table_rows(app), "the library")
    await pilot.press(*"long stride", "enter")
    await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")


async def say(pilot, text: str) -> None:
    screen = pilot.app.screen
    count = len(screen.query(LearnerSaid))
    await pilot.press(*text, "enter")
    await wait_until(pilot, lambda: len(screen.query(LearnerSaid)) > count, f"the reply to {text!r}")


def footer_keys(app) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(getattr(w, "description", "")) for w in footer.query("FooterKey"))


def flowing_text(app) -> str:
    """The screen's words as one line, without the turns' side bars, for text that wraps."""
    return " ".join(shown_text(app).replace("█", " ").split())


def current_ask(app) -> str:
    stage = app.screen.play.session.current_stage
    return stage.ask if stage is not None else ""


def test_after_each_answer_the_reply_and_the_next_question_are_in_sight():
    answers = [
        ("hip OA", "Posterior hip pain is not always osteoarthritis."),
        ("atraumatic, worse with long strides", "Stage passed"),
        ("groin pain", "That completes this stage."),
        ("QF edema", "Credited: Quadratus femoris edema"),
        ("narrow IFS", "That completes this stage."),
        ("asdf qwer", "I couldn't match that"),
    ]

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            for answer, reply in answers:
                await say(pilot, answer)
                await wait_until(pilot, lambda: reply in shown_text(app), f"the reply to {answer!r} on screen")
                text = shown_text(app)
                assert current_ask(app) in text, (answer, text)

    run(scenario)


def test_read_on_is_offered_only_while_there_is_more_below():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            transcript = app.screen.transcript
            await pilot.pause()
            assert "Read on" not in footer_keys(app)  # the opening fits
            await say(pilot, "hamstring tendinopathy")  # a comparison card: taller than the view
            await wait_until(pilot, lambda: transcript.max_scroll_y > transcript.scroll_y, "more below")
            await wait_until(pilot, lambda: "Read on" in footer_keys(app), "Read on in the footer")
            for _ in range(5):
                await pilot.press("pagedown")
            await wait_until(pilot, lambda: transcript.scroll_y >= transcript.max_scroll_y, "the end of the dialogue")
            await wait_until(pilot, lambda: "Read on" not in footer_keys(app), "Read on gone")

    run(scenario)


def test_escape_asks_before_ending_a_case_and_no_keeps_playing():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            case_screen = app.screen
            await say(pilot, "atraumatic")
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question")
            assert "End this case now?" in shown_text(app)
            await pilot.press("escape")  # Escape again: keep going
            await wait_until(pilot, lambda: app.screen is case_screen, "the case again")
            assert not case_screen.play.finished
            await pilot.press("f4")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question again")
            await pilot.press("enter")  # Enter is on "Keep going": ending takes a deliberate choice
            await wait_until(pilot, lambda: app.screen is case_screen, "the case once more")
            assert not case_screen.play.finished
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question a third time")
            await pilot.press("f4")  # F4 again ends it
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "home, the case screen gone cleanly")
            assert table_rows(app)

    run(scenario)


def test_letters_typed_while_the_end_question_is_up_keep_the_case_going():
    """Escape (or F4) pressed by mistake mid-answer: the letters that follow are the answer, not "yes"."""

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            case_screen = app.screen
            await pilot.press(*"atraum", "escape")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question")
            assert "End the case (F4)" in shown_text(app) and "Keep going (Esc)" in shown_text(app)
            await pilot.press(*"atic yes")  # a "y" among them, as typed (a burst: test_terminal_bytes.py)
            await wait_until(pilot, lambda: app.screen is case_screen, "the case again")
            await wait_until(pilot, lambda: case_screen.input.value == "atraumatic yes", "the whole answer in its line")
            assert not case_screen.play.finished
            await pilot.press("ctrl+u", "f4")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question again")
            await pilot.press("f4")  # the key that asked, pressed again: a deliberate end
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")

    run(scenario)


def test_escape_on_a_finished_case_goes_home():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            for _ in range(5):
                await pilot.press("f3")
            await wait_until(pilot, lambda: screen.summary is not None, "the end of the case")
            await wait_until(pilot, lambda: "Hint (-" not in shown_text(app).splitlines()[-1], "the footer without F2")
            footer = shown_text(app).splitlines()[-1]
            assert "Skip" not in footer and "Stop" not in footer  # nothing left to skip or stop
            turns = len(screen.transcript.children)
            await pilot.press("f2", "f3")
            assert len(screen.transcript.children) == turns and screen_name(app) == "CaseScreen"
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "home")

    run(scenario)


def test_the_help_folds_at_word_boundaries_with_each_command_hanging_under_its_text():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            await pilot.press("f1")
            await wait_until(pilot, lambda: screen_name(app) == "HelpScreen", "the help")
            await wait_until(pilot, lambda: "the last one shows" in shown_text(app), "the folded help")
            lines = shown_text(app).splitlines()
            row = next(i for i, line in enumerate(lines) if "/hint   a hint;" in line)
            start = lines[row].index("a hint;")
            assert lines[row + 1][start - 1] == " " and lines[row + 1][start] != " "  # hangs under "a hint"

    run(scenario)


SHIPPED_LIBRARY = __import__("pathlib").Path(__file__).resolve().parents[2] / "dialogues"


def test_library_titles_are_cut_with_an_ellipsis_and_shown_whole_when_highlighted(monkeypatch):
    monkeypatch.setenv("TUTOR_DIALOGUES", str(SHIPPED_LIBRARY))

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            screen = app.screen
            long_rows = [i for i, row in enumerate(screen.shown) if row.entry.title != table_rows(app)[i][0]]
            assert long_rows, "the shipped library has a title too long for 80 columns"
            for i in long_rows:
                assert table_rows(app)[i][0].endswith("…")
            target = long_rows[0]
            for _ in range(target):
                await pilot.press("down")
            title = screen.shown[target].entry.title
            await wait_until(pilot, lambda: title in shown_text(app).replace("\n", " "), "the whole title")

    run(scenario)


def test_a_chosen_tag_chip_keeps_its_name_and_a_long_chip_row_says_it_scrolls(monkeypatch):
    monkeypatch.setenv("TUTOR_DIALOGUES", str(SHIPPED_LIBRARY))

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            await wait_until(pilot, lambda: "more ›" in shown_text(app), "the sign that the chips scroll")
            chip = app.screen.query(".tag-chip")[1]
            await pilot.click(chip)
            await wait_until(pilot, lambda: chip.on, "the chip on")
            assert f"✓ {chip.tag}" in shown_text(app)

    run(scenario)


LONG_ASK = (
    "Fluid in the ischial bursa and a thickened tendon: is this bursitis, tendinopathy, or both? "
    "And which of the two is the commoner finding on its own, in a runner of this age?"
)


def case_file_with(tmp_path, stage_changes: dict[str, dict]) -> str:
    """A copy of the test library's long-stride case with some stages' fields changed."""
    import yaml

    from conftest import LIBRARY

    data = yaml.safe_load((LIBRARY / "cases" / "long-stride-pain.yaml").read_text(encoding="utf-8"))
    for stage in data["stages"]:
        stage.update(stage_changes.get(stage["id"], {}))
    path = tmp_path / "long-stride-changed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_a_three_line_question_is_shown_whole_above_the_answer_line(tmp_path):
    from tutor.cases.library import load_case

    case = load_case(case_file_with(tmp_path, {"history": {"ask": LONG_ASK}}))

    async def scenario():
        app = build_test_app(start_case=case)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")
            bar = app.screen.query_one("#question")
            await wait_until(pilot, lambda: bar.region.height >= 3, "the question bar grown to the question")
            shown = " ".join(line.strip() for line in shown_text(app).splitlines()[bar.region.y:bar.region.bottom])
            assert shown == f"1/5 {LONG_ASK}"  # every word, the last line too
            assert bar.region.bottom <= app.screen.query_one("#answer").region.y

    run(scenario)


def test_a_report_stage_of_kind_findings_is_named_report_in_the_stepper_and_the_summary(tmp_path):
    import yaml

    from conftest import LIBRARY
    from tutor.cases.library import load_case

    data = yaml.safe_load((LIBRARY / "cases" / "long-stride-pain.yaml").read_text(encoding="utf-8"))
    data["stages"].insert(4, {"id": "report", "kind": "findings", "ask": "What goes in the report?",
                              "expect": ["narrow-ifs"], "explain": "The ischiofemoral space, measured."})
    path = tmp_path / "with-report.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    case = load_case(str(path))

    async def scenario():
        app = build_test_app(start_case=case)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")
            stepper = shown_text(app).splitlines()[1].strip()
            assert stepper.split(" › ") == ["▶ History", "Findings", "Differential", "Diagnosis", "Report",
                                            "Management"], stepper
            for _ in range(4):
                await pilot.press("f3")
            await wait_until(pilot, lambda: "Stage 5 of 6 · Report" in shown_text(app), "the report stage's heading")
            assert "Report: nothing credited yet" in shown_text(app)
            await pilot.press(*"/quit", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            assert [row[0] for row in table_rows(app, "#stage-scores")] == [
                "History", "Imaging findings", "Differential diagnosis", "Final diagnosis", "Report", "Management"]

    run(scenario)


LONG_EXPLAIN = (
    "No trauma, and pain brought on by long strides that spreads to the groin. The history points at the "
    "space between the ischium and the lesser trochanter: long strides bring the hip into extension and "
    "adduction and narrow it, short steps spare it, and sitting does not provoke it."
)
IMAGES = "\n".join([
    "**MRI pelvis**:",
    "",
    "- The right ischiofemoral space measures 11 mm; the left measures 19 mm.",
    "- The right quadratus femoris is bright on fat-suppressed T2, with no tear.",
    "- The hamstring origins are normal on both sides.",
    "- The sciatic nerve is normal in size and signal.",
    "- The last line of the images: no hip joint effusion.",
])


def test_a_model_answer_folds_when_it_would_push_the_next_stages_images_out_of_sight(tmp_path):
    from tutor.cases.library import load_case
    from tutor.tui.transcript import ModelAnswer

    case = load_case(case_file_with(tmp_path, {"history": {"explain": LONG_EXPLAIN},
                                               "findings": {"present": IMAGES}}))

    async def scenario():
        app = build_test_app(start_case=case)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")
            screen = app.screen
            await say(pilot, "atraumatic, worse with long strides, groin pain")  # completes the stage
            await wait_until(pilot, lambda: "(folded to fit" in shown_text(app), "the folded model answer")
            await wait_until(pilot, lambda: "Read on" not in footer_keys(app), "nothing more below")
            text = shown_text(app)
            assert "That completes this stage." in text  # the reply to the answer
            assert "The last line of the images: no hip joint effusion." in text  # the whole of the next stage
            assert "What are the key findings?" in text  # and its question, in the bar
            assert text.count("What are the key findings?") == 1  # said once, not once more in the transcript
            await pilot.press("f5")
            answer = screen.query(ModelAnswer).last()
            await wait_until(pilot, lambda: not answer.folded, "the model answer opened")
            await wait_until(pilot, lambda: "sitting does not provoke it" in flowing_text(app), "the model answer in view")

    run(scenario)


def test_a_model_answer_that_fits_with_the_next_stage_stays_open(tmp_path):
    from tutor.cases.library import load_case
    from tutor.tui.transcript import ModelAnswer

    case = load_case(case_file_with(tmp_path, {"history": {"explain": LONG_EXPLAIN},
                                               "findings": {"present": IMAGES}}))

    async def scenario():
        app = build_test_app(start_case=case)
        async with app.run_test(size=(100, 40)) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")
            await say(pilot, "atraumatic, worse with long strides, groin pain")
            await wait_until(pilot, lambda: "The last line of the images" in shown_text(app), "the next stage")
            assert "sitting does not provoke it" in flowing_text(app)
            assert not any(answer.folded for answer in app.screen.query(ModelAnswer))

    run(scenario)
