"""One autosave file per window, kept where a crash cannot take it, and never mistaken for a crash's.

    store = AutosaveStore()             # the platform's data folder; AutosaveStore(folder) in tests
    store.enabled, store.reason         # False, "autosave is off: /…/autosave is not writable (…)"
    store.orphans()                     # [Orphan(path, modified)]: autosaves whose window is gone, newest first
    store.discard(orphan) -> bool       # delete one (False: another window has taken it)

    slot = store.open_slot()            # this window's own file, autosave-<pid>-<n>.nnpsession
    slot.write(lambda p: save_session(p, session, compress=False)) -> AutosaveResult
    slot.adopt(orphan) -> Path | None   # restore: the window owns it now (None: another window took it)
    slot.release(orphan)                # the restore failed: it stays an orphan, offered next time
    slot.close()                        # closed normally: deletes this window's file and what it adopted

Why a lock and not just a name: a file is an orphan when the window that wrote it is gone, and only the
operating system knows that for sure. Each window holds an exclusive ``flock`` on a companion
``autosave-<pid>-<n>.lock`` for its whole life; the kernel drops it when the process dies, however it
dies, so any process can test "is the owner alive?" by trying the lock. Where ``flock`` is missing
(Windows) or refused (some network folders), the lock file holds the owner's process id and a live
process id means a live owner (weaker: a reused pid hides an orphan until that process ends, and two
windows restoring the same orphan in the same instant could both get it).

Rules that keep work from being lost: a new window's number is taken with ``O_EXCL`` and is never one
whose file exists, so it cannot overwrite anyone's autosave; a lock file is only ever deleted by
whoever holds its lock; an adopted orphan is deleted only once the adopting window's own autosave has
been written (or the window closed normally), so a crash in between leaves it an orphan again.

Nothing here raises for a folder problem: an unusable folder turns the store off with a plain reason,
and a failing write is an ``AutosaveResult`` that says whether it is the first failure since the last
success (say it once) or a success after failures (say autosave works again).
"""
from __future__ import annotations

import errno
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.fileio import describe_os_error
from .data_dir import data_dir

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

SUFFIX = ".nnpsession"
SUBFOLDER = "autosave"
LIVENESS = ("flock", "pid")
_FILE = re.compile(r"autosave-(\d+)-(\d+)\.nnpsession")
_LOCK = re.compile(r"autosave-(\d+)-(\d+)\.lock")
_TEMP = re.compile(r"\.(autosave-\d+-\d+)\..*")  # a write in progress, or one a crash interrupted
_CLAIM_TRIES = 5  # another window may be testing the lock for a few microseconds: try again briefly
_MAX_WINDOWS = 10_000

_FOLDER_CAUSES = {errno.ENOTDIR: "a file is in the way", errno.EEXIST: "a file is in the way"}


def describe(exc: BaseException) -> str:
    """A cause a user can act on ("the disk is full"), not an errno: the words every file error uses."""
    if isinstance(exc, OSError):
        return _FOLDER_CAUSES.get(exc.errno) or describe_os_error(exc, writing=True)
    return str(exc) or type(exc).__name__


@dataclass(frozen=True)
class Orphan:
    """An autosave whose window is gone (crashed or killed): ``modified`` in seconds since the epoch."""
    path: Path
    modified: float


@dataclass(frozen=True)
class AutosaveResult:
    """What one write did. ``first_failure``: the first failure since the last success, the one to say;
    ``recovered``: a success after failures."""
    ok: bool
    error: str = ""
    first_failure: bool = False
    recovered: bool = False

    @property
    def message(self) -> str | None:
        """The status-bar line, or None when there is nothing new to say."""
        if self.first_failure:
            return f"Autosave failed ({self.error}); it keeps trying."
        if self.recovered:
            return "Autosave works again."
        return None


class AutosaveStore:
    """The autosave folder (``<data folder>/autosave``) and the orphans in it; never raises for the folder."""

    def __init__(self, folder: str | os.PathLike | None = None, *, liveness: str | None = None):
        """``folder``: the data folder (default: the platform's, see ``data_dir``). ``liveness``: "flock"
        or "pid", to test the fallback; by default flock wherever the OS has it."""
        if liveness not in (None, *LIVENESS):
            raise ValueError(f"liveness must be one of {LIVENESS}, not {liveness!r}")
        self.liveness = liveness or ("flock" if fcntl else "pid")
        if self.liveness == "flock" and fcntl is None:
            self.liveness = "pid"
        self._next = 1
        try:
            self.folder: Path | None = Path(folder if folder is not None else data_dir()) / SUBFOLDER
        except (RuntimeError, OSError, TypeError, ValueError) as exc:  # no home folder at all
            self.folder = None
            self.reason = f"autosave is off: no data folder ({describe(exc)})"
        else:
            self.reason = ""
            self.ready()

    @property
    def enabled(self) -> bool:
        return not self.reason

    def ready(self) -> bool:
        """Make and probe the folder (again, if it failed before): True when autosaves can be written."""
        if self.folder is None:
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".probe-", dir=self.folder)
            try:
                if self.liveness == "flock" and self._next == 1 and not _flock_works(fd):
                    self.liveness = "pid"  # decided before any window holds a lock, never after"
            finally:
                os.close(fd)
                os.unlink(probe)
        except (OSError, ValueError) as exc:
            self.reason = f"autosave is off: {self.folder} is not writable ({describe(exc)})"
            return False
        self.reason = ""
        return True

    def import_legacy(self) -> None:
        """Version 0.1 kept one shared autosave in Qt's app-data folder (``<data folder>/nnplayground``
        on Linux): a crash's leftover there becomes an orphan here (pid 0 is never a live window)."""
        if not self.ready():
            return
        old = self.folder.parent / "nnplayground" / "autosave.nnpsession"
        try:
            if old.is_file():
                n = 1
                while (self.folder / f"autosave-0-{n}{SUFFIX}").exists():  # never over another
                    n += 1
                os.replace(old, self.folder / f"autosave-0-{n}{SUFFIX}")
        except OSError:
            pass  # left where it was; nothing is lost

    def open_slot(self) -> AutosaveSlot:
        """This window's autosave. Call once per window, keep it for the window's life."""
        return AutosaveSlot(self)

    def orphans(self) -> list[Orphan]:
        """Autosaves nobody owns, newest first; stale lock and part files left by crashes are cleaned."""
        if not self.ready():
            return []
        try:
            names = set(os.listdir(self.folder))
        except OSError:
            return []
        found = []
        for name in names:
            if _FILE.fullmatch(name) and not self._is_live(self._lock_of(name)):
                try:
                    found.append(Orphan(self.folder / name, (self.folder / name).stat().st_mtime))
                except OSError:
                    pass  # discarded or taken meanwhile
        self._clean(names)
        return sorted(found, key=lambda o: o.modified, reverse=True)

    def discard(self, orphan: Orphan) -> bool:
        """Delete an orphan and its lock. False when it is not one (another window restored it)."""
        lock = self._claim(orphan)
        if lock is None:
            return False
        self._drop(orphan.path, lock, delete=True)
        return True

    # --- the lock files -------------------------------------------------------------------------------

    def _lock_of(self, name: str) -> Path:
        return self.folder / (name[: -len(SUFFIX)] + ".lock")

    def _new_window(self) -> tuple[Path, object]:
        """A file name nobody has used, and its lock held. Raises when the folder refuses."""
        if not self.ready():
            raise _StoreOff(self.reason)
        pid = os.getpid()
        for _ in range(_MAX_WINDOWS):
            n, self._next = self._next, self._next + 1
            path = self.folder / f"autosave-{pid}-{n}{SUFFIX}"
            lock = self._take(self._lock_of(path.name), new=True)
            if lock is None:
                continue
            if path.exists():  # an orphan from an earlier process with this pid, its lock file lost
                self._release(self._lock_of(path.name), lock, delete=True)
                continue
            return path, lock
        raise OSError(errno.EEXIST, "no free autosave name")

    def _claim(self, orphan: Orphan) -> object | None:
        """Take an orphan's lock (so no other window restores it too); None if it is not an orphan."""
        path = Path(orphan.path)
        if self.folder is None or path.parent != self.folder or not _FILE.fullmatch(path.name):
            return None  # never touch a file that is not one of ours
        for attempt in range(_CLAIM_TRIES):
            try:
                lock = self._take(self._lock_of(path.name), new=False)
            except OSError:
                return None
            if lock is not None:
                if path.exists():
                    return lock
                self._release(self._lock_of(path.name), lock, delete=True)
                return None
            time.sleep(0.01 * (attempt + 1))
        return None

    def _drop(self, path: Path, lock: object, delete: bool) -> None:
        """Let go of a file held: with ``delete``, the file, its part files, then its lock go."""
        if delete:
            for p in (path, *self._temps(path)):
                try:
                    p.unlink(missing_ok=True)
                except OSError:
                    pass
        self._release(self._lock_of(path.name), lock, delete=delete)

    def _temps(self, path: Path) -> list[Path]:
        stem = path.name[: -len(SUFFIX)]
        try:
            return [self.folder / n for n in os.listdir(self.folder)
                    if (m := _TEMP.fullmatch(n)) and m.group(1) == stem]
        except OSError:
            return []

    def _clean(self, names: set[str]) -> None:
        """Lock files whose autosave is gone and whose owner is dead; part files of dead owners."""
        for name in names:
            if (m := _LOCK.fullmatch(name)) and f"autosave-{m.group(1)}-{m.group(2)}{SUFFIX}" not in names:
                lock_path = self.folder / name
                try:
                    lock = self._take(lock_path, new=False, create=False)
                except OSError:
                    continue
                if lock is not None:
                    gone = not (self.folder / f"autosave-{m.group(1)}-{m.group(2)}{SUFFIX}").exists()
                    self._release(lock_path, lock, delete=gone)
            elif (m := _TEMP.fullmatch(name)) and not self._is_live(self.folder / f"{m.group(1)}.lock"):
                try:
                    (self.folder / name).unlink(missing_ok=True)
                except OSError:
                    pass

    def _take(self, lock_path: Path, new: bool, create: bool = True) -> object | None:
        if self.liveness == "flock":
            return _flock_take(lock_path, new, create)
        return _pid_take(lock_path, new, create)

    def _release(self, lock_path: Path, lock: object, delete: bool) -> None:
        if self.liveness == "flock":
            try:
                if delete:  # while holding it: nobody else deletes a lock file
                    lock_path.unlink(missing_ok=True)
            except OSError:
                pass
            finally:
                os.close(lock)
        else:
            try:  # a pid lock is let go of by removing it: a file without a lock file is an orphan
                lock_path.unlink(missing_ok=True)
            except OSError:
                pass

    def _lost(self, path: Path, lock: object) -> bool:
        """True when a window's lock file is no longer the one it holds (its folder was wiped)."""
        lock_path = self._lock_of(path.name)
        try:
            if self.liveness == "flock":
                a, b = os.fstat(lock), os.stat(lock_path)
                return (a.st_dev, a.st_ino) != (b.st_dev, b.st_ino)
            return _read_pid(lock_path) != os.getpid()
        except FileNotFoundError:
            return True
        except OSError:
            return False  # cannot tell now (a file in the way?): keep the name, the write will say why

    def _is_live(self, lock_path: Path) -> bool:
        try:
            if self.liveness == "flock":
                return _flock_is_live(lock_path)
            return _pid_alive(_read_pid(lock_path))
        except FileNotFoundError:
            return False
        except OSError:
            return True  # cannot tell: never offer what might be a live window's


class AutosaveSlot:
    """One window's autosave file, its lock held from creation to ``close``."""

    def __init__(self, store: AutosaveStore):
        self.store = store
        self.path: Path | None = None  # None until the folder accepts a file
        self._lock = None
        self._adopted: dict[Path, object] = {}
        self._failing = not store.enabled  # the store's reason was the one message
        self._closed = False
        try:
            self._reserve()
        except Exception:
            pass  # the first write tries again

    def write(self, writer: Callable[[Path], object]) -> AutosaveResult:
        """Write the autosave with ``writer(path)``, which must replace the file atomically (as
        ``core.session.save_session`` does, with a temporary file beside it: a crash's leftover of that
        is cleaned as an orphan's part file). Never raises: a failure is in the result, and the next
        write tries again."""
        if self._closed:
            return AutosaveResult(False, "this window's autosave is closed")
        try:
            self._reserve()
            writer(self.path)
        except Exception as exc:
            first, self._failing = not self._failing, True
            where = f" in {self.store.folder}" if isinstance(exc, OSError) else ""
            return AutosaveResult(False, describe(exc) + where, first_failure=first)
        recovered, self._failing = self._failing, False
        self.store.reason = ""  # it was written: the folder works
        for path, lock in self._adopted.items():  # this window's file now holds what they held
            self.store._drop(path, lock, delete=True)
        self._adopted.clear()
        return AutosaveResult(True, recovered=recovered)

    def adopt(self, orphan: Orphan) -> Path | None:
        """Claim an orphan to restore it: the path to open, or None when another window took it first.
        It stays (not an orphan while this window lives) until this window's next autosave is written."""
        if self._closed:
            return None
        if orphan.path in self._adopted:
            return orphan.path
        lock = self.store._claim(orphan)
        if lock is None:
            return None
        self._adopted[orphan.path] = lock
        return orphan.path

    def release(self, orphan: Orphan) -> None:
        """Give an adopted orphan back untouched (it could not be restored): offered again next time."""
        lock = self._adopted.pop(orphan.path, None)
        if lock is not None:
            self.store._drop(orphan.path, lock, delete=False)

    def close(self) -> None:
        """The window closed normally: its file and what it adopted go; other windows' files stay."""
        if self._closed:
            return
        self._closed = True
        for path, lock in self._adopted.items():
            self.store._drop(path, lock, delete=True)
        self._adopted.clear()
        if self._lock is not None:
            self.store._drop(self.path, self._lock, delete=True)
            self._lock = None

    def __enter__(self) -> AutosaveSlot:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AutosaveSlot({str(self.path or self.store.reason)!r})"

    def _reserve(self) -> None:
        if self._lock is not None and self.store._lost(self.path, self._lock):
            self.store._release(self.store._lock_of(self.path.name), self._lock, delete=False)
            self._lock = None
        if self._lock is None:
            self.path, self._lock = self.store._new_window()


class _StoreOff(Exception):
    """The folder cannot take autosaves; the message is the store's reason."""


# --- liveness by flock: the kernel releases the lock when the process dies --------------------------------

def _flock_works(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except OSError:
        return False


def _flock_take(lock_path: Path, new: bool, create: bool) -> int | None:
    flags = os.O_RDWR | (os.O_CREAT if create or new else 0) | (os.O_EXCL if new else 0)
    try:
        fd = os.open(lock_path, flags, 0o600)
    except (FileExistsError, FileNotFoundError):
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _same_file(fd, lock_path):  # not a lock file its holder deleted while we waited to open it
            return fd
    except BlockingIOError:
        pass
    except OSError:
        os.close(fd)
        raise
    os.close(fd)
    return None


def _flock_is_live(lock_path: Path) -> bool:
    fd = os.open(lock_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # shared: two windows testing do not block each other
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


# --- liveness by process id: the fallback where flock is missing ---------------------------------------

def _pid_take(lock_path: Path, new: bool, create: bool) -> bool | None:
    if not new:
        try:
            if _pid_alive(_read_pid(lock_path)):
                return None
        except FileNotFoundError:
            if not create:
                return None
            new = True
    me = f"{os.getpid()}\n".encode()
    if new:  # the pid goes in whole and only if the name is free: write aside, then link
        tmp = lock_path.with_name(f".{lock_path.name}.{os.getpid()}.new")
        tmp.write_bytes(me)
        try:
            os.link(tmp, lock_path)
        except FileExistsError:
            return None
        except OSError:  # no hard links here
            try:
                fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return None
            with os.fdopen(fd, "wb") as fh:
                fh.write(me)
        finally:
            tmp.unlink(missing_ok=True)
        return True
    tmp = lock_path.with_name(f".{lock_path.name}.{os.getpid()}.new")
    tmp.write_bytes(me)
    os.replace(tmp, lock_path)
    return True if _read_pid(lock_path) == os.getpid() else None


def _read_pid(lock_path: Path) -> int:
    text = lock_path.read_bytes()[:32].decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else 0


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
