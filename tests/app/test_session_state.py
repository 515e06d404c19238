"""Session state: unsaved changes, and which settings apply at once or wait for Reset."""
from dataclasses import replace

from nnplayground.app.session_state import Pending, SessionState, SettingsAction
from nnplayground.core import TrainingConfig
from nnplayground.core.session import plain_encoding

BASE = TrainingConfig(hidden=(4,), use_bias=False)
THREE_IN = plain_encoding(("x1", "x2", "x3", "y"), ("input",) * 3 + ("target",), "binary")
TWO_IN = plain_encoding(("x1", "x2", "y"), ("input",) * 2 + ("target",), "binary")


def built() -> SessionState:
    s = SessionState()
    s.network_built(BASE, THREE_IN)
    s.mark_saved(None, ("gen1", 0, "feedforward"))
    return s


def test_learning_rate_applies_even_while_layers_wait_for_reset():
    """Seen: with a setting waiting for Reset, a new learning rate was silently ignored."""
    s = built()
    assert s.change_settings(replace(BASE, hidden=(8,)), untouched=False) is SettingsAction.WAIT
    assert s.pending == Pending.SETTINGS
    assert s.change_settings(replace(BASE, hidden=(8,), learning_rate=0.01, iterations=50),
                             untouched=False) is SettingsAction.WAIT
    assert s.training_config.learning_rate == 0.01
    assert s.training_config.iterations == 50
    assert s.training_config.hidden == (4,)  # the network's own layers until Reset
    assert s.waiting_settings.hidden == (8,)


def test_changing_back_clears_what_waits():
    s = built()
    s.change_settings(replace(BASE, seed=3), untouched=False)
    s.change_settings(BASE, untouched=False)
    assert s.pending == Pending.NONE
    assert s.waiting_settings is None


def test_an_untouched_network_is_rebuilt_at_once():
    s = built()
    assert s.change_settings(replace(BASE, hidden=(8,)), untouched=True) is SettingsAction.RESET


def test_table_and_settings_wait_together():
    s = built()
    assert not s.table_changed(fits=False)
    s.change_settings(replace(BASE, seed=9), untouched=False)
    assert s.pending == Pending.TABLE | Pending.SETTINGS
    assert s.pending.describe() == "table, settings"
    s.network_built(replace(BASE, seed=9), TWO_IN)
    assert s.pending == Pending.NONE


def test_dirty_after_an_edit_or_training_clean_after_save(tmp_path):
    s = built()
    assert not s.dirty
    s.observe_training(("gen1", 0, "feedforward"))
    assert not s.dirty  # the position it was saved at
    s.observe_training(("gen1", 1, "feedforward"))
    assert s.dirty
    s.mark_saved(tmp_path / "a.nnpsession", ("gen1", 1, "feedforward"))
    assert not s.dirty and s.title == "a.nnpsession"
    s.mark_changed()
    assert s.dirty


def test_a_refused_reset_leaves_the_settings_waiting():
    s = built()
    assert s.change_settings(replace(BASE, hidden=(8,)), untouched=True) is SettingsAction.RESET
    s.reset_refused()  # e.g. a bad cell: no network can be built now
    assert s.pending == Pending.SETTINGS and s.waiting_settings.hidden == (8,)


def test_fit_is_remembered_until_it_fits_again():
    s = built()
    assert s.table_changed(True)
    assert not s.table_changed(False) and Pending.TABLE in s.pending
    assert s.table_changed(True) and s.pending == Pending.NONE


def test_without_a_network_every_table_fits():
    s = SessionState()
    assert s.table_changed(False) and s.pending == Pending.NONE
