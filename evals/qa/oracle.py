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
