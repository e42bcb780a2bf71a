"""Turn raw frames into the typed tables of `Dataset` (see `model.py` for the types).

This coerces; it does not judge. Validation (`validate.py`) runs first and refuses what
cannot be coerced, so here a value that fails to parse is a programming error.
"""

from __future__ import annotations

import pandas as pd

from tools.dataset.model import Dataset
from tools.dataset.schema import PRODUCT_TABLES, TABLES, Table


def empty_table(table: Table) -> pd.DataFrame:
    return coerce_table(table.name, pd.DataFrame({c: [] for c in table.column_names}))


def _as_id(values: pd.Series) -> pd.Series:
    # Ids such as 4471 arrive as ints from CSV sniffing or SQL; keep them as text, and
    # never as "4471.0".
    if pd.api.types.is_float_dtype(values):
        text = values.map(lambda v: None if pd.isna(v) else f"{v:.0f}" if v == int(v) else str(v))
    else:
        text = values.map(lambda v: None if pd.isna(v) else str(v).strip() or None)
    return text.astype(object)


def coerce_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Give `df` the contract's dtypes; missing optional columns are added blank."""
    table = TABLES[name]
    df = df.copy()
    for col in table.columns:
        if col.name not in df.columns:
            df[col.name] = None
        values = df[col.name]
        if col.kind == "id":
            df[col.name] = _as_id(values)
        elif col.kind == "str":
            df[col.name] = values.map(
                lambda v: None if pd.isna(v) or (isinstance(v, str) and not v.strip()) else str(v)
            ).astype(object)
        elif col.kind == "int":
            df[col.name] = pd.to_numeric(values).astype("int64")
        elif col.kind == "float":
            df[col.name] = pd.to_numeric(values).astype("float64")
        elif col.kind in ("date", "timestamp"):
            stamps = pd.to_datetime(values, format="ISO8601", utc=False)
            if isinstance(stamps.dtype, pd.DatetimeTZDtype):
                # Mixed or aware stamps: the contract's naive time is site local time.
                stamps = stamps.dt.tz_localize(None)
            df[col.name] = stamps.astype("datetime64[ns]")
    if table.extra_numeric:
        for extra in df.columns:
            if extra not in table.column_names:
                df[extra] = pd.to_numeric(df[extra], errors="coerce").astype("float64")
    ordered = list(table.column_names) + [c for c in df.columns if c not in table.column_names]
    return df[ordered].reset_index(drop=True)


def dataset_from_frames(frames: dict[str, pd.DataFrame], source: str = "frames", **kw) -> Dataset:
    """A `Dataset` from raw frames; absent optional tables become empty tables."""
    tables: dict[str, pd.DataFrame] = {}
    for name in PRODUCT_TABLES:
        if name in frames:
            tables[name] = coerce_table(name, frames[name])
        else:
            tables[name] = empty_table(TABLES[name])
    return Dataset(tables=tables, source=source, **kw)
