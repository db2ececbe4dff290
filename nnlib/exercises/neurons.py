"""Checkers for chapter 1, Neurons and layers."""

import numpy as np

from nnlib.activations import sigmoid
from nnlib.exercises.engine import Case, Exercise, Mistake, make_check, show

_rng = np.random.default_rng(1)


def _round(a):
    """Short numbers, so a failing case prints readably."""
    return np.round(a, 2)


# -- one neuron ------------------------------------------------------------------------------


def neuron(x, w, b):
    """Reference: a = σ(w·x + b) for x: (d,), w: (d,), b: a number."""
    return sigmoid(np.dot(w, x) + b)


_NEURON_CASES = [
    ([1.0, 2.0, 3.0], [0.5, -1.0, 0.25], 0.1),
    ([0.0, 0.0], [3.0, -2.0], -1.0),
    ([2.0, -1.0, 0.5, 4.0], [0.2, 0.4, -0.6, 0.1], 0.0),
    (_round(_rng.normal(size=5)), _round(_rng.normal(size=5)), 0.7),
]

NEURON = Exercise(
    id="neuron",
    title="a single neuron",
    reference=neuron,
    cases=[
        Case(
            (np.array(x), np.array(w), b),
            f"x = {show(np.array(x))}, w = {show(np.array(w))}, b = {b}",
        )
        for x, w, b in _NEURON_CASES
    ],
    mistakes=[
        Mistake(
            "You returned one value per input: multiply *and sum* — np.dot(w, x) — to get the "
            "single weighted sum z.",
            wrong=lambda x, w, b: sigmoid(w * x + b),
        ),
        Mistake(
            "It looks like the bias is missing: z = w·x + b.",
            wrong=lambda x, w, b: sigmoid(np.dot(w, x)),
        ),
        Mistake(
            "That is z, the weighted sum. The neuron's output is the activation a = σ(z).",
            wrong=lambda x, w, b: np.dot(w, x) + b,
        ),
        Mistake(
            "The bias is added after the activation; it belongs inside: σ(w·x + b).",
            wrong=lambda x, w, b: sigmoid(np.dot(w, x)) + b,
        ),
    ],
    default_hint=(
        "A neuron computes one number: the weighted sum z = w·x + b (np.dot(w, x) + b, with "
        "x and w of the same length d), then returns the activation a = σ(z) = 1/(1 + e^(−z))."
    ),
)

check_neuron = make_check(NEURON)


# -- a dense layer on a batch ----------------------------------------------------------------


def dense_forward(X, W, b):
    """Reference: Z = X @ W + b for X: (n, n_in), W: (n_in, n_out), b: (n_out,)."""
    return X @ W + b


def _dense_case(n, n_in, n_out):
    X = _round(_rng.normal(size=(n, n_in)))
    W = _round(_rng.normal(size=(n_in, n_out)))
    b = _round(_rng.normal(size=n_out))
    return Case((X, W, b), f"X: {X.shape}, W: {W.shape}, b: {b.shape}")


DENSE = Exercise(
    id="dense_forward",
    title="a dense layer on a batch",
    reference=dense_forward,
    cases=[
        Case(
            (
                np.array([[1.0, 2.0]]),
                np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]),
                np.array([0.0, 1.0, 2.0]),
            ),
            "one sample X = [[1, 2]], W = [[1, 0, -1], [0.5, 2, 0]], b = [0, 1, 2]",
        ),
        _dense_case(4, 3, 2),
        _dense_case(5, 3, 3),  # square W: a transposed W gives wrong numbers, not an error
        _dense_case(1, 6, 4),
    ],
    mistakes=[
        Mistake(
            "W has shape (n_in, n_out): row i holds the weights leaving input i. Multiply "
            "X @ W, with the batch on the left: not X @ W.T, nor W @ X.",
            wrong=lambda X, W, b: X @ W.T + b,
        ),
        Mistake(
            "X * W multiplies entry by entry (and needs matching shapes). A layer needs the "
            "matrix product X @ W: each output sums its inputs times their weights.",
            wrong=lambda X, W, b: X * W + b,
        ),
        Mistake(
            "Don't forget the bias: Z = X @ W + b (b is added to every row by broadcasting).",
            wrong=lambda X, W, b: X @ W,
        ),
        Mistake(
            "The activation comes later (in its own layer); this function returns Z = X @ W + b.",
            wrong=lambda X, W, b: sigmoid(X @ W + b),
        ),
    ],
    default_hint=(
        "Z = X @ W + b: X is (n, n_in), W is (n_in, n_out) and b is (n_out,), so Z is "
        "(n, n_out) — one row per sample, one column per neuron of the layer."
    ),
)

check_dense_forward = make_check(DENSE)


# -- counting parameters ---------------------------------------------------------------------


def count_parameters(sizes):
    """Reference: weights and biases of a network with layer widths ``sizes`` (input first)."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


COUNT = Exercise(
    id="count_parameters",
    title="counting parameters",
    reference=count_parameters,
    cases=[
        Case(([3, 4, 2],), "sizes = [3, 4, 2]"),
        Case(([2, 1],), "sizes = [2, 1]"),
        Case(([784, 128, 10],), "sizes = [784, 128, 10]"),
        Case(([5, 8, 8, 3],), "sizes = [5, 8, 8, 3]"),
    ],
    mistakes=[
        Mistake(
            "Each neuron after the input layer also has a bias: add n_out per layer.",
            wrong=lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])),
        ),
        Mistake(
            "Input neurons only pass the data on; they have no bias. Count biases for the "
            "layers after the input only.",
            wrong=lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes),
        ),
        Mistake(
            "Weights connect *neighbouring* layers: W between layer l−1 and l has "
            "sizes[l−1] × sizes[l] entries.",
            wrong=lambda sizes: sum(sizes) ** 2 // 2,
        ),
    ],
    default_hint=(
        "Go through neighbouring layers: between widths n_in = sizes[l−1] and n_out = sizes[l] "
        "there are n_in × n_out weights and n_out biases. Add these up over every pair and "
        "return the total as an integer."
    ),
)

check_count_parameters = make_check(COUNT)

EXERCISES = [NEURON, DENSE, COUNT]
