"""Input checks shared by the library, so every bad input gets the same kind of clear message.

Each function either returns its (possibly converted) input or raises an error that says what is
wrong and what to do about it. They are private: learners meet them only through their messages.
"""

import numpy as np


def as_batch(X, name="X", n_features=None, where=""):
    """Return X as a 2-D array (n_samples, n_features), or raise a ValueError that explains why not.

    X: array-like (n, d). ``n_features``: the width the caller expects, if it knows one.
    ``where``: who is asking (e.g. a Dense layer, shown by its repr), used in the message.
    """
    X = np.asarray(X)
    if X.ndim == 2 and (n_features is None or X.shape[1] == n_features) and X.dtype.kind in "fiu":
        return X  # the common case, checked cheaply because it runs on every batch
    who = f"{where} " if where else ""
    if X.dtype == object or not np.issubdtype(X.dtype, np.number):
        raise TypeError(f"{who}expects a numeric array for {name}, got dtype {X.dtype}.")
    if X.ndim != 2:
        fix = (
            f" For a single sample use {name}.reshape(1, -1); for images use "
            f"{name}.reshape(len({name}), -1) to flatten them."
        )
        raise ValueError(
            f"{who}expects {name} as a 2-D batch (n_samples, n_features), got shape {X.shape}.{fix}"
        )
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{who}expects {n_features} features per sample, but {name} has shape {X.shape} "
            f"({X.shape[1]} features). Check that the data matches the network's input size."
        )
    return X


def check_finite(X, name="X"):
    """Raise a ValueError naming the first NaN or infinite entry of X, if there is one.

    The quick test is the sum of X: a NaN or an infinity anywhere makes it NaN or infinite. Only
    when it is (or when huge finite numbers overflow it) do we test entry by entry, which needs a
    boolean array as large as X (47 MB for Fashion-MNIST's training set, and twice the time).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(X)):
            return X
    finite = np.isfinite(X)
    if not finite.all():
        bad = np.argwhere(~finite)
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} contains {len(bad)} NaN or infinite value(s), the first at index {first}. "
            "Remove or fill them (e.g. with the column mean) before training."
        )
    return X


def check_labels(y, n_samples, n_classes=None, name="y"):
    """Return integer class labels y: (n,), or raise a ValueError describing the problem.

    Accepts integer arrays and float arrays holding whole numbers (e.g. 3.0).
    """
    y = np.asarray(y)
    if y.ndim == 1 and len(y) == n_samples and y.dtype.kind in "iu" and len(y):
        low, high = y.min(), y.max()  # the common case, checked cheaply: it runs every batch
        if low >= 0 and (n_classes is None or high < n_classes):
            return y
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {y.shape}.")
    if len(y) != n_samples:
        raise ValueError(
            f"{name} has {len(y)} labels but there are {n_samples} samples; "
            "each sample needs exactly one label."
        )
    if not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.floating) or not np.all(np.mod(y, 1) == 0):
            raise ValueError(
                f"{name} must hold whole-number class labels 0, 1, 2, ..., got dtype {y.dtype}."
            )
        y = y.astype(np.int64)
    if len(y) and y.min() < 0:
        raise ValueError(f"{name} contains the negative label {y.min()}; labels start at 0.")
    if n_classes is not None and len(y) and y.max() >= n_classes:
        raise ValueError(
            f"{name} contains the label {y.max()}, but there are only {n_classes} classes "
            f"(labels 0 to {n_classes - 1}). Is the output layer too small, or are the labels "
            "numbered from 1?"
        )
    return y


def check_same_shape(pred, target, pred_name="pred", target_name="target"):
    """Raise a ValueError if two arrays that must match element by element differ in shape."""
    if pred.shape != target.shape:
        raise ValueError(
            f"{pred_name} has shape {pred.shape} but {target_name} has shape {target.shape}; "
            "they must match. (A column vector (n, 1) and a flat vector (n,) differ: "
            "use .reshape(-1, 1) on the flat one.)"
        )


def unknown_name(kind, name, known):
    """Build the error for a name missing from one of the library's tables."""
    listed = ", ".join(repr(k) for k in sorted(known))
    return ValueError(f"Unknown {kind} {name!r}. Known {kind}s: {listed}.")
