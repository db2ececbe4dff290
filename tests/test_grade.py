"""``python -m nnlib.exercises.grade``: grading notebooks by running them, never by their output.

Runs real kernels, so it uses the small chapters (00 and 01) and one hand-made submission that
holds every kind of answer a class hands in.
"""

import csv
import hashlib
import sys
from pathlib import Path

import nbformat
import pytest

from nnlib.exercises import EXERCISES, grade
from nnlib.exercises.grade import find_exercises, main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from notebook_tools import student_copy  # noqa: E402

SMALL_CHAPTERS = [
    ROOT / "chapters" / "00-introduction.ipynb",
    ROOT / "chapters" / "01-neurons-and-layers.ipynb",
]


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _grade(paths, tmp_path, *options):
    """Run the command on ``paths``; return its CSV rows (dicts) in order."""
    table = tmp_path / "grades.csv"
    submissions = [p for path in paths for p in ([path] if path.is_file() else path.rglob("*"))]
    before = {p: _digest(p) for p in submissions}
    assert main([*map(str, paths), "--csv", str(table), *options]) == 0
    assert {p: _digest(p) for p in submissions} == before, "grading changed a submission"
    with open(table, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _chapter_exercises(path):
    return [exercise.id for exercise in find_exercises(nbformat.read(str(path), 4))[0]]


def test_student_copies_are_not_implemented_and_the_chapters_pass(tmp_path, capsys):
    (tmp_path / "class").mkdir()
    for chapter in SMALL_CHAPTERS:
        nb = student_copy(nbformat.read(str(chapter), as_version=4))
        nbformat.write(nb, str(tmp_path / "class" / chapter.name))
    rows = _grade([tmp_path / "class", *SMALL_CHAPTERS], tmp_path)
    out = capsys.readouterr().out

    ids = [exercise_id for chapter in SMALL_CHAPTERS for exercise_id in _chapter_exercises(chapter)]
    copies = [r for r in rows if "class" in Path(r["notebook"]).parts]
    chapters = [r for r in rows if "chapters" in Path(r["notebook"]).parts]
    assert [r["exercise"] for r in copies] == [r["exercise"] for r in chapters] == ids
    assert all(r["status"] == "not implemented" for r in copies), copies
    assert all(r["status"] == "passed" for r in chapters), chapters
    assert all(r["cases_passed"] == r["cases_total"] != "0" for r in chapters)
    n = len(ids)
    assert f"Total (4 notebooks): {n} of {2 * n} exercises passed, {n} not implemented" in out


def _cell(kind, source, tag=None):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if tag:
        cell.metadata["tags"] = [tag]
    return cell


def _exercise(stub, check, fake_output=None):
    """The stub cell and the check cell of one exercise (plus a faked verdict, if given)."""
    check_cell = _cell("code", check, "check")
    if fake_output:
        check_cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=fake_output)]
    cells = [_cell("code", stub, "exercise")] if stub else []
    return [*cells, check_cell]


LOOPS = "def center_columns(X):\n    while True:\n        pass"
WRONG_BUT_CLAIMS_PASSED = (
    "import numpy as np\n\n\ndef accuracy(scores, labels):\n"
    "    return float(np.mean(scores.argmax(axis=1) == labels)) if len(labels) < 5 else 0.5"
)
NNLIBS_OWN = "from nnlib.activations import sigmoid"
BROKEN = "def relu_derivative(z)\n    return (z > 0).astype(float)"
RIGHT = "import numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0.0)"
NOT_DONE = "def softmax(Z):\n    raise NotImplementedError"
OVERWRITES_ITSELF = (
    "from pathlib import Path\n\nfor name in ['submission.ipynb', 'marker.txt']:\n"
    "    Path(name).write_text('overwritten by the notebook')"
)


def _submission(path):
    cells = [
        _cell("markdown", "# A submission with every kind of answer"),
        _cell("code", "import numpy as np\nfrom nnlib.exercises import *  # noqa"),
        _cell("code", OVERWRITES_ITSELF),
        *_exercise(LOOPS, "check_center_columns(center_columns)"),
        *_exercise(
            WRONG_BUT_CLAIMS_PASSED,
            "check_accuracy(accuracy)",
            "✓ accuracy of predictions: all 4 cases passed.\n",
        ),
        *_exercise(NNLIBS_OWN, "check_sigmoid(sigmoid)"),
        *_exercise(BROKEN, "check_relu_derivative(relu_derivative)"),
        *_exercise(RIGHT, "check_relu(relu)"),
        *_exercise(NOT_DONE, "check_softmax(softmax)"),
        *_exercise(None, "check_neuron(neuron)"),  # the learner deleted the stub
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


def test_every_status_from_running_the_code_not_from_its_printed_verdicts(tmp_path, capsys):
    folder = tmp_path / "handed-in"
    folder.mkdir()
    path = _submission(folder / "submission.ipynb")
    rows = _grade([path], tmp_path, "--timeout", "3")
    out = capsys.readouterr().out

    def row(exercise_id):
        return next(r for r in rows if r["exercise"] == exercise_id)

    assert row("center_columns")["status"] == "timed out"  # and it cost only this exercise
    namespace = {}
    exec(WRONG_BUT_CLAIMS_PASSED, namespace)  # noqa: S102
    expected = grade(EXERCISES["accuracy"], namespace["accuracy"])
    assert 0 < expected.cases_passed < expected.cases_total
    assert row("accuracy")["status"] == "failed"  # though its check cell shows a ✓
    cases = f"{expected.cases_passed}/{expected.cases_total}"
    assert (row("accuracy")["cases_passed"], row("accuracy")["cases_total"]) == tuple(
        cases.split("/")
    )
    assert row("sigmoid")["status"] == "reference" and "nnlib's own" in row("sigmoid")["detail"]
    assert row("relu_derivative")["status"] == "error"
    assert "SyntaxError" in row("relu_derivative")["detail"]
    assert row("relu")["status"] == "passed"
    assert row("softmax")["status"] == "not implemented"
    assert row("neuron")["status"] == "missing"

    assert any(line.split()[1:] == ["accuracy", "failed", cases] for line in out.splitlines())
    assert "reference (nnlib's own)" in out
    assert "1 of 7 exercises passed" in out
    # the notebook ran in a temporary folder: its files went there, not next to the submission
    assert sorted(p.name for p in folder.iterdir()) == ["submission.ipynb"]


def test_help_says_that_grading_runs_the_submitted_code(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "runs the code in the notebooks" in " ".join(capsys.readouterr().out.split())


def test_a_path_that_is_not_there_is_named(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "nowhere is neither a notebook nor a folder" in capsys.readouterr().err


def test_progress_without_copies_says_how_to_make_them(tmp_path, monkeypatch, capsys):
    from nnlib.exercises.grade import progress

    monkeypatch.chdir(tmp_path)
    assert progress([]) == 2
    assert "Write them with nnfs-lab" in capsys.readouterr().err
