"""The training settings as form fields in groups (the problem and its output, the network, training, the
optimizer and batches, validation and penalties); emits a core TrainingConfig whenever they make a valid
one, else says why in the core's words beside the field at fault, and emits nothing.

The last two groups are folded by default (a line says what they hold): most runs keep the tutorial's
full-batch gradient descent. Only the chosen optimizer's hyperparameters are shown, the shuffle seed only
with mini-batches and a schedule's decay only when it has one.

Numbers are typed into number fields (:class:`~.number_field.NumberField`): ``1e-3`` is read as written; a number the
core refuses (``1e6`` as the learning rate) is told beside the field in the command line's words, the setting in
force unchanged until the text is fixed or Esc puts it back; nothing is rounded or clamped on the way.

The problem combo names the problem the table's targets were detected as; choosing another brings the
output activation and loss that belong to it (the core's :func:`~nnplayground.core.suggest.with_problem`),
which the user may then change.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QSizePolicy, QToolButton, QVBoxLayout, QWidget,
)

from ..app.validation import percent
from ..core import INITS, LOSSES, TrainingConfig
from ..core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..core.config import APPLY_AT_ONCE, CONSTRAINTS
from ..core.encoding import PROBLEMS
from ..core.optimizers import OPTIMIZERS
from ..core.schedules import SCHEDULES
from ..core.suggest import with_problem
from ..core.table import format_number
from .number_field import NumberField

INVALID_STYLE = "background: #f8c9c4;"
FAULT_LABEL_STYLE = "color: #b42318; font-weight: bold;"

# Each setting's name in the window (the card of suggestions uses the same words), in the panel's order.
LABELS = {
    "problem": "Problem", "output_activation": "Output activation", "loss": "Loss", "scaling": "Scaling",
    "hidden": "Hidden layers", "activation": "Hidden activation", "init": "Initial weights", "use_bias": "Biases",
    "seed": "Seed", "learning_rate": "Learning rate", "iterations": "Iterations", "schedule": "Schedule",
    "decay_rate": "Decay rate", "decay_epochs": "Decay epochs", "optimizer": "Optimizer", "momentum": "Momentum",
    "nesterov": "Nesterov", "rho": "ρ", "beta1": "β₁", "beta2": "β₂", "eps": "ε", "batch_size": "Batch size",
    "shuffle_seed": "Shuffle seed", "validation": "Validation", "split_seed": "Split seed", "patience": "Patience",
    "l2": "L2 penalty", "l1": "L1 penalty",
}
NARROW_LABELS = {  # in a 250 px column (1024×700): on two lines
    "output_activation": "Output\nactivation", "hidden": "Hidden\nlayers", "activation": "Hidden\nactivation",
    "init": "Initial\nweights", "learning_rate": "Learning\nrate"}
FIELD_ROOM = 120  # the width a field needs beside its label ("cross_entropy" in its combo, the seed)
GROUPS = (("Problem and output", ("problem", "output_activation", "loss", "scaling")),
          ("Network", ("hidden", "activation", "init", "use_bias", "seed")),
          ("Training", ("learning_rate", "iterations", "schedule", "decay_rate", "decay_epochs")),
          ("Optimizer and batches", ("optimizer", "momentum", "nesterov", "rho", "beta1", "beta2", "eps", "batch_size",
                                     "shuffle_seed")),
          ("Validation and penalties", ("validation", "split_seed", "patience", "l2", "l1")))
# the widgets' object names (tests and style sheets find them by these); the others are "<setting>Field"
OBJECT_NAMES = {"problem": "problemCombo", "output_activation": "outputActivationCombo", "loss": "lossCombo",
                "scaling": "scalingCheck", "hidden": "hiddenLayersEdit", "activation": "activationEdit",
                "init": "initCombo", "use_bias": "biasCheck", "seed": "seedSpin", "learning_rate": "learningRateSpin",
                "iterations": "iterationsSpin"}
NARROW_NUMBERS = ("seed", "shuffle_seed", "split_seed", "batch_size", "decay_epochs", "patience")  # at least 70 px
FOLDED = ("Optimizer and batches", "Validation and penalties")  # folded at first: a line says what they hold
# which fields are shown, by the settings around them: only the chosen optimizer's hyperparameters, the shuffle
# seed with mini-batches only, a schedule's decay only when it has one
SHOWN_WHEN = {
    "momentum": lambda c: c.optimizer == "sgd", "nesterov": lambda c: c.optimizer == "sgd",
    "rho": lambda c: c.optimizer == "rmsprop", "beta1": lambda c: c.optimizer == "adam",
    "beta2": lambda c: c.optimizer == "adam", "eps": lambda c: c.optimizer in ("rmsprop", "adam"),
    "shuffle_seed": lambda c: c.batch_size > 0, "decay_rate": lambda c: c.schedule in ("step", "exponential"),
    "decay_epochs": lambda c: c.schedule == "step",
}
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
ROWS_AT_ONCE = ("Applies at once: the rows are drawn again (one edit, Ctrl+Z undoes) and training goes on without "
                "them from the next iteration.")
FOLD_STYLE = "QToolButton { border: none; padding: 0px; }"
SUMMARY_STYLE = "color: #555;"


def when(key: str) -> str:
    """When a change of this setting applies, as its tooltip says it (config.APPLY_AT_ONCE)."""
    if key in ("validation", "split_seed"):
        return ROWS_AT_ONCE
    return AT_ONCE if key in APPLY_AT_ONCE else AT_RESET


def fold_summary(title: str, config: TrainingConfig) -> str:
    """What a folded group holds, in one line: "adam, batches of 32"; "20 % for validation, patience 50, no
    penalty"."""
    if title == "Optimizer and batches":
        optimizer = config.optimizer
        if optimizer == "sgd" and config.momentum:
            optimizer += f", momentum {format_number(config.momentum)}" + (" (Nesterov)" if config.nesterov else "")
        batches = f"batches of {config.batch_size:,}" if config.batch_size else "the whole table per update"
        return f"{optimizer}; {batches}"
    parts = [f"{percent(config.validation)} for validation" if config.validation else "no validation rows"]
    if config.patience:
        parts.append(f"patience {config.patience:,}")
    penalties = [f"{name} {format_number(value)}" for name, value in (("L2", config.l2), ("L1", config.l1)) if value]
    parts.append(", ".join(penalties) if penalties else "no penalty")
    return "; ".join(parts)


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
        self._detected: str | None = None
        self.problem = QComboBox()
        for name in PROBLEMS:
            self.problem.addItem(PROBLEM_NAMES[name], name)
            self.problem.setItemData(self.problem.count() - 1, PROBLEM_TIPS[name], Qt.ToolTipRole)
        self.problem.setToolTip(
            "How the targets are read: binary (two values or labels, a sigmoid output each), multi-class (one "
            "output per label, softmax) or regression (numbers, a linear output). The one the table's targets "
            "hold is marked (detected). Choosing another brings its output activation and loss.")
        self.output_activation = QComboBox()
        self.output_activation.addItems(list(OUTPUT_ACTIVATIONS))
        self.output_activation.setToolTip(
            "The output layer's activation: sigmoid for a probability per output (binary), softmax for one "
            "probability per class (multi-class), linear for any number (regression).")
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        self.loss.setToolTip(
            "What training makes small: sse Σ(ŷ − y)² (the tutorial's), mse its mean over the rows, bce for a "
            "sigmoid output, cross_entropy for softmax.")
        self.scaling = QCheckBox("standardise")
        self.scaling.setToolTip(
            "Scale each number column of the inputs (and a regression's targets) to (x − μ)/σ, mean 0 and spread "
            "1, before training; ŷ is shown in the targets' own units.")
        self.hidden = QLineEdit()
        self.hidden.setPlaceholderText("e.g. 8, 4")
        self.hidden.setToolTip("Units in each hidden layer, first to last, separated by commas (8, 4: two "
                               "layers).")
        self.activation = QComboBox()
        self.activation.setEditable(True)  # one name for every hidden layer, or one per layer: "relu, tanh"
        self.activation.addItems(list(HIDDEN_ACTIVATIONS))
        self.activation.lineEdit().setPlaceholderText("e.g. relu, tanh")
        self.activation.setToolTip(
            "The hidden layers' activation: one for every hidden layer, or one per hidden layer separated by "
            "commas (relu, tanh). The output layer's is the output activation.")
        self.init = QComboBox()
        self.init.addItems(list(INITS))
        self.init.setToolTip("The weights a new network starts from: uniform [0, 1) as in the tutorial; xavier "
                             "(Glorot uniform) for tanh and sigmoid; he (He normal) for relu.")
        self.use_bias = QCheckBox("on every layer")
        self.use_bias.setToolTip("Add a bias b to every layer, z = a·W + b, so each unit can shift its threshold "
                                 "(the tutorial has none).")
        self.seed = NumberField("seed")
        self.seed.setToolTip("The same seed gives the same initial weights, so the same run.")
        self.learning_rate = NumberField("learning_rate")
        self.learning_rate.setToolTip("η in W ← W − η·∂L/∂W: the size of each step.")
        self.iterations = NumberField("iterations")
        self.iterations.setToolTip("Run trains until this many iterations are done (an iteration is one update; "
                                   "an epoch one pass over the training rows).")
        self._make_lab_fields()

        # every setting's widget is the attribute of its name, in the panel's order
        self.fields = {key: getattr(self, key) for _, keys in GROUPS for key in keys}
        for key, widget in self.fields.items():
            widget.setObjectName(OBJECT_NAMES.get(key, f"{key}Field"))
            widget.setToolTip(f"{widget.toolTip()} {when(key)}")
            if isinstance(widget, QComboBox) and widget is not self.problem:  # narrow screens
                widget.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
                widget.setMinimumContentsLength(6)
        for key in NARROW_NUMBERS:  # beside their labels at 1024 px too; a seed of 10 digits scrolls in its field
            self.fields[key].setMinimumWidth(70)
        self.problem.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self._fit_problem()
        self._show(d)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.labels: dict[str, QLabel] = {}
        self.messages: dict[str, QLabel] = {}  # per group: the core's words about a field in it
        self.folds: dict[str, QToolButton] = {}  # the folding groups' titles: checked when unfolded
        self._summaries: dict[str, QLabel] = {}
        self._boxes: dict[str, QGroupBox] = {}
        self._forms: dict[str, QFormLayout] = {}
        self._group_of: dict[str, str] = {}
        for title, keys in GROUPS:
            box = QGroupBox("" if title in FOLDED else title)
            box.setObjectName(f"settings{title.split()[0]}Group")
            self._boxes[title] = box
            if title in FOLDED:
                layout.addWidget(self._fold_header(title))
            form = QFormLayout(box)
            self._forms[title] = form
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
        self.set_row_count(None)
        self._narrow = False
        self._fault: str | None = None
        self._fields_fault = False  # the fields themselves make no config (else: the table's problem, if any)
        for title in FOLDED:
            self.set_folded(title, True)
        self._follow(d)

        self.problem.currentIndexChanged.connect(self._problem_chosen)
        self.hidden.textChanged.connect(self._changed)
        self.activation.lineEdit().editingFinished.connect(self._changed)
        for widget in self.fields.values():
            if isinstance(widget, NumberField):  # a value typed and accepted, or refused (or no longer)
                widget.valueChanged.connect(self._changed)
                widget.refusalChanged.connect(self._changed)
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(self._changed)
            elif isinstance(widget, QComboBox) and widget is not self.problem:
                widget.currentTextChanged.connect(self._changed)

    def _make_lab_fields(self) -> None:
        """The optimizer, its hyperparameters, batches, the schedule, penalties and validation rows."""
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.optimizer.setToolTip(
            "How a gradient becomes a step: sgd, W ← W − η·∂L/∂W (the tutorial's; with momentum it keeps a "
            "velocity); rmsprop divides each step by a running root mean square of the gradient; adam keeps "
            "running means of the gradient and of its square. Only the chosen one's settings are shown.")
        self.momentum = NumberField("momentum")
        self.momentum.setToolTip("SGD's μ: v ← μ·v + ∂L/∂W, then W ← W − η·v; 0 is plain gradient descent.")
        self.nesterov = QCheckBox("look ahead")
        self.nesterov.setToolTip("Nesterov's momentum: the step takes the gradient where the velocity is "
                                 "taking the weights (needs a momentum above 0).")
        self.rho = NumberField("rho")
        self.rho.setToolTip("RMSProp's ρ: how slowly its running mean of the squared gradient forgets (0.9).")
        self.beta1 = NumberField("beta1")
        self.beta1.setToolTip("Adam's β₁: how slowly its running mean of the gradient forgets (0.9).")
        self.beta2 = NumberField("beta2")
        self.beta2.setToolTip("Adam's β₂: how slowly its running mean of the squared gradient forgets (0.999).")
        self.eps = NumberField("eps")
        self.eps.setToolTip("ε, added to the root before dividing by it, so that a tiny gradient can't make a "
                            "huge step (1e-8).")
        self.batch_size = NumberField("batch_size")  # "whole table" for 0
        self._batch_tip = (
            "Rows per update. The whole table: one update an epoch, as in the tutorial. Smaller batches make more, "
            "noisier updates an epoch (an epoch is one pass over the training rows; its rows are shuffled).")
        self.shuffle_seed = NumberField("shuffle_seed")
        self.shuffle_seed.setToolTip("The seed of the epochs' row order: the same seed, the same batches.")
        self.schedule = QComboBox()
        self.schedule.addItems(list(SCHEDULES))
        self.schedule.setToolTip(
            "How the learning rate changes epoch by epoch: constant; step (times the decay rate every 'decay "
            "epochs' epochs); exponential (times the decay rate every epoch); cosine (down to 0 along half a "
            "cosine over the run's epochs, as many as Iterations makes). The status bar shows the rate of the moment.")
        self.decay_rate = NumberField("decay_rate")
        self.decay_rate.setToolTip("γ: the factor the learning rate is multiplied by (step: every 'decay epochs' "
                                   "epochs; exponential: every epoch).")
        self.decay_epochs = NumberField("decay_epochs")
        self.decay_epochs.setToolTip("Step decay: the epochs between two cuts of the learning rate.")
        self.validation = NumberField("validation")  # a share, shown as a percentage; "none" for 0
        self.validation.setSuffix(" %")
        self.validation.setToolTip(
            "The share of the rows kept apart and measured after every epoch, never trained on (a classification "
            "keeps that share of each class). The table marks them; right-click a row's number to move it.")
        self.split_seed = NumberField("split_seed")
        self.split_seed.setToolTip("The seed the validation rows are drawn with.")
        self.patience = NumberField("patience")  # "off" for 0
        self.patience.setSuffix(" epochs")
        self.patience.setToolTip("Stop when the validation loss has not improved for this many epochs, and put "
                                 "back the weights of its best epoch; off: never. Needs validation rows.")
        self.l2 = NumberField("l2")
        self.l2.setToolTip("λ₂ in λ₂/2·ΣW², added to the loss: pulls each weight towards 0 in proportion to its "
                           "size (weight decay). Biases are not penalised.")
        self.l1 = NumberField("l1")
        self.l1.setToolTip("λ₁ in λ₁·Σ|W|, added to the loss: pulls each weight towards 0 by the same amount, "
                           "so that small ones end at 0. Biases are not penalised.")

    def _show(self, config: TrainingConfig) -> None:
        """Set every field to ``config`` (their signals blocked by the caller, or not yet connected)."""
        for key in self.fields:
            self.set_value(key, getattr(config, key))

    def set_value(self, key: str, value) -> None:
        """Show ``value`` (as a config holds it) in setting ``key``'s field, as if typed or chosen there: unless
        its signals are blocked, the change goes through the same path as the user's."""
        widget = self.fields[key]
        if key == "problem":
            widget.setCurrentIndex(PROBLEMS.index(value))
        elif key == "hidden":
            widget.setText(", ".join(map(str, value)))
        elif isinstance(widget, NumberField):
            widget.setValue(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value)
        else:
            widget.setCurrentText(value)

    def _fold_header(self, title: str) -> QWidget:
        """A folding group's title (a button with an arrow, as the other groups' titles read) and, while it is
        folded, a line saying what it holds."""
        button = QToolButton()
        button.setObjectName(f"fold{title.split()[0]}")
        button.setText(title)
        button.setCheckable(True)
        button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.setStyleSheet(FOLD_STYLE)
        button.setToolTip(f"Show or hide the settings of {title.lower()}")
        button.toggled.connect(lambda shown, t=title: self.set_folded(t, not shown))
        summary = QLabel()
        summary.setObjectName("foldSummary")
        summary.setWordWrap(True)
        summary.setStyleSheet(SUMMARY_STYLE)
        summary.setIndent(18)
        summary.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # wraps in the column, never widens it
        self.folds[title], self._summaries[title] = button, summary
        header = QWidget()
        column = QVBoxLayout(header)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(0)
        column.addWidget(button)
        column.addWidget(summary)
        return header

    def set_folded(self, title: str, folded: bool) -> None:
        """Fold a group (its fields hidden, a line says what they hold) or unfold it."""
        button = self.folds[title]
        button.blockSignals(True)
        button.setChecked(not folded)
        button.blockSignals(False)
        button.setArrowType(Qt.RightArrow if folded else Qt.DownArrow)
        self._boxes[title].setVisible(not folded)
        self._summaries[title].setVisible(folded)

    def folded(self, title: str) -> bool:
        return not self.folds[title].isChecked()

    def summary(self, title: str) -> str:
        """The line a folded group shows ("" while it is unfolded)."""
        return self._summaries[title].text() if self.folded(title) else ""

    def set_row_count(self, training: int | None, total: int | None = None) -> None:
        """The table's rows, as the batch size's hint: "32 of 120 rows" (``training``: those not kept for
        validation)."""
        self.batch_size.setSuffix("" if training is None else f" of {training:,} rows")
        tip = self._batch_tip
        if training is not None:
            held = "" if total is None or total == training else f" ({total - training:,} more are validation rows)"
            tip += f" The table has {training:,} training rows{held}."
        self.batch_size.setToolTip(f"{tip} {when('batch_size')}")
        self.labels["batch_size"].setToolTip(self.batch_size.toolTip())

    def _follow(self, config: TrainingConfig) -> None:
        """Show the fields that ``config`` uses (the chosen optimizer's…) and the folded groups' lines."""
        for key, shown in SHOWN_WHEN.items():
            self._forms[self._group_of[key]].setRowVisible(self.fields[key], shown(config) or key == self._fault)
        for title, label in self._summaries.items():
            label.setText(fold_summary(title, config))

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
        """Show ``config`` in the fields without announcing it as a change (a new network, a session)."""
        widgets = list(self.fields.values())
        for w in widgets:
            w.blockSignals(True)
        try:
            self._show(config)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._fields_fault = False
        self._show_fault(None, "")
        self._follow(config)
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
    def commit_typing(self) -> None:
        """Judge what is typed in a number field and not yet entered (a shortcut pressed while typing), so
        that nothing trains or is built with a setting other than the one shown."""
        for widget in self.fields.values():
            if isinstance(widget, NumberField):
                widget.commit()

    def config(self) -> TrainingConfig:
        """The config the fields describe; ValueError saying why if they don't make one (the first field, from
        the top, whose text is refused)."""
        values = {}
        for key, widget in self.fields.items():
            if key == "problem":
                values[key] = widget.currentData()
            elif key == "hidden":
                values[key] = parse_hidden(widget.text())
            elif key == "activation":  # "relu,tanh" or " relu , tanh": one way of writing it
                values[key] = ", ".join(a.strip() for a in widget.currentText().split(","))
            elif isinstance(widget, NumberField):
                values[key] = widget.entered()
            elif isinstance(widget, QCheckBox):
                values[key] = widget.isChecked()
            else:
                values[key] = widget.currentText()
        return TrainingConfig(**values)

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
        self._follow(config)
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
        if group in self.folds and self.folded(group):
            self.set_folded(group, False)  # the field at fault in view
        if key in SHOWN_WHEN:
            self._forms[group].setRowVisible(self.fields[key], True)

    @property
    def fault(self) -> str | None:
        """The setting marked at fault now, if any."""
        return self._fault
