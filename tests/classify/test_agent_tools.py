"""The agent tools: typed results with evidence, and readable errors."""

from __future__ import annotations

import pytest

from stockwise.tools.anomalies import AGENT_TOOLS as ANOMALY_TOOLS
from stockwise.tools.anomalies import find_anomalies
from stockwise.tools.anomalies.agent_tools import FindAnomaliesInput
from stockwise.tools.classify import AGENT_TOOLS, classify_item, suspected_misclassifications
from stockwise.tools.classify.agent_tools import ClassifyItemInput, SuspectedInput
from stockwise.tools.classify.service import classifications_of
from stockwise.tools.core.errors import InvalidArgumentError, UnknownItemError
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext


@pytest.fixture
def ctx(plant_ds, classified, tmp_path):  # type: ignore[no-untyped-def]
    context = ToolContext(dataset=plant_ds, settings=Settings(data_dir=tmp_path))
    context.provide(classifications_of, classified)  # the table the session fixture built
    return context


def test_registries():  # type: ignore[no-untyped-def]
    assert [classify_item, suspected_misclassifications] == AGENT_TOOLS
    assert [find_anomalies] == ANOMALY_TOOLS


def test_classify_item(ctx):  # type: ignore[no-untyped-def]
    result = classify_item(ctx, ClassifyItemInput(item_id="M001"))
    assert result.item.predicted_category == "mro"
    assert result.item.recorded_category == "raw_material"
    assert "maintenance work order" in result.item.explanation
    assert result.evidence.ids == ["M001"] and result.evidence.rows_used["transactions"] > 0


def test_classify_unknown_item_suggests(ctx):  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownItemError, match="closest matches"):
        classify_item(ctx, ClassifyItemInput(item_id="M0O1"))


def test_suspects_ranked_with_blank_tags(ctx):  # type: ignore[no-untyped-def]
    result = suspected_misclassifications(ctx, SuspectedInput(limit=3))
    assert len(result.suspects) == 3 and result.n_suspects >= 4
    assert {"W003", "M006"} <= {x.item_id for x in result.blank_tagged}
    with pytest.raises(InvalidArgumentError, match="limit"):
        suspected_misclassifications(ctx, SuspectedInput(limit=0))


def test_find_anomalies_filters_and_refuses(ctx):  # type: ignore[no-untyped-def]
    result = find_anomalies(ctx, FindAnomaliesInput(kinds=["count_variance"]))
    assert result.n_findings == 0 and result.by_kind == {}  # the plant's books balance
    with pytest.raises(InvalidArgumentError, match="unknown anomaly kind"):
        find_anomalies(ctx, FindAnomaliesInput(kinds=["ghosts"]))
