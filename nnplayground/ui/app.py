"""Start the window: ``nnplayground`` and ``python -m nnplayground`` land here."""
from __future__ import annotations

import sys

SMOKE_TIMEOUT_MS = 15000


def run_app(argv: list[str] | None = None, smoke_test: bool = False, open_path: str | None = None) -> int:
    """Open the window and run until it closes; ``open_path``: a session or table to open in it.
    ``smoke_test``: open it, wait for the engine's first answer, close and return 0 (1 if it never
    came): a check that a built bundle really starts."""
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ..paths import RESOURCES
    from .main_window import MainWindow

    pg.setConfigOptions(antialias=True)
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("nnplayground")
    app.setOrganizationName("nnplayground")
    app.setApplicationDisplayName("nnplayground")
    app.setDesktopFileName("nnplayground")
    app.setWindowIcon(QIcon(str(RESOURCES / "icons" / "nnplayground.svg")))
    window = MainWindow(offer_restore=not smoke_test and open_path is None, remember=not smoke_test)
    window.show()
    if open_path is not None:
        QTimer.singleShot(0, lambda: window.open_path(open_path))
    if not smoke_test:
        return app.exec()
    result = {"code": 1}

    def check():
        if window.last_update is not None:
            result["code"] = 0
            window.ask_save_changes = lambda: "discard"
            window.close()
            app.quit()
        else:
            QTimer.singleShot(50, check)

    QTimer.singleShot(0, check)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, app.quit)
    app.exec()
    print("smoke test:", "the window opened and the engine answered" if result["code"] == 0 else "FAILED")
    return result["code"]
