"""The xdist scheduling of ``./dev test`` (:mod:`tests.scheduling`), driven by fake workers:
every test runs exactly once, a file stays on one worker, the longest files go first, browser
files never to more than two workers at a time; and the table of seconds per file."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.scheduling import (
    BROWSER_LANES,
    DURATIONS,
    ROOT,
    SECONDS_PER_TEST,
    BrowserLanesScheduling,
    durations_from_junit,
    is_browser_file,
    load_durations,
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


def _scheduled(
    workers: int, collection: list[str] = COLLECTION, durations: dict[str, float] | None = None
) -> tuple[BrowserLanesScheduling, list[FakeWorker]]:
    """A scheduler with ``workers`` fake workers that has handed out its first units."""
    scheduler = BrowserLanesScheduling(_config(workers=workers), None, durations or {})
    nodes = [FakeWorker(f"gw{i}") for i in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
    for node in nodes:
        scheduler.add_node_collection(node, collection)
    scheduler.schedule()
    return scheduler, nodes


def _run(workers: int, pick) -> tuple[dict[str, list[str]], list[int]]:
    """Schedule ``COLLECTION`` on ``workers`` fake workers and finish tests one at a time
    (``pick`` chooses the worker that finishes next); returns each worker's tests in the
    order run, and after every finished test how many workers held an unfinished browser file."""
    scheduler, nodes = _scheduled(workers)
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
    browser_only = [test for test in COLLECTION if is_browser_file(test)]
    scheduler, nodes = _scheduled(3, browser_only)
    assert [bool(node.queue) for node in nodes] == [True, True, False]
    while busy := [node for node in nodes if node.queue]:
        node = busy[0]
        scheduler.mark_test_complete(node, node.queue.pop(0))
        assert not nodes[2].queue
    assert scheduler.tests_finished and all(node.shutting_down for node in nodes)


def _first_files(node: FakeWorker) -> list[str]:
    return list(dict.fromkeys(COLLECTION[index].split("::")[0] for index in node.queue))


def test_the_longest_files_go_first_by_the_table_and_unknown_ones_by_their_tests():
    durations = {
        "tests/browser/test_a.py": 90.0,  # one test, but the longest browser file
        "tests/browser/test_b.py": 5.0,
        "tests/browser/test_c.py": 30.0,
        "tests/unit/test_w.py": 100.0,  # one test, but the longest of all
        "tests/unit/test_u.py": 2.0,  # nine tests, quick
    }
    scheduler, nodes = _scheduled(3, durations=durations)
    # each worker gets units until it holds more than two tests (xdist's prefetch); files
    # not in the table count a second per test (test_d: 2, test_e: 1, test_browser_words: 5)
    assert _first_files(nodes[0]) == ["tests/browser/test_a.py", "tests/browser/test_b.py"]
    assert _first_files(nodes[1]) == ["tests/browser/test_c.py", "tests/browser/test_d.py"]
    assert _first_files(nodes[2]) == ["tests/unit/test_w.py", "tests/unit/test_browser_words.py"]
    assert scheduler._seconds("tests/pages/test_p.py") == 4 * SECONDS_PER_TEST
    assert scheduler._seconds("tests/unit/test_u.py") == 2.0


def test_the_spark_files_are_one_unit_on_one_worker():
    collection = [
        "tests/unit/test_engine.py::test_0",
        "tests/unit/test_engine.py::test_1",
        "tests/unit/test_persona_features_engine.py::test_0",
        "tests/unit/test_other.py::test_0",
        "tests/unit/test_other.py::test_1",
        "tests/unit/test_other.py::test_2",
    ]
    durations = {
        "tests/unit/test_engine.py": 60.0,
        "tests/unit/test_persona_features_engine.py": 50.0,
        "tests/unit/test_other.py": 100.0,
    }
    scheduler, nodes = _scheduled(2, collection, durations)
    assert scheduler._seconds("spark") == 110.0  # both files, so before test_other
    assert nodes[0].queue == [0, 1, 2] and nodes[1].queue == [3, 4, 5]


def test_the_table_is_the_sum_per_file_of_a_junit_report(tmp_path):
    report = """<testsuites><testsuite>
        <testcase classname="tests.unit.test_suite_scheduling" name="a" time="1.25"/>
        <testcase classname="tests.unit.test_suite_scheduling" name="b" time="2.5"/>
        <testcase classname="tests.unit.test_suite_scheduling.TestGroup" name="c" time="0.25"/>
        <testcase classname="tests.browser.test_login_browser" name="d" time="97.54"/>
        <testcase classname="tests.unit.test_gone" name="e" time="9"/>
    </testsuite></testsuites>"""
    assert durations_from_junit(report, ROOT) == {
        "tests/browser/test_login_browser.py": 97.5,
        "tests/unit/test_suite_scheduling.py": 4.0,
    }
    table = tmp_path / "durations.json"
    assert load_durations(table) == {}  # no table: every file by its number of tests
    table.write_text('{"tests/unit/test_x.py": 3}')
    assert load_durations(table) == {"tests/unit/test_x.py": 3.0}


def test_the_committed_table_names_existing_files_only():
    durations = load_durations(DURATIONS)
    assert len(durations) >= 100
    assert all((ROOT / name).is_file() and seconds >= 0 for name, seconds in durations.items())


def test_browser_files_are_told_by_their_folder():
    assert is_browser_file("tests/browser/test_login_browser.py")
    assert is_browser_file("tests/browser/test_scenarios.py::test_x[de]")
    assert not is_browser_file("tests/unit/test_browser_words.py")
    assert not is_browser_file("tests/pages/test_scenarios_page.py::test_x")


def test_only_loadfile_gets_the_lanes():
    assert isinstance(make_scheduler(_config("loadfile"), log=None), BrowserLanesScheduling)
    assert make_scheduler(_config("load"), log=None) is None
    assert make_scheduler(_config("worksteal"), log=None) is None
