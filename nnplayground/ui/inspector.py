"""The step inspector: what each phase computed, as small labelled matrices beside their formulas,
and the chain rule of one clicked weight written out with its numbers.

Only presentation lives here: every number comes from the worker's PhaseResults and
ParameterExplanations, formatted, never recomputed.

Iterations are counted from 1 here, as people count them: the phases of the trainer's iteration 0 are
"iteration 1", and a trainer with 3 completed iterations that has not started the next is at
"3 iterations done" (:func:`position_text`, the status bar's words too).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QToolTip, QVBoxLayout, QWidget

from ..core import (PHASES, BackpropResult, FeedforwardResult, ParameterExplanation, PhaseResult, TrainingConfig,
                    TrainingTable, UpdateResult)
from ..core.encoding import Encoding
from .inspector_chain import TERM_ROWS, chain_rule_html, terms_table_html
from .inspector_html import LINK, fmt, sup  # noqa: F401 (fmt: how the inspector writes a number, for its callers)
from .inspector_phases import Context, batch_lines, render

CURRENT = "#fff4c2"
STALE = "#888"


def position_text(iteration: int, next_phase: str) -> str:
    """Where training is: ``iteration`` completed iterations, ``next_phase`` to run next (as a Snapshot)."""
    if next_phase == PHASES[0]:
        return f"{iteration:,} iteration{'' if iteration == 1 else 's'} done"
    return f"iteration {iteration + 1:,}: {next_phase} next"


class InspectorPanel(QScrollArea):
    """Four sections, one per phase, plus the chain rule of the last clicked weight."""

    weightClicked = Signal(str, int, int, int)  # kind, layer, i, j

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        self.hint = QLabel("Step a phase (F11) or an iteration (F10) to see every number it computes. "
                           "Click any weight, here or in the heatmaps or the diagram, for its chain rule.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#555")
        layout.addWidget(self.hint, 0, Qt.AlignLeft)
        self.chain_rule = QLabel()
        self.chain_rule.setObjectName("chainRule")
        self.chain_rule.setTextFormat(Qt.RichText)
        self.chain_rule.setWordWrap(True)
        self.chain_rule.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.chain_rule.setFrameShape(QFrame.StyledPanel)
        self.chain_rule.setStyleSheet("QLabel { background:#eef6ff; padding:6px; }")
        self.chain_rule.hide()
        self.stale_note = QLabel()
        self.stale_note.setObjectName("staleNote")
        self.stale_note.setWordWrap(True)
        self.stale_note.setStyleSheet("QLabel { color:#9a3412; font-weight:bold; }")
        self.stale_note.hide()
        layout.addWidget(self.stale_note, 0, Qt.AlignLeft)
        layout.addWidget(self.chain_rule, 0, Qt.AlignLeft)
        self.sections: dict[str, QLabel] = {}
        for phase in PHASES:
            label = QLabel()
            label.setObjectName(f"{phase}Section")
            label.setTextFormat(Qt.RichText)
            # no word wrap: matrices and formulas don't wrap anyway (the dock scrolls), and wrapped rich text
            # is laid out twice per update (height for width): 18 of a step frame's 46 ms
            label.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.LinksAccessibleByMouse)
            label.setFrameShape(QFrame.StyledPanel)
            label.linkActivated.connect(self._on_link)
            label.linkHovered.connect(self._on_hover)
            label.hide()
            layout.addWidget(label)
            self.sections[phase] = label
        layout.addStretch(1)
        self.setWidget(body)
        self.shown: dict[str, PhaseResult] = {}  # the result each section shows
        self._rendered: dict[str, tuple[str, str, bool]] = {}  # phase -> (title, body html, highlighted)
        self.current: str | None = None  # the phase computed last
        self.explanation: ParameterExplanation | None = None
        self._explained_at: tuple[int, str] | None = None
        self.stale = False
        self.config: TrainingConfig | None = None  # the settings of the results shown
        # the latest update shown with its iteration's backprop (its gradient): a clicked weight's update
        self.last_step: tuple[UpdateResult, BackpropResult] | None = None
        self.batch_rows_tooltip = ""  # every table row of the batch shown (its line names the first few)
        self._chain_rule_width = 0  # the narrowest the chain rule can be

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Resize:
            self._fit_prose(event.size().width())
        return super().viewportEvent(event)

    def _fit_prose(self, width: int | None = None) -> None:
        """Text that wraps (the hint, the note, the chain rule) wraps at the visible width: the sections'
        wide matrices may make the body wider than the dock, and prose there would run off its edge. The
        chain rule's table never gets narrower than its numbers (the dock scrolls sideways then)."""
        width = max((self.viewport().width() if width is None else width) - 12, 120)  # the body's margins
        for label in (self.hint, self.stale_note, self.chain_rule):
            fit = max(width, self._chain_rule_width) if label is self.chain_rule else width
            if label.width() != fit:
                label.setFixedWidth(fit)

    def clear(self):
        """Forget everything shown: a new network (Reset, another table or session) starts blank."""
        self.shown.clear()
        self._rendered.clear()
        self.stale = False
        self.stale_note.hide()
        for label in self.sections.values():
            label.hide()
        self.chain_rule.hide()
        self.chain_rule.clear()
        self.explanation = self._explained_at = None
        self.config = self.last_step = None
        self.batch_rows_tooltip = ""
        self._chain_rule_width = 0
        self.hint.show()

    def show_results(self, results, config: TrainingConfig, table: TrainingTable | None = None,
                     encoding: Encoding | None = None) -> None:
        """Show phase results (as copies from the worker, each with its iteration); the last one is
        highlighted. ``table`` and ``encoding`` are those the results were computed from: with them the
        feedforward shows the table's own values and their scaling, and matrices name their columns."""
        if not results:
            return
        self.hint.hide()
        self.stale = False
        self.stale_note.hide()
        self.config = config
        for result in results:
            self.shown[result.phase] = result
            if isinstance(result, FeedforwardResult):
                self.batch_rows_tooltip = batch_lines(result, Context(config, table, encoding))[1]
            if isinstance(result, UpdateResult):
                backprop = self.shown.get("backprop")
                self.last_step = (result, backprop) if backprop is not None and (
                    backprop.iteration == result.iteration) else None
        feedforward = self.shown.get("feedforward")
        contexts: dict[int, Context] = {}  # one per iteration: its rows are worked out once
        current = results[-1]
        for phase, label in self.sections.items():
            result = self.shown.get(phase)
            if result is None:
                continue
            if result in results or phase not in self._rendered:
                title = f"{PHASES.index(phase) + 1}. {phase} — iteration {result.iteration + 1:,}"
                same = feedforward if feedforward is not None and feedforward.iteration == result.iteration else None
                context = contexts.setdefault(result.iteration, Context(config, table, encoding, same))
                self._rendered[phase] = (title, render(result, context), False)
            title, body, _ = self._rendered[phase]
            self._rendered[phase] = (title, body, result is current)
            # a phase of the previous iteration, not recomputed yet in this one, is shown grey
            self._paint(phase, grey=result.iteration != current.iteration and phase != current.phase)
            label.show()
        self.current = current.phase
        # bring the phase just computed into view once the layout has placed it
        QTimer.singleShot(0, self, self._scroll_to_current)

    def sync(self, iteration: int, next_phase: str) -> None:
        """Say how the numbers shown relate to where training is now; call it after every update.

        ``iteration`` is the trainer's count of completed iterations (``Snapshot.iteration``, also the
        0-based number of the iteration in progress) and ``next_phase`` the phase it runs next
        (``Snapshot.phase``). Sections and the chain rule computed at an earlier point are greyed out,
        with a note naming both points, e.g. "iteration 1" and "3,000 iterations done".
        """
        position = iteration * len(PHASES) + PHASES.index(next_phase)
        latest = max(self.shown.values(), key=lambda r: r.iteration * len(PHASES) + PHASES.index(r.phase), default=None)
        stale = latest is not None and latest.iteration * len(PHASES) + PHASES.index(latest.phase) + 1 != position
        if stale != self.stale:
            self.stale = stale
            for phase in self.shown:
                self._paint(phase, grey=stale)
            if stale:  # the note saying why they are grey is at the top: show it
                self.verticalScrollBar().setValue(0)
        if stale:
            self.stale_note.setText(f"These are the numbers of iteration {latest.iteration + 1:,}; training has moved "
                                    f"on ({position_text(iteration, next_phase)}). Step a phase or an iteration to "
                                    "see the current ones.")
        self.stale_note.setVisible(stale)
        if self._explained_at is not None:
            fresh = self._explained_at == (iteration, next_phase)
            if fresh != self.chain_rule.isEnabled():
                self.chain_rule.setEnabled(fresh)
                background, color = ("#eef6ff", "#000") if fresh else ("#f3f3f3", STALE)
                self.chain_rule.setStyleSheet(f"QLabel {{ background:{background}; padding:6px; color:{color}; }}")

    def _scroll_to_current(self) -> None:
        """Bring the phase just computed into view, up and down only: the sections are wider than the
        dock, and scrolling sideways would cut off their left edge (their titles)."""
        section = self.sections[self.current]
        bar = self.verticalScrollBar()
        top, bottom = section.y(), section.y() + section.height()
        if top < bar.value() or bottom > bar.value() + self.viewport().height():
            bar.setValue(top)
        self.horizontalScrollBar().setValue(0)

    def _paint(self, phase: str, grey: bool) -> None:
        title, body, highlighted = self._rendered[phase]
        color = STALE if grey else "#000"
        if grey:  # the clickable numbers carry their own colour: older numbers look older too
            body = body.replace(f"color:{LINK}", f"color:{STALE}")
        label = self.sections[phase]
        label.setText(f"<h3 style='margin:0; color:{color}'>{title}</h3><div style='color:{color}'>{body}</div>")
        background = CURRENT if highlighted and not self.stale else "white"
        style = f"QLabel {{ background:{background}; padding:6px; }}"
        if label.styleSheet() != style:  # restyling is costly (a polish of the label): only on change
            label.setStyleSheet(style)
        label.setProperty("grey", grey)

    def _on_link(self, href: str):
        if href == "rows":  # the batch's rows: its tooltip lists them all
            return
        kind, layer, row, col = href.split(":")
        layer, row, col = int(layer), int(row), int(col)
        if kind == "W":
            self.weightClicked.emit("W", layer, row, col)
        else:  # a bias vector is shown as one row
            self.weightClicked.emit("b", layer, 0, col)

    def _on_hover(self, href: str) -> None:
        if href == "rows" and self.batch_rows_tooltip:
            QToolTip.showText(QCursor.pos(), self.batch_rows_tooltip, self)
        else:
            QToolTip.hideText()

    def show_chain_rule(self, e: ParameterExplanation, names: list[list[str]] | None,
                        at: tuple[int, str] | None = None, config: TrainingConfig | None = None) -> None:
        """Show ``e`` (from :meth:`Trainer.explain`, which marks where training was when it was computed:
        it greys out once training moves on, and says which weights it used). ``at`` = (iteration, next
        phase) stands in for that mark on an explanation made outside a trainer. ``config`` (default: the
        settings of the results shown) names the penalty's λ and the optimizer that wrote the last update."""
        self.hint.hide()
        self._explained_at = (e.iteration, e.phase) if e.phase is not None else at
        self.chain_rule.setEnabled(True)
        self.chain_rule.setStyleSheet("QLabel { background:#eef6ff; padding:6px; }")
        k = sup(e.layer + 1)
        symbol = f"∂L/∂W{k}[{e.i + 1}, {e.j + 1}]" if e.kind == "W" else f"∂L/∂b{k}[{e.j + 1}]"
        labels, whole = self._rows_of(e)
        note = self._weights_note(self._explained_at, symbol, whole)
        html = chain_rule_html(e, names, note, config or self.config, self.last_step, labels)
        self.chain_rule.setText(html)
        document = QTextDocument()  # the terms' table, unwrapped: the chain rule is never narrower
        document.setDefaultFont(self.chain_rule.font())
        document.setHtml(terms_table_html(e, labels))
        self._chain_rule_width = int(document.idealWidth()) + 20  # the label's padding and frame
        self._fit_prose()
        self.chain_rule.show()
        self.explanation = e
        QTimer.singleShot(0, self, lambda: self.verticalScrollBar().setValue(0))  # it sits at the top

    def _rows_of(self, e: ParameterExplanation) -> tuple[list[str] | None, int | None]:
        """The chain rule's terms' table rows, as labels (None: rows 1, 2, 3…), and, with mini-batches between two
        iterations, the count of training rows it summed (the next batch is not drawn yet)."""
        labels = None if e.rows is None else [str(int(r) + 1) for r in e.rows[:TERM_ROWS]]
        ff = self.shown.get("feedforward")
        if ff is None or e.iteration is None or ff.batches == 1:
            return labels, None
        if e.phase != PHASES[0] and ff.iteration == e.iteration and ff.rows.size == len(e.terms):
            return labels, None  # the batch under way
        return labels, len(e.terms)

    def _weights_note(self, at: tuple[int, str] | None, symbol: str, whole: int | None = None) -> str:
        """Which weights a chain rule computed at ``at`` (completed iterations, next phase) used, and how
        its Σ relates to the backprop section's: after an update they are other weights, so the two
        numbers differ, and the note says so. ``whole``: computed over that many training rows while
        training takes mini-batches (between iterations: the next batch is not drawn yet)."""
        if at is None:
            return ""
        iteration, next_phase = at
        if whole is not None:
            weights = (f"the weights as updated by iteration {iteration:,}" if iteration else
                       "the initial weights")
            return (f"On {weights}, over all {whole:,} training rows: the backprop of iteration {iteration + 1:,} "
                    f"takes only its batch's rows, so its {symbol} is another number.")
        shown = self.shown.get("backprop")
        shown_text = ""
        if shown is not None:
            shown_text = (f" The backprop section's {symbol} is iteration {shown.iteration + 1:,}'s, computed on the "
                          "weights before that iteration's update: other weights, so another number.")
        if next_phase == "update":  # between a backprop and its update: the very weights backprop used
            if shown is not None and shown.iteration == iteration:
                return (f"On the weights the backprop of iteration {iteration + 1:,} used: this Σ is the {symbol} "
                        "in the backprop section.")
            return f"On the weights the backprop of iteration {iteration + 1:,} used."
        if iteration == 0:
            return "On the initial weights, before any update: the backprop of iteration 1 computes this Σ."
        return (f"On the weights as updated by iteration {iteration:,}: the backprop of iteration {iteration + 1:,} "
                f"computes this Σ.{shown_text}")
