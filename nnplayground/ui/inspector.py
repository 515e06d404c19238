"""The step inspector: what each phase computed, as small labelled matrices beside their formulas,
and the chain rule of one clicked weight written out with its numbers.

Only presentation lives here: every number comes from the worker's PhaseResults and
ParameterExplanations, formatted, never recomputed.

Iterations are counted from 1 here, as people count them: the phases of the trainer's iteration 0 are
"iteration 1", and a trainer with 3 completed iterations that has not started the next is at
"3 iterations done" (:func:`position_text`, the status bar's words too).
"""
from __future__ import annotations

from html import escape

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ..core import (ACTIVATIONS, LOSSES, PHASES, BackpropResult, FeedforwardResult, LossResult, ParameterExplanation,
                    PhaseResult)

MAX_ROWS, MAX_COLS = 8, 8  # larger matrices show their corner and say how much is left out
CURRENT = "#fff4c2"
STALE = "#888"
LINK = "#1a1a1a"  # clickable numbers (a weight's chain rule)
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt(value: float) -> str:
    return f"{value + 0.0:.4g}"  # + 0.0 turns −0.0 (0 × a negative factor) into 0


def sup(n: int) -> str:
    return str(n).translate(SUP)


def matrix_html(name: str, values: np.ndarray, link: str | None = None) -> str:
    """A matrix as a small HTML table under its name and shape; cells link to ``link:row:col``."""
    values = np.atleast_2d(np.asarray(values))
    rows, cols = values.shape
    cells = []
    for r in range(min(rows, MAX_ROWS)):
        tds = []
        for c in range(min(cols, MAX_COLS)):
            text = fmt(values[r, c])
            if link:
                text = f"<a href='{link}:{r}:{c}' style='color:{LINK}; text-decoration:none'>{text}</a>"
            tds.append(f"<td align='right' style='padding:0 5px'>{text}</td>")
        if cols > MAX_COLS:
            tds.append("<td>…</td>")
        cells.append("<tr>" + "".join(tds) + "</tr>")
    if rows > MAX_ROWS:
        cells.append(f"<tr><td colspan='{min(cols, MAX_COLS) + 1}'>… {rows - MAX_ROWS} more rows</td></tr>")
    return (f"<p style='margin:4px 0 0 0'><b>{name}</b> <span style='color:#666'>{rows}×{cols}</span></p>"
            f"<table style='font-family:monospace; background:#fafafa' cellspacing='0'>{''.join(cells)}</table>")


def position_text(iteration: int, next_phase: str) -> str:
    """Where training is: ``iteration`` completed iterations, ``next_phase`` to run next (as a Snapshot)."""
    if next_phase == PHASES[0]:
        return f"{iteration:,} iteration{'' if iteration == 1 else 's'} done"
    return f"iteration {iteration + 1:,}: {next_phase} next"


def formula(text: str) -> str:
    return f"<p style='margin:2px 0; font-family:serif; font-style:italic; color:#333'>{escape(text)}</p>"


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
        layout.addWidget(self.hint)
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
        layout.addWidget(self.stale_note)
        layout.addWidget(self.chain_rule)
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
        self._context = None

    def clear(self):
        self.shown.clear()
        self._rendered.clear()
        self.stale = False
        self.stale_note.hide()
        for label in self.sections.values():
            label.hide()
        self.chain_rule.hide()
        self.hint.show()

    def show_results(self, results, config) -> None:
        """Show phase results (as copies from the worker, each with its iteration); the last one is
        highlighted."""
        if not results:
            return
        self.hint.hide()
        self.stale = False
        self.stale_note.hide()
        self._context = config
        for result in results:
            self.shown[result.phase] = result
        current = results[-1]
        for phase, label in self.sections.items():
            result = self.shown.get(phase)
            if result is None:
                continue
            if result in results or phase not in self._rendered:
                title = f"{PHASES.index(phase) + 1}. {phase} — iteration {result.iteration + 1:,}"
                self._rendered[phase] = (title, self._render(result, config), False)
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

    def _render(self, r: PhaseResult, config) -> str:
        acts = config.activations_for(len(config.hidden) + 1)
        n = len(acts)
        if isinstance(r, FeedforwardResult):
            parts = [matrix_html(f"a{sup(0)} = X", r.X)]
            for l in range(n):
                bias = f" + b{sup(l + 1)}" if config.use_bias else ""
                parts.append(formula(f"z{sup(l + 1)} = a{sup(l)}·W{sup(l + 1)}{bias}"))
                parts.append(matrix_html(f"z{sup(l + 1)}", r.z[l]))
                parts.append(formula(f"a{sup(l + 1)} = {acts[l]}(z{sup(l + 1)}),  {ACTIVATIONS[acts[l]].formula}"))
                parts.append(matrix_html(f"a{sup(l + 1)}" + (" = ŷ" if l == n - 1 else ""), r.a[l]))
            return "".join(parts)
        if isinstance(r, LossResult):
            loss = LOSSES[config.loss]
            return "".join([
                matrix_html("ŷ", r.y_hat), matrix_html("y", r.y), matrix_html("error ŷ − y", r.error),
                formula(loss.formula), f"<p style='font-size:large'><b>L = {r.loss:.6g}</b></p>",
            ])
        if isinstance(r, BackpropResult):
            loss = LOSSES[config.loss]
            parts = [formula(loss.gradient_formula), matrix_html("∂L/∂ŷ", r.dL_dyhat)]
            for l in range(n - 1, -1, -1):
                k = sup(l + 1)
                if l == n - 1:
                    parts.append(formula(f"δ{k} = ∂L/∂ŷ ⊙ f′(z{k}),  f′ = {ACTIVATIONS[acts[l]].derivative_formula}"))
                else:
                    parts.append(formula(f"δ{k} = (δ{sup(l + 2)}·W{sup(l + 2)}ᵀ) ⊙ f′(z{k}),  "
                                         f"f′ = {ACTIVATIONS[acts[l]].derivative_formula}"))
                parts.append(matrix_html(f"δ{k}", r.delta[l]))
                parts.append(formula(f"∂L/∂W{k} = a{sup(l)}ᵀ·δ{k}"))
                parts.append(matrix_html(f"∂L/∂W{k}", r.dW[l], link=f"W:{l}"))
                if config.use_bias:
                    parts.append(formula(f"∂L/∂b{k} = Σ_rows δ{k}"))
                    parts.append(matrix_html(f"∂L/∂b{k}", r.db[l], link=f"b:{l}"))
            return "".join(parts)
        parts = [formula(f"W ← W − η·∂L/∂W,  η = {r.learning_rate:g}")]
        for l in range(n):
            k = sup(l + 1)
            parts.append(matrix_html(f"W{k} before", r.W_before[l], link=f"W:{l}"))
            parts.append(matrix_html(f"−η·∂L/∂W{k}", -r.step_W[l]))
            parts.append(matrix_html(f"W{k} after", r.W_after[l], link=f"W:{l}"))
            if config.use_bias:
                parts.append(matrix_html(f"b{k} after", r.b_after[l], link=f"b:{l}"))
        return "".join(parts)

    def _on_link(self, href: str):
        kind, layer, row, col = href.split(":")
        layer, row, col = int(layer), int(row), int(col)
        if kind == "W":
            self.weightClicked.emit("W", layer, row, col)
        else:  # a bias vector is shown as one row
            self.weightClicked.emit("b", layer, 0, col)

    def show_chain_rule(self, e: ParameterExplanation, names: list[list[str]] | None,
                        at: tuple[int, str] | None = None) -> None:
        """Show ``e`` (from :meth:`Trainer.explain`, which marks where training was when it was computed:
        it greys out once training moves on, and says which weights it used). ``at`` = (iteration, next
        phase) stands in for that mark on an explanation made outside a trainer."""
        self.hint.hide()
        self._explained_at = (e.iteration, e.phase) if e.phase is not None else at
        self.chain_rule.setEnabled(True)
        self.chain_rule.setStyleSheet("QLabel { background:#eef6ff; padding:6px; }")
        k = sup(e.layer + 1)
        to = names[e.layer + 1][e.j] if names else f"unit {e.j + 1}"
        if e.kind == "W":
            frm = names[e.layer][e.i] if names else f"unit {e.i + 1}"
            symbol = f"∂L/∂W{k}[{e.i + 1}, {e.j + 1}]"
            title = f"{symbol}  ({escape(frm)} → {escape(to)})"
            first = f"a{sup(e.layer)} of {escape(frm)}  (∂z/∂w)"
        else:
            symbol = f"∂L/∂b{k}[{e.j + 1}]"
            title = f"{symbol}  (bias of {escape(to)})"
            first = "1  (∂z/∂b)"
        upstream = "∂L/∂ŷ" if e.is_output else f"Σₖ δ{sup(e.layer + 2)}ₖ·W{sup(e.layer + 2)}ⱼₖ  (∂L/∂a)"
        local = "∂ŷ/∂z = f′(z)" if e.is_output else "f′(z)"
        rows = []
        for r in range(min(len(e.terms), 12)):
            rows.append(f"<tr><td>{r + 1}</td><td align='right'>{fmt(e.a_in[r])}</td><td>×</td>"
                        f"<td align='right'>{fmt(e.upstream[r])}</td><td>×</td><td align='right'>{fmt(e.local[r])}</td>"
                        f"<td>=</td><td align='right'>{fmt(e.terms[r])}</td></tr>")
        if len(e.terms) > 12:
            rows.append(f"<tr><td colspan='8'>… {len(e.terms) - 12} more rows, all in the sum</td></tr>")
        note = self._weights_note(self._explained_at, symbol)
        self.chain_rule.setText(
            f"<h3 style='margin:0'>{title}</h3>"
            + (f"<p style='margin:2px 0; color:#9a3412'>{escape(note, quote=False)}</p>" if note else "")
            + formula(f"∂L/∂w = Σ_rows ({upstream}) · ({local}) · (∂z/∂w)")
            + "<table style='font-family:monospace' cellspacing='0' cellpadding='2'>"
            f"<tr style='color:#555'><td>row</td><td>{first}</td><td></td><td>{upstream}</td><td></td>"
            f"<td>{local}</td><td></td><td>term</td></tr>{''.join(rows)}</table>"
            f"<p style='margin:4px 0'><b>Σ = {e.gradient:.6g}</b> &nbsp; (the engine's backward pass on these same "
            f"weights: {e.backprop_gradient:.6g}); the parameter is {e.value:.6g}</p>")
        self.chain_rule.show()
        self.explanation = e
        QTimer.singleShot(0, self, lambda: self.verticalScrollBar().setValue(0))  # it sits at the top

    def _weights_note(self, at: tuple[int, str] | None, symbol: str) -> str:
        """Which weights a chain rule computed at ``at`` (completed iterations, next phase) used, and how
        its Σ relates to the backprop section's: after an update they are other weights, so the two
        numbers differ, and the note says so."""
        if at is None:
            return ""
        iteration, next_phase = at
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
