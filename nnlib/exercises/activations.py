"""Checkers for chapter 2, Activation functions."""

import numpy as np

from nnlib import activations as act
from nnlib.exercises.engine import Case, Exercise, Mistake, make_check, show


def _case(z):
    z = np.asarray(z, dtype=np.float64)
    return Case((z,), f"z = {show(z)}")


def _has_nan(case, got):
    return np.isnan(np.asarray(got, dtype=np.float64)).any()


# -- a stable sigmoid ------------------------------------------------------------------------

SIGMOID = Exercise(
    id="sigmoid",
    title="a numerically stable sigmoid",
    reference=act.sigmoid,
    cases=[
        _case([0.0]),
        _case([-2.0, -0.5, 0.5, 2.0]),
        _case([[1.0, -1.0], [3.0, -3.0]]),
        _case([40.0, 750.0]),  # large positive only: a both-branches np.where overflows here
        _case([-1000.0, 0.0, 1000.0]),
        _case([-750.0, -40.0, 40.0, 750.0]),
    ],
    forbid_overflow=True,
    mistakes=[
        Mistake(
            "exp(−z) overflows for large negative z (e^1000 is too big for a float). Use "
            "1 / (1 + e^(−z)) where z ≥ 0 and e^z / (1 + e^z) where z < 0: with e = e^(−|z|) "
            "both are 1 / (1 + e) and e / (1 + e), and no exponent is positive.",
            wrong=lambda z: 1 / (1 + np.exp(-z)),
        ),
        Mistake(
            "np.where computes both branches for every entry — compute e^(−|z|) once: "
            "e = np.exp(-np.abs(z)), then np.where(z >= 0, 1 / (1 + e), e / (1 + e)). "
            "e^(−|z|) never overflows, so neither branch can.",
            wrong=lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))),
        ),
        Mistake(
            "e^z / (1 + e^z) is inf / inf = NaN for large positive z. Use it only where z < 0, "
            "and 1 / (1 + e^(−z)) where z ≥ 0.",
            wrong=lambda z: np.exp(z) / (1 + np.exp(z)),
        ),
        Mistake(
            "Mind the sign: σ(z) = 1 / (1 + e^(−z)), so σ(2) ≈ 0.88 and σ(−2) ≈ 0.12.",
            wrong=lambda z: np.exp(-np.logaddexp(0.0, z)),  # σ(−z), without nnlib's σ
        ),
        Mistake(
            "Your result contains NaN: some exponent overflowed to inf (inf / inf = NaN). "
            "Exponentiate only non-positive numbers, e.g. e^(−|z|).",
            detect=_has_nan,
        ),
    ],
    default_hint=(
        "σ(z) = 1 / (1 + e^(−z)) entry by entry, computed so that np.exp never sees a positive "
        "number: e = np.exp(-np.abs(z)), then 1 / (1 + e) where z ≥ 0 and e / (1 + e) where "
        "z < 0. The result has z's shape, with values in [0, 1]."
    ),
)

check_sigmoid = make_check(SIGMOID)


# -- ReLU and its derivative -----------------------------------------------------------------

RELU = Exercise(
    id="relu",
    title="ReLU",
    reference=act.relu,
    cases=[
        _case([-2.0, -0.5, 0.0, 0.5, 2.0]),
        _case([[1.0, -1.0, 3.0], [-3.0, 0.25, -0.25]]),
        _case([[-5.0], [5.0]]),
    ],
    mistakes=[
        Mistake(
            "np.max(z, 0) takes the maximum *along axis 0* (a reduction). For the element-wise "
            "max(0, z) use np.maximum(z, 0).",
            wrong=lambda z: np.max(z, 0),
        ),
        Mistake(
            "np.max(0, z) reads z as the *axis* argument (np.max reduces one array along an "
            "axis). For the element-wise max(0, z) use np.maximum(0, z).",
            wrong=lambda z: np.max(0, z),
        ),
        Mistake(
            "Python's max(0, z) cannot compare a whole array with 0. Use np.maximum(z, 0), "
            "which works entry by entry.",
            wrong=lambda z: max(0, z),
        ),
        Mistake(
            "ReLU keeps positive values and zeroes negative ones — not the other way round.",
            wrong=lambda z: np.minimum(z, 0),
        ),
        Mistake(
            "That is the derivative (0 or 1). ReLU itself returns max(0, z).",
            wrong=act.relu_derivative,
        ),
    ],
    default_hint=(
        "ReLU is max(0, z) entry by entry — np.maximum(z, 0) — with the same shape as z: "
        "negative entries become 0, the others stay as they are."
    ),
)

check_relu = make_check(RELU)

RELU_DERIVATIVE = Exercise(
    id="relu_derivative",
    title="the derivative of ReLU",
    reference=act.relu_derivative,
    cases=[
        _case([-2.0, -0.5, 0.5, 2.0]),
        _case([[3.0, -1.0], [-4.0, 0.1]]),
        _case([0.0, -0.0, 1e-9]),
    ],
    mistakes=[
        Mistake(
            "At the kink z = 0 we use the derivative 0 (ReLU is flat to the left of it): "
            "write z > 0, not z >= 0.",
            wrong=lambda z: (z >= 0).astype(float),
        ),
        Mistake(
            "That is ReLU itself. Its derivative is 1 where z > 0 and 0 elsewhere.",
            wrong=act.relu,
        ),
        Mistake(
            "The derivative is a slope: 1 where z > 0 and 0 elsewhere, not the sign of z.",
            wrong=np.sign,
        ),
    ],
    default_hint=(
        "The slope of ReLU is 1.0 where z > 0 and 0.0 everywhere else — at z = 0 and −0 too — "
        "as floats with z's shape: (z > 0).astype(float)."
    ),
)

check_relu_derivative = make_check(RELU_DERIVATIVE)


# -- a stable softmax ------------------------------------------------------------------------


def softmax_rows(Z):
    """Reference: softmax of each row of Z: (n, k)."""
    return act.softmax(Z, axis=1)


def _exp_shifted(Z):
    """e^(Z − row max), the stable numerator (with the max taken correctly)."""
    return np.exp(Z - Z.max(axis=1, keepdims=True))


def _softmax_shifted_by(Z, shift):
    E = np.exp(Z - shift)
    return E / E.sum(axis=1, keepdims=True)


def _lost_keepdims(case, got):
    """Whether got is the softmax with keepdims lost in the max, the sum or both."""
    (Z,) = case.args
    if Z.shape[0] != Z.shape[1]:
        return False  # then a lost keepdims raises a broadcasting error instead
    maxima, got = Z.max(axis=1), np.asarray(got, dtype=np.float64)
    for shift in (maxima, maxima[:, None]):
        E = np.exp(Z - shift)
        for total in (E.sum(axis=1), E.sum(axis=1, keepdims=True)):
            if shift.ndim + total.ndim < 4 and got.shape == E.shape:
                if np.allclose(got, E / total):
                    return True
    return False


_KEEPDIMS = (
    "Z.max(axis=1) and E.sum(axis=1) have shape (n,), which NumPy lines up with the *columns* "
    "of Z. Keep one column per row with keepdims=True: E.sum(axis=1, keepdims=True) has shape "
    "(n, 1) and divides each row by its own sum."
)


def _rows_case(Z, description):
    return Case((np.asarray(Z, dtype=np.float64),), description)


SOFTMAX = Exercise(
    id="softmax",
    title="a numerically stable softmax",
    reference=softmax_rows,
    cases=[
        _rows_case([[1.0, 2.0, 3.0]], "Z = [[1, 2, 3]] (one sample, three classes)"),
        _rows_case(
            [[1.0, 2.0, 3.0], [0.0, 0.0, 5.0], [-1.0, 4.0, 2.0]],
            "Z = [[1, 2, 3], [0, 0, 5], [-1, 4, 2]] (square: an axis mix-up shows in the values)",
        ),
        _rows_case([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], "Z = [[1, 2, 3], [1, 1, 1]] (two samples)"),
        _rows_case(
            [[0.5, -1.0], [2.0, 0.0], [0.0, 0.0], [-3.0, 3.0]], "Z: (4, 2), more rows than columns"
        ),
        _rows_case([[10000.0, 10001.0, 9999.0]], "Z = [[10000, 10001, 9999]] (large logits)"),
        _rows_case(
            [[10000.0, 9999.0], [0.0, 1.0]],
            "Z = [[10000, 9999], [0, 1]] (rows of very different size)",
        ),
        _rows_case(
            [[-1000.0, 0.0, 1000.0], [2.0, -2.0, 0.0]],
            "Z = [[-1000, 0, 1000], [2, -2, 0]] (a wide spread within one row)",
        ),
    ],
    solved_by=(act.softmax,),
    forbid_overflow=True,
    mistakes=[  # the overflow first: a wrong axis fails on small logits (case 1) before it
        Mistake(
            "e^10000 overflows to inf. Subtract each row's maximum first — "
            "Z − Z.max(axis=1, keepdims=True) — which leaves the softmax unchanged.",
            wrong=lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True),
        ),
        Mistake(
            "Each *row* is one sample, so normalise along axis=1: sum with axis=1, keepdims=True.",
            wrong=lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True),
        ),
        Mistake(_KEEPDIMS, wrong=lambda Z: _exp_shifted(Z) / _exp_shifted(Z).sum(axis=1)),
        Mistake(_KEEPDIMS, detect=_lost_keepdims),
        Mistake(
            "Subtract each row's maximum, not its minimum: after Z − min the largest entry can "
            "still be huge (a row [−1000, 0, 1000] becomes [0, 1000, 2000], and e^2000 "
            "overflows). After Z − max every entry is ≤ 0, so every e^(…) lies in (0, 1].",
            wrong=lambda Z: _softmax_shifted_by(Z, Z.min(axis=1, keepdims=True)),
        ),
        Mistake(
            "Each row must sum to 1 on its own: sum along axis=1 (with keepdims=True), not over "
            "the whole array.",
            wrong=lambda Z: np.exp(Z) / np.exp(Z).sum(),
        ),
        Mistake(
            "Subtract each row's *own* maximum (Z.max(axis=1, keepdims=True)). With the maximum "
            "of the whole array, a row of small logits underflows to 0 / 0.",
            wrong=lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(axis=1, keepdims=True),
        ),
        Mistake(
            "Your result contains NaN — usually inf / inf from an overflowing exponent. Shift "
            "each row by its maximum before np.exp.",
            detect=_has_nan,
        ),
    ],
    default_hint=(
        "For each row: subtract the row's maximum (Z.max(axis=1, keepdims=True)), "
        "exponentiate, and divide by the row's sum (axis=1, keepdims=True). The result has "
        "Z's shape (n, k), and each row sums to 1."
    ),
)

check_softmax = make_check(SOFTMAX)

EXERCISES = [SIGMOID, RELU, RELU_DERIVATIVE, SOFTMAX]
