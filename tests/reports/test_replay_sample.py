"""The replenishment replay on a large plant runs on a sample: drawn the same way whatever
the row order, of the stated size, and the report says so with the method."""

from __future__ import annotations

import pandas as pd

from stockwise.assistant.reports import sections_risk
from stockwise.assistant.reports.replay import mro_replay, sample_rows
from stockwise.assistant.reports.trace import Tracer
from stockwise.tools.replenish import SimulatePolicyInput, simulate_policy


def test_sample_is_fixed_by_the_ids_not_the_row_order():
    facts = pd.DataFrame(
        {"item_id": [f"I{i}" for i in range(500)], "site_id": ["S1", "S2"] * 250, "x": range(500)}
    )
    picked = sample_rows(facts, 40)
    again = sample_rows(facts.sample(frac=1.0, random_state=3), 40)
    assert len(picked) == 40 and picked["x"].is_monotonic_increasing  # original order kept

    def pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
        return set(frame[["item_id", "site_id"]].itertuples(index=False, name=None))

    assert pairs(picked) == pairs(again)
    assert sample_rows(facts, 500) is facts


def test_unsampled_replay_states_the_same_figures_as_simulate_policy(demo_ctx):  # type: ignore[no-untyped-def]
    replay = mro_replay(demo_ctx, site="S2")
    assert not replay.sampled and replay.replayed == replay.population > 0
    sim = simulate_policy(demo_ctx, SimulatePolicyInput(group="mro", site_id="S2"))
    by = {f.policy: f for f in sim.figures if f.criticality == "all"}
    for policy, name in (("recommended", "recommended by class"), ("current", "current")):
        point = replay.point(name)
        assert point is not None
        assert point.fill_rate == by[policy].fill_rate
        assert point.average_inventory_value == by[policy].average_inventory_value
        assert point.emergency_orders == by[policy].emergency_orders
    assert (replay.start, replay.end) == (sim.start, sim.end)


def test_a_sampled_replay_says_so_in_the_section_and_the_method(demo_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sections_risk, "REPLAY_SAMPLE", 150)
    t = Tracer()
    section = sections_risk.replenishment(demo_ctx, t, "S2")
    replay = mro_replay(demo_ctx, site="S2", sample=150)
    assert replay.sampled and replay.replayed == 150
    text = " ".join(section.paragraphs)
    assert f"a pseudo-random sample of 150 of the {replay.population:,} MRO item-sites" in text
    assert text.endswith("on the sample.")
    assert "sample of 150 item-sites" in section.charts[0].title
    call = next(c for c in t.calls if c.tool == "mro_replay")
    assert call.args == {"months": 12, "sample": 150, "site": "S2"}
    method = " ".join(sections_risk.method(demo_ctx, t, "S2").paragraphs)
    assert f"a sample of 150 of the {replay.population:,} MRO item-sites" in method
    assert "lowest hash of item and site id" in method
    # The policy table lists the largest changes and counts the item-sites it leaves out.
    found = {f.label: f for f in t.figures}
    rows = section.tables[0].rows
    assert rows[-1][1] == f"{found['policies not listed'].shown} more item-sites"
    policies = found["MRO item-site policies"].value
    assert len(rows) - 1 + found["policies not listed"].value == policies
    # Figures of the sampled replay are the sample's: the same call replays them.
    stated = next(f for f in t.figures if f.label == "simulated fill rate (recommended)")
    point = replay.point("recommended by class")
    assert point is not None and stated.value == float(point.fill_rate)
