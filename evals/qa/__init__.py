"""Q&A eval: questions as managers, planners and auditors ask them, answered by the agent,
checked against figures an oracle computes straight from the dataset files."""
