"""The demo plant: a fixed catalog of named entities and a deterministic generator.

`generate_demo(out_dir, scale=, seed=)` writes a dataset; `ensure_demo(settings)` returns
the demo folder, generating it on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.demo.ensure import ensure_demo
    from tools.demo.generator import generate_demo

__all__ = ["ensure_demo", "generate_demo"]


def __getattr__(name: str) -> Any:
    # Imported on demand: opening an existing demo must not load the generator.
    if name == "ensure_demo":
        from tools.demo.ensure import ensure_demo

        return ensure_demo
    if name == "generate_demo":
        from tools.demo.generator import generate_demo

        return generate_demo
    raise AttributeError(name)
