"""Weight initialisation (chapters 3 and 10).

A weight matrix W: (n_in, n_out) starts random so that neurons differ (identical neurons would get
identical gradients and stay identical). Its scale matters: too small and signals fade layer by
layer, too large and they explode. Xavier/Glorot and He choose the variance that keeps the signal's
variance roughly constant through a layer:

- "xavier": Var(w) = 2 / (n_in + n_out), suited to tanh and sigmoid;
- "he":     Var(w) = 2 / n_in, suited to ReLU, which zeroes half of its inputs;
- "normal": a fixed standard deviation of 0.01, the classic small-random start;
- "zeros":  all zero, to show in chapter 10 why symmetric starts fail.

``INITIALIZERS`` maps each name to a function (n_in, n_out, rng) → W.
"""

import numpy as np

from nnlib._validate import unknown_name


def xavier(n_in, n_out, rng):
    """Xavier/Glorot normal: W ~ N(0, 2 / (n_in + n_out)). Returns W: (n_in, n_out), float64."""
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))


def he(n_in, n_out, rng):
    """He (Kaiming) normal: W ~ N(0, 2 / n_in). Returns W: (n_in, n_out), float64."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


def small_normal(n_in, n_out, rng):
    """W ~ N(0, 0.01²) whatever the layer size. Returns W: (n_in, n_out), float64."""
    return rng.normal(0.0, 0.01, size=(n_in, n_out))


def zeros(n_in, n_out, rng):
    """All-zero weights (every neuron identical). Returns W: (n_in, n_out), float64."""
    return np.zeros((n_in, n_out))


INITIALIZERS = {"xavier": xavier, "he": he, "normal": small_normal, "zeros": zeros}


def initialize(name, n_in, n_out, rng=None):
    """Draw a weight matrix W: (n_in, n_out) with the initialiser called ``name``.

    rng: a seed or a numpy.random.Generator, so the same seed gives the same weights.
    """
    if name not in INITIALIZERS:
        raise unknown_name("initializer", name, INITIALIZERS)
    return INITIALIZERS[name](n_in, n_out, np.random.default_rng(rng))


def default_initializer(activation):
    """The initialiser that suits a layer followed by ``activation``: He for the ReLU family."""
    return "he" if activation in ("relu", "leaky_relu") else "xavier"
