"""zhucun.test_pack runs a pack's tests as `zhucun test` does."""

from __future__ import annotations

import shutil

import pytest

from conftest import PACK


def test_qiannan_pack_passes_its_tests(zhucun):
    report = zhucun.test_pack(PACK)
    assert report.passed, str(report)
    assert len(report.cases) >= 30
    assert not report.never_fires and not report.never_quiet


def test_a_failing_case_is_reported(zhucun, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    # team.resident_cadres (POLICY.md, 1+2+N): demand 3 resident cadres; the
    # cases written for 2 now find what they expected not to.
    report = zhucun.test_pack(pack, params={"min_resident_cadres": 3})
    assert not report.passed
    assert report.failed
    assert all(f.code.startswith("test.") for c in report.failed for f in c.failures)
    assert "FAILED" in str(report)


def test_filter_skips_coverage(zhucun):
    report = zhucun.test_pack(PACK, filter="Feb 29")
    assert report.passed


def test_a_bad_test_file_is_a_rule_error(zhucun, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    f = pack / "tests" / "visits.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("expect:", "expekt:", 1), encoding="utf-8")
    with pytest.raises(zhucun.RuleError) as e:
        zhucun.test_pack(pack)
    assert any(d.file and d.file.endswith("visits.yaml") for d in e.value.errors)
