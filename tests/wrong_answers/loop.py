"""Wrong answers to chapter 7's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np

from nnlib.losses import softmax_cross_entropy, softmax_cross_entropy_gradient
from nnlib.optim import SGD

# -- minibatch_indices(n_samples, batch_size, rng) -> list of index arrays -------------------


def batches_in_stored_order(n_samples, batch_size, rng):
    indices = list(range(n_samples))
    return [np.array(indices[i : i + batch_size]) for i in range(0, n_samples, batch_size)]


def batches_drawn_with_replacement(n_samples, batch_size, rng):
    rng = np.random.default_rng(rng)
    picks = rng.choice(n_samples, size=n_samples)  # replace=True is choice's default
    return [picks[i : i + batch_size] for i in range(0, n_samples, batch_size)]


def full_batches_only(n_samples, batch_size, rng):
    order = np.random.default_rng(rng).permutation(n_samples)
    batches = []
    for b in range(n_samples // batch_size):
        batches.append(order[b * batch_size : b * batch_size + batch_size])
    return batches


def one_index_too_many(n_samples, batch_size, rng):
    order = np.random.default_rng(rng).permutation(n_samples)
    return [order[i : i + batch_size + 1] for i in range(0, n_samples, batch_size)]


def shuffled_by_choice(n_samples, batch_size, rng):
    rng = np.random.default_rng(rng)
    order = rng.choice(n_samples, size=n_samples, replace=False)  # a permutation, but another
    return [order[i : i + batch_size] for i in range(0, n_samples, batch_size)]


def batches_as_generator(n_samples, batch_size, rng):
    order = np.random.default_rng(rng).permutation(n_samples)
    for i in range(0, n_samples, batch_size):
        yield order[i : i + batch_size]


def shuffled_order_only(n_samples, batch_size, rng):
    generator = np.random.default_rng(rng)
    indices = np.arange(n_samples)
    generator.shuffle(indices)
    return indices


# -- train(make_model, X, y, lr, epochs, batch_size, rng) -> (theta, losses) -----------------


def train_in_stored_order(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    history = []
    for _ in range(epochs):
        losses, counts = [], []
        for i in range(0, len(X), batch_size):
            X_b, y_b = X[i : i + batch_size], y[i : i + batch_size]
            Z = model.forward(X_b)
            losses.append(softmax_cross_entropy(Z, y_b))
            counts.append(len(y_b))
            model.backward(softmax_cross_entropy_gradient(Z, y_b))
            model.theta -= lr * model.grad
        history.append(np.average(losses, weights=counts))
    return model.theta, np.array(history)


def train_reseeded_every_epoch(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    optimizer = SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        order = np.random.default_rng(rng).permutation(len(X))  # the same order every time
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i : i + batch_size]
            Z = model.forward(X[idx])
            total += softmax_cross_entropy(Z, y[idx]) * len(idx)
            model.backward(softmax_cross_entropy_gradient(Z, y[idx]))
            optimizer.step()
        history.append(total / len(X))
    return model.theta, np.array(history)


def train_labels_not_shuffled(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        X_shuffled = X[rng.permutation(len(X))]
        total = 0.0
        for i in range(0, len(X), batch_size):
            X_b, y_b = X_shuffled[i : i + batch_size], y[i : i + batch_size]
            Z = model.forward(X_b)
            total += softmax_cross_entropy(Z, y_b) * len(y_b)
            model.backward(softmax_cross_entropy_gradient(Z, y_b))
            model.theta -= lr * model.grad
        history.append(total / len(X))
    return model.theta, np.array(history)


def train_with_new_theta(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i : i + batch_size]
            Z = model.forward(X[idx])
            total += softmax_cross_entropy(Z, y[idx]) * len(idx)
            model.backward(softmax_cross_entropy_gradient(Z, y[idx]))
            model.theta = model.theta - lr * model.grad
        history.append(total / len(X))
    return model.theta, np.array(history)


def train_averaging_twice(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i : i + batch_size]
            Z = model.forward(X[idx])
            total += softmax_cross_entropy(Z, y[idx]) * len(idx)
            model.backward(softmax_cross_entropy_gradient(Z, y[idx]))
            model.theta -= lr * model.grad / len(idx)  # "the gradient of a mean"
        history.append(total / len(X))
    return model.theta, np.array(history)


def train_climbing(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i : i + batch_size]
            Z = model.forward(X[idx])
            total += softmax_cross_entropy(Z, y[idx]) * len(idx)
            model.backward(softmax_cross_entropy_gradient(Z, y[idx]))
            model.theta += lr * model.grad
        history.append(total / len(X))
    return model.theta, np.array(history)


def train_without_backward(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i : i + batch_size]
            total += softmax_cross_entropy(model.forward(X[idx]), y[idx]) * len(idx)
            model.theta -= lr * model.grad
        history.append(total / len(X))
    return model.theta, np.array(history)


def train_mean_of_batch_losses(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        batch_losses = []
        for i in range(0, len(X), batch_size):
            idx = order[i : i + batch_size]
            Z = model.forward(X[idx])
            batch_losses.append(softmax_cross_entropy(Z, y[idx]))
            model.backward(softmax_cross_entropy_gradient(Z, y[idx]))
            model.theta -= lr * model.grad
        history.append(sum(batch_losses) / len(batch_losses))
    return model.theta, np.array(history)


def train_full_batches_only(make_model, X, y, lr, epochs, batch_size, rng):
    model = make_model()
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for b in range(len(X) // batch_size):
            idx = order[b * batch_size : (b + 1) * batch_size]
            Z = model.forward(X[idx])
            total += softmax_cross_entropy(Z, y[idx]) * batch_size
            model.backward(softmax_cross_entropy_gradient(Z, y[idx]))
            model.theta -= lr * model.grad
        history.append(total / len(X))
    return model.theta, np.array(history)


def train_restarting_every_epoch(make_model, X, y, lr, epochs, batch_size, rng):
    rng = np.random.default_rng(rng)
    history = []
    for _ in range(epochs):
        model = make_model()
        order = rng.permutation(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i : i + batch_size]
            Z = model.forward(X[idx])
            total += softmax_cross_entropy(Z, y[idx]) * len(idx)
            model.backward(softmax_cross_entropy_gradient(Z, y[idx]))
            model.theta -= lr * model.grad
        history.append(total / len(X))
    return model.theta, np.array(history)


# -- standardize(X_train, X_other) -> (X_train scaled, X_other scaled) -----------------------


def each_set_its_own_statistics(X_train, X_other):
    train_scaled = (X_train - np.mean(X_train, axis=0)) / np.std(X_train, axis=0)
    other_scaled = (X_other - np.mean(X_other, axis=0)) / np.std(X_other, axis=0)
    return train_scaled, other_scaled


def statistics_of_everything(X_train, X_other):
    everything = np.vstack([X_train, X_other])
    mu, sigma = everything.mean(axis=0), everything.std(axis=0)
    sigma[sigma == 0] = 1.0
    return (X_train - mu) / sigma, (X_other - mu) / sigma


def per_row_statistics(X_train, X_other):
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = X_train.std(axis=1, keepdims=True)
    return (X_train - mu) / sigma, (X_other - mu) / sigma


def one_mean_for_everything(X_train, X_other):
    mu, sigma = np.mean(X_train), np.std(X_train)
    return (X_train - mu) / sigma, (X_other - mu) / sigma


def divided_by_variance(X_train, X_other):
    mu = X_train.mean(axis=0)
    spread = ((X_train - mu) ** 2).mean(axis=0)  # forgot the square root
    spread[spread == 0] = 1.0
    return (X_train - mu) / spread, (X_other - mu) / spread


def sample_standard_deviation(X_train, X_other):
    mu = X_train.mean(axis=0)
    sigma = np.sqrt(((X_train - mu) ** 2).sum(axis=0) / (len(X_train) - 1))
    sigma = np.where(sigma == 0, 1.0, sigma)
    return (X_train - mu) / sigma, (X_other - mu) / sigma


def scaled_in_place(X_train, X_other):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    sigma[sigma == 0] = 1.0
    for X in (X_train, X_other):
        X -= mu
        X /= sigma
    return X_train, X_other


def no_guard_for_constant_features(X_train, X_other):
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mu) / sigma, (X_other - mu) / sigma


WRONG_ANSWERS = {
    "minibatch_indices": [
        (batches_in_stored_order, "take the samples in their stored order"),
        (batches_drawn_with_replacement, "you drew the indices with replacement"),
        (full_batches_only, "Some samples are in no batch"),
        (one_index_too_many, "Each batch holds batch_size indices"),
        (shuffled_by_choice, "a valid shuffle, but not the one the check"),
        (batches_as_generator, "Your function yields the batches"),
        (shuffled_order_only, "Return the batches, a list of index arrays"),
    ],
    "train": [
        (train_in_stored_order, "Your loop takes the samples in their stored order"),
        (train_reseeded_every_epoch, "Every epoch visits the samples in the same order"),
        (train_labels_not_shuffled, "X and y must be shuffled together"),
        (train_with_new_theta, "the layers keep reading the old one"),
        (train_averaging_twice, "Don't divide the gradient by the batch size"),
        (train_climbing, "Step against the gradient"),
        (train_without_backward, "θ never changed"),
        (train_mean_of_batch_losses, "the plain mean of the batch losses"),
        (train_full_batches_only, "The last, smaller batch is missing"),
        (train_restarting_every_epoch, "Call make_model() once, before the first epoch"),
    ],
    "standardize": [
        (each_set_its_own_statistics, "with the *training* set's mean and standard deviation"),
        (statistics_of_everything, "not from both sets together"),
        (per_row_statistics, "axis=1 averages each *sample*"),
        (one_mean_for_everything, "Without an axis you get one number for all"),
        (divided_by_variance, "not X_train.var(axis=0)"),
        (sample_standard_deviation, "not the n − 1 version"),
        (scaled_in_place, "changes the caller's arrays in place"),
        (no_guard_for_constant_features, "has standard deviation 0"),
    ],
}
