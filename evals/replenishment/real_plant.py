"""A real plant's demand replayed under the project's reorder points, the textbook's and
the plant's own Min/Max: `python -m evals.replenishment refinery --data DIR` (a folder
with `*_items.csv` and `*_demand.csv`), or `... plant --demand F --items F`.

Printed: the protocol, the bad input, the trade-off (achieved fill and average stock value
per target), the project's and textbook's stock value as a ratio of the plant's at the
plant's own achieved fill, the worst project / textbook ratio at any fill both reach, and
achieved vs target fill at 90/95/99% (overall and per criticality class).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from evals.replenishment.noise_band import Band, bootstrap_years, perfect_plan_band
from evals.replenishment.order_qty import quantity_report
from evals.replenishment.plant_files import PlantData, PlantFileError, problem_lines, read_plant
from evals.replenishment.replay import (
    CLASSES,
    Split,
    curves,
    ratio_text,
    replay,
    split,
    value_at,
    worst_ratio,
)
from stockwise.tools.replenish.cost_aware import StorePlanner

TARGETS = np.array(
    [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99,
     0.995, 0.999]
)  # fmt: skip
CALIBRATION = (0.90, 0.95, 0.99)
CALIBRATION_TOLERANCE = 0.02


# Critical (class A) items keep a reorder point whose own expected fill is at least this.
CRITICAL_FLOOR = 0.5


def planner_for(data: PlantData, cut: Split) -> StorePlanner:
    """The project's planner as `stockwise reorder` builds it: items with no demand in
    the fit window keep the plant's current reorder point (0 without one)."""
    return StorePlanner(
        cut.train, data.lead_months, cut.qty, data.price, klass=data.klass,
        current=data.plant_min if data.has_plant_policy else None,
        critical_floor=CRITICAL_FLOOR,
    )  # fmt: skip


def find_files(folder: Path) -> tuple[Path, Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise PlantFileError(
            f"{folder}: not a folder (give the folder with the items and demand files)"
        )
    demand = sorted(folder.glob("*demand*.csv"))
    items = sorted(folder.glob("*items*.csv"))
    if len(demand) != 1 or len(items) != 1:
        raise PlantFileError(
            f"{folder}: expected one *demand*.csv and one *items*.csv, found "
            f"{[p.name for p in demand]} and {[p.name for p in items]}"
        )
    return demand[0], items[0]


def benchmark(data: PlantData, name: str, chart: Path | None = None) -> pd.DataFrame:
    wall, cpu = time.perf_counter(), time.process_time()
    cut = split(data)
    planner = planner_for(data, cut)
    curve = curves(data, cut, TARGETS, lambda target: planner.for_fill(target)[0])
    took, took_cpu = time.perf_counter() - wall, time.process_time() - cpu
    classes = ", ".join(f"{k} {int((data.klass == k).sum())}" for k in CLASSES)
    print(f"{name}: {len(data.ids):,} items, {data.demand.shape[1]} months; "
          f"{int((cut.test.sum(axis=1) > 0).sum()):,} items with demand in the replay; "
          f"classes {classes}")  # fmt: skip
    print("protocol:")
    for line in cut.protocol(data):
        print(f"  {line}")
    print("bad input:" if data.problems else "bad input: none")
    for line in problem_lines(data):
        print(line)
    print(f"\ntrade-off, all targets and policies ({took:.1f} s wall, {took_cpu:.1f} s process; "
          "wall time is inflated on a shared machine)")  # fmt: skip
    shown = curve.copy()
    shown["average_value"] = shown["average_value"].map(lambda v: f"{v:,.0f}")
    # "-": no target (the plant's own policy) or no demand in the class.
    shown = shown.round(3).astype(object)
    print(shown.where(shown.notna(), "-").to_string(index=False))
    project = curve[curve.policy == "project"]
    textbook = curve[curve.policy == "textbook"]
    plant = curve[curve.policy == "plant Min/Max"]
    if len(plant):
        fill, value = float(plant.fill_rate.iloc[0]), float(plant.average_value.iloc[0])
        p, t = value_at(project, fill), value_at(textbook, fill)
        print(f"\nat the plant's achieved fill {fill:.1%} (plant's stock value {value:,.0f}):")
        print(f"  project  {_money(p)}  ratio to the plant {ratio_text(p, value)}")
        print(f"  textbook {_money(t)}  ratio to the plant {ratio_text(t, value)}")
    for level in (0.90, 0.95):
        p, t = value_at(project, level), value_at(textbook, level)
        print(f"at {level:.0%} achieved fill: project {_money(p)}, textbook {_money(t)}, "
              f"ratio {ratio_text(p, t)}")  # fmt: skip
    worst, where = worst_ratio(project, textbook)
    if worst is not None:
        print(f"highest project / textbook value ratio over the fill rates both reach: "
              f"{worst:.3f} (at {where:.1%})")  # fmt: skip
    calibration_report(data, cut, planner, project)
    if len(plant):
        quantity_report(data, cut, planner, planner_for, float(plant.fill_rate.iloc[0]))
    if chart is not None:
        from evals.replenishment.chart import value_fill_chart

        value_fill_chart(curve, chart, f"{name}: average stock value vs achieved fill")
        print(f"chart: {chart}")
    return curve


def calibration_report(data: PlantData, cut: Split, planner: StorePlanner, project) -> None:  # type: ignore[no-untyped-def]
    """Achieved vs target fill: a store-wide target, then the same target for each class."""
    points = CALIBRATION_TOLERANCE * 100
    print(f"\ncalibration (within {points:.0f} points?); tail weight, half-life and model "
          "target chosen on replays inside the fit window")  # fmt: skip
    print(f"  {planner.calibration.note}")
    present = [k for k in CLASSES if (data.klass == k).any()]
    band = noise_band(data, cut)
    # The least each class can get: every row at its floor (class A's critical floor,
    # rows without history at their current point). A target below it is over-met.
    floor, _ = planner.for_classes({})
    at_floor = replay(data, cut, floor)
    if len(present) > 1:
        got = at_floor
        parts = ", ".join(f"{k} {_percent(got[f'fill_{k}'])}" for k in present)
        print(f"  every class at its floor (class A's critical floor, rows without history "
              f"at their current point): {parts}; value {got['average_value']:,.0f}")  # fmt: skip
    for target in CALIBRATION:
        row = project[np.isclose(project.target, target)].iloc[0]
        choice = planner.calibration.choose(target)
        ok = verdict(row.fill_rate, target, at_floor["fill_rate"])
        print(f"  store target {target:.0%}: achieved {row.fill_rate:.1%} {ok}"
              f" (tail {choice.setting[0]:g}, half-life {choice.setting[1] or 'default'}, "
              f"model target {choice.model_target:.3f}"
              f"{'' if choice.reachable else ', not reached in the fit replay'}; "
              f"{_years(planner.calibration.replayed(choice))}); "
              f"{band.text('store', target, CALIBRATION_TOLERANCE)}")  # fmt: skip
        if len(present) > 1:
            rop, choices = planner.for_classes(dict.fromkeys(present, target))
            got = replay(data, cut, rop, noise=True)
            print(f"    each class at {target:.0%} (stock value {got['average_value']:,.0f}):")
            for k in present:
                if f"se_{k}" not in got or k not in choices:
                    print(f"      {k}: no demand in the replay or no row to plan")
                    continue
                fill, c = got[f"fill_{k}"], choices[k]
                mark = verdict(fill, target, at_floor[f"fill_{k}"])
                aim = "planned" if c.reachable else "out of reach, planned"
                years = _years(planner.calibration.replayed(c, k))
                top = int(got[f"top_{k}"])
                print(f"      {k} {fill:.1%} +- {got[f'se_{k}']:.1%} (items' own noise) {mark}; "
                      f"{aim} {c.predicted_fill:.1%}; {years}; largest item {data.ids[top]}: "
                      f"{got[f'top_share_{k}']:.0%} of the class's demand, filled "
                      f"{got[f'top_fill_{k}']:.0%}, the class without it "
                      f"{got[f'without_top_{k}']:.1%}; most lost by item "
                      f"{data.ids[int(got[f'worst_{k}'])]}, {got[f'worst_lost_{k}']:.1%} of the "
                      f"class's demand; lost in months larger than reorder point + order "
                      f"quantity: {got[f'lump_lost_{k}']:.1%} of it; "
                      f"{band.text(k, target, CALIBRATION_TOLERANCE)}")  # fmt: skip


def verdict(fill: float, target: float, floor_fill: float) -> str:
    """ "ok" within the band; a fill above it that the floors alone already exceed (every
    row at its floor serves more than target + band in the same replay) is the floor
    the issue asks for, not a calibration error, and is named as such; else "MISSED"."""
    if abs(fill - target) <= CALIBRATION_TOLERANCE:
        return "ok"
    if fill > target and floor_fill > target + CALIBRATION_TOLERANCE:
        return (
            f"over the band at the floors alone ({floor_fill:.1%}: no plan keeping them "
            "serves less)"
        )
    return "MISSED"


def noise_band(data: PlantData, cut: Split) -> Band:
    """The band of a perfect plan on this plant's items (see `noise_band`), printed with
    its law: what one replayed year can move a store or class by when the plan is right."""
    cpu = time.process_time()
    floor = np.where(data.klass == "A", CRITICAL_FLOOR, 0.0)
    band = perfect_plan_band(cut.train, bootstrap_years(cut.train), data.lead_months, cut.qty,
                             data.price, data.klass, CALIBRATION, floor=floor)  # fmt: skip
    print(f"  perfect plan, for scale: each item's months drawn independently from its "
          f"{cut.train.shape[1]} fitted months (items without demand there have none), "
          "reorder points planned on that law with the same floors and calibrated to this "
          f"protocol, {band.years} years replayed "
          f"({time.process_time() - cpu:.1f} s process)")  # fmt: skip
    return band


def _years(fills: tuple[float, ...]) -> str:
    """The calibration replays' fills at a plan: how far one year moves from another."""
    if not fills:
        return "no calibration replay"
    return "calibration years at this plan, newest first: " + " / ".join(f"{f:.1%}" for f in fills)


def _percent(fill: float) -> str:
    return "no demand in the replay" if np.isnan(fill) else f"{fill:.1%}"


def _money(value: float | None) -> str:
    return "not reached" if value is None else f"{value:,.0f}"


def refinery(folder: Path, chart: Path | None = None) -> pd.DataFrame:
    demand, items = find_files(folder)
    return benchmark(read_plant(demand, items), f"{Path(folder).name} ({items.name})", chart)


def plant(demand: Path, items: Path | None, chart: Path | None = None) -> pd.DataFrame:
    return benchmark(read_plant(demand, items), Path(demand).stem, chart)
