"""Data frames into the engine's fact tables.

Each column of a frame becomes one of the native column forms, chosen by the
schema's cell type and the column's dtype; numeric, date and month columns
cross as numpy arrays (no loop in Python), object columns are read cell by
cell in C++. Either way every cell is validated exactly as a CSV cell is
(DATA.md), by the same code.

| schema type | accepted dtypes |
|---|---|
| id, text, code | object or string of ``str`` (None/NaN/pd.NA null; ``""`` null as in CSV), category |
| date | datetime64 (the date part), object of ``datetime.date``/``datetime``/``Timestamp`` or ``YYYY-MM-DD`` str |
| month | period[M], object of ``pd.Period`` or ``YYYY-MM`` str |
| int | int*, uint*, Int64 (nullable), float (whole numbers; NaN null), object of int or str |
| decimal | int*, Int64, float (its shortest decimal text: 0.1 is 0.1), object of ``Decimal``, int, float or str |
| bool | bool, boolean (nullable), object of bool or ``true``/``false``/``1``/``0``/``是``/``否`` str |
"""

from __future__ import annotations

import difflib
from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np
import pandas as pd

from ._errors import Diagnostic, InputError

__all__ = ["frames_to_native", "NULL_VALUES"]

# Objects that are null besides None and float NaN (also Decimal NaN).
NULL_VALUES = (pd.NA, pd.NaT)

_INT64_MIN = np.iinfo(np.int64).min

_STRING_TYPES = ("id", "text", "code")


def _frame_error(table: str, column: str, message: str, help: str = "") -> Diagnostic:
    rendered = f"error[frame.bad_column]: {message}" + (f"\n = help: {help}" if help else "")
    return Diagnostic(
        severity="error", code="frame.bad_column", message=message, help=help,
        file=None, line=None, column=None, cell=None, rendered=rendered,
    )


def _first_non_str(s: pd.Series) -> Tuple[int, Any]:
    """The position and value of the first cell that is neither str nor null."""
    values = s.to_numpy(dtype=object)
    for i, v in enumerate(values):  # the error path only
        if not (isinstance(v, str) or v is None or v is pd.NA or v is pd.NaT
                or (isinstance(v, float) and v != v)):
            return i, v
    return -1, None


def _masked(s: pd.Series, dtype: str, fill: Any) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Values and validity of a column that may hold nulls."""
    na = s.isna().to_numpy()
    values = s.to_numpy(dtype=dtype, na_value=fill) if na.any() else s.to_numpy(dtype=dtype)
    return values, (None if not na.any() else (~na).astype(np.uint8))


def _column(table: str, col: Dict[str, Any], s: pd.Series,
            problems: List[Diagnostic]) -> Optional[tuple]:
    """The native form of one column: (name, form, data, valid, scale), or
    None after adding a problem."""
    name, ctype = col["name"], col["type"]
    dtype = s.dtype
    where = f"`{table}`.`{name}`"

    def wrong(expected: str, help: str = "") -> None:
        problems.append(_frame_error(
            table, name, f"{where} is a {ctype} column, but its values are {dtype}; "
            f"expected {expected}", help))

    if isinstance(dtype, pd.CategoricalDtype):
        s = s.astype(object)
        dtype = s.dtype

    def as_object() -> tuple:
        return (name, "object", s.to_numpy(dtype=object), None, 0)

    kind = dtype.kind if isinstance(dtype, np.dtype) else None
    if ctype in _STRING_TYPES:
        if kind in ("O", "U") or isinstance(dtype, pd.StringDtype):
            if kind == "O":
                inferred = pd.api.types.infer_dtype(s, skipna=True)
                if inferred not in ("string", "empty"):
                    row, value = _first_non_str(s)
                    problems.append(_frame_error(
                        table, name,
                        f"{where} is a {ctype} column, but row {row} holds "
                        f"{value!r} ({type(value).__name__}); expected str",
                        "ids, codes and text are strings: read CSV files with dtype=str"))
                    return None
            return as_object()
        wrong("str values", "ids, codes and text are strings: read CSV files with dtype=str")
        return None

    if ctype == "date":
        if isinstance(dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
            dtype = s.dtype
            kind = "M"
        if kind == "M":
            stamps = s.to_numpy(dtype="datetime64[ns]")
            nat = np.isnat(stamps)
            days = stamps.astype("datetime64[D]").view(np.int64)  # floors: the date part
            valid = None
            if nat.any():
                valid = (~nat).astype(np.uint8)
                days = np.where(nat, 0, days)
            return (name, "days", np.ascontiguousarray(days, dtype=np.int64), valid, 0)
        if kind in ("O", "U") or isinstance(dtype, pd.StringDtype):
            return as_object()
        wrong("datetime64, datetime.date or YYYY-MM-DD strings")
        return None

    if ctype == "month":
        if isinstance(dtype, pd.PeriodDtype):
            if dtype.freq.freqstr != "M":
                wrong("monthly periods (period[M]) or YYYY-MM strings")
                return None
            ordinals = np.asarray(s.array.asi8, dtype=np.int64)
            nat = ordinals == _INT64_MIN
            valid = None
            if nat.any():
                valid = (~nat).astype(np.uint8)
                ordinals = np.where(nat, 0, ordinals)
            return (name, "months", np.ascontiguousarray(ordinals), valid, 0)
        if kind in ("O", "U") or isinstance(dtype, pd.StringDtype):
            return as_object()
        wrong("monthly periods (period[M]) or YYYY-MM strings")
        return None

    if ctype in ("int", "decimal"):
        if kind == "i" or (kind == "u" and dtype.itemsize < 8):
            return (name, "int", np.ascontiguousarray(s.to_numpy(), dtype=np.int64), None, 0)
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and \
                pd.api.types.is_integer_dtype(dtype):
            values, valid = _masked(s, "int64", 0)
            return (name, "int", np.ascontiguousarray(values), valid, 0)
        if kind == "f" or (isinstance(dtype, pd.api.extensions.ExtensionDtype)
                           and pd.api.types.is_float_dtype(dtype)):
            values, valid = _masked(s, "float64", np.nan)
            return (name, "double", np.ascontiguousarray(values), valid, 0)
        if kind in ("O", "U", "u") or isinstance(dtype, pd.StringDtype):
            return as_object()
        wrong("integers, floats, Decimal or strings" if ctype == "decimal"
              else "integers or strings")
        return None

    if ctype == "bool":
        if kind == "b":
            return (name, "bool", s.to_numpy().astype(np.int64), None, 0)
        if isinstance(dtype, pd.BooleanDtype):
            values, valid = _masked(s, "bool", False)
            return (name, "bool", values.astype(np.int64), valid, 0)
        if kind in ("O", "U", "i", "u") or isinstance(dtype, pd.StringDtype):
            return as_object()  # 0 and 1 are bools, as in CSV; 2 is an error
        wrong("bool, or true/false/1/0/是/否")
        return None

    return as_object()


def frames_to_native(schema: List[Dict[str, Any]],
                     frames: Mapping[str, Any]) -> list:
    """The native form of a dict of frames: [(table, rows, columns)]. Raises
    TypeError for something that is not a frame, ValueError for an unknown
    table, InputError for columns of the wrong kind."""
    if not isinstance(frames, Mapping):
        raise TypeError(f"tables: expected a dict of DataFrames or a folder path, "
                        f"not {type(frames).__name__}")
    by_name = {t["name"]: t for t in schema}
    out = []
    problems: List[Diagnostic] = []
    for table, frame in frames.items():
        if not isinstance(table, str):
            raise TypeError(f"table names are str, not {type(table).__name__}: {table!r}")
        if table not in by_name:
            close = difflib.get_close_matches(table, list(by_name), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else \
                f"; the pack's tables are {', '.join(by_name)}"
            raise ValueError(f"unknown table `{table}`{hint}")
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"table `{table}`: expected a pandas DataFrame, "
                            f"not {type(frame).__name__}")
        columns = []
        spec = {c["name"]: c for c in by_name[table]["columns"]}
        for i, label in enumerate(frame.columns):
            if label not in spec:
                continue  # extra columns are ignored, as in CSV files
            native = _column(table, spec[label], frame.iloc[:, i], problems)
            if native is not None:
                columns.append(native)
        out.append((table, len(frame), columns))
    if problems:
        raise InputError("the data frames are not valid input", problems)
    return out
