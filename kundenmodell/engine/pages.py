"""Large NumPy temporaries without the request for transparent huge pages.

NumPy asks the kernel for huge pages on every large allocation (``madvise``); under the
kernel's default ``defrag=madvise`` the first touch of such memory may compact memory
synchronously. On the 2-core VM this was measured on, the sort of 18 M purchases into
customer days took 5.5 s of NumPy work instead of 1.1 s, the month cells 6.0 s instead of
1.3 s (``NUMPY_MADVISE_HUGEPAGE=0`` is the same switch for a whole process). The switch is
NumPy's own, process-wide: it stays off while any thread is inside :func:`small_pages` and is
restored after the last one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

_LOCK = threading.Lock()
_users = 0
_before = True


@contextmanager
def small_pages() -> Iterator[None]:
    """NumPy allocates without ``madvise(MADV_HUGEPAGE)`` inside this block."""
    global _users, _before
    switch = getattr(np._core.multiarray, "_set_madvise_hugepage", None)
    if switch is None:  # a NumPy without the switch
        yield
        return
    with _LOCK:
        if _users == 0:
            _before = switch(False)
        _users += 1
    try:
        yield
    finally:
        with _LOCK:
            _users -= 1
            if _users == 0:
                switch(_before)
