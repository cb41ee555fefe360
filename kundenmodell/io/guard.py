"""Reading an upload in a worker process, so that one bad file cannot take the shared server down.

The workbench runs as one Streamlit server that several people share. The C libraries behind
:func:`~kundenmodell.io.read_table` (pyarrow's readers, the XML and zip code behind openpyxl)
can crash the whole process on a hostile file, run for minutes or take gigabytes.
:func:`read_table_guarded` and :func:`sheet_names_guarded` give the same results as
:func:`~kundenmodell.io.read_table` and :func:`~kundenmodell.io.sheet_names`, but run them in a
worker process: a crash, a hang or a memory blow-up there becomes a translated
:class:`~kundenmodell.DataError` (``error.io.guard.*``) and the server keeps running. Notebooks
keep using the in-process functions; the upload page uses these.

Design choices:

- **Long-lived workers from a fork server.** Workers are started with multiprocessing's
  ``forkserver`` context, whose server process has imported :mod:`kundenmodell.io` once
  (pandas, pyarrow, openpyxl: about two seconds). A worker is a fork of it, so it starts in
  milliseconds, and it serves call after call, so a call costs a round trip through a pipe,
  not an import. Forking the Streamlit process itself is not an option: it runs many threads
  (Tornado, every session's script), and a fork copies their locks in whatever state they are.
- **A small pool, one call per worker at a time.** Streamlit runs each session's script in its
  own thread. :data:`WORKERS` workers serve the calls; a call takes an idle worker (or waits for
  one), so two sessions never share a pipe and never see each other's results, and one slow
  file does not hold up everybody else's upload.
- **Memory cap per call.** Before each call the worker lowers its ``RLIMIT_AS`` (address space)
  to what it uses now plus the call's budget (by default :func:`memory_budget`: ten times the
  file plus 1.5 GiB) plus :data:`THREAD_RESERVE` for each thread the readers may start (Arrow's
  CPU and I/O pools and the column-typing pool), because each thread reserves address space
  for its stack and its malloc arena before it uses any memory. The cap is lifted again after
  the call. An allocation beyond it fails with ``MemoryError`` and becomes
  ``error.io.guard.memory``; a worker whose resident memory grew by more than
  :data:`RETIRE_GROWTH` (allocators keep freed memory) ends after answering and is replaced.
- **Wall-clock timeout.** The caller waits ``timeout`` seconds for the answer; then the worker
  is killed (a hang in C code cannot be interrupted otherwise) and ``error.io.guard.timeout``
  is raised. A worker that dies (a segmentation fault, an abort, the kernel's out-of-memory
  killer) gives ``error.io.guard.crashed`` (``memory`` for ``SIGKILL``). Either way a new
  worker is started at once, so the next call finds one ready.
- **Transfer by pickle.** The request is the path (the worker maps the file itself) or the
  bytes of the upload; the answer is the pickled :class:`~kundenmodell.io.LoadedTable`. Its
  text columns are Arrow-backed, so pickling them writes Arrow buffers, not Python strings.
  A :class:`~kundenmodell.DataError` raised in the worker is raised again in the caller with
  the same key and parameters; any other exception is raised again as it was, with the
  worker's traceback as a note.

The fork server imports :mod:`kundenmodell.io` from the working directory or ``PYTHONPATH``
(the app runs from the repository root); if that fails, each worker imports it when it starts.
It also imports the main script once (under Streamlit that is Streamlit's command line), which
multiprocessing would otherwise run again in every new worker; as everywhere with
multiprocessing, a script that calls these functions needs ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

import pyarrow as pa

from kundenmodell.errors import DataError
from kundenmodell.io.read import LoadedTable, read_table, sheet_names
from kundenmodell.io.source import DEFAULT_MAX_BYTES, RawFile, read_source

DEFAULT_TIMEOUT = 120.0
"""Seconds a read may take before the worker is stopped."""
WORKERS = 2
"""Worker processes serving calls side by side."""
THREAD_RESERVE = 72 << 20
"""Address space one reader thread may reserve: an 8 MiB stack and a 64 MiB malloc arena."""
RETIRE_GROWTH = 512 << 20
"""A worker whose resident memory grew by more than this since it started is replaced."""

_MIB = 1 << 20
_CONTEXT = mp.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["__main__", "kundenmodell.io"])
R = TypeVar("R")


def memory_budget(size: int) -> int:
    """Bytes of memory a read of a ``size``-byte file may use: ten times the file plus 1.5 GiB
    (a 50 MB CSV needs about four times its size as Arrow columns, the pandas frame and the
    conversions in between)."""
    return 10 * size + (3 << 30) // 2


def read_table_guarded(
    source: Any,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int | None = None,
    **options: Any,
) -> LoadedTable:
    """:func:`~kundenmodell.io.read_table` in a worker process, within ``timeout`` seconds and
    ``memory`` bytes (default :func:`memory_budget` of the file's size).

    ``header_row`` is passed on only when given; ``options`` are passed on unchanged.
    """
    payload = _payload(source, max_bytes)
    if header_row is not None:
        options["header_row"] = header_row
    options.update(sheet=sheet, max_bytes=max_bytes)
    budget = memory_budget(_size(payload)) if memory is None else memory
    return _call(read_table, payload, options, timeout=timeout, memory=budget)


def sheet_names_guarded(
    source: Any,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int | None = None,
) -> list[str]:
    """:func:`~kundenmodell.io.sheet_names` in a worker process (see :func:`read_table_guarded`)."""
    payload = _payload(source, max_bytes)
    budget = memory_budget(_size(payload)) if memory is None else memory
    return _call(sheet_names, payload, {"max_bytes": max_bytes}, timeout=timeout, memory=budget)


def _payload(source: Any, max_bytes: int) -> str | RawFile:
    """What is sent to the worker: a path as an absolute path (the worker maps the file), any
    other source as its bytes, read here within ``max_bytes``."""
    if isinstance(source, str | os.PathLike):
        return os.path.abspath(source)
    raw = read_source(source, max_bytes=max_bytes)
    return raw if isinstance(raw.data, bytes) else RawFile(bytes(raw.data), raw.name)


def _size(payload: str | RawFile) -> int:
    return os.path.getsize(payload) if isinstance(payload, str) else len(payload.data)


def _call(
    function: Callable[..., R],
    payload: Any,
    kwargs: dict[str, Any],
    *,
    timeout: float,
    memory: int,
) -> R:
    """``function(payload, **kwargs)`` in a worker of the pool within ``timeout`` seconds and
    ``memory`` bytes; its answer or its error here.

    ``function`` must be importable by name. Only this module's public functions choose it,
    so nothing reachable from the page runs anything but a reader; the tests pass functions
    that crash, hang or hoard memory.
    """
    worker = _POOL.acquire()
    healthy = False
    try:
        try:
            worker.connection.send((function, payload, kwargs, memory))
            answered = worker.connection.poll(timeout)
            if not answered:
                raise DataError("error.io.guard.timeout", seconds=round(timeout))
            status, value, retire = worker.connection.recv()
        except (EOFError, OSError):
            raise worker.death(memory) from None
        healthy = not retire
    finally:
        _POOL.release(worker, healthy=healthy)
    if status == "memory":
        raise DataError("error.io.guard.memory", limit=memory // _MIB)
    if status == "data_error":
        raise DataError(value[0], **value[1])
    if status == "error":
        raise value
    return value


class _Worker:
    """One worker process and the caller's end of its pipe."""

    def __init__(self) -> None:
        self.connection, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        """Kill the process (it may hang in C code) and wait for it to end."""
        self.process.kill()
        self.process.join()
        self.connection.close()

    def death(self, memory: int) -> DataError:
        """The error to show for a worker that stopped answering: it crashed, or it was killed
        (by the kernel when memory ran out; nothing else kills a busy worker)."""
        self.process.join(5)
        if self.process.exitcode == -signal.SIGKILL:
            return DataError("error.io.guard.memory", limit=memory // _MIB)
        return DataError("error.io.guard.crashed")


class _Pool:
    """Up to :data:`WORKERS` workers, each serving one call at a time."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._idle: list[_Worker] = []
        self._started = 0
        self._changed = threading.Condition()

    def acquire(self) -> _Worker:
        """An idle, living worker; a new one while fewer than ``size`` exist; else wait."""
        with self._changed:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.process.is_alive():
                        return worker
                    worker.stop()
                    self._started -= 1
                if self._started < self._size:
                    self._started += 1
                    break
                self._changed.wait()
        try:
            return _Worker()
        except BaseException:
            with self._changed:
                self._started -= 1
                self._changed.notify()
            raise

    def release(self, worker: _Worker, *, healthy: bool) -> None:
        """Give ``worker`` back; an unhealthy one is stopped and replaced at once."""
        replacement: _Worker | None = worker
        if not healthy:
            worker.stop()
            try:
                replacement = _Worker()
            except OSError:  # no process now (too many, no memory): the next call tries again
                replacement = None
        with self._changed:
            if replacement is None:
                self._started -= 1
            else:
                self._idle.append(replacement)
            self._changed.notify()


_POOL = _Pool(WORKERS)


# --- in the worker ------------------------------------------------------------------------------


def _serve(connection: Connection) -> None:
    """Answer calls until the pipe closes or the worker has grown too large to keep."""
    start = _resident()
    while True:
        try:
            function, payload, kwargs, budget = connection.recv()
        except EOFError:
            return
        status, value = _run(function, payload, kwargs, budget)
        retire = status == "memory" or _resident() - start > RETIRE_GROWTH
        try:
            connection.send((status, value, retire))
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            connection.send(("error", RuntimeError(f"unpicklable answer: {error}"), retire))
        if retire:
            return


def _run(function: Callable[..., Any], payload: Any, kwargs: dict, budget: int) -> tuple:
    """One call under the memory cap: ``(status, value)`` with status ok, data_error (the key
    and parameters: a DataError does not pickle), memory or error."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    threads = 2 * pa.cpu_count() + pa.io_thread_count()
    cap = _address_space() + budget + threads * THREAD_RESERVE
    resource.setrlimit(
        resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard)
    )
    try:
        return "ok", function(payload, **kwargs)
    except MemoryError:
        return "memory", None
    except DataError as error:
        return "data_error", (error.key, error.params)
    except Exception as error:
        error.add_note("in the reader process:\n" + traceback.format_exc())
        return "error", error
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _statm(field: int) -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")


def _address_space() -> int:
    """Bytes of address space the process has mapped now."""
    return _statm(0)


def _resident() -> int:
    """Bytes of the process in memory now."""
    return _statm(1)
