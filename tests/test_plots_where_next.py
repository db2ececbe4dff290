"""Tests for plots.draw_diagram (chapter 11): one box per entry, arrows that run from edge to edge
of their boxes, labels on the arrows, and clear errors for names that are not boxes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from nnlib import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


BOXES = {
    "x": (0.0, 0.0, "input $x$", 2),
    "h": (3.0, 0.0, "state\n$h$"),
    "y": (3.0, 2.0, "output", 1),
}
ARROWS = [("x", "h", "$W$"), ("h", "y")]


def test_one_box_and_one_text_per_entry_and_one_arrow_per_pair():
    fig = plots.draw_diagram(BOXES, ARROWS, "A diagram", xlabel="left to right")
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 3
    texts = {text.get_text() for text in ax.texts if not isinstance(text, Annotation)}
    assert {"input $x$", "state\n$h$", "output", "$W$"} <= texts
    arrows = [text for text in ax.texts if isinstance(text, Annotation)]
    assert len(arrows) == 2
    assert ax.get_title() == "A diagram" and ax.get_xlabel() == "left to right"


def test_box_colours_come_from_the_palette():
    fig = plots.draw_diagram(BOXES, ARROWS, "Colours")
    edges = [p.get_edgecolor() for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    expected = [plots.PALETTE[2], plots.PALETTE[0], plots.PALETTE[1]]
    assert [matplotlib.colors.to_hex(e) for e in edges] == [c.lower() for c in expected]


def test_arrows_start_and_end_on_the_box_edges_not_at_the_centres():
    width, height = 1.0, 0.6
    fig = plots.draw_diagram(BOXES, ARROWS, "Edges", box_size=(width, height))
    first, second = [t for t in fig.axes[0].texts if isinstance(t, Annotation)]
    # x → h runs horizontally from x's right edge to h's left edge (with a small gap)
    (x0, y0), (x1, y1) = first.xyann, first.xy
    assert y0 == y1 == 0.0
    assert width / 2 <= x0 < width / 2 + 0.1 and 3.0 - width / 2 - 0.1 < x1 <= 3.0 - width / 2
    # h → y runs straight up, from the top edge of h to the bottom edge of y
    (x0, y0), (x1, y1) = second.xyann, second.xy
    assert x0 == x1 == 3.0
    assert height / 2 <= y0 < height / 2 + 0.1 and 2.0 - height / 2 - 0.1 < y1 <= 2.0 - height / 2


def test_a_diagonal_arrow_leaves_through_the_nearer_edge():
    start = plots._edge_point((0.0, 0.0), (4.0, 1.0), (2.0, 2.0))
    assert start == pytest.approx((1.0, 0.25))  # through the right edge, x = w/2
    start = plots._edge_point((0.0, 0.0), (1.0, 4.0), (2.0, 2.0))
    assert start == pytest.approx((0.25, 1.0))  # through the top edge, y = h/2


def test_draws_into_a_given_axes_and_frames_every_box():
    fig, (left, right) = plt.subplots(1, 2)
    assert plots.draw_diagram(BOXES, ARROWS, "Left", ax=left) is fig
    assert left.get_title() == "Left" and not right.patches
    (x_low, x_high), (y_low, y_high) = left.get_xlim(), left.get_ylim()
    centres = np.array([spec[:2] for spec in BOXES.values()])
    assert x_low < centres[:, 0].min() and x_high > centres[:, 0].max()
    assert y_low < centres[:, 1].min() and y_high > centres[:, 1].max()


def test_an_arrow_to_an_unknown_box_names_it_and_the_known_ones():
    with pytest.raises(ValueError, match=r"'z'.*not among the boxes: \['h', 'x', 'y'\]"):
        plots.draw_diagram(BOXES, [("x", "z")], "Broken")


def test_a_box_must_be_a_tuple_of_three_or_four():
    with pytest.raises(ValueError, match=r"Box 'x' must be \(x, y, text\)"):
        plots.draw_diagram({"x": (0.0, 0.0)}, [], "Broken")
