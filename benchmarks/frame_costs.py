"""Where a running frame's time goes, by view: the UI thread's CPU time per shown frame, split into
handling the update (loss plot, tab, predictions, status bar…) and painting each part of the window,
and the wall time the worker waits for each frame (from the frame's start to its release).

`xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb python benchmarks/frame_costs.py`
(offscreen unless QT_QPA_PLATFORM says otherwise). The measuring itself costs a little (every event
passes through a Python notify()), so compare its figures with each other, not with bench_gui's.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from bench_gui import TABS, prepare, settle, tables, wait  # noqa: E402

MAIN_THREAD = threading.get_ident()
DETAIL = bool(os.environ.get("NNP_DETAIL"))  # paints by widget class too
cost = defaultdict(float)  # label -> UI thread CPU seconds
frame_cpu: list[tuple[float, float]] = []  # each shown frame's cost as the pacer counts it, and the interval it set
counts = defaultdict(int)  # label -> how many times
timeline: list[dict] = []  # the costs so far at each frame's end
worker = defaultdict(float)  # label -> the worker's wall (or CPU) seconds


class ProfilingApp(QApplication):
    """Attributes the UI thread's time in paint events to the view painted (exclusive of nested paints)."""

    views: dict = {}

    def __init__(self, argv):
        super().__init__(argv)
        self._stack = []  # [label, start, child time]

    def label(self, receiver) -> str:
        w = receiver
        while w is not None:
            name = self.views.get(id(w))
            if name:
                return name
            w = w.parent() if isinstance(w, QWidget) else None
        return type(receiver).__name__

    def notify(self, receiver, event):
        if threading.get_ident() != MAIN_THREAD:  # the worker's own events (its slices) are not the window's
            return super().notify(receiver, event)
        kind = event.type()
        if kind == QEvent.Paint:
            label = "paint " + self.label(receiver)
            if DETAIL:
                label += f" ({type(receiver).__name__} {receiver.objectName()})"
        elif kind == QEvent.UpdateRequest:
            label = "repaint (rest: flush, layout)"
        elif kind in (QEvent.LayoutRequest,):
            label = "layout"
        elif not self._stack:
            label = f"other events ({QEvent.Type(kind).name})"
        else:
            return super().notify(receiver, event)
        start = time.thread_time()
        self._stack.append([label, start, 0.0])
        try:
            return super().notify(receiver, event)
        finally:
            label, start, child = self._stack.pop()
            spent = time.thread_time() - start
            cost[label] += spent - child
            counts[label] += 1
            if self._stack:
                self._stack[-1][2] += spent


def timed(cls, name, label):
    original = getattr(cls, name)

    def wrapper(*args, **kwargs):
        app = QApplication.instance()
        start = time.thread_time()
        stack = app._stack
        stack.append([label, start, 0.0])
        try:
            return original(*args, **kwargs)
        finally:
            label_, start, child = stack.pop()
            spent = time.thread_time() - start
            cost[label_] += spent - child
            counts[label_] += 1
            if stack:
                stack[-1][2] += spent

    setattr(cls, name, wrapper)


gc_pauses: list[tuple[int, float, bool]] = []  # (generation, seconds, on the UI thread)
_gc_start = [0.0]


def _on_gc(phase, info):
    if phase == "start":
        _gc_start[0] = time.perf_counter()
    else:
        gc_pauses.append((info["generation"], time.perf_counter() - _gc_start[0], threading.get_ident() == MAIN_THREAD))


def instrument():
    gc.callbacks.append(_on_gc)
    from nnplayground.ui import frame_pacer, loss_plot, main_window, predictions_model, status_line, views_panel
    from nnplayground.ui.worker import TrainingWorker

    timed(loss_plot.LossPlot, "refresh", "update: loss plot")
    timed(views_panel.TrainingViews, "_show_tab", "update: tab")
    timed(predictions_model.PredictionsModel, "set_values", "update: predictions")
    timed(status_line.StatusLine, "show_update", "update: status bar")
    timed(main_window.MainWindow, "_on_received", "update: title, autosave")
    timed(main_window.MainWindow, "_on_shown", "update: rest of show")

    from nnplayground.core import Trainer

    def worker_timed(cls, name, label):
        original = getattr(cls, name)

        def wrapper(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                worker[label] += time.perf_counter() - wall
                worker[label + " (CPU)"] += time.thread_time() - cpu

        setattr(cls, name, wrapper)

    worker_timed(Trainer, "run", "train")
    worker_timed(TrainingWorker, "_emit", "snapshot and send")
    worker_timed(TrainingWorker, "_current_surface", "of which the surface")

    class TimedEvent(threading.Event):
        def wait(self, timeout=None):
            start = time.perf_counter()
            try:
                return super().wait(timeout)
            finally:
                worker["parked"] += time.perf_counter() - start

    original_init = TrainingWorker.__init__

    def init(self, *a, **k):
        original_init(self, *a, **k)
        self._frame_shown = TimedEvent()
        self._frame_shown.set()

    TrainingWorker.__init__ = init
    original_done = frame_pacer.FrameBudget.frame_done

    def frame_done(self):
        before = self._marks[1]
        original_done(self)
        frame_cpu.append((self._marks[1] - before, self.interval))
        timeline.append(dict(cost))

    frame_pacer.FrameBudget.frame_done = frame_done


def xvfb_cpu() -> float:
    """CPU seconds the X server of our display has used (0 if there is none: offscreen)."""
    display = os.environ.get("DISPLAY", "")
    if not display:
        return 0.0
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
            if args[0].endswith(b"Xvfb") and display.encode() in args:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return 0.0


def run(app, window, table, hidden, iterations):
    prepare(app, window, table, hidden, iterations)
    settle(app)
    frames = [0]

    def counted(_update):
        frames[0] += 1

    window.controller.shown.connect(counted)
    cost.clear()
    counts.clear()
    worker.clear()
    frame_cpu.clear()
    timeline.clear()
    gc_pauses.clear()
    cpu, start, server = time.thread_time(), time.perf_counter(), xvfb_cpu()
    window.toggle_run()
    wait(app, lambda: not window.running and window.last_update.snapshot.iteration >= iterations, 600)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - start
    worker["X server (CPU)"] = xvfb_cpu() - server
    window.controller.shown.disconnect(counted)
    return frames[0], cpu, wall, iterations


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="bench_gui's shorter runs")
    parser.add_argument("--profile", type=int, default=0, help="also print the UI thread's N costliest functions")
    parser.add_argument("--timeline", type=int, default=0, help="print the first N frames' costs one by one")
    parser.add_argument("--scale", type=float, default=1.0, help="runs this many times bench_gui's length")
    parser.add_argument("--case", default="", help="only cases whose name contains this")
    parser.add_argument("--tab", default="", help="only this tab")
    args = parser.parse_args()
    instrument()
    app = ProfilingApp(sys.argv)
    pg.setConfigOptions(antialias=True)
    from nnplayground.ui import MainWindow

    window = MainWindow(offer_restore=False, remember=False)
    window.ask_save_changes = lambda: "discard"
    window.resize(1366, 768)
    window.show()
    ProfilingApp.views = {id(w): n for n, w in (
        ("loss plot", window.loss_plot), ("heatmaps", window.heatmaps), ("diagram", window.diagram),
        ("surface", window.surface_view), ("predictions", window.views.predictions),
        ("status bar", window.statusBar()), ("toolbar", window.phase_strip.parent()),
        ("inspector", window.inspector), ("table", window.table_editor), ("settings", window.settings),
        ("tab bar", window.tabs.tabBar()), ("views", window.views))}
    wait(app, lambda: window.last_update is not None)
    print(f"platform: {app.platformName()}, window {window.width()}x{window.height()}")
    for name, table, hidden, iterations in tables(args.quick):
        if args.case not in name:
            continue
        for tab in TABS:
            if args.tab and tab != args.tab:
                continue
            window.tabs.setCurrentIndex(TABS.index(tab))
            profile = cProfile.Profile() if args.profile else None
            if profile:
                profile.enable()
            frames, cpu, wall, iterations = run(app, window, table, hidden, int(iterations * args.scale))
            if profile:
                profile.disable()
                pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)
            n = max(frames, 1)
            print(f"\n{name} / {tab}: {frames / wall:.1f} frames/s, {iterations / wall:,.0f} it/s, UI thread "
                  f"{1000 * cpu / n:.2f} ms CPU per frame ({100 * cpu / wall:.0f}% of the time)")
            print("  worker per frame: " + ", ".join(f"{label} {1000 * seconds / n:.2f} ms"
                                                     for label, seconds in worker.items())
                  + f"; of the run's time: training {100 * worker['train'] / wall:.0f}%,"
                    f" parked {100 * worker['parked'] / wall:.0f}%")
            for generation in range(3):
                pauses = [p for g, p, _ in gc_pauses if g == generation]
                if pauses:
                    on_ui = sum(ui for g, _, ui in gc_pauses if g == generation)
                    print(f"  garbage collections of generation {generation}: {len(pauses)} (UI thread {on_ui}),"
                          f" {1000 * sum(pauses):.1f} ms in all, longest {1000 * max(pauses):.1f} ms")
            costs = sorted(c for c, _ in frame_cpu[1:])
            print("  the pacer's frame costs: first " + ", ".join(f"{1000 * c:.1f}" for c, _ in frame_cpu[:6])
                  + f" ms (intervals {', '.join(f'{1000 * i:.0f}' for _, i in frame_cpu[:6])} ms);"
                  + (f" median of the rest {1000 * costs[len(costs) // 2]:.2f} ms" if costs else ""))
            previous: dict = {}
            for k, totals in enumerate(timeline[: args.timeline]):
                spent = {label: totals[label] - previous.get(label, 0.0) for label in totals}
                previous = totals
                print(f"  frame {k + 1}: " + ", ".join(f"{label} {1000 * t:.1f}" for label, t in
                                                     sorted(spent.items(), key=lambda kv: -kv[1]) if t >= 0.0003))
            for label, seconds in sorted(cost.items(), key=lambda kv: -kv[1]):
                if seconds / n >= 0.00005:
                    print(f"  {label:34} {1000 * seconds / n:6.2f} ms  ({counts[label] / n:.2f} per frame)")
    window.close()


if __name__ == "__main__":
    main()
