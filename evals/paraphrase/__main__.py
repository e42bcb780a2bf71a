"""`python -m evals.paraphrase [--all]`: score the planner's reading of the paraphrase set,
per half (tune / held out). Plans only: no tool runs, so it takes seconds."""

from __future__ import annotations

import sys

from evals.paraphrase.questions import FRESH, HELD_OUT, TUNE, Case
from stockwise.assistant.agent.planner.brain import Brain
from stockwise.assistant.agent.registry import ToolRegistry
from stockwise.assistant.startup import open_context
from stockwise.tools.core.errors import StockwiseError
from stockwise.tools.core.settings import get_settings
from stockwise.tools.stock.common import open_index


def reading(brain: Brain, tools: dict, text: str) -> tuple[str, dict]:
    plan = brain.plan(text, None, tools)
    if plan.calls:
        return plan.calls[0]["name"], plan.calls[0]["args"]
    asks = getattr(plan, "options", None) or plan.message.rstrip().endswith("?")
    return ("clarify" if asks else "decline"), {}


def _item_is(resolve, given: object, want: str) -> bool:
    """The item argument names `want`: as its id, or as text the tools resolve to it alone."""
    if given is None:
        return False
    try:
        codes = resolve.item_candidates(str(given))
    except StockwiseError:
        return False
    return [resolve.items.ids[c] for c in codes] == [want.lower()]


def right(case: Case, got: str, args: dict, resolve) -> bool:
    if got != case.expect and got not in case.also:
        return False
    if got != case.expect:
        return True
    for key, want in case.args.items():
        if key == "item":
            if not _item_is(resolve, args.get("item", args.get("item_id")), want):
                return False
        elif key == "within":
            given = str(args.get("within", args.get("horizon", ""))).removesuffix("d")
            if given != str(want).removesuffix("d"):
                return False
        elif str(args.get(key, "")).lower() != str(want).lower():
            return False
    return True


def main() -> None:
    ctx = open_context(get_settings())
    tools = {t.name: t for t in ToolRegistry(ctx).tools}
    brain = Brain(ctx)
    _, resolve = open_index(ctx)
    show = "--all" in sys.argv
    for name, cases in (("tune", TUNE), ("held_out", HELD_OUT), ("fresh", FRESH)):
        ok = 0
        for case in cases:
            got, args = reading(brain, tools, case.text)
            good = right(case, got, args, resolve)
            ok += good
            if show or not good:
                mark = "ok  " if good else "MISS"
                print(f"{mark} [{name}] {case.text[:60]!r} -> {got} {args} (want {case.expect})")
        print(f"{name}: {ok}/{len(cases)} = {ok / len(cases):.0%}")


if __name__ == "__main__":
    main()
