"""The dialogue of a case as a scrolling transcript.

Each engine event becomes one widget: the tutor's words (from tutor.render.wording,
never re-worded here) as Markdown, the learner's answers set apart with the
words that earned credit highlighted, and a misconception's discriminator as
two diagnoses side by side.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import NoScreen
from textual.content import Content
from textual.widget import Widget
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tutor.events import (
    AnswerGraded,
    CaseFinished,
    CaseOpened,
    HintGiven,
    MisconceptionMet,
    NotRecognised,
    Nudge,
    StageClosed,
    StageOpened,
    TimeUp,
)
from tutor.render import wording
from tutor.text_safety import one_line, printable
from tutor.tui.author_markdown import AuthorMarkdown
from tutor.tui.screen_text import plain

ANSWER_SHOWN = 600  # characters of an answer shown back; a pasted novel is cut

# The CSS class each kind of event is drawn with (see case.tcss).
EVENT_CLASSES: dict[type, str] = {
    CaseOpened: "-intro",
    StageOpened: "-stage",
    AnswerGraded: "-graded",
    MisconceptionMet: "-misconception",
    Nudge: "-nudge",
    NotRecognised: "-not-recognised",
    HintGiven: "-hint",
    StageClosed: "-closed",
    TimeUp: "-closed",
}

# Events whose text wording builds line by line; the others carry the author's
# Markdown, where a single line break is only a soft wrap.
LINE_BY_LINE: frozenset[type] = frozenset({AnswerGraded, HintGiven, Nudge, NotRecognised})

# Styles of the learner's own words, by what the tutor made of them.
CREDITED_STYLE = "bold underline $text-success"
DENIED_STYLE = "strike $text-warning"


def as_markdown(text: str) -> str:
    """wording's plain text as Markdown: its single line breaks are meant, so keep them."""
    lines = text.split("\n")
    out: list[str] = []
    for line, following in zip(lines, lines[1:] + [""]):
        bullet = line.lstrip().startswith(("- ", "* "))
        starts_block = following.lstrip().startswith(("- ", "* ", "#")) or not following.strip()
        if bullet and not starts_block:
            # A plain line after a list would be read as part of its last item.
            out += [line, ""]
            continue
        if line.strip() and not line.lstrip().startswith("#") and not starts_block:
            line += "\\"  # a Markdown hard break
        out.append(line)
    return "\n".join(out)


def headings_as_bold(text: str) -> str:
    """A transcript turn is not a document: its headings read as bold lines, coloured by the widget."""
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            title = stripped.lstrip("#").strip()
            line = f"**{title}**" if title else ""
        lines.append(line)
    return "\n".join(lines)


class TutorSays(Static):
    """A turn of the tutor: its Markdown drawn in one widget, styled by the kind of event.

    One Static holding a Rich Markdown renderable, rather than Textual's
    Markdown widget (a widget per block), keeps Enter-to-feedback within a
    frame or two: the transcript grows by a handful of widgets per answer.
    Links are not followed and nothing in the text is interpreted as markup.
    """

    def __init__(self, text: str, kind: str = "", line_breaks: bool = False):
        text = printable(text)
        self.source = headings_as_bold(as_markdown(text) if line_breaks else text)
        super().__init__(AuthorMarkdown(self.source, hyperlinks=False), classes=f"tutor-says {kind}")


class StageHeading(TutorSays):
    """A stage's heading and what it presents. While the stage is open its question sits in
    the bar above the answer line, always in sight (said here too, it would take two of a small
    screen's lines from the images); once the stage is over it joins its stage here, so the
    dialogue read back shows what each stage asked."""

    def __init__(self, opened: StageOpened):
        self.opened = opened
        self.asked_here = False
        super().__init__(wording.stage_opening(opened, with_ask=False), EVENT_CLASSES[StageOpened])

    def show_question(self) -> None:
        if self.asked_here:
            return
        self.asked_here = True
        self.source = headings_as_bold(printable(wording.stage_opening(self.opened, with_ask=True)))
        self.update(AuthorMarkdown(self.source, hyperlinks=False))


class ModelAnswer(Static):
    """A closed stage's model answer; folded to one line when it would push the next stage out of sight."""

    DEFAULT_CLASSES = "model-answer"
    FOLDED_TEXT = "▶ Model answer (folded to fit: F5 or a click opens it)"

    def __init__(self, text: str):
        text = printable(text)
        prefix = "Model answer:"
        if text.startswith(prefix):
            text = f"**{prefix}**{text[len(prefix):]}"  # set apart from the verdict above, without a blank line
        self.source = headings_as_bold(text)
        self.folded = False
        super().__init__(AuthorMarkdown(self.source, hyperlinks=False))

    def fold(self) -> None:
        self.folded = True
        self.add_class("-folded")
        self.update(Content(self.FOLDED_TEXT))

    def unfold(self) -> None:
        self.folded = False
        self.remove_class("-folded")
        self.update(AuthorMarkdown(self.source, hyperlinks=False))

    def on_click(self) -> None:
        if self.folded:
            self.unfold()
        else:
            self.fold()


class ClosedStage(Vertical):
    """How a stage went and its model answer, as one turn of the tutor."""

    DEFAULT_CLASSES = "tutor-says -closed"

    def __init__(self, event: StageClosed) -> None:
        super().__init__()
        # The verdict's sentences line by line, without blank lines between them: a small screen
        # has the next stage to show below.
        self.verdict = TutorSays("\n".join(wording.stage_verdict(event)), "-verdict", line_breaks=True)
        self.model_answer = ModelAnswer(wording.model_answer(event))

    def compose(self) -> ComposeResult:
        yield self.verdict
        yield self.model_answer


class LearnerSaid(Static):
    """The learner's answer, with the words that earned credit highlighted."""

    DEFAULT_CLASSES = "learner-said"

    def __init__(self, answer: str, credited: tuple[str, ...] = (), denied: tuple[str, ...] = ()):
        self.answer = one_line(answer, ANSWER_SHOWN)
        self.credited = tuple(w for w in credited if w)
        self.denied = tuple(w for w in denied if w)
        super().__init__(self._content())

    @property
    def answer_content(self) -> Content:
        """The answer as shown, with the credited words and the denying words styled."""
        text = Content(self.answer)
        for words, style in [(w, CREDITED_STYLE) for w in self.credited] + [(w, DENIED_STYLE) for w in self.denied]:
            words = " ".join(words.split())  # as one_line shows the answer
            start = _find(self.answer, words)
            if start >= 0:
                text = text.stylize(style, start, start + len(words))
        return text

    def _content(self) -> Content:
        return Content.assemble(("You  ", "bold $text-accent"), self.answer_content)


def _find(text: str, words: str) -> int:
    """Where the evidence sits in the answer; the grader's words may differ only in case."""
    start = text.find(words)
    if start < 0 and len(text.casefold()) == len(text):
        start = text.casefold().find(words.casefold())
    return start


class ContrastView(Vertical):
    """Two confusable diagnoses side by side: what the learner said, and what fits this case."""

    DEFAULT_CLASSES = "contrast"

    def __init__(self, contrast) -> None:
        super().__init__()
        self.contrast = contrast
        self.border_title = "Tell them apart"

    def compose(self) -> ComposeResult:
        c = self.contrast
        with Horizontal(classes="contrast-sides"):
            with Vertical(classes="contrast-side -said"):
                yield Static(Content("You said"), classes="contrast-head")
                yield Static(plain(c.this_label, 200), classes="contrast-name")
            with Vertical(classes="contrast-side -expected"):
                yield Static(Content("Compare with"), classes="contrast-head")
                yield Static(plain(c.other_label, 200), classes="contrast-name")
        rows: list[tuple[str, str, str]] = []
        if c.why_confused:
            rows.append(("Why confused", "", c.why_confused))
        for i, point in enumerate(c.points):
            rows.append(("Tell apart" if i == 0 else "", "•", point))
        if rows:
            yield Static(_rows(rows), classes="contrast-row")
        if c.trap:
            yield Static(_rows([("Trap", "", c.trap)]), classes="contrast-row -trap")


KEY_WIDTH = len("Why confused")


def _rows(rows: list[tuple[str, str, str]]) -> Table:
    """Key, bullet, text: a grid, so a wrapped line hangs under its own text, not under the key."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=KEY_WIDTH, no_wrap=True, style="bold")
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(ratio=1)
    for key, bullet, text in rows:
        grid.add_row(Text(key), Text(bullet), Text(one_line(text, 600)))
    return grid


def widgets_for(events) -> list[Widget]:
    """The transcript widgets for one batch of engine events (answers are added by the caller)."""
    shown: list[Widget] = []
    for event in events:
        if isinstance(event, CaseFinished):
            continue  # the summary has a screen of its own
        if isinstance(event, MisconceptionMet):
            shown.append(TutorSays(wording.misconception_lead(event), EVENT_CLASSES[MisconceptionMet]))
            if event.contrast is not None and not event.again:
                shown.append(ContrastView(event.contrast))
            continue
        if isinstance(event, StageClosed):
            shown.append(ClosedStage(event))
            continue
        if isinstance(event, StageOpened):
            shown.append(StageHeading(event))
            continue
        text = wording.render_event(event, width=None)
        if text:
            kind = type(event)
            shown.append(TutorSays(text, EVENT_CLASSES.get(kind, ""), line_breaks=kind in LINE_BY_LINE))
    return shown


def learner_turn(answer: str, events) -> LearnerSaid | None:
    """The learner's answer as the transcript shows it, lit by what the engine credited."""
    credited: list[str] = []
    denied: list[str] = []
    for event in events:
        match event:
            case AnswerGraded():
                # The words as typed where the matcher says they are; its own folded copy of
                # them ("PHT" for "ＰＨＴ") would not be found in the answer on the screen.
                credited += [event.answer[c.start:c.end] if 0 <= c.start < c.end else c.evidence
                             for c in event.newly_found]
                denied += list(event.denied_evidence)
                answer = event.answer
            case NotRecognised():
                answer = event.answer
    if not answer.strip():
        return None
    return LearnerSaid(answer, tuple(credited), tuple(denied))


class Transcript(VerticalScroll):
    """The dialogue so far, newest at the bottom, kept in view as it grows."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._footer_may_change()

    def watch_virtual_size(self, size) -> None:
        self._footer_may_change()

    def _footer_may_change(self) -> None:
        # "Read on" shows only while there is more below. A transcript being taken down with
        # its screen (the case has ended) still scrolls once more, with no screen to tell.
        try:
            self.screen.refresh_bindings()
        except NoScreen:
            pass

    async def add(self, widgets: list[Widget]) -> None:
        if not widgets:
            return
        await self.mount_all(widgets)
        self.call_after_refresh(self._bring_into_view, widgets)

    def _new_height(self, first: Widget) -> int:
        return self.virtual_size.height - first.virtual_region.y

    def _bring_into_view(self, widgets: list[Widget], folded: bool = False) -> None:
        first = widgets[0]
        if not first.is_mounted:
            return
        view = self.scrollable_content_region.height
        too_tall = self._new_height(first) > view
        closed = [w for w in widgets if isinstance(w, ClosedStage)]
        opens_next = any(isinstance(w, TutorSays) and w.has_class("-stage") for w in widgets)
        if too_tall and closed and opens_next:
            # A stage closed and the next one opened: its images matter more now than the model
            # answer just given, which folds to a line (F5 or a click opens it) ...
            if not folded and not closed[-1].model_answer.folded:
                closed[-1].model_answer.fold()
                self.call_after_refresh(self._bring_into_view, widgets, True)
                return
            # ... and than the credits above the verdict, which the learner has read as they came
            # (PgUp shows them again): the verdict and the next stage stay in view.
            if self._new_height(closed[-1]) <= view:
                self.scroll_end(animate=False)
            else:
                self.scroll_to_widget(closed[-1], top=True, animate=False)
            return
        # A turn taller than the view is shown from its start, so the learner reads it top
        # down; a short one simply keeps the bottom of the dialogue in sight.
        if too_tall:
            self.scroll_to_widget(first, top=True, animate=False)
        else:
            self.scroll_end(animate=False)

    def last_folded(self) -> ModelAnswer | None:
        folded = [w for w in self.query(ModelAnswer) if w.folded]
        return folded[-1] if folded else None


class Note(Static):
    """A line from the app itself rather than the tutor (help, an unknown command)."""

    DEFAULT_CLASSES = "note"

    def __init__(self, text: str):
        super().__init__(plain(text))
