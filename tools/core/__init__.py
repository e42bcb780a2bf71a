"""The layer every other one stands on: settings, errors and the evidence every result carries."""
