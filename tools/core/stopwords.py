"""Function words: words that carry no subject of their own, left out when text is matched
by its words (keyword search over documents, an item named in a question, how much of a
question the plant's documents cover)."""

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

# German, Dutch and French function words: like English stopwords they name no subject,
# so they count neither for nor against a question's coverage.
_FOREIGN = """wie was wer wo wann warum welche welcher welches der die das den dem des ein eine
    einer einem einen und oder nicht ist sind wird werden wurde darf muss kann soll mit von
    zu zum zur im am auf bei fur uber aus nach vor bis ich wir man es sie er oft lange
    hoe wat waar wanneer welke het een en niet zijn wordt worden mag moet kan voor met op
    bij naar uit aan te je er vaak lang ik
    quel quelle quels quelles comment qui que quoi ou quand le la les un une des du de et
    pas est sont pour avec sur dans par au aux ce cette il on faut souvent
    haben habe viele wieviel diese dieser dieses auch noch wenn dann sich mich mir uns
    van heb hebben nog hoeveel dit dat deze om als mijn ons onze
    je nous vous mon ma mes faire lors apres sans d l"""
FOREIGN_FUNCTION_WORDS = frozenset(_FOREIGN.split())
