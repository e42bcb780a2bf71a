"""Machines as people name them: "press 3", "P3", "the third press", "HPU 2", "the 55 kW
compressor", "Lakeside chiller" or a model such as "VMC-600" resolve to the equipment ids
and type they mean, so the search can add them to the query the way it adds an id's type.

Built from the equipment table (id, name, type, site, and the optional columns `model`,
`manufacturer`, `line` and `location` when a dataset has them), the sites table and a short
list of the words technicians use for each kind of machine. A name that fits every unit of
a type adds just the type; one that narrows it down adds the ids too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Shop-floor words for the demo's equipment types, beyond what the table's names give.
# Keys are equipment_type codes; a dataset with other types still gets the words of its
# names and type codes.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "hydraulic_press": ("press", "presses", "250t press", "250 ton press", "250 tonne press"),
    "hydraulic_power_unit": ("power unit", "hpu", "power pack", "hydraulic unit"),
    "cnc_machine": ("cnc", "machining centre", "machining center", "vmc", "mill"),
    "wave_soldering": ("wave solder", "wave soldering", "wave solder machine", "solder wave"),
    "reflow_oven": ("reflow", "reflow oven", "smt oven", "smt line oven", "smt reflow oven"),
    "pick_and_place": ("pick and place", "pick-and-place", "placer", "pnp", "chip shooter"),
    "test_stand": ("test stand", "test rig", "test bench"),
    "air_compressor": ("compressor", "screw compressor", "air compressor"),
    "forklift": ("forklift", "fork lift", "lift truck", "fork truck", "flt"),
    "conveyor": ("conveyor", "belt conveyor", "conveyer"),
    "mixer": ("mixer", "dough mixer", "spiral mixer"),
    "oven": ("oven", "tunnel oven"),
    "packing_line": ("packing line", "packer", "flow wrapper", "wrapper", "flow-wrap", "flowwrap"),
    "chiller": ("chiller", "water chiller", "process chiller"),
}
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_NUM = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
_ID = re.compile(r"^(?P<prefix>[A-Za-z]+)-(?P<num>\d+)$")


@dataclass(frozen=True)
class Machine:
    equipment_id: str
    equipment_type: str
    number: int | None  # the trailing number of the id ("P-3" -> 3)
    site_words: frozenset[str]
    descriptors: frozenset[str]  # normalised name words, model, line, location ("55kw")


@dataclass
class Resolution:
    ids: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    """Lower case, units joined to their numbers ("55 kW" -> "55kw"), dashes as spaces."""
    text = text.lower().replace("–", "-")
    text = re.sub(r"(\d)\s+(kw|t|ton|tonne|bar|l|mm)\b", r"\1\2", text)
    return re.sub(r"\s+", " ", text)


class MachineNames:
    """Resolves the machine names in a question to equipment ids and types."""

    def __init__(
        self,
        rows: Iterable[dict[str, str]],
        site_names: dict[str, str] | None = None,
    ) -> None:
        site_names = site_names or {}
        self.machines: list[Machine] = []
        phrases: dict[str, set[str]] = {}  # phrase -> types it names
        for row in rows:
            eq_id, eq_type = str(row["equipment_id"]), str(row["equipment_type"])
            match = _ID.match(eq_id)
            number = int(match["num"]) if match else None
            name = _norm(str(row.get("name") or "").replace(eq_id, " "))
            words = set(name.split())
            for column in ("model", "manufacturer", "line", "location"):
                value = _norm(str(row.get(column) or "")).strip()
                if value and value != "nan":
                    words.add(value)
            site = str(row.get("site_id") or "")
            site_words = {site.lower()} | set(_norm(site_names.get(site, "")).split()[:1])
            self.machines.append(
                Machine(eq_id, eq_type, number, frozenset(site_words - {""}), frozenset(words))
            )
            kind_words = {eq_type.replace("_", " "), *SHORT_FORMS.get(eq_type, ())}
            # The name without its numbers ("hydraulic press 250t" -> "hydraulic press").
            kind_words.add(" ".join(w for w in name.split() if not re.search(r"\d", w)))
            for phrase in kind_words - {""}:
                phrases.setdefault(_norm(phrase), set()).add(eq_type)
        self._phrases = phrases
        # Longest phrase first, so "reflow oven" wins over "oven".
        alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        self._kind = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])") if phrases else None
        self._descriptor_words = {
            w for m in self.machines for w in m.descriptors if re.search(r"\d", w) or " " in w
        }
        self._ids = {m.equipment_id.lower(): m for m in self.machines}
        prefixes = {found["prefix"] for m in self.machines if (found := _ID.match(m.equipment_id))}
        self._bare_id = (
            re.compile(
                r"(?<![\w-])("
                + "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
                + r")\s?(\d{1,3})(?![\w-])",
                re.I,
            )
            if prefixes
            else None
        )

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word the machines are named by (ids, kinds, short forms, models, sites),
        as keywords.tokenize spells them: such words are the plant's, even when no
        document uses them ("VMC-600", "Lakeside")."""
        from stockwise.tools.documents.keywords import tokenize

        words = set(self._phrases) | set(self._ids)
        for m in self.machines:
            words |= m.descriptors | m.site_words
        return frozenset(t for w in words for t in tokenize(w))

    def resolve(self, query: str) -> Resolution:
        """The machines a question names without their ids (ids it spells out are left to
        the caller's own expansion)."""
        text = _norm(query)
        out = Resolution()
        # "P3", "CNC 4": an id typed without its hyphen.
        if self._bare_id is not None:
            for prefix, num in self._bare_id.findall(text):
                machine = self._ids.get(f"{prefix.lower()}-{int(num)}")
                if machine is not None:
                    out.ids.append(machine.equipment_id)
                    out.types.append(machine.equipment_type)
        if self._kind is None:
            return out
        for match in self._kind.finditer(text):
            types = self._phrases[match.group(1)]
            candidates = [m for m in self.machines if m.equipment_type in types]
            number = self._number_near(text, match.start(), match.end())
            if number is not None:
                numbered = [m for m in candidates if m.number == number]
                candidates = numbered or candidates
            sites = [m for m in candidates if m.site_words & set(text.split())]
            candidates = sites or candidates
            described = [
                m
                for m in candidates
                if any(d in text for d in m.descriptors & self._descriptor_words)
            ]
            candidates = described or candidates
            kinds = {m.equipment_type for m in candidates}
            out.types.extend(sorted(kinds))
            if len(candidates) < sum(1 for m in self.machines if m.equipment_type in kinds):
                out.ids.extend(m.equipment_id for m in candidates)
        out.ids = list(dict.fromkeys(out.ids))
        out.types = list(dict.fromkeys(out.types))
        return out

    @staticmethod
    def _number_near(text: str, start: int, end: int) -> int | None:
        """ "press 3", "press no. 3", "press #3", "oven two", "the third 250t press",
        "number four machining centre". A bare digit before the name is a quantity or a
        size ("2 presses"), never a unit number."""
        after = re.match(rf"\s*(?:no\.?|nr\.?|number|#)?\s*{_NUM}\b", text[end:])
        if after:
            return _as_int(after.group(1))
        words = "|".join(NUMBER_WORDS)
        before = re.search(
            rf"(?:(?:number|no\.?|nr\.?|#)\s*{_NUM}|\b({words}))\s+(?:[\w-]+\s+)?$", text[:start]
        )
        if before:
            return _as_int(before.group(1) or before.group(2))
        return None


def _as_int(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)
