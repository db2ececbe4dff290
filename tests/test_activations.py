"""Tests for nnlib.activations: values, derivatives, numerical stability and the name table."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import activations as act
from nnlib.layers import Activation, activation_layer
from nnlib.network import build_network

# -- values at known points ------------------------------------------------------------------------


def test_sigmoid_known_values():
    assert act.sigmoid(0.0) == 0.5
    assert act.sigmoid(np.log(3.0)) == pytest.approx(0.75)  # 1 / (1 + 1/3)
    assert act.sigmoid(-np.log(3.0)) == pytest.approx(0.25)


def test_tanh_known_values():
    assert act.tanh(0.0) == 0.0
    # tanh(ln 2) = (2 − 1/2) / (2 + 1/2) = 0.6
    assert act.tanh(np.log(2.0)) == pytest.approx(0.6)
    assert act.tanh(-np.log(2.0)) == pytest.approx(-0.6)


def test_relu_known_values():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_array_equal(act.relu(z), [0.0, 0.0, 0.0, 0.5, 3.0])
    np.testing.assert_array_equal(act.relu_derivative(z), [0.0, 0.0, 0.0, 1.0, 1.0])


def test_leaky_relu_uses_its_negative_slope_for_negative_inputs():
    z = np.array([-2.0, -0.5, 0.5, 3.0])
    np.testing.assert_allclose(act.leaky_relu(z), [-0.02, -0.005, 0.5, 3.0])
    np.testing.assert_allclose(act.leaky_relu(z, negative_slope=0.2), [-0.4, -0.1, 0.5, 3.0])
    np.testing.assert_allclose(
        act.leaky_relu_derivative(z, negative_slope=0.2), [0.2, 0.2, 1.0, 1.0]
    )


def test_leaky_relu_still_accepts_the_old_keyword_alpha_with_a_warning():
    z = np.array([-2.0, 3.0])
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        np.testing.assert_allclose(act.leaky_relu(z, alpha=0.2), [-0.4, 3.0])
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        np.testing.assert_allclose(act.leaky_relu_derivative(z, alpha=0.2), [0.2, 1.0])


def test_identity_and_its_derivative():
    z = np.array([[-1.5, 0.0, 2.0]])
    np.testing.assert_array_equal(act.identity(z), z)
    np.testing.assert_array_equal(act.identity_derivative(z), np.ones_like(z))


def test_softmax_known_values():
    # softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6
    z = np.array([[0.0, np.log(2.0), np.log(3.0)]])
    np.testing.assert_allclose(act.softmax(z), [[1 / 6, 2 / 6, 3 / 6]])


def test_softmax_normalises_along_the_requested_axis():
    z = np.array([[0.0, 1.0], [2.0, 5.0]])
    np.testing.assert_allclose(act.softmax(z, axis=0).sum(axis=0), [1.0, 1.0])
    # column 0: e^0 / (e^0 + e^2)
    assert act.softmax(z, axis=0)[0, 0] == pytest.approx(1 / (1 + math.exp(2)))


def test_integer_input_becomes_float64():
    assert act.sigmoid(np.array([0, 1])).dtype == np.float64
    assert act.relu(np.array([-1, 2])).dtype == np.float64


# -- derivatives against central differences -------------------------------------------------------

# Points away from the kink of ReLU and leaky ReLU at 0.
POINTS = np.array([-3.0, -1.2, -0.3, 0.4, 1.1, 2.5])

PAIRS = [
    ("sigmoid", act.sigmoid, act.sigmoid_derivative),
    ("tanh", act.tanh, act.tanh_derivative),
    ("relu", act.relu, act.relu_derivative),
    ("leaky_relu", act.leaky_relu, act.leaky_relu_derivative),
    (
        "leaky_relu negative_slope=0.3",
        lambda z: act.leaky_relu(z, 0.3),
        lambda z: act.leaky_relu_derivative(z, 0.3),
    ),
    ("identity", act.identity, act.identity_derivative),
]


@pytest.mark.parametrize("name, f, df", PAIRS, ids=[p[0] for p in PAIRS])
def test_derivative_matches_central_differences(name, f, df):
    h = 1e-6
    numerical = (f(POINTS + h) - f(POINTS - h)) / (2 * h)
    np.testing.assert_allclose(df(POINTS), numerical, rtol=1e-7, atol=1e-9)


def test_sigmoid_derivative_is_largest_at_zero():
    assert act.sigmoid_derivative(0.0) == 0.25
    assert np.all(act.sigmoid_derivative(POINTS) < 0.25)


# -- stability -------------------------------------------------------------------------------------


def test_sigmoid_saturates_exactly_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert act.sigmoid(-1000.0) == 0.0
        assert act.sigmoid(1000.0) == 1.0
        np.testing.assert_array_equal(act.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
        np.testing.assert_array_equal(act.sigmoid_derivative(np.array([-1000.0, 1000.0])), [0, 0])


def test_sigmoid_float32_saturates_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = act.sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32))
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_softmax_of_huge_logits_is_exact_and_quiet():
    z = np.array([[1e4, 1e4 + 1.0, 1e4 - 2.0], [-1e4, -1e4, -1e4 + 3.0]])
    # By hand: subtract each row's maximum, then exponentiate and normalise.
    row0 = np.array([math.exp(-1.0), 1.0, math.exp(-3.0)])
    row1 = np.array([math.exp(-3.0), math.exp(-3.0), 1.0])
    expected = np.array([row0 / row0.sum(), row1 / row1.sum()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = act.softmax(z)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "function",
    [
        act.sigmoid,
        act.sigmoid_derivative,
        act.tanh,
        act.tanh_derivative,
        act.relu,
        act.relu_derivative,
        act.leaky_relu,
        act.leaky_relu_derivative,
        act.identity,
        act.identity_derivative,
        act.softmax,
    ],
)
def test_float32_in_float32_out(function):
    z = np.array([[-2.0, -0.5, 0.5, 2.0]], dtype=np.float32)
    assert function(z).dtype == np.float32


# -- the name table --------------------------------------------------------------------------------


def test_get_activation_returns_the_pair():
    f, df = act.get_activation("tanh")
    assert f is act.tanh and df is act.tanh_derivative


def test_get_activation_binds_options():
    f, df = act.get_activation("leaky_relu", negative_slope=0.5)
    np.testing.assert_allclose(f(np.array([-2.0, 2.0])), [-1.0, 2.0])
    np.testing.assert_allclose(df(np.array([-2.0, 2.0])), [0.5, 1.0])


def test_get_activation_unknown_name_lists_known_names():
    with pytest.raises(ValueError, match="Unknown activation 'swish'") as info:
        act.get_activation("swish")
    for known in ("sigmoid", "tanh", "relu", "leaky_relu", "linear"):
        assert repr(known) in str(info.value)


def test_get_activation_softmax_explains_why_not():
    with pytest.raises(ValueError, match="not element-wise"):
        act.get_activation("softmax")


def test_register_activation_needs_callables(activation_registry):
    with pytest.raises(TypeError, match="two callables"):
        act.register_activation("broken", np.tanh, "not a function")
    assert "broken" not in activation_registry


def _softplus(z):
    return np.logaddexp(0, z)


def test_registered_activation_is_usable_by_name(activation_registry):
    act.register_activation("my_softplus", _softplus, act.sigmoid)
    assert activation_registry["my_softplus"] == (_softplus, act.sigmoid)
    f, df = act.get_activation("my_softplus")
    assert f(0.0) == pytest.approx(math.log(2.0))

    layer = activation_layer("my_softplus")
    assert isinstance(layer, Activation) and layer.name == "my_softplus"
    z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_allclose(layer.forward(z), np.log1p(np.exp(z)))
    np.testing.assert_allclose(layer.backward(np.ones_like(z)), 1 / (1 + np.exp(-z)))

    model = build_network([3, 4, 2], ["my_softplus", "linear"], rng=0)
    assert isinstance(model.layers[1], Activation) and model.layers[1].name == "my_softplus"
    X = np.array([[0.5, -1.0, 2.0]], dtype=np.float32)
    dense0, dense1 = model.layers[0], model.layers[2]
    hidden = _softplus(X @ dense0.params["W"] + dense0.params["b"])
    expected = hidden @ dense1.params["W"] + dense1.params["b"]
    np.testing.assert_allclose(model.forward(X), expected, rtol=1e-5)


def test_registry_is_clean_in_the_next_test():
    # Runs after the test above in file order: the fixture removed "my_softplus" again.
    assert "my_softplus" not in act.ACTIVATIONS
    with pytest.raises(ValueError, match="Unknown activation"):
        activation_layer("my_softplus")


# -- laws (Hypothesis) -----------------------------------------------------------------------------

finite = st.floats(-1e30, 1e30, allow_nan=False, allow_infinity=False)
moderate = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
batches = st.tuples(st.integers(1, 5), st.integers(1, 6))
HUGE32 = float(np.float32(1e30))  # 1e30 rounded to float32


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, batches, elements=finite))
def test_softmax_rows_are_probability_vectors(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = act.softmax(z)
    assert p.shape == z.shape
    assert np.all(np.isfinite(p))
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, batches, elements=moderate),
    arrays(np.float64, st.integers(1, 5), elements=moderate),
)
def test_softmax_ignores_a_constant_added_to_each_row(z, shifts):
    shifts = np.resize(shifts, len(z)).reshape(-1, 1)
    np.testing.assert_allclose(act.softmax(z + shifts), act.softmax(z), rtol=1e-9, atol=1e-15)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite))
def test_sigmoid_is_symmetric(z):
    np.testing.assert_allclose(act.sigmoid(z) + act.sigmoid(-z), 1.0, rtol=1e-15)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite))
def test_elementwise_functions_stay_finite_for_huge_inputs(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
            f, df = act.get_activation(name)
            for values in (f(z), df(z)):
                assert np.all(np.isfinite(values)), name
        s = act.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))


@settings(max_examples=50, deadline=None)
@given(arrays(np.float32, batches, elements=st.floats(-HUGE32, HUGE32, width=32)))
def test_float32_softmax_and_sigmoid_stay_finite(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, s = act.softmax(z), act.sigmoid(z)
    assert p.dtype == np.float32 and s.dtype == np.float32
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(s))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
