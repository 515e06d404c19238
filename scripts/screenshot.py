"""Take the README's screenshots of the real window: run it under Xvfb,

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot.py

and it writes resources/screenshots/: main-window.png (after the tutorial's 1500 iterations),
inspector-backprop.png (mid-iteration, with a weight's chain rule), diagram.png, surface-xor.png.
"""
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from nnplayground.paths import EXAMPLES, RESOURCES
from nnplayground.ui import MainWindow

OUT = RESOURCES / "screenshots"


def main() -> int:
    app = QApplication(sys.argv)
    window = MainWindow(offer_restore=False, remember=False)
    window.ask_save_changes = lambda: "discard"  # a screenshot run keeps nothing
    window.resize(1500, 920)
    window.show()
    steps = []

    def then(action, wait_until=lambda: True):
        steps.append((action, wait_until))

    def done_running(n):
        return lambda: window.last_update and not window.running and window.last_update.snapshot.iteration >= n

    def shot(name):
        return lambda: window.grab().save(str(OUT / name))

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
