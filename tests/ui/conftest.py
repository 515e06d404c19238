import os
import shutil

import pytest

from nnplayground.core import Network, Trainer, TrainingTable
from nnplayground.paths import DEFAULT_TABLE


@pytest.fixture(scope="session", autouse=True)
def isolated_app_state(tmp_path_factory):
    """Autosaves and settings go to throwaway places, never the user's."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))  # autosaves (app.data_dir reads it)


@pytest.fixture(autouse=True)
def fresh_app_state(isolated_app_state):
    from nnplayground.app.data_dir import data_dir
    from nnplayground.ui.app_state import app_settings

    app_settings().clear()
    shutil.rmtree(data_dir(), ignore_errors=True)
    yield
    shutil.rmtree(data_dir(), ignore_errors=True)


def autosaves() -> list:
    """The autosave files there are now (every window's)."""
    from nnplayground.app.data_dir import data_dir

    return sorted((data_dir() / "autosave").glob("*.nnpsession"))


def make_window(qtbot, **kwargs):
    """A window whose close never waits on the "save changes?" question (it answers discard)."""
    from nnplayground.ui import MainWindow

    w = MainWindow(**kwargs)
    w.ask_save_changes = lambda: "discard"
    qtbot.addWidget(w)
    return w


@pytest.fixture
def window(qtbot):
    w = make_window(qtbot)
    w.show()
    qtbot.waitUntil(lambda: w.last_update is not None, timeout=5000)
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    yield w
    w.close()
    # a run shares one core with this thread while it goes on (ui/shared_core.py): closed, every CPU is back
    assert cpus is None or os.sched_getaffinity(0) == cpus


@pytest.fixture
def core_trainer():
    """What the window's defaults build: the tutorial's network, seed 0, on the tutorial's table."""
    def make(table: TrainingTable | None = None, **kw) -> Trainer:
        table = table or TrainingTable.from_csv(DEFAULT_TABLE)
        sizes = [table.X.shape[1], 4, table.y.shape[1]]
        net = Network(sizes, use_bias=kw.pop("use_bias", False), seed=kw.pop("seed", 0))
        return Trainer(net, table.X, table.y, **kw)
    return make


def open_table(window, qtbot, path):
    """Open the CSV table at ``path`` in the window and wait until the engine shows its network of it."""
    assert window.open_table(path)
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.table.n_rows
                    == window.document.n_rows and window.last_update.table.columns == tuple(window.document.header),
                    timeout=5000)


def at_iteration(window, n):
    snap = window.last_update.snapshot if window.last_update else None
    return snap is not None and snap.iteration == n and not window.running


def train(window, qtbot, n):
    """Run the window's training to ``n`` iterations and wait until it has stopped there."""
    window.settings.iterations.setValue(n)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, n), timeout=10000)


@pytest.fixture
def surface_view(qtbot):
    """A Surface view on its own (no window), shown at 700 × 450."""
    from nnplayground.ui.surface_view import SurfaceView

    v = SurfaceView()
    qtbot.addWidget(v)
    v.resize(700, 450)
    v.show()
    qtbot.waitExposed(v)
    return v
