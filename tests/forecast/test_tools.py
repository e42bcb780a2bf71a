"""The agent tools and the CLI on the hand-made plant: figures, no NaN, clear refusals."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.core.errors import InvalidArgumentError, UnknownItemError
from stockwise.tools.core.settings import Settings, get_settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.forecast import AGENT_TOOLS
from stockwise.tools.forecast.agent_tools import (
    DemandProfileInput,
    ForecastDemandInput,
    LeadTimeDemandInput,
    demand_profile,
    forecast_demand,
    lead_time_demand,
)

from .plant import hand_made_plant


@pytest.fixture(scope="module")
def ctx():
    return ToolContext(hand_made_plant(), Settings())


def _numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, float):
        yield value


def test_agent_tools_are_exported():
    assert [f.__name__ for f in AGENT_TOOLS] == [
        "forecast_demand",
        "lead_time_demand",
        "demand_profile",
    ]


@pytest.mark.parametrize("item", ["hydraulic seal", "4490", "4500"])
def test_forecast_demand_has_no_nan_anywhere(ctx, item):
    result = forecast_demand(ctx, ForecastDemandInput(item=item, horizon="90d"))
    dumped = json.loads(result.model_dump_json())
    assert all(math.isfinite(v) for v in _numbers(dumped))
    assert result.forecast.total.p10 <= result.forecast.total.p50 <= result.forecast.total.p95


def test_forecast_demand_explains_its_parts(ctx):
    fc = forecast_demand(ctx, ForecastDemandInput(item="4410", horizon="3m")).forecast
    assert fc.horizon_days == 90 and fc.planned_qty == 9
    assert fc.explanation.startswith("Next 90 days: 9 planned for PM on E1, E2")
    assert "expected from breakdowns (90% up to" in fc.explanation
    assert sum(p.mean for p in fc.periods) == pytest.approx(fc.total_mean, rel=0.1)


def test_lead_time_demand_and_profile(ctx):
    lt = lead_time_demand(ctx, LeadTimeDemandInput(item="4410", service_level=0.9))
    assert lt.lead_time_days == 30 and lt.quantile_at_service_level >= lt.quantiles.p50 >= 3
    profile = demand_profile(ctx, DemandProfileInput(item="4410"))
    assert profile.share_corrective == 1.0 and profile.total_demand == 16
    assert profile.demand_class in {"intermittent", "lumpy"}


def test_refusals_name_the_problem(ctx):
    with pytest.raises(UnknownItemError):
        forecast_demand(ctx, ForecastDemandInput(item="flux capacitor"))
    with pytest.raises(InvalidArgumentError, match="horizon"):
        forecast_demand(ctx, ForecastDemandInput(item="4410", horizon="soon"))
    with pytest.raises(InvalidArgumentError, match="service level"):
        lead_time_demand(ctx, LeadTimeDemandInput(item="4410", service_level=1.5))


def test_cli_forecast_prints_planned_and_breakdowns(tmp_path, monkeypatch):
    folder = tmp_path / "plant"
    folder.mkdir()
    for name, frame in hand_made_plant().tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    monkeypatch.setenv("STOCKWISE_DATASET", str(folder))
    get_settings.cache_clear()
    runner = CliRunner()
    shown = runner.invoke(app, ["forecast", "hydraulic seal", "--horizon", "90d"])
    assert shown.exit_code == 0, shown.output
    assert "9 planned for PM on E1, E2" in shown.output
    as_json = runner.invoke(app, ["forecast", "4410", "--horizon", "12w", "--json"])
    assert json.loads(as_json.output)["forecast"]["horizon_days"] == 84
    refused = runner.invoke(app, ["forecast", "4410", "--horizon", "-3d"])
    assert refused.exit_code == 1 and "horizon" in refused.output
