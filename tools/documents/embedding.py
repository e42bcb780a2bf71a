"""The offline embeddings registered with Chroma, so a collection created with one is
rebuilt with it when reopened. Chroma's default embedding function is never used: it fetches
its model on first use and fails offline.

The document index embeds with multilingual e5 (`e5.py`); the MiniLM function stays
registered so an index built before the switch still opens (and is then rebuilt, since its
collection name differs, see store.py)."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from stockwise.tools.documents import e5
from stockwise.tools.documents.minilm import DIMENSIONS, MODEL_NAME, embed


@register_embedding_function
class E5EmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the offline multilingual e5 (passage side: Chroma
    calls it for documents it embeds itself; queries go through `e5.embed_queries`)."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        return list(e5.embed_passages(list(input)))

    @staticmethod
    def name() -> str:
        return "stockwise-e5-small-q4"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> E5EmbeddingFunction:
        return E5EmbeddingFunction()

    def get_config(self) -> dict[str, Any]:
        return {"model": e5.MODEL_NAME, "dimensions": e5.DIMENSIONS}


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the offline MiniLM; registered under `name()` so a
    collection created with it is rebuilt with it when reopened."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        return list(embed(list(input)))

    @staticmethod
    def name() -> str:
        return "stockwise-minilm-int8"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction()

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME, "dimensions": DIMENSIONS}
