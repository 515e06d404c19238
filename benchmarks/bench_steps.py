"""Step held down: the longest event-loop stall while 10,000 Step-iteration presses arrive, and how
many frames were shown for them (presses during a step are merged into one command).

Runs offscreen unless QT_QPA_PLATFORM says otherwise: `python benchmarks/bench_steps.py`.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from nnplayground.ui import MainWindow  # noqa: E402

PRESSES = 10_000


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(offer_restore=False, remember=False)
    window.ask_save_changes = lambda: "discard"
    window.resize(1366, 768)
    window.show()
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:  # the window's first paint is not a step's
        app.processEvents()
    shown = []
    window.controller.shown.connect(lambda update: shown.append(update.snapshot.iteration))
    stalls, last = [], time.perf_counter()
    for _ in range(PRESSES):
        window.step_iteration_action.trigger()
        app.processEvents()
        now = time.perf_counter()
        stalls.append(now - last)
        last = now
    while window.last_update.snapshot.iteration < PRESSES:
        app.processEvents()
    stalls.sort()
    print(f"platform {app.platformName()}: {PRESSES:,} presses, {len(shown):,} frames shown; event-loop stall "
          f"longest {stalls[-1] * 1000:.1f} ms, 99th percentile {stalls[int(0.99 * len(stalls))] * 1000:.2f} ms "
          "(target: under 50 ms)")
    window.close()


if __name__ == "__main__":
    main()
