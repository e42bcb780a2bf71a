"""The eval's oracle: the contract's definitions computed with plain pandas straight from
the dataset's files (never through `tools.*`), so a tool bug cannot hide in the answer key."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

ISSUES = ("issue_production", "issue_maintenance", "issue_sales", "issue_other")
ID_COLUMNS = {
    "item_id",
    "site_id",
    "supplier_id",
    "order_id",
    "txn_id",
    "product_item_id",
    "equipment_id",
    "ref_id",
    "wo_id",
    "plan_id",
    "anomaly_id",
    "component_item_id",
    "parent_item_id",
}


class Oracle:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def read(self, table: str) -> pd.DataFrame:
        for ext, reader in ((".csv", pd.read_csv), (".parquet", pd.read_parquet)):
            path = self.folder / f"{table}{ext}"
            if path.exists():
                df = (
                    reader(path, dtype={c: str for c in ID_COLUMNS})
                    if ext == ".csv"
                    else reader(path)
                )
                for col in ID_COLUMNS & set(df.columns):
                    df[col] = df[col].astype("string").astype(object)
                return df
        raise FileNotFoundError(f"no {table}.csv or {table}.parquet in {self.folder}")

    @cached_property
    def items(self) -> pd.DataFrame:
        return self.read("items")

    @cached_property
    def levels(self) -> pd.DataFrame:
        df = self.read("stock_levels")
        df["as_of"] = pd.to_datetime(df["as_of"])
        return df

    @cached_property
    def txns(self) -> pd.DataFrame:
        df = self.read("transactions")
        df["ts"] = pd.to_datetime(df["ts"], format="ISO8601")
        return df

    @cached_property
    def as_of(self) -> pd.Timestamp:
        return self.levels["as_of"].max()

    @cached_property
    def sites(self) -> pd.DataFrame:
        return self.read("sites")

    # --- definitions ---------------------------------------------------------------------
    def on_hand(self, item_id: str, site: str | None = None) -> float:
        lv = self.levels[self.levels["item_id"] == item_id]
        if site:
            lv = lv[lv["site_id"] == site]
        return float(lv["on_hand_qty"].sum())

    def value_of(self, item_id: str, site: str | None = None) -> float:
        cost = float(self.items.set_index("item_id").loc[item_id, "unit_cost"])
        return self.on_hand(item_id, site) * cost

    def demand(self, item_id: str, start: str, end: str, site: str | None = None) -> float:
        t = self.txns
        mask = (t["item_id"] == item_id) & t["txn_type"].isin(ISSUES)
        mask &= (t["ts"] >= pd.Timestamp(start)) & (
            t["ts"] < pd.Timestamp(end) + pd.Timedelta(days=1)
        )
        if site:
            mask &= t["site_id"] == site
        return float(-t.loc[mask, "qty"].sum())

    def avg_daily_demand(self, item_id: str) -> float:
        t = self.txns
        mask = (t["item_id"] == item_id) & t["txn_type"].isin(ISSUES)
        mask &= (t["ts"] > self.as_of - pd.Timedelta(days=90)) & (t["ts"] <= self.as_of)
        return float(-t.loc[mask, "qty"].sum()) / 90

    def days_of_cover(self, item_id: str) -> float:
        daily = self.avg_daily_demand(item_id)
        return self.on_hand(item_id) / daily if daily > 0 else float("inf")

    def below_reorder_point(
        self, site: str | None = None, criticality: str | None = None, category: str | None = None
    ) -> int:
        lv = self.levels.merge(self.items, on="item_id")
        lv = lv[lv["reorder_point"].notna() & (lv["on_hand_qty"] <= lv["reorder_point"])]
        if site:
            lv = lv[lv["site_id"] == site]
        if criticality:
            lv = lv[lv["criticality"] == criticality]
        if category:
            lv = lv[lv["recorded_category"] == category]
        return len(lv)

    def _lead_times(self) -> pd.Series:
        sup = self.read("suppliers").set_index("supplier_id")["lead_time_days"]
        items = self.items.set_index("item_id")
        return items["lead_time_days"].fillna(items["supplier_id"].map(sup))

    def run_out_within(
        self,
        within: float | str,
        category: str | None = None,
        mro_subtype: str | None = None,
        criticality: str | None = None,
    ) -> list:
        """Item ids whose days of cover (all sites) are below N days or their lead time."""
        items = self.items.set_index("item_id")
        keep = pd.Series(True, index=items.index)
        for col, val in (
            ("recorded_category", category),
            ("mro_subtype", mro_subtype),
            ("criticality", criticality),
        ):
            if val:
                keep &= items[col] == val
        t = self.txns
        recent = t[
            t["txn_type"].isin(ISSUES)
            & (t["ts"] > self.as_of - pd.Timedelta(days=90))
            & (t["ts"] <= self.as_of)
        ]
        daily = (-recent.groupby("item_id")["qty"].sum() / 90).reindex(items.index).fillna(0)
        on_hand = self.levels.groupby("item_id")["on_hand_qty"].sum().reindex(items.index)
        on_hand = on_hand.fillna(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            cover = np.where(daily > 0, on_hand / daily.where(daily > 0, 1), np.nan)
        cover = pd.Series(cover, index=items.index)
        horizon = (
            self._lead_times()
            if within == "lead_time"
            else pd.Series(float(within), index=items.index)
        )
        hit = keep & cover.notna() & horizon.notna() & (cover < horizon)
        return sorted(items.index[hit])

    def inventory_value(self, by: str | None = None, site: str | None = None) -> dict:
        lv = self.levels.merge(self.items, on="item_id")
        if site:
            lv = lv[lv["site_id"] == site]
        lv = lv.assign(value=lv["on_hand_qty"] * lv["unit_cost"])
        out = {"total": float(lv["value"].sum())}
        if by:
            col = {"category": "recorded_category", "site": "site_id", "supplier": "supplier_id"}[
                by
            ]
            out.update(lv.groupby(lv[col].fillna("unclassified"))["value"].sum().to_dict())
        return out

    def variances(self, site: str | None = None) -> pd.DataFrame:
        t = self.txns[self.txns["ts"] <= self.as_of]
        book = t.groupby(["item_id", "site_id"])["qty"].sum()
        lv = self.levels.set_index(["item_id", "site_id"])
        var = (lv["on_hand_qty"] - book.reindex(lv.index).fillna(0)).round(6)
        var = var[var != 0]
        df = var.rename("variance").reset_index()
        if site:
            df = df[df["site_id"] == site]
        return df

    def open_orders(self, site: str | None = None) -> pd.DataFrame:
        po = self.read("production_orders")
        po = po[po["status"].isin(["released", "in_progress"])]
        return po[po["site_id"] == site] if site else po

    def wip_value(self) -> float:
        po = self.open_orders()
        t = self.txns
        issued = t[(t["txn_type"] == "issue_production") & t["ref_id"].isin(po["order_id"])]
        issued = issued.merge(self.items[["item_id", "unit_cost"]], on="item_id")
        material = float(-(issued["qty"] * issued["unit_cost"]).sum())
        prog = self.read("order_progress")
        prog = prog[prog["order_id"].isin(po["order_id"]) & prog["finished_at"].notna()]
        prog = prog.merge(po[["order_id", "product_item_id"]], on="order_id")
        routing = self.read("routings")
        prog = prog.merge(routing, on=["product_item_id", "stage_seq"], suffixes=("", "_r"))
        conversion = float(
            (
                prog["qty_good"].fillna(0)
                * prog["std_hours_per_unit"]
                * (prog["labor_rate"] + prog["overhead_rate"])
            ).sum()
        )
        return material + conversion

    def planted(self, kind: str) -> pd.DataFrame:
        df = self.read("planted_anomalies")
        return df[df["kind"] == kind]

    def find(self, text: str) -> list[str]:
        """Item ids whose description holds every word of `text` (case-insensitive)."""
        desc = self.items["description"].str.lower()
        mask = pd.Series(True, index=self.items.index)
        for word in text.lower().split():
            mask &= desc.str.contains(word, regex=False)
        return list(self.items.loc[mask, "item_id"])

    def label(self, item_id: str) -> str:
        """The true category behind an item (labels.csv, evaluation-only)."""
        labels = self.read("labels").set_index("item_id")
        return str(labels.loc[item_id, "true_category"])

    def in_documents(self, text: str) -> list[str]:
        """`text` if some document file holds it, so an expected citation is real."""
        folder = self.folder / "documents"
        for path in folder.rglob("*"):
            if path.suffix not in (".md", ".txt") or not path.is_file():
                continue
            if text.lower() in path.read_text(encoding="utf-8", errors="ignore").lower():
                return [text]
        raise AssertionError(f"no document in {folder} mentions {text!r}")


# --- extensions for the blind set (evals/qa/blind/) ----------------------------------------
# Each is the data contract's definition (docs/data-contract.md, docs/json.md) or a plain
# fact of the files, computed with pandas; none calls `tools.*`.

CATEGORY_LABELS = ("raw_material", "wip", "finished_good", "mro")


class BlindOracle(Oracle):
    """The oracle with the computations the blind set needs. Every method returns plain
    numbers, strings or lists, so an expectation in the YAML can name it."""

    @cached_property
    def issues(self) -> pd.DataFrame:
        return self.txns[self.txns["txn_type"].isin(ISSUES)]

    @cached_property
    def today(self) -> pd.Timestamp:
        return self.as_of.normalize()

    def _days(self, start: str, end: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        """A period of whole days, both included: start 00:00 <= ts < end + 1 day."""
        return pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)

    def _item_mask(self, df: pd.DataFrame, category=None, mro_subtype=None, criticality=None):
        items = self.items.set_index("item_id")
        keep = pd.Series(True, index=items.index)
        for col, val in (
            ("recorded_category", category),
            ("mro_subtype", mro_subtype),
            ("criticality", criticality),
        ):
            if val:
                keep &= items[col] == val
        return df["item_id"].isin(items.index[keep])

    # on hand, value ---------------------------------------------------------------------
    def item_value(self, item_id: str, site: str | None = None) -> float:
        return round(self.value_of(item_id, site), 2)

    def uom(self, item_id: str) -> str:
        return str(self.items.set_index("item_id").loc[item_id, "uom"])

    def by_part_number(self, pn: str) -> list[str]:
        """Items whose description carries `P/N <pn>` (or ends with it), case-insensitive."""
        desc = self.items["description"].str.upper()
        pn = pn.upper()
        mask = desc.str.contains(rf"(?:P/N\s+|\s){pn}(?:\s|$|\))", regex=True)
        return sorted(self.items.loc[mask, "item_id"])

    # demand -----------------------------------------------------------------------------
    def group_demand(
        self,
        start: str,
        end: str,
        category: str | None = None,
        mro_subtype: str | None = None,
        site: str | None = None,
        criticality: str | None = None,
    ) -> float:
        lo, hi = self._days(start, end)
        t = self.issues
        mask = (
            (t["ts"] >= lo)
            & (t["ts"] < hi)
            & self._item_mask(t, category, mro_subtype, criticality)
        )
        if site:
            mask &= t["site_id"] == site
        return float(-t.loc[mask, "qty"].sum())

    def demand_last_days(self, item_id: str, days: int, site: str | None = None) -> float:
        """Demand over as_of - days < ts <= as_of (the contract's 90-day window, any length)."""
        t = self.issues
        mask = (t["item_id"] == item_id) & (t["ts"] > self.as_of - pd.Timedelta(days=days))
        mask &= t["ts"] <= self.as_of
        if site:
            mask &= t["site_id"] == site
        return float(-t.loc[mask, "qty"].sum())

    def top_consumer(self, start: str, end: str, category=None, mro_subtype=None, site=None) -> str:
        lo, hi = self._days(start, end)
        t = self.issues
        mask = (t["ts"] >= lo) & (t["ts"] < hi) & self._item_mask(t, category, mro_subtype)
        if site:
            mask &= t["site_id"] == site
        return str((-t.loc[mask].groupby("item_id")["qty"].sum()).idxmax())

    # movements --------------------------------------------------------------------------
    def _movements(self, item_id, start, end, site=None, txn_type=None) -> pd.DataFrame:
        lo, hi = self._days(start, end)
        t = self.txns
        mask = (t["item_id"] == item_id) & (t["ts"] >= lo) & (t["ts"] < hi)
        if site:
            mask &= t["site_id"] == site
        if txn_type:
            mask &= t["txn_type"] == txn_type
        return t[mask]

    def movement_count(self, item_id, start, end, site=None, txn_type=None) -> int:
        return len(self._movements(item_id, start, end, site, txn_type))

    def movement_net(self, item_id, start, end, site=None) -> float:
        return float(self._movements(item_id, start, end, site)["qty"].sum())

    def receipts_qty(self, item_id, start, end, site=None) -> float:
        return float(self._movements(item_id, start, end, site, "receipt")["qty"].sum())

    # reorder point ----------------------------------------------------------------------
    def below_rop_rows(self, site=None, criticality=None, category=None, mro_subtype=None):
        lv = self.levels.merge(self.items, on="item_id")
        lv = lv[lv["reorder_point"].notna() & (lv["on_hand_qty"] <= lv["reorder_point"])]
        for col, val in (
            ("site_id", site),
            ("criticality", criticality),
            ("recorded_category", category),
            ("mro_subtype", mro_subtype),
        ):
            if val:
                lv = lv[lv[col] == val]
        lv = lv.assign(
            shortfall=lv["reorder_point"] - lv["on_hand_qty"],
            crit_rank=(lv["criticality"] != "A").astype(int),
        )
        return lv.sort_values(["crit_rank", "shortfall"], ascending=[True, False])

    def below_rop_count(self, site=None, criticality=None, category=None, mro_subtype=None) -> int:
        return len(self.below_rop_rows(site, criticality, category, mro_subtype))

    def below_rop_first(self, site=None, criticality=None, category=None, mro_subtype=None):
        rows = self.below_rop_rows(site, criticality, category, mro_subtype)
        return str(rows.iloc[0]["item_id"])

    def below_rop_ids(self, site=None, criticality=None, category=None, mro_subtype=None):
        rows = self.below_rop_rows(site, criticality, category, mro_subtype)
        return sorted(set(rows["item_id"]))

    def reorder_point(self, item_id: str, site: str) -> float:
        lv = self.levels[(self.levels["item_id"] == item_id) & (self.levels["site_id"] == site)]
        return float(lv["reorder_point"].iloc[0])

    def lead_time(self, item_id: str) -> float:
        return float(self._lead_times().loc[item_id])

    # run-out ----------------------------------------------------------------------------
    def run_out_count(self, within, category=None, mro_subtype=None, criticality=None) -> int:
        return len(self.run_out_within(within, category, mro_subtype, criticality))

    def runs_out_within_lead_time(self, item_id: str) -> bool:
        return item_id in self.run_out_within("lead_time")

    # inventory value --------------------------------------------------------------------
    def value_total(self, site=None, category=None, mro_subtype=None, criticality=None) -> float:
        lv = self.levels.merge(self.items, on="item_id")
        if site:
            lv = lv[lv["site_id"] == site]
        if category:
            lv = lv[lv["recorded_category"].fillna("unclassified") == category]
        if mro_subtype:
            lv = lv[lv["mro_subtype"] == mro_subtype]
        if criticality:
            lv = lv[lv["criticality"] == criticality]
        return round(float((lv["on_hand_qty"] * lv["unit_cost"]).sum()), 2)

    def value_by(self, by: str, key: str, site=None) -> float:
        return round(float(self.inventory_value(by, site)[key]), 2)

    def value_share(self, by: str, key: str) -> float:
        """A group's share of the total value, in percent."""
        v = self.inventory_value(by)
        return 100 * v[key] / v["total"]

    # variance ---------------------------------------------------------------------------
    def _variance_values(self, site=None) -> pd.DataFrame:
        df = self.variances(site).merge(self.items[["item_id", "unit_cost"]], on="item_id")
        return df.assign(value=df["variance"] * df["unit_cost"])

    def variance_count(self, site=None) -> int:
        return len(self.variances(site))

    def variance_net_value(self, site=None) -> float:
        return round(float(self._variance_values(site)["value"].sum()), 2)

    def variance_abs_value(self, site=None) -> float:
        return round(float(self._variance_values(site)["value"].abs().sum()), 2)

    def variance_ids(self, site=None) -> list[str]:
        return sorted(set(self.variances(site)["item_id"]))

    def variance_of(self, item_id: str, site: str | None = None) -> float:
        df = self.variances(site)
        return float(df.loc[df["item_id"] == item_id, "variance"].sum())

    def largest_variance_item(self, site=None) -> str:
        df = self._variance_values(site)
        return str(df.loc[df["value"].abs().idxmax(), "item_id"])

    # WIP --------------------------------------------------------------------------------
    @cached_property
    def progress(self) -> pd.DataFrame:
        return self.read("order_progress")

    def open_orders_staged(self, site=None) -> pd.DataFrame:
        """Open orders with their current stage: the order_progress row with the highest
        stage_seq ("not started" when the order has none)."""
        po = self.open_orders(site)
        prog = self.progress[self.progress["order_id"].isin(po["order_id"])]
        cur = prog.sort_values("stage_seq").groupby("order_id").tail(1)
        po = po.merge(cur[["order_id", "stage", "stage_seq"]], on="order_id", how="left")
        return po.assign(stage=po["stage"].fillna("not started"))

    def open_order_count(self, site=None, stage=None, product=None) -> int:
        po = self.open_orders_staged(site)
        if stage:
            po = po[po["stage"] == stage]
        if product:
            po = po[po["product_item_id"] == product]
        return len(po)

    def open_order_ids(self, site=None, stage=None, product=None) -> list[str]:
        po = self.open_orders_staged(site)
        if stage:
            po = po[po["stage"] == stage]
        if product:
            po = po[po["product_item_id"] == product]
        return sorted(po["order_id"])

    def past_due_orders(self) -> list[str]:
        po = self.open_orders()
        due = pd.to_datetime(po["due_date"])
        return sorted(po.loc[due < self.today, "order_id"])

    def _wip_parts(self, order: str | None = None) -> tuple[float, float]:
        po = self.open_orders()
        if order:
            po = po[po["order_id"] == order]
        t = self.txns
        issued = t[(t["txn_type"] == "issue_production") & t["ref_id"].isin(po["order_id"])]
        issued = issued.merge(self.items[["item_id", "unit_cost"]], on="item_id")
        material = float(-(issued["qty"] * issued["unit_cost"]).sum())
        prog = self.progress[
            self.progress["order_id"].isin(po["order_id"]) & self.progress["finished_at"].notna()
        ]
        prog = prog.merge(po[["order_id", "product_item_id"]], on="order_id")
        routing = self.read("routings")
        prog = prog.merge(routing, on=["product_item_id", "stage_seq"], suffixes=("", "_r"))
        conversion = float(
            (
                prog["qty_good"].fillna(0)
                * prog["std_hours_per_unit"]
                * (prog["labor_rate"] + prog["overhead_rate"])
            ).sum()
        )
        return material, conversion

    def wip_total(self, order: str | None = None) -> float:
        m, c = self._wip_parts(order)
        return round(m + c, 2)

    def wip_material(self, order: str | None = None) -> float:
        return round(self._wip_parts(order)[0], 2)

    def wip_conversion(self, order: str | None = None) -> float:
        return round(self._wip_parts(order)[1], 2)

    def wip_total_site(self, site: str) -> float:
        return round(sum(self.wip_total(o) for o in self.open_orders(site)["order_id"]), 2)

    def largest_wip_order(self) -> str:
        orders = self.open_orders()["order_id"]
        return max(orders, key=lambda o: self.wip_total(o))

    def stalled(self, factor: float = 3.0) -> list[str]:
        """Open orders whose current (unfinished) stage has lasted more than `factor` times
        the median duration of finished rows of the same product and stage (fewer than 3
        of those: of the same stage name)."""
        prog = self.progress.copy()
        prog["started_at"] = pd.to_datetime(prog["started_at"], format="ISO8601")
        prog["finished_at"] = pd.to_datetime(prog["finished_at"], format="ISO8601")
        po = self.read("production_orders")[["order_id", "product_item_id"]]
        prog = prog.merge(po, on="order_id")
        done = prog[prog["finished_at"].notna()]
        dur = (done["finished_at"] - done["started_at"]).dt.total_seconds() / 86400
        done = done.assign(days=dur)
        by_product = done.groupby(["product_item_id", "stage"])["days"].agg(["median", "count"])
        by_stage = done.groupby("stage")["days"].median()
        open_ids = set(self.open_orders()["order_id"])
        cur = prog[prog["order_id"].isin(open_ids)].sort_values("stage_seq")
        cur = cur.groupby("order_id").tail(1)
        cur = cur[cur["finished_at"].isna()]
        out = []
        for _, row in cur.iterrows():
            key = (row["product_item_id"], row["stage"])
            if key in by_product.index and by_product.loc[key, "count"] >= 3:
                typical = by_product.loc[key, "median"]
            else:
                typical = by_stage.get(row["stage"], np.nan)
            days = (self.as_of - row["started_at"]).total_seconds() / 86400
            if typical and days > factor * typical:
                out.append(row["order_id"])
        return sorted(out)

    def stalled_count(self, factor: float = 3.0) -> int:
        return len(self.stalled(factor))

    def order_stage(self, order: str) -> str:
        po = self.open_orders_staged()
        return str(po.set_index("order_id").loc[order, "stage"])

    # slow-moving and excess -------------------------------------------------------------
    def _stock_demand(self, days: int, category=None) -> pd.DataFrame:
        on_hand = self.levels.groupby("item_id")["on_hand_qty"].sum()
        items = self.items.set_index("item_id")
        df = items.join(on_hand.rename("on_hand"), how="inner")
        if category:
            df = df[df["recorded_category"] == category]
        t = self.issues
        recent = t[(t["ts"] > self.as_of - pd.Timedelta(days=days)) & (t["ts"] <= self.as_of)]
        df["demand"] = (-recent.groupby("item_id")["qty"].sum()).reindex(df.index).fillna(0)
        return df

    def slow_ids(self, days: int = 180, category=None) -> list[str]:
        df = self._stock_demand(days, category)
        return sorted(df.index[(df["on_hand"] > 0) & (df["demand"] <= 0)])

    def slow_count(self, days: int = 180, category=None) -> int:
        return len(self.slow_ids(days, category))

    def slow_value(self, days: int = 180, category=None) -> float:
        df = self._stock_demand(days, category)
        df = df[(df["on_hand"] > 0) & (df["demand"] <= 0)]
        return round(float((df["on_hand"] * df["unit_cost"]).sum()), 2)

    def _excess(self, threshold: float = 365, category=None) -> pd.DataFrame:
        df = self._stock_demand(90, category)
        daily = df["demand"] / 90
        df = df.assign(daily=daily)
        df = df[df["daily"] > 0]
        df = df.assign(cover=df["on_hand"] / df["daily"])
        df = df[df["cover"] > threshold]
        excess_qty = df["on_hand"] - threshold * df["daily"]
        return df.assign(excess_qty=excess_qty, excess_value=excess_qty * df["unit_cost"])

    def excess_ids(self, threshold: float = 365, category=None) -> list[str]:
        return sorted(self._excess(threshold, category).index)

    def excess_count(self, threshold: float = 365, category=None) -> int:
        return len(self._excess(threshold, category))

    def excess_value(self, threshold: float = 365, category=None) -> float:
        return round(float(self._excess(threshold, category)["excess_value"].sum()), 2)

    # demand behaviour -------------------------------------------------------------------
    def monthly_demand(self, item_id: str) -> pd.Series:
        t = self.issues[self.issues["item_id"] == item_id]
        months = pd.period_range(self.txns["ts"].min(), self.as_of, freq="M")
        s = (-t.groupby(t["ts"].dt.to_period("M"))["qty"].sum()).reindex(months, fill_value=0)
        return s

    def months_with_demand(self, item_id: str) -> int:
        return int((self.monthly_demand(item_id) > 0).sum())

    def months_in_history(self) -> int:
        return len(pd.period_range(self.txns["ts"].min(), self.as_of, freq="M"))

    def total_demand(self, item_id: str) -> float:
        return float(self.monthly_demand(item_id).sum())

    def demand_class(self, item_id: str) -> str:
        """Syntetos-Boylan on monthly buckets: ADI = months / months with demand, CV^2 of
        the non-zero monthly sizes; cut-offs 1.32 and 0.49."""
        s = self.monthly_demand(item_id)
        nz = s[s > 0]
        if len(nz) == 0:
            return "none"
        adi = len(s) / len(nz)
        cv2 = float((nz.std(ddof=0) / nz.mean()) ** 2) if len(nz) > 1 else 0.0
        if adi < 1.32:
            return "smooth" if cv2 < 0.49 else "erratic"
        return "intermittent" if cv2 < 0.49 else "lumpy"

    def demand_adi_cv2(self, item_id: str) -> tuple[float, float]:
        s = self.monthly_demand(item_id)
        nz = s[s > 0]
        adi = len(s) / max(1, len(nz))
        cv2 = float((nz.std(ddof=0) / nz.mean()) ** 2) if len(nz) > 1 else 0.0
        return adi, cv2

    # classification ---------------------------------------------------------------------
    def true_label(self, item_id: str) -> str:
        return self.label(item_id)

    def misfiled_ids(self) -> list[str]:
        """Items whose recorded category is set and differs from the true one."""
        lab = self.read("labels").set_index("item_id")["true_category"]
        rec = self.items.set_index("item_id")["recorded_category"]
        both = rec.notna()
        return sorted(rec.index[both & (rec != lab.reindex(rec.index))])

    def misfiled_or_blank_ids(self) -> list[str]:
        rec = self.items.set_index("item_id")["recorded_category"]
        return sorted(set(self.misfiled_ids()) | set(rec.index[rec.isna()]))

    def blank_category_count(self) -> int:
        return int(self.items["recorded_category"].isna().sum())

    def planted_ids(self, kind: str) -> list[str]:
        return sorted(set(self.planted(kind)["item_id"].dropna()))

    def planted_refs(self, kind: str) -> list[str]:
        return sorted(set(self.planted(kind)["ref_id"].dropna()))

    def recorded_category(self, item_id: str) -> str:
        v = self.items.set_index("item_id").loc[item_id, "recorded_category"]
        return "unclassified" if pd.isna(v) else str(v)

    # production needs, replenishment ----------------------------------------------------
    def open_order_components(self, site=None) -> list[str]:
        """Every component in the BOM of a product with an open order (what an open order
        can still need)."""
        po = self.open_orders(site)
        boms = self.read("boms")
        return sorted(
            set(boms.loc[boms["parent_item_id"].isin(po["product_item_id"]), "component_item_id"])
        )

    def bom_components(self, parent: str) -> list[str]:
        boms = self.read("boms")
        return sorted(set(boms.loc[boms["parent_item_id"] == parent, "component_item_id"]))

    def stocked_at(self, site: str) -> list[str]:
        return sorted(set(self.levels.loc[self.levels["site_id"] == site, "item_id"]))

    def ids_where(self, category=None, mro_subtype=None, criticality=None) -> list[str]:
        df = self.items
        return sorted(df.loc[self._item_mask(df, category, mro_subtype, criticality), "item_id"])

    def item_count(self, category=None, mro_subtype=None, criticality=None) -> int:
        return len(self.ids_where(category, mro_subtype, criticality))

    def order_product(self, order: str) -> str:
        po = self.read("production_orders").set_index("order_id")
        return str(po.loc[order, "product_item_id"])

    def descriptions(self) -> dict[str, str]:
        return dict(zip(self.items["item_id"], self.items["description"], strict=True))

    def misfiled_where(self, recorded: str | None = None, actual: str | None = None) -> list[str]:
        """Misfiled items (recorded category set and wrong), by recorded and true category."""
        lab = self.read("labels").set_index("item_id")["true_category"]
        rec = self.items.set_index("item_id")["recorded_category"]
        out = []
        for item in self.misfiled_ids():
            if recorded and rec.loc[item] != recorded:
                continue
            if actual and lab.loc[item] != actual:
                continue
            out.append(item)
        return out

    def bom_explosion(self, parents: list[str]) -> list[str]:
        """Every component at any level below `parents`."""
        boms = self.read("boms")
        children = boms.groupby("parent_item_id")["component_item_id"].apply(set).to_dict()
        seen: set[str] = set()
        todo = list(parents)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return sorted(seen)

    def open_order_needs(self, site: str | None = None, order: str | None = None) -> list[str]:
        """Components (any BOM level) of the products of open orders."""
        po = self.open_orders(site)
        if order:
            po = po[po["order_id"] == order]
        return self.bom_explosion(sorted(set(po["product_item_id"])))

    def stage_counts(self, site: str | None = None) -> dict[str, int]:
        return self.open_orders_staged(site)["stage"].value_counts().to_dict()

    def days_at_stage(self, order: str) -> float:
        prog = self.progress[self.progress["order_id"] == order].sort_values("stage_seq")
        started = pd.to_datetime(prog["started_at"].iloc[-1], format="ISO8601")
        return round((self.as_of - started).total_seconds() / 86400, 1)

    def items_in_group(self, category=None, mro_subtype=None, criticality=None, site=None):
        ids = set(self.ids_where(category, mro_subtype, criticality))
        if site:
            ids &= set(self.stocked_at(site))
        return sorted(ids)

    def issued_by_type(self, item_id: str, start: str, end: str, txn_type: str) -> float:
        """Quantity issued by one issue type (e.g. issue_maintenance) over whole days."""
        return -self.movement_net_of_type(item_id, start, end, txn_type)

    def movement_net_of_type(self, item_id: str, start: str, end: str, txn_type: str) -> float:
        return float(self._movements(item_id, start, end, None, txn_type)["qty"].sum())

    def avg_daily(self, item_id: str, start: str, end: str) -> float:
        """Demand over whole days start..end, divided by the number of days."""
        days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
        return self.demand(item_id, start, end) / days

    def wip_by_order(self) -> pd.DataFrame:
        """Material, conversion and total WIP value of each open order (rounded to cents)."""
        po = self.open_orders()
        t = self.txns
        issued = t[(t["txn_type"] == "issue_production") & t["ref_id"].isin(po["order_id"])]
        issued = issued.merge(self.items[["item_id", "unit_cost"]], on="item_id")
        material = (-(issued["qty"] * issued["unit_cost"])).groupby(issued["ref_id"]).sum()
        prog = self.progress[
            self.progress["order_id"].isin(po["order_id"]) & self.progress["finished_at"].notna()
        ]
        prog = prog.merge(po[["order_id", "product_item_id"]], on="order_id")
        routing = self.read("routings")
        prog = prog.merge(routing, on=["product_item_id", "stage_seq"], suffixes=("", "_r"))
        conv = prog["qty_good"].fillna(0) * prog["std_hours_per_unit"]
        conv = (conv * (prog["labor_rate"] + prog["overhead_rate"])).groupby(prog["order_id"]).sum()
        out = pd.DataFrame(index=po["order_id"])
        out["material"] = material.reindex(out.index).fillna(0)
        out["conversion"] = conv.reindex(out.index).fillna(0)
        out["total"] = out["material"] + out["conversion"]
        return out.round(2)
