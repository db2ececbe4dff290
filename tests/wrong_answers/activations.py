"""Wrong answers to chapter 2's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np


def _sigmoid_where_both_branches(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _relu_in_place(z):
    z[z < 0] = 0
    return z


def _relu_derivative_in_place(z):
    z[z <= 0] = 0
    z[z > 0] = 1
    return z


def _softmax_minus_row_min(Z):
    shifted = Z - np.min(Z, axis=1, keepdims=True)
    return np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)


def _softmax_sum_without_keepdims(Z):
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1)


def _softmax_max_without_keepdims(Z):
    e = np.exp(Z - np.max(Z, axis=1))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_no_keepdims_at_all(Z):
    e = np.exp(Z - Z.max(axis=1))
    return e / e.sum(axis=1)


WRONG_ANSWERS = {
    "sigmoid": [
        (lambda z: 1.0 / (1.0 + np.exp(-z)), "overflows for large negative z"),
        (lambda z: np.exp(z) / (np.exp(z) + 1), "inf / inf = NaN for large positive z"),
        (lambda z: 1.0 / (1.0 + np.exp(z)), "Mind the sign"),
        (_sigmoid_where_both_branches, "np.where computes both branches for every entry"),
    ],
    "relu": [
        (lambda z: np.max(z, 0), "np.max(z, 0) takes the maximum *along axis 0*"),
        (lambda z: max(0, z), "Python's max(0, z) cannot compare a whole array"),
        (lambda z: np.where(z < 0, z, 0), "not the other way round"),
        (lambda z: np.max(0, z), "reads z as the *axis* argument"),
        (_relu_in_place, "changed its input z in place"),
    ],
    "relu_derivative": [
        (lambda z: np.where(z >= 0, 1.0, 0.0), "write z > 0, not z >= 0"),
        (lambda z: np.maximum(0, z), "That is ReLU itself"),
        (lambda z: z > 0, "returns booleans"),
        (lambda z: np.where(z > 0, 1, 0), "returns integers"),
        (_relu_derivative_in_place, "changed its input z in place"),
        (lambda z: [1.0 if v > 0 else 0.0 for v in z], "returns a Python list"),
    ],
    "softmax": [
        (lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=0), "normalise along axis=1"),
        (lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True), "overflows to inf"),
        (
            lambda Z: np.exp(Z - np.max(Z)) / np.sum(np.exp(Z - np.max(Z)), axis=1, keepdims=True),
            "each row's *own* maximum",
        ),
        (lambda Z: np.exp(Z) / np.exp(Z).sum(), "not over the whole array"),
        (_softmax_minus_row_min, "not its minimum"),
        (_softmax_sum_without_keepdims, "Keep one column per row with keepdims=True"),
        (_softmax_max_without_keepdims, "Keep one column per row with keepdims=True"),
        (_softmax_no_keepdims_at_all, "Keep one column per row with keepdims=True"),
    ],
}
