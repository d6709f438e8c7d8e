# Typing stubs of the native module zhucun._zhucun (bindings/python/src).
# Users call the `zhucun` package; these describe what it calls.

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

version: str

_NativeParam = Union[None, str, List[Any], Dict[str, Any]]
# (name, form, data, valid, scale); form is one of "object", "int",
# "scaled", "double", "days", "months", "bool".
_NativeColumn = Tuple[str, str, np.ndarray, Optional[np.ndarray], int]

class Facts:
    def stats(self) -> List[Tuple[str, int, int, int]]: ...

class Policy:
    @staticmethod
    def load(dir: str, params: Dict[str, _NativeParam]) -> Policy: ...
    def schema(self) -> List[Dict[str, Any]]: ...
    def info(self) -> Dict[str, Any]: ...
    def read_csv(self, dir: str, lenient: bool, encoding: str) -> Facts: ...
    def reads(self) -> List[Dict[str, Any]]: ...
    def restrict(self, rules: List[str], derived: List[str]) -> Policy: ...
    # A table's optional fourth item: each row's line (uint32 array).
    def build_facts(
        self,
        tables: List[Union[Tuple[str, int, List[_NativeColumn]],
                           Tuple[str, int, List[_NativeColumn], Optional[np.ndarray]]]],
        lenient: bool,
        null_values: Tuple[Any, ...],
    ) -> Facts: ...
    def check(
        self, facts: Facts, as_of: str, start: Optional[str], threads: int,
        profile: bool, plan: bool, lang: str
    ) -> Dict[str, Any]: ...
    def explain(
        self,
        facts: Facts,
        as_of: str,
        start: Optional[str],
        rule: str,
        subject: str,
        period: str,
        lang: str,
    ) -> Dict[str, Any]: ...

def diff(
    before: Policy, before_facts: Facts, after: Policy, after_facts: Facts, as_of: str,
    start: Optional[str], threads: int
) -> Dict[str, Any]: ...
def test_pack(dir: str, params: Dict[str, _NativeParam], filter: str) -> Dict[str, Any]: ...
