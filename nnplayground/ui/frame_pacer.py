"""Frame pacing: how often a running training shows itself, and when the worker may go on.

Python threads share one interpreter lock, so every millisecond the window spends showing a frame
is one the worker waits for. The pacer owns the one rule: while training runs, showing frames
(painting included) may take at most ``budget`` of the UI thread's time; updates arriving sooner
are not shown (their losses are kept all the same), and single steps always show at once. After a
frame is shown the worker waits until it is painted, so painting and training never compete.
"""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt

UI_BUDGET = 0.12  # share of the time frames may take while training runs (training waits meanwhile)
# Seconds between frames while running: an interval of 1/25 s, which comes to ~25.5 frames a second (HANDOVER).
# Every frame parks the worker for its ~2-9 ms (the lock is the window's meanwhile), so each one costs training
# speed; 25 moves smoothly, and the floor of 24 is kept with room when a frame runs late. (At 30 a second
# training kept 0.80-0.86 of its headless speed under Xvfb; at 25, see the README's table.)
FRAME_MIN, FRAME_MAX = 1 / 25, 0.5
RECENT = 8  # frames whose costs space the next one (see FrameBudget)
# What a frame costs beyond the window's CPU time (the worker's update, the hand-back: ~1 ms), with a margin: a
# slice of training is the interval less the frame's cost and this, so frames come ~25.5 a second whatever
# they cost (within the budget). A slice of the interval's 88% gave 26 frames a second when frames were cheap,
# 24.0 when they were not (the network diagram of 1000x16).
HANDOVER = 0.002


# While training runs, the parts of a frame change at their own rates: the loss curve every frame
# (it is what moves), the tab's pictures (heatmaps, diagram, surface) at most 12 times a second, and
# numbers (status bar, predictions) 4 times (faster can't be read). A frame then costs less, and more
# frames fit in the window's share of the time. A picture that costs more than PICTURE_SHARE of the
# time at 12 a second (a large network's diagram, or any picture on a busy machine) comes less often,
# so the loss curve keeps its frames.
PICTURE_SECONDS = 1 / 12
PICTURE_SHARE = 0.04  # a third of UI_BUDGET
NUMBERS_SECONDS = 0.25


class RateLimit:
    """A part of the window that, while training runs, changes at most every ``seconds`` and, given a
    ``share``, takes at most that share of the time: each showing's cost (its update and its painting,
    reported through :meth:`charge`) delays the next one. A step or the end of a run always shows it."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.perf_counter, share: float | None = None):
        self.seconds = seconds
        self.share = share
        self._clock = clock
        self._next = 0.0
        self._shown_at = 0.0
        self.cost = 0.0  # seconds the latest showing has cost so far

    def due(self, running: bool) -> bool:
        now = self._clock()
        if running and now < self._next:
            return False
        self._next = now + self.seconds if running else 0.0
        self._shown_at, self.cost = now, 0.0
        return True

    def charge(self, seconds: float) -> None:
        """The latest showing cost ``seconds`` more (the UI thread's CPU time)."""
        self.cost += seconds
        if self.share and self._next:  # only while running: a step always shows
            self._next = max(self._next, self._shown_at + self.cost / self.share)


class FrameBudget:
    """The spacing rule alone (no Qt): a frame's cost is the UI thread's CPU time from one frame to
    the next; frames are an interval of cost / budget seconds apart, within FRAME_MIN…FRAME_MAX, the cost
    being the mean of the last RECENT frames, the costliest left out when it cost over twice the others' mean.
    The next frame is due one ``slice`` after this frame's work: the interval less the frame's cost and
    HANDOVER (the interval's 1 - budget before any cost is known, or when frames cost more than the budget
    even at FRAME_MAX).

    A run's first frame is no sample of the frames to come: it carries the window's switch into running
    (the toolbar's Pause, the progress bar, the loss axis' new range, the predictions' note), ~10-35 ms
    once, which would space the run's first second of frames as if each cost that. Its cost, painting
    included (:meth:`painted`), is left out. What it leaves to the next frame (a relayout, the first
    paint of a long table) and any other one-off (a garbage collection) stands out among the recent frames
    and is not counted either: a smoothed mean took five frames to forget it, so a short run on a large
    table showed 18 frames a second. Frames that cost more as a rule (pictures, numbers) are counted."""

    def __init__(self, budget: float = UI_BUDGET, wall: Callable[[], float] = time.perf_counter,
                 cpu: Callable[[], float] = time.thread_time):
        self.budget = budget
        self._wall, self._cpu = wall, cpu
        self.restart()

    def restart(self) -> None:
        self.interval, self.cost = FRAME_MIN, None
        self.slice = FRAME_MIN * (1 - self.budget)  # the worker's training between two frames
        self._recent: list[float] = []  # the last RECENT frames' costs
        self.next_due = 0.0
        self._marks = (self._wall(), self._cpu())
        self._first = True  # the run's first frame is still to be shown and painted

    def due(self) -> bool:
        return self._wall() >= self.next_due

    def frame_done(self) -> None:
        wall, cpu = self._wall(), self._cpu()
        cost = cpu - self._marks[1]
        self._marks = (wall, cpu)
        if not self._first:
            self._recent = self._recent[1 - RECENT:] + [cost]
            if len(self._recent) > 1:  # (a single cost may be the one-off itself: nothing is known yet)
                top = max(self._recent)
                rest = (sum(self._recent) - top) / (len(self._recent) - 1)
                self.cost = rest if top > 2 * rest else sum(self._recent) / len(self._recent)
                self.interval = min(max(self.cost / self.budget, FRAME_MIN), FRAME_MAX)
                within = self.cost <= self.budget * self.interval  # (not when the interval is at FRAME_MAX)
                self.slice = self.interval - self.cost - HANDOVER if within else self.interval * (1 - self.budget)
        # measured from the end of this frame's work: the next is due once the training part of the
        # interval has passed (the frame itself takes the rest), so one slice of the worker is one frame
        self.next_due = wall + self.slice

    def painted(self) -> None:
        """A running frame is on screen: after the run's first, costs count from here."""
        if self._first:
            self._first = False
            self._marks = (self._wall(), self._cpu())


class AfterPaint(QObject):
    """Calls back once the events queued now, repaints included, have been handled.

    Qt posts repaints (UpdateRequest) at low priority, some only while handling other queued events,
    so the callback travels two low-priority hops to land behind them.
    """

    _TYPE = QEvent.Type(QEvent.registerEventType())
    _PRIORITY = int(Qt.LowEventPriority.value)

    def __init__(self, callback, parent=None):
        super().__init__(parent)
        self._callback = callback
        self._hops = 0

    def post(self):
        self._hops = 2
        QCoreApplication.postEvent(self, QEvent(self._TYPE), self._PRIORITY)

    def event(self, event):
        if event.type() != self._TYPE:
            return super().event(event)
        self._hops -= 1
        if self._hops > 0:
            QCoreApplication.postEvent(self, QEvent(self._TYPE), self._PRIORITY)
        else:
            self._callback()
        return True


class FramePacer(QObject):
    """Decides for each update whether it is shown now, and releases the worker after painting."""

    def __init__(self, show: Callable[[object], None], release_worker: Callable[[], None],
                 tell_slice: Callable[[float], None] = lambda seconds: None, parent=None):
        super().__init__(parent)
        self._show = show
        self._tell_slice = tell_slice  # the worker sizes its slices to the frames (thread-safe)
        self._release = release_worker  # thread-safe: lets a worker waiting for the frame go on
        self._after_paint = AfterPaint(self._painted, self)
        self.budget = FrameBudget()
        self._latest = None

    def restart(self) -> None:
        """A run starts: its first frame is due at once."""
        self.budget.restart()

    def offer(self, update, more_coming: bool = False, paced: bool = False) -> None:
        """Show ``update`` now if it is the last of a step or a run, or a frame that is due.
        ``more_coming``: another step is already on its way (a key held down), so this one may wait;
        ``paced``: the worker runs at a chosen speed and sends only frames to show."""
        if (update.running or more_coming) and not paced and not self.budget.due():
            self._latest = update
            self._release()  # not due yet: training goes on
            return
        self._latest = None
        self._show(update)
        self.budget.frame_done()
        # the worker trains for the rest of the interval: a frame's period is its slice plus the frame
        self._tell_slice(self.budget.slice)
        if update.running:
            self._after_paint.post()  # training resumes once this frame is on screen

    def _painted(self) -> None:
        self.budget.painted()
        self._release()

    def drop(self) -> None:
        """Forget a held-back update (its network has been replaced)."""
        self._latest = None

    def flush(self) -> None:
        """Show the newest update held back, if any (e.g. before saving a picture of the views)."""
        if self._latest is not None:
            update, self._latest = self._latest, None
            self._show(update)
