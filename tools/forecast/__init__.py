"""Forecasting MRO demand: demand classes, statistical and maintenance-driven forecasts, and
the distribution of demand over a replenishment lead time."""

from stockwise.tools.forecast.agent_tools import demand_profile, forecast_demand, lead_time_demand

AGENT_TOOLS = [forecast_demand, lead_time_demand, demand_profile]

__all__ = ["AGENT_TOOLS", "demand_profile", "forecast_demand", "lead_time_demand"]
