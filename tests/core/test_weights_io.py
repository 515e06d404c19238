import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnplayground.core.activations import HIDDEN_ACTIVATIONS
from nnplayground.core import (ACTIVATIONS, LOSSES, Network, TrainingConfig, TrainingTable, WeightsFileError,
                               load_weights, save_weights)
from nnplayground.core.encoding import Encoding, InputColumn
from nnplayground.core.suggest import OUTPUT_AND_LOSS

from ..conftest import EXAMPLES, ROOT


def trained(use_bias=True):
    net = Network([3, 5, 2, 1], ["tanh", "relu", "sigmoid"], use_bias=use_bias, seed=4)
    net.parameters[:] += np.random.default_rng(0).normal(size=net.parameters.size) / 3
    return net


@pytest.mark.parametrize("ext", [".npz", ".json"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_save_load_round_trips_bit_exactly(tmp_path, ext, use_bias):
    net = trained(use_bias)
    save_weights(net, tmp_path / f"w{ext}", loss="bce")
    loaded = load_weights(tmp_path / f"w{ext}")
    assert loaded.layer_sizes == (3, 5, 2, 1) and loaded.activations == ("tanh", "relu", "sigmoid")
    assert loaded.loss == "bce" and loaded.use_bias is use_bias
    again = loaded.to_network()
    assert again.parameters.tobytes() == net.parameters.tobytes()
    other = Network([3, 5, 2, 1], ["tanh", "relu", "sigmoid"], use_bias=use_bias, seed=99)
    loaded.apply_to(other)
    assert other.parameters.tobytes() == net.parameters.tobytes()


def test_json_is_readable(tmp_path):
    save_weights(trained(), tmp_path / "w.json")
    record = json.loads((tmp_path / "w.json").read_text())
    assert record["format"] == "nnplayground-weights" and record["version"] == 2 and record["encoding"] is None
    assert len(record["weights"][0]) == 3 and len(record["weights"][0][0]) == 5


def test_a_file_for_another_shape_leaves_the_network_untouched(tmp_path):
    save_weights(trained(), tmp_path / "w.npz")
    net = Network([3, 4, 1], seed=0)
    before = net.parameters.copy()
    with pytest.raises(WeightsFileError, match=r"layers \[3, 5, 2, 1\]"):
        load_weights(tmp_path / "w.npz").apply_to(net)
    np.testing.assert_array_equal(net.parameters, before)


def test_wrong_shaped_arrays_inside_the_file_are_refused(tmp_path):
    net = trained()
    save_weights(net, tmp_path / "w.json")
    record = json.loads((tmp_path / "w.json").read_text())
    record["weights"][1] = [[1.0]]
    (tmp_path / "bad.json").write_text(json.dumps(record))
    with pytest.raises(WeightsFileError, match="layer 2"):
        load_weights(tmp_path / "bad.json")


class _Payload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickled_npz_is_refused_without_unpickling(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    meta = {"format": "nnplayground-weights", "version": 1, "layer_sizes": [1, 1], "activations": ["linear"],
            "loss": "sse", "use_bias": True}
    np.savez(path, metadata=np.array(json.dumps(meta)), W0=np.array([_Payload(marker)], dtype=object),
             b0=np.zeros(1))
    with pytest.raises(WeightsFileError, match="pickled"):
        load_weights(path)
    assert not marker.exists()


def test_truncated_and_foreign_files_are_refused(tmp_path):
    save_weights(trained(), tmp_path / "w.npz")
    raw = (tmp_path / "w.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(WeightsFileError, match="damaged|truncated"):
        load_weights(tmp_path / "cut.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(WeightsFileError, match="damaged or not a weights file"):
        load_weights(tmp_path / "text.npz")
    np.savez(tmp_path / "plain.npz", a=np.zeros(3))
    with pytest.raises(WeightsFileError, match="no metadata"):
        load_weights(tmp_path / "plain.npz")
    (tmp_path / "w.json").write_text("{not json")
    with pytest.raises(WeightsFileError, match="not valid JSON"):
        load_weights(tmp_path / "w.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(WeightsFileError, match="not an nnplayground"):
        load_weights(tmp_path / "list.json")
    with pytest.raises(WeightsFileError, match="unknown weights format"):
        load_weights(tmp_path / "w.h5")
    with pytest.raises(WeightsFileError, match="cannot read"):
        load_weights(tmp_path / "missing.npz")


def test_nan_weights_are_not_saved(tmp_path):
    net = trained()
    net.weights[0][0, 0] = np.nan
    with pytest.raises(WeightsFileError, match="NaN"):
        save_weights(net, tmp_path / "w.npz")
    assert not (tmp_path / "w.npz").exists()


def test_newer_format_version_is_refused(tmp_path):
    save_weights(trained(), tmp_path / "w.json")
    record = json.loads((tmp_path / "w.json").read_text())
    record["version"] = 3
    (tmp_path / "w.json").write_text(json.dumps(record))
    with pytest.raises(WeightsFileError, match="version 3; this app reads versions 1 and 2"):
        load_weights(tmp_path / "w.json")


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def networks(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    acts = draw(st.lists(st.sampled_from(list(HIDDEN_ACTIVATIONS)), min_size=len(sizes) - 2, max_size=len(sizes) - 2))
    acts.append(draw(st.sampled_from(list(ACTIVATIONS))))  # softmax at the output only
    net = Network(sizes, acts, use_bias=draw(st.booleans()), seed=0)
    values = draw(st.lists(finite, min_size=net.parameters.size, max_size=net.parameters.size))
    net.parameters[:] = values  # every float: -0.0, subnormals, 1.8e308
    return net


@settings(max_examples=60)
@given(networks(), st.sampled_from([".npz", ".json"]), st.sampled_from(list(LOSSES)))
def test_any_saved_network_loads_back_bit_for_bit(tmp_path_factory, net, ext, loss):
    path = tmp_path_factory.mktemp("w") / f"net{ext}"
    save_weights(net, path, loss=loss)
    back = load_weights(path)
    assert back.layer_sizes == net.layer_sizes and back.activations == net.activations
    assert back.loss == loss and back.use_bias is net.use_bias
    assert back.to_network().parameters.tobytes() == net.parameters.tobytes()


@pytest.mark.parametrize("ext", [".npz", ".json"])
def test_saving_again_replaces_the_file_and_leaves_nothing_else(tmp_path, ext):
    save_weights(trained(), tmp_path / f"w{ext}")
    save_weights(Network([2, 1], seed=0), tmp_path / f"w{ext}")
    assert load_weights(tmp_path / f"w{ext}").layer_sizes == (2, 1)
    assert [p.name for p in tmp_path.iterdir()] == [f"w{ext}"]


@pytest.mark.parametrize("edit, words", [
    ({"use_bias": "false"}, "use_bias must be true or false, got 'false'"),
    ({"layer_sizes": [3, True, 1]}, "layer_sizes must be a list"),
    ({"version": True}, "format version True"),
    ({"weights": [[[True] * 5] * 3, [[0.0] * 2] * 5, [[0.0]] * 2]}, "layer 1's weights hold something other than"),
    ({"weights": [[["1"] * 5] * 3, [[0.0] * 2] * 5, [[0.0]] * 2]}, "layer 1's weights hold something other than"),
])
def test_wrong_types_are_refused_not_coerced(tmp_path, edit, words):
    save_weights(trained(), tmp_path / "w.json")
    record = json.loads((tmp_path / "w.json").read_text())
    record.update(edit)
    (tmp_path / "w.json").write_text(json.dumps(record))
    with pytest.raises(WeightsFileError, match=words):
        load_weights(tmp_path / "w.json")


def test_complex_and_boolean_arrays_are_refused(tmp_path):
    net = trained()
    meta = json.dumps({"format": "nnplayground-weights", "version": 1, "layer_sizes": [3, 5, 2, 1],
                       "activations": ["tanh", "relu", "sigmoid"], "loss": "sse", "use_bias": True})
    arrays = {f"W{l}": w for l, w in enumerate(net.weights)} | {f"b{l}": b for l, b in enumerate(net.biases)}
    np.savez(tmp_path / "c.npz", metadata=np.array(meta), **(arrays | {"W1": net.weights[1] + 1j}))
    with pytest.raises(WeightsFileError, match="W1 holds complex numbers"):
        load_weights(tmp_path / "c.npz")
    np.savez(tmp_path / "b.npz", metadata=np.array(meta), **(arrays | {"b0": np.ones(5, bool)}))
    with pytest.raises(WeightsFileError, match="b0 holds true/false values"):
        load_weights(tmp_path / "b.npz")


# -- format 2: the encoding travels with the weights ----------------------------------------------------
MIXED = ("size,colour,weight,sick,kind,price\n"
         "120,red,0.01,no,cat,25\n300,blue,0.05,yes,dog,346\n210,green,0.02,no,bird,110\n"
         "150,red,0.04,yes,dog,80\n280,blue,0.03,no,cat,200\n")


def fitted(problem: str, scaling: bool):
    """A network trained a little on a table with text input columns (colour, and two of sick, kind and
    price as inputs besides the problem's target), and its encoding."""
    target = {"binary": "sick", "multiclass": "kind", "regression": "price"}[problem]
    table = TrainingTable.from_csv_text(MIXED, targets=[target])
    output, loss = OUTPUT_AND_LOSS[problem]
    config = TrainingConfig(problem=problem, hidden=(4,), activation="tanh", output_activation=output, loss=loss,
                            scaling=scaling, learning_rate=0.1, iterations=20)
    trainer = config.make_trainer(table)
    trainer.run(20)
    return table, trainer.network, trainer.encoding, loss


@pytest.mark.parametrize("ext", [".npz", ".json"])
@pytest.mark.parametrize("problem", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("scaling", [True, False])
def test_format_2_round_trips_the_weights_and_the_encoding_bit_for_bit(tmp_path, ext, problem, scaling):
    table, net, encoding, loss = fitted(problem, scaling)
    assert any(c.levels for c in encoding.inputs) and encoding.scales_inputs is scaling
    save_weights(net, tmp_path / f"w{ext}", loss=loss, encoding=encoding)
    back = load_weights(tmp_path / f"w{ext}")
    assert back.recorded_encoding == encoding and back.encoding == encoding and back.loss == loss
    for a, b in zip(back.encoding.inputs, encoding.inputs):  # the very floats: μ and σ to the last bit
        assert np.float64(a.mean).tobytes() == np.float64(b.mean).tobytes()
        assert np.float64(a.scale).tobytes() == np.float64(b.scale).tobytes()
    assert np.asarray(back.encoding.target_scale).tobytes() == np.asarray(encoding.target_scale).tobytes()
    assert back.to_network().parameters.tobytes() == net.parameters.tobytes()
    # and the weights read the table as they were trained to: the same predictions, in the table's terms
    X = back.encoding.encode_inputs(table)
    np.testing.assert_array_equal(back.encoding.decode(back.to_network().predict(X)),
                                  encoding.decode(net.predict(encoding.encode_inputs(table))))


@st.composite
def encodings(draw, n_in: int, n_out: int):
    """Any encoding a network with n_in inputs and n_out outputs may carry: columns of numbers (any finite μ,
    any positive σ) and of text labels (one input each), any problem that gives n_out outputs."""
    label = st.text(min_size=1, max_size=8)
    inputs, left, names = [], n_in, iter(range(10**6))
    while left:
        width = draw(st.integers(1, left))
        name = f"c{next(names)}" + draw(st.text(max_size=4))
        if width == 1 and draw(st.booleans()):
            inputs.append(InputColumn(name, draw(finite), draw(finite.filter(lambda v: v > 0))))
        else:
            inputs.append(InputColumn(name, levels=tuple(draw(st.lists(label, min_size=width, max_size=width,
                                                                            unique=True)))))
        left -= width
    problems = ["binary", "regression"] + (["multiclass"] if n_out >= 2 else [])
    problem = draw(st.sampled_from(problems))
    if problem == "multiclass":
        return Encoding(tuple(inputs), problem, ("class",),
                        (tuple(draw(st.lists(label, min_size=n_out, max_size=n_out, unique=True))),))
    targets = tuple(f"t{j}" for j in range(n_out))
    if problem == "binary":
        return Encoding(tuple(inputs), problem, targets,
                        tuple(tuple(draw(st.lists(label, min_size=2, max_size=2, unique=True))) for _ in targets))
    if not draw(st.booleans()):
        return Encoding(tuple(inputs), problem, targets)
    return Encoding(tuple(inputs), problem, targets, (), tuple(draw(st.lists(finite, min_size=n_out, max_size=n_out))),
                    tuple(draw(st.lists(finite.filter(lambda v: v > 0), min_size=n_out, max_size=n_out))))


@settings(max_examples=60)
@given(st.data(), st.sampled_from([".npz", ".json"]))
def test_any_encoding_travels_with_its_network_bit_for_bit(tmp_path_factory, data, ext):
    net = data.draw(networks())
    encoding = data.draw(encodings(net.n_inputs, net.n_outputs))
    path = tmp_path_factory.mktemp("w") / f"net{ext}"
    save_weights(net, path, encoding=encoding)
    back = load_weights(path)
    assert back.encoding == encoding
    assert json.dumps(back.encoding.to_dict()) == json.dumps(encoding.to_dict())  # every float's repr
    assert back.to_network().parameters.tobytes() == net.parameters.tobytes()


WEIGHTS_FIXTURES = ROOT / "tests" / "fixtures" / "weights"


@pytest.mark.parametrize("ext", [".npz", ".json"])
def test_format_1_files_written_by_the_last_release_still_load_as_numbers_in_and_out(ext):
    """Written by 5c919aa's save_weights: the tutorial's network after 1500 iterations."""
    from nnplayground.core import Trainer

    back = load_weights(WEIGHTS_FIXTURES / f"tutorial-1500-iterations-v1{ext}")
    assert back.recorded_encoding is None
    plain = back.encoding
    assert plain.identity and plain.problem == "regression" and plain.input_names == ("x1", "x2", "x3")
    assert plain.targets == ("y",) and not plain.scales_inputs and not plain.scales_targets
    table = TrainingTable.from_csv(EXAMPLES / "article.csv")
    again = Network([3, 4, 1], use_bias=False, seed=0)
    Trainer(again, table.X, table.y).run(1500)
    # to 1e-12, not bit for bit: written on another machine, whose BLAS may round a last bit differently
    np.testing.assert_allclose(back.to_network().parameters, again.parameters, rtol=1e-12, atol=0)
    assert plain.encode_X(table.X) is not None and np.array_equal(plain.encode_X(table.X), table.X)


def test_a_network_saved_without_an_encoding_reads_as_numbers_in_and_out(tmp_path):
    save_weights(Network([2, 3, 2], seed=0), tmp_path / "w.npz")
    back = load_weights(tmp_path / "w.npz")
    assert back.recorded_encoding is None
    assert back.encoding.input_names == ("x1", "x2") and back.encoding.targets == ("y1", "y2")


def test_an_encoding_that_does_not_fit_the_network_is_not_saved(tmp_path):
    _, net, encoding, _ = fitted("multiclass", True)  # 3 classes: 3 outputs
    (tmp_path / "w.npz").write_bytes(b"the user's older file")
    other = Network([net.n_inputs, 4, 1], seed=0)
    with pytest.raises(WeightsFileError, match=r"cannot save w.npz: its encoding makes 8 inputs .* and 3 outputs "
                                               r"\(classes 'bird', 'cat', 'dog'\); the layers take 8 and give 1"):
        save_weights(other, tmp_path / "w.npz", encoding=encoding)
    assert (tmp_path / "w.npz").read_bytes() == b"the user's older file"
