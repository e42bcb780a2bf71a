"""Document retrieval: offline embeddings, the Chroma store, hybrid search, the agent tool."""

from stockwise.tools.documents.embedding import MiniLMEmbeddingFunction, embed
from stockwise.tools.documents.search import (
    Citation,
    DocumentPassage,
    SearchDocumentsInput,
    SearchDocumentsResult,
    get_retriever,
    search_documents,
)
from stockwise.tools.documents.store import DocumentStoreUnavailableError

AGENT_TOOLS = [search_documents]

__all__ = [
    "AGENT_TOOLS",
    "Citation",
    "DocumentPassage",
    "DocumentStoreUnavailableError",
    "MiniLMEmbeddingFunction",
    "SearchDocumentsInput",
    "SearchDocumentsResult",
    "embed",
    "get_retriever",
    "search_documents",
]
