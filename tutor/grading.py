"""One answer to one stage: what it got right, what it denied, what it missed.

`CaseGrader` builds the case's concept index once; `grade` then reads an
answer against a stage. Credit here is for this answer alone; the engine
adds answers up across attempts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial

from tutor.matching.index import MAX_ANSWER_CHARS, Analysis, ConceptIndex, Mention, is_absence_concept
from tutor.matching.tokens import cue_list, typed_offsets
from tutor.model import Case, Concept, Stage

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on `tutor grade`'s path
if TYPE_CHECKING:
    from tutor.composites import Reading


@dataclass(frozen=True)
class Grade:
    """What one answer to a stage earned: concepts credited, denied, missing, and the credit."""

    stage_id: str
    answer: str
    matched: tuple[str, ...]  # expected concepts the answer asserts, in stage order
    misconceptions: tuple[str, ...]  # misconception concepts it asserts
    negated: tuple[str, ...]  # stage concepts it mentions only to deny
    missing: tuple[str, ...]  # expected concepts it does not assert
    credit: float  # weighted share of expected concepts matched, 0..1
    mentions: tuple[Mention, ...]  # every known concept named, in or out of the stage
    truncated: bool = False
    # Of matched and misconceptions, those only kept in play ("r/o AVN", "TOH > AVN"):
    # a differential lists them, but a learner who rules one out has not chosen it.
    considered: tuple[str, ...] = ()
    # Of matched, the `either_way` concepts this answer reported as absent ("no effusion").
    reported_absent: tuple[str, ...] = ()
    # The stage's own concepts (expected and misconceptions): `also_mentioned` is the others.
    stage_concepts: tuple[str, ...] = ()

    def best_mention(self, concept_id: str, denied: bool = False) -> Mention | None:
        """The concept's highest-scoring mention (the first of equals), asserted or denied.

        The one rule for which words stand for a concept: the engine credits them, the app
        lights them up and `tutor grade` reports them.
        """
        best = None
        for mention in self.mentions:
            if mention.concept == concept_id and mention.negated == denied:
                if best is None or mention.score > best.score:
                    best = mention
        return best

    def to_json(self) -> dict:
        def words(ids: tuple[str, ...], denied: bool) -> dict:
            out = {}
            for concept_id in ids:
                best = self.best_mention(concept_id, denied)
                if best is not None:
                    out[concept_id] = {
                        "text": best.evidence, "start": best.start, "end": best.end,
                        "term": best.term, "score": best.score,
                    }
            return out

        data = {
            "stage": self.stage_id,
            "answer": self.answer,
            "matched": list(self.matched),
            "misconceptions": list(self.misconceptions),
            "negated": list(self.negated),
            "missing": list(self.missing),
            "credit": self.credit,
            "considered": list(self.considered),
            "evidence": {
                **words(self.matched, False), **words(self.misconceptions, False),
                **words(self.negated, True),
            },
            # Known concepts outside the stage. A concept of the stage that the answer only kept
            # in play or that another spoke for ("IFI less likely" beside the credited "No
            # ischiofemoral impingement") is not listed: it would read as the opposite credited.
            "also_mentioned": sorted(
                {m.concept for m in self.mentions} - set(self.stage_concepts)
                - set(self.matched) - set(self.misconceptions) - set(self.negated)
            ),
        }
        if self.reported_absent:
            data["reported_absent"] = list(self.reported_absent)
        if self.truncated:
            data["truncated"] = True
        return data


class CaseGrader:
    """Grades answers for one case; build once, call per answer."""

    def __init__(self, case: Case):
        self.case = case
        in_play = {c for stage in case.stages for c in (*stage.expected_ids, *stage.misconception_ids)}
        self.index = ConceptIndex(case.concepts.values(), _shared_vocabulary(), _setting_words(case),
                                  topic_words(case), in_play)

    @classmethod
    def prepared(cls, case: Case, index: ConceptIndex, relations: Iterable[str] | None = None,
                 alone: Iterable[str] | None = None) -> "CaseGrader":
        """A grader over an index built earlier for this case (see tutor.prepared); `relations`
        and `alone`: what relation_concepts() and alone_concepts() found, when that was kept too."""
        grader = cls.__new__(cls)
        grader.case, grader.index = case, index
        if relations is not None:
            grader.__dict__["_relations"] = frozenset(relations)
        if alone is not None:
            kept = frozenset(alone)
            grader.__dict__["_alone"] = {c: c in kept for stage in case.stages
                                         for c in (*stage.expected_ids, *stage.misconception_ids)}
        return grader

    def _on_this_side(self, mentions: tuple[Mention, ...], text: str, stage_kind: str = "") -> tuple[Mention, ...]:
        """Without the findings said of the other side only: "QF edema on the left" is not the
        right hip's QF edema (the engine tells the learner to check the side). A concept about
        the other side ("asymptomatic left hip") is read as its words say, and one whose label
        names no part of the body ("Skeletally immature", "Third trimester") has no side - unless
        its own phrase gives it one: "early repair of the right hamstring"."""
        from tutor.sides import clauses, other_side_only

        side = self.case.side or ""
        wrong = [(a, b) for a, b in clauses(text) if other_side_only(text[a:b], side)]
        if not wrong:
            return mentions
        # What a concept's own words say of sides and places is read only for the concepts an
        # answer names in a clause about the other side (most answers name none), once each.
        about_the_other_side: dict[str, bool] = self.__dict__.setdefault("_about_the_other_side", {})
        placeless: dict[str, bool] = self.__dict__.setdefault("_placeless", {})

        def is_about_the_other_side(concept_id: str) -> bool:
            if concept_id not in about_the_other_side:
                concept = self.case.concepts.get(concept_id)
                # "compared with the contralateral side" is about the other side as much as "... the left".
                about_the_other_side[concept_id] = concept is not None and any(
                    other_side_only(t, side) or _CONTRALATERAL.search(t) for t in (concept.label, *concept.synonyms))
            return about_the_other_side[concept_id]

        def names_no_place(concept_id: str) -> bool:
            if concept_id not in placeless:
                concept = self.case.concepts.get(concept_id)
                placeless[concept_id] = concept is not None and not _names_a_place(concept)
            return placeless[concept_id]

        # A denial said of the other side denies nothing here: "right IFS 21 mm, normal" on a case
        # about the left hip is no denial of the left's narrowing. A diagnosis names no place in its
        # label, yet a side said with it places it: "ischiofemoral impingement on the right".
        a_condition = stage_kind in ("differential", "diagnosis")
        return tuple(m for m in mentions if not any(a <= m.start < b for a, b in wrong)
                     or is_about_the_other_side(m.concept)
                     or (names_no_place(m.concept) and not a_condition
                         and not _gives_the_other_side(_own_phrase(text, m), side)))

    def relation_concepts(self) -> frozenset[str]:
        """The concepts of the case's stages that are read as a relation between two things: what
        their labels say, not any answer, so a prepared case keeps them (tutor.prepared)."""
        return frozenset(r.concept for stage in self.case.stages for r in self._composite_readings(stage))

    def alone_concepts(self) -> frozenset[str]:
        """The concepts of the case's stages that are a plan "alone" (see _alone_beside_another),
        from their labels: a prepared case keeps them too."""
        return frozenset(c for stage in self.case.stages for c in (*stage.expected_ids, *stage.misconception_ids)
                         if self._says_alone(c))

    def _composite_readings(self, stage: Stage) -> list:
        """The stage's concepts that are a relation between two things (tutor.composites), read
        once per concept from their labels and synonyms."""
        out = []
        for concept_id in (*stage.expected_ids, *stage.misconception_ids):
            reading = self._composite_reading(concept_id)
            if reading is not None:
                out.append(reading)
        return out

    def _composite_reading(self, concept_id: str) -> Reading | None:
        relations = self.__dict__.get("_relations")  # known beforehand on a prepared case
        if relations is not None and concept_id not in relations:
            return None
        from tutor.composites import reading_of

        readings = self.__dict__.setdefault("_composites", {})
        if concept_id not in readings:
            concept = self.case.concepts.get(concept_id)
            readings[concept_id] = None if concept is None else reading_of(
                concept, self.index, partial(self._words_of_others, concept_id), self._stage_labels)
        return readings[concept_id]

    def _with_what_absences_deny(self, mentions: tuple[Mention, ...], in_stage: set[str]) -> tuple[Mention, ...]:
        """An absence stated denies the thing it is the absence of: "steroid-naive" states the
        "No steroid use" and so denies the "Steroid use"; "no subchondral fracture line or
        crescent" the "Subchondral crescent"; "SLR negative" (a "Negative straight leg raise")
        the "Positive straight leg raise". Nothing the answer asserts itself is denied."""
        asserted = {m.concept for m in mentions if not m.negated}
        added = []
        for m in mentions:
            if m.negated or m.considered or m.concept not in self._stage_concepts():
                continue
            if _says_normal(m.evidence):
                continue  # "sciatic nerve normal" says nothing of its edema (a positive twin)
            for other in self._what_it_denies(m.concept):
                if other in in_stage and other not in asserted:
                    added.append(replace(m, concept=other, negated=True, considered=False, soft=False,
                                         alternative=False, measured=False))
                    asserted.add(other)
        return mentions + tuple(added) if added else mentions

    def _with_kinds_named(self, mentions: tuple[Mention, ...], in_stage: set[str]) -> tuple[Mention, ...]:
        """A label's aside that names another concept of the case names that concept: where the
        author wrote "Sciatic nerve tumour (schwannoma or neurofibroma)" and also "Schwannoma of
        the sciatic nerve" for the differential, "schwannoma" there is the schwannoma; and in a
        stage that asks for the tumour, the schwannoma (one of the kinds its label names) is
        the tumour."""
        asides, kinds = self._kinds()
        if not kinds:
            return mentions
        said = {m.concept for m in mentions}
        added = []
        for m in mentions:
            kind = asides.get((m.concept, m.term))
            if kind is not None and kind in in_stage and kind not in said:
                added.append(replace(m, concept=kind))
                said.add(kind)
            general = kinds.get(m.concept, ())
            if m.concept not in in_stage:
                for other in general:
                    if other in in_stage and other not in said:
                        added.append(replace(m, concept=other))
                        said.add(other)
        return mentions + tuple(added) if added else mentions

    def _with_what_it_is_and_is_not(self, mentions: tuple[Mention, ...], expected: tuple[str, ...]) -> tuple[Mention, ...]:
        """A concept whose label says what a thing is and what it is not ("Quadratus femoris
        edema from the neighbouring hamstring injury, not from impingement") is earned by the
        answer that states the one and rules out the other ("QF edema, not IFI", "QF edema 非 IFI
        所致"); never by the thing alone, nor by the thing said with the other ("QF edema from
        IFI")."""
        readings = self._is_and_is_not()
        if not readings:
            return mentions
        said = {m.concept for m in mentions if not m.negated}
        added = []
        for concept_id, (things, others) in readings.items():
            if concept_id not in expected or concept_id in said:
                continue
            thing = next((m for m in mentions if m.concept in things and not m.negated and not m.considered
                          and not m.when), None)
            other = next((m for m in mentions if m.concept in others and m.negated and not m.soft), None)
            if thing is None or other is None or any(m.concept in others and not m.negated for m in mentions):
                continue
            first, last = (thing, other) if thing.start <= other.start else (other, thing)
            added.append(replace(thing, concept=concept_id, start=first.start, end=last.end,
                                 typed_start=first.typed_start, typed_end=last.typed_end,
                                 covered=thing.covered | other.covered, evidence=f"{first.evidence} ... {last.evidence}"))
            said.add(concept_id)
        return mentions + tuple(added) if added else mentions

    def _is_and_is_not(self) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        """Each stage concept whose label is "A, not B" / "A, not from B" / "A rather than B" ->
        the case's concepts A names and those B names."""
        kept = self.__dict__.get("_is_not")
        if kept is not None:
            return kept
        kept = self.__dict__["_is_not"] = {}
        used = self._stage_concepts()
        labels = {cid: _content_words(self.case.concepts[cid].label) for cid in used if cid in self.case.concepts}
        for cid in used:
            concept = self.case.concepts.get(cid)
            found = None if concept is None else _IS_NOT.match(concept.label)
            if found is None:
                continue
            head = _content_words(_ITS_CAUSE.split(found["thing"])[0])
            other = _content_words(found["other"])
            if not head or not other:
                continue
            things = frozenset(o for o, words in labels.items() if o != cid and words and words == head)
            others = frozenset(o for o, words in labels.items() if o != cid and o not in things and other <= words)
            if things and others:
                kept[cid] = (things, others)
        return kept

    def _kinds(self) -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, ...]]]:
        """(concept, aside of its label) -> the concept of the case the aside names, and each such
        concept -> the concepts whose label names it as a kind ("(schwannoma or neurofibroma)")."""
        kept = self.__dict__.get("_kinds_named")
        if kept is not None:
            return kept
        from tutor.matching.terms import label_forms
        from tutor.matching.tokens import CJK, NUM, WORD, prepare, tokenize

        def words(text: str) -> frozenset[str]:
            from tutor.matching.negation import STOPWORDS

            return frozenset(t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK)
                             and t.norm not in STOPWORDS)

        used = self._stage_concepts()
        labels = {cid: words(self.case.concepts[cid].label) for cid in used if cid in self.case.concepts}
        asides: dict[tuple[str, str], str] = {}
        kinds: dict[str, list[str]] = {}
        for cid in used:
            concept = self.case.concepts.get(cid)
            if concept is None or "(" not in concept.label:
                continue
            for aside in label_forms(concept.label)[2:]:
                said = words(aside)
                named = [o for o, label in labels.items() if o != cid and said and said <= label]
                if len(named) == 1:
                    asides[(cid, aside)] = named[0]
                    kinds.setdefault(named[0], []).append(cid)
        kept = self.__dict__["_kinds_named"] = (asides, {k: tuple(v) for k, v in kinds.items()})
        return kept

    def _with_what_normal_structures_deny(self, mentions: tuple[Mention, ...], stage: Stage) -> tuple[Mention, ...]:
        """A structure said normal denies the stage's misconceptions that are findings of it:
        where "Thickened hamstring tendon" is a wrong answer, "hamstring tendons intact" (the
        "Normal hamstring tendons") rules it out. A finding the stage expects is not denied: there
        "normal X" is the wrong answer, and the finding is missed."""
        wrong = [c for c in stage.misconception_ids if c not in stage.expected_ids]
        if not wrong:
            return mentions
        asserted = {m.concept for m in mentions if not m.negated}
        added = []
        for m in mentions:
            if m.negated or m.considered or m.concept not in stage.expected_ids:
                continue
            structures = self._normal_structures().get(m.concept)
            if not structures:
                continue
            for other in wrong:
                if other in asserted:
                    continue
                # The finding's structure is the normal one's, its first (naming) word among
                # them: "SM intact" says nothing of a retracted "tendon".
                if any(found <= set(said) and said[0] in found
                       for found in self._findings_of_structures().get(other, ()) for said in structures):
                    added.append(replace(m, concept=other, negated=True, considered=False, soft=False,
                                         alternative=False, measured=False))
                    asserted.add(other)
        return mentions + tuple(added) if added else mentions

    def _normal_structures(self) -> dict[str, list[tuple[str, ...]]]:
        """Each concept that says a structure is normal ("Normal hamstring tendons"; not a "No
        ..." absence, which denies only its own core) -> the structure's words, in order (see
        terms.normal_structures)."""
        kept = self.__dict__.get("_normal_of")
        if kept is None:
            kept = self.__dict__["_normal_of"] = {}
            for t in self.index.terms:
                concept = self.case.concepts.get(t.concept)
                if t.said_normal and t.denial_core and concept is not None and not is_absence_concept(concept):
                    kept.setdefault(t.concept, []).append(tuple(w.norm for w in t.words if not w.optional))
        return kept

    def _findings_of_structures(self) -> dict[str, list[frozenset[str]]]:
        """Each finding of a structure -> the structure's words ("hamstring" of "hamstring
        tendinosis"; see terms.structures_said_normal)."""
        kept = self.__dict__.get("_findings_of")
        if kept is None:
            kept = self.__dict__["_findings_of"] = {}
            for t in self.index.terms:
                if t.said_normal and not t.denial_core:
                    kept.setdefault(t.concept, []).append(frozenset(w.norm for w in t.words if not w.optional))
        return kept

    def _what_it_denies(self, concept_id: str) -> frozenset[str]:
        """The stage concepts a concept states the absence of: what the core of its "No ..."
        names ("No steroid use": the "Steroid use"), or the same label with "positive" for its
        "negative"."""
        denies = self.__dict__.setdefault("_denies", {})
        found = denies.get(concept_id)
        if found is not None:
            return found
        used = self._stage_concepts()
        out: set[str] = set()
        concept = self.case.concepts.get(concept_id)
        said = concept.label.casefold().split()[:1] if concept is not None else []
        # Only a label that says the thing is not there: "Normal sciatic nerve" is no denial of
        # the nerve's edema (the positive twin of an absence stays unread). The thing is another
        # concept with a term of exactly the words of this one's core. Read only for a concept
        # an answer asserts, once: most are no absence, and start-up pays for every pass here.
        if said and said[0] in _ABSENCE_WORDS:
            cores = {tuple(w.norm for w in t.words if not w.optional) for t in self.index.terms
                     if t.concept == concept_id and t.denial_core and not t.shortened}
            out.update(t.concept for t in self.index.terms
                       if t.concept != concept_id and t.concept in used and not t.denial_core and not t.shortened
                       and tuple(w.norm for w in t.words if not w.optional) in cores)
        if said == ["negative"]:
            # Its label's words are read as the core of the absence: "straight leg raise".
            positive = "positive " + self._stage_labels().get(concept_id, "")
            out.update(c for c, words in self._stage_labels().items() if words == positive)
        found = denies[concept_id] = frozenset(out)
        return found

    def _stage_labels(self) -> dict[str, str]:
        """The labels of the concepts the case's stages use, as their words' norms (from the index,
        which has read every label already)."""
        labels = self.__dict__.get("_labels")
        if labels is None:
            used = self._stage_concepts()
            labels = self.__dict__["_labels"] = {}
            for term in self.index.terms:
                concept = self.case.concepts.get(term.concept)
                if term.concept in used and concept is not None and term.text == concept.label:
                    labels.setdefault(term.concept, " ".join(w.norm for w in term.words))
        return labels

    def _stage_concepts(self) -> frozenset[str]:
        return frozenset(i for stage in self.case.stages for i in (*stage.expected_ids, *stage.misconception_ids))

    def _words_of_others(self, concept_id: str) -> frozenset[str]:
        """The words of the case's other stage concepts (what a relation's parts may be named by)."""
        words = self.__dict__.get("_words_by_concept")
        if words is None:
            used = self._stage_concepts()
            words = self.__dict__["_words_by_concept"] = {}
            for term in self.index.terms:
                if term.concept in used:
                    words.setdefault(term.concept, set()).update(w.norm for w in term.words)
        return frozenset().union(*(w for c, w in words.items() if c != concept_id))

    def _read_composites(self, stage: Stage, analysis: Analysis, mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
        """Mentions of the stage's relation concepts the answer earns by their parts (see
        tutor.composites); the parts' own mentions give way to them."""
        relations = self.__dict__.get("_relations")
        if relations is not None and relations.isdisjoint((*stage.expected_ids, *stage.misconception_ids)):
            return mentions  # a prepared case knows its relations: most stages have none
        from tutor.composites import (Comparison, Conditional, condition_span, may_state_a_relation, mention_of,
                                      states_another_claim)

        if not may_state_a_relation(analysis.text):
            return mentions
        readings = self._composite_readings(stage)
        if not readings:
            return mentions
        from tutor.matching.tokens import tokenize

        tokens = tokenize(analysis.text)
        for reading in readings:
            named = [m for m in mentions if m.concept == reading.concept and not m.negated]
            reversed_ = [m for m in named if isinstance(reading, Comparison) and states_another_claim(reading, m.evidence)]
            if reversed_:
                # Its own words in another order may say the reverse: "bursitis alone is commoner
                # than tendinopathy alone" is no "Tendinopathy alone is commoner than bursitis alone".
                mentions = tuple(m for m in mentions if m not in reversed_)
                named = [m for m in named if m not in reversed_]
            if named:
                # Named by its own term: what failed, inside its condition, is no plan either.
                span = frozenset().union(*(condition_span(reading, tokens, m) for m in named)) if isinstance(
                    reading, Conditional) else frozenset()
                mentions = tuple(m for m in mentions if m.concept == reading.concept or not m.covered
                                 or not m.covered <= span)
                continue
            found = mention_of(reading, analysis.text, tokens, mentions, readings)
            if found is None:
                continue
            mentions = tuple(m for m in mentions if not m.covered or not m.covered <= found.covered
                             or m.concept == reading.concept) + (found,)
        return mentions

    def _alone_beside_another(self, stage: Stage, mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
        """Without a plan "alone" the answer names another of the stage's concepts beside:
        "rest and NSAIDs, and urgent referral to a surgeon" is no "Rest, NSAIDs and
        physiotherapy alone"."""
        in_stage = (*stage.expected_ids, *stage.misconception_ids)
        for concept_id in in_stage:
            if not self._says_alone(concept_id):
                continue
            own = [m.covered for m in mentions if m.concept == concept_id and not m.negated]
            if own and any(m.concept != concept_id and m.concept in in_stage and not m.negated and m.covered
                           and not any(m.covered & c for c in own) for m in mentions):
                mentions = tuple(m for m in mentions if m.concept != concept_id or m.negated)
        return mentions

    def _says_alone(self, concept_id: str) -> bool:
        flags = self.__dict__.setdefault("_alone", {})  # all of the stages' on a prepared case
        if concept_id not in flags:
            from tutor.composites import says_alone

            concept = self.case.concepts.get(concept_id)
            flags[concept_id] = (concept is not None and says_alone(concept)
                                 and self._composite_reading(concept_id) is None)
        return flags[concept_id]

    def _named_by_a_measure(self, stage: Stage) -> dict[str, tuple[str, ...]]:
        """For each of the stage's measured concepts ("Retraction of more than 2 cm"), the stage's
        expected concepts a measurement of it also states, whatever the number: those whose
        label names the measured finding by a one-word name of the measure ("Retracted tendon ends") and
        no state of it a number might contradict ("Narrow IFS", "Normal QFS"), nor a report of it."""
        found = self.__dict__.setdefault("_by_measure", {})
        if stage.id not in found:
            from tutor.matching.negation import cue_words
            from tutor.matching.tokens import _stem, tokenize

            stating = cue_words().states_the_finding | _REPORTING
            out: dict[str, tuple[str, ...]] = {}
            for concept_id in (*stage.expected_ids, *stage.misconception_ids):
                concept = self.case.concepts.get(concept_id)
                if concept is None or concept.measure is None:
                    continue
                # A finding named in one word ("retraction"), not a space named by its structures.
                of = {_stem(words[0].norm)[:_MEASURED_STEM] for words in map(tokenize, concept.measure.of)
                      if len(words) == 1 and words[0].norm.isascii() and len(words[0].norm) >= _MEASURED_STEM}
                named = []
                for other_id in stage.expected_ids:
                    other = self.case.concepts.get(other_id)
                    if other is None or other_id == concept_id or other.measure is not None:
                        continue
                    words = [t.norm for t in tokenize(other.label)]
                    if any(w[:_MEASURED_STEM] in of for w in words) and not any(w in stating for w in words):
                        named.append(other_id)
                if named:
                    out[concept_id] = tuple(named)
            found[stage.id] = out
        return found[stage.id]

    def mentions(self, answer: str) -> Analysis:
        return self.index.find(answer)

    def grade(self, stage: Stage | str, answer: str) -> Grade:
        if isinstance(stage, str):
            stage = self.case.stage(stage)
        analysis = self.index.find(answer)
        expected = stage.expected_ids
        in_stage = set(expected) | set(stage.misconception_ids)
        # A shorter mention swallowed by a concept this stage does not ask about still counts:
        # in a reporting stage, "hamstring tendon tear?" does report on the hamstring tendons.
        mentions = analysis.mentions + tuple(
            m for m, outer in analysis.shadowed if m.concept in in_stage and outer not in in_stage
        ) + _coordinated(analysis, expected, in_stage)
        # What was not looked at is neither reported nor absent: "sciatic nerve not assessed".
        mentions = tuple(m for m in mentions if m.when != "unassessed")
        # A concept to comment on is reported by stating it absent as much as present.
        either_way = set(stage.either_way_ids)
        reported_absent = tuple(c for c in stage.either_way_ids if any(
            m.concept == c and m.negated for m in mentions
        ) and not any(m.concept == c and not m.negated for m in mentions))
        if either_way:
            mentions = tuple(
                replace(m, negated=False) if m.negated and m.concept in either_way else m for m in mentions
            )
        # "retraction 1.5 cm" is a retraction, if not one of more than 2 cm.
        by_measure = self._named_by_a_measure(stage)
        if by_measure:
            mentions += tuple(replace(m, concept=other, negated=False, measured=False)
                              for m in mentions if m.measured and m.concept in by_measure
                              for other in by_measure[m.concept])
        mentions = self._read_composites(stage, analysis, mentions)
        mentions = self._alone_beside_another(stage, mentions)
        mentions = _at_this_time(stage, mentions)
        mentions = _read_by_stage(stage, mentions, self.case, analysis.text)
        if self.case.side in ("left", "right"):
            mentions = self._on_this_side(mentions, analysis.text, stage.kind or stage.id)
        mentions = _with_typed_offsets(mentions, answer)
        mentions = self._with_kinds_named(mentions, in_stage)
        mentions = self._with_what_it_is_and_is_not(mentions, expected)
        mentions = self._with_what_absences_deny(mentions, in_stage)
        mentions = self._with_what_normal_structures_deny(mentions, stage)
        # One concept, one credit: words that earn a concept of this stage do not also name
        # another concept (a lexicon twin, or the opposite of what was credited) beside it.
        earned = [m.covered for m in mentions if m.concept in in_stage and not m.negated]
        mentions = tuple(m for m in mentions
                         if m.concept in in_stage or not any(m.covered & words for words in earned))
        asserted = {m.concept for m in mentions if not m.negated}
        chosen = {m.concept for m in mentions if not m.negated and not m.considered}
        # A stated absence the stage asks about denies what it says is absent: "QF normal
        # signal" earns the normal muscle and rules out its edema, a rival of this stage.
        # The absence's words swallowed that mention; an expected concept is left to be missed.
        absent = {m.concept for m, outer in analysis.shadowed
                  if m.negated and outer in chosen and outer in in_stage
                  and m.concept in in_stage and m.concept not in expected}
        denied = ({m.concept for m in mentions if m.negated} | absent) - asserted
        matched = tuple(c for c in expected if c in asserted)
        total = sum(e.weight for e in stage.expect)
        got = sum(e.weight for e in stage.expect if e.concept in asserted)
        stage_concepts = expected + tuple(c for c in stage.misconception_ids if c not in expected)
        return Grade(
            stage_id=stage.id,
            answer=answer,
            matched=matched,
            misconceptions=tuple(
                m.concept for m in stage.misconceptions
                if m.concept in asserted and not _spoken_for(m.concept, mentions, set(matched))
                # A rival the author did not list is a wrong commitment only when it stands
                # alone: "apophyseal avulsion (hamstring avulsion)" named the diagnosis.
                and not (m.implied and matched)
            ),
            negated=tuple(c for c in stage_concepts if c in denied),
            missing=tuple(c for c in expected if c not in asserted),
            credit=round(got / total, 4) if total > 0 else 0.0,
            mentions=mentions,
            truncated=analysis.truncated,
            considered=tuple(c for c in stage_concepts if c in asserted and c not in chosen),
            reported_absent=reported_absent,
            stage_concepts=stage_concepts,
        )


# First words of a label that says its thing is absent ("No steroid use", "Negative SLR").
_ABSENCE_WORDS = frozenset({"no", "not", "without", "never", "negative", "absent"})

_NORMAL_WORDS = frozenset({"normal", "symmetric", "preserved", "spared"})
# "A, not B", "A, not from B", "A rather than B": what a thing is and what it is not.
_IS_NOT = re.compile(r"^(?P<thing>.+?)(?:,\s*|\s+)(?:(?:and\s+)?not(?:\s+(?:from|due\s+to|caused\s+by|by))?|rather\s+than)"
                     r"\s+(?P<other>[^,;]+)$", re.IGNORECASE)
# Where a label goes on to say what caused its thing: "edema from the hamstring injury".
_ITS_CAUSE = re.compile(r"\s+(?:from|due\s+to|secondary\s+to|caused\s+by|after)\s+", re.IGNORECASE)


def _content_words(text: str) -> frozenset[str]:
    from tutor.matching.negation import STOPWORDS
    from tutor.matching.tokens import CJK, NUM, WORD, prepare, tokenize

    return frozenset(t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK)
                     and t.norm not in STOPWORDS and t.norm not in ("left", "right"))


def _says_normal(evidence: str) -> bool:
    from tutor.matching.tokens import prepare, tokenize

    return any(t.norm in _NORMAL_WORDS for t in tokenize(prepare(evidence)))


_MEASURED_STEM = 7  # "retract" of retraction, retracted: one finding, measured or named
# A label that asks to report or measure a finding is not stated by the number alone.
_REPORTING = frozenset({"report", "state", "measure", "measured", "document", "record"})


_CONTRALATERAL = re.compile(r"\b(?:contralateral|other side|opposite side|other hip|opposite hip)\b|對側", re.I)
_PHRASE_END = re.compile(r"[,;:.()\[\]]")


def _own_phrase(text: str, mention: Mention) -> str:
    """The words right after a mention, up to a comma ("of the right hamstring" after "early
    repair"): where a concept that names no place says what it is about."""
    return " ".join(_PHRASE_END.split(text[mention.end:], maxsplit=1)[0].split()[:4])


def _gives_the_other_side(phrase: str, side: str) -> bool:
    """Whether the words after a mention put it on a body part of the other side ("of the right
    hamstring"). A side alone ("unfused apophysis on the left", "unfused left apophysis") says
    nothing of a concept without a place, such as the skeleton's maturity."""
    from tutor.matching.tokens import prepare, tokenize, word_data
    from tutor.sides import other_side_only

    places = word_data().places
    # "on the right side" is a body part of that side too ("clicking and catching on the right side").
    return other_side_only(phrase, side) and (any(t.norm in places for t in tokenize(prepare(phrase)))
                                              or re.search(r"\bside\b", phrase, re.IGNORECASE) is not None)


def _names_a_place(concept: Concept) -> bool:
    from tutor.matching.terms import label_forms
    from tutor.matching.tokens import prepare, tokenize, word_data

    from tutor.matching.tokens import _stem

    forms = label_forms(concept.label)
    main = forms[1] if len(forms) > 1 else forms[0]  # the label without its aside
    # A place noun names a place whatever its first word: the "ischiofemoral space".
    nouns = {_stem(w) for w in word_data().cue_lists.get("place_nouns", ())}
    # A side said in an aside places it too: "Numbness in a dermatomal pattern (left L5)".
    return any(t.norm in word_data().places or t.norm in nouns or t.norm in ("left", "right")
               for t in tokenize(prepare(main))) or any(t.norm in ("left", "right")
                                                        for t in tokenize(prepare(concept.label)))


def _coordinated(analysis: Analysis, expected: tuple[str, ...], in_stage: set[str]) -> tuple[Mention, ...]:
    """Expected concepts named as the parts of a longer term of another stage concept.

    "rest and physiotherapy" is conservative treatment, and it is rest and physiotherapy too
    when the stage asks for each: a term made only of other expected concepts' words takes no
    credit away from them. A part that is a wrong answer stays swallowed ("tendinopathy and
    bursitis" is the both-together answer, not two single ones).
    """
    parts = [(m, outer) for m, outer in analysis.shadowed if m.concept in expected and outer in in_stage]
    out = []
    for m, outer in parts:
        for longer in analysis.mentions:
            # Only a proper part: the same words read as a class ("crutches" as reduced weight
            # bearing where the author made them a walking aid) are no second concept named.
            if longer.concept != outer or not m.covered < longer.covered:
                continue
            union: set[int] = set()
            for other, around in parts:
                if around == outer and other.covered <= longer.covered:
                    union |= other.covered
            if len(union) < len(longer.covered) and not _only_joining_words(analysis, longer, union) \
                    and not _the_other_conjunct(analysis, longer, union):
                continue
            out.append(m)
            break
    return tuple(out)


_CONJUNCTIONS = frozenset({"and", "or"})


def _the_other_conjunct(analysis: Analysis, longer: Mention, parts: set[int]) -> bool:
    """Whether the longer term's words the parts leave out are each joined by "and" or "or" to a
    word of the parts: "tender lateral and posterior to the ischial tuberosity" says the tenderness
    lateral to it too, beside the one "posterior and lateral"."""
    from tutor.matching.tokens import tokenize

    tokens = tokenize(analysis.text)
    rest = [i for i in longer.covered - parts if i < len(tokens)]
    if not rest:
        return False
    for i in rest:
        joined = any(0 <= c < len(tokens) and tokens[c].norm in _CONJUNCTIONS and 0 <= o < len(tokens)
                     and o in parts and tokens[o].kind == tokens[i].kind
                     for c, o in ((i - 1, i - 2), (i + 1, i + 2)))
        if not joined:
            return False
    return True


def _only_joining_words(analysis: Analysis, longer: Mention, parts: set[int]) -> bool:
    from tutor.matching.negation import STOPWORDS
    from tutor.matching.tokens import tokenize

    tokens = tokenize(analysis.text)
    rest = [tokens[i].norm for i in longer.covered - parts if i < len(tokens)]
    return all(word in STOPWORDS for word in rest)


# words.yaml (`coexistence_cues`, `coexistence_in_a_discriminator`): what a learner writes to name
# two conditions together, and what a discriminator says when its two conditions can be present
# together ("both" alone is no such thing there: "Both cause hip pain").


# What each kind of stage does not credit said of another time (Mention.when): a plan is not one
# when it was tried before ("abductor strengthening was tried last year"), a history holds what
# happened, not what is planned ("planned for a left THA next month") nor what is only queried
# ("steroid use?": elsewhere a hedge, "?stress fracture"); what a learner means to ask ("need to
# ask about steroid use") is no answer in any stage. Outside a history (where the referral's words
# are the patient's story) someone else's opinion ("previous report said IFI") is not the
# learner's; and no stage credits a state said as over ("former runner"). A history does not take
# what was years back ("sprinting injury 10 years ago", "steroids as a child") for this episode,
# unless the concept's label gives its own time ("Earlier self-limiting episode"). A sentence that
# asks ("Is it hamstring syndrome?", "Is there a fracture?") commits to nothing but in a
# differential, where "could it be IFI?" still lists it. No stage credits a thought the learner
# takes back ("I thought the QF was edematous, but it is normal").
_NOT_NOW = {"management": frozenset({"past", "long_ago", "asked", "former", "reported", "queried", "question",
                                     "withdrawn"}),
            "diagnosis": frozenset({"past", "long_ago", "asked", "former", "reported", "question", "withdrawn"}),
            "history": frozenset({"planned", "asked", "queried", "question", "former", "long_ago", "withdrawn"}),
            "findings": frozenset({"asked", "former", "reported", "question", "withdrawn"})}


def _at_this_time(stage: Stage, mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
    dropped = _NOT_NOW.get(stage.kind or stage.id, frozenset({"asked", "former", "reported", "withdrawn"}))
    if not any(m.when in dropped for m in mentions):
        return mentions
    # A diagnosis asked about earns nothing ("Is it hamstring syndrome?"), but a wrong one the
    # learner raises is still worth the feedback ("could this be IFI?").
    raised = stage.misconception_ids if stage.kind == "diagnosis" else ()
    return tuple(m for m in mentions if m.when not in dropped or (m.when == "question" and m.concept in raised))


def _read_by_stage(stage: Stage, mentions: tuple[Mention, ...], case: Case, text: str) -> tuple[Mention, ...]:
    """Hedges read the way the stage asks.

    In a differential, "X less likely" still lists X; in a diagnosis it neither commits to X
    nor rules it out, and "X or Y" keeps Y in play as "X > Y" does. "X with coexisting Y" is
    no wrong commitment when the case's discriminator between X and Y says they coexist.
    """
    if stage.kind not in ("differential", "diagnosis"):
        return mentions
    out = [replace(m, negated=False, considered=True, soft=False) if m.soft else m for m in mentions]
    if stage.kind == "diagnosis":
        out = [replace(m, considered=True) if m.alternative else m for m in out]
        chosen_expected = {m.concept for m in out if not m.negated and not m.considered
                           and m.concept in stage.expected_ids}
        words = set(re.findall(r"[^\W\d_]+|\+|合併|併|同時", text.casefold()))
        if chosen_expected and not words.isdisjoint(cue_list("coexistence_cues")):
            out = [replace(m, considered=True)
                   if m.concept in stage.misconception_ids and not m.negated
                   and any(_coexist(case, m.concept, x) for x in chosen_expected) else m
                   for m in out]
    return tuple(out)


def _coexist(case: Case, a: str, b: str) -> bool:
    disc = case.discriminator_between(a, b)
    if disc is None:
        return False
    said = " ".join((disc.why_confused, disc.trap or "", *disc.points)).casefold()
    return any(word in said for word in cue_list("coexistence_in_a_discriminator"))


def _shared_vocabulary() -> tuple[Concept, ...]:
    """The shared lexicon's concepts: which short forms of a case's terms are ambiguous depends
    on them too, even for a case that does not use them (or lives in a folder of its own)."""
    from tutor.cases.library import shared_definitions  # the loader; grading itself reads no files
    from tutor.cases.loading import CaseError

    try:
        return tuple(shared_definitions().concepts.values())
    except CaseError:
        return ()


def _setting_words(case: Case) -> tuple[str, ...]:
    """A case's one-word tags name its setting ("hamstring"), and so does its side ("left"):
    words a term may go without."""
    side = (case.side,) if case.side in ("left", "right") else ()
    return tuple(tag for tag in case.tags if tag.isalpha()) + side


_TOPIC_AT_LEAST = 2  # concepts of the case's stages whose labels name the structure


def topic_words(case: Case) -> tuple[str, ...]:
    """The structures (words.yaml `structures`) the labels of the case's stage concepts keep naming.

    In a case about the hamstring, "partial tear" is the partial hamstring tear; in a case that
    names the hamstring once, it may be any tear.
    """
    from tutor.matching.tokens import prepare, tokenize, word_data

    structures = word_data().structures
    used: set[str] = set()
    for stage in case.stages:
        used.update(stage.expected_ids, stage.misconception_ids)
    counts: dict[str, int] = {}
    for concept_id in sorted(used):
        concept = case.concepts.get(concept_id)
        if concept is None:
            continue
        for word in {t.norm for t in tokenize(prepare(concept.label))} & structures:
            counts[word] = counts.get(word, 0) + 1
    return tuple(sorted(w for w, n in counts.items() if n >= _TOPIC_AT_LEAST))


def _spoken_for(concept_id: str, mentions: tuple[Mention, ...], matched: set[str]) -> bool:
    """Whether every mention of a wrong answer shares its words with an expected concept found.

    "surgical excision if conservative care fails" earns the expected "surgery only if
    refractory"; the words "surgical excision" in it are not also a vote for surgery.
    """
    earned = [m.covered for m in mentions if m.concept in matched and not m.negated]
    own = [m.covered for m in mentions if m.concept == concept_id and not m.negated]
    return bool(own) and all(any(c & e for e in earned) for c in own)


# The matcher reads at most MAX_ANSWER_CHARS of the folded answer; folding never shortens
# text by more than this factor, so mapping this much of it covers every mention.
TYPED_LIMIT = 4 * MAX_ANSWER_CHARS


def _with_typed_offsets(mentions: tuple[Mention, ...], answer: str) -> tuple[Mention, ...]:
    """Each mention with where its words were typed, so a front end can light them up."""
    offsets = typed_offsets(answer[:TYPED_LIMIT])
    if offsets is None:
        return mentions
    last = len(offsets) - 1
    return tuple(
        replace(m, typed_start=offsets[min(m.start, last)], typed_end=offsets[min(max(m.end - 1, m.start), last)] + 1)
        if 0 <= m.start < m.end else m
        for m in mentions
    )
