"""`zhucun check --report` rendered in a real browser (docs/report.md).

Headless Chromium (Debian's `chromium`, installed by scripts/setup.sh) loads
the page written for the spec's example, runs its script, and the DOM it
dumps must show the figures of the check's own CSV output: the totals, one
row per finding, the count the page's script added up itself, and sortable
headings. A screenshot is written under the build folder for a person to look
at (build/<preset>/report-screens/report_<lang>.png); it is not checked here
beyond being a PNG.

Run by ctest (`report_browser`), which sets the paths below; by hand:

    ZHUCUN_CLI=build/release/cli/zhucun /usr/bin/python3 -m pytest tests/report/browser_test.py
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(os.environ.get("ZHUCUN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BUILD = Path(os.environ.get("ZHUCUN_BUILD_DIR", REPO / "build" / "release"))
SHARED = Path(os.environ.get("ZHUCUN_SHARED_DIR", REPO.parent / "shared"))
CLI = Path(os.environ.get("ZHUCUN_CLI", BUILD / "cli" / "zhucun"))
EXAMPLE = SHARED / "spec" / "example" / "data"
PACK = REPO / "rules" / "qiannan"
SCREENS = BUILD / "report-screens"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no `chromium` on PATH: scripts/setup.sh installs Debian's chromium; "
           "the HTML report is not rendered in a browser")


def has_lang_option() -> bool:
    """Whether this zhucun takes `--lang` (issue 14, item 1)."""
    help_text = subprocess.run([str(CLI), "--help"], capture_output=True, text=True).stdout
    return "--lang" in help_text


def write_report(tmp: Path, lang: str) -> Path:
    page = tmp / f"report_{lang}.html"
    args = [str(CLI), "check", "--rules", str(PACK), "--data", str(EXAMPLE),
            "--as-of", "2024-06-30", "--report", str(page)]
    if lang != "en":
        args += ["--lang", lang]
    run = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr  # findings of severity error
    assert page.stat().st_size > 0
    return page


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """Chromium without a sandbox (tests run as root in CI), a GPU or a profile."""
    profile = tmp / "chromium-profile"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180)


def expected_counts(tmp: Path) -> tuple[int, int, Counter]:
    """Findings, errors and findings per rule, from `zhucun check --out`."""
    out = tmp / "out"
    run = subprocess.run([str(CLI), "check", "--rules", str(PACK), "--data", str(EXAMPLE),
                          "--as-of", "2024-06-30", "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    with open(out / "findings.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    errors = sum(1 for r in rows if r["severity"] == "error")
    return len(rows), errors, Counter(r["rule"] for r in rows)


def text_of(dom: str, element_id: str) -> str:
    m = re.search(r'id="%s"[^>]*>([^<]*)<' % re.escape(element_id), dom)
    assert m, f"no element #{element_id} in the DOM"
    return m.group(1).strip()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chromium_renders_the_report(tmp_path: Path, lang: str) -> None:
    if lang != "en" and not has_lang_option():
        pytest.skip("this zhucun has no --lang option yet (issue 14, item 1)")
    page = write_report(tmp_path, lang)
    findings, errors, per_rule = expected_counts(tmp_path)
    assert findings == 138  # the spec's example (its expected/findings.csv)

    dumped = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr
    dom = dumped.stdout
    # The script ran to its end, and added up the by-rule table itself.
    assert re.search(r'<body[^>]* data-ready="1"', dom), dom[:500]
    assert text_of(dom, "js-total") == str(findings)
    assert text_of(dom, "total-findings") == str(findings)
    assert text_of(dom, "total-errors") == str(errors)
    assert text_of(dom, "total-warnings") == str(findings - errors)
    assert text_of(dom, "shown") == str(findings)  # the filter shows every finding
    assert dom.count('<tr class="f"') == findings
    # Sortable: every heading of the totals tables has its handler.
    by_rule = dom[dom.index('id="by-rule"'):]
    by_rule = by_rule[:by_rule.index("</table>")]
    headings = len(re.findall(r"<th[ >]", by_rule[:by_rule.index("</thead>")]))
    assert headings >= 4 and by_rule.count('data-sortable="1"') == headings
    for rule, n in per_rule.items():
        row = re.search(r"<tr><td><code>%s</code></td>.*?data-v=\"(\d+)\"" % re.escape(rule),
                        by_rule)
        assert row and int(row.group(1)) == n, rule
    # The language of the page.
    assert re.search(r'<html lang="%s"' % ("zh-CN" if lang == "zh" else "en"), dom)
    assert ("全部发现" in dom) == (lang == "zh")
    # Charts are inline SVG: the visit compliance and the score histograms.
    assert dom.count('class="hist"') == 3
    assert dom.count('class="sortable visits"') == 3
    assert "http://" not in dom and "https://" not in dom

    SCREENS.mkdir(parents=True, exist_ok=True)
    screenshot = SCREENS / f"report_{lang}.png"
    screenshot.unlink(missing_ok=True)
    shot = chromium(tmp_path, f"--screenshot={screenshot}", "--window-size=1280,2000",
                    "--hide-scrollbars", page.as_uri())
    assert shot.returncode == 0, shot.stderr
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a page, not a blank
