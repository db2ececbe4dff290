"""Tests for nnlib.plots: every figure function runs on tiny inputs, titles and labels its axes,
and the animations give deterministic HTML that plays offline."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlib import optim, plots  # noqa: E402
from nnlib.network import build_network  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _plot_axes(fig):
    """The figure's axes without colour bars (which carry a label but no title)."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def _suptitle(fig):
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


def assert_titled(fig, labelled=True):
    """Every plotting axis has a title (or the figure a suptitle); with labelled=True every
    visible plotting axis also names its x and y axis."""
    assert isinstance(fig, Figure)
    axes = _plot_axes(fig)
    assert axes
    if not _suptitle(fig):
        for ax in axes:
            assert ax.get_title(), ax
    if labelled:
        for ax in axes:
            if ax.axison:
                assert ax.get_xlabel() and ax.get_ylabel(), ax


def test_plot_activations():
    fig = plots.plot_activations()
    assert_titled(fig)
    assert [ax.get_title() for ax in fig.axes] == [
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu (κ = 0.1)",
    ]
    sigmoid_curve = fig.axes[0].lines[0].get_ydata()
    assert sigmoid_curve[0] == pytest.approx(1 / (1 + np.exp(5)))
    assert all(len(ax.get_lines()) >= 2 for ax in fig.axes)  # function and derivative


def test_plot_activations_with_chosen_names_and_inputs():
    fig = plots.plot_activations(names=["linear"], z=np.linspace(-1, 1, 5))
    assert_titled(fig)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), np.linspace(-1, 1, 5))


def test_plot_function_with_derivative():
    x = np.linspace(-2, 2, 9)
    fig = plots.plot_function(np.square, x, "f(x) = x²", derivative=lambda x: 2 * x)
    assert_titled(fig)
    ax = fig.axes[0]
    assert ax.get_title() == "f(x) = x²" and ax.get_xlabel() == "x" and ax.get_ylabel() == "f(x)"
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 2 * x)


def test_plot_function_on_a_given_axis():
    fig, axes = plt.subplots(1, 2)
    returned = plots.plot_function(np.sin, np.linspace(0, 3, 5), "sine", ax=axes[1])
    assert returned is fig
    assert axes[1].get_title() == "sine" and not axes[0].lines


def test_draw_network():
    fig = plots.draw_network([3, 4, 2])
    assert_titled(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "input\n(3)" in texts and "hidden\n(4)" in texts and "output\n(2)" in texts


def test_draw_network_with_a_wide_layer_and_labels():
    fig = plots.draw_network([784, 16, 10], title="MNIST", labels=["pixels", "hidden", "digits"])
    assert_titled(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "⋮\n784" in texts and "⋮\n16" in texts and "pixels\n(784)" in texts
    assert fig.axes[0].get_title() == "MNIST"


def test_plot_history():
    history = {
        "loss": [1.0, 0.5, 0.3],
        "accuracy": [0.5, 0.8, 0.9],
        "val_loss": [1.1, 0.6, 0.5],
        "val_accuracy": [0.4, 0.7, 0.8],
        "time": [0.1] * 3,
    }
    fig = plots.plot_history(history, title="Run")
    assert_titled(fig)
    assert [ax.get_title() for ax in fig.axes] == ["Run: loss", "Run: accuracy"]
    assert len(fig.axes[0].lines) == 2
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), [1.1, 0.6, 0.5])


def test_plot_history_of_a_regression():
    fig = plots.plot_history({"loss": [3.0, 1.0], "time": [0.1, 0.1]})
    assert_titled(fig)
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 1


@pytest.mark.parametrize("outputs", [3, 1], ids=["logits", "one sigmoid"])
def test_plot_decision_boundary(outputs):
    generator = np.random.default_rng(0)
    X = generator.normal(size=(12, 2)).astype(np.float32)
    y = generator.integers(0, max(outputs, 2), size=12)
    last = "linear" if outputs > 1 else "sigmoid"
    model = build_network([2, 4, outputs], ["relu", last], rng=0)
    fig = plots.plot_decision_boundary(model, X, y, resolution=20)
    assert_titled(fig)
    assert model.training  # predict put the mode back


def test_plot_confusion_matrix():
    matrix = np.array([[5, 1], [2, 7]])
    fig = plots.plot_confusion_matrix(matrix, class_names=["cat", "dog"])
    assert_titled(fig)
    ax = _plot_axes(fig)[0]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "5", "7"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]


def test_plot_images():
    images = np.random.default_rng(0).integers(0, 17, size=(5, 8, 8))
    fig = plots.plot_images(images, labels=[0, 1, 2, 3, 4], title="Digits", ncols=3)
    assert_titled(fig, labelled=False)
    assert _suptitle(fig) == "Digits"
    assert len(fig.axes) == 6  # 2 rows of 3; the last one empty and hidden
    assert [ax.get_title() for ax in fig.axes[:5]] == ["0", "1", "2", "3", "4"]
    assert sum(bool(ax.images) for ax in fig.axes) == 5


def test_plot_weights():
    W = np.random.default_rng(0).normal(size=(64, 20))
    fig = plots.plot_weights(W, (8, 8), n=4)
    assert_titled(fig, labelled=False)
    assert _suptitle(fig) == "First-layer weights"
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == ["neuron 0", "neuron 1", "neuron 2", "neuron 3"]
    shown = fig.axes[0].images[0]
    np.testing.assert_allclose(shown.get_array(), W[:, 0].reshape(8, 8))
    low, high = shown.get_clim()
    assert low == pytest.approx(-high)  # the colour map is centred on zero


def test_plot_predictions():
    generator = np.random.default_rng(0)
    images = generator.random(size=(2, 4, 4))
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    fig = plots.plot_predictions(images, probabilities, labels=[0, 1])
    assert_titled(fig, labelled=False)
    bar_axes = [ax for ax in fig.axes if ax.patches]
    assert len(bar_axes) == 2
    assert bar_axes[0].get_title() == "true: 0, predicted: 0 (right)"
    assert bar_axes[1].get_title() == "true: 1, predicted: 2 (wrong)"
    assert all(ax.get_ylabel() == "probability" for ax in bar_axes)
    assert bar_axes[-1].get_xlabel() == "class"


def test_gradient_descent_path_by_hand():
    # f(x) = x², f'(x) = 2x, lr 0.25: x ← x − 0.5x, so the path halves
    path = optim.gradient_descent_path(lambda x: 2 * x, [1.0], 0.25, 3)
    np.testing.assert_allclose(path, [[1.0], [0.5], [0.25], [0.125]])
    # f(x, y) = x² + y²: the same halving in both coordinates
    path = optim.gradient_descent_path(lambda p: 2 * p, [2.0, -4.0], 0.25, 2)
    np.testing.assert_allclose(path, [[2.0, -4.0], [1.0, -2.0], [0.5, -1.0]])


def _bowl(x, y):
    return x**2 + 2 * y**2


def _bowl_gradient(p):
    return np.array([2 * p[0], 4 * p[1]])


def test_plot_paths_2d():
    paths = {
        "SGD": optim.gradient_descent_path(_bowl_gradient, [1.5, 1.0], 0.1, 4),
        "big steps": optim.gradient_descent_path(_bowl_gradient, [1.5, 1.0], 0.4, 4),
    }
    fig = plots.plot_paths_2d(_bowl, paths, (-2, 2), (-2, 2))
    assert_titled(fig)
    ax = _plot_axes(fig)[0]
    assert [line.get_label() for line in ax.lines] == ["SGD", "big steps"]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), paths["SGD"][:, 0])


def test_plotting_leaves_the_global_style_alone():
    before = dict(matplotlib.rcParams)
    plots.plot_function(np.sin, np.linspace(0, 1, 3), "sine")
    assert matplotlib.rcParams["axes.titleweight"] == before["axes.titleweight"]
    assert matplotlib.rcParams["axes.grid"] == before["axes.grid"]


def test_use_style_sets_the_book_style():
    with matplotlib.rc_context():
        plots.use_style()
        assert matplotlib.rcParams["axes.titleweight"] == "bold"
        assert matplotlib.rcParams["figure.facecolor"] == "white"
    assert len(plots.PALETTE) == 8


# -- animations ------------------------------------------------------------------------------------


def _animation_1d(name, alt="A ball rolls down the parabola"):
    return plots.animate_gradient_descent_1d(
        np.square, lambda x: 2 * x, 1.5, 0.3, 3, (-2, 2), "Gradient descent on x²", name, alt
    )


def test_animation_html_plays_offline_with_alt_text():
    html = _animation_1d("parabola", alt='A "ball" rolls').data
    assert "http" not in html
    assert "font-awesome" not in html and "fa fa-" not in html
    assert 'alt="A &quot;ball&quot; rolls"' in html
    assert "<img" in html and 'role="img"' in html
    assert "▶" in html  # the play button, as a plain character
    assert "⏮" not in html and "⏭" not in html  # missing from common fonts: shown as boxes
    assert 'type="range" aria-label="Animation frame"' in html  # the slider has a name
    assert not plt.get_fignums()  # the animation's figure was closed


def test_animation_ids_are_deterministic():
    first, second = _animation_1d("parabola").data, _animation_1d("parabola").data
    other = _animation_1d("another").data
    img_id = first.split('<img id="')[1].split('"')[0]
    assert img_id == second.split('<img id="')[1].split('"')[0]
    assert img_id != other.split('<img id="')[1].split('"')[0]
    assert first == second  # the whole page is the same, frames included


def test_animate_gradient_descent_2d():
    html = plots.animate_gradient_descent_2d(
        _bowl,
        _bowl_gradient,
        [1.5, 1.0],
        0.1,
        3,
        (-2, 2),
        (-2, 2),
        "Gradient descent on a bowl",
        "bowl",
        "A path spirals into the bowl's minimum",
    ).data
    assert "http" not in html
    assert 'alt="A path spirals into the bowl\'s minimum"' in html
    assert html.count("data:image/png;base64") == 4  # start + 3 steps


def test_animation_html_of_any_animation():
    from matplotlib import animation

    fig, ax = plt.subplots()
    ax.set(title="A dot moves", xlabel="x", ylabel="y", xlim=(0, 3), ylim=(0, 1))
    (dot,) = ax.plot([], [], "o")

    def draw(i):
        dot.set_data([i], [0.5])
        return (dot,)

    anim = animation.FuncAnimation(fig, draw, frames=3, interval=100, blit=True)
    html = plots.animation_html(anim, "moving-dot", "A dot moves to the right").data
    assert 'alt="A dot moves to the right"' in html
    assert "http" not in html
    assert html.count("data:image/png;base64") == 3
    assert not plt.fignum_exists(fig.number)
