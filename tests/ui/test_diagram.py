"""The network diagram: the edges it draws are the weights' own, a large network is thinned to each
unit's strongest edges with a note that says so and never covers a node, a legend explains the
colours, pictures save as PNG and SVG, hover and click find the weight under the mouse, and a frame
stays cheap at any size."""
import time
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage

from nnplayground.core import Network
from nnplayground.core.fileio import SaveError
from nnplayground.ui.diagram import EXPORT_MIN_SIZE, EXPORT_SCALE, NetworkDiagram
from nnplayground.ui.diagram_layout import EDGE_BUDGET, MAX_LAYERS, MAX_UNITS
from nnplayground.ui.heatmaps import unit_names

from .conftest import at_iteration

ROW = 2


def network(sizes, use_bias=True, seed=0):
    """A network with weights and biases of both signs and of every size, and one row's activations."""
    net = Network(sizes, use_bias=use_bias, seed=seed, init="xavier")
    rng = np.random.default_rng(seed + 1)
    if use_bias:
        for b in net.biases:
            b[...] = rng.standard_normal(b.shape) * 0.3
    X = rng.random((4, sizes[0]))
    activations = tuple(a[ROW] for a in net.forward(X).a)
    names = unit_names(sizes, [f"x{k + 1}" for k in range(sizes[0])], [f"y{k + 1}" for k in range(sizes[-1])])
    return net, names, activations


def diagram(qtbot, sizes, use_bias=True, size=(560, 330), with_activations=True):
    d = NetworkDiagram()
    qtbot.addWidget(d)
    d.resize(*size)
    d.show()
    net, names, activations = network(sizes, use_bias)
    d.set_state(net.weights, net.biases, use_bias, names, activations if with_activations else (),
                ROW if with_activations else None)
    return d, net


def node_rects(d):
    rects = [QRectF(n["x"] - n["rx"], n["y"] - n["ry"], 2 * n["rx"], 2 * n["ry"]) for n in d.nodes]
    return rects + [QRectF(x - 9, y - 8, 18, 16) for _, x, y in d.scene.bias_nodes]


def incoming(net, layer, j):
    """All |w| into unit j of layer+1, its bias last."""
    return np.append(net.weights[layer][:, j], net.biases[layer][j] if net.use_bias else [])


def segment_distance(e, x, y):
    dx, dy = e["x1"] - e["x0"], e["y1"] - e["y0"]
    t = np.clip(((x - e["x0"]) * dx + (y - e["y0"]) * dy) / (dx * dx + dy * dy), 0, 1)
    return np.hypot(e["x0"] + t * dx - x, e["y0"] + t * dy - y)


def clear_point(d, k):
    """A pixel on drawn edge k at least 6 pixels from every other edge and every node, or None."""
    e = d.edges
    others = np.ones(e.size, bool)
    others[k] = False
    for t in np.linspace(0.1, 0.9, 33):
        x, y = e["x0"][k] + t * (e["x1"][k] - e["x0"][k]), e["y0"][k] + t * (e["y1"][k] - e["y0"][k])
        near_node = any(r.adjusted(-6, -6, 6, 6).contains(x, y) for r in node_rects(d))
        if not near_node and segment_distance(e[others], x, y).min() > 6:
            return x, y
    return None


# -- what is drawn ---------------------------------------------------------------------------------------
def test_a_small_network_draws_every_weight_and_bias_with_its_value(qtbot):
    d, net = diagram(qtbot, [3, 4, 1])
    assert d.edges.size == 3 * 4 + 4 * 1 + 4 + 1 and d.summary == "" and d.hidden_edges == 0
    for e in d.edges:
        value = net.weights[e["layer"]][e["i"], e["j"]] if e["kind"] == "W" else net.biases[e["layer"]][e["j"]]
        assert e["w"] == value and e["sign"] == (1 if value >= 0 else -1)
    order = np.argsort(np.abs(d.edges["w"]))
    assert (np.diff(d.edges["bucket"][order]) >= 0).all()  # wider for larger |w|
    assert d.edges["bucket"][order[-1]] == 4  # the largest gets the widest pen


@pytest.mark.parametrize("sizes", [[3, 32, 32, 32, 1], [3, 256, 256, 256, 1], [5, 64, 2]])
def test_a_large_network_draws_the_strongest_edges_into_each_unit(qtbot, sizes):
    d, net = diagram(qtbot, sizes)
    e = d.edges
    fan_in = max(sizes[:-1]) + 1
    k = max(1, EDGE_BUDGET // sum(sizes[1:]))
    assert k < fan_in  # thinned
    for layer, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        for j in range(n_out):
            mine = e[(e["layer"] == layer) & (e["j"] == j)]
            assert mine.size == min(k, n_in + 1)
            values = incoming(net, layer, j)
            drawn_index = np.where(mine["kind"] == "b", n_in, mine["i"])
            np.testing.assert_array_equal(mine["w"], values[drawn_index])  # the weights' own values
            hidden = np.delete(values, drawn_index)
            if hidden.size:
                assert np.abs(mine["w"]).min() >= np.abs(hidden).max()
    assert e.size <= max(EDGE_BUDGET, sum(sizes[1:]))


def test_the_note_says_what_is_hidden(qtbot):
    sizes = [3, 32, 32, 32, 1]
    d, _ = diagram(qtbot, sizes)
    total = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    hidden = total - d.edges.size
    assert d.hidden_edges == hidden == 2_273 - 388
    assert d.summary == (f"{hidden:,} of {total:,} edges hidden: each unit shows its 4 strongest incoming edges "
                         "(of up to 33, bias included).")
    d, _ = diagram(qtbot, [3, 256, 256, 256, 1], use_bias=False)
    assert d.summary == ("131,327 of 132,096 edges hidden: each unit shows its strongest incoming edge "
                         "(of up to 256).")


def test_units_and_layers_past_the_limits_are_left_out_and_said_so(qtbot):
    d, _ = diagram(qtbot, [3, MAX_UNITS + 44, 1], use_bias=False)
    assert (d.nodes["layer"] == 1).sum() == MAX_UNITS
    total = 3 * (MAX_UNITS + 44) + MAX_UNITS + 44
    assert d.summary.startswith(f"{total - d.edges.size:,} of {total:,} edges hidden: ")
    assert d.summary.endswith(f"; layers show their first {MAX_UNITS} units.")
    deep = [2] + [3] * (MAX_LAYERS + 3) + [1]
    d, _ = diagram(qtbot, deep, use_bias=False)
    assert d.summary.endswith(f"edges hidden: the first {MAX_LAYERS} of {MAX_LAYERS + 4} layers are shown.")
    assert d.nodes["layer"].max() == MAX_LAYERS and d.edges["layer"].max() == MAX_LAYERS - 1


@pytest.mark.parametrize("size", [(338, 321), (560, 330), (220, 180), (1000, 700)])
@pytest.mark.parametrize("sizes", [[3, 32, 32, 32, 1], [3, 256, 256, 256, 1], [2] + [3] * 15 + [1]])
def test_the_note_and_the_legend_never_cover_a_node(qtbot, size, sizes):
    d, _ = diagram(qtbot, sizes, size=size)
    scene = d.scene
    assert d.summary and scene.note_rect.width() > 0
    widget = QRectF(d.rect())
    assert widget.contains(scene.note_rect) and widget.contains(scene.legend_rect)
    assert len(scene.legend) == 4  # every size here leaves room for it
    for rect in node_rects(d):
        assert not rect.intersects(scene.note_rect)
        assert not rect.intersects(scene.legend_rect)
    for item in scene.legend:
        assert scene.legend_rect.contains(item.rect)


def test_a_tiny_diagram_keeps_its_units_clear_of_the_text(qtbot):
    d, _ = diagram(qtbot, [3, 32, 32, 32, 1], size=(170, 125))
    scene = d.scene
    assert "\n" not in scene.note and scene.note.endswith("…")  # the note on one line
    assert scene.legend == []  # no room for the legend
    for rect in node_rects(d):
        assert not rect.intersects(scene.note_rect) and QRectF(d.rect()).contains(rect)


def test_the_legend_explains_colours_widths_and_fills(qtbot):
    d, _ = diagram(qtbot, [3, 8, 4, 1])
    texts = [item.text for item in d.scene.legend]
    largest = np.abs(d.edges["w"]).max()
    assert texts == ["w > 0", "w < 0", f"|w|: 0 … {largest:.3g}", f"a of row {ROW + 1}: −1 … +1"]
    picture = d.grab().toImage()
    for item, reddish in zip(d.scene.legend[:2], (True, False)):  # the samples are drawn in the edges' colours
        c = picture.pixelColor(int(item.rect.x() + 9), int(item.rect.center().y()))
        assert (c.red() > c.blue() + 60) is reddish and (c.blue() > c.red() + 60) is not reddish
    d, _ = diagram(qtbot, [3, 8, 4, 1], with_activations=False)
    assert d.scene.legend[-1].text == "nodes grey until a feedforward"


def test_edges_are_drawn_in_their_signs_colour_and_nodes_in_their_activations(qtbot):
    d, net = diagram(qtbot, [3, 6, 1])
    picture = d.grab().toImage()
    checked = 0
    for k, e in enumerate(d.edges):
        point = clear_point(d, k)
        if point is None or e["bucket"] < 2:
            continue
        x, y = round(point[0]), round(point[1])
        strongest = max((picture.pixelColor(x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)),
                        key=lambda c: abs(c.red() - c.blue()))
        assert (strongest.red() > strongest.blue()) == (e["w"] > 0)
        checked += 1
    assert checked >= 5
    cmap = pg.colormap.get("CET-D1")
    hidden = d.nodes[d.nodes["layer"] == 1]
    limit = max(1.0, np.abs(hidden["a"]).max())
    for n in hidden:
        expected = QColor(cmap.map(0.5 + 0.5 * n["a"] / limit, mode="qcolor"))
        got = picture.pixelColor(round(n["x"]), round(n["y"]))
        assert max(abs(got.red() - expected.red()), abs(got.green() - expected.green()),
                   abs(got.blue() - expected.blue())) <= 3


# -- hover and click ---------------------------------------------------------------------------------------
def test_hover_and_click_find_the_weight_under_the_mouse(qtbot):
    d, net = diagram(qtbot, [3, 4, 2])
    tried = 0
    for k, e in enumerate(d.edges):
        point = clear_point(d, k)
        if point is None:
            continue
        kind, row = d.hit(*point)
        assert kind == "edge" and (row["kind"], row["layer"], row["i"], row["j"]) == (e["kind"], e["layer"],
                                                                                      e["i"], e["j"])
        tried += 1
    assert tried >= 12
    e = d.edges[(d.edges["kind"] == "W") & (d.edges["layer"] == 1) & (d.edges["i"] == 2) & (d.edges["j"] == 1)][0]
    k = int(np.flatnonzero(d.edges == e)[0])
    x, y = clear_point(d, k)
    with qtbot.waitSignal(d.hovered) as hovered:
        qtbot.mouseMove(d, QPoint(round(x), round(y)))
    assert hovered.args[0].startswith(f"W2[3, 2] = {float(net.weights[1][2, 1]):.6g}  (h1.3 → y2)")
    with qtbot.waitSignal(d.clicked) as clicked:
        qtbot.mouseClick(d, Qt.LeftButton, pos=QPoint(round(x), round(y)))
    assert clicked.args == ["W", 1, 2, 1]
    node = d.nodes[(d.nodes["layer"] == 1) & (d.nodes["unit"] == 3)][0]
    assert d.describe(d.hit(node["x"], node["y"])) == f"h1.4: a = {float(node['a']):.6g} for row {ROW + 1}"
    bias = d.edges[d.edges["kind"] == "b"][0]
    assert d.describe(("edge", bias)).startswith(f"b{bias['layer'] + 1}[")


def test_hover_finds_units_of_a_dense_layer(qtbot):
    d, _ = diagram(qtbot, [3, 256, 1], use_bias=False, size=(400, 300))
    dense = d.nodes[d.nodes["layer"] == 1]
    assert dense["ry"][0] < 2.5  # drawn as a strip of thin cells
    for unit in (0, 100, 255):
        n = dense[unit]
        kind, row = d.hit(n["x"], n["y"])
        assert kind == "node" and row["layer"] == 1 and row["unit"] == unit


# -- pictures -----------------------------------------------------------------------------------------------
def test_export_writes_a_png_and_an_svg_that_load(qtbot, tmp_path):
    d, _ = diagram(qtbot, [3, 32, 32, 32, 1], size=(338, 321))
    png, svg = tmp_path / "net.png", tmp_path / "net.svg"
    png.write_bytes(b"old")
    d.export(png)
    d.export(svg)
    image = QImage(str(png))
    assert not image.isNull()
    assert (image.width(), image.height()) == (EXPORT_MIN_SIZE[0] * EXPORT_SCALE, EXPORT_MIN_SIZE[1] * EXPORT_SCALE)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50  # a picture, not a blank page
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "edges hidden" in text and "w > 0" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.png", "net.svg"]  # no temporary file left


def test_export_refuses_other_names_and_leaves_the_old_file(qtbot, tmp_path):
    d, _ = diagram(qtbot, [3, 4, 1])
    old = tmp_path / "net.jpg"
    old.write_bytes(b"old")
    with pytest.raises(ValueError, match=r"net\.jpg: a picture is saved as \.png or \.svg"):
        d.export(old)
    assert old.read_bytes() == b"old"
    with pytest.raises(SaveError):
        d.export(tmp_path / "missing" / "net.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.jpg"]
    with pytest.raises(ValueError, match="no network"):
        NetworkDiagram().export(tmp_path / "empty.png")


# -- cost ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [[3, 32, 32, 32, 1], [3] + [256] * 8 + [1]])
def test_a_frame_stays_cheap_at_any_size(qtbot, sizes):
    """Showing a new state and painting it: a few milliseconds (the old diagram took 50-170 ms)."""
    d, net = diagram(qtbot, sizes, size=(560, 330))
    _, names, activations = network(sizes)
    times = []
    for k in range(7):
        weights = [w * (1 + 0.01 * k) for w in net.weights]
        start = time.perf_counter()
        d.set_state(weights, net.biases, True, names, activations, ROW)
        d.repaint()
        times.append(time.perf_counter() - start)
    assert np.median(times) < 0.025
    assert d.edges.size <= max(EDGE_BUDGET, sum(sizes[1:]))


# -- in the window ------------------------------------------------------------------------------------------
def test_the_window_shows_the_trained_weights_and_the_selected_rows_activations(window, qtbot):
    window.settings.use_bias.setChecked(True)  # untrained: applies at once
    qtbot.waitUntil(lambda: window.last_update.config.use_bias, timeout=3000)
    window.table_editor.view.setCurrentIndex(window.table_model.index(2, 0))
    window.tabs.setCurrentWidget(window.diagram)
    window.step_iteration_action.trigger()
    qtbot.waitUntil(lambda: at_iteration(window, 1) and window.last_update.snapshot.row == 2, timeout=3000)
    d = window.diagram
    snap = window.last_update.snapshot
    assert d.edges.size == 3 * 4 + 4 * 1 + 4 + 1
    for e in d.edges:
        w = (snap.weights if e["kind"] == "W" else snap.biases)[e["layer"]]
        assert e["w"] == (w[e["i"], e["j"]] if e["kind"] == "W" else w[e["j"]])
    np.testing.assert_array_equal(d.nodes["a"][d.nodes["layer"] == 0], window.last_update.table.X[2])
    np.testing.assert_array_equal(d.nodes["a"][d.nodes["layer"] == 1], snap.row_activations[1])
    assert d.scene.legend[-1].text.startswith("a of row 3")
