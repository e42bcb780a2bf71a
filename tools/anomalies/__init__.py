"""Inventory anomalies with their evidence: MRO in BOMs, dual use, count variances, negative
books, demand spikes, dead stock, duplicate items."""

from stockwise.tools.anomalies.agent_tools import find_anomalies

AGENT_TOOLS = [find_anomalies]

__all__ = ["AGENT_TOOLS", "find_anomalies"]
