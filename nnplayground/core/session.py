"""A whole session in one file: the table as typed, the settings, the weights, the loss history.

The file is a zip of NumPy arrays (``.npz``) plus a JSON record. Saving is atomic (:mod:`.fileio`).
Loading never unpickles, reads each array only after its type and declared shape have been checked
against the record, and checks everything before anything uses it: a damaged or foreign file raises
:class:`SessionFileError`, naming the file, and changes nothing.

A session may hold no weights (a network not trained yet, or one whose settings wait for Reset);
``settings`` then records what the settings panel showed, if it differed from the network's config.
With weights it holds their :class:`~.encoding.Encoding` too (the μ, σ and labels they were trained
with), and may hold the metrics shown when it was saved (:meth:`~.metrics.Metrics.to_dict`: a record for
whoever reads the file; the window works them out again from the weights and the table). Format 1
(before text labels, problems and scaling) is read and turned into today's settings. Format 2 is read
too: an ε of 0 (allowed then; 0/0 on a gradient of exactly 0) becomes the smallest allowed, and early
stopping starts its count afresh, since the validation loss is now measured as the training loss is
(penalty included, sse per batch's rows) and a best loss measured before would not compare.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import CONSTRAINTS, NEUTRAL, TrainingConfig
from .encoding import Encoding, plain_encoding as encoding_plain
from .fileio import (
    MAX_PARAMETERS, FileReadError, NpzArchive, atomic_write, check_layers, layer_shapes, open_regular_file,
    parse_json,
)
from .network import n_parameters as count_parameters
from .table import INPUT, KINDS, MAX_CELLS, MAX_CSV_BYTES, NUMBERS, TARGET, TrainingTable
from .health import MAX_SAMPLES, HealthSample, samples_from_arrays, samples_to_arrays
from .trainer import resume_record_problem

FORMAT = "nnplayground-session"
VERSION = 3
V2_EPS = 1e-12  # a format 2 file's ε of 0 becomes this, the smallest the settings take
SUFFIX = ".nnpsession"
TRAINING_PREFIX = "training_"  # the arrays of the trainer's resume state
HEALTH_PREFIX = "health_"  # the arrays of the health samples
MAX_HISTORY = CONSTRAINTS["iterations"].high  # losses: one per iteration, as many as a run may have
# the cells as typed, as JSON: the largest CSV that opens (MAX_CSV_BYTES) grows by quotes and commas, at
# most 4 characters a cell, so every table that opens can be saved; save_session checks it before writing
MAX_METADATA_CHARS = 2 * MAX_CSV_BYTES + 4 * MAX_CELLS
MAX_SESSION_BYTES = 4 * MAX_METADATA_CHARS + 8 * (MAX_PARAMETERS + MAX_HISTORY) + (1 << 20)


class SessionFileError(ValueError):
    """A session file that cannot be read (or a session that could not be read back once saved)."""


@dataclass(frozen=True)
class Session:
    columns: tuple[str, ...]
    roles: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]  # the table exactly as typed, bad cells included
    config: TrainingConfig  # the network's settings
    weights: tuple[np.ndarray, ...]  # () when there is no trained network to keep
    biases: tuple[np.ndarray, ...]
    history: np.ndarray  # loss per completed iteration
    settings: TrainingConfig | None = None  # the settings panel's, when they differ and wait for Reset
    kinds: tuple[str, ...] | None = None  # per column: numbers or labels (None: every column numbers)
    encoding: Encoding | None = None  # how the table became the weights' numbers (with weights only)
    training: tuple[dict, dict] | None = None  # Trainer.resume_state(): optimizer state, epoch, shuffle, …
    validation: tuple[int, ...] | None = None  # the table rows kept apart for validation (None: no marks)
    metrics: dict | None = None  # the latest metrics when saved, as Metrics.to_dict() (with weights only)
    health: tuple[HealthSample, ...] | None = None  # the training's health samples so far (with weights only)
    # the example (or generator) the table came from: its name, its preset and its columns
    example: tuple[str, TrainingConfig, tuple[str, ...]] | None = None
    source: str | None = None  # what the title names an unsaved table by ("spiral, 200 points")

    @property
    def iteration(self) -> int:
        return int(self.history.size)

    def training_table(self) -> TrainingTable:
        """The table as the core takes it: its cells read by their kinds, its validation rows marked
        (TableError for a bad cell, saved as typed)."""
        table = TrainingTable.from_cells(self.columns, [list(r) for r in self.cells], self.roles,
                                         kinds=self.column_kinds)
        if self.validation:
            held = np.zeros(table.n_rows, dtype=bool)
            held[list(self.validation)] = True
            table = table.with_validation(held)
        return table

    @property
    def column_kinds(self) -> tuple[str, ...]:
        return self.kinds if self.kinds is not None else (NUMBERS,) * len(self.columns)

    @property
    def network_encoding(self) -> Encoding | None:
        """The weights' encoding: the recorded one, or for numbers taken as they are, the plain one."""
        if self.encoding is not None or not self.weights:
            return self.encoding
        return plain_encoding(self.columns, self.roles, self.config.problem)


def plain_encoding(columns, roles, problem: str) -> Encoding:
    """Numbers in, numbers out: what a network of format 1 was trained on (no scaling, no labels)."""
    return encoding_plain([c for c, r in zip(columns, roles) if r == INPUT],
                          [c for c, r in zip(columns, roles) if r == TARGET], problem)


def save_session(path: str | os.PathLike, session: Session, compress: bool = True) -> None:
    """Write atomically: on any failure (:class:`~.fileio.SaveError`) the previous file is whole.
    ``compress=False`` is several times faster (an autosave must not hold up the window).

    A session that could not be opened again is refused (SessionFileError) instead of written."""
    path = Path(path)
    weights = [np.asarray(w, dtype=np.float64) for w in session.weights]
    biases = [np.asarray(b, dtype=np.float64) for b in session.biases]
    history = np.asarray(session.history, dtype=np.float64)
    try:
        encoding = session.network_encoding
    except ValueError as exc:
        raise SessionFileError(f"cannot save {path.name}: {exc}") from None
    _check(f"cannot save {path.name}", session.columns, session.roles, session.cells, session.config,
           weights, biases, history, session.column_kinds, encoding)
    meta = {
        "format": FORMAT, "version": VERSION,
        "columns": list(session.columns), "roles": list(session.roles), "kinds": list(session.column_kinds),
        "cells": [list(r) for r in session.cells],
        "config": session.config.to_dict(),
        "layers": len(session.weights),
        "encoding": None if encoding is None else encoding.to_dict(),
        "training": None if session.training is None or not session.weights else session.training[0],
        "validation": None if session.validation is None else [int(r) for r in session.validation],
    }
    if session.settings is not None:
        meta["settings"] = session.settings.to_dict()
    if session.metrics is not None and weights:
        meta["metrics"] = session.metrics
    if session.source is not None:
        meta["source"] = session.source
    if session.example is not None:
        meta["example"] = {"name": session.example[0], "preset": session.example[1].to_dict(),
                           "columns": list(session.example[2])}
    arrays = {f"W{l}": w for l, w in enumerate(weights)}
    arrays.update({f"b{l}": b for l, b in enumerate(biases)})
    if session.training is not None and session.weights:
        arrays.update({f"{TRAINING_PREFIX}{k}": np.asarray(v, dtype=np.float64)
                       for k, v in session.training[1].items()})
    if session.health and session.weights:
        arrays.update({f"{HEALTH_PREFIX}{k}": v for k, v in samples_to_arrays(session.health).items()})
    text = json.dumps(meta, ensure_ascii=False)
    if len(text) > MAX_METADATA_CHARS:
        raise SessionFileError(f"cannot save {path.name}: its table as typed takes {len(text):,} characters; a "
                               f"session holds at most {MAX_METADATA_CHARS:,} (save the table as CSV instead)")
    write = np.savez_compressed if compress else np.savez
    atomic_write(path, lambda fh: write(fh, metadata=np.array(text), history=history, **arrays))


def load_session(path: str | os.PathLike) -> Session:
    """The session in ``path``, checked entirely; :class:`SessionFileError` for whatever is wrong."""
    path = Path(path)
    try:
        return _read(path)
    except FileReadError as exc:
        raise SessionFileError(str(exc)) from None


def _read(path: Path) -> Session:
    name = path.name
    with open_regular_file(path, MAX_SESSION_BYTES) as fh, NpzArchive(fh, name, MAX_SESSION_BYTES,
                                                                      "a session file") as npz:
        if "metadata" not in npz.names:
            raise SessionFileError(f"{name} is not an nnplayground session")
        meta = parse_json(npz.text("metadata", MAX_METADATA_CHARS), f"{name}'s record")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise SessionFileError(f"{name} is not an nnplayground session")
        version = meta.get("version")
        if type(version) is not int or not 1 <= version <= VERSION:
            raise SessionFileError(f"{name} is session format {version!r:.40}; this app reads 1 to {VERSION}")
        columns, roles, cells = _table(name, meta)
        if version == 1:  # numbers only, one activation list, no problem or scaling
            problem = _v1_problem(roles, cells)
            config = _config(name, _v1_config(meta.get("config"), problem), "settings")
            settings = None if meta.get("settings") is None else _config(
                name, _v1_config(meta["settings"], problem), "waiting settings")
            kinds, encoding = (NUMBERS,) * len(columns), None
        else:
            fix = _v2_config if version == 2 else (lambda record: record)
            config = _config(name, fix(meta.get("config")), "settings")
            settings = None if meta.get("settings") is None else _config(name, fix(meta["settings"]),
                                                                         "waiting settings")
            kinds = _kinds(name, meta.get("kinds"), len(columns))
            encoding = None if meta.get("encoding") is None else _encoding(name, meta["encoding"])
        metrics = meta.get("metrics")  # optional: files saved before metrics have none
        if metrics is not None and not (isinstance(metrics, dict) and all(type(k) is str for k in metrics)):
            raise SessionFileError(f"{name}: its metrics must be a record of named values, "
                                   f"got {type(metrics).__name__}")
        layers = meta.get("layers")
        if type(layers) is not int or layers < 0:
            raise SessionFileError(f"{name}: its number of weight layers must be a whole number, got {layers!r:.40}")
        if layers and encoding is None:
            encoding = _plain(name, columns, roles, config)
        sizes = _layer_sizes(roles, config, encoding)
        if layers:
            _check_sizes(name, sizes, layers)
            shapes = layer_shapes(sizes)
            weights = tuple(npz.array(f"W{l}", w) for l, (w, _) in enumerate(shapes))
            biases = tuple(npz.array(f"b{l}", b) for l, (_, b) in enumerate(shapes))
        else:
            weights = biases = ()
            if npz.shape("history") != (0,):  # checked before reading: its losses belong to no weights
                raise SessionFileError(f"{name}: it has a loss history but no weights")
        history = npz.array("history", max_size=MAX_HISTORY, ndim=1)
        training = None
        if version > 1 and layers and meta.get("training") is not None:
            training = _training(name, npz, meta["training"], sum(w.size + b.size for w, b in zip(weights, biases)))
            if version == 2:  # its best validation loss was measured otherwise: early stopping counts afresh
                record, arrays = training
                training = ({**record, "best": None, "waited": 0},
                            {k: v for k, v in arrays.items() if k != "best_parameters"})
        validation = None if version == 1 else _validation(name, meta.get("validation"), len(cells))
        health = _health(name, npz, layers) if layers else None
        example = None if version == 1 or meta.get("example") is None else _example(name, meta["example"], columns)
        source = meta.get("source")
        if source is not None and not (isinstance(source, str) and 0 < len(source) <= 200):
            raise SessionFileError(f"{name}: the name of its table's source must be a short text")
    _check(name, columns, roles, cells, config, weights, biases, history, kinds, encoding)
    return Session(columns, roles, cells, config, weights, biases, history, settings, kinds,
                   encoding if weights else None, training, validation,
                   metrics if weights else None, health, example, source)


def _example(name: str, record, columns) -> tuple[str, TrainingConfig, tuple[str, ...]]:
    """The example the table came from: a short name, its preset (what the suggestions card proposes while
    the table keeps the example's columns) and those columns."""
    if not (isinstance(record, dict) and {"name", "preset"} <= set(record) <= {"name", "preset", "columns"}
            and isinstance(record["name"], str) and 0 < len(record["name"]) <= 200):
        raise SessionFileError(f"{name}: its example must be a record of a name, a preset and its columns")
    example_columns = record.get("columns", list(columns))
    if not (isinstance(example_columns, list) and len(example_columns) <= len(columns) + 1000
            and all(isinstance(c, str) for c in example_columns)):
        raise SessionFileError(f"{name}: its example's columns must be a list of names")
    return record["name"], _config(name, record["preset"], "example's preset"), tuple(example_columns)


def _v2_config(record):
    """A format 2 file's settings as today's. Its first files (before optimizers, batches and validation rows)
    have none of those settings: they trained as the neutral ones do. Later ones allowed an ε of 0: it becomes
    the smallest allowed."""
    if not isinstance(record, dict):
        return record  # let from_dict say what is wrong
    record = {**NEUTRAL, **record}
    return {**record, "eps": V2_EPS} if record["eps"] == 0 else record


def _health(name: str, npz, layers: int) -> tuple[HealthSample, ...] | None:
    """The training's health samples, if the file has them (files saved before it kept them have none)."""
    members = [m for m in npz.names if m.startswith(HEALTH_PREFIX)]
    if not members:
        return None
    arrays = {m[len(HEALTH_PREFIX):]: npz.array(m, max_size=MAX_SAMPLES * layers, ndim=1 if m.endswith("iterations")
                                                else 2) for m in members}
    try:
        return samples_from_arrays(arrays, layers)
    except ValueError as exc:
        raise SessionFileError(f"{name}: {exc}") from None


def _training(name: str, npz, record, n_parameters: int) -> tuple[dict, dict]:
    """The trainer's resume state: a small record and arrays the size of the parameters (optimizer
    state, best weights) or of the validation history, each checked before it is read."""
    if not isinstance(record, dict) or not all(isinstance(k, str) for k in record):
        raise SessionFileError(f"{name}: its training state must be a record")
    problem = resume_record_problem(record)
    if problem:
        raise SessionFileError(f"{name}: {problem}")
    arrays = {}
    for member in sorted(npz.names):
        if not member.startswith(TRAINING_PREFIX):
            continue
        key = member[len(TRAINING_PREFIX):]
        if key.startswith("optimizer_") or key == "best_parameters":
            arrays[key] = npz.array(member, (n_parameters,))
        elif key in ("validation_iterations", "validation_losses"):
            arrays[key] = npz.array(member, max_size=MAX_HISTORY, ndim=1)
        else:
            raise SessionFileError(f"{name}: an unknown array {member!r} in its training state")
    return dict(record), arrays


def _validation(name: str, rows, n_rows: int) -> tuple[int, ...] | None:
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(type(r) is int and 0 <= r < n_rows for r in rows) \
            or len(set(rows)) != len(rows):
        raise SessionFileError(f"{name}: its validation rows must be different row numbers of its table")
    return tuple(sorted(rows))


def _v1_problem(roles, cells) -> str:
    """Format 1 trained on the numbers as they were: binary if every target is 0 or 1, else a regression."""
    targets = [c for c, r in enumerate(roles) if r == TARGET]
    for row in cells:
        for c in targets:
            text = row[c].strip()
            if text not in ("0", "1"):
                try:
                    if float(text) not in (0.0, 1.0):
                        return "regression"
                except ValueError:
                    continue  # a bad cell: it decides nothing
    return "binary"


def _v1_config(record, problem: str):
    """Format 1's settings as today's: its activation named every layer, the output's last."""
    if not isinstance(record, dict) or not isinstance(record.get("activation"), str):
        return record  # let from_dict say what is wrong
    names = [a.strip() for a in record["activation"].split(",")]
    hidden, output = (names, names[0]) if len(names) == 1 else (names[:-1], names[-1])
    return {"problem": problem, **NEUTRAL, **record, "activation": ", ".join(hidden), "output_activation": output,
            "scaling": False}


def _kinds(name: str, kinds, n_columns: int) -> tuple[str, ...]:
    if not isinstance(kinds, list) or len(kinds) != n_columns or any(k not in KINDS for k in kinds):
        raise SessionFileError(f"{name}: each column must hold {' or '.join(KINDS)}")
    return tuple(kinds)


def _encoding(name: str, record) -> Encoding:
    try:
        return Encoding.from_dict(record)
    except ValueError as exc:
        raise SessionFileError(f"{name}: {exc}") from None


def _plain(name: str, columns, roles, config: TrainingConfig) -> Encoding:
    try:
        return plain_encoding(columns, roles, config.problem)
    except ValueError as exc:
        raise SessionFileError(f"{name}: {exc}") from None


def _table(name: str, meta: dict) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]:
    columns, roles, cells = meta.get("columns"), meta.get("roles"), meta.get("cells")
    if not isinstance(columns, list) or not all(type(c) is str for c in columns):
        raise SessionFileError(f"{name}: the table's column names must be a list of texts")
    if not isinstance(roles, list) or not all(type(r) is str for r in roles):
        raise SessionFileError(f"{name}: the table's column roles must be a list of texts")
    if not isinstance(cells, list) or not all(isinstance(row, list) for row in cells):
        raise SessionFileError(f"{name}: the table's cells must be a list of rows")
    if not all(type(c) is str for row in cells for c in row):
        raise SessionFileError(f"{name}: every cell of the table must be text, as it was typed")
    _check_table(name, columns, roles, cells)
    return tuple(columns), tuple(roles), tuple(tuple(row) for row in cells)


def _check_table(name: str, columns, roles, cells) -> None:
    if len(columns) != len(roles) or any(r not in (INPUT, TARGET) for r in roles):
        raise SessionFileError(f"{name}: the table's columns and roles do not match")
    if any(len(row) != len(columns) for row in cells):
        raise SessionFileError(f"{name}: the table has a row of the wrong length")


def _config(name: str, record, what: str) -> TrainingConfig:
    try:
        return TrainingConfig.from_dict(record)
    except ValueError as exc:
        raise SessionFileError(f"{name}: its {what} cannot be used: {exc}") from None


def _layer_sizes(roles, config: TrainingConfig, encoding: Encoding | None) -> list[int]:
    if encoding is not None:
        return [encoding.n_inputs, *config.hidden, encoding.n_outputs]
    roles = list(roles)
    return [roles.count(INPUT), *config.hidden, roles.count(TARGET)]


def _check_sizes(name: str, sizes: list[int], layers: int) -> None:
    if layers != len(sizes) - 1:
        raise SessionFileError(f"{name}: {layers} weight layers for layer sizes {sizes}")
    if sizes[0] < 1 or sizes[-1] < 1:
        raise SessionFileError(f"{name}: it holds weights, but its table has no "
                               f"{'input' if sizes[0] < 1 else 'target'} column for them")
    n_parameters = count_parameters(sizes)
    if n_parameters > MAX_PARAMETERS:
        raise SessionFileError(f"{name}: layer sizes {sizes} mean {n_parameters:,} parameters; "
                               f"at most {MAX_PARAMETERS:,} can be loaded")


def _check(name: str, columns, roles, cells, config: TrainingConfig, weights, biases, history: np.ndarray,
           kinds, encoding: Encoding | None) -> None:
    """What a session must be to open: one role and kind per column, rows as wide as the header, and
    weights (if any) that fit the settings' hidden layers and their encoding of the table's columns."""
    _check_table(name, columns, roles, cells)
    if len(kinds) != len(columns) or any(k not in KINDS for k in kinds):
        raise SessionFileError(f"{name}: each column must hold {' or '.join(KINDS)}")
    if encoding is not None:
        inputs = tuple(c for c, r in zip(columns, roles) if r == INPUT)
        targets = tuple(c for c, r in zip(columns, roles) if r == TARGET)
        if tuple(c.name for c in encoding.inputs) != inputs or encoding.targets != targets:
            raise SessionFileError(f"{name}: its network's encoding names other columns than its table's")
        if encoding.problem != config.problem:
            raise SessionFileError(f"{name}: its network's encoding is for a {encoding.problem} problem, "
                                   f"its settings for {config.problem}")
    if weights or biases:
        sizes = _layer_sizes(roles, config, encoding)
        _check_sizes(name, sizes, len(weights))
        try:
            check_layers(name, sizes, weights, biases)
        except FileReadError as exc:
            raise SessionFileError(str(exc)) from None
    elif history.size:
        raise SessionFileError(f"{name}: it has a loss history of {history.size:,} iterations but no weights")
    if history.ndim != 1 or not np.isfinite(history).all():
        raise SessionFileError(f"{name}: the loss history is damaged")
