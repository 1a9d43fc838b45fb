"""The site builds in both languages with warnings as errors, and a mistake names its file and line."""
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import tools.offline as offline_copies
from conftest import ROOT, missing
from test_site import LANGUAGES, build_site

SPHINX = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q"]


def build(source, out, language, builder="html", conf=ROOT):
    return subprocess.run(
        [*SPHINX, "-b", builder, "-c", str(conf), "-D", f"language={language}", str(source), str(out)],
        capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Both languages, built once per session (shared with test_site.py and test_browser.py)."""
    return build_site(tmp_path_factory)


def test_english_pages_are_english(site):
    html = (site / "en" / "first-steps.html").read_text()
    assert '<html class="no-js" lang="en"' in html
    assert "First steps" in html


def test_korean_pages_are_translated(site):
    html = (site / "ko" / "first-steps.html").read_text()
    assert '<html class="no-js" lang="ko"' in html
    # The page title comes from the Korean catalog, not the English source.
    with open(ROOT / "locale/ko/LC_MESSAGES/first-steps.po", "rb") as file:
        title = read_po(file).get("First steps").string
    assert title and title != "First steps"
    assert f"<h1>{title}" in html


class Prose(HTMLParser):
    """The article's text outside code, where a reader reads sentences."""

    def __init__(self, html):
        super().__init__()
        self.depth, self.in_article, self.skip, self.parts = 0, False, 0, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.in_article = True
        if self.in_article and tag in ("pre", "code", "script", "style", "svg"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article = False
        if self.in_article and tag in ("pre", "code", "script", "style", "svg") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if self.in_article and not self.skip:
            self.parts.append(data)


def test_korean_pages_read_in_hangul(site):
    """On every Korean page most letters of the prose are Hangul: no page is left in English."""
    for path in sorted((site / "ko").glob("*.html")):
        if path.stem in ("search", "genindex", "404"):
            continue
        text = " ".join(Prose(path.read_text()).parts)
        hangul = len(re.findall(r"[\uac00-\ud7a3]", text))
        latin = len(re.findall(r"[A-Za-z]", text))
        assert hangul > latin, f"{path.name}: {hangul} Hangul and {latin} Latin letters in the prose"


def test_included_code_is_the_examples_code(site):
    html = (site / "en" / "first-steps.html").read_text()
    assert "config_from_object" in html and "autodiscover_tasks" in html


# --- offline copies (tools/offline.py) -----------------------------------------------------------

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")  # Debian's epubcheck


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """Both languages' offline copies, as `make offline` writes them (warnings are errors)."""
    site = tmp_path_factory.mktemp("offline")
    for language in LANGUAGES:
        written = offline_copies.build(language, list(offline_copies.FORMATS), site / language / "offline",
                                       site / "build" / language)
        assert [p.name for p in written] == [f"celery-django-{language}.epub", f"celery-django-{language}.zip"]
    return site


@pytest.mark.parametrize("language", LANGUAGES)
def test_epub_passes_epubcheck(offline, language):
    if not EPUBCHECK.is_file() or shutil.which("java") is None:
        missing("epubcheck not found: install Debian's epubcheck (apt install epubcheck)")
    epub = offline / language / "offline" / f"celery-django-{language}.epub"
    result = subprocess.run(["java", "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in result.stdout + result.stderr, result.stderr
    with zipfile.ZipFile(epub) as book:
        opf = book.read("content.opf").decode()
        assert f"<dc:language>{language}</dc:language>" in opf
        assert 'href="overview.xhtml" media-type="application/xhtml+xml" properties="svg"' in opf


@pytest.mark.parametrize("language", LANGUAGES)
def test_zipped_html_is_one_page_with_its_files(offline, language):
    name = f"celery-django-{language}"
    with zipfile.ZipFile(offline / language / "offline" / f"{name}.zip") as archive:
        files = archive.namelist()
        page = archive.read(f"{name}/index.html").decode()
    assert all(file.startswith(f"{name}/") for file in files)
    assert [f for f in files if f.endswith(".html")] == [f"{name}/index.html"]
    assert f'<html class="no-js" lang="{language}"' in page
    for url in re.findall(r'(?:href|src)="(_static/[^"?#]+)', page):
        assert f"{name}/{url}" in files, url
    assert 'role="search"' not in page and "language-switcher" not in page  # no search page, one language


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# The project's conf.py on a one-page source folder: its settings (nitpicky) make these fail.


def test_missing_include_fails_with_file_and_line(tmp_path):
    write(tmp_path / "index.md", "# Title\n\nText.\n\n```{literalinclude} missing.py\n```\n")
    result = build(tmp_path, tmp_path / "out", "en")
    assert result.returncode != 0
    assert "index.md:5" in result.stderr and "missing.py" in result.stderr


def test_broken_reference_fails_with_file_and_line(tmp_path):
    # Sphinx warns of an unresolved Python reference only when nitpicky.
    write(tmp_path / "index.md", "# Title\n\nSee {doc}`nowhere` and {py:class}`nowhere.Thing`.\n")
    result = build(tmp_path, tmp_path / "out", "en")
    assert result.returncode != 0
    assert "index.md:3" in result.stderr and "nowhere" in result.stderr
    assert "py:class reference target not found: nowhere.Thing" in result.stderr


def test_fast_translation_gives_each_document_its_own_settings():
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    from fast_translation import make_document

    first, second = make_document(), make_document()
    first.settings.report_level = 5
    first.settings.record_dependencies.add("included.md")  # as MyST's include directive does
    assert second.settings is not first.settings
    assert second.settings.report_level != 5
    assert second.settings.record_dependencies.list == []
    assert make_document().settings.record_dependencies.list == []


def test_offline_copies_rebuild_after_a_configuration_change(offline, monkeypatch):
    """A second build into the same folder, with another configuration, packs nothing stale
    (Sphinx keeps the old .buildinfo as .buildinfo.bak, which the EPUB builder would pack)."""
    monkeypatch.setenv("GUIDE_BASE_URL", "https://guide.example.org/")
    build = offline / "build" / "en"
    (build / "epub" / "stale.xhtml").write_text("<html/>")
    [epub] = offline_copies.build("en", ["epub"], offline / "again", build)
    with zipfile.ZipFile(epub) as book:
        assert not {"stale.xhtml", ".buildinfo.bak"} & set(book.namelist())
