"""Stock tools: what is on hand, what moves, what it is worth, and where WIP sits.

Each tool is `tool(ctx: ToolContext, args: SomeInput) -> SomeResult`; its docstring is what
the agent's model reads. Definitions follow shared/DATA_CONTRACT.md exactly.
"""

from stockwise.tools.stock.cover import days_of_cover, run_out_within
from stockwise.tools.stock.flow import demand, movements
from stockwise.tools.stock.levels import below_reorder_point, find_items, on_hand
from stockwise.tools.stock.value import inventory_value, slow_moving_and_excess, variance
from stockwise.tools.stock.wip import open_wip_orders, stalled_orders, wip_value

AGENT_TOOLS = [
    find_items,
    on_hand,
    movements,
    demand,
    below_reorder_point,
    days_of_cover,
    run_out_within,
    inventory_value,
    slow_moving_and_excess,
    variance,
    open_wip_orders,
    wip_value,
    stalled_orders,
]

__all__ = ["AGENT_TOOLS", *(tool.__name__ for tool in AGENT_TOOLS)]
