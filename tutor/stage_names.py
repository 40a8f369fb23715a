"""Finding a case's stage by what a learner or an author calls it.

The tutor shows a stage by its kind ("Stage 2 of 6 · Imaging findings", "Findings" in
the app's stepper) or, when two stages share a kind, by its own title ("Report"), while `tutor grade --stage` and the records use the author's id
(`report`). So a stage is found by its id, and also, ignoring case, by its kind, the
names the tutor shows for that kind, or its number ("5"); a name two stages share is
refused with both ids rather than guessed.
"""

from __future__ import annotations

from tutor.model import Case, Stage

# The wording (and the events it imports) and the suggestions are loaded only for a stage not
# named by its id: `tutor grade --stage ID` on a prepared case does not need them.


def shown_names(stage: Stage, title: str | None = None) -> tuple[str, ...]:
    """What the tutor calls this stage on screen: its own title (Case.stage_title) when it has
    one, else its kind's name and the stepper's short name."""
    from tutor.render.wording import kind_name

    if title:
        return (title,)
    if not stage.kind:
        return ()
    return (kind_name(stage.kind), stage.kind.replace("-", " ").capitalize())


def find_stage(case: Case, text: object) -> tuple[Stage | None, str | None]:
    """The stage `text` names, or None and why not (one line, with one did-you-mean)."""
    if not isinstance(text, str):
        return None, f"the stage must be given as text, got {type(text).__name__}"
    exact = next((s for s in case.stages if s.id == text), None)
    if exact is not None:
        return exact, None
    wanted = " ".join(text.split()).casefold()
    by_id = [s for s in case.stages if s.id.casefold() == wanted]
    if by_id:
        return by_id[0], None
    if wanted.isdigit() and 1 <= int(wanted) <= len(case.stages):
        return case.stages[int(wanted) - 1], None
    names = {s.id: shown_names(s, case.stage_title(s)) for s in case.stages}
    named = [s for s in case.stages
             if wanted in {n.casefold() for n in names[s.id]}
             or (not case.stage_title(s) and (s.kind or "").casefold() == wanted)]
    if len(named) == 1:
        return named[0], None
    ids = ", ".join(f"`{s.id}`" for s in case.stages)
    if len(named) > 1:
        both = " and ".join(f"`{s.id}` (stage {case.stages.index(s) + 1})" for s in named)
        return None, (f"{len(named)} stages of case `{case.id}` are shown as `{text}`: {both}; "
                      "give the stage id")
    from tutor.suggestions import did_you_mean

    # The id is what to suggest: the names only when no id is near.
    hint = (did_you_mean(text, [s.id for s in case.stages])
            or did_you_mean(text, [n for s in case.stages for n in names[s.id]]))
    shown = text if len(text) <= 60 else text[:59] + "…"
    return None, f"no stage `{shown}` in case `{case.id}`; {hint or 'its stages: ' + ids}"
