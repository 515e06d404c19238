"""nnplayground.app is tested and used without Qt: importing every module in it must not import PySide6."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import importlib, pkgutil, sys
import nnplayground.app as app
names = [m.name for m in pkgutil.iter_modules(app.__path__, "nnplayground.app.")]
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        pass  # a module that does not import fails its own tests; here only Qt matters
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph"))
print(len(names), qt)
"""


def test_importing_the_app_package_imports_no_qt():
    # a fresh interpreter: in this one the ui tests may already have imported Qt
    out = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    count, qt = out.stdout.split(" ", 1)
    assert int(count) >= 2 and qt.strip() == "[]"
