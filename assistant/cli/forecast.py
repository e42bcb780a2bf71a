"""`stockwise forecast "hydraulic seal" --horizon 90d`: an item's demand forecast with its
planned, breakdown and other parts, quantiles, and a table per period.

The options are written out instead of derived from `ForecastDemandInput`
(assistant/cli/from_model.py): the model's module imports statsforecast, which
`stockwise --help` would then pay for. tests/stock/test_cli_options.py keeps them in step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from stockwise.assistant.cli.output import (
    console,
    evidence_line,
    pairs_table,
    rows_table,
    run_and_show,
)
from stockwise.assistant.startup import open_context

if TYPE_CHECKING:
    from stockwise.tools.forecast.agent_tools import ForecastDemandResult


def _show(result: ForecastDemandResult) -> None:
    fc = result.forecast
    console.print(f"[bold]{fc.item_id} {fc.description}[/bold]  ({fc.demand_class} demand)")
    console.print(fc.explanation)
    summary = {
        "total_mean": fc.total_mean,
        "total_p50": fc.total.p50,
        "total_p90": fc.total.p90,
        "total_p95": fc.total.p95,
        "planned_for_PM": fc.planned_qty,
        "breakdowns_mean": fc.breakdown_mean,
        "breakdowns_p90": fc.breakdown.p90,
        "expected_breakdowns": fc.expected_breakdowns,
        "other_demand_mean": fc.other_mean,
        "ADI": fc.adi,
        "CV2": fc.cv2,
    }
    console.print(pairs_table(f"Next {fc.horizon_days} days", summary))
    planned = [p for p in fc.planned if p.qty > 0]
    if planned:
        rows = [
            {
                "plan_id": p.plan_id,
                "equipment_id": p.equipment_id,
                "qty_per_service": p.qty_per_service,
                "due": ", ".join(d.isoformat() for d in p.due_dates),
                "qty": p.qty,
            }
            for p in planned
        ]
        console.print(rows_table("Planned (PM part kits due)", rows))
    console.print(rows_table(f"Per {fc.grain}", fc.periods))
    console.print(f"[dim]{fc.method}. {evidence_line(result.evidence)}[/dim]")


def forecast(
    item: str = typer.Argument(..., help="Item id or description."),
    horizon: str = typer.Option("90d", "--horizon", help="90d, 12w, 3m ..."),
    site: str | None = typer.Option(None, "--site", help="Site id or name."),
    grain: str = typer.Option("month", "--grain", help="month or week"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Forecast an item's demand: planned for PM, expected from breakdowns, and the rest."""

    def call() -> ForecastDemandResult:
        # statsforecast takes seconds to import: only `stockwise forecast` should pay for it.
        from stockwise.tools.forecast.agent_tools import ForecastDemandInput, forecast_demand

        # model_validate: the command line's text is checked like any other input.
        args = ForecastDemandInput.model_validate(
            {"item": item, "horizon": horizon, "site": site, "grain": grain}
        )
        return forecast_demand(open_context(), args)

    run_and_show(call, as_json, _show)  # type: ignore[arg-type]
