"""Export a trained network as ONNX: the network's own MatMul, Add and activation nodes, so any
ONNX runtime computes the same ŷ as :meth:`Network.predict`.

The graph takes ``X`` (rows × inputs) and returns ``y_hat`` (rows × outputs); its metadata records
the layer sizes, activations, loss and bias flag. Uses the ``onnx`` package to build and check it.
"""
from __future__ import annotations

import json
import os

import numpy as np

from .fileio import atomic_write
from .network import Network

OPSET = 17
ACTIVATION_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "linear": "Identity"}


class OnnxExportError(ValueError):
    pass


def to_onnx(network: Network, loss: str = "sse", dtype: str = "float32"):
    """The network as an ``onnx.ModelProto`` (float32 by default, the type every runtime supports)."""
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:  # pragma: no cover - a dependency, but say so plainly if it is missing
        raise OnnxExportError("ONNX export needs the onnx package: pip install onnx") from None
    if dtype not in ("float32", "float64"):
        raise OnnxExportError(f"dtype must be float32 or float64, got {dtype!r}")
    if not all(np.isfinite(p).all() for p in (*network.weights, *network.biases)):
        raise OnnxExportError("the network has NaN or infinite weights; there is nothing sound to export")
    _check_range(network, dtype)
    elem = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
    nodes, initializers = [], []
    current = "X"
    for l, (W, b, act) in enumerate(zip(network.weights, network.biases, network.activations), start=1):
        initializers.append(numpy_helper.from_array(W.astype(dtype), name=f"W{l}"))
        nodes.append(helper.make_node("MatMul", [current, f"W{l}"], [f"z{l}_matmul"], name=f"layer{l}_matmul"))
        current = f"z{l}_matmul"
        if network.use_bias:
            initializers.append(numpy_helper.from_array(b.astype(dtype), name=f"b{l}"))
            nodes.append(helper.make_node("Add", [current, f"b{l}"], [f"z{l}"], name=f"layer{l}_add"))
            current = f"z{l}"
        out = "y_hat" if l == len(network.weights) else f"a{l}"
        nodes.append(helper.make_node(ACTIVATION_OPS[act], [current], [out], name=f"layer{l}_{act}"))
        current = out
    graph = helper.make_graph(
        nodes,
        "nnplayground",
        [helper.make_tensor_value_info("X", elem, ["rows", network.n_inputs])],
        [helper.make_tensor_value_info("y_hat", elem, ["rows", network.n_outputs])],
        initializers,
    )
    model = helper.make_model(graph, producer_name="nnplayground", opset_imports=[helper.make_opsetid("", OPSET)])
    helper.set_model_props(model, {
        "layer_sizes": json.dumps(list(network.layer_sizes)),
        "activations": json.dumps(list(network.activations)),
        "loss": loss,
        "use_bias": json.dumps(network.use_bias),
    })
    onnx.checker.check_model(model, full_check=True)
    return model


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


def save_onnx(network: Network, path: str | os.PathLike, loss: str = "sse", dtype: str = "float32") -> None:
    """Write atomically: on any failure (:class:`~.fileio.SaveError`) the old file is untouched."""
    data = to_onnx(network, loss, dtype).SerializeToString()
    atomic_write(path, lambda fh: fh.write(data))
