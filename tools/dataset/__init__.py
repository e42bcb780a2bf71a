"""The dataset layer: the contract's tables, loaded, validated and typed.

Import from the modules (`dataset.model`, `dataset.frames`, ...): this package imports
nothing, so a module that only needs `dataset.schema` or `dataset.context` does not load
pandas with it (the MCP server lists the tools from their models before pandas is loaded)."""
