"""The loss history: the one copy of the losses that the plot draws and the session saves."""
import numpy as np
import pytest

from nnplayground.app.loss_history import LossHistory


def test_chunks_join_into_the_whole_history():
    h = LossHistory()
    h.receive(0, [3.0, 2.0])
    h.receive(2, [1.5])
    h.receive(3, np.arange(2000.0))  # grows past its first buffer
    assert len(h) == 2003
    assert h.values[:3].tolist() == [3.0, 2.0, 1.5]
    assert h.values[-1] == 1999.0


def test_a_gap_is_refused_and_changes_nothing():
    h = LossHistory()
    h.receive(0, [1.0, 2.0])
    with pytest.raises(ValueError, match="gap"):
        h.receive(5, [9.0])
    assert h.values.tolist() == [1.0, 2.0]


def test_a_chunk_from_zero_replaces_everything():
    h = LossHistory()
    h.receive(0, [1.0, 2.0, 3.0])
    h.receive(0, [7.0])
    assert h.values.tolist() == [7.0]


def test_values_cannot_be_written_through():
    h = LossHistory()
    h.receive(0, [1.0])
    with pytest.raises(ValueError):
        h.values[0] = 5.0
