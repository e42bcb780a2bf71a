"""Description makers for the demo's filler items, written the way buyers type them.

Each maker takes the random generator and returns (description, uom, unit_cost). Ambiguity
is deliberate: O-rings and bolts exist both as raw material and as MRO spares, and the
`mess_up` pass adds abbreviations and typos, so a classifier cannot rely on text alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Maker = Callable[[np.random.Generator], tuple[str, str, float]]


def _pick(rng: np.random.Generator, seq):  # type: ignore[no-untyped-def]
    return seq[int(rng.integers(len(seq)))]


def _pn(rng: np.random.Generator, prefix: str) -> str:
    return f"P/N {prefix}-{int(rng.integers(100, 9999))}"


# --- MRO ------------------------------------------------------------------------------
def spare(rng: np.random.Generator) -> tuple[str, str, float]:
    kind = int(rng.integers(14))
    if kind == 0:
        d = f"BRG {_pick(rng, ['6202', '6204', '6206', '6305', '6310', '22210', 'UCP205'])}"
        return f"{d}{_pick(rng, ['-2RS', ' ZZ', ' C3', ''])}", "EA", float(rng.uniform(6, 90))
    if kind == 1:
        return (
            f"V-BELT {_pick(rng, ['A', 'B', 'SPZ', 'SPA', 'XPZ'])}{rng.integers(30, 120)}",
            "EA",
            float(rng.uniform(8, 40)),
        )
    if kind == 2:
        return (
            f"CONTACTOR {_pick(rng, [9, 12, 18, 25, 32])}A 24VDC COIL",
            "EA",
            float(rng.uniform(40, 160)),
        )
    if kind == 3:
        return (
            f"SOLENOID VALVE 24VDC {_pick(rng, ['1/4', '3/8', '1/2'])} {_pn(rng, 'SV')}",
            "EA",
            (float(rng.uniform(60, 300))),
        )
    if kind == 4:
        size = _pick(rng, ["M8", "M12", "M18", "M30"])
        return (
            f"PROX SENSOR {size} {_pick(rng, ['PNP', 'NPN'])} NO",
            "EA",
            float(rng.uniform(30, 140)),
        )
    if kind == 5:
        return (
            f"SEAL KIT CYL {rng.integers(4, 16) * 10}MM {_pn(rng, 'SK')}",
            "EA",
            float(rng.uniform(60, 420)),
        )
    if kind == 6:
        return (
            f"MOTOR {_pick(rng, [0.37, 0.75, 1.5, 2.2, 4, 7.5])}KW 4P IE3",
            "EA",
            float(rng.uniform(180, 1400)),
        )
    if kind == 7:
        return (
            f"O-RING VITON {rng.integers(10, 120)}x{_pick(rng, [2, 2.5, 3, 4])}",
            "EA",
            float(rng.uniform(0.5, 6)),
        )
    if kind == 8:
        return (
            f"TIMING BELT {rng.integers(40, 180) * 5}-T5-{_pick(rng, [10, 16, 25])}",
            "EA",
            float(rng.uniform(15, 70)),
        )
    if kind == 9:
        return (
            f"COUPLING JAW L{_pick(rng, [75, 90, 100, 110])} SPIDER",
            "EA",
            float(rng.uniform(8, 45)),
        )
    if kind == 10:
        return f"LIMIT SWITCH ROLLER LEVER {_pn(rng, 'LS')}", "EA", float(rng.uniform(25, 90))
    if kind == 11:
        return (
            f"PNEU CYL D{_pick(rng, [25, 32, 40, 50, 63])}x{rng.integers(2, 30) * 10}",
            "EA",
            float(rng.uniform(70, 260)),
        )
    if kind == 12:
        return (
            f"FILTER ELEMENT {_pick(rng, ['HYD', 'AIR', 'WATER'])} {_pn(rng, 'FE')}",
            "EA",
            float(rng.uniform(15, 150)),
        )
    return f"PCB CONTROL CARD {_pn(rng, 'CC')} (OEM)", "EA", float(rng.uniform(300, 2500))


def consumable(rng: np.random.Generator) -> tuple[str, str, float]:
    options = [
        ("CABLE TIES {n}MM BAG/100", "BAG", 3, 12),
        ("CONTACT CLEANER SPRAY 400ML", "EA", 5, 12),
        ("ABRASIVE DISC 125MM P{n}", "EA", 0.8, 3),
        ("THREADLOCKER BLUE 50ML LOCTITE 243", "EA", 12, 25),
        ("PTFE TAPE 12MM x 12M", "ROLL", 0.6, 2),
        ("RAGS WHITE COTTON 10KG", "BAG", 14, 30),
        ("PENETRATING OIL SPRAY 400ML", "EA", 4, 9),
        ("GREASE {g} 400G CART", "EA", 4, 14),
        ("DRILL BIT HSS {d}MM", "EA", 1, 9),
        ("INSULATION TAPE 19MM BLK", "ROLL", 0.5, 2),
        ("CUTTING DISC 115x1.0 INOX", "EA", 0.7, 2.5),
        ("ANTI-SEIZE COMPOUND 500G", "EA", 12, 28),
    ]
    text, uom, lo, hi = _pick(rng, options)
    text = text.format(
        n=_pick(rng, [100, 200, 300, 40, 60, 80, 120]),
        g=_pick(rng, ["EP2", "EP0", "HT", "H1"]),
        d=_pick(rng, [3, 4, 5, 6, 8, 10, 12]),
    )
    return text, uom, float(rng.uniform(lo, hi))


def tool(rng: np.random.Generator) -> tuple[str, str, float]:
    options = [
        ("SCREWDRIVER SET VDE 7PC", 20, 60),
        ("SOCKET SET 1/2DR {n}PC", 45, 180),
        ("PLIERS COMBI 200MM", 9, 30),
        ("CALIPER DIGITAL 150MM", 25, 90),
        ("HAMMER BALL PEIN {n}OZ", 10, 30),
        ("SPANNER COMB {n}MM", 4, 15),
        ("BEARING PULLER 3-JAW", 40, 140),
        ("TORQUE WRENCH 1/2DR 40-200NM", 120, 260),
        ("FEELER GAUGE SET 0.05-1MM", 6, 18),
        ("INSPECTION MIRROR TELESCOPIC", 6, 20),
    ]
    text, lo, hi = _pick(rng, options)
    return text.format(n=_pick(rng, [8, 10, 13, 17, 19, 24, 32])), "EA", float(rng.uniform(lo, hi))


def safety(rng: np.random.Generator) -> tuple[str, str, float]:
    options = [
        ("GLOVES NITRILE {s} BOX/100", "BOX", 7, 12),
        ("SAFETY BOOTS S3 SZ{n}", "PR", 45, 90),
        ("EAR DEFENDERS SNR30", "EA", 12, 25),
        ("FACE SHIELD CLEAR", "EA", 6, 15),
        ("RESPIRATOR FFP{f} BOX/10", "BOX", 12, 40),
        ("SAFETY HELMET WHITE", "EA", 8, 20),
        ("COVERALL DISPOSABLE {s}", "EA", 2, 6),
        ("HEAT RESISTANT GLOVES {s}", "PR", 9, 22),
    ]
    text, uom, lo, hi = _pick(rng, options)
    text = text.format(
        s=_pick(rng, ["S", "M", "L", "XL"]), n=rng.integers(38, 47), f=_pick(rng, [2, 3])
    )
    return text, uom, float(rng.uniform(lo, hi))


# --- production materials -----------------------------------------------------------------
def raw(family: str, rng: np.random.Generator) -> tuple[str, str, float]:
    if family == "FOOD":
        text, uom, lo, hi = _pick(
            rng,
            [
                ("FLOUR {g} 25KG", "KG", 0.4, 1.2),
                ("SEEDS {s} 10KG", "KG", 2, 6),
                ("CHOC DROPS {p}% 10KG", "KG", 5, 11),
                ("MILK POWDER SKIMMED", "KG", 2.5, 4),
                ("MARGARINE BAKING 10KG", "KG", 1.8, 3),
                ("DRIED FRUIT {f}", "KG", 3, 9),
                ("TRAY PET {n}x{m}", "EA", 0.03, 0.2),
                ("FILM PP PRINTED {n}MM", "M", 0.02, 0.08),
                ("CARTON SHIPPER {n}x{m}", "EA", 0.3, 0.9),
                ("IMPROVER BREAD {p}", "KG", 3, 7),
            ],
        )
    elif family == "HYD":
        text, uom, lo, hi = _pick(
            rng,
            [
                ("STEEL BAR {s} D{n}", "M", 8, 40),
                ("TUBE HONED ST52 {n}x{m}", "M", 30, 120),
                ("CHROME ROD CK45 {n}MM", "M", 20, 70),
                ("HEX BOLT M{b}x{m} 8.8 ZP", "EA", 0.05, 0.6),
                ("WASHER FLAT M{b} ZP", "EA", 0.01, 0.1),
                ("O-RING NBR {n}x{b}", "EA", 0.2, 2),
                ("ROD SEAL PU {n}MM", "EA", 1.5, 9),
                ("WIPER SEAL {n}MM", "EA", 0.8, 5),
                ("CLEVIS END CAST {n}", "EA", 9, 40),
                ("BUSHING BRONZE {n}x{m}", "EA", 2, 15),
            ],
        )
    else:
        text, uom, lo, hi = _pick(
            rng,
            [
                ("RES {v}R 0603 1%", "EA", 0.001, 0.004),
                ("CAP {v}NF 0402 X7R", "EA", 0.001, 0.01),
                ("CAP ELEC {v}UF 25V", "EA", 0.02, 0.2),
                ("LED 0805 {c}", "EA", 0.01, 0.05),
                ("IC REG LDO 3V3 SOT-223", "EA", 0.1, 0.6),
                ("CONN TERM BLK {b}P 5.08", "EA", 0.2, 1.2),
                ("DIODE SCHOTTKY SMA {v}V", "EA", 0.02, 0.1),
                ("MOSFET N-CH {v}V DPAK", "EA", 0.1, 0.8),
                ("PCB BARE FR4 {b}L {n}x{m}", "EA", 1.5, 12),
                ("CRYSTAL {v}MHZ HC49", "EA", 0.1, 0.4),
            ],
        )
    text = text.format(
        g=_pick(rng, ["T45", "T65", "WHOLEMEAL", "SPELT", "T80"]),
        s=_pick(rng, ["SUNFLOWER", "SESAME", "POPPY", "S355", "C45", "16MnCr5"]),
        p=_pick(rng, [45, 54, 70, "STD", "PLUS"]),
        f=_pick(rng, ["RAISINS", "CRANBERRY", "APRICOT"]),
        n=rng.integers(20, 160),
        m=rng.integers(20, 300),
        b=_pick(rng, [2, 4, 6, 8, 10, 12]),
        v=_pick(rng, [1, 4.7, 10, 22, 47, 100, 220, 330]),
        c=_pick(rng, ["RED", "GRN", "BLUE", "AMBER"]),
    )
    return text, uom, float(rng.uniform(lo, hi))


_ABBREVIATIONS = [
    ("BEARING", "BRG"),
    ("BRG", "BEARING"),
    ("SOLENOID", "SOL."),
    ("SENSOR", "SENS"),
    ("FILTER", "FLTR"),
    ("STAINLESS", "SS"),
    ("CYLINDER", "CYL"),
    ("CONTACTOR", "CONTCTR"),
    ("GLOVES", "GLVS"),
    ("ELEMENT", "ELMNT"),
    ("HYDRAULIC", "HYD"),
    ("MACHINED", "MACH."),
]


def mess_up(text: str, rng: np.random.Generator) -> str:
    """Abbreviate, misspell or lower-case a description, as real ERP text is."""
    roll = rng.random()
    if roll < 0.15:
        for long, short in _ABBREVIATIONS:
            if long in text:
                return text.replace(long, short, 1)
    elif roll < 0.23 and len(text) > 6:
        i = int(rng.integers(1, len(text) - 2))
        if text[i].isalpha() and text[i + 1].isalpha():
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    elif roll < 0.30:
        return text.capitalize()
    return text
