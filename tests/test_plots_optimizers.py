"""Tests for plots.plot_histories, which chapter 8 uses to compare training runs: one panel per
metric, one line per run (each with its own colour and line style), and a clear error for a
metric a run did not record."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib import plots  # noqa: E402

RUNS = {
    "SGD": {"loss": [2.0, 1.0, 0.5], "val_accuracy": [0.5, 0.7, 0.8], "lr": [0.1, 0.1, 0.1]},
    "Adam": {"loss": [1.5, 0.4, 0.1], "val_accuracy": [0.6, 0.9, 0.95], "lr": [0.01, 0.005, 0.0]},
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_one_labelled_panel_per_metric_and_one_line_per_run():
    fig = plots.plot_histories(RUNS, metrics=("loss", "val_accuracy", "lr"), title="Runs")
    assert fig._suptitle.get_text() == "Runs"
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["training loss", "validation accuracy", "learning rate α"]
    for ax, metric in zip(fig.axes, ("loss", "val_accuracy", "lr")):
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == ax.get_title()
        assert [line.get_label() for line in ax.get_lines()] == ["SGD", "Adam"]
        for line, run in zip(ax.get_lines(), RUNS.values()):
            np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])  # epochs count from 1
            np.testing.assert_array_equal(line.get_ydata(), run[metric])


def test_runs_differ_in_colour_and_line_style():
    fig = plots.plot_histories(RUNS)
    first, second = fig.axes[0].get_lines()
    assert first.get_color() != second.get_color()
    assert first.get_linestyle() != second.get_linestyle()
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["SGD", "Adam"]


def test_losses_are_drawn_on_a_log_scale_unless_told_otherwise():
    fig = plots.plot_histories(RUNS)
    assert [ax.get_yscale() for ax in fig.axes] == ["log", "linear"]
    fig = plots.plot_histories(RUNS, metrics=("loss",), log_scale=())
    assert fig.axes[0].get_yscale() == "linear"


def test_a_metric_that_a_run_did_not_record_is_named():
    runs = {"no validation": {"loss": [1.0, 0.5]}}
    with pytest.raises(ValueError, match="'no validation' has no 'val_accuracy'.*validation_data"):
        plots.plot_histories(runs)
