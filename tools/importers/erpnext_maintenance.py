"""ERPNext Job Cards and Asset Maintenance tasks onto `order_progress` and `pm_plans`.

Job Card (erpnext/manufacturing/doctype/job_card/job_card.json: work_order, operation,
sequence_id, status, actual_start_date, actual_end_date, total_completed_qty); Asset
Maintenance Task (erpnext/assets/doctype/asset_maintenance_task: parent is the Asset
Maintenance, named after its asset; maintenance_task, periodicity, last_completion_date);
Asset Maintenance Log (erpnext/assets/doctype/asset_maintenance_log: asset_maintenance,
task_name, maintenance_type, maintenance_status, due_date, completion_date, description):
each log is one maintenance job, so a work order, and the newest completed log of a task
dates the plan's last execution.
"""

from __future__ import annotations

import pandas as pd

from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.values import to_date, to_number

# Asset Maintenance Task periodicity -> days (a month as 30 days: a PM plan's interval
# is a count of days in the contract)
PERIODICITY_DAYS = {"Daily": 1, "Weekly": 7, "Monthly": 30, "Quarterly": 91,
                    "Half-yearly": 182, "Yearly": 365, "2 Yearly": 730,
                    "3 Yearly": 1095}  # fmt: skip


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series("", index=frame.index)


def job_card_progress(cards: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """One row per operation a work order has started; the routing's sequence_id when the
    export has it, else the export's order within the work order."""
    seq = to_number(_col(cards, "sequence_id"))
    by_order = cards.groupby("work_order", sort=False).cumcount() + 1
    seq = seq.where(seq > 0, by_order).astype(int)
    started = to_date(_col(cards, "actual_start_date"))
    reached = started.notna() & ~_col(cards, "status").eq("Cancelled")
    report.guess("job card not started: no progress row", int((~reached).sum()))
    done = _col(cards, "status").isin(["Completed", "Submitted"])
    out = pd.DataFrame({
        "order_id": cards["work_order"], "stage_seq": seq, "stage": cards["operation"],
        "started_at": started, "finished_at": to_date(_col(cards, "actual_end_date")).where(done),
        "qty_good": to_number(_col(cards, "total_completed_qty")).where(done),
        "_file": cards["_file"], "_row": cards["_row"],
    })  # fmt: skip
    return out[reached]


def maintenance_plans(tasks: pd.DataFrame, report: ImportReport) -> dict[str, pd.DataFrame]:
    active = ~_col(tasks, "maintenance_status").eq("Cancelled")
    tasks = tasks[active]
    days = _col(tasks, "periodicity").map(PERIODICITY_DAYS)
    file = str(tasks["_file"].iloc[0]) if len(tasks) else "Asset Maintenance Task.csv"
    unknown = tasks[days.isna()].set_index("_row")
    report.drop("maintenance task periodicity not known", file, unknown, "periodicity")
    tasks, days = tasks[days.notna()], days[days.notna()]
    report.note("maintenance task periodicity in days (a month = 30, a quarter = 91)")
    plans = pd.DataFrame({
        "plan_id": tasks["parent"] + ":" + tasks["maintenance_task"],
        "equipment_id": tasks["parent"], "interval_unit": "days", "interval": days,
        "last_done_at": to_date(_col(tasks, "last_completion_date")),
        "description": tasks["maintenance_task"],
        "_file": tasks["_file"], "_row": tasks["_row"],
    })  # fmt: skip
    return {"pm_plans": plans}


# Asset Maintenance Log -> the contract's work order type and status
LOG_TYPES = {"Preventive Maintenance": "preventive", "Calibration": "inspection"}
LOG_STATUS = {"Planned": "scheduled", "Overdue": "open", "Completed": "completed",
              "Cancelled": "cancelled"}  # fmt: skip


def maintenance_log(log: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """work_orders from Asset Maintenance Log rows. A log has no creation date in its
    export: its due date stands in (reported)."""
    due = to_date(_col(log, "due_date"))
    done = to_date(_col(log, "completion_date"))
    created = due.fillna(done)
    report.guess("maintenance log: created on its due date (the export has no creation date)",
                 int(created.notna().sum()))  # fmt: skip
    report.drop("maintenance log without a due or completion date", str(log["_file"].iloc[0]),
                log[created.isna()].set_index("_row"), "due_date")  # fmt: skip
    kind = _col(log, "maintenance_type").map(LOG_TYPES)
    report.guess("maintenance log type not Preventive Maintenance or Calibration: corrective",
                 int(kind.isna().sum()))  # fmt: skip
    status = _col(log, "maintenance_status").map(LOG_STATUS).fillna("open")
    text = _col(log, "description").where(_col(log, "description") != "", _col(log, "task_name"))
    out = pd.DataFrame({
        "wo_id": log["name"], "equipment_id": log["asset_maintenance"],
        "wo_type": kind.fillna("corrective"), "status": status, "created_at": created,
        "scheduled_for": due, "completed_at": done.where(status == "completed"),
        "description": text.replace("", None),
        "_file": log["_file"], "_row": log["_row"],
    })  # fmt: skip
    return out[created.notna()]


def last_done_from_log(plans: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """`plans` with last_done_at moved to the newest completed log of the same task, when
    that is later than the task's own last_completion_date."""
    completed = log[_col(log, "maintenance_status").eq("Completed")]
    done = to_date(_col(completed, "completion_date"))
    key = completed["asset_maintenance"] + ":" + _col(completed, "task_name")
    newest = done.groupby(key).max()
    logged = plans["plan_id"].map(newest)
    later = logged.notna() & ~(plans["last_done_at"] >= logged)
    return plans.assign(last_done_at=plans["last_done_at"].where(~later, logged))
