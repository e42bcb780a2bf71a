"""The tables of `shared/DATA_CONTRACT.md`, written down once as data.

Loaders, validators, the demo generator and the SQL writer all read these specs, so a
column is named, typed and constrained in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["id", "str", "int", "float", "date", "timestamp"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    required: bool = True
    choices: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    # "positive" = > 0, "nonzero" = != 0, "nonnegative" = >= 0
    rule: Literal["positive", "nonzero", "nonnegative"] | None = None


@dataclass(frozen=True)
class Reference:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    required_table: bool = True
    evaluation_only: bool = False
    extra_numeric: bool = field(default=False)  # equipment_usage: sensor columns are floats

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


CATEGORIES = ("raw_material", "wip", "finished_good", "mro")
MRO_SUBTYPES = ("spare_part", "consumable", "tool", "safety")
CRITICALITY = ("A", "B", "C")
SUPPLIER_TYPES = (
    "direct_material",
    "mro_distributor",
    "oem_spares",
    "service",
    "contract_manufacturer",
    "other",
)
REF_TYPES = (
    "purchase_order",
    "production_order",
    "work_order",
    "sales_order",
    "cycle_count",
    "transfer",
    "opening",
)
# txn_type -> the sign its qty must have (+1, -1, or 0 for "either")
TXN_SIGNS: dict[str, int] = {
    "receipt": +1,
    "production_output": +1,
    "transfer_in": +1,
    "issue_production": -1,
    "issue_maintenance": -1,
    "issue_sales": -1,
    "issue_other": -1,
    "transfer_out": -1,
    "scrap": -1,
    "return_to_vendor": -1,
    "adjustment": 0,
}
# The contract's definition of demand: these issues and nothing else.
DEMAND_TXN_TYPES = ("issue_production", "issue_maintenance", "issue_sales", "issue_other")
ORDER_STATUSES = ("planned", "released", "in_progress", "completed", "cancelled")
OPEN_ORDER_STATUSES = ("released", "in_progress")
WO_TYPES = ("preventive", "corrective", "predictive", "inspection")
WO_STATUSES = ("open", "scheduled", "in_progress", "completed", "cancelled")
INTERVAL_UNITS = ("days", "run_hours")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "sites",
            (Column("site_id", "id"), Column("name", "str")),
            key=("site_id",),
        ),
        Table(
            "suppliers",
            (
                Column("supplier_id", "id"),
                Column("name", "str"),
                Column("supplier_type", "str", choices=SUPPLIER_TYPES),
                Column("lead_time_days", "float", required=False, rule="nonnegative"),
            ),
            key=("supplier_id",),
        ),
        Table(
            "items",
            (
                Column("item_id", "id"),
                Column("description", "str"),
                Column("uom", "str"),
                Column("unit_cost", "float", rule="nonnegative"),
                Column("recorded_category", "str", required=False, choices=CATEGORIES),
                Column("mro_subtype", "str", required=False, choices=MRO_SUBTYPES),
                Column("supplier_id", "id", required=False),
                Column("lead_time_days", "float", required=False, rule="nonnegative"),
                Column("criticality", "str", required=False, choices=CRITICALITY),
            ),
            key=("item_id",),
            references=(Reference("supplier_id", "suppliers", "supplier_id"),),
        ),
        Table(
            "stock_levels",
            (
                Column("item_id", "id"),
                Column("site_id", "id"),
                Column("on_hand_qty", "float", rule="nonnegative"),
                Column("as_of", "timestamp"),
                Column("reorder_point", "float", required=False, rule="nonnegative"),
                Column("reorder_qty", "float", required=False, rule="nonnegative"),
                Column("safety_stock", "float", required=False, rule="nonnegative"),
            ),
            key=("item_id", "site_id"),
            references=(
                Reference("item_id", "items", "item_id"),
                Reference("site_id", "sites", "site_id"),
            ),
        ),
        Table(
            "transactions",
            (
                Column("txn_id", "id"),
                Column("ts", "timestamp"),
                Column("item_id", "id"),
                Column("site_id", "id"),
                Column("qty", "float", rule="nonzero"),
                Column("txn_type", "str", choices=tuple(TXN_SIGNS)),
                Column("ref_type", "str", required=False, choices=REF_TYPES),
                Column("ref_id", "id", required=False),
            ),
            key=("txn_id",),
            references=(
                Reference("item_id", "items", "item_id"),
                Reference("site_id", "sites", "site_id"),
            ),
        ),
        Table(
            "boms",
            (
                Column("parent_item_id", "id"),
                Column("component_item_id", "id"),
                Column("qty_per", "float", rule="positive"),
                Column("stage", "str", required=False),
            ),
            key=("parent_item_id", "component_item_id", "stage"),
            references=(
                Reference("parent_item_id", "items", "item_id"),
                Reference("component_item_id", "items", "item_id"),
            ),
            required_table=False,
        ),
        Table(
            "routings",
            (
                Column("product_item_id", "id"),
                Column("stage_seq", "int", min_value=1),
                Column("stage", "str"),
                Column("std_hours_per_unit", "float", rule="nonnegative"),
                Column("labor_rate", "float", rule="nonnegative"),
                Column("overhead_rate", "float", rule="nonnegative"),
            ),
            key=("product_item_id", "stage_seq"),
            references=(Reference("product_item_id", "items", "item_id"),),
            required_table=False,
        ),
        Table(
            "production_orders",
            (
                Column("order_id", "id"),
                Column("product_item_id", "id"),
                Column("site_id", "id"),
                Column("qty", "float", rule="positive"),
                Column("status", "str", choices=ORDER_STATUSES),
                Column("released_at", "timestamp", required=False),
                Column("due_date", "date", required=False),
                Column("completed_at", "timestamp", required=False),
            ),
            key=("order_id",),
            references=(
                Reference("product_item_id", "items", "item_id"),
                Reference("site_id", "sites", "site_id"),
            ),
            required_table=False,
        ),
        Table(
            "order_progress",
            (
                Column("order_id", "id"),
                Column("stage_seq", "int", min_value=1),
                Column("stage", "str"),
                Column("started_at", "timestamp"),
                Column("finished_at", "timestamp", required=False),
                Column("qty_good", "float", required=False, rule="nonnegative"),
                Column("qty_scrap", "float", required=False, rule="nonnegative"),
            ),
            key=("order_id", "stage_seq"),
            references=(Reference("order_id", "production_orders", "order_id"),),
            required_table=False,
        ),
        Table(
            "equipment",
            (
                Column("equipment_id", "id"),
                Column("name", "str"),
                Column("equipment_type", "str"),
                Column("site_id", "id"),
                Column("criticality", "str", required=False, choices=CRITICALITY),
            ),
            key=("equipment_id",),
            references=(Reference("site_id", "sites", "site_id"),),
            required_table=False,
        ),
        Table(
            "equipment_usage",
            (
                Column("equipment_id", "id"),
                Column("date", "date"),
                Column("run_hours", "float", min_value=0, max_value=24),
            ),
            key=("equipment_id", "date"),
            references=(Reference("equipment_id", "equipment", "equipment_id"),),
            required_table=False,
            extra_numeric=True,
        ),
        Table(
            "work_orders",
            (
                Column("wo_id", "id"),
                Column("equipment_id", "id"),
                Column("wo_type", "str", choices=WO_TYPES),
                Column("status", "str", choices=WO_STATUSES),
                Column("created_at", "timestamp"),
                Column("scheduled_for", "timestamp", required=False),
                Column("completed_at", "timestamp", required=False),
                Column("failure_code", "str", required=False),
                Column("description", "str", required=False),
            ),
            key=("wo_id",),
            references=(Reference("equipment_id", "equipment", "equipment_id"),),
            required_table=False,
        ),
        Table(
            "pm_plans",
            (
                Column("plan_id", "id"),
                Column("equipment_id", "id"),
                Column("interval_unit", "str", choices=INTERVAL_UNITS),
                Column("interval", "float", rule="positive"),
                Column("last_done_at", "timestamp", required=False),
                Column("description", "str", required=False),
            ),
            key=("plan_id",),
            references=(Reference("equipment_id", "equipment", "equipment_id"),),
            required_table=False,
        ),
        Table(
            "pm_plan_parts",
            (
                Column("plan_id", "id"),
                Column("item_id", "id"),
                Column("qty", "float", rule="positive"),
            ),
            key=("plan_id", "item_id"),
            references=(
                Reference("plan_id", "pm_plans", "plan_id"),
                Reference("item_id", "items", "item_id"),
            ),
            required_table=False,
        ),
        Table(
            "labels",
            (
                Column("item_id", "id"),
                Column("true_category", "str", choices=CATEGORIES),
                Column("true_mro_subtype", "str", required=False, choices=MRO_SUBTYPES),
                # Generator version 3 on: 1 for an item with a production and an upkeep use,
                # and the share of issued quantity that went to its dominant use.
                Column("dual_use", "float", required=False, min_value=0, max_value=1),
                Column("dominant_use_share", "float", required=False, min_value=0, max_value=1),
            ),
            key=("item_id",),
            required_table=False,
            evaluation_only=True,
        ),
        Table(
            "planted_anomalies",
            (
                Column("anomaly_id", "id"),
                Column("kind", "str"),
                Column("item_id", "id", required=False),
                Column("ref_id", "id", required=False),
                Column("detail", "str", required=False),
            ),
            key=("anomaly_id",),
            required_table=False,
            evaluation_only=True,
        ),
    ]
}

# Order in which tables load and write: every table after the ones it references.
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)
PRODUCT_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if not t.evaluation_only)
