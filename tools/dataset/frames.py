"""Turn raw frames into the typed tables of `Dataset` (see `model.py` for the types).

This coerces; it does not judge. Validation (`validate.py`) runs first and refuses what
cannot be coerced, so here a value that fails to parse is a programming error.
"""

from __future__ import annotations

import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import PRODUCT_TABLES, TABLES, Table


def empty_table(table: Table) -> pd.DataFrame:
    return coerce_table(table.name, pd.DataFrame({c: [] for c in table.column_names}))


# Transactions run to tens of millions of rows; these low-cardinality columns are pandas
# categoricals (values still compare equal to str). See model.py.
CATEGORICAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "transactions": ("item_id", "site_id", "txn_type", "ref_type"),
}


def _blank_to_none(text: pd.Series) -> pd.Series:
    return text.where(text.notna() & (text != ""), None)


def _all_text(values: pd.Series) -> bool:
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in (
        "string",
        "empty",
    )


def _as_text(values: pd.Series) -> pd.Series:
    if _all_text(values):
        return values
    return values.map(lambda v: None if pd.isna(v) else str(v)).astype(object)


def _recategorise(values: pd.Series, clean) -> pd.Series:
    """Apply `clean` to a categorical's categories only: cheap for millions of rows."""
    cats = pd.Series(values.cat.categories, dtype=object)
    cleaned = clean(cats)
    if cleaned.notna().all() and not cleaned.duplicated().any():
        return values.cat.rename_categories(cleaned.tolist())
    # Some categories collapse (" x" and "x") or become blank: rebuild from the values.
    lookup = cleaned.to_numpy()
    codes = values.cat.codes.to_numpy()
    out = pd.Series(lookup[codes], index=values.index, dtype=object)
    out[codes < 0] = None
    return out.astype("category")


def _as_id(values: pd.Series) -> pd.Series:
    # Ids such as 4471 arrive as ints from CSV sniffing or SQL; keep them as text, and
    # never as "4471.0".
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _recategorise(values, _as_id)
    if pd.api.types.is_float_dtype(values):
        text = values.map(lambda v: None if pd.isna(v) else f"{v:.0f}" if v == int(v) else str(v))
        return text.astype(object)
    text = _as_text(values).str.strip()
    return _blank_to_none(text).astype(object)


def _as_str(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _recategorise(values, _as_str)
    text = _as_text(values)
    blank = text.isna() | text.str.strip().eq("")
    return text.where(~blank, None).astype(object)


def coerce_table(name: str, df: pd.DataFrame, *, clean_text: bool = False) -> pd.DataFrame:
    """Give `df` the contract's dtypes; missing optional columns are added blank.

    `clean_text=True` says ids and text are already trimmed with blanks as None (validation
    does that), which skips the slowest step on tens of millions of rows.
    """
    table = TABLES[name]
    # Shallow: every column is replaced below, never written into, so the caller's frame
    # is untouched without copying millions of rows.
    df = df.copy(deep=False)
    categorical = CATEGORICAL_COLUMNS.get(name, ())
    for col in table.columns:
        if col.name not in df.columns:
            df[col.name] = None
        values = df[col.name]
        if col.name in categorical and not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("category")
        if (
            col.kind in ("id", "str")
            and clean_text
            and (isinstance(values.dtype, pd.CategoricalDtype) or _all_text(values))
        ):
            df[col.name] = values
        elif col.kind == "id":
            df[col.name] = _as_id(values)
        elif col.kind == "str":
            df[col.name] = _as_str(values)
        elif col.kind == "int":
            df[col.name] = pd.to_numeric(values).astype("int64")
        elif col.kind == "float":
            df[col.name] = pd.to_numeric(values).astype("float64")
        elif col.kind in ("date", "timestamp"):
            if pd.api.types.is_datetime64_any_dtype(values):
                stamps = values
            else:
                stamps = pd.to_datetime(values, format="ISO8601", utc=False)
            if isinstance(stamps.dtype, pd.DatetimeTZDtype):
                # Mixed or aware stamps: the contract's naive time is site local time.
                stamps = stamps.dt.tz_localize(None)
            df[col.name] = stamps.astype("datetime64[ns]")
    for cat_name in categorical:
        # Sorted categories: the same frame whatever order the source listed values in.
        cats = df[cat_name].cat.categories
        if not cats.is_monotonic_increasing:
            df[cat_name] = df[cat_name].cat.reorder_categories(cats.sort_values())
    if table.extra_numeric:
        for extra in df.columns:
            if extra not in table.column_names:
                df[extra] = pd.to_numeric(df[extra], errors="coerce").astype("float64")
    ordered = list(table.column_names) + [c for c in df.columns if c not in table.column_names]
    if list(df.columns) != ordered:
        df = df[ordered]
    df.index = pd.RangeIndex(len(df))
    return df


def dataset_from_frames(
    frames: dict[str, pd.DataFrame], source: str = "frames", *, clean_text: bool = False, **kw
) -> Dataset:
    """A `Dataset` from raw frames; absent optional tables become empty tables."""
    tables: dict[str, pd.DataFrame] = {}
    for name in PRODUCT_TABLES:
        if name in frames:
            tables[name] = coerce_table(name, frames[name], clean_text=clean_text)
        else:
            tables[name] = empty_table(TABLES[name])
    return Dataset(tables=tables, source=source, **kw)
