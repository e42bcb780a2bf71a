"""Stockwise assistant: the agent graph, its models, the CLI, the service and chat channels."""
