"""Tests for nnlib.autograd: every operation's gradient agrees with finite differences, the
chain rule sums over all paths, and the scalar engine agrees with the matrix formulas of
chapter 6 (which also proves the references of its exercises right)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib.autograd import Value, topological_order
from nnlib.exercises import backprop as exercises
from nnlib.gradcheck import numerical_gradient, relative_error
from nnlib.layers import Dense, ReLU
from nnlib.losses import SoftmaxCrossEntropyLoss
from nnlib.network import Sequential

H = 1e-6


def central_difference(f, x):
    """(f(x + h) − f(x − h)) / 2h for a function of plain floats."""
    return (f(x + H) - f(x - H)) / (2 * H)


def gradient_of(f, x):
    """d f / d x by the autograd: f maps a Value to a Value."""
    v = Value(x)
    f(v).backward()
    return v.grad


UNARY = {
    "exp": (lambda v: v.exp(), math.exp),
    "log": (lambda v: v.log(), math.log),
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0)),
    "neg": (lambda v: -v, lambda x: -x),
    "square": (lambda v: v**2, lambda x: x**2),
    "cube": (lambda v: v**3, lambda x: x**3),
    "reciprocal": (lambda v: v**-1, lambda x: 1 / x),
    "square root": (lambda v: v**0.5, math.sqrt),
    "number minus": (lambda v: 3.0 - v, lambda x: 3.0 - x),
    "number over": (lambda v: 2.0 / v, lambda x: 2.0 / x),
    "number times": (lambda v: 2.5 * v, lambda x: 2.5 * x),
    "number plus": (lambda v: 1.5 + v, lambda x: 1.5 + x),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [0.3, 1.7, 4.0])
def test_each_operation_matches_finite_differences(name, x):
    on_values, on_floats = UNARY[name]
    assert on_values(Value(x)).data == pytest.approx(on_floats(x), rel=1e-12)
    assert gradient_of(on_values, x) == pytest.approx(central_difference(on_floats, x), rel=1e-6)


BINARY = {
    "+": (lambda a, b: a + b),
    "−": (lambda a, b: a - b),
    "×": (lambda a, b: a * b),
    "/": (lambda a, b: a / b),
}


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_operations_give_both_partial_derivatives(op):
    f = BINARY[op]
    a, b = Value(1.3), Value(-0.7)
    f(a, b).backward()
    assert a.grad == pytest.approx(central_difference(lambda x: f(x, -0.7), 1.3), rel=1e-6)
    assert b.grad == pytest.approx(central_difference(lambda x: f(1.3, x), -0.7), rel=1e-6)


def test_relu_and_sigmoid_at_the_edges():
    assert gradient_of(lambda v: v.relu(), -2.0) == 0.0
    assert gradient_of(lambda v: v.relu(), 0.0) == 0.0  # the kink: 0, as in nnlib
    assert Value(-1000.0).sigmoid().data == 0.0  # no overflow for large |x|
    assert Value(1000.0).sigmoid().data == 1.0


def neuron_loss(x1, w1, x2, w2, b, y):
    """ℓ = (σ(w1·x1 + w2·x2 + b) − y)², the worked example of chapter 6."""
    return ((w1 * x1 + w2 * x2 + b).sigmoid() - y) ** 2


def test_the_neuron_of_chapter_6_by_hand():
    names = ["x1", "w1", "x2", "w2", "b", "y"]
    values = [Value(v, n) for v, n in zip([1.5, 0.8, -0.5, 1.2, 0.1, 1.0], names)]
    loss = neuron_loss(*values)
    loss.backward()
    x1, w1, x2, w2, b, y = values
    a = 1 / (1 + math.exp(-0.7))
    dz = 2 * (a - 1.0) * a * (1 - a)
    assert loss.data == pytest.approx((a - 1) ** 2)
    assert [w1.grad, w2.grad, b.grad] == pytest.approx([1.5 * dz, -0.5 * dz, dz])
    assert [x1.grad, x2.grad, y.grad] == pytest.approx([0.8 * dz, 1.2 * dz, -2 * (a - 1)])


finite = st.floats(-3, 3, allow_nan=False)


@given(st.lists(finite, min_size=6, max_size=6))
def test_every_gradient_of_the_neuron_matches_finite_differences(numbers):
    values = [Value(v) for v in numbers]
    neuron_loss(*values).backward()
    for i, value in enumerate(values):

        def loss_of(t, i=i):
            shifted = list(numbers)
            shifted[i] = t
            return neuron_loss(*(Value(v) for v in shifted)).data

        expected = central_difference(loss_of, numbers[i])
        assert value.grad == pytest.approx(expected, rel=1e-5, abs=1e-8)


@given(finite, finite)
def test_a_value_used_twice_collects_both_contributions(x, y):
    a, b = Value(x), Value(y)
    (a * a + a * b + a).backward()  # ∂/∂a = 2a + b + 1: three uses, three terms
    assert a.grad == pytest.approx(2 * x + y + 1)
    assert b.grad == pytest.approx(x)


@given(finite, finite)
def test_the_gradient_of_a_sum_is_the_sum_of_the_gradients(x, y):
    def f(v):
        return (v * y).tanh()

    def g(v):
        return (v**2).sigmoid()

    assert gradient_of(lambda v: f(v) + g(v), x) == pytest.approx(
        gradient_of(f, x) + gradient_of(g, x)
    )


def test_backward_twice_gives_the_same_gradients():
    w = Value(2.0)
    loss = (w * 3.0 - 1.0) ** 2
    loss.backward()
    first = w.grad
    loss.backward()
    assert w.grad == first == 2 * 5 * 3


def test_topological_order_lists_each_node_once_inputs_first():
    x = Value(1.0, "x")
    y = x * 2.0
    z = x + y
    out = z * y
    order = topological_order(out)
    assert order[-1] is out
    assert len(order) == len({id(node) for node in order}) == 5  # x, the constant 2, y, z, out
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for inp in node.inputs:
            assert position[id(inp)] < position[id(node)]


def test_a_very_deep_graph_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="single number"):
        Value(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="single number"):
        Value(True)
    with pytest.raises(TypeError, match="already a Value"):
        Value(Value(1.0))
    with pytest.raises(ValueError, match="positive"):
        Value(0.0).log()
    with pytest.raises(TypeError, match="constant exponent"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1
    with pytest.raises(OverflowError, match="log-sum-exp"):
        Value(800.0).exp()
    with pytest.raises(TypeError, match="Expected a Value"):
        topological_order(3.0)


def test_repr_names_the_value():
    w = Value(0.5, "w1")
    assert repr(w) == "Value(w1: data=0.5000, grad=0.0000)"


# -- the matrix formulas of chapter 6 (and its exercise references) ---------------------------


def value_network_loss(X, y, W1, b1, W2, b2):
    """Softmax cross-entropy of a ReLU network, built entry by entry from Values.

    Returns (loss, the Value grids for W1, b1, W2, b2). ℓ_i = log Σ_j e^{z_ij} − z_{i, y_i},
    with each row shifted by its largest logit first (log-sum-exp).
    """
    grids = [np.vectorize(Value, otypes=[object])(p) for p in (W1, b1, W2, b2)]
    VW1, Vb1, VW2, Vb2 = grids
    n = len(X)
    total = Value(0.0)
    for i in range(n):
        hidden = [
            (sum((X[i, a] * VW1[a, j] for a in range(X.shape[1])), Value(0.0)) + Vb1[j]).relu()
            for j in range(W1.shape[1])
        ]
        logits = [
            sum((hidden[j] * VW2[j, c] for j in range(len(hidden))), Value(0.0)) + Vb2[c]
            for c in range(W2.shape[1])
        ]
        top = max(z.data for z in logits)
        log_sum = sum(((z - top).exp() for z in logits), Value(0.0)).log() + top
        total = total + (log_sum - logits[y[i]])
    loss = total * (1 / n)
    loss.backward()
    return loss, [np.vectorize(lambda v: v.grad)(grid) for grid in grids]


def small_network(rng, n=4, d=3, h=5, k=3):
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, size=n)
    params = [rng.normal(size=s) for s in ((d, h), (h,), (h, k), (k,))]
    return X, y, params


def test_autograd_and_the_four_equations_agree(rng):
    X, y, (W1, b1, W2, b2) = small_network(rng)
    loss, autograd_grads = value_network_loss(X, y, W1, b1, W2, b2)
    Y = np.eye(3)[y]
    matrix_grads = exercises.two_layer_backward(X, Y, W1, b1, W2, b2)
    for by_values, by_matrices in zip(autograd_grads, matrix_grads):
        np.testing.assert_allclose(by_values, by_matrices, rtol=1e-9, atol=1e-12)


def test_two_layer_reference_matches_nnlib_and_finite_differences(rng):
    X, y, (W1, b1, W2, b2) = small_network(rng, n=6, d=4, h=3, k=2)
    Y = np.eye(2)[y]
    expected = exercises.two_layer_backward(X, Y, W1, b1, W2, b2)

    dense1, dense2 = Dense(4, 3, dtype=np.float64), Dense(3, 2, dtype=np.float64)
    model = Sequential(dense1, ReLU(), dense2)
    for layer, W, b in ((dense1, W1, b1), (dense2, W2, b2)):
        layer.params["W"][...] = W
        layer.params["b"][...] = b
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    by_nnlib = (dense1.grads["W"], dense1.grads["b"], dense2.grads["W"], dense2.grads["b"])
    for ours, theirs in zip(expected, by_nnlib):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)

    params = [dense1.params["W"], dense1.params["b"], dense2.params["W"], dense2.params["b"]]
    for ours, param in zip(expected, params):
        numerical = numerical_gradient(lambda: loss.forward(model.forward(X), y), param)
        assert relative_error(ours, numerical).max() < 1e-6


def test_dense_backward_reference_matches_finite_differences(rng):
    A_prev, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    R = rng.normal(size=(5, 4))  # 𝓛 = Σ Z ⊙ R, so dZ = R

    def loss():
        return np.sum((A_prev @ W + b) * R)

    dA_prev, dW, db = exercises.dense_backward(R, A_prev, W)
    for analytic, array in ((dA_prev, A_prev), (dW, W), (db, b)):
        assert relative_error(analytic, numerical_gradient(loss, array)).max() < 1e-7


def test_sigmoid_backward_reference_matches_finite_differences(rng):
    Z, dA = rng.normal(size=(4, 3)) * 3, rng.normal(size=(4, 3))
    sigmoid = 1 / (1 + np.exp(-Z))
    numerical = numerical_gradient(lambda: np.sum(1 / (1 + np.exp(-Z)) * dA), Z)
    analytic = exercises.sigmoid_backward(dA, Z)
    np.testing.assert_allclose(analytic, dA * sigmoid * (1 - sigmoid))
    assert relative_error(analytic, numerical).max() < 1e-7
