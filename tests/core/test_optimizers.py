"""Optimizers: each trajectory equals the rule of PyTorch's documentation written again here, in plain
Python floats, to 1e-12 over 100 steps (on fixed gradients and on a network's own gradients); it also
equals scikit-learn's ``_stochastic_optimizers`` where scikit-learn has the optimizer, and
``torch.optim`` when torch is installed. Plain SGD is the trainer's update bit for bit, a step
allocates nothing, and a session's record continues the very same trajectory."""
import io
import json
import math
import re
import tracemalloc

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from nnplayground.core import OPTIMIZERS, SGD, Adam, Network, Optimizer, RMSProp, Trainer, make_optimizer

STEPS = 100
N = 25  # parameters in the fixed-gradient cases
TOLERANCE = 1e-12

# name, hyperparameters: every optimizer, each variant, defaults and otherwise
CASES = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("sgd", {"momentum": 0.5, "nesterov": True}),
    ("rmsprop", {}),
    ("rmsprop", {"rho": 0.5, "eps": 1e-3}),
    ("adam", {}),
    ("adam", {"beta1": 0.5, "beta2": 0.8, "eps": 1e-3}),
]
CASE_IDS = [f"{name}{kwargs}" for name, kwargs in CASES]
RATES = {"sgd": 0.1, "rmsprop": 0.01, "adam": 0.01}  # rates each rule moves the tutorial's network well at


# -- the rules again, from their formulas: plain Python floats, one parameter at a time --------------
def reference_sgd(theta, gradient_at, lrs, momentum=0.0, nesterov=False):
    """v ← μ·v + g, θ ← θ − η·v; Nesterov: θ ← θ − η·(g + μ·v) with that new v. No momentum: θ ← θ − η·g."""
    theta, v, path = [float(x) for x in theta], [0.0] * len(theta), []
    for k, lr in enumerate(lrs):
        g = [float(x) for x in gradient_at(k, np.array(theta))]
        for i in range(len(theta)):
            if momentum:
                v[i] = momentum * v[i] + g[i]
                d = g[i] + momentum * v[i] if nesterov else v[i]
            else:
                d = g[i]
            theta[i] -= lr * d
        path.append(list(theta))
    return np.array(path)


def reference_rmsprop(theta, gradient_at, lrs, rho=0.9, eps=1e-8):
    """s ← ρ·s + (1 − ρ)·g², θ ← θ − η·g/(√s + ε)."""
    theta, s, path = [float(x) for x in theta], [0.0] * len(theta), []
    for k, lr in enumerate(lrs):
        g = [float(x) for x in gradient_at(k, np.array(theta))]
        for i in range(len(theta)):
            s[i] = rho * s[i] + (1 - rho) * g[i] ** 2
            theta[i] -= lr * g[i] / (math.sqrt(s[i]) + eps)
        path.append(list(theta))
    return np.array(path)


def reference_adam(theta, gradient_at, lrs, beta1=0.9, beta2=0.999, eps=1e-8):
    """m ← β₁·m + (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
    θ ← θ − η·m̂/(√v̂ + ε)."""
    theta, m, v, path = [float(x) for x in theta], [0.0] * len(theta), [0.0] * len(theta), []
    for k, lr in enumerate(lrs):
        t = k + 1
        g = [float(x) for x in gradient_at(k, np.array(theta))]
        for i in range(len(theta)):
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] ** 2
            m_hat = m[i] / (1 - beta1 ** t)
            v_hat = v[i] / (1 - beta2 ** t)
            theta[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
        path.append(list(theta))
    return np.array(path)


REFERENCES = {"sgd": reference_sgd, "rmsprop": reference_rmsprop, "adam": reference_adam}


# -- the engine's side, and where gradients come from ------------------------------------------------
def follow(optimizer, theta, gradient_at, lrs, start=0):
    """Apply ``optimizer`` to a flat parameter buffer as the trainer does: Δ = step(g, η), θ ← θ − Δ.
    Binds it first unless it already is (a restored optimizer continues); returns θ after each step."""
    theta = np.array(theta, dtype=float)
    if optimizer.n_parameters is None:
        optimizer.bind(theta.size)
    step, path = np.empty_like(theta), []
    for k, lr in enumerate(lrs, start):
        optimizer.step(gradient_at(k, theta), lr, step)
        np.subtract(theta, step, theta)
        path.append(theta.copy())
    return np.array(path)


def fixed_gradients(seed=0, scale=1.0):
    """θ₀ and a sequence of gradients whose sizes span four orders of magnitude across the parameters."""
    rng = np.random.default_rng(seed)
    grads = rng.normal(size=(STEPS, N)) * np.logspace(-3, 1, N) * scale
    return rng.normal(size=N), (lambda k, theta: grads[k])


def network_gradients(article):
    """The tutorial network's flat parameters and ∂L/∂θ at any θ (sse on the tutorial's table): a
    trajectory that feeds back, as in training."""
    X, y = article
    net = Network([3, 4, 1], "sigmoid", use_bias=True, seed=0)
    twin = net.copy()

    def gradient_at(k, theta):
        twin.parameters[...] = theta
        dW, db = twin.gradients(X, y, "sse")
        return np.concatenate([g.ravel() for g in (*dW, *db)])  # every W, then every b: the flat layout

    return net.parameters.copy(), gradient_at


def schedule_like(lr):
    """A rate that changes every step (as a schedule's does), so η must stay outside the state."""
    return [lr * 0.97 ** k for k in range(STEPS)]


def assert_same_path(ours, theirs):
    assert np.isfinite(ours).all() and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=TOLERANCE, atol=TOLERANCE)


# -- trajectories ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("varying_rate", [False, True], ids=["constant rate", "changing rate"])
def test_trajectory_equals_the_rule_written_independently(name, kwargs, varying_rate):
    theta0, gradient_at = fixed_gradients()
    lrs = schedule_like(RATES[name]) if varying_rate else [RATES[name]] * STEPS
    ours = follow(make_optimizer(name, **kwargs), theta0, gradient_at, lrs)
    assert_same_path(ours, REFERENCES[name](theta0, gradient_at, lrs, **kwargs))
    assert np.abs(ours[-1] - theta0).max() > 0.01  # it moved: the comparison compares something


@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_trajectory_on_a_networks_own_gradients_equals_the_rule(name, kwargs, article):
    theta0, gradient_at = network_gradients(article)
    lrs = [RATES[name]] * STEPS
    ours = follow(make_optimizer(name, **kwargs), theta0, gradient_at, lrs)
    assert_same_path(ours, REFERENCES[name](theta0, gradient_at, lrs, **kwargs))


# -- scikit-learn ------------------------------------------------------------------------------------
def sklearn_path(optimizer, theta, gradient_at, before_step=None):
    """scikit-learn's optimizer on the same gradients: θ ← θ + its update (it returns −Δ)."""
    path = []
    for k in range(STEPS):
        if before_step is not None:
            before_step(k + 1)
        optimizer.update_params([theta], [gradient_at(k, theta.copy())])
        path.append(theta.copy())
    return np.array(path)


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True), (0.3, True)])
@pytest.mark.parametrize("source", ["fixed", "network"])
def test_sgd_equals_sklearns_sgd_optimizer(momentum, nesterov, source, article):
    """scikit-learn keeps the velocity as a step (u ← μ·u − η·g, θ ← θ + u; Nesterov θ ← θ + μ·u − η·g),
    PyTorch as a sum of gradients (u = −η·v): with a constant η they are the same trajectory."""
    theta0, gradient_at = fixed_gradients() if source == "fixed" else network_gradients(article)
    lr = 0.1
    theta = theta0.copy()
    theirs = sklearn_path(SGDOptimizer([theta], learning_rate_init=lr, momentum=momentum, nesterov=nesterov),
                          theta, gradient_at)
    assert_same_path(follow(SGD(momentum, nesterov), theta0, gradient_at, [lr] * STEPS), theirs)


def sklearn_adam(theta0, gradient_at, lr, beta1, beta2, eps, rescale):
    theta = theta0.copy()
    adam = AdamOptimizer([theta], learning_rate_init=lr, beta_1=beta1, beta_2=beta2, epsilon=eps)

    def rescale_eps(t):  # its ε is added to √v = √v̂·√(1 − β₂ᵗ)
        adam.epsilon = eps * math.sqrt(1 - beta2 ** t)

    return sklearn_path(adam, theta, gradient_at, rescale_eps if rescale else None)


@pytest.mark.parametrize("source, beta1, beta2", [("fixed", 0.9, 0.999), ("fixed", 0.5, 0.8), ("network", 0.9, 0.999)])
@pytest.mark.parametrize("eps, rescale", [(0.0, False), (1e-8, True), (1e-3, True)],
                         ids=["eps=0", "eps=1e-8, sklearn's rescaled", "eps=1e-3, sklearn's rescaled"])
def test_adam_equals_sklearns_adam_optimizer_when_eps_is_accounted_for(source, beta1, beta2, eps, rescale, article):
    """scikit-learn's Adam steps by η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε); PyTorch's (ours) by
    η·m̂/(√v̂ + ε) = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε·√(1 − β₂ᵗ)). They are the same rule exactly when
    scikit-learn's epsilon at step t is ours times √(1 − β₂ᵗ), which holds for every t only with ε = 0;
    with ε > 0 it takes setting scikit-learn's ``epsilon`` to ε·√(1 − β₂ᵗ) before each step t.

    Not on a network's own gradients with β = (0.5, 0.8): there, by step 90, some gradients are 1e-6,
    and Adam's step (the same size whatever the gradient's scale) turns their last bits into
    direction, so any two implementations part, scikit-learn and the rule written above included
    (1e-15 apart at step 84, 1e-10 at step 96). Fixed gradients have no such feedback."""
    theta0, gradient_at = fixed_gradients() if source == "fixed" else network_gradients(article)
    lr = 0.01
    ours = follow(Adam(beta1, beta2, eps), theta0, gradient_at, [lr] * STEPS)
    assert_same_path(ours, sklearn_adam(theta0, gradient_at, lr, beta1, beta2, eps, rescale))


def test_adam_differs_from_sklearns_with_the_same_constant_eps():
    """The condition above is needed: with one ε for both, small gradients make the two rules part."""
    theta0, gradient_at = fixed_gradients(scale=1e-6)
    ours = follow(Adam(eps=1e-8), theta0, gradient_at, [0.01] * STEPS)
    theirs = sklearn_adam(theta0, gradient_at, 0.01, 0.9, 0.999, 1e-8, rescale=False)
    assert np.abs(ours - theirs).max() > 1e-4


# -- torch.optim, when it is installed ---------------------------------------------------------------
def torch_path(name, kwargs, theta0, gradient_at, lrs):
    torch = pytest.importorskip("torch")
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    if name == "sgd":
        opt = torch.optim.SGD([p], lr=lrs[0], momentum=kwargs.get("momentum", 0.0),
                              nesterov=kwargs.get("nesterov", False))
    elif name == "rmsprop":
        opt = torch.optim.RMSprop([p], lr=lrs[0], alpha=kwargs.get("rho", 0.9), eps=kwargs.get("eps", 1e-8))
    else:
        opt = torch.optim.Adam([p], lr=lrs[0], betas=(kwargs.get("beta1", 0.9), kwargs.get("beta2", 0.999)),
                               eps=kwargs.get("eps", 1e-8))
    path = []
    for k, lr in enumerate(lrs):
        opt.param_groups[0]["lr"] = lr
        p.grad = torch.tensor(gradient_at(k, p.detach().numpy().copy()), dtype=torch.float64)
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("varying_rate", [False, True], ids=["constant rate", "changing rate"])
def test_trajectory_equals_torch_optim(name, kwargs, varying_rate):
    theta0, gradient_at = fixed_gradients()
    lrs = schedule_like(RATES[name]) if varying_rate else [RATES[name]] * STEPS
    theirs = torch_path(name, kwargs, theta0, gradient_at, lrs)
    assert_same_path(follow(make_optimizer(name, **kwargs), theta0, gradient_at, lrs), theirs)


# -- plain SGD is today's update; nothing is allocated -----------------------------------------------
def test_plain_sgd_step_is_grad_times_lr_bit_for_bit():
    rng = np.random.default_rng(3)
    sgd = SGD().bind(1000)
    out = np.empty(1000)
    for lr in (1.0, 0.7, 1e-6, 3.3):
        grad = rng.normal(size=1000) * 10.0 ** rng.integers(-300, 300, size=1000)
        assert sgd.step(grad, lr, out) is out
        assert out.tobytes() == (grad * lr).tobytes()


@pytest.mark.parametrize("lr", [0.7, 1.0])
def test_full_batch_plain_sgd_is_the_trainers_update_bit_for_bit(article, lr):
    X, y = article
    theta0, gradient_at = network_gradients(article)
    trainer = Trainer(Network([3, 4, 1], "sigmoid", use_bias=True, seed=0), X, y, loss="sse", learning_rate=lr)
    assert trainer.network.parameters.tobytes() == theta0.tobytes()
    trained = []
    for _ in range(STEPS):
        trainer.run(1)
        trained.append(trainer.network.parameters.copy())
    assert follow(SGD(), theta0, gradient_at, [lr] * STEPS).tobytes() == np.array(trained).tobytes()


@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_a_step_allocates_nothing(name, kwargs):
    n = 100_000
    optimizer = make_optimizer(name, **kwargs).bind(n)
    grad, out = np.random.default_rng(0).normal(size=n), np.empty(n)
    optimizer.step(grad, 0.1, out)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(3):
            optimizer.step(grad, 0.1, out)
        grown = tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
    assert grown < 8 * n // 100, f"a step allocated {grown:,} bytes (one temporary array is {8 * n:,})"


# -- state, binding, the table -----------------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_bind_zeroes_the_state_and_restarts_the_count(name, kwargs):
    optimizer = make_optimizer(name, **kwargs)
    assert optimizer.state() == {} and optimizer.t == 0 and optimizer.n_parameters is None
    theta0, gradient_at = fixed_gradients()
    follow(optimizer, theta0, gradient_at, [0.1] * 5)
    assert optimizer.t == 5 and optimizer.n_parameters == N
    state = optimizer.state()
    assert tuple(state) == optimizer.state_names
    assert all(np.any(a != 0) for a in state.values())
    assert all(a is optimizer.state()[k] for k, a in state.items())  # live: the arrays the steps update
    optimizer.bind(7)
    assert optimizer.t == 0 and optimizer.n_parameters == 7 and optimizer.derived() == {}
    assert tuple(optimizer.state()) == optimizer.state_names
    assert all(a.shape == (7,) and not a.any() for a in optimizer.state().values())


@pytest.mark.parametrize("optimizer", [SGD(momentum=0.9), RMSProp(), Adam()], ids=repr)
def test_a_step_before_bind_says_so(optimizer):
    with pytest.raises(RuntimeError, match=re.escape(f"{optimizer!r} has no state yet: call bind(n_parameters)")):
        optimizer.step(np.ones(3), 0.1, np.empty(3))
    assert optimizer.t == 0


def test_adam_derived_are_the_bias_corrected_moments():
    adam = Adam(beta1=0.5, beta2=0.8)
    assert adam.derived() == {}
    theta0, gradient_at = fixed_gradients()
    follow(adam, theta0, gradient_at, [0.01] * 3)
    state, derived = adam.state(), adam.derived()
    assert list(derived) == ["m̂", "v̂"]
    np.testing.assert_array_equal(derived["m̂"], state["m"] / (1 - 0.5 ** 3))
    np.testing.assert_array_equal(derived["v̂"], state["v"] / (1 - 0.8 ** 3))


def test_the_table_and_make_optimizer():
    assert list(OPTIMIZERS) == ["sgd", "rmsprop", "adam"]
    assert all(cls.name == name for name, cls in OPTIMIZERS.items())
    assert [type(make_optimizer(name)) for name in OPTIMIZERS] == [SGD, RMSProp, Adam]
    assert make_optimizer("adam", beta1=0.8).hyperparameters() == {"beta1": 0.8, "beta2": 0.999, "eps": 1e-8}
    instance = RMSProp(rho=0.5)
    assert make_optimizer(instance) is instance
    with pytest.raises(ValueError, match=re.escape("unknown optimizer 'x'; choose one of sgd, rmsprop, adam")):
        make_optimizer("x")
    with pytest.raises(ValueError, match=re.escape("unknown optimizer None; choose one of sgd, rmsprop, adam")):
        make_optimizer(None)
    with pytest.raises(ValueError, match=re.escape("adam has no hyperparameter 'momentum'; its hyperparameters "
                                                   "are beta1, beta2, eps")):
        make_optimizer("adam", momentum=0.9)
    with pytest.raises(ValueError, match="already made"):
        make_optimizer(instance, rho=0.9)


def test_repr_and_formula_say_what_it_is():
    assert repr(Adam()) == "Adam(beta1=0.9, beta2=0.999, eps=1e-08)"
    assert repr(SGD()) == "SGD(momentum=0.0, nesterov=False)"
    assert repr(RMSProp(rho=0.5, eps=0)) == "RMSProp(rho=0.5, eps=0.0)"
    assert repr(SGD(momentum=-0.0)) == "SGD(momentum=0.0, nesterov=False)"
    assert SGD().formula == "θ ← θ − η·g"
    assert SGD(momentum=0.9).formula == "v ← μ·v + g;  θ ← θ − η·v"
    assert SGD(momentum=0.9, nesterov=True).formula == "v ← μ·v + g;  θ ← θ − η·(g + μ·v)"
    assert RMSProp.formula == "s ← ρ·s + (1 − ρ)·g²;  θ ← θ − η·g/(√s + ε)"
    assert Adam.formula.endswith("θ ← θ − η·m̂/(√v̂ + ε)")


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(momentum=1.0), "momentum must be a number in [0, 1), got 1.0"),
    (lambda: SGD(momentum=-0.1), "momentum must be a number in [0, 1), got -0.1"),
    (lambda: SGD(momentum=float("nan")), "momentum must be a number in [0, 1), got nan"),
    (lambda: SGD(momentum=True), "momentum must be a number, got True"),
    (lambda: SGD(momentum="0.9"), "momentum must be a number, got '0.9'"),
    (lambda: SGD(momentum=0.9, nesterov=1), "nesterov must be True or False, got 1"),
    (lambda: SGD(nesterov=True), "nesterov needs momentum > 0"),
    (lambda: RMSProp(rho=1), "rho must be a number in [0, 1), got 1"),
    (lambda: RMSProp(eps=-1e-8), "eps must be a finite number ≥ 0, got -1e-08"),
    (lambda: RMSProp(eps=float("inf")), "eps must be a finite number ≥ 0, got inf"),
    (lambda: Adam(beta1=1.0), "beta1 must be a number in [0, 1), got 1.0"),
    (lambda: Adam(beta2=-0.5), "beta2 must be a number in [0, 1), got -0.5"),
    (lambda: Adam(eps=float("nan")), "eps must be a finite number ≥ 0, got nan"),
    (lambda: Adam().bind(0), "n_parameters must be a whole number ≥ 1, got 0"),
    (lambda: SGD().bind(2.5), "n_parameters must be a whole number ≥ 1, got 2.5"),
    (lambda: SGD().bind(True), "n_parameters must be a whole number ≥ 1, got True"),
])
def test_hyperparameters_are_checked_with_messages_that_name_them(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_hyperparameters_cannot_be_changed_behind_the_rule():
    adam = Adam()
    with pytest.raises(AttributeError):
        adam.beta1 = 0.5
    assert (adam.beta1, adam.beta2, adam.eps) == (0.9, 0.999, 1e-8)


# -- sessions ----------------------------------------------------------------------------------------
def through_a_file(record):
    """The record as a session file keeps it: the arrays in an .npz, the rest as JSON."""
    buffer = io.BytesIO()
    np.savez(buffer, **record["state"])
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as npz:
        state = {k: npz[k] for k in npz.files}
    rest = json.loads(json.dumps({k: v for k, v in record.items() if k != "state"}))
    return {**rest, "state": state}


@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_a_saved_optimizer_continues_the_same_trajectory(name, kwargs):
    theta0, gradient_at = fixed_gradients()
    lrs = schedule_like(RATES[name])
    whole = follow(make_optimizer(name, **kwargs), theta0, gradient_at, lrs)
    first = make_optimizer(name, **kwargs)
    part = follow(first, theta0, gradient_at, lrs[:37])
    record = first.to_dict()
    restored = Optimizer.from_dict(through_a_file(record), n_parameters=N)
    assert type(restored) is type(first) and repr(restored) == repr(first)
    assert restored.t == first.t == 37 and restored.n_parameters == N
    assert list(restored.state()) == list(first.state())
    for key, live in first.state().items():
        assert restored.state()[key].tobytes() == live.tobytes()
        assert not np.shares_memory(record["state"][key], live)  # the record is a copy
    rest = follow(restored, part[-1], gradient_at, lrs[37:], start=37)
    assert np.vstack([part, rest]).tobytes() == whole.tobytes()


def test_an_unbound_optimizer_round_trips():
    record = SGD(momentum=0.5).to_dict()
    assert record == {"name": "sgd", "hyperparameters": {"momentum": 0.5, "nesterov": False}, "t": 0,
                      "n_parameters": None, "state": {}}
    restored = SGD.from_dict(record)
    assert repr(restored) == "SGD(momentum=0.5, nesterov=False)" and restored.n_parameters is None


def adam_record(**changes):
    theta0, gradient_at = fixed_gradients()
    adam = Adam()
    follow(adam, theta0, gradient_at, [0.01] * 3)
    record = adam.to_dict()
    for key, value in changes.items():
        if key in ("m", "v"):
            record["state"][key] = value
        elif key in ("beta1", "beta2", "eps"):
            record["hyperparameters"][key] = value
        else:
            record[key] = value
    return record


def without(record, *path):
    *parents, last = path
    inner = record
    for key in parents:
        inner = inner[key]
    del inner[last]
    return record


@pytest.mark.parametrize("record, message", [
    ([], "optimizer: expected a record with name, hyperparameters, t, n_parameters, state, got []"),
    (adam_record(lr=0.1), "optimizer: unknown field 'lr'"),
    (without(adam_record(), "t"), "optimizer: the record lacks t"),
    (adam_record(name="adagrad"), "unknown optimizer 'adagrad'; choose one of sgd, rmsprop, adam"),
    (adam_record(hyperparameters=[0.9]), "optimizer: hyperparameters must be named values"),
    (without(adam_record(), "hyperparameters", "beta2"), "optimizer: adam's hyperparameters lack beta2"),
    (adam_record(hyperparameters={"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum": 0.9}),
     "optimizer: adam has no hyperparameter 'momentum'"),
    (adam_record(beta1=1.0), "beta1 must be a number in [0, 1), got 1.0"),
    (adam_record(t=-1), "optimizer: t must be a whole number ≥ 0, got -1"),
    (adam_record(t=True), "optimizer: t must be a whole number ≥ 0, got True"),
    (adam_record(t=3.0), "optimizer: t must be a whole number ≥ 0, got 3.0"),
    (adam_record(n_parameters="25"), "optimizer: n_parameters must be a whole number ≥ 1, got '25'"),
    (adam_record(state=None), "optimizer: state must be named arrays, got None"),
    (without(adam_record(), "state", "v"), "optimizer: Adam(beta1=0.9, beta2=0.999, eps=1e-08) keeps m, v; "
                                           "the record has m"),
    (adam_record(m=np.zeros(24)), "optimizer: state m has shape (24,); expected (25,)"),
    (adam_record(m=np.zeros((25, 1))), "optimizer: state m has shape (25, 1); expected (25,)"),
    (adam_record(m=np.zeros(25, dtype=int)), "optimizer: state m must be an array of floats"),
    (adam_record(m=[0.0] * 25), "optimizer: state m must be an array of floats"),
    (adam_record(m=np.full(25, np.nan)), "optimizer: state m contains NaN or infinity"),
    (adam_record(v=-np.ones(25)), "optimizer: state v averages squares, so it cannot be negative"),
    (adam_record(n_parameters=None), "optimizer: a record with no n_parameters can have no steps and no state"),
])
def test_a_damaged_record_is_refused_with_a_message_that_names_the_fault(record, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Optimizer.from_dict(record)


def test_a_record_for_another_network_or_optimizer_is_refused():
    record = adam_record()
    with pytest.raises(ValueError, match=re.escape("optimizer: the state is for 25 parameters; the network has 21")):
        Optimizer.from_dict(record, n_parameters=21)
    with pytest.raises(ValueError, match=re.escape("optimizer: expected a sgd record, got 'adam'")):
        SGD.from_dict(record)
    assert isinstance(Adam.from_dict(record, n_parameters=25), Adam)


# -- one parameter's update written out --------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs", CASES, ids=CASE_IDS)
def test_explain_update_writes_out_the_very_numbers_of_step(name, kwargs):
    rng = np.random.default_rng(5)
    optimizer = make_optimizer(name, **kwargs).bind(N)
    theta, out = rng.normal(size=N), np.empty(N)
    for _ in range(4):
        theta -= optimizer.step(rng.normal(size=N), 0.1, out)
    before = {k: v.copy() for k, v in optimizer.state().items()}
    theta_before, grad, lr = theta.copy(), rng.normal(size=N), 0.05
    theta -= optimizer.step(grad, lr, out)
    after, derived = optimizer.state(), optimizer.derived()
    for i in range(N):
        lines = optimizer.explain_update(before, grad[i], lr, i, theta=theta_before[i])
        values = {line.label: line.value for line in lines}
        assert list(values) == [*after, *derived, "Δ", "θ"]
        assert values["Δ"] == out[i] and values["θ"] == theta[i]
        for key, array in (*after.items(), *derived.items()):
            assert values[key] == array[i], key
        for line in lines[:-1]:  # each line is a piece of the optimizer's formula
            assert line.formula.split(" = ")[-1] in optimizer.formula
            assert line.numbers.startswith(f"{line.label} = ")
    layered = {k: v.reshape(5, 5) for k, v in before.items()}  # one layer's views: index (i, j)
    assert optimizer.explain_update(layered, grad[7], lr, (1, 2)) == optimizer.explain_update(before, grad[7], lr, 7)


def test_explain_update_reads_as_the_inspector_writes_it():
    lines = Adam().explain_update({"m": np.array([0.0123]), "v": np.array([0.0004])}, 0.456, 0.001, 0, t=3,
                                  theta=0.5)
    assert [line.numbers for line in lines] == [
        "m = 0.9·0.0123 + 0.1·0.456 = 0.05667",
        "v = 0.999·0.0004 + 0.001·0.456² = 0.0006075",
        "m̂ = 0.05667/(1 − 0.9³) = 0.2091",
        "v̂ = 0.0006075/(1 − 0.999³) = 0.2027",
        "Δ = 0.001·0.2091/(√0.2027 + 1e-08) = 0.0004645",
        "θ = 0.5 − 0.0004645 = 0.4995",
    ]
    lines = SGD(momentum=0.9).explain_update({"v": np.array([-0.2])}, 0.1, 0.5, 0, t=1)
    assert [line.numbers for line in lines] == ["v = 0.9·(-0.2) + 0.1 = -0.08", "Δ = 0.5·(-0.08) = -0.04"]


def test_explain_update_needs_a_step_and_the_state_before_it():
    with pytest.raises(ValueError, match="no step to explain yet"):
        Adam().bind(3).explain_update({"m": np.zeros(3), "v": np.zeros(3)}, 0.1, 0.1, 0)
    with pytest.raises(ValueError, match="the state before the step lacks v"):
        Adam().explain_update({"m": np.zeros(3)}, 0.1, 0.1, 0, t=1)
