"""Checkers for chapter 9, Recognising digits and clothes."""

import numpy as np

from nnlib import data, metrics
from nnlib.exercises.engine import Case, Exercise, Mistake, described, make_check

# -- images to feature rows ------------------------------------------------------------------


def _images_case(images, max_value, note):
    images = np.array(images, dtype=np.uint8)
    return Case((images, max_value), described(note, images=images, max_value=max_value))


def _rows(images):
    """Each image as one row of pixels, row after row (what the exercise asks for), as floats."""
    return images.reshape(len(images), -1).astype(np.float64)


def _divide_in_place(images, max_value):
    X = images.reshape(len(images), -1)  # still uint8
    X /= max_value  # NumPy refuses to store fractions in an integer array
    return X


IMAGES_TO_FEATURES = Exercise(
    id="images_to_features",
    title="images to feature rows",
    reference=data.images_to_features,
    cases=[
        _images_case(
            [[[0, 51, 102], [153, 204, 255]], [[255, 0, 17], [34, 68, 136]]],
            255,
            "n = 2 images of h = 2 rows and w = 3 columns, pixels 0–255",
        ),
        _images_case(
            [
                [[0, 4, 8], [12, 2, 0], [6, 10, 1]],
                [[3, 0, 9], [5, 11, 7], [0, 2, 4]],
            ],
            16,
            "n = 2 square images of 3 × 3 pixels on the 8 × 8 digits' scale, 0–16 "
            "(the brightest pixel in this batch is 12)",
        ),
        _images_case(
            [[[10, 20], [30, 40], [50, 60], [70, 80]]],
            255,
            "a single image (n = 1) of h = 4 rows and w = 2 columns, pixels 0–255",
        ),
    ],
    mistakes=[
        Mistake(
            "X /= max_value (or np.divide(..., out=X)) on the image's own integer pixels: NumPy "
            "cannot store 0.2 in a uint8 array, so it refuses. Convert to floats first, "
            "X = images.reshape(len(images), -1).astype(np.float32), then divide.",
            wrong=_divide_in_place,
        ),
        Mistake(
            "Your rows hold the raw pixel values (0 to max_value): the scaling is missing. "
            "Divide by max_value, so that pixels lie in [0, 1] and the brightest possible "
            "pixel becomes 1.0.",
            wrong=lambda images, max_value: _rows(images),
        ),
        Mistake(
            "That is integer division (// or an integer dtype): it rounds every pixel down to "
            "0, or 1 for the brightest. Convert to floats before dividing "
            "(.astype(np.float32) / max_value).",
            wrong=lambda images, max_value: images.reshape(len(images), -1) // max_value,
        ),
        Mistake(
            "You divided by max_value + 1 (256 for 0–255 pixels), so the brightest pixel "
            "becomes 255/256 instead of 1. Divide by max_value itself.",
            wrong=lambda images, max_value: _rows(images) / (max_value + 1),
        ),
        Mistake(
            "You divided by the brightest pixel of this batch (images.max()). Scale by "
            "max_value, the brightest *possible* pixel, so that every batch — the training "
            "set, the test set, one image — is scaled the same way.",
            wrong=lambda images, max_value: _rows(images) / images.max(),
        ),
        Mistake(
            "You divided by 255 whatever max_value is. The 8 × 8 digits go from 0 to 16: use "
            "the max_value argument.",
            wrong=lambda images, max_value: _rows(images) / 255,
        ),
        Mistake(
            "You flattened the whole batch into one long vector of n·h·w numbers. Keep one row "
            "per image: images.reshape(len(images), -1) has shape (n, h·w).",
            wrong=lambda images, max_value: images.reshape(-1) / max_value,
        ),
        Mistake(
            "Your rows read each image column by column (a transposed image, or order='F'). "
            "Read it row after row, as NumPy's reshape does by default: pixel (r, c) goes to "
            "position r·w + c.",
            wrong=lambda images, max_value: _rows(images.transpose(0, 2, 1)) / max_value,
        ),
    ],
    default_hint=(
        "Each image becomes one row: images.reshape(len(images), -1) has shape (n, h·w), "
        "with the pixels in rows of the image one after another. Convert it to floats "
        "(.astype(np.float32)) and divide by max_value, so every pixel lies in [0, 1]."
    ),
)

check_images_to_features = make_check(IMAGES_TO_FEATURES)


# -- the confusion matrix --------------------------------------------------------------------


def confusion_matrix(y_true, y_pred, n_classes):
    """Reference: C: (n_classes, n_classes), C[i, j] = samples of class i predicted as j."""
    return metrics.confusion_matrix(y_true, y_pred, n_classes)


def _labels_case(y_true, y_pred, n_classes, note):
    y_true, y_pred = np.array(y_true), np.array(y_pred)
    return Case(
        (y_true, y_pred, n_classes),
        described(note, y_true=y_true, y_pred=y_pred, n_classes=n_classes),
    )


def _counted(k, rows, columns):
    """A k × k matrix with 1 added at (rows[s], columns[s]) for every s, repeats counted."""
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (rows, columns), 1)
    return C


def _increment_by_fancy_index(y_true, y_pred, k):
    C = np.zeros((k, k), dtype=np.int64)
    C[y_true, y_pred] += 1  # a cell named twice still gets only one +1
    return C


CONFUSION_MATRIX = Exercise(
    id="confusion_matrix",
    title="the confusion matrix",
    reference=confusion_matrix,
    solved_by=(metrics.confusion_matrix,),
    cases=[
        _labels_case(
            [0, 0, 1, 2, 2, 2, 1, 0],
            [0, 0, 2, 2, 2, 1, 1, 1],
            3,
            "n = 8 samples, k = 3 classes; some (true, predicted) pairs occur twice",
        ),
        _labels_case(
            [3, 0, 3, 1, 3, 1, 0],
            [3, 3, 0, 1, 1, 1, 3],
            4,
            "k = 4 classes; class 2 never occurs",
        ),
        _labels_case(
            [0, 1, 2, 1, 0, 2],
            [1, 1, 2, 0, 0, 0],
            4,
            "k = 4 classes, but class 3 never occurs, neither as a label nor as a prediction",
        ),
    ],
    mistakes=[
        Mistake(
            "Your counts are transposed: you put the prediction in the row. C[i, j] counts "
            "samples whose TRUE class is i (the row) and whose PREDICTED class is j (the "
            "column).",
            wrong=lambda y_true, y_pred, k: _counted(k, y_pred, y_true),
        ),
        Mistake(
            "C[y_true, y_pred] += 1 adds 1 only once to a cell that several samples share: "
            "NumPy reads all the old values first and writes each cell once. Use "
            "np.add.at(C, (y_true, y_pred), 1), which counts repeats, or a loop over the "
            "samples.",
            wrong=_increment_by_fancy_index,
        ),
        Mistake(
            "Your matrix's size comes from the labels you were given (their maximum, or the "
            "number of distinct ones from np.unique), so it is too small when a class never "
            "occurs in the batch. Use n_classes: C has shape (n_classes, n_classes) always.",
            wrong=lambda y_true, y_pred, k: _counted(
                int(max(y_true.max(), y_pred.max())) + 1, y_true, y_pred
            ),
        ),
        Mistake(
            "np.unique counts the distinct labels, not the classes: here a class in the middle "
            "(class 2) never occurs, so len(np.unique(y_true)) is too small and label 3 "
            "falls outside the matrix. Use n_classes for the shape.",
            wrong=lambda y_true, y_pred, k: _counted(len(np.unique(y_true)), y_true, y_pred),
        ),
        Mistake(
            "Your diagonal holds the size of each class (np.unique(y_true, return_counts=True) "
            "or np.bincount(y_true)): that counts the labels, not the (true, predicted) pairs. "
            "Add 1 at (y_true[s], y_pred[s]) for each sample s.",
            wrong=lambda y_true, y_pred, k: np.diag(np.bincount(y_true, minlength=k)),
        ),
    ],
    default_hint=(
        "Start from C = np.zeros((n_classes, n_classes)) and add 1 at row y_true[s], column "
        "y_pred[s] for every sample s (np.add.at(C, (y_true, y_pred), 1) does all of them at "
        "once). The diagonal then holds the correct predictions, and every row sums to the "
        "number of samples of that class."
    ),
)

check_confusion_matrix = make_check(CONFUSION_MATRIX)


# -- the most confident mistakes -------------------------------------------------------------


def _mistakes_case(P, y, m, note):
    P, y = np.array(P, dtype=np.float64), np.array(y)
    return Case((P, y, m), described(note, P=P, y=y, m=m))


def _mistakes(P, y):
    return np.flatnonzero(P.argmax(axis=1) != y)


def _least_confident_first(P, y, m):
    wrong = _mistakes(P, y)
    return wrong[np.argsort(P.max(axis=1)[wrong], kind="stable")][:m]


def _positions_among_mistakes(P, y, m):
    confidence = P.max(axis=1)[_mistakes(P, y)]
    return np.argsort(-confidence, kind="stable")[:m]  # positions, not sample indices


def _along_axis_0(P, y, m):
    wrong = np.flatnonzero(P.argmax(axis=0) != y)  # fails to broadcast unless n = k
    return wrong[np.argsort(-P.max(axis=0)[wrong], kind="stable")][:m]


def _by_true_class(P, y, m, descending):
    wrong = _mistakes(P, y)
    true_p = P[np.arange(len(P)), y][wrong]
    return wrong[np.argsort(-true_p if descending else true_p, kind="stable")[:m]]


def _ranked_by_true_class(case, got):
    """The learner ranked the mistakes by the true class's probability (either direction)."""
    got = np.asarray(got)
    for descending in (True, False):
        expected = _by_true_class(*case.args, descending)
        if got.shape == expected.shape and np.array_equal(got, expected):
            return True
    return False


def _returned_probabilities(case, got):
    """The learner returned confidences (fractions) instead of sample indices."""
    got = np.asarray(got, dtype=np.float64)
    return got.size > 0 and np.any(got != np.round(got))


MOST_CONFIDENT_MISTAKES = Exercise(
    id="most_confident_mistakes",
    title="the most confident mistakes",
    reference=metrics.most_confident_mistakes,
    cases=[
        _mistakes_case(
            [
                [0.95, 0.03, 0.02],
                [0.30, 0.05, 0.65],
                [0.60, 0.05, 0.35],
                [0.05, 0.85, 0.10],
                [0.05, 0.70, 0.25],
                [0.15, 0.40, 0.45],
            ],
            [0, 0, 1, 1, 2, 1],
            2,
            "n = 6 samples, k = 3 classes, m = 2 (samples 1, 2, 4 and 5 are mistakes)",
        ),
        _mistakes_case(
            [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]],
            [2, 0, 1],
            3,
            "a square case, n = k = 3: every sample is a mistake",
        ),
        _mistakes_case(
            [[0.8, 0.2], [0.3, 0.7], [0.45, 0.55], [0.9, 0.1], [0.35, 0.65]],
            [0, 0, 0, 0, 0],
            4,
            "n = 5, k = 2, m = 4 but only 3 mistakes: return all 3",
        ),
        _mistakes_case(
            [[0.9, 0.1], [0.2, 0.8]],
            [0, 1],
            3,
            "no mistakes at all: return an empty array",
        ),
    ],
    mistakes=[
        Mistake(
            "Your list includes samples the network got right. Keep only the mistakes, the "
            "samples whose predicted class P.argmax(axis=1) differs from y, before you sort.",
            wrong=lambda P, y, m: np.argsort(-P.max(axis=1), kind="stable")[:m],
        ),
        Mistake(
            "Your mistakes are sorted from the least confident up. The most confident come "
            "first: sort by minus the confidence (np.argsort(-confidence)), or reverse the "
            "ascending order.",
            wrong=_least_confident_first,
        ),
        Mistake(
            "You returned positions in the list of mistakes (0, 1, 2, ...), not the samples' "
            "own indices. np.argsort gives positions within the array you sorted: use them to "
            "index the array of mistake indices, wrong[order].",
            wrong=_positions_among_mistakes,
        ),
        Mistake(
            "You ranked the mistakes by the probability of the TRUE class. The network's "
            "confidence is the probability of the class it PREDICTED: P[i, ĉ_i], which is "
            "P.max(axis=1).",
            detect=_ranked_by_true_class,
        ),
        Mistake(
            "You took the first m mistakes in the order of the data. Sort all the mistakes by "
            "confidence first, then keep the first m.",
            wrong=lambda P, y, m: _mistakes(P, y)[:m],
        ),
        Mistake(
            "Each row of P is one sample: take the prediction and the confidence along "
            "axis=1 (P.argmax(axis=1), P.max(axis=1)), not axis=0.",
            wrong=_along_axis_0,
        ),
        Mistake(
            "Return the indices of the samples (whole numbers), not their probabilities.",
            detect=_returned_probabilities,
        ),
    ],
    default_hint=(
        "Predicted classes: P.argmax(axis=1); the mistakes are the indices where they differ "
        "from y (np.flatnonzero). Sort those indices by their confidence P.max(axis=1), highest "
        "first, and return the first m (fewer if there are fewer mistakes)."
    ),
)

check_most_confident_mistakes = make_check(MOST_CONFIDENT_MISTAKES)

EXERCISES = [IMAGES_TO_FEATURES, CONFUSION_MATRIX, MOST_CONFIDENT_MISTAKES]
