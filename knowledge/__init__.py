"""The demo plant's maintenance documents (`corpus/`): manuals, SOPs, failure reports,
safety sheets and policies that match the demo's items and equipment.

A leaf: only the demo generator (which copies them into the demo dataset's `documents/`),
the retrieval eval and tests use it. Any other dataset brings its own documents.
"""

from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "corpus"
