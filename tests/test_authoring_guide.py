"""The authoring guide's examples name only what exists: an instructor copies them."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "authoring.md"


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_the_guides_shared_discriminators_name_concepts_of_the_shared_lexicon():
    lexicon = yaml.safe_load((ROOT / "dialogues" / "lexicon.yaml").read_text(encoding="utf-8"))
    known = set(lexicon["concepts"])
    named: list[str] = []
    for block in _yaml_blocks(GUIDE.read_text(encoding="utf-8")):
        if not block.startswith("# dialogues/discriminators.yaml"):
            continue
        for line in block.splitlines():
            found = re.match(r"\s*between:\s*\[(.*)\]", line)
            if found:
                named += [word.strip() for word in found.group(1).split(",")]
    assert named, "the guide shows a shared discriminator"
    assert [n for n in named if n not in known] == []
