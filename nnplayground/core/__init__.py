"""The NumPy engine: networks, activations, losses, optimizers and learning-rate schedules, the
phase-by-phase trainer, tables and files.

Pure NumPy; nothing here imports Qt, so scripts and the CLI use it alone.
"""
from .activations import ACTIVATIONS
from .config import TrainingConfig
from .fileio import SaveError
from .explain import ParameterExplanation, explain_parameter
from .surface import Surface, SurfaceSpec, decision_surface
from .losses import LOSSES
from .network import INITS, Network, Trace
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer, RMSProp, UpdateLine, make_optimizer
from .schedules import SCHEDULES, Constant, Cosine, Exponential, Schedule, StepDecay, make_schedule
from .session import Session, SessionFileError, load_session, save_session
from .table import INPUT, TARGET, LoadCancelled, TableError, TrainingTable
from .trainer import (PHASES, BackpropResult, DivergenceError, FeedforwardResult, LossResult, PhaseResult,
                      Snapshot, Trainer, UpdateResult)
from .weights_io import WeightsFile, WeightsFileError, load_weights, save_weights

__all__ = [
    "ACTIVATIONS", "LOSSES", "INITS", "PHASES", "INPUT", "TARGET",
    "Network", "Trace", "TrainingConfig", "Trainer", "PhaseResult", "FeedforwardResult", "LossResult",
    "BackpropResult", "UpdateResult", "Snapshot", "DivergenceError",
    "TrainingTable", "TableError", "ParameterExplanation", "explain_parameter",
    "Surface", "SurfaceSpec", "decision_surface", "WeightsFile", "WeightsFileError", "load_weights", "save_weights",
    "Session", "SessionFileError", "load_session", "save_session", "SaveError", "LoadCancelled",
    "OPTIMIZERS", "Optimizer", "SGD", "RMSProp", "Adam", "UpdateLine", "make_optimizer",
    "SCHEDULES", "Schedule", "Constant", "StepDecay", "Exponential", "Cosine", "make_schedule",
]
