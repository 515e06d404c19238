"""Export a trained network as ONNX that takes the table's raw columns and gives answers in its terms.

The graph holds the network's own MatMul, Add and activation nodes (a softmax output is the Softmax op,
axis −1), wrapped in its :class:`~.encoding.Encoding`, so any ONNX runtime computes from a table's rows
what :meth:`Network.predict` computes from the encoded ones:

- inputs: ``X`` (rows × the number columns, raw, in the table's order), standardised inside the graph
  (Sub μ, Div σ: initializers ``input_mean``, ``input_scale``) when the encoding scales them; and one
  string input (rows × 1) per text-label column, named after the column, holding the very labels: an
  ``ai.onnx.ml`` LabelEncoder turns each into its label's index and Equal against 0…k−1 into its one-hot
  block. A label the network was not built for makes that row's ``y_hat`` NaN and its ``label`` empty
  (a runtime cannot refuse one row as :meth:`Encoding.encode_X` does).
- outputs: ``y_hat`` (rows × outputs): a regression's values in the table's units (its scaling undone
  by Mul σ, Add μ), a classification's probabilities (one per class, or P(second class) per binary
  target); for a classification also ``label`` (rows × 1 for multi-class, rows × targets for binary):
  the predicted class's name (ArgMax, or ŷ ≥ 0.5, then a LabelEncoder from index to name).
- metadata: layer sizes, activations, loss, bias flag, problem, the input columns and the network's
  inputs they become (``column=label`` for one-hot), the graph's inputs, the targets, the classes per
  target, the scaling, and the whole encoding (JSON), as weight files record it.

Without an encoding (``encoding=None``) the graph is the network alone: ``X`` in, ``y_hat`` out.
Uses the ``onnx`` package to build and check it (opset 17, ``ai.onnx.ml`` 2).
"""
from __future__ import annotations

import json
import os

import numpy as np

from .encoding import Encoding, numbered_encoding
from .fileio import atomic_write
from .network import Network

OPSET = 17
ML_OPSET = 2  # ai.onnx.ml: LabelEncoder with string and int64 keys and values
ACTIVATION_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "linear": "Identity", "softmax": "Softmax"}


class OnnxExportError(ValueError):
    pass


def to_onnx(network: Network, loss: str = "sse", dtype: str = "float32", encoding: Encoding | None = None):
    """The network as an ``onnx.ModelProto`` (float32 by default, the type every runtime supports),
    taking the raw columns ``encoding`` reads (None: the network's own inputs, as they are)."""
    try:
        import onnx
        from onnx import helper
    except ImportError:  # pragma: no cover - a dependency, but say so plainly if it is missing
        raise OnnxExportError("ONNX export needs the onnx package: pip install onnx") from None
    if dtype not in ("float32", "float64"):
        raise OnnxExportError(f"dtype must be float32 or float64, got {dtype!r}")
    if not all(np.isfinite(p).all() for p in (*network.weights, *network.biases)):
        raise OnnxExportError("the network has NaN or infinite weights; there is nothing sound to export")
    _check_range(network, dtype)
    if encoding is not None and (encoding.n_inputs, encoding.n_outputs) != (network.n_inputs, network.n_outputs):
        raise OnnxExportError(f"the encoding makes {encoding.n_inputs} inputs and {encoding.n_outputs} outputs; "
                              f"the network takes {network.n_inputs} and gives {network.n_outputs}")
    graph = _Graph(network, dtype, encoding)
    model = helper.make_model(
        helper.make_graph(graph.nodes, "nnplayground", graph.inputs, graph.outputs, graph.initializers,
                          doc_string=graph.doc),
        producer_name="nnplayground", doc_string=graph.doc,
        opset_imports=[helper.make_opsetid("", OPSET)]
        + ([helper.make_opsetid("ai.onnx.ml", ML_OPSET)] if graph.uses_ml else []))
    helper.set_model_props(model, {
        "layer_sizes": json.dumps(list(network.layer_sizes)),
        "activations": json.dumps(list(network.activations)),
        "loss": loss,
        "use_bias": json.dumps(network.use_bias),
        **graph.metadata,
    })
    onnx.checker.check_model(model, full_check=True)
    return model


class _Graph:
    """The nodes, initializers, inputs and outputs of one export, built in order: decoding the raw
    columns, the network's layers, reading its outputs back."""

    def __init__(self, network: Network, dtype: str, encoding: Encoding | None):
        from onnx import TensorProto, helper, numpy_helper

        self._helper, self._numpy_helper = helper, numpy_helper
        self.dtype = dtype
        self.elem = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
        self.nodes, self.initializers, self.inputs, self.outputs = [], [], [], []
        self.uses_ml = False
        L = len(network.weights)
        # the network's own names stay as they always were; everything added around them avoids them
        self.used = {"X", "y_hat", "label", *(f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b", "z", "a")),
                     *(f"z{l}_matmul" for l in range(1, L + 1))}
        enc = encoding if encoding is not None else numbered_encoding(network.n_inputs, network.n_outputs)
        unknown = []  # per text column: a rows × 1 bool tensor, true where its label is not one of the levels
        encoded = self._inputs(enc, unknown)
        out = self._layers(network, encoded)
        if enc.scales_targets:  # ŷ in the table's units: ỹ·σ + μ
            out = self._node("Mul", [out, self._const("target_scale", np.asarray(enc.target_scale))], "y_scaled")
            out = self._node("Add", [out, self._const("target_mean", np.asarray(enc.target_mean))], "y_units")
        bad_row = None
        if unknown:
            bad_row = unknown[0]
            for more in unknown[1:]:
                bad_row = self._node("Or", [bad_row, more], "unknown_label")
            out = self._node("Where", [bad_row, self._const("nan", np.array(np.nan)), out], "y_checked")
        self.nodes[-1].output[0] = "y_hat"  # nothing has read it yet
        self.outputs.append(helper.make_tensor_value_info("y_hat", self.elem, ["rows", enc.n_outputs]))
        if enc.is_classification:
            self._label(enc, bad_row)
        self.doc = self._doc(enc, encoding is None)
        self.metadata = self._metadata(enc, encoding)

    # -- pieces ----------------------------------------------------------------------------------
    def _name(self, wanted: str) -> str:
        name, n = wanted, 1
        while name in self.used:
            n += 1
            name = f"{wanted}_{n}"
        self.used.add(name)
        return name

    def _node(self, op: str, inputs: list[str], output: str, domain: str | None = None, **attrs) -> str:
        name = self._name(output)
        self.nodes.append(self._helper.make_node(op, inputs, [name], name=f"{name}_{op.lower()}",
                                                 **({"domain": domain} if domain else {}), **attrs))
        return name

    def _const(self, wanted: str, values: np.ndarray, dtype=None) -> str:
        name = self._name(wanted)
        self.initializers.append(self._numpy_helper.from_array(np.asarray(values, dtype=dtype or self.dtype), name))
        return name

    def _inputs(self, enc: Encoding, unknown: list[str]) -> str:
        """The network's input matrix, built from the raw columns as :meth:`Encoding.encode_X` builds it."""
        from onnx import TensorProto

        helper = self._helper
        pieces, order = [], []  # tensors to concatenate, and where each of their columns goes
        starts = np.cumsum([0] + [c.width for c in enc.inputs])
        numbers = [i for i, c in enumerate(enc.inputs) if c.levels is None]
        # each text column's input is named after it (first, so no name made for a node can take it)
        text_inputs = {i: self._name(c.name) for i, c in enumerate(enc.inputs) if c.levels is not None}
        self.graph_inputs = {}
        if numbers:
            self.inputs.append(helper.make_tensor_value_info("X", self.elem, ["rows", len(numbers)]))
            self.graph_inputs["X"] = [enc.inputs[i].name for i in numbers]
            x = "X"
            if any(enc.inputs[i].scaled for i in numbers):  # x̃ = (x − μ)/σ; μ = 0, σ = 1 leave x exactly
                x = self._node("Sub", [x, self._const("input_mean", [enc.inputs[i].mean for i in numbers])],
                               "X_centred")
                x = self._node("Div", [x, self._const("input_scale", [enc.inputs[i].scale for i in numbers])],
                               "X_scaled")
            pieces.append(x)
            order += [int(starts[i]) for i in numbers]
        for i, name in text_inputs.items():
            column = enc.inputs[i]
            self.uses_ml = True
            self.inputs.append(helper.make_tensor_value_info(name, TensorProto.STRING, ["rows", 1]))
            self.graph_inputs[name] = [column.name]
            k = len(column.levels)
            index = self._node("LabelEncoder", [name], f"{name}_index", domain="ai.onnx.ml",
                               keys_strings=list(column.levels), values_int64s=list(range(k)), default_int64=-1)
            hot = self._node("Equal", [index, self._const(f"{name}_positions", np.arange(k), np.int64)],
                             f"{name}_is")
            pieces.append(self._node("Cast", [hot], f"{name}_one_hot", to=self.elem))
            order += list(range(int(starts[i]), int(starts[i + 1])))
            unknown.append(self._node("Less", [index, self._const("zero", np.array(0), np.int64)],
                                      f"{name}_unknown"))
        x = pieces[0] if len(pieces) == 1 else self._node("Concat", pieces, "inputs_joined", axis=1)
        if order != sorted(order):  # back into the encoding's column order
            x = self._node("Gather", [x, self._const("input_order", np.argsort(order), np.int64)], "inputs_encoded",
                           axis=1)
        return x

    def _layers(self, network: Network, current: str) -> str:
        helper, numpy_helper = self._helper, self._numpy_helper
        for l, (W, b, act) in enumerate(zip(network.weights, network.biases, network.activations), start=1):
            self.initializers.append(numpy_helper.from_array(W.astype(self.dtype), name=f"W{l}"))
            self.nodes.append(helper.make_node("MatMul", [current, f"W{l}"], [f"z{l}_matmul"], name=f"layer{l}_matmul"))
            current = f"z{l}_matmul"
            if network.use_bias:
                self.initializers.append(numpy_helper.from_array(b.astype(self.dtype), name=f"b{l}"))
                self.nodes.append(helper.make_node("Add", [current, f"b{l}"], [f"z{l}"], name=f"layer{l}_add"))
                current = f"z{l}"
            attrs = {"axis": -1} if act == "softmax" else {}
            self.nodes.append(helper.make_node(ACTIVATION_OPS[act], [current], [f"a{l}"], name=f"layer{l}_{act}",
                                               **attrs))
            current = f"a{l}"
        return current

    def _label(self, enc: Encoding, bad_row: str | None) -> None:
        """``label``: each row's predicted class by name, as :meth:`Encoding.predicted_classes` picks it."""
        from onnx import TensorProto

        self.uses_ml = True
        if enc.problem == "multiclass":
            index = self._node("ArgMax", ["y_hat"], "class_index", axis=1, keepdims=1)
            names = list(enc.classes[0])
        else:  # per target: 0 or 1 (ŷ ≥ 0.5), then 2t + that, into one list of every target's two names
            above = self._node("GreaterOrEqual", ["y_hat", self._const("half", np.array(0.5))], "class_is_second")
            bit = self._node("Cast", [above], "class_bit", to=TensorProto.INT64)
            offsets = self._const("class_offsets", 2 * np.arange(len(enc.targets)), np.int64)
            index = self._node("Add", [bit, offsets], "class_index")
            names = [name for classes in enc.classes for name in classes]
        label = self._node("LabelEncoder", [index], "label_named", domain="ai.onnx.ml",
                           keys_int64s=list(range(len(names))), values_strings=names, default_string="")
        if bad_row is not None:
            label = self._node("Where", [bad_row, self._const("no_label", np.array([""], dtype=object), object),
                                         label], "label_checked")
        self.nodes[-1].output[0] = "label"
        width = 1 if enc.problem == "multiclass" else len(enc.targets)
        self.outputs.append(self._helper.make_tensor_value_info("label", TensorProto.STRING, ["rows", width]))

    # -- words -----------------------------------------------------------------------------------
    def _doc(self, enc: Encoding, bare: bool) -> str:
        if bare:
            return "nnplayground network: X (rows × inputs) in, y_hat (rows × outputs) out."
        ins = ", ".join(f"{n} ({'numbers: ' + ', '.join(cols) if n == 'X' else 'text labels'})"
                        for n, cols in self.graph_inputs.items())
        outs = ("y_hat: values in the table's units" if enc.problem == "regression"
                else "y_hat: probabilities; label: the predicted class's name")
        return (f"nnplayground network for {enc.problem}. Inputs: {ins}, raw as in the table (scaled inside the "
                f"graph). Outputs: {outs}. A label not among a column's labels gives NaN and an empty label.")

    def _metadata(self, enc: Encoding, encoding: Encoding | None) -> dict[str, str]:
        if encoding is None:
            return {}
        scaling = {
            "inputs": {c.name: {"mean": c.mean, "scale": c.scale} for c in enc.inputs if c.scaled},
            "targets": {t: {"mean": m, "scale": s} for t, m, s in zip(enc.targets, enc.target_mean, enc.target_scale)},
        }
        graph_inputs = [{"name": n, "type": "float" if n == "X" else "string", "columns": cols}
                        for n, cols in self.graph_inputs.items()]
        return {
            "problem": enc.problem,
            "input_columns": json.dumps([c.name for c in enc.inputs]),
            "network_inputs": json.dumps(list(enc.input_names)),
            "graph_inputs": json.dumps(graph_inputs),
            "targets": json.dumps(list(enc.targets)),
            "classes": json.dumps([list(c) for c in enc.classes]),
            "outputs": json.dumps(["y_hat", "label"] if enc.is_classification else ["y_hat"]),
            "scaling": json.dumps(scaling),
            "encoding": json.dumps(enc.to_dict()),
        }


def _check_range(network: Network, dtype: str) -> None:
    """float32 holds up to ±3.4e38: a larger (finite, float64) weight would be written as infinity."""
    limit = float(np.finfo(dtype).max)
    for kind, arrays in (("weights", network.weights), ("biases", network.biases if network.use_bias else ())):
        for l, values in enumerate(arrays, start=1):
            largest = float(np.abs(values).max(initial=0.0))
            if largest > limit:
                raise OnnxExportError(
                    f"layer {l}'s {kind} reach {largest:.3g}, beyond what {dtype} can hold (±{limit:.3g}); "
                    "export as float64, or retrain with a smaller learning rate"
                )


def save_onnx(network: Network, path: str | os.PathLike, loss: str = "sse", dtype: str = "float32",
              encoding: Encoding | None = None) -> None:
    """Write atomically: on any failure (:class:`~.fileio.SaveError`) the old file is untouched."""
    data = to_onnx(network, loss, dtype, encoding).SerializeToString()
    atomic_write(path, lambda fh: fh.write(data))
