"""What an index reads in an answer, as the rule tests of the matcher compare it."""

from __future__ import annotations

from tutor.matching.index import ConceptIndex


def said(index: ConceptIndex, answer: str) -> dict[str, str]:
    """concept -> '+' (asserted) or '-' (denied), as the learner would be credited: a concept
    asserted anywhere in the answer counts as asserted."""
    result: dict[str, str] = {}
    for mention in index.find(answer).mentions:
        if not mention.negated:
            result[mention.concept] = "+"
        else:
            result.setdefault(mention.concept, "-")
    return result
