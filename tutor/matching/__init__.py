"""The matcher: a learner's answer in, the concepts it mentions out.

`tokens` cuts and normalises the text, `terms` turns a concept's label and
synonyms into what is looked for, `negation` decides whether a mention is
asserted, denied or only considered, `measurement` reads numbers with units,
and `index` (ConceptIndex) puts them together. `tutor.grading` is its one user.
"""
