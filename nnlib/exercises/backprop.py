"""Checkers for chapter 6, Backpropagation.

The three exercises return several gradients at once. A learner's answer is often right in some
of them and wrong in one, so each known mistake is recognised part by part: it is named when one
of the results it gets wrong is exactly what the learner returned.
"""

import numpy as np

from nnlib import activations as act
from nnlib.exercises.engine import (
    NEW_LINE,
    Case,
    Exercise,
    Mistake,
    describe,
    make_check,
    mistake_in_parts,
)
from nnlib.layers import Activation, Dense
from nnlib.network import Sequential

_rng = np.random.default_rng(6)


def _round(shape, scale=1.0, step=0.25):
    """Random multiples of ``step`` (a power of two, so sums and products are exact and a
    failing case prints as short, exact numbers)."""
    return np.round(scale * _rng.normal(size=shape) / step) * step


# -- the backward pass of a dense layer ------------------------------------------------------


def dense_backward(dZ, A_prev, W):
    """Reference: the gradients of one dense layer Z = A_prev @ W + b.

    dZ: (n, n_out) = ∂𝓛/∂Z (already holding the batch's 1/n); A_prev: (n, n_in);
    W: (n_in, n_out). Returns dA_prev: (n, n_in), dW: (n_in, n_out), db: (n_out,).
    """
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def _dense_case(dZ, A_prev, W):
    dZ, A_prev, W = (np.array(a, dtype=np.float64) for a in (dZ, A_prev, W))
    return Case((dZ, A_prev, W), describe(dZ=dZ, A_prev=A_prev, W=W))


def _dense_random(n, n_in, n_out):
    return _dense_case(_round((n, n_out), 0.3, 0.125), _round((n, n_in)), _round((n_in, n_out)))


_DENSE_CASES = [
    # square and not symmetric: a missing or extra transpose gives wrong numbers, not an error
    _dense_case(
        [[0.125, -0.25, 0.375], [0.0, 0.5, -0.125], [-0.25, 0.125, 0.25]],
        [[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0], [2.0, -1.0, 1.0]],
        [[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-2.0, 1.0, 0.25]],
    ),
    _dense_random(4, 3, 2),
    _dense_random(1, 2, 3),
    _dense_random(5, 2, 4),
]

_dense = dense_backward

DENSE_BACKWARD = Exercise(
    id="dense_backward",
    title="the backward pass of a dense layer",
    reference=dense_backward,
    cases=_DENSE_CASES,
    result_names=("dA_prev", "dW", "db"),
    solved_by=(Dense.backward,),
    mistakes=[
        mistake_in_parts(
            "dA_prev needs W transposed: dZ is (n, n_out) and W is (n_in, n_out), so "
            "dA_prev = dZ @ W.T is (n, n_in), one gradient per input of the layer.",
            _dense,
            lambda dZ, A_prev, W: (dZ @ W, A_prev.T @ dZ, dZ.sum(axis=0)),
        ),
        mistake_in_parts(
            "dW must have the shape of W, (n_in, n_out): dW = A_prev.T @ dZ. You computed "
            "dZ.T @ A_prev, its transpose.",
            _dense,
            lambda dZ, A_prev, W: (dZ @ W.T, dZ.T @ A_prev, dZ.sum(axis=0)),
        ),
        mistake_in_parts(
            "Don't divide by n again: dZ already carries the 1/n of the batch mean (it came "
            "from the loss), so the sums over the batch in A_prev.T @ dZ and dZ.sum(axis=0) "
            "are already averages.",
            _dense,
            lambda dZ, A_prev, W: (dZ @ W.T, A_prev.T @ dZ / len(dZ), dZ.mean(axis=0)),
        ),
        mistake_in_parts(
            "db has one entry per neuron, shape (n_out,): add up the rows of dZ (one per "
            "sample) with dZ.sum(axis=0), not along axis=1.",
            _dense,
            lambda dZ, A_prev, W: (dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=1)),
        ),
        mistake_in_parts(
            "db must have the shape of b, (n_out,): each sample's row of dZ adds to the bias "
            "gradient, so sum them, db = dZ.sum(axis=0).",
            _dense,
            lambda dZ, A_prev, W: (dZ @ W.T, A_prev.T @ dZ, dZ),
        ),
        mistake_in_parts(
            "db must have the shape of b, (n_out,), without an extra axis: drop keepdims=True.",
            _dense,
            lambda dZ, A_prev, W: (dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True)),
        ),
        mistake_in_parts(
            "Return the three gradients in the order (dA_prev, dW, db).",
            _dense,
            lambda dZ, A_prev, W: (A_prev.T @ dZ, dZ.sum(axis=0), dZ @ W.T),
        ),
    ],
    default_hint=(
        "Give each gradient the shape of what it belongs to: dA_prev like A_prev (n, n_in), "
        "dW like W (n_in, n_out), db like b (n_out,). Each is one product or sum with dZ: "
        "dZ @ W.T, A_prev.T @ dZ and dZ summed over the batch."
    ),
)

check_dense_backward = make_check(DENSE_BACKWARD)


# -- the backward pass of the sigmoid --------------------------------------------------------


def sigmoid_backward(dA, Z):
    """Reference: dZ = dA ⊙ σ′(Z) with σ′(z) = σ(z)(1 − σ(z)). dA, Z, dZ: (n, d)."""
    s = act.sigmoid(Z)
    return dA * s * (1 - s)


def _sigmoid_case(dA, Z):
    dA, Z = np.array(dA, dtype=np.float64), np.array(Z, dtype=np.float64)
    return Case((dA, Z), describe(dA=dA, Z=Z))


def _sigmoid_prime(z):
    s = act.sigmoid(z)
    return s * (1 - s)


SIGMOID_BACKWARD = Exercise(
    id="sigmoid_backward",
    title="the backward pass of the sigmoid",
    reference=sigmoid_backward,
    solved_by=(act.sigmoid_derivative, Activation.backward),
    cases=[
        _sigmoid_case([[0.5, -1.0, 2.0]], [[0.0, 1.0, -2.0]]),
        # square: a matrix product instead of ⊙ gives wrong numbers, not an error
        _sigmoid_case([[1.0, -0.5], [0.25, 2.0]], [[0.5, -1.5], [3.0, -0.2]]),
        _sigmoid_case(_round((4, 3), 0.5), _round((4, 3), 2.0, 0.5)),
        _sigmoid_case([[1.0, 1.0], [-2.0, 0.5]], [[-8.0, 8.0], [0.1, -0.1]]),
    ],
    mistakes=[
        Mistake(
            "You returned σ′(Z) alone. The chain rule multiplies it by the gradient that "
            "arrives from above: dZ = dA * σ′(Z).",
            wrong=lambda dA, Z: _sigmoid_prime(Z),
        ),
        Mistake(
            "σ′(z) = σ(z)(1 − σ(z)) is written with the sigmoid of z, not z itself: compute "
            "s = sigmoid(Z) first, then dA * s * (1 − s).",
            wrong=lambda dA, Z: dA * Z * (1 - Z),
        ),
        Mistake(
            "You took the derivative at A = σ(Z) instead of at Z: σ′(Z) = σ(Z)(1 − σ(Z)) "
            "applies the sigmoid once, to the pre-activation Z.",
            wrong=lambda dA, Z: dA * _sigmoid_prime(act.sigmoid(Z)),
        ),
        Mistake(
            "The factor (1 − σ(z)) is missing: σ′(z) = σ(z)(1 − σ(z)).",
            wrong=lambda dA, Z: dA * act.sigmoid(Z),
        ),
        Mistake(
            "⊙ is an element-wise product: use *, not @ or np.dot. Each entry of dZ depends "
            "only on the same entry of dA and of Z.",
            wrong=lambda dA, Z: dA @ _sigmoid_prime(Z),
        ),
        Mistake(
            "dZ has the shape of Z, (n, d): an activation's backward pass adds nothing up. "
            "The sums over the batch come later, in dW and db.",
            wrong=lambda dA, Z: np.sum(dA * _sigmoid_prime(Z), axis=0),
        ),
    ],
    default_hint=(
        "Work entry by entry: dZ = dA * σ′(Z), where σ′(z) = σ(z)(1 − σ(z)) is computed from "
        "the pre-activation Z. The result has the shape of Z."
    ),
)

check_sigmoid_backward = make_check(SIGMOID_BACKWARD)


# -- backpropagation through a whole two-layer network ---------------------------------------


def _forward(X, W1, b1, W2, b2):
    """Z1 = X W1 + b1, A1 = ReLU(Z1), P = softmax(A1 W2 + b2); returns (Z1, A1, P)."""
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    P = act.softmax(A1 @ W2 + b2, axis=1)
    return Z1, A1, P


def two_layer_backward(X, Y, W1, b1, W2, b2):
    """Reference: the gradients of the softmax cross-entropy 𝓛 of a ReLU network.

    X: (n, d), Y: (n, k) one-hot, W1: (d, h), b1: (h,), W2: (h, k), b2: (k,).
    Returns dW1: (d, h), db1: (h,), dW2: (h, k), db2: (k,).
    """
    Z1, A1, P = _forward(X, W1, b1, W2, b2)
    dZ2 = (P - Y) / len(X)
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def _variant(dZ2_of=None, dZ1_of=None, dW_of=None, db_axis=0):
    """A two-layer backward with one step changed, to play a known mistake.

    dZ2_of(P, Y, n), dZ1_of(dZ2, W2, Z1) and dW_of(A_prev, dZ) replace the right formulas.
    """

    def backward(X, Y, W1, b1, W2, b2):
        Z1, A1, P = _forward(X, W1, b1, W2, b2)
        dZ2 = dZ2_of(P, Y, len(X)) if dZ2_of else (P - Y) / len(X)
        dZ1 = dZ1_of(dZ2, W2, Z1) if dZ1_of else (dZ2 @ W2.T) * (Z1 > 0)
        dW = dW_of or (lambda A_prev, dZ: A_prev.T @ dZ)
        return dW(X, dZ1), dZ1.sum(axis=db_axis), dW(A1, dZ2), dZ2.sum(axis=db_axis)

    return backward


def _two_layer_case(X, y, W1, b1, W2, b2):
    X, W1, b1, W2, b2 = (np.array(a, dtype=np.float64) for a in (X, W1, b1, W2, b2))
    Y = np.eye(W2.shape[1])[y]
    description = describe(X=X, W1=W1, b1=b1, W2=W2, b2=b2)
    return Case((X, Y, W1, b1, W2, b2), f"Y = one-hot rows of y = {list(y)}{NEW_LINE}{description}")


def _two_layer_random(n, d, h, k):
    y = _rng.integers(0, k, size=n)
    return _two_layer_case(
        _round((n, d)), y, _round((d, h)), _round(h, 0.5), _round((h, k)), _round(k, 0.5)
    )


_two = two_layer_backward

TWO_LAYER_BACKWARD = Exercise(
    id="two_layer_backward",
    title="backpropagation through a two-layer network",
    reference=two_layer_backward,
    result_names=("dW1", "db1", "dW2", "db2"),
    solved_by=(Dense.backward, Sequential.backward),
    cases=[
        # all square and not symmetric; the zero row of X and b1[1] = 0 put Z1 at the kink 0
        _two_layer_case(
            [[1.0, -2.0, 0.5], [0.0, 0.0, 0.0], [-1.0, 0.5, 2.0]],
            [2, 0, 1],
            [[0.5, 1.0, -1.0], [-0.5, 0.25, 1.5], [1.0, -1.5, 0.5]],
            [0.1, 0.0, -0.2],
            [[1.0, -1.0, 0.5], [0.5, 2.0, -1.0], [-1.5, 0.5, 1.0]],
            [0.0, 0.3, -0.3],
        ),
        _two_layer_random(4, 2, 3, 2),
        _two_layer_random(5, 3, 4, 3),
        _two_layer_random(1, 2, 2, 2),
    ],
    mistakes=[
        mistake_in_parts(
            "Divide by n once: 𝓛 is the batch mean, so δ2 = dZ2 = (P − Y) / n. Every later "
            "gradient inherits that 1/n.",
            _two,
            _variant(dZ2_of=lambda P, Y, n: P - Y),
        ),
        mistake_in_parts(
            "Don't divide by n twice: dZ2 = (P − Y) / n already holds the 1/n, so the "
            "matrix products and column sums after it are already averages.",
            _two,
            _variant(dZ2_of=lambda P, Y, n: (P - Y) / n**2),
        ),
        mistake_in_parts(
            "The gradient of softmax cross-entropy is (P − Y)/n, not (Y − P)/n: check the sign.",
            _two,
            _variant(dZ2_of=lambda P, Y, n: (Y - P) / n),
        ),
        mistake_in_parts(
            "Forgetting g′: after dA1 = dZ2 @ W2.T, multiply by ReLU′(Z1), the 0/1 mask "
            "(Z1 > 0), to get dZ1.",
            _two,
            _variant(dZ1_of=lambda dZ2, W2, Z1: dZ2 @ W2.T),
        ),
        mistake_in_parts(
            "You applied ReLU to the gradient. dZ1 = dA1 * ReLU′(Z1): keep dA1 where the "
            "pre-activation Z1 was positive, whatever the sign of dA1.",
            _two,
            _variant(dZ1_of=lambda dZ2, W2, Z1: np.maximum(dZ2 @ W2.T, 0)),
        ),
        mistake_in_parts(
            "ReLU′ is 0 at the kink z = 0 (as in nnlib): use the mask (Z1 > 0), not (Z1 >= 0).",
            _two,
            _variant(dZ1_of=lambda dZ2, W2, Z1: (dZ2 @ W2.T) * (Z1 >= 0)),
        ),
        mistake_in_parts(
            "Carry the gradient back through W2 transposed: dA1 = dZ2 @ W2.T, shape (n, h).",
            _two,
            _variant(dZ1_of=lambda dZ2, W2, Z1: (dZ2 @ W2) * (Z1 > 0)),
        ),
        mistake_in_parts(
            "A weight gradient has the shape of its W: dW = A_prev.T @ dZ (dW1 = X.T @ dZ1, "
            "dW2 = A1.T @ dZ2), not dZ.T @ A_prev.",
            _two,
            _variant(dW_of=lambda A_prev, dZ: dZ.T @ A_prev),
        ),
        mistake_in_parts(
            "A bias gradient has one entry per neuron: sum dZ over the batch, axis=0.",
            _two,
            _variant(db_axis=1),
        ),
    ],
    default_hint=(
        "Go backwards one equation at a time and check each shape: dZ2 = (P − Y)/n (n, k), "
        "dW2 = A1.T @ dZ2 (h, k), db2 = dZ2.sum(axis=0) (k,), dZ1 = (dZ2 @ W2.T) * (Z1 > 0) "
        "(n, h), dW1 = X.T @ dZ1 (d, h), db1 = dZ1.sum(axis=0) (h,)."
    ),
)

check_two_layer_backward = make_check(TWO_LAYER_BACKWARD)

EXERCISES = [DENSE_BACKWARD, SIGMOID_BACKWARD, TWO_LAYER_BACKWARD]
