"""Tests for nnlib.io: saving and loading networks without pickle, and refusing bad files."""

import json
import zipfile

import numpy as np
import pytest

from nnlib import activations, io
from nnlib import layers as L
from nnlib.io import ModelFileError
from nnlib.network import Sequential, build_network


def _every_layer(dtype=np.float32):
    generator = np.random.default_rng(0)
    model = Sequential(
        L.Dense(4, 6, init="he", rng=generator, dtype=dtype),
        L.ReLU(),
        L.Dense(6, 5, rng=generator, dtype=dtype),
        L.LeakyReLU(0.2),
        L.Dropout(0.25, rng=1),
        L.Dense(5, 5, rng=generator, dtype=dtype),
        L.Tanh(),
        L.Dense(5, 4, init="normal", rng=generator, dtype=dtype),
        L.Sigmoid(),
        L.Activation("linear"),
        L.Dense(4, 3, rng=generator, dtype=dtype),
        L.BatchNorm(3, momentum=0.2, dtype=dtype),
        L.Softmax(),
    )
    model.theta[...] = generator.normal(size=model.n_params)  # biases too, not just zeros
    model.layers[-2].forward(generator.normal(size=(6, 3)).astype(dtype))  # running statistics
    return model


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip(tmp_path, dtype):
    model = _every_layer(dtype)
    path = tmp_path / "model.npz"
    io.save(model, path)
    loaded = io.load(path)
    assert repr(loaded) == repr(model)
    assert [layer.config() for layer in loaded.layers] == [layer.config() for layer in model.layers]
    assert loaded.dtype == dtype
    np.testing.assert_array_equal(loaded.theta, model.theta)
    for (name, value, _), (other_name, other_value, _) in zip(
        loaded.named_parameters(), model.named_parameters()
    ):
        assert name == other_name
        np.testing.assert_array_equal(value, other_value)
        assert np.shares_memory(value, loaded.theta)  # the loaded network is trainable as usual
    X = np.random.default_rng(1).normal(size=(6, 4))
    np.testing.assert_array_equal(loaded.eval().forward(X), model.eval().forward(X))


def test_round_trip_of_a_trained_classifier(tmp_path):
    model = build_network([3, 8, 2], ["tanh", "linear"], rng=3)
    model.theta[...] += 0.1
    io.save(model, str(tmp_path / "classifier.npz"))  # a str path works too
    loaded = io.load(str(tmp_path / "classifier.npz"))
    X = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(loaded.forward(X), model.forward(X))


def test_the_file_holds_no_pickled_objects(tmp_path):
    path = tmp_path / "model.npz"
    io.save(_every_layer(), path)
    with np.load(path, allow_pickle=False) as archive:
        names = set(archive.files)
        contents = {name: archive[name] for name in names}
    assert {"format", "architecture", "dtype", "0.W", "0.b"} <= names
    assert all(array.dtype != object for array in contents.values())
    assert str(contents["format"]) == "nnlib-model 2"
    architecture = json.loads(str(contents["architecture"]))
    assert architecture[0] == {"type": "Dense", "n_in": 4, "n_out": 6, "init": "he"}
    assert {"type": "LeakyReLU", "negative_slope": 0.2} in architecture
    assert {"type": "Dropout", "p": 0.25} in architecture


def test_truncated_file(tmp_path):
    path = tmp_path / "model.npz"
    io.save(_every_layer(), path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ModelFileError, match="truncated or corrupt"):
        io.load(path)


def test_damaged_bytes_inside_the_archive(tmp_path):
    path = tmp_path / "model.npz"
    io.save(_every_layer(), path)
    damaged = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("0.W.npy")
    middle = info.header_offset + 30 + len(info.filename) + 200  # inside the stored 0.W data
    damaged[middle] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with pytest.raises(ModelFileError, match=f"{path.name}.*truncated or corrupt"):
        io.load(path)


def test_foreign_npz_is_not_an_nnlib_model(tmp_path):
    path = tmp_path / "arrays.npz"
    generator = np.random.default_rng(0)
    np.savez(path, weights=generator.normal(size=(3, 3)), bias=generator.normal(size=3))
    with pytest.raises(ModelFileError, match="not an nnlib model"):
        io.load(path)


@pytest.mark.parametrize("contents", [b"hello, I am a text file\n", b""], ids=["text", "empty"])
def test_not_a_zip_file(tmp_path, contents):
    path = tmp_path / "model.npz"
    path.write_bytes(contents)
    with pytest.raises(ModelFileError, match=str(path.name)):
        io.load(path)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        io.load(tmp_path / "nowhere.npz")


def _softplus(z):
    return np.logaddexp(0, z)


def test_custom_activation_round_trips_while_registered(tmp_path, activation_registry):
    activations.register_activation("my_softplus", _softplus, activations.sigmoid)
    model = build_network([3, 4, 2], ["my_softplus", "linear"], rng=0)
    path = tmp_path / "custom.npz"
    io.save(model, path)
    loaded = io.load(path)
    assert repr(loaded) == repr(model)
    X = np.ones((2, 3))
    np.testing.assert_array_equal(loaded.forward(X), model.forward(X))


def test_custom_activation_not_registered_at_load_time(tmp_path, activation_registry):
    activations.register_activation("my_softplus", _softplus, activations.sigmoid)
    path = tmp_path / "custom.npz"
    io.save(build_network([3, 4, 2], ["my_softplus", "linear"], rng=0), path)
    del activation_registry["my_softplus"]
    with pytest.raises(ModelFileError, match="cannot rebuild.*my_softplus"):
        io.load(path)


def _rewrite(path, **changes):
    """Rewrite a saved model file with some arrays replaced."""
    with np.load(path, allow_pickle=False) as archive:
        contents = {name: archive[name] for name in archive.files}
    contents.update(changes)
    np.savez(path, **contents)


def test_unknown_layer_type_in_the_file(tmp_path):
    path = tmp_path / "model.npz"
    io.save(build_network([2, 2], ["relu"], rng=0), path)
    architecture = json.dumps([{"type": "Conv2D", "filters": 3}])
    _rewrite(path, architecture=np.array(architecture))
    with pytest.raises(ModelFileError, match="unknown layer type 'Conv2D'"):
        io.load(path)


def test_parameter_of_the_wrong_shape(tmp_path):
    path = tmp_path / "model.npz"
    io.save(build_network([2, 3], ["linear"], rng=0), path)
    _rewrite(path, **{"0.W": np.zeros((3, 2), dtype=np.float32)})
    with pytest.raises(ModelFileError, match=r"0.W should have shape \(2, 3\), found \(3, 2\)"):
        io.load(path)


def test_missing_parameter(tmp_path):
    path = tmp_path / "model.npz"
    io.save(build_network([2, 3], ["linear"], rng=0), path)
    with np.load(path, allow_pickle=False) as archive:
        contents = {name: archive[name] for name in archive.files if name != "0.b"}
    np.savez(path, **contents)
    with pytest.raises(ModelFileError, match="0.b should have shape.*found nothing"):
        io.load(path)


def test_newer_format_version_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "model.npz"
    io.save(build_network([2, 3], ["linear"], rng=0), path)
    _rewrite(path, format=np.array("nnlib-model 3"), nnlib_version=np.array("0.9.0"))
    message = "saved by nnlib 0.9.0 in model-file format 3.*Upgrade"
    with pytest.raises(ModelFileError, match=message):
        io.load(path)


def test_a_file_of_format_1_still_loads(tmp_path):
    """nnlib 0.1 wrote the leaky ReLU slope as "alpha" and no nnlib_version."""
    model = Sequential(L.Dense(3, 4, rng=0), L.LeakyReLU(0.2), L.Dense(4, 2, rng=1))
    path = tmp_path / "old.npz"
    io.save(model, path)
    with np.load(path, allow_pickle=False) as archive:
        contents = {name: archive[name] for name in archive.files if name != "nnlib_version"}
    architecture = json.loads(str(contents["architecture"]))
    architecture[1] = {"type": "LeakyReLU", "alpha": 0.2}
    contents["format"] = np.array("nnlib-model 1")
    contents["architecture"] = np.array(json.dumps(architecture))
    np.savez(path, **contents)
    loaded = io.load(path)
    assert repr(loaded.layers[1]) == "LeakyReLU(negative_slope=0.2)"
    X = np.linspace(-1, 1, 6).reshape(2, 3)
    np.testing.assert_array_equal(loaded.forward(X), model.forward(X))


def test_saving_an_unknown_layer_type_is_refused(tmp_path):
    class Scale(L.Layer):
        def forward(self, X):
            return 2 * X

    with pytest.raises(TypeError, match="Cannot save a Scale layer"):
        io.save(Sequential(L.Dense(2, 2), Scale()), tmp_path / "model.npz")
    assert not (tmp_path / "model.npz").exists()


def test_a_name_without_suffix_is_saved_and_loaded_as_npz(tmp_path):
    model = build_network([3, 2], ["sigmoid"], rng=0)
    written = io.save(model, tmp_path / "model")
    assert written == tmp_path / "model.npz" and written.exists()
    loaded = io.load(tmp_path / "model")
    assert np.array_equal(loaded.theta, model.theta)


def test_batchnorm_running_statistics_are_saved_and_loaded(tmp_path):
    model = _every_layer()
    path = io.save(model, tmp_path / "model.npz")
    loaded = io.load(path)
    for (name, value), (_, again) in zip(model.named_buffers(), loaded.named_buffers()):
        assert name.endswith(("running_mean", "running_var"))
        np.testing.assert_array_equal(value, again)
    assert not np.allclose(loaded.layers[-2].buffers["running_mean"], 0)
    X = np.random.default_rng(2).normal(size=(4, 4)).astype(np.float32)
    np.testing.assert_array_equal(loaded.eval().forward(X), model.eval().forward(X))


def test_missing_buffer_is_named(tmp_path):
    path = io.save(_every_layer(), tmp_path / "model.npz")
    with np.load(path, allow_pickle=False) as archive:
        contents = {k: archive[k] for k in archive.files if not k.endswith("running_var")}
    np.savez(path, **contents)
    with pytest.raises(ModelFileError, match="buffer 11.running_var should have shape"):
        io.load(path)
