"""Weight files: ``.npz`` (arrays plus a JSON metadata record) and ``.json`` (human-readable).

Both carry the same record: layer sizes, activations, loss, bias flag and format version. Loading
never unpickles and never touches a network until the whole file has been checked against it.
"""
from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .activations import ACTIVATIONS
from .network import Network

FORMAT = "nnplayground-weights"
VERSION = 1
EXTENSIONS = (".npz", ".json")


class WeightsFileError(ValueError):
    """A weights file that cannot be read or does not fit the network."""


@dataclass(frozen=True)
class WeightsFile:
    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    use_bias: bool
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def to_network(self) -> Network:
        net = Network(self.layer_sizes, self.activations, use_bias=self.use_bias)
        net.set_parameters(self.weights, self.biases)
        return net

    def apply_to(self, network: Network) -> None:
        """Load these parameters into ``network``; on any mismatch it is left as it was."""
        if tuple(network.layer_sizes) != self.layer_sizes:
            raise WeightsFileError(
                f"the file is for layers {list(self.layer_sizes)}; the network has {list(network.layer_sizes)}"
            )
        if tuple(network.activations) != self.activations:
            raise WeightsFileError(
                f"the file uses activations {list(self.activations)}; the network has {list(network.activations)}"
            )
        network.set_parameters(self.weights, self.biases)


def _metadata(network: Network, loss: str) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "layer_sizes": list(network.layer_sizes),
        "activations": list(network.activations),
        "loss": loss,
        "use_bias": network.use_bias,
    }


def save_weights(network: Network, path: str | os.PathLike, loss: str = "sse") -> None:
    path = Path(path)
    params = list(network.weights) + list(network.biases)
    if not all(np.isfinite(p).all() for p in params):
        raise WeightsFileError("the network has NaN or infinite weights; there is nothing sound to save")
    meta = _metadata(network, loss)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        arrays = {f"W{l}": w for l, w in enumerate(network.weights)}
        arrays.update({f"b{l}": b for l, b in enumerate(network.biases)})
        with open(path, "wb") as fh:
            np.savez(fh, metadata=np.array(json.dumps(meta)), **arrays)
    elif suffix == ".json":
        meta["weights"] = [w.tolist() for w in network.weights]
        meta["biases"] = [b.tolist() for b in network.biases]
        path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    else:
        raise WeightsFileError(f"unknown weights format {path.suffix!r}; use .npz or .json")


def load_weights(path: str | os.PathLike) -> WeightsFile:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise WeightsFileError(f"unknown weights format {path.suffix!r}; use .npz or .json")
    try:
        if suffix == ".npz":
            meta, weights, biases = _read_npz(path)
        else:
            meta, weights, biases = _read_json(path)
    except WeightsFileError:
        raise
    except OSError as exc:
        raise WeightsFileError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    return _check(path.name, meta, weights, biases)


def _read_npz(path: Path):
    if not path.is_file():
        raise WeightsFileError(f"cannot read {path.name}: no such file")
    if not zipfile.is_zipfile(path):  # np.load would try anything else as a pickle
        raise WeightsFileError(f"{path.name} is damaged or not a weights file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            names = set(npz.files)
            if "metadata" not in names:
                raise WeightsFileError(f"{path.name} is not an nnplayground weights file (no metadata)")
            meta = json.loads(str(npz["metadata"]))
            n = len(meta.get("layer_sizes", ())) - 1 if isinstance(meta, dict) else 0
            missing = [k for l in range(max(n, 0)) for k in (f"W{l}", f"b{l}") if k not in names]
            if missing:
                raise WeightsFileError(f"{path.name} is missing the array {missing[0]}")
            weights = [npz[f"W{l}"] for l in range(max(n, 0))]
            biases = [npz[f"b{l}"] for l in range(max(n, 0))]
    except WeightsFileError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc):
            raise WeightsFileError(
                f"{path.name} holds pickled Python objects, which are never loaded (they can run code)"
            ) from None
        raise WeightsFileError(f"{path.name} is damaged or not a weights file: {exc}") from None
    except (zipfile.BadZipFile, EOFError, KeyError, json.JSONDecodeError) as exc:
        raise WeightsFileError(f"{path.name} is damaged or truncated: {exc}") from None
    return meta, weights, biases


def _read_json(path: Path):
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WeightsFileError(f"{path.name} is not valid JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise WeightsFileError(f"{path.name} is not an nnplayground weights file")
    try:
        weights = [np.array(w, dtype=np.float64) for w in meta.get("weights", [])]
        biases = [np.array(b, dtype=np.float64) for b in meta.get("biases", [])]
    except (TypeError, ValueError):
        raise WeightsFileError(f"{path.name}: weights must be rectangular lists of numbers") from None
    return meta, weights, biases


def _check(name: str, meta, weights, biases) -> WeightsFile:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise WeightsFileError(f"{name} is not an nnplayground weights file")
    if meta.get("version") != VERSION:
        raise WeightsFileError(f"{name} has format version {meta.get('version')!r}; this app reads version {VERSION}")
    sizes = meta.get("layer_sizes")
    acts = meta.get("activations")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
    ):
        raise WeightsFileError(f"{name}: layer_sizes must be a list of positive whole numbers")
    if not isinstance(acts, list) or len(acts) != len(sizes) - 1 or not all(a in ACTIVATIONS for a in acts):
        raise WeightsFileError(f"{name}: activations must name one known activation per layer")
    if len(weights) != len(sizes) - 1 or len(biases) != len(sizes) - 1:
        raise WeightsFileError(f"{name}: expected {len(sizes) - 1} weight matrices and bias vectors")
    for l, (w, b) in enumerate(zip(weights, biases)):
        want_w, want_b = (sizes[l], sizes[l + 1]), (sizes[l + 1],)
        if w.shape != want_w or b.shape != want_b:
            raise WeightsFileError(
                f"{name}: layer {l + 1} has weights {w.shape} and biases {b.shape}; "
                f"layer sizes {sizes} need {want_w} and {want_b}"
            )
        if w.dtype.kind not in "fiu" or b.dtype.kind not in "fiu":
            raise WeightsFileError(f"{name}: layer {l + 1} does not hold numbers")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise WeightsFileError(f"{name}: layer {l + 1} contains NaN or infinity")
    loss = meta.get("loss", "sse")
    return WeightsFile(
        layer_sizes=tuple(sizes),
        activations=tuple(acts),
        loss=str(loss),
        use_bias=bool(meta.get("use_bias", True)),
        weights=tuple(np.asarray(w, dtype=np.float64) for w in weights),
        biases=tuple(np.asarray(b, dtype=np.float64) for b in biases),
    )
