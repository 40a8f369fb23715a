"""Answers that say "I don't know" rather than guess.

The engine points such an answer to /hint and never charges a try for it, so which words
count is an input rule that the engine reads, not wording it shows."""

from __future__ import annotations

from tutor.text_safety import printable

_GIVING_UP = frozenset({
    "idk", "i dont know", "i don't know", "dont know", "don't know", "dunno", "no idea", "not sure",
    "im not sure", "i'm not sure", "unsure", "no clue", "pass", "hint", "help", "?", "??", "???",
    "不知道", "不確定", "不清楚", "不會", "不懂",
})


def is_giving_up(text: str) -> bool:
    """Whether an answer only says the learner does not know."""
    words = " ".join(printable(text).casefold().replace("’", "'").strip(" .!。!~…").split())  # noqa: B005 - a set of end marks
    return words in _GIVING_UP
