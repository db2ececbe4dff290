"""How fast is nnlib's training loop compared with the matrix products it cannot avoid?

    python benchmarks/train_mlp.py            (or: make benchmark)

Network: 784-128-10 MLP (ReLU, softmax cross-entropy), Adam lr 1e-3, batch 128, float32,
Fashion-MNIST's 60,000 training images (random data of the same shape if the set is not found).
Everything below is measured in this one run, on this machine:

- the floor: one epoch of *bare* matrix products at the same shapes, preallocated — the 2 forward
  and 4 backward GEMMs of every step (and the 5 that remain without the input gradient, which
  training never needs);
- nnlib: seconds per epoch of ``nnlib.training.fit``, the median of epochs 2–4, and epoch 5 next
  to epoch 2 (Adam's subnormal guard keeps late epochs as fast as early ones);
- test accuracy after 5 epochs; ``predict`` on the 10,000 test images against its two GEMMs;
- peak memory (resident set size) against the size of the data set;
- where an nnlib epoch goes: the GEMMs, Adam's update and the batch gathering, each timed on its
  own, and the rest (the small element-wise steps, and the cost of data moving between the two
  cores: the BLAS threads read W1 and the batch that the main thread has just written);
- PyTorch, if it happens to be installed, timed on the same network in a separate process (so its
  memory and threads do not disturb the numbers above). nnlib never depends on it.
"""

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

import nnlib
from nnlib import optim
from nnlib.data import images_to_features, load_fashion_mnist
from nnlib.mnist import DataFileError
from nnlib.network import build_network
from nnlib.optim import Adam
from nnlib.training import evaluate, fit, predict

BATCH, HIDDEN, CLASSES, EPOCHS = 128, 128, 10, 5


def load_data(seed=0):
    """(X_train, y_train, X_test, y_test, description), float32 features in [0, 1]."""
    try:
        train_images, y_train = load_fashion_mnist("train", download=False)
        test_images, y_test = load_fashion_mnist("test", download=False)
        X_train, X_test = images_to_features(train_images), images_to_features(test_images)
        return X_train, y_train, X_test, y_test, "Fashion-MNIST"
    except DataFileError as error:
        print(f"Fashion-MNIST not found ({error}); using random data of the same shape.")
        rng = np.random.default_rng(seed)
        X_train = rng.random((60_000, 784), dtype=np.float32)
        X_test = rng.random((10_000, 784), dtype=np.float32)
        y_train, y_test = rng.integers(0, 10, 60_000), rng.integers(0, 10, 10_000)
        return X_train, y_train, X_test, y_test, "random data (accuracy meaningless)"


def median_seconds(function, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return float(np.median(times))


class GemmFloor:
    """One epoch of the bare GEMMs at the network's shapes, on preallocated arrays."""

    def __init__(self, X, seed=0):
        rng = np.random.default_rng(seed)
        self.steps = len(X) // BATCH
        self.Xb = np.ascontiguousarray(X[:BATCH])
        self.W1 = rng.normal(0, 0.05, (784, HIDDEN)).astype(np.float32)
        self.W2 = rng.normal(0, 0.1, (HIDDEN, CLASSES)).astype(np.float32)
        self.A1 = np.empty((BATCH, HIDDEN), np.float32)
        self.Z2 = np.empty((BATCH, CLASSES), np.float32)
        self.dZ2 = rng.normal(0, 0.01, (BATCH, CLASSES)).astype(np.float32)
        self.dA1 = np.empty_like(self.A1)
        self.dW1, self.dW2 = np.empty_like(self.W1), np.empty_like(self.W2)
        self.dX = np.empty_like(self.Xb)

    def epoch(self, with_input_gradient=True):
        """Seconds for one epoch: 2 forward and 4 backward GEMMs per step (3 without dX)."""
        started = time.perf_counter()
        for _ in range(self.steps):
            np.matmul(self.Xb, self.W1, out=self.A1)  # forward, layer 1
            np.matmul(self.A1, self.W2, out=self.Z2)  # forward, layer 2
            np.matmul(self.A1.T, self.dZ2, out=self.dW2)  # backward: dW2
            np.matmul(self.dZ2, self.W2.T, out=self.dA1)  # backward: dA1
            np.matmul(self.Xb.T, self.dA1, out=self.dW1)  # backward: dW1
            if with_input_gradient:
                np.matmul(self.dA1, self.W1.T, out=self.dX)  # dX: never needed in training
        return time.perf_counter() - started


def busy_machine_note(floor_times, tolerance=0.15):
    """A warning if the floor's epochs differ by more than ``tolerance`` of their median, else "".

    The floor does exactly the same work every epoch. On a quiet virtual machine its epochs still
    differ by up to about 10%; a larger spread means that something else was using the CPU during
    the run, and every figure of the run is less trustworthy."""
    spread = (max(floor_times) - min(floor_times)) / float(np.median(floor_times))
    if spread <= tolerance:
        return ""
    return (
        f"note: the floor's epochs varied by {spread:.0%}, so something else was using the CPU "
        "during this run; rerun for cleaner figures."
    )


def parts_of_an_epoch(model, X, seed=0):
    """Seconds per epoch of two parts of nnlib's step, each timed on its own: gathering the
    shuffled batches, and Adam's update of every parameter. Run on copies, so the trained model
    is left as it was. Returns {"gather": s, "adam": s}."""
    steps = len(X) // BATCH
    order = np.random.default_rng(seed).permutation(len(X))
    started = time.perf_counter()
    for b in range(steps):
        _ = X[order[b * BATCH : (b + 1) * BATCH]]  # the copy training makes; the result is unused
    gather = time.perf_counter() - started
    theta, grad = model.theta.copy(), model.grad.copy()
    optimizer = Adam([(theta, grad)], lr=1e-3)
    optimizer.step()  # warm up
    started = time.perf_counter()
    for _ in range(steps):
        optimizer.step()
    return {"gather": gather, "adam": time.perf_counter() - started}


def train_interleaved(X, y, floor, epochs=EPOCHS, seed=0):
    """Train nnlib one epoch at a time, timing a floor epoch right before each one, so that
    both see the machine in the same state. Returns the model, optimizer and both timings."""
    model = build_network([784, HIDDEN, CLASSES], ["relu", "linear"], rng=seed)
    optimizer = Adam(model.parameters(), lr=1e-3)
    shuffling = np.random.default_rng(seed)  # one stream of shuffles across the fit calls
    floor_times, nnlib_times = [], []
    for _ in range(epochs):
        floor_times.append(floor.epoch())
        history = fit(
            model,
            X,
            y,
            "softmax_cross_entropy",
            optimizer,
            epochs=1,
            batch_size=BATCH,
            rng=shuffling,
        )
        nnlib_times.append(history["time"][0])
    return model, optimizer, floor_times, nnlib_times


def inference(model, X_test, repeats=7):
    """(seconds of predict on X_test, seconds of its two bare GEMMs)."""
    W1, W2 = model.layers[0].params["W"], model.layers[2].params["W"]
    A1 = np.empty((len(X_test), HIDDEN), np.float32)
    Z2 = np.empty((len(X_test), CLASSES), np.float32)

    def gemms():
        np.matmul(X_test, W1, out=A1)
        np.matmul(A1, W2, out=Z2)

    predict(model, X_test)  # warm up
    return median_seconds(lambda: predict(model, X_test), repeats), median_seconds(gemms, repeats)


def count_subnormals(optimizer):
    tiny = np.finfo(np.float32).tiny
    return sum(
        int(np.count_nonzero((a != 0) & (np.abs(a) < tiny)))
        for state in optimizer.state
        for name, a in state.items()
        if name in optimizer.moments
    )


TORCH_SCRIPT = r"""
import json, sys, time
import numpy as np, torch
data = np.load(sys.argv[1])
X, y = torch.from_numpy(data["X"]), torch.from_numpy(data["y"]).long()
Xt, yt = torch.from_numpy(data["Xt"]), torch.from_numpy(data["yt"]).long()
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(0)
times = []
for epoch in range(5):
    start = time.perf_counter()
    for idx in torch.randperm(len(X), generator=g).split(128):
        opt.zero_grad()
        loss = loss_fn(model(X[idx]), y[idx])
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - start)
with torch.no_grad():
    acc = (model(Xt).argmax(1) == yt).float().mean().item()
print(json.dumps({"times": times, "accuracy": acc, "version": torch.__version__}))
"""


def time_pytorch(X, y, X_test, y_test):
    """Run the same training in PyTorch in a child process; None if torch is not installed.

    The child gets the data through a temporary .npz file, deleted when it is done."""
    if importlib.util.find_spec("torch") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="nnlib-benchmark-") as folder:
        path = os.path.join(folder, "data.npz")
        np.savez(path, X=X, y=y, Xt=X_test, yt=y_test)
        result = subprocess.run(
            [sys.executable, "-c", TORCH_SCRIPT, path], capture_output=True, text=True, check=False
        )
    if result.returncode != 0:
        print("PyTorch run failed:", result.stderr.strip().splitlines()[-1:])
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--without-guard",
        action="store_true",
        help="control experiment: switch off Adam's subnormal guard to see late epochs slow down",
    )
    parser.add_argument(
        "--update-in-place",
        action="store_true",
        help="control experiment: Adam writes θ -= step in place instead of copying the new θ over",
    )
    args = parser.parse_args()
    if args.without_guard:
        optim._flush_tiny = lambda state: None  # the guard's only action, made a no-op
    if args.update_in_place:
        optim._take_step = lambda value, step: np.subtract(value, step, out=value)
    controls = [
        text
        for text, on in [
            ("Adam's subnormal guard off", args.without_guard),
            ("Adam updates θ in place", args.update_in_place),
        ]
        if on
    ]

    X, y, X_test, y_test, source = load_data()
    dataset_mb = (X.nbytes + X_test.nbytes) / 2**20
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(
        f"nnlib {nnlib.__version__}, NumPy {np.__version__}, {os.cpu_count()} CPUs, "
        f"BLAS threads: {threads}; data: {source}, {len(X):,} training images"
    )
    if controls:
        print("control experiment:", "; ".join(controls))

    floor = GemmFloor(X)
    floor.epoch()  # warm up
    floor_5 = float(np.median([floor.epoch(with_input_gradient=False) for _ in range(3)]))
    model, optimizer, floor_times, epoch_times = train_interleaved(X, y, floor)
    ratios = [t / f for t, f in zip(epoch_times, floor_times)]
    floor_6 = float(np.median(floor_times[1:4]))
    nnlib_epoch = float(np.median(epoch_times[1:4]))
    ratio = float(np.median(ratios[1:4]))
    accuracy = evaluate(model, X_test, y_test, "softmax_cross_entropy")["accuracy"]
    predict_s, predict_gemms_s = inference(model, X_test)
    parts = parts_of_an_epoch(model, X)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    subnormals = count_subnormals(optimizer)

    rows = [
        ("bare GEMMs, 6 per step (the floor)", floor_6, 1.0),
        ("bare GEMMs, 5 per step (no input gradient)", floor_5, floor_5 / floor_6),
        ("nnlib fit, median of epochs 2–4", nnlib_epoch, ratio),
    ]
    torch_result = time_pytorch(X, y, X_test, y_test)
    if torch_result:
        torch_epoch = float(np.median(torch_result["times"][1:4]))
        name = f"PyTorch {torch_result['version']}, plain loop"
        rows.append((name, torch_epoch, torch_epoch / floor_6))
    else:
        print("PyTorch is not installed: skipping its timing (pip install torch to include it).")

    print()
    print(f"{'seconds per epoch':<46}{'time':>10}{'÷ floor':>10}")
    for name, seconds, times_floor in rows:
        print(f"{name:<46}{seconds:>8.3f} s{times_floor:>9.2f}×")
    print()
    print("floor epochs 1–5 (s):", "  ".join(f"{t:.3f}" for t in floor_times))
    print("nnlib epochs 1–5 (s):", "  ".join(f"{t:.3f}" for t in epoch_times))
    print("nnlib ÷ floor, epoch by epoch:", "  ".join(f"{r:.2f}" for r in ratios))
    busy = busy_machine_note(floor_times)
    if busy:
        print(busy)
    print(
        f"epoch 5 ÷ epoch 2: {epoch_times[4] / epoch_times[1]:.2f}; subnormal numbers left "
        f"in Adam's state: {subnormals}"
    )
    torch_accuracy = f", PyTorch {torch_result['accuracy']:.4f}" if torch_result else ""
    print(f"test accuracy after {EPOCHS} epochs: nnlib {accuracy:.4f}{torch_accuracy}")
    print(
        f"predict on {len(X_test):,} test images: {predict_s * 1000:.1f} ms, its 2 GEMMs "
        f"{predict_gemms_s * 1000:.1f} ms, ratio {predict_s / predict_gemms_s:.2f}×"
    )
    print(
        f"peak memory: {peak_mb:.0f} MB = data set {dataset_mb:.0f} MB + "
        f"{peak_mb - dataset_mb:.0f} MB"
    )
    print()
    print("where an nnlib epoch goes (parts timed on their own):")
    known = floor_5 + parts["gather"] + parts["adam"]
    for name, seconds in [
        ("the 5 GEMMs a step needs", floor_5),
        ("Adam's update, 11 passes over θ", parts["adam"]),
        ("gathering the shuffled batches", parts["gather"]),
        ("the rest: activations, loss, and data moving between cores", nnlib_epoch - known),
    ]:
        print(f"  {name:<60}{seconds:>7.3f} s{seconds / floor_6:>7.2f}×")
    print()
    checks = [
        (f"epoch ≤ 1.6 × the 6-GEMM floor: {ratio:.2f}×", ratio <= 1.6),
        (
            f"test accuracy ≥ 86% after 5 epochs: {accuracy:.1%}",
            accuracy >= 0.86 or source != "Fashion-MNIST",
        ),
        (
            f"epoch 5 as fast as epoch 2 (within 10%): {epoch_times[4] / epoch_times[1]:.2f}",
            epoch_times[4] <= 1.1 * epoch_times[1],
        ),
        (
            f"predict ≤ 2 × its two GEMMs: {predict_s / predict_gemms_s:.2f}×",
            predict_s <= 2 * predict_gemms_s,
        ),
        (
            f"peak memory ≤ data set + 150 MB: +{peak_mb - dataset_mb:.0f} MB",
            peak_mb <= dataset_mb + 150,
        ),
    ]
    if torch_result:
        checks.append(
            (
                f"faster than PyTorch: {nnlib_epoch:.3f} s vs {torch_epoch:.3f} s",
                nnlib_epoch < torch_epoch,
            )
        )
    for text, ok in checks:
        print(f"{'✓' if ok else '✗'} {text}")

    results = {
        "floor_6_gemms": floor_6,
        "floor_5_gemms": floor_5,
        "nnlib_epoch": nnlib_epoch,
        "ratio": ratio,
        "epoch_times": epoch_times,
        "floor_times": floor_times,
        "accuracy": accuracy,
        "predict_ratio": predict_s / predict_gemms_s,
        "peak_mb": peak_mb,
        "dataset_mb": dataset_mb,
        "subnormals": subnormals,
        "parts": parts,
        "data": source,
        "controls": controls,
        "pytorch": torch_result,
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
