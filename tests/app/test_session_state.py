"""Session state: unsaved changes, and which settings apply at once or wait for Reset."""
from dataclasses import replace

from nnplayground.app.session_state import Pending, SessionState, SettingsAction
from nnplayground.core import TrainingConfig

BASE = TrainingConfig(hidden=(4,), use_bias=False)


def built() -> SessionState:
    s = SessionState()
    s.network_built(BASE, (3, 1))
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
    assert not s.table_changed(n_inputs=2, n_targets=1)
    s.change_settings(replace(BASE, seed=9), untouched=False)
    assert s.pending == Pending.TABLE | Pending.SETTINGS
    assert s.pending.describe() == "table, settings"
    s.network_built(replace(BASE, seed=9), (2, 1))
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


def test_fit_follows_the_columns_roles():
    s = built()
    assert s.table_changed(3, 1)
    assert not s.table_changed(3, 2) and Pending.TABLE in s.pending
    assert s.table_changed(3, 1) and s.pending == Pending.NONE
