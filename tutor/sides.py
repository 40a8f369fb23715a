"""Which side of the body an answer names: "left hip QF edema" on a case about the right hip.

The engine tells a learner who names only the other side; the grader does not credit a finding
said of the other side alone.
"""

from __future__ import annotations

import re

_SIDE_WORDS = {"left": "left", "lt": "left", "l": "left", "right": "right", "rt": "right", "r": "right"}
_CJK_SIDES = {"左": "left", "右": "right"}
# A side word, then the word it qualifies ("left hip", "R-sided"), or "the left" at a clause's end;
# or 左/右 before a Chinese word. ASCII text is read without the Chinese part: compiling its range
# (case-folded, as the whole pattern once was) was most of what importing this module cost.
_SIDE_WORD = (r"(?i:(?<![\w/-])(left|right|lt|rt|l|r)[\s-]+(\w[\w-]*))"
              r"|(?i:\bthe\s+(left|right)\b(?!\s*\w))")
_SIDE_IN_ASCII = re.compile(_SIDE_WORD + r"|([左右])")  # the same groups; the last never matches here
_SIDE: re.Pattern[str] | None = None


def _side_pattern(text: str) -> re.Pattern[str]:
    global _SIDE
    if text.isascii():
        return _SIDE_IN_ASCII
    if _SIDE is None:
        _SIDE = re.compile(_SIDE_WORD + r"|([左右][\u4e00-\u9fff])")
    return _SIDE
_POSITION_AFTER = re.compile(r"[\s-]+(?:lateral[\s-]+)?decubitus\b", re.I)
_POSITION_BEFORE = re.compile(r"\b(?:lying|lie|lies|lay|laid|positioned|turned)\s+(?:on\s+|onto\s+)?"
                              r"(?:his|her|their|the|my|your)?\s*$", re.I)
# Words after "right"/"left" that show it is not a side: "the right answer", "right away".
_NOT_A_SIDE = frozenset({
    "away", "now", "answer", "diagnosis", "one", "thing", "idea", "here", "there", "after", "before",
    "so", "and", "or", "but", "to", "is", "i", "in", "on", "at", "of", "the", "a", "an", "off", "over",
    "out", "untreated", "alone", "behind", "unchanged",
})


def wrong_side_words(text: str, side: str | None) -> str:
    """The learner's words naming the side opposite the case's ("left hip" on a right hip), if only that.

    An answer that names both sides (comparing them) is not flagged."""
    if side not in ("left", "right"):
        return ""
    said_own, said_other = False, ""
    for clause in _CLAUSE.split(text):
        # "left side normal", "no edema on the left": the other side named as the normal one.
        if _NORMAL.search(clause):
            continue
        own, other = sides_named(clause, side)
        said_own = said_own or own
        said_other = said_other or other
    return "" if said_own else said_other


_CLAUSE = re.compile(r"[,;.:()\n，；。]")
_NORMAL = re.compile(r"\b(?:normal|unremarkable|symmetric|spared|intact|no|not|without|fine)\b|正常|無|沒有", re.I)


# The other side named without its name: "IFS narrow on the contralateral side", "edema in the
# other hip" ("compared with the contralateral side" compares, and names no side here).
_ON_THE_OTHER_SIDE = re.compile(r"\b(?:on|in|of|at|involving)\s+the\s+(?:contralateral|other|opposite)\s+"
                                r"(?:side|hip|leg|buttock|thigh)\b", re.I)


def sides_named(text: str, side: str) -> tuple[bool, str]:
    """Whether the text names the case's side, and its words naming the other side."""
    said_own, said_other = False, ""
    if side in ("left", "right") and "the" in text.casefold():
        found = _ON_THE_OTHER_SIDE.search(text)
        if found is not None:
            said_other = " ".join(found.group(0).split())
    for m in _side_pattern(text).finditer(text):
        if m.group(1):
            if m.group(2).casefold() in _NOT_A_SIDE:
                continue
            # "lying on his right side", "left lateral decubitus": how the patient lay, not the hip.
            if _POSITION_AFTER.match(text, m.end(1)) or _POSITION_BEFORE.search(text, 0, m.start()):
                continue
            named = _SIDE_WORDS[m.group(1).casefold()]
        else:
            named = (m.group(3) or "").casefold() or _CJK_SIDES.get((m.group(4) or " ")[0], "")
        if named == side:
            said_own = True
        elif named and not said_other:
            said_other = " ".join(m.group(0).split())
    return said_own, said_other


def other_side_only(clause: str, side: str) -> bool:
    """Whether a clause names the side opposite `side` and not `side` itself ("QF edema on the left")."""
    if side not in ("left", "right"):
        return False
    own, other = sides_named(clause, side)
    return bool(other) and not own


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a text, cut where wrong_side_words cuts it."""
    out, begin = [], 0
    for cut in _CLAUSE.finditer(text):
        out.append((begin, cut.start()))
        begin = cut.end()
    out.append((begin, len(text)))
    return out
