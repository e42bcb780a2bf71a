"""The architecture, as CI enforces it: imports run downwards only (the import-linter
contracts in pyproject.toml), no two modules import each other even indirectly, and the
installed package is exactly the folders a reader sees."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("stockwise.assistant", "stockwise.tools", "stockwise.knowledge", "stockwise.demo")


def import_cycles(graph: grimp.ImportGraph, import_graph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others: the import
    graph script's cycle finder (Tarjan, iterative) over grimp's graph."""
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    return import_graph.cycles(graph.modules, edges)


def test_the_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(ROOT)  # import-linter reads pyproject.toml from the working folder
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == EXIT_STATUS_SUCCESS


def test_no_module_imports_itself_through_others(import_graph):
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert import_cycles(graph, import_graph) == []


def test_the_cycle_finder_finds_a_cycle(import_graph):
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=a, imported=b)
    assert import_cycles(graph, import_graph) == [["p.a", "p.b", "p.c"]]


def test_the_installed_packages_are_the_package_folders():
    """pyproject.toml lists the packages (the folders map under `stockwise.`); a package
    folder missing from the list would be left out of a wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {
        "stockwise." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in config["package-dir"].values()
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert sorted(config["packages"]) == sorted(folders)
