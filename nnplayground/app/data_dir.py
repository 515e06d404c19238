"""Where nnplayground keeps what it writes for itself (autosaves), found without Qt.

The platform's usual place, so users and the README can name it: ``$XDG_DATA_HOME/nnplayground`` or
``~/.local/share/nnplayground`` on Linux and other Unixes, ``~/Library/Application Support/nnplayground``
on macOS, ``%APPDATA%\\nnplayground`` on Windows. Nothing is created here: the caller decides what to do
when the folder cannot be made (the autosave store turns itself off and says why).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_FOLDER = "nnplayground"


def data_dir(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The app's data folder on this platform. Raises RuntimeError only when there is no home folder
    at all (no HOME, no passwd entry); ``environ`` and ``platform`` default to this process's."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        base = env.get("APPDATA") or str(_home(env) / "AppData" / "Roaming")
    elif platform == "darwin":
        base = str(_home(env) / "Library" / "Application Support")
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        # the XDG spec: a relative path is invalid and must be ignored
        base = xdg if os.path.isabs(xdg) else str(_home(env) / ".local" / "share")
    return Path(base) / APP_FOLDER


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME") or env.get("USERPROFILE")
    return Path(home) if home else Path.home()
