"""SAP Plant Maintenance counters and plans onto `equipment_usage`, `pm_plans` and
`pm_plan_parts`.

- Run hours: IMPTT (measuring points: POINT, MPOBJ the object it measures, "IE" + the
  equipment number; INDCT 'X' for a counter; MRNGU its unit) and IMRG (measurement
  documents: POINT, IDATE, RECDV the reading as entered, in RECDU, or READG in SI units,
  i.e. seconds for a time counter; CANCL 'X' when cancelled). The hours a counter ran
  between two readings are spread evenly over the days between them; a day holds at
  most 24 (more is a reading error, reported).
- Plans: MPLA (WARPL plan, WPTXT text), MMPT (its cycles: ZYKL1 length, ZEIEH unit; the
  first cycle is the plan's interval), MPOS (maintenance items: WARPL, EQUNR). The parts
  are the reservations (RESB: AUFNR, MATNR, BDMNG, XLOEK deletion flag) of the newest order
  the plan generated (AFIH-WARPL), which is what the next call will reserve again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap.tables import SapTable
from stockwise.tools.importers.values import to_date

# Units of a time-based cycle (MMPT-ZEIEH, German and English keys) -> days; hours -> a
# counter-based plan in run hours.
CYCLE_DAYS = {"TAG": 1, "D": 1, "DAY": 1, "WCH": 7, "WK": 7, "WO": 7, "MON": 30, "MO": 30,
              "JHR": 365, "JR": 365, "YR": 365, "A": 365}  # fmt: skip
HOUR_UNITS = {"H", "STD", "HR", "HRS"}
SECONDS_PER_HOUR = 3600.0


def run_hours(imptt: SapTable | None, imrg: SapTable | None, report: ImportReport) -> pd.DataFrame:
    """equipment_usage: one row per equipment and day, from its running-hours counter."""
    if imptt is None or imrg is None:
        return pd.DataFrame()
    points = pd.DataFrame({
        "point": imptt.ids("POINT"), "object": imptt.text("MPOBJ"),
        "counter": imptt.text("INDCT").str.upper().eq("X"),
        "unit": imptt.text("MRNGU").str.upper(),
    })  # fmt: skip
    hours_counter = points["counter"] & (points["unit"].isin(HOUR_UNITS) | points["unit"].eq(""))
    points = points[hours_counter & points["object"].str.startswith("IE")]
    points["equipment_id"] = points["object"].str[2:].str.lstrip("0").replace("", "0")
    points = points.drop_duplicates("point").set_index("point")["equipment_id"]
    cancelled = imrg.text("CANCL").str.upper().eq("X")
    report.dropped["measurement document cancelled (IMRG-CANCL)"] += int(cancelled.sum())
    readings = pd.DataFrame({
        "point": imrg.ids("POINT"), "date": to_date(imrg.text("IDATE")),
        "hours": _hours(imrg), "_file": imrg.frame["_file"], "_row": imrg.frame["_row"],
    })[~cancelled]  # fmt: skip
    readings["equipment_id"] = readings["point"].map(points)
    readings = readings.dropna(subset=["equipment_id", "date", "hours"])
    if readings.empty:
        return pd.DataFrame()
    rows = [_daily(group) for _, group in readings.groupby("point", sort=False)]
    usage = pd.concat(rows, ignore_index=True)
    over = usage["run_hours"] > 24
    report.guess("counter ran more than 24 h a day between two readings: capped at 24",
                 int(over.sum()))  # fmt: skip
    usage["run_hours"] = usage["run_hours"].clip(upper=24.0)
    report.note("run hours from IMRG counter readings, spread evenly over the days between "
                "two readings")  # fmt: skip
    # One counter per equipment: the first point's, when a machine has two.
    return usage.drop_duplicates(["equipment_id", "date"])


def _hours(imrg: SapTable) -> pd.Series:
    """The counter reading in hours: as entered (RECDV in RECDU) when the extract has it,
    else SAP's internal SI value (READG or CNTRR, seconds for a time counter)."""
    if imrg.has("RECDV"):
        entered = imrg.numbers("RECDV")
        unit = imrg.text("RECDU").str.upper()
        in_hours = unit.isin(HOUR_UNITS) | unit.eq("")
        si = imrg.numbers("READG" if imrg.has("READG") else "CNTRR") / SECONDS_PER_HOUR
        return entered.where(in_hours & entered.notna(), si)
    return imrg.numbers("READG" if imrg.has("READG") else "CNTRR") / SECONDS_PER_HOUR


def _daily(group: pd.DataFrame) -> pd.DataFrame:
    group = group.sort_values("date").drop_duplicates("date", keep="last")
    days, hours = group["date"].to_numpy(), group["hours"].to_numpy()
    out = []
    for start, end, ran in zip(days[:-1], days[1:], np.diff(hours), strict=True):
        span = pd.date_range(start, end, freq="D", inclusive="right")
        if len(span) and ran >= 0:  # a counter reset (negative) says nothing of the gap
            out.append(pd.DataFrame({"date": span, "run_hours": ran / len(span)}))
    if not out:
        return pd.DataFrame(columns=["equipment_id", "date", "run_hours", "_file", "_row"])
    frame = pd.concat(out, ignore_index=True)
    first = group.iloc[0]
    return frame.assign(equipment_id=first["equipment_id"], _file=first["_file"],
                        _row=first["_row"])  # fmt: skip


def plans(
    mpla: SapTable | None,
    mmpt: SapTable | None,
    mpos: SapTable | None,
    afih: SapTable | None,
    resb: SapTable | None,
    completed: pd.Series,
    report: ImportReport,
) -> dict[str, pd.DataFrame]:
    """pm_plans (and pm_plan_parts): `completed` is each maintenance order's completion
    date (AUFNR -> date), which dates a plan's last execution."""
    if mpla is None or mmpt is None or mpos is None:
        return {}
    cycles = pd.DataFrame({"plan_id": mmpt.ids("WARPL"), "length": mmpt.numbers("ZYKL1"),
                           "unit": mmpt.text("ZEIEH").str.upper(),
                           "counter": mmpt.numbers("ZAEHL").fillna(1)})  # fmt: skip
    cycles = cycles.sort_values("counter").drop_duplicates("plan_id")
    days = cycles["unit"].map(CYCLE_DAYS)
    hours = cycles["unit"].isin(HOUR_UNITS)
    cycles["interval_unit"] = np.where(hours, "run_hours", "days")
    cycles["interval"] = np.where(hours, cycles["length"], cycles["length"] * days)
    known = (days.notna() | hours) & (cycles["interval"] > 0)
    report.guess("maintenance plan cycle unit not known (ZEIEH): plan left out",
                 int((~known).sum()))  # fmt: skip
    cycles = cycles[known].set_index("plan_id")
    items = pd.DataFrame({"plan_id": mpos.ids("WARPL"), "equipment_id": mpos.ids("EQUNR"),
                          "_file": mpos.frame["_file"], "_row": mpos.frame["_row"]})  # fmt: skip
    items = items[items["equipment_id"] != ""].drop_duplicates("plan_id")
    texts = pd.Series(mpla.text("WPTXT").to_numpy(), index=mpla.ids("WARPL").to_numpy())
    items = items[items["plan_id"].isin(cycles.index) & items["plan_id"].isin(texts.index)]
    orders = _plan_orders(afih, completed)
    last_done = orders.dropna(subset=["done"]).groupby("plan_id")["done"].max()
    out = {"pm_plans": pd.DataFrame({
        "plan_id": items["plan_id"], "equipment_id": items["equipment_id"],
        "interval_unit": items["plan_id"].map(cycles["interval_unit"]),
        "interval": items["plan_id"].map(cycles["interval"]),
        "last_done_at": items["plan_id"].map(last_done),
        "description": items["plan_id"].map(texts[~texts.index.duplicated()]),
        "_file": items["_file"], "_row": items["_row"],
    })}  # fmt: skip
    report.note("maintenance plan interval from its first cycle (MMPT); a month = 30 days")
    if resb is not None and len(orders):
        out["pm_plan_parts"] = _plan_parts(resb, orders, set(items["plan_id"]), report)
    return out


def _plan_orders(afih: SapTable | None, completed: pd.Series) -> pd.DataFrame:
    if afih is None or not afih.has("WARPL"):
        return pd.DataFrame(columns=["order_id", "plan_id", "done"])
    orders = pd.DataFrame({"order_id": afih.ids("AUFNR"), "plan_id": afih.ids("WARPL")})
    orders = orders[orders["plan_id"] != ""]
    return orders.assign(done=orders["order_id"].map(completed))


def _plan_parts(
    resb: SapTable, orders: pd.DataFrame, plan_ids: set, report: ImportReport
) -> pd.DataFrame:
    # The newest order of each plan (SAP numbers orders upwards) holds the current kit.
    orders = orders[orders["plan_id"].isin(plan_ids)].copy()
    orders["_n"] = pd.to_numeric(orders["order_id"], errors="coerce")
    newest = orders.sort_values(["_n", "order_id"]).drop_duplicates("plan_id", keep="last")
    plan_of = newest.set_index("order_id")["plan_id"]
    deleted = resb.text("XLOEK").str.upper().eq("X")
    lines = pd.DataFrame({
        "plan_id": resb.ids("AUFNR").map(plan_of), "item_id": resb.ids("MATNR"),
        "qty": resb.numbers("BDMNG"), "_file": resb.frame["_file"], "_row": resb.frame["_row"],
    })[~deleted]  # fmt: skip
    lines = lines.dropna(subset=["plan_id"])
    bad = ~(lines["qty"] > 0)
    report.drop("reservation quantity BDMNG not > 0", resb.file,
                lines[bad].set_index("_row"), "qty")  # fmt: skip
    report.note("a plan's parts: the reservations (RESB) of the newest order it generated")
    return (
        lines[~bad]
        .groupby(["plan_id", "item_id"], as_index=False)
        .agg(qty=("qty", "sum"), _file=("_file", "first"), _row=("_row", "first"))
    )
