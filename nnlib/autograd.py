"""A tiny automatic differentiation engine for single numbers (chapter 6).

A ``Value`` holds one number. Every arithmetic operation on Values returns a new Value that
remembers which Values it was computed from (its ``inputs``) and the *local derivatives*
∂(new)/∂(input), worked out during the forward computation. Together the Values form a
computation graph, whose last node is usually a loss ℓ.

``loss.backward()`` then applies the chain rule once per node. It visits the nodes from the
loss back to the inputs (reverse topological order, so a node is finished before any of its
inputs is visited) and passes each node's gradient on to its inputs:

    input.grad += local derivative × node.grad

Afterwards every node's ``grad`` holds ∂ℓ/∂node. The ``+=`` matters: a Value used in several
places collects one contribution per use (the multivariable chain rule sums over all paths).

This is what PyTorch's autograd does with whole tensors instead of single numbers; nnlib's
layers do the same by hand, one layer at a time, with matrices (``nnlib.layers``).

>>> w, x = Value(2.0, "w"), Value(3.0, "x")
>>> loss = (w * x - 1.0) ** 2
>>> loss.backward()
>>> w.grad  # 2(wx − 1)·x = 2 · 5 · 3
30.0
"""

import math
import numbers


class Value:
    """One number in a computation graph, with the gradient of the final output with respect
    to it.

    data: the number (a float) computed in the forward pass.
    grad: ∂(output)/∂(this Value), filled in by ``backward()`` on the output; 0.0 before.
    label: a name for printing and drawing (e.g. "w1"); op: the operation that made it
    ("" for a Value you create yourself, e.g. "+", "×", "σ").
    inputs: the Values it was computed from; local_grads: ∂(this)/∂(input), one per input.
    """

    def __init__(self, data, label="", op="", inputs=(), local_grads=()):
        if isinstance(data, Value):
            raise TypeError("Value(...) takes a plain number; this is already a Value.")
        if not isinstance(data, numbers.Real) or isinstance(data, bool):
            raise TypeError(
                f"A Value holds a single number, got {type(data).__name__} {data!r}. "
                "For arrays, use nnlib's layers, which compute gradients matrix by matrix."
            )
        if len(inputs) != len(local_grads):
            raise ValueError("Give one local derivative per input Value.")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self.inputs = tuple(inputs)
        self.local_grads = tuple(float(g) for g in local_grads)

    # -- building the graph: each operation returns a new Value with its local derivatives --

    def __add__(self, other):
        other = _as_value(other)
        return Value(self.data + other.data, op="+", inputs=(self, other), local_grads=(1, 1))

    def __radd__(self, other):  # number + Value
        return _as_value(other) + self

    def __sub__(self, other):
        other = _as_value(other)
        return Value(self.data - other.data, op="−", inputs=(self, other), local_grads=(1, -1))

    def __rsub__(self, other):  # number − Value
        return _as_value(other) - self

    def __mul__(self, other):
        other = _as_value(other)
        # ∂(a·b)/∂a = b and ∂(a·b)/∂b = a
        return Value(
            self.data * other.data,
            op="×",
            inputs=(self, other),
            local_grads=(other.data, self.data),
        )

    def __rmul__(self, other):  # number × Value
        return _as_value(other) * self

    def __neg__(self):
        return Value(-self.data, op="neg", inputs=(self,), local_grads=(-1,))

    def __pow__(self, exponent):
        """Value ** number (the exponent is a constant, e.g. 2 for a squared error)."""
        if isinstance(exponent, Value) or not isinstance(exponent, numbers.Real):
            raise TypeError(
                "Only a constant exponent is supported: Value ** 2, not Value ** Value. "
                "Write exp(b · log(a)) for a variable exponent."
            )
        if self.data == 0 and exponent < 0:
            raise ZeroDivisionError(f"0 ** {exponent:g} divides by zero.")
        local = exponent * self.data ** (exponent - 1) if exponent != 0 else 0.0
        result = self.data**exponent
        return Value(result, op=f"**{exponent:g}", inputs=(self,), local_grads=(local,))

    def __truediv__(self, other):
        return self * _as_value(other) ** -1

    def __rtruediv__(self, other):  # number / Value
        return _as_value(other) * self**-1

    def exp(self):
        """e^x; its derivative is e^x itself."""
        if self.data > 709:  # e^710 is more than the largest float
            raise OverflowError(
                f"exp({self.data:g}) is too large for a float. Compute the loss from logits "
                "(log-sum-exp) so that only exponents ≤ 0 appear."
            )
        result = math.exp(self.data)
        return Value(result, op="exp", inputs=(self,), local_grads=(result,))

    def log(self):
        """The natural logarithm ln x (for x > 0); its derivative is 1/x."""
        if self.data <= 0:
            raise ValueError(
                f"log needs a positive number, got {self.data}. A probability that reached 0 "
                "usually means the loss should be computed from logits (log-sum-exp)."
            )
        return Value(math.log(self.data), op="log", inputs=(self,), local_grads=(1 / self.data,))

    def tanh(self):
        """tanh x; its derivative is 1 − tanh² x."""
        t = math.tanh(self.data)
        return Value(t, op="tanh", inputs=(self,), local_grads=(1 - t * t,))

    def sigmoid(self):
        """σ(x) = 1 / (1 + e^(−x)), computed without overflow; its derivative is σ(1 − σ)."""
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        return Value(s, op="σ", inputs=(self,), local_grads=(s * (1 - s),))

    def relu(self):
        """max(0, x); its derivative is 1 for x > 0 and 0 otherwise (0 at the kink x = 0)."""
        x = self.data
        return Value(max(x, 0.0), op="ReLU", inputs=(self,), local_grads=(float(x > 0),))

    # -- the backward pass ---------------------------------------------------------------------

    def backward(self):
        """Fill ``grad`` of every Value this one depends on with ∂(this)/∂(that Value).

        Gradients from an earlier call are reset first, so calling it twice gives the same
        result. Cost: one multiply-add per edge of the graph.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0  # ∂(this)/∂(this)
        for node in reversed(order):
            for inp, local in zip(node.inputs, node.local_grads):
                inp.grad += local * node.grad  # the chain rule, one edge at a time

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.4f}, grad={self.grad:.4f})"


def _as_value(x):
    """x as a Value: Values pass through, plain numbers become constant leaves."""
    return x if isinstance(x, Value) else Value(x, label=f"{x:g}" if _is_number(x) else "")


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def topological_order(root):
    """Every Value that ``root`` depends on, root included, each once, inputs before the
    Values computed from them (so ``root`` comes last).

    Iterative depth-first search, so graphs of any depth work (no recursion limit).
    """
    if not isinstance(root, Value):
        raise TypeError(f"Expected a Value, got {type(root).__name__}.")
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for inp in reversed(node.inputs):
            if id(inp) not in seen:
                stack.append((inp, False))
    return order


__all__ = ["Value", "topological_order"]
