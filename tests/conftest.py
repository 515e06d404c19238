"""Shared fixtures. Qt must run headless in tests: set the platform before anything imports Qt."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "resources" / "examples"

ARTICLE_X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
ARTICLE_Y = np.array([[0], [1], [1], [0]], dtype=float)


@pytest.fixture
def article():
    """The tutorial's table: inputs and targets."""
    return ARTICLE_X.copy(), ARTICLE_Y.copy()

from hypothesis import settings  # noqa: E402

# A loaded CI machine must not turn a slow example into a failure: no per-example deadline.
settings.register_profile("nnplayground", deadline=None)
settings.load_profile("nnplayground")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """The crafted weight and session files (tests/corpus.py), built once for the loaders', the CLI's
    and the window's tests: (folder, paths)."""
    from .corpus import build_corpus

    folder = tmp_path_factory.mktemp("corpus")
    return folder, build_corpus(folder)
