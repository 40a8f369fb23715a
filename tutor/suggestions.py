"""'Did you mean …?' for a name the tutor does not know: a case id, a stage, a command, a setting.

One phrase, said once: the nearest name by spelling, or, when the word is the start of a
few names ("ifi" for "ifi-classic", "ifi-valgus-hip"), those few in one question.
"""

from __future__ import annotations

import difflib
from typing import Iterable

MOST_OFFERED = 3  # more names than this is a list, not a suggestion


def nearest_names(word: str, names: Iterable[str]) -> list[str]:
    """The names `word` most likely meant, best first: [] when none is close."""
    known = list(dict.fromkeys(names))
    folded = word.casefold().strip()
    if not folded:
        return []
    by_fold: dict[str, str] = {}
    for name in known:
        by_fold.setdefault(name.casefold(), name)  # the first spelling given wins
    if folded in by_fold and by_fold[folded] != word:
        return [by_fold[folded]]  # "Findings" for "findings"
    # The start of a name, or one of its words, is what people remember: "toh" for the toh- cases.
    starting = [name for name in known
                if name.casefold().startswith(folded) or folded in name.casefold().replace("_", "-").split("-")]
    if 1 <= len(starting) <= MOST_OFFERED:
        return sorted(starting)
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    return [by_fold[close[0]]] if close else []


def did_you_mean(word: str, names: Iterable[str], quote: str = "`") -> str:
    """'did you mean `x`?' (or '`x`, `y` or `z`?'), or '' when nothing is near."""
    offered = [f"{quote}{name}{quote}" for name in nearest_names(word, names)]
    if not offered:
        return ""
    listed = offered[0] if len(offered) == 1 else ", ".join(offered[:-1]) + " or " + offered[-1]
    return f"did you mean {listed}?"


def with_choice_suggestion(message: str) -> str:
    """argparse's "invalid choice: 'lst' (choose from 'play', 'drill', …)" as one did-you-mean.

    Other messages are returned as they are."""
    import re

    found = re.search(r"invalid choice: '?(.*?)'? \(choose from (.*)\)$", message)
    if found is None:
        return message
    given, listed = found.group(1), found.group(2)
    choices = [choice.strip().strip("'\"") for choice in listed.split(",")]
    hint = did_you_mean(given, choices)
    head = message[: found.start()].rstrip()
    if head.endswith("COMMAND:"):
        return f"{given!r} is not a command; {hint or 'the commands are ' + ', '.join(choices)}"
    return f"{head} {given!r} is not a choice; {hint or 'choose from ' + ', '.join(choices)}".lstrip()
