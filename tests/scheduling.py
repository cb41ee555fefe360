"""How ``--dist loadfile`` hands the test files to the xdist workers (``./dev test``, CI).

A file stays one unit on one worker, as with xdist's own ``loadfile`` (a browser file shares
its server and page fixtures, a unit file its module fixtures). Two things differ:

- The longest files go first ("longest processing time first"), by the seconds each file
  took in a recent run, kept in ``tests/durations.json``. xdist's own order puts the files
  with the most tests first, which handed out the one-test browser files of a minute or more
  (login, accessibility) and the Spark file (2 min on a busy machine) last, so that one worker
  ran them alone at the end while the others had nothing left to do. A file missing from the
  table counts ``SECONDS_PER_TEST`` per test; a stale table costs time, never a test.
- The browser files (``tests/browser/``) go to at most ``BROWSER_LANES`` workers at a time,
  the "browser lanes", which take browser files while there are any; the other workers take
  the other files meanwhile.
- The files of one ``SHARED`` group are one unit: they share a costly session fixture, which
  a worker then starts once (the Spark session: 10 s on a quiet machine, 25 s on a busy one,
  started twice when xdist put the two Spark files on two workers).

With more workers than two (``PYTEST_XDIST_AUTO_NUM_WORKERS=3 ./dev test``) the third one
takes the other files while two lanes run the browser tests. A browser test uses only about
half a core (its worker, server and Chromium took 17 CPU seconds in 32 s), so that fills idle
time on a quiet machine; on a machine busy with other work it made the corpus test's fixture
run past pytest's 300 s timeout, so ``-n auto`` keeps xdist's count of cores.

Outside ``loadfile`` (``-n 0``, ``--dist load`` ...) xdist's own scheduling applies unchanged.

Refresh the table after a full run with ``--junitxml=run.xml``:
``python -m tests.scheduling run.xml > tests/durations.json``.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import pytest
from xdist.scheduler import LoadFileScheduling

BROWSER_LANES = 2
SECONDS_PER_TEST = 1.0  # a file missing from the table: about the suite's mean per test
SHARED = {  # file -> group: the files of a group run on one worker, one after the other
    "tests/unit/test_engine.py": "spark",
    "tests/unit/test_persona_features_engine.py": "spark",
}
ROOT = Path(__file__).resolve().parent.parent
DURATIONS = Path(__file__).with_name("durations.json")


def is_browser_file(scope: str) -> bool:
    """Whether the work unit ``scope`` (a test file's node id) is a browser test file."""
    return "browser" in scope.split("::", 1)[0].split("/")[:-1]


def load_durations(path: Path = DURATIONS) -> dict[str, float]:
    """Seconds per test file (``tests/unit/test_x.py``) from the table; empty without one."""
    try:
        return {str(name): float(seconds) for name, seconds in json.loads(path.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def durations_from_junit(xml_text: str, root: Path = ROOT) -> dict[str, float]:
    """Seconds per test file from a pytest ``--junitxml`` report: the sum over its test
    cases (setup, call and teardown each), the file found from the ``classname``
    (``tests.unit.test_x`` or ``tests.unit.test_x.TestClass``)."""
    seconds: Counter[str] = Counter()
    for case in ElementTree.fromstring(xml_text).iter("testcase"):
        parts = case.get("classname", "").split(".")
        while parts and not (root / Path(*parts).with_suffix(".py")).is_file():
            parts.pop()
        if parts:
            seconds["/".join(parts) + ".py"] += float(case.get("time", 0))
    return {name: round(total, 1) for name, total in sorted(seconds.items())}


class BrowserLanesScheduling(LoadFileScheduling):
    """``loadfile`` with the longest files first and the browser files on at most
    ``BROWSER_LANES`` workers at a time."""

    def __init__(self, config: pytest.Config, log=None, durations: dict[str, float] | None = None):
        super().__init__(config, log)
        self.durations = load_durations() if durations is None else durations

    def _split_scope(self, nodeid: str) -> str:
        """The unit of a test: its file, or the group of its file in ``SHARED``."""
        path = super()._split_scope(nodeid)
        return SHARED.get(path, path)

    def _seconds(self, scope: str) -> float:
        """The expected seconds of the unit ``scope``: its file's, or its group's files'."""
        files = [path for path, group in SHARED.items() if group == scope] or [scope]
        if all(path in self.durations for path in files):
            return sum(self.durations[path] for path in files)
        return SECONDS_PER_TEST * len(self.workqueue.get(scope, ()))

    def _is_lane(self, node) -> bool:
        """Whether ``node`` still has a browser test to run (assigned, not yet finished)."""
        return any(
            is_browser_file(scope) and not all(unit.values())
            for scope, unit in self.assigned_work.get(node, {}).items()
        )

    def _next_scope(self, node) -> str | None:
        """The unit ``node`` gets next: the longest browser file if it is a browser lane or
        a lane is free, otherwise the longest other file; ``None`` when only browser files
        are left and every lane is taken (the worker waits)."""
        browser = [scope for scope in self.workqueue if is_browser_file(scope)]
        others = [scope for scope in self.workqueue if not is_browser_file(scope)]
        lanes = sum(self._is_lane(other) for other in self.nodes if other is not node)
        if browser and (self._is_lane(node) or lanes < BROWSER_LANES):
            return max(browser, key=self._seconds)
        return max(others, key=self._seconds) if others else None

    def _assign_work_unit(self, node) -> None:
        """As xdist's, but the unit is :meth:`_next_scope` instead of the queue's first."""
        scope = self._next_scope(node)
        if scope is None:
            return
        work_unit = self.workqueue.pop(scope)
        self.assigned_work.setdefault(node, {})[scope] = work_unit
        collection = self.registered_collections[node]
        node.send_runtest_some(
            [collection.index(nodeid) for nodeid, done in work_unit.items() if not done]
        )

    def mark_test_complete(self, node, item_index: int, duration: float = 0) -> None:
        """As xdist's, and a worker left waiting by :meth:`_next_scope` is asked again (xdist
        asks only the worker that finished a test): for a lane that became free, or to shut
        down when the queue is empty."""
        super().mark_test_complete(node, item_index, duration)
        for other in self.nodes:
            if other is not node and not self._pending_of(self.assigned_work[other]):
                self._reschedule(other)


def make_scheduler(config: pytest.Config, log) -> BrowserLanesScheduling | None:
    """The scheduler for ``--dist loadfile``; ``None`` leaves other modes to xdist."""
    if config.getvalue("dist") != "loadfile":
        return None
    return BrowserLanesScheduling(config, log)


if __name__ == "__main__":  # python -m tests.scheduling run.xml > tests/durations.json
    report = Path(sys.argv[1]).read_text(encoding="utf-8")
    print(json.dumps(durations_from_junit(report), indent=1))
