"""Checkers for chapter 8, Optimizers.

Each exercise is one step of an optimizer written as a pure function: it takes the parameters θ,
the gradient g, the optimizer's state before the step (a velocity, a mean square, two moments)
and the hyper-parameters, and returns the new θ and the new state as new arrays.

The cases are consecutive steps of nnlib's own optimizer on three small problems, and the
reference takes each step with ``nnlib.optim`` itself: an answer passes only if it takes exactly
the steps nnlib takes. Learners' answers often get θ right and the state wrong (or the other way
round), so each known mistake is recognised part by part, as in chapter 6's checkers.
"""

import copy

import numpy as np

from nnlib import optim
from nnlib.exercises.engine import (
    NEW_LINE,
    Case,
    Exercise,
    Mistake,
    describe,
    make_check,
    same_values,
)


def _array(values):
    """A float64 copy of ``values``."""
    return np.array(values, dtype=np.float64)


def _same_answer(got, answer):
    return len(got) == len(answer) and all(same_values(g, a) for g, a in zip(got, answer))


def _mistakes(reference, entries):
    """Known mistakes from (hint, wrong function) pairs, each recognised in a learner's answer
    as a whole, or in any one result that it gets wrong.

    At the first step several mistakes can agree in a result (returning m̂ instead of m, and
    forgetting (1 − β₁), both give m = g), so a mistake is named for one result only when no
    known mistake explains the whole answer.
    """
    wrongs = [wrong for _, wrong in entries]

    def detector(wrong):
        def detect(case, got):
            right = reference(*copy.deepcopy(case.args))
            answers = {w: w(*copy.deepcopy(case.args)) for w in wrongs}
            if _same_answer(got, answers[wrong]):
                return True
            if any(_same_answer(got, answer) for answer in answers.values()):
                return False  # another mistake explains it all: let that one be named
            bad = answers[wrong]
            return any(
                not same_values(bad[i], right[i]) and same_values(got[i], bad[i])
                for i in range(len(right))
            )

        return detect

    return [Mistake(hint, wrong=wrong, detect=detector(wrong)) for hint, wrong in entries]


# -- three small problems, each with the gradient of its cost --------------------------------
# The valley of the chapter, f(x, y) = x²/2 + 10y²; and f(Θ) = ½·Σ C ⊙ (Θ − T)² for a (2, 3)
# and a square (2, 2) matrix Θ with non-symmetric C and T, so that a transposed array shows.

_C_WIDE = _array([[1.0, 4.0, 0.5], [2.0, 0.25, 3.0]])
_T_WIDE = _array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.5]])
_C_SQUARE = _array([[2.0, 0.5], [8.0, 1.0]])
_T_SQUARE = _array([[1.0, -2.0], [0.5, 0.0]])


def _valley_gradient(theta):
    return theta * np.array([1.0, 20.0])


def _wide_gradient(theta):
    return _C_WIDE * (theta - _T_WIDE)


def _square_gradient(theta):
    return _C_SQUARE * (theta - _T_SQUARE)


PROBLEMS = {
    "valley": ("f(x, y) = x²/2 + 10y²", _valley_gradient, _array([-4.0, 1.0])),
    "wide": (
        "f(Θ) = ½·Σ C ⊙ (Θ − T)² with C = [[1, 4, 0.5], [2, 0.25, 3]]"
        f"{NEW_LINE}and T = [[0.5, -1, 2], [0, 1.5, -0.5]]",
        _wide_gradient,
        _array([[1.0, 0.0, -1.0], [2.0, -1.0, 0.5]]),
    ),
    "square": (
        f"f(Θ) = ½·Σ C ⊙ (Θ − T)² with C = [[2, 0.5], [8, 1]]{NEW_LINE}and T = [[1, -2], [0.5, 0]]",
        _square_gradient,
        _array([[0.0, 1.0], [-1.0, 2.0]]),
    ),
}


def _heading(optimizer, problem, t):
    """What a case is: which step of which nnlib optimizer on which problem."""
    return f"step t = {t} of nnlib's {optimizer}{NEW_LINE}on {PROBLEMS[problem][0]}:{NEW_LINE}"


def _states_before_steps(problem, make_optimizer, names, steps):
    """Run nnlib's optimizer on a problem; for each step t = 1, 2, …, steps return
    (θ, g, {name: state array}) as they were just before that step."""
    _, gradient, start = PROBLEMS[problem]
    theta, grad = start.copy(), np.zeros_like(start)
    optimizer = make_optimizer([(theta, grad)])
    before = []
    for _ in range(steps):
        grad[...] = gradient(theta)
        state = {name: optimizer.state[0][name].copy() for name in names}
        before.append((theta.copy(), grad.copy(), state))
        optimizer.step()
    return before


# -- momentum --------------------------------------------------------------------------------


def momentum_step(theta, grad, v, lr, momentum):
    """Reference: one step of nnlib's SGD with momentum, as a pure function.

    theta, grad, v: arrays of one shape (v is the velocity before the step); lr: α;
    momentum: μ. Returns (new theta, new v) with v ← μ·v + g and θ ← θ − α·v; the inputs are
    left unchanged.
    """
    theta, v = _array(theta), _array(v)
    optimizer = optim.SGD([(theta, _array(grad))], lr=lr, momentum=momentum)
    optimizer.state[0]["v"][...] = v
    optimizer.step()
    return theta, optimizer.state[0]["v"]


def _momentum_case(problem, lr, momentum, t):
    theta, grad, state = _states_before_steps(
        problem, lambda params: optim.SGD(params, lr=lr, momentum=momentum), ["v"], t
    )[t - 1]
    heading = _heading(f"SGD(lr={lr}, momentum={momentum})", problem, t)
    arrays = describe(theta=theta, grad=grad, v=state["v"])
    return Case((theta, grad, state["v"], lr, momentum), heading + arrays)


def _momentum_averaged(theta, grad, v, lr, momentum):
    v_new = momentum * v + (1 - momentum) * grad
    return theta - lr * v_new, v_new


def _momentum_old_velocity(theta, grad, v, lr, momentum):
    return theta - lr * v, momentum * v + grad


def _momentum_uphill(theta, grad, v, lr, momentum):
    v_new = momentum * v + grad
    return theta + lr * v_new, v_new


def _momentum_against_gradient(theta, grad, v, lr, momentum):
    v_new = momentum * v - grad  # the velocity points downhill, so the step adds it
    return theta + lr * v_new, v_new


def _momentum_lr_inside(theta, grad, v, lr, momentum):
    v_new = momentum * v + lr * grad
    return theta - v_new, v_new


def _momentum_minus_lr_inside(theta, grad, v, lr, momentum):
    v_new = momentum * v - lr * grad
    return theta + v_new, v_new


def _momentum_without_mu(theta, grad, v, lr, momentum):
    v_new = v + grad
    return theta - lr * v_new, v_new


def _momentum_in_place(theta, grad, v, lr, momentum):
    v *= momentum
    v += grad
    theta -= lr * v
    return theta, v


_MOMENTUM_MISTAKES = [
    (
        "Add the whole gradient to the velocity: v ← μ·v + g, with no (1 − μ) in front of "
        "g. That is nnlib's (and PyTorch's) momentum; with (1 − μ)·g the velocity is an "
        "average of gradients, and the step on a steady slope stays α·g instead of growing "
        "to α·g / (1 − μ).",
        _momentum_averaged,
    ),
    (
        "Update the velocity first, then step with the new one: v_new = μ·v + g, then "
        "θ − α·v_new. You stepped with the old velocity (at the first step v = 0, so θ did "
        "not move at all).",
        _momentum_old_velocity,
    ),
    (
        "Step against the velocity: θ ← θ − α·v. The velocity adds up gradients, and "
        "gradients point uphill, so θ + α·v climbs.",
        _momentum_uphill,
    ),
    (
        "Your θ is right, but your v has the opposite sign: you used v ← μ·v − g with "
        "θ ← θ + α·v. This chapter (and nnlib, whose velocity the check compares with "
        "yours) keeps v along the gradient: v ← μ·v + g, θ ← θ − α·v.",
        _momentum_against_gradient,
    ),
    (
        "Keep the learning rate out of the velocity: v ← μ·v + g, then θ ← θ − α·v. Your "
        "v ← μ·v + α·g with θ ← θ − v moves θ the same way while α is constant, but your "
        "v is α times nnlib's, and it stops matching when α changes (a schedule).",
        _momentum_lr_inside,
    ),
    (
        "Your θ is right, but your v is −α times nnlib's: you used v ← μ·v − α·g with "
        "θ ← θ + v. Keep the learning rate out of the velocity and v along the gradient: "
        "v ← μ·v + g, θ ← θ − α·v.",
        _momentum_minus_lr_inside,
    ),
    (
        "Multiply the old velocity by μ before adding the gradient: v ← μ·v + g. Without μ "
        "the velocity never forgets old gradients and grows without limit on a slope.",
        _momentum_without_mu,
    ),
]

MOMENTUM_STEP = Exercise(
    id="momentum_step",
    title="one step of SGD with momentum",
    reference=momentum_step,
    solved_by=(optim.SGD.update,),
    result_names=("theta", "v"),
    cases=[
        _momentum_case("valley", 0.04, 0.9, 1),
        _momentum_case("valley", 0.04, 0.9, 2),
        _momentum_case("valley", 0.04, 0.9, 3),
        _momentum_case("wide", 0.1, 0.5, 3),
        _momentum_case("square", 0.05, 0.8, 4),
    ],
    mistakes=[
        *_mistakes(momentum_step, _MOMENTUM_MISTAKES),
        Mistake(
            "Your function changed theta and v in place (v *= …, theta -= …). nnlib's "
            "optimizer does that to its own arrays, but this function must leave its inputs "
            "as they were: build new ones, v_new = momentum * v + grad and "
            "theta - lr * v_new, and return those.",
            wrong=_momentum_in_place,
        ),
    ],
    default_hint=(
        "Two lines, entry by entry: first the new velocity v_new = momentum * v + grad, then "
        "the new parameters theta - lr * v_new. Return both, (theta_new, v_new), as new arrays "
        "of theta's shape."
    ),
)

check_momentum_step = make_check(MOMENTUM_STEP)


# -- RMSProp ---------------------------------------------------------------------------------


def rmsprop_step(theta, grad, s, lr, rho, eps):
    """Reference: one step of nnlib's RMSProp, as a pure function.

    theta, grad, s: arrays of one shape (s is the running mean square before the step);
    lr: α; rho: ρ; eps: ε. Returns (new theta, new s) with s ← ρ·s + (1 − ρ)·g² and
    θ ← θ − α·g / (√s + ε); the inputs are left unchanged.
    """
    theta = _array(theta)
    optimizer = optim.RMSProp([(theta, _array(grad))], lr=lr, rho=rho, eps=eps)
    optimizer.state[0]["s"][...] = s
    optimizer.step()
    return theta, optimizer.state[0]["s"]


def _rmsprop_case(problem, lr, rho, eps, t):
    theta, grad, state = _states_before_steps(
        problem, lambda params: optim.RMSProp(params, lr=lr, rho=rho, eps=eps), ["s"], t
    )[t - 1]
    heading = _heading(f"RMSProp(lr={lr}, rho={rho}, eps={eps})", problem, t)
    arrays = describe(theta=theta, grad=grad, s=state["s"])
    return Case((theta, grad, state["s"], lr, rho, eps), heading + arrays)


def _rmsprop(theta, grad, s_new, lr, eps):
    return theta - lr * grad / (np.sqrt(s_new) + eps), s_new


def _rmsprop_eps_inside(theta, grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return theta - lr * grad / np.sqrt(s_new + eps), s_new


def _rmsprop_gradient_not_squared(theta, grad, s, lr, rho, eps):
    return _rmsprop(theta, grad, rho * s + (1 - rho) * grad, lr, eps)


def _rmsprop_without_one_minus_rho(theta, grad, s, lr, rho, eps):
    return _rmsprop(theta, grad, rho * s + grad**2, lr, eps)


def _rmsprop_rho_swapped(theta, grad, s, lr, rho, eps):
    return _rmsprop(theta, grad, (1 - rho) * s + rho * grad**2, lr, eps)


def _rmsprop_old_mean_square(theta, grad, s, lr, rho, eps):
    return theta - lr * grad / (np.sqrt(s) + eps), rho * s + (1 - rho) * grad**2


def _rmsprop_without_root(theta, grad, s, lr, rho, eps):
    s_new = rho * s + (1 - rho) * grad**2
    return theta - lr * grad / (s_new + eps), s_new


def _rmsprop_in_place(theta, grad, s, lr, rho, eps):
    s *= rho
    s += (1 - rho) * grad**2
    theta -= lr * grad / (np.sqrt(s) + eps)
    return theta, s


_RMSPROP_MISTAKES = [
    (
        "ε goes outside the square root: θ ← θ − α·g / (√s + ε), as in nnlib and PyTorch. "
        "√(s + ε) differs wherever s is not much larger than ε (see the case with "
        "eps = 0.1).",
        _rmsprop_eps_inside,
    ),
    (
        "s is a running mean of the *squared* gradient: s ← ρ·s + (1 − ρ)·g², with "
        "g² = grad**2 entry by entry. With g itself, s can turn negative and its square "
        "root NaN.",
        _rmsprop_gradient_not_squared,
    ),
    (
        "Weight the new g² by (1 − ρ): s ← ρ·s + (1 − ρ)·g². The two weights add up to 1, "
        "so that s is an average of squared gradients and √s their typical size.",
        _rmsprop_without_one_minus_rho,
    ),
    (
        "ρ multiplies the old mean square and (1 − ρ) the new g²: s ← ρ·s + (1 − ρ)·g². "
        "With ρ = 0.9 the average keeps 90% of its memory at each step.",
        _rmsprop_rho_swapped,
    ),
    (
        "Update s first, then divide by the new √s + ε. You divided by the old s: at the "
        "first step s = 0, so the step was α·g / ε, a giant leap.",
        _rmsprop_old_mean_square,
    ),
    (
        "Divide by the root of the mean square, √s + ε, not by s + ε: g / √s has a size "
        "of about 1 whatever the scale of the gradient.",
        _rmsprop_without_root,
    ),
]

RMSPROP_STEP = Exercise(
    id="rmsprop_step",
    title="one step of RMSProp",
    reference=rmsprop_step,
    solved_by=(optim.RMSProp.update,),
    result_names=("theta", "s"),
    cases=[
        _rmsprop_case("valley", 0.1, 0.9, 1e-8, 1),
        _rmsprop_case("valley", 0.1, 0.9, 1e-8, 2),
        _rmsprop_case("valley", 0.1, 0.9, 1e-8, 3),
        _rmsprop_case("wide", 0.05, 0.8, 0.1, 3),
        _rmsprop_case("square", 0.2, 0.5, 0.01, 5),
    ],
    mistakes=[
        *_mistakes(rmsprop_step, _RMSPROP_MISTAKES),
        Mistake(
            "Your function changed theta and s in place (s *= …, theta -= …). Leave the "
            "inputs as they were: build new arrays, s_new = rho * s + (1 - rho) * grad**2 and "
            "theta - lr * grad / (np.sqrt(s_new) + eps), and return those.",
            wrong=_rmsprop_in_place,
        ),
    ],
    default_hint=(
        "Two lines, entry by entry: the new mean square s_new = rho * s + (1 - rho) * grad**2, "
        "then theta - lr * grad / (np.sqrt(s_new) + eps). Return both, (theta_new, s_new), as "
        "new arrays of theta's shape."
    ),
)

check_rmsprop_step = make_check(RMSPROP_STEP)


# -- Adam ------------------------------------------------------------------------------------


def adam_step(theta, grad, m, v, lr, beta1, beta2, eps, t):
    """Reference: step t (counted from 1) of nnlib's Adam, as a pure function.

    theta, grad, m, v: arrays of one shape (m and v are the moments before the step); lr: α;
    beta1, beta2: β₁, β₂; eps: ε. Returns (new theta, new m, new v), with
    m ← β₁·m + (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g², m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)
    and θ ← θ − α·m̂ / (√v̂ + ε); the inputs are left unchanged.
    """
    theta = _array(theta)
    optimizer = optim.TextbookAdam(
        [(theta, _array(grad))], lr=lr, beta1=beta1, beta2=beta2, eps=eps
    )
    optimizer.state[0]["m"][...] = m
    optimizer.state[0]["v"][...] = v
    optimizer.steps = t - 1  # step() counts this step, so it runs as step t
    optimizer.step()
    return theta, optimizer.state[0]["m"], optimizer.state[0]["v"]


def _adam_case(problem, lr, beta1, beta2, eps, t):
    theta, grad, state = _states_before_steps(
        problem,
        lambda params: optim.TextbookAdam(params, lr=lr, beta1=beta1, beta2=beta2, eps=eps),
        ["m", "v"],
        t,
    )[t - 1]
    optimizer = f"Adam(lr={lr}, beta1={beta1}, beta2={beta2}, eps={eps})"
    heading = _heading(optimizer, problem, t)
    arrays = describe(theta=theta, grad=grad, m=state["m"], v=state["v"])
    args = (theta, grad, state["m"], state["v"], lr, beta1, beta2, eps, t)
    return Case(args, heading + arrays)


def _adam(theta, grad, m, v, lr, beta1, beta2, eps, t, *, exponent=None, root=np.sqrt):
    """The textbook step with one thing changed, for the mistakes below: the exponent of the
    bias corrections (``exponent``: t by default) or the root (``root(v̂)``)."""
    power = t if exponent is None else exponent
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1**power), v_new / (1 - beta2**power)
    return theta - lr * m_hat / (root(v_hat) + eps), m_new, v_new


def _adam_uncorrected(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


def _adam_only_m_corrected(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * m_new / (1 - beta1**t) / (np.sqrt(v_new) + eps), m_new, v_new


def _adam_only_v_corrected(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * m_new / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


def _adam_eps_inside(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return theta - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new


def _adam_t_from_zero(theta, grad, m, v, lr, beta1, beta2, eps, t):
    return _adam(theta, grad, m, v, lr, beta1, beta2, eps, t, exponent=t - 1)


def _adam_t_plus_one(theta, grad, m, v, lr, beta1, beta2, eps, t):
    return _adam(theta, grad, m, v, lr, beta1, beta2, eps, t, exponent=t + 1)


def _adam_without_root(theta, grad, m, v, lr, beta1, beta2, eps, t):
    return _adam(theta, grad, m, v, lr, beta1, beta2, eps, t, root=lambda v_hat: v_hat)


def _adam_gradient_not_squared(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_without_one_minus_beta(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + grad
    v_new = beta2 * v + grad**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_betas_swapped(theta, grad, m, v, lr, beta1, beta2, eps, t):
    return _adam(theta, grad, m, v, lr, beta2, beta1, eps, t)


def _adam_corrected_state(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def _adam_in_place(theta, grad, m, v, lr, beta1, beta2, eps, t):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad**2
    theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return theta, m, v


_ADAM_MISTAKES = [
    (
        "Correct the bias of both moments before the step: m̂ = m / (1 − β₁ᵗ) and "
        "v̂ = v / (1 − β₂ᵗ), then θ ← θ − α·m̂ / (√v̂ + ε). Without the corrections the "
        "moments start near 0, and the first step is (1 − β₁) / √(1 − β₂) ≈ 3.16 times "
        "too large with the default β's.",
        _adam_uncorrected,
    ),
    (
        "You corrected m but not v: divide v by (1 − β₂ᵗ) as well, v̂ = v / (1 − β₂ᵗ), and "
        "use √v̂ in the step.",
        _adam_only_m_corrected,
    ),
    (
        "You corrected v but not m: divide m by (1 − β₁ᵗ) as well, m̂ = m / (1 − β₁ᵗ), and "
        "use m̂ in the step.",
        _adam_only_v_corrected,
    ),
    (
        "ε goes outside the square root: θ ← θ − α·m̂ / (√v̂ + ε), as in nnlib, PyTorch "
        "and the Adam paper. √(v̂ + ε) differs wherever v̂ is not much larger than ε (see "
        "the case with eps = 0.1).",
        _adam_eps_inside,
    ),
    (
        "t counts steps from 1: the first step has t = 1 and divides m by 1 − β₁¹. With "
        "t − 1 (counting from 0), the first step divides by 1 − β₁⁰ = 0.",
        _adam_t_from_zero,
    ),
    (
        "t is already the number of this step, counted from 1: use β₁**t and β₂**t, not t + 1.",
        _adam_t_plus_one,
    ),
    (
        "Divide by the square root of v̂: θ ← θ − α·m̂ / (√v̂ + ε). v̂ estimates g², so "
        "√v̂ has the size of the gradient and m̂ / √v̂ is about ±1.",
        _adam_without_root,
    ),
    (
        "v is a running mean of the *squared* gradient: v ← β₂·v + (1 − β₂)·g², with "
        "g² = grad**2 entry by entry. With g itself, v can turn negative and √v NaN.",
        _adam_gradient_not_squared,
    ),
    (
        "Weight the new gradient by (1 − β): m ← β₁·m + (1 − β₁)·g and "
        "v ← β₂·v + (1 − β₂)·g². The weights of each average add up to 1.",
        _adam_without_one_minus_beta,
    ),
    (
        "β₁ belongs to m (the mean of g) and β₂ to v (the mean of g²): "
        "m ← β₁·m + (1 − β₁)·g, v ← β₂·v + (1 − β₂)·g², each corrected with its own β.",
        _adam_betas_swapped,
    ),
    (
        "Return the moments m and v themselves as the new state, not m̂ and v̂: the "
        "corrections are worked out afresh from m and v at every step, so storing m̂ "
        "would correct it twice at the next step.",
        _adam_corrected_state,
    ),
]

ADAM_STEP = Exercise(
    id="adam_step",
    title="one step of Adam",
    reference=adam_step,
    solved_by=(optim.TextbookAdam.update, optim.Adam.update),
    result_names=("theta", "m", "v"),
    cases=[
        _adam_case("valley", 0.1, 0.9, 0.999, 1e-8, 1),
        _adam_case("valley", 0.1, 0.9, 0.999, 1e-8, 2),
        _adam_case("valley", 0.1, 0.9, 0.999, 1e-8, 3),
        _adam_case("wide", 0.2, 0.8, 0.99, 0.1, 4),
        _adam_case("square", 0.05, 0.5, 0.9, 0.01, 10),
    ],
    mistakes=[
        *_mistakes(adam_step, _ADAM_MISTAKES),
        Mistake(
            "Your function changed theta, m and v in place (m *= …, theta -= …). Leave the "
            "inputs as they were: build new arrays m_new, v_new and the new theta, and "
            "return those.",
            wrong=_adam_in_place,
        ),
    ],
    default_hint=(
        "Four lines, entry by entry: m_new = beta1 * m + (1 - beta1) * grad; "
        "v_new = beta2 * v + (1 - beta2) * grad**2; the corrected m_hat = m_new / (1 - beta1**t) "
        "and v_hat = v_new / (1 - beta2**t); then theta - lr * m_hat / (np.sqrt(v_hat) + eps). "
        "Return (theta_new, m_new, v_new)."
    ),
)

check_adam_step = make_check(ADAM_STEP)

EXERCISES = [MOMENTUM_STEP, RMSPROP_STEP, ADAM_STEP]
