"""What the metrics and the health samples cost the worker, against what it spends training.

Headless, on the tutorial's table and on 100,000 rows of 16 inputs with 32 hidden units: the time of one
iteration, of a health sample (taken after every slice while running), and of the metrics, notes and plot
series (at most every NUMBERS_SECONDS while running), with the share of the worker's time they take at
those rates. Then the window itself on the large table, TrainingWatch.after timed inside the worker:
its share of the run's wall-clock time; and, with --rounds, windowed runs alternately without the watch
(TrainingWatch.after answering nothing: the window as before it) and with it, best and median it/s of
each (alternating in one process: this machine's speed drifts too much between processes).
`python benchmarks/bench_watch.py [--iterations N] [--rounds R]`
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from nnplayground.app import training_watch  # noqa: E402
from nnplayground.app.training_watch import TrainingWatch  # noqa: E402
from nnplayground.core import TrainingConfig, TrainingTable  # noqa: E402
from nnplayground.core.health import HealthMonitor  # noqa: E402
from nnplayground.paths import DEFAULT_TABLE  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import sum_table  # noqa: E402

NUMBERS_SECONDS = 0.25  # as ui/frame_pacer.py (not imported: this part runs without Qt)
FRAME_SECONDS = 1 / 25  # a running slice lasts about a frame (at least one iteration), as ui/frame_pacer.FRAME_MIN


def big_table(rows: int = 100_000) -> TrainingTable:
    return sum_table(rows)


def best(f, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def headless(name: str, table: TrainingTable, hidden: int, learning_rate: float) -> None:
    trainer = TrainingConfig(hidden=(hidden,), learning_rate=learning_rate).make_trainer(table)
    watch = TrainingWatch(NUMBERS_SECONDS)
    start = best(lambda: watch.start(trainer, "uniform"), 3)
    iteration = best(lambda: trainer.run(1), 5)
    y_hat = trainer.snapshot().predictions

    def sample():  # a new iteration, then after() while running and not due: the sample alone
        trainer.iteration += 1  # (no training: only the sample is timed)
        watch.after(trainer, y_hat, running=True)

    def full():
        watch.after(trainer, y_hat, running=False)

    monitor = HealthMonitor()
    for _ in range(1100):  # the monitor full (1,024 samples, thinned): the series at their largest
        trainer.iteration += 1
        monitor.observe(trainer)
    watch.start(trainer, "uniform", monitor.samples)  # as a reopened session's samples
    per_sample, per_full = best(sample, 20), best(full, 20)
    slice_seconds = max(iteration, FRAME_SECONDS)
    share = per_sample / slice_seconds + per_full / NUMBERS_SECONDS
    print(f"{name:28} iteration {1e3 * iteration:8.3f} ms  sample {1e3 * per_sample:6.3f} ms  metrics+notes+series "
          f"{1e3 * per_full:6.3f} ms  at install {1e3 * start:6.2f} ms  -> {100 * share:.2f} % of the worker's time")


def windowed(iterations: int, rounds: int) -> None:
    from PySide6.QtWidgets import QApplication

    from nnplayground.ui import MainWindow

    spent = [0.0, 0]
    original = training_watch.TrainingWatch.after
    watching = [True]

    def timed(self, *args, **kwargs):
        if not watching[0]:
            return None, None
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += 1

    training_watch.TrainingWatch.after = timed
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(offer_restore=False, remember=False)
    window.ask_save_changes = lambda: "discard"
    window.resize(1366, 768)
    window.show()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_gui import wait  # noqa: E402

    wait(app, lambda: window.last_update is not None)
    table = big_table()

    def run(tab: str) -> float:
        window.tabs.setCurrentIndex([window.tabs.tabText(i) for i in range(window.tabs.count())].index(tab))
        window.settings.hidden.setText("32")
        window.settings.learning_rate.setValue(0.01)
        window.settings.iterations.setValue(iterations)
        window.files.adopt_table(table, None)
        wait(app, lambda: window.last_update is not None and window.last_update.table.n_rows == 100_000
             and window.last_update.snapshot.iteration == 0, 120)
        spent[:] = [0.0, 0]
        start = time.perf_counter()
        window.toggle_run()
        wait(app, lambda: not window.running and window.last_update.snapshot.iteration >= iterations, 1200)
        return time.perf_counter() - start

    for tab in ("Weights", "Metrics", "Health"):
        seconds = run(tab)
        print(f"window, 100,000 rows, {tab:8} {iterations / seconds:6.2f} it/s; TrainingWatch.after: {spent[1]} calls, "
              f"{1e3 * spent[0]:.1f} ms in all = {100 * spent[0] / seconds:.2f} % of the run", flush=True)
    rates = {False: [], True: []}
    for _ in range(rounds):
        for on in (False, True):
            watching[0] = on
            rates[on].append(iterations / run("Weights"))
    watching[0] = True
    if rounds:
        for on in (False, True):
            print(f"window, 100,000 rows, Weights tab, {'with' if on else 'without'} the watch: best "
                  f"{max(rates[on]):.2f} it/s, median {np.median(rates[on]):.2f} it/s "
                  f"({', '.join(f'{r:.2f}' for r in rates[on])})")
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=60, help="iterations of the windowed runs (0: none)")
    parser.add_argument("--rounds", type=int, default=0, help="windowed runs without and with the watch, alternately")
    args = parser.parse_args()
    headless("tutorial 4x3, 4 hidden", TrainingTable.from_csv(DEFAULT_TABLE), 4, 1.0)
    headless("100,000x16, 32 hidden", big_table(), 32, 0.01)
    if args.iterations:
        windowed(args.iterations, args.rounds)


if __name__ == "__main__":
    main()
