"""A case's concepts graded with what the shared lexicon knows of the same things.

An instructor who writes `reduced-weight-bearing: {label: Reduced weight bearing, synonyms:
[crutches]}` means the case's own label and stage design, not that learners who write
"partial WB" or "拐杖" should now earn nothing. So a concept of the case that names the same
thing as a concept of the shared lexicon keeps everything it says (label, synonyms, measure,
essential words) and also takes the lexicon concept's terms:

- the lexicon concept with the same id, or the one its `inherit:` names;
- else the one lexicon concept whose label is the case concept's label or one of its terms, or
  one of whose terms is the case concept's label (a twin under another id). The twin then
  leaves the case: one thing, one concept, one credit line.

`inherit: false` keeps the case concept to its own terms. A lexicon term is never taken when:

- it is a term of another concept of the case (the tutor could not tell which one is meant);
- its words are part of a term of another concept the case defines or uses ("discectomy"
  in a case with "Previous discectomy"): alone, it names that one as much;
- the case concept is narrower: its label has a word that tells concepts apart (an
  `essential:` word of dialogues/words.yaml or of the concept) that the lexicon's label does
  not, and the term lacks it ("effusion" for "Small hip joint effusion"). The case's side
  (`side: left` and "left" in the label) narrows nothing: the tutor reads sides on its own.
- it is one of the concept's own terms with a place left out ("OA" beside "hip OA"): the
  matcher shortens the concept's own terms itself, never beside another place ("knee OA");
- the concept's own terms name a part of the body (the setting words aside) and the term
  names none ("steroid injection" for a "piriformis injection");
- the case concept has a `measure:` and the term states a threshold of its own;
- it says what it is "of" with a word of another lexicon concept that no concept of the case
  says ("transient osteoporosis of pregnancy" in a man's case).

A twin the case itself names (in a stage, an example or a discriminator) stays as it is, and
nothing is inherited from it: the author keeps the two apart on purpose.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Mapping

from tutor.model import Concept

__all__ = ["Inheritance", "inherit_shared_terms"]

# A term as the matcher compares it: its required words (in any order) and whether it is the
# core of an absence ("fever" in "No fever").
_Key = tuple[frozenset[str], bool]


class Inheritance:
    """The case's concepts after inheriting, and which lexicon twins they absorbed."""

    def __init__(self, concepts: dict[str, Concept], absorbed: dict[str, str]):
        self.concepts = concepts
        self.absorbed = absorbed  # lexicon id -> the case concept that took its place


# Worked out once per concept per process: the shared lexicon's concepts are in every case.
@lru_cache(maxsize=4096)
def _keys(concept: Concept) -> dict[str, frozenset[_Key]]:
    """Each of the concept's terms (as written) -> its keys, label forms and variants included."""
    from tutor.matching.terms import terms_of

    keys: dict[str, set[_Key]] = {}
    for term in terms_of(concept):
        required = frozenset(w.norm for w in term.words if not w.optional)
        if required and term.measure is None:
            keys.setdefault(term.text, set()).add((required, term.denial_core))
    return {text: frozenset(found) for text, found in keys.items()}


@lru_cache(maxsize=4096)
def _all_keys(concept: Concept) -> frozenset[_Key]:
    return frozenset(key for keys in _keys(concept).values() for key in keys)


@lru_cache(maxsize=4096)
def _label_words(text: str) -> tuple[str, ...]:
    from tutor.matching.terms import label_forms
    from tutor.matching.tokens import CJK, NUM, WORD, prepare, tokenize

    main = label_forms(text)
    main_label = main[1] if len(main) > 1 else main[0]  # without an author's aside in brackets
    return tuple(t.norm for t in tokenize(prepare(main_label)) if t.kind in (WORD, NUM, CJK))


def _narrowing_words(concept: Concept, source: Concept, side: str | None) -> set[str]:
    """The words by which the case concept names something narrower than the lexicon concept:
    a word that tells concepts apart which only its label has ("Small hip joint effusion"), and
    a modifier put in front of the lexicon's name ("Pure hamstring tendon avulsion" for
    "Proximal hamstring avulsion", "Further lumbar spine surgery" for "Lumbar spine surgery").
    A name after a head word and its preposition ("Onset in the third trimester") or with words
    inside it ("Conservative symptomatic treatment") narrows nothing."""
    from tutor.matching.negation import STOPWORDS
    from tutor.matching.tokens import word_data

    words = [w for w in _label_words(concept.label) if w != side]
    theirs = _label_words(source.label)
    narrower = (set(words) & (word_data().essential | set(concept.essential))) - set(theirs)
    name = [w for w in theirs if w not in STOPWORDS and w not in word_data().context]
    if name and set(name) <= set(words):
        before = words[: min(words.index(w) for w in theirs if w in words and w not in STOPWORDS)]
        if before and not set(before) & STOPWORDS:
            narrower |= set(before)
    return narrower


_twin_tables: dict[int, tuple[Mapping[str, Concept], dict[_Key, set[str]], dict[_Key, set[str]]]] = {}


def _lexicon_tables(shared: Mapping[str, Concept]) -> tuple[dict[_Key, set[str]], dict[_Key, set[str]]]:
    """Every term key of the shared lexicon -> the ids of the concepts with that term, and the
    same for labels only (worked out once per set of shared definitions: every case of a
    folder is read with the same)."""
    kept = _twin_tables.get(id(shared))
    if kept is not None and kept[0] is shared:
        return kept[1], kept[2]
    terms: dict[_Key, set[str]] = {}
    labels: dict[_Key, set[str]] = {}
    for concept in shared.values():
        for text, keys in _keys(concept).items():
            for key in keys:
                terms.setdefault(key, set()).add(concept.id)
                if text == concept.label:
                    labels.setdefault(key, set()).add(concept.id)
    if len(_twin_tables) > 8:
        _twin_tables.clear()
    _twin_tables[id(shared)] = (shared, terms, labels)
    return terms, labels


def _twin(concept: Concept, shared: Mapping[str, Concept], taken: set[str]) -> str | None:
    """The one lexicon concept (not defined nor named by the case itself) that names the same
    thing: its label is this concept's label or one of its terms, or the other way round."""
    terms, labels = _lexicon_tables(shared)
    keys = _keys(concept)
    candidates: set[str] = set()
    for text, text_keys in keys.items():
        for key in text_keys:
            candidates |= labels.get(key, set())
            if text == concept.label:
                # The case's label is a term of the lexicon concept: its twin, unless the label
                # names a kind of what the lexicon's label names ("Hip replacement" beside
                # "Surgery", whose terms list its kinds): one kind is not the class.
                candidates |= {cid for cid in terms.get(key, set()) if not _a_kind_of(key[0], shared[cid])}
    candidates -= taken
    return next(iter(candidates)) if len(candidates) == 1 else None


def _kinds_named_by_the_case(concepts: Mapping[str, Concept], own: list[str], shared: Mapping[str, Concept],
                             sources: Mapping[str, str]) -> dict[str, set[str]]:
    """Lexicon class id -> its terms that a concept of the case defines as one kind of it
    ("Hip replacement" beside the lexicon's "Surgery"): the case's concept names the kind."""
    terms, _ = _lexicon_tables(shared)
    out: dict[str, set[str]] = {}
    for concept_id in own:
        if concept_id in sources:
            continue
        concept = concepts[concept_id]
        for key in _keys(concept).get(concept.label, ()):
            for class_id in terms.get(key, ()):
                if class_id != concept_id and _a_kind_of(key[0], shared[class_id]):
                    out.setdefault(class_id, set()).update(
                        text for text, keys in _keys(shared[class_id]).items() if key in keys)
    return out


def _a_kind_of(words: frozenset[str], source: Concept) -> bool:
    """Whether words name a kind of what the lexicon concept's label names: one of them is
    read as that class (words.yaml `also_means`: "arthroplasty" is a surgery)."""
    from tutor.matching.tokens import word_data

    label = frozenset().union(*(w for w, _ in _keys(source).get(source.label, ())))
    return any(len(key) == 1 and key[0] in words and set(means) <= label and not set(means) <= words
               for key, means in word_data().also_means.items())


def inherit_shared_terms(
    concepts: Mapping[str, Concept], own: Iterable[str], shared: Mapping[str, Concept],
    choices: Mapping[str, str | bool], used: set[str], side: str | None,
) -> Inheritance:
    """`concepts` (the shared ones merged with the case's, case wins) with each of the case's
    own concepts (`own`, in file order) taking the terms of the lexicon concept that names the
    same thing. `choices` holds each concept's `inherit:` (False, or a lexicon id); `used` the
    concept ids the case's stages, examples and discriminators name."""
    own = [c for c in own if c in concepts]
    sources: dict[str, str] = {}
    for concept_id in own:
        choice = choices.get(concept_id)
        if choice is False:
            continue
        if isinstance(choice, str):
            if choice in shared:
                sources[concept_id] = choice
        elif concept_id in shared:
            sources[concept_id] = concept_id
    defined_here = set(own)
    for concept_id in own:
        if concept_id not in sources and choices.get(concept_id) is None:
            twin = _twin(concepts[concept_id], shared, defined_here | used)
            if twin is not None:
                sources[concept_id] = twin
    # A lexicon concept two of the case's concepts name is kept apart from both.
    claimed: dict[str, int] = {}
    for source_id in sources.values():
        claimed[source_id] = claimed.get(source_id, 0) + 1
    sources = {c: s for c, s in sources.items() if claimed[s] == 1 and (s == c or s not in used)}
    kinds = _kinds_named_by_the_case(concepts, own, shared, sources)
    if not sources and not kinds:
        return Inheritance(dict(concepts), {})

    absorbed = {s: c for c, s in sources.items() if s != c}
    result = {k: v for k, v in concepts.items() if k not in absorbed}
    for class_id, texts in kinds.items():
        # The case's concept is that kind now: the class keeps its other terms.
        if class_id in result and class_id not in defined_here:
            lexicon = result[class_id]
            result[class_id] = replace(lexicon, synonyms=tuple(t for t in lexicon.synonyms if t not in texts))
    if not sources:
        return Inheritance(result, {})
    others = {cid: _all_keys(c) for cid, c in result.items()}
    named = used | defined_here
    parts = {cid: [k for k in keys if not k[1]] for cid, keys in others.items() if cid in named}
    said_here = frozenset().union(*(words for cid in named for words, _ in others.get(cid, ())))
    for concept_id, source_id in sources.items():
        concept, source = concepts[concept_id], shared[source_id]
        narrower = _narrowing_words(concept, source, side)
        own_keys = others[concept_id]
        taken: list[str] = []
        refused: list[tuple[str, str]] = []
        # The lexicon's own short forms of its label, without a place the matcher would not leave
        # out itself ("radiculopathy" of "Lumbar radiculopathy"; "OA" of "Hip OA" it shortens anyway).
        label_keys = _keys(source).get(source.label, frozenset())
        away = _places() - _setting_words()
        for text, keys in _keys(source).items():
            if keys <= own_keys or text in concept.synonyms or text == concept.label:
                continue  # the case says it already
            reason = _refusal(text, keys, concept_id, source_id, others, parts, narrower, concept,
                              as_listed=(concept.label.strip().casefold() == source.label.strip().casefold()
                                         and all(any(words < label and (label - words) & away for label, _ in label_keys)
                                                 for words, _ in keys)))
            if reason is None:
                reason = _names_what_the_case_does_not(text, concept, source_id, shared, said_here)
            if reason is None:
                taken.append(text)
                own_keys = own_keys | keys
            else:
                refused.append((text, reason))
        measure = concept.measure or (source.measure if not narrower else None)
        result[concept_id] = replace(
            concept, synonyms=concept.synonyms + tuple(taken), inherited=tuple(taken),
            inherited_from=source_id, not_inherited=tuple(refused), measure=measure,
            essential=concept.essential + tuple(w for w in source.essential if w not in concept.essential),
        )
    return Inheritance(result, absorbed)


def _refusal(text: str, keys: frozenset[_Key], concept_id: str, source_id: str,
             others: dict[str, frozenset[_Key]],
             parts: dict[str, list[_Key]], narrower: set[str], concept: Concept,
             as_listed: bool = False) -> str | None:
    """Why the lexicon term `text` must not be taken, in words for `tutor concepts`, or None."""
    from tutor.matching.terms import threshold_in

    if concept.measure is not None and threshold_in(text) is not None:
        return "it states a threshold, and the concept has a `measure:` of its own"
    for other_id, other_keys in others.items():
        if other_id in (concept_id, source_id):
            continue
        if keys & other_keys:
            return f"it is a term of `{other_id}`"
    for other_id, named_keys in parts.items():
        if other_id in (concept_id, source_id):
            continue
        if any(words < longer for words, core in keys if not core for longer, _ in named_keys):
            return f"it is part of a term of `{other_id}`"
    # A concept with the lexicon's own label is placed no more narrowly than the lexicon, which
    # lists its label's words without the place itself ("radiculopathy" of "Lumbar radiculopathy").
    if as_listed:
        return None
    # One of the concept's own terms with its place left out ("OA" beside "hip OA",
    # "bone marrow edema" beside "Femoral head bone marrow edema"): never beside another place
    # ("knee OA", "acetabular marrow edema").
    for own_text, own in _keys(concept).items():
        for words, core in keys:
            if any(core == own_core and words < longer and (longer - words) & _places() for longer, own_core in own):
                return f"it is '{own_text}' without its place"
    # A concept its author placed ("piriformis injection") is narrower than a lexicon term that
    # names no part of the body ("steroid injection" is also one into the hip joint).
    placed = _places_named(concept)
    if placed and not any(words & _places() for words, _ in keys):
        return f"it names no part of the body, and the concept's own terms do ({', '.join(sorted(placed))})"
    for word in sorted(narrower):
        if not any(word in words for words, _ in keys):
            return f"it lacks '{word}': the concept is narrower than the lexicon's"
    return None


_WHAT_IT_IS_OF = frozenset({"of", "in", "during"})


def _names_what_the_case_does_not(text: str, concept: Concept, source_id: str,
                                  shared: Mapping[str, Concept], said_here: frozenset[str]) -> str | None:
    """Why a lexicon term that says what it is "of" ("in", "during") with a word naming another
    thing of the lexicon, which neither the concept nor any other concept of the case says, must
    not be taken: "transient osteoporosis of pregnancy" is a kind only a case about a pregnancy
    has; in a man's case it is the wrong answer."""
    words = _label_words(text)
    at = next((i for i, w in enumerate(words) if w in _WHAT_IT_IS_OF and i > 0), None)
    if at is None:
        return None
    own = frozenset().union(*(key for key, _ in _all_keys(concept)))
    things = _words_naming_things(shared).get(source_id, frozenset())
    for word in words[at + 1:]:
        if word in things and word not in own and word not in said_here:
            return f"it names '{word}', which no concept of this case says"
    return None


_thing_tables: dict[int, tuple[Mapping[str, Concept], dict[str, frozenset[str]]]] = {}


def _words_naming_things(shared: Mapping[str, Concept]) -> dict[str, frozenset[str]]:
    """For each lexicon concept, the words of the other lexicon concepts' labels (the setting,
    size and side words aside): the things a word of its terms may name besides itself."""
    kept = _thing_tables.get(id(shared))
    if kept is not None and kept[0] is shared:
        return kept[1]
    from tutor.matching.negation import STOPWORDS
    from tutor.matching.tokens import word_data

    spare = STOPWORDS | word_data().context | word_data().qualifiers
    by_concept = {cid: frozenset(w for w in _label_words(c.label) if w not in spare and w.isalpha())
                  for cid, c in shared.items()}
    counts: dict[str, set[str]] = {}
    for cid, words in by_concept.items():
        for word in words:
            counts.setdefault(word, set()).add(cid)
    out = {cid: frozenset(w for w, ids in counts.items() if ids - {cid}) for cid in shared}
    if len(_thing_tables) > 8:
        _thing_tables.clear()
    _thing_tables[id(shared)] = (shared, out)
    return out


def _setting_words() -> frozenset[str]:
    from tutor.matching.tokens import word_data

    return word_data().context


def _places() -> frozenset[str]:
    from tutor.matching.tokens import word_data

    return word_data().places


@lru_cache(maxsize=4096)
def _places_named(concept: Concept) -> frozenset[str]:
    """The parts of the body the concept's own terms name, the case's setting words aside."""
    from tutor.matching.tokens import word_data

    places = _places() - word_data().context
    return frozenset(word for key in _all_keys(concept) for word in key[0] & places)
