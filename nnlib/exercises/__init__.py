"""Exercise checkers: ``check_<id>(your_function)`` prints a verdict and a hint.

Each chapter's exercises end with a check cell such as ``check_sigmoid(sigmoid)``. The check runs
your function on a handful of cases — including the awkward ones, like z = −1000 — and prints
one of:

- ✓ all cases passed;
- ○ not implemented yet (your function still raises NotImplementedError);
- ✗ the first failing case: its input, the expected and the actual answer, and a hint aimed at
  the usual mistake — or, if your function is nnlib's own (imported, or wrapped in a function
  of yours), "this is nnlib's own function — write your own", which never counts as passed.

The engine lives in ``nnlib.exercises.engine``; the exercises of each chapter in their own
module, which this package finds by itself. ``python -m nnlib.exercises.grade`` grades whole
notebooks (see ``nnlib.exercises.grade``).

How to add an exercise
----------------------
1. Write the checker in the chapter's module ``nnlib/exercises/<module>.py`` (one module per
   chapter; for a new chapter, copy the shape of ``activations.py``): an ``Exercise`` with

   - a unique ``id`` (it names ``check_<id>``) and the ``title`` the verdicts print;
   - the ``reference`` solution, and in ``solved_by`` any other nnlib function that solves the
     exercise on its own (a learner's answer that calls one is reported as nnlib's own);
   - at least three ``Case``s: include a non-square shape and a square case with non-symmetric
     values, so a transpose or a missing ``keepdims`` shows, and the awkward inputs (z = −1000);
     describe each input so that every value that matters is visible;
   - at least three ``Mistake``s, each a wrong implementation (or a ``detect`` test) with a
     hint that names that mistake;
   - its own ``default_hint`` for the failures no mistake explains (required);
   - ``result_names`` if the answer is a tuple, e.g. ``("W", "b")``; ``forbid_overflow=True``
     if right values computed through an overflow must fail.

   The engine itself fails answers that change their inputs, return booleans or integers where
   the reference returns floats, or are nnlib's own function.
2. Below it write ``check_<id> = make_check(EXERCISE)`` and add the exercise to the module's
   ``EXERCISES`` list. Nothing else registers it: this package imports every module that
   assigns ``EXERCISES`` at its top level and makes ``from nnlib.exercises import check_<id>``
   work. Two exercises with the same id stop the import with a message naming both modules.
3. In the chapter, write the four parts of the exercise (task, stub tagged ``exercise``,
   solution tagged ``solution``, check cell tagged ``check`` that is exactly
   ``check_<id>(<function name>)``) and import ``check_<id>`` in the chapter's import cell.
4. In ``tests/wrong_answers/<module>.py`` add ``WRONG_ANSWERS["<id>"]``: at least three wrong
   functions written the way a learner would write them (not copies of the Mistakes), each
   with a snippet of the hint it must get. ``tests/test_exercises.py`` fails, naming the file
   and the key, until you do.
5. Run ``pytest tests/test_exercises.py tests/test_grade.py -k "<id> or <chapter number>"``:
   the reference passes, every mistake and wrong answer gets its hint, the student copy says
   "not implemented yet" and the solution put into the stub passes.
"""

import importlib
import pkgutil
import re

from nnlib.exercises.engine import grade

# A checker module assigns EXERCISES at its top level; other modules of this package (the
# engine, the commands nnfs-lab and nnfs-progress) are not imported by the discovery, so that
# `python -m nnlib.exercises.<command>` runs a module that is not already imported.
_DEFINES_EXERCISES = re.compile(r"^EXERCISES\s*(:[^=]*)?=", re.MULTILINE)


def _checker_modules(path, package):
    """Names of the modules in ``path`` (the package ``package``) that define EXERCISES."""
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.ispkg or info.name.startswith("_"):
            continue
        name = f"{package}.{info.name}"
        source = info.module_finder.find_spec(name).loader.get_source(name) or ""
        if _DEFINES_EXERCISES.search(source):
            yield name


def discover(path, package):
    """({id: Exercise}, {id: module name}, {check_<id>: function}) of a checker package.

    Imports every module of ``package`` (found in the folders ``path``) that assigns
    ``EXERCISES``; fails with a message naming both modules if two exercises share an id, and
    naming the line to add if a module lists an exercise without its ``check_<id>``.
    """
    exercises, owners, checks = {}, {}, {}
    for name in _checker_modules(path, package):
        module = importlib.import_module(name)
        for exercise in module.EXERCISES:
            if exercise.id in exercises:
                raise RuntimeError(
                    f"Two exercises have the id {exercise.id!r}: one in {owners[exercise.id]}, "
                    f"one in {name}. The id names the check function (check_{exercise.id}), "
                    "so it must be unique: rename one of them."
                )
            check = getattr(module, f"check_{exercise.id}", None)
            if getattr(check, "exercise", None) is not exercise:
                raise RuntimeError(
                    f"{name} lists the exercise {exercise.id!r} in EXERCISES but defines no "
                    f"check for it: add `check_{exercise.id} = make_check(<the exercise>)` "
                    f"to {name}."
                )
            exercises[exercise.id], owners[exercise.id] = exercise, name
            checks[check.__name__] = check
    return exercises, owners, checks


# Every exercise of the book by id, the module that defines each, and every check_<id>.
EXERCISES, MODULE_OF, _CHECKS = discover(__path__, __name__)
globals().update(_CHECKS)

__all__ = ["EXERCISES", "MODULE_OF", "discover", "grade", *sorted(_CHECKS)]
