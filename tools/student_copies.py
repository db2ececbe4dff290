"""Write student copies of the chapters into _student/ (``make lab``).

A student copy is the chapter without its solutions (solution cells and their solution-start /
solution-end gates removed) and without outputs, so every exercise's check says
"not implemented yet" until you fill in the stub. The copies are yours: an existing copy is
never overwritten (delete it, or pass --force, to get a fresh one). chapters/ is not touched.
"""

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_tools import ROOT, chapter_notebooks, student_copy, write  # noqa: E402

DEFAULT_DIR = ROOT / "_student"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help="where to write the copies")
    parser.add_argument("--force", action="store_true", help="overwrite existing copies")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for source in chapter_notebooks():
        target = args.out / source.name
        if target.exists() and not args.force:
            print(f"kept your copy {target} (delete it, or use --force, for a fresh one)")
            continue
        write(student_copy(nbformat.read(str(source), as_version=4)), target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
