"""The Python API: load a pack, check data frames or a CSV folder, explain
findings, run a pack's tests. The C++ engine does the work (``zhucun._zhucun``)
with the GIL released; this module shapes its results as pandas objects."""

from __future__ import annotations

import datetime
import decimal
import html
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _zhucun
from ._errors import Diagnostic, RuleError
from ._frames import NULL_VALUES, frames_to_native
from ._params import params_to_native

__all__ = [
    "load", "Policy", "Facts", "Report", "Summary", "Explanation",
    "test_pack", "PackTestReport", "PackTestCase",
]

Tables = Union[Mapping[str, pd.DataFrame], str, "os.PathLike[str]", "Facts"]
DateLike = Union[str, datetime.date, pd.Timestamp, np.datetime64]


def _lang(lang: Any) -> str:
    """``lang`` checked: ``"en"`` or ``"zh"``."""
    if not isinstance(lang, str):
        raise TypeError(f"lang: expected \"en\" or \"zh\", not {type(lang).__name__}")
    if lang not in ("en", "zh"):
        raise ValueError(f"lang: expected \"en\" or \"zh\", not {lang!r}")
    return lang


def _date_text(what: str, value: Any) -> str:
    """YYYY-MM-DD for a date given as text, date, Timestamp or datetime64."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise ValueError(f"{what}: NaT is not a date")
        value = pd.Timestamp(value)
    if isinstance(value, datetime.datetime):  # and pd.Timestamp
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{what}: expected a date (YYYY-MM-DD str, datetime.date, "
                    f"Timestamp or datetime64), not {type(value).__name__}")


def _threads(threads: Any) -> int:
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
        raise TypeError(f"threads: expected an int, not {type(threads).__name__}")
    if threads < 0:
        raise ValueError(f"threads: expected 0 (one per core) or more, not {threads}")
    return int(threads)


class Facts:
    """Validated fact tables, built once (from data frames or a CSV folder)
    and usable for any number of checks and explanations.

    ``stats`` is a DataFrame of rows ``read``, ``accepted`` and ``rejected``
    per table (in lenient mode, rejected rows are the ``input.invalid``
    findings of a check)."""

    def __init__(self, native: Any) -> None:
        self._native = native

    @property
    def stats(self) -> pd.DataFrame:
        """Rows read, accepted and rejected per table, in schema order."""
        return pd.DataFrame(self._native.stats(),
                            columns=["table", "read", "accepted", "rejected"])


@dataclass(frozen=True)
class Decision:
    """What decided a value computed over a list: the element that made an
    ``exists`` true or an ``all`` false, or the elements a ``filter`` kept
    (such as the visits counted against a quota). ``str()`` is the line
    ``zhucun explain`` prints."""

    #: The comprehension, short: ``unit.members.exists(m, …)``.
    expression: str
    #: ``exists``, ``all`` or ``filter``.
    kind: str
    #: exists, all: the result.
    value: bool
    #: How many elements the list had.
    of: int
    #: exists, all: 1 if an element decided, else 0; filter: elements kept.
    count: int
    #: exists, all: the element that decided; filter: the first kept (at most 8).
    elements: List[str]
    #: What decided the lists inside the deciding element's condition.
    inner: List["Decision"]
    _text: str = field(repr=False, default="")

    @classmethod
    def _from_native(cls, d: Dict[str, Any]) -> "Decision":
        return cls(expression=d["expression"], kind=d["kind"], value=d["value"], of=d["of"],
                   count=d["count"], elements=list(d["elements"]),
                   inner=[cls._from_native(i) for i in d["inner"]], _text=d["text"])

    def __str__(self) -> str:
        return self._text


def _decisions(per_item: List[List[Dict[str, Any]]]) -> List[List[Decision]]:
    return [[Decision._from_native(d) for d in one] for one in per_item]


def _decision_lines(decisions: List[Decision], depth: int = 0) -> List[str]:
    lines = []
    for d in decisions:
        lines.append("\u00a0" * (2 * depth) + str(d))
        lines.extend(_decision_lines(d.inner, depth + 1))
    return lines


@dataclass(frozen=True)
class Explanation:
    """Why a rule fired, or did not, for one subject and period: the same
    explanation as ``zhucun explain``. ``str()`` is the CLI's text; in a
    notebook it shows as a table."""

    rule: str
    title: str
    severity: str
    source: str
    subject: str
    period: str
    fired: bool
    message: str
    #: The subject's rows: (name, [(column, value), ...]).
    rows: List[Tuple[str, List[Tuple[str, str]]]]
    #: For rules whose periods come from an expression: (expression, periods).
    periods: Optional[Tuple[str, str]]
    #: Each `let` of the rule with its value: (name, value).
    lets: List[Tuple[str, str]]
    #: Each top-level condition of `when` as written, with its value.
    conditions: List[Tuple[str, str]]
    #: When the rule did not fire: the index of the first false condition.
    first_false: Optional[int]
    #: When an exception record exempts the finding: its exception_id, else "".
    exempted_by: str = ""
    #: What decided each of ``lets`` and of ``conditions`` (same index) that
    #: went through a list (which member, which visits); empty for the others.
    let_decisions: List[List[Decision]] = field(default_factory=list)
    condition_decisions: List[List[Decision]] = field(default_factory=list)
    _text: str = field(repr=False, default="")

    @classmethod
    def _from_native(cls, d: Dict[str, Any]) -> "Explanation":
        return cls(
            rule=d["rule"], title=d["title"], severity=d["severity"], source=d["source"],
            subject=d["subject"], period=d["period"], fired=d["fired"], message=d["message"],
            rows=[(name, list(cells)) for name, cells in d["rows"]],
            periods=tuple(d["periods"]) if d["periods"] is not None else None,
            lets=list(d["lets"]), conditions=list(d["conditions"]),
            first_false=d["first_false"], exempted_by=d["exempted_by"],
            let_decisions=_decisions(d["let_decisions"]),
            condition_decisions=_decisions(d["condition_decisions"]), _text=d["text"],
        )

    def __str__(self) -> str:
        return self._text

    def _repr_html_(self) -> str:
        e = html.escape
        out = ['<div class="zhucun-explanation"><table>']

        def row(name: str, value: str, style: str = "") -> None:
            out.append(f'<tr{style}><th style="text-align:left">{e(name)}</th>'
                       f'<td style="text-align:left">{e(value)}</td></tr>')

        row("rule", f"{self.rule}  {self.title}".strip())
        row("source", self.source)
        row("severity", self.severity)
        row("subject", self.subject)
        if self.period:
            row("period", self.period)
        row("result", f"fired: {self.message}" if self.fired else "did not fire")
        out.append("</table>")
        for name, cells in self.rows:
            out.append(f"<p><b>row {e(name)}</b></p><table>")
            for column, value in cells:
                row(column, value if value else "(empty)")
            out.append("</table>")
        if self.periods is not None:
            out.append("<p><b>periods of the subject</b></p><table>")
            row(*self.periods)
            out.append("</table>")
        if self.lets:
            out.append("<p><b>values</b></p><table>")
            for i, (name, value) in enumerate(self.lets):
                row(name, value)
                decided = self.let_decisions[i] if i < len(self.let_decisions) else []
                for line in _decision_lines(decided):
                    row("", line)
            out.append("</table>")
        if self.conditions:
            out.append("<p><b>conditions (when)</b></p><table>")
            for i, (text, value) in enumerate(self.conditions):
                first = i == self.first_false
                style = ' style="background:#fde2e2"' if first else ""
                out.append(f'<tr{style}><td style="text-align:left">{e(value)}</td>'
                           f'<td style="text-align:left"><code>{e(text)}</code>'
                           f'{" &larr; first false" if first else ""}</td></tr>')
                decided = (self.condition_decisions[i]
                           if i < len(self.condition_decisions) else [])
                for line in _decision_lines(decided):
                    out.append(f'<tr><td></td><td style="text-align:left">{e(line)}</td></tr>')
            out.append("</table>")
        out.append("</div>")
        return "".join(out)


class Summary(NamedTuple):
    """Counts of a report's findings, as ``zhucun check`` prints them."""

    #: One row per (rule, severity): rule, title, severity, findings.
    by_rule: pd.DataFrame
    #: One row per summary group (e.g. county): the group, errors, warnings;
    #: most findings first, findings without a group last.
    by_group: pd.DataFrame


def _typed_column(name: str, type_name: str, cells: Tuple[str, Any, Any]) -> Any:
    """A derived table's column as its type: exact Decimals, nullable ints,
    dates, bools, str. ``cells`` is the form the native module hands over
    (bindings/python/src/report.cc): ``("int" | "bool", values, null mask or
    None)``, ``("objects", object array, None)`` already typed, or
    ``("texts", cell texts, None)`` converted here."""
    form, data, mask = cells
    if form == "int":
        return pd.Series(pd.arrays.IntegerArray(
            data, mask if mask is not None else np.zeros(len(data), dtype=bool)), name=name)
    if form == "bool":
        return pd.Series(pd.arrays.BooleanArray(
            data, mask if mask is not None else np.zeros(len(data), dtype=bool)), name=name)
    if form == "objects":
        return pd.Series(data, dtype=object, name=name)

    def each(convert: Any) -> List[Any]:
        return [None if c in ("", "null") else convert(c) for c in data]

    if type_name == "decimal":
        return pd.Series(each(decimal.Decimal), dtype=object, name=name)
    if type_name == "int":
        return pd.Series(each(int), dtype="Int64", name=name)
    if type_name == "date":
        return pd.Series(each(datetime.date.fromisoformat), dtype=object, name=name)
    if type_name == "bool":
        return pd.Series(each(lambda c: c == "true"), dtype="boolean", name=name)
    if type_name == "double":
        return pd.Series(each(float), dtype="float64", name=name)
    return pd.Series(list(data), dtype=object, name=name)


def _summary(policy: "Policy", f: pd.DataFrame, by: str) -> Summary:
    """Counts of findings `f` by rule and severity (with each rule's title)
    and by the summary group `by` (empty: none), as the CLI's summary prints
    them; Report.summary and zhucun.dask's."""
    titles = {r["id"]: r["title"] for r in policy._info["rules"]}
    by_rule = (f.groupby(["rule", "severity"], sort=True).size()
               .rename("findings").reset_index())
    by_rule.insert(1, "title", by_rule["rule"].map(titles).fillna(""))
    by_rule = by_rule[["rule", "title", "severity", "findings"]]
    if not by:
        return Summary(by_rule, pd.DataFrame(columns=["group", "errors", "warnings"]))
    groups = f[by].fillna("")
    by_group = pd.DataFrame({
        by: groups,
        "errors": (f["severity"] == "error").astype(int),
        "warnings": (f["severity"] != "error").astype(int),
    }).groupby(by, sort=True).sum().reset_index()
    total = by_group["errors"] + by_group["warnings"]
    order = sorted(range(len(by_group)),
                   key=lambda i: (by_group[by].iat[i] == "", -total.iat[i]))
    by_group = by_group.iloc[order].reset_index(drop=True)
    by_group[by] = by_group[by].replace("", None)
    return Summary(by_rule, by_group)


class Report:
    """What a check found.

    - ``findings``: the columns and values of the CLI's ``findings.csv``
      (``rule, subject, period, severity, message``; ``period`` is ``""`` for
      rules without periods), sorted the same way, plus the pack's summary
      group (``county`` for Qiannan; None where a finding has none);
    - ``exempted``: the findings exception records exempt (the CLI's
      ``exempted.csv``: the finding's columns and ``exception``, the record's
      id); ``exceptions``: how many exception records the facts hold;
    - ``derived``: the pack's derived tables by name, with typed columns
      (``assessment_grades.composite`` holds exact ``decimal.Decimal``);
    - ``warnings``: diagnostics that did not stop the check;
    - ``stats``: rows read, evaluated and reported (``input.invalid``) per table.
    """

    def __init__(self, policy: "Policy", facts: Facts, as_of: str,
                 start: Optional[str], native: Dict[str, Any], lang: str = "en") -> None:
        self.policy = policy
        self.facts = facts
        self.as_of = as_of
        self.start = start
        self.lang = lang
        self.summary_by: str = native["summary_by"]
        findings = pd.DataFrame(native["findings"],
                                columns=["rule", "subject", "period", "severity", "message"])
        if self.summary_by:
            groups = native["groups"]
            findings[self.summary_by] = pd.Series(
                [g if g else None for g in groups] if groups is not None
                else [None] * len(findings), dtype=object)
        self.findings: pd.DataFrame = findings
        self.exempted: pd.DataFrame = pd.DataFrame(
            native["exempted"],
            columns=["rule", "subject", "period", "severity", "message", "exception"])
        self.exceptions: int = native["exceptions"]
        self.derived: Dict[str, pd.DataFrame] = {}
        #: Each derived table's sort columns (the pack's ``sort_by``).
        self.derived_keys: Dict[str, List[str]] = {
            d["name"]: list(d.get("key", [])) for d in native["derived"]}
        for d in native["derived"]:
            # (copy=False: the columns stay the arrays the native module
            # made, not copied into one block per dtype.)
            self.derived[d["name"]] = pd.DataFrame({
                name: _typed_column(name, type_name, cells)
                for name, type_name, cells in zip(d["columns"], d["types"], d["cells"])
            }, copy=False)
        self.warnings: List[Diagnostic] = [Diagnostic._from_native(w) for w in native["warnings"]]
        self._profile = native["profile"]

    @property
    def profile(self) -> Optional[pd.DataFrame]:
        """With ``check(..., profile=True)``: one row per rule and derived
        table, slowest first (``rule``, ``ms`` of CPU time, ``subjects``,
        ``judged`` (subject, period) pairs, ``evaluated`` (of those, the
        pairs the row evaluator judged after the plan), ``lets_computed`` of
        ``lets_bound``, ``findings``, ``path``, ``steps``: for a planned
        rule, each top-level ``&&`` operand of its ``when`` with the pairs
        the plan still kept after it, as ``(condition, kept)`` tuples), as
        ``zhucun check --profile`` prints; ``attrs["evaluation_ms"]`` is the wall time of
        the evaluation and ``attrs["text"]`` the CLI's text. None otherwise."""
        if self._profile is None:
            return None
        df = pd.DataFrame(self._profile["rules"],
                          columns=["rule", "ms", "subjects", "judged", "evaluated",
                                   "lets_computed", "lets_bound", "findings", "path", "steps"])
        df = df.sort_values("ms", ascending=False, kind="stable").reset_index(drop=True)
        df.attrs["evaluation_ms"] = self._profile["evaluation_ms"]
        df.attrs["threads"] = self._profile["threads"]
        df.attrs["text"] = self._profile["text"]
        return df

    @property
    def stats(self) -> pd.DataFrame:
        """Per table: rows read, evaluated and reported (DATA.md: read =
        evaluated + reported)."""
        return self.facts.stats.rename(columns={"accepted": "evaluated",
                                                "rejected": "reported"})

    @property
    def errors(self) -> int:
        """The number of findings of severity ``error`` (the CLI exits 1 when
        there is one)."""
        return int((self.findings["severity"] == "error").sum())

    def __len__(self) -> int:
        return len(self.findings)

    def __repr__(self) -> str:
        return (f"<zhucun.Report as of {self.as_of}: {len(self.findings)} findings "
                f"({self.errors} errors), derived: {', '.join(self.derived) or 'none'}>")

    def summary(self) -> Summary:
        """Counts by rule and severity (with each rule's title) and by summary
        group, as the CLI's summary prints them."""
        return _summary(self.policy, self.findings, self.summary_by)

    def explain(self, i: int) -> Explanation:
        """The explanation of finding ``i`` (a position in ``findings``)."""
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"explain: expected a finding's position (int), not {type(i).__name__}")
        n = len(self.findings)
        if not -n <= i < n:
            raise IndexError(f"explain: there are {n} findings, no finding {i}")
        f = self.findings.iloc[int(i)]
        return self.policy.explain(self.facts, f["rule"], f["subject"], f["period"],
                                   as_of=self.as_of, start=self.start, lang=self.lang)


class Policy:
    """A compiled policy pack: immutable, and safe to use from several
    threads at once (the engine runs without the GIL)."""

    def __init__(self, native: Any, path: str,
                 params: Optional[Mapping[str, Any]] = None) -> None:
        self._native = native
        self.path = path
        #: The parameters given to :func:`load` (a copy), with ``path`` what
        #: loads the same policy again (``zhucun.dask`` loads it on workers).
        self.params: Dict[str, Any] = dict(params or {})
        #: For a policy made by :meth:`restrict`: the rules and derived
        #: tables it keeps (None: the whole pack).
        self.subset: Optional[Tuple[Tuple[str, ...], Tuple[str, ...]]] = None
        self._info: Dict[str, Any] = native.info()
        self._schema: List[Dict[str, Any]] = native.schema()

    def __repr__(self) -> str:
        i = self._info
        return (f"<zhucun.Policy {i['name']} {i['version']}: {len(i['rules'])} rules, "
                f"{len(i['parameters'])} parameters>")

    @property
    def name(self) -> str:
        return self._info["name"]

    @property
    def version(self) -> str:
        return self._info["version"]

    @property
    def schema(self) -> List[Dict[str, Any]]:
        """The fact tables: each a dict with name, key, unique and columns
        (name, type, nullable, codes, scale, references, null_iff)."""
        return self._schema

    def info(self) -> "PackInfo":
        """The rules (id, kind, title, severity, source) and the parameters
        (name, type, value in effect, doc, source) as DataFrames; the pack's
        name, version and title are attributes of the policy."""
        rules = pd.DataFrame(self._info["rules"],
                             columns=["id", "kind", "title", "severity", "source"])
        params = pd.DataFrame(self._info["parameters"],
                              columns=["name", "type", "value", "doc", "source"])
        return PackInfo(rules, params)

    def reads(self) -> List[Dict[str, Any]]:
        """What each rule, derived table and summary key reads, as the
        compiled expressions say (``zhucun/reads.h``): one dict each with
        ``kind`` (``rule``, ``derived``, ``summary_key``), ``name``,
        ``subject`` (``table``, ``group``, ``prefecture``), ``table``,
        ``group_by``, ``facts`` (tables read whole as ``facts.<table>``),
        ``facts_any``, ``unknown`` and ``relations``: ``(table, field,
        reverse, column, other)`` for each relation followed from a record
        (``("teams", "members", True, "team_id", "members")``).
        ``zhucun.dask`` partitions a check by it (docs/dask.md)."""
        return self._native.reads()

    def restrict(self, rules: Sequence[str], derived: Sequence[str] = ()) -> "Policy":
        """This policy with only the rules ``rules`` and the derived tables
        ``derived`` (others are ignored): its check gives exactly those
        rules' findings and those tables of this policy's check, and the
        input findings. Exception records naming a rule left out are
        findings of their own, so check with the whole policy when the data
        has exception records."""
        for what, names in (("rules", rules), ("derived", derived)):
            if isinstance(names, str) or not all(isinstance(n, str) for n in names):
                raise TypeError(f"restrict: {what} must be a list of str")
        p = Policy(self._native.restrict(list(rules), list(derived)), self.path, self.params)
        p.subset = (tuple(p._info["rules"][i]["id"] for i in range(len(p._info["rules"]))),
                    tuple(p._info["derived"]))
        return p

    def facts(self, tables: Tables, lenient: bool = False,
              encoding: str = "utf-8") -> Facts:
        """Validates data once for several checks: a dict of DataFrames (one
        per table of the schema; a table left out is empty) or the path of a
        folder of CSV files (``<table>.csv``, as ``zhucun check --data``).
        Strict: raises :class:`zhucun.InputError` listing every bad cell;
        lenient: bad rows are left out (``input.invalid`` findings)."""
        if isinstance(tables, Facts):
            return tables
        if not isinstance(lenient, bool):
            raise TypeError(f"lenient: expected a bool, not {type(lenient).__name__}")
        if isinstance(tables, (str, os.PathLike)):
            path = os.fspath(tables)
            if not os.path.isdir(path):
                raise FileNotFoundError(f"no such data folder: `{path}`")
            return Facts(self._native.read_csv(path, lenient, encoding))
        native = frames_to_native(self._schema, tables)
        return Facts(self._native.build_facts(native, lenient, NULL_VALUES))

    def check(self, tables: Tables, as_of: DateLike, start: Optional[DateLike] = None,
              lenient: bool = False, threads: int = 0, profile: bool = False,
              plan: bool = True, lang: str = "en") -> Report:
        """Evaluates every rule and derived table as of ``as_of``, judging the
        periods that lie wholly in [``start``, ``as_of``] (``start``: the pack's
        ``window_start`` when None), as ``zhucun check``. ``tables`` is a dict
        of DataFrames, a CSV folder path or :class:`Facts`; ``threads`` 0 uses
        every core (the report is the same for any number); with ``profile``,
        :attr:`Report.profile` says where the time went. ``plan=False``
        judges every (subject, period) pair with the row evaluator, without
        the rules' plans (the same report, slower: ``zhucun check --no-plan``).
        ``lang`` (``"en"`` or ``"zh"``) is the language of the findings'
        messages and of the explanations' text, for rules that speak it
        (``zhucun check --lang``)."""
        as_of_text = _date_text("as_of", as_of)
        lang = _lang(lang)
        start_text = None if start is None else _date_text("start", start)
        threads = _threads(threads)
        facts = self.facts(tables, lenient=lenient)
        for name, flag in (("profile", profile), ("plan", plan)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name}: expected True or False, not {type(flag).__name__}")
        native = self._native.check(facts._native, as_of_text, start_text, threads, profile,
                                    plan, lang)
        return Report(self, facts, as_of_text, start_text, native, lang)

    def diff(self, new: "Policy", tables: Tables, as_of: DateLike,
             start: Optional[DateLike] = None, lenient: bool = False,
             threads: int = 0) -> "Diff":
        """What changing this policy into ``new`` (an edited pack, or this one
        loaded with other ``params``) does to the findings and derived rows of
        ``tables`` as of ``as_of``: a :class:`Diff`, as ``zhucun diff``. Each
        policy reads the tables against its own schema."""
        if not isinstance(new, Policy):
            raise TypeError(f"diff: new must be a zhucun.Policy, not {type(new).__name__}")
        as_of_text = _date_text("as_of", as_of)
        start_text = None if start is None else _date_text("start", start)
        threads = _threads(threads)
        before = self.facts(tables, lenient=lenient)
        after = new.facts(tables, lenient=lenient)
        return Diff(_zhucun.diff(self._native, before._native, new._native, after._native,
                                 as_of_text, start_text, threads))

    def explain(self, tables: Tables, rule: str, subject: str, period: str = "",
                as_of: Optional[DateLike] = None, start: Optional[DateLike] = None,
                lenient: bool = False, lang: str = "en") -> Explanation:
        """Why ``rule`` fired, or did not, for ``subject`` (e.g.
        ``members:M000001``) in ``period`` (e.g. ``2023-Q1``; ``""`` for rules
        without periods), as of ``as_of``. An unknown rule, subject or period
        is a ValueError. ``lang`` as for :meth:`check`."""
        lang = _lang(lang)
        if as_of is None:
            raise TypeError("explain: as_of is required (the evaluation date)")
        for what, v in (("rule", rule), ("subject", subject), ("period", period)):
            if not isinstance(v, str):
                raise TypeError(f"explain: {what} must be a str, not {type(v).__name__}")
        as_of_text = _date_text("as_of", as_of)
        start_text = None if start is None else _date_text("start", start)
        facts = self.facts(tables, lenient=lenient)
        return Explanation._from_native(self._native.explain(
            facts._native, as_of_text, start_text, rule, subject, period, lang))


class Diff:
    """What a change of policy does (``Policy.diff``, ``zhucun diff``):

    - ``findings``: one row per finding that appears, vanishes or changes
      message or severity: ``change`` (``appears``, ``vanishes``, ``changes``),
      ``rule``, ``subject``, ``period``, ``severity_before``, ``severity_after``,
      ``message_before``, ``message_after`` (``""`` on the side without it);
    - ``derived``: one row per derived row that appears, vanishes or changes:
      ``change``, ``table``, ``key`` (the row's sort columns as
      ``column=value, ...``), ``before``, ``after``.
    """

    def __init__(self, native: Dict[str, Any]) -> None:
        self.findings: pd.DataFrame = pd.DataFrame(native["findings"], columns=[
            "change", "rule", "subject", "period", "severity_before", "severity_after",
            "message_before", "message_after"])
        self.derived: pd.DataFrame = pd.DataFrame(native["derived"], columns=[
            "change", "table", "key", "before", "after"])

    @property
    def empty(self) -> bool:
        """Whether nothing changes."""
        return len(self.findings) == 0 and len(self.derived) == 0

    def __repr__(self) -> str:
        counts = self.findings["change"].value_counts()
        parts = ", ".join(f"{counts.get(k, 0)} {k[:-1] if k.endswith('s') else k}"
                          for k in ("appears", "vanishes", "changes"))
        return f"<zhucun.Diff: findings {parts}; {len(self.derived)} derived rows change>"


class PackInfo(NamedTuple):
    """A pack's rules and parameters (Policy.info())."""

    rules: pd.DataFrame
    parameters: pd.DataFrame


def load(path: Union[str, "os.PathLike[str]"], params: Optional[Mapping[str, Any]] = None) -> Policy:
    """Loads and compiles the policy pack in folder ``path`` (e.g.
    ``rules/qiannan``). ``params`` overrides parameters by name, type-checked
    exactly as the pack's YAML defaults: ``Decimal("0.25")``, ``0.25`` or
    ``"0.25"`` for a decimal, a list for a list parameter, a dict for a map.
    Raises :class:`zhucun.RuleError` with every problem of the pack."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load: expected a pack folder path, not {type(path).__name__}")
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params: expected a dict, not {type(params).__name__}")
    p = os.fspath(path)
    return Policy(_zhucun.Policy.load(p, params_to_native(params)), p, params)


@dataclass(frozen=True)
class PackTestCase:
    """One case of a pack's tests and how it went."""

    file: str
    name: str
    passed: bool
    #: Why it failed, each pointing at the expectation in the test file.
    failures: List[Diagnostic]


@dataclass(frozen=True)
class PackTestReport:
    """The outcome of a pack's tests (``zhucun test``)."""

    cases: List[PackTestCase]
    #: Rules no case expects to fire / not to fire (coverage).
    never_fires: List[str]
    never_quiet: List[str]
    passed: bool

    @property
    def failed(self) -> List[PackTestCase]:
        return [c for c in self.cases if not c.passed]

    def __str__(self) -> str:
        lines = [f"{len(self.cases) - len(self.failed)} of {len(self.cases)} cases passed"]
        for c in self.failed:
            lines.append(f"FAILED {c.file}: {c.name}")
            lines.extend("  " + f.rendered.replace("\n", "\n  ") for f in c.failures)
        if self.never_fires:
            lines.append("rules no case expects to fire: " + ", ".join(self.never_fires))
        if self.never_quiet:
            lines.append("rules no case expects to stay quiet: " + ", ".join(self.never_quiet))
        return "\n".join(lines)


def test_pack(path: Union[str, "os.PathLike[str]"], params: Optional[Mapping[str, Any]] = None,
              filter: str = "") -> PackTestReport:
    """Runs a pack's tests (its ``tests/*.yaml``, docs/pack-tests.md) and checks
    that every rule has a case that fires and one that must not. Raises
    :class:`zhucun.RuleError` when the pack or a test file does not load."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"test_pack: expected a pack folder path, not {type(path).__name__}")
    native = _zhucun.test_pack(os.fspath(path), params_to_native(params), filter)
    cases = [PackTestCase(c["file"], c["name"], c["passed"],
                          [Diagnostic._from_native(f) for f in c["failures"]])
             for c in native["cases"]]
    cov = native["coverage"]
    return PackTestReport(cases, list(cov["never_fires"]), list(cov["never_quiet"]),
                          native["passed"])


# pytest must not collect the function above as a test.
test_pack.__test__ = False  # type: ignore[attr-defined]
