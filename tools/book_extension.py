"""A small Sphinx extension that makes the built book work offline, accessibly, and look finished.

It fixes the rough edges of the stock Jupyter Book 1 stack (tests/test_site.py checks each one):

- MathJax 3 is copied into the site from the django-static-mathjax package (PyPI), so formulas
  render with no network; ``mathjax_path`` in _config.yml points at the copy;
- sphinx-thebe's inline script is emitted twice on every page, and the second copy fails with
  "Identifier 'THEBE_JS_URL' has already been declared": we drop repeated scripts;
- a figure without alt text would fall back to its file name: the build warns instead (and
  fails, since the book is built with --warningiserror). Notebook cells give alt text in their
  metadata: ``{"mystnb": {"image": {"alt": "..."}}}``;
- sphinx-exercise gives the body of every exercise the id ``exercise-content`` and of every
  solution ``solution-content``, so a page repeats ids: we derive each from the exercise's label;
- pydata-sphinx-theme 0.17 fills its top bar with a search field unless ``navbar_persistent``
  is set (it ignores sphinx-book-theme's empty default), so wide screens showed two search
  boxes: we set it empty, and book.css hides the then empty bar;
- accessibility (axe-core, WCAG 2.0/2.1 A and AA): buttons whose aria-label differed from their
  visible text (the search field, the colour-mode button, the "Show code cell content" toggle)
  now take their name from what they show (templates in book_templates/, and
  ``visit_hidden_cell``);
  the logo sits in a banner landmark; a table's empty header cells are not headers (a header row
  that is all empty is dropped, and an empty first header cell makes the first column row
  headers); an animation's frame slider gets a name, and its controls a unique one;
  book_static/book.js names the scrolling boxes the theme makes focusable.

book_static/book.css wraps long lines in code cells, lets wide display maths scroll in its own
box and breaks long names, so nothing pushes a phone's page sideways. (The "invalid theme mode"
console error on a first visit is fixed in _config.yml by giving pydata-sphinx-theme a
``default_mode``.)
"""

import re
import shutil
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "book_static"
TEMPLATES = Path(__file__).parent / "book_templates"

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
# The ids sphinx-exercise gives to the body of every exercise and every solution.
REPEATED_IDS = ("exercise-content", "solution-content")


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


def unique_exercise_ids(app, doctree, docname):
    """Name each exercise's and solution's body after its label, so no id repeats on a page.

    An exercise labelled ``ex-neuron`` gets ``ex-neuron-content``, its solution
    ``ex-neuron-solution-content``. Nothing links to the old ids (sphinx-exercise's own CSS and
    JavaScript do not use them).
    """
    taken = set(doctree.ids)
    for section in doctree.findall(nodes.section):
        repeated = [i for i in section["ids"] if i in REPEATED_IDS]
        if not repeated:
            continue
        owner = section.parent
        if owner.get("target_label"):  # a solution: named after the exercise it solves
            base = f"{owner['target_label']}-solution"
        else:
            base = owner.get("label") or (owner["ids"][0] if owner.get("ids") else docname)
        new_id = candidate = nodes.make_id(f"{base}-content")
        number = 2
        while candidate in taken:
            candidate = f"{new_id}-{number}"
            number += 1
        taken.add(candidate)
        section["ids"] = [i for i in section["ids"] if i not in REPEATED_IDS] + [candidate]


def _is_empty(entry):
    return not entry.astext().strip() and not list(entry.findall(nodes.image))


def tables_without_empty_headers(app, doctree, docname):
    """Give tables whose header cells are empty the structure their content has.

    Markdown needs a header row, so a two-column "term | meaning" table is written with an
    empty one, and a table with row labels leaves its top-left cell empty. Screen readers then
    announce blank column headers. An all-empty header row is dropped; an empty first header
    cell (or a dropped row) makes the first column the row headers (a docutils "stub" column).
    ``visit_entry`` writes an empty header cell as a plain cell.
    """
    if app.builder.format != "html":
        return
    for tgroup in doctree.findall(nodes.tgroup):
        thead = next(iter(tgroup.findall(nodes.thead)), None)
        if thead is None or not thead.children:
            continue
        first_row = thead.children[0]
        cells = list(first_row.children)
        if all(_is_empty(cell) for cell in cells):
            tgroup.remove(thead)
        elif not _is_empty(cells[0]):
            continue
        colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
        if len(colspecs) > 1:
            colspecs[0]["stub"] = 1


def visit_entry(self, node):
    """A table cell: ``th`` with a scope for headers, ``td`` for data and for empty headers.

    Follows docutils' own ``visit_entry`` (column counting, row and column spans).
    """
    row = node.parent
    in_head = isinstance(row.parent, nodes.thead)
    stub = row.parent.parent.stubs[row.column]
    atts = {"classes": []}
    if in_head:
        atts["classes"].append("head")
    if stub:
        atts["classes"].append("stub")
    if in_head and not _is_empty(node):
        tagname, atts["scope"] = "th", "col"
    elif stub and not in_head and not _is_empty(node):
        tagname, atts["scope"] = "th", "row"
    else:
        tagname = "td"
    row.column += 1
    if "morerows" in node:
        atts["rowspan"] = node["morerows"] + 1
    if "morecols" in node:
        atts["colspan"] = node["morecols"] + 1
        row.column += node["morecols"]
    self.body.append(self.starttag(node, tagname, "", **atts))
    self.context.append(f"</{tagname}>\n")


def depart_entry(self, node):
    self.body.append(self.context.pop())


def visit_hidden_cell(self, node):
    """myst-nb's "Show code cell content" toggle, named by its visible text.

    myst-nb labels the ``summary`` "Toggle hidden content", which is not what it shows, so a
    voice-control user saying "Show code cell content" could not reach it (WCAG 2.5.3). Without
    the aria-label the name is the visible prompt (the hidden one is ``display: none``).
    """
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        self.body.append(f'<p class="{state} admonition-title">{escape(prompt)}</p>\n')
    self.body.append("</summary>\n")


def depart_hidden_cell(self, node):
    self.body.append("</details>\n")


def label_animation_controls(html, number=1):
    """Name the controls of the ``number``-th matplotlib animation player on a page.

    matplotlib's player (``to_jshtml``) labels its buttons, but not its frame slider, so a
    screen reader announces an unnamed slider (axe-core: "label", WCAG 1.3.1 and 4.1.2); and its
    "Repetition mode" form is a landmark whose name repeats when a page has two animations
    (axe-core: "landmark-unique"). Both get the animation's number.
    """
    html = re.sub(
        r'(<input id="_anim_slider[^"]*" type="range")(?![^>]*aria-label)',
        rf'\1 aria-label="Animation {number}: frame"',
        html,
    )
    return html.replace(
        'aria-label="Repetition mode"', f'aria-label="Animation {number}: repetition mode"'
    )


def accessible_animations(app, doctree, docname):
    """Apply ``label_animation_controls`` to the animations stored in notebook outputs."""
    number = 0
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if "html" in raw.get("format", "").split() and 'class="anim-slider"' in text:
            number += 1
            raw.replace_self(
                nodes.raw("", label_animation_controls(text, number), **raw.attributes)
            )


def configure(app, config):
    config.html_static_path.append(str(STATIC))
    config.templates_path.insert(0, str(TEMPLATES))
    # pydata-sphinx-theme fills its top bar with a search field unless told otherwise; the
    # book's search lives in the sidebar (wide screens) and the article header (narrow ones).
    config.html_theme_options.setdefault("navbar_persistent", [])


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    app.connect("config-inited", configure)
    app.add_css_file("book.css")
    app.add_js_file("book.js", loading_method="defer")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_hidden_cell))
    app.add_node(nodes.entry, override=True, html=(visit_entry, depart_entry))
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    app.connect("doctree-resolved", require_alt_text)
    app.connect("doctree-resolved", unique_exercise_ids)
    app.connect("doctree-resolved", tables_without_empty_headers)
    app.connect("doctree-resolved", accessible_animations)
    app.connect("build-finished", copy_mathjax)
    # Bump env_version whenever what this extension does to the doctrees changes: Sphinx then
    # re-reads and rewrites every page instead of only those whose sources changed.
    return {"env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
