"""Tests for nnlib.mnist: reading IDX files, finding them, and downloading them — all offline.

The IDX files are written here (a tiny made-up data set), and the download path is tested
against a local HTTP server on 127.0.0.1 that serves good, corrupt and truncated copies.
"""

import functools
import gzip
import hashlib
import http.server
import re
import socket
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from nnlib import data, mnist
from nnlib.mnist import DataFileError, IdxDataset, IdxFile

# -- writing IDX files -----------------------------------------------------------------------------

_TYPE_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
    np.dtype(np.float64): 0x0E,
}


def idx_bytes(array):
    """The IDX encoding of ``array``: two zero bytes, the type code, the number of dimensions,
    each dimension as a big-endian uint32, then the data in big-endian byte order."""
    array = np.asarray(array)
    header = bytes([0, 0, _TYPE_CODES[array.dtype], array.ndim])
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, compress=False):
    """Write ``array`` as an IDX file (gzip-compressed if asked); return the uncompressed bytes."""
    raw = idx_bytes(array)
    Path(path).write_bytes(gzip.compress(raw, mtime=0) if compress else raw)
    return raw


def sha256(raw):
    return hashlib.sha256(raw).hexdigest()


# A tiny data set in the layout of MNIST: 6 training and 3 test images of 4×4 pixels.
_generator = np.random.default_rng(0)
IMAGES = {
    "train": _generator.integers(0, 256, size=(6, 4, 4), dtype=np.uint8),
    "test": _generator.integers(0, 256, size=(3, 4, 4), dtype=np.uint8),
}
LABELS = {
    "train": np.array([0, 1, 2, 3, 4, 5], dtype=np.uint8),
    "test": np.array([9, 8, 7], dtype=np.uint8),
}
NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

TINY = IdxDataset(
    name="tiny-mnist",
    splits={
        split: (
            IdxFile(NAMES[split][0], sha256(idx_bytes(IMAGES[split]))),
            IdxFile(NAMES[split][1], sha256(idx_bytes(LABELS[split]))),
        )
        for split in ("train", "test")
    },
    mirrors=(),
)


def write_tiny(folder, split="train", compress=False):
    """Write the four (or two, for one split) files of TINY into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if compress else ""
    write_idx(folder / (NAMES[split][0] + suffix), IMAGES[split], compress)
    write_idx(folder / (NAMES[split][1] + suffix), LABELS[split], compress)
    return folder


def write_garbage(folder, split="train"):
    """Files with the right names and the wrong contents: loading them would fail loudly."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in NAMES[split]:
        (folder / name).write_bytes(b"this is not an IDX file")
    return folder


def assert_tiny(images, labels, split="train"):
    np.testing.assert_array_equal(images, IMAGES[split])
    np.testing.assert_array_equal(labels, LABELS[split])
    assert images.dtype == np.uint8 and labels.dtype == np.int64


@pytest.fixture
def places(monkeypatch, tmp_path):
    """Point every standard place at an empty temporary folder: no NNLIB_DATA, the user cache
    under tmp_path/cache, the system data root under tmp_path/system. Also no proxies, so that
    urllib talks to 127.0.0.1 directly."""
    monkeypatch.delenv("NNLIB_DATA", raising=False)
    for proxy in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist, "SYSTEM_DATA_ROOT", tmp_path / "system")
    return tmp_path


# -- read_idx --------------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_read_idx_round_trip(tmp_path, compress):
    path = tmp_path / "images"
    raw = write_idx(path, IMAGES["train"], compress)
    array = mnist.read_idx(path, sha256=sha256(raw))
    np.testing.assert_array_equal(array, IMAGES["train"])
    assert array.dtype == np.uint8 and array.shape == (6, 4, 4)


@pytest.mark.parametrize(
    "array",
    [
        np.array([-3, 0, 300, -32768], dtype=np.int16),
        np.array([[1.5, -2.25]], dtype=np.float32),
        np.array([1e300, -1.0], dtype=np.float64),
        np.array([-7, 100_000], dtype=np.int32),
        np.array([-128, 127], dtype=np.int8),
    ],
    ids=["int16", "float32", "float64", "int32", "int8"],
)
def test_read_idx_other_element_types_in_native_byte_order(tmp_path, array):
    write_idx(tmp_path / "values", array)
    got = mnist.read_idx(tmp_path / "values")
    np.testing.assert_array_equal(got, array)
    assert got.dtype == array.dtype  # big-endian on disk, native in memory
    assert got.dtype.isnative


def test_read_idx_header_by_hand(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(b"\x00\x00\x08\x01" + b"\x00\x00\x00\x03" + b"\x07\x08\x09")
    np.testing.assert_array_equal(mnist.read_idx(path), [7, 8, 9])


def _raises_naming(path, *fragments):
    """pytest.raises(DataFileError) whose message names ``path`` and contains the fragments."""
    pattern = re.escape(str(path)) + ".*" + ".*".join(fragments)
    return pytest.raises(DataFileError, match=re.compile(pattern, re.DOTALL))


@pytest.mark.parametrize(
    "start",
    [b"\x01\x02\x08\x01", b"\x00\x00\x07\x01", b"\x00\x00\x08\x00", b"PK\x03\x04"],
    ids=["magic", "type code", "zero dimensions", "zip file"],
)
def test_read_idx_wrong_magic_names_the_file(tmp_path, start):
    path = tmp_path / "strange"
    path.write_bytes(start + b"\x00\x00\x00\x01" + b"\x05")
    with _raises_naming(path, "not an IDX file"):
        mnist.read_idx(path)


def test_read_idx_truncated_body(tmp_path):
    path = tmp_path / "images"
    raw = idx_bytes(IMAGES["train"])
    path.write_bytes(raw[:-10])
    with _raises_naming(path, "truncated", "Delete the file"):
        mnist.read_idx(path)


@pytest.mark.parametrize("length", [0, 3, 6], ids=["empty", "half a magic", "half the dims"])
def test_read_idx_truncated_header(tmp_path, length):
    path = tmp_path / "images"
    path.write_bytes(idx_bytes(IMAGES["train"])[:length])
    with _raises_naming(path, "truncated"):
        mnist.read_idx(path)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_read_idx_trailing_bytes(tmp_path, compress):
    path = tmp_path / "labels"
    raw = idx_bytes(LABELS["train"]) + b"\x00extra"
    path.write_bytes(gzip.compress(raw) if compress else raw)
    with _raises_naming(path, "bytes after"):
        mnist.read_idx(path)


def test_read_idx_truncated_gzip(tmp_path):
    path = tmp_path / "images.gz"
    compressed = gzip.compress(idx_bytes(IMAGES["train"]))
    path.write_bytes(compressed[: len(compressed) // 2])
    with _raises_naming(path, "damaged gzip"):
        mnist.read_idx(path)


def test_read_idx_damaged_gzip(tmp_path):
    path = tmp_path / "images.gz"
    compressed = bytearray(gzip.compress(idx_bytes(IMAGES["train"])))
    for i in range(12, len(compressed) - 8):  # the deflate stream, not the gzip header
        compressed[i] ^= 0x5A
    path.write_bytes(bytes(compressed))
    with _raises_naming(path, "damaged gzip"):
        mnist.read_idx(path)


def test_read_idx_wrong_checksum(tmp_path):
    path = tmp_path / "labels"
    raw = write_idx(path, LABELS["train"])
    with _raises_naming(path, "SHA-256", sha256(raw), "0" * 64):
        mnist.read_idx(path, sha256="0" * 64)


def test_read_idx_absurd_dimensions_are_a_data_file_error(tmp_path):
    path = tmp_path / "images"
    path.write_bytes(b"\x00\x00\x08\x03" + b"\xff\xff\xff\xff" * 3 + b"\x00" * 16)
    with _raises_naming(path):
        mnist.read_idx(path)


# -- where the loader looks ------------------------------------------------------------------------


def test_search_dirs_order(places, monkeypatch):
    monkeypatch.setenv("NNLIB_DATA", str(places / "env"))
    assert mnist.search_dirs(TINY) == [
        places / "env" / "tiny-mnist",
        places / "cache" / "nnlib" / "tiny-mnist",
        places / "system" / "tiny-mnist",
    ]
    assert mnist.search_dirs(TINY, data_dir=places / "mine") == [places / "mine"]


def test_cache_dir_defaults_to_home_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert mnist.cache_dir("mnist") == tmp_path / ".cache" / "nnlib" / "mnist"


def test_explicit_data_dir_is_used(places):
    folder = write_tiny(places / "mine")
    write_garbage(places / "cache" / "nnlib" / "tiny-mnist")
    assert_tiny(*mnist.load_idx_dataset(TINY, "train", data_dir=folder, download=False))


def test_explicit_data_dir_is_the_only_place_looked_at(places):
    write_tiny(places / "cache" / "nnlib" / "tiny-mnist")
    (places / "mine").mkdir()
    with pytest.raises(DataFileError, match="not found") as info:
        mnist.load_idx_dataset(TINY, "train", data_dir=places / "mine", download=False)
    assert str(places / "mine") in str(info.value)
    assert "cache" not in str(info.value)


def test_environment_variable_comes_before_the_cache(places, monkeypatch):
    write_tiny(places / "env" / "tiny-mnist", compress=True)
    write_garbage(places / "cache" / "nnlib" / "tiny-mnist")
    monkeypatch.setenv("NNLIB_DATA", str(places / "env"))
    assert_tiny(*mnist.load_idx_dataset(TINY, "train", download=False))


def test_user_cache_comes_before_the_system_folder(places):
    write_tiny(places / "cache" / "nnlib" / "tiny-mnist")
    write_garbage(places / "system" / "tiny-mnist")
    assert_tiny(*mnist.load_idx_dataset(TINY, "train", download=False))


def test_system_folder_is_used_last(places):
    write_tiny(places / "system" / "tiny-mnist", split="test", compress=True)
    assert_tiny(*mnist.load_idx_dataset(TINY, "test", download=False), split="test")


def test_nothing_found_lists_every_place_searched(places, monkeypatch):
    monkeypatch.setenv("NNLIB_DATA", str(places / "env"))
    with pytest.raises(
        DataFileError, match="train-images-idx3-ubyte of tiny-mnist not found"
    ) as info:
        mnist.load_idx_dataset(TINY, "train", download=False)
    message = str(info.value)
    for folder in mnist.search_dirs(TINY):
        assert str(folder) in message
    assert "download=True" in message


def test_load_mnist_looks_for_the_mnist_files(places):
    with pytest.raises(DataFileError, match="train-images-idx3-ubyte of mnist not found") as info:
        mnist.load_mnist("train", download=False)
    assert str(places / "cache" / "nnlib" / "mnist") in str(info.value)
    with pytest.raises(DataFileError, match="t10k-images-idx3-ubyte of mnist not found"):
        data.load_mnist("test", data_dir=places, download=False)


def test_a_corrupt_file_in_a_searched_place_is_an_error_not_skipped(places):
    folder = write_tiny(places / "cache" / "nnlib" / "tiny-mnist")
    (folder / NAMES["train"][1]).write_bytes(idx_bytes(LABELS["test"]))  # the wrong labels
    with _raises_naming(folder / NAMES["train"][1], "SHA-256"):
        mnist.load_idx_dataset(TINY, "train", download=False)


def test_unknown_split(places):
    with pytest.raises(ValueError, match="split must be one of"):
        mnist.load_idx_dataset(TINY, "validation")


def test_images_and_labels_must_fit_together(places):
    mismatched = IdxDataset(
        name="mismatched",
        splits={
            "train": (
                IdxFile("images", sha256(idx_bytes(IMAGES["train"]))),
                IdxFile("labels", sha256(idx_bytes(LABELS["test"]))),
            )
        },
        mirrors=(),
    )
    write_idx(places / "images", IMAGES["train"])
    write_idx(places / "labels", LABELS["test"])
    with pytest.raises(DataFileError, match="do not fit"):
        mnist.load_idx_dataset(mismatched, "train", data_dir=places, download=False)


# -- downloading, from a local HTTP server ---------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """A local HTTP server with four mirrors of TINY: good/ (correct .gz files), corrupt/
    (random bytes under the right names), other/ (well-formed IDX files of other data) and
    truncated/ (the first half of each .gz file). Yields its base URL."""
    root = tmp_path_factory.mktemp("mirror")
    write_tiny(root / "good", "train", compress=True)
    write_tiny(root / "good", "test", compress=True)
    generator = np.random.default_rng(1)
    for name in NAMES["train"]:
        (root / "corrupt").mkdir(exist_ok=True)
        (root / "corrupt" / f"{name}.gz").write_bytes(generator.bytes(300))
    (root / "other").mkdir()
    write_idx(root / "other" / (NAMES["train"][0] + ".gz"), IMAGES["train"][::-1], compress=True)
    write_idx(root / "other" / (NAMES["train"][1] + ".gz"), LABELS["train"][::-1], compress=True)
    (root / "truncated").mkdir()
    for name in NAMES["train"]:
        whole = (root / "good" / f"{name}.gz").read_bytes()
        (root / "truncated" / f"{name}.gz").write_bytes(whole[: len(whole) // 2])
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _cache(places):
    return places / "cache" / "nnlib" / "tiny-mnist"


def test_download_lands_in_the_cache_and_loads(places, mirror, capsys):
    images, labels = mnist.load_idx_dataset(TINY, "train", mirrors=[f"{mirror}/good/"])
    assert_tiny(images, labels)
    assert sorted(p.name for p in _cache(places).iterdir()) == sorted(
        f"{n}.gz" for n in NAMES["train"]
    )
    assert f"Downloading {mirror}/good/train-images-idx3-ubyte.gz" in capsys.readouterr().out
    # the second time it comes from the cache, without a server
    assert_tiny(*mnist.load_idx_dataset(TINY, "train", download=False))


def test_download_into_an_explicit_data_dir(places, mirror):
    folder = places / "mine"
    images, labels = mnist.load_idx_dataset(
        TINY, "test", data_dir=folder, mirrors=[f"{mirror}/good"]
    )
    assert_tiny(images, labels, split="test")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.gz" for n in NAMES["test"])
    assert not _cache(places).exists()


@pytest.mark.parametrize("bad", ["corrupt", "other", "truncated"])
def test_a_bad_mirror_is_an_error_and_leaves_nothing_behind(places, mirror, bad):
    url = f"{mirror}/{bad}/"
    with pytest.raises(
        DataFileError, match="Could not download train-images-idx3-ubyte.gz"
    ) as info:
        mnist.load_idx_dataset(TINY, "train", mirrors=[url])
    assert url + "train-images-idx3-ubyte.gz" in str(info.value)
    assert ".part" not in str(info.value)  # the deleted temporary file is not named
    leftovers = list(_cache(places).rglob("*")) if _cache(places).exists() else []
    assert leftovers == []  # neither the bad file nor a .part temporary file


def test_the_second_mirror_is_used_when_the_first_is_corrupt(places, mirror, capsys):
    mirrors = [f"{mirror}/corrupt/", f"{mirror}/good/"]
    assert_tiny(*mnist.load_idx_dataset(TINY, "train", mirrors=mirrors))
    out = capsys.readouterr().out
    assert f"{mirror}/corrupt/train-images-idx3-ubyte.gz" in out
    assert f"{mirror}/good/train-images-idx3-ubyte.gz" in out
    assert sorted(p.name for p in _cache(places).iterdir()) == sorted(
        f"{n}.gz" for n in NAMES["train"]
    )


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_mirror_is_reported(places):
    url = f"http://127.0.0.1:{_closed_port()}/"
    with pytest.raises(DataFileError, match="Could not download") as info:
        mnist.load_idx_dataset(TINY, "train", mirrors=[url])
    message = str(info.value)
    assert url + "train-images-idx3-ubyte.gz" in message
    assert "refused" in message.lower()
    assert "copy the four files" in message
    assert list(_cache(places).iterdir()) == []


def test_a_missing_file_on_the_mirror_is_reported(places, mirror):
    with pytest.raises(DataFileError, match="404"):
        mnist.load_idx_dataset(TINY, "train", mirrors=[f"{mirror}/nowhere/"])


def test_an_unwritable_cache_is_reported(places, mirror):
    (places / "cache").write_text("a file where the cache folder should be")
    with pytest.raises(DataFileError, match="Cannot create the data folder"):
        mnist.load_idx_dataset(TINY, "train", mirrors=[f"{mirror}/good/"])


# -- the real Fashion-MNIST from Debian's dataset-fashion-mnist package ----------------------------


def test_fashion_mnist_from_the_debian_package(monkeypatch, tmp_path):
    system = Path("/usr/share/datasets/fashion-mnist")
    if not system.is_dir():
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    monkeypatch.delenv("NNLIB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # an empty cache
    assert mnist.SYSTEM_DATA_ROOT == Path("/usr/share/datasets")
    images, labels = data.load_fashion_mnist("train", download=False)
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (60000,) and labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(labels), [6000] * 10)
    assert images.max() == 255 and images.min() == 0
    test_images, test_labels = mnist.load_fashion_mnist("test", download=False)
    assert test_images.shape == (10000, 28, 28)
    np.testing.assert_array_equal(np.bincount(test_labels), [1000] * 10)
    assert len(data.FASHION_MNIST_CLASSES) == 10


def test_the_test_suite_cannot_reach_the_internet():
    # conftest.py refuses connections to anything but this machine; 192.0.2.1 is TEST-NET-1.
    with pytest.raises(OSError, match="tests must stay offline"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
