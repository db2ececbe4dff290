"""Wrong answers to chapter 1's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np


def _count_with_input_biases(sizes):
    total = 0
    for i in range(len(sizes) - 1):
        total += sizes[i] * sizes[i + 1] + sizes[i]
    return total


def _count_one_pair_too_many(sizes):
    total = 0
    for i in range(len(sizes)):  # sizes[i + 1] does not exist for the last i
        total += sizes[i] * sizes[i + 1] + sizes[i + 1]
    return total


WRONG_ANSWERS = {
    "neuron": [
        (lambda x, w, b: 1 / (1 + np.exp(-np.sum(w * x))), "bias is missing"),
        (lambda x, w, b: np.dot(x, w) + b, "The neuron's output is the activation"),
        (lambda x, w, b: 1 / (1 + np.exp(-(w * x + b))), "multiply *and sum*"),
    ],
    "dense_forward": [
        (lambda X, W, b: np.dot(X, W.T) + b, "not X @ W.T"),
        (lambda X, W, b: np.dot(X, W), "Don't forget the bias"),
        (lambda X, W, b: 1 / (1 + np.exp(-(X @ W + b))), "The activation comes later"),
        (lambda X, W, b: X * W + b, "X * W multiplies entry by entry"),
    ],
    "count_parameters": [
        (lambda s: sum(s[i] * s[i + 1] for i in range(len(s) - 1)), "also has a bias"),
        (lambda s: sum(s[i] * s[i + 1] for i in range(len(s) - 1)) + sum(s), "no bias"),
        (_count_with_input_biases, "n_in × n_out weights and n_out biases"),
        (_count_one_pair_too_many, "n_in × n_out weights and n_out biases"),
    ],
}
