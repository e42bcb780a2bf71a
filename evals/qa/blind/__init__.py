"""The blind Q&A set (issue 19): questions written from the user's side, frozen.

`questions.yaml` holds the questions as data; `load()` reads and checks them (a question
without an expectation that can fail is refused), and `resolve()` turns a question's
expectation into a `scoring.Expectation` by asking the independent oracle."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evals.qa.scoring import (
    OUTCOMES,
    Approval,
    Expectation,
    FigureSpec,
    MissingExpectation,
)

PATH = Path(__file__).with_name("questions.yaml")

# The question types of docs/agent.md, by their tool, and the three kinds that must not be
# answered from the data.
TYPES = (
    "on_hand",
    "find_items",
    "demand",
    "movements",
    "below_reorder_point",
    "run_out_within",
    "days_of_cover",
    "inventory_value",
    "variance",
    "open_wip_orders",
    "wip_value",
    "stalled_orders",
    "slow_moving_and_excess",
    "search_documents",
    "forecast_demand",
    "lead_time_demand",
    "demand_profile",
    "classify_item",
    "suspected_misclassifications",
    "find_anomalies",
    "recommend_reorder",
    "stockout_risk",
    "wip_component_needs",
    "simulate_policy",
    "draft_purchase_requisitions",
)
UNANSWERABLE = ("out_of_scope", "hostile", "action")
ALL_TYPES = TYPES + UNANSWERABLE

# Ways a period is said, each with every reading a careful person could mean (whole days,
# both ends included). The snapshot day is 2025-09-30.
WINDOWS: dict[str, list[tuple[str, str]]] = {
    # README.md: "last month" means September 2025; in calendar terms it is August.
    "last_month": [("2025-09-01", "2025-09-30"), ("2025-08-01", "2025-08-31")],
    "july": [("2025-07-01", "2025-07-31")],
    "august": [("2025-08-01", "2025-08-31")],
    "september": [("2025-09-01", "2025-09-30")],
    "q3": [("2025-07-01", "2025-09-30")],
    "since_july": [("2025-07-01", "2025-09-30")],
    "ytd": [("2025-01-01", "2025-09-30")],
    # "the past 90 days": 90 or 91 days ending on the snapshot day, or starting 90 days back
    "past_90": [
        ("2025-07-01", "2025-09-30"),
        ("2025-07-02", "2025-09-30"),
        ("2025-07-03", "2025-09-30"),
    ],
    "past_30": [("2025-08-31", "2025-09-30"), ("2025-09-01", "2025-09-30")],
}

QUESTION_KEYS = {"id", "type", "thread", "q", "expect"}
EXPECT_KEYS = {
    "outcome",
    "figures",
    "context",
    "ids",
    "ids_any",
    "ids_min",
    "ids_none",
    "first_id",
    "ids_within",
    "label",
    "demand_class",
    "text_any",
    "text_all",
    "text_none",
    "approval",
}
FIGURE_KEYS = {
    "of",
    "args",
    "value",
    "any_of",
    "kind",
    "unit",
    "with_unit",
    "headline",
    "tol",
    "abs_tol",
    "signed",
}


@dataclass(frozen=True)
class BlindQuestion:
    qid: str
    type: str
    text: str
    expect: dict
    thread: str | None = None

    @property
    def unanswerable(self) -> bool:
        return self.type in UNANSWERABLE


def digest(path: Path = PATH) -> str:
    """The whole file's digest: changes with an expectation correction (logged in its
    header) as well as with a question."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def questions_digest(path: Path = PATH) -> str:
    """The digest of the questions alone (id, type, thread, text): never changes."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = [[q["id"], q["type"], q.get("thread"), q["q"]] for q in doc["questions"]]
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()


def load(path: Path = PATH) -> list[BlindQuestion]:
    """The questions, checked: known fields and types, unique ids, and an expectation on
    every question (`MissingExpectation` names the first one without)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not doc.get("frozen"):
        raise ValueError(f"{path} must say it is frozen")
    out: list[BlindQuestion] = []
    seen: set[str] = set()
    for raw in doc["questions"]:
        unknown = set(raw) - QUESTION_KEYS
        if unknown:
            raise ValueError(f"{raw.get('id')}: unknown fields {sorted(unknown)}")
        qid = raw["id"]
        if qid in seen:
            raise ValueError(f"{qid}: id used twice")
        seen.add(qid)
        if raw.get("type") not in ALL_TYPES:
            raise ValueError(f"{qid}: unknown type {raw.get('type')!r}")
        expect = raw.get("expect")
        if not expect:
            raise MissingExpectation(f"{qid}: no expectation")
        unknown = set(expect) - EXPECT_KEYS
        if unknown:
            raise ValueError(f"{qid}: unknown expectation fields {sorted(unknown)}")
        outcome = _outcomes(expect)
        if raw["type"] in UNANSWERABLE and "answer" in outcome:
            raise ValueError(f"{qid}: a {raw['type']} question cannot expect an answer")
        for fig in expect.get("figures", []) + expect.get("context", []):
            unknown = set(fig) - FIGURE_KEYS
            if unknown:
                raise ValueError(f"{qid}: unknown figure fields {sorted(unknown)}")
        if outcome == ("answer",) and not (set(expect) - {"outcome", "context", "ids_min"}):
            raise MissingExpectation(f"{qid}: expects an answer but says nothing it must hold")
        out.append(BlindQuestion(qid, raw["type"], str(raw["q"]), expect, raw.get("thread")))
    return out


def _outcomes(expect: dict) -> tuple[str, ...]:
    outcome = expect.get("outcome", "answer")
    outcomes = tuple(outcome) if isinstance(outcome, list) else (outcome,)
    for o in outcomes:
        if o not in OUTCOMES:
            raise ValueError(f"unknown outcome {o!r}")
    return outcomes


# --- resolving an expectation with the oracle -------------------------------------------
def _call(oracle: Any, spec: dict) -> list[Any]:
    """Every value the oracle gives for `spec` (several when a window has several
    readings)."""
    if "value" in spec:
        return [spec["value"]]
    if "any_of" in spec:
        return [v for alt in spec["any_of"] for v in _call(oracle, alt)]
    method = getattr(oracle, spec["of"])
    args = dict(spec.get("args") or {})
    window = args.pop("window", None)
    if window is None:
        return [method(**args)]
    return [method(**args, start=start, end=end) for start, end in WINDOWS[window]]


def _one(oracle: Any, spec: Any) -> Any:
    if isinstance(spec, dict):
        values = _call(oracle, spec)
        if len(values) != 1:
            raise ValueError(f"{spec} gives {len(values)} values where one is needed")
        return values[0]
    return spec


def _ids(oracle: Any, spec: Any) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, dict):
        value = _one(oracle, spec)
        return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
    return [str(_one(oracle, s)) for s in spec]


def _figure(oracle: Any, spec: dict) -> FigureSpec:
    values = sorted({float(v) for v in _call(oracle, spec)})
    return FigureSpec(
        values=values,
        kind=spec.get("kind", "other"),
        tol=spec.get("tol"),
        abs_tol=spec.get("abs_tol"),
        headline=bool(spec.get("headline", False)),
        unit=spec.get("unit"),
        signed=bool(spec.get("signed", False)),
        label=spec.get("of", "figure"),
        with_unit=bool(spec.get("with_unit", False)),
    )


def resolve(question: BlindQuestion, oracle: Any) -> Expectation:
    e = question.expect
    within = e.get("ids_within")
    approval = e.get("approval")
    exp = Expectation(
        outcome=_outcomes(e),
        figures=[_figure(oracle, f) for f in e.get("figures", [])],
        context=[_figure(oracle, f) for f in e.get("context", [])],
        ids=_ids(oracle, e.get("ids")),
        ids_any=_ids(oracle, e.get("ids_any")),
        ids_any_min=int(e.get("ids_min", 1)),
        first_id=str(_one(oracle, e["first_id"])) if e.get("first_id") else None,
        ids_none=_ids(oracle, e.get("ids_none")),
        ids_within=_ids(oracle, within) if within is not None else None,
        ids_within_min_precision=float(within.get("precision", 1.0))
        if isinstance(within, dict)
        else 1.0,
        label=str(_one(oracle, e["label"])) if e.get("label") else None,
        demand_class=str(_one(oracle, e["demand_class"])) if e.get("demand_class") else None,
        text_any=[str(_one(oracle, t)) for t in e.get("text_any", [])],
        text_all=[str(_one(oracle, t)) for t in e.get("text_all", [])],
        text_none=[str(_one(oracle, t)) for t in e.get("text_none", [])],
        approval=Approval(
            approval.get("action", "draft_purchase_requisitions"), approval.get("args") or {}
        )
        if approval
        else None,
    )
    if not exp.discriminating(question.text):
        raise MissingExpectation(f"{question.qid}: nothing in its expectation can fail")
    return exp
