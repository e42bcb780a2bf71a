"""Machine names and the glossary, without an index: "press 3" and "the 55 kW compressor"
resolve to their ids, foreign shop-floor words gain their English terms, English is left
alone."""

from __future__ import annotations

import pytest

from stockwise.tools.documents.aliases import MachineNames
from stockwise.tools.documents.glossary import translate

ROWS = [
    {"equipment_id": f"P-{n}", "name": f"Hydraulic Press 250t P-{n}",
     "equipment_type": "hydraulic_press", "site_id": "S1"}
    for n in range(1, 7)
] + [
    {"equipment_id": "AC-1", "name": "Air Compressor 55kW AC-1",
     "equipment_type": "air_compressor", "site_id": "S1"},
    {"equipment_id": "AC-2", "name": "Air Compressor 55kW AC-2",
     "equipment_type": "air_compressor", "site_id": "S1"},
    {"equipment_id": "AC-3", "name": "Air Compressor 30kW AC-3",
     "equipment_type": "air_compressor", "site_id": "S2", "model": "GA-30"},
    {"equipment_id": "CH-1", "name": "Process Chiller CH-1", "equipment_type": "chiller",
     "site_id": "S2", "line": "Bakery line 2"},
]  # fmt: skip
NAMES = MachineNames(ROWS, {"S1": "Riverside Plant", "S2": "Lakeside Plant"})


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("press 3 seal keeps leaking", ["P-3"]),
        ("P3 seal leak", ["P-3"]),
        ("the third 250t press", ["P-3"]),
        ("press no. 5 relief valve", ["P-5"]),
        ("the 55 kW compressor trips", ["AC-1", "AC-2"]),
        ("Lakeside compressor oil", ["AC-3"]),
        ("compressor GA-30 oil change", ["AC-3"]),
        ("compressor two running hot", ["AC-2"]),
    ],
)
def test_names_resolve_to_the_machines_they_mean(query, ids):
    assert NAMES.resolve(query).ids == ids


def test_a_name_that_fits_every_unit_adds_only_the_type():
    named = NAMES.resolve("how often do the presses need grease")
    assert named.ids == [] and named.types == ["hydraulic_press"]
    assert NAMES.resolve("2 presses are down").ids == []  # a count, not press 2


def test_foreign_words_gain_english_terms_and_english_is_left_alone():
    assert translate("Wie nehme ich eine Hydraulikölprobe?")[0] == ["hydraulic oil", "sample"]
    assert "lockout tagout" in translate("Freischalten und Sichern einer Maschine")[0]
    assert translate("the number four machining centre", known={"number"})[0] == []
