"""The data folder is the platform's usual one, found without Qt, so the README can name it."""
from pathlib import Path

from nnplayground.app.data_dir import data_dir


def test_linux_uses_xdg_data_home_or_local_share():
    assert data_dir({"XDG_DATA_HOME": "/x/data", "HOME": "/home/u"}, "linux") == Path("/x/data/nnplayground")
    assert data_dir({"HOME": "/home/u"}, "linux") == Path("/home/u/.local/share/nnplayground")
    # the XDG spec: a relative XDG_DATA_HOME is invalid and ignored
    assert data_dir({"XDG_DATA_HOME": "rel", "HOME": "/home/u"}, "linux") == Path("/home/u/.local/share/nnplayground")


def test_macos_and_windows_use_their_application_data_folders():
    assert data_dir({"HOME": "/Users/u"}, "darwin") == Path("/Users/u/Library/Application Support/nnplayground")
    assert data_dir({"APPDATA": "C:/Users/u/AppData/Roaming"}, "win32") == \
        Path("C:/Users/u/AppData/Roaming/nnplayground")
