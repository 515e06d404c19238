"""The training settings as form fields in three groups (the problem and its output, the network,
training); emits a core TrainingConfig whenever they make a valid one, else says why in the core's
words beside the field at fault, and emits nothing.

The problem combo names the problem the table's targets were detected as; choosing another brings the
output activation and loss that belong to it (the core's :func:`~nnplayground.core.suggest.with_problem`),
which the user may then change.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget,
)

from ..core import INITS, LOSSES, TrainingConfig
from ..core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..core.config import CONSTRAINTS
from ..core.encoding import PROBLEMS
from ..core.suggest import with_problem

INVALID_STYLE = "background: #f8c9c4;"
FAULT_LABEL_STYLE = "color: #b42318; font-weight: bold;"

# Each setting's name in the window (the card of suggestions uses the same words), in the panel's order.
LABELS = {
    "problem": "Problem", "output_activation": "Output activation", "loss": "Loss", "scaling": "Scaling",
    "hidden": "Hidden layers", "activation": "Hidden activation", "init": "Initial weights", "use_bias": "Biases",
    "seed": "Seed", "learning_rate": "Learning rate", "iterations": "Iterations",
}
NARROW_LABELS = {  # in a 250 px column (1024×700): on two lines
    "output_activation": "Output\nactivation", "hidden": "Hidden\nlayers", "activation": "Hidden\nactivation",
    "init": "Initial\nweights", "learning_rate": "Learning\nrate"}
FIELD_ROOM = 120  # the width a field needs beside its label ("cross_entropy" in its combo, the seed)
GROUPS = (("Problem and output", ("problem", "output_activation", "loss", "scaling")),
          ("Network", ("hidden", "activation", "init", "use_bias", "seed")),
          ("Training", ("learning_rate", "iterations")))
PROBLEM_NAMES = {"binary": "binary", "multiclass": "multi-class", "regression": "regression"}  # short: 250 px
PROBLEM_TIPS = {
    "binary": "Two values or labels per target column (0 and 1, benign and malignant): one sigmoid output "
              "each, ŷ the chance of the second",
    "multiclass": "One target column of several labels or whole-number classes: one softmax output per "
                  "class, ŷ the probabilities",
    "regression": "Targets that are amounts: a linear output, ŷ the number itself",
}
AT_RESET = ("Applies at Reset (Ctrl+R), which builds a new network; at once while nothing has been "
            "trained yet.")
AT_ONCE = "Applies at once, even during a run."


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


def setting_at_fault(message: str) -> str | None:
    """The setting a message of the core's is about: its label comes first ("loss: bce needs …"); a target
    that the problem can't read ("target 'y' holds 3 different numbers: …") is the problem's."""
    for key, constraint in CONSTRAINTS.items():
        if message.startswith(f"{constraint.label}:"):
            return key
    if message.startswith("target ") or message.startswith("multi-class classification needs"):
        return "problem"
    return None


class SettingsPanel(QWidget):
    configChanged = Signal(object)  # TrainingConfig: the user changed a setting (or applied several)
    configShown = Signal(object)  # TrainingConfig: the fields were set to it (a new network, a session)
    invalid = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        d = TrainingConfig()
        self._unshown = d  # the settings with no field here (optimizer, batches…), as the config shown last has them
        self._detected: str | None = None
        self.problem = QComboBox()
        for name in PROBLEMS:
            self.problem.addItem(PROBLEM_NAMES[name], name)
            self.problem.setItemData(self.problem.count() - 1, PROBLEM_TIPS[name], Qt.ToolTipRole)
        self.problem.setCurrentIndex(PROBLEMS.index(d.problem))
        self.problem.setToolTip(
            "How the targets are read: binary (two values or labels, a sigmoid output each), multi-class (one "
            "output per label, softmax) or regression (numbers, a linear output). The one the table's targets "
            "hold is marked (detected). Choosing another brings its output activation and loss. " + AT_RESET)
        self.output_activation = QComboBox()
        self.output_activation.addItems(list(OUTPUT_ACTIVATIONS))
        self.output_activation.setCurrentText(d.output_activation)
        self.output_activation.setToolTip(
            "The output layer's activation: sigmoid for a probability per output (binary), softmax for one "
            "probability per class (multi-class), linear for any number (regression). " + AT_RESET)
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        self.loss.setCurrentText(d.loss)
        self.loss.setToolTip(
            "What training makes small: sse Σ(ŷ − y)² (the tutorial's), mse its mean over the rows, bce for a "
            "sigmoid output, cross_entropy for softmax. " + AT_RESET)
        self.scaling = QCheckBox("standardise")
        self.scaling.setChecked(d.scaling)
        self.scaling.setToolTip(
            "Scale each number column of the inputs (and a regression's targets) to (x − μ)/σ, mean 0 and spread "
            "1, before training; ŷ is shown in the targets' own units. " + AT_RESET)
        self.hidden = QLineEdit(", ".join(map(str, d.hidden)))
        self.hidden.setPlaceholderText("e.g. 8, 4")
        self.hidden.setToolTip("Units in each hidden layer, first to last, separated by commas (8, 4: two "
                               "layers). " + AT_RESET)
        self.activation = QComboBox()
        self.activation.setEditable(True)  # one name for every hidden layer, or one per layer: "relu, tanh"
        self.activation.addItems(list(HIDDEN_ACTIVATIONS))
        self.activation.setCurrentText(d.activation)
        self.activation.lineEdit().setPlaceholderText("e.g. relu, tanh")
        self.activation.setToolTip(
            "The hidden layers' activation: one for every hidden layer, or one per hidden layer separated by "
            "commas (relu, tanh). The output layer's is the output activation. " + AT_RESET)
        self.init = QComboBox()
        self.init.addItems(list(INITS))
        self.init.setCurrentText(d.init)
        self.init.setToolTip("The weights a new network starts from: uniform [0, 1) as in the tutorial; xavier "
                             "(Glorot uniform) for tanh and sigmoid; he (He normal) for relu. " + AT_RESET)
        self.use_bias = QCheckBox("on every layer")
        self.use_bias.setChecked(d.use_bias)
        self.use_bias.setToolTip("Add a bias b to every layer, z = a·W + b, so each unit can shift its threshold "
                                 "(the tutorial has none). " + AT_RESET)
        self.seed = QSpinBox()
        self.seed.setRange(CONSTRAINTS["seed"].low, min(CONSTRAINTS["seed"].high, 2**31 - 1))  # a QSpinBox is 32-bit
        self.seed.setValue(d.seed)
        self.seed.setToolTip("The same seed gives the same initial weights, so the same run. " + AT_RESET)
        self.learning_rate = QDoubleSpinBox()
        lr = CONSTRAINTS["learning_rate"]
        self.learning_rate.setDecimals(6)
        self.learning_rate.setRange(lr.low, lr.high)
        self.learning_rate.setSingleStep(0.05)
        self.learning_rate.setValue(d.learning_rate)
        self.learning_rate.setToolTip("η in W ← W − η·∂L/∂W: the size of each step. " + AT_ONCE)
        self.iterations = QSpinBox()
        self.iterations.setRange(CONSTRAINTS["iterations"].low, CONSTRAINTS["iterations"].high)
        self.iterations.setGroupSeparatorShown(True)
        self.iterations.setValue(d.iterations)
        self.iterations.setToolTip("Run trains until this many iterations are done. " + AT_ONCE)

        self.fields = {"problem": self.problem, "output_activation": self.output_activation, "loss": self.loss,
                       "scaling": self.scaling, "hidden": self.hidden, "activation": self.activation,
                       "init": self.init, "use_bias": self.use_bias, "seed": self.seed,
                       "learning_rate": self.learning_rate, "iterations": self.iterations}
        names = {"problem": "problemCombo", "output_activation": "outputActivationCombo", "loss": "lossCombo",
                 "scaling": "scalingCheck", "hidden": "hiddenLayersEdit", "activation": "activationEdit",
                 "init": "initCombo", "use_bias": "biasCheck", "seed": "seedSpin",
                 "learning_rate": "learningRateSpin", "iterations": "iterationsSpin"}
        for key, widget in self.fields.items():
            widget.setObjectName(names[key])
        for combo in (self.activation, self.output_activation, self.loss, self.init):  # narrow screens
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.problem.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self._fit_problem()
        self.seed.setMinimumWidth(70)  # a seed of 10 digits scrolls in its field

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.labels: dict[str, QLabel] = {}
        self.messages: dict[str, QLabel] = {}  # per group: the core's words about a field in it
        self._group_of: dict[str, str] = {}
        for title, keys in GROUPS:
            box = QGroupBox(title)
            box.setObjectName(f"settings{title.split()[0]}Group")
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.WrapLongRows)  # at 1024 px a long field goes under its label
            form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
            form.setContentsMargins(6, 6, 6, 6)
            form.setVerticalSpacing(4)
            for key in keys:
                label = QLabel(LABELS[key])
                label.setBuddy(self.fields[key])
                label.setToolTip(self.fields[key].toolTip())
                self.labels[key] = label
                self._group_of[key] = title
                form.addRow(label, self.fields[key])
            message = QLabel()
            message.setObjectName("settingsMessage")
            message.setWordWrap(True)
            message.setStyleSheet("color: #b42318;")
            message.setTextInteractionFlags(Qt.TextSelectableByMouse)
            message.hide()
            form.addRow(message)
            self.messages[title] = message
            layout.addWidget(box)
        layout.addStretch(1)
        self._narrow = False
        self._fault: str | None = None
        self._fields_fault = False  # the fields themselves make no config (else: the table's problem, if any)

        self.problem.currentIndexChanged.connect(self._problem_chosen)
        self.hidden.textChanged.connect(self._changed)
        for combo in (self.activation, self.output_activation, self.loss, self.init):
            combo.currentTextChanged.connect(self._changed)
        self.activation.lineEdit().editingFinished.connect(self._changed)
        for check in (self.scaling, self.use_bias):
            check.toggled.connect(self._changed)
        for spin in (self.learning_rate, self.iterations, self.seed):
            spin.valueChanged.connect(self._changed)

    # -- showing --------------------------------------------------------------------------------
    def resizeEvent(self, event):
        super().resizeEvent(event)
        # narrow (the left column at 1024 px): long labels on two lines, so the fields keep room for their text
        widest = max(self.labels[k].fontMetrics().horizontalAdvance(LABELS[k]) for k in NARROW_LABELS)
        narrow = self.width() - 40 - widest < FIELD_ROOM
        if narrow != self._narrow:
            self._narrow = narrow
            for key, text in NARROW_LABELS.items():
                self.labels[key].setText(text if narrow else LABELS[key])

    @property
    def message(self) -> QLabel:
        """The message on show (the core's words about the field at fault), else the first group's, hidden."""
        return next((m for m in self.messages.values() if not m.isHidden()), self.messages[GROUPS[0][0]])

    def set_config(self, config: TrainingConfig) -> None:
        """Show ``config`` in the fields without announcing it as a change (a new network, a session). The
        settings that have no field here are kept as ``config`` has them."""
        self._unshown = config
        widgets = list(self.fields.values())
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
        self._fields_fault = False
        self._show_fault(None, "")
        self.configShown.emit(config)

    def apply(self, config: TrainingConfig) -> None:
        """Set every field to ``config`` as if the user had: one change, through the same path as an edit
        (a trained network waits for Reset, as for any change of the network's settings)."""
        self.set_config(config)
        self._changed()

    def set_detected(self, problem: str | None) -> None:
        """Mark ``problem`` as the one the table's targets were detected as (None: not known now)."""
        if problem == self._detected:
            return
        self._detected = problem
        for i, name in enumerate(PROBLEMS):
            self.problem.setItemText(i, PROBLEM_NAMES[name] + (" (detected)" if name == problem else ""))
        self._fit_problem()

    def _fit_problem(self) -> None:
        """"multi-class (detected)" is shown whole: beside its label, or on its own row below it when the
        column is narrow (the form wraps a row whose field does not fit)."""
        self.problem.setMinimumWidth(self.problem.sizeHint().width())

    @property
    def detected(self) -> str | None:
        return self._detected

    def show_table_problem(self, message: str | None) -> None:
        """The settings make a config, but it can't train the table (``message``, the core's words): say so
        beside the field at fault. None: they can (or the table can't be read)."""
        if not self._fields_fault:  # the fields' own fault is told first
            self._show_fault(setting_at_fault(message) if message else None, message or "")

    # -- reading --------------------------------------------------------------------------------
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

    # -- changes --------------------------------------------------------------------------------
    def _problem_chosen(self, _index) -> None:
        """Another problem: its output activation and loss come with it (the user may change them after)."""
        paired = with_problem(TrainingConfig(), self.problem.currentData())
        for combo, name in ((self.output_activation, paired.output_activation), (self.loss, paired.loss)):
            combo.blockSignals(True)
            combo.setCurrentText(name)
            combo.blockSignals(False)
        self._changed()

    def _changed(self, *_) -> None:
        try:
            config = self.config()
        except ValueError as exc:
            try:
                parse_hidden(self.hidden.text())
                key = setting_at_fault(str(exc))
            except ValueError:
                key = "hidden"  # the panel's own words about the layers' text
            self._fields_fault = True
            self._show_fault(key, str(exc))
            self.invalid.emit(str(exc))
            return
        self._fields_fault = False
        self._show_fault(None, "")  # whether the new settings can train the table is asked again
        self.configChanged.emit(config)

    def _show_fault(self, key: str | None, message: str) -> None:
        """Mark the field ``key`` (None: no field) and show ``message`` in its group (empty: all clear)."""
        for k, widget in self.fields.items():
            target = widget.lineEdit() if k == "activation" else widget
            bad = k == key
            target.setStyleSheet(f"{target.metaObject().className()} {{ {INVALID_STYLE} }}" if bad else "")
            self.labels[k].setStyleSheet(FAULT_LABEL_STYLE if bad else "")
        group = self._group_of.get(key, GROUPS[0][0]) if message else None
        for title, label in self.messages.items():
            label.setText(message if title == group else "")
            label.setVisible(title == group)
        self._fault = key if message else None

    @property
    def fault(self) -> str | None:
        """The setting marked at fault now, if any."""
        return self._fault
