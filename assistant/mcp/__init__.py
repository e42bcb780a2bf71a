"""`stockwise mcp`: the agent's tools, the plant's documents and the audit report served over
the Model Context Protocol (stdio or streamable HTTP), for desktop assistants, IDEs and
other agents. A surface like the CLI and the HTTP service: same tools, same approvals."""
