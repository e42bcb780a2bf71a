"""Classification and anomaly benchmark (`python -m evals.classification`)."""
