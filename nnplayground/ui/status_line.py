"""The status bar: one message, what waits for Reset, where training is, its loss and speed.

With mini-batches it counts epochs beside the iterations ("· 154 epochs done (8 iterations each)": one
iteration is one update, an epoch one pass over the training rows); with a schedule, the learning rate of the moment
("η 0.047 (cosine)"); with validation rows, their loss beside the training loss.

At the end of a run it says how it ended: done (with the metrics, of the training and the validation rows
side by side), stopped early (in the command line's words), paused, or stopped and stuck, with the worst
health note (see the Health tab): a run whose network cannot learn is not reported as done.

Iterations are counted in the step inspector's words (:func:`inspector.position_text`): "iteration 3:
loss next" while the third iteration's phases are being stepped, "3 iterations done" once it is finished.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar

from ..app.validation import early_stop_text
from ..core import PHASES
from ..core.encoded_table import short
from ..core.trainer import EarlyStop
from .frame_pacer import NUMBERS_SECONDS, RateLimit
from .inspector import position_text
from .metrics_view import metrics_text
from .worker import Update

EPOCH_TIP = ("An iteration is one update, on one batch of rows; an epoch is one pass over the training rows (their "
             "order shuffled each time).")
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum"
RATE_WIDEST = "1,000,000 it/s"
LABEL_SPACING = 6  # px between two of the bar's labels (its layout's and the labels' margins)
PROGRESS_ROOM = 100  # px the progress bar takes at least
NOTICE_ROOM = 180  # px left for a message ("Paused at iteration 104,764.") when the numbers are at their longest
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


def epoch_text(epoch: int, per_epoch: int, short: bool = False) -> str:
    """"· 154 epochs done (8 iterations each)": completed epochs (the inspector names the one under way,
    "batch 3 of 8 in epoch 155"), iterations in each (``short``: not said); "" for the whole table per update."""
    if per_epoch <= 1:
        return ""
    done = f"· {epoch:,} epoch{'' if epoch == 1 else 's'} done"
    return done if short else f"{done} ({per_epoch:,} iterations each)"


def rate_text(rate: float, schedule: str) -> str:
    """The learning rate of the moment under a schedule: "η 0.0473 (cosine)"; "" for a constant rate."""
    return "" if schedule == "constant" else f"η {short(rate)} ({schedule})"


def loss_text(loss: float | None, validation: tuple, stop: EarlyStop | None = None) -> str:
    """"loss 0.0123 · validation 0.0188": the latest training loss and, when rows are held out, theirs.
    Right after an early stop the latest losses are those of weights thrown away: the best's instead."""
    if stop is not None:
        return f"validation loss {stop.best_loss:.4g} (the best, restored)"
    text = "loss –" if loss is None else f"loss {loss:.6g}"
    losses = validation[1]
    return text + (f" · validation {losses[-1]:.4g}" if len(losses) else "")


class StatusLine:
    def __init__(self, bar: QStatusBar):
        self._pause_reason = False  # the message on show says why the run pauses (see notify)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(False)
        # a long message is cut at the window's edge (its tooltip holds it whole); it never widens the window
        self.notice.setMinimumWidth(1)
        self.notice.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.iteration_label = QLabel()
        self.iteration_label.setObjectName("iterationLabel")
        self.epoch_label = QLabel()
        self.epoch_label.setObjectName("epochLabel")
        self.epoch_label.setToolTip(EPOCH_TIP)
        self.schedule_label = QLabel()
        self.schedule_label.setObjectName("scheduleLabel")
        self.schedule_label.setToolTip("The learning rate the next update uses, as the schedule has set it")
        self.loss_label = QLabel()
        self.rate_label = QLabel()
        self.pending_label = QLabel()
        self.pending_label.setStyleSheet("color: #9a3412;")
        metrics = bar.fontMetrics()
        for label, widest in ((self.iteration_label, "iteration 100,000,000: feedforward next"),
                              (self.loss_label, "loss 0.000000e-00"), (self.rate_label, RATE_WIDEST)):
            label.setMinimumWidth(metrics.horizontalAdvance(widest) + 8)  # text changes never resize the bar
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self._rate_width = self.rate_label.minimumWidth()
        self._bar = bar
        self._short_epochs = False  # the bar is too narrow to say the iterations an epoch too
        self._widths: tuple | None = None  # what the labels' widths were fitted to
        self._told_stop = None  # the early stop said last (a step may stop early too)
        self._rate = RateLimit(NUMBERS_SECONDS)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bar.addWidget(self.notice, 1)
        for w in (self.pending_label, self.iteration_label, self.epoch_label, self.schedule_label, self.loss_label,
                  self.rate_label, self.progress):
            bar.addPermanentWidget(w)
        for label in (self.epoch_label, self.schedule_label):
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            label.hide()

    def notify(self, text: str, error: bool = False, stuck: bool = False, pause_reason: bool = False) -> None:
        """A message; errors stay (in red) until the next message; ``stuck``: a run that ended stuck (in
        orange, until training moves on); ``pause_reason``: it says why the run is being paused, so the run's
        end does not replace it with a bare "Paused at iteration N"."""
        self._pause_reason = pause_reason
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
        self.epoch_label.hide()
        self.schedule_label.hide()
        self.progress.hide()
        self._told_stop = None

    def show_update(self, update: Update) -> None:
        snap = update.snapshot
        if snap.early_stop is not None and snap.early_stop != self._told_stop:  # a step can stop early too
            self._told_stop = snap.early_stop
            self.notify(early_stop_text(snap.early_stop) + ".")
        if not self._rate.due(update.running):
            return  # numbers changing 20 times a second can't be read
        self._fit(update)
        self.iteration_label.setText(position_text(snap.iteration, snap.phase))
        self.epoch_label.setText(epoch_text(snap.epoch, snap.iterations_per_epoch, self._short_epochs))
        self.schedule_label.setText(rate_text(snap.learning_rate, update.config.schedule))
        stopped = snap.early_stop if snap.early_stop is not None and snap.early_stop.stopped_at == snap.iteration \
            else None
        self.loss_label.setText(loss_text(snap.loss, snap.validation, stopped))
        if update.iterations_per_second:
            self.rate_label.setText(f"{update.iterations_per_second:,.0f} it/s")
        elif not update.running:
            self.rate_label.setText("")  # a step or an edit: the last run's speed is old news
        if update.running:
            # QProgressBar.setValue repaints at once (a pass of its own, flushed to the screen on its own): with
            # updates held back, it is painted with the rest of the frame
            self.progress.setUpdatesEnabled(False)
            self.progress.setMaximum(max(update.config.iterations, 1))
            self.progress.setValue(min(snap.iteration, update.config.iterations))
            self.progress.setUpdatesEnabled(True)

    def _fit(self, update: Update) -> None:
        """While a run goes on, a fixed size for each number's longest text (its iterations, epochs, a validation
        loss), set once: a fixed-size label's new text repaints the label alone, where any other relays out and
        repaints the whole status bar (~1 ms, four times a second). Between runs the texts take what they need,
        and the message the rest."""
        snap, config = update.snapshot, update.config
        per_epoch, validated = snap.iterations_per_epoch, len(snap.validation[1]) > 0
        key = (max(config.iterations, snap.iteration), per_epoch, validated, config.schedule, update.running,
               self._bar.width())
        if key == self._widths:
            return
        self._widths = key
        most = key[0]
        metrics = self.iteration_label.fontMetrics()
        height = max(self.iteration_label.height(), self.iteration_label.sizeHint().height())  # as the bar lays it out
        longest = {self.iteration_label: position_text(max(most - 1, 0), "backprop"),
                  self.epoch_label: epoch_text(most // per_epoch, per_epoch),
                  self.schedule_label: rate_text(0.000123, config.schedule),
                  self.loss_label: loss_text(1.23456e-10, ((), (1.234e-10,) if validated else ())),
                  self.rate_label: RATE_WIDEST}
        # at 1024 px, with batches and a schedule, the longest texts overlapped: the iterations an epoch go first
        need = sum(metrics.horizontalAdvance(text) + 8 + LABEL_SPACING for text in longest.values() if text)
        self._short_epochs = need + PROGRESS_ROOM + NOTICE_ROOM > self._bar.width()
        longest[self.epoch_label] = epoch_text(most // per_epoch, per_epoch, self._short_epochs)
        self.epoch_label.setToolTip(EPOCH_TIP + (f" An epoch is {per_epoch:,} iterations here." if per_epoch > 1
                                                 else ""))
        for label, text in longest.items():
            width = metrics.horizontalAdvance(text) + 8 if text and update.running else 0
            if width:
                label.setFixedSize(width, height)
            else:
                label.setMinimumSize(self._rate_width if label is self.rate_label else 0, 0)
                label.setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX)
            label.setVisible(bool(text))

    def set_running(self, running: bool, latest: Update | None) -> None:
        """A run started or ended; at its end, say how (``latest``: the network's newest state)."""
        self.progress.setVisible(running)
        if running or latest is None or latest.running:
            return
        snap, target = latest.snapshot, latest.config.iterations
        metrics = metrics_text(latest.metrics, latest.table.target_columns, latest.validation_metrics)
        tail = f"; {metrics}." if metrics else "."
        stop = snap.early_stop
        if stop is not None and stop.stopped_at == snap.iteration:  # the run ended there, the best weights back
            self._told_stop = stop
            self.notify(early_stop_text(stop) + tail)
            return
        if snap.iteration < target:
            if not self._pause_reason:  # a message saying why (an edit that waits for Reset) stays
                self.notify(f"Paused at iteration {snap.iteration:,}.")
            return
        stuck = latest.health.stuck if latest.health is not None else None
        if stuck is not None:
            self.notify(f"Stopped at {snap.iteration:,} iterations — stuck (see Health): {headline(stuck)}.",
                        stuck=True)
            self.notice.setToolTip(f"{stuck.message}\n{stuck.fix}")
            return
        loss = "–" if snap.loss is None else f"{snap.loss:.6g}"
        self.notify(f"Done: {snap.iteration:,} iterations, loss {loss}{tail}")
