"""Gradient checking: compare backpropagation with finite differences (chapter 6).

The derivative of f at x along coordinate i is approximately

    ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / (2h)

with an error of order h² (central differences). It costs two evaluations of f per coordinate,
far too slow for training but a reliable referee for a backward pass. We compare in float64
because float32's 7 digits are not enough to subtract two nearly equal losses.

The agreement is measured by the relative error abs(a − b) / max(abs(a), abs(b)); below 1e-6
means the backward pass is right, around 1e-2 or worse means a bug.
"""

import copy
from dataclasses import dataclass

import numpy as np


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of a scalar function f() with respect to the array x.

    f: a function of no arguments that reads x (x is changed in place, one entry at a time,
    and restored). x: float64 array of any shape. Returns an array shaped like x.
    """
    if x.dtype != np.float64:
        raise TypeError(
            f"Check gradients in float64 (x has dtype {x.dtype}): use .astype(np.float64)."
        )
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + h
        f_plus = f()
        flat_x[i] = original - h
        f_minus = f()
        flat_x[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """Element-wise abs(a − b) / max(abs(a), abs(b)), taken as 0 where both are (almost) zero."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.abs(a), np.abs(b))
    return np.where(scale > 1e-12, np.abs(a - b) / np.maximum(scale, 1e-300), 0.0)


@dataclass
class GradCheckResult:
    """The outcome of a gradient check: the worst relative error, where it occurred, and both
    gradient values there."""

    max_error: float
    where: str
    analytic: float
    numerical: float
    tolerance: float

    @property
    def ok(self):
        return self.max_error < self.tolerance

    def __repr__(self):
        verdict = "ok" if self.ok else "MISMATCH"
        return (
            f"gradient check {verdict}: max relative error {self.max_error:.2e} at {self.where} "
            f"(backprop {self.analytic:.6g}, finite differences {self.numerical:.6g})"
        )


def _worst(entries, tolerance):
    """entries: list of (label, analytic array, numerical array) → GradCheckResult."""
    worst = None
    for label, analytic, numerical in entries:
        errors = relative_error(analytic, numerical)
        index = np.unravel_index(int(np.argmax(errors)), errors.shape) if errors.size else ()
        error = float(errors[index]) if errors.size else 0.0
        if worst is None or error > worst.max_error:
            where = f"{label}[{', '.join(str(int(i)) for i in index)}]"
            worst = GradCheckResult(
                error, where, float(analytic[index]), float(numerical[index]), tolerance
            )
    return worst


def check_layer(layer, X, rng=0, tolerance=1e-6):
    """Check a layer's backward against finite differences, for its input and every parameter.

    The layer is compared in float64 (a copy; the original is untouched). X: (n, d_in).
    We use the scalar L = Σ Y ⊙ R for a fixed random R: (n, d_out), whose gradient dL/dY is R.
    Returns a GradCheckResult; ``result.ok`` says whether the worst error is below tolerance.
    """
    layer = copy.deepcopy(layer)
    for key in layer.params:
        layer.params[key] = layer.params[key].astype(np.float64)
        layer.grads[key] = np.zeros_like(layer.params[key])
    for key in getattr(layer, "buffers", {}):
        layer.buffers[key] = layer.buffers[key].astype(np.float64)
    X = np.array(X, dtype=np.float64)
    snapshot = copy.deepcopy(layer)  # same random state (e.g. a dropout mask) for every call

    def run(x):
        return copy.deepcopy(snapshot).forward(x)

    R = np.random.default_rng(rng).normal(size=run(X).shape)
    layer_now = copy.deepcopy(snapshot)
    layer_now.forward(X)
    dX = layer_now.backward(R)
    entries = [("input X", dX, numerical_gradient(lambda: np.sum(run(X) * R), X))]
    for key in snapshot.params:
        value = snapshot.params[key]
        numerical = numerical_gradient(lambda: np.sum(run(X) * R), value)
        entries.append((f"{key}", layer_now.grads[key], numerical))
    return _worst(entries, tolerance)


def check_model(model, loss, X, y, tolerance=1e-6):
    """Check a whole network's backpropagation against finite differences.

    model: a Sequential (checked as a float64 copy); loss: a loss object; X: (n, d); y: targets.
    Every parameter of every layer is perturbed in turn, so keep the network and batch small.
    Returns a GradCheckResult naming the layer, parameter and index of the worst disagreement.
    """
    snapshot = model.astype(np.float64)  # a copy: random state (dropout masks) is frozen here
    X = np.asarray(X, dtype=np.float64)

    def total_loss():
        return loss.forward(copy.deepcopy(snapshot).forward(X), y)

    trained = copy.deepcopy(snapshot)
    loss.forward(trained.forward(X), y)
    trained.backward(loss.backward())
    entries = []
    for (name, value, _), (_, _, grad) in zip(
        snapshot.named_parameters(), trained.named_parameters()
    ):
        index, key = name.split(".")
        label = f"layer {index} ({type(snapshot.layers[int(index)]).__name__}) {key}"
        entries.append((label, grad, numerical_gradient(total_loss, value)))
    return _worst(entries, tolerance)
