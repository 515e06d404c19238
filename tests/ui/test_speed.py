"""The speed control: slow runs show every iteration; Pause and speed changes take effect at once."""
import time

import pytest

from .conftest import at_iteration


def choose(window, label):
    window.speed_control.setCurrentIndex(window.speed_control.findText(label))


def test_the_last_choice_is_as_fast_as_possible(window):
    combo = window.speed_control
    assert combo.objectName() == "speedControl"
    assert combo.currentText() == combo.itemText(combo.count() - 1) == "as fast as possible"


def test_a_slow_run_shows_every_iteration_at_the_chosen_rate(window, qtbot):
    shown = []
    window.controller.shown.connect(lambda update: shown.append(update.snapshot.iteration))
    choose(window, "10 it/s")
    window.settings.iterations.setValue(8)
    start = time.perf_counter()
    window.run_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 8), timeout=5000)
    elapsed = time.perf_counter() - start
    assert elapsed > 0.6  # 8 iterations at 10 a second, not as fast as possible
    assert [i for i in range(1, 9) if i not in shown] == []  # each one was on screen


def test_pause_at_one_iteration_a_second_is_immediate(window, qtbot):
    choose(window, "1 it/s")
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration >= 1, timeout=3000)
    start = time.perf_counter()
    window.run_action.trigger()  # Pause
    qtbot.waitUntil(lambda: not window.running, timeout=2000)
    assert time.perf_counter() - start < 0.5  # at once, not after the second a slow run waits
    stopped = window.last_update.snapshot.iteration
    qtbot.wait(1200)
    assert window.last_update.snapshot.iteration == stopped


def test_a_faster_speed_applies_during_a_slow_run(window, qtbot):
    choose(window, "1 it/s")
    window.settings.iterations.setValue(1500)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.last_update.snapshot.iteration >= 1, timeout=3000)
    window.faster_action.trigger()  # Ctrl+]
    assert window.speed_control.currentText() == "3 it/s"
    choose(window, "as fast as possible")
    qtbot.waitUntil(lambda: at_iteration(window, 1500), timeout=5000)


def test_a_rate_limited_part_shows_at_most_so_often_while_running_and_always_otherwise():
    from nnplayground.ui.frame_pacer import RateLimit

    now = [0.0]
    rate = RateLimit(0.25, clock=lambda: now[0])
    assert rate.due(running=True)
    now[0] = 0.1
    assert not rate.due(running=True)
    assert rate.due(running=False)  # a step, or the end of a run: always
    now[0] = 0.2
    assert rate.due(running=True) and not rate.due(running=True)
    now[0] = 0.46
    assert rate.due(running=True)


def test_a_costly_part_comes_less_often_while_running_and_a_step_always_shows_it():
    from nnplayground.ui.frame_pacer import RateLimit

    now = [0.0]
    rate = RateLimit(0.1, clock=lambda: now[0], share=0.05)
    assert rate.due(running=True)
    rate.charge(0.004)
    rate.charge(0.006)  # updating and painting it took 10 ms: at most 5% of the time, so 200 ms apart
    now[0] = 0.15
    assert not rate.due(running=True)
    now[0] = 0.2
    assert rate.due(running=True)
    rate.charge(0.001)  # a cheap one: the 0.1 s spacing rules
    now[0] = 0.29
    assert not rate.due(running=True)
    now[0] = 0.31
    assert rate.due(running=True)
    rate.charge(1.0)
    assert rate.due(running=False)  # a step, or the end of a run: always
    rate.charge(1.0)  # (and costs do not hold back what follows a step)
    assert rate.due(running=True)


def test_frames_are_spaced_by_their_cost_but_a_runs_first_frame_is_no_sample():
    from nnplayground.ui.frame_pacer import FRAME_MIN, HANDOVER, FrameBudget

    wall, cpu = [0.0], [0.0]
    budget = FrameBudget(0.1, wall=lambda: wall[0], cpu=lambda: cpu[0])
    budget.restart()
    cpu[0] += 0.020  # the first frame: the toolbar, the status bar, the new range...
    budget.frame_done()
    cpu[0] += 0.015  # ...and its painting
    budget.painted()
    assert budget.interval == FRAME_MIN
    for _ in range(2):
        wall[0] += 0.05
        cpu[0] += 0.006  # an ordinary frame, painting of the last included
        budget.frame_done()
        budget.painted()
    assert budget.interval == pytest.approx(0.06)  # 6 ms at 10% of the time
    assert budget.next_due == pytest.approx(0.1 + 0.06 - 0.006 - HANDOVER)  # the frame takes the rest
    for _ in range(2):
        cpu[0] += 0.008  # costlier frames move the spacing
        budget.frame_done()
    assert budget.interval == pytest.approx((0.006 * 2 + 0.008 * 2) / 4 / 0.1)


def test_one_costly_frame_does_not_slow_the_frames_after_it():
    """A one-off (what a run's switch into running leaves to its second frame, a garbage collection) stands out
    among the recent frames and is not counted; frames that cost more as a rule (pictures, numbers) are."""
    from nnplayground.ui.frame_pacer import FRAME_MIN, RECENT, FrameBudget

    wall, cpu = [0.0], [0.0]
    budget = FrameBudget(0.12, wall=lambda: wall[0], cpu=lambda: cpu[0])

    def frame(cost):
        wall[0] += 0.04
        cpu[0] += cost
        budget.frame_done()
        budget.painted()
        return budget.interval

    frame(0.030)  # the run's first frame: no sample
    assert frame(0.024) == FRAME_MIN  # the second's 24 ms (a relayout, a long table's first paint): not counted
    assert [frame(0.004) for _ in range(RECENT)] == [FRAME_MIN] * RECENT
    intervals = [frame(cost) for cost in [0.003, 0.009] * RECENT]  # pictures every other frame: 6 ms a frame
    assert intervals[-1] == pytest.approx(0.006 / 0.12)
    numbers = [frame(cost) for cost in ([0.005] * 5 + [0.008]) * 2]  # numbers every sixth frame: counted
    assert numbers[-1] == pytest.approx((0.005 * 6 + 0.008 * 2) / RECENT / 0.12)
    assert [frame(0.002) for _ in range(RECENT)][-1] == FRAME_MIN  # cheap again: back to the fastest


def test_cheap_and_costly_frames_come_as_often():
    """Within the budget, what a frame costs comes off the worker's slice, not on top of it: the period between
    two frames stays the same (a fixed share of the interval gave 26 frames a second when frames were cheap,
    24.0 for the network diagram of a 1000-row table)."""
    from nnplayground.ui.frame_pacer import FRAME_MIN, HANDOVER, FrameBudget

    periods = []
    for cost in (0.002, 0.0045):  # both within 12% of FRAME_MIN
        cpu = [0.0]
        budget = FrameBudget(0.12, wall=lambda: 0.0, cpu=lambda cpu=cpu: cpu[0])
        for _ in range(10):
            cpu[0] += cost
            budget.frame_done()
            budget.painted()
        periods.append(budget.slice + cost + HANDOVER)
    assert periods == pytest.approx([FRAME_MIN, FRAME_MIN])


def test_frames_dearer_than_the_budget_even_at_the_longest_interval_leave_training_its_share():
    """A frame costing 0.3 s (a huge view on a slow machine): the interval stops at FRAME_MAX, and the worker still
    trains for the interval's 1 - budget, not for interval - cost (0.2 s; at 0.5 s nothing, one iteration a frame)."""
    from nnplayground.ui.frame_pacer import FRAME_MAX, FrameBudget

    cpu = [0.0]
    budget = FrameBudget(0.12, wall=lambda: 0.0, cpu=lambda: cpu[0])
    for _ in range(4):
        cpu[0] += 0.5
        budget.frame_done()
        budget.painted()
    assert budget.interval == FRAME_MAX and budget.slice == pytest.approx(FRAME_MAX * 0.88)


def test_the_status_numbers_change_without_relaying_out_the_window(window, qtbot):
    """While a run goes on, the numbers in the status bar change four times a second in labels of a fixed size:
    the bar is not laid out and repainted whole each time (a frame's ~1 ms, parked training included)."""
    from PySide6.QtCore import QEvent, QObject

    class Count(QObject):
        layouts = 0

        def eventFilter(self, watched, event):
            if event.type() == QEvent.LayoutRequest:
                Count.layouts += 1
            return False

    bar = window.statusBar()
    window.settings.iterations.setValue(100_000_000)
    window.run_action.trigger()
    qtbot.waitUntil(lambda: window.running and window.last_update.snapshot.iteration > 100, timeout=5000)
    qtbot.wait(300)  # the run's start (the progress bar shown, the widths set) is over
    counter = Count()
    bar.installEventFilter(counter)
    texts = set()

    def numbers_changed_three_times():
        texts.add(window.status.iteration_label.text())
        return len(texts) >= 4

    qtbot.waitUntil(numbers_changed_three_times, timeout=10000)
    bar.removeEventFilter(counter)
    window.run_action.trigger()  # pause
    qtbot.waitUntil(lambda: not window.running, timeout=5000)
    assert Count.layouts == 0
