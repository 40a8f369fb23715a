"""What a hint and a committed wrong answer cost, in one place.

The engine charges these and every front end, the help and the README quote
them, so the learner is told the same price wherever they look.
"""

from __future__ import annotations

HINT_PENALTY = 0.1  # of a stage's score, per hint taken (the reveal counts as one)
MISCONCEPTION_PENALTY = 0.1  # per distinct wrong answer committed to in a stage


def points(penalty: float) -> int:
    """A penalty as the points (out of 100) it takes off a stage's score."""
    return round(penalty * 100)


HINT_POINTS = points(HINT_PENALTY)


def stage_score(credit: float, hints: int, confusions: int = 0) -> float:
    """credit - HINT_PENALTY * hints - MISCONCEPTION_PENALTY * confusions, never below 0."""
    return max(0.0, credit - HINT_PENALTY * hints - MISCONCEPTION_PENALTY * confusions)
