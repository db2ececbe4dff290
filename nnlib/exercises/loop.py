"""Checkers for chapter 7, Training a network.

Two of the three exercises are about order and bookkeeping rather than formulas: which samples go
into which mini-batch, and what a training loop must do in which order. Their answers are exact
(indices) or follow from exact steps, so each known mistake is recognised by what it produces:
a shuffle that is no shuffle, samples that appear twice or never, parameters after the wrong
update, or the right parameters with the epoch's loss added up the wrong way.

The loop exercise takes a function ``make_model`` instead of a network. A check insists that a
learner's function leaves its inputs unchanged, and training changes the network it trains; so
the learner's loop builds its own network (step 1, initialise), and the check compares the θ it
returns with the reference's.
"""

import copy
import inspect

import numpy as np

from nnlib import data, training
from nnlib.exercises.engine import NEW_LINE, Case, Exercise, Mistake, describe, make_check
from nnlib.losses import SoftmaxCrossEntropyLoss
from nnlib.network import build_network


def _close(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-6, equal_nan=True)


# -- the indices of one epoch's mini-batches -------------------------------------------------


def minibatch_indices(n_samples, batch_size, rng):
    """Reference: the sample indices of every mini-batch of one epoch, as a list of int arrays.

    n_samples: N, the number of samples; batch_size: samples per batch (the last batch may be
    smaller); rng: a seed or a Generator, which draws one random order of 0, …, N − 1.
    """
    order = np.random.default_rng(rng).permutation(n_samples)
    return [order[start : start + batch_size] for start in range(0, n_samples, batch_size)]


def _indices_case(n_samples, batch_size, seed):
    return Case(
        (n_samples, batch_size, seed),
        f"n_samples = {n_samples}, batch_size = {batch_size}, rng = {seed}",
    )


def _as_batches(got):
    """The learner's batches as a list of 1-D arrays, or None if they are not a list of them."""
    if not isinstance(got, (list, tuple)):
        return None
    try:
        return [np.asarray(batch).reshape(-1) for batch in got]
    except (TypeError, ValueError):
        return None


def _all_indices(got):
    batches = _as_batches(got)
    if not batches:
        return None
    return np.concatenate(batches)


def _in_given_order(case, got):
    n = case.args[0]
    indices = _all_indices(got)
    return indices is not None and np.array_equal(indices, np.arange(n))


def _has_repeats(case, got):
    indices = _all_indices(got)
    return indices is not None and len(np.unique(indices)) < len(indices)


def _wrong_sizes(case, got):
    """The batches do not have batch_size indices each (except a smaller last one)."""
    n, batch_size = case.args[:2]
    batches = _as_batches(got)
    if not batches:
        return False
    expected = [min(batch_size, n - start) for start in range(0, n, batch_size)]
    sizes = [len(batch) for batch in batches]
    return sizes[: len(expected)] != expected[: len(sizes)]


def _samples_missing(case, got):
    n = case.args[0]
    indices = _all_indices(got)
    if indices is None:
        return isinstance(got, (list, tuple)) and len(got) == 0 and n > 0
    return len(indices) < n and len(np.unique(indices)) == len(indices)


def _another_shuffle(case, got):
    """Right batch sizes, every index once, but not the order default_rng(rng) draws."""
    n = case.args[0]
    indices = _all_indices(got)
    return (
        indices is not None
        and np.array_equal(np.sort(indices), np.arange(n))
        and not _wrong_sizes(case, got)
    )


def _not_shuffled(n_samples, batch_size, rng):
    order = np.arange(n_samples)
    return [order[start : start + batch_size] for start in range(0, n_samples, batch_size)]


def _with_replacement(n_samples, batch_size, rng):
    order = np.random.default_rng(rng).integers(0, n_samples, size=n_samples)
    return [order[start : start + batch_size] for start in range(0, n_samples, batch_size)]


def _last_batch_dropped(n_samples, batch_size, rng):
    order = np.random.default_rng(rng).permutation(n_samples)
    full = n_samples // batch_size
    return [order[b * batch_size : (b + 1) * batch_size] for b in range(full)]


def _one_short(n_samples, batch_size, rng):
    order = np.random.default_rng(rng).permutation(n_samples)
    return [order[start : start + batch_size - 1] for start in range(0, n_samples, batch_size)]


def _order_only(n_samples, batch_size, rng):
    return np.random.default_rng(rng).permutation(n_samples)


MINIBATCH_INDICES = Exercise(
    id="minibatch_indices",
    title="the mini-batches of one epoch",
    reference=minibatch_indices,
    solved_by=(data.minibatches,),
    cases=[
        _indices_case(10, 4, 0),
        _indices_case(6, 3, 1),
        _indices_case(5, 8, 2),
        _indices_case(9, 2, 3),
    ],
    mistakes=[
        Mistake(
            "Your batches take the samples in their stored order 0, 1, 2, …: shuffle first. "
            "Draw order = rng.permutation(n_samples), with rng = np.random.default_rng(rng), "
            "and cut the batches from order, not from np.arange(n_samples).",
            wrong=_not_shuffled,
            detect=_in_given_order,
        ),
        Mistake(
            "Each batch holds batch_size indices, order[start : start + batch_size]: a Python "
            "slice already stops before its end, so no − 1 (or + 1) is needed, and the starts "
            "are 0, batch_size, 2·batch_size, … Only the last batch may be smaller.",
            wrong=_one_short,
            detect=_wrong_sizes,
        ),
        Mistake(
            "Some index appears twice (and so another never appears): you drew the indices "
            "with replacement (rng.integers, or rng.choice without replace=False). An epoch "
            "uses every sample exactly once: take a permutation, "
            "order = rng.permutation(n_samples).",
            wrong=_with_replacement,
            detect=_has_repeats,
        ),
        Mistake(
            "Some samples are in no batch: keep the last batch even when it is smaller than "
            "batch_size. for start in range(0, n_samples, batch_size) visits every start, and "
            "the slice order[start : start + batch_size] stops at n_samples by itself.",
            wrong=_last_batch_dropped,
            detect=_samples_missing,
        ),
        Mistake(
            "Return the batches, a list of index arrays, one per batch: cut the shuffled "
            "order into pieces of batch_size.",
            wrong=_order_only,
        ),
        Mistake(
            "Your batches are a valid shuffle, but not the one the check (and nnlib's fit) "
            "draws. Use rng = np.random.default_rng(rng) once and order = "
            "rng.permutation(n_samples) — not np.random.permutation, np.random.seed or "
            "rng.choice — so that the same seed gives the same batches everywhere.",
            detect=_another_shuffle,
        ),
        Mistake(
            "Your function yields the batches (a generator). Here, return them all at once "
            "as a list: collect them in a list, or write return [... for start in ...].",
            detect=lambda case, got: inspect.isgenerator(got),
        ),
    ],
    default_hint=(
        "Make a Generator with rng = np.random.default_rng(rng), draw one random order of "
        "all samples with order = rng.permutation(n_samples), then cut it into consecutive "
        "pieces order[start : start + batch_size] for start = 0, batch_size, "
        "2·batch_size, … below n_samples. Return the pieces as a list."
    ),
)

check_minibatch_indices = make_check(MINIBATCH_INDICES)


# -- the whole training loop -----------------------------------------------------------------


def train(make_model, X, y, lr, epochs, batch_size, rng):
    """Reference: mini-batch gradient descent written out, as ``training.fit`` does it with SGD.

    make_model: a function that returns a new, initialised network (logits out);
    X: (N, d) inputs; y: (N,) class labels; lr: the learning rate α; epochs: passes over the
    data; batch_size: samples per step; rng: a seed or Generator for the shuffling.
    Returns θ after training, (n_params,), and the mean loss of each epoch, (epochs,).
    """
    model = make_model()  # 1. initialise
    loss = SoftmaxCrossEntropyLoss()
    rng = np.random.default_rng(rng)
    n_samples = len(X)
    epoch_losses = []
    for _ in range(epochs):  # 6. repeat
        order = rng.permutation(n_samples)  # a new order every epoch
        total = 0.0
        for start in range(0, n_samples, batch_size):
            batch = order[start : start + batch_size]
            logits = model.forward(X[batch])  # 2. forward
            total += loss.forward(logits, y[batch]) * len(batch)  # 3. loss
            model.backward(loss.backward())  # 4. backward
            model.theta -= lr * model.grad  # 5. update, in place
        epoch_losses.append(total / n_samples)
    return model.theta, np.array(epoch_losses)


def _training_variant(
    order="each epoch",
    step=lambda theta, grad, lr, size: theta - lr * grad,
    in_place=True,
    drop_last=False,
    labels_in_order=False,
    epoch_loss="weighted",
    new_model_each_epoch=False,
):
    """A training loop with one thing done wrong, to play a known mistake.

    order: "each epoch" (right), "once" (one shuffle for all epochs) or "never".
    step(theta, grad, lr, batch size) → the new θ; in_place=False assigns a new array to
    model.theta instead of writing into it. epoch_loss: "weighted" (right), "mean of batches"
    or "last batch". new_model_each_epoch: call make_model() at the start of every epoch.
    """

    def loop(make_model, X, y, lr, epochs, batch_size, rng):
        model = make_model()
        loss = SoftmaxCrossEntropyLoss()
        rng = np.random.default_rng(rng)
        n = len(X)
        first_order = rng.permutation(n)
        epoch_losses = []
        for epoch in range(epochs):
            if new_model_each_epoch:
                model = make_model()
            if order == "each epoch":
                shuffled = first_order if epoch == 0 else rng.permutation(n)
            else:
                shuffled = first_order if order == "once" else np.arange(n)
            batch_losses, sizes = [], []
            stop = n - n % batch_size if drop_last else n
            for start in range(0, stop, batch_size):
                batch = shuffled[start : start + batch_size]
                targets = y[start : start + batch_size] if labels_in_order else y[batch]
                batch_losses.append(loss.forward(model.forward(X[batch]), targets))
                sizes.append(len(batch))
                model.backward(loss.backward())
                new_theta = step(model.theta, model.grad, lr, len(batch))
                if in_place:
                    model.theta[...] = new_theta
                else:
                    model.theta = new_theta
            if epoch_loss == "weighted":
                epoch_losses.append(np.dot(batch_losses, sizes) / sum(sizes))
            elif epoch_loss == "mean of batches":
                epoch_losses.append(np.mean(batch_losses))
            else:
                epoch_losses.append(batch_losses[-1])
        return model.theta, np.array(epoch_losses)

    return loop


def _never_trained(make_model, X, y, lr, epochs, batch_size, rng):
    """Forgot model.backward: the gradient stays 0, θ never moves."""
    model = make_model()
    loss = SoftmaxCrossEntropyLoss()
    order = np.random.default_rng(rng).permutation(len(X))
    losses = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            total += loss.forward(model.forward(X[batch]), y[batch]) * len(batch)
            model.theta -= lr * model.grad
        losses.append(total / len(X))
    return model.theta, np.array(losses)


def _same_part(index, wrong):
    """A detector: the learner's result ``index`` (0: θ, 1: the losses) is what ``wrong``
    gives there, on a case where ``wrong`` gets that result wrong."""

    def detect(case, got):
        right = train(*copy.deepcopy(case.args))[index]
        bad = wrong(*copy.deepcopy(case.args))[index]
        return not _close(bad, right) and _close(got[index], bad)

    return detect


def _loop_mistake(hint, index, wrong):
    """A known mistake of the loop, recognised in the result it spoils (0: θ, 1: losses)."""
    return Mistake(hint, wrong=wrong, detect=_same_part(index, wrong))


def tanh_2_4_3():
    """A new 2-4-3 network with a tanh hidden layer (float64, weights from seed 0)."""
    return build_network([2, 4, 3], ["tanh", "linear"], rng=0, dtype=np.float64)


def relu_3_5_2():
    """A new 3-5-2 network with a ReLU hidden layer (float64, weights from seed 1)."""
    return build_network([3, 5, 2], ["relu", "linear"], rng=1, dtype=np.float64)


def tanh_3_3_3():
    """A new 3-3-3 network with a tanh hidden layer (float64, weights from seed 2)."""
    return build_network([3, 3, 3], ["tanh", "linear"], rng=2, dtype=np.float64)


def relu_2_6_4():
    """A new 2-6-4 network with a ReLU hidden layer (float64, weights from seed 3)."""
    return build_network([2, 6, 4], ["relu", "linear"], rng=3, dtype=np.float64)


def _train_case(make_model, X, y, lr, epochs, batch_size, rng):
    X, y = np.array(X, dtype=np.float64), np.array(y, dtype=np.int64)
    network = make_model()
    sizes = [layer.n_in for layer in network.layers[::2]] + [network.layers[-1].n_out]
    shape = "-".join(str(size) for size in sizes)
    settings = f"lr = {lr}, epochs = {epochs}, batch_size = {batch_size}, rng = {rng}"
    description = (
        f"make_model = {make_model.__name__} (a new {shape} network, "
        f"{network.n_params} parameters){NEW_LINE}{describe(X=X, y=y)}{NEW_LINE}{settings}"
    )
    return Case((make_model, X, y, lr, epochs, batch_size, rng), description)


_TRAIN_CASES = [
    _train_case(
        tanh_2_4_3,
        [[0.5, 1.0], [-1.0, 0.5], [1.5, -0.5], [0.0, -1.0], [-0.5, -1.5], [1.0, 1.0]],
        [0, 1, 2, 0, 1, 2],
        0.5,
        2,
        4,
        0,
    ),
    _train_case(
        relu_3_5_2,
        [[1.0, 0.5, -1.0], [0.0, -0.5, 2.0], [-1.5, 1.0, 0.5], [2.0, 0.0, 1.0], [0.5, -2.0, 0.0]],
        [1, 0, 1, 0, 1],
        0.3,
        3,
        5,
        1,
    ),
    # square inputs, not symmetric; one sample per step
    _train_case(
        tanh_3_3_3,
        [[1.0, -0.5, 2.0], [0.5, 1.5, -1.0], [-2.0, 0.0, 0.5]],
        [2, 0, 1],
        1.0,
        2,
        1,
        2,
    ),
    _train_case(
        relu_2_6_4,
        [
            [0.5, 0.5],
            [-0.5, 1.0],
            [1.0, -1.0],
            [-1.5, -0.5],
            [2.0, 0.0],
            [0.0, 2.0],
            [-1.0, -2.0],
            [1.5, 1.5],
            [-2.0, 1.0],
        ],
        [0, 1, 2, 3, 0, 1, 2, 3, 0],
        0.2,
        3,
        2,
        3,
    ),
]

TRAIN = Exercise(
    id="train",
    title="the training loop",
    reference=train,
    solved_by=(training.fit, training._run_epoch),
    result_names=("theta", "losses"),
    cases=_TRAIN_CASES,
    mistakes=[
        _loop_mistake(
            "Call make_model() once, before the first epoch. Called inside the loop, it starts "
            "again from new random weights every epoch, and only the last epoch's training "
            "is left.",
            0,
            _training_variant(new_model_each_epoch=True),
        ),
        _loop_mistake(
            "Your loop takes the samples in their stored order. Shuffle at the start of every "
            "epoch: order = rng.permutation(len(X)), with one rng = np.random.default_rng(rng) "
            "made before the first epoch, and take the batches from order.",
            0,
            _training_variant(order="never"),
        ),
        _loop_mistake(
            "Every epoch visits the samples in the same order. Draw a new permutation at the "
            "start of *each* epoch, from one Generator made once before the loop (not a new "
            "np.random.default_rng(rng) inside it, which repeats the first order).",
            0,
            _training_variant(order="once"),
        ),
        _loop_mistake(
            "X and y must be shuffled together: take the labels of the same samples, "
            "y[batch] for X[batch], not y[start : start + batch_size].",
            0,
            _training_variant(labels_in_order=True),
        ),
        _loop_mistake(
            "Step against the gradient: θ ← θ − α∇𝓛, model.theta -= lr * model.grad. With "
            "+= the loss goes up.",
            0,
            _training_variant(step=lambda theta, grad, lr, size: theta + lr * grad),
        ),
        _loop_mistake(
            "`model.theta = model.theta - lr * model.grad` makes a *new* array, while the "
            "layers keep reading the old one: their W and b are views of it (chapter 5). So "
            "the network never changes. Update in place: model.theta -= lr * model.grad.",
            0,
            _training_variant(in_place=False),
        ),
        _loop_mistake(
            "Don't divide the gradient by the batch size: the loss is already the batch mean, "
            "so model.grad already holds the 1/n (chapter 6). The step is lr * model.grad.",
            0,
            _training_variant(step=lambda theta, grad, lr, size: theta - lr * grad / size),
        ),
        _loop_mistake(
            "The last, smaller batch is missing: an epoch uses every sample once. Loop with "
            "for start in range(0, len(X), batch_size); the slice order[start : start + "
            "batch_size] is shorter at the end by itself.",
            0,
            _training_variant(drop_last=True),
        ),
        Mistake(
            "θ never changed: the gradient is computed by model.backward(...) — call it with "
            "the loss's gradient, model.backward(loss.backward()), before every update.",
            wrong=_never_trained,
            detect=lambda case, got: _close(got[0], case.args[0]().theta),
        ),
        _loop_mistake(
            "θ is right, but the epoch's loss is not the mean over its samples: when the last "
            "batch is smaller, the plain mean of the batch losses counts its samples too "
            "much. Add up loss × len(batch) and divide by len(X) at the end of the epoch.",
            1,
            _training_variant(epoch_loss="mean of batches"),
        ),
        _loop_mistake(
            "θ is right, but record the mean loss over the whole epoch, not the loss of its "
            "last batch: add up loss × len(batch) for every batch and divide by len(X).",
            1,
            _training_variant(epoch_loss="last batch"),
        ),
    ],
    default_hint=(
        "model = make_model() once; rng = np.random.default_rng(rng) once; then for each "
        "epoch: order = rng.permutation(len(X)), and for each batch of order, in steps of "
        "batch_size: logits = model.forward(X[batch]), the loss of (logits, y[batch]), "
        "model.backward(its gradient), model.theta -= lr * model.grad. Return model.theta "
        "and np.array of the epochs' mean losses."
    ),
)

check_train = make_check(TRAIN)


# -- scaling with the training set's statistics ----------------------------------------------


def _std_or_one(X):
    std = X.std(axis=0)
    return np.where(std > 0, std, 1.0)


def standardize(X_train, X_other):
    """Reference: both sets scaled with the mean and standard deviation of X_train's features.

    X_train: (n, d); X_other: (m, d), a validation or test set. A feature that is constant in
    X_train (standard deviation 0) is divided by 1. Returns (X_train_scaled, X_other_scaled).
    """
    mean, std = X_train.mean(axis=0), _std_or_one(X_train)
    return (X_train - mean) / std, (X_other - mean) / std


def _standardize_case(X_train, X_other):
    X_train, X_other = np.array(X_train, dtype=np.float64), np.array(X_other, dtype=np.float64)
    return Case((X_train, X_other), describe(X_train=X_train, X_other=X_other))


def _own_statistics(X_train, X_other):
    return standardize(X_train, X_train)[0], standardize(X_other, X_other)[0]


def _both_sets(X_train, X_other):
    both = np.concatenate([X_train, X_other])
    mean, std = both.mean(axis=0), _std_or_one(both)
    return (X_train - mean) / std, (X_other - mean) / std


def _per_sample(X_train, X_other):
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    return (X_train - mean) / std, (X_other - X_other.mean(axis=1, keepdims=True)) / X_other.std(
        axis=1, keepdims=True
    )


def _axis_1_no_keepdims(X_train, X_other):
    mean, std = X_train.mean(axis=1), X_train.std(axis=1)
    return (X_train - mean) / std, (X_other - mean) / std


def _one_mean_for_all(X_train, X_other):
    mean, std = X_train.mean(), X_train.std()
    return (X_train - mean) / std, (X_other - mean) / std


def _by_variance(X_train, X_other):
    mean = X_train.mean(axis=0)
    var = X_train.var(axis=0)
    var = np.where(var > 0, var, 1.0)
    return (X_train - mean) / var, (X_other - mean) / var


def _sample_std(X_train, X_other):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_other - mean) / std


def _centred_only(X_train, X_other):
    mean = X_train.mean(axis=0)
    return X_train - mean, X_other - mean


def _no_guard(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (X_train - mean) / std, (X_other - mean) / std


def _scaled_in_place(X_train, X_other):
    mean, std = X_train.mean(axis=0), _std_or_one(X_train)
    X_train -= mean
    X_train /= std
    X_other -= mean
    X_other /= std
    return X_train, X_other


def _not_finite(case, got):
    try:
        return any(not np.isfinite(np.asarray(part, dtype=np.float64)).all() for part in got)
    except (TypeError, ValueError):
        return False


STANDARDIZE = Exercise(
    id="standardize",
    title="standardising with the training set's statistics",
    reference=standardize,
    solved_by=(data.Standardizer.fit, data.Standardizer.transform, data.Standardizer.fit_transform),
    result_names=("X_train scaled", "X_other scaled"),
    cases=[
        _standardize_case(
            [[1.0, 10.0, -2.0], [3.0, 30.0, 0.0], [5.0, 20.0, 6.0], [7.0, 40.0, 2.0]],
            [[4.0, 25.0, 1.0], [0.0, 50.0, -6.0]],
        ),
        # square and not symmetric: statistics along the wrong axis give wrong numbers, no error
        _standardize_case(
            [[2.0, 0.0, 10.0], [4.0, 3.0, 20.0], [9.0, 6.0, 60.0]],
            [[5.0, 3.0, 30.0], [1.0, 1.0, 0.0], [2.0, 7.0, 40.0]],
        ),
        _standardize_case(
            [[0.5, 8.0], [1.5, 4.0], [2.5, 6.0], [3.5, 2.0], [4.5, 10.0]], [[3.0, 7.0]]
        ),
        # the middle feature is constant in the training set (a pixel that is always blank)
        _standardize_case(
            [[1.0, 0.0, 3.0], [2.0, 0.0, 5.0], [4.0, 0.0, 1.0], [5.0, 0.0, 7.0]],
            [[3.0, 2.0, 4.0], [6.0, 0.0, 0.0]],
        ),
    ],
    mistakes=[
        Mistake(
            "Scale X_other with the *training* set's mean and standard deviation, not its own: "
            "the other set stands for data the network has not seen, and its samples must be "
            "transformed exactly as the training samples were.",
            wrong=_own_statistics,
        ),
        Mistake(
            "Compute the mean and standard deviation from X_train alone, not from both sets "
            "together: statistics that include the validation or test set leak information "
            "about it into training.",
            wrong=_both_sets,
        ),
        Mistake(
            "Standardise each *feature* (column), over the samples: mean and std with axis=0, "
            "one value per feature, shape (d,). axis=1 gives one value per sample.",
            wrong=_per_sample,
        ),
        Mistake(
            "axis=1 averages each *sample* (row); you need each feature (column): "
            "X_train.mean(axis=0), shape (d,), which lines up with the columns of both sets.",
            wrong=_axis_1_no_keepdims,
        ),
        Mistake(
            "Each feature gets its own mean and standard deviation: X_train.mean(axis=0) and "
            "X_train.std(axis=0), shape (d,). Without an axis you get one number for all.",
            wrong=_one_mean_for_all,
        ),
        Mistake(
            "Divide by the standard deviation, the square root of the variance: "
            "X_train.std(axis=0), not X_train.var(axis=0).",
            wrong=_by_variance,
        ),
        Mistake(
            "Use the standard deviation with 1/n, np.std's default (ddof=0), as nnlib's "
            "Standardizer does, not the n − 1 version (ddof=1).",
            wrong=_sample_std,
        ),
        Mistake(
            "Subtracting the mean is half of it: then divide by the standard deviation, so "
            "every feature ends with standard deviation 1.",
            wrong=_centred_only,
        ),
        Mistake(
            "A feature that is the same in every training sample has standard deviation 0, "
            "and dividing by 0 gives inf or NaN. Divide by 1 there instead: "
            "std = np.where(std > 0, std, 1.0).",
            wrong=_no_guard,
            detect=_not_finite,
        ),
        Mistake(
            "X_train -= mean (or /=) changes the caller's arrays in place, and the raw data "
            "is gone. Build new arrays: return (X_train - mean) / std, (X_other - mean) / std.",
            wrong=_scaled_in_place,
        ),
    ],
    default_hint=(
        "From X_train only, compute mean = X_train.mean(axis=0) and std = X_train.std(axis=0) "
        "(one value per feature, shape (d,)), replace a std of 0 by 1, and return "
        "((X_train − mean) / std, (X_other − mean) / std) as new arrays."
    ),
)

check_standardize = make_check(STANDARDIZE)

EXERCISES = [MINIBATCH_INDICES, TRAIN, STANDARDIZE]
