"""Tests for nnlib.layers: Dense, the activation layers, Softmax and Dropout."""

import numpy as np
import pytest

from nnlib import layers as L
from nnlib.gradcheck import check_layer

# -- every backward, checked by nnlib.gradcheck ----------------------------------------------------


class _BatchNormForCheck(L.BatchNorm):
    def eval_mode(self):
        self.training = False
        return self


def _batchnorm_with_values(d):
    """A float64 BatchNorm whose γ, β and running statistics are not the trivial 1s and 0s."""
    layer = _BatchNormForCheck(d, dtype=np.float64)
    generator = np.random.default_rng(7)
    layer.params["gamma"][...] = generator.uniform(0.5, 2.0, d)
    layer.params["beta"][...] = generator.normal(size=d)
    layer.buffers["running_mean"][...] = generator.normal(size=d)
    layer.buffers["running_var"][...] = generator.uniform(0.5, 2.0, d)
    return layer


LAYERS = [
    ("Dense", lambda: L.Dense(4, 3, rng=0, dtype=np.float64), 4),
    ("Dense float32", lambda: L.Dense(4, 3, rng=0), 4),
    ("Sigmoid", L.Sigmoid, 4),
    ("Tanh", L.Tanh, 4),
    ("ReLU", L.ReLU, 4),
    ("LeakyReLU", lambda: L.LeakyReLU(negative_slope=0.2), 4),
    ("Activation('tanh')", lambda: L.Activation("tanh"), 4),
    ("Softmax", L.Softmax, 4),
    ("Dropout", lambda: L.Dropout(0.4, rng=3), 4),
    ("BatchNorm", lambda: _batchnorm_with_values(4), 4),
    ("BatchNorm eval", lambda: _batchnorm_with_values(4).eval_mode(), 4),
]


@pytest.mark.parametrize(
    "make, width", [(m, w) for _, m, w in LAYERS], ids=[n for n, _, _ in LAYERS]
)
def test_backward_passes_gradient_check(make, width):
    X = np.random.default_rng(1).normal(size=(5, width))
    result = check_layer(make(), X, rng=2)
    assert result.ok, result
    assert result.max_error < 1e-6


def test_dropout_check_uses_one_mask():
    # In training mode Dropout is random; the check works because it freezes the mask.
    layer = L.Dropout(0.5, rng=0)
    X = np.random.default_rng(4).normal(size=(6, 5))
    assert check_layer(layer, X).ok
    # ... and it left the original layer's random state alone.
    fresh = L.Dropout(0.5, rng=0)
    np.testing.assert_array_equal(layer.forward(X), fresh.forward(X))


# -- Dense, with our own finite differences (independent of gradcheck.py) --------------------------


def test_dense_backward_matches_our_own_central_differences(central_difference):
    rng = np.random.default_rng(5)
    layer = L.Dense(3, 2, rng=0, dtype=np.float64)
    layer.params["b"][...] = [0.3, -0.7]
    X = rng.normal(size=(4, 3))
    R = rng.normal(size=(4, 2))  # L = Σ Y ⊙ R, so dL/dY = R

    def loss():
        return float(np.sum(layer.forward(X) * R))

    layer.forward(X)
    dX = layer.backward(R)
    analytic = {"W": layer.grads["W"].copy(), "b": layer.grads["b"].copy()}
    np.testing.assert_allclose(dX, central_difference(loss, X), rtol=1e-7, atol=1e-9)
    for key in ("W", "b"):
        numerical = central_difference(loss, layer.params[key])
        np.testing.assert_allclose(analytic[key], numerical, rtol=1e-7, atol=1e-9)
    # and the closed forms of chapter 6
    np.testing.assert_allclose(analytic["W"], X.T @ R)
    np.testing.assert_allclose(analytic["b"], R.sum(axis=0))
    np.testing.assert_allclose(dX, R @ layer.params["W"].T)


@pytest.mark.parametrize(
    "layer",
    [L.Sigmoid(), L.Tanh(), L.LeakyReLU(0.1), L.Softmax()],
    ids=["Sigmoid", "Tanh", "LeakyReLU", "Softmax"],
)
def test_activation_layers_match_our_own_central_differences(layer, central_difference):
    rng = np.random.default_rng(6)
    Z = rng.normal(size=(3, 4))
    R = rng.normal(size=(3, 4))

    def loss():
        return float(np.sum(layer.forward(Z) * R))

    layer.forward(Z)
    dZ = layer.backward(R)
    np.testing.assert_allclose(dZ, central_difference(loss, Z), rtol=1e-6, atol=1e-9)


# -- Dense: shapes, semantics, errors --------------------------------------------------------------


def test_dense_computes_x_times_w_plus_b():
    layer = L.Dense(3, 2)
    layer.params["W"][...] = [[1, 2], [3, 4], [5, 6]]
    layer.params["b"][...] = [10, 20]
    X = np.array([[1, 0, 0], [1, 1, 1], [0, 2, -1]], dtype=np.float32)
    # rows: [1, 2] + b; [9, 12] + b; [6 - 5, 8 - 6] + b
    np.testing.assert_array_equal(layer.forward(X), [[11, 22], [19, 32], [11, 22]])


def test_dense_output_shape_params_and_grads():
    layer = L.Dense(5, 3, rng=0)
    assert layer.forward(np.zeros((7, 5))).shape == (7, 3)
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    assert layer.params["W"].shape == layer.grads["W"].shape == (5, 3)
    assert layer.params["b"].shape == layer.grads["b"].shape == (3,)
    np.testing.assert_array_equal(layer.params["b"], 0)


def test_dense_is_float32_by_default_and_float64_on_request():
    layer = L.Dense(2, 2, rng=0)
    assert layer.params["W"].dtype == layer.params["b"].dtype == np.float32
    assert layer.forward(np.ones((1, 2))).dtype == np.float32  # float64 input is converted
    assert L.Dense(2, 2, rng=0, dtype=np.float64).forward(np.ones((1, 2))).dtype == np.float64


def test_dense_same_seed_same_weights():
    np.testing.assert_array_equal(
        L.Dense(3, 4, rng=9).params["W"], L.Dense(3, 4, rng=9).params["W"]
    )
    assert not np.array_equal(L.Dense(3, 4, rng=9).params["W"], L.Dense(3, 4, rng=8).params["W"])


def test_dense_wrong_width_names_the_expected_width():
    layer = L.Dense(3, 2)
    with pytest.raises(ValueError, match=r"expects 3 features per sample.*\(2, 4\)"):
        layer.forward(np.zeros((2, 4)))


def test_dense_one_sample_as_1d_suggests_reshape():
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        L.Dense(3, 2).forward(np.zeros(3))


def test_dense_non_numeric_input():
    with pytest.raises(TypeError, match="numeric"):
        L.Dense(2, 1).forward(np.array([["a", "b"]]))


def test_dense_unknown_initializer_lists_known_ones():
    with pytest.raises(ValueError, match="Unknown initializer 'uniform'") as info:
        L.Dense(3, 2, init="uniform")
    for known in ("xavier", "he", "normal", "zeros"):
        assert repr(known) in str(info.value)


@pytest.mark.parametrize("n_in, n_out", [(0, 2), (2, -1), (2.5, 2), ("3", 2)])
def test_dense_bad_sizes(n_in, n_out):
    with pytest.raises(ValueError, match="positive whole number"):
        L.Dense(n_in, n_out)


def test_dense_need_dx_false_returns_none_but_fills_grads():
    layer = L.Dense(2, 2, rng=0, dtype=np.float64)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    dY = np.array([[1.0, 0.0], [0.0, 1.0]])
    layer.forward(X)
    assert layer.backward(dY, need_dX=False) is None
    np.testing.assert_allclose(layer.grads["W"], X.T @ dY)
    np.testing.assert_allclose(layer.grads["b"], [1.0, 1.0])


def test_dense_backward_writes_into_the_same_gradient_arrays():
    # A Sequential keeps grads as views of one flat vector, so they must be filled in place.
    layer = L.Dense(2, 3, rng=0)
    grad_W, grad_b = layer.grads["W"], layer.grads["b"]
    layer.forward(np.ones((4, 2), dtype=np.float32))
    layer.backward(np.ones((4, 3), dtype=np.float32))
    assert layer.grads["W"] is grad_W and layer.grads["b"] is grad_b
    np.testing.assert_array_equal(grad_b, [4, 4, 4])


def test_reprs_read_like_the_diagram():
    assert repr(L.Dense(3, 2)) == "Dense(3 → 2)"
    assert repr(L.ReLU()) == "ReLU()"
    assert repr(L.Sigmoid()) == "Sigmoid()"
    assert repr(L.Tanh()) == "Tanh()"
    assert repr(L.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(L.Softmax()) == "Softmax()"
    assert repr(L.Dropout(0.3)) == "Dropout(p=0.3)"
    assert repr(L.Activation("tanh")) == "Activation('tanh')"


def test_configs_rebuild_the_layers():
    for layer in (
        L.Dense(3, 2, init="he"),
        L.LeakyReLU(0.3),
        L.Dropout(0.25),
        L.Activation("relu"),
    ):
        rebuilt = type(layer)(**layer.config())
        assert repr(rebuilt) == repr(layer)
        assert rebuilt.config() == layer.config()


def test_output_widths():
    assert L.Dense(3, 7).output_width(3) == 7
    assert L.ReLU().output_width(5) == 5
    assert L.Dropout().output_width(4) == 4


# -- activation layers -----------------------------------------------------------------------------


def test_activation_layers_forward_values():
    Z = np.array([[-2.0, 0.5]])
    np.testing.assert_allclose(L.Sigmoid().forward(Z), 1 / (1 + np.exp(-Z)))
    np.testing.assert_allclose(L.Tanh().forward(Z), np.tanh(Z))
    np.testing.assert_allclose(L.ReLU().forward(Z), [[0.0, 0.5]])
    np.testing.assert_allclose(L.LeakyReLU(0.1).forward(Z), [[-0.2, 0.5]])


def test_relu_backward_masks_negative_inputs():
    layer = L.ReLU()
    layer.forward(np.array([[-1.0, 2.0, -3.0, 4.0]]))
    np.testing.assert_array_equal(layer.backward(np.array([[5.0, 6.0, 7.0, 8.0]])), [[0, 6, 0, 8]])


def test_softmax_layer_rows_sum_to_one():
    P = L.Softmax().forward(np.random.default_rng(0).normal(size=(4, 3)))
    np.testing.assert_allclose(P.sum(axis=1), 1.0)


def test_activation_layer_by_name():
    assert isinstance(L.activation_layer("relu"), L.ReLU)
    assert isinstance(L.activation_layer("sigmoid"), L.Sigmoid)
    assert isinstance(L.activation_layer("tanh"), L.Tanh)
    assert isinstance(L.activation_layer("leaky_relu"), L.LeakyReLU)
    assert isinstance(L.activation_layer("softmax"), L.Softmax)
    linear = L.activation_layer("linear")
    assert type(linear) is L.Activation and linear.name == "linear"


def test_activation_layer_unknown_name_lists_known_ones():
    with pytest.raises(ValueError, match="Unknown activation 'gelu'") as info:
        L.activation_layer("gelu")
    for known in ("relu", "sigmoid", "tanh", "leaky_relu", "linear", "softmax"):
        assert repr(known) in str(info.value)


def test_layer_types_table_names_every_layer():
    for name in (
        "Dense",
        "Activation",
        "Sigmoid",
        "Tanh",
        "ReLU",
        "LeakyReLU",
        "Softmax",
        "Dropout",
    ):
        assert L.LAYER_TYPES[name].__name__ == name


# -- Dropout ---------------------------------------------------------------------------------------


def test_dropout_in_eval_mode_is_identity():
    layer = L.Dropout(0.5, rng=0)
    layer.training = False
    X = np.random.default_rng(0).normal(size=(4, 6))
    assert layer.forward(X) is X
    dY = np.ones_like(X)
    assert layer.backward(dY) is dY


def test_dropout_with_p_zero_is_identity_even_in_training():
    X = np.ones((3, 3))
    np.testing.assert_array_equal(L.Dropout(0.0, rng=0).forward(X), X)


def test_dropout_drops_about_p_and_preserves_the_mean():
    p = 0.3
    layer = L.Dropout(p, rng=42)
    X = np.ones((200, 50))
    Y = layer.forward(X)
    dropped = np.mean(Y == 0)
    assert dropped == pytest.approx(p, abs=0.02)  # 10,000 draws: standard deviation 0.005
    kept = Y[Y != 0]
    np.testing.assert_allclose(kept, 1 / (1 - p))  # inverted dropout scales the survivors
    assert Y.mean() == pytest.approx(1.0, abs=0.03)


def test_dropout_backward_uses_the_forward_mask():
    layer = L.Dropout(0.5, rng=1)
    X = np.random.default_rng(2).normal(size=(5, 4))
    Y = layer.forward(X)
    dX = layer.backward(np.ones_like(X))
    np.testing.assert_array_equal(dX == 0, Y == 0)
    np.testing.assert_allclose(dX[dX != 0], 2.0)


def test_dropout_is_reproducible_with_a_seed():
    X = np.ones((10, 10))
    np.testing.assert_array_equal(
        L.Dropout(0.5, rng=3).forward(X), L.Dropout(0.5, rng=3).forward(X)
    )
    assert not np.array_equal(L.Dropout(0.5, rng=3).forward(X), L.Dropout(0.5, rng=4).forward(X))


def test_dropout_keeps_float32():
    Y = L.Dropout(0.5, rng=0).forward(np.ones((4, 4), dtype=np.float32))
    assert Y.dtype == np.float32


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan")])
def test_dropout_probability_out_of_range(p):
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        L.Dropout(p)


def test_base_layer_passes_through():
    layer = L.Layer()
    X = np.ones((2, 2))
    assert layer(X) is X and layer.backward(X) is X
    assert layer.params == {} and layer.grads == {} and layer.training
    assert repr(layer) == "Layer()"


# -- BatchNorm ---------------------------------------------------------------------------------


def test_batchnorm_training_output_has_mean_beta_and_std_gamma_per_column():
    generator = np.random.default_rng(0)
    X = generator.normal(3.0, 5.0, size=(64, 3))
    layer = L.BatchNorm(3, dtype=np.float64)
    layer.params["gamma"][...] = [1.0, 2.0, 0.5]
    layer.params["beta"][...] = [0.0, -1.0, 4.0]
    Y = layer.forward(X)
    np.testing.assert_allclose(Y.mean(axis=0), [0.0, -1.0, 4.0], atol=1e-12)
    np.testing.assert_allclose(Y.std(axis=0), [1.0, 2.0, 0.5], rtol=1e-5)


def test_batchnorm_running_statistics_and_evaluation_mode():
    generator = np.random.default_rng(1)
    layer = L.BatchNorm(2, momentum=0.1, dtype=np.float64)
    batches = [generator.normal([2.0, -3.0], [1.0, 4.0], size=(32, 2)) for _ in range(3)]
    mean, var = np.zeros(2), np.ones(2)
    for X in batches:
        layer.forward(X)
        mean = 0.9 * mean + 0.1 * X.mean(axis=0)
        var = 0.9 * var + 0.1 * X.var(axis=0, ddof=1)
    np.testing.assert_allclose(layer.buffers["running_mean"], mean)
    np.testing.assert_allclose(layer.buffers["running_var"], var)
    layer.training = False
    one = np.array([[1.0, 1.0]])
    expected = (one - mean) / np.sqrt(var + layer.eps)  # γ = 1, β = 0
    np.testing.assert_allclose(layer.forward(one), expected)
    np.testing.assert_allclose(layer.buffers["running_mean"], mean)  # eval changes no state


def test_batchnorm_state_is_not_in_theta_and_the_optimizer_leaves_it_alone():
    from nnlib import optim
    from nnlib.network import Sequential

    model = Sequential(L.Dense(3, 4, rng=0), L.BatchNorm(4), L.ReLU(), L.Dense(4, 2, rng=1))
    assert model.n_params == 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2  # γ and β are parameters
    assert [name for name, _ in model.named_buffers()] == ["1.running_mean", "1.running_var"]
    model.forward(np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32))
    before = {name: value.copy() for name, value in model.named_buffers()}
    model.grad[...] = 1.0
    optim.SGD(model.parameters(), lr=0.1).step()
    for name, value in model.named_buffers():
        np.testing.assert_array_equal(value, before[name])
    assert model.astype(np.float64).layers[1].buffers["running_var"].dtype == np.float64


def test_batchnorm_needs_two_samples_in_training_mode():
    with pytest.raises(ValueError, match="at least 2 samples"):
        L.BatchNorm(3).forward(np.ones((1, 3)))
    layer = L.BatchNorm(3)
    layer.training = False
    assert layer.forward(np.ones((1, 3), dtype=np.float32)).shape == (1, 3)


@pytest.mark.parametrize("bad", [{"n_features": 0}, {"n_features": 3, "momentum": 0}])
def test_batchnorm_bad_arguments(bad):
    with pytest.raises(ValueError, match="BatchNorm"):
        L.BatchNorm(**bad)
