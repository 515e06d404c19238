"""The step inspector shows the maths beyond the tutorial with the engine's own numbers: the inputs'
scaling and one-hot columns, a mini-batch's rows, the penalty apart from the data loss, softmax's δ,
the optimizer's state before and after, and a clicked weight's update written out."""
import re
from dataclasses import replace
from html import unescape

import numpy as np
import pytest

from nnplayground.core import PHASES, Adam, TrainingConfig, TrainingTable
from nnplayground.core.presets import PRESETS
from nnplayground.paths import EXAMPLES
from nnplayground.ui.inspector import InspectorPanel, fmt

from .conftest import at_iteration

IRIS = replace(PRESETS["iris.csv"], hidden=(3,))  # scaling on, softmax + cross-entropy


def iris() -> TrainingTable:
    return TrainingTable.from_csv(EXAMPLES / "iris.csv")


def plain(html: str) -> str:
    """Rich text with the line breaks that fit prose to the dock (and kept spaces) as plain spaces."""
    return html.replace("<br>", " ").replace("&nbsp;", " ")


def grid(html: str, name: str) -> list[list[str]]:
    """The matrix called ``name`` as a reader sees it: its lines (column names, then rows), each split
    into its words and numbers."""
    start = html.index(f"<b>{name}</b>")
    block = html[html.index("<pre", start):html.index("</pre>", start)]
    return [line.split() for line in unescape(re.sub("<[^>]+>", "", block)).split("\n")]


def numbers(values) -> list[str]:
    return [fmt(v) for v in values]


class Stepper:
    """An inspector fed by a core Trainer as the worker feeds it: phase results, the settings, the table
    and the encoding they were computed from."""

    def __init__(self, qtbot, config: TrainingConfig, table: TrainingTable):
        self.panel = InspectorPanel()
        qtbot.addWidget(self.panel)
        self.config, self.table = config, table
        self.trainer = config.make_trainer(table)

    def step(self, phases: int = 1) -> list:
        results = [self.trainer.step_phase() for _ in range(phases)]
        self.panel.show_results(results, self.config, self.table, self.trainer.encoding)
        self.panel.sync(self.trainer.iteration, self.trainer.phase)
        return results

    def text(self, phase: str) -> str:
        return plain(self.panel.sections[phase].text())

    def click(self, kind: str, layer: int, i: int, j: int):
        e = self.trainer.explain(kind, layer, i, j)
        self.panel.show_chain_rule(e, None)
        return e


# -- feedforward ------------------------------------------------------------------------------------
def test_feedforward_starts_from_the_scaled_inputs_with_mu_and_sigma(qtbot):
    table = iris()
    s = Stepper(qtbot, IRIS, table)
    (ff,) = s.step()
    text = s.text("feedforward")
    assert "x̃ = (x − μ)/σ" in text
    columns = list(table.input_columns)
    # μ and σ of each column, as a reader would compute them from the table
    assert grid(text, "μ and σ") == [columns, ["μ", *numbers(table.X.mean(axis=0))],
                                     ["σ", *numbers(table.X.std(axis=0))]]
    # the table's own rows, then the same rows scaled: what the network takes (a⁰ = x̃)
    raw = grid(text, "x, the table's values")
    assert raw[0] == columns and raw[1] == numbers(table.X[0]) and raw[-1] == ["…", "142", "more", "rows"]
    scaled = (table.X - table.X.mean(axis=0)) / table.X.std(axis=0)
    np.testing.assert_allclose(ff.X, scaled, rtol=1e-12)
    assert grid(text, "a⁰ = x̃")[1:9] == [numbers(row) for row in ff.X[:8]]
    assert "150×4" in text


def test_one_hot_columns_are_shown_by_their_derived_names(qtbot):
    table = TrainingTable.from_csv_text("colour,size,y\nred,1,0\ngreen,2,1\nblue,3,1\nred,4,0\n")
    config = TrainingConfig(problem="binary", hidden=(2,), scaling=True)
    s = Stepper(qtbot, config, table)
    (ff,) = s.step()
    text = s.text("feedforward")
    assert s.trainer.encoding.input_names == ("colour=blue", "colour=green", "colour=red", "size")
    inputs = grid(text, "a⁰ = x̃")  # each one-hot input named column=label, in two lines
    assert inputs[:2] == [["colour="] * 3, ["blue", "green", "red", "size"]]
    assert inputs[3][:3] == ["0", "1", "0"]  # row 2, green
    assert grid(text, "x, the table's values")[1:5] == [["red", "1"], ["green", "2"], ["blue", "3"], ["red", "4"]]
    assert grid(text, "μ and σ")[1:] == [["μ", "one-hot", fmt(2.5)], ["σ", "3", "inputs", fmt(np.std([1, 2, 3, 4]))]]
    assert "one input per label" in text
    np.testing.assert_array_equal(ff.X[1, :3], [0, 1, 0])


def test_a_mini_batch_names_its_rows_and_shows_only_them(qtbot):
    config = replace(IRIS, batch_size=16, shuffle_seed=3)
    s = Stepper(qtbot, config, iris())
    s.step(4)
    (ff,) = s.step()  # the second batch of the first epoch
    rows = [str(r + 1) for r in ff.rows]  # as the table numbers them
    text = s.text("feedforward")
    assert "batch 2 of 10 in epoch 1</b> (16 rows)" in text
    assert "rows " + ", ".join(rows[:8]) + ", … (hover for all)" in text
    assert ", ".join(rows[8:]) not in text  # the rest only in the tooltip
    assert s.panel.batch_rows_tooltip.endswith(", ".join(rows))
    assert "16×4" in text and "150×4" not in text  # only the batch's rows
    raw = grid(text, "x, the table's values")
    assert [line[0] for line in raw[1:9]] == rows[:8]  # each row labelled with its table row
    assert [line[1:] for line in raw[1:9]] == [numbers(s.table.X[r]) for r in ff.rows[:8]]
    np.testing.assert_array_equal(ff.X, s.trainer.encoding.encode_X(s.table.X[ff.rows]))
    assert [line[0] for line in grid(text, "z¹")[:8]] == rows[:8]
    s.step()
    assert [line[0] for line in grid(s.text("loss"), "y")[1:9]] == rows[:8]  # ŷ and y of the same rows


def test_the_batch_tooltip_shows_on_hover(qtbot):
    from PySide6.QtWidgets import QToolTip

    s = Stepper(qtbot, replace(IRIS, batch_size=40), iris())
    s.panel.show()
    s.step()
    s.panel.sections["feedforward"].linkHovered.emit("rows")
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=2000)
    assert QToolTip.text() == s.panel.batch_rows_tooltip and "40 table rows" in QToolTip.text()


def test_with_validation_rows_the_whole_table_step_names_the_training_rows(qtbot):
    config = replace(IRIS, validation=0.2)
    s = Stepper(qtbot, config, iris())
    s.step()
    text = s.text("feedforward")
    assert "All 120 training rows (30 kept apart for validation, never trained on)." in text
    assert "120×4" in text
    train = np.flatnonzero(~config.validation_rows(s.table, s.trainer.encoding))
    raw = grid(text, "x, the table's values")
    assert [line[0] for line in raw[1:9]] == [str(r + 1) for r in train[:8]]
    assert raw[1][1:] == numbers(s.table.X[train[0]])


# -- loss and backprop ------------------------------------------------------------------------------
def test_the_loss_shows_the_data_loss_and_an_l2_penalty_apart(qtbot):
    s = Stepper(qtbot, replace(IRIS, l2=0.1), iris())
    weights = [w.copy() for w in s.trainer.network.weights]
    _, loss = s.step(2)
    penalty = 0.5 * 0.1 * sum(float((w * w).sum()) for w in weights)  # λ₂/2·Σw², the biases not included
    assert loss.penalty == pytest.approx(penalty, rel=1e-12)
    text = s.text("loss")
    assert "L = L_data + λ₂/2·Σw²" in text and "λ₂ = 0.1" in text
    assert f"L = {loss.data_loss:.6g} + {loss.penalty:.6g} = {loss.loss:.6g}" in text
    assert "L = −(1/N) Σ_rows Σ_k y_k·ln ŷ_k" in text  # cross-entropy's own formula
    plain = Stepper(qtbot, IRIS, iris())
    _, loss = plain.step(2)
    assert f"L = {loss.loss:.6g}" in plain.text("loss") and "L_data" not in plain.text("loss")


def test_backprop_of_softmax_starts_from_y_hat_minus_y_over_n(qtbot):
    s = Stepper(qtbot, replace(IRIS, l2=0.1), iris())
    weights = [w.copy() for w in s.trainer.network.weights]
    _, loss, back = s.step(3)
    expected = (loss.y_hat - loss.y) / loss.y.shape[0]
    np.testing.assert_allclose(back.delta[-1], expected, rtol=1e-12, atol=1e-15)
    text = s.text("backprop")
    assert "δ² = ∂L/∂z² = (ŷ − y)/N" in text and "N = 150 rows" in text
    assert "softmax's Jacobian" in text  # why: the loss's own explanation
    assert grid(text, "δ²")[:8] == [numbers(row) for row in expected[:8]]
    # the penalty's share of each ∂L/∂W as its own matrix: λ₂·W
    for l, w in enumerate(weights):
        np.testing.assert_allclose(back.penalty_dW[l], 0.1 * w, rtol=1e-12)
        k = "¹²"[l]
        assert f"∂L/∂W{k} = a" in text and f"+ λ₂·W{k}" in text
        assert grid(text, f"λ₂·W{k}, the penalty's share")[:3] == [numbers(row) for row in 0.1 * w[:3]]


def test_backprop_of_a_sigmoid_with_bce_explains_its_delta_too(qtbot):
    table = TrainingTable.from_csv(EXAMPLES / "breast_cancer.csv")
    s = Stepper(qtbot, replace(PRESETS["breast_cancer.csv"], hidden=(3,)), table)
    _, loss, back = s.step(3)
    n = loss.y.size  # bce averages every value
    np.testing.assert_allclose(back.delta[-1], (loss.y_hat - loss.y) / n, rtol=1e-12, atol=1e-15)
    text = s.text("backprop")
    assert "δ² = ∂L/∂z² = (ŷ − y)/N" in text and f"N = {table.n_rows}×1 values" in text
    assert "the sigmoid's ŷ(1 − ŷ) cancels the loss's 1/(ŷ(1 − ŷ))" in text


# -- update -----------------------------------------------------------------------------------------
def test_adams_first_step_shows_its_state_before_and_after(qtbot):
    config = replace(IRIS, optimizer="adam", learning_rate=0.01, use_bias=False)
    s = Stepper(qtbot, config, iris())
    *_, back, update = s.step(4)
    g = back.dW[0][0, 0]
    text = s.text("update")
    assert "Adam(beta1=0.9, beta2=0.999, eps=1e-08)" in text and "t = 1 (steps since Reset)" in text
    assert "m ← β₁·m + (1 − β₁)·g" in text and "θ ← θ − η·m̂/(√v̂ + ε)" in text
    # by hand, the first step from zero state: m = 0.1·g, v = 0.001·g², m̂ = g, v̂ = g², Δ = η·g/(|g| + ε)
    assert grid(text, "m of W¹, before") == [["0"] * 3] * 4 == grid(text, "v of W¹, before")
    for name, value in (("m of W¹, after", 0.1 * g), ("v of W¹, after", 0.001 * g * g), ("m̂ of W¹", g),
                        ("v̂ of W¹", g * g), ("−Δ¹, the step", -0.01 * g / (abs(g) + 1e-8))):
        assert grid(text, name)[0][0] == fmt(value), name
    step = update.W_before[0][0, 0] - 0.01 * g / (abs(g) + 1e-8)
    assert update.W_after[0][0, 0] == pytest.approx(step, rel=1e-12)
    assert grid(text, "W¹ after")[0][0] == fmt(step)


def test_the_update_says_when_a_schedule_lowered_the_rate(qtbot):
    config = replace(IRIS, schedule="step", decay_epochs=1, decay_rate=0.5, learning_rate=0.4)
    s = Stepper(qtbot, config, iris())
    s.step(4)
    assert "η = 0.4" in s.text("update") and "lowered" not in s.text("update")
    s.step(4)  # the second epoch: 0.4·0.5
    text = s.text("update")
    assert "η = 0.2" in text and "η = η₀·γ^⌊e/s⌋" in text
    assert "The step schedule lowered the rate from η₀ = 0.4 after e = 1 completed epochs." in text


# -- a clicked weight -------------------------------------------------------------------------------
def test_a_clicked_weight_shows_the_penalty_share_and_its_adam_update_written_out(qtbot):
    config = replace(IRIS, optimizer="adam", learning_rate=0.01, l2=0.1)
    s = Stepper(qtbot, config, iris())
    s.step(8)  # two updates: the state before the second is not zero
    back, update = s.panel.shown["backprop"], s.panel.shown["update"]
    e = s.click("W", 0, 1, 2)
    text = plain(s.panel.chain_rule.text())
    # Σ terms + λ₂·w = the whole gradient, the engine's
    assert e.penalty == pytest.approx(0.1 * e.value, rel=1e-12)
    assert f"λ₂·w = 0.1·{fmt(e.value)} = {e.penalty:.6g}" in text
    assert f"∂L/∂w = {e.gradient:.6g} + {e.penalty:.6g} = {e.backprop_gradient:.6g}" in text
    # its update in iteration 2, line by line, with the numbers the optimizer used
    g = back.dW[0][1, 2]
    m_before = update.state_before["m"][:12].reshape(4, 3)[1, 2]
    lines = Adam().explain_update({"m": update.state_before["m"][:12].reshape(4, 3),
                                   "v": update.state_before["v"][:12].reshape(4, 3)}, g, 0.01, (1, 2), t=2,
                                  theta=update.W_before[0][1, 2])
    assert m_before != 0
    assert "Its update in iteration 2" in text
    for line in lines:
        assert line.numbers in text, line.numbers
    assert lines[0].numbers.startswith(f"m = 0.9·{fmt(m_before)} + 0.1·{fmt(g)}".replace("·-", "·(-"))
    assert lines[-2].value == pytest.approx(update.step_W[0][1, 2], rel=1e-12)  # Δ: the very step taken
    assert lines[-1].value == pytest.approx(e.value, rel=1e-12)  # θ after: the weight now


def test_a_clicked_weight_with_plain_sgd_writes_delta_as_eta_times_g(qtbot):
    config = TrainingConfig(use_bias=False)  # the tutorial's update
    s = Stepper(qtbot, config, TrainingTable.from_csv(EXAMPLES / "article.csv"))
    *_, back, update = s.step(4)
    s.click("W", 1, 2, 0)
    text = plain(s.panel.chain_rule.text())
    g = back.dW[1][2, 0]
    assert f"Δ = 1·{fmt(g)} = {fmt(g)}".replace("1·-", "1·(-") in text
    assert "Δ = η·g" in text
    assert f"θ = {fmt(update.W_before[1][2, 0])} − " in text


def test_a_bias_update_is_written_out_too(qtbot):
    config = replace(IRIS, optimizer="sgd", momentum=0.9, learning_rate=0.1)
    s = Stepper(qtbot, config, iris())
    *_, back, update = s.step(4)
    s.click("b", 1, 0, 2)
    text = plain(s.panel.chain_rule.text())
    v = back.db[1][2]  # the velocity from zero: v = 0.9·0 + g
    assert "∂L/∂b²[3]" in text and f"v = 0.9·0 + {fmt(v)}".replace("+ -", "+ (-") in text
    assert f"Δ = 0.1·{fmt(v)}".replace("·-", "·(-") in text


def test_a_clicked_weight_with_mini_batches_says_which_rows_it_sums(qtbot):
    s = Stepper(qtbot, replace(IRIS, batch_size=16), iris())
    ff, *_ = s.step(3)  # between this batch's backprop and its update
    e = s.click("W", 0, 0, 0)
    assert len(e.terms) == 16
    rows = re.findall(r"<tr>(.*?)</tr>", s.panel.chain_rule.text())  # the terms' table, row by row
    first = [re.findall(r"<td[^>]*>(.*?)</td>", row)[0] for row in rows[:12]]
    assert first == [str(r + 1) for r in ff.rows[:12]]  # named by the batch's table rows
    s.step()  # the update: the next batch is not drawn yet, so the chain rule sums every training row
    s.click("W", 0, 0, 0)
    assert ("On the weights as updated by iteration 1, over all 150 training rows: the backprop of iteration 2 "
            "takes only its batch's rows, so its ∂L/∂W¹[1, 1] is another number.") in plain(s.panel.chain_rule.text())


def test_with_validation_rows_a_clicked_weights_terms_are_named_by_their_table_rows(qtbot):
    """The whole table but its validation rows: the chain rule's first term is the first training row's, and the
    terms table names it by its row in the table (it said 1, 2, 3…, the training rows' count)."""
    config = replace(IRIS, validation=0.2)
    s = Stepper(qtbot, config, iris())
    train = np.flatnonzero(~config.validation_rows(s.table, s.trainer.encoding))
    assert not np.array_equal(train[:12], np.arange(12))

    def first_labels():
        e = s.click("W", 0, 0, 0)
        assert len(e.terms) == 120
        rows = re.findall(r"<tr>(.*?)</tr>", s.panel.chain_rule.text())
        return [re.findall(r"<td[^>]*>(.*?)</td>", row)[0] for row in rows[:12]]

    assert first_labels() == [str(r + 1) for r in train[:12]]  # before any step (no feedforward shown yet)
    s.step(3)
    assert first_labels() == [str(r + 1) for r in train[:12]]


def test_no_update_is_written_out_for_a_click_before_any_update(qtbot):
    s = Stepper(qtbot, replace(IRIS, optimizer="adam"), iris())
    s.step(3)
    s.click("W", 0, 0, 0)
    assert "Its update" not in plain(s.panel.chain_rule.text())


# -- the window --------------------------------------------------------------------------------------
def install(window, qtbot, config: TrainingConfig, table: TrainingTable) -> None:
    window.install(config.make_trainer(table), config, table)
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.config == config
                    and window.last_update.snapshot.iteration == 0, timeout=5000)


def test_the_window_gives_the_inspector_the_encoding_and_forgets_everything_at_reset(window, qtbot):
    assert window.open_table(EXAMPLES / "iris.csv")
    table = window.training_table()
    config = replace(IRIS, optimizer="adam", learning_rate=0.01, l2=0.1, batch_size=50)
    install(window, qtbot, config, table)
    inspector = window.inspector
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1) and inspector.current == "update", timeout=5000)
    feedforward = plain(inspector.sections["feedforward"].text())
    assert "x̃ = (x − μ)/σ" in feedforward and "batch 1 of 3 in epoch 1" in feedforward
    assert "t = 1 (steps since Reset)" in plain(inspector.sections["update"].text())
    window.explain("W", 0, 0, 0)
    qtbot.waitUntil(lambda: inspector.explanation is not None, timeout=3000)
    assert "Its update in iteration 1" in plain(inspector.chain_rule.text())
    assert "λ₂·w = 0.1·" in plain(inspector.chain_rule.text())  # the window's settings
    window.reset()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration == 0, timeout=3000)
    assert not inspector.shown and inspector.explanation is None and inspector.last_step is None
    assert not any(section.isVisibleTo(inspector) for section in inspector.sections.values())
    assert not inspector.chain_rule.isVisibleTo(inspector) and inspector.chain_rule.text() == ""
    assert inspector.batch_rows_tooltip == ""
    window.step_phase_action.trigger()
    qtbot.waitUntil(lambda: inspector.current == PHASES[0], timeout=3000)
    assert "iteration 1" in inspector.sections["feedforward"].text()
    assert not inspector.sections["update"].isVisibleTo(inspector)  # nothing of the old network's update
