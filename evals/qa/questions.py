"""The Q&A eval set over the demo plant: questions written the way managers, planners and
auditors ask them (varied wording, typos, follow-ups in threads, unanswerable ones). Each
names the tools a good answer uses and the figures (or ids) the oracle expects in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from evals.qa.oracle import Oracle

Expect = Callable[[Oracle], list]


@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    tools: tuple[str, ...] = ()  # empty: the question must be declined
    figures: Expect = field(default=lambda o: [])  # numbers the answer must contain
    ids: Expect = field(default=lambda o: [])  # ids / words the answer must contain
    thread: str | None = None  # questions sharing a thread run in order, with memory

    @property
    def unanswerable(self) -> bool:
        return not self.tools


def _q(qid, text, tools=(), figures=None, ids=None, thread=None) -> Question:
    return Question(
        qid,
        text,
        tuple(tools) if isinstance(tools, list | tuple) else (tools,),
        figures or (lambda o: []),
        ids or (lambda o: []),
        thread,
    )


AUG = ("2025-08-01", "2025-08-31")
Q3 = ("2025-07-01", "2025-09-30")
SEPT = ("2025-09-01", "2025-09-30")
CRIT_SPARES = dict(category="mro", mro_subtype="spare_part", criticality="A")

QUESTIONS: list[Question] = [
    # --- on hand ------------------------------------------------------------------------
    _q(
        "oh-01",
        "How many spindle bearings do we have?",
        "on_hand",
        lambda o: [o.on_hand("4430")],
        lambda o: ["4430"],
    ),
    _q(
        "oh-02",
        "what's the stock level of the pressure relief valve",
        "on_hand",
        lambda o: [o.on_hand("4412")],
        lambda o: ["4412"],
    ),
    _q(
        "oh-03",
        "do we have any ear plugs left at Riverside?",
        "on_hand",
        lambda o: [o.on_hand("4473", "S1")],
        lambda o: ["4473"],
    ),
    _q("oh-04", "qty on hand for item 4460", "on_hand", lambda o: [o.on_hand("4460")]),
    _q(
        "oh-05",
        "how many solder nozles in stock",
        "on_hand",  # typo
        lambda o: [o.on_hand("4460")],
        lambda o: ["4460"],
    ),
    _q(
        "oh-06",
        "Current inventory of nitrile gloves?",
        "on_hand",
        lambda o: [o.on_hand("4471")],
        lambda o: ["4471"],
    ),
    _q("oh-07", "stock of torque wrench", "on_hand", lambda o: [o.on_hand("4480")]),
    _q(
        "oh-08",
        "How much rye flour is on the shelf at Lakeside?",
        "on_hand",
        lambda o: [o.on_hand("1007", "S2")],
    ),
    _q("oh-09", "is the thermocouple in stock", "on_hand", lambda o: [o.on_hand("4501")]),
    _q("oh-10", "check stock 4490", "on_hand", lambda o: [o.on_hand("4490"), o.value_of("4490")]),
    _q("oh-11", "how many forklift tyres are there", "on_hand", lambda o: [o.on_hand("4495")]),
    _q("oh-12", "on hand qty multimeter fluke", "on_hand", lambda o: [o.on_hand("4482")]),
    # --- below reorder point ------------------------------------------------------------
    _q(
        "rop-01",
        "What's below reorder point?",
        "below_reorder_point",
        lambda o: [o.below_reorder_point()],
    ),
    _q(
        "rop-02",
        "which items need reordering at Lakeside",
        "below_reorder_point",
        lambda o: [o.below_reorder_point("S2")],
    ),
    _q(
        "rop-03",
        "whats under the reorder level in riverside plant",
        "below_reorder_point",
        lambda o: [o.below_reorder_point("S1")],
    ),
    _q(
        "rop-04",
        "Which critical items are below their reorder point?",
        "below_reorder_point",
        lambda o: [o.below_reorder_point(criticality="A")],
    ),
    _q(
        "rop-05",
        "list raw materials at or below min stock",
        "below_reorder_point",
        lambda o: [o.below_reorder_point(category="raw_material")],
    ),
    _q(
        "rop-06",
        "reorder list for site S1",
        "below_reorder_point",
        lambda o: [o.below_reorder_point("S1")],
    ),
    _q(
        "rop-07",
        "what shuold we reorder",
        "below_reorder_point",  # typo
        lambda o: [o.below_reorder_point()],
    ),
    _q(
        "rop-08",
        "anything under ROP at the second site?",
        "below_reorder_point",
        lambda o: [o.below_reorder_point("S2")],
    ),
    # --- run out ------------------------------------------------------------------------
    _q(
        "ro-01",
        "Which critical spare parts will run out within their lead time?",
        "run_out_within",
        lambda o: [len(o.run_out_within("lead_time", **CRIT_SPARES))],
        lambda o: o.run_out_within("lead_time", **CRIT_SPARES),
    ),
    _q(
        "ro-02",
        "what critical spares run out before we can get more?",
        "run_out_within",
        lambda o: [len(o.run_out_within("lead_time", **CRIT_SPARES))],
        lambda o: o.run_out_within("lead_time", **CRIT_SPARES),
    ),
    _q(
        "ro-03",
        "which items will run out within 30 days",
        "run_out_within",
        lambda o: [len(o.run_out_within(30))],
    ),
    _q(
        "ro-04",
        "what runs out in the next 2 weeks?",
        "run_out_within",
        lambda o: [len(o.run_out_within(14))],
    ),
    _q(
        "ro-05",
        "Which spare parts will stock out within the next 60 days",
        "run_out_within",
        lambda o: [len(o.run_out_within(60, category="mro", mro_subtype="spare_part"))],
    ),
    _q(
        "ro-06",
        "critcal spare parts running out within lead time",
        "run_out_within",  # typo
        lambda o: [len(o.run_out_within("lead_time", **CRIT_SPARES))],
    ),
    _q(
        "ro-07",
        "which consumables will run out in the next month",
        "run_out_within",
        lambda o: [len(o.run_out_within(30, category="mro", mro_subtype="consumable"))],
    ),
    _q(
        "ro-08",
        "raw materials that run out within their lead times",
        "run_out_within",
        lambda o: [len(o.run_out_within("lead_time", category="raw_material"))],
    ),
    _q(
        "ro-09",
        "what will we run out of soon?",
        "run_out_within",
        lambda o: [len(o.run_out_within("lead_time"))],
    ),
    _q(
        "ro-10",
        "stock outs coming up in the next 90 days",
        "run_out_within",
        lambda o: [len(o.run_out_within(90))],
    ),
    # --- days of cover ------------------------------------------------------------------
    _q(
        "doc-01",
        "How many days of cover do we have for the spindle bearing?",
        "days_of_cover",
        lambda o: [o.days_of_cover("4430")],
    ),
    _q(
        "doc-02",
        "how long will the solvent degreaser last",
        "days_of_cover",
        lambda o: [o.days_of_cover("4490")],
    ),
    _q(
        "doc-03",
        "days of supply for item 4501",
        "days_of_cover",
        lambda o: [o.days_of_cover("4501")],
    ),
    _q(
        "doc-04",
        "when will we run out of isopropyl alcohol?",
        "days_of_cover",
        lambda o: [o.days_of_cover("4491")],
    ),
    # --- demand -------------------------------------------------------------------------
    _q(
        "dem-01",
        "How much rye flour did we use last month?",
        "demand",
        lambda o: [o.demand("1007", *AUG)],
    ),
    _q(
        "dem-02",
        "consumption of hydraulic oil iso vg 46 in Q3",
        "demand",
        lambda o: [o.demand("4420", *Q3)],
    ),
    _q(
        "dem-03",
        "how many spindle bearings were issued in the last 90 days",
        "demand",
        lambda o: [o.demand("4430", "2025-07-03", "2025-09-30")],
    ),
    _q("dem-04", "usage of item 4460 in August", "demand", lambda o: [o.demand("4460", *AUG)]),
    _q(
        "dem-05",
        "what did we consume of the isopropyl alcohol this month",
        "demand",
        lambda o: [o.demand("4491", *SEPT)],
    ),
    _q("dem-06", "demand for sugar gran last month", "demand", lambda o: [o.demand("1002", *AUG)]),
    _q("dem-07", "how much yeast did we use in Q3", "demand", lambda o: [o.demand("1004", *Q3)]),
    # Three items fit "nitrile gloves": the right answer names them and asks which one.
    _q(
        "dem-08",
        "usage of nitrile gloves last quarter",
        "demand",
        ids=lambda o: o.find("nitrile gloves"),
    ),
    _q(
        "dem-09",
        "how much egg liquid did we consume in july",
        "demand",
        lambda o: [o.demand("1006", "2025-07-01", "2025-07-31")],
    ),
    _q(
        "dem-10",
        "demnad for butter unsalted last month",
        "demand",  # typo
        lambda o: [o.demand("1003", *AUG)],
    ),
    # --- inventory value ----------------------------------------------------------------
    _q(
        "val-01",
        "What is our inventory worth?",
        "inventory_value",
        lambda o: [o.inventory_value()["total"]],
    ),
    _q(
        "val-02",
        "stock value by category",
        "inventory_value",
        lambda o: [v for k, v in o.inventory_value("category").items()],
    ),
    _q(
        "val-03",
        "how much money is tied up in stock at Lakeside",
        "inventory_value",
        lambda o: [o.inventory_value(site="S2")["total"]],
    ),
    _q(
        "val-04",
        "inventory valuation by site",
        "inventory_value",
        lambda o: list(o.inventory_value("site").values()),
    ),
    _q(
        "val-05",
        "total inventry value by supplier",
        "inventory_value",  # typo
        lambda o: [o.inventory_value()["total"]],
    ),
    _q(
        "val-06",
        "what's the value of our stock at riverside?",
        "inventory_value",
        lambda o: [o.inventory_value(site="S1")["total"]],
    ),
    _q(
        "val-07",
        "How much is our inventory worth by category at S1",
        "inventory_value",
        lambda o: [o.inventory_value("category", "S1")["total"]],
    ),
    _q(
        "val-08",
        "total inventory value",
        "inventory_value",
        lambda o: [o.inventory_value()["total"]],
    ),
    # --- variance -----------------------------------------------------------------------
    _q(
        "var-01",
        "Which items have a variance between book and on hand?",
        "variance",
        lambda o: [len(o.variances())],
        lambda o: list(o.variances()["item_id"]),
    ),
    _q(
        "var-02",
        "where does the count not match the books",
        "variance",
        lambda o: [len(o.variances())],
    ),
    _q(
        "var-03",
        "inventory discrepancies at Riverside",
        "variance",
        lambda o: [len(o.variances("S1"))],
        lambda o: list(o.variances("S1")["item_id"]),
    ),
    _q(
        "var-04",
        "audit: differences between ledger and physical stock",
        "variance",
        lambda o: [len(o.variances())],
    ),
    _q("var-05", "shrinkage report for lakeside", "variance", lambda o: [len(o.variances("S2"))]),
    _q("var-06", "largest stock variances", "variance", lambda o: [len(o.variances())]),
    # --- WIP ----------------------------------------------------------------------------
    _q(
        "wip-01",
        "Which production orders are open?",
        "open_wip_orders",
        lambda o: [len(o.open_orders())],
    ),
    _q(
        "wip-02",
        "how many orders are on the floor right now",
        "open_wip_orders",
        lambda o: [len(o.open_orders())],
    ),
    _q(
        "wip-03",
        "open work in progress orders by stage",
        "open_wip_orders",
        lambda o: [len(o.open_orders())],
    ),
    _q("wip-04", "whats in wip rn", "open_wip_orders", lambda o: [len(o.open_orders())]),
    _q("wip-05", "What is our WIP worth?", "wip_value", lambda o: [o.wip_value()]),
    _q("wip-06", "value of work in progress", "wip_value", lambda o: [o.wip_value()]),
    _q(
        "wip-07", "how much money is sitting in open orders", "wip_value", lambda o: [o.wip_value()]
    ),
    _q(
        "wip-08",
        "Which orders are stalled?",
        "stalled_orders",
        ids=lambda o: list(o.planted("stalled_order")["ref_id"]),
    ),
    _q(
        "wip-09",
        "any batches stuck at a stage?",
        "stalled_orders",
        ids=lambda o: list(o.planted("stalled_order")["ref_id"]),
    ),
    _q(
        "wip-10",
        "what's stuck on the shop floor",
        "stalled_orders",
        ids=lambda o: list(o.planted("stalled_order")["ref_id"]),
    ),
    # --- slow moving / excess -----------------------------------------------------------
    _q(
        "slow-01",
        "Which items are slow moving?",
        "slow_moving_and_excess",
        ids=lambda o: list(o.planted("dead_stock")["item_id"]),
    ),
    _q(
        "slow-02",
        "do we have excess inventory anywhere",
        "slow_moving_and_excess",
        ids=lambda o: list(o.planted("excess_stock")["item_id"]),
    ),
    _q(
        "slow-03",
        "what do we have way too much of",
        "slow_moving_and_excess",
        ids=lambda o: list(o.planted("excess_stock")["item_id"]),
    ),
    # --- find ---------------------------------------------------------------------------
    _q(
        "find-01",
        "what's the part number for the oven burner igniter",
        "find_items",
        ids=lambda o: ["4500"],
    ),
    _q("find-02", "look up chiller condenser fan motor", "find_items", ids=lambda o: ["4516"]),
    # --- documents, forecasts, classification, replenishment ---------------------------
    _q(
        "doc-s-01",
        "How do I replace the seal on press P-3?",
        "search_documents",
        ids=lambda o: o.in_documents("HS-8040"),
    ),
    # The lockout SOP's id, the spindle bearing's and the rye flour's: without them these
    # three could not fail (any document, any forecast, any profile passed).
    _q(
        "doc-s-02",
        "what does the SOP say about lockout",
        "search_documents",
        ids=lambda o: ["SOP-LOTO-01"],
    ),
    _q(
        "fc-01",
        "forecast demand for the spindle bearing next quarter",
        "forecast_demand",
        ids=lambda o: ["4430"],
    ),
    _q(
        "fc-02",
        "is demand for rye flour intermittent or smooth?",
        "demand_profile",
        ids=lambda o: ["1007"],
    ),
    _q("cls-01", "is 4471 wip or mro?", "classify_item", ids=lambda o: [o.label("4471")]),
    _q(
        "cls-02",
        "which items are probably misclassified in the ERP",
        "suspected_misclassifications",
    ),
    _q(
        "rep-01",
        "what should the reorder point be for item 4430",
        "recommend_reorder",
        ids=lambda o: ["4430"],
    ),
    _q("rep-02", "which items are at risk of stocking out in the next 30 days", "stockout_risk"),
    # --- follow-up threads --------------------------------------------------------------
    _q(
        "t1-1",
        "How many spindle bearings at Riverside?",
        "on_hand",
        lambda o: [o.on_hand("4430", "S1")],
        thread="t1",
    ),
    _q(
        "t1-2",
        "and at the second site?",
        "on_hand",
        lambda o: [o.on_hand("4430", "S2")],
        thread="t1",
    ),
    _q("t1-3", "why?", "on_hand", lambda o: [o.on_hand("4430", "S2")], thread="t1"),
    _q(
        "t2-1",
        "rye flour usage last month",
        "demand",
        lambda o: [o.demand("1007", *AUG)],
        thread="t2",
    ),
    _q("t2-2", "what about Q3?", "demand", lambda o: [o.demand("1007", *Q3)], thread="t2"),
    _q(
        "t2-3",
        "and at Lakeside?",
        "demand",
        lambda o: [o.demand("1007", *Q3, site="S2")],
        thread="t2",
    ),
    _q(
        "t3-1",
        "which items will run out within 30 days",
        "run_out_within",
        lambda o: [len(o.run_out_within(30))],
        thread="t3",
    ),
    _q(
        "t3-2",
        "what about next quarter?",
        "run_out_within",
        lambda o: [len(o.run_out_within(90))],
        thread="t3",
    ),
    _q(
        "t4-1",
        "what's below reorder point at riverside",
        "below_reorder_point",
        lambda o: [o.below_reorder_point("S1")],
        thread="t4",
    ),
    _q(
        "t4-2",
        "and the other site?",
        "below_reorder_point",
        lambda o: [o.below_reorder_point("S2")],
        thread="t4",
    ),
    # --- unanswerable: must be declined, no figure --------------------------------------
    _q("no-01", "What's the weather going to be tomorrow at Riverside?"),
    _q("no-02", "tell me a joke about forklifts"),
    _q("no-03", "How many employees work at the Lakeside plant?"),
    _q("no-04", "what's our revenue this year"),
    _q("no-05", "who is the plant manager?"),
    _q("no-06", "run this sql: select * from items"),
    _q("no-07", "what will the price of steel be next year?"),
    _q("no-08", "how much do we pay our operators per hour"),
    _q("no-09", "write me a poem about inventory"),
    _q("no-10", "send an email to the purchasing team"),
]
