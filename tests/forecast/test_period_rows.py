"""A forecast's table per period, drawn from the one maintenance model the horizon builds,
holds the figures each period's own model gave (one item_demand per window, as before)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.forecast.agent_tools import ForecastDemandInput, forecast_demand
from stockwise.tools.forecast.combined import forecast_data, item_demand, load_forecast_data
from stockwise.tools.forecast.history import GRAIN_DAYS
from stockwise.tools.forecast.item import forecast_item
from stockwise.tools.forecast.results import finite

# Figures of the demo plant (scale 1, seed 42) before the table was drawn from one model:
# (mean, p10, p50, p90) per month over 90 days.
BEFORE = {
    "4410": [(3.58, 2.0, 3.0, 5.0), (1.56, 0.0, 1.0, 3.0), (1.57, 0.0, 1.0, 3.0)],
    "4420": [
        (604.81, 471.4, 599.4, 746.4),
        (595.61, 458.2, 593.5, 733.8),
        (628.34, 490.7, 622.6, 765.2),
    ],
}


def rows_one_model_per_period(data, item_id, site_id, horizon, grain, seed=0):
    """The table as it was computed before: each window's demand from its own model."""
    origin = item_demand(data, item_id, site_id, float(horizon), seed=seed).origin
    width = GRAIN_DAYS[grain] if grain != "month" else 30
    rows = []
    for k, start in enumerate(np.arange(0, horizon, width)):
        end = min(start + width, horizon)
        samples = item_demand(
            data, item_id, site_id, float(end), origin=origin, start_days=float(start),
            n_samples=2000, seed=seed + k,
        ).samples  # fmt: skip
        p10, p50, p90 = np.quantile(samples, [0.1, 0.5, 0.9], method="inverted_cdf")
        rows.append(tuple(finite(v) for v in (samples.mean(), p10, p50, p90)))
    return rows


def table(forecast):
    return [(p.mean, p.p10, p.p50, p.p90) for p in forecast.periods]


@pytest.fixture(scope="module")
def data(demo_dataset):
    return load_forecast_data(demo_dataset)


@pytest.mark.parametrize("item_id", sorted(BEFORE))
def test_the_demo_table_holds_the_figures_it_had(data, item_id):
    forecast, _ = forecast_item(data, item_id, None, 90, "month")
    assert table(forecast) == BEFORE[item_id]


@pytest.mark.parametrize(
    ("item_id", "site", "horizon", "grain"),
    [
        ("4410", None, 90, "month"),  # PM kits, breakdowns, no other demand
        ("4420", None, 180, "week"),  # many machine types; an uneven last week
        ("4420", "S1", 120, "month"),  # one site's plans and machines
        ("10089", None, 180, "week"),  # PM kits and breakdowns, a service late in the horizon
        ("10246", None, 45, "month"),  # a half month at the end
    ],
)
def test_each_period_equals_its_own_model(data, item_id, site, horizon, grain):
    forecast, _ = forecast_item(data, item_id, site, horizon, grain)
    assert forecast.planned or forecast.breakdowns_per_1000h  # the maintenance path
    assert table(forecast) == rows_one_model_per_period(data, item_id, site, horizon, grain)


def test_a_repeated_forecast_reuses_the_model_and_gives_the_same_figures(data):
    first, notes = forecast_item(data, "4420", None, 90, "month")
    kept = dict(data._models)
    again, notes_again = forecast_item(data, "4420", None, 90, "month")
    assert again == first and notes_again == notes
    assert data._models == kept  # nothing rebuilt


def test_a_refreshed_dataset_is_forecast_from_its_own_plans(demo_dataset):
    ctx = ToolContext(demo_dataset, Settings())
    args = ForecastDemandInput(item="4410", horizon="90d")
    before = forecast_demand(ctx, args).forecast
    assert before.planned_qty > 0
    # The same plant with every kit of the item doubled: a model kept from the old dataset
    # would still say the old quantities.
    kits = demo_dataset.pm_plan_parts.copy()
    kits.loc[kits["item_id"] == "4410", "qty"] *= 2
    ctx.use_dataset(Dataset({**demo_dataset.tables, "pm_plan_parts": kits}, demo_dataset.source))
    after = forecast_demand(ctx, args).forecast
    assert forecast_data(ctx).dataset is ctx.dataset
    assert after.planned_qty == pytest.approx(2 * before.planned_qty)
    assert [p.qty_per_service for p in after.planned] == [
        2 * p.qty_per_service for p in before.planned
    ]


def test_a_window_beyond_the_model_is_refused(data):
    from stockwise.tools.forecast.maintenance import sample_maintenance

    model = data.maintenance_model("4410", None, pd.Timestamp(data.issues.as_of).normalize(), 30)
    with pytest.raises(ValueError, match="not within"):
        sample_maintenance(model, data.hours, 0, 60)
