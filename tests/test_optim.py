"""Tests for nnlib.optim: two steps of every optimizer against the textbook formulas, in-place
updates, argument checks, and the guard that keeps running averages out of the subnormal range."""

import numpy as np
import pytest

from nnlib import optim
from nnlib.losses import SoftmaxCrossEntropyLoss
from nnlib.network import build_network

THETA0 = np.array([1.0, -2.0])
G1 = np.array([0.5, -1.0])
G2 = np.array([-0.2, 0.4])


def _two_steps(optimizer_class, **options):
    """Run two steps with the gradient set to G1, then G2 (written into the same array)."""
    value, grad = THETA0.copy(), np.zeros(2)
    optimizer = optimizer_class([(value, grad)], **options)
    grad[...] = G1
    optimizer.step()
    after_one = value.copy()
    grad[...] = G2
    optimizer.step()
    return after_one, value


def test_sgd_two_steps_by_hand():
    after_one, after_two = _two_steps(optim.SGD, lr=0.1)
    # θ1 = θ0 − 0.1·g1 = (1 − 0.05, −2 + 0.1); θ2 = θ1 − 0.1·g2 = (0.95 + 0.02, −1.9 − 0.04)
    np.testing.assert_allclose(after_one, [0.95, -1.9], rtol=1e-15)
    np.testing.assert_allclose(after_two, [0.97, -1.94], rtol=1e-15)


def test_sgd_momentum_two_steps_by_hand():
    after_one, after_two = _two_steps(optim.SGD, lr=0.1, momentum=0.9)
    # v1 = g1 = (0.5, −1);            θ1 = θ0 − 0.1·v1 = (0.95, −1.9)
    # v2 = 0.9·v1 + g2 = (0.25, −0.5); θ2 = θ1 − 0.1·v2 = (0.925, −1.85)
    np.testing.assert_allclose(after_one, [0.95, -1.9], rtol=1e-15)
    np.testing.assert_allclose(after_two, [0.925, -1.85], rtol=1e-15)


def test_rmsprop_two_steps_by_hand():
    lr, rho, eps = 0.01, 0.9, 1e-8
    after_one, after_two = _two_steps(optim.RMSProp, lr=lr, rho=rho, eps=eps)
    # s ← ρ·s + (1 − ρ)·g²;  θ ← θ − α·g / (√s + ε)
    s1 = (1 - rho) * G1**2
    theta1 = THETA0 - lr * G1 / (np.sqrt(s1) + eps)
    s2 = rho * s1 + (1 - rho) * G2**2
    theta2 = theta1 - lr * G2 / (np.sqrt(s2) + eps)
    np.testing.assert_allclose(after_one, theta1, rtol=1e-13)
    np.testing.assert_allclose(after_two, theta2, rtol=1e-13)
    # first step by hand: √s1 = √0.1·|g1|, so every entry moves by α/√0.1 against its gradient
    np.testing.assert_allclose(after_one, THETA0 - 0.01 / np.sqrt(0.1) * np.sign(G1), rtol=1e-7)


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    after_one, after_two = _two_steps(optim.Adam, lr=lr, beta1=b1, beta2=b2, eps=eps)
    # The textbook form (Kingma & Ba), t counting from 1:
    #   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
    #   m̂ = m / (1 − β1^t);     v̂ = v / (1 − β2^t)
    #   θ ← θ − α·m̂ / (√v̂ + ε)
    theta, m, v = THETA0.copy(), np.zeros(2), np.zeros(2)
    expected = []
    for t, g in ((1, G1), (2, G2)):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        expected.append(theta)
    np.testing.assert_allclose(after_one, expected[0], rtol=1e-13)
    np.testing.assert_allclose(after_two, expected[1], rtol=1e-13)
    # The first Adam step has size α in every coordinate: m̂ = g and √v̂ = |g|.
    np.testing.assert_allclose(after_one, THETA0 - lr * np.sign(G1), rtol=1e-7)


def test_adam_float32_stays_float32():
    value, grad = np.ones(3, dtype=np.float32), np.full(3, 0.5, dtype=np.float32)
    optimizer = optim.Adam([(value, grad)], lr=0.1)
    optimizer.step()
    assert value.dtype == np.float32
    np.testing.assert_allclose(value, 0.9, rtol=1e-6)
    assert all(array.dtype == np.float32 for array in optimizer.state[0].values())


@pytest.mark.parametrize(
    "optimizer_class, options",
    [(optim.SGD, {}), (optim.SGD, {"momentum": 0.9}), (optim.RMSProp, {}), (optim.Adam, {})],
    ids=["SGD", "momentum", "RMSProp", "Adam"],
)
def test_weight_decay_adds_lambda_theta_to_the_gradient(optimizer_class, options):
    decay = 0.1
    with_decay_value, grad = THETA0.copy(), G1.copy()
    optimizer_class([(with_decay_value, grad)], lr=0.05, weight_decay=decay, **options).step()
    np.testing.assert_array_equal(grad, G1)  # the stored gradient is left alone
    # the same step without weight decay, given the gradient g + λθ
    reference_value = THETA0.copy()
    optimizer_class([(reference_value, G1 + decay * THETA0)], lr=0.05, **options).step()
    np.testing.assert_allclose(with_decay_value, reference_value, rtol=1e-15)


def test_sgd_weight_decay_by_hand():
    value, grad = np.array([2.0]), np.array([0.0])
    optim.SGD([(value, grad)], lr=0.5, weight_decay=0.1).step()
    assert value[0] == pytest.approx(2.0 - 0.5 * 0.1 * 2.0)  # only the pull towards 0


@pytest.mark.parametrize("optimizer_class", [optim.SGD, optim.RMSProp, optim.Adam])
def test_updates_are_in_place(optimizer_class):
    model = build_network([3, 4, 2], ["relu", "linear"], rng=0)
    theta, weights = model.theta, model.layers[0].params["W"]
    before = theta.copy()
    model.grad[...] = 1.0
    optimizer = optimizer_class(model.parameters(), lr=0.1)
    optimizer.step()
    assert model.theta is theta and model.parameters()[0][0] is theta
    assert optimizer.params[0][0] is theta
    assert np.all(theta < before)
    assert np.shares_memory(model.layers[0].params["W"], theta)
    np.testing.assert_array_equal(weights, theta[:12].reshape(3, 4))


def test_take_step_writes_value_minus_step_into_value():
    value = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    step = np.array([0.5, -1.0, 3.0], dtype=np.float32)
    same_array = value
    optim._take_step(value, step)
    assert value is same_array and value.dtype == np.float32
    np.testing.assert_array_equal(value, [0.5, 3.0, 0.0])


def test_step_counter_and_reprs():
    optimizer = optim.Adam([(np.zeros(1), np.zeros(1))], lr=0.5)
    optimizer.step()
    optimizer.step()
    assert optimizer.steps == 2
    assert repr(optimizer) == "Adam(lr=0.5)"
    assert repr(optim.SGD([], lr=0.1, momentum=0.9)) == "SGD(lr=0.1, momentum=0.9)"


# -- argument checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer_class", [optim.SGD, optim.RMSProp, optim.Adam])
@pytest.mark.parametrize("lr", [0, -0.1, float("nan")])
def test_bad_learning_rate(optimizer_class, lr):
    with pytest.raises(ValueError, match="learning rate must be positive"):
        optimizer_class([(np.zeros(2), np.zeros(2))], lr=lr)


@pytest.mark.parametrize("momentum", [-0.5, 1.0, 2.0])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        optim.SGD([(np.zeros(2), np.zeros(2))], lr=0.1, momentum=momentum)


def test_negative_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        optim.Adam([(np.zeros(2), np.zeros(2))], weight_decay=-1e-4)


@pytest.mark.parametrize(
    "params",
    [
        [np.zeros(2)],
        [(np.zeros(2),)],
        [(np.zeros(2), np.zeros(2), np.zeros(2))],
        [[np.zeros(2), np.zeros(2)]],
    ],
    ids=["bare array", "1-tuple", "3-tuple", "list pair"],
)
def test_params_must_be_value_gradient_pairs(params):
    with pytest.raises(TypeError, match=r"model.parameters\(\)"):
        optim.SGD(params, lr=0.1)


def test_base_optimizer_has_no_update_rule():
    optimizer = optim.Optimizer([(np.zeros(1), np.zeros(1))], lr=0.1)
    with pytest.raises(NotImplementedError):
        optimizer.step()


# -- the subnormal guard ---------------------------------------------------------------------------


def test_flush_sets_tiny_moments_to_zero_every_flush_period():
    value, grad = np.zeros(2, dtype=np.float32), np.array([1e-21, 1.0], dtype=np.float32)
    optimizer = optim.SGD([(value, grad)], lr=0.1, momentum=0.9)
    optimizer.step()
    grad[...] = 0
    velocity = optimizer.state[0]["v"]
    period = optimizer.flush_every
    assert period == optim._flush_period(0.9) == 195
    while optimizer.steps < period - 1:
        optimizer.step()
    assert velocity[0] != 0  # 1e-21 · 0.9^193, not yet swept
    optimizer.step()
    assert optimizer.steps == period
    assert velocity[0] == 0.0  # swept: below FLUSH_BELOW
    assert velocity[1] == pytest.approx(0.9 ** (period - 1), rel=1e-4)  # kept


@pytest.mark.parametrize("decay", [0.2, 0.5, 0.9, 0.99, 0.999])
def test_flush_period_leaves_no_time_to_reach_the_subnormal_range(decay):
    # An entry just above FLUSH_BELOW survives a sweep; by the next one it must still be normal,
    # with room to spare (the period is half the steps it would need).
    period = optim._flush_period(decay)
    assert period >= 1
    assert optim.FLUSH_BELOW * decay ** (2 * period) >= np.finfo(np.float32).tiny


def _subnormal(array):
    return bool(np.any((array != 0) & (np.abs(array) < np.finfo(array.dtype).tiny)))


def _state_arrays(optimizer):
    return [array for state in optimizer.state for array in state.values()]


DEAD_UNITS = 4
STEPS_AFTER_DEATH = 1200


def _train_with_dead_units(make_optimizer):
    """Train a 4-8-3 ReLU network in float32 for a few steps with every unit alive, then kill four
    hidden units (bias −1000: their ReLU outputs 0 for every sample, so every gradient that
    reaches their weights is exactly 0 from then on) and train on. Returns the optimizer, the
    running-average arrays at the moment of death, and whether a subnormal number appeared in
    any state array after any step."""
    generator = np.random.default_rng(0)
    X = generator.normal(size=(32, 4)).astype(np.float32)
    y = generator.integers(0, 3, size=32)
    model = build_network([4, 8, 3], ["relu", "linear"], rng=0)
    optimizer = make_optimizer(model.parameters())
    loss = SoftmaxCrossEntropyLoss()

    def step():
        loss.forward(model.forward(X), y)
        model.backward(loss.backward())
        optimizer.step()

    for _ in range(10):
        step()
    model.layers[0].params["b"][:DEAD_UNITS] = -1000.0
    at_death = {name: optimizer.state[0][name].copy() for name in optimizer.moments}
    seen_subnormal = False
    for _ in range(STEPS_AFTER_DEATH):
        step()
        seen_subnormal = seen_subnormal or any(_subnormal(a) for a in _state_arrays(optimizer))
    hidden = np.maximum(X @ model.layers[0].params["W"] + model.layers[0].params["b"], 0)
    assert np.all(hidden[:, :DEAD_UNITS] == 0) and np.all(hidden[:, DEAD_UNITS:].any(axis=0))
    return optimizer, at_death, seen_subnormal


def _dead_entries(n_in=4, n_hidden=8, n_out=3):
    """Indices into θ of the dead units' parameters: their columns of W1, their biases b1 and
    their rows of W2."""
    W1 = np.arange(n_in * n_hidden).reshape(n_in, n_hidden)[:, :DEAD_UNITS].ravel()
    b1 = n_in * n_hidden + np.arange(DEAD_UNITS)
    start_W2 = n_in * n_hidden + n_hidden
    W2 = start_W2 + np.arange(n_hidden * n_out).reshape(n_hidden, n_out)[:DEAD_UNITS].ravel()
    return np.concatenate([W1, b1, W2])


OPTIMIZERS = {
    "Adam": lambda params: optim.Adam(params, lr=0.01),
    "SGD momentum": lambda params: optim.SGD(params, lr=0.1, momentum=0.9),
    # a fast decay: moments pass from 1e-20 to subnormal in 25 steps, so sweeps come sooner
    "SGD momentum 0.2": lambda params: optim.SGD(params, lr=0.1, momentum=0.2),
    "RMSProp": lambda params: optim.RMSProp(params, lr=0.001, rho=0.9),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_no_subnormal_state_with_dead_relu_units(name):
    optimizer, at_death, seen_subnormal = _train_with_dead_units(OPTIMIZERS[name])
    dead = _dead_entries()
    decay = {"M": 0.9, "V": 0.999, "v": 0.9, "s": 0.9}  # β1, β2, momentum, ρ
    for moment, values in at_death.items():
        if decay[moment] == 0.9:
            # These averages were non-zero when the units died and then only shrank by 0.9 a
            # step: without the guard they would now lie far below float32's smallest normal
            # number (they would have passed through the subnormal range on the way).
            assert np.all(values[dead] != 0), moment
            assert np.abs(values[dead]).max() * 0.9**STEPS_AFTER_DEATH < np.finfo(np.float32).tiny
            assert np.all(optimizer.state[0][moment][dead] == 0), moment  # flushed to exactly 0
    assert not seen_subnormal
    for array in _state_arrays(optimizer):
        assert array.dtype == np.float32
        assert not _subnormal(array)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_without_the_guard_the_same_training_goes_subnormal(name, monkeypatch):
    # The control experiment: it shows the test above would fail if the guard did nothing.
    monkeypatch.setattr(optim, "_flush_tiny", lambda state: None)
    _, _, seen_subnormal = _train_with_dead_units(OPTIMIZERS[name])
    assert seen_subnormal


# -- the textbook Adam and the learning-rate schedules ------------------------------------------


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_adam_agrees_with_the_textbook_form_to_float32_precision(weight_decay):
    generator = np.random.default_rng(0)
    start = generator.normal(size=50).astype(np.float32)
    values = [start.copy(), start.copy()]
    grads = [np.zeros_like(start), np.zeros_like(start)]
    fast = optim.Adam([(values[0], grads[0])], lr=0.01, weight_decay=weight_decay)
    textbook = optim.TextbookAdam([(values[1], grads[1])], lr=0.01, weight_decay=weight_decay)
    for _ in range(300):
        g = generator.normal(size=50).astype(np.float32) * np.float32(0.1) + values[0]
        grads[0][...] = g
        grads[1][...] = g
        fast.step()
        textbook.step()
    assert values[1].dtype == np.float32
    np.testing.assert_allclose(values[0], values[1], rtol=2e-5, atol=2e-6)
    assert not np.allclose(values[0], start, atol=1e-2)  # they really moved


def test_textbook_adam_first_step_is_lr_times_the_sign_of_the_gradient():
    """With m̂ = g and v̂ = g² after one step, the step is α·g/|g| (ε aside)."""
    value = np.array([1.0, -2.0, 3.0])
    grad = np.array([0.5, -4.0, 1e-3])
    optim.TextbookAdam([(value, grad)], lr=0.1, eps=0.0).step()
    np.testing.assert_allclose(value, [0.9, -1.9, 2.9])


def test_step_decay_and_cosine_decay():
    step = optim.step_decay(1.0, factor=0.1, every=3)
    assert [step(e) for e in range(1, 8)] == pytest.approx([1, 1, 1, 0.1, 0.1, 0.1, 0.01])
    cosine = optim.cosine_decay(1.0, epochs=5, lr_min=0.1)
    values = [cosine(e) for e in range(1, 7)]
    assert values[0] == pytest.approx(1.0) and values[4] == pytest.approx(0.1)
    assert values[2] == pytest.approx(0.55)  # halfway: the mean of the two
    assert values[5] == pytest.approx(0.1)  # after the last epoch it stays at lr_min
    assert all(a >= b for a, b in zip(values, values[1:]))


@pytest.mark.parametrize(
    "make",
    [
        lambda: optim.step_decay(0.1, factor=1.5),
        lambda: optim.step_decay(-0.1),
        lambda: optim.cosine_decay(0.1, epochs=0),
        lambda: optim.cosine_decay(0.1, epochs=5, lr_min=0.2),
    ],
)
def test_schedules_refuse_nonsense(make):
    with pytest.raises(ValueError, match="needs"):
        make()
