"""The exported ONNX model takes the table's raw columns (numbers as typed, text labels as words) and gives
what the Python side gives: ``encoding.decode(network.predict(encoding.encode_X(X, levels)))`` to 1e-6, and
each row's predicted class by name."""
import json

import numpy as np
import pytest

from nnplayground.core import Network, TrainingConfig, TrainingTable
from nnplayground.core.encoding import Encoding
from nnplayground.core.onnx_export import OnnxExportError, save_onnx, to_onnx
from nnplayground.core.suggest import OUTPUT_AND_LOSS

ort = pytest.importorskip("onnxruntime")

TARGETS = {"binary": ["sick", "flag"], "multiclass": ["kind"], "regression": ["price", "score"]}


def make_table(problem: str, text_input: bool, rows: int = 60, seed: int = 0, colours=("red", "green", "blue")):
    """Numbers far from ±1 (size 100-400, weight 0.01-0.05), a text column between them, targets by problem."""
    rng = np.random.default_rng(seed)
    size, weight = rng.uniform(100, 400, rows), rng.uniform(0.01, 0.05, rows)
    colour = rng.choice(colours, rows)
    columns = {"size": [f"{v:.3f}" for v in size]}
    if text_input:
        columns["colour"] = list(colour)
    columns["weight"] = [f"{v:.5f}" for v in weight]
    signal = (size - 250) / 80 + (weight - 0.03) * 50 + (colour == "red")
    if problem == "binary":
        columns["sick"] = np.where(signal + rng.normal(0, 0.5, rows) > 0, "yes", "no").tolist()
        columns["flag"] = np.where(rng.random(rows) < 0.5, "1", "0").tolist()
    elif problem == "multiclass":
        columns["kind"] = np.array(["bird", "cat", "dog"])[np.digitize(signal, [-0.7, 0.7])].tolist()
    else:
        columns["price"] = [f"{v:.2f}" for v in 185 + 60 * signal + rng.normal(0, 5, rows)]
        columns["score"] = [f"{v:.3f}" for v in signal]
    names = list(columns)
    text = ",".join(names) + "\n" + "\n".join(",".join(row) for row in zip(*columns.values())) + "\n"
    return TrainingTable.from_csv_text(text, targets=TARGETS[problem])


def trained(problem: str, scaling: bool, text_input: bool):
    table = make_table(problem, text_input)
    output, loss = OUTPUT_AND_LOSS[problem]
    config = TrainingConfig(problem=problem, hidden=(6, 4), activation="tanh", output_activation=output, loss=loss,
                            scaling=scaling, learning_rate=0.05, iterations=100, seed=3)
    trainer = config.make_trainer(table)
    trainer.run(100)
    net = trainer.network
    if not scaling:  # raw sizes in the hundreds saturate tanh: a first layer small enough that rows differ
        net.set_parameters([net.weights[0] * 0.004, *net.weights[1:]], net.biases)
    return table, net, trainer.encoding, loss


def feeds(session, model, table: TrainingTable, dtype: str) -> dict:
    """The graph's inputs from the table as it reads: number columns raw, text columns as their words."""
    graph_inputs = json.loads({p.key: p.value for p in model.metadata_props}["graph_inputs"])
    out = {}
    for spec in graph_inputs:
        at = [table.columns.index(c) for c in spec["columns"]]
        if spec["type"] == "float":
            out[spec["name"]] = table.data[:, at].astype(dtype)
        else:
            out[spec["name"]] = np.array(table.texts(at[0]), dtype=object).reshape(-1, 1)
    assert sorted(out) == sorted(i.name for i in session.get_inputs())
    return out


def python_side(network: Network, encoding: Encoding, table: TrainingTable):
    y_hat = network.predict(encoding.encode_X(table.X, table.input_levels))
    if encoding.problem == "multiclass":
        labels = np.array(encoding.classes[0])[encoding.predicted_classes(y_hat)].reshape(-1, 1)
    elif encoding.problem == "binary":
        picked = encoding.predicted_classes(y_hat)
        labels = np.array([[encoding.classes[t][k] for t, k in enumerate(row)] for row in picked.tolist()])
    else:
        labels = None
    return encoding.decode(y_hat), labels


def run(model, table: TrainingTable, dtype: str):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, feeds(session, model, table, dtype))))


@pytest.mark.parametrize("problem", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("scaling", [True, False])
@pytest.mark.parametrize("text_input", [True, False])
def test_the_model_on_raw_inputs_equals_predict_and_names_the_classes(problem, scaling, text_input):
    table, net, encoding, loss = trained(problem, scaling, text_input)
    assert encoding.scales_inputs is scaling and encoding.scales_targets is (scaling and problem == "regression")
    model = to_onnx(net, loss, "float64", encoding)
    # the rows it was trained on, and new ones whose labels come in another order (no "blue": red is then 2nd)
    new = make_table(problem, text_input, rows=25, seed=9, colours=("red", "green"))
    for rows in (table, new):
        out = run(model, rows, "float64")
        y_hat, labels = python_side(net, encoding, rows)
        np.testing.assert_allclose(out["y_hat"], y_hat, rtol=1e-6, atol=1e-6)
        if encoding.is_classification:
            assert out["label"].tolist() == labels.tolist()
        else:
            assert "label" not in out
    spread = y_hat.max(axis=0) - y_hat.min(axis=0)
    assert (spread > 1e-3).any(), "the outputs differ from row to row: the comparison means something"


@pytest.mark.parametrize("problem", ["binary", "multiclass", "regression"])
def test_float32_the_default_is_as_close_as_float32_allows(problem):
    """float32 rounds each raw input and weight to 7 digits: ŷ agrees to 1e-6 of its scale."""
    table, net, encoding, loss = trained(problem, True, True)
    out = run(to_onnx(net, loss, "float32", encoding), table, "float32")
    y_hat, labels = python_side(net, encoding, table)
    scale = np.abs(y_hat).max(axis=0)
    assert np.all(np.abs(out["y_hat"] - y_hat).max(axis=0) <= 1e-6 * np.maximum(scale, 1))
    if labels is not None:
        near = (np.abs(y_hat - 0.5) < 1e-5).any(axis=1) if problem == "binary" else np.zeros(len(y_hat), bool)
        assert out["label"][~near].tolist() == labels[~near].tolist()


def test_the_graph_scales_inside_and_its_metadata_names_everything():
    table, net, encoding, loss = trained("regression", True, True)
    model = to_onnx(net, loss, "float32", encoding)
    ops = [n.op_type for n in model.graph.node]
    assert ops[:2] == ["Sub", "Div"] and ops[-3:] == ["Mul", "Add", "Where"] and "LabelEncoder" in ops
    inputs = {i.name: i.type.tensor_type.elem_type for i in model.graph.input}
    assert inputs == {"X": 1, "colour": 8}  # float, string
    props = {p.key: p.value for p in model.metadata_props}
    assert props["problem"] == "regression" and json.loads(props["targets"]) == ["price", "score"]
    assert json.loads(props["input_columns"]) == ["size", "colour", "weight"]
    assert json.loads(props["network_inputs"]) == ["size", "colour=blue", "colour=green", "colour=red", "weight"]
    scaling = json.loads(props["scaling"])
    assert scaling["inputs"]["size"] == {"mean": encoding.inputs[0].mean, "scale": encoding.inputs[0].scale}
    assert scaling["targets"]["price"]["scale"] == encoding.target_scale[0]
    assert Encoding.from_dict(json.loads(props["encoding"])) == encoding
    assert json.loads(props["layer_sizes"]) == [5, 6, 4, 2] and props["loss"] == "mse"

    _, net, encoding, loss = trained("multiclass", False, True)
    model = to_onnx(net, loss, "float32", encoding)
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["classes"]) == [["bird", "cat", "dog"]]
    assert json.loads(props["outputs"]) == ["y_hat", "label"]
    softmax = [n for n in model.graph.node if n.op_type == "Softmax"]
    assert len(softmax) == 1 and softmax[0].attribute[0].name == "axis" and softmax[0].attribute[0].i == -1
    assert not any(n.op_type in ("Sub", "Div") for n in model.graph.node)  # no scaling: x as it is


def test_a_label_the_network_was_not_built_for_gives_nan_and_no_label_for_that_row_only():
    table, net, encoding, loss = trained("multiclass", True, True)
    model = to_onnx(net, loss, "float64", encoding)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    inputs = feeds(session, model, table, "float64")
    inputs["colour"] = inputs["colour"].copy()
    inputs["colour"][3, 0] = "purple"
    y_hat, label = session.run(["y_hat", "label"], inputs)
    expected, labels = python_side(net, encoding, table)
    assert np.isnan(y_hat[3]).all() and label[3, 0] == ""
    keep = np.arange(len(table.X)) != 3
    np.testing.assert_allclose(y_hat[keep], expected[keep], rtol=1e-6, atol=1e-6)
    assert label[keep].tolist() == labels[keep].tolist()


def test_a_text_column_named_like_a_graph_tensor_keeps_its_name_or_says_which_it_got():
    table = TrainingTable.from_csv_text("a,X,W1,y\n1,p,u,0\n2,q,v,1\n3,p,u,1\n4,q,u,0\n")
    config = TrainingConfig(problem="binary", hidden=(3,), output_activation="sigmoid", loss="bce", scaling=True)
    trainer = config.make_trainer(table)
    model = to_onnx(trainer.network, "bce", "float64", trainer.encoding)
    graph_inputs = json.loads({p.key: p.value for p in model.metadata_props}["graph_inputs"])
    assert [(g["name"], g["columns"]) for g in graph_inputs] == [("X", ["a"]), ("X_2", ["X"]), ("W1_2", ["W1"])]
    out = run(model, table, "float64")
    expected, labels = python_side(trainer.network, trainer.encoding, table)
    np.testing.assert_allclose(out["y_hat"], expected, rtol=1e-6, atol=1e-6)
    assert out["label"].tolist() == labels.tolist()


def test_without_an_encoding_the_graph_is_the_network_alone():
    net = Network([3, 4, 2], ["tanh", "softmax"], use_bias=True, seed=0)
    model = to_onnx(net)
    assert [n.op_type for n in model.graph.node] == ["MatMul", "Add", "Tanh", "MatMul", "Add", "Softmax"]
    assert [i.name for i in model.graph.input] == ["X"] and [o.name for o in model.graph.output] == ["y_hat"]
    assert not {"problem", "encoding", "graph_inputs"} & {p.key for p in model.metadata_props}
    X = np.random.default_rng(0).normal(size=(5, 3))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"X": X.astype(np.float32)})
    np.testing.assert_allclose(out, net.predict(X), atol=1e-6)


def test_an_encoding_for_another_network_is_refused(tmp_path):
    _, net, encoding, loss = trained("multiclass", True, True)
    (tmp_path / "m.onnx").write_bytes(b"older export")
    with pytest.raises(OnnxExportError, match="the encoding makes 5 inputs and 3 outputs; the network takes 5 and "
                                              "gives 1"):
        save_onnx(Network([5, 2, 1], seed=0), tmp_path / "m.onnx", encoding=encoding)
    assert (tmp_path / "m.onnx").read_bytes() == b"older export"
