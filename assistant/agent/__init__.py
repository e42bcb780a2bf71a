"""The agent: the tool registry, the LangGraph graph, the offline planner and the model choice."""
