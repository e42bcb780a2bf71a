"""PM schedules seen from an origin: fixed-calendar anchoring, completion lags, overdue jobs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.forecast.pm_schedule import (
    PlanSchedule,
    completion_lags,
    drawn_in_window,
    plan_schedule,
    plan_work_orders,
)

ORIGIN = pd.Timestamp("2025-06-15")
PLAN = pd.Series(
    {
        "plan_id": "P1",
        "equipment_id": "E1",
        "interval_unit": "days",
        "interval": 30.0,
        "last_done_at": pd.NaT,
        "description": "Nozzle change",
    }
)


def _wos(rows: list[tuple[str, str, str | None, str]]) -> pd.DataFrame:
    """(scheduled, completed or None, created, description) on E1, all preventive."""
    frame = pd.DataFrame(rows, columns=["scheduled_for", "completed_at", "created_at", "text"])
    return pd.DataFrame(
        {
            "wo_id": [f"W{i}" for i in range(len(frame))],
            "equipment_id": "E1",
            "wo_type": "preventive",
            "created_at": pd.to_datetime(frame["created_at"]),
            "scheduled_for": pd.to_datetime(frame["scheduled_for"]),
            "completed_at": pd.to_datetime(frame["completed_at"]),
            "description": frame["text"],
        }
    )


NO_USES = pd.DataFrame(columns=["equipment_id", "item_id", "day", "description"])


def test_a_late_service_does_not_push_a_fixed_schedule_back():
    wos = _wos(
        [
            ("2025-05-01 08:00", "2025-05-01 11:00", "2025-04-26", "PM E1: Nozzle change"),
            ("2025-05-31 08:00", "2025-06-09 10:00", "2025-05-26", "PM E1: Nozzle change"),
            ("2025-06-01 08:00", "2025-06-01 09:00", "2025-05-27", "PM E1: Belt check"),
        ]
    )
    mine = plan_work_orders(PLAN, wos)
    assert list(mine["wo_id"]) == ["W0", "W1"]  # the belt check is another plan's
    end = ORIGIN + pd.Timedelta(days=60)
    schedule = plan_schedule(PLAN, {"4460"}, NO_USES, mine, ORIGIN, end, hours=None)  # type: ignore[arg-type]
    # Done on 9 June, nine days late: the next one is still 30 days after 31 May.
    assert schedule.due == [pd.Timestamp("2025-06-30"), pd.Timestamp("2025-07-30")]
    assert schedule.overdue == []


def test_an_open_overdue_job_is_drawn_in_the_window():
    wos = _wos([("2025-06-12 08:00", None, "2025-06-07", "PM E1: Nozzle change")])
    end = ORIGIN + pd.Timedelta(days=20)
    schedule = plan_schedule(PLAN, {"4460"}, NO_USES, wos, ORIGIN, end, hours=None)  # type: ignore[arg-type]
    assert schedule.overdue == [pd.Timestamp("2025-06-12 08:00")]
    assert schedule.due == []  # the next, on 12 July, is beyond the 20 days
    # Three days late already: only the lags of 5 and 10 days are still possible.
    lags = np.array([0.1, 0.2, 5.0, 10.0])
    rng = np.random.default_rng(0)
    first_week = drawn_in_window(schedule, lags, ORIGIN, 0, 7, rng, 4000)
    assert 0.4 < first_week.mean() < 0.6  # drawn on day 1.7 (lag 5) or 6.7 (lag 10)
    assert drawn_in_window(schedule, lags, ORIGIN, 0, 20, rng, 4000).min() == 1


def test_completion_lags_turn_a_due_date_into_a_chance_of_each_period():
    schedule = PlanSchedule(due=[ORIGIN + pd.Timedelta(days=28)], overdue=[])
    lags = np.array([0.2] * 8 + [3.0, 6.0])
    rng = np.random.default_rng(1)
    this_month = drawn_in_window(schedule, lags, ORIGIN, 0, 30, rng, 10_000)
    next_month = drawn_in_window(schedule, lags, ORIGIN, 30, 60, rng, 10_000)
    assert abs(this_month.mean() - 0.8) < 0.03 and abs(next_month.mean() - 0.2) < 0.03
    assert set(drawn_in_window(schedule, np.zeros(0), ORIGIN, 0, 30, rng, 10)) == {1.0}


def test_completion_lags_are_read_from_completed_preventive_work_orders():
    wos = _wos(
        [
            ("2025-05-01 08:00", "2025-05-01 20:00", "2025-04-26", "x"),
            ("2025-05-31 08:00", "2025-06-09 08:00", "2025-05-26", "x"),
            ("2025-06-12 08:00", "2025-06-20 08:00", "2025-06-07", "x"),  # after the origin
        ]
    )
    assert completion_lags(wos, ORIGIN).tolist() == [0.5, 9.0]
