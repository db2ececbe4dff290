"""Tests for the figures chapter 5 added to nnlib.plots: learning rates side by side, and
animations whose frames are stored with a palette."""

import matplotlib

matplotlib.use("Agg")

import base64  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nnlib import plots  # noqa: E402

RATES = {"too small": 0.02, "about right": 0.2, "too large": 0.9, "diverging": 1.1}
FRAME = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\\\n]+)")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _learning_rates(rates=RATES, steps=12):
    return plots.plot_learning_rates(
        np.square, lambda x: 2 * x, 2.5, rates, steps, (-4, 4), "Four learning rates"
    )


def test_plot_learning_rates_one_labelled_panel_per_rate():
    fig = _learning_rates()
    assert fig._suptitle.get_text() == "Four learning rates"
    assert [ax.get_title() for ax in fig.axes] == [
        "too small: α = 0.02",
        "about right: α = 0.2",
        "too large: α = 0.9",
        "diverging: α = 1.1",
    ]
    for ax in fig.axes:
        assert ax.get_xlabel() == "x" and ax.get_ylabel() == "f(x)"
        assert ax.get_xlim() == (-4, 4)


def test_plot_learning_rates_draws_the_path_of_each_rate():
    fig = _learning_rates()
    small, right, large, _ = fig.axes
    # f(x) = x², f'(x) = 2x: each step multiplies x by (1 − 2α)
    expected = 2.5 * (1 - 2 * 0.02) ** np.arange(13)
    np.testing.assert_allclose(small.lines[1].get_xdata(), expected)
    np.testing.assert_allclose(small.lines[1].get_ydata(), expected**2)
    assert right.lines[1].get_xdata()[-1] == pytest.approx(2.5 * 0.6**12)
    signs = np.sign(large.lines[1].get_xdata())
    assert (signs[1:] == -signs[:-1]).all()  # α = 0.9 jumps across the minimum every step
    assert small.texts[0].get_text() == f"after 12 steps: x = {expected[-1]:.3g}"


def test_plot_learning_rates_stops_drawing_a_path_that_leaves_the_axes():
    diverging = _learning_rates().axes[3]
    drawn = diverging.lines[1].get_xdata()
    # x: 2.5, −3, 3.6, −4.32, ...: the fourth point is outside (−4, 4)
    np.testing.assert_allclose(drawn, [2.5, -3.0, 3.6])
    assert diverging.texts[0].get_text() == f"after 12 steps: x = {2.5 * 1.2**12:.3g}"


def test_plot_learning_rates_hides_an_unused_panel():
    fig = _learning_rates({"a": 0.1, "b": 0.3, "c": 0.6}, steps=3)
    assert len(fig.axes) == 4
    assert [ax.axison for ax in fig.axes] == [True, True, True, False]


# -- palette frames --------------------------------------------------------------------------


def _frames(html):
    return [base64.b64decode(m.replace("\\\n", "")) for m in FRAME.findall(html)]


@pytest.fixture(scope="module")
def parabola():
    return plots.animate_gradient_descent_1d(
        np.square, lambda x: 2 * x, 1.5, 0.3, 4, (-2, 2), "Descent on x²", "parabola", "A dot"
    )


def test_compress_animation_keeps_every_frame_and_its_size(parabola):
    before = _frames(parabola.data)
    after = _frames(plots.compress_animation(parabola, colours=32).data)
    assert len(after) == len(before) == 5  # start + 4 steps
    for old, new in zip(before, after):
        old_image, new_image = Image.open(io.BytesIO(old)), Image.open(io.BytesIO(new))
        assert new_image.size == old_image.size
        assert new_image.mode == "P" and len(new_image.getcolors()) <= 32
        # the picture is the same up to the palette: every pixel within a few grey levels
        difference = np.abs(
            np.asarray(new_image.convert("RGB"), dtype=int)
            - np.asarray(old_image.convert("RGB"), dtype=int)
        )
        assert np.percentile(difference, 99) <= 16


def test_compress_animation_makes_the_page_lighter(parabola):
    compressed = plots.compress_animation(parabola).data
    assert len(compressed) < 0.5 * len(parabola.data)


def test_compress_animation_keeps_the_player_alt_text_and_ids(parabola):
    compressed = plots.compress_animation(parabola).data
    outside = FRAME.sub("<frame>", parabola.data)
    assert FRAME.sub("<frame>", compressed) == outside
    assert 'alt="A dot"' in compressed and "http" not in compressed


def test_compress_animation_is_deterministic_and_accepts_text(parabola):
    first = plots.compress_animation(parabola).data
    assert plots.compress_animation(parabola.data).data == first
