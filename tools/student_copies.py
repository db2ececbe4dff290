"""Write student copies of the chapters into _student/ without starting JupyterLab.

The same as ``nnfs-lab --no-lab`` (see nnlib/exercises/lab.py), for a clone in which the course
is not installed as a package yet: ``python tools/student_copies.py [--out DIR] [--force]``.
An existing copy is never overwritten (delete it, or pass --force, to get a fresh one).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nnlib.exercises.lab import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["--no-lab", *sys.argv[1:]]))
