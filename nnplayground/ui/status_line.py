"""The status bar: one message, what waits for Reset, where training is, its loss and speed.

At the end of a run it says how it ended: done (with the metrics), paused, or stopped and stuck, with the
worst health note (see the Health tab): a run whose network cannot learn is not reported as done.

Iterations are counted in the step inspector's words (:func:`inspector.position_text`): "iteration 3:
loss next" while the third iteration's phases are being stepped, "3 iterations done" once it is finished.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from ..core import PHASES
from .frame_pacer import NUMBERS_SECONDS, RateLimit
from .inspector import position_text
from .metrics_view import metrics_text
from .worker import Update

ERROR_STYLE = "color: #b42318; font-weight: bold;"
STUCK_STYLE = "color: #9a3412; font-weight: bold;"


def headline(note) -> str:
    """A health note's message in a few words for the status bar: up to its first colon or bracket,
    e.g. "layer 2 and layer 3 are saturated from the start"."""
    text = note.message.split(":")[0].split(" (")[0].rstrip(".")
    return text[:1].lower() + text[1:]


def phase_strip_text(next_phase: str, done: str | None) -> str:
    """The four phases with the next one highlighted and the one just done underlined."""
    parts = []
    for p in PHASES:
        if p == next_phase:
            parts.append(f"<span style='background:#fde68a; padding:2px;'><b>{p}</b></span>")
        elif p == done:
            parts.append(f"<u>{p}</u>")
        else:
            parts.append(f"<span style='color:#666'>{p}</span>")
    return "next: " + " → ".join(parts)


class StatusLine:
    def __init__(self, bar: QStatusBar):
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(False)
        self.iteration_label = QLabel()
        self.iteration_label.setObjectName("iterationLabel")
        self.loss_label = QLabel()
        self.rate_label = QLabel()
        self.pending_label = QLabel()
        self.pending_label.setStyleSheet("color: #9a3412;")
        metrics = bar.fontMetrics()
        for label, widest in ((self.iteration_label, "iteration 100,000,000: feedforward next"),
                              (self.loss_label, "loss 0.000000e-00"), (self.rate_label, "1,000,000 it/s")):
            label.setMinimumWidth(metrics.horizontalAdvance(widest) + 8)  # text changes never resize the bar
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self._rate = RateLimit(NUMBERS_SECONDS)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bar.addWidget(self.notice, 1)
        for w in (self.pending_label, self.iteration_label, self.loss_label, self.rate_label, self.progress):
            bar.addPermanentWidget(w)

    def notify(self, text: str, error: bool = False, stuck: bool = False) -> None:
        """A message; errors stay (in red) until the next message; ``stuck``: a run that ended stuck (in
        orange, until training moves on)."""
        self.notice.setStyleSheet(ERROR_STYLE if error else STUCK_STYLE if stuck else "")
        self.notice.setText(text)
        self.notice.setToolTip(text)

    def clear_notice(self) -> None:
        """Training moves on: a message about the past goes (errors say why and stay)."""
        if self.notice.styleSheet() != ERROR_STYLE:
            self.notify("")

    def set_pending(self, what: str) -> None:
        self.pending_label.setText(f"Reset to apply: {what}" if what else "")

    def clear(self) -> None:
        """A new network: no speed, loss or position of the old one stays."""
        self.rate_label.setText("")
        self.loss_label.setText("loss –")
        self.iteration_label.setText(position_text(0, PHASES[0]))
        self.progress.hide()

    def show_update(self, update: Update) -> None:
        if not self._rate.due(update.running):
            return  # numbers changing 20 times a second can't be read
        snap = update.snapshot
        self.iteration_label.setText(position_text(snap.iteration, snap.phase))
        self.loss_label.setText("loss –" if snap.loss is None else f"loss {snap.loss:.6g}")
        if update.iterations_per_second:
            self.rate_label.setText(f"{update.iterations_per_second:,.0f} it/s")
        elif not update.running:
            self.rate_label.setText("")  # a step or an edit: the last run's speed is old news
        if update.running:
            self.progress.setMaximum(max(update.config.iterations, 1))
            self.progress.setValue(min(snap.iteration, update.config.iterations))

    def set_running(self, running: bool, latest: Update | None) -> None:
        """A run started or ended; at its end, say how (``latest``: the network's newest state)."""
        self.progress.setVisible(running)
        if not running and latest is not None and not latest.running:
            snap, target = latest.snapshot, latest.config.iterations
            loss = "–" if snap.loss is None else f"{snap.loss:.6g}"
            stuck = latest.health.stuck if latest.health is not None else None
            if stuck is not None and snap.iteration >= target:
                self.notify(f"Stopped at {snap.iteration:,} iterations — stuck (see Health): {headline(stuck)}.",
                            stuck=True)
                self.notice.setToolTip(f"{stuck.message}\n{stuck.fix}")
            elif snap.iteration >= target:
                metrics = metrics_text(latest.metrics, latest.table.target_columns)
                self.notify(f"Done: {snap.iteration:,} iterations, loss {loss}" + (f"; {metrics}." if metrics else "."))
            else:
                self.notify(f"Paused at iteration {snap.iteration:,}.")
