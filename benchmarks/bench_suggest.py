"""What the suggested settings cost on a table of a million rows, and whether working them out stalls the window.

1. Without Qt, for 1,000,000 x 5 tables (a target of distinct numbers, a 0/1 target, a target of three text
   labels): ``suggest(table)``, and ``Advisor.advise`` (the suggestion and the check of the current settings,
   what the card asks at each edit); and while ``advise`` runs on a thread, the longest gap of a loop on
   the main thread that wakes every 2 ms (how long the thread holds the interpreter lock in one go).
2. In the window (offscreen, a fresh process): the table handed over, then one target cell edited (as
   typing 0.5 does). It prints the edit's own handling on the window's thread (the document and the
   window's reaction to the edit, not the card's), the time until the card shows its answer, and the
   longest gap of a 10 ms QTimer past its 10 ms in the 1.5 s after the edit's handling; then the same with
   the card asking nothing, so the card's share of a stall is the difference.

    .venv/bin/python benchmarks/bench_suggest.py
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnplayground.app.suggestions import Advisor, Request  # noqa: E402
from nnplayground.core import TrainingConfig, TrainingTable  # noqa: E402
from nnplayground.core.suggest import suggest  # noqa: E402

ROWS = 1_000_000


def tables() -> dict[str, TrainingTable]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(ROWS, 4)) * [1, 10, 100, 0.1]
    columns, roles = ("a", "b", "c", "d", "y"), ("input",) * 4 + ("target",)
    return {
        "distinct numbers": TrainingTable(columns, roles, np.column_stack([X, X[:, 0] * 3.3])),
        "0/1": TrainingTable(columns, roles, np.column_stack([X, (X[:, 0] > 0).astype(float)])),
        "3 text labels": TrainingTable(columns, roles, np.column_stack([X, rng.integers(0, 3, ROWS)]),
                                       (None,) * 4 + (("cat", "dog", "eel"),)),
    }


def best_of(n, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def longest_gap_while(fn) -> float:
    done = threading.Event()
    thread = threading.Thread(target=lambda: (fn(), done.set()))
    thread.start()
    worst, last = 0.0, time.perf_counter()
    while not done.is_set():
        time.sleep(0.002)
        now = time.perf_counter()
        worst, last = max(worst, now - last - 0.002), now
    thread.join()
    return worst


def without_qt() -> None:
    print(f"{'target':<18} {'suggest':>9} {'advise':>9} {'longest main-thread gap':>24}")
    for name, table in tables().items():
        request = Request(table, None, suggest(table).config)
        s = best_of(3, lambda t=table: suggest(t))
        a = best_of(3, lambda r=request: Advisor().advise(r))
        gap = max(longest_gap_while(lambda r=request: Advisor().advise(r)) for _ in range(3))
        print(f"{name:<18} {s * 1000:>7.0f} ms {a * 1000:>7.0f} ms {gap * 1000:>21.0f} ms")


def in_the_window(card_on: bool) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from nnplayground.ui import MainWindow
    from nnplayground.ui.suggestion_card import Background

    if not card_on:
        Background.ask = lambda self, request: None  # the card asks nothing: the window's own stalls
    app = QApplication([])
    window = MainWindow(offer_restore=False, remember=False, data_dir=tempfile.mkdtemp())
    window.ask_save_changes = lambda: "discard"
    window.resize(1366, 768)
    window.show()
    card = window.suggestion_card

    def spin(seconds, until=lambda: False):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and not until():
            app.processEvents()
            time.sleep(0.001)

    print(f"\n{'card ' + ('on' if card_on else 'off (nothing asked)'):<26}{'edit handled':>13} {'card answers':>13} "
          f"{'longest stall in the 1.5 s after':>33}")
    for name, table in tables().items():
        window.files.adopt_table(table, None, undoable=False)
        spin(2.0)
        value = "2.5" if name != "3 text labels" else "fox"  # a number the target did not hold, a new label
        before = card.advice.request.table if card.advice is not None else None
        ticks = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
        t0 = time.perf_counter()
        window.document.set_cells([(0, table.columns.index("y"), value)])
        t1 = time.perf_counter()
        ticks.append(t1)
        timer.start()
        answered = [None]

        def answer(before=before, answered=answered) -> bool:
            """Note when the card's answer for the edited table came; whether it has."""
            if answered[0] is None and card.advice is not None and card.advice.request.table is not before:
                answered[0] = time.perf_counter()
            return answered[0] is not None

        spin(1.5, lambda: answer() and False)  # the whole 1.5 s, noting the answer on the way
        if card_on:
            spin(30, answer)
        timer.stop()
        ticks = [t for t in ticks if t <= t1 + 1.5]
        stall = max(b - a for a, b in zip(ticks, ticks[1:])) - 0.010
        shown = f"{(answered[0] - t1) * 1000:>10.0f} ms" if answered[0] else f"{'–':>13}"
        print(f"{name:<26}{(t1 - t0) * 1000:>10.0f} ms {shown} {max(stall, 0) * 1000:>30.0f} ms")
    window.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--window", action="store_true", help=argparse.SUPPRESS)  # part 2, in its own process
    parser.add_argument("--no-card", action="store_true", help=argparse.SUPPRESS)  # part 2 with the card asking nothing
    args = parser.parse_args()
    TrainingConfig()  # the core imports before any timing
    if args.window:
        in_the_window(card_on=not args.no_card)
    else:
        import subprocess

        without_qt()
        for extra in ([], ["--no-card"]):  # each in a fresh process
            subprocess.run([sys.executable, __file__, "--window", *extra], check=True)
