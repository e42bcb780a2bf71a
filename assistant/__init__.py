"""Stockwise assistant: the agent graph, its models, the CLI, the service and chat channels."""

from stockwise.assistant.agent.lazy_packages import defer_package_inits

defer_package_inits()  # before anything imports langchain_core: see lazy_packages.py
