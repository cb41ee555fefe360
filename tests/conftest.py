"""Shared test setup: the repository root on sys.path, so tests import app-side modules too;
property tests without Hypothesis' per-example deadline; and the order in which xdist hands
out the test files (:mod:`tests.scheduling`)."""

import sys
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Hypothesis fails an example that takes longer than 200 ms. On two cores shared by the test
# workers, a browser and Spark, a plain example took 252 ms and failed a run ("unreliable
# results": the retry was fast). Speed is measured in bench/, not in tests.
settings.register_profile("workbench", deadline=None)
settings.load_profile("workbench")


def pytest_xdist_make_scheduler(config, log):
    """Longest test files first, browser files on at most two workers at a time
    (:mod:`tests.scheduling`)."""
    from tests.scheduling import make_scheduler

    return make_scheduler(config, log)
