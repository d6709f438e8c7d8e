"""zhucun (驻村): the policy engine for village-resident work teams, from Python.

    >>> import zhucun
    >>> policy = zhucun.load("rules/qiannan")
    >>> report = policy.check("data/", as_of="2024-06-30")      # or a dict of DataFrames
    >>> report.findings.groupby(["county", "rule"]).size()
    >>> print(report.explain(0))

The same C++ engine as the ``zhucun`` command: the same findings, derived
tables and messages. Loading and checking release the GIL, and a loaded
policy can be shared by threads.
"""

from ._errors import DataCell, Diagnostic, Error, InputError, RuleError
from ._api import (
    Decision,
    Diff,
    Explanation,
    Facts,
    PackInfo,
    PackTestCase,
    PackTestReport,
    Policy,
    Report,
    Summary,
    load,
    test_pack,
)
from . import _zhucun

__version__: str = _zhucun.version

__all__ = [
    "load", "test_pack", "Policy", "Facts", "Report", "Summary", "Explanation", "Decision", "Diff",
    "PackInfo", "PackTestCase", "PackTestReport",
    "Error", "RuleError", "InputError", "Diagnostic", "DataCell", "__version__",
]
