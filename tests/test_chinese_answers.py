"""Answers in Traditional Chinese, or mixed Chinese and English, against concepts written only in
English (issue 8 point 3): each rule with an answer it credits and a near miss it must not.

The words are language facts (translations and grammar, dialogues/words.yaml `zh` and
`phrases_read_as`); which concept they earn is each concept's business. Mechanical symptoms
as clicking and catching are seed 000's (the posterior labral tear).
"""

from __future__ import annotations

import pytest

from tutor.matching.index import ConceptIndex
from tutor.model import Concept

from reading import said

WORDS = ConceptIndex([
    Concept("clicking", "Hip clicking", ()),
    Concept("catching", "Catching of the hip", ()),
    Concept("tingling", "Tingling", ()),
    Concept("hamstring-normal", "Normal hamstring tendons", ()),
    Concept("hamstring-tear", "Hamstring tendon tear", ()),
    Concept("normal-radiograph", "Normal radiographs", ()),
    Concept("bone-lesion", "Bone lesion", ()),
    Concept("lumbar-disc", "Lumbar disc herniation", ()),
    Concept("ifi", "Ischiofemoral impingement", ()),
    Concept("mr-arthrography", "MR arthrography", ()),
    Concept("scar", "Scar encasing the sciatic nerve", ()),
    Concept("burning", "Burning pain", ()),
])


@pytest.mark.parametrize("answer, expected", [
    ("髖關節會卡住", {"catching": "+"}),  # 卡住: catches
    ("有喀喀聲", {"clicking": "+"}),  # 喀喀聲: a clicking sound
    ("無卡住", {"catching": "-"}),
    ("有刺痛", {"tingling": "+"}),  # 麻木或刺痛: numbness or tingling
    ("無刺痛", {"tingling": "-"}),
    ("膕旁肌腱正常", {"hamstring-normal": "+"}),  # 膕旁肌 + 腱: the hamstring tendon
    ("膕旁肌腱撕裂", {"hamstring-tear": "+"}),  # near miss: torn, not normal
    ("坐骨神經正常", {}),  # near miss: another structure normal
    ("平片正常", {"normal-radiograph": "+"}),  # 平片: a plain film
    ("平片異常", {}),  # near miss: the opposite
    ("骨病灶", {"bone-lesion": "+"}),
    ("無骨病灶", {"bone-lesion": "-"}),
    ("腰椎間盤突出", {"lumbar-disc": "+"}),  # 腰椎 and 椎間盤 share their 椎
    ("頸椎間盤突出", {}),  # near miss: a cervical disc
    ("磁振關節攝影", {"mr-arthrography": "+"}),
    ("電腦斷層關節攝影", {}),  # near miss: another modality
    ("疤痕包住坐骨神經", {"scar": "+"}),
    ("疤痕壓迫坐骨神經", {}),  # near miss: compressing is not encasing
    ("灼痛", {"burning": "+"}),
])
def test_chinese_words_of_a_history_and_a_report(answer, expected):
    assert said(WORDS, answer) == expected


@pytest.mark.parametrize("answer, expected", [
    # 不 before a word says it is not so; a longer word made with 不 (不適, 不對稱) is no denial.
    ("不會卡住", {"catching": "-"}),
    ("不刺痛", {"tingling": "-"}),
    ("髖關節不會卡住，但有喀喀聲", {"catching": "-", "clicking": "+"}),  # the denial ends at 但
    # 不太像 is "less likely": a denial a differential still lists; 最可能 is "most likely".
    ("IFI 不太像", {"ifi": "-"}),
    ("IFI 最可能", {"ifi": "+"}),
    ("IFI 不太像，腰椎間盤突出最可能", {"ifi": "-", "lumbar-disc": "+"}),
])
def test_chinese_denials_and_hedges(answer, expected):
    assert said(WORDS, answer) == expected


ORDER = ConceptIndex([
    Concept("sitting-pain", "Pain on sitting", ()),
    Concept("no-sitting-pain", "No pain on sitting", ()),
    Concept("nerve-edema", "Edema of the sciatic nerve", ()),
    Concept("skin-tingling", "Tingling of the overlying skin", ()),
    Concept("old-injury", "Old hamstring injury", ()),
    Concept("partial-sm-tear", "Partial semimembranosus tear", ()),
    Concept("posterior-labral-tear", "Posterior labral tear", ()),
])


@pytest.mark.parametrize("answer, expected", [
    # Chinese says what a head is of, or when it comes, first: "pain on sitting" is 久坐痛.
    ("久坐會痛", {"sitting-pain": "+"}),
    ("久坐時會痛", {"sitting-pain": "+"}),
    ("久坐不痛", {"sitting-pain": "-", "no-sitting-pain": "+"}),
    ("走路會痛", {}),  # near miss: pain on walking
    ("坐骨神經水腫", {"nerve-edema": "+"}),
    # near miss: the edema is another structure's, past a comma (the nerve said normal denies its own)
    ("坐骨神經正常，股方肌水腫", {"nerve-edema": "-"}),
    ("坐骨神經，股方肌水腫", {}),
    ("表面皮膚麻刺感", {"skin-tingling": "+"}),
    # ... and names the structure before what is said of it: "old hamstring injury" is 膕旁肌舊傷.
    ("兩年前膕旁肌舊傷", {"old-injury": "+"}),
    ("R hamstring 舊傷", {"old-injury": "+"}),
    ("坐骨神經舊傷", {}),  # near miss: another structure
    ("半膜肌部分撕裂", {"partial-sm-tear": "+"}),
    ("半膜肌完全撕裂", {}),  # near miss: the other extent
    ("股方肌水腫，膕旁肌部分撕裂", {}),  # near miss: another muscle's tear
    ("盂唇後側撕裂", {"posterior-labral-tear": "+"}),
    ("盂唇前側撕裂", {}),  # near miss: anterior
])
def test_chinese_word_order(answer, expected):
    assert said(ORDER, answer) == expected


STATES = ConceptIndex([
    Concept("big-piriformis", "Hypertrophied piriformis", ()),
    Concept("displaced-fragment", "Displaced bone fragment", ()),
    Concept("thick-origin", "Thickened hamstring origin", ()),
])


@pytest.mark.parametrize("answer, expected", [
    # Chinese says a state after its subject, as a verb: 梨狀肌肥大 (the piriformis enlarged).
    ("梨狀肌肥大", {"big-piriformis": "+"}),
    ("梨狀肌萎縮", {}),  # near miss: the opposite
    ("骨碎片移位", {"displaced-fragment": "+"}),
    ("骨碎片無移位", {"displaced-fragment": "-"}),  # near miss: a denial
    ("膕旁肌起點增厚", {"thick-origin": "+"}),
    ("坐骨神經增厚", {}),  # near miss: another structure
])
def test_a_state_said_after_its_subject(answer, expected):
    assert said(STATES, answer) == expected


SIGNAL = ConceptIndex([
    Concept("t1-low-t2-high", "Low T1 and high T2 signal", ("T1 hypointense and T2 hyperintense",)),
    Concept("sharp-margin", "Edema ends sharply at the intertrochanteric region",
            ("stops sharply at the intertrochanteric region",)),
])


@pytest.mark.parametrize("answer, expected", [
    # The signal said after its sequence (T1 低, T2 高), and an edge that "stops sharply" (截然而止).
    ("T1 低 T2 高", {"t1-low-t2-high": "+"}),
    ("T1低訊號 T2高訊號", {"t1-low-t2-high": "+"}),
    ("T1 高 T2 低", {}),  # near miss: the other way round
    ("在轉子間區截然而止", {"sharp-margin": "+"}),
    ("在股骨頸截然而止", {}),  # near miss: another place
])
def test_signal_and_margins_said_in_chinese(answer, expected):
    assert said(SIGNAL, answer) == expected


SEEN = ConceptIndex([
    Concept("stress-fracture", "Stress fracture", ()),
    Concept("guided-injection", "Guided pudendal nerve injection", ()),
])


@pytest.mark.parametrize("answer, expected", [
    # 未見 (not seen) denies what follows it, and, typed after an English term, what it follows.
    ("未見壓力性骨折", {"stress-fracture": "-"}),
    ("stress fracture 未見", {"stress-fracture": "-"}),
    ("壓力性骨折", {"stress-fracture": "+"}),  # near miss: said, not denied
    ("導引下陰部神經注射", {"guided-injection": "+"}),  # 導引下: under guidance
    ("導引下梨狀肌注射", {}),  # near miss: another nerve's, another muscle's injection
])
def test_not_seen_and_under_guidance(answer, expected):
    assert said(SEEN, answer) == expected
