"""Exceptions: every problem zhucun finds in a pack or in data is a
:class:`Diagnostic` with its place, and the exception's text is what the
``zhucun`` command prints for it (``file:line:column``, the line, a caret)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

__all__ = ["Diagnostic", "DataCell", "Error", "RuleError", "InputError"]


@dataclass(frozen=True)
class DataCell:
    """The cell of input data a diagnostic is about.

    ``line`` is the line of the row in its CSV file (the header is line 1);
    for a data frame, the line the row would have in ``df.to_csv(index=False)``,
    so ``row = line - 2`` is its position (``df.iloc[row]``).
    """

    table: str
    line: int
    column: str
    value: str
    expected: str

    @property
    def row(self) -> Optional[int]:
        """The row's position in its data frame (``line - 2``), if it has a line."""
        return self.line - 2 if self.line >= 2 else None


@dataclass(frozen=True)
class Diagnostic:
    """One problem: a stable ``code`` (``pack.bad_default``, ``csv.bad_date``...),
    the message, where (``file``/``line``/``column`` in a pack or CSV file, or
    ``cell`` for data), a ``help`` hint and the ``rendered`` text with a caret."""

    severity: str
    code: str
    message: str
    help: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    cell: Optional[DataCell]
    rendered: str

    @classmethod
    def _from_native(cls, d: dict) -> "Diagnostic":
        cell = d.get("cell")
        return cls(
            severity=d["severity"],
            code=d["code"],
            message=d["message"],
            help=d["help"],
            file=d["file"],
            line=d["line"],
            column=d["column"],
            cell=DataCell(**cell) if cell else None,
            rendered=d["rendered"],
        )

    def __str__(self) -> str:
        return self.rendered


class Error(Exception):
    """Base class of zhucun's errors. ``diagnostics`` lists every problem
    found (errors and warnings, in the order found); ``str(e)`` is a summary
    line followed by each diagnostic as the CLI prints it."""

    def __init__(self, summary: str, diagnostics: Sequence[object] = ()) -> None:
        self.summary = summary
        self.diagnostics: List[Diagnostic] = [
            d if isinstance(d, Diagnostic) else Diagnostic._from_native(d)  # type: ignore[arg-type]
            for d in diagnostics
        ]
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [self.summary]
        shown = [d for d in self.diagnostics if d.severity != "note" or d.rendered]
        lines.extend(d.rendered for d in shown)
        return "\n".join(lines)

    @property
    def errors(self) -> List[Diagnostic]:
        """The diagnostics of severity ``error``."""
        return [d for d in self.diagnostics if d.severity == "error"]


class RuleError(Error):
    """A policy pack (or its tests) does not load, or a rule cannot be
    evaluated: each diagnostic has the ``file``, ``line`` and ``column`` in the
    pack."""


class InputError(Error):
    """The data is not valid input (DATA.md, "Bad input"): each bad cell,
    duplicate key or dangling reference is a diagnostic whose ``cell`` gives
    the table, line, column, value and what was expected; a malformed file
    or frame (a missing column, a column of the wrong type) has no cell or a
    cell with line 0."""

    @property
    def cells(self) -> List[DataCell]:
        """The cells of the errors that have one."""
        return [d.cell for d in self.errors if d.cell is not None]
