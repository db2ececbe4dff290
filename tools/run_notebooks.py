"""Re-execute chapter notebooks in place so their stored outputs are current (``make notebooks``).

    python tools/run_notebooks.py                 # every chapter
    python tools/run_notebooks.py chapters/02-*.ipynb
    python tools/run_notebooks.py --fresh chapters/09-*.ipynb   # keep nothing (FRESH=1)

Each notebook runs top to bottom in a fresh kernel, in a temporary directory, and is saved with
its outputs and with machine-specific metadata removed. Where a fresh output is equivalent to
the stored one (the same text after nbval's sanitize rules, training logs within a small
tolerance, figures whose outlines moved by less than a fraction of a pixel; see
tools/refresh.py), the stored output is kept. So a refresh changes only what really changed,
on any CPU, and running it twice gives no diff. ``--fresh`` keeps nothing: use it after editing
a cell tagged ``trained``, whose stored results are kept whenever the figures keep their size.
"""

import copy
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_tools import chapter_notebooks, clean_metadata, execute, write  # noqa: E402
from refresh import keep_equivalent_outputs, sanitize_rules  # noqa: E402


def refresh(path, rules, fresh_only=False):
    """Re-run one notebook and save it. Returns (cells whose fresh outputs differed but were
    equivalent, so the stored ones were kept; cells with new outputs; whether the file changed).
    fresh_only: keep no stored output."""
    path = Path(path)
    before = path.read_bytes()
    stored = nbformat.reads(before.decode("utf-8"), as_version=4)
    fresh = copy.deepcopy(stored)
    execute(fresh)
    statuses = [] if fresh_only else keep_equivalent_outputs(stored, fresh, rules)
    write(clean_metadata(fresh), path)
    return statuses.count("kept"), statuses.count("changed"), path.read_bytes() != before


def main(args):
    fresh_only = "--fresh" in args
    paths = [arg for arg in args if arg != "--fresh"]
    rules = sanitize_rules()
    for path in paths or chapter_notebooks():
        started = time.perf_counter()
        kept, changed, rewritten = refresh(path, rules, fresh_only)
        verdict = "changed" if rewritten else "unchanged"
        print(
            f"{path}: {verdict}; {changed} cells with new outputs, {kept} kept as stored "
            f"(equivalent), {time.perf_counter() - started:.1f} s",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
