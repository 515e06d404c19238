"""A whole session in one file: the table as typed, the settings, the weights, the loss history.

The file is a zip of NumPy arrays (``.npz``) plus a JSON record, read with ``allow_pickle=False``
and checked entirely before anything uses it: a damaged or foreign file raises
:class:`SessionFileError` and changes nothing.
"""
from __future__ import annotations

import json
import os
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .config import TrainingConfig
from .table import INPUT, TARGET

FORMAT = "nnplayground-session"
VERSION = 1
SUFFIX = ".nnpsession"


class SessionFileError(ValueError):
    pass


@dataclass(frozen=True)
class Session:
    columns: tuple[str, ...]
    roles: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]  # the table exactly as typed, bad cells included
    config: TrainingConfig
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    history: np.ndarray  # loss per completed iteration

    @property
    def iteration(self) -> int:
        return int(self.history.size)


def save_session(path: str | os.PathLike, session: Session, compress: bool = True) -> None:
    """Write atomically: a crash mid-write leaves the previous file whole. ``compress=False`` is
    several times faster (an autosave every few seconds must not hold up the window)."""
    path = Path(path)
    meta = {
        "format": FORMAT, "version": VERSION,
        "columns": list(session.columns), "roles": list(session.roles),
        "cells": [list(r) for r in session.cells],
        "config": {**asdict(session.config), "hidden": list(session.config.hidden)},
        "layers": len(session.weights),
    }
    arrays = {f"W{l}": w for l, w in enumerate(session.weights)}
    arrays.update({f"b{l}": b for l, b in enumerate(session.biases)})
    tmp = path.with_name(path.name + ".part")
    write = np.savez_compressed if compress else np.savez
    with open(tmp, "wb") as fh:
        write(fh, metadata=np.array(json.dumps(meta)), history=np.asarray(session.history, float), **arrays)
    os.replace(tmp, path)


def load_session(path: str | os.PathLike) -> Session:
    path = Path(path)
    name = path.name
    try:
        if not path.is_file():
            raise SessionFileError(f"cannot read {name}: no such file")
        if not zipfile.is_zipfile(path):  # np.load would try anything else as a pickle
            raise SessionFileError(f"{name} is damaged or not a session file")
        with np.load(path, allow_pickle=False) as npz:
            if "metadata" not in npz.files:
                raise SessionFileError(f"{name} is not an nnplayground session")
            meta = json.loads(str(npz["metadata"]))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise SessionFileError(f"{name} is not an nnplayground session")
            if meta.get("version") != VERSION:
                raise SessionFileError(f"{name} is session format {meta.get('version')!r}; this app reads {VERSION}")
            n = int(meta["layers"])
            weights = tuple(np.array(npz[f"W{l}"], dtype=float) for l in range(n))
            biases = tuple(np.array(npz[f"b{l}"], dtype=float) for l in range(n))
            history = np.array(npz["history"], dtype=float)
    except SessionFileError:
        raise
    except OSError as exc:
        raise SessionFileError(f"cannot read {name}: {exc.strerror or exc}") from None
    except ValueError as exc:
        if "pickle" in str(exc):
            raise SessionFileError(f"{name} holds pickled Python objects, which are never loaded") from None
        raise SessionFileError(f"{name} is damaged or not a session: {exc}") from None
    except (zipfile.BadZipFile, EOFError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise SessionFileError(f"{name} is damaged or not a session: {exc}") from None
    return _check(name, meta, weights, biases, history)


def _check(name, meta, weights, biases, history) -> Session:
    try:
        columns = tuple(str(c) for c in meta["columns"])
        roles = tuple(str(r) for r in meta["roles"])
        cells = tuple(tuple(str(c) for c in row) for row in meta["cells"])
        cfg = dict(meta["config"])
        cfg["hidden"] = tuple(cfg["hidden"])
        config = TrainingConfig(**cfg)
    except (KeyError, TypeError, ValueError) as exc:
        raise SessionFileError(f"{name}: its settings or table cannot be read ({exc})") from None
    if len(columns) != len(roles) or any(r not in (INPUT, TARGET) for r in roles):
        raise SessionFileError(f"{name}: the table's columns and roles do not match")
    if any(len(row) != len(columns) for row in cells):
        raise SessionFileError(f"{name}: the table has a row of the wrong length")
    sizes = [roles.count(INPUT), *config.hidden, roles.count(TARGET)]
    if len(weights) != len(sizes) - 1:
        raise SessionFileError(f"{name}: {len(weights)} weight layers for layer sizes {sizes}")
    for l, (w, b) in enumerate(zip(weights, biases)):
        if w.shape != (sizes[l], sizes[l + 1]) or b.shape != (sizes[l + 1],):
            raise SessionFileError(f"{name}: layer {l + 1}'s weights are {w.shape}; layer sizes {sizes} need "
                                   f"{(sizes[l], sizes[l + 1])}")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise SessionFileError(f"{name}: layer {l + 1} holds NaN or infinity")
    if history.ndim != 1 or not np.isfinite(history).all():
        raise SessionFileError(f"{name}: the loss history is damaged")
    return Session(columns, roles, cells, config, weights, biases, history)
