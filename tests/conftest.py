"""Shared test setup: the repository root on sys.path, so tests import app-side modules too."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_xdist_make_scheduler(config, log):
    """Browser files first, on at most two workers at a time (:mod:`tests.scheduling`)."""
    from tests.scheduling import make_scheduler

    return make_scheduler(config, log)


def pytest_xdist_auto_num_workers(config):
    """One worker more than cores for ``-n auto --dist loadfile`` (:mod:`tests.scheduling`)."""
    from tests.scheduling import auto_num_workers

    return auto_num_workers(config)
