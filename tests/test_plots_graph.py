"""Tests for plots.draw_computation_graph: one box per node showing its operation, value and
gradient, inputs drawn left of the Values computed from them, and clear errors."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from nnlib import plots  # noqa: E402
from nnlib.autograd import Value, topological_order  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def neuron():
    """ℓ = (σ(w1·x1 + w2·x2 + b) − y)², after backward()."""
    x1, w1, x2, w2, b, y = (
        Value(v, n)
        for v, n in zip([1.5, 0.8, -0.5, 1.2, 0.1, 1.0], ["x1", "w1", "x2", "w2", "b", "y"])
    )
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    loss = (z.sigmoid() - y) ** 2
    loss.label = "ℓ"
    loss.backward()
    return loss


def boxes(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]


def centre(box):
    return box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2


def test_one_box_per_node_with_its_value_and_gradient():
    loss = neuron()
    fig = plots.draw_computation_graph(loss, title="One neuron")
    ax = fig.axes[0]
    assert ax.get_title() == "One neuron" and ax.get_xlabel() and ax.get_ylabel()
    nodes = topological_order(loss)
    assert len(boxes(fig)) == len(nodes) == 13
    texts = [t.get_text() for t in ax.texts]
    for node in nodes:
        assert f"value {node.data:.4f}" in texts
        assert f"grad {node.grad:.4f}" in texts
    assert "z (+)" in texts and "ℓ (**2)" in texts and "w1" in texts
    assert "σ" in texts and "×" in texts and "−" in texts  # unnamed operations show their op


def test_inputs_sit_left_of_their_users_and_boxes_never_overlap():
    loss = neuron()
    fig = plots.draw_computation_graph(loss)
    nodes = topological_order(loss)
    where = dict(zip((id(n) for n in nodes), (centre(b) for b in boxes(fig))))
    for node in nodes:
        for inp in node.inputs:
            assert where[id(inp)][0] < where[id(node)][0]
    assert where[id(loss)][0] == max(x for x, _ in where.values())  # the loss on the right
    points = sorted(where.values())
    for i, (x0, y0) in enumerate(points):
        for x1, y1 in points[i + 1 :]:
            assert x0 != x1 or abs(y0 - y1) > 0.99, "two boxes of one column overlap"


def test_one_arrow_per_distinct_input():
    x = Value(3.0, "x")
    f = x * x + x  # x feeds the product twice: drawn as one arrow into it
    f.backward()
    fig = plots.draw_computation_graph(f)
    arrows = [t for t in fig.axes[0].texts if isinstance(t, Annotation)]
    assert len(arrows) == 3  # x → ×, x → +, × → +
    assert "grad 7.0000" in [t.get_text() for t in fig.axes[0].texts]  # 2x + 1


def test_a_single_value_is_one_box():
    fig = plots.draw_computation_graph(Value(2.0, "w"))
    assert len(boxes(fig)) == 1


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="Value"):
        plots.draw_computation_graph(3.0)
    x = Value(1.0)
    for _ in range(30):
        x = x + 1.0
    with pytest.raises(ValueError, match="too many"):
        plots.draw_computation_graph(x)
