"""The built site as files: metadata, links between languages, site files, interface strings.

The site is built once per test session, both languages and the files at its
top, into a scratch folder laid out as ``make html`` lays out ``_build/html``
(without the offline copies: tests/test_build.py builds those), for a known
address and repository; tests/test_browser.py uses the same build.
"""
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT

sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import languages  # noqa: E402
from language_links import language_roots, site_root  # noqa: E402
from page_description import shorten  # noqa: E402

LANGUAGES = languages.CODES  # docs/languages.toml

BASE = "https://celery-django.example.org/"  # the site's address (GUIDE_BASE_URL) in these builds
REPOSITORY = "https://github.com/example/celery-django"  # GUIDE_REPOSITORY
GENERATED = {"search", "genindex", "404"}
SPHINX = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def build_env(**overrides):
    """The environment of a build, without the settings a CI or Read the Docs would set."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GUIDE_BASE_URL", "GUIDE_REPOSITORY", "SOURCE_DATE_EPOCH") and not k.startswith("READTHEDOCS")}
    env.update(overrides)
    return env


def sphinx_build(source, out, language, *options, env=None, builder="html"):
    return subprocess.run(
        [*SPHINX, "-b", builder, "-c", str(ROOT), "-D", f"language={language}", *options, str(source), str(out)],
        capture_output=True, text=True, timeout=600, env=env or build_env())


def build_site(tmp_path_factory) -> Path:
    """``<basetemp>/site/{en,ko}``, built once per session (tests/test_browser.py shares it)."""
    site = tmp_path_factory.getbasetemp() / "site"
    done = site / ".built"
    if not done.exists():
        env = build_env(GUIDE_BASE_URL=BASE, GUIDE_REPOSITORY=REPOSITORY)
        for language in LANGUAGES:
            result = sphinx_build(ROOT / "docs", site / language, language, env=env)
            assert result.returncode == 0, result.stderr
        result = subprocess.run([sys.executable, "-m", "tools.site_root", str(site)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and not result.stdout, result.stdout + result.stderr
        done.touch()
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory)


def docnames():
    """The pages of the guide, as the build names them."""
    return sorted(p.relative_to(ROOT / "docs").with_suffix("").as_posix()
                  for p in (ROOT / "docs").rglob("*.md") if not p.relative_to(ROOT / "docs").parts[0].startswith("_"))


def html_pages(site, language):
    return sorted((site / language).glob("*.html"))


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.links, self.metas, self.loads, self.anchors = [], [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            self.links.append(a)
        elif tag == "meta":
            self.metas.append(a)
        elif tag == "a":
            self.anchors.append(a)
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("rel") not in ("canonical", "alternate") and a.get("href"):
            self.loads.append(a["href"])

    def link(self, rel, **match):
        return [li for li in self.links
                if li.get("rel") == rel and all(li.get(k) == v for k, v in match.items())]


def parse(path):
    return Page(path.read_text(encoding="utf-8"))


# --- metadata ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_one_description(site, language):
    for path in html_pages(site, language):
        descriptions = [m for m in parse(path).metas if m.get("name") == "description"]
        assert len(descriptions) == 1, path
        assert len(descriptions[0]["content"]) > 20, path


def test_korean_descriptions_are_korean(site):
    """The description is the page's first paragraph, so the Korean page's is translated."""
    for name in ("index", "first-steps", "404", "search"):
        [meta] = [m for m in parse(site / "ko" / f"{name}.html").metas if m.get("name") == "description"]
        assert HANGUL.search(meta["content"]), (name, meta["content"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_have_canonical_and_hreflang_alternates(site, language):
    for docname in docnames():
        page = parse(site / language / f"{docname}.html")
        [canonical] = page.link("canonical")
        assert canonical["href"] == f"{BASE}{language}/{docname}.html"
        for other in LANGUAGES:
            [alternate] = page.link("alternate", hreflang=other)
            assert alternate["href"] == f"{BASE}{other}/{docname}.html"
        [default] = page.link("alternate", hreflang="x-default")
        assert default["href"] == (BASE if docname == "index" else f"{BASE}en/{docname}.html")


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_is_loaded_from_another_host(site, language):
    for path in [*html_pages(site, language), site / "index.html", site / "404.html"]:
        for url in parse(path).loads:
            assert not re.match(r"[a-z]+:|//", url), f"{path.name} loads {url}"
    for css in (site / language / "_static").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert url.startswith("data:") or not re.match(r"[a-z]+:|//", url), f"{css.name}: {url}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_links_are_relative_except_on_the_404_page(site, language):
    """The output works from any folder of any host; only 404.html needs the site's address."""
    for path in html_pages(site, language):
        if path.stem == "404":
            continue
        page = parse(path)
        urls = page.loads + [a["href"] for a in page.anchors if a.get("href")]
        assert not [u for u in urls if u.startswith("/")], path.name


def test_favicon(site):
    page = parse(site / "en" / "index.html")
    [icon] = [li for li in page.links if "icon" in li.get("rel", "")]
    assert (site / "en" / icon["href"]).is_file()


# --- link previews, page sources, offline copies ------------------------------------------------


def metas(path):
    return {m.get("property") or m.get("name"): m["content"] for m in parse(path).metas if m.get("content")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_link_previews(site, language):
    others = [languages.LANGUAGES[lang]["locale"] for lang in LANGUAGES if lang != language]
    for docname in docnames():
        path = site / language / f"{docname}.html"
        found = metas(path)
        assert found["og:description"] == found["description"], path.name
        assert found["og:url"] == parse(path).link("canonical")[0]["href"] == f"{BASE}{language}/{docname}.html"
        assert found["og:title"] and found["og:site_name"] == "Celery + Django"
        assert found["og:locale"] == languages.LANGUAGES[language]["locale"]
        assert [m["content"] for m in parse(path).metas if m.get("property") == "og:locale:alternate"] == others
        assert found["twitter:card"] == "summary"
        assert "og:image" not in found  # none to show, and nothing from another host
    assert metas(site / "ko" / "first-steps.html")["og:locale"] == "ko_KR"


def git_date(*paths):
    result = subprocess.run(["git", "log", "-1", "--format=%cs", "--", *paths], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or not result.stdout.strip():
        pytest.skip("not a Git checkout with history: the dates are the build's")
    return result.stdout.strip()


def page_source(path):
    text = path.read_text(encoding="utf-8")
    return text[text.index('<div class="page-source">'):].split("</div>", 1)[0]


def test_footer_says_when_the_page_last_changed(site):
    """From Git: the page's .md, and for a translation also its .po, whichever is newer."""
    english = git_date("docs/first-steps.md")
    korean = max(english, git_date("locale/ko/LC_MESSAGES/first-steps.po"))
    assert f'Last changed on <time datetime="{english}">' in page_source(site / "en" / "first-steps.html")
    assert f'마지막 수정: <time datetime="{korean}">' in page_source(site / "ko" / "first-steps.html")
    year, month, day = korean.split("-")
    assert f"{int(year)}년 {int(month)}월 {int(day)}일</time>" in page_source(site / "ko" / "first-steps.html")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_links_to_its_source_and_to_a_new_issue(site, language):
    for docname in docnames():
        section = Page(page_source(site / language / f"{docname}.html"))
        edit, issue = (a["href"] for a in section.anchors)
        catalog = f"locale/{language}/LC_MESSAGES/{docname}.po"  # a page not yet translated has none
        source = catalog if (ROOT / catalog).is_file() else f"docs/{docname}.md"
        assert edit == f"{REPOSITORY}/edit/main/{source}"
        query = parse_qs(urlsplit(issue).query)
        assert issue.startswith(f"{REPOSITORY}/issues/new?")
        assert query["title"] == [f"[{language}] {docname}: "]
        assert f"Page: {BASE}{language}/{docname}.html\nLanguage: {language}\n" in query["body"][0]
        assert source in query["body"][0]
    text = page_source(site / "ko" / "index.html")
    assert ">이 번역 고치기</a>" in text and ">문제 알리기</a>" in text
    assert "이 페이지에서 무엇이 잘못되었나요?" in unquote_plus(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_links_to_the_offline_copies(site, language):
    """The files tools/offline.py writes (tests/test_build.py checks them) under offline/."""
    text = (site / language / "index.html").read_text(encoding="utf-8")
    offline = text[text.index('<div class="offline-copies">'):].split("</div>", 1)[0]
    assert [a["href"] for a in Page(offline).anchors] == [f"offline/celery-django-{language}.epub",
                                                         f"offline/celery-django-{language}.zip"]
    assert 'class="offline-copies"' not in (site / language / "first-steps.html").read_text(encoding="utf-8")


# --- the language switcher --------------------------------------------------------------------


def switcher_links(path):
    return {a["hreflang"]: a for a in parse(path).anchors if a.get("data-guide-language")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_switcher_goes_to_the_same_page(site, language):
    other = "ko" if language == "en" else "en"
    for path in html_pages(site, language):
        link = switcher_links(path)[other]
        assert link["lang"] == other
        if path.stem == "404":  # no same page: the home page, by a path from the site's root
            assert link["href"] == link["data-guide-home"] == f"/{other}/index.html"
            continue
        assert link["data-guide-home"] == f"../{other}/index.html"
        assert link["href"] == f"../{other}/{path.name}"
        assert (path.parent / link["href"]).resolve().is_file(), (path, link["href"])


def test_switcher_has_an_accessible_name(site):
    for language, label in (("en", "Language"), ("ko", "언어")):
        text = (site / language / "index.html").read_text(encoding="utf-8")
        assert f'<nav class="language-switcher" aria-label="{label}">' in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_header_switch_matches_the_sidebars(site, language):
    """Furo's phone header has the other language's link too; on the search page it keeps the query."""
    for path in html_pages(site, language):
        anchors = [a for a in parse(path).anchors if a.get("data-guide-language")]
        header = [{k: v for k, v in a.items() if k != "class"} for a in anchors
                  if a.get("class") == "language-switch-header"]
        sidebar = [a for a in anchors if "class" not in a]
        assert header and header == sidebar, path.name  # the same links, attributes and all
        assert all(("data-guide-query" in a) == (path.stem == "search") for a in anchors), path.name


# --- accessibility markup ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_code_blocks_and_tables_take_keyboard_focus(site, language):
    """They scroll sideways when wide, and a keyboard scrolls only what has focus."""
    for path in html_pages(site, language):
        text = path.read_text(encoding="utf-8")
        assert '<div class="highlight"><pre>' not in text, path.name
        assert '<div class="table-wrapper' not in text, path.name  # <div tabindex="0" class="table-wrapper
    text = (site / language / "tasks.html").read_text(encoding="utf-8")
    assert '<div class="highlight"><pre tabindex="0">' in text and '<div tabindex="0" class="table-wrapper' in text


def test_landmarks_and_the_search_page_have_names(site):
    names = {"en": ("Site navigation", "On this page", "Search this guide", "Search"),
             "ko": ("사이트 탐색", "이 페이지의 내용", "이 안내서 검색", "검색")}
    for language, (navigation, contents, search, heading) in names.items():
        for path in html_pages(site, language):
            text = path.read_text(encoding="utf-8")
            assert f'<aside class="sidebar-drawer" aria-label="{navigation}">' in text, path.name
            assert f'<aside aria-label="{contents}" class="toc-drawer' in text, path.name
            assert f'<form aria-label="{search}" class="sidebar-search-container"' in text, path.name
        assert f"<h1>{heading}</h1>" in (site / language / "search.html").read_text(encoding="utf-8")


# --- site files ----------------------------------------------------------------------------------


SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_sitemap_index_lists_each_languages_sitemap(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{{{SITEMAP['s']}}}sitemapindex"
    assert [loc.text for loc in root.findall("s:sitemap/s:loc", SITEMAP)] == [
        f"{BASE}{lang}/sitemap.xml" for lang in LANGUAGES]


def test_sitemap_lists_both_languages_with_alternates(site):
    ns = SITEMAP
    urls = [url for lang in LANGUAGES for url in ET.parse(site / lang / "sitemap.xml").getroot().findall("s:url", ns)]
    locations = {u.find("s:loc", ns).text: u for u in urls}
    expected = {f"{BASE}{lang}/{doc}.html" for lang in LANGUAGES for doc in docnames()}
    assert set(locations) == expected and len(urls) == len(expected)
    for loc, url in locations.items():
        alternates = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
        doc = loc.rsplit("/", 1)[1]
        assert alternates["en"] == f"{BASE}en/{doc}" and alternates["ko"] == f"{BASE}ko/{doc}"
        assert alternates["x-default"] == (BASE if doc == "index.html" else f"{BASE}en/{doc}")


def test_robots_txt_points_to_the_sitemap(site):
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text()


@pytest.mark.parametrize("where", ["en/404.html", "ko/404.html", "404.html"])
def test_404_page_links_work_from_any_depth(site, where):
    page = parse(site / where)
    urls = [u for u in page.loads + [a["href"] for a in page.anchors if a.get("href")]
            if not u.startswith(("#", "https://"))]
    assert urls
    for url in urls:
        assert url.startswith("/"), url
        assert (site / url.split("?")[0].split("#")[0].lstrip("/")).exists(), url
    text = (site / where).read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex" />' in text
    assert 'rel="canonical"' not in text


def test_root_index(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "localStorage.getItem(\"guide-language\")" in text
    assert f"var languages = {json.dumps(list(LANGUAGES))};" in text
    page = parse(site / "index.html")
    assert page.link("canonical")[0]["href"] == BASE
    assert page.link("alternate", hreflang="ko")[0]["href"] == f"{BASE}ko/index.html"
    assert page.link("alternate", hreflang="x-default")[0]["href"] == BASE
    assert [(a["href"], a["lang"]) for a in page.anchors] == [(f"{lang}/index.html", lang) for lang in LANGUAGES]


def test_root_404_has_every_languages_message(site):
    """For hosts with one 404 page: the first language's page, each language's message in it."""
    text = (site / "404.html").read_text(encoding="utf-8")
    sections = re.findall(r"<section( hidden)? class=\"not-found\" lang=\"(\w+)\"", text)
    assert sections == [("", "en"), (" hidden", "ko")]
    assert "페이지를 찾을 수 없습니다" in text and "Page not found" in text
    for lang in LANGUAGES:
        assert f'<form class="not-found-search" action="/{lang}/search.html"' in text


def test_404_pages_are_sphinx_notfound_pages_with_a_prefix_per_language(site):
    for lang in LANGUAGES:
        text = (site / lang / "404.html").read_text(encoding="utf-8")
        assert f'data-content_root="/{lang}/"' in text
        assert f'href="/{lang}/_static/styles/furo.css' in text
        [section] = re.findall(r'<section class="not-found".*?</section>', text, re.S)
        assert f'lang="{lang}"' in section and 'data-site-root="/"' in section
        assert '<input type="search" name="q"' in section


def test_languages_come_from_one_list():
    """docs/languages.toml: conf.py, the Makefile and the tests read the same list."""
    made = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "print-languages"],
                          input="print-languages:\n\t@echo $(LANGUAGES)\n", cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert made.stdout.split() == list(LANGUAGES), made.stderr
    conf = runpy.run_path(str(ROOT / "conf.py"))
    assert list(conf["language_links_languages"]) == list(LANGUAGES)
    assert conf["link_previews_locales"] == {code: s["locale"] for code, s in languages.LANGUAGES.items()}


# --- Korean interface --------------------------------------------------------------------------


class Interface(HTMLParser):
    """Interface text of a page: text and labels outside the content, the headings' link titles.

    Content (the article of a guide page, the page titles in the navigation, the
    index entries) is the translators' and is left out, as are elements in
    another language.
    """

    SKIP_CLASSES = {"sidebar-tree", "toc-tree", "sidebar-brand", "brand", "title", "highlight", "indextable"}
    SKIP_TAGS = {"script", "style", "pre", "code", "head"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr", "use", "path", "circle", "line", "polyline", "polygon", "rect"}
    LABELS = ("aria-label", "placeholder", "title", "alt", "data-tooltip")

    def __init__(self, text, language, with_article):
        super().__init__(convert_charrefs=True)
        self.language, self.with_article = language, with_article
        self.stack, self.found = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        skipping = bool(self.stack) and self.stack[-1][1]
        classes = set((a.get("class") or "").split())
        skip = (skipping or tag in self.SKIP_TAGS or bool(classes & self.SKIP_CLASSES)
                or a.get("lang", self.language) != self.language
                or (tag == "article" and not self.with_article))
        if not skip or (tag == "a" and "headerlink" in classes):
            self.found += [(f"{tag}@{name}", a[name]) for name in self.LABELS if a.get(name)]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        while tag not in self.VOID and self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() and not (self.stack and self.stack[-1][1]):
            self.found.append(("text", data.strip()))


# Names that stay as they are in Korean text.
NAMES = {"Celery", "Django", "Python", "Sphinx", "Furo", "JavaScript", "EPUB", "HTML"}


def english_interface(path, language="ko"):
    interface = Interface(path.read_text(encoding="utf-8"), language, with_article=path.stem in GENERATED)
    return [(where, text) for where, text in interface.found
            if set(re.findall(r"[A-Za-z]{2,}", text)) - NAMES]


def test_no_english_interface_text_on_korean_pages(site):
    found = {path.name: english for path in html_pages(site, "ko") if (english := english_interface(path))}
    assert not found


def test_the_interface_check_finds_english():
    """The check above finds Furo's labels when they are in English: it can fail."""
    text = ('<html lang="ko"><body><a class="back-to-top" href="#"><span>Back to top</span></a>'
            '<button aria-label="Toggle Light / Dark / Auto color theme"></button><article>'
            '<h1>Title<a class="headerlink" title="Link to this heading">#</a></h1><p>Prose</p>'
            '</article><nav class="language-switcher"><a lang="en">English</a></nav></body></html>')
    found = Interface(text, "ko", with_article=False).found
    assert ("text", "Back to top") in found
    assert ("button@aria-label", "Toggle Light / Dark / Auto color theme") in found
    assert ("a@title", "Link to this heading") in found
    assert ("text", "Prose") not in found and ("text", "English") not in found


def test_search_messages_are_translated(site):
    text = (site / "ko" / "_static" / "translations.js").read_text(encoding="utf-8")
    assert '"Search finished, found one page matching the search query.": ["검색을 마쳤습니다.' in text
    assert '""' not in text and '[""]' not in text  # Sphinx's empty translations are dropped
    assert "translations.js" not in (site / "en" / "index.html").read_text(encoding="utf-8")


def test_copy_button_labels_are_translated(site):
    text = (site / "ko" / "_static" / "copybutton.js").read_text(encoding="utf-8")
    assert 'messages["ko"] = {"copy": "복사"' in text
    assert "messages[\"ko\"]" not in (site / "en" / "_static" / "copybutton.js").read_text(encoding="utf-8")


def test_copy_button_skips_prompts(site):
    text = (site / "en" / "_static" / "copybutton.js").read_text(encoding="utf-8")
    assert r"formatCopyText(text, '\\$ |>>> |\\.\\.\\. ', true," in text  # a regular expression


def test_interface_catalog_is_complete_and_clean():
    with open(ROOT / "locale" / "ko" / "LC_MESSAGES" / "sphinx.po", "rb") as file:
        po = read_po(file)
    assert len(po) > 10
    strings = [s for m in po for s in ([m.string] if isinstance(m.string, str) else m.string)
               if m.id]
    assert all(strings), "an untranslated interface string"
    assert not any(m.fuzzy for m in po if m.id) and not po.obsolete


# --- units ---------------------------------------------------------------------------------------


def config(**values):
    defaults = dict(language="en", html_baseurl="", language_links_languages={"en": "English", "ko": "한국어"},
                    language_links_path="{language}/")
    return SimpleNamespace(**{**defaults, **values})


def test_language_urls_from_read_the_docs_address():
    conf = config(language="ko", html_baseurl="https://guide.readthedocs.io/ko/latest/")
    assert language_roots(conf) == {"en": "https://guide.readthedocs.io/en/latest/",
                                    "ko": "https://guide.readthedocs.io/ko/latest/"}
    assert site_root(conf) == "https://guide.readthedocs.io/"


def test_language_urls_without_an_address_are_paths():
    assert language_roots(config()) == {"en": "/en/", "ko": "/ko/"}
    assert site_root(config()) is None


def test_shorten_cuts_at_a_space():
    assert shorten("짧은 문장입니다.", 160) == "짧은 문장입니다."
    text = "워커가 태스크를 실행합니다. " * 20
    short = shorten(text, 60)
    assert len(short) <= 60 and short.endswith("…") and text.startswith(short[:-1])


# --- Read the Docs and the task diagram: small builds with the site's conf.py -----------------

PAGE = """# Diagram

A page with a diagram.

```{task-diagram}
:cycle:

One task's path.

- Django
  - `delay()` sends a message.
- Broker
- Worker
- Result backend
```
"""

CATALOG = """msgid ""
msgstr ""
"Language: ko\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "One task's path."
msgstr "태스크 하나의 경로."

msgid "Broker"
msgstr "브로커"

msgid "Worker"
msgstr "워커"

msgid "Result backend"
msgstr "결과 백엔드"

msgid "`delay()` sends a message."
msgstr "`delay()`가 메시지를 보냅니다."
"""


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    catalogs = root / "locale" / "ko" / "LC_MESSAGES"
    catalogs.mkdir(parents=True)
    (catalogs / "index.po").write_text(CATALOG, encoding="utf-8")
    shutil.copy(ROOT / "locale" / "ko" / "LC_MESSAGES" / "sphinx.po", catalogs)  # the interface's strings
    return root


def test_diagram_labels_come_from_the_catalog(small_project):
    out = small_project / "out"
    locale = f"locale_dirs={small_project / 'locale'}"
    result = sphinx_build(small_project / "docs", out / "ko", "ko", "-D", locale)
    assert result.returncode == 0, result.stderr
    text = (out / "ko" / "index.html").read_text(encoding="utf-8")
    figure = text[text.index('<figure class="task-diagram"'):text.index("</figure>")]
    for label in ("Django", "브로커", "워커", "결과 백엔드"):
        assert f">{label}</tspan>" in figure or f">{label.split()[0]}</tspan>" in figure, label
    assert "Broker" not in figure and "Worker" not in figure
    assert figure.count('role="img" aria-labelledby="task-diagram-1-caption"') == 2
    assert '<p id="task-diagram-1-caption">태스크 하나의 경로.</p>' in figure
    assert "<title>태스크 하나의 경로.</title>" in figure
    assert '<li value="1"><code' in figure and "메시지를 보냅니다" in figure
    assert "currentColor" in figure and "var(--color-background-secondary" in figure


def test_diagram_labels_are_extracted_for_translation(small_project):
    out = small_project / "gettext"
    result = sphinx_build(small_project / "docs", out, "en", builder="gettext")
    assert result.returncode == 0, result.stderr
    pot = (out / "index.pot").read_text(encoding="utf-8")
    for msgid in ("One task's path.", "Broker", "Worker", "Result backend", "`delay()` sends a message."):
        assert f'msgid "{msgid}"' in pot


def test_diagram_needs_a_list(tmp_path):
    (tmp_path / "index.md").write_text("# T\n\n```{task-diagram}\nNo list.\n```\n")
    result = sphinx_build(tmp_path, tmp_path / "out", "en")
    assert result.returncode != 0 and "task-diagram needs one bullet list" in result.stderr


def test_read_the_docs_address_is_used(small_project):
    out = small_project / "rtd" / "html"
    env = build_env(READTHEDOCS_CANONICAL_URL="https://guide.readthedocs.io/ko/latest/")
    result = sphinx_build(small_project / "docs", out, "ko", "-D", f"locale_dirs={small_project / 'locale'}",
                          env=env)
    assert result.returncode == 0, result.stderr
    page = parse(out / "index.html")
    assert page.link("canonical")[0]["href"] == "https://guide.readthedocs.io/ko/latest/index.html"
    assert page.link("alternate", hreflang="en")[0]["href"] == "https://guide.readthedocs.io/en/latest/index.html"
    assert switcher_links(out / "index.html")["en"]["href"] == "../../en/latest/index.html"
    assert not (out.parent / "sitemap.xml").exists()  # Read the Docs serves its own
    assert metas(out / "index.html")["og:url"] == "https://guide.readthedocs.io/ko/latest/index.html"
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/ko/latest/_static/styles/furo.css' in not_found
    assert switcher_links(out / "404.html")["en"]["href"] == "/en/latest/index.html"


def test_read_the_docs_offers_its_own_downloads(small_project):
    out = small_project / "rtd-downloads"
    env = build_env(READTHEDOCS="True", READTHEDOCS_VERSION="stable",
                    READTHEDOCS_CANONICAL_URL="https://guide.readthedocs.io/ko/stable/")
    result = sphinx_build(small_project / "docs", out, "ko", "-D", f"locale_dirs={small_project / 'locale'}",
                          env=env)
    assert result.returncode == 0, result.stderr
    text = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="/_/downloads/ko/stable/epub/" download>EPUB</a>' in text
    assert '<a href="/_/downloads/ko/stable/htmlzip/" download>HTML 압축 파일</a>' in text


def test_without_an_address_or_repository_the_build_says_so_and_leaves_them_out(small_project):
    """No placeholder host: no canonical, hreflang, og:url or sitemap; no edit or issue links."""
    out = small_project / "unknown"
    env = build_env(SOURCE_DATE_EPOCH="1700000000")  # the small project is outside Git: the build's date
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-b", "html", "-c", str(ROOT), "-D", "language=ko",
         "-D", f"locale_dirs={small_project / 'locale'}", str(small_project / "docs"), str(out)],
        capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert result.stdout.count("the site's address is unknown (set GUIDE_BASE_URL)") == 1
    page = parse(out / "index.html")
    assert not page.link("canonical") and not page.link("alternate")
    assert "og:url" not in metas(out / "index.html") and metas(out / "index.html")["og:locale"] == "ko_KR"
    assert not (out / "sitemap.xml").exists()
    source = page_source(out / "index.html")
    assert '마지막 수정: <time datetime="2023-11-14">2023년 11월 14일</time>' in source
    assert "<a " not in source
