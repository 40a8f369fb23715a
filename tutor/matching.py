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
Negation is decided per mention by `negation_of`, from cue words before or
after it within its clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tutor.model import Concept, Measure
from tutor.tokens import (
    CJK,
    COMMA,
    CONSIDER_MARK,
    HARD,
    LIST,
    NEG_MARK,
    NUM,
    WORD,
    Token,
    prepare,
    tokenize,
)

MAX_ANSWER_CHARS = 4000  # an answer is read up to here; the rest is reported as cut

STOPWORDS = frozenset(
    "a an the of in at on to with and or for from by as is are was were be been being "
    "its it this that these those there which very some any also of".split()
) | frozenset({"of", "and", "or"})
# Cues that deny what follows them ("no", "without") or what precedes them ("absent").
NEG_BEFORE = frozenset(
    {"no", "not", "without", "deny", "denie", "deni", "denying", "never", "neither", "non",
     "none", "negative", "absent", "unlikely", NEG_MARK}
)
NEG_AFTER = frozenset({"absent", "deni", "denie", "negative", "unlikely", "none", NEG_MARK})
# Words that may stand between a mention and a cue after it: "trauma is denied".
_LINKING = frozenset(
    {"is", "are", "was", "were", "be", "been", "has", "have", "had", "also", "clearly", "do", "doe",
     "did",
     "definitely", "entirely", "completely", "probably", "likely", "seem", "seen", "felt",
     "test", "sign", "maneuver", "finding", "feature"}
)
# Words that end the reach of a cue before them: "no trauma but long-stride pain".
_SCOPE_ENDS = frozenset(
    {"but", "however", "although", "though", "yet", "except", "whereas", "while", "which",
     "who", "apart", "aside", "besides", "instead", "rather", "likely", "probably", "possibly",
     "favor", "favored", "suggest", "suggestive", "consistent", "compatible", "represent",
     "more", "most", "then", "so", "because", "since", "due", "show", "reveal", "demonstrate",
     "report", "complain", "present", "worse", "better", "aggravat", "reliev", "positive",
     "consider", "think", "suspect", "favour", CONSIDER_MARK}
)
# "no A or B" denies both; "no A and B" is read as denying A only, the way
# learners write "no trauma and pain on long strides".
_CONNECTORS = frozenset({"or", "nor", "/"})
_SCOPE_REACH = 5.0  # content words a cue before a mention reaches across
# Short words that are also abbreviations compare case-sensitively ("US" is not "us").
_COMMON_SHORT_WORDS = STOPWORDS | frozenset(
    "am do go he if me my no so up us we all can has may not one our out per who any pet hip "
    "met arm leg ad".split()
)
# Prefixes whose swap flips the meaning; a one-letter typo must not bridge them.
_OPPOSITE_PREFIXES = (
    ("hyper", "hypo"), ("intra", "extra"), ("inter", "intra"), ("supra", "infra"),
    ("sub", "supra"), ("pre", "post"), ("ante", "retro"), ("endo", "exo"), ("add", "abd"),
    ("hetero", "homo"), ("mono", "poly"), ("uni", "bi"), ("in", "ex"),
)
# Endings that name different processes: tendinitis is not tendinosis.
_OPPOSITE_SUFFIXES = (("itis", "osis"), ("ectomy", "otomy"), ("osis", "oma"), ("itis", "oma"),
                      ("trophy", "plasia"), ("penia", "sis"))


@dataclass(frozen=True, slots=True)
class TermWord:
    norm: str
    raw: str
    optional: bool  # a stopword: may be absent from the answer
    case_sensitive: bool
    unstemmed: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    concept: str
    text: str  # as the author wrote it
    words: tuple[TermWord, ...]
    denial_core: bool  # the core of an absence concept: it is asserted when this is denied
    ordered: bool  # Chinese terms match in order, character by character
    measure: Measure | None = None  # names what is measured; a number must follow

    @property
    def required(self) -> tuple[int, ...]:
        return tuple(i for i, w in enumerate(self.words) if not w.optional)


@dataclass(frozen=True)
class Mention:
    concept: str
    negated: bool
    start: int  # character offsets into the answer as read (see Analysis.text)
    end: int
    evidence: str
    term: str
    score: float
    covered: frozenset[int] = field(default=frozenset(), repr=False, compare=False)


@dataclass(frozen=True)
class Analysis:
    text: str  # the answer as read: printable, NFKC-folded, cut at MAX_ANSWER_CHARS
    mentions: tuple[Mention, ...]
    truncated: bool
    # Mentions that gave way to a longer one of another concept, with that concept's id:
    # "hamstring tendon" inside "hamstring tendon tear". A grader may revive one when
    # the longer concept means nothing in the question at hand.
    shadowed: tuple[tuple[Mention, str], ...] = ()

    def asserted(self) -> set[str]:
        return {m.concept for m in self.mentions if not m.negated}

    def denied_only(self) -> set[str]:
        return {m.concept for m in self.mentions if m.negated} - self.asserted()


@dataclass(frozen=True, slots=True)
class _Hit:
    first: int
    last: int
    similarity: float


@dataclass(frozen=True, slots=True)
class _Placement:
    term: Term
    first: int
    last: int
    covered: frozenset[int]
    score: float
    inner_cue: int | None = None  # "QF not edematous": a denial between the term's words
    contradicts: bool = False  # a measurement on the wrong side of the threshold


def allowed_edits(word: str) -> int:
    """How many typing slips a word of this length may carry and still count."""
    n = len(word)
    if n <= 4:
        return 0
    if n <= 8:
        return 1
    return 2


def is_absence_concept(concept: Concept) -> bool:
    words = [t.norm for t in tokenize(prepare(concept.label)) if t.kind not in (COMMA, HARD)]
    return bool(words) and words[0] in NEG_BEFORE


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
    return True


class ConceptIndex:
    """Every term of every concept, arranged so that one answer is cheap to read."""

    def __init__(self, concepts: Iterable[Concept]):
        self.terms: list[Term] = []
        for concept in concepts:
            self.terms.extend(_terms_of(concept))
        self.terms.extend(_inherited_denials(self.terms))
        self._by_word: dict[str, list[tuple[int, int]]] = {}
        for t_index, term in enumerate(self.terms):
            for w_index, word in enumerate(term.words):
                if not word.optional:
                    self._by_word.setdefault(word.norm, []).append((t_index, w_index))
        # Typos are looked up among term words as stemmed and as written, so
        # "stretchign" finds "stretching" (and so "stretch").
        spelled: dict[str, str] = {}
        for term in self.terms:
            for word in term.words:
                if not word.optional:
                    for form in (word.norm, word.unstemmed or word.norm):
                        if form.isascii() and form.isalpha() and len(form) >= 4:
                            spelled.setdefault(form, word.norm)
        self._spelled_as = spelled
        self._fuzzy_vocabulary = sorted(spelled)
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
        if len(word) >= 4 and word.isascii() and word.isalpha():
            for spelled, distance, _ in process.extract(
                word, self._fuzzy_vocabulary, scorer=OSA.distance, score_cutoff=3, limit=None
            ):
                if distance and _close_enough(word, spelled, int(distance)):
                    similarity = 100.0 * (1 - distance / max(len(word), len(spelled)))
                    found.append((self._spelled_as[spelled], similarity))
        result = tuple(found)
        if len(self._similar_cache) > 50_000:
            self._similar_cache.clear()
        self._similar_cache[word] = result
        return result

    def _hits(self, tokens: list[Token], segment: list[int]) -> dict[str, list[_Hit]]:
        hits: dict[str, list[_Hit]] = {}
        for i, token in enumerate(tokens):
            if token.kind not in (WORD, NUM, CJK):
                continue
            similar = self._similar_words(token.norm)
            if token.unstemmed and token.unstemmed != token.norm:
                # "bursits" loses its s to the stemmer; its typed form is still close to "bursitis".
                similar += self._similar_words(token.unstemmed)
            for known, similarity in similar:
                hits.setdefault(known, []).append(_Hit(i, i, similarity))
            # "ischio femoral" typed apart still names "ischiofemoral".
            nxt = i + 1
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
               hits: dict[str, list[_Hit]]) -> list[_Placement]:
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
            return self._place_in_sequence(term, tokens, options)
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
                    if segment[hit.first] != segment[start.first] or used & set(range(hit.first, hit.last + 1)):
                        continue
                    if term.ordered:
                        if (k < anchor and hit.first >= start.first) or (k > anchor and hit.first <= start.first):
                            continue
                    key = (abs(hit.first - start.first), -hit.similarity)
                    if best is None or key < best[0]:
                        best = (key, hit)
                if best is None:
                    break
                chosen[k] = best[1]
                used |= set(range(best[1].first, best[1].last + 1))
            else:
                placement = self._judge(term, tokens, chosen, used)  # type: ignore[arg-type]
                if placement is not None:
                    placements.append(placement)
        return placements

    def _place_in_sequence(self, term: Term, tokens: list[Token], options: list[list[_Hit]]) -> list[_Placement]:
        """Chinese terms: the characters in order, side by side (stopwords such as 的 between)."""
        at = [{h.first: h for h in found} for found in options]
        placements = []
        for start in options[0]:
            chosen, position = [start], start.last
            for k in range(1, len(options)):
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
                placement = self._judge(term, tokens, chosen, covered)
                if placement is not None:
                    placements.append(placement)
        return placements

    @staticmethod
    def _judge(term: Term, tokens: list[Token], chosen: list[_Hit], covered: set[int]) -> _Placement | None:
        first = min(h.first for h in chosen)
        last = max(h.last for h in chosen)
        extras = 0
        inner_cue = None
        for i in range(first, last + 1):
            if i in covered:
                continue
            norm = tokens[i].norm
            if norm == CONSIDER_MARK or (norm in NEG_BEFORE and inner_cue is not None):
                return None
            if norm in NEG_BEFORE:
                inner_cue = i  # "quadratus femoris not edematous" denies the edema
            elif norm not in STOPWORDS:
                extras += 1
        words = len(chosen)
        allowance = 0 if term.ordered or words == 1 else (1 if words <= 3 else 2)
        if extras > allowance or (last - first + 1) > words + allowance + 3:
            return None
        in_order = all(a.first < b.first for a, b in zip(chosen, chosen[1:]))
        if term.ordered and not in_order:
            return None
        score = sum(h.similarity for h in chosen) / words - 4 * extras - (0 if in_order else 5)
        return _Placement(term, first, last, frozenset(covered), score, inner_cue)

    # -- answers -----------------------------------------------------------

    def find(self, text: str) -> Analysis:
        prepared = prepare(text)
        truncated = len(prepared) > MAX_ANSWER_CHARS
        if truncated:
            prepared = prepared[:MAX_ANSWER_CHARS]
        tokens = tokenize(prepared)
        segment: list[int] = []
        current = 0
        for token in tokens:
            if token.is_separator:
                current += 1
            segment.append(current)
        hits = self._hits(tokens, segment)
        candidates: set[int] = set()
        for known in hits:
            candidates.update(t for t, _ in self._by_word.get(known, ()))
        placements: list[_Placement] = []
        for t_index in sorted(candidates):
            term = self.terms[t_index]
            for placement in self._place(term, tokens, segment, hits):
                if term.measure is not None:
                    placement = _with_measurement(placement, tokens, segment)
                if placement is not None:
                    placements.append(placement)
        kept, shadowed = _keep_outermost(placements)
        covered_all = [p.covered for p in kept]
        list_commas = _list_commas(tokens, covered_all)

        def mention(p: _Placement) -> Mention | None:
            if p.inner_cue is not None:
                denied, cue = True, p.inner_cue
            else:
                denied, cue = negation_of(tokens, p.first, p.last, covered_all, list_commas)
            if p.term.denial_core and not denied:
                return None  # "trauma" says nothing about "no trauma"
            first = min(p.first, cue) if cue is not None else p.first
            last = max(p.last, cue) if cue is not None else p.last
            start, end = tokens[first].start, tokens[last].end
            negated = False if p.term.denial_core else (denied != p.contradicts)
            return Mention(p.term.concept, negated, start, end, prepared[start:end], p.term.text,
                           round(max(0.0, p.score), 1), p.covered)

        mentions = [m for m in map(mention, kept) if m is not None]
        mentions.sort(key=lambda m: (m.start, m.concept))
        hidden = [(m, outer) for m, outer in ((mention(p), o) for p, o in shadowed) if m is not None]
        return Analysis(prepared, tuple(mentions), truncated, tuple(hidden))


def _keep_outermost(placements: list[_Placement]) -> tuple[list[_Placement], list[tuple[_Placement, str]]]:
    """One placement per spot: the best for a concept, and none swallowed by another concept's.

    Returns the kept placements and the swallowed ones with the concept that swallowed them.
    """
    placements.sort(key=lambda p: (-len(p.covered), -p.score, p.first))
    kept: list[_Placement] = []
    shadowed: dict[str, tuple[_Placement, str]] = {}
    for p in placements:
        outer = None
        for q in kept:
            if q.term.measure is not None and q.term.concept != p.term.concept:
                continue  # "retraction 5 cm" states the retraction and its size
            same = q.term.concept == p.term.concept
            if (same and p.covered & q.covered) or (p.covered <= q.covered and len(q.covered) > len(p.covered)):
                outer = q
                break
        if outer is None:
            kept.append(p)
        elif outer.term.concept != p.term.concept and p.term.concept not in shadowed:
            shadowed[p.term.concept] = (p, outer.term.concept)
    return kept, list(shadowed.values())


def _list_commas(tokens: list[Token], mentions: list[frozenset[int]]) -> frozenset[int]:
    """Commas that separate items of an "A, B or C" list, which a denial reaches across."""
    found = set()
    for c, token in enumerate(tokens):
        if token.kind != COMMA or token.raw != ",":
            continue
        j, has_connector, only_items = c + 1, False, True
        while j < len(tokens) and not tokens[j].is_separator:
            norm = tokens[j].norm
            if norm in ("or", "nor"):
                has_connector = True
            elif norm not in STOPWORDS and not any(j in m for m in mentions):
                only_items = False
                break
            j += 1
        if has_connector and only_items:
            found.add(c)
    return frozenset(found)


def negation_of(tokens: list[Token], first: int, last: int, mentions: list[frozenset[int]],
                list_commas: frozenset[int] = frozenset()) -> tuple[bool, int | None]:
    """Whether the words first..last are denied, and where the cue stands."""
    reach = 0.0
    # A cue reaches across another mention only through a list: "no trauma or fever",
    # "沒有IFI、PHT"; in "無外傷long stride痛" the denial ends with 外傷.
    joined = False
    for i in range(first - 1, -1, -1):
        token = tokens[i]
        if i in list_commas:
            joined = True
            continue
        if token.kind in (HARD, COMMA) or token.norm in _SCOPE_ENDS or token.norm == "and":
            break
        if token.norm in NEG_BEFORE:
            return True, i
        if token.kind == LIST or token.norm in _CONNECTORS:
            joined = True
            continue
        if any(i in c for c in mentions) and i not in range(first, last + 1):
            if not joined:
                break
            if i - 1 < 0 or not any(i - 1 in c for c in mentions):
                joined = False
            continue
        if token.norm in STOPWORDS:
            continue
        reach += 0.4 if token.kind == CJK else 1.0
        if reach > _SCOPE_REACH:
            break
    i = last + 1
    while i < len(tokens) and tokens[i].kind in (WORD, CJK) and (
        tokens[i].norm in _LINKING or tokens[i].norm in STOPWORDS
    ):
        i += 1
    if i < len(tokens):
        token = tokens[i]
        if token.norm in NEG_AFTER:
            return True, i
        if token.norm in ("not", "no"):
            j = i + 1
            while j < len(tokens) and tokens[j].norm in STOPWORDS:
                j += 1
            if j >= len(tokens) or tokens[j].kind in (HARD, COMMA, LIST) or not any(j in c for c in mentions):
                return True, i
    return False, None


_UNITS = {"mm": "mm", "millimet": "mm", "millimeter": "mm", "cm": "cm", "centimet": "cm",
          "centimeter": "cm", "毫米": "mm", "公釐": "mm", "公分": "cm", "厘米": "cm"}
_TO_MM = {"mm": 1.0, "cm": 10.0}


def _with_measurement(p: _Placement, tokens: list[Token], segment: list[int]) -> _Placement | None:
    """A measured thing and the number after it ("IFS 7 mm", "retracted 5 cm"), judged."""
    measure = p.term.measure
    i, skipped = p.last + 1, 0
    while i < len(tokens) and segment[i] == segment[p.last] and tokens[i].kind != NUM and skipped < 3:
        if tokens[i].norm in ("lt", "gt"):
            break
        i, skipped = i + 1, skipped + 1
    comparator = None
    if i < len(tokens) and tokens[i].norm in ("lt", "gt"):
        comparator, i = tokens[i].norm, i + 1
    if i >= len(tokens) or tokens[i].kind != NUM or segment[i] != segment[p.last]:
        return None
    try:
        value = float(tokens[i].norm)
    except ValueError:
        return None
    last, unit = i, measure.unit
    if i + 1 < len(tokens):
        one = tokens[i + 1].norm
        two = one + tokens[i + 2].norm if i + 2 < len(tokens) else ""
        if one in _UNITS:
            last, unit = i + 1, _UNITS[one]
        elif two in _UNITS:
            last, unit = i + 2, _UNITS[two]
    value = value * _TO_MM.get(unit, 1.0) / _TO_MM.get(measure.unit, 1.0)
    below, above = measure.below, measure.above
    number = i - (1 if comparator else 0)
    if comparator is None:
        holds = (below is None or value < below) and (above is None or value > above)
        contradicts = not holds
    elif comparator == "lt":
        holds = below is not None and value <= below and above is None
        contradicts = above is not None and value <= above
    else:
        holds = above is not None and value >= above and below is None
        contradicts = below is not None and value >= below
    if not holds and not contradicts:
        return None  # "IFS under 20 mm" says neither
    covered = p.covered | frozenset(range(number, last + 1))
    return _Placement(p.term, p.first, last, covered, p.score, p.inner_cue, contradicts)


def _inherited_denials(terms: list[Term]) -> list[Term]:
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


def _terms_of(concept: Concept) -> list[Term]:
    absence = is_absence_concept(concept)
    terms: list[Term] = []
    if concept.measure is not None:
        for text in concept.measure.of:
            words = [_term_word(t) for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK)]
            if words:
                ordered = any(not w.norm.isascii() for w in words)
                terms.append(Term(concept.id, text, tuple(words), False, ordered, concept.measure))
    seen: set[tuple[str, ...]] = set()
    for text in (concept.label, *concept.synonyms):
        for words, denial_core in _term_variants(text, absence):
            key = tuple(w.norm for w in words) + (("-core",) if denial_core else ())
            if words and key not in seen:
                seen.add(key)
                ordered = any(not w.norm.isascii() for w in words)
                terms.append(Term(concept.id, text, tuple(words), denial_core, ordered))
    return terms


def _term_variants(text: str, absence: bool) -> list[tuple[list[TermWord], bool]]:
    tokens = [t for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK)]
    words = [_term_word(t) for t in tokens]
    variants: list[tuple[list[TermWord], bool]] = []
    if absence and words and words[0].norm in NEG_BEFORE:
        core = words[1:]
        while core and core[0].norm in NEG_BEFORE | STOPWORDS:
            core = core[1:]
        if core:
            variants.append((core, True))
    else:
        variants.append((words, False))
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


def _term_word(token: Token) -> TermWord:
    raw = token.raw
    case_sensitive = (
        raw.isascii() and raw.isalpha() and raw.isupper() and len(raw) <= 4
        and token.norm in _COMMON_SHORT_WORDS
    )
    optional = token.norm in STOPWORDS and not case_sensitive
    return TermWord(token.norm, raw, optional, case_sensitive, token.unstemmed)
