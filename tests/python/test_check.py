"""policy.check from Python agrees with `zhucun check` finding by finding and
grade by grade (DATA.md: every front end produces the same findings): on the
spec's example, on the Qiannan-scale sample, and on every hand-derived edge
case of tests/engine/edge, from a CSV folder, from frames of strings and from
typed frames."""

from __future__ import annotations

import datetime
import decimal
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import numpy as np
import pandas as pd
import pytest

from conftest import (CLI, EDGE, PACK, SHARED, edge_args, edge_cases, pack_with, read_csv_rows,
                      run_cli, string_frames)


def findings_rows(report) -> List[List[str]]:
    f = report.findings
    return [["rule", "subject", "period", "severity", "message"]] + \
        f[["rule", "subject", "period", "severity", "message"]].values.tolist()


def grades_rows(report) -> List[List[str]]:
    g = report.derived["assessment_grades"]
    rows = [list(g.columns)]
    for member, year, composite, grade in g.itertuples(index=False):
        rows.append([member, str(year), str(composite), grade])
    return rows


def assert_same_as_cli(report, cli_out: Path) -> None:
    want = read_csv_rows(cli_out / "findings.csv")
    got = findings_rows(report)
    assert len(got) == len(want)
    assert got == want
    assert grades_rows(report) == read_csv_rows(cli_out / "assessment_grades.csv")


def typed_frames(policy, folder: Path) -> Dict[str, pd.DataFrame]:
    """The data as an analyst types it: dates as datetime64 (or date objects
    outside pandas' range), months as Period[M], ints as int64, decimals as
    float64 (each read from its shortest text), bools as bool, nulls as
    NaN/NaT/None."""
    frames = string_frames(folder)
    types = {t["name"]: {c["name"]: c for c in t["columns"]} for t in policy.schema}
    out = {}
    for table, df in frames.items():
        if table not in types:
            continue
        df = df.copy()
        for name, col in types[table].items():
            if name not in df.columns:
                continue
            s = df[name].replace("", None)
            t = col["type"]
            if t == "date":
                df[name] = pd.to_datetime(s, format="%Y-%m-%d")
            elif t == "month":
                df[name] = pd.PeriodIndex(s, freq="M")
            elif t == "int":
                df[name] = s.astype(float) if s.isna().any() else s.astype(np.int64)
            elif t == "decimal":
                df[name] = s.astype(float)
            elif t == "bool":
                df[name] = s.map({"true": True, "false": False, "1": True, "0": False,
                                  "是": True, "否": False})
                if not df[name].isna().any():
                    df[name] = df[name].astype(bool)
        out[table] = df
    return out


@pytest.mark.parametrize("name", ["example", "example-attendance"])
def test_example_matches_expected_output(policy, name):
    """The spec's worked examples: findings and grades as expected/."""
    example = SHARED / "spec" / name
    report = policy.check(example / "data", as_of="2024-06-30")
    want = read_csv_rows(example / "expected" / "findings.csv")
    assert [r[:4] for r in findings_rows(report)] == [r[:4] for r in want]
    assert grades_rows(report) == read_csv_rows(example / "expected" / "assessment_grades.csv")


def test_attendance_example_from_typed_frames(policy):
    """absences.csv as a typed frame (dates, nullable codes and dates)."""
    data = SHARED / "spec" / "example-attendance" / "data"
    frames = typed_frames(policy, data)
    assert str(frames["absences"]["approved_on"].dtype).startswith("datetime64")
    report = policy.check(frames, as_of="2024-06-30")
    want = read_csv_rows(data.parent / "expected" / "findings.csv")
    assert [r[:4] for r in findings_rows(report)] == [r[:4] for r in want]


def test_sample_from_folder_matches_cli(policy, sample, sample_cli):
    report = policy.check(sample, as_of="2024-06-30")
    assert len(report.findings) > 1000
    assert_same_as_cli(report, sample_cli)


def test_sample_from_string_frames_matches_cli(policy, sample, sample_cli):
    report = policy.check(string_frames(sample), as_of="2024-06-30")
    assert_same_as_cli(report, sample_cli)


def test_sample_from_typed_frames_matches_cli(policy, sample, sample_cli):
    report = policy.check(typed_frames(policy, sample), as_of=datetime.date(2024, 6, 30))
    assert_same_as_cli(report, sample_cli)


def test_findings_have_the_summary_group(policy, sample):
    report = policy.check(sample, as_of="2024-06-30")
    assert report.summary_by == "county"
    assert list(report.findings.columns) == ["rule", "subject", "period", "severity",
                                             "message", "county"]
    members = report.findings[report.findings["subject"].str.startswith("members:")]
    assert members["county"].notna().all()
    assert report.findings.loc[report.findings["subject"] == "prefecture", "county"].isna().all()


def test_grades_are_exact_decimals(policy, sample):
    g = policy.check(sample, as_of="2024-06-30").derived["assessment_grades"]
    assert {type(x) for x in g["composite"]} == {decimal.Decimal}
    assert str(g["year"].dtype) == "Int64"
    assert all(x.as_tuple().exponent == -2 for x in g["composite"])  # POLICY.md: 2 decimals


def test_summary_counts(policy, sample):
    report = policy.check(sample, as_of="2024-06-30")
    s = report.summary()
    assert s.by_rule["findings"].sum() == len(report.findings)
    assert list(s.by_rule.columns) == ["rule", "title", "severity", "findings"]
    assert (s.by_rule["title"] != "").all()
    assert list(s.by_group.columns) == ["county", "errors", "warnings"]
    assert s.by_group["errors"].sum() == report.errors
    assert s.by_group["errors"].sum() + s.by_group["warnings"].sum() == len(report.findings)


@pytest.mark.parametrize("case", edge_cases())
def test_edge_case_matches_cli(policy, zhucun, case, tmp_path):
    """Each edge case through Python gives the CLI's output, or raises where
    the CLI exits 2."""
    args = edge_args(case)
    data = EDGE / case / "data"
    r = run_cli(data, tmp_path, args["as_of"], args["start"], args["lenient"])
    want_exit = int((EDGE / case / "expected" / "exit_code").read_text().strip())
    assert r.returncode == want_exit, r.stderr

    def check(tables):
        return policy.check(tables, as_of=args["as_of"], start=args["start"],
                            lenient=args["lenient"])

    if want_exit == 2:
        if not data.is_dir():
            with pytest.raises(FileNotFoundError):
                check(data)
        elif "impossible" in case:
            with pytest.raises(ValueError, match="is not a date"):
                check(data)
        else:
            with pytest.raises(zhucun.InputError) as e:
                check(data)
            # The same positioned messages as the CLI's stderr.
            for d in e.value.errors:
                assert d.rendered.splitlines()[0] in r.stderr
        return
    report = check(data)
    assert_same_as_cli(report, tmp_path)
    assert report.errors > 0 if want_exit == 1 else report.errors == 0
    # The same data as frames of strings: the same findings, input.invalid
    # rows named by the lines they have in the files. (A file with a row of
    # too many fields is not a table pandas reads: nothing to compare.)
    try:
        frames = string_frames(data)
    except pd.errors.ParserError:
        return
    assert_same_as_cli(check(frames), tmp_path)


def test_profile(policy):
    """check(profile=True): where the time went, as `zhucun check --profile`
    (issue 10); counts are exact, times only present."""
    data = SHARED / "spec" / "example-attendance" / "data"
    report = policy.check(data, as_of="2024-06-30", profile=True, threads=1)
    p = report.profile
    assert list(p.columns) == ["rule", "ms", "subjects", "judged", "evaluated",
                               "lets_computed", "lets_bound", "findings", "path", "steps"]
    assert len(p) == len(policy.info().rules) + 1  # and the derived table
    assert list(p["ms"]) == sorted(p["ms"], reverse=True)
    by_rule = p.set_index("rule")
    counts = report.findings["rule"].value_counts()
    assert (by_rule.loc[counts.index, "findings"] == counts).all()
    assert by_rule.loc["derived:assessment_grades", "findings"] == len(
        report.derived["assessment_grades"])
    assert (p["lets_computed"] <= p["lets_bound"]).all()
    # The plan's steps: each `&&` operand of `when` keeps at most what the
    # one before kept, and the last at least what the row evaluator judged.
    steps = by_rule.loc["leave.unapproved", "steps"]
    assert [c for c, _ in steps][:2] == ["absence.kind == 'leave'", "in_window(absence.start_date)"]
    kept = [by_rule.loc["leave.unapproved", "judged"]] + [k for _, k in steps]
    assert kept == sorted(kept, reverse=True)
    assert kept[-1] >= by_rule.loc["leave.unapproved", "evaluated"]
    assert by_rule.loc["derived:assessment_grades", "steps"] == []
    assert p.attrs["threads"] == 1 and p.attrs["evaluation_ms"] > 0
    assert p.attrs["text"].splitlines()[-1].startswith("evaluation: ")
    assert policy.check(data, as_of="2024-06-30").profile is None
    with pytest.raises(TypeError, match="profile: expected True or False, not str"):
        policy.check(data, as_of="2024-06-30", profile="yes")


def test_plan_off_gives_the_same_report(policy):
    """check(plan=False): every pair through the row evaluator (the reference
    semantics); the same findings and derived tables as with the plans,
    which judge fewer pairs with the row evaluator."""
    data = SHARED / "spec" / "example-attendance" / "data"
    planned = policy.check(data, as_of="2024-06-30", profile=True, threads=1)
    reference = policy.check(data, as_of="2024-06-30", profile=True, threads=1, plan=False)
    pd.testing.assert_frame_equal(planned.findings, reference.findings)
    for name, table in reference.derived.items():
        pd.testing.assert_frame_equal(planned.derived[name], table)
    ref = reference.profile
    assert (ref["path"] == "row evaluator").all()
    assert (ref["evaluated"] == ref["judged"]).all()
    p = planned.profile.set_index("rule")
    assert p.loc["leave.unapproved", "path"] == "plan, then row evaluator"
    assert p["evaluated"].sum() < p["judged"].sum()
    with pytest.raises(TypeError, match="plan: expected True or False, not int"):
        policy.check(data, as_of="2024-06-30", plan=1)


def test_exception_records_as_the_cli(policy, tmp_path):
    """Exception records (docs/rules.md, "Exceptions"): report.exempted is the
    CLI's exempted.csv, and the exempted finding leaves report.findings."""
    data = tmp_path / "data"
    shutil.copytree(SHARED / "spec" / "example" / "data", data)
    (data / "exceptions.csv").write_text(
        "exception_id,rule,subject,period,reason,approved_by,approved_on,valid_from,valid_until\n"
        "X1,rotation.early_exit,members:M000519,,因病调整,县委组织部,2023-01-10,2022-12-01,\n"
        "X2,rotation.early_exit,members:M999999,,因病调整,县委组织部,2023-01-10,2022-12-01,\n",
        encoding="utf-8")
    report = policy.check(data, as_of="2024-06-30")
    assert report.exceptions == 2
    assert report.exempted[["rule", "subject", "exception"]].values.tolist() == [
        ["rotation.early_exit", "members:M000519", "X1"]]
    keys = set(zip(report.findings["rule"], report.findings["subject"]))
    assert ("rotation.early_exit", "members:M000519") not in keys
    assert ("exceptions.unknown_subject", "exceptions:X2") in keys
    out = tmp_path / "out"
    assert run_cli(data, out, "2024-06-30").returncode == 1
    assert [["rule", "subject", "period", "severity", "message", "exception"]] + \
        report.exempted.values.tolist() == read_csv_rows(out / "exempted.csv")
    assert_same_as_cli(report, out)


def test_diff_as_the_cli(policy, tmp_path):
    """Policy.diff (issue 13): the rows of `zhucun diff --out`'s CSV files."""
    import zhucun
    data = SHARED / "spec" / "example" / "data"
    raised = zhucun.load(PACK, params={"min_living_allowance": "1200", "excellent_min": "95"})
    d = policy.diff(raised, data, as_of="2024-06-30")
    assert not d.empty
    allowance = d.findings[d.findings["rule"] == "support.living_allowance"]
    assert allowance["change"].value_counts().to_dict() == {"appears": 2490, "changes": 14}
    # A higher bar for `excellent` also changes the share and veto findings.
    assert "vanishes" in set(d.findings["change"])
    assert (d.derived["table"] == "assessment_grades").all() and len(d.derived) > 0
    out = tmp_path / "out"
    cli = subprocess.run([str(CLI), "diff", str(PACK), str(PACK), "--data", str(data),
                          "--as-of", "2024-06-30", "--new-param", "min_living_allowance=1200",
                          "--new-param", "excellent_min=95", "--out", str(out)],
                         capture_output=True, text=True)
    assert cli.returncode == 1, cli.stderr
    want = read_csv_rows(out / "findings_diff.csv")
    got = d.findings.values.tolist()
    assert [[r[0], r[1], r[2], r[3], r[5], r[6], r[7], r[8]] for r in want[1:]] == got
    assert read_csv_rows(out / "derived_diff.csv")[1:] == d.derived.values.tolist()
    assert policy.diff(policy, data, as_of="2024-06-30").empty
    with pytest.raises(TypeError, match="diff: new must be a zhucun.Policy"):
        policy.diff("rules/qiannan", data, as_of="2024-06-30")


def test_chinese_messages_as_the_cli(policy, tmp_path):
    """check(lang="zh"): the findings of the English check with the CLI's
    Chinese messages (`zhucun check --lang zh`); explanations in Chinese."""
    data = SHARED / "spec" / "example" / "data"
    en = policy.check(data, as_of="2024-06-30")
    zh = policy.check(data, as_of="2024-06-30", lang="zh")
    cols = ["rule", "subject", "period", "severity"]
    pd.testing.assert_frame_equal(en.findings[cols], zh.findings[cols])
    assert (en.findings["message"] != zh.findings["message"]).all()
    subprocess.run([str(CLI), "check", "--rules", str(PACK), "--data", str(data),
                    "--as-of", "2024-06-30", "--lang", "zh", "--out", str(tmp_path)],
                   capture_output=True, check=False)
    assert findings_rows(zh) == read_csv_rows(tmp_path / "findings.csv")
    first = zh.explain(0)
    assert str(first).startswith("规则  ")
    assert "结果" in str(first)
    assert str(en.explain(0)).startswith("rule  ")
    with pytest.raises(ValueError, match='lang: expected "en" or "zh", not \'fr\''):
        policy.check(data, as_of="2024-06-30", lang="fr")
    with pytest.raises(TypeError, match='lang: expected "en" or "zh", not int'):
        policy.explain(data, "visits.deputy", "leaders:L00003", "2022-Q2",
                       as_of="2024-06-30", lang=1)


TYPED_CELLS = """\
derived:
  - name: typed_cells
    from: teams
    as: t
    columns:
      team_id: t.team_id
      end: t.end_date
      pay: "t.end_date == null ? decimal('1.50') : (t.start_date < date('2021-06-01') ? decimal('2.25') : null)"
      open: "t.end_date == null ? true : (t.start_date < date('2021-06-01') ? false : null)"
      size: "t.end_date == null ? 3 : (t.start_date < date('2021-06-01') ? -7 : null)"
      label: "t.end_date == null ? 'open' : null"
      state: "t.end_date == null ? 'open' : t.end_date"
      none: "t.end_date == null ? null : null"
    sort_by: [team_id]
"""


def test_derived_columns_typed_as_their_texts(tmp_path):
    """Report.derived: each column of a derived table typed from the cells
    the CLI writes — exact Decimals at the written scale, nullable Int64 and
    boolean, dates, str ("" for a null str) — whatever form the native
    module hands it over in (typed storage or texts)."""
    import zhucun
    pack = pack_with(tmp_path, "typed.yaml", TYPED_CELLS)
    data = SHARED / "spec" / "example" / "data"
    got = zhucun.load(pack).check(data, as_of="2024-06-30").derived["typed_cells"]
    out = tmp_path / "out"
    subprocess.run([str(CLI), "check", "--rules", str(pack), "--data", str(data),
                    "--as-of", "2024-06-30", "--out", str(out)], capture_output=True, check=False)
    header, *rows = read_csv_rows(out / "typed_cells.csv")
    assert header == list(got.columns)
    cells = dict(zip(header, zip(*rows)))
    assert {"", "1.50", "2.25"} <= set(cells["pay"]) and "" in cells["open"], \
        "every column has nulls and repeated values"

    def each(name, convert):
        return [None if c == "" else convert(c) for c in cells[name]]

    want = pd.DataFrame({
        "team_id": pd.Series(cells["team_id"], dtype=object),
        "end": pd.Series(each("end", datetime.date.fromisoformat), dtype=object),
        "pay": pd.Series(each("pay", decimal.Decimal), dtype=object),
        "open": pd.Series(each("open", lambda c: c == "true"), dtype="boolean"),
        "size": pd.Series(each("size", int), dtype="Int64"),
        "label": pd.Series(cells["label"], dtype=object),
        "state": pd.Series(cells["state"], dtype=object),
        "none": pd.Series(cells["none"], dtype=object),
    })
    pd.testing.assert_frame_equal(got, want)
    # Decimals equal in value may differ in exponent: they are the texts'.
    assert [str(d) for d in got["pay"] if d is not None] == [c for c in cells["pay"] if c]
    assert (got["size"] == -7).sum() > 0 and got["open"].isna().sum() > 0
    # Both of the native module's forms were taken: typed storage where the
    # column has one kind, texts where it has not.
    policy = zhucun.load(pack)
    native = policy._native.check(policy.facts(data)._native, "2024-06-30", None, 1, False,
                                  True, "en")
    forms = {name: form for d in native["derived"] if d["name"] == "typed_cells"
             for name, (form, _, _) in zip(d["columns"], d["cells"])}
    assert forms == {"team_id": "objects", "end": "objects", "pay": "objects", "open": "bool",
                     "size": "int", "label": "objects", "state": "texts", "none": "texts"}
