"""Bills of materials as a graph: cycle detection and multi-level explosion."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from stockwise.tools.core.errors import StockwiseError


class BomCycleError(StockwiseError):
    """An item is its own component, directly or through other items."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        path = " -> ".join(cycle)
        super().__init__(
            f"the bills of materials loop: {path}. An item cannot be its own component; "
            f"fix the boms rows along this path (parent_item_id, component_item_id)"
        )


@dataclass(frozen=True)
class BomLine:
    component: str
    qty_per: float
    stage: str | None


def bom_lines(boms: pd.DataFrame) -> dict[str, list[BomLine]]:
    """parent item -> its BOM lines."""
    lines: dict[str, list[BomLine]] = defaultdict(list)
    for parent, component, qty, stage in boms[
        ["parent_item_id", "component_item_id", "qty_per", "stage"]
    ].itertuples(index=False):
        lines[parent].append(BomLine(component, float(qty), stage))
    return dict(lines)


def find_cycle(lines: dict[str, list[BomLine]]) -> list[str] | None:
    """A cycle as [a, b, ..., a], or None. Iterative depth-first search (BOMs can be deep)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in lines:
        if state.get(root):
            continue
        path = [root]
        stack = [iter(lines.get(root, []))]
        state[root] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            child = step.component
            if state.get(child) == 1:
                return path[path.index(child) :] + [child]
            if not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append(iter(lines.get(child, [])))
    return None


def check_acyclic(lines: dict[str, list[BomLine]]) -> None:
    cycle = find_cycle(lines)
    if cycle:
        raise BomCycleError(cycle)


def draw_requirements(
    lines: dict[str, list[BomLine]],
    item: str,
    need: float,
    available: dict[str, float],
    level: int = 1,
    path: str = "",
) -> list[tuple[str, float, int, str]]:
    """What `need` units of `item` take: a bought item is itself a requirement; a made item
    (one with a BOM) is drawn from `available` stock first (which this consumes) and the rest
    is exploded into its components, level by level. Returns (item, qty, level, path) rows.
    The caller has checked the BOM for cycles."""
    path = path or item
    if item not in lines:
        return [(item, need, level, path)]
    from_stock = min(need, max(available.get(item, 0.0), 0.0))
    available[item] = available.get(item, 0.0) - from_stock
    out = [(item, from_stock, level, path)] if from_stock > 0 else []
    rest = need - from_stock
    if rest > 1e-12:
        for line in lines[item]:
            out.extend(
                draw_requirements(
                    lines,
                    line.component,
                    rest * line.qty_per,
                    available,
                    level + 1,
                    f"{path} > {line.component}",
                )
            )
    return out
