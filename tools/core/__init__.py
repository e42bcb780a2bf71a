"""The layer every other one stands on: settings, errors, results and the tool context."""
