"""Checkers for chapter 4, Cost functions."""

import numpy as np

from nnlib import losses
from nnlib.data import one_hot
from nnlib.exercises.engine import Case, Exercise, Mistake, described, make_check


def _has_nan(case, got):
    return np.isnan(np.asarray(got, dtype=np.float64)).any()


def _matches(got, value):
    """True if the learner's result got equals value (both finite or equally inf/nan)."""
    got = np.asarray(got, dtype=np.float64)
    value = np.asarray(value, dtype=np.float64)
    if got.shape != value.shape:
        return False
    return np.allclose(got, value, rtol=1e-4, atol=1e-6, equal_nan=True)


# -- mean squared error and its gradient -----------------------------------------------------


def mse_and_gradient(Y_hat, Y):
    """Reference: (𝓛, d𝓛/dŶ) of the mean squared error. Y_hat, Y: (n, k) → (float, (n, k))."""
    return losses.mse(Y_hat, Y), losses.mse_gradient(Y_hat, Y)


def _mse_case(Y_hat, Y, note):
    Y_hat, Y = np.array(Y_hat, dtype=np.float64), np.array(Y, dtype=np.float64)
    return Case((Y_hat, Y), described(note, Y_hat=Y_hat, Y=Y))


def _gradient_is(wrong_gradient):
    """A detector: the learner's gradient (the second result) equals wrong_gradient(Y_hat, Y)."""

    def detect(case, got):
        return _matches(got[1], wrong_gradient(*case.args))

    return detect


def _cost_is(wrong_cost):
    """A detector: the learner's cost (the first result) equals wrong_cost(Y_hat, Y), whatever
    the gradient; so a cost summed instead of averaged is named even with a right gradient."""

    def detect(case, got):
        return len(got) == 2 and _matches(got[0], wrong_cost(*case.args))

    return detect


def _per_sample_costs(case, got):
    """The first result has one entry per sample instead of being a single number."""
    return np.ndim(got[0]) == 1 and len(got[0]) == len(case.args[0])


def _not_a_pair(case, got):
    return not isinstance(got, (tuple, list))


MSE = Exercise(
    id="mse_and_gradient",
    title="the mean squared error and its gradient",
    reference=mse_and_gradient,
    solved_by=(losses.mse, losses.mse_gradient, losses.MSELoss.forward, losses.MSELoss.backward),
    result_names=("cost", "gradient"),
    cases=[
        _mse_case(
            [[2.5, 0.0], [1.0, 2.0], [3.0, -1.0]],
            [[3.0, 0.5], [1.0, 1.0], [2.0, -1.0]],
            "the chapter's example: n = 3 samples, k = 2 outputs",
        ),
        _mse_case(
            [[1.0, 2.0, 0.5], [-1.0, 0.0, 4.0], [2.0, 2.0, -3.0]],
            [[0.0, 2.5, 0.5], [1.0, 0.0, 1.0], [2.0, -2.0, -3.0]],
            "a square batch: n = k = 3",
        ),
        _mse_case(
            [[0.5], [1.5], [-2.0], [4.0]],
            [[1.0], [1.0], [-1.0], [2.0]],
            "one output per sample: n = 4, k = 1",
        ),
        _mse_case(
            [[0.1, 0.2, 0.3, 0.4, 0.5]],
            [[0.0, 0.0, 1.0, 1.0, 0.0]],
            "a single sample: n = 1, k = 5",
        ),
    ],
    mistakes=[
        Mistake(
            "That is the sum of the squared errors. 𝓛 is their mean over all n·k entries "
            "(np.mean, or the sum divided by Y_hat.size), and the gradient of a mean carries the "
            "same factor: 2(Ŷ − Y)/(n·k).",
            wrong=lambda Y_hat, Y: (np.sum((Y_hat - Y) ** 2), 2 * (Y_hat - Y)),
            detect=_cost_is(lambda Y_hat, Y: np.sum((Y_hat - Y) ** 2)),
        ),
        Mistake(
            "You divided by n, the number of samples, only. The book's MSE averages over all "
            "n·k entries (each sample's loss ℓ is the mean over its k outputs), so divide by "
            "n·k = Y_hat.size, in the cost and in the gradient.",
            wrong=lambda Y_hat, Y: (
                np.sum((Y_hat - Y) ** 2) / len(Y),
                2 * (Y_hat - Y) / len(Y),
            ),
            detect=_cost_is(lambda Y_hat, Y: np.sum((Y_hat - Y) ** 2) / len(Y)),
        ),
        Mistake(
            "That is the convention with a factor ½ (𝓛 = ½·mean, gradient (Ŷ − Y)/(n·k)). This "
            "book, nnlib and PyTorch use no ½: 𝓛 = mean((Ŷ − Y)²) and the gradient is "
            "2(Ŷ − Y)/(n·k).",
            wrong=lambda Y_hat, Y: (
                np.mean((Y_hat - Y) ** 2) / 2,
                (Y_hat - Y) / Y_hat.size,
            ),
            detect=_cost_is(lambda Y_hat, Y: np.mean((Y_hat - Y) ** 2) / 2),
        ),
        Mistake(
            "Return both results as a pair: `return cost, gradient`.",
            detect=_not_a_pair,
        ),
        Mistake(
            "Your cost has one value per sample (a mean along axis=1: the losses ℓ). The cost 𝓛 "
            "is one number, the mean over all entries: np.mean((Y_hat - Y) ** 2) with no axis.",
            detect=_per_sample_costs,
        ),
        Mistake(
            "The gradient has the wrong sign. The derivative of (ŷ − y)² with respect to ŷ is "
            "+2(ŷ − y): it is positive where the prediction is too large.",
            detect=_gradient_is(lambda Y_hat, Y: 2 * (Y - Y_hat) / Y_hat.size),
        ),
        Mistake(
            "The gradient is missing the factor 2 that the square brings down: "
            "d(u²)/du = 2u, so d𝓛/dŶ = 2(Ŷ − Y)/(n·k).",
            detect=_gradient_is(lambda Y_hat, Y: (Y_hat - Y) / Y_hat.size),
        ),
        Mistake(
            "Your cost is right, but the gradient must be divided by n·k as well: 𝓛 is a mean, "
            "so every entry of Ŷ counts 1/(n·k) towards it. Use 2 * (Y_hat - Y) / Y_hat.size.",
            detect=_gradient_is(lambda Y_hat, Y: 2 * (Y_hat - Y)),
        ),
        Mistake(
            "Your gradient is divided by n only; the cost averages over all n·k entries, so "
            "divide by Y_hat.size.",
            detect=_gradient_is(lambda Y_hat, Y: 2 * (Y_hat - Y) / len(Y_hat)),
        ),
    ],
    default_hint=(
        "With D = Y_hat − Y: the cost is the mean of D² over all n·k entries, a single number, "
        "and the gradient is 2·D / D.size, an array shaped like Y_hat. Return them as a pair."
    ),
)

check_mse_and_gradient = make_check(MSE)


# -- categorical cross-entropy from probabilities --------------------------------------------


def cross_entropy(P, Y):
    """Reference: −(1/n) Σ_i log P[i, true class of i]. P, Y: (n, k) → float."""
    return losses.cross_entropy(P, Y)


def _cross_entropy_case(P, labels, note):
    P = np.array(P, dtype=np.float64)
    Y = one_hot(np.array(labels), P.shape[1]).astype(np.float64)
    return Case((P, Y), described(note, P=P, Y=Y))


def _log_of_a_sum(case, got):
    """−log of the summed (or averaged) true-class probabilities, instead of a mean of logs."""
    P, Y = case.args
    picked = np.sum(Y * P, axis=1)
    candidates = [-np.log(picked.sum()), -np.log(picked.sum()) / len(P), -np.log(picked.mean())]
    return any(_matches(got, value) for value in candidates)


CROSS_ENTROPY = Exercise(
    id="cross_entropy",
    title="categorical cross-entropy",
    reference=cross_entropy,
    solved_by=(losses.cross_entropy, losses.CrossEntropyLoss.forward),
    cases=[
        _cross_entropy_case(
            [[0.5, 0.2, 0.2, 0.1], [0.1, 0.3, 0.4, 0.2], [0.25, 0.25, 0.1, 0.4]],
            [0, 1, 3],
            "the chapter's example: n = 3, k = 4, true-class probabilities 0.5, 0.3, 0.4",
        ),
        _cross_entropy_case(
            [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5]],
            [1, 2, 0],
            "a square batch: n = k = 3",
        ),
        _cross_entropy_case(
            [[0.0, 0.9, 0.1], [0.5, 0.5, 0.0]],
            [1, 0],
            "probability exactly 0 for a class that is not the true one",
        ),
        _cross_entropy_case(
            [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.99, 0.01]],
            [0, 1, 1, 1, 0],
            "n = 5 samples, k = 2 classes",
        ),
    ],
    mistakes=[
        Mistake(
            "Your result is NaN: where P is 0 for a class that is not the true one, Y·log P is "
            "0·(−∞) = NaN in NumPy. Pick each sample's true-class probability first, "
            "np.sum(Y * P, axis=1), and take the log of those n numbers only.",
            wrong=lambda P, Y: -np.sum(Y * np.log(P)) / len(P),
        ),
        Mistake(
            "That is the sum over the batch. 𝓛 is the mean over the n samples: divide by n "
            "(len(P)).",
            wrong=lambda P, Y: -np.sum(np.log(np.sum(Y * P, axis=1))),
        ),
        Mistake(
            "np.mean over Y * log P divides by all n·k entries, but only n of them (the true "
            "classes) are non-zero. Cross-entropy averages over the n samples: divide the sum "
            "by n.",
            wrong=lambda P, Y: -np.mean(np.log(np.sum(Y * P, axis=1))) / P.shape[1],
        ),
        Mistake(
            "Only the true class's probability counts: multiply by Y (or pick P[i, y_i]) "
            "before taking the log, instead of using the probabilities of all classes.",
            wrong=lambda P, Y: -np.sum(np.log(P)) / len(P),
        ),
        Mistake(
            "Only the true class's probability counts: multiply by Y (or pick P[i, y_i]) "
            "before taking the log, instead of averaging the logs of all classes.",
            wrong=lambda P, Y: -np.mean(np.log(P)),
        ),
        Mistake(
            "Each row is one sample, so pick the true class within each row: "
            "np.sum(Y * P, axis=1), not axis=0.",
            wrong=lambda P, Y: -np.mean(np.log(np.sum(Y * P, axis=0))),
        ),
        Mistake(
            "Mind the sign: log p ≤ 0 for a probability, so the cost −(1/n)·Σ log p is "
            "positive, and it is 0 only for a perfect prediction.",
            wrong=lambda P, Y: np.mean(np.log(np.sum(Y * P, axis=1))),
        ),
        Mistake(
            "That is the log of a sum (or of a mean). Take the log of each sample's true-class "
            "probability first, then average the n logs: −mean(log p_i).",
            detect=_log_of_a_sum,
        ),
        Mistake(
            "Y holds one-hot rows, not class labels, so it cannot index P. Multiply instead: "
            "np.sum(Y * P, axis=1) is each sample's true-class probability (or get the labels "
            "with Y.argmax(axis=1)).",
            wrong=lambda P, Y: -np.mean(np.log(P[np.arange(len(P)), Y])),
        ),
    ],
    default_hint=(
        "For each sample (row) take the probability of its true class, p_i = Σ_j Y_ij·P_ij "
        "(np.sum(Y * P, axis=1)), then return −mean(log p_i): one number, averaged over the n "
        "samples."
    ),
)

check_cross_entropy = make_check(CROSS_ENTROPY)


# -- softmax cross-entropy from logits, by log-sum-exp ---------------------------------------


def softmax_cross_entropy(Z, y):
    """Reference: mean over rows of log Σ_j e^(z_j) − z_true. Z: (n, k), y: (n,) → float."""
    return losses.softmax_cross_entropy(Z, y)


def _logits_case(Z, y, note):
    Z, y = np.array(Z, dtype=np.float64), np.array(y)
    return Case((Z, y), described(note, Z=Z, y=y))


def _rows(Z):
    return np.arange(len(Z))


def _lse_without_shift(Z, y):
    lse = np.log(np.sum(np.exp(Z), axis=1))
    return np.mean(lse - Z[_rows(Z), y])


def _softmax_then_log(Z, y):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[_rows(Z), y]))


def _global_max(Z, y):
    m = Z.max()
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1))
    return np.mean(lse - Z[_rows(Z), y])


def _max_without_keepdims(Z, y):
    m = Z.max(axis=1)
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1))
    return np.mean(lse - Z[_rows(Z), y])


def _max_not_added_back(Z, y):
    m = Z.max(axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(Z - m), axis=1))
    return np.mean(lse - Z[_rows(Z), y])


def _whole_columns(Z, y):
    m = Z.max(axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    return np.mean(lse - Z[:, y])


def _shifted_along_axis_0(Z, y):
    m = Z.max(axis=0, keepdims=True)
    log_P = Z - m - np.log(np.sum(np.exp(Z - m), axis=0, keepdims=True))
    return -np.mean(log_P[_rows(Z), y])


def _stable_log_softmax(Z):
    m = Z.max(axis=1, keepdims=True)
    return Z - m - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))


SOFTMAX_CROSS_ENTROPY = Exercise(
    id="softmax_cross_entropy",
    title="softmax cross-entropy from logits",
    reference=softmax_cross_entropy,
    solved_by=(
        losses.softmax_cross_entropy,
        losses.log_softmax,
        losses.SoftmaxCrossEntropyLoss.forward,
    ),
    cases=[
        _logits_case(
            [[1.0, 3.0, -2.0], [0.5, -1.0, 2.0], [4.0, 0.0, 1.0]],
            [2, 0, 1],
            "a square batch: n = k = 3",
        ),
        _logits_case([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]], [0, 1], "n = 2 samples, k = 3 classes"),
        _logits_case(
            [[1000.0, 999.0], [0.0, 1.0], [-3.0, 2.0], [0.0, 0.0]],
            [1, 1, 0, 1],
            "rows of very different size: n = 4, k = 2",
        ),
        _logits_case(
            [[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0]],
            [0, 0],
            "logits of ±1000 in one row; sample 2 is confidently wrong (its loss is 2000)",
        ),
    ],
    forbid_overflow=True,
    mistakes=[
        Mistake(
            "The softmax probability of a confidently wrong sample underflows to exactly 0 "
            "(e^(−2000)), and log(0) = −∞. Do not form P: stay in log space, "
            "ℓ = m + log Σ_j e^(z_j − m) − z_true, with m each row's maximum.",
            wrong=_softmax_then_log,
        ),
        Mistake(
            "e^1000 overflows to inf. Subtract each row's maximum m first and add it back: "
            "log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m), with m = Z.max(axis=1, keepdims=True).",
            wrong=_lse_without_shift,
        ),
        Mistake(
            "Your result contains NaN, usually inf / inf or inf − inf from an overflowing "
            "exponent. Shift each row by its maximum before np.exp, and do not divide by the "
            "sum: use log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m).",
            detect=_has_nan,
        ),
        Mistake(
            "Subtract each row's *own* maximum, Z.max(axis=1, keepdims=True). With the maximum "
            "of the whole array, every exponent of a row of small logits underflows to 0, and "
            "log(0) = −∞.",
            wrong=_global_max,
        ),
        Mistake(
            "Z.max(axis=1) without keepdims=True has shape (n,), and Z − m then subtracts it "
            "from the *columns* (or fails to broadcast). Keep the axis: "
            "Z.max(axis=1, keepdims=True) has shape (n, 1).",
            wrong=_max_without_keepdims,
        ),
        Mistake(
            "You subtracted the maximum m but did not add it back: "
            "log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m).",
            wrong=_max_not_added_back,
        ),
        Mistake(
            "Z[:, y] picks whole columns, an (n, n) array. To pick one entry per row, the true "
            "class's logit, use Z[np.arange(n), y].",
            wrong=_whole_columns,
        ),
        Mistake(
            "Each row is one sample: take the maximum and the sum along axis=1 (with "
            "keepdims=True), not axis=0.",
            wrong=_shifted_along_axis_0,
        ),
        Mistake(
            "That is the sum over the batch; 𝓛 is the mean over the n samples.",
            wrong=lambda Z, y: -np.sum(_stable_log_softmax(Z)[_rows(Z), y]),
        ),
        Mistake(
            "That is averaged over all n·k entries of a one-hot mask, but only n of them are "
            "non-zero: divide by n, the number of samples.",
            wrong=lambda Z, y: -np.mean(one_hot(y, Z.shape[1]) * _stable_log_softmax(Z)),
        ),
        Mistake(
            "Mind the sign: the loss is log Σ_j e^(z_j) − z_true, which is never negative.",
            wrong=lambda Z, y: np.mean(_stable_log_softmax(Z)[_rows(Z), y]),
        ),
    ],
    default_hint=(
        "For each row: m = its maximum, ℓ = m + log Σ_j e^(z_j − m) − z_true; then average "
        "over the n rows. Use keepdims=True in the max and the sum, and pick the true logits "
        "with Z[np.arange(n), y]."
    ),
)

check_softmax_cross_entropy = make_check(SOFTMAX_CROSS_ENTROPY)

EXERCISES = [MSE, CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY]
