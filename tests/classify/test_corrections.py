"""People's corrections: stored append-only, refused when wrong, trusted and explained."""

from __future__ import annotations

import pytest

from stockwise.tools.classify.corrections import (
    corrections_path,
    latest_corrections,
    load_corrections,
    record_correction,
    trusted_labels,
)
from stockwise.tools.classify.service import build_classifications, suspected
from stockwise.tools.core.errors import InvalidArgumentError, UnknownItemError


def test_corrections_are_appended_and_latest_wins(plant_ds, tmp_path):  # type: ignore[no-untyped-def]
    record_correction(tmp_path, plant_ds, "M001", "raw_material", "Ana", "first guess")
    c = record_correction(tmp_path, plant_ds, "M001", "spare_part", "Bo", "used on press P-3")
    assert (c.category, c.mro_subtype) == ("mro", "spare_part")
    assert [x.by for x in load_corrections(tmp_path)] == ["Ana", "Bo"]
    assert latest_corrections(tmp_path)["M001"].by == "Bo"
    cat, sub, weight = trusted_labels(plant_ds, latest_corrections(tmp_path))
    assert (cat["M001"], sub["M001"], weight["M001"]) == ("mro", "spare_part", 3.0)
    assert weight["M000"] == 1.0


@pytest.mark.parametrize(
    ("item", "category", "by", "why", "error", "words"),
    [
        ("M0001", "mro", "Ana", "x", UnknownItemError, "M000"),
        ("M001", "consumables", "Ana", "x", InvalidArgumentError, "unknown category"),
        ("M001", "mro", " ", "x", InvalidArgumentError, "--by"),
        ("M001", "mro", "Ana", "", InvalidArgumentError, "--why"),
    ],
)
def test_bad_corrections_are_refused_and_nothing_written(  # type: ignore[no-untyped-def]
    plant_ds, tmp_path, item, category, by, why, error, words
):
    with pytest.raises(error, match=words):
        record_correction(tmp_path, plant_ds, item, category, by, why)
    assert not corrections_path(tmp_path).exists()


def test_correction_is_explained_and_settles_the_suspect(plant_ds, model_dir, classified):  # type: ignore[no-untyped-def]
    assert "M004" in suspected(classified, 0.8).index
    record_correction(model_dir, plant_ds, "M004", "mro", "Dana", "it is a seal for press P-3")
    try:
        table = build_classifications(plant_ds, model_dir)
        assert "corrected to mro by Dana on" in table.loc["M004", "explanation"]
        assert '"it is a seal for press P-3"' in table.loc["M004", "explanation"]
        assert "M004" not in suspected(table, 0.8).index
    finally:
        corrections_path(model_dir).unlink()
