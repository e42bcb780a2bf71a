"""Probable duplicate items: one thing recorded under two or more ids in the item master.

Two records name the same thing when their descriptions agree token by token once typing
habits are undone, and their unit of measure and cost agree:

- tokens are words and numbers ("BRG 6205-2RS" -> BRG, 6205, 2, RS; "VG46" -> VG, 46);
  hyphenated words are one word (V-BELT = VBELT); a standards prefix (ISO, DIN) and the
  P/N label are dropped ("HYDRAULIC OIL ISO VG 46" names grade VG 46 like "HYD OIL VG46");
- a word matches its abbreviation (same first letter, letters in order: BRG/BEARING,
  HYD/HYDRAULIC, CONTCTR/CONTACTOR) or itself with two letters swapped (INOX/NIOX);
- numbers (sizes, grades, part numbers) must agree: the same, or the shorter description
  leaves out some the longer adds (a pack size: "20 LTR"); at least one must be shared;
- what is left over may sit on one side only, and must be a word (a brand: SKF) or a
  number (a pack size); a short code is a specification (6204 ZZ vs 6204 C3). Left-overs on
  both sides are a substitution (NPN vs PNP, 100MM vs 300MM, KIT vs ASSY): different parts.
- made items whose BOMs differ are different things, whatever their descriptions say.

Records linked this way form a group; one finding per group, most confident first.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import combinations

import numpy as np
import pandas as pd

from stockwise.tools.anomalies.detectors import MAX_EVIDENCE_ROWS, Finding, _rows, _severity
from stockwise.tools.anomalies.idle import _units
from stockwise.tools.anomalies.ledger import Ledger
from stockwise.tools.dataset.model import Dataset

NOISE_TOKENS = frozenset({"ISO", "DIN", "ANSI"})
_PART_NO_LABEL = re.compile(r"\bP/N\b")
_JOINED_WORDS = re.compile(r"(?<=[A-Z])-(?=[A-Z])")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[A-Z]+")
# Blocking generates every sub-multiset of an item's numbers; past this many, only the
# full set (such long number lists are part numbers, matched whole).
_MAX_SUBSET_NUMBERS = 6
_MIN_EXTRA_WORD = 3
EVIDENCE_COLUMNS = ["item_id", "description", "uom", "supplier_id", "unit_cost",
                    "lead_time_days", "criticality", "on_hand_qty", "n_txn"]  # fmt: skip


def _number(token: str) -> str:
    whole, _, frac = token.replace(",", ".").partition(".")
    whole, frac = whole.lstrip("0") or "0", frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def tokens(description: str) -> tuple[str, ...]:
    """The description's words and numbers, normalised and sorted."""
    text = _JOINED_WORDS.sub("", _PART_NO_LABEL.sub(" ", description.upper()))
    out = [
        _number(t) if t[0].isdigit() else t for t in _TOKEN.findall(text) if t not in NOISE_TOKENS
    ]
    return tuple(sorted(out))


def _is_number(token: str) -> bool:
    return token[0].isdigit()


def _abbreviates(short: str, long: str) -> bool:
    if len(short) < 2 or len(short) >= len(long) or short[0] != long[0]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def _swapped(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < 4:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def same_word(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return _abbreviates(short, long) or _swapped(a, b)


def _split(tokens_: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        tuple(t for t in tokens_ if _is_number(t)),
        tuple(t for t in tokens_ if not _is_number(t)),
    )


@lru_cache(maxsize=1 << 16)
def _words_agree(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[int, bool, bool] | None:
    """Words matched (exactly, as an abbreviation or with two letters swapped) and whether
    each side has words left over; None when a left-over is a short code."""
    ca, cb = Counter(a), Counter(b)
    left_a, left_b = list((ca - cb).elements()), list((cb - ca).elements())
    matched = sum((ca & cb).values())
    for word in list(left_a):
        twin = next((w for w in left_b if same_word(word, w)), None)
        if twin is not None:
            left_a.remove(word)
            left_b.remove(twin)
            matched += 1
    # A left-over must be a word (a brand, a material); a short code is a specification
    # that has to match (bearing 6204 vs 6204 ZZ vs 6204-2RS vs 6204 C3).
    if any(len(w) < _MIN_EXTRA_WORD for w in left_a + left_b):
        return None
    return matched, bool(left_a), bool(left_b)


def text_agreement(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    """How well two token lists agree (Dice share of matched tokens, 0-1), or None when
    they name different things (see the module docstring)."""
    numbers_a, words_a = _split(a)
    numbers_b, words_b = _split(b)
    ca, cb = Counter(numbers_a), Counter(numbers_b)
    shared_numbers = sum((ca & cb).values())
    extra_a, extra_b = bool(ca - cb), bool(cb - ca)
    if (extra_a and extra_b) or ((numbers_a or numbers_b) and not shared_numbers):
        return None
    words = _words_agree(words_a, words_b)
    if words is None or words[0] == 0:
        return None
    matched, left_a, left_b = words
    if (left_a or extra_a) and (left_b or extra_b):
        return None
    return 2 * (matched + shared_numbers) / (len(a) + len(b))


def _candidate_pairs(uom: np.ndarray, numbers: list[tuple[str, ...]]) -> np.ndarray:
    """Index pairs (i < j) with the same unit of measure whose number multisets nest."""
    full = pd.DataFrame(
        {
            "i": np.arange(len(numbers)),
            "key": [f"{u}|{' '.join(n)}" for u, n in zip(uom, numbers, strict=True)],
        }
    )
    sub_i, sub_key = [], []
    for j, (u, nums) in enumerate(zip(uom, numbers, strict=True)):
        sizes = range(1, len(nums) + 1) if len(nums) <= _MAX_SUBSET_NUMBERS else [len(nums)]
        subsets = {c for k in sizes for c in combinations(nums, k)} or {()}
        for sub in subsets:
            sub_i.append(j)
            sub_key.append(f"{u}|{' '.join(sub)}")
    subs = pd.DataFrame({"j": sub_i, "key": sub_key})
    pairs = full.merge(subs, on="key")[["i", "j"]].to_numpy()
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    if not len(pairs):
        return pairs.reshape(0, 2)
    flat = np.unique(pairs[:, 0].astype(np.int64) * len(numbers) + pairs[:, 1])
    return np.column_stack(np.divmod(flat, len(numbers)))


def _chain_edges(
    cost: np.ndarray, group: np.ndarray, member: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Price links inside each group: neighbours in cost order within `tolerance`, as
    (member, member, relative price gap, group).

    Linking only neighbours gives the same groups as linking every pair within tolerance
    (whatever lies between two close prices is close to both), in n log n instead of n^2."""
    order = np.lexsort((cost, group))
    g, c, m = group[order], cost[order], member[order]
    same = g[1:] == g[:-1]
    gap = (c[1:] - c[:-1]) / np.maximum(c[1:], 1e-12)
    ok = same & (gap <= tolerance)
    return m[:-1][ok], m[1:][ok], gap[ok], g[1:][ok]


def duplicate_items(
    ds: Dataset,
    cost_tolerance: float = 0.10,
    min_confidence: float = 0.5,
    ledger: Ledger | None = None,
) -> list[Finding]:
    """Groups of item ids that look like one thing: descriptions that agree (module
    docstring), the same unit of measure, and costs within `cost_tolerance` of each other.
    Confidence = text agreement x price agreement; the item most in use is the one to keep."""
    items = ds.items.drop_duplicates("item_id").reset_index(drop=True)
    if items.empty:
        return []
    toks = [tokens(d) for d in items["description"].fillna("").astype(str)]
    uom = items["uom"].fillna("").astype(str).str.upper().to_numpy()
    # Made items are what their BOMs say they are: the recipe is part of their identity.
    boms = ds.boms.groupby("parent_item_id")["component_item_id"].agg(
        lambda c: " ".join(sorted(set(c)))
    )
    recipe = items["item_id"].map(boms).fillna("").to_numpy(dtype=object)
    # Items with the same unit, tokens and recipe form one text class; classes are compared
    # once each, not item by item (a big plant holds hundreds of records of one spray).
    keys = [f"{u}|{' '.join(t)}|{r}" for u, t, r in zip(uom, toks, recipe, strict=True)]
    cls = pd.factorize(pd.Series(keys))[0]
    reps = pd.Series(np.arange(len(items))).groupby(cls).first().to_numpy()
    rep_toks = [toks[i] for i in reps]
    rep_numbers = [tuple(t for t in tk if _is_number(t)) for tk in rep_toks]
    cost = items["unit_cost"].fillna(0.0).to_numpy(dtype=float)
    members = np.arange(len(items))
    # Same text: chain each class by price.
    a, b, gap, _ = _chain_edges(cost, cls, members, cost_tolerance)
    text = np.ones(len(a))
    # Different text that agrees: each accepted pair of classes chained by price.
    class_pairs = _candidate_pairs(uom[reps], rep_numbers)
    scored = [
        (x, y, text_agreement(rep_toks[x], rep_toks[y]))
        for x, y in class_pairs
        if not (recipe[reps[x]] and recipe[reps[y]])  # two different recipes
    ]
    agreed = [(x, y, score) for x, y, score in scored if score is not None]
    if agreed:
        pair_x, pair_y, pair_score = (np.array(v) for v in zip(*agreed, strict=True))
        by_class = pd.Series(members).groupby(cls).agg(list)
        sizes_x = by_class.loc[pair_x].str.len().to_numpy()
        sizes_y = by_class.loc[pair_y].str.len().to_numpy()
        pair_id = np.repeat(np.arange(len(pair_x)), sizes_x + sizes_y)
        pool = np.concatenate(
            [
                np.concatenate([by_class[x], by_class[y]])
                for x, y in zip(pair_x, pair_y, strict=True)
            ]
        ).astype(np.int64)
        xa, xb, xgap, xpair = _chain_edges(cost[pool], pair_id, pool, cost_tolerance)
        cross = cls[xa] != cls[xb]
        a = np.concatenate([a, xa[cross]])
        b = np.concatenate([b, xb[cross]])
        gap = np.concatenate([gap, xgap[cross]])
        text = np.concatenate([text, pair_score[xpair[cross]].astype(float)])
    confidence = text * (1 - gap)
    ok = confidence >= min_confidence
    a, b, confidence = a[ok], b[ok], confidence[ok]
    if not len(a):
        return []
    return _group_findings(ds, items, a, b, confidence, ledger or Ledger(ds))


def _group_findings(
    ds: Dataset,
    items: pd.DataFrame,
    a: np.ndarray,
    b: np.ndarray,
    confidence: np.ndarray,
    ledger: Ledger,
) -> list[Finding]:
    """One finding per linked group: keep the id most in use, merge the others into it."""
    # scipy loads when duplicates are grouped, not with the tool list: importing
    # stockwise.tools.anomalies took 0.94 s of CPU with it, 0.76 s without.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(items)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    ids = items["item_id"].astype(str)
    on_hand = ds.stock_levels.groupby("item_id", observed=True)["on_hand_qty"].sum()
    moves = ledger.balances.groupby("item_id", observed=True)["n_txn"].sum()
    members = np.unique(np.concatenate([a, b]))
    table = items.iloc[members][EVIDENCE_COLUMNS[:-2]].assign(
        on_hand_qty=ids.iloc[members].map(on_hand).fillna(0.0).to_numpy(),
        n_txn=ids.iloc[members].map(moves).fillna(0).astype(int).to_numpy(),
        group=label[members],
    )
    table["item_id"] = table["item_id"].astype(str)
    table["value"] = table["on_hand_qty"] * table["unit_cost"].fillna(0.0)
    table = table.sort_values(["group", "n_txn", "item_id"], ascending=[True, False, True])
    records = _rows(table[EVIDENCE_COLUMNS], len(table))
    starts = np.flatnonzero(
        np.r_[True, table["group"].to_numpy()[1:] != table["group"].to_numpy()[:-1]]
    )
    bounds = np.r_[starts, len(table)]
    # Each group's strongest link to the id it keeps, and its mean link confidence.
    keeper = pd.Series(table["item_id"].to_numpy()[starts], index=table["group"].to_numpy()[starts])
    edges = pd.DataFrame(
        {
            "a": ids.to_numpy()[a],
            "b": ids.to_numpy()[b],
            "confidence": confidence,
            "group": label[a],
        }
    )
    edges["keep"] = edges["group"].map(keeper)
    touching = edges[(edges["a"] == edges["keep"]) | (edges["b"] == edges["keep"])]
    touching = touching.sort_values("confidence", ascending=False).drop_duplicates("group")
    twin_of = pd.Series(
        np.where(touching["a"] == touching["keep"], touching["b"], touching["a"]),
        index=touching["group"],
    )
    mean_conf = edges.groupby("group")["confidence"].mean()
    value_col, qty_col = table["value"].to_numpy(), table["on_hand_qty"].to_numpy()
    cost_col = table["unit_cost"].fillna(0.0).to_numpy()
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rows = records[lo:hi]
        keep, others = rows[0], rows[1:]
        group = int(table["group"].iat[lo])
        twin = str(twin_of.get(group, others[0]["item_id"]))
        conf = round(float(mean_conf[group]), 2)
        value = float(value_col[lo + 1 : hi].sum())
        if len(rows) == 2:
            head = (
                f'{keep["item_id"]} "{keep["description"]}" and {twin} '
                f'"{others[0]["description"]}" look like one item under two ids'
            )
        else:
            names = ", ".join(r["item_id"] for r in others[:8]) + (
                ", ..." if len(others) > 8 else ""
            )
            head = (
                f"{len(rows)} ids look like one item: "
                f'{keep["item_id"]} "{keep["description"]}" and {names}'
            )
        costs = cost_col[lo:hi]
        out.append(
            Finding(
                kind="duplicate_item",
                item_id=twin,
                ref_id=keep["item_id"],
                related_ids=[r["item_id"] for r in rows],
                severity=_severity(value, 20_000, 2_000),
                confidence=conf,
                value_at_stake=round(value, 2),
                summary=(
                    f"{head}: same unit of measure, cost {costs.min():g} to {costs.max():g}, "
                    f"confidence {conf:.2f}. Keep {keep['item_id']} ({keep['n_txn']} "
                    f"movements); {_units(qty_col[lo + 1 : hi].sum())} worth {value:,.0f} "
                    f"{'sits' if qty_col[lo + 1 : hi].sum() == 1 else 'sit'} under the other ids"
                ),
                evidence_rows=rows[:MAX_EVIDENCE_ROWS],
            )
        )
    return sorted(out, key=lambda f: (-f.confidence, -f.value_at_stake))
