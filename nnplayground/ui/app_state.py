"""What the app keeps between runs: preferences, window layout and recent files (QSettings).
Autosaves are the Qt-free :mod:`nnplayground.app.autosave`'s."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from ..app.autosave import SUBFOLDER as AUTOSAVE_FOLDER
from ..core.datasets import CONSTRAINTS as GENERATOR_CONSTRAINTS

RECENT_MAX = 8


def app_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "nnplayground", "nnplayground")


def recent_files() -> list[str]:
    value = app_settings().value("recentFiles", [])
    files = [value] if isinstance(value, str) else list(value or [])
    return [f for f in files if Path(f).exists()][:RECENT_MAX]


def add_recent_file(path: str | Path) -> list[str]:
    """Remember a file the user opened or saved (never an autosave: those are offered after a crash)."""
    path = _absolute(path)
    if Path(path).parent.name == AUTOSAVE_FOLDER:
        return recent_files()
    files = [path] + [f for f in recent_files() if f != path]
    app_settings().setValue("recentFiles", files[:RECENT_MAX])
    return files[:RECENT_MAX]


def last_directory(default: Path) -> str:
    value = app_settings().value("lastDirectory", "")
    return value if value and Path(value).is_dir() else str(default)


def remember_directory(path: str | Path) -> None:
    app_settings().setValue("lastDirectory", str(Path(_absolute(path)).parent))


def _absolute(path: str | Path) -> str:
    """The path made absolute without following links: a symlink loop must not crash Open."""
    return os.path.abspath(os.fspath(path))


def generator_settings() -> dict:
    """The generator dialog's last choice (``generate``'s arguments); a setting missing or out of its limits
    (an old or hand-edited file) is left out, so the dialog's default takes its place."""
    s, out = app_settings(), {}
    for key, kind in (("name", str), ("n_points", int), ("noise", float), ("seed", int)):
        value = s.value(f"generator/{key}")
        try:
            out[key] = GENERATOR_CONSTRAINTS[key].check(kind(value))
        except (TypeError, ValueError):
            continue
    return out


def remember_generator_settings(settings: dict) -> None:
    s = app_settings()
    for key, value in settings.items():
        s.setValue(f"generator/{key}", value)


def restore_window_layout(window) -> bool:
    """The layout, log scale and speed of the last run; True when a layout was saved."""
    s = app_settings()
    if s.value("geometry") is not None:
        window.restoreGeometry(s.value("geometry"))
    restored = s.value("windowState") is not None
    if restored:
        window.restoreState(s.value("windowState"))
    window.log_action.setChecked(s.value("logScale", False, type=bool))
    speed = s.value("speed", -1, type=int)
    if 0 <= speed < window.speed_control.count():
        window.speed_control.setCurrentIndex(speed)
    return restored


def save_window_layout(window) -> None:
    s = app_settings()
    s.setValue("geometry", window.saveGeometry())
    s.setValue("windowState", window.saveState())
    s.setValue("logScale", window.log_action.isChecked())
    s.setValue("speed", window.speed_control.currentIndex())
