"""Random sessions of edits, undo, training, setting changes, resets, saves and reopens over the
Qt-free app state: after each save, the file reopens to exactly what the app holds.

The engine runs synchronously here (no worker thread): what is tested is the bookkeeping of the
owners (table document, session state, loss history), the window's decisions (app.reactions, the same
functions the window calls) and the session file between them.
"""
from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from nnplayground.app.loss_history import LossHistory
from nnplayground.app.reactions import TableReaction, table_edited
from nnplayground.app.session_file import restore_trainer, session_to_save
from nnplayground.app.session_state import Pending, SessionState, SettingsAction
from nnplayground.app.table_document import TableDocument
from nnplayground.core import TableError, TrainingConfig, TrainingTable
from nnplayground.core.session import load_session, save_session

START = TrainingTable(("x1", "x2", "y"), ("input", "input", "target"),
                      np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=float))
CELL_TEXT = st.sampled_from(["0", "1", "0.5", "-2", "abc", "", "1e3"])


class AppSession(RuleBasedStateMachine):
    """The app's owners, wired as the window wires them, with a synchronous engine."""

    def __init__(self):
        super().__init__()
        import tempfile

        self._folder = tempfile.TemporaryDirectory()
        self.folder = Path(self._folder.name)
        self.document = TableDocument(START)
        self.state = SessionState()
        self.history = LossHistory()
        self.trainer = None
        self.table = None
        self.saves = 0
        self._build(TrainingConfig(hidden=(3,), seed=1), START)

    # the window's reactions, in miniature ----------------------------------------------------------
    def _build(self, config, table):
        self.trainer = config.make_trainer(table)
        self.table = table
        self.state.network_built(config, self.trainer.encoding)
        self.history.replace(self.trainer.history)

    def _settings_fit(self, table):
        """Whether the settings can build a network for the table (binary targets: 0 and 1 only)."""
        try:
            self.state.settings.encoding_for(table)
        except ValueError:
            return False
        return True

    def _table_or_none(self):
        try:
            return self.document.to_training_table()
        except TableError:
            return None

    def _table_changed(self):
        edit = table_edited(self.state, self.document, has_network=True, untouched=self._untouched())
        if edit.reaction is TableReaction.SEND:
            data = self.state.network_config.training_data(edit.table, self.trainer.encoding)
            self.trainer.set_data(data.X, data.y, data.rows)
            self.table = edit.table
        elif edit.reaction is TableReaction.RESET:
            self.reset()

    def _untouched(self):
        return self.trainer.iteration == 0 and self.trainer.phase == "feedforward"

    def _snapshot(self):
        return self.trainer.snapshot(history_start=len(self.history))

    def _received(self, snap):
        self.history.receive(snap.history_start, snap.history)

    # rules -------------------------------------------------------------------------------------------
    @rule(r=st.integers(0, 5), c=st.integers(0, 3), text=CELL_TEXT)
    def edit(self, r, c, text):
        if r < self.document.n_rows and c < self.document.n_columns:
            self.document.set_cells([(r, c, text)])
            self._table_changed()

    @rule(text=st.sampled_from(["1\t0", "0\t1\t1", "2", "x\t3"]))
    def paste(self, text):
        self.document.paste(self.document.n_rows, 0, text)
        self._table_changed()

    @rule()
    def undo(self):
        if self.document.undo.can_undo:
            self.document.undo.undo()
            self._table_changed()

    @rule(c=st.integers(0, 3))
    def toggle_role(self, c):
        if c < self.document.n_columns:
            role = self.document.roles[c]
            self.document.set_role(c, "target" if role == "input" else "input")
            self._table_changed()

    @precondition(lambda self: Pending.TABLE not in self.state.pending and self._table_or_none() is not None)
    @rule()
    def step_phase(self):
        self.trainer.step_phase()
        self._received(self._snapshot())

    @precondition(lambda self: Pending.TABLE not in self.state.pending and self._table_or_none() is not None)
    @rule(n=st.integers(1, 30))
    def run(self, n):
        self.trainer.run(n)
        self._received(self._snapshot())

    @rule(hidden=st.sampled_from([(3,), (2, 2), (5,)]), lr=st.sampled_from([1.0, 0.5, 0.1]),
          seed=st.integers(0, 3), bias=st.booleans())
    def change_settings(self, hidden, lr, seed, bias):
        config = replace(self.state.settings, hidden=hidden, learning_rate=lr, seed=seed, use_bias=bias)
        action = self.state.change_settings(config, self._untouched())
        if action is SettingsAction.RESET and self._table_or_none() is not None \
                and self._settings_fit(self._table_or_none()):
            self.reset()
        else:
            if action is SettingsAction.RESET:
                self.state.reset_refused()
            self.trainer.learning_rate = self.state.training_config.learning_rate

    @rule()
    def reset(self):
        table = self._table_or_none()
        if table is not None and self._settings_fit(table):
            self._build(self.state.settings, table)
            self.trainer.learning_rate = self.state.settings.learning_rate

    @rule()
    def save_and_reopen(self):
        path = self.folder / f"s{self.saves}.nnpsession"
        self.saves += 1
        saved = session_to_save(self.state, self.document.header, self.document.roles, self.document.cells(),
                                self._snapshot(), self.history, encoding=self.state.network_encoding)  # as the app
        save_session(path, saved)
        back = load_session(path)
        # exactly what the app holds
        assert back.cells == self.document.cells()
        assert list(back.columns) == self.document.header and list(back.roles) == self.document.roles
        assert back.config == self.state.training_config
        assert back.settings == self.state.waiting_settings
        if Pending.TABLE in self.state.pending:
            assert back.weights == () and back.history.size == 0
        else:
            for a, b in zip(back.weights, self.trainer.network.weights):
                assert np.array_equal(a, b)
            assert np.array_equal(back.history, self.trainer.history)
            table = self._table_or_none()
            if table is not None:  # and it restores to a trainer that continues exactly
                twin = restore_trainer(back, table)
                assert twin.iteration == self.trainer.iteration
                assert np.array_equal(twin.network.parameters, self.trainer.network.parameters)
        self.state.mark_saved(path, ("g", self.trainer.iteration, self.trainer.phase))
        assert not self.state.dirty

    def teardown(self):
        self._folder.cleanup()

    # what must always hold -----------------------------------------------------------------------------
    @invariant()
    def history_is_the_trainers(self):
        assert np.array_equal(self.history.values, self.trainer.history)

    @invariant()
    def learning_rate_is_the_users(self):
        assert self.trainer.learning_rate == self.state.settings.learning_rate


AppSession.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestAppSession = AppSession.TestCase
