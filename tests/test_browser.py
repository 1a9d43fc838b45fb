"""The built site in a real browser: Debian's Chromium, driven by Playwright.

The site (both languages, built once per session by tests/test_site.py's
``build_site``) is served from a local HTTP server that, like a static host,
answers a missing path with the site's 404.html. Every request to another host
fails the test that made it.
"""
import functools
import http.server
import re
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
    assert not v.problems


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
