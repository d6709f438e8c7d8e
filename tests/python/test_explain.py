"""Explanations from Python are the CLI's (`zhucun explain`): the same
fields, `str()` equal to its text, and an HTML table in a notebook."""

from __future__ import annotations

import html
import subprocess

import pandas as pd
import zhucun
import pytest

from conftest import CLI, PACK, SHARED

EXAMPLE = SHARED / "spec" / "example" / "data"


def cli_explain(rule, subject, period=""):
    args = [str(CLI), "explain", "--rules", str(PACK), "--data", str(EXAMPLE),
            "--as-of", "2024-06-30", rule, subject] + ([period] if period else [])
    return subprocess.run(args, capture_output=True, text=True)


@pytest.fixture(scope="module")
def report(policy):
    return policy.check(EXAMPLE, as_of="2024-06-30")


def test_every_finding_explains_as_the_cli(report):
    findings = report.findings[report.findings["rule"] != "input.invalid"]
    assert len(findings) > 0
    for i in findings.index:
        e = report.explain(int(i))
        f = report.findings.loc[i]
        assert (e.rule, e.subject, e.period) == (f["rule"], f["subject"], f["period"])
        assert e.fired and e.message == f["message"]
        cli = cli_explain(e.rule, e.subject, e.period)
        assert cli.returncode == 0, cli.stderr
        assert str(e) == cli.stdout


def test_a_rule_that_did_not_fire(policy, report):
    """team.first_secretary (POLICY.md, 1+2+N) on a team that has its first
    secretary: did not fire, the first false condition marked, as the CLI."""
    fired = set(report.findings.loc[report.findings["rule"] == "team.first_secretary", "subject"])
    teams = policy.facts(EXAMPLE)
    team_ids = pd.read_csv(EXAMPLE / "teams.csv", dtype=str)["team_id"]
    quiet = next(f"teams:{t}" for t in team_ids if f"teams:{t}" not in fired)
    e = policy.explain(teams, "team.first_secretary", quiet, as_of="2024-06-30")
    assert not e.fired and e.message == ""
    assert e.first_false is not None
    assert "<- first false" in str(e)
    cli = cli_explain("team.first_secretary", quiet)
    assert cli.returncode == 1
    assert str(e) == cli.stdout


def test_html(report):
    html = report.explain(0)._repr_html_()
    assert html.startswith('<div class="zhucun-explanation"><table>')
    e = report.explain(0)
    assert e.rule in html and "fired:" in html
    assert "<script" not in html


def test_unknown_rule_subject_period_are_value_errors(policy):
    with pytest.raises(ValueError, match="team.first_secretry"):
        policy.explain(EXAMPLE, "team.first_secretry", "teams:T00001", as_of="2024-06-30")
    with pytest.raises(ValueError):
        policy.explain(EXAMPLE, "team.first_secretary", "teams:T99999", as_of="2024-06-30")
    with pytest.raises(TypeError, match="as_of is required"):
        policy.explain(EXAMPLE, "team.first_secretary", "teams:T00001")


def test_explain_index_errors(report):
    with pytest.raises(IndexError):
        report.explain(len(report.findings))
    with pytest.raises(TypeError):
        report.explain("0")


def _lines(decisions, depth=0):
    out = []
    for d in decisions:
        out.append("  " * depth + str(d))
        out.extend(_lines(d.inner, depth + 1))
    return out


def test_what_decided_a_value_names_the_rows(report):
    """Issue 14: `explain` names the rows that decided a value over a list
    (which member, which visits), in Python as in the CLI's text."""
    seen = set()
    for i in report.findings.index:
        e = report.explain(int(i))
        assert len(e.let_decisions) == len(e.lets)
        assert len(e.condition_decisions) == len(e.conditions)
        text = str(e)
        for d in [d for ds in e.let_decisions + e.condition_decisions for d in ds]:
            seen.add(d.kind)
            assert isinstance(d, zhucun.Decision)
            assert d.expression in str(d)
            # The decided element is named, and the list's length given.
            if d.kind != "filter" and d.count == 1:
                assert d.elements[0] in str(d) and f"(of {d.of})" in str(d)
            if d.kind == "filter":
                assert d.count <= d.of and len(d.elements) == min(d.count, 8)
            for line in _lines([d]):
                assert line in text
            assert html.escape(str(d)) in e._repr_html_()
    assert {"exists", "filter"} <= seen


def test_decisions_in_chinese(policy):
    report = policy.check(EXAMPLE, as_of="2024-06-30", lang="zh")
    lines = [str(d) for i in report.findings.index
             for ds in report.explain(int(i)).condition_decisions for d in ds]
    assert lines and all("：" in line for line in lines)
