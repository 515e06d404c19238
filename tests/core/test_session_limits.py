"""A session is never written if it could not be opened again (seen in review: a 2.5M-row table saved
"successfully" and then could not be reopened)."""
import numpy as np
import pytest

import nnplayground.core.session as session_file
from nnplayground.core import Session, SessionFileError, TrainingConfig, load_session, save_session
from nnplayground.core.table import MAX_CELLS, MAX_CSV_BYTES


def small_session(cell_text: str) -> Session:
    return Session(("x", "y"), ("input", "target"), ((cell_text, "1"),), TrainingConfig(), (), (), np.empty(0))


def test_a_session_too_large_to_reopen_is_refused_and_the_old_file_kept(tmp_path, monkeypatch):
    path = tmp_path / "s.nnpsession"
    save_session(path, small_session("0.5"))
    before = path.read_bytes()
    monkeypatch.setattr(session_file, "MAX_METADATA_CHARS", 400)
    with pytest.raises(SessionFileError, match="s.nnpsession.*at most 400"):
        save_session(path, small_session("7" * 500))
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["s.nnpsession"]


def test_every_table_that_opens_fits_in_a_session():
    """The worst case a CSV can bring: every cell costs at most 4 more characters as JSON."""
    assert session_file.MAX_METADATA_CHARS >= MAX_CSV_BYTES + 4 * MAX_CELLS


def test_text_beyond_ascii_is_stored_as_itself(tmp_path):
    path = tmp_path / "u.nnpsession"
    save_session(path, small_session("é√"))
    assert load_session(path).cells[0][0] == "é√"
