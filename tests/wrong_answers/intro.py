"""Wrong answers to chapter 0's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np


def _center_in_place(X):
    X -= X.mean(axis=0)
    return X


def _accuracy_with_a_loop_and_no_axis(scores, labels):
    predicted = np.argmax(scores)
    return np.mean(predicted == labels)


WRONG_ANSWERS = {
    "center_columns": [
        (lambda X: X - np.mean(X, axis=1, keepdims=True), "average over the rows, which is axis=0"),
        (lambda X: X - np.mean(X), "not the mean of the whole array"),
        (lambda X: X - X.mean(axis=1), "X.mean(axis=1) averages each *row*"),
        (_center_in_place, "changed its input X in place"),
        (lambda X: np.mean(X, axis=0), "not the means themselves"),
    ],
    "accuracy": [
        (lambda s, y: np.sum(np.argmax(s, axis=1) == y), "divide the number of correct"),
        (lambda s, y: np.mean(np.argmax(s, axis=0) == y), "in *its row*: argmax(axis=1)"),
        (lambda s, y: np.mean(np.max(s, axis=1) == y), "use argmax, not max"),
        (_accuracy_with_a_loop_and_no_axis, "without an axis flattens the whole matrix"),
    ],
}
