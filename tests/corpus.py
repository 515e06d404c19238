"""A corpus of crafted weight (``.npz``, ``.json``) and session (``.nnpsession``) files, and a runner.

Every loader must either load a file or refuse it with its one error type, in plain words naming the
file: never another exception, never a hang, never gigabytes of memory. The corpus holds what a
damaged disk, a hand edit or a hostile sender could produce: files cut short at many offsets, bytes
flipped, wrong types and shapes in the record and in the arrays, pickles, zip tricks (encrypted or
oddly compressed members, bombs, lying sizes), deep JSON, numbers beyond float range, FIFOs, links to
``/dev/zero``, link loops, folders and empty files; and valid files. Files named ``ok-*`` must load,
all others must be refused.

``python -m tests.corpus FOLDER`` runs the loaders over a corpus built in FOLDER and prints a JSON
summary with the process's peak memory (``--old REV`` runs the loaders of an older commit instead).
"""
from __future__ import annotations

import functools
import io
import json
import os
import pickle
import resource
import signal
import struct
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnplayground.core import (
    Network, Session, SessionFileError, TrainingConfig, TrainingTable, WeightsFileError, load_session, load_weights,
    save_session, save_weights,
)

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "resources" / "examples" / "article.csv"
GIB = 2**30


# -- crafting: .npy members and hand-made zips ------------------------------------------------------
def npy(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array(out, np.asanyarray(array), allow_pickle=True)
    return out.getvalue()


def npy_header(header: str | dict, version: tuple[int, int] = (1, 0)) -> bytes:
    """A ``.npy`` header saying anything at all (a dict is written as numpy writes it)."""
    text = (header if isinstance(header, str) else repr(header)).encode("latin-1")
    length = "<H" if version[0] == 1 else "<I"
    start = b"\x93NUMPY" + bytes(version)
    pad = -(len(start) + struct.calcsize(length) + len(text) + 1) % 64
    body = text + b" " * pad + b"\n"
    return start + struct.pack(length, len(body)) + body


def header(shape, descr="<f8", fortran=False) -> dict:
    return {"descr": descr, "fortran_order": fortran, "shape": tuple(shape)}


@dataclass
class Entry:
    """One zip member as it will be written, every field as it will be declared (lies included)."""

    name: str
    data: bytes  # as stored: already compressed for method 8
    size: int  # the declared inflated size
    crc: int
    method: int = zipfile.ZIP_STORED
    flags: int = 0


def stored(name: str, payload: bytes, **kw) -> Entry:
    return Entry(name, payload, len(payload), zlib.crc32(payload), **kw)


def deflated(name: str, payload: bytes, **kw) -> Entry:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Entry(name, c.compress(payload) + c.flush(), len(payload), zlib.crc32(payload), zipfile.ZIP_DEFLATED, **kw)


def bomb(name: str, head: bytes, zeros: int) -> Entry:
    """``head`` then ``zeros`` zero bytes, deflated: a block of 64 MiB of zeros, compressed once after a
    full flush, is repeated (it does not depend on what came before), so 2 GiB take a second to make."""
    chunk = len(ZEROS)
    assert zeros % chunk == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(zeros // chunk):
        crc = zlib.crc32(ZEROS, crc)
    return Entry(name, start + _zeros_deflated() * (zeros // chunk) + end, len(head) + zeros, crc,
                 zipfile.ZIP_DEFLATED)


ZEROS = bytes(64 << 20)


@functools.lru_cache(maxsize=1)
def _zeros_deflated() -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(ZEROS) + c.flush(zlib.Z_FULL_FLUSH)


def zip_bytes(entries: list[Entry], comment: bytes = b"", prefix: bytes = b"", entries_declared: int | None = None,
              directory_size: int | None = None, zip64_locator: bool = False) -> bytes:
    """A zip written field by field, so that any field can lie."""
    out, directory = bytearray(prefix), bytearray()
    for e in entries:
        name = e.name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, e.flags, e.method, 0, 0x21, e.crc, len(e.data), e.size,
                           len(name), 0) + name + e.data
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, e.flags, e.method, 0, 0x21, e.crc,
                                 len(e.data), e.size, len(name), 0, 0, 0, 0, 0, offset) + name
    start = len(out)
    out += directory
    if zip64_locator:
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, len(out), 1)
    n = len(entries) if entries_declared is None else entries_declared
    size = len(directory) if directory_size is None else directory_size
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, size, start, len(comment)) + comment
    return bytes(out)


def npz(members: dict[str, np.ndarray | bytes | str], compress: bool = False) -> bytes:
    """An ``.npz`` as ``np.savez`` makes it: a str is stored as the 0-d text array np.savez makes of it."""
    make = deflated if compress else stored
    entries = []
    for key, value in members.items():
        payload = value if isinstance(value, bytes) else npy(np.array(value) if isinstance(value, str) else value)
        entries.append(make(f"{key}.npy", payload))
    return zip_bytes(entries)


# -- the records ------------------------------------------------------------------------------------
SIZES = [3, 4, 1]


def weights_record(**changes) -> dict:
    record = {"format": "nnplayground-weights", "version": 1, "layer_sizes": SIZES,
              "activations": ["sigmoid", "sigmoid"], "loss": "sse", "use_bias": True}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not _DROP}


_DROP = object()


def encoding_record(**changes) -> dict:
    """An encoding for SIZES: inputs x1, x2, x3 scaled, one binary target y (classes 0 and 1)."""
    record = {"problem": "binary", "targets": ["y"], "classes": [["0", "1"]], "target_mean": [], "target_scale": [],
              "inputs": [{"name": f"x{i}", "mean": 0.5, "scale": 0.5, "levels": None} for i in (1, 2, 3)]}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not _DROP}


def input_record(name="x1", **changes) -> dict:
    record = {"name": name, "mean": 0.0, "scale": 1.0, "levels": None}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not _DROP}


LABELS_ENCODING = encoding_record(inputs=[input_record("x1", mean=2.5, scale=1.25),
                                          input_record("colour", levels=["blue", "red"])],
                                  targets=["sick"], classes=[["no", "yes"]])


def v2_record(encoding=None, **changes) -> dict:
    """A format 2 record: the weights record with an encoding (encoding_record() unless given)."""
    return weights_record(**{"version": 2, "encoding": encoding_record() if encoding is None else encoding, **changes})


def weight_arrays(sizes=SIZES, rng=None) -> dict[str, np.ndarray]:
    rng = rng or np.random.default_rng(0)
    arrays = {f"W{l}": rng.normal(size=(i, o)) for l, (i, o) in enumerate(zip(sizes[:-1], sizes[1:]))}
    arrays.update({f"b{l}": rng.normal(size=o) for l, o in enumerate(sizes[1:])})
    return arrays


def weights_npz(record: dict | str | None = None, compress=False, **array_changes) -> bytes:
    arrays = {**weight_arrays(), **array_changes}
    meta = json.dumps(weights_record() if record is None else record) if not isinstance(record, str) else record
    members = {"metadata": meta, **{k: v for k, v in arrays.items() if v is not _DROP}}
    return npz(members, compress)


def weights_json(**changes) -> str:
    arrays = weight_arrays()
    record = weights_record(weights=[arrays["W0"].tolist(), arrays["W1"].tolist()],
                            biases=[arrays["b0"].tolist(), arrays["b1"].tolist()])
    record.update(changes)
    return json.dumps({k: v for k, v in record.items() if v is not _DROP})


TABLE_CELLS = [["0", "0", "1", "0"], ["0", "1", "1", "1"], ["1", "0", "1", "1"], ["1", "1", "1", "0"]]


def config_record(**changes) -> dict:
    record = TrainingConfig(hidden=(4,), use_bias=True).to_dict()
    record.update(changes)
    return {k: v for k, v in record.items() if v is not _DROP}


def session_record(**changes) -> dict:
    record = {"format": "nnplayground-session", "version": 2, "columns": ["x1", "x2", "x3", "y"],
              "roles": ["input", "input", "input", "target"], "kinds": ["numbers"] * 4, "cells": TABLE_CELLS,
              "config": config_record(), "layers": 2, "encoding": None}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not _DROP}


def session_npz(record: dict | str | None = None, compress=True, history=None, **array_changes) -> bytes:
    arrays = {**weight_arrays(), "history": np.linspace(1, 0.5, 7) if history is None else history, **array_changes}
    meta = record if isinstance(record, str) else json.dumps(session_record() if record is None else record)
    return npz({"metadata": meta, **{k: v for k, v in arrays.items() if v is not _DROP}}, compress)


class Payload:
    """Unpickling this writes the file ``marker``: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


# -- the corpus -------------------------------------------------------------------------------------
def typed_cells(table: TrainingTable) -> tuple[tuple[str, ...], ...]:
    """The table's rows as a session keeps them: each cell's text as typed."""
    return tuple(zip(*(table.texts(c) for c in range(len(table.columns)))))


def session_of(table: TrainingTable, config: TrainingConfig, trainer, snap=None, **changes) -> Session:
    """A session of ``trainer`` (``config``'s network on ``table``) as it stands, or at ``snap`` (its snapshot), with
    the state to resume it exactly; ``changes``: other fields (health, example…)."""
    snap = snap or trainer.snapshot()
    fields = dict(kinds=table.kinds, encoding=trainer.encoding, training=snap.resume) | changes
    return Session(table.columns, table.roles, typed_cells(table), config, snap.weights, snap.biases,
                   trainer.history.copy(), **fields)


def edited_session(source, target, meta=None, arrays=None) -> None:
    """A copy of session file ``source`` at ``target`` as a hand edit makes one: ``meta(record)`` edits its JSON
    record in place, ``arrays`` (name → array) replaces members."""
    with np.load(source) as npz:
        members = {k: npz[k] for k in npz.files}
    record = json.loads(str(members.pop("metadata")))
    if meta is not None:
        meta(record)
    members.update(arrays or {})
    with open(target, "wb") as fh:
        np.savez(fh, metadata=np.array(json.dumps(record)), **members)


def build_corpus(folder: str | os.PathLike) -> list[Path]:
    """Write the corpus into ``folder`` (which must exist) and return its files, special ones included."""
    folder = Path(folder)
    made: list[Path] = []

    def put(name: str, data: bytes | str) -> Path:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        made.append(path)
        return path

    # valid files, written by the app's own writers and by hand
    table = TrainingTable.from_csv(ARTICLE)
    net = Network([3, 5, 2, 1], ["tanh", "relu", "sigmoid"], use_bias=True, seed=3)
    for ext in (".npz", ".json"):
        save_weights(net, folder / f"ok-saved{ext}", loss="bce")
        made.append(folder / f"ok-saved{ext}")
    save_weights(Network(SIZES, use_bias=False, seed=1), folder / "ok-saved-no-bias.npz")
    made.append(folder / "ok-saved-no-bias.npz")
    config = TrainingConfig(hidden=(4,), use_bias=True)
    trainer = config.make_trainer(table)
    trainer.run(9)
    scaled = TrainingConfig(hidden=(4,), use_bias=True, scaling=True, problem="regression",
                            output_activation="linear", loss="mse").make_trainer(table)
    scaled.run(9)
    for ext in (".npz", ".json"):  # format 2 with the encoding a trainer fitted (μ, σ; the target's too)
        save_weights(scaled.network, folder / f"ok-saved-encoding{ext}", loss="mse", encoding=scaled.encoding)
        made.append(folder / f"ok-saved-encoding{ext}")
    session = Session(table.columns, table.roles, tuple(map(tuple, TABLE_CELLS)), config,
                      tuple(trainer.network.weights), tuple(trainer.network.biases), trainer.history.copy())
    for name, compress in (("ok-saved.nnpsession", True), ("ok-autosave.nnpsession", False)):
        save_session(folder / name, session, compress=compress)
        made.append(folder / name)
    save_session(folder / "ok-no-weights.nnpsession",
                 Session(table.columns, table.roles, session.cells, config, (), (), np.zeros(0),
                         settings=TrainingConfig(hidden=(8, 8))))
    made.append(folder / "ok-no-weights.nnpsession")
    for fixture in sorted((ROOT / "tests" / "fixtures" / "sessions").glob("*.nnpsession")):
        put(f"ok-release-{fixture.name}", fixture.read_bytes())
    for fixture in sorted((ROOT / "tests" / "fixtures" / "weights").glob("*")):  # format 1
        put(f"ok-release-{fixture.name}", fixture.read_bytes())
    put("ok-hand.npz", weights_npz())
    old = {"hidden": [4], "activation": "sigmoid", "loss": "sse", "learning_rate": 1.0, "iterations": 1500,
           "seed": 0, "use_bias": True, "init": "uniform"}  # format 1's settings, as 0.1 wrote them
    put("ok-hand-format-1.nnpsession", session_npz(session_record(version=1, kinds=_DROP, encoding=_DROP,
                                                                  config=old)))
    put("ok-hand-deflated.npz", weights_npz(compress=True))
    put("ok-float32.npz", weights_npz(W0=weight_arrays()["W0"].astype(np.float32)))
    put("ok-float16.npz", weights_npz(W1=weight_arrays()["W1"].astype(np.float16)))
    put("ok-int.npz", weights_npz(W0=np.arange(12, dtype=np.int64).reshape(3, 4)))
    put("ok-big-endian.npz", weights_npz(W0=weight_arrays()["W0"].astype(">f8")))
    put("ok-fortran.npz", weights_npz(W0=np.asfortranarray(weight_arrays()["W0"])))
    put("ok-npy-v2.npz", weights_npz(W0=npy_header(header((3, 4)), (2, 0)) + weight_arrays()["W0"].tobytes()))
    put("ok-extra-member.npz", npz({"metadata": json.dumps(weights_record()), **weight_arrays(),
                                    "notes": np.zeros(3)}))
    put("ok-hand.json", weights_json())
    for ext, make in ((".npz", lambda r: weights_npz(r)), (".json", lambda r: weights_json(**r))):
        put(f"ok-v2{ext}", make(v2_record()))
        put(f"ok-v2-null-encoding{ext}", make(weights_record(version=2, encoding=None)))
        put(f"ok-v2-regression{ext}", make(v2_record(encoding_record(
            problem="regression", classes=[], target_mean=[150.0], target_scale=[75.5]))))
        put(f"ok-v2-labels{ext}", make(v2_record(LABELS_ENCODING)))  # for a table with a text column
    put("ok-int-weights.json", weights_json(weights=[[[1, 2, 3, 4]] * 3, [[1]] * 4]))
    put("ok-hand.nnpsession", session_npz())
    put("ok-settings.nnpsession", session_npz(session_record(settings=config_record(hidden=[2, 2]))))
    put("ok-no-weights-hand.nnpsession", session_npz(session_record(layers=0), history=np.zeros(0),
                                                     W0=_DROP, W1=_DROP, b0=_DROP, b1=_DROP))
    put("ok-bad-cell.nnpsession", session_npz(session_record(cells=[["0", "oops", "1", "0"], *TABLE_CELLS[1:]])))

    # cut short, at many offsets, and bytes flipped inside the members' data (CRC-protected)
    for source in ("ok-saved.npz", "ok-saved.json", "ok-saved-encoding.json", "ok-saved.nnpsession",
                   "ok-autosave.nnpsession"):
        raw = (folder / source).read_bytes()
        n = len(raw)
        cuts = sorted({0, 1, 2, 4, 10, 22, 30, 45, 64, 100, 200, n // 5, n // 3, n // 2, 2 * n // 3, n - 100,
                       n - 30, n - 22, n - 5, n - 2})
        for cut in cuts:
            if 0 <= cut < n - 1:
                put(f"cut-{cut}-{source.removeprefix('ok-')}", raw[:cut])
        if source.endswith(".json"):
            continue
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            for info in z.infolist():
                start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
                middle = start + info.compress_size // 2
                flipped = bytearray(raw)
                flipped[middle] ^= 0x55
                put(f"flip-{info.filename[:-4]}-{source.removeprefix('ok-')}", bytes(flipped))

    # weights: the record's types and values
    bad_records = {
        "no-format": weights_record(format=_DROP), "other-format": weights_record(format="nnplayground-session"),
        "version-2-no-encoding": weights_record(version=2), "version-3": v2_record(version=3),
        "version-true": weights_record(version=True),
        "version-text": weights_record(version="1"), "version-float": weights_record(version=1.0),
        "sizes-text": weights_record(layer_sizes=[3, "4", 1]), "sizes-bool": weights_record(layer_sizes=[3, True, 1]),
        "sizes-zero": weights_record(layer_sizes=[3, 0, 1]), "sizes-negative": weights_record(layer_sizes=[3, -4, 1]),
        "sizes-float": weights_record(layer_sizes=[3, 4.0, 1]), "sizes-one": weights_record(layer_sizes=[3]),
        "sizes-dict": weights_record(layer_sizes={"a": 1}), "sizes-null": weights_record(layer_sizes=None),
        "sizes-huge": weights_record(layer_sizes=[3, 100_000, 100_000, 1], activations=["sigmoid"] * 3),
        "sizes-many": weights_record(layer_sizes=[1] * 500, activations=["sigmoid"] * 499),
        "acts-count": weights_record(activations=["sigmoid"]), "acts-unknown": weights_record(activations=["x", "y"]),
        "acts-string": weights_record(activations="sigmoid"), "acts-numbers": weights_record(activations=[1, 2]),
        "loss-number": weights_record(loss=5), "loss-unknown": weights_record(loss="hinge"),
        "loss-missing": weights_record(loss=_DROP), "bias-text": weights_record(use_bias="false"),
        "bias-int": weights_record(use_bias=1), "bias-missing": weights_record(use_bias=_DROP),
    }
    for label, record in bad_records.items():
        put(f"record-{label}.npz", weights_npz(record))
        put(f"record-{label}.json", weights_json(**{k: record.get(k, _DROP) for k in weights_record()}))
    # weights, format 2: encodings of the wrong type, contradicting themselves or the layer sizes
    x = [input_record(f"x{i}") for i in (1, 2, 3)]
    for label, encoding in {
        "list": [1], "text": "binary", "number": 3, "true": True, "extra-field": encoding_record(mode="fast"),
        "no-problem": encoding_record(problem=_DROP), "problem-unknown": encoding_record(problem="ranking"),
        "problem-number": encoding_record(problem=1), "inputs-empty": encoding_record(inputs=[]),
        "inputs-dict": encoding_record(inputs={"x1": 0}), "inputs-null": encoding_record(inputs=None),
        "input-extra-key": encoding_record(inputs=[input_record(unit="cm"), *x[1:]]),
        "input-no-scale": encoding_record(inputs=[input_record(scale=_DROP), *x[1:]]),
        "input-name-number": encoding_record(inputs=[input_record(1), *x[1:]]),
        "mean-text": encoding_record(inputs=[input_record(mean="0.5"), *x[1:]]),
        "mean-bool": encoding_record(inputs=[input_record(mean=True), *x[1:]]),
        "mean-infinite": encoding_record(inputs=[input_record(mean=float("inf")), *x[1:]]),
        "scale-zero": encoding_record(inputs=[input_record(scale=0), *x[1:]]),
        "scale-negative": encoding_record(inputs=[input_record(scale=-1.5), *x[1:]]),
        "levels-text": encoding_record(inputs=[input_record(levels="red"), *x[1:]]),
        "levels-empty": encoding_record(inputs=[input_record(levels=[]), *x[1:]]),
        "levels-duplicate": encoding_record(inputs=[*x[:2], input_record(levels=["red", "red"])]),
        "levels-empty-label": encoding_record(inputs=[*x[:2], input_record(levels=["", "red"])]),
        "levels-numbers": encoding_record(inputs=[*x[:2], input_record(levels=[1, 2])]),
        "levels-65": encoding_record(inputs=[input_record(levels=[f"l{i}" for i in range(65)])]),
        "levels-deep": encoding_record(inputs=[input_record(levels=json.loads("[" * 40 + "]" * 40))]),
        "targets-empty": encoding_record(targets=[], classes=[]),
        "targets-number": encoding_record(targets=[1]), "targets-text": encoding_record(targets="y"),
        "classes-three": encoding_record(classes=[["0", "1", "2"]]),
        "classes-missing": encoding_record(classes=[]), "classes-text": encoding_record(classes="01"),
        "binary-scaled-target": encoding_record(target_mean=[0.5], target_scale=[0.5]),
        "regression-with-classes": encoding_record(problem="regression"),
        "target-scale-zero": encoding_record(problem="regression", classes=[], target_mean=[1.0], target_scale=[0]),
        "target-scale-short": encoding_record(problem="regression", classes=[], target_mean=[1.0, 2.0],
                                              target_scale=[1.0]),
        "multiclass-one-class": encoding_record(problem="multiclass", classes=[["a"]]),
        # each well formed, but not for layers [3, 4, 1]
        "too-many-inputs": encoding_record(inputs=[*x, input_record("x4")]),
        "too-few-inputs": encoding_record(inputs=x[:2]),
        "one-hot-too-wide": encoding_record(inputs=[*x[:2], input_record("c", levels=["a", "b"])]),
        "too-many-outputs": encoding_record(problem="multiclass", classes=[["a", "b", "c"]]),
        "two-targets": encoding_record(targets=["y", "z"], classes=[["0", "1"], ["0", "1"]]),
    }.items():
        put(f"encoding-{label}.npz", weights_npz(v2_record(encoding)))
        put(f"encoding-{label}.json", weights_json(**v2_record(encoding)))

    for label, text in {
        "list": "[1, 2]", "string": '"weights"', "null": "null", "empty-object": "{}", "number": "3",
        "not-json": "{not json", "nan": weights_json().replace('"version": 1', '"version": NaN'),
        "infinity": weights_json().replace('"version": 1', '"version": Infinity'),
        "minus-infinity": weights_json().replace('"version": 1', '"version": -Infinity'),
        "1e400": weights_json().replace('"version": 1', '"version": 1e400'),
        "10-to-400": weights_json().replace('"version": 1', '"version": 1' + "0" * 400),
        "10-to-5000": weights_json().replace('"version": 1', '"version": 1' + "0" * 5000),
        "deep-100000": "[" * 100_000 + "]" * 100_000, "deep-open": "[" * 100_000,
        "deep-objects": '{"a":' * 50_000 + "1" + "}" * 50_000, "deep-in-value": weights_json(
            loss=json.loads("[" * 40 + "]" * 40)),
        "crossed-brackets": "[{]}" * 1000, "escaped-quotes": '["' + 'a\\"' * 300_000,
        "brackets-in-strings": json.dumps({"format": "[[[[" * 5000}),
    }.items():
        put(f"json-{label}.json", text)
        put(f"json-{label}.npz", weights_npz(text))
    put("json-latin1.json", weights_json(loss="sse").replace('"sse"', '"s\u00e9e"').encode("latin-1"))
    put("json-utf16.json", weights_json().encode("utf-16"))
    put("json-nul.json", weights_json() + "\0")

    # weights: the numbers in a .json
    w = weight_arrays()
    w0, w1 = w["W0"].tolist(), w["W1"].tolist()
    for label, weights in {
        "bool": [[[True, False, True, False]] * 3, w1], "text": [[["1.0", "2", "3", "4"]] * 3, w1],
        "null": [[[None] * 4] * 3, w1], "nested": [[[[1], 2, 3, 4]] * 3, w1],
        "ragged": [[[1, 2, 3, 4], [1, 2, 3], [1, 2, 3, 4]], w1],
        "transposed": [np.array(w0).T.tolist(), w1], "one-layer": [w0], "three-layers": [w0, w1, w1],
        "flat": [sum(w0, []), w1], "dict": [{"a": 1}, w1], "row-dict": [[{"a": 1}] * 3, w1], "empty": [],
        "string": "weights", "complex": [[[{"real": 1, "imag": 2}] * 4] * 3, w1],
    }.items():
        put(f"values-{label}.json", weights_json(weights=weights))
    put("values-biases-text.json", weights_json(biases=["0", "0"]))
    put("values-huge-exponent.json", weights_json().replace(str(w0[0][0]), "1e400", 1))
    put("values-nan.json", weights_json().replace(str(w0[0][0]), "NaN", 1))
    put("values-huge-int.json", weights_json(weights=[[[10**30, 2, 3, 4]] * 3, w1]))

    # weights: the arrays in a .npz
    for label, value in {
        "bool": np.ones((3, 4), bool), "complex": np.ones((3, 4), complex),
        "object": np.array([[Payload(folder / "pwned")] * 4] * 3, dtype=object),
        "structured": np.zeros((3, 4), dtype=[("a", "<f8")]), "text": np.full((3, 4), "1.0"),
        "bytes": np.full((3, 4), b"1"),
        "dates": np.zeros((3, 4), "datetime64[s]"),
        "wrong-shape": np.zeros((4, 3)), "3d": np.zeros((3, 4, 1)), "0d": np.array(1.0), "empty": np.zeros((0, 4)),
        "nan": np.full((3, 4), np.nan), "inf": np.full((3, 4), np.inf),
        "longdouble-huge": np.full((3, 4), np.finfo(np.longdouble).max),
        "void": np.zeros((3, 4), "V8"),
    }.items():
        put(f"array-{label}.npz", weights_npz(W0=value))
    put("array-missing-W1.npz", weights_npz(W1=_DROP))
    put("array-missing-b0.npz", weights_npz(b0=_DROP))
    put("array-no-metadata.npz", npz(weight_arrays()))
    put("array-metadata-number.npz", npz({"metadata": np.array(1.0), **weight_arrays()}))
    put("array-metadata-2d.npz", npz({"metadata": np.array([["a", "b"]]), **weight_arrays()}))
    put("array-metadata-bytes.npz", npz({"metadata": np.array(json.dumps(weights_record()).encode()),
                                         **weight_arrays()}))
    put("array-metadata-huge.npz", npz({"metadata": json.dumps(weights_record(pad="x" * 2_000_000)),
                                        **weight_arrays()}))
    put("array-pickle-metadata.npz", npz({"metadata": np.array([Payload(folder / "pwned")], dtype=object),
                                          **weight_arrays()}))

    # .npy headers that lie or cannot be parsed
    data = w["W0"].tobytes()
    for label, member in {
        "shape-billion": npy_header(header((10**9, 4))) + data,
        "shape-negative": npy_header(header((-3, -4))) + data, "shape-bool": npy_header(header((True, 4))) + data,
        "shape-float": npy_header(header((3.0, 4))) + data, "shape-text": npy_header(header("34")) + data,
        "descr-object": npy_header(header((3, 4), "|O")) + data, "descr-bad": npy_header(header((3, 4), "<q9")) + data,
        "descr-nested": npy_header(header((3, 4), [("a", [("b", "<f8")] * 3)] * 3)) + data,
        "descr-huge-void": npy_header(header((3, 4), "|V999999999")) + data,
        "descr-list-junk": npy_header("{'descr': [5, 6], 'fortran_order': False, 'shape': (3, 4)}") + data,
        "descr-subarray": npy_header("{'descr': ('<f8', (4,)), 'fortran_order': False, 'shape': (3,)}") + data,
        "not-a-dict": npy_header("[1, 2, 3]") + data, "garbage": npy_header("{{{{ ]]]") + data,
        "deep-tuple": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 90 + ")" * 90 + "}")
        + data,
        "minus-chain": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': " + "-" * 5000 + "1}") + data,
        "extra-key": npy_header({**header((3, 4)), "x": 1}) + data,
        "fortran-text": npy_header({**header((3, 4)), "fortran_order": "yes"}) + data,
        "version-3": npy_header(header((3, 4)), (3, 0)) + data, "version-9": npy_header(header((3, 4)), (9, 9)) + data,
        "header-4gb": b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{" * 100,
        "header-long": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)}" + " " * 20_000) + data,
        "short-data": npy_header(header((3, 4))) + data[:50], "long-data": npy_header(header((3, 4))) + data + data,
        "bad-magic": b"\x93NUMPX\x01\x00" + npy_header(header((3, 4)))[8:] + data, "empty": b"",
        "magic-only": b"\x93NUMPY\x01\x00",
    }.items():
        put(f"npy-{label}.npz", weights_npz(W0=member))

    # zips: what zipfile would refuse with odd exceptions, and bombs
    meta_member = npy(np.array(json.dumps(weights_record())))
    good = [stored("metadata.npy", meta_member)] + [stored(f"{k}.npy", npy(v)) for k, v in w.items()]
    put("zip-encrypted.npz", zip_bytes([good[0], Entry(**{**vars(good[1]), "flags": 0x1})] + good[2:]))
    put("zip-encrypted-metadata.npz", zip_bytes([Entry(**{**vars(good[0]), "flags": 0x1})] + good[1:]))
    put("zip-strong-encryption.npz", zip_bytes([good[0], Entry(**{**vars(good[1]), "flags": 0x41})] + good[2:]))
    put("zip-patched-data.npz", zip_bytes([good[0], Entry(**{**vars(good[1]), "flags": 0x20})] + good[2:]))
    for method in (1, 6, 9, 12, 14, 93, 99, 255):
        put(f"zip-method-{method}.npz", zip_bytes([good[0], Entry(**{**vars(good[1]), "method": method})] + good[2:]))
    put("zip-bad-crc.npz", zip_bytes([good[0], Entry(**{**vars(good[1]), "crc": 1234})] + good[2:]))
    put("zip-size-too-small.npz", zip_bytes([good[0], Entry(**{**vars(good[1]), "size": 20})] + good[2:]))
    put("zip-size-too-large.npz", zip_bytes([good[0], Entry(**{**vars(good[1]), "size": 10**6})] + good[2:]))
    put("zip-duplicate.npz", zip_bytes(good + [good[1]]))
    put("zip-empty.npz", zip_bytes([]))
    put("ok-zip-junk-prefix.npz", zip_bytes(good, prefix=b"#!/bin/sh\nexit 0\n"))
    put("zip-comment-with-eocd.npz", zip_bytes(good, comment=b"PK\x05\x06" + b"\0" * 30))
    put("zip-entries-65535.npz", zip_bytes(good, entries_declared=0xFFFF))
    put("zip-directory-huge.npz", zip_bytes(good, directory_size=0xFFFFFFF0))
    put("zip-zip64-locator.npz", zip_bytes(good, zip64_locator=True))
    put("zip-many-members.npz", zip_bytes(good + [stored(f"x{i}.npy", b"") for i in range(3000)]))
    put("ok-zip-traversal.npz", zip_bytes(good + [stored("../../etc/W0.npy", npy(w["W0"]))]))
    put("zip-deflate-garbage.npz", zip_bytes([good[0], Entry("W0.npy", os.urandom(200), 224, 0, 8)] + good[2:]))
    raw = zip_bytes(good)
    put("zip-directory-offset-wrong.npz", raw[:-6] + struct.pack("<LH", 5, 0))
    directory_at = struct.unpack("<L", raw[-6:-2])[0]  # past it: zipfile seeks before the file's start
    put("zip-directory-offset-past.npz", raw[:-6] + struct.pack("<LH", directory_at + 10_000, 0))
    # a 2 MB file inflating to 2 GiB, whose declared size is honest; and the same under a fitting record
    w0_head = npy_header(header((2 * GIB // 8,)))
    put("bomb-2gib.npz", zip_bytes([good[0], bomb("W0.npy", w0_head, 2 * GIB)] + good[2:]))
    sizes = [3, 16384, 16384, 1]
    big_meta = stored("metadata.npy", npy(np.array(json.dumps(weights_record(layer_sizes=sizes,
                                                                               activations=["sigmoid"] * 3)))))
    put("bomb-fitting-record.npz", zip_bytes([big_meta, bomb("W1.npy", npy_header(header((16384, 16384))), 2 * GIB)]))
    lying = bomb("W0.npy", npy_header(header((3, 4))), 64 << 20)
    lying.size = len(npy_header(header((3, 4)))) + 96
    put("bomb-lying-size.npz", zip_bytes([good[0], lying] + good[2:]))
    put("session-bomb-history.nnpsession", zip_bytes(
        [stored("metadata.npy", npy(np.array(json.dumps(session_record()))))]
        + [stored(f"{k}.npy", npy(v)) for k, v in w.items()]
        + [bomb("history.npy", npy_header(header((2 * GIB // 8,))), 2 * GIB)]))

    # not zips at all
    marker = folder / "pwned"
    put("pickle.npz", pickle.dumps(Payload(marker)))
    put("pickle.nnpsession", pickle.dumps(Payload(marker)))
    put("pickle.json", pickle.dumps(Payload(marker)))
    put("npy.npz", npy(w["W0"]))
    put("npy-pickle.npz", npy(np.array([Payload(marker)], dtype=object)))
    put("text.npz", "hello")
    put("text.nnpsession", "hello")
    put("random.npz", np.random.default_rng(1).bytes(5000))
    put("random.nnpsession", np.random.default_rng(2).bytes(5000))
    for ext in (".npz", ".json", ".nnpsession"):
        put(f"empty{ext}", b"")

    # sessions: the record
    for label, record in {
        "version-4": session_record(version=4), "version-true": session_record(version=True),
        "kinds-missing": session_record(kinds=_DROP), "kinds-bad": session_record(kinds=["numbers", "words"] * 2),
        "encoding-bad": session_record(encoding={"problem": "binary"}),
        "encoding-other-columns": session_record(encoding={
            "problem": "binary", "inputs": [{"name": n, "mean": 0.0, "scale": 1.0, "levels": None}
                                           for n in ("a", "b", "c")],
            "targets": ["y"], "classes": [["0", "1"]], "target_mean": [], "target_scale": []}),
        "v1-config-unknown-key": session_record(version=1, config={**config_record(), "dropout": 0.5}),
        "version-text": session_record(version="1"), "format-weights": session_record(format="nnplayground-weights"),
        "record-list": [1, 2], "columns-text": session_record(columns="x1,x2,x3,y"),
        "columns-numbers": session_record(columns=[1, 2, 3, 4]), "roles-unknown": session_record(roles=["in"] * 4),
        "roles-short": session_record(roles=["input", "target"]), "roles-null": session_record(roles=None),
        "cells-short-row": session_record(cells=[["0", "0"], *TABLE_CELLS[1:]]),
        "cells-numbers": session_record(cells=[[0, 0, 1, 0], *TABLE_CELLS[1:]]),
        "cells-null": session_record(cells=None), "cells-text": session_record(cells="0,0,1,0"),
        "cells-deep": session_record(cells=json.loads("[" * 30 + "]" * 30)),
        "config-missing": session_record(config=_DROP), "config-list": session_record(config=[4]),
        "config-no-seed": session_record(config=config_record(seed=_DROP)),
        "config-unknown-key": session_record(config=config_record(dropout=0.5)),
        "config-bias-text": session_record(config=config_record(use_bias="false")),
        "config-bias-int": session_record(config=config_record(use_bias=0)),
        "config-seed-float": session_record(config=config_record(seed=1.5)),
        "config-seed-negative": session_record(config=config_record(seed=-1)),
        "config-seed-bool": session_record(config=config_record(seed=True)),
        "config-hidden-zero": session_record(config=config_record(hidden=[0])),
        "config-hidden-bool": session_record(config=config_record(hidden=[True])),
        "config-hidden-text": session_record(config=config_record(hidden="4")),
        "config-hidden-huge": session_record(config=config_record(hidden=[100_000]), layers=2),
        "config-hidden-33": session_record(config=config_record(hidden=[4] * 33), layers=34),
        "config-lr-text": session_record(config=config_record(learning_rate="1")),
        "config-lr-zero": session_record(config=config_record(learning_rate=0)),
        "config-iterations-zero": session_record(config=config_record(iterations=0)),
        "config-iterations-float": session_record(config=config_record(iterations=1500.0)),
        "config-activation-count": session_record(config=config_record(activation="sigmoid,sigmoid,sigmoid")),
        "config-activation-unknown": session_record(config=config_record(activation="swish")),
        "config-loss-unknown": session_record(config=config_record(loss="hinge")),
        "config-init-unknown": session_record(config=config_record(init="zeros")),
        "settings-bad": session_record(settings=config_record(use_bias="false")),
        "settings-list": session_record(settings=[1]),
        "layers-text": session_record(layers="2"), "layers-negative": session_record(layers=-1),
        "layers-float": session_record(layers=2.0), "layers-bool": session_record(layers=True),
        "layers-wrong": session_record(layers=5), "layers-missing": session_record(layers=_DROP),
        "weights-for-other-table": session_record(roles=["input", "input", "target", "target"]),
        "weights-no-input": session_record(roles=["target"] * 4),
        "weights-other-hidden": session_record(config=config_record(hidden=[5])),
    }.items():
        put(f"session-{label}.nnpsession", session_npz(record if isinstance(record, dict) else json.dumps(record)))
    put("session-history-without-weights.nnpsession", session_npz(session_record(layers=0), W0=_DROP, W1=_DROP))
    put("session-1e400.nnpsession", session_npz(json.dumps(session_record()).replace('"layers": 2', '"layers": 1e400')))
    put("session-10-to-400.nnpsession", session_npz(json.dumps(session_record()).replace('"layers": 2',
                                                                                         '"layers": 1' + "0" * 400)))
    put("session-nan.nnpsession", session_npz(json.dumps(session_record()).replace('"layers": 2', '"layers": NaN')))
    put("session-deep.nnpsession", session_npz("[" * 200_000 + "]" * 200_000))
    put("session-escaped-quotes.nnpsession", session_npz('{"cells": ["' + 'x\\"[' * 2_000_000))
    # sessions: the arrays
    for label, changes in {
        "history-2d": {"history": np.zeros((3, 3))}, "history-nan": {"history": np.array([1.0, np.nan])},
        "history-inf": {"history": np.array([np.inf])}, "history-bool": {"history": np.ones(3, bool)},
        "history-complex": {"history": np.ones(3, complex)}, "history-text": {"history": np.array(["1"])},
        "history-object": {"history": np.array([Payload(marker)], dtype=object)},
        "history-missing": {"history": _DROP},
        "history-billion": {"history": npy_header(header((10**9,))) + bytes(80)},
        "history-over-limit": {"history": npy_header(header((100_000_001,))) + bytes(80)},
        "W0-complex": {"W0": np.ones((3, 4), complex)}, "W0-bool": {"W0": np.ones((3, 4), bool)},
        "W0-inf": {"W0": np.full((3, 4), np.inf)}, "W0-shape": {"W0": np.zeros((3, 5))},
        "W0-missing": {"W0": _DROP}, "b1-shape": {"b1": np.zeros(2)}, "W1-float-huge-header":
        {"W1": npy_header(header((4, 10**12))) + bytes(32)},
    }.items():
        put(f"session-{label}.nnpsession", session_npz(**changes))
    put("ok-no-weights-stray-member.nnpsession", session_npz(session_record(layers=0), history=np.zeros(0),
                                                                  W0=np.ones((3, 4), bool)))

    # special files: a FIFO, /dev/zero, /dev/null, a link loop, a dangling link, folders
    for ext in (".npz", ".json", ".nnpsession"):
        fifo = folder / f"special-fifo{ext}"
        os.mkfifo(fifo)
        made.append(fifo)
        for device in ("zero", "null", "urandom"):
            link = folder / f"special-dev-{device}{ext}"
            link.symlink_to(f"/dev/{device}")
            made.append(link)
        loop_a, loop_b = folder / f"special-loop-a{ext}", folder / f"special-loop-b{ext}"
        loop_a.symlink_to(loop_b.name)
        loop_b.symlink_to(loop_a.name)
        made.append(loop_a)
        dangling = folder / f"special-dangling{ext}"
        dangling.symlink_to("nowhere" + ext)
        made.append(dangling)
        directory = folder / f"special-folder{ext}"
        directory.mkdir()
        made.append(directory)
        made.append(folder / f"special-missing{ext}")
        link = folder / f"ok-link-to-valid{ext}"
        link.symlink_to(f"ok-saved{ext}" if ext != ".nnpsession" else "ok-saved.nnpsession")
        made.append(link)
    (folder / "corpus.json").write_text(json.dumps([p.name for p in made]))
    return made


# -- running ----------------------------------------------------------------------------------------
LOADERS = {".npz": load_weights, ".json": load_weights, ".nnpsession": load_session}
ERRORS = {".npz": WeightsFileError, ".json": WeightsFileError, ".nnpsession": SessionFileError}


class Hung(BaseException):
    pass


def _alarm(signum, frame):
    raise Hung()


def run_corpus(paths: list[Path], loaders=None, errors=None, seconds: float = 10.0) -> list[dict]:
    """Each file through its loader, under a time limit (SIGALRM: main thread only). One record each:
    ``outcome`` is loaded, clear (the one error type), escaped (any other exception) or hung."""
    loaders, errors = loaders or LOADERS, errors or ERRORS
    previous = signal.signal(signal.SIGALRM, _alarm)
    results = []
    try:
        for path in paths:
            record = {"file": path.name, "outcome": "loaded", "message": ""}
            start = time.perf_counter()
            try:
                signal.setitimer(signal.ITIMER_REAL, seconds)
                try:
                    loaders[path.suffix](path)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except Hung:
                record["outcome"] = "hung"
            except errors[path.suffix] as exc:
                record.update(outcome="clear", message=str(exc))
            except Exception as exc:  # noqa: BLE001 - counting exactly these is the point
                record.update(outcome="escaped", message=f"{type(exc).__name__}: {str(exc)[:200]}")
            record["seconds"] = round(time.perf_counter() - start, 3)
            results.append(record)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return results


def _old_loaders(rev: str):
    """load_weights and load_session as they were at ``rev`` (read with git show), on today's package."""
    import importlib.util
    import subprocess

    loaders, errors = {}, {}
    for module in ("weights_io", "session"):
        source = subprocess.run(["git", "show", f"{rev}:nnplayground/core/{module}.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
        spec = importlib.util.spec_from_loader(f"nnplayground.core._old_{module}", loader=None)
        mod = importlib.util.module_from_spec(spec)
        mod.__package__ = "nnplayground.core"
        sys.modules[spec.name] = mod  # dataclasses look their module up
        exec(compile(source, f"{rev}:{module}.py", "exec"), mod.__dict__)
        if module == "weights_io":
            for ext in (".npz", ".json"):
                loaders[ext], errors[ext] = mod.load_weights, mod.WeightsFileError
        else:
            loaders[".nnpsession"], errors[".nnpsession"] = mod.load_session, mod.SessionFileError
    return loaders, errors


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    old = argv[2] if len(argv) > 2 and argv[1] == "--old" else None
    if old:  # the old loaders read /dev/zero until memory runs out: stop them at 4 GiB
        resource.setrlimit(resource.RLIMIT_AS, (4 * GIB, 4 * GIB))
    paths = [folder / name for name in json.loads((folder / "corpus.json").read_text())]
    loaders, errors = _old_loaders(old) if old else (None, None)
    results = run_corpus(paths, loaders, errors)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    print(json.dumps({"results": results, "peak_bytes": peak}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
