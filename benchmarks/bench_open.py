"""Opening a large CSV table in the window: how long it takes, how long the window stops answering, how
smoothly the table then scrolls, and what saving it as a session costs.

For each generated table (200,000 x 10 and 1,000,000 x 4, six significant digits) a fresh process opens
it in the window (offscreen, 1366 x 768) with ``open_table`` and prints:
- open: from the call until the table view has painted its first page;
- stalls: the longest gap of a 10 ms QTimer, past its 10 ms (the window frozen that long), while the file
  is read, and from ``adopt_table`` on over the 1.5 s after (the window taking in the new table: the
  editor, a new network, the first frame of the views);
- scroll: 100 pages down the table view, each page painted (total, and the slowest page);
- the session taken on the window's thread, as each autosave does (``current_session``), and a whole
  ``save_session``; the process's peak memory once the table is open.

Each figure is the median of ``--repeat`` runs, each in a fresh process. ``--before DIR`` measures a
checkout of the committed code too (``git worktree add DIR HEAD``) and prints both side by side with
their ratio (before / after: above 1 is better now).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CASES = {"200k x 10": (200_000, 10), "1M x 4": (1_000_000, 4), "1M x 5 labels": (1_000_000, 5)}
SPECIES = ("setosa", "versicolor", "virginica")  # the labels case's last column: text class labels
TICK_MS = 10
SETTLE_S = 1.5
PAGES = 100


def write_table(path: Path, rows: int, columns: int) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    with open(path, "w") as fh:
        fh.write(",".join([f"x{i}" for i in range(columns - 1)] + ["y"]) + "\n")
        if "labels" not in path.name:
            np.savetxt(fh, rng.random((rows, columns)), delimiter=",", fmt="%.6g")
            return
        numbers = np.char.mod("%.6g", rng.random((rows, columns - 1)))
        labels = np.array(SPECIES)[rng.integers(0, len(SPECIES), rows)]
        fh.writelines(",".join(row) + "\n" for row in np.column_stack([numbers, labels]).tolist())


def measure(path: Path, checkout: Path, scratch: Path) -> dict:
    """One open, in this process, of the window from ``checkout``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_DATA_HOME"] = str(scratch)  # nothing of a user's is read or written
    sys.path.insert(0, str(checkout))
    import nnplayground
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from nnplayground.core.session import SUFFIX
    from nnplayground.ui import MainWindow
    from nnplayground.ui.file_actions import FileActions

    adopted = []
    adopt = FileActions.adopt_table

    def timed_adopt(self, *args, **kwargs):
        adopted.append(time.perf_counter())
        return adopt(self, *args, **kwargs)

    FileActions.adopt_table = timed_adopt

    assert Path(nnplayground.__file__).is_relative_to(checkout), nnplayground.__file__
    app = QApplication([])
    window = MainWindow(offer_restore=False, remember=False, data_dir=scratch)
    window.resize(1366, 768)
    window.show()
    settle(app, 0.5)
    view = window.table_editor.view
    ticks = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    settle(app, 0.1)
    start = time.perf_counter()
    assert window.open_table(path), window.notice.text()
    view.viewport().repaint()
    opened = time.perf_counter()
    settle(app, SETTLE_S)
    timer.stop()
    taken_in = adopted[-1]
    gaps = list(zip(ticks, ticks[1:]))
    reading = [min(b, taken_in) - max(a, start) for a, b in gaps if b > start and a < taken_in]
    taking = [b - max(a, taken_in) for a, b in gaps if b > taken_in]
    assert window.document.n_rows == CASES_BY_PATH[path.name][0]
    rss = peak_rss_mb()

    bar = view.verticalScrollBar()
    bar.setValue(0)
    settle(app, 0.1)
    pages = []
    for _ in range(PAGES):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()
        view.verticalHeader().viewport().repaint()
        pages.append(time.perf_counter() - t)
    assert bar.value() > 0

    window.state.mark_changed()  # as after an edit: an autosave would take the session now
    t = time.perf_counter()
    window.files.current_session()
    taken = time.perf_counter() - t
    t = time.perf_counter()
    assert window.save_session(scratch / f"session{SUFFIX}")
    saved = time.perf_counter() - t
    window.close()
    tick = TICK_MS / 1000
    return dict(open=opened - start, stall_read=max(max(reading) - tick, 0.0),
                stall_take=max(max(taking) - tick, 0.0), scroll=sum(pages), page=max(pages), take=taken,
                save=saved, rss=rss)


CASES_BY_PATH = {f"{name.replace(' ', '')}.csv": shape for name, shape in CASES.items()}


def settle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(path: Path, checkout: Path, scratch: Path, repeat: int) -> dict:
    """The median of ``repeat`` runs of :func:`measure`, each in a fresh process (nothing warm)."""
    runs = []
    for i in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--measure", str(path), "--checkout", str(checkout),
                              "--scratch", str(scratch / str(i))], capture_output=True, text=True, timeout=600)
        if out.returncode:
            raise SystemExit(f"{checkout}: {path.name} failed:\n{out.stderr[-3000:]}")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


ROWS = [("open (s)", "open", 1), ("longest stall while reading (ms)", "stall_read", 1000),
        ("longest stall taking the table in (ms)", "stall_take", 1000), ("scroll 100 pages (s)", "scroll", 1),
        ("slowest page (ms)", "page", 1000), ("session taken on the UI thread (s)", "take", 1),
        ("save session (s)", "save", 1), ("peak memory once open (MB)", "rss", 1)]


def report(name: str, results: dict[str, dict]) -> None:
    print(f"\n{name}")
    labels = list(results)
    print(f"  {'':40}" + "".join(f"{label:>12}" for label in labels) + ("       ratio" if len(labels) == 2 else ""))
    for title, key, scale in ROWS:
        values = [results[label][key] * scale for label in labels]
        line = f"  {title:40}" + "".join(f"{v:12.3g}" for v in values)
        if len(values) == 2:
            line += f"{values[0] / values[1]:11.1f}x" if values[1] > 0 else "           -"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case, each in its own process")
    parser.add_argument("--case", default="", help="only the cases whose name contains this")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--checkout", type=Path, default=HERE, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        args.scratch.mkdir(parents=True)
        print(json.dumps(measure(args.measure, args.checkout.resolve(), args.scratch)))
        return
    checkouts = {"before": args.before.resolve()} if args.before else {}
    checkouts["after"] = HERE
    with tempfile.TemporaryDirectory(prefix="nnp-bench-open-") as tmp:
        for name, (rows, columns) in CASES.items():
            if args.case not in name:
                continue
            path = Path(tmp) / f"{name.replace(' ', '')}.csv"
            write_table(path, rows, columns)
            results = {}
            for label, checkout in checkouts.items():
                scratch = Path(tempfile.mkdtemp(dir=tmp))
                results[label] = run(path, checkout, scratch, args.repeat)
            report(f"{name}: {path.stat().st_size / 2**20:.0f} MB", results)


if __name__ == "__main__":
    main()
