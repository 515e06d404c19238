import pytest

from nnplayground.core import Network, Trainer, TrainingTable
from nnplayground.paths import DEFAULT_TABLE


@pytest.fixture
def window(qtbot):
    from nnplayground.ui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.last_update is not None, timeout=5000)
    yield w
    w.close()


@pytest.fixture
def core_trainer():
    """What the window's defaults build: the tutorial's network, seed 0, on the tutorial's table."""
    def make(table: TrainingTable | None = None, **kw) -> Trainer:
        table = table or TrainingTable.from_csv(DEFAULT_TABLE)
        sizes = [table.X.shape[1], 4, table.y.shape[1]]
        net = Network(sizes, use_bias=kw.pop("use_bias", False), seed=kw.pop("seed", 0))
        return Trainer(net, table.X, table.y, **kw)
    return make


def at_iteration(window, n):
    snap = window.last_update.snapshot if window.last_update else None
    return snap is not None and snap.iteration == n and not window._running
