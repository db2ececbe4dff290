"""Exercise checkers: ``check_<name>(your_function)`` prints a verdict and a hint.

Each chapter's exercises end with a check cell such as ``check_sigmoid(sigmoid)``. The check runs
your function on a handful of cases — including the awkward ones, like z = −1000 — and prints
one of:

- ✓ all cases passed;
- ○ not implemented yet (your function still raises NotImplementedError);
- ✗ the first failing case: its input, the expected and the actual answer, and a hint aimed at
  the usual mistake.

The engine lives in ``nnlib.exercises.engine``; the exercises of each chapter in their own module.
"""

from nnlib.exercises import activations, forward, intro, neurons
from nnlib.exercises.activations import (
    check_relu,
    check_relu_derivative,
    check_sigmoid,
    check_softmax,
)
from nnlib.exercises.engine import grade
from nnlib.exercises.forward import check_collapse_linear, check_forward
from nnlib.exercises.intro import check_accuracy, check_center_columns
from nnlib.exercises.neurons import check_count_parameters, check_dense_forward, check_neuron

# Every exercise of the book, by id (tests use this to prove each one works both ways).
EXERCISES = {
    ex.id: ex for module in (intro, neurons, activations, forward) for ex in module.EXERCISES
}

__all__ = [
    "EXERCISES",
    "grade",
    "check_center_columns",
    "check_accuracy",
    "check_neuron",
    "check_dense_forward",
    "check_count_parameters",
    "check_sigmoid",
    "check_relu",
    "check_relu_derivative",
    "check_softmax",
    "check_forward",
    "check_collapse_linear",
]
