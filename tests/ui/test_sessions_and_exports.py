"""Sessions, autosave, preferences and exports, as a user meets them in the window."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from nnplayground.core import Network
from nnplayground.ui.app_state import recent_files

from .conftest import autosaves, make_window, train


def test_save_and_open_a_session_restores_everything(window, qtbot, tmp_path):
    window.settings.use_bias.setChecked(True)
    window.settings.learning_rate.setValue(0.5)
    qtbot.waitUntil(lambda: window.last_update.config.use_bias, timeout=3000)
    window.table_model.setData(window.table_model.index(3, 0), "0.25")
    train(window, qtbot, 120)
    assert window.isWindowModified()
    path = tmp_path / "run.nnpsession"
    assert window.save_session(path)
    assert not window.isWindowModified() and window.windowTitle().startswith("run.nnpsession")
    saved = window.last_update.snapshot

    other = make_window(qtbot, offer_restore=False)
    qtbot.waitUntil(lambda: other.last_update is not None, timeout=5000)
    assert other.open_path(path)
    qtbot.waitUntil(lambda: other.last_update.snapshot.iteration == 120, timeout=5000)
    assert other.document.cell(3, 0) == "0.25"
    assert other.settings.use_bias.isChecked() and other.settings.learning_rate.value() == 0.5
    for a, b in zip(other.last_update.snapshot.weights + other.last_update.snapshot.biases,
                    saved.weights + saved.biases):
        assert a.tobytes() == b.tobytes()
    np.testing.assert_array_equal(other.loss_plot.values, window.loss_plot.values)
    assert not other.isWindowModified() and str(path.resolve()) in recent_files()
    # training goes on from where it was saved, exactly as it would have
    train(window, qtbot, 140)
    train(other, qtbot, 140)
    np.testing.assert_array_equal(other.last_update.snapshot.weights[0], window.last_update.snapshot.weights[0])


def test_a_damaged_session_changes_nothing(window, qtbot, tmp_path):
    bad = tmp_path / "bad.nnpsession"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    before = window.document.to_csv_text()
    assert not window.open_path(bad)
    assert window.document.to_csv_text() == before
    assert "damaged" in window.notice.text()


def test_closing_with_unsaved_changes_asks(qtbot, tmp_path):
    w = make_window(qtbot, offer_restore=False)
    w.show()
    qtbot.waitUntil(lambda: w.last_update is not None, timeout=5000)
    assert not w.isWindowModified()
    w.table_model.setData(w.table_model.index(0, 0), "1")
    assert w.isWindowModified()
    asked = []
    w.ask_save_changes = lambda: asked.append(1) or "cancel"
    w.close()
    assert asked and w.isVisible()  # cancel: still open, nothing lost
    w.state.path = tmp_path / "kept.nnpsession"
    w.ask_save_changes = lambda: "save"
    w.close()
    assert not w.isVisible() and (tmp_path / "kept.nnpsession").exists()


CRASHING_WINDOW = """
import os, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from nnplayground.ui import MainWindow
w = MainWindow(offer_restore=False, remember=False)
w.document.set_cells([(1, 0, "7")])
w.controller.step("iteration")
while w.controller.latest is None or w.controller.latest.snapshot.iteration < 1:
    app.processEvents()
assert w.autosave.write(), "the autosave was not written"
os._exit(3)  # a crash: no close, no clean-up
"""


def test_autosave_and_restore_after_a_real_crash(qtbot):
    crash = subprocess.run([sys.executable, "-c", CRASHING_WINDOW], env=os.environ, timeout=60,
                           capture_output=True, text=True)
    assert crash.returncode == 3, crash.stderr
    assert len(autosaves()) == 1  # the crashed window's file stayed
    again = make_window(qtbot)
    qtbot.waitUntil(lambda: again.last_update is not None, timeout=5000)
    assert again.autosave.restore_offer is not None
    assert again.autosave.restore_all(again.autosave.store.orphans()) == 1
    qtbot.waitUntil(lambda: again.last_update.snapshot.iteration == 1, timeout=5000)
    assert again.table_model.data(again.table_model.index(1, 0)) == "7"
    assert again.isWindowModified() and again.session_path is None
    assert autosaves() == [again.autosave.path]  # the orphan is this window's own file now
    again.autosave.restore_offer.close()
    again.close()
    assert autosaves() == []  # a normal close leaves nothing to restore


def test_preferences_persist(qtbot):
    w = make_window(qtbot, offer_restore=False)
    w.show()
    # The offscreen screen is 800×600 and the window's minimum width is larger, so Qt clamps the width
    # on restore (as it would on a small real screen): the height shows the geometry came back.
    w.resize(w.width(), 600)
    w.log_action.setChecked(True)
    w.close()
    again = make_window(qtbot, offer_restore=False)
    assert again.log_action.isChecked()
    assert again.height() == 600 != 920


def test_plot_exports_as_png_and_svg(window, qtbot, tmp_path):
    train(window, qtbot, 50)
    for which in ("loss", "heatmaps"):
        png, svg = tmp_path / f"{which}.png", tmp_path / f"{which}.svg"
        assert window.files.export_plot(which, png) and window.files.export_plot(which, svg)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg") and len(list(root.iter())) > 20


def test_predictions_export(window, qtbot, tmp_path):
    assert not window.files.export_predictions(tmp_path / "none.csv")  # nothing fed forward yet
    train(window, qtbot, 10)
    assert window.files.export_predictions(tmp_path / "p.csv")
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0] == "x1,x2,x3,y,y_predicted,y_P(0),y_P(1)" and len(lines) == 5  # y's classes are 0 and 1
    y_hat = window.last_update.snapshot.predictions
    row = lines[2].split(",")
    assert row[3] == "1" and row[4] == ("1" if y_hat[1, 0] >= 0.5 else "0") and float(row[6]) == y_hat[1, 0]


def test_a_real_tables_exports_carry_its_scaling_and_class_names(window, qtbot, tmp_path):
    """iris: numbers from 0.1 to 7.9 standardised, three species by name: the weights file, the ONNX model
    and the predictions CSV say so."""
    from nnplayground.core import TrainingTable, load_weights
    from nnplayground.paths import EXAMPLES

    ort = pytest.importorskip("onnxruntime")
    assert window.open_path(EXAMPLES / "iris.csv")
    train(window, qtbot, 30)
    for name in ("w.npz", "w.onnx"):
        window.files.export_weights(tmp_path / name)
        qtbot.waitUntil(lambda name=name: name in window.notice.text(), timeout=5000)
    saved = load_weights(tmp_path / "w.npz")
    assert saved.encoding == window.state.network_encoding and saved.encoding.scales_inputs
    table = TrainingTable.from_csv(EXAMPLES / "iris.csv")
    expected = saved.to_network().predict(saved.encoding.encode_inputs(table))
    session = ort.InferenceSession(str(tmp_path / "w.onnx"), providers=["CPUExecutionProvider"])
    y_hat, label = session.run(["y_hat", "label"], {"X": table.X.astype(np.float32)})
    np.testing.assert_allclose(y_hat, expected, atol=1e-5)
    assert label.ravel().tolist() == [("setosa", "versicolor", "virginica")[k] for k in expected.argmax(axis=1)]
    assert window.files.export_predictions(tmp_path / "p.csv")
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0].endswith(",species,species_predicted,species_P(setosa),species_P(versicolor),species_P(virginica)")
    assert lines[1].split(",")[4] == "setosa" and lines[1].split(",")[5] in ("setosa", "versicolor", "virginica")


def test_onnx_export_from_the_window_runs_in_onnxruntime(window, qtbot, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    train(window, qtbot, 100)
    window.files.export_weights(tmp_path / "net.onnx")
    qtbot.waitUntil(lambda: "net.onnx" in window.notice.text(), timeout=5000)
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    X = window.last_update.table.X
    out, label = session.run(None, {"X": X.astype(np.float32)})  # y_hat, and the class named: 0 or 1
    net = Network([3, 4, 1], use_bias=False)
    net.set_parameters(window.last_update.snapshot.weights)
    np.testing.assert_allclose(out, net.predict(X), atol=1e-6)
    assert label.ravel().tolist() == ["1" if p >= 0.5 else "0" for p in net.predict(X).ravel()]


def test_a_session_saved_with_a_bad_cell_comes_back_when_it_is_fixed(window, qtbot, tmp_path):
    train(window, qtbot, 25)
    trained = window.last_update.snapshot.weights
    window.table_model.setData(window.table_model.index(2, 1), "oops")
    path = tmp_path / "bad-cell.nnpsession"
    assert window.save_session(path)
    other = make_window(qtbot, offer_restore=False)
    qtbot.waitUntil(lambda: other.last_update is not None, timeout=5000)
    assert other.open_path(path)
    assert other.document.cell(2, 1) == "oops"  # kept as typed
    assert "row 3, column 'x2'" in other.notice.text() and "comes back" in other.notice.text()
    other.table_model.setData(other.table_model.index(2, 1), "0")
    qtbot.waitUntil(lambda: other.last_update is not None and other.last_update.snapshot.iteration == 25,
                    timeout=5000)
    np.testing.assert_array_equal(other.last_update.snapshot.weights[0], trained[0])


@pytest.mark.parametrize("which, tab", [("network", 1), ("surface", 2)])
def test_the_diagram_and_the_surface_export_as_png_and_svg(window, qtbot, tmp_path, which, tab):
    window.tabs.setCurrentIndex(tab)
    train(window, qtbot, 50)
    qtbot.wait(200)
    for name in (f"{which}.png", f"{which}.svg"):
        assert window.files.export_plot(which, tmp_path / name), window.notice.text()
    from PySide6.QtGui import QImage

    assert not QImage(str(tmp_path / f"{which}.png")).isNull()
    ET.parse(tmp_path / f"{which}.svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{which}.png", f"{which}.svg"]  # no temporary file
