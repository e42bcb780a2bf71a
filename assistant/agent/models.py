"""The one model factory: an OpenAI-compatible endpoint when one is configured, else the
offline planner. The planner is also the fallback when the endpoint is down."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext


@lru_cache(maxsize=1)
def endpoint_down_errors() -> tuple[type[Exception], ...]:
    """Errors that mean "the endpoint is not answering", after the client's own retries.
    Imported on demand: the offline path never loads the OpenAI client."""
    import httpx
    import openai

    return (
        openai.APIConnectionError,  # includes APITimeoutError
        openai.InternalServerError,
        openai.RateLimitError,
        openai.NotFoundError,
        openai.AuthenticationError,
        httpx.HTTPError,
    )


def why_down(error: Exception) -> str:
    """A plain reason an endpoint failed: timed out, HTTP status, or no connection."""
    import httpx
    import openai

    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException):
        return "timed out"
    status = getattr(error, "status_code", None)
    if status:
        return f"HTTP {status}"
    return "no connection" if isinstance(error, openai.APIConnectionError) else type(error).__name__


@dataclass
class ModelChoice:
    model: BaseChatModel
    fallback: BaseChatModel | None  # answers when `model` raises ENDPOINT_DOWN_ERRORS
    endpoint: str | None  # None: the offline planner


def openai_model(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    # Local servers (Ollama, llama.cpp, vLLM) take any key; the client insists on one.
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=SecretStr(settings.llm_api_key or "not-needed"),
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,  # the openai client backs off exponentially
        temperature=0,
    )


def offline_planner(ctx: ToolContext) -> BaseChatModel:
    from stockwise.assistant.agent.planner.model import OfflinePlanner

    return OfflinePlanner(ctx=ctx)


def choose_model(settings: Settings, ctx: ToolContext) -> ModelChoice:
    planner = offline_planner(ctx)
    if not settings.llm_base_url:
        return ModelChoice(model=planner, fallback=None, endpoint=None)
    return ModelChoice(
        model=openai_model(settings), fallback=planner, endpoint=settings.llm_base_url
    )
