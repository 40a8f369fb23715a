"""Concepts that are a relation between two things, read from what their labels say.

A concept may name not one finding or step but how two stand to each other:
- a step kept for when another fails ("Surgery only if conservative care fails"): earned by
  the step said with a condition of failure, before or after it ("excision if refractory",
  "if conservative treatment fails, surgery", 若保守治療無效再手術), never by the step alone
  ("early surgery");
- two findings together ("Both: tendinopathy together with bursitis"): earned by naming both
  in one breath ("PHT with ischial bursitis"), never by one of them, by one ruled out or by
  "A or B";
- a comparison ("Tendinopathy alone is commoner than bursitis alone", "the apophysis is the
  weak link"): earned by the same comparison in either direction ("bursitis alone is
  uncommon", "apophysis weaker than tendon"), never by its reverse;
- a dependence ("Skeletal maturity decides which part fails"): earned by "depends on skeletal
  maturity", "skeletal maturity decides", "determined by skeletal maturity".

Each reading is made once per concept from its label and synonyms (so a case written only as
a label and two synonyms is read the same way); the words that mark these relations are data
(words.yaml `composites`). An answer that earns such a concept this way gets a mention
covering all its words, so the parts it was made of are not also credited or counted wrong
(grading's one concept, one credit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from tutor.matching.index import ConceptIndex, Mention
from tutor.matching.negation import STOPWORDS
from tutor.matching.terms import label_forms, terms_of
from tutor.matching.tokens import CJK, COMMA, HARD, NUM, WORD, Token, cue_list, prepare, tokenize
from tutor.model import Concept

_CONDITION_REACH = 8  # words a condition runs for
_FILLER_REACH = 3  # words between a step and its condition: "surgery is reserved for ..."


def _phrases(name: str) -> tuple[tuple[str, ...], ...]:
    """A words.yaml list as the norms the tokenizer reads its entries as (so 無效 is what an
    answer's 無效 becomes, however the word tables rewrite it)."""
    return _phrases_of(cue_list(name))


@lru_cache(maxsize=64)
def _phrases_of(listed: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    out = []
    for text in listed:
        norms = tuple(t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, CJK, NUM))
        if norms:
            out.append(norms)
    return tuple(sorted(set(out), key=len, reverse=True))


_RELATION_LISTS = ("negation.condition_words", "negation.last_resort")
_EVERYWHERE = frozenset({"is", "are", "a", "the", "of", "to", "do", "does", "it", "what", "which", "whether"})


def may_state_a_relation(text: str) -> bool:
    """Whether a text has a word of the relations' lists at all: most answers and labels do not,
    and those are not read further (no tokenizing the word lists for them)."""
    from tutor.matching.tokens import word_data

    data = word_data()
    if not _triggers or _triggers[0] is not data:
        words: set[str] = set()
        runs: set[str] = set()
        for name, listed in data.cue_lists.items():
            if name.startswith("composites.") or name in _RELATION_LISTS:
                for entry in listed:
                    for word in entry.split():
                        if word.isascii():
                            words.add(word)
                        else:
                            runs.add(word)
        _triggers[:] = [data, frozenset(words - _EVERYWHERE), tuple(sorted(runs))]
    folded = text.casefold()
    said = set(re.findall(r"[a-z]+|&|\+", folded))
    return not said.isdisjoint(_triggers[1]) or any(run in folded for run in _triggers[2])


_triggers: list = []  # the word data they were read from, its trigger words, its CJK runs


def _phrase_at(norms: list[str], at: int, phrases: Iterable[tuple[str, ...]]) -> int:
    """The length of the longest phrase starting at `at` (0: none)."""
    for phrase in phrases:
        if tuple(norms[at : at + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _contains(norms: list[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    return any(_phrase_at(norms, k, phrases) for k in range(len(norms)))


def _words(text: str) -> list[Token]:
    return [t for t in tokenize(prepare(text)) if t.kind in (WORD, CJK, NUM, HARD, COMMA)]


def _content(tokens: Iterable[Token]) -> list[str]:
    return [t.norm for t in tokens if t.kind in (WORD, CJK, NUM) and t.norm not in STOPWORDS]


# -- a step kept for when another fails --------------------------------------------------------


@dataclass(frozen=True)
class Conditional:
    concept: str
    steps: ConceptIndex  # the steps the label and synonyms make conditional, as terms of the concept
    step_concepts: frozenset[str]  # other concepts that name one of those steps ("Surgery")
    condition_words: frozenset[str]  # what the label's condition says besides failing ("displaced")
    operation: bool = False  # a step is an operation: "surgery if refractory" names it too
    # The steps' own words for the operation ("release" of "Piriformis release"): said alone,
    # they name the step as "surgery" does.
    operation_words: tuple[str, ...] = ()


def _condition_cues() -> dict[str, tuple[tuple[str, ...], ...]]:
    return {
        "if": _phrases("negation.condition_words") + _phrases("composites.condition_words"),
        "for": _phrases("composites.condition_after_a_step"),
        "fail": _phrases("composites.failure"),
        "last": _phrases("negation.last_resort"),
        "filler": _phrases("composites.between_step_and_condition"),
    }


def split_at_condition(text: str) -> tuple[str, list[str]] | None:
    """A conditional label or synonym as its step and its condition's content words:
    "Surgery only if conservative care fails" is the step "Surgery" kept for a failure.

    The condition must say the step waits for another to fail (or is "a last resort"), or be
    "only if ..." / "only for ...": "Pain when sitting" is no step with a condition.
    """
    tokens = _words(text)
    norms = [t.norm for t in tokens]
    cues = _condition_cues()
    for k in range(len(tokens)):
        last = _phrase_at(norms, k, cues["last"])
        trigger = _phrase_at(norms, k, cues["if"]) or _phrase_at(norms, k, cues["for"])
        if not (last or trigger):
            continue
        end = k
        while end < len(tokens) and tokens[end].kind not in (HARD,) and not (end > k and tokens[end].kind == COMMA):
            end += 1
        body = norms[k:end]
        only = k > 0 and norms[k - 1] == "only"
        if not (last or _contains(body, cues["fail"]) or (only and _phrase_at(norms, k, cues["if"]))
                or (only and len(_content(tokens[k + trigger:end])) > 0)):
            continue
        if k == 0 or all(t.kind in (HARD, COMMA) or t.norm in STOPWORDS or t.norm == "only" for t in tokens[:k]):
            # The condition said first: "If conservative care fails, surgery".
            step_tokens = tokens[end:]
            step = text[step_tokens[0].start:] if step_tokens else ""
        else:
            step = text[: tokens[k].start]
        condition = _own_condition(tokens[k + max(last, trigger):end], cues["fail"])
        step = _without_fillers(step)
        if _content(_words(step)):
            return step, condition
    return None


def _own_condition(tokens: list[Token], fail: tuple[tuple[str, ...], ...]) -> list[str]:
    """The words of a condition that are a condition by themselves: in "if displaced or refractory
    to conservative care", "displaced"; the care that fails is no condition without its failing."""
    out: list[str] = []
    alternative: list[Token] = []
    for token in (*tokens, None):
        if token is None or token.norm in ("or", "/"):
            if not _contains([t.norm for t in alternative], fail):
                out += _content(alternative)
            alternative = []
        else:
            alternative.append(token)
    return out


def _without_fillers(step: str) -> str:
    """The step without a trailing "only" (or "is reserved") and punctuation."""
    fillers = _condition_cues()["filler"]
    while True:
        step = step.strip(" ,;:.")
        tokens = _words(step)
        norms = [t.norm for t in tokens]
        cut = next((len(p) for p in fillers if len(p) <= len(norms) and tuple(norms[-len(p):]) == p), 0)
        if not cut or cut >= len(tokens):
            return step
        step = step[: tokens[-cut].start]


def conditional_reading(concept: Concept, index: ConceptIndex,
                        others: Callable[[], frozenset[str]]) -> Conditional | None:
    """How `concept` is earned as a conditional step, if its label states a condition.

    `index` is the case's own (to find which of its concepts a step names: "Surgery" is the
    lexicon's surgical-intervention); `others` gives the words of every other concept of the case,
    which the condition's own words must not be ("conservative", "care" name the care that failed).
    """
    if not any(split_at_condition(form) for form in label_forms(concept.label)):
        return None
    steps: list[str] = []
    condition: set[str] = set()
    for text in (*label_forms(concept.label), *concept.synonyms):
        split = split_at_condition(text)
        if split is not None:
            if split[0] not in steps:
                steps.append(split[0])
            condition.update(split[1])
    if not steps:
        return None
    fail = {w for phrase in _condition_cues()["fail"] for w in phrase}
    named: set[str] = set()
    for step in steps:
        wanted = set(_content(_words(step)))
        for m in index.find(step).mentions:
            # Named by the step's own words, not as their class: "Fixation" is no step of "Surgery".
            if m.concept != concept.id and not m.negated and len(m.covered) >= len(wanted) and set(
                    _content(_words(m.term))) <= wanted:
                named.add(m.concept)
    step_concept = Concept(concept.id, steps[0], tuple(steps[1:]))
    operations = _phrases("composites.operations")
    operation = any(_contains([t.norm for t in _words(step)], operations) for step in steps)
    own_operations = tuple(dict.fromkeys(norm for step in steps for norm in _content(_words(step))
                                         if (norm,) in operations))
    return Conditional(concept.id, ConceptIndex.from_terms(terms_of(step_concept), index.topic), frozenset(named),
                       frozenset(condition - fail - others()), operation, own_operations)


def _an_operation() -> ConceptIndex:
    """The general words for an operation ("surgery", "operation", 手術), as terms."""
    from tutor.matching.tokens import word_data

    data = word_data()
    if not _general or _general[0] is not data:
        listed = cue_list("composites.an_operation")
        terms = terms_of(Concept("an operation", listed[0], tuple(listed[1:]))) if listed else []
        _general[:] = [data, ConceptIndex.from_terms(terms)]
    return _general[1]


_general: list = []  # the word data, and the index of its general words for an operation


def _condition_after(tokens: list[Token], at: int, reading: Conditional) -> int | None:
    """The last position of a condition that starts within a few fillers after `at`."""
    cues = _condition_cues()
    norms = [t.norm for t in tokens]
    j, fillers = at, 0
    while j < len(tokens) and fillers <= _FILLER_REACH:
        last = _phrase_at(norms, j, cues["last"])
        if last:
            return j + last - 1
        trigger = _phrase_at(norms, j, cues["if"]) or _phrase_at(norms, j, cues["for"])
        if trigger:
            break
        skip = _phrase_at(norms, j, cues["filler"])
        if skip:
            j, fillers = j + skip, fillers + 1
        elif tokens[j].kind in (WORD, CJK) and norms[j] in STOPWORDS:
            j += 1
        else:
            return None
    else:
        return None
    end = j + trigger
    while end < len(tokens) and end - j <= _CONDITION_REACH and tokens[end].kind not in (HARD, COMMA):
        end += 1
    return end - 1 if _states_the_condition(norms[j:end], reading) else None


def _condition_before(tokens: list[Token], at: int, reading: Conditional) -> int | None:
    """The first position of a condition said before the step at `at`: "if refractory, surgery",
    若保守治療無效再手術."""
    cues = _condition_cues()
    norms = [t.norm for t in tokens]
    j, fillers = at - 1, 0
    while j >= 0 and fillers <= _FILLER_REACH:
        found = next((len(p) for p in cues["filler"] if j + 1 - len(p) >= 0
                      and tuple(norms[j + 1 - len(p) : j + 1]) == p), 0)
        if found:
            j, fillers = j - found, fillers + 1
        elif tokens[j].kind in (WORD, CJK) and norms[j] in STOPWORDS:
            j -= 1
        else:
            break
    if j >= 0 and tokens[j].kind == COMMA:
        j -= 1
    if fillers:
        # The failure said first, then the step: "conservative care fails, then surgery",
        # 保守治療無效再考慮手術, "failed 才 surgery" (not "failed surgery": a word must join them).
        failed = next((len(p) for p in cues["fail"] if j + 1 - len(p) >= 0
                       and tuple(norms[j + 1 - len(p) : j + 1]) == p), 0)
        start = j + 1 - failed
        what_failed = start - 1
        while what_failed >= 0 and tokens[what_failed].kind not in (HARD, COMMA):
            what_failed -= 1
        if failed and not _contains(norms[what_failed + 1 : start], _phrases("composites.operations")):
            return start  # ... what failed is the care before it, not an operation ("release failed, then ...")
    end = j + 1
    while j >= 0 and end - j <= _CONDITION_REACH + 1 and tokens[j].kind not in (HARD, COMMA):
        if _phrase_at(norms, j, cues["if"]):
            return j if _states_the_condition(norms[j:end], reading) else None
        j -= 1
    return None


def condition_span(reading: Conditional, tokens: list[Token], mention: Mention) -> frozenset[int]:
    """The words of a conditional concept's mention and of the condition it runs into: in
    "piriformis release if conservative treatment fails", the conservative treatment is the
    condition, not a plan of its own."""
    if not mention.covered:
        return frozenset()
    first, last = min(mention.covered), max(mention.covered)
    cues = _condition_cues()
    norms = [t.norm for t in tokens]
    for k in range(first, last + 1):
        if _phrase_at(norms, k, cues["if"]) or _phrase_at(norms, k, cues["for"]):
            end = _condition_after(tokens, k, reading)
            if end is not None:
                return frozenset(range(first, max(last, end) + 1))
            break
    return mention.covered


def _states_the_condition(norms: list[str], reading: Conditional) -> bool:
    cues = _condition_cues()
    return _contains(norms, cues["fail"]) or _contains(norms, cues["last"]) or not reading.condition_words.isdisjoint(norms)


def conditional_mention(reading: Conditional, text: str, tokens: list[Token],
                        mentions: tuple[Mention, ...], only_operation: bool = False) -> Mention | None:
    """The concept, when the answer says one of its steps with a condition of failure; when it is
    the stage's `only_operation` kept for a failure, "surgery" names its step too ("surgery only
    if refractory" for "Piriformis release only if non-surgical care fails")."""
    found = [m for m in reading.steps.find(text).mentions if not m.negated]
    found += [m for m in mentions if m.concept in reading.step_concepts and not m.negated and m.covered]
    if only_operation and reading.operation:
        found += [m for m in _an_operation().find(text).mentions if not m.negated]
        if reading.operation_words:
            # "release only if that fails" for "Piriformis release only if non-surgical care fails".
            own = terms_of(Concept(reading.concept, reading.operation_words[0], reading.operation_words[1:]))
            found += [m for m in ConceptIndex.from_terms(own).find(text).mentions if not m.negated]
    for m in sorted(found, key=lambda m: (m.start, -m.score)):
        if not m.covered:
            continue
        first, last = min(m.covered), max(m.covered)
        end = _condition_after(tokens, last + 1, reading)
        start = first
        if end is None:
            begin = _condition_before(tokens, first, reading)
            if begin is None:
                continue
            start, end = begin, last
        covered = frozenset(range(start, end + 1))
        a, b = tokens[start].start, tokens[end].end
        return Mention(reading.concept, False, a, b, text[a:b], m.term, m.score, covered)
    return None


# -- two findings together -----------------------------------------------------------------------


@dataclass(frozen=True)
class Combined:
    concept: str
    parts: tuple[ConceptIndex, ConceptIndex]  # each part's words, as terms of the concept
    part_concepts: tuple[frozenset[str], frozenset[str]]  # the case's concepts each part is
    says_both: bool  # the label says "both": a learner's "both" (兩者都有) alone names it


def combined_reading(concept: Concept, labels: Callable[[], dict[str, str]],
                     topic: Iterable[str] = ()) -> Combined | None:
    """How `concept` is earned as two things together, if its label joins two of the case's
    other concepts: "Both: tendinopathy together with bursitis" joins "Proximal hamstring
    tendinopathy" and "Ischial bursitis". `labels` gives the labels of the case's stage concepts
    by id, as norms."""
    tokens = _words(label_forms(concept.label)[-1] if len(label_forms(concept.label)) == 2 else concept.label)
    norms = [t.norm for t in tokens]
    both = _phrases("composites.both")
    joiners = _phrases("composites.joined_by")
    says_both = _contains(norms, both)
    start = 0
    while start < len(tokens) and (_phrase_at(norms, start, both) or tokens[start].kind in (HARD, COMMA)
                                   or norms[start] in STOPWORDS):
        start += _phrase_at(norms, start, both) or 1
    for k in range(start + 1, len(tokens)):
        joined = _phrase_at(norms, k, joiners)
        if not joined:
            continue
        first, second = _content(tokens[start:k]), _content(tokens[k + joined:])
        if not first or not second:
            return None
        owners = []
        for part, other in ((first, second), (second, first)):
            found = frozenset(cid for cid, label in labels().items() if cid != concept.id
                              and set(part) <= set(label.split()) and not set(other) & set(label.split()))
            if not found:
                return None
            owners.append(found)
        text = concept.label
        parts = tuple(ConceptIndex.from_terms(terms_of(Concept(concept.id, text[a.start:b.end])), topic)
                      for a, b in ((tokens[start], tokens[k - 1]), (tokens[k + joined], tokens[-1])))
        return Combined(concept.id, (parts[0], parts[1]), (owners[0], owners[1]), says_both)
    return None


def _part_spans(reading: Combined, which: int, text: str, mentions: tuple[Mention, ...]) -> list[Mention]:
    found = [m for m in reading.parts[which].find(text).mentions if not m.negated and not m.alternative]
    found += [m for m in mentions if m.concept in reading.part_concepts[which] and not m.negated
              and not m.alternative and m.covered]
    return [m for m in found if m.covered]


def combined_mention(reading: Combined, text: str, tokens: list[Token], mentions: tuple[Mention, ...]) -> Mention | None:
    """The concept, when the answer names both parts joined in one clause ("PHT with ischial
    bursitis", "tendinopathy and bursitis") or, when the label says "both", says "both"."""
    norms = [t.norm for t in tokens]
    joiners = _phrases("composites.joined_by")
    alone = _phrases("composites.alone")
    for a in _part_spans(reading, 0, text, mentions):
        for b in _part_spans(reading, 1, text, mentions):
            first, second = sorted((a, b), key=lambda m: min(m.covered))
            gap = range(max(first.covered) + 1, min(second.covered))
            if not gap or any(tokens[i].kind == HARD for i in gap):
                continue
            between = [norms[i] for i in gap if tokens[i].kind != COMMA]
            if not _contains(between, joiners) or not all(
                    norms[i] in STOPWORDS or any(norms[i] in p for p in joiners) for i in gap if tokens[i].kind != COMMA):
                continue
            span = range(min(first.covered), max(second.covered) + 1)
            clause = _clause_of(tokens, span.start)
            if _contains([norms[i] for i in clause], alone):
                continue  # "tendinopathy alone, with bursitis rare" is no both
            return _mention_over(reading.concept, text, tokens, span.start, span.stop - 1, first)
    if reading.says_both:
        both = _phrases("composites.both")
        plain = {w for p in _phrases("composites.both_stated_by") for w in p}
        for clause in _clauses(tokens):
            words = [norms[i] for i in clause if tokens[i].kind in (WORD, CJK, NUM)]
            k = next((i for i in range(len(words)) if _phrase_at(words, i, both)), None)
            if k is None:
                continue
            rest = words[:k] + words[k + _phrase_at(words, k, both):]
            if all(w in STOPWORDS or w in plain for w in rest):
                return _mention_over(reading.concept, text, tokens, clause[0], clause[-1], None)
    return None


def _clauses(tokens: list[Token], across_commas: bool = False) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for i, token in enumerate(tokens):
        if token.kind == HARD or (token.kind == COMMA and not across_commas):
            out.append([])
        else:
            out[-1].append(i)
    return [c for c in out if c]


def _clause_of(tokens: list[Token], at: int) -> list[int]:
    return next((c for c in _clauses(tokens) if at in c), [at])


def _mention_over(concept: str, text: str, tokens: list[Token], first: int, last: int,
                  like: Mention | None) -> Mention:
    a, b = tokens[first].start, tokens[last].end
    return Mention(concept, False, a, b, text[a:b], like.term if like else text[a:b],
                   like.score if like else 100.0, frozenset(range(first, last + 1)))


# -- a comparison, a dependence ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    """What one clause compares: `subject` has more (direction 1) or less (-1) of `quality` than
    `other` (empty: than the rest); or, for the quality "decided", what decides (`subject`)."""

    quality: str
    direction: int
    subject: frozenset[str]
    other: frozenset[str]
    first: int  # the clause's token positions
    last: int


@dataclass(frozen=True)
class Comparison:
    concept: str
    claims: tuple[Claim, ...]  # what the label and each synonym claim


def _qualities() -> list[tuple[str, int, tuple[tuple[str, ...], ...]]]:
    from tutor.matching.tokens import word_data

    out = []
    for name in sorted(word_data().cue_lists):
        for prefix, direction in (("composites.more_", 1), ("composites.less_", -1)):
            if name.startswith(prefix):
                out.append((name[len(prefix):], direction, _phrases(name)))
    for name, direction in (("composites.decided_by_what_follows", 1), ("composites.decided_by_what_precedes", -1)):
        out.append(("decided", direction, _phrases(name)))
    out.append(("is not", 1, _phrases("composites.is_not")))
    out.append(("is not", 0, _phrases("composites.is_not_enough")))
    return out


def _core(norms: Iterable[str], drop: set[str]) -> frozenset[str]:
    return frozenset(w for w in norms if w not in STOPWORDS and w not in drop)


def claims_in(tokens: list[Token], across_commas: bool = False) -> list[Claim]:
    """The comparisons and dependences the clauses of a text state, one per clause at most;
    a clause with a denial before its comparison ("not more common") states none. A label's
    clause runs across its commas: "The narrow space, without edema, is not IFI"."""
    from tutor.matching.negation import denial_cues_before

    norms = [t.norm for t in tokens]
    qualities = _qualities()
    plain = {w for p in _phrases("composites.alone") + _phrases("composites.not_what_is_compared") for w in p}
    cut = _phrases("composites.end_what_is_compared")
    deny = denial_cues_before()
    out = []
    for clause in _clauses(tokens, across_commas):
        a, b = clause[0], clause[-1] + 1
        for k in range(a, b):
            hits = [(n, q, d) for q, d, phrases in qualities if (n := _phrase_at(norms[:b], k, phrases))]
            if not hits:
                continue
            length, quality, direction = max(hits, key=lambda h: h[0])  # "is not enough", not "is not"
            hit = quality, direction, length
            quality, direction, length = hit
            complete = direction == 0  # "is not enough" needs nothing after it
            direction = direction or 1
            if any(norms[i] in deny for i in range(max(a, k - 2), k)):
                break  # "not more common", "does not depend on"
            before = []
            aside = False  # "The narrow space, without edema or symptoms, is not IFI": X, not its aside
            for i in range(a, k):
                if tokens[i].kind == COMMA:
                    aside = False
                elif norms[i] in deny:
                    aside = True
                elif tokens[i].kind in (WORD, CJK, NUM) and not aside:
                    before.append(norms[i])
            j = k + length
            after: list[str] = []
            if quality not in ("decided", "is not") and j < b and norms[j] == "than":
                j += 1
            if quality == "decided" or (quality == "is not" and not complete) or (
                    k + length < b and norms[k + length] == "than"):
                while j < b and not _phrase_at(norms[:b], j, cut) and tokens[j].kind != COMMA:
                    after.append(norms[j])
                    j += 1
            last = max(k + length, j) - 1
            if quality == "decided":
                # "depends on age": what follows decides; "age decides": what precedes does.
                subject = _core(after if direction == 1 else before, plain)
                out.append(Claim(quality, 1, subject, frozenset(), a, last))
            else:
                claim = Claim(quality, direction, _core(before, plain), _core(after, plain), a, last)
                if quality != "is not" or claim.other or complete:
                    out.append(claim)
            break
    return [c for c in out if c.subject]


def comparison_reading(concept: Concept) -> Comparison | None:
    """How `concept` is earned as a comparison or a dependence its label states: "Tendinopathy
    alone is commoner than bursitis alone", "the apophysis is the weak link", "Skeletal maturity
    decides which part fails". Each synonym that states one adds its claim ("depends on age")."""
    label = [c for form in label_forms(concept.label) for c in claims_in(_words(form), across_commas=True)]
    if not label:
        return None
    found = list(label)
    for text in concept.synonyms:
        found += claims_in(_words(text))
    return Comparison(concept.id, tuple(dict.fromkeys(found)))


def _agrees(said: Claim, meant: Claim) -> bool:
    """Whether a learner's claim states the concept's: the same comparison either way round,
    never its reverse."""
    if said.quality != meant.quality:
        return False
    if said.quality == "decided":
        return meant.subject <= said.subject
    if said.direction == meant.direction:
        if not _fits(said.subject, meant.subject, meant.other):
            return False
        if meant.other:
            return _fits(said.other, meant.other, meant.subject) if said.other or meant.quality == "is not" else True
        if meant.quality == "is not":
            return not said.other  # "narrow IFS alone is not enough", not "narrow IFS is not normal"
        return not said.other & meant.subject
    # "bursitis alone is uncommon" for "tendinopathy alone is commoner than bursitis alone";
    # "the tendon is stronger than the apophysis" for "the apophysis is the weak link".
    if meant.other:
        return _fits(said.subject, meant.other, meant.subject) and (
            not said.other or _fits(said.other, meant.subject, meant.other))
    return _fits(said.other, meant.subject, frozenset()) and not said.subject & meant.subject


def _fits(words: frozenset[str], this: frozenset[str], that: frozenset[str]) -> bool:
    """Whether words name `this` side of a comparison more than `that` one ("narrow IFS" is the
    narrow space, though "ischiofemoral" is in "IFI" too; "QF edema" is not, for one word of it)."""
    shared = len(words & this)
    return shared > len(words & that) and 2 * shared >= len(words)


def comparison_mention(reading: Comparison, text: str, tokens: list[Token],
                       mentions: tuple[Mention, ...]) -> Mention | None:
    del mentions  # a comparison is read from its clause's words, whatever concepts they name
    for said in claims_in(tokens):
        if any(_agrees(said, meant) for meant in reading.claims):
            return _mention_over(reading.concept, text, tokens, said.first, said.last, None)
    return None


def states_another_claim(reading: Comparison, text: str) -> bool:
    """Whether words that name a comparison concept state a comparison, and not its own."""
    said = claims_in(_words(text))
    return bool(said) and not any(_agrees(claim, meant) for claim in said for meant in reading.claims)


Reading = Conditional | Combined | Comparison


def says_alone(concept: Concept) -> bool:
    """Whether a concept is one plan to the exclusion of others: its label ends with one of
    `alone` ("Rest, NSAIDs and physiotherapy alone", "Physiotherapy only"; not "Pure tendon
    avulsion"). An answer that names another of the stage's concepts beside it has not said
    "alone" (see grading). A relation's label ("A alone is commoner than B alone") is no plan."""
    words = re.findall(r"[^\W\d_]+", concept.label.casefold())
    listed = cue_list("composites.alone")
    if not words or not (words[-1] in listed or any(not e.isascii() and words[-1].endswith(e) for e in listed)):
        return False  # most labels: no tokenizing for them
    norms = [t.norm for t in _words(concept.label) if t.kind in (WORD, CJK, NUM)]
    return any(tuple(norms[-len(p):]) == p for p in _phrases("composites.alone") if len(p) <= len(norms))


def reading_of(concept: Concept, index: ConceptIndex, others: Callable[[], frozenset[str]],
               labels: Callable[[], dict[str, str]]) -> Reading | None:
    """How a concept that is a relation between two things is read, or None for a plain one.

    `index`: the case's; `others` gives the words of the case's other stage concepts, `labels`
    the labels of its stage concepts as norms (see the readings; each is asked for only when a
    label looks like a relation)."""
    if not may_state_a_relation(concept.label):
        return None
    return (conditional_reading(concept, index, others) or combined_reading(concept, labels, index.topic)
            or comparison_reading(concept))


def mention_of(reading: Reading, text: str, tokens: list[Token], mentions: tuple[Mention, ...],
               readings: Iterable[Reading] = ()) -> Mention | None:
    """The concept's mention when the answer states the relation; `tokens` are the answer's as
    read, `readings` those of the stage's other relation concepts."""
    if isinstance(reading, Conditional):
        alone = not any(isinstance(r, Conditional) and r.operation and r.concept != reading.concept for r in readings)
        return conditional_mention(reading, text, tokens, mentions, only_operation=alone)
    if isinstance(reading, Combined):
        return combined_mention(reading, text, tokens, mentions)
    return comparison_mention(reading, text, tokens, mentions)
