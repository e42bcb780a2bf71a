"""A hand-made plant small enough to check maintenance-driven demand by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.dataset.model import Dataset

AS_OF = pd.Timestamp("2025-06-30 18:00")
DAY0 = pd.Timestamp("2024-07-01")


def hand_made_plant(
    *, usage_gaps: bool = False, seed: int = 3, pm_draws: float | None = None
) -> Dataset:
    rng = np.random.default_rng(seed)
    days = pd.date_range(DAY0, AS_OF.normalize() - pd.Timedelta(days=1), freq="D")
    usage = pd.DataFrame(
        [(eq, d, 10.0) for eq in ("E1", "E2") for d in days],
        columns=["equipment_id", "date", "run_hours"],
    )
    if usage_gaps:
        usage = usage.iloc[::3].reset_index(drop=True)  # two days in three missing
    wos, txns = [], []
    # Breakdowns of presses: one every 100 days per machine, each drawing 2 seals (4410).
    for k, day in enumerate(days[50::100]):
        for eq in ("E1", "E2"):
            wo = f"WO-C{k}{eq}"
            wos.append((wo, eq, "corrective", "completed", day, day))
            txns.append(
                (
                    f"T-{wo}",
                    day + pd.Timedelta(hours=9),
                    "4410",
                    "S1",
                    -2.0,
                    "issue_maintenance",
                    "work_order",
                    wo,
                )
            )
    # Optionally, P1's work orders on E1 (every 30 days up to 10 days ago), each drawing
    # `pm_draws` seals against a kit of 2.
    if pm_draws is not None:
        for k, day in enumerate(days[::-1][9::30]):
            wo = f"WO-P{k}"
            wos.append((wo, "E1", "preventive", "completed", day, day))
            txn = (day + pd.Timedelta(hours=11), "4410", "S1", -pm_draws)
            txns.append((f"T-{wo}", *txn, "issue_maintenance", "work_order", wo))
    # Lubricant (4490) issued at random, nothing to do with maintenance plans.
    for i, day in enumerate(days[rng.random(len(days)) < 0.2]):
        txns.append(
            (f"T-L{i}", day + pd.Timedelta(hours=10), "4490", "S1", -1.0, "issue_other", None, None)
        )
    txns.append(("T-OPEN", DAY0, "4410", "S1", 50.0, "adjustment", "opening", None))
    frames = {
        "sites": pd.DataFrame({"site_id": ["S1"], "name": ["Plant"]}),
        "suppliers": pd.DataFrame(
            {"supplier_id": ["V1"], "name": ["Seal Co"], "supplier_type": ["mro_distributor"]}
        ),
        "items": pd.DataFrame(
            {
                "item_id": ["4410", "4490", "4500"],
                "description": ["Hydraulic seal kit", "Lubricant oil", "Filter never used"],
                "uom": ["EA", "L", "EA"],
                "unit_cost": [120.0, 8.0, 15.0],
                "recorded_category": ["mro", "mro", "mro"],
                "lead_time_days": [30.0, 7.0, None],
            }
        ),
        "stock_levels": pd.DataFrame(
            {
                "item_id": ["4410", "4490", "4500"],
                "site_id": "S1",
                "on_hand_qty": [5.0, 20.0, 3.0],
                "as_of": AS_OF,
            }
        ),
        "transactions": pd.DataFrame(
            txns,
            columns=["txn_id", "ts", "item_id", "site_id", "qty", "txn_type", "ref_type", "ref_id"],
        ),
        "equipment": pd.DataFrame(
            {
                "equipment_id": ["E1", "E2"],
                "name": ["Press 1", "Press 2"],
                "equipment_type": "press",
                "site_id": "S1",
            }
        ),
        "equipment_usage": usage,
        "work_orders": pd.DataFrame(
            wos,
            columns=["wo_id", "equipment_id", "wo_type", "status", "created_at", "completed_at"],
        ),
        "pm_plans": pd.DataFrame(
            {
                "plan_id": ["P1", "P2", "P3"],
                "equipment_id": ["E1", "E2", "E1"],
                "interval_unit": ["days", "run_hours", "days"],
                "interval": [30.0, 300.0, 60.0],
                "last_done_at": [
                    AS_OF.normalize() - pd.Timedelta(days=10),
                    AS_OF.normalize() - pd.Timedelta(days=5),
                    None,
                ],
            }
        ),
        "pm_plan_parts": pd.DataFrame(
            {"plan_id": ["P1", "P2"], "item_id": ["4410", "4410"], "qty": [2.0, 1.0]}
        ),
    }
    return dataset_from_frames(frames, source="hand-made")
