"""Checkers for chapter 11, Where next: a convolution, a recurrent network, PyTorch's Linear."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnlib.exercises.engine import Case, Exercise, Mistake, make_check, show

_rng = np.random.default_rng(11)


def _values(shape, scale=1.0):
    """Random values rounded to 2 decimals, so a failing case prints them exactly."""
    return np.round(scale * _rng.normal(size=shape), 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _lines(**arrays):
    """Describe each array on a line of its own, "name (shape) = values", aligned under the
    verdict's "input:" column (12 characters in)."""
    lines = []
    for name, value in arrays.items():
        prefix = f"{name} {value.shape} = " if value.ndim > 1 else f"{name} = "
        lines.append(prefix + show(value, 12 + len(prefix)))
    return ("\n" + " " * 12).join(lines)


# -- a 2-D convolution (valid cross-correlation) -----------------------------------------------


def conv2d(image, kernel):
    """Reference: the valid cross-correlation of one image with one kernel.

    image: (h, w), kernel: (kh, kw) → Z: (h − kh + 1, w − kw + 1) with
    Z[i, j] = Σ_p Σ_q image[i + p, j + q] · kernel[p, q] (no flip, no padding).
    """
    windows = sliding_window_view(image, kernel.shape)  # (h_out, w_out, kh, kw)
    return np.einsum("ijpq,pq->ij", windows, kernel)


def _conv_case(image, kernel):
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    return Case((image, kernel), _lines(image=image, kernel=kernel))


def _flipped(image, kernel):
    return conv2d(image, kernel[::-1, ::-1])


def _same_padding(image, kernel):
    kh, kw = kernel.shape
    padded = np.pad(image, ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2)))
    return conv2d(padded, kernel)


def _output_shape_is_image_shape(case, got):
    return np.shape(got) == np.shape(case.args[0]) != np.shape(conv2d(*case.args))


def _not_summed(case, got):
    return np.ndim(got) > 2


def _loop_summing_one_axis(image, kernel):
    """Loops over the positions, but sums each window's products over one axis only, so each
    "entry" is a row of numbers (NumPy refuses to store it: a ValueError)."""
    (kh, kw), out = kernel.shape, np.zeros(np.shape(conv2d(image, kernel)))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel, axis=0)
    return out


CONV2D = Exercise(
    id="conv2d",
    title="a 2-D convolution",
    reference=conv2d,
    cases=[
        _conv_case(np.arange(24).reshape(4, 6) % 7, [[1, 0, -1], [2, 1, 0]]),
        _conv_case(_values((5, 5)), [[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
        _conv_case(_values((3, 3)), _values((3, 3))),  # the kernel covers the whole image
        _conv_case(_values((6, 4)), _values((2, 2))),
    ],
    mistakes=[
        Mistake(
            "Do not flip the kernel: deep learning's convolution multiplies image[i + p, j + q] "
            "by kernel[p, q], the entry at the same place in the window. Flipping it "
            "(kernel[::-1, ::-1], or scipy's convolve2d) is the convolution of mathematics.",
            wrong=_flipped,
        ),
        Mistake(
            "The output is one row and one column too small: a kernel of height kh fits "
            "h − kh + 1 times into h rows (positions 0, 1, …, h − kh), so loop over "
            "range(h - kh + 1) and range(w - kw + 1).",
            wrong=lambda image, kernel: conv2d(image, kernel)[:-1, :-1],
        ),
        Mistake(
            "No padding here ('valid'): the kernel stays inside the image, so the output is "
            "smaller than the image, (h − kh + 1, w − kw + 1). Zero-padding the border to keep "
            "the image's shape is the 'same' mode, which this exercise does not ask for.",
            wrong=_same_padding,
            detect=_output_shape_is_image_shape,
        ),
        Mistake(
            "Your output is transposed: Z[i, j] belongs to the window whose top-left corner is "
            "image[i, j], so rows follow the image's rows. Check the order of your indices "
            "(out[i, j], not out[j, i]) and the shape you allocate, (h − kh + 1, w − kw + 1).",
            wrong=lambda image, kernel: conv2d(image, kernel).T,
        ),
        Mistake(
            "You summed over the wrong axes: sliding_window_view(image, kernel.shape) has shape "
            "(h_out, w_out, kh, kw), one window per output position, and each output is the sum "
            "of window × kernel over the two kernel axes, axis=(2, 3) — not over the positions "
            "(0, 1).",
            wrong=lambda image, kernel: np.sum(
                sliding_window_view(image, kernel.shape) * kernel, axis=(0, 1)
            ),
        ),
        Mistake(
            "Each output entry is one number: multiply the window by the kernel and then add up "
            "all kh × kw products (np.sum(window * kernel) with no axis, or sum axis=(2, 3) of "
            "all windows at once). Summing over one axis only leaves a row of numbers.",
            wrong=_loop_summing_one_axis,
            detect=_not_summed,
        ),
    ],
    default_hint=(
        "For every position (i, j) with 0 ≤ i ≤ h − kh and 0 ≤ j ≤ w − kw, take the window "
        "image[i:i + kh, j:j + kw], multiply it entry by entry with the kernel (no flip) and "
        "add up the products: Z[i, j]. The result has shape (h − kh + 1, w − kw + 1)."
    ),
)

check_conv2d = make_check(CONV2D)


# -- a recurrent network along one sequence --------------------------------------------------


def rnn_forward(xs, h0, W_xh, W_hh, b):
    """Reference: run a simple RNN along one sequence.

    xs: (T, d) the inputs x_1 … x_T, one per row; h0: (m,) the starting state; W_xh: (d, m);
    W_hh: (m, m); b: (m,). Returns H: (T, m) whose row t − 1 is
    h_t = tanh(x_t W_xh + h_{t−1} W_hh + b).
    """
    h, states = h0, []
    for x in xs:
        h = np.tanh(x @ W_xh + h @ W_hh + b)
        states.append(h)
    return np.stack(states)


def _rnn_case(T, d, m, pulse=False, zero_start=False):
    xs = np.eye(T, d) if pulse else _values((T, d))
    h0 = np.zeros(m) if zero_start else _values(m, 0.5)
    W_xh, W_hh, b = _values((d, m)), _values((m, m), 0.8), _values(m, 0.3)
    description = _lines(xs=xs, h0=h0, W_xh=W_xh, W_hh=W_hh, b=b)
    return Case((xs, h0, W_xh, W_hh, b), description)


def _rnn_loop(xs, h0, step):
    h, states = h0, []
    for x in xs:
        h = step(x, h)
        states.append(h)
    return np.stack(states)


RNN_FORWARD = Exercise(
    id="rnn_forward",
    title="a recurrent network along a sequence",
    reference=rnn_forward,
    cases=[
        _rnn_case(T=4, d=2, m=3),
        _rnn_case(T=3, d=3, m=3),  # square: a transposed W_xh or W_hh shows only in the values
        _rnn_case(T=5, d=1, m=2, pulse=True, zero_start=True),  # one pulse, then zeros
        _rnn_case(T=1, d=4, m=2),
    ],
    mistakes=[
        Mistake(
            "Carry the state along: step t needs h_{t−1}, the state the step before produced, "
            "so compute h = tanh(x_t @ W_xh + h @ W_hh + b) inside the loop and use that h in "
            "the next step. The steps cannot all start from h0.",
            wrong=lambda xs, h0, W_xh, W_hh, b: np.tanh(xs @ W_xh + h0 @ W_hh + b),
        ),
        Mistake(
            "W_hh is transposed: the states are row vectors, and W_hh[i, j] connects unit i of "
            "h_{t−1} to unit j of h_t, so multiply h @ W_hh (W_hh @ h or h @ W_hh.T uses the "
            "transpose).",
            wrong=lambda xs, h0, W_xh, W_hh, b: _rnn_loop(
                xs, h0, lambda x, h: np.tanh(x @ W_xh + h @ W_hh.T + b)
            ),
        ),
        Mistake(
            "W_xh is transposed: x_t is a row of d numbers and W_xh has shape (d, m), so the "
            "input's contribution is x_t @ W_xh, of shape (m,).",
            wrong=lambda xs, h0, W_xh, W_hh, b: _rnn_loop(
                xs, h0, lambda x, h: np.tanh(x @ W_xh.T + h @ W_hh + b)
            ),
        ),
        Mistake(
            "Apply tanh at every step, to the whole sum: h_t = tanh(x_t W_xh + h_{t−1} W_hh + b). "
            "Without it the state is a linear function of the inputs and can grow without bound.",
            wrong=lambda xs, h0, W_xh, W_hh, b: _rnn_loop(
                xs, h0, lambda x, h: x @ W_xh + h @ W_hh + b
            ),
        ),
        Mistake(
            "Return only the T new states h_1, …, h_T, one row per input: (T, m). Your first "
            "row is h0, which is given, not computed.",
            wrong=lambda xs, h0, W_xh, W_hh, b: np.vstack([h0, rnn_forward(xs, h0, W_xh, W_hh, b)]),
        ),
        Mistake(
            "Return every state, stacked into an array of shape (T, m) (e.g. collect them in a "
            "list and np.stack it), not only the last one.",
            wrong=lambda xs, h0, W_xh, W_hh, b: rnn_forward(xs, h0, W_xh, W_hh, b)[-1],
        ),
    ],
    default_hint=(
        "Start with h = h0; for each input row x_t of xs compute "
        "h = np.tanh(x_t @ W_xh + h @ W_hh + b), with the same three weights at every step, "
        "and keep each new h. Return them stacked: (T, m), row t − 1 holding h_t."
    ),
)

check_rnn_forward = make_check(RNN_FORWARD)


# -- a layer with PyTorch's Linear conventions -------------------------------------------------


def torch_linear(X, weight, bias):
    """Reference: PyTorch's nn.Linear in NumPy, Y = X Wᵀ + b.

    X: (n, in_features); weight: (out_features, in_features) — the transpose of nnlib's
    Dense W: (n_in, n_out); bias: (out_features,). Returns Y: (n, out_features).
    """
    return X @ weight.T + bias


def _linear_case(n, n_in, n_out, note=""):
    X, weight, bias = _values((n, n_in)), _values((n_out, n_in)), _values(n_out, 0.5)
    return Case((X, weight, bias), _lines(X=X, weight=weight, bias=bias) + note)


TORCH_LINEAR = Exercise(
    id="torch_linear",
    title="a layer with PyTorch's Linear conventions",
    reference=torch_linear,
    cases=[
        # Square first: there every mistake below gives values (not an error) of its own.
        _linear_case(3, 3, 3),
        _linear_case(4, 3, 2, note="  (weight = W.T of an nnlib Dense(3 → 2))"),
        _linear_case(1, 5, 4),
    ],
    mistakes=[
        Mistake(
            "PyTorch stores weight as (out_features, in_features), the transpose of nnlib's W: "
            "(n_in, n_out). So a batch X: (n, in_features) is multiplied by weight.T: "
            "Y = X @ weight.T + bias.",
            wrong=lambda X, weight, bias: X @ weight + bias,
        ),
        Mistake(
            "Add the bias: Y = X @ weight.T + bias, one bias per output neuron, broadcast over "
            "the rows (samples).",
            wrong=lambda X, weight, bias: X @ weight.T,
        ),
        Mistake(
            "Samples are the rows of X, so X comes first: Y = X @ weight.T + bias, of shape "
            "(n, out_features). weight.T @ X multiplies in the wrong order.",
            wrong=lambda X, weight, bias: weight.T @ X + bias,
        ),
        Mistake(
            "weight @ X.T is the column-vector form W·x: one column per sample, shape "
            "(out_features, n), and the bias then lands on the wrong axis. Write "
            "X @ weight.T + bias, which keeps one row per sample.",
            wrong=lambda X, weight, bias: weight @ X.T + bias,
        ),
        Mistake(
            "Your result is transposed, (out_features, n): rows must stay samples. "
            "Y = X @ weight.T + bias has shape (n, out_features).",
            wrong=lambda X, weight, bias: (X @ weight.T + bias).T,
        ),
    ],
    default_hint=(
        "nn.Linear computes Y = X Wᵀ + b with weight W: (out_features, in_features) and bias "
        "b: (out_features,). For X: (n, in_features) that is X @ weight.T + bias, of shape "
        "(n, out_features): nnlib's X @ W + b with W = weight.T."
    ),
)

check_torch_linear = make_check(TORCH_LINEAR)

EXERCISES = [CONV2D, RNN_FORWARD, TORCH_LINEAR]
