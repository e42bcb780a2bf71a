"""Expected fill rate and average stock of every candidate reorder point, per item, for a
periodic review (s, nQ) policy, from an item's own demand history (items x periods).

Why not the textbook condition "expected shortage per cycle <= (1 - fill) x Q" on the
lead-time demand plus an undershoot: replayed on real plants it over-protects items
whose demand it has seen (99.9% achieved for a 99% target) and still falls short overall,
because (a) with an order of n x Q whenever the position is at or below s, the position
after a review is spread over s+1 .. s+Q, not at s, and (b) a demand larger than any seen
before is not in a bootstrap of past sizes. Here:
- fill(s) is the exact periodic-review expression: shortage per period = the mean over
  positions y in s+1..s+Q of E(D[L+1] - y)+ - E(D[L] - y)+ (Hadley-Whitin), where D[k] is
  demand over k periods and L the lead time in periods;
- average stock(s) = the mean over y of E(y - D[L+1])+;
- demand sizes are resampled from the item's past sizes, except that a demand exceeds
  every one of the n seen before with probability 1/(n+1) (exchangeability), and then its
  size is the largest seen x a ratio drawn from the record ratios of the plant's own items
  (each time an item's demand beat its previous largest, new / previous largest).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockwise.tools.forecast.leadtime_stats import occurrence_probability
from stockwise.tools.replenish.new_items import NewItemPrior

N_SAMPLES = 1000
N_CANDIDATES = 64
# Beyond this many demands in one lead time, their sum is drawn from its normal
# approximation: exact enough, and memory stays flat for daily periods.
EXACT_DRAWS = 24
ROW_CHUNK = 512


@dataclass(frozen=True)
class ServiceCurves:
    """Per item (rows) and candidate reorder point (columns)."""

    reorder_point: np.ndarray  # candidate s, increasing along a row, 0 first
    fill: np.ndarray  # expected fill rate at s
    stock: np.ndarray  # expected average on hand (units) at s
    mean_demand: np.ndarray  # per period, per item
    lead_demand: np.ndarray  # mean demand over lead time + review, per item

    def value(self, price: np.ndarray) -> np.ndarray:
        return self.stock * np.asarray(price, float)[:, None]

    def for_target(self, target: np.ndarray | float) -> np.ndarray:
        """Index of the smallest candidate whose expected fill reaches the target (the
        largest candidate when none does)."""
        target = np.broadcast_to(np.asarray(target, float), (len(self.fill),))
        ok = self.fill >= target[:, None] - 1e-12
        return np.where(ok.any(axis=1), ok.argmax(axis=1), self.fill.shape[1] - 1)

    def at_least(self, reorder_point: np.ndarray) -> np.ndarray:
        """Index of the smallest candidate at or above each row's reorder point (the
        largest candidate when none is)."""
        ok = self.reorder_point >= np.asarray(reorder_point, float)[:, None] - 1e-9
        return np.where(ok.any(axis=1), ok.argmax(axis=1), self.reorder_point.shape[1] - 1)

    def pick(self, index: np.ndarray) -> np.ndarray:
        return self.reorder_point[np.arange(len(index)), index]

    def at(self, reorder_point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected fill and average stock (units) at any reorder points, one per row,
        interpolated between candidates (the last candidate beyond them)."""
        s = np.nan_to_num(np.asarray(reorder_point, float))
        xp = self.reorder_point
        rows, k = xp.shape
        r = np.arange(rows)
        # Candidates at or below s: interpolate from the last of them to the next one.
        j = np.clip((xp <= s[:, None]).sum(axis=1), 1, k - 1) if k > 1 else np.ones(rows, int)
        lo, hi = xp[r, j - 1], xp[r, min(k - 1, 1) * j]
        w = np.clip((s - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0, 1.0)

        def at(f: np.ndarray) -> np.ndarray:
            return f[r, j - 1] + w * (f[r, min(k - 1, 1) * j] - f[r, j - 1])

        # Beyond the largest candidate every extra unit stays on the shelf.
        return at(self.fill), at(self.stock) + np.maximum(s - xp[:, -1], 0.0)


def occurrence(history: np.ndarray, half_life: float | None = None) -> np.ndarray:
    """Recency-weighted share of periods with demand: the forecaster's weighting by
    default, or a given half-life in periods (a store whose use is falling needs a shorter
    one; the calibration replays decide)."""
    if half_life is None:
        return occurrence_probability(history)
    age = np.arange(history.shape[1])[::-1]
    weight = 0.5 ** (age / half_life)
    return np.clip((history > 0) @ weight / max(weight.sum(), 1e-12), 0.0, 1.0)


def record_ratios(history: np.ndarray) -> np.ndarray:
    """Every time a row's demand exceeded its previous largest: new size / previous largest."""
    positive = np.where(history > 0, history, 0.0)
    running = np.maximum.accumulate(positive, axis=1)
    previous = np.concatenate([np.zeros((len(history), 1)), running[:, :-1]], axis=1)
    beat = (positive > previous) & (previous > 0)
    return positive[beat] / previous[beat]


def _sizes(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    positive = history > 0
    order = np.argsort(~positive, axis=1, kind="stable")
    return np.take_along_axis(history, order, axis=1), positive.sum(axis=1)


def demand_samples(
    history: np.ndarray,
    periods: np.ndarray,
    ratios: np.ndarray,
    n: int = N_SAMPLES,
    seed: int = 0,
    tail: float = 1.0,
    half_life: float | None = None,
    prior: NewItemPrior | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Samples of demand over `periods` and over `periods` + 1 (rows x n each), given at
    least one demand over `periods` + 1, and the chance of that per row (see
    `_counts_given_some`). Rows with no demand in `history` draw from `prior` when given
    (else they have none, with chance 0)."""
    rng = np.random.default_rng(seed)
    rows = len(history)
    p = occurrence(history, half_life)
    sizes, n_sizes = _sizes(history)
    new = (n_sizes == 0) & (prior is not None and prior.usable)
    if prior is not None and new.any():
        p = np.where(new, prior.rate, p)
        pool_mean, pool_sd = prior.ratios.mean(), prior.ratios.std()
    largest = history.max(axis=1, initial=0.0)
    # A record needs a largest seen: rows drawing from the prior have none.
    record = np.where(new, 0.0, tail / (n_sizes + 1.0))
    safe_n = np.maximum(n_sizes, 1)
    periods = np.asarray(periods, float)
    count, extra, weight = _counts_given_some(rng, periods, p, n)
    blank = (n_sizes == 0) & ~new
    count[blank] = 0
    extra[blank] = False
    weight = np.where(blank, 0.0, weight)
    has_ratio = len(ratios) > 0

    def draw(cells: np.ndarray) -> np.ndarray:
        """One demand size for each of `cells` (flat indices into rows x n)."""
        r = cells // n
        m = len(cells)
        own = sizes[r, np.floor(rng.random(m) * safe_n[r]).astype(np.int64)]
        if prior is not None and new.any():
            pooled = prior.ratios[rng.integers(0, len(prior.ratios), size=m)] * prior.scale[r]
            own = np.where(new[r], pooled, own)
        if not has_ratio:
            return own
        beyond = largest[r] * ratios[rng.integers(0, len(ratios), size=m)]
        return np.where(rng.random(m) < record[r], beyond, own)

    # Only the demands that occur are drawn, then summed per sample: intermittent rows
    # (most months without demand) cost what they use, not rows x n x the largest count.
    exact = np.minimum(count, EXACT_DRAWS)
    cells = np.repeat(np.arange(rows * n), exact.ravel())
    total = np.bincount(cells, weights=draw(cells), minlength=rows * n).reshape(rows, n)
    over = count - exact
    if over.any():
        # The normal approximation for many demands: mean and spread of the item's sizes.
        mean = history.clip(0).sum(axis=1) / safe_n
        sd = np.sqrt(np.clip((history.clip(0) ** 2).sum(axis=1) / safe_n - mean**2, 0, None))
        if prior is not None and new.any():
            mean = np.where(new, pool_mean * prior.scale, mean)
            sd = np.where(new, pool_sd * prior.scale, sd)
        z = rng.standard_normal((rows, n))
        total += np.clip(over * mean[:, None] + np.sqrt(over) * sd[:, None] * z, 0.0, None)
    cover = total.copy()
    more = np.flatnonzero(extra)
    cover.ravel()[more] += draw(more)
    return total, cover, weight


def _counts_given_some(
    rng: np.random.Generator, periods: np.ndarray, p: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers of demands over `periods` and whether one more period has one (rows x n),
    drawn given that there is at least one demand over the whole cover, and the chance
    of that (per row). Why: the samples without demand add nothing to a shortage, and for
    a spare used a few times a year they are most of them; drawn given at least one
    demand, every sample explores the sizes, so the largest candidate reorder point (the
    largest sampled demand) reaches as far into the tail as several times as many
    unconditional samples would.

    The cover's trials in order: the extra period, the fraction of a period, the whole
    periods; the first with a demand is drawn from its conditional law, the ones after
    it freely."""
    rows = len(p)
    whole = np.floor(periods).astype(np.int64)
    q = 1.0 - p
    frac = (periods - whole) * p  # a fraction of a period (monthly periods have none)
    none = q ** (whole + 1) * (1.0 - frac)
    weight = np.clip(1.0 - none, 0.0, 1.0)
    u = rng.random((rows, n)) * weight[:, None]
    first_extra = u < p[:, None]
    first_frac = ~first_extra & (u < (p + q * frac)[:, None])
    in_whole = ~first_extra & ~first_frac & (whole > 0)[:, None] & (weight > 0)[:, None]
    # Within the whole periods: the first demand's period, by the geometric law's inverse.
    r, c = np.nonzero(in_whole)
    rest = (u[r, c] - (p + q * frac)[r]) / np.maximum(q * (1.0 - frac), 1e-300)[r]
    log_q = np.log(np.where((q > 0) & (q < 1), q, 0.5))[r]
    k = np.floor(np.log1p(-np.clip(rest, 0.0, 1.0 - 1e-12)) / log_q).astype(np.int64)
    k = np.clip(k, 0, np.maximum(whole - 1, 0)[r])
    after = np.repeat(whole[:, None], n, axis=1)
    after[r, c] = np.maximum(whole[r] - k - 1, 0)
    count = rng.binomial(after, np.broadcast_to(p[:, None], after.shape))
    count += in_whole
    # The fractional trial is free when the first demand came before it (the extra period).
    if frac.any():
        count += first_frac | (first_extra & (rng.random((rows, n)) < frac[:, None]))
    extra = first_extra
    return count, extra, weight


def _loss_moments(ordered: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E(D - y)+ and E[(D - y)+^2] / 2 at `points` (rows x k), from sorted samples."""
    rows, n = ordered.shape
    c1 = np.concatenate([np.zeros((rows, 1)), np.cumsum(ordered, axis=1)], axis=1)
    c2 = np.concatenate([np.zeros((rows, 1)), np.cumsum(ordered**2, axis=1)], axis=1)
    # One searchsorted for all rows: shift each row into its own band of the number line.
    band = float(max(ordered.max(initial=0.0), points.max(initial=0.0))) * 2.0 + 2.0
    shift = (np.arange(rows) * band)[:, None]
    flat = np.searchsorted((ordered + shift).ravel(), (points + shift).ravel(), side="right")
    below = flat.reshape(points.shape) - (np.arange(rows) * n)[:, None]
    r = np.arange(rows)[:, None]
    s1 = c1[:, -1:] - c1[r, below]
    s2 = c2[:, -1:] - c2[r, below]
    count = n - below
    loss = (s1 - count * points) / n
    half_square = (s2 - 2 * points * s1 + count * points**2) / (2 * n)
    return np.maximum(loss, 0.0), np.maximum(half_square, 0.0)


def _mean_loss(ordered: np.ndarray, s: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """Mean of E(D - y)+ over positions y = s+1 .. s+Q (exact for integer demand)."""
    q = qty[:, None]
    k = s.shape[1]
    # One pass over the sorted samples for both ends (s and s + Q).
    g, i = _loss_moments(ordered, np.concatenate([s, s + q], axis=1))
    return (i[:, :k] - i[:, k:] - (g[:, :k] - g[:, k:]) / 2.0) / q


def service_curves(
    history: np.ndarray,
    lead: np.ndarray,
    qty: np.ndarray,
    *,
    review: float = 1.0,
    ratios: np.ndarray | None = None,
    candidates: int = N_CANDIDATES,
    tail: float = 1.0,
    samples: int = N_SAMPLES,
    half_life: float | None = None,
    prior: NewItemPrior | None = None,
) -> ServiceCurves:
    """Expected fill and average stock at `candidates` reorder points per row, from 0 to
    the largest sampled demand over lead time + review. `lead`, `review` and the rows of
    `history` in the same periods; `ratios` default to the record ratios of `history`;
    rows without demand in `history` are modelled from `prior` when given."""
    history = np.clip(np.nan_to_num(np.asarray(history, float)), 0.0, None)
    lead = np.maximum(np.asarray(lead, float), 0.0)
    qty = np.maximum(np.nan_to_num(np.asarray(qty, float), nan=1.0), 1e-9)
    ratios = record_ratios(history) if ratios is None else np.asarray(ratios, float)
    rows = len(history)
    out = {k: np.zeros((rows, candidates)) for k in ("s", "fill", "stock")}
    mean, lead_mean = np.zeros(rows), np.zeros(rows)
    # Rows with no demand and none expected (no history, no prior rate): nothing to
    # sample. Their only candidate is 0, always filled, holding half an order on average.
    work = (history > 0).any(axis=1)
    if prior is not None and prior.usable:
        work |= prior.rate > 0
    out["fill"][~work] = 1.0
    out["stock"][~work] = ((qty[~work] + 1.0) / 2.0)[:, None]
    todo = np.flatnonzero(work)
    # Demand over the lead time, and over one more review period (the exposure).
    for start in range(0, len(todo), ROW_CHUNK):
        part = todo[start : start + ROW_CHUNK]
        d_lead, d_cover, some = demand_samples(
            history[part],
            lead[part] + review - 1.0,
            ratios,
            n=samples,
            seed=start,
            tail=tail,
            half_life=half_life,
            prior=None if prior is None else prior.part(part),
        )
        d_lead, d_cover = np.sort(d_lead, axis=1), np.sort(d_cover, axis=1)
        top = np.ceil(d_cover[:, -1])
        s = np.round(np.linspace(0.0, 1.0, candidates)[None, :] * top[:, None])
        # Samples are drawn given some demand over the cover (chance `some`): the fill
        # rate is a ratio of two expectations on the same samples, the chance cancels;
        # stock and demand are scaled back by it.
        mu = d_cover.mean(axis=1) - d_lead.mean(axis=1)
        cover_loss = _mean_loss(d_cover, s, qty[part])
        short = cover_loss - _mean_loss(d_lead, s, qty[part])
        fill = np.where(
            mu[:, None] > 0, 1.0 - np.maximum(short, 0.0) / np.maximum(mu, 1e-12)[:, None], 1.0
        )
        positions = s + (qty[part][:, None] + 1.0) / 2.0
        stock = positions + some[:, None] * (cover_loss - d_cover.mean(axis=1)[:, None])
        out["s"][part], out["fill"][part], out["stock"][part] = s, np.clip(fill, 0.0, 1.0), stock
        mean[part], lead_mean[part] = some * mu, some * d_cover.mean(axis=1)
    # More stock never serves less: sampling noise must not make a curve dip.
    fill = np.maximum.accumulate(out["fill"], axis=1)
    return ServiceCurves(out["s"], fill, np.maximum(out["stock"], 0.0), mean, lead_mean)


def reorder_points_for_targets(
    history: np.ndarray, lead: np.ndarray, qty: np.ndarray, targets, review: float = 1.0
) -> list[np.ndarray]:
    """The smallest reorder point per row whose expected fill reaches each target."""
    curves = service_curves(history, lead, qty, review=review)
    return [curves.pick(curves.for_target(t)) for t in targets]
