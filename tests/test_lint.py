"""Lint is part of the test suite: CI runs exactly the README's pytest command, so ruff runs here
(rules and line length in pyproject.toml's [tool.ruff])."""
import subprocess
import sys

import pytest

from .conftest import ROOT

CHECKED = ["nnplayground", "tests", "benchmarks", "scripts"]


def test_ruff_finds_nothing():
    try:
        import ruff  # noqa: F401  (installed with the test extras: pip install -e '.[test]')
    except ImportError:
        pytest.fail("ruff is not installed: pip install -e '.[test]' (or pip install ruff)")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                             *CHECKED], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"ruff check {' '.join(CHECKED)}:\n{result.stdout}{result.stderr}"
