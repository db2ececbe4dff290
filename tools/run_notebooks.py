"""Re-execute chapter notebooks in place so their stored outputs are current (``make notebooks``).

    python tools/run_notebooks.py                 # every chapter
    python tools/run_notebooks.py chapters/02-*.ipynb

Each notebook runs top to bottom in a fresh kernel, in a temporary directory, and is saved with
its outputs and with machine-specific metadata removed; running it twice gives no diff.
"""

import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_tools import chapter_notebooks, clean_metadata, execute, write  # noqa: E402


def main(paths):
    for path in paths or chapter_notebooks():
        path = Path(path)
        started = time.perf_counter()
        nb = nbformat.read(str(path), as_version=4)
        execute(nb)
        write(clean_metadata(nb), path)
        print(f"{path}: {len(nb.cells)} cells, {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
