"""Retrieval eval of the knowledge base: `python -m evals.retrieval` prints the report."""
