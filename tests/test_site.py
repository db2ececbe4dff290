"""The built website, checked in a real browser: Debian's headless Chromium driven by Playwright.

The book is served from _build/html on 127.0.0.1 (``make test`` builds it first). Every request
to another host is blocked and counted as a failure: the site must work offline.
"""

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.site


def toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{page}.html" for page in pages]


PAGES = toc_pages()
MATH_PAGES = [p for p in PAGES if "index" not in p and "appendix-api" not in p]


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail("The book is not built: run `make book` (make test does it) first.")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install chromium` (.ci/run does it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One page load, recording console errors, failed and foreign requests."""

    def __init__(self, browser, url):
        self.problems = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.route("**/*", self.only_local)
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self.on_failed)
        self.page.on("response", self.on_response)
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def only_local(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    def on_console(self, message):
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def on_failed(self, request):
        if "request to another host" not in " ".join(self.problems):
            self.problems.append(f"failed request: {request.url} ({request.failure})")

    def on_response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self):
        self.page.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_page(page):
        opened.append(Visit(browser, f"{server}/{page}"))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_errors(visit, page):
    v = visit(page)
    assert v.problems == []
    assert v.page.locator("article h1").count() == 1


@pytest.mark.parametrize("page", MATH_PAGES)
def test_math_is_rendered_by_the_local_mathjax(visit, page):
    v = visit(page)
    formulas = v.page.locator("span.math, div.math")
    assert formulas.count() > 0, "no formulas on a page that should have them"
    v.page.wait_for_function(
        "() => [...document.querySelectorAll('span.math, div.math')]"
        ".every(el => el.querySelector('mjx-container'))",
        timeout=20_000,
    )
    text = v.page.locator("article").inner_text()
    assert "$$" not in text and "\\(" not in text
    assert v.problems == []


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads_and_has_alt_text(visit, page):
    v = visit(page)
    images = v.page.eval_on_selector_all(
        "img", "els => els.map(e => [e.currentSrc || e.src, e.naturalWidth, e.alt])"
    )
    assert images, "the logo at least"
    for src, width, alt in images:
        if "_anim_img" in src:
            continue
        assert width > 0, f"image did not load: {src}"
        assert alt.strip() and not alt.lower().endswith((".png", ".svg")), f"no alt text: {src}"


def test_chapter_pages_offer_download_and_launch_buttons(visit):
    v = visit("chapters/01-neurons-and-layers.html")
    html = v.page.content()
    assert ".ipynb" in html and "download" in html.lower()
    assert "mybinder.org/v2/gh/nn-from-scratch/nn-from-scratch" in html
    assert "colab.research.google.com/github/nn-from-scratch/nn-from-scratch" in html


def test_solution_is_hidden_until_its_toggle_is_clicked(visit):
    v = visit("chapters/01-neurons-and-layers.html")
    solution = v.page.locator("div.solution.dropdown").first
    code = solution.locator("div.cell_input")
    assert not code.is_visible()
    solution.locator("button.toggle-button").click()
    code.wait_for(state="visible", timeout=5000)
    assert "def neuron" in code.inner_text()


def test_exercises_are_numbered_and_checks_show_passing_verdicts(visit):
    v = visit("chapters/01-neurons-and-layers.html")
    titles = v.page.locator("div.exercise .admonition-title").all_inner_texts()
    assert titles[:3] == [
        "Exercise 1.1 (A single neuron)",
        "Exercise 1.2 (A dense layer on a batch)",
        "Exercise 1.3 (Counting parameters)",
    ]
    outputs = v.page.locator("div.tag_check div.cell_output").all_inner_texts()
    assert len(outputs) == 3 and all(o.strip().startswith("✓") for o in outputs)


def test_api_reference_is_generated_and_linked_from_chapters(visit):
    v = visit("chapters/appendix-api.html")
    assert v.page.locator("dt#nnlib\\.activations\\.sigmoid").count() == 1
    chapter = visit("chapters/01-neurons-and-layers.html")
    links = chapter.page.eval_on_selector_all("a.reference", "els => els.map(e => e.href)")
    assert any("appendix-api.html#nnlib.layers.Dense" in href for href in links)


def animation_pages():
    return [p for p in PAGES if "_anim_img" in (SITE / p).read_text(encoding="utf-8")]


def test_animations_play(visit):
    pages = animation_pages() if SITE.exists() else []
    if not pages:
        pytest.skip("no chapter has an animation yet (the gradient-descent chapter will)")
    for page in pages:
        v = visit(page)
        image = v.page.locator("div.animation img").first
        image.wait_for(state="visible")
        first = image.get_attribute("src")
        v.page.locator("div.animation button[title='Play']").first.click()
        v.page.wait_for_timeout(1500)
        assert image.get_attribute("src") != first, f"{page}: the animation did not advance"
        assert image.get_attribute("alt"), f"{page}: animation without alt text"
        assert v.problems == []


def test_search_finds_a_chapter(visit):
    v = visit("search.html?q=sigmoid")
    results = v.page.locator("ul.search li")
    results.first.wait_for(timeout=10_000)
    links = results.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("02-activation-functions" in link for link in links), links


def test_pages_opened_from_disk_request_nothing_from_the_network(browser):
    page = browser.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for name in ("index.html", "chapters/02-activation-functions.html"):
        page.goto((SITE / name).as_uri(), wait_until="load")
        page.wait_for_timeout(1500)
    page.close()
    remote = [url for url in requested if url.startswith(("http:", "https:"))]
    assert remote == []
    assert any("mathjax/tex-chtml.js" in url for url in requested)
