"""Tests for nnlib.gradcheck: the referee must itself be right, and must catch broken layers."""

import numpy as np
import pytest

from nnlib import gradcheck
from nnlib import layers as L
from nnlib.losses import MSELoss, SoftmaxCrossEntropyLoss
from nnlib.network import Sequential


def test_numerical_gradient_of_sum_of_cubes():
    x = np.array([[-1.5, 0.0, 2.0], [0.3, -0.7, 1.1]])
    original = x.copy()
    grad = gradcheck.numerical_gradient(lambda: np.sum(x**3), x)
    np.testing.assert_allclose(grad, 3 * original**2, rtol=1e-8, atol=1e-8)
    np.testing.assert_array_equal(x, original)  # every entry was put back


def test_numerical_gradient_of_a_quadratic_form():
    A = np.array([[2.0, 1.0], [0.0, 3.0]])
    x = np.array([1.0, -2.0])
    # f(x) = xᵀAx has gradient (A + Aᵀ)x
    grad = gradcheck.numerical_gradient(lambda: x @ A @ x, x)
    np.testing.assert_allclose(grad, (A + A.T) @ x, rtol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int64])
def test_numerical_gradient_refuses_anything_but_float64(dtype):
    x = np.ones(3, dtype=dtype)
    with pytest.raises(TypeError, match="float64"):
        gradcheck.numerical_gradient(lambda: float(np.sum(x)), x)


def test_relative_error_basics():
    assert gradcheck.relative_error(1.0, 1.0) == 0.0
    assert gradcheck.relative_error(1.0, 2.0) == pytest.approx(0.5)
    assert gradcheck.relative_error(2.0, 1.0) == pytest.approx(0.5)
    assert gradcheck.relative_error(-1.0, 1.0) == pytest.approx(2.0)
    assert gradcheck.relative_error(0.0, 0.0) == 0.0
    assert gradcheck.relative_error(1e-14, 0.0) == 0.0  # both negligible
    assert gradcheck.relative_error(1e-3, 0.0) == pytest.approx(1.0)
    errors = gradcheck.relative_error(np.array([1.0, 3.0]), np.array([1.0, 4.0]))
    np.testing.assert_allclose(errors, [0.0, 0.25])


def test_result_reports_ok_and_mismatch():
    good = gradcheck.GradCheckResult(1e-9, "W[0, 1]", 0.5, 0.5, 1e-6)
    bad = gradcheck.GradCheckResult(0.3, "b[2]", 0.1, 0.7, 1e-6)
    assert good.ok and not bad.ok
    assert "ok" in repr(good) and "W[0, 1]" in repr(good)
    assert "MISMATCH" in repr(bad) and "b[2]" in repr(bad)


class _DenseWithoutBiasGradient(L.Dense):
    """A typical mistake: backward forgets db."""

    def backward(self, dY, need_dX=True):
        dX = super().backward(dY, need_dX)
        self.grads["b"][...] = 0
        return dX


class _DenseWithWrongSign(L.Dense):
    """Another one: dX with the wrong sign (only visible to the layers before it)."""

    def backward(self, dY, need_dX=True):
        dX = super().backward(dY, need_dX)
        return None if dX is None else -dX


class _DenseWithTransposeMistake(L.Dense):
    """dW averaged over the batch twice (divided by n again)."""

    def backward(self, dY, need_dX=True):
        dX = super().backward(dY, need_dX)
        self.grads["W"] /= len(dY)
        return dX


def _X(rows=4, cols=3):
    return np.random.default_rng(0).normal(size=(rows, cols))


def test_check_layer_accepts_a_correct_dense():
    result = gradcheck.check_layer(L.Dense(3, 2, rng=0), _X())
    assert result.ok and result.max_error < 1e-6


def test_check_layer_catches_a_missing_bias_gradient():
    result = gradcheck.check_layer(_DenseWithoutBiasGradient(3, 2, rng=0), _X())
    assert not result.ok
    assert result.where.startswith("b[")
    assert result.analytic == 0.0 and result.numerical != 0.0
    assert "MISMATCH" in repr(result)


def test_check_layer_catches_a_wrong_input_gradient():
    result = gradcheck.check_layer(_DenseWithWrongSign(3, 2, rng=0), _X())
    assert not result.ok
    assert result.where.startswith("input X[")
    assert result.analytic == pytest.approx(-result.numerical, rel=1e-6)


def test_check_layer_catches_a_wrongly_scaled_weight_gradient():
    result = gradcheck.check_layer(_DenseWithTransposeMistake(3, 2, rng=0), _X())
    assert not result.ok and result.where.startswith("W[")


def test_check_layer_leaves_the_layer_alone():
    layer = L.Dense(3, 2, rng=0)
    before = layer.params["W"].copy()
    gradcheck.check_layer(layer, _X())
    assert layer.params["W"].dtype == np.float32
    np.testing.assert_array_equal(layer.params["W"], before)


def test_check_model_names_layer_and_parameter_of_a_missing_bias_gradient():
    model = Sequential(L.Dense(3, 4, rng=0), L.Tanh(), _DenseWithoutBiasGradient(4, 2, rng=1))
    y = np.array([0, 1, 1, 0])
    result = gradcheck.check_model(model, SoftmaxCrossEntropyLoss(), _X(), y)
    assert not result.ok
    assert result.where.startswith("layer 2 (_DenseWithoutBiasGradient) b[")


def test_check_model_finds_a_wrong_input_gradient_in_the_layer_before():
    # The last layer's own W and b are right; its wrong dX poisons layer 0's gradients.
    model = Sequential(L.Dense(3, 4, rng=0), L.Sigmoid(), _DenseWithWrongSign(4, 2, rng=1))
    target = np.random.default_rng(1).normal(size=(4, 2))
    result = gradcheck.check_model(model, MSELoss(), _X(), target)
    assert not result.ok
    assert result.where.startswith("layer 0 (Dense) ")
    assert result.max_error == pytest.approx(2.0, abs=1e-6)  # |a − (−a)| / |a|


def test_check_model_accepts_a_correct_model_and_leaves_it_alone():
    model = Sequential(L.Dense(3, 4, rng=0), L.Tanh(), L.Dense(4, 2, rng=1))
    before = model.theta.copy()
    result = gradcheck.check_model(model, SoftmaxCrossEntropyLoss(), _X(), [0, 1, 1, 0])
    assert result.ok, result
    assert result.where.startswith("layer ")
    assert model.dtype == np.float32
    np.testing.assert_array_equal(model.theta, before)


def test_tolerance_is_respected():
    result = gradcheck.check_layer(L.Dense(3, 2, rng=0), _X(), tolerance=1e-30)
    assert not result.ok  # nothing agrees to 30 digits
    assert result.tolerance == 1e-30
