"""What the planner refuses before it reads a question's type, with a one-line reason:
instructions smuggled into a question (drop the rules, play another role, show the prompt),
secrets, code to run, and requests to change what it can only read (stock, prices, reorder
points in the ERP, orders, the item master) or to send mail.

A change is told by mood, not by its words: a clause that *asks* for a change ("delete item
4412", "can you set the reorder point to 40", "the price should be changed to 5") is
refused, while a question about one ("what should the reorder point be", "which items will
run out", "who has to approve a requisition") is not. Drafting purchase requisitions is
not a change here: it pauses for a person's approval, so "raise PRs for ..." and "order
what we need" pass. Replies to a waiting action never reach the planner (the session
resumes the action instead)."""

from __future__ import annotations

import re

_OF_RULES = (
    r"(?:all |any |the |your |my |these |those |previous |prior |above |earlier |former "
    r"|original |system |safety |of )*(?:instructions?|rules|guidelines|prompts?|directives"
    r"|constraints|restrictions|guardrails|programming)"
)
INJECTION = re.compile(
    rf"\b(?:ignore|disregard|forget|override|bypass|overrule|abandon|drop)\s+{_OF_RULES}\b"
    r"|\byou (?:are|'re) (?:now|no longer)\b|\bfrom now on,? (?:you|act|behave|answer)\b"
    r"|\bact as (?:a|an|my|if)\b|\bpretend (?:to be|you(?:'re| are)?|that)\b|\brole[- ]?play\b"
    r"|\b(?:developer|god|admin|debug|unrestricted|dan) mode\b|\bjailbr\w+"
    r"|\bdo anything now\b|\bwithout (?:any )?(?:restrictions|rules|guardrails)\b"
    r"|\b(?:system|initial|hidden|original|developer|internal) (?:prompt|message|instructions?)"
    r"|\byour (?:prompt|instructions|configuration|source code)\b"
    r"|\b(?:reveal|print|show|repeat|output|dump|leak|display) (?:me )?(?:your|the) "
    r"(?:prompt|instructions|rules|config\w*|source code)\b"
    r"|\bnew instructions?:|^\s*(?:system|assistant)\s*:|\[/?(?:inst|system)\]|<\|?im_start"
)
SECRETS = re.compile(
    r"\b(?:api[- ]?keys?|passwords?|passwd|credentials?|secret keys?|access tokens?|ssh keys?"
    r"|private keys?|\.env\b|environment variables?|connection strings?|login details)"
)
CODE = re.compile(
    r"\b(?:run|execute|exec|eval|evaluate)\b.{0,25}\b(?:sql|query|script|code|command|shell"
    r"|python|bash|powershell|statement)\b|\b(?:drop|truncate|alter) table\b|;\s*--"
    r"|\brm -rf\b|<script\b|\bunion (?:all )?select\b|\bos\.system\b|\bimport os\b|__import__"
    r"|\bselect \* from\b|\bsubprocess\b"
)
SKIP_APPROVAL = re.compile(
    r"\b(?:skip|bypass|without|no need for|don'?t (?:wait for|ask for|need)|auto[- ]?approve)"
    r"\s+(?:the |an? |any |my |your )?(?:approvals?|sign[- ]?off|confirmation)\b"
)

# A clause asks for something when it opens with the verb, after politeness or a request.
REQUEST = re.compile(
    r"^(?:(?:ok(?:ay)?|hey|hi|so|now|then|also|and|please|pls|kindly|just|quickly|right|go "
    r"ahead and|can|could|would|will|you|i|we|want|need|'d|like|to|let's|lets|let us|make "
    r"sure)\b[\s,']*)*"
)
SEND_VERBS = (
    r"e-?mail|mail|send|text|message|notify|ping|slack|forward|fax|call|phone|tell|inform"
    r"|alert|remind|contact|write to|write an? e-?mail"
)
DELETE_VERBS = r"delete|remove|erase|wipe|purge|drop|truncate|destroy|clear"
EDIT_VERBS = (
    r"modify|update|change|edit|alter|set|reset|adjust|correct|fix|increase|decrease|lower"
    r"|reduce|bump|overwrite|write(?: \S+){0,3} off|write back|write into|book|post|transfer"
    r"|move|cancel"
    r"|close|release|approve|reject|receive|scrap|rename|reclassify|recategori[sz]e|relabel"
    r"|mark|add|insert|put|assign|block|unblock|lock|unlock|expedite|issue"
)
# Words after a verb that show it is a noun or a request to us ("update on", "change history",
# "tell me"): not a change.
NOT_OBJECT = (
    r"(?:of|on|for|in|me|us|up|to|than|with|history|log|logs|report|reports|requests?|rate"
    r"|over|between|vs|versus|from last)\b"
)
CHANGE = re.compile(
    rf"^(?P<verb>{DELETE_VERBS}|{EDIT_VERBS}|{SEND_VERBS})\b(?!\s+{NOT_OBJECT})(?P<rest>.*)"
)
# Buying from a supplier, which only a person does: "place an order", "order 20 bearings
# from the supplier". "Buy what we need" or "order what is short" is a requisition draft.
SUPPLIER_ORDER = re.compile(
    r"^(?:place|submit|send) (?:the |a |an |our )?(?:purchase |supplier )?(?:orders?|pos?)\b"
    r"|^(?:order|buy|purchase|procure)\b.*\b(?:from|with) (?:the |our |a )?(?:supplier|vendor"
    r"|distributor|manufacturer)s?\b"
)
FOR_APPROVAL = re.compile(
    r"\bfor (?:my |your |his |her |their |an? )?(?:approval|sign[- ]?off|review)\b"
)
DRAFTING = re.compile(r"\b(?:requisitions?|reqs?|prs?|purchase requests?)\b")
# "the price of 4412 should be changed to 5", "can the reorder point be set to 40"
PASSIVE = re.compile(
    r"\b(?:should|must|needs? to|has to|have to|can|could|please) be (?:set|changed|updated"
    r"|deleted|removed|raised|lowered|increased|decreased|reduced|written off|cancell?ed"
    r"|closed|moved|transferred|adjusted|corrected|reclassified|marked)\b.*\b(?:to|as|from) \S"
)
WH_START = re.compile(r"^(?:what|which|how|who|when|where|why|whats|what's)\b")

INJECTION_REASON = (
    "I won't follow instructions that change my rules or reveal my setup; ask me about the "
    "plant's stock, demand, orders or documents."
)
SECRETS_REASON = "I don't have passwords, keys or other credentials, and won't share any."
CODE_REASON = (
    "I can't run code, SQL or shell commands: I answer from the plant's data through my "
    "tools, which only read it."
)
DECIDE_REASON = (
    "I can't do that here: nothing in this conversation is waiting for a decision. An "
    "action I prepare (a draft of purchase requisitions) asks for approval when it is ready."
)
APPROVAL_REASON = (
    "I won't skip approval: anything that changes something waits for a person's decision."
)
# "call X a spare part": the word names what something is.
NAMING = re.compile(
    r"\b(?:an? |as )?(?:mro|wip|raw(?: materials?)?|finished(?: goods?)?|spares?(?: parts?)?"
    r"|consumables?|components?|work in progress|maintenance (?:items?|parts?|materials?))\W*$"
)
SEND_REASON = "I can't send emails or messages: I answer here, and you can pass the answer on."
ORDER_REASON = (
    "I can't place orders with suppliers; I can draft purchase requisitions for your "
    'approval (e.g. "draft purchase requisitions for items below their reorder point").'
)


def change_reason(thing: str) -> str:
    return (
        f"I can't change {thing}: I only read the plant's data. The one thing I prepare is a "
        "draft of purchase requisitions, which waits for your approval."
    )


# What a change is about, for its reason line (first match).
THINGS = (
    (r"\bprices?\b|\bunit costs?\b|\bcosts?\b", "prices or costs"),
    (
        r"\breorder (?:points?|levels?)\b|\brops?\b|\bmin(?:imum)?\b|\bmax\b|\bsafety stock\b",
        "reorder points or stock policies in the ERP",
    ),
    (
        r"\bcategor\w+|\bclass\w*\b|\b(?:reclassif|recategor|relabel|rename)\w*"
        r"|\bitem master\b|\bdescriptions?\b|\bmro\b|\bwip\b",
        "the item master",
    ),
    (
        r"\border\w*\b|\bmos?\b|\bjobs?\b|\bbatch\w*\b|\brequisitions?\b|\bprs?\b",
        "orders or requisitions",
    ),
    (r"\bdocuments?\b|\bsops?\b|\bmanuals?\b|\breports?\b", "documents"),
)


def _thing(text: str) -> str:
    for pattern, thing in THINGS:
        if re.search(pattern, text):
            return thing
    return "stock records or any other data"


def clauses(q: str) -> list[str]:
    parts = re.split(r"[.!?;:\n]+|,?\s+(?:and then|and|then|after that|afterwards)\s+|,\s+", q)
    return [p.strip() for p in parts if p.strip()]


def refusal(q: str) -> str | None:
    """The one-line reason to refuse `q` (lower-cased, whitespace-collapsed), or None."""
    if INJECTION.search(q):
        return INJECTION_REASON
    if SECRETS.search(q):
        return SECRETS_REASON
    if CODE.search(q):
        return CODE_REASON
    if SKIP_APPROVAL.search(q):
        return APPROVAL_REASON
    drafting = DRAFTING.search(q) is not None
    for clause in clauses(q):
        reason = _clause_change(clause, drafting)
        if reason:
            return reason
    if not WH_START.match(q) and PASSIVE.search(q):
        return change_reason(_thing(q))
    return None


def _clause_change(clause: str, drafting: bool = False) -> str | None:
    asked = REQUEST.sub("", clause, count=1).strip()
    if SUPPLIER_ORDER.match(asked):
        return None if DRAFTING.search(asked) else ORDER_REASON
    m = CHANGE.match(asked)
    if m is None:
        return None
    verb = m.group("verb")
    # Within a request to draft requisitions, "so I can approve them" and "send them for
    # approval" are the approval step itself, which the draft's pause gives.
    said_by_user = re.search(r"\b(?:i|we)\b", clause[: clause.find(verb)]) is not None
    for_approval = drafting and (
        (verb in ("approve", "reject") and said_by_user) or FOR_APPROVAL.search(asked) is not None
    )
    if for_approval:
        return None
    if verb in ("approve", "reject"):
        return DECIDE_REASON
    if verb == "call" and NAMING.search(m["rest"]):
        return None  # "would you call the timing belt mro": naming a kind, not phoning
    if re.fullmatch(SEND_VERBS, verb):
        return SEND_REASON
    if DRAFTING.search(asked) and verb not in ("delete", "remove", "cancel", "approve"):
        return None  # "issue PRs for ...", "add 4412 to the requisitions": a draft to approve
    named = re.match(r"\s+(?:the|this|that|these|those|it|them|all)\b", m["rest"])
    if verb == "correct" and not named:
        return None  # "correct on hand for 4412?" asks for a figure
    return change_reason(_thing(f"{verb} {m['rest']}"))
