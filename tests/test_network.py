"""Tests for nnlib.network: Sequential, the flat parameter vector θ, and build_network."""

import copy

import numpy as np
import pytest

from nnlib import layers as L
from nnlib import losses
from nnlib.gradcheck import check_model
from nnlib.network import Sequential, build_network


def _three_four_two(seed=0):
    return build_network([3, 4, 2], ["sigmoid", "softmax"], rng=seed)


# -- running the network ---------------------------------------------------------------------------


def test_forward_is_the_composition_of_the_layers(rng):
    dense1, dense2 = L.Dense(3, 4, rng=1), L.Dense(4, 2, rng=2)
    model = Sequential(dense1, L.Tanh(), dense2, L.Softmax())
    X = rng.normal(size=(5, 3)).astype(np.float32)
    W1, b1 = dense1.params["W"], dense1.params["b"]
    W2, b2 = dense2.params["W"], dense2.params["b"]
    Z2 = np.tanh(X @ W1 + b1) @ W2 + b2
    expected = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.forward(X), expected, rtol=1e-5)
    np.testing.assert_array_equal(model(X), model.forward(X))


def test_sequential_of_a_list_is_a_type_error_with_a_hint():
    with pytest.raises(TypeError, match=r"Sequential\(\*layers\)"):
        Sequential([L.Dense(2, 2), L.ReLU()])


def test_layers_of_different_dtypes_are_refused():
    with pytest.raises(TypeError, match="dtype"):
        Sequential(L.Dense(2, 2), L.Dense(2, 2, dtype=np.float64))


def test_empty_network_passes_its_input_through():
    model = Sequential()
    X = np.ones((2, 3))
    assert model.forward(X) is X
    assert model.n_params == 0 and model.input_width() is None


# -- θ: all parameters in one flat vector ----------------------------------------------------------


def test_parameters_are_views_into_theta():
    model = _three_four_two()
    first, second = model.layers[0], model.layers[2]
    assert model.theta.shape == (26,) and model.grad.shape == (26,)
    for layer in (first, second):
        for key in ("W", "b"):
            assert np.shares_memory(layer.params[key], model.theta)
            assert np.shares_memory(layer.grads[key], model.grad)
    # θ is W1 (12), b1 (4), W2 (8), b2 (2), in that order
    model.theta[0] = 42.0
    assert first.params["W"][0, 0] == 42.0
    model.theta[12] = -3.0
    assert first.params["b"][0] == -3.0
    second.params["W"][1, 0] = 7.0  # row 1, column 0 of a (4, 2) matrix: θ[16 + 2]
    assert model.theta[18] == 7.0
    second.params["b"][1] = 5.0
    assert model.theta[25] == 5.0


def test_parameters_returns_the_single_theta_pair():
    model = _three_four_two()
    [(value, grad)] = model.parameters()
    assert value is model.theta and grad is model.grad


def test_named_parameters():
    model = _three_four_two()
    names = [name for name, _, _ in model.named_parameters()]
    assert names == ["0.W", "0.b", "2.W", "2.b"]
    shapes = [value.shape for _, value, _ in model.named_parameters()]
    assert shapes == [(3, 4), (4,), (4, 2), (2,)]
    for _, value, grad in model.named_parameters():
        assert value.shape == grad.shape


def test_n_params_and_dtype():
    model = _three_four_two()
    assert model.n_params == 12 + 4 + 8 + 2
    assert model.dtype == np.float32


def test_backward_fills_the_flat_gradient():
    dense = L.Dense(3, 2, rng=0, dtype=np.float64)
    model = Sequential(dense)
    X = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
    dY = np.array([[1.0, -1.0], [0.5, 2.0]])
    model.forward(X)
    model.backward(dY)
    expected = np.concatenate([(X.T @ dY).ravel(), dY.sum(axis=0)])
    np.testing.assert_allclose(model.grad, expected)


def test_backward_through_a_loss_fills_every_layer_gradient(rng):
    model = _three_four_two()
    model.grad[...] = 0
    X = rng.normal(size=(6, 3))
    loss = losses.CrossEntropyLoss()
    loss.forward(model.forward(X), rng.integers(0, 2, size=6))
    model.backward(loss.backward())
    for name, _, grad in model.named_parameters():
        assert np.any(grad != 0), name


class _Spy(L.Layer):
    """Records the need_dX argument its backward receives."""

    def backward(self, dY, need_dX=True):
        self.need_dX = need_dX
        return dY


def test_first_layer_is_told_its_input_gradient_is_not_needed():
    first, second = _Spy(), _Spy()
    model = Sequential(first, second)
    model.forward(np.ones((1, 2)))
    model.backward(np.ones((1, 2)))
    assert first.need_dX is False and second.need_dX is True


def test_train_and_eval_reach_every_layer():
    model = build_network([4, 3, 2], ["relu", "linear"], rng=0)
    model.layers.insert(2, L.Dropout(0.5, rng=0))
    assert model.eval() is model
    assert not model.training and not any(layer.training for layer in model.layers)
    X = np.ones((3, 4), dtype=np.float32)
    np.testing.assert_array_equal(model.forward(X), model.forward(X))  # no dropout
    assert model.train() is model
    assert model.training and all(layer.training for layer in model.layers)
    model.train(False)
    assert not model.layers[2].training


# -- describing the network ------------------------------------------------------------------------


def test_summary_lists_layers_shapes_and_total(capsys):
    _three_four_two().summary()
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "layer" in lines[0] and "output shape" in lines[0] and "parameters" in lines[0]
    rows = [line for line in lines if line[:2] in ("0:", "1:", "2:", "3:")]
    assert len(rows) == 4
    assert "Dense(3 → 4)" in rows[0] and "(n, 4)" in rows[0] and rows[0].rstrip().endswith("16")
    assert "Sigmoid()" in rows[1] and "(n, 4)" in rows[1] and rows[1].rstrip().endswith("0")
    assert "Dense(4 → 2)" in rows[2] and "(n, 2)" in rows[2] and rows[2].rstrip().endswith("10")
    assert "Softmax()" in rows[3] and "(n, 2)" in rows[3]
    assert "total parameters: 26" in out
    assert "float32" in out


def test_summary_uses_thousands_separators(capsys):
    build_network([784, 128, 10], ["relu", "softmax"], rng=0).summary()
    out = capsys.readouterr().out
    assert "100,480" in out  # 784·128 + 128
    assert "total parameters: 101,770" in out  # + 128·10 + 10


def test_repr_lists_the_layers():
    assert repr(_three_four_two()) == (
        "Sequential(\n  (0) Dense(3 → 4)\n  (1) Sigmoid()\n  (2) Dense(4 → 2)\n  (3) Softmax()\n)"
    )


def test_input_width():
    assert _three_four_two().input_width() == 3
    assert Sequential(L.Dropout(0.1), L.Dense(5, 2)).input_width() == 5


# -- copies ----------------------------------------------------------------------------------------


def test_astype_float64_is_an_independent_equal_copy():
    model = _three_four_two()
    wide = model.astype(np.float64)
    assert wide.dtype == np.float64 and model.dtype == np.float32
    assert wide.grad.dtype == np.float64
    np.testing.assert_array_equal(wide.theta, model.theta.astype(np.float64))
    assert not np.shares_memory(wide.theta, model.theta)
    for _, value, grad in wide.named_parameters():
        assert value.dtype == grad.dtype == np.float64
        assert np.shares_memory(value, wide.theta) and np.shares_memory(grad, wide.grad)
    X = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_allclose(wide.forward(X), model.forward(X), rtol=1e-6)
    before = model.theta.copy()
    wide.theta[...] = 1.0
    np.testing.assert_array_equal(model.theta, before)


def test_deepcopy_links_the_copy_to_its_own_theta():
    model = _three_four_two()
    model.grad[...] = np.arange(26)
    clone = copy.deepcopy(model)
    np.testing.assert_array_equal(clone.theta, model.theta)
    np.testing.assert_array_equal(clone.grad, model.grad)
    assert not np.shares_memory(clone.theta, model.theta)
    clone.theta[0] = 99.0
    assert clone.layers[0].params["W"][0, 0] == 99.0
    assert model.layers[0].params["W"][0, 0] != 99.0
    clone.layers[2].params["b"][0] = -5.0
    assert clone.theta[24] == -5.0
    for _, value, grad in clone.named_parameters():
        assert np.shares_memory(value, clone.theta) and np.shares_memory(grad, clone.grad)


# -- build_network ---------------------------------------------------------------------------------


def test_build_network_layers():
    model = build_network([2, 4, 3, 1], ["tanh", "relu", "sigmoid"], rng=0)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "Tanh", "Dense", "ReLU", "Dense", "Sigmoid"]
    widths = [(layer.n_in, layer.n_out) for layer in model.layers if isinstance(layer, L.Dense)]
    assert widths == [(2, 4), (4, 3), (3, 1)]


def test_build_network_softmax_ends_in_a_softmax_layer():
    assert isinstance(build_network([3, 5, 4], ["relu", "softmax"]).layers[-1], L.Softmax)


def test_build_network_linear_adds_no_activation_layer():
    model = build_network([3, 5, 4], ["relu", "linear"], rng=0)
    assert [type(layer) for layer in model.layers] == [L.Dense, L.ReLU, L.Dense]


def test_build_network_default_initialisers_and_dtype():
    model = build_network([3, 5, 4, 2], ["relu", "tanh", "linear"], rng=0)
    assert [layer.init for layer in model.layers if isinstance(layer, L.Dense)] == [
        "he",
        "xavier",
        "xavier",
    ]
    chosen = build_network([3, 5, 2], ["relu", "linear"], init="zeros", rng=0)
    np.testing.assert_array_equal(chosen.theta, 0)
    assert build_network([3, 2], ["linear"], dtype=np.float64).dtype == np.float64


def test_build_network_seed_reproducibility():
    np.testing.assert_array_equal(_three_four_two(1).theta, _three_four_two(1).theta)
    assert not np.array_equal(_three_four_two(1).theta, _three_four_two(2).theta)


def test_build_network_wrong_number_of_activations():
    with pytest.raises(ValueError, match="give 2 activation names; got 1"):
        build_network([3, 4, 2], ["relu"])


def test_build_network_unknown_activation_lists_known_ones():
    with pytest.raises(ValueError, match="Unknown activation 'relu6'") as info:
        build_network([3, 4, 2], ["relu6", "softmax"])
    assert "'softmax'" in str(info.value) and "'relu'" in str(info.value)


@pytest.mark.parametrize("sizes", [[], [3]])
def test_build_network_needs_two_sizes(sizes):
    with pytest.raises(ValueError, match="at least an input and an output"):
        build_network(sizes, [])


# -- whole-network gradient checks, every layer type -----------------------------------------------


def _with_random_biases(model, seed):
    """Give every Dense layer non-zero biases: with zero biases a unit whose inputs are all zero
    (after a dead ReLU layer) would sit exactly on the kink of the next activation."""
    generator = np.random.default_rng(seed)
    for layer in model.layers:
        if "b" in layer.params:
            layer.params["b"][...] = generator.normal(scale=0.5, size=layer.params["b"].shape)
    return model


# SEED was picked so that each check below passes with a margin of 10x or more (worst relative
# error below 1e-7). With some other seeds a correct gradient entry is so small (~1e-6) that the
# finite-difference noise (~1e-11 absolute, for h = 1e-6) pushes its relative error past 1e-6.
SEED = 3


def _data():
    """X: (4, 3), class labels y: (4,) in 0..2, and regression targets T: (4, 2)."""
    generator = np.random.default_rng(100 + SEED)
    X, y = generator.normal(size=(4, 3)), generator.integers(0, 3, size=4)
    return X, y, generator.normal(size=(4, 2))


def test_gradient_check_network_with_every_layer_and_softmax_cross_entropy():
    generator = np.random.default_rng(SEED)
    model = Sequential(
        L.Dense(3, 5, rng=generator),
        L.Sigmoid(),
        L.Dense(5, 4, rng=generator),
        L.Tanh(),
        L.Dense(4, 4, init="he", rng=generator),
        L.ReLU(),
        L.Dense(4, 4, init="he", rng=generator),
        L.LeakyReLU(0.1),
        L.Dropout(0.3, rng=generator),
        L.Dense(4, 3, rng=generator),
        L.Softmax(),
    )
    _with_random_biases(model, SEED)
    assert model.training  # Dropout is active; check_model freezes its mask
    X, y, _ = _data()
    result = check_model(model, losses.CrossEntropyLoss(), X, y)
    assert result.ok, result
    assert result.max_error < 1e-6


def test_gradient_check_logits_with_softmax_cross_entropy_loss():
    model = _with_random_biases(
        build_network([3, 5, 4, 3], ["tanh", "relu", "linear"], rng=SEED), SEED
    )
    X, y, _ = _data()
    result = check_model(model, losses.SoftmaxCrossEntropyLoss(), X, y)
    assert result.ok, result
    assert result.max_error < 1e-6


def test_gradient_check_sigmoid_output_with_binary_cross_entropy():
    model = _with_random_biases(build_network([3, 5, 1], ["leaky_relu", "sigmoid"], rng=SEED), SEED)
    X, y, _ = _data()
    result = check_model(model, losses.BinaryCrossEntropyLoss(), X, (y > 0).reshape(-1, 1))
    assert result.ok, result
    assert result.max_error < 1e-6


def test_gradient_check_regression_with_mse():
    model = _with_random_biases(build_network([3, 5, 2], ["sigmoid", "linear"], rng=SEED), SEED)
    X, _, T = _data()
    result = check_model(model, losses.MSELoss(), X, T)
    assert result.ok, result
    assert result.max_error < 1e-6
