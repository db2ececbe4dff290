"""Tests for nnlib.training: fit, evaluate and predict — results, reproducibility, early stopping
and the errors that catch the usual mistakes."""

import time
import warnings

import numpy as np
import pytest

from nnlib import data, layers, losses, optim, training
from nnlib.activations import softmax
from nnlib.network import Sequential, build_network

# -- it learns -------------------------------------------------------------------------------------


def test_digits_reach_97_percent_in_seconds():
    images, labels = data.load_digits()
    X = data.images_to_features(images, 16)
    X_train, X_test, y_train, y_test = data.train_test_split(X, labels, test_size=0.25, rng=0)
    model = build_network([64, 64, 10], ["relu", "linear"], rng=0)
    started = time.perf_counter()
    history = training.fit(
        model,
        X_train,
        y_train,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(model.parameters(), lr=0.01),
        epochs=30,
        batch_size=32,
        rng=0,
    )
    elapsed = time.perf_counter() - started
    scores = training.evaluate(model, X_test, y_test, losses.SoftmaxCrossEntropyLoss())
    print(f"digits: test accuracy {scores['accuracy']:.4f} after {elapsed:.2f} s")
    assert scores["accuracy"] >= 0.97
    assert history["loss"][-1] < history["loss"][0]
    assert elapsed < 30


def test_spirals_are_solved():
    X, y = data.make_spirals(100, 3, rng=0)
    model = build_network([2, 64, 64, 3], ["relu", "relu", "linear"], rng=0)
    history = training.fit(
        model,
        X,
        y,
        "softmax_cross_entropy",
        optim.Adam(model.parameters(), lr=0.01),
        epochs=200,
        batch_size=32,
        rng=0,
    )
    final = training.evaluate(model, X, y, "softmax_cross_entropy")["accuracy"]
    print(f"spirals: train accuracy {final:.4f}")
    assert final >= 0.95
    assert history["accuracy"][-1] >= 0.9


def test_xor_with_a_sigmoid_output_and_binary_cross_entropy():
    X, y = data.make_xor(200, rng=0)
    model = build_network([2, 8, 1], ["tanh", "sigmoid"], rng=0)
    history = training.fit(
        model,
        X,
        y,
        "binary_cross_entropy",
        optim.Adam(model.parameters(), lr=0.05),
        epochs=60,
        batch_size=20,
        rng=0,
    )
    assert history["accuracy"][-1] >= 0.95
    assert training.evaluate(model, X, y, "binary_cross_entropy")["accuracy"] >= 0.95


def test_xor_from_a_logit_with_binary_cross_entropy_with_logits():
    X, y = data.make_xor(200, rng=0)
    model = build_network([2, 8, 1], ["tanh", "linear"], rng=0)
    history = training.fit(
        model,
        X,
        y,
        "binary_cross_entropy_with_logits",
        optim.Adam(model.parameters(), lr=0.05),
        epochs=60,
        batch_size=20,
        rng=0,
    )
    assert history["accuracy"][-1] >= 0.95
    scores = training.evaluate(model, X, y, "binary_cross_entropy_with_logits")
    logits = training.predict(model, X)
    assert scores["accuracy"] == np.mean((logits[:, 0] > 0) == y)  # judged by the sign
    assert scores["accuracy"] >= 0.95
    p = training.predict_proba(model, X)
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-logits.astype(np.float64))), rtol=1e-6)


def test_accuracy_from_logits_uses_threshold_zero_not_one_half():
    """A logit of 0.3 is class 1 (σ(0.3) ≈ 0.57); a threshold of 0.5 would call it class 0."""
    model = build_network([1, 1], ["linear"], rng=0)
    model.theta[...] = [1.0, 0.0]  # z = x
    X = np.array([[0.3], [-0.3], [0.7]], dtype=np.float32)
    scores = training.evaluate(model, X, np.array([1, 0, 1]), "binary_cross_entropy_with_logits")
    assert scores["accuracy"] == 1.0


def test_sigmoid_before_bce_with_logits_is_refused(setup):
    _, _, X, _ = setup
    model = build_network([4, 3, 1], ["relu", "sigmoid"], rng=0)
    y = np.arange(12) % 2
    for run in (
        lambda: training.fit(
            model, X, y, "binary_cross_entropy_with_logits", optim.Adam(model.parameters())
        ),
        lambda: training.evaluate(model, X, y, "binary_cross_entropy_with_logits"),
    ):
        with pytest.raises(ValueError, match="sigmoid would be applied twice"):
            run()


def test_predict_proba_gives_softmax_of_the_logits(setup):
    model, _, X, _ = setup
    P = training.predict_proba(model, X)
    logits = training.predict(model, X)
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(P, softmax(logits, axis=1), rtol=1e-6)
    assert np.array_equal(P.argmax(axis=1), logits.argmax(axis=1))


def test_predict_proba_of_a_network_ending_in_softmax_returns_its_outputs(setup):
    _, _, X, _ = setup
    model = build_network([4, 5, 3], ["relu", "softmax"], rng=0)
    np.testing.assert_array_equal(training.predict_proba(model, X), training.predict(model, X))


def test_regression_with_mse_has_no_accuracy():
    generator = np.random.default_rng(0)
    X = generator.normal(size=(100, 2))
    T = X @ np.array([[1.0], [-2.0]]) + 0.5
    model = build_network([2, 1], ["linear"], rng=0)
    history = training.fit(model, X, T, "mse", optim.SGD(model.parameters(), lr=0.1), epochs=50)
    assert "accuracy" not in history
    assert history["loss"][-1] < 1e-6
    np.testing.assert_allclose(model.layers[0].params["W"].ravel(), [1.0, -2.0], atol=1e-3)
    np.testing.assert_allclose(model.layers[0].params["b"], [0.5], atol=1e-3)
    assert set(training.evaluate(model, X, T, "mse")) == {"loss"}


# -- reproducibility and dtypes --------------------------------------------------------------------


def _train_small(seed, epochs=5, **options):
    X, y = data.make_moons(120, rng=0)
    model = build_network([2, 16, 2], ["relu", "linear"], rng=seed)
    history = training.fit(
        model,
        X,
        y,
        "softmax_cross_entropy",
        optim.Adam(model.parameters(), lr=0.01),
        epochs=epochs,
        batch_size=16,
        rng=seed,
        **options,
    )
    return model, history


def test_same_seed_same_history_and_weights():
    model1, history1 = _train_small(3)
    model2, history2 = _train_small(3)
    for key in history1:
        if key != "time":
            assert history1[key] == history2[key], key
    np.testing.assert_array_equal(model1.theta, model2.theta)
    model3, history3 = _train_small(4)
    assert not np.array_equal(model1.theta, model3.theta)
    assert history1["loss"] != history3["loss"]


def test_training_runs_in_float32():
    X, y = data.make_moons(50, rng=0)
    model, _ = _train_small(0)
    assert model.dtype == np.float32
    assert all(value.dtype == np.float32 for _, value, _ in model.named_parameters())
    outputs = training.predict(model, X.astype(np.float64))
    assert outputs.dtype == np.float32


def test_history_keys_and_lengths():
    X, y = data.make_moons(60, rng=1)
    model, history = _train_small(0, epochs=3, validation_data=(X, y))
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"} <= set(history)
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"):
        assert len(history[key]) == 3
    assert all(0 <= a <= 1 for a in history["accuracy"] + history["val_accuracy"])
    assert all(t >= 0 for t in history["time"])
    # the validation numbers are what evaluate says about the final model
    assert history["val_loss"][-1] == pytest.approx(
        training.evaluate(model, X, y, "softmax_cross_entropy")["loss"], rel=1e-6
    )


def test_history_without_validation_data():
    _, history = _train_small(0, epochs=2)
    assert set(history) == {"loss", "accuracy", "lr", "time"}


def test_best_epoch_is_the_epoch_of_the_lowest_validation_loss():
    X, y = data.make_moons(60, rng=1)
    _, history = _train_small(0, epochs=4, validation_data=(X, y))
    best = int(np.argmin(history["val_loss"])) + 1
    assert history["best_epoch"] == best


def test_evaluate_on_no_rows_is_an_error():
    model = build_network([4, 3], ["linear"], rng=0)
    with pytest.raises(ValueError, match="at least one sample"):
        training.evaluate(model, np.zeros((0, 4)), np.zeros(0, dtype=int), "softmax_cross_entropy")


class _ModeRecorder(layers.Layer):
    """Passes its input through and records whether it was in training mode at each forward."""

    def __init__(self):
        super().__init__()
        self.modes = []

    def forward(self, X):
        self.modes.append(self.training)
        return X


@pytest.mark.parametrize("start_in_training_mode", [True, False])
def test_fit_trains_in_training_mode_and_restores_the_mode(start_in_training_mode):
    X, y = data.make_moons(40, rng=0)
    recorder = _ModeRecorder()
    model = build_network([2, 8, 2], ["relu", "linear"], rng=0)
    model.layers.insert(2, recorder)
    model.train(start_in_training_mode)
    training.fit(
        model,
        X,
        y,
        "softmax_cross_entropy",
        optim.Adam(model.parameters()),
        epochs=2,
        batch_size=20,
        validation_data=(X, y),
        rng=0,
    )
    # per epoch: two training batches, then one evaluation pass
    assert recorder.modes == [True, True, False, True, True, False]
    assert model.training == start_in_training_mode
    assert recorder.training == start_in_training_mode


def test_verbose_and_progress_print_per_epoch(capsys):
    _train_small(0, epochs=2, verbose=True)
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "epoch 2/2" in out and "loss" in out
    _train_small(0, epochs=1, progress=True)
    out = capsys.readouterr().out
    assert "[" in out and "#" in out and "epoch 1/1" in out


# -- early stopping --------------------------------------------------------------------------------


def _overfitting_problem():
    """A 3-class problem with a linear rule; 40% of the 30 training labels are replaced by random
    ones, so a big network first learns the rule and then the noise (validation loss rises)."""
    generator = np.random.default_rng(0)
    rule = generator.normal(size=(5, 3))
    X = generator.normal(size=(30, 5)).astype(np.float32)
    y = np.argmax(X @ rule, axis=1)
    noisy = generator.random(30) < 0.4
    y[noisy] = generator.integers(0, 3, size=noisy.sum())
    X_val = generator.normal(size=(200, 5)).astype(np.float32)
    return X, y, X_val, np.argmax(X_val @ rule, axis=1)


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y, X_val, y_val = _overfitting_problem()
    model = build_network([5, 64, 3], ["relu", "linear"], rng=0)
    patience, epochs = 5, 300
    history = training.fit(
        model,
        X,
        y,
        "softmax_cross_entropy",
        optim.Adam(model.parameters(), lr=0.01),
        epochs=epochs,
        batch_size=10,
        validation_data=(X_val, y_val),
        rng=0,
        patience=patience,
    )
    ran = len(history["val_loss"])
    assert ran < epochs
    best = int(np.argmin(history["val_loss"]))
    assert history["best_epoch"] == best + 1
    assert ran == best + 1 + patience  # stopped after `patience` epochs without improvement
    assert history["val_loss"][-1] > history["val_loss"][best]
    after = training.evaluate(model, X_val, y_val, "softmax_cross_entropy")["loss"]
    assert after == pytest.approx(history["val_loss"][best], rel=1e-9)
    assert model.training


def test_early_stopping_restores_batchnorm_statistics_of_the_best_epoch_too():
    X, y, X_val, y_val = _overfitting_problem()

    def run(epochs, patience):
        model = Sequential(
            layers.Dense(5, 32, rng=0),
            layers.BatchNorm(32),
            layers.ReLU(),
            layers.Dense(32, 3, rng=1),
        )
        history = training.fit(
            model,
            X,
            y,
            "softmax_cross_entropy",
            optim.Adam(model.parameters(), lr=0.01),
            epochs=epochs,
            batch_size=10,
            validation_data=(X_val, y_val),
            rng=0,
            patience=patience,
        )
        return model, history

    stopped, history = run(300, patience=5)
    assert len(history["val_loss"]) > history["best_epoch"]  # it ran past the best epoch
    again, _ = run(history["best_epoch"], patience=None)  # the same run, ended at the best epoch
    np.testing.assert_array_equal(stopped.theta, again.theta)
    for (name, value), (_, expected) in zip(stopped.named_buffers(), again.named_buffers()):
        np.testing.assert_array_equal(value, expected, err_msg=name)


def test_patience_needs_validation_data():
    X, y = data.make_moons(20, rng=0)
    model = build_network([2, 2], ["linear"], rng=0)
    with pytest.raises(ValueError, match="validation_data"):
        training.fit(
            model, X, y, "softmax_cross_entropy", optim.SGD(model.parameters()), patience=3
        )


# -- predict and evaluate --------------------------------------------------------------------------


def _with_dropout():
    model = build_network([4, 8, 3], ["relu", "linear"], rng=0)
    model.layers.insert(2, layers.Dropout(0.5, rng=0))
    return model


def test_predict_runs_in_eval_mode_and_restores_training_mode():
    model = _with_dropout()
    X = np.random.default_rng(0).normal(size=(7, 4))
    first = training.predict(model, X)
    assert first.shape == (7, 3)
    np.testing.assert_array_equal(training.predict(model, X), first)  # no dropout noise
    assert model.training and model.layers[2].training
    reference = model.eval().forward(X.astype(np.float32))
    np.testing.assert_array_equal(first, reference)
    model.eval()
    training.predict(model, X)
    assert not model.training  # eval mode is kept too


def test_predict_in_batches_gives_the_same_outputs():
    model = _with_dropout()
    X = np.random.default_rng(1).normal(size=(10, 4))
    np.testing.assert_allclose(
        training.predict(model, X, batch_size=3), training.predict(model, X), rtol=1e-6
    )


def test_predict_on_no_rows():
    model = build_network([4, 3], ["linear"], rng=0)
    assert training.predict(model, np.zeros((0, 4))).shape == (0, 3)


def test_evaluate_returns_loss_and_accuracy():
    model = build_network([2, 3], ["linear"], rng=0)
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 2.0]])
    y = np.array([0, 1, 2, 1])
    scores = training.evaluate(model, X, y, losses.SoftmaxCrossEntropyLoss())
    assert set(scores) == {"loss", "accuracy"}
    outputs = training.predict(model, X)
    assert scores["loss"] == pytest.approx(losses.softmax_cross_entropy(outputs, y), rel=1e-6)
    assert scores["accuracy"] == np.mean(outputs.argmax(axis=1) == y)


# -- errors, each with its message -----------------------------------------------------------------


@pytest.fixture
def setup():
    """A 4-5-3 classifier, its optimizer and matching data."""
    generator = np.random.default_rng(0)
    model = build_network([4, 5, 3], ["relu", "linear"], rng=0)
    X = generator.normal(size=(12, 4)).astype(np.float32)
    y = generator.integers(0, 3, size=12)
    return model, optim.Adam(model.parameters()), X, y


def test_wrong_input_width(setup):
    model, optimizer, X, y = setup
    with pytest.raises(ValueError, match="expects 4 features per sample"):
        training.fit(model, X[:, :3], y, "softmax_cross_entropy", optimizer)


def test_one_dimensional_input(setup):
    model, optimizer, X, y = setup
    with pytest.raises(ValueError, match="reshape"):
        training.predict(model, X[0])


def test_mismatched_label_count(setup):
    model, optimizer, X, y = setup
    with pytest.raises(ValueError, match="11 targets but there are 12 samples"):
        training.fit(model, X, y[:-1], "softmax_cross_entropy", optimizer)


def test_labels_out_of_range(setup):
    model, optimizer, X, y = setup
    y = y.copy()
    y[5] = 3
    with pytest.raises(ValueError, match="label 3, but there are only 3 classes"):
        training.fit(model, X, y, "softmax_cross_entropy", optimizer)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_non_finite_inputs(setup, bad):
    model, optimizer, X, y = setup
    X = X.copy()
    X[2, 1] = bad
    with pytest.raises(
        ValueError, match=r"X contains 1 NaN or infinite value\(s\), the first at index \(2, 1\)"
    ):
        training.fit(model, X, y, "softmax_cross_entropy", optimizer)


def test_both_infinities_are_caught_although_their_sum_cancels(setup):
    model, optimizer, X, y = setup
    X = X.copy()
    X[1, 0], X[3, 2] = np.inf, -np.inf
    with pytest.raises(
        ValueError, match=r"2 NaN or infinite value\(s\), the first at index \(1, 0\)"
    ):
        training.fit(model, X, y, "softmax_cross_entropy", optimizer)


def test_huge_finite_inputs_are_accepted_although_their_sum_overflows():
    """check_finite's quick test is a sum; an overflowing sum of finite numbers is not an error."""
    X = np.full((4, 3), 3e38, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and the overflow in the sum stays quiet
        assert training._prepare_inputs(build_network([3, 2], ["linear"], rng=0), X) is X


def test_non_finite_validation_inputs(setup):
    model, optimizer, X, y = setup
    X_val = X.copy()
    X_val[0, 0] = np.nan
    with pytest.raises(ValueError, match="X_val contains"):
        training.fit(model, X, y, "softmax_cross_entropy", optimizer, validation_data=(X_val, y))


def test_unknown_loss_name(setup):
    model, optimizer, X, y = setup
    with pytest.raises(ValueError, match="Unknown loss 'crossentropy'.*'softmax_cross_entropy'"):
        training.fit(model, X, y, "crossentropy", optimizer)


def test_double_softmax(setup):
    _, _, X, y = setup
    model = build_network([4, 5, 3], ["relu", "softmax"], rng=0)
    with pytest.raises(ValueError, match="softmax would be applied twice"):
        training.fit(model, X, y, losses.SoftmaxCrossEntropyLoss(), optim.Adam(model.parameters()))


def test_evaluate_refuses_a_double_softmax_too(setup):
    _, _, X, y = setup
    model = build_network([4, 5, 3], ["relu", "softmax"], rng=0)
    with pytest.raises(ValueError, match="softmax would be applied twice"):
        training.evaluate(model, X, y, "softmax_cross_entropy")


def test_cross_entropy_needs_a_softmax_output(setup):
    model, optimizer, X, y = setup
    with pytest.raises(ValueError, match="CrossEntropyLoss expects probabilities"):
        training.fit(model, X, y, "cross_entropy", optimizer)


def test_binary_cross_entropy_needs_a_sigmoid_output(setup):
    model, optimizer, X, y = setup
    with pytest.raises(ValueError, match="BinaryCrossEntropyWithLogitsLoss on the logits"):
        training.fit(model, X, y, "binary_cross_entropy", optimizer)


def test_optimizer_built_for_another_model(setup):
    model, _, X, y = setup
    other = build_network([4, 5, 3], ["relu", "linear"], rng=0)
    with pytest.raises(ValueError, match="does not hold this network's parameters"):
        training.fit(model, X, y, "softmax_cross_entropy", optim.Adam(other.parameters()))


def test_optimizer_of_a_copied_model_is_refused(setup):
    model, optimizer, X, y = setup
    wide = model.astype(np.float64)
    with pytest.raises(ValueError, match="does not hold this network's parameters"):
        training.fit(wide, X, y, "softmax_cross_entropy", optimizer)


def test_diverging_loss_names_the_learning_rate():
    images, labels = data.load_digits()
    X = images.reshape(len(images), -1).astype(np.float32)  # pixels 0..16, not scaled
    model = build_network([64, 32, 10], ["relu", "linear"], rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the overflow itself
        with pytest.raises(training.TrainingDiverged, match=r"learning rate \(now 1000000.0\)"):
            training.fit(
                model,
                X,
                data.one_hot(labels, 10),
                "mse",
                optim.SGD(model.parameters(), lr=1e6),
                epochs=5,
                rng=0,
            )
    assert model.training  # the mode was restored on the way out
    assert issubclass(training.TrainingDiverged, FloatingPointError)


def test_labels_and_one_hot_targets_train_identically():
    """fit works out the true classes once per epoch; one-hot rows must give the same history."""
    images, labels = data.load_digits()
    X = images.reshape(len(images), -1).astype(np.float32) / 16
    histories = []
    for targets in (labels, data.one_hot(labels, 10)):
        model = build_network([64, 16, 10], ["relu", "linear"], rng=0)
        optimizer = optim.Adam(model.parameters(), lr=1e-2)
        history = training.fit(
            model, X, targets, "softmax_cross_entropy", optimizer, epochs=2, rng=0
        )
        histories.append(history)
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(histories[0][key], histories[1][key], rtol=1e-6)
    assert histories[0]["accuracy"][-1] > 0.8


# -- shuffling and learning-rate schedules ------------------------------------------------------


class _Recorder(layers.Layer):
    """Passes its input through and remembers the first column of every batch it sees."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def forward(self, X):
        self.seen.append(X[:, 0].astype(int).copy())
        return X


def _orders_seen(rng, epochs=3, n=40, batch_size=8):
    """The order in which fit shows samples 0..n−1, one array per epoch."""
    recorder = _Recorder()
    model = Sequential(recorder, layers.Dense(1, 2, rng=0))
    X = np.arange(n, dtype=np.float32).reshape(-1, 1)
    y = np.arange(n) % 2
    optimizer = optim.SGD(model.parameters(), lr=1e-6)
    training.fit(model, X, y, "softmax_cross_entropy", optimizer, epochs, batch_size, rng=rng)
    per_epoch = len(recorder.seen) // epochs
    return [
        np.concatenate(recorder.seen[e * per_epoch : (e + 1) * per_epoch]) for e in range(epochs)
    ]


def test_fit_shuffles_every_epoch_differently_and_reproducibly():
    orders = _orders_seen(rng=0)
    for order in orders:
        assert sorted(order) == list(range(40))  # every sample exactly once an epoch
        assert not np.array_equal(order, np.arange(40))  # not in the stored order
    assert not np.array_equal(orders[0], orders[1])  # a new order each epoch
    again = _orders_seen(rng=0)
    assert all(np.array_equal(a, b) for a, b in zip(orders, again))  # the seed decides
    assert not np.array_equal(_orders_seen(rng=1)[0], orders[0])


def test_lr_schedule_sets_the_learning_rate_before_each_epoch():
    X, y = data.make_moons(40, rng=0)
    model = build_network([2, 4, 2], ["relu", "linear"], rng=0)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    schedule = optim.step_decay(0.1, factor=0.5, every=2)
    history = training.fit(
        model, X, y, "softmax_cross_entropy", optimizer, epochs=5, rng=0, lr_schedule=schedule
    )
    assert history["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert optimizer.lr == pytest.approx(0.025)


def test_without_a_schedule_the_learning_rate_is_recorded_unchanged():
    model, history = _train_small(0, epochs=2)
    assert history["lr"] == [history["lr"][0]] * 2


def test_a_schedule_returning_zero_is_refused():
    X, y = data.make_moons(20, rng=0)
    model = build_network([2, 2], ["linear"], rng=0)
    with pytest.raises(ValueError, match=r"lr_schedule\(3\) returned 0"):
        training.fit(
            model,
            X,
            y,
            "softmax_cross_entropy",
            optim.SGD(model.parameters(), lr=0.1),
            epochs=4,
            lr_schedule=lambda epoch: 0 if epoch == 3 else 0.1,
        )
