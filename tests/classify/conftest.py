"""Fixtures: the small plant with planted wrong labels and bad-input items, trained once."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.classify.service import build_classifications

from .plant import START, build_plant, to_dataset

# Planted label problems in the small plant.
WRONG = {"M001": "raw_material", "M004": "raw_material", "R002": "mro", "F005": "wip"}
BLANK = ("W003", "M006")


def labelled_plant():  # type: ignore[no-untyped-def]
    b = build_plant()
    for it in b.items:
        if it["item_id"] in WRONG:
            it["recorded_category"] = WRONG[it["item_id"]]
        if it["item_id"] in BLANK:
            it["recorded_category"] = None
    # Bad input: an item nobody ever moved, with no supplier and no description.
    b.item("X001", "", "mro", "EA", 12.0, None, "spare_part")
    b.item("X002", "hydraulic seal kit spare", None, "EA", 80.0, None)
    b.stock.append(dict(item_id="X001", site_id="S1", on_hand_qty=0.0, as_of=START))
    return b


@pytest.fixture(scope="session")
def plant_ds():  # type: ignore[no-untyped-def]
    b = labelled_plant()
    items = pd.DataFrame(b.items)
    items.loc[items["item_id"] == "X001", "description"] = None
    b.items = items.to_dict("records")
    return to_dataset(b)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("classifier")


@pytest.fixture(scope="session")
def classified(plant_ds, model_dir):  # type: ignore[no-untyped-def]
    """The classification table of the small plant (trains and saves the model once)."""
    return build_classifications(plant_ds, model_dir)
