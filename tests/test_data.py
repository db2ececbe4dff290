"""Tests for nnlib.data: one-hot labels, splits, mini-batches, scaling, toy problems, digits."""

import contextlib
import shutil
import types
from importlib import resources

import numpy as np
import pytest

from nnlib import data

# -- one_hot ---------------------------------------------------------------------------------------


def test_one_hot_by_hand():
    Y = data.one_hot([2, 0, 1, 2], 4)
    expected = [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    np.testing.assert_array_equal(Y, expected)
    assert Y.dtype == np.float32 and Y.shape == (4, 4)


def test_one_hot_default_number_of_classes():
    assert data.one_hot(np.array([0, 3])).shape == (2, 4)


def test_one_hot_label_out_of_range():
    with pytest.raises(ValueError, match="label 3, but there are only 3 classes"):
        data.one_hot([0, 3], 3)
    with pytest.raises(ValueError, match="negative label"):
        data.one_hot([0, -1], 3)


# -- train_test_split ------------------------------------------------------------------------------


def _numbered(n=20):
    """X whose first column is the sample number, so samples can be traced after shuffling."""
    X = np.column_stack([np.arange(n), np.arange(n) * 10]).astype(np.float32)
    return X, np.arange(n) % 3


def test_split_sizes_and_disjointness():
    X, y = _numbered(20)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.25, rng=0)
    assert X_train.shape == (15, 2) and X_test.shape == (5, 2)
    assert y_train.shape == (15,) and y_test.shape == (5,)
    train_ids, test_ids = set(X_train[:, 0]), set(X_test[:, 0])
    assert not train_ids & test_ids
    assert train_ids | test_ids == set(range(20))
    # rows and labels stay together
    np.testing.assert_array_equal(y_train, X_train[:, 0].astype(int) % 3)
    np.testing.assert_array_equal(y_test, X_test[:, 0].astype(int) % 3)


def test_split_with_a_count():
    X, y = _numbered(10)
    _, X_test, _, _ = data.train_test_split(X, y, test_size=3, rng=0)
    assert len(X_test) == 3


def test_split_is_reproducible_and_shuffles():
    X, y = _numbered(50)
    first = data.train_test_split(X, y, rng=4)
    second = data.train_test_split(X, y, rng=4)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    other = data.train_test_split(X, y, rng=5)
    assert not np.array_equal(first[1], other[1])
    assert not np.array_equal(first[1][:, 0], np.arange(40, 50))  # not simply the last rows


@pytest.mark.parametrize("test_size", [0.0, 1.0, 1.5, -0.2, 0, 10, 0.01])
def test_split_bad_test_size(test_size):
    X, y = _numbered(10)
    with pytest.raises(ValueError, match="test_size"):
        data.train_test_split(X, y, test_size=test_size)


def test_split_mismatched_lengths():
    with pytest.raises(ValueError, match="must match"):
        data.train_test_split(np.zeros((5, 2)), np.zeros(4))


# -- minibatches -----------------------------------------------------------------------------------


def test_minibatches_cover_every_sample_once():
    X, y = _numbered(23)
    batches = list(data.minibatches(X, y, batch_size=5, rng=0))
    assert [len(xb) for xb, _ in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([xb[:, 0] for xb, _ in batches])
    assert sorted(seen) == list(range(23))
    for xb, yb in batches:
        np.testing.assert_array_equal(yb, xb[:, 0].astype(int) % 3)


def test_minibatches_without_shuffle_keep_the_order():
    X, y = _numbered(7)
    batches = list(data.minibatches(X, y, batch_size=3, shuffle=False))
    np.testing.assert_array_equal(np.concatenate([xb[:, 0] for xb, _ in batches]), np.arange(7))


def test_minibatches_shuffle_is_reproducible():
    X, y = _numbered(30)

    def order(seed):
        return np.concatenate([xb[:, 0] for xb, _ in data.minibatches(X, y, 8, rng=seed)])

    np.testing.assert_array_equal(order(1), order(1))
    assert not np.array_equal(order(1), order(2))
    assert not np.array_equal(order(1), np.arange(30))


def test_minibatches_errors():
    with pytest.raises(ValueError, match="batch_size"):
        list(data.minibatches(np.zeros((4, 2)), np.zeros(4), 0))
    with pytest.raises(ValueError, match="must match"):
        list(data.minibatches(np.zeros((4, 2)), np.zeros(3), 2))


# -- Standardizer ----------------------------------------------------------------------------------


def test_standardizer_on_training_data():
    X = np.random.default_rng(0).normal(
        loc=[5.0, -3.0, 100.0], scale=[2.0, 0.1, 30.0], size=(500, 3)
    )
    Z = data.Standardizer().fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(Z.std(axis=0), 1, rtol=1e-10)


def test_standardizer_uses_the_training_statistics_on_test_data():
    X_train = np.array([[0.0, 10.0], [2.0, 30.0]])  # mean (1, 20), std (1, 10)
    X_test = np.array([[1.0, 20.0], [3.0, 0.0]])
    scaler = data.Standardizer().fit(X_train)
    np.testing.assert_allclose(scaler.mean, [1.0, 20.0])
    np.testing.assert_allclose(scaler.std, [1.0, 10.0])
    np.testing.assert_allclose(scaler.transform(X_test), [[0.0, 0.0], [2.0, -2.0]])


def test_standardizer_constant_column_gives_zeros_not_nan():
    X = np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 3.0]])
    Z = data.Standardizer().fit_transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_array_equal(Z[:, 0], 0.0)


def test_standardizer_keeps_float32():
    X = np.random.default_rng(0).normal(size=(10, 2)).astype(np.float32)
    assert data.Standardizer().fit_transform(X).dtype == np.float32


def test_standardizer_transform_before_fit():
    with pytest.raises(RuntimeError, match="fit"):
        data.Standardizer().transform(np.zeros((2, 2)))


def test_standardizer_checks_the_width():
    scaler = data.Standardizer().fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="expects 2 features"):
        scaler.transform(np.zeros((3, 4)))


# -- images_to_features ----------------------------------------------------------------------------


def test_images_to_features_flattens_and_scales():
    images = np.array([[[0, 255], [51, 102]], [[255, 255], [0, 0]]], dtype=np.uint8)
    X = data.images_to_features(images)
    assert X.shape == (2, 4) and X.dtype == np.float32
    np.testing.assert_allclose(X, [[0.0, 1.0, 0.2, 0.4], [1.0, 1.0, 0.0, 0.0]], rtol=1e-6)


def test_images_to_features_of_the_digits():
    images, _ = data.load_digits()
    X = data.images_to_features(images, max_value=16)
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_images_to_features_is_float32_for_any_pixel_type(dtype):
    images = np.array([[[0, 8], [16, 4]]], dtype=dtype)
    X = data.images_to_features(images, max_value=16)
    assert X.dtype == np.float32


def test_images_to_features_needs_three_dimensions():
    with pytest.raises(ValueError, match=r"\(n, height, width\)"):
        data.images_to_features(np.zeros((4, 64)))


# -- toy problems ----------------------------------------------------------------------------------

GENERATORS = {
    "xor": (lambda rng: data.make_xor(60, rng=rng), 60, {0, 1}),
    "spirals": (lambda rng: data.make_spirals(20, 3, rng=rng), 60, {0, 1, 2}),
    "spirals 5": (lambda rng: data.make_spirals(10, 5, rng=rng), 50, {0, 1, 2, 3, 4}),
    "moons": (lambda rng: data.make_moons(61, rng=rng), 61, {0, 1}),
    "circles": (lambda rng: data.make_circles(60, rng=rng), 60, {0, 1}),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_toy_problem_shapes_dtypes_labels(name):
    make, n, labels = GENERATORS[name]
    X, y = make(0)
    assert X.shape == (n, 2) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == labels
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", GENERATORS)
def test_toy_problem_seed_reproducibility(name):
    make = GENERATORS[name][0]
    X1, y1 = make(3)
    X2, y2 = make(3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make(4)
    assert not np.array_equal(X1, X3)


def test_xor_labels_follow_the_quadrants():
    X, y = data.make_xor(400, noise=0.05, rng=0)
    np.testing.assert_array_equal(y, ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(int))


def test_circles_inner_ring_is_label_one():
    X, y = data.make_circles(200, noise=0.0, factor=0.4, rng=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 1], 0.4, rtol=1e-6)
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-6)


def test_classes_are_balanced():
    _, y = data.make_spirals(30, 4, rng=0)
    np.testing.assert_array_equal(np.bincount(y), [30, 30, 30, 30])
    _, y = data.make_moons(100, rng=0)
    np.testing.assert_array_equal(np.bincount(y), [50, 50])


# -- the bundled digits ----------------------------------------------------------------------------


def test_load_digits():
    images, labels = data.load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert images.min() == 0 and images.max() == 16
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert set(np.unique(labels)) == set(range(10))
    counts = np.bincount(labels)
    assert counts.min() >= 170 and counts.max() <= 190  # about 180 of each digit


def test_load_digits_detects_a_changed_checksum(monkeypatch):
    monkeypatch.setattr(data, "_DIGITS_SHA256", "0" * 64)
    with pytest.raises(OSError, match="corrupt.*[Rr]einstall"):
        data.load_digits()


def _use_package_folder(monkeypatch, folder):
    """Make load_digits look for nnlib's files in ``folder`` instead of the installed package."""
    fake = types.SimpleNamespace(files=lambda package: folder, as_file=contextlib.nullcontext)
    monkeypatch.setattr(data, "resources", fake)


def _copy_digits(tmp_path):
    (tmp_path / "datasets").mkdir()
    original = resources.files("nnlib") / "datasets" / "digits.npz"
    with resources.as_file(original) as source:
        shutil.copy(source, tmp_path / "datasets" / "digits.npz")
    return tmp_path / "datasets" / "digits.npz"


def test_load_digits_from_an_intact_copy(monkeypatch, tmp_path):
    _copy_digits(tmp_path)
    _use_package_folder(monkeypatch, tmp_path)
    images, _ = data.load_digits()
    assert images.shape == (1797, 8, 8)


def test_load_digits_truncated_file_says_reinstall(monkeypatch, tmp_path):
    copy = _copy_digits(tmp_path)
    copy.write_bytes(copy.read_bytes()[:5000])
    _use_package_folder(monkeypatch, tmp_path)
    with pytest.raises(OSError, match=r"digits\.npz.*[Rr]einstall"):
        data.load_digits()


def test_load_digits_changed_pixels_say_reinstall(monkeypatch, tmp_path):
    copy = _copy_digits(tmp_path)
    with np.load(copy) as archive:
        images, labels = archive["images"].copy(), archive["labels"]
    images[0, 0, 0] += 1
    np.savez(copy, images=images, labels=labels)
    _use_package_folder(monkeypatch, tmp_path)
    with pytest.raises(OSError, match=r"corrupt.*[Rr]einstall"):
        data.load_digits()


def test_load_digits_missing_file_says_reinstall(monkeypatch, tmp_path):
    _use_package_folder(monkeypatch, tmp_path)
    with pytest.raises(OSError, match="[Rr]einstall"):
        data.load_digits()
