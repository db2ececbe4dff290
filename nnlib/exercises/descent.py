"""Checkers for chapter 5, Gradient descent."""

import numpy as np

from nnlib import gradcheck, optim
from nnlib.exercises.engine import Case, Exercise, Mistake, make_check, show


def _array(values):
    return np.array(values, dtype=np.float64)


# -- one update step -------------------------------------------------------------------------


def gradient_step(theta, grad, lr):
    """Reference: the new θ − α·∇𝓛, a new array. theta, grad: the same shape; lr: a number."""
    return theta - lr * grad


def _step_case(theta, grad, lr):
    theta, grad = _array(theta), _array(grad)
    return Case((theta, grad, lr), f"theta = {show(theta)}, grad = {show(grad)}, lr = {lr}")


def _step_in_place(theta, grad, lr):
    theta -= lr * grad  # changes the caller's θ
    return theta


GRADIENT_STEP = Exercise(
    id="gradient_step",
    title="one gradient descent step",
    reference=gradient_step,
    cases=[
        _step_case([1.0, 2.0], [2.0, 4.0], 0.1),
        _step_case([[0.5, -1.0, 2.0], [0.0, 3.0, -0.5]], [[1.0, 2.0, -4.0], [0.5, 0.0, 1.0]], 0.25),
        _step_case([[1.0, 2.0], [3.0, 4.0]], [[4.0, -2.0], [1.0, 0.5]], 0.5),
        _step_case([3.0, -1.0, 0.25], [-2.0, 6.0, 1.0], 1.5),
    ],
    mistakes=[
        Mistake(
            "Step *against* the gradient: θ − α∇𝓛. The gradient points uphill, so adding it "
            "climbs.",
            wrong=lambda theta, grad, lr: theta + lr * grad,
        ),
        Mistake(
            "Scale the gradient by the learning rate before subtracting: theta - lr * grad.",
            wrong=lambda theta, grad, lr: theta - grad,
        ),
        Mistake(
            "Multiply the gradient by the learning rate α; do not divide by it.",
            wrong=lambda theta, grad, lr: theta - grad / lr,
        ),
        Mistake(
            "Return the new parameters θ − α∇𝓛, not only the step −α∇𝓛.",
            wrong=lambda theta, grad, lr: -lr * grad,
        ),
        Mistake(
            "Only the gradient is scaled by α: theta - lr * grad, not lr * (theta - grad).",
            wrong=lambda theta, grad, lr: lr * (theta - grad),
        ),
        Mistake(
            "`theta -= lr * grad` changes the caller's array. Build a new one instead: "
            "return theta - lr * grad.",
            wrong=_step_in_place,
        ),
    ],
    default_hint=(
        "One step is θ_new = θ − α·∇𝓛, entry by entry: subtract lr times each gradient entry "
        "from the matching entry of theta, and return the result as a new array."
    ),
)

check_gradient_step = make_check(GRADIENT_STEP)


# -- a numerical gradient by central differences ---------------------------------------------


def numerical_gradient(f, x, h=1e-5):
    """Reference: ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / (2h) for every entry of x.

    f: maps an array shaped like x to a number; x: float array of any shape (left unchanged).
    Returns an array shaped like x. (nnlib's gradcheck version reads x through f() instead.)
    """
    point = np.array(x, dtype=np.float64)
    return gradcheck.numerical_gradient(lambda: f(point), point, h)


def square_and_product(x):
    """f(x) = x₁² + 3·x₁x₂."""
    return x[0] ** 2 + 3 * x[0] * x[1]


def products(x):
    """f(x) = x₁x₂ + x₂x₃: each partial derivative depends on the other coordinates."""
    return x[0] * x[1] + x[1] * x[2]


_C = _array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def weighted_squares(W):
    """f(W) = Σ_ij C_ij · W_ij² with C = [[1, 2, 3], [4, 5, 6]]."""
    return np.sum(_C * W**2)


def surface(x):
    """f(x, y) = sin(½x² − ¼y² + 3)·cos(2x + 1 − eʸ)."""
    return np.sin(0.5 * x[0] ** 2 - 0.25 * x[1] ** 2 + 3) * np.cos(2 * x[0] + 1 - np.exp(x[1]))


def _gradient_case(f, formula, x, h):
    x = _array(x)
    return Case((f, x, h), f"f(x) = {formula}, x = {show(x)}, h = {h}")


def _forward_difference(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        shifted = x.copy()
        shifted[i] += h
        grad[i] = (f(shifted) - f(x)) / h
    return grad


def _over_h(f, x, h):
    return 2 * numerical_gradient(f, x, h)


def _never_restored(f, x, h):
    plus, minus = x.copy(), x.copy()  # one copy for all coordinates: the shifts pile up
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _left_at_minus_h(f, x, h):
    work = x.copy()  # one working copy, whose entry i stays at x_i − h
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        work[i] += h
        f_plus = f(work)
        work[i] -= 2 * h
        grad[i] = (f_plus - f(work)) / (2 * h)
    return grad


def _first_coordinate_only(f, x, h):
    step = np.zeros_like(x)
    step.flat[0] = h
    return (f(x + step) - f(x - step)) / (2 * h)


def _rows_not_entries(f, x, h):
    grad = np.zeros_like(x)
    for i in range(len(x)):  # x[i] is a whole row when x is a matrix
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _restored_by_arithmetic(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        grad[i] = (f_plus - f(x)) / (2 * h)
        x[i] += h  # x_i + h − 2h + h: not always exactly x_i in floating point
    return grad


NUMERICAL_GRADIENT = Exercise(
    id="numerical_gradient",
    title="a numerical gradient by central differences",
    reference=numerical_gradient,
    solved_by=(gradcheck.numerical_gradient,),
    cases=[
        _gradient_case(square_and_product, "x₁² + 3·x₁x₂", [1.0, 2.0], 0.1),
        _gradient_case(products, "x₁x₂ + x₂x₃", [1.0, 2.0, 3.0], 0.5),
        _gradient_case(
            weighted_squares,
            "Σ C_ij·W_ij² with C = [[1, 2, 3], [4, 5, 6]]",
            [[1.0, -1.0, 0.5], [2.0, 0.0, -0.5]],
            0.01,
        ),
        _gradient_case(surface, "sin(½x₁² − ¼x₂² + 3)·cos(2x₁ + 1 − e^x₂)", [0.5, -0.5], 1e-4),
    ],
    mistakes=[
        Mistake(
            "That is the forward difference (f(x + h·eᵢ) − f(x)) / h, whose error shrinks only "
            "like h. Use the central difference (f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h).",
            wrong=_forward_difference,
        ),
        Mistake(
            "x + h·eᵢ and x − h·eᵢ are 2h apart: divide the difference by 2h, not by h.",
            wrong=_over_h,
        ),
        Mistake(
            "Put each entry back after using it. When one copy of x serves all coordinates, "
            "the shifts stay in it and later entries are measured at the wrong point: start "
            "from a fresh copy of x for every i (or set entry i back before moving on).",
            wrong=_never_restored,
        ),
        Mistake(
            "Put each entry back after using it: your entry i stays at x_i − h, so every later "
            "entry is measured at a shifted point (and if you shifted x itself, the caller's x "
            "is changed too). Shift a fresh copy of x for each i (x_plus = x.copy()), or save "
            "x[i] and set it back after the two evaluations.",
            wrong=_left_at_minus_h,
        ),
        Mistake(
            "x[i] + h − 2h + h is not always exactly x[i] in floating point (1.0 + 0.1 − 0.2 + "
            "0.1 gives 1.0000000000000002), so your x comes back slightly changed. Save the "
            "original value and put it back (old = x[i] … x[i] = old), or shift copies of x.",
            wrong=_restored_by_arithmetic,
        ),
        Mistake(
            "The gradient has one entry per entry of x, each from its own pair of evaluations: "
            "loop over every coordinate, not only the first, and return an array shaped like x.",
            wrong=_first_coordinate_only,
        ),
        Mistake(
            "x can be a matrix: x[i] is then a whole row. Shift one entry at a time by looping "
            "over every index with `for i in np.ndindex(x.shape):`.",
            wrong=_rows_not_entries,
        ),
    ],
    default_hint=(
        "For each index i of x: make a copy of x with h added to entry i and one with h "
        "subtracted, evaluate f at both, and store (f_plus − f_minus) / (2h) at index i of an "
        "array shaped like x (np.zeros_like(x))."
    ),
)

check_numerical_gradient = make_check(NUMERICAL_GRADIENT)


# -- gradient descent: the whole path --------------------------------------------------------


def gradient_descent(grad, start, lr, steps):
    """Reference: the points θ₀ = start, θ_{t+1} = θ_t − lr·grad(θ_t): (steps + 1, d)."""
    path = np.empty((steps + 1, len(start)))
    path[0] = start
    for t in range(steps):
        path[t + 1] = path[t] - lr * grad(path[t])
    return path


def bowl_gradient(theta):
    """∇f for f(θ) = θ₁² + θ₂²: 2θ."""
    return 2 * theta


def sine_gradient(theta):
    """∇f for f(x) = sin x: cos x."""
    return np.cos(theta)


def valley_gradient(theta):
    """∇f for f(θ) = θ₁² + 2θ₂² + ½θ₃²: (2θ₁, 4θ₂, θ₃)."""
    return np.array([2.0, 4.0, 1.0]) * theta


def _descent_case(grad, formula, start, lr, steps):
    start = _array(start)
    return Case(
        (grad, start, lr, steps),
        f"{formula}, start = {show(start)}, lr = {lr}, steps = {steps}",
    )


def _path_without_start(grad, start, lr, steps):
    return gradient_descent(grad, start, lr, steps)[1:]


def _one_step_too_many(grad, start, lr, steps):
    return gradient_descent(grad, start, lr, steps + 1)


def _uphill(grad, start, lr, steps):
    return gradient_descent(lambda theta: -grad(theta), start, lr, steps)


def _same_row_every_time(grad, start, lr, steps):
    end = gradient_descent(grad, start, lr, steps)[-1]
    return np.tile(end, (steps + 1, 1))


def _start_changed(grad, start, lr, steps):
    theta = start  # not a copy: the steps below change the caller's start
    path = [theta.copy()]
    for _ in range(steps):
        theta -= lr * grad(theta)
        path.append(theta.copy())
    return np.array(path)


def _end_only(grad, start, lr, steps):
    return gradient_descent(grad, start, lr, steps)[-1]


def _transposed_path(grad, start, lr, steps):
    return gradient_descent(grad, start, lr, steps).T


GRADIENT_DESCENT = Exercise(
    id="gradient_descent",
    title="the path of gradient descent",
    reference=gradient_descent,
    solved_by=(optim.gradient_descent_path,),
    cases=[
        _descent_case(bowl_gradient, "grad(θ) = 2θ (f = θ₁² + θ₂²)", [1.0, 2.0], 0.1, 3),
        _descent_case(sine_gradient, "grad(x) = cos x (f = sin x)", [1.0], 0.5, 4),
        _descent_case(
            valley_gradient,
            "grad(θ) = (2θ₁, 4θ₂, θ₃) (f = θ₁² + 2θ₂² + ½θ₃²)",
            [1.0, -1.0, 2.0],
            0.2,
            2,
        ),
        _descent_case(bowl_gradient, "grad(θ) = 2θ", [3.0, -4.0], 0.1, 0),
    ],
    mistakes=[
        Mistake(
            "Include the starting point as the first row: with `steps` steps the path has "
            "steps + 1 points, start first.",
            wrong=_path_without_start,
        ),
        Mistake(
            "Take exactly `steps` steps: the path has steps + 1 rows, the start and one row "
            "per step (range(steps), not range(steps + 1)).",
            wrong=_one_step_too_many,
        ),
        Mistake(
            "Move against the gradient: θ ← θ − lr·grad(θ). With + the path climbs.",
            wrong=_uphill,
        ),
        Mistake(
            "Every row of your path is the same point: you stored the same array again and "
            "again and then changed it in place (theta -= ...). Make a new array each step, "
            "theta = theta - lr * grad(theta), and store that.",
            wrong=_same_row_every_time,
        ),
        Mistake(
            "`theta = start` does not copy the array, so `theta -= …` changes the caller's "
            "start too. Write theta = theta - lr * grad(theta) (a new array each step), or "
            "begin with theta = start.copy().",
            wrong=_start_changed,
        ),
        Mistake(
            "Return the whole path, one row per point visited, not only where it ends.",
            wrong=_end_only,
        ),
        Mistake(
            "One row per point: the path has shape (steps + 1, d), not (d, steps + 1).",
            wrong=_transposed_path,
        ),
    ],
    default_hint=(
        "Start a list with the start point; then `steps` times compute "
        "theta = theta - lr * grad(theta) and append it. np.array(the list) has shape "
        "(steps + 1, d)."
    ),
)

check_gradient_descent = make_check(GRADIENT_DESCENT)

EXERCISES = [GRADIENT_STEP, NUMERICAL_GRADIENT, GRADIENT_DESCENT]
