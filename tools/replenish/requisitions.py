"""Purchase requisitions, an action that waits for a person: `draft_purchase_requisitions`
prepares them; run with an `Approval` (the agent graph pauses for one first, and shows the
drafts), it also appends them to `<data_dir>/requisitions/requisitions.csv` and
`requisitions.jsonl`, all or nothing, and says where (with `state_url`, the table that
service replicas share: `requisitions_postgres`). `write_purchase_requisitions` is that
write on its own, for a script."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from stockwise.tools.core.approval import Approval
from stockwise.tools.core.contract import cli, fills
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence, ToolResult
from stockwise.tools.core.safe_text import csv_cell
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish.selection import CriticalOnly, Group, Site, select_rows

CSV_COLUMNS = [
    "requisition_id", "item_id", "site_id", "description", "supplier_id", "qty", "uom",
    "unit_cost", "value", "need_by", "reason", "approved_by", "approved_at",
]  # fmt: skip


class RequisitionLine(BaseModel):
    requisition_id: str
    item_id: str
    site_id: str
    description: str | None = None
    supplier_id: str | None = None
    qty: float = Field(gt=0)
    uom: str | None = None
    unit_cost: float = Field(ge=0)
    value: float
    need_by: str
    reason: str


class DraftRequisitionsInput(BaseModel):
    item_ids: list[str] | None = Field(
        None,
        description="Only these items",
        json_schema_extra=fills(item="as_list") | cli("--item"),
    )
    group: Group = None
    site_id: Site = None
    critical_only: CriticalOnly = False


class DraftRequisitionsResult(ToolResult):
    drafts: list[RequisitionLine]
    total_value: float
    written: bool = Field(default=False, description="True once approved and written")
    approved_by: str | None = None
    path: str | None = Field(default=None, description="The CSV the approved lines went to")
    json_path: str | None = Field(default=None, description="The same lines as JSON lines")
    already_there: list[str] = Field(
        default_factory=list, description="ids approved before: not written twice"
    )
    problems: list[str]


class WriteRequisitionsResult(BaseModel):
    path: str = Field(description="the requisitions CSV")
    json_path: str = Field(description="the same requisitions as JSON lines")
    written: list[str] = Field(description="requisition ids appended")
    already_there: list[str] = Field(description="ids approved before: not written twice")


def requisitions_path(settings) -> Path:  # type: ignore[no-untyped-def]
    return Path(settings.data_dir) / "requisitions" / "requisitions.csv"


def draft_purchase_requisitions(
    ctx: ToolContext, args: DraftRequisitionsInput, approval: Approval | None = None
) -> DraftRequisitionsResult:
    """Prepare purchase requisitions for items whose on hand is at or below the recommended
    reorder point: quantity = enough order quantities to bring stock above it. A person
    approves the drafts first; only then are they written to the data folder's
    requisitions/ (CSV and JSON lines), and the result says where."""
    result = _drafts(ctx, args)
    if approval is None or not result.drafts:
        return result
    written = write_purchase_requisitions(ctx, result.drafts, approval)
    result.evidence.notes = [
        f"approved by {approval.by} ({approval.role}); {len(written.written)} written to "
        f"{written.path} and {written.json_path}"
    ]
    return result.model_copy(
        update={
            "written": True,
            "approved_by": approval.by,
            "path": written.path,
            "json_path": written.json_path,
            "already_there": written.already_there,
        }
    )


def _drafts(ctx: ToolContext, args: DraftRequisitionsInput) -> DraftRequisitionsResult:
    import numpy as np
    import pandas as pd

    from stockwise.tools.replenish.items import item_site_facts, lead_time_problems
    from stockwise.tools.replenish.policy import plan_policies

    ds = ctx.dataset
    facts = select_rows(
        ds, item_site_facts(ds), group=args.group, site_id=args.site_id,
        critical_only=args.critical_only,
    )  # fmt: skip
    if args.item_ids:
        for item in args.item_ids:
            select_rows(ds, facts, item_id=item)
        facts = facts[facts["item_id"].isin(args.item_ids)]
    plan = plan_policies(ds, ctx.settings, facts=facts, executor=ctx.executor)
    rop = plan["recommended_reorder_point"].to_numpy(dtype=float)
    qty = plan["recommended_order_qty"].to_numpy(dtype=float)
    on_hand = plan["on_hand_qty"].to_numpy(dtype=float)
    due = ~np.isnan(rop) & (qty > 0) & (on_hand <= rop)
    drafts = []
    for i in np.flatnonzero(due):
        r = plan.iloc[i]
        amount = (np.floor((rop[i] - on_hand[i]) / qty[i]) + 1.0) * qty[i]
        need_by = (ds.as_of + pd.Timedelta(days=float(r.lead_days))).date().isoformat()
        key = f"{r.item_id}|{r.site_id}|{ds.as_of.isoformat()}|{amount:g}"
        drafts.append(
            RequisitionLine(
                requisition_id="PR-" + hashlib.sha1(key.encode()).hexdigest()[:10].upper(),
                item_id=r.item_id,
                site_id=r.site_id,
                description=r.description,
                supplier_id=r.supplier_id,
                qty=float(amount),
                uom=r.uom,
                unit_cost=float(r.unit_cost),
                value=float(amount * r.unit_cost),
                need_by=need_by,
                reason=(
                    f"on hand {on_hand[i]:g} <= recommended reorder point {rop[i]:g} "
                    f"(target {r.target_service:.0%} {plan.attrs['measure'].replace('_', ' ')})"
                ),
            )
        )
    return DraftRequisitionsResult(
        drafts=drafts,
        total_value=float(sum(d.value for d in drafts)),
        problems=lead_time_problems(facts),
        evidence=Evidence(
            tool="draft_purchase_requisitions",
            params=args.model_dump(),
            as_of=ds.as_of,
            rows_used={"stock_levels": len(facts), "transactions": plan.attrs["demand_rows_used"]},
            ids=[d.requisition_id for d in drafts[:MAX_EVIDENCE_IDS]],
            notes=["drafts only: nothing is written until a person approves them"],
        ),
    )


draft_purchase_requisitions.is_action = True  # type: ignore[attr-defined]


def write_purchase_requisitions(
    ctx: ToolContext, drafts: list[RequisitionLine] | list[dict], approval: Approval
) -> WriteRequisitionsResult:
    """Append approved drafts to the requisitions CSV and JSON lines. Every line is checked
    first; each file is rewritten through a temporary file and an atomic rename, so a
    failure leaves it as it was. Lines already there (same requisition id) are not written
    twice. Append-only: nothing already written is changed."""
    import pandas as pd

    approved_by = approval.by
    if not drafts:
        raise InvalidArgumentError("no requisitions to write: the approved set is empty")
    lines = [d if isinstance(d, RequisitionLine) else RequisitionLine(**d) for d in drafts]
    known = set(ctx.dataset.items["item_id"])
    unknown = sorted({line.item_id for line in lines} - known)
    if unknown:
        raise InvalidArgumentError(f"requisitions name unknown items: {', '.join(unknown)}")
    if ctx.settings.state_url:  # service replicas: one table, each id once (docs/scale.md)
        from stockwise.tools.replenish import requisitions_postgres as shared

        written, before = shared.insert_requisitions(ctx.settings.state_url, lines, approval)
        where = shared.table_name(ctx.settings.state_url)
        return WriteRequisitionsResult(
            path=where, json_path=where, written=written, already_there=before
        )
    path = requisitions_path(ctx.settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing and existing.splitlines()[0].split(",") != CSV_COLUMNS:
        raise InvalidArgumentError(
            f"{path} does not start with the requisition header; it was edited by hand — "
            "move it aside and approve again"
        )
    seen = set(pd.read_csv(io.StringIO(existing))["requisition_id"]) if existing else set()
    fresh = [line for line in lines if line.requisition_id not in seen]
    stamp = approval.at.isoformat(timespec="seconds")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    if not existing:
        writer.writeheader()
    for line in fresh:
        row = {**line.model_dump(), "approved_by": approved_by.strip(), "approved_at": stamp}
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    if existing and not existing.endswith("\n"):
        existing += "\n"
    json_path = path.with_suffix(".jsonl")
    old_json = json_path.read_text(encoding="utf-8") if json_path.exists() else ""
    in_json = {json.loads(line)["requisition_id"] for line in old_json.splitlines() if line}
    records = [
        json.dumps(
            {**line.model_dump(), "approved_by": approved_by.strip(), "approver_role":
             approval.role, "approved_at": stamp, "comment": approval.comment}
        )
        for line in fresh
        if line.requisition_id not in in_json
    ]  # fmt: skip
    new_json = old_json + "".join(f"{r}\n" for r in records)
    # The JSON lines first, each id once: if the CSV write then fails, approving again
    # writes the CSV lines and finds the JSON ones already there.
    _atomic_write(json_path, new_json)
    _atomic_write(path, existing + buffer.getvalue())
    return WriteRequisitionsResult(
        path=str(path),
        json_path=str(json_path),
        written=[line.requisition_id for line in fresh],
        already_there=[line.requisition_id for line in lines if line.requisition_id in seen],
    )


def _atomic_write(path: Path, text: str) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".requisitions-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
