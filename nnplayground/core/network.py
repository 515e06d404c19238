"""A fully connected network: the tutorial's two-layer class grown to any depth.

Weights are ``(n_in, n_out)`` as in the tutorial, so a layer reads ``z = a·W + b``. The maths lives
in two functions, :func:`forward_into` and :func:`backward_into`, that write into a :class:`Trace`
of preallocated buffers: the trainer reuses one trace for every iteration, and
:meth:`Network.forward` / :meth:`Network.gradients` make a fresh one.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

from .activations import get_activation
from .cpus import free_this_thread

if TYPE_CHECKING:
    from .losses import Loss

INITS = ("uniform", "xavier", "he")


def _as_2d_float(name: str, data, n_cols: int | None = None) -> np.ndarray:
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1) if n_cols == 1 else arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D table of numbers, got {arr.ndim} dimensions")
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(f"{name} has {arr.shape[1]} columns; the network expects {n_cols}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def _views(flat: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    """Split one flat buffer into arrays of the given shapes that share its memory."""
    views, offset = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        views.append(flat[offset : offset + size].reshape(shape))
        offset += size
    return views


def split_parameters(flat: np.ndarray, layer_sizes: Sequence[int]) -> list[np.ndarray]:
    """A flat array laid out as the parameters (every W, then every b) as one view per W and b."""
    return _views(flat, parameter_shapes(layer_sizes))


def n_parameters(layer_sizes: Sequence[int]) -> int:
    """How many numbers the weights and biases of a network with these layer sizes hold."""
    sizes = list(layer_sizes)
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def parameter_shapes(layer_sizes: Sequence[int]) -> list[tuple[int, ...]]:
    """Every W, then every b: the order of the flat parameter and gradient buffers."""
    sizes = list(layer_sizes)
    return [(i, o) for i, o in zip(sizes[:-1], sizes[1:])] + [(o,) for o in sizes[1:]]


# Per-row work (z = a·W + b, a = f(z), δ) goes in blocks of rows: a block's numbers stay in the CPU's
# cache from one layer to the next (15-20 % faster on a 20,000-row table than whole-table passes), and
# a stop flag is polled between blocks, so even a huge iteration stops within milliseconds.
BLOCK_ELEMENTS = 1 << 18  # rows per block × the widest layer: 2 MB of float64 per buffer


@dataclass(frozen=True, eq=False, slots=True)
class LayerRows:
    """One layer's part of a :class:`Trace` for one block of rows (views): what it reads and writes there."""

    layer: int
    a_in: np.ndarray  # the layer's input a^(l-1)
    z: np.ndarray
    a: np.ndarray  # its output f(z)
    delta: np.ndarray  # ∂L/∂z
    scratch: np.ndarray  # f'(z)
    delta_in: np.ndarray | None  # the δ it sends back to the layer below (None for the first layer)


@dataclass(eq=False)
class Trace:
    """Every intermediate of one feedforward and backprop pass, one entry per layer.

    ``a[0]`` is the input X and ``a[-1]`` the prediction ŷ; ``z[l]``, ``delta[l]``, ``dW[l]`` and
    ``db[l]`` belong to layer ``l`` (0 = first hidden layer). ``delta[l]`` is ∂L/∂z of that layer.
    ``dW`` and ``db`` are views into one flat ``gradient`` buffer laid out like the network's
    ``parameters``, so one operation updates every layer. ``blocks`` cut the per-row buffers into
    blocks of rows, each a tuple of :class:`LayerRows` (one block for a small table).
    """

    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    gradient: np.ndarray
    dW: list[np.ndarray]
    db: list[np.ndarray]
    scratch: list[np.ndarray]  # f'(a) for each layer
    blocks: tuple[tuple[LayerRows, ...], ...] = ()

    @classmethod
    def empty(cls, layer_sizes: Sequence[int], n_rows: int) -> "Trace":
        sizes = list(layer_sizes)
        outs = sizes[1:]
        shapes = parameter_shapes(sizes)
        gradient = np.zeros(sum(int(np.prod(s)) for s in shapes))
        grads = _views(gradient, shapes)
        trace = cls(
            z=[np.zeros((n_rows, n)) for n in outs],
            a=[np.zeros((n_rows, sizes[0]))] + [np.zeros((n_rows, n)) for n in outs],
            delta=[np.zeros((n_rows, n)) for n in outs],
            gradient=gradient,
            dW=grads[: len(outs)],
            db=grads[len(outs) :],
            scratch=[np.zeros((n_rows, n)) for n in outs],
        )
        n_blocks = max(1, -(-n_rows * max(sizes) // BLOCK_ELEMENTS))
        edges = [n_rows * k // n_blocks for k in range(n_blocks + 1)]  # equal blocks (to a row): none a sliver
        trace.blocks = tuple(trace._rows(slice(lo, hi) if n_blocks > 1 else slice(None))
                             for lo, hi in zip(edges[:-1], edges[1:]))
        return trace

    def _rows(self, rows: slice) -> tuple[LayerRows, ...]:
        z, a, delta, scratch = self.z, self.a, self.delta, self.scratch
        return tuple(LayerRows(l, a[l][rows], z[l][rows], a[l + 1][rows], delta[l][rows], scratch[l][rows],
                               delta[l - 1][rows] if l else None) for l in range(len(z)))

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


class StopFlag(Protocol):
    """What :func:`forward_into` and :func:`backward_into` poll (a ``threading.Event`` is one)."""

    def is_set(self) -> bool: ...


class _Blocks:
    """Runs a pass over the blocks of rows of a large table on every core at once.

    NumPy's element-wise functions (tanh, exp, the products of backprop) use one core; BLAS's matrix
    products use all of them. A table of several blocks has both in every layer of every block, so the
    blocks are handed to a pool of threads (NumPy lets go of the interpreter lock inside each call),
    each block's products on one BLAS thread: every core busy with both kinds of work. Each block
    writes only its own rows, so the numbers are those of the one-thread pass. One block (every small
    table: the tutorial's) runs on the caller's thread as before."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1  # 1: every block on the caller's thread
        self._pool = None
        self._pool_size = 0
        self._blas = None

    def run(self, blocks, work) -> bool:
        """``work(rows)`` for every block; False when one of them returned False (it saw the stop)."""
        if len(blocks) == 1 or self.workers < 2:
            return all([work(rows) for rows in blocks])
        if self._pool is None or self._pool_size != self.workers:
            from concurrent.futures import ThreadPoolExecutor

            from threadpoolctl import ThreadpoolController

            # (started during a small network's run, a pool thread would inherit the worker's one core for good)
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="nnplayground-rows",
                                            initializer=free_this_thread)
            self._pool_size = self.workers
            self._blas = self._blas or ThreadpoolController()
        state = np.geterr()  # NumPy keeps one floating-point error state per thread: the caller's, in the pool's

        def run(rows):
            with np.errstate(**state):
                return work(rows)

        with self._blas.limit(limits=1, user_api="blas"):
            return all(list(self._pool.map(run, blocks)))


BLOCKS = _Blocks()


def forward_into(net: "Network", trace: Trace, stop: StopFlag | None = None) -> np.ndarray | None:
    """Feedforward: z = a·W + b, a = f(z), layer by layer, one block of rows at a time (the blocks of a
    large table at once, on every core: :class:`_Blocks`). ``trace.a[0]`` must hold X.

    Returns ŷ, or None when ``stop`` was set (it is polled before each layer of each block): the pass
    is abandoned there, leaving ``trace.z`` and ``trace.a`` part new, part old.
    Call it inside ``np.errstate(over="ignore")``: sigmoid's exp(−z) may overflow, harmlessly.
    """
    blocks = trace.blocks
    if len(blocks) == 1:  # a small table: no pool, no closure (the tutorial's iteration is ~20 µs)
        done = _forward_rows(net, blocks[0], stop)
    else:
        done = BLOCKS.run(blocks, lambda rows: _forward_rows(net, rows, stop))
    return trace.a[-1] if done else None


def _forward_rows(net: "Network", rows: tuple[LayerRows, ...], stop: StopFlag | None) -> bool:
    """One block's feedforward; False when ``stop`` ended it (the flag may be cleared again before the
    pass ends, so the block's own word counts)."""
    use_bias = net.use_bias
    for r, W, b, act in zip(rows, net.weights, net.biases, net._acts):
        if stop is not None and stop.is_set():
            return False
        np.dot(r.a_in, W, r.z)
        if use_bias:
            np.add(r.z, b, r.z)
        act.function(r.z, r.a)
    return True


def seed_output_delta(net: "Network", loss: "Loss", y_hat: np.ndarray, y: np.ndarray, diff: np.ndarray,
                      out: np.ndarray) -> bool:
    """Write into ``out`` what backprop starts from: ∂L/∂ŷ, or (True is returned) δ at the output
    itself when the loss and the output activation collapse to (ŷ − y)/N (see :mod:`.losses`)."""
    delta = loss.delta_for(net.activations[-1])
    if delta is None:
        loss.gradient(y_hat, y, diff, out)
        return False
    delta(y_hat, y, diff, out)
    return True


def backward_into(net: "Network", trace: Trace, stop: StopFlag | None = None, output_delta: bool = False) -> bool:
    """Backprop by the chain rule, from the output back, after :func:`forward_into`.

    ``trace.delta[-1]`` must hold ∂L/∂ŷ on entry (or δ at the output itself, with ``output_delta``:
    see :func:`seed_output_delta`); on return every δ, ∂L/∂W and ∂L/∂b is filled:
    δ_L = ∂L/∂ŷ ⊙ f'(a_L);  δ_{l-1} = (δ_l·W_lᵀ) ⊙ f'(a_{l-1});  ∂L/∂W_l = a_{l-1}ᵀ·δ_l;  ∂L/∂b_l = Σ_rows δ_l.
    Every δ comes first, one block of rows at a time, then the gradients over all rows. ``stop`` is
    polled before each layer of each block and before the gradients; once it is set the pass is
    abandoned (False is returned) with ``trace.dW`` and ``trace.db`` exactly as the last complete pass
    left them.
    """
    last = len(net.weights) - 1 if output_delta else -1  # the layer whose δ is already complete
    blocks = trace.blocks
    if len(blocks) == 1:
        done = _backward_rows(net, blocks[0], stop, last)
    else:
        done = BLOCKS.run(blocks, lambda rows: _backward_rows(net, rows, stop, last))
    if not done or (stop is not None and stop.is_set()):
        return False
    for a, delta, dW in zip(trace.a, trace.delta, trace.dW):
        np.dot(a.T, delta, dW)
    if net.use_bias:
        for delta, db in zip(trace.delta, trace.db):
            np.sum(delta, axis=0, out=db)
    return True


def _backward_rows(net: "Network", rows: tuple[LayerRows, ...], stop: StopFlag | None, last: int) -> bool:
    """One block's δ, from the output back; False when ``stop`` ended it."""
    acts, weights = net._acts, net.weights
    for r in reversed(rows):
        if stop is not None and stop.is_set():
            return False
        if r.layer != last:
            np.multiply(r.delta, acts[r.layer].derivative(r.a, r.scratch), r.delta)
        if r.delta_in is not None:
            np.dot(r.delta, weights[r.layer].T, r.delta_in)
    return True


class Network:
    """Layers of weights ``(n_in, n_out)`` and biases ``(n_out,)`` with one activation each."""

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: str | Sequence[str] = "sigmoid",
        use_bias: bool = True,
        seed: int | None = None,
        init: str = "uniform",
    ):
        sizes = [int(n) for n in layer_sizes]
        if len(sizes) < 2:
            raise ValueError("layer_sizes needs at least an input and an output size")
        if any(n < 1 for n in sizes) or any(n != s for n, s in zip(sizes, layer_sizes)):
            raise ValueError(f"layer sizes must be positive whole numbers, got {list(layer_sizes)}")
        n_layers = len(sizes) - 1
        names = [activations] * n_layers if isinstance(activations, str) else list(activations)
        if len(names) != n_layers:
            raise ValueError(f"{n_layers} layers need {n_layers} activations, got {len(names)}")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
        self._acts = [get_activation(n) for n in names]
        if not all(a.elementwise for a in self._acts[:-1]):
            raise ValueError("softmax is for the output layer only: it normalises a whole row into probabilities")
        self.layer_sizes = tuple(sizes)
        self.activations = tuple(names)
        self.use_bias = bool(use_bias)
        self.init = init
        self.seed = seed
        shapes = parameter_shapes(sizes)
        # All parameters live in one flat buffer; weights and biases are views into it.
        self.parameters = np.zeros(sum(int(np.prod(s)) for s in shapes))
        views = _views(self.parameters, shapes)
        # Tuples: replace values in place (W[...] = …, set_parameters), never the arrays themselves.
        self.weights, self.biases = tuple(views[:n_layers]), tuple(views[n_layers:])
        rng = np.random.default_rng(seed)
        for W in self.weights:
            W[...] = _initial_weights(rng, init, *W.shape)

    def __repr__(self) -> str:
        acts = self.activations[0] if len(set(self.activations)) == 1 else list(self.activations)
        return f"Network({list(self.layer_sizes)}, activations={acts!r}, use_bias={self.use_bias})"

    @property
    def n_inputs(self) -> int:
        return self.layer_sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.layer_sizes[-1]

    def forward(self, X) -> Trace:
        X = _as_2d_float("X", X, self.n_inputs)
        trace = Trace.empty(self.layer_sizes, X.shape[0])
        trace.a[0][...] = X
        with np.errstate(over="ignore"):
            forward_into(self, trace)
        return trace

    def predict(self, X) -> np.ndarray:
        return self.forward(X).output.copy()

    def gradients(self, X, y, loss: str = "sse") -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The true gradients ∂L/∂W and ∂L/∂b (the tutorial's ``d_weights`` is their negative)."""
        from .losses import get_loss

        lossfn = get_loss(loss)
        X = _as_2d_float("X", X, self.n_inputs)
        y = _as_2d_float("y", y, self.n_outputs)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        trace = Trace.empty(self.layer_sizes, X.shape[0])
        trace.a[0][...] = X
        with np.errstate(over="ignore"):
            y_hat = forward_into(self, trace)
        fused = seed_output_delta(self, lossfn, y_hat, y, y_hat - y, trace.delta[-1])
        backward_into(self, trace, output_delta=fused)
        return trace.dW, trace.db

    def set_parameters(self, weights: Sequence, biases: Sequence | None = None) -> None:
        """Replace the parameters in place, all or nothing: a shape that doesn't fit changes none."""
        weights = [np.asarray(w, dtype=np.float64) for w in weights]
        biases = None if biases is None else [np.asarray(b, dtype=np.float64) for b in biases]
        if len(weights) != len(self.weights):
            raise ValueError(f"expected {len(self.weights)} weight matrices, got {len(weights)}")
        for l, (new, old) in enumerate(zip(weights, self.weights)):
            if new.shape != old.shape:
                raise ValueError(f"layer {l + 1} weights are {new.shape}; the network needs {old.shape}")
            if not np.isfinite(new).all():
                raise ValueError(f"layer {l + 1} weights contain NaN or infinity")
        if biases is not None:
            if len(biases) != len(self.biases):
                raise ValueError(f"expected {len(self.biases)} bias vectors, got {len(biases)}")
            for l, (new, old) in enumerate(zip(biases, self.biases)):
                if new.shape != old.shape:
                    raise ValueError(f"layer {l + 1} biases are {new.shape}; the network needs {old.shape}")
                if not np.isfinite(new).all():
                    raise ValueError(f"layer {l + 1} biases contain NaN or infinity")
        for dst, src in zip(self.weights, weights):
            dst[...] = src
        for dst, src in zip(self.biases, biases or ()):
            dst[...] = src

    def copy(self) -> "Network":
        twin = Network(self.layer_sizes, self.activations, self.use_bias, self.seed, self.init)
        twin.set_parameters(self.weights, self.biases)
        return twin


def _initial_weights(rng: np.random.Generator, init: str, n_in: int, n_out: int) -> np.ndarray:
    if init == "uniform":  # the tutorial's np.random.rand: uniform in [0, 1)
        return rng.random((n_in, n_out))
    if init == "xavier":  # Glorot uniform
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_in, n_out))
    return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)  # He normal
