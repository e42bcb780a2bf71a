"""The demo plant's ledger left in PostgreSQL: every stock tool answers as it does in
memory (figures, ids, order), the database going away gives a clear message, and a ledger
that would not pass validation is loaded whole instead."""

from __future__ import annotations

import math
import uuid
from typing import get_type_hints

import pytest
import sqlalchemy as sa
from pg_server import URL as PG_SERVER  # tests/pg_server.py
from pg_server import needs_postgres

from stockwise.tools.core.errors import DatasetError, UnknownEntityError
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.load import READ_ON_FIRST_USE, load_dataset
from stockwise.tools.dataset.schema import OPEN_ORDER_STATUSES
from stockwise.tools.dataset.sql_ledger import check_ledger
from stockwise.tools.dataset.sql_write import write_dataset
from stockwise.tools.stock import (
    below_reorder_point,
    days_of_cover,
    demand,
    find_items,
    inventory_value,
    movements,
    on_hand,
    open_wip_orders,
    run_out_within,
    slow_moving_and_excess,
    stalled_orders,
    variance,
    wip_value,
)

pytestmark = [pytest.mark.postgres, needs_postgres]
ENGINE_URL = PG_SERVER.replace("postgresql://", "postgresql+psycopg://")


@pytest.fixture(scope="module")
def pg_demo(demo_dataset):
    """The demo plant written to a fresh schema, dropped afterwards."""
    schema = f"sw_ledger_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(ENGINE_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    try:
        write_dataset(demo_dataset, url)
        yield url, schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _ids(ds, table, column, where=None):  # type: ignore[no-untyped-def]
    frame = ds.tables[table]
    if where is not None:
        frame = frame[where(frame)]
    return sorted(frame[column].astype(str).unique())


def cases(ds):  # type: ignore[no-untyped-def]
    """(tool, arguments) covering every stock tool and the filters that reach the ledger."""
    mro = _ids(ds, "items", "item_id", lambda f: f["recorded_category"] == "mro")
    wip = _ids(ds, "items", "item_id", lambda f: f["recorded_category"] == "wip")
    busy = ds.transactions["item_id"].astype(str).value_counts().index[:3].tolist()
    sites = _ids(ds, "sites", "site_id")
    items = [*busy, mro[0], mro[len(mro) // 2], wip[0]]
    orders = ds.production_orders
    open_orders = orders[orders["status"].isin(OPEN_ORDER_STATUSES)]
    closed_order = orders.loc[~orders["status"].isin(OPEN_ORDER_STATUSES), "order_id"].iat[0]
    stage = ds.order_progress["stage"].iat[0].upper()
    out = [(find_items, {"query": "bearing"}), (find_items, {"query": mro[0]})]
    for item in items:
        out += [
            (on_hand, {"item": item}),
            (movements, {"item": item}),
            (movements, {"item": item, "start": "2024-01-01", "end": "2025-09-30", "limit": 50}),
            (movements, {"item": item, "site": sites[0], "txn_types": ["receipt"]}),
            (demand, {"item": item}),
            (demand, {"item": item, "site": sites[-1], "start": "2025-01-01"}),
            (days_of_cover, {"item": item}),
            (days_of_cover, {"item": item, "site": sites[0]}),
        ]
    for group in ({"category": "mro"}, {"category": "raw_material"}, {"mro_subtype": "spare_part"}):
        out += [
            (demand, {**group, "top": 50}),
            (demand, {**group, "site": sites[0], "start": "2024-10-01", "end": "2025-03-31"}),
        ]
    out += [
        (below_reorder_point, {"limit": 200}),
        (below_reorder_point, {"site": sites[0], "category": "mro"}),
        (run_out_within, {"within": 30, "limit": 200}),
        (run_out_within, {"within": "lead_time", "site": sites[-1]}),
        (inventory_value, {"by": "category"}),
        (inventory_value, {"by": "site", "category": "mro"}),
        (slow_moving_and_excess, {"limit": 100}),
        (slow_moving_and_excess, {"days": 30, "category": "mro"}),
        (variance, {"limit": 200}),
        (variance, {"site": sites[0], "min_abs_value": 10}),
        (open_wip_orders, {}),
        (open_wip_orders, {"site": sites[0], "limit": 500}),
        (open_wip_orders, {"stage": stage, "product": open_orders["product_item_id"].iat[0]}),
        (wip_value, {}),
        (wip_value, {"site": sites[-1], "limit": 500}),
        (wip_value, {"order": open_orders["order_id"].iat[0].lower()}),
        (wip_value, {"order": closed_order}),
        (stalled_orders, {}),
        (stalled_orders, {"factor": 1.5, "site": sites[0], "limit": 500}),
    ]
    return out


def _input(tool):  # type: ignore[no-untyped-def]
    return get_type_hints(tool)["args"]


def assert_same(a, b, path="result"):  # type: ignore[no-untyped-def]
    """Equal, except that sums of floats may differ in the last bits (the database adds in
    its own order); ids, counts, texts and order must match exactly."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), f"{path}: {a} != {b}"
    elif isinstance(a, dict) and isinstance(b, dict):
        assert list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: {len(a)} rows != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def test_every_stock_tool_answers_the_same_from_the_database(pg_demo, demo_dataset, tmp_path):
    url, _ = pg_demo
    from_db = load_dataset(url)
    assert from_db.ledger == url
    assert not from_db.tables.is_read("transactions")  # type: ignore[attr-defined]  # never read whole
    assert from_db.row_counts() == demo_dataset.row_counts()
    settings = Settings(data_dir=tmp_path)
    in_memory = ToolContext(dataset=demo_dataset, settings=settings)
    in_db = ToolContext(dataset=from_db, settings=settings)

    checked = 0
    for tool, arguments in cases(demo_dataset):
        args = _input(tool)(**arguments)
        expected = tool(in_memory, args).model_dump(mode="json")
        got = tool(in_db, args).model_dump(mode="json")
        assert_same(expected, got, f"{tool.__name__}({arguments})")
        checked += 1

    assert checked == 75
    assert not any(from_db.tables.is_read(name) for name in READ_ON_FIRST_USE)  # type: ignore[attr-defined]


def test_unknown_orders_and_stages_are_refused_alike(pg_demo, demo_dataset, tmp_path):
    from_db = load_dataset(pg_demo[0])
    settings = Settings(data_dir=tmp_path)
    contexts = [ToolContext(dataset=ds, settings=settings) for ds in (demo_dataset, from_db)]
    last = str(demo_dataset.production_orders["order_id"].iat[-1])
    messages = []
    for ctx in contexts:
        with pytest.raises(UnknownEntityError) as order:
            wip_value(ctx, _input(wip_value)(order=f"XX{last[-4:]}"))
        with pytest.raises(UnknownEntityError) as stage:
            open_wip_orders(ctx, _input(open_wip_orders)(stage="no such stage"))
        messages.append((str(order.value), str(stage.value)))

    assert messages[0] == messages[1]
    assert last in messages[0][0]  # the close ids are offered on both paths
    assert not from_db.tables.is_read("production_orders")  # type: ignore[attr-defined]


def test_variance_when_stock_levels_were_counted_at_different_times(pg_demo, tmp_path):
    url, schema = pg_demo
    engine = sa.create_engine(ENGINE_URL)
    copy = f"{schema}_asof"
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{copy}"'))
            names = sa.inspect(conn).get_table_names(schema=schema)
            for name in names:
                conn.execute(
                    sa.text(f'CREATE TABLE "{copy}"."{name}" AS TABLE "{schema}"."{name}"')
                )
            # A third of the counts taken 20 days earlier: their book balance stops there.
            conn.execute(
                sa.text(
                    f"UPDATE \"{copy}\".stock_levels SET as_of = as_of - interval '20 days' "
                    "WHERE hashtext(item_id) % 3 = 0"
                )
            )
        copy_url = f"{PG_SERVER}?options=-csearch_path%3D{copy}"
        from_db = load_dataset(copy_url)
        whole = load_dataset(copy_url, keep_ledger=False)
        assert from_db.ledger and not whole.ledger
        assert whole.stock_levels["as_of"].nunique() == 2
        settings = Settings(data_dir=tmp_path)
        for arguments in ({"limit": 500}, {"min_abs_value": 0}):
            args = _input(variance)(**arguments)
            expected = variance(ToolContext(dataset=whole, settings=settings), args)
            got = variance(ToolContext(dataset=from_db, settings=settings), args)
            assert expected.count > 0
            assert_same(expected.model_dump(mode="json"), got.model_dump(mode="json"))
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{copy}" CASCADE'))
        engine.dispose()


def test_a_tool_that_needs_every_movement_still_gets_them(pg_demo, demo_dataset):
    from_db = load_dataset(pg_demo[0])

    assert len(from_db.transactions) == len(demo_dataset.transactions)
    assert from_db.transactions["qty"].sum() == pytest.approx(
        demo_dataset.transactions["qty"].sum()
    )


def test_database_gone_mid_question_gives_a_message_not_a_figure(pg_demo, tmp_path):
    url = pg_demo[0]
    from_db = load_dataset(url)
    ctx = ToolContext(dataset=from_db, settings=Settings(data_dir=tmp_path))
    item = str(from_db.items["item_id"].iloc[0])
    on_hand(ctx, _input(on_hand)(item=item))  # the index is built, the server answered
    from stockwise.tools.stock.index import stock_index

    ledger = stock_index(from_db).sql
    assert ledger is not None
    ledger.engine.dispose()
    # The server is still there; the dataset now points at a port where nothing listens.
    ledger.engine = sa.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:9/test", connect_args={"connect_timeout": 2}
    )

    with pytest.raises(DatasetError, match="stopped answering while computing demand"):
        demand(ctx, _input(demand)(category="mro"))
    with pytest.raises(DatasetError, match="no figure was computed"):
        variance(ctx, _input(variance)())


def test_a_ledger_that_fails_validation_is_loaded_whole(pg_demo, demo_dataset):
    url, schema = pg_demo
    engine = sa.create_engine(ENGINE_URL)
    copy = f"{schema}_bad"
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{copy}"'))
        bad_url = f"{PG_SERVER}?options=-csearch_path%3D{copy}"
        write_dataset(demo_dataset, bad_url)
        with engine.begin() as conn:
            # A receipt with a negative quantity: strict validation refuses the dataset.
            conn.execute(
                sa.text(
                    f'UPDATE "{copy}".transactions SET qty = -qty WHERE txn_id = '
                    f"(SELECT min(txn_id) FROM \"{copy}\".transactions WHERE txn_type = 'receipt')"
                )
            )
        with pytest.raises(DatasetError, match="qty must be positive"):
            load_dataset(bad_url)
        with engine.begin() as conn:
            # The ledger made right, a stage with negative good quantity: the order tables
            # are read at open, so validation refuses the dataset as it does from files.
            conn.execute(
                sa.text(
                    f'UPDATE "{copy}".transactions SET qty = -qty WHERE qty < 0 '
                    "AND txn_type = 'receipt'"
                )
            )
            conn.execute(
                sa.text(
                    f'UPDATE "{copy}".order_progress SET qty_good = -1 WHERE order_id = '
                    f'(SELECT min(order_id) FROM "{copy}".order_progress WHERE qty_good > 0)'
                )
            )
        with pytest.raises(DatasetError, match="qty_good"):
            load_dataset(bad_url)
        progress_ok = check_ledger(bad_url, READ_ON_FIRST_USE)
        assert progress_ok.usable and "order_progress" not in progress_ok.rows
        with engine.begin() as conn:
            # A movement of an item the master data lacks: the ledger is read whole.
            conn.execute(
                sa.text(
                    f"UPDATE \"{copy}\".transactions SET item_id = 'NO-SUCH-ITEM' WHERE txn_id = "
                    f'(SELECT min(txn_id) FROM "{copy}".transactions)'
                )
            )
        unknown_item = check_ledger(bad_url, READ_ON_FIRST_USE)
        assert not unknown_item.usable
        assert "fail validation" in unknown_item.reason
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{copy}" CASCADE'))
        engine.dispose()
