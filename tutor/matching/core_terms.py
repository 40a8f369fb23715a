"""Long terms said by their telling words: a teacher credits the paraphrase that keeps them.

An instructor writes "Sudden onset while sprinting"; a resident writes "sudden pain while
sprinting". What tells this concept from every other concept the case knows is "sudden" and
"sprinting"; "onset" is a word that names nothing by itself (words.yaml `name_nothing`: onset,
pain, symptoms, finding, sign, test ...) and that the case's vocabulary uses for several
concepts ("Gradual onset of pain" too), so it tells nothing apart and may be said in other words.

Words are weighed by how many concepts of the case's whole vocabulary (its own concepts and
the shared lexicon) use them, an IDF-like count: a word one concept uses tells it apart, a word
several use does not. A core form of a term is the term without such a common word:
- REWORDED: a word of `name_nothing` (two, from a term of five or more words); in an answer
  another word that names nothing must stand in its place ("pain" for "onset");
- OMITTED: a word of what completes the term after its head ("sprinting" after "Sudden onset
  while"), or a word before the head when an `essential` word of the term still says its state
  or kind ("surgical" in "Early surgical repair": "early repair"); in an answer the words left
  stand together, are not completed otherwise ("sudden onset at rest") and are not followed
  by a word of a concept that shares them ("old avulsion fracture" is no "Old apophyseal
  avulsion"). A word before the head says which kind, so it stays when nothing else does:
  "quadratus femoris space" is not the "Reduced quadratus femoris space".
Either way what is left is at least two words, one of them naming something and rarer than
the word left out, and no other concept has a term with all of them (it would be ambiguous);
and the words that tell neighbouring concepts apart always stay: `essential`, sides and sizes
(`qualifiers`), `places` and `structures`, the kind of thing (`makes_a_modifier`).
A core form is a shortened term, so what guards short forms guards it too (not beside a body
part its concept never names). In an answer it also gives way (`stands_for_another`) when it
modifies another noun ("long stride walking test" names the test, not the "Pain on long-stride
walking"), and a word that names nothing has to be said in the place of the one left out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from tutor.matching.terms import OMITTED, REWORDED, SPARE_WORDS, Term

_LONG_TERM = 3  # required words a term has at least before a word may be left out of it
_TWO_LEFT_OUT = 5  # from a term this long, two such words may go
_COMMON = 2  # concepts of the vocabulary that use a word for it to be common


# Words that end the noun phrase a term starts with: what comes after them completes it.
_PHRASE_ENDS = frozenset("after before over under behind below above beneath since until without toward towards "
                         "against within around across through along near beyond between than via versus vs".split())


# Words that start what completes a phrase: a preposition, "of", a linking word.
_COMPLETES = _PHRASE_ENDS | SPARE_WORDS | frozenset("of at in on with for from to by".split())


def _head(term: Term) -> int:
    """Where the noun phrase a term starts with ends: its head, the last word before a spare
    word, "of" or a preposition ("repair" in "Early surgical repair", "onset" in "Sudden onset
    while sprinting", "rehabilitation" in "rehabilitation after repair")."""
    head = term.required[0]
    for i, word in enumerate(term.words):
        if word.optional or word.norm == "of" or word.norm in _PHRASE_ENDS:
            break
        head = i
    return head


def _qualified_by_the_word_before(term: Term, at: int) -> bool:
    """Whether the word before `at` in a term is a word of its own that qualifies it (not a
    link, "of" or a preposition): "long" before "strides", "short" before "steps"."""
    before = at - 1
    while before >= 0 and term.words[before].optional:
        before -= 1
    if before < 0 or before != at - 1:
        return False  # a stopword between: "onset while sprinting", "resection of the trochanter"
    return term.words[before].norm not in _COMPLETES


def core_terms(terms: list[Term], vocabulary: list[Term], essential: dict[str, frozenset[str]]) -> list[Term]:
    """Core forms of the case's long terms (see the module's doc); `vocabulary` holds every
    term the case can meet, its own and the shared lexicon's, to weigh the words by."""
    from tutor.matching.tokens import prepare, tokenize, word_data

    data = word_data()
    nameless = _nameless()
    if not nameless:
        return []
    used_by: dict[str, set[str]] = {}
    word_sets: list[tuple[str, frozenset[str]]] = []
    for term in vocabulary:
        words = frozenset(term.words[i].norm for i in term.required)
        word_sets.append((term.concept, words))
        for word in words:
            used_by.setdefault(word, set()).add(term.concept)
    count = {word: len(concepts) for word, concepts in used_by.items()}
    known = {(t.concept, frozenset(t.words[i].norm for i in t.required)) for t in terms}
    out: list[Term] = []
    seen: set[tuple[str, frozenset[str], bool]] = set()
    modifiers = data.essential | data.qualifiers | data.places | data.structures | data.makes_a_modifier
    from tutor.matching.negation import cue_words, denial_cues_before

    denials = denial_cues_before()
    for term in terms:
        required = term.required
        if (term.measure is not None or term.ordered or term.shortened or term.denial_only
                or len(required) < _LONG_TERM):
            continue
        norms = [w.norm for w in term.words]
        if not set(norms) <= {t.norm for t in tokenize(prepare(term.text))}:
            continue  # two words typed as one ("proximalhamstring"): the form with them apart is read
        own = essential.get(term.concept, frozenset())
        head = _head(term)
        options: list[tuple[list[int], int]] = []
        reworded = [i for i in required if norms[i] in nameless and norms[i] not in own
                    and count.get(norms[i], 0) >= _COMMON]
        options += [([i], REWORDED) for i in reworded]
        if len(required) >= _TWO_LEFT_OUT:
            options += [([i, j], REWORDED) for n, i in enumerate(reworded) for j in reworded[n + 1:]]
        # Only words after the head go: the words before it say which kind ("reduced" QF space,
        # "surgical" repair), what follows it only completes it ("of the hamstring origin").
        omitted = [i for i in required if i > head and i not in reworded and norms[i] not in own
                   and norms[i] not in modifiers and norms[i].isalpha() and len(norms[i]) >= 3
                   and count.get(norms[i], 0) >= _COMMON]
        # ... but not the noun a kept word before it qualifies: "pain when taking long" is no
        # "pain when taking long strides" ("pain when taking long walks"), unless the noun is too
        # general to tell anything ("at the intertrochanteric line" is the intertrochanteric region).
        general = cue_words().too_general_to_deny | data.context
        options += [([i], OMITTED) for i in omitted
                    if norms[i] in general or not _qualified_by_the_word_before(term, i)]
        # Before the head, a word may go when an essential word of the term still says its state
        # or kind: "positive knee flexion test" for "Positive active knee flexion test", "early
        # repair" for "Early surgical repair"; never "QFS" for "Reduced QF space".
        if any(norms[i] in data.essential for i in required if i != head):
            options += [([i], OMITTED) for i in required if i < head and norms[i] not in own
                        and norms[i] not in modifiers and norms[i] not in nameless
                        and norms[i].isalpha() and len(norms[i]) >= 3]
        # A last word that says only where the trouble comes from goes, the rarity aside: an
        # "intra-articular source" is said by "intra-articular" (words.yaml `says_only_where_from`).
        from_where = [i for i in required[-1:] if norms[i] in _from_where() and len(required) >= _LONG_TERM]
        options += [([i], OMITTED) for i in from_where]
        for left_out, how in options:
            kept = [i for i in required if i not in left_out]
            # What a denial word governs never goes: "radiograph without" is no "radiograph
            # without a fragment" ("radiograph without contrast").
            if any(norms[i] in denials and not any(k > i for k in kept) for i in kept):
                continue
            rarest_left_out = min(count[norms[i]] for i in left_out) + (left_out == from_where) * len(vocabulary)
            if len(kept) < 2 or not any(norms[i] not in nameless | data.context and norms[i].isalpha()
                                        and count.get(norms[i], 0) < rarest_left_out for i in kept):
                continue
            words = frozenset(norms[i] for i in kept)
            key = (term.concept, words, term.denial_core)
            if key in seen or (term.concept, words) in known:
                continue
            if any(concept != term.concept and words <= other for concept, other in word_sets):
                continue  # "extension adduction" would be the test's as much as the pain's
            seen.add(key)
            out.append(Term(term.concept, term.text, tuple(w for i, w in enumerate(term.words) if i not in left_out),
                            term.denial_core, False, shortened=True, core=how))
    return out


def stands_for_another(term: Term, first: int, last: int, covered: frozenset[int], norms: list[str],
                       same_clause: list[bool], own: frozenset[str],
                       rivals_of: Callable[[str], frozenset[str]]) -> bool:
    """Whether a core form found at first..last is not its concept's name in this answer.

    `norms` are the answer's words, `same_clause[i]` whether word i is in the mention's clause,
    `own` the words of the term's concept, `rivals_of(word)` the concepts whose terms use the
    word. A core form does not stand for its concept
    - when it modifies the noun after it: "long stride walking test" is the test, not the
      "Pain on long-stride walking";
    - when what completes the term was left out and the answer completes it otherwise:
      "sudden onset at rest" is not "Sudden onset while sprinting";
    - when a word that names nothing was left out and none is said in its place, inside the
      words or beside them ("sudden pain while sprinting"; "worse" is a pain too):
      "postpartum" alone is not "Pain persisting after delivery".
    """
    from tutor.matching.negation import STOPWORDS
    from tutor.matching.tokens import word_data

    data = word_data()
    after = last + 1
    while (after < len(norms) and same_clause[after] and norms[after] not in data.makes_a_modifier
           and (norms[after] in own or norms[after] in STOPWORDS)):
        after += 1  # "long stride walking test": the concept's own "walking" leads to the test
    if after < len(norms) and same_clause[after] and norms[after] in data.makes_a_modifier:
        return True
    if term.core == OMITTED:
        # "sudden onset at rest" completes the words otherwise than "... while sprinting", and in
        # "old avulsion fracture" the words name a kind of fracture, not an "Old apophyseal avulsion".
        nxt = last + 1
        if nxt >= len(norms) or not same_clause[nxt]:
            return False
        return norms[nxt] in _COMPLETES or (norms[nxt] not in own and bool(
            rivals_of(norms[nxt]) & {c for i in covered for c in rivals_of(norms[i])} - {term.concept}))
    before = first - 1
    while before >= 0 and same_clause[before] and norms[before] in STOPWORDS:
        before -= 1
    around = [i for i in range(first, last + 1) if i not in covered]
    around += [i for i in (before, after) if 0 <= i < len(norms) and same_clause[i]]
    nameless = _nameless()
    return not any(norms[i] in nameless or nameless.intersection(data.also_means.get((norms[i],), ()))
                   for i in around)


@lru_cache(maxsize=1)
def _from_where() -> frozenset[str]:
    from tutor.matching.tokens import cue_list

    return frozenset(cue_list("says_only_where_from"))


@lru_cache(maxsize=1)
def _nameless() -> frozenset[str]:
    from tutor.matching.tokens import CJK, NUM, WORD, cue_list, prepare, tokenize, word_data

    return frozenset(t.norm for w in cue_list("name_nothing") for t in tokenize(prepare(w))
                     if t.kind in (WORD, NUM, CJK)) - word_data().essential
