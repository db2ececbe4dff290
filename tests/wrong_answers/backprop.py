"""Wrong answers to chapter 6's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np

# -- dense_backward(dZ, A_prev, W) -> (dA_prev, dW, db) --------------------------------------


def dense_no_transpose(dZ, A_prev, W):
    dA_prev = np.dot(dZ, W)  # forgot that W goes the other way on the way back
    dW = np.dot(A_prev.T, dZ)
    db = np.sum(dZ, axis=0)
    return dA_prev, dW, db


def dense_dw_upside_down(dZ, A_prev, W):
    grad_W = np.matmul(dZ.T, A_prev)
    return np.matmul(dZ, W.T), grad_W, dZ.sum(0)


def dense_averages_again(dZ, A_prev, W):
    n = dZ.shape[0]
    dW = (A_prev.T @ dZ) / n
    db = np.sum(dZ, axis=0) / n
    return dZ @ W.T, dW, db


def dense_bias_per_sample(dZ, A_prev, W):
    db = np.sum(dZ, axis=1)  # "sum over the outputs"
    return dZ @ W.T, A_prev.T @ dZ, db


def dense_bias_unsummed(dZ, A_prev, W):
    db = dZ.copy()
    return dZ @ W.T, A_prev.T @ dZ, db


def dense_bias_kept_2d(dZ, A_prev, W):
    return dZ @ W.T, A_prev.T @ dZ, np.sum(dZ, axis=0, keepdims=True)


def dense_two_bugs(dZ, A_prev, W):
    # dA_prev is right; dW is transposed *and* db is averaged: the first one is named
    return dZ @ W.T, dZ.T @ A_prev, dZ.mean(axis=0)


# -- sigmoid_backward(dA, Z) -> dZ -----------------------------------------------------------


def sigmoid_only_derivative(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return s * (1 - s)


def sigmoid_of_z_forgotten(dA, Z):
    return dA * (Z * (1 - Z))


def sigmoid_twice(dA, Z):
    A = 1 / (1 + np.exp(-Z))
    sA = 1 / (1 + np.exp(-A))  # took the derivative at A
    return dA * sA * (1 - sA)


def sigmoid_half_derivative(dA, Z):
    return dA / (1 + np.exp(-Z))


def sigmoid_matrix_product(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return np.dot(dA, s * (1 - s))


def sigmoid_summed(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return (dA * s * (1 - s)).sum(axis=0)


def sigmoid_in_place(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    dA *= s * (1 - s)  # right numbers, but the caller's dA is overwritten
    return dA


# -- two_layer_backward(X, Y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2) -------------------------


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def two_layer_no_mean(X, Y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = np.maximum(0, Z1)
    P = _softmax(A1 @ W2 + b2)
    dZ2 = P - Y  # forgot the 1/n of the batch mean
    dZ1 = dZ2 @ W2.T * (Z1 > 0)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def two_layer_mean_twice(X, Y, W1, b1, W2, b2):
    n = len(X)
    Z1 = X @ W1 + b1
    A1 = np.maximum(0, Z1)
    P = _softmax(A1 @ W2 + b2)
    dZ2 = (P - Y) / n
    dZ1 = dZ2 @ W2.T * (Z1 > 0)
    return X.T @ dZ1 / n, dZ1.mean(axis=0), A1.T @ dZ2 / n, dZ2.mean(axis=0)


def two_layer_no_relu_derivative(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    A1 = np.maximum(0, X @ W1 + b1)
    dZ2 = (_softmax(A1 @ W2 + b2) - Y) / n
    dZ1 = dZ2 @ W2.T
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def two_layer_relu_of_gradient(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    A1 = np.maximum(0, X @ W1 + b1)
    dZ2 = (_softmax(A1 @ W2 + b2) - Y) / n
    dA1 = dZ2 @ W2.T
    dZ1 = np.where(dA1 > 0, dA1, 0.0)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def two_layer_mask_with_equal(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(0, Z1)
    dZ2 = (_softmax(A1 @ W2 + b2) - Y) / n
    dZ1 = (dZ2 @ W2.T) * np.where(Z1 >= 0, 1.0, 0.0)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def two_layer_transposed_weight_grads(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(0, Z1)
    dZ2 = (_softmax(A1 @ W2 + b2) - Y) / n
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return dZ1.T @ X, dZ1.sum(axis=0), dZ2.T @ A1, dZ2.sum(axis=0)


def two_layer_wrong_sign(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(0, Z1)
    dZ2 = (Y - _softmax(A1 @ W2 + b2)) / n
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)


def two_layer_only_first_bias_wrong(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(0, Z1)
    dZ2 = (_softmax(A1 @ W2 + b2) - Y) / n
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return X.T @ dZ1, dZ1.sum(axis=1), A1.T @ dZ2, dZ2.sum(axis=0)


WRONG_ANSWERS = {
    "dense_backward": [
        (dense_no_transpose, "dA_prev needs W transposed"),
        (dense_dw_upside_down, "its transpose"),
        (dense_averages_again, "Don't divide by n again"),
        (dense_bias_per_sample, "not along axis=1"),
        (dense_bias_unsummed, "sum them, db = dZ.sum(axis=0)"),
        (dense_bias_kept_2d, "drop keepdims=True"),
        (dense_two_bugs, "dZ.T @ A_prev, its transpose"),
    ],
    "sigmoid_backward": [
        (sigmoid_only_derivative, "You returned σ′(Z) alone"),
        (sigmoid_of_z_forgotten, "compute s = sigmoid(Z) first"),
        (sigmoid_twice, "instead of at Z"),
        (sigmoid_half_derivative, "The factor (1 − σ(z)) is missing"),
        (sigmoid_matrix_product, "use *, not @ or np.dot"),
        (sigmoid_summed, "adds nothing up"),
        (sigmoid_in_place, "changed its input dA in place"),
    ],
    "two_layer_backward": [
        (two_layer_no_mean, "Divide by n once"),
        (two_layer_mean_twice, "Don't divide by n twice"),
        (two_layer_no_relu_derivative, "Forgetting g′"),
        (two_layer_relu_of_gradient, "You applied ReLU to the gradient"),
        (two_layer_mask_with_equal, "not (Z1 >= 0)"),
        (two_layer_transposed_weight_grads, "not dZ.T @ A_prev"),
        (two_layer_wrong_sign, "check the sign"),
        (two_layer_only_first_bias_wrong, "sum dZ over the batch, axis=0"),
    ],
}
