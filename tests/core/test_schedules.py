"""Learning-rate schedules: hand-computed rates, torch.optim.lr_scheduler's when torch is installed,
checked hyperparameters, and records that round-trip."""
import json
import math
import re

import pytest

from nnplayground.core import SCHEDULES, Constant, Cosine, Exponential, Schedule, StepDecay, make_schedule


def test_constant_is_the_base_rate():
    assert [Constant().rate(0.3, e) for e in (0, 1, 1000)] == [0.3, 0.3, 0.3]


def test_step_decay_multiplies_by_gamma_every_step_size_epochs():
    # 0.8·0.5^⌊e/3⌋: powers of two, so every value is exact
    assert [StepDecay(3, 0.5).rate(0.8, e) for e in range(8)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]
    assert StepDecay(1, 0.5).rate(1.0, 10) == 1 / 1024


def test_exponential_multiplies_by_gamma_every_epoch():
    assert [Exponential(0.5).rate(3.0, e) for e in range(5)] == [3.0, 1.5, 0.75, 0.375, 0.1875]
    assert Exponential(0.9).rate(2.0, 2) == pytest.approx(1.62, rel=1e-15)
    assert Exponential(1.0).rate(2.0, 10**6) == 2.0


def test_cosine_falls_from_the_base_to_eta_min_then_stays():
    cosine = Cosine(total=4, eta_min=0.1)
    half = math.sqrt(2) / 2  # cos(π/4)
    expected = [1.1, 0.1 + (1 + half) / 2, 0.6, 0.1 + (1 - half) / 2, 0.1, 0.1, 0.1]
    assert [cosine.rate(1.1, e) for e in range(7)] == pytest.approx(expected, rel=1e-15, abs=1e-15)
    assert Cosine(total=10).rate(2.0, 10) == 0.0 and Cosine(total=10).rate(2.0, 25) == 0.0
    assert Cosine(total=10).rate(2.0, 5) == pytest.approx(1.0, rel=1e-15)


def test_formulas_name_their_symbols():
    assert Constant.formula == "η = η₀"
    assert StepDecay.formula == "η = η₀·γ^⌊e/s⌋"
    assert Exponential.formula == "η = η₀·γᵉ"
    assert Cosine.formula == "η = η_min + (η₀ − η_min)·(1 + cos(π·min(e, T)/T))/2"


def test_the_table_and_make_schedule():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine"]
    assert all(cls.name == name for name, cls in SCHEDULES.items())
    assert make_schedule("constant") == Constant()
    assert make_schedule("step", step_size=10, gamma=0.5) == StepDecay(10, 0.5)
    assert make_schedule("cosine", total=50) == Cosine(50, 0.0)
    schedule = Exponential(0.9)
    assert make_schedule(schedule) is schedule
    assert repr(StepDecay(10, 0.5)) == "StepDecay(step_size=10, gamma=0.5)"
    assert repr(Cosine(50)) == "Cosine(total=50, eta_min=0.0)"


@pytest.mark.parametrize("make, message", [
    (lambda: make_schedule("linear"), "unknown schedule 'linear'; choose one of constant, step, exponential, cosine"),
    (lambda: make_schedule(3), "unknown schedule 3; choose one of"),
    (lambda: make_schedule("step", step_size=10), "the step schedule needs gamma"),
    (lambda: make_schedule("cosine"), "the cosine schedule needs total"),
    (lambda: make_schedule("exponential", gamma=0.5, total=3), "the exponential schedule has no hyperparameter "
                                                               "'total'; its hyperparameters are gamma"),
    (lambda: make_schedule("constant", gamma=0.5), "the constant schedule has no hyperparameter 'gamma'; it has none"),
    (lambda: make_schedule(Constant(), gamma=0.5), "already made"),
    (lambda: StepDecay(0, 0.5), "step_size must be a whole number ≥ 1 (epochs between decays), got 0"),
    (lambda: StepDecay(2.0, 0.5), "step_size must be a whole number ≥ 1 (epochs between decays), got 2.0"),
    (lambda: StepDecay(True, 0.5), "step_size must be a whole number ≥ 1 (epochs between decays), got True"),
    (lambda: StepDecay(5, 0), "gamma must be a number in (0, 1] (the factor the rate is multiplied by), got 0"),
    (lambda: Exponential(1.5), "gamma must be a number in (0, 1]"),
    (lambda: Exponential(float("nan")), "gamma must be a number in (0, 1]"),
    (lambda: Exponential("0.9"), "gamma must be a number in (0, 1]"),
    (lambda: Cosine(0), "total must be a whole number ≥ 1 (epochs from η₀ down to η_min), got 0"),
    (lambda: Cosine(10, eta_min=-0.1), "eta_min must be a finite number ≥ 0 (the rate at the end), got -0.1"),
    (lambda: Cosine(10, eta_min=float("inf")), "eta_min must be a finite number ≥ 0"),
    (lambda: Constant().rate(1.0, -1), "epoch must be a whole number ≥ 0 (epochs completed), got -1"),
    (lambda: StepDecay(2, 0.5).rate(1.0, 1.5), "epoch must be a whole number ≥ 0 (epochs completed), got 1.5"),
    (lambda: Exponential(0.5).rate(1.0, True), "epoch must be a whole number ≥ 0"),
    (lambda: Cosine(4).rate(1.0, -2), "epoch must be a whole number ≥ 0"),
])
def test_bad_hyperparameters_are_refused_with_messages_that_name_them(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


@pytest.mark.parametrize("schedule", [Constant(), StepDecay(7, 0.25), Exponential(0.99), Cosine(30, 1e-4)], ids=repr)
def test_a_record_round_trips_through_json(schedule):
    record = json.loads(json.dumps(schedule.to_dict()))
    again = Schedule.from_dict(record)
    assert again == schedule and type(again) is type(schedule)
    assert [again.rate(0.5, e) for e in range(40)] == [schedule.rate(0.5, e) for e in range(40)]
    assert type(schedule).from_dict(record) == schedule


@pytest.mark.parametrize("record, message", [
    ([], "schedule: expected a record with name and hyperparameters"),
    ({"name": "step"}, "schedule: expected a record with name and hyperparameters"),
    ({"name": "step", "hyperparameters": {}, "epoch": 3}, "schedule: expected a record with name and hyperparameters"),
    ({"name": "warmup", "hyperparameters": {}}, "unknown schedule 'warmup'"),
    ({"name": "cosine", "hyperparameters": [30]}, "schedule: hyperparameters must be named values"),
    ({"name": "cosine", "hyperparameters": {"total": 30}}, "schedule: cosine's hyperparameters lack eta_min"),
    ({"name": "step", "hyperparameters": {"step_size": 3, "gamma": 2}}, "gamma must be a number in (0, 1]"),
    ({"name": "exponential", "hyperparameters": {"gamma": 0.5, "x": 1}}, "has no hyperparameter 'x'"),
])
def test_a_damaged_record_is_refused(record, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Schedule.from_dict(record)


def test_a_record_of_another_schedule_is_refused_by_a_class():
    with pytest.raises(ValueError, match=re.escape("schedule: expected a cosine record, got 'step'")):
        Cosine.from_dict(StepDecay(3, 0.5).to_dict())


@pytest.mark.parametrize("schedule, make_torch", [
    (StepDecay(3, 0.5), lambda torch, opt: torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)),
    (StepDecay(4, 0.3), lambda torch, opt: torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.3)),
    (Exponential(0.9), lambda torch, opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)),
    (Cosine(20, 0.01), lambda torch, opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20, eta_min=0.01)),
], ids=repr)
def test_rates_equal_torchs_schedulers(schedule, make_torch):
    """PyTorch's rate after e calls of scheduler.step(), epoch by epoch up to T (its cosine climbs again
    past T_max; this one stays at η_min)."""
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.7)
    scheduler = make_torch(torch, opt)
    theirs = []
    for _ in range(21):
        theirs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    assert [schedule.rate(0.7, e) for e in range(21)] == pytest.approx(theirs, rel=1e-12, abs=1e-15)
