"""One non-blocking lock call that works on every system Python runs on.

POSIX systems use ``flock`` (shared locks for readers, exclusive for writers). Windows has no
``fcntl``; there ``msvcrt.locking`` locks the lock file's first byte, and it knows only one
kind of lock, so readers lock exclusively too (they hold it for milliseconds: long enough to
read one manifest and the tables it names). Both kinds are released by the operating system
when their holder dies, so a killed save never leaves a stale lock.
"""

from __future__ import annotations

import os

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


def try_lock(descriptor: int, *, shared: bool) -> bool:
    """Take the lock on the open file ``descriptor`` if free; ``False`` when someone holds it."""
    if fcntl is not None:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    os.lseek(descriptor, 0, os.SEEK_SET)
    try:
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def unlock(descriptor: int) -> None:
    """Release the lock taken by :func:`try_lock` (closing the descriptor releases it too)."""
    if fcntl is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return
    os.lseek(descriptor, 0, os.SEEK_SET)
    msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
