"""Tests for nnlib.init: the weight initialisers and their variances."""

import numpy as np
import pytest

from nnlib import init


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_shape_and_dtype(name):
    W = init.initialize(name, 5, 3, rng=0)
    assert W.shape == (5, 3)
    assert W.dtype == np.float64


@pytest.mark.parametrize("name", ["xavier", "he", "normal"])
def test_same_seed_same_weights_other_seed_other_weights(name):
    np.testing.assert_array_equal(
        init.initialize(name, 4, 6, rng=1), init.initialize(name, 4, 6, rng=1)
    )
    assert not np.array_equal(
        init.initialize(name, 4, 6, rng=1), init.initialize(name, 4, 6, rng=2)
    )


def test_a_generator_is_used_as_given():
    generator = np.random.default_rng(7)
    first = init.initialize("he", 3, 3, rng=generator)
    second = init.initialize("he", 3, 3, rng=generator)
    assert not np.array_equal(first, second)  # the generator moved on
    reference = np.random.default_rng(7)
    np.testing.assert_array_equal(first, init.he(3, 3, reference))
    np.testing.assert_array_equal(second, init.he(3, 3, reference))


@pytest.mark.parametrize(
    "name, n_in, n_out, variance",
    [
        ("xavier", 300, 100, 2 / (300 + 100)),
        ("he", 300, 100, 2 / 300),
        ("normal", 300, 100, 0.01**2),
    ],
)
def test_variances(name, n_in, n_out, variance):
    W = init.initialize(name, n_in, n_out, rng=0)
    # 30,000 draws: the sample variance is within a few percent of the true one.
    assert W.var() == pytest.approx(variance, rel=0.05)
    assert abs(W.mean()) < 0.05 * np.sqrt(variance)


def test_zeros_are_zero():
    np.testing.assert_array_equal(init.initialize("zeros", 2, 3), np.zeros((2, 3)))


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown initializer 'glorot'") as info:
        init.initialize("glorot", 2, 2)
    for known in init.INITIALIZERS:
        assert repr(known) in str(info.value)


@pytest.mark.parametrize(
    "activation, expected",
    [
        ("relu", "he"),
        ("leaky_relu", "he"),
        ("tanh", "xavier"),
        ("sigmoid", "xavier"),
        ("linear", "xavier"),
        ("softmax", "xavier"),
    ],
)
def test_default_initializer(activation, expected):
    assert init.default_initializer(activation) == expected
