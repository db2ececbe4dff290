"""Checkers for chapter 3, Forward propagation."""

import numpy as np

from nnlib import activations as act
from nnlib.exercises.engine import Case, Exercise, Mistake, make_check, show

_rng = np.random.default_rng(3)


# -- a forward pass through a list of layers -------------------------------------------------


def forward(X, layers):
    """Reference: A⁰ = X; for each (W, b, f): A = f(A @ W + b). Returns the last A."""
    A = X
    for W, b, f in layers:
        A = f(A @ W + b)
    return A


def _softmax_rows(Z):
    return act.softmax(Z, axis=1)


_softmax_rows.__name__ = "softmax"


def _network(sizes, functions, n):
    X = np.round(_rng.normal(size=(n, sizes[0])), 2)
    layers = []
    for n_in, n_out, f in zip(sizes[:-1], sizes[1:], functions):
        W = np.round(_rng.normal(size=(n_in, n_out)), 2)
        b = np.round(_rng.normal(size=n_out), 2)
        layers.append((W, b, f))
    shapes = " → ".join(str(s) for s in sizes)
    names = ", ".join(f.__name__ for f in functions)
    return Case((X, layers), f"X: {X.shape}, layers {shapes} with {names}")


FORWARD = Exercise(
    id="forward",
    title="forward propagation",
    reference=forward,
    cases=[
        _network([3, 2], [act.sigmoid], 4),
        # the second layer takes X's width: feeding it X instead of A gives wrong values
        _network([3, 3, 2], [act.tanh, act.sigmoid], 4),
        _network([3, 4, 2], [act.relu, act.sigmoid], 5),
        _network([2, 5, 5, 3], [act.tanh, act.relu, _softmax_rows], 6),
        _network([4, 3, 1], [act.relu, act.identity], 1),
    ],
    mistakes=[
        Mistake(
            "Feed each layer the previous layer's output: update A = f(A @ W + b) inside the "
            "loop and multiply A (not X) by the next W.",
            wrong=lambda X, layers: [f(X @ W + b) for W, b, f in layers][-1],
        ),
        Mistake(
            "Apply the activation to the whole pre-activation: f(A @ W + b), not f(A @ W) + b.",
            wrong=lambda X, layers: _loop(X, layers, lambda A, W, b, f: f(A @ W) + b),
        ),
        Mistake(
            "The last layer has an activation too (e.g. softmax or sigmoid): return A^L, not Z^L.",
            wrong=lambda X, layers: _loop(X, layers[:-1], None) @ layers[-1][0] + layers[-1][1],
        ),
        Mistake(
            "W has shape (n_in, n_out), so a batch A: (n, n_in) is multiplied as A @ W.",
            wrong=lambda X, layers: _loop(X, layers, lambda A, W, b, f: f(A @ W.T + b)),
        ),
    ],
    default_hint=(
        "Start with A = X; for each (W, b, f) in layers compute A = f(A @ W + b), so each "
        "layer's output feeds the next; return the last A. A: (n, n_in) @ W: (n_in, n_out) "
        "gives (n, n_out)."
    ),
)


def _loop(X, layers, step):
    A = X
    for W, b, f in layers:
        A = step(A, W, b, f) if step else f(A @ W + b)
    return A


check_forward = make_check(FORWARD)


# -- two linear layers are one linear layer --------------------------------------------------


def collapse_linear(W1, b1, W2, b2):
    """Reference: (W, b) with X @ W + b == (X @ W1 + b1) @ W2 + b2 for every X."""
    return W1 @ W2, b1 @ W2 + b2


def _collapse_case(n_in, n_hidden, n_out):
    W1 = np.round(_rng.normal(size=(n_in, n_hidden)), 2)
    b1 = np.round(_rng.normal(size=n_hidden), 2)
    W2 = np.round(_rng.normal(size=(n_hidden, n_out)), 2)
    b2 = np.round(_rng.normal(size=n_out), 2)
    return Case(
        (W1, b1, W2, b2), f"W1: {W1.shape}, b1 = {show(b1)}, W2: {W2.shape}, b2 = {show(b2)}"
    )


COLLAPSE = Exercise(
    id="collapse_linear",
    title="two linear layers collapse into one",
    reference=collapse_linear,
    cases=[_collapse_case(2, 3, 2), _collapse_case(4, 3, 1), _collapse_case(3, 3, 3)],
    mistakes=[
        Mistake(
            "The first bias also passes through W2: expand (X @ W1 + b1) @ W2 + b2 "
            "= X @ (W1 @ W2) + (b1 @ W2 + b2).",
            wrong=lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2),
        ),
        Mistake(
            "The first bias also passes through W2, so the new bias is b1 @ W2 + b2.",
            wrong=lambda W1, b1, W2, b2: (W1 @ W2, b2),
        ),
        Mistake(
            "Don't forget b2: the second layer adds its own bias after W2, so the new bias is "
            "b1 @ W2 + b2.",
            wrong=lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2),
        ),
        Mistake(
            "Order matters for matrices: X meets W1 first, X @ W1 @ W2, so the combined matrix "
            "is W1 @ W2. W2 @ W1 is a different matrix (for these shapes, even a different "
            "shape).",
            wrong=lambda W1, b1, W2, b2: (W2 @ W1, b1 @ W2 + b2),
        ),
        Mistake(
            "That is the transpose of W1 @ W2. With W: (n_in, n_out) no transpose is needed: "
            "the combined matrix is W1 @ W2, of shape (n_in of W1, n_out of W2).",
            wrong=lambda W1, b1, W2, b2: (W2.T @ W1.T, b1 @ W2 + b2),
        ),
    ],
    result_names=("W", "b"),
    default_hint=(
        "Expand the two layers: (X @ W1 + b1) @ W2 + b2 = X @ (W1 @ W2) + (b1 @ W2 + b2). "
        "Return the pair (W, b) with W = W1 @ W2 and b = b1 @ W2 + b2."
    ),
)

check_collapse_linear = make_check(COLLAPSE)

EXERCISES = [FORWARD, COLLAPSE]
