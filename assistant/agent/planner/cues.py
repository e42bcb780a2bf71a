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
    r"|lubricat\w+|who (?:has to|must|can|should|needs to|may|is allowed to"
    r"|is authori[sz]ed to|signs off|gets to) approve|approval (?:limits?|rules?|polic(?:y|ies))"
    r"|datasheet"
    r"|how (?:do|does|should|can|must) (?:i|we|you|one|they|it|the \w+) (?!have\b|hold\b)"
    r"|how to\b|what (?:does|do) the (?:\w+ )?(?:say|recommend)|what should (?:i|we) do"
    r"|what (?:are|is) the (?:steps|procedure|process|rules?|checks?|precautions)"
    r"|what (?:do|must|should) (?:i|we|you) do (?:with|about|if|when|after|before)"
    r"|precautions?|checklists?|daily checks?|inspections?|safety (?:rules|precautions|measures)"
    r"|lock ?out|tag ?out|loto|what to do (?:if|when|with|about|after|before)"
    r"|what (?:gloves|goggles|glasses|protection|protective \w+|respirator|mask)"
    r"|(?:gloves|goggles|protection) (?:and \w+ )?(?:for|when|to wear))\b"
    # how a thing is done to something: "how should solder paste be stored"
    r"|\bhow (?:should|must|can|do|does|is|are|often should) .{0,40}\b(?:be )?(?:stored|handled"
    r"|cleaned"
    r"|replaced|installed|changed|disposed of|inspected|calibrated|adjusted|repaired|tested"
    r"|lubricated|greased|tightened|mounted|fitted)\b"
)
# Words that make a question one for the documents even when it names an item or asks "how
# many": what a written rule says ("according to our policy"), what a term means, what to
# wear, whether a substance is dangerous.
STRONG_DOCUMENT_CUES = re.compile(
    r"\baccording to (?:the |our |a )?(?:polic\w+|manuals?|sops?|procedures?|glossary|rules?"
    r"|data ?sheets?|sds)\b|\bglossary\b|\bwhat (?:does|do) (?:the term )?.{1,40}\bmean\b"
    r"|\bwhat is meant by\b|\bdefinition of\b"
)
SAFETY_CUES = re.compile(
    r"\bwhat (?:should|must|do|does) (?:i|we|one|the \w+) (?:wear|put on)\b|\bwear\w* when\b"
    r"|\b(?:dangerous|hazardous|toxic|harmful|flammable|corrosive|carcinogenic|irritant)\b"
    r"|\bsafe to (?:breathe|touch|handle|use|store|mix|drink|inhale)\b|\binhal\w+|\bspill\w*"
    r"|\bexposure\b|\brules? (?:for|on|about) (?:the |handling |storing |disposing )?\w+"
    r"|\bstored? .{0,40}\b(?:next to|near|close to|together with|beside)\b|\bwhat torque\b"
    r"|\b(?:process|procedure)\W*$"
    r"|\b(?:gloves|goggles|glasses|boots|helmets?|hearing protection|ear defenders|respirators?"
    r"|masks?|ppe|hairnets?|aprons?)\b.{0,20}\b(?:required|needed|mandatory|compulsory|must)\b"
    r"|\b(?:skin|eyes?|eye contact|skin contact|health effects?|swallowed|ingested|burns?)\W*$"
    r"|\bdo(?:es)? (?:it |they )?(?:do )?to (?:the |your )?(?:skin|eyes|body|health|lungs)\b"
    r"|\bhow long (?:can|may|should|must) .{0,40}\b(?:stay|be (?:kept|stored|left|used))\b"
    # rules for a task, asked by their name: "R134a leak: what are the handling rules"
    r"|\b(?:handling|storage|storing|disposal|spill|leak|cleaning|hygiene|allergen)"
    r" (?:rules?|instructions?|requirements?|precautions?|guidance|advice|steps?)\b"
)
# A routine task asked after by how often or what becomes of something: "how often do we
# have to sample the hydraulic oil", "how often are A items cycle counted", "what happens
# to stock that is obsolete". Procedures, never a stock figure.
PROCEDURE_CUES = re.compile(
    r"\bhow often\b.{0,40}\b(?:sampl\w+|check\w*|inspect\w*|servic\w+|clean\w*|lubricat\w+"
    r"|greas\w+|counted|count|chang\w+|replac\w+|calibrat\w+|test\w*|audit\w*)\b"
    r"|\bwhat (?:happens|should happen|do we do|must we do) (?:to|with)\b"
    # "how should solder paste be thawed before use"
    r"|\bhow (?:should|must|do|does|is|are) .{0,40}\bbe (?:thawed|mixed|prepared|applied|kept"
    r"|transported|labell?ed|sampled|lifted|loaded|warmed|dried|handled|stored|disposed of"
    r"|cleaned|charged|serviced)\b"
    # rules and procedures named by what they govern: "emergency purchase rules"
    r"|\b(?:emergency|purchas\w+|buying|approval|storeroom|issuing|returns?|receiving"
    r"|quarantine|scrap) (?:\w+ )?(?:rules?|procedures?|process(?:es)?|guidelines?)\b"
    r"|\b(?:allergens?|changeovers?|sanitation)\b"
)
# A term asked to be explained, with no item and no figure: "what is an insurance spare".
DEFINITION = re.compile(
    r"^(?:what(?:'s| is| are) (?:an?|the term)|define|meaning of) [a-z][a-z -]{2,40}\W*$"
)
# What went wrong with a named machine ("the P-3 press cylinder was leaking, what did we
# find"): its failure reports and manual, not the items the words resemble.
FAILURE_CUES = re.compile(
    r"\b(?:leak\w*|broke\w*|fail\w*|fault\w*|alarms?|trip(?:s|ped|ping)?|nois\w+|vibrat\w+"
    r"|overheat\w*|chatter\w*|clog\w*|burn\w* out|burnt|seized?|jamm\w+|stopp\w+|went wrong"
    r"|what (?:did we|was) (?:find|found)|what happened|repair\w*|fix\w*)\b"
)
# How a named machine is run, set or kept: "belt conveyor tracking adjustment", "tunnel oven
# start-up sequence" (the machine words come from the equipment table).
MACHINE_TOPICS = re.compile(
    r"\b(?:settings?|set ?up|sequence|adjust\w*|start[- ]?up|shut[- ]?down|profiles?|tracking"
    r"|tension\w*|alignment|calibrat\w+|servic\w+|intervals?|cleaning|operat\w+|warm[- ]?up"
    r"|lubrica\w+|parameters?|specs?|specifications?|temperatures?|jam\w*|instructions?|manual"
    r"|maintenance|checks?|inspect\w*|troubleshoot\w*|faults?|alarms?|error codes?|oil|grease"
    r"|fluids?|lubricants?|go(?:es)? in(?:to)?|replac\w+|chang(?:e|ing)|install\w*|fitting"
    r"|remov\w+|overhaul\w*)\b"
)
# Counted stock against the books: "where do physical counts differ from the system".
VARIANCE_CUES = re.compile(
    r"\b(?:counts?|counted|physical|shelf|stock records?)\b.{0,40}\b(?:differ\w*|mismatch\w*"
    r"|(?:don'?t|do not|doesn'?t|does not) (?:match|agree|tally)|off|disagree\w*)\b"
    r"|\bdiscrepanc\w+|\bbook(?:s| balance)? (?:vs\.?|versus|against) (?:the )?(?:physical|count)"
    # the books' side first: "is the system quantity off from what was counted"
    r"|\b(?:system|book|ledger|recorded|erp) (?:quantit\w+|qty|stock|balances?|figures?)\b.{0,40}"
    r"\b(?:off|differ\w*|wrong|mismatch\w*|(?:don'?t|do not|doesn'?t|does not) (?:match|agree))\b"
)
# What the plant's own written policy says: "what is our inventory policy on min/max".
OUR_POLICY = re.compile(
    r"\b(?:our|the company'?s?|the plant'?s?|company|plant|site|written|official) (?:\w+ ){0,2}"
    r"polic(?:y|ies)\b"
)
# A policy is a document unless it is an item's reorder policy.
POLICY = re.compile(r"\bpolic(?:y|ies)\b")
# "the reorder policy of 4412", "our policy for critical spares' reorder points" stays a
# stock question only when it names an item or a figure of one.
STOCK_POLICY_OF_ITEMS = re.compile(
    r"\b(?:reorder|replenishment|min[ /-]?max) polic(?:y|ies) (?:of|for)\b"
)
STOCK_POLICY = re.compile(
    r"\b(?:reorder|replenishment|recommended|min[ /-]?max|stocking|current|order(?:ing)?|"
    r"inventory|your) polic(?:y|ies)\b"
)
MOVEMENT_CUES = re.compile(
    r"\b(?:movements?|transactions?|ledger|booked|bookings?|postings?|posted|receipts?|"
    r"received|goods (?:receipts?|issues?)|in and out|ins and outs|came in|stock cards?|bin cards?"
    r"|item (?:ledger|history)|audit trail"
    r"|stock (?:changes|history)|changes (?:in|of|to) (?:the )?stock)\b"
)
NO_USE = re.compile(
    r"\b(?:no|not|n't|never|without) (?:been |had |any )*(?:usage|use[ds]?|demand|issues?"
    r"|movements?|consum\w+|touched|moved|picked)\b"
)
# "how many went out" is a quantity used, not a list of movements
USE_WORDS = re.compile(r"\b(?:use[ds]?|usage|consum\w+|demand|issued|need|went out|gone out)\b")

LEAD_TIME_CUES = re.compile(
    r"\blead[- ]?times?\b|\breplenishment (?:time|cycle|period|window)\b|\border cycle\b"
    r"|\bwhile (?:we(?:'re| are)? wait|waiting|an? "
    r"(?:new )?order is|the order is|it is|it's) ?(?:on (?:its|the) way|in transit|for (?:a|the) "
    r"delivery)?|\buntil (?:the|a) (?:next )?(?:delivery|order|shipment) (?:arrives|comes)"
)
COVER_WORDS = re.compile(r"\brun (?:out|short|dry)\b|\bcover\b|\benough\b|\bstock ?outs?\b")

PROFILE_CUES = re.compile(
    r"\b(?:intermittent\w*|lumpy|erratic|sporadic|steady|regular|regularly|irregular\w*|smooth"
    r"|variable|variability|predictable|unpredictable|spiky|bursty|bursts?|consistent\w*"
    r"|now and then|vary|varies|variation|fluctuat\w*|month[- ]to[- ]month|week[- ]to[- ]week"
    r"|every (?:day|"
    r"week|month)|demand (?:pattern|profile|class\w*|behaviou?r|type|categor(?:y|ies))"
    r"|usage (?:pattern|profile)"
    r"|consumption (?:pattern|profile)|adi|cv2|cv²|syntetos|boylan|sba class\w*"
    r"|evenly|spurts?|stable|patchy|(?:kind|type|sort) of (?:demand|usage|consumption)"
    r"|classify (?:the |its )?(?:demand|usage|consumption)"
    r"|months? (?:with|without) (?:no |zero |any )?(?:demand|usage|consumption)"
    r"|(?:zero|no)[- ](?:demand|usage) months"
    r"|how (?:often|frequently) (?:do|does|is|are) (?:we )?(?:use|consume|need|issue|draw)\w*"
    r"|(?:consumed|used|drawn|issued|demand|usage|consumption) over time)\b"
)

SLOW_CUES = re.compile(
    r"(?:\bnot|n't|\bnever) (?:been )?(?:touched|moved|used|issued|consumed|picked|drawn)\b"
    r"|\bno (?:movements?|issues|consumption|usage|demand|activity|transactions)\b"
    r"|\bidle\b|\bdormant\b|\bobsolete\b"
    r"|\bdead stock\b|\bgathering dust\b|\bslow[- ]?mov\w+|\bexcess\b|\boverstock\w*"
    r"|\bnon[- ]?moving\b|\bget(?:ting)? rid of\b|\bwrite[- ]?offs?\b|\bsurplus\b"
    r"|\bwithout (?:any )?(?:use|usage|movements?|demand)\b|\bunused\b"
    r"|\bmore (?:of )?(?:\w+ )?than (?:we )?(?:use|need|consume|can use)\b"
    r"|\b(?:more|over|longer) than (?:a |an |one |\d+ )?(?:years?|months?|days) (?:of )?"
    r"(?:cover|supply|stock)\b"
)

ANOMALY_CUES = re.compile(
    r"\b(?:tools?|wrench\w*|spanners?|gloves?|mro items?|spares?|spare parts?|consumables?)\b"
    r".{0,30}\b(?:bills? of materials?|boms?)\b"
    r"|\b(?:bills? of materials?|boms?)\b.{0,30}\b(?:tools?|wrench\w*|spanners?|gloves?|mro"
    r"|maintenance (?:tools?|items?|parts?|suppl\w+)|spares?|spare parts?|consumables?)\b"
    # the same part under two numbers
    r"|\bduplicat\w+|\b(?:set up|entered|created|listed) twice\b|\btwice under\b"
)
# Something wrong with the data itself: "run a data quality check", "any irregularities".
DATA_QUALITY_CUES = re.compile(
    r"\bdata (?:quality|problems?|issues?|errors?|integrity|checks?|health)\b"
    r"|\b(?:anomal\w+|irregularit\w+|inconsistenc\w+|oddit(?:y|ies)|outliers?)\b"
    r"|\b(?:demand|usage|consumption) spikes?\b|\bspikes? in (?:demand|usage|consumption)\b"
    r"|\b(?:suspicious|odd|strange|weird|dodgy) (?:records?|entries|data|transactions?|rows?)\b"
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


# A request to buy, in the mood of a request: "order 20 of 4412", "raise a PR for the
# critical spares", "can you buy what we need". Drafting requisitions is the one action the
# tools take, and it pauses for approval; a question about ordering ("how much should we
# order", "what should we reorder") is not a request.
ASK_TO = (
    r"^(?:(?:ok(?:ay)?|so|now|then|please|pls|kindly|just|go ahead and|can you|could you"
    r"|would you|will you|i'?d like to|i want to|i need to|we need to|let'?s|let us)\b[\s,]*)*"
)
REQUISITION_CUES = re.compile(
    r"\b(?:raise|create|draft|prepare|make|open|put together|generate|issue|submit|write up"
    r"|start)\b.{0,30}\b(?:purchase (?:requisitions?|requests?|reqs?)|requisitions?"
    r"|reqs|prs?)\b"
    r"|\b(?:re-?order|buy|purchase|order)\b.{0,60}\b(?:draft|raise|prepare) (?:it|them|that|those"
    r"|one)\b"
    rf"|{ASK_TO}(?:order|buy|purchase|procure|requisition|restock|replenish)\b"
    r"(?! (?:points?|levels?|list|history|status|quantit\w+|qty|policy|polic\w+|of (?:the )?"
    r"(?:rows|items|list)))"
)

# What an item is: "what kind of part is 4412", "is 10826 a spare or a component", "which
# category does 10182 belong in".
KINDS = (
    r"(?:spare(?: part)?|component|raw(?: material)?|consumable|wip|mro|finished(?: good)?"
    r"|production (?:input|material)|maintenance (?:item|part|material)|work in progress"
    r"|semi[- ]finished|sub[- ]?assembly|tool|for maintenance|for production|upkeep"
    r"|maintenance suppl(?:y|ie)|production)s?"
)
# How the item is recorded, doubted: "the mosfet is booked as a tool, is that right".
BOOKED_AS = re.compile(
    rf"\b(?:booked|recorded|filed|listed|classed|coded|set up|categori[sz]ed|classified|entered)"
    rf" (?:as|under) (?:an? )?{KINDS}\b"
)
# Items whose recorded category is doubted, no item named: "category errors in the master".
MISCLASS_CUES = re.compile(
    r"\b(?:wrong|incorrect|missing|blank|empty|suspicious|doubtful|questionable|bad)\b.{0,25}"
    r"\b(?:categor(?:y|ies)|material types?|classifications?|item types?)\b"
    r"|\b(?:mislabell?ed|miscategori[sz]ed|misclassified|misfiled|mis-?coded)\b"
    r"|\bwrongly (?:categori[sz]ed|classified|filed|coded|labell?ed)\b"
    r"|\bcategor(?:y|ies|isation|ization) (?:errors?|mistakes?|problems?|issues?)\b"
    r"|\b(?:no|without an?|missing an?|blank|lacking an?) (?:recorded )?(?:categor(?:y|ies)"
    r"|material types?|classifications?)\b"
    r"|\b(?:booked|recorded|filed|listed) as\b.{0,30}\b(?:but|though|yet)\b.{0,25}"
    r"\b(?:look|looks|seem|seems|are|is|behave)\b"
    # the category first: "items whose classification looks off"
    r"|\b(?:categor(?:y|ies)|classifications?|material types?|item types?|material groups?)\b"
    r".{0,20}\b(?:looks?|seems?|is|are|might be|may be|could be)\b.{0,10}\b(?:off|wrong"
    r"|incorrect|suspicious|odd|strange|questionable|doubtful)\b"
    r"|\b(?:wrong|incorrect) material groups?\b"
)
# Asked of the items in general, not of one: a stray word that fits an item ("type") does
# not make "show items with a missing material type" a question about that item.
MANY_ITEMS = re.compile(r"\b(?:items|parts|materials|skus|products|list|show|find|any)\b")
CLASSIFY_CUES = re.compile(
    r"\bwhat (?:kind|type|sort) of (?:an? )?(?:item|part|material|thing|product|stock)\b"
    r"|\b(?:which|what) (?:material )?(?:category|bucket|class|group|type)\b.{0,30}\b(?:belong"
    r"|go|fall|sit|be|is it|in|fits?|suits?)\b|\bclassif(?:y|ied|ication)\b"
    rf"|\b{KINDS}\b,? (?:or|vs\.?|versus) (?:an? |the )?{KINDS}\b"
)
# A yes/no question whose last words are a kind: "is 11722 a maintenance part?", "would you
# call the timing belt mro".
IS_KIND = re.compile(
    r"^(?:is|are|was|would you (?:call|class\w*|count|consider|treat)|should (?:we|i|it|this|that)"
    r" (?:be )?(?:call\w*|class\w*|treat\w*|count\w*|consider\w*|file\w*))\b.{0,80}"
    rf"\b(?:an? |as (?:an? )?)?{KINDS}\W*$"
    r"|^(?:is|are)\b.{0,60}\b(?:maintenance|production) (?:uses?|needs?|consumes?)\W*$"
    rf"|\b(?:whether|if) .{{0,40}}\b(?:is|are) (?:really |actually )?(?:an? )?{KINDS}\W*$"
    r"|\b(?:correctly|rightly|wrongly) (?:categori[sz]ed|classified|classed|filed|labell?ed)\b"
    rf"|\bis it (?:an? |really |actually )?{KINDS}\W*$|\bgo(?:es)? into (?:our |the )?products?\b"
    r"|\b(?:right|wrong|correct) (?:category|class|classification)\b"
    r"|\bcount(?:s|ed)? as (?:an? )?(?:maintenance|production|mro|wip|raw|finished|spare"
    r"|consumable|tool)"
    r"|\b(?:maintenance|production|mro|wip)\b,? (?:or|vs\.?|versus) (?:for )?(?:maintenance"
    r"|production|mro|wip)\b"
    # the recorded category doubted: "is 11359 safety gear as the ERP says"
    r"|\bas (?:the )?(?:erp|system|item master|master data|sap|records?) (?:says?|has it|shows?"
    r"|claims?|records? it)\b"
)

# Replaying a policy on history: "replay the current min/max of 4444", "backtest ...".
SIMULATE_CUES = re.compile(
    r"\b(?:test|check|try|evaluate|validate)\b.{0,50}\bagainst (?:the )?(?:last year'?s?|past"
    r"|histor\w+|actual)|\bwhat fill rate would\b"
    r"|\b(?:replay|backtest\w*|simulat\w+|play(?:ed)? back|playback|would (?:it|they|that|this"
    r"|the \w+) have (?:done|performed|worked|coped)|would have (?:done|performed|worked))\b"
    # "how many stockouts would the suggested policy for 11128 have had"
    r"|\bwould (?:the|a|our|this|that) (?:\w+ ){0,3}polic(?:y|ies)\b.{0,60}\bhave (?:had|given"
    r"|caused|produced|achieved|avoided)\b"
    r"|\b(?:on|against|over) (?:the )?(?:past|historical|last year'?s?)"
    r" (?:demand|usage|consumption)"
)

# Stock that will not last a horizon: "what will be out of stock within two weeks", "which
# consumables won't last the next 30 days". A risk is the stockout-risk projection.
RUN_OUT_CUES = re.compile(
    r"\b(?:out of stock|run (?:out|dry|short)|running (?:out|dry|low|short)|stock ?outs?"
    r"|won'?t last|will not last|not last|last (?:the|until|through)|be empty)\b"
)
RISK_WORDS = re.compile(r"\b(?:risk\w*|likely|danger|threat\w*|exposed)\b")
# Due for reordering: "what needs to be reordered", "items at or below min".
BELOW_ROP_CUES = re.compile(
    r"\b(?:needs?|due|ready) (?:to be )?re-?order(?:ed|ing)?\b|\bat or (?:below|under)\b"
    r"|\b(?:below|under|beneath) (?:the |their |its )?(?:reorder|re-order|rop|min\b|minimum)"
)

# A policy asked for, not replayed: "recommended reorder point for the chiller fan motor".
RECOMMEND_CUES = re.compile(
    r"\b(?:recommend\w*|suggest\w*|optimal|ideal|best|right|should)\b.{0,30}\b(?:reorder "
    r"(?:points?|levels?|quantit\w+|qty)|rops?|safety stocks?|min(?:/| and | ?- ?)max"
    r"|order quantit\w+|order qty|eoq)\b"
)

# What the plant is making now: its open production orders.
BEING_MADE = re.compile(
    r"\b(?:being|getting) (?:produced|made|manufactured|built|baked|assembled|processed)\b"
)
ORDER_WORDS = re.compile(r"\b(?:orders?|mos|jobs|batches|work orders)\b")
# What is still to go to the orders: "remaining material to issue for jobs at riverside".
TO_ISSUE = re.compile(
    r"\b(?:components?|materials?|parts|bom lines?)\b.{0,30}\b(?:to (?:be )?(?:issue|issued|pick"
    r"|picked|draw|drawn|kit|kitted)|still (?:needed|required|missing))\b"
)
IN_PRODUCTION = re.compile(
    r"^(?:what(?:'s| is| are we)?|which (?:products|items) (?:are|is)) (?:currently |now |being )?"
    r"(?:in|on) (?:production|the (?:shop )?floor|the lines?)\b(?! orders? (?:worth|value))"
)
SHOP_FLOOR = re.compile(
    r"^(?:what(?:'s| is)|show me) (?:on|running on|happening on) the (?:shop )?floor\W*$"
)
LATE_WORDS = re.compile(
    r"\b(?:stuck|stalled|late|delayed|overdue|past due|behind|hung up|held up|too long"
    r"|(?:not|n't|never) (?:been )?(?:moving|moved|progress\w*|advanc\w+)|same stage)\b"
)
# An item named by what identifies it, asked for its number: "which item has part number
# 9004-894", "what is the code for the pressure gauge".
FIND_CUES = re.compile(
    r"\b(?:which|what) (?:item|part|sku)s? (?:has|have|is|are|matches|match|carries|uses)\b"
    r"|\b(?:item|part|sku|material) (?:number|no\.?|code|id|#) (?:of|for)\b"
    r"|\bwhat(?:'s| is) the (?:item |part |sku )?(?:code|number|id) (?:of|for)\b"
    r"|\b(?:look ?up|search (?:the item master |the items )?for)\b"
)
# Demand to come for a named item: "projected consumption of 11128 next quarter".
FORECAST_CUES = re.compile(
    r"\b(?:projected|predicted|forecast\w*|expected|anticipated|future)\b.{0,15}\b(?:demand|usage"
    r"|consumption|needs?|use|sales)\b"
)
MONEY_WORDS = re.compile(r"\b(?:worth|value[ds]?|valuation|money|cost)\b")


def figure_money(q: str) -> bool:
    return MONEY_WORDS.search(q) is not None


def cue_intent(q: str, entities: dict[str, Any], item_known: bool) -> str | None:
    """The question type the wording settles, or None to leave it to the matcher."""
    figure = FIGURE_WORDS.search(q) is not None
    if REQUISITION_CUES.search(q):
        return "draft_purchase_requisitions"
    if item_known and BOOKED_AS.search(q) and not figure:
        return "classify_item"
    if not item_known and BOOKED_AS.search(q) and (MANY_ITEMS.search(q) or "category" in entities):
        # "spares recorded as raw material": a group doubted; one item the words did not
        # resolve is left to the matcher
        return "suspected_misclassifications"
    if MISCLASS_CUES.search(q) and (not item_known or MANY_ITEMS.search(q)):
        return "suspected_misclassifications"
    if not item_known and OUR_POLICY.search(q) and not STOCK_POLICY_OF_ITEMS.search(q):
        return "search_documents"
    if entities.get("machine") and MACHINE_TOPICS.search(q) and not figure:
        return "search_documents"
    if ANOMALY_CUES.search(q):  # "is there a wrench listed as a BOM component"
        return "find_anomalies"
    if STRONG_DOCUMENT_CUES.search(q) or (SAFETY_CUES.search(q) and not figure):
        return "search_documents"
    if PROCEDURE_CUES.search(q) and not figure:
        return "search_documents"
    if not item_known and DEFINITION.search(q) and not figure:
        return "search_documents"  # what a term means: the glossary
    if entities.get("equipment") and FAILURE_CUES.search(q) and not figure:
        return "search_documents"
    if item_known and MOVEMENT_CUES.search(q) and not USE_WORDS.search(q):
        return "movements"
    if item_known and LEAD_TIME_CUES.search(q) and not COVER_WORDS.search(q):
        return "lead_time_demand"
    if item_known and PROFILE_CUES.search(q) and not figure:
        return "demand_profile"
    if item_known and FORECAST_CUES.search(q) and not figure:
        return "forecast_demand"
    if SIMULATE_CUES.search(q) and (item_known or POLICY.search(q) or "min" in q):
        return "simulate_policy"
    if item_known and RECOMMEND_CUES.search(q):
        return "recommend_reorder"
    if item_known and (CLASSIFY_CUES.search(q) or IS_KIND.search(q)) and not figure:
        return "classify_item"
    horizon = "days" in entities or "lead_time" in entities
    if not item_known and horizon and RUN_OUT_CUES.search(q):
        return "stockout_risk" if RISK_WORDS.search(q) else "run_out_within"
    if not item_known and BELOW_ROP_CUES.search(q) and not figure:
        return "below_reorder_point"
    if ANOMALY_CUES.search(q) or (not item_known and DATA_QUALITY_CUES.search(q)):
        return "find_anomalies"
    open_orders = OPEN_ORDERS.search(q) and not MONEY_WORDS.search(q)
    if open_orders and NEED_WORDS.search(q):
        return "wip_component_needs"
    if not item_known and ORDER_WORDS.search(q) and TO_ISSUE.search(q):
        return "wip_component_needs"
    if not item_known and ORDER_WORDS.search(q) and LATE_WORDS.search(q) and not figure:
        return "stalled_orders"
    if not item_known and ORDER_WORDS.search(q) and entities.get("stage") and not figure_money(q):
        # "which orders are at the packing stage": a stage of the routings, named as one ("at
        # the same stage too long" is a stalled order, settled above)
        return "open_wip_orders"
    if not item_known and IN_PRODUCTION.search(q) and not figure_money(q):
        return "open_wip_orders"  # "what is in production at the moment"
    if not item_known and SHOP_FLOOR.search(q):
        return "open_wip_orders"
    if open_orders and not item_known and ORDER_WORDS.search(q) and not LATE_WORDS.search(q):
        return "open_wip_orders"
    if item_known and FIND_CUES.search(q) and not figure:
        return "find_items"
    if not item_known and BEING_MADE.search(q) and not figure and not MONEY_WORDS.search(q):
        return "open_wip_orders"
    if not item_known and VARIANCE_CUES.search(q):
        return "variance"
    if not item_known and SLOW_CUES.search(q) and "how many" not in q:
        return "slow_moving"
    if not item_known and SLOW_CUES.search(q) and NO_USE.search(q):
        # "how many items have had no usage in 180 days": a count of slow stock, the days
        # a look back (not a horizon)
        return "slow_moving"
    if DOCUMENT_CUES.search(q) and not figure:
        return "search_documents"
    if POLICY.search(q) and not STOCK_POLICY.search(q) and not item_known and not figure:
        return "search_documents"
    return None
