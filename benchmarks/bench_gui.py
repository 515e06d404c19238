"""Training through the window (live plots, heatmaps, predictions) against the headless Trainer,
for each case and each tab.

Prints iterations per second both ways and their ratio, frames per second and the UI thread's CPU
time per frame, and the longest stall of the UI event loop during the windowed run (a 20 ms timer
that should tick on time; any lateness is a stall). The machine's load average is printed: other
processes on its two cores slow both runs, unevenly.
Runs offscreen unless QT_QPA_PLATFORM says otherwise: `python benchmarks/bench_gui.py`.
Under Xvfb for real painting: `xvfb-run -a env QT_QPA_PLATFORM=xcb python benchmarks/bench_gui.py`.
NNP_TRACE=1 prints every stall over 40 ms with the iteration it happened at and how much of it the UI
thread spent busy (busy: the window's own work; idle: scheduling or the interpreter lock).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnplayground.ui import MainWindow  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import tables  # noqa: E402,F401  (frame_costs takes the cases from here too)


TABS = ("Weights", "Network", "Surface")
PROBE_MS = int(os.environ.get("NNP_PROBE_MS", "20"))  # the stall probe: a timer this often (it costs the worker too)


def headless(config, table, iterations) -> float:
    trainer = config.make_trainer(table)
    start = time.perf_counter()
    trainer.run(iterations)
    return iterations / (time.perf_counter() - start)


def prepare(app, window, table, hidden, iterations) -> None:
    """The window set up for a case (its hidden layers, a learning rate, the iterations), with the table in
    and its untrained network shown."""
    window.settings.hidden.setText(hidden)
    window.settings.learning_rate.setValue(0.01 if table.n_rows > 4 else 1.0)
    window.settings.iterations.setValue(iterations)
    window.files.adopt_table(table, None)
    wait(app, lambda: window.last_update is not None and window.last_update.snapshot.iteration == 0
         and window.last_update.table == table)


def windowed(app, window, table, hidden, iterations) -> "Round":
    prepare(app, window, table, hidden, iterations)
    # A new table's first paint (heatmaps rebuilt with new tick labels) is a one-off cost, reported on
    # its own; the run starts after it, as a user's click would.
    first_paint = settle(app)
    config = window.settings.config()
    stalls, clock, last = [], QElapsedTimer(), [0.0]
    tick = QTimer()
    tick.setInterval(PROBE_MS)

    cpu = [time.thread_time()]

    def on_tick():
        now, used = clock.nsecsElapsed() / 1e9, time.thread_time()
        stalls.append(now - last[0] - PROBE_MS / 1000)
        if os.environ.get("NNP_TRACE") and stalls[-1] > 0.04:
            iteration = window.last_update.snapshot.iteration
            print(f"  stall {stalls[-1] * 1000:.0f} ms at {now:.2f} s, iteration {iteration},"
                  f" UI thread busy {1000 * (used - cpu[0]):.0f} ms of it")
        last[0], cpu[0] = now, used

    tick.timeout.connect(on_tick)
    clock.start()
    tick.start()
    frames = [0]

    def counted(_update):
        frames[0] += 1

    window.controller.shown.connect(counted)
    start, ui_cpu = time.perf_counter(), time.thread_time()
    window.toggle_run()
    wait(app, lambda: not window.running and window.last_update.snapshot.iteration >= iterations, 600)
    elapsed, ui_cpu = time.perf_counter() - start, time.thread_time() - ui_cpu
    tick.stop()
    if os.environ.get("NNP_TRACE"):
        print(f"  run took {elapsed:.2f} s")
    window.controller.shown.disconnect(counted)
    assert window.last_update.snapshot.iteration == iterations
    return Round(config, iterations / elapsed, max(stalls or [0.0]), float(np.median(stalls or [0.0])),
                 frames[0] / elapsed, ui_cpu / max(frames[0], 1), first_paint)


@dataclass
class Round:
    config: object
    rate: float  # iterations per second through the window
    stall: float  # the most the probe ran late (s)
    late: float  # the probe's median lateness (s): how long the window typically waits for the lock
    frames_per_second: float
    ui_per_frame: float  # the UI thread's CPU time per shown frame (s), everything it did included
    first_paint: float


def settle(app, seconds=0.3) -> float:
    """Let queued events (paints) run for ``seconds``; return the longest single event-loop pass."""
    longest, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        app.processEvents()
        longest = max(longest, time.perf_counter() - start)
        time.sleep(0.005)
    return longest


def wait(app, condition, timeout=30.0):
    """Run the event loop until ``condition`` holds, checking it every 20 ms (no busy polling: a
    loop that spins here would steal the interpreter lock from the worker and spoil the figures)."""
    if condition():
        return
    loop, check = QEventLoop(), QTimer()
    end = time.perf_counter() + timeout

    def poll():
        if condition() or time.perf_counter() > end:
            loop.quit()

    check.timeout.connect(poll)
    check.start(20)
    loop.exec()
    check.stop()
    if not condition():
        raise TimeoutError("the window did not get there in time")


def pause_latency(app, window) -> float:
    """Seconds from Pause to the window showing the run stopped, half a second into a long run (timed
    when the controller says so, not by polling)."""
    window.settings.iterations.setValue(100_000_000)
    window.toggle_run()
    settle(app, 0.5)
    stopped = []

    def on_running(running):
        if not running:
            stopped.append(time.perf_counter())

    window.controller.runningChanged.connect(on_running)
    start = time.perf_counter()
    window.toggle_run()
    wait(app, lambda: not window.running, 5)
    window.controller.runningChanged.disconnect(on_running)
    return stopped[0] - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs (a smoke run)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="runs this many times longer (each lasts ~2.5-3 s; a run's one-off start, ~35 ms of"
                             " relayout and redrawing, weighs on shorter ones)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate headless and windowed runs this many times; best of each is kept "
                             "(this machine's speed drifts between runs, so one of each would compare noise)")
    parser.add_argument("--case", default="", help="only the cases whose name contains this")
    parser.add_argument("--tab", default="", help="only this tab")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval for the whole process (Python's default: 0.005 s)")
    args = parser.parse_args()
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    app = QApplication.instance() or QApplication(sys.argv)
    pg.setConfigOptions(antialias=True)  # as the app runs
    window = MainWindow(offer_restore=False, remember=False)
    window.ask_save_changes = lambda: "discard"  # a benchmark keeps nothing
    window.resize(1366, 768)
    window.show()
    wait(app, lambda: window.last_update is not None)
    load = os.getloadavg()[0]
    print(f"platform: {app.platformName()}, window {window.width()}x{window.height()}, switch interval "
          f"{sys.getswitchinterval() * 1000:g} ms, load average {load:.2f} at the start")
    print(f"{'case':24} {'tab':8} {'headless it/s':>13} {'window it/s':>12} {'ratio':>6} {'frames/s':>9}"
          f" {'UI ms/frame':>12} {'longest stall':>14} {'median late':>12} {'pause':>8}")
    for name, table, hidden, iterations in tables(args.quick):
        if args.case not in name:
            continue
        iterations = int(iterations * args.scale)
        for tab in TABS:
            if args.tab and tab != args.tab:
                continue
            window.tabs.setCurrentIndex(TABS.index(tab))
            base, best, stall, late = 0.0, None, 0.0, []
            for _ in range(args.rounds):
                r = windowed(app, window, table, hidden, iterations)
                if best is None or r.rate > best.rate:
                    best = r
                stall, late = max(stall, r.stall), late + [r.late]
                base = max(base, headless(r.config, table, iterations))
            pause = pause_latency(app, window)
            print(f"{name:24} {tab:8} {base:13,.0f} {best.rate:12,.0f} {best.rate / base:6.2f}"
                  f" {best.frames_per_second:9.1f} {best.ui_per_frame * 1000:9.2f} ms {stall * 1000:11.1f} ms"
                  f" {np.median(late) * 1000:9.1f} ms {pause * 1000:5.0f} ms", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    window.close()
    print("targets: frames/s >= 24 at ratio >= 0.85 (under Xvfb/xcb), longest stall < 50 ms, pause < 100 ms."
          " Stall: the most a UI timer (every 20 ms) ran late during a run (median late: its typical lateness);"
          " frames/s and UI ms/frame (the UI thread's CPU time per shown frame, all its work included): the run with"
          " the best ratio; pause: from Pause to the window showing the run stopped.")


if __name__ == "__main__":
    main()
