"""The website offers the learners' copies of the chapters, not the book's own notebooks.

A chapter page's buttons are the ways a learner takes the chapter away to work on it. This
Sphinx extension points them at the student copies (plain Jupyter Markdown, solutions folded,
outputs cleared; see nnlib/exercises/student.py):

- the build writes a student copy of every chapter into the site's ``_student/`` folder, and all
  of them in one zip (``_student/nnfs-student-copies.zip``);
- the download menu's ``.ipynb`` entry downloads the student copy; the book's notebook, with
  solutions and outputs, stays there as a second entry;
- the Binder button opens the student copy that Binder's set-up writes (binder/postBuild);
- the Colab button can only open the repository's notebook (Colab reads files from GitHub and
  runs no set-up), so its label and tooltip say so and how to open the student copy instead;
- the build fails (it runs with --warningiserror) if an exercise's number in the student copies
  differs from the one Sphinx gives it on the page.
"""

import zipfile
from pathlib import Path

from sphinx.util import logging

from nnlib.exercises.student import Book, write_student_copies

logger = logging.getLogger(__name__)
FOLDER = "_student"
ZIP_NAME = "nnfs-student-copies.zip"
COLAB_TOOLTIP = (
    "Colab opens the book's notebook from GitHub: solutions and the website's markup show as "
    "written. To work in your own copy on Colab, download it (.ipynb, your copy) and upload it "
    "there (File → Upload notebook)."
)


def write_copies(app, exception):
    """Write the student copies (and a zip of them all) into the built site."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / FOLDER
    written = write_student_copies(app.srcdir, out, force=True)
    with zipfile.ZipFile(out / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, _ in written:
            archive.write(path, path.name)


def student_copy_name(app, pagename):
    """The file name of the page's student copy, or None for a page that has none."""
    source = Path(app.srcdir) / f"{pagename}.ipynb"
    if pagename.startswith("chapters/") and source.exists():
        return source.name
    return None


def point_buttons_at_copies(app, pagename, templatename, context, doctree):
    """Runs after sphinx-book-theme has made its header buttons (priority 501)."""
    name = student_copy_name(app, pagename)
    if name is None:
        return
    url = f"{context['pathto'](FOLDER, 1)}/{name}"
    for group in context.get("header_buttons", []):
        buttons = group.get("buttons", [])
        if group.get("label") == "download-buttons":
            for button in buttons:
                if button.get("text") == ".ipynb":
                    button["text"] = ".ipynb (the book's, with solutions)"
                    button["tooltip"] = "Download the book's notebook, solutions and outputs"
            buttons.insert(0, _download_button(url))
        if group.get("label") == "launch-buttons":
            for button in buttons:
                _relabel_launch_button(button, name)


def _download_button(url):
    return {
        "type": "link",
        "url": url,
        "text": ".ipynb (your copy)",
        "icon": "fas fa-code",
        "tooltip": "Download your copy of this chapter: solutions folded, outputs cleared",
        "label": "download-student-copy-button",
    }


def _relabel_launch_button(button, name):
    if button.get("text") == "Binder":
        base = button["url"].split("?urlpath=")[0]
        button["url"] = f"{base}?urlpath=lab/tree/{FOLDER}/{name}"
        button["tooltip"] = "Launch your copy of this chapter on Binder"
    elif button.get("text") == "Colab":
        button["text"] = "Colab (the book's notebook)"
        button["tooltip"] = COLAB_TOOLTIP


def check_exercise_numbers(app, env):
    """Warn where the student copies would number an exercise differently from the page."""
    book = Book.load(app.srcdir)
    for label, number in book.label_numbers.items():
        docname = book.targets[label].docname
        on_page = env.toc_fignumbers.get(docname, {}).get("exercise", {}).get(label)
        shown = ".".join(str(n) for n in on_page) if on_page else None
        if shown != number:
            logger.warning(
                f"{docname}: the exercise {label} is numbered {shown} on the page but {number} "
                "in the student copies; make Book.load in nnlib/exercises/student.py number "
                "exercises the way Sphinx does"
            )


def setup(app):
    app.connect("html-page-context", point_buttons_at_copies, priority=600)
    app.connect("env-check-consistency", check_exercise_numbers)
    app.connect("build-finished", write_copies)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
