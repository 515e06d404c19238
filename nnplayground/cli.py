"""The headless commands, on ``nnplayground.core`` alone (Qt is imported only to open the window).

``nnplayground`` opens the window; ``nnplayground train TABLE.csv …`` trains and prints. Bad input
ends in one line on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from .core import ACTIVATIONS, INITS, LOSSES, DivergenceError, Trainer, TrainingTable
from .core.config import TrainingConfig
from .core.losses import get_loss
from .core.table import format_number
from .core.weights_io import EXTENSIONS, save_weights

PROG = "nnplayground"
MAX_PRINTED_ROWS = 40
BAR_FROM = 20_000  # iterations: shorter runs finish before a bar would be worth drawing


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise UsageError(f"{message} (see '{PROG} {self.prog.split()[-1]} --help')" if " " in self.prog else message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive number")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Learn how a neural network trains. With no command, opens the window.")
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    train = sub.add_parser("train", help="train on a CSV table and print the result", description=(
        "Train a network on TABLE (CSV with a header row; comma, semicolon or tab separated) and print the "
        "final loss and the predictions. By default the last column is the target."))
    train.add_argument("table", type=Path, help="the training table (.csv)")
    train.add_argument("--hidden", type=_positive_int, action="append", metavar="UNITS",
                       help="units in a hidden layer; repeat for more layers (default: one layer of 4)")
    train.add_argument("--activation", default="sigmoid", metavar="NAME",
                       help=f"one of {', '.join(ACTIVATIONS)}; or one per layer, comma-separated (default: sigmoid)")
    train.add_argument("--loss", default="sse", choices=list(LOSSES), help="default: sse, the tutorial's")
    train.add_argument("--lr", type=_positive_float, default=1.0, help="learning rate (default: 1, the tutorial's)")
    train.add_argument("--iterations", type=_positive_int, default=1500, help="default: 1500")
    train.add_argument("--seed", type=int, default=0, help="seed for the initial weights (default: 0)")
    train.add_argument("--init", default="uniform", choices=list(INITS),
                       help="initial weights: uniform [0, 1) as the tutorial, xavier or he")
    train.add_argument("--no-bias", action="store_true", help="no bias terms, as the tutorial")
    train.add_argument("--target", action="append", metavar="COLUMN",
                       help="a target column by name; repeat for several (default: the last column)")
    train.add_argument("--export", type=Path, metavar="FILE", help="save the trained weights (.npz or .json)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            return _open_window(smoke_test=args.smoke_test)
        return _train(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:  # TableError and WeightsFileError are ValueErrors
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _open_window(smoke_test: bool = False) -> int:
    try:
        from .ui.app import run_app
    except ImportError as exc:
        raise UsageError(f"the window cannot start: {exc}. On Debian/Ubuntu run scripts/setup.sh first") from None
    return run_app(smoke_test=smoke_test)


def _train(args) -> int:
    if args.export is not None and args.export.suffix.lower() not in EXTENSIONS:
        raise UsageError(f"--export must end in .npz or .json, got {args.export.name!r}")
    table = TrainingTable.from_csv(args.table, targets=args.target)
    config = TrainingConfig(
        hidden=tuple(args.hidden or [4]), activation=args.activation, loss=args.loss, learning_rate=args.lr,
        iterations=args.iterations, seed=args.seed, use_bias=not args.no_bias, init=args.init,
    )
    trainer = config.make_trainer(table)
    net = trainer.network
    try:
        _run_with_progress(trainer, args.iterations)
    except DivergenceError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    print(f"{net}, loss {args.loss}, learning rate {format_number(args.lr)}, seed {args.seed}")
    print(f"loss after {trainer.iteration} iterations: {trainer.history[-1]:.6g} "
          f"(first: {trainer.history[0]:.6g}); on the trained weights: {_final_loss(trainer):.6g}")
    print(predictions_table(table, net.predict(table.X)))
    if args.export is not None:
        save_weights(net, args.export, loss=args.loss)
        print(f"weights saved to {args.export}")
    return 0


def _final_loss(trainer: Trainer) -> float:
    y_hat = trainer.network.predict(trainer.X)
    return get_loss(trainer.loss_name).value(y_hat, trainer.y, y_hat - trainer.y)


def _run_with_progress(trainer: Trainer, iterations: int) -> None:
    if iterations < BAR_FROM:
        trainer.run(iterations)
        return
    from tqdm import tqdm

    chunk = max(1, iterations // 200)
    with tqdm(total=iterations, unit="it", file=sys.stderr, disable=None, leave=False) as bar:
        left = iterations
        while left:
            done = trainer.run(min(chunk, left))
            left -= done
            bar.update(done)
            bar.set_postfix(loss=f"{trainer.last_loss:.4g}", refresh=False)


def predictions_table(table: TrainingTable, y_hat: np.ndarray) -> str:
    """Inputs, then each target beside its prediction and error, one row per table row."""
    headers = ["row", *table.input_columns]
    for name in table.target_columns:
        headers += [name, f"{name} predicted", "error"]
    rows = []
    shown = min(table.n_rows, MAX_PRINTED_ROWS)
    for r in range(shown):
        cells = [str(r + 1), *(format_number(v) for v in table.X[r])]
        for t in range(table.y.shape[1]):
            cells += [format_number(table.y[r, t]), f"{y_hat[r, t]:.4f}", f"{y_hat[r, t] - table.y[r, t]:+.4f}"]
        rows.append(cells)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
    if table.n_rows > shown:
        lines.append(f"… and {table.n_rows - shown} more rows")
    return "\n".join(lines)
