"""A save killed at any point leaves the previous version intact and openable.

Each test saves version "old" in this process, then starts a second Python process that saves
version "new" into the same workspace and is killed with SIGKILL (no clean-up code runs) at a
chosen point: while writing the tables, after the new revision is complete but before the
switch, in the middle of the switch, or right after it. The stop points are reached by
wrapping one store function in the child so that it announces itself and sleeps; a last test
kills real, unmodified saves after fixed delays.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import kundenmodell as km
from kundenmodell.store import Workspace, WorkspaceStore

ROOT = Path(__file__).resolve().parents[2]
NAME = "Absturz"

CHILD = """
import os, sys, time
import kundenmodell as km
from kundenmodell.store import Workspace, WorkspaceStore
from kundenmodell.store import atomic, workspace

home, name, stop, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = km.synth.generate(size, seed=2)

def halt(label):
    print(label, flush=True)
    time.sleep(600)

if stop == "tables":
    real = workspace.write_table
    def write_table(frame, path):
        entry = real(frame, path)
        halt("HALFWAY")
        return entry
    workspace.write_table = write_table
elif stop == "before_switch":
    workspace.write_bytes_atomically = lambda path, content: halt("HALFWAY")
elif stop == "inside_switch":
    real_replace = os.replace
    def replace(source, target):
        if str(target).endswith("CURRENT"):
            halt("HALFWAY")
        real_replace(source, target)
    atomic.os.replace = replace
elif stop == "after_switch":
    workspace.remove = lambda path: halt("HALFWAY")

print("SAVING", flush=True)
WorkspaceStore(home).save(Workspace(name, data, sections={"version": {"v": "new"}}))
print("DONE", flush=True)
"""


@pytest.fixture(scope="module")
def old_data():
    return km.synth.generate(400, seed=1)


def _save_old(home: Path, data) -> WorkspaceStore:
    store = WorkspaceStore(home)
    store.save(Workspace(NAME, data, sections={"version": {"v": "old"}}))
    return store


def _child(home: Path, stop: str, size: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), NAME, stop, str(size)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _kill_at(process: subprocess.Popen, label: str) -> None:
    for line in process.stdout:
        if line.strip() == label:
            break
    else:
        pytest.fail(f"child ended before {label}: {process.wait()}")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()


@pytest.mark.parametrize("stop", ["tables", "before_switch", "inside_switch"])
def test_a_save_killed_before_its_commit_leaves_the_old_version(tmp_path, old_data, stop):
    store = _save_old(tmp_path, old_data)
    _kill_at(_child(tmp_path, stop, 300), "HALFWAY")
    leftovers = {path.name for path in store.path(NAME).iterdir()}
    assert leftovers - {".lock", "CURRENT", "r000001"}, "the child had started writing"

    opened = store.open(NAME)
    assert opened.sections == {"version": {"v": "old"}}
    assert opened.revision == 1
    pd.testing.assert_frame_equal(opened.dataset.transactions, old_data.transactions)

    opened.sections = {"version": {"v": "after"}}
    store.save(opened)  # the killed writer's lock is gone; its debris is cleared
    assert sorted(path.name for path in store.path(NAME).iterdir()) == [
        ".lock",
        "CURRENT",
        "r000002",
    ]
    assert store.open(NAME).sections == {"version": {"v": "after"}}


def test_a_save_killed_right_after_its_commit_is_the_new_version(tmp_path, old_data):
    store = _save_old(tmp_path, old_data)
    _kill_at(_child(tmp_path, "after_switch", 300), "HALFWAY")
    opened = store.open(NAME)
    assert (opened.sections, opened.revision) == ({"version": {"v": "new"}}, 2)
    assert opened.dataset.n_customers == 300
    assert [info.name for info in store.workspaces()] == [NAME]


def test_real_saves_killed_at_any_moment_always_open_whole(tmp_path, old_data):
    store = _save_old(tmp_path, old_data)
    outcomes = []
    for delay in (0.0, 0.3, 0.8):
        process = _child(tmp_path, "none", 40_000)
        _kill_at_delay(process, delay)
        opened = store.open(NAME)
        version = opened.sections["version"]["v"]
        expected = 400 if version == "old" else 40_000
        assert opened.dataset.n_customers == expected
        assert len(opened.dataset.truth) == expected
        outcomes.append(version)
        if version == "new":
            store.save(Workspace(NAME, old_data, sections={"version": {"v": "old"}}))
    assert set(outcomes) <= {"old", "new"}


def _kill_at_delay(process: subprocess.Popen, delay: float) -> None:
    for line in process.stdout:
        if line.strip() == "SAVING":
            break
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
