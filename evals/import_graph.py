"""The product's import graph in four counts: modules, internal import edges, cycles and
upward imports, for this checkout or another one (an older commit's worktree).

    python evals/import_graph.py [CHECKOUT] [--list]

It reads the source with `ast` and imports nothing, so it counts any checkout whichever
layout it has: the folders `assistant/`, `tools/`, `knowledge/` and `demo/`, whether their
imports are spelled `stockwise.tools.x` (one installed package) or `tools.x` (the layout
before it). Every import counts, those inside functions too (they are dependencies all the
same, and import-linter counts them). A cycle is a group of modules that import each other
directly or through others (a strongly connected component of more than one module); a
package cycle is the same between packages, each standing for the modules directly in it. An
upward import goes from a lower layer to a higher one, with the layers of issue 16 read
from the folder a module sits in (the most specific folder listed in LAYERS wins):

    0 core          tools/core, and the modules directly in tools/ (errors, results, context)
    1 dataset       tools/dataset
    2 domain tools  tools/<stock, classify, anomalies, forecast, replenish, documents, ...>
    3 agent         assistant/ (its agent modules), demo/, tools/demo, knowledge/
    4 outputs       reports (assistant/reports, tools/reports), assistant/startup
    5 surfaces      assistant/cli, service, studio, mcp
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

PACKAGES = ("assistant", "tools", "knowledge", "demo")
PREFIX = "stockwise."
# Folder (dotted) -> layer; the longest listed prefix of a module decides; any other package
# under tools/ is a domain tool package.
LAYERS = {
    "tools": 0,
    "tools.core": 0,
    "tools.dataset": 1,
    "tools.demo": 3,
    "tools.reports": 4,
    "assistant": 3,
    "demo": 3,
    "knowledge": 3,
    "assistant.reports": 4,
    "assistant.startup": 4,
    "assistant.cli": 5,
    "assistant.service": 5,
    "assistant.studio": 5,
    "assistant.mcp": 5,
}
DOMAIN_LAYER = 2  # any other folder under tools/: a domain tool package


def modules_of(root: Path) -> dict[str, Path]:
    """Dotted module name (without `stockwise.`) -> source file, for the product folders."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")) if (root / package).is_dir() else []:
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def layer(module: str) -> int:
    parts = module.split(".")
    if parts[0] == "tools" and len(parts) > 1 and not is_package(".".join(parts[:2])):
        return LAYERS["tools"]  # a module directly in tools/ (errors, results, context)
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in LAYERS and prefix != "tools":
            return LAYERS[prefix]
    return DOMAIN_LAYER if parts[0] == "tools" and len(parts) > 1 else LAYERS[parts[0]]


module_is_package: dict[str, bool] = {}


def is_package(module: str) -> bool:
    return module_is_package.get(module, False)


def imported_names(tree: ast.AST, module: str, is_package: bool) -> list[str]:
    """Every module name an import statement in `tree` asks for (relative ones resolved),
    with `from a import b` giving `a.b` (resolved to `a` later when `b` is no module)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.append(target)
            names.extend(f"{target}.{alias.name}" for alias in node.names)
    return names


def internal(name: str, modules: dict[str, Path]) -> str | None:
    """The product module `name` refers to (its longest prefix that is one), or None."""
    if name.startswith(PREFIX):
        name = name[len(PREFIX) :]
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def build(root: Path) -> tuple[dict[str, Path], dict[str, set[str]]]:
    modules = modules_of(root)
    module_is_package.clear()
    module_is_package.update({m: p.name == "__init__.py" for m, p in modules.items()})
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name in imported_names(tree, module, path.name == "__init__.py"):
            target = internal(name, modules)
            if target and target != module and not module.startswith(target + "."):
                # a package's own ancestors are imported by Python anyway: not an edge
                edges[module].add(target)
    return modules, edges


def package_of(module: str) -> str:
    """The package a module's code sits in (a package's `__init__` sits in itself)."""
    return module if is_package(module) else module.rpartition(".")[0] or module


def cycles(modules: Iterable[str], edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(modules):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(edges.get(root, ()))))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--list", action="store_true", help="name the cycles and upward imports")
    args = parser.parse_args()
    root = Path(args.checkout)
    modules, edges = build(root)
    if not modules:
        sys.exit(f"no {', '.join(PACKAGES)} folders under {root}")
    groups = cycles(modules, edges)
    upward = sorted((a, b) for a, targets in edges.items() for b in targets if layer(b) > layer(a))
    print(f"import graph of {root}")
    print(f"  modules                {len(modules)}")
    print(f"  internal import edges  {sum(len(t) for t in edges.values())}")
    print(f"  cycles                 {len(groups)} ({sum(len(g) for g in groups)} modules)")
    packages = {package_of(m) for m in modules}
    package_edges: dict[str, set[str]] = defaultdict(set)
    for a, targets in edges.items():
        for b in targets:
            if package_of(a) != package_of(b):
                package_edges[package_of(a)].add(package_of(b))
    package_groups = cycles(dict.fromkeys(packages, root), package_edges)
    print(f"  package cycles         {len(package_groups)} (between the packages' own modules)")
    print(f"  upward imports         {len(upward)}")
    if args.list:
        for group in groups:
            print("  cycle: " + " <-> ".join(group))
        for group in package_groups:
            print("  package cycle: " + " <-> ".join(group))
        for a, b in upward:
            print(f"  upward: {a} ({layer(a)}) -> {b} ({layer(b)})")


if __name__ == "__main__":
    main()
