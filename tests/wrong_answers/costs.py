"""Wrong answers to chapter 4's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np

# -- the mean squared error and its gradient -------------------------------------------------


def mse_summed(Y_hat, Y):
    errors = Y_hat - Y
    return (errors**2).sum(), 2 * errors


def mse_summed_cost_only(Y_hat, Y):
    diff = Y_hat - Y
    cost = 0.0
    for value in diff.flat:  # adds up the squares, but never divides
        cost += value**2
    return cost, 2 * diff / diff.size


def mse_per_sample_sums(Y_hat, Y):
    cost = np.mean(np.sum((Y_hat - Y) ** 2, axis=1))  # mean over the samples only
    return cost, 2 * (Y_hat - Y) / Y.shape[0]


def mse_with_a_half(Y_hat, Y):
    errors = Y_hat - Y
    return 0.5 * np.mean(np.square(errors)), errors / Y.size


def mse_per_sample(Y_hat, Y):
    errors = Y_hat - Y
    return np.mean(errors**2, axis=1), 2 * errors / errors.size


def mse_gradient_flipped(Y_hat, Y):
    cost = np.mean((Y - Y_hat) ** 2)
    return cost, 2 * (Y - Y_hat) / Y.size


def mse_gradient_without_2(Y_hat, Y):
    d = Y_hat - Y
    return np.mean(d * d), d / d.size


def mse_gradient_not_averaged(Y_hat, Y):
    d = Y_hat - Y
    return (d**2).mean(), 2 * d


def mse_cost_only(Y_hat, Y):
    return np.mean((Y_hat - Y) ** 2)


# -- categorical cross-entropy ---------------------------------------------------------------


def ce_textbook_formula(P, Y):
    return -np.sum(Y * np.log(P)) / P.shape[0]


def ce_summed(P, Y):
    return -np.log(P[Y == 1]).sum()


def ce_mean_of_all_entries(P, Y):
    return -np.mean(Y * np.log(P + 1e-12))


def ce_all_classes(P, Y):
    return -np.log(P).sum(axis=1).mean()


def ce_columns(P, Y):
    true_p = np.max(Y * P, axis=0)
    return -np.mean(np.log(true_p))


def ce_no_minus(P, Y):
    return np.log(np.sum(P * Y, axis=1)).mean()


def ce_log_of_mean(P, Y):
    return -np.log(np.mean(np.max(Y * P, axis=1)))


def ce_one_hot_as_index(P, Y):
    return -np.mean(np.log(P[range(len(P)), Y]))


# -- softmax cross-entropy from logits -------------------------------------------------------


def sce_naive_softmax(Z, y):
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(len(y)), y]))


def sce_loop_without_shift(Z, y):
    total = 0.0
    for i in range(len(Z)):
        total += np.log(np.sum(np.exp(Z[i]))) - Z[i, y[i]]
    return total / len(Z)


def sce_stable_softmax_then_log(Z, y):
    shifted = Z - np.max(Z, axis=1, keepdims=True)
    P = np.exp(shifted)
    P = P / P.sum(axis=1, keepdims=True)
    return -np.log(P[np.arange(len(Z)), y]).mean()


def sce_global_max(Z, y):
    log_P = Z - Z.max() - np.log(np.exp(Z - Z.max()).sum(axis=1, keepdims=True))
    return -np.mean(log_P[np.arange(len(y)), y])


def sce_no_keepdims(Z, y):
    row_max = Z.max(axis=1)
    shifted = Z - row_max
    lse = row_max + np.log(np.exp(shifted).sum(axis=1))
    picked = np.array([Z[i, label] for i, label in enumerate(y)])
    return float(np.mean(lse - picked))


def sce_max_not_added_back(Z, y):
    S = Z - Z.max(axis=1, keepdims=True)
    return np.mean(np.log(np.exp(S).sum(axis=1)) - Z[np.arange(len(Z)), y])


def sce_whole_columns(Z, y):
    m = Z.max(axis=1, keepdims=True)
    log_P = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return -np.mean(log_P[:, y])


def sce_summed(Z, y):
    total = 0.0
    for z_row, label in zip(Z, y):
        m = z_row.max()
        total += m + np.log(np.sum(np.exp(z_row - m))) - z_row[label]
    return total


def sce_mean_over_one_hot(Z, y):
    Y = np.eye(Z.shape[1])[y]
    m = Z.max(axis=1, keepdims=True)
    log_P = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return -np.mean(Y * log_P)


WRONG_ANSWERS = {
    "mse_and_gradient": [
        (mse_summed, "That is the sum of the squared errors"),
        (mse_summed_cost_only, "That is the sum of the squared errors"),
        (mse_per_sample_sums, "You divided by n, the number of samples, only"),
        (mse_with_a_half, "the convention with a factor ½"),
        (mse_per_sample, "Your cost has one value per sample"),
        (mse_gradient_flipped, "The gradient has the wrong sign"),
        (mse_gradient_without_2, "missing the factor 2"),
        (mse_gradient_not_averaged, "the gradient must be divided by n·k as well"),
        (mse_cost_only, "Return both results as a pair"),
    ],
    "cross_entropy": [
        (ce_textbook_formula, "Y·log P is 0·(−∞) = NaN"),
        (ce_summed, "That is the sum over the batch"),
        (ce_mean_of_all_entries, "divides by all n·k entries"),
        (ce_all_classes, "Only the true class's probability counts"),
        (ce_columns, "pick the true class within each row"),
        (ce_no_minus, "Mind the sign"),
        (ce_log_of_mean, "That is the log of a sum (or of a mean)"),
        (ce_one_hot_as_index, "Y holds one-hot rows, not class labels"),
    ],
    "softmax_cross_entropy": [
        (sce_naive_softmax, "Your result contains NaN"),
        (sce_loop_without_shift, "e^1000 overflows to inf"),
        (sce_stable_softmax_then_log, "underflows to exactly 0"),
        (sce_global_max, "each row's *own* maximum"),
        (sce_no_keepdims, "without keepdims=True has shape (n,)"),
        (sce_max_not_added_back, "did not add it back"),
        (sce_whole_columns, "Z[:, y] picks whole columns"),
        (sce_summed, "That is the sum over the batch"),
        (sce_mean_over_one_hot, "averaged over all n·k entries"),
    ],
}
