"""The report's replay of MRO reorder policies on the last year's demand: the current policy,
the recommended one (each criticality's service target) and the trade-off curve over
service targets, from one pass of the replenishment package's `tradeoff_curve`.

On a large plant the replay runs on a sample of item-sites: a policy comparison is a
ratio (fill rate, stock against stock, emergencies against emergencies), which a sample of
a couple of thousand item-sites estimates well, while replaying 25,000 of them ten times
over costs minutes. The sample is the item-sites with the lowest hash of (item id, site id):
pseudo-random, so unrelated to value, demand or class, and the same on every run over the
same data, so the figures replay.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.replenish.backtest import window
from stockwise.tools.replenish.items import item_site_facts
from stockwise.tools.replenish.selection import select_rows
from stockwise.tools.replenish.tradeoff import tradeoff_curve

SAMPLE = 2000  # item-sites replayed at most


@dataclass
class MroReplay:
    start: str  # first day replayed
    end: str  # last day replayed
    population: int  # of those, the ones with a lead time and a current policy to replay
    replayed: int  # item-sites in the replay (the population, or a sample of it)
    curve: pd.DataFrame  # tradeoff_curve rows; empty when nothing could be replayed

    @property
    def sampled(self) -> bool:
        return self.replayed < self.population

    def point(self, policy: str) -> pd.Series | None:
        rows = self.curve[self.curve["policy"] == policy] if len(self.curve) else self.curve
        return rows.iloc[0] if len(rows) else None


def sample_rows(facts: pd.DataFrame, size: int) -> pd.DataFrame:
    """`facts` itself when it has at most `size` rows, else the `size` rows with the lowest
    hash of (item_id, site_id), in their original order."""
    if len(facts) <= size:
        return facts
    key = pd.util.hash_pandas_object(facts[["item_id", "site_id"]], index=False)
    chosen = key.sort_values(kind="stable").index[:size]
    return facts.loc[sorted(chosen)].reset_index(drop=True)


def mro_replay(
    ctx: ToolContext, site: str | None = None, months: int = 12, sample: int = SAMPLE
) -> MroReplay:
    """Current vs recommended MRO policies and the service-target curve, replayed on the last
    `months` of demand, on at most `sample` item-sites."""
    ds = ctx.dataset
    facts = select_rows(ds, item_site_facts(ds), group="mro", site_id=site)
    # What `plannable` keeps, checked up front so the sample is drawn from rows that replay.
    replayable = facts[
        facts["lead_time_days"].notna()
        & facts["current_reorder_point"].notna()
        & (facts["current_reorder_qty"] > 0)
    ]
    # Unsampled, the replay reads the same rows as `simulate_policy(group="mro")`, so the two
    # agree to the cent (the lead-time demand draws depend on the rows planned together).
    chosen = facts if len(replayable) <= sample else sample_rows(replayable, sample)
    start, end = window(ds, months)
    curve = tradeoff_curve(ds, ctx.settings, chosen, months) if len(chosen) else pd.DataFrame()
    last = end - pd.Timedelta(days=1)
    return MroReplay(
        f"{start:%Y-%m-%d}",
        f"{last:%Y-%m-%d}",
        len(replayable),
        min(len(replayable), sample),
        curve,
    )
