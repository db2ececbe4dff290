"""``make notebooks`` changes a stored output only when it really changed (tools/refresh.py).

The rules are tested on small made-up outputs; then chapters 0–3 (the chapters whose figures
used to drift) are refreshed for real, once with NumPy's default CPU features and once with its
AVX2/AVX-512 paths switched off, and must come back byte for byte as they are stored.
"""

import base64
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import matplotlib.colors
import matplotlib.image
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib import plots
from nnlib.layers import Dense
from nnlib.network import Sequential

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import refresh  # noqa: E402

RULES = refresh.sanitize_rules()


def png(draw, size=(3, 2)):
    """The PNG bytes of a small figure; draw(ax) puts something on its axes."""
    fig = Figure(figsize=size, dpi=100)
    ax = fig.add_subplot()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    draw(ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def line_at(height, **style):
    return lambda ax: ax.plot([0.1, 0.9], [height, height + 0.3], **style)


def b64(data):
    return base64.b64encode(data).decode("ascii")


# -- the sanitize rules are nbval's ----------------------------------------------------------


def test_sanitize_rules_are_the_ones_nbval_reads():
    from nbval.plugin import get_sanitize_patterns

    expected = get_sanitize_patterns(refresh.SANITIZE_FILE.read_text(encoding="utf-8"))
    assert [(rule.pattern, replace) for rule, replace in RULES] == expected
    assert len(RULES) >= 2


def test_a_sanitize_file_without_rules_is_an_error(tmp_path):
    empty = tmp_path / "rules.cfg"
    empty.write_text("# nothing here\n")
    with pytest.raises(ValueError, match="regex: "):
        refresh.sanitize_rules(empty)


def test_text_is_compared_after_sanitizing():
    assert refresh.same_text("<f at 0x7f3a2b1c9d40>", "<f at 0x7f00deadbeef>", RULES)
    assert not refresh.same_text("shape (3, 4)", "shape (4, 3)", RULES)


# -- figures ----------------------------------------------------------------------------------


def test_a_figure_whose_line_moved_by_a_fraction_of_a_pixel_is_the_same():
    stored, fresh = png(line_at(0.3)), png(line_at(0.3 + 2e-4))  # 3 % of a pixel
    assert stored != fresh  # hundreds of pixels on the line's outline changed a little
    assert refresh.same_png(stored, fresh)
    assert refresh.same_png(b64(stored), b64(fresh))


def test_a_line_moved_by_one_pixel_is_a_change():
    assert not refresh.same_png(png(line_at(0.3)), png(line_at(0.3 + 1 / 140)))


def test_a_line_in_another_colour_or_width_is_a_change():
    stored = png(line_at(0.3, color="#0072B2"))
    assert not refresh.same_png(stored, png(line_at(0.3, color="#D55E00")))
    assert not refresh.same_png(stored, png(line_at(0.3, color="#0072B2", linewidth=2.5)))


def test_a_fill_a_little_more_transparent_is_a_change():
    def fill(alpha):
        return lambda ax: ax.fill_between([0, 1], 0, 1, color="#E69F00", alpha=alpha)

    stored, fresh = refresh.png_pixels(png(fill(0.25))), refresh.png_pixels(png(fill(0.23)))
    assert np.abs(stored - fresh).max() < refresh.EDGE_TOLERANCE  # a small change, but...
    assert not refresh.same_png(png(fill(0.25)), png(fill(0.23)))  # ...inside an area


def test_a_changed_label_or_size_is_a_change():
    stored = png(lambda ax: ax.set_title("Four random networks"))
    assert not refresh.same_png(stored, png(lambda ax: ax.set_title("Five random networks")))
    assert not refresh.same_png(
        stored, png(lambda ax: ax.set_title("Four random networks"), (3, 2.1))
    )


def test_a_few_pixels_that_jump_are_a_change_not_noise():
    """A knife edge (one grid cell flipping class) must show up, so it gets fixed."""
    pixels = refresh.png_pixels(png(line_at(0.3)))
    jumped = pixels.copy()
    jumped[40:42, 60:62, :3] = 0.5  # four pixels, well inside the white background
    buffer = io.BytesIO()
    matplotlib.image.imsave(buffer, jumped, format="png")
    reference = io.BytesIO()
    matplotlib.image.imsave(reference, pixels, format="png")
    assert not refresh.same_png(reference.getvalue(), buffer.getvalue())


def test_edge_pixels_are_the_outline_of_what_is_drawn():
    image = np.zeros((6, 6, 3))
    image[2:4, 2:4] = 1
    edges = refresh.edge_pixels(image)
    assert edges[1:5, 1:5].all()  # the square and the ring around it
    assert not edges[0].any() and not edges[:, 0].any()  # plain background


def test_animation_frames_are_compared_as_images():
    def html(*frames):
        lines = [f'frames[{i}] = "data:image/png;base64,{b64(f)}"' for i, f in enumerate(frames)]
        return "<script>\n" + "\n".join(lines) + "\n</script>"

    a, a_noise, b = png(line_at(0.3)), png(line_at(0.3 + 2e-4)), png(line_at(0.6))
    assert refresh.same_text(html(a, b), html(a_noise, b), RULES)
    assert not refresh.same_text(html(a, b), html(a, a), RULES)  # the sanitized text agrees
    assert not refresh.same_text(html(a, b), html(a), RULES)


# -- numbers in outputs nbval ignores ----------------------------------------------------------


@pytest.mark.parametrize(
    "stored, fresh",
    [
        ("loss 0.6931", "loss 0.6932"),  # rounding to the printed digits
        ("loss 1234.5", "loss 1235.6"),  # within 1e-3
        ("epoch 5/5  loss 0.0512  (0.12 s)", "epoch 5/5  loss 0.0512  (3.40 s)"),  # durations
        ("[-0.4 -0.2  0.   2.   4. ]", "[-0.4 -0.2  0.   2.   4. ]"),
        ("w = 1.2345e-05", "w = 1.2346e-05"),
        ("4,820 passes: 2.31 s", "4,820 passes: 2.41 s"),  # thousands, and a duration
        ("estimated: 7 minutes", "estimated: 6 minutes"),
    ],
)
def test_numbers_within_the_tolerance_are_the_same(stored, fresh):
    assert refresh.same_numbers(stored, fresh)


@pytest.mark.parametrize(
    "stored, fresh",
    [
        ("accuracy 0.9833", "accuracy 0.9800"),  # one sample in 300 is a real change
        ("loss 1234.5", "loss 1236.0"),
        ("epoch 5/5", "epoch 5/6"),  # counts are exact
        ("loss 0.0512", "cost 0.0512"),
        ("loss 0.0512", "loss 0.0512 0.1"),
        ("after 3 s", "after 3 samples"),  # "s" is a duration only on its own
        ("2,410 parameters", "2,610 parameters"),
    ],
)
def test_numbers_beyond_the_tolerance_or_changed_words_are_a_change(stored, fresh):
    assert not refresh.same_numbers(stored, fresh)


# -- whole notebooks ---------------------------------------------------------------------------


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for source, outputs, cell_tags in cells:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": cell_tags} if cell_tags else {})
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells.append(cell)
    return nb


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def figure(data):
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": b64(data), "text/plain": "<Figure size 300x200 with 1 Axes>"},
    }


def test_equivalent_outputs_keep_their_stored_form():
    stored = notebook(
        ("print(1); print(2)", [stream("1\n2\n")], []),
        ("plot()", [figure(png(line_at(0.3)))], []),
        ("train()", [stream("epoch 1/1 loss 0.6931 (0.20 s)\n")], ["nbval-ignore-output"]),
    )
    fresh = notebook(
        ("print(1); print(2)", [stream("1\n"), stream("2\n")], []),  # split by the kernel
        ("plot()", [figure(png(line_at(0.3 + 2e-4)))], []),
        ("train()", [stream("epoch 1/1 loss 0.6932 (0.31 s)\n")], ["nbval-ignore-output"]),
    )
    statuses = refresh.keep_equivalent_outputs(stored, fresh, RULES)
    assert statuses[0] in ("same", "kept") and statuses[1:] == ["kept", "kept"]
    assert [c.outputs for c in fresh.cells] == [c.outputs for c in stored.cells]


def test_a_real_change_is_written_and_equivalent_outputs_beside_it_stay():
    stored_figure = figure(png(line_at(0.3)))
    stored = notebook(
        ("show()", [stream("loss 0.6931\n"), stored_figure], []),
        ("print(3)", [stream("3\n")], []),
        ("train()", [stream("accuracy 0.9833\n")], ["nbval-ignore-output"]),
    )
    fresh = notebook(
        ("show()", [stream("loss 0.6932\n"), figure(png(line_at(0.3 + 2e-4)))], []),
        ("print(3)", [stream("3\n"), stream("4\n")], []),
        ("train()", [stream("accuracy 0.9800\n")], ["nbval-ignore-output"]),
    )
    statuses = refresh.keep_equivalent_outputs(stored, fresh, RULES)
    assert statuses == ["changed", "changed", "changed"]
    first = fresh.cells[0].outputs
    assert first[0]["text"] == "loss 0.6932\n"  # exact text outside ignored cells
    assert first[1] == nbformat.from_dict(stored_figure)  # the equivalent figure is kept
    assert fresh.cells[1].outputs[0]["text"] == "3\n4\n"
    assert fresh.cells[2].outputs[0]["text"] == "accuracy 0.9800\n"


def test_progress_bars_are_stored_as_they_are_shown():
    stored = notebook(("fit()", [], []))
    fresh = notebook(
        ("fit()", [stream("\repoch 1 [=  ] 1/2"), stream("\repoch 1 [===] 2/2\n")], [])
    )
    assert refresh.keep_equivalent_outputs(stored, fresh, RULES) == ["changed"]
    assert fresh.cells[0].outputs[0]["text"] == "epoch 1 [===] 2/2\n"


def test_in_timing_cells_only_the_words_around_the_numbers_count():
    timing = ["nbval-ignore-output", "timing"]
    stored = notebook(("race()", [stream("backpropagation is about 35,368× faster\n")], timing))
    faster = notebook(("race()", [stream("backpropagation is about 22,979× faster\n")], timing))
    slower = notebook(("race()", [stream("backpropagation is about 22,979× slower\n")], timing))
    assert refresh.keep_equivalent_outputs(stored, faster, RULES) == ["kept"]
    assert faster.cells[0].outputs == stored.cells[0].outputs
    assert refresh.keep_equivalent_outputs(stored, slower, RULES) == ["changed"]


def test_in_trained_cells_numbers_may_move_and_figures_keep_only_their_size():
    trained = ["nbval-ignore-output", "trained"]
    stored = notebook(
        ("fit()", [stream("accuracy [0.8813 0.882  0.8842]\n"), figure(png(line_at(0.3)))], trained)
    )
    other_run = notebook(  # another CPU: other digits, numpy's padding, a curve a pixel higher
        (
            "fit()",
            [stream("accuracy [0.8825 0.8825 0.885 ]\n"), figure(png(line_at(0.32)))],
            trained,
        )
    )
    assert refresh.keep_equivalent_outputs(stored, other_run, RULES) == ["kept"]
    assert other_run.cells[0].outputs == stored.cells[0].outputs
    words = notebook(("fit()", [stream("loss [0.8825]\n"), figure(png(line_at(0.3)))], trained))
    resized = notebook(
        (
            "fit()",
            [stream("accuracy [0.8813 0.882  0.8842]\n"), figure(png(line_at(0.3), size=(4, 2)))],
            trained,
        )
    )
    assert refresh.keep_equivalent_outputs(stored, words, RULES) == ["changed"]
    assert refresh.keep_equivalent_outputs(stored, resized, RULES) == ["changed"]


def test_the_fresh_notebook_must_be_the_stored_one_run_again():
    with pytest.raises(ValueError, match="same cells"):
        refresh.keep_equivalent_outputs(notebook(("a", [], [])), notebook(("b", [], [])), RULES)


# -- decision boundaries do not sit on a knife edge ------------------------------------------


def linear_classifier(bias):
    """Two logits whose difference is 2·x1 + bias: the boundary is the line x1 = −bias/2."""
    layer = Dense(2, 2, dtype=np.float64)
    layer.params["W"][...] = [[-1.0, 1.0], [0.0, 0.0]]
    layer.params["b"][...] = [0.0, bias]
    return Sequential(layer)


def boundary_png(model, X, y):
    fig = plots.plot_decision_boundary(model, X, y, resolution=201)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def test_a_boundary_through_grid_points_does_not_flip_them():
    # x1 from −1.2 to 1.2 in 201 steps: the grid has a column at exactly x1 = 0, on the
    # boundary. A change in the last bits of a logit must not move a column of grid cells.
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    y = np.array([0, 1, 0, 1])
    left, right = (
        boundary_png(linear_classifier(-1e-12), X, y),
        boundary_png(linear_classifier(1e-12), X, y),
    )
    assert refresh.same_png(left, right)


def test_each_class_region_has_its_colour():
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    y = np.array([0, 1, 0, 1])
    fig = plots.plot_decision_boundary(linear_classifier(0.0), X, y, resolution=51)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)
    ax = fig.axes[0]
    for x1, colour in [(-0.5, plots.PALETTE[0]), (0.5, plots.PALETTE[1])]:
        column, row = ax.transData.transform((x1, 0.4))
        shown = pixels[int(pixels.shape[0] - row), int(column)]
        expected = 255 * (0.75 + 0.25 * np.array(matplotlib.colors.to_rgb(colour)))
        np.testing.assert_allclose(shown, expected, atol=2)
    plt.close(fig)


# -- chapters 0–3, refreshed on this machine with two sets of CPU features ------------------

# The chapters of the issue: chapter 2's decision boundaries moved with the CPU's vector
# instructions and chapter 3's random networks did too. Each runs in a few seconds.
REFRESHED = sorted((ROOT / "chapters").glob("0[0-3]-*.ipynb"))
WIDER_PATHS = ("X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR")  # AVX2 and up, NumPy 2.4 names
REPRO = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def cpu_features(env):
    """NumPy's CPU features as a child process with this environment sees them."""
    code = "import json, numpy; print(json.dumps(numpy._core._multiarray_umath.__cpu_features__))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def environment(disabled):
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    env.update(REPRO)
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(disabled)
    return env


def wider_paths_or_skip():
    """The wide-vector features this CPU has (and NumPy can switch off), or skip the test."""
    if int(np.__version__.split(".")[0]) < 2:
        pytest.skip(f"NumPy {np.__version__}: the feature groups X86_V3/X86_V4 are NumPy 2's")
    present = cpu_features(environment(()))
    if "X86_V3" not in present:
        pytest.skip(f"NumPy {np.__version__} on this CPU has no X86_V3 group to switch off")
    have = [name for name in WIDER_PATHS if present.get(name)]
    if "X86_V3" not in have:
        pytest.skip("this CPU has no AVX2 (X86_V3), so there is no wider vector path to turn off")
    return have


def changed_cells(stored, fresh):
    old, new = nbformat.read(str(stored), 4), nbformat.read(str(fresh), 4)
    return [
        f"cell {i}: {a.source.splitlines()[0] if a.source else ''}"
        for i, (a, b) in enumerate(zip(old.cells, new.cells))
        if a.get("outputs") != b.get("outputs")
    ]


@pytest.mark.notebooks
@pytest.mark.parametrize("features", ["default", "wider paths off"])
def test_refreshing_the_chapters_leaves_them_byte_for_byte_as_stored(features, tmp_path):
    disabled = wider_paths_or_skip() if features == "wider paths off" else ()
    env = environment(disabled)
    if disabled:
        seen = cpu_features(env)
        still_on = [name for name in disabled if seen.get(name)]
        assert not still_on, f"NPY_DISABLE_CPU_FEATURES did not switch off {still_on}"
    copies = []
    for path in REFRESHED:
        copies.append(tmp_path / path.name)
        copies[-1].write_bytes(path.read_bytes())
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), *map(str, copies)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"refreshed {len(copies)} chapters ({features}) in {time.perf_counter() - started:.1f} s")
    drifted = {
        path.name: changed_cells(path, copy)
        for path, copy in zip(REFRESHED, copies)
        if copy.read_bytes() != path.read_bytes()
    }
    assert not drifted, (
        f"make notebooks with {features} CPU features ({' '.join(disabled) or 'none off'}) "
        f"changed stored outputs: {drifted}. If a chapter or nnlib changed on purpose, run "
        f"`make notebooks` and commit the new outputs; otherwise a figure or number depends on "
        f"the CPU.\n{result.stdout}"
    )
