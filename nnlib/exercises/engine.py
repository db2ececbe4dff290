"""The machinery behind every exercise check.

An ``Exercise`` is a reference implementation (nnlib's own), a list of test ``Case``s and a list
of known ``Mistake``s. ``grade`` runs a learner's function on every case and returns a
``Verdict``; ``check`` prints it. A check never raises into the notebook: whatever the learner's
code does — raise, overflow, return the wrong shape — the result is one short message.

When a case fails, each known mistake is replayed on the same input; if the learner's answer
matches what the mistake produces (or raises the same kind of error), its hint is shown. That
way the hint names the usual error instead of guessing.
"""

import copy
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented"


@dataclass
class Case:
    """One test input: positional arguments and a short description shown if it fails."""

    args: tuple
    description: str


@dataclass
class Mistake:
    """A typical wrong answer: an implementation that makes the mistake, and the hint for it.

    ``detect`` (optional) recognises the mistake from (case, got) when replaying is not enough,
    e.g. "the output contains NaN".
    """

    hint: str
    wrong: Callable | None = None
    detect: Callable | None = None


@dataclass
class Exercise:
    """An exercise's checker: what to compare the learner's function with, and how."""

    id: str
    title: str
    reference: Callable
    cases: list
    mistakes: list = field(default_factory=list)
    rtol: float = 1e-4  # loose enough for float32 answers
    atol: float = 1e-6
    forbid_overflow: bool = False  # fail answers that overflow (e.g. exp(1000)) even if right
    default_hint: str = "Compare your code with the equation in the text, one step at a time."


@dataclass
class Verdict:
    """The outcome of a check: status is "passed", "failed" or "not implemented"."""

    status: str
    message: str

    @property
    def passed(self):
        return self.status == PASSED


def show(value):
    """A short, deterministic text for an input or an answer."""
    if isinstance(value, (list, tuple)) and not isinstance(value, np.ndarray):
        if value and all(isinstance(v, (int, float, np.number)) for v in value):
            return repr(list(value))
        return "[" + ", ".join(show(v) for v in value) + "]"
    if callable(value):
        return getattr(value, "__name__", "a function")
    array = np.asarray(value) if not isinstance(value, str) else value
    if isinstance(array, np.ndarray) and array.dtype != object:
        text = np.array2string(
            array, precision=4, suppress_small=True, threshold=24, edgeitems=3, max_line_width=88
        )
        return text if array.ndim < 2 else "\n            ".join(text.splitlines())
    return repr(value)


def _mismatch(got, expected, rtol, atol, equal_nan=False):
    """None if got matches expected (shape and values), else a short description of how not.

    equal_nan=True counts NaN as equal to NaN (to recognise a mistake that produces NaN).
    """
    if isinstance(expected, (tuple, list)) and not isinstance(expected, np.ndarray):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} results, got {show(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = _mismatch(g, e, rtol, atol, equal_nan)
            if problem:
                return f"result {i + 1}: {problem}"
        return None
    if got is None:
        return "your function returned None — did you forget `return`?"
    try:
        got_array = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"expected a number or an array, got {type(got).__name__}"
    expected_array = np.asarray(expected, dtype=np.float64)
    if got_array.shape != expected_array.shape:
        return f"expected shape {expected_array.shape}, got shape {got_array.shape}"
    if not np.allclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return "the values differ"
    return None


def _call(function, args):
    """Run function on a private copy of args, muting warnings; return (result, error, overflow)."""
    args = copy.deepcopy(args)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        try:
            result, error = function(*args), None
        except Exception as exception:  # the learner's code may raise anything
            result, error = None, exception
    overflow = any("overflow" in str(w.message) for w in caught)
    return result, error, overflow


def _recognise(exercise, case, got, error):
    """The hint of the first known mistake that explains this answer, else the default hint."""
    for mistake in exercise.mistakes:
        if mistake.detect is not None and error is None:
            try:
                if mistake.detect(case, got):
                    return mistake.hint
            except Exception:  # a detector must never break the check
                pass
        if mistake.wrong is not None:
            wrong, wrong_error, _ = _call(mistake.wrong, case.args)
            if error is not None or wrong_error is not None:
                # The same kind of error on the same input (messages vary: np.dot and @ word
                # a shape mismatch differently).
                if type(error) is type(wrong_error):
                    return mistake.hint
            elif _mismatch(got, wrong, exercise.rtol, exercise.atol, equal_nan=True) is None:
                return mistake.hint
    return exercise.default_hint


def grade(exercise, function):
    """Run ``function`` on every case of ``exercise``; return a Verdict (never raises)."""
    title = exercise.title
    if not callable(function):
        return Verdict(FAILED, f"✗ {title}: expected a function, got {type(function).__name__}.")
    for number, case in enumerate(exercise.cases, start=1):
        got, error, overflow = _call(function, case.args)
        if isinstance(error, NotImplementedError):
            return Verdict(
                NOT_IMPLEMENTED,
                f"○ {title}: not implemented yet — replace `raise NotImplementedError` with your "
                "code, then run this cell again.",
            )
        expected = exercise.reference(*copy.deepcopy(case.args))
        if error is not None:
            problem = f"your code raised {type(error).__name__}: {error}"
        else:
            problem = _mismatch(got, expected, exercise.rtol, exercise.atol)
            if problem is None and exercise.forbid_overflow and overflow:
                problem = "the values are right, but computing them overflowed (NumPy warned)"
        if problem:
            hint = _recognise(exercise, case, got, error)
            lines = [
                f"✗ {title}: case {number} of {len(exercise.cases)} failed — {problem}.",
                f"  input:    {case.description}",
                f"  expected: {show(expected)}",
            ]
            if error is None:
                lines.append(f"  got:      {show(got)}")
            lines.append(f"  hint:     {hint}")
            return Verdict(FAILED, "\n".join(lines))
    return Verdict(PASSED, f"✓ {title}: all {len(exercise.cases)} cases passed.")


def check(exercise, function):
    """Grade ``function`` and print the verdict (this is what a notebook's check cell calls)."""
    print(grade(exercise, function).message)


def make_check(exercise):
    """A ``check_<id>(function)`` that prints the verdict for ``exercise``."""

    def check_function(function):
        check(exercise, function)

    check_function.__name__ = f"check_{exercise.id}"
    check_function.__doc__ = (
        f"Check your implementation for the exercise “{exercise.title}”: prints whether all "
        f"{len(exercise.cases)} cases pass, or the first that fails with a hint."
    )
    check_function.exercise = exercise
    return check_function


__all__ = ["Case", "Mistake", "Exercise", "Verdict", "grade", "check", "make_check", "show"]
