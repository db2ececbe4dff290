"""Cost functions and their gradients (chapter 4).

Each loss is a function ``loss(pred, target) -> float`` with a twin ``loss_gradient(pred, target)``
that returns d𝓛/dpred with pred's shape. ℓ is the loss of one sample and every function here
returns the cost of a batch, their mean 𝓛 = (1/n)·Σ ℓ; so the gradients carry a factor 1/n and a
bigger batch does not mean bigger steps.

Classifiers are trained from **logits**, the outputs of a final linear layer:
``softmax_cross_entropy`` (k classes) and ``binary_cross_entropy_with_logits`` (one output) apply
the softmax or the sigmoid themselves, stably. The versions that take probabilities
(``cross_entropy``, ``binary_cross_entropy``) are there to teach the formulas; they must clip
probabilities away from 0 and 1, which makes their gradients wrong for confidently wrong samples.

Classification targets may be integer labels y: (n,) or one-hot rows Y: (n, k); ``one_hot``
converts the first into the second. Rows of "soft" targets are allowed if each is a probability
vector (non-negative, summing to 1).

The loss objects (``MSELoss``, ``BinaryCrossEntropyWithLogitsLoss``, ``SoftmaxCrossEntropyLoss``,
and the probability-based ``BinaryCrossEntropyLoss`` and ``CrossEntropyLoss``) wrap the same
functions for training loops: ``forward(pred, target) -> float`` remembers its inputs and
``backward() -> d𝓛/dpred``.

Coming from PyTorch: ``torch.nn.CrossEntropyLoss`` takes logits, so it is nnlib's
``SoftmaxCrossEntropyLoss``, not ``CrossEntropyLoss``; ``torch.nn.BCEWithLogitsLoss`` is
``BinaryCrossEntropyWithLogitsLoss`` and ``torch.nn.BCELoss`` is ``BinaryCrossEntropyLoss``.
"""

import numpy as np

from nnlib._validate import check_labels, check_same_shape
from nnlib.activations import sigmoid, softmax
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
    _check_target_rows(target, name)
    return target.astype(P.dtype, copy=False)


def _check_target_rows(Y, name):
    """Target rows Y: (n, k) must be probability vectors: one-hot rows, or soft targets."""
    sums = Y.sum(axis=1)
    if Y.size and (Y.min() < 0 or not np.allclose(sums, 1, atol=1e-4)):
        bad = int(np.argmax((Y < 0).any(axis=1) | ~np.isclose(sums, 1, atol=1e-4)))
        raise ValueError(
            f"Each row of {name} must be a probability vector (entries ≥ 0, summing to 1), like "
            f"a one-hot row; row {bad} is {Y[bad]} (sum {sums[bad]:.4g}). Pass integer labels, "
            "one_hot(labels, k), or divide soft targets by their row sums."
        )


def _as_2d(pred, name="pred"):
    pred = np.asarray(pred)
    if pred.ndim != 2:
        raise ValueError(
            f"{name} must be a batch of shape (n_samples, n_classes), got shape {pred.shape}."
        )
    return pred if pred.dtype.kind == "f" else pred.astype(np.float64)


# -- mean squared error (regression) ---------------------------------------------------------


def mse(pred, target):
    """Mean squared error over all entries: 𝓛 = mean((Ŷ − Y)²) = (1/(n·k)) Σ (Ŷ_ij − Y_ij)².

    pred Ŷ, target Y: the same shape, e.g. (n, k). There is no factor ½, and the mean runs over
    all n·k entries (PyTorch's MSELoss does the same), so one sample's loss is ℓ = mean over
    its k entries and 𝓛 = (1/n)·Σ ℓ.
    """
    pred, target = np.asarray(pred), np.asarray(target)
    check_same_shape(pred, target)
    return float(np.mean((pred - target) ** 2))


def mse_gradient(pred, target):
    """d𝓛/dŶ = 2(Ŷ − Y) / (n·k), the same shape as pred (n·k = pred.size)."""
    pred, target = np.asarray(pred), np.asarray(target)
    check_same_shape(pred, target)
    return 2 * (pred - target) / pred.size


# -- binary cross-entropy (one sigmoid output) -----------------------------------------------


def binary_cross_entropy(p, y):
    """𝓛 = −mean(y·log p + (1 − y)·log(1 − p)), from probabilities (PyTorch: BCELoss).

    p: predicted probabilities of class 1, in (0, 1); y: 0/1 targets of the same shape.
    p is clipped to [ε, 1 − ε] so that a confident wrong answer costs a lot but not infinity.
    To train, prefer ``binary_cross_entropy_with_logits``: in float32 σ(z) rounds to exactly 1
    once z passes about 17, and from there this loss stops growing (at about 15.9) and its
    gradient through the sigmoid is 0 instead of about 1.
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
    """d𝓛/dp = (p − y) / (p(1 − p)) / p.size, with p clipped as in the loss."""
    p, y = np.asarray(p), np.asarray(y)
    check_same_shape(p, y, "p", "y")
    eps = _clip_eps(p.dtype)
    p = np.clip(p, eps, 1 - eps)
    return (p - y) / (p * (1 - p)) / p.size


# -- binary cross-entropy from a logit (the way to train a binary classifier) -----------------


def binary_cross_entropy_with_logits(z, y):
    """Binary cross-entropy of σ(z), computed from the logit z (PyTorch: BCEWithLogitsLoss).

    z: logits (any shape, e.g. (n, 1)); y: 0/1 targets of the same shape. Per entry,
    ℓ = −y·log σ(z) − (1 − y)·log(1 − σ(z)) = max(z, 0) − z·y + log(1 + exp(−abs(z))),
    which never takes the log of 0 and never overflows, even for logits in the thousands.
    Returns the mean over all entries.
    """
    z, y = np.asarray(z), np.asarray(y)
    check_same_shape(z, y, "z", "y")
    _check_binary_targets(y)
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def binary_cross_entropy_with_logits_gradient(z, y):
    """d𝓛/dz = (σ(z) − y) / z.size: the sigmoid's derivative and the log cancel, as for softmax."""
    z, y = np.asarray(z), np.asarray(y)
    check_same_shape(z, y, "z", "y")
    return (sigmoid(z) - y) / z.size


# -- categorical cross-entropy (probabilities from a softmax) --------------------------------


def cross_entropy(P, y):
    """𝓛 = −(1/n) Σ_i log P[i, y_i], the mean negative log-probability of the true class.

    P: (n, k) predicted probabilities (rows sum to 1); y: labels (n,) or one-hot rows (n, k).
    Example: true-class probabilities 0.5, 0.3, 0.4 give −(ln 0.5 + ln 0.3 + ln 0.4)/3 ≈ 0.9378.
    For training, use ``softmax_cross_entropy`` on the logits instead (see CrossEntropyLoss).
    """
    P = _as_2d(P, "P")
    Y = _as_one_hot(y, P, "y")
    eps = _clip_eps(P.dtype)
    return float(-np.sum(Y * np.log(np.clip(P, eps, 1.0))) / len(P))


def cross_entropy_gradient(P, y):
    """d𝓛/dP = −Y / (n·P): (n, k), with P clipped as in the loss."""
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

    y: labels (n,), one-hot rows (n, k) or soft-target rows (n, k) that sum to 1. Equal to
    cross_entropy(softmax(Z), y), but exact where softmax would round a probability to 0.
    PyTorch: torch.nn.functional.cross_entropy (which also takes logits).
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
    """d𝓛/dZ = (softmax(Z) − Y) / n: (n, k). The softmax Jacobian and the log cancel.

    This holds for soft targets too, because each row of Y sums to 1 (which is checked).
    """
    Z = _as_2d(Z, "Z")
    return _subtract_targets(softmax(Z, axis=1), y) / len(Z)


# -- loss objects for training loops ---------------------------------------------------------


class Loss:
    """Base class: ``forward(pred, target) -> float`` then ``backward() -> d𝓛/dpred``.

    ``is_classification`` tells the training loop whether accuracy makes sense, and for a
    network with one output, ``threshold`` is where class 1 begins: 0.5 for a probability, 0 for
    a logit.
    """

    is_classification = False
    threshold = 0.5

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def forward(self, pred, target):
        """The mean loss of the batch, a float. Remembers what ``backward`` needs.

        pred: (n, k) network outputs; target: (n, k), or (n,) labels for classification.
        """
        raise NotImplementedError

    def backward(self):
        """d𝓛/dpred for the last ``forward``: an array shaped like pred, already divided by n."""
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


def _binary_targets_like(z, y):
    """0/1 targets y shaped like the outputs z; labels (n,) for one output column become (n, 1)."""
    y = np.asarray(y)
    if y.ndim == 1 and z.shape == (len(y), 1):
        y = y.reshape(-1, 1)
    _check_binary_targets(y)
    return y.astype(z.dtype)


class BinaryCrossEntropyWithLogitsLoss(Loss):
    """Binary cross-entropy from logits z: (n, 1) against 0/1 targets y: (n, 1) or (n,) — the
    recommended loss for a binary classifier, whose network ends in a Dense layer with one output
    (no Sigmoid). backward returns (σ(z) − y)/n. Accuracy counts z > 0 as class 1.
    PyTorch: nn.BCEWithLogitsLoss.
    """

    is_classification = True
    threshold = 0.0

    def forward(self, z, y):
        self.z = np.asarray(z)
        self.y = _binary_targets_like(self.z, y)
        return binary_cross_entropy_with_logits(self.z, self.y)

    def backward(self):
        return binary_cross_entropy_with_logits_gradient(self.z, self.y).astype(
            self.z.dtype, copy=False
        )


class BinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy on sigmoid probabilities p: (n, 1) against 0/1 targets y: (n, 1)
    or (n,) (PyTorch: nn.BCELoss). For training prefer BinaryCrossEntropyWithLogitsLoss: after a
    Sigmoid in float32, a confidently wrong sample (logit beyond about 17) gets no gradient."""

    is_classification = True

    def forward(self, p, y):
        self.p = np.asarray(p)
        self.y = _binary_targets_like(self.p, y)
        return binary_cross_entropy(self.p, self.y)

    def backward(self):
        return binary_cross_entropy_gradient(self.p, self.y)


class CrossEntropyLoss(Loss):
    """Cross-entropy on probabilities P: (n, k), e.g. the output of a Softmax layer.

    Not the same as PyTorch's nn.CrossEntropyLoss, which takes logits: that one is nnlib's
    SoftmaxCrossEntropyLoss. Train with SoftmaxCrossEntropyLoss too: this loss must clip P at
    1e-7 (float32) to avoid log(0), so when the true class's probability is tiny its gradient is
    wrong (with a logit gap of 20, the gradient at the true logit is 0.021 instead of about 1;
    with a gap of 110 it is 0), and such a sample stops being corrected.
    """

    is_classification = True

    def forward(self, P, y):
        self.P, self.y = _as_2d(P, "P"), y
        return cross_entropy(self.P, y)

    def backward(self):
        return cross_entropy_gradient(self.P, self.y)


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax followed by cross-entropy, from logits Z: (n, k) — the stable way to train a
    classifier. The network ends in a Dense layer (no Softmax); backward returns (P − Y)/n.
    y: labels (n,), or one-hot or soft-target rows (n, k) that sum to 1.
    PyTorch: nn.CrossEntropyLoss (which also takes logits).

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
    "binary_cross_entropy_with_logits": BinaryCrossEntropyWithLogitsLoss,
    "binary_cross_entropy": BinaryCrossEntropyLoss,
    "cross_entropy": CrossEntropyLoss,
    "softmax_cross_entropy": SoftmaxCrossEntropyLoss,
}
