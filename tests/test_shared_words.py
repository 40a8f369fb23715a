"""The word-level knowledge every case shares (dialogues/words.yaml) and the tokenizer's chart shorthand.

Issue 8, item 3: an instructor's case of a label and two synonyms meets the learner only
through these words. Each rule has an answer it credits and a near miss it must not; the
coverage tests at the end keep the tables consistent with each other.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tutor.matching.index import ConceptIndex
from tutor.matching.tokens import CJK, NUM, WORD, _raw_tokens, prepare, shipped_words_path, tokenize, word_data
from tutor.model import Concept


def norms(text: str) -> list[str]:
    return [t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, CJK, NUM)]


def said(index: ConceptIndex, answer: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for mention in index.find(answer).mentions:
        result[mention.concept] = "-" if mention.negated else result.get(mention.concept, "+")
    return result


# -- chart shorthand read by the number before it -----------------------------------------------


@pytest.mark.parametrize("typed, read", [
    ("55M", ["55", "year", "old", "male"]),
    ("32F with hip pain", ["32", "year", "old", "female", "with", "hip", "pain"]),
    ("45 yo M", ["45", "year", "old", "male"]),
    ("6 to 12 mo", ["6", "to", "12", "month"]),
    ("2 wks ago", ["2", "week", "ago"]),
    ("runs 3x/week", ["run", "3", "time", "per", "week"]),
    ("3/week", ["3", "per", "week"]),
    ("F/u MRI", ["follow", "up", "mri"]),
    ("S/P discectomy", ["previous", "discectomy"]),
    ("三個月後", ["3", "month", "後"]),
    ("三十五歲", ["35", "year", "old"]),
])
def test_chart_shorthand_after_a_number(typed, read):
    assert norms(typed) == read


@pytest.mark.parametrize("typed, read", [
    ("M 45", ["m", "45"]),  # a letter before a number is no age
    ("200M", ["200", "m"]),  # nobody is 200
    ("MO 2 cm", ["myositis", "ossifican", "2", "cm"]),  # MO in capitals stays myositis ossificans
    ("3 x 4 cm", ["3", "x", "4", "cm"]),  # a size, not a frequency
    ("IFS 21/13 mm", ["ischiofemoral", "space", "21", "13", "mm"]),  # two readings, not "per"
    ("第三孕期", ["third", "trimester"]),  # a Chinese number before no unit stays a word
])
def test_near_misses_of_chart_shorthand(typed, read):
    assert norms(typed) == read


def test_an_age_and_sex_is_credited_as_the_words_an_author_writes():
    index = ConceptIndex([Concept("man", "Middle-aged male", ("45-year-old man",)),
                          Concept("woman", "Woman", ())])
    assert said(index, "45M, hip pain") == {"man": "+"}
    assert said(index, "45F, hip pain") == {"woman": "+"}
    assert said(index, "M 45, hip pain") == {}


MIDDLE_AGE_CASE = [Concept("man", "Middle-aged man", ("man in his forties",)),
                   Concept("woman", "Middle-aged woman", ())]


@pytest.mark.parametrize("answer, expected", [
    ("44M, right hip pain", {"man": "+"}),
    ("a 47-year-old woman", {"woman": "+"}),
    ("47歲女性", {"woman": "+"}),
    ("60 yo male", {"man": "+"}),
    ("male in his 40s", {"man": "+"}),
    ("woman in her fifties", {"woman": "+"}),
])
def test_an_age_from_40_to_60_is_middle_aged_as_seed_004_says(answer, expected):
    assert said(ConceptIndex(MIDDLE_AGE_CASE), answer) == expected


@pytest.mark.parametrize("answer", [
    "34M, right hip pain",  # a young man
    "62 yo male",  # past 60
    "44F",  # middle-aged, but a woman: not the man
    "M 44",  # a letter before a number is no age
    "44 mm",  # a size, not an age
    "pain for 44 years",  # how long, not how old
])
def test_other_ages_and_numbers_are_not_a_middle_aged_man(answer):
    assert "man" not in said(ConceptIndex(MIDDLE_AGE_CASE), answer)


def test_tender_is_the_tenderness_at_its_own_place():
    index = ConceptIndex([Concept("ischial", "Tenderness at the ischial tuberosity", ())])
    assert said(index, "tender at the ischial tuberosity") == {"ischial": "+"}
    assert said(index, "not tender at the ischial tuberosity") == {"ischial": "-"}
    assert said(index, "tender at the greater trochanter") == {}  # another place


def test_pain_free_is_asymptomatic():
    index = ConceptIndex([Concept("before", "Previously asymptomatic", ()),
                          Concept("left", "Asymptomatic left hip", ())])
    assert said(index, "previously pain-free") == {"before": "+"}
    assert said(index, "left hip pain free") == {"left": "+"}
    assert said(index, "right hip pain free") == {}  # the other hip


def test_the_other_hip_is_the_contralateral_one_and_prior_is_previous():
    index = ConceptIndex([Concept("other", "Previous episode in the contralateral hip", ()),
                          Concept("onset", "Sudden onset", ())])
    assert said(index, "prior episode in the other hip") == {"other": "+"}
    assert said(index, "previous episode in the opposite hip") == {"other": "+"}
    assert said(index, "previous episode in the same hip") == {}
    assert said(index, "abrupt onset") == {"onset": "+"}
    assert said(index, "gradual onset") == {}


def test_side_after_a_side_adds_nothing():
    index = ConceptIndex([Concept("compared", "Nerve signal compared with the left side", ()),
                          Concept("recur", "Recurrence in the contralateral hip", ())])
    assert said(index, "nerve signal compared with the left") == {"compared": "+"}
    assert said(index, "nerve signal compared with the right side") == {}
    assert said(index, "recurrence on the other side") == {"recur": "+"}
    assert said(index, "recurrence on the same side") == {}


# -- abbreviations and synonymous words ----------------------------------------------------------


def test_other_names_of_transient_osteoporosis_from_seed_003():
    index = ConceptIndex([Concept("toh", "Transient osteoporosis of the hip", ("TOH", "ITOH")),
                          Concept("bme", "Bone marrow edema of the femoral head", ("marrow edema",))])
    for answer in ("BMES", "bone marrow oedema syndrome", "transient BME syndrome"):
        assert said(index, answer) == {"toh": "+"}, answer
    # The finding is not the syndrome: bone marrow edema alone is the edema.
    assert said(index, "bone marrow edema of the femoral head") == {"bme": "+"}
    assert said(index, "BMO femoral head") == {"bme": "+"}


def test_fatty_infiltration_is_the_fatty_replacement_of_seed_000():
    index = ConceptIndex([Concept("fat", "Quadratus femoris fatty replacement", ()),
                          Concept("edema", "Quadratus femoris edema", ())])
    assert said(index, "QF fatty infiltration") == {"fat": "+"}
    assert said(index, "股方肌脂肪替代") == {"fat": "+"}
    assert said(index, "QF infiltration") == {}  # a tumour infiltrates too


def test_abbreviations_of_tests_and_muscles():
    index = ConceptIndex([Concept("emg", "Electromyography and nerve conduction studies", ("EMG", "NCV")),
                          Concept("sm", "Semimembranosus intact", ())])
    assert said(index, "electromyography") == {"emg": "+"}
    assert said(index, "肌電圖") == {"emg": "+"}
    assert said(index, "SM intact") == {"sm": "+"}
    assert said(index, "sm intact") == {}  # only in capitals


def test_a_bone_is_named_by_its_noun_or_its_adjective():
    index = ConceptIndex([Concept("marrow", "Ischial bone marrow edema", ())])
    assert said(index, "bone marrow oedema of the ischium") == {"marrow": "+"}
    assert said(index, "bone marrow oedema of the femur") == {}


def test_an_incomplete_tear_is_a_partial_one_and_never_a_complete_one():
    index = ConceptIndex([Concept("partial", "Partial hamstring tear", ()),
                          Concept("complete", "Complete hamstring tear", ())])
    assert said(index, "incomplete hamstring tear") == {"partial": "+"}
    assert said(index, "complete hamstring tear") == {"complete": "+"}


# -- a kind names its class: also_means, keys and classes of several words ----------------------


WEIGHT_CASE = [Concept("rwb", "Reduced weight bearing", ("protected weight bearing",)),
               Concept("wb-pain", "Pain on weight bearing", ()),
               Concept("injection", "Image-guided injection", ("guided injection",)),
               Concept("trimester", "Third trimester of pregnancy", ("third trimester",))]


@pytest.mark.parametrize("answer, expected", [
    ("crutches", {"rwb": "+"}),
    ("no crutches needed", {"rwb": "-"}),
    ("拐杖", {"rwb": "+"}),
    ("offload the hip", {"rwb": "+"}),
    ("partial WB", {"rwb": "+"}),
    ("lidocaine test", {"injection": "+"}),
    ("steroid injection", {"injection": "+"}),
    ("no injection", {"injection": "-"}),
    ("late pregnancy", {"trimester": "+"}),
])
def test_a_kind_names_its_class(answer, expected):
    assert said(ConceptIndex(WEIGHT_CASE), answer) == expected


@pytest.mark.parametrize("answer, wrong", [
    ("crutches, hip pain", "wb-pain"),  # the words of "reduced weight bearing" go together
    ("lidocaine", "injection"),  # the drug is not the test
    ("late", "trimester"),
    ("pregnancy", "trimester"),
])
def test_a_class_of_several_words_is_credited_whole(answer, wrong):
    assert wrong not in said(ConceptIndex(WEIGHT_CASE), answer)


def test_a_chinese_term_is_credited_by_a_kind_of_it():
    index = ConceptIndex([Concept("rwb", "減少負重", ())])
    assert said(index, "拐杖") == {"rwb": "+"}


def test_the_class_gives_way_where_the_case_names_the_kind():
    index = ConceptIndex([Concept("rwb", "Reduced weight bearing", ()), Concept("crutches", "Crutches", ())])
    assert said(index, "crutches") == {"crutches": "+"}


def test_signal_names_what_seed_000_says_it_shows():
    index = ConceptIndex([Concept("edema", "Quadratus femoris edema", ()),
                          Concept("fat", "Quadratus femoris fatty replacement", ())])
    assert said(index, "quadratus femoris T2 hyperintensity") == {"edema": "+"}
    assert said(index, "high T2 signal in the quadratus femoris") == {"edema": "+"}
    assert said(index, "T1 hyperintense quadratus femoris") == {"fat": "+"}


def test_skeletal_maturity_from_age_and_apophysis_as_seed_001_says():
    index = ConceptIndex([Concept("immature", "Skeletally immature", ()),
                          Concept("mature", "Skeletally mature", ())])
    assert said(index, "adolescent sprinter") == {"immature": "+"}
    assert said(index, "unfused apophysis") == {"immature": "+"}
    assert said(index, "apophysis fused") == {"mature": "+"}
    assert said(index, "adult sprinter") == {}


@pytest.mark.parametrize("answer, expected", [
    ("positive FAIR test", {"piriformis": "+"}),
    ("FAIR test negative", {"piriformis": "-"}),  # a negative piriformis test
    ("+ve IFI test", {"ext-add": "+"}),
    ("IFI test", {}),  # a test named, no result
    ("positive long stride walking test", {"stride": "+"}),
])
def test_a_test_result_names_what_seed_002_says_it_shows(answer, expected):
    index = ConceptIndex([Concept("piriformis", "Positive piriformis tests", ()),
                          Concept("ext-add", "Pain on hip extension with adduction", ()),
                          Concept("stride", "Pain on long-stride walking", ())])
    assert said(index, answer) == expected


def test_an_abbreviation_between_a_terms_words_is_one_word():
    # "FAIR" stands for four words (flexion adduction internal rotation); between the words of
    # a term it is one word, as typed.
    index = ConceptIndex([Concept("stretch", "Painful seated piriformis stretch", ())])
    assert said(index, "pain on FAIR and the seated piriformis stretch") == {"stretch": "+"}
    assert said(index, "pain on FAIR, IFI test, SLR and the seated piriformis stretch") == {}


def test_a_typed_word_is_read_before_the_class_it_also_names():
    # FAIR also names a piriformis test; "FAIR test" is still the FAIR test as typed.
    index = ConceptIndex([Concept("fair", "FAIR test", ())])
    assert said(index, "FAIR test negative") == {"fair": "-"}
    assert said(index, "positive FAIR test") == {"fair": "+"}


def test_late_pregnancy_in_chinese_is_the_third_trimester():
    index = ConceptIndex([Concept("trimester", "Third trimester of pregnancy", ("third trimester",)),
                          Concept("onfh", "Osteonecrosis", ())])
    for answer in ("妊娠晚期", "懷孕後期", "懷孕第三期", "late pregnancy"):
        assert said(index, answer) == {"trimester": "+"}, answer
    assert said(index, "晚期骨壞死") == {"onfh": "+"}  # late-stage osteonecrosis: no pregnancy
    # 懷孕 alone is still a pregnancy where no longer concept takes the words.
    assert said(ConceptIndex([Concept("pregnant", "Pregnancy", ())]), "懷孕第三期") == {"pregnant": "+"}


def test_symptoms_and_courses_by_their_kinds():
    index = ConceptIndex([Concept("neuro", "No neurological symptoms", ()),
                          Concept("self", "Self-limiting course", ()),
                          Concept("recur", "Recurrence", ()),
                          Concept("rcc", "Renal cell carcinoma", ())])
    assert said(index, "no numbness") == {"neuro": "+"}
    assert said(index, "resolves spontaneously") == {"self": "+"}
    assert said(index, "second episode") == {"recur": "+"}
    assert said(index, "second opinion") == {}


def test_a_procedure_is_named_by_its_verb_or_its_noun():
    index = ConceptIndex([Concept("resection", "Lesser trochanter resection", ()),
                          Concept("urgent", "Urgent surgery", ())])
    assert said(index, "surgery - resect the lesser trochanter") == {"resection": "+"}
    assert said(index, "emergency surgery") == {"urgent": "+"}
    assert said(index, "lesser trochanter is prominent") == {}


# -- Traditional Chinese words -------------------------------------------------------------------


@pytest.mark.parametrize("answer, concept", [
    ("休息、物理治療", "rest"),
    ("活動調整", "activity"),
    ("外展肌強化", "abductor"),
    ("第三孕期", "trimester"),
    ("妊娠晚期", "trimester"),
    ("髖外翻", "valgus"),
    ("肌腱回縮5公分", "retraction"),
    ("骨質減少", "osteopenia"),
    ("大步走疼痛", "stride"),
    ("大步走路疼痛", "stride"),
    ("四年前也痛過", "four-years"),
    ("30度屈膝", "thirty"),
])
def test_chinese_words_of_the_seeds_meet_english_terms(answer, concept):
    index = ConceptIndex([Concept("rest", "Rest", ()), Concept("activity", "Activity modification", ()),
                          Concept("abductor", "Abductor strengthening", ()),
                          Concept("trimester", "Third trimester of pregnancy", ("third trimester",)),
                          Concept("valgus", "Valgus hip", ()), Concept("retraction", "Tendon retraction", ()),
                          Concept("osteopenia", "Osteopenia", ()),
                          Concept("stride", "Pain on long-stride walking", ("long stride pain",)),
                          Concept("four-years", "4 years ago", ()),
                          Concept("thirty", "30 degrees of knee flexion", ())])
    assert concept in said(index, answer)


def test_a_chinese_word_is_read_whole_or_not_at_all():
    # 大步 (long stride) and 走路 (walking) are two words: a key across them would break both.
    assert norms("大步走路") == ["long", "stride", "walk"]
    index = ConceptIndex([Concept("stride", "Long stride pain", ())])
    assert said(index, "小步走不痛") == {}  # short strides


# -- the tables agree with each other ------------------------------------------------------------


def _sections() -> dict:
    with open(shipped_words_path(), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _read(text: str) -> tuple[str, ...]:
    data = word_data()
    return tuple(t.norm for t in _raw_tokens(prepare(text), data.same_word, data.same_cjk)
                 if t.kind in (WORD, CJK, NUM))


@pytest.mark.parametrize("section", ["shorthand", "capitals", "same", "zh"])
def test_every_value_is_read_as_written(section):
    """A value that is itself a key would not meet the English it names ("fatty infiltration"
    is read as "fatty replacement", so a Chinese word must say fatty replacement)."""
    keys = word_data().rewrites
    wrong = []
    for key, value in _sections()[section].items():
        words = _read(str(value))
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                if keys.get(words[start:start + size], words[start:start + size]) != words[start:start + size]:
                    wrong.append(f"{key}: {value}")
    assert not wrong


def test_no_chinese_value_carries_a_word_a_term_never_needs():
    """A stopword in a value ("attached to") becomes part of one Chinese word's meaning that no
    term can cover whole: 附著於 is "attached"."""
    from tutor.matching.negation import STOPWORDS

    wrong = [f"{key}: {value}" for key, value in _sections()["zh"].items()
             if any(word in STOPWORDS for word in str(value).split())]
    assert not wrong


def test_every_chinese_key_is_chinese_and_every_value_english():
    cjk = re.compile(r"[\u3400-\u9fff]")
    for key, value in _sections()["zh"].items():
        assert cjk.search(str(key)), key
        assert str(value).isascii(), key


def test_lsw_is_seed_002s_long_stride_walking_test():
    index = ConceptIndex([Concept("stride", "Long stride walking test positive", ())])
    assert said(index, "LSW test positive") == {"stride": "+"}
    assert said(index, "positive LSW test") == {"stride": "+"}
    assert said(index, "LSW test") == {}  # named, no result
    assert said(index, "lsw test positive") == {"stride": "+"}  # no everyday word "lsw" to keep apart


def test_what_happened_years_ago_happened_before():
    index = ConceptIndex([Concept("earlier", "Previous episode in the contralateral hip", ()),
                          Concept("never", "No previous hip surgery", ())])
    assert said(index, "episode in the other hip 2 years ago") == {"earlier": "+"}
    assert said(index, "contralateral hip episode 2 yrs ago") == {"earlier": "+"}
    assert said(index, "episode in the same hip 2 years ago") == {}  # not the other hip
    # The onset of this complaint is no earlier operation, and says nothing against "never".
    assert said(index, "hip pain started 3 weeks ago") == {}
    assert said(index, "no hip surgery") == {"never": "+"}


def test_avulsed_is_the_avulsion():
    index = ConceptIndex([Concept("old", "Old ischial apophyseal avulsion", ()),
                          Concept("acute", "Acute ischial apophyseal avulsion", ())])
    assert said(index, "old avulsed ischial apophysis") == {"old": "+"}
    assert said(index, "acute avulsed ischial apophysis") == {"acute": "+"}
    assert said(index, "avulsed ischial apophysis") == {}  # neither age said


def test_piriformis_syndrome_is_a_deep_gluteal_syndrome_as_seed_000_says():
    umbrella = ConceptIndex([Concept("dgs", "Deep gluteal syndrome", ())])
    assert said(umbrella, "piriformis syndrome") == {"dgs": "+"}
    assert said(umbrella, "no piriformis syndrome") == {"dgs": "-"}
    assert said(umbrella, "piriformis hypertrophy") == {}  # a finding, not the syndrome
    # Where the case names the kind itself, the kind is what was said.
    both = ConceptIndex([Concept("dgs", "Deep gluteal syndrome", ()), Concept("ps", "Piriformis syndrome", ())])
    assert said(both, "piriformis syndrome") == {"ps": "+"}


def test_a_step_is_a_stride():
    index = ConceptIndex([Concept("long", "Pain on long strides", ()),
                          Concept("test", "Long stride walking test positive", ())])
    assert said(index, "pain with big steps") == {"long": "+"}
    assert said(index, "pain with small steps") == {}  # the other stride
    assert said(index, "positive long-stride test") == {"long": "+"}  # seed 002: the test reproduces the pain
    assert said(index, "long-stride test") == {}  # named, no result
