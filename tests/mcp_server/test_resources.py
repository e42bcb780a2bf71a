"""The plant's documents as MCP resources with the citations search gives, and the audit
report as a prompt."""

from __future__ import annotations

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from stockwise.tools.documents.reading import SUPPORTED_SUFFIXES


def test_every_document_is_a_resource_and_reads_with_its_citations(client_as, demo_dir):
    async def main():
        async with client_as() as client:
            listed = (await client.list_resources()).resources
            read = await client.read_resource("stockwise://documents/MAN-HP-250")
            templates = (await client.list_resource_templates()).resource_templates
            return listed, read, templates

    listed, read, templates = anyio.run(main)
    files = [p for p in (demo_dir / "documents").rglob("*") if p.suffix in SUPPORTED_SUFFIXES]
    assert len(listed) == len(files) > 30
    by_id = {r.name: r for r in listed}
    manual = by_id["MAN-HP-250"]
    assert manual.uri == "stockwise://documents/MAN-HP-250"
    assert manual.mime_type == "text/markdown" and "manual" in manual.description
    text = read.contents[0].text
    assert text.startswith(f"# {manual.title}\n")
    assert "- file: manuals/man-hydraulic-press.md" in text
    assert f"Cite as: {manual.title}, § " in text  # the label search_documents cites
    assert templates[0].uri_template == "stockwise://documents/{doc_id}"


def test_an_unknown_document_is_not_found_with_the_closest_ids(client_as):
    async def main():
        async with client_as() as client:
            with pytest.raises(MCPError) as refused:
                await client.read_resource("stockwise://documents/MAN-HP-25")
            return refused.value

    refused = anyio.run(main)
    assert refused.code == -32002
    assert "no document 'MAN-HP-25'; closest matches: MAN-HP-250" in refused.message


def test_the_audit_report_prompt_asks_for_the_report_tool(client_as):
    async def main():
        async with client_as() as client:
            listed = (await client.list_prompts()).prompts
            prompt = await client.get_prompt("audit_report", {"period": "2025q3", "site": "S2"})
            with pytest.raises(MCPError) as refused:
                await client.get_prompt("audit_report", {"period": "Q3"})
            return listed, prompt, refused.value

    listed, prompt, refused = anyio.run(main)
    assert [p.name for p in listed] == ["audit_report"]
    text = prompt.messages[0].content.text
    assert "write_audit_report" in text and "'period': '2025-Q3'" in text and "'site': 'S2'" in text
    assert "period 'Q3' is not a quarter" in refused.message
