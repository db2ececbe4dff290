"""Wrong answers to chapter 5's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np

# -- one gradient descent step ---------------------------------------------------------------


def step_uphill(theta, grad, lr):
    new_theta = theta + lr * grad
    return new_theta


def step_in_place(theta, grad, lr):
    theta -= lr * grad
    return theta


def step_without_lr(theta, grad, lr):
    return np.subtract(theta, grad)


def step_only(theta, grad, lr):
    update = -lr * grad
    return update


def step_divided(theta, grad, lr):
    return theta - np.divide(grad, lr)


# -- a numerical gradient --------------------------------------------------------------------


def forward_difference(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        grad.flat[i] = (f(x + e.reshape(x.shape)) - f(x)) / h
    return grad


def divided_by_h(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up = x.copy()
        up[i] = up[i] + h
        down = x.copy()
        down[i] = down[i] - h
        g[i] = (f(up) - f(down)) / h
    return g


def one_working_copy(f, x, h=1e-5):
    x_work = x.copy()
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x_work[i] += h
        f_plus = f(x_work)
        x_work[i] -= 2 * h
        f_minus = f(x_work)
        g[i] = (f_plus - f_minus) / (2 * h)
    return g


def shift_and_shift_back(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] = x[i] + h
        a = f(x)
        x[i] = x[i] - 2 * h
        b = f(x)
        x[i] = x[i] + h
        g[i] = (a - b) / (2 * h)
    return g


def shift_x_itself(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = f(x)
        x[i] -= 2 * h
        down = f(x)
        grad[i] = (up - down) / (2 * h)
    return grad


def first_only(f, x, h=1e-5):
    e = np.zeros_like(x)
    e[0] = h
    return (f(x + e) - f(x - e)) / (2 * h)


def loop_over_rows(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        plus = x.copy()
        minus = x.copy()
        plus[i] = plus[i] + h
        minus[i] = minus[i] - h
        grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


# -- the path of gradient descent ------------------------------------------------------------


def path_without_start(grad, start, lr, steps):
    theta, path = start.copy(), []
    for _ in range(steps):
        theta = theta - lr * grad(theta)
        path.append(theta)
    return np.array(path)


def one_step_too_many(grad, start, lr, steps):
    path = [start]
    for _ in range(steps + 1):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.array(path)


def climbing(grad, start, lr, steps):
    path = [start]
    for _ in range(steps):
        path.append(path[-1] + lr * grad(path[-1]))
    return np.array(path)


def same_array_every_row(grad, start, lr, steps):
    theta = start.copy()
    path = [theta]
    for _ in range(steps):
        theta -= lr * grad(theta)
        path.append(theta)
    return np.array(path)


def start_not_copied(grad, start, lr, steps):
    theta = start
    path = np.zeros((steps + 1, len(start)))
    path[0] = theta
    for t in range(1, steps + 1):
        theta -= lr * grad(theta)
        path[t] = theta
    return path


def path_as_columns(grad, start, lr, steps):
    path = [start]
    for _ in range(steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.column_stack(path)


WRONG_ANSWERS = {
    "gradient_step": [
        (step_uphill, "Step *against* the gradient"),
        (step_in_place, "`theta -= lr * grad` changes the caller's array"),
        (step_without_lr, "Scale the gradient by the learning rate"),
        (step_only, "not only the step"),
        (step_divided, "do not divide by it"),
    ],
    "numerical_gradient": [
        (forward_difference, "That is the forward difference"),
        (divided_by_h, "divide the difference by 2h, not by h"),
        (one_working_copy, "your entry i stays at x_i − h"),
        (shift_x_itself, "if you shifted x itself, the caller's x is changed too"),
        (shift_and_shift_back, "not always exactly x[i] in floating point"),
        (first_only, "loop over every coordinate, not only the first"),
        (loop_over_rows, "x[i] is then a whole row"),
    ],
    "gradient_descent": [
        (path_without_start, "Include the starting point as the first row"),
        (one_step_too_many, "Take exactly `steps` steps"),
        (climbing, "Move against the gradient"),
        (same_array_every_row, "Every row of your path is the same point"),
        (start_not_copied, "`theta = start` does not copy the array"),
        (path_as_columns, "One row per point"),
    ],
}
