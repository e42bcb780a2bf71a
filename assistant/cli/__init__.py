"""The `stockwise` command line: one module per command group, wired up in `main.py`."""
