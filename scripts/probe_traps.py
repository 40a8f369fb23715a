#!/usr/bin/env python3
"""Grade a few answers against a case and print what each one is credited.

    python scripts/probe_traps.py CASE STAGE "answer one" "answer two" ...
    python scripts/probe_traps.py CASE STAGE --file answers.txt     # one answer a line
    python scripts/probe_traps.py --stripped CASE STAGE ...          # the case as a new author wrote it

CASE is a shipped case id, a case file, or a tests/newauthor case id. For attacking a rule with
near misses a teacher would not credit: every asserted and denied concept of the stage is printed
with the words that earned it; `also` lists concepts outside the stage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_grading import NEWAUTHOR_DEV, as_new_author_wrote_it, case_for  # noqa: E402
from tutor.grading import CaseGrader  # noqa: E402


def load(ref: str):
    if Path(ref).is_file():
        return case_for(ref)
    path = NEWAUTHOR_DEV / "cases" / f"{ref}.yaml"
    if path.is_file():
        return case_for(str(path))
    return case_for(ref)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case")
    parser.add_argument("stage")
    parser.add_argument("answers", nargs="*")
    parser.add_argument("--file")
    parser.add_argument("--stripped", action="store_true", help="label + 2 synonyms, no lexicon")
    args = parser.parse_args(argv)
    case = load(args.case)
    if args.stripped:
        case = as_new_author_wrote_it(case)
    grader = CaseGrader(case)
    answers = list(args.answers)
    if args.file:
        answers += [line.strip() for line in Path(args.file).read_text(encoding="utf-8").splitlines() if line.strip()]
    for answer in answers:
        grade = grader.grade(args.stage, answer)
        parts = []
        for cid in grade.matched + grade.misconceptions:
            m = grade.best_mention(cid)
            parts.append(f"+{cid}{'?' if cid in grade.considered else ''}[{m.evidence if m else ''}]")
        for cid in grade.negated:
            m = grade.best_mention(cid, denied=True)
            parts.append(f"-{cid}[{m.evidence if m else ''}]")
        also = grade.to_json()["also_mentioned"]
        print(f"{answer!r}\n    {' '.join(parts) or '(nothing)'}" + (f"   also {also}" if also else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
