"""Every tool the server lists answers over MCP on the demo plant, and its structured
content is valid under the output schema it lists (what a strict client checks)."""

from __future__ import annotations

import anyio
import pytest
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.slow  # trains the classifier, builds the document index, a report

# A value for each required argument any tool has, by name.
REQUIRED = {"item": "4410", "item_id": "4410", "query": "hydraulic seal", "period": "2025-Q3"}


def test_every_listed_tool_answers_within_its_output_schema(client_as):
    async def main():
        async with client_as() as client:
            tools = (await client.list_tools()).tools
            answers = {}
            for tool in tools:
                if tool.name == "decide_action":  # needs a draft: test_approvals.py
                    continue
                missing = set(tool.input_schema.get("required", [])) - set(REQUIRED)
                assert not missing, f"{tool.name} needs {missing}: add a value to REQUIRED"
                arguments = {k: REQUIRED[k] for k in tool.input_schema.get("required", [])}
                answers[tool.name] = (tool, await client.call_tool(tool.name, arguments))
            return answers, {t.name for t in tools}

    answers, listed = anyio.run(main)
    # every listed tool was called (decide_action aside), the agent's core ones among them
    assert set(answers) == listed - {"decide_action"}
    assert {"on_hand", "demand", "forecast_demand", "search_documents"} <= set(answers)
    for name, (tool, result) in answers.items():
        if name == "demand":  # no item or category given: the tool's own refusal
            assert result.is_error and "give either an item" in result.content[0].text
            continue
        assert not result.is_error, f"{name}: {result.content[0].text}"
        errors = list(
            Draft202012Validator(tool.output_schema).iter_errors(result.structured_content)
        )
        assert not errors, f"{name}: {errors[0].message}"
        assert "source: " in result.content[0].text, name  # the evidence, in the text
