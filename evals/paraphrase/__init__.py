"""Paraphrase routing eval: fresh wordings of the documented question types, split into a
tuning half and a held-out half, scored on the planner's reading (tool, key arguments, or a
clarifying question / decline)."""
