"""A network as a sequence of layers (chapter 3), trained through one flat parameter vector θ
(chapter 5).

``Sequential(*layers)`` runs the layers in order forward and in reverse backward.
``build_network([784, 128, 10], ["relu", "linear"])`` builds the same thing from the
hyper-parameters: layer sizes and one activation name per layer. A classifier ends in "linear":
its outputs are logits, trained with softmax cross-entropy (``losses``) and turned into
probabilities only where they are read (``training.predict_proba``).

All parameters of a Sequential live in one flat vector ``theta`` and all gradients in one flat
vector ``grad``; each layer's W and b are *views* (reshaped windows) into them. Chapter 5 treats
training as moving the single point θ downhill, and that is literally how the optimizers see it:
one update of a 100,000-entry vector instead of many small arrays.
"""

import copy

import numpy as np

from nnlib.init import default_initializer
from nnlib.layers import Dense, Layer, activation_layer


class Sequential:
    """Layers applied one after another: Y = layer_L(... layer_2(layer_1(X))).

    X: (n, d_in) → Y: (n, d_out). ``layers`` is the list of layers. Calling the network is the
    same as ``forward``.
    """

    def __init__(self, *layers):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential takes layers, but argument {i} is {layer!r} "
                    f"({type(layer).__name__}). Did you pass a list? Use Sequential(*layers)."
                )
        self.layers = list(layers)
        self.training = True
        self._pack_parameters()

    def _pack_parameters(self):
        """Copy every parameter into one flat vector θ and make the layers' arrays views of it."""
        owned = [(layer, key) for layer in self.layers for key in layer.params]
        dtypes = {layer.params[key].dtype for layer, key in owned}
        if len(dtypes) > 1:
            raise TypeError(f"All layers must share one dtype, got {sorted(map(str, dtypes))}.")
        dtype = dtypes.pop() if dtypes else np.float32
        total = sum(layer.params[key].size for layer, key in owned)
        self.theta = np.empty(total, dtype=dtype)
        self.grad = np.zeros(total, dtype=dtype)
        start = 0
        for layer, key in owned:
            value = layer.params[key]
            stop = start + value.size
            self.theta[start:stop] = value.ravel()
            layer.params[key] = self.theta[start:stop].reshape(value.shape)
            layer.grads[key] = self.grad[start:stop].reshape(value.shape)
            start = stop

    # -- running the network ------------------------------------------------------------------

    def forward(self, X):
        """X: (n, d_in) → output of the last layer: (n, d_out)."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    __call__ = forward

    def backward(self, dY):
        """Back-propagate dL/dY: (n, d_out) through every layer, filling each layer's grads
        (and so the flat ``grad``). Returns nothing: the gradient with respect to the input data
        is never needed for training, so the first layer skips it (one matrix product fewer).
        """
        for i in range(len(self.layers) - 1, -1, -1):
            dY = self.layers[i].backward(dY, need_dX=i > 0)

    def train(self, mode=True):
        """Training mode: Dropout drops, BatchNorm normalises with each batch's own statistics
        (and updates its running averages). train(False) is the same as eval(). Returns the
        network, so calls can be chained."""
        self.training = mode
        for layer in self.layers:
            layer.training = mode
        return self

    def eval(self):
        """Evaluation mode: Dropout passes everything through and BatchNorm uses its running
        averages, so each sample's output depends on that sample alone. Returns the network."""
        return self.train(False)

    # -- parameters ---------------------------------------------------------------------------

    def parameters(self):
        """The (value, gradient) pairs an optimizer updates: here a single pair, (θ, ∇θ),
        because every layer's parameters are views into the flat vectors."""
        return [(self.theta, self.grad)]

    def named_buffers(self):
        """List of (name, array) per layer buffer: state that is saved but not trained, such as
        BatchNorm's running statistics, e.g. ("2.running_mean", array)."""
        return [
            (f"{i}.{key}", value)
            for i, layer in enumerate(self.layers)
            for key, value in layer.buffers.items()
        ]

    def named_parameters(self):
        """List of (name, value, gradient) per layer parameter, e.g. ("0.W", W, dW)."""
        return [
            (f"{i}.{key}", layer.params[key], layer.grads[key])
            for i, layer in enumerate(self.layers)
            for key in layer.params
        ]

    @property
    def n_params(self):
        """The number of trainable numbers, len(θ)."""
        return self.theta.size

    @property
    def dtype(self):
        """The floating dtype of the parameters (float32 unless built otherwise)."""
        return self.theta.dtype

    def __deepcopy__(self, memo):
        """copy.deepcopy(network): a copy with its own θ, whose layers are views into it again.
        (A plain deep copy would copy each view separately and cut the link to θ.)"""
        clone = copy.copy(self)
        clone.layers = copy.deepcopy(self.layers, memo)
        clone._pack_parameters()
        clone.grad[...] = self.grad
        return clone

    def astype(self, dtype):
        """A copy of the network with parameters of another dtype (e.g. float64 to check
        gradients). The original is left unchanged."""
        clone = copy.deepcopy(self)
        for layer in clone.layers:
            for key in layer.params:
                layer.params[key] = layer.params[key].astype(dtype)
                layer.grads[key] = layer.grads[key].astype(dtype)
            for key in layer.buffers:
                layer.buffers[key] = layer.buffers[key].astype(dtype)
        clone._pack_parameters()
        return clone

    # -- describing the network ---------------------------------------------------------------

    def input_width(self):
        """The number of input features the first Dense layer expects (None if there is none)."""
        for layer in self.layers:
            if isinstance(layer, Dense):
                return layer.n_in
        return None

    def summary(self):
        """Print a table of the layers with their output shapes and parameter counts."""
        width = self.input_width()
        rows = [("layer", "output shape", "parameters")]
        for i, layer in enumerate(self.layers):
            width = layer.output_width(width)
            count = sum(p.size for p in layer.params.values())
            rows.append((f"{i}: {layer!r}", f"(n, {width})", f"{count:,}"))
        widths = [max(len(row[c]) for row in rows) for c in range(3)]
        line = "  ".join("-" * w for w in widths)
        print("  ".join(cell.ljust(w) for cell, w in zip(rows[0], widths)))
        print(line)
        for row in rows[1:]:
            print(
                f"{row[0].ljust(widths[0])}  {row[1].ljust(widths[1])}  {row[2].rjust(widths[2])}"
            )
        print(line)
        print(f"total parameters: {self.n_params:,}  (dtype {self.dtype})")

    def __repr__(self):
        inner = "".join(f"\n  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"


def build_network(sizes, activations, init=None, rng=None, dtype=np.float32):
    """Build a Sequential network from its hyper-parameters.

    sizes: the width of every layer, input first, e.g. [784, 128, 10].
    activations: one activation name per Dense layer, e.g. ["relu", "linear"] for a classifier
    that outputs logits; "linear" adds no activation layer. A final "softmax" (or "sigmoid")
    makes the network output probabilities, which is handy for reading them, but train from
    logits: the fused losses are exact where a softmax would round to 0 or 1.
    init: an initialiser name for every Dense layer; by default He before ReLU-like activations
    and Xavier otherwise. rng: a seed or Generator for all weights.

    >>> build_network([2, 4, 3], ["tanh", "linear"], rng=0)
    Sequential(
      (0) Dense(2 → 4)
      (1) Tanh()
      (2) Dense(4 → 3)
    )
    """
    sizes, activations = list(sizes), list(activations)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {sizes}.")
    if len(activations) != len(sizes) - 1:
        raise ValueError(
            f"{len(sizes)} sizes make {len(sizes) - 1} Dense layers, so give "
            f"{len(sizes) - 1} activation names; got {len(activations)}: {activations}."
        )
    rng = np.random.default_rng(rng)
    layers = []
    for n_in, n_out, name in zip(sizes[:-1], sizes[1:], activations):
        if name != "linear":
            activation = activation_layer(name)  # fails early on an unknown name
        layers.append(
            Dense(n_in, n_out, init=init or default_initializer(name), rng=rng, dtype=dtype)
        )
        if name != "linear":
            layers.append(activation)
    return Sequential(*layers)
