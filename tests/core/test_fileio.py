"""Every writer is atomic: a write that fails half-way (a patched write raising after N bytes, and a
really full disk where a tmpfs can be mounted) leaves the old file byte-identical and nothing else
behind. And the reading side: only regular files, sized first, JSON without unbounded recursion."""
import errno
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from nnplayground.core import (
    Network, SaveError, Session, TrainingConfig, TrainingTable, save_session, save_weights,
)
from nnplayground.core import fileio
from nnplayground.core.fileio import (
    FileReadError, atomic_path, atomic_write, atomic_write_text, check_regular_file, parse_json, read_regular_file,
)
from nnplayground.core.onnx_export import save_onnx

from ..conftest import ROOT

pytest.importorskip("onnx")


# -- the writers, each with an old and a new (larger) content ---------------------------------------
def _table(rows: int) -> TrainingTable:
    data = np.random.default_rng(rows).normal(size=(rows, 4))
    return TrainingTable(("x1", "x2", "x3", "y"), ("input", "input", "input", "target"), data)


def _session(hidden: tuple[int, ...]) -> Session:
    table = _table(4)
    config = TrainingConfig(problem="regression", hidden=hidden, output_activation="linear")
    net = config.make_network(table)
    return Session(table.columns, table.roles, tuple(tuple(repr(v) for v in row) for row in table.data), config,
                   tuple(net.weights), tuple(net.biases), np.linspace(1, 0.1, 50))


SMALL, BIG = Network([3, 4, 1], seed=0), Network([3, 64, 64, 1], seed=1)
WRITERS = {
    "weights.npz": (lambda p: save_weights(SMALL, p), lambda p: save_weights(BIG, p)),
    "weights.json": (lambda p: save_weights(SMALL, p), lambda p: save_weights(BIG, p)),
    "net.onnx": (lambda p: save_onnx(SMALL, p), lambda p: save_onnx(BIG, p)),
    "run.nnpsession": (lambda p: save_session(p, _session((4,))), lambda p: save_session(p, _session((64, 64)))),
    "autosave.nnpsession": (lambda p: save_session(p, _session((4,)), compress=False),
                            lambda p: save_session(p, _session((64, 64)), compress=False)),
    "table.csv": (lambda p: _table(4).to_csv(p), lambda p: _table(2000).to_csv(p)),
    "predictions.csv": (lambda p: _table(4).save_predictions_csv(p, np.zeros((4, 1))),
                        lambda p: _table(2000).save_predictions_csv(p, np.ones((2000, 1)))),
}


class FailAfter:
    """A file object that writes ``limit`` bytes, then fails as a full disk would (or as ``exc``)."""

    def __init__(self, fh, limit: int, exc: BaseException):
        self._fh, self._left, self._exc = fh, limit, exc

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        if len(view) > self._left:
            self._fh.write(view[: self._left])
            self._left = 0
            raise self._exc
        self._left -= len(view)
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()


def failing_open(limit: int, exc: BaseException):
    def fake_open(path, mode="r", *args, **kwargs):
        return FailAfter(open(path, mode, *args, **kwargs), limit, exc)
    return fake_open


def new_size(tmp_path, name) -> int:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    WRITERS[name][1](scratch / name)
    size = (scratch / name).stat().st_size
    shutil.rmtree(scratch)
    return size


@pytest.mark.parametrize("name", list(WRITERS))
@pytest.mark.parametrize("fraction", [0.0, 0.001, 0.1, 0.5, 0.999])
def test_a_write_failing_half_way_leaves_the_old_file_whole(tmp_path, monkeypatch, name, fraction):
    size = new_size(tmp_path, name)
    path = tmp_path / name
    WRITERS[name][0](path)
    before = path.read_bytes()
    monkeypatch.setattr(fileio, "open", failing_open(int(size * fraction), OSError(errno.ENOSPC, "No space")),
                        raising=False)
    with pytest.raises(SaveError) as info:
        WRITERS[name][1](path)
    assert str(info.value) == f"cannot save {name}: the disk is full" and info.value.errno == errno.ENOSPC
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("name", ["weights.npz", "run.nnpsession", "table.csv"])
def test_an_interrupt_mid_write_leaves_the_old_file_whole_and_is_not_swallowed(tmp_path, monkeypatch, name):
    path = tmp_path / name
    WRITERS[name][0](path)
    before = path.read_bytes()
    monkeypatch.setattr(fileio, "open", failing_open(100, KeyboardInterrupt()), raising=False)
    with pytest.raises(KeyboardInterrupt):
        WRITERS[name][1](path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == [name]


def test_a_failing_fsync_or_rename_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    save_weights(SMALL, path)
    before = path.read_bytes()

    def fail(errno_):
        def raiser(*args):
            raise OSError(errno_, os.strerror(errno_))
        return raiser

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", fail(errno.EIO))
        with pytest.raises(SaveError, match="cannot save w.npz: the disk reported an input/output error"):
            save_weights(BIG, path)
    with monkeypatch.context() as m:
        m.setattr(os, "replace", fail(errno.EACCES))
        with pytest.raises(SaveError, match="cannot save w.npz: permission denied"):
            save_weights(BIG, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["w.npz"]


def test_save_errors_name_the_file_and_the_cause(tmp_path):
    with pytest.raises(SaveError, match="cannot save w.json: the folder does not exist"):
        save_weights(SMALL, tmp_path / "missing" / "w.json")
    (tmp_path / "taken.csv").mkdir()
    with pytest.raises(SaveError, match="cannot save taken.csv: a folder has that name"):
        _table(3).to_csv(tmp_path / "taken.csv")
    assert isinstance(SaveError(tmp_path / "x", OSError(errno.ENOSPC, "")), OSError)


def test_a_saved_file_keeps_its_permissions_and_a_link_stays_a_link(tmp_path):
    path = tmp_path / "table.csv"
    atomic_write_text(path, "old")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file the user makes
    path.chmod(0o600)
    atomic_write_text(path, "new")
    assert path.read_text() == "new" and path.stat().st_mode & 0o777 == 0o600
    link = tmp_path / "link.csv"
    link.symlink_to(path.name)
    atomic_write_text(link, "through the link")
    assert link.is_symlink() and path.read_text() == "through the link"


def test_atomic_path_replaces_only_when_the_writer_finishes(tmp_path):
    path = tmp_path / "plot.png"
    path.write_bytes(b"old picture")
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            assert tmp.parent == tmp_path and tmp.suffix == ".png"
            tmp.write_bytes(b"half a pic")
            raise RuntimeError("the exporter failed")
    assert path.read_bytes() == b"old picture" and os.listdir(tmp_path) == ["plot.png"]
    with atomic_path(path) as tmp:
        tmp.write_bytes(b"new picture")
    assert path.read_bytes() == b"new picture" and os.listdir(tmp_path) == ["plot.png"]


def test_atomic_write_passes_the_writer_a_binary_file(tmp_path):
    atomic_write(tmp_path / "a.bin", lambda fh: fh.write(b"\x00\x01"))
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"


# -- a really full disk -----------------------------------------------------------------------------
FULL_DISK = """
import errno, json, os, sys
from pathlib import Path
from nnplayground.core import SaveError
from tests.core.test_fileio import WRITERS

disk = Path(sys.argv[1])
results = {}
for name, (old, new) in WRITERS.items():
    path = disk / name
    old(path)
    before = path.read_bytes()
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:  # fill the disk, then free a little: the new file fails part-way
        try:
            while True:
                fh.write(bytes(1 << 16))
        except OSError:
            pass
    os.truncate(filler, max(filler.stat().st_size - 16384, 0))
    try:
        new(path)
        outcome = "saved"
    except SaveError as exc:
        outcome = str(exc)
    results[name] = [outcome, path.read_bytes() == before, sorted(os.listdir(disk))]
    filler.unlink()
    path.unlink()
print(json.dumps(results))
"""


def test_a_really_full_disk_leaves_every_old_file_whole(tmp_path):
    """On a 1 MiB tmpfs in a private mount namespace (root only: skipped where it cannot be mounted)."""
    if not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs root and unshare to mount a tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    shell = 'mount -t tmpfs -o size=1m tmpfs "$1" || exit 77; exec "$2" -c "$3" "$1"'
    done = subprocess.run(["unshare", "-m", "sh", "-c", shell, "sh", str(disk), sys.executable, FULL_DISK],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    if done.returncode == 77 or "unshare failed" in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert set(results) == set(WRITERS)
    for name, (outcome, unchanged, left) in results.items():
        assert outcome == f"cannot save {name}: the disk is full", name
        assert unchanged and left == sorted([name, "filler"]), name


# -- reading ----------------------------------------------------------------------------------------
def test_only_regular_files_are_read_and_a_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "w.npz"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(FileReadError, match="w.npz: it is not a regular file"):
        read_regular_file(fifo, 1000)
    assert time.perf_counter() - start < 1
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    with pytest.raises(FileReadError, match="not a regular file"):
        read_regular_file(tmp_path / "zero.json", 1000)
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(FileReadError, match="cannot read a: the path has a loop of symbolic links"):
        check_regular_file(tmp_path / "a", 1000)
    with pytest.raises(FileReadError, match="it is a folder"):
        check_regular_file(tmp_path, 1000)
    (tmp_path / "big.json").write_bytes(b" " * 5000)
    with pytest.raises(FileReadError, match="big.json is 5 KB; files up to 4 KB can be opened"):
        read_regular_file(tmp_path / "big.json", 4096)
    assert read_regular_file(tmp_path / "big.json", 5000) == b" " * 5000


@pytest.mark.parametrize("text, words", [
    ("[" * 100_000 + "]" * 100_000, "nested more than 16 levels"),
    ('{"a":' * 17 + "1" + "}" * 17, "nested more than 16 levels"),
    ("[" * 100_000, "brackets do not match"),
    ('{"a": NaN}', "NaN is not a finite number"),
    ("[-Infinity]", "-Infinity is not a finite number"),
    ("[1e400]", "the number 1e400 is too large"),
    ("[1" + "0" * 400 + "]", "the whole number 1000"),
    ("[1" + "0" * 5000 + "]", "the whole number 1000"),
    ("{not json}", "not valid JSON"),
    ('["' + 'a\\"' * 300_000, "not valid JSON"),  # escaped quotes, never closed: must not take quadratic time
])
def test_json_is_parsed_with_a_depth_limit_and_finite_numbers_only(text, words):
    start = time.perf_counter()
    with pytest.raises(FileReadError, match=words) as info:
        parse_json(text, "f.json")
    assert str(info.value).startswith("f.json") and time.perf_counter() - start < 1


def test_json_within_the_limits_parses_as_json_does():
    nested = "[" * 16 + "1" + "]" * 16
    assert parse_json(nested, "f") == json.loads(nested)
    text = json.dumps({"s": "[[[{{{\\\"", "n": [1, -2.5e-300, 9223372036854775807], "t": True})
    assert parse_json(text, "f") == json.loads(text)
