"""While a small network runs, the window's thread and the training thread take turns on one CPU core, and both
get their CPUs back when the run ends; a large network's run, and the threads started meanwhile, keep every core.

Read from the kernel (/proc/self/task/*/status), so these tests need Linux and more than one allowed CPU."""
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from nnplayground.core import INPUT, TARGET, TrainingConfig, TrainingTable
from nnplayground.ui.shared_core import ENV, SharedCore, free_this_thread

from .conftest import open_table

ALL = set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else set()
pytestmark = pytest.mark.skipif(len(ALL) < 2 or not Path("/proc/self/task").is_dir(),
                                reason="needs Linux threads' CPU masks and two CPUs")


def cpus_of(name: str) -> set[int]:
    """The CPUs the thread called ``name`` may run on (the kernel keeps 15 characters of a name)."""
    for task in Path("/proc/self/task").iterdir():
        if (task / "comm").read_text().strip() == name[:15]:
            for line in (task / "status").read_text().splitlines():
                if line.startswith("Cpus_allowed_list:"):
                    return _cpu_list(line.split(":", 1)[1].strip())
    raise LookupError(name)


def _cpu_list(text: str) -> set[int]:
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def main_cpus() -> set[int]:
    return set(os.sched_getaffinity(0))  # (0: the calling thread, here the main one)


def on_thread(action):
    """Run ``action`` on a new thread and return what it returned."""
    out = []
    thread = threading.Thread(target=lambda: out.append(action()))
    thread.start()
    thread.join()
    return out[0]


def test_both_threads_take_one_core_and_get_their_cpus_back():
    core = SharedCore()
    shared, seen = threading.Event(), []

    def worker():  # started before the run, as the window's worker is
        shared.wait()
        core.join()
        seen.append(set(os.sched_getaffinity(0)))
        core.leave()
        seen.append(set(os.sched_getaffinity(0)))

    thread = threading.Thread(target=worker)
    thread.start()
    core.share()
    try:
        assert len(main_cpus()) == 1 and core.cpu in main_cpus()
        shared.set()
        thread.join()
        assert seen == [main_cpus(), ALL]  # the window's core, then every CPU again
        assert on_thread(lambda: set(os.sched_getaffinity(0))) == main_cpus()  # a thread started now: pinned
        assert on_thread(lambda: (free_this_thread(), set(os.sched_getaffinity(0)))[1]) == ALL  # unless freed
    finally:
        core.leave()
    assert main_cpus() == ALL and core.cpu is None
    assert on_thread(lambda: (core.join(), set(os.sched_getaffinity(0)))[1]) == ALL  # nothing shared: no pin


def test_the_environment_can_turn_it_off(monkeypatch):
    monkeypatch.setenv(ENV, "0")
    core = SharedCore()
    core.share()
    assert main_cpus() == ALL and core.cpu is None


def sum_table(rows: int, inputs: int) -> TrainingTable:
    X = np.random.default_rng(0).random((rows, inputs))
    data = np.column_stack([X, (X.sum(1) > inputs / 2).astype(float)])
    return TrainingTable(tuple(f"x{i}" for i in range(inputs)) + ("y",), (INPUT,) * inputs + (TARGET,), data)


def test_trainer_light_is_a_small_iteration():
    assert TrainingConfig(hidden=(4,)).make_trainer(sum_table(4, 3)).light  # the tutorial's
    assert TrainingConfig(hidden=(32,)).make_trainer(sum_table(1000, 16)).light  # 544,000 multiply-adds
    assert not TrainingConfig(hidden=(256, 256)).make_trainer(sum_table(1000, 16)).light  # 70 million


def run_until_running(window, qtbot):
    window.settings.iterations.setValue(100_000_000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.running and window.last_update.running
                    and window.last_update.snapshot.iteration > 0, timeout=5000)


@pytest.mark.parametrize("hidden, shared", [("4", True), ("256, 256", False)])
def test_a_run_shares_a_core_only_for_a_small_network(window, qtbot, tmp_path, hidden, shared):
    sum_table(1000, 16).to_csv(tmp_path / "sums.csv")
    open_table(window, qtbot, tmp_path / "sums.csv")
    window.settings.hidden.setText(hidden)
    sizes = [16, *map(int, hidden.split(",")), 1]
    qtbot.waitUntil(lambda: [w.shape[1] for w in window.last_update.snapshot.weights] == sizes[1:], timeout=5000)
    run_until_running(window, qtbot)
    worker = cpus_of("nnplayground-training")
    if shared:
        assert len(main_cpus()) == 1 and worker == main_cpus()
    else:
        assert main_cpus() == ALL and worker == ALL
    window.run_action.trigger()  # Pause
    qtbot.waitUntil(lambda: not window.running, timeout=5000)
    assert main_cpus() == ALL and cpus_of("nnplayground-training") == ALL


def test_closing_the_window_mid_run_gives_the_cpus_back(window, qtbot):
    run_until_running(window, qtbot)
    assert len(main_cpus()) == 1
    window.close()
    assert main_cpus() == ALL
