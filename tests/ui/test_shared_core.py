"""While a small network runs, the window's thread and the training thread take turns on one CPU core, and both
get their CPUs back when the run ends, however it ends; a large network's run, and threads started meanwhile,
keep every core.

Read from the kernel (/proc/self/task/*/status), so these tests need Linux and more than one allowed CPU."""
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from nnplayground.core import INPUT, TARGET, TrainingConfig, TrainingTable
from nnplayground.core.cpus import ALL_CPUS, free_this_thread
from nnplayground.ui.shared_core import ENV, SharedCore

from .conftest import open_table

pytestmark = pytest.mark.skipif(len(ALL_CPUS) < 2 or not Path("/proc/self/task").is_dir(),
                                reason="needs Linux threads' CPU masks and two CPUs")
WORKER = "nnplayground-training"


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
    return set(os.sched_getaffinity(0))  # (0: the calling thread, here the window's)


def on_thread(action):
    """Run ``action`` on a thread started now and return what it returned."""
    out = []
    thread = threading.Thread(target=lambda: out.append(action()))
    thread.start()
    thread.join()
    return out[0]


@pytest.fixture
def shared_core_on(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


def test_the_worker_pins_both_threads_and_either_unpins_both(shared_core_on):
    core = SharedCore()  # made on the window's thread, as the controller makes it
    go, seen = threading.Event(), []

    def worker():  # started before any run, as the window's worker is
        go.wait()
        core.share()
        seen.append(set(os.sched_getaffinity(0)))

    thread = threading.Thread(target=worker)
    thread.start()
    go.set()
    thread.join()
    try:
        assert len(seen[0]) == 1 and main_cpus() == seen[0] == {core.cpu}  # the worker's core, for both
        assert on_thread(lambda: set(os.sched_getaffinity(0))) == seen[0]  # a thread started now inherits it
        assert on_thread(lambda: (free_this_thread(), set(os.sched_getaffinity(0)))[1] == ALL_CPUS)  # unless freed
    finally:
        core.end()  # from the window's thread: the worker's CPUs come back too
    assert main_cpus() == ALL_CPUS and core.cpu is None


def test_threads_started_during_a_run_get_every_cpu_back_at_its_end(shared_core_on):
    """A thread started by a pinned one that cannot free itself (OpenBLAS starts its own at its first large
    product, which may come during a run) inherits the core; the run's end frees it."""
    core = SharedCore()
    on_thread(core.share)  # (the worker's call; here a short-lived thread's)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # started by the pinned window thread
    thread.start()
    try:
        assert os.sched_getaffinity(thread.native_id) == {core.cpu}
        core.end()
        assert os.sched_getaffinity(thread.native_id) == ALL_CPUS
    finally:
        stop.set()
        thread.join()
        core.end()


@pytest.mark.parametrize("setting, shared", [(None, True), ("0", False)])
def test_the_environment_can_turn_it_off(monkeypatch, setting, shared):
    if setting is None:
        monkeypatch.delenv(ENV, raising=False)
    else:
        monkeypatch.setenv(ENV, setting)
    core = SharedCore()
    try:
        assert on_thread(lambda: (core.share(), core.cpu)[1] is not None) == shared
        assert (len(main_cpus()) == 1) == shared
    finally:
        core.end()
    assert main_cpus() == ALL_CPUS


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


def both_free() -> bool:
    return main_cpus() == ALL_CPUS and cpus_of(WORKER) == ALL_CPUS


@pytest.mark.parametrize("hidden, shared", [("4", True), ("256, 256", False)])
def test_a_run_shares_a_core_only_for_a_small_network(shared_core_on, window, qtbot, tmp_path, hidden, shared):
    sum_table(1000, 16).to_csv(tmp_path / "sums.csv")
    open_table(window, qtbot, tmp_path / "sums.csv")
    window.settings.hidden.setText(hidden)
    sizes = [16, *map(int, hidden.split(",")), 1]
    qtbot.waitUntil(lambda: [w.shape[1] for w in window.last_update.snapshot.weights] == sizes[1:], timeout=5000)
    run_until_running(window, qtbot)
    if shared:
        assert len(main_cpus()) == 1 and cpus_of(WORKER) == main_cpus()
    else:
        assert both_free()
    window.run_action.trigger()  # Pause
    qtbot.waitUntil(lambda: not window.running, timeout=5000)
    assert both_free()


def test_a_reset_mid_run_gives_both_threads_their_cpus_back(shared_core_on, window, qtbot):
    run_until_running(window, qtbot)
    assert len(main_cpus()) == 1
    window.settings.hidden.setText("5")  # a new network: the run on the old one ends
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.weights[0].shape[1] == 5, timeout=5000)
    assert not window.running and both_free()


def test_a_diverged_run_gives_both_threads_their_cpus_back(shared_core_on, window, qtbot):
    window.settings.activation.setCurrentText("linear")
    window.settings.output_activation.setCurrentText("linear")
    window.settings.learning_rate.setValue(50.0)
    qtbot.waitUntil(lambda: window.last_update.config.learning_rate == 50.0, timeout=3000)
    window.settings.iterations.setValue(100_000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: "diverged" in window.notice.text(), timeout=10000)
    qtbot.waitUntil(lambda: not window.running, timeout=3000)
    assert both_free()


def test_closing_the_window_mid_run_gives_the_cpus_back(shared_core_on, window, qtbot):
    run_until_running(window, qtbot)
    assert len(main_cpus()) == 1
    window.close()
    assert main_cpus() == ALL_CPUS


def test_an_error_inside_a_run_ends_it_with_a_message_and_frees_both_threads(shared_core_on, window, qtbot,
                                                                                monkeypatch, capsys):
    """A bug inside a run (here, made on purpose) ends the run and says so, rather than leave the window
    waiting for a run that never ends (and both threads on one core)."""
    from nnplayground.core import Trainer

    run = Trainer.run

    def failing(self, n, *args, **kwargs):
        if self.iteration >= 50:
            raise RuntimeError("boom")
        return run(self, min(n, 50 - self.iteration), *args, **kwargs)

    monkeypatch.setattr(Trainer, "run", failing)
    window.settings.iterations.setValue(1000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: "Training stopped by an error: RuntimeError: boom" in window.notice.text(), timeout=5000)
    qtbot.waitUntil(lambda: not window.running, timeout=3000)
    assert window.run_action.text() == "Run" and both_free()
    assert "RuntimeError: boom" in capsys.readouterr().err  # the traceback, for a bug report


def test_an_error_inside_a_step_says_so_and_the_next_step_works(window, qtbot, monkeypatch):
    """A bug inside a step (made on purpose) is reported; Step is not left waiting for an answer that never comes."""
    from nnplayground.core import Trainer

    step = Trainer.step_phase
    failing = [True]

    def once(self, *args, **kwargs):
        if failing[0]:
            failing[0] = False
            raise RuntimeError("boom")
        return step(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "step_phase", once)
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: "Stopped by an error: RuntimeError: boom" in window.notice.text(), timeout=5000)
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 1, timeout=5000)

