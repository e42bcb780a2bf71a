"""Everything the agent can call: stock queries, classifier, forecaster, replenishment,
anomalies, document retrieval, and the dataset layer they share."""
