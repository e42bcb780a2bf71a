"""Cost-aware reorder points for a whole store, with the fill rate calibrated on the
store's own history (items x periods, e.g. months).

Why a calibration step: replayed on real plants, reorder points computed from each item's
own past fall short of their target for reasons that past cannot show - demands larger
than any seen (the record tail of `service_curve`, whose right weight differs by plant)
and items with no demand at all in the history (14% of the refinery's replayed demand,
40% of its class A). Items without history are modelled from the store's pooled new-item
demand (`new_items`) and keep their current reorder point as a floor: the plant's own
setting is the only item-specific knowledge there is about them. The history's last
`replay` periods (and the `replay` before them, when the history is long enough) are
replayed under policies fitted on the periods before, prior included, for every tail
weight, demand-rate half-life and model target on a grid. A target for a group (the store,
each criticality class) gets the setting whose replayed fill reaches it at the least
replayed stock value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stockwise.tools.replenish.allocation import Allocation, Greedy, hulls
from stockwise.tools.replenish.class_shrinkage import (
    FillSums,
    between_replays,
    mixed,
    shrink,
)
from stockwise.tools.replenish.new_items import NewItemPrior, new_item_prior, size_scale
from stockwise.tools.replenish.service_curve import ServiceCurves, service_curves
from stockwise.tools.replenish.simulate import replay_policies

TAILS = (0.0, 0.1, 0.25, 0.5, 1.0)
# None = the forecaster's weighting (half-life a quarter of the history, at least 12).
HALF_LIVES: tuple[float | None, ...] = (None, 6.0)
Setting = tuple[float, float | None]  # record-tail weight, half-life of the demand rate
SETTINGS: tuple[Setting, ...] = tuple((t, h) for h in HALF_LIVES for t in TAILS)
MODEL_TARGETS = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)
UNREACHABLE_SLACK = 0.005
CLASSES = ("A", "B", "C")
GROUPS = ("all", *CLASSES)
POOLED = "classes"  # all rows under the per-class policies
POPULATIONS = ("seen", "new")
MIN_FIT_PERIODS = 6
# Samples of lead-time demand per row, the same in the calibration replays and in the
# plan: with fewer samples a curve misses more of the tail, so a model target set on
# 400-sample replays bought 3-4 points more fill from 1,000-sample curves (refinery).
SAMPLES = 400


@dataclass(frozen=True)
class Choice:
    setting: Setting
    model_target: float
    predicted_fill: float  # what the replays predict for these settings
    reachable: bool


@dataclass(frozen=True)
class GroupCalibration:
    fill: np.ndarray  # settings x model targets: replayed fill of the group
    value: np.ndarray  # settings x model targets: replayed stock value of the group
    # The replayed fill of the rows with history in the fit window and of the rows without.
    fill_seen: np.ndarray | None = None
    fill_new: np.ndarray | None = None
    # A class's own replayed fill before it was shrunk towards the pooled classes.
    own: np.ndarray | None = None
    # Each calibration replay's own fill (settings x model targets), newest first: how
    # far one replayed year moves from another at the same plan.
    by_replay: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True)
class Calibration:
    settings: tuple[Setting, ...]
    targets: tuple[float, ...]
    groups: dict[str, GroupCalibration]
    note: str = ""
    # Weight of each class's own replays in its calibration (the rest: all classes pooled).
    weights: dict[str, float] = field(default_factory=dict)

    def choose(self, target: float, group: str = "all") -> Choice:
        """The setting and model target predicted to reach `target` at the least value; the
        highest predicted fill when none reaches it."""
        cal = self.groups.get(group, self.groups["all"])
        fills = np.maximum.accumulate(cal.fill, axis=1)
        best: Choice | None = None
        best_value = np.inf
        for t, setting in enumerate(self.settings):
            got = fills[t]
            if got[-1] < target - 1e-12:
                continue
            j = int(np.searchsorted(got, target - 1e-12, side="left"))
            if j == 0:
                m, v = self.targets[0], cal.value[t, 0]
            else:
                w = (target - got[j - 1]) / max(got[j] - got[j - 1], 1e-12)
                m = self.targets[j - 1] + w * (self.targets[j] - self.targets[j - 1])
                v = cal.value[t, j - 1] + w * (cal.value[t, j] - cal.value[t, j - 1])
            if v < best_value:
                best, best_value = Choice(setting, float(m), float(target), True), v
        if best is not None or target <= 0:
            return best or Choice(self.settings[0], 0.0, float(target), True)
        # Out of reach: the last half point below the most the replays reached costs more
        # than all the rest (54 M instead of 11 M on the refinery), so stop short of it.
        highest = float(fills.max())
        near = self.choose(highest - UNREACHABLE_SLACK, group)
        return Choice(near.setting, near.model_target, near.predicted_fill, False)

    def replayed(self, choice: Choice, group: str = "all") -> tuple[float, ...]:
        """The fill each calibration replay gave `group` at `choice` (newest first; a
        class's own, before shrinkage): the spread between one year and another."""
        cal = self.groups.get(group, self.groups["all"])
        if choice.setting not in self.settings:
            return ()
        t = self.settings.index(choice.setting)
        return tuple(
            float(np.interp(choice.model_target, self.targets, np.maximum.accumulate(f[t])))
            for f in cal.by_replay
        )

    def achieved(self, setting: Setting, modelled_fill: float) -> float:
        """Store fill the replays predict when the modelled rows expect `modelled_fill`
        under `setting` (the calibration read backwards)."""
        t = self.settings.index(setting) if setting in self.settings else 0
        predicted = np.maximum.accumulate(self.groups["all"].fill[t])
        return float(np.interp(modelled_fill, self.targets, predicted))

    def setting_for_budget(self, budget: float) -> tuple[Setting, float]:
        """The setting predicted to serve most at a stock value of `budget`, and that fill."""
        cal = self.groups["all"]
        best = (self.settings[0], -1.0)
        for t, setting in enumerate(self.settings):
            order = np.argsort(cal.value[t])
            got = float(np.interp(budget, cal.value[t][order], cal.fill[t][order]))
            if got > best[1]:
                best = (setting, got)
        return best


def new_share(
    history: np.ndarray, prior: NewItemPrior | None, klass: np.ndarray, window: int
) -> dict[str, float]:
    """Expected share of the coming periods' demand from the rows with none in `history`,
    per group (the store, each class): their prior rate x mean pooled size x scale,
    against the other rows' mean over the last `window` periods."""
    seen = np.asarray((history > 0).any(axis=1))
    expected = history[:, -window:].mean(axis=1)
    if prior is not None:
        expected = np.where(seen, expected, prior.rate * prior.ratios.mean() * prior.scale)
    else:
        expected = np.where(seen, expected, 0.0)
    out = {}
    for g in GROUPS:
        m = np.ones(len(history), bool) if g == "all" else np.asarray(klass) == g
        total = float(expected[m].sum())
        out[g] = float(expected[m & ~seen].sum()) / total if total > 0 else 0.0
    return out


def _uncalibrated(note: str) -> Calibration:
    grid = np.asarray(MODEL_TARGETS)[None, :]
    identity = GroupCalibration(grid.copy(), np.zeros_like(grid))
    return Calibration(((0.0, None),), MODEL_TARGETS, {"all": identity}, note)


class StorePlanner:
    """Reorder points for every row of a store from its history, for a store fill
    target, a fill target per criticality class, or a budget of average stock value.

    Rows with no demand in the history are modelled from the store's pooled new-item
    demand and never go below `current` (0 when not given); without a prior (no silent
    item ever started) they keep `current`. Class A rows never go below a reorder point
    whose own expected fill is `critical_floor`.
    """

    def __init__(
        self,
        history: np.ndarray,
        lead: np.ndarray,
        qty: np.ndarray,
        price: np.ndarray,
        *,
        current: np.ndarray | None = None,
        klass: np.ndarray | None = None,
        critical_floor: float = 0.0,
        replay: int = 12,
        calibrate: bool = True,
    ) -> None:
        self.history = np.clip(np.nan_to_num(np.asarray(history, float)), 0.0, None)
        n = len(self.history)
        self.lead = np.asarray(lead, float)
        self.qty = np.maximum(np.nan_to_num(np.asarray(qty, float), nan=1.0), 1.0)
        self.price = np.nan_to_num(np.asarray(price, float))
        self.current = np.zeros(n) if current is None else np.nan_to_num(np.asarray(current))
        self.klass = np.full(n, "C", dtype=object) if klass is None else np.asarray(klass)
        self.floor = np.where(self.klass == "A", critical_floor, 0.0)
        self.seen: np.ndarray = np.asarray((self.history > 0).any(axis=1))
        self.scale = size_scale(self.current, self.qty)
        self.prior, self.modelled = self._prior(self.history)
        self.least = np.where(self.seen, 0.0, self.current)
        self._curves: dict[Setting, ServiceCurves] = {}
        periods = self.history.shape[1]
        if not calibrate:
            self.calibration = _uncalibrated("not calibrated: model targets used as given")
        elif periods < replay + MIN_FIT_PERIODS:
            self.calibration = _uncalibrated(
                f"{periods} periods of history: too few to replay {replay} (model targets used)"
            )
        else:
            self.calibration = self._calibrate(replay)

    def _prior(self, history: np.ndarray) -> tuple[NewItemPrior | None, np.ndarray]:
        """The new-item prior for a history, and the rows modelled with it."""
        seen: np.ndarray = np.asarray((history > 0).any(axis=1))
        prior = new_item_prior(history, self.scale, self.klass)
        if not prior.usable:
            return None, seen
        return prior, seen | (prior.rate > 0)

    def curves(self, setting: Setting) -> ServiceCurves:
        if setting not in self._curves:
            tail, half_life = setting
            self._curves[setting] = service_curves(
                self.history, self.lead, self.qty, tail=tail, half_life=half_life,
                samples=SAMPLES, prior=self.prior,
            )  # fmt: skip
        return self._curves[setting]

    def _greedy(
        self, curves: ServiceCurves, rows: np.ndarray, least: np.ndarray | None = None
    ) -> Greedy:
        least = self.least if least is None else least
        return Greedy(curves, self.price, floor=self.floor, rows=rows, least=least)

    def _calibrate(self, replay: int) -> Calibration:
        periods = self.history.shape[1]
        ends = [e for e in (periods, periods - replay) if e - replay >= MIN_FIT_PERIODS]
        shape = (len(SETTINGS), len(MODEL_TARGETS))
        # Served and demand apart for the rows with history in the fit window and the rows
        # without (modelled from the prior): their shares of demand differ between a
        # replay and the plan (the fewer months fitted, the more rows are silent). Store
        # targets are read from the store-wide policies ("all"), class targets from the
        # per-class policies: each class, and all classes pooled.
        sums = {(g, p): FillSums.zeros(shape) for g in (*GROUPS, POOLED) for p in POPULATIONS}
        value = {g: np.zeros(shape) for g in GROUPS}
        member = {"all": np.ones(len(self.history), bool)} | {k: self.klass == k for k in CLASSES}
        shares, per_end = [], []
        for end in ends:
            fit, test = self.history[:, : end - replay], self.history[:, end - replay : end]
            prior, modelled = self._prior(fit)
            seen = (fit > 0).any(axis=1)
            least = np.where(seen, 0.0, self.current)
            pop = {"seen": seen, "new": ~seen}
            actual = {
                g: float(test[m & ~seen].sum() / max(test[m].sum(), 1e-12))
                for g, m in member.items()
            }
            shares.append((new_share(fit, prior, self.klass, replay), actual))
            policies = []
            for tail, half_life in SETTINGS:
                curves = service_curves(
                    fit, self.lead, self.qty, tail=tail, half_life=half_life,
                    samples=SAMPLES, prior=prior,
                )  # fmt: skip
                shared = hulls(curves, self.price, floor=self.floor, least=least,
                               rows=np.flatnonzero(modelled))  # fmt: skip
                greedy = {
                    g: Greedy(curves, self.price, rows=rows, shared=shared)
                    for g, rows in ((g, np.flatnonzero(modelled & member[g])) for g in GROUPS)
                }
                for target in MODEL_TARGETS:
                    by_class = greedy["all"].start.copy()
                    for k in CLASSES:
                        rows = greedy[k].rows
                        by_class[rows] = greedy[k].at_fill(target).index[rows]
                    for index in (greedy["all"].at_fill(target).index, by_class):
                        s = np.where(modelled, np.maximum(curves.pick(index), least), self.current)
                        policies.append(s)
            got_served, got_value = replay_policies(test, np.stack(policies), self.qty,
                                                    self.lead, self.price)  # fmt: skip
            # Policies were stacked settings x model targets x (store-wide, per class).
            got_served = got_served.reshape(*shape, 2, -1)
            got_value = got_value.reshape(*shape, 2, -1)
            demand = test.sum(axis=1)
            this = {key: FillSums.zeros(shape) for key in sums}
            for g, m in (*member.items(), (POOLED, member["all"])):
                col = 0 if g == "all" else 1
                if g in value:
                    value[g] += got_value[:, :, col, m].sum(axis=-1) / len(ends)
                for p, rows in pop.items():
                    this[g, p].add(got_served[:, :, col, m & rows], demand[m & rows])
            per_end.append(this)
        for key in sums:
            for this in per_end:
                sums[key].extend(this[key])
        # The plan's own share of demand from rows without history, expected as the
        # replays' shares were predicted (the prior's rate x size, the rest at their mean).
        prior, _ = self._prior(self.history)
        share = new_share(self.history, prior, self.klass, replay)
        # The estimate is corrected, per group, by what it missed in the replays (actual /
        # expected share); the store's correction for a group never expected any.
        bias: dict[str, float] = {}
        for g in GROUPS:
            want, got = sum(a[g] for a, _ in shares), sum(b[g] for _, b in shares)
            bias[g] = got / want if want > 0 else bias.get("all", 1.0)
        share = {g: min(w * bias[g], 1.0) for g, w in share.items()}
        share[POOLED] = share["all"]
        mix = {
            g: mixed(sums[g, "seen"], sums[g, "new"], share[g])
            for g in (*GROUPS, POOLED)
            if sums[g, "seen"].demand + sums[g, "new"].demand > 0
        }
        own = {k: mix[k][0] for k in CLASSES if k in mix}
        noise = {k: mix[k][1] for k in CLASSES if k in mix}
        for k in noise:
            # The item-level variance misses what moves a whole class from one year to
            # the next; the replays' own disagreement about the class shows it.
            deviations = [
                mixed(e[k, "seen"], e[k, "new"], share[k])[0]
                - mixed(e[POOLED, "seen"], e[POOLED, "new"], share[POOLED])[0]
                for e in per_end
            ]
            noise[k] = np.maximum(noise[k], between_replays(deviations))
        shrunk, weights = shrink(own, noise, mix[POOLED][0]) if own else ({}, {})
        groups = {}
        for g in GROUPS:
            if g not in mix:
                continue
            fill = mix[g][0] if g == "all" else shrunk[g]
            years = tuple(
                mixed(e[g, "seen"], e[g, "new"], share[g])[0]
                for e in per_end
                if e[g, "seen"].demand + e[g, "new"].demand > 0
            )
            groups[g] = GroupCalibration(
                fill, value[g], sums[g, "seen"].fill(), sums[g, "new"].fill(), own=mix[g][0],
                by_replay=years,
            )  # fmt: skip
        replays = ", ".join(f"{a['all']:.0%} expected / {b['all']:.0%} replayed" for a, b in shares)
        note = (
            f"replayed {len(ends)} x {replay} periods of the history; rows without history "
            f"weighted to their expected share of the plan's demand, {share['all']:.0%} "
            f"(in the replays: {replays})"
        )
        if len(weights) > 1:
            note += "; each class's calibration mixed with the pooled one, weight of its own " + (
                ", ".join(f"{k} {w:.2f}" for k, w in weights.items())
            )
        return Calibration(SETTINGS, MODEL_TARGETS, groups, note, weights)

    def _finish(self, index: np.ndarray, curves: ServiceCurves) -> np.ndarray:
        return np.where(self.modelled, np.maximum(curves.pick(index), self.least), self.current)

    def for_fill(self, fill: float) -> tuple[np.ndarray, Choice]:
        """Least stock value for a store-wide fill rate."""
        choice = self.calibration.choose(fill)
        curves = self.curves(choice.setting)
        plan = self._greedy(curves, np.flatnonzero(self.modelled)).at_fill(choice.model_target)
        return self._finish(plan.index, curves), choice

    def for_classes(self, targets: dict[str, float]) -> tuple[np.ndarray, dict[str, Choice]]:
        """A store-wide fill target per criticality class (classes not named: the floor)."""
        base = self.curves(SETTINGS[0])
        s = self._finish(self._greedy(base, np.flatnonzero(self.modelled)).start, base)
        choices = {}
        for k, fill in targets.items():
            rows = np.flatnonzero(self.modelled & (self.klass == k))
            if not len(rows):
                continue
            choice = choices[k] = self.calibration.choose(fill, k)
            curves = self.curves(choice.setting)
            plan = self._greedy(curves, rows).at_fill(choice.model_target)
            s[rows] = self._finish(plan.index, curves)[rows]  # as the replays did
        return s, choices

    def for_budget(self, budget: float) -> tuple[np.ndarray, Allocation, float]:
        """Most fill for an average stock value; the rows kept at their current reorder
        point count in it with what they hold. Returns the reorder points, the model's
        allocation and the fill the history's replay reached at that value."""
        setting, replayed = self.calibration.setting_for_budget(budget)
        curves = self.curves(setting)
        greedy = self._greedy(curves, np.flatnonzero(self.modelled))
        plan = greedy.at_budget(max(budget - self.kept_value(), 0.0))
        return self._finish(plan.index, curves), plan, replayed

    def kept_value(self) -> float:
        """Value held by the rows not modelled (no history, no prior) at their current
        reorder point: with no demand expected they keep what they start with."""
        held = np.where(self.modelled, 0.0, self.current + self.qty)
        return float((held * self.price).sum())
