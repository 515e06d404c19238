"""Take the README's screenshot: the real window after a finished run.

Run under Xvfb: xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshot.py OUT.png
"""
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from nnplayground.ui import MainWindow


def main(out: str) -> int:
    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(1360, 860)
    window.show()

    def finished():
        if window.last_update and not window._running and window.last_update.snapshot.iteration >= 1500:
            window.log_action.trigger()
            window.table_editor.view.setCurrentIndex(window.table_model.index(1, 1))
            QTimer.singleShot(400, shoot)
        else:
            QTimer.singleShot(100, finished)

    def shoot():
        window.grab().save(out)
        window.close()

    QTimer.singleShot(300, window.toggle_run)
    QTimer.singleShot(600, finished)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots/main-window.png"))
