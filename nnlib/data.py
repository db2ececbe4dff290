"""Data: labels, splits, mini-batches, scaling, toy problems and digit images (chapters 4, 7, 9).

Features are float32 arrays X: (n, d), one sample per row; labels are integer arrays y: (n,).

- toy problems that fit in two dimensions, so decision boundaries can be drawn:
  ``make_xor``, ``make_spirals``, ``make_moons``, ``make_circles``;
- real handwritten digits that ship with nnlib (no network needed): ``load_digits``;
- the full-size sets (70,000 images each): ``load_mnist`` and ``load_fashion_mnist``, which live
  in ``nnlib.mnist`` and are re-exported here.

Every random choice takes ``rng``: a seed (int) or a numpy.random.Generator.
"""

import hashlib
from importlib import resources

import numpy as np

from nnlib._validate import as_batch, check_labels
from nnlib.mnist import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist

__all__ = [
    "one_hot",
    "train_test_split",
    "minibatches",
    "Standardizer",
    "images_to_features",
    "make_xor",
    "make_spirals",
    "make_moons",
    "make_circles",
    "load_digits",
    "load_mnist",
    "load_fashion_mnist",
    "FASHION_MNIST_CLASSES",
]


def one_hot(y, n_classes=None):
    """Integer labels y: (n,) → one-hot rows Y: (n, n_classes), float32, with Y[i, y[i]] = 1.

    n_classes defaults to max(y) + 1.
    """
    y = np.asarray(y)
    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    y = check_labels(y, len(y), n_classes)
    Y = np.zeros((len(y), n_classes), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1
    return Y


def train_test_split(X, y, test_size=0.2, rng=None):
    """Shuffle the samples and split them into (X_train, X_test, y_train, y_test).

    X: (n, ...), y: (n, ...). test_size: a fraction in (0, 1) or a number of samples.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match.")
    n_test = round(test_size * len(X)) if isinstance(test_size, float) else int(test_size)
    if not 0 < n_test < len(X):
        raise ValueError(
            f"test_size={test_size} leaves {n_test} test samples out of {len(X)}; "
            "both parts need at least one sample."
        )
    order = np.random.default_rng(rng).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def minibatches(X, y, batch_size, shuffle=True, rng=None):
    """Yield (X_batch, y_batch) pairs that together cover every sample once (one epoch).

    X: (n, d), y: (n,) or (n, k). Batches have batch_size rows; the last one may be smaller.
    With shuffle=True the order is a fresh random permutation from rng.
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    order = np.random.default_rng(rng).permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        index = order[start : start + batch_size]
        yield X[index], y[index]


class Standardizer:
    """Rescale each feature to mean 0 and standard deviation 1, using statistics of the
    training set only (so no information leaks from the test set).

    >>> scaler = Standardizer().fit(X_train)
    >>> X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    """

    def fit(self, X):
        """Learn mean: (d,) and std: (d,) from X: (n, d). Constant features get std 1."""
        X = as_batch(X)
        self.mean = X.mean(axis=0)
        std = X.std(axis=0)
        self.std = np.where(std > 0, std, 1).astype(std.dtype)
        return self

    def transform(self, X):
        """X: (n, d) → (X − mean) / std: (n, d)."""
        if not hasattr(self, "mean"):
            raise RuntimeError("Call fit(X_train) before transform.")
        X = as_batch(X, n_features=len(self.mean), where="Standardizer")
        return ((X - self.mean) / self.std).astype(np.result_type(X.dtype, np.float32))

    def fit_transform(self, X):
        """fit(X), then transform(X): X: (n, d) → standardised (n, d)."""
        return self.fit(X).transform(X)


def images_to_features(images, max_value=255):
    """Flatten images: (n, h, w) into rows X: (n, h·w) and scale pixels to [0, 1], as float32.

    max_value: the brightest pixel value (255 for MNIST, 16 for the bundled 8×8 digits).
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n, height, width), got {images.shape}.")
    X = images.reshape(len(images), -1).astype(np.float32)  # one copy, in float32
    X /= max_value
    return X


# -- toy problems in two dimensions ----------------------------------------------------------


def _finish(X, y, rng):
    """Shuffle a generated data set and give it the library's dtypes."""
    order = rng.permutation(len(X))
    return X[order].astype(np.float32), y[order].astype(np.int64)


def make_xor(n=200, noise=0.2, rng=None):
    """Four clusters at (±1, ±1); the label is 1 where exactly one coordinate is positive.

    No straight line separates the classes, so a single neuron cannot learn it.
    Returns X: (n, 2) float32, y: (n,) int64.
    """
    rng = np.random.default_rng(rng)
    corners = rng.integers(0, 2, size=(n, 2))
    X = (2 * corners - 1) + noise * rng.normal(size=(n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    return _finish(X, y, rng)


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, rng=None):
    """Interleaved spiral arms, one per class, winding out from the origin.

    Returns X: (n_per_class · n_classes, 2) float32 and y: (n,) int64.
    """
    rng = np.random.default_rng(rng)
    X, y = [], []
    radius = np.linspace(0.05, 1, n_per_class)
    for k in range(n_classes):
        angle = 1.5 * np.pi * radius + 2 * np.pi * k / n_classes
        angle += noise * rng.normal(size=n_per_class)
        X.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
        y.append(np.full(n_per_class, k))
    return _finish(np.concatenate(X), np.concatenate(y), rng)


def make_moons(n=200, noise=0.1, rng=None):
    """Two interleaving half circles. Returns X: (n, 2) float32, y: (n,) int64."""
    rng = np.random.default_rng(rng)
    n_upper = n // 2
    t_upper = rng.uniform(0, np.pi, n_upper)
    t_lower = rng.uniform(0, np.pi, n - n_upper)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.concatenate([upper, lower]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n_upper), np.ones(n - n_upper)])
    return _finish(X, y, rng)


def make_circles(n=200, noise=0.05, factor=0.5, rng=None):
    """A small circle (label 1, radius ``factor``) inside a big one (label 0, radius 1).

    Returns X: (n, 2) float32, y: (n,) int64.
    """
    rng = np.random.default_rng(rng)
    y = np.arange(n) % 2
    radius = np.where(y == 1, factor, 1.0)
    angle = rng.uniform(0, 2 * np.pi, n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += noise * rng.normal(size=(n, 2))
    return _finish(X, y, rng)


# -- the bundled digits ----------------------------------------------------------------------

# SHA-256 of the images' bytes followed by the labels' bytes in nnlib/datasets/digits.npz.
_DIGITS_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"


def load_digits():
    """The UCI handwritten digits: 1,797 images of 8×8 pixels with values 0–16, and labels 0–9.

    Returns images: (1797, 8, 8) uint8 and labels: (1797,) int64. The data ships inside nnlib
    (Alpaydin & Kaynak, UCI Machine Learning Repository, CC BY 4.0), so no network is needed.
    Use ``images_to_features(images, max_value=16)`` for network input.
    """
    path = resources.files("nnlib") / "datasets" / "digits.npz"
    try:
        with resources.as_file(path) as file, np.load(file, allow_pickle=False) as archive:
            images, labels = archive["images"], archive["labels"]
    except Exception as error:  # a damaged install: say which file and how to repair it
        raise OSError(
            f"Could not read the bundled digits file {path} ({error}). "
            "Reinstall nnlib (pip install --force-reinstall -e .) to restore it."
        ) from error
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    if digest != _DIGITS_SHA256 or images.shape != (1797, 8, 8):
        raise OSError(
            f"The bundled digits file {path} is corrupt (its contents changed). "
            "Reinstall nnlib (pip install --force-reinstall -e .) to restore it."
        )
    return images, labels.astype(np.int64)
