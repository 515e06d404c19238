"""The headless commands, on ``nnplayground.core`` alone (Qt is imported only to open the window).

``nnplayground`` opens the window, ``nnplayground FILE`` opens a session or table in it;
``nnplayground train TABLE.csv …`` trains and prints; ``nnplayground predict MODEL [TABLE]`` prints a
saved network's predictions. Settings are checked by :class:`TrainingConfig`, so the CLI refuses what
the window refuses, in the same words. Bad input, and any resource failure (memory, a full disk, a
permission), ends in one line on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from .core import INPUT, LOSSES, TARGET, DivergenceError, Network, TableError, Trainer, TrainingTable
from .core.config import CONSTRAINTS, TrainingConfig
from .core.encoding import Encoding, EncodingError, plain_encoding
from .core.health import HealthMonitor, diagnose
from .core.losses import get_loss
from .core.metrics import compute_metrics
from .core.onnx_export import save_onnx
from .core.presets import preset_for
from .core.suggest import suggest, with_given
from .core.table import format_number
from .core.weights_io import EXTENSIONS, load_weights, save_weights

PROG = "nnplayground"
COMMANDS = ("train", "predict")
EXPORTS = (*EXTENSIONS, ".onnx")
MAX_PRINTED_ROWS = 40
BAR_FROM = 20_000  # iterations: shorter runs finish before a bar would be worth drawing


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise UsageError(f"{message} (see '{PROG} {self.prog.split()[-1]} --help')" if " " in self.prog else message)


def _whole_number(text: str) -> int:
    """Only the syntax: whether the number is allowed is TrainingConfig's to say."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _layers(text: str) -> list[int]:
    """"32" or "32,32,32" (as the window's field takes them): units of one or more hidden layers."""
    return [_whole_number(part.strip()) for part in text.split(",")]


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _limits(name: str) -> str:
    return CONSTRAINTS[name].describe()


def build_parser() -> argparse.ArgumentParser:
    d = TrainingConfig()
    parser = _Parser(prog=PROG, usage=f"{PROG} [FILE | {{{','.join(COMMANDS)}}} ...]", description=(
        "Learn how a neural network trains. With no command, opens the window; with FILE, opens that session "
        "(.nnpsession) or table (.csv) in it."))
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    train = sub.add_parser("train", prog=f"{PROG} train", help="train on a CSV table and print the result",
                           description=(
        "Train a network on TABLE (CSV with a header row; comma, semicolon or tab separated; columns of numbers "
        "or of text labels) and print the final loss, the metrics and the predictions. By default the last "
        "column is the target. Settings are those suggested for the table (the problem from its targets, the "
        "output and loss that belong to it, scaling for inputs beyond ±1, …); a shipped example brings its own "
        "(the tutorial's table: the tutorial's network, without biases). Each option given overrides one."))
    train.add_argument("table", type=Path, help="the training table (.csv)")
    train.add_argument("--problem", metavar="NAME",
                       help=f"{_limits('problem')}: how the targets are read (default: suggested from them)")
    train.add_argument("--hidden", type=_layers, action="extend", metavar="UNITS",
                       help=f"units in a hidden layer; repeat for more layers or give them with commas "
                            f"(32,32,32), {_limits('hidden')} (default: suggested)")
    train.add_argument("--activation", metavar="NAME",
                       help=f"the hidden layers': {_limits('activation')} (default: suggested)")
    train.add_argument("--output-activation", metavar="NAME",
                       help=f"the output layer's: {_limits('output_activation')} (default: the problem's)")
    train.add_argument("--loss", metavar="NAME", help=f"{_limits('loss')} (default: the problem's)")
    train.add_argument("--scaling", action=argparse.BooleanOptionalAction,
                       help="standardise the inputs (and a regression's targets) to (x − μ)/σ; --no-scaling to "
                            "train on the numbers as they are (default: suggested)")
    train.add_argument("--lr", type=_number, metavar="RATE",
                       help=f"learning rate, {_limits('learning_rate')} (default: {format_number(d.learning_rate)})")
    train.add_argument("--iterations", type=_whole_number, metavar="N",
                       help=f"{_limits('iterations')} (default: {d.iterations})")
    train.add_argument("--seed", type=_whole_number, metavar="N",
                       help=f"seed for the initial weights, {_limits('seed')} (default: {d.seed})")
    train.add_argument("--init", metavar="NAME",
                       help=f"initial weights: uniform [0, 1) as the tutorial, xavier or he (default: {d.init})")
    train.add_argument("--bias", action=argparse.BooleanOptionalAction,
                       help="bias terms in every layer; --no-bias as the tutorial "
                            f"(default: {'on' if d.use_bias else 'off'})")
    lab = train.add_argument_group("optimizers, mini-batches, penalties and validation")
    lab.add_argument("--optimizer", metavar="NAME", help=f"{_limits('optimizer')} (default: sgd, the tutorial's)")
    lab.add_argument("--momentum", type=_number, metavar="MU", help=f"sgd's momentum μ, {_limits('momentum')} (0)")
    lab.add_argument("--nesterov", action=argparse.BooleanOptionalAction, help="Nesterov's look-ahead (needs momentum)")
    lab.add_argument("--rho", type=_number, metavar="RHO", help=f"rmsprop's decay ρ, {_limits('rho')} (0.9)")
    lab.add_argument("--beta1", type=_number, metavar="B1", help=f"adam's β₁, {_limits('beta1')} (0.9)")
    lab.add_argument("--beta2", type=_number, metavar="B2", help=f"adam's β₂, {_limits('beta2')} (0.999)")
    lab.add_argument("--eps", type=_number, metavar="EPS", help=f"rmsprop's and adam's ε, {_limits('eps')} (1e-8)")
    lab.add_argument("--batch-size", type=_whole_number, metavar="ROWS",
                     help="rows per update, shuffled each epoch; 0: the whole table, as the tutorial (0)")
    lab.add_argument("--shuffle-seed", type=_whole_number, metavar="N", help="seed of the epochs' row order (0)")
    lab.add_argument("--schedule", metavar="NAME",
                     help=f"learning-rate schedule by epoch: {_limits('schedule')} (constant)")
    lab.add_argument("--decay-rate", type=_number, metavar="GAMMA",
                     help="step decay's factor, or exponential's per epoch (0.5)")
    lab.add_argument("--decay-epochs", type=_whole_number, metavar="N", help="step decay: epochs between cuts (500)")
    lab.add_argument("--l2", type=_number, metavar="LAMBDA", help="L2 penalty λ/2·ΣW² on the weights (0)")
    lab.add_argument("--l1", type=_number, metavar="LAMBDA", help="L1 penalty λ·Σ|W| on the weights (0)")
    lab.add_argument("--split", type=_number, metavar="SHARE",
                     help="share of the rows kept apart for validation, stratified by class (0)")
    lab.add_argument("--split-seed", type=_whole_number, metavar="N", help="seed of the validation rows (0)")
    lab.add_argument("--patience", type=_whole_number, metavar="EPOCHS",
                     help="stop when the validation loss has not improved for this many epochs, keeping the best "
                          "weights; 0: never (0)")
    train.add_argument("--target", action="append", metavar="COLUMN",
                       help="a target column by name; repeat for several (default: the last column)")
    train.add_argument("--export", type=Path, metavar="FILE", help="save the trained weights (.npz, .json or .onnx)")
    train.add_argument("--json", action="store_true",
                       help="print one JSON object (loss, iterations, problem, layer_sizes, metrics, health, "
                            "settings) instead of the tables")
    predict = sub.add_parser("predict", prog=f"{PROG} predict", help="print a saved network's predictions on a table",
                             description=(
        "Load MODEL (weights saved as .npz or .json, or a session .nnpsession) and print its predictions "
        "on TABLE, read as the model was trained: columns and text labels by name, scaled alike, classes by "
        "name, a regression in the table's units. A session predicts on its own table when TABLE is left out."))
    predict.add_argument("model", type=Path, help="weights file (.npz, .json) or session (.nnpsession)")
    predict.add_argument("table", type=Path, nargs="?", help="the table (.csv); optional for a session")
    predict.add_argument("--target", action="append", metavar="COLUMN",
                         help="a target column by name; repeat for several (default: as the model was trained, "
                              "or the last columns)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        argv, open_path = _split_file(argv)
        args = build_parser().parse_args(argv)
        if args.command is None:
            return _open_window(open_path, smoke_test=args.smoke_test)
        return _COMMANDS[args.command](args)
    except BrokenPipeError:  # `nnplayground … | head`: the reader left; nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except UsageError as exc:
        return _fail(exc)
    except OSError as exc:  # permission denied, disk full, … (SaveError is one too, already in plain words)
        return _fail(_describe_os_error(exc))
    except ValueError as exc:  # TableError, WeightsFileError, SessionFileError and every setting refused
        return _fail(exc)
    except MemoryError as exc:
        return _fail(f"not enough memory{': ' + str(exc) if str(exc) else ''}")
    except (RecursionError, OverflowError) as exc:  # a backstop: loaders should have said what was wrong
        return _fail(f"cannot read the input ({type(exc).__name__}: {exc})")
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _fail(message) -> int:
    text = " ".join(str(message).split()) or "unknown error"  # always one line
    print(f"{PROG}: error: {text}", file=sys.stderr)
    return 2


def _describe_os_error(exc: OSError) -> str:
    if type(exc).__str__ is not OSError.__str__ or not exc.strerror:  # its own words (SaveError) or none better
        return str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror[:1].lower()}{exc.strerror[1:]}"


# -- the window -------------------------------------------------------------------------------------
def _split_file(argv: list[str]) -> tuple[list[str], Path | None]:
    """``nnplayground FILE``: a first positional word that is no command is a file to open. It is
    taken out before argparse sees it, which would otherwise call it an invalid command."""
    words = [i for i, a in enumerate(argv) if not a.startswith("-")]
    if not words or argv[words[0]] in COMMANDS:
        return argv, None
    first = words[0]
    if len(words) > 1:
        raise UsageError(f"unknown command {argv[first]!r}; the commands are {', '.join(COMMANDS)} "
                         f"(or give one FILE to open it in the window)")
    return argv[:first] + argv[first + 1:], Path(argv[first])


def _check_openable(path: Path) -> None:
    """Refuse a file the window could not open, before any window appears."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        hint = f" (the commands are {', '.join(COMMANDS)})" if not path.suffix else ""
        raise UsageError(f"cannot open {path}: no such file{hint}") from None
    except OSError as exc:
        raise UsageError(f"cannot open {path}: {_describe_os_error(exc)}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"cannot open {path}: it is a folder; give a session (.nnpsession) or a table (.csv)")
    if not stat.S_ISREG(mode):
        raise UsageError(f"cannot open {path}: it is not a regular file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"cannot open {path}: permission denied")


def _open_window(open_path: Path | None = None, smoke_test: bool = False) -> int:
    if open_path is not None:
        _check_openable(open_path)
    try:
        from .ui.app import run_app
    except ImportError as exc:
        raise UsageError(f"the window cannot start: {exc}. On Debian/Ubuntu run scripts/setup.sh first") from None
    if open_path is None:
        return run_app(smoke_test=smoke_test)
    return run_app(smoke_test=smoke_test, open_path=str(open_path))


# -- train --------------------------------------------------------------------------------------------
def _given(args) -> dict:
    """The settings given as options, each checked alone (before a large table is read)."""
    given = {"problem": args.problem, "hidden": args.hidden, "activation": args.activation,
             "output_activation": args.output_activation, "loss": args.loss, "scaling": args.scaling,
             "learning_rate": args.lr, "iterations": args.iterations, "seed": args.seed, "use_bias": args.bias,
             "init": args.init, "optimizer": args.optimizer, "momentum": args.momentum, "nesterov": args.nesterov,
             "rho": args.rho, "beta1": args.beta1, "beta2": args.beta2, "eps": args.eps,
             "batch_size": args.batch_size, "shuffle_seed": args.shuffle_seed, "schedule": args.schedule,
             "decay_rate": args.decay_rate, "decay_epochs": args.decay_epochs, "l2": args.l2, "l1": args.l1,
             "validation": args.split, "split_seed": args.split_seed, "patience": args.patience}
    given = {k: v for k, v in given.items() if v is not None}
    for name, value in given.items():
        CONSTRAINTS[name].check(value)
    return given


def _config(args, table: TrainingTable, given: dict) -> tuple[TrainingConfig, str]:
    """The example's preset (or the table's suggestion) with each given option in place of its setting,
    and where the settings came from."""
    preset = preset_for(args.table)
    if preset is not None:
        base, source = preset, f"the shipped example {args.table.name}'s preset"
    else:
        base, source = suggest(table).config, "suggested for this table"
    if given:
        source += "; options given replace them"
    return with_given(base, given), source


def _train(args) -> int:
    export = args.export
    if export is not None:
        if export.suffix.lower() not in EXPORTS:
            raise UsageError(f"--export must end in {', '.join(EXPORTS)}, got {export.name!r}")
        if not export.parent.is_dir():  # say so now, not after a long run
            raise UsageError(f"cannot save {export}: the folder {export.parent} does not exist")
    given = _given(args)  # each setting first: refused before a large table is read
    _refuse_special_file(args.table)
    table = TrainingTable.from_csv(args.table, targets=args.target)
    config, source = _config(args, table, given)
    if config.patience and not config.validation_rows(table, config.encoding_for(table)).any():
        raise UsageError(f"--patience: early stopping watches the validation loss, and --split "
                         f"{format_number(config.validation)} of {table.n_rows:,} rows keeps none apart: "
                         "raise --split")  # (the core's words would say "mark rows", which this command can't)
    trainer = config.make_trainer(table)
    net, encoding = trainer.network, trainer.encoding
    monitor = HealthMonitor()
    monitor.observe(trainer)
    started = time.perf_counter()
    try:
        _run_with_progress(trainer, config.iterations, monitor)
    except DivergenceError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    metrics = compute_metrics(encoding, net.predict(trainer.X), trainer.y)
    val_metrics = None if trainer.X_val is None else compute_metrics(encoding, net.predict(trainer.X_val),
                                                                      trainer.y_val)
    notes = diagnose(monitor.samples, trainer.history, activations=net.activations, layer_sizes=net.layer_sizes,
                     validation=trainer.validation_history, stopped_early=trainer.early_stop is not None,
                     init=config.init, learning_rate=config.learning_rate, scaled=encoding.scales_inputs,
                     iterations_per_epoch=trainer.iterations_per_epoch, loss=config.loss)
    stop = trainer.early_stop
    if args.json:
        val_its, val_losses = trainer.validation_history
        print(json.dumps({
            "table": str(args.table), "rows": table.n_rows, "problem": config.problem,
            "layer_sizes": list(net.layer_sizes), "iterations": trainer.iteration, "epochs": trainer.epoch,
            "loss": trainer.history[-1], "first_loss": trainer.history[0], "final_loss": _final_loss(trainer),
            "metrics": metrics.to_dict(), "seconds": round(seconds, 4),
            "validation": None if val_metrics is None else {
                "rows": int(trainer.X_val.shape[0]), "loss": float(val_losses[-1]) if val_losses.size else None,
                "best_loss": float(val_losses.min()) if val_losses.size else None,
                "metrics": val_metrics.to_dict()},
            "early_stop": None if stop is None else {"best_iteration": stop.best_iteration, "best_loss": stop.best_loss,
                                                     "stopped_at": stop.stopped_at},
            "health": [{"code": n.code, "message": n.message, "fix": n.fix, "stuck": n.stuck,
                        "try": dict(n.try_settings)} for n in notes],
            "settings": config.to_dict(), "settings_source": source,
            "classes": [list(c) for c in encoding.classes],
        }, allow_nan=False))
    else:
        print(f"settings: {source}")
        print(f"{net}, {config.problem}, loss {config.loss}, scaling {'on' if config.scaling else 'off'}, "
              f"learning rate {format_number(config.learning_rate)}, seed {config.seed}")
        if config.optimizer != "sgd" or config.momentum or config.batch_size or config.l2 or config.l1:
            print(f"{trainer.optimizer!r}, batch {config.batch_size or 'the whole table'}, "
                  f"{trainer.iterations_per_epoch} iteration{'s' if trainer.iterations_per_epoch > 1 else ''} an "
                  f"epoch, L2 {format_number(config.l2)}, L1 {format_number(config.l1)}")
        epochs = f" ({trainer.epoch} epochs)" if trainer.iterations_per_epoch > 1 else ""
        batch = "" if trainer.iterations_per_epoch == 1 else " (its batch)"
        penalty = " with the penalty" if config.l2 or config.l1 else ""
        print(f"loss in iteration {trainer.iteration}{epochs}{batch}{penalty}: {trainer.history[-1]:.6g} "
              f"(first: {trainer.history[0]:.6g}); the network's{' restored' if stop else ''} weights on every "
              f"training row, no penalty: {_final_loss(trainer):.6g}")
        print(f"training {metrics.summary()} ({seconds:.2f} s)")
        if val_metrics is not None:
            val_losses = trainer.validation_history[1]
            measured = (f"loss after the last epoch {val_losses[-1]:.6g}" if val_losses.size
                        else "its loss is measured after each epoch, and no epoch has ended yet")
            print(f"validation ({trainer.X_val.shape[0]} rows, never trained on): {measured}, {val_metrics.summary()}")
        if stop is not None:
            print(stop)
        for note in notes:
            if note.code != "healthy":
                print(f"note: {note}{_as_options(note)}")
        print(predictions_table(table, net.predict(encoding.encode_inputs(table)), encoding,
                                validation=None if trainer.X_val is None else config.validation_rows(table, encoding)))
    if export is not None:
        if export.suffix.lower() == ".onnx":
            save_onnx(net, export, loss=config.loss, encoding=encoding)
        else:
            save_weights(net, export, loss=config.loss, encoding=encoding)
        if not args.json:
            print(f"weights saved to {export}")
    return 0


# -- predict ------------------------------------------------------------------------------------------
def _predict(args) -> int:
    from .core.session import SUFFIX as SESSION_SUFFIX, load_session

    for path in (args.model, args.table):
        _refuse_special_file(path)
    suffix = args.model.suffix.lower()
    if suffix == SESSION_SUFFIX:
        session = load_session(args.model)
        roles = list(session.roles)
        if not session.weights:
            raise UsageError(f"{args.model.name} holds no trained weights (saved while a setting waited for Reset)")
        encoding = session.network_encoding
        sizes = [encoding.n_inputs, *session.config.hidden, encoding.n_outputs]
        net = Network(sizes, session.config.activations_for(len(sizes) - 1), use_bias=session.config.use_bias)
        net.set_parameters(session.weights, session.biases)
        loss = session.config.loss
        if args.table is None:
            if args.target:
                raise UsageError("--target needs a TABLE")
            table = session.training_table()
        else:
            trained_targets = [c for c, r in zip(session.columns, roles) if r == TARGET]
            table = _table_for(net, args.table, args.target, trained_targets)
    elif suffix in EXTENSIONS:
        if args.table is None:
            raise UsageError(f"a weights file needs a TABLE to predict on: {PROG} predict {args.model} TABLE.csv")
        weights = load_weights(args.model)
        net = weights.to_network()
        loss = weights.loss
        if weights.recorded_encoding is None:  # numbers in and out, columns by position
            table = _table_for(net, args.table, args.target, ())
            encoding = plain_encoding(table.input_columns, table.target_columns, weights.encoding.problem)
        else:  # columns by name, labels by name, scaled as in training
            encoding = weights.recorded_encoding
            table = _table_by_name(encoding, args.table, args.target, args.model.name)
    else:
        raise UsageError(f"MODEL must be a weights file (.npz, .json) or a session ({SESSION_SUFFIX}), "
                         f"got {args.model.name!r}")
    try:
        X, y = encoding.encode_inputs(table), encoding.encode_targets(table)
    except EncodingError as exc:  # a label the network was not built for, text where it takes numbers
        raise TableError(f"{args.table.name if args.table else args.model.name}: {exc.reason}") from None
    y_hat = net.predict(X)
    print(net)
    if loss in LOSSES:
        print(f"loss ({loss}) on {table.n_rows} rows: {get_loss(loss).value(y_hat, y, y_hat - y):.6g}")
    print(compute_metrics(encoding, y_hat, y).summary())
    print(predictions_table(table, y_hat, encoding))
    return 0


def _refuse_special_file(path: Path | None) -> None:
    """A FIFO would block the read for ever and /dev/zero never ends: only regular files are read.
    A missing file is left to the loader, whose message names it."""
    try:
        mode = os.stat(path).st_mode if path is not None else stat.S_IFREG
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise UsageError(f"cannot read {path}: it is {kind}")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _table_for(net: Network, path: Path, targets, trained_targets) -> TrainingTable:
    """Read TABLE with the model's layout: named targets, else the ones it was trained on, else the last columns."""
    table = TrainingTable.from_csv(path, targets=targets)
    if not targets:
        names = table.columns
        if trained_targets and all(t in names for t in trained_targets):
            roles = [TARGET if n in trained_targets else INPUT for n in names]
        else:
            n_out = min(net.n_outputs, len(names) - 1)
            roles = [INPUT] * (len(names) - n_out) + [TARGET] * n_out
        table = table.with_roles(roles)
    n_in, n_out = len(table.input_columns), len(table.target_columns)
    if (n_in, n_out) != (net.n_inputs, net.n_outputs):
        raise TableError(f"{path.name} has {_plural(n_in, 'input column')} and {_plural(n_out, 'target column')}; "
                         f"the network takes {_plural(net.n_inputs, 'input')} and gives "
                         f"{_plural(net.n_outputs, 'output')}")
    return table


def _table_by_name(encoding: Encoding, path: Path, targets, model: str) -> TrainingTable:
    """TABLE's columns the model was trained on, found by name, in its order (other columns are left out)."""
    inputs = [c.name for c in encoding.inputs]
    if targets and list(targets) != list(encoding.targets):
        raise UsageError(f"{model} was trained with target {', '.join(encoding.targets)}; --target names "
                         f"{', '.join(targets)}")
    table = TrainingTable.from_csv(path)
    wanted = [*inputs, *encoding.targets]
    missing = [n for n in wanted if n not in table.columns]
    if missing:
        raise TableError(f"{path.name} has no column {missing[0]!r}; {model} was trained on inputs "
                         f"{', '.join(inputs)} and target {', '.join(encoding.targets)}")
    at = [table.columns.index(n) for n in wanted]
    return TrainingTable(tuple(wanted), (INPUT,) * len(inputs) + (TARGET,) * len(encoding.targets),
                         table.data[:, at], tuple(table.levels[c] for c in at))


OPTION_OF = {"init": "--init", "scaling": "--scaling", "learning_rate": "--lr", "activation": "--activation",
             "patience": "--patience"}


def _as_options(note) -> str:
    """A health note's fix in this command's words: " (here: --init xavier)"."""
    words = []
    for name, value in note.try_settings:
        if value is True:
            words.append(OPTION_OF[name])
        else:
            words.append(f"{OPTION_OF[name]} {value:.3g}" if isinstance(value, float) else f"{OPTION_OF[name]} {value}")
    return f" (here: {' '.join(words)})" if words else ""


def _final_loss(trainer: Trainer) -> float:
    y_hat = trainer.network.predict(trainer.X)
    return get_loss(trainer.loss_name).value(y_hat, trainer.y, y_hat - trainer.y)


def _run_with_progress(trainer: Trainer, iterations: int, monitor: HealthMonitor | None = None) -> None:
    """Run in about 200 pieces, a health sample after each (and a progress bar on long runs)."""
    chunk = max(1, iterations // 200)
    bar = None
    if iterations >= BAR_FROM:
        from tqdm import tqdm

        bar = tqdm(total=iterations, unit="it", file=sys.stderr, disable=None, leave=False)
    try:
        left = iterations
        while left:
            done = trainer.run(min(chunk, left))
            left -= done
            if trainer.early_stop is not None:
                break
            if monitor is not None:
                monitor.observe(trainer)
            if bar is not None:
                bar.update(done)
                bar.set_postfix(loss=f"{trainer.last_loss:.4g}", refresh=False)
    finally:
        if bar is not None:
            bar.close()


_COMMANDS = {"train": _train, "predict": _predict}


def predictions_table(table: TrainingTable, y_hat: np.ndarray, encoding: Encoding | None = None,
                      validation: np.ndarray | None = None) -> str:
    """Inputs, then each target beside its prediction: the error for numbers, the class and its
    probability for classes; one row per table row (``validation`` marks the rows never trained on
    with a *). ``y_hat``: the network's outputs (encoded)."""
    headers = ["row", *table.input_columns]
    shown = min(table.n_rows, MAX_PRINTED_ROWS)
    inputs = [table.texts(c)[:shown] for c, r in enumerate(table.roles) if r == INPUT]
    targets = [table.texts(c)[:shown] for c, r in enumerate(table.roles) if r == TARGET]
    columns: list[list[str]] = []  # the prediction columns, beside the targets
    if encoding is not None and encoding.problem == "multiclass":
        name = table.target_columns[0]
        headers += [name, f"{name} predicted", "probability"]
        guess = np.argmax(y_hat[:shown], axis=1)
        columns = [targets[0], [encoding.classes[0][g] for g in guess.tolist()],
                   [f"{y_hat[r, g]:.4f}" for r, g in enumerate(guess.tolist())]]
    elif encoding is not None and encoding.problem == "binary":
        for t, name in enumerate(table.target_columns):
            classes = encoding.classes[t]
            headers += [name, f"{name} predicted", f"P({classes[1]})"]
            columns += [targets[t], [classes[int(p >= 0.5)] for p in y_hat[:shown, t].tolist()],
                        [f"{p:.4f}" for p in y_hat[:shown, t].tolist()]]
    else:
        values = y_hat if encoding is None else encoding.decode(y_hat)
        for t, name in enumerate(table.target_columns):
            headers += [name, f"{name} predicted", "error"]
            y = table.y[:shown, t]
            columns += [targets[t], [f"{v:.4g}" if abs(v) >= 1e4 else f"{v:.4f}" for v in values[:shown, t].tolist()],
                        [f"{e:+.4g}" for e in (values[:shown, t] - y).tolist()]]
    mark = (lambda r: "") if validation is None else (lambda r: "*" if validation[r] else "")
    rows = [[f"{mark(r)}{r + 1}", *(col[r] for col in inputs), *(col[r] for col in columns)] for r in range(shown)]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
    if table.n_rows > shown:
        lines.append(f"… and {table.n_rows - shown} more rows")
    if validation is not None:
        lines.append("* a validation row: never trained on")
    return "\n".join(lines)
