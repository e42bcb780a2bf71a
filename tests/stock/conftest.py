"""Fixtures: the hand-made plant of `plant.py`, as built in memory and as the loader reads it
back from CSV files (the loader's dtypes, e.g. categorical ids, must give the same answers)."""

from __future__ import annotations

import pytest

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.load import load_dataset

from .plant import hand_made_plant


@pytest.fixture(scope="session", params=["in-memory", "loaded-from-csv"])
def plant(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    dataset = hand_made_plant()
    if request.param == "in-memory":
        return dataset
    folder = tmp_path_factory.mktemp("hand-made-plant")
    for name, frame in dataset.tables.items():
        if len(frame):
            frame.to_csv(folder / f"{name}.csv", index=False)
    return load_dataset(folder)


@pytest.fixture
def ctx(plant, tmp_path):  # type: ignore[no-untyped-def]
    return ToolContext(dataset=plant, settings=Settings(data_dir=tmp_path))
