"""The exercise protocol, proved for every exercise in chapters/ (COURSE.md, "Exercises").

1. every exercise has its four parts in order and a unique label;
2. each student copy runs top to bottom, every check saying "not implemented yet";
3. the reference solution, put into the stub of the student copy, makes its check pass;
4. for every checker, typical wrong answers fail and show their intended hint.
Plus the engine's own promises: it never raises, and its verdicts are deterministic.
"""

import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnlib.exercises import EXERCISES, grade
from nnlib.exercises.engine import Case, Exercise, Mistake

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from notebook_tools import chapter_notebooks, execute, student_copy, tags  # noqa: E402

NOTEBOOKS = chapter_notebooks()
START = re.compile(r"```\{exercise-start\}[^\n]*\n:label: ([\w-]+)")
SOLUTION_START = re.compile(r"```\{solution-start\} ([\w-]+)\n:class: dropdown")
CHECK_CALL = re.compile(r"^(check_\w+)\((\w+)\)\s*$")


def exercises_in(nb):
    """For each exercise: (label, stub cell, solution cell, check cell), checking the order."""
    found = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown" or "{exercise-start}" not in cell.source:
            continue
        label = START.search(cell.source)
        assert label, f"exercise-start without :label: in cell {i}"
        assert "{exercise-end}" in cell.source, f"{label[1]}: the task must close with exercise-end"
        stub, gate, solution, end, check = cells[i + 1 : i + 6]
        assert stub.cell_type == "code" and "exercise" in tags(stub), f"{label[1]}: stub missing"
        assert stub.source.rstrip().endswith("raise NotImplementedError"), label[1]
        opened = SOLUTION_START.search(gate.source) if gate.cell_type == "markdown" else None
        assert opened and opened[1] == label[1], f"{label[1]}: no dropdown solution-start for it"
        assert solution.cell_type == "code" and "solution" in tags(solution), label[1]
        assert end.cell_type == "markdown" and "{solution-end}" in end.source, label[1]
        assert check.cell_type == "code" and "check" in tags(check), f"{label[1]}: no check cell"
        found.append((label[1], stub, solution, check))
    return found


def defined_name(source):
    return re.search(r"^def (\w+)\(", source, re.MULTILINE)[1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_its_four_parts_in_order(path):
    nb = nbformat.read(str(path), as_version=4)
    exercises = exercises_in(nb)
    assert len(exercises) >= 2, f"{path.name} has {len(exercises)} exercises; chapters need two"
    for label, stub, solution, check in exercises:
        name = defined_name(stub.source)
        assert defined_name(solution.source) == name, f"{label}: solution defines another name"
        call = CHECK_CALL.match(check.source.strip())
        assert call and call[2] == name, f"{label}: the check must call check_<x>({name})"
        assert call[1].removeprefix("check_") in EXERCISES, f"{label}: unknown checker {call[1]}"
    # every exercise cell is part of a complete exercise
    tagged = sum("exercise" in tags(c) for c in nb.cells)
    assert tagged == len(exercises)


def test_labels_are_unique_across_the_book():
    labels = [
        label
        for path in NOTEBOOKS
        for label, *_ in exercises_in(nbformat.read(str(path), as_version=4))
    ]
    assert len(labels) == len(set(labels)), labels


def test_every_checker_is_used_by_a_chapter():
    used = set()
    for path in NOTEBOOKS:
        for _, _, _, check in exercises_in(nbformat.read(str(path), as_version=4)):
            used.add(CHECK_CALL.match(check.source.strip())[1].removeprefix("check_"))
    assert used == set(EXERCISES)


def check_outputs(nb):
    """The printed verdict of every check cell."""
    return [
        "".join(o.get("text", "") for o in cell.outputs)
        for cell in nb.cells
        if cell.cell_type == "code" and "check" in tags(cell)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_runs_and_every_check_says_not_implemented(path):
    nb = student_copy(nbformat.read(str(path), as_version=4))
    assert not any("solution" in tags(c) for c in nb.cells)
    assert not any("{solution-" in c.source for c in nb.cells)
    execute(nb)  # raises CellExecutionError if any cell fails
    verdicts = check_outputs(nb)
    assert verdicts and all(v.startswith("○") and "not implemented" in v for v in verdicts), (
        verdicts
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reference_solutions_in_the_stubs_pass(path):
    original = nbformat.read(str(path), as_version=4)
    solutions = {label: sol.source for label, _, sol, _ in exercises_in(original)}
    nb = student_copy(original)
    for label, stub, _, _ in exercises_in_student_copy(nb):
        stub.source = solutions[label]
    execute(nb)
    verdicts = check_outputs(nb)
    assert len(verdicts) == len(solutions)
    assert all(v.startswith("✓") and "passed" in v for v in verdicts), verdicts


def exercises_in_student_copy(nb):
    """(label, stub) pairs of a student copy, where the solutions are gone."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and "{exercise-start}" in cell.source:
            found.append((START.search(cell.source)[1], nb.cells[i + 1], None, None))
    return found


# -- 4. typical wrong answers, written the way learners write them ---------------------------

WRONG_ANSWERS = {
    "center_columns": [
        (lambda X: X - np.mean(X, axis=1, keepdims=True), "average over the rows, which is axis=0"),
        (lambda X: X - np.mean(X), "not the mean of the whole array"),
    ],
    "accuracy": [
        (lambda s, y: np.sum(np.argmax(s, axis=1) == y), "divide the number of correct"),
        (lambda s, y: np.mean(np.argmax(s, axis=0) == y), "in *its row*: argmax(axis=1)"),
        (lambda s, y: np.mean(np.max(s, axis=1) == y), "use argmax, not max"),
    ],
    "neuron": [
        (lambda x, w, b: 1 / (1 + np.exp(-np.sum(w * x))), "bias is missing"),
        (lambda x, w, b: np.dot(x, w) + b, "The neuron's output is the activation"),
        (lambda x, w, b: 1 / (1 + np.exp(-(w * x + b))), "multiply *and sum*"),
    ],
    "dense_forward": [
        (lambda X, W, b: np.dot(X, W.T) + b, "not X @ W.T"),
        (lambda X, W, b: np.dot(X, W), "Don't forget the bias"),
        (lambda X, W, b: 1 / (1 + np.exp(-(X @ W + b))), "The activation comes later"),
    ],
    "count_parameters": [
        (lambda s: sum(s[i] * s[i + 1] for i in range(len(s) - 1)), "also has a bias"),
        (lambda s: sum(s[i] * s[i + 1] for i in range(len(s) - 1)) + sum(s), "no bias"),
    ],
    "sigmoid": [
        (lambda z: 1.0 / (1.0 + np.exp(-z)), "overflows for large negative z"),
        (lambda z: np.exp(z) / (np.exp(z) + 1), "inf / inf = NaN for large positive z"),
        (lambda z: 1.0 / (1.0 + np.exp(z)), "Mind the sign"),
    ],
    "relu": [
        (lambda z: np.max(z, 0), "np.max(z, 0) takes the maximum *along axis 0*"),
        (lambda z: max(0, z), "Python's max(0, z) cannot compare a whole array"),
        (lambda z: np.where(z < 0, z, 0), "not the other way round"),
    ],
    "relu_derivative": [
        (lambda z: np.where(z >= 0, 1.0, 0.0), "write z > 0, not z >= 0"),
        (lambda z: np.maximum(0, z), "That is ReLU itself"),
    ],
    "softmax": [
        (lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=0), "normalise along axis=1"),
        (lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True), "overflows to inf"),
        (
            lambda Z: np.exp(Z - np.max(Z)) / np.sum(np.exp(Z - np.max(Z)), axis=1, keepdims=True),
            "each row's *own* maximum",
        ),
        (lambda Z: np.exp(Z) / np.exp(Z).sum(), "not over the whole array"),
    ],
    "forward": [
        (lambda X, layers: [f(X @ W + b) for W, b, f in layers][-1], "Feed each layer"),
        (lambda X, layers: _loop(X, layers, lambda A, W, b, f: f(A @ W) + b), "not f(A @ W) + b"),
        (lambda X, layers: _loop(X, layers, lambda A, W, b, f: f(A @ W.T + b)), "A @ W"),
    ],
    "collapse_linear": [
        (lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2), "The first bias also passes through W2"),
        (lambda W1, b1, W2, b2: (W1 @ W2, b2), "the new bias is b1 @ W2 + b2"),
    ],
}


def _loop(X, layers, step):
    A = X
    for W, b, f in layers:
        A = step(A, W, b, f)
    return A


def test_every_checker_has_wrong_answers_tested():
    assert set(WRONG_ANSWERS) == set(EXERCISES)
    assert all(len(answers) >= 2 for answers in WRONG_ANSWERS.values())


@pytest.mark.parametrize(
    "exercise_id, index",
    [(key, i) for key, answers in WRONG_ANSWERS.items() for i in range(len(answers))],
)
def test_typical_wrong_answer_fails_with_its_hint(exercise_id, index):
    wrong, hint = WRONG_ANSWERS[exercise_id][index]
    verdict = grade(EXERCISES[exercise_id], wrong)
    assert verdict.status == "failed", verdict.message
    hint_line = verdict.message.splitlines()[-1]
    assert hint_line.startswith("  hint:") and hint in hint_line, verdict.message


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_known_mistake_is_recognised(exercise_id):
    exercise = EXERCISES[exercise_id]
    replayable = [m for m in exercise.mistakes if m.wrong is not None]
    assert len(replayable) >= 2
    for mistake in replayable:
        verdict = grade(exercise, mistake.wrong)
        assert not verdict.passed and mistake.hint in verdict.message, verdict.message


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_reference_passes_and_cases_are_deterministic(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert grade(exercise, exercise.reference).passed
    wrong = exercise.mistakes[0].wrong
    assert grade(exercise, wrong).message == grade(exercise, wrong).message


# -- the engine never raises into the notebook -----------------------------------------------

TOY = Exercise(
    id="double",
    title="doubling",
    reference=lambda x: 2 * x,
    cases=[
        Case((np.array([1.0, 2.0]),), "x = [1, 2]"),
        Case((np.array([-1000.0]),), "x = [-1000]"),
    ],
    mistakes=[Mistake("You added instead of multiplying.", wrong=lambda x: x + 2)],
)


def test_not_implemented_is_reported_as_such():
    def stub(x):
        raise NotImplementedError

    verdict = grade(TOY, stub)
    assert verdict.status == "not implemented"
    assert "replace `raise NotImplementedError`" in verdict.message


def test_an_exception_is_reported_with_type_and_message_not_a_traceback():
    def broken(x):
        return x @ np.ones((3, 3))

    verdict = grade(TOY, broken)
    assert verdict.status == "failed"
    assert "raised ValueError: matmul" in verdict.message
    assert "Traceback" not in verdict.message


def test_wrong_values_show_input_expected_got_and_hint():
    message = grade(TOY, lambda x: x + 2).message
    lines = message.splitlines()
    assert lines[0].startswith("✗ doubling: case 1 of 2 failed")
    assert lines[1].startswith("  input:") and "x = [1, 2]" in lines[1]
    assert lines[2].startswith("  expected:") and lines[3].startswith("  got:")
    assert lines[4] == "  hint:     You added instead of multiplying."


def test_shape_mismatch_is_named():
    message = grade(TOY, lambda x: np.stack([x, x])).message
    assert "expected shape (2,), got shape (2, 2)" in message


def test_missing_return_is_named():
    assert "returned None" in grade(TOY, lambda x: None).message


def test_overflow_counts_as_failure_when_forbidden():
    careful = Exercise(
        id="exp",
        title="exp of minus",
        reference=lambda z: np.exp(-np.abs(z)),
        cases=[Case((np.array([-1000.0]),), "z = -1000")],
        forbid_overflow=True,
    )
    overflowing = lambda z: 1 / np.exp(np.abs(z))  # noqa: E731  right answer, via exp(1000)
    verdict = grade(careful, overflowing)
    assert verdict.status == "failed" and "overflowed" in verdict.message


def test_check_functions_print_and_return_nothing(capsys):
    from nnlib.activations import sigmoid
    from nnlib.exercises import check_sigmoid

    assert check_sigmoid(sigmoid) is None
    assert capsys.readouterr().out.startswith("✓ a numerically stable sigmoid")
