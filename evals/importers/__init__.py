"""Importer evaluations: the real refinery sheet against its derived CSV, and import speed."""
