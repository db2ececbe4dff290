"""The exercise protocol, proved for every exercise in chapters/ (CONTRIBUTING.md, "The exercise
protocol").

1. every exercise has its four parts in order and a unique label;
2. each student copy runs top to bottom, every check saying "not implemented yet";
3. the reference solution, put into the stub of the student copy, makes its check pass;
4. for every checker, typical wrong answers fail and show their intended hint (they live in
   tests/wrong_answers/<module>.py, one file per checker module of nnlib.exercises).
Plus the engine's own promises: it never raises, its verdicts are deterministic, and the rules
it enforces for every exercise (inputs unchanged, floats, not nnlib's own function), and the
discovery of checker modules.
"""

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnlib.exercises import EXERCISES, MODULE_OF, grade
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
    unused = sorted(set(EXERCISES) - used)
    assert not unused, "no chapter calls " + ", ".join(
        f"check_{i} (from {MODULE_OF[i]})" for i in unused
    )
    assert used <= set(EXERCISES)


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
    for label, stub in stubs_in_student_copy(nb, list(solutions)).items():
        stub.source = solutions[label]
    execute(nb)
    verdicts = check_outputs(nb)
    assert len(verdicts) == len(solutions)
    assert all(v.startswith("✓") and "passed" in v for v in verdicts), verdicts


def stubs_in_student_copy(nb, labels):
    """{label: stub cell} of a student copy, whose exercise markup is plain Markdown: the stubs
    (tagged ``exercise``) come in the order of the original's labels."""
    stubs = [cell for cell in nb.cells if "exercise" in tags(cell)]
    assert len(stubs) == len(labels), f"the student copy has {len(stubs)} stubs, not {labels}"
    return dict(zip(labels, stubs))


# -- 4. typical wrong answers, written the way learners write them ---------------------------
# They live in tests/wrong_answers/<module>.py, one file per checker module of nnlib.exercises.

WRONG_ANSWERS_DIR = Path(__file__).resolve().parent / "wrong_answers"


def _wrong_answers_file(exercise_id):
    module = MODULE_OF[exercise_id].rsplit(".", 1)[-1]
    return WRONG_ANSWERS_DIR / f"{module}.py"


def _load_wrong_answers():
    """{id: [(wrong function, hint snippet), ...]} from every file in tests/wrong_answers/."""
    found = {}
    for path in sorted(WRONG_ANSWERS_DIR.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"wrong_answers_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for exercise_id, answers in module.WRONG_ANSWERS.items():
            assert exercise_id not in found, f"WRONG_ANSWERS[{exercise_id!r}] is defined twice"
            found[exercise_id] = answers
    return found


WRONG_ANSWERS = _load_wrong_answers()


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_checker_has_wrong_answers_tested(exercise_id):
    where = f"tests/wrong_answers/{_wrong_answers_file(exercise_id).name}"
    answers = WRONG_ANSWERS.get(exercise_id)
    assert answers, (
        f"the exercise {exercise_id!r} (in {MODULE_OF[exercise_id]}) has no wrong answers: "
        f"add WRONG_ANSWERS[{exercise_id!r}] to {where} — a list of (wrong function written "
        "as a learner would, snippet of the hint it must get)"
    )
    assert len(answers) >= 3, (
        f"add at least {3 - len(answers)} more to WRONG_ANSWERS[{exercise_id!r}] in {where}"
    )


def test_every_wrong_answer_belongs_to_an_exercise():
    unknown = sorted(set(WRONG_ANSWERS) - set(EXERCISES))
    assert not unknown, f"tests/wrong_answers/ has answers for unknown exercises: {unknown}"


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
        verdict = grade(exercise, mistake.wrong, allow_reference=True)
        assert not verdict.passed and mistake.hint in verdict.message, verdict.message


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_reference_passes_and_cases_are_deterministic(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert grade(exercise, exercise.reference, allow_reference=True).passed
    wrong = exercise.mistakes[0].wrong
    first, second = (grade(exercise, wrong, allow_reference=True) for _ in range(2))
    assert first == second


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
    default_hint="Double every entry: 2 * x.",
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
        default_hint="Exponentiate only non-positive numbers.",
    )
    overflowing = lambda z: 1 / np.exp(np.abs(z))  # noqa: E731  right answer, via exp(1000)
    verdict = grade(careful, overflowing)
    assert verdict.status == "failed" and "overflowed" in verdict.message


def test_check_functions_print_and_return_nothing(capsys):
    from nnlib.exercises import check_sigmoid

    def sigmoid(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    assert check_sigmoid(sigmoid) is None
    assert capsys.readouterr().out.startswith("✓ a numerically stable sigmoid")


def test_a_failing_answer_is_graded_on_every_case():
    verdict = grade(TOY, lambda x: 2 * x if x[0] > 0 else x)  # right on case 1 only
    assert (verdict.status, verdict.cases_passed, verdict.cases_total) == ("failed", 1, 2)
    assert "case 2 of 2 failed" in verdict.message


# -- the rules every exercise enforces -------------------------------------------------------


def _softmax_by_nnlib(Z):
    from nnlib.activations import softmax

    return softmax(Z, axis=1)


def _sigmoid_through_a_helper(z):
    import nnlib.activations

    def helper(v):
        return nnlib.activations.sigmoid(v)

    return helper(z)


@pytest.mark.parametrize(
    "exercise_id, answer",
    [
        ("sigmoid", "import"),
        ("sigmoid", lambda z: __import__("nnlib.activations").activations.sigmoid(z)),
        ("sigmoid", _sigmoid_through_a_helper),
        ("softmax", _softmax_by_nnlib),
        ("relu_derivative", "import"),
        ("accuracy", "import"),
    ],
)
def test_nnlib_s_own_function_is_not_the_learner_s_answer(exercise_id, answer):
    exercise = EXERCISES[exercise_id]
    answer = exercise.reference if answer == "import" else answer
    verdict = grade(exercise, answer)
    assert verdict.status == "reference" and not verdict.passed
    assert "this is nnlib's own function — write your own" in verdict.message
    assert verdict.message.startswith("✗") and "✓" not in verdict.message


def test_a_learner_s_function_typed_like_nnlib_s_is_the_learner_s():
    """Code objects are compared by identity: the same text, compiled by the learner, passes."""
    import inspect

    from nnlib import activations

    namespace = {"np": np, "_float_array": lambda z: np.asarray(z, dtype=float)}
    exec(inspect.getsource(activations.sigmoid), namespace)  # noqa: S102
    assert grade(EXERCISES["sigmoid"], namespace["sigmoid"]).passed


def test_in_place_changes_fail_even_with_the_right_values():
    def double_in_place(x):
        x *= 2
        return x

    verdict = grade(TOY, double_in_place)
    assert verdict.status == "failed" and "x was changed" in verdict.message
    assert "changed its input x in place" in verdict.message
    assert "backward pass of chapter 6" in verdict.message


def test_booleans_and_integers_fail_where_the_answer_is_float_but_a_count_may_be_an_int():
    verdict = grade(EXERCISES["relu_derivative"], lambda z: z > 0)
    assert verdict.status == "failed" and "booleans" in verdict.message

    def count_parameters(sizes):
        return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))

    assert grade(EXERCISES["count_parameters"], count_parameters).passed


ROWS = Exercise(
    id="rows",
    title="normalise the rows",
    reference=lambda Z: Z / Z.sum(axis=1, keepdims=True),
    cases=[Case((np.array([[1.0, 3.0, 4.0], [2.0, 2.0, 4.0]]),), "Z: (2, 3)")],
    default_hint="Divide each row by its own sum.",
)


def test_a_lost_keepdims_is_recognised_from_numpy_s_broadcasting_error():
    message = grade(ROWS, lambda Z: Z / Z.sum(axis=1)).message
    assert "raised ValueError: operands could not be broadcast" in message
    assert "keepdims=True" in message.splitlines()[-1]
    assert "shapes (2, 3) and (2,)" in message


def test_other_broadcasting_errors_get_the_exercise_s_own_hint():
    message = grade(ROWS, lambda Z: Z / np.ones((3, 2))).message
    assert message.splitlines()[-1] == "  hint:     Divide each row by its own sum."


def test_inputs_are_shown_with_every_value_that_matters():
    from nnlib.exercises.engine import show

    assert show(np.array([0.0, -0.0, 1e-9])) == "[    0    -0 1e-09]"
    assert show(np.array([0.5, -1.0, 0.25])) == "[ 0.5  -1.    0.25]"
    message = grade(EXERCISES["relu_derivative"], lambda z: (z >= 0).astype(float)).message
    assert "z = [    0    -0 1e-09]" in message


def test_a_tuple_answer_prints_each_named_result_on_its_own_line():
    lines = grade(EXERCISES["collapse_linear"], lambda W1, b1, W2, b2: (W1 @ W2, b2)).message
    lines = lines.splitlines()
    expected = next(i for i, line in enumerate(lines) if line.startswith("  expected: W = "))
    b_line = next(line for line in lines[expected:] if line.strip().startswith("b = "))
    assert b_line.startswith(" " * 12 + "b = [")
    assert "b: the values differ" in lines[0]


def test_an_exercise_needs_its_own_default_hint():
    with pytest.raises(ValueError, match="needs its own default_hint"):
        Exercise(id="x", title="x", reference=abs, cases=[Case((1.0,), "x = 1")])


def test_a_case_may_not_hand_the_reference_to_the_learner():
    with pytest.raises(ValueError, match="passes nnlib's own solution as an argument"):
        Exercise(
            id="apply",
            title="apply",
            reference=abs,
            cases=[Case(([abs, 1.0],), "f = abs")],
            solved_by=(abs,),
            default_hint="h",
        )


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_exercise_has_enough_cases_mistakes_and_its_own_default_hint(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert len(exercise.cases) >= 3, f"{exercise_id}: give it at least three cases"
    assert len(exercise.mistakes) >= 3, f"{exercise_id}: give it at least three known mistakes"
    others = [e.default_hint for e in EXERCISES.values() if e is not exercise]
    assert exercise.default_hint not in others, f"{exercise_id} shares its default_hint"


# -- discovery -------------------------------------------------------------------------------

CHECKER_MODULE = """
from nnlib.exercises.engine import Case, Exercise, make_check

EX = Exercise(id={id!r}, title="t", reference=abs, cases=[Case((1.0,), "x = 1")],
              default_hint="h")
check_{id} = make_check(EX)
EXERCISES = [EX]
"""


def _package(tmp_path, monkeypatch, modules):
    package = tmp_path / "fake_checkers"  # a new folder per test, so no import is cached
    package.mkdir()
    for module in [m for m in sys.modules if m.startswith("fake_checkers")]:
        monkeypatch.delitem(sys.modules, module)
    (package / "__init__.py").write_text("")
    for name, source in modules.items():
        (package / f"{name}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    return [str(package)], "fake_checkers"


def test_discovery_finds_a_new_module_and_its_checks(tmp_path, monkeypatch):
    from nnlib.exercises import discover

    path, name = _package(
        tmp_path,
        monkeypatch,
        {"one": CHECKER_MODULE.format(id="first"), "tool": "raise SystemExit('imported!')"},
    )
    exercises, owners, checks = discover(path, name)
    assert list(exercises) == ["first"] and owners["first"] == "fake_checkers.one"
    assert list(checks) == ["check_first"]


def test_discovery_names_both_modules_of_a_duplicate_id(tmp_path, monkeypatch):
    from nnlib.exercises import discover

    path, name = _package(
        tmp_path,
        monkeypatch,
        {"one": CHECKER_MODULE.format(id="same"), "two": CHECKER_MODULE.format(id="same")},
    )
    with pytest.raises(RuntimeError, match="fake_checkers.one.*fake_checkers.two"):
        discover(path, name)


def test_every_check_is_importable_from_the_package():
    import nnlib.exercises

    for exercise_id in EXERCISES:
        check = getattr(nnlib.exercises, f"check_{exercise_id}")
        assert check.exercise is EXERCISES[exercise_id]
        assert f"check_{exercise_id}" in nnlib.exercises.__all__
