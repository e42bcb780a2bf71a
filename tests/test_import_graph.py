"""evals/import_graph.py, the before/after counts of issue 16, on a planted checkout: it
must find a cycle and an upward import when there is one, in either import spelling."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def upward_imports(counter, edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return [(a, b) for a, ts in edges.items() for b in ts if counter.layer(b) > counter.layer(a)]


def plant(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_counts_cycles_and_upward_imports(tmp_path, import_graph):
    counter = import_graph
    plant(
        tmp_path,
        {
            "tools/__init__.py": "",
            "tools/errors.py": "",
            "tools/stock/__init__.py": "",
            "tools/stock/a.py": "from tools.stock import b\n",
            "tools/stock/b.py": "def f():\n    from . import a\n",  # a cycle, inside a function
            "tools/dataset/__init__.py": "",
            "tools/dataset/load.py": "import stockwise.assistant.agent.graph\n",  # upward
            "assistant/__init__.py": "",
            "assistant/agent/__init__.py": "",
            "assistant/agent/graph.py": "from stockwise.tools.errors import x\nimport pandas\n",
        },
    )
    modules, edges = counter.build(tmp_path)
    assert len(modules) == 10
    assert counter.cycles(modules, edges) == [["tools.stock.a", "tools.stock.b"]]
    assert upward_imports(counter, edges) == [("tools.dataset.load", "assistant.agent.graph")]
    assert edges["assistant.agent.graph"] == {"tools.errors"}  # pandas is not ours


def test_this_checkout_has_no_cycle_and_no_upward_import(import_graph):
    counter = import_graph
    modules, edges = counter.build(ROOT)
    assert counter.cycles(modules, edges) == []
    assert upward_imports(counter, edges) == []
