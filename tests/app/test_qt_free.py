"""The engine, the app state and the command line are used without Qt: importing every module of
nnplayground.core and nnplayground.app, and the CLI, must not import PySide6 or pyqtgraph."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = [m.name for m in pkgutil.iter_modules(package.__path__, sys.argv[1] + ".")] if hasattr(package, "__path__") \\
    else [sys.argv[1]]
for name in names:
    importlib.import_module(name)  # a module that fails to import fails here, with its traceback
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph"))
print(len(names), qt)
"""


@pytest.mark.parametrize("package", ["nnplayground.core", "nnplayground.app", "nnplayground.cli"])
def test_importing_it_imports_no_qt(package):
    # a fresh interpreter: in this one the ui tests may already have imported Qt
    out = subprocess.run([sys.executable, "-c", CHECK, package], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    count, qt = out.stdout.split(" ", 1)
    assert int(count) >= 1 and qt.strip() == "[]"
