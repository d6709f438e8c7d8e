"""One loaded policy used from several Python threads at once: the GIL is
released while the engine loads, builds facts and checks, and every thread
gets the report a lone check gives."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from conftest import PACK, string_frames


def test_one_policy_many_threads(policy, sample):
    frames = string_frames(sample)
    alone = policy.check(frames, as_of="2024-06-30", threads=1)
    dates = ["2024-06-30", "2023-12-31", "2024-06-30", "2023-12-31"]
    expected = {"2023-12-31": policy.check(sample, as_of="2023-12-31", threads=1).findings,
                "2024-06-30": alone.findings}

    def work(as_of):
        tables = frames if as_of == "2024-06-30" else sample
        return as_of, policy.check(tables, as_of=as_of, threads=1)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, dates))
    for as_of, report in results:
        assert report.findings.equals(expected[as_of])
    assert results[0][1].derived["assessment_grades"].equals(alone.derived["assessment_grades"])


def test_the_gil_is_released_during_a_check(policy, sample):
    """While a check runs in one thread, another thread keeps running Python."""
    facts = policy.facts(sample)
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        policy.check(facts, as_of="2024-06-30", threads=1)
        during = ticks
    finally:
        done.set()
        counter.join()
    assert during > 1000


def test_loads_in_parallel(zhucun):
    with ThreadPoolExecutor(max_workers=4) as pool:
        policies = list(pool.map(lambda _: zhucun.load(PACK), range(4)))
    assert len({p.info().rules.shape for p in policies}) == 1
