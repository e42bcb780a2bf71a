"""Where passages live: a Chroma collection, embedded on disk or on a Chroma server.

The same code serves both: `open_client(settings)` returns a `PersistentClient` at
`settings.chroma_path`, or an `HttpClient` when `settings.chroma_url` is set. The
collection is created with the offline multilingual e5 embedding function, which Chroma
records in the collection's configuration and rebuilds on reopen.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.core.settings import Settings

if TYPE_CHECKING:  # Chroma loads when a store is opened, not when a collection is named
    import chromadb

# The embedding model is part of the name: an index built with another model (the MiniLM
# one before issue 27) is left alone and the documents are indexed afresh, never queried
# with vectors of a different space.
COLLECTION = "stockwise-documents-e5"


def collection_for(source: str) -> str:
    """The collection of one dataset's documents. Documents belong to a dataset: switching
    datasets switches collections, so one plant's manuals never answer for another."""
    digest = hashlib.blake2b(source.encode(), digest_size=6).hexdigest()
    return f"{COLLECTION}-{digest}"


class DocumentStoreUnavailableError(StockwiseError):
    """The document store (a Chroma server or folder) cannot be reached or opened."""


def open_client(
    settings: Settings | None = None, *, path: Path | None = None, url: str | None = None
) -> Any:
    """A Chroma client: `url` (or settings.chroma_url) selects a server, else an on-disk store."""
    url = url or (settings.chroma_url if settings else None)
    if url:
        return _http_client(url)
    folder = path or (settings.chroma_path if settings else None)
    if folder is None:
        raise ValueError("open_client needs settings, a path or a url")
    import chromadb

    try:
        folder.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(folder), settings=_chroma_settings())
    except Exception as exc:  # Chroma's failures share no base (its own, sqlite's, OS errors)
        raise DocumentStoreUnavailableError(
            f"cannot open the document index at {folder}: {exc}"
        ) from exc


def _chroma_settings() -> chromadb.Settings:
    import chromadb

    # Telemetry would try the network; Stockwise runs offline.
    return chromadb.Settings(anonymized_telemetry=False, allow_reset=False)


def _http_client(url: str) -> Any:
    parsed = urlparse(url if "://" in url else f"http://{url}")
    host, ssl = parsed.hostname or "localhost", parsed.scheme == "https"
    port = parsed.port or (443 if ssl else 8000)
    import chromadb

    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_chroma_settings())
        client.heartbeat()
    except Exception as exc:  # an unreachable server surfaces as httpx's, Chroma's or ValueError
        raise DocumentStoreUnavailableError(
            f"the Chroma server at {url} is not reachable ({exc.__class__.__name__}); "
            "start it or unset STOCKWISE_CHROMA_URL to use the embedded index"
        ) from exc
    return client


def get_collection(client: Any, name: str = COLLECTION, *, create: bool = True) -> Any | None:
    """The passages collection `name`, or None when it does not exist and `create` is False."""
    from stockwise.tools.documents.embedding import E5EmbeddingFunction

    try:
        if create:
            return client.get_or_create_collection(
                name,
                embedding_function=E5EmbeddingFunction(),
                configuration={"hnsw": {"space": "cosine"}},
            )
        names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        if name not in names:
            return None
        return client.get_collection(name)
    except DocumentStoreUnavailableError:
        raise
    except Exception as exc:  # the store's own errors, whatever their class; chained, not lost
        raise DocumentStoreUnavailableError(f"cannot open the document collection: {exc}") from exc
