"""Take the README's screenshots of the real window: run it under Xvfb,

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot.py

and it writes resources/screenshots/ at 1366x768: main-window.png (after the tutorial's 1500 iterations),
inspector-backprop.png (mid-iteration, with a weight's chain rule), diagram.png, surface-xor.png,
deep-weights.png and deep-network.png ("32, 32, 32"), sine-1d.png (one input: ŷ against x),
surface-10k.png (a 10,000-row table's surface), suggestions.png (iris.csv opened: its suggested settings
and their reasons, the problem detected), inspector-adam.png (the update phase of Adam on iris, its
state before and after), metrics-iris.png (iris learnt with a fifth of its rows kept for validation: the
training rows' confusion matrix and the validation rows'), health-saturated.png (the Health tab on a
"32, 32, 32" sigmoid network saturated from the start), spiral.png (a generated spiral
learnt), drawn.png (points drawn into two Gaussian clouds) and validation-spiral.png (a noisy spiral learnt
by Adam in mini-batches, its validation loss apart from the training loss, stopped early). Names given after
the script's name: only those are written (and of the sections that stand alone, such as the last five, only
those that write one are run).
"""
import tempfile
import sys
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QSplitter

from nnplayground.core.presets import PRESETS
from nnplayground.paths import EXAMPLES, RESOURCES
from nnplayground.ui import MainWindow
from nnplayground.ui.draw_tool import pixel_map
from nnplayground.ui.views_panel import share_width

OUT = RESOURCES / "screenshots"
ONLY = set(sys.argv[1:])  # the screenshots to write (all when none is named)


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

    def shot(name):
        return lambda: (not ONLY or name in ONLY) and window.grab().save(str(OUT / name))

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
    # 2b. Adam on iris (scaled inputs, batches of 30), its second update: the state before and after (then the
    # tutorial's table again)
    def adam():
        window.open_table(EXAMPLES / "iris.csv")
        config = replace(PRESETS["iris.csv"], hidden=(4,), optimizer="adam", learning_rate=0.05, batch_size=30)
        table = window.training_table()
        window.install(config.make_trainer(table), config, table)
    then(adam, lambda: window.last_update.config.optimizer == "adam" and window.last_update.snapshot.iteration == 0)
    for n in (1, 2):
        then(window.step_iteration, lambda n=n: window.last_update.snapshot.iteration == n
             and window.inspector.current == "update")
    then(lambda: window.inspector.verticalScrollBar().setValue(window.inspector.sections["update"].y()))
    then(shot("inspector-adam.png"))
    then(lambda: window.open_table(EXAMPLES / "article.csv"),
         lambda: window.last_update.table.n_rows == 4 and window.last_update.snapshot.iteration == 0)
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
    # 8. iris.csv: three text labels, so multi-class with softmax and cross-entropy, the reasons on the card
    then(lambda: (window.tabs.setCurrentWidget(window.heatmaps), window.open_table(EXAMPLES / "iris.csv"),
                  share_width(window, window.inspector_dock)),  # the shares of the first show: the card readable
         lambda: window.last_update.table.n_rows == 150 and window.suggestion_card.advice is not None)
    then(window.toggle_run, done_running(1500))
    then(shot("suggestions.png"))
    standalone = []  # (screenshot names, the first step's index): sections that need none of the steps before

    def give_tabs_height(loss_plot: int):
        """The loss plot ``loss_plot`` pixels high, the tabs under it the rest."""
        right = next(s for s in window.views.findChildren(QSplitter) if s.orientation() == Qt.Vertical)
        right.setSizes([loss_plot, right.height() - loss_plot])

    def section(*names):
        standalone.append((set(names), len(steps)))

    # 8b. iris learnt, 20 % of its rows kept for validation: both accuracies beside the loss, the training rows' and
    # the validation rows' confusion matrices in the Metrics tab
    section("metrics-iris.png")
    then(lambda: (window.tabs.setCurrentWidget(window.views.metrics_view), window.open_table(EXAMPLES / "iris.csv")),
         lambda: window.last_update.table.n_rows == 150 and window.last_update.snapshot.iteration == 0)
    then(lambda: window.settings.apply(replace(window.state.settings, validation=0.2)),
         lambda: window.last_update.table.validation is not None and window.last_update.snapshot.iteration == 0)
    then(window.toggle_run, done_running(1500))
    then(lambda: give_tabs_height(270))  # both matrices and the words after them in view, as a reader would drag it
    then(shot("metrics-iris.png"))
    # 8c. the tutorial's table with three hidden layers of 32 sigmoid units and the tutorial's uniform [0, 1)
    # weights: saturated from the start. The Health tab given more of the height, as a reader would drag it.
    section("health-saturated.png")

    def saturated():
        window.open_table(EXAMPLES / "article.csv")
        window.settings.hidden.setText("32, 32, 32")
        window.tabs.setCurrentWidget(window.views.health_view)
        give_tabs_height(270)
    then(saturated, lambda: window.last_update.snapshot.weights[0].shape == (3, 32))
    then(window.toggle_run, done_running(1500))
    then(shot("health-saturated.png"))
    # 8d. generated data: a spiral of 200 points, learnt with the generators' preset (16 tanh units, Adam)
    section("spiral.png")
    then(lambda: (window.tabs.setCurrentWidget(window.surface_view),
                  window.files.new_from_generator("spiral", 200, 0.1, 0)),
         lambda: window.last_update.table.n_rows == 200 and window.last_update.snapshot.iteration == 0)
    then(window.toggle_run, lambda: done_running(1500)() and window.surface_view.surface is not None)
    then(shot("spiral.png"))
    section("drawn.png")
    # 9. drawn data: two Gaussian clouds learnt, then three points of class 1 drawn below the boundary and two of
    #    class 0 (Shift+click) beside class 1's cloud, in Draw mode, and 1,200 more iterations on them
    then(lambda: (window.tabs.setCurrentWidget(window.surface_view),
                  window.files.new_from_generator("gaussians", 40, 0.1, 0), window.settings.iterations.setValue(300)),
         lambda: window.last_update.table.n_rows == 40 and window.last_update.snapshot.iteration == 0)
    then(window.toggle_run, lambda: done_running(300)() and window.surface_view.surface is not None)

    def draw():
        view = window.surface_view
        view.draw_action.trigger()
        view.class_picker.setCurrentText("1")
        for x, y, shift in ((-0.1, -0.45, False), (0.0, -0.6, False), (-0.2, -0.6, False), (0.05, 0.85, True),
                            (0.15, 0.95, True)):
            px, py = pixel_map(view.plot).to_pixels([[x, y]])[0]
            QTest.mouseClick(view.plot.viewport(), Qt.LeftButton, Qt.ShiftModifier if shift else Qt.NoModifier,
                             QPoint(round(px), round(py)))
        window.settings.iterations.setValue(1500)
    then(draw, lambda: window.last_update.table.n_rows == 45)
    then(window.toggle_run, done_running(1500))
    then(shot("drawn.png"))
    # 10. a noisy spiral, Adam in batches of 32, 30 % of the rows kept for validation: the validation loss turns up
    # while the training loss goes on down, and the run stops early with the best weights back
    section("validation-spiral.png")

    def noisy_spiral():
        window.tabs.setCurrentWidget(window.surface_view)
        window.log_action.setChecked(False)  # the noisy batch losses read better on a linear scale
        window.files.new_from_generator("spiral", 200, 0.3, 0)
        window.settings.apply(replace(
            window.state.settings, hidden=(32, 32), init="xavier", learning_rate=0.02, iterations=3000,
            batch_size=32, validation=0.3, split_seed=0, patience=100))
        for title in window.settings.folds:
            window.settings.set_folded(title, False)
    then(noisy_spiral, lambda: window.last_update.config.batch_size == 32 and window.document.validation.any())
    then(window.toggle_run, lambda: not window.running and window.last_update.snapshot.early_stop is not None
         and window.surface_view.surface is not None)
    then(lambda: window.settings_area.verticalScrollBar().setValue(window.settings_area.verticalScrollBar().maximum()))
    then(shot("validation-spiral.png"))
    if ONLY:  # run only the sections that write a screenshot asked for
        bounds = [start for _, start in standalone] + [len(steps)]
        keep = steps[:bounds[0]] if ONLY - set().union(*(names for names, _ in standalone)) else []
        for (names, start), end in zip(standalone, bounds[1:]):
            keep += steps[start:end] if names & ONLY else []
        steps[:] = keep
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
