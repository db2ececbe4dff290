"""Student copies: plain Jupyter Markdown that shows the same exercises as the website.

1. the conversion itself, rule by rule, on small MyST snippets;
2. exercise numbers worked out from _toc.yml the way Sphinx numbers them;
3. every chapter's copy: no MyST left, every exercise a heading with its solution folded;
4. the built site (NNFS_SITE, default _build/html): same exercise titles as the copies, and
   buttons that offer the copies;
5. a copy opened in JupyterLab in headless Chromium: titles shown, no raw markup, answers folded;
6. the README's commands for learners without make, run in a fresh virtual environment.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from nnlib.exercises import lab
from nnlib.exercises.student import (
    Book,
    Page,
    UnsupportedMarkup,
    convert_text,
    exercise_heading,
    student_copy,
    write_student_copies,
)

ROOT = Path(__file__).resolve().parent.parent
BOOK = Book.load(ROOT)
CHAPTERS = BOOK.notebooks()
SITE = Path(os.environ.get("NNFS_SITE", ROOT / "_build" / "html"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RAW_MYST = {
    "a directive fence": re.compile(r"^\s*(`{3,}|~{3,})\s*\{", re.MULTILINE),
    "a colon fence": re.compile(r":::+\s*\{"),
    "a Python role": re.compile(r"\{py:"),
    "a role": re.compile(r"\{(ref|doc|numref|eq|term|math)\}`"),
    "a :label: option": re.compile(r":label:"),
    "a (label)= target": re.compile(r"^\s*\([\w-]+\)=\s*$", re.MULTILINE),
}


def copy_of(docname):
    return student_copy(nbformat.read(str(BOOK.pages[docname]), as_version=4), BOOK, docname)


# -- 1. the conversion, rule by rule -----------------------------------------------------------


# An exercise's task, as the chapters write it (format() it with a title and a label).
EXERCISE = (
    "```{{exercise-start}} {title}\n:label: {label}\n```\n\nDo it.\n\n```{{exercise-end}}\n```"
)


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    """A book of four pages: an unnumbered introduction, two numbered chapters, an appendix."""
    root = tmp_path_factory.mktemp("book")
    (root / "chapters").mkdir()
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/index\nparts:\n"
        "  - caption: Start\n    chapters:\n      - file: chapters/00-intro\n"
        "  - caption: Part one\n    numbered: true\n    chapters:\n"
        "      - file: chapters/01-one\n"
        "  - caption: Part two\n    numbered: true\n    chapters:\n"
        "      - file: chapters/02-two\n"
        "  - caption: Appendices\n    chapters:\n      - file: chapters/appendix\n"
    )
    (root / "chapters" / "index.md").write_text("# The book\n")
    (root / "_config.yml").write_text("repository:\n  url: https://github.com/o/r\n")
    (root / "chapters" / "appendix.md").write_text(
        "(appendix-maths)=\n# Maths\n\n```{exercise-start} Late\n:label: ex-late\n```\n"
    )
    pages = {
        "00-intro": ["# Intro", EXERCISE.format(title="First", label="ex-first")],
        "01-one": [
            "# One\n\n(sec-shapes)=\n## Shapes",
            EXERCISE.format(title="Shapes", label="ex-shapes"),
            "```{exercise-start}\n:label: ex-untitled\n```\nNo title.\n```{exercise-end}\n```",
            "```{exercise-start} Bonus\n:label: ex-bonus\n:nonumber:\n```\n```{exercise-end}\n```",
            EXERCISE.format(title="Third", label="ex-third"),
        ],
        "02-two": ["# Two", EXERCISE.format(title="Again", label="ex-again")],
    }
    for name, cells in pages.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
        nbformat.write(nb, str(root / "chapters" / f"{name}.ipynb"))
    return Book.load(root)


def convert(source, book, docname="chapters/01-one"):
    return convert_text(source, Page(book, docname, exercise_numbers=["1.1"]))


def test_exercises_are_numbered_per_chapter_as_sphinx_numbers_them(small_book):
    assert small_book.exercise_numbers == {
        "chapters/index": [],
        "chapters/00-intro": ["1"],  # unnumbered pages share one running count ...
        "chapters/01-one": ["1.1", "1.2", None, "1.3"],  # ... :nonumber: counts for nothing
        "chapters/02-two": ["2.1"],  # chapters count on across numbered parts
        "chapters/appendix": ["2"],  # ... and the count of unnumbered pages goes on
    }
    assert small_book.targets["ex-untitled"].text == "Exercise 1.2"
    assert small_book.targets["ex-bonus"].text == "Exercise (Bonus)"


def test_an_exercise_becomes_a_heading_below_its_section(small_book):
    page = Page(small_book, "chapters/01-one", exercise_numbers=["1.1"], heading_level=2)
    text = convert_text(EXERCISE.format(title="Shapes", label="ex-shapes"), page)
    assert text == "### Exercise 1.1 (Shapes)\n\nDo it."


def test_python_roles_become_code_as_the_site_shows_them(small_book):
    text = convert(
        "{py:func}`nnlib.activations.relu`, {py:func}`~nnlib.activations.relu`, "
        "{py:class}`~nnlib.layers.Dense`, {py:meth}`fit <nnlib.network.Sequential.fit>`",
        small_book,
    )
    assert text == "`nnlib.activations.relu()`, `relu()`, `Dense`, `fit`"


def test_references_become_links_to_the_copies_or_plain_text(small_book):
    text = convert(
        "{ref}`sec-shapes`, {ref}`the other <ex-again>`, {numref}`ex-again`, {doc}`02-two`, "
        "{ref}`appendix-maths`, "
        "[two](02-two), [maths](appendix), [site](https://example.org), ![a plot](images/a.png)",
        small_book,
    )
    appendix = "https://github.com/o/r/blob/main/chapters/appendix.md"
    assert text == (
        "[Shapes](#Shapes), [the other](<02-two.ipynb#Exercise-2.1-(Again)>), "
        "[Exercise 2.1](<02-two.ipynb#Exercise-2.1-(Again)>), "
        f"[Two](02-two.ipynb), [Maths]({appendix}#maths), [two](02-two.ipynb), "
        f"[maths]({appendix}), [site](https://example.org), ![a plot](images/a.png)"
    )


def test_unknown_label_is_an_error_naming_it(small_book):
    with pytest.raises(UnsupportedMarkup, match="unknown label 'no-such-label'"):
        convert("{ref}`no-such-label`", small_book)


def test_code_is_left_alone(small_book):
    source = "Write `{py:func}` like this:\n\n```python\n# {ref}`x` and :::{note}\n```"
    assert convert(source, small_book) == source


def test_notes_become_quotes_with_maths_on_single_lines(small_book):
    text = convert(
        "```{note}\nA layer computes $Z = XW +\nb$ for a batch.\n\n$$\nZ = XW\n+ b\n$$\n```",
        small_book,
    )
    assert (
        text == "> **Note**\n>\n> A layer computes $Z = XW + b$ for a batch.\n>\n> $$ Z = XW + b $$"
    )


def test_answers_and_hints_are_folded_with_blank_lines_for_the_markdown_inside(small_book):
    text = convert(
        "1. Why?\n\n   :::{admonition} Answer\n   :class: dropdown\n   Because $x > 0$.\n   :::\n\n"
        "```{hint}\nLook at `axis`.\n```",
        small_book,
    )
    assert text == (
        "1. Why?\n\n   <details><summary>Answer</summary>\n\n   Because $x > 0$.\n\n"
        "   </details>\n\n<details><summary>Hint</summary>\n\nLook at `axis`.\n\n</details>"
    )


def test_directive_options_may_be_a_yaml_block(small_book):
    text = convert(":::{admonition} Answer\n---\nclass: dropdown\n---\nYes.\n:::", small_book)
    assert text == "<details><summary>Answer</summary>\n\nYes.\n\n</details>"


def test_a_key_equations_box_becomes_a_quote_and_targets_disappear(small_book):
    text = convert(
        "(sec-summary)=\n## Summary\n\n:::{admonition} Key equations\n:class: tip\n\n"
        "| a | b |\n|---|---|\n| $x$ | $y$ |\n:::",
        small_book,
    )
    assert text == (
        "## Summary\n\n> **Key equations**\n>\n> | a | b |\n> |---|---|\n> | $x$ | $y$ |"
    )


def test_maths_stays_and_equation_labels_go(small_book):
    text = convert("$$\n\\sigma(z) = \\frac{1}{1 + e^{-z}}\n$$ (eq-sigmoid)\n\n$a$", small_book)
    assert text == "$$\n\\sigma(z) = \\frac{1}{1 + e^{-z}}\n$$\n\n$a$"


def test_unknown_markup_is_an_error_that_says_what_to_do(small_book):
    with pytest.raises(UnsupportedMarkup, match=r"the directive \{tab-set\}.*render_directive"):
        convert("::::{tab-set}\n::::", small_book)
    with pytest.raises(UnsupportedMarkup, match=r"the role \{download\}.*render_role"):
        convert("{download}`data.csv`", small_book)


def test_the_solution_is_folded_as_text_under_the_stub(small_book):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# One\n\n## Shapes"),
            nbformat.v4.new_markdown_cell(EXERCISE.format(title="Shapes", label="ex-shapes")),
            nbformat.v4.new_code_cell("def f(x):\n    raise NotImplementedError"),
            nbformat.v4.new_markdown_cell("```{solution-start} ex-shapes\n:class: dropdown\n```"),
            nbformat.v4.new_code_cell("def f(x):\n    return x  # ``` inside", outputs=[]),
            nbformat.v4.new_markdown_cell("```{solution-end}\n```\nAfter the solution."),
            nbformat.v4.new_code_cell("check_f(f)", execution_count=3),
        ]
    )
    nb.cells[4].metadata["tags"] = ["solution"]
    nb.cells[6].outputs = [nbformat.v4.new_output("stream", text="✓ passed")]
    copy = student_copy(nb, small_book, "chapters/01-one")
    kinds = [(c.cell_type, c.source.splitlines()[0]) for c in copy.cells]
    assert kinds == [
        ("markdown", "# One"),
        ("markdown", "### Exercise 1.1 (Shapes)"),
        ("code", "def f(x):"),
        ("markdown", "<details><summary>Solution</summary>"),
        ("markdown", "After the solution."),
        ("code", "check_f(f)"),
    ]
    assert copy.cells[3].source == (
        "<details><summary>Solution</summary>\n\n````python\ndef f(x):\n"
        "    return x  # ``` inside\n````\n\n</details>"
    )
    assert copy.cells[3].id == nb.cells[3].id  # ids stay stable from one copy to the next
    assert copy.cells[5].outputs == [] and copy.cells[5].execution_count is None
    assert len(nb.cells) == 7 and nb.cells[6].outputs  # the chapter itself is unchanged


# -- 2.-3. every chapter's copy ----------------------------------------------------------------


@pytest.mark.parametrize("docname", [d for d, _ in CHAPTERS], ids=lambda d: d.split("/")[-1])
def test_no_myst_is_left_in_a_student_copy(docname):
    copy = copy_of(docname)
    for index, cell in enumerate(copy.cells):
        if cell.cell_type != "markdown":
            continue
        for what, pattern in RAW_MYST.items():
            assert not pattern.search(cell.source), f"cell {index} has {what}:\n{cell.source}"


@pytest.mark.parametrize("docname", [d for d, _ in CHAPTERS], ids=lambda d: d.split("/")[-1])
def test_every_exercise_is_a_heading_stub_folded_solution_and_check(docname):
    original = nbformat.read(str(BOOK.pages[docname]), as_version=4)
    solutions = [c.source for c in original.cells if "solution" in c.metadata.get("tags", [])]
    copy = copy_of(docname)
    cells = copy.cells
    stubs = [i for i, c in enumerate(cells) if "exercise" in c.metadata.get("tags", [])]
    assert len(stubs) == len(solutions) >= 1
    headings = []
    for i, solution in zip(stubs, solutions):
        heading, stub, folded, check = cells[i - 1], cells[i], cells[i + 1], cells[i + 2]
        headings.append(re.search(r"^#+ (Exercise .*)$", heading.source, re.MULTILINE)[1])
        assert stub.source.rstrip().endswith("raise NotImplementedError")
        assert folded.cell_type == "markdown"
        assert folded.source.startswith("<details><summary>Solution</summary>\n\n```python\n")
        assert solution.strip() in folded.source and folded.source.endswith("\n\n</details>")
        assert check.source.startswith("check_")
    assert headings == _numbers_and_titles(original, docname)
    assert not any(c.get("outputs") for c in cells)
    assert not any("solution" in c.metadata.get("tags", []) for c in cells)


def _numbers_and_titles(nb, docname):
    titles = re.findall(r"\{exercise-start\} ?(.*)", "\n".join(c.source for c in nb.cells))
    numbers = BOOK.exercise_numbers[docname]
    return [exercise_heading(n, t) for n, t in zip(numbers, titles)]


@pytest.mark.parametrize("docname", [d for d, _ in CHAPTERS], ids=lambda d: d.split("/")[-1])
def test_every_answer_is_folded(docname):
    original = nbformat.read(str(BOOK.pages[docname]), as_version=4)
    answers = sum(c.source.count("{admonition} Answer") for c in original.cells)
    folded = sum(c.source.count("<summary>Answer</summary>") for c in copy_of(docname).cells)
    assert folded == answers


def test_copies_are_kept_unless_forced(tmp_path):
    written = write_student_copies(ROOT, tmp_path)
    assert [action for _, action in written] == ["wrote"] * len(CHAPTERS)
    first = written[0][0]
    first.write_text("my work", encoding="utf-8")
    assert write_student_copies(ROOT, tmp_path)[0] == (first, "kept")
    assert first.read_text(encoding="utf-8") == "my work"
    assert write_student_copies(ROOT, tmp_path, force=True)[0] == (first, "wrote")
    assert nbformat.read(str(first), as_version=4).cells


def test_nnfs_lab_writes_copies_and_starts_jupyterlab_on_them(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(lab.subprocess, "call", lambda command: started.append(command) or 0)
    monkeypatch.chdir(ROOT / "chapters")  # anywhere inside the clone
    assert lab.main(["--out", str(tmp_path), "--port=8999"]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for _, p in CHAPTERS]
    [command] = started
    assert command[1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in command and "--port=8999" in command


def test_nnfs_lab_refuses_outside_a_clone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert lab.main(["--no-lab"]) == 2
    error = capsys.readouterr().err
    assert "no chapters/ folder" in error and "git clone" in error
    assert not (tmp_path / "_student").exists()


# -- 4. the built website ----------------------------------------------------------------------


class ExerciseTitles(HTMLParser):
    """The text of every exercise's title on a page (not the solutions' titles)."""

    def __init__(self):
        super().__init__()
        self.titles, self.depth, self.title = [], 0, None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "exercise" in classes:
            self.depth = 1
        elif tag == "p" and "admonition-title" in classes and self.depth:
            self.title = []

    def handle_data(self, data):
        if self.title is not None:
            self.title.append(data)

    def handle_endtag(self, tag):
        if tag == "p" and self.title is not None:
            self.titles.append(" ".join("".join(self.title).split()))
            self.title, self.depth = None, 0


def site_page(docname):
    page = SITE / f"{docname}.html"
    if not (SITE / "index.html").exists():
        pytest.skip(f"the book is not built in {SITE} (make book, or set NNFS_SITE)")
    return page.read_text(encoding="utf-8")


@pytest.mark.site
@pytest.mark.parametrize(
    "docname", [d for d, _ in CHAPTERS if d in BOOK.toc], ids=lambda d: d.split("/")[-1]
)
def test_exercise_headings_match_the_built_site(docname):
    parser = ExerciseTitles()
    parser.feed(site_page(docname))
    copy = copy_of(docname)
    headings = re.findall(r"^#+ (Exercise .*)$", "\n".join(c.source for c in copy.cells), re.M)
    assert headings == parser.titles and headings


@pytest.mark.site
def test_site_offers_the_student_copies(tmp_path):
    docname, path = CHAPTERS[1]
    html = site_page(docname)
    offered = SITE / "_student" / path.name
    assert offered.exists(), "the build did not write the student copies into the site"
    text = offered.read_text(encoding="utf-8")
    assert "<details><summary>Solution</summary>" in text
    assert not any(pattern.search(text) for pattern in RAW_MYST.values())
    assert f'href="../_student/{path.name}"' in html
    assert f"urlpath=lab/tree/_student/{path.name}" in html
    assert "Colab (the book&#39;s notebook)" in html or "Colab (the book's notebook)" in html
    assert (SITE / "_student" / "nnfs-student-copies.zip").exists()


def test_build_warns_when_a_number_differs_from_the_page(monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    import student_downloads

    warnings = []
    monkeypatch.setattr(student_downloads.logger, "warning", warnings.append)
    label = next(iter(BOOK.label_numbers))
    docname = BOOK.targets[label].docname
    number = tuple(int(n) for n in BOOK.label_numbers[label].split("."))
    app = SimpleNamespace(srcdir=str(ROOT))
    env = SimpleNamespace(toc_fignumbers={docname: {"exercise": {label: number}}})
    student_downloads.check_exercise_numbers(app, env)
    assert not any(label in w for w in warnings)
    env.toc_fignumbers[docname]["exercise"][label] = (*number[:-1], number[-1] + 1)
    student_downloads.check_exercise_numbers(app, env)
    assert any(label in w and "student copies" in w for w in warnings)


# -- 5. a student copy in JupyterLab, in headless Chromium -------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Every cell rendered at once (not only those near the viewport), and no news pop-up.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": '{"windowingMode": "none"}',
    "@jupyterlab/apputils-extension/notification": '{"fetchNews": "false"}',
}


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab from this environment on 127.0.0.1, serving a folder with one student copy."""
    docname, path = CHAPTERS[1]
    folder = tmp_path / "copies"
    folder.mkdir()
    nbformat.write(copy_of(docname), str(folder / path.name))
    port, token = free_port(), "nnfs-test-token"
    config = tmp_path / "jupyter"
    settings = config / "settings"
    for plugin, values in LAB_SETTINGS.items():
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(values)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config / "config"),
        "JUPYTER_RUNTIME_DIR": str(config / "runtime"),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={config / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(server, f"{base}/api/status?token={token}", tmp_path / "jupyterlab.log")
        yield f"{base}/lab/tree/{path.name}?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def wait_for_server(server, url, log, timeout=40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()}")


def test_a_student_copy_in_jupyterlab_shows_titles_and_folds_answers(jupyterlab, tmp_path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (.ci/run does it).")
    foreign = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: keep_local(route, foreign))
            page.goto(jupyterlab, wait_until="domcontentloaded", timeout=30_000)
            check_rendered_copy(page)
        finally:
            page.screenshot(path=str(tmp_path / "jupyterlab.png"))
            browser.close()
    assert foreign == [], "JupyterLab asked for files from another host"


def keep_local(route, foreign):
    url = route.request.url
    if url.startswith(("data:", "blob:")) or url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        foreign.append(url)
        route.abort()


def check_rendered_copy(page):
    heading = page.locator(".jp-RenderedMarkdown h3", has_text="Exercise 1.1 (A single neuron)")
    heading.wait_for(state="attached", timeout=30_000)
    heading.scroll_into_view_if_needed()
    assert heading.is_visible()

    rendered = "\n".join(page.locator(".jp-RenderedMarkdown").all_text_contents())
    for what, pattern in RAW_MYST.items():
        assert not pattern.search(rendered), f"the page shows {what}"
    assert "<details>" not in rendered and "<summary>" not in rendered, "HTML shown as text"
    assert "Note" in rendered and "Key equations" in rendered

    answer = page.locator(".jp-RenderedMarkdown details", has_text="Answer").first
    answer.scroll_into_view_if_needed()
    body = answer.locator("p").first
    assert answer.locator("summary").is_visible() and not body.is_visible()
    answer.locator("summary").click()
    body.wait_for(state="visible", timeout=5_000)

    solution = page.locator(".jp-RenderedMarkdown details", has_text="Solution").first
    solution.scroll_into_view_if_needed()
    code = solution.locator("pre")
    assert not code.is_visible()
    solution.locator("summary").click()
    code.wait_for(state="visible", timeout=5_000)
    assert "def neuron" in code.inner_text()


# -- 6. the README's commands for learners without make ------------------------------------------


def readme_commands():
    """The commands of the README's "Without make" section, comments removed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Without make", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)[1]
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_commands_work_in_a_fresh_environment(tmp_path):
    """Run the README's commands as written in a fresh copy of the repository, offline: the new
    environment reuses this environment's packages (a .pth file puts them on its path) instead of
    downloading them, so pip gets --no-index --no-build-isolation; nnfs-lab gets --no-lab (no
    JupyterLab to stop) and nnfs-progress --help (grading is tested with grade.py)."""
    commands = readme_commands()
    assert commands == [
        "python -m venv .venv",
        "source .venv/bin/activate",
        'pip install -e ".[lab]"',
        "nnfs-lab",
        "nnfs-progress",
    ]
    require_build_backend()
    clone = tmp_path / "clone"
    shutil.copytree(
        ROOT,
        clone,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "_build", "_student", "__pycache__", "*.egg-info", ".*_cache"
        ),
    )
    offline = {
        "python -m venv .venv": f"{sys.executable} -m venv .venv && {share_environment()}",
        'pip install -e ".[lab]"': 'pip install -q --no-index --no-build-isolation -e ".[lab]"',
        "nnfs-lab": "nnfs-lab --no-lab",
        "nnfs-progress": "nnfs-progress --help",
    }
    script = "set -e\n" + "\n".join(offline.get(command, command) for command in commands)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(
        ["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (clone / ".venv" / "bin" / "nnfs-lab").exists()
    copies = sorted(p.name for p in (clone / "_student").glob("*.ipynb"))
    assert copies == [path.name for _, path in CHAPTERS]
    assert "Exercise 1.1 (A single neuron)" in (clone / "_student" / copies[1]).read_text()
    assert "usage: nnfs-progress" in done.stdout


def require_build_backend():
    """Offline, pip builds the package with this environment's setuptools: say so if it is
    older than pyproject.toml's [build-system] asks for."""
    from importlib.metadata import version

    from packaging.requirements import Requirement

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    requires = re.search(r"^\[build-system\]\nrequires = \[(.*?)\]", pyproject, re.M | re.S)[1]
    for requirement in map(Requirement, re.findall(r'"([^"]+)"', requires)):
        installed = version(requirement.name)
        if not requirement.specifier.contains(installed):
            pytest.fail(
                f"pyproject.toml builds with {requirement}, but this environment has "
                f"{requirement.name} {installed}: pip install '{requirement}' into it"
            )


def share_environment():
    """A shell command that puts this environment's packages first on .venv's path."""
    paths = [p for p in sys.path if "site-packages" in p]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    line = f"import sys; sys.path[0:0] = {paths!r}"
    return f'echo "{line}" > .venv/lib/{version}/site-packages/project-environment.pth'


def test_exercise_titles_get_the_curly_quotes_the_site_shows():
    from nnlib.exercises.student import exercise_heading

    assert exercise_heading("7.3", "the training set's statistics") == (
        "Exercise 7.3 (the training set’s statistics)"
    )
    assert exercise_heading("1.1", "a \"quoted\" 'word' and `code's`") == (
        "Exercise 1.1 (a “quoted” ‘word’ and `code's`)"
    )
