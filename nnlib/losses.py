"""Cost functions and their gradients (chapter 4).

Each loss is a function ``loss(pred, target) -> float`` with a twin ``loss_gradient(pred, target)``
that returns dL/dpred with pred's shape. All losses are *means* over the batch, so the gradients
carry a factor 1/n and a bigger batch does not mean bigger steps.

Classification targets may be integer labels y: (n,) or one-hot rows Y: (n, k); ``one_hot``
converts the first into the second.

The loss objects (``MSELoss``, ``BinaryCrossEntropyLoss``, ``CrossEntropyLoss``,
``SoftmaxCrossEntropyLoss``) wrap the same functions for training loops:
``forward(pred, target) -> float`` remembers its inputs and ``backward() -> dL/dpred``.
"""

import numpy as np

from nnlib._validate import check_labels, check_same_shape
from nnlib.activations import softmax
from nnlib.data import one_hot


def _clip_eps(dtype):
    """The smallest probability we take the log of: log(0) would be −inf."""
    return 1e-7 if np.dtype(dtype) == np.float32 else 1e-12


def _as_one_hot(target, P, name="target"):
    """target as one-hot (or probability) rows matching P: (n, k), from labels or rows."""
    target = np.asarray(target)
    if target.ndim == 1:
        labels = check_labels(target, len(P), P.shape[1], name=name)
        return one_hot(labels, P.shape[1]).astype(P.dtype, copy=False)
    check_same_shape(P, target, "predictions", name)
    return target.astype(P.dtype, copy=False)


def _as_2d(pred, name="pred"):
    pred = np.asarray(pred)
    if pred.ndim != 2:
        raise ValueError(
            f"{name} must be a batch of shape (n_samples, n_classes), got shape {pred.shape}."
        )
    return pred if pred.dtype.kind == "f" else pred.astype(np.float64)


# -- mean squared error (regression) ---------------------------------------------------------


def mse(pred, target):
    """Mean squared error over all entries: L = mean((pred − target)²). pred, target: same shape."""
    pred, target = np.asarray(pred), np.asarray(target)
    check_same_shape(pred, target)
    return float(np.mean((pred - target) ** 2))


def mse_gradient(pred, target):
    """dL/dpred = 2(pred − target) / pred.size, same shape as pred."""
    pred, target = np.asarray(pred), np.asarray(target)
    check_same_shape(pred, target)
    return 2 * (pred - target) / pred.size


# -- binary cross-entropy (one sigmoid output) -----------------------------------------------


def binary_cross_entropy(p, y):
    """L = −mean(y·log p + (1 − y)·log(1 − p)).

    p: predicted probabilities of class 1, in (0, 1); y: 0/1 targets of the same shape.
    p is clipped to [ε, 1 − ε] so that a confident wrong answer costs a lot but not infinity.
    """
    p, y = np.asarray(p), np.asarray(y)
    check_same_shape(p, y, "p", "y")
    _check_binary_targets(y)
    eps = _clip_eps(p.dtype)
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _check_binary_targets(y):
    if y.size and (y.min() < 0 or y.max() > 1):
        raise ValueError(
            f"Binary cross-entropy needs targets between 0 and 1, got values from {y.min()} "
            f"to {y.max()}. For more than two classes use SoftmaxCrossEntropyLoss."
        )


def binary_cross_entropy_gradient(p, y):
    """dL/dp = (p − y) / (p(1 − p)) / p.size, with p clipped as in the loss."""
    p, y = np.asarray(p), np.asarray(y)
    check_same_shape(p, y, "p", "y")
    eps = _clip_eps(p.dtype)
    p = np.clip(p, eps, 1 - eps)
    return (p - y) / (p * (1 - p)) / p.size


# -- categorical cross-entropy (probabilities from a softmax) --------------------------------


def cross_entropy(P, y):
    """L = −(1/n) Σ_i log P[i, y_i], the mean negative log-probability of the true class.

    P: (n, k) predicted probabilities (rows sum to 1); y: labels (n,) or one-hot rows (n, k).
    Example: true-class probabilities 0.5, 0.3, 0.4 give −(ln 0.5 + ln 0.3 + ln 0.4)/3 ≈ 0.9378.
    """
    P = _as_2d(P, "P")
    Y = _as_one_hot(y, P, "y")
    eps = _clip_eps(P.dtype)
    return float(-np.sum(Y * np.log(np.clip(P, eps, 1.0))) / len(P))


def cross_entropy_gradient(P, y):
    """dL/dP = −Y / (n·P): (n, k), with P clipped as in the loss."""
    P = _as_2d(P, "P")
    Y = _as_one_hot(y, P, "y")
    eps = _clip_eps(P.dtype)
    return -Y / np.clip(P, eps, 1.0) / len(P)


# -- softmax and cross-entropy fused (from logits) -------------------------------------------


def log_softmax(Z):
    """log softmax(Z) row by row, by the log-sum-exp trick: Z − max − log Σ exp(Z − max).

    Z: (n, k) logits → (n, k) log-probabilities, finite even for logits like 1e4.
    """
    Z = _as_2d(Z, "Z")
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _mean_true_class(values, y):
    """Mean over rows of values[i, true class of i]. values: (n, k); y: labels (n,) or rows (n, k).

    With integer labels this picks one entry per row, without building one-hot rows.
    """
    y = np.asarray(y)
    if y.ndim == 1:
        labels = check_labels(y, len(values), values.shape[1], name="y")
        return float(np.mean(values[np.arange(len(values)), labels]))
    return float(np.sum(_as_one_hot(y, values, "y") * values) / len(values))


def softmax_cross_entropy(Z, y):
    """Cross-entropy of softmax(Z), computed from the logits Z: (n, k) without forming log(P).

    y: labels (n,) or one-hot rows (n, k). Equal to cross_entropy(softmax(Z), y), but exact
    where softmax would round a probability to 0.
    """
    return -_mean_true_class(log_softmax(Z), y)


def _subtract_targets(P, y):
    """P − Y for probabilities P: (n, k) and labels (n,) or one-hot rows (n, k), in place."""
    y = np.asarray(y)
    if y.ndim == 1:
        P[np.arange(len(P)), check_labels(y, len(P), P.shape[1], name="y")] -= 1
    else:
        P -= _as_one_hot(y, P, "y")
    return P


def softmax_cross_entropy_gradient(Z, y):
    """dL/dZ = (softmax(Z) − Y) / n: (n, k). The softmax Jacobian and the log cancel."""
    Z = _as_2d(Z, "Z")
    return _subtract_targets(softmax(Z, axis=1), y) / len(Z)


# -- loss objects for training loops ---------------------------------------------------------


class Loss:
    """Base class: ``forward(pred, target) -> float`` then ``backward() -> dL/dpred``.

    ``is_classification`` tells the training loop whether accuracy makes sense.
    """

    is_classification = False

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def forward(self, pred, target):
        """The mean loss of the batch, a float. Remembers what ``backward`` needs.

        pred: (n, k) network outputs; target: (n, k), or (n,) labels for classification.
        """
        raise NotImplementedError

    def backward(self):
        """dL/dpred for the last ``forward``: an array shaped like pred, already divided by n."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class MSELoss(Loss):
    """Mean squared error, for regression. pred, target: (n, d)."""

    def forward(self, pred, target):
        self.pred, self.target = np.asarray(pred), np.asarray(target)
        return mse(self.pred, self.target)

    def backward(self):
        return mse_gradient(self.pred, self.target).astype(self.pred.dtype, copy=False)


class BinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy on sigmoid probabilities p: (n, 1) against 0/1 targets y: (n, 1)
    or (n,)."""

    is_classification = True

    def forward(self, p, y):
        self.p = np.asarray(p)
        y = np.asarray(y)
        if y.ndim == 1 and self.p.shape == (len(y), 1):
            y = y.reshape(-1, 1)  # labels (n,) for a network with one output column
        _check_binary_targets(y)
        self.y = y.astype(self.p.dtype)
        return binary_cross_entropy(self.p, self.y)

    def backward(self):
        return binary_cross_entropy_gradient(self.p, self.y)


class CrossEntropyLoss(Loss):
    """Cross-entropy on probabilities P: (n, k), e.g. the output of a Softmax layer."""

    is_classification = True

    def forward(self, P, y):
        self.P, self.y = _as_2d(P, "P"), y
        return cross_entropy(self.P, y)

    def backward(self):
        return cross_entropy_gradient(self.P, self.y)


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax followed by cross-entropy, from logits Z: (n, k) — the stable way to train a
    classifier. The network ends in a Dense layer (no Softmax); backward returns (P − Y)/n.
    y: labels (n,) or one-hot rows (n, k).

    It runs once per training step, so it computes P and the loss from one exponential:
    with S = Z − max(Z) per row and E = exp(S), P = E / ΣE and −log P[y] = log ΣE − S[y].
    """

    is_classification = True

    def forward(self, Z, y):
        Z = _as_2d(Z, "Z")
        rows = np.arange(len(Z))
        # Each row's maximum, picked at its argmax: for rows as short as a few classes this is
        # several times faster than Z.max(axis=1), and the loss runs at every step.
        S = Z - Z[rows, Z.argmax(axis=1)][:, None]
        E = np.exp(S)
        total = E.sum(axis=1, keepdims=True)
        self.P = np.divide(E, total, out=E)
        y = np.asarray(y)
        if y.ndim == 1:  # labels: the true classes sit at (row, label), no one-hot rows needed
            self.true_entries = (rows, check_labels(y, len(Z), Z.shape[1], name="y"))
            self.Y = None
            picked = S[self.true_entries]
        else:
            self.true_entries, self.Y = None, _as_one_hot(y, Z, "y")
            picked = np.sum(self.Y * S, axis=1)
        return float(np.log(total).sum() - picked.sum()) / len(Z)

    def backward(self):
        n = len(self.P)
        if self.Y is not None:
            return (self.P - self.Y) / n
        dZ = self.P / n  # (P − Y) / n, where Y is 1 at the true entries and 0 elsewhere
        dZ[self.true_entries] -= 1 / n
        return dZ


LOSSES = {
    "mse": MSELoss,
    "binary_cross_entropy": BinaryCrossEntropyLoss,
    "cross_entropy": CrossEntropyLoss,
    "softmax_cross_entropy": SoftmaxCrossEntropyLoss,
}
