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
  milliseconds, and it serves call after call, so a call costs a round trip through a pipe
  and two files in shared memory, not an import. Forking the Streamlit process itself is not
  an option: it runs many threads (Tornado, every session's script), and a fork copies their
  locks in whatever state they are.
- **A small pool, one call per worker at a time.** Streamlit runs each session's script in its
  own thread. :data:`WORKERS` workers serve the calls; a call takes an idle worker (or waits for
  one), so two sessions never share a pipe and never see each other's results, and one slow
  file does not hold up everybody else's upload.
- **Memory cap per call.** For each call the worker lowers its ``RLIMIT_AS`` (address space)
  to its size when it started plus the call's budget, so what earlier calls left mapped counts
  against it. The budget is :func:`memory_budget` (ten times the file plus 1.5 GiB) plus what
  threads reserve before they use any memory: a stack of :data:`THREAD_RESERVE` for each thread
  the readers may start (Arrow's CPU and I/O pools and the column-typing pool) and 64 MiB for
  each of glibc's malloc arenas, which the worker limits to :data:`MALLOC_ARENAS` (else every
  thread could reserve its own, and the cap would measure the number of cores, not memory).
  The worker gives pyarrow the system allocator instead of mimalloc: mimalloc reserves address
  space a gigabyte at a time and keeps it (measured: 200 MB of buffers grew the address space
  by 1,025 MB, still 1,025 MB after freeing them), which the cap would count as used; malloc
  maps large buffers as they come and unmaps them when freed. The cap is lifted after the
  call. An allocation beyond it fails with ``MemoryError`` and becomes
  ``error.io.guard.memory``; a worker whose address space grew by more than
  :data:`RETIRE_GROWTH` beyond the threads' reserve ends after answering and is replaced, so
  leftovers never eat much of the next call's budget.
- **Wall-clock timeout.** The caller waits ``timeout`` seconds for the answer; then the worker
  is killed (a hang in C code cannot be interrupted otherwise) and ``error.io.guard.timeout``
  is raised. A worker that dies (a segmentation fault, an abort, the kernel's out-of-memory
  killer) gives ``error.io.guard.crashed`` (``memory`` for ``SIGKILL`` and for an abort
  after a failed allocation, which Arrow does in places instead of raising: the worker's
  stderr, kept in a small file, says so and is logged). Either way a new worker is started at
  once, so the next call finds one ready.
- **Transfer through shared memory.** The request names the user's path (the worker maps the
  file itself) or a file in ``/dev/shm`` holding the upload's bytes, which the worker maps
  without a copy; the answer is the :class:`~kundenmodell.io.LoadedTable` pickled into another
  such file (its text columns are Arrow-backed, so pickling writes Arrow buffers, not Python
  strings); when ``/dev/shm`` lacks room, the temporary folder is used. The pipe carries only
  the small request and "done". Through the pipe itself a
  50 MB CSV took 3.5 s more than in process on a busy two-core machine, 64 KiB per wake-up of
  the other side. With the files (``python -m bench guard``, same machine): about 2 ms more
  for 1,000 rows, 0.6 s more for 50 MB (1.5 s against 0.9 s), of which pickling and
  unpickling the answer are 0.3 s; Arrow IPC for the frame would save about 0.1 s of that.
- **Errors as in process.** A :class:`~kundenmodell.DataError` raised in the worker is raised
  again in the caller with the same key and parameters; any other exception is raised again
  as it was, with the worker's traceback as a note.

The fork server imports :mod:`kundenmodell.io` from the working directory or ``PYTHONPATH``
(the app runs from the repository root); if that fails, each worker imports it when it starts.
It also imports the main script once (under Streamlit that is Streamlit's command line), which
multiprocessing would otherwise run again in every new worker; as everywhere with
multiprocessing, a script that calls these functions needs ``if __name__ == "__main__":``.

The server is meant to run on Linux. On macOS (no ``/proc``) the worker reads without the memory
cap, with the timeout and the crash isolation; Windows has no fork server, so there only
:func:`~kundenmodell.io.read_table` works (this module still imports, for notebooks).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import logging
import mmap
import multiprocessing as mp
import os
import pickle
import signal
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
THREAD_RESERVE = 8 << 20
"""Address space one reader thread reserves for its stack."""
MALLOC_ARENAS = 2
"""glibc malloc arenas in a worker, each reserving 64 MiB of address space."""
RETIRE_GROWTH = 256 << 20
"""A worker whose address space grew by more than this (beyond the threads' reserve) since it
started is replaced."""

_MIB = 1 << 20
_ARENA = 64 << 20
_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h
_STDERR_TAIL = 4096
_SHARED = "/dev/shm" if os.path.isdir("/dev/shm") else None  # else the temporary folder
_OUT_OF_MEMORY = ("out of memory", "bad_alloc", "cannot allocate memory")
_log = logging.getLogger(__name__)
_PRELOAD = ["__main__", "kundenmodell.io"]
R = TypeVar("R")


ISOLATED = "forkserver" in mp.get_all_start_methods()
"""Whether reads can run in worker processes. Windows has no fork server: there the guarded
functions read in the calling process (size and decompression limits still apply, the memory
cap, time limit and crash isolation do not), so that the app's upload works there too."""


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
    ``memory`` bytes (default :func:`memory_budget` of the file's size) plus what the reader
    threads reserve.

    ``header_row`` is passed on only when given; ``options`` are passed on unchanged. Raises
    what :func:`~kundenmodell.io.read_table` raises, and ``error.io.guard.*`` when the worker
    crashes, runs out of time or out of memory.
    """
    if header_row is not None:
        options["header_row"] = header_row
    options.update(sheet=sheet, max_bytes=max_bytes)
    if not ISOLATED:
        return read_table(source, **options)
    payload = _payload(source, max_bytes)
    budget = memory_budget(_size(payload)) if memory is None else memory
    return _call(read_table, payload, options, timeout=timeout, memory=budget + _reserve())


def sheet_names_guarded(
    source: Any,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int | None = None,
) -> list[str]:
    """:func:`~kundenmodell.io.sheet_names` in a worker process (see :func:`read_table_guarded`)."""
    if not ISOLATED:
        return sheet_names(source, max_bytes=max_bytes)
    payload = _payload(source, max_bytes)
    budget = memory_budget(_size(payload)) if memory is None else memory
    return _call(
        sheet_names, payload, {"max_bytes": max_bytes}, timeout=timeout, memory=budget + _reserve()
    )


def start_workers() -> None:
    """Start the workers in the background, so that the first upload does not wait for the
    fork server's imports (two seconds and more on a busy machine). Cheap once they run."""
    if ISOLATED and not _POOL.full():
        threading.Thread(target=_POOL.fill, name="kundenmodell-readers", daemon=True).start()


def _reserve() -> int:
    """Address space the reader threads reserve before they use any memory (see above)."""
    threads = 2 * pa.cpu_count() + pa.io_thread_count()
    return threads * THREAD_RESERVE + MALLOC_ARENAS * _ARENA


def _payload(source: Any, max_bytes: int) -> str | RawFile:
    """A path as an absolute path (the worker maps the file itself); any other source as its
    bytes, read here within ``max_bytes``."""
    if isinstance(source, str | os.PathLike):
        return os.path.abspath(source)
    return read_source(source, max_bytes=max_bytes)


def _size(payload: str | RawFile) -> int:
    return os.path.getsize(payload) if isinstance(payload, str) else len(payload.data)


@dataclass(frozen=True)
class _Upload:
    """An upload's bytes in a file in shared memory, for the worker to map."""

    path: str
    name: str


def _folder(size: int) -> str | None:
    """``/dev/shm`` when it has room for an upload of ``size`` bytes and its answer (four times
    the file and 64 MiB to spare: a container's is often only 64 MB), else the temporary
    folder."""
    if _SHARED is None:
        return None
    free = os.statvfs(_SHARED)
    return _SHARED if free.f_bavail * free.f_frsize > 4 * size + _ARENA else None


@contextlib.contextmanager
def _exchange(payload: Any, size: int) -> Iterator[tuple[Any, str]]:
    """The request to send for ``payload`` (of ``size`` bytes) and a file for the answer,
    removed afterwards.

    Both go through files in shared memory (``/dev/shm``) instead of the pipe: a pipe moves
    64 KiB per wake-up of the other process, which took seconds for a 50 MB upload on a busy
    machine, while a file in memory is one copy.
    """
    paths: list[str] = []
    folder = _folder(size)

    def new_file() -> tuple[int, str]:
        descriptor, path = tempfile.mkstemp(prefix="kundenmodell-", dir=folder)
        paths.append(path)
        return descriptor, path

    try:
        request = payload
        if isinstance(payload, RawFile):
            descriptor, path = new_file()
            with open(descriptor, "wb") as handle:
                handle.write(payload.data)
            request = _Upload(path, payload.name)
        descriptor, answer = new_file()
        os.close(descriptor)
        yield request, answer
    finally:
        for path in paths:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _call(
    function: Callable[..., R],
    payload: Any,
    kwargs: dict[str, Any],
    *,
    timeout: float,
    memory: int,
) -> R:
    """``function(payload, **kwargs)`` in a worker of the pool within ``timeout`` seconds and
    ``memory`` more bytes of address space; its answer or its error here.

    ``function`` must be importable by name. Only this module's public functions choose it,
    so nothing reachable from the page runs anything but a reader; the tests pass functions
    that crash, hang or hoard memory.
    """
    size = _size(payload) if isinstance(payload, str | RawFile) else 0
    with _exchange(payload, size) as (request, answer):
        worker = _POOL.acquire()
        healthy = False
        try:
            try:
                worker.connection.send((function, request, kwargs, memory, answer))
                if not worker.connection.poll(timeout):
                    raise DataError("error.io.guard.timeout", seconds=round(timeout))
                retire = worker.connection.recv()
            except (EOFError, OSError):
                raise worker.death(memory) from None
            healthy = not retire
        finally:
            _POOL.release(worker, healthy=healthy)
        with open(answer, "rb") as handle:
            status, value = pickle.load(handle)
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
        # Asked for at a worker's start, not when kundenmodell.io is imported: the fork server
        # is one per process, and code that never reads guarded keeps its own choice. It takes
        # effect when this start launches the fork server; one already running stays as it is.
        # The context is asked for here, not at import: Windows has no fork server, and
        # kundenmodell.io stays importable there for notebooks.
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        descriptor, self.stderr = tempfile.mkstemp(prefix="kundenmodell-reader-", suffix=".log")
        os.close(descriptor)
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.stderr), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        """Kill the process (it may hang in C code) and wait for it to end."""
        self.process.kill()
        self.process.join()
        self.connection.close()
        with contextlib.suppress(OSError):
            os.unlink(self.stderr)

    def death(self, memory: int) -> DataError:
        """The error to show for a worker that stopped answering.

        It was killed (by the kernel when memory ran out: nothing else kills a busy worker), a
        C library aborted on a failed allocation (Arrow does that in places instead of raising;
        what it wrote to stderr says so), or it crashed. What it wrote is logged for the admin.
        """
        self.process.join(5)
        with open(self.stderr, "rb") as handle:
            handle.seek(max(os.fstat(handle.fileno()).st_size - _STDERR_TAIL, 0))
            said = handle.read().decode("utf-8", "replace")
        _log.warning("reader process ended with %s: %s", self.process.exitcode, said.strip())
        lowered = said.lower()
        if self.process.exitcode == -signal.SIGKILL or any(w in lowered for w in _OUT_OF_MEMORY):
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

    def full(self) -> bool:
        """Whether every worker the pool may have is started (or being started)."""
        with self._changed:
            return self._started >= self._size

    def fill(self) -> None:
        """Start workers until the pool has ``size``."""
        with self._changed:
            missing = self._size - self._started
            self._started += missing
        for _ in range(missing):
            try:
                worker = _Worker()
            except OSError:  # no process now: a call starts one when it needs it
                with self._changed:
                    self._started -= 1
                    self._changed.notify()
                continue
            with self._changed:
                self._idle.append(worker)
                self._changed.notify()

    def close(self) -> None:
        """Stop the idle workers (at exit: their stderr files are removed with them)."""
        with self._changed:
            idle, self._idle = self._idle, []
            self._started -= len(idle)
        for worker in idle:
            worker.stop()

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
atexit.register(_POOL.close)


# --- in the worker ------------------------------------------------------------------------------


def _serve(connection: Connection, stderr: str) -> None:
    """Answer calls until the pipe closes or the worker has grown too large to keep.

    The worker's stderr goes to the file ``stderr``, emptied before each call, so that the
    caller can tell why the worker died during a call.
    """
    os.dup2(os.open(stderr, os.O_WRONLY | os.O_APPEND), 2)
    _limit_malloc_arenas()
    pa.set_memory_pool(pa.system_memory_pool())
    start = _address_space()
    while True:
        try:
            function, request, kwargs, budget, answer = connection.recv()
        except EOFError:
            return
        os.ftruncate(2, 0)
        outcome = _run(function, request, kwargs, None if start is None else start + budget)
        grown = 0 if start is None else (_address_space() or 0) - start
        retire = outcome[0] == "memory" or grown > _reserve() + RETIRE_GROWTH
        with open(answer, "wb") as handle:
            try:
                pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError) as error:
                handle.seek(0)
                handle.truncate()
                pickle.dump(("error", RuntimeError(f"unpicklable answer: {error}")), handle)
        connection.send(retire)
        if retire:
            return


def _run(function: Callable[..., Any], request: Any, kwargs: dict, cap: int | None) -> tuple:
    """One call with at most ``cap`` bytes of address space (no cap for ``None``):
    ``(status, value)`` with status ok, data_error (the key and parameters: a DataError does not
    pickle), memory or error."""
    import resource  # Unix only, like the fork server: imported where the worker runs

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if cap is not None:
        resource.setrlimit(
            resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard)
        )
    try:
        return "ok", function(_opened(request), **kwargs)
    except DataError as error:
        return "data_error", (error.key, error.params)
    except Exception as error:
        if out_of_memory(error, capped=cap is not None):
            return "memory", None
        error.add_note("in the reader process:\n" + traceback.format_exc())
        return "error", error
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def out_of_memory(error: BaseException, *, capped: bool) -> bool:
    """Whether ``error`` means the reader ran out of its memory: a failed allocation, a failed
    mmap of the upload (ENOMEM), or, under a cap, a thread whose stack could not be mapped
    (EAGAIN, which Arrow reports only as text: "Failed to launch worker thread: Resource
    temporarily unavailable"; Python says "can't start new thread")."""
    if isinstance(error, MemoryError) or getattr(error, "errno", None) == errno.ENOMEM:
        return True
    if not capped:
        return False
    text = str(error)
    return "Failed to launch worker thread" in text or "can't start new thread" in text


def _opened(request: Any) -> Any:
    """The source the reader gets: an upload mapped from its file (no copy), else the request."""
    if not isinstance(request, _Upload):
        return request
    with open(request.path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return RawFile(b"", request.name)
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return RawFile(memoryview(mapped), request.name)


def _limit_malloc_arenas() -> None:
    """At most :data:`MALLOC_ARENAS` glibc malloc arenas (Linux); other C libraries have none."""
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def _address_space() -> int | None:
    """Bytes of address space the process has mapped now; ``None`` without ``/proc`` (macOS),
    where the worker reads without a memory cap and only the timeout holds."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None
