"""Wrong answers to chapter 9's exercises, written the way learners write them.

Each entry is (wrong function, a snippet of the hint it must get). See tests/test_exercises.py.
"""

import numpy as np

# -- images to feature rows ------------------------------------------------------------------


def features_not_scaled(images, max_value=255):
    n, h, w = images.shape
    return images.reshape(n, h * w)


def features_over_256(images, max_value=255):
    rows = [image.flatten() for image in images]
    return np.array(rows) / 256


def features_over_batch_max(images, max_value=255):
    X = images.reshape(images.shape[0], -1).astype(float)
    return X / X.max()


def features_one_long_vector(images, max_value=255):
    return images.flatten() / max_value


def features_column_by_column(images, max_value=255):
    rows = [image.T.ravel() for image in images]
    return np.stack(rows) / max_value


def features_integer_division(images, max_value=255):
    scaled = images // max_value
    return scaled.reshape(len(images), -1)


def features_divided_in_place(images, max_value=255):
    n, h, w = images.shape
    X = images.reshape(n, h * w)
    X /= max_value
    return X


def features_always_255(images, max_value=255):
    return images.reshape(len(images), -1) / 255.0


# -- the confusion matrix --------------------------------------------------------------------


def confusion_rows_are_predictions(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[p][t] += 1
    return C


def confusion_fancy_index(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes))
    C[y_true, y_pred] += 1
    return C


def confusion_size_from_labels(y_true, y_pred, n_classes):
    k = max(max(y_true), max(y_pred)) + 1
    C = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def confusion_size_from_unique(y_true, y_pred, n_classes):
    classes = np.unique(y_true)
    C = np.zeros((len(classes), len(classes)), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def confusion_class_sizes(y_true, y_pred, n_classes):
    classes, counts = np.unique(y_true, return_counts=True)
    C = np.zeros((n_classes, n_classes), dtype=int)
    C[classes, classes] = counts
    return C


# -- the most confident mistakes -------------------------------------------------------------


def mistakes_with_correct_ones(P, y, m):
    ranked = sorted(range(len(P)), key=lambda i: P[i].max(), reverse=True)
    return np.array(ranked[:m])


def mistakes_least_confident(P, y, m):
    wrong = [i for i in range(len(P)) if np.argmax(P[i]) != y[i]]
    wrong.sort(key=lambda i: np.max(P[i]))
    return np.array(wrong[:m], dtype=int)


def mistakes_by_true_class(P, y, m):
    wrong = np.where(np.argmax(P, axis=1) != y)[0]
    true_probability = P[wrong, y[wrong]]
    return wrong[np.argsort(true_probability)[::-1][:m]]


def mistakes_positions(P, y, m):
    wrong = np.argmax(P, axis=1) != y
    confidence = np.max(P, axis=1)[wrong]
    return np.argsort(confidence)[::-1][:m]


def mistakes_unsorted(P, y, m):
    wrong = np.where(P.argmax(axis=1) != y)[0]
    return wrong[:m]


def mistakes_confidences(P, y, m):
    confidence = P.max(axis=1)[P.argmax(axis=1) != y]
    return np.sort(confidence)[::-1][:m]


WRONG_ANSWERS = {
    "images_to_features": [
        (features_not_scaled, "the scaling is missing"),
        (features_over_256, "You divided by max_value + 1"),
        (features_over_batch_max, "the brightest pixel of this batch"),
        (features_one_long_vector, "one long vector of n·h·w numbers"),
        (features_column_by_column, "column by column"),
        (features_integer_division, "That is integer division"),
        (features_divided_in_place, "cannot store 0.2 in a uint8 array"),
        (features_always_255, "You divided by 255 whatever max_value is"),
    ],
    "confusion_matrix": [
        (confusion_rows_are_predictions, "Your counts are transposed"),
        (confusion_fancy_index, "adds 1 only once to a cell"),
        (confusion_size_from_labels, "comes from the labels you were given"),
        (confusion_size_from_unique, "np.unique counts the distinct labels"),
        (confusion_class_sizes, "Your diagonal holds the size of each class"),
    ],
    "most_confident_mistakes": [
        (mistakes_with_correct_ones, "includes samples the network got right"),
        (mistakes_least_confident, "sorted from the least confident up"),
        (mistakes_by_true_class, "probability of the TRUE class"),
        (mistakes_positions, "positions in the list of mistakes"),
        (mistakes_unsorted, "the first m mistakes in the order of the data"),
        (mistakes_confidences, "not their probabilities"),
    ],
}
