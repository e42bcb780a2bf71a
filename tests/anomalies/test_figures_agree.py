"""The same item gives the same days of cover and excess in the stock tools and in the
anomaly checks: one formula, one contract window, and every result names its window.
Where the excess check also uses the busier 365-day rate, its finding names that window too.
"""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.anomalies.agent_tools import FindAnomaliesInput, find_anomalies
from stockwise.tools.anomalies.operations import excess_stock
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.stock.cover import DaysOfCoverInput, days_of_cover
from stockwise.tools.stock.value import SlowMovingInput, slow_moving_and_excess

from .frames import AS_OF, Plant


@pytest.fixture(scope="module")
def plant():  # type: ignore[no-untyped-def]
    p = Plant()
    # A solvent used a lot last year and little this quarter (as 4490 on the demo plant):
    # 8 in the 90 days to the snapshot, 75 in the 365 days to it.
    p.item("SOLV", "solvent degreaser 20l", cost=76.0).opening("SOLV", 253)
    p.txn("SOLV", -67, "issue_maintenance", "2024-10-15")
    p.txn("SOLV", -8, "issue_maintenance", "2025-05-15").on_hand("SOLV", 178)
    return p.dataset()


@pytest.fixture
def ctx(plant, tmp_path):  # type: ignore[no-untyped-def]
    return ToolContext(dataset=plant, settings=Settings(_env_file=None, data_dir=tmp_path))


def test_cover_and_excess_agree_between_stock_tools_and_anomalies(ctx):  # type: ignore[no-untyped-def]
    # Contract: 178 / (8 / 90) = 2,002.5 days; excess above 365 days = 178 - 365 x 8/90.
    cover = days_of_cover(ctx, DaysOfCoverInput(item="SOLV"))
    assert cover.cover.days_of_cover == pytest.approx(2002.5)
    slow = slow_moving_and_excess(ctx, SlowMovingInput())
    [excess] = slow.excess
    assert excess.days_of_cover == pytest.approx(2002.5)
    assert excess.excess_qty == pytest.approx(178 - 365 * 8 / 90)  # 145.56

    [finding] = excess_stock(ctx.dataset, 365.0)
    row = finding.evidence_rows[0]
    assert row["days_of_cover"] == pytest.approx(cover.cover.days_of_cover)
    assert row["daily_demand_90d"] == pytest.approx(cover.cover.avg_daily_demand)
    assert "2,002.5 days of cover" in finding.summary
    assert f"{excess.excess_qty:,.2f} units beyond 365 days" in finding.summary
    # The value at stake is the surplus even at the busier 365-day rate: 178 - 75 = 103 units,
    # and the finding says which rate that is.
    assert finding.value_at_stake == pytest.approx(103 * 76.0)
    assert "busier rate of the 365 days to 2025-06-30 (75)" in finding.summary


def test_every_result_names_its_demand_window(ctx):  # type: ignore[no-untyped-def]
    cover = days_of_cover(ctx, DaysOfCoverInput(item="SOLV"))
    slow = slow_moving_and_excess(ctx, SlowMovingInput())
    found = find_anomalies(ctx, FindAnomaliesInput(kinds=["excess_stock"]))
    window = cover.demand_window
    assert (window.start, window.end, window.days) == (
        AS_OF - pd.Timedelta(days=90),
        AS_OF,
        90,
    )
    assert slow.demand_window == window
    assert found.findings[0].demand_windows[0] == window
    year = found.findings[0].demand_windows[1]
    assert (year.start, year.end, year.days) == (AS_OF - pd.Timedelta(days=365), AS_OF, 365)
    # The CLI table prints the notes: they name the window with its dates.
    note = "demand in the 90 days to 2025-06-30 18:00 (after 2025-04-01 18:00) / 90"
    assert any(note in n for n in cover.evidence.notes)
    assert any(note in n for n in slow.evidence.notes)


def test_on_the_demo_plant_anomalies_and_stock_tools_give_one_cover(demo_dataset, tmp_path):  # type: ignore[no-untyped-def]
    ctx = ToolContext(dataset=demo_dataset, settings=Settings(_env_file=None, data_dir=tmp_path))
    findings = excess_stock(demo_dataset, 365.0)
    assert findings, "the demo plant plants an excess-stock item"
    excess = {r.item_id: r for r in slow_moving_and_excess(ctx, SlowMovingInput(limit=5000)).excess}
    for f in findings:
        cover = days_of_cover(ctx, DaysOfCoverInput(item=f.item_id)).cover
        assert f.evidence_rows[0]["days_of_cover"] == pytest.approx(cover.days_of_cover)
        assert f"{cover.days_of_cover:,.1f} days of cover" in f.summary
        assert f"{excess[f.item_id].excess_qty:,.2f} units beyond 365 days" in f.summary
