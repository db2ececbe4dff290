"""The benchmark script's parts, on small data: its numbers are only as good as these pieces.

The full run (``make benchmark``) takes a minute and is not part of the test suite; these tests
check that each measurement measures what its name says and leaves the trained model alone.
"""

import importlib.util
import pathlib

import numpy as np
import pytest

from nnlib import mnist
from nnlib.network import build_network
from nnlib.optim import Adam

SCRIPT = pathlib.Path(__file__).parent.parent / "benchmarks" / "train_mlp.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("train_mlp", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_floor_runs_one_step_per_batch_on_preallocated_arrays(bench, rng):
    X = rng.random((4 * bench.BATCH + 5, 784), dtype=np.float32)
    floor = bench.GemmFloor(X)
    assert floor.steps == 4  # whole batches only, like the median epoch of training
    seconds = floor.epoch()
    assert seconds > 0
    # the products really ran: the last dX is dA1 @ W1ᵀ, and dW1 is Xbᵀ @ dA1
    np.testing.assert_allclose(floor.dX, floor.dA1 @ floor.W1.T, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(floor.dW1, floor.Xb.T @ floor.dA1, rtol=1e-4, atol=1e-5)
    assert floor.epoch(with_input_gradient=False) > 0


def test_without_fashion_mnist_it_says_so_and_uses_random_data_of_the_same_shape(
    bench, monkeypatch, capsys
):
    def missing(*args, **kwargs):
        raise mnist.DataFileError("No Fashion-MNIST here.", "Install it.")

    monkeypatch.setattr(bench, "load_fashion_mnist", missing)
    X, y, X_test, y_test, source = bench.load_data()
    assert "not found" in capsys.readouterr().out
    assert "random" in source
    assert X.shape == (60_000, 784) and X_test.shape == (10_000, 784)
    assert X.dtype == np.float32 and 0 <= X.min() and X.max() <= 1
    assert y.shape == (60_000,) and set(np.unique(y)) == set(range(10))


def test_parts_of_an_epoch_time_copies_and_leave_the_model_alone(bench, rng):
    X = rng.random((3 * bench.BATCH, 784), dtype=np.float32)
    model = build_network([784, bench.HIDDEN, bench.CLASSES], ["relu", "linear"], rng=0)
    model.grad[...] = rng.normal(size=model.grad.shape)
    theta, grad = model.theta.copy(), model.grad.copy()
    parts = bench.parts_of_an_epoch(model, X)
    assert set(parts) == {"gather", "adam"} and all(s > 0 for s in parts.values())
    np.testing.assert_array_equal(model.theta, theta)
    np.testing.assert_array_equal(model.grad, grad)


def test_count_subnormals_counts_only_tiny_non_zero_moments(bench):
    theta, grad = np.zeros(6, np.float32), np.zeros(6, np.float32)
    optimizer = Adam([(theta, grad)])
    tiny = np.finfo(np.float32).tiny
    optimizer.state[0]["M"][:] = [0, tiny / 4, -tiny / 8, tiny, 1.0, 0]
    optimizer.state[0]["V"][:] = [tiny / 2, 0, 0, 0, 0, 0]
    optimizer.state[0]["scratch"][:] = tiny / 4  # working memory, not a moment: not counted
    assert bench.count_subnormals(optimizer) == 3


def test_busy_machine_note_only_when_the_floor_itself_varied(bench):
    assert bench.busy_machine_note([0.200, 0.204, 0.201, 0.199, 0.203]) == ""
    assert bench.busy_machine_note([0.195, 0.215, 0.205, 0.203, 0.197]) == ""  # 10%: usual
    note = bench.busy_machine_note([0.206, 0.206, 0.342, 0.348, 0.357])
    assert "varied by 44%" in note and "rerun" in note
