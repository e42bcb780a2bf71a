"""`stockwise classify` (what each item really is, and which ERP categories look wrong),
`stockwise classify set ITEM CATEGORY --by NAME --why "..."` (a person's correction) and
`stockwise anomalies` (inventory anomalies with their evidence)."""

from __future__ import annotations

import json
import math

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stockwise.assistant.cli.output import print_error
from stockwise.assistant.startup import open_context
from stockwise.tools.core.errors import StockwiseError

console = Console()

ROW_FIELDS = (
    "recorded_category",
    "predicted_category",
    "probability",
    "verdict",
    "use_production",
    "use_maintenance",
    "use_other",
    "use_sales",
    "dual_use",
    "predicted_subtype",
    "corrected_category",
    "value_at_stake",
    "explanation",
)


def _fail(exc: Exception) -> typer.Exit:
    print_error(exc)
    return typer.Exit(1)


def _clean(value):  # type: ignore[no-untyped-def]
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def _record(item_id: str, row) -> dict:  # type: ignore[no-untyped-def]
    out = {"item_id": item_id, **{k: _clean(row[k]) for k in ROW_FIELDS}}
    out["dual_use"] = bool(out["dual_use"])
    return out


def _print_item(item_id: str, row, notes: list[str]) -> None:  # type: ignore[no-untyped-def]
    """One item: the call and its evidence, the use shares, what the plant lacked."""
    console.print(
        f"[bold]{escape(item_id)}[/] {escape(str(row['description'] or '(no description)'))}"
    )
    console.print(f"recorded: {row['recorded_category'] or '(blank)'}")
    console.print(escape(row["explanation"]))
    shares = [(u, row[f"use_{u}"]) for u in ("production", "maintenance", "other", "sales")]
    shares = [(u, v) for u, v in shares if v > 0]
    if shares:
        text = ", ".join(f"{u} {v:.0%}" for u, v in sorted(shares, key=lambda kv: -kv[1]))
        tag = " (dual use)" if row["dual_use"] else ""
        console.print(f"uses by issued quantity{tag}: {text}")
    else:
        console.print("uses by issued quantity: none on record (never issued)")
    for note in notes:
        console.print(f"note: {escape(note)}")


def _suspects_table(title: str, frame, limit: int) -> Table:  # type: ignore[no-untyped-def]
    table = Table(title=title, show_lines=False)
    for col in ("item", "recorded", "predicted", "p", "value", "why"):
        table.add_column(col, overflow="fold")
    for item_id, row in frame.head(limit).iterrows():
        table.add_row(
            str(item_id),
            str(row["recorded_category"] or "-"),
            str(row["predicted_category"]),
            f"{row['probability']:.2f}",
            f"{row['value_at_stake']:,.0f}",
            row["explanation"],
        )
    return table


def _set_correction(args: list[str], by: str | None, why: str | None, subtype: str | None) -> None:
    from stockwise.tools.classify.corrections import record_correction

    if len(args) != 3:
        raise _fail(ValueError('usage: stockwise classify set ITEM CATEGORY --by NAME --why "..."'))
    ctx = open_context()
    try:
        c = record_correction(
            ctx.settings.data_dir, ctx.dataset, args[1], args[2], by or "", why or "", subtype
        )
    except StockwiseError as exc:
        raise _fail(exc) from exc
    what = c.category + (f"/{c.mro_subtype}" if c.mro_subtype else "")
    console.print(
        f"recorded: {c.item_id} is {what} (by {c.by}: {c.why}). "
        "It is shown in explanations now and used as a trusted label at the next "
        "`stockwise classify --retrain`."
    )


def classify(
    args: list[str] = typer.Argument(
        None, help='ITEM to explain one item, or: set ITEM CATEGORY --by NAME --why "..."'
    ),
    all_items: bool = typer.Option(False, "--all", help="List every item."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    retrain: bool = typer.Option(False, "--retrain", help="Refit the classifier first."),
    by: str | None = typer.Option(None, "--by", help="Who makes the correction (with set)."),
    why: str | None = typer.Option(None, "--why", help="Why the category is wrong (with set)."),
    subtype: str | None = typer.Option(None, "--subtype", help="MRO subtype (with set)."),
    limit: int = typer.Option(20, "--limit", help="Suspects to show."),
) -> None:
    """Tell raw material, WIP, finished goods and MRO apart by behaviour; list the recorded
    categories that look wrong, or explain one ITEM."""
    from stockwise.tools.classify.corrections import suggest_items
    from stockwise.tools.classify.service import auto_tags, build_classifications, suspected

    args = args or []
    if args and args[0] == "set":
        _set_correction(args, by, why, subtype)
        return
    try:
        ctx = open_context()
        table = build_classifications(
            ctx.dataset, ctx.settings.data_dir, retrain=retrain, executor=ctx.executor
        )
    except StockwiseError as exc:
        raise _fail(exc) from exc
    model = table.attrs["model"]
    if args:
        item_id = args[0]
        if item_id not in table.index:
            from stockwise.tools.core.errors import UnknownItemError

            raise _fail(UnknownItemError(item_id, suggest_items(ctx.dataset, item_id)))
        row = table.loc[item_id]
        if as_json:
            print(json.dumps(_record(item_id, row), indent=2))
            return
        _print_item(item_id, row, table.attrs.get("input_notes", []))
        return
    threshold = ctx.settings.classify_min_confidence
    if all_items:
        if as_json:
            print(json.dumps([_record(i, r) for i, r in table.iterrows()]))
            return
        for item_id, row in table.iterrows():
            print(f"{item_id}\t{row['recorded_category'] or '-'}\t{row['explanation']}")
        return
    bad, blank = suspected(table, threshold), auto_tags(table)
    if as_json:
        out = {
            "model": model,
            "suspected_misclassifications": [_record(i, r) for i, r in bad.iterrows()],
            "blank_category_tags": [_record(i, r) for i, r in blank.iterrows()],
        }
        print(json.dumps(out, default=str))
        return
    console.print(
        f"classifier v{model['version']} trained {model['trained_at']} on {model['n_train']} "
        f"items; {len(table)} items classified, {int((table['verdict'] == 'unsure').sum())} "
        "unsure"
    )
    for note in table.attrs.get("input_notes", []):
        console.print(f"note: {escape(note)}")
    console.print(
        _suspects_table(
            f"{len(bad)} suspected misclassifications (p >= {threshold:g}), worst first",
            bad,
            limit,
        )
    )
    console.print(_suspects_table(f"{len(blank)} items with no recorded category", blank, limit))


def anomalies(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    kind: list[str] = typer.Option(None, "--kind", help="Only these kinds (repeatable)."),
    item: str | None = typer.Option(None, "--item", help="Only findings about this item."),
    limit: int = typer.Option(30, "--limit", help="Findings to show."),
) -> None:
    """Find inventory anomalies (MRO in BOMs, dual use, count variances, negative books,
    demand spikes, dead stock, duplicate items) with their evidence."""
    from stockwise.tools.anomalies.agent_tools import FindAnomaliesInput, find_anomalies

    try:
        ctx = open_context()
        result = find_anomalies(
            ctx, FindAnomaliesInput(kinds=kind or None, item_id=item, limit=limit)
        )
    except StockwiseError as exc:
        raise _fail(exc) from exc
    if as_json:
        print(result.model_dump_json())
        return
    n = result.n_findings
    console.print(
        f"{n:,} {'finding' if n == 1 else 'findings'}"
        + (f", the first {len(result.findings):,} listed" if n > len(result.findings) else "")
    )
    if not n:
        return
    kinds = Table(show_edge=False, header_style="bold")
    kinds.add_column("kind")
    kinds.add_column("findings", justify="right")
    for name, count in sorted(result.by_kind.items(), key=lambda kv: (-kv[1], kv[0])):
        kinds.add_row(name.replace("_", " "), f"{count:,}")
    console.print(kinds)
    listed = Table(show_lines=True, header_style="bold")
    listed.add_column("severity", no_wrap=True)
    listed.add_column("kind", no_wrap=True)
    listed.add_column("item", no_wrap=True)
    listed.add_column("at stake", justify="right", no_wrap=True)
    listed.add_column("finding", overflow="fold")
    for f in result.findings:
        listed.add_row(
            f.severity,
            f.kind.replace("_", " "),
            escape(f.item_id or "-"),
            f"{f.value_at_stake:,.0f}",
            escape(f.summary),
        )
    console.print(listed)
    console.print(
        f"[dim]worst first; at stake in {ctx.dataset.currency} | "
        f"as of {ctx.dataset.as_of:%Y-%m-%d %H:%M}[/]"
    )
