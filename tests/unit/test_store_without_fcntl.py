"""The package imports and the workspace store saves, reopens and locks without ``fcntl``.

Windows has no ``fcntl``. Each test runs a child Python whose ``sitecustomize`` makes
``import fcntl`` fail and puts a stand-in ``msvcrt`` in its place, with Windows' ``locking``
semantics (one exclusive lock on a byte range, ``OSError`` when taken) built on POSIX record
locks, so the Windows branch of :mod:`kundenmodell.store.filelock` runs on this machine.
"""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHIM = textwrap.dedent(
    """
    import errno, subprocess, sys, types  # subprocess takes a msvcrt module for Windows
    import fcntl as _posix

    def locking(descriptor, mode, size):
        if mode == msvcrt.LK_UNLCK:
            _posix.lockf(descriptor, _posix.LOCK_UN, size)
            return
        try:
            _posix.lockf(descriptor, _posix.LOCK_EX | _posix.LOCK_NB, size)
        except OSError:
            raise OSError(errno.EACCES, "Permission denied") from None

    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_UNLCK, msvcrt.LK_NBLCK, msvcrt.locking = 0, 2, locking
    sys.modules["fcntl"] = None
    sys.modules["msvcrt"] = msvcrt
    """
)

SAVE_AND_REOPEN = textwrap.dedent(
    """
    import sys
    try:
        import fcntl
    except ImportError:
        pass
    else:
        raise SystemExit("fcntl is still importable")
    import pandas as pd
    import kundenmodell as km
    from kundenmodell.store import Workspace, WorkspaceStore, filelock
    assert filelock.fcntl is None

    store = WorkspaceStore(sys.argv[1])
    data = km.synth.generate(300, seed=4)
    store.save(Workspace("Windows", data, sections={"page": {"k": 1}}))
    reopened = store.open("Windows")
    reopened.sections = {"page": {"k": 2}}
    store.save(reopened)
    again = store.open("Windows")
    assert again.revision == 2 and again.sections == {"page": {"k": 2}}
    pd.testing.assert_frame_equal(again.dataset.transactions, data.transactions)
    print("OK", [info.name for info in store.workspaces()])
    """
)

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kundenmodell.store.atomic import locked
    with locked(Path(sys.argv[1]) / "busy", create=True):
        print("HELD", flush=True)
        time.sleep(60)
    """
)

WAIT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kundenmodell.errors import DataError
    from kundenmodell.store import atomic
    atomic.LOCK_TIMEOUT_SECONDS = 0.3
    try:
        with atomic.locked(Path(sys.argv[1]) / "busy", shared=True):
            print("GOT")
    except DataError as error:
        print(error.key)
    """
)


def _python(tmp_path: Path, script: str, *args: str) -> tuple[list[str], dict[str, str]]:
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(SHIM)
    return [sys.executable, "-c", script, *args], {"PYTHONPATH": f"{shim}:{ROOT}"}


def _run(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess:
    command, env = _python(tmp_path, script, *args)
    return subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def test_package_imports_and_a_workspace_saves_and_reopens_without_fcntl(tmp_path):
    done = _run(tmp_path, SAVE_AND_REOPEN, str(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK ['Windows']"


def test_the_windows_lock_excludes_a_second_process_until_released(tmp_path):
    command, env = _python(tmp_path, HOLD, str(tmp_path))
    holder = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        started = time.monotonic()
        assert _run(tmp_path, WAIT, str(tmp_path)).stdout.strip() == "error.store.busy"
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert _run(tmp_path, WAIT, str(tmp_path)).stdout.strip() == "GOT"
