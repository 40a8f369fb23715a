"""Learner text and concept terms, cut into comparable tokens.

Both sides of every comparison go through `tokenize`, so a rule here (British
spelling, plural endings, "r/o" shorthand) only has to be consistent, not
linguistically perfect: "oedema" and "edema" meet at "edema" either way.
Each token keeps its character offsets so evidence can quote the learner.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from tutor.text_safety import printable

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on `tutor grade`'s path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# Token kinds.
WORD, CJK, NUM, HARD, COMMA, LIST = "word", "cjk", "num", "hard", "comma", "list"
SEPARATOR_KINDS = frozenset({HARD, COMMA, LIST})

# Roles a token can play for negation; set on cue words, after phrase rewriting.
NEG_MARK = "\x00neg"  # "ruled out", "excluded", 已排除: denies what is next to it
CONSIDER_MARK = "\x00consider"  # "cannot exclude", "r/o", 排除: keeps a concept in play
LESS_LIKELY_MARK = "\x00lesslikely"  # "X less likely": a denial a differential still lists
LATER_MARK = "\x00later"  # "CT before any surgery": what follows is a later step, kept in play

_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def _token_pattern(cjk: str) -> re.Pattern[str]:
    """The tokenizer's pattern; `cjk`: the CJK ranges (letters that are a word each), or "" for
    ASCII text, which has none (its pattern compiles in a quarter of the time)."""
    return re.compile(
        rf"""
        (?P<shorthand>\+ve\b|-ve\b|\(-\)|\(\+\)|\+(?=\s*(?:$|[,;.:)\n]))|(?i:w/o\b|w/(?![a-z]/)|y/o\b|f/u\b|s/p\b|h/o\b|c/o\b|b/l\b)|°|[↓↑]|(?<![\w)])\+(?=[^\W\d_]))
        {f'| (?P<cjk>[{cjk}])' if cjk else ''}
        | (?P<word>[^\W\d_{cjk}]+(?:['’][^\W\d_{cjk}]+)*)
        | (?P<num>\d+(?:[.,]\d+)?)
        | (?P<hard>[.;:!?。；：！？\n]|\.\.\.)
        | (?P<comma>[,，()\[\]（）{{}}"“”–—]|(?<=\s)-(?=\s))
        | (?P<list>[、/／])
        | (?P<plus>[+&＋])
        | (?P<symbol><=|>=|[<>≤≥])
        """,
        re.VERBOSE,
    )


# Most answers are ASCII, and the CJK ranges are most of what compiling the full pattern costs at
# start-up: ASCII text is read with a pattern without them, the same tokens; the full pattern is
# compiled the first time a text is not ASCII.
_ASCII_TOKEN = _token_pattern("")
_TOKEN: re.Pattern[str] | None = None


def _token_matches(text: str) -> Iterator[re.Match[str]]:
    if text.isascii():
        return _ASCII_TOKEN.finditer(text)
    global _TOKEN
    if _TOKEN is None:
        _TOKEN = _token_pattern(_CJK_RANGES)
    return _TOKEN.finditer(text)


_BRITISH = {
    "oedema": "edema", "oedematous": "edematous", "haemorrhage": "hemorrhage",
    "tumour": "tumor", "tumours": "tumors", "fibre": "fiber", "fibres": "fibers",
    "centre": "center", "favour": "favor", "favoured": "favored", "grey": "gray",
    "anaesthetic": "anesthetic", "orthopaedic": "orthopedic", "paediatric": "pediatric",
    "hyperaemia": "hyperemia", "hyperaemic": "hyperemic", "ischaemia": "ischemia",
    "ischaemic": "ischemic", "oestrogen": "estrogen", "labour": "labor",
    "programme": "program", "manoeuvre": "maneuver", "manoeuvres": "maneuvers",
    "behaviour": "behavior", "colour": "color", "metre": "meter", "litre": "liter",
}
_ISE = re.compile(r"(?<=[a-z]{3})(is|ys)(e|ed|es|ing|ation|ations)$")
_DIPHTHONG = re.compile(r"(?<=[a-z])(ae|oe)(?=[a-z]{2})|^(ae|oe)(?=[a-z]{3})")

# The roles a phrase of words.yaml's `phrases_read_as` may be read as, besides a plain word.
_PHRASE_ROLES = {"<ruled out>": NEG_MARK, "<kept in play>": CONSIDER_MARK, "<less likely>": LESS_LIKELY_MARK,
                 "<later step>": LATER_MARK}
# Sections of words.yaml that are lists of cue words, kept as written for negation and grading.
CUE_SECTIONS = ("negation", "coexistence_cues", "coexistence_in_a_discriminator", "composites", "name_nothing",
                "another_time", "place_nouns", "other_conditions", "another_disease", "infection", "specialists",
                "says_only_where_from")


def _phrase_table(data: dict) -> dict[tuple[str, ...], str]:
    """`phrases_read_as`: each phrase as the norms it is matched on (Chinese character by
    character, as CJK text is tokenized), mapped to what it is read as."""
    phrases: dict[tuple[str, ...], str] = {}
    section = data.get("phrases_read_as")
    for reading, listed in section.items() if isinstance(section, dict) else ():
        replacement = _PHRASE_ROLES.get(str(reading), str(reading))
        for phrase in listed if isinstance(listed, list) else ():
            if not isinstance(phrase, str):
                continue  # an unquoted `no` is False: tutor check reports it
            text = phrase.casefold()
            key = tuple(text) if re.fullmatch(f"[{_CJK_RANGES}]+", text) else tuple(text.split())
            if key:
                phrases[key] = replacement
    return phrases


def _cue_lists(data: dict) -> dict[str, tuple[str, ...]]:
    """The cue word lists, by name: "negation.turns", "coexistence_cues" ..."""
    out: dict[str, tuple[str, ...]] = {}
    for name in CUE_SECTIONS:
        section = data.get(name)
        lists = section.items() if isinstance(section, dict) else [("", section)]
        for key, listed in lists:
            if isinstance(listed, list):
                out[f"{name}.{key}" if key else name] = tuple(w.casefold() for w in listed if isinstance(w, str))
    return out


# Clinical shorthand typed with symbols, and everyday words for the same thing.
_SHORTHAND = {"+ve": "positive", "-ve": "negative", "w/o": "without", "w/": "with", "y/o": "year old", "f/u": "follow up", "(-)": "negative", "(+)": "positive",
              "+": "positive", "s/p": "previous", "h/o": "history of", "c/o": "complains of", "b/l": "bilateral", "°": "degree",
              # An arrow after a finding says which way it went: "IFS↓" is a decreased IFS.
              "↓": "reduced", "↑": "increased"}
# Chart shorthand that only means something after a number: "45M" (a 45-year-old man), "6-12 mo",
# "3x/week". Elsewhere "M" and "MO" are other things (MO is myositis ossificans).
_AFTER_AN_AGE = {"M": "male", "F": "female"}
_AFTER_A_NUMBER = {"mo": "month", "mos": "month", "mth": "month", "mths": "month", "wk": "week", "wks": "week"}
_PER = frozenset({"day", "d", "week", "wk", "month", "mo", "year", "yr"})
_OLDEST = 120
# Chinese numbers before a unit of time or size (四年前, 三個月後, 六週, 兩次): read as digits.
_CHINESE_DIGITS = {"一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_COUNTED = frozenset("個週周年天日次歲公毫月")


def _chinese_number(chars: str) -> int | None:
    """一 to 九十九 written out (十二, 二十, 三十五); None for anything else."""
    if chars in _CHINESE_DIGITS or not chars:
        return _CHINESE_DIGITS.get(chars)
    tens, ten, ones = chars.partition("十")
    if not ten or (tens and tens not in _CHINESE_DIGITS) or (ones and ones not in _CHINESE_DIGITS):
        return None
    return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)
def _one_word_tables(data: object) -> tuple[dict[str, str], dict[str, str]]:
    """The one-word replacements of words.yaml (`word_for_word`, `character_for_word`).

    Read as plain strings, not through the tokenizer (which uses them); a missing or
    broken section leaves them empty, as for the other word tables.
    """

    def table(name: str) -> dict[str, str]:
        section = data.get(name) if isinstance(data, dict) else None
        if not isinstance(section, dict):
            return {}
        return {str(k).casefold(): str(v) for k, v in section.items() if k is not None and v is not None}

    return table("word_for_word"), table("character_for_word")


@dataclass(frozen=True, slots=True)
class Token:
    """A word, number, Chinese character or separator of a text, where it stands in it."""

    norm: str  # what comparisons use
    raw: str  # the text as written (short capitalised abbreviations compare on this)
    start: int
    end: int
    kind: str
    unstemmed: str = ""  # the norm before plural/-ed/-ing folding, for typo look-ups

    @property
    def is_separator(self) -> bool:
        return self.kind in SEPARATOR_KINDS


def prepare(text: str, limit: int | None = None) -> str:
    """The text a learner meant: printable, NFKC-folded (full-width to ASCII), optionally cut."""
    text = unicodedata.normalize("NFKC", printable(text or ""))
    if limit is not None and len(text) > limit:
        text = text[:limit]
    return text


def typed_offsets(text: str) -> list[int] | None:
    """For each character of `prepare(text)`, where it was typed in `text` (one more entry: the end).

    Folding can change the length ("ﬆ" becomes "st", a stray escape goes), so offsets the
    matcher finds in the prepared text are mapped back through this before they are shown.
    None when the text cannot be mapped character by character (a combining accent that
    folds into the letter before it); callers then look the words up instead.
    """
    offsets: list[int] = []
    pieces: list[str] = []
    for index, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", printable(char))
        pieces.append(piece)
        offsets += [index] * len(piece)
    if "".join(pieces) != prepare(text):
        return None
    offsets.append(len(text))
    return offsets


def _spelling(word: str) -> str:
    word = _BRITISH.get(word, word)
    if len(word) >= 6:
        word = _DIPHTHONG.sub("e", word)
        word = _ISE.sub(lambda m: ("iz" if m.group(1) == "is" else "yz") + m.group(2), word)
    return word


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A light, symmetric stemmer: plurals and -ed/-ing, nothing clever."""
    if len(word) <= 3 or not word.isalpha() or not word.isascii():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ity") and len(word) > 8:
        return word[:-3]  # "hyperintensity" meets "hyperintense" at "hyperintens"
    if word.endswith("se") and len(word) > 7:
        return word[:-1]
    if word.endswith("ing") and len(word) > 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 5:
        word = word[:-2]
    else:
        return word
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    return word


def _split_apostrophe(word: str) -> list[str]:
    word = word.replace("’", "'")
    if "'" not in word:
        return [word]
    if word in ("can't", "cannot"):
        return ["can", "not"]
    if word == "won't":
        return ["will", "not"]
    if word.endswith("n't"):
        return [word[:-3], "not"]
    head, _, tail = word.partition("'")
    return [head] if tail in ("s", "d", "ll", "re", "ve", "m") else [head + tail]


def _raw_tokens(text: str, same_word: dict[str, str] | None = None,
                same_cjk: dict[str, str] | None = None) -> list[Token]:
    """Tokens as typed, one-word replacements made (those in use unless given)."""
    if same_word is None or same_cjk is None:
        same_word, same_cjk = word_data().same_word, word_data().same_cjk
    tokens: list[Token] = []
    for match in _token_matches(text):
        kind = match.lastgroup
        raw = match.group()
        start, end = match.span()
        if kind == "word":
            for part in _split_apostrophe(raw.casefold()):
                if part == "cannot":
                    tokens += [Token("can", raw, start, end, WORD), Token("not", raw, start, end, WORD)]
                elif part:
                    # "doesnt" is a contraction before it is a British spelling ("oe" -> "e").
                    meaning = same_word.get(part) or same_word.get(_spelling(part), _spelling(part))
                    for same in meaning.split():
                        tokens.append(Token(same, raw, start, end, WORD))
        elif kind == "shorthand":
            for part in _SHORTHAND[raw.casefold()].split():
                tokens.append(Token(part, raw, start, end, WORD))
        elif kind == "plus":
            tokens.append(Token("and", raw, start, end, WORD))
        elif kind == "cjk" and raw in same_cjk:
            tokens.append(Token(same_cjk[raw], raw, start, end, WORD))
        elif kind == "symbol":
            tokens.append(Token(raw, raw, start, end, WORD))
        elif kind == "num":
            tokens.append(Token(raw.replace(",", "."), raw, start, end, NUM))
        elif kind == "list" and raw in "/／":
            tokens.append(Token("/", raw, start, end, LIST))
        else:
            tokens.append(Token(raw, raw, start, end, kind))
    return _after_numbers(tokens)


def _after_numbers(tokens: list[Token]) -> list[Token]:
    """Chart shorthand read by the number before it: "55M", "45 yo F", "6 to 12 mo", "3x/week".

    "55M" and "32F" are an age and a sex only glued to a whole number a person can be; "M" on
    its own is no man. A slash between a count and a span of time is "per", not a list.
    """
    tokens = _chinese_numbers(tokens)
    out: list[Token] = []
    for i, token in enumerate(tokens):
        before = out[-1] if out else None
        if token.kind == CJK and token.raw == "度" and before is not None and before.kind == NUM:
            out.append(Token("degree", token.raw, token.start, token.end, WORD))  # 30度屈膝
            continue
        glued = before is not None and before.end == token.start
        if token.kind == WORD and token.raw in _AFTER_AN_AGE and before is not None and (
                (glued and before.kind == NUM and before.raw.isdigit() and int(before.raw) <= _OLDEST)
                or (len(out) >= 2 and (out[-2].norm, before.norm) == ("year", "old"))):
            if before.kind == NUM:
                # "year old" is the number's, "male" the letter's: each may be credited alone.
                out += [Token(word, before.raw, before.start, before.end, WORD) for word in ("year", "old")]
            out.append(Token(_AFTER_AN_AGE[token.raw], token.raw, token.start, token.end, WORD))
            continue
        if token.kind == WORD and before is not None and before.kind == NUM:
            word = token.raw.casefold()
            if word in _AFTER_A_NUMBER and token.raw != "MO":
                out.append(Token(_AFTER_A_NUMBER[word], token.raw, token.start, token.end, WORD))
                continue
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if glued and word == "x" and after is not None and (after.kind == LIST or after.norm in ("per", "a")):
                out.append(Token("times", token.raw, token.start, token.end, WORD))  # "3x/week", "2x a day"
                continue
        if token.kind == LIST and token.raw in "/／" and before is not None and i + 1 < len(tokens) and (
                before.kind == NUM or before.norm == "times") and tokens[i + 1].raw.casefold() in _PER:
            out.append(Token("per", token.raw, token.start, token.end, WORD))  # "3/week", "3x/week"
            continue
        out.append(token)
    return out


def _chinese_numbers(tokens: list[Token]) -> list[Token]:
    if not any(t.kind == CJK and t.raw in _COUNTED for t in tokens):
        return tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and tokens[j].kind == CJK and (tokens[j].raw in _CHINESE_DIGITS or tokens[j].raw == "十"):
            j += 1
        value = _chinese_number("".join(t.raw for t in tokens[i:j])) if j > i else None
        if value is not None and j < len(tokens) and tokens[j].kind == CJK and tokens[j].raw in _COUNTED:
            raw = "".join(t.raw for t in tokens[i:j])
            out.append(Token(str(value), raw, tokens[i].start, tokens[j - 1].end, NUM))
            i = j
            continue
        out.append(tokens[i])
        i += 1
    return out


def _rewrite_phrases(tokens: list[Token]) -> list[Token]:
    data = word_data()
    phrases, longest = data.phrases, data.longest_phrase
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(t.norm for t in tokens[i : i + size])
            replacement = phrases.get(key)
            if replacement is not None:
                first, last = tokens[i], tokens[i + size - 1]
                kind = WORD if replacement.isascii() or replacement.startswith("\x00") else CJK
                out.append(Token(replacement, first.raw if size == 1 else "", first.start, last.end, kind))
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


# -- word-level data (dialogues/words.yaml) ------------------------------------------------

WORDS_FILE = "words.yaml"


def shipped_words_path() -> str:
    """The word data the tutor ships: beside the package when installed, else in the repo.

    A plain string: `tutor grade` on a prepared case names this file without importing pathlib.
    """
    package_dir = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # tutor/, above matching/
    installed = os.path.join(package_dir, "dialogues", WORDS_FILE)
    return installed if os.path.isfile(installed) else os.path.join(os.path.dirname(package_dir), "dialogues",
                                                                      WORDS_FILE)


def shipped_words_file() -> Path:
    """shipped_words_path() as a Path."""
    from pathlib import Path

    return Path(shipped_words_path())


@dataclass(frozen=True)
class WordData:
    """Shorthand, synonymous words and Chinese-English word pairs, as token rewrites."""

    rewrites: dict[tuple[str, ...], tuple[str, ...]]  # key norms -> the words they stand for
    capitals: dict[str, tuple[str, ...]]  # only when typed exactly so ("PT", "US")
    essential: frozenset[str]  # never dropped from a term
    context: frozenset[str]  # may be dropped from a term when what is left is unambiguous
    longest: int
    said_last_in_chinese: frozenset[str] = frozenset()  # 間隙狹窄: "narrow" after the space
    makes_a_modifier: frozenset[str] = frozenset()  # "piriformis injection" is not piriformis
    # "worse" also names a pain, "lidocaine test" a guided injection (keys of one or more words, stemmed)
    also_means: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    same_word: dict[str, str] = field(default_factory=dict)  # word_for_word: "hurts" is "pain"
    same_cjk: dict[str, str] = field(default_factory=dict)  # character_for_word: 痛 is "pain"
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # phrases_read_as: "negative for" is "no"
    cue_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "negation.turns": but, however ...
    longest_phrase: int = 1
    # Structures a case may keep coming back to ("hamstring"): a term may go without one (see
    # terms.shortened_terms) when the case's own concepts name it again and again.
    structures: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # parts of the body: "valgus knee" is not the valgus hip
    qualifiers: frozenset[str] = frozenset()  # size and side: "no effusion" denies a small one
    other_regions: frozenset[str] = frozenset()  # "septic arthritis of the knee" is not the hip's
    modalities: frozenset[str] = frozenset()  # "follow-up radiograph" is not the follow-up MRI
    same_modality: dict[str, frozenset[str]] = field(default_factory=dict)  # sonographic: ultrasound ...
    within: dict[str, frozenset[str]] = field(default_factory=dict)  # the leg: thigh, knee, calf ...
    contrasts: dict[str, frozenset[str]] = field(default_factory=dict)  # "old": acute, chronic, old ...
    someone_else: frozenset[str] = frozenset()  # "family history of RCC" is not the patient's


def read_word_data(path: Path | str) -> WordData:
    """Word tables from a words.yaml; a missing or unreadable file gives empty tables."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    same_word, same_cjk = _one_word_tables(data)
    phrases = _phrase_table(data)

    def _key_norms(text: object) -> tuple[str, ...]:
        # The file's own one-word replacements, as the tokenizer makes them once these tables are in use.
        tokens = _raw_tokens(prepare(str(text)), same_word, same_cjk)
        return tuple(t.norm for t in tokens if t.kind in (WORD, CJK, NUM))

    rewrites: dict[tuple[str, ...], tuple[str, ...]] = {}
    for section in ("shorthand", "same", "zh"):
        for key, value in (data.get(section) or {}).items():
            words, meaning = _key_norms(key), _key_norms(value)
            if words and meaning and words != meaning:
                rewrites.setdefault(words, meaning)
    capitals = {str(k): _key_norms(v) for k, v in (data.get("capitals") or {}).items() if _key_norms(v)}

    def word_set(name: str) -> frozenset[str]:
        return frozenset(w for item in data.get(name) or () for w in _key_norms(item))

    return WordData(rewrites, capitals, word_set("essential"), word_set("context"),
                    max((len(k) for k in rewrites), default=1),
                    frozenset(_stem(w) for w in word_set("said_last_in_chinese")),
                    frozenset(_stem(w) for w in word_set("makes_a_modifier")),
                    {tuple(_stem(w) for w in k): tuple(_stem(w) for w in v) for k, v in
                     ((_key_norms(a), _key_norms(b)) for a, b in (data.get("also_means") or {}).items()) if k and v},
                    same_word, same_cjk, phrases, _cue_lists(data), max((len(k) for k in phrases), default=1),
                    structures=frozenset(_stem(w) for w in word_set("structures")),
                    places=frozenset(_stem(w) for w in word_set("places") | word_set("structures")),
                    qualifiers=frozenset(_stem(w) for w in word_set("qualifiers")),
                    other_regions=frozenset(_stem(w) for w in word_set("other_regions")),
                    modalities=frozenset().union(*_modality_groups(data.get("modalities"), _key_norms).values()),
                    same_modality=_modality_groups(data.get("modalities"), _key_norms),
                    within=_parts_of_regions(data.get("within"), _key_norms),
                    contrasts=_contrast_groups(data.get("contrasts"), _key_norms),
                    someone_else=frozenset(_stem(w) for w in word_set("someone_else")))


def _parts_of_regions(section: object, key_norms) -> dict[str, frozenset[str]]:
    """words.yaml `within`: each region with the places inside it ("leg": thigh, knee ...)."""
    if not isinstance(section, dict):
        return {}
    out: dict[str, frozenset[str]] = {}
    for region, parts in section.items():
        names = key_norms(region)
        if len(names) == 1 and isinstance(parts, list):
            out[_stem(names[0])] = frozenset(_stem(w) for part in parts for w in key_norms(part))
    return out


def _modality_groups(section: object, key_norms) -> dict[str, frozenset[str]]:
    """words.yaml `modalities`: each word with the words that name the same modality."""
    out: dict[str, frozenset[str]] = {}
    for words in section.values() if isinstance(section, dict) else ():
        if isinstance(words, list):
            group = frozenset(_stem(w) for item in words for w in key_norms(item))
            for word in group:
                out[word] = out.get(word, frozenset()) | group
    return out


def _contrast_groups(section: object, key_norms) -> dict[str, frozenset[str]]:
    """words.yaml `contrasts`: each word with the words of the other sides of its group.

    An entry of a group is one side; several words in one entry say the same ("decreased,
    reduced, diminished"), so they are no contrast of each other.
    """
    out: dict[str, frozenset[str]] = {}
    for group in section.values() if isinstance(section, dict) else ():
        if isinstance(group, list):
            sides = [frozenset(_stem(w) for w in key_norms(item)) for item in group]
            for side in sides:
                others = frozenset().union(*(o for o in sides if o is not side))
                for word in side:
                    out[word] = out.get(word, frozenset()) | others
    return out


def also_named(tokens: list[Token]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Where the answer names a kind that also names its class (words.yaml `also_means`):
    (first, last, the class's words) for each, longest key first, no two overlapping.

    "crutches" is reduced weight bearing, "lidocaine test" a guided injection, "worse" a pain.
    """
    table = word_data().also_means
    if not table:
        return []
    longest = max(len(k) for k in table)
    found: list[tuple[int, int, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        if _middle_aged_at(tokens, i):
            found.append((i, i + 2, _MIDDLE_AGED))
            i += 3
            continue
        for size in range(min(longest, len(tokens) - i), 0, -1):
            window = tokens[i : i + size]
            if any(t.kind not in _REWRITABLE for t in window):
                continue
            meaning = table.get(tuple(t.norm for t in window))
            if meaning is not None:
                found.append((i, i + size - 1, meaning))
                i += size
                break
        else:
            i += 1
    return found


# Seed 004: "middle-aged men (40-60 years-old)". An age in years in that span ("44M", "a
# 47-year-old woman", 47歲女性) also says middle aged; "34 yo" or "62 years old" does not.
_MIDDLE_AGE = (40, 60)
_MIDDLE_AGED = ("middle", "aged")


def _middle_aged_at(tokens: list[Token], i: int) -> bool:
    token = tokens[i]
    if token.kind != NUM or not token.raw.isdigit() or i + 2 >= len(tokens):
        return False
    if (tokens[i + 1].norm, tokens[i + 2].norm) != ("year", "old"):
        return False
    return _MIDDLE_AGE[0] <= int(token.raw) <= _MIDDLE_AGE[1]


def cue_list(name: str) -> tuple[str, ...]:
    """A cue word list of the words.yaml in use ("negation.turns", "coexistence_cues")."""
    return word_data().cue_lists.get(name, ())


_word_data: list[WordData] = []  # the tables in use, read once per process


def word_data() -> WordData:
    if not _word_data:
        _word_data.append(read_word_data(shipped_words_path()))
    return _word_data[0]


def use_word_data(data: WordData) -> None:
    """Use tables read earlier from the same words.yaml (a prepared case carries them)."""
    _word_data[:] = [data]
    _KEYS_BY_SIZE.clear()
    _STEMMED_KEYS.clear()
    misspelt_rewrite.cache_clear()


_REWRITABLE = (WORD, CJK, NUM)
_MISSPELT_KEY_WORDS = 2  # "avascular nercosis", "unremarkble": keys of one or two words


def _edits_allowed(word: str) -> int:
    return 0 if len(word) <= 5 else (1 if len(word) <= 8 else 2)


@lru_cache(maxsize=4096)
def misspelt_rewrite(words: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """The one word a slightly misspelt shorthand or `same` key stands for (stemmed), with the key.

    Keys are read before typos are forgiven, so "avascular nercosis" would never reach
    osteonecrosis nor "unremarkble" normal; the matcher asks here for words it knows nothing
    of. Each typed word keeps its first letter and is within the slips its length allows, and
    differs before its last two letters.
    """
    if not 0 < len(words) <= _MISSPELT_KEY_WORDS or not all(w.isascii() and w.isalpha() for w in words):
        return None
    if sum(len(w) for w in words) < 6:
        return None
    best: tuple[int, str, tuple[str, ...]] | None = None
    for key, meaning in _keys_by_size(len(words)):
        total = 0
        for typed, known in zip(words, key):
            if typed == known:
                continue
            if typed[0] != known[0] or abs(len(typed) - len(known)) > 2:
                break
            same_start = len(os.path.commonprefix((typed, known)))
            if same_start >= min(len(typed), len(known)) - 2:
                break  # another ending is another word ("sprinter", "sprinted"), not a slip
            from rapidfuzz.distance import OSA  # here, not at import: most answers have no slip to read

            distance = OSA.distance(typed, known, score_cutoff=_edits_allowed(known))
            if distance > _edits_allowed(known):
                break
            total += distance
        else:
            if total and (best is None or total < best[0]):
                best = (total, meaning, key)
    return (best[1], best[2]) if best is not None else None


_KEYS_BY_SIZE: dict[int, list[tuple[tuple[str, ...], str]]] = {}


def _keys_by_size(size: int) -> list[tuple[tuple[str, ...], str]]:
    if not _KEYS_BY_SIZE:
        for key, meaning in word_data().rewrites.items():
            if len(meaning) == 1 and all(w.isascii() and w.isalpha() and len(w) >= 3 for w in key):
                _KEYS_BY_SIZE.setdefault(len(key), []).append((key, _stem(meaning[0])))
    return _KEYS_BY_SIZE.get(size, [])


_STEMMED_KEYS: dict[int, dict[tuple[str, ...], tuple[str, ...]]] = {}


def _stemmed_keys(data: WordData) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The keys with their words stemmed, so "falls" meets the key "fall" and "tears" "tear"."""
    found = _STEMMED_KEYS.get(id(data))
    if found is None:
        found = {}
        for key, meaning in data.rewrites.items():
            found.setdefault(tuple(_stem(w) for w in key), meaning)
        _STEMMED_KEYS.clear()
        _STEMMED_KEYS[id(data)] = found
    return found


def _rewrite_at(tokens: list[Token], i: int, data: WordData) -> tuple[tuple[str, ...] | None, int]:
    """The words the key starting at tokens[i] stands for, and how many tokens it takes.

    Longer keys first ("l spine" before the capital L), then a word typed in capitals ("PT",
    "L" for left, but not the L of "L5"), then the word itself; each as typed, then stemmed.
    """
    stemmed = _stemmed_keys(data)
    for size in range(min(data.longest, len(tokens) - i), 0, -1):
        window = tokens[i : i + size]
        if any(t.kind not in _REWRITABLE for t in window):
            continue
        if size == 1 and tokens[i].kind == WORD:
            token = tokens[i]
            glued_to_number = (len(token.raw) == 1 and i + 1 < len(tokens) and tokens[i + 1].kind == NUM
                               and tokens[i + 1].start == token.end)
            capital = None if glued_to_number else data.capitals.get(token.raw)
            if capital is not None:
                return capital, 1
        norms = tuple(t.norm for t in window)
        meaning = data.rewrites.get(norms)
        if meaning is None and all(t.kind == WORD for t in window):
            meaning = stemmed.get(tuple(_stem(n) for n in norms))
        if meaning is not None:
            return meaning, size
    return None, 1


def _rewrite_words(tokens: list[Token]) -> list[Token]:
    """Shorthand and Chinese words read as the English words they stand for (longest key first)."""
    data = word_data()
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind not in _REWRITABLE:
            out.append(token)
            i += 1
            continue
        meaning, size = _rewrite_at(tokens, i, data)
        if meaning is None:
            out.append(token)
            i += 1
            continue
        first, last = tokens[i], tokens[i + size - 1]
        raw = first.raw if size == 1 and first.kind == WORD else ""
        # Chinese read as English keeps its kind: its words still come in the order written.
        kind = CJK if first.kind == CJK else WORD
        out.extend(Token(word, raw, first.start, last.end, kind) for word in meaning)
        i += size
    return out


_LABEL_COLONS = frozenset({":", "："})
_COLON_DENIALS: dict[int, frozenset[str]] = {}


def _colon_denials(data: "WordData") -> frozenset[str]:
    """The denial cues of words.yaml's `negation` section, as typed (a colon after one is kept)."""
    found = _COLON_DENIALS.get(id(data))
    if found is None:
        found = frozenset(w for name in ("negation.deny_what_follows", "negation.deny_what_precedes")
                          for w in data.cue_lists.get(name, ()) if " " not in w)
        _COLON_DENIALS.clear()
        _COLON_DENIALS[id(data)] = found
    return found
_LABELLED = (WORD, CJK, NUM)
_VALUE_WORDS = 3  # "normal", "12 mm", "no edema", "not seen"


def _drop_label_colons(tokens: list[Token], denials: frozenset[str] = frozenset()) -> list[Token]:
    """Report style: "Sciatic nerve: normal", "IFS: 12 mm" read as "sciatic nerve normal", "IFS 12 mm".

    A colon joins a label to a short value that ends its sentence. A colon before a list or a
    longer clause ("conservative: nerve gliding, activity modification") is a heading over its
    items and still keeps them apart from it, as does one with nothing after it, and one after
    a denial (`denials`: "negative: FADIR", "SLR negative: FAIR positive"), which is a heading
    or ends a clause of its own.
    """
    kept: list[Token] = []
    for i, token in enumerate(tokens):
        if token.kind == HARD and token.raw in _LABEL_COLONS and i > 0 and tokens[i - 1].kind in _LABELLED \
                and tokens[i - 1].norm.casefold() not in denials:
            value = 0
            j = i + 1
            while j < len(tokens) and tokens[j].kind in _LABELLED:
                value += 1
                j += 1
            if 0 < value <= _VALUE_WORDS and (j == len(tokens) or tokens[j].kind == HARD):
                continue
        kept.append(token)
    return kept


def _unbracket_kinds(tokens: list[Token], data: "WordData") -> list[Token]:
    """A word that says which kind, in brackets after what it says it of, is said of it:
    "labral tear (posterior)" is a posterior labral tear, "apophyseal avulsion (old)" an old one."""
    kinds = data.essential | frozenset(data.contrasts)
    drop: set[int] = set()
    for i in range(1, len(tokens) - 2):
        if (tokens[i].raw == "(" and tokens[i + 2].raw == ")" and tokens[i - 1].kind == WORD
                and tokens[i + 1].kind == WORD and tokens[i + 1].norm in kinds):
            drop.update((i, i + 2))
    return [t for k, t in enumerate(tokens) if k not in drop] if drop else tokens


def tokenize(text: str) -> list[Token]:
    """Tokens of already-prepared text, phrase-rewritten and stemmed."""
    data = word_data()
    denials = _colon_denials(data)
    tokens = _rewrite_phrases(_unbracket_kinds(_rewrite_words(_drop_label_colons(_raw_tokens(text), denials)), data))
    # Capitalised abbreviations keep their final S: BMES is not the plural of BME.
    return [
        Token(_stem(t.norm), t.raw, t.start, t.end, t.kind, t.norm)
        if (t.kind == WORD or (t.kind == CJK and t.norm.isascii())) and not t.norm.startswith("\x00")
        and not (t.raw.isupper() and len(t.raw) <= 5 and t.norm == t.raw.casefold())
        else t
        for t in tokens
    ]
