"""What the app keeps between runs: preferences and recent files (QSettings), and the autosave file
in the platform's app-data folder (QStandardPaths)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

RECENT_MAX = 8
AUTOSAVE_NAME = "autosave.nnpsession"


def app_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "nnplayground", "nnplayground")


def autosave_path() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or Path.home() / ".nnplayground")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / AUTOSAVE_NAME


def recent_files() -> list[str]:
    value = app_settings().value("recentFiles", [])
    files = [value] if isinstance(value, str) else list(value or [])
    return [f for f in files if Path(f).exists()][:RECENT_MAX]


def add_recent_file(path: str | Path) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    app_settings().setValue("recentFiles", files[:RECENT_MAX])
    return files[:RECENT_MAX]


def last_directory(default: Path) -> str:
    value = app_settings().value("lastDirectory", "")
    return value if value and Path(value).is_dir() else str(default)


def remember_directory(path: str | Path) -> None:
    app_settings().setValue("lastDirectory", str(Path(path).resolve().parent))
