"""Between a session file and the app's state: what a save writes, and the trainer an open restores.

Both directions read the one owner of each piece: the table document for the cells, the session
state for the settings and what waits for Reset, the latest snapshot for the weights, the loss
history for the losses. Opening builds the whole trainer before anything is applied, so a file
whose network cannot be restored changes nothing.
"""
from __future__ import annotations

import numpy as np

from ..core import Snapshot, Trainer, TrainingTable
from ..core.session import Session
from .cell_texts import CellTexts
from .loss_history import LossHistory
from .session_state import Pending, SessionState


def session_to_save(state: SessionState, columns, roles, cells, snapshot: Snapshot | None,
                    history: LossHistory, kinds=None, encoding=None, validation=None,
                    metrics: dict | None = None, health=None, example=None) -> Session:
    """The session as it stands: the table as typed, the network's settings (and the chosen ones when
    they wait for Reset), and the weights, losses and latest metrics when they fit the table."""
    config = state.training_config or state.settings
    fits = snapshot is not None and Pending.TABLE not in state.pending
    return Session(
        # the document's cell snapshot makes its texts when read: on the autosave's thread, not here
        columns=tuple(columns), roles=tuple(roles), config=config,
        cells=cells if isinstance(cells, CellTexts) else tuple(tuple(r) for r in cells),
        weights=tuple(snapshot.weights) if fits else (), biases=tuple(snapshot.biases) if fits else (),
        history=np.array(history.values if fits else (), dtype=float), settings=state.waiting_settings,
        kinds=None if kinds is None else tuple(kinds), encoding=encoding if fits else None,
        training=snapshot.resume if fits else None, validation=validation,
        metrics=metrics if fits else None, health=tuple(health) if fits and health else None,
        example=example, source=state.source,
    )


def restore_trainer(session: Session, table: TrainingTable) -> Trainer:
    """The session's network on ``table``, trained as far as the file says (ValueError if it can't be)."""
    trainer = session.config.make_trainer(table, encoding=session.network_encoding)
    if session.weights:
        trainer.network.set_parameters(session.weights, session.biases)
        trainer.restore_history(session.history)
        if session.training is not None:
            trainer.restore_state(*session.training)
    return trainer
