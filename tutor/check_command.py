"""`tutor check [PATH...]`: validate case files and run the authors' own example answers.

What is checked is `tutor.cases.checker`. Problems go to stderr as
`file:line: message`, warnings as `file:line: warning: message`; the summary
line goes to stdout. Exit status 2 when there is a problem (or, with
`--strict`, a warning), 0 otherwise.
"""

from __future__ import annotations

import sys

from tutor.cases.checker import check_paths
from tutor.cases.problems import CaseError, report_problems


def run(args) -> int:
    paths = list(getattr(args, "paths", None) or [])
    report = check_paths(paths)
    if not paths:
        # The whole library was checked: how its folders are named is part of it.
        from tutor.cases.library import library_problems
        from tutor.cases.problems import in_file_order

        report.problems = in_file_order(library_problems() + report.problems)
    if report.problems:
        report_problems(CaseError(report.problems), sys.stderr)
    print(report.summary())
    return 2 if report.failed(strict=getattr(args, "strict", False)) else 0
