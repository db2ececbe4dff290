"""Saving and loading a trained network without pickle (chapter 9).

A model file is a NumPy ``.npz`` archive holding plain arrays only:

- ``format``: the text "nnlib-model" and a format version, so foreign files are recognised;
- ``nnlib_version``: the version of nnlib that wrote the file (for error messages);
- ``architecture``: JSON text listing each layer's type and constructor arguments;
- one array per parameter, named like ``0.W`` (layer index, parameter name), and one per
  buffer (state that is not trained, such as BatchNorm's ``2.running_mean``).

Loading uses ``np.load(..., allow_pickle=False)``, so a model file can never run code, and
checks every array's shape against the architecture.

Format versions: 1 (nnlib 0.1) wrote the leaky ReLU slope as ``alpha``; 2 (nnlib 0.2) writes
``negative_slope`` and saves buffers. Files of both versions load; a file of a newer version
gets an error that says to upgrade nnlib.
"""

import json
import zipfile
from pathlib import Path

import numpy as np

from nnlib import __version__
from nnlib.layers import LAYER_TYPES
from nnlib.network import Sequential

FORMAT = "nnlib-model"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)


class ModelFileError(ValueError):
    """A file is not a readable nnlib model."""


def _with_suffix(path):
    """NumPy adds ".npz" to a file name without it; do the same, so save and load agree."""
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def save(model, path):
    """Save a Sequential network (architecture and parameters) to ``path``, an .npz file
    (".npz" is added if the name lacks it). Returns the path written."""
    path = _with_suffix(path)
    architecture = [{"type": type(layer).__name__, **layer.config()} for layer in model.layers]
    for entry in architecture:
        if entry["type"] not in LAYER_TYPES:
            raise TypeError(
                f"Cannot save a {entry['type']} layer: nnlib.io knows only {sorted(LAYER_TYPES)}."
            )
    arrays = {name: value for name, value, _ in model.named_parameters()}
    arrays.update(model.named_buffers())
    np.savez(
        path,
        format=np.array(f"{FORMAT} {FORMAT_VERSION}"),
        nnlib_version=np.array(__version__),
        architecture=np.array(json.dumps(architecture)),
        dtype=np.array(str(model.dtype)),
        **arrays,
    )
    return path


def load(path):
    """Load a network saved with ``save``. Raises ModelFileError for a corrupt or foreign file."""
    if not Path(path).exists() and _with_suffix(path).exists():
        path = _with_suffix(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            contents = {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ModelFileError(
            f"{path} is not a readable nnlib model file ({error}). It may be truncated or "
            "corrupt: save the model again."
        ) from error
    version = _format_version(path, contents)
    try:
        architecture = json.loads(str(contents["architecture"]))
        dtype = np.dtype(str(contents["dtype"]))
        layers = [_build_layer(_upgrade(entry, version), dtype) for entry in architecture]
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: cannot rebuild the network's layers ({error}).") from error
    model = Sequential(*layers)
    stored = [(name, value, "parameter") for name, value, _ in model.named_parameters()]
    stored += [(name, value, "buffer") for name, value in model.named_buffers()]
    for name, value, kind in stored:
        if name not in contents or contents[name].shape != value.shape:
            found = contents[name].shape if name in contents else "nothing"
            raise ModelFileError(
                f"{path}: {kind} {name} should have shape {value.shape}, found {found}."
            )
        value[...] = contents[name]
    return model


def _format_version(path, contents):
    """The file's format version, or a ModelFileError saying what the file is and what to do."""
    name, _, version = str(contents.get("format", "")).partition(" ")
    if name != FORMAT or not version.isdigit():
        raise ModelFileError(
            f"{path} is a NumPy archive but not an nnlib model (format "
            f"{str(contents.get('format', 'missing'))!r}). Load it with np.load instead."
        )
    if int(version) not in READABLE_VERSIONS:
        writer = str(contents.get("nnlib_version", "a newer nnlib"))
        raise ModelFileError(
            f"{path} was saved by nnlib {writer} in model-file format {version}, but this is "
            f"nnlib {__version__}, which reads formats {READABLE_VERSIONS}. Upgrade nnlib "
            "(pip install --upgrade nnlib, or git pull in the course folder) to load it."
        )
    return int(version)


def _upgrade(entry, version):
    """A layer entry of an older format, in the words of the current one."""
    entry = dict(entry)
    if version == 1 and "alpha" in entry:  # LeakyReLU's slope, or leaky_relu's option
        entry["negative_slope"] = entry.pop("alpha")
    return entry


def _build_layer(entry, dtype):
    entry = dict(entry)
    kind = entry.pop("type")
    if kind not in LAYER_TYPES:
        raise ValueError(f"unknown layer type {kind!r}")
    if kind == "BatchNorm":
        return LAYER_TYPES[kind](**entry, dtype=dtype)
    if kind == "Dense":  # the weights come from the file, so skip the random draw
        init = entry.pop("init", "xavier")
        layer = LAYER_TYPES[kind](**entry, init="zeros", dtype=dtype)
        layer.init = init
        return layer
    return LAYER_TYPES[kind](**entry)
