"""Parameter values given from Python, turned into the text of their YAML form,
so that one parser (the pack loader's) type-checks them exactly as it checks
the pack's defaults and ``--param``: ``Decimal("0.25")`` and ``"0.25"`` are the
same decimal, a float is read from its shortest text (``0.1`` is 0.1), a list
or dict is a list or map parameter."""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any, Dict, Mapping, Union

NativeParam = Union[None, str, list, dict]


def _scalar_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"parameter `{name}`: {value} is not a number")
        return format(value, "f")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"parameter `{name}`: {value!r} is not a finite number")
        text = repr(value)
        # Plain notation for the decimal reader: 1e+20 -> 100000000000000000000.
        return format(decimal.Decimal(text), "f") if "e" in text or "E" in text else text
    if isinstance(value, datetime.datetime):
        raise TypeError(
            f"parameter `{name}`: a datetime is not a date; pass datetime.date or 'YYYY-MM-DD'"
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    # pandas.Period and the like: their label (`2023-Q3`) is their YAML form.
    if type(value).__name__ == "Period":
        label = str(value)  # pandas writes quarters `2023Q3`, zhucun `2023-Q3`
        return label.replace("Q", "-Q") if "Q" in label and "-Q" not in label else label
    raise TypeError(
        f"parameter `{name}`: cannot use a {type(value).__name__}; "
        "give a str, int, float, Decimal, bool, date, list or dict"
    )


def to_native(name: str, value: Any) -> NativeParam:
    """The native form of one parameter value: None, a scalar's text, or a
    list or dict of those."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {_key(name, k): to_native(name, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_native(name, v) for v in value]
    if isinstance(value, (set, frozenset)):
        raise TypeError(f"parameter `{name}`: a set has no order; give a list")
    return _scalar_text(name, value)


def _key(name: str, key: Any) -> str:
    if key is None or isinstance(key, (Mapping, list, tuple)):
        raise TypeError(f"parameter `{name}`: a map key must be a scalar, not {key!r}")
    return _scalar_text(name, key)


def params_to_native(params: Mapping[str, Any] | None) -> Dict[str, NativeParam]:
    """All parameter overrides in native form; names must be str."""
    out: Dict[str, NativeParam] = {}
    for name, value in (params or {}).items():
        if not isinstance(name, str):
            raise TypeError(f"parameter names are str, not {type(name).__name__}: {name!r}")
        out[name] = to_native(name, value)
    return out
