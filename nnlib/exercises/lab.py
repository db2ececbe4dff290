"""``nnfs-lab``: write your copies of the chapters and open JupyterLab on them.

Run it inside your clone of the course repository (the chapters are not part of the installed
package)::

    pip install -e ".[lab]"
    nnfs-lab

It writes a student copy of every chapter into ``_student/`` (see
:mod:`nnlib.exercises.student`) and starts JupyterLab there. Your copies hold your work, so an
existing copy is never overwritten: delete it, or pass ``--force``, to get a fresh one.
Options it does not know (``--port=8899``, ``--no-browser``, ...) are passed on to JupyterLab.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from nnlib.exercises.student import UnsupportedMarkup, write_student_copies

REPOSITORY = "https://github.com/nn-from-scratch/nn-from-scratch"


def find_repository(start):
    """The folder at or above ``start`` that holds the course's chapters/ and _toc.yml."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / "chapters").is_dir() and (folder / "_toc.yml").is_file():
            return folder
    return None


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="nnfs-lab",
        description="Write your copies of the course's chapters (solutions folded, outputs "
        "cleared) and open JupyterLab on them. Run it inside your clone of the repository. "
        "Unknown options are passed on to JupyterLab.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the copies (default: _student/ in the repository's folder)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite existing copies (your work in them is lost)"
    )
    parser.add_argument(
        "--no-lab", action="store_true", help="only write the copies; do not start JupyterLab"
    )
    return parser.parse_known_args(argv)


def main(argv=None):
    args, lab_options = parse_args(argv)
    root = find_repository(Path.cwd())
    if root is None:
        print(
            f"nnfs-lab: there is no chapters/ folder (with _toc.yml beside it) in {Path.cwd()} "
            "or any folder above it. The chapters are not part of the installed package: run "
            f"nnfs-lab inside your clone of the course ({REPOSITORY}), e.g.\n"
            f"    git clone {REPOSITORY}\n    cd nn-from-scratch\n    nnfs-lab",
            file=sys.stderr,
        )
        return 2
    out = args.out or root / "_student"
    try:
        results = write_student_copies(root, out, force=args.force)
    except UnsupportedMarkup as error:
        print(f"nnfs-lab: {error}", file=sys.stderr)
        return 1
    for path, action in results:
        if action == "kept":
            print(f"kept your copy {path} (delete it, or use --force, for a fresh one)")
        else:
            print(f"wrote {path}")
    if args.no_lab:
        return 0
    return start_lab(out, lab_options)


def start_lab(folder, options):
    """Run JupyterLab on ``folder`` until you stop it (Ctrl+C); returns its exit code."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print(
            "nnfs-lab: JupyterLab is not installed in this environment. Install the course "
            'with its lab extra: pip install -e ".[lab]"',
            file=sys.stderr,
        )
        return 1
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", *options]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in options:
        command.append("--allow-root")  # containers often run as root, which Jupyter refuses
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
