"""Batch work on a real Dask cluster (two worker processes on 127.0.0.1) gives exactly the
in-process figures, and a worker that dies mid-job has its block run again by Dask."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stockwise.tools.core.executor import (
    ExecutorError,
    LocalExecutor,
    block_rng,
    blocks,
    open_executor,
)
from stockwise.tools.core.settings import Settings


def test_blocks_cover_every_row_once_in_order():
    parts = blocks(10, 4)
    assert parts == [slice(0, 4), slice(4, 8), slice(8, 10)]
    assert blocks(0, 4) == []
    with pytest.raises(ValueError):
        blocks(3, 0)


def test_block_zero_keeps_the_jobs_seed_and_other_blocks_differ():
    assert block_rng(7, 0).random() == np.random.default_rng(7).random()
    assert block_rng(7, 1).random() != block_rng(7, 2).random()


def test_the_setting_names_the_executor():
    assert isinstance(open_executor(Settings().executor), LocalExecutor)
    with pytest.raises(ExecutorError, match="dask-local:2"):
        open_executor("dask-local:two")
    with pytest.raises(ExecutorError, match="not an executor"):
        open_executor("ray://127.0.0.1:10001")


def test_no_scheduler_is_a_clear_message():
    pytest.importorskip("distributed")
    with pytest.raises(ExecutorError, match="no Dask scheduler answers"):
        open_executor("dask://127.0.0.1:9")


@pytest.fixture(scope="module")
def cluster():
    """A real two-worker Dask cluster, one process per worker, as `dask-local:2` opens it."""
    pytest.importorskip("distributed")
    import cloudpickle

    # The workers cannot import this test module: ship its functions by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    executor = open_executor("dask-local:2")
    yield executor
    executor.close()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


# Small blocks, so the demo plant (1,217 MRO items, 2,245 item-site rows) makes several.
BLOCK = 256


@pytest.mark.slow  # a two-process cluster starts in 10-20 s on a loaded machine
def test_forecasting_every_mro_item_on_two_workers_equals_in_process(cluster, demo_dataset):
    from stockwise.tools.forecast.batch import forecast_all_mro
    from stockwise.tools.forecast.combined import load_forecast_data

    data = load_forecast_data(demo_dataset)
    assert "2 workers" in cluster.description
    local = forecast_all_mro(data, 90, progress=False, block_rows=BLOCK)
    remote = forecast_all_mro(data, 90, progress=False, block_rows=BLOCK, executor=cluster)
    assert len(local) > 3 * BLOCK
    pd.testing.assert_frame_equal(remote, local, check_exact=True)
    assert local["mean"].sum() > 0


@pytest.mark.slow
def test_planning_every_reorder_point_on_two_workers_equals_in_process(cluster, demo_dataset):
    from stockwise.tools.replenish.policy import plans_for_targets

    settings = Settings()
    local = plans_for_targets(demo_dataset, settings, [None, 0.9], block_rows=BLOCK)
    remote = plans_for_targets(
        demo_dataset, settings, [None, 0.9], block_rows=BLOCK, executor=cluster
    )
    for mine, theirs in zip(local, remote, strict=True):
        assert mine["recommended_reorder_point"].notna().sum() > BLOCK
        pd.testing.assert_frame_equal(theirs, mine, check_exact=True)


@pytest.mark.slow
def test_applying_the_classifier_on_two_workers_equals_in_process(cluster, demo_dataset, tmp_path):
    from stockwise.tools.classify.features import descriptions, item_features
    from stockwise.tools.classify.service import fit_for_dataset, predict_items

    features, texts = item_features(demo_dataset), descriptions(demo_dataset)
    model = fit_for_dataset(demo_dataset, tmp_path, features, texts)
    whole = predict_items(model, demo_dataset, features, texts, block_rows=len(features))
    remote = predict_items(model, demo_dataset, features, texts, executor=cluster, block_rows=BLOCK)
    assert len(whole) > 3 * BLOCK
    pd.testing.assert_frame_equal(remote, whole, check_exact=True)
    assert set(whole["source"]) == {"out_of_fold", "model"}


def _dies_on_first_attempt(block, *, marker: str, **shared):
    """forecast_block, except that the worker running block 2 first exits on the spot."""
    from stockwise.tools.forecast import batch

    flag = Path(marker) / f"block-{block.number}"
    if block.number == 2 and not flag.exists():
        flag.write_text(str(os.getpid()))
        os._exit(1)  # the worker process dies mid-job, as an out-of-memory kill would
    return batch.forecast_block(block, **shared)


@pytest.mark.slow
def test_a_killed_worker_has_its_block_retried_and_the_result_is_whole(
    cluster, demo_dataset, tmp_path, monkeypatch
):
    from stockwise.tools.forecast import batch
    from stockwise.tools.forecast.combined import load_forecast_data

    data = load_forecast_data(demo_dataset)
    local = batch.forecast_all_mro(data, 90, progress=False, block_rows=BLOCK)
    workers_before = set(cluster.client.scheduler_info()["workers"])

    class Marked:
        """The cluster, with the marker folder passed to every block."""

        def map(self, fn, parts, **shared):
            return cluster.map(fn, parts, marker=str(tmp_path), **shared)

    monkeypatch.setattr(batch, "forecast_block", _dies_on_first_attempt)
    remote = batch.forecast_all_mro(data, 90, progress=False, block_rows=BLOCK, executor=Marked())
    died = tmp_path / "block-2"
    assert died.exists(), "the worker running block 2 never died"
    pd.testing.assert_frame_equal(remote, local, check_exact=True)
    # The dead worker's process is gone; its nanny started a new one in its place.
    cluster.client.wait_for_workers(2, timeout=60)
    workers_after = set(cluster.client.scheduler_info()["workers"])
    assert workers_after != workers_before


@pytest.mark.slow
def test_a_scheduler_that_goes_away_mid_job_is_a_clear_error(tmp_path):
    """`dask scheduler` and one `dask worker` as separate processes, as on a real cluster;
    the scheduler is killed while the blocks run."""
    pytest.importorskip("distributed")
    import socket
    import subprocess
    import threading
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"127.0.0.1:{port}"
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
        + ["--port", str(port), "--dashboard-address", ":0"],
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://{address}"]
        + ["--nthreads", "1", "--local-directory", str(tmp_path)],
        stderr=subprocess.DEVNULL,
    )
    # A function every worker can import: this test module is not on the worker's path.
    blocks_of_work = [2.0] * 8
    try:
        executor = open_executor(f"dask://{address}")
        executor.client.wait_for_workers(1, timeout=60)
        assert executor.map(time.sleep, [0.1, 0.1]) == [None, None]
        threading.Timer(3, scheduler.kill).start()
        with pytest.raises(ExecutorError, match="(?s)stopped answering.*no figure was computed"):
            executor.map(time.sleep, blocks_of_work)
        executor.client.close()
    finally:
        for process in (worker, scheduler):
            process.kill()
            process.wait()


@pytest.mark.slow
def test_the_setting_moves_the_agent_tools_batch_work_to_the_cluster(monkeypatch, demo_dataset):
    """STOCKWISE_EXECUTOR=dask-local:2 is all it takes: the tool context opens the cluster
    once and hands it to the reorder tool, whose answer is the in-process one. (The demo's
    2,245 rows are one block, run where the tool is; several blocks on the cluster are the
    tests above.)"""
    pytest.importorskip("distributed")
    from stockwise.tools.core.settings import get_settings
    from stockwise.tools.dataset.context import ToolContext
    from stockwise.tools.replenish.recommend import RecommendReorderInput, recommend_reorder

    args = RecommendReorderInput(limit=20)
    local = recommend_reorder(ToolContext(demo_dataset, get_settings()), args)
    monkeypatch.setenv("STOCKWISE_EXECUTOR", "dask-local:2")
    get_settings.cache_clear()
    ctx = ToolContext(demo_dataset, get_settings())
    try:
        assert "(2 workers)" in ctx.executor.description
        assert ctx.executor is ctx.executor
        remote = recommend_reorder(ctx, args)
    finally:
        ctx.executor.close()
    assert remote.model_dump() == local.model_dump()
    assert local.total_rows > 0
