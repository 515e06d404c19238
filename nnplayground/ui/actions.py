"""The window's actions, menus and toolbar: each user command once, with its shortcut and tip.

Tests and the menus trigger the same QAction objects (found by objectName or as window attributes).
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QStyle

from ..paths import EXAMPLES
from .table_model import undo_actions


def make_action(parent, name, text, shortcut, tip, slot, icon=None) -> QAction:
    a = QAction(text, parent)
    a.setObjectName(name)
    if shortcut:
        a.setShortcut(QKeySequence(shortcut))
    a.setToolTip(f"{tip} ({a.shortcut().toString(QKeySequence.NativeText)})" if shortcut else tip)
    a.setStatusTip(tip)
    if icon is not None:
        a.setIcon(parent.style().standardIcon(icon))
    a.triggered.connect(slot)
    return a


SPEEDS = (("1 it/s", 1.0), ("3 it/s", 3.0), ("10 it/s", 10.0), ("30 it/s", 30.0), ("100 it/s", 100.0),
          ("1,000 it/s", 1000.0), ("as fast as possible", None))  # the last: flat out


def speed_control(w) -> QComboBox:
    """How fast Run trains: slow speeds show every iteration; the last choice is as fast as possible."""
    combo = QComboBox()
    combo.setObjectName("speedControl")
    for label, value in SPEEDS:
        combo.addItem(label, value)
    combo.setCurrentIndex(len(SPEEDS) - 1)
    combo.setToolTip("Iterations a second while training runs (Ctrl+[ slower, Ctrl+] faster): slow speeds "
                     "show every iteration move the curve, the heatmaps and the diagram")
    combo.currentIndexChanged.connect(lambda i: w.controller.set_speed(SPEEDS[i][1]))
    return combo


def step_speed(w, direction: int) -> None:
    combo = w.speed_control
    combo.setCurrentIndex(min(max(combo.currentIndex() + direction, 0), combo.count() - 1))


def build_actions(w) -> None:
    """Create ``w``'s actions (as attributes), its menus and its training toolbar."""
    files = w.files
    specs = [
        ("step_phase_action", "stepPhaseAction", "Step phase", "F11",
         "Run the next phase: feedforward, loss, backprop or update", w.step_phase, QStyle.SP_MediaSeekForward),
        ("step_iteration_action", "stepIterationAction", "Step iteration", "F10",
         "Finish the current iteration (all four phases)", w.step_iteration, QStyle.SP_MediaSkipForward),
        ("run_action", "runAction", "Run", "F5", "Run to the chosen number of iterations, or pause",
         w.toggle_run, QStyle.SP_MediaPlay),
        ("reset_action", "resetAction", "Reset", "Ctrl+R", "Re-initialise the network from the settings and seed",
         w.reset, QStyle.SP_BrowserReload),
        ("apply_suggestions_action", "applySuggestionsAction", "Apply suggested settings", "Ctrl+Shift+A",
         "Set the settings suggested for this table (the card above the settings says why)", w.apply_suggestions,
         None),
        ("export_weights_action", "exportWeightsAction", "Export weights…", "Ctrl+E",
         "Save the trained weights as .npz, .json or .onnx", files.ask_export_weights, QStyle.SP_ArrowDown),
        ("open_action", "openTableAction", "Open…", QKeySequence.Open, "Open a saved session or a CSV training table",
         files.ask_open, QStyle.SP_DialogOpenButton),
        ("new_from_generator_action", "newFromGeneratorAction", "New from generator…", "Ctrl+G",
         "A new table of points on a pattern (XOR, circles, spiral, sine…), with its number of points, noise and seed",
         files.ask_new_from_generator, QStyle.SP_FileIcon),
        ("save_session_action", "saveSessionAction", "Save session", QKeySequence.Save,
         "Save the table, settings, weights and loss history in one file", files.save, QStyle.SP_DialogSaveButton),
        ("save_session_as_action", "saveSessionAsAction", "Save session as…", QKeySequence.SaveAs,
         "Save the session in a new file", files.ask_save_as, None),
        ("save_table_action", "saveTableAction", "Table as CSV…", None, "Save the training table as CSV",
         files.ask_save_table, None),
        ("export_loss_action", "exportLossPlotAction", "Loss plot (PNG, SVG)…", None,
         "Save the loss plot as a picture", lambda: files.ask_export_plot("loss"), None),
        ("export_heatmaps_action", "exportHeatmapsAction", "Weight heatmaps (PNG, SVG)…", None,
         "Save the weight and gradient heatmaps as a picture", lambda: files.ask_export_plot("heatmaps"), None),
        ("export_network_action", "exportNetworkAction", "Network diagram (PNG, SVG)…", None,
         "Save the network diagram as a picture", lambda: files.ask_export_plot("network"), None),
        ("export_surface_action", "exportSurfaceAction", "Surface or ŷ(x) (PNG, SVG)…", None,
         "Save the decision surface (or, for one input, ŷ against x) as a picture",
         lambda: files.ask_export_plot("surface"), None),
        ("export_predictions_action", "exportPredictionsAction", "Predictions (CSV)…", None,
         "Save inputs, targets, predictions and errors as CSV", files.ask_export_predictions, None),
        ("quit_action", "quitAction", "Quit", QKeySequence.Quit, "Close nnplayground", w.close, None),
        ("log_action", "logScaleAction", "Log-scale loss", "Ctrl+L", "Show the loss on a log scale", lambda: None,
         None),
    ]
    for attr, name, text, shortcut, tip, slot, icon in specs:
        setattr(w, attr, make_action(w, name, text, shortcut, tip, slot, icon))
    w.log_action.setCheckable(True)
    w.log_action.toggled.connect(w.loss_plot.set_log_scale)
    w.log_action.toggled.connect(w.views.log_box.setChecked)
    w.views.log_box.toggled.connect(w.log_action.setChecked)
    w.undo_action, w.redo_action = undo_actions(w.document.undo, w)

    menu = w.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(w.new_from_generator_action)
    file_menu.addAction(w.open_action)
    w.recent_menu = file_menu.addMenu("Open recent")
    w.recent_menu.aboutToShow.connect(lambda: files.fill_recent_menu(w.recent_menu))
    examples = file_menu.addMenu("Examples")
    for path in sorted(EXAMPLES.glob("*.csv")):
        examples.addAction(path.stem.replace("_", " ")).triggered.connect(
            lambda _=False, p=path: files.open_table(p))
    file_menu.addSeparator()
    file_menu.addAction(w.save_session_action)
    file_menu.addAction(w.save_session_as_action)
    export_menu = file_menu.addMenu("Export")
    for a in (w.export_weights_action, w.export_loss_action, w.export_heatmaps_action, w.export_network_action,
              w.export_surface_action, w.export_predictions_action, w.save_table_action):
        export_menu.addAction(a)
    file_menu.addSeparator()
    file_menu.addAction(w.quit_action)
    edit_menu = menu.addMenu("&Edit")
    edit_menu.addAction(w.undo_action)
    edit_menu.addAction(w.redo_action)
    edit_menu.addSeparator()
    editor = w.table_editor
    for a in (editor.copy_action, editor.paste_action, None, editor.add_row_action, editor.remove_rows_action,
              editor.add_column_action, editor.remove_column_action, None, editor.to_validation_action,
              editor.to_training_action):
        edit_menu.addSeparator() if a is None else edit_menu.addAction(a)
    w.slower_action = make_action(w, "slowerAction", "Slower", "Ctrl+[", "Train fewer iterations a second",
                                  lambda: step_speed(w, -1))
    w.faster_action = make_action(w, "fasterAction", "Faster", "Ctrl+]", "Train more iterations a second",
                                  lambda: step_speed(w, +1))
    train_menu = menu.addMenu("&Train")
    for a in (w.step_phase_action, w.step_iteration_action, w.run_action, w.slower_action, w.faster_action, None,
              w.reset_action, w.apply_suggestions_action):
        train_menu.addSeparator() if a is None else train_menu.addAction(a)
    view_menu = menu.addMenu("&View")
    view_menu.addAction(w.log_action)
    view_menu.addAction(w.table_editor.scaled_action)
    toggle = w.inspector_dock.toggleViewAction()
    toggle.setShortcut(QKeySequence("F9"))
    toggle.setObjectName("inspectorAction")
    view_menu.addAction(toggle)
    view_menu.addAction(w.surface_view.draw_action)  # Ctrl+D from any tab

    bar = w.addToolBar("Training")
    bar.setObjectName("trainingToolBar")
    bar.setMovable(False)
    bar.setIconSize(QSize(18, 18))
    bar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
    for a in (w.step_phase_action, w.step_iteration_action, w.run_action):
        bar.addAction(a)
    run_button = bar.widgetForAction(w.run_action)  # as wide as "Pause": the toolbar doesn't jump
    run_button.setMinimumWidth(run_button.sizeHint().width() + run_button.fontMetrics().horizontalAdvance(
        "Pause") - run_button.fontMetrics().horizontalAdvance("Run"))
    w.speed_control = speed_control(w)
    bar.addWidget(w.speed_control)
    bar.addAction(w.reset_action)
    bar.addSeparator()
    w.phase_strip = QLabel()
    w.phase_strip.setObjectName("phaseStrip")
    w.phase_strip.setContentsMargins(10, 0, 10, 0)
    bar.addWidget(w.phase_strip)
    bar.addSeparator()
    for a in (w.save_session_action, w.export_weights_action):  # icons (with tips): the toolbar fits 1024 px
        bar.addAction(a)
        bar.widgetForAction(a).setToolButtonStyle(Qt.ToolButtonIconOnly)


def show_running(w, running: bool) -> None:
    """Run becomes Pause while training runs, and the step actions wait."""
    w.run_action.setText("Pause" if running else "Run")
    w.run_action.setIcon(w.style().standardIcon(QStyle.SP_MediaPause if running else QStyle.SP_MediaPlay))
    for a in (w.step_phase_action, w.step_iteration_action):
        a.setEnabled(not running)
