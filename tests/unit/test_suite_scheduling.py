"""The xdist scheduling of ``./dev test`` (:mod:`tests.scheduling`), driven by fake workers:
every test runs exactly once, a file stays on one worker, browser files go first and never to
more than two workers at a time."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.scheduling import (
    BROWSER_LANES,
    BrowserLanesScheduling,
    auto_num_workers,
    is_browser_file,
    make_scheduler,
)

FILES = {  # file -> number of tests, in collection order (browser first, as pytest collects)
    "tests/browser/test_a.py": 1,
    "tests/browser/test_b.py": 3,
    "tests/browser/test_c.py": 1,
    "tests/browser/test_d.py": 2,
    "tests/browser/test_e.py": 1,
    "tests/pages/test_p.py": 4,
    "tests/unit/test_u.py": 9,
    "tests/unit/test_v.py": 2,
    "tests/unit/test_w.py": 1,
    "tests/unit/test_browser_words.py": 5,  # "browser" in a file name is no browser file
}
COLLECTION = [f"{path}::test_{i}" for path, count in FILES.items() for i in range(count)]


class FakeWorker:
    """What the scheduler calls on an xdist worker: it records the tests it is sent."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.gateway = SimpleNamespace(id=name)
        self.queue: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indices: list[int]) -> None:
        self.queue.extend(indices)

    def shutdown(self) -> None:
        self.shutting_down = True


def _config(dist: str = "loadfile", workers: int = 3) -> SimpleNamespace:
    values = {"dist": dist, "tx": [f"{workers}*popen"]}
    return SimpleNamespace(
        getvalue=values.__getitem__, option=SimpleNamespace(loadscopereorder=True)
    )


def _run(workers: int, pick) -> tuple[dict[str, list[str]], list[int]]:
    """Schedule ``COLLECTION`` on ``workers`` fake workers and finish tests one at a time
    (``pick`` chooses the worker that finishes next); returns each worker's tests in the
    order run, and after every finished test how many workers held an unfinished browser file."""
    scheduler = BrowserLanesScheduling(_config(workers=workers), log=None)
    nodes = [FakeWorker(f"gw{i}") for i in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
    for node in nodes:
        scheduler.add_node_collection(node, COLLECTION)
    scheduler.schedule()
    ran: dict[str, list[str]] = {node.name: [] for node in nodes}
    lanes: list[int] = []
    step = 0
    while busy := [node for node in nodes if node.queue]:
        node = busy[pick(step) % len(busy)]
        index = node.queue.pop(0)
        ran[node.name].append(COLLECTION[index])
        scheduler.mark_test_complete(node, index)
        lanes.append(sum(scheduler._is_lane(other) for other in nodes))
        step += 1
    assert scheduler.tests_finished and not scheduler.workqueue
    return ran, lanes


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
@pytest.mark.parametrize("pattern", ["round_robin", "first_worker_fast", "last_worker_fast"])
def test_every_test_once_files_whole_browser_first_on_two_workers_at_most(workers, pattern):
    pick = {
        "round_robin": lambda step: step,
        "first_worker_fast": lambda step: 0,
        "last_worker_fast": lambda step: -1,
    }[pattern]
    ran, lanes = _run(workers, pick)

    assert sorted(test for tests in ran.values() for test in tests) == sorted(COLLECTION)
    owner = {test.split("::")[0]: name for name, tests in ran.items() for test in tests}
    for name, tests in ran.items():  # each file on one worker only
        assert {owner[test.split("::")[0]] for test in tests} == {name}
    assert max(lanes) <= min(BROWSER_LANES, workers)
    assert max(lanes) == min(BROWSER_LANES, workers)  # the lanes are used
    browser_workers = {owner[path] for path in FILES if is_browser_file(path)}
    assert len(browser_workers) <= min(BROWSER_LANES, workers)
    for tests in ran.values():  # on a worker, its browser files come before anything else
        kinds = [is_browser_file(test) for test in tests]
        assert kinds == sorted(kinds, reverse=True)


def test_a_worker_waits_rather_than_open_a_third_browser_lane():
    """With only browser files left and both lanes taken, the third worker gets nothing
    until the queue is empty, and is then shut down (not left waiting forever)."""
    scheduler = BrowserLanesScheduling(_config(workers=3), log=None)
    nodes = [FakeWorker(f"gw{i}") for i in range(3)]
    for node in nodes:
        scheduler.add_node(node)
    browser_only = [test for test in COLLECTION if is_browser_file(test)]
    for node in nodes:
        scheduler.add_node_collection(node, browser_only)
    scheduler.schedule()
    assert [bool(node.queue) for node in nodes] == [True, True, False]
    while busy := [node for node in nodes if node.queue]:
        node = busy[0]
        scheduler.mark_test_complete(node, node.queue.pop(0))
        assert not nodes[2].queue
    assert scheduler.tests_finished and all(node.shutting_down for node in nodes)


def test_browser_files_are_told_by_their_folder():
    assert is_browser_file("tests/browser/test_login_browser.py")
    assert is_browser_file("tests/browser/test_scenarios.py::test_x[de]")
    assert not is_browser_file("tests/unit/test_browser_words.py")
    assert not is_browser_file("tests/pages/test_scenarios_page.py::test_x")


def test_only_loadfile_gets_the_lanes_and_the_extra_worker(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr("tests.scheduling.xdist_auto_num_workers", lambda config: 2)
    assert isinstance(make_scheduler(_config("loadfile"), log=None), BrowserLanesScheduling)
    assert make_scheduler(_config("load"), log=None) is None
    assert auto_num_workers(_config("loadfile")) == 3
    assert auto_num_workers(_config("load")) is None
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "5")
    assert auto_num_workers(_config("loadfile")) is None  # xdist reads the variable itself
