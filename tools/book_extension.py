"""A small Sphinx extension that makes the built book work offline and look finished.

It fixes the rough edges of the stock Jupyter Book 1 stack (COURSE.md, "The website"):

- MathJax 3 is copied into the site from the django-static-mathjax package (PyPI), so formulas
  render with no network; ``mathjax_path`` in _config.yml points at the copy;
- sphinx-thebe's inline script is emitted twice on every page, and the second copy fails with
  "Identifier 'THEBE_JS_URL' has already been declared": we drop repeated scripts;
- a figure without alt text would fall back to its file name: the build warns instead (and
  fails, since the book is built with --warningiserror). Notebook cells give alt text in their
  metadata: ``{"mystnb": {"image": {"alt": "..."}}}``.

(The "invalid theme mode" console error on a first visit is fixed in _config.yml by giving
pydata-sphinx-theme a ``default_mode``.)
"""

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "book_static"

# What tex-chtml.js loads at run time: TeX extensions, fonts, the menu and accessibility parts.
MATHJAX_PARTS = [
    "tex-chtml.js",
    "input",
    "output/chtml",
    "output/chtml.js",
    "ui",
    "a11y",
    "sre",
    "adaptors",
]


def _mathjax_source():
    """The MathJax 3 files shipped by the django-static-mathjax package (static files only)."""
    import mathjax

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = _mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    """Keep only the first of identical script entries (same file and same inline body)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""  # None and "" both mean inline
        key = (str(filename), getattr(script, "attributes", {}).get("body", ""))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def require_alt_text(app, doctree, docname):
    """Warn about images whose alt text is missing or just a file name."""
    for image in doctree.findall(nodes.image):
        alt = image.get("alt", "").strip()
        if not alt or alt == image.get("uri") or alt.lower().endswith((".png", ".svg", ".jpg")):
            logger.warning(
                f"figure {image.get('uri')} has no alt text; give the cell the metadata "
                '{"mystnb": {"image": {"alt": "..."}}}',
                location=image,
            )


def add_static_files(app, config):
    config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", add_static_files)
    app.add_css_file("book.css")
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    app.connect("doctree-resolved", require_alt_text)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
