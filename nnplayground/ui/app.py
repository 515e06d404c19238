"""Start the window: ``nnplayground`` and ``python -m nnplayground`` land here."""
from __future__ import annotations

import sys


def run_app(argv: list[str] | None = None) -> int:
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    pg.setConfigOptions(antialias=True)
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("nnplayground")
    app.setOrganizationName("nnplayground")
    app.setApplicationDisplayName("nnplayground")
    window = MainWindow()
    window.show()
    return app.exec()
