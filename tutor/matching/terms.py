"""Concept labels and synonyms, made into terms the matcher looks for.

A term is a concept's label or synonym as tokens, plus the variants learners
type: the hyphenated word written together ("ischiofemoral"), two words run
together ("weightbearing"). An absence concept ("No history of trauma") gives
its core ("history of trauma") as a term that is asserted when denied, and
inherits the terms of the concept it denies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from tutor.model import Concept, Measure
from tutor.matching.negation import STOPWORDS, denial_cues_before
from tutor.matching.tokens import CJK, COMMA, HARD, NUM, WORD, Token, prepare, tokenize

# Short words that are also abbreviations compare case-sensitively ("US" is not "us").
_COMMON_SHORT_WORDS = STOPWORDS | frozenset(
    "am do go he if me my no so up us we all can has may not one our out per who any pet hip "
    "met arm leg ad".split()
)


_LINK_WORDS = frozenset({"when", "while", "during", "whilst"})
# Adverbs that do not change what a term names: "surgery only if refractory" is "surgery if
# refractory", "apophysis not yet fused" is "apophysis not fused".
_SPARE_ADVERBS = frozenset({"only", "just", "yet", "still", "already"})
# Words a term's words may have between them in an answer without naming anything.
SPARE_WORDS = _LINK_WORDS | _SPARE_ADVERBS


@dataclass(frozen=True, slots=True)
class TermWord:
    """One word of a term, as the matcher compares it."""

    norm: str
    raw: str
    optional: bool  # a stopword: may be absent from the answer
    case_sensitive: bool
    unstemmed: str = ""


REWORDED = 1  # a core form's left-out word names nothing: another may stand in its place
OMITTED = 2  # a core form's left-out word is simply left out: nothing stands between the rest


@dataclass(frozen=True, slots=True)
class Term:
    """A label or synonym of a concept, or a form made of one, as words to find."""

    concept: str
    text: str  # as the author wrote it
    words: tuple[TermWord, ...]
    denial_core: bool  # the core of an absence concept: it is asserted when this is denied
    ordered: bool  # Chinese terms match in order, character by character
    measure: Measure | None = None  # names what is measured; a number must follow
    shortened: bool = False  # a shorter form without setting words (see shortened_terms)
    # One word of a longer name ("piriformis" for "Piriformis syndrome"): it names the concept
    # only standing alone, not as the modifier of another noun ("piriformis injection").
    part_of_name: bool = False
    # Credited only when denied: "no effusion" denies the "Small left hip joint effusion", but
    # "effusion" does not state it (see denial_forms).
    denial_only: bool = False
    # A denial form that left out words naming a kind ("no injection" for "Image-guided
    # injection"): it counts only standing bare after its cue, not as "no piriformis injection".
    bare: bool = False
    # The structure a finding is said of ("quadratus femoris" of "Quadratus femoris edema"):
    # denied by "normal" next to it ("normal QF muscle", "sciatic nerve: normal"), nothing else.
    said_normal: bool = False
    # A core form: the term without a word the case's vocabulary shares ("sudden sprinting" for
    # "Sudden onset while sprinting"; see core_terms): 1 when another word may stand in the place
    # of the one left out, 2 when it is simply left out; 0 for every other term.
    core: int = 0
    # A form of the label (not of a synonym): what the label names, the concept is about. A
    # synonym's "ultrasound-guided injection" is one way of an "Image-guided injection".
    from_label: bool = False

    @property
    def required(self) -> tuple[int, ...]:
        return tuple(i for i, w in enumerate(self.words) if not w.optional)


def is_absence_concept(concept: Concept) -> bool:
    words = [t.norm for t in tokenize(prepare(concept.label)) if t.kind not in (COMMA, HARD)]
    return bool(words) and words[0] in denial_cues_before()


def inherited_denials(terms: list[Term]) -> list[Term]:
    """An absence concept whose core is another concept's term denies all of that concept's terms.

    "No quadratus femoris edema" has the core "quadratus femoris edema", a term of the
    concept qf-edema, so "no QF oedema" states the absence too, without the author
    repeating every synonym with "no" in front.
    """
    words = [tuple(w.norm for w in t.words) for t in terms]
    by_words: dict[tuple[str, ...], set[str]] = {}
    by_concept: dict[str, list[int]] = {}
    for k, term in enumerate(terms):
        if not term.denial_core:
            by_words.setdefault(words[k], set()).add(term.concept)
            by_concept.setdefault(term.concept, []).append(k)
    present = {(t.concept, words[k]) for k, t in enumerate(terms) if t.denial_core}
    added: list[Term] = []
    for c, core in enumerate(terms):
        if not core.denial_core:
            continue
        for positive in by_words.get(words[c], ()):
            if positive == core.concept:
                continue
            for k in by_concept[positive]:
                key = (core.concept, words[k])
                if key not in present:
                    present.add(key)
                    term = terms[k]
                    added.append(Term(core.concept, term.text, term.words, True, term.ordered))
    return added


# Compiled (by `re`, once) when a case is prepared, not on every start: a prepared case's terms are made.
_THRESHOLD = (
    r"^\s*(?P<thing>.+?)\s*(?P<cmp><=|>=|<|>|≤|≥|less than|smaller than|narrower than|shorter than|under|below"
    r"|more than|greater than|larger than|wider than|longer than|over|above|exceeding|超過|大於|多於|小於|少於|低於)"
    r"\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>mm|cm|millimet(?:er|re)s?|centimet(?:er|re)s?|毫米|公釐|公分|厘米)\s*$"
)
_BELOW = ("<", "<=", "≤", "less", "smaller", "narrower", "shorter", "under", "below", "小於", "少於", "低於")


def threshold_in(text: str) -> Measure | None:
    """The threshold a synonym states: "IFS less than 17 mm" is a measure of the IFS below 17 mm."""
    found = re.match(_THRESHOLD, text, re.IGNORECASE)
    if found is None:
        return None
    unit = found["unit"].casefold()
    unit = "cm" if unit.startswith("c") or unit in ("公分", "厘米") else "mm"
    value = float(found["num"].replace(",", "."))
    below = found["cmp"].casefold().split()[0] in _BELOW
    return Measure(of=(found["thing"],), unit=unit, below=value if below else None, above=None if below else value)


def terms_of(concept: Concept) -> list[Term]:
    """The terms of a concept; made once per concept per process (the shared lexicon's
    concepts are in every case, and their terms are the same in each)."""
    return list(_terms_of(concept))


@lru_cache(maxsize=8192)
def _terms_of(concept: Concept) -> tuple[Term, ...]:
    return tuple(_make_terms(concept))


def _make_terms(concept: Concept) -> list[Term]:
    absence = is_absence_concept(concept)
    terms: list[Term] = []
    measures = [concept.measure] if concept.measure is not None else []
    if not measures and not absence:
        # An author who writes the threshold as a synonym means it as one.
        measures = [m for m in map(threshold_in, concept.synonyms) if m is not None]
    for measure in measures:
        for text in measure.of:
            words = [_term_word(t) for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK)]
            if words:
                ordered = not text.isascii()  # Chinese, even when read as English words
                terms.append(Term(concept.id, text, tuple(words), False, ordered, measure))
    seen: set[tuple[str, ...]] = set()
    label_words = {w.norm for w, _ in _label_words(concept.label)}
    forms = label_forms(concept.label)
    for number, text in enumerate((*forms, *concept.synonyms)):
        for words, denial_core in _term_variants(text, absence):
            key = tuple(w.norm for w in words) + (("-core",) if denial_core else ())
            if words and key not in seen:
                seen.add(key)
                ordered = not text.isascii()  # Chinese, even when read as English words
                required = [w.norm for w in words if not w.optional]
                part = len(required) == 1 and required[0] in label_words and len(label_words) > 1
                terms.append(Term(concept.id, text, tuple(words), denial_core, ordered, part_of_name=part,
                                  from_label=number < len(forms)))
    return terms


_PARENTHESIS = re.compile(r"\s*[(（]([^()（）]*)[)）]")
_OR = re.compile(r"\s+or\s+|\s*/\s*", re.IGNORECASE)
_LISTED = re.compile(r"\s*[,;、]\s*")
_EXPLANATION_WORDS = 3  # "(ischial apophysis fused)": an aside this long names the concept too


def label_forms(label: str) -> list[str]:
    """The label, and what an author's parenthesis in it says: "Sciatic nerve tumor
    (schwannoma or neurofibroma)" is also named "sciatic nerve tumor", "schwannoma" and
    "neurofibroma"; "Skeletally mature (ischial apophysis fused)" also "ischial apophysis fused";
    "(no recurrent herniation, no root compression)" gives both.

    A short aside ("(a variant)", "(ischial area)", "(fresh)") only explains the label and
    names nothing by itself, nor does a list of single words ("(shape, version, distance)").
    """
    inner = _PARENTHESIS.findall(label)
    if not inner:
        return [label]
    forms = [label, _PARENTHESIS.sub("", label).strip()]
    for aside in inner:
        alternatives = [p for p in _OR.split(aside) if _content_words(p)]
        listed = [p for p in _LISTED.split(aside) if _content_words(p)]
        if len(alternatives) > 1:
            forms += [p for p in alternatives if len(_content_words(p)) >= 2 or len(_content_words(p)[0]) >= 5]
        elif len(listed) > 1 and all(len(_content_words(p)) >= 2 for p in listed):
            forms += listed
        elif len(listed) == 1 and len(_content_words(aside)) >= _EXPLANATION_WORDS:
            forms.append(aside)
    return [f for f in forms if f]


def _content_words(text: str) -> list[str]:
    return [t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK) and t.norm not in STOPWORDS]


def _label_words(label: str) -> list[tuple[TermWord, bool]]:
    return [(_term_word(t), False) for t in tokenize(prepare(label)) if t.kind in (WORD, NUM, CJK)
            if not _term_word(t).optional]


def _term_variants(text: str, absence: bool) -> list[tuple[list[TermWord], bool]]:
    tokens = [t for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK)]
    words = [_term_word(t) for t in tokens]
    variants: list[tuple[list[TermWord], bool]] = []
    deny = denial_cues_before()
    if absence and words and words[0].norm in deny:
        core = words[1:]
        while core and core[0].norm in deny | STOPWORDS:
            core = core[1:]
        if core:
            variants.append((core, True))
    else:
        variants.append((words, False))
        at = _absence_after_its_modality(words)
        if at is not None:
            core = words[at + 1:]
            while core and core[0].norm in deny | STOPWORDS:
                core = core[1:]
            if core:
                variants.append((core, True))
    # "weight bearing" may be typed "weightbearing": each adjacent pair, joined.
    base = variants[0] if variants else None
    if base is not None and 2 <= len(base[0]) <= 4:
        ws = base[0]
        for k in range(len(ws) - 1):
            a, b = ws[k], ws[k + 1]
            if (not a.optional and not b.optional and a.norm.isascii() and b.norm.isascii()
                    and a.norm.isalpha() and b.norm.isalpha() and len(a.norm) >= 4 <= len(b.norm)
                    and len(a.norm) + len(b.norm) >= 8):
                merged = TermWord(a.norm + b.norm, a.raw + b.raw, False, False, a.norm + (b.unstemmed or b.norm))
                variants.append((ws[:k] + [merged] + ws[k + 2:], base[1]))
    # "ischio-femoral" written with a hyphen may be typed as one word.
    if "-" in text and len(tokens) > 1:
        joined = [_term_word(t) for t in tokenize(prepare(text.replace("-", "")))
                  if t.kind in (WORD, NUM, CJK)]
        if joined != words:
            variants += [(v, core) for v, core in _term_variants(text.replace("-", ""), absence)]
    return variants


# Verbs by which a study says what it shows: "Radiographs show no fracture".
_SHOWING = frozenset({"show", "reveal", "demonstrate", "demonstrat", "display"})


def _absence_after_its_modality(words: list[TermWord]) -> int | None:
    """Where the denial cue stands in a term that says a study shows no finding ("Radiographs
    show no osteoarthritis, fracture or bone lesion", "MRI: no mass"): the words after it are
    the core of an absence, as those of "No fracture" are. Only a modality, a showing verb and
    stopwords may stand before the cue: "Treated carcinoma without recurrence" says more than
    an absence."""
    from tutor.matching.tokens import word_data

    deny = denial_cues_before()
    modalities = word_data().modalities
    for k, word in enumerate(words):
        if word.norm in deny:
            before = [w for w in words[:k] if not w.optional]
            if k and before and any(w.norm in modalities for w in before) and all(
                    w.norm in modalities or w.norm in _SHOWING for w in before):
                return k
            return None
    return None


def states_an_absence(term: Term) -> bool:
    """Whether a term's own words say something is absent ("no hip OA on radiographs",
    "Radiographs show no fracture"): the answer's "no" before those words is the term's own,
    so no form of it is one to deny."""
    deny = denial_cues_before()
    return not term.denial_core and any(w.norm in deny for w in term.words)


def _term_word(token: Token) -> TermWord:
    raw = token.raw
    case_sensitive = (
        raw.isascii() and raw.isalpha() and raw.isupper() and len(raw) <= 4
        and token.norm in _COMMON_SHORT_WORDS
    )
    # "Pain when sitting" is said "pain sitting", "sudden pain during a sprint" as "while sprinting".
    optional = (token.norm in STOPWORDS or token.norm in _LINK_WORDS or token.norm in _SPARE_ADVERBS) and not case_sensitive
    return TermWord(token.norm, raw, optional, case_sensitive, token.unstemmed)


# -- terms without the words that only restate the case's setting ---------------------------

_SIDES = frozenset({"left", "right"})
_MAX_DROPPABLE = 4  # subsets of at most this many droppable words are tried
_AMBIGUOUS_WITHIN = 4  # another concept's term of at most this many words can claim a short form


def shortened_terms(terms: list[Term], essential: dict[str, frozenset[str]], vocabulary: list[Term],
                    context: frozenset[str] = frozenset(), topic: frozenset[str] = frozenset(),
                    in_play: frozenset[str] | None = None) -> list[Term]:
    """Shorter forms of terms, a teacher's way: the entity without what only restates the setting.

    "osteonecrosis" for "Osteonecrosis of the femoral head", "effusion" for "Hip joint effusion",
    "conservative" for "Conservative treatment", "no trauma" for "No history of trauma". A word
    may be left out when it is a setting word (words.yaml `context`, or the case's own one-word
    tags in `context`), or part of an "of ..." phrase after the entity; never a word that tells
    concepts apart (words.yaml `essential`, a concept's own `essential:`), and never the entity
    itself. A structure the case keeps naming (`topic`: "hamstring" in a hamstring case) may be
    left out too when two words are left: "partial tear" for "Partial proximal hamstring tear",
    "tendon thickening" for "Hamstring tendon thickening", never "tendinopathy" for "Hamstring
    tendinopathy". A short form that another concept's term also contains (within a few words)
    is ambiguous and is not used: "edema" is the QF's and the sciatic nerve's, so it is neither.
    When `in_play` names the concepts the case's stages use, a shared concept outside it whose
    term is exactly the short form is its twin, not a rival: "old apophyseal avulsion" of the
    lexicon is the case's "Old ischial apophyseal avulsion" (one credit goes to the stage's).
    """
    from tutor.matching.tokens import word_data

    data = word_data()
    # The case's own side is a setting word too (the grader passes it with the tags): a teacher
    # credits "complete avulsion of the hamstring origin" in a case about the left hamstring;
    # the other side said instead is the grader's business (tutor.sides).
    setting = (data.context | context) - (data.essential - (context & _SIDES))
    claims: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for term in vocabulary:
        words = frozenset(term.words[i].norm for i in term.required)
        if len(words) <= _AMBIGUOUS_WITHIN:
            for word in words:
                claims.setdefault(word, []).append((term.concept, words))
    full = {(t.concept, tuple(t.words[i].norm for i in t.required)) for t in terms}
    out: list[Term] = []
    seen: set[tuple[str, tuple[str, ...], bool]] = set()
    for term in terms:
        if term.measure is not None or term.ordered or len(term.required) < 2:
            continue
        keep_always = essential.get(term.concept, frozenset()) | (data.essential - (context & _SIDES))
        norms = [w.norm for w in term.words]
        of_at = norms.index("of") if "of" in norms else len(norms)
        before_of = [i for i in term.required if i < of_at]
        if not before_of:
            continue
        # The entity itself is never a setting word, so it always stays; a generic head
        # ("treatment", "history of") goes when what is left still names something.
        droppable = [i for i in term.required if (norms[i] in setting or norms[i] in topic)
                     and norms[i] not in keep_always]
        tail = [i for i in term.required if i > of_at]
        if not droppable and not tail:
            continue
        options = []
        for mask in range(1 << min(len(droppable), _MAX_DROPPABLE)):
            dropped = {droppable[k] for k in range(len(droppable)) if mask >> k & 1}
            options.append(dropped)
            # An "of ..." after the entity goes ("Osteonecrosis of the femoral head"), not one after
            # a setting word, which names what that is about ("Family history of osteonecrosis").
            # Nor an "of ..." that goes on to where ("pain down the back of the thigh to below the
            # knee": the thigh alone is not below the knee).
            if (tail and not any(norms[i] in keep_always for i in tail) and not _ends_in(norms[before_of[-1]], setting)
                    and not any(norms[i] in _GOES_ON for i in range(of_at + 1, len(norms)))):
                options.append(dropped | set(tail))
        # The case's own side may go, when two words are left: "MR arthrogram" for "MR
        # arthrogram of the left hip", not "arthrogram" (it may be another kind).
        sides_at = {i for i in term.required if norms[i] in context & _SIDES}
        for dropped in options:
            kept = [i for i in term.required if i not in dropped]
            if dropped & sides_at and len(kept) < 2:
                continue
            if not dropped or not kept:
                continue
            if (sum(norms[i] not in setting for i in kept) < 2
                    and any(norms[i] not in setting for i in dropped if i in droppable and i not in tail)):
                continue  # "tendinopathy" alone is not hamstring tendinopathy
            words = tuple(norms[i] for i in kept)
            if all(w in setting for w in words) or all(len(w) < 3 or not w.isalpha() for w in words):
                continue
            if (term.concept, words) in full or (term.concept, words, term.denial_core) in seen:
                continue
            wanted = frozenset(words)
            own = frozenset(norms[i] for i in term.required)
            # The same whole phrase in another concept is its twin ("No history of trauma" and
            # "History of trauma"): that does not make the short form ambiguous.
            if any(concept != term.concept and wanted <= other and other != own
                   and not (in_play is not None and concept not in in_play and other == wanted)
                   for concept, other in claims.get(words[0], ())):
                continue
            seen.add((term.concept, words, term.denial_core))
            out.append(Term(term.concept, term.text, tuple(term.words[i] for i in kept), term.denial_core,
                            False, shortened=True, part_of_name=len(kept) == 1))
    return out


# Words after an "of ..." that take a term on to another place: "... of the thigh to below the knee".
_GOES_ON = frozenset({"to", "into", "below", "above", "past", "beyond", "lt", "gt", "towards", "toward"})


_OTHER_SIDE = {"left": "right", "right": "left"}


def other_side_forms(terms: list[Term], side: str) -> list[Term]:
    """In a case about one side, the other side is the contralateral one: a term that says
    "contralateral" is also said with the other side's word ("compared with the left" for
    "compared with the contralateral side" in a case about the right hip), and a term that
    names the other side is also said "contralateral" ("previous episode in the contralateral
    hip" for "... in the left hip"). Neither form says the case's own side."""
    other = _OTHER_SIDE.get(side)
    if other is None:
        return []
    out: list[Term] = []
    seen = {(t.concept, tuple(w.norm for w in t.words)) for t in terms}
    for term in terms:
        if term.measure is not None:
            continue
        norms = [w.norm for w in term.words]
        if side in norms or ("contralateral" in norms) == (other in norms):
            continue
        swap = {"contralateral": other, other: "contralateral"}
        words = tuple(replace(w, norm=swap[w.norm], raw=swap[w.norm], unstemmed="") if w.norm in swap else w
                      for w in term.words)
        key = (term.concept, tuple(w.norm for w in words))
        if key not in seen:
            seen.add(key)
            out.append(replace(term, words=words))
    return out


def _ends_in(word: str, setting: frozenset[str]) -> bool:
    """Whether a word is a setting word, or ends in one typed together ("familyhistory")."""
    return word in setting or any(len(s) >= 4 and word.endswith(s) for s in setting)


_DENIED_MODIFIERS = 2  # modifiers a denial may go without: "no effusion" for "small left effusion"


def denial_forms(terms: list[Term], essential: dict[str, frozenset[str]]) -> list[Term]:
    """Shorter forms that count only when denied: the entity without its modifiers.

    Denying the thing denies it whatever its size or side: "no effusion" denies the small left
    hip joint effusion. Only the qualifiers listed in words.yaml (`qualifiers`: small, left,
    mild ...) before the entity go, at most two besides the setting words; never the entity,
    never a word that names a kind ("no fracture" does not deny the stress fracture), never a
    concept's own `essential:` words.
    """
    from tutor.matching.tokens import word_data

    data = word_data()
    out: list[Term] = []
    seen = {(t.concept, tuple(t.words[i].norm for i in t.required)) for t in terms if not t.shortened}
    for term in terms:
        if term.measure is not None or term.ordered or term.denial_core or term.shortened or states_an_absence(term):
            continue
        norms = [w.norm for w in term.words]
        required = list(term.required)
        of_at = norms.index("of") if "of" in norms else len(norms)
        before = [i for i in required if i < of_at]
        if len(before) < 2:
            continue
        head = before[-1]
        if not norms[head].isalpha() or len(norms[head]) < 4 or norms[head] in data.context:
            continue
        modifiers = [i for i in before[:-1] if norms[i] not in data.context]
        own = essential.get(term.concept, frozenset())
        if (not modifiers or len(modifiers) > _DENIED_MODIFIERS or any(norms[i] in own for i in modifiers)
                or any(norms[i] not in data.qualifiers for i in modifiers)):
            continue
        kept = [i for i in required if i == head or i > of_at]
        key = (term.concept, tuple(norms[i] for i in kept))
        if key in seen:
            continue
        seen.add(key)
        out.append(Term(term.concept, term.text, tuple(term.words[i] for i in kept), False, False,
                        shortened=True, part_of_name=len(kept) == 1, denial_only=True))
    for term, kept in structures_said_normal(terms):
        key = (term.concept, tuple(term.words[i].norm for i in kept), "normal")
        if key in seen:
            continue
        seen.add(key)
        out.append(Term(term.concept, term.text, tuple(term.words[i] for i in kept), False, False,
                        shortened=True, denial_only=True, bare=True, said_normal=True))
    for term, kept in normal_structures(terms):
        key = (term.concept, tuple(term.words[i].norm for i in kept), "normal-of")
        if key in seen:
            continue
        seen.add(key)
        # Asserted where the structure is said normal ("hamstrings intact", "sciatic nl").
        out.append(Term(term.concept, term.text, tuple(term.words[i] for i in kept), True, False,
                        shortened=True, denial_only=True, bare=True, said_normal=True))
    for term, kept in general_denials(terms, essential):
        key = (term.concept, tuple(term.words[i].norm for i in kept))
        if key in seen:
            continue
        seen.add(key)
        out.append(Term(term.concept, term.text, tuple(term.words[i] for i in kept), term.denial_core, False,
                        shortened=True, part_of_name=len(kept) == 1, denial_only=True, bare=True))
    return out


# Words after which a term's own words are a phrase that says where or how: "Pain radiating
# down the leg", "Cyst from the hip joint capsule", "CT of the proximal femur".
_PHRASE_STARTS = frozenset({"of", "from", "in", "at", "on", "to", "with", "for", "down", "into", "after",
                            "during", "over", "around", "behind", "below", "above"})


def _hyphenated(term: Term) -> set[int] | None:
    """Which of a term's words are joined to the word before by a hyphen ("full-thickness"); None
    for a variant with two words run together ("completeproximal"), which has no words of its own."""
    prepared = prepare(term.text)
    typed = [t for t in tokenize(prepared) if t.kind in (WORD, NUM, CJK)]
    typed = typed[len(typed) - len(term.words):]  # an absence concept's core is its label's end
    if [t.norm for t in typed] != [w.norm for w in term.words]:
        return None
    return {k for k in range(1, len(typed)) if prepared[typed[k - 1].end:typed[k].start] == "-"}


def structures_said_normal(terms: list[Term]) -> list[tuple[Term, list[int]]]:
    """The structure of a finding said of it: "normal X" denies every abnormal finding of X, and
    the test of a positive test: "SLR negative" denies "Positive SLR".

    A term made of body parts and one finding after them ("Quadratus femoris edema", "Sciatic
    nerve edema") or before them ("Atrophy of the quadratus femoris") gives its body parts,
    which "normal QF muscle" or "sciatic nerve: normal" deny (see index.ConceptIndex.find). A
    term with a word of its own beside the finding ("Narrow quadratus femoris space") does not:
    a normal quadratus femoris says nothing of the space beside it.
    """
    from tutor.matching.negation import cue_words
    from tutor.matching.tokens import word_data

    cues = cue_words()
    data = word_data()
    parts = data.places | data.structures
    out: list[tuple[Term, list[int]]] = []
    for term in terms:
        if term.measure is not None or term.ordered or term.shortened or term.denial_core or states_an_absence(term):
            continue
        norms = [w.norm for w in term.words]
        if _OTHER_THAN & set(norms):
            continue  # "Gluteal cause other than piriformis" is no finding of the piriformis
        required = [i for i in term.required if norms[i] not in data.context]
        if len(required) < 2 or "and" in norms or _hyphenated(term) is None:
            continue
        place = [i for i in required if norms[i] in parts]
        rest = [i for i in required if norms[i] not in parts]
        if (len(rest) != 1 or not place or norms[rest[0]] in cues.states_the_finding
                or norms[rest[0]] in cues.too_general_to_deny or norms[rest[0]] in _NORMAL_FINDINGS):
            continue  # "same signal as bone": a normal bone is what it says
        finding = rest[0]
        if finding not in (required[0], required[-1]) or not norms[finding].isalpha() or len(norms[finding]) < 4:
            continue  # "quadratus femoris edema", "atrophy of the quadratus femoris"; not "sciatic edema nerve"
        out.append((term, place))
    for term in terms:
        # "Positive SLR", "FAIR test positive": the test said negative ("SLR negative", "neg SLR").
        if term.measure is not None or term.ordered or term.shortened or term.denial_core:
            continue
        required = list(term.required)
        norms = [w.norm for w in term.words]
        ends = [i for i in (required[0], required[-1]) if norms[i] == "positive"] if len(required) > 1 else []
        rest = [i for i in required if i not in ends]
        if len(ends) == 1 and rest and "and" not in norms and _hyphenated(term) is not None and not any(
                norms[i] in cues.states_the_finding for i in rest):
            out.append((term, rest))
    return out


# A thing said to be besides a structure is none of its findings: "Cause other than piriformis".
_OTHER_THAN = frozenset({"other", "than", "except", "besides"})
# Words that say a structure is normal ("Symmetric sciatic nerves"): no finding to deny.
_NORMAL_FINDINGS = frozenset({"normal", "symmetric"})


def normal_structures(terms: list[Term]) -> list[tuple[Term, list[int]]]:
    """The structure a concept says is normal ("Normal hamstring tendons", "sciatic nerve
    unremarkable"), and the same with its last words left out while one is left ("hamstring"
    of "hamstring tendons", "sciatic" of "sciatic nerve"): "hamstrings intact", "sciatic nl"
    and "QF: normal" state it, as "normal QF muscle" denies an abnormal finding of it."""
    from tutor.matching.tokens import word_data

    data = word_data()
    parts = data.places | data.structures
    out: list[tuple[Term, list[int]]] = []
    for term in terms:
        if term.measure is not None or term.ordered or term.shortened or term.denial_core:
            continue
        norms = [w.norm for w in term.words]
        required = [i for i in term.required if norms[i] not in data.context]
        said = [i for i in required if norms[i] in _NORMAL_FINDINGS]
        place = [i for i in required if norms[i] in parts]
        if len(said) != 1 or not place or len(place) + 1 != len(required) or "and" in norms:
            continue
        if place != list(range(place[0], place[-1] + 1)) or _hyphenated(term) is None:
            continue  # the structure's words said together, not "normal hip and normal knee"
        for end in range(len(place), 0, -1):
            kept = place[:end]
            if len(norms[kept[0]]) >= 4 or end == len(place):
                out.append((term, kept))
    return out


def general_denials(terms: list[Term], essential: dict[str, frozenset[str]]) -> list[tuple[Term, list[int]]]:
    """The words of a term a more general denial names: its head noun, with fewer of the words
    before it, and without the phrase after it.

    A teacher reads "no injection" as no injection of any kind, so it denies the "Image-guided
    injection"; "no spine surgery" denies "Lumbar spine surgery", "no CT needed" the "CT of the
    proximal femur", "QF edema but no atrophy" the "Quadratus femoris atrophy". Saying the
    general thing does not state the specific one, so these forms count only when denied
    (`denial_only`), and only standing bare after their cue (see index.ConceptIndex.find).
    Never left out: a word that tells concepts apart (words.yaml `essential`, a concept's own
    `essential:`: "no fracture" is no denial of the stress fracture) or states the finding
    itself (`negation.states_the_finding`: "positive" of "Positive piriformis tests", "abnormal"
    of "Fluid in the bursa is abnormal"); never kept alone: a head too general to name anything
    (`negation.too_general_to_deny`: "test", "line", "signal") or a setting word ("treatment").
    A term that names two things ("conjoint tendon and semimembranosus torn") has no head, nor
    has the core of an absence of a list ("no osteoarthritis, fracture or bone lesion"): its last
    item is not the whole absence.
    """
    from tutor.matching.negation import cue_words
    from tutor.matching.tokens import word_data

    cues = cue_words()
    data = word_data()
    out: list[tuple[Term, list[int]]] = []
    for term in terms:
        if term.measure is not None or term.ordered or term.shortened or states_an_absence(term):
            continue
        norms = [w.norm for w in term.words]
        if "and" in norms or (term.denial_core and ("or" in norms or "nor" in norms)) or any(n in cues.states_the_finding for i, n in enumerate(norms) if i not in term.required):
            continue
        joined = _hyphenated(term)
        if joined is None:
            continue
        keep_always = essential.get(term.concept, frozenset()) | data.essential | cues.states_the_finding
        required = list(term.required)
        phrase_at = next((i for i, n in enumerate(norms) if n in _PHRASE_STARTS and i > 0), len(norms))
        before = [i for i in required if i < phrase_at]
        after = [i for i in required if i > phrase_at]
        if not before or not all(norms[i].isalpha() for i in before) or any(norms[i] in keep_always for i in after):
            continue
        head = before[-1]
        raw = term.words[head].raw
        if len(norms[head]) < 4 and not (raw.isupper() and len(raw) >= 2):
            continue  # "CT" and "MRI" typed as abbreviations; no other short word
        if norms[head] in keep_always or norms[head] in data.context:
            continue  # "SLR negative", "lumbar MRI normal": the last word is the finding
        if norms[head] in cues.linking or norms[head] in cues.deny_after:
            continue  # "no fracture line seen": "seen" names nothing ("QF edema not seen" is no fracture line)
        if norms[head] in data.structures or norms[head] in data.places:
            continue  # "Retracted hamstring tendon": "no hamstring tendon" is no denial of the retraction
        for start in range(len(before)):
            kept = before[start:]
            dropped = before[:start]
            if not dropped and not after:
                continue  # the term itself
            if any(norms[i] in keep_always for i in dropped):
                break
            if before[start] in joined:
                continue
            if len(kept) == 1 and (norms[head] in cues.too_general_to_deny
                                   or (len(before) > 1 and raw.casefold().endswith(("ing", "ed")))):
                continue  # "no line"; "radiating" of "pain radiating down the leg" is no thing itself
            if all(norms[i] in cues.too_general_to_deny or norms[i] in data.context for i in kept):
                continue
            out.append((term, kept))
    return out
