"""The training settings as form fields; emits a core TrainingConfig whenever they make a valid one."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QSpinBox,
)

from ..core import INITS, LOSSES, TrainingConfig
from ..core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..core.config import CONSTRAINTS
from ..core.encoding import PROBLEM_TITLES, PROBLEMS

INVALID_STYLE = "QLineEdit { background: #f8c9c4; }"


def parse_hidden(text: str) -> tuple[int, ...]:
    """'8, 4' → (8, 4): units per hidden layer, first to last."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not parts:
        raise ValueError("give the units of at least one hidden layer, e.g. 4 or 8, 4")
    units = []
    for p in parts:
        if not (p.isascii() and p.isdigit()) or int(p) < 1:
            raise ValueError(f"{p!r} is not a number of units (a whole number from 1)")
        units.append(int(p))
    return CONSTRAINTS["hidden"].check(units)  # the limits are the core's, declared once


class SettingsPanel(QGroupBox):
    configChanged = Signal(object)  # TrainingConfig
    invalid = Signal(str)

    def __init__(self, parent=None):
        super().__init__("Network and training", parent)
        d = TrainingConfig()
        self._unshown = d  # the settings with no field here, as the config shown last has them
        form = QFormLayout(self)
        self.hidden = QLineEdit(", ".join(map(str, d.hidden)))
        self.hidden.setPlaceholderText("units per hidden layer, e.g. 8, 4")
        self.hidden.setToolTip("Units in each hidden layer, first to last, separated by commas. "
                               "Applies on Reset.")
        self.problem = QComboBox()
        for name in PROBLEMS:
            self.problem.addItem(PROBLEM_TITLES[name], name)
        self.problem.setCurrentIndex(PROBLEMS.index(d.problem))
        self.problem.setToolTip("How the targets are read: binary (0/1 or two labels, one sigmoid output each), "
                                "multi-class (one output per label, softmax) or regression (numbers). "
                                "Applies on Reset.")
        self.activation = QComboBox()
        self.activation.setEditable(True)  # one name for every hidden layer, or one per layer: "relu, tanh"
        self.activation.addItems(list(HIDDEN_ACTIVATIONS))
        self.activation.setCurrentText(d.activation)
        self.activation.setToolTip("The hidden layers' activation: one for every hidden layer, or one per hidden "
                                   "layer separated by commas (e.g. relu, tanh). Applies on Reset.")
        self.output_activation = QComboBox()
        self.output_activation.addItems(list(OUTPUT_ACTIVATIONS))
        self.output_activation.setCurrentText(d.output_activation)
        self.output_activation.setToolTip("The output layer's activation: sigmoid for probabilities, softmax for "
                                          "classes, linear for any number. Applies on Reset.")
        self.scaling = QCheckBox("standardise: (x − μ)/σ")
        self.scaling.setChecked(d.scaling)
        self.scaling.setToolTip("Scale each input column (and a regression's targets) to mean 0 and spread 1 "
                                "before training. Applies on Reset.")
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        self.loss.setCurrentText(d.loss)
        self.learning_rate = QDoubleSpinBox()
        lr = CONSTRAINTS["learning_rate"]
        self.learning_rate.setDecimals(6)
        self.learning_rate.setRange(lr.low, lr.high)
        self.learning_rate.setSingleStep(0.05)
        self.learning_rate.setValue(d.learning_rate)
        self.learning_rate.setToolTip("η in W ← W − η·∂L/∂W. Applies from the next iteration.")
        self.iterations = QSpinBox()
        self.iterations.setRange(CONSTRAINTS["iterations"].low, CONSTRAINTS["iterations"].high)
        self.iterations.setGroupSeparatorShown(True)
        self.iterations.setValue(d.iterations)
        self.iterations.setToolTip("Run trains until this many iterations are done.")
        self.seed = QSpinBox()
        self.seed.setRange(CONSTRAINTS["seed"].low, min(CONSTRAINTS["seed"].high, 2**31 - 1))  # a QSpinBox is 32-bit
        self.seed.setValue(d.seed)
        self.seed.setToolTip("The same seed gives the same initial weights and the same run. Applies on Reset.")
        self.use_bias = QCheckBox("on every layer")
        self.use_bias.setToolTip("Add a bias b to every layer: z = a·W + b. Applies on Reset.")
        self.use_bias.setChecked(d.use_bias)
        self.init = QComboBox()
        self.init.addItems(list(INITS))
        self.init.setCurrentText(d.init)
        self.init.setToolTip("uniform: [0, 1) as the tutorial; xavier: Glorot uniform; he: He normal")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b42318;")
        self.message.hide()
        for combo in (self.problem, self.activation, self.output_activation, self.loss, self.init):  # narrow screens
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        for widget, name in ((self.problem, "problemCombo"), (self.output_activation, "outputActivationCombo"),
                             (self.scaling, "scalingCheck"),
                             (self.hidden, "hiddenLayersEdit"), (self.activation, "activationEdit"),
                             (self.loss, "lossCombo"), (self.learning_rate, "learningRateSpin"),
                             (self.iterations, "iterationsSpin"), (self.seed, "seedSpin"), (self.use_bias, "biasCheck"),
                             (self.init, "initCombo")):
            widget.setObjectName(name)
        form.addRow("Problem", self.problem)
        form.addRow("Hidden layers", self.hidden)
        form.addRow("Hidden activation", self.activation)
        form.addRow("Output activation", self.output_activation)
        form.addRow("Loss", self.loss)
        form.addRow("Scaling", self.scaling)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Iterations", self.iterations)
        form.addRow("Seed", self.seed)
        form.addRow("Biases", self.use_bias)
        form.addRow("Initial weights", self.init)
        form.addRow(self.message)
        self.hidden.textChanged.connect(self._changed)
        for combo in (self.problem, self.activation, self.output_activation, self.loss, self.init):
            combo.currentTextChanged.connect(self._changed)
        self.scaling.toggled.connect(self._changed)
        self.activation.lineEdit().editingFinished.connect(self._changed)
        self.learning_rate.valueChanged.connect(self._changed)
        self.iterations.valueChanged.connect(self._changed)
        self.seed.valueChanged.connect(self._changed)
        self.use_bias.toggled.connect(self._changed)

    def set_config(self, config: TrainingConfig) -> None:
        """Show ``config`` in the fields without announcing it as a change (opening a session). The settings
        that have no field here (the optimizer, batches, penalties…) are kept as ``config`` has them."""
        self._unshown = config
        widgets = (self.problem, self.hidden, self.activation, self.output_activation, self.loss, self.scaling,
                   self.learning_rate, self.iterations, self.seed, self.use_bias, self.init)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.problem.setCurrentIndex(PROBLEMS.index(config.problem))
            self.hidden.setText(", ".join(map(str, config.hidden)))
            self.activation.setCurrentText(config.activation)
            self.output_activation.setCurrentText(config.output_activation)
            self.loss.setCurrentText(config.loss)
            self.scaling.setChecked(config.scaling)
            self.learning_rate.setValue(config.learning_rate)
            self.iterations.setValue(config.iterations)
            self.seed.setValue(config.seed)
            self.use_bias.setChecked(config.use_bias)
            self.init.setCurrentText(config.init)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.hidden.setStyleSheet("")
        self.message.hide()

    def config(self) -> TrainingConfig:
        """The config the fields describe; ValueError saying why if they don't make one."""
        return replace(
            self._unshown,
            problem=self.problem.currentData(),
            hidden=parse_hidden(self.hidden.text()),
            activation=", ".join(a.strip() for a in self.activation.currentText().split(",")),
            output_activation=self.output_activation.currentText(),
            loss=self.loss.currentText(),
            scaling=self.scaling.isChecked(),
            learning_rate=self.learning_rate.value(),
            iterations=self.iterations.value(),
            seed=self.seed.value(),
            use_bias=self.use_bias.isChecked(),
            init=self.init.currentText(),
        )

    def _changed(self, *_):
        try:
            config = self.config()
        except ValueError as exc:
            try:  # mark the field at fault: the layers, or else the activations
                parse_hidden(self.hidden.text())
                bad, good = self.activation.lineEdit(), self.hidden
            except ValueError:
                bad, good = self.hidden, self.activation.lineEdit()
            bad.setStyleSheet(INVALID_STYLE)
            good.setStyleSheet("")
            self.message.setText(str(exc))
            self.message.show()
            self.invalid.emit(str(exc))
            return
        self.hidden.setStyleSheet("")
        self.activation.lineEdit().setStyleSheet("")
        self.message.hide()
        self.configChanged.emit(config)
