"""`tutor new ID [--dir DIR]`: a commented skeleton of a case that passes `tutor check` and plays.

The skeleton holds no clinical facts: every text is a placeholder that says what
belongs there, and its two concepts are placeholders too, so nothing in it can be
mistaken for teaching. Replace them (the guide's worked example walks through it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tutor.cases.fields import ID_LIMIT, ID_PATTERN, suggested_id

SKELETON = """\
# A case for the tutor. Replace every TODO; `tutor check {file}` says what is left to fix,
# `tutor play {file}` plays it. The guide: docs/authoring.md (`tutor concepts` lists the
# shared concepts you can use without defining them).
# For completion in your editor: `tutor schema > case.schema.json` beside this file, then
# take one '#' off the next line (see "Help from your editor" in the guide).
## yaml-language-server: $schema=case.schema.json
format: 1
id: {case_id}
title: "TODO: the title shown in the case list (no diagnosis in it)"
summary: "TODO: one line for the case list"
tags: [todo]
difficulty: 1                      # 1 (intro) .. 3 (hard)
# time_limit: 900                  # seconds for the whole case in a drill
source: "TODO: where the clinical facts come from (a seed, an article)"
intro: |
  TODO: the story the learner reads first, in your own words.

concepts:                          # what learners may say, and how else they may say it
  todo-first-clue:
    label: TODO first clue         # what the tutor shows; also matched like a synonym
    synonyms: [todo clue one, todo first hint word]
  todo-diagnosis:
    label: TODO the diagnosis
    synonyms: [todo diagnosis abbreviation]

# discriminators:                  # how to tell two confusable diagnoses apart
#   todo-diagnosis-vs-other:
#     between: [todo-diagnosis, some-shared-concept]
#     why_confused: Why learners mix them up.
#     points: [How to tell them apart.]

stages:                            # played in order
  - id: history
    kind: history                  # history | findings | differential | diagnosis | management
    ask: "TODO: which features of this story matter?"
    expect:
      - {{concept: todo-first-clue, required: true, feedback: "TODO: said when the learner names it."}}
    # misconceptions:              # wrong answers that deserve their own reply
    #   - {{concept: some-shared-concept, feedback: Why it is not that.}}
    hints:
      - "TODO: a hint that narrows the search without naming the answer"
    explain: "TODO: the model answer, shown when the stage ends."
    examples:                      # your own test answers; `tutor check` runs them
      - {{answer: "todo clue one", matches: [todo-first-clue]}}
      - {{answer: "something else entirely", matches: []}}

  - id: diagnosis
    kind: diagnosis
    ask: "TODO: what is the most likely diagnosis?"
    expect: [todo-diagnosis]
    explain: "TODO: the diagnosis and the one line of reasoning that clinches it."
    examples:
      - {{answer: "todo diagnosis abbreviation", matches: [todo-diagnosis]}}
"""


def skeleton(case_id: str, file_name: str) -> str:
    return SKELETON.format(case_id=case_id, file=file_name)


def run(args) -> int:
    case_id = (args.id or "").strip()
    if not ID_PATTERN.match(case_id) or len(case_id) > ID_LIMIT:
        better = suggested_id(case_id)
        hint = f" (for example `{better}`)" if better and ID_PATTERN.match(better) else ""
        print(f"tutor new: a case id uses only lowercase letters, digits and '-'{hint}", file=sys.stderr)
        return 2
    folder = Path(args.dir).expanduser() if args.dir else Path(".")
    path = folder / f"{case_id}.yaml"
    if path.exists():
        print(f"{path}: already exists; choose another id or edit that file", file=sys.stderr)
        return 2
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(skeleton(case_id, str(path)))
    except OSError as error:
        print(f"{path}: cannot write the file: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"Wrote {path}. Next: edit it, then `tutor check {path}` and `tutor play {path}`.")
    return 0
