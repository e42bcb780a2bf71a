"""The demo plant: a fixed catalog of named entities and a deterministic generator.

`generate_demo(out_dir, scale=, seed=)` writes a dataset; `ensure_demo(settings)` returns
the demo folder, generating it on first use.
"""

from tools.demo.ensure import ensure_demo
from tools.demo.generator import generate_demo

__all__ = ["ensure_demo", "generate_demo"]
