"""Replenishment: reorder points for a service level, WIP-aware component needs, policy
simulation on history, and purchase requisitions that wait for a person's approval."""

from stockwise.tools.replenish.alerts_tool import StockAlertsInput, stock_alerts
from stockwise.tools.replenish.recommend import RecommendReorderInput, recommend_reorder
from stockwise.tools.replenish.requirements import (
    StockoutRiskInput,
    WipNeedsInput,
    stockout_risk,
    wip_component_needs,
)
from stockwise.tools.replenish.requisitions import (
    DraftRequisitionsInput,
    draft_purchase_requisitions,
    write_purchase_requisitions,
)
from stockwise.tools.replenish.service_levels import ServiceLevelsInput, plan_service_levels
from stockwise.tools.replenish.simulation_tool import SimulatePolicyInput, simulate_policy

AGENT_TOOLS = [
    recommend_reorder,
    stockout_risk,
    wip_component_needs,
    simulate_policy,
    plan_service_levels,
    draft_purchase_requisitions,
    stock_alerts,
]

__all__ = [
    "AGENT_TOOLS",
    "DraftRequisitionsInput",
    "RecommendReorderInput",
    "ServiceLevelsInput",
    "SimulatePolicyInput",
    "StockAlertsInput",
    "StockoutRiskInput",
    "WipNeedsInput",
    "draft_purchase_requisitions",
    "plan_service_levels",
    "recommend_reorder",
    "simulate_policy",
    "stock_alerts",
    "stockout_risk",
    "wip_component_needs",
    "write_purchase_requisitions",
]
