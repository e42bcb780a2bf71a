"""Hybrid search and the `search_documents` tool: codes found, filters obeyed, citations
complete, the index built lazily, and an unreachable Chroma server reported clearly."""

from __future__ import annotations

import socket

import pandas as pd
import pytest

from stockwise.tools.core.errors import InvalidArgumentError, UnknownEntityError
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.documents import AGENT_TOOLS, SearchDocumentsInput, search_documents
from stockwise.tools.documents.retriever import Filters, HybridRetriever
from stockwise.tools.documents.search import build_retriever
from stockwise.tools.documents.store import DocumentStoreUnavailableError

EQUIPMENT = pd.DataFrame(
    {
        "equipment_id": ["P-3", "P-5", "CNC-4"],
        "name": [
            "Hydraulic Press 250t P-3",
            "Hydraulic Press 250t P-5",
            "CNC Machining Centre CNC-4",
        ],
        "equipment_type": ["hydraulic_press", "hydraulic_press", "cnc_machine"],
        "site_id": ["S1", "S1", "S1"],
    }
)


@pytest.fixture(scope="module")
def retriever(indexed_small):
    return HybridRetriever(indexed_small[2])


@pytest.fixture
def ctx(indexed_small, tmp_path):
    """A context whose retriever reads the session's small index."""
    folder, chroma, collection, _ = indexed_small
    dataset = dataset_from_frames({"equipment": EQUIPMENT}, documents_dir=folder)
    context = ToolContext(dataset=dataset, settings=Settings(data_dir=tmp_path))
    context.provide(build_retriever, HybridRetriever(collection))
    return context


def _sections(hits) -> list[tuple[str, str]]:
    return [(h.metadata["doc_id"], h.metadata["section"]) for h in hits]


def test_part_number_finds_the_passage_that_names_it(retriever):
    hits = retriever.search("HS8040", k=5)  # typed without the hyphen
    assert "HS-8040" in hits[0].text and "HS-8040" in hits[1].text
    assert ("MAN-HP-250", "Seals > Replacing the cylinder seal") in _sections(hits)


def test_fault_code_finds_the_fault_table(retriever):
    hits = retriever.search("what does E-217 mean", k=3)
    assert _sections(hits)[0] == ("MAN-HP-250", "Fault codes")


def test_paraphrase_without_keywords_finds_the_procedure(retriever):
    hits = retriever.search("stop the machine from starting while I repair it", k=3)
    assert hits[0].metadata["doc_id"] == "SOP-LOTO-01"


def test_hybrid_ranks_at_least_as_well_as_each_alone_on_a_code_query(retriever):
    query = "ALM-1012 spindle over temperature"
    target = ("MAN-CNC", "Fault codes")
    assert target in _sections(retriever.search(query, k=3, mode="hybrid"))
    assert _sections(retriever.search(query, k=1, mode="keyword"))[0] == target


def test_equipment_tags_in_the_query_are_expanded_with_their_type(indexed_small):
    retriever = HybridRetriever(indexed_small[2], equipment_types={"CNC-4": "cnc_machine"})
    assert retriever.expand("noise on cnc-4") == "noise on cnc-4 (cnc machine)"
    # P-3 is known from the failure report's own front matter.
    assert retriever.expand("seal on P-3 and CNC-4") == (
        "seal on P-3 and CNC-4 (cnc machine, hydraulic press)"
    )
    assert retriever.expand("P-33 and XP-3") == "P-33 and XP-3"


def test_equipment_filter_keeps_its_type_and_plant_wide_documents(retriever):
    filters = Filters(equipment_ids=("CNC-4",), equipment_types=("cnc_machine",))
    hits = retriever.search("seal replacement torque", k=20, filters=filters)
    docs = {h.metadata["doc_id"] for h in hits}
    assert "MAN-CNC" in docs
    assert docs <= {"MAN-CNC", "SOP-LOTO-01", "SDS-4490"}


def test_doc_type_and_revision_filters(retriever):
    hits = retriever.search("seal", k=10, filters=Filters(doc_type="failure_report"))
    assert hits and {h.metadata["doc_type"] for h in hits} == {"failure_report"}
    hits = retriever.search("seal", k=10, filters=Filters(revision="D"))
    assert hits and {h.metadata["doc_id"] for h in hits} == {"MAN-HP-250"}


def test_tool_returns_cited_passages(ctx):
    result = search_documents(
        ctx, SearchDocumentsInput(query="replace hydraulic seal P-3", equipment="P-3", k=5)
    )
    cited = [(p.citation.doc_id, p.citation.section) for p in result.passages]
    assert ("MAN-HP-250", "Seals > Replacing the cylinder seal") in cited[:2]
    seal = next(p for p in result.passages if p.citation.section.endswith("cylinder seal"))
    assert seal.citation.revision == "D" and seal.citation.page is None
    assert "210 N·m" in seal.text and not seal.text.startswith("Manual P-series")
    assert seal.citation.label() == (
        "Manual P-series hydraulic press 250 t, § Seals > Replacing the cylinder seal, rev. D"
    )
    assert result.evidence.tool == "search_documents"
    assert result.evidence.params["equipment"] == "P-3"
    assert "MAN-HP-250:Seals > Replacing the cylinder seal" in result.evidence.ids
    assert {p.citation.doc_id for p in result.passages}.isdisjoint({"MAN-CNC"})


def test_tool_cites_pdf_pages(ctx):
    result = search_documents(ctx, SearchDocumentsInput(query="die clamp bolts M20 torque", k=3))
    pdf = next(p for p in result.passages if p.citation.doc_id == "QRC-HP-01")
    assert pdf.citation.page == 2 and "p. 2" in pdf.citation.label()


def test_tool_equipment_type_filter_and_errors(ctx):
    result = search_documents(
        ctx, SearchDocumentsInput(query="bearing", equipment="cnc machine", doc_type="manual")
    )
    assert {p.citation.doc_id for p in result.passages} == {"MAN-CNC"}
    with pytest.raises(UnknownEntityError) as err:
        search_documents(ctx, SearchDocumentsInput(query="seal", equipment="P-33"))
    assert "P-3" in err.value.suggestions
    with pytest.raises(InvalidArgumentError, match="memo"):
        search_documents(ctx, SearchDocumentsInput(query="seal", doc_type="memo"))


def test_tool_is_exported_for_the_agent():
    assert search_documents in AGENT_TOOLS
    assert "cite" in search_documents.__doc__


def test_retriever_indexes_the_documents_folder_on_first_use(small_corpus, tmp_path):
    dataset = dataset_from_frames({}, documents_dir=small_corpus)
    context = ToolContext(dataset=dataset, settings=Settings(data_dir=tmp_path / "data"))
    result = search_documents(context, SearchDocumentsInput(query="lock out the machine", k=2))
    assert result.passages[0].citation.doc_id == "SOP-LOTO-01"
    assert (tmp_path / "data" / "chroma").is_dir()
    assert result.evidence.rows_used["passages"] > 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_chroma_server_is_a_clear_error(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}"
    dataset = dataset_from_frames({})
    context = ToolContext(dataset=dataset, settings=Settings(data_dir=tmp_path, chroma_url=url))
    with pytest.raises(DocumentStoreUnavailableError, match="not reachable") as err:
        search_documents(context, SearchDocumentsInput(query="seal"))
    assert url in str(err.value) and "STOCKWISE_CHROMA_URL" in str(err.value)
