"""Whether the passages found are about the question at all, or the documents simply do
not cover it ("nothing relevant here").

Ranking always returns the nearest passages, however far: a question about a laser cutter
gets the packing line's cutter blade. No one signal separates the two kinds of question
(e5 similarities are compressed, about 0.78-0.94 here, and a foreign-language question
scores like an unrelated one), so the verdict is a small logistic regression over a few
signals of the search (`Signals`), fitted on the validation questions only
(evals/retrieval/validation.yaml, which includes out-of-corpus ones in all four
languages) by `python -m evals.retrieval.abstention`, which prints the constants below:

- `dense_top`: the embedding similarity of the best passage;
- `dense_gap`: how far it stands above the best passage of any other document (an
  answerable question has a document of its own; an uncovered one is equally near several);
- `keyword_share`: the keyword leg's best BM25 score as a share of the most the query's
  terms could score (all of them in one passage), after the glossary translated its
  foreign words: "maternity leave policy" matches only "policy";
- `known`: the share (idf-weighted) of the question's words that the plant's documents or
  machine names use at all, the foreign words the glossary translated counting as known
  at the rarity of their English terms ("maternity leave" or "Elternzeit" is in no
  document; "Förderband" is "belt conveyor"). A foreign question is judged by how much of
  it the glossary and the documents read, never declined merely for being foreign;
- `agree`: the keyword leg's best document is among the dense leg's best three;
- `foreign`: the glossary found a foreign word or the question has a German, Dutch or
  French function word;
- `dense_z`: how many standard deviations the best passage's similarity stands above the
  mean over every passage (a question about something the documents cover has a passage
  that stands out; an uncovered one is a little near everything).

The decision threshold (`THRESHOLD`, on the fitted probability that the question is
covered) is chosen on cross-validated probabilities of the validation set: the highest
that wrongly declines at most `abstention.MAX_WRONG` of its answerable questions.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from stockwise.tools.core.stopwords import (
    ENGLISH_GENERAL_WORDS,
    FOREIGN_FUNCTION_WORDS,
    FOREIGN_GENERAL_WORDS,
    STOPWORDS,
)
from stockwise.tools.documents.keywords import tokenize

AGREE_DEPTH = 3  # the keyword leg's best document must be among this many dense documents

# Fitted by `python -m evals.retrieval.abstention` on evals/retrieval/validation.yaml
# (249 questions, 86 out of the documents' scope); weights are on the signals' raw scales.
INTERCEPT = -27.3862
WEIGHTS = {
    "dense_top": 22.7733,
    "dense_gap": 23.5698,
    "keyword_share": 2.9779,
    "known": 6.4128,
    "agree": 1.7754,
    "foreign": 5.0602,
    "dense_z": 0.4276,
}
THRESHOLD = 0.3346  # declined below this probability of being covered


def _fold(text: str) -> str:
    """Lower case without accents, as the word lists are written ("prüfen" -> "prufen")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Foreign function words that are not English words too: one of them marks a question as
# not English.
_FOREIGN_MARKERS = (
    FOREIGN_FUNCTION_WORDS
    - STOPWORDS
    - {"die", "am", "man", "us", "pas", "van", "dit", "mes", "d", "l"}
)


@dataclass(frozen=True)
class Signals:
    """What the search saw of one question; `features()` is the regression's input."""

    dense_top: float = 0.0
    dense_gap: float = 0.0
    keyword_share: float = 0.0
    known: float = 1.0
    agree: bool = False
    foreign: bool = False
    dense_z: float = 0.0

    def features(self) -> dict[str, float]:
        return {
            "dense_top": self.dense_top,
            "dense_gap": self.dense_gap,
            "keyword_share": self.keyword_share,
            "known": self.known,
            "agree": float(self.agree),
            "foreign": float(self.foreign),
            "dense_z": self.dense_z,
        }


@dataclass(frozen=True)
class Verdict:
    covered: bool
    dense_top: float
    agree: bool  # the keyword leg's best document is among the dense leg's best
    reason: str = ""
    known: float = 1.0  # share of the question's key words (idf-weighted) the plant uses
    probability: float = 0.0  # fitted probability that the documents cover the question
    signals: Signals | None = None


def known_share(
    text: str,
    vocabulary: Collection[str],
    idf: Callable[[str], float],
    translated: Sequence[str] = (),
    near: Callable[[str], bool] | None = None,
) -> float:
    """How much of the question's content the plant's documents and machine names use at
    all, each word weighted by its rarity: "maternity leave policy for plant employees"
    has "policy", "plant" and "employee" in the documents, but its rarest words,
    "maternity" and "leave", are in none. `text` is the question with the foreign words
    the glossary translated taken out; `translated` holds their English terms, which count
    as known, each at the rarity of its English words (a translated "Wartung", maintenance,
    says little; a translated "Förderband", belt conveyor, says more). So a foreign
    question is judged by how much of it the glossary and the documents read, not by
    being foreign. `near(term)`, when given, says whether a word the plant does not use is
    a typing slip away from one it does ("cylindr"): such a word counts as known too."""
    # Function words go before the words are stemmed ("welche" would be "welch"), and
    # numbers (amounts, counts) are never what a question is about. An everyday word that
    # is a plant word too ("door", "bin", "hat", "start") is the plant's word and counts.
    words = re.findall(r"[\w-]+", _fold(text))
    kept = " ".join(
        w
        for w in words
        if w not in FOREIGN_FUNCTION_WORDS
        and not (
            (w in FOREIGN_GENERAL_WORDS or w in ENGLISH_GENERAL_WORDS)
            and not any(t in vocabulary for t in tokenize(w))
        )
    )
    terms = [t for t in tokenize(kept) if t not in FOREIGN_FUNCTION_WORDS and not t.isdigit()]
    weights: list[float] = []
    for english_term in translated:
        words = tokenize(english_term)
        if words:
            weights.append(sum(idf(w) for w in words) / len(words))
    known = sum(idf(t) for t in terms if t in vocabulary or (near is not None and near(t))) + sum(
        weights
    )
    total = sum(idf(t) for t in terms) + sum(weights)
    return known / total if total else 1.0


def english(text: str, translated: bool) -> bool:
    """Whether a question reads as English: the glossary found no foreign word in it and
    it has no German, Dutch or French function word."""
    return not translated and not any(w in _FOREIGN_MARKERS for w in text.lower().split())


def signals(
    dense_docs: list[tuple[str, float]],
    keyword_docs: list[tuple[str, float]],
    keyword_ceiling: float,
    known: float = 1.0,
    foreign: bool = False,
    dense_z: float = 0.0,
) -> Signals:
    """`dense_docs`: (doc id, similarity) best first, one row per passage; `keyword_docs`:
    (doc id, BM25 score) best first; `keyword_ceiling`: the most the query could score
    (`BM25.ceiling`); `known`: `known_share` of the question; `dense_z`: the best passage's
    similarity in standard deviations above the mean over every passage."""
    if not dense_docs:
        return Signals(known=known, foreign=foreign)
    top_doc, top = dense_docs[0]
    other = next((score for doc, score in dense_docs if doc != top_doc), top)
    near = list(dict.fromkeys(doc for doc, _ in dense_docs))[:AGREE_DEPTH]
    agree = bool(keyword_docs) and keyword_docs[0][0] in near
    best_keyword = keyword_docs[0][1] if keyword_docs else 0.0
    share = min(best_keyword / keyword_ceiling, 1.0) if keyword_ceiling > 0 else 0.0
    return Signals(top, top - other, share, known, agree, foreign, dense_z)


def probability(s: Signals) -> float:
    """The fitted probability that the documents cover the question."""
    z = INTERCEPT + sum(WEIGHTS[name] * value for name, value in s.features().items())
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def judge(s: Signals, threshold: float = THRESHOLD) -> Verdict:
    if s.dense_top <= 0.0:
        return Verdict(False, 0.0, False, "no passage was found", s.known, 0.0, s)
    p = probability(s)
    if p >= threshold:
        return Verdict(True, s.dense_top, s.agree, "", s.known, p, s)
    return Verdict(False, s.dense_top, s.agree, _reason(s, p), s.known, p, s)


def _reason(s: Signals, p: float) -> str:
    """The declined question's weakest signal, in words, with the probability."""
    if not s.foreign and s.known < 0.7:
        why = "its key words are in no document"
    elif s.keyword_share < 0.3 and not s.agree:
        why = "few of its words are in the nearest passages"
    else:
        why = "no passage is about the question"
    return f"{why}; P(covered) {p:.2f}"
