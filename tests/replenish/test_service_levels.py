"""`plan_service_levels` and `stockwise reorder --fill/--budget/--compare-current` on the
demo plant (27 months of demand: one calibration replay, one comparison replay)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.tools.core.errors import InvalidArgumentError
from stockwise.tools.core.settings import Settings, get_settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish import ServiceLevelsInput, plan_service_levels
from stockwise.tools.replenish.service_levels import parse_amount


@pytest.fixture
def demo_ctx(demo_dataset):
    return ToolContext(demo_dataset, Settings())


@pytest.mark.parametrize(
    ("text", "amount"),
    [("7M", 7e6), ("what fill rate can we have for 7 M?", 7e6), ("7.5 million", 7.5e6),
     ("700k", 7e5), ("7,000,000", 7e6), ("the 3 items", None), ("90%", None)],
)  # fmt: skip
def test_budgets_are_read_as_people_write_them(text, amount):
    assert parse_amount(text) == amount


def test_more_budget_buys_more_fill_and_stays_within_it(demo_ctx):
    small, large = (
        plan_service_levels(demo_ctx, ServiceLevelsInput(budget=b)) for b in ("1.5M", "3M")
    )
    assert small.stock_value <= 1.5e6 * 1.001 and large.stock_value <= 3e6 * 1.001
    assert large.expected_fill > small.expected_fill
    assert small.reachable and small.rows_planned == large.rows_planned > 0


def test_a_fill_target_holds_less_value_than_a_higher_one(demo_ctx):
    low, high = (plan_service_levels(demo_ctx, ServiceLevelsInput(fill=f)) for f in (0.85, 0.95))
    assert low.expected_fill == pytest.approx(0.85)
    assert low.stock_value < high.stock_value
    assert "0.85" not in low.goal and "85.0%" in low.goal


def test_the_question_alone_picks_budget_fill_or_comparison(demo_ctx):
    budget = plan_service_levels(demo_ctx, ServiceLevelsInput(question="fill for 2 M?"))
    assert "2,000,000" in budget.goal and budget.replay is None
    fill = plan_service_levels(demo_ctx, ServiceLevelsInput(question="least stock for 92%"))
    assert "92.0%" in fill.goal
    compare = plan_service_levels(
        demo_ctx, ServiceLevelsInput(question="how does your policy compare with our min max")
    )
    replay = compare.replay
    assert replay is not None and replay.months_replayed == 12 and replay.rows > 0
    # The cost-aware policy is planned for the fill the current one reached in the replay.
    assert f"{replay.current_fill:.1%}" in compare.goal
    assert replay.value_ratio == pytest.approx(
        replay.cost_aware_stock_value / replay.current_stock_value
    )


def test_fill_and_budget_together_are_refused(demo_ctx):
    with pytest.raises(InvalidArgumentError, match="not both"):
        plan_service_levels(demo_ctx, ServiceLevelsInput(fill=0.9, budget=1e6))


@pytest.fixture
def demo_env(demo_dir, monkeypatch):
    monkeypatch.setenv("STOCKWISE_DATASET", str(demo_dir))
    get_settings.cache_clear()
    return demo_dir


def test_reorder_budget_on_the_command_line(demo_env):
    out = CliRunner().invoke(app, ["reorder", "--budget", "2M", "--limit", "3", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["stock_value"] <= 2e6 * 1.001 and len(data["rows"]) == 3
    table = CliRunner().invoke(app, ["reorder", "--fill", "90%", "--limit", "3"])
    assert table.exit_code == 0 and "expected store fill" in table.output


def test_a_budget_that_is_not_an_amount_is_one_clear_line(demo_env):
    out = CliRunner().invoke(app, ["reorder", "--budget", "lots"])
    assert out.exit_code == 1
    assert "budget" in out.output and "Traceback" not in out.output
