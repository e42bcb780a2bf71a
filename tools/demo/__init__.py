"""The demo plant: a fixed catalog of named entities and a deterministic generator."""
