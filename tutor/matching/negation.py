"""Whether a mention is asserted or denied, decided from the words around it.

Cue words before a mention deny it ("no", "without", 沒有, "ruled out"), as do
some after it ("trauma denied", "IFI is unlikely", "QF not seen"). A cue
reaches forward within its clause, for a few words, along a list ("no trauma
or fever", "denies trauma, fever or steroid use", "沒有IFI、PHT"), and stops at
words that turn the sentence ("but", "likely", "r/o", "cannot exclude").
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor.matching.tokens import (
    CJK, COMMA, CONSIDER_MARK, HARD, LATER_MARK, LESS_LIKELY_MARK, LIST, NEG_MARK, WORD, Token, WordData, _stem,
    word_data,
)

STOPWORDS = frozenset(
    "a an the of in at on to with and or for from by as is are was were be been being "
    "its it this that these those there which very some any also of".split()
) | frozenset({"of", "and", "or"})
@dataclass(frozen=True)
class CueWords:
    """The cue words of words.yaml's `negation` section, each as written and as stemmed."""

    deny_before: frozenset[str]  # deny what follows them: "no", "without"
    deny_after: frozenset[str]  # deny what precedes them: "absent", "denied", "resolved"
    prefixes: frozenset[str]  # deny only the word they are part of: "non-operative treatment, crutches"
    still_there_after_not: tuple[str, ...]  # "the pain is not improving": word starts
    linking: frozenset[str]  # may stand between a mention and a cue after it: "trauma is denied"
    scope_ends: frozenset[str]  # end the reach of a cue before them: "no trauma but long-stride pain"
    negated_before_without: frozenset[str]  # "can't sit without pain" states the pain
    condition_words: frozenset[str]  # "surgery only if it fails"
    failure_words: frozenset[str]
    failure_phrases: tuple[tuple[str, ...], ...]
    last_resort: tuple[tuple[str, ...], ...]
    headings_in_play: frozenset[str] = frozenset()  # "differential: IFI, PHT, DGS"
    # A general denial of a concept's head ("no injection" for "Image-guided injection"): the words
    # that state the finding and never go, heads too general to deny alone, and words that may
    # stand between the cue and the head ("no further surgery", "no need for an injection").
    states_the_finding: frozenset[str] = frozenset()
    too_general_to_deny: frozenset[str] = frozenset()
    before_a_general_denial: frozenset[str] = frozenset()


def _cue_words(data: WordData) -> CueWords:
    def words(name: str) -> frozenset[str]:
        listed = set(data.cue_lists.get(f"negation.{name}", ()))
        return frozenset(listed | {_stem(w) for w in listed})

    def phrases(name: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(w.split()) for w in data.cue_lists.get(f"negation.{name}", ()) if " " in w)

    return CueWords(
        deny_before=words("deny_what_follows") | {NEG_MARK, LESS_LIKELY_MARK},
        deny_after=words("deny_what_precedes") | {NEG_MARK, LESS_LIKELY_MARK},
        prefixes=words("prefixes"),
        still_there_after_not=tuple(sorted(words("keep_what_precedes_after_not"))),
        linking=words("linking"),
        scope_ends=words("turns") | {CONSIDER_MARK, LATER_MARK},
        negated_before_without=words("negated_before_without"),
        condition_words=words("condition_words"),
        failure_words=frozenset(w for w in words("failure_words") if " " not in w),
        failure_phrases=phrases("failure_words"),
        last_resort=tuple(tuple(w.split()) for w in data.cue_lists.get("negation.last_resort", ())),
        headings_in_play=words("headings_in_play"),
        states_the_finding=words("states_the_finding"),
        too_general_to_deny=words("too_general_to_deny"),
        before_a_general_denial=words("before_a_general_denial"),
    )


_in_use: list[tuple[WordData, CueWords]] = []  # the cue words of the word data in use


def cue_words() -> CueWords:
    """The cue words of the words.yaml in use (read with the other word tables, once)."""
    data = word_data()
    if not _in_use or _in_use[0][0] is not data:
        _in_use[:] = [(data, _cue_words(data))]
    return _in_use[0][1]


def denial_cues_before() -> frozenset[str]:
    """Words that deny what follows them ("no", "without"): a term that starts with one names an absence."""
    return cue_words().deny_before


# "no A or B" denies both; "no A and B" is read as denying A only, the way
# learners write "no trauma and pain on long strides".
_CONNECTORS = frozenset({"or", "nor", "/"})
_SCOPE_REACH = 5.0  # content words a cue before a mention reaches across


_LIST_ITEM_WORDS = 4  # content words an item of "A, B or C" may have
# A list with no "or"/"and" before its last item ("no fever, chills, night sweats") needs three
# items or more of at most two words each, to the end of the clause; "no trauma, RCC history"
# and "no trauma, sitting pain, pain on long strides" are a denial and then findings.
_UNCLOSED_COMMAS = 2
_UNCLOSED_ITEM_WORDS = 2
_LAST_ITEM_AFTER_AND = 2  # "free of fever and weight loss"; not "no trauma and pain on long strides"
_LIST_CONNECTORS = frozenset({"or", "nor", "and", "/"})
# An item with these is a clause, not a list item: "no trauma, pain on long strides and sitting".
_CLAUSE_WORDS = frozenset({"on", "with", "in", "at", "to", "from", "by", "during", "when", "while", "after",
                           "before", "is", "are", "was", "were", "has", "have", "had"})


def _connects(token: Token) -> bool:
    return token.norm in _LIST_CONNECTORS or token.raw.casefold() == "nor"  # "nor" is read as "no"


def _item_after(tokens: list[Token], at: int, clauses_end: bool = True) -> tuple[int, int, bool]:
    """The list item after position `at`: (content words, where it ends, whether it is plain)."""
    cues = cue_words()
    j, words, plain = at + 1, 0, True
    while j < len(tokens) and not tokens[j].kind == HARD and tokens[j].raw != "," and not _connects(tokens[j]):
        norm = tokens[j].norm
        if (norm in cues.scope_ends or norm in cues.deny_before or norm == CONSIDER_MARK or tokens[j].kind == COMMA
                or (clauses_end and norm in _CLAUSE_WORDS)):
            plain = False
        elif norm not in STOPWORDS:
            words += 1
        j += 1
    return words, j, plain


def list_commas(tokens: list[Token], mentions: list[frozenset[int]]) -> frozenset[int]:
    """Commas (and the "and" of "A, B and C") that join the items of a list a denial reaches across.

    "denies fever, chills, or steroid use", "no A, B, C or D", "negative for fever, chills and
    rigors", "free of fever and weight loss": every item is short and plain (no turn, no cue)
    and the list ends with "or", "nor" or "and". "no trauma, pain on long strides" is not one.
    Items need not be known concepts ("denies fever, chills, or steroid use"); but where one
    mention (first, last token) runs across the closing "and" and the item before it names
    nothing of its own, the "and" joins the words of that one term: "no trauma, groin and
    buttock pain" denies the trauma, and states the groin and buttock pain.
    """
    spans = [(min(c), max(c)) for c in mentions if c]
    found: set[int] = set()
    for c, token in enumerate(tokens):
        if token.raw == "," and token.kind == COMMA:
            # Follow the items to the connector that closes the list.
            j, joints, closed = c, [c], False
            longest = _item_before(tokens, c)[0]
            while j < len(tokens):
                words, end, plain = _item_after(tokens, j)
                oxford = words == 0 and end < len(tokens) and _connects(tokens[end])
                if not oxford and (not plain or words == 0 or words > _LIST_ITEM_WORDS):
                    break
                longest = max(longest, words)
                if (end >= len(tokens) or tokens[end].kind == HARD) and len(joints) >= _UNCLOSED_COMMAS \
                        and longest <= _UNCLOSED_ITEM_WORDS:
                    closed = True  # "No fracture, dislocation, effusion.": three short items to the end
                    break
                if end < len(tokens) and _connects(tokens[end]):
                    # "or weakness in the leg" closes a list; "and pain on long strides" may not.
                    words, last_end, plain = _item_after(tokens, end, clauses_end=tokens[end].norm == "and")
                    if plain and 0 < words <= _LIST_ITEM_WORDS and not (
                            tokens[end].norm == "and" and _inside_one_term(spans, j, end)):
                        closed = True
                        joints.append(end)
                    break
                if end < len(tokens) and tokens[end].raw == ",":
                    joints.append(end)
                    j = end
                    continue
                break
            if closed:
                found.update(joints)
        elif token.norm == "and":
            words, end, plain = _item_after(tokens, c)
            before, _, plain_before = _item_before(tokens, c)
            ends = end >= len(tokens) or tokens[end].kind == HARD or tokens[end].raw == ","
            if plain and plain_before and ends and 0 < words <= _LAST_ITEM_AFTER_AND and 0 < before <= 2:
                found.add(c)
    return frozenset(found)


def _inside_one_term(spans: list[tuple[int, int]], joint: int, connector: int) -> bool:
    """Whether one mention runs across the connector from the item before it, and no other
    mention names anything in that item: "groin and buttock pain" after "no trauma,"."""
    across = [(a, b) for a, b in spans if joint < a < connector < b]
    if not across:
        return False
    start = min(a for a, _ in across)
    return not any(joint < a and b < connector for a, b in spans if a >= start or b >= start)


def _item_before(tokens: list[Token], at: int) -> tuple[int, int, bool]:
    cues = cue_words()
    j, words, plain = at - 1, 0, True
    while j >= 0 and not tokens[j].kind == HARD and tokens[j].raw != "," and tokens[j].norm not in cues.deny_before:
        norm = tokens[j].norm
        if norm in cues.scope_ends or norm == CONSIDER_MARK or tokens[j].kind == COMMA:
            plain = False
        elif norm not in STOPWORDS and norm not in _LIST_CONNECTORS:
            words += 1
        j -= 1
    return words, j, plain


@dataclass(frozen=True, slots=True)
class Stance:
    """How the learner holds a mention: denied, kept in play ("r/o X", "TOH > AVN"), or asserted."""

    denied: bool = False
    considered: bool = False
    cue: int | None = None  # where the deciding word stands, for the evidence
    # "X less likely": denied, yet a differential lists X and a diagnosis has not ruled it out.
    soft: bool = False
    # "X or Y": Y is the other possibility; a diagnosis keeps it in play instead of choosing it.
    alternative: bool = False


ASSERTED = Stance()
# Words that keep what follows in play without committing to it.
_CONSIDER_BEFORE = frozenset({CONSIDER_MARK, LATER_MARK, "differential"})
_RANKED_BELOW = "gt"  # "TOH > AVN", "favour TOH over AVN": AVN is ranked lower, not chosen
_VERSUS = frozenset({"vs", "versus"})  # "TOH vs AVN": both weighed, neither chosen yet


def negation_of(tokens: list[Token], first: int, last: int, mentions: list[frozenset[int]],
                list_commas: frozenset[int] = frozenset()) -> Stance:
    """Whether the words first..last are denied or only kept in play, and where the cue stands."""
    cues = cue_words()
    if first > 0 and tokens[first - 1].raw == "?" and tokens[first - 1].end == tokens[first].start:
        return Stance(considered=True, cue=first - 1)  # "?stress fracture", "IFI, ?PHT"
    if _under_a_heading_in_play(tokens, first, cues):
        return Stance(considered=True)
    heading = _denying_heading(tokens, first, cues)
    if heading is not None:
        return Stance(denied=True, cue=heading)
    reach = 0.0
    # A cue reaches across another mention only through a list: "no trauma or fever",
    # "沒有IFI、PHT"; in "無外傷long stride痛" the denial ends with 外傷.
    joined = False
    alternative_at: int | None = None
    for i in range(first - 1, -1, -1):
        token = tokens[i]
        if token.norm in _VERSUS and reach == 0:
            return Stance(considered=True, cue=i)
        if token.norm == "or" and reach == 0 and i > 0 and any(i - 1 in c for c in mentions):
            alternative_at = i  # "IFI or PHT"; a cue further back still denies both
        if i in list_commas:
            joined = True
            reach = 0.0  # each item of a list is measured on its own
            continue
        if token.norm in _CONSIDER_BEFORE or (token.norm == _RANKED_BELOW and reach == 0):
            return Stance(considered=True, cue=i)
        if token.kind in (HARD, COMMA) or token.norm in cues.scope_ends or token.norm == "and":
            break
        if token.norm in cues.prefixes:
            if i == first - 1:
                return Stance(denied=True, cue=i)
            break  # "non-operative treatment, crutches": the prefix stays with its own word
        if token.norm in cues.deny_before:
            if token.norm == "without" and _negated_before(tokens, i):
                break  # "she can't sit without pain" states the pain
            return Stance(denied=True, cue=i, soft=token.norm == LESS_LIKELY_MARK)
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
    after = _stance_after(tokens, last, mentions)
    if after is ASSERTED and alternative_at is not None:
        return Stance(alternative=True, cue=alternative_at)
    return after


_CONDITION_REACH = 8  # words a condition may run before its failure word


def _condition_at(tokens: list[Token], at: int) -> int | None:
    """Where a condition that makes the step before it conditional starts, if one does at `at`:
    "(surgery) only if it fails", "(surgery) if symptoms persist", "(surgery) as a last resort"."""
    cues = cue_words()
    norms = [t.norm for t in tokens[at : at + _CONDITION_REACH + 1]]
    if any(tuple(norms[: len(p)]) == p for p in cues.last_resort):
        return at
    start = 1 if norms and norms[0] == "only" else 0
    if len(norms) <= start or norms[start] not in cues.condition_words:
        return None
    for k in range(start + 1, len(norms)):
        if tokens[at + k].kind in (HARD, COMMA):
            return None
        if norms[k] in cues.failure_words or any(tuple(norms[k : k + len(p)]) == p for p in cues.failure_phrases):
            return at
    return None


_ANSWERS_TO_A_QUESTION = frozenset({"yes", "positive", "present", "no", "not", "none", "negative"})
def _under_a_heading_in_play(tokens: list[Token], first: int, cues: CueWords) -> bool:
    """Whether the mention stands in a sentence after "differential:" or "ddx:"."""
    for j in range(first - 1, 0, -1):
        if tokens[j].kind == HARD:
            return tokens[j].raw in (":", "：") and tokens[j - 1].norm in cues.headings_in_play
    return False


def _denying_heading(tokens: list[Token], first: int, cues: CueWords) -> int | None:
    """Where the denial stands that heads the sentence of a mention: "negative: FADIR, FABER,
    SLR", "Tests negative: FADIR and FABER", "absent: effusion, fracture". A turn after the
    heading ends its reach ("negative: FADIR, but FABER positive"); "SLR negative: FAIR
    positive" is a denial of the SLR, not a heading."""
    for j in range(first - 1, 0, -1):
        token = tokens[j]
        if token.norm in cues.scope_ends:
            return None
        if token.kind == HARD:
            if token.raw not in (":", "：") or tokens[j - 1].norm not in cues.deny_before | cues.deny_after:
                return None
            k = j - 2
            while k >= 0 and (tokens[k].norm in cues.linking or tokens[k].norm in STOPWORDS):
                k -= 1
            return j - 1 if k < 0 or tokens[k].kind == HARD else None
    return None


_DOUBLE_NEGATIVE_REACH = 6  # words back from "without" a denial of the verb may stand


def _negated_before(tokens: list[Token], at: int) -> bool:
    """Whether a denial stands before "without" in its clause: "can't sit for long without pain"."""
    cues = cue_words()
    for j in range(at - 1, max(-1, at - 1 - _DOUBLE_NEGATIVE_REACH), -1):
        if tokens[j].kind in (HARD, COMMA) or tokens[j].norm in cues.scope_ends:
            return False
        if tokens[j].norm in cues.negated_before_without:
            return True
    return False


# "rest to avoid a stress fracture": the plan is stated; the purpose denies only what follows it.
_PURPOSE_VERBS = frozenset({"avoid", "prevent"})


_BEFORE_A_VALUE = frozenset({":", "：", "-", "–", "—", "("})


def _stance_after(tokens: list[Token], last: int, mentions: list[frozenset[int]]) -> Stance:
    """What the words after a mention say of it: "trauma denied", "IFI less likely", "AVN r/o"."""
    cues = cue_words()
    i = last + 1
    while i < len(tokens) and tokens[i].kind in (WORD, CJK) and (
        tokens[i].norm in cues.linking or tokens[i].norm in STOPWORDS
    ):
        i += 1
    if i + 1 < len(tokens) and ((tokens[i].raw in _BEFORE_A_VALUE and tokens[i + 1].norm in cues.deny_after) or (
            tokens[i].raw in (":", "：", "-", "–", "—") and tokens[i + 1].norm in ("no", "not"))):
        i += 1  # "retraction: nil", "fever: none", "SLR: negative", "effusion - none", "effusion (none)"
    if i < len(tokens):
        token = tokens[i]
        if token.norm in _PURPOSE_VERBS and i > last + 1 and tokens[i - 1].norm == "to":
            return ASSERTED
        if token.norm in cues.deny_after:
            return Stance(denied=True, cue=i, soft=token.norm == LESS_LIKELY_MARK)
        if token.norm in _VERSUS:
            return Stance(considered=True, cue=i)  # "TOH vs AVN"
        if token.norm == CONSIDER_MARK:
            return Stance(considered=True, cue=i)  # "AVN r/o"
        condition = _condition_at(tokens, i)
        if condition is not None:
            return Stance(considered=True, cue=condition)  # "surgery only if it fails"
        nxt = i + 1
        if token.raw == "?" and nxt < len(tokens) and (tokens[nxt].norm in ("no", "not", "none", "negative")
                                                        or tokens[nxt].norm in cues.deny_after):
            return Stance(denied=True, cue=nxt, soft=tokens[nxt].norm == LESS_LIKELY_MARK)  # "AVN? unlikely"
        if token.raw == "?" and i == last + 1 and tokens[last].end == token.start and (
                nxt >= len(tokens) or tokens[nxt].norm not in _ANSWERS_TO_A_QUESTION):
            return Stance(considered=True, cue=i)  # "hamstring tear?": asked, not asserted
        if token.norm in ("not", "no"):
            j = i + 1
            while j < len(tokens) and tokens[j].norm in STOPWORDS:
                j += 1
            # "IFI no FAI": a "no" before a word denies that word, not what came before it.
            ends = j >= len(tokens) or tokens[j].kind in (HARD, COMMA, LIST)
            if j < len(tokens) and (tokens[j].norm in cues.deny_after or tokens[j].norm.startswith(cues.still_there_after_not)):
                return ASSERTED  # "the pain has not resolved", "effusion not absent", "is not improving"
            if ends or (token.norm == "not" and not any(j in c for c in mentions)):
                return Stance(denied=True, cue=i)
    return ASSERTED
