"""The full-size image sets, MNIST and Fashion-MNIST: find, download, verify and read (chapter 9).

Both come as four IDX files (training and test images and labels), 70,000 images of 28×28
pixels in all. ``load_mnist`` and ``load_fashion_mnist`` look for each file, as ``name`` or
``name.gz``, in this order:

1. the ``data_dir`` you pass (then only there);
2. ``$NNLIB_DATA/<set>``, if the environment variable NNLIB_DATA is set;
3. the user cache, ``$XDG_CACHE_HOME/nnlib/<set>`` (by default ``~/.cache/nnlib/<set>``);
4. the system location ``/usr/share/datasets/<set>`` (Debian's ``dataset-fashion-mnist``
   package puts Fashion-MNIST there);

and otherwise download it from the official mirrors into the cache (or ``data_dir``).

Every file is checked before use: its IDX header and length, then the SHA-256 of its
uncompressed bytes against the published data set. A truncated, corrupt or foreign file raises
an error naming the file and the fix. A download is written to a temporary file and renamed into
place only after it checks out, so the cache never holds a half-finished file.
"""

import gzip
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SYSTEM_DATA_ROOT = Path("/usr/share/datasets")


@dataclass(frozen=True)
class IdxFile:
    """One IDX file: its name (without .gz) and the SHA-256 of its uncompressed bytes."""

    name: str
    sha256: str


@dataclass(frozen=True)
class IdxDataset:
    """An image set stored as IDX files: a folder name, (images, labels) per split, mirrors."""

    name: str
    splits: dict
    mirrors: tuple


MNIST = IdxDataset(
    name="mnist",
    splits={
        "train": (
            IdxFile(
                "train-images-idx3-ubyte",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            ),
            IdxFile(
                "train-labels-idx1-ubyte",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            ),
        ),
        "test": (
            IdxFile(
                "t10k-images-idx3-ubyte",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            ),
            IdxFile(
                "t10k-labels-idx1-ubyte",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ),
        ),
    },
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
)

FASHION_MNIST = IdxDataset(
    name="fashion-mnist",
    splits={
        "train": (
            IdxFile(
                "train-images-idx3-ubyte",
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            ),
            IdxFile(
                "train-labels-idx1-ubyte",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            ),
        ),
        "test": (
            IdxFile(
                "t10k-images-idx3-ubyte",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            ),
            IdxFile(
                "t10k-labels-idx1-ubyte",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            ),
        ),
    },
    mirrors=(
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ),
)

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# IDX type codes (third byte of the magic number) → big-endian numpy dtype.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataFileError(ValueError):
    """A data file is missing, truncated, corrupt or not the expected one.

    ``problem`` says what is wrong and ``fix`` what to do; the message is both.
    """

    def __init__(self, problem, fix=""):
        super().__init__(f"{problem} {fix}".strip())
        self.problem, self.fix = problem, fix


REFETCH = "Delete the file and load again to fetch a fresh copy."

# Deflate never compresses better than about 1032 to 1, so a gzip file of b bytes cannot hold
# more than this many times b once decompressed.
_GZIP_MAX_RATIO = 1100


# -- reading IDX files -----------------------------------------------------------------------


def _is_gzip(path):
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _read_exactly(stream, n, path, what):
    data = stream.read(n)
    if len(data) != n:
        raise DataFileError(
            f"{path} is truncated: its {what} needs {n} bytes but only {len(data)} remain.",
            REFETCH,
        )
    return data


def read_idx(path, sha256=None):
    """Read an IDX file (optionally gzip-compressed) into a numpy array.

    The header gives the element type and the shape; e.g. MNIST training images are uint8
    (60000, 28, 28). If sha256 is given, the uncompressed bytes must have that digest.
    Raises DataFileError for a bad magic number, a header announcing more data than the file
    holds, a truncated body, trailing bytes, a broken gzip stream or a digest mismatch — each
    message names the file and the fix.
    """
    path = Path(path)
    compressed = _is_gzip(path)
    on_disk = path.stat().st_size
    digest = hashlib.sha256()
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as stream:
            magic = _read_exactly(stream, 4, path, "magic number")
            if magic[:2] != b"\x00\x00" or magic[2] not in _IDX_TYPES or magic[3] == 0:
                raise DataFileError(
                    f"{path} is not an IDX file (it starts with bytes {magic.hex()}, expected "
                    "00 00, a type code such as 08, and the number of dimensions).",
                    "Check that you have the right file, or delete it and load again.",
                )
            ndim = magic[3]
            dims_bytes = _read_exactly(stream, 4 * ndim, path, "dimensions")
            shape = tuple(int(d) for d in np.frombuffer(dims_bytes, dtype=">u4"))
            dtype = np.dtype(_IDX_TYPES[magic[2]])
            nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
            room = on_disk * _GZIP_MAX_RATIO if compressed else on_disk - 4 - 4 * ndim
            if nbytes > room:  # check before allocating: a corrupt header can ask for terabytes
                raise DataFileError(
                    f"{path} is truncated or corrupt: its header announces shape {shape} "
                    f"({nbytes:,} bytes of data), more than the file's {on_disk:,} bytes can "
                    "hold.",
                    REFETCH,
                )
            array = np.empty(shape, dtype=dtype)
            body = memoryview(array.reshape(-1).view(np.uint8))
            got = stream.readinto(body)
            if got != array.nbytes:
                raise DataFileError(
                    f"{path} is truncated: its header announces shape {shape} "
                    f"({array.nbytes:,} bytes of data) but only {got:,} bytes follow.",
                    REFETCH,
                )
            if stream.read(1):
                raise DataFileError(
                    f"{path} has bytes after the {array.nbytes:,} its header announces, so it "
                    "is not a valid IDX file.",
                    REFETCH,
                )
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise DataFileError(f"{path} is a damaged gzip file ({error}).", REFETCH) from error
    for part in (magic, dims_bytes, body):
        digest.update(part)
    if sha256 is not None and digest.hexdigest() != sha256:
        raise DataFileError(
            f"{path} is a well-formed IDX file but not the expected one: its SHA-256 is "
            f"{digest.hexdigest()}, the published file's is {sha256}.",
            "It may be corrupt or from another data set: delete it and load again to "
            "download the right one.",
        )
    return array.astype(dtype.newbyteorder("="), copy=False)


# -- finding and downloading files -----------------------------------------------------------


def cache_dir(dataset_name):
    """The user cache folder of a data set: $XDG_CACHE_HOME/nnlib/<name>, by default
    ~/.cache/nnlib/<name>."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnlib" / dataset_name


def search_dirs(dataset, data_dir=None):
    """The folders searched for a data set's files, in order (see the module docstring)."""
    if data_dir is not None:
        return [Path(data_dir)]
    dirs = []
    if os.environ.get("NNLIB_DATA"):
        dirs.append(Path(os.environ["NNLIB_DATA"]) / dataset.name)
    dirs.append(cache_dir(dataset.name))
    dirs.append(SYSTEM_DATA_ROOT / dataset.name)
    return dirs


def _find(file, dirs):
    for folder in dirs:
        for candidate in (folder / file.name, folder / f"{file.name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def _download(file, mirrors, folder, timeout=60):
    """Download ``file``.gz from the first mirror that serves a verified copy; return its path.

    The bytes go to a temporary file in ``folder`` and are renamed into place only after
    read_idx accepts them, so an interrupted or corrupt download leaves nothing behind.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataFileError(
            f"Cannot create the data folder {folder} ({error}). Pass data_dir= a writable "
            "folder, or set the environment variable NNLIB_DATA to one."
        ) from error
    target = folder / f"{file.name}.gz"
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + f"/{file.name}.gz"
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{file.name}.", suffix=".part")
        try:
            print(f"Downloading {url}")
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as r:
                while chunk := r.read(1 << 20):
                    out.write(chunk)
            read_idx(temporary, file.sha256)
            os.replace(temporary, target)
            return target
        except DataFileError as error:  # the mirror served something other than the file
            failures.append(f"  {url}: {error.problem.replace(str(temporary), 'the download')}")
        except OSError as error:  # URLError and timeouts are OSErrors
            failures.append(f"  {url}: {error}")
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    raise DataFileError(
        f"Could not download {file.name}.gz from any mirror:\n" + "\n".join(failures) + "\n"
        f"Without internet, copy the four files of the data set into {folder} "
        "(or pass data_dir=) and load again."
    )


def load_idx_dataset(dataset, split="train", data_dir=None, download=True, mirrors=None):
    """Load one split of an IDX image set: returns images: (n, h, w) uint8 and labels: (n,) int64.

    dataset: an IdxDataset such as MNIST or FASHION_MNIST. split: "train" or "test".
    data_dir: a folder to use instead of the standard places. download: fetch missing files.
    mirrors: base URLs to download from instead of the official ones (e.g. a local mirror).
    """
    if split not in dataset.splits:
        raise ValueError(f"split must be one of {sorted(dataset.splits)}, got {split!r}.")
    dirs = search_dirs(dataset, data_dir)
    arrays = []
    for file in dataset.splits[split]:
        path = _find(file, dirs)
        if path is None:
            if not download:
                places = ", ".join(str(d) for d in dirs)
                raise DataFileError(
                    f"{file.name} of {dataset.name} not found (looked in {places}). "
                    "Call again with download=True, or copy the file into one of those folders."
                )
            folder = Path(data_dir) if data_dir is not None else cache_dir(dataset.name)
            path = _download(file, mirrors or dataset.mirrors, folder)
        arrays.append(read_idx(path, file.sha256))
    images, labels = arrays
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataFileError(
            f"{dataset.name} {split}: images of shape {images.shape} do not fit labels of "
            f"shape {labels.shape}."
        )
    return images, labels.astype(np.int64)


def load_mnist(split="train", data_dir=None, download=True, mirrors=None):
    """MNIST handwritten digits: images (60000 or 10000, 28, 28) uint8 in 0–255, labels int64.

    split: "train" (60,000) or "test" (10,000). See ``load_idx_dataset`` for the other
    arguments and the module docstring for where files are looked for.
    """
    return load_idx_dataset(MNIST, split, data_dir, download, mirrors)


def load_fashion_mnist(split="train", data_dir=None, download=True, mirrors=None):
    """Fashion-MNIST clothing images, the same shapes as MNIST; label names in
    ``FASHION_MNIST_CLASSES``. On Debian, ``apt install dataset-fashion-mnist`` provides it.
    """
    return load_idx_dataset(FASHION_MNIST, split, data_dir, download, mirrors)
