"""ONNX export runs in onnxruntime and matches predict; sessions round-trip and refuse bad files."""
import json

import numpy as np
import pytest

from nnplayground.core import Network, Trainer, TrainingConfig, TrainingTable
from nnplayground.core.onnx_export import save_onnx, to_onnx
from nnplayground.core.session import Session, SessionFileError, load_session, save_session

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
    config = TrainingConfig(hidden=(5, 3), activation="tanh,tanh,sigmoid", use_bias=True, learning_rate=0.3)
    table = TrainingTable.from_csv_text("x1,x2,x3,y\n0,0,1,0\n0,1,1,1\n1,0,1,1\n1,1,1,0\n")
    trainer = config.make_trainer(table)
    trainer.run(40)
    cells = tuple(tuple(format(v, "g") for v in row) for row in table.data)
    if bad_cell:
        cells = (("0", "oops", "1", "0"),) + cells[1:]
    net = trainer.network
    return Session(table.columns, table.roles, cells, config, tuple(net.weights), tuple(net.biases),
                   trainer.history.copy())


def test_session_round_trips_exactly(tmp_path, article):
    s = session_for(article, bad_cell=True)
    save_session(tmp_path / "s.nnpsession", s)
    back = load_session(tmp_path / "s.nnpsession")
    assert back.columns == s.columns and back.roles == s.roles and back.cells == s.cells
    assert back.config == s.config and back.iteration == 40
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
    s = session_for(article)
    wrong = Session(s.columns, s.roles, s.cells, s.config, (np.zeros((2, 2)),) + s.weights[1:], s.biases, s.history)
    save_session(tmp_path / "wrong.nnpsession", wrong)
    with pytest.raises(SessionFileError, match="layer 1"):
        load_session(tmp_path / "wrong.nnpsession")


def test_predictions_csv(article):
    table = TrainingTable.from_csv_text("a,b,y\n0,1,1\n1,1,0\n")
    text = table.predictions_csv_text(np.array([[0.75], [0.25]]))
    assert text.splitlines() == ["a,b,y,y_predicted,y_error", "0,1,1,0.75,-0.25", "1,1,0,0.25,0.25"]
