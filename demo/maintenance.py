"""Equipment, daily run-hours and sensor readings, PM plans and their kits, and the work
orders that follow them.

Failures arrive as a Poisson process in run-hours (each type's failures per 1,000 hours),
so busy machines break more; the sensor drifts up in the days before a failure. PM work
orders follow their plan's interval in days or in run-hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ledger import DAY
from stockwise.demo.production import HOUR, Clock

_WORK_PROB = {"S1": (0.97, 0.25, 0.05), "S2": (0.98, 0.85, 0.3)}  # weekday, Saturday, Sunday


def build_equipment(scale: float) -> list[catalog.Equipment]:
    """The catalog's equipment; above scale 1, more of each kind, numbered on."""
    eqs = list(catalog.EQUIPMENT)
    if scale <= 1:
        return eqs
    top: dict[str, int] = {}
    groups: dict[tuple[str, str], list[catalog.Equipment]] = {}
    for eq in eqs:
        prefix, num = eq.equipment_id.rsplit("-", 1)
        top[prefix] = max(top.get(prefix, 0), int(num))
        groups.setdefault((prefix, eq.site_id), []).append(eq)
    for (prefix, _), members in groups.items():
        model = members[0]
        base_name = model.name.rsplit(" ", 1)[0]
        for _ in range(round(len(members) * (scale - 1))):
            top[prefix] += 1
            eid = f"{prefix}-{top[prefix]}"
            eqs.append(
                catalog.Equipment(
                    eid,
                    f"{base_name} {eid}",
                    model.equipment_type,
                    model.site_id,
                    model.criticality,
                )
            )
    return eqs


def run_hours(eqs: list[catalog.Equipment], rng: np.random.Generator, clock: Clock) -> np.ndarray:
    """Run-hours per equipment (rows) and day (columns)."""
    weekday = (clock.start.dayofweek + np.arange(clock.n_days)) % 7
    col = np.where(weekday < 5, 0, np.where(weekday == 5, 1, 2))
    prob = np.array([_WORK_PROB[eq.site_id] for eq in eqs])[:, col]
    mean = np.array([catalog.EQUIPMENT_TYPES[eq.equipment_type].hours_per_day for eq in eqs])
    mean = mean * rng.uniform(0.8, 1.15, len(eqs))
    hours = rng.normal(mean[:, None], 2.5, (len(eqs), clock.n_days))
    working = rng.random((len(eqs), clock.n_days)) < prob
    hours = np.round(np.clip(hours, 0.5, 24) * working, 1)
    # The last day ends at AS_OF (18:00).
    hours[:, -1] = np.minimum(hours[:, -1], 12.0)
    return hours


def failures(eqs, hours: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """(equipment index, day index) of every failure."""
    cum = np.cumsum(hours, axis=1)
    eq_idx, days = [], []
    for e, eq in enumerate(eqs):
        rate = catalog.EQUIPMENT_TYPES[eq.equipment_type].failures_per_1000h / 1000
        rate *= rng.uniform(0.6, 1.5)  # some machines are lemons
        k = int(cum[e, -1] * rate * 2) + 10
        marks = np.cumsum(rng.exponential(1 / rate, k))
        marks = marks[marks < cum[e, -1]]
        days.append(np.searchsorted(cum[e], marks, side="left"))
        eq_idx.append(np.full(len(marks), e))
    return np.concatenate(eq_idx), np.concatenate(days)


def usage_frame(eqs, hours, fail_eq, fail_day, rng, clock) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    n_eq, n_days = hours.shape
    base = rng.uniform(1.5, 3.5, n_eq)[:, None]
    vib = base + rng.normal(0, 0.25, hours.shape)
    temp_base = np.array(
        [
            {
                "oven": 215.0,
                "chiller": 7.0,
                "air_compressor": 82.0,
                "wave_soldering": 255.0,
                "reflow_oven": 240.0,
                "hydraulic_power_unit": 48.0,
                "test_stand": 45.0,
            }.get(eq.equipment_type, 40.0)
            for eq in eqs
        ]
    )[:, None]
    temp = temp_base * (1 + rng.normal(0, 0.015, hours.shape))
    # Degradation shows in the sensor over the ten days before a failure.
    for k in range(10):
        d = fail_day - k
        ok = d >= 0
        np.add.at(vib, (fail_eq[ok], d[ok]), 2.5 * (1 - k / 10))
        np.add.at(temp, (fail_eq[ok], d[ok]), 0.06 * temp_base[fail_eq[ok], 0] * (1 - k / 10))
    is_vib = np.array(
        [catalog.EQUIPMENT_TYPES[eq.equipment_type].sensor == "vibration_mm_s" for eq in eqs]
    )[:, None]
    running = hours > 0
    dates = clock.start.to_datetime64().astype("datetime64[D]") + np.arange(n_days)
    return pd.DataFrame(
        {
            "equipment_id": np.repeat([eq.equipment_id for eq in eqs], n_days),
            "date": np.tile(dates, n_eq),
            "run_hours": hours.ravel(),
            "vibration_mm_s": np.where(running & is_vib, np.round(vib, 2), np.nan).ravel(),
            "temperature_c": np.where(running & ~is_vib, np.round(temp, 1), np.nan).ravel(),
        }
    )


def corrective_orders(eqs, hours, fail_eq, fail_day, rng, clock) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    n = len(fail_eq)
    span = np.minimum(hours[fail_eq, fail_day], 16) * HOUR
    created = fail_day.astype(np.int64) * DAY + 6 * HOUR + (rng.random(n) * span).astype(np.int64)
    created = np.minimum(created, clock.as_of_s - 600)
    completed = created + (rng.lognormal(np.log(4), 0.7, n) * HOUR).astype(np.int64)
    codes, descs = [], []
    for e in fail_eq:
        eq = eqs[e]
        faults = catalog.EQUIPMENT_TYPES[eq.equipment_type].faults
        w = np.array([f.weight for f in faults])
        fault = faults[int(rng.choice(len(faults), p=w / w.sum()))]
        codes.append(fault.code)
        descs.append(f"{eq.equipment_id}: {fault.description}")
    done = completed <= clock.as_of_s
    return pd.DataFrame(
        {
            "equip": fail_eq,
            "wo_type": "corrective",
            "status": np.where(done, "completed", "in_progress"),
            "created_at": created,
            "scheduled_for": -1,
            "completed_at": np.where(done, completed, -1),
            "failure_code": codes,
            "description": descs,
            "plan_id": None,
        }
    )


def pm_orders(eqs, hours, rng, clock) -> tuple[pd.DataFrame, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """PM work orders and the plans they follow."""
    cum = np.cumsum(hours, axis=1)
    wos, plans = [], []
    for e, eq in enumerate(eqs):
        for t in catalog.PM_TEMPLATES:
            if t.equipment_type != eq.equipment_type:
                continue
            plan_id = f"PM-{eq.equipment_id}-{t.code}"
            if t.interval_unit == "days":
                due = (
                    rng.uniform(0, t.interval) + np.arange(0, clock.n_days + t.interval, t.interval)
                ).astype(np.int64)
            else:
                marks = rng.uniform(0, t.interval) + np.arange(
                    0, cum[e, -1] + t.interval, t.interval
                )
                due = np.searchsorted(cum[e], marks, side="left")
            due = due[: np.searchsorted(due, clock.n_days) + 1]  # history plus the next one
            sched = due * DAY + 8 * HOUR
            created = np.maximum(sched - (5 * DAY if t.interval_unit == "days" else 2 * HOUR), 0)
            lag = np.where(
                rng.random(len(due)) < 0.8,
                rng.uniform(2, 6, len(due)) * HOUR,
                rng.uniform(1, 12, len(due)) * DAY,
            ).astype(np.int64)
            completed = sched + lag
            keep = created <= clock.as_of_s
            done = completed <= clock.as_of_s
            status = np.where(
                done, "completed", np.where(sched > clock.as_of_s, "scheduled", "open")
            )
            wos.append(
                pd.DataFrame(
                    {
                        "equip": e,
                        "wo_type": "preventive",
                        "status": status[keep],
                        "created_at": created[keep],
                        "scheduled_for": sched[keep],
                        "completed_at": np.where(done, completed, -1)[keep],
                        "failure_code": None,
                        "description": f"PM {eq.equipment_id}: {t.description}",
                        "plan_id": plan_id,
                    }
                )
            )
            last = completed[done].max() if done.any() else -1
            plans.append(
                (plan_id, eq.equipment_id, t.interval_unit, float(t.interval), last, t.description)
            )
    plan_frame = pd.DataFrame(
        plans,
        columns=[
            "plan_id",
            "equipment_id",
            "interval_unit",
            "interval",
            "last_done_at",
            "description",
        ],
    )
    return pd.concat(wos, ignore_index=True), plan_frame


def plant_recent_breakdowns(eqs, clock: Clock) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Four recent breakdowns that each used a critical spare of CRITICAL_SHORT_ITEM_IDS, so
    its last-90-day demand outruns what is left on the shelf."""
    rows = []
    for item_id in catalog.CRITICAL_SHORT_ITEM_IDS:
        etype, fault = next(
            (t.code, f)
            for t in catalog.EQUIPMENT_TYPES.values()
            for f in t.faults
            if item_id in dict(f.parts)
        )
        fitting = [e for e, eq in enumerate(eqs) if eq.equipment_type == etype]
        for k, days_back in enumerate((80, 58, 37, 15)):
            e = fitting[k % len(fitting)]
            created = (clock.n_days - 1 - days_back) * DAY + 9 * HOUR
            rows.append(
                {
                    "equip": e,
                    "wo_type": "corrective",
                    "status": "completed",
                    "created_at": created,
                    "scheduled_for": -1,
                    "completed_at": created + 5 * HOUR,
                    "failure_code": fault.code,
                    "description": f"{eqs[e].equipment_id}: {fault.description}",
                    "plan_id": None,
                }
            )
    return pd.DataFrame(rows)
