"""Tests for nnlib.losses: values by hand, gradients by finite differences, errors, stability."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import losses
from nnlib.activations import softmax

# The worked example of chapter 4: three examples, four classes, true-class probabilities
# 0.5, 0.3 and 0.4 (labels 0, 1 and 3). Every row sums to 1.
P_EXAMPLE = np.array(
    [
        [0.5, 0.2, 0.2, 0.1],
        [0.1, 0.3, 0.4, 0.2],
        [0.3, 0.1, 0.2, 0.4],
    ]
)
Y_EXAMPLE = np.array([0, 1, 3])
LOSS_EXAMPLE = -(math.log(0.5) + math.log(0.3) + math.log(0.4)) / 3


# -- values by hand --------------------------------------------------------------------------------


def test_worked_example_of_chapter_4():
    np.testing.assert_allclose(P_EXAMPLE.sum(axis=1), 1.0)
    loss = losses.cross_entropy(P_EXAMPLE, Y_EXAMPLE)
    assert loss == pytest.approx(LOSS_EXAMPLE, rel=1e-12)
    assert round(loss, 4) == 0.9378


def test_labels_and_one_hot_rows_give_the_same_loss():
    one_hot = np.eye(4)[Y_EXAMPLE]
    assert losses.cross_entropy(P_EXAMPLE, one_hot) == pytest.approx(LOSS_EXAMPLE, rel=1e-12)
    Z = np.log(P_EXAMPLE)
    assert losses.softmax_cross_entropy(Z, one_hot) == pytest.approx(
        losses.softmax_cross_entropy(Z, Y_EXAMPLE), rel=1e-12
    )


def test_float_labels_holding_whole_numbers_are_accepted():
    assert losses.cross_entropy(P_EXAMPLE, [0.0, 1.0, 3.0]) == pytest.approx(LOSS_EXAMPLE)


def test_softmax_cross_entropy_of_log_probabilities_is_the_worked_example():
    # softmax(log P) = P when the rows of P sum to 1
    assert losses.softmax_cross_entropy(np.log(P_EXAMPLE), Y_EXAMPLE) == pytest.approx(
        LOSS_EXAMPLE, rel=1e-12
    )


def test_cross_entropy_clips_zero_probabilities():
    P = np.array([[1.0, 0.0]])
    loss = losses.cross_entropy(P, [1])
    assert math.isfinite(loss)
    assert loss == pytest.approx(-math.log(1e-12))


def test_mse_by_hand():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    target = np.array([[1.0, 0.0], [0.0, 4.0]])
    # differences 0, 2, 3, 0 → squares 0, 4, 9, 0 → mean 13/4
    assert losses.mse(pred, target) == 3.25
    # 2 · difference / 4 entries
    np.testing.assert_allclose(losses.mse_gradient(pred, target), [[0.0, 1.0], [1.5, 0.0]])


def test_binary_cross_entropy_by_hand():
    p = np.array([[0.8], [0.3], [0.6]])
    y = np.array([[1.0], [0.0], [0.0]])
    expected = -(math.log(0.8) + math.log(0.7) + math.log(0.4)) / 3
    assert losses.binary_cross_entropy(p, y) == pytest.approx(expected, rel=1e-12)
    # (p − y) / (p (1 − p)) / n
    expected_gradient = [[-0.2 / 0.16 / 3], [0.3 / 0.21 / 3], [0.6 / 0.24 / 3]]
    np.testing.assert_allclose(losses.binary_cross_entropy_gradient(p, y), expected_gradient)


def test_binary_cross_entropy_of_certain_mistakes_is_large_but_finite():
    loss = losses.binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert math.isfinite(loss) and loss > 20


def test_log_softmax_by_hand():
    Z = np.array([[0.0, math.log(3.0)]])  # softmax = [1/4, 3/4]
    np.testing.assert_allclose(losses.log_softmax(Z), [[math.log(0.25), math.log(0.75)]])


# -- stability -------------------------------------------------------------------------------------


def test_softmax_cross_entropy_of_huge_logits_is_finite_and_exact():
    Z = np.array([[1e4, 1e4 + 1.0, 1e4 - 1.0], [-1e4, 2e4, 0.0]])
    y = np.array([1, 0])
    # By hand, with each row's maximum subtracted: row 0 logits (−1, 0, −2), true class 1;
    # row 1 logits (−3e4, 0, −2e4), true class 0, whose probability is e^(−3e4) in effect.
    row0 = math.log(math.exp(-1.0) + 1.0 + math.exp(-2.0)) - 0.0
    row1 = math.log(1.0 + math.exp(-3e4) + math.exp(-2e4)) + 3e4
    expected = (row0 + row1) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = losses.softmax_cross_entropy(Z, y)
        object_value = losses.SoftmaxCrossEntropyLoss().forward(Z, y)
    assert value == pytest.approx(expected, rel=1e-12)
    assert object_value == pytest.approx(expected, rel=1e-12)


def test_softmax_cross_entropy_backward_leaves_the_forward_state_alone():
    """backward builds (P − Y) / n in a new array, so calling it again gives the same answer."""
    Z = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    for target in ([0, 1], np.eye(3)[[0, 1]]):
        loss = losses.SoftmaxCrossEntropyLoss()
        loss.forward(Z, target)
        first = loss.backward()
        np.testing.assert_allclose(loss.backward(), first)
        np.testing.assert_allclose(first, (softmax(Z) - np.eye(3)[[0, 1]]) / 2, atol=1e-15)


def test_softmax_cross_entropy_loss_object_is_float32_friendly():
    Z = np.array([[1e4, 1e4 + 1.0]], dtype=np.float32)
    loss = losses.SoftmaxCrossEntropyLoss()
    assert loss.forward(Z, [0]) == pytest.approx(math.log(1 + math.e), rel=1e-6)
    assert loss.backward().dtype == np.float32


# -- laws (Hypothesis) -----------------------------------------------------------------------------


@st.composite
def logits_and_labels(draw):
    n, k = draw(st.integers(1, 6)), draw(st.integers(2, 5))
    # |logits| ≤ 10 keeps every probability above 1e-12, where cross_entropy starts clipping.
    Z = draw(arrays(np.float64, (n, k), elements=st.floats(-10, 10)))
    y = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    return Z, y


@settings(max_examples=50, deadline=None)
@given(logits_and_labels())
def test_softmax_cross_entropy_equals_cross_entropy_of_softmax(data):
    Z, y = data
    fused = losses.softmax_cross_entropy(Z, y)
    assert fused == pytest.approx(losses.cross_entropy(softmax(Z), y), rel=1e-9, abs=1e-12)
    picks = losses.log_softmax(Z)[np.arange(len(y)), y]
    assert fused == pytest.approx(-np.mean(picks), rel=1e-12, abs=1e-15)
    assert losses.SoftmaxCrossEntropyLoss().forward(Z, y) == pytest.approx(
        fused, rel=1e-9, abs=1e-12
    )


@settings(max_examples=50, deadline=None)
@given(logits_and_labels())
def test_softmax_cross_entropy_gradient_is_p_minus_y_over_n(data):
    Z, y = data
    Y = np.eye(Z.shape[1])[y]
    expected = (softmax(Z) - Y) / len(Z)
    np.testing.assert_allclose(losses.softmax_cross_entropy_gradient(Z, y), expected, atol=1e-15)
    np.testing.assert_allclose(losses.softmax_cross_entropy_gradient(Z, Y), expected, atol=1e-15)
    loss = losses.SoftmaxCrossEntropyLoss()
    loss.forward(Z, y)
    np.testing.assert_allclose(loss.backward(), expected, atol=1e-15)


# -- gradients against our own central differences (float64) ---------------------------------------


def _rows(seed, n=3, k=4):
    generator = np.random.default_rng(seed)
    return generator, generator.normal(size=(n, k))


def test_mse_gradient_by_finite_differences(central_difference):
    generator, pred = _rows(1)
    target = generator.normal(size=pred.shape)
    numerical = central_difference(lambda: losses.mse(pred, target), pred)
    np.testing.assert_allclose(losses.mse_gradient(pred, target), numerical, rtol=1e-6, atol=1e-10)


def test_binary_cross_entropy_gradient_by_finite_differences(central_difference):
    generator = np.random.default_rng(2)
    p = generator.uniform(0.1, 0.9, size=(5, 1))
    y = generator.integers(0, 2, size=(5, 1)).astype(np.float64)
    numerical = central_difference(lambda: losses.binary_cross_entropy(p, y), p)
    analytic = losses.binary_cross_entropy_gradient(p, y)
    np.testing.assert_allclose(analytic, numerical, rtol=1e-6, atol=1e-10)


def test_cross_entropy_gradient_by_finite_differences(central_difference):
    generator = np.random.default_rng(3)
    P = softmax(generator.normal(size=(3, 4)))
    y = np.array([2, 0, 3])
    numerical = central_difference(lambda: losses.cross_entropy(P, y), P)
    np.testing.assert_allclose(
        losses.cross_entropy_gradient(P, y), numerical, rtol=1e-6, atol=1e-10
    )


@pytest.mark.parametrize("one_hot", [False, True], ids=["labels", "one-hot"])
def test_softmax_cross_entropy_gradient_by_finite_differences(central_difference, one_hot):
    _, Z = _rows(4)
    y = np.array([1, 3, 0])
    target = np.eye(4)[y] if one_hot else y
    numerical = central_difference(lambda: losses.softmax_cross_entropy(Z, target), Z)
    analytic = losses.softmax_cross_entropy_gradient(Z, target)
    np.testing.assert_allclose(analytic, numerical, rtol=1e-6, atol=1e-10)


def _objects_and_inputs():
    generator = np.random.default_rng(5)
    logits = generator.normal(size=(3, 4))
    labels = np.array([1, 3, 0])
    probabilities = generator.uniform(0.1, 0.9, size=(4, 1))
    return [
        ("MSELoss", losses.MSELoss(), logits, generator.normal(size=(3, 4))),
        (
            "BinaryCrossEntropyLoss",
            losses.BinaryCrossEntropyLoss(),
            probabilities,
            np.array([1, 0, 0, 1]),
        ),
        ("CrossEntropyLoss labels", losses.CrossEntropyLoss(), softmax(logits), labels),
        ("CrossEntropyLoss one-hot", losses.CrossEntropyLoss(), softmax(logits), np.eye(4)[labels]),
        ("SoftmaxCrossEntropyLoss labels", losses.SoftmaxCrossEntropyLoss(), logits, labels),
        (
            "SoftmaxCrossEntropyLoss one-hot",
            losses.SoftmaxCrossEntropyLoss(),
            logits,
            np.eye(4)[labels],
        ),
    ]


@pytest.mark.parametrize(
    "loss, pred, target",
    [case[1:] for case in _objects_and_inputs()],
    ids=[case[0] for case in _objects_and_inputs()],
)
def test_loss_object_backward_by_finite_differences(central_difference, loss, pred, target):
    pred = pred.copy()
    value = loss.forward(pred, target)
    analytic = loss.backward()
    assert analytic.shape == pred.shape
    numerical = central_difference(lambda: loss.forward(pred, target), pred)
    np.testing.assert_allclose(analytic, numerical, rtol=1e-6, atol=1e-10)
    assert loss(pred, target) == pytest.approx(value)  # calling is forward


def test_loss_objects_agree_with_the_functions():
    _, Z = _rows(6)
    y = np.array([0, 2, 1])
    P = softmax(Z)
    assert losses.CrossEntropyLoss().forward(P, y) == losses.cross_entropy(P, y)
    assert losses.MSELoss().forward(P, Z) == losses.mse(P, Z)
    assert losses.SoftmaxCrossEntropyLoss().forward(Z, y) == pytest.approx(
        losses.softmax_cross_entropy(Z, y), rel=1e-12
    )


def test_loss_table_and_reprs():
    assert set(losses.LOSSES) == {
        "mse",
        "binary_cross_entropy_with_logits",
        "binary_cross_entropy",
        "cross_entropy",
        "softmax_cross_entropy",
    }
    assert repr(losses.LOSSES["mse"]()) == "MSELoss()"
    assert losses.MSELoss.is_classification is False
    assert losses.SoftmaxCrossEntropyLoss.is_classification is True


# -- errors ----------------------------------------------------------------------------------------


def test_label_out_of_range_names_the_label():
    Z = np.zeros((2, 10))
    with pytest.raises(ValueError, match="label 10, but there are only 10 classes"):
        losses.softmax_cross_entropy(Z, [3, 10])
    with pytest.raises(ValueError, match="label 10"):
        losses.cross_entropy(softmax(Z), [10, 0])
    with pytest.raises(ValueError, match="label 10"):
        losses.SoftmaxCrossEntropyLoss().forward(Z, [10, 0])
    with pytest.raises(ValueError, match="label 10"):
        losses.softmax_cross_entropy_gradient(Z, [10, 0])


def test_negative_label():
    with pytest.raises(ValueError, match="negative label -1"):
        losses.cross_entropy(P_EXAMPLE, [0, -1, 2])


def test_fractional_labels():
    with pytest.raises(ValueError, match="whole-number class labels"):
        losses.cross_entropy(P_EXAMPLE, [0, 1.5, 2])


def test_mismatched_label_count():
    with pytest.raises(ValueError, match="2 labels but there are 3 samples"):
        losses.cross_entropy(P_EXAMPLE, [0, 1])
    with pytest.raises(ValueError, match="2 labels but there are 3 samples"):
        losses.SoftmaxCrossEntropyLoss().forward(np.zeros((3, 4)), [0, 1])


def test_one_hot_rows_of_the_wrong_shape():
    with pytest.raises(ValueError, match="shape"):
        losses.cross_entropy(P_EXAMPLE, np.eye(3))


def test_mse_shape_mismatch_mentions_both_shapes():
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(4,\)"):
        losses.mse(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="shape"):
        losses.mse_gradient(np.zeros((4, 1)), np.zeros((1, 4)))


def test_predictions_must_be_a_batch():
    with pytest.raises(ValueError, match="batch"):
        losses.cross_entropy(np.array([0.2, 0.8]), [1])


@pytest.mark.parametrize("bad", [[2.0, 0.0], [-1.0, 1.0]])
def test_binary_cross_entropy_loss_targets_outside_0_1(bad):
    with pytest.raises(ValueError, match="between 0 and 1"):
        losses.BinaryCrossEntropyLoss().forward(np.array([[0.5], [0.5]]), np.array(bad))


def test_binary_cross_entropy_loss_accepts_flat_labels_for_one_column():
    loss = losses.BinaryCrossEntropyLoss()
    p = np.array([[0.8], [0.4]])
    assert loss.forward(p, np.array([1, 0])) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)
    assert loss.backward().shape == (2, 1)


# -- binary cross-entropy from a logit -------------------------------------------------------


def test_binary_cross_entropy_with_logits_equals_the_probability_form_where_that_is_exact():
    z = np.array([[-3.0], [-0.5], [0.0], [1.5], [4.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    p = 1 / (1 + np.exp(-z))
    assert losses.binary_cross_entropy_with_logits(z, y) == pytest.approx(
        losses.binary_cross_entropy(p, y), rel=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_gradient_is_sigmoid_minus_y_over_n_even_for_huge_logits(dtype):
    z = np.array([[-1000.0], [-40.0], [-17.5], [0.0], [17.5], [40.0], [1000.0]], dtype=dtype)
    y = np.array([[1.0], [1.0], [1.0], [0.0], [0.0], [0.0], [0.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no division by zero
        loss = losses.BinaryCrossEntropyWithLogitsLoss()
        value = loss.forward(z, y)
        grad = loss.backward()
    sigma = 1 / (1 + np.exp(-z.astype(np.float64).clip(-700, 700)))
    np.testing.assert_allclose(grad, (sigma - y) / len(z), rtol=1e-6, atol=1e-12)
    assert grad.dtype == dtype
    # the confidently wrong samples keep a gradient of size about 1/n, not 0
    assert abs(grad[0, 0]) == pytest.approx(1 / len(z), rel=1e-6)
    assert abs(grad[-1, 0]) == pytest.approx(1 / len(z), rel=1e-6)
    # and the loss keeps growing with the logit: about |z| for a confident mistake
    expected = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    assert value == pytest.approx(float(expected), rel=1e-6)
    assert value > 2000 / len(z)


def test_the_probability_form_loses_the_gradient_where_the_logit_form_keeps_it():
    """Why the logit form exists: after a float32 sigmoid, a logit of 20 is a probability of 1."""
    z = np.array([[20.0]], dtype=np.float32)
    y = np.array([[0.0]], dtype=np.float32)
    from nnlib.layers import Sigmoid

    sigmoid = Sigmoid()
    p = sigmoid.forward(z)
    through_sigmoid = sigmoid.backward(losses.binary_cross_entropy_gradient(p, y))
    assert through_sigmoid[0, 0] == 0.0
    assert losses.binary_cross_entropy_with_logits_gradient(z, y)[0, 0] == pytest.approx(1.0)


def test_bce_with_logits_gradient_by_finite_differences(central_difference):
    generator = np.random.default_rng(3)
    z = generator.normal(size=(6, 2)) * 3
    y = (generator.random((6, 2)) > 0.5).astype(np.float64)
    numerical = central_difference(lambda: losses.binary_cross_entropy_with_logits(z, y), z)
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits_gradient(z, y), numerical, rtol=1e-6, atol=1e-9
    )


def test_bce_with_logits_loss_accepts_flat_labels_for_one_column():
    z = np.array([[2.0], [-1.0]])
    loss = losses.BinaryCrossEntropyWithLogitsLoss()
    assert loss.forward(z, np.array([1, 0])) == loss.forward(z, np.array([[1.0], [0.0]]))
    assert loss.threshold == 0.0 and losses.BinaryCrossEntropyLoss.threshold == 0.5


@pytest.mark.parametrize("bad", [[[2.0], [0.0]], [[-1.0], [1.0]]])
def test_bce_with_logits_targets_outside_0_1(bad):
    with pytest.raises(ValueError, match="targets between 0 and 1"):
        losses.binary_cross_entropy_with_logits(np.zeros((2, 1)), np.array(bad))


# -- soft targets ----------------------------------------------------------------------------


def test_soft_targets_that_sum_to_one_give_the_true_loss_and_gradient(central_difference):
    generator = np.random.default_rng(4)
    Z = generator.normal(size=(4, 3))
    Y = generator.random((4, 3))
    Y /= Y.sum(axis=1, keepdims=True)  # label-smoothing-like soft targets
    expected = -np.mean(np.sum(Y * np.log(softmax(Z, axis=1)), axis=1))
    assert losses.softmax_cross_entropy(Z, Y) == pytest.approx(expected, rel=1e-12)
    loss = losses.SoftmaxCrossEntropyLoss()
    assert loss.forward(Z, Y) == pytest.approx(expected, rel=1e-12)
    numerical = central_difference(lambda: losses.softmax_cross_entropy(Z, Y), Z)
    np.testing.assert_allclose(loss.backward(), numerical, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        losses.softmax_cross_entropy_gradient(Z, Y), numerical, rtol=1e-6, atol=1e-9
    )


@pytest.mark.parametrize(
    "call",
    [
        losses.softmax_cross_entropy,
        losses.softmax_cross_entropy_gradient,
        lambda Z, Y: losses.SoftmaxCrossEntropyLoss().forward(Z, Y),
        lambda Z, Y: losses.cross_entropy(softmax(Z, axis=1), Y),
    ],
    ids=["function", "gradient", "loss object", "cross_entropy"],
)
@pytest.mark.parametrize(
    "Y, row",
    [
        (np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), 0),  # sums to 2
        (np.array([[1.0, 0.0, 0.0], [0.0, 0.3, 0.3]]), 1),  # sums to 0.6
        (np.array([[1.5, -0.5, 0.0], [0.0, 0.0, 1.0]]), 0),  # a negative entry
    ],
    ids=["sum 2", "sum 0.6", "negative"],
)
def test_target_rows_that_are_not_probability_vectors_are_refused(call, Y, row):
    Z = np.zeros((2, 3))
    with pytest.raises(ValueError, match=f"probability vector.*row {row}"):
        call(Z, Y)
