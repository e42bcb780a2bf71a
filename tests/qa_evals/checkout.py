"""The evals/ folder of this checkout, importable from tests: it is not installed with the
package (eval sets and oracles are not product code)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_eval(module: str) -> ModuleType:
    """`evals.<module>` of this checkout."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"evals.{module}")
