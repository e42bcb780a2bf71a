"""English function words: words that carry no subject of their own, left out when text is
matched by its words (keyword search over documents, an item named in a question)."""

from __future__ import annotations

# fmt: off
STOPWORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those",
    "and", "or", "not", "no", "so", "if", "then", "than", "as",
    "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "about",
    "is", "are", "was", "were", "be", "been", "do", "does", "did", "have", "has", "had",
    "can", "could", "will", "would", "shall", "should", "may", "might", "must",
    "i", "me", "my", "we", "us", "our", "you", "your",
    "it", "its", "they", "them", "their", "there",
    "what", "which", "who", "whom", "why", "how", "when", "where",
    "all", "any", "some", "each", "every", "many", "much", "per",
})
# fmt: on
