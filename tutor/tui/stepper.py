"""Where the learner is in the case: the stages in play order, and what this stage has credited so far."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tutor.text_safety import one_line

# Stage outcome -> (mark, style) once a stage has closed.
OUTCOME_MARKS = {
    "quit": ("■", "$text-muted"),
    "time": ("⏱", "$text-error"),
}


def closed_mark(outcome: str, passed: bool, score: float) -> tuple[str, str]:
    """Passed, not passed with some credit, and nothing at all look different: ✓, ◐, ✗."""
    if passed:
        return "✓", "$text-success"
    if outcome in ("quit", "time") and score > 0:
        return OUTCOME_MARKS[outcome]
    if score <= 0:
        return "✗", "$text-error"
    return "◐", "$text-warning"


def stage_name(stage_id: str, kind: str | None, title: str | None = None) -> str:
    """A short name that fits five to a line at 80 columns: the stage's own title when two stages
    share a kind (Case.stage_title), else the kind, else the author's stage id."""
    if title:
        return one_line(title, 30)
    return (kind or stage_id).replace("-", " ").capitalize()


class StageStepper(Static):
    """history -> findings -> differential -> diagnosis -> management, as the case file orders them."""

    DEFAULT_CLASSES = "stepper"

    def __init__(self, stages: tuple[tuple[str, str | None, str | None], ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.stages = tuple(stages)
        self.current: int | None = None
        self.outcomes: dict[str, str] = {}
        self.passed: set[str] = set()
        self.scores: dict[str, float] = {}

    def set_stages(self, stages) -> None:
        self.stages = tuple(stages)
        self.refresh_steps()

    def restart(self, stages) -> None:
        """New stages with nothing closed yet (a case reloaded with --watch marks its closed ones again)."""
        self.outcomes.clear()
        self.passed.clear()
        self.scores.clear()
        self.current = None
        self.set_stages(stages)

    def open_stage(self, index: int) -> None:
        self.current = index
        self.refresh_steps()

    def pass_stage(self, stage_id: str) -> None:
        """The current stage is passed but still open for more."""
        self.passed.add(stage_id)
        self.refresh_steps()

    def close_stage(self, stage_id: str, outcome: str, passed: bool = False, score: float = 0.0) -> None:
        self.outcomes[stage_id] = outcome
        if passed:
            self.passed.add(stage_id)
        self.scores[stage_id] = score
        if outcome in ("quit", "time"):
            self.current = None
        self.refresh_steps()

    def refresh_steps(self) -> None:
        parts: list[Content | tuple[str, str] | str] = []
        for index, (stage_id, kind, title) in enumerate(self.stages):
            if parts:
                parts.append((" › ", "$text-muted"))
            name = stage_name(stage_id, kind, title)
            outcome = self.outcomes.get(stage_id)
            if outcome is not None:
                mark, style = closed_mark(outcome, stage_id in self.passed, self.scores.get(stage_id, 0.0))
                parts.append((f"{mark} {name}", style))
            elif index == self.current:
                mark = "✓" if stage_id in self.passed else "▶"
                parts.append((f"{mark} {name}", "bold reverse $text-accent"))
            else:
                parts.append((name, "$text-muted"))
        self.update(Content.assemble(*parts))


class FoundSoFar(Static):
    """The concepts this stage has credited, lit up as each is matched."""

    DEFAULT_CLASSES = "found-so-far"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.labels: list[str] = []
        self.stage_name = ""

    def reset(self, stage_name: str = "") -> None:
        self.labels = []
        self.stage_name = stage_name
        self._show()

    def credit(self, labels) -> None:
        self.labels += [label for label in labels if label not in self.labels]
        self._show()

    def _show(self) -> None:
        # Named for its stage, so it never reads as a verdict on the credits just above it.
        name = f"{self.stage_name}: " if self.stage_name else ""
        if not self.labels:
            self.update(Content.styled(f"{name}nothing credited yet", "$text-muted"))
            return
        parts: list[tuple[str, str] | str] = [("Credited: ", "bold")]
        for i, label in enumerate(self.labels):
            if i:
                parts.append("  ")
            parts.append((f"✓ {one_line(label, 60)}", "$text-success"))
        self.update(Content.assemble(*parts))
