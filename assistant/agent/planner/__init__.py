"""The offline planner: a chat model that needs no endpoint. It recognises the common
question types by meaning (nearest examples), extracts entities, calls the tools, and
writes the answer from their results."""
