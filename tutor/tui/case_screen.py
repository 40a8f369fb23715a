"""A case being played: the transcript, the stage stepper, and the answer line.

The screen only collects input and draws events. Each answer, hint, skip or
stop goes through `tutor.session.Play`, the shell every front end shares:
it asks the engine what happens, stamps the time, and saves the records of
each step before anything is shown.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.content import Content
from textual.widgets import Button, Footer, Input, Static

from tutor.events import (
    AnswerGraded,
    CaseFinished,
    MisconceptionMet,
    NotRecognised,
    StageClosed,
    StageOpened,
    StagePassed,
)
from tutor.model import Case
from tutor.render import wording
from tutor.scoring import HINT_POINTS
from tutor.session import Play, command_of, unknown_command_text
from tutor.tui.answer_input import AnswerInput
from tutor.tui.screen_text import plain
from tutor.tui.stepper import FoundSoFar, StageStepper
from tutor.tui.transcript import Note, StageHeading, Transcript, learner_turn, widgets_for

PLACEHOLDER = "Your answer; Enter to send (F2 hint · F3 skip · F1 help)"
STOP_QUESTION = "End this case now? You will see your summary so far; the stages not reached score 0."
PASSED_PLACEHOLDER = "Stage passed: add more, or press Enter on an empty line to move on"
FINISHED_PLACEHOLDER = "Case finished: press Enter for your summary"


class CaseScreen(Screen):
    AUTO_FOCUS = "#answer"
    BINDINGS = [
        Binding("f2", "hint", f"Hint (-{HINT_POINTS})"),
        Binding("f3", "skip", "Skip"),
        Binding("f4", "stop", "Stop"),
        Binding("escape", "leave", "Leave", show=False),
        Binding("f1", "help", "Help"),
        # Named on the folded line itself, so the footer keeps its room.
        Binding("f5", "open_model_answer", "Model answer", show=False),
        # Priority: the answer line would otherwise take PgUp/PgDn to scroll itself.
        Binding("pageup", "scroll_transcript(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_transcript(1)", "Read on", priority=True),
    ]

    def __init__(self, case: Case, time_limit: float | None = None, drill=None, watch=None):
        super().__init__()
        self.case = case
        self.watch = watch  # a tutor.case_watch.CaseWatch with `tutor play CASE --watch`
        self.time_limit = time_limit  # seconds, in a timed drill
        self.drill = drill  # a tutor.drill.Drill when this case is one of several in a row
        self.play: Play | None = None
        self.contrasts: dict[str, object] = {}  # misconception id -> Contrast, for the summary
        self.summary = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(plain(self.case.title, 200), classes="screen-title", id="case-title")
        if self.time_limit:
            yield Static("", classes="drill-clock", id="drill-clock")
        yield StageStepper(id="stepper")
        yield FoundSoFar(id="found")
        yield Transcript(id="transcript")
        yield Static("", id="question", classes="question")
        yield AnswerInput(history=self.app.answer_history, placeholder=PLACEHOLDER, id="answer", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        app = self.app
        try:
            grader = app.services.make_grader(self.case)
            # A watched play is an author's test run of a case that changes under it: not recorded.
            records = app.records if self.watch is None else None
            self.play = Play(self.case, records=records, clock=app.now, grader=grader,
                             time_limit=self.time_limit, drill=self.drill.id if self.drill is not None else None)
            if self.drill is not None:
                self.drill.current = self.play
        except Exception as error:
            await self.transcript.add([Note(f"This case cannot be played: {type(error).__name__}: {error}")])
            self.input.disabled = True
            return
        self.query_one("#stepper", StageStepper).set_stages(self.stage_steps())
        self.query_one("#found", FoundSoFar).reset()
        # One batch, so the case opens at the top of its vignette rather than at the note.
        notes = [Note(wording.START_NOTE)]
        if self.watch is not None:
            from tutor.case_watch import NOT_RECORDED_NOTE

            notes.append(Note(NOT_RECORDED_NOTE))
            self.set_interval(self.watch.poll_seconds, self.look_at_case_file, name="case-watch")
        await self.show(self.play.opening, notes=notes)
        if self.time_limit:
            self.show_clock()
            self.set_interval(1.0, self.tick)

    async def look_at_case_file(self) -> None:
        """With --watch, on a timer: a save reloads the case at the same stage; a broken one is reported."""
        from tutor.case_watch import broken_text

        if self.watch is None or self.play is None or self.play.finished or self.busy:
            return
        change = self.watch.poll()
        if change is None:
            return
        title = self.query_one("#case-title", Static)
        if change.case is None:
            title.update(Content.assemble(plain(self.case.title, 200),
                                          (" · the file has errors: playing the last good version", "$text-error")))
            await self.transcript.add([Note(broken_text(change, self.watch.shown))])
            return
        self.busy = True
        try:
            carried = self.play.reload(change.case, self.app.services.make_grader(change.case))
        finally:
            self.busy = False
        self.case = change.case
        title.update(plain(self.case.title, 200))
        session = self.play.session
        stepper = self.query_one("#stepper", StageStepper)
        stepper.restart(self.stage_steps())
        for stage, progress in zip(self.case.stages, session.progress):
            if progress.outcome is not None:
                stepper.close_stage(stage.id, progress.outcome, passed=progress.passed, score=progress.score)
        stepper.open_stage(session.stage_index)
        progress = session.current_progress
        found = self.query_one("#found", FoundSoFar)
        found.reset(wording.kind_name(carried.stage.kind) if carried.stage.kind else carried.stage.stage_id)
        if progress is not None:
            found.credit(self.case.label(c) for c in progress.found)
            if progress.passed:
                stepper.pass_stage(carried.stage.stage_id)
        self.input.placeholder = PASSED_PLACEHOLDER if progress is not None and progress.passed else PLACEHOLDER
        self.show_question(carried.stage)
        await self.transcript.add([Note(note) for note in carried.notes] + widgets_for((carried.stage,)))

    def show_clock(self) -> None:
        remaining = self.play.remaining() if self.play is not None else None
        if remaining is None:
            return
        clock = self.query_one("#drill-clock", Static)
        which = f" · case {self.drill.position + 1} of {len(self.drill.cases)}" if self.drill is not None else ""
        clock.update(f"Drill{which} · {wording.clock(remaining)} left" if not self.play.finished
                     else f"Drill{which} · time's up")
        clock.set_class(remaining <= 60, "-last-minute")

    async def tick(self) -> None:
        """Once a second in a drill: the countdown, and the bell when time runs out between answers."""
        if self.play is None or self.summary is not None:
            return
        self.show_clock()
        if not self.busy and self.play.remaining() == 0:
            unsent = self.input.value.strip()
            await self.step(lambda play: play.tick())
            if unsent:
                # Whatever was being typed at the bell is not graded: say so rather than leave it lying there.
                self.input.value = ""
                await self.transcript.add([Note(f"Not graded (time was up): “{unsent}”")])
            self.show_clock()

    def stage_steps(self) -> list[tuple[str, str | None, str | None]]:
        """Each stage for the stepper: its id, kind and own title (two stages of one kind read apart)."""
        return [(s.id, s.kind, self.case.stage_title(s)) for s in self.case.stages]

    @property
    def transcript(self) -> Transcript:
        return self.query_one("#transcript", Transcript)

    @property
    def input(self) -> AnswerInput:
        return self.query_one("#answer", AnswerInput)

    # --- Drawing events ---

    async def show(self, events, answer: str | None = None, notes=()) -> None:
        stepper = self.query_one("#stepper", StageStepper)
        found = self.query_one("#found", FoundSoFar)
        turn = learner_turn(answer, events) if answer is not None else None
        widgets = [turn] if turn is not None else []
        widgets += widgets_for(events)
        widgets += list(notes)
        for event in events:
            match event:
                case StageOpened():
                    stepper.open_stage(event.index)
                    found.reset(wording.stage_label(event.kind, event.stage_id, event.title))
                    self.input.placeholder = PLACEHOLDER
                    self.show_question(event)
                case StagePassed():
                    stepper.pass_stage(event.stage_id)
                    self.input.placeholder = PASSED_PLACEHOLDER
                case AnswerGraded():
                    found.credit(c.label for c in event.newly_found)
                case MisconceptionMet(contrast=contrast) if contrast is not None:
                    self.contrasts.setdefault(event.concept_id, contrast)
                case StageClosed():
                    stepper.close_stage(event.stage_id, event.outcome, passed=event.passed, score=event.score)
                    # Its question leaves the bar: the dialogue keeps it with its stage.
                    for heading in self.transcript.query(StageHeading):
                        if heading.opened.stage_id == event.stage_id:
                            heading.show_question()
                case CaseFinished():
                    self.summary = event.summary
                    self.show_question(None)
                    self.refresh_bindings()
        if self.summary is not None:
            last = self.drill is None or self.drill.position + 1 >= len(self.drill.cases)
            label = "See your summary" if self.drill is None else "See the drill's table" if last else "Next case"
            widgets.append(Button(label, id="to-summary", variant="primary", compact=True))
            self.input.placeholder = FINISHED_PLACEHOLDER if self.drill is None else (
                f"Case finished: press Enter for {'the drill' + chr(39) + 's table' if last else 'the next case'}")
        await self.transcript.add(widgets)

    def show_question(self, opened) -> None:
        """The current question stays in sight above the answer line, however far the reply runs."""
        bar = self.query_one("#question", Static)
        if opened is None:
            bar.update("")
            bar.display = False
            return
        bar.update(Content.assemble((f"{opened.index + 1}/{opened.total} ", "bold"), plain(opened.ask, 300)))
        bar.display = True

    # --- Input ---

    @on(Input.Submitted, "#answer")
    async def answered(self, event: Input.Submitted) -> None:
        text = event.value
        box = self.input
        box.value = ""
        if self.summary is not None:
            self.open_summary()
            return
        if self.play is None or self.busy:
            return
        box.remember(text)
        command = command_of(text)
        if command == "help":
            self.action_help()
            return
        if command == "unknown":
            await self.transcript.add([Note(unknown_command_text(text))])
            return
        if command == "hint":
            await self.action_hint()
        elif command == "next":
            await self.step(lambda play: play.next())
        elif command == "skip":
            await self.action_skip()
        elif command == "quit":
            await self.stop_now()  # typed out in full: no need to ask
        else:
            await self.step(lambda play: play.answer(text), answer=True)

    async def step(self, act, answer: bool = False) -> None:
        if self.play is None or self.play.finished or self.busy:
            return
        self.busy = True
        try:
            events = act(self.play)
            shown_answer = None
            if answer:
                shown_answer = next(
                    (e.answer for e in events if isinstance(e, (AnswerGraded, NotRecognised))), ""
                )
            await self.show(events, answer=shown_answer)
        finally:
            self.busy = False

    async def action_hint(self) -> None:
        await self.step(lambda play: play.hint())

    async def action_skip(self) -> None:
        await self.step(lambda play: play.skip())

    async def action_stop(self) -> None:
        """F4: ask first, since a stopped case cannot be taken up again."""
        if self.summary is not None:
            self.open_summary()
            return
        if self.play is None:
            self.app.pop_screen()
            return
        from tutor.tui.confirm import ConfirmScreen

        # Ending takes F4 (again) or Enter on its button, never a letter: a learner may still be
        # typing an answer when the question comes up, and a letter then means "keep going".
        async def type_on(text: str, enter: bool) -> None:
            if self.play is None or self.summary is not None:
                return
            self.input.focus()
            if text:
                self.input.insert_text_at_cursor(text)
            if enter:
                await self.input.action_submit()

        question = ConfirmScreen(STOP_QUESTION, "End the case (F4)", "Keep going (Esc)", yes_key="f4",
                                 type_on=type_on)

        async def answered(end: bool | None) -> None:
            if end:
                await self.stop_now()

        self.app.push_screen(question, answered)

    async def stop_now(self) -> None:
        await self.step(lambda play: play.quit())
        # Stopping is a choice to leave: go straight to the summary.
        if self.summary is not None:
            self.open_summary()

    async def action_leave(self) -> None:
        """Escape: home from a finished case; on a case still being played, ask first."""
        if self.summary is not None or self.play is None:
            self.app.pop_screen()
            return
        await self.action_stop()

    def action_open_model_answer(self) -> None:
        """F5: open the model answer folded to fit, and bring it into view."""
        folded = self.transcript.last_folded()
        if folded is None:
            return
        folded.unfold()
        self.call_after_refresh(self.transcript.scroll_to_widget, folded, animate=False)

    def action_help(self) -> None:
        from tutor.tui.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A finished case has nothing to hint, skip or stop: Enter (or the button) goes on.
        if action in ("hint", "skip", "stop") and self.summary is not None:
            return False
        # "Read on" only while there is more below.
        if action == "scroll_transcript" and parameters and parameters[0] == 1:
            transcript = self.query("#transcript")
            return bool(transcript) and transcript.first().scroll_y < transcript.first().max_scroll_y
        return True

    def action_scroll_transcript(self, direction: int) -> None:
        if direction < 0:
            self.transcript.scroll_page_up(animate=False)
        else:
            self.transcript.scroll_page_down(animate=False)

    @on(Button.Pressed, "#to-summary")
    def summary_pressed(self) -> None:
        self.open_summary()

    def open_summary(self) -> None:
        if self.summary is None:
            return
        from tutor.tui.summary import SummaryScreen

        if self.drill is not None and self.play is not None:
            self.next_in_drill()
            return
        note = self.play.records_note() if self.play is not None else None
        self.app.switch_screen(SummaryScreen(self.case, self.summary, tuple(self.contrasts.values()), records_note=note))

    def next_in_drill(self) -> None:
        """A drill moves on to its next case, or to its table after the last (or when stopped)."""
        from tutor.drill import STOPPED

        drill = self.drill
        line = drill.close_play(self.play)
        if line.ended == STOPPED:
            drill.stop()
        case = drill.next_case()
        if case is None:
            from tutor.tui.drill_summary import DrillSummaryScreen

            self.app.switch_screen(DrillSummaryScreen(drill))
        else:
            self.app.switch_screen(CaseScreen(case, time_limit=drill.limit_of(case), drill=drill))
