"""Tell raw material, WIP, finished goods and MRO apart by behaviour, explain each call, and
flag recorded categories that are probably wrong."""

from stockwise.tools.classify.agent_tools import classify_item, suspected_misclassifications

AGENT_TOOLS = [classify_item, suspected_misclassifications]

__all__ = ["AGENT_TOOLS", "classify_item", "suspected_misclassifications"]
