"""`tutor schema`: the JSON Schema of the case format on stdout, for an editor.

    tutor schema > ~/.config/tutor/case.schema.json

then start a case file with
`# yaml-language-server: $schema=/home/me/.config/tutor/case.schema.json`
(see the authoring guide).
"""

from __future__ import annotations

import json


def run(args) -> int:
    from tutor.cases.schema import case_schema

    print(json.dumps(case_schema(), indent=2, ensure_ascii=False))
    return 0
