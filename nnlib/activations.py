"""Activation functions and their derivatives (chapter 2).

Every function works element by element on an array of any shape and returns an array of the same
shape and floating dtype, except ``softmax``, which normalises along one axis. The derivatives are
taken with respect to the pre-activation ``z``, because that is what backpropagation needs:
``dZ = dA * g'(Z)`` for an activation g.

The functions are written so that no finite input overflows: ``sigmoid(-1000)`` is exactly 0 and
``softmax`` of logits around 1e4 is exact, without warnings.

``ACTIVATIONS`` maps a name to its (function, derivative) pair. ``build_network`` looks names up
there, and ``register_activation`` adds your own.
"""

import warnings
from functools import partial

import numpy as np

from nnlib._validate import unknown_name


def _float_array(z):
    """z as a floating-point array: floats keep their dtype, integers become float64."""
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(np.float64)


def sigmoid(z):
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)), with values in (0, 1).

    z: any shape → same shape. For z < 0, e^(−z) overflows, so there we use the equal form
    e^z / (1 + e^z). Both forms need only e^(−|z|), which lies in (0, 1].
    """
    z = _float_array(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(z):
    """σ'(z) = σ(z)(1 − σ(z)). z: any shape → same shape, values in (0, 0.25]."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    """Hyperbolic tangent, with values in (−1, 1); tanh(z) = 2σ(2z) − 1. z: any shape."""
    return np.tanh(_float_array(z))


def tanh_derivative(z):
    """tanh'(z) = 1 − tanh(z)². z: any shape → same shape, values in (0, 1]."""
    t = np.tanh(_float_array(z))
    return 1 - t * t


def relu(z):
    """Rectified linear unit max(0, z). z: any shape → same shape."""
    z = _float_array(z)
    return np.maximum(z, 0)


def relu_derivative(z):
    """ReLU'(z): 1 where z > 0, else 0 (we take 0 at the kink z = 0). z: any shape."""
    z = _float_array(z)
    return (z > 0).astype(z.dtype)


def _negative_slope(negative_slope, alpha):
    """The leaky ReLU slope κ, from ``negative_slope`` or the older keyword ``alpha``."""
    if alpha is None:
        return negative_slope
    warnings.warn(
        "leaky_relu's alpha= is now called negative_slope= (PyTorch's name; in the book α is "
        "only the learning rate). alpha= will be removed in nnlib 0.4.",
        DeprecationWarning,
        stacklevel=3,
    )
    return alpha


def leaky_relu(z, negative_slope=0.01, *, alpha=None):
    """Leaky ReLU: z where z > 0, else κ·z with κ = negative_slope, so negative inputs still pass
    a small gradient. z: any shape → same shape. (``alpha=`` is the old name of the slope.)"""
    slope = _negative_slope(negative_slope, alpha)
    z = _float_array(z)
    return np.where(z > 0, z, slope * z).astype(z.dtype, copy=False)


def leaky_relu_derivative(z, negative_slope=0.01, *, alpha=None):
    """Leaky ReLU'(z): 1 where z > 0, else κ = negative_slope. z: any shape → same shape."""
    slope = _negative_slope(negative_slope, alpha)
    z = _float_array(z)
    return np.where(z > 0, 1, slope).astype(z.dtype)


def identity(z):
    """The identity f(z) = z, for a linear output layer (regression)."""
    return _float_array(z)


def identity_derivative(z):
    """The derivative of the identity: 1 everywhere."""
    return np.ones_like(_float_array(z))


def softmax(z, axis=-1):
    """Softmax along ``axis``: exp(z) / sum(exp(z)), so each slice is a probability vector.

    z: (n, k) logits, one row per sample → (n, k) probabilities whose rows sum to 1.
    Subtracting the row maximum first changes nothing mathematically (it cancels in the ratio)
    but keeps every exponent ≤ 0, so exp never overflows.
    """
    z = _float_array(z)
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


# name → (function, derivative). Softmax is not here: it mixes the entries of a row, so it has
# a Jacobian rather than an element-wise derivative, and gets its own layer (layers.Softmax).
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "linear": (identity, identity_derivative),
}


def register_activation(name, function, derivative):
    """Add an element-wise activation to ``ACTIVATIONS`` so networks can use it by name.

    function, derivative: callables taking z (any shape) and returning an array of that shape.

    >>> register_activation("my_softplus", lambda z: np.logaddexp(0, z), sigmoid)
    """
    if not (callable(function) and callable(derivative)):
        raise TypeError("register_activation needs two callables: the function and its derivative.")
    ACTIVATIONS[name] = (function, derivative)


def get_activation(name, **options):
    """Return the (function, derivative) pair registered under ``name``.

    Keyword options (e.g. ``negative_slope=0.1`` for leaky_relu) are bound to both functions.
    """
    if name == "softmax":
        raise ValueError(
            "softmax is not element-wise (each output depends on the whole row), so it has no "
            "entry here: call activations.softmax(z) or use the layers.Softmax layer."
        )
    if name not in ACTIVATIONS:
        raise unknown_name("activation", name, ACTIVATIONS)
    function, derivative = ACTIVATIONS[name]
    if options:
        return partial(function, **options), partial(derivative, **options)
    return function, derivative
