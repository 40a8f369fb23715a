"""Everything the tutor says, in one place: the TUI, the line REPL and scripted play all use it.

`render_event(event)` and `render_summary(summary)` turn engine events into
Markdown-ish plain text (headings with '#', bullets with '-', nothing a plain
pipe cannot show). Text that comes from a case file or a learner passes
through `printable` first, so it can never drive the terminal.

Events carry facts (how many finds are needed, the stage's kind, what a reveal
names); the sentences made from them (the nudge, the general pump, the
rephrasing suggestion, the reveal) are composed here and nowhere else.
Events are told apart by their type (tutor.events), never by name.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import textwrap
from typing import Any, Callable, Iterable

from tutor.scoring import HINT_POINTS, MISCONCEPTION_PENALTY, points
from tutor.text_safety import cells, one_line, printable

from tutor.events import (
    AnswerGraded,
    CaseFinished,
    CaseOpened,
    Contrast,
    HintGiven,
    MisconceptionMet,
    NotPassedYet,
    NotRecognised,
    Nudge,
    StageClosed,
    StageOpened,
    StagePassed,
    Summary,
    TimeUp,
)

DEFAULT_WIDTH = 80
ECHO_LIMIT = 300  # characters of a learner's answer shown back

KIND_NAMES = {
    "history": "History",
    "findings": "Imaging findings",
    "differential": "Differential diagnosis",
    "diagnosis": "Final diagnosis",
    "management": "Management",
}

# What one expected item of a stage is called when counting what is left.
_NOUNS = {
    "history": ("feature", "features"),
    "findings": ("finding", "findings"),
    "differential": ("diagnosis", "diagnoses"),
    "diagnosis": ("point", "points"),
    "management": ("step", "steps"),
}

# What the learner was expected to offer, for "I did not recognise a ... in that".
_THING = {
    "history": "feature of the history",
    "findings": "finding",
    "differential": "diagnosis",
    "diagnosis": "diagnosis",
    "management": "management step",
}

# The first rung of every hint ladder: (nothing found yet, something found already).
_PUMPS = {
    "history": (
        "Start with the story: what stands out about how this began, what makes it worse, "
        "and who the patient is?",
        "What else in the story matters? Think about how it began, what makes it worse, "
        "and who the patient is.",
    ),
    "findings": (
        "Go through the images in order - bone and marrow, the joint, muscles and tendons, "
        "nerves, the soft tissues between them - and name what looks abnormal.",
        "What else do you see? Go through the images once more in order: bone and marrow, "
        "the joint, muscles and tendons, nerves, the soft tissues between them.",
    ),
    "differential": (
        "Which diagnoses would you consider? Start with the common ones, then the ones "
        "you must not miss.",
        "What else could look like this? Think of what is common, and of what you must not miss.",
    ),
    "diagnosis": (
        "Put the history and the images together: which single diagnosis explains them best?",
        "What else supports or completes your diagnosis?",
    ),
    "management": (
        "Think about what comes next for this patient: what your report must say, "
        "further tests, treatment, referral.",
        "What else belongs in your report or your plan?",
    ),
}
_GENERAL_PUMP = ("Where would you start?", "What else?")

_SUGGESTIONS = {
    "history": "Try naming the features plainly, one short phrase each, separated by commas "
    "(for example the onset, what makes it worse, what it is not).",
    "findings": "Try naming each finding with where it is, one short phrase each, separated by commas.",
    "differential": "Try listing the diagnoses by name, separated by commas.",
    "diagnosis": "Try stating the diagnosis you favour by its name.",
    "management": "Try naming the next steps plainly, separated by commas: a test, a treatment, a referral.",
}
_GENERAL_SUGGESTION = "Try a shorter answer: one idea per phrase, separated by commas."

OUTCOME_NAMES = {
    "passed": "passed",
    "exhausted": "out of tries",
    "skipped": "skipped",
    "revealed": "answer shown",
    "quit": "stopped",
    "time": "out of time",
    None: "not reached",
}

HINT_COST = f"{HINT_POINTS} points"  # what a hint takes off a stage's score, as every screen says it
MOVE_ON = "press Enter on an empty line (or /next) to move on"

HELP_TEXT = f"""\
Type your answer and press Enter. Several ideas in one answer are fine; separate them with commas.
When a stage is passed it stays open: add more for a higher score, or {MOVE_ON}.
An answer the tutor cannot match, an empty line and "I don't know" use no try.
Commands:
  /hint   a hint; each costs {HINT_COST} of this stage's score (out of 100), and the last one shows the answer
  /next   move on from a passed stage (before that: what is still needed)
  /skip   give up this question and see the model answer
  /quit   stop the case and see your summary
  /help   this help
Naming a wrong diagnosis you commit to costs {points(MISCONCEPTION_PENALTY)} points; one you only keep in play ("r/o X", "A > X") costs nothing."""

START_NOTE = (
    f"(Answer in your own words. /hint a hint, {HINT_COST} · /next on from a passed stage · "
    "/skip give up a question · /quit · /help)"
)

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


# --- Words made from the facts an event carries --------------------------------


def kind_name(kind: str | None) -> str:
    return KIND_NAMES.get(kind or "", "Question")


def stage_label(kind: str | None, stage_id: str, title: str | None = None) -> str:
    """What a stage is called on screen: its own title when it has one (two stages of one kind), else its kind."""
    if title:
        return title
    return kind_name(kind) if kind else stage_id


def pump(kind: str | None, found_any: bool) -> str:
    """The general first hint: an open question, kind-aware, that names nothing."""
    first, later = _PUMPS.get(kind or "", _GENERAL_PUMP)
    return later if found_any else first


def rephrase_suggestion(kind: str | None) -> str:
    return _SUGGESTIONS.get(kind or "", _GENERAL_SUGGESTION)


def nudge_text(kind: str | None, needed: int, required_remaining: int, attempts_left: int, progressed: bool) -> str:
    """How far the learner is from completing the stage, without naming what is missing."""
    singular, plural = _NOUNS.get(kind or "", ("point", "points"))
    noun = singular if needed == 1 else plural
    count = f"{_number(needed)} more {noun}"
    if progressed:
        sentence = f"Good so far: {count} to pass this stage"
    else:
        sentence = f"Not passed yet: {count} to go"
    if required_remaining and needed:
        if required_remaining >= needed:
            sentence += ", and it is an essential one" if needed == 1 else ", all of them essential"
        elif required_remaining == 1:
            sentence += ", one of them essential"
        else:
            sentence += f", {_number(required_remaining)} of them essential"
    sentence += "."
    if attempts_left == 1:
        sentence += f" One try left; /hint ({HINT_COST}) if you are stuck."
    elif attempts_left > 1:
        sentence += f" {_number(attempts_left).capitalize()} tries left."
    return sentence


def not_passed_text(kind: str | None, needed: int, required_remaining: int, attempts_left: int) -> str:
    """The reply to /next before the stage is passed: what it still needs, and the ways on."""
    singular, plural = _NOUNS.get(kind or "", ("point", "points"))
    sentence = f"Not passed yet: {_number(needed)} more {singular if needed == 1 else plural} to pass this stage"
    if required_remaining and needed:
        if required_remaining >= needed:
            sentence += ", and it is an essential one" if needed == 1 else ", all of them essential"
        elif required_remaining == 1:
            sentence += ", one of them essential"
        else:
            sentence += f", {_number(required_remaining)} of them essential"
    tries = f" ({_number(attempts_left)} {'try' if attempts_left == 1 else 'tries'} left)" if attempts_left else ""
    return (sentence + f"{tries}. Answer again, /hint for a hint ({HINT_COST}), "
            "or /skip to give up and see the model answer.")


def passed_nudge_text(kind: str | None, remaining: int, attempts_left: int) -> str:
    """After an answer to a passed stage that leaves something out: what more would add, and how to move on."""
    singular, plural = _NOUNS.get(kind or "", ("point", "points"))
    more = f"{_number(remaining)} more {singular if remaining == 1 else plural}"
    tries = "one more try" if attempts_left == 1 else f"{_number(attempts_left)} more tries"
    return f"Still passed; {more} would raise the score ({tries}). Add them, or {MOVE_ON}."


def reveal_text(kind: str | None, labels: Iterable[str]) -> str:
    labels = list(labels)
    if not labels:
        return "You had found everything this question asks for."
    return "What was still missing: " + "; ".join(labels) + "."


# --- Rendering events ---------------------------------------------------------


def render_event(event: object, width: int | None = DEFAULT_WIDTH) -> str:
    """The event as the learner reads it; "" when an event has nothing to say on its own.

    With a width, the text is for a terminal or a pipe: the author's Markdown is
    turned into plain text (paragraphs reflowed, tables aligned, ** dropped) and
    long lines are folded. With width=None the author's Markdown is left as
    written, for a front end that renders Markdown itself.
    """
    renderer = _RENDERERS.get(type(event))
    if renderer is None:
        return ""
    laid_out = type(event) in _LAID_OUT
    if width:
        event = _for_terminal(event, width)
    elif isinstance(event, CaseOpened):
        # A title is shown as written in a terminal, so a Markdown front end must not interpret it.
        event = dataclasses.replace(event, title=markdown_literal(event.title))
    if laid_out:
        return wrap(renderer(event, width), width)
    return wrap(renderer(event), width)


def render_events(events: Iterable[object], width: int | None = DEFAULT_WIDTH) -> str:
    """Events one after another, a blank line between the ones that say something."""
    return "\n\n".join(text for text in (render_event(e, width) for e in events) if text)


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_literal(text: str) -> str:
    """`text` as Markdown that shows exactly these characters: every ASCII punctuation mark escaped."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def echo(answer: str) -> str:
    """A learner's answer as shown back in a transcript: one safe line, cut if huge."""
    return "> " + one_line(answer, ECHO_LIMIT)


# Event fields that hold an author's Markdown.
_AUTHOR_FIELDS = ("intro", "present", "ask", "explain", "feedback", "text")


def _for_terminal(event: Any, width: int | None = None) -> Any:
    """The event with the author's Markdown in its text fields turned into plain text for `width`."""
    if not dataclasses.is_dataclass(event) or isinstance(event, type):
        return event
    changes: dict[str, object] = {
        name: plain_markdown(value, width)
        for name in _AUTHOR_FIELDS
        if isinstance(value := getattr(event, name, None), str)
    }
    credits = event.newly_found if isinstance(event, AnswerGraded) else None
    if credits:
        changes["newly_found"] = tuple(
            dataclasses.replace(c, feedback=plain_markdown(c.feedback, width)) if c.feedback else c for c in credits
        )
    return dataclasses.replace(event, **changes) if changes else event


_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_BOLD_MARKERS = ("**", "__")


def plain_markdown(text: str, width: int | None = None) -> str:
    """An author's Markdown as plain text for a terminal.

    Lines an author broke inside a paragraph or a list item are joined (`wrap`
    folds them again at the terminal's width), tables become aligned columns
    (one item per row when they are wider than `width`), and bold markers are
    dropped. Headings and list markers stay.
    """
    out: list[str] = []
    # The lines of the paragraph or list item being joined, joined once it ends: adding to one
    # string line by line would copy it again for every line.
    current: list[str] | None = None
    table: list[list[str]] = []
    has_header = False  # the table's first row stands above a |---| rule

    def flush() -> None:
        nonlocal current, has_header
        if current is not None:
            out.append(" ".join(current))
            current = None
        if table:
            out.extend(_aligned(table, width, has_header))
            table.clear()
            has_header = False

    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|"):
            if current is not None:
                out.append(" ".join(current))
                current = None
            if not _TABLE_RULE.match(stripped):
                table.append([cell.strip() for cell in stripped.strip("|").split("|")])
            elif len(table) == 1:
                has_header = True
        elif not stripped:
            flush()
            if out and out[-1] != "":
                out.append("")
        elif stripped.startswith("#") or _LIST_ITEM.match(line):
            flush()
            current = [line.rstrip()]
        elif current is not None:
            current.append(stripped)
        else:
            flush()
            current = [line.rstrip()]
    flush()
    while out and out[-1] == "":
        out.pop()
    return "\n".join(_without_bold_markers(line) for line in "\n".join(out).split("\n"))


def _without_bold_markers(line: str) -> str:
    """The line with each **bold** or __bold__ span's markers dropped, in linear time.

    What the pattern `(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1` would do with re.sub, without its
    backtracking: a line of openers that no marker ever closes ("**a " * 30000) made it
    scan to the end of the line from each one, minutes for a long field.
    """
    if "**" not in line and "__" not in line:
        return line
    starts = {marker: _occurrences(line, marker) for marker in _BOLD_MARKERS}
    # Where a span may end: a marker right after a character that is not a space.
    closers = {marker: [j for j in found if j > 0 and not line[j - 1].isspace()] for marker, found in starts.items()}
    out: list[str] = []
    done = 0  # line[:done] is already in `out`
    for start in sorted(starts["**"] + starts["__"]):
        if start < done or start + 2 >= len(line) or line[start + 2].isspace():
            continue
        marker = line[start:start + 2]
        ends = closers[marker]
        nearest = bisect.bisect_left(ends, start + 3)  # the span holds at least one character
        if nearest == len(ends):
            continue
        end = ends[nearest]
        out += [line[done:start], line[start + 2:end]]
        done = end + 2
    out.append(line[done:])
    return "".join(out)


def _occurrences(line: str, marker: str) -> list[int]:
    """Every index where `marker` starts, overlapping ones included ("***" holds two "**")."""
    found = []
    index = line.find(marker)
    while index >= 0:
        found.append(index)
        index = line.find(marker, index + 1)
    return found


def _aligned(rows: list[list[str]], width: int | None = None, has_header: bool = False) -> list[str]:
    columns = max(len(r) for r in rows)
    rows = [r + [""] * (columns - len(r)) for r in rows]
    # Measured in terminal cells: a Chinese character takes two.
    widths = [max(cells(r[i]) for r in rows) for i in range(columns)]
    if not width or sum(widths) + 2 * (columns - 1) <= width:
        return ["  ".join(cell + " " * (widths[i] - cells(cell)) for i, cell in enumerate(r)).rstrip()
                for r in rows]
    # Too wide for the terminal: folded columns would lose which value sits under which
    # heading (right or left), so each row becomes an item that names its headings.
    header, body = (rows[0], rows[1:]) if has_header else ([""] * columns, rows)
    items = []
    for row in body:
        values = "; ".join(" ".join(p for p in (header[i], row[i]) if p) for i in range(1, columns) if row[i])
        items.append("- " + ": ".join(p for p in (row[0], values) if p))
    return items


def _case_opened(event) -> str:
    parts = [f"# {_safe_line(event.title)}"]
    if event.time_limit:
        parts.append(f"Drill: you have {duration(event.time_limit)} for the whole case.")
    if event.intro:
        parts.append(_safe(event.intro))
    return "\n\n".join(parts)


def _stage_opened(event) -> str:
    return stage_opening(event)


def stage_opening(event, with_ask: bool = True) -> str:
    """A stage's heading, what it presents, and its question (the app keeps the question in a bar of its own)."""
    parts = [f"## Stage {event.index + 1} of {event.total} · {_safe_line(event.title or kind_name(event.kind))}"]
    if event.present:
        parts.append(_safe(event.present))
    if with_ask:
        parts.append(_safe(event.ask))
    return "\n\n".join(parts)


def _answer_graded(event) -> str:
    lines: list[str] = []
    credits = event.newly_found
    if len(credits) == 1:
        lines.append(f"Credited: {_credit_line(credits[0])}")
    elif credits:
        lines.append("Credited:")
        lines += [f"- {_credit_line(c)}" for c in credits]
    if event.wrong_side:
        lines.append(f"Check the side: this case is about the {event.side} side, and you wrote "
                     f"“{one_line(event.wrong_side, 40)}”.")
    if event.already_found_labels:
        lines.append(f"Already credited: {_join(event.already_found_labels)}.")
    for words in event.denied_evidence:
        if words.strip():
            lines.append(f"You wrote “{one_line(words, 80)}”. Are you sure? That one deserves a second look.")
        else:
            lines.append("You ruled something out that deserves a second look.")
    corrected = dict(getattr(event, "noted_corrections", ()))
    for labels in (event.later_labels, event.unexpected_labels):
        # Neutral on purpose: confirming that it "comes up later" would give the diagnosis away.
        plain = [label for label in labels if label not in corrected]
        if plain:
            lines.append(f"Noted: {_join(plain)}. Not scored in this question.")
    for label, feedback in corrected.items():
        # Said as a misconception's feedback is: what the images show of that structure.
        lines.append(f"Noted: {_safe_line(label)}. Not scored in this question, but look again: {_safe(feedback)}")
    if not lines and not event.misconceptions:
        lines.append("Nothing in that answer adds to what this question asks for.")
    if event.truncated:
        lines.append("(That was a very long answer; I read only the beginning.)")
    return "\n".join(lines)


def _credit_line(credit) -> str:
    label = _safe_line(credit.label)
    text = label
    evidence = one_line(credit.evidence or "", 80)
    if evidence and evidence.casefold() != label.casefold():
        text += f" (you wrote “{evidence}”)"
    text += "."
    if credit.prompted:
        text += f" (The comparison above named it, so it counts as a hint: {HINT_COST}.)"
    if credit.feedback:
        text += " " + _safe(credit.feedback)
    return text


def misconception_lead(event) -> str:
    """The reply to a misconception without its contrast, for front ends that draw the contrast themselves."""
    label = _safe_line(event.label)
    contrast = event.contrast
    if event.kept_open:
        # "r/o AVN", "TOH > AVN": the learner did not choose it, so no "You said".
        if event.feedback:
            return f"You kept {label} on the list. {_safe(event.feedback)}"
        if contrast is not None:
            return f"You kept {label} on the list. Here is how to tell the two apart:"
        return f"You kept {label} on the list; it does not fit this case."
    if event.again:
        if event.feedback:
            return f"{label} again? {_safe(event.feedback)}"
        if contrast is not None:
            return f"{label} again? Look back at how it differs from {_safe_line(contrast.other_label)}."
        return f"{label} again? It still does not fit this case."
    if event.feedback:
        return f"{label}? {_safe(event.feedback)}"
    if contrast is not None:
        return f"{label}? A common confusion here. Compare:"
    return f"{label}? That does not fit this case."


def _misconception_met(event, width: int | None = DEFAULT_WIDTH) -> str:
    lead = misconception_lead(event)
    if event.contrast is not None and not event.again:
        return lead + "\n\n" + render_contrast(event.contrast, width)
    return lead


def render_contrast(contrast: Contrast, width: int | None = DEFAULT_WIDTH) -> str:
    """Two columns: what a row is about, and what it says; rows wrap under their own column."""
    rows: list[tuple[str, list[str]]] = [
        ("You said", [_safe_line(contrast.this_label)]),
        ("Compare with", [_safe_line(contrast.other_label)]),
    ]
    if contrast.why_confused:
        rows.append(("Why confused", [_safe_line(contrast.why_confused)]))
    if contrast.points:
        rows.append(("Tell apart", [f"- {_safe_line(p)}" for p in contrast.points]))
    if contrast.trap:
        rows.append(("Trap", [_safe_line(contrast.trap)]))
    key_width = max(len(key) for key, _ in rows) + 3
    # Down to the line REPL's narrowest (40 columns), rows fit the width, so `wrap` leaves them whole.
    text_width = max(20, (width or 10_000) - key_width - 2)
    out: list[str] = []
    for key, items in rows:
        first = True
        for item in items:
            bullet = item.startswith("- ")
            wrapped = textwrap.wrap(
                item, text_width, subsequent_indent="  " if bullet else "",
                break_long_words=False, break_on_hyphens=False,
            ) or [""]
            for line in wrapped:
                prefix = f"  {key:<{key_width}}" if first else " " * (key_width + 2)
                out.append(prefix + line)
                first = False
    return "\n".join(out)


def _nudge(event) -> str:
    if event.passed:
        text = passed_nudge_text(event.kind, event.remaining, event.attempts_left)
    else:
        text = nudge_text(event.kind, event.needed, event.required_remaining, event.attempts_left, event.progressed)
    return f"{text}\n{pump(event.kind, event.found_any)}" if event.pump else text


def _stage_passed(event) -> str:
    singular, plural = _NOUNS.get(event.kind or "", ("point", "points"))
    more = f"{_number(event.remaining)} more {singular if event.remaining == 1 else plural}"
    return (f"Stage passed: {percent(event.score)} so far. Anything to add? {more.capitalize()} would raise "
            f"the score. Type it, or {MOVE_ON}.")


def _not_passed_yet(event) -> str:
    return not_passed_text(event.kind, event.needed, event.required_remaining, event.attempts_left)


def _not_recognised(event) -> str:
    passed = f" The stage is passed: {MOVE_ON}." if event.passed else ""
    if event.gave_up:
        return (f"No shame in that. /hint gives a hint ({HINT_COST} of this stage's score), "
                f"/skip shows the model answer. That did not use a try.{passed}")
    if event.unmatched:
        text = (f"I couldn't match that to this case's terms — say it another way, or /hint. "
                f"That did not use a try. {rephrase_suggestion(event.kind)}{passed}")
        if event.truncated:
            text += "\n(That was a very long answer; I read only the beginning.)"
        return text
    if not event.counted:
        return f"I didn't catch an answer there. {rephrase_suggestion(event.kind)}{passed}"
    thing = _THING.get(event.kind or "", "finding")
    text = f"I did not recognise a {thing} in that. {rephrase_suggestion(event.kind)}"
    left = event.attempts_allowed - event.attempt
    if left == 1:
        text += " One try left."
    elif left > 1:
        text += f" {_number(left).capitalize()} tries left."
    if event.truncated:
        text += "\n(That was a very long answer; I read only the beginning.)"
    return text


def _hint_given(event) -> str:
    if event.reveals_answer:
        return _safe(reveal_text(event.kind, event.revealed))
    if not event.level:
        text = f"Hint (free): {pump(event.kind, event.found_any)}"
        if event.next_reveals:
            text += f"\n(This question has no hints of its own: the next /hint shows the answer, {HINT_COST}.)"
        return text
    text = f"Hint {event.level}: {_safe(event.text)}"
    if event.next_reveals:
        text += f"\n(That cost {HINT_COST}. One more /hint shows the answer, also {HINT_COST}.)"
    else:
        text += f"\n(That cost {HINT_COST}; the next /hint costs the same.)"
    return text


def _stage_closed(event) -> str:
    return "\n\n".join([*stage_verdict(event), model_answer(event)])


def model_answer(event) -> str:
    """The closing stage's model answer, as its own paragraph (the app can fold it to fit a small screen)."""
    return f"Model answer: {_safe(event.explain)}"


def stage_verdict(event) -> list[str]:
    """How the closing stage went, a paragraph each: the outcome and score, then what was not named."""
    hints = f", {event.hints_used} hint{'s' if event.hints_used != 1 else ''} used" if event.hints_used else ""
    score = f"Stage score: {percent(event.score)}{hints}."
    openers = {
        "complete": "That completes this stage.",
        "moved-on": "Stage passed.",
        "passed": "Stage passed.",
        "exhausted": "That was your last try on this question.",
        "skipped": "Skipped.",
        "revealed": "",
        "quit": "Stopped here.",
        "time": "Time ran out during this stage.",
    }
    reason = event.reason or event.outcome
    opener = openers.get(reason, "")
    if reason == "exhausted" and event.passed:
        opener = "That was your last try; the stage is passed."
    head = " ".join(p for p in (opener, score) if p)
    parts = [head]
    if event.missed_labels and reason != "revealed":
        lead = "For full marks, also name" if event.outcome == "passed" else "Not named"
        parts.append(f"{lead}: {'; '.join(_safe_line(x) for x in event.missed_labels)}.")
    return parts


def _case_finished(event) -> str:
    return render_summary(event.summary, width=None)


# Renderers that lay out their own lines for the width (the contrast's columns), rather than
# leave folding to `wrap`.
_LAID_OUT: frozenset[type] = frozenset({MisconceptionMet})

_RENDERERS: dict[type, Callable[..., str]] = {
    CaseOpened: _case_opened,
    StageOpened: _stage_opened,
    AnswerGraded: _answer_graded,
    MisconceptionMet: _misconception_met,
    Nudge: _nudge,
    NotRecognised: _not_recognised,
    HintGiven: _hint_given,
    StagePassed: _stage_passed,
    NotPassedYet: _not_passed_yet,
    StageClosed: _stage_closed,
    TimeUp: lambda event: f"Time is up: the drill's {duration(event.limit)} have run out. The case ends here.",
    CaseFinished: _case_finished,
}


# --- The summary --------------------------------------------------------------


def render_summary(summary: Summary, width: int | None = DEFAULT_WIDTH) -> str:
    lines = [f"## Summary: {_safe_line(summary.title)}", ""]
    names = [stage_label(s.kind, s.stage_id, s.title) for s in summary.stages]
    name_width = max([len("Stage"), *(len(n) for n in names)])
    outcome_width = max(len(v) for v in OUTCOME_NAMES.values())
    lines.append(f"  {'Stage':<{name_width}}  {'Result':<{outcome_width}}  {'Score':>5}  Hints")
    for name, stage in zip(names, summary.stages):
        score = percent(stage.score) if stage.outcome is not None else "-"
        lines.append(
            f"  {_safe_line(name):<{name_width}}  {OUTCOME_NAMES.get(stage.outcome, stage.outcome or ''):<{outcome_width}}"
            f"  {score:>5}  {stage.hints_used:>5}"
        )
    lines.append("")
    if summary.found_labels:
        lines.append(f"Found: {_join(summary.found_labels)}.")
    if summary.missed_labels:
        lines.append(f"Missed: {_join(summary.missed_labels)}.")
    if summary.misconception_labels:
        lines.append(f"Confusions met: {_join(summary.misconception_labels)}.")
    unreached = sum(1 for s in summary.stages if s.outcome is None)
    if unreached:
        lines.append(f"Not reached: {_number(unreached)} stage{'s' if unreached != 1 else ''} (scored 0).")
    limit = f" of {duration(summary.time_limit)} (drill)" if summary.time_limit else ""
    lines.append(f"Hints used: {summary.hints_used}. Time: {duration(summary.seconds)}{limit}.")
    lines.append(f"Score: {percent(summary.score)}")
    return wrap("\n".join(lines), width)


# --- Small formatting pieces ----------------------------------------------------


def percent(score: float) -> str:
    return f"{round(max(0.0, min(1.0, score)) * 100)}%"


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def clock(seconds: float) -> str:
    """A countdown as m:ss."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def wrap(text: str, width: int | None) -> str:
    """Hard-wrap long lines for a terminal, keeping bullets and indentation hanging.

    Widths are counted in terminal cells, so a line of Chinese wraps where it
    reaches the edge, between characters, rather than spilling over it.
    """
    if not width:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        if cells(line) <= width or line.lstrip().startswith("#"):
            out.append(line)
            continue
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        hang = indent + (2 if stripped[:2] in ("- ", "* ", "• ") else 0)
        key = _KEY_ROW.match(line)
        if key and key.end() < width // 2:
            hang = key.end()  # "  /hint   a hint; ...": the text hangs under itself, not under the key
        out += _wrap_cells(line, width, " " * hang)
    return "\n".join(out)


# An indented row of a key list: "  /hint   text", "  ↑ ↓     text" (a key of up to three words, then a gap).
_KEY_ROW = re.compile(r" +\S+(?: \S+){0,2}? {2,}(?=\S)")


def _wrap_cells(line: str, width: int, hang: str) -> list[str]:
    # Pieces to break between: words with their following space, and single wide characters.
    pieces = re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+", line)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and cells((current + piece).rstrip()) > width:
            lines.append(current.rstrip())
            current = hang + piece.lstrip()
        else:
            current += piece
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def _safe(text: str | None) -> str:
    # Blank lines go, but not the first line's indentation: a table's heading row starts with it.
    return _LEADING_BLANK_LINES.sub("", printable(text or "")).rstrip()


def _safe_line(text: str | None) -> str:
    return one_line(text or "", 400)


def _join(labels: Iterable[str]) -> str:
    return "; ".join(_safe_line(x) for x in labels)


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
