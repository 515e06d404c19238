"""ONNX export runs in onnxruntime and matches predict; sessions round-trip and refuse bad files."""
import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnplayground.core import INITS, Network, Trainer, TrainingConfig, TrainingTable
from nnplayground.core.activations import HIDDEN_ACTIVATIONS
from nnplayground.core.onnx_export import OnnxExportError, save_onnx, to_onnx
from nnplayground.core.session import Session, SessionFileError, load_session, save_session

from ..conftest import EXAMPLES, ROOT
from ..corpus import config_record, header, npy_header, session_npz, session_record

ort = pytest.importorskip("onnxruntime")


@pytest.mark.parametrize("activations, use_bias", [
    (["sigmoid", "sigmoid"], False), (["tanh", "relu", "sigmoid"], True), (["relu", "linear"], True),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_onnx_runs_in_onnxruntime_and_matches_predict(tmp_path, activations, use_bias, dtype, article):
    X, y = article
    sizes = [3] + [5] * (len(activations) - 1) + [1]
    net = Network(sizes, activations, use_bias=use_bias, seed=1, init="xavier")
    Trainer(net, X, y, learning_rate=0.1).run(200)
    save_onnx(net, tmp_path / "net.onnx", loss="sse", dtype=dtype)
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    inputs = np.vstack([X, rng.normal(size=(50, 3))])
    (out,) = session.run(["y_hat"], {"X": inputs.astype(dtype)})
    np.testing.assert_allclose(out, net.predict(inputs), rtol=1e-6, atol=1e-6)
    assert session.get_inputs()[0].name == "X" and session.get_outputs()[0].name == "y_hat"


def test_onnx_graph_is_the_networks_own_nodes_with_metadata():
    net = Network([3, 4, 1], ["tanh", "sigmoid"], use_bias=True, seed=0)
    model = to_onnx(net, loss="bce")
    assert [n.op_type for n in model.graph.node] == ["MatMul", "Add", "Tanh", "MatMul", "Add", "Sigmoid"]
    assert model.opset_import[0].version >= 17
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["layer_sizes"]) == [3, 4, 1] and json.loads(props["activations"]) == ["tanh", "sigmoid"]
    assert props["loss"] == "bce"


def session_for(article, bad_cell=False):
    X, y = article
    config = TrainingConfig(hidden=(5, 3), activation="tanh", use_bias=True, learning_rate=0.3)
    table = TrainingTable.from_csv_text("x1,x2,x3,y\n0,0,1,0\n0,1,1,1\n1,0,1,1\n1,1,1,0\n")
    trainer = config.make_trainer(table)
    trainer.run(40)
    cells = tuple(tuple(format(v, "g") for v in row) for row in table.data)
    if bad_cell:
        cells = (("0", "oops", "1", "0"),) + cells[1:]
    net = trainer.network
    return Session(table.columns, table.roles, cells, config, tuple(net.weights), tuple(net.biases),
                   trainer.history.copy(), encoding=trainer.encoding)


def test_session_round_trips_exactly(tmp_path, article):
    s = session_for(article, bad_cell=True)
    save_session(tmp_path / "s.nnpsession", s)
    back = load_session(tmp_path / "s.nnpsession")
    assert back.columns == s.columns and back.roles == s.roles and back.cells == s.cells
    assert back.config == s.config and back.iteration == 40 and back.encoding == s.encoding
    for a, b in zip(back.weights + back.biases, s.weights + s.biases):
        assert a.tobytes() == b.tobytes()
    assert back.history.tobytes() == s.history.tobytes()
    assert not (tmp_path / "s.nnpsession.part").exists()


def test_restored_trainer_continues_like_the_original(article):
    s = session_for(article)
    table = TrainingTable.from_csv_text("x1,x2,x3,y\n0,0,1,0\n0,1,1,1\n1,0,1,1\n1,1,1,0\n")
    original = s.config.make_trainer(table)
    original.run(60)
    restored = s.config.make_trainer(table)
    restored.network.set_parameters(s.weights, s.biases)
    restored.restore_history(s.history)
    restored.run(20)
    assert restored.iteration == 60
    np.testing.assert_array_equal(restored.history, original.history)
    np.testing.assert_array_equal(restored.network.parameters, original.network.parameters)


def test_bad_session_files_are_refused(tmp_path, article):
    save_session(tmp_path / "good.nnpsession", session_for(article))
    raw = (tmp_path / "good.nnpsession").read_bytes()
    (tmp_path / "cut.nnpsession").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "text.nnpsession").write_text("hello")
    np.savez(tmp_path / "weights.npz", metadata=np.array(json.dumps({"format": "nnplayground-weights"})))
    for bad, words in [("cut.nnpsession", "damaged"), ("text.nnpsession", "damaged"),
                       ("weights.npz", "not an nnplayground session"), ("missing.nnpsession", "cannot read")]:
        with pytest.raises(SessionFileError, match=words):
            load_session(tmp_path / bad)
    record = session_record(config=config_record(hidden=[5]))  # the arrays are for one hidden layer of 4
    (tmp_path / "wrong.nnpsession").write_bytes(session_npz(record))
    with pytest.raises(SessionFileError, match="wrong.nnpsession: W0 is 3×4; 3×5 was expected"):
        load_session(tmp_path / "wrong.nnpsession")


def test_a_session_that_could_not_be_opened_again_is_not_written(tmp_path, article):
    s = session_for(article)
    (tmp_path / "kept.nnpsession").write_bytes(b"the user's older file")
    wrong = Session(s.columns, s.roles, s.cells, s.config, (np.zeros((2, 2)),) + s.weights[1:], s.biases, s.history)
    with pytest.raises(SessionFileError, match="cannot save kept.nnpsession: layer 1 has weights"):
        save_session(tmp_path / "kept.nnpsession", wrong)
    assert (tmp_path / "kept.nnpsession").read_bytes() == b"the user's older file"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.nnpsession"]


FIXTURES = ROOT / "tests" / "fixtures" / "sessions"


def test_sessions_written_by_the_current_release_still_open():
    """Written by aa12f8e's save_session; the first holds the tutorial's network after 25 iterations."""
    tutorial = load_session(FIXTURES / "tutorial-25-iterations.nnpsession")
    config = TrainingConfig(hidden=(4,), use_bias=False)
    assert tutorial.config == config and tutorial.settings is None and tutorial.iteration == 25
    again = config.make_trainer(TrainingTable.from_csv(EXAMPLES / "article.csv"))
    again.run(25)
    # Equal to 1e-12, not bit for bit: the file was written on another CPU, whose BLAS kernels may round
    # a dot product's last bit differently (a fixed seed is bit-identical on one machine, tested elsewhere).
    np.testing.assert_allclose(tutorial.history, again.history, rtol=1e-12, atol=0)
    for saved, trained in zip(tutorial.weights, again.network.weights, strict=True):
        np.testing.assert_allclose(saved, trained, rtol=1e-12, atol=0)

    autosave = load_session(FIXTURES / "biases-bad-cell-autosave.nnpsession")  # format 1: today's settings
    assert autosave.config == TrainingConfig(problem="binary", hidden=(5, 3), activation="tanh, relu",
                                             output_activation="sigmoid", loss="mse", scaling=False,
                                             learning_rate=0.3, iterations=200, seed=7, use_bias=True, init="xavier")
    assert autosave.network_encoding.identity and autosave.kinds == ("numbers",) * 4
    assert autosave.cells[0] == ("0", "oops", "1", "0") and autosave.iteration == 12
    assert [w.shape for w in autosave.weights] == [(3, 5), (5, 3), (3, 1)]


def test_a_session_saved_without_weights_opens(tmp_path, article):
    """Today's window writes one when a setting waits for Reset; it used to be refused for ever
    ("0 weight layers for layer sizes [3, 4, 1]")."""
    old = load_session(FIXTURES / "waiting-for-reset.nnpsession")
    assert old.weights == () and old.biases == () and old.iteration == 0 and old.config.hidden == (4,)
    s = session_for(article)
    waiting = Session(s.columns, s.roles, s.cells, s.config, (), (), np.zeros(0),
                      settings=replace(s.config, hidden=(8, 8), activation="relu"))
    save_session(tmp_path / "waiting.nnpsession", waiting)
    back = load_session(tmp_path / "waiting.nnpsession")
    assert back.weights == () and back.history.size == 0
    assert back.config == s.config and back.settings == waiting.settings


def test_a_session_keeps_the_latest_metrics_and_older_files_have_none(tmp_path, article):
    from nnplayground.core.metrics import compute_metrics

    s = session_for(article)
    table = TrainingTable.from_csv_text("x1,x2,x3,y\n0,0,1,0\n0,1,1,1\n1,0,1,1\n1,1,1,0\n")
    net = Network([3, 5, 3, 1], ["tanh", "tanh", "sigmoid"], use_bias=True)
    net.set_parameters(s.weights, s.biases)
    metrics = compute_metrics(s.encoding, net.predict(s.encoding.encode_inputs(table)),
                              s.encoding.encode_targets(table)).to_dict()
    save_session(tmp_path / "m.nnpsession", replace(s, metrics=metrics))
    back = load_session(tmp_path / "m.nnpsession")
    assert back.metrics == metrics and set(metrics) == {"accuracy", "confusion", "classes"}
    assert back.metrics["classes"] == [["0", "1"]] and sum(map(sum, back.metrics["confusion"][0])) == 4
    assert load_session(FIXTURES / "tutorial-25-iterations.nnpsession").metrics is None  # saved before metrics
    # without weights there is nothing the metrics could be of: none is written
    save_session(tmp_path / "w.nnpsession", replace(s, weights=(), biases=(), history=s.history[:0],
                                                    encoding=None, metrics=metrics))
    assert load_session(tmp_path / "w.nnpsession").metrics is None


@pytest.mark.parametrize("changes, words", [
    ({"metrics": [0.5]}, "its metrics must be a record of named values, got list"),
    ({"config": config_record(use_bias="false")}, "biases: true or false, got 'false'"),
    ({"config": config_record(seed=1.5)}, "seed: a whole number"),
    ({"config": config_record(hidden=[True])}, "hidden layers"),
    ({"settings": config_record(iterations=0)}, "its waiting settings cannot be used: iterations"),
    ({"cells": [[0, 0, 1, 0]] * 4}, "every cell of the table must be text"),
    ({"layers": "2"}, "number of weight layers must be a whole number"),
    ({"version": True}, "session format True"),
    ({"roles": ["input", "input", "target", "target"]}, r"W0 is 3×4; 2×4 was expected"),
])
def test_wrong_types_in_the_record_are_refused_not_coerced(tmp_path, changes, words):
    path = tmp_path / "edited.nnpsession"
    path.write_bytes(session_npz(session_record(**changes)))
    with pytest.raises(SessionFileError, match=words) as info:
        load_session(path)
    assert "edited.nnpsession" in str(info.value)


@pytest.mark.parametrize("arrays, words", [
    ({"W0": np.ones((3, 4), complex)}, "W0 holds complex numbers"),
    ({"W0": np.ones((3, 4), bool)}, "W0 holds true/false values"),
    ({"history": np.ones(3, complex)}, "history holds complex numbers"),
    ({"history": np.zeros((2, 2))}, "history has 2 dimensions"),
    ({"history": npy_header(header((10**9,))) + bytes(80)}, "history declares 7 GB"),
])
def test_arrays_of_the_wrong_kind_are_refused_before_they_are_read(tmp_path, arrays, words):
    path = tmp_path / "odd.nnpsession"
    path.write_bytes(session_npz(**arrays))
    with pytest.raises(SessionFileError, match=words):
        load_session(path)


def test_onnx_refuses_float32_weights_that_would_overflow(tmp_path):
    net = Network([2, 3, 1], ["tanh", "sigmoid"], use_bias=True, seed=0)
    net.weights[1][2, 0] = 1e39  # finite in float64; float32 would write inf
    (tmp_path / "net.onnx").write_bytes(b"older export")
    with pytest.raises(OnnxExportError, match="layer 2's weights reach 1e\\+39, beyond what float32 can hold"):
        save_onnx(net, tmp_path / "net.onnx")
    assert (tmp_path / "net.onnx").read_bytes() == b"older export"
    save_onnx(net, tmp_path / "net.onnx", dtype="float64")
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    X = np.array([[0.5, -0.25]])
    np.testing.assert_allclose(session.run(None, {"X": X})[0], net.predict(X))


def test_predictions_csv(article):
    table = TrainingTable.from_csv_text("a,b,y\n0,1,1\n1,1,0\n")
    text = table.predictions_csv_text(np.array([[0.75], [0.25]]))
    assert text.splitlines() == ["a,b,y,y_predicted,y_error", "0,1,1,0.75,-0.25", "1,1,0,0.25,0.25"]


def test_predictions_csv_for_classes_names_them_and_gives_each_ones_probability():
    from nnplayground.core.encoding import Encoding

    table = TrainingTable.from_csv_text("w,colour,kind\n4,red,cat\n0.1,blue,bird\n30,red,dog\n")
    encoding = Encoding.fit(table, "multiclass", scaling=True)
    y_hat = np.array([[0.25, 0.5, 0.25], [0.625, 0.125, 0.25], [0.0625, 0.875, 0.0625]])
    assert table.predictions_csv_text(y_hat, encoding).splitlines() == [
        "w,colour,kind,kind_predicted,kind_P(bird),kind_P(cat),kind_P(dog)",
        "4,red,cat,cat,0.25,0.5,0.25", "0.1,blue,bird,bird,0.625,0.125,0.25", "30,red,dog,cat,0.0625,0.875,0.0625"]

    table = TrainingTable.from_csv_text("w,sick,flag\n1,no,0\n2,yes,1\n")
    encoding = Encoding.fit(table.with_roles(["input", "target", "target"]), "binary", scaling=False)
    table = table.with_roles(["input", "target", "target"])
    assert table.predictions_csv_text(np.array([[0.75, 0.25], [0.5, 0.875]]), encoding).splitlines() == [
        "w,sick,sick_predicted,sick_P(no),sick_P(yes),flag,flag_predicted,flag_P(0),flag_P(1)",
        "1,no,yes,0.25,0.75,0,0,0.75,0.25", "2,yes,yes,0.5,0.5,1,1,0.125,0.875"]
    with pytest.raises(ValueError, match=r"\(2, 1\) predictions for a table of 2 rows and 2 outputs"):
        table.predictions_csv_text(np.array([[0.75], [0.5]]), encoding)


def test_predictions_csv_for_a_regression_is_in_the_tables_units():
    from nnplayground.core.encoding import Encoding

    table = TrainingTable.from_csv_text("area,price\n100,2300\n300,2900\n")
    encoding = Encoding.fit(table, "regression", scaling=True)
    assert encoding.target_mean == (2600.0,) and encoding.target_scale == (300.0,)
    text = table.predictions_csv_text(np.array([[-1.0], [0.5]]), encoding)  # as the network gives them
    assert text.splitlines() == ["area,price,price_predicted,price_error", "100,2300,2300,0", "300,2900,2750,-150"]


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def configs(draw, problem=None):
    hidden = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    per_layer = draw(st.lists(st.sampled_from(list(HIDDEN_ACTIVATIONS)), min_size=len(hidden), max_size=len(hidden)))
    activation = draw(st.sampled_from([per_layer[0], ", ".join(per_layer)]))
    problem = problem or draw(st.sampled_from(["binary", "regression"]))
    output, loss = draw(st.sampled_from([("sigmoid", "bce")] + [(o, l) for o in ("sigmoid", "tanh", "relu", "linear")
                                                                for l in ("sse", "mse")]))
    return TrainingConfig(problem=problem, hidden=hidden, activation=activation, output_activation=output, loss=loss,
                          scaling=draw(st.booleans()), learning_rate=draw(st.floats(1e-6, 1e3)),
                          iterations=draw(st.integers(1, 10**8)), seed=draw(st.integers(0, 2**31 - 1)),
                          use_bias=draw(st.booleans()), init=draw(st.sampled_from(list(INITS))))


@st.composite
def sessions(draw):
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    roles = tuple(draw(st.permutations(["input"] * n_in + ["target"] * n_out)))
    columns = tuple(draw(st.lists(st.text(max_size=6), min_size=len(roles), max_size=len(roles))))
    cells = tuple(tuple(row) for row in draw(st.lists(st.lists(st.text(max_size=6), min_size=len(roles),
                                                               max_size=len(roles)), max_size=4)))
    config = draw(configs())
    weights = biases = ()
    history = np.zeros(0)
    if draw(st.booleans()):
        sizes = [n_in, *config.hidden, n_out]
        weights = tuple(np.array(draw(st.lists(finite, min_size=i * o, max_size=i * o))).reshape(i, o)
                        for i, o in zip(sizes, sizes[1:]))
        biases = tuple(np.array(draw(st.lists(finite, min_size=o, max_size=o)), dtype=float) for o in sizes[1:])
        history = np.array(draw(st.lists(finite, max_size=20)), dtype=float)
    settings_ = draw(st.none() | configs())
    return Session(columns, roles, cells, config, weights, biases, history, settings_)


@settings(max_examples=60)
@given(sessions(), st.booleans())
def test_any_saved_session_loads_back_exactly(tmp_path_factory, session, compress):
    path = tmp_path_factory.mktemp("s") / "any.nnpsession"
    save_session(path, session, compress=compress)
    back = load_session(path)
    assert (back.columns, back.roles, back.cells) == (session.columns, session.roles, session.cells)
    assert back.config == session.config and back.settings == session.settings
    assert len(back.weights) == len(session.weights) and len(back.biases) == len(session.biases)
    for a, b in zip(back.weights + back.biases, session.weights + session.biases):
        assert a.shape == b.shape and a.tobytes() == b.tobytes()
    assert back.history.tobytes() == session.history.tobytes()
