"""Fresh paraphrases of the question types in docs/agent.md, written from a user's side.

Each case: the question, what a right reading is (a tool name, "decline" or "clarify"), and
arguments the call must carry. Split by `half`: "tune" may be looked at while changing the
planner, "held_out" is only scored, so the held-out score says whether a change generalises.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    text: str
    expect: str  # a tool name, "decline" or "clarify"
    args: dict = field(default_factory=dict)
    also: tuple[str, ...] = ()  # other readings that are right too (e.g. "clarify")


TUNE: tuple[Case, ...] = (
    Case("What is the stock value of 10082?", "on_hand", {"item": "10082"}),
    Case("how much money is tied up in 11720?", "on_hand", {"item": "11720"}),
    Case("value of the ptfe tape 12mm x 12m we hold", "on_hand", also=("clarify",)),
    Case("what are our o-ring nbr 47x4 worth?", "on_hand", {"item": "11476"}),
    Case("how much is our WIP valued at", "wip_value"),
    Case(
        "anything that will stock out in the coming 14 days?",
        "run_out_within",
        {"within": "14d"},
        also=("stockout_risk",),
    ),
    Case("how much revenue did we make in Q3", "decline"),
    Case("what was our profit last year", "decline"),
    Case("how many 10917 have we got at lakeside", "on_hand", {"item": "10917", "site": "S2"}),
    # Ten items share this description: on hand lists each (or a clarifying question).
    Case("stock of the contactor 32a 24vdc coil", "on_hand", also=("clarify",)),
    Case(
        "how many improver bread 45 p/n 1713-867 were used last month", "demand", {"item": "11059"}
    ),
    Case("total value of everything in the stores", "inventory_value"),
    Case("what's the stock worth at riverside", "inventory_value", {"site": "S1"}),
    Case("value of work in progress at lakesid", "wip_value"),  # WIP tools take no site
    Case("which parts are under their min level", "below_reorder_point"),
    Case("what needs ordering at the riverside plant", "below_reorder_point", {"site": "S1"}),
    Case(
        "which A-critical spares run out before a delivery could arrive",
        "run_out_within",
        {"within": "lead_time", "criticality": "A"},
    ),
    Case("how long does our stock of 10176 last", "days_of_cover", {"item": "10176"}),
    Case("what did we consume of yeast dry instant 500g in august", "demand", {"item": "1004"}),
    Case("show me the transaction history of 11797", "movements", {"item": "11797"}),
    Case("list orders that are stuck on the shop floor", "stalled_orders"),
    Case("production orders currently open at riverside", "open_wip_orders"),  # no site arg
    Case("what stock hasn't been touched in ages", "slow_moving_and_excess"),
    Case("where do the books disagree with the shelf count", "variance"),
    Case("predict how many 10917 we will need next month", "forecast_demand", {"item": "10917"}),
    Case("what should min and max be for 11005", "recommend_reorder", {"item": "11005"}),
    Case("is 11704 really wip or a spare", "classify_item", {"item": "11704"}),
    Case("which materials sit in the wrong category", "suspected_misclassifications"),
    Case("what will the price of cable ties be next year", "decline"),
    Case("what's the part number of the ear defenders snr30", "find_items"),
    Case("", "decline", also=("clarify",)),
    Case("how many 99999 do we have", "on_hand", also=("clarify", "decline")),
)

HELD_OUT: tuple[Case, ...] = (
    Case("what is the value of 10518 in stock", "on_hand", {"item": "10518"}),
    Case("how much cash is sitting in 11336", "on_hand", {"item": "11336"}),
    Case("what are the wiper seal 151mm worth", "on_hand", {"item": "10518"}),
    Case("how much are we holding in the socket set 1/2dr 24pc", "on_hand", {"item": "11087"}),
    Case("what's the WIP worth at riverside", "wip_value"),  # WIP tools take no site
    Case("how much money is stuck in work in progress", "wip_value"),
    Case(
        "what's going to run out over the next 3 weeks",
        "run_out_within",
        {"within": "21d"},
        also=("stockout_risk",),
    ),
    Case("what were our sales in dollars last quarter", "decline"),
    Case("what margin do we make on muffins", "decline"),
    Case("how much will steel cost us next year", "decline"),
    Case("stock on hand for the brg 6206 p/n 9624-391", "on_hand", {"item": "10917"}),
    Case("how many cap elec 100uf 25v p/n 3754-283 do we have", "on_hand", {"item": "11003"}),
    Case("usage of the led 0805 grn p/n 6663-222 in q2", "demand", {"item": "11336"}),
    Case("total inventory valuation", "inventory_value"),
    Case("inventory value for the lakeside site", "inventory_value", {"site": "S2"}),
    Case("which items are below reorder point at lakside", "below_reorder_point", {"site": "S2"}),
    Case("items we should reorder now", "below_reorder_point"),
    Case(
        "which critcal spare parts run out within their lead time",
        "run_out_within",
        {"within": "lead_time", "criticality": "A"},
    ),
    Case("days of supply left for 11581", "days_of_cover", {"item": "11581"}),
    Case("how much of 10999 did we issue in july", "demand", {"item": "10999"}),
    Case("receipts and issues for 11249", "movements", {"item": "11249"}),
    Case("which batches haven't moved for a long time", "stalled_orders"),
    Case("how many work orders are open right now", "open_wip_orders"),
    Case("what are we overstocked on", "slow_moving_and_excess"),
    Case("count differences between ledger and physical stock", "variance"),
    Case("forecast usage of 11815 for the next 60 days", "forecast_demand", {"item": "11815"}),
    Case("recommended safety stock for 10764", "recommend_reorder", {"item": "10764"}),
    Case("what category is 10654 really", "classify_item", {"item": "10654"}),
    Case("which items look misfiled in the item master", "suspected_misclassifications"),
    Case("who is our biggest customer", "decline"),
    Case("look up the face shield clear", "find_items"),
    Case("how many 10917 at the moon base", "on_hand", also=("clarify", "decline")),
)

# Written after the planner changes were done and scored once, untouched since: the half
# above was run (and its misses printed) while the changes were made, so this is the
# cleaner test of generalisation.
FRESH: tuple[Case, ...] = (
    Case("what's 10999 worth in total", "on_hand", {"item": "10999"}),
    Case("how much value do we carry in 11731", "on_hand", {"item": "11731"}),
    Case("worth of our drill bit hss 10mm p/n 9192-558 stock", "on_hand", {"item": "11731"}),
    Case("value of wip at the moment", "wip_value"),
    Case("what does our work in progress come to in money", "wip_value"),
    Case("what is the total worth of all our stock", "inventory_value"),
    Case("how much inventory value sits at lakeside", "inventory_value", {"site": "S2"}),
    Case(
        "what will run short in the next 10 days",
        "run_out_within",
        {"within": "10d"},
        also=("stockout_risk",),
    ),
    Case("what was our gross margin in august", "decline"),
    Case("how much did we earn from muffins last month", "decline", also=("clarify",)),
    Case("how many ear defenders snr30 p/n 8959-110 are left", "on_hand", {"item": "10888"}),
    Case("consumption of 11563 over the past 60 days", "demand", {"item": "11563"}),
    Case(
        "which stock is under its reorder point at rivreside", "below_reorder_point", {"site": "S1"}
    ),
    Case("how many days will 10253 last", "days_of_cover", {"item": "10253"}),
    Case("list the ins and outs for 10047", "movements", {"item": "10047"}),
    Case("which production orders are stuck", "stalled_orders"),
    Case("stock that nobody has used for half a year", "slow_moving_and_excess"),
    Case("forecast for 10152 over the next quarter", "forecast_demand", {"item": "10152"}),
    Case("how many 10082 do we have at the paris site", "on_hand", also=("clarify", "decline")),
    Case("how much 10082 did we use in march 2026", "decline", also=("clarify",)),
)
