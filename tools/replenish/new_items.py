"""What an item with no demand in its history is expected to do, pooled from the store's
own items that were silent and then started to be used.

Why a prior: on real plants much of next year's demand comes from items with none in the
history (14% of the refinery's replayed demand, 40% of its class A), and such an item's
own past says nothing. The store's history does: cut it at earlier months, and the items
silent before a cut show how often a silent item is used in the months after, and how
large its demands are in units of its order size (the larger of its current reorder point
and order quantity: the only item-specific scale a silent item has).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WINDOW = 12
MIN_FIT = 6
# Item-periods of the store-wide rate that a class's own rate is shrunk towards: a class
# with few silent items leans on the store rather than on a handful of them.
POOL_WEIGHT = 100.0


@dataclass(frozen=True)
class NewItemPrior:
    rate: np.ndarray  # per row: chance of a demand in a period, were the row silent
    scale: np.ndarray  # per row: the unit its demand sizes are drawn in
    ratios: np.ndarray  # pooled demand sizes / scale of silent items that started

    @property
    def usable(self) -> bool:
        return len(self.ratios) > 0 and bool((self.rate > 0).any())

    def part(self, rows: slice | np.ndarray) -> NewItemPrior:
        return NewItemPrior(self.rate[rows], self.scale[rows], self.ratios)


def size_scale(current: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """The unit of a silent item's demand: its current reorder point or order quantity,
    whichever is larger (at least 1)."""
    current, qty = np.nan_to_num(np.asarray(current, float)), np.nan_to_num(np.asarray(qty, float))
    return np.maximum(np.maximum(current, qty), 1.0)


def cuts(periods: int, window: int = WINDOW) -> list[int]:
    """Where the history is cut: every `window` periods back from the end while at least
    `MIN_FIT` periods precede the cut; the middle when the history is shorter."""
    found = list(range(periods - window, MIN_FIT - 1, -window))
    return found or ([periods // 2] if periods >= 2 else [])


def new_item_prior(
    history: np.ndarray, scale: np.ndarray, klass: np.ndarray, window: int = WINDOW
) -> NewItemPrior:
    """Per row, the rate of demand periods of the items of its class that were silent
    before a cut, over the `window` periods after it (shrunk towards the store's rate);
    sizes in units of `scale`, pooled over the store."""
    history = np.asarray(history, float)
    klass = np.asarray(klass)
    used: dict[object, float] = {}
    exposed: dict[object, float] = {}
    sizes = []
    positive = history > 0
    for t in cuts(history.shape[1], window):
        silent = ~positive[:, :t].any(axis=1)
        after = history[silent, t : t + window]
        for k in np.unique(klass[silent]):
            mine = klass[silent] == k
            used[k] = used.get(k, 0.0) + float((after[mine] > 0).sum())
            exposed[k] = exposed.get(k, 0.0) + float(after[mine].size)
        sizes.append((after / scale[silent][:, None])[after > 0])
    total_used, total_exposed = sum(used.values()), sum(exposed.values())
    store = total_used / total_exposed if total_exposed > 0 else 0.0
    rate = np.full(len(history), store)
    for k in used:
        rate[klass == k] = (used[k] + POOL_WEIGHT * store) / (exposed[k] + POOL_WEIGHT)
    ratios = np.concatenate(sizes) if sizes else np.zeros(0)
    return NewItemPrior(rate, np.asarray(scale, float), ratios)
