"""The site's own Sphinx extensions (docs/_ext/), each built in process on a tiny project.

Each ``tests/roots/test-<name>/`` is a small source folder with its ``conf.py``;
``sphinx.testing``'s ``app`` fixture copies it into a scratch folder and builds
it, as Sphinx's and MyST-Parser's own tests do. The whole guide is built by
tests/test_site.py; these tests pin each extension's behaviour on its own.
"""
import json
import re
from pathlib import Path

import pytest

pytest_plugins = "sphinx.testing.fixtures"

SITE = "https://guide.example.org/"


@pytest.fixture(scope="session")
def rootdir():
    return Path(__file__).resolve().parent / "roots"


@pytest.fixture
def contexts(app):
    """Each page's template context, recorded after the extensions have filled it in."""
    found = {}
    app.connect("html-page-context", lambda app, pagename, templatename, context, doctree:
                found.__setitem__(pagename, context), priority=999)
    return found


def warnings(app):
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())  # without the colours


def built(app, contexts=None):
    app.build()
    assert warnings(app) == ""
    return contexts


def html(app, page):
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


def sphinx(testroot, variant, buildername="html", **confoverrides):
    """The ``sphinx`` mark: build ``testroot`` in a scratch folder of its own per variant."""
    return pytest.mark.sphinx(buildername, testroot=testroot, srcdir=f"{testroot}-{variant}",
                              confoverrides=confoverrides)


# --- language_links --------------------------------------------------------------------------


@sphinx("language-links", "relative", language="ko")
def test_language_links_without_an_address_are_relative(app, contexts):
    built(app, contexts)
    links = {link["code"]: link for link in contexts["other"]["language_links"]}
    assert links["en"] == {"code": "en", "name": "English", "current": False, "url": "../en/other.html",
                           "home": "../en/index.html", "query": False}
    assert links["ko"] == {"code": "ko", "name": "한국어", "current": True, "url": "other.html",
                           "home": "index.html", "query": False}
    search = {link["code"]: link for link in contexts["search"]["language_links"]}
    assert search["en"]["url"] == "../en/search.html" and search["en"]["query"]  # the query goes along
    page = html(app, "other")
    assert "guideLanguageLinks" in page  # the script that keeps the reader's place
    assert 'rel="alternate"' not in page and 'rel="canonical"' not in page
    assert app.status.getvalue().count("the site's address is unknown (set GUIDE_BASE_URL)") == 1


@sphinx("language-links", "address", language="ko", language_links_site_url=SITE.rstrip("/"))
def test_language_links_with_an_address_write_alternates_and_canonical(app):
    built(app)
    assert app.config.html_baseurl == SITE + "ko/"
    page = html(app, "other")
    assert f'<link rel="canonical" href="{SITE}ko/other.html" />' in page
    for code in ("en", "ko"):
        assert f'<link rel="alternate" hreflang="{code}" href="{SITE}{code}/other.html" />' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE}en/other.html" />' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE}" />' in html(app, "index")
    assert "the site's address is unknown" not in app.status.getvalue()


@sphinx("language-links", "rtd", language="ko", html_baseurl="https://g.readthedocs.io/ko/latest/")
def test_language_links_find_read_the_docs_language_projects(app, contexts):
    built(app, contexts)
    en = contexts["other"]["language_links"][0]
    assert en["url"] == "../../en/latest/other.html"
    assert '<link rel="alternate" hreflang="en" href="https://g.readthedocs.io/en/latest/other.html" />' \
        in html(app, "other")


@sphinx("language-links", "unknown", language="fr")
def test_language_links_warn_about_a_language_not_in_the_list(app):
    app.build()
    assert warnings(app) == "WARNING: language_links: language 'fr' is not in language_links_languages (en, ko)\n"


# --- interface_strings -------------------------------------------------------------------------


def translations(app):
    text = (app.outdir / "_static" / "translations.js").read_text(encoding="utf-8")
    return json.loads(re.fullmatch(r"Documentation\.addTranslations\((.*)\);\n", text, re.S)[1])


@sphinx("interface-strings", "ko")
def test_interface_strings_merge_the_project_catalog_into_the_search_messages(app):
    built(app)
    messages = translations(app)["messages"]
    found = messages["Search finished, found one page matching the search query."]
    assert found == ["검색을 마쳤습니다: ${resultCount}개"]  # a plural: one form per number
    assert messages["Contents"] == "내용"  # Sphinx's own translation stays: the project's is fuzzy
    assert all(messages.values())  # Sphinx's empty ones are dropped: English shows instead
    assert "Copy" not in messages  # only what the search scripts ask for
    assert "translations.js" in html(app, "index")


@sphinx("interface-strings", "copy")
def test_interface_strings_translate_the_copy_button(app):
    built(app)
    script = (app.outdir / "_static" / "copybutton.js").read_text(encoding="utf-8")
    # "Copied!" is fuzzy in the catalog: it stays English.
    assert ('messages["ko"] = {"copy": "복사", "copy_to_clipboard": "Copy to clipboard", '
            '"copy_success": "Copied!", "copy_failure": "Failed to copy"};') in script


@sphinx("interface-strings", "labels")
def test_interface_strings_filter_translates_labels_and_icon_titles(app):
    built(app)
    labels = re.search(r'<p id="labels">(.*?)</p>', html(app, "index"), re.S)[1]
    assert labels == ('<svg><title>맨 위로</title></svg><input placeholder="문서 검색" '
                      'aria-label="Not in the catalog">')


@sphinx("interface-strings", "en", language="en")
def test_interface_strings_leave_english_alone(app):
    built(app)
    assert not (app.outdir / "_static" / "translations.js").exists()
    assert 'messages["en"]' not in (app.outdir / "_static" / "copybutton.js").read_text(encoding="utf-8")
    assert '<title>Back to top</title>' in html(app, "index")  # the filter still runs


# --- page_description ----------------------------------------------------------------------------


def description(app, page):
    """The page's description meta tags' texts (MyST writes the attributes the other way round)."""
    return [a or b for a, b in re.findall(r'<meta (?:name="description" content="([^"]*)"|'
                                          r'content="([^"]*)" name="description") />', html(app, page))]


@sphinx("page-description", "html")
def test_page_description_is_the_first_paragraph_of_the_page(app, contexts):
    built(app, contexts)
    home = "The first paragraph of the home page."
    assert description(app, "index") == [home]
    assert contexts["index"]["meta"]["og:description"] == home
    assert description(app, "admonition") == ["The text after the note."]
    assert description(app, "own") == ["Its own description."]
    assert "og:description" not in (contexts["own"].get("meta") or {})  # sphinxext-opengraph's then
    assert description(app, "title-only") == [home]  # no paragraph: the home page's
    assert description(app, "search") == [home]
    [long] = description(app, "long")
    assert len(long) <= 160 and long.endswith("word…") and long.startswith("word word")


@sphinx("page-description", "short", page_description_length=20)
def test_page_description_length_is_a_setting(app):
    built(app)
    assert description(app, "long") == ["word word word…"]


# --- page_source -------------------------------------------------------------------------------


@sphinx("page-source", "html")
def test_page_source_links_to_the_catalog_and_a_new_issue(app, contexts, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # outside Git: the build's date
    built(app, contexts)
    source = contexts["index"]["page_source"]
    issue = source.pop("issue_url")
    assert source == {
        "files": ["index.md", "locale/ko/LC_MESSAGES/index.po"],
        "translation": True,
        "changed": "2023-11-14",
        "changed_text": "2023년 11월 14일",
        "edit_url": "https://github.com/owner/repo/edit/main/locale/ko/LC_MESSAGES/index.po",
    }
    assert issue.startswith("https://github.com/owner/repo/issues/new?title=%5Bko%5D+index%3A+&body=")
    assert "Source%3A+index.md%2C+locale%2Fko%2FLC_MESSAGES%2Findex.po" in issue
    other = contexts["other"]["page_source"]
    assert other["files"] == ["other.md"] and not other["translation"]
    assert other["edit_url"] == "https://github.com/owner/repo/edit/main/other.md"
    assert "page_source" not in contexts["search"]  # not a page of the project


@sphinx("page-source", "no-repository", page_source_repository="")
def test_page_source_without_a_repository_has_no_links(app, contexts):
    built(app, contexts)
    assert contexts["index"]["page_source"]["edit_url"] == contexts["index"]["page_source"]["issue_url"] == ""


# --- tested_with -------------------------------------------------------------------------------


@sphinx("tested-with", "html")
def test_tested_with_writes_the_matrix_as_a_table_and_into_the_context(app, contexts):
    built(app, contexts)
    page = html(app, "index")
    rows = [re.findall(r"<p>([^<]*)</p>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)]
    assert rows == [["Python", "Django", "Celery", "kombu", "django-celery-results", "django-celery-beat"],
                    ["3.11", "5.2", "5.7.0", "5.6.0", "2.6.0", "2.8.1"],
                    ["3.12", "5.1", "5.5.3", "5.5.4", "2.5.1", "2.7.0"]]
    assert [c["celery"] for c in contexts["index"]["tested_with"]] == ["5.7.0", "5.5.3"]


# --- link_previews -----------------------------------------------------------------------------


def metas(page):
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)" />', page))


def alternates(page):
    return re.findall(r'<meta property="og:locale:alternate" content="([^"]*)" />', page)


@sphinx("link-previews", "address", language="ko", language_links_site_url=SITE)
def test_link_previews_with_an_address(app):
    built(app)
    page = html(app, "index")
    found = metas(page)
    assert found["og:url"] == f"{SITE}ko/index.html"
    assert found["og:locale"] == "ko_KR" and alternates(page) == ["en_US"]
    assert found["twitter:card"] == "summary"
    assert found["og:description"] == "The first paragraph of the home page."
    assert found["og:title"] == "Home"
    assert "og:image" not in found
    assert page.count('name="description"') == 1  # page_description's, not a second one


@sphinx("link-previews", "relative")
def test_link_previews_without_an_address_have_no_relative_url(app):
    built(app)
    page = html(app, "index")
    found = metas(page)
    assert "og:url" not in found
    assert found["og:locale"] == "en_US" and alternates(page) == ["ko_KR"]


# --- site_files ----------------------------------------------------------------------------------


@sphinx("site-files", "address", language="ko", language_links_site_url=SITE)
def test_site_files_404_page_and_sitemap(app, contexts):
    built(app, contexts)
    assert contexts["404"]["not_found"] == {
        "site_root": "/",
        "languages": [{"code": "en", "name": "English", "root": "/en/"},
                      {"code": "ko", "name": "한국어", "root": "/ko/"}]}
    not_found = html(app, "404")
    assert '<meta name="robots" content="noindex" />' in not_found
    assert 'rel="canonical"' not in not_found and 'rel="alternate"' not in not_found
    assert 'href="/ko/_static/' in not_found  # paths from the host's root, into the language's folder
    sitemap = (app.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == 2
    assert f"<loc>{SITE}ko/other.html</loc>" in sitemap
    assert f'<xhtml:link rel="alternate" hreflang="en" href="{SITE}en/other.html"/>' in sitemap
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{SITE}"/>' in sitemap  # the home page


@sphinx("site-files", "offline")
def test_site_files_home_page_links_the_offline_copies(app, contexts):
    built(app, contexts)
    assert contexts["index"]["offline_copies"] == [("EPUB", "offline/guide-en.epub"),
                                                   ("HTML, zipped", "offline/guide-en.zip")]
    assert "offline_copies" not in contexts["other"]
    assert not (app.outdir / "sitemap.xml").exists()  # no address, no sitemap


@sphinx("site-files", "rtd", language="ko", html_baseurl="https://g.readthedocs.io/ko/stable/")
def test_site_files_on_read_the_docs(app, contexts, monkeypatch):
    monkeypatch.setenv("READTHEDOCS", "True")
    monkeypatch.setenv("READTHEDOCS_VERSION", "stable")
    built(app, contexts)
    assert [url for _, url in contexts["index"]["offline_copies"]] == [
        "/_/downloads/ko/stable/epub/", "/_/downloads/ko/stable/htmlzip/"]
    assert app.config.notfound_urls_prefix == "/ko/stable/"


@sphinx("site-files", "stale", language="ko", language_links_site_url=SITE)
def test_site_files_remove_a_stale_sitemap(app, make_app):
    built(app)
    assert (app.outdir / "sitemap.xml").exists()
    app.cleanup()  # Sphinx's global registries, before the next build in this process
    again = make_app("html", srcdir=app.srcdir, confoverrides={"language": "ko"})  # the address is gone
    built(again)
    assert not (app.outdir / "sitemap.xml").exists()


# --- offline_copies ----------------------------------------------------------------------------


@sphinx("offline-copies", "single", "singlehtml")
def test_offline_single_page_has_no_search_box_or_language_switcher(app):
    built(app)
    assert app.config.html_sidebars == {"**": ["localtoc.html"]}
    page = html(app, "index")
    assert "SEARCH-BOX" not in page and "LANGUAGE-SWITCHER" not in page


@sphinx("offline-copies", "html")
def test_offline_copies_leave_the_html_sidebars_alone(app):
    built(app)
    page = html(app, "index")
    assert "SEARCH-BOX" in page and "LANGUAGE-SWITCHER" in page


@sphinx("offline-copies", "epub", "epub")
def test_offline_epub_declares_the_pages_with_svg(app):
    app.build()
    opf = (app.outdir / "content.opf").read_text(encoding="utf-8")
    items = dict(re.findall(r'<item id="[^"]*" href="([^"]+\.xhtml)" media-type="[^"]+" ([^>]*)/>', opf))
    assert items["diagram.xhtml"] == 'properties="svg" '
    assert items["index.xhtml"] == ""
