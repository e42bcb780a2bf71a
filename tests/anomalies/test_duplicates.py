"""Probable duplicates: descriptions that agree once typing habits are undone, with the same
unit of measure and a cost within tolerance; different specifications stay apart."""

from __future__ import annotations

import pytest

from stockwise.tools.anomalies.master_data import duplicate_items, text_agreement, tokens

from .frames import Plant


def agree(a: str, b: str) -> float | None:
    return text_agreement(tokens(a), tokens(b))


def test_tokens_undo_typing_habits():  # type: ignore[no-untyped-def]
    assert tokens("V-BELT B-SECTION B52") == ("52", "B", "BSECTION", "VBELT")
    assert tokens("HYDRAULIC OIL ISO VG 46") == tokens("HYDRAULIC OIL VG46")
    assert tokens("Cutting disc 115x1.0") == ("1", "115", "CUTTING", "DISC", "X")
    assert tokens("SOLENOID VALVE P/N SV-0123") == ("123", "SOLENOID", "SV", "VALVE")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("BRG 6205-2RS", "BEARING 6205 2RS SKF"),  # abbreviation, brand on one side
        ("V-BELT B-SECTION B52", "VBELT B52 (B-SEC)"),  # abbreviated section
        ("HYDRAULIC OIL ISO VG 46", "HYD OIL VG46 20 LTR"),  # pack size on one side
        ("CUTTING DISC 115x1.0 INOX", "CUTTING DISC 115x1.0 NIOX"),  # swapped letters
        ("CONTACTOR 32A 24VDC COIL", "contctr 32a 24vdc coil"),
    ],
)
def test_same_thing_typed_differently(a, b):  # type: ignore[no-untyped-def]
    score = agree(a, b)
    assert score is not None and 0.7 <= score <= 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PROX SENSOR M12 NPN NO", "PROX SENSOR M12 PNP NO"),  # a substitution
        ("CABLE TIES 100MM BAG/100", "CABLE TIES 300MM BAG/100"),  # another size
        ("BRG 6204", "BRG 6204 ZZ"),  # a short code is a specification
        ("BRG 6305 C3", "BRG 6305-2RS"),
        ("CYL KIT HC-40 MACHINED", "CYL ASSY HC-40/20 UNTESTED"),
        ("CONTACT CLEANER SPRAY 400ML", "PENETRATING OIL SPRAY 400ML"),
        ("SAFETY HELMET WHITE", "HYDRAULIC OIL 46"),  # no number in common
        ("O-RING 20x2", "WASHER 20x2"),  # numbers alone do not make a match
    ],
)
def test_different_things_stay_apart(a, b):  # type: ignore[no-untyped-def]
    assert agree(a, b) is None


@pytest.fixture(scope="module")
def plant():  # type: ignore[no-untyped-def]
    p = Plant()
    p.item("4442", "BRG 6205-2RS", cost=7.9).item("4542", "BEARING 6205 2RS SKF", cost=8.4)
    for k in range(3):
        p.txn("4442", -2, "issue_maintenance", f"2025-0{k + 1}-10")
    p.on_hand("4442", 40).on_hand("4542", 10)
    # Three records of one spray; the dearest is 30% off the others: not the same purchase.
    p.item("A1", "CONTACT CLEANER SPRAY 400ML", cost=9.0)
    p.item("A2", "Contact cleaner spray 400ml", cost=9.3)
    p.item("A3", "CONTACT CLAENER SPRAY 400ML", cost=9.5)
    p.item("A4", "CONTACT CLEANER SPRAY 400ML", cost=13.0)
    p.item("B1", "BRG 6204", cost=5.0).item("B2", "BRG 6204 ZZ", cost=5.2)
    p.item("K1", "OIL 20L", uom="EA", cost=40.0).item("K2", "OIL 20L", uom="L", cost=40.0)
    # Two made items with one description but different BOMs are different products.
    p.item("W1", "CYL KIT HC-40 MACHINED", cost=300.0)
    p.item("W2", "CYL KIT HC-40 MACHINED", cost=295.0)
    p.boms += [
        dict(parent_item_id="W1", component_item_id="B1", qty_per=1.0),
        dict(parent_item_id="W2", component_item_id="B2", qty_per=1.0),
    ]
    p.opening("4442", 46)
    return p.dataset()


def test_duplicate_groups(plant):  # type: ignore[no-untyped-def]
    found = duplicate_items(plant)
    groups = {frozenset(f.related_ids): f for f in found}
    assert set(groups) == {frozenset({"4442", "4542"}), frozenset({"A1", "A2", "A3"})}
    bearing = groups[frozenset({"4442", "4542"})]
    # Keep the id in use; the other is the one to merge.
    assert (bearing.ref_id, bearing.item_id) == ("4442", "4542")
    assert bearing.value_at_stake == pytest.approx(84.0)
    assert len(bearing.evidence_rows) == 2 and bearing.evidence_rows[0]["n_txn"] == 4
    spray = groups[frozenset({"A1", "A2", "A3"})]
    assert spray.confidence > bearing.confidence  # same text beats an abbreviation + brand
    assert [f.confidence for f in found] == sorted((f.confidence for f in found), reverse=True)


def test_cost_tolerance_is_a_parameter(plant):  # type: ignore[no-untyped-def]
    loose = {frozenset(f.related_ids) for f in duplicate_items(plant, cost_tolerance=0.5)}
    assert frozenset({"A1", "A2", "A3", "A4"}) in loose
