"""Take the README's screenshots of the real window: run it under Xvfb,

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot.py

and it writes resources/screenshots/ at 1366x768: main-window.png (after the tutorial's 1500 iterations),
inspector-backprop.png (mid-iteration, with a weight's chain rule), diagram.png, surface-xor.png,
deep-weights.png and deep-network.png ("32, 32, 32"), sine-1d.png (one input: ŷ against x),
surface-10k.png (a 10,000-row table's surface), metrics-iris.png (iris learnt, its confusion matrix) and
health-saturated.png (the Health tab on a "32, 32, 32" sigmoid network saturated from the start).

Names given on the command line (e.g. ``metrics-iris.png``) take only those pictures.
"""
import tempfile
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QSplitter

from nnplayground.paths import EXAMPLES, RESOURCES
from nnplayground.ui import MainWindow

OUT = RESOURCES / "screenshots"


def main() -> int:
    app = QApplication(sys.argv)
    window = MainWindow(offer_restore=False, remember=False)
    window.ask_save_changes = lambda: "discard"  # a screenshot run keeps nothing
    window.resize(1366, 768)
    window.show()
    steps = []

    def then(action, wait_until=lambda: True):
        steps.append((action, wait_until))

    def done_running(n):
        return lambda: window.last_update and not window.running and window.last_update.snapshot.iteration >= n

    only = set(sys.argv[1:])

    def shot(name):
        return lambda: (not only or name in only) and window.grab().save(str(OUT / name))

    # 1. the tutorial trained: loss on a log scale, weights and gradients, predictions
    then(window.toggle_run, done_running(1500))
    then(lambda: (window.log_action.setChecked(True), window.table_editor.view.setCurrentIndex(
        window.table_model.index(1, 1))))
    then(shot("main-window.png"))
    # 2. mid-iteration: feedforward, loss and backprop stepped; the backprop section in view
    then(window.reset, lambda: window.last_update.snapshot.iteration == 0)
    for _ in range(3):
        then(window.step_phase, lambda: window.inspector.current is not None)
    then(shot("inspector-backprop.png"))
    # 3. the diagram after some training, row 2 selected, an edge's chain rule open
    then(lambda: (window.settings.iterations.setValue(300), window.table_editor.view.setCurrentIndex(
        window.table_model.index(1, 0)), window.tabs.setCurrentWidget(window.diagram)))
    then(window.toggle_run, done_running(300))
    then(lambda: window.explain("W", 0, 1, 2), lambda: window.inspector.explanation is not None)
    then(shot("diagram.png"))
    # 4. XOR learnt, its decision surface
    then(lambda: (window.tabs.setCurrentWidget(window.surface_view), window.open_table(EXAMPLES / "xor.csv"),
                  window.settings.iterations.setValue(3000)),
         lambda: window.last_update.table.columns == ("a", "b", "y"))
    then(window.toggle_run, lambda: done_running(3000)() and window.surface_view.surface is not None)
    then(shot("surface-xor.png"))
    # 5. a deep network: "32, 32, 32" on the tutorial's table, its weights and its diagram
    def deep():
        window.open_table(EXAMPLES / "article.csv")
        s = window.settings
        s.hidden.setText("32, 32, 32")
        s.activation.setCurrentText("tanh")  # the hidden layers'; the output stays sigmoid
        s.init.setCurrentText("xavier")
        s.use_bias.setChecked(True)
        s.learning_rate.setValue(0.1)
        s.iterations.setValue(500)
        window.tabs.setCurrentWidget(window.heatmaps)
    then(deep, lambda: window.last_update.snapshot.weights[0].shape == (3, 32))
    then(window.toggle_run, done_running(500))
    then(shot("deep-weights.png"))
    then(lambda: window.tabs.setCurrentWidget(window.diagram))
    then(shot("deep-network.png"))
    # 6. one input: the sine regression learnt, ŷ against x
    then(lambda: (window.tabs.setCurrentWidget(window.surface_view),
                  window.open_table(EXAMPLES / "sine_regression.csv"), window.settings.iterations.setValue(3000)),
         lambda: window.last_update.table.n_rows > 4 and window.last_update.snapshot.iteration == 0)
    then(window.toggle_run, lambda: done_running(3000)() and window.surface_view.curve is not None)
    then(shot("sine-1d.png"))
    # 7. a 10,000-row table: inside or outside a circle, its surface with the rows as small dots
    def big():
        import numpy as np

        rng = np.random.default_rng(0)
        X = rng.uniform(-1, 1, (10_000, 2))
        y = (np.hypot(X[:, 0], X[:, 1]) < 0.6).astype(float)
        path = Path(tempfile.mkdtemp()) / "circle-10k.csv"
        with open(path, "w") as fh:
            fh.write("x1,x2,inside\n")
            np.savetxt(fh, np.column_stack([X, y]), delimiter=",", fmt="%.4f")
        window.open_table(path)
        s = window.settings
        s.hidden.setText("8")
        s.activation.setCurrentText("tanh")
        s.loss.setCurrentText("mse")
        s.init.setCurrentText("xavier")
        s.learning_rate.setValue(2.0)
        s.iterations.setValue(3000)
    then(big, lambda: window.last_update.table.n_rows == 10_000
         and window.last_update.snapshot.weights[0].shape == (2, 8))
    then(window.toggle_run, lambda: done_running(3000)() and window.surface_view.surface is not None)
    then(shot("surface-10k.png"))
    # 8. iris learnt: accuracy beside the loss, the confusion matrix in the Metrics tab
    then(lambda: (window.tabs.setCurrentWidget(window.views.metrics_view), window.open_table(EXAMPLES / "iris.csv")),
         lambda: window.last_update.table.n_rows == 150 and window.last_update.snapshot.iteration == 0)
    then(window.toggle_run, done_running(1500))
    then(shot("metrics-iris.png"))
    # 9. the tutorial's table with three hidden layers of 32 sigmoid units and the tutorial's uniform [0, 1)
    # weights: saturated from the start. The Health tab given more of the height, as a reader would drag it.
    def saturated():
        window.open_table(EXAMPLES / "article.csv")
        window.settings.hidden.setText("32, 32, 32")
        window.tabs.setCurrentWidget(window.views.health_view)
        right = next(s for s in window.views.findChildren(QSplitter) if s.orientation() == Qt.Vertical)
        right.setSizes([270, right.height() - 270])
    then(saturated, lambda: window.last_update.snapshot.weights[0].shape == (3, 32))
    then(window.toggle_run, done_running(1500))
    then(shot("health-saturated.png"))
    then(window.close)

    def advance(started=False):
        """Run each step's action, wait for its condition, give the window time to paint, go on."""
        if not steps:
            return
        action, wait_until = steps[0]
        if not started:
            action()
        if wait_until():
            steps.pop(0)
            QTimer.singleShot(400, advance)
        else:
            QTimer.singleShot(50, lambda: advance(True))

    waiting = [lambda: window.last_update is not None]

    def start():
        if waiting[0]():
            advance()
        else:
            QTimer.singleShot(50, start)

    QTimer.singleShot(300, start)
    return app.exec()


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    sys.exit(main())
