"""Measuring a classifier: accuracy, the confusion matrix and its worst mistakes (chapters 7, 9)."""

import numpy as np

from nnlib._validate import check_labels


def predicted_classes(outputs, threshold=0.5):
    """The class ĉ a network predicts for each row of outputs.

    outputs: (n, k) scores, logits or probabilities → argmax per row (softmax keeps the order,
    so logits and probabilities give the same classes); or (n, 1) / (n,) outputs for class 1 →
    1 where the output exceeds ``threshold``: 0.5 for a probability σ(z), 0 for a logit z.
    Returns (n,) int64.
    """
    outputs = np.asarray(outputs)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return outputs.argmax(axis=1)
    return (outputs.reshape(-1) > threshold).astype(np.int64)


def true_classes(targets):
    """Labels from targets given as labels (n,) or one-hot rows (n, k). Returns (n,) int64."""
    targets = np.asarray(targets)
    if targets.ndim == 2 and targets.shape[1] > 1:
        return targets.argmax(axis=1)
    return targets.reshape(-1).astype(np.int64)


def accuracy(outputs, targets, threshold=0.5):
    """The fraction of rows whose predicted class equals the true class, in [0, 1].

    outputs: (n, k) or (n, 1) network outputs; targets: labels (n,) or one-hot (n, k).
    threshold: for one output column, where class 1 begins (0.5 for probabilities, 0 for logits).
    """
    predicted, true = predicted_classes(outputs, threshold), true_classes(targets)
    if len(predicted) != len(true):
        raise ValueError(f"{len(predicted)} predictions but {len(true)} targets; they must match.")
    return float(np.mean(predicted == true)) if len(true) else float("nan")


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Counts C: (n_classes, n_classes) with C[i, j] = number of samples of class i predicted as j.

    The diagonal holds the correct predictions. y_true, y_pred: (n,) integer labels.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    y_true = check_labels(y_true, len(y_true), n_classes, "y_true")
    y_pred = check_labels(y_pred, len(y_true), n_classes, "y_pred")
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)


def most_confident_mistakes(P, y, m):
    """Indices of at most m misclassified samples, the most confident mistake first.

    P: (n, k) class probabilities; y: (n,) true labels. A sample is a mistake when its predicted
    class ĉ_i = argmax_j P_ij differs from y_i, and its confidence is P[i, ĉ_i] = max_j P_ij.
    Returns (min(m, number of mistakes),) int64 indices into the rows of P, by decreasing
    confidence (ties keep their order).
    """
    P = np.asarray(P)
    y = check_labels(y, len(P), P.shape[1], "y")
    wrong = np.flatnonzero(P.argmax(axis=1) != y)
    order = np.argsort(-P.max(axis=1)[wrong], kind="stable")
    return wrong[order[:m]]
