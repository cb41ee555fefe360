"""How ``--dist loadfile`` hands the test files to the xdist workers (``./dev test``, CI).

A file stays one unit on one worker, as with xdist's own ``loadfile`` (a browser file shares
its server and page fixtures, a unit file its module fixtures). Two things differ:

- The browser files (``tests/browser/``) go first, to at most ``BROWSER_LANES`` workers at a
  time (the "browser lanes"); the other workers take the other files meanwhile. xdist's own
  order puts the files with the most tests first, which left the one-test browser files of a
  minute or more (login, accessibility) for the very end, on one worker, while the other
  had nothing left to do.
- A browser test spends about half of its time waiting for Streamlit, Chromium and the fixed
  pauses of ``tests/browser/waiting.py`` (its worker, server and browser together used 0.5 of
  a core while it ran), so two browser lanes leave about a core idle. ``-n auto --dist
  loadfile`` therefore starts one worker more than xdist's count of cores: the two browser
  lanes plus workers that keep the cores busy meanwhile. Still never more than two Chromiums
  and two servers at once, as with two workers before.

Outside ``loadfile`` (``-n 0``, ``--dist load`` ...) xdist's own scheduling applies unchanged.
"""

from __future__ import annotations

import os

import pytest
from xdist.plugin import pytest_xdist_auto_num_workers as xdist_auto_num_workers
from xdist.scheduler import LoadFileScheduling

BROWSER_LANES = 2


def is_browser_file(scope: str) -> bool:
    """Whether the work unit ``scope`` (a test file's node id) is a browser test file."""
    return "browser" in scope.split("::", 1)[0].split("/")[:-1]


class BrowserLanesScheduling(LoadFileScheduling):
    """``loadfile`` with the browser files first, on at most ``BROWSER_LANES`` workers."""

    def _is_lane(self, node) -> bool:
        """Whether ``node`` still has a browser test to run (assigned, not yet finished)."""
        return any(
            is_browser_file(scope) and not all(unit.values())
            for scope, unit in self.assigned_work.get(node, {}).items()
        )

    def _next_scope(self, node) -> str | None:
        """The unit ``node`` gets next: a browser file if it is a browser lane or a lane is
        free, otherwise the first other file (xdist's order: most tests first); ``None``
        when only browser files are left and every lane is taken (the worker waits)."""
        browser = [scope for scope in self.workqueue if is_browser_file(scope)]
        others = [scope for scope in self.workqueue if not is_browser_file(scope)]
        lanes = sum(self._is_lane(other) for other in self.nodes if other is not node)
        if browser and (self._is_lane(node) or lanes < BROWSER_LANES):
            return browser[0]
        return others[0] if others else None

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


def auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto --dist loadfile``: xdist's count of cores plus one (see the module
    docstring); ``None`` (xdist's answer) for other modes, where nothing limits the browser
    files to two workers, and when ``PYTEST_XDIST_AUTO_NUM_WORKERS`` sets the number."""
    if config.getvalue("dist") != "loadfile" or os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return xdist_auto_num_workers(config) + 1
