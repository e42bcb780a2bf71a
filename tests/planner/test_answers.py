"""The planner's answer writers on real tool results from the demo plant: every figure is
grounded, the opening sentence carries the count, rows carry the fields that matter for the
tool (and not the generic digest's), cut lists say how many there are, and the wording
follows what the data shows (none, one, many)."""

from __future__ import annotations

import json
import logging

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from markdown_it import MarkdownIt

from stockwise.assistant.agent.grounding import ungrounded_figures
from stockwise.assistant.agent.planner.answers.registry import WRITERS, failures
from stockwise.assistant.agent.planner.answers.words import MAX_ROWS, Scope, num, qty
from stockwise.assistant.agent.planner.render import render_answer
from stockwise.assistant.agent.registry import (
    domain_tools,
    input_model,
    result_to_json,
)
from stockwise.tools.core.settings import get_settings
from stockwise.tools.dataset.context import ToolContext

TOOLS = {fn.__name__: fn for fn in domain_tools()}
SITES = {"S1": "Riverside Plant", "S2": "Lakeside Plant"}
# Labels of the generic digest: a worded answer never falls back to them.
DIGEST = ("item id", "mro subtype", "recorded category", "corrected category", "- count:")


@pytest.fixture
def ctx(demo_dataset):
    return ToolContext(dataset=demo_dataset, settings=get_settings())


@pytest.fixture
def writer_failures():
    """The process-wide count of writer failures, from zero for this test."""
    failures.reset()
    yield failures
    failures.reset()


def run(ctx, name: str, **args) -> dict:
    fn = TOOLS[name]
    return json.loads(result_to_json(fn(ctx, input_model(fn)(**args))))


def answer(name: str, data: dict, question: str = "", **entities) -> str:
    msg = ToolMessage(content=json.dumps(data), name=name, tool_call_id="t")
    text = render_answer("HEADLINE", [msg], scope=Scope(entities, SITES))
    assert ungrounded_figures(text, [HumanMessage(question), msg]) == [], text
    return text


def bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


FAST_CALLS = [
    ("on_hand", {"item": "4430"}),
    ("on_hand", {"item": "nitrile gloves"}),
    ("find_items", {"query": "bearing"}),
    ("movements", {"item": "4430"}),
    ("demand", {"item": "1007", "start": "2025-08-01", "end": "2025-08-31"}),
    ("demand", {"category": "mro", "mro_subtype": "spare_part"}),
    ("below_reorder_point", {"site": "S2"}),
    ("days_of_cover", {"item": "1007"}),
    ("run_out_within", {"within": 30}),
    ("inventory_value", {"by": "supplier"}),
    ("variance", {}),
    ("slow_moving_and_excess", {}),
    ("open_wip_orders", {}),
    ("wip_value", {}),
    ("stalled_orders", {}),
    ("lead_time_demand", {"item": "4430"}),
    ("demand_profile", {"item": "1007"}),
    ("recommend_reorder", {"group": "mro"}),
    ("simulate_policy", {"item_id": "4430"}),
    ("draft_purchase_requisitions", {"group": "mro", "critical_only": True}),
]


@pytest.mark.parametrize(
    "name,args", FAST_CALLS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(FAST_CALLS)]
)
def test_each_tool_gets_a_worded_grounded_markdown_answer(ctx, name, args):
    text = answer(name, run(ctx, name, **args))
    assert not text.startswith("HEADLINE")  # worded by the tool's writer, not the digest
    assert not any(label in text for label in DIGEST), text
    assert "N/A" not in text and "None" not in text
    tokens = MarkdownIt().parse(text)
    assert tokens and tokens[0].type == "paragraph_open"  # opens with a sentence
    if bullets(text):
        assert any(t.type == "bullet_list_open" for t in tokens)


def test_run_out_within_lead_time_opens_with_the_count_and_lists_the_decisive_fields(ctx):
    data = run(
        ctx, "run_out_within", within="lead_time", category="mro", mro_subtype="spare_part",
        criticality="A",
    )  # fmt: skip
    assert 0 < data["count"] <= MAX_ROWS
    text = answer("run_out_within", data)
    opening = text.split("\n\n")[0]
    assert opening.startswith(f"{data['count']} spare parts (criticality A) run out within")
    zero = [r["item_id"] for r in data["items"] if r["on_hand"] == 0]
    assert zero and f"Already at zero: {', '.join(zero)}." in opening
    rows = bullets(text)
    assert len(rows) == data["count"]
    for row, item in zip(rows, data["items"], strict=True):
        assert row.startswith(f"- {item['item_id']} ")
        assert f"{num(item['days_of_cover'])} days of cover" in row
        assert f"lead time {num(item['lead_time_days'])} days" in row
        assert f"{qty(item['avg_daily_demand'], item['uom'])}/day" in row
        assert "(crit A)" not in row  # the filter says it once, in the opening
    assert "First rows only" not in text  # nothing left out


def test_a_cut_list_says_how_many_there_are_and_shows_the_top_rows(ctx):
    data = run(ctx, "below_reorder_point")
    assert data["count"] > MAX_ROWS
    text = answer("below_reorder_point", data)
    assert text.startswith(f"{num(data['count'])} items are at or below the reorder point")
    assert f"First rows only, {num(data['count'])} in all." in text
    rows = bullets(text)
    assert len(rows) == MAX_ROWS
    first = data["rows"][0]
    assert f"reorder point {num(first['reorder_point'])}" in rows[0]
    assert f"short {num(first['shortfall'])}" in rows[0]


def test_on_hand_of_one_item_at_several_sites_lists_each_site(ctx):
    data = run(ctx, "on_hand", item="4482")
    (item,) = data["items"]
    assert len(item["sites"]) > 1
    text = answer("on_hand", data)
    assert text.startswith(f"4482 {item['description']}: {qty(item['on_hand'], item['uom'])}")
    for site, row in zip(item["sites"], bullets(text), strict=True):
        assert row.startswith(f"- {site['site_id']} ({site['site_name']}): {num(site['on_hand'])}")
        assert f"reorder point {num(site['reorder_point'])}" in row


def test_on_hand_at_a_site_without_a_stock_record_says_so(ctx):
    data = run(ctx, "on_hand", item="4430", site="S2")
    assert data["items"][0]["sites"] == []
    text = answer("on_hand", data)
    assert "at S2 (Lakeside Plant): 0 EA on hand" in text
    assert "no stock record" in text


def test_a_description_fitting_several_items_names_each(ctx):
    data = run(ctx, "on_hand", item="nitrile gloves")
    text = answer("on_hand", data)
    assert text.startswith(f"{len(data['items'])} items fit 'nitrile gloves'")
    assert [r.split()[1] for r in bullets(text)] == [i["item_id"] for i in data["items"]]


def test_nothing_found_is_said_in_words(ctx):
    stalled = run(ctx, "stalled_orders", factor=100000)
    assert stalled["count"] == 0
    assert answer("stalled_orders", stalled).startswith("No open order is stalled")
    variance = run(ctx, "variance", min_abs_value=1e12)
    assert answer("variance", variance).startswith("On hand matches the books: no variance")


def test_a_filter_the_tool_could_not_apply_is_pointed_out(ctx):
    data = run(ctx, "stalled_orders")  # stalled_orders takes no site
    text = answer("stalled_orders", data, site="S2")
    assert "Not narrowed to S2 (Lakeside Plant)" in text


def test_a_unit_that_reads_like_a_scale_is_bracketed_and_stays_grounded(ctx):
    data = run(ctx, "below_reorder_point", site="S2", limit=500)
    metres = [r for r in data["rows"] if r["uom"] == "M"]
    assert metres
    data["rows"] = metres
    text = answer("below_reorder_point", data)  # grounded: "170.5 M" would read as millions
    assert f"{num(metres[0]['on_hand'])} (M) on hand" in text


def test_a_result_of_another_shape_falls_back_to_the_digest_without_blanks(writer_failures):
    data = {"requisitions": [{"requisition_id": "PR-7", "qty": 12, "note": None}], "total": 5}
    msg = ToolMessage(
        content=json.dumps(data), name="draft_purchase_requisitions", tool_call_id="t"
    )
    text = render_answer("Purchase requisitions:", [msg])
    assert text.startswith("Purchase requisitions:") and "PR-7" in text and "qty 12" in text
    assert "note" not in text  # a blank field is left out, not shown as "-"
    # The writer misread the result (no "drafts"): the digest answered, and it is counted.
    assert writer_failures.by_tool() == {"draft_purchase_requisitions": 1}


def test_a_failing_writer_is_logged_and_counted_and_the_digest_answers(
    ctx, monkeypatch, caplog, writer_failures
):
    def broken(data: dict, scope: Scope) -> list[str]:
        return [f"{data['no such field']}"]

    monkeypatch.setitem(WRITERS, "on_hand", broken)
    data = run(ctx, "on_hand", item="4430")
    with caplog.at_level(logging.ERROR):
        text = answer("on_hand", data)
        answer("on_hand", data)
    assert text.startswith("HEADLINE")  # the generic digest, under the headline
    assert "- items (1):" in text and "4430, SPINDLE BEARING" in text and "on hand 2" in text
    assert writer_failures.total() == 2 and writer_failures.by_tool() == {"on_hand": 2}
    logged = [r for r in caplog.records if r.name.endswith("planner.answers")]
    assert len(logged) == 2 and "on_hand" in logged[0].getMessage()
    assert logged[0].exc_info and logged[0].exc_info[0] is KeyError
    writer_failures.reset()
    assert writer_failures.total() == 0


def test_a_result_that_is_not_an_object_gets_the_digest_and_is_no_writer_failure(
    writer_failures,
):
    msg = ToolMessage(content="plain text from a test double", name="on_hand", tool_call_id="t")
    assert render_answer("On hand:", [msg]) == "On hand:\n\nplain text from a test double"
    assert writer_failures.total() == 0


def test_a_writer_that_works_is_no_failure(ctx, writer_failures):
    answer("on_hand", run(ctx, "on_hand", item="4430"))
    assert writer_failures.total() == 0


def test_why_adds_the_definition_and_the_evidence(ctx):
    data = run(ctx, "days_of_cover", item="4430")
    msg = ToolMessage(content=json.dumps(data), name="days_of_cover", tool_call_id="t")
    text = render_answer("", [msg], "Days of cover = on hand / average daily demand.")
    assert "How it is worked out: Days of cover = on hand" in text
    assert "- computed from: stock_levels" in text
    assert ungrounded_figures(text, [msg]) == []


@pytest.mark.slow
def test_classification_answers_say_what_the_item_is_and_why(ctx):
    data = run(ctx, "classify_item", item_id="4471")
    c = data["item"]
    assert c["predicted_category"] == "mro" and c["recorded_category"] == "wip"
    text = answer("classify_item", data)
    assert text.startswith("4471 NITRILE GLOVES L BOX/100 is MRO (safety item), not WIP")
    assert "Why: issued to" in text and "the ERP records it as" not in text
    assert f"Value at stake: {c['value_at_stake']:,.2f}." in text
    assert "corrected category" not in text and " -," not in text
    suspects = run(ctx, "suspected_misclassifications")
    text = answer("suspected_misclassifications", suspects)
    assert text.startswith(f"{num(suspects['n_suspects'])} items look misfiled")
    assert suspects["suspects"][0]["item_id"] in bullets(text)[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name,args",
    [
        ("find_anomalies", {}),
        ("search_documents", {"query": "how do I replace the seal on press P-3"}),
        ("stockout_risk", {"horizon_days": 30}),
        ("wip_component_needs", {}),
        ("forecast_demand", {"item": "4430"}),
    ],
)
def test_slow_tools_get_worded_grounded_answers(ctx, name, args):
    text = answer(name, run(ctx, name, **args), question=args.get("query", ""))
    assert not text.startswith("HEADLINE") and "item id" not in text


def test_cover_answers_name_the_demand_window(ctx):
    data = run(ctx, "days_of_cover", item="4490")
    text = answer("days_of_cover", data)
    assert "2,002.5 days of cover" in text
    assert "used in the 90 days to 2025-09-30 18:00" in text
    text = answer("slow_moving_and_excess", run(ctx, "slow_moving_and_excess"))
    assert "average daily demand of the 90 days to 2025-09-30 18:00" in text


def test_an_item_with_no_stock_record_at_the_site_is_not_given_unlimited_cover(ctx):
    # 4490 is stocked at S1 only.
    data = run(ctx, "days_of_cover", item="4490", site="S2")
    text = answer("days_of_cover", data, site="S2")
    assert "has no stock record at S2 (Lakeside Plant)" in text
    assert "unlimited" not in text and "0 EA on hand" not in text


def test_spend_questions_get_the_money_figure_and_its_cost_basis(ctx):
    data = run(ctx, "demand", item="4471", start="2024-01-01", end="2024-12-31")
    assert data["value"] == pytest.approx(data["demand"] * data["top_items"][0]["unit_cost"])
    text = answer("demand", data, question="how much did we spend on nitrile gloves last year")
    assert f"worth {data['value']:,.2f} USD at standard unit cost" in text
    assert "no purchase prices" in text


def test_both_wip_answers_say_which_figure_they_give_and_point_to_the_other(ctx):
    orders = answer("wip_value", run(ctx, "wip_value"))
    assert "WIP value of the open production orders, as the data contract defines it" in orders
    assert "the WIP line of inventory value by category" in orders
    value = run(ctx, "inventory_value", by="category")
    wip = next(g for g in value["groups"] if g["key"] == "wip")
    text = answer("inventory_value", value)
    assert f"The WIP line ({wip['value']:,.2f} USD) is stock of items recorded as WIP" in text
    assert "what is our WIP worth?" in text
