"""Parameters from Python: every parameter type of the pack format, lists and
maps included, type-checked by the one parser that reads the YAML defaults
and `--param`; the findings change as the CLI's do."""

from __future__ import annotations

import datetime
import decimal

import pytest

from conftest import PACK, read_csv_rows, run_cli


def rules_fired(report, rule):
    """The (subject, period) pairs for which `rule` fired."""
    f = report.findings[report.findings["rule"] == rule]
    return set(zip(f["subject"], f["period"]))


def test_decimal_param_as_decimal_float_and_str_is_the_same(zhucun, sample):
    """assess.excellent_share (POLICY.md): the cap on the share of excellent
    grades; Decimal, float and str give the same policy."""
    reports = [zhucun.load(PACK, params={"max_excellent_share": v}).check(sample, as_of="2024-06-30")
               for v in (decimal.Decimal("0.05"), 0.05, "0.05")]
    for r in reports[1:]:
        assert r.findings.equals(reports[0].findings)
    info = zhucun.load(PACK, params={"max_excellent_share": 0.05}).info().parameters
    assert info.set_index("name").loc["max_excellent_share", "value"] == "0.05"


def test_param_changes_findings_as_the_cli(zhucun, sample, tmp_path):
    """Lowering the cap makes assess.excellent_share fire where the default
    does not; the Python report equals the CLI's with --param."""
    report = zhucun.load(PACK, params={"max_excellent_share": decimal.Decimal("0.05")}).check(
        sample, as_of="2024-06-30")
    default = zhucun.load(PACK).check(sample, as_of="2024-06-30")
    assert len(rules_fired(report, "assess.excellent_share")) > \
        len(rules_fired(default, "assess.excellent_share"))
    r = run_cli(sample, tmp_path, "2024-06-30", params=("max_excellent_share=0.05",))
    assert r.returncode in (0, 1), r.stderr
    want = read_csv_rows(tmp_path / "findings.csv")[1:]
    assert report.findings[["rule", "subject", "period", "severity", "message"]].values.tolist() == want


def test_list_and_map_params(zhucun, policy, sample):
    """bundles.complete needs every kind of params.bundle_kinds (四个捆绑);
    assign.sector_match maps a village category to a unit sector."""
    fewer = zhucun.load(PACK, params={"bundle_kinds": ["responsibility"]})
    base = policy.check(sample, as_of="2024-06-30")
    r = fewer.check(sample, as_of="2024-06-30")
    assert len(rules_fired(r, "bundles.complete")) < len(rules_fired(base, "bundles.complete"))
    info = fewer.info().parameters.set_index("name")
    assert info.loc["bundle_kinds", "type"] == "list(string)"
    assert info.loc["bundle_kinds", "value"] == '["responsibility"]'

    mapping = {"weak": "party_mass", "disorderly": "political_legal", "poor": "economic",
               "industry": "agriculture", "specialized": "science_tech"}
    same = zhucun.load(PACK, params={"sector_for_category": mapping})
    assert same.check(sample, as_of="2024-06-30").findings.equals(base.findings)
    swapped = dict(mapping, weak="economic", poor="party_mass")
    r = zhucun.load(PACK, params={"sector_for_category": swapped}).check(sample, as_of="2024-06-30")
    assert rules_fired(r, "assign.sector_match") != rules_fired(base, "assign.sector_match")


def test_date_int_and_bool_forms(zhucun):
    a = zhucun.load(PACK, params={"window_start": datetime.date(2022, 1, 1), "term_years": 3})
    b = zhucun.load(PACK, params={"window_start": "2022-01-01", "term_years": "3"})
    assert a.info().parameters.equals(b.info().parameters)


@pytest.mark.parametrize("params, message", [
    ({"max_excellent_share": "abc"}, "max_excellent_share"),
    ({"max_excellent_share": [1, 2]}, "max_excellent_share"),
    ({"bundle_kinds": "responsibility"}, "bundle_kinds"),
    ({"term_years": 2.5}, "term_years"),
    ({"window_start": "2023-02-30"}, "window_start"),
    ({"max_excelent_share": 0.1}, "did you mean `max_excellent_share`"),
])
def test_bad_params_are_rule_errors(zhucun, params, message):
    with pytest.raises(zhucun.RuleError) as e:
        zhucun.load(PACK, params=params)
    assert message in str(e.value)
    assert e.value.errors


def test_unusable_python_values_are_type_errors(zhucun):
    with pytest.raises(TypeError, match="cannot use a object"):
        zhucun.load(PACK, params={"term_years": object()})
    with pytest.raises(TypeError, match="a set has no order"):
        zhucun.load(PACK, params={"bundle_kinds": {"funds"}})
    with pytest.raises(TypeError, match="params: expected a dict"):
        zhucun.load(PACK, params=[("term_years", 2)])
    with pytest.raises(ValueError, match="not a finite number"):
        zhucun.load(PACK, params={"max_excellent_share": float("nan")})
