"""Document retrieval: offline embeddings, the Chroma store, hybrid search, the agent tool.

The embedding model and Chroma load when a search first runs (see search.py), so this
package lists its tool without them."""

from stockwise.tools.documents.search import (
    Citation,
    DocumentPassage,
    SearchDocumentsInput,
    SearchDocumentsResult,
    search_documents,
)

AGENT_TOOLS = [search_documents]

__all__ = [
    "AGENT_TOOLS",
    "Citation",
    "DocumentPassage",
    "SearchDocumentsInput",
    "SearchDocumentsResult",
    "search_documents",
]
