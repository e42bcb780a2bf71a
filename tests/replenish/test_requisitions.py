"""Requisitions are drafted read-only and written, append-only, only once approved."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from stockwise.tools.core.approval import Approval, NotAllowedError
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.replenish import (
    AGENT_TOOLS,
    DraftRequisitionsInput,
    draft_purchase_requisitions,
    write_purchase_requisitions,
)
from stockwise.tools.replenish.requisitions import requisitions_path

from .conftest import plant_frames

DANA = Approval(by="Dana", role="manager")


@pytest.fixture
def ctx(tmp_path):
    # Gloves (5-day lead, 1 a day) with 2 on hand against a cycle-service reorder point of 6.
    frames = plant_frames()
    items, stock = frames["items"], frames["stock_levels"]
    items.loc[items["item_id"] == "M2", "lead_time_days"] = 5.0
    stock.loc[stock["item_id"] == "M2", "on_hand_qty"] = 2.0
    stock.loc[stock["item_id"] == "M1", "on_hand_qty"] = 10.0  # bearings well stocked
    settings = Settings(service_measure="cycle", data_dir=tmp_path / "data")
    return ToolContext(dataset_from_frames(frames), settings)


def test_draft_is_marked_for_approval_and_writes_nothing(ctx):
    assert draft_purchase_requisitions in AGENT_TOOLS
    assert draft_purchase_requisitions.is_action is True
    result = draft_purchase_requisitions(ctx, DraftRequisitionsInput(group="mro"))
    assert [d.item_id for d in result.drafts] == ["M2"]
    line = result.drafts[0]
    assert line.qty == 180.0 and line.value == 720.0 and line.need_by == "2026-04-05"
    assert result.written is False
    assert not requisitions_path(ctx.settings).exists()
    assert not ctx.settings.data_dir.exists()


def test_write_needs_an_approver_who_may_approve_and_leaves_nothing_on_refusal(ctx):
    with pytest.raises(NotAllowedError, match="name"):
        Approval(by="  ", role="manager")
    with pytest.raises(NotAllowedError, match="viewer"):
        Approval(by="Vic", role="viewer")
    drafts = draft_purchase_requisitions(ctx, DraftRequisitionsInput()).drafts
    bad = [drafts[0].model_dump() | {"item_id": "NOPE"}]
    with pytest.raises(InvalidArgumentError, match="NOPE"):
        write_purchase_requisitions(ctx, bad, DANA)
    assert not requisitions_path(ctx.settings).exists()


def test_the_approved_action_writes_csv_and_json_and_says_where(ctx):
    result = draft_purchase_requisitions(ctx, DraftRequisitionsInput(), DANA)
    assert result.written is True and result.approved_by == "Dana"
    csv_path, json_path = Path(result.path), Path(result.json_path)
    assert csv_path == requisitions_path(ctx.settings) and json_path.suffix == ".jsonl"
    record = json.loads(json_path.read_text().splitlines()[0])
    assert record["requisition_id"] == result.drafts[0].requisition_id
    assert record["approved_by"] == "Dana" and record["approver_role"] == "manager"
    assert pd.read_csv(csv_path)["requisition_id"].tolist() == [record["requisition_id"]]
    assert str(csv_path) in result.evidence.notes[0]
    # Approving the same drafts again writes nothing twice, in either file.
    again = draft_purchase_requisitions(ctx, DraftRequisitionsInput(), DANA)
    assert again.already_there == [record["requisition_id"]]
    assert len(json_path.read_text().splitlines()) == 1


def test_approved_requisitions_are_appended_once(ctx):
    drafts = draft_purchase_requisitions(ctx, DraftRequisitionsInput()).drafts
    first = write_purchase_requisitions(ctx, drafts, DANA)
    path = requisitions_path(ctx.settings)
    assert first.written == [drafts[0].requisition_id]
    before = path.read_text()
    again = write_purchase_requisitions(ctx, drafts, DANA)
    assert again.written == [] and again.already_there == [drafts[0].requisition_id]
    assert path.read_text() == before
    # A different requisition is appended after the existing lines, which stay untouched.
    other = drafts[0].model_copy(update={"requisition_id": "PR-OTHER", "qty": 7.0})
    write_purchase_requisitions(ctx, [other], Approval(by="Lee", role="admin"))
    text = path.read_text()
    assert text.startswith(before)
    table = pd.read_csv(path)
    assert table["requisition_id"].tolist() == [drafts[0].requisition_id, "PR-OTHER"]
    assert table["approved_by"].tolist() == ["Dana", "Lee"]
    assert table["qty"].tolist() == [180.0, 7.0]
