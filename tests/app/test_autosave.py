"""Autosaves: one file per window, never overwritten or taken by another window or process, offered back
after a crash, and a folder that cannot be written turns autosave off without stopping anything."""
import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nnplayground.core.fileio import atomic_write, atomic_write_text
from nnplayground.app.autosave import AutosaveStore, Orphan

ROOT = Path(__file__).resolve().parents[2]
MODES = ["flock", "pid"]  # the lock, and the process-id fallback used where flock is missing

# A window in another process: it opens a slot, does one thing, says so, and lives until told to stop.
CHILD = """
import sys
from pathlib import Path
from nnplayground.app.autosave import AutosaveStore
store = AutosaveStore(sys.argv[1], liveness=sys.argv[2])
slot = store.open_slot()
if sys.argv[3] == "write":
    assert slot.write(lambda p: Path(p).write_text("the child's work")).ok
    print(slot.path, flush=True)
elif sys.argv[3] == "adopt":
    print(slot.adopt(store.orphans()[0]), flush=True)
elif sys.argv[3] == "orphans":
    print(len(store.orphans()), flush=True)
elif sys.argv[3] == "race":  # claim the orphan named in argv[4] when told to: the same instant as others
    from nnplayground.app.autosave import Orphan
    print("ready", flush=True)
    sys.stdin.readline()
    print(slot.adopt(Orphan(Path(sys.argv[4]), 0.0)), flush=True)
sys.stdin.read()
"""


@pytest.fixture
def children():
    """Start other processes holding autosaves; whatever the test does, none outlives it."""
    procs = []

    def start(folder, mode, action, *args):
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), mode, action, *args], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        line = proc.stdout.readline().strip()
        assert line, f"the child process failed (exit {proc.poll()})"
        return proc, line

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stdin.close()


def crash(proc):
    """SIGKILL: no cleanup runs, as in a real crash; wait so the process is really gone (not a zombie)."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def text(s):
    """A writer as the window passes one: it replaces the file atomically, as save_session does."""
    return lambda p: atomic_write_text(p, s)


# --- one file per window ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_two_windows_in_one_process_write_different_files(tmp_path, mode):
    store = AutosaveStore(tmp_path, liveness=mode)
    a, b = store.open_slot(), store.open_slot()
    assert a.write(text("A's work")).ok and b.write(text("B's work")).ok
    assert a.path != b.path
    assert a.path.read_text() == "A's work" and b.path.read_text() == "B's work"
    assert f"-{os.getpid()}-" in a.path.name and a.path.parent == tmp_path / "autosave"


@pytest.mark.parametrize("mode", MODES)
def test_a_window_closing_normally_deletes_only_its_own_file(tmp_path, mode):
    store = AutosaveStore(tmp_path, liveness=mode)
    a, b = store.open_slot(), store.open_slot()
    a.write(text("A"))
    b.write(text("B"))
    a.close()
    assert not a.path.exists()
    assert b.path.read_text() == "B"
    assert store.orphans() == []  # B is alive: its file is not a crash's
    b.close()
    assert os.listdir(store.folder) == []  # no lock file left either


@pytest.mark.parametrize("mode", MODES)
def test_rewriting_replaces_the_windows_file_in_place(tmp_path, mode):
    slot = AutosaveStore(tmp_path, liveness=mode).open_slot()
    slot.write(text("first"))
    slot.write(text("second"))
    assert slot.path.read_text() == "second"
    assert sorted(p.suffix for p in slot.path.parent.iterdir()) == [".lock", ".nnpsession"]  # no part file


def test_a_new_window_never_overwrites_an_autosave_with_its_name(tmp_path):
    """A crashed process whose pid comes back: its orphan, lock file lost, is not the new window's file."""
    folder = tmp_path / "autosave"
    folder.mkdir()
    old = folder / f"autosave-{os.getpid()}-1.nnpsession"
    old.write_text("a crash's work")
    slot = AutosaveStore(tmp_path).open_slot()
    assert slot.write(text("new work")).ok
    assert slot.path != old and old.read_text() == "a crash's work"


# --- live windows, crashes and orphans, across processes ------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_another_process_s_live_window_is_never_an_orphan_until_it_dies(tmp_path, mode, children):
    store = AutosaveStore(tmp_path, liveness=mode)
    proc, line = children(tmp_path, mode, "write")
    path = Path(line)
    assert path.read_text() == "the child's work"
    assert store.orphans() == []
    claimant = store.open_slot()
    assert claimant.adopt(Orphan(path, 0.0)) is None  # even asked directly, a live window's file is not taken
    assert not store.discard(Orphan(path, 0.0)) and path.exists()

    crash(proc)
    orphans = store.orphans()
    assert [o.path for o in orphans] == [path]
    assert orphans[0].modified == path.stat().st_mtime
    assert claimant.adopt(orphans[0]) == path and path.read_text() == "the child's work"


@pytest.mark.parametrize("mode", MODES)
def test_this_process_s_window_is_not_an_orphan_for_another_process(tmp_path, mode, children):
    slot = AutosaveStore(tmp_path, liveness=mode).open_slot()
    slot.write(text("mine"))
    _, count = children(tmp_path, mode, "orphans")
    assert count == "0"
    assert slot.path.read_text() == "mine"


@pytest.mark.parametrize("mode", MODES)
def test_orphans_are_listed_newest_first(tmp_path, mode, children):
    store = AutosaveStore(tmp_path, liveness=mode)
    paths = []
    for age in (300, 100, 200):  # seconds ago
        proc, line = children(tmp_path, mode, "write")
        crash(proc)
        os.utime(line, (os.path.getmtime(line) - age,) * 2)
        paths.append(Path(line))
    assert [o.path for o in store.orphans()] == [paths[1], paths[2], paths[0]]


def test_restoring_claims_the_orphan_so_no_other_window_restores_it(tmp_path, children):
    store = AutosaveStore(tmp_path)
    proc, line = children(tmp_path, "flock", "write")
    crash(proc)
    orphan, = store.orphans()
    first, second = store.open_slot(), AutosaveStore(tmp_path).open_slot()
    assert first.adopt(orphan) == orphan.path
    assert second.adopt(orphan) is None
    assert not store.discard(orphan) and orphan.path.exists()
    assert AutosaveStore(tmp_path).orphans() == []  # a window starting now is not offered it either


@pytest.mark.parametrize("mode", MODES)
def test_another_process_claiming_an_orphan_takes_it_exclusively(tmp_path, mode, children):
    store = AutosaveStore(tmp_path, liveness=mode)
    proc, line = children(tmp_path, mode, "write")
    crash(proc)
    orphan, = store.orphans()
    claimer, adopted = children(tmp_path, mode, "adopt")
    assert Path(adopted) == orphan.path
    assert store.orphans() == [] and store.open_slot().adopt(orphan) is None
    crash(claimer)  # it crashed before its own autosave: the work is an orphan again, not lost
    assert [o.path for o in store.orphans()] == [orphan.path]
    assert orphan.path.read_text() == "the child's work"


def test_windows_racing_to_restore_one_orphan_get_it_once(tmp_path, children):
    proc, line = children(tmp_path, "flock", "write")
    crash(proc)
    racers = [children(tmp_path, "flock", "race", line)[0] for _ in range(8)]
    for racer in racers:
        racer.stdin.write("go\n")
        racer.stdin.flush()
    answers = [racer.stdout.readline().strip() for racer in racers]
    assert sorted(answers) == sorted(["None"] * 7 + [line])
    assert AutosaveStore(tmp_path).orphans() == []


@pytest.mark.parametrize("mode", MODES)
def test_a_restored_orphan_goes_once_the_window_has_autosaved_it(tmp_path, mode, children):
    store = AutosaveStore(tmp_path, liveness=mode)
    proc, _ = children(tmp_path, mode, "write")
    crash(proc)
    orphan, = store.orphans()
    slot = store.open_slot()
    restored = Path(slot.adopt(orphan)).read_text()
    assert orphan.path.exists()  # until the window's own copy exists, the orphan is the only copy
    assert slot.write(text(restored)).ok
    assert not orphan.path.exists() and slot.path.read_text() == "the child's work"
    assert sorted(os.listdir(store.folder)) == sorted([slot.path.name, slot.path.stem + ".lock"])


@pytest.mark.parametrize("mode", MODES)
def test_a_restore_that_fails_gives_the_orphan_back(tmp_path, mode, children):
    store = AutosaveStore(tmp_path, liveness=mode)
    proc, _ = children(tmp_path, mode, "write")
    crash(proc)
    orphan, = store.orphans()
    slot = store.open_slot()
    assert slot.adopt(orphan)
    slot.release(orphan)
    assert [o.path for o in store.orphans()] == [orphan.path]
    slot.close()  # closing normally does not delete what was given back
    assert orphan.path.read_text() == "the child's work"


@pytest.mark.parametrize("mode", MODES)
def test_closing_a_window_deletes_the_orphan_it_restored(tmp_path, mode, children):
    """The user saved the restored work to a file, or chose to throw it away: nothing to offer again."""
    store = AutosaveStore(tmp_path, liveness=mode)
    proc, _ = children(tmp_path, mode, "write")
    crash(proc)
    orphan, = store.orphans()
    slot = store.open_slot()
    slot.adopt(orphan)
    slot.close()
    assert os.listdir(store.folder) == []


@pytest.mark.parametrize("mode", MODES)
def test_discarding_an_orphan_deletes_it_and_its_lock(tmp_path, mode, children):
    store = AutosaveStore(tmp_path, liveness=mode)
    proc, _ = children(tmp_path, mode, "write")
    crash(proc)
    orphan, = store.orphans()
    assert store.discard(orphan)
    assert os.listdir(store.folder) == [] and store.orphans() == []


def test_discard_touches_only_autosaves(tmp_path):
    store = AutosaveStore(tmp_path)
    precious = tmp_path / "my-session.nnpsession"
    precious.write_text("user's file")
    assert not store.discard(Orphan(precious, 0.0)) and not store.open_slot().adopt(Orphan(precious, 0.0))
    assert precious.read_text() == "user's file"


@pytest.mark.parametrize("mode", MODES)
def test_stale_lock_and_part_files_from_crashes_are_cleaned(tmp_path, mode, children):
    store = AutosaveStore(tmp_path, liveness=mode)
    waiting = store.open_slot()  # alive, nothing written yet: its lock must stay
    proc, line = children(tmp_path, mode, "write")
    crashed = Path(line)
    crash(proc)
    store.discard(store.orphans()[0])
    dead = 999_999_999 if mode == "pid" else 7
    (store.folder / f"autosave-{dead}-1.lock").write_text(f"{dead}\n")  # a lock whose autosave is gone
    (store.folder / f".{crashed.stem}.part.nnpsession").write_text("half")  # a write a crash cut short
    (store.folder / "notes.txt").write_text("not ours")
    assert store.orphans() == []
    assert sorted(os.listdir(store.folder)) == sorted(["notes.txt", waiting.path.stem + ".lock"])
    assert waiting.write(text("still mine")).ok


# --- failures are said once, recovery too -----------------------------------------------------------------

def failing(err):
    def half_then_fail(fh):
        fh.write(b"half a fi")
        raise OSError(err, os.strerror(err))
    return lambda path: atomic_write(path, half_then_fail)


def test_a_failing_autosave_is_said_once_and_its_recovery_too(tmp_path):
    slot = AutosaveStore(tmp_path).open_slot()
    assert slot.write(text("good")).ok
    first, again = slot.write(failing(errno.ENOSPC)), slot.write(failing(errno.ENOSPC))
    assert not first.ok and first.first_failure and "the disk is full" in first.error
    assert first.message.startswith("Autosave failed (the disk is full")
    assert not again.ok and not again.first_failure and again.message is None
    assert slot.path.read_text() == "good"  # the last good autosave is intact, no part file left
    assert sorted(p.suffix for p in slot.path.parent.iterdir()) == [".lock", ".nnpsession"]
    back, quiet = slot.write(text("newer")), slot.write(text("newest"))
    assert back.ok and back.recovered and back.message == "Autosave works again."
    assert quiet.ok and not quiet.recovered and quiet.message is None
    third = slot.write(lambda p: (_ for _ in ()).throw(ValueError("the session has no weights")))
    assert third.first_failure and third.error == "the session has no weights"


def test_an_autosave_folder_that_becomes_a_file_fails_then_works_again(tmp_path):
    slot = AutosaveStore(tmp_path).open_slot()
    assert slot.write(text("one")).ok
    folder = slot.path.parent
    folder.rename(tmp_path / "moved")
    folder.write_text("in the way")
    result = slot.write(text("two"))
    assert not result.ok and result.first_failure and "a file is in the way" in result.error
    folder.unlink()
    (tmp_path / "moved").rename(folder)
    assert slot.write(text("three")).recovered and slot.path.read_text() == "three"
    assert AutosaveStore(tmp_path).orphans() == []  # the same file all along: nothing left for a restart


@pytest.mark.parametrize("mode", MODES)
def test_a_wiped_autosave_folder_is_made_again_at_the_next_write(tmp_path, mode):
    store = AutosaveStore(tmp_path, liveness=mode)
    slot = store.open_slot()
    assert slot.write(text("one")).ok
    shutil.rmtree(store.folder)
    result = slot.write(text("two"))
    assert result.ok and not result.recovered and slot.path.read_text() == "two"
    assert store.orphans() == []


# --- a data folder that cannot be written ----------------------------------------------------------------------

@pytest.fixture
def full_disk(tmp_path):
    """A 64 KiB tmpfs, where the machine lets us mount one (root in a container that allows it)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.name != "posix" or os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    subprocess.run(["umount", "--lazy", str(mnt)], check=True)


def test_a_really_full_disk_keeps_the_last_autosave_and_says_so_once(full_disk):
    slot = AutosaveStore(full_disk).open_slot()
    assert slot.write(lambda p: atomic_write(p, lambda fh: fh.write(b"a" * 1000))).ok
    big = [slot.write(lambda p: atomic_write(p, lambda fh: fh.write(b"b" * 200_000))) for _ in range(2)]
    assert [r.first_failure for r in big] == [True, False] and "the disk is full" in big[0].error
    assert slot.path.read_bytes() == b"a" * 1000 and len(os.listdir(slot.path.parent)) == 2  # no part file
    assert slot.write(lambda p: atomic_write(p, lambda fh: fh.write(b"c" * 1000))).recovered
    slot.close()


def test_a_data_folder_under_a_file_turns_autosave_off_with_a_reason(tmp_path):
    (tmp_path / "file").write_text("")
    store = AutosaveStore(tmp_path / "file" / "sub")
    assert not store.enabled
    assert store.reason == f"autosave is off: {tmp_path / 'file' / 'sub' / 'autosave'} is not writable " \
                           "(a file is in the way)"
    assert store.orphans() == []
    slot = store.open_slot()
    result = slot.write(text("work"))
    assert not result.ok and not result.first_failure  # the reason was already said: once
    assert "autosave is off" in result.error
    slot.adopt(Orphan(tmp_path / "file", 0.0))
    slot.close()
    assert (tmp_path / "file").read_text() == ""


def test_autosave_comes_back_when_the_folder_is_fixed(tmp_path):
    (tmp_path / "data").write_text("")
    store = AutosaveStore(tmp_path / "data")
    slot = store.open_slot()
    assert not slot.write(text("work")).ok
    (tmp_path / "data").unlink()
    result = slot.write(text("work"))
    assert result.ok and result.recovered and store.enabled and slot.path.read_text() == "work"
    assert result.message == "Autosave works again."


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_data_folder_turns_autosave_off(tmp_path):
    data = tmp_path / "share"
    data.mkdir(mode=0o500)
    try:
        store = AutosaveStore(data)
        assert store.reason == f"autosave is off: {data / 'autosave'} is not writable (permission denied)"
        assert not store.open_slot().write(text("work")).ok
    finally:
        data.chmod(0o700)


def test_the_default_folder_follows_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    store = AutosaveStore()
    assert store.folder == tmp_path / "nnplayground" / "autosave" and store.enabled
    assert store.open_slot().write(text("work")).ok


def test_the_shared_autosave_of_version_0_1_is_offered_like_any_orphan(tmp_path):
    old = tmp_path / "nnplayground" / "autosave.nnpsession"
    old.parent.mkdir()
    old.write_text("last session before the upgrade")
    store = AutosaveStore(tmp_path)
    store.import_legacy()
    (orphan,) = store.orphans()
    assert orphan.path.read_text() == "last session before the upgrade" and not old.exists()
