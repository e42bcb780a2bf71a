"""Words that settle a question's type whatever its nearest example: a procedure or a policy
is in the documents, "during its lead time" is lead-time demand, "sporadic" is a demand
profile, "not touched for months" is slow-moving stock, a tool "in a BOM" is an anomaly,
and what the open orders "still need" is their component needs.

Each cue is a reading a planner would agree with on sight, written from how people ask,
not from any eval's questions. A cue yields when the question also carries words of a
stock figure ("how many", "on hand", "worth"): those stay with the matcher."""

from __future__ import annotations

import re
from typing import Any

# A question about a stock figure: the matcher and the entities decide it.
FIGURE_WORDS = re.compile(
    r"\bhow (?:many|much)\b|\bon hand\b|\bin stock\b|\bstock (?:level|value)\b|\bworth\b"
    r"|\bvalue\b|\bquantity\b|\bqty\b"
)

DOCUMENT_CUES = re.compile(
    r"\b(?:sops?|procedures?|manuals?|instructions?|guidelines?|work instruction"
    r"|steps? (?:to|for)|ppe|safety data|sds|msds|first aid|hazards?|root cause|failure reports?"
    r"|happened before|seen this before|troubleshoot\w*|torque (?:values?|settings?|specs?)"
    r"|lubricat\w+|who (?:has to|must|"
    r"can|should|needs to) approve|approval (?:limit|rule|policy)|datasheet"
    r"|how (?:do|does|should|can|must) (?:i|we|you|one|they|it|the \w+) (?!have\b|hold\b)"
    r"|how to\b|what (?:does|do) the (?:\w+ )?(?:say|recommend)|what should (?:i|we) do)\b"
    # how a thing is done to something: "how should solder paste be stored"
    r"|\bhow (?:should|must|can|do|does|often should) .{0,40}\b(?:be )?(?:stored|handled|cleaned"
    r"|replaced|installed|changed|disposed of|inspected|calibrated|adjusted|repaired|tested"
    r"|lubricated|greased|tightened|mounted|fitted)\b"
)
# A policy is a document unless it is an item's reorder policy.
POLICY = re.compile(r"\bpolic(?:y|ies)\b")
STOCK_POLICY = re.compile(
    r"\b(?:reorder|replenishment|recommended|min[ /-]?max|stocking|current|order(?:ing)?|"
    r"inventory|your) polic(?:y|ies)\b"
)
MOVEMENT_CUES = re.compile(
    r"\b(?:movements?|transactions?|ledger|booked|bookings?|postings?|posted|receipts?|"
    r"received|goods (?:receipts?|issues?)|in and out|ins and outs|came in|went out)\b"
)
USE_WORDS = re.compile(r"\b(?:use[ds]?|usage|consum\w+|demand|issued|need)\b")

LEAD_TIME_CUES = re.compile(
    r"\blead[- ]?times?\b|\breplenishment time\b|\bwhile (?:we(?:'re| are)? wait|waiting|an? "
    r"(?:new )?order is|the order is|it is|it's) ?(?:on (?:its|the) way|in transit|for (?:a|the) "
    r"delivery)?|\buntil (?:the|a) (?:next )?(?:delivery|order|shipment) (?:arrives|comes)"
)
COVER_WORDS = re.compile(r"\brun (?:out|short|dry)\b|\bcover\b|\benough\b|\bstock ?outs?\b")

PROFILE_CUES = re.compile(
    r"\b(?:intermittent|lumpy|erratic|sporadic|steady|regular|irregular|smooth|demand "
    r"(?:pattern|profile|class)|usage pattern|adi|cv2|cv²|how (?:often|frequently) (?:do|does|"
    r"is|are) (?:we )?(?:use|consume|need|issue|draw)\w*)\b"
)

SLOW_CUES = re.compile(
    r"\b(?:not|n't|never) (?:been )?(?:touched|moved|used|issued|consumed|picked|drawn)\b"
    r"|\bno (?:movement|issues|consumption|usage)\b|\bidle\b|\bdormant\b|\bobsolete\b"
    r"|\bdead stock\b|\bgathering dust\b|\bslow[- ]?mov\w+|\bexcess\b|\boverstock\w*"
)

ANOMALY_CUES = re.compile(
    r"\b(?:tools?|wrench\w*|spanners?|gloves?|mro items?|spares?|spare parts?|consumables?)\b"
    r".{0,30}\b(?:in|on) (?:a |the |our |any )?(?:bills? of materials?|boms?)\b"
)

OPEN_ORDERS = re.compile(
    r"\b(?:open|released|running|current|active|unfinished|ongoing)\b.{0,25}\b(?:orders?|jobs?|"
    r"mos|batches|work orders)\b|\b(?:orders?|mos|jobs|batches)\b.{0,25}\b(?:open|unfinished|"
    r"running|in progress)\b|\bjobs? in (?:progress|process)\b|\bwork[- ]in[- ]progress\b"
    r"|\bwip\b|\bon the (?:shop )?floor\b|\bin (?:progress|process)\b"
)
NEED_WORDS = re.compile(
    r"\b(?:components?|materials?|parts|bom|still (?:need|needs|have to|require)\w*|outstanding"
    r"|remaining|left to|to draw|draw from|to be issued|requirements?|shortages?|short of"
    r"|enough|still consume|consume from)\b"
)


ORDER_WORDS = re.compile(r"\b(?:orders?|mos|jobs|batches|work orders)\b")
LATE_WORDS = re.compile(r"\b(?:stuck|stalled|late|delayed|overdue|past due|behind)\b")
MONEY_WORDS = re.compile(r"\b(?:worth|value[ds]?|valuation|money|cost)\b")


def cue_intent(q: str, entities: dict[str, Any], item_known: bool) -> str | None:
    """The question type the wording settles, or None to leave it to the matcher."""
    figure = FIGURE_WORDS.search(q) is not None
    if item_known and MOVEMENT_CUES.search(q) and not USE_WORDS.search(q):
        return "movements"
    if item_known and LEAD_TIME_CUES.search(q) and not COVER_WORDS.search(q):
        return "lead_time_demand"
    if item_known and PROFILE_CUES.search(q) and not figure:
        return "demand_profile"
    if ANOMALY_CUES.search(q):
        return "find_anomalies"
    open_orders = OPEN_ORDERS.search(q) and not MONEY_WORDS.search(q)
    if open_orders and NEED_WORDS.search(q):
        return "wip_component_needs"
    if open_orders and not item_known and ORDER_WORDS.search(q) and not LATE_WORDS.search(q):
        return "open_wip_orders"
    if not item_known and SLOW_CUES.search(q) and "how many" not in q:
        return "slow_moving"
    if DOCUMENT_CUES.search(q) and not figure:
        return "search_documents"
    if POLICY.search(q) and not STOCK_POLICY.search(q) and not item_known and not figure:
        return "search_documents"
    return None
