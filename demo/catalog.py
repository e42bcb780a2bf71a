"""The demo plant's fixed, named entities: sites, equipment, key parts, PM plans, products.

Manuals under `knowledge/corpus/`, eval questions and docs hard-code these ids, so they are
stable forever: add entries, never renumber or reword existing ones. The generator
(`generator.py`) builds everything else (filler items, orders, transactions) around them.

Item id ranges: 1000-1999 raw materials, 2000-2999 WIP, 3000-3999 finished goods,
4400-4599 MRO; generated filler items use ids >= 10000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

AS_OF = "2025-09-30T18:00:00"
HISTORY_START = "2023-07-01"
CURRENCY = "USD"
TRUTH = "truth"  # a recorded_* field equal to the truth


@dataclass(frozen=True)
class Site:
    site_id: str
    name: str


@dataclass(frozen=True)
class Fault:
    code: str
    description: str
    parts: tuple[tuple[str, float], ...] = ()  # (item_id, qty) issued to the corrective WO
    weight: float = 1.0  # relative frequency among the type's faults


@dataclass(frozen=True)
class EquipmentType:
    code: str
    label: str
    failures_per_1000h: float  # corrective work orders per 1,000 run-hours
    hours_per_day: float  # typical run-hours on a working day
    sensor: str  # name of the sensor column it contributes to
    faults: tuple[Fault, ...]


@dataclass(frozen=True)
class Equipment:
    equipment_id: str
    name: str
    equipment_type: str
    site_id: str
    criticality: str


@dataclass(frozen=True)
class Item:
    item_id: str
    description: str
    uom: str
    unit_cost: float
    category: str  # the truth: raw_material, wip, finished_good, mro
    mro_subtype: str | None = None
    criticality: str | None = None
    lead_time_days: float | None = None
    supplier_id: str | None = None
    fits: tuple[str, ...] = ()  # equipment types an MRO part is used on
    # What the ERP holds; TRUTH means it matches the truth, None means blank.
    recorded_category: str | None = TRUTH
    recorded_mro_subtype: str | None = TRUTH
    recorded_criticality: str | None = TRUTH


@dataclass(frozen=True)
class PmTemplate:
    code: str
    equipment_type: str
    interval_unit: str  # days | run_hours
    interval: float
    description: str
    kit: tuple[tuple[str, float], ...]  # (item_id, qty) consumed at each PM work order


@dataclass(frozen=True)
class Stage:
    name: str
    std_hours_per_unit: float
    labor_rate: float
    overhead_rate: float
    typical_days: float  # typical time an order spends at this stage


@dataclass(frozen=True)
class Family:
    code: str
    name: str
    site_id: str
    stages: tuple[Stage, ...]
    uom: str = "EA"


@dataclass(frozen=True)
class Product:
    """A finished good, the WIP item made at each stage but the last, and its BOM by stage."""

    item_id: str
    description: str
    family: str
    unit_cost: float
    wip: tuple[tuple[str, str, float], ...]  # (item_id, description, unit_cost) per stage
    components: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)


SITES = (Site("S1", "Riverside Plant"), Site("S2", "Lakeside Plant"))

SUPPLIERS = (
    # (supplier_id, name, supplier_type, lead_time_days)
    ("SUP-001", "Midwest Steel Supply", "direct_material", 21),
    ("SUP-002", "Golden Mill Flour Co", "direct_material", 7),
    ("SUP-003", "DigiParts Electronics", "direct_material", 28),
    ("SUP-004", "PackRight Packaging", "direct_material", 14),
    ("SUP-005", "Dairy Fresh Ingredients", "direct_material", 4),
    ("SUP-010", "Apex Industrial Supply", "mro_distributor", 5),
    ("SUP-011", "MRO Direct", "mro_distributor", 3),
    ("SUP-012", "SafeWork PPE", "mro_distributor", 4),
    ("SUP-013", "ChemClean Solutions", "mro_distributor", 6),
    ("SUP-020", "Hydraulik Presswerk GmbH", "oem_spares", 42),
    ("SUP-021", "Juki Service Parts", "oem_spares", 35),
    ("SUP-022", "Rheon Bakery Systems Parts", "oem_spares", 30),
    ("SUP-023", "Haas CNC Parts", "oem_spares", 21),
    ("SUP-024", "ERSA Soldering Parts", "oem_spares", 49),
    ("SUP-030", "Precision Calibration Services", "service", 10),
    ("SUP-031", "CoolTech HVAC Service", "service", 5),
    ("SUP-040", "Lakeshore Contract Machining", "contract_manufacturer", 25),
    ("SUP-041", "BoardWorks EMS", "contract_manufacturer", 30),
    ("SUP-050", "Office & Facilities Supplies", "other", 3),
)

_T = EquipmentType
# fmt: off
EQUIPMENT_TYPES = {
    t.code: t
    for t in (
        _T("hydraulic_press", "Hydraulic press", 2.2, 14, "vibration_mm_s", (
            Fault("HP-LEAK", "Cylinder seal leak, oil on the bed", (("4410", 1), ("4420", 20)), 3),
            Fault("HP-PRES", "Cannot build pressure / relief valve chatter", (("4412", 1),), 1),
            Fault("HP-HOSE", "Burst or weeping hydraulic hose", (("4411", 2), ("4420", 10)), 2),
            Fault("HP-SENS", "Ram position sensor fault", (("4413", 1),), 1),
        )),
        _T("hydraulic_power_unit", "Hydraulic power unit", 1.2, 16, "temperature_c", (
            Fault("HPU-PUMP", "Pump noise, flow loss", (("4422", 1), ("4420", 20)), 1),
            Fault("HPU-FILT", "Return filter clogged alarm", (("4421", 1),), 2),
            Fault("HPU-OVHT", "Oil over temperature", (("4420", 20),), 1),
        )),
        _T("cnc_machine", "CNC machining centre", 1.5, 16, "vibration_mm_s", (
            Fault("CNC-SPND", "Spindle bearing noise / overheating", (("4430", 2),), 1),
            Fault("CNC-AXIS", "Axis following error", (("4433", 1),), 1),
            Fault("CNC-COOL", "Coolant concentration out of range", (("4431", 20),), 2),
            Fault("CNC-TOOL", "Broken tool / tool changer jam", (("4434", 2),), 2),
        )),
        _T("wave_soldering", "Wave soldering machine", 2.5, 12, "temperature_c", (
            Fault("WS-NOZ", "Solder nozzle clogged, skips on joints", (("4460", 1),), 3),
            Fault("WS-FUSE", "Pre-heater fuse blown", (("4463", 2),), 1),
            Fault("WS-FUME", "Fume extraction low flow", (("4465", 1),), 1),
        )),
        _T("reflow_oven", "Reflow oven", 1.8, 14, "temperature_c", (
            Fault("RF-HEAT", "Heater zone not reaching profile", (("4462", 1),), 2),
            Fault("RF-FUSE", "Zone fuse blown", (("4464", 1),), 1),
            Fault("RF-CONV", "Conveyor chain slip", (("4445", 1), ("4492", 1)), 1),
        )),
        _T("pick_and_place", "Pick-and-place machine", 2.0, 16, "vibration_mm_s", (
            Fault("PP-NOZ", "Pick errors, nozzle worn", (("4466", 4),), 3),
            Fault("PP-FEED", "Feeder jam", (("4467", 1),), 2),
        )),
        _T("test_stand", "Hydraulic test stand", 1.0, 10, "temperature_c", (
            Fault("TS-GAUGE", "Pressure gauge out of tolerance", (("4520", 1),), 1),
            Fault("TS-HOSE", "Test hose leak", (("4411", 1),), 1),
        )),
        _T("air_compressor", "Rotary screw air compressor", 0.8, 20, "temperature_c", (
            Fault("AC-TEMP", "High discharge temperature", (("4451", 1), ("4452", 5)), 2),
            Fault("AC-FILT", "Intake filter blocked", (("4450", 1),), 1),
            Fault("AC-BELT", "Drive belt slipping", (("4440", 2),), 1),
        )),
        _T("forklift", "Forklift truck", 1.2, 8, "vibration_mm_s", (
            Fault("FL-TYRE", "Tyre worn or chunked", (("4495", 1),), 2),
            Fault("FL-HYD", "Mast hydraulic leak", (("4496", 1), ("4420", 5)), 1),
        )),
        _T("conveyor", "Belt conveyor", 1.0, 16, "vibration_mm_s", (
            Fault("CV-BELT", "Belt torn or tracking off", (("4441", 1),), 1),
            Fault("CV-BRG", "Roller bearing noise", (("4442", 4),), 3),
            Fault("CV-DRV", "Gearmotor tripped / failed", (("4444", 1),), 1),
            Fault("CV-CHAIN", "Drive chain stretched", (("4445", 1), ("4494", 1)), 1),
        )),
        _T("mixer", "Spiral dough mixer", 1.6, 14, "vibration_mm_s", (
            Fault("MX-SEAL", "Shaft seal leaking", (("4507", 1), ("4493", 1)), 2),
            Fault("MX-SCRP", "Scraper worn", (("4505", 1),), 2),
            Fault("MX-BELT", "Drive belt slipping", (("4440", 2),), 1),
            Fault("MX-BRG", "Bowl bearing noise", (("4443", 2),), 1),
        )),
        _T("oven", "Tunnel oven", 1.4, 18, "temperature_c", (
            Fault("OV-IGN", "Burner fails to ignite", (("4500", 1),), 2),
            Fault("OV-TC", "Temperature reading erratic", (("4501", 1),), 2),
            Fault("OV-GSKT", "Door gasket heat loss", (("4502", 1),), 1),
        )),
        _T("packing_line", "Flow-wrap packing line", 2.4, 16, "vibration_mm_s", (
            Fault("PK-SEAL", "Poor seals, jaw heater failed", (("4511", 1), ("4510", 1)), 3),
            Fault("PK-CUT", "Ragged cut, blade dull", (("4512", 1),), 2),
            Fault("PK-BRG", "Bearing noise on infeed", (("4442", 2),), 1),
        )),
        _T("chiller", "Process water chiller", 0.6, 20, "temperature_c", (
            Fault("CH-FAN", "Condenser fan motor failed", (("4516", 1),), 1),
            Fault("CH-GAS", "Low refrigerant charge", (("4515", 2),), 1),
            Fault("CH-FILT", "Water filter blocked", (("4517", 1),), 2),
        )),
    )
}
# fmt: on


def _eq(prefix: str, n: range, name: str, etype: str, site: str, crit: str) -> list[Equipment]:
    return [Equipment(f"{prefix}-{i}", f"{name} {prefix}-{i}", etype, site, crit) for i in n]


EQUIPMENT: tuple[Equipment, ...] = tuple(
    _eq("P", range(1, 7), "Hydraulic Press 250t", "hydraulic_press", "S1", "A")
    + _eq("HP", range(1, 4), "Hydraulic Power Unit", "hydraulic_power_unit", "S1", "A")
    + _eq("CNC", range(1, 7), "CNC Machining Centre", "cnc_machine", "S1", "B")
    + [
        Equipment("SD-1", "Wave Soldering Machine SD-1", "wave_soldering", "S1", "A"),
        Equipment("SD-2", "Reflow Soldering Oven SD-2", "reflow_oven", "S1", "A"),
    ]
    + _eq("PP", range(1, 4), "Pick-and-Place", "pick_and_place", "S1", "A")
    + _eq("TS", range(1, 3), "Hydraulic Test Stand", "test_stand", "S1", "B")
    + _eq("AC", range(1, 3), "Air Compressor 55kW", "air_compressor", "S1", "A")
    + _eq("FL", range(1, 4), "Forklift", "forklift", "S1", "C")
    + _eq("CV", range(1, 4), "Conveyor", "conveyor", "S1", "B")
    + _eq("MX", range(1, 5), "Spiral Mixer", "mixer", "S2", "A")
    + _eq("OV", range(1, 5), "Tunnel Oven", "oven", "S2", "A")
    + _eq("PK", range(1, 5), "Flow-Wrap Packing Line", "packing_line", "S2", "A")
    + _eq("CV", range(4, 9), "Conveyor", "conveyor", "S2", "B")
    + _eq("CH", range(1, 3), "Process Chiller", "chiller", "S2", "B")
    + _eq("AC", range(3, 4), "Air Compressor 30kW", "air_compressor", "S2", "A")
    + _eq("FL", range(4, 6), "Forklift", "forklift", "S2", "C")
)


def _mro(item_id, description, uom, cost, subtype, crit, lead, supplier, fits, **recorded):
    return Item(
        item_id,
        description,
        uom,
        cost,
        "mro",
        subtype,
        crit,
        lead,
        supplier,
        tuple(fits.split()),
        **recorded,
    )


# fmt: off
MRO_PARTS: tuple[Item, ...] = (
    # The critical seal kit is filed as a general, low-criticality consumable.
    _mro("4410", "SEAL KIT HYD CYL 80MM P/N HS-8040", "EA", 385.0, "spare_part", "A", 42,
         "SUP-020", "hydraulic_press", recorded_mro_subtype="consumable",
         recorded_criticality="C"),
    _mro("4411", "HYD HOSE 1/2in 2-WIRE 1M P/N HH-12-1000", "EA", 48.5, "spare_part", "B", 7,
         "SUP-010", "hydraulic_press test_stand"),
    _mro("4412", "PRESSURE RELIEF VALVE 250 BAR PRV-250", "EA", 920.0, "spare_part", "A", 42,
         "SUP-020", "hydraulic_press"),
    _mro("4413", "PROX SENSOR M18 PNP IFM IG5594", "EA", 96.0, "spare_part", "B", 10, "SUP-010",
         "hydraulic_press cnc_machine conveyor"),
    _mro("4420", "HYDRAULIC OIL ISO VG 46", "L", 4.2, "consumable", "B", 5, "SUP-011",
         "hydraulic_press hydraulic_power_unit forklift"),
    _mro("4421", "FILTER ELEMENT HYD RETURN 10MIC P/N HF-1010", "EA", 64.0, "consumable", "B", 14,
         "SUP-020", "hydraulic_press hydraulic_power_unit"),
    _mro("4422", "HYD PUMP GEAR 40CC P/N GP-40", "EA", 1450.0, "spare_part", "A", 56, "SUP-020",
         "hydraulic_power_unit"),
    _mro("4430", "SPINDLE BEARING 7014 ACD/P4A", "EA", 610.0, "spare_part", "A", 35, "SUP-023",
         "cnc_machine"),
    _mro("4431", "COOLANT CONC SEMI-SYN", "L", 6.8, "consumable", "C", 5, "SUP-013",
         "cnc_machine"),
    _mro("4432", "WAY OIL ISO VG 68", "L", 5.1, "consumable", "C", 5, "SUP-011", "cnc_machine"),
    _mro("4433", "BALL SCREW SUPPORT BRG BK20", "EA", 230.0, "spare_part", "B", 21, "SUP-023",
         "cnc_machine"),
    _mro("4434", "END MILL CARB 10MM 4FL", "EA", 42.0, "consumable", "C", 5, "SUP-010",
         "cnc_machine"),
    _mro("4440", "V-BELT B-SECTION B52", "EA", 18.5, "spare_part", "B", 5, "SUP-010",
         "air_compressor mixer conveyor"),
    _mro("4441", "CONV BELT PVC 600MM x 12M", "EA", 780.0, "spare_part", "A", 28, "SUP-010",
         "conveyor"),
    _mro("4442", "BRG 6205-2RS", "EA", 7.9, "spare_part", "B", 3, "SUP-010",
         "conveyor mixer packing_line chiller"),
    _mro("4443", "BRG 6308 ZZ", "EA", 21.0, "spare_part", "B", 5, "SUP-010", "mixer conveyor"),
    _mro("4444", "GEARMOTOR 0.75KW SEW R27", "EA", 1180.0, "spare_part", "A", 35, "SUP-010",
         "conveyor"),
    _mro("4445", "CHAIN ROLLER 08B-1 5M", "EA", 64.0, "spare_part", "B", 7, "SUP-010",
         "conveyor reflow_oven"),
    _mro("4450", "AIR FILTER ELEMENT COMPRESSOR P/N AF-2290", "EA", 88.0, "consumable", "B", 10,
         "SUP-010", "air_compressor"),
    _mro("4451", "OIL SEP ELEMENT P/N OS-1622", "EA", 240.0, "consumable", "B", 14, "SUP-010",
         "air_compressor"),
    _mro("4452", "COMPRESSOR OIL SYNTH", "L", 14.0, "consumable", "C", 5, "SUP-011",
         "air_compressor"),
    _mro("4460", "SOLDER NOZZLE WAVE 8MM P/N SN-08", "EA", 145.0, "spare_part", "A", 49, "SUP-024",
         "wave_soldering"),
    _mro("4462", "REFLOW HEATER ELEMENT 1.2KW P/N RH-1200", "EA", 690.0, "spare_part", "A", 49,
         "SUP-024", "reflow_oven"),
    _mro("4463", "FUSE 10A CERAMIC 5x20", "EA", 0.9, "spare_part", "C", 3, "SUP-011",
         "wave_soldering"),
    _mro("4464", "FUSE 32A gG 10x38", "EA", 3.4, "spare_part", "C", 3, "SUP-011", "reflow_oven"),
    _mro("4465", "FILTER FUME EXTR CARBON", "EA", 120.0, "consumable", "C", 10, "SUP-010",
         "wave_soldering"),
    _mro("4466", "NOZZLE PNP JUKI 503", "EA", 38.0, "spare_part", "B", 35, "SUP-021",
         "pick_and_place"),
    _mro("4467", "FEEDER 8MM TAPE JUKI", "EA", 520.0, "spare_part", "B", 35, "SUP-021",
         "pick_and_place"),
    # Gloves recorded as WIP: the demo question "Is item 4471 WIP or MRO?".
    _mro("4471", "NITRILE GLOVES L BOX/100", "BOX", 9.5, "safety", "C", 4, "SUP-012", "",
         recorded_category="wip", recorded_mro_subtype=None),
    _mro("4472", "SAFETY GLASSES CLEAR ANSI Z87", "EA", 4.2, "safety", "C", 4, "SUP-012", ""),
    _mro("4473", "EAR PLUGS FOAM BOX 200", "BOX", 24.0, "safety", "C", 4, "SUP-012", ""),
    _mro("4474", "HI-VIS VEST XL", "EA", 6.5, "safety", "C", 4, "SUP-012", ""),
    _mro("4475", "CUT RESIST GLOVES LVL5 SZ9", "PR", 11.0, "safety", "C", 4, "SUP-012", ""),
    _mro("4476", "HAIRNET WHITE BOX/1000", "BOX", 17.0, "safety", "C", 4, "SUP-012", ""),
    # The wrench that someone put in a production BOM (hydraulic cylinder assembly).
    _mro("4480", "TORQUE WRENCH 3/8DR 20-100NM", "EA", 165.0, "tool", "C", 7, "SUP-010", ""),
    _mro("4481", "HEX KEY SET METRIC 1.5-10", "EA", 22.0, "tool", "C", 5, "SUP-010", ""),
    _mro("4482", "MULTIMETER FLUKE 117", "EA", 210.0, "tool", "C", 7, "SUP-010", ""),
    _mro("4483", "GREASE GUN 400G LEVER", "EA", 34.0, "tool", "C", 5, "SUP-010", ""),
    # Over-ordered solvent: reorder quantity far above what maintenance uses.
    _mro("4490", "SOLVENT DEGREASER CITRUS 20L", "EA", 76.0, "consumable", "C", 6, "SUP-013",
         "hydraulic_press hydraulic_power_unit cnc_machine"),
    # Dual use: cleans PCBs in production and parts in maintenance.
    _mro("4491", "ISOPROPYL ALCOHOL IPA 99% 5L", "EA", 31.0, "consumable", "C", 6, "SUP-013",
         "wave_soldering reflow_oven pick_and_place"),
    _mro("4492", "GREASE EP2 LITHIUM 400G CART", "EA", 6.2, "consumable", "C", 5, "SUP-011",
         "hydraulic_press cnc_machine forklift reflow_oven conveyor"),
    _mro("4493", "FOOD GRADE GREASE H1 400G", "EA", 12.5, "consumable", "C", 5, "SUP-011",
         "mixer oven packing_line"),
    _mro("4494", "CHAIN LUBE FOOD GRADE 500ML", "EA", 9.8, "consumable", "C", 5, "SUP-011",
         "conveyor packing_line"),
    _mro("4495", "FORKLIFT TYRE 18x7-8 SOLID", "EA", 140.0, "spare_part", "B", 10, "SUP-010",
         "forklift"),
    _mro("4496", "HYD FILTER FORKLIFT P/N FF-310", "EA", 27.0, "consumable", "C", 7, "SUP-010",
         "forklift"),
    _mro("4500", "OVEN BURNER IGNITER P/N IG-220", "EA", 185.0, "spare_part", "A", 30, "SUP-022",
         "oven"),
    _mro("4501", "THERMOCOUPLE TYPE K 300MM", "EA", 58.0, "spare_part", "A", 14, "SUP-010",
         "oven"),
    _mro("4502", "OVEN DOOR GASKET SILICONE 3M", "EA", 96.0, "spare_part", "B", 21, "SUP-022",
         "oven"),
    _mro("4505", "MIXER PADDLE SCRAPER UHMW", "EA", 74.0, "spare_part", "B", 30, "SUP-022",
         "mixer"),
    _mro("4506", "GEARBOX OIL ISO VG 220", "L", 7.4, "consumable", "C", 5, "SUP-011", "mixer"),
    _mro("4507", "MIXER SHAFT SEAL 60MM P/N MS-6080", "EA", 265.0, "spare_part", "A", 30,
         "SUP-022", "mixer"),
    _mro("4510", "HEAT SEAL JAW PTFE TAPE 25MM", "ROLL", 19.0, "consumable", "C", 5, "SUP-010",
         "packing_line"),
    _mro("4511", "SEALING JAW HEATER CARTRIDGE 400W", "EA", 128.0, "spare_part", "A", 21,
         "SUP-022", "packing_line"),
    _mro("4512", "CUTTER BLADE PACKER 300MM", "EA", 88.0, "spare_part", "B", 21, "SUP-022",
         "packing_line"),
    _mro("4515", "REFRIGERANT R134A 12KG", "EA", 210.0, "consumable", "B", 7, "SUP-031",
         "chiller"),
    _mro("4516", "CHILLER CONDENSER FAN MOTOR", "EA", 640.0, "spare_part", "A", 28, "SUP-031",
         "chiller"),
    _mro("4517", "CHILLER WATER FILTER 20IN", "EA", 23.0, "consumable", "C", 5, "SUP-010",
         "chiller"),
    _mro("4520", "PRESSURE GAUGE 0-400 BAR", "EA", 72.0, "spare_part", "B", 10, "SUP-010",
         "test_stand"),
    # Dead stock: a pump cartridge for a press model the plant scrapped.
    _mro("4530", "PUMP CARTRIDGE VICKERS 25V (OLD PRESS)", "EA", 1320.0, "spare_part", "B", 60,
         "SUP-020", ""),
    # Probable duplicates of 4440, 4442 and 4420, typed differently by another buyer.
    _mro("4541", "VBELT B52 (B-SEC)", "EA", 19.2, "spare_part", "B", 5, "SUP-011",
         "air_compressor mixer conveyor"),
    _mro("4542", "BEARING 6205 2RS SKF", "EA", 8.4, "spare_part", "B", 3, "SUP-011",
         "conveyor mixer packing_line chiller"),
    _mro("4543", "HYD OIL VG46 20 LTR", "L", 4.4, "consumable", "B", 5, "SUP-010",
         "hydraulic_press hydraulic_power_unit"),
)
# fmt: on


# fmt: off
PM_TEMPLATES: tuple[PmTemplate, ...] = (
    PmTemplate("SEAL", "hydraulic_press", "run_hours", 2000, "Replace cylinder seals, check ram",
               (("4410", 1), ("4420", 20))),
    PmTemplate("OIL", "hydraulic_press", "days", 90, "Filter change, oil top-up, grease guides",
               (("4421", 1), ("4420", 10), ("4492", 1))),
    PmTemplate("FILT", "hydraulic_power_unit", "run_hours", 1000, "Return filter and oil sample",
               (("4421", 1), ("4420", 20))),
    PmTemplate("LUBE", "cnc_machine", "days", 30, "Way oil, coolant concentration, wipers",
               (("4432", 4), ("4431", 10))),
    PmTemplate("SPND", "cnc_machine", "run_hours", 4000, "Spindle bearing check / replace",
               (("4430", 2),)),
    PmTemplate("NOZ", "wave_soldering", "days", 30, "Nozzle change, solder pot dross, clean",
               (("4460", 1), ("4491", 1))),
    PmTemplate("HEAT", "reflow_oven", "run_hours", 3000, "Profile check, clean, chain lube",
               (("4491", 1), ("4492", 1))),
    PmTemplate("NOZ", "pick_and_place", "days", 60, "Nozzle set and vision calibration",
               (("4466", 4), ("4491", 1))),
    PmTemplate("CAL", "test_stand", "days", 180, "Gauge calibration", (("4520", 1),)),
    PmTemplate("SERV", "air_compressor", "run_hours", 2000, "Service: air/oil sep, oil",
               (("4450", 1), ("4451", 1), ("4452", 5))),
    PmTemplate("SERV", "forklift", "days", 90, "Service: hydraulic filter, grease, tyres",
               (("4496", 1), ("4492", 1))),
    PmTemplate("BRG", "conveyor", "run_hours", 3000, "Bearings, chain lube, belt tracking",
               (("4442", 4), ("4494", 1))),
    PmTemplate("BELT", "mixer", "days", 60, "Belts, scraper, food grease",
               (("4440", 2), ("4505", 1), ("4493", 1))),
    PmTemplate("SEAL", "mixer", "run_hours", 2500, "Shaft seal and gearbox oil",
               (("4507", 1), ("4506", 5))),
    PmTemplate("BURN", "oven", "days", 90, "Burner igniter and thermocouple check",
               (("4500", 1), ("4501", 1))),
    PmTemplate("JAW", "packing_line", "run_hours", 1500, "Sealing jaws, PTFE tape, blade",
               (("4510", 2), ("4512", 1), ("4493", 1))),
    PmTemplate("SERV", "chiller", "days", 180, "Water filter, coil clean, charge check",
               (("4517", 2),)),
)
# fmt: on


def _raw(item_id, description, uom, cost, supplier, lead=None, crit="B"):
    return Item(item_id, description, uom, cost, "raw_material", None, crit, lead, supplier)


# fmt: off
RAW_MATERIALS: tuple[Item, ...] = (
    _raw("1001", "FLOUR WHEAT T55 25KG SACK", "KG", 0.62, "SUP-002", crit="A"),
    _raw("1002", "SUGAR GRAN. 25KG", "KG", 0.95, "SUP-002"),
    _raw("1003", "BUTTER UNSALTED 82% BLOCK", "KG", 6.8, "SUP-005", crit="A"),
    _raw("1004", "YEAST DRY INSTANT 500G", "KG", 9.5, "SUP-005"),
    _raw("1005", "SALT FINE 25KG", "KG", 0.4, "SUP-002", crit="C"),
    _raw("1006", "EGG LIQUID PASTEURISED", "KG", 3.2, "SUP-005"),
    _raw("1007", "RYE FLOUR TYPE 1150", "KG", 0.8, "SUP-002"),
    _raw("1010", "FILM BOPP 30MIC 320MM", "M", 0.04, "SUP-004"),
    _raw("1011", "CARTON RSC 400x300x200", "EA", 0.55, "SUP-004"),
    _raw("1012", "LABEL 100x50 THERMAL", "EA", 0.02, "SUP-004", crit="C"),
    _raw("1020", "STEEL BAR 42CrMo4 D50", "M", 18.0, "SUP-001"),
    _raw("1021", "TUBE HONED ST52 80x100", "M", 62.0, "SUP-001", crit="A"),
    _raw("1022", "CHROME ROD CK45 40MM", "M", 38.0, "SUP-001"),
    _raw("1023", "O-RING NBR 80x3", "EA", 0.6, "SUP-010"),
    _raw("1024", "PISTON SEAL PTFE 80MM", "EA", 4.8, "SUP-001"),
    _raw("1025", "PORT FITTING 1/2 BSP", "EA", 2.1, "SUP-001", crit="C"),
    _raw("1026", "PAINT PRIMER RAL7035", "L", 9.0, "SUP-001", crit="C"),
    _raw("1040", "PCB BARE FR4 4L CTRL-100", "EA", 4.1, "SUP-003", crit="A"),
    _raw("1041", "RES 10K 0603 1%", "EA", 0.002, "SUP-003"),
    _raw("1042", "CAP 100NF 0603 X7R", "EA", 0.003, "SUP-003"),
    _raw("1043", "MCU STM32F103C8T6 LQFP48", "EA", 2.9, "SUP-003", crit="A"),
    _raw("1044", "SOLDER PASTE SAC305 T4", "KG", 95.0, "SUP-003"),
    _raw("1045", "SOLDER BAR SAC305", "KG", 48.0, "SUP-003"),
    _raw("1046", "FLUX NO-CLEAN LIQUID", "L", 22.0, "SUP-003"),
    _raw("1047", "CONN HDR 2x5 2.54MM", "EA", 0.18, "SUP-003", crit="C"),
    _raw("1048", "PCB BARE FR4 6L CTRL-200", "EA", 7.4, "SUP-003", crit="A"),
)
# fmt: on


FAMILIES = {
    f.code: f
    for f in (
        Family(
            "FOOD",
            "Bakery (croissants, loaves)",
            "S2",
            (
                Stage("mixing", 0.002, 32.0, 18.0, 0.25),
                Stage("baking", 0.003, 32.0, 40.0, 0.4),
                Stage("packing", 0.002, 28.0, 15.0, 0.4),
            ),
        ),
        Family(
            "HYD",
            "Hydraulic cylinders",
            "S1",
            (
                Stage("machining", 0.9, 45.0, 60.0, 3.0),
                Stage("assembly", 0.6, 40.0, 30.0, 2.0),
                Stage("test", 0.3, 42.0, 35.0, 1.0),
            ),
        ),
        Family(
            "PCB",
            "Controller boards (PCBA)",
            "S1",
            (
                Stage("smt", 0.05, 38.0, 55.0, 1.0),
                Stage("soldering", 0.03, 38.0, 45.0, 1.0),
                Stage("inspection", 0.02, 35.0, 20.0, 0.5),
                Stage("test", 0.04, 40.0, 25.0, 1.0),
            ),
        ),
    )
}

PRODUCTS: tuple[Product, ...] = (
    Product(
        "3001",
        "CROISSANT BUTTER 6PK",
        "FOOD",
        3.9,
        (("2001", "DOUGH - CROISSANT (LAMINATED)", 1.9), ("2002", "CROISSANT BAKED UNPACKED", 0.5)),
        {
            "mixing": (
                ("1001", 0.25),
                ("1003", 0.12),
                ("1002", 0.02),
                ("1004", 0.004),
                ("1005", 0.003),
                ("1006", 0.03),
            ),
            "baking": (("2001", 0.43),),
            "packing": (("2002", 6), ("1010", 0.35), ("1011", 0.05), ("1012", 1)),
        },
    ),
    Product(
        "3002",
        "SOURDOUGH LOAF 800G",
        "FOOD",
        2.6,
        (("2003", "DOUGH - SOURDOUGH", 0.9), ("2004", "SOURDOUGH LOAF BAKED UNWRAPPED", 2.1)),
        {
            "mixing": (("1001", 0.38), ("1007", 0.12), ("1005", 0.01), ("1004", 0.002)),
            "baking": (("2003", 0.9),),
            "packing": (("2004", 1), ("1010", 0.45), ("1011", 0.08), ("1012", 1)),
        },
    ),
    Product(
        "3020",
        "HYD CYLINDER HC-80/40-300",
        "HYD",
        640.0,
        (
            ("2020", "CYL KIT HC-80 MACHINED (TUBE+ROD)", 210.0),
            ("2021", "CYL ASSY HC-80/40 UNTESTED", 420.0),
        ),
        {
            "machining": (("1020", 0.35), ("1021", 0.32), ("1022", 0.34)),
            # The torque wrench sits in this BOM: someone costed the tool into the product.
            "assembly": (("2020", 1), ("1023", 2), ("1024", 1), ("1025", 2), ("4480", 0.02)),
            "test": (("2021", 1), ("1026", 0.1)),
        },
    ),
    Product(
        "3021",
        "HYD CYLINDER HC-63/32-200",
        "HYD",
        470.0,
        (("2022", "CYL KIT HC-63 MACHINED", 150.0), ("2023", "CYL ASSY HC-63/32 UNTESTED", 300.0)),
        {
            "machining": (("1020", 0.25), ("1021", 0.22), ("1022", 0.24)),
            "assembly": (("2022", 1), ("1023", 2), ("1024", 1), ("1025", 2)),
            "test": (("2023", 1), ("1026", 0.08)),
        },
    ),
    Product(
        "3040",
        "CONTROLLER BOARD CTRL-100",
        "PCB",
        38.0,
        (
            ("2040", "PCBA CTRL-100 SMT", 14.0),
            ("2041", "PCBA CTRL-100 SOLDERED", 18.0),
            ("2042", "PCBA CTRL-100 INSPECTED", 21.0),
        ),
        {
            "smt": (("1040", 1), ("1041", 42), ("1042", 36), ("1043", 1), ("1044", 0.004)),
            "soldering": (("2040", 1), ("1047", 2), ("1045", 0.01), ("1046", 0.005)),
            "inspection": (("2041", 1), ("4491", 0.002)),
            "test": (("2042", 1),),
        },
    ),
    Product(
        "3041",
        "CONTROLLER BOARD CTRL-200",
        "PCB",
        61.0,
        (
            ("2043", "PCBA CTRL-200 SMT", 24.0),
            ("2044", "PCBA CTRL-200 SOLDERED", 29.0),
            ("2045", "PCBA CTRL-200 INSPECTED", 33.0),
        ),
        {
            "smt": (("1048", 1), ("1041", 64), ("1042", 58), ("1043", 2), ("1044", 0.006)),
            "soldering": (("2043", 1), ("1047", 4), ("1045", 0.014), ("1046", 0.007)),
            "inspection": (("2044", 1), ("4491", 0.003)),
            "test": (("2045", 1),),
        },
    ),
)

# --- planted cases (listed again, with details, in planted_anomalies.csv) -----------------
GLOVES_ITEM_ID = "4471"  # safety gear recorded as WIP
WRENCH_ITEM_ID = "4480"  # a tool in the BOM of WRENCH_BOM_PARENT
WRENCH_BOM_PARENT = "3020"
SEAL_KIT_ITEM_ID = "4410"  # critical spare filed as a general consumable, criticality C
SOLVENT_ITEM_ID = "4490"  # over-ordered: reorder_qty and stock far above use
DUAL_USE_ITEM_ID = "4491"  # issued to production orders and to work orders
DEAD_STOCK_ITEM_ID = "4530"  # in stock, no movement since the opening balance
DUPLICATE_PAIRS = (("4541", "4440"), ("4542", "4442"), ("4543", "4420"))
DEMAND_SPIKE = ("3001", "S2", "2025-08-11")  # item, site, first day of a 5x sales week
STALLED_ORDER_ID = "MO-2509-0042"  # CTRL-100 batch stuck at soldering


class StalledOrder(TypedDict):
    product: str  # item id
    site: str
    qty: int
    released: str  # ISO timestamps
    stage_started: str


STALLED_ORDER = StalledOrder(
    product="3040",
    site="S1",
    qty=400,
    released="2025-09-05T07:00:00",
    stage_started="2025-09-08T06:00:00",
)
# Criticality-A spares whose days of cover are below their lead time at AS_OF.
CRITICAL_SHORT_ITEM_IDS = ("4410", "4412", "4430", "4462", "4507")
# Cycle-count variances: on_hand_qty - book balance at AS_OF.
COUNT_VARIANCES = (
    ("4442", "S2", -6),
    ("4473", "S1", -3),
    ("1041", "S1", -1500),
    ("4466", "S1", 4),
    ("1001", "S2", -75),
)

NAMED_ITEMS: tuple[Item, ...] = RAW_MATERIALS + MRO_PARTS
