"""Layers: the building blocks of a network (chapters 1, 3 and 6; Dropout and BatchNorm in
chapter 10).

Every layer has the same small interface:

- ``forward(X)`` takes a batch X: (n, d_in) and returns Y: (n, d_out), remembering what
  ``backward`` will need;
- ``backward(dY)`` takes dL/dY: (n, d_out), stores dL/dparameter in ``grads`` and returns
  dL/dX: (n, d_in);
- ``params`` and ``grads`` are dicts with the same keys (empty for layers without parameters);
- ``buffers`` holds state that is not trained (BatchNorm's running statistics): it stays out of
  θ and the optimizer, but ``nnlib.io`` saves it with the parameters.

Arrays are batch-first: one sample per row. Many texts write a layer for one column vector x as
z = W·x + b with W: (n_out, n_in); stacking samples as rows and transposing gives our Z = X @ W + b
with W: (n_in, n_out). Entry W[i, j] is the weight on the connection from input i to neuron j.

Parameters are updated in place (``W -= ...``), never replaced, because a ``Sequential`` network
keeps them as views into one flat vector θ.
"""

import numpy as np

from nnlib import activations
from nnlib._validate import as_batch, unknown_name
from nnlib.init import INITIALIZERS, initialize


class Layer:
    """Base class: a layer without parameters that passes its input through unchanged."""

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.buffers = {}
        self.training = True

    def __call__(self, X):
        return self.forward(X)

    def forward(self, X):
        """X: (n, d_in) → Y: (n, d_out)."""
        return X

    def backward(self, dY, need_dX=True):
        """dY: (n, d_out) → dX: (n, d_in); also fills ``grads``.

        need_dX=False lets a layer skip computing dX when nobody will use it (the first layer
        of a network, whose input is the data). Layers whose dX is cheap may ignore it.
        """
        return dY

    def output_width(self, width):
        """The number of output features for ``width`` input features."""
        return width

    def config(self):
        """The constructor arguments that rebuild this layer (used by ``nnlib.io``)."""
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class Dense(Layer):
    """Fully connected layer: Y = X @ W + b.

    X: (n, n_in), W: (n_in, n_out), b: (n_out,), Y: (n, n_out).
    Each of the n_out neurons computes a weighted sum of all n_in inputs plus its bias.

    init: the name of a weight initialiser (see ``nnlib.init``); rng: a seed or Generator.
    Training runs in float32 by default; pass dtype=np.float64 for gradient checks.
    """

    def __init__(self, n_in, n_out, init="xavier", rng=None, dtype=np.float32):
        super().__init__()
        for name, value in (("n_in", n_in), ("n_out", n_out)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Dense needs a positive whole number for {name}, got {value!r}.")
        if init not in INITIALIZERS:
            raise unknown_name("initializer", init, INITIALIZERS)
        self.n_in, self.n_out, self.init = int(n_in), int(n_out), init
        W = initialize(init, self.n_in, self.n_out, rng).astype(dtype)
        self.params = {"W": W, "b": np.zeros(self.n_out, dtype=dtype)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros(self.n_out, dtype=dtype)}

    def forward(self, X):
        """X: (n, n_in) → Y = X @ W + b: (n, n_out)."""
        W, b = self.params["W"], self.params["b"]
        X = as_batch(X, n_features=self.n_in, where=self)
        self.X = X.astype(W.dtype, copy=False)
        Y = self.X @ W
        Y += b
        return Y

    def backward(self, dY, need_dX=True):
        """dY: (n, n_out) → dX = dY @ Wᵀ: (n, n_in); grads dW = Xᵀ @ dY, db = Σ_rows dY.

        dY is already divided by the batch size (the loss averages), so these sums are averages.
        The products are written straight into the gradient arrays (``out=``) to avoid copies.
        """
        np.matmul(self.X.T, dY, out=self.grads["W"])
        dY.sum(axis=0, out=self.grads["b"])
        if not need_dX:
            return None
        return dY @ self.params["W"].T

    def output_width(self, width):
        return self.n_out

    def config(self):
        return {"n_in": self.n_in, "n_out": self.n_out, "init": self.init}

    def __repr__(self):
        return f"Dense({self.n_in} → {self.n_out})"


class Activation(Layer):
    """Applies an element-wise activation g: A = g(Z); backward multiplies by g'(Z).

    name: a key of ``nnlib.activations.ACTIVATIONS`` (yours too, after register_activation).
    Z, A, dA, dZ: all (n, d).
    """

    def __init__(self, name, **options):
        super().__init__()
        self.name, self.options = name, options
        self.g, self.dg = activations.get_activation(name, **options)

    def forward(self, Z):
        """Z: (n, d) → A = g(Z): (n, d)."""
        self.Z = Z
        return self.g(Z)

    def backward(self, dA, need_dX=True):
        """dA: (n, d) → dZ = dA ⊙ g'(Z): (n, d)."""
        return dA * self.dg(self.Z)

    def config(self):
        return {"name": self.name, **self.options}

    def __repr__(self):
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)) element-wise; outputs in (0, 1)."""

    def __init__(self):
        super().__init__("sigmoid")

    def config(self):
        return {}

    def __repr__(self):
        return "Sigmoid()"


class Tanh(Activation):
    """tanh(z) element-wise; outputs in (−1, 1)."""

    def __init__(self):
        super().__init__("tanh")

    def config(self):
        return {}

    def __repr__(self):
        return "Tanh()"


class ReLU(Activation):
    """max(0, z) element-wise."""

    def __init__(self):
        super().__init__("relu")

    def forward(self, Z):
        """Z: (n, d) → max(0, Z): (n, d)."""
        self.Z = Z
        return np.maximum(Z, 0)

    def backward(self, dA, need_dX=True):
        """dA: (n, d) → dZ: dA where Z > 0, else 0 (a multiply by the 0/1 mask Z > 0)."""
        return dA * (self.Z > 0)

    def config(self):
        return {}

    def __repr__(self):
        return "ReLU()"


class LeakyReLU(Activation):
    """z where z > 0, else κ·z with κ = negative_slope, element-wise (PyTorch: nn.LeakyReLU).

    ``alpha=`` is the old name of negative_slope, still accepted with a DeprecationWarning.
    """

    def __init__(self, negative_slope=0.01, *, alpha=None):
        negative_slope = activations._negative_slope(negative_slope, alpha)
        super().__init__("leaky_relu", negative_slope=negative_slope)
        self.negative_slope = negative_slope

    def config(self):
        return {"negative_slope": self.negative_slope}

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class Softmax(Layer):
    """Softmax over each row: P = softmax(Z), so every row is a probability vector.

    Z, P: (n, k). Its backward multiplies by the softmax Jacobian, row by row:
    dZ = P ⊙ (dP − Σ_j dP_j P_j). For training a classifier, prefer a final Dense layer with
    ``losses.SoftmaxCrossEntropyLoss``, which fuses both steps into the stable gradient P − Y.
    """

    def forward(self, Z):
        """Z: (n, k) logits → P: (n, k) probabilities."""
        self.P = activations.softmax(Z, axis=1)
        return self.P

    def backward(self, dP, need_dX=True):
        """dP: (n, k) → dZ: (n, k)."""
        P = self.P
        return P * (dP - np.sum(dP * P, axis=1, keepdims=True))


class Dropout(Layer):
    """Inverted dropout: while training, zero each input with probability p and scale the rest by
    1 / (1 − p), so the expected output equals the input; in evaluation mode, do nothing.

    X, Y: (n, d). rng: a seed or Generator for the random masks.
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"Dropout probability p must be in [0, 1), got {p}.")
        self.p = p
        self.rng = np.random.default_rng(rng)

    def forward(self, X):
        """X: (n, d) → X ⊙ mask / (1 − p) while training, X unchanged in evaluation."""
        if not self.training or self.p == 0:
            self.mask = None
            return X
        keep = self.rng.random(X.shape) >= self.p
        self.mask = keep.astype(X.dtype) / np.asarray(1 - self.p, dtype=X.dtype)
        return X * self.mask

    def backward(self, dY, need_dX=True):
        """dY: (n, d) → dX = dY ⊙ mask / (1 − p) (the same mask as the forward pass)."""
        return dY if self.mask is None else dY * self.mask

    def config(self):
        return {"p": self.p}


class BatchNorm(Layer):
    """Batch normalisation (Ioffe & Szegedy, 2015) of each feature, then a learned scale and shift.

    X, Y: (n, d). In training mode each column is normalised with the batch's own mean and
    variance, X̂ = (X − mean) / √(var + ε), and Y = γ ⊙ X̂ + β with parameters γ ("gamma", ones
    at first) and β ("beta", zeros at first), both (d,). The layer also keeps running averages of
    the batch means and variances, updated as r ← (1 − m)·r + m·(batch value) with
    m = ``momentum`` (0.1, as in PyTorch; the running variance uses the unbiased n − 1 estimate).
    In evaluation mode the running averages replace the batch statistics, so one sample's
    output does not depend on the rest of its batch. The running averages are ``buffers``:
    state, not parameters, so the optimizer never changes them.
    """

    def __init__(self, n_features, momentum=0.1, eps=1e-5, dtype=np.float32):
        super().__init__()
        if not isinstance(n_features, (int, np.integer)) or n_features < 1:
            raise ValueError(
                f"BatchNorm needs a positive whole number of features, got {n_features!r}."
            )
        if not 0 < momentum <= 1:
            raise ValueError(f"BatchNorm's momentum must be in (0, 1], got {momentum}.")
        self.n_features, self.momentum, self.eps = int(n_features), momentum, eps
        self.params = {"gamma": np.ones(n_features, dtype), "beta": np.zeros(n_features, dtype)}
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.buffers = {
            "running_mean": np.zeros(n_features, dtype),
            "running_var": np.ones(n_features, dtype),
        }

    def forward(self, X):
        """X: (n, d) → Y = γ ⊙ X̂ + β: (n, d)."""
        X = as_batch(X, n_features=self.n_features, where=self)
        if self.training:
            if len(X) < 2:
                raise ValueError(
                    "BatchNorm in training mode needs at least 2 samples per batch to estimate a "
                    "variance. Use a larger batch, or call model.eval() to use running statistics."
                )
            mean, var = X.mean(axis=0), X.var(axis=0)
            self._update_running(mean, X.var(axis=0, ddof=1))
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
        self.inv_std = 1 / np.sqrt(var + self.eps)
        self.X_hat = (X - mean) * self.inv_std
        return self.params["gamma"] * self.X_hat + self.params["beta"]

    def _update_running(self, mean, unbiased_var):
        m = self.momentum
        for key, value in (("running_mean", mean), ("running_var", unbiased_var)):
            self.buffers[key][...] = (1 - m) * self.buffers[key] + m * value

    def backward(self, dY, need_dX=True):
        """dY: (n, d) → dX: (n, d); grads dγ = Σ_rows dY ⊙ X̂, dβ = Σ_rows dY.

        In training mode the mean and variance depend on every row, so
        dX = (1/n)·(1/√(var + ε)) ⊙ (n·dX̂ − Σ_rows dX̂ − X̂ ⊙ Σ_rows(dX̂ ⊙ X̂)) with dX̂ = γ ⊙ dY.
        In evaluation mode they are constants and dX = γ ⊙ dY / √(var + ε).
        """
        X_hat, inv_std = self.X_hat, self.inv_std
        self.grads["gamma"][...] = np.sum(dY * X_hat, axis=0)
        self.grads["beta"][...] = np.sum(dY, axis=0)
        if not need_dX:
            return None
        dX_hat = dY * self.params["gamma"]
        if not self.training:
            return dX_hat * inv_std
        n = len(dY)
        return (
            inv_std / n * (n * dX_hat - dX_hat.sum(axis=0) - X_hat * np.sum(dX_hat * X_hat, axis=0))
        )

    def config(self):
        return {"n_features": self.n_features, "momentum": self.momentum, "eps": self.eps}

    def __repr__(self):
        return f"BatchNorm({self.n_features})"


# Layer classes by name, so a saved network can be rebuilt (nnlib.io).
LAYER_TYPES = {
    cls.__name__: cls
    for cls in (Dense, Activation, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, Dropout, BatchNorm)
}

# The layer to use for each activation name in build_network; other names become Activation(name).
_NAMED_LAYERS = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "softmax": Softmax,
}


def activation_layer(name):
    """The layer for an activation name: "relu" → ReLU(), "softmax" → Softmax(), and any name
    added with ``activations.register_activation`` → Activation(name)."""
    if name in _NAMED_LAYERS:
        return _NAMED_LAYERS[name]()
    if name in activations.ACTIVATIONS:
        return Activation(name)
    raise unknown_name("activation", name, [*activations.ACTIVATIONS, "softmax"])


__all__ = [
    "Layer",
    "Dense",
    "Activation",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "Softmax",
    "Dropout",
    "BatchNorm",
    "activation_layer",
    "LAYER_TYPES",
]
