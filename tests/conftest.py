"""Shared test setup: the repository root on sys.path, so tests import app-side modules too,
and the order in which xdist hands out the test files (:mod:`tests.scheduling`)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_xdist_make_scheduler(config, log):
    """Longest test files first, browser files on at most two workers at a time
    (:mod:`tests.scheduling`)."""
    from tests.scheduling import make_scheduler

    return make_scheduler(config, log)
