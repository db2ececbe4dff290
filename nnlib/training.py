"""The training loop (chapter 7): initialise, then repeat forward, loss, backward, update.

``fit`` runs that loop over shuffled mini-batches for a number of epochs and returns a history;
``evaluate`` measures loss and accuracy on held-out data; ``predict`` runs the network in
evaluation mode, and ``predict_proba`` turns a classifier's logits into probabilities.
Nothing here loops over samples: every step handles a whole batch.
"""

import math
import sys
import time

import numpy as np

from nnlib import losses as losses_module
from nnlib._validate import as_batch, check_finite, check_labels, unknown_name
from nnlib.activations import sigmoid, softmax
from nnlib.layers import Dense, Dropout, Sigmoid, Softmax
from nnlib.metrics import accuracy, predicted_classes, true_classes


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during training."""


def _as_loss(loss):
    if isinstance(loss, str):
        if loss not in losses_module.LOSSES:
            raise unknown_name("loss", loss, losses_module.LOSSES)
        return losses_module.LOSSES[loss]()
    return loss


def _last_layer(model):
    """The last layer that changes values at evaluation time (Dropout does not)."""
    layers = [layer for layer in model.layers if not isinstance(layer, Dropout)]
    return layers[-1] if layers else None


def _check_output_fits_loss(model, loss):
    """Catch the classic silent mistakes of pairing a network's last layer with a loss."""
    last = _last_layer(model)
    if isinstance(loss, losses_module.BinaryCrossEntropyWithLogitsLoss) and isinstance(
        last, Sigmoid
    ):
        raise ValueError(
            "The network ends in a Sigmoid layer, but BinaryCrossEntropyWithLogitsLoss applies "
            "the sigmoid itself (it expects logits), so the sigmoid would be applied twice. "
            "Remove the final Sigmoid layer (recommended), or use BinaryCrossEntropyLoss, which "
            "expects probabilities."
        )
    if isinstance(loss, losses_module.SoftmaxCrossEntropyLoss) and isinstance(last, Softmax):
        raise ValueError(
            "The network ends in a Softmax layer, but SoftmaxCrossEntropyLoss applies softmax "
            "itself (it expects logits), so softmax would be applied twice. Remove the final "
            "Softmax layer, or use CrossEntropyLoss, which expects probabilities."
        )
    if isinstance(loss, losses_module.CrossEntropyLoss) and not isinstance(last, Softmax):
        raise ValueError(
            f"CrossEntropyLoss expects probabilities, but the network ends in {last!r}, whose "
            "outputs are not. End the network with a Softmax layer, or use "
            "SoftmaxCrossEntropyLoss on the logits."
        )
    if isinstance(loss, losses_module.BinaryCrossEntropyLoss) and not isinstance(last, Sigmoid):
        raise ValueError(
            f"BinaryCrossEntropyLoss expects probabilities in (0, 1), but the network ends in "
            f"{last!r}. Use BinaryCrossEntropyWithLogitsLoss on the logits (recommended), or "
            "end the network with a Sigmoid layer."
        )


def _prepare_inputs(model, X, name="X"):
    """X as a finite 2-D array of the model's width and dtype (checked once, not per batch)."""
    X = as_batch(X, name=name, n_features=model.input_width(), where="The network")
    check_finite(X, name)
    return X.astype(model.dtype, copy=False)


def _prepare_targets(model, loss, X, y, name="y"):
    """Check the targets against the data and the network's output width."""
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(
            f"{name} has {len(y)} targets but there are {len(X)} samples; they must match."
        )
    widths = [layer.n_out for layer in model.layers if isinstance(layer, Dense)]
    if isinstance(loss, (losses_module.SoftmaxCrossEntropyLoss, losses_module.CrossEntropyLoss)):
        if y.ndim == 1:
            return check_labels(y, len(X), widths[-1] if widths else None, name)
    check_finite(y, name)
    return y


def fit(
    model,
    X,
    y,
    loss,
    optimizer,
    epochs=10,
    batch_size=32,
    validation_data=None,
    rng=None,
    patience=None,
    lr_schedule=None,
    verbose=False,
    progress=False,
):
    """Train ``model`` on (X, y) with mini-batch gradient descent; return the history.

    X: (n, d) inputs; y: (n,) labels or (n, k) targets. loss: a loss object or its name in
    ``losses.LOSSES``. optimizer: built from ``model.parameters()``. epochs: passes over the
    data. batch_size: samples per step. validation_data: (X_val, y_val), evaluated after each
    epoch. rng: seed or Generator for the shuffling. patience: stop when the validation loss has
    not improved for this many epochs, and restore the best parameters (and buffers, such as
    BatchNorm's running statistics). lr_schedule: a function
    epoch → learning rate (epochs count from 1), applied to the optimizer before each epoch, e.g.
    ``optim.step_decay(0.01, factor=0.5, every=5)``. verbose: print one line per epoch.
    progress: show a progress bar within each epoch.

    Returns a dict of per-epoch lists: "loss" (mean over the epoch's batches), "accuracy" (for
    classification losses), "val_loss" and "val_accuracy" (with validation_data), "lr" (the
    learning rate used) and "time" (seconds); plus "best_epoch" with validation_data: the epoch
    of the lowest validation loss.
    Raises TrainingDiverged if the loss becomes NaN or infinite.
    """
    loss = _as_loss(loss)
    _check_output_fits_loss(model, loss)
    if not any(value is model.theta for value, _ in optimizer.params):
        raise ValueError(
            "The optimizer does not hold this network's parameters. Build it from them: "
            "e.g. Adam(model.parameters()). (A rebuilt network needs a new optimizer.)"
        )
    if patience is not None and validation_data is None:
        raise ValueError(
            "Early stopping (patience=...) watches the validation loss: pass validation_data."
        )
    X = _prepare_inputs(model, X)
    y = _prepare_targets(model, loss, X, y)
    if validation_data is not None:
        X_val = _prepare_inputs(model, validation_data[0], "X_val")
        y_val = _prepare_targets(model, loss, X_val, validation_data[1], "y_val")
    rng = np.random.default_rng(rng)
    history = {"loss": [], "lr": [], "time": []}
    if loss.is_classification:
        history["accuracy"] = []
    best_loss, best_theta, best_buffers, waited = math.inf, None, None, 0
    was_training = model.training
    model.train()
    try:
        for epoch in range(1, epochs + 1):
            if lr_schedule is not None:
                optimizer.lr = _scheduled_lr(lr_schedule, epoch)
            history["lr"].append(optimizer.lr)
            started = time.perf_counter()
            mean_loss, train_accuracy = _run_epoch(
                model, X, y, loss, optimizer, batch_size, rng, epoch, epochs, progress
            )
            history["time"].append(time.perf_counter() - started)
            history["loss"].append(mean_loss)
            if loss.is_classification:
                history["accuracy"].append(train_accuracy)
            if validation_data is not None:
                scores = evaluate(model, X_val, y_val, loss)
                for key, value in scores.items():
                    history.setdefault(f"val_{key}", []).append(value)
                if scores["loss"] < best_loss:
                    best_loss, best_theta, waited = scores["loss"], model.theta.copy(), 0
                    best_buffers = [value.copy() for _, value in model.named_buffers()]
                    history["best_epoch"] = epoch
                else:
                    waited += 1
            if verbose or progress:
                print(_epoch_line(history, epoch, epochs), flush=True)
            if patience is not None and waited >= patience:
                break
    finally:
        model.train(was_training)
    if patience is not None and best_theta is not None:
        model.theta[...] = best_theta  # the layers' W and b are views, so they change too
        for (_, value), best in zip(model.named_buffers(), best_buffers):
            value[...] = best  # BatchNorm's running statistics of the same epoch
    return history


def _scheduled_lr(lr_schedule, epoch):
    lr = lr_schedule(epoch)
    if not (isinstance(lr, (int, float, np.floating)) and math.isfinite(lr) and lr > 0):
        raise ValueError(
            f"lr_schedule({epoch}) returned {lr!r}; it must return a positive, finite learning "
            "rate for every epoch (epochs count from 1)."
        )
    return float(lr)


def _run_epoch(model, X, y, loss, optimizer, batch_size, rng, epoch, epochs, progress):
    """One pass over (X, y) in shuffled mini-batches: forward, loss, backward, update.

    Returns the mean loss over the batches and, for classification, the fraction of samples
    predicted right (as they were seen, with the weights of that moment).

    Speed: a step makes some 50 NumPy calls besides its matrix products, and each costs about a
    microsecond however small its arrays, so whatever can be done once per epoch (such as the
    true class of every sample) is not done once per batch.
    """
    n = len(X)
    n_batches = math.ceil(n / batch_size)
    order = rng.permutation(n)
    if loss.is_classification:
        labels = true_classes(y)  # once for the epoch, not once per batch
    loss_sum, correct = 0.0, 0
    for b in range(n_batches):
        index = order[b * batch_size : (b + 1) * batch_size]
        X_batch, y_batch = X[index], y[index]
        outputs = model.forward(X_batch)
        batch_loss = loss.forward(outputs, y_batch)
        if not math.isfinite(batch_loss):
            raise TrainingDiverged(
                f"The loss became {batch_loss} in epoch {epoch}, batch {b + 1}. The steps are "
                f"probably too large: lower the learning rate (now {optimizer.lr}) or scale the "
                "inputs to a small range (e.g. [0, 1] or mean 0, std 1)."
            )
        model.backward(loss.backward())
        optimizer.step()
        loss_sum += batch_loss * len(index)
        if loss.is_classification:
            predicted = predicted_classes(outputs, loss.threshold)
            correct += int(np.count_nonzero(predicted == labels[index]))
        if progress:
            seen = min(n, (b + 1) * batch_size)
            _show_progress(epoch, epochs, b + 1, n_batches, loss_sum / seen)
    return loss_sum / n, correct / n if loss.is_classification else None


def _show_progress(epoch, epochs, done, total, running_loss, width=30):
    filled = int(width * done / total)
    bar = "#" * filled + "." * (width - filled)
    sys.stdout.write(f"\repoch {epoch}/{epochs} [{bar}] {done}/{total} loss {running_loss:.4f}")
    sys.stdout.flush()


def _epoch_line(history, epoch, epochs):
    parts = [f"\repoch {epoch}/{epochs}"]
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        if key in history:
            parts.append(f"{key} {history[key][-1]:.4f}")
    parts.append(f"({history['time'][-1]:.2f} s)")
    return "  ".join(parts)


def predict(model, X, batch_size=10_000):
    """The network's outputs for X: (n, d) in evaluation mode (no dropout): (n, d_out).

    Runs in batches of batch_size rows to bound memory. For a classifier these outputs are
    logits: use ``predict_proba`` for probabilities, and
    ``metrics.predicted_classes(predict(model, X))`` for the predicted classes.
    """
    X = _prepare_inputs(model, X)
    was_training = model.training
    model.eval()
    try:
        starts = range(0, max(len(X), 1), batch_size)  # one (empty) batch for empty X
        parts = [model.forward(X[i : i + batch_size]) for i in starts]
    finally:
        model.train(was_training)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def predict_proba(model, X, batch_size=10_000):
    """Class probabilities from a classifier that outputs logits, in evaluation mode.

    X: (n, d). With k > 1 outputs: P = softmax(logits) row by row, (n, k), rows summing to 1.
    With one output: p = σ(z), (n, 1), the probability of class 1. A network that already ends
    in a Softmax or Sigmoid layer outputs probabilities itself; they are returned unchanged.
    (Such a network is fine for reading probabilities, but train a classifier from logits.)
    """
    outputs = predict(model, X, batch_size)
    if isinstance(_last_layer(model), (Softmax, Sigmoid)):
        return outputs
    if outputs.shape[1] == 1:
        return sigmoid(outputs)
    return softmax(outputs, axis=1)


def evaluate(model, X, y, loss, batch_size=10_000):
    """Loss and (for classification) accuracy of the network on (X, y), in evaluation mode.

    Returns {"loss": float} or {"loss": float, "accuracy": float}. Raises the same errors as
    ``fit`` when the network's last layer does not fit the loss (e.g. a softmax applied twice).
    """
    loss = _as_loss(loss)
    _check_output_fits_loss(model, loss)
    if len(X) == 0:
        raise ValueError("evaluate needs at least one sample; X is empty.")
    outputs = predict(model, X, batch_size)
    y = _prepare_targets(model, loss, outputs, y)
    scores = {"loss": loss.forward(outputs, y)}
    if loss.is_classification:
        scores["accuracy"] = accuracy(outputs, y, loss.threshold)
    return scores
