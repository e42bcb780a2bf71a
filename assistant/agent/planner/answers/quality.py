"""Answers about data quality and documents: what an item really is, misfiled categories,
anomalies, and what the manuals, SOPs and failure reports say."""

from __future__ import annotations

import re

from stockwise.assistant.agent.planner.answers.registry import writer
from stockwise.assistant.agent.planner.answers.words import (
    MAX_ROWS,
    Scope,
    bullets,
    category,
    count,
    item_name,
    join,
    left_out,
    md,
    money,
    num,
    params_of,
    pct,
    subtype,
)
from stockwise.assistant.agent.planner.answers.words import text as plain

BEST_PASSAGE = 1200  # characters of a best passage quoted: a procedure must read whole
OTHER_PASSAGE = 220
KIND_WORDS = {"mro_in_bom": "MRO in BOM", "negative_book": "negative book balance"}
SURE = 0.8  # below this probability the classification is worded as a lean, not a verdict


def _kind(category_id: object, subtype_id: object = None) -> str:
    word = category(category_id)
    return f"{word} ({subtype(subtype_id)})" if subtype_id else word


def _reasons(explanation: str) -> list[str]:
    """The behaviour facts of a classifier explanation, without the label and the recorded
    category the answer states already."""
    body = explanation.split("): ", 1)[-1].rstrip(".")
    body = re.sub(
        r'the description ".*?" (reads|does not read) like one',
        r"the description \1 like one",
        body,
    )
    return [f for f in body.split("; ") if f and not f.startswith("the ERP records it as")]


@writer("classify_item")
def classify_item(data: dict, scope: Scope) -> list[str]:
    c = data["item"]
    p = c["probability"]
    kind = _kind(c["predicted_category"], c.get("predicted_subtype"))
    recorded = c.get("recorded_category")
    if not recorded:
        erp = ", which the ERP records with no category"
    elif recorded == c["predicted_category"]:
        erp = ", as the ERP records it"
    else:
        erp = f", not {category(recorded)} as the ERP records it"
    verdict = "is" if p >= SURE else "is probably"
    opening = f"{item_name(c)} {verdict} {kind}{erp} — probability {pct(p)}."
    if c.get("corrected_category"):
        opening += f" A person has corrected it to {category(c['corrected_category'])}."
    reasons = _reasons(str(c.get("explanation", "")))
    return [
        opening,
        f"Why: {md('; '.join(reasons))}." if reasons else "",
        f"Value at stake: {money(c['value_at_stake'])}." if c.get("value_at_stake") else "",
    ]


def _suspect_line(c: dict) -> str:
    first = _reasons(str(c.get("explanation", "")))[:1]
    recorded = category(c["recorded_category"]) if c.get("recorded_category") else ""
    verdict = f"recorded {recorded}, looks like" if recorded else "proposed"
    return (
        f"{item_name(c)}: {verdict} "
        f"{_kind(c['predicted_category'], c.get('predicted_subtype'))} ({pct(c['probability'])})"
        f" — value at stake {money(c['value_at_stake'])}" + (f"; {md(first[0])}" if first else "")
    )


@writer("suspected_misclassifications")
def suspected_misclassifications(data: dict, scope: Scope) -> list[str]:
    suspects, blank = data["suspects"], data.get("blank_tagged") or []
    n, n_blank = data["n_suspects"], data.get("n_blank", 0)
    floor = params_of(data).get("min_probability")
    sure = f" (probability at least {pct(floor)})" if floor else ""
    opening = (
        f"{count(n, 'item')} {'looks' if n == 1 else 'look'} misfiled in the ERP{sure}"
        if n
        else f"No recorded category looks wrong{sure}"
    )
    if n_blank:
        opening += f"; {count(n_blank, 'item')} {'has' if n_blank == 1 else 'have'} no category"
    blocks = [opening + "."]
    if suspects:
        blocks.append("Misfiled, ranked by confidence times value at stake:")
        blocks.append("\n".join(bullets([_suspect_line(c) for c in suspects[:MAX_ROWS]])))
        blocks.append(left_out(n, min(len(suspects), MAX_ROWS), "Run `stockwise classify`."))
    if blank:
        blocks.append("No category in the ERP, with the one proposed:")
        blocks.append("\n".join(bullets([_suspect_line(c) for c in blank[:MAX_ROWS]])))
        blocks.append(left_out(n_blank, min(len(blank), MAX_ROWS), ""))
    return blocks


def _kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " "))


@writer("find_anomalies")
def find_anomalies(data: dict, scope: Scope) -> list[str]:
    findings, n = data["findings"], data["n_findings"]
    item = params_of(data).get("item_id")
    about = f" for {item}" if item else ""
    if not n:
        return [f"No anomalies found{about}."]
    kinds = ", ".join(
        f"{_kind_word(k)} {num(v)}"
        for k, v in sorted((data.get("by_kind") or {}).items(), key=lambda kv: -kv[1])
    )
    # The kinds the question named ("duplicate items") first, the rest after, each worst
    # first as the tool ranked them.
    asked = [
        k for k in scope.entities.get("anomaly_kinds") or () if k in (data.get("by_kind") or {})
    ]
    order = "Worst first:"
    if asked:
        findings = [f for f in findings if f["kind"] in asked] + [
            f for f in findings if f["kind"] not in asked
        ]
        order = f"{' and '.join(_kind_word(k) for k in asked)} first, then the rest, worst first:"
    lines = [
        join(
            [
                f"{_kind_word(f['kind'])} ({f.get('severity', '-')})",
                f"{money(f['value_at_stake'])} at stake" if f.get("value_at_stake") else "",
                plain(f.get("summary", ""), 240),
            ],
            " — ",
        )
        for f in findings[:MAX_ROWS]
    ]
    return [
        f"{count(n, 'finding')}{about}: {kinds}. {order[0].upper()}{order[1:]}",
        "\n".join(bullets(lines)),
        left_out(n, min(len(findings), MAX_ROWS), "Run `stockwise anomalies` to see them all."),
    ]


def _cited(passage: dict) -> str:
    c = passage.get("citation") or {}
    where = join([md(str(c.get("title") or "")), md(str(c.get("section") or ""))], " › ")
    extra = join(
        [
            f"rev {c['revision']}" if c.get("revision") else "",
            f"p. {c['page']}" if c.get("page") else "",
        ],
        ", ",
    )
    return f"{c.get('doc_id', '?')} {where}" + (f" ({extra})" if extra else "")


def _quote(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " ..."
    return "\n".join(f"> {md(line)}" if line.strip() else ">" for line in text.splitlines())


@writer("search_documents")
def search_documents(data: dict, scope: Scope) -> list[str]:
    passages = data["passages"]
    if not passages:
        if not data["evidence"]["rows_used"].get("passages"):  # nothing indexed at all
            return [f"I cannot search documents: {'; '.join(data['evidence']['notes'])}."]
        return ["The plant's documents do not cover that, so I quote none of them."]
    # The two best passages whole (a failure report often ranks above the procedure), the
    # rest as one line each.
    best, rest = passages[:2], passages[2:]
    blocks = []
    for p in best:
        blocks += [f"From {_cited(p)}:", _quote(str(p.get("text", "")), BEST_PASSAGE)]
    if rest:
        blocks.append("Also relevant:")
        blocks.append(
            "\n".join(
                bullets(
                    [
                        f"{_cited(p)}: {plain(p.get('text', ''), OTHER_PASSAGE)}"
                        for p in rest[:MAX_ROWS]
                    ]
                )
            )
        )
    return blocks
