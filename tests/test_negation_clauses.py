"""How a clause carries a denial: a heading before a colon, a value after a dash, a question
answered, an exception stated. Each rule has a case it credits and a near miss it must not."""

from __future__ import annotations

import pytest

from tutor.matching.index import ConceptIndex
from tutor.model import Concept


def stance(sentence: str, term: str) -> str:
    """How the tutor reads `term` in `sentence`: denied, hedged, asserted or not found."""
    found = [m for m in ConceptIndex([Concept("target", term)]).find(sentence).mentions]
    if not found:
        return "not found"
    if any(m.considered for m in found):
        return "hedged"
    return "denied" if all(m.negated for m in found) else "asserted"


@pytest.mark.parametrize(
    "sentence, term, expected",
    [
        # A denial heading a sentence before a colon reaches its whole list.
        ("negative: FADIR, FABER, SLR", "FABER", "denied"),
        ("negative: FADIR, FABER, SLR", "SLR", "denied"),
        ("Tests negative: FADIR and FABER", "FABER", "denied"),
        ("absent: effusion, fracture", "fracture", "denied"),
        # ... to the end of its sentence or a turn, and only when it heads the sentence.
        ("Negative: FADIR and FABER. Positive: Ober test", "Ober test", "asserted"),
        ("negative: FADIR, but FABER painful", "FABER", "asserted"),
        ("SLR negative: FAIR positive", "FAIR", "asserted"),
        ("SLR negative: FAIR positive", "SLR", "denied"),
        # A value after a dash or in brackets, as after a colon.
        ("effusion - none", "effusion", "denied"),
        ("effusion (none)", "effusion", "denied"),
        ("fracture - unlikely", "fracture", "denied"),
        ("trauma - denies", "trauma", "denied"),
        ("effusion - small", "effusion", "asserted"),
        ("ischiofemoral impingement (not FAI)", "ischiofemoral impingement", "asserted"),
        # A question answered with a denial after it.
        ("AVN? unlikely", "AVN", "denied"),
        ("AVN? check the T1", "AVN", "hedged"),
        # Degree words between a concept and its cue.
        ("AVN highly unlikely", "AVN", "denied"),
        ("doubtful AVN", "AVN", "denied"),
        # An exception is stated.
        ("no fever other than night sweats", "night sweats", "asserted"),
        ("no fever other than night sweats", "fever", "denied"),
        ("no fever apart from night sweats", "night sweats", "asserted"),
        # "more likely than" ranks the other lower, as ">" does.
        ("TOH more likely than AVN", "AVN", "hedged"),
    ],
)
def test_a_clause_carries_its_denial(sentence, term, expected):
    assert stance(sentence, term) == expected


def _two_concepts(sentence: str) -> dict[str, str]:
    index = ConceptIndex([Concept("pain", "Groin and buttock pain"), Concept("trauma", "Trauma"),
                          Concept("fever", "Fever"), Concept("sweats", "Night sweats")])
    out: dict[str, str] = {}
    for m in index.find(sentence).mentions:
        out[m.concept] = "denied" if m.negated else "asserted"
    return out


@pytest.mark.parametrize("sentence, expected", [
    # The "and" joins the words of one term: the denial ends with the first item.
    ("no trauma, groin and buttock pain", {"trauma": "denied", "pain": "asserted"}),
    ("no surgery, groin + buttock pain", {"pain": "asserted"}),
    ("無外傷，鼠蹊部和臀部痛", {"trauma": "denied", "pain": "asserted"}),
    # Near misses: a real list still carries the denial to its end.
    ("no trauma, fever and night sweats", {"trauma": "denied", "fever": "denied", "sweats": "denied"}),
    ("no trauma, groin or buttock pain", {"trauma": "denied", "pain": "denied"}),
    ("no groin and buttock pain", {"pain": "denied"}),
    ("denies trauma, fever and groin and buttock pain", {"trauma": "denied", "fever": "denied", "pain": "denied"}),
])
def test_an_and_inside_one_term_closes_no_list(sentence, expected):
    assert _two_concepts(sentence) == expected
