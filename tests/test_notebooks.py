"""Hygiene of the chapter notebooks and the book's configuration (no execution here: nbval
re-runs the notebooks, and tests/test_exercises.py runs the student copies)."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from notebook_tools import KERNELSPEC, chapter_notebooks, tags  # noqa: E402

NOTEBOOKS = chapter_notebooks()
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/\w+/|[A-Z]:\\\\Users)")


def toc_files():
    files = [TOC["root"]]
    for part in TOC["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def read(path):
    return nbformat.read(str(path), as_version=4)


def test_toc_and_chapters_folder_agree():
    listed = toc_files()
    for name in listed:
        assert any((ROOT / f"{name}{ext}").exists() for ext in (".ipynb", ".md")), name
    for path in NOTEBOOKS:
        assert f"chapters/{path.stem}" in listed, f"{path.name} is missing from _toc.yml"


def test_every_page_in_the_toc_is_linked_from_the_landing_page():
    landing = (ROOT / "chapters/index.md").read_text()
    linked = set(re.findall(r"\]\(([\w-]+)\)", landing))
    for name in toc_files()[1:]:
        page = name.removeprefix("chapters/")
        assert page in linked, f"chapters/index.md does not link {page}; add it to its list"


def test_chapter_0_lists_every_chapter_with_a_link():
    intro = "\n".join(c.source for c in read(ROOT / "chapters/00-introduction.ipynb").cells)
    for path in NOTEBOOKS[1:]:
        assert f"]({path.stem})" in intro, f"chapter 0's table does not link {path.stem}"


def test_book_builds_from_stored_outputs_only():
    assert CONFIG["only_build_toc_files"] is True
    assert CONFIG["execute"]["execute_notebooks"] == "off"
    assert "intersphinx_mapping" not in CONFIG["sphinx"]["config"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_installs_nnlib_on_colab_from_the_configured_repository(path):
    first = next(c for c in read(path).cells if c.cell_type == "code")
    assert 'if "google.colab" in sys.modules:' in first.source
    assert f"nnlib @ git+{CONFIG['repository']['url']}" in first.source
    assert "colab-setup" in tags(first)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_metadata_is_clean_and_portable(path):
    nb = read(path)
    assert dict(nb.metadata["kernelspec"]) == KERNELSPEC
    assert dict(nb.metadata["language_info"]) == {"name": "python"}
    for cell in nb.cells:
        assert "execution" not in cell.metadata and "ExecuteTime" not in cell.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stored_error_free_and_portable(path):
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any(c.outputs for c in code), "no stored outputs"
    for i, cell in enumerate(code):
        for output in cell.outputs:
            assert output.output_type != "error", f"code cell {i} stores an error"
            assert output.get("name") != "stderr", f"code cell {i} printed to stderr: {output}"
            text = json.dumps(output.get("text", "")) + json.dumps(output.get("data", {}))
            assert not MACHINE_PATH.search(text), f"code cell {i} shows a machine path"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text_and_ends_with_show(path):
    figures = 0
    for cell in read(path).cells:
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if not images:
            continue
        figures += len(images)
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        assert len(alt) > 30, f"figure cell without a real alt text:\n{cell.source}"
        assert cell.source.rstrip().endswith("plt.show()"), cell.source
    if path.stem != "00-introduction":
        assert figures >= 1, "every chapter shows at least one figure"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_ends_with_key_equations_and_questions(path):
    markdown = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
    assert markdown.count(":::{admonition} Key") == 1
    questions = markdown.split("## Check your understanding", 1)
    assert len(questions) == 2, "missing a 'Check your understanding' section"
    answers = questions[1].count(":::{admonition} Answer")
    assert 3 <= answers <= 5 and questions[1].count(":class: dropdown") == answers


def test_notation_table_in_chapter_0_is_the_appendix_table():
    intro = "\n".join(c.source for c in read(ROOT / "chapters/00-introduction.ipynb").cells)
    table = (ROOT / "chapters/_notation.md").read_text().strip()
    assert table in intro


def test_binder_installs_nnlib_and_writes_the_student_copies():
    lines = (ROOT / "binder/requirements.txt").read_text().split("\n")
    assert ".[lab]" in [line.strip() for line in lines]  # the lab extra gives nnfs-lab
    post_build = ROOT / "binder/postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "nnfs-lab --no-lab" in post_build.read_text()
