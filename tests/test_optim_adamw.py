"""Tests for nnlib.optim.AdamW, Adam with decoupled weight decay (chapter 10): it is Adam plus a
separate shrink step θ ← θ − α·λ·θ, it is exactly Adam when λ = 0, and it differs from Adam's
coupled weight decay, which adds λ·θ to the gradient."""

import numpy as np
import pytest

from nnlib import optim
from nnlib.losses import SoftmaxCrossEntropyLoss
from nnlib.network import build_network
from nnlib.training import fit

THETA0 = np.array([1.0, -2.0, 0.5])
GRADIENTS = [np.array([0.5, -1.0, 0.0]), np.array([-0.2, 0.4, 0.0]), np.array([0.3, 0.1, 0.0])]


def _run(optimizer_class, steps=GRADIENTS, **options):
    """θ after one step per gradient in ``steps`` (written into the same gradient array)."""
    value, grad = THETA0.copy(), np.zeros_like(THETA0)
    optimizer = optimizer_class([(value, grad)], **options)
    for g in steps:
        grad[...] = g
        optimizer.step()
    return value


def test_first_step_by_hand():
    lr, lam = 0.1, 0.5
    after = _run(optim.AdamW, steps=GRADIENTS[:1], lr=lr, weight_decay=lam)
    # shrink: θ·(1 − α·λ) = θ·0.95; then Adam's first step moves each entry by α against
    # the sign of its gradient (m̂ = g, √v̂ = |g|; ε = 1e-8 aside), and not at all where g = 0.
    expected = THETA0 * (1 - lr * lam) - lr * np.sign(GRADIENTS[0])
    np.testing.assert_allclose(after, expected, rtol=1e-7)
    np.testing.assert_allclose(after, [0.85, -1.8, 0.475], rtol=1e-7)


def test_equals_adam_plus_a_separate_shrink_step():
    lr, lam = 0.01, 0.3
    value, grad = THETA0.copy(), np.zeros_like(THETA0)
    adam = optim.Adam([(value, grad)], lr=lr)  # Adam without any weight decay
    for g in GRADIENTS:
        value *= 1 - lr * lam  # the decoupled decay, by hand
        grad[...] = g
        adam.step()
    np.testing.assert_allclose(_run(optim.AdamW, lr=lr, weight_decay=lam), value, rtol=1e-13)


def test_with_zero_weight_decay_it_is_adam():
    np.testing.assert_array_equal(
        _run(optim.AdamW, lr=0.01, weight_decay=0.0), _run(optim.Adam, lr=0.01)
    )


def test_a_parameter_without_gradient_shrinks_geometrically():
    """Where g = 0, AdamW multiplies θ by 1 − α·λ per step. Coupled L2 in Adam instead moves
    θ by nearly α per step, the same for every λ: its gradient λ·θ is divided by its own root
    mean square, so λ cancels."""
    lr, lam, steps = 0.01, 0.1, 50
    zero = [np.zeros_like(THETA0)] * steps
    decoupled = _run(optim.AdamW, steps=zero, lr=lr, weight_decay=lam)
    np.testing.assert_allclose(decoupled, THETA0 * (1 - lr * lam) ** steps, rtol=1e-12)
    weak, strong = (_run(optim.Adam, steps=zero, lr=lr, weight_decay=c) for c in (1e-3, 1e-1))
    np.testing.assert_allclose(weak, strong, rtol=1e-3)  # ε aside
    moved = np.abs(THETA0) - np.abs(strong)
    assert np.all((0.8 * lr * steps < moved) & (moved <= lr * steps)), moved


def test_differs_from_coupled_weight_decay():
    decoupled = _run(optim.AdamW, lr=0.01, weight_decay=0.3)
    coupled = _run(optim.Adam, lr=0.01, weight_decay=0.3)
    assert not np.allclose(decoupled, coupled, rtol=1e-6)


def test_follows_the_learning_rate_schedule_and_keeps_float32():
    network = build_network([4, 8, 3], ["relu", "linear"], rng=0)
    optimizer = optim.AdamW(network.parameters(), lr=0.01, weight_decay=0.5)
    assert network.theta.dtype == np.float32
    X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    y = np.arange(30) % 3
    history = fit(
        network,
        X,
        y,
        SoftmaxCrossEntropyLoss(),
        optimizer,
        epochs=3,
        batch_size=10,
        rng=0,
        lr_schedule=optim.step_decay(0.01, factor=0.5, every=1),
    )
    assert history["lr"] == pytest.approx([0.01, 0.005, 0.0025])
    assert network.theta.dtype == np.float32 and np.isfinite(network.theta).all()
    assert optimizer.steps == 9


def test_default_decay_and_repr():
    value, grad = THETA0.copy(), np.zeros_like(THETA0)
    optimizer = optim.AdamW([(value, grad)])
    assert optimizer.weight_decay == 0.01 and optimizer.lr == 0.001
    assert repr(optimizer) == "AdamW(lr=0.001, weight_decay=0.01)"


def test_refuses_a_negative_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        optim.AdamW([(THETA0.copy(), np.zeros(3))], weight_decay=-0.1)
