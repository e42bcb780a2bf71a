"""Test doubles for the agent: a scripted chat model and a few tiny tools over the tiny
plant (one of them an action that needs approval)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import BaseModel, ConfigDict, Field

from stockwise.tools.core.errors import UnknownItemError
from stockwise.tools.core.results import Evidence, ToolResult
from stockwise.tools.dataset.context import ToolContext


class ScriptedChatModel(BaseChatModel):
    """Replies from a script, in order; a step may be a function of the prompt. Records every
    prompt it was sent (like langgraph's FakeToolCallingModel / llm's MockModel)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    script: list[Any]
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools, **kwargs):  # type: ignore[no-untyped-def]
        self.bound_tools = [t.name for t in tools]
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.prompts.append(list(messages))
        step = self.script.pop(0)
        reply = step(messages) if isinstance(step, Callable) else step
        return ChatResult(generations=[ChatGeneration(message=reply)])


def call(name: str, args: dict, call_id: str) -> dict:
    return {"name": name, "args": args, "id": call_id, "type": "tool_call"}


def ask_tools(*calls: dict) -> AIMessage:
    return AIMessage(content="", tool_calls=list(calls))


class StockInput(BaseModel):
    item_id: str = Field(description="Item id.")


class StockResult(ToolResult):
    item_id: str
    on_hand: float


def stock_of(ctx: ToolContext, args: StockInput) -> StockResult:
    """On hand of one item across all sites."""
    levels = ctx.dataset.stock_levels
    rows = levels[levels["item_id"] == args.item_id]
    if rows.empty:
        raise UnknownItemError(args.item_id, ["4410"])
    return StockResult(
        item_id=args.item_id,
        on_hand=float(rows["on_hand_qty"].sum()),
        evidence=Evidence(
            tool="stock_of", params=args.model_dump(), rows_used={"stock_levels": len(rows)}
        ),
    )


class UnitCostInput(BaseModel):
    item_id: str


class UnitCostResult(ToolResult):
    item_id: str
    unit_cost: float


def unit_cost_of(ctx: ToolContext, args: UnitCostInput) -> UnitCostResult:
    """Standard unit cost of one item."""
    items = ctx.dataset.items.set_index("item_id")
    return UnitCostResult(
        item_id=args.item_id,
        unit_cost=float(items.loc[args.item_id, "unit_cost"]),
        evidence=Evidence(tool="unit_cost_of", params=args.model_dump()),
    )


class RequisitionInput(BaseModel):
    item_id: str
    qty: float = Field(gt=0)


class RequisitionResult(ToolResult):
    requisition_id: str
    item_id: str
    qty: float


DRAFTED: list[RequisitionInput] = []


def draft_requisition(ctx: ToolContext, args: RequisitionInput) -> RequisitionResult:
    """Draft a purchase requisition (changes something: needs a person's approval)."""
    DRAFTED.append(args)
    return RequisitionResult(
        requisition_id=f"PR-{len(DRAFTED)}",
        item_id=args.item_id,
        qty=args.qty,
        evidence=Evidence(tool="draft_requisition"),
    )


draft_requisition.is_action = True  # type: ignore[attr-defined]

TEST_TOOLS: list[Callable] = [stock_of, unit_cost_of, draft_requisition]
