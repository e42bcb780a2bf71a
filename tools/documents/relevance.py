"""Whether the passages found are about the question at all, or the documents simply do
not cover it ("nothing relevant here").

Ranking always returns the nearest passages, however far: a question about a laser cutter
gets the packing line's cutter blade. The verdict cross-checks the two legs:
- the embedding similarity of the best passage (`dense_top`). e5 scores are compressed
  (about 0.78-0.94 here), and a foreign-language question scores like an unrelated one,
  so a high score settles it but a middling one does not;
- agreement: the keyword leg's best document is among the dense leg's best three. An
  answerable question's words and meaning point at the same document; an uncovered one
  shares a stray word ("cutter", "seal") with a document its meaning is not near.

Thresholds were chosen on evals/retrieval/validation.yaml and the tuned set
(questions.yaml), never on the blind set: there, 71% of out-of-corpus questions are
declined and 3.7% of answerable ones (6 of 161, all German or Dutch) wrongly so. Lowering
DENSE_SURE declines fewer real questions and catches fewer uncovered ones.
"""

from __future__ import annotations

from dataclasses import dataclass

DENSE_SURE = 0.875  # at or above: covered, whatever the keyword leg says
DENSE_FLOOR = 0.78  # below: never covered
AGREE_DEPTH = 3  # the keyword leg's best document must be among this many dense documents


@dataclass(frozen=True)
class Verdict:
    covered: bool
    dense_top: float
    agree: bool  # the keyword leg's best document is among the dense leg's best
    reason: str = ""


def judge(dense_docs: list[tuple[str, float]], keyword_docs: list[str]) -> Verdict:
    """`dense_docs`: (doc id, similarity) best first, one row per passage; `keyword_docs`:
    the keyword leg's documents, best first."""
    if not dense_docs:
        return Verdict(False, 0.0, False, "no passage was found")
    top = dense_docs[0][1]
    near = list(dict.fromkeys(doc for doc, _ in dense_docs))[:AGREE_DEPTH]
    agree = bool(keyword_docs) and keyword_docs[0] in near
    if top >= DENSE_SURE or (agree and top >= DENSE_FLOOR):
        return Verdict(True, top, agree)
    return Verdict(False, top, agree, "no passage is about the question")
