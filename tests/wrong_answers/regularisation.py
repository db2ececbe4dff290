"""Wrong answers to chapter 10's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np

# -- l2_regularise(cost, W, b, dW, db, lam) -> (cost, dW, db) --------------------------------


def l2_no_half(cost, W, b, dW, db, lam):
    penalty = lam * (W**2).sum()  # "λ times the squared norm"
    return cost + penalty, dW + lam * W, db


def l2_gradient_of_the_square(cost, W, b, dW, db, lam):
    new_cost = cost + 0.5 * lam * np.sum(np.square(W))
    new_dW = dW + 2 * lam * W  # d/dW of W² is 2W ... but the ½ was forgotten here
    return new_cost, new_dW, db


def l2_every_parameter(cost, W, b, dW, db, lam):
    for p in (W, b):
        cost = cost + lam / 2 * np.sum(p * p)
    return cost, dW + lam * W, db + lam * b


def l2_pushes_away(cost, W, b, dW, db, lam):
    return cost + lam * np.sum(W**2) / 2, dW - lam * W, db


def l2_only_the_penalty_gradient(cost, W, b, dW, db, lam):
    grad_W = lam * W
    return cost + lam / 2 * (W * W).sum(), grad_W, db


def l2_in_place(cost, W, b, dW, db, lam):
    dW += lam * W  # right values, but the caller's dW is overwritten
    return cost + lam / 2 * np.sum(W**2), dW, db


def l2_norm_not_squared(cost, W, b, dW, db, lam):
    return cost + lam / 2 * np.linalg.norm(W), dW + lam * W, db


# -- dropout_forward(X, p, U, training) -> Y -------------------------------------------------


def dropout_forgets_to_rescale(X, p, U, training):
    if training:
        mask = (U > p).astype(float)
        return X * mask
    return X


def dropout_keeps_the_dropped(X, p, U, training):
    if not training:
        return X
    keep = U < p  # "U < p: the entry survives"
    return np.where(keep, X / (1 - p), 0.0)


def dropout_always_on(X, p, U, training):
    return np.where(U >= p, X / (1 - p), 0.0)  # ignores training


def dropout_old_style_evaluation(X, p, U, training):
    if training:
        return X * (U >= p) / (1 - p)
    return (1 - p) * X  # "expected value at test time"


def dropout_scales_by_p(X, p, U, training):
    if not training:
        return X
    scale = 1 / p
    return X * (U >= p) * scale


def dropout_in_place(X, p, U, training):
    if training:
        X[U < p] = 0
        X /= 1 - p
    return X


# -- batchnorm_forward(X, gamma, beta, eps) -> Y ---------------------------------------------


def batchnorm_per_sample(X, gamma, beta, eps):
    mu = np.mean(X, axis=1, keepdims=True)
    var = np.mean((X - mu) ** 2, axis=1, keepdims=True)
    return gamma * (X - mu) / np.sqrt(var + eps) + beta


def batchnorm_eps_outside(X, gamma, beta, eps):
    X_norm = (X - X.mean(0)) / (np.std(X, 0) + eps)
    return gamma * X_norm + beta


def batchnorm_unbiased(X, gamma, beta, eps):
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    var = ((X - mean) ** 2).sum(axis=0) / (n - 1)  # the "sample variance"
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def batchnorm_no_scale_and_shift(X, gamma, beta, eps):
    return (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)


def batchnorm_global_statistics(X, gamma, beta, eps):
    return gamma * (X - X.mean()) / np.sqrt(X.var() + eps) + beta


def batchnorm_in_place(X, gamma, beta, eps):
    X -= X.mean(axis=0)
    X /= np.sqrt(X.var(axis=0) + eps)
    return gamma * X + beta


WRONG_ANSWERS = {
    "l2_regularise": [
        (l2_no_half, "with the ½"),
        (l2_gradient_of_the_square, "not 2λ·W"),
        (l2_every_parameter, "Leave the biases alone"),
        (l2_pushes_away, "Check the sign"),
        (l2_only_the_penalty_gradient, "Keep the data gradient"),
        (l2_in_place, "changed its input dW"),
        (l2_norm_not_squared, "Three results"),
    ],
    "dropout_forward": [
        (dropout_forgets_to_rescale, "Scale the kept entries by 1 / (1 − p)"),
        (dropout_keeps_the_dropped, "You dropped with probability 1 − p"),
        (dropout_always_on, "In evaluation (training=False) dropout does nothing"),
        (dropout_old_style_evaluation, "not X·(1 − p)"),
        (dropout_scales_by_p, "Divide by 1 − p"),
        (dropout_in_place, "changed its input X"),
    ],
    "batchnorm_forward": [
        (batchnorm_per_sample, "Normalise each feature (column)"),
        (batchnorm_eps_outside, "ε goes under the square root"),
        (batchnorm_unbiased, "(biased) variance"),
        (batchnorm_no_scale_and_shift, "scale and shift"),
        (batchnorm_global_statistics, "Per column"),
        (batchnorm_in_place, "changed its input X"),
    ],
}
