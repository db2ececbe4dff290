"""Optimizers: rules for the step θ ← θ − (something) (chapters 5, 8 and 10).

An optimizer is made from a list of (value, gradient) array pairs — ``model.parameters()``
gives them — and ``step()`` updates every value *in place* from its gradient:

- ``SGD``: θ ← θ − α·g, optionally with momentum: v ← μ·v + g, θ ← θ − α·v;
- ``RMSProp``: s ← ρ·s + (1 − ρ)·g², θ ← θ − α·g / (√s + ε);
- ``Adam``: momentum and RMSProp together, with bias correction for the zero start;
- ``AdamW``: Adam with decoupled weight decay, θ ← θ − α·λ·θ as a step of its own (chapter 10).

``gradient_descent_path`` runs plain gradient descent on a function given by its gradient, for
the pictures of chapter 5. ``TextbookAdam`` is Adam written line by line as chapter 8 derives
it; ``Adam`` computes the same steps faster (its docstring says how), and the tests check that
the two agree. ``step_decay`` and ``cosine_decay`` make learning-rate schedules for
``fit(..., lr_schedule=...)``.

The letters are the book's: g = ∇_θ𝓛 the gradient, α the learning rate (``lr``), μ the momentum,
ρ RMSProp's decay, β₁ and β₂ Adam's, ε a small number that keeps a division finite, λ the weight
decay. ``weight_decay`` adds L2 regularisation: it adds λ·θ to every gradient (chapter 10),
except in ``AdamW``, which shrinks θ directly.

One trap is handled here. Where a gradient is exactly zero for a long time (a "dead" ReLU unit),
the running averages (velocity, mean square, Adam's m and v) shrink geometrically, and after a few
hundred steps they reach float32's *subnormal* range (below 1.2e-38), where most CPUs compute many
times slower: an epoch can take three times as long. So now and then we set state entries below
``FLUSH_BELOW`` (1e-20) to exactly zero. A moment of 1e-20 moves no weight. How often is "now and
then"? With β = 0.9 an entry needs 391 steps to shrink from 1e-20 to 1.2e-38, so sweeping every
195 steps (half that, to spare) means none ever gets there. ``_flush_period`` does that sum for
each optimizer's own β. A sweep costs less than one Adam step, so the guard is almost free.
"""

import numpy as np

FLUSH_BELOW = 1e-20


def _flush_tiny(state):
    """Set entries of ``state`` smaller in size than FLUSH_BELOW to exactly 0, in place."""
    state *= np.abs(state) >= FLUSH_BELOW  # × 0 where tiny, × 1 elsewhere


def _flush_period(decay):
    """Steps between flushes for moments that shrink by ``decay`` (their β) each step: half the
    number of steps an entry takes to fall from FLUSH_BELOW to float32's smallest normal number.

    _flush_period(0.9) is 195; _flush_period(0.2) is 12, for averages that forget fast."""
    if decay >= 1:
        return 1000  # the moments never shrink, so they cannot shrink into subnormals
    if decay <= 0:
        return 1
    steps = np.log(np.finfo(np.float32).tiny / FLUSH_BELOW) / np.log(decay)
    return max(1, int(steps) // 2)


def _take_step(value, step):
    """value ← value − step, in place. value, step: arrays of one shape and dtype; step is
    overwritten (Adam passes its scratch array).

    Why not just ``value -= step``? In training, value is θ, which the matrix products of the
    next step read on every core. ``value -= step`` reads and writes each cache line of θ in turn
    while another core holds a copy of it, so every write waits for that copy to be withdrawn:
    on a 2-core machine it took about 110 µs per step. Building the new θ in ``step`` and copying
    it over θ (a bulk copy, which writes whole lines at a time) takes 20 + 20 µs, some 12% off an
    epoch. (``benchmarks/train_mlp.py --update-in-place`` measures the difference.)
    """
    np.subtract(value, step, out=step)
    value[...] = step


class Optimizer:
    """Base class. params: list of (value, gradient) pairs; lr: the learning rate α.

    Subclasses say which state arrays are running averages in ``moments`` (they are flushed, see
    the module docstring), create them in ``init_state`` and apply one update in ``update``.
    """

    moments = ()

    @property
    def decay(self):
        """The factor by which the moments shrink each step when gradients are zero (their β);
        it sets how often they are flushed (see _flush_period)."""
        return 1.0

    def __init__(self, params, lr, weight_decay=0.0):
        self.params = list(params)
        for pair in self.params:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(
                    "An optimizer takes a list of (value, gradient) pairs: pass model.parameters()."
                )
        if not lr > 0:
            raise ValueError(f"The learning rate must be positive, got {lr}.")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be zero or positive, got {weight_decay}.")
        self.lr = lr
        self.weight_decay = weight_decay
        self.steps = 0
        self.flush_every = _flush_period(self.decay)
        self.state = [self.init_state(value) for value, _ in self.params]

    def init_state(self, value):
        """Per-parameter memory (e.g. a velocity), same shape as ``value``."""
        return {}

    def step(self):
        """Update every parameter in place from its current gradient."""
        self.steps += 1
        for (value, grad), state in zip(self.params, self.state):
            if self.weight_decay:
                grad = self.decay_weights(value, grad)
            self.update(value, grad, state)
        if self.steps % self.flush_every == 0:
            for state in self.state:
                for name in self.moments:
                    _flush_tiny(state[name])

    def decay_weights(self, value, grad):
        """Weight decay as L2 regularisation: the gradient the rule sees gains λ·θ. Returns that
        gradient (a new array); ``value`` is left as it is."""
        return grad + self.weight_decay * value

    def update(self, value, grad, state):
        """Change ``value`` in place using ``grad`` and this parameter's ``state`` (one step)."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum μ.

    Without momentum: θ ← θ − α·g. With momentum: v ← μ·v + g; θ ← θ − α·v, so steps keep
    part of their previous direction and build up speed along consistent slopes.
    """

    @property
    def moments(self):
        return ("v",) if self.momentum else ()

    @property
    def decay(self):
        return self.momentum

    def __init__(self, params, lr=0.01, momentum=0.0, weight_decay=0.0):
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}.")
        self.momentum = momentum
        super().__init__(params, lr, weight_decay)

    def init_state(self, value):
        return {"v": np.zeros_like(value)} if self.momentum else {}

    def update(self, value, grad, state):
        if not self.momentum:
            value -= self.lr * grad
            return
        v = state["v"]
        v *= self.momentum
        v += grad
        value -= self.lr * v

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class RMSProp(Optimizer):
    """RMSProp: divide each step by a running root-mean-square of recent gradients.

    s ← ρ·s + (1 − ρ)·g²; θ ← θ − α·g / (√s + ε). Parameters with large gradients take smaller
    steps and those with small gradients larger ones.
    """

    moments = ("s",)

    @property
    def decay(self):
        return self.rho

    def __init__(self, params, lr=0.001, rho=0.9, eps=1e-8, weight_decay=0.0):
        self.rho, self.eps = rho, eps
        super().__init__(params, lr, weight_decay)

    def init_state(self, value):
        return {"s": np.zeros_like(value)}

    def update(self, value, grad, state):
        s = state["s"]
        s *= self.rho
        s += (1 - self.rho) * grad * grad
        value -= self.lr * grad / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient, RMSProp on its square.

    The textbook form, with t counting steps from 1::

        m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
        m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
        θ ← θ − α·m̂ / (√v̂ + ε)

    The bias corrections m̂ and v̂ undo the pull towards zero of starting m and v at zero.

    Speed: every line above is a pass over arrays as long as θ, and Adam's passes cost about as
    much as the network's own backward pass. So we store the averages without their (1 − β)
    factors, M = m / (1 − β₁) and V = v / (1 − β₂), updated as M ← β₁·M + g and V ← β₂·V + g²,
    and fold all the constant factors into two scalars::

        θ ← θ − α̂·M / (√V + ε̂),  with c = √((1 − β₂) / (1 − β₂ᵗ)),
                                       α̂ = α·(1 − β₁) / ((1 − β₁ᵗ)·c),  ε̂ = ε / c.

    Multiplying out gives exactly the textbook step, with 11 passes instead of 16: the last two
    write the new θ, by way of ``_take_step``, which says why it takes two.
    """

    moments = ("M", "V")

    @property
    def decay(self):
        return min(self.beta1, self.beta2)

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        super().__init__(params, lr, weight_decay)

    def init_state(self, value):
        # "scratch" is working memory for the update, reused every step to avoid allocations.
        return {
            "M": np.zeros_like(value),
            "V": np.zeros_like(value),
            "scratch": np.empty_like(value),
        }

    def update(self, value, grad, state):
        M, V, scratch = state["M"], state["V"], state["scratch"]
        b1, b2, t = self.beta1, self.beta2, self.steps
        M *= b1  # M ← β₁·M + g
        M += grad
        V *= b2  # V ← β₂·V + g²
        V += np.multiply(grad, grad, out=scratch)
        c = ((1 - b2) / (1 - b2**t)) ** 0.5  # Python floats keep float32 arrays float32
        lr_hat = self.lr * (1 - b1) / ((1 - b1**t) * c)
        np.sqrt(V, out=scratch)  # θ ← θ − α̂·M / (√V + ε̂)
        scratch += self.eps / c
        np.divide(M, scratch, out=scratch)
        scratch *= lr_hat
        _take_step(value, scratch)


class TextbookAdam(Adam):
    """Adam exactly as the equations read (chapter 8); ``Adam`` is the same rule, computed faster.
    It takes the same arguments as ``Adam`` and keeps its own m and v.

    With t counting steps from 1::

        m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
        m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
        θ ← θ − α·m̂ / (√v̂ + ε)
    """

    moments = ("m", "v")

    def init_state(self, value):
        return {"m": np.zeros_like(value), "v": np.zeros_like(value)}

    def update(self, value, grad, state):
        b1, b2, t = self.beta1, self.beta2, self.steps
        state["m"][...] = b1 * state["m"] + (1 - b1) * grad
        state["v"][...] = b2 * state["v"] + (1 - b2) * grad**2
        m_hat = state["m"] / (1 - b1**t)
        v_hat = state["v"] / (1 - b2**t)
        value -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


# -- gradient descent on a function you can write down (chapter 5) -----------------------------


def gradient_descent_path(grad, start, lr, steps):
    """The points visited by θ ← θ − α·∇f(θ) with α = lr, start included.

    grad: a function θ → ∇f(θ), (d,) → (d,); start: (d,). Returns (steps + 1, d) in float64.
    """
    path = [np.asarray(start, dtype=np.float64)]
    for _ in range(steps):
        path.append(path[-1] - lr * np.asarray(grad(path[-1]), dtype=np.float64))
    return np.array(path)


# -- learning-rate schedules for fit(..., lr_schedule=...) -----------------------------------


def step_decay(lr, factor=0.5, every=10):
    """A schedule epoch → learning rate: lr for the first ``every`` epochs, then lr·factor, then
    lr·factor², and so on. Epochs count from 1."""
    if not (lr > 0 and 0 < factor <= 1 and every >= 1):
        raise ValueError(
            f"step_decay needs lr > 0, 0 < factor ≤ 1 and every ≥ 1; got lr={lr}, "
            f"factor={factor}, every={every}."
        )

    def schedule(epoch):
        return lr * factor ** ((epoch - 1) // every)

    return schedule


def cosine_decay(lr, epochs, lr_min=0.0):
    """A schedule epoch → learning rate that falls from lr (epoch 1) to lr_min (epoch ``epochs``)
    along half a cosine wave: lr_min + (lr − lr_min)·(1 + cos(π·(epoch − 1)/(epochs − 1)))/2.
    Later epochs keep lr_min. lr_min must be positive for fit, which refuses a rate of 0."""
    if not (lr > 0 and epochs >= 1 and 0 <= lr_min <= lr):
        raise ValueError(
            f"cosine_decay needs lr > 0, epochs ≥ 1 and 0 ≤ lr_min ≤ lr; got lr={lr}, "
            f"epochs={epochs}, lr_min={lr_min}."
        )

    def schedule(epoch):
        progress = min(epoch - 1, epochs - 1) / max(epochs - 1, 1)
        return lr_min + (lr - lr_min) * (1 + np.cos(np.pi * progress)) / 2

    return schedule


# -- decoupled weight decay (chapter 10) -----------------------------------------------------


class AdamW(Adam):
    """Adam with *decoupled* weight decay (Loshchilov & Hutter, 2019), as chapter 10 explains.

    ``Adam(..., weight_decay=λ)`` adds λ·θ to the gradient (L2 regularisation), and Adam then
    divides that term by √v̂ like the rest of the gradient, so a parameter with large gradients
    is hardly pulled towards zero at all. AdamW leaves the gradient alone and shrinks θ in a step
    of its own, before Adam's, by the same factor for every entry::

        θ ← θ − α·λ·θ                      (the decay: θ times 1 − α·λ)
        θ ← θ − α·m̂ / (√v̂ + ε)             (Adam's step, from the plain gradient g)

    With λ = 0 it is exactly ``Adam``. PyTorch's ``torch.optim.AdamW`` does the same, with the
    same default λ = 0.01. params, lr, beta1, beta2, eps: as for ``Adam``.
    """

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        super().__init__(params, lr, beta1, beta2, eps, weight_decay)

    def decay_weights(self, value, grad):
        """Decoupled: shrink θ in place by the factor 1 − α·λ and return the gradient unchanged,
        so Adam's step sees no λ·θ."""
        value *= 1 - self.lr * self.weight_decay
        return grad

    def __repr__(self):
        return f"AdamW(lr={self.lr}, weight_decay={self.weight_decay})"
