"""The machinery behind every exercise check.

An ``Exercise`` is a reference implementation (nnlib's own), a list of test ``Case``s, a list of
known ``Mistake``s and a hint of its own for everything else. ``grade`` runs a learner's function
on every case and returns a ``Verdict``; ``check`` prints it. A check never raises into the
notebook: whatever the learner's code does — raise, overflow, return the wrong shape — the result
is one short message.

Besides the values, every exercise enforces the same rules (``grade`` explains each failure):

- the learner's inputs stay unchanged (``X -= mean`` or ``z[z < 0] = 0`` changes the caller's
  array, which the code after the call still needs);
- a floating-point answer comes back as floats — not booleans, integers or a Python list;
- the answer is the learner's own: a function that is, or calls, nnlib's own solution is
  reported as such and never counts as passed;
- with ``forbid_overflow``, right values computed through an overflow (e^1000) fail.

When a case fails, each known mistake is replayed on the same input; if the learner's answer
matches what the mistake produces (or raises the same kind of error), its hint is shown. That way
the hint names the usual error instead of guessing. A broadcasting error from a reduction that
dropped its axis gets the ``keepdims`` hint; anything else gets the exercise's own default hint.
"""

import copy
import inspect
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented"
REFERENCE = "reference"  # the answer is nnlib's own function, or calls it

# The indent of a value after "  expected: " / "  got:      ", for its continuation lines.
_INDENT = 12


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
    """An exercise's checker: what to compare the learner's function with, and how.

    default_hint (required): the exercise's own hint for a failure no known mistake explains.

    result_names: names of the results when the answer is a tuple, e.g. ("W", "b"), so a
    failing case prints each on its own line.

    solved_by: nnlib functions besides ``reference`` that solve the exercise on their own (e.g.
    ``nnlib.activations.softmax`` when the reference is a wrapper around it); an answer that
    calls any of them is nnlib's own, not the learner's. Neither these nor the reference may
    appear among a case's arguments (the check would then blame every answer).
    """

    id: str
    title: str
    reference: Callable
    cases: list
    mistakes: list = field(default_factory=list)
    default_hint: str = ""
    rtol: float = 1e-4  # loose enough for float32 answers
    atol: float = 1e-6
    forbid_overflow: bool = False  # fail answers that overflow (e.g. exp(1000)) even if right
    result_names: tuple = ()
    solved_by: tuple = ()

    def __post_init__(self):
        if not self.id.isidentifier():
            raise ValueError(
                f"Exercise id {self.id!r} must be a Python identifier: it names check_{self.id}."
            )
        if not self.default_hint.strip():
            raise ValueError(
                f"Exercise {self.id!r} needs its own default_hint=...: the hint shown when a "
                "failing answer matches no known mistake, written for this exercise (what to "
                "compute, with which shapes), not a generic 'compare with the text'."
            )
        if not self.cases:
            raise ValueError(f"Exercise {self.id!r} has no cases: give it at least three.")
        own = (self.reference, *self.solved_by)
        for case in self.cases:
            if any(value is f for value in _flatten(case.args) for f in own):
                raise ValueError(
                    f"Exercise {self.id!r}: the case {case.description!r} passes nnlib's own "
                    "solution as an argument, so every answer would seem to call it. Pass "
                    "another function (a copy) in the case."
                )


def _flatten(value):
    """Every item inside nested lists, tuples and dicts (for checking case arguments)."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    else:
        yield value


@dataclass
class Verdict:
    """The outcome of a check.

    status: "passed", "failed", "not implemented" or "reference" (nnlib's own function);
    cases_passed of cases_total: how many cases gave the right answer (every case is run, so a
    grade can say "3/5"; the message describes the first that failed).
    """

    status: str
    message: str
    cases_passed: int = 0
    cases_total: int = 0

    @property
    def passed(self):
        return self.status == PASSED


# -- showing values --------------------------------------------------------------------------


def _number(v):
    """A float short, but never hiding what matters: -0 stays -0 and 1e-09 is not 0."""
    v = float(v)
    if v != 0 and np.isfinite(v) and not 1e-4 <= abs(v) < 1e6:
        return np.format_float_scientific(v, precision=3, unique=True, trim="-")
    return np.format_float_positional(v, precision=4, unique=True, trim="-")


def _hidden_by_rounding(array):
    """Whether 4 decimals would print some non-zero entry of a float array as 0."""
    values = array[np.isfinite(array)]
    return bool(np.any((values != 0) & (np.abs(values) < 5e-5)))


def show(value, indent=_INDENT):
    """A short, deterministic text for an input or an answer.

    Floats print with 4 decimals, as NumPy does; but when that would print a non-zero entry as
    0 (1e-09 in [0, -0, 1e-09]), every entry prints in its shortest exact form instead (0, -0,
    1e-09), so no value that matters is hidden. Lines after
    the first are indented by ``indent`` spaces, to line up in a verdict.
    """
    if isinstance(value, (list, tuple)) and not isinstance(value, np.ndarray):
        return "[" + ", ".join(show(v, indent) for v in value) + "]"
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, str):
        return repr(value)
    array = np.asarray(value)
    if array.dtype == object:
        return repr(value)
    options = {"threshold": 24, "edgeitems": 3, "max_line_width": 88}
    if array.dtype.kind == "f" and _hidden_by_rounding(array):
        texts = [_number(v) for v in array.flat]
        width = max((len(t) for t in texts), default=0)
        formatter = {"float_kind": lambda v: _number(v).rjust(width)}
        text = np.array2string(array, formatter=formatter, **options)
    else:
        text = np.array2string(array, precision=4, suppress_small=True, **options)
    return ("\n" + " " * indent).join(text.splitlines())


def _show_results(value, names):
    """One answer as text: a tuple with named results gets one line per result."""
    if not names or not isinstance(value, (tuple, list)) or len(value) != len(names):
        return show(value)
    lines = []
    for name, part in zip(names, value):
        lines.append(f"{name} = {show(part, _INDENT + len(name) + 3)}")
    return ("\n" + " " * _INDENT).join(lines)


# -- comparing answers -----------------------------------------------------------------------


def _mismatch(got, expected, rtol, atol, equal_nan=False, names=()):
    """None if got matches expected (shape and values), else a short description of how not.

    equal_nan=True counts NaN as equal to NaN (to recognise a mistake that produces NaN).
    """
    if isinstance(expected, (tuple, list)) and not isinstance(expected, np.ndarray):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            what = " and ".join(names) if names else f"{len(expected)} results"
            return f"expected {what} (a tuple of {len(expected)}), got {_kind(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = _mismatch(g, e, rtol, atol, equal_nan)
            if problem:
                return f"{names[i] if names else f'result {i + 1}'}: {problem}"
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


def _kind(value):
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    return f"a {type(value).__name__}" if value is not None else "None"


_BOOL_HINT = (
    "Your function returns booleans (True/False), e.g. straight from a comparison such as "
    "z > 0. Return floats — (z > 0).astype(float) or np.where(z > 0, 1.0, 0.0): in NumPy, "
    "True + True is True and −mask is an error, and the result is multiplied with other "
    "arrays later."
)
_INT_HINT = (
    "Your function returns integers ({dtype}), but the answer is floating-point. An integer "
    "array silently drops fractions (writing 0.5 into it stores 0): start from floats, e.g. "
    "np.maximum(z, 0.0) or .astype(float)."
)
_LIST_HINT = (
    "Your function returns a Python {kind}; return a NumPy array. Compute on the whole array at "
    "once (e.g. np.maximum(z, 0)) instead of building a list entry by entry — the code that "
    "uses the result needs .shape, .T and fast arithmetic."
)


def _type_problem(got, expected):
    """(problem, hint) if got has the wrong type for a floating-point answer, else None.

    The rule follows the reference's own result: where it returns floats (an array or a
    number), so must the learner; where it returns an integer (a count), an integer is right.
    """
    if isinstance(expected, (tuple, list)) and not isinstance(expected, np.ndarray):
        for g, e in zip(got, expected):
            problem = _type_problem(g, e)
            if problem:
                return problem
        return None
    if isinstance(got, (bool, np.bool_)) or getattr(got, "dtype", None) == np.bool_:
        return "the values are right, but they are booleans", _BOOL_HINT
    floating = isinstance(expected, (float, np.floating)) or (
        isinstance(expected, np.ndarray) and expected.dtype.kind == "f"
    )
    if not floating:
        return None
    if isinstance(got, (list, tuple)) and isinstance(expected, np.ndarray):
        kind = type(got).__name__
        return f"the values are right, but it is a {kind}", _LIST_HINT.format(kind=kind)
    dtype = np.asarray(got).dtype
    if dtype.kind in "iu":
        return f"the values are right, but they are integers ({dtype})", _INT_HINT.format(
            dtype=dtype
        )
    return None


def _changed(before, after):
    """True if ``after`` differs from ``before`` (arrays by shape, dtype and values)."""
    if isinstance(before, np.ndarray):
        return not (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
        )
    if isinstance(before, (list, tuple)):
        return (
            type(before) is not type(after)
            or len(before) != len(after)
            or any(_changed(b, a) for b, a in zip(before, after))
        )
    if isinstance(before, dict):
        return before.keys() != after.keys() or any(_changed(before[k], after[k]) for k in before)
    if callable(before):
        return before is not after
    try:
        return bool(before != after)
    except Exception:  # an object that cannot be compared: trust it
        return False


def _in_place_hint(name, value):
    """The hint for a function that changed its argument ``name`` (whose original is value)."""
    if isinstance(value, np.ndarray):
        how = f"{name} -= …, {name}[{name} < 0] = 0, {name} *= …"
    else:
        how = f"{name}.pop(…), {name}.append(…), {name}[0] = …"
    return (
        f"Your function changed its input {name} in place ({how}). Leave the caller's data as "
        "it was and build new values instead (X - mean, np.maximum(z, 0), a new list): the "
        "caller still needs the original — an in-place ReLU, for example, overwrites the Z "
        "that the backward pass of chapter 6 reads."
    )


def _parameter_names(exercise):
    try:
        return list(inspect.signature(exercise.reference).parameters)
    except (TypeError, ValueError):  # a builtin without a signature
        return []


def _changed_input(exercise, case, given):
    """(name, original value) of the first argument the learner's call changed, or None."""
    names = _parameter_names(exercise)
    for i, (before, after) in enumerate(zip(case.args, given)):
        if _changed(before, after):
            return (names[i] if i < len(names) else f"argument {i + 1}"), before
    return None


# -- running a function ----------------------------------------------------------------------


@dataclass
class _Run:
    result: object
    error: Exception | None
    overflow: bool
    given: tuple  # the copy of the arguments the function was called with (maybe changed)
    reached: Callable | None = None  # the nnlib function the call reached, if watched


def _own_codes(exercise):
    """{id of a code object: (code object, function)} of nnlib's own solutions."""
    functions = (exercise.reference, *exercise.solved_by)
    return {id(f.__code__): (f.__code__, f) for f in functions if hasattr(f, "__code__")}


def _call(function, args, watch=None):
    """Run function on a private copy of args, muting warnings.

    watch: see ``_own_codes``; if the call runs any of these functions — itself or anywhere
    below it — ``reached`` names the one it ran.
    """
    given = copy.deepcopy(args)
    reached = []

    def profile(frame, event, arg):
        if event == "call" and not reached:
            code, function = watch.get(id(frame.f_code), (None, None))
            if code is frame.f_code:
                reached.append(function)

    previous = sys.getprofile()
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        if watch:
            sys.setprofile(profile)
        try:
            result, error = function(*given), None
        except Exception as exception:  # the learner's code may raise anything
            result, error = None, exception
        finally:
            if watch:
                sys.setprofile(previous)
    overflow = any("overflow" in str(w.message) for w in caught)
    return _Run(result, error, overflow, given, reached[0] if reached else None)


def _is_own(exercise, function, run):
    """The nnlib function that ``function`` is or runs, if it is one of nnlib's own solutions.

    Two tests, both robust to renaming and wrapping: ``function`` is (or wraps, via
    ``__wrapped__``) one of them, or — while it ran on a case — the interpreter entered the
    very code object of one of them (``sys.setprofile`` sees every Python call, however deep,
    whatever name it was imported under: ``from nnlib.activations import sigmoid as s``, a
    lambda, a ``def`` that returns ``activations.sigmoid(z)``). Code objects are compared by
    identity, not by name or by equality, so a learner's own function — even one called
    ``sigmoid``, even one typed letter for letter like nnlib's — is never taken for nnlib's.
    """
    own = (exercise.reference, *exercise.solved_by)
    unwrapped = inspect.unwrap(function) if callable(function) else function
    for candidate in own:
        if function is candidate or unwrapped is candidate:
            return candidate
    return run.reached if run is not None else None


# -- recognising the mistake -----------------------------------------------------------------

_SHAPES = re.compile(r"shapes \(([\d, ]*)\) \(([\d, ]*)\)")
_KEEPDIMS_HINT = (
    "NumPy could not line up shapes {a} and {b}: a sum, mean or max along an axis drops that "
    "axis, leaving one number per row as shape ({n},). Keep the axis with keepdims=True (e.g. "
    "Z.sum(axis=1, keepdims=True), shape ({n}, 1)), so it broadcasts along each row."
)


def _error_kind(error):
    """The type and family of an error: a broadcasting, matmul or other ValueError differ."""
    if error is None:
        return None
    text = str(error)
    family = "broadcast" if "broadcast" in text else ""
    if "matmul" in text or "not aligned" in text:
        family = "matmul"
    return type(error), family


def _keepdims_hint(error):
    """The keepdims hint if ``error`` is NumPy failing to broadcast (n, k) against (n,)."""
    found = _SHAPES.search(str(error)) if isinstance(error, ValueError) else None
    if not found:
        return None
    a, b = (tuple(int(x) for x in s.replace(" ", "").split(",") if x) for s in found.groups())
    for full, reduced in ((a, b), (b, a)):
        if len(full) == 2 and len(reduced) == 1 and full[0] == reduced[0] != full[1]:
            return _KEEPDIMS_HINT.format(a=a, b=b, n=full[0])
    return None


def _recognise(exercise, case, run, in_place=False):
    """The hint of the first known mistake that explains this run, else a generic one.

    in_place=True: the run changed its input; only a mistake that does so too explains it
    (else None).
    """
    for mistake in exercise.mistakes:
        if in_place:
            wrong = _call(mistake.wrong, case.args) if mistake.wrong is not None else None
            if wrong and wrong.error is None and _changed_input(exercise, case, wrong.given):
                if _mismatch(run.result, wrong.result, exercise.rtol, exercise.atol) is None:
                    return mistake.hint
            continue
        if mistake.detect is not None and run.error is None:
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if mistake.detect(case, run.result):
                        return mistake.hint
            except Exception:  # a detector must never break the check
                pass
        if mistake.wrong is not None:
            wrong = _call(mistake.wrong, case.args)
            if run.error is not None or wrong.error is not None:
                # The same kind of error on the same input (messages vary: np.dot and @ word
                # a shape mismatch differently, so compare the family, not the words).
                if _error_kind(run.error) == _error_kind(wrong.error):
                    return mistake.hint
            elif _mismatch(
                run.result, wrong.result, exercise.rtol, exercise.atol, True
            ) is None and (not exercise.forbid_overflow or run.overflow == wrong.overflow):
                return mistake.hint
    if in_place:
        return None
    return _keepdims_hint(run.error) or exercise.default_hint


# -- grading ---------------------------------------------------------------------------------


def _judge(exercise, case, run):
    """(problem, hint, expected) for one case; problem is None when the case passed."""
    expected = exercise.reference(*copy.deepcopy(case.args))
    names = exercise.result_names
    if run.error is not None:
        problem = f"your code raised {type(run.error).__name__}: {run.error}"
        return problem, _recognise(exercise, case, run), expected
    problem = _mismatch(run.result, expected, exercise.rtol, exercise.atol, names=names)
    changed = _changed_input(exercise, case, run.given)
    if problem:
        hint = _recognise(exercise, case, run)
        if hint == exercise.default_hint and changed:
            hint = _in_place_hint(*changed)
        return problem, hint, expected
    if changed:
        hint = _recognise(exercise, case, run, in_place=True) or _in_place_hint(*changed)
        return f"the values are right, but {changed[0]} was changed", hint, expected
    typed = _type_problem(run.result, expected)
    if typed:
        return *typed, expected
    if exercise.forbid_overflow and run.overflow:
        problem = "the values are right, but computing them overflowed (NumPy warned)"
        return problem, _recognise(exercise, case, run), expected
    return None, None, expected


def grade(exercise, function, *, allow_reference=False):
    """Run ``function`` on every case of ``exercise``; return a Verdict (never raises).

    Every case runs, so the verdict counts the cases passed; its message describes the first
    case that failed. allow_reference=True grades nnlib's own solution like any answer (for
    testing a checker with its reference); learners' answers never get it.
    """
    title, total = exercise.title, len(exercise.cases)
    if not callable(function):
        message = f"✗ {title}: expected a function, got {type(function).__name__}."
        return Verdict(FAILED, message, 0, total)
    watch = {} if allow_reference else _own_codes(exercise)
    first_failure, passed, own = None, 0, None
    if not allow_reference:
        own = _is_own(exercise, function, None)
    for number, case in enumerate(exercise.cases, start=1):
        run = _call(function, case.args, watch)
        if isinstance(run.error, NotImplementedError):
            return Verdict(
                NOT_IMPLEMENTED,
                f"○ {title}: not implemented yet — replace `raise NotImplementedError` with your "
                "code, then run this cell again.",
                0,
                total,
            )
        if not allow_reference:
            own = own or _is_own(exercise, function, run)
        problem, hint, expected = _judge(exercise, case, run)
        if problem is None:
            passed += 1
        elif first_failure is None:
            first_failure = _failure_message(exercise, number, case, run, problem, hint, expected)
    if own is not None:
        return Verdict(REFERENCE, _own_message(exercise, own), 0, total)
    if first_failure is not None:
        return Verdict(FAILED, first_failure, passed, total)
    return Verdict(PASSED, f"✓ {title}: all {total} cases passed.", passed, total)


def _failure_message(exercise, number, case, run, problem, hint, expected):
    names = exercise.result_names
    lines = [
        f"✗ {exercise.title}: case {number} of {len(exercise.cases)} failed — {problem}.",
        f"  input:    {case.description}",
        f"  expected: {_show_results(expected, names)}",
    ]
    if run.error is None:
        lines.append(f"  got:      {_show_results(run.result, names)}")
    lines.append(f"  hint:     {hint}")
    return "\n".join(lines)


def _own_message(exercise, own):
    where = getattr(own, "__module__", None) or "nnlib"
    return (
        f"✗ {exercise.title}: this is nnlib's own function — write your own. Your function "
        f"is or calls `{getattr(own, '__name__', 'it')}` from {where}; the exercise is to "
        "compute the answer yourself, so this does not count as passed."
    )


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


# -- helpers for describing cases and recognising mistakes, shared by the checker modules ----

NEW_LINE = "\n" + " " * _INDENT  # a line break lined up with the text after "  input:    "


def describe(**values):
    """A case description ``name = value``, one per line, each value lined up under the text
    after "  input:    " in a verdict, so that matrices print as aligned blocks."""
    lines = []
    for name, value in values.items():
        indent = _INDENT + len(name) + 3  # under the value, after "name = "
        lines.append(f"{name} = {show(value, indent)}")
    return NEW_LINE.join(lines)


def described(note, **values):
    """A case description: a note on its first line, then ``describe(**values)`` below it."""
    return note + NEW_LINE + describe(**values)


def same_values(a, b):
    """Whether two answers have the same shape and values, within the checks' tolerance (NaN
    counting as equal to NaN, so that a mistake that produces NaN is recognised)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-6, equal_nan=True)


def mistake_in_parts(hint, reference, wrong):
    """A known mistake for an exercise whose answer is a tuple of results: recognised when the
    whole answer is what ``wrong`` gives, or when any one result equals ``wrong``'s in a result
    that ``wrong`` gets wrong. So a learner with two bugs still hears about each."""

    def detect(case, got):
        right = reference(*copy.deepcopy(case.args))
        bad = wrong(*copy.deepcopy(case.args))
        return any(
            not same_values(bad[i], right[i]) and same_values(got[i], bad[i])
            for i in range(len(right))
        )

    return Mistake(hint, wrong=wrong, detect=detect)


__all__ = [
    "NEW_LINE",
    "describe",
    "described",
    "same_values",
    "mistake_in_parts",
    "Case",
    "Mistake",
    "Exercise",
    "Verdict",
    "grade",
    "check",
    "make_check",
    "show",
    "PASSED",
    "FAILED",
    "NOT_IMPLEMENTED",
    "REFERENCE",
]
