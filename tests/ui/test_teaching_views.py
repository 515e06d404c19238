"""The inspector, the chain rule, the diagram and the decision surface show the engine's own numbers."""
import dataclasses

import numpy as np
import pytest

from nnplayground.core import PHASES, Network, Trainer, TrainingConfig, decision_surface
from nnplayground.ui.inspector import CURRENT, STALE, InspectorPanel, fmt

from .conftest import at_iteration


def step_and_wait(window, qtbot, phase_index):
    window.step_phase_action.trigger()
    qtbot.waitUntil(lambda: window.inspector.current == PHASES[phase_index % 4]
                    and window.last_update.phase_result.phase == PHASES[phase_index % 4], timeout=3000)


def test_inspector_shows_the_engines_numbers_after_every_phase(window, qtbot, core_trainer):
    reference = core_trainer()
    for k in range(8):  # two whole iterations, phase by phase
        step_and_wait(window, qtbot, k)
        expected = reference.step_phase()
        shown = window.inspector.shown[expected.phase]
        assert type(shown) is type(expected) and shown.iteration == expected.iteration
        for field in dataclasses.fields(expected):
            got, value = getattr(shown, field.name), getattr(expected, field.name)
            if isinstance(value, tuple):
                assert len(got) == len(value)
                for g, e in zip(got, value):
                    np.testing.assert_array_equal(g, e)
            else:
                np.testing.assert_array_equal(got, value)
        text = window.inspector.sections[expected.phase].text()
        assert f"iteration {expected.iteration + 1}" in text
        first = {"feedforward": ("z", 0), "loss": ("y_hat", None), "backprop": ("delta", 0), "update": ("W_after", 0)}
        key, layer = first[expected.phase]
        value = getattr(expected, key) if layer is None else getattr(expected, key)[layer]
        assert fmt(value[0, 0]) in text
        assert window.inspector.sections[expected.phase].styleSheet().count("#fff4c2") == 1  # highlighted


def test_step_iteration_fills_all_four_sections(window, qtbot):
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)
    assert set(window.inspector.shown) == set(PHASES)
    assert window.inspector.current == "update"
    assert "L = " in window.inspector.sections["loss"].text()


@pytest.mark.parametrize("source", ["heatmap", "inspector", "diagram"])
def test_clicked_weight_shows_a_chain_rule_that_sums_to_the_gradient(window, qtbot, source):
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)
    if source == "heatmap":
        window.heatmaps.clicked.emit("W", 0, 1, 2)
    elif source == "inspector":
        window.inspector.sections["backprop"].linkActivated.emit("W:0:1:2")  # a click on ∂L/∂W¹'s cell
    else:
        window.tabs.setCurrentWidget(window.diagram)
        qtbot.waitUntil(lambda: window.diagram.edges.size > 0, timeout=3000)
        edge = window.diagram.edges[(window.diagram.edges["layer"] == 0) & (window.diagram.edges["i"] == 1)
                                    & (window.diagram.edges["j"] == 2)][0]
        # 30 % along: clear of the source node, and of the crossings every full layer has mid-way
        t = 0.3
        x, y = edge["x0"] + t * (edge["x1"] - edge["x0"]), edge["y0"] + t * (edge["y1"] - edge["y0"])
        found = window.diagram.hit(x, y)
        assert found[0] == "edge" and (found[1]["i"], found[1]["j"]) == (1, 2)
        window.diagram.clicked.emit("W", 0, 1, 2)
    qtbot.waitUntil(lambda: window.inspector.explanation is not None, timeout=3000)
    e = window.inspector.explanation
    snap = window.last_update.snapshot
    net = Network([3, 4, 1], use_bias=False)
    net.set_parameters(snap.weights)
    table = window.last_update.table
    dW, _ = net.gradients(table.X, table.y)
    assert (e.kind, e.layer, e.i, e.j) == ("W", 0, 1, 2)
    assert e.gradient == pytest.approx(dW[0][1, 2], rel=1e-12)
    text = window.inspector.chain_rule.text()
    assert f"Σ = {dW[0][1, 2]:.6g}" in text and "(x2 → h1.3)" in text
    assert text.count("×") == 2 * 4  # two products per row, four rows


def test_gradient_heatmaps_show_the_latest_backprop(window, qtbot, core_trainer):
    for k in range(3):
        step_and_wait(window, qtbot, k)
    reference = core_trainer()
    for _ in range(3):
        back = reference.step_phase()
    for img, expected in zip(window.heatmaps.gradient_images, back.dW):
        np.testing.assert_array_equal(img.image, expected)
    for limit, g in zip(window.heatmaps.limits["gradient"], back.dW):  # each matrix its own scale
        assert np.abs(g).max() <= limit <= 4 / 3 * np.abs(g).max()  # rounded up by one nice step at most


def test_decision_surface_matches_predict_on_xor(window, qtbot):
    from nnplayground.paths import EXAMPLES

    window.tabs.setCurrentWidget(window.surface_view)
    assert window.open_table(EXAMPLES / "xor.csv")
    window.settings.iterations.setValue(300)
    qtbot.waitUntil(lambda: window.last_update.table.columns == ("a", "b", "y"), timeout=3000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 300) and window.surface_view.surface is not None, timeout=10000)
    surface = window.surface_view.surface
    snap = window.last_update.snapshot
    net = window.last_update.config.make_network(window.last_update.table)  # the example's own preset
    net.set_parameters(snap.weights, snap.biases)
    np.testing.assert_array_equal(surface.values, decision_surface(net, surface.spec).values)
    assert surface.values.shape == (64, 64)
    xs, _ = window.surface_view.points.getData()
    assert sorted(xs) == [0, 0, 1, 1]


def test_inspector_greys_out_once_training_moves_on(window, qtbot):
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1), timeout=3000)
    window.explain("W", 1, 0, 0)
    qtbot.waitUntil(lambda: window.inspector.explanation is not None, timeout=3000)
    assert not window.inspector.stale and window.inspector.chain_rule.isEnabled()
    window.settings.iterations.setValue(3000)  # long enough for many updates: the note must keep up
    window.run_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 3000), timeout=10000)
    inspector = window.inspector
    assert inspector.stale and inspector.stale_note.isVisible()
    note = inspector.stale_note.text()
    assert "numbers of iteration 1;" in note and "(3,000 iterations done)" in note
    # what a user sees: the old numbers drawn grey, the old chain rule greyed too
    assert STALE in inspector.sections["update"].text() and STALE in inspector.chain_rule.styleSheet()
    assert CURRENT not in inspector.sections["update"].styleSheet()
    window.step_phase_action.trigger()
    qtbot.waitUntil(lambda: inspector.current == "feedforward" and not inspector.stale, timeout=3000)
    assert not inspector.stale_note.isVisible()
    feedforward = inspector.sections["feedforward"]
    assert STALE not in feedforward.text() and CURRENT in feedforward.styleSheet()
    assert STALE in inspector.sections["update"].text()  # last iteration's update: older than this feedforward


# -- the inspector alone, fed by a core Trainer as the worker feeds it ----------------------------------
def tutorial_panel(qtbot):
    from nnplayground.paths import DEFAULT_TABLE
    from nnplayground.core import TrainingTable

    panel = InspectorPanel()
    qtbot.addWidget(panel)
    config = TrainingConfig(use_bias=False)
    return panel, config, config.make_trainer(TrainingTable.from_csv(DEFAULT_TABLE))


def step(panel, config, trainer: Trainer, phases: int) -> None:
    panel.show_results([trainer.step_phase() for _ in range(phases)], config)
    panel.sync(trainer.iteration, trainer.phase)


def test_a_chain_rule_after_the_update_says_it_used_the_updated_weights(qtbot):
    panel, config, trainer = tutorial_panel(qtbot)
    step(panel, config, trainer, 4)  # one whole iteration: backprop, then the update moved the weights
    e = trainer.explain("W", 0, 1, 2)
    backprop_value = panel.shown["backprop"].dW[0][1, 2]
    assert e.gradient != pytest.approx(backprop_value, rel=1e-6)  # other weights: really another number
    panel.show_chain_rule(e, None)
    text = panel.chain_rule.text()
    assert f"Σ = {e.gradient:.6g}" in text
    assert "On the weights as updated by iteration 1: the backprop of iteration 2 computes this Σ." in text
    assert "The backprop section's ∂L/∂W¹[2, 3] is iteration 1's, computed on the weights before" in text
    assert f"{backprop_value:.6g}" not in text  # backprop's number is not set beside Σ as if they should match
    assert panel.chain_rule.isEnabled()
    step(panel, config, trainer, 3)  # iteration 2's feedforward, loss and backprop: on those same weights
    assert e.gradient == pytest.approx(panel.shown["backprop"].dW[0][1, 2], rel=1e-12)
    assert not panel.chain_rule.isEnabled()  # training moved on since it was computed: greyed out


def test_a_chain_rule_between_backprop_and_update_is_the_backprop_sections_number(qtbot):
    panel, config, trainer = tutorial_panel(qtbot)
    panel.show_chain_rule(trainer.explain("W", 1, 2, 0), None)
    assert "On the initial weights, before any update: the backprop of iteration 1 computes this Σ." in (
        panel.chain_rule.text())
    step(panel, config, trainer, 7)  # the next phase is iteration 2's update
    e = trainer.explain("W", 1, 2, 0)
    assert e.matches_latest_backprop and (e.iteration, e.phase) == (1, "update")
    assert e.gradient == pytest.approx(panel.shown["backprop"].dW[1][2, 0], rel=1e-12)
    panel.show_chain_rule(e, None)
    text = panel.chain_rule.text()
    assert ("On the weights the backprop of iteration 2 used: this Σ is the ∂L/∂W²[3, 1] in the backprop section."
            in text)
    assert panel.chain_rule.isEnabled()


def test_sync_names_where_training_is_in_the_status_bars_words(qtbot):
    panel, config, trainer = tutorial_panel(qtbot)
    step(panel, config, trainer, 4)
    assert not panel.stale and "iteration 1" in panel.sections["update"].text()
    panel.sync(1, "feedforward")  # right where the results left it
    assert not panel.stale_note.isVisibleTo(panel)
    panel.sync(3000, "feedforward")
    assert panel.stale and panel.stale_note.text().startswith(
        "These are the numbers of iteration 1; training has moved on (3,000 iterations done).")
    panel.sync(5, "loss")
    assert "training has moved on (iteration 6: loss next)" in panel.stale_note.text()
