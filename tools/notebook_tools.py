"""Shared helpers for the chapter notebooks: read, clean, execute and copy them.

Used by tools/run_notebooks.py (``make notebooks``) and the tests. Notebooks in chapters/ are
stored *with* outputs; everything here keeps them free of machine-specific metadata so that
re-running them gives no diff. Student copies are made by nnlib.exercises.student.
"""

import os
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def chapter_notebooks():
    """Every chapter notebook, in file-name (= chapter) order."""
    return sorted(p for p in CHAPTERS.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def clean_metadata(nb):
    """Drop what differs between machines and runs: kernel versions, timings, widget state."""
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            **{k: v for k, v in nb.metadata.items() if k in ("mystnb", "jupytext")},
        }
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    return nb


def execute(nb, timeout=600):
    """Run every cell of ``nb`` (in place) in a fresh kernel inside a temporary directory, so a
    notebook can never write into the repository."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="nnfs-run-") as workdir:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": workdir}},
        )
        client.execute(
            env={**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
        )
    return nb


def student_copy(nb, docname=None):
    """A copy for learners (plain Jupyter Markdown, solutions folded, outputs cleared): see
    nnlib.exercises.student, which does the work. ``docname`` (e.g.
    "chapters/02-activation-functions") is found from the notebook's title when not given."""
    from nnlib.exercises import student

    return student.student_copy(nb, student.Book.load(ROOT), docname)


def write(nb, path):
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
