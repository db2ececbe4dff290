"""Grade notebooks: which exercises pass, for a class of submissions or for your own copies.

    python -m nnlib.exercises.grade PATH... [--csv FILE] [--timeout S] [--details]

Each PATH is a notebook or a folder of notebooks (searched recursively). Every notebook runs in
its own Jupyter kernel, in a fresh temporary folder, with a time limit per cell, so an endless
loop or a crash costs that exercise (at worst that notebook), never the whole run. It runs
offline: the kernel's sockets may only reach this machine, and the programs it starts get
proxies that lead nowhere.

The grade never trusts what a notebook printed: a learner can edit or delete a check cell's
verdict. It finds each exercise from the notebook's cells — the stub cell tagged ``exercise``
defines the function, the check cell ``check_<id>(<function name>)`` names the exercise — runs
the notebook's own code (without its check cells), then calls the checker on the function the
notebook defined. Each exercise gets one status:

    passed, failed (with the cases passed, e.g. 3/5), not implemented, missing (the notebook
    defines no such function), error (e.g. its cell raised a SyntaxError), timed out, or
    reference (the function is nnlib's own, which does not count).

The submissions are read, never written. ``nnfs-progress`` (``progress``) is the same report on
your own copies in ``_student/``.

This runs the submitted code with your permissions: grade where that is acceptable (a
container, a throw-away account). The checker runs in the same kernel as the learner's code, so
it reports what a notebook's functions do; it is not a defence against a learner who sets out
to subvert the checker itself.
"""

import argparse
import ast
import copy
import csv
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented"
MISSING, ERROR, TIMED_OUT, REFERENCE = "missing", "error", "timed out", "reference"
STATUSES = (PASSED, FAILED, NOT_IMPLEMENTED, MISSING, ERROR, TIMED_OUT, REFERENCE)
_SHOWN = {REFERENCE: "reference (nnlib's own)"}

CHECK_CALL = re.compile(r"^\s*(check_\w+)\((\w+)\)\s*$")
DEFINED = re.compile(r"^def (\w+)\(", re.MULTILINE)
_TIMEOUT_ENAME = "NnfsCellTimeout"

# Run first in every kernel: no connection leaves this machine while a submission is graded.
_OFFLINE_CELL = """
import socket as _nnfs_socket


def _nnfs_local_only(connect):
    def guarded(sock, address, *rest):
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"grading runs offline; this notebook tried to reach {address}")
        return connect(sock, address, *rest)

    return guarded


_nnfs_socket.socket.connect = _nnfs_local_only(_nnfs_socket.socket.connect)
_nnfs_socket.socket.connect_ex = _nnfs_local_only(_nnfs_socket.socket.connect_ex)
del _nnfs_socket, _nnfs_local_only
"""

# Run where a check cell was: grade one function by name (the first of ``names`` that the
# notebook defines at this point), as plain values; the cell's last line calls it.
_GRADER_CELL = """
def _nnfs_grade(exercise_id, names):
    import nnlib.exercises
    from nnlib.exercises.engine import grade

    for name in names:
        if name in globals():
            verdict = grade(nnlib.exercises.EXERCISES[exercise_id], globals()[name])
            return {
                "status": verdict.status,
                "passed": verdict.cases_passed,
                "total": verdict.cases_total,
                "message": verdict.message,
                "function": name,
            }
    return {"status": "missing"}
"""


@dataclass
class Exercise:
    """One exercise found in a notebook: its checker's id, the function name, its cells."""

    id: str
    names: list  # the function names to look for, best first
    check_cell: int  # index of its check cell: the function is graded at that point
    stub_cell: int | None = None  # index of the cell that defines the function, if known


@dataclass
class Result:
    """The grade of one exercise of one notebook."""

    notebook: str
    exercise: str
    status: str
    cases_passed: int = 0
    cases_total: int = 0
    function: str = ""
    detail: str = ""

    @property
    def cases(self):
        graded = self.status in (PASSED, FAILED) and self.cases_total
        return f"{self.cases_passed}/{self.cases_total}" if graded else ""


@dataclass
class _Run:
    """What happened to the notebook's own cells: errors and timeouts by cell index."""

    errors: dict = field(default_factory=dict)
    timed_out: set = field(default_factory=set)


# -- finding the exercises -------------------------------------------------------------------


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _check_call(cell):
    """(exercise id, function name) if ``cell`` is a check cell ``check_<id>(<name>)``."""
    if cell.cell_type != "code":
        return None
    found = CHECK_CALL.match(cell.source)
    return (found[1].removeprefix("check_"), found[2]) if found else None


def find_exercises(nb):
    """The exercises of a notebook, in order, and the stubs that have no check cell.

    An exercise is a check cell ``check_<id>(<name>)``; the stub tagged ``exercise`` before it
    (and after the previous check) is where the function is defined. Returns (exercises,
    orphans): orphans are (cell index, function name) of stubs whose check cell is gone.
    """
    exercises, orphans, stub = [], [], None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "exercise" in _tags(cell):
            if stub is not None:
                orphans.append(stub)
            defined = DEFINED.search(cell.source)
            stub = (index, defined[1] if defined else None)
            continue
        call = _check_call(cell)
        if call:
            exercise_id, name = call
            names = [name]
            if stub is not None and stub[1] and stub[1] != name:
                names.append(stub[1])
            exercises.append(Exercise(exercise_id, names, index, stub[0] if stub else None))
            stub = None
    if stub is not None:
        orphans.append(stub)
    return exercises, orphans


# -- running a notebook ----------------------------------------------------------------------


def _code_cell(source):
    import nbformat

    return nbformat.v4.new_code_cell(source.strip())


def _client(nb, workdir, timeout):
    from nbclient import NotebookClient

    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": _TIMEOUT_ENAME,
            "evalue": f"a cell ran longer than {timeout} s",
            "traceback": [],
        },
        record_timing=False,
        resources={"metadata": {"path": workdir}},
    )


def _run_cell(client, source):
    """Append a cell to the client's notebook and execute it: (cell, outcome).

    outcome: None if it ran, "timed out", or the name of the error it raised.
    """
    from nbclient.exceptions import CellExecutionError

    cell = _code_cell(source) if isinstance(source, str) else source
    client.nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1)
    except CellExecutionError as error:
        timed_out = error.ename in (_TIMEOUT_ENAME, "KeyboardInterrupt")
        return cell, TIMED_OUT if timed_out else error.ename
    return cell, None


def _responds(client):
    """Whether the kernel answers again after a timeout (an interrupt may not stop C code)."""
    return _run_cell(client, "pass")[1] is None


def _grade_value(cell):
    """The dict the grading cell returned (its execute_result), or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "execute_result":
            try:
                return ast.literal_eval(output["data"]["text/plain"])
            except (KeyError, ValueError, SyntaxError):
                return None
    return None


def grade_notebook(path, timeout=60, label=None):
    """Run the notebook at ``path`` in its own kernel and grade its exercises: [Result].

    The file is only read. Cells run in a temporary folder with ``timeout`` seconds each; the
    notebook's check cells are skipped (their printed verdicts are not trusted anyway).
    """
    import nbformat
    from nbclient.exceptions import DeadKernelError

    label = label or str(path)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not JSON, not a notebook, unreadable
        return [Result(label, "-", ERROR, detail=f"cannot read the notebook: {error}")]
    exercises, orphans = find_exercises(nb)
    results = [
        Result(
            label,
            "?",
            ERROR,
            function=name or "",
            detail="no check cell after this "
            "exercise, so it is unknown which exercise it is: restore check_<id>(name)",
        )
        for _, name in orphans
    ]
    if not exercises:
        if not orphans:
            results.append(Result(label, "-", ERROR, detail="no exercises (no check cells)"))
        return results

    from nnlib.exercises import EXERCISES

    known = [e for e in exercises if e.id in EXERCISES]
    results += [
        Result(label, e.id, ERROR, function=e.names[0], detail=f"unknown checker check_{e.id}")
        for e in exercises
        if e.id not in EXERCISES
    ]
    try:
        results += _run_and_grade(nb, known, timeout, label)
    except DeadKernelError:
        results += [
            Result(label, e.id, ERROR, function=e.names[0], detail="the kernel died")
            for e in known
            if not any(r.exercise == e.id for r in results)
        ]
    except RuntimeError as error:  # e.g. the kernel did not start
        results += [
            Result(label, e.id, ERROR, function=e.names[0], detail=f"cannot run: {error}")
            for e in known
        ]
    order = {e.id: i for i, e in enumerate(exercises)}
    return sorted(results, key=lambda r: order.get(r.exercise, -1))


def _run_and_grade(nb, exercises, timeout, label):
    """Run the notebook's own code cells in order; where a check cell was, grade its exercise
    instead (so the function is graded as the check cell would have seen it): [Result]."""
    at_check = {exercise.check_cell: exercise for exercise in exercises}
    work = copy.deepcopy(nb)
    work.cells = []
    results, run = [], _Run()
    with tempfile.TemporaryDirectory(prefix="nnfs-grade-") as workdir:
        client = _client(work, workdir, timeout)
        with client.setup_kernel(env=_kernel_environment(), stderr=subprocess.DEVNULL):
            if _run_cell(client, _OFFLINE_CELL)[1] is not None:
                raise RuntimeError("the offline guard could not be installed")
            for index, cell in enumerate(nb.cells):
                if index in at_check:
                    result = _grade_one(client, at_check[index], run, label)
                    results.append(result)
                    outcome = TIMED_OUT if result.status == TIMED_OUT else None
                elif cell.cell_type == "code" and not _check_call(cell):
                    outcome = _run_cell(client, copy.deepcopy(cell))[1]
                    if outcome not in (None, TIMED_OUT):
                        run.errors[index] = outcome
                else:
                    continue
                if outcome == TIMED_OUT:
                    run.timed_out.add(index)
                    if not _responds(client):
                        done = {r.exercise for r in results}
                        rest = [e for e in exercises if e.id not in done]
                        detail = "the kernel stopped answering after a cell timed out"
                        return results + _all(rest, label, TIMED_OUT, detail)
    return results


def _kernel_environment():
    """The kernel's environment: inline plots, and proxies that lead nowhere, so that programs
    the notebook starts (pip, curl, ...) stay offline too."""
    nowhere = "http://127.0.0.1:9"  # the discard port: nothing answers there
    return {
        **os.environ,
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        **{name: nowhere for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")},
        "no_proxy": "127.0.0.1,localhost,::1",
        "NO_PROXY": "127.0.0.1,localhost,::1",
        "PIP_NO_INDEX": "1",
    }


def _grade_one(client, exercise, run, label):
    call = f"_nnfs_grade({exercise.id!r}, {exercise.names!r})"
    cell, outcome = _run_cell(client, _GRADER_CELL.strip() + "\n\n\n" + call)
    name = exercise.names[0]
    if outcome == TIMED_OUT:
        detail = f"a case ran longer than the time limit ({client.timeout} s)"
        return Result(label, exercise.id, TIMED_OUT, function=name, detail=detail)
    value = _grade_value(cell) if outcome is None else None
    if value is None:
        return Result(label, exercise.id, ERROR, function=name, detail=f"grading raised {outcome}")
    if value["status"] == MISSING:
        stub = exercise.stub_cell
        if stub in run.timed_out:
            return Result(label, exercise.id, TIMED_OUT, function=name, detail="its cell timed out")
        if stub in run.errors:
            detail = f"its cell raised {run.errors[stub]}"
            return Result(label, exercise.id, ERROR, function=name, detail=detail)
        return Result(label, exercise.id, MISSING, function=name, detail=f"no function {name}")
    detail = value["message"] if value["status"] != PASSED else ""
    return Result(
        label,
        exercise.id,
        value["status"],
        value["passed"],
        value["total"],
        value["function"],
        detail,
    )


def _all(exercises, label, status, detail):
    return [Result(label, e.id, status, function=e.names[0], detail=detail) for e in exercises]


# -- the report ------------------------------------------------------------------------------


def notebooks_in(paths):
    """Every notebook named in ``paths`` (files, or folders searched recursively), sorted."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path} is neither a notebook nor a folder")
    return list(dict.fromkeys(found))


def _label(path):
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def table(results):
    """The report as text: one line per exercise, a line per notebook, and the total."""
    rows = [("notebook", "exercise", "status", "cases")]
    for r in results:
        rows.append((r.notebook, r.exercise, _SHOWN.get(r.status, r.status), r.cases))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for notebook in dict.fromkeys(r.notebook for r in results):
        mine = [r for r in results if r.notebook == notebook]
        lines.append(f"{notebook}: {_summary(mine)}")
    notebooks = len({r.notebook for r in results})
    lines.append(f"Total ({notebooks} notebook{'s' * (notebooks != 1)}): {_summary(results)}")
    return "\n".join(lines)


def _summary(results):
    graded = [r for r in results if r.exercise not in ("-", "?")]
    passed = sum(r.status == PASSED for r in graded)
    counts = [f"{passed} of {len(graded)} exercises passed"]
    for status in STATUSES[1:]:
        n = sum(r.status == status for r in results)
        if n:
            counts.append(f"{n} {_SHOWN.get(status, status)}")
    return ", ".join(counts)


def write_csv(results, path):
    """One row per exercise: notebook, exercise, title, function, status, cases, detail."""
    from nnlib.exercises import EXERCISES

    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "notebook",
                "exercise",
                "title",
                "function",
                "status",
                "cases_passed",
                "cases_total",
                "detail",
            ]
        )
        for r in results:
            title = EXERCISES[r.exercise].title if r.exercise in EXERCISES else ""
            writer.writerow(
                [
                    r.notebook,
                    r.exercise,
                    title,
                    r.function,
                    r.status,
                    r.cases_passed,
                    r.cases_total,
                    r.detail,
                ]
            )


def _parser(prog, description, default_paths):
    parser = argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog="Warning: this runs the code in the notebooks, with your permissions. Grade "
        "submissions only where running them is acceptable (a container or a throw-away "
        "account). The notebooks themselves are only read, never changed.",
    )
    parser.add_argument(
        "paths",
        nargs="*" if default_paths else "+",
        metavar="PATH",
        help="notebooks, or folders searched for notebooks"
        + (f" (default: {default_paths})" if default_paths else ""),
    )
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write the table as CSV")
    parser.add_argument(
        "--timeout",
        type=int,
        default=60,
        metavar="S",
        help="whole seconds each cell may run before it is stopped (default: 60)",
    )
    parser.add_argument(
        "--details",
        action="store_true",
        help="also print the checker's message for every exercise that did not pass",
    )
    return parser


def run(args, paths):
    """Grade ``paths`` with the parsed ``args``; print the report. Returns the exit code."""
    try:
        notebooks = notebooks_in(paths)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not notebooks:
        print(f"error: no notebooks in {', '.join(map(str, paths))}", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print("error: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    results = []
    for path in notebooks:
        print(f"grading {_label(path)} ...", file=sys.stderr, flush=True)
        results += grade_notebook(path, timeout=args.timeout, label=_label(path))
    print(table(results))
    if args.details:
        for r in results:
            if r.status != PASSED and r.detail:
                print(f"\n{r.notebook}, {r.exercise}:\n{r.detail}")
    if args.csv:
        write_csv(results, args.csv)
        print(f"wrote {args.csv}")
    return 0


def main(argv=None):
    """``python -m nnlib.exercises.grade PATH... [--csv FILE] [--timeout S] [--details]``."""
    parser = _parser(
        "python -m nnlib.exercises.grade",
        "Grade notebooks: run each in its own kernel (offline, with a time limit per cell), "
        "call the checkers on the functions it defines and print, per notebook and exercise, "
        "passed / failed (cases passed) / not implemented / missing / error / timed out / "
        "reference (nnlib's own function), with a total.",
        None,
    )
    args = parser.parse_args(argv)
    return run(args, args.paths)


def progress(argv=None):
    """``nnfs-progress``: the same report for your own copies (default: _student/)."""
    parser = _parser(
        "nnfs-progress",
        "Which exercises in your copies of the chapters pass, and which are left. Runs each "
        "copy in its own kernel (offline) and checks the functions you wrote.",
        "_student/ of the course folder",
    )
    args = parser.parse_args(argv)
    paths = args.paths or [_student_folder()]
    if not args.paths and not paths[0].is_dir():
        print(
            f"nnfs-progress: there are no copies in {paths[0]} yet. Write them with nnfs-lab "
            "(or make lab), or name the notebooks to check.",
            file=sys.stderr,
        )
        return 2
    return run(args, paths)


def _student_folder():
    from nnlib.exercises.lab import find_repository

    root = find_repository(Path.cwd()) or Path.cwd()
    return root / "_student"


def _grading_is_the_package_s_grade_function():
    """Keep ``nnlib.exercises.grade`` callable as the engine's grade function.

    ``from nnlib.exercises import grade`` is the engine's ``grade(exercise, function)``. Once
    this module is imported, Python also binds ``nnlib.exercises.grade`` to the module; making
    the module callable (forwarding to the engine) keeps every earlier use working.
    """
    import types

    from nnlib.exercises import engine

    class _CallableModule(types.ModuleType):
        def __call__(self, exercise, function, **options):
            return engine.grade(exercise, function, **options)

    sys.modules[__name__].__class__ = _CallableModule


_grading_is_the_package_s_grade_function()

if __name__ == "__main__":
    sys.exit(main())
