"""The book's figures and animations, in one consistent style (all chapters).

Every function draws one kind of figure with a title and labelled axes and returns the
matplotlib Figure (animations return HTML that plays in a notebook and on the static website).
Colours come from the Okabe–Ito palette, which stays distinguishable with colour-blindness,
on a white background that reads the same in light and dark mode.

This module imports matplotlib; the rest of nnlib does not need it.
"""

import hashlib
import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation

from nnlib import activations as act
from nnlib.optim import gradient_descent_path

# Okabe & Ito (2008): a palette that colour-blind readers can tell apart.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "figure.figsize": (6.4, 4.0),
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "legend.frameon": False,
    "lines.linewidth": 2.2,
    "image.cmap": "viridis",
    "animation.embed_limit": 40,  # MB of frames in one animation
}


def use_style():
    """Use the book's figure style for every later plot in this session."""
    mpl.rcParams.update(STYLE)


def _styled(function):
    """Run a plotting function inside the book's style, whatever the global settings."""

    def wrapper(*args, **kwargs):
        with mpl.rc_context(STYLE):
            return function(*args, **kwargs)

    wrapper.__name__, wrapper.__doc__ = function.__name__, function.__doc__
    wrapper.__wrapped__ = function
    return wrapper


# -- functions and their derivatives (chapters 2 and 5) --------------------------------------


@_styled
def plot_activations(names=("sigmoid", "tanh", "relu", "leaky_relu"), z=None):
    """One panel per activation name: the function and its derivative over z.

    names: keys of ``activations.ACTIVATIONS``. z: the inputs to plot, default −5 to 5.
    """
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z)
    fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names), 3.3), squeeze=False)
    for ax, name in zip(axes[0], names):
        f, df = (
            act.get_activation(name, negative_slope=0.1)
            if name == "leaky_relu"
            else act.get_activation(name)
        )
        ax.plot(z, f(z), label=f"{name}(z)")
        ax.plot(z, df(z), linestyle="--", label="derivative")
        ax.axhline(0, color="#888888", linewidth=0.8)
        ax.axvline(0, color="#888888", linewidth=0.8)
        title = "leaky_relu (κ = 0.1)" if name == "leaky_relu" else name
        ax.set(title=title, xlabel="z (pre-activation)", ylabel="value")
        ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


@_styled
def plot_function(f, x, title, xlabel="x", ylabel="f(x)", derivative=None, ax=None):
    """Plot y = f(x) (and optionally its derivative) on one axis. Returns the Figure."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
    ax.plot(x, f(x), label=ylabel)
    if derivative is not None:
        ax.plot(x, derivative(x), linestyle="--", label="derivative")
        ax.legend()
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig


# -- networks (chapters 1 and 3) -------------------------------------------------------------


@_styled
def draw_network(sizes, title="A feed-forward network", labels=None, max_drawn=8):
    """Draw neurons as circles in columns (input left) and every connection as a line.

    sizes: neurons per layer, e.g. [3, 4, 2]. labels: a caption under each column.
    Layers wider than max_drawn are drawn with max_drawn neurons and a "⋮" with the true count.
    """
    sizes = list(sizes)
    fig, ax = plt.subplots(figsize=(1.9 * len(sizes) + 1, 3.6))
    drawn = [min(n, max_drawn) for n in sizes]
    tallest = max(drawn)
    positions = []
    for column, n in enumerate(drawn):
        ys = np.linspace(-(n - 1) / 2, (n - 1) / 2, n) if n > 1 else np.zeros(1)
        positions.append([(column, y) for y in ys])
    for left, right in zip(positions[:-1], positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="#9a9a9a", linewidth=0.7, zorder=1)
    for column, (layer, n) in enumerate(zip(positions, sizes)):
        colour = (
            PALETTE[0] if column == 0 else PALETTE[2] if column == len(sizes) - 1 else PALETTE[1]
        )
        xs, ys = zip(*layer)
        ax.scatter(xs, ys, s=420, color=colour, edgecolor="black", linewidth=1, zorder=2)
        if n > max_drawn:
            ax.text(column + 0.28, 0, f"⋮\n{n}", ha="left", va="center", fontsize=10)
    default = ["input"] + ["hidden"] * (len(sizes) - 2) + ["output"]
    for column, caption in enumerate(labels or default):
        ax.text(column, -tallest / 2 - 0.6, f"{caption}\n({sizes[column]})", ha="center", va="top")
    ax.set(title=title, xlim=(-0.6, len(sizes) - 0.4), ylim=(-tallest / 2 - 1.6, tallest / 2 + 0.5))
    ax.set_xlabel("layer (data flows left to right)")
    ax.set_ylabel("neurons")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


# -- training (chapters 7, 8 and 9) ----------------------------------------------------------


@_styled
def plot_history(history, title="Training history"):
    """Loss (and accuracy, if recorded) per epoch, training and validation side by side.

    history: the dict returned by ``training.fit``.
    """
    metrics = [m for m in ("loss", "accuracy") if m in history]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.2 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], label="validation")
        ax.set(title=f"{title}: {metric}", xlabel="epoch", ylabel=metric)
        ax.legend()
    fig.tight_layout()
    return fig


@_styled
def plot_decision_boundary(model, X, y, title="Decision boundary", ax=None, resolution=200):
    """Colour the plane by the class the model predicts, with the data points on top.

    model: maps (m, 2) inputs to (m, k) logits, or to (m, 1) outputs for two classes (a logit,
    or a probability if the network ends in a Sigmoid). X: (n, 2) points; y: (n,) labels.

    Each class's region is where its probability beats every other class's, drawn from that
    margin (a smooth function of the point) with anti-aliased edges. A boundary therefore moves
    smoothly with the network's outputs: last-bit differences between CPUs move it by a tiny
    fraction of a pixel instead of flipping whole grid cells of a class-by-class picture.
    """
    from nnlib.training import predict_proba

    X, y = np.asarray(X), np.asarray(y)
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(5, 4.4))
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0))
    (x_min, y_min), (x_max, y_max) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(
        np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)
    )
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    P = np.asarray(predict_proba(model, grid), dtype=np.float64)  # (m, k), or (m, 1): p(1)
    if P.shape[1] == 1:
        P = np.column_stack([1 - P[:, 0], P[:, 0]])
    k = max(P.shape[1], int(y.max()) + 1)
    colours = mpl.colors.ListedColormap(PALETTE[:k])
    for c in range(P.shape[1]):
        margin = (P[:, c] - np.delete(P, c, axis=1).max(axis=1)).reshape(gx.shape)
        if margin.max() > 0:
            ax.contourf(
                gx,
                gy,
                margin,
                levels=[0, margin.max() + 1],
                colors=[PALETTE[c]],
                alpha=0.25,
                antialiased=True,
            )
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=y,
        cmap=colours,
        vmin=-0.5,
        vmax=k - 0.5,
        s=14,
        edgecolor="black",
        linewidth=0.3,
    )
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    ax.grid(False)
    fig.tight_layout()
    return fig


@_styled
def plot_confusion_matrix(matrix, class_names=None, title="Confusion matrix"):
    """Show counts C[i, j] (true class i predicted as j) as a heat map, numbers written in."""
    matrix = np.asarray(matrix)
    k = len(matrix)
    names = class_names or [str(i) for i in range(k)]
    fig, ax = plt.subplots(figsize=(0.55 * k + 2.6, 0.55 * k + 1.8))
    image = ax.imshow(matrix, cmap="Blues")
    for i in range(k):
        for j in range(k):
            dark = matrix[i, j] > matrix.max() / 2
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    ax.set(
        title=title, xlabel="predicted class", ylabel="true class", xticks=range(k), yticks=range(k)
    )
    ax.set_xticklabels(names, rotation=45 if max(map(len, names)) > 2 else 0, ha="right")
    ax.set_yticklabels(names)
    ax.grid(False)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="count")
    fig.tight_layout()
    return fig


# -- images (chapter 9) ----------------------------------------------------------------------


@_styled
def plot_images(images, labels=None, title="Images", ncols=10, cmap="gray_r", symmetric=False):
    """A grid of images: (n, h, w), each captioned with its label if labels are given.

    symmetric=True centres the colour map on zero (for weights, which can be negative).
    """
    images = np.asarray(images)
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.25 * nrows + 0.5), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        limit = np.abs(images[i]).max() if symmetric else None
        ax.imshow(images[i], cmap=cmap, vmin=-limit if symmetric else None, vmax=limit)
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=9, fontweight="normal")
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def plot_weights(W, image_shape, n=16, title="First-layer weights"):
    """Show the first n columns of W: (h·w, n_hidden) as h×w images: what each neuron looks for.

    Blue-red colours: red for positive weights, blue for negative, white for zero.
    """
    W = np.asarray(W)
    columns = W[:, :n].T.reshape(-1, *image_shape)
    return plot_images(
        columns,
        [f"neuron {i}" for i in range(len(columns))],
        title,
        ncols=8,
        cmap="RdBu_r",
        symmetric=True,
    )


@_styled
def plot_predictions(images, probabilities, labels, class_names=None, title="Predictions"):
    """For each image: the picture and a bar chart of the predicted class probabilities.

    images: (n, h, w); probabilities: (n, k); labels: (n,) true classes. The true class's bar
    is green when the prediction is right and orange otherwise.
    """
    images, probabilities = np.asarray(images), np.asarray(probabilities)
    n, k = probabilities.shape
    names = class_names or [str(i) for i in range(k)]
    fig, axes = plt.subplots(
        n, 2, figsize=(7.5, 1.5 * n + 0.6), squeeze=False, gridspec_kw={"width_ratios": [1, 3]}
    )
    for i in range(n):
        picture, bars = axes[i]
        picture.imshow(images[i], cmap="gray_r")
        picture.axis("off")
        predicted = int(np.argmax(probabilities[i]))
        colours = [PALETTE[5]] * k
        colours[labels[i]] = PALETTE[2] if predicted == labels[i] else PALETTE[1]
        bars.bar(range(k), probabilities[i], color=colours)
        bars.set_ylim(0, 1)
        bars.set_xticks(range(k))
        bars.set_xticklabels(names, fontsize=8, rotation=30 if max(map(len, names)) > 2 else 0)
        bars.set_ylabel("probability", fontsize=8)
        verdict = "right" if predicted == labels[i] else "wrong"
        bars.set_title(
            f"true: {names[labels[i]]}, predicted: {names[predicted]} ({verdict})",
            fontsize=9,
            fontweight="normal",
        )
    axes[-1, 1].set_xlabel("class")
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


# -- gradient descent pictures and animations (chapters 5 and 8) -----------------------------
# The paths come from optim.gradient_descent_path, which needs no matplotlib.


@_styled
def plot_paths_2d(f, paths, xlim, ylim, title="Paths on a loss surface", levels=30):
    """Contour lines of f(x, y) with one path per entry of ``paths`` (name → (steps, 2) points)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    gx, gy = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    contour = ax.contourf(gx, gy, f(gx, gy), levels=levels, cmap="Greys", alpha=0.6)
    fig.colorbar(contour, ax=ax, label="f(x, y)")
    for (name, path), colour in zip(paths.items(), PALETTE):
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=3, color=colour, label=name)
    ax.set(title=title, xlabel="x", ylabel="y", xlim=xlim, ylim=ylim)
    ax.legend(loc="upper right")
    ax.grid(False)
    return fig


def animation_html(anim, name, alt, fps=None):
    """Turn a matplotlib animation into HTML that plays offline on the static website.

    Matplotlib's player (``to_jshtml``) links an icon font from a CDN, gives its frames no alt
    text and its slider no name, and uses a random id. We replace the icons with characters that
    common fonts have, add ``alt`` to the image and a name to the slider, and derive the id from
    ``name``, so the same animation always gives the same HTML.
    Returns an IPython HTML object (displayed as the animation in a notebook).
    """
    from IPython.display import HTML

    html = anim.to_jshtml(fps=fps, default_mode="once")
    plt.close(anim._fig)
    random_id = re.search(r'id="_anim_img([0-9a-f]+)"', html).group(1)
    stable_id = hashlib.sha256(name.encode()).hexdigest()[:16]
    html = html.replace(random_id, stable_id)
    html = re.sub(r'<link rel="stylesheet"[^>]*font-awesome[^>]*>\s*', "", html)
    icons = {
        "fa fa-minus": "−",
        "fa fa-fast-backward": "|◀◀",
        "fa fa-step-backward": "◀|",
        "fa fa-play fa-flip-horizontal": "◀",
        "fa fa-pause": "❚❚",
        "fa fa-play": "▶",
        "fa fa-step-forward": "|▶",
        "fa fa-fast-forward": "▶▶|",
        "fa fa-plus": "+",
    }
    for icon, text in icons.items():
        html = html.replace(f'<i class="{icon}"></i>', f'<span aria-hidden="true">{text}</span>')
    alt_text = alt.replace('"', "&quot;")
    html = html.replace(
        f'<img id="_anim_img{stable_id}">',
        f'<img id="_anim_img{stable_id}" alt="{alt_text}" role="img">',
    )
    html = html.replace(  # the slider is unnamed for screen readers otherwise
        f'<input id="_anim_slider{stable_id}" type="range"',
        f'<input id="_anim_slider{stable_id}" type="range" aria-label="Animation frame"',
    )
    return HTML(html)


@_styled
def animate_gradient_descent_1d(f, grad, start, lr, steps, xlim, title, name, alt):
    """Animate θ ← θ − lr·f'(θ) on the curve y = f(x): one frame per step.

    Returns HTML (see ``animation_html``); name: a unique id; alt: the text for screen readers.
    """
    path = gradient_descent_path(grad, [start], lr, steps)[:, 0]
    x = np.linspace(*xlim, 400)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.plot(x, f(x), color=PALETTE[0], label="f(x)")
    (trail,) = ax.plot(
        [], [], color=PALETTE[3], marker="o", markersize=4, linewidth=1, label="steps"
    )
    (point,) = ax.plot([], [], color=PALETTE[3], marker="o", markersize=10)
    label = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")
    ax.set(title=title, xlabel="x", ylabel="f(x)", xlim=xlim)
    ax.legend(loc="upper right")

    def draw(i):
        trail.set_data(path[: i + 1], f(path[: i + 1]))
        point.set_data([path[i]], [f(path[i])])
        label.set_text(f"step {i}: x = {path[i]:.3f}, f(x) = {f(path[i]):.3f}")
        return trail, point, label

    anim = animation.FuncAnimation(fig, draw, frames=len(path), interval=300, blit=True)
    return animation_html(anim, name, alt)


@_styled
def animate_gradient_descent_2d(f, grad, start, lr, steps, xlim, ylim, title, name, alt):
    """Animate gradient descent on a surface f(x, y), seen from above as contour lines.

    grad: maps a point (2,) to the gradient (2,). Returns HTML (see ``animation_html``).
    """
    path = gradient_descent_path(grad, start, lr, steps)
    fig, ax = plt.subplots(figsize=(6, 4.6))
    gx, gy = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    contour = ax.contourf(gx, gy, f(gx, gy), levels=30, cmap="Greys", alpha=0.6)
    fig.colorbar(contour, ax=ax, label="f(x, y)")
    (trail,) = ax.plot([], [], color=PALETTE[3], marker="o", markersize=3, linewidth=1.2)
    label = ax.text(
        0.02,
        0.96,
        "",
        transform=ax.transAxes,
        va="top",
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
    )
    ax.set(title=title, xlabel="x", ylabel="y", xlim=xlim, ylim=ylim)
    ax.grid(False)

    def draw(i):
        trail.set_data(path[: i + 1, 0], path[: i + 1, 1])
        label.set_text(f"step {i}: f = {f(*path[i]):.3f}")
        return trail, label

    anim = animation.FuncAnimation(fig, draw, frames=len(path), interval=200, blit=True)
    return animation_html(anim, name, alt)


# -- chapter 5: learning rates side by side, and lighter animations ---------------------------


@_styled
def plot_learning_rates(f, grad, start, rates, steps, xlim, title="Learning rates compared"):
    """One panel per learning rate: the curve y = f(x) and the path of gradient descent on it.

    f, grad: functions of x (arrays in, arrays out); start: a number; rates: {label: α}, e.g.
    {"too small": 0.02, "too large": 1.1}; each path holds steps + 1 points, start included.
    Points that leave xlim are not drawn; the panel says where the path ended.
    """
    n = len(rates)
    ncols = min(n, 2)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.3 * nrows), squeeze=False)
    x = np.linspace(*xlim, 400)
    top = f(x).max()
    for ax, (label, lr) in zip(axes.flat, rates.items()):
        path = gradient_descent_path(grad, [start], lr, steps)[:, 0]
        inside = np.abs(path - np.mean(xlim)) <= (xlim[1] - xlim[0]) / 2
        shown = path[: np.argmin(inside)] if not inside.all() else path
        ax.plot(x, f(x), color=PALETTE[0], label="f(x)")
        ax.plot(
            shown, f(shown), color=PALETTE[3], marker="o", markersize=4, linewidth=1, label="steps"
        )
        ax.plot(shown[:1], f(shown[:1]), color=PALETTE[3], marker="s", markersize=8)
        ax.text(
            0.5,
            0.96,
            f"after {steps} steps: x = {path[-1]:.3g}",
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=9,
        )
        ax.set(
            title=f"{label}: α = {lr:g}",
            xlabel="x",
            ylabel="f(x)",
            xlim=xlim,
            ylim=(-0.05 * top, 1.15 * top),
        )
    for ax in axes.flat[n:]:
        ax.axis("off")
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def compress_animation(html, colours=64):
    """The same animation with every frame stored as a palette PNG of at most ``colours`` colours.

    html: what ``animation_html`` or an ``animate_*`` function returns (or its text). A plot has
    few colours, so its frames look the same with a palette and take about a third of the bytes
    — which matters because every frame is embedded in the page. Returns IPython HTML.
    """
    import base64
    import io

    from IPython.display import HTML
    from PIL import Image

    def with_palette(match):
        png = base64.b64decode(match.group(1).replace("\\\n", ""))
        image = Image.open(io.BytesIO(png)).convert("RGB")
        image = image.quantize(colours, method=Image.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

    text = getattr(html, "data", html)
    return HTML(re.sub(r"data:image/png;base64,([A-Za-z0-9+/=\\\n]+)", with_palette, text))


# -- computation graphs (chapter 6) ----------------------------------------------------------


def _graph_layout(root):
    """Positions {id(node): (column, row)} for the graph that ends in ``root``, and its nodes.

    An operation sits one column right of its deepest input; a leaf (a Value made by hand)
    sits one column left of the first operation that uses it. In each column, from the right,
    nodes are sorted by the average row of the operations they feed, then spread one row apart.
    """
    from nnlib.autograd import topological_order

    nodes = topological_order(root)
    users = {id(node): [] for node in nodes}
    for node in nodes:
        for inp in node.inputs:
            users[id(inp)].append(node)
    column = {}
    for node in nodes:  # inputs come first, so their columns are known
        inputs = [column[id(inp)] for inp in node.inputs]
        column[id(node)] = 1 + max(inputs) if inputs else 0
    for node in nodes:
        if not node.inputs:
            used_in = [column[id(user)] for user in users[id(node)]]
            column[id(node)] = min(used_in) - 1 if used_in else 0
    shift = min(column.values())
    rank = {id(node): i for i, node in enumerate(nodes)}
    row = {}
    for c in sorted({column[key] for key in column}, reverse=True):
        here = [node for node in nodes if column[id(node)] == c]
        wanted = {
            id(node): np.mean([row[id(user)] for user in users[id(node)]])
            if users[id(node)]
            else 0.0
            for node in here
        }
        here.sort(key=lambda node: (wanted[id(node)], rank[id(node)]))
        rows = [wanted[id(node)] for node in here]
        for i in range(1, len(rows)):  # at least one row apart, keeping the order
            rows[i] = max(rows[i], rows[i - 1] + 1.0)
        offset = np.mean([wanted[id(node)] for node in here]) - np.mean(rows)
        for node, r in zip(here, rows):
            row[id(node)] = r + offset
    return nodes, {key: (column[key] - shift, row[key]) for key in column}


@_styled
def draw_computation_graph(root, title="Computation graph", max_nodes=40):
    """Draw the graph of ``nnlib.autograd.Value`` objects that ends in ``root``.

    Each node is a box showing its name and operation, its forward value (``data``) and its
    gradient (``grad``, ∂root/∂node after ``root.backward()``); arrows run from inputs to the
    Values computed from them. Columns follow the depth of the graph, inputs on the left.
    Blue boxes are Values made by hand (inputs, parameters, constants), orange ones results
    of operations, and the red one the root. Returns the Figure.
    """
    from nnlib.autograd import Value

    if not isinstance(root, Value):
        raise TypeError(
            f"draw_computation_graph draws a graph of nnlib.autograd.Value objects; got "
            f"{type(root).__name__}. Build the expression from Values, e.g. Value(2.0, 'x')."
        )
    nodes, position = _graph_layout(root)
    if len(nodes) > max_nodes:
        raise ValueError(
            f"The graph has {len(nodes)} nodes, too many to read in one figure (max_nodes="
            f"{max_nodes}). Draw a smaller expression, or pass a larger max_nodes."
        )
    columns = max(c for c, _ in position.values()) + 1
    rows = [r for _, r in position.values()]
    low, high = min(rows), max(rows)
    fig, ax = plt.subplots(figsize=(1.75 * columns + 0.6, 1.05 * (high - low) + 2.3))
    width, height = 0.78, 0.72  # of a box, in units of columns and rows
    for node in nodes:
        x, y = position[id(node)]
        for inp in dict.fromkeys(node.inputs):  # one arrow per distinct input
            x0, y0 = position[id(inp)]
            ax.annotate(
                "",
                xy=(x - width / 2, y),
                xytext=(x0 + width / 2, y0),
                arrowprops={"arrowstyle": "-|>", "color": "#777777", "linewidth": 1.0},
                zorder=1,
            )
    for node in nodes:
        x, y = position[id(node)]
        colour = PALETTE[3] if node is root else PALETTE[1] if node.inputs else PALETTE[0]
        box = mpl.patches.FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.02",
            facecolor=mpl.colors.to_rgba(colour, 0.12),
            edgecolor=colour,
            linewidth=1.6,
            zorder=2,
        )
        ax.add_patch(box)
        name = node.label or ""
        if node.op:
            name = f"{name} ({node.op})" if name else node.op
        ax.text(x, y - 0.2, name, ha="center", va="center", fontsize=10, fontweight="bold")
        ax.text(x, y + 0.02, f"value {node.data:.4f}", ha="center", va="center", fontsize=8.5)
        grad = f"grad {node.grad:.4f}"
        ax.text(x, y + 0.22, grad, ha="center", va="center", fontsize=8.5, color=PALETTE[3])
    ax.set(
        title=title,
        xlim=(-0.6, columns - 0.4),
        ylim=(high + 0.75, low - 0.65),  # first row at the top
        xlabel="forward: values flow left to right; backward: gradients flow right to left",
        ylabel="nodes",
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig


# -- training runs compared (chapter 8) ------------------------------------------------------

_HISTORY_LABELS = {
    "loss": "training loss",
    "val_loss": "validation loss",
    "accuracy": "training accuracy",
    "val_accuracy": "validation accuracy",
    "lr": "learning rate α",
}


@_styled
def plot_histories(
    histories,
    metrics=("loss", "val_accuracy"),
    title="Training runs compared",
    log_scale=("loss", "val_loss"),
):
    """Several training runs in one figure: one panel per metric, one line per run.

    histories: run name → the dict returned by ``training.fit`` (one per optimizer, say).
    metrics: keys of those dicts, one panel each, e.g. "loss", "val_accuracy" or "lr"; each
    run must have recorded them. log_scale: the metrics drawn on a logarithmic y-axis.
    Lines differ in style as well as colour, so they stay apart in black and white.
    """
    for name, history in histories.items():
        for metric in metrics:
            if metric not in history:
                raise ValueError(
                    f"The run {name!r} has no {metric!r}; it recorded {sorted(history)}. "
                    "(fit records val_loss and val_accuracy only with validation_data.)"
                )
    styles = ["-", "--", "-.", ":"]
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.0 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (name, history) in enumerate(histories.items()):
            values = history[metric]
            epochs = np.arange(1, len(values) + 1)
            style = {"color": PALETTE[i % len(PALETTE)], "linestyle": styles[i % len(styles)]}
            ax.plot(epochs, values, label=name, **style)
        label = _HISTORY_LABELS.get(metric, metric)
        ax.set(title=label, xlabel="epoch", ylabel=label)
        if metric in log_scale:
            ax.set_yscale("log")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4))
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout(rect=(0, 0.1, 1, 1))  # the bottom tenth is for the legend
    return fig


def _edge_point(centre, towards, size):
    """Where the segment from a box's centre towards another point leaves the box.

    centre, towards: (x, y); size: the box's (width, height). Returns (x, y) on its edge.
    """
    (x, y), (tx, ty), (w, h) = centre, towards, size
    dx, dy = tx - x, ty - y
    scales = [w / 2 / abs(dx) if dx else np.inf, h / 2 / abs(dy) if dy else np.inf]
    t = min(scales + [1.0])
    return x + t * dx, y + t * dy


@_styled
def draw_diagram(boxes, arrows, title, ax=None, box_size=(1.6, 0.8), xlabel="", ylabel=""):
    """A block diagram: labelled boxes joined by arrows (chapter 11 draws an unrolled recurrent
    network and a generative adversarial network with it).

    boxes: {name: (x, y, text)} or {name: (x, y, text, colour)}: each box's centre in data
    coordinates, its text (line breaks and $math$ allowed) and an index into PALETTE for its
    colour (0 if left out). Every box has the size box_size = (width, height), in data units.
    arrows: a list of (start, end) or (start, end, label), naming boxes; each arrow runs from
    the edge of one box to the edge of the other, with its label on its middle.
    ax: an Axes to draw into (None: a new figure). Returns the Figure.
    """
    placed = {}
    for name, spec in boxes.items():
        if not isinstance(spec, tuple) or len(spec) not in (3, 4):
            raise ValueError(
                f"Box {name!r} must be (x, y, text) or (x, y, text, colour), got {spec!r}."
            )
        x, y, text, *colour = spec
        placed[name] = (float(x), float(y), str(text), colour[0] if colour else 0)
    for arrow in arrows:
        for end in arrow[:2]:
            if end not in placed:
                raise ValueError(
                    f"The arrow {arrow[:2]!r} names the box {end!r}, which is not among the "
                    f"boxes: {sorted(placed)}."
                )
    xs = [x for x, *_ in placed.values()]
    ys = [y for _, y, *_ in placed.values()]
    if ax is None:
        width = max(4.0, 1.1 * (max(xs) - min(xs) + box_size[0]) + 0.5)
        height = max(2.0, 1.1 * (max(ys) - min(ys) + box_size[1]) + 1.0)
        fig, ax = plt.subplots(figsize=(min(width, 13), min(height, 8)))
    else:
        fig = ax.figure
    w, h = box_size
    for x, y, text, colour in placed.values():
        edge = PALETTE[colour % len(PALETTE)]
        ax.add_patch(
            mpl.patches.FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.02",
                facecolor=mpl.colors.to_rgba(edge, 0.12),
                edgecolor=edge,
                linewidth=1.6,
                zorder=2,
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=10, zorder=3)
    for arrow in arrows:
        (x0, y0, *_), (x1, y1, *_) = placed[arrow[0]], placed[arrow[1]]
        start = _edge_point((x0, y0), (x1, y1), (w + 0.1, h + 0.1))
        end = _edge_point((x1, y1), (x0, y0), (w + 0.1, h + 0.1))
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 1.5},
            zorder=1,
        )
        if len(arrow) > 2 and arrow[2]:
            middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            ax.text(
                *middle,
                arrow[2],
                ha="center",
                va="center",
                fontsize=9,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
    ax.set(
        title=title,
        xlim=(min(xs) - w / 2 - 0.3, max(xs) + w / 2 + 0.3),
        ylim=(min(ys) - h / 2 - 0.3, max(ys) + h / 2 + 0.3),
        xlabel=xlabel,
        ylabel=ylabel,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig
