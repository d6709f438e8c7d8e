"""zhucun.dask (issue 12): the check on a Dask cluster equals the check on one
machine, finding for finding and in the same order, with the same derived
tables, input findings and row accounting, on the sample, on every edge case,
on data whose units, persons and visits straddle counties, and where the data
breaks the partition. Every error a user can cause is tested with its message.

The cluster is a distributed.LocalCluster of two worker processes (one thread
each) on loopback, started and stopped by the module's fixture."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Dict

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import zhucun  # noqa: E402
import zhucun.dask as zd  # noqa: E402

from conftest import (EDGE, GEN, PACK, SHARED, edge_args, edge_cases, pack_with,  # noqa: E402
                      string_frames)
from dask_data import straddle, with_bad_rows  # noqa: E402

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None,
                                       silence_logs=logging.ERROR)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A generated dataset of 6 counties (scale 0.4, 194k rows)."""
    out = tmp_path_factory.mktemp("small") / "data"
    subprocess.run([str(GEN), "--out", str(out), "--scale", "0.4", "--as-of", AS_OF],
                   check=True, capture_output=True)
    return out


def to_dask(frames: Dict[str, pd.DataFrame], n: int = 3) -> Dict[str, "dd.DataFrame"]:
    return {k: dd.from_pandas(v, npartitions=n) for k, v in frames.items()}


def assert_same(got, want) -> None:
    pd.testing.assert_frame_equal(got.findings, want.findings)
    assert list(got.derived) == list(want.derived)
    for name in want.derived:
        pd.testing.assert_frame_equal(got.derived[name], want.derived[name])
    pd.testing.assert_frame_equal(got.stats, want.stats)
    pd.testing.assert_frame_equal(got.exempted, want.exempted)
    assert got.exceptions == want.exceptions
    assert got.errors == want.errors
    assert [w.rendered for w in got.warnings] == [w.rendered for w in want.warnings]
    pd.testing.assert_frame_equal(got.summary().by_rule, want.summary().by_rule)
    pd.testing.assert_frame_equal(got.summary().by_group, want.summary().by_group)


def assert_bad_input_same(policy, frames, tables, client):
    """The partitioned check of bad input: lenient, the single machine's
    report; strict, its InputError. Returns the single machine's report."""
    want = policy.check(frames, as_of=AS_OF, lenient=True)
    got = zd.check(policy, tables, as_of=AS_OF, lenient=True, client=client)
    assert got.how.startswith("partitioned")
    assert_same(got, want)
    with pytest.raises(zhucun.InputError) as want_e:
        policy.check(frames, as_of=AS_OF)
    with pytest.raises(zhucun.InputError) as got_e:
        zd.check(policy, tables, as_of=AS_OF, client=client)
    assert got_e.value.diagnostics == want_e.value.diagnostics
    return want


def test_partitioning_of_the_pack(policy):
    p = zd.partitioning(policy)
    assert p.partition_by == "counties"
    assert p.paths["members"] == "team_id" and p.paths["handovers"] == "outgoing_member_id"
    assert p.paths["visits"] == "village_id" and p.paths["counties"] == "county_id"
    assert p.global_tables == ["units", "leaders", "unit_ratings", "exceptions"]
    assert p.gathered == {
        "member.overlap": "its subjects are groups of `members` by `person_id`",
        "accountability.excellence_veto": "its rows (`units`) are not partitioned",
        "visits.principal": "its rows (`leaders`) are not partitioned",
        "visits.deputy": "its rows (`leaders`) are not partitioned",
        "visits.member": "its rows (`leaders`) are not partitioned",
        "assess.excellent_share": "its subject is the whole dataset",
    }
    assert "support.living_allowance" in p.local and "rotation.ratio" in p.local
    assert "handover.missing" in p.local and "assign.sector_match" in p.local
    assert len(p.local) + len(p.gathered) == len(policy.info().rules)
    assert p.local_derived == ["assessment_grades"] and p.gathered_derived == {}
    assert p.gather_tables == ["counties", "villages", "units", "teams", "members", "leaders",
                               "visits", "assessments", "unit_ratings"]
    t = p.table()
    assert list(t.columns) == ["name", "kind", "where", "why"]
    assert (t["where"] == "gathered").sum() == 6


def test_reads_and_restrict(policy, sample):
    reads = {(r["kind"], r["name"]): r for r in policy.reads()}
    fs = reads[("rule", "team.first_secretary")]
    assert fs["subject"] == "table" and fs["table"] == "teams"
    assert fs["relations"] == [("teams", "members", True, "team_id", "members")]
    share = reads[("rule", "assess.excellent_share")]
    assert share["subject"] == "prefecture" and share["facts"] == ["assessments"]
    assert ("units", "teams", True, "unit_id", "teams") in \
        reads[("summary_key", "units")]["relations"]
    some = policy.restrict(["member.overlap", "assess.excellent_share"])
    assert list(some.info().rules["id"]) == ["member.overlap", "assess.excellent_share"]
    want = policy.check(sample, as_of=AS_OF).findings
    got = some.check(sample, as_of=AS_OF).findings
    want = want[want["rule"].isin(["member.overlap", "assess.excellent_share"])]
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True))
    with pytest.raises(TypeError, match="restrict: rules must be a list of str"):
        policy.restrict("member.overlap")


def test_sample(policy, sample, client):
    """The 481k-row sample from Dask frames of strings, 12 counties in 4
    buckets, and from its CSV folder."""
    frames = string_frames(sample)
    want = policy.check(frames, as_of=AS_OF)
    got = zd.check(policy, to_dask(frames), as_of=AS_OF, client=client)
    assert got.how == "partitioned by counties into 4 buckets"
    assert_same(got, want)
    got = zd.check(policy, sample, as_of=AS_OF, client=client, buckets=3)
    assert got.how == "partitioned by counties into 3 buckets"
    assert_same(got, policy.check(sample, as_of=AS_OF))


@pytest.mark.parametrize("case", edge_cases())
def test_edge_case(policy, client, case):
    """Each edge case's folder gives the single-machine report, or raises the
    same error (the CLI's exit 2)."""
    args = edge_args(case)
    data = EDGE / case / "data"
    try:
        want = policy.check(data, **args)
    except Exception as e:  # noqa: BLE001 - compared below
        with pytest.raises(type(e)) as got_e:
            zd.check(policy, data, client=client, **args)
        assert str(got_e.value) == str(e)
        if isinstance(e, zhucun.Error):
            assert got_e.value.diagnostics == e.diagnostics
        return
    assert_same(zd.check(policy, data, client=client, **args), want)


def test_straddling_counties(client, small):
    """Units, persons, visits and the excellent share across counties: the
    rules that read across counties run on gathered rows, exactly."""
    policy = zhucun.load(PACK, params={"max_excellent_share": "0.2"})
    frames = straddle(string_frames(small))
    want = policy.check(frames, as_of=AS_OF)
    # The dataset does straddle, and the rules that see it fire.
    m = frames["members"].merge(frames["teams"][["team_id", "village_id"]], on="team_id") \
        .merge(frames["villages"][["village_id", "county_id"]], on="village_id")
    assert (m.groupby("person_id")["county_id"].nunique() > 1).sum() >= 10
    t = frames["teams"].merge(frames["villages"][["village_id", "county_id"]], on="village_id")
    assert (t.groupby("unit_id")["county_id"].nunique() > 1).sum() >= 5
    f = want.findings
    overlap = f[f["rule"] == "member.overlap"]
    straddlers = set(m.loc[m["member_id"].str.startswith("MX"), "person_id"])
    assert len(set(overlap["subject"].str[len("persons:"):]) & straddlers) >= 5
    assert (f["rule"] == "assess.excellent_share").sum() >= 1
    assert len(f[f["rule"].str.startswith("visits.")]) > 0
    got = zd.check(policy, to_dask(frames, 4), as_of=AS_OF, client=client)
    assert got.how == "partitioned by counties into 4 buckets"
    assert_same(got, want)
    # One bucket per county, and one in all.
    assert_same(zd.check(policy, to_dask(frames, 2), as_of=AS_OF, client=client, buckets=6),
                want)
    assert_same(zd.check(policy, to_dask(frames, 1), as_of=AS_OF, client=client, buckets=1),
                want)


def test_lenient_bad_rows_partitioned(policy, client, small):
    """Rows left out in each county: the same input findings (lines of the
    whole table) and row accounting, the check still partitioned."""
    frames = with_bad_rows(string_frames(small))
    want = policy.check(frames, as_of=AS_OF, lenient=True)
    assert (want.findings["rule"] == "input.invalid").sum() >= 6
    got = zd.check(policy, to_dask(frames), as_of=AS_OF, lenient=True, client=client)
    assert got.how.startswith("partitioned")
    assert_same(got, want)
    # Strict: the same InputError, every bad cell with its line.
    with pytest.raises(zhucun.InputError) as want_e:
        policy.check(frames, as_of=AS_OF)
    with pytest.raises(zhucun.InputError) as got_e:
        zd.check(policy, to_dask(frames), as_of=AS_OF, client=client)
    assert str(got_e.value) == str(want_e.value)
    assert got_e.value.diagnostics == want_e.value.diagnostics


def test_generated_bad_rows_folder(policy, client, tmp_path):
    """The generator's defects (bad cells, duplicates, dangling references,
    malformed rows) in a CSV folder: gathered, and the CLI's lines."""
    out = tmp_path / "bad"
    subprocess.run([str(GEN), "--out", str(out), "--scale", "0.2", "--bad-rows", "0.01"],
                   check=True, capture_output=True)
    got = zd.check(policy, out, as_of=AS_OF, lenient=True, client=client)
    assert got.how == "gathered in one task: the folder has rows left out"
    assert_same(got, policy.check(out, as_of=AS_OF, lenient=True))
    # As frames (pandas reads these files), partitioned where it can be.
    frames = string_frames(out)
    assert_same(zd.check(policy, to_dask(frames), as_of=AS_OF, lenient=True, client=client),
                policy.check(frames, as_of=AS_OF, lenient=True))


@pytest.mark.parametrize("change, why", [
    ("dup_member", "gathered in one task: a key of `members` is given twice"),
    ("cross_handover", "gathered in one task: `handovers`.`incoming_member_id` refers to "
                       "rows of other counties"),
    ("exceptions", "gathered in one task: the data has exception records"),
    ("no_county_column", "gathered in one task: no `villages`.`county_id` column"),
])
def test_data_that_breaks_the_partition(policy, client, small, change, why):
    """Data for which the buckets could differ from one machine runs gathered,
    with the single-machine report (or error)."""
    frames = string_frames(small)
    county = _county_of_members(frames)
    m = frames["members"]
    if change == "dup_member":
        # A second row with the id of a posting of another county.
        other = m[county != county.iloc[0]].iloc[0]
        row = m.iloc[[0]].copy()
        row["team_id"] = other["team_id"]
        frames["members"] = pd.concat([m, row], ignore_index=True)
    elif change == "cross_handover":
        h = frames["handovers"]
        county_of = dict(zip(m["member_id"], county))
        outgoing = h["outgoing_member_id"].iloc[0]
        other = m.loc[county != county_of[outgoing], "member_id"].iloc[0]
        h.loc[h.index[0], "incoming_member_id"] = other
    elif change == "exceptions":
        frames["exceptions"] = pd.DataFrame({
            "exception_id": ["E1"], "rule": ["support.insurance"],
            "subject": [f"members:{m['member_id'].iloc[1]}"], "period": [""],
            "reason": ["approved"], "approved_by": ["county"], "approved_on": ["2024-01-01"],
            "valid_from": ["2024-01-01"], "valid_until": [""]})
    elif change == "no_county_column":
        frames["villages"] = frames["villages"].drop(columns=["county_id"])
    for lenient in (False, True):
        try:
            want = policy.check(frames, as_of=AS_OF, lenient=lenient)
        except zhucun.InputError as e:
            with pytest.raises(zhucun.InputError) as got_e:
                zd.check(policy, to_dask(frames), as_of=AS_OF, lenient=lenient, client=client)
            assert got_e.value.diagnostics == e.diagnostics
            continue
        got = zd.check(policy, to_dask(frames), as_of=AS_OF, lenient=lenient, client=client)
        assert got.how == why
        assert_same(got, want)


def _county_of_members(frames: Dict[str, pd.DataFrame]) -> pd.Series:
    t = frames["teams"].merge(frames["villages"][["village_id", "county_id"]],
                              on="village_id")
    return frames["members"]["team_id"].map(dict(zip(t["team_id"], t["county_id"])))


def test_not_computed(policy, client):
    frames = string_frames(SHARED / "spec" / "example" / "data")
    got = zd.check(policy, to_dask(frames), as_of=AS_OF, client=client, compute=False)
    assert isinstance(got.findings, dd.DataFrame)
    assert isinstance(got.derived["assessment_grades"], dd.DataFrame)
    want = policy.check(frames, as_of=AS_OF)
    pd.testing.assert_frame_equal(got.findings.compute(), want.findings)
    pd.testing.assert_frame_equal(got.derived["assessment_grades"].compute(),
                                  want.derived["assessment_grades"])
    pd.testing.assert_frame_equal(got.stats.compute(), want.stats)


def test_default_scheduler(policy, client):
    """Without a client: Dask's current scheduler (here the test's client)."""
    frames = string_frames(SHARED / "spec" / "example" / "data")
    assert_same(zd.check(policy, to_dask(frames), as_of=AS_OF),
                policy.check(frames, as_of=AS_OF))


@pytest.mark.parametrize("call, error, message", [
    (lambda p, c, f: zd.check(p, [1, 2], as_of=AS_OF, client=c), TypeError,
     "tables: expected a dict of Dask DataFrames or a CSV folder path, not list"),
    (lambda p, c, f: zd.check(p, {"members": f["members"].compute()}, as_of=AS_OF, client=c),
     TypeError, "table `members`: expected a Dask DataFrame, not DataFrame (make one with "
                "dask.dataframe.from_pandas(df, npartitions=...))"),
    (lambda p, c, f: zd.check(p, {"memberz": f["members"]}, as_of=AS_OF, client=c),
     ValueError, "unknown table `memberz`; did you mean `members`?"),
    (lambda p, c, f: zd.check(p, {1: f["members"]}, as_of=AS_OF, client=c),
     TypeError, "table names are str, not int: 1"),
    (lambda p, c, f: zd.check(p, "/no/such/folder", as_of=AS_OF, client=c),
     FileNotFoundError, "no such data folder: `/no/such/folder`"),
    (lambda p, c, f: zd.check(p, f, as_of="2023-02-29", client=c), ValueError,
     "as_of: `2023-02-29` is not a date; expected YYYY-MM-DD (a real calendar date)"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client=c, partition_by="county"),
     ValueError, "partition_by: the pack has no table `county`; did you mean `counties`?"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client=c, partition_by="payments"),
     ValueError, "partition_by: table `payments` has no key column, so its rows cannot "
                 "name partitions"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client=c, partition_by=3),
     TypeError, "partition_by: expected a table name (str), not int"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client="tcp://127.0.0.1:1"),
     TypeError, "client: expected a distributed.Client, not str"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client=c, buckets=-1),
     ValueError, "buckets: expected 0 (automatic) or a positive int, not -1"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client=c, lenient="yes"),
     TypeError, "lenient: expected a bool, not str"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client=c, compute=1),
     TypeError, "compute: expected True or False, not int"),
    (lambda p, c, f: zd.check("rules/qiannan", f, as_of=AS_OF, client=c),
     TypeError, "policy: expected a zhucun.Policy (zhucun.load), not str"),
    (lambda p, c, f: zd.check(p, f, as_of=AS_OF, client=c, threads=-1),
     ValueError, "threads: expected 0 (one per core) or more, not -1"),
])
def test_errors(policy, client, call, error, message):
    frames = to_dask({"members": pd.DataFrame({"member_id": ["M1"]})}, 1)
    with pytest.raises(error) as e:
        call(policy, client, frames)
    assert str(e.value) == message


def test_input_errors_as_on_one_machine(policy, client):
    """A frame column of the wrong type and a missing required column: the
    single-machine InputError, every diagnostic."""
    frames = {"members": pd.DataFrame({"member_id": [1, 2]}),
              "teams": pd.DataFrame({"team_id": ["T1"]})}
    with pytest.raises(zhucun.InputError) as want:
        policy.check(frames, as_of=AS_OF)
    with pytest.raises(zhucun.InputError) as got:
        zd.check(policy, to_dask(frames, 1), as_of=AS_OF, client=client)
    assert str(got.value) == str(want.value)
    assert got.value.diagnostics == want.value.diagnostics


def test_workers_malloc_is_tuned(client):
    """distributed's MALLOC_TRIM_THRESHOLD_ fixes glibc's mmap threshold at
    128 KiB (a check 4 times slower); the workers raise it when they first
    load a pack (docs/dask.md)."""
    import os
    env = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert set(env.values()) == {"65536"}
    # Tuning twice, or where nothing is to be tuned, is harmless.
    client.run(zd._tune_malloc)
    zd._tune_malloc()


def test_restricted_policy(policy, client, small):
    """A policy of some rules (Policy.restrict) is checked with those rules
    on the workers too, partitioned and gathered alike."""
    some = policy.restrict(["support.insurance", "member.overlap", "rotation.ratio"],
                           ["assessment_grades"])
    assert some.subset == (("member.overlap", "rotation.ratio", "support.insurance"),
                           ("assessment_grades",))
    frames = string_frames(small)
    want = some.check(frames, as_of=AS_OF)
    assert set(want.findings["rule"]) == {"support.insurance", "member.overlap",
                                          "rotation.ratio"}
    got = zd.check(some, to_dask(frames), as_of=AS_OF, client=client)
    assert got.how.startswith("partitioned")
    assert_same(got, want)


def test_quirky_csv_folder(policy, client, tmp_path):
    """CSV as spreadsheets write it (a byte-order mark, CRLF, quoted commas,
    line breaks and quotes, an extra column, columns in another order, a
    blank line): pandas reads the cells the engine's reader reads, and the
    report is the CLI's; a rows count that differed would gather the check."""
    src = EDGE / "visit_quotas" / "data"
    for f in src.glob("*.csv"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    villages = (tmp_path / "villages.csv").read_text(encoding="utf-8").splitlines()
    header = villages[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in villages[1:] if line]
    rows[0]["name"] = '"一村, ""东""\r\n组"'
    order = ["name", "extra", "category", "township", "county_id", "village_id"]
    lines = [",".join(order)] + [",".join(r.get(c, "x") for c in order) for r in rows]
    lines.insert(2, "")
    (tmp_path / "villages.csv").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() +
                                            b"\r\n")
    want = policy.check(tmp_path, as_of="2024-06-30")
    got = zd.check(policy, tmp_path, as_of="2024-06-30", client=client)
    assert got.how.startswith("partitioned"), got.how
    assert_same(got, want)


AUTHORS_RULES = """\
rules:
  - id: author.unit_size
    title: a unit with many postings
    severity: warning
    source: test
    subject: members
    when: member.unit.members.size() > 40 && is_core(member)
    message: "its unit has {member.unit.members.size()} postings"
  - id: author.handover_across
    title: a handover between units
    severity: warning
    source: test
    subject: handovers
    when: handover.incoming_member.unit_id != handover.outgoing_member.unit_id
    message: "from {handover.outgoing_member.unit_id} to {handover.incoming_member.unit_id}"
  - id: author.payments_share
    title: more payments than a share
    severity: warning
    source: test
    subject: members
    when: >-
      is_core(member) &&
      member.payments.size() * 5000 > facts.payments.size()
    message: "{member.payments.size()} payments"
  - id: author.team_local
    title: a team of its village's county
    severity: warning
    source: test
    subject: teams
    when: team.members.size() > 6 && team.village.county.name != ''
    message: "{team.members.size()} postings in {team.village.county.name}"
"""


def test_pack_authors_rules(client, small, tmp_path):
    """Rules a pack author adds: each reading across counties is gathered,
    with the reason read from its compiled expressions, and the check is
    the single machine's; one that stays in its county is partitioned."""
    pack = pack_with(tmp_path, "author.yaml", AUTHORS_RULES)
    policy = zhucun.load(pack)
    p = zd.partitioning(policy)
    assert p.gathered["author.unit_size"] == "follows `units.members` across counties"
    assert p.gathered["author.handover_across"] == \
        "follows `handovers.incoming_member` across counties"
    assert p.gathered["author.payments_share"] == "it reads every row of `payments`"
    assert "author.team_local" in p.local
    assert "payments" in p.gather_tables and "handovers" in p.gather_tables
    frames = string_frames(small)
    want = policy.check(frames, as_of=AS_OF)
    for rule in ("author.unit_size", "author.handover_across", "author.payments_share",
                 "author.team_local"):
        assert (want.findings["rule"] == rule).sum() > 0, rule
    got = zd.check(policy, to_dask(frames), as_of=AS_OF, client=client)
    assert got.how.startswith("partitioned")
    assert_same(got, want)


def test_without_a_cluster(tmp_path):
    """No distributed client at all: Dask's threaded scheduler (in a fresh
    interpreter, where the module's cluster is not the default client)."""
    import sys
    code = f"""
import dask, dask.dataframe as dd, pandas as pd, zhucun, zhucun.dask as zd
from conftest import SHARED, string_frames
p = zhucun.load({str(PACK)!r})
frames = string_frames(SHARED / "spec" / "example" / "data")
with dask.config.set(scheduler="threads"):
    got = zd.check(p, {{k: dd.from_pandas(v, npartitions=2) for k, v in frames.items()}},
                   as_of="2024-06-30")
want = p.check(frames, as_of="2024-06-30")
pd.testing.assert_frame_equal(got.findings, want.findings)
pd.testing.assert_frame_equal(got.stats, want.stats)
print(got.how)
"""
    # The child runs in this folder: it finds the package by an absolute
    # path (PYTHONPATH may be relative to the repository, as the README has it).
    env = dict(os.environ)
    found = str(Path(zhucun.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([found] + [x for x in [env.get("PYTHONPATH")] if x])
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=Path(__file__).parent, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "partitioned by counties into 4 buckets"


# ---------------------------------------------------------------------------
# The lean read (zhucun.dask.read_csv): categories of the cells' texts, the
# files split into blocks, each piece converted on its own.


def test_read_csv_is_lean_and_exact(policy, client, small):
    """zd.read_csv: every column the schema's, the repeating ones categories
    of the file's texts, each file in several blocks; the check on those
    frames (and on the folder, which reads the same way) is the single
    machine's."""
    tables = zd.read_csv(policy, small, blocksize=300_000)
    assert set(tables) == {p.stem for p in small.glob("*.csv")}
    p = tables["payments"]
    assert p.npartitions > 3
    assert str(p.dtypes["member_id"]) == "category"
    assert str(p.dtypes["month"]) == "category"
    assert tables["absences"].dtypes["absence_id"] == object  # a key: strings
    assert tables["members"].dtypes["person_id"] == object    # an id nothing refers to
    computed = {k: v.compute() for k, v in tables.items()}
    strings = string_frames(small)
    for name, df in computed.items():  # the same cells, as texts
        pd.testing.assert_frame_equal(df.astype(object).reset_index(drop=True),
                                      strings[name].astype(object), check_dtype=False)
    want = policy.check(small, as_of=AS_OF)
    got = zd.check(policy, tables, as_of=AS_OF, client=client)
    assert got.how.startswith("partitioned")
    assert_same(got, want)
    assert_same(zd.check(policy, small, as_of=AS_OF, client=client), want)


def test_read_csv_lenient_and_bad_input(policy, client, small, tmp_path):
    """Bad rows in several counties, written to CSV and read lean: in
    lenient mode the same input findings (lines of the whole file) and row
    accounting as the frames on one machine; in strict mode the same
    InputError. The folder itself runs gathered with the CLI's report."""
    bad = with_bad_rows(string_frames(small))
    folder = tmp_path / "bad"
    folder.mkdir()
    for name, df in bad.items():
        df.to_csv(folder / f"{name}.csv", index=False)
    frames = string_frames(folder)
    tables = zd.read_csv(policy, folder, blocksize=300_000)
    assert tables["payments"].npartitions > 3
    want = assert_bad_input_same(policy, frames, tables, client)
    assert (want.findings["rule"] == "input.invalid").sum() >= 6
    got = zd.check(policy, folder, as_of=AS_OF, lenient=True, client=client)
    assert got.how == "gathered in one task: the folder has rows left out"
    assert_same(got, policy.check(folder, as_of=AS_OF, lenient=True))


def test_read_csv_quoted_file_is_one_partition(policy, client, tmp_path):
    """A file with a double quote may hold a line break in a cell: it is not
    split at line breaks (the others are)."""
    src = EDGE / "visit_quotas" / "data"
    for f in src.glob("*.csv"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    text = (tmp_path / "villages.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    i = header.index("name")
    first = text[1].split(",")
    first[i] = '"一村\n东组"'
    text[1] = ",".join(first)
    (tmp_path / "villages.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    tables = zd.read_csv(policy, tmp_path, blocksize=64)
    assert tables["villages"].npartitions == 1
    assert tables["teams"].npartitions > 1
    assert tables["villages"].compute()["name"].iloc[0] == "一村\n东组"
    want = policy.check(tmp_path, as_of=AS_OF)
    assert_same(zd.check(policy, tables, as_of=AS_OF, client=client), want)
    assert_same(zd.check(policy, tmp_path, as_of=AS_OF, client=client), want)


def test_pieces_of_mixed_types(policy, client, small):
    """Partitions whose columns convert differently (categories in one,
    strings in another, a wrong type in a third): each piece converted on
    its own when it can be, and the single machine's report or error."""
    frames = string_frames(small)
    m = frames["members"]
    parts = [m.iloc[:500], m.iloc[500:1500].astype("category"), m.iloc[1500:]]
    tables = to_dask(frames)
    tables["members"] = dd.from_delayed([dask_delayed(lambda d: d)(p) for p in parts],
                                        meta=m.iloc[:0], verify_meta=False)
    assert_same(zd.check(policy, tables, as_of=AS_OF, client=client),
                policy.check(frames, as_of=AS_OF))
    wrong = m.iloc[1500:].copy()
    wrong["start_date"] = 7  # an int in a date column: the frame's error
    tables["members"] = dd.from_delayed([dask_delayed(lambda d: d)(p)
                                         for p in parts[:2] + [wrong]],
                                        meta=m.iloc[:0], verify_meta=False)
    whole = pd.concat(parts[:2] + [wrong], ignore_index=True)
    with pytest.raises(zhucun.InputError) as want_e:
        policy.check({**frames, "members": whole}, as_of=AS_OF)
    with pytest.raises(zhucun.InputError) as got_e:
        zd.check(policy, tables, as_of=AS_OF, client=client)
    assert got_e.value.diagnostics == want_e.value.diagnostics


def dask_delayed(f):
    import dask
    return dask.delayed(f)


def test_key_twice_in_a_table_nothing_refers_to(policy, client, small):
    """A key given twice in a table no other refers to (`absences`), in two
    counties: found by hashing the keys, and the whole check gathered."""
    frames = string_frames(small)
    a = frames["absences"]
    a.loc[a.index[-1], "absence_id"] = a["absence_id"].iloc[0]
    want = policy.check(frames, as_of=AS_OF, lenient=True)
    got = zd.check(policy, to_dask(frames), as_of=AS_OF, lenient=True, client=client)
    assert got.how == "gathered in one task: a key of `absences` is given twice"
    assert_same(got, want)


def test_hash_collisions_are_confirmed():
    """Two keys with one hash are confirmed on the keys themselves."""
    import numpy as np
    assert zd._any_hash_twice([np.array([1, 2], dtype=np.uint64),
                               np.array([2], dtype=np.uint64)])
    assert not zd._any_hash_twice([np.array([1, 2], dtype=np.uint64)])
    assert not zd._any_hash_twice([])
    assert not zd._duplicated([pd.DataFrame({"k": ["a", "b"]}), pd.DataFrame({"k": ["c"]})])
    assert zd._duplicated([pd.DataFrame({"k": ["a", "b"]}), pd.DataFrame({"k": ["b"]})])


def test_categorical_mapping():
    """The partition helpers map a categorical column through its
    categories, unknown and null cells to none."""
    import numpy as np
    s = pd.Series(["a", "b", "x", None, "a"], dtype="category")
    got = zd._mapped(s, {"a": 0, "b": 1})
    np.testing.assert_array_equal(got, [0, 1, np.nan, np.nan, 0])
    got = zd._mapped(s, pd.Series([5, 6], index=["b", "x"]))
    np.testing.assert_array_equal(got, [np.nan, 5, 6, np.nan, np.nan])
    np.testing.assert_array_equal(zd._mapped(pd.Series([], dtype="category"), {"a": 1}), [])
    np.testing.assert_array_equal(zd._mapped(s.astype(object), {"a": 0, "b": 1}),
                                  [0, 1, np.nan, np.nan, 0])


def test_typed_categories(policy):
    """Categories of plain texts go to the engine as numbers, the values
    the engine reads from the texts; any other text sends the column as
    texts (the engine judges it)."""
    import numpy as np
    v = zd._category_values
    np.testing.assert_array_equal(v("date", 2, ["1970-01-02", "2024-02-29"]), [1, 19782])
    assert v("date", 2, ["2023-02-30"]) is None and v("date", 2, ["2024-1-01"]) is None
    assert v("date", 2, ["２０２４-01-01"]) is None  # not ASCII digits
    np.testing.assert_array_equal(v("month", 2, ["1970-01", "2024-06"]), [0, 653])
    assert v("month", 2, ["2024-13"]) is None
    np.testing.assert_array_equal(v("int", 2, ["0", "-12", "345"]), [0, -12, 345])
    assert v("int", 2, ["007"]) is None and v("int", 2, ["-0"]) is None
    assert v("int", 2, ["1.0"]) is None and v("int", 2, ["+1"]) is None
    np.testing.assert_array_equal(v("decimal", 2, ["1650.50", "0.5", "-3", "-0.05"]),
                                  [165050, 50, -300, -5])
    assert v("decimal", 2, ["1.005"]) is None and v("decimal", 2, ["1."]) is None
    assert v("decimal", 2, ["1" * 17]) is None  # might not fit: the engine says
    np.testing.assert_array_equal(v("decimal", 0, ["12"]), [12])
    np.testing.assert_array_equal(v("bool", 2, ["true", "0", "是", "否"]), [1, 0, 1, 0])
    assert v("bool", 2, ["True"]) is None
    members = next(t for t in policy.schema if t["name"] == "members")
    payments = next(t for t in policy.schema if t["name"] == "payments")
    df = pd.DataFrame({"member_id": ["M1", "M2"], "month": ["2024-01", "2024-02"],
                       "living_allowance": ["1.50", ""], "transport_reimbursements": ["1", "2"]}
                      ).astype("category")
    name, n, cols = zd._piece_native(payments, df)
    assert [(c[0], c[1]) for c in cols] == [("member_id", "object"), ("month", "months"),
                                            ("living_allowance", "scaled"),
                                            ("transport_reimbursements", "int")]
    assert list(cols[2][2]) == [150, 0] and list(cols[2][3]) == [1, 0] and cols[2][4] == 2
    # members.end_date is one of a null_iff pair: its texts go as written.
    m = pd.DataFrame({"start_date": ["2024-01-01"], "end_date": ["2024-02-01"]}).astype("category")
    forms = {c[0]: c[1] for c in zd._piece_native(members, m)[2]}
    assert forms == {"start_date": "days", "end_date": "object"}


def test_odd_texts_in_categories(policy, client, small):
    """Cells the typed reading does not take (leading zeros, a 3-digit
    fraction of zeros, a day not in the calendar, a bool as 是) in
    categorical partitions: the single machine's report, lenient and strict."""
    frames = string_frames(small)
    p = frames["payments"]
    p.loc[p.index[5], "transport_reimbursements"] = "02"
    p.loc[p.index[900], "living_allowance"] = "1650.500"
    a = frames["absences"]
    a.loc[a.index[7], "start_date"] = "2023-02-30"
    h = frames["handovers"]
    h.loc[h.index[3], "signed_outgoing"] = "是"
    tables = {k: dd.from_pandas(v.astype("category"), npartitions=3) for k, v in frames.items()}
    assert_bad_input_same(policy, frames, tables, client)


def test_buckets_by_rows(policy, client, small, monkeypatch):
    """buckets=0: two per worker, and more when the partitioned tables
    (192k rows here) have more than _BUCKET_ROWS rows a bucket, at most one
    per county (5 here)."""
    frames = string_frames(small)
    want = policy.check(frames, as_of=AS_OF)
    monkeypatch.setattr(zd, "_BUCKET_ROWS", 65_000)  # 3 by rows, 4 by workers
    got = zd.check(policy, to_dask(frames), as_of=AS_OF, client=client)
    assert got.how == "partitioned by counties into 4 buckets"
    monkeypatch.setattr(zd, "_BUCKET_ROWS", 1_000)  # 192 by rows, 5 counties
    got = zd.check(policy, to_dask(frames), as_of=AS_OF, client=client)
    assert got.how == "partitioned by counties into 5 buckets"
    assert_same(got, want)
