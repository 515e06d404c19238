"""What the "as the network sees it" view shows: the table being edited, encoded as the network reads it,
or why not; never numbers of another table or another network."""
from dataclasses import replace

import numpy as np

from nnplayground.app.network_view import NO_NETWORK, SETTINGS_WAIT, WAITS_FOR_RESET, network_view
from nnplayground.app.reactions import table_edited
from nnplayground.app.session_state import SessionState
from nnplayground.app.table_document import TableDocument
from nnplayground.core import TrainingTable
from nnplayground.core.presets import PRESETS
from nnplayground.paths import EXAMPLES


def built(name: str = "iris.csv"):
    table = TrainingTable.from_csv(EXAMPLES / name)
    config = PRESETS[name]
    trainer = config.make_trainer(table)
    state = SessionState()
    state.network_built(config, trainer.encoding)
    return state, TableDocument(table), trainer


def test_without_a_network_it_says_so():
    view = network_view(SessionState(), TableDocument(TrainingTable.from_csv(EXAMPLES / "iris.csv")))
    assert view.encoded is None and view.message == NO_NETWORK


def test_it_shows_what_the_trainer_is_fed_and_says_how():
    state, document, trainer = built()
    view = network_view(state, document)
    np.testing.assert_array_equal(view.encoded.X, trainer.X)
    np.testing.assert_array_equal(view.encoded.Y, trainer.y)
    assert view.message == ""
    assert view.caption == "Read-only · inputs x̃ = (x − μ)/σ · species one-hot"


def test_an_edit_the_network_can_read_is_shown_with_the_networks_mu_and_sigma():
    state, document, trainer = built()
    document.set_cells([(0, 0, "7.9")])
    table_edited(state, document, has_network=True, untouched=False)
    view = network_view(state, document)
    mean, scale = trainer.encoding.inputs[0].mean, trainer.encoding.inputs[0].scale
    assert view.encoded.value(0, 0) == (7.9 - mean) / scale  # the network's μ and σ, not the edited table's


def test_a_table_that_waits_for_reset_or_has_a_bad_cell_shows_no_numbers():
    state, document, _ = built()
    document.set_cells([(3, 1, "oops")])
    table_edited(state, document, has_network=True, untouched=False)
    view = network_view(state, document)
    assert view.encoded is None and "row 4, column 'sepal_width'" in view.message
    document.undo.undo()
    document.set_role(0, "target")  # the network was built for other columns
    table_edited(state, document, has_network=True, untouched=False)
    view = network_view(state, document)
    assert view.encoded is None and view.message == WAITS_FOR_RESET


def test_settings_that_wait_for_reset_are_mentioned_beside_the_networks_numbers():
    state, document, trainer = built()
    state.change_settings(replace(state.settings, scaling=False), untouched=False)
    view = network_view(state, document)
    np.testing.assert_array_equal(view.encoded.X, trainer.X)  # still scaled: that network was built so
    assert view.caption.endswith(SETTINGS_WAIT)


def test_the_training_table_is_made_once_per_change_and_shared_with_the_view():
    state, document, _ = built()
    first = document.to_training_table()
    assert document.to_training_table() is first  # its readers share it: a big labels column takes seconds
    assert network_view(state, document).encoded.table is first
    document.set_cells([(0, 4, "virginica")])
    edited = document.to_training_table()
    assert edited is not first and edited.texts(4)[0] == "virginica"
    document.undo.undo()
    assert document.to_training_table() == first and document.to_training_table() is not edited
