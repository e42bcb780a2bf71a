"""The question types the offline planner understands, as data: example questions (with
{placeholders} where entities go), the tool(s) to call, and how to word the answer.

To add a question type for a new tool, add one `Intent` here; its answer is the generic
digest of the result until the tool gets a writer in `assistant/planner/answers/`. An
intent whose tools are not registered is ignored, so types for tools that land later can
sit here already."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Intent:
    name: str
    label: str  # how the docs and the decline message name it
    tools: tuple[str, ...]
    examples: tuple[str, ...]
    # Heading of the generic digest, used when no answer writer (assistant/planner/answers/)
    # fits the tool's result; {entities} allowed, no figures.
    headline: str
    needs: tuple[str, ...] = ()  # entities without which the question cannot be answered
    defaults: dict = field(default_factory=dict)  # arguments used when the question omits them
    explain: str = ""  # the definition behind the figures, for "why?"


DECLINE = "out_of_scope"

INTENTS: tuple[Intent, ...] = (
    Intent(
        "on_hand",
        "how much of an item is on hand (per site, with value)",
        ("on_hand",),
        (
            "how many {item} do we have",
            "how much {item} is in stock",
            "stock level of {item}",
            "on hand qty for {item} at {site}",
            "do we have any {item} left",
            "what's on the shelf for {item}",
            "current inventory of {item}",
            "qty on hand {item}",
            "{item} stock",
            "how many {item} are there at {site}",
            "check stock {item}",
            "is {item} in stock",
        ),
        "On hand for {item}{at_site}:",
        needs=("item",),
        explain="On hand is the stock_levels snapshot quantity; across sites it is the sum. "
        "Value is on hand x unit cost.",
    ),
    Intent(
        "find_items",
        "find an item by id or description",
        ("find_items",),
        (
            "find {item}",
            "search for {item}",
            "what item number is {item}",
            "look up {item}",
            "which items match {item}",
            "what's the part number for {item}",
            "item id of {item}",
        ),
        "Items matching {item}:",
        needs=("item",),
    ),
    Intent(
        "demand",
        "demand (consumption) of an item or group over a period",
        ("demand",),
        (
            "how much {item} did we use {period}",
            "demand for {item} {period}",
            "consumption of {item} {period}",
            "usage of {item} {period}",
            "how many {item} were issued {period}",
            "what did we consume of {item}",
            "average daily demand for {item}",
            "how much {category} did we use {period}",
            "which {category} were used most {period}",
            "top consumed {category} {period}",
        ),
        "Demand{for_item}{at_site}{period}:",
        explain="Demand is minus the sum of issue_production, issue_maintenance, issue_sales "
        "and issue_other quantities in the period; transfers, scrap, adjustments and returns "
        "are not demand. Average daily demand is demand / days in the period.",
    ),
    Intent(
        "movements",
        "stock movements (transactions) of an item",
        ("movements",),
        (
            "show movements of {item}",
            "transactions for {item} {period}",
            "what came in and out of {item}",
            "receipts of {item} {period}",
            "movement history {item}",
            "ledger entries for {item}",
        ),
        "Movements of {item}{at_site}{period}:",
        needs=("item",),
    ),
    Intent(
        "below_reorder_point",
        "items at or below their reorder point",
        ("below_reorder_point",),
        (
            "what's below reorder point",
            "which items need reordering",
            "items below rop at {site}",
            "what should we reorder",
            "anything under the reorder level",
            "which {category} are below reorder point",
            "list parts at or under min stock",
            "reorder list",
            "which {criticality} items are below their reorder point",
            "what needs ordering",
        ),
        "Items at or below their reorder point{at_site}:",
        explain="An item is below its reorder point when on hand <= reorder_point (only rows "
        "with a reorder point count).",
    ),
    Intent(
        "run_out_within",
        "items that run out within N days or their lead time (days of cover)",
        ("run_out_within",),
        (
            "which items will run out within {days}",
            "what runs out in the {days}",
            "which {category} will run out within their lead time",
            "stock outs coming up",
            "what will we run out of soon",
            "days of cover below lead time",
            "which {criticality} {category} will run out before we can get more",
            "items with less than {days} of cover",
            "how many days of cover do we have for {item}",
            "when will we run out of {item}",
        ),
        "Items that run out{within}{at_site}:",
        explain="Days of cover = on hand / average daily demand (demand over the last ninety days "
        "/ ninety); an item runs out within N days when its days of cover are below N (or below "
        "its lead time when asked about lead time).",
    ),
    Intent(
        "days_of_cover",
        "days of cover of one item",
        ("days_of_cover",),
        (
            "how many days of cover do we have for {item}",
            "when will we run out of {item}",
            "how long will {item} last",
            "days of supply for {item}",
            "{item} coverage in days",
            "will {item} last until the next delivery",
            "cover for {item} at {site}",
        ),
        "Days of cover for {item}{at_site}:",
        needs=("item",),
        explain="Days of cover = on hand / average daily demand (demand over the last ninety "
        "days / ninety); no demand means unbounded cover.",
    ),
    Intent(
        "inventory_value",
        "inventory value by category, site or supplier",
        ("inventory_value",),
        (
            "what is our inventory worth",
            "total inventory value",
            "stock value by category",
            "how much money is tied up in {category}",
            "value of stock at {site}",
            "inventory value by supplier",
            "what's the value of {category} inventory",
            "how much is our stock worth at {site}",
            "inventory valuation by site",
        ),
        "Inventory value{at_site}:",
        explain="Inventory value is on hand x unit cost, summed over the group.",
    ),
    Intent(
        "variance",
        "book balance vs on hand variances (count differences)",
        ("variance",),
        (
            "which items have a variance",
            "book vs physical differences",
            "where does the count not match the books",
            "inventory discrepancies at {site}",
            "shrinkage report",
            "variance for {item}",
            "largest stock variances",
            "audit differences between ledger and on hand",
        ),
        "Book balance vs on hand{for_item}{at_site}:",
        explain="Book balance is the sum of all transaction quantities up to the snapshot; "
        "variance = on hand - book balance.",
    ),
    Intent(
        "open_wip_orders",
        "open WIP (production) orders by stage",
        ("open_wip_orders",),
        (
            "which production orders are open",
            "open work in progress orders",
            "what's in wip right now",
            "how many orders are on the floor",
            "open orders by stage",
            "which batches are in progress at {site}",
            "list released production orders",
        ),
        "Open WIP orders{at_site}:",
        explain="Open WIP orders are production orders released or in progress; the current "
        "stage is the order_progress row with the highest stage_seq.",
    ),
    Intent(
        "wip_value",
        "value of work in progress",
        ("wip_value",),
        (
            "what is our wip worth",
            "value of work in progress",
            "how much money is in wip",
            "wip valuation at {site}",
            "total wip value",
            "how much is tied up in open orders",
        ),
        "Work-in-progress value{at_site}:",
        explain="WIP value of an open order is material issued to it plus the conversion cost "
        "of its finished stages (qty_good x std hours x (labour + overhead rate)).",
    ),
    Intent(
        "stalled_orders",
        "stalled production orders (stuck at a stage)",
        ("stalled_orders",),
        (
            "which orders are stalled",
            "any batches stuck",
            "orders stuck at a stage",
            "which wip orders have not moved",
            "stalled batches at {site}",
            "delayed orders stuck in soldering",
            "what's stuck on the floor",
        ),
        "Stalled orders{at_site}:",
        explain="An order is stalled when its time at the current stage is far beyond that "
        "stage's typical time.",
    ),
    Intent(
        "slow_moving",
        "slow-moving and excess stock",
        ("slow_moving_and_excess",),
        (
            "which items are slow moving",
            "dead stock",
            "what hasn't moved in months",
            "excess inventory",
            "overstocked items",
            "what do we have too much of",
            "slow movers at {site}",
        ),
        "Slow-moving and excess stock{at_site}:",
    ),
    # --- documents, forecasting, classification, anomalies, replenishment --------------
    Intent(
        "search_documents",
        "what the manuals, SOPs and failure reports say",
        ("search_documents",),
        (
            # Item and equipment words stay placeholders: they must not count as
            # question words, or "hydraulic seal" would stop being an item.
            "how do i replace the {item} on {equipment}",
            "what does the manual say about {equipment}",
            "procedure for changing the {item}",
            "is there an sop for lockout",
            "safety data sheet for {item}",
            "what causes {item} failures on {equipment}",
            "failure reports for {equipment}",
            "maintenance instructions for the {item}",
            "how often should the {item} be changed",
            "what ppe do i need for {item} cleaning",
            "troubleshooting guide for {equipment}",
            "what does the sop say about {item}",
        ),
        "What the documents say:",
    ),
    Intent(
        "forecast_demand",
        "demand forecasts for an item (with ranges)",
        ("forecast_demand",),
        (
            "forecast demand for {item} {days}",
            "how much {item} will we need {days}",
            "expected usage of {item} {days}",
            "predict consumption of {item}",
            "what will demand for {item} be {days}",
            "{item} forecast",
            "projected demand {item} at {site}",
        ),
        "Demand forecast for {item}{at_site}{within}:",
        explain="The forecast is fitted on the item's daily demand history; the range gives "
        "quantiles of the forecast.",
    ),
    Intent(
        "lead_time_demand",
        "demand over an item's lead time",
        ("lead_time_demand",),
        (
            "demand over lead time for {item}",
            "how much {item} do we use while waiting for a delivery",
            "lead time demand of {item}",
            "how much {item} will we consume before the next order arrives",
        ),
        "Demand over the lead time for {item}{at_site}:",
    ),
    Intent(
        "demand_profile",
        "how an item's demand behaves (smooth, intermittent, ...)",
        ("demand_profile",),
        (
            "is demand for {item} intermittent",
            "demand pattern of {item}",
            "how regular is the usage of {item}",
            "is {item} a lumpy item",
            "demand profile {item}",
        ),
        "Demand profile of {item}{at_site}:",
    ),
    Intent(
        "classify_item",
        "what an item really is (WIP, MRO, raw, finished)",
        ("classify_item",),
        (
            "what kind of item is {item}",
            "is {item} wip or mro",
            "classify {item}",
            "what category should {item} be",
            "is {item} a spare part or a raw material",
            "is {item} really a consumable",
        ),
        "What {item} is:",
    ),
    Intent(
        "suspected_misclassifications",
        "items whose recorded category looks wrong",
        ("suspected_misclassifications",),
        (
            "which items are probably misclassified",
            "wrong categories in the erp",
            "items filed under the wrong category",
            "which materials have a wrong or blank category",
            "audit the item master categories",
            "misclassified {category}",
        ),
        "Items whose recorded category looks wrong:",
    ),
    Intent(
        "find_anomalies",
        "anomalies in the data (tools in BOMs, misfiled criticals, ...)",
        ("find_anomalies",),
        (
            "any anomalies in the data",
            "what looks odd in our inventory",
            "find data problems",
            "red flags in the stock records",
            "anything suspicious in the transactions",
            "inventory anomalies for {item}",
        ),
        "Anomalies found:",
    ),
    Intent(
        "recommend_reorder",
        "recommended reorder points, safety stock, order quantities",
        ("recommend_reorder",),
        (
            "what should the reorder point be for {item}",
            "recommended safety stock for {category}",
            "how much should we order of {item}",
            "recommend reorder quantities for {criticality} {category}",
            "optimal min max for {item}",
            "what reorder policy do you recommend for {category} at {site}",
        ),
        "Recommended reorder policy{for_item}{at_site}:",
    ),
    Intent(
        "stockout_risk",
        "items at risk of a stockout (on hand minus draw and open needs)",
        ("stockout_risk",),
        (
            "which items are at risk of stocking out {days}",
            "stockout risk {days}",
            "what is likely to stock out at {site}",
            "which {category} are at risk of a shortage",
            "shortage risk report",
        ),
        "Stockout risk{at_site}{within}:",
    ),
    Intent(
        "stock_alerts",
        "the stock alerts raised on incoming movements, and why one was raised",
        ("stock_alerts",),
        (
            "what alerts are open",
            "which stock alerts are open at {site}",
            "show the open alerts",
            "why did you alert on {item}",
            "why was there an alert for {item}",
            "alert history of {item}",
        ),
        "Stock alerts{for_item}{at_site}:",
        explain="An alert is raised when projected stock (on hand, the 90-day draw, open "
        "production orders' needs, open purchases) falls below safety stock (zero for B and "
        "C items) within the lead time; one per episode, cleared by an order or a receipt.",
    ),
    Intent(
        "wip_component_needs",
        "components open production orders still need",
        ("wip_component_needs",),
        (
            "what components do open orders still need",
            "material still needed for open production orders",
            "component shortages for wip",
            "what do the open orders need from stores",
        ),
        "Components the open orders still need:",
    ),
    Intent(
        "simulate_policy",
        "how a reorder policy would have performed (simulation)",
        ("simulate_policy",),
        (
            "simulate the recommended policy for {item}",
            "how would the recommended reorder policy have performed",
            "backtest the current policy for {category}",
            "what if we used the recommended reorder points for {item}",
        ),
        "Simulated policy{for_item}{at_site}:",
    ),
    Intent(
        "plan_service_levels",
        "fill rate for a stock budget, or the least stock for a fill rate, vs the current policy",
        ("plan_service_levels",),
        (
            "what fill rate can we have for 7 M",
            "what service level can we afford with a budget of 5 million",
            "least inventory for a 95% fill rate",
            "how does your policy compare with our current min max",
            "compare your reorder points with our current ones",
            "is our current min/max policy efficient",
        ),
        "Store-wide service levels:",
    ),
    Intent(
        "draft_purchase_requisitions",
        "drafting purchase requisitions (after your approval)",
        ("draft_purchase_requisitions",),
        (
            "draft purchase requisitions for {criticality} {category}",
            "raise prs for items below reorder point",
            "create purchase requisitions",
            "prepare purchase reqs for {category} at {site}",
            "order what we need for {category}",
        ),
        "Purchase requisitions{at_site}:",
    ),
    Intent(
        "write_audit_report",
        "writing the quarter's inventory audit report (PDF, with every figure traced)",
        ("write_audit_report",),
        (
            "write the {period} inventory audit for {site}",
            "write the inventory audit report for {period}",
            "prepare the audit report for {period}",
            "make the quarterly inventory audit for {site}",
            "generate the {period} stock audit",
        ),
        "Inventory audit report{at_site}:",
        needs=("start",),
    ),
    Intent(
        DECLINE,
        "",
        (),
        (
            "what's the weather tomorrow",
            "who won the game last night",
            "tell me a joke",
            "how many employees work here",
            "what is the stock price of our company",
            "write me a poem",
            "what's the capital of france",
            "how do i cook pasta",
            "what will steel cost next year",
            "what will the price of {item} be {days}",
            "price forecast for {item}",
            "how will {item} prices move",
            "who is the ceo",
            "book a meeting room",
            "what's our revenue",
            "how much do we pay our operators",
            "send an email to my boss",
            "what is the meaning of life",
            "translate this to german",
            "delete all the data",
            "run this sql query",
            "what's the market share of our competitors",
            "how many hours did john work",
        ),
        "",
    ),
)

FOLLOW_UP_PREFIXES = (
    "and ",
    "what about",
    "how about",
    "same for",
    "same at",
    "and for",
    "what if",
    "now for",
    "also for",
    "ok and",
    "and at",
    "and in",
)
WHY_WORDS = (
    "why",
    "how come",
    "explain",
    "how did you get",
    "how was that computed",
    "where does that come from",
    "show your work",
)
