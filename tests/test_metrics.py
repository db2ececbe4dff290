"""Tests for nnlib.metrics: predicted classes, accuracy and the confusion matrix."""

import math

import numpy as np
import pytest

from nnlib import metrics


def test_accuracy_with_class_scores():
    outputs = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.0, 0.1, 0.9]])
    # predicted 1, 0, 2, 2
    assert metrics.accuracy(outputs, [1, 0, 2, 0]) == 0.75
    assert metrics.accuracy(outputs, [1, 0, 2, 2]) == 1.0
    assert metrics.accuracy(outputs, [0, 1, 0, 0]) == 0.0


def test_accuracy_with_logits_is_the_same_as_with_probabilities():
    logits = np.array([[2.0, -1.0], [-3.0, 0.5], [0.2, 0.1]])
    assert metrics.accuracy(logits, [0, 1, 1]) == pytest.approx(2 / 3)


def test_accuracy_with_one_probability_column():
    p = np.array([[0.9], [0.2], [0.51], [0.5]])
    # class 1 where p > 0.5: 1, 0, 1, 0
    assert metrics.accuracy(p, [1, 0, 1, 0]) == 1.0
    assert metrics.accuracy(p, np.array([[1], [1], [1], [1]])) == 0.5
    assert metrics.accuracy(p.ravel(), [0, 0, 0, 0]) == 0.5


def test_accuracy_with_one_hot_targets():
    outputs = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    Y = np.array([[0, 1], [0, 1], [0, 1]])
    assert metrics.accuracy(outputs, Y) == pytest.approx(2 / 3)


def test_accuracy_mismatched_lengths():
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        metrics.accuracy(np.zeros((3, 2)), [0, 1])


def test_accuracy_of_nothing_is_nan():
    assert math.isnan(metrics.accuracy(np.zeros((0, 3)), np.zeros(0, dtype=int)))


def test_predicted_and_true_classes():
    np.testing.assert_array_equal(metrics.predicted_classes([[1, 5, 2], [9, 0, 0]]), [1, 0])
    np.testing.assert_array_equal(metrics.predicted_classes([[0.7], [0.3]]), [1, 0])
    assert metrics.predicted_classes([[0.7], [0.3]]).dtype == np.int64
    np.testing.assert_array_equal(metrics.true_classes([[0, 0, 1], [1, 0, 0]]), [2, 0])
    np.testing.assert_array_equal(metrics.true_classes([2.0, 1.0]), [2, 1])


def test_confusion_matrix_by_hand():
    y_true = [0, 0, 1, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 1, 1, 1, 0, 2, 2, 1, 2]
    C = metrics.confusion_matrix(y_true, y_pred)
    expected = [
        [1, 1, 0],  # class 0: once right, once taken for 1
        [1, 2, 0],  # class 1: twice right, once taken for 0
        [0, 1, 3],  # class 2: three times right, once taken for 1
    ]
    np.testing.assert_array_equal(C, expected)
    assert C.sum() == len(y_true)
    assert np.trace(C) / C.sum() == pytest.approx(metrics.accuracy(np.eye(3)[y_pred], y_true))


def test_confusion_matrix_with_unseen_classes():
    C = metrics.confusion_matrix([0, 1], [1, 1], n_classes=4)
    assert C.shape == (4, 4)
    assert C[0, 1] == 1 and C[1, 1] == 1 and C.sum() == 2


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match="y_pred has 2 labels but there are 3 samples"):
        metrics.confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="label 3"):
        metrics.confusion_matrix([0, 3], [0, 1], n_classes=3)


def test_confusion_matrix_needs_flat_labels():
    with pytest.raises(ValueError, match="1-D array of class labels"):
        metrics.confusion_matrix([[0, 1], [1, 0]], [[0, 1], [1, 0]])


def test_most_confident_mistakes_by_hand():
    P = np.array(
        [
            [0.9, 0.1, 0.0],  # right (class 0)
            [0.2, 0.7, 0.1],  # wrong: predicted 1 with 0.7
            [0.1, 0.1, 0.8],  # wrong: predicted 2 with 0.8
            [0.5, 0.4, 0.1],  # wrong: predicted 0 with 0.5
            [0.2, 0.3, 0.5],  # right (class 2)
        ]
    )
    y = np.array([0, 0, 1, 2, 2])
    assert metrics.most_confident_mistakes(P, y, 2).tolist() == [2, 1]
    assert metrics.most_confident_mistakes(P, y, 10).tolist() == [2, 1, 3]
    assert metrics.most_confident_mistakes(P, np.array([0, 1, 2, 0, 2]), 5).tolist() == []


def test_most_confident_mistakes_checks_the_labels():
    with pytest.raises(ValueError, match="y"):
        metrics.most_confident_mistakes(np.full((2, 3), 1 / 3), np.array([0, 3]), 1)
