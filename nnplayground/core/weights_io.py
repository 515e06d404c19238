"""Weight files: ``.npz`` (arrays plus a JSON metadata record) and ``.json`` (human-readable).

Both carry the same record: layer sizes, activations, loss, bias flag, format version and (format 2)
the network's :class:`~.encoding.Encoding`: the μ and σ its inputs (and a regression's targets) were
scaled with, each text column's labels and the classes by name, so the weights are read as they were
trained. A file of format 1, or one saved without an encoding, takes numbers in and gives numbers out
(:func:`~.encoding.numbered_encoding`). Saving is atomic (:mod:`.fileio`). Loading never unpickles, checks
every array's type and declared shape against the record before reading it, checks the encoding against
the layer sizes, and never touches a network until the whole file has been checked; whatever is wrong
raises :class:`WeightsFileError`, naming the file.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .activations import ACTIVATIONS
from .encoding import Encoding, numbered_encoding
from .fileio import (
    MAX_PARAMETERS, FileReadError, NpzArchive, atomic_write, atomic_write_text, check_layers, layer_shapes,
    open_regular_file, parse_json, read_regular_file,
)
from .losses import LOSSES
from .network import Network, n_parameters as count_parameters

FORMAT = "nnplayground-weights"
VERSION = 2
READS = (1, 2)  # format 1: no encoding
EXTENSIONS = (".npz", ".json")
MAX_LAYERS = 64  # weight layers; the settings allow 32 hidden layers, a script may build a few more
MAX_METADATA_CHARS = 1 << 20
MAX_NPZ_BYTES = 8 * MAX_PARAMETERS + 4 * MAX_METADATA_CHARS + (1 << 20)  # the arrays, stored, plus zip headers
MAX_JSON_BYTES = 128 << 20  # about 6 million parameters written out as text


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
    recorded_encoding: Encoding | None = None  # as the file holds it (None: format 1, or saved without one)

    @property
    def encoding(self) -> Encoding:
        """How a table becomes the network's inputs and its outputs read back. For a file that records none,
        the plain one: numbers in and out, inputs ``x1`` … and targets ``y`` (or ``y1`` …) taken by position."""
        if self.recorded_encoding is not None:
            return self.recorded_encoding
        return numbered_encoding(self.layer_sizes[0], self.layer_sizes[-1])

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


def _metadata(network: Network, loss: str, encoding: Encoding | None) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "layer_sizes": list(network.layer_sizes),
        "activations": list(network.activations),
        "loss": loss,
        "use_bias": network.use_bias,
        "encoding": None if encoding is None else encoding.to_dict(),
    }


def save_weights(network: Network, path: str | os.PathLike, loss: str = "sse",
                 encoding: Encoding | None = None) -> None:
    """Write atomically: on any failure (:class:`~.fileio.SaveError`) the old file is untouched.
    ``encoding``: how the table became the network's numbers (None: numbers in and out, as they are)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise WeightsFileError(f"unknown weights format {path.suffix!r}; use .npz or .json")
    if loss not in LOSSES:
        raise WeightsFileError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if not all(np.isfinite(p).all() for p in (*network.weights, *network.biases)):
        raise WeightsFileError("the network has NaN or infinite weights; there is nothing sound to save")
    if encoding is not None:
        try:  # as the loader will read it
            mismatch = None if Encoding.from_dict(encoding.to_dict()) == encoding else "its encoding does not read back"
        except ValueError as exc:
            mismatch = str(exc)
        mismatch = mismatch or _encoding_mismatch(encoding, network.layer_sizes)
        if mismatch:
            raise WeightsFileError(f"cannot save {path.name}: {mismatch}")
    meta = _metadata(network, loss, encoding)
    if suffix == ".npz":
        text = json.dumps(meta)
        if len(text) > MAX_METADATA_CHARS:  # it could not be read back
            raise WeightsFileError(f"cannot save {path.name}: its record (the encoding's labels) takes "
                                   f"{len(text):,} characters; at most {MAX_METADATA_CHARS:,} are read")
        arrays = {f"W{l}": w for l, w in enumerate(network.weights)}
        arrays.update({f"b{l}": b for l, b in enumerate(network.biases)})
        atomic_write(path, lambda fh: np.savez(fh, metadata=np.array(text), **arrays))
    else:
        meta["weights"] = [w.tolist() for w in network.weights]
        meta["biases"] = [b.tolist() for b in network.biases]
        text = json.dumps(meta, indent=1) + "\n"
        if len(text) > MAX_JSON_BYTES:  # ASCII (json.dumps escapes the rest): a character is a byte
            raise WeightsFileError(f"cannot save {path.name}: as JSON it would take {len(text):,} bytes; "
                                   f"at most {MAX_JSON_BYTES:,} are read (save it as .npz)")
        atomic_write_text(path, text)


def load_weights(path: str | os.PathLike) -> WeightsFile:
    """The file's network, checked entirely; :class:`WeightsFileError` for whatever is wrong with it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise WeightsFileError(f"unknown weights format {path.suffix!r}; use .npz or .json")
    try:
        return _read_npz(path) if suffix == ".npz" else _read_json(path)
    except FileReadError as exc:
        raise WeightsFileError(str(exc)) from None


def _read_npz(path: Path) -> WeightsFile:
    name = path.name
    with open_regular_file(path, MAX_NPZ_BYTES) as fh, NpzArchive(fh, name, MAX_NPZ_BYTES, "a weights file") as npz:
        if "metadata" not in npz.names:
            raise WeightsFileError(f"{name} is not an nnplayground weights file (no metadata)")
        meta = parse_json(npz.text("metadata", MAX_METADATA_CHARS), f"{name}'s metadata")
        sizes, acts, loss, use_bias, encoding = _check_record(name, meta)
        shapes = layer_shapes(sizes)
        weights = tuple(npz.array(f"W{l}", w) for l, (w, _) in enumerate(shapes))
        biases = tuple(npz.array(f"b{l}", b) for l, (_, b) in enumerate(shapes))
    check_layers(name, sizes, weights, biases)
    return WeightsFile(tuple(sizes), tuple(acts), loss, use_bias, weights, biases, encoding)


def _read_json(path: Path) -> WeightsFile:
    name = path.name
    raw = read_regular_file(path, MAX_JSON_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WeightsFileError(f"{name} is not valid JSON: it is not UTF-8 text") from None
    meta = parse_json(text, name)
    sizes, acts, loss, use_bias, encoding = _check_record(name, meta)
    for key in ("weights", "biases"):
        if not isinstance(meta.get(key), list) or len(meta[key]) != len(sizes) - 1:
            raise WeightsFileError(f"{name}: {key} must be a list of {len(sizes) - 1} layers for layer sizes {sizes}")
    weights, biases = [], []
    for l, (w_shape, b_shape) in enumerate(layer_shapes(sizes)):
        weights.append(_numbers(name, meta.get("weights"), l, w_shape, "weights"))
        biases.append(_numbers(name, meta.get("biases"), l, b_shape, "biases"))
    check_layers(name, sizes, weights, biases)
    return WeightsFile(tuple(sizes), tuple(acts), loss, use_bias, tuple(weights), tuple(biases), encoding)


def _check_record(name: str, meta) -> tuple[list[int], list[str], str, bool, Encoding | None]:
    """The record's layer sizes, activations, loss, bias flag and encoding, each of exactly its type."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise WeightsFileError(f"{name} is not an nnplayground weights file")
    version = meta.get("version")
    if type(version) is not int or version not in READS:
        raise WeightsFileError(f"{name} has format version {version!r:.40}; this app reads versions "
                               f"{' and '.join(map(str, READS))}")
    sizes, acts = meta.get("layer_sizes"), meta.get("activations")
    if (
        not isinstance(sizes, list)
        or not 2 <= len(sizes) <= MAX_LAYERS + 1
        or not all(type(s) is int and s > 0 for s in sizes)
    ):
        raise WeightsFileError(f"{name}: layer_sizes must be a list of 2 to {MAX_LAYERS + 1} positive whole numbers")
    n_parameters = count_parameters(sizes)
    if n_parameters > MAX_PARAMETERS:
        raise WeightsFileError(f"{name}: layer sizes {sizes} mean {n_parameters:,} parameters; "
                               f"at most {MAX_PARAMETERS:,} can be loaded")
    if not isinstance(acts, list) or len(acts) != len(sizes) - 1 or not all(
        isinstance(a, str) and a in ACTIVATIONS for a in acts
    ):
        raise WeightsFileError(f"{name}: activations must name one known activation per layer "
                               f"({', '.join(ACTIVATIONS)})")
    if not all(ACTIVATIONS[a].elementwise for a in acts[:-1]):
        raise WeightsFileError(f"{name}: softmax may only be the output layer's activation")
    loss = meta.get("loss")
    if not isinstance(loss, str) or loss not in LOSSES:
        raise WeightsFileError(f"{name}: loss must be one of {', '.join(LOSSES)}, got {loss!r:.40}")
    use_bias = meta.get("use_bias")
    if type(use_bias) is not bool:
        raise WeightsFileError(f"{name}: use_bias must be true or false, got {use_bias!r:.40}")
    encoding = None
    if version >= 2:
        if "encoding" not in meta:
            raise WeightsFileError(f"{name}: format {version} records the encoding (or null); it has none")
        if meta["encoding"] is not None:
            try:
                encoding = Encoding.from_dict(meta["encoding"])
            except ValueError as exc:
                raise WeightsFileError(f"{name}: {exc}") from None
            mismatch = _encoding_mismatch(encoding, sizes)
            if mismatch:
                raise WeightsFileError(f"{name}: {mismatch}")
    return sizes, acts, loss, use_bias, encoding


def _encoding_mismatch(encoding: Encoding, sizes) -> str | None:
    """Why ``encoding`` cannot be the encoding of a network with layer sizes ``sizes``, or None."""
    n_in, n_out = encoding.n_inputs, encoding.n_outputs
    if (n_in, n_out) == (sizes[0], sizes[-1]):
        return None
    what = "classes" if encoding.problem == "multiclass" else "target" if n_out == 1 else "targets"
    return (f"its encoding makes {n_in} input{'s' * (n_in != 1)} (from {_few(c.name for c in encoding.inputs)}) "
            f"and {n_out} output{'s' * (n_out != 1)} ({what} {_few(encoding.output_names)}); the layers take "
            f"{sizes[0]} and give {sizes[-1]}")


def _few(names, n: int = 4) -> str:
    """The first few names, quoted and cut short: a message stays one readable line."""
    names = list(names)
    shown = ", ".join(repr(x[:30]) for x in names[:n])
    return shown + (f" and {len(names) - n} more" if len(names) > n else "")


_NUMBER_TYPES = (int, float)  # exactly: a bool is an int in Python but never a weight


def _numbers(name: str, layers: list, l: int, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Layer ``l`` of ``layers`` (JSON lists) as an array of ``shape``, only if every entry is a number."""
    wanted = "×".join(map(str, shape))
    value = layers[l]
    rows = value if len(shape) == 2 else [value]
    width = shape[-1]
    if (
        not isinstance(value, list)
        or (len(shape) == 2 and len(value) != shape[0])
        or not all(isinstance(r, list) and len(r) == width for r in rows)
    ):
        raise WeightsFileError(f"{name}: layer {l + 1}'s {what} must be {wanted} numbers")
    if not all(type(v) in _NUMBER_TYPES for r in rows for v in r):
        raise WeightsFileError(f"{name}: layer {l + 1}'s {what} hold something other than numbers")
    return np.array(value, dtype=np.float64).reshape(shape)
