"""Wrong answers to chapter 11's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# -- conv2d ----------------------------------------------------------------------------------


def _conv_with_np_flip(image, kernel):
    kernel = np.flip(kernel)  # "convolution flips the kernel", as in a signals course
    h, w = image.shape
    kh, kw = kernel.shape
    out = np.zeros((h - kh + 1, w - kw + 1))
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def _conv_range_without_plus_one(image, kernel):
    kh, kw = kernel.shape
    rows, cols = image.shape[0] - kh, image.shape[1] - kw
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out


def _conv_zero_padded(image, kernel):
    kh, kw = kernel.shape
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = np.zeros((image.shape[0] + kh - 1, image.shape[1] + kw - 1))
    padded[top : top + image.shape[0], left : left + image.shape[1]] = image
    windows = sliding_window_view(padded, (kh, kw))
    return (windows * kernel).sum(axis=(-2, -1))


def _conv_swapped_indices(image, kernel):
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((out_w, out_h))
    for i in range(out_h):
        for j in range(out_w):
            out[j, i] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def _conv_einsum_keeping_kernel_axes(image, kernel):
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijab,ab->ab", windows, kernel)


def _conv_loop_summing_rows_only(image, kernel):
    h, w = image.shape
    kh, kw = kernel.shape
    result = np.zeros((h - kh + 1, w - kw + 1))
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            window = image[i : i + kh, j : j + kw]
            result[i][j] = (window * kernel).sum(axis=1)
    return result


def _conv_forgot_to_add_up(image, kernel):
    return sliding_window_view(image, kernel.shape) * kernel


# -- rnn_forward -----------------------------------------------------------------------------


def _rnn_always_from_h0(xs, h0, W_xh, W_hh, b):
    states = []
    for t in range(len(xs)):
        states.append(np.tanh(xs[t] @ W_xh + h0 @ W_hh + b))
    return np.array(states)


def _rnn_column_vector_habit(xs, h0, W_xh, W_hh, b):
    h = h0
    out = []
    for x in xs:
        h = np.tanh(x @ W_xh + W_hh @ h + b)
        out.append(h)
    return np.array(out)


def _rnn_keeps_h0_in_the_list(xs, h0, W_xh, W_hh, b):
    states = [h0]
    for x in xs:
        states.append(np.tanh(x @ W_xh + states[-1] @ W_hh + b))
    return np.array(states)


def _rnn_returns_last_state(xs, h0, W_xh, W_hh, b):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(np.dot(xs[t], W_xh) + np.dot(h, W_hh) + b)
    return h


def _rnn_updates_h0_in_place(xs, h0, W_xh, W_hh, b):
    h = h0
    states = np.zeros((len(xs), len(h0)))
    for t, x in enumerate(xs):
        h[:] = np.tanh(x @ W_xh + h @ W_hh + b)
        states[t] = h
    return states


def _rnn_without_tanh(xs, h0, W_xh, W_hh, b):
    states = np.zeros((len(xs), len(b)))
    h = h0
    for t in range(len(xs)):
        h = np.dot(xs[t], W_xh) + np.dot(h, W_hh) + b
        states[t] = h
    return states


# -- torch_linear ----------------------------------------------------------------------------


def _linear_per_sample_without_bias(X, weight, bias):
    return np.array([weight @ x for x in X])


WRONG_ANSWERS = {
    "conv2d": [
        (_conv_with_np_flip, "Do not flip the kernel"),
        (_conv_range_without_plus_one, "one row and one column too small"),
        (_conv_zero_padded, "No padding here ('valid')"),
        (_conv_swapped_indices, "Your output is transposed"),
        (_conv_einsum_keeping_kernel_axes, "You summed over the wrong axes"),
        (_conv_forgot_to_add_up, "Each output entry is one number"),
        (_conv_loop_summing_rows_only, "Summing over one axis only"),
    ],
    "rnn_forward": [
        (_rnn_always_from_h0, "Carry the state along"),
        (_rnn_column_vector_habit, "W_hh is transposed"),
        (_rnn_keeps_h0_in_the_list, "Your first row is h0"),
        (_rnn_returns_last_state, "not only the last one"),
        (_rnn_updates_h0_in_place, "changed its input h0 in place"),
        (_rnn_without_tanh, "Apply tanh at every step"),
    ],
    "torch_linear": [
        (lambda X, weight, bias: np.dot(X, weight) + bias, "the transpose of nnlib's W"),
        (lambda X, weight, bias: np.matmul(X, weight.T), "Add the bias"),
        (lambda X, weight, bias: np.dot(weight.T, X) + bias, "X comes first"),
        (lambda X, weight, bias: weight @ X.T + bias[:, None], "Your result is transposed"),
        (_linear_per_sample_without_bias, "Add the bias"),
        (lambda X, weight, bias: np.einsum("ni,io->no", X, weight) + bias, "(out_features, in"),
    ],
}
