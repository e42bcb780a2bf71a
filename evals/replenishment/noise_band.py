"""How far one replayed year puts a store or a class from its target when the plan is
perfect: the demand law is known, the reorder points are chosen on it (the same greedy,
floors and order quantities as the project's plan, no calibration needed), and many
independent years drawn from that law are replayed under them.

Why: the benchmark judges each class by its fill over one replayed year, against a band
of +-2 points. A class whose demand comes from few, lumpy items can leave that band in a
year without the plan being wrong. The share of years a perfect plan stays inside the
band says how much a single year's miss tells about the method.

Two laws: a plant's own (each item's months drawn independently from its fitted months:
the bootstrap, which is what the project's curves assume with no record tail) and, for
the synthetic store, the generator itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from stockwise.tools.replenish.allocation import Greedy
from stockwise.tools.replenish.service_curve import service_curves
from stockwise.tools.replenish.simulate import simulate

YEARS = 200
MONTHS = 12
SAMPLES = 1000
YEARS_PER_CHUNK = 25
GROUPS = ("store", "A", "B", "C")
CALIBRATION_YEARS = 50
MODEL_GRID = (0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)

# Draws `years` years of monthly demand (years x items x months) from the law.
YearDraw = Callable[[np.random.Generator, int], np.ndarray]


@dataclass(frozen=True)
class Band:
    """Fill per replayed year of a perfect plan, per (group, target)."""

    fills: dict[tuple[str, float], np.ndarray]
    years: int

    def within(self, group: str, target: float, tolerance: float) -> float:
        """Share of years whose fill is within `tolerance` of `target`."""
        fill = self.fills[group, target]
        return float((np.abs(fill - target) <= tolerance + 1e-12).mean())

    def spread(self, group: str, target: float) -> tuple[float, float, float]:
        """Median and 5% / 95% quantiles of the yearly fill."""
        lo, mid, hi = np.quantile(self.fills[group, target], [0.05, 0.5, 0.95])
        return float(mid), float(lo), float(hi)

    def text(self, group: str, target: float, tolerance: float) -> str:
        if (group, target) not in self.fills:
            return "perfect plan: no demand in its law"
        mid, lo, hi = self.spread(group, target)
        share = self.within(group, target, tolerance)
        return (
            f"a perfect plan is within {tolerance * 100:.0f} points in {share:.0%} of "
            f"{self.years} years (median {mid:.1%}, 5-95% {lo:.1%}-{hi:.1%})"
        )


def bootstrap_years(history: np.ndarray) -> YearDraw:
    """Years whose months are drawn independently, item by item, from its own `history`."""
    history = np.asarray(history, float)
    rows, periods = history.shape

    def draw(rng: np.random.Generator, years: int) -> np.ndarray:
        pick = rng.integers(0, periods, size=(years, rows, MONTHS))
        return history[np.arange(rows)[None, :, None], pick]

    return draw


def perfect_plan_band(
    law: np.ndarray,
    draw: YearDraw,
    lead: np.ndarray,
    qty: np.ndarray,
    price: np.ndarray,
    klass: np.ndarray,
    targets: tuple[float, ...],
    *,
    floor: np.ndarray | float = 0.0,
    years: int = YEARS,
    seed: int = 0,
) -> Band:
    """Plan on `law` (items x months, a long sample of the true monthly demand, read with
    no record tail and equal weight on every month), store-wide and with the same target
    for each class, then replay `years` years from `draw`, each starting at reorder point
    + order quantity. The plan is calibrated to that protocol first: the model target of
    each group is the one whose fill, pooled over `CALIBRATION_YEARS` other years, is the
    target (a year that starts with a full order on the shelf serves more than the
    model's steady state: 92% instead of 90% on the synthetic store)."""
    law = np.clip(np.nan_to_num(np.asarray(law, float)), 0.0, None)
    klass = np.asarray(klass)
    curves = service_curves(
        law, lead, qty, tail=0.0, half_life=float("inf"), samples=SAMPLES, ratios=np.zeros(0)
    )
    active = np.flatnonzero(law.sum(axis=1) > 0)
    members = {"store": np.ones(len(law), bool)} | {k: klass == k for k in GROUPS[1:]}
    greedy = {
        g: Greedy(curves, price, floor=floor, rows=active[members[g][active]])
        for g in GROUPS
        if members[g][active].any()
    }
    replays = _Replays(draw, active, members, lead, qty, price)
    rng = np.random.default_rng(seed)

    def plans(model: dict[str, float]) -> list[tuple[np.ndarray, tuple[str, ...]]]:
        """The store-wide plan, judged store-wide, and the per-class plan, by each class."""
        store = curves.pick(greedy["store"].at_fill(model["store"]).index)
        by_class = store.copy()
        for g in GROUPS[1:]:
            if g in greedy:
                rows = greedy[g].rows
                by_class[rows] = curves.pick(greedy[g].at_fill(model[g]).index)[rows]
        return [(store, ("store",)), (by_class, GROUPS[1:])]

    grid_plans = [p for m in MODEL_GRID for p in plans(dict.fromkeys(GROUPS, m))]
    grid = replays.fills(grid_plans, rng, CALIBRATION_YEARS)
    fills = {}
    for target in targets:
        model = {}
        for g in greedy:
            pooled = np.maximum.accumulate(np.array([grid[g][i] for i in range(len(MODEL_GRID))]))
            model[g] = float(np.interp(target, pooled, MODEL_GRID))
        got = replays.by_year(plans(model), rng, years)
        for g, fill in got.items():
            fills[g, target] = fill
    return Band(fills, years)


class _Replays:
    """Replays of whole plans over years drawn from a law, in chunks of years."""

    def __init__(self, draw, active, members, lead, qty, price) -> None:  # type: ignore[no-untyped-def]
        self.draw, self.active, self.lead, self.qty, self.price = draw, active, lead, qty, price
        self.members = {g: m[active] for g, m in members.items()}

    def _run(self, plans, rng, years):  # type: ignore[no-untyped-def]
        """Served per plan and group, and demand per group: arrays over years."""
        a, n = self.active, len(self.active)
        served = [{g: [] for g in names} for _, names in plans]
        demand: dict[str, list[np.ndarray]] = {g: [] for g in GROUPS}
        for done in range(0, years, YEARS_PER_CHUNK):
            chunk = min(YEARS_PER_CHUNK, years - done)
            year = self.draw(rng, chunk)[:, a, :]  # chunk x active items x months
            flat, per_item = year.reshape(chunk * n, -1), year.sum(axis=2)
            for g in GROUPS:
                demand[g].append(per_item[:, self.members[g]].sum(axis=1))
            q = np.tile(self.qty[a], chunk)
            lead, price = np.tile(self.lead[a], chunk), np.tile(self.price[a], chunk)
            for (s, names), got in zip(plans, served, strict=True):
                s_rows = np.tile(s[a], chunk)
                out = simulate(flat, s_rows, q, lead, price, s_rows + q).served.reshape(chunk, n)
                for g in names:
                    got[g].append(out[:, self.members[g]].sum(axis=1))
        total = {g: np.concatenate(d) for g, d in demand.items()}
        return [{g: np.concatenate(v) for g, v in got.items()} for got in served], total

    def fills(self, plans, rng, years) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
        """Fill pooled over the years, per group, one entry per plan that judges it."""
        served, total = self._run(plans, rng, years)
        out: dict[str, list[float]] = {g: [] for g in GROUPS}
        for got in served:
            for g, v in got.items():
                out[g].append(float(v.sum() / max(total[g].sum(), 1e-12)))
        return out

    def by_year(self, plans, rng, years) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
        """Each year's fill per group (years without demand in the group left out)."""
        served, total = self._run(plans, rng, years)
        out = {}
        for got in served:
            for g, v in got.items():
                some = total[g] > 0
                if some.any():
                    out[g] = v[some] / total[g][some]
        return out
