"""The check on a Dask cluster (``distributed``), partitioned by county.

    >>> import zhucun, zhucun.dask
    >>> from distributed import Client
    >>> policy = zhucun.load("rules/qiannan")
    >>> report = zhucun.dask.check(policy, tables, as_of="2024-06-30", client=Client(...))
    >>> report.findings            # exactly policy.check(computed tables).findings

``tables`` is a dict of Dask DataFrames (one per table of the pack's schema;
:func:`read_csv` reads a folder of CSV files into lean ones) or the path of
a folder of CSV files. The report is the single-machine
report: the same findings in the same order (with the summary group), the
same derived tables, the same input findings and row accounting in lenient
mode, the same errors in strict mode.

How the work is split (docs/dask.md): every row of a table that reaches the
partition table (``counties``) through reference columns belongs to that
county; the counties are dealt into buckets, one check per bucket. A rule
runs inside the buckets when its subject is such a row and every relation it
follows (``Policy.reads()``, from the compiled expressions) stays in the
subject's county; any other rule (the prefecture's excellent share, a
person's postings, a unit's teams) runs once on the rows of the tables it
reads, gathered in one task. When the data itself breaks the partition (a key
given twice, a reference to another county's row outside the partition path,
exception records, a table that does not validate) the whole check runs
gathered in one task: slower, never different.
"""

from __future__ import annotations

import difflib
import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union

import numpy as np
import pandas as pd

import dask
import dask.dataframe as dd

from . import _errors
from ._api import Facts, Policy, Summary, _date_text, _lang, _threads, load
from ._frames import NULL_VALUES, frames_to_native

__all__ = ["check", "read_csv", "partitioning", "Partitioning", "Report"]

_PART = "__zhucun_county__"

#: At most this many rows of the partitioned tables in a bucket when the
#: number of buckets is chosen (``buckets=0``): each bucket's check holds
#: the facts of its rows (about 120 bytes a row), one bucket at a time per
#: worker thread.
_BUCKET_ROWS = 8_000_000

Tables = Union[Mapping[str, "dd.DataFrame"], str, "os.PathLike[str]"]


# ---------------------------------------------------------------------------
# Which rules partition (from the compiled rules' reads)


@dataclass(frozen=True)
class Partitioning:
    """How a policy's check is split (:func:`partitioning`).

    - ``partition_by``: the table whose rows are the partitions (``counties``);
    - ``paths``: for each table whose rows belong to one of them, the
      reference column that leads there (``members``: ``team_id``; the
      partition table itself: its key); the other tables (``global_tables``)
      are given whole to every bucket;
    - ``local``: the rules and derived tables evaluated inside the buckets;
      ``gathered``: the others, each with the reason, evaluated once on the
      rows of ``gather_tables`` gathered in one task.
    """

    partition_by: str
    paths: Dict[str, str]
    global_tables: List[str]
    local: List[str]
    local_derived: List[str]
    gathered: Dict[str, str]
    gathered_derived: Dict[str, str]
    gather_tables: List[str]
    #: Why no rule can be partitioned at all (then everything is gathered).
    unpartitionable: str = ""

    def table(self) -> pd.DataFrame:
        """One row per rule and derived table: name, kind, where, why."""
        rows = [(n, "rule", "partition", "") for n in self.local]
        rows += [(n, "derived", "partition", "") for n in self.local_derived]
        rows += [(n, "rule", "gathered", why) for n, why in self.gathered.items()]
        rows += [(n, "derived", "gathered", why) for n, why in self.gathered_derived.items()]
        return pd.DataFrame(rows, columns=["name", "kind", "where", "why"])


def _schema_paths(schema: List[Dict[str, Any]], partition_by: str) -> Dict[str, str]:
    """For each table with a path to ``partition_by``: its first non-null
    reference column (schema order) whose table has one; the partition
    table's own key."""
    by_name = {t["name"]: t for t in schema}
    paths = {partition_by: by_name[partition_by]["key"]}
    changed = True
    while changed:
        changed = False
        for t in schema:
            if t["name"] in paths:
                continue
            for c in t["columns"]:
                ref = c.get("references") or ""
                if ref and not c.get("nullable") and ref in paths:
                    paths[t["name"]] = c["name"]
                    changed = True
                    break
    return paths


def _references(schema: List[Dict[str, Any]]) -> List[Tuple[str, str, str]]:
    """Every reference column: (table, column, referenced table)."""
    return [(t["name"], c["name"], c["references"]) for t in schema for c in t["columns"]
            if c.get("references")]


def partitioning(policy: Policy, partition_by: str = "counties") -> Partitioning:
    """Which rules and derived tables of ``policy`` run inside a partition
    of the rows of ``partition_by`` and which on gathered rows, and why
    (docs/dask.md). Raises ValueError when the schema has no such table or
    it has no key."""
    if not isinstance(policy, Policy):
        raise TypeError(f"policy: expected a zhucun.Policy (zhucun.load), "
                        f"not {type(policy).__name__}")
    if not isinstance(partition_by, str):
        raise TypeError(f"partition_by: expected a table name (str), "
                        f"not {type(partition_by).__name__}")
    schema = policy.schema
    names = [t["name"] for t in schema]
    if partition_by not in names:
        close = difflib.get_close_matches(partition_by, names, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else \
            f"; the pack's tables are {', '.join(names)}"
        raise ValueError(f"partition_by: the pack has no table `{partition_by}`{hint}")
    by_name = {t["name"]: t for t in schema}
    if not by_name[partition_by]["key"]:
        raise ValueError(f"partition_by: table `{partition_by}` has no key column, so its "
                         f"rows cannot name partitions")
    paths = _schema_paths(schema, partition_by)
    global_tables = [n for n in names if n not in paths]
    unpartitionable = ""
    for table, column, ref in _references(schema):
        if table not in paths and ref in paths:
            unpartitionable = (f"`{table}`.`{column}` (a table given whole to every "
                               f"partition) refers to `{ref}`, whose rows are partitioned")
            break

    reads = policy.reads()
    keys = {r["table"]: r for r in reads if r["kind"] == "summary_key"}

    def relation_stays(rel: Tuple[str, str, bool, str, str]) -> Optional[str]:
        table, fld, reverse, column, other = rel
        if not reverse:
            if other in global_tables or (table in paths and paths[table] == column):
                return None
        else:
            if other in global_tables or (other in paths and paths[other] == column):
                return None
        return f"follows `{table}.{fld}` across {partition_by}"

    def why_not(r: Dict[str, Any], key: Optional[Dict[str, Any]]) -> str:
        if unpartitionable:
            return unpartitionable
        if r["subject"] == "prefecture":
            return "its subject is the whole dataset"
        if r["subject"] == "group":
            return f"its subjects are groups of `{r['table']}` by `{r['group_by']}`"
        if r["table"] not in paths:
            return f"its rows (`{r['table']}`) are not partitioned"
        for part in ([r] + ([key] if key is not None else [])):
            what = "" if part is r else " (its summary key)"
            if part["facts_any"] or part["unknown"]:
                return "it may read any table" + what
            for t in part["facts"]:
                if t in paths:
                    return f"it reads every row of `{t}`" + what
            for rel in part["relations"]:
                why = relation_stays(tuple(rel))
                if why:
                    return why + what
        return ""

    local: List[str] = []
    local_derived: List[str] = []
    gathered: Dict[str, str] = {}
    gathered_derived: Dict[str, str] = {}
    need: Set[str] = set()
    for r in reads:
        if r["kind"] == "summary_key":
            continue
        key = keys.get(r["table"]) if r["kind"] == "rule" and r["subject"] == "table" else None
        why = why_not(r, key)
        if r["kind"] == "rule":
            (gathered.__setitem__(r["name"], why) if why else local.append(r["name"]))
        else:
            (gathered_derived.__setitem__(r["name"], why) if why else
             local_derived.append(r["name"]))
        if why:
            for part in [r] + ([key] if key is not None else []):
                if part["table"]:
                    need.add(part["table"])
                need.update(part["facts"])
                for table, _f, _rev, _c, other in part["relations"]:
                    need.update((table, other))
                if part["facts_any"] or part["unknown"]:
                    need.update(names)
    # Validation of a row reads the rows it refers to: close under references.
    refs = _references(schema)
    changed = True
    while changed:
        changed = False
        for table, _column, ref in refs:
            if table in need and ref not in need:
                need.add(ref)
                changed = True
    return Partitioning(partition_by, paths, global_tables, local, local_derived, gathered,
                        gathered_derived, [n for n in names if n in need], unpartitionable)


# ---------------------------------------------------------------------------
# The report


class Report:
    """What a distributed check found: the single-machine
    :class:`zhucun.Report`'s ``findings``, ``exempted``, ``exceptions``,
    ``derived``, ``derived_keys``, ``stats`` and ``warnings``, with
    :meth:`summary` and :attr:`errors`. ``how`` says how it was split
    (``partitioned into N buckets`` or why it ran gathered) and
    ``partitioning`` which rules ran where. With ``compute=False``,
    ``findings``, ``exempted``, ``stats`` and each derived table are Dask
    DataFrames (one partition each), computed when asked."""

    def __init__(self, policy: Policy, as_of: str, start: Optional[str],
                 parts: Dict[str, Any], partitioning: Partitioning, how: str) -> None:
        self.policy = policy
        self.as_of = as_of
        self.start = start
        self.partitioning = partitioning
        self.how = how
        self.summary_by: str = policy._info.get("summary_by", "")
        self.findings = parts["findings"]
        self.exempted = parts["exempted"]
        self.exceptions = parts["exceptions"]
        self.derived: Dict[str, Any] = parts["derived"]
        self.derived_keys: Dict[str, List[str]] = parts["derived_keys"]
        self.stats = parts["stats"]
        self.warnings: List[_errors.Diagnostic] = parts["warnings"]
        #: Seconds of each round trip to the cluster, in order (what the
        #: benchmark prints).
        self.timings: List[float] = []

    @property
    def errors(self) -> int:
        """The number of findings of severity ``error``."""
        return int((self.findings["severity"] == "error").sum())

    def __len__(self) -> int:
        return len(self.findings)

    def __repr__(self) -> str:
        return (f"<zhucun.dask.Report as of {self.as_of}: {len(self.findings)} findings, "
                f"{self.how}>")

    def summary(self) -> Summary:
        """Counts by rule and severity and by summary group, as
        :meth:`zhucun.Report.summary`."""
        from ._api import _summary
        return _summary(self.policy, self.findings, self.summary_by)


# ---------------------------------------------------------------------------
# Worker side: one check of one bucket, or of gathered rows

_POLICIES: Dict[Any, Policy] = {}
_POLICIES_LOCK = threading.Lock()

# glibc's M_MMAP_THRESHOLD (malloc.h).
_M_MMAP_THRESHOLD = -3


def _tune_malloc() -> None:
    """distributed starts worker processes with MALLOC_TRIM_THRESHOLD_=65536
    (to give memory back to the system), and setting it stops glibc from
    raising its mmap threshold from 128 KiB as a process allocates: every
    larger block the engine allocates is then freshly mapped and its pages
    zeroed, and a check runs about 4 times slower (docs/dask.md). Raises the
    threshold to 32 MiB in this process (the trim threshold is kept); done
    once per worker process, only with glibc."""
    if os.environ.get("MALLOC_TRIM_THRESHOLD_") is None or \
            os.environ.get("MALLOC_MMAP_THRESHOLD_") is not None:
        return
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def _worker_policy(spec: Tuple[str, Dict[str, Any], Optional[Tuple[str, ...]],
                               Optional[Tuple[str, ...]]]) -> Policy:
    """The policy of ``spec`` (path, params, rules, derived; rules None:
    all), loaded once per worker process."""
    path, params, rules, derived = spec
    key = (path, repr(sorted(params.items(), key=lambda kv: kv[0])), rules, derived)
    with _POLICIES_LOCK:
        p = _POLICIES.get(key)
        if p is None:
            if not _POLICIES:
                _tune_malloc()
            full_key = (key[0], key[1], None, None)
            full = _POLICIES.get(full_key)
            if full is None:
                full = load(path, params or None)
                _POLICIES[full_key] = full
            p = full if rules is None else full.restrict(list(rules), list(derived or ()))
            _POLICIES[key] = p
        return p


def _error_value(e: Exception) -> Dict[str, Any]:
    """A zhucun error as plain data (its class name, summary and
    diagnostics), to be raised again on the client as it was."""
    return {"error": (type(e).__name__, e.summary, list(e.diagnostics))}  # type: ignore[attr-defined]


def _raise_error_value(value: Dict[str, Any]) -> None:
    name, summary, diagnostics = value["error"]
    raise getattr(_errors, name)(summary, diagnostics)


#: One table's rows for a check: its pieces in table order, each a frame
#: and its rows' positions in the whole table (None: the frame is the whole
#: table, row i at position i).
Pieces = Dict[str, List[Tuple[pd.DataFrame, Optional[np.ndarray]]]]


_TYPED_RE = {
    "date": re.compile(r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}"),
    "month": re.compile(r"[12][0-9]{3}-(0[1-9]|1[0-2])"),
    "int": re.compile(r"0|-?[1-9][0-9]{0,17}"),
}
_BOOL_TEXT = {"true": 1, "1": 1, "是": 1, "false": 0, "0": 0, "否": 0}
_TYPED_FORM = {"date": "days", "month": "months", "int": "int", "decimal": "scaled",
               "bool": "bool"}


def _category_values(ctype: str, scale: int, texts: List[str]) -> Optional[np.ndarray]:
    """The values the engine reads from these cell texts (none empty), as
    the typed form of the column: days, month ordinals, ints, coefficients
    at ``scale``, 0/1; None unless every text has one of the plain forms
    whose reading is certain here (else the engine reads the texts)."""
    if ctype == "bool":
        if not all(t in _BOOL_TEXT for t in texts):
            return None
        return np.array([_BOOL_TEXT[t] for t in texts], dtype=np.int64)
    if ctype == "decimal":
        if not 0 <= scale <= 18:
            return None
        pattern = re.compile(r"-?(0|[1-9][0-9]{0,%d})(\.[0-9]{1,%d})?" % (17 - scale, scale)
                             if scale else r"-?(0|[1-9][0-9]{0,17})")
        out = []
        for t in texts:
            if not pattern.fullmatch(t):
                return None
            whole, _, frac = t.partition(".")
            negative = whole.startswith("-")
            v = int(whole.lstrip("-")) * 10 ** scale + int((frac + "0" * scale)[:scale] or "0")
            out.append(-v if negative else v)
        return np.array(out, dtype=np.int64)
    pattern = _TYPED_RE[ctype]
    if not all(pattern.fullmatch(t) for t in texts):
        return None
    if ctype == "int":
        return np.array([int(t) for t in texts], dtype=np.int64)
    if ctype == "month":
        return np.array([(int(t[:4]) - 1970) * 12 + int(t[5:7]) - 1 for t in texts],
                        dtype=np.int64)
    try:  # date: a day that is not in the calendar is the engine's to report
        return np.array(texts, dtype="datetime64[D]").astype(np.int64)
    except ValueError:
        return None


def _typed_column(col: Dict[str, Any], s: pd.Series, null_iff: Set[str]) -> Optional[tuple]:
    """The native form of a categorical column of a date, month, int,
    decimal or bool column as numbers (each category's text read once, the
    cells by their codes), exactly what the engine reads from the texts:
    8 bytes a cell instead of a Python object and a text. None when the
    column is not such a column or a category is not a plain form (then
    the texts go as they are). A column of a null_iff pair always goes as
    texts (its message quotes the texts as written)."""
    ctype = col["type"]
    if ctype not in _TYPED_FORM or col["name"] in null_iff or \
            not isinstance(s.dtype, pd.CategoricalDtype):
        return None
    cats = s.cat.categories.to_numpy(dtype=object)
    if not all(type(t) is str for t in cats):
        return None
    empty = cats == ""
    values = np.zeros(len(cats), dtype=np.int64)
    if (~empty).any():
        got = _category_values(ctype, int(col.get("scale") or 0),
                               [t for t in cats[~empty]])
        if got is None:
            return None
        values[~empty] = got
    codes = s.cat.codes.to_numpy()
    null = codes < 0
    if len(cats):
        null |= empty[np.maximum(codes, 0)]
        data = values[np.maximum(codes, 0)]
    else:
        data = np.zeros(len(s), dtype=np.int64)
    valid = None
    if null.any():
        data[null] = 0
        valid = (~null).astype(np.uint8)
    scale = int(col.get("scale") or 0) if ctype == "decimal" else 0
    return (col["name"], _TYPED_FORM[ctype], np.ascontiguousarray(data), valid, scale)


def _piece_native(table: Dict[str, Any], df: pd.DataFrame) -> tuple:
    """One piece of a table in native form: its categorical date, month,
    int, decimal and bool columns as numbers (:func:`_typed_column`), the
    others by frames_to_native; the columns in the frame's order."""
    if not df.columns.is_unique:
        return frames_to_native([table], {table["name"]: df})[0]
    spec = {c["name"]: c for c in table["columns"]}
    null_iff = {c["name"] for c in table["columns"] if c.get("null_iff")} | \
        {c["null_iff"] for c in table["columns"] if c.get("null_iff")}
    typed: Dict[str, tuple] = {}
    for label in df.columns:
        if label in spec:
            t = _typed_column(spec[label], df[label], null_iff)
            if t is not None:
                typed[label] = t
    rest = df.drop(columns=list(typed)) if typed else df
    ((name, n, cols),) = frames_to_native([table], {table["name"]: rest})
    if typed:
        by = {c[0]: c for c in cols}
        by.update(typed)
        cols = [by[label] for label in df.columns if label in by]
    return name, len(df), cols


def _native_pieces(policy: Policy, tables: Pieces) -> List[tuple]:
    """The native form of every piece (one batch of its table each, the rows
    on the lines of their positions). The pieces are converted one by one,
    so that no table is copied whole (a table read as categories would
    become Python objects in a concatenation); should a piece not convert,
    the tables are converted concatenated, which raises exactly the error
    of one machine's frames."""
    schema = policy.schema
    by_name = {t["name"]: t for t in schema}
    out: List[tuple] = []
    try:
        for t, pieces in tables.items():
            if len(pieces) > 1 and t in by_name and _table_problem(by_name[t], pieces[0][0]):
                # The engine reports a problem of the whole table (a
                # missing or doubled column) once per batch: one batch.
                pieces = [(pd.concat([df for df, _ in pieces], ignore_index=True),
                           _positions(pieces))]
            for df, pos in pieces:
                name, n, cols = _piece_native(by_name[t], df) if t in by_name else \
                    frames_to_native(schema, {t: df})[0]
                lines = None if pos is None else (np.asarray(pos) + 2).astype(np.uint32)
                out.append((name, n, cols, lines))
    except _errors.InputError:
        whole = {}
        positions = {}
        for t, pieces in tables.items():
            whole[t] = pd.concat([df for df, _ in pieces], ignore_index=True) if pieces \
                else pd.DataFrame()
            positions[t] = _positions(pieces)
        native = frames_to_native(schema, whole)  # raises the whole frames' error
        out = [(name, n, cols, None if positions[name] is None
                else (positions[name] + 2).astype(np.uint32)) for name, n, cols in native]
    return out


def _table_problem(table: Dict[str, Any], df: pd.DataFrame) -> bool:
    """Whether a frame of ``table`` lacks a required column or has a label
    twice."""
    labels = list(df.columns)
    if len(set(labels)) != len(labels):
        return True
    return any(c["name"] not in labels and not c.get("nullable") for c in table["columns"])


def _positions(pieces: List[Tuple[pd.DataFrame, Optional[np.ndarray]]]) -> Optional[np.ndarray]:
    """The positions of the rows of pieces concatenated (None: 0, 1, ...)."""
    if all(pos is None for _, pos in pieces):
        return None
    out = []
    at = 0
    for df, pos in pieces:
        out.append(np.arange(at, at + len(df), dtype=np.int64) if pos is None
                   else np.asarray(pos, dtype=np.int64))
        at += len(df)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _run_check(spec: Any, tables: Union[str, Pieces], options: Dict[str, Any],
               inputs: Optional[Set[str]]) -> Dict[str, Any]:
    """Checks ``tables`` (pieces of tables, or a CSV folder read by the
    engine's reader) with the policy of ``spec``. Each row keeps its line
    in its whole table (its position there + 2, as in a CSV file of it), in
    messages and ``input.invalid`` subjects alike. The input findings kept
    are those of the tables ``inputs`` (None: all)."""
    policy = _worker_policy(spec)
    try:
        if isinstance(tables, str):
            facts: Any = tables
        else:
            native = _native_pieces(policy, tables)
            facts = Facts(policy._native.build_facts(native, options["lenient"],
                                                     NULL_VALUES))
            del native
        report = policy.check(facts, **options)
    except _errors.Error as e:
        return _error_value(e)
    f = report.findings
    if inputs is not None:
        is_input = (f["rule"] == "input.invalid").to_numpy()
        if is_input.any():
            tables_of = f["subject"].str.rpartition(":")[0].to_numpy()
            keep = ~is_input | np.isin(tables_of, list(inputs))
            f = f[keep].reset_index(drop=True)
    return {"findings": f, "exempted": report.exempted, "exceptions": report.exceptions,
            "derived": report.derived, "derived_keys": report.derived_keys,
            "stats": report.stats, "warnings": report.warnings}


def _whole(parts: List[pd.DataFrame]) -> List[Tuple[pd.DataFrame, Optional[np.ndarray]]]:
    """The partitions of a whole table as pieces (their rows' positions)."""
    if len(parts) == 1:
        return [(parts[0], None)]
    out = []
    at = 0
    for p in parts:
        out.append((p, np.arange(at, at + len(p), dtype=np.int64)))
        at += len(p)
    return out


def _check_bucket(spec: Any, scoped: Dict[str, List[Tuple[pd.DataFrame, np.ndarray]]],
                  whole: Dict[str, List[pd.DataFrame]], options: Dict[str, Any],
                  global_inputs: bool) -> Dict[str, Any]:
    """One bucket: its rows of the partitioned tables (pieces in table
    order, each with its rows' positions) and every row of the others."""
    tables: Pieces = {t: list(pieces) for t, pieces in scoped.items()}
    for t, parts in whole.items():
        tables[t] = _whole(parts)
    inputs = set(scoped) | (set(whole) if global_inputs else set())
    return _run_check(spec, tables, options, inputs)


def _check_gathered(spec: Any, whole: Union[str, Dict[str, List[pd.DataFrame]]],
                    options: Dict[str, Any], inputs: bool) -> Dict[str, Any]:
    """The check of every row of some tables (or of a CSV folder, read by
    the engine's reader) in one task."""
    if isinstance(whole, str):
        return _run_check(spec, whole, options, None if inputs else set())
    return _run_check(spec, {t: _whole(parts) for t, parts in whole.items()}, options,
                      None if inputs else set())


def _validate_folder(spec: Any, path: str, lenient: bool) -> Dict[str, Any]:
    """A CSV folder read by the engine's reader (as ``zhucun check``): its
    error, or how many rows it leaves out."""
    policy = _worker_policy(spec)
    try:
        facts = policy.facts(path, lenient=lenient)
    except _errors.Error as e:
        return _error_value(e)
    stats = facts.stats
    return {"rejected": int(stats["rejected"].sum()),
            "read": dict(zip(stats["table"], (int(n) for n in stats["read"])))}


# Partition-side helpers (each on one partition of a Dask DataFrame).

def _mapped(s: pd.Series, mapping: Any) -> np.ndarray:
    """Each cell of ``s`` through ``mapping`` (a dict or a Series indexed by
    key) as floats, NaN where it maps to nothing. A categorical column maps
    its categories once (no cell becomes a Python object)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        codes = s.cat.codes.to_numpy()
        if len(cats) == 0:
            return np.full(len(s), np.nan)
        values = pd.Series(cats.to_numpy(dtype=object)).map(mapping).to_numpy(dtype=np.float64)
        return np.where(codes >= 0, values[np.maximum(codes, 0)], np.nan)
    return s.map(mapping).to_numpy(dtype=np.float64)


def _codes(values: np.ndarray) -> pd.Series:
    """Mapped county codes as int64, -1 for none."""
    return pd.Series(np.where(np.isnan(values), -1, values).astype(np.int32))


def _keys_to_part(df: pd.DataFrame, key: str, part: pd.Series) -> pd.Series:
    """key -> partition (county code) of one partition's rows."""
    return pd.Series(part.to_numpy(), index=df[key].to_numpy(dtype=object))


def _concat_lookup(pieces: List[pd.Series]) -> Tuple[pd.Series, bool]:
    """The whole table's key -> county, and whether a key is given twice."""
    s = pd.concat(pieces) if pieces else pd.Series([], dtype=np.int64)
    dup = bool(s.index.duplicated().any())
    if dup:
        s = s[~s.index.duplicated()]
    return s, dup


def _key_hashes(df: pd.DataFrame, key: str) -> np.ndarray:
    """A 64-bit hash of each row's key (of a table no other table refers
    to: its keys are only checked for duplicates)."""
    return pd.util.hash_array(df[key].to_numpy(dtype=object), categorize=False)


def _any_hash_twice(pieces: List[np.ndarray]) -> bool:
    """Whether two keys have the same hash: a key given twice, or (rarely)
    two keys whose hashes collide; either way the check is gathered, which
    is never wrong."""
    if not pieces:
        return False
    h = np.concatenate(pieces)
    h.sort()
    return bool((h[1:] == h[:-1]).any())


def _own_part(df: pd.DataFrame, key: str, codes: Dict[str, int]) -> pd.Series:
    """The partition table's rows: their own key's code."""
    return _codes(_mapped(df[key], codes))


def _lookup_part(df: pd.DataFrame, column: str, lookup: Tuple[pd.Series, bool]) -> pd.Series:
    """Rows of a table: the county of the row their path column names (-1
    when it names none)."""
    s = lookup[0]
    if not len(s):
        return pd.Series(np.full(len(df), -1, dtype=np.int32))
    return _codes(_mapped(df[column], s))


def _crossing(df: pd.DataFrame, part: pd.Series, column: str,
              lookup: Tuple[pd.Series, bool]) -> int:
    """Rows whose reference `column` names a row of another county."""
    s = lookup[0]
    if not len(s) or column not in df.columns:
        return 0
    target = _mapped(df[column], s)
    own = part.to_numpy()
    known = ~np.isnan(target)
    return int((target[known] != own[known]).sum())


def _key_pieces(df: pd.DataFrame, columns: List[str]) -> pd.DataFrame:
    return df[columns].reset_index(drop=True)


def _duplicated(pieces: List[pd.DataFrame]) -> bool:
    if not pieces:
        return False
    df = pd.concat(pieces, ignore_index=True)
    return bool(df.duplicated().any())


def _weights(part: pd.Series) -> pd.Series:
    return part.value_counts()


def _select(df: pd.DataFrame, part: pd.Series, bucket_of: np.ndarray, offset: int,
            bucket: int) -> Tuple[pd.DataFrame, np.ndarray]:
    """One partition's rows of one bucket (order kept), with the rows'
    positions in the whole table."""
    codes = part.to_numpy()
    b = bucket_of[np.where(codes < 0, len(bucket_of) - 1, codes)]
    rows = np.flatnonzero(b == bucket)
    return df.take(rows).reset_index(drop=True), offset + rows.astype(np.int64)


# ---------------------------------------------------------------------------
# The check


def _lean_dtypes(table: Dict[str, Any]) -> Dict[str, str]:
    """How :func:`read_csv` holds each column of a table: the table's key
    and the other ids that no reference shares (each value once or nearly)
    as Python strings, every other column as a category of its texts (a
    payments row is 12 bytes instead of 250)."""
    out = {}
    for c in table["columns"]:
        unique = c["type"] == "id" and (c["name"] == table["key"] or not c.get("references"))
        out[c["name"]] = "object" if unique else "category"
    return out


def _has_quote(path: str) -> bool:
    """Whether a file has a double quote anywhere (then a quoted cell may
    hold a line break, and the file is not split into blocks at line
    breaks)."""
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 24)
            if not block:
                return False
            if b'"' in block:
                return True


def read_csv(policy: Policy, folder: Union[str, "os.PathLike[str]"],
             blocksize: Union[int, str, None] = "64MB") -> Dict[str, "dd.DataFrame"]:
    """The CSV files of ``folder`` (``<table>.csv``, one per table of the
    pack's schema that has one) as Dask DataFrames that hold little:
    every cell is its text as in the file (what ``dtype=str`` reads), but
    the columns whose values repeat (references, codes, dates, months,
    amounts, bools) are categories, and the columns of the schema only are
    read. A file is split into blocks of ``blocksize`` bytes at line breaks
    unless it has a double quote (a quoted cell may hold a line break),
    then it is one partition; None: one partition per file. The files are
    read when the frames are computed, where they are computed (the folder
    must be readable there at the same path); this function reads each file
    once on the caller's side to look for a quote."""
    if not isinstance(policy, Policy):
        raise TypeError(f"policy: expected a zhucun.Policy (zhucun.load), "
                        f"not {type(policy).__name__}")
    path = os.fspath(folder)
    if not os.path.isdir(path):
        raise FileNotFoundError(f"no such data folder: `{path}`")
    out = {}
    for t in policy.schema:
        f = os.path.join(path, t["name"] + ".csv")
        if not os.path.isfile(f):
            continue
        dtypes = _lean_dtypes(t)
        out[t["name"]] = dd.read_csv(
            f, dtype=dtypes, usecols=lambda c, d=dtypes: c in d, keep_default_na=False,
            encoding="utf-8-sig", blocksize=None if _has_quote(f) else blocksize)
    return out


def _check_tables(policy: Policy, tables: Any) -> Tuple[Dict[str, "dd.DataFrame"], bool]:
    """The tables as Dask DataFrames, checked; and whether they came from a
    folder."""
    if isinstance(tables, (str, os.PathLike)):
        path = os.fspath(tables)
        if not os.path.isdir(path):
            raise FileNotFoundError(f"no such data folder: `{path}`")
        return {}, True  # read after the engine's reader has validated it
    if not isinstance(tables, Mapping):
        raise TypeError(f"tables: expected a dict of Dask DataFrames or a CSV folder path, "
                        f"not {type(tables).__name__}")
    names = [t["name"] for t in policy.schema]
    out = {}
    for name, frame in tables.items():
        if not isinstance(name, str):
            raise TypeError(f"table names are str, not {type(name).__name__}: {name!r}")
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else \
                f"; the pack's tables are {', '.join(names)}"
            raise ValueError(f"unknown table `{name}`{hint}")
        if not isinstance(frame, dd.DataFrame):
            hint = (" (make one with dask.dataframe.from_pandas(df, npartitions=...))"
                    if isinstance(frame, pd.DataFrame) else "")
            raise TypeError(f"table `{name}`: expected a Dask DataFrame, "
                            f"not {type(frame).__name__}{hint}")
        out[name] = frame
    return out, False


def _merge(policy: Policy, results: List[Dict[str, Any]], plan: Partitioning,
           gathered: Optional[Dict[str, Any]], schema_names: List[str]) -> Dict[str, Any]:
    """The buckets' and the gathered check's results as one report's parts,
    or None when a derived table cannot be merged exactly (then the caller
    checks it gathered)."""
    findings = [r["findings"] for r in results]
    if gathered is not None:
        g = gathered["findings"]
        findings.append(g[g["rule"] != "input.invalid"])
    f = pd.concat(findings, ignore_index=True)
    # As one check sorts them (code-point order of str; a rule has one
    # finding per subject and period, so no two rows tie).
    f = f.sort_values(["rule", "subject", "period"], kind="mergesort").reset_index(drop=True)
    stats = results[0]["stats"].copy()
    scoped = [n in plan.paths for n in stats["table"]]
    for r in results[1:]:
        for col in ("read", "evaluated", "reported"):
            stats.loc[scoped, col] = stats.loc[scoped, col].to_numpy() + \
                r["stats"].loc[scoped, col].to_numpy()
    derived: Dict[str, pd.DataFrame] = {}
    keys: Dict[str, List[str]] = {}
    for name in plan.local_derived:
        keys[name] = results[0]["derived_keys"].get(name, [])
        derived[name] = pd.concat([r["derived"][name] for r in results], ignore_index=True)
    if gathered is not None:
        for name in plan.gathered_derived:
            derived[name] = gathered["derived"][name]
            keys[name] = gathered["derived_keys"].get(name, [])
    exempted = pd.concat([r["exempted"] for r in results] +
                         ([gathered["exempted"]] if gathered is not None else []),
                         ignore_index=True)
    warnings: List[_errors.Diagnostic] = []
    seen = set()
    for r in results + ([gathered] if gathered is not None else []):
        for w in r["warnings"]:
            if w.rendered not in seen:
                seen.add(w.rendered)
                warnings.append(w)
    return {"findings": f, "exempted": exempted, "exceptions": results[0]["exceptions"],
            "derived": derived, "derived_keys": keys, "stats": stats.reset_index(drop=True),
            "warnings": warnings}


def _sort_derived(df: pd.DataFrame, key: List[str]) -> Optional[pd.DataFrame]:
    """Rows of a derived table from several buckets in the pack's order
    (its sort columns), or None when that order is not total here (no sort
    columns, a null, or two rows with the same key)."""
    if not key or any(k not in df.columns for k in key) or len(df) == 0:
        return df if len(df) == 0 else None
    keys = df[key]
    for k in key:
        c = keys[k]
        if c.isna().any() or c.astype(object).map(type).nunique() > 1:
            return None
    if keys.duplicated().any():
        return None
    return df.sort_values(key, kind="mergesort").reset_index(drop=True)


def check(policy: Policy, tables: Tables, as_of: Any, start: Any = None,
          lenient: bool = False, client: Any = None, compute: bool = True,
          partition_by: str = "counties", buckets: int = 0, threads: int = 1,
          lang: str = "en") -> Report:
    """Checks ``tables`` with ``policy`` on a Dask cluster, with exactly the
    report of ``policy.check`` on one machine (docs/dask.md).

    ``tables`` is a dict of Dask DataFrames (one per table of the pack's
    schema; a table left out is empty) or the path of a folder of CSV files
    (validated by the engine's reader, then read with :func:`read_csv`). ``client`` is a
    ``distributed.Client`` (None: the current one if there is one, else
    Dask's configured scheduler). The rows are
    partitioned by ``partition_by``'s rows (counties) into ``buckets`` checks
    (0: two per worker of the client, or 4, and at least one per 8 million
    rows of the partitioned tables); each runs with ``threads``
    threads. ``compute=False`` leaves the findings, stats and derived tables
    as Dask DataFrames. ``as_of``, ``start``, ``lenient`` and ``lang`` are
    those of :meth:`zhucun.Policy.check`; errors are raised as there
    (:class:`zhucun.InputError` for bad input in strict mode)."""
    as_of_text = _date_text("as_of", as_of)
    start_text = None if start is None else _date_text("start", start)
    lang = _lang(lang)
    threads = _threads(threads)
    if not isinstance(lenient, bool):
        raise TypeError(f"lenient: expected a bool, not {type(lenient).__name__}")
    if not isinstance(compute, bool):
        raise TypeError(f"compute: expected True or False, not {type(compute).__name__}")
    if isinstance(buckets, bool) or not isinstance(buckets, (int, np.integer)) or buckets < 0:
        raise ValueError(f"buckets: expected 0 (automatic) or a positive int, not {buckets!r}")
    plan = partitioning(policy, partition_by)
    frames, folder = _check_tables(policy, tables)
    # The dates and options as the engine reads them (an impossible date is
    # the same ValueError as on one machine), before any work is sent.
    policy.check({}, as_of=as_of_text, start=start_text, threads=1, lang=lang)
    if client is not None and not hasattr(client, "compute"):
        raise TypeError(f"client: expected a distributed.Client, not {type(client).__name__}")
    if client is None:
        # The current distributed client, if there is one (so that the
        # tables are read once and kept on its workers); else Dask's
        # scheduler, which computes each pass from the start.
        try:
            from distributed import default_client
            client = default_client()
        except (ImportError, ValueError):
            client = None
    schema = policy.schema
    names = [t["name"] for t in schema]
    by_name = {t["name"]: t for t in schema}
    options = dict(as_of=as_of_text, start=start_text, lenient=lenient, threads=threads,
                   lang=lang)
    # What loads this policy again on a worker: the pack's folder (absolute,
    # for workers started elsewhere), the parameters, and for a restricted
    # policy its rules and derived tables.
    pack = os.path.abspath(policy.path)
    spec_all = (pack, policy.params) + (policy.subset or (None, None))

    def run(values: List[Any]) -> List[Any]:
        t0 = time.perf_counter()
        if client is not None:
            out = client.gather(client.compute(values))
        else:
            out = list(dask.compute(*values))
        timings.append(time.perf_counter() - t0)
        return out

    timings: List[float] = []
    parts = {t: frames[t].to_delayed() for t in frames}

    def gathered_task(spec: Any, table_names: Sequence[str], inputs: bool) -> Any:
        whole = {t: parts[t] for t in table_names if t in parts}
        return dask.delayed(_check_gathered, pure=False)(spec, whole, options, inputs)

    def finish(result: Dict[str, Any], how: str) -> Report:
        if "error" in result:
            _raise_error_value(result)
        if not compute:
            result = dict(result)
            result["findings"] = dd.from_pandas(result["findings"], npartitions=1)
            result["exempted"] = dd.from_pandas(result["exempted"], npartitions=1)
            result["stats"] = dd.from_pandas(result["stats"], npartitions=1)
            result["derived"] = {n: dd.from_pandas(d, npartitions=1)
                                 for n, d in result["derived"].items()}
        report = Report(policy, as_of_text, start_text, result, plan, how)
        report.timings = timings
        return report

    def everything_gathered(why: str) -> Report:
        if folder:
            task = dask.delayed(_check_gathered, pure=False)(spec_all, os.fspath(tables),
                                                             options, True)
        else:
            task = gathered_task(spec_all, list(parts), True)
        (result,) = run([task])
        if "error" not in result:
            result = {k: result[k] for k in ("findings", "exempted", "exceptions", "derived",
                                              "derived_keys", "stats", "warnings")}
        return finish(result, f"gathered in one task: {why}")

    if folder:
        # The engine's reader says whether the files are well-formed and
        # every row valid (then pandas reads the same cells); otherwise the
        # check runs on the folder in one task, so that every line number,
        # malformed file and left-out row is the CLI's.
        path = os.fspath(tables)
        (v,) = run([dask.delayed(_validate_folder, pure=False)(spec_all, path, lenient)])
        if "error" in v:
            _raise_error_value(v)
        if v["rejected"]:
            return everything_gathered("the folder has rows left out")
        frames = read_csv(policy, path)
        parts = {t: frames[t].to_delayed() for t in frames}
    if plan.unpartitionable:
        return everything_gathered(plan.unpartitionable)
    if not plan.local and not plan.local_derived:
        return everything_gathered("no rule can be partitioned")
    # The tables are read (or sent) once and kept on the workers for the
    # passes below.
    if client is not None:
        names_f = list(frames)
        frames = dict(zip(names_f, client.persist([frames[n] for n in names_f])))
        parts = {t: frames[t].to_delayed() for t in frames}
    if folder:
        # pandas must have read the rows the engine's reader read.
        counts = run([dask.delayed(sum)([dask.delayed(len)(p) for p in parts[t]])
                      for t in parts])
        for t, n in zip(parts, counts):
            if n != v["read"].get(t, 0):
                return everything_gathered(f"pandas reads {n} rows of `{t}.csv`, the "
                                           f"engine's reader {v['read'].get(t, 0)}")
    # Exception records are matched against every subject of the check.
    if "exceptions" in frames and "exceptions" in names:
        n = run([dask.delayed(sum)([dask.delayed(len)(p) for p in parts["exceptions"]])])[0]
        if n:
            return everything_gathered("the data has exception records")

    # 1. The county of every row of the partitioned tables, along the paths
    # (parents first), and what could break the partition.
    pt = plan.partition_by
    key = by_name[pt]["key"]
    if pt not in frames or key not in frames[pt].columns:
        return everything_gathered(f"no `{pt}`.`{key}` column")
    county_keys = run([dask.delayed(lambda ps: pd.concat(ps)[key].tolist()
                                    if ps else [])(parts[pt])])[0]
    codes: Dict[str, int] = {}
    for k in county_keys:
        if isinstance(k, str) and k and k not in codes:
            codes[k] = len(codes)
    order: List[str] = [pt]
    while len(order) < len(plan.paths):
        for t in names:
            if t in plan.paths and t not in order:
                ref = by_name[t]["columns"][[c["name"] for c in by_name[t]["columns"]]
                                            .index(plan.paths[t])]["references"]
                if ref in order:
                    order.append(t)
    county: Dict[str, List[Any]] = {}
    lookups: Dict[str, Any] = {}
    problems: List[Any] = []
    problem_names: List[str] = []
    confirm: List[Any] = []  # for a problem found on hashes: the exact test
    referenced = {ref for _t, _c, ref in _references(schema)}
    for t in order:
        if t not in parts:
            continue
        col = plan.paths[t]
        if col not in frames[t].columns:
            return everything_gathered(f"no `{t}`.`{col}` column")
        if t == pt:
            county[t] = [dask.delayed(_own_part)(p, key, codes) for p in parts[t]]
        else:
            ref = next(c["references"] for c in by_name[t]["columns"] if c["name"] == col)
            lookup = lookups.get(ref)
            if lookup is None:
                county[t] = [dask.delayed(lambda p: pd.Series(np.full(len(p), -1,
                                                                      dtype=np.int32)))(p)
                             for p in parts[t]]
            else:
                county[t] = [dask.delayed(_lookup_part)(p, col, lookup) for p in parts[t]]
        tkey = by_name[t]["key"]
        if tkey and tkey in frames[t].columns and t in referenced:
            lookups[t] = dask.delayed(_concat_lookup)(
                [dask.delayed(_keys_to_part)(p, tkey, c) for p, c in zip(parts[t], county[t])])
            problems.append(dask.delayed(lambda lk: lk[1])(lookups[t]))
            problem_names.append(f"a key of `{t}` is given twice")
            confirm.append(None)
        elif tkey and tkey in frames[t].columns:
            # No table refers to these rows: their keys are only checked for
            # duplicates, by a hash of each (a collision is confirmed on the
            # keys themselves).
            problems.append(dask.delayed(_any_hash_twice)(
                [dask.delayed(_key_hashes)(p, tkey) for p in parts[t]]))
            problem_names.append(f"a key of `{t}` is given twice")
            confirm.append(dask.delayed(_duplicated)(
                [dask.delayed(_key_pieces)(p, [tkey]) for p in parts[t]]))
        for cols in by_name[t].get("unique") or []:
            if col not in cols and all(c in frames[t].columns for c in cols):
                problems.append(dask.delayed(_duplicated)(
                    [dask.delayed(_key_pieces)(p, list(cols)) for p in parts[t]]))
                problem_names.append(f"`{t}` has rows of one ({', '.join(cols)}) "
                                     f"in several {pt}")
                confirm.append(None)
    for t, column, ref in _references(schema):
        if t in plan.paths and ref in plan.paths and column != plan.paths[t] and t in parts \
                and ref in lookups and column in frames[t].columns:
            problems.append(dask.delayed(sum)(
                [dask.delayed(_crossing)(p, c, column, lookups[ref])
                 for p, c in zip(parts[t], county[t])]))
            problem_names.append(f"`{t}`.`{column}` refers to rows of other {pt}")
            confirm.append(None)
    # Kept on the workers for the passes below (the scheduler reuses a key
    # held in memory instead of computing it again).
    kept = client.persist([c for cs in county.values() for c in cs] + list(lookups.values())) \
        if client is not None else None
    weights = dask.delayed(lambda ws: pd.concat(ws).groupby(level=0).sum() if ws
                           else pd.Series([], dtype=np.int64))(
        [dask.delayed(_weights)(c) for cs in county.values() for c in cs])
    *flags, weight = run(problems + [weights])
    for flag, name, exact in zip(flags, problem_names, confirm):
        if flag and (exact is None or run([exact])[0]):
            return everything_gathered(name)

    # 2. Counties dealt into buckets, heaviest first to the lightest bucket
    # (rows without a county, which are bad input, to the first).
    if buckets == 0:
        workers = 0
        if client is not None:
            try:
                workers = len(client.scheduler_info()["workers"])
            except Exception:  # pragma: no cover - a client without a scheduler
                workers = 0
        # Two per worker, and at least one per _BUCKET_ROWS rows of the
        # partitioned tables (a bucket's check holds its rows' facts).
        rows_total = int(sum(int(w) for w in weight.values))
        buckets = max(2 * workers if workers else 4, -(-rows_total // _BUCKET_ROWS))
    buckets = max(1, min(buckets, max(1, len(codes))))
    load_of = [0] * buckets
    bucket_of = np.zeros(len(codes) + 1, dtype=np.int64)  # the last: no county
    for code, w in sorted(((int(c), int(w)) for c, w in weight.items() if c >= 0),
                          key=lambda cw: (-cw[1], cw[0])):
        b = min(range(buckets), key=lambda i: (load_of[i], i))
        bucket_of[code] = b
        load_of[b] += w
    bucket_of[len(codes)] = 0

    # 3. One check per bucket (the local rules) and one of the gathered
    # rules on their tables, then the merge.
    lengths = run([dask.delayed(len)(p) for t in order if t in parts for p in parts[t]])
    offsets: Dict[str, List[int]] = {}
    i = 0
    for t in order:
        if t not in parts:
            continue
        n = len(parts[t])
        offsets[t] = list(np.concatenate([[0], np.cumsum(lengths[i:i + n])[:-1]]).astype(int))
        i += n
    whole = {t: parts[t] for t in plan.global_tables if t in parts}
    spec_local = (pack, policy.params, tuple(plan.local), tuple(plan.local_derived))
    tasks = []
    for b in range(buckets):
        # Each bucket's rows are taken from the partitions by tasks of its
        # own, so that only the buckets being checked have their rows
        # copied (not every bucket's at once).
        scoped = {t: [dask.delayed(_select)(p, c, bucket_of, off, b)
                      for p, c, off in zip(parts[t], county[t], offsets[t])]
                  for t in county}
        tasks.append(dask.delayed(_check_bucket, pure=False)(spec_local, scoped, whole,
                                                              options, b == 0))
    gathered_task_ = None
    if plan.gathered or plan.gathered_derived:
        spec_g = (pack, policy.params, tuple(plan.gathered), tuple(plan.gathered_derived))
        gathered_task_ = gathered_task(spec_g, plan.gather_tables, False)
    results = run(tasks + ([gathered_task_] if gathered_task_ is not None else []))
    del kept
    gathered = results.pop() if gathered_task_ is not None else None
    for r in results + ([gathered] if gathered is not None else []):
        if "error" in r:
            # A table that does not validate, or a rule that fails: the
            # single-machine check says exactly how.
            return everything_gathered(f"a check failed: {r['error'][1]}")
    merged = _merge(policy, results, plan, gathered, names)
    for name in list(merged["derived"]):
        if name in plan.local_derived:
            rows = _sort_derived(merged["derived"][name], merged["derived_keys"][name])
            if rows is None:
                (g,) = run([gathered_task((pack, policy.params, (), (name,)),
                                          names, False)])
                if "error" in g:
                    return everything_gathered(f"a check failed: {g['error'][1]}")
                rows = g["derived"][name]
            merged["derived"][name] = rows
    # The derived tables in the pack's order.
    order_d = policy._info["derived"]
    merged["derived"] = {n: merged["derived"][n] for n in order_d if n in merged["derived"]}
    return finish(merged, f"partitioned by {pt} into {buckets} buckets")
