"""Wrong answers to chapter 8's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np

# -- one step of SGD with momentum -----------------------------------------------------------


def momentum_as_average(theta, grad, v, lr, momentum):
    velocity = momentum * v + (1.0 - momentum) * grad
    new_theta = theta - lr * velocity
    return new_theta, velocity


def momentum_steps_before_updating(theta, grad, v, lr, momentum):
    new_theta = theta - lr * v
    new_v = momentum * v + grad
    return new_theta, new_v


def momentum_climbing(theta, grad, v, lr, momentum):
    new_v = np.add(momentum * v, grad)
    return np.add(theta, lr * new_v), new_v


def momentum_downhill_velocity(theta, grad, v, lr, momentum):
    velocity = momentum * v
    velocity = velocity - grad
    return theta + lr * velocity, velocity


def momentum_with_lr_in_velocity(theta, grad, v, lr, momentum):
    step = momentum * v + lr * grad
    return theta - step, step


def momentum_cs231n_style(theta, grad, v, lr, momentum):
    v = momentum * v - lr * grad
    theta = theta + v
    return theta, v


def momentum_forgetting_mu(theta, grad, v, lr, momentum):
    total = v + grad
    return theta - lr * total, total


def momentum_in_place(theta, grad, v, lr, momentum):
    v[...] = momentum * v + grad
    theta[...] = theta - lr * v
    return theta, v


# -- one step of RMSProp ---------------------------------------------------------------------


def rmsprop_eps_under_root(theta, grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad * grad
    denominator = np.sqrt(s_new + eps)
    return theta - lr * grad / denominator, s_new


def rmsprop_mean_of_gradient(theta, grad, s, lr, rho, eps):
    new_s = rho * s + (1 - rho) * grad
    return theta - lr * grad / (new_s**0.5 + eps), new_s


def rmsprop_sum_of_squares(theta, grad, s, lr, rho, eps):
    new_s = rho * s + np.square(grad)
    return theta - lr * grad / (np.sqrt(new_s) + eps), new_s


def rmsprop_weights_swapped(theta, grad, s, lr, rho, eps):
    new_s = (1 - rho) * s + rho * np.square(grad)
    return theta - lr * grad / (np.sqrt(new_s) + eps), new_s


def rmsprop_old_s_in_step(theta, grad, s, lr, rho, eps):
    step = lr * grad / (np.sqrt(s) + eps)
    s = rho * s + (1 - rho) * grad**2
    return theta - step, s


def rmsprop_no_square_root(theta, grad, s, lr, rho, eps):
    mean_square = rho * s + (1 - rho) * grad**2
    return theta - lr * grad / (mean_square + eps), mean_square


def rmsprop_in_place(theta, grad, s, lr, rho, eps):
    s[...] = rho * s + (1 - rho) * grad**2
    theta[...] = theta - lr * grad / (np.sqrt(s) + eps)
    return theta, s


# -- one step of Adam ------------------------------------------------------------------------


def adam_without_bias_correction(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return theta - lr * m / (v**0.5 + eps), m, v


def adam_correcting_m_only(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    return theta - lr * m_hat / (np.sqrt(v) + eps), m, v


def adam_eps_under_root(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v


def adam_counting_from_zero(theta, grad, m, v, lr, beta1, beta2, eps, t):
    step = t - 1  # the first step is step 0
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - np.power(beta1, step))
    v_hat = v / (1 - np.power(beta2, step))
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_next_step_number(theta, grad, m, v, lr, beta1, beta2, eps, t):
    t = t + 1
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_mean_of_gradient_for_v(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_sums_not_averages(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + grad
    v_new = beta2 * v + grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def adam_returning_corrected_moments(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1**t)
    v = (beta2 * v + (1 - beta2) * grad**2) / (1 - beta2**t)
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def adam_in_place(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m[...] = beta1 * m + (1 - beta1) * grad
    v[...] = beta2 * v + (1 - beta2) * grad**2
    theta[...] = theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return theta, m, v


WRONG_ANSWERS = {
    "momentum_step": [
        (momentum_as_average, "with no (1 − μ) in front of g"),
        (momentum_steps_before_updating, "Update the velocity first"),
        (momentum_climbing, "Step against the velocity"),
        (momentum_downhill_velocity, "your v has the opposite sign"),
        (momentum_with_lr_in_velocity, "Keep the learning rate out of the velocity"),
        (momentum_cs231n_style, "your v is −α times nnlib's"),
        (momentum_forgetting_mu, "Multiply the old velocity by μ"),
        (momentum_in_place, "changed theta and v in place"),
    ],
    "rmsprop_step": [
        (rmsprop_eps_under_root, "ε goes outside the square root"),
        (rmsprop_mean_of_gradient, "running mean of the *squared* gradient"),
        (rmsprop_sum_of_squares, "Weight the new g² by (1 − ρ)"),
        (rmsprop_weights_swapped, "ρ multiplies the old mean square"),
        (rmsprop_old_s_in_step, "You divided by the old s"),
        (rmsprop_no_square_root, "Divide by the root of the mean square"),
        (rmsprop_in_place, "changed theta and s in place"),
    ],
    "adam_step": [
        (adam_without_bias_correction, "Correct the bias of both moments"),
        (adam_correcting_m_only, "You corrected m but not v"),
        (adam_eps_under_root, "ε goes outside the square root"),
        (adam_counting_from_zero, "t counts steps from 1"),
        (adam_next_step_number, "not t + 1"),
        (adam_mean_of_gradient_for_v, "v is a running mean of the *squared* gradient"),
        (adam_sums_not_averages, "Weight the new gradient by (1 − β)"),
        (adam_returning_corrected_moments, "not m̂ and v̂"),
        (adam_in_place, "changed theta, m and v in place"),
    ],
}
