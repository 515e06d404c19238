"""Axis ticks and table numbers read as the values themselves, and no two tick labels overlap."""
import math

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from nnplayground.ui.axes import PlainAxis, format_number_for_display, tick_label_rects, tick_texts, use_plain_axes


def drawn_labels(axis) -> list[tuple]:
    """(rectangle, text) of every label ``axis`` draws, laid out on a real painter."""
    image = QImage(10, 10, QImage.Format_ARGB32)
    painter = QPainter(image)
    if axis.style["tickFont"] is not None:
        painter.setFont(axis.style["tickFont"])
    try:
        return tick_label_rects(axis, painter)
    finally:
        painter.end()


def assert_no_overlap(labels):
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            (ra, ta), (rb, tb) = labels[a], labels[b]
            assert not ra.intersects(rb), f"{ta!r} at {ra} overlaps {tb!r} at {rb}"


def assert_text_fits(axis, labels):
    """Each label's rectangle holds its text's full width (measured independently with font metrics)."""
    metrics = QFontMetricsF(axis.style["tickFont"] or axis.font())
    for rect, text in labels:
        assert rect.width() >= metrics.horizontalAdvance(text) - 1, text


def make_plot(qtbot, width=600, height=300):
    widget = pg.PlotWidget(axisItems={"left": PlainAxis("left"), "bottom": PlainAxis("bottom")})
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle(qtbot, widget):
    qtbot.wait(20)
    widget.getPlotItem().layout.activate()


@pytest.mark.parametrize("x, text", [
    (0, "0"), (0.001, "0.001"), (250, "250"), (1500, "1,500"), (1e6, "1,000,000"), (3.6e9, "3.6e+09"),
    (3634576123.0, "3.635e+09"), (2e95, "2e+95"), (0.98765, "0.9877"), (12.3456, "12.35"), (-0.0123, "-0.0123"),
    (0.00009, "9e-05"), (123456.789, "123,457"), (math.nan, "nan"), (-math.inf, "-inf"),
])
def test_numbers_read_plainly_or_in_scientific_notation(x, text):
    assert format_number_for_display(x) == text


def test_differences_carry_their_sign():
    assert format_number_for_display(0.25, sign=True) == "+0.25"
    assert format_number_for_display(-0.25, sign=True) == "-0.25"
    assert format_number_for_display(0.0, sign=True) == "0"


def test_ticks_of_one_axis_are_written_alike():
    assert tick_texts([0, 0.25, 0.5, 0.75, 1], 0.25, 1) == ["0", "0.25", "0.50", "0.75", "1.00"]
    assert tick_texts([0, 500, 1000, 1500], 500, 1500) == ["0", "500", "1,000", "1,500"]
    assert tick_texts([0, 2e95, 4e95], 2e95, 4e95) == ["0", "2e+95", "4e+95"]
    assert tick_texts([1e6, 1.5e6, 2e6], 5e5, 2e6) == ["1.0e+06", "1.5e+06", "2.0e+06"]
    assert tick_texts([0.00002, 0.00004], 0.00002, 0.00004) == ["2e-05", "4e-05"]


def decimals(text: str) -> int:
    mantissa = text.split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


@pytest.mark.parametrize("y_range", [(0, 0.0005), (0, 1), (0, 1.5), (0, 1500), (-3e27, 2e95), (1e6, 3e6), (0, 2.5e69)])
def test_linear_axis_shows_values_never_si_scaled(qtbot, y_range):
    widget = make_plot(qtbot)
    widget.setLabel("left", "a")
    widget.setYRange(*y_range, padding=0)
    settle(qtbot, widget)
    axis = widget.getPlotItem().getAxis("left")
    assert "(x" not in axis.labelString()
    labels = drawn_labels(axis)
    assert len(labels) >= 2
    assert_no_overlap(labels)
    assert_text_fits(axis, labels)
    assert len({decimals(t) for _, t in labels if t != "0"}) == 1, labels  # "0.5, 1.0, 1.5", not "0.5, 1, 1.5"
    for _, text in labels:  # each label is the value it marks: parse it back, it lies in the range
        value = float(text.replace(",", ""))
        span = y_range[1] - y_range[0]
        assert y_range[0] - 0.01 * span <= value <= y_range[1] + 0.01 * span, text


def test_empty_log_axis_has_a_few_readable_ticks(qtbot):
    widget = make_plot(qtbot, 400, 220)
    item = widget.getPlotItem()
    item.setLogMode(y=True)
    item.setYRange(-2, 0, padding=0.02)
    settle(qtbot, widget)
    labels = drawn_labels(item.getAxis("left"))
    texts = [t for _, t in labels]
    assert {"0.01", "0.1", "1"} <= set(texts)
    assert "0.9" not in texts and "0.8" not in texts  # no pile-up at the top of a decade
    assert_no_overlap(labels)


def test_log_axis_over_a_hundred_decades(qtbot):
    widget = make_plot(qtbot, 400, 220)
    item = widget.getPlotItem()
    item.setLogMode(y=True)
    item.setYRange(-3, 96, padding=0.02)
    settle(qtbot, widget)
    labels = drawn_labels(item.getAxis("left"))
    assert len(labels) >= 3
    assert_no_overlap(labels)
    assert all(text == "1" or text.startswith("1e") or text in ("0.001", "1,000", "100,000") for _, text in labels)


def test_crowded_labels_are_dropped_not_overlapped(qtbot):
    widget = make_plot(qtbot, 160, 120)  # far too narrow for "1,000,000"-wide labels every 200,000
    widget.setXRange(0, 1e6, padding=0)
    settle(qtbot, widget)
    labels = drawn_labels(widget.getPlotItem().getAxis("bottom"))
    assert labels
    assert_no_overlap(labels)


def test_existing_plot_gets_plain_axes_keeping_its_labels(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    item = widget.getPlotItem()
    item.setLabel("left", "ŷ")
    item.setLabel("bottom", "x")
    use_plain_axes(item)
    assert isinstance(item.getAxis("left"), PlainAxis) and isinstance(item.getAxis("bottom"), PlainAxis)
    assert item.getAxis("left").labelText == "ŷ" and item.getAxis("bottom").labelText == "x"
    assert not item.getAxis("top").isVisible() and not item.getAxis("right").isVisible()
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    item.setYRange(0, 0.0005, padding=0)
    settle(qtbot, widget)
    axis = item.getAxis("left")
    axis.enableAutoSIPrefix(True)  # asking for SI scaling changes nothing
    assert "(x" not in axis.labelString()
    assert "0.0005" in [t for _, t in drawn_labels(axis)] or "5e-04" in [t for _, t in drawn_labels(axis)]
