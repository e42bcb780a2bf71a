"""The real `openai` client against the OpenAI-compatible endpoint, streaming and not."""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI

from .conftest import KEYS

QUESTION = "what is below reorder point?"


@pytest.fixture
def client(served) -> OpenAI:
    return OpenAI(base_url=f"{served.url}/v1", api_key=KEYS["bo"][0], max_retries=0, timeout=60)


def test_models_lists_stockwise(client):
    assert [m.id for m in client.models.list()] == ["stockwise"]


def test_completion_answers_with_the_same_figures_as_the_api(client, served):
    completion = client.chat.completions.create(
        model="stockwise", messages=[{"role": "user", "content": QUESTION}]
    )
    text = completion.choices[0].message.content
    direct = served.session.ask(QUESTION, "direct-openai")
    assert text.startswith(direct["answer"])
    assert "Sources: below_reorder_point(" in text
    assert completion.choices[0].finish_reason == "stop"


def test_streaming_gives_the_same_text(client):
    whole = (
        client.chat.completions.create(
            model="stockwise", messages=[{"role": "user", "content": QUESTION}]
        )
        .choices[0]
        .message.content
    )
    pieces = []
    for chunk in client.chat.completions.create(
        model="stockwise", messages=[{"role": "user", "content": QUESTION}], stream=True
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    assert len(pieces) >= 2
    assert "".join(pieces) == whole


def test_user_field_keeps_the_thread_and_approve_resumes(client):
    ask = (
        client.chat.completions.create(
            model="stockwise",
            messages=[
                {"role": "user", "content": "draft purchase requisitions for critical spares"}
            ],
            user="shift-a",
        )
        .choices[0]
        .message.content
    )
    assert ask.startswith("Waiting for approval: draft_purchase_requisitions")
    done = (
        client.chat.completions.create(
            model="stockwise", messages=[{"role": "user", "content": "approve"}], user="shift-a"
        )
        .choices[0]
        .message.content
    )
    assert "Waiting for approval" not in done and done


def test_wrong_key_is_refused(served):
    bad = OpenAI(base_url=f"{served.url}/v1", api_key="nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()


def test_thread_header_is_private_to_its_owner(served):
    mine = OpenAI(
        base_url=f"{served.url}/v1",
        api_key=KEYS["ana"][0],
        max_retries=0,
        default_headers={"X-Thread-Id": "ana-private"},
    )
    mine.chat.completions.create(
        model="stockwise", messages=[{"role": "user", "content": QUESTION}]
    )
    other = OpenAI(
        base_url=f"{served.url}/v1",
        api_key=KEYS["ed"][0],
        max_retries=0,
        default_headers={"X-Thread-Id": "ana-private"},
    )
    with pytest.raises(openai.PermissionDeniedError):
        other.chat.completions.create(
            model="stockwise", messages=[{"role": "user", "content": QUESTION}]
        )
