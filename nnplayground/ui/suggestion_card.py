"""The card above the settings: the settings suggested for the table on show, each with its one-line
reason, the ones that differ from the current settings marked; Apply sets them in one click (through
the settings panel, as an edit would), and Undo apply brings the previous ones back.

What to suggest is decided by :mod:`nnplayground.app.suggestions` on a background thread: for a table
of a million rows it takes about a tenth of a second, and it is asked again at every edit of the
table and every change of the settings. The card shows the latest answer; until it comes, it says so.
"""
from __future__ import annotations

import html
import threading
import time
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout

from ..app.suggestions import Advice, Advisor, Example, Request, same_table
from ..core import TrainingConfig, TrainingTable
from ..core.cpus import free_this_thread
from ..core.encoding import PROBLEM_TITLES
from ..core.table import format_number
from .settings_panel import LABELS, PROBLEM_NAMES

DIFFERS = "#c2410c"  # a setting that is not the suggested one
ERROR = "#b42318"
SLOW = 0.15  # seconds: an answer that takes longer than this is said to be on its way (a large table)
# A large table is asked about once edits pause for this long: the window's own work after an edit comes
# first (the advisor's thread would share the interpreter with it), and a burst of edits is worked out once.
LARGE_CELLS, LARGE_WAIT_MS = 100_000, 250


def esc(text: str) -> str:
    """Plain text in rich text (quotes stay quotes: names are quoted)."""
    return html.escape(text, quote=False)


def shown_value(config: TrainingConfig, key: str) -> str:
    """A setting's value as the panel shows it."""
    value = getattr(config, key)
    if key == "problem":
        return PROBLEM_NAMES[value]
    if key == "hidden":
        return ", ".join(map(str, value))
    if key in ("use_bias", "scaling"):
        return "on" if value else "off"
    if key in ("learning_rate", "iterations"):
        return format_number(value) if key == "learning_rate" else f"{value:,}"
    return str(value)


def reason_line(key: str, why: str, config: TrainingConfig) -> str:
    """The reason as the card reads it: the problem's says which problem first (the others start with their value)."""
    if key == "problem":
        name = config.problem
        if not why.startswith((PROBLEM_TITLES[name], PROBLEM_NAMES[name], name)):
            return f"{PROBLEM_NAMES[name]}: {why}"
    return why


class _Answers(QObject):
    """Carries an answer from the advisor's thread to the UI thread (a queued signal). Not parented: the
    thread keeps it alive while it may still emit, whatever happens to the card."""

    ready = Signal(object)  # Advice


class Background:
    """One advisor working on a daemon thread: a request waits while another is worked on, and a newer one
    replaces it; each answer comes back through ``answers.ready`` on the UI thread."""

    def __init__(self):
        self.answers = _Answers()
        self._advisor = Advisor()
        self._lock = threading.Lock()
        self._wanted: Request | None = None
        self._busy = False

    def ask(self, request: Request) -> None:
        with self._lock:
            self._wanted = request
            if self._busy:
                return
            self._busy = True
        threading.Thread(target=self._work, name="nnplayground-suggest", daemon=True).start()

    def _work(self) -> None:
        free_this_thread()  # (started during a run, it would share the window's one core)
        answers = self.answers
        while True:
            with self._lock:
                request, self._wanted = self._wanted, None
                if request is None:
                    self._busy = False
                    return
            try:
                advice = self._advisor.advise(request)
            except Exception as exc:  # noqa: BLE001 - a suggestion that fails must not stop the next ones
                advice = Advice(request, None, f"{type(exc).__name__}: {exc}")
            try:
                answers.ready.emit(advice)
            except RuntimeError:  # the window is gone
                return


class SuggestionCard(QFrame):
    applyRequested = Signal(object)  # TrainingConfig: set these settings (Apply, or Undo apply)
    adviceShown = Signal(object)  # Advice: the answer for the table and settings on show

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("suggestionCard")
        self.setFrameShape(QFrame.StyledPanel)
        self.setStyleSheet("#suggestionCard { background: #f4f7fb; border: 1px solid #c8d3e0; border-radius: 4px; }")
        self.title = QLabel("<b>Suggested settings</b>")
        self.title.setWordWrap(True)
        self.reasons_button = QToolButton()
        self.reasons_button.setObjectName("suggestionReasonsToggle")
        self.reasons_button.setText("all reasons")
        self.reasons_button.setCheckable(True)
        self.reasons_button.setArrowType(Qt.RightArrow)
        self.reasons_button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.reasons_button.setAutoRaise(True)
        self.reasons_button.setToolTip("Show why each setting is suggested, or only the problem and the settings "
                                       "that differ")
        self.status = QLabel()
        self.status.setObjectName("suggestionStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("applySuggestions")
        self.apply_button.setToolTip("Set every suggested setting in one click (Ctrl+Shift+A); your number of "
                                     "iterations stays. A trained network waits for Reset, as for any change.")
        self.undo_button = QPushButton("Undo apply")
        self.undo_button.setObjectName("undoApplySuggestions")
        self.undo_button.setToolTip("Bring back the settings as they were before Apply")
        self.undo_button.hide()
        self.reasons = QLabel()
        self.reasons.setObjectName("suggestionReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.RichText)
        self.reasons.setTextInteractionFlags(Qt.TextSelectableByMouse)

        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.reasons_button)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.reasons)

        self._table: TrainingTable | None = None
        self._table_problem: str | None = None  # why the table can't be read, when it can't
        self._example: Example | None = None
        self._current: TrainingConfig | None = None
        self._asked: Request | None = None
        self._advice: Advice | None = None  # the answer to the latest request, once it came
        self._undo: tuple[TrainingConfig, TrainingConfig] | None = None  # (before, applied)
        self._apply_when_ready = False
        self._scheduled = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._send)
        self._asked_at = 0.0
        self._background = Background()
        self._background.answers.ready.connect(self._on_advice)  # queued: answers come from the thread
        self.apply_button.clicked.connect(self.apply)
        self.undo_button.clicked.connect(self.undo)
        self.reasons_button.toggled.connect(self._toggle_reasons)
        self._render()

    # -- what the window tells it ---------------------------------------------------------------
    def set_table(self, table: TrainingTable | None, example: Example | None = None,
                  problem: str | None = None) -> None:
        """The table now (None, with ``problem``: it can't be read) and the shipped example it came from."""
        if same_table(table, self._table):
            table = self._table  # the same table read again (a Reset): the suggestion on show stays current
        self._table, self._example, self._table_problem = table, example, problem
        self._schedule()

    def set_current(self, config: TrainingConfig) -> None:
        """The settings as the panel shows them now."""
        if config == self._current:
            return
        self._current = config
        if self._undo is not None and replace(config, iterations=self._undo[1].iterations) != self._undo[1]:
            self._undo = None  # the user moved on from what was applied
        self._schedule()
        self._render()

    # -- what it knows --------------------------------------------------------------------------
    @property
    def advice(self) -> Advice | None:
        """The answer for the table and settings on show; None while it is worked out."""
        return self._advice if self._advice is not None and not self.pending else None

    @property
    def pending(self) -> bool:
        return self._scheduled or (self._asked is not None and (self._advice is None
                                                                 or self._advice.request is not self._asked))

    @property
    def suggestion(self):
        """The suggestion on show (it may be for the table before the latest edit while that one is worked out)."""
        return self._advice.suggestion if self._advice is not None else None

    def differences(self) -> tuple[str, ...]:
        """The settings that are not the suggested ones (the iterations aside: how long to train is the user's)."""
        s = self.suggestion
        if s is None or self._current is None:
            return ()
        return s.differences(self._current)

    def reason_text(self, key: str) -> str | None:
        """The reason on show for one setting (plain text), or None."""
        s = self.suggestion
        why = s.reason(key) if s is not None else None
        return None if why is None else reason_line(key, why, s.config)

    @property
    def can_undo(self) -> bool:
        return self._undo is not None

    # -- what the user asks -----------------------------------------------------------------------
    def apply(self) -> str | None:
        """Set the suggested settings (once worked out, if the table just changed); None, or why not."""
        if self._table is not None and not self._suggestion_is_current():
            self._apply_when_ready = True
            self._render()
            return None
        s = self.suggestion
        if s is None or self._current is None:
            return "No suggestion while the table can't be read" + (f": {self._table_problem}"
                                                                    if self._table_problem else "")
        target = s.applied_to(self._current)  # the user's iterations, optimizer, batches… kept
        if target == self._current:
            return "The settings are already the suggested ones."
        self._undo = (self._current, target)
        self.applyRequested.emit(target)  # the panel shows it and says so: set_current comes back
        self._render()
        return None

    def undo(self) -> str | None:
        """Bring back the settings from before the last Apply; None, or why not."""
        if self._undo is None:
            return "Nothing to undo: the settings changed since Apply."
        before, _ = self._undo
        self._undo = None
        current = self._current or before
        self.applyRequested.emit(replace(before, iterations=current.iterations))
        self._render()
        return None

    # -- the advisor ----------------------------------------------------------------------------
    def _schedule(self) -> None:
        """Ask once the current event is handled (a new network sets the table and the settings together),
        or, for a large table, once edits pause."""
        table = self._table
        large = table is not None and table.data.size > LARGE_CELLS
        self._scheduled = True
        self._timer.start(LARGE_WAIT_MS if large else 0)

    def _send(self) -> None:
        self._scheduled = False
        if self._current is None:
            return
        request = Request(self._table, self._example, self._current)
        if self._asked is not None and self._same(request, self._asked):
            self._render()
            return
        self._asked = request
        if self._table is None:  # nothing to work out
            self._on_advice(Advice(request, None, None))
            return
        self._asked_at = time.monotonic()
        self._background.ask(request)
        QTimer.singleShot(int(SLOW * 1000) + 10, self, self._render)  # still waiting then: say so
        self._render()

    def _suggestion_is_current(self) -> bool:
        """Whether the suggestion on show is for the table as it is now (the settings' check may be on its way)."""
        request = self._advice.request if self._advice is not None else None
        return request is not None and request.table is self._table and request.example == self._example

    @staticmethod
    def _same(a: Request, b: Request) -> bool:
        return a.table is b.table and a.example == b.example and a.config == b.config

    def _on_advice(self, advice: Advice) -> None:
        if advice.request is not self._asked:
            return  # a newer request is on its way
        self._advice = advice
        self.adviceShown.emit(advice)
        if self._apply_when_ready and self._suggestion_is_current():
            self._apply_when_ready = False
            self.apply()
        self._render()

    # -- showing --------------------------------------------------------------------------------
    def _toggle_reasons(self, shown: bool) -> None:
        self.reasons_button.setArrowType(Qt.DownArrow if shown else Qt.RightArrow)
        self._render()

    def _render(self) -> None:
        s, current, advice = self.suggestion, self._current, self._advice
        readable = self._table is not None
        differ = self.differences() if readable else ()
        if self._example is not None and s is not None and s.config == self._example.preset:
            self.title.setText(f"<b>Suggested for {esc(self._example.name)}</b>")
        else:
            self.title.setText("<b>Suggested for this table</b>")
        problem = (advice.problem if advice is not None and current is not None and advice.request.config == current
                   and advice.request.table is self._table else None)
        if not readable:
            text = "No suggestion while the table can't be read" + (
                f": {esc(self._table_problem)}" if self._table_problem else ".")
            status = f"<span style='color:{ERROR}'>{text}</span>"
        elif s is None and advice is not None and advice.request.table is self._table:
            status = f"<span style='color:{ERROR}'>No suggestion for this table: {esc(advice.problem or '')}</span>"
        elif s is None:
            status = "Working out settings for this table…"
        elif problem is not None or differ:
            status = ""
            if "problem" in differ:
                status = (f"The targets read as <b>{PROBLEM_NAMES[s.config.problem]}</b>; the settings are for "
                          f"{PROBLEM_NAMES[current.problem]}. ")
            if problem is not None:
                status = (f"<span style='color:{ERROR}'>These settings can't train the table: {esc(problem)}.</span> "
                          + status + "Apply sets the suggested ones, which can.")
            else:
                names = ", ".join(LABELS[k] for k in differ)
                status += (f"<span style='color:{DIFFERS}'>●</span> {len(differ)} setting"
                           f"{'s differ' if len(differ) > 1 else ' differs'} from the suggestion: {esc(names)}.")
        elif self._undo is not None:
            status = "Applied. Undo apply brings back the settings you had."
        else:
            status = "The settings are the suggested ones."
        stale = readable and s is not None and not self._suggestion_is_current()
        if stale and time.monotonic() - self._asked_at > SLOW:
            status += " <i>(working out the edited table…)</i>"
        if self._apply_when_ready:
            status += " <i>Apply waits for it.</i>"
        self.status.setText(status)
        self.apply_button.setEnabled(readable and s is not None and (bool(differ) or stale))
        self.undo_button.setVisible(self._undo is not None)
        self.reasons.setVisible(s is not None and readable)
        if s is not None:
            self.reasons.setText(self._reasons_html(s, current, differ, self.reasons_button.isChecked()))

    @staticmethod
    def _reasons_html(s, current: TrainingConfig | None, differ: tuple[str, ...], every: bool) -> str:
        """Each suggested setting with its reason (``every``), or only the problem's and those that differ."""
        rows = []
        for key, why in s.reasons:
            if not (every or key == "problem" or key in differ):
                continue
            line = esc(reason_line(key, why, s.config))
            if key in differ and current is not None:
                rows.append(f"<span style='color:{DIFFERS}'>● <b>{LABELS[key]}</b></span> {line} "
                            f"<span style='color:{DIFFERS}'>(now {esc(shown_value(current, key))})</span>")
            elif key == "iterations" and current is not None and current.iterations != s.config.iterations:
                rows.append(f"<b>{LABELS[key]}</b> <span style='color:#666'>{line} (yours, "
                            f"{current.iterations:,}, stay)</span>")
            else:
                rows.append(f"<b>{LABELS[key]}</b> {line}")
        return "<br>".join(rows)
