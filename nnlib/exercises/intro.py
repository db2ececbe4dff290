"""Checkers for chapter 0, the NumPy warm-up of the introduction."""

import numpy as np

from nnlib.exercises.engine import Case, Exercise, Mistake, make_check
from nnlib.metrics import accuracy

_rng = np.random.default_rng(0)


# -- centring the columns of a data matrix ---------------------------------------------------


def center_columns(X):
    """Reference: subtract from every column its mean over the rows. X: (n, d) → (n, d)."""
    return X - X.mean(axis=0)


def _matrix_case(shape):
    X = np.round(_rng.normal(2.0, 3.0, size=shape), 1)
    return Case((X,), f"X: {X.shape}")


CENTER = Exercise(
    id="center_columns",
    title="centring the columns",
    reference=center_columns,
    cases=[
        Case((np.array([[1.0, 10.0], [3.0, 30.0]]),), "X = [[1, 10], [3, 30]]"),
        _matrix_case((5, 3)),
        _matrix_case((2, 6)),
        _matrix_case((1, 4)),
    ],
    mistakes=[
        Mistake(
            "Each *column* is a feature: average over the rows, which is axis=0 "
            "(axis=1 averages each row instead).",
            wrong=lambda X: X - X.mean(axis=1, keepdims=True),
        ),
        Mistake(
            "X.mean(axis=1) averages each *row*, and without keepdims its n means are lined up "
            "with the columns (or do not fit at all). Each column is a feature: subtract "
            "X.mean(axis=0), one mean per column.",
            wrong=lambda X: X - X.mean(axis=1),
        ),
        Mistake(
            "Subtract each column's own mean, X.mean(axis=0), not the mean of the whole array.",
            wrong=lambda X: X - X.mean(),
        ),
        Mistake(
            "Return the centred data X − mean, not the means themselves.",
            wrong=lambda X: X.mean(axis=0),
        ),
    ],
    default_hint=(
        "Compute each column's mean over the rows, X.mean(axis=0) with shape (d,), and "
        "subtract it from X: broadcasting subtracts it from every row, so the result has X's "
        "shape (n, d) and every column then averages to 0."
    ),
)

check_center_columns = make_check(CENTER)


# -- accuracy of a classifier's scores -------------------------------------------------------


def _scores_case(n, k):
    scores = np.round(_rng.normal(size=(n, k)), 2)
    labels = _rng.integers(0, k, size=n)
    labels[: n // 2] = scores[: n // 2].argmax(axis=1)  # make about half of them right
    return Case((scores, labels), f"scores: {scores.shape}, labels = {list(map(int, labels))}")


ACCURACY = Exercise(
    id="accuracy",
    title="accuracy of predictions",
    reference=accuracy,
    cases=[
        Case(
            (np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 0, 0])),
            "scores = [[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], labels = [1, 0, 0]",
        ),
        _scores_case(6, 3),
        _scores_case(5, 4),
        _scores_case(8, 8),
    ],
    mistakes=[
        Mistake(
            "The predicted class of a sample is the column with the largest score in *its row*: "
            "argmax(axis=1).",
            wrong=lambda scores, labels: float(np.mean(scores.argmax(axis=0) == labels)),
        ),
        Mistake(
            "np.argmax(scores) without an axis flattens the whole matrix and returns a single "
            "index. Pass axis=1 to get one predicted class per row: scores.argmax(axis=1).",
            wrong=lambda scores, labels: float(np.mean(np.argmax(scores) == labels)),
        ),
        Mistake(
            "Accuracy is a fraction between 0 and 1: divide the number of correct predictions "
            "by the number of samples (np.mean of the comparison does both).",
            wrong=lambda scores, labels: int(np.sum(scores.argmax(axis=1) == labels)),
        ),
        Mistake(
            "Compare the *index* of the largest score with the label, not the largest score "
            "itself: use argmax, not max.",
            wrong=lambda scores, labels: float(np.mean(scores.max(axis=1) == labels)),
        ),
    ],
    default_hint=(
        "Take each row's predicted class, scores.argmax(axis=1) with shape (n,), compare it "
        "with labels (also (n,)) and return the fraction that match, a float between 0 and 1: "
        "np.mean of the comparison."
    ),
)

check_accuracy = make_check(ACCURACY)

EXERCISES = [CENTER, ACCURACY]
