"""Answer text in, concept mentions out.

`ConceptIndex` is built once per case from every concept the case can use;
`find(text)` then says which concepts the text names, whether each is
asserted or denied, and the words that show it. It knows nothing of stages,
credit or scores (that is `grading`).

How a term is found in an answer:
- both are tokenized the same way (`tokens.tokenize`): case, spelling,
  plurals, hyphens and "r/o"-style shorthand are folded there;
- each content word of the term must match a distinct answer word in the same
  clause: exactly for short words, abbreviations, numbers and Chinese
  characters, within a few edits for long words (scaled to length);
- the words may come in another order ("edema of the quadratus femoris"),
  with at most one or two unrelated words between them, so a term that is
  only part of a longer, different phrase does not match;
- a mention inside a longer mention of another concept gives way to it
  ("femoroacetabular impingement" is FAI, not "impingement").
Terms come from `terms` (labels, synonyms, their variants), negation from
`negation` (cue words around each mention), numbers from `measurement`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tutor.matching.measurement import further_readings, read_after, read_before
from tutor.model import Concept
from tutor.matching.negation import STOPWORDS, Stance, cue_words, denial_cues_before, list_commas, negation_of
from tutor.matching.terms import (OMITTED, SPARE_WORDS, Term, denial_forms, inherited_denials, is_absence_concept,
                                  other_side_forms,
                                  shortened_terms, terms_of)
from tutor.matching.tokens import (CJK, CONSIDER_MARK, HARD, LIST, NUM, WORD, Token, _stem, also_named, cue_list,
                                   misspelt_rewrite, prepare, tokenize, word_data)

MAX_ANSWER_CHARS = 4000  # an answer is read up to here; the rest is reported as cut

__all__ = ["MAX_ANSWER_CHARS", "Analysis", "ConceptIndex", "Mention", "allowed_edits", "is_absence_concept"]

# Prefixes whose swap flips the meaning; a one-letter typo must not bridge them.
_OPPOSITE_PREFIXES = (
    ("hyper", "hypo"), ("intra", "extra"), ("inter", "intra"), ("supra", "infra"),
    ("sub", "supra"), ("pre", "post"), ("ante", "retro"), ("endo", "exo"), ("add", "abd"),
    ("hetero", "homo"), ("mono", "poly"), ("uni", "bi"), ("in", "ex"),
)
# Prefixes that turn a word into its opposite: immature, incomplete, unstable, nonspecific.
_NEGATING_PREFIXES = ("im", "in", "un", "non", "dis", "ir", "il")
_PREFIXED_WORD = 4  # letters the negated word has at least ("mature", "stable")
# Words that start a new phrase: in "nerve enlarged distal to the piriformis", "enlarged"
# is the nerve's, so "enlarged ... piriformis" is not the piriformis enlarged.
_PHRASE_BREAKS = frozenset({"distal", "proximal", "beyond", "than"})
# What says a structure or a test shows nothing abnormal: "normal QF", "SLR negative", "SLR (-)".
_SAID_NORMAL = frozenset({"normal", "negative", "ok", "okay", "fine", "wnl", "symmetric"})
# Joins another structure said normal with it: "hamstrings and sciatic nerve normal".
_STRUCTURES_JOINED = frozenset({"and", "&", "/", "+"})
# Words after which a body part says where a thing is: "tear of the labrum", "injection into the knee".
_PLACING_WORDS = frozenset({"of", "in", "at", "on", "into", "to", "around", "near", "over"})
# Verbs that carry a denial between a term's words: "pain does not radiate".
_AUXILIARIES = frozenset({"do", "doe", "does", "did"})
# Words that turn a pain into its relief: "pain better when sitting" is not pain when sitting,
# nor "sitting relieves the pain". Beginnings, so that every ending the stemmer leaves counts.
_RELIEF = ("better", "reliev", "relief", "eas", "improv", "alleviat", "settl", "lessen", "resolv",
           "disappear", "subsid", "abat", "reduc", "help")
_RELIEF_WORDS = frozenset({"less", "away"})


def _is_relief(norm: str) -> bool:
    return norm in _RELIEF_WORDS or norm.startswith(_RELIEF)


# Positions relative to a structure: "medial to the ischial tuberosity" is beside it.
_RELATIVE_POSITIONS = frozenset({"medial", "lateral", "anterior", "posterior", "superior", "inferior",
                                 "distal", "proximal", "deep", "superficial", "adjacent", "next"})
# Little words that put a term in a place: "septic arthritis of the knee", "pain radiating to the groin".
_PLACE_LINKS = frozenset({"of", "in", "at", "to", "into", "towards", "toward", "down", "along", "over", "across",
                          "around", "for", "beside", "near"})
_ARTICLES = frozenset({"the", "a", "an"})
# Words that open the condition of a plan: "surgery if the knee fails".
_CONDITIONS = frozenset({"if", "unless", "once", "should"})
_AND_OR = frozenset({"and", "or", "/"})
# ... and the words that say whose it is: "injection for her knee", "surgery for his knee".
_DETERMINERS = _ARTICLES | frozenset({"his", "her", "their", "my", "your", "its", "this", "that"})
# The other side, after "for": "crutches for the other leg" is no plan for this hip.
_OTHER_SIDE = frozenset({"other", "opposite", "contralateral"})
# Words of a label that say the whole of something: "Complete avulsion of the hamstring origin".
_WHOLE = frozenset({"complete", "total", "full", "entire", "whole"})
# ... and words of an answer that say all of its parts: "complete tear of all three tendons".
_ALL_PARTS = frozenset({"all", "three", "3", "both", "every", "whole", "entire"})  # words.yaml reads "three" as 3
# The endings of a label's head that name a person by what they do ("Regular runner", "Sprinter
# or dancer", "Keen cyclist", "Athlete"): a former one is none now.
_PERSON_ENDINGS = ("er", "ist", "ete")
_SIDES = frozenset({"left", "right"})
# Words any finding may have between its words: "sudden onset of R buttock pain while
# sprinting" is a sudden onset while sprinting.
_SAID_ANYWHERE = frozenset({"pain"})
_SHORT_SLIP = (3, 5)  # lengths of a typed word that may be a term word with one letter dropped
# Everyday short words that are no slip for a term word ("pan" is not "pain", "tat" not "test").
_COMMON_SHORT_WORDS = frozenset("pan tat ten tee the tho kin ran run sat set sit lag leg log not now new "
                                "was way war hat hit hot bat bet but can cat cot".split())
# ... and a way of imaging: "follow-up with CT", "guided by ultrasound", "repeat imaging on MRI".
_MODALITY_LINKS = _PLACE_LINKS | {"with", "by", "on", "using", "via"}
# Endings that name different processes: tendinitis is not tendinosis.
_OPPOSITE_SUFFIXES = (("itis", "osis"), ("ectomy", "otomy"), ("osis", "oma"), ("itis", "oma"),
                      ("trophy", "plasia"), ("penia", "sis"))


@dataclass(frozen=True)
class Mention:
    """A concept named in an answer: asserted or denied, and the words that show it."""

    concept: str
    negated: bool
    start: int  # character offsets into the answer as read (see Analysis.text)
    end: int
    evidence: str
    term: str
    score: float
    covered: frozenset[int] = field(default=frozenset(), repr=False, compare=False)
    considered: bool = False  # kept in play, not chosen: "r/o X", "cannot exclude X", "TOH > X"
    soft: bool = False  # denied only as "less likely": a differential still lists it
    alternative: bool = False  # the other possibility of "X or Y"
    # Where the evidence sits in the answer as the learner typed it (-1: not known), which
    # differs from start/end when folding changed the text's length ("ＰＨＴ", "ﬆ").
    typed_start: int = -1
    typed_end: int = -1
    measured: bool = False  # a number said it ("retraction 5 cm"), whichever side of the threshold
    # Said of another time, or only asked (words.yaml `another_time`): "past" ("was tried last
    # year"), "planned" ("planned for a THA next month"), "asked" ("need to ask about steroid use"),
    # "queried" (with a question mark: "steroid use?"), "question" (in a sentence that asks: "Is it
    # IFI?"). A grader decides by stage what that takes away.
    when: str = ""


@dataclass(frozen=True)
class Analysis:
    """Everything an answer names, as the index read it."""

    text: str  # the answer as read: printable, NFKC-folded, cut at MAX_ANSWER_CHARS
    mentions: tuple[Mention, ...]
    truncated: bool
    # Mentions that gave way to a longer one of another concept, with that concept's id:
    # "hamstring tendon" inside "hamstring tendon tear". A grader may revive one when
    # the longer concept means nothing in the question at hand.
    shadowed: tuple[tuple[Mention, str], ...] = ()

    def asserted(self) -> set[str]:
        return {m.concept for m in self.mentions if not m.negated}


@dataclass(frozen=True, slots=True)
class _Hit:
    """An answer word (or words) standing for a term word, and how closely."""

    first: int
    last: int
    similarity: float
    alias: bool = False  # the word names a kind of this one (words.yaml `also_means`)
    # Which word of the class's name this hit is, of how many: the words of one name are
    # credited together ("crutches" is reduced weight bearing, not a weight bearing pain).
    part: tuple[int, int] = (0, 1)


@dataclass(frozen=True, slots=True)
class _Placement:
    """A term found at a place in an answer: the words it covers and how well."""

    term: Term
    first: int
    last: int
    covered: frozenset[int]
    score: float
    inner_cue: int | None = None  # "QF not edematous": a denial between the term's words
    contradicts: bool = False  # a measurement on the wrong side of the threshold
    in_order: bool = True  # the term's words in the order the term has them
    via_alias: bool = False  # a word stood for its class: "metastasis" for a neoplasm


def _norms(text: str) -> str:
    return " ".join(t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, CJK, NUM))


def allowed_edits(word: str) -> int:
    """How many typing slips a word of this length may carry and still count."""
    n = len(word)
    if n <= 4:
        return 0
    if n <= 8:
        return 1
    return 2


def _close_enough(typed: str, known: str, distance: int) -> bool:
    if len(known) == 4 and distance == 1 and sorted(typed) == sorted(known) and typed[0] == known[0]:
        return True  # "pian" for "pain": two letters swapped
    if distance > allowed_edits(known) or len(typed) < 4 or typed[0] != known[0]:
        return False
    if len(known) == 5 and (typed[:2] != known[:2] or typed[-1] != known[-1]):
        return False
    for a, b in _OPPOSITE_PREFIXES:
        if (typed.startswith(a) and known.startswith(b)) or (typed.startswith(b) and known.startswith(a)):
            return False
    for a, b in _OPPOSITE_SUFFIXES:
        if (typed.endswith(a) and known.endswith(b)) or (typed.endswith(b) and known.endswith(a)):
            return False
    if _negating_prefix_between(typed, known) or _negating_prefix_between(known, typed):
        return False
    return True


def _negating_prefix_between(longer: str, shorter: str) -> bool:
    """Whether `longer` is `shorter` with im-/in-/un-/non-/dis- put before one of its words.

    "skeletallyimmature" (two words typed together) is not a slip for "skeletallymature".
    """
    for prefix in _NEGATING_PREFIXES:
        if len(longer) != len(shorter) + len(prefix):
            continue
        for at in range(len(shorter) - _PREFIXED_WORD + 1):
            if longer[at : at + len(prefix)] == prefix and longer == shorter[:at] + prefix + shorter[at:]:
                return True
    return False


class ConceptIndex:
    """Every term of every concept, arranged so that one answer is cheap to read."""

    def __init__(self, concepts: Iterable[Concept], vocabulary: Iterable[Concept] = (),
                 context: Iterable[str] = (), topic: Iterable[str] = (), in_play: Iterable[str] | None = None):
        """`vocabulary`: more concepts (the shared lexicon) that decide which short forms are
        ambiguous, without being found themselves; `context`: the case's setting words;
        `topic`: the structures its own concepts keep naming ("hamstring"); `in_play`: the
        concepts its stages use (see terms.shortened_terms)."""
        concepts = list(concepts)
        self.terms: list[Term] = []
        for concept in concepts:
            self.terms.extend(terms_of(concept))
        self.terms.extend(inherited_denials(self.terms))
        sides = [w for w in map(_norms, context) if w in _SIDES]
        self.side = sides[0] if len(sides) == 1 else ""  # the case's side, passed with its setting words
        if self.side:
            self.terms.extend(other_side_forms(self.terms, self.side))
        known = {c.id for c in concepts}
        others = [t for c in vocabulary if c.id not in known for t in terms_of(c)]
        essential = {c.id: frozenset(_norms(w) for w in c.essential) for c in concepts if c.essential}
        self.terms.extend(shortened_terms(self.terms, essential, self.terms + others,
                                          frozenset(_norms(w) for w in context),
                                          frozenset(_norms(w) for w in topic),
                                          None if in_play is None else frozenset(in_play)))
        self.terms.extend(denial_forms(self.terms, essential))
        # Long terms said by their telling words alone (see core_terms).
        from tutor.matching.core_terms import core_terms  # only when an index is built, not loaded

        self.terms.extend(core_terms(self.terms, self.terms + others, essential))
        self.topic = frozenset(_norms(w) for w in topic)
        # The words of the concepts the case's stages use: what the case is about.
        self.in_play_words: frozenset[str] | None = None if in_play is None else frozenset(
            w.norm for t in self.terms if t.concept in set(in_play) for w in t.words if not w.optional)
        self._arrange()

    @classmethod
    def from_terms(cls, terms: list[Term], topic: Iterable[str] = (),
                   in_play_words: Iterable[str] | None = None, arranged: dict | None = None,
                   side: str = "") -> "ConceptIndex":
        """An index over terms already made (by an earlier index of the same files), with the
        topic words, the words in play (already read as norms) and the side it was made with;
        `arranged`: what `arrangement()` gave for these terms, so they need not be arranged again."""
        index = cls.__new__(cls)
        index.side = side if side in _SIDES else ""
        index.terms = list(terms)
        index.topic = frozenset(topic)
        index.in_play_words = None if in_play_words is None else frozenset(in_play_words)
        if arranged is None:
            index._arrange()
        else:
            index.__dict__.update(arranged)
        return index

    def arrangement(self) -> dict:
        """What arranging the terms makes of them (words to terms, spellings, kinds), as a fresh
        index of the same terms has it: plain data, which a prepared case keeps beside the terms."""
        fresh = ConceptIndex.from_terms(self.terms, self.topic, self.in_play_words, side=self.side)
        return {name: value for name, value in vars(fresh).items()
                if name not in ("terms", "topic", "in_play_words", "side")}

    def _arrange(self) -> None:
        # One pass over the terms: a prepared case arranges its index on every `tutor grade`.
        concept_words: dict[str, set[str]] = {}
        label_words: dict[str, set[str]] = {}
        self._excluded: dict[str, frozenset[str]] = {}  # "without recurrence": recurrence
        # The words that tell kinds apart (words.yaml `essential`, not size or side), each with the
        # things its concepts say it of: ("old", "avulsion") for "Old apophyseal avulsion".
        data = word_data()
        kinds = (data.essential | frozenset(data.contrasts)) - data.qualifiers
        self._kinds = kinds
        kind_of: dict[str, dict[str, set[str]]] = {}  # word -> thing -> concepts
        self._by_word: dict[str, list[tuple[int, int]]] = {}
        by_word = self._by_word
        # Typos are looked up among term words as stemmed and as written, so
        # "stretchign" finds "stretching" (and so "stretch").
        spelled: dict[str, str] = {}
        # Concepts whose label says where with "of ..." / "into ..." ("Image-guided injection of
        # the ischiofemoral space"), whatever the words of the place: another place said that way,
        # or just before a term, is somewhere else ("injection of the ischial bursa").
        self._placed_by_label: set[str] = set()
        self._label_place: dict[str, set[str]] = {}  # the words of that place: ischiofemoral, space
        # Concepts whose label names a person by what they do ("Regular runner"): "former runner",
        # "used to run" is none now.
        self._people: set[str] = set()
        self._other_conditions = frozenset(_stem(w) for w in data.cue_lists.get("other_conditions", ()))
        place_nouns = frozenset(_stem(w) for w in data.cue_lists.get("place_nouns", ()))
        for t_index, term in enumerate(self.terms):
            words = term.words
            norms = [w.norm for w in words]
            concept_words.setdefault(term.concept, set()).update(norms)
            if term.from_label:
                label_words.setdefault(term.concept, set()).update(norms)
                if not term.shortened and _says_where(term, place_nouns):
                    self._placed_by_label.add(term.concept)
                    self._label_place.setdefault(term.concept, set()).update(_where_it_says(term))
                if not term.shortened and not term.denial_core and _names_a_person(term):
                    self._people.add(term.concept)
                excluded = _excluded_by(term)
                if excluded is not None:
                    # The label with and without its aside: what both rule out ("without muscle
                    # edema or symptoms (the left hip)" does not rule out the left hip).
                    before = self._excluded.get(term.concept)
                    self._excluded[term.concept] = excluded if before is None else before & excluded
            required = [i for i, w in enumerate(words) if not w.optional]
            # "Chronic pain" is a property any pain may have ("chronic ischial pain"); "old
            # apophyseal avulsion" is a kind of avulsion beside others.
            head = _head(term) if len(required) >= 3 else None
            if head is not None:
                for i in required:
                    if i < head and norms[i] in kinds:
                        kind_of.setdefault(norms[i], {}).setdefault(norms[head], set()).add(term.concept)
            for w_index in required:
                word = words[w_index]
                by_word.setdefault(word.norm, []).append((t_index, w_index))
                for form in (word.norm, word.unstemmed or word.norm):
                    if form.isascii() and form.isalpha() and len(form) >= 4:
                        spelled.setdefault(form, word.norm)
        self._concept_words: dict[str, frozenset[str]] = {c: frozenset(w) for c, w in concept_words.items()}
        self._label_words: dict[str, frozenset[str]] = {c: frozenset(w) for c, w in label_words.items()}
        self._kind_of: dict[str, dict[str, frozenset[str]]] = {
            word: {thing: frozenset(concepts) for thing, concepts in things.items()} for word, things in kind_of.items()}
        self._spelled_as = spelled
        self._fuzzy_vocabulary = sorted(spelled)
        # A slip keeps its word's first letter and is at most two edits away, so at most two letters
        # longer or shorter: a word no vocabulary word is that near in shape needs no fuzzy search.
        self._fuzzy_shapes = frozenset((w[0], len(w)) for w in spelled)
        self._similar_cache: dict[str, tuple[tuple[str, float], ...]] = {}

    # -- words -------------------------------------------------------------

    def _similar_words(self, word: str) -> tuple[tuple[str, float], ...]:
        """Known term words this answer word may stand for, with a similarity 0..100."""
        cached = self._similar_cache.get(word)
        if cached is not None:
            return cached
        found: list[tuple[str, float]] = []
        if word in self._by_word:
            found.append((word, 100.0))
        elif len(word) >= 6 and word.isalpha():
            # The stemmer takes -ed off "reduced" but leaves the e of "reduce": the two meet here.
            for other in (word[:-1] if word.endswith("e") else "", word + "e"):
                if other and other in self._by_word:
                    found.append((other, 100.0))
        # A word the terms use as it stands is that word, not a slip for its neighbour:
        # "sciatic" is not a typo of "sciatica".
        exact = word in self._by_word or word in self._spelled_as
        if not exact and len(word) >= 4 and word.isascii() and word.isalpha() and self._may_be_a_slip(word):
            from rapidfuzz import process  # only for a word a slip may hide: many answers need none
            from rapidfuzz.distance import OSA

            for spelled, distance, _ in process.extract(
                word, self._fuzzy_vocabulary, scorer=OSA.distance, score_cutoff=3, limit=None
            ):
                if distance and _close_enough(word, spelled, int(distance)):
                    similarity = 100.0 * (1 - distance / max(len(word), len(spelled)))
                    found.append((self._spelled_as[spelled], similarity))
        if not exact and not found and _SHORT_SLIP[0] <= len(word) <= _SHORT_SLIP[1] and word.isascii() \
                and word.isalpha() and word not in _COMMON_SHORT_WORDS:
            found.extend((known, 90.0) for known in self._one_letter_dropped().get(word, ()))
        result = tuple(found)
        if len(self._similar_cache) > 50_000:
            self._similar_cache.clear()
        self._similar_cache[word] = result
        return result

    def _may_be_a_slip(self, word: str) -> bool:
        """Whether some vocabulary word has the first letter and about the length of a slip for it
        (see _close_enough: the first letter kept, at most two edits)."""
        shapes, first, size = self._fuzzy_shapes, word[0], len(word)
        return any((first, n) in shapes for n in range(size - 2, size + 3))

    def _one_letter_dropped(self) -> dict[str, tuple[str, ...]]:
        """Short term words with one inner letter dropped, as typed in a hurry: "kne" (knee),
        "tst" (test), "tendr" (tender). The first and last letters stay; made on the first
        answer that needs it."""
        table = self.__dict__.get("_dropped")
        if table is None:
            found: dict[str, set[str]] = {}
            for spelled in self._fuzzy_vocabulary:
                if _SHORT_SLIP[0] < len(spelled) <= _SHORT_SLIP[1] + 1:
                    for i in range(1, len(spelled) - 1):
                        found.setdefault(spelled[:i] + spelled[i + 1:], set()).add(self._spelled_as[spelled])
            table = self.__dict__["_dropped"] = {k: tuple(sorted(v)) for k, v in found.items()
                                                 if k not in self._spelled_as and k not in self._by_word}
        return table

    def _hits(self, tokens: list[Token], segment: list[int]) -> dict[str, list[_Hit]]:
        hits: dict[str, list[_Hit]] = {}
        for first, last, meaning in also_named(tokens):
            # "worse with sitting" names the pain of "Pain when sitting" without saying "pain".
            for part, alias in enumerate(meaning):
                for known, score in self._similar_words(alias):
                    if score == 100.0:
                        hits.setdefault(known, []).append(_Hit(first, last, 95.0, True, (part, len(meaning))))
        for i, token in enumerate(tokens):
            if token.kind not in (WORD, NUM, CJK):
                continue
            similar = self._similar_words(token.norm)
            if token.unstemmed and token.unstemmed != token.norm:
                # "bursits" loses its s to the stemmer; its typed form is still close to "bursitis".
                similar += self._similar_words(token.unstemmed)
            nxt = i + 1
            if not similar and token.kind == WORD:
                # "unremarkble" is a slip for a word the tables read as "normal";
                # "avascular nercosis" for one they read as osteonecrosis.
                typed = token.unstemmed or token.norm
                pairs = [((typed,), i)]
                if nxt < len(tokens) and segment[nxt] == segment[i] and tokens[nxt].kind == WORD:
                    pairs.append(((typed, tokens[nxt].unstemmed or tokens[nxt].norm), nxt))
                for words, last in pairs:
                    found = misspelt_rewrite(words)
                    if found is None or found[0] not in self._by_word:
                        continue
                    meaning, key = found
                    from rapidfuzz.distance import OSA

                    # The slips a term word may carry, no more: "hypointense" is no "hyperintense".
                    if all(t == k or _close_enough(t, k, int(OSA.distance(t, k))) for t, k in zip(words, key)):
                        hits.setdefault(meaning, []).append(_Hit(i, last, 90.0))
            for known, similarity in similar:
                hits.setdefault(known, []).append(_Hit(i, i, similarity))
            # "ischio femoral" typed apart still names "ischiofemoral".
            if (
                nxt < len(tokens)
                and segment[nxt] == segment[i]
                and token.kind == WORD == tokens[nxt].kind
                and len(token.norm) >= 3 <= len(tokens[nxt].norm)
                and token.norm.isalpha()
                and tokens[nxt].norm.isalpha()
            ):
                # A slip is only forgiven when neither half is a short word or abbreviation.
                loose = len(token.norm) >= 5 and len(tokens[nxt].norm) >= 5
                for known, similarity in self._similar_words(token.norm + tokens[nxt].norm):
                    if len(known) >= 8 and (loose or similarity == 100.0):
                        hits.setdefault(known, []).append(_Hit(i, nxt, similarity))
        return hits

    # -- terms -------------------------------------------------------------

    def _place(self, term: Term, tokens: list[Token], segment: list[int],
               hits: dict[str, list[_Hit]], groups: dict[int, frozenset[int]]) -> list[_Placement]:
        required = term.required
        if not required:
            return []
        options: list[list[_Hit]] = []
        for w_index in required:
            word = term.words[w_index]
            found = hits.get(word.norm, [])
            if word.case_sensitive:
                found = [h for h in found if tokens[h.first].raw == word.raw]
            if not found:
                return []
            options.append(found)
        if term.ordered:
            return [p for p in self._place_in_sequence(term, tokens, options, groups)
                    if not self._beside_another_place(term, tokens, segment, p)
                    and not self._another_kind(term, tokens, segment, p)
                    and not self._for_another_thing(term, tokens, segment, p)
                    and not self._one_part_of_the_whole(term, tokens, segment, p)]
        anchor = min(range(len(options)), key=lambda k: len(options[k]))
        placements: list[_Placement] = []
        for start in options[anchor]:
            chosen: list[_Hit | None] = [None] * len(options)
            chosen[anchor] = start
            used = set(range(start.first, start.last + 1))
            for k, found in enumerate(options):
                if k == anchor:
                    continue
                best = None
                for hit in found:
                    if segment[hit.first] != segment[start.first] or (
                            used & set(range(hit.first, hit.last + 1)) and not _shares_a_name(hit, chosen)):
                        continue
                    # Words of one abbreviation go together: "QFS" gives quadratus, femoris and space;
                    # so do the words of one class's name ("crutches": reduced weight bearing).
                    apart = not any(hit.first in groups.get(u, ()) for u in used)
                    joins = hit.alias and any(h is not None and h.alias and (h.first, h.last) == (hit.first, hit.last)
                                              for h in chosen)
                    # A class's word over words already taken comes last: in "FAIR test", "test" is
                    # the typed word, not half of the "piriformis test" that FAIR also is.
                    over = hit.alias and not joins and bool(used & set(range(hit.first, hit.last + 1)))
                    key = (not joins, over, apart, abs(hit.first - start.first), -hit.similarity)
                    if best is None or key < best[0]:
                        best = (key, hit)
                if best is None:
                    break
                chosen[k] = best[1]
                used |= set(range(best[1].first, best[1].last + 1))
            else:
                placement = self._judge(term, tokens, chosen, used, groups)  # type: ignore[arg-type]
                if (placement is not None and not self._beside_another_place(term, tokens, segment, placement)
                        and not self._another_kind(term, tokens, segment, placement)
                        and not self._of_what_the_case_is_not(term, tokens, segment, placement)
                        and not self._for_another_thing(term, tokens, segment, placement)
                        and not self._one_part_of_the_whole(term, tokens, segment, placement)
                        and not self._two_things_with(term, tokens, placement)
                        and not self._to_another_specialist(term, tokens, segment, placement)
                        and not self._a_bare_class_word_without_the_place(term, tokens, segment, chosen, placement)):
                    placements.append(placement)
        return placements

    def _beside_another_place(self, term: Term, tokens: list[Token], segment: list[int],
                              placement: "_Placement") -> bool:
        """Whether a term stands beside (or around) a body part or a modality its concept never names.

        "valgus knee" is not the valgus hip, "fluid in the trochanteric bursa" not the fluid in
        the ischial bursa, "knee effusion" not the hip joint effusion, "septic arthritis of the
        knee" not the septic hip: the words a short form left out were the place, and the answer
        names another one. A whole term that leaves out the place its concept names elsewhere is
        read the same way ("radiating pain" of "Pain radiating down the leg" in "radiating pain
        to the groin"), and so is a modality: "follow-up radiograph" is no follow-up MRI.
        """
        data = word_data()
        own = self._concept_words.get(term.concept, frozenset())
        label = self._label_words.get(term.concept, frozenset())
        if term.concept in self._placed_by_label and "joint" not in label and _into_the_joint(tokens, segment, placement):
            return True
        if self.in_play_words is not None and _at_a_region_away(
                tokens, segment, placement, own, self._places_the_case_never_names(), data.places):
            return True  # "early surgical repair of the adductor" in a case that never names one
        if self.in_play_words is not None and not term.shortened and self._after_a_place_the_case_never_names(
                tokens, segment, placement, own):
            return True  # "pubic ramus stress fracture", "femoral neck neoplasm" in an ischial case
        return (self._beside_another(term, tokens, segment, placement, own, label, data.places,
                                     data.places - data.context, data.other_regions - self.topic, _PLACE_LINKS,
                                     term.concept in self._placed_by_label)
                or self._beside_another(term, tokens, segment, placement, own, label, data.modalities,
                                        data.modalities, frozenset(), _MODALITY_LINKS))

    def _after_a_place_the_case_never_names(self, tokens: list[Token], segment: list[int], placement: "_Placement",
                                            own: frozenset[str]) -> bool:
        """Whether a place that no concept of the case's stages names stands just before a term (or
        before the word just before it: "acetabular roof stress fracture")."""
        line = segment[placement.first]
        unnamed = self._places_the_case_never_names()
        places = word_data().places
        j = placement.first - 1
        for _ in range(2):
            if j < 0 or segment[j] != line or tokens[j].kind not in (WORD, CJK) or tokens[j].norm in STOPWORDS \
                    or _one_of(tokens[j].norm, own):
                return False
            if tokens[j].norm in unnamed:
                return True
            if tokens[j].norm in places and tokens[j].norm not in _GENERIC_PARTS:
                return False  # a place the case names: "femoral neck stress fracture" in a case about it
            j -= 1
        return False

    def _places_the_case_never_names(self) -> frozenset[str]:
        found = self.__dict__.get("_unnamed_places")
        if found is None:
            data = word_data()
            in_play = self.in_play_words or frozenset()
            by_start: dict[str, set[str]] = {}
            for word in in_play:
                by_start.setdefault(word[:_SAME_PLACE_PREFIX], set()).add(word)
            found = self.__dict__["_unnamed_places"] = frozenset(
                # The structures a case may be about ("hamstring", "sciatic") are its own even
                # where its concepts leave them out, unless its concepts name one of them.
                w for w in data.places - data.context - self.topic - _GENERIC_PARTS
                - (frozenset() if in_play & data.structures else data.structures)
                if w not in in_play and not _one_of(w, frozenset(by_start.get(w[:_SAME_PLACE_PREFIX], ()))))
        return found

    @staticmethod
    def _beside_another(term: Term, tokens: list[Token], segment: list[int], placement: "_Placement",
                        own: frozenset[str], label: frozenset[str], kind: frozenset[str],
                        near_kind: frozenset[str], far_kind: frozenset[str], links: frozenset[str],
                        placed: bool = False) -> bool:
        """One kind of word (places, modalities): whether the answer names another of the kind
        where the term's concept would have named its own.

        A term that names one of the kind itself is read by its own words ("sciatic nerve edema
        at the piriformis"); a short form, or a term whose concept names one elsewhere, stops at
        a neighbour of the kind ("knee effusion", "radiating pain to the groin"); any other term
        only at a far region after "of", "in", "at" ("septic arthritis of the knee"). What the
        label names decides where a concept is: a synonym's "ultrasound-guided" is one way of an
        "Image-guided injection", not the only one.
        """
        said = frozenset(w.norm for w in term.words)
        # ... and for a label that says where, any other place: "image-guided piriformis injection"
        between = far_kind | near_kind if placed else far_kind
        if not term.shortened and any(
                i not in placement.covered and tokens[i].norm in between and not _one_of(tokens[i].norm, own)
                for i in range(placement.first + 1, placement.last)):
            return True  # a region away between a term's words: "US-guided knee injection", "PHT with prepatellar bursitis"
        if far_kind and _at_a_region_away(tokens, segment, placement, own, far_kind, kind):
            return True  # "posterior labral tear of the shoulder", "sciatic nerve tumour in the distal thigh"
        if not term.shortened and said & kind - _GENERIC_PARTS:
            return False  # read by its own words: "sciatic nerve edema at the piriformis"
        # A label placed only in the case's setting ("Transient osteoporosis of the hip") is not
        # placed against the parts of that setting: "BMES of the femoral head" is still it.
        located = term.shortened or bool(label & near_kind) or placed
        # A region away from the hip (an organ too) is another place for every term.
        places = near_kind | far_kind if located else far_kind
        if not places:
            return False
        line = segment[placement.first]
        near: list[int] = []
        if term.shortened:
            near = [i for i in range(placement.first, placement.last + 1) if i not in placement.covered]
        if located:
            # "knee effusion", "groin radiating pain"; back over the concept's own places:
            # "femoral nerve schwannoma" for a sciatic nerve tumour.
            j = placement.first - 1
            # A word read as its class also steps back over the class's words typed before it:
            # in "fluoroscopic guided injection", "injection" is the guided injection.
            # A label that says where also steps back over the setting's words: "facet joint injection".
            # Over the concept's own setting words too: "knee joint effusion".
            while j >= 0 and segment[j] == line and (tokens[j].norm in own and (
                    tokens[j].norm in kind or tokens[j].norm in word_data().context) or (
                    placement.via_alias and tokens[j].norm in said) or (
                    placed and tokens[j].norm in word_data().context and tokens[j].norm not in near_kind) or (
                    # "her knee clicks and catches": the knee's, as its clicking is
                    tokens[j].norm in _AND_OR and j > 0 and tokens[j - 1].kind == WORD
                    and _one_of(tokens[j - 1].norm, own - STOPWORDS))):
                j -= 2 if tokens[j].norm in _AND_OR else 1
            if j >= 0 and segment[j] == line:
                near.append(j)
                if tokens[j].norm in word_data().context and j > 0 and segment[j - 1] == line:
                    near.append(j - 1)  # "iliac spine apophyseal avulsion": the spine is the iliac one
        elif placement.first > 0 and segment[placement.first - 1] == line:
            # "knee effusion": a region away from the hip, said first; back over the concept's own
            # words: in "knee pain worse with sitting" the pain is the knee's.
            j = placement.first - 1
            while j > 0 and segment[j - 1] == line and tokens[j].norm in own and tokens[j].norm not in places \
                    and tokens[j].norm not in STOPWORDS:
                j -= 1
            near.append(j)
        # On over the concept's own words and the little words that place it ("septic arthritis
        # of the knee" for "septic"), not into the next item of a list ("narrow IFS and narrow QFS").
        j, linked, words = placement.last + 1, False, 0
        while j < len(tokens) and segment[j] == line and words <= 2:
            norm = tokens[j].norm
            if norm in links or (located and norm == "from"):
                linked = True  # ... and where it comes from, for a concept placed: "pain referred from the SI joint"
            elif norm in _DETERMINERS:
                pass  # "injection for her knee"
            elif (norm in own and norm not in STOPWORDS and (linked or norm not in places)) or (
                    linked and (norm in word_data().qualifiers or norm in word_data().contrasts)):
                words += 1  # "septic arthritis of the left knee", "... of the distal biceps"
            else:
                # Whole terms are read as "X of the knee"; a short form as "X knee" too.
                if linked or (term.shortened and norm not in STOPWORDS):
                    near.append(j)
                break
            j += 1
        named = own & kind
        for word in list(named):
            # The thigh is in the leg; "sonographic" names the ultrasound. A region named with
            # one of its parts is that part: the lumbar spine is not the cervical spine.
            parts = word_data().within.get(word, frozenset())
            if parts & own:
                parts = parts - word_data().other_regions
            named |= parts | word_data().same_modality.get(word, frozenset())
        return any(tokens[i].norm in places and not _one_of(tokens[i].norm, named) for i in near)

    def _another_kind(self, term: Term, tokens: list[Token], segment: list[int], placement: "_Placement") -> bool:
        """Whether the word before a term is one that another concept of the case is told apart by.

        In a case with an "Old ischial apophyseal avulsion", "old hamstring avulsion" is not the
        "Proximal hamstring avulsion": "old" is the kind of avulsion the other one is, and this
        one never says it. Where no concept of the case says the word of the same thing, it is
        only more detail: "chronic hamstring tendinopathy" is the hamstring tendinopathy, and
        "old avulsion fracture" the avulsion fracture (the old one is an avulsion, not a fracture).
        """
        if not (term.denial_only or term.bare or term.said_normal) and _left_open(tokens, placement):
            return True  # "partial or complete avulsion", "acute/chronic avulsion": the kind is left open
        if term.denial_only or term.bare or term.said_normal:
            # Forms read only as denials ("normal QF muscle" is its own cue) still stop at the
            # other side of a contrast the concept says: "anterior labrum intact" is no "Posterior
            # labrum intact".
            own = self._concept_words.get(term.concept, frozenset())
            contrasts = word_data().contrasts
            at = placement.first - 1
            while at >= 0 and tokens[at].norm in _ARTICLES:
                at -= 1
            near = [i for i in range(placement.first, placement.last + 1) if i not in placement.covered]
            if at >= 0 and segment[at] == segment[placement.first]:
                near.append(at)
            return any(tokens[i].norm not in own and own & contrasts.get(tokens[i].norm, frozenset()) for i in near)
        # The word before the term, and any word between its words ("tendinopathy of the distal
        # biceps femoris").
        own = self._concept_words.get(term.concept, frozenset())
        at = placement.first - 1
        while at >= 0 and (tokens[at].norm in _ARTICLES or (tokens[at].norm in own and at not in placement.covered)):
            at -= 1  # back over the concept's own words: "distal hamstring tendinopathy" for "tendinopathy"
        inside = [i for i in range(placement.first, placement.last + 1) if i not in placement.covered]
        label = self._label_words.get(term.concept, frozenset())
        if not label & _RELATIVE_POSITIONS and any(
                tokens[i].norm in _RELATIVE_POSITIONS and tokens[i].norm not in own and tokens[i + 1].norm == "to"
                for i in inside if i < placement.last):
            return True  # "tenderness medial to the ischial tuberosity" is beside it, not at it
        # A word joined to one of the concept's own is said beside it, not instead of it:
        # "tender lateral and posterior to the ischial tuberosity" is lateral too.
        words = [tokens[i].norm for i in inside if not _joined_to(tokens, i, own)]
        if (at >= 0 and segment[at] == segment[placement.first] and at not in placement.covered
                and tokens[at].start != tokens[placement.first].start):  # not a word of "45F" itself
            words.append(tokens[at].norm)
        # ... and the words that open an "of ..." after it: "tendinopathy of the distal biceps".
        j, linked = placement.last + 1, False
        while j < len(tokens) and (tokens[j].norm in _PLACE_LINKS or tokens[j].norm in _ARTICLES):
            linked, j = linked or tokens[j].norm in _PLACE_LINKS, j + 1
        if linked and j < len(tokens) and segment[j] == segment[placement.last]:
            words.append(tokens[j].norm)
        # A word that makes another disease reaches over the words of the noun it is said of:
        # "malignant peripheral nerve sheath tumour".
        k = placement.first - 1
        while k >= 0 and placement.first - k <= 3 and segment[k] == segment[placement.first] \
                and tokens[k].kind in (WORD, CJK) and k not in placement.covered:
            if (tokens[k].norm in _another_disease() or tokens[k].norm in _infection()) and tokens[k].norm not in words:
                words.append(tokens[k].norm)
            k -= 1
        head = _head(term)
        if head is not None and any(self._a_kind_it_is_not(term, head, word) for word in words):
            return True
        # A "with ..." after it adds another finding ("tear with secondary QF edema"), unless it
        # says the opposite of the concept's own word: "thickening with low signal" is no
        # "Hamstring tendon thickening with high signal".
        j = placement.last + 1
        if j < len(tokens) and tokens[j].norm == "with":
            j += 1
            while j < len(tokens) and tokens[j].norm in _ARTICLES:
                j += 1
            if j < len(tokens) and segment[j] == segment[placement.last]:
                word = tokens[j].norm
                concept_words = self._concept_words.get(term.concept, frozenset())
                return word not in concept_words and bool(concept_words & word_data().contrasts.get(word, frozenset()))
        return False

    def _of_what_the_case_is_not(self, term: Term, tokens: list[Token], segment: list[int],
                                 placement: "_Placement") -> bool:
        """Whether an "of ..." / "in ..." after a term says it of a thing the case is not about:
        in a man's case, "transient osteoporosis of pregnancy" names a word ("pregnancy") of
        another concept that none of the case's stage concepts says. Its own words ("of the
        hip"), places (read by `_beside_another_place`), size and side say nothing of that."""
        if self.in_play_words is None or term.denial_only or term.bare:
            return False
        j = placement.last + 1
        if j >= len(tokens) or tokens[j].norm not in _WHAT_IT_IS_OF or segment[j] != segment[placement.last]:
            return False
        j += 1
        data = word_data()
        own = self._concept_words.get(term.concept, frozenset())
        said: list[str] = []
        while j < len(tokens) and segment[j] == segment[placement.last] and len(said) < 3:
            norm = tokens[j].norm
            if tokens[j].kind != WORD or (norm in STOPWORDS and norm not in _ARTICLES):
                break
            if norm not in _ARTICLES:
                said.append(norm)
            j += 1
        if not said or any(w in own or w in data.places or w in data.context for w in said):
            return False
        # Another ending of a word in play is in play too: "the avulsed apophysis" in a case
        # about an "apophyseal avulsion".
        in_play = self.in_play_words
        if any(w in in_play or any(_same_word(w, p) for p in in_play) for w in said):
            return False
        return any(w in self._by_word and w not in data.qualifiers for w in said)

    def _for_another_thing(self, term: Term, tokens: list[Token], segment: list[int], placement: "_Placement") -> bool:
        """Whether a "for ..." after a term says it is for something the case is not about.

        "gabapentin for his seizures", "NSAIDs for her headaches", "physio for the shoulder",
        "crutches for the other leg" are plans for another condition, another part of the body or
        the other side (words.yaml `other_conditions`, `other_regions`, a disease's
        ending: "surgery for his bursitis"). What the case's own concepts name is its own ("NSAIDs
        for the pain", "crutches for the hip", "surgery for refractory IFI"), and so is a time or a
        purpose ("crutches for 6 weeks", "injection for diagnosis").
        """
        j = placement.last + 1
        line = segment[placement.last]
        if j < len(tokens) and tokens[j].norm in _AND_OR and segment[j] == line:
            # "rest and physiotherapy for the shoulder": both are for it
            k = j + 1
            while k < len(tokens) and k <= j + 3 and segment[k] == line and tokens[k].kind == WORD and tokens[k].norm != "for":
                k += 1
            if k < len(tokens) and tokens[k].norm == "for":
                j = k
        own = self._concept_words.get(term.concept, frozenset())
        k = j
        while k < len(tokens) and k <= j + 2 and segment[k] == line and tokens[k].norm in own \
                and tokens[k].norm not in STOPWORDS:
            k += 1  # "follow-up MRI if ...", where "follow-up" stood for the whole
        if k < len(tokens) and tokens[k].norm in _CONDITIONS and segment[k] == line:
            # "surgery if the knee fails", "MRI if the shoulder pain persists": the knee's surgery
            return self._a_region_away_first(term, tokens, segment, k + 1)
        if j >= len(tokens) or tokens[j].norm != "for" or segment[j] != line:
            return False
        data = word_data()
        known = self._concept_words.get(term.concept, frozenset()) | (self.in_play_words or frozenset()) | self.topic
        j, words = j + 1, 0
        while j < len(tokens) and segment[j] == line and words < 3:
            token = tokens[j]
            norm = token.norm
            j += 1
            if norm in _DETERMINERS or norm in data.qualifiers:
                continue
            if norm in _OTHER_SIDE:
                return any(tokens[k].norm in data.places or tokens[k].norm == "side"
                           for k in range(j, min(j + 2, len(tokens))) if segment[k] == line)
            if token.kind != WORD or norm in STOPWORDS:
                break
            words += 1
            if _one_of(norm, known) or norm in data.context:
                continue
            typed = (token.unstemmed or norm).casefold()
            # A place near the hip is the hip's own ("arthroscopy for the labrum"); a region away is not.
            if (norm in data.other_regions or norm in data.someone_else or norm in self._other_conditions
                    or (len(typed) >= 6 and typed.endswith(_DISEASE_ENDINGS) and not typed.endswith("gnosis"))):
                return True  # not "for diagnosis", "for prognosis"
        return False

    def _a_region_away_first(self, term: Term, tokens: list[Token], segment: list[int], j: int) -> bool:
        """Whether the words from `j` on name first a region away from the hip (or the other side)
        that the concept does not name: the condition of "surgery if the knee fails"."""
        data = word_data()
        own = self._concept_words.get(term.concept, frozenset())
        named = frozenset(own & data.places).union(*(data.within.get(w, frozenset()) for w in own & data.places))
        line = segment[j - 1]
        while j < len(tokens) and segment[j] == line and (tokens[j].norm in _DETERMINERS
                                                           or tokens[j].norm in data.qualifiers):
            j += 1
        if j >= len(tokens) or segment[j] != line:
            return False
        norm = tokens[j].norm
        if norm in _OTHER_SIDE:
            return any(tokens[k].norm in data.places or tokens[k].norm == "side"
                       for k in range(j + 1, min(j + 3, len(tokens))) if segment[k] == line)
        return norm in data.other_regions and norm not in self.topic and not _one_of(norm, named)

    def _a_bare_class_word_without_the_place(self, term: Term, tokens: list[Token], segment: list[int],
                                             chosen: list, placement: "_Placement") -> bool:
        """Whether one general word read as a class of several ("injection" as a guided
        injection, words.yaml `also_means`) stands for a concept whose label says where, with no
        word of that place in its clause: "injection" names neither the guidance nor the place of
        an "Image-guided injection of the ischiofemoral space" ("injection into the IF space"
        does name it, and "steroid injection" is a class of its own words)."""
        place = self._label_place.get(term.concept)
        if not place or not placement.via_alias or not any(
                h is not None and h.alias and h.first == h.last and h.part[1] > 1 for h in chosen):
            return False
        start, end = self._clause_of(placement, tokens, segment)
        return not any(_one_of(tokens[i].norm, frozenset(place)) for i in range(start, end + 1)
                       if i not in placement.covered)

    def _to_another_specialist(self, term: Term, tokens: list[Token], segment: list[int],
                               placement: "_Placement") -> bool:
        """Whether a surgeon, team or clinic the mention names is one of another part of the body
        (words.yaml `specialists`): "referral to a spine surgeon", "early surgical consultation
        with the knee team". The hip's own, and a place the concept names, are this case's."""
        specialists = _specialists()
        if not specialists:
            return False
        data = word_data()
        own = self._concept_words.get(term.concept, frozenset())
        named = frozenset(own & data.places).union(*(data.within.get(w, frozenset()) for w in own & data.places))
        line = segment[placement.first]
        for i in range(placement.first + 1, min(len(tokens), placement.last + 6)):
            if segment[i] != line:
                break
            if tokens[i].norm not in specialists or i - 1 in placement.covered:
                continue
            place = tokens[i - 1].norm
            if (place in data.places or place in data.other_regions) and place not in _THE_HIP \
                    and place not in self.topic and not _one_of(place, named):
                return True
        return False

    def _two_things_with(self, term: Term, tokens: list[Token], placement: "_Placement") -> bool:
        """Whether a term's words are said of two things joined by "with": in "posterior hip
        dislocation with a labral tear", "posterior" is the dislocation's, so it is no "Posterior
        labral tear" ("labral tear with posterior extension" still is)."""
        if "with" in {w.norm for w in term.words}:
            return False
        own = self._concept_words.get(term.concept, frozenset())
        inside = [i for i in range(placement.first, placement.last + 1) if i not in placement.covered]
        joint = next((i for i in inside if tokens[i].norm == "with"), None)
        if joint is None:
            return False
        # Only a word that says a kind ("posterior") is another noun's before "with": in "QF
        # atrophic with abnormal signal" and "fragment ... with hamstring tendons attached" the
        # words before it are the thing itself.
        data = word_data()
        before = [i for i in placement.covered if i < joint and tokens[i].kind == WORD
                  and tokens[i].norm not in data.context]
        if not before or not all(tokens[i].norm in data.essential or tokens[i].norm in data.contrasts for i in before):
            return False
        return any(tokens[i].kind == WORD and tokens[i].norm not in STOPWORDS and tokens[i].norm not in own
                   and tokens[i].norm not in data.context and i > max(before) for i in inside if i < joint)

    def _one_part_of_the_whole(self, term: Term, tokens: list[Token], segment: list[int],
                               placement: "_Placement") -> bool:
        """Whether a concept of the whole of a structure is said of one of its parts.

        "complete tear of the semimembranosus" is one tendon, not the "Complete avulsion of the
        hamstring origin" (words.yaml `within`: the semimembranosus is a part of the hamstring);
        "complete tear of all three tendons" and "complete hamstring tear" are the whole.
        """
        data = word_data()
        own = self._concept_words.get(term.concept, frozenset())
        if not own & _WHOLE:
            return False
        parts = frozenset().union(*(data.within.get(w, frozenset()) for w in own)) - own
        if not parts:
            return False
        line = segment[placement.first]
        start, end = self._clause_of(placement, tokens, segment)
        if any(tokens[i].norm in _ALL_PARTS for i in range(start, end + 1)):
            return False
        near = [i for i in range(placement.first, placement.last + 1) if i not in placement.covered]
        j = placement.last + 1
        while j < len(tokens) and segment[j] == line and (tokens[j].norm in _PLACE_LINKS or tokens[j].norm in _DETERMINERS
                                                           or tokens[j].norm in data.qualifiers):
            j += 1
        if j < len(tokens) and segment[j] == line and j > placement.last + 1:
            near.append(j)  # "of the semimembranosus"
        return any(tokens[i].norm in parts for i in near)

    def _a_kind_it_is_not(self, term: Term, head: int, word: str) -> bool:
        own = self._concept_words.get(term.concept, frozenset())
        if word in own:
            return False
        if word in _infection() and not own & _infection():
            return True  # "septic ischial bursitis" is no ischial bursitis, whatever else the case says
        disease = _another_disease()
        if word in disease and not own & disease and any(
                word in words for concept, words in self._concept_words.items() if concept != term.concept):
            # "malignant schwannoma" where the case has its malignant kind ("Soft tissue sarcoma":
            # "malignant soft tissue tumour"): whatever it is said of, another disease.
            return True
        if self._concept_words.get(term.concept, frozenset()) & word_data().contrasts.get(word, frozenset()):
            # The concept is another side of the group: "chronic" for an "Acute avulsion", and a
            # size too: "large effusion" for a "Small left hip joint effusion".
            return True
        if word not in self._kinds:
            return False
        thing = term.words[head].norm
        # A head typed together with the word before it ("hamstravulsion") is the same thing.
        return any(_same_thing(thing, other) and concepts - {term.concept}
                   for other, concepts in self._kind_of.get(word, {}).items())

    def _said_of_someone_else(self, p: "_Placement", tokens: list[Token], segment: list[int]) -> bool:
        """Whether the clause of a mention says it of another person (words.yaml `someone_else`).

        "Family history of renal cell carcinoma" and "steroid use in her sister" are not the
        patient's history; a concept that names the relative itself ("Family history of
        cancer") is read by its own words.
        """
        others = word_data().someone_else
        if not others or self._concept_words.get(p.term.concept, frozenset()) & others:
            return False
        start, end = self._clause_of(p, tokens, segment)
        return any(tokens[i].norm in others for i in range(start, end + 1) if i not in p.covered)

    def _clause_of(self, p: "_Placement", tokens: list[Token], segment: list[int]) -> tuple[int, int]:
        """The mention's clause, up to a turn: in "left hip never hurt but the right one does",
        the pain is the right hip's."""
        line = segment[p.first]
        start, end = p.first, p.last
        while start > 0 and segment[start - 1] == line and tokens[start - 1].norm not in _TURNS:
            start -= 1
        while end + 1 < len(tokens) and segment[end + 1] == line and tokens[end + 1].norm not in _TURNS:
            end += 1
        return start, end

    def _says_what_it_excludes(self, p: "_Placement", tokens: list[Token], segment: list[int],
                               commas: frozenset[int]) -> bool:
        """Whether the clause of a mention states what the concept's label rules out.

        "Treated renal cell carcinoma without recurrence" is not what "RCC with known
        recurrence" says, though "RCC" is one of its terms; "RCC, no recurrence" still is.
        """
        excluded = self._excluded.get(p.term.concept)
        if not excluded:
            return False
        start, end = self._clause_of(p, tokens, segment)
        for i in range(start, end + 1):
            if i in p.covered or tokens[i].kind != WORD:
                continue
            if any(_same_word(tokens[i].norm, word) for word in excluded):
                if not negation_of(tokens, i, i, [p.covered], commas).denied:
                    return True
        return False

    def _place_in_sequence(self, term: Term, tokens: list[Token], options: list[list[_Hit]],
                           groups: dict[int, frozenset[int]]) -> list[_Placement]:
        """Chinese terms: the characters in order, side by side (stopwords such as 的 between)."""
        at = [{h.first: h for h in found} for found in options]
        placements = []
        for start in options[0]:
            chosen, position = [start], start.last
            for k in range(1, len(options)):
                prev = chosen[-1]
                together = next((h for h in options[k] if h.alias and prev.alias and h.part != prev.part
                                 and (h.first, h.last) == (prev.first, prev.last)), None) if prev.alias else None
                if together is not None:
                    chosen.append(together)  # 拐杖 (crutches) gives the words of reduced weight bearing at once
                    continue
                position += 1
                while position < len(tokens) and tokens[position].norm in STOPWORDS and position not in at[k]:
                    position += 1
                hit = at[k].get(position)
                if hit is None:
                    break
                chosen.append(hit)
                position = hit.last
            else:
                covered = set()
                for hit in chosen:
                    covered.update(range(hit.first, hit.last + 1))
                placement = self._judge(term, tokens, chosen, covered, groups)
                if placement is not None:
                    placements.append(placement)
        return placements

    def _judge(self, term: Term, tokens: list[Token], chosen: list[_Hit], covered: set[int],
               groups: dict[int, frozenset[int]]) -> _Placement | None:
        # The words one abbreviation or Chinese word stands for go together: "QFS" is the
        # quadratus femoris space, so "QFS normal" does not say the quadratus femoris is normal.
        for i in covered:
            group = groups.get(i)
            # ... its little words aside: "ROM" is the range of motion, "of" need not be found.
            if group is not None and not {k for k in group if tokens[k].norm not in STOPWORDS} <= covered:
                return None
        if not _names_whole(chosen):
            return None
        first = min(h.first for h in chosen)
        last = max(h.last for h in chosen)
        extras = 0
        inner_cue = None
        deny = denial_cues_before()
        # A typed word that stands for several ("FAIR": flexion adduction internal rotation) is
        # one word between the term's words, not several.
        spread = sum(len(g) - 1 for g in {groups[i] for i in range(first, last + 1) if i in groups and i not in covered})
        own = self._said_between(term.concept)
        own_between = 0
        for i in range(first, last + 1):
            if i in covered or tokens[i].is_separator:
                continue  # a separator inside is a list's comma (see ConceptIndex.find)
            if i in groups and i != min(groups[i]):
                continue
            norm = tokens[i].norm
            if (term.denial_core and norm in deny and i + 1 in covered and i > first
                    and (tokens[i - 1].is_separator or tokens[i - 1].norm in ("or", "and", "nor", "/"))):
                continue  # "no OA, no fx, no bony lesion": each item of an absence denied again
            if norm == CONSIDER_MARK or (norm in deny and inner_cue is not None) or norm in _PHRASE_BREAKS:
                return None
            if _is_relief(norm) and not any(_is_relief(w.norm) for w in term.words) and any(
                    w.norm == "pain" for w in term.words):
                return None  # "pain better when sitting" is not "pain when sitting"
            if norm in ("or", "nor") and any(w.norm in _JOINERS for w in term.words):
                return None  # "tendinopathy or bursitis" is no "tendinopathy with bursitis"
            if norm in deny:
                inner_cue = i  # "quadratus femoris not edematous" denies the edema
            elif norm not in STOPWORDS and norm not in _AUXILIARIES and not (term.core and norm in SPARE_WORDS) \
                    and not _is_chinese_link(tokens[i]):
                # "sudden onset during sprinting": a core form's link is any link; "complete
                # proximal hamstring avulsion": the concept's own words add nothing between,
                # as long as nothing else stands there ("mass arising from the pudendal nerve").
                if norm not in own:
                    extras += 1
                elif norm not in _SAID_ANYWHERE and norm not in _SIDES:
                    own_between += 1
        if term.part_of_name and last + 1 < len(tokens) and _names_another_thing(tokens[last + 1], term):
            return None  # "piriformis injection", "septic bursitis", "septic shock": another thing
        if term.part_of_name and _the_place_of_another_thing(tokens, first):
            return None  # "botox into the piriformis", "edema in the piriformis": a place, not the name
        if extras:
            extras += own_between
        words = len(chosen)
        allowance = 0 if term.ordered or words == 1 or term.core == OMITTED else (1 if words <= 3 else 2)
        # The words between count, not the width of what was matched: "high T2 signal" is one finding.
        if extras > allowance or (last - first + 1) - len(covered) - spread > allowance + 3:
            return None
        if inner_cue is not None and extras:
            return None  # "IFI rather than piriformis syndrome" is not "IFI syndrome" denied
        in_order = all(_before(a, b) for a, b in zip(chosen, chosen[1:]))
        if not in_order and (term.ordered or (any(tokens[h.first].kind == CJK for h in chosen)
                                              and not _said_last_in_chinese(term, chosen)
                                              and not _when_said_first_in_chinese(term, chosen, tokens)
                                              and not _modifier_said_first_in_chinese(term, chosen, tokens)
                                              and not _structure_said_first_in_chinese(term, chosen))):
            return None
        if any(h.alias for h in chosen) and _says_alone(term):
            return None  # "physio" is conservative treatment, not "Conservative treatment only"
        score = sum(h.similarity for h in chosen) / words - 4 * extras - (0 if in_order else 5)
        # "IFS narrowing" (the first word said last) reads as naturally as "narrow IFS".
        rotated = chosen[1:] + chosen[:1]
        natural = in_order or all(_before(a, b) for a, b in zip(rotated, rotated[1:]))
        return _Placement(term, first, last, frozenset(covered), score, inner_cue, in_order=natural,
                          via_alias=any(h.alias for h in chosen))

    def _said_between(self, concept: str) -> frozenset[str]:
        """The words of a concept that may stand between a term's words without counting: its own
        words that tell no kinds apart ("proximal", "hamstring" in "complete proximal hamstring
        avulsion" for "Complete avulsion of the left hamstring origin"), and its own side ("L").
        Words that tell kinds apart (words.yaml `essential`: partial, acute ...) always count."""
        cache = self.__dict__.setdefault("_between_cache", {})
        found = cache.get(concept)
        if found is None:
            data = word_data()
            telling = data.essential - _SIDES
            words = self._concept_words.get(concept, frozenset()) | _SAID_ANYWHERE
            if self.__dict__.get("side"):
                words = words | {self.side}
            found = cache[concept] = frozenset(w for w in words if w.isalpha() and w not in telling
                                               and w not in data.makes_a_modifier and w not in STOPWORDS)
        return found

    def _without_other_things(self, placements: list[_Placement], tokens: list[Token],
                              segment: list[int]) -> list[_Placement]:
        """Without the core forms that do not name their concept where they stand (see core_terms)."""
        from tutor.matching.core_terms import stands_for_another

        concepts_of = self.__dict__.get("_concepts_of")
        if concepts_of is None:  # made on the first answer that needs it, not when loading
            by_word: dict[str, set[str]] = {}
            for term in self.terms:
                for word in term.words:
                    if not word.optional:
                        by_word.setdefault(word.norm, set()).add(term.concept)
            concepts_of = self.__dict__["_concepts_of"] = {w: frozenset(c) for w, c in by_word.items()}
        norms = [t.norm for t in tokens]
        out = []
        for p in placements:
            if p.term.core:
                clause = [segment[i] == segment[p.last] for i in range(len(tokens))]
                if stands_for_another(p.term, p.first, p.last, p.covered, norms, clause,
                                      self._concept_words.get(p.term.concept, frozenset()),
                                      lambda word: concepts_of.get(word, frozenset())):
                    continue
            out.append(p)
        return out

    # -- answers -----------------------------------------------------------

    def find(self, text: str) -> Analysis:
        # Cleaning a pasted novel whole would be the slow part; what is read is cut anyway.
        raw_limit = 4 * MAX_ANSWER_CHARS
        prepared = prepare(text[:raw_limit])
        truncated = len(prepared) > MAX_ANSWER_CHARS or len(text) > raw_limit
        if truncated:
            prepared = prepared[:MAX_ANSWER_CHARS]
        tokens = tokenize(prepared)
        segment: list[int] = []
        current = 0
        for token in tokens:
            if token.is_separator:
                current += 1
            segment.append(current)
        groups = _word_groups(tokens)
        commas = list_commas(tokens, [])
        # A term may reach across the commas of a list it shares words with: "pain on extension,
        # adduction and external rotation" is the pain on extension and adduction.
        # ... and across a slash typed between two words, as charts join a term's words with it:
        # "worse with flex/IR" is worse with flexion and internal rotation.
        joints = commas | _glued_slashes(tokens)
        in_list: list[int] = []
        current = 0
        for i, token in enumerate(tokens):
            if token.is_separator and i not in joints:
                current += 1
            in_list.append(current)
        hits = self._hits(tokens, segment)
        candidates: set[int] = set()
        for known in hits:
            candidates.update(t for t, _ in self._by_word.get(known, ()))
        placements: list[_Placement] = []
        for t_index in sorted(candidates):
            term = self.terms[t_index]
            for placement in self._place(term, tokens, in_list, hits, groups):
                if in_list[placement.first] == in_list[placement.last] and segment[placement.first] != segment[
                        placement.last] and not _whole_items_after(tokens, placement, joints):
                    continue
                if term.measure is not None:
                    measured = _measured(placement, tokens, segment)
                    if measured is not None:
                        placements += _further(measured, tokens)
                    placement = measured
                if placement is not None:
                    placements.append(placement)
        placements = self._general_denials_standing(placements, tokens, commas)
        if any(p.term.core for p in placements):
            placements = self._without_other_things(placements, tokens, segment)
        kept, shadowed = _keep_outermost(placements)
        kept = _drop_patchworks(kept)
        questions = _in_questions(tokens)
        covered_all = [p.covered for p in kept]
        # Read again with the terms found: an "and" inside one term closes no list.
        commas = list_commas(tokens, [frozenset(range(p.first, p.last + 1)) for p in kept]) if commas else commas

        def mention(p: _Placement, inside: _Placement | None = None) -> Mention | None:
            if p.inner_cue is not None:
                stance = Stance(denied=True, cue=p.inner_cue)
            else:
                # A mention inside a longer one is read as that one is: in "no sciatic nerve
                # edema", "nerve edema" is denied too, not cut off from the "no" by "sciatic".
                around = covered_all if inside is None else [c for c in covered_all if not p.covered <= c]
                stance = negation_of(tokens, p.first, p.last, around, commas)
            if (p.term.denial_core or p.term.denial_only) and not stance.denied:
                return None  # "trauma" says nothing about "no trauma", "effusion" of a small one
            if stance.denied and stance.cue is not None and _supposed(tokens, stance.cue, segment):
                return None  # "surgery only if it does not resolve" denies no resolution: it supposes
            if not stance.denied and not p.term.denial_core and self._says_what_it_excludes(p, tokens, segment, commas):
                return None  # "RCC with known recurrence" is no "RCC without recurrence"
            if self._said_of_someone_else(p, tokens, segment):
                return None  # "family history of RCC", "her sister's steroid use": not the patient's
            cue = stance.cue
            # The quote shows a denial's cue ("no QF edema"), and a hedge's only when it is next
            # to the words: "IFI > PHT, narrow IFS" quotes "narrow IFS", not "> PHT, narrow IFS".
            if cue is not None and not stance.denied and not (p.first - 1 <= cue <= p.last + 1):
                cue = None
            first = min(p.first, cue) if cue is not None else p.first
            last = max(p.last, cue) if cue is not None else p.last
            start, end = tokens[first].start, tokens[last].end
            negated = False if p.term.denial_core else (stance.denied != p.contradicts)
            considered = stance.considered and not p.term.denial_core
            when = _when_said(tokens, p.first, p.last, in_list) or (
                "queried" if stance.considered and stance.cue is not None
                and tokens[stance.cue].raw == "?" else "") or (
                "unassessed" if stance.denied and stance.cue is not None
                and _not_looked_at(tokens, stance.cue, segment, p.covered) else "")
            if when in ("", "queried") and p.first in questions:
                # "does the hip click or catch?", "Should we do a hip replacement?", "Is it IFI?"
                when = "question"
            if _withdrawn(tokens, p.first, p.last):
                when = "withdrawn"  # "I thought the QF was edematous, but it is normal"
            if when in ("", "past") and _long_ago(tokens, p.first, p.last, in_list) and not (
                    self._label_words.get(p.term.concept, frozenset()) & _TIMES_OF_A_LABEL):
                when = "long_ago"  # "sprinting injury 10 years ago", "steroids as a child": not this episode
            if when in ("past", "reported") and _agreed(tokens, p.last, segment):
                when = ""  # "the previous radiologist called it hip OA and I agree": the learner's own
            over = _said_as_over(tokens, p.first, p.last, in_list) if when in ("", "past", "queried", "question") else ""
            if over:
                # "former runner" is no runner now, "used to click" no clicking now; "former
                # steroid use" is a steroid history.
                when = "former" if p.term.concept in self._people or over == "no_longer" else "past"
            return Mention(p.term.concept, negated, start, end, prepared[start:end], p.term.text,
                           round(max(0.0, p.score), 1), p.covered, considered,
                           soft=stance.soft and negated, alternative=stance.alternative and not negated,
                           measured=p.term.measure is not None and not stance.denied,
                           when=when)

        mentions = [m for m in map(mention, kept) if m is not None]
        mentions.sort(key=lambda m: (m.start, m.concept))
        hidden = [(m, o.term.concept) for m, o in ((mention(p, o), o) for p, o in shadowed) if m is not None]
        return Analysis(prepared, tuple(mentions), truncated, tuple(hidden))


    def _general_denials_standing(self, placements: list[_Placement], tokens: list[Token],
                                  commas: frozenset[int]) -> list[_Placement]:
        """Placements without the general denials (terms.general_denials) that do not stand.

        One stands when it is denied and stands bare after its cue: "no injection needed",
        "no spine surgery", "QF edema but no atrophy", not "no marrow edema" for the quadratus
        femoris edema. Where a term of another concept is those very words, the denial is of
        that concept ("no surgery" denies the Surgery, not the lumbar spine surgery); where
        several concepts share the words, the ones whose other words the answer named before
        take the denial ("QF edema but no atrophy": the QF's atrophy).
        """
        if not any(p.term.bare for p in placements):
            return placements
        named = [p for p in placements if not p.term.denial_only]
        standing: list[_Placement] = []
        for p in placements:
            if not p.term.bare:
                continue
            if p.term.said_normal:
                # A concept named with "normal" in its words ("normal sciatic nerve") covers these
                # and takes them where the question asks about it (see grading's shadowed mentions).
                cue = self._said_normal_at(p, tokens)
                if cue is not None:
                    standing.append(replace(p, inner_cue=cue))
                continue
            if any(q.term.concept != p.term.concept and p.covered <= q.covered for q in named):
                continue
            if not self._stands_bare(p, tokens):
                continue
            around = [q.covered for q in named if not q.covered & p.covered]
            if p.inner_cue is None and not negation_of(tokens, p.first, p.last, around, commas).denied:
                continue
            standing.append(p)
        chosen = []
        for p in standing:
            # A structure said normal states its normal concept and denies its findings at once:
            # the two are no rivals for the same words.
            rivals = [q for q in standing if q.covered == p.covered and q.term.concept != p.term.concept
                      and not (q.term.said_normal and q.term.denial_core)
                      and not (p.term.said_normal and p.term.denial_core)]
            if rivals and not self._named_before(p, tokens) and any(self._named_before(q, tokens) for q in rivals):
                continue
            chosen.append(p)
        return [p for p in placements if not p.term.bare] + chosen

    def _stands_bare(self, p: _Placement, tokens: list[Token]) -> bool:
        """Whether only the concept's own words, qualifiers and stopwords stand between a general
        denial and its cue (or the start of its clause or list item)."""
        cues = cue_words()
        data = word_data()
        own = self._concept_words.get(p.term.concept, frozenset())
        for i in range(p.first - 1, -1, -1):
            token = tokens[i]
            if token.norm in cues.prefixes:
                return False  # "non-weight bearing" is a kind of its own, not "no weight bearing"
            if token.is_separator or token.kind == LIST or token.norm in cues.deny_before or token.norm in (
                    "or", "nor", "and", "/"):
                break
            if not (token.norm in STOPWORDS or token.norm in own or token.norm in data.qualifiers
                    or token.norm in data.context or token.norm in cues.before_a_general_denial):
                return False
        return not self._said_of_another_place(p, tokens, own)

    @staticmethod
    def _said_of_another_place(p: _Placement, tokens: list[Token], own: frozenset[str]) -> bool:
        """Whether the words after a general denial place it elsewhere: "no tear of the labrum"
        is no denial of a hamstring tear, "no injection into the knee" none of a hip injection."""
        data = word_data()
        places = data.places | data.structures
        j = p.last + 1
        if j < len(tokens) and tokens[j].norm in places and tokens[j].norm not in own:
            return True  # "no tear labrum"
        if j >= len(tokens) or tokens[j].norm not in _PLACING_WORDS:
            return False
        j += 1
        while j < len(tokens) and not tokens[j].is_separator and tokens[j].norm not in _PLACING_WORDS:
            if tokens[j].norm in places and tokens[j].norm not in own:
                return True
            if tokens[j].norm not in STOPWORDS and tokens[j].norm not in data.qualifiers:
                return False
            j += 1
        return False

    def _said_normal_at(self, p: _Placement, tokens: list[Token]) -> int | None:
        """Where "normal" (or "negative") stands next to the structure a finding is said of:
        "normal QF muscle", "sciatic nerve: normal", "QF is normal", "SLR negative", "neg SLR".
        The structure must be the whole thing called normal: in "normal ischial marrow" the
        ischium's bursa is not."""
        data = word_data()
        cues = cue_words()

        def spare(token: Token) -> bool:
            return token.norm in STOPWORDS or token.norm in data.context

        j = p.last + 1
        parts = data.places | data.structures
        if j < len(tokens) and tokens[j].norm in _STRUCTURES_JOINED:
            k = j + 1
            while k < len(tokens) and (tokens[k].norm in parts or spare(tokens[k])):
                k += 1
            if k > j + 1 and any(tokens[i].norm in parts for i in range(j + 1, k)):
                j = k
        while j < len(tokens) and (spare(tokens[j]) or tokens[j].norm in cues.linking or tokens[j].raw in (":", "：")):
            j += 1
        if j < len(tokens) and tokens[j].norm in _SAID_NORMAL:
            return j
        nxt = tokens[j] if j < len(tokens) else None
        if nxt is not None and not nxt.is_separator and nxt.kind != LIST and nxt.norm not in cues.scope_ends:
            return None  # "normal ischial marrow": the marrow is what is normal
        i = p.first - 1
        while i >= 0 and spare(tokens[i]):
            i -= 1
        if i >= 0 and tokens[i].norm in _SAID_NORMAL and not (i > 0 and tokens[i - 1].norm in cues.deny_before):
            return i
        return None

    def _named_before(self, p: _Placement, tokens: list[Token]) -> bool:
        """Whether the answer named, before a general denial, the words its term left out."""
        left_out = {w.norm for w in self._concept_words_of_term(p.term)} - {
            p.term.words[i].norm for i in p.term.required}
        return any(tokens[i].norm in left_out for i in range(p.first))

    def _concept_words_of_term(self, term: Term) -> tuple:
        for full in self.terms:
            if full.concept == term.concept and full.text == term.text and not full.denial_only:
                return tuple(full.words[i] for i in full.required)
        return ()


def _at_a_region_away(tokens: list[Token], segment: list[int], placement: "_Placement", own: frozenset[str],
                      far_kind: frozenset[str], kind: frozenset[str]) -> bool:
    """Whether "of", "in", "at" or "near" after a term puts it at a region away from the hip: one of
    `far_kind`, or the distal part of a place its concept never names ("the distal thigh")."""
    line = segment[placement.last]
    named = frozenset(own & kind).union(*(word_data().within.get(w, frozenset()) for w in own & kind))
    # Just before it too, as Chinese says where first: "shoulder posterior labral tear" (肩膀後盂唇撕裂),
    # 膝蓋的坐骨神經腫瘤 (the knee's), 大腿遠端的 (the distal thigh's).
    b = placement.first - 1
    if b >= 0 and segment[b] == line and tokens[b].norm == "of" and tokens[b].raw == "的":
        b -= 1
    if b >= 0 and segment[b] == line:
        norm = tokens[b].norm
        if norm in far_kind and not _one_of(norm, named):
            return True
        if norm in _DISTAL and tokens[b].kind == CJK and b > 0 and segment[b - 1] == line:
            before = tokens[b - 1].norm
            if norm not in own and before in kind and not _one_of(before, named):
                return True
    j = placement.last + 1
    while j < len(tokens) and j <= placement.last + 3 and segment[j] == line and (
            tokens[j].norm in _ARTICLES or tokens[j].norm in _AND_OR
            or (tokens[j].norm in own and tokens[j].norm not in STOPWORDS)):
        j += 1  # over the concept's own words: "mass along the sciatic nerve in the distal thigh",
        # "clicking and catching in the knee"
    if j >= len(tokens) or segment[j] != line or tokens[j].norm not in _AT_A_PLACE:
        return False
    j += 1
    while j < len(tokens) and segment[j] == line and (tokens[j].norm in _DETERMINERS
                                                       or tokens[j].norm in word_data().qualifiers):
        j += 1
    if j >= len(tokens) or segment[j] != line:
        return False
    norm = tokens[j].norm
    if norm in _DISTAL and j + 1 < len(tokens) and segment[j + 1] == line:
        following = tokens[j + 1].norm
        return norm not in own and following in kind and not _one_of(following, named)
    return norm in far_kind and not _one_of(norm, named)


# Parts every region has: a term that names only these says no place of its own ("tendon
# thickening" is the hamstring's in a hamstring case, the adductor's in "adductor tendon thickening").
_GENERIC_PARTS = frozenset({"tendon", "muscle"})
# The little words that say where a thing is (not where it goes: "retracted towards the knee").
_AT_A_PLACE = frozenset({"of", "in", "at", "near"})
# The far end of a part of the leg is away from the hip: "the distal thigh".
_DISTAL = frozenset({"distal"})


def _into_the_joint(tokens: list[Token], segment: list[int], placement: "_Placement") -> bool:
    """Whether a mention is said to be in the joint itself: "injection into the hip joint",
    "intra-articular steroid injection" - no place outside the joint that a label names."""
    line = segment[placement.first]
    before = placement.first - 1
    while before >= 0 and segment[before] == line and tokens[before].norm in STOPWORDS:
        before -= 1
    if before >= 0 and segment[before] == line and tokens[before].norm in ("intraarticular", "articular"):
        return True
    j, linked = placement.last + 1, False
    while j < len(tokens) and segment[j] == line and j <= placement.last + 6:
        norm = tokens[j].norm
        if norm in _PLACE_LINKS:
            linked = True
        elif norm == "joint" and linked:
            return True
        elif norm not in _DETERMINERS and norm not in word_data().context and norm not in word_data().qualifiers:
            return False
        j += 1
    return False


def _where_it_says(term: Term) -> set[str]:
    """The words of the place a label says, after its first linking word ("ischiofemoral",
    "space" of "... of the ischiofemoral space")."""
    norms = [w.norm for w in term.words]
    at = next((k for k, n in enumerate(norms) if n in _PLACE_LINKS and k > 0), len(norms))
    return {n for n in norms[at + 1:] if n not in STOPWORDS and n not in _ARTICLES and n not in word_data().context}


def _says_where(term: Term, nouns: frozenset[str]) -> bool:
    """Whether a label goes on to say where with a linking word and a word that is no setting:
    "... of the ischiofemoral space", not "... of the hip". `nouns`: words.yaml `place_nouns`."""
    norms = [w.norm for w in term.words]
    if not any(n in _PLACE_LINKS for n in norms):
        return False
    data = word_data()
    for at, norm in enumerate(norms):
        if norm in _PLACE_LINKS and at > 0:
            rest = [n for n in norms[at + 1:] if n not in STOPWORDS and n not in _ARTICLES]
            # "Onset in the third trimester of pregnancy" says when, "of the hip" only the setting.
            return (any(n in nouns or n in data.places for n in rest)
                    and not all(n in data.context for n in rest))
    return False


_LOOKED_AT_REACH = 3  # content words after a denial that may say what was not done


def _not_looked_at(tokens: list[Token], cue: int, segment: list[int], covered: frozenset[int]) -> bool:
    """Whether the words after a denial say the thing was not looked at ("not assessed", "did
    not look at", "no need to comment on"), not that it is absent (words.yaml
    `negation.not_looked_at`)."""
    starts = tuple(word_data().cue_lists.get("negation.not_looked_at", ()))
    if not starts:
        return False
    words = 0
    for j in range(cue + 1, len(tokens)):
        if segment[j] != segment[cue] or words >= _LOOKED_AT_REACH:
            break
        norm = tokens[j].norm
        if norm in STOPWORDS or norm in _AUXILIARIES or j in covered:
            continue
        if norm.startswith(starts) or (tokens[j].unstemmed or "").startswith(starts):
            return True
        words += 1
    return False


def _supposed(tokens: list[Token], cue: int, segment: list[int]) -> bool:
    """Whether a denial's cue stands inside a condition ("if it does not resolve", "unless
    there is no improvement"): a supposition, which denies nothing."""
    conditions = cue_words().condition_words
    at = cue - 1
    while at >= 0 and segment[at] == segment[cue] and tokens[at].norm not in _TURNS and cue - at <= _TIME_REACH:
        if tokens[at].norm in conditions:
            return True
        at -= 1
    return False


# Words that name two things at once ("tendinopathy with bursitis"); not "and", which also lists
# the places of one thing ("groin and buttock pain" is said "groin or buttock pain" too).
_JOINERS = frozenset({"with", "plus", "together", "both"})
_WHAT_IT_IS_OF = frozenset({"of", "in", "during"})  # "transient osteoporosis of / in / during pregnancy"
_TIME_REACH = 8  # words a time cue may stand from its mention, in its clause


def _time_cues() -> dict[str, tuple[tuple[str, ...], ...]]:
    """words.yaml `another_time`, each list as the norms its phrases are matched on."""
    data = word_data()
    cached = _TIME_CUES.get(id(data))
    if cached is None:
        cached = {}
        for name in ("past_before", "past_after", "past_linking", "planned_before", "planned_after", "asked_before",
                     "former_before", "former_after", "no_longer_before", "reported_before", "long_ago", "withdrawn_before", "withdrawn_after"):
            phrases = []
            for phrase in data.cue_lists.get(f"another_time.{name}", ()):
                norms = tuple(t.norm for t in tokenize(prepare(phrase)) if t.kind in (WORD, CJK, NUM))
                if norms:
                    phrases.append(norms)
            cached[name] = tuple(sorted(set(phrases), key=len, reverse=True))
        _TIME_CUES.clear()
        _TIME_CUES[id(data)] = cached
    return cached


_TIME_CUES: dict[int, dict[str, tuple[tuple[str, ...], ...]]] = {}


def _another_disease() -> frozenset[str]:
    """words.yaml `another_disease`, as norms."""
    data = word_data()
    cached = _ANOTHER_DISEASE.get(id(data))
    if cached is None:
        cached = frozenset(t.norm for entry in data.cue_lists.get("another_disease", ())
                           for t in tokenize(prepare(entry)) if t.kind == WORD)
        _ANOTHER_DISEASE.clear()
        _ANOTHER_DISEASE[id(data)] = cached
    return cached


_ANOTHER_DISEASE: dict[int, frozenset[str]] = {}


def _infection() -> frozenset[str]:
    """words.yaml `infection`, as norms."""
    data = word_data()
    cached = _INFECTION.get(id(data))
    if cached is None:
        cached = frozenset(t.norm for entry in data.cue_lists.get("infection", ())
                           for t in tokenize(prepare(entry)) if t.kind == WORD)
        _INFECTION.clear()
        _INFECTION[id(data)] = cached
    return cached


_INFECTION: dict[int, frozenset[str]] = {}


def _specialists() -> frozenset[str]:
    """words.yaml `specialists`, as norms."""
    data = word_data()
    cached = _SPECIALISTS.get(id(data))
    if cached is None:
        cached = frozenset(t.norm for entry in data.cue_lists.get("specialists", ())
                           for t in tokenize(prepare(entry)) if t.kind == WORD)
        _SPECIALISTS.clear()
        _SPECIALISTS[id(data)] = cached
    return cached


_SPECIALISTS: dict[int, frozenset[str]] = {}
# The setting of every case: a hip surgeon is this case's.
_THE_HIP = frozenset({"hip"})


def phrases_read() -> dict:
    """The word data's phrases as the index reads them (words.yaml `another_time`, as norms):
    plain data a prepared case keeps, so that its first answer does not tokenize them again
    (their Chinese ones need the tokenizer's full pattern, slow to compile, even for ASCII)."""
    return {"time_cues": _time_cues()}


def use_phrases_read(kept: object) -> None:
    """Take what `phrases_read` gave for the word data in use; TypeError when it is not that shape."""
    cues = kept.get("time_cues") if isinstance(kept, dict) else None
    if not (isinstance(cues, dict) and all(
            isinstance(name, str) and isinstance(phrases, tuple) and all(
                isinstance(phrase, tuple) and all(isinstance(w, str) for w in phrase) for phrase in phrases)
            for name, phrases in cues.items())):
        raise TypeError("the phrases read are not names with tuples of norms")
    _TIME_CUES.clear()
    _TIME_CUES[id(word_data())] = cues


_AGREEING = frozenset({"agree", "agreed", "concur", "concurred"})


def _agreed(tokens: list[Token], last: int, segment: list[int]) -> bool:
    """Whether the learner says, after a mention, that they agree with it ("... and I agree")."""
    j = last + 1
    while j < len(tokens) and segment[j] == segment[last]:
        if tokens[j].norm in _AGREEING:
            return True
        j += 1
    return False


_FORMER_REACH = 2  # words ("keen", "professional") between "former" and what one was


def _said_as_over(tokens: list[Token], first: int, last: int, segment: list[int]) -> str:
    """Whether a state is said as over (words.yaml `another_time`): "no_longer" for any state
    ("used to click"), "former" for what a person was ("former runner", "ex-sprinter", "a
    runner until 10 years ago"), "" when neither."""
    cues = _time_cues()
    norms = [t.norm for t in tokens]
    line = segment[first]
    words = 0
    for at in range(first - 1, -1, -1):
        if segment[at] != line or words > _FORMER_REACH:
            break
        if _phrase_ending_at(norms, at, cues["no_longer_before"]) is not None:
            return "no_longer"
        if _phrase_ending_at(norms, at, cues["former_before"]) is not None:
            return "former"
        if tokens[at].kind == WORD and norms[at] not in _DETERMINERS:
            words += 1
    nxt = last + 1
    if nxt < len(tokens) and segment[nxt] == line and _phrase_starting_at(norms, nxt, cues["former_after"]) is not None:
        return "former"
    return ""


# The first words of a question that asks rather than hedges: "does the hip click?", "should we
# do a hip replacement?" (not "?AVN", "AVN?", which keep a diagnosis in play).
_QUESTION_STARTS = frozenset("do does did is are was were should shall can could would will has have any how what "
                             "why when which who".split())


def _left_open(tokens: list[Token], placement: "_Placement") -> bool:
    """Whether the answer offers the other side of a contrast beside one of the term's own kind
    words, with "or" or "/": "partial or complete avulsion", "acute/chronic avulsion", "tear
    partial or full thickness" leave the kind open ("no partial or complete tear" denies both)."""
    contrasts = word_data().contrasts
    covered = [tokens[i].norm for i in placement.covered]
    first, last = placement.first, placement.last
    if first >= 2 and tokens[first - 1].norm in ("or", "/") and any(
            tokens[first - 2].norm in contrasts.get(w, frozenset()) for w in covered):
        return not (first >= 3 and tokens[first - 3].norm in _OPEN_DENIALS)
    if last + 2 < len(tokens) and tokens[last + 1].norm in ("or", "/") and tokens[last].norm in contrasts \
            and tokens[last + 2].norm in contrasts[tokens[last].norm]:
        return True
    return any(tokens[i].norm in ("or", "/") and i + 1 not in placement.covered and any(
        tokens[i + 1].norm in contrasts.get(w, frozenset()) for w in covered)
        for i in range(first + 1, last) if i not in placement.covered)


_OPEN_DENIALS = frozenset({"no", "not", "without", "neither", "nor"})


def _withdrawn(tokens: list[Token], first: int, last: int) -> bool:
    """Whether the learner says a thought of theirs and takes it back in the same sentence
    (words.yaml `another_time.withdrawn_*`, then "but" or "however"): "I thought the QF was
    edematous, but it is normal", "QF edema initially suspected, but the muscle is normal",
    "first thought AVN, but it is TOH"."""
    cues = _time_cues()
    if not cues["withdrawn_before"] and not cues["withdrawn_after"]:
        return False
    norms = [t.norm for t in tokens]
    turn = next((j for j in range(last + 1, len(tokens)) if tokens[j].kind == HARD or norms[j] in _TAKEN_BACK), None)
    if turn is None or tokens[turn].kind == HARD:
        return False
    at = first - 1
    while at >= 0 and first - at <= _WITHDRAWN_REACH and tokens[at].kind != HARD and norms[at] not in _TURNS:
        if _phrase_ending_at(norms, at, cues["withdrawn_before"]) is not None:
            return True
        at -= 1
    at = last + 1
    while at < turn and at - last <= _WITHDRAWN_REACH:
        if _phrase_starting_at(norms, at, cues["withdrawn_after"]) is not None:
            return True
        at += 1
    return False


_TAKEN_BACK = frozenset({"but", "however"})
_WITHDRAWN_REACH = 4  # words between a thought taken back and what was thought


def _long_ago(tokens: list[Token], first: int, last: int, segment: list[int]) -> bool:
    """Whether the mention's clause puts it years back (words.yaml `another_time.long_ago`):
    "a sprinting injury 10 years ago", "steroids as a child", 十年前衝刺時受傷."""
    phrases = _time_cues()["long_ago"]
    if not phrases:
        return False
    norms = [t.norm for t in tokens]
    line = segment[first]
    scope_ends = cue_words().scope_ends
    at = first - 1
    while at >= 0 and segment[at] == line and first - at <= _TIME_REACH and norms[at] not in scope_ends \
            and norms[at] not in _TURNS:
        if _phrase_ending_at(norms, at, phrases) is not None:
            return True
        at -= 1
    at = last + 1
    while at < len(tokens) and segment[at] == line and at - last <= _TIME_REACH and norms[at] not in scope_ends \
            and norms[at] not in _TURNS:
        if _phrase_starting_at(norms, at, phrases) is not None:
            return True
        at += 1
    return False


# Words of a label that give its own time: an "Earlier self-limiting episode", a "Known long-standing
# ossification", a "Treated renal cell carcinoma" may be said as years ago.
_TIMES_OF_A_LABEL = frozenset(_stem(w) for w in (
    "earlier", "previous", "prior", "past", "recurrence", "recurrent", "known", "long", "standing",
    "history", "treated", "old", "former", "before", "again", "month", "months", "year", "years",
    "chronic", "remote", "childhood", "episode", "ago"))


def _in_questions(tokens: list[Token]) -> frozenset[int]:
    """The tokens of sentences that are questions: a question word first, a question mark last."""
    out: set[int] = set()
    start = 0
    for i, token in enumerate(tokens):
        if token.kind == HARD:
            if token.raw in ("?", "？"):
                words = [k for k in range(start, i) if tokens[k].kind == WORD]
                if words and tokens[words[0]].raw.casefold() in _QUESTION_STARTS:
                    out.update(range(start, i))
            start = i + 1
    return frozenset(out)


def _phrase_ending_at(norms: list[str], at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    for phrase in phrases:
        if at - len(phrase) + 1 >= 0 and tuple(norms[at - len(phrase) + 1 : at + 1]) == phrase:
            return phrase
    return None


def _phrase_starting_at(norms: list[str], at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    for phrase in phrases:
        if tuple(norms[at : at + len(phrase)]) == phrase:
            return phrase
    return None


def _when_said(tokens: list[Token], first: int, last: int, segment: list[int]) -> str:
    """Whether a mention is said of the past ("physio was tried last year", "previous physio"), as
    planned ("planned for a left THA next month") or only asked ("ask about steroid use"); "" when
    none. The cue stands in the mention's clause (a list's commas do not end it), before it within
    a few words or after it past the words that link a plan to its time; a turn ends the reach."""
    cues = _time_cues()
    if not any(cues.values()):
        return ""
    norms = [t.norm for t in tokens]
    line = segment[first]
    scope_ends = cue_words().scope_ends
    words = 0
    for at in range(first - 1, -1, -1):
        if segment[at] != line:
            break
        # "report suggested", "the GP thought": a verb of opinion is a turn of its own.
        if _phrase_ending_at(norms, at, cues["reported_before"]) is not None:
            return "reported"
        if norms[at] in scope_ends or norms[at] in _TURNS:
            break
        for name, when in (("asked_before", "asked"), ("planned_before", "planned"), ("past_before", "past")):
            phrase = _phrase_ending_at(norms, at, cues[name])
            # "prior to surgery" is a later step, not a surgery before now.
            if phrase is not None and not (when == "past" and at + 1 < len(norms) and norms[at + 1] == "to"):
                return when
        if tokens[at].kind in (WORD, CJK) and norms[at] not in STOPWORDS:
            words += 1
            if words > _TIME_REACH:
                break
    linking = {p[0] for p in cues["past_linking"] if len(p) == 1}
    j, words = last + 1, 0
    while j < len(tokens) and segment[j] == line and words <= _TIME_REACH:
        if (norms[j] in scope_ends or norms[j] in _TURNS) and norms[j] not in linking:
            break  # "given" of "were given last time" is no turn ("unlikely given the normal IFS")
        if _phrase_starting_at(norms, j, cues["past_after"]) is not None:
            return "past"
        if _phrase_starting_at(norms, j, cues["planned_after"]) is not None:
            return "planned"
        token = tokens[j]
        if not (norms[j] in STOPWORDS or norms[j] in linking or norms[j] in cue_words().linking
                or token.kind == NUM or token.raw in ("(", ")")):
            break
        words += 1
        j += 1
    return ""


_JOINED_WORD = 4  # letters of the first word when two are typed as one ("hamstravulsion")


def _same_thing(a: str, b: str) -> bool:
    """The same head, or one typed together with the word before it: "avulsion", "hamstravulsion"
    (but "woman" is no "man")."""
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer.endswith(shorter) and len(longer) - len(shorter) >= _JOINED_WORD


def _joined_to(tokens: list[Token], i: int, own: frozenset[str]) -> bool:
    """Whether the word at i is joined by "and" / "or" to a word of `own` ("lateral and posterior")."""
    for a, b in ((i - 2, i - 1), (i + 2, i + 1)):
        if 0 <= a < len(tokens) and tokens[b].norm in ("and", "or", "/") and tokens[a].norm in own:
            return True
    return False


def _head(term: Term) -> int | None:
    """Where the thing a term names stands: its last word before an "of ..." ("avulsion" of
    "Old apophyseal avulsion", "fracture" of "Avulsion fracture of the ischium")."""
    norms = [w.norm for w in term.words]
    end = norms.index("of") if "of" in norms else len(norms)
    before = [i for i in term.required if i < end]
    return before[-1] if before else None


_SAME_PLACE_PREFIX = 5  # "ischium" and "ischial", "pelvis" and "pelvic", "tibia" and "tibial"
# Words in a label that rule out what follows them: "RCC without recurrence", "pain at rest, not
# on walking". A label that starts with one is an absence concept, read otherwise (terms.py).
_RULES_OUT = frozenset({"without", "no", "not", "never"})
_TURNS = frozenset({"but", "however", "although", "though", "whereas", "while", "yet"})
_RULED_OUT_ENDS = frozenset({"but", "with", "yet", "although", "though", "is", "are", "was", "were"})


def _names_a_person(term: Term) -> bool:
    """Whether a label's head names a person by what they do: "Regular runner", "Sprinter or
    dancer" (not an abbreviation: "Positive FABER")."""
    head = _head(term)
    if head is None:
        return False
    raw = term.words[head].raw
    return raw.isalpha() and len(raw) >= 5 and not raw.isupper() and raw.casefold().endswith(_PERSON_ENDINGS)


def _excluded_by(term: Term) -> frozenset[str] | None:
    """The words a label's "without ..." rules out; None when it rules nothing out (an absence
    concept's own cue comes first and is read otherwise)."""
    norms = [w.norm for w in term.words]
    for at in range(1, len(norms)):
        if norms[at] in _RULES_OUT:
            out = set()
            for k in range(at + 1, len(norms)):
                if norms[k] in _RULED_OUT_ENDS:
                    break
                if not term.words[k].optional and norms[k] not in _RULES_OUT and norms[k] not in norms[:at]:
                    out.add(norms[k])
            return frozenset(out)
    return None


def _same_word(a: str, b: str) -> bool:
    """The same word, stemmed, or another ending of it: "recurrence", "recurrent", "recur"."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    common = 0
    while common < shorter and a[common] == b[common]:
        common += 1
    return common >= max(_SAME_PLACE_PREFIX, shorter - 2)


_OTHER_ENDING = 3  # letters past a shared start that are only another ending: ischi-um, ischi-al


def _one_of(word: str, own: frozenset[str]) -> bool:
    """Whether a word is one the concept names itself, as noun or adjective ("ischium",
    "ischial"); not a longer word that starts the same ("ischial" is not "ischiofemoral")."""
    return word in own or any(
        len(word) >= _SAME_PLACE_PREFIX <= len(o) and word[:_SAME_PLACE_PREFIX] == o[:_SAME_PLACE_PREFIX]
        and max(len(word), len(o)) - _common_start(word, o) <= _OTHER_ENDING
        for o in own)


def _common_start(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _says_alone(term: Term) -> bool:
    """Whether a term says its thing is all there is ("Conservative treatment only"): a word
    read as its class never says that (words.yaml `composites.alone`)."""
    alone = frozenset(cue_list("composites.alone"))
    return any(w.norm in alone for w in term.words)


def _glued_slashes(tokens: list[Token]) -> frozenset[int]:
    """Slashes typed between two words without a space ("flex/IR", not "IFI / DGS")."""
    return frozenset(i for i in range(1, len(tokens) - 1) if tokens[i].kind == LIST and tokens[i].norm == "/"
                     and tokens[i - 1].kind == WORD and tokens[i + 1].kind == WORD
                     and tokens[i - 1].end == tokens[i].start and tokens[i].end == tokens[i + 1].start)


def _whole_items_after(tokens: list[Token], p: _Placement, joints: frozenset[int]) -> bool:
    """Whether every list item a placement reaches into after a joint is all its own words.

    "pain on extension, adduction" reaches into the item "adduction" whole; in "QF edema,
    hamstring tendinopathy and bursitis", "edema ... hamstring" takes half an item, so it is not
    a hamstring edema. An absence of a list may have a word of the answer's own before an item's
    last word: "no osteoarthritis, fracture or focal bone lesion" says the three are absent.
    """
    for joint in joints:
        if not p.first < joint < p.last:
            continue
        j = joint + 1
        loose = 0  # words of the answer's own before the item's end
        while j < len(tokens) and j not in joints and not tokens[j].is_separator:
            if j not in p.covered and tokens[j].norm not in STOPWORDS:
                if not p.term.denial_core:
                    return False
                if j > p.last:
                    # "... or bone lesion on plain films", "... or bone lesion seen": said of the list
                    after = tokens[p.last + 1].norm
                    if after in STOPWORDS or after in cue_words().linking or after in cue_words().deny_after:
                        break
                    return False
                loose += 1
            elif j in p.covered:
                loose = 0
            j += 1
        if loose:
            return False
    return True


# Before a one-word name, these make it the place of something else: "injection into the
# piriformis", "the nerve runs through the piriformis"; these only after a noun that names
# another thing (words.yaml makes_a_modifier): "edema in the piriformis", "release of the piriformis".
_INTO = frozenset({"into", "within", "through", "around", "beneath", "behind", "under", "near", "inside"})
_OF = frozenset({"of", "in", "at", "on", "to"})


# Endings of the names of diseases and processes: "septic bursitis", "piriformis tendinopathy".
_ENTITY_ENDINGS = ("itis", "osis", "oma", "pathy", "algia", "trophy", "plasia", "ectomy", "otomy", "plasty")


# ... of diseases alone, not of operations: "NSAIDs for his gastritis" is for another disease.
_DISEASE_ENDINGS = ("itis", "osis", "oma", "pathy", "algia")


def _names_another_thing(token: Token, term: Term) -> bool:
    """Whether the word after a one-word name makes that name a modifier of another thing."""
    if token.kind != WORD or any(token.norm == w.norm for w in term.words):
        return False
    data = word_data()
    if token.norm in data.makes_a_modifier:
        return True
    if token.norm in data.other_regions:
        return True  # a region away: "both knees" is no "both", "septic knee" no septic hip
    typed = token.unstemmed or token.norm
    return len(typed) >= 6 and typed.endswith(_ENTITY_ENDINGS)


def _the_place_of_another_thing(tokens: list[Token], first: int) -> bool:
    at = first - 1
    while at >= 0 and tokens[at].norm in _ARTICLES:
        at -= 1
    if at < 0 or tokens[at].is_separator:
        return False
    if tokens[at].norm in _INTO:
        return True
    return (tokens[at].norm in _OF and at > 0 and not tokens[at - 1].is_separator
            and tokens[at - 1].norm in word_data().makes_a_modifier)


def _said_last_in_chinese(term: Term, chosen: list[_Hit]) -> bool:
    """Chinese puts "narrow", "normal" after what they describe: 間隙狹窄 is the narrow space."""
    required = term.required
    if len(chosen) < 2 or term.words[required[0]].norm not in word_data().said_last_in_chinese:
        return False
    rotated = chosen[1:] + chosen[:1]
    return all(_before(a, b) for a, b in zip(rotated, rotated[1:]))


_CHINESE_WHEN = frozenset({"時", "时", "when", "while"})
_TIME_LINKS = frozenset({"when", "while", "during", "whilst"})


def _when_said_first_in_chinese(term: Term, chosen: list[_Hit], tokens: list[Token]) -> bool:
    """Chinese says when before what: "衝刺時突然疼痛" (sprinting-when, sudden pain) is the
    "Sudden onset while sprinting". The words after the term's "while" / "when" / "during" may
    come first, then 時, then the words before it, each part in its own order."""
    link = next((i for i, w in enumerate(term.words) if w.norm in _TIME_LINKS), None)
    if link is None:
        return False
    required = term.required
    before = [h for i, h in zip(required, chosen) if i < link]
    after = [h for i, h in zip(required, chosen) if i > link]
    if not before or not after:
        return False
    if not (all(_before(a, b) for a, b in zip(before, before[1:])) and all(_before(a, b) for a, b in zip(after, after[1:]))):
        return False
    end, start = max(h.last for h in after), min(h.first for h in before)
    return end < start and any(tokens[i].norm in _CHINESE_WHEN for i in range(end + 1, start))


# English links a head to what it is of or when it happens ("pain on sitting", "edema of the
# quadratus femoris", "tingling of the overlying skin"); Chinese says that first, with no link
# (久坐痛, 股方肌水腫, 表面皮膚麻刺感). Not "from", "to" or "by": those say a direction.
_HEAD_LINKS = frozenset({"of", "on", "with", "at", "in", "when", "while", "during", "after", "upon"})
_CHINESE_LINKING = frozenset({"時", "时", "的", "will", "can", "also"})  # 時, 的, 會 (will), 也 (also)


def _is_chinese_link(token: Token) -> bool:
    """時 (when), 的 (of), 會 (will), 也 (also) typed in Chinese: they add nothing between words."""
    return token.norm in _CHINESE_LINKING and not token.raw.isascii()


def _modifier_said_first_in_chinese(term: Term, chosen: list[_Hit], tokens: list[Token]) -> bool:
    """Chinese says what a head is of, or when it comes, before the head: 負重更痛 is the
    "Pain worse on weight bearing". The words after the term's link come first, right before
    the words ahead of it (only linking words or a denial between, no comma), each part in its
    own order."""
    required = term.required
    for link, word in enumerate(term.words):
        if word.norm not in _HEAD_LINKS or not required or not required[0] < link < required[-1]:
            continue
        before = [h for i, h in zip(required, chosen) if i < link]
        after = [h for i, h in zip(required, chosen) if i > link]
        if not (all(_before(a, b) for a, b in zip(before, before[1:]))
                and all(_before(a, b) for a, b in zip(after, after[1:]))):
            continue
        end, start = max(h.last for h in after), min(h.first for h in before)
        deny = denial_cues_before()  # 久坐不痛: sitting, not painful, denies the pain on sitting
        if end < start and all(not tokens[i].is_separator and (tokens[i].norm in STOPWORDS or tokens[i].norm in deny
                                                              or _is_chinese_link(tokens[i]))
                               for i in range(end + 1, start)):
            return True
    return False


def _structure_said_first_in_chinese(term: Term, chosen: list[_Hit]) -> bool:
    """Chinese names the structure before what is said of it: 膕旁肌舊傷 (hamstring, old injury)
    is the "Old hamstring injury", 半膜肌部分撕裂 the "Partial semimembranosus tear". The term's
    words in order, but for its run of structure words (words.yaml `places`), said first."""
    places = word_data().places
    required = term.required
    is_place = [_stem(term.words[i].norm) in places for i in required]
    for start in range(1, len(chosen)):
        if not is_place[start] or is_place[start - 1]:
            continue
        end = start
        while end < len(chosen) and is_place[end]:
            end += 1
        moved = chosen[start:end] + chosen[:start] + chosen[end:]
        if all(_before(a, b) for a, b in zip(moved, moved[1:])):
            return True
    return False


def _word_groups(tokens: list[Token]) -> dict[int, frozenset[int]]:
    """Positions of words that one typed word stands for ("QFS": quadratus femoris space)."""
    groups: dict[int, frozenset[int]] = {}
    i = 0
    while i < len(tokens):
        j = i + 1
        while j < len(tokens) and tokens[j].start == tokens[i].start and tokens[j].end == tokens[i].end:
            j += 1
        if j - i > 1 and tokens[i].kind in (WORD, CJK):
            group = frozenset(range(i, j))
            for k in group:
                groups[k] = group
        i = j
    return groups


def _drop_patchworks(kept: list[_Placement]) -> list[_Placement]:
    """A reordered placement made only of words that two mentions of other concepts use is neither.

    In "narrowed ischiofemoral space w/ QF edema", "narrowed ... space ... QF" is not a narrow
    quadratus femoris space: its words belong to the IFS and to the QF edema.
    """
    out: list[_Placement] = []
    for p in sorted(kept, key=lambda p: (not p.in_order, -p.score, -len(p.covered), p.first)):
        others = [q for q in out if q.term.concept != p.term.concept and q.covered & p.covered
                  and not q.covered <= p.covered]
        union: set[int] = set()
        for q in others:
            union |= q.covered
        if not p.in_order and len(others) >= 2 and p.covered <= union:
            continue
        out.append(p)
    return out


def _shares_a_name(hit: _Hit, chosen: list[_Hit | None]) -> bool:
    """Whether a hit may take words already taken: another word of the same class's name
    ("crutches" gives reduced, weight and bearing), or a phrase's own word beside the class it
    names ("late pregnancy" is the third trimester and still a pregnancy)."""
    taken = [h for h in chosen if h is not None and h.first <= hit.last and hit.first <= h.last]
    if hit.alias:
        return all((h.alias and (h.first, h.last) == (hit.first, hit.last) and h.part != hit.part)
                   or (not h.alias and hit.last > hit.first) for h in taken)
    return all(h.alias and h.last > h.first for h in taken)


def _names_whole(chosen: list[_Hit]) -> bool:
    """A class's name of several words is credited whole or not at all."""
    parts: dict[tuple[int, int], set[int]] = {}
    for hit in chosen:
        if hit.alias and hit.part[1] > 1:
            parts.setdefault((hit.first, hit.last), set()).add(hit.part[0])
    return all(len(got) == next(h.part[1] for h in chosen if h.alias and (h.first, h.last) == span)
               for span, got in parts.items())


def _before(a: _Hit, b: _Hit) -> bool:
    """Whether hit a comes before hit b; the words of one class's name are said together."""
    return a.first < b.first or (a.alias and b.alias and (a.first, a.last) == (b.first, b.last))


def _keep_outermost(placements: list[_Placement]) -> tuple[list[_Placement], list[tuple[_Placement, _Placement]]]:
    """One placement per spot: the best for a concept, and none swallowed by another concept's.

    Returns the kept placements and the swallowed ones with the placement that swallowed them.
    """
    # Over the same words a concept's own term goes before a class reading: where the author
    # made "crutches" a walking aid, it is not reduced weight bearing as well.
    placements.sort(key=lambda p: (-len(p.covered), p.via_alias, -p.score, p.first))
    kept: list[_Placement] = []
    shadowed: dict[str, tuple[_Placement, _Placement]] = {}
    for p in placements:
        outer = None
        for q in kept:
            if q.term.measure is not None and q.term.concept != p.term.concept:
                continue  # "retraction 5 cm" states the retraction and its size
            same = q.term.concept == p.term.concept
            # A word read as its class gives way to the concept it names itself: "sarcoma" is
            # the sarcoma, and a neoplasm only where no concept is the sarcoma.
            named_itself = p.via_alias and not q.via_alias and p.covered <= q.covered
            if (same and p.covered & q.covered) or named_itself or (
                    p.covered <= q.covered and len(q.covered) > len(p.covered)):
                outer = q
                break
        if outer is None:
            kept.append(p)
        elif outer.term.concept != p.term.concept and p.term.concept not in shadowed:
            shadowed[p.term.concept] = (p, outer)
    return kept, list(shadowed.values())


def _further(p: _Placement, tokens: list[Token]) -> list[_Placement]:
    """A placement for each further number of one measured thing ("IFS 21 mm R and 13 mm L"):
    the numbers only, so that each is judged (and may be denied) on its own."""
    assert p.term.measure is not None
    return [_Placement(p.term, r.first, r.last, frozenset(range(r.first, r.last + 1)), p.score - 1,
                       None, r.contradicts, p.in_order, p.via_alias)
            for r in further_readings(p.term.measure, tokens, p.last)]


def _measured(p: _Placement, tokens: list[Token], segment: list[int]) -> _Placement | None:
    """The placement of a measured thing, extended over its number; None when no number goes with it."""
    reading = read_after(p.term.measure, tokens, segment, p.last)
    if reading is None:
        reading = read_before(p.term.measure, tokens, segment, p.first)  # "9 mm IFS"
    if reading is None:
        return None
    covered = p.covered | frozenset(range(reading.first, reading.last + 1))
    return _Placement(p.term, min(p.first, reading.first), max(p.last, reading.last), covered, p.score,
                      p.inner_cue, reading.contradicts, p.in_order, p.via_alias)
