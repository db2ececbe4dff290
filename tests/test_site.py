"""The built website, checked in a real browser: Debian's headless Chromium driven by Playwright.

The book is served from _build/html on 127.0.0.1 (``make test`` builds it first). To test a book
built elsewhere, point NNFS_SITE at its html folder:

    jupyter-book build . --path-output /tmp/site
    NNFS_SITE=/tmp/site/_build/html pytest tests/test_site.py

Every request to another host is blocked and counted as a failure: the site must work offline.
To stay quick, one browser serves every test; every page starts loading at once at 1280 px and
is shared by the tests that only look at it (a test that resizes it puts the size back), and
axe-core audits them side by side; the tests that click, select or add to a page share one
chapter at a phone's width.
"""

import functools
import html.parser
import http.server
import importlib
import importlib.util
import inspect
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("NNFS_SITE") or ROOT / "_build" / "html").resolve()
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDE = {"width": 1280, "height": 900}
WIDTHS = (390, 768, 1280)  # a phone, a tablet, a laptop
# Readers on phones pay for every byte: a page with its own images and scripts (the theme's
# shared files in _static/ are loaded once for the whole book) stays under 3 MB.
PAGE_BUDGET = 3_000_000
# axe-core's rule sets: WCAG 2.0 and 2.1 at levels A and AA, and Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CHAPTER = "chapters/01-neurons-and-layers.html"

pytestmark = pytest.mark.site


def toc_pages():
    """The pages of _toc.yml, in reading order (root, parts, chapters and their sections)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return [f"{Path(file).with_suffix('')}.html" for file in files]


PAGES = toc_pages()
MATH_PAGES = [p for p in PAGES if "index" not in p and "appendix-api" not in p]
# Pages of the site that are not in the table of contents but that readers reach.
SITE_PAGES = PAGES + ["search.html", "genindex.html"]


def animation_pages():
    """Built pages that hold a matplotlib animation (its frames are ``_anim_img`` images)."""
    return [p for p in PAGES if (SITE / p).exists() and "_anim_img" in (SITE / p).read_text()]


ANIMATION_PAGES = animation_pages() or [
    pytest.param(
        None,
        marks=pytest.mark.skip(
            reason="no page of the built book has an animation yet; "
            "test_animation_player_works_inside_a_book_page checks the player meanwhile"
        ),
    )
]


# -- serving the site and driving the browser -------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site, plus pages a test makes up (``extra``: URL path → HTML)."""

    extra = {}

    def do_GET(self):
        body = self.extra.get(unquote(urlparse(self.path).path))
        if body is None:
            return super().do_GET()
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Server:
    def __init__(self):
        self.handler = type("Handler", (SiteHandler,), {"extra": {}})
        handler = functools.partial(self.handler, directory=str(SITE))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add_page(self, path, body):
        """Serve ``body`` at ``path`` (e.g. "/chapters/probe.html"), next to the built pages."""
        self.handler.extra[path] = body
        return f"{self.url}{path}"


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail(
            f"The book is not built in {SITE}: run `make book` (make test does it) first, "
            "or set NNFS_SITE to the html folder of a book you built."
        )
    server = Server()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()


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
    """One page load, recording console errors, failed and foreign requests.

    The load is complete once MathJax has typeset the page, the fonts are in and no request
    is still open.
    """

    def __init__(self, browser, url, viewport=WIDE, wait=True):
        self.problems = []
        self.auditing = False  # True once axe-core runs (see on_response)
        self.axe_requests = set()
        self.page = browser.new_page(viewport=viewport)
        self.page.route("**/*", self.only_local)
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self.on_failed)
        self.page.on("response", self.on_response)
        self.page.on("request", self.on_request)
        self.page.on("requestfinished", self.on_done)
        self.open_requests = 0
        self.page.goto(url, wait_until="commit")
        if wait:
            self.settle()

    def settle(self):
        """Wait for the page to finish loading (pages started together load side by side)."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(
            """async () => {
                if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
                await document.fonts.ready;
            }"""
        )
        for _ in range(200):  # at most 10 s
            if self.open_requests == 0:
                break
            self.page.wait_for_timeout(50)
        return self

    def only_local(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    def on_console(self, message):
        if message.location.get("url") in self.axe_requests:
            return  # Chromium's "Failed to load resource" for axe's /basic.css
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def on_failed(self, request):
        self.open_requests -= 1
        if "request to another host" not in " ".join(self.problems):
            self.problems.append(f"failed request: {request.url} ({request.failure})")

    def on_response(self, response):
        # axe-core fetches the stylesheets again to read them, and resolves theme.css's
        # `@import "../basic.css"` against the page instead of the stylesheet: that request
        # for /basic.css is axe's, not the page's (the browser itself finds the file).
        if response.status >= 400 and response.url not in self.axe_requests:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def on_request(self, request):
        self.open_requests += 1
        if self.auditing and request.resource_type in ("xhr", "fetch"):
            self.axe_requests.add(request.url)

    def on_done(self, request):
        self.open_requests -= 1

    def resized(self, width):
        """Context manager: the page at ``width`` px, then back at 1280 px."""
        return _Resized(self.page, width)

    def close(self):
        self.page.close()


class _Resized:
    def __init__(self, page, width):
        self.page, self.width = page, width

    def __enter__(self):
        self.page.set_viewport_size({"width": self.width, "height": 900})
        wait_for_transitions(self.page)
        return self.page

    def __exit__(self, *exc):
        self.page.set_viewport_size(WIDE)
        wait_for_transitions(self.page)


def wait_for_transitions(playwright_page):
    """Wait for CSS transitions (a sidebar sliding in after a resize) to finish."""
    playwright_page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter((a) => a instanceof CSSTransition)
            .map((a) => a.finished.catch(() => null)))"""
    )


@pytest.fixture(scope="module")
def shared(browser, server):
    """The page at 1280 px, loaded once per module, for tests that only look at it.

    All the site's pages start loading at once, so the browser loads them side by side.
    """
    visits = {page: Visit(browser, f"{server.url}/{page}", wait=False) for page in SITE_PAGES}
    for visit in visits.values():
        visit.settle()

    def open_page(page):
        if page not in visits:
            visits[page] = Visit(browser, f"{server.url}/{page}")
        return visits[page]

    yield open_page
    for visit in visits.values():
        visit.close()


@pytest.fixture(scope="module")
def phone(browser, server):
    """A chapter at 390 px, loaded once, for the tests that click, select or add to it."""
    visit = Visit(browser, f"{server.url}/{CHAPTER}", {"width": 390, "height": 900})
    yield visit
    visit.close()


@pytest.fixture
def visit(browser, server):
    """A page of the test's own, for tests that click, type or scroll."""
    opened = []

    def open_page(page, viewport=WIDE):
        opened.append(Visit(browser, f"{server.url}/{page}", viewport))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


# -- every page loads, offline, with its maths and images --------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_errors(shared, page):
    v = shared(page)
    assert v.problems == []
    assert v.page.locator("article h1").count() == 1


@pytest.mark.parametrize("page", MATH_PAGES)
def test_math_is_rendered_by_the_local_mathjax(shared, page):
    v = shared(page)
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
def test_every_image_loads_and_has_alt_text(shared, page):
    v = shared(page)
    images = v.page.eval_on_selector_all(
        "img", "els => els.map(e => [e.currentSrc || e.src, e.naturalWidth, e.alt])"
    )
    assert images, "the logo at least"
    for src, width, alt in images:
        if "_anim_img" in src:
            continue
        assert width > 0, f"image did not load: {src}"
        assert alt.strip() and not alt.lower().endswith((".png", ".svg")), f"no alt text: {src}"


# -- ids, accessibility, page weight ----------------------------------------------------------


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]


def repeated_ids(text):
    parser = _Ids()
    parser.feed(text)
    seen, repeated = set(), []
    for element_id in parser.ids:
        if element_id in seen and element_id not in repeated:
            repeated.append(element_id)
        seen.add(element_id)
    return repeated


def test_no_built_page_repeats_an_id():
    """sphinx-exercise used to give every solution the id "solution-content"."""
    pages = sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) >= len(PAGES)
    repeats = {}
    for path in pages:
        repeated = repeated_ids(path.read_text(encoding="utf-8"))
        if repeated:
            repeats[str(path.relative_to(SITE))] = repeated
    assert repeats == {}
    chapter = (SITE / CHAPTER).read_text(encoding="utf-8")
    assert 'id="exercise-content"' not in chapter and 'id="solution-content"' not in chapter
    assert re.search(r'id="ex-[\w-]+-solution-content"', chapter), "solution bodies keep an id"


@pytest.mark.parametrize("page", PAGES)
def test_no_id_repeats_once_the_scripts_have_run(shared, page):
    repeated = shared(page).page.evaluate(
        """() => {
            const seen = new Set(), repeated = new Set();
            for (const el of document.querySelectorAll('[id]')) {
                (seen.has(el.id) ? repeated : seen).add(el.id);
            }
            return [...repeated];
        }"""
    )
    assert repeated == []


@functools.cache
def axe_script():
    # axe-playwright-python bundles axe-core's JavaScript, so the check needs no network.
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


AXE_RUN = """async ([tags, within]) => {
    // Every rule with one of these tags, the experimental ones included (a plain run by tag
    // leaves those out, and label-content-name-mismatch, WCAG 2.5.3, is one of them).
    const rules = axe.getRules(tags).map((rule) => rule.ruleId);
    const results = await axe.run(within ? {include: [[within]]} : document, {
        runOnly: {type: "rule", values: rules},
        resultTypes: ["violations"],
    });
    // axe cannot see MathJax's glyphs (they are drawn by CSS), so a column header that is a
    // formula, like $W^{[l]}$, looks empty to empty-table-header. Screen readers read the
    // formula's hidden MathML, so such a header is not empty: we accept it when that is there.
    const isFormula = (target) => {
        const cell = document.querySelector(target[0]);
        const mml = cell && cell.querySelector("mjx-assistive-mml");
        return Boolean(mml && mml.textContent.trim());
    };
    return results.violations
        .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes
                .filter((n) => v.id !== "empty-table-header" || !isFormula(n.target))
                .map((n) => `${n.target.join(" ")}: ${n.html.slice(0, 160)}`),
        }))
        .filter((v) => v.nodes.length);
}"""


def start_axe(visit, within=None):
    """Start axe-core on the visited page as it is now (or in the elements that the CSS
    selector ``within`` picks); ``axe_report`` collects the result. Started on several pages,
    the audits run side by side, each in its page's own browser process."""
    visit.auditing = True  # stays on: axe's requests may be reported after it returns
    visit.page.evaluate(axe_script())
    visit.page.evaluate(
        f"args => {{ window.bookAxeReport = ({AXE_RUN})(args); }}", [AXE_TAGS, within]
    )


def axe_report(visit):
    """The violations found by ``start_axe``, one line per rule."""
    return [
        f"{v['id']} ({v['impact']}: {v['help']}) on {len(v['nodes'])} element(s), "
        f"e.g. {v['nodes'][0]}"
        for v in visit.page.evaluate("() => window.bookAxeReport")
    ]


@pytest.fixture(scope="module")
def axe_reports(shared):
    """axe-core's findings on every page of the site, audited side by side."""
    for page in SITE_PAGES:
        start_axe(shared(page))
    return {page: axe_report(shared(page)) for page in SITE_PAGES}


@pytest.mark.parametrize("page", SITE_PAGES)
def test_axe_finds_no_accessibility_violation(axe_reports, page):
    """axe-core with the WCAG 2.0/2.1 A and AA rules and best practices, experimental included."""
    violations = axe_reports[page]
    assert violations == [], f"{page}: " + "\n".join(violations)


def local_files_loaded_by(page_path):
    """The files of the site (outside the shared _static/) that a page's HTML loads."""

    class Sources(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.urls = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag in ("img", "script", "source", "video", "audio", "iframe", "embed", "track"):
                self.urls.append(attrs.get("src"))
            if tag == "link" and {"stylesheet", "preload"} & set(attrs.get("rel", "").split()):
                self.urls.append(attrs.get("href"))
            if tag == "object":
                self.urls.append(attrs.get("data"))

    parser = Sources()
    parser.feed(page_path.read_text(encoding="utf-8"))
    base = page_path.relative_to(SITE).as_posix()
    files = set()
    for url in filter(None, parser.urls):
        if url.startswith(("data:", "http:", "https:", "//")):
            continue  # data: lives in the HTML itself; other hosts are test_page_loads_offline's
        target = (SITE / unquote(urlparse(urljoin(base, url)).path)).resolve()
        inside = target.is_relative_to(SITE) and target.is_file()
        if inside and "_static" not in target.relative_to(SITE).parts:
            files.add(target)
    return files


@pytest.mark.parametrize("page", PAGES)
def test_page_with_its_images_stays_under_the_budget(page):
    path = SITE / page
    files = local_files_loaded_by(path)
    weight = path.stat().st_size + sum(f.stat().st_size for f in files)
    assert weight < PAGE_BUDGET, (
        f"{page} weighs {weight / 1e6:.2f} MB with its {len(files)} images and scripts "
        f"(HTML alone {path.stat().st_size / 1e6:.2f} MB); the budget is "
        f"{PAGE_BUDGET / 1e6:.0f} MB: use fewer or smaller animation frames or figures"
    )


# -- layout at a phone's, a tablet's and a laptop's width -------------------------------------

VISIBLE_SEARCH_CONTROLS = """() => [...document.querySelectorAll(
        '.search-button__button, input[type="search"], .bd-search input, [role="search"] input')]
    .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth
            && r.bottom > 0 && r.top < innerHeight
            && el.checkVisibility({opacityProperty: true, visibilityProperty: true});
    })
    .map((el) => el.outerHTML.slice(0, 100))"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", [PAGES[0], CHAPTER])
def test_exactly_one_search_control_shows_and_opens_the_search(shared, page, width):
    v = shared(page)
    with v.resized(width) as p:
        controls = p.evaluate(VISIBLE_SEARCH_CONTROLS)
        assert len(controls) == 1, f"{len(controls)} search controls at {width} px: {controls}"
        p.locator(".search-button__button:visible").click()
        field = p.locator("#pst-search-dialog input[type='search']")
        field.wait_for(state="visible", timeout=5000)
        assert field.evaluate("el => el === document.activeElement")
        p.keyboard.press("Escape")
        field.wait_for(state="hidden", timeout=5000)
    assert v.problems == []


SIDEWAYS = """() => {
    const box = (el) => el.getBoundingClientRect();
    const article = box(document.querySelector('article'));
    const overflowing = (el) => el.scrollWidth > el.clientWidth + 1;
    return {
        page: document.scrollingElement.scrollWidth - innerWidth,
        code: [...document.querySelectorAll('div.cell_input pre')]
            .filter(overflowing).map((el) => el.textContent.slice(0, 60)),
        // A display formula wider than the page scrolls in its own box (overflow-x: auto),
        // which itself stays inside the article: nothing is cut off.
        math: [...document.querySelectorAll('mjx-container[display="true"]')]
            .filter((el) => (overflowing(el) && !['auto', 'scroll'].includes(
                getComputedStyle(el).overflowX)) || box(el).right > article.right + 1)
            .map((el) => el.closest('div.math').textContent.slice(0, 60)),
    };
}"""


@pytest.fixture(scope="module")
def sideways_reports(shared):
    """SIDEWAYS on every page at 1280 px, then at 390 px (all pages resized together, so the
    browser lays them out side by side), keyed by (page, width)."""
    reports = {(page, 1280): shared(page).page.evaluate(SIDEWAYS) for page in PAGES}
    for page in PAGES:
        shared(page).page.set_viewport_size({"width": 390, "height": 900})
    for page in PAGES:
        wait_for_transitions(shared(page).page)
        reports[page, 390] = shared(page).page.evaluate(SIDEWAYS)
    for page in PAGES:
        shared(page).page.set_viewport_size(WIDE)
    for page in PAGES:
        wait_for_transitions(shared(page).page)
    return reports


@pytest.mark.parametrize("width", (390, 1280))  # the narrowest shows every overflow
@pytest.mark.parametrize("page", PAGES)
def test_nothing_scrolls_sideways_but_wide_formulas_in_their_own_box(sideways_reports, page, width):
    found = sideways_reports[page, width]
    assert found["page"] <= 0, f"at {width} px the page scrolls sideways by {found['page']} px"
    assert found["code"] == [], f"at {width} px these code cells scroll sideways"
    assert found["math"] == [], f"at {width} px these formulas are cut off"


def test_axe_finds_no_accessibility_violation_on_a_phone(phone):
    """The narrow layout differs (the sidebar becomes a dialog, wide tables scroll)."""
    start_axe(phone)
    violations = axe_report(phone)
    assert violations == [], f"{CHAPTER} at 390 px: " + "\n".join(violations)


def test_scrolling_boxes_are_named_for_screen_readers(phone):
    """The theme makes a box that scrolls focusable; book.js gives it a role and a name."""
    boxes = phone.page.evaluate(
        """() => [...document.querySelectorAll('[tabindex="0"]')]
            .filter((el) => el.matches('.pst-scrollable-table-container, .cell_output > .output'))
            .map((el) => [el.getAttribute('role'), el.getAttribute('aria-label')])"""
    )
    assert boxes, "a wide table scrolls on a phone"
    assert all(role == "region" and label for role, label in boxes), boxes
    assert len({label for _, label in boxes}) == len(boxes), "names repeat"


def test_a_wide_formula_scrolls_inside_its_box_on_a_phone(phone):
    """The mechanism behind the test above, on a formula made wider than any phone."""
    v = phone
    scrolled = v.page.evaluate(
        r"""async () => {
            const div = document.createElement('div');
            div.className = 'math notranslate nohighlight';
            div.textContent = '\\[' + Array.from({length: 40}, (_, i) => `x_{${i}}`).join('+')
                + '\\]';
            document.querySelector('article section').append(div);
            await MathJax.typesetPromise([div]);
            const box = div.querySelector('mjx-container');
            const article = document.querySelector('article').getBoundingClientRect();
            const before = [box.scrollWidth > 2 * box.clientWidth,
                            box.getBoundingClientRect().right <= article.right + 1];
            box.scrollLeft = 10000;
            return [...before, box.scrollLeft > 0,
                    document.scrollingElement.scrollWidth <= innerWidth];
        }"""
    )
    assert scrolled == [True, True, True, True]


def test_wrapped_code_copies_exactly_as_written(phone):
    """Code cells wrap instead of scrolling; copying gives back the lines as they are."""
    v = phone
    v.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    # The visible code cell with the longest line.
    v.page.evaluate(
        """() => {
            const width = (pre) => Math.max(...pre.textContent.split('\\n').map((l) => l.length));
            const cells = [...document.querySelectorAll('div.cell_input pre')]
                .filter((pre) => pre.checkVisibility());
            cells.sort((a, b) => width(b) - width(a));
            cells[0].dataset.longest = '';
        }"""
    )
    cell = v.page.locator("div.cell_input pre[data-longest]")
    written = cell.evaluate("el => el.textContent")
    longest = max(len(line) for line in written.splitlines())
    fits = cell.evaluate("el => el.clientWidth / (parseFloat(getComputedStyle(el).fontSize) * 0.6)")
    assert longest > fits, "a line longer than a phone shows"
    assert cell.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the cell scrolls"
    cell.evaluate(
        """el => {
            const range = document.createRange();
            range.selectNodeContents(el);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    v.page.keyboard.press("Control+C")
    copied = v.page.evaluate("() => navigator.clipboard.readText()")
    assert copied.rstrip("\n") == written.rstrip("\n")
    # sphinx-copybutton's button copies the same text.
    cell.hover()
    v.page.locator("div.cell_input:has(pre[data-longest]) button.copybtn").click()
    copied = v.page.evaluate("() => navigator.clipboard.readText()")
    assert copied.rstrip("\n") == written.rstrip("\n")


# -- animations ------------------------------------------------------------------------------


def check_animation_plays(playwright_page, player, where):
    """Press Play, then Pause, First frame and Next frame: the frame image changes."""
    image = player.locator("img").first
    image.wait_for(state="visible")
    assert image.get_attribute("alt"), f"{where}: an animation without alt text"
    first = image.get_attribute("src")
    player.locator("button[title='Play']").click()
    playwright_page.wait_for_function(
        "([img, src]) => img.getAttribute('src') !== src",
        arg=[image.element_handle(), first],
        timeout=5000,
    )
    player.locator("button[title='Pause']").click()
    player.locator("button[title='First frame']").click()
    assert image.get_attribute("src") == first, f"{where}: First frame did not go back"
    player.locator("button[title='Next frame']").click()
    assert image.get_attribute("src") != first, f"{where}: Next frame did not step"


@pytest.mark.parametrize("page", ANIMATION_PAGES)
def test_animations_play(shared, page):
    v = shared(page)
    players = v.page.locator("div.animation")
    assert players.count() == (SITE / page).read_text().count('<div class="animation">')
    for index in range(players.count()):
        player = players.nth(index)
        player.scroll_into_view_if_needed()
        check_animation_plays(v.page, player, f"{page}, animation {index + 1}")
    assert v.problems == []


def probe_animation_html():
    """A short animation made by nnlib the way the chapters make theirs."""
    from nnlib import plots

    return plots.animate_gradient_descent_1d(
        lambda x: x**2,
        lambda x: 2 * x,
        start=2.0,
        lr=0.3,
        steps=3,
        xlim=(-2.5, 2.5),
        title="Probe: gradient descent on x²",
        name="site-test-probe",
        alt="A point steps down the parabola y = x² towards its minimum at 0.",
    ).data


def book_extension():
    """tools/book_extension.py, which changes animations as the book is built."""
    spec = importlib.util.spec_from_file_location(
        "book_extension", ROOT / "tools" / "book_extension.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_animation_player_works_inside_a_book_page(server, browser):
    """nnlib's animation, as the build puts it into a chapter page: it plays and passes axe.

    This proves the player before any chapter has an animation, and with one, that the
    book's scripts and styles leave it working.
    """
    built = (SITE / CHAPTER).read_text(encoding="utf-8")
    player = book_extension().label_animation_controls(probe_animation_html())
    cell = (
        '<div class="cell_output docutils container"><div class="output text_html">'
        f"{player}</div></div>"
    )
    assert built.count("</article>") == 1
    probe = built.replace("</article>", cell + "</article>")
    url = server.add_page("/chapters/_animation-probe.html", probe)
    v = Visit(browser, url)
    try:
        player = v.page.locator("div.animation")
        player.scroll_into_view_if_needed()
        check_animation_plays(v.page, player, "the probe page")
        v.page.locator("div.animation button[title='Pause']").click()
        start_axe(v, within="div.animation")
        violations = axe_report(v)
        assert violations == [], "nnlib's animation player: " + "\n".join(violations)
        assert v.problems == []
    finally:
        v.close()


# -- content -------------------------------------------------------------------------------


def test_chapter_pages_offer_download_and_launch_buttons(shared):
    html_text = shared(CHAPTER).page.content()
    assert ".ipynb" in html_text and "download" in html_text.lower()
    assert "mybinder.org/v2/gh/nn-from-scratch/nn-from-scratch" in html_text
    assert "colab.research.google.com/github/nn-from-scratch/nn-from-scratch" in html_text


def test_solution_is_hidden_until_its_toggle_is_clicked(phone):
    v = phone
    solution = v.page.locator("div.solution.dropdown").first
    code = solution.locator("div.cell_input")
    assert not code.is_visible()
    solution.locator("button.toggle-button").click()
    code.wait_for(state="visible", timeout=5000)
    assert "def neuron" in code.inner_text()


def test_hidden_code_cell_is_named_by_what_it_shows(phone):
    """A voice-control user says "Show code cell content" and reaches the toggle."""
    v = phone
    toggle = v.page.locator("details.hide > summary").first
    assert toggle.get_attribute("aria-label") is None
    assert toggle.evaluate("el => el.innerText.trim()") == "Show code cell content"
    toggle.click()
    assert toggle.evaluate("el => el.parentElement.open")
    assert toggle.evaluate("el => el.innerText.trim()") == "Hide code cell content"


def test_colour_mode_button_is_named_by_its_tooltip_and_switches_modes(visit):
    v = visit(CHAPTER)
    button = v.page.get_by_role("button", name="Color mode", exact=True)
    assert button.count() == 1
    modes = []
    for _ in range(3):
        button.click()
        modes.append(v.page.evaluate("() => document.documentElement.dataset.mode"))
    assert sorted(modes) == ["auto", "dark", "light"], modes
    assert v.problems == []


def test_exercises_are_numbered_and_checks_show_passing_verdicts(shared):
    v = shared(CHAPTER)
    titles = v.page.locator("div.exercise .admonition-title").all_inner_texts()
    assert titles[:3] == [
        "Exercise 1.1 (A single neuron)",
        "Exercise 1.2 (A dense layer on a batch)",
        "Exercise 1.3 (Counting parameters)",
    ]
    outputs = v.page.locator("div.tag_check div.cell_output").all_inner_texts()
    assert len(outputs) == 3 and all(o.strip().startswith("✓") for o in outputs)


def test_api_reference_is_generated_and_linked_from_chapters(shared):
    v = shared("chapters/appendix-api.html")
    assert v.page.locator("dt#nnlib\\.activations\\.sigmoid").count() == 1
    links = shared(CHAPTER).page.eval_on_selector_all("a.reference", "els => els.map(e => e.href)")
    assert any("appendix-api.html#nnlib.layers.Dense" in href for href in links)


def _normal(text):
    """A docstring line as Sphinx shows it: whitespace collapsed, no list bullet, reST's
    inline markup (``code``, :role:`x`) reduced to its text, a closing "::" shown as ":"."""
    text = re.sub(r":[\w:.-]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text.strip())
    text = re.sub(r"^[-*] ", "", text.replace("``", ""))
    text = re.sub(r"\s*::$", ":", text)
    # Sphinx's smart quotes: f'(x) shows as f’(x), "..." as "…", "--" as "–".
    for typeset, typed in (
        ("’", "'"),
        ("‘", "'"),
        ("“", '"'),
        ("”", '"'),
        ("…", "..."),
        ("—", "---"),
        ("–", "--"),
    ):
        text = text.replace(typeset, typed)
    return " ".join(text.split())


EQUATION_START = re.compile(r"^\S{1,6}\s*(←|=|:\s*\()")  # "θ ← …", "m̂ = …", "X: (n, d) …"


def lines_kept_apart(docstring):
    """The docstring lines that must each render as a line of their own.

    Those of a literal block (after "::"), and any run of two or more lines in one paragraph
    that each start with an equation or a shape ("m ← …", "v̂ = …", "X: (n, d)"): reST would
    join such a run into one paragraph, the way the Adam docstring once rendered.
    """
    kept, run, literal_indent, after_colons = [], [], None, False
    for line in docstring.splitlines() + [""]:
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if not line.strip() or indent >= literal_indent:
                if line.strip():
                    kept.append(line)
                continue
            literal_indent = None
        if after_colons and line.strip():
            literal_indent, after_colons = indent, False
            kept.append(line)
            continue
        if EQUATION_START.match(line.strip()) and not line.lstrip().startswith(("-", "*")):
            run.append(line)
        else:
            kept += run if len(run) > 1 else []
            run = []
        if line.rstrip().endswith("::"):
            after_colons = True
    return [_normal(line) for line in kept]


def documented_objects(playwright_page):
    """(name, object, rendered text) of every module, class and function on the API page."""
    entries = playwright_page.evaluate(
        """() => {
            const entries = [...document.querySelectorAll('dl.py > dt[id^="nnlib."]')].map(
                (dt) => [dt.id, dt.nextElementSibling.innerText]);
            // A module's docstring: what follows its target (or starts its section, which
            // may carry the target's id), up to its first member.
            for (const target of document.querySelectorAll('[id^="module-nnlib"]')) {
                const text = [];
                let el = target.matches('section') ? target.firstElementChild
                    : target.nextElementSibling;
                for (; el && !el.matches('dl.py, section, [id^="module-"]');
                     el = el.nextElementSibling) {
                    if (!el.matches('h1, h2, h3, h4, span')) text.push(el.innerText);
                }
                entries.push([target.id.slice('module-'.length), text.join('\\n')]);
            }
            return entries;
        }"""
    )
    for name, text in entries:
        module_name, attribute, obj = name, "", None
        while module_name and obj is None:
            try:
                obj = importlib.import_module(module_name)
            except ImportError:
                module_name, _, outer = module_name.rpartition(".")
                attribute = f"{outer}.{attribute}" if attribute else outer
        for part in filter(None, attribute.split(".")):
            obj = getattr(obj, part, None)
        yield name, obj, text


def test_api_page_renders_equations_and_shape_lines_as_written(shared):
    v = shared("chapters/appendix-api.html")
    checked, problems = 0, []
    for name, obj, text in documented_objects(v.page):
        doc = inspect.getdoc(obj) if obj is not None else None
        if not doc or inspect.getdoc(type(obj)) == doc:
            continue
        rendered_lines = {_normal(line) for line in text.splitlines()}
        flat = _normal(text)
        for line in lines_kept_apart(doc):
            checked += 1
            if line not in rendered_lines:
                problems.append(f"{name}: not a line of its own: {line!r}")
        for line in doc.splitlines():
            if "←" in line or re.search(r"\w: \(", line):
                checked += 1
                if _normal(line) not in flat:
                    problems.append(f"{name}: not rendered as written: {_normal(line)!r}")
    assert checked > 10, "the API page should show many equations and shapes"
    assert problems == [], "\n".join(problems)
    pre = v.page.locator("dt#nnlib\\.optim\\.Adam + dd pre").first.inner_text()
    assert "m ← β₁·m + (1 − β₁)·g" in pre.splitlines()[0]


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
    smallest_with_math = min(MATH_PAGES, key=lambda p: (SITE / p).stat().st_size)
    for name in ("index.html", smallest_with_math):
        page.goto((SITE / name).as_uri(), wait_until="networkidle")
        page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.close()
    remote = [url for url in requested if url.startswith(("http:", "https:"))]
    assert remote == []
    assert any("mathjax/tex-chtml.js" in url for url in requested)
