"""Checkers for chapter 10, Training better: the L2 penalty, dropout and batch normalisation.

The L2 exercise returns three results (cost, dW, db), and a learner's answer is often right in
two of them; so each known mistake is recognised result by result, as in chapter 6's checkers.
"""

import numpy as np

from nnlib.exercises.engine import (
    NEW_LINE,
    Case,
    Exercise,
    Mistake,
    describe,
    make_check,
    mistake_in_parts,
)
from nnlib.layers import BatchNorm, Dropout

_rng = np.random.default_rng(10)


def _quarters(shape, scale=1.0):
    """Random multiples of 0.25 (exact in binary, so a failing case prints short numbers)."""
    return np.round(scale * _rng.normal(size=shape) * 4) / 4


# -- the L2 penalty and its gradient ---------------------------------------------------------


def l2_regularise(cost, W, b, dW, db, lam):
    """Reference: add the L2 penalty (λ/2)·‖W‖² to a layer's cost and λ·W to its gradient.

    cost: the data cost 𝓛 (a float); W: (n_in, n_out) and b: (n_out,), the layer's parameters;
    dW, db: their gradients (same shapes); lam: λ ≥ 0. Biases are not penalised. Returns
    (cost + (λ/2)·ΣW², dW + λ·W, db).
    """
    return cost + lam / 2 * np.sum(W * W), dW + lam * W, db.copy()


def _l2_case(cost, W, b, dW, db, lam):
    W, b, dW, db = (np.array(a, dtype=np.float64) for a in (W, b, dW, db))
    description = f"cost = {cost}, lam = {lam}{NEW_LINE}" + describe(W=W, b=b, dW=dW, db=db)
    return Case((float(cost), W, b, dW, db, float(lam)), description)


def _l2_random(n_in, n_out, lam):
    return _l2_case(
        round(float(_rng.uniform(0.2, 2.0)), 2),
        _quarters((n_in, n_out)),
        _quarters(n_out),
        _quarters((n_in, n_out), 0.5),
        _quarters(n_out, 0.5),
        lam,
    )


def _l2_variant(cost_of=None, dW_of=None, db_of=None):
    """l2_regularise with one part replaced: cost_of(cost, W, b, lam), dW_of(W, dW, lam),
    db_of(b, db, lam)."""

    def answer(cost, W, b, dW, db, lam):
        right = l2_regularise(cost, W, b, dW, db, lam)
        return (
            cost_of(cost, W, b, lam) if cost_of else right[0],
            dW_of(W, dW, lam) if dW_of else right[1],
            db_of(b, db, lam) if db_of else right[2],
        )

    return answer


_l2 = l2_regularise

L2_REGULARISE = Exercise(
    id="l2_regularise",
    title="the L2 penalty and its gradient",
    reference=l2_regularise,
    result_names=("cost", "dW", "db"),
    cases=[
        # square and not symmetric: λ·W.T instead of λ·W gives wrong numbers, not an error
        _l2_case(
            0.75,
            [[1.0, -2.0, 0.5], [0.0, 3.0, -1.0], [2.0, 0.25, -0.5]],
            [0.5, -1.0, 2.0],
            [[0.25, 0.0, -0.5], [1.0, -0.25, 0.5], [0.0, 0.5, 0.25]],
            [0.125, -0.25, 0.5],
            0.1,
        ),
        _l2_random(4, 2, 0.01),
        _l2_random(2, 5, 0.5),
        _l2_case(1.5, [[2.0], [-4.0]], [3.0], [[0.5], [0.5]], [-1.0], 1.0),
    ],
    mistakes=[
        mistake_in_parts(
            "The cost gets (λ/2)·ΣW², with the ½: the book (and nnlib's weight_decay=λ) uses "
            "the convention whose gradient is exactly λ·W. Without the ½ the gradient of "
            "λ·ΣW² would be 2λ·W.",
            _l2,
            _l2_variant(cost_of=lambda cost, W, b, lam: cost + lam * np.sum(W * W)),
        ),
        mistake_in_parts(
            "The gradient of (λ/2)·ΣW² is λ·W, not 2λ·W: the ½ in the cost cancels the 2 of "
            "the square's derivative. That λ·W is what weight_decay=λ adds in nnlib.",
            _l2,
            _l2_variant(dW_of=lambda W, dW, lam: dW + 2 * lam * W),
        ),
        mistake_in_parts(
            "Leave the biases alone: the penalty is on the weights W only, so db comes back "
            "unchanged and b does not enter the cost. (A bias only shifts a neuron; it does "
            "not make the function wiggle.)",
            _l2,
            lambda cost, W, b, dW, db, lam: (
                cost + lam / 2 * (np.sum(W * W) + np.sum(b * b)),
                dW + lam * W,
                db + lam * b,
            ),
        ),
        mistake_in_parts(
            "Check the sign: the penalty pulls the weights towards zero, so its gradient +λ·W "
            "is added to dW (gradient descent then subtracts α·λ·W from W).",
            _l2,
            _l2_variant(dW_of=lambda W, dW, lam: dW - lam * W),
        ),
        mistake_in_parts(
            "The factor λ is missing: add lam * W to dW, not W.",
            _l2,
            _l2_variant(dW_of=lambda W, dW, lam: dW + W),
        ),
        mistake_in_parts(
            "Keep the data gradient: the new dW is dW + λ·W, the old gradient plus the "
            "penalty's, not the penalty's alone.",
            _l2,
            _l2_variant(dW_of=lambda W, dW, lam: lam * W),
        ),
        mistake_in_parts(
            "The penalty adds up the *squares* of the weights, ΣW² = np.sum(W * W) (or "
            "np.sum(W ** 2)): every weight counts, whatever its sign.",
            _l2,
            _l2_variant(cost_of=lambda cost, W, b, lam: cost + lam / 2 * np.sum(W)),
        ),
        mistake_in_parts(
            "The cost is the data cost plus the penalty: return cost + (λ/2)·ΣW², not the "
            "penalty alone.",
            _l2,
            _l2_variant(cost_of=lambda cost, W, b, lam: lam / 2 * np.sum(W * W)),
        ),
        mistake_in_parts(
            "dW must keep the shape and orientation of W: add lam * W, not lam * W.T.",
            _l2,
            _l2_variant(dW_of=lambda W, dW, lam: dW + lam * W.T),
        ),
    ],
    default_hint=(
        "Three results: the cost plus (lam / 2) * np.sum(W ** 2) (a number), dW + lam * W "
        "(the shape of W), and db unchanged (biases are not penalised)."
    ),
)

check_l2_regularise = make_check(L2_REGULARISE)


# -- inverted dropout ------------------------------------------------------------------------


def dropout_forward(X, p, U, training):
    """Reference: inverted dropout. X, U: (n, d); U holds uniform random numbers in [0, 1).

    Training: drop the entries whose U is below p and scale the kept ones by 1 / (1 − p).
    Evaluation (training=False): return X unchanged. Returns Y: (n, d).
    """
    if not training:
        return X.copy()
    return X * (U >= p) / (1 - p)


def _dropout_case(X, p, U, training):
    X, U = np.array(X, dtype=np.float64), np.array(U, dtype=np.float64)
    return Case(
        (X, float(p), U, bool(training)),
        f"p = {p}, training = {training}{NEW_LINE}" + describe(X=X, U=U),
    )


def _uniform(shape, avoid):
    """Uniform numbers with 2 decimals, none equal to ``avoid`` (so U < p is never a tie)."""
    U = np.round(_rng.uniform(0, 1, size=shape), 2)
    return np.where(U == avoid, avoid + 0.01, U)


DROPOUT_FORWARD = Exercise(
    id="dropout_forward",
    title="inverted dropout",
    reference=dropout_forward,
    solved_by=(Dropout.forward,),
    cases=[
        _dropout_case(
            [[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]],
            0.5,
            [[0.12, 0.87, 0.55], [0.31, 0.64, 0.08]],
            True,
        ),
        # square and not symmetric, and p ≠ 0.5, so 1/p and 1/(1 − p) differ
        _dropout_case(
            [[2.0, -1.0, 0.5], [1.0, 3.0, -2.0], [-0.5, 1.5, 4.0]],
            0.25,
            [[0.9, 0.1, 0.3], [0.2, 0.6, 0.75], [0.05, 0.5, 0.4]],
            True,
        ),
        _dropout_case(
            [[1.0, 2.0, -3.0, 4.0], [-1.0, 0.5, 2.0, -2.0]],
            0.25,
            [[0.1, 0.2, 0.9, 0.6], [0.7, 0.05, 0.3, 0.15]],
            False,
        ),
        _dropout_case(_quarters((4, 2), 2.0), 0.8, _uniform((4, 2), 0.8), True),
        _dropout_case(_quarters((2, 5), 2.0), 0.1, _uniform((2, 5), 0.1), True),
    ],
    mistakes=[
        Mistake(
            "Scale the kept entries by 1 / (1 − p): with a fraction p of the entries zeroed, "
            "the rest must grow so that each entry keeps its expected value. Without the "
            "scaling, the next layer sees smaller inputs in training than in evaluation.",
            wrong=lambda X, p, U, training: X * (U >= p) if training else X.copy(),
        ),
        Mistake(
            "Divide by 1 − p, the probability of *keeping* an entry, not by p, the "
            "probability of dropping it (the two agree only for p = 0.5).",
            wrong=lambda X, p, U, training: X * (U >= p) / p if training else X.copy(),
        ),
        Mistake(
            "Inverted dropout divides the kept entries by 1 − p; multiplying them by 1 − p "
            "(or by p) makes them smaller instead of larger.",
            wrong=lambda X, p, U, training: X * (U >= p) * (1 - p) if training else X.copy(),
        ),
        Mistake(
            "Drop an entry where U < p (that happens with probability p) and keep it where "
            "U ≥ p. You dropped with probability 1 − p.",
            wrong=lambda X, p, U, training: X * (U < p) / (1 - p) if training else X.copy(),
        ),
        Mistake(
            "In evaluation (training=False) dropout does nothing: return X as it is. The "
            "network is tested with all its neurons.",
            wrong=lambda X, p, U, training: X * (U >= p) / (1 - p),
        ),
        Mistake(
            "With inverted dropout the scaling happens in training, so evaluation returns X "
            "unchanged, not X·(1 − p) (that is the rule of the older, non-inverted dropout).",
            wrong=lambda X, p, U, training: X * (U >= p) / (1 - p) if training else X * (1 - p),
        ),
    ],
    default_hint=(
        "In training: keep = (U >= p), then Y = X * keep / (1 - p), one entry at a time, the "
        "shape of X. In evaluation (training=False): Y = X."
    ),
)

check_dropout_forward = make_check(DROPOUT_FORWARD)


# -- batch normalisation (training mode) ----------------------------------------------------


def batchnorm_forward(X, gamma, beta, eps):
    """Reference: batch normalisation in training mode.

    X: (n, d); gamma, beta: (d,). Each column j is normalised with its batch mean and its
    (biased, 1/n) variance, X̂ = (X − mean) / √(var + ε), then Y = γ ⊙ X̂ + β: (n, d).
    """
    mean = X.mean(axis=0)
    var = X.var(axis=0)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def _bn_case(X, gamma, beta, eps):
    X, gamma, beta = (np.array(a, dtype=np.float64) for a in (X, gamma, beta))
    return Case(
        (X, gamma, beta, float(eps)),
        f"eps = {eps}{NEW_LINE}" + describe(X=X, gamma=gamma, beta=beta),
    )


def _bn_variant(center=None, scale=None, affine=True):
    """batchnorm_forward with one step changed: center(X) → X − mean, scale(X, eps) → the
    divisor, affine=False leaves out γ and β."""

    def answer(X, gamma, beta, eps):
        centred = center(X) if center else X - X.mean(axis=0)
        divisor = scale(X, eps) if scale else np.sqrt(X.var(axis=0) + eps)
        X_hat = centred / divisor
        return gamma * X_hat + beta if affine else X_hat

    return answer


BATCHNORM_FORWARD = Exercise(
    id="batchnorm_forward",
    title="batch normalisation, forward in training mode",
    reference=batchnorm_forward,
    solved_by=(BatchNorm.forward,),
    cases=[
        _bn_case(
            [[1.0, 2.0, -1.0], [3.0, 0.0, 1.0], [2.0, -2.0, 3.0], [6.0, 4.0, 1.0]],
            [1.0, 0.5, 2.0],
            [0.0, 1.0, -1.0],
            1e-5,
        ),
        # square and not symmetric: statistics over the wrong axis give wrong numbers
        _bn_case(
            [[1.0, 4.0, -2.0], [3.0, 0.0, 2.0], [-1.0, 2.0, 6.0]],
            [2.0, 1.0, 0.5],
            [0.5, -1.0, 0.0],
            0.1,
        ),
        # the second column barely varies: there ε decides the answer
        _bn_case(
            [[0.5, 2.0], [-1.0, 2.001], [2.5, 1.999], [1.0, 2.0], [0.0, 2.002]],
            [1.5, 1.0],
            [0.25, 0.0],
            1e-5,
        ),
        _bn_case(_quarters((2, 4), 2.0), [1.0, -1.0, 0.5, 2.0], [0.0, 0.5, -0.5, 1.0], 1e-3),
    ],
    mistakes=[
        Mistake(
            "Normalise each feature (column) over the batch: its mean and variance run down "
            "the rows, X.mean(axis=0) and X.var(axis=0). You normalised each sample (row).",
            wrong=_bn_variant(
                center=lambda X: X - X.mean(axis=1, keepdims=True),
                scale=lambda X, eps: np.sqrt(X.var(axis=1, keepdims=True) + eps),
            ),
        ),
        Mistake(
            "A mean or variance along axis=1 has one value per row, shape (n,), which does "
            "not line up with X's columns. Take the statistics of each feature over the "
            "batch instead: axis=0, one value per column, shape (d,).",
            wrong=_bn_variant(
                center=lambda X: X - X.mean(axis=1),
                scale=lambda X, eps: np.sqrt(X.var(axis=1) + eps),
            ),
        ),
        Mistake(
            "ε goes under the square root: divide by np.sqrt(var + eps), not by std + eps. "
            "The two differ most for a feature that barely varies in the batch.",
            wrong=_bn_variant(scale=lambda X, eps: X.std(axis=0) + eps),
        ),
        Mistake(
            "Divide by the standard deviation √(var + ε), not by the variance: the square "
            "root is missing.",
            wrong=_bn_variant(scale=lambda X, eps: X.var(axis=0) + eps),
        ),
        Mistake(
            "Use the batch's own (biased) variance, the mean of the squared deviations, "
            "dividing by n: X.var(axis=0), not X.var(axis=0, ddof=1) (nor np.cov).",
            wrong=_bn_variant(scale=lambda X, eps: np.sqrt(X.var(axis=0, ddof=1) + eps)),
        ),
        Mistake(
            "After normalising, scale and shift: Y = gamma * X_hat + beta. Without γ and β "
            "every feature would be stuck at mean 0 and variance 1.",
            wrong=_bn_variant(affine=False),
        ),
        Mistake(
            "γ scales and β shifts: Y = gamma * X_hat + beta (you swapped them).",
            wrong=lambda X, gamma, beta, eps: _bn_variant()(X, beta, gamma, eps),
        ),
        Mistake(
            "Subtract the mean before dividing: X_hat = (X − mean) / √(var + ε), so each "
            "column has mean 0.",
            wrong=_bn_variant(center=lambda X: X),
        ),
    ],
    default_hint=(
        "Per column: mean = X.mean(axis=0), var = X.var(axis=0) (both shape (d,)), "
        "X_hat = (X - mean) / np.sqrt(var + eps), then return gamma * X_hat + beta, the "
        "shape of X."
    ),
)

check_batchnorm_forward = make_check(BATCHNORM_FORWARD)

EXERCISES = [L2_REGULARISE, DROPOUT_FORWARD, BATCHNORM_FORWARD]
