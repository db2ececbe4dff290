"""nnlib against PyTorch: the claims of chapter 11, "From nnlib to PyTorch".

1. The chapter's PyTorch listings (taken from the notebook's Markdown, so the book and this test
   cannot drift apart) train chapter 9's network to the same numbers as the chapter's nnlib
   cells: every epoch's loss, every weight and the test accuracy.
2. Every layer, loss and optimizer of nnlib computes what its PyTorch counterpart computes,
   forward and backward, on small random float64 inputs.
3. The chapter's tables hold: every name in them exists, every nnlib name the book uses is in
   them, and the default hyper-parameters are the ones they state.

PyTorch is not a dependency of the book. Where it is not installed these tests are skipped;
CI installs the CPU build (see .ci/run).
"""

import inspect
import re
import time
from functools import partial
from pathlib import Path

import nbformat
import numpy as np
import pytest

import nnlib
from nnlib import activations, data, init, layers, losses, optim, training
from nnlib.data import images_to_features, load_digits, train_test_split
from nnlib.network import build_network
from nnlib.optim import Adam, cosine_decay
from nnlib.training import evaluate, fit

torch = pytest.importorskip(
    "torch",
    reason="PyTorch is not installed; these tests compare nnlib with it "
    "(pip install torch — the CPU build is enough).",
)
nn = torch.nn
F = torch.nn.functional
torch.set_num_threads(1)  # the machine's cores are shared with the other tests

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "11-where-next.ipynb"
FENCED_PYTHON = re.compile(r"```python\n(.*?)```", re.DOTALL)
SEED = 0  # the rng= of the chapter's fit, and so of its mini-batches


def chapter():
    return nbformat.read(str(CHAPTER), as_version=4)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.fixture
def float64_default():
    """torch's default dtype float64 for the test, restored afterwards."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def t(array, grad=False):
    """A float64 torch tensor with a copy of ``array``'s values."""
    return torch.tensor(np.asarray(array, dtype=np.float64), requires_grad=grad)


def close(a, b, tol=1e-12):
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# -- 1. chapter 9's network, both ways, run from the chapter itself ----------------------------


def listing_and_twin_cells(nb):
    """The chapter's cells of the side-by-side section, in page order: ("nnlib", code) for the
    executed cells tagged pytorch-twin and ("torch", code) for the listing in each Markdown cell
    tagged pytorch-listing."""
    cells = []
    for cell in nb.cells:
        if "pytorch-twin" in tags(cell):
            assert cell.cell_type == "code"
            cells.append(("nnlib", cell.source))
        if "pytorch-listing" in tags(cell):
            blocks = FENCED_PYTHON.findall(cell.source)
            assert cell.cell_type == "markdown" and len(blocks) == 1, cell.source
            cells.append(("torch", blocks[0]))
    return cells


def test_the_chapter_has_the_side_by_side_cells():
    kinds = [kind for kind, _ in listing_and_twin_cells(chapter())]
    assert kinds == ["nnlib", "nnlib", "torch", "torch", "nnlib", "torch", "torch"]


SHARED = ("X_train", "y_train", "X_test", "y_test", "d", "EPOCHS", "BATCH_SIZE", "LR", "network")


def run_both_ways(dtype, monkeypatch):
    """Run the chapter's nnlib cells and PyTorch listings in page order; return both namespaces.

    Two namespaces, because both sides call their optimizer ``optimizer``; the listings get
    the data and the nnlib network from the nnlib side. The listings shuffle with
    torch.randperm, which here draws the same permutations as nnlib's fit(rng=SEED), so both
    sides see the same mini-batches. For float64, the nnlib cells get float64 versions of
    images_to_features and build_network, and torch's default dtype is float64.
    """
    ours = {
        "np": np,
        "time": time,
        "load_digits": load_digits,
        "train_test_split": train_test_split,
        "images_to_features": images_to_features,
        "build_network": build_network,
        "Adam": Adam,
        "cosine_decay": cosine_decay,
        "fit": fit,
        "evaluate": evaluate,
    }
    if dtype == np.float64:
        ours["images_to_features"] = lambda *a, **k: images_to_features(*a, **k).astype(dtype)
        ours["build_network"] = partial(build_network, dtype=dtype)
    permutations = np.random.default_rng(SEED)
    monkeypatch.setattr(
        torch, "randperm", lambda n, **_: torch.from_numpy(permutations.permutation(n))
    )
    theirs = {}
    for kind, source in listing_and_twin_cells(chapter()):
        if kind == "nnlib":
            exec(source, ours)  # noqa: S102
        else:
            theirs.update({name: ours[name] for name in SHARED if name in ours})
            exec(source, theirs)  # noqa: S102
    return ours, theirs


@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_chapter_9_network_trains_to_the_same_numbers_in_nnlib_and_pytorch(
    dtype, tol, monkeypatch, request
):
    if dtype == np.float64:
        request.getfixturevalue("float64_default")
    ours, theirs = run_both_ways(dtype, monkeypatch)
    net, model = ours["network"], theirs["model"]
    assert net.dtype == dtype
    assert model[0].weight.dtype == {np.float32: torch.float32, np.float64: torch.float64}[dtype]
    # every epoch's mean loss
    assert len(theirs["epoch_losses"]) == ours["EPOCHS"]
    np.testing.assert_allclose(theirs["epoch_losses"], ours["history"]["loss"], rtol=tol, atol=tol)
    # every parameter at the end (PyTorch's weight is the transpose of W)
    for linear, dense in [(model[0], net.layers[0]), (model[2], net.layers[2])]:
        np.testing.assert_allclose(
            linear.weight.detach().numpy().T, dense.params["W"], rtol=tol, atol=tol
        )
        np.testing.assert_allclose(
            linear.bias.detach().numpy(), dense.params["b"], rtol=tol, atol=tol
        )
    # the learning rate of every epoch, and the test accuracy
    assert ours["history"]["lr"][-1] == pytest.approx(ours["LR"] / 20)
    assert theirs["accuracy"] == pytest.approx(ours["scores"]["accuracy"], abs=1e-6)
    assert ours["scores"]["accuracy"] > 0.95


# -- 2a. layers: forward and backward ----------------------------------------------------------

RNG = np.random.default_rng(2024)
X = RNG.normal(size=(5, 4))
X[0, :2] = 0.0  # exact zeros: ReLU's slope there is 0 in both libraries


def compare_layer(ours, theirs, X, params=()):
    """Forward and backward of an nnlib layer and a torch module on the same X: (n, d) and the
    same random upstream gradient; params: (nnlib name, torch parameter, transpose?)."""
    Y = ours.forward(X.copy())
    Xt = t(X, grad=True)
    Yt = theirs(Xt)
    close(Y, Yt)
    dY = RNG.normal(size=Y.shape)
    dX = ours.backward(dY.copy())
    Yt.backward(t(dY))
    close(dX, Xt.grad)
    for name, parameter, transpose in params:
        grad = parameter.grad.T if transpose else parameter.grad
        close(ours.grads[name], grad)


def test_dense_is_linear_with_the_weight_transposed():
    dense = layers.Dense(4, 3, rng=0, dtype=np.float64)
    dense.params["b"][...] = RNG.normal(size=3)
    linear = nn.Linear(4, 3, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(t(dense.params["W"].T))
        linear.bias.copy_(t(dense.params["b"]))
    assert tuple(linear.weight.shape) == dense.params["W"].T.shape == (3, 4)
    compare_layer(dense, linear, X, [("W", linear.weight, True), ("b", linear.bias, False)])


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (layers.Sigmoid(), nn.Sigmoid()),
        (layers.Tanh(), nn.Tanh()),
        (layers.ReLU(), nn.ReLU()),
        (layers.LeakyReLU(), nn.LeakyReLU()),
        (layers.LeakyReLU(negative_slope=0.2), nn.LeakyReLU(negative_slope=0.2)),
        (layers.Softmax(), nn.Softmax(dim=1)),
        (layers.Activation("tanh"), nn.Tanh()),
    ],
    ids=["sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu_0.2", "softmax", "activation"],
)
def test_activation_layers_match(ours, theirs):
    compare_layer(ours, theirs, 3 * X)


def test_dropout_in_evaluation_mode_passes_everything_through_in_both():
    ours, theirs = layers.Dropout(p=0.3, rng=0), nn.Dropout(p=0.3)
    ours.training = False
    theirs.eval()
    compare_layer(ours, theirs, X)


def test_dropout_in_training_mode_is_inverted_in_both():
    """Different random masks, the same rule: each entry is 0 or x / (1 − p)."""
    p, big = 0.25, np.ones((200, 50))
    torch.manual_seed(0)
    for output in (layers.Dropout(p=p, rng=0).forward(big), nn.Dropout(p=p)(t(big)).numpy()):
        kept = output != 0
        np.testing.assert_allclose(output[kept], 1 / (1 - p))
        assert abs(kept.mean() - (1 - p)) < 0.02


def batchnorm_pair(n_features=4, momentum=0.1):
    ours = layers.BatchNorm(n_features, momentum=momentum, dtype=np.float64)
    ours.params["gamma"][...] = RNG.uniform(0.5, 1.5, size=n_features)
    ours.params["beta"][...] = RNG.normal(size=n_features)
    theirs = nn.BatchNorm1d(n_features, momentum=momentum, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(t(ours.params["gamma"]))
        theirs.bias.copy_(t(ours.params["beta"]))
    return ours, theirs


def test_batchnorm_in_training_mode_matches_including_the_running_statistics():
    ours, theirs = batchnorm_pair()
    params = [("gamma", theirs.weight, False), ("beta", theirs.bias, False)]
    for step in range(3):  # three batches, so the running averages move
        batch = RNG.normal(loc=step, scale=1 + step, size=(6, 4))
        theirs.weight.grad = theirs.bias.grad = None
        compare_layer(ours, theirs, batch, params)
    close(ours.buffers["running_mean"], theirs.running_mean)
    close(ours.buffers["running_var"], theirs.running_var)  # both: the unbiased variance


def test_batchnorm_in_evaluation_mode_uses_the_running_statistics_in_both():
    ours, theirs = batchnorm_pair()
    for _ in range(2):
        batch = RNG.normal(loc=2.0, scale=3.0, size=(8, 4))
        ours.forward(batch)
        theirs(t(batch))
    ours.training = False
    theirs.eval()
    compare_layer(ours, theirs, X, [("gamma", theirs.weight, False), ("beta", theirs.bias, False)])


def test_sequential_matches_nn_sequential():
    ours = build_network([4, 6, 3], ["relu", "linear"], rng=0, dtype=np.float64)
    theirs = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3)).double()
    with torch.no_grad():
        for linear, dense in [(theirs[0], ours.layers[0]), (theirs[2], ours.layers[2])]:
            linear.weight.copy_(t(dense.params["W"].T))
            linear.bias.copy_(t(dense.params["b"]))
    close(ours.forward(X), theirs(t(X)))
    names = [name for name, *_ in ours.named_parameters()]
    assert names == ["0.W", "0.b", "2.W", "2.b"]
    assert [name for name, _ in theirs.named_parameters()] == [
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
    ]
    assert len(nn.utils.parameters_to_vector(theirs.parameters())) == ours.n_params
    transposed = [(p.T if p.ndim == 2 else p).reshape(-1) for p in theirs.parameters()]
    close(ours.theta, torch.cat(transposed))  # the same order, each weight transposed


def test_gradients_are_overwritten_in_nnlib_and_added_up_in_pytorch():
    dense = layers.Dense(4, 3, rng=0, dtype=np.float64)
    linear = nn.Linear(4, 3, dtype=torch.float64)
    dY = RNG.normal(size=(5, 3))
    for _ in range(2):
        dense.forward(X)
        dense.backward(dY)
        linear(t(X)).backward(t(dY))
    once = X.T @ dY
    close(dense.grads["W"], once)  # nnlib: the last backward pass only
    close(linear.weight.grad.T, 2 * once)  # PyTorch: both passes added up
    linear.zero_grad()
    assert linear.weight.grad is None or not linear.weight.grad.any()


# -- 2b. losses: value and gradient ------------------------------------------------------------

N, K = 6, 4
Z = 2 * RNG.normal(size=(N, K))
LABELS = np.array([0, 3, 1, 1, 2, 3])
SOFT = activations.softmax(RNG.normal(size=(N, K)), axis=1)  # soft targets
P = activations.softmax(Z, axis=1)


def torch_loss_and_gradient(function, pred, *args):
    pred_t = t(pred, grad=True)
    value = function(pred_t, *args)
    value.backward()
    return value.item(), pred_t.grad


def compare_loss(ours, our_gradient, theirs, pred, target, their_target=None):
    their_target = t(target) if their_target is None else their_target
    value, grad = torch_loss_and_gradient(theirs, pred, their_target)
    assert ours(pred, target) == pytest.approx(value, rel=1e-12, abs=1e-14)
    close(our_gradient(pred, target), grad)


def test_mse_matches():
    target = RNG.normal(size=(N, K))
    compare_loss(losses.mse, losses.mse_gradient, F.mse_loss, Z, target)


def test_binary_cross_entropy_from_probabilities_matches():
    p, y = RNG.uniform(0.05, 0.95, size=(N, 1)), RNG.integers(0, 2, size=(N, 1)).astype(float)
    compare_loss(
        losses.binary_cross_entropy,
        losses.binary_cross_entropy_gradient,
        F.binary_cross_entropy,
        p,
        y,
    )


def test_binary_cross_entropy_with_logits_matches_even_for_huge_logits():
    z = np.array([[-60.0], [-3.0], [-0.2], [0.0], [0.7], [4.0], [80.0]])
    y = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
    compare_loss(
        losses.binary_cross_entropy_with_logits,
        losses.binary_cross_entropy_with_logits_gradient,
        F.binary_cross_entropy_with_logits,
        z,
        y,
    )


def test_cross_entropy_from_probabilities_is_nll_of_the_log():
    """nnlib's cross_entropy (and CrossEntropyLoss) is PyTorch's NLLLoss of log P — not
    PyTorch's CrossEntropyLoss, which takes logits."""
    compare_loss(
        losses.cross_entropy,
        losses.cross_entropy_gradient,
        lambda P_t, y: F.nll_loss(torch.log(P_t), y),
        P,
        LABELS,
        torch.from_numpy(LABELS),
    )
    assert losses.cross_entropy(P, LABELS) != pytest.approx(
        F.cross_entropy(t(P), torch.from_numpy(LABELS)).item()
    )


@pytest.mark.parametrize("target", ["labels", "one-hot", "soft"])
def test_softmax_cross_entropy_is_pytorch_s_cross_entropy(target):
    ours = {"labels": LABELS, "one-hot": data.one_hot(LABELS, K).astype(float), "soft": SOFT}[
        target
    ]
    theirs = torch.from_numpy(LABELS) if target == "labels" else t(ours)
    compare_loss(
        losses.softmax_cross_entropy,
        losses.softmax_cross_entropy_gradient,
        F.cross_entropy,
        Z,
        ours,
        theirs,
    )


def test_log_softmax_matches_even_for_huge_logits():
    close(losses.log_softmax(Z + 1e4), F.log_softmax(t(Z + 1e4), dim=1), tol=1e-9)


@pytest.mark.parametrize(
    "ours, theirs, pred, target, their_target",
    [
        (losses.MSELoss(), nn.MSELoss(), Z, 0.5 * Z[::-1].copy(), None),
        (
            losses.BinaryCrossEntropyWithLogitsLoss(),
            nn.BCEWithLogitsLoss(),
            Z[:, :1],
            (LABELS[:, None] > 1).astype(float),
            None,
        ),
        (
            losses.BinaryCrossEntropyLoss(),
            nn.BCELoss(),
            activations.sigmoid(Z[:, :1]),
            (LABELS[:, None] > 1).astype(float),
            None,
        ),
        (
            losses.SoftmaxCrossEntropyLoss(),
            nn.CrossEntropyLoss(),
            Z,
            LABELS,
            torch.from_numpy(LABELS),
        ),
    ],
    ids=["MSELoss", "BCEWithLogitsLoss", "BCELoss", "CrossEntropyLoss"],
)
def test_loss_objects_forward_and_backward_match(ours, theirs, pred, target, their_target):
    their_target = t(target) if their_target is None else their_target
    value, grad = torch_loss_and_gradient(theirs, pred, their_target)
    assert ours.forward(pred, target) == pytest.approx(value, rel=1e-12)
    close(ours.backward(), grad)


def test_nnlib_cross_entropy_loss_is_nll_loss_of_the_log():
    value, grad = torch_loss_and_gradient(
        lambda P_t, y: nn.NLLLoss()(torch.log(P_t), y), P, torch.from_numpy(LABELS)
    )
    ours = losses.CrossEntropyLoss()
    assert ours.forward(P, LABELS) == pytest.approx(value, rel=1e-12)
    close(ours.backward(), grad)


def test_one_hot_matches_except_for_the_dtype():
    ours, theirs = data.one_hot(LABELS, K), F.one_hot(torch.from_numpy(LABELS), K)
    np.testing.assert_array_equal(ours, theirs.numpy())
    assert ours.dtype == np.float32 and theirs.dtype == torch.int64


# -- 2c. optimizers: the same steps ------------------------------------------------------------

SHAPES = [(3, 4), (4,)]
START = [RNG.normal(size=shape) for shape in SHAPES]
SLOPES = [RNG.uniform(0.5, 2.0, size=shape) for shape in SHAPES]


def gradient(values):
    """A gradient that depends on the parameters (of a bumpy loss): sin θ + a ⊙ θ."""
    return [np.sin(v) + a * v for v, a in zip(values, SLOPES)]


def run_both(make_ours, make_theirs, steps=25):
    values = [v.copy() for v in START]
    grads = [np.zeros_like(v) for v in values]
    ours = make_ours(list(zip(values, grads)))
    tensors = [t(v, grad=True) for v in START]
    theirs = make_theirs(tensors)
    for _ in range(steps):
        for g, new in zip(grads, gradient(values)):
            g[...] = new
        ours.step()
        theirs.zero_grad()
        for tensor, new in zip(tensors, gradient([x.detach().numpy() for x in tensors])):
            tensor.grad = t(new)
        theirs.step()
    for value, tensor in zip(values, tensors):
        close(value, tensor, tol=1e-10)


@pytest.mark.parametrize(
    "make_ours, make_theirs",
    [
        (partial(optim.SGD, lr=0.1), partial(torch.optim.SGD, lr=0.1)),
        (
            partial(optim.SGD, lr=0.05, momentum=0.9),
            partial(torch.optim.SGD, lr=0.05, momentum=0.9),
        ),
        (
            partial(optim.SGD, lr=0.1, weight_decay=0.1),
            partial(torch.optim.SGD, lr=0.1, weight_decay=0.1),
        ),
        (partial(optim.RMSProp), partial(torch.optim.RMSprop, lr=0.001, alpha=0.9)),
        # A large ε makes its place matter: both add it outside the root, √s + ε.
        (
            partial(optim.RMSProp, lr=0.01, rho=0.8, eps=0.1, weight_decay=0.01),
            partial(torch.optim.RMSprop, lr=0.01, alpha=0.8, eps=0.1, weight_decay=0.01),
        ),
        (partial(optim.Adam), partial(torch.optim.Adam)),
        (partial(optim.TextbookAdam), partial(torch.optim.Adam)),
        (
            partial(optim.Adam, lr=0.05, beta1=0.8, beta2=0.99, eps=0.01, weight_decay=0.1),
            partial(torch.optim.Adam, lr=0.05, betas=(0.8, 0.99), eps=0.01, weight_decay=0.1),
        ),
        (
            partial(optim.TextbookAdam, lr=0.05, eps=0.01, weight_decay=0.1),
            partial(torch.optim.Adam, lr=0.05, eps=0.01, weight_decay=0.1),
        ),
        (partial(optim.AdamW, lr=0.05), partial(torch.optim.AdamW, lr=0.05)),
        (
            partial(optim.AdamW, lr=0.05, weight_decay=0.3),
            partial(torch.optim.AdamW, lr=0.05, weight_decay=0.3),
        ),
    ],
    ids=[
        "sgd",
        "momentum",
        "sgd_weight_decay",
        "rmsprop",
        "rmsprop_large_eps_weight_decay",
        "adam",
        "textbook_adam",
        "adam_options_weight_decay",
        "textbook_adam_weight_decay",
        "adamw",
        "adamw_strong_decay",
    ],
)
def test_optimizers_take_the_same_steps(make_ours, make_theirs):
    run_both(make_ours, make_theirs)


def test_adam_with_weight_decay_is_not_adamw():
    """Coupled (L2 in the gradient) and decoupled weight decay give different steps."""
    with pytest.raises(AssertionError):
        run_both(
            partial(optim.Adam, lr=0.05, weight_decay=0.3),
            partial(torch.optim.AdamW, lr=0.05, weight_decay=0.3),
        )


@pytest.mark.parametrize(
    "ours, make_theirs",
    [
        (
            optim.step_decay(0.1, factor=0.5, every=3),
            partial(torch.optim.lr_scheduler.StepLR, step_size=3, gamma=0.5),
        ),
        (
            optim.cosine_decay(0.1, 10, lr_min=0.002),
            partial(torch.optim.lr_scheduler.CosineAnnealingLR, T_max=9, eta_min=0.002),
        ),
    ],
    ids=["step_decay", "cosine_decay"],
)
def test_schedules_give_the_same_learning_rates(ours, make_theirs):
    optimizer = torch.optim.SGD([t([1.0], grad=True)], lr=0.1)
    scheduler = make_theirs(optimizer)
    theirs = []
    for _ in range(10):
        theirs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    np.testing.assert_allclose([ours(epoch) for epoch in range(1, 11)], theirs, rtol=1e-12)


# -- 3. the chapter's tables -------------------------------------------------------------------

CODE_SPAN = re.compile(r"`([^`]+)`")
LEADING_NAME = re.compile(r"^[A-Za-z_][\w.]*")
# Instances stand in for "model" (whose theta belongs to each network) and "optimizer".
_MODEL = build_network([2, 2], ["linear"], rng=0)
OUR_STAND_INS = {"model": _MODEL, "optimizer": optim.SGD(_MODEL.parameters())}
THEIR_STAND_INS = {
    "torch": torch,
    "nn": nn,
    "F": F,
    "model": nn.Module,
    "optimizer": torch.optim.Optimizer,
    "loss": torch.Tensor,
    "p": torch.Tensor,
}


NAME_TABLE_HEADER = "| `nnlib` | PyTorch | what differs |"


def name_table_rows(nb):
    """(nnlib cell, PyTorch cell) of every row of the chapter's name tables: the Markdown
    tables whose header is NAME_TABLE_HEADER."""
    rows = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        in_table = False
        for line in cell.source.splitlines():
            line = line.strip()
            if line == NAME_TABLE_HEADER:
                in_table = True
            elif not line.startswith("|"):
                in_table = False
            elif in_table and not line.startswith("|---"):
                parts = [part.strip() for part in line.strip("|").split("|")]
                assert len(parts) == 3, f"a name table row needs 3 cells: {line}"
                rows.append((parts[0], parts[1]))
    return rows


def resolve(span, stand_ins, module=None):
    """The object a code span such as `layers.Dense` or `nn.Linear(...)` names."""
    found = LEADING_NAME.match(span)
    assert found, f"{span!r} does not start with a name"
    head, *rest = found[0].rstrip(".").split(".")
    if head in stand_ins:
        obj = stand_ins[head]
    elif module is not None:
        obj = getattr(module, head)
    else:
        raise AssertionError(f"{span!r}: unknown start {head!r}; known: {sorted(stand_ins)}")
    for part in rest:
        obj = getattr(obj, part)
    return getattr(obj, "__func__", obj)  # a bound method: the function behind it


def test_every_name_in_the_tables_exists_in_its_library():
    import nnlib.plots  # noqa: F401  (imported on demand, like in the chapters)

    rows = name_table_rows(chapter())
    assert len(rows) > 40
    for ours, theirs in rows:
        for span in CODE_SPAN.findall(ours):
            if span != "plots":
                resolve(span, OUR_STAND_INS, nnlib)
        for span in CODE_SPAN.findall(theirs):
            resolve(span, THEIR_STAND_INS)


def _listed_nnlib_objects():
    listed = set()
    for ours, _ in name_table_rows(chapter()):
        for span in CODE_SPAN.findall(ours):
            if span != "plots":
                listed.add(id(resolve(span, OUR_STAND_INS, nnlib)))
    return listed


REFERENCE = re.compile(r"\{py:(?:func|class|meth|data|attr)\}`~?(nnlib\.[\w.]+)`")


def used_by_the_book():
    """Every nnlib function and class that the chapters or nnlib.__all__ name (figures and
    exercise checkers aside)."""
    names = {f"nnlib.{name}" for name in nnlib.__all__}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        names |= set(REFERENCE.findall(path.read_text()))
    for name in sorted(names):
        if name.startswith(("nnlib.plots", "nnlib.exercises")):
            continue
        obj = nnlib
        for part in name.split(".")[1:]:
            obj = getattr(obj, part)
        if not inspect.ismodule(obj):
            yield name, obj


def test_every_nnlib_name_the_book_uses_is_in_the_tables():
    listed = _listed_nnlib_objects()
    missing = sorted(name for name, obj in used_by_the_book() if id(obj) not in listed)
    assert not missing, f"add these to the name tables of {CHAPTER.name}: {missing}"


def test_every_layer_loss_and_optimizer_is_in_the_tables():
    listed = _listed_nnlib_objects()
    optimizers = [
        obj
        for _, obj in inspect.getmembers(optim, inspect.isclass)
        if issubclass(obj, optim.Optimizer) and obj is not optim.Optimizer
    ]
    everything = [*layers.LAYER_TYPES.values(), *losses.LOSSES.values(), *optimizers]
    missing = [obj.__name__ for obj in everything if id(obj) not in listed]
    assert not missing, f"add these to the name tables of {CHAPTER.name}: {missing}"


def defaults(function):
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def test_the_default_hyper_parameters_are_the_ones_the_chapter_states():
    assert defaults(optim.SGD)["lr"] == 0.01 and defaults(torch.optim.SGD)["lr"] == 0.001
    ours, theirs = defaults(optim.RMSProp), defaults(torch.optim.RMSprop)
    assert (ours["lr"], ours["rho"], ours["eps"]) == (0.001, 0.9, 1e-8)
    assert (theirs["lr"], theirs["alpha"], theirs["eps"]) == (0.01, 0.99, 1e-8)
    for ours in (defaults(optim.Adam), defaults(optim.TextbookAdam)):
        assert (ours["lr"], ours["beta1"], ours["beta2"], ours["eps"]) == (0.001, 0.9, 0.999, 1e-8)
    theirs = defaults(torch.optim.Adam)
    assert (theirs["lr"], theirs["betas"], theirs["eps"]) == (0.001, (0.9, 0.999), 1e-8)
    assert defaults(optim.Adam)["weight_decay"] == defaults(torch.optim.Adam)["weight_decay"] == 0
    assert defaults(optim.AdamW)["weight_decay"] == defaults(torch.optim.AdamW)["weight_decay"]
    assert defaults(torch.optim.AdamW)["weight_decay"] == 0.01
    assert defaults(layers.LeakyReLU)["negative_slope"] == 0.01
    assert defaults(nn.LeakyReLU)["negative_slope"] == 0.01
    assert defaults(layers.Dropout)["p"] == defaults(nn.Dropout)["p"] == 0.5
    ours, theirs = defaults(layers.BatchNorm), defaults(nn.BatchNorm1d)
    assert (ours["momentum"], ours["eps"]) == (theirs["momentum"], theirs["eps"]) == (0.1, 1e-5)
    assert layers.Dense(3, 2).params["W"].dtype == np.float32
    assert nn.Linear(3, 2).weight.dtype == torch.float32 == torch.get_default_dtype()


def test_dense_and_linear_start_differently():
    """nnlib: Xavier or He normal weights and zero biases. PyTorch: weights and biases uniform
    in ±1/√n_in."""
    n_in, n_out = 400, 300
    torch.manual_seed(0)
    linear = nn.Linear(n_in, n_out)
    bound = 1 / np.sqrt(n_in)
    for tensor in (linear.weight, linear.bias):
        values = tensor.detach().numpy()
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.95 * bound
    assert linear.weight.detach().numpy().std() == pytest.approx(bound / np.sqrt(3), rel=0.02)
    dense = layers.Dense(n_in, n_out, rng=0)
    assert not dense.params["b"].any()
    assert dense.params["W"].std() == pytest.approx(np.sqrt(2 / (n_in + n_out)), rel=0.02)
    relu_net = build_network([n_in, n_out, 2], ["relu", "linear"], rng=0)
    assert relu_net.layers[0].params["W"].std() == pytest.approx(np.sqrt(2 / n_in), rel=0.02)


def test_init_functions_match_pytorch_s_in_distribution():
    n_in, n_out = 500, 400
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    pairs = [
        (init.xavier, partial(nn.init.xavier_normal_)),
        (init.he, partial(nn.init.kaiming_normal_, nonlinearity="relu")),
        (init.small_normal, partial(nn.init.normal_, std=0.01)),
    ]
    for ours, theirs in pairs:
        # PyTorch's weight is (out, in); its fan_in is the number of columns
        tensor = theirs(torch.empty(n_out, n_in))
        assert ours(n_in, n_out, rng).std() == pytest.approx(tensor.std().item(), rel=0.02)
    assert not init.zeros(n_in, n_out, rng).any()
    assert not nn.init.zeros_(torch.empty(n_out, n_in)).any()


def test_training_helpers_have_their_torch_counterparts():
    """predict_proba is softmax (or sigmoid) of the logits; accuracy is argmax agreement."""
    model = build_network([4, 5, 3], ["tanh", "linear"], rng=0, dtype=np.float64)
    logits = training.predict(model, X)
    close(training.predict_proba(model, X), torch.softmax(t(logits), dim=1))
    labels = np.array([0, 1, 2, 2, 1])
    theirs = (t(logits).argmax(dim=1) == torch.from_numpy(labels)).double().mean().item()
    assert nnlib.metrics.accuracy(logits, labels) == pytest.approx(theirs)
    binary = build_network([4, 3, 1], ["relu", "linear"], rng=0, dtype=np.float64)
    close(training.predict_proba(binary, X), torch.sigmoid(t(training.predict(binary, X))))
