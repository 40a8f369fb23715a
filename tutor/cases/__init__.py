"""Case files in, `tutor.model.Case` out, every problem as `file:line: message`.

`safe_yaml` bounds and composes the YAML, `loading` builds the model from the
nodes with `fields` (the per-field validators) and reports through `problems`;
`library` finds the shipped cases and the shared lexicon and discriminators;
`checker` is what `tutor check` runs over them.
"""
