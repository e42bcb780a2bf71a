"""Generator version 3: the item master's text and suppliers as real ones are, with
descriptions in German or French, blank placeholders, bare nouns and dropped vowels, and
suppliers that sell more than one category.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Supplier mixing: a share of each group moves to suppliers of another type.
RAW_TO_DISTRIBUTOR = 0.3
SPARE_TO_DIRECT = 0.25
CONSUMABLE_TO_DIRECT = 0.25
SUPPLIER_BLANK = 0.08
# Descriptions: German, French, blank, bare noun, vowels dropped.
LANG_SHARE, BLANK_DESC, BARE_NOUN, VOWELLESS = 0.10, 0.04, 0.04, 0.05
BLANK_TEXTS = ("-", ".", "N/A", "?", "SEE DWG", "TBD")

GERMAN = {
    "BEARING": "LAGER", "BRG": "LAGER", "SEAL": "DICHTUNG", "O-RING": "O-RING DICHTUNG",
    "GLOVES": "HANDSCHUHE", "FILTER": "FILTER", "BELT": "RIEMEN", "VALVE": "VENTIL",
    "MOTOR": "MOTOR", "TAPE": "KLEBEBAND", "CLEANER": "REINIGER", "OIL": "OEL",
    "GREASE": "FETT", "FLOUR": "MEHL", "STEEL": "STAHL", "BOLT": "SCHRAUBE",
    "WASHER": "SCHEIBE", "TUBE": "ROHR", "SENSOR": "SENSOR", "SWITCH": "SCHALTER",
    "COUPLING": "KUPPLUNG", "CUTTING DISC": "TRENNSCHEIBE", "RAGS": "PUTZLAPPEN",
    "SEEDS": "SAATEN", "FILM": "FOLIE", "CARTON": "KARTON", "BUSHING": "BUCHSE",
}  # fmt: skip
FRENCH = {
    "BEARING": "ROULEMENT", "SEAL": "JOINT", "GLOVES": "GANTS", "FLOUR": "FARINE",
    "BELT": "COURROIE", "VALVE": "VANNE", "TAPE": "RUBAN", "STEEL": "ACIER", "OIL": "HUILE",
    "FILTER": "FILTRE", "BOLT": "VIS", "SEEDS": "GRAINES", "FILM": "FILM",
}  # fmt: skip


def translate(text: str, words: dict[str, str]) -> str | None:
    for en, other in words.items():
        new = re.sub(rf"\b{re.escape(en)}\b", other, text, count=1)
        if new != text:
            return new
    return None


def vowelless(text: str) -> str:
    """'SOLENOID VALVE 24VDC' -> 'SLND VLV 24VDC', as storeroom clerks shorten long words."""
    out = []
    for word in text.split():
        if len(word) > 4 and word.isalpha():
            word = word[0] + "".join(c for c in word[1:] if c not in "AEIOU")
        out.append(word)
    return " ".join(out)


def messy_descriptions(items: pd.DataFrame, rng: np.random.Generator) -> None:
    """Filler descriptions in German or French, blank, a bare noun ("DICHTUNG") or with
    the vowels dropped; catalog items keep theirs (documents and docs quote them)."""
    for i in np.flatnonzero(~items.named.to_numpy()):
        text = str(items.at[i, "description"])
        roll = rng.random()
        if roll < LANG_SHARE:
            new = translate(text.upper(), GERMAN if rng.random() < 0.7 else FRENCH)
            text = new or text
        elif roll < LANG_SHARE + BLANK_DESC:
            # The contract requires a description, so "blank" is what clerks type instead.
            text = str(rng.choice(BLANK_TEXTS))
        elif roll < LANG_SHARE + BLANK_DESC + BARE_NOUN:
            noun = translate(text.upper(), GERMAN)
            text = noun.split()[0] if noun else text.split()[0]
        elif roll < LANG_SHARE + BLANK_DESC + BARE_NOUN + VOWELLESS:
            text = vowelless(text.upper())
        items.at[i, "description"] = text


def mix_suppliers(items: pd.DataFrame, rng: np.random.Generator) -> None:
    """Distributors that sell raw material too, direct-material suppliers that sell spares
    and consumables, and blank suppliers (the price sits in a purchasing info record)."""
    filler = ~items.named.to_numpy()
    cat, sub = items.category.to_numpy(), items.mro_subtype.to_numpy()
    draws = rng.random(len(items))
    picks = rng.integers(0, 1000, len(items))
    distributors = ("SUP-010", "SUP-011", "SUP-013")
    by_family = {"FOOD": ("SUP-004", "SUP-002"), "HYD": ("SUP-001",), "PCB": ("SUP-003",)}
    site_family = {"S1": ("SUP-001", "SUP-003"), "S2": ("SUP-004", "SUP-002")}
    for i in np.flatnonzero(filler):
        if cat[i] == "raw_material" and draws[i] < RAW_TO_DISTRIBUTOR:
            items.at[i, "supplier_id"] = distributors[picks[i] % 3]
        elif sub[i] == "spare_part" and draws[i] < SPARE_TO_DIRECT:
            pool = site_family[items.at[i, "sites"].split()[0]]
            items.at[i, "supplier_id"] = pool[picks[i] % len(pool)]
        elif sub[i] in ("consumable", "safety") and draws[i] < CONSUMABLE_TO_DIRECT:
            shop = by_family["FOOD"] + by_family["PCB"]
            items.at[i, "supplier_id"] = shop[picks[i] % len(shop)]
    bought = filler & items.supplier_id.notna().to_numpy()
    blank = bought & (rng.random(len(items)) < SUPPLIER_BLANK)
    items.loc[blank, "supplier_id"] = None
