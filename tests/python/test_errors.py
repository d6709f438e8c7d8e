"""Bad input from Python raises the documented exception with a useful
message (DATA.md, "Bad input"; the same checks as the CSV reader's), and
bad packs raise RuleError with positioned diagnostics."""

from __future__ import annotations

import decimal
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import PACK, SHARED, string_frames

EXAMPLE = SHARED / "spec" / "example" / "data"


@pytest.fixture()
def frames():
    return string_frames(EXAMPLE)


def check(policy, frames, **kw):
    return policy.check(frames, as_of="2024-06-30", **kw)


def only_error(e):
    errors = e.value.errors
    assert len(errors) >= 1
    return errors[0]


def test_unknown_code(policy, zhucun, frames):
    frames["members"].loc[0, "role"] = "first_secretery"
    with pytest.raises(zhucun.InputError) as e:
        check(policy, frames)
    d = only_error(e)
    assert d.code == "csv.bad_code"
    assert d.cell.table == "members" and d.cell.column == "role"
    assert d.cell.value == "first_secretery" and d.cell.line == 2 and d.cell.row == 0
    assert "first_secretary" in d.cell.expected
    assert d.help == "did you mean `first_secretary`?"
    assert "`members` line 2" in str(e.value) and "`first_secretery`" in str(e.value)


def test_missing_column(policy, zhucun, frames):
    """DATA.md: a missing required column is malformed, in lenient mode too."""
    frames["members"] = frames["members"].drop(columns=["role"])
    for lenient in (False, True):
        with pytest.raises(zhucun.InputError, match="`role`"):
            check(policy, frames, lenient=lenient)


def test_nan_in_an_id(policy, zhucun, frames):
    frames["members"].loc[1, "member_id"] = np.nan
    with pytest.raises(zhucun.InputError) as e:
        check(policy, frames)
    d = only_error(e)
    assert d.code == "csv.null"
    assert (d.cell.table, d.cell.column, d.cell.line) == ("members", "member_id", 3)
    assert "non-empty id" in d.cell.expected


def test_float_that_is_not_a_decimal_of_the_scale(policy, zhucun, frames):
    """POLICY.md amounts have 2 decimals: 1100.005 is not one (its shortest
    text has 3 fractional digits), 1100.0 is 1100."""
    payments = frames["payments"].copy()
    payments["living_allowance"] = payments["living_allowance"].astype(float)
    payments.loc[0, "living_allowance"] = 1100.005
    frames["payments"] = payments
    with pytest.raises(zhucun.InputError) as e:
        check(policy, frames)
    d = only_error(e)
    assert d.code == "csv.bad_decimal"
    assert d.cell.value == "1100.005"
    assert "more than 2 fractional digits" in d.message


def test_floats_are_read_from_their_shortest_text(policy, frames):
    """0.1 + 0.2 is 0.30000000000000004 as a float; a float column of 1100.0
    and 0.1 holds exactly 1100 and 0.1."""
    by_text = check(policy, frames)
    payments = frames["payments"].copy()
    payments["living_allowance"] = payments["living_allowance"].astype(float)
    frames["payments"] = payments
    assert check(policy, frames).findings.equals(by_text.findings)


def test_wrong_column_type(policy, zhucun, frames):
    frames["members"]["start_date"] = 3.5
    with pytest.raises(zhucun.InputError) as e:
        check(policy, frames)
    d = only_error(e)
    assert d.code == "frame.bad_column"
    assert "`members`.`start_date` is a date column, but its values are float64" in d.message


def test_ids_must_be_strings(policy, zhucun, frames):
    frames["counties"]["county_id"] = range(len(frames["counties"]))
    with pytest.raises(zhucun.InputError, match="`counties`.`county_id` is a id column"):
        check(policy, frames)
    frames = string_frames(EXAMPLE)
    frames["counties"]["county_id"] = frames["counties"]["county_id"].astype(object)
    frames["counties"].loc[0, "county_id"] = 7
    with pytest.raises(zhucun.InputError, match=r"row 0 holds 7 \(int\); expected str"):
        check(policy, frames)


def test_impossible_date_text(policy, zhucun, frames):
    frames["teams"].loc[0, "start_date"] = "2023-02-30"
    with pytest.raises(zhucun.InputError) as e:
        check(policy, frames)
    d = only_error(e)
    assert d.code == "csv.bad_date" and d.cell.value == "2023-02-30"
    assert "not a real calendar date" in d.message


def test_dangling_reference_and_duplicate(policy, zhucun, frames):
    frames["teams"].loc[0, "village_id"] = "V999"
    frames["counties"] = pd.concat([frames["counties"], frames["counties"].iloc[:1]],
                                   ignore_index=True)
    with pytest.raises(zhucun.InputError) as e:
        check(policy, frames)
    codes = {d.code for d in e.value.errors}
    assert {"csv.dangling_reference", "csv.duplicate_key"} <= codes


def test_lenient_frames_give_input_invalid_findings(policy, frames):
    frames["members"].loc[0, "role"] = "boss"
    report = check(policy, frames, lenient=True)
    bad = report.findings[report.findings["rule"] == "input.invalid"]
    assert "members:2" in set(bad["subject"])
    stats = report.stats.set_index("table")
    assert (stats["read"] == stats["evaluated"] + stats["reported"]).all()
    assert stats.loc["members", "reported"] >= 1


def test_bad_arguments_are_type_and_value_errors(policy, frames, zhucun):
    with pytest.raises(TypeError, match="expected a dict of DataFrames or a folder path"):
        policy.check(42, as_of="2024-06-30")
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        policy.check({"members": [1, 2]}, as_of="2024-06-30")
    with pytest.raises(ValueError, match="unknown table `member`; did you mean `members`"):
        policy.check({"member": frames["members"]}, as_of="2024-06-30")
    with pytest.raises(ValueError, match="`2024-02-30` is not a date"):
        policy.check(frames, as_of="2024-02-30")
    with pytest.raises(TypeError, match="as_of: expected a date"):
        policy.check(frames, as_of=20240630)
    with pytest.raises(TypeError, match="threads: expected an int"):
        policy.check(frames, as_of="2024-06-30", threads="2")
    with pytest.raises(FileNotFoundError, match="no such data folder"):
        policy.check("/nonexistent/folder", as_of="2024-06-30")
    with pytest.raises(TypeError, match="load: expected a pack folder path"):
        zhucun.load(3)


def test_strict_csv_folder_errors_are_the_clis(policy, zhucun, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    text = (data / "units.csv").read_text(encoding="utf-8")
    (data / "units.csv").write_text(text.replace("economic", "economy", 1), encoding="utf-8")
    with pytest.raises(zhucun.InputError) as e:
        policy.check(data, as_of="2024-06-30")
    d = only_error(e)
    assert d.file.endswith("units.csv") and d.line >= 2 and d.column >= 1
    assert d.cell.table == "units" and d.cell.value == "economy"
    assert "^" in d.rendered  # the line and a caret, as the CLI prints


def test_bad_pack_raises_rule_error(zhucun, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    rules = pack / "visits.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("when:", "whenn:", 1),
                     encoding="utf-8")
    with pytest.raises(zhucun.RuleError) as e:
        zhucun.load(pack)
    d = only_error(e)
    assert d.file.endswith("visits.yaml") and d.line > 0 and d.column > 0
    assert "whenn" in d.message
    assert isinstance(e.value, zhucun.Error)


def test_missing_pack(zhucun):
    with pytest.raises(zhucun.RuleError, match="does not load"):
        zhucun.load("/nonexistent/pack")


def test_typed_frames_of_the_example_are_the_csv_folder(policy):
    """Every typed form (datetime64 dates, Period[M] months, int64, float
    decimals, bools, NaN/NaT nulls) validates as the CSV text does; run under
    the sanitizers too (debug-asan), where this file is the bindings' test."""
    from test_check import typed_frames

    by_folder = check(policy, EXAMPLE)
    typed = check(policy, typed_frames(policy, EXAMPLE))
    assert typed.findings.equals(by_folder.findings)
    assert typed.derived["assessment_grades"].equals(by_folder.derived["assessment_grades"])


def test_object_columns_of_python_and_numpy_scalars(policy, frames):
    """Object columns may mix Python and numpy scalars: np.bool_ and bool
    are bools, np.int64 and int are ints, Decimal and float are decimals."""
    by_text = check(policy, frames)
    handovers = frames["handovers"].copy()
    flags = {"true": np.bool_(True), "false": False, "1": True, "0": np.bool_(False)}
    handovers["signed_outgoing"] = handovers["signed_outgoing"].map(flags).astype(object)
    payments = frames["payments"].copy()
    payments["transport_reimbursements"] = [np.int64(x) if i % 2 else int(x) for i, x in
                                            enumerate(payments["transport_reimbursements"])]
    payments["living_allowance"] = [decimal.Decimal(x) if i % 2 else float(x) for i, x in
                                    enumerate(payments["living_allowance"])]
    frames.update(handovers=handovers, payments=payments)
    assert check(policy, frames).findings.equals(by_text.findings)


def test_rows_on_given_lines(policy, zhucun, frames):
    """The native build with a line per row (zhucun.dask's buckets): bad rows
    are named by those lines; a lines array of another length is an error
    of the whole table. Runs sanitized in the debug-asan preset too."""
    from zhucun._api import Facts
    from zhucun._frames import NULL_VALUES, frames_to_native

    frames["members"].loc[1, "role"] = "boss"
    native = frames_to_native(policy.schema, frames)
    lines = {t: np.arange(len(frames[t]), dtype=np.uint32) * 10 + 100 for t in frames}
    given = [(t, n, cols, lines[t]) for t, n, cols in native]
    report = policy.check(Facts(policy._native.build_facts(given, True, NULL_VALUES)),
                          as_of="2024-06-30")
    bad = report.findings[report.findings["rule"] == "input.invalid"]
    assert "members:110" in set(bad["subject"])
    assert any(m.startswith("`members` line 110: `role`") for m in bad["message"])
    short = [(t, n, cols, lines[t][:1] if t == "members" else lines[t])
             for t, n, cols in native]
    with pytest.raises(zhucun.InputError) as e:
        policy._native.build_facts(short, True, NULL_VALUES)
    d = only_error(e)
    assert d.code == "facts.column_data"
    assert "rows are given without one line number each" in d.message
