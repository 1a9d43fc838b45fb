"""The built site in a real browser: Debian's Chromium, driven by Playwright.

The site (both languages, built once per session by tests/test_site.py's
``build_site``) is served from a local HTTP server that, like a static host,
answers a missing path with the site's 404.html. Every request to another host
fails the test that made it.
"""
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT, missing
from test_site import build_site

sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from korean_search import SearchKorean, load_rules  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]



@pytest.fixture(autouse=True)
def needs_chromium():
    if not CHROMIUM.exists():
        missing("chromium not found: install Debian's chromium (apt install chromium)")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; a missing (or hidden) path gets 404.html with status 404."""

    hidden: set[str] = set()

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def send_head(self):
        path = unquote(urlsplit(self.path).path)
        target = Path(self.translate_path(path))
        if path in self.hidden or not (target.is_file() or (target / "index.html").is_file()):
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Body(body)
        return super().send_head()


class _Body:
    def __init__(self, data):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(Handler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_FLAGS)
    yield chromium
    chromium.close()
    playwright.stop()


class Visit:
    """A page in a fresh browser context, recording what went wrong: errors, other hosts."""

    def __init__(self, browser, server, **options):
        self.server = server
        self.problems = []
        self.context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text} {m.location.get('url', '')}".strip()))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def _route(self, route):
        if route.request.url.startswith(self.server) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    def goto(self, path, wait_until="load"):
        return self.page.goto(self.server + path, wait_until=wait_until)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_visit(**options):
        opened.append(Visit(browser, server, **options))
        return opened[-1]

    yield open_visit
    for item in opened:
        item.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_page_loads_cleanly(site, visit, language):
    pages = [p.relative_to(site).as_posix() for p in sorted((site / language).glob("*.html"))]
    assert len(pages) > 5
    problems = {}
    for path in pages:
        v = visit()
        v.goto(path, wait_until="networkidle")
        if v.problems:
            problems[path] = v.problems
        v.close()
    assert not problems


def test_root_page_loads_cleanly(visit):
    v = visit(locale="en-US")
    v.goto("index.html", wait_until="networkidle")
    assert v.page.url.endswith("/en/index.html")
    # The root page leaves while it loads (location.replace in its head), which
    # can cut its own request short; nothing else may fail.
    root = v.page.url.removesuffix("en/index.html") + "index.html"
    assert [p for p in v.problems if p != f"failed: {root} net::ERR_ABORTED"] == []


def test_switcher_lands_on_the_same_page(visit):
    v = visit()
    v.goto("en/first-steps.html")
    v.page.click('nav.language-switcher a[hreflang="ko"]')
    v.page.wait_for_url("**/ko/first-steps.html")
    assert v.page.evaluate("document.documentElement.lang") == "ko"
    assert v.page.evaluate("localStorage.getItem('guide-language')") == "ko"
    v.page.click('nav.language-switcher a[hreflang="en"]')
    v.page.wait_for_url("**/en/first-steps.html")
    assert v.page.evaluate("localStorage.getItem('guide-language')") == "en"
    assert not v.problems


def test_switcher_goes_home_when_the_page_is_missing(visit):
    Handler.hidden = {"/ko/setup.html"}
    try:
        v = visit()
        v.goto("en/setup.html")
        v.page.click('nav.language-switcher a[hreflang="ko"]')
        v.page.wait_for_url("**/ko/index.html")
    finally:
        Handler.hidden = set()


@pytest.mark.parametrize(("locale", "stored", "lands_on"), [
    ("ko-KR", None, "ko"),
    ("en-US", None, "en"),
    ("de-DE", None, "en"),
    ("en-US", "ko", "ko"),
    ("ko-KR", "en", "en"),
])
def test_root_page_picks_a_language(visit, locale, stored, lands_on):
    v = visit(locale=locale)
    if stored:
        v.context.add_init_script(f"localStorage.setItem('guide-language', '{stored}')")
    v.goto("index.html")
    v.page.wait_for_url(f"**/{lands_on}/index.html")


def korean_noun_with_particles_only(site):
    """A two-syllable noun and a Korean page that has it only with particles (워커를, never 워커)."""
    stemmer = SearchKorean({})
    particles = load_rules()["particles"]
    candidates = []
    for path in sorted((site / "ko").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "<article" not in text:
            continue
        article = text[text.index("<article"):text.index("</article>")]
        article = re.sub(r"(?s)<pre.*?</pre>", " ", article)
        words = re.findall(r"[\uac00-\ud7a3]+", unescape(re.sub(r"<[^>]+>", " ", article)))
        bare = set(words)
        for word in words:
            for particle in particles:
                noun = word[: -len(particle)]
                if (word.endswith(particle) and len(noun) == 2 and noun not in bare
                        and stemmer.stem(word) == noun == stemmer.stem(noun)):
                    candidates.append((noun != "워커", noun, path.name, word))
    if not candidates:
        pytest.fail("no Korean page has a two-syllable noun only with particles: the search test "
                    "needs one (e.g. 워커를 and 워커에서 on a page without 워커)")
    _, noun, page, word = min(candidates)
    return noun, page, word


def test_korean_search_finds_a_noun_written_with_particles(site, visit):
    noun, page, word = korean_noun_with_particles_only(site)
    v = visit()
    v.goto(f"ko/search.html?q={noun}")
    v.page.wait_for_function(
        "document.querySelector('#search-results .search-summary')?.textContent.includes('검색을 마쳤습니다')",
        timeout=15000)
    found = v.page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
    assert any(urlsplit(href).path.endswith(f"/ko/{page}") for href in found), (noun, word, page, found)
    assert not v.problems


def test_korean_pages_keep_words_whole(visit):
    v = visit()
    v.goto("ko/first-steps.html")
    assert v.page.evaluate("document.documentElement.lang") == "ko"
    assert v.page.eval_on_selector("article p", "p => getComputedStyle(p).wordBreak") == "keep-all"
    v.goto("en/first-steps.html")
    assert v.page.evaluate("document.documentElement.lang") == "en"
    assert v.page.eval_on_selector("article p", "p => getComputedStyle(p).wordBreak") != "keep-all"


def test_copy_button_is_korean_and_copies_commands_without_prompts(visit, server):
    v = visit(permissions=["clipboard-read", "clipboard-write"])
    v.goto("ko/first-steps.html")
    button = v.page.wait_for_selector("div.highlight-console button.copybtn", state="attached")
    assert button.get_attribute("data-tooltip") == "복사"
    block = v.page.eval_on_selector("div.highlight-console pre", "pre => pre.textContent")
    assert block.startswith("$ ")
    v.page.hover("div.highlight-console")
    button.click()
    copied = v.page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() and not any(line.startswith("$") for line in copied.splitlines())
    assert copied.splitlines()[0] == block.splitlines()[0][2:]
    assert button.get_attribute("data-tooltip") == "복사했습니다!"


def test_copy_button_leaves_out_python_prompts_and_output(visit):
    v = visit(permissions=["clipboard-read", "clipboard-write"])
    v.goto("en/first-steps.html")
    block = v.page.eval_on_selector("div.highlight-pycon pre", "pre => pre.textContent")
    assert ">>> " in block
    v.page.hover("div.highlight-pycon")
    v.page.click("div.highlight-pycon button.copybtn")
    copied = v.page.evaluate("navigator.clipboard.readText()")
    commands = [line[4:] for line in block.splitlines() if line.startswith((">>> ", "... "))]
    assert copied.splitlines() == commands


@pytest.mark.parametrize("path", ["en/no/such/page.html", "ko/deep/er/still.html", "nothing-here"])
def test_404_page_works_at_any_depth(visit, path):
    v = visit()
    response = v.goto(path, wait_until="networkidle")
    assert response.status == 404
    assert v.page.locator("h1").first.text_content() in ("Page not found", "페이지를 찾을 수 없습니다")
    assert v.page.evaluate("getComputedStyle(document.querySelector('.sidebar-drawer')).display") != "inline"
    assert v.page.evaluate("document.styleSheets.length") >= 4
    assert [p for p in v.problems if not p.endswith("/" + path)] == []  # only the page itself is missing


def contrast(first, second):
    def luminance(rgb):
        channels = [int(c) / 255 for c in re.findall(r"\d+(?:\.\d+)?", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def diagram_page(site):
    pages = [p for p in sorted((site / "en").glob("*.html")) if 'class="task-diagram"' in p.read_text()]
    if not pages:
        pytest.skip("no page uses the task-diagram directive")
    return pages[0].name


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagram_is_readable_in_light_and_dark(site, visit, scheme):
    name = diagram_page(site)
    for language in ("en", "ko"):
        v = visit(color_scheme=scheme)
        v.goto(f"{language}/{name}")
        colours = v.page.eval_on_selector("svg.task-diagram-wide", """svg => {
            const text = svg.querySelector('text'), box = svg.querySelector('rect');
            return {text: getComputedStyle(text).fill, stroke: getComputedStyle(box).stroke,
                    box: getComputedStyle(box).fill,
                    page: getComputedStyle(document.body).backgroundColor,
                    label: svg.getAttribute('aria-labelledby'), role: svg.getAttribute('role')};
        }""")
        assert contrast(colours["text"], colours["box"]) >= 4.5, colours
        assert contrast(colours["stroke"], colours["page"]) >= 3, colours
        assert colours["role"] == "img"
        assert v.page.locator(f"#{colours['label']}").text_content().strip()


def test_diagram_has_a_narrow_layout(site, visit):
    name = diagram_page(site)
    v = visit(viewport={"width": 390, "height": 800})
    v.goto(f"en/{name}")
    assert v.page.is_visible("svg.task-diagram-narrow") and not v.page.is_visible("svg.task-diagram-wide")
    v = visit()
    v.goto(f"en/{name}")
    assert v.page.is_visible("svg.task-diagram-wide") and not v.page.is_visible("svg.task-diagram-narrow")


# --- the site root's 404 page, for hosts with one for the whole site (tools/site_root.py) ---------
# The test server answers every missing address with it, as GitHub Pages and Netlify do.


@pytest.mark.parametrize(("path", "locale", "heading", "offered"), [
    ("ko/no-such-page.html", "en-US", "페이지를 찾을 수 없습니다", ["/en/no-such-page.html"]),
    ("en/no-such-page.html", "ko-KR", "Page not found", ["/ko/no-such-page.html"]),
    ("tasks.html", "ko-KR", "페이지를 찾을 수 없습니다", ["/ko/tasks.html", "/en/tasks.html"]),
    ("tasks.html", "de-DE", "Page not found", ["/en/tasks.html", "/ko/tasks.html"]),
])
def test_root_404_speaks_the_readers_language_and_offers_the_page_elsewhere(visit, path, locale, heading,
                                                                             offered):
    """The address's language folder first, else the browser's language; the page under the
    other languages' folders, or under each folder when the address has none."""
    v = visit(locale=locale)
    assert v.goto(path).status == 404
    section = v.page.locator("section.not-found:visible")
    assert section.locator("h1").text_content() == heading
    assert v.page.title() == f"{heading} - Celery + Django"
    links = section.locator(".not-found-elsewhere a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")
    assert links == offered
    words = path.rsplit("/", 1)[-1].removesuffix(".html").replace("-", " ")
    assert section.locator("input[name=q]").input_value() == words
    assert [p for p in v.problems if not p.endswith("/" + path)] == []


def test_root_404_leads_to_the_page_and_to_search(visit):
    v = visit(locale="en-US")
    v.goto("tasks.html")
    v.page.click("section.not-found:visible .not-found-elsewhere a")
    v.page.wait_for_url("**/en/tasks.html")
    v.goto("ko/no-such-page.html")
    v.page.locator("section.not-found:visible input[name=q]").press("Enter")
    v.page.wait_for_url("**/ko/search.html?q=no+such+page")


# --- the language switcher keeps the reader's place ----------------------------------------------

PHONE = {"viewport": {"width": 390, "height": 844}}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def test_switcher_keeps_the_section(visit):
    v = visit(**DESKTOP)
    v.goto("en/tasks.html#retrying")
    v.page.click('nav.language-switcher a[hreflang="ko"]')
    v.page.wait_for_url("**/ko/tasks.html#retrying")
    v.page.wait_for_function("Math.abs(document.getElementById('retrying').getBoundingClientRect().top) < 100")
    assert v.page.evaluate("scrollY") > 500
    v.page.click('.toc-tree a[href="#chains-and-groups"]')  # the reader moves on
    v.page.click('nav.language-switcher a[hreflang="en"]')
    v.page.wait_for_url("**/en/tasks.html#chains-and-groups")


def test_switcher_keeps_the_search_query_on_the_search_page_only(visit):
    v = visit()
    v.goto("en/tasks.html?q=retry")
    assert v.page.get_attribute('nav.language-switcher a[hreflang="ko"]', "href").endswith("/ko/tasks.html")
    v.goto("en/search.html?q=retry&check_keywords=yes&area=default")
    v.page.click('nav.language-switcher a[hreflang="ko"]')
    v.page.wait_for_url("**/ko/search.html?q=retry&check_keywords=yes&area=default")


def test_phone_header_offers_the_other_language(visit):
    v = visit(**PHONE)
    v.goto("en/tasks.html#retrying")
    assert not v.page.is_visible("nav.language-switcher")  # in the closed drawer
    link = v.page.locator('.mobile-header a[hreflang="ko"]')
    assert link.is_visible() and link.text_content() == "한국어"
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 24
    link.click()
    v.page.wait_for_url("**/ko/tasks.html#retrying")
    assert v.page.locator('.mobile-header a[hreflang="en"]').text_content() == "English"
    v = visit(**DESKTOP)
    v.goto("en/tasks.html")
    assert not v.page.is_visible('.mobile-header a[hreflang="ko"]')


# --- keyboard focus ------------------------------------------------------------------------------


def outline(locator):
    """The computed outline of an element: style and width in pixels."""
    return locator.evaluate("e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]")


def tab_to(page, selector, limit=60):
    """Press Tab until the focus is on an element matching ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.locator(":focus")
    pytest.fail(f"Tab never reached {selector}")


def test_copy_button_shows_when_it_has_keyboard_focus(visit):
    v = visit(**DESKTOP)
    v.goto("en/first-steps.html")
    button = v.page.locator("div.highlight-console button.copybtn").first
    assert button.evaluate("b => getComputedStyle(b).opacity") == "0"  # hidden until hovered or focused
    v.page.locator("div.highlight-console pre").first.focus()
    v.page.keyboard.press("Tab")
    assert button.evaluate("b => b === document.activeElement")
    v.page.wait_for_function("getComputedStyle(document.activeElement).opacity === '1'")
    style, width = outline(button)
    assert style == "solid" and width >= 2


def test_search_box_shows_focus(visit):
    v = visit(**DESKTOP)
    v.goto("en/index.html")
    style, width = outline(tab_to(v.page, "input.sidebar-search"))
    assert style == "solid" and width >= 2


def tab_stops(page, limit=500):
    """Every element Tab visits from the top of the page, once round."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => {
            const e = document.activeElement;
            if (e === document.body || e.dataset.tabSeen) return null;
            e.dataset.tabSeen = "1";
            const button = e.matches('.nav-overlay-icon .icon') ? 'menu'
                : e.matches('.toc-overlay-icon .icon') ? 'toc' : '';
            return {html: e.outerHTML.slice(0, 100), drawer: !!e.closest('.sidebar-drawer, .toc-drawer'), button};
        }""")
        if stop is None:
            return stops
        stops.append(stop)
    pytest.fail(f"Tab went on for {limit} stops")


def test_narrow_screen_drawers_work_from_the_keyboard(visit):
    v = visit(**PHONE)
    v.goto("en/tasks.html")
    page = v.page
    stops = tab_stops(page)
    assert [s["button"] for s in stops if s["button"]] == ["menu", "toc"]
    assert [s["html"] for s in stops if s["drawer"]] == []  # nothing in the closed drawers

    for name, drawer, key in (("nav-overlay-icon", ".sidebar-drawer", "Enter"),
                              ("toc-header-icon", ".toc-drawer", " ")):
        button = page.locator(f".{name} .icon")
        assert button.get_attribute("role") == "button" and button.get_attribute("aria-expanded") == "false"
        assert button.get_attribute("aria-label")
        button.focus()
        page.keyboard.press(key)
        assert button.get_attribute("aria-expanded") == "true"
        assert page.evaluate("d => !!document.activeElement.closest(d)", drawer)  # focus moved into it
        page.wait_for_function("d => { const r = document.querySelector(d).getBoundingClientRect();"
                               " return r.left >= 0 && r.right <= innerWidth; }", arg=drawer)
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false"
        assert button.evaluate("b => b === document.activeElement")  # back where it was
        page.wait_for_function("d => getComputedStyle(document.querySelector(d)).visibility === 'hidden'", arg=drawer)

    page.click(".nav-overlay-icon")  # the mouse works as before
    assert page.locator(".nav-overlay-icon .icon").get_attribute("aria-expanded") == "true"
    assert page.is_visible(".sidebar-drawer nav.language-switcher")
    assert not v.problems


# --- axe-core on every page ------------------------------------------------------------------------

AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / "_build" / "axe"  # git ignores _build/


@pytest.fixture(scope="session")
def axe_script():
    """axe-core's script, installed by the machine's npm (never fetched by the pages)."""
    package = AXE_DIR / "node_modules" / "axe-core" / "package.json"
    if not (package.is_file() and json.loads(package.read_text())["version"] == AXE_VERSION):
        npm = shutil.which("npm")
        if npm is None:
            missing("npm not found: the accessibility test installs axe-core with it (apt install npm)")
        result = subprocess.run(
            [npm, "install", "--prefix", str(AXE_DIR), "--no-save", "--no-audit", "--no-fund",
             "--loglevel=error", f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            missing(f"npm could not install axe-core {AXE_VERSION}: {result.stderr.strip()}")
    return package.with_name("axe.min.js")


VIEWS = {
    "desktop-light": {**DESKTOP, "color_scheme": "light"},
    "phone-dark": {**PHONE, "color_scheme": "dark"},
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_page_passes_axe(site, server, browser, axe_script, language, view):
    """All of axe-core's rules (WCAG 2 A and AA, and its best practices), with no exceptions.

    A plain context: test_every_page_loads_cleanly watches the requests, and
    routing each one through Python would make this test half as slow again.
    """
    context = browser.new_context(**VIEWS[view])
    try:
        page = context.new_page()
        found = {}
        for path in sorted((site / language).glob("*.html")):
            page.goto(f"{server}{language}/{path.name}")
            page.add_script_tag(path=str(axe_script))
            violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
            if violations:
                found[path.name] = [f"{x['id']} ({x['help']}): {[n['target'] for n in x['nodes']]}"
                                    for x in violations]
        assert not found
    finally:
        context.close()


# --- print ---------------------------------------------------------------------------------------


def test_print_hides_the_skip_link(visit):
    v = visit()
    v.goto("en/tasks.html")
    skip = v.page.locator(".skip-to-content")
    assert skip.evaluate("e => getComputedStyle(e).display") != "none"
    v.page.emulate_media(media="print")
    assert skip.evaluate("e => getComputedStyle(e).display") == "none"


# --- the home page ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ko"])
def test_home_page_is_a_landing_page(visit, language):
    """Groups of links, each with a line of text, rather than the whole table of contents."""
    v = visit(**DESKTOP)
    v.goto(f"{language}/index.html")
    page = v.page
    # The content, that is; the footer below it is the same on every page.
    assert page.evaluate("document.querySelector('article').getBoundingClientRect().bottom + scrollY") < 1500
    assert page.eval_on_selector_all("article .toctree-wrapper a", "links => links.length") == 0  # :hidden:
    groups = page.eval_on_selector_all("article > section > section", """sections => sections.map(s =>
        [s.querySelector('h2').id, s.querySelectorAll('p a.reference.internal').length])""")
    assert len([links for _, links in groups if links]) >= 4, groups
    navigation = set(page.eval_on_selector_all(".sidebar-tree a.reference", "links => links.map(a => a.href)"))
    linked = set(page.eval_on_selector_all("article a.reference.internal", "links => links.map(a => a.href)"))
    assert navigation and not navigation - linked  # every page has its place on the home page


# --- Korean typography ----------------------------------------------------------------------------


def pages_with(site, language, pattern):
    found = [p.name for p in sorted((site / language).glob("*.html"))
             if re.search(pattern, p.read_text(encoding="utf-8"))]
    assert found, f"no {language} page matches {pattern}"
    return found


@pytest.mark.parametrize("view", [PHONE, DESKTOP])
def test_korean_table_code_keeps_identifiers_whole(site, visit, view):
    v = visit(**view)
    broken = {}
    for name in pages_with(site, "ko", r"(?s)<table.*<code.*</table>"):
        v.goto(f"ko/{name}")
        found = v.page.eval_on_selector_all("article table code", """codes => codes
            .filter(c => !/\\s/.test(c.textContent.trim()) && c.getClientRects().length > 1)
            .map(c => c.textContent)""")
        if found:
            broken[name] = found
    assert not broken


def test_korean_emphasis_dots_are_on_hangul_only(visit):
    v = visit()

    def with_emphasis(route):
        response = route.fetch()
        body = re.sub(r"(<article[^>]*>)", r'\1<p id="emphasis"><em>Celery 워커</em></p>', response.text(), count=1)
        route.fulfill(response=response, body=body)

    v.context.route("**/first-steps.html", with_emphasis)
    v.goto("ko/first-steps.html")
    em = v.page.eval_on_selector("#emphasis em", """em => {
        const latin = em.querySelector('.latin');
        return {latin: latin && latin.textContent, latinMarks: latin && getComputedStyle(latin).textEmphasisStyle,
                latinStyle: latin && getComputedStyle(latin).fontStyle, marks: getComputedStyle(em).textEmphasisStyle};
    }""")
    assert em["latin"] == "Celery" and em["latinMarks"] == "none" and em["latinStyle"] == "italic", em
    assert "dot" in em["marks"], em  # 워커
    v.goto("en/first-steps.html")  # English: italics, no marks
    em = v.page.eval_on_selector("#emphasis em", "em => [getComputedStyle(em).textEmphasisStyle, "
                                 "getComputedStyle(em).fontStyle, em.querySelectorAll('.latin').length]")
    assert em == ["none", "italic", 0]


def test_korean_on_this_page_list_is_readable(visit):
    v = visit(**DESKTOP)
    sizes = {}
    for language in ("en", "ko"):
        v.goto(f"{language}/tasks.html")
        sizes[language] = v.page.eval_on_selector(
            ".toc-tree a", "a => [getComputedStyle(a).fontSize, getComputedStyle(a).lineHeight].map(parseFloat)")
    size, line = sizes["ko"]
    assert size >= 14 and line / size >= 1.5, sizes
    assert sizes["en"][0] == 12, sizes  # Furo's, unchanged


KOREAN_MONOSPACE = {"D2Coding", "NanumGothicCoding", "Noto Sans Mono CJK KR", "GulimChe", "DotumChe"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_korean_code_is_monospace_and_upright(site, visit, scheme):
    name = pages_with(site, "ko", r'class="c1">#[^<]*[\uac00-\ud7a3]')[0]
    v = visit(color_scheme=scheme)
    found = {}
    for language in ("en", "ko"):
        v.goto(f"{language}/{name}")
        found[language] = v.page.eval_on_selector("div.highlight pre", """pre => {
            const comment = [...document.querySelectorAll('.highlight .c1')]
                .find(c => /[\\uac00-\\ud7a3]/.test(c.textContent)) || document.querySelector('.highlight .c1');
            return {fonts: getComputedStyle(pre).fontFamily.split(',').map(f => f.trim().replace(/"/g, '')),
                    comment: getComputedStyle(comment).fontStyle};
        }""")
    ko, en = found["ko"], found["en"]
    assert ko["fonts"][-1] == "monospace" and KOREAN_MONOSPACE & set(ko["fonts"]), ko
    assert not {"Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR"} & set(ko["fonts"]), ko  # proportional
    assert ko["comment"] == "normal", ko
    assert not KOREAN_MONOSPACE & set(en["fonts"]), en  # English unchanged
    if scheme == "dark":  # Furo's dark style has italic comments, its light one none
        assert en["comment"] == "italic", en
