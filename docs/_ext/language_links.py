"""Links between the guide's languages: a switcher, hreflang alternates and canonical URLs.

Usage, in conf.py::

    extensions = [..., "language_links"]
    language_links_languages = {"en": "English", "ko": "한국어"}  # the default
    # The published address of the folder that holds en/ and ko/ (optional).
    language_links_site_url = "https://docs.example.org/"
    # Where each language's pages are under it; the default.
    language_links_path = "{language}/"
    html_sidebars = {"**": [..., "language-switcher.html", ...]}

Each language is built on its own (``-D language=ko``) into
``<site>/<language>/``. On every page the extension then:

* gives the template ``language_links``: one entry per language, with
  ``code``, ``name``, ``current`` and ``url``, a relative link to the same page
  in that language (to that language's home page when this build has no such
  page), plus ``home``, its home page, and ``query``, true on the search page.
  ``docs/_templates/language-switcher.html`` shows them in the sidebar,
  ``language-switch-header.html`` in the phone header. A small script keeps
  the reader's place: the links take the page's ``#fragment`` along (every
  language has the same section ids) and, where ``query`` is true, its query.
  It remembers the reader's choice in ``localStorage["guide-language"]`` (the
  root ``index.html`` reads it) and, should the target page be missing on the
  server, goes to the home page;
* when the site's address is known, adds ``<link rel="alternate" hreflang>``
  for every language and ``x-default`` (the site root for the home page, the
  first language's page for the others), and sets ``html_baseurl`` so that
  the theme writes ``<link rel="canonical">``.

On a page whose links are paths from the host's root (the 404 page of
sphinx-notfound-page), the switcher's links are such paths too. Only the HTML
builder gets them: an EPUB or a single-page copy has no other language beside it.

The address comes from ``html_baseurl`` when it is set (Read the Docs gives
each language project its own, e.g. ``https://x.readthedocs.io/ko/latest/``:
the other languages are found by replacing the ``/ko/`` segment), otherwise
from ``language_links_site_url`` and ``language_links_path``. With neither,
links are relative only, and no alternates or canonical URLs are written:
the build says so once (an INFO line).
"""

from __future__ import annotations

import html
import posixpath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from sphinx.util import logging

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# Pages every language's HTML build writes besides the documents.
BUILT_PAGES = ("search", "genindex")

# Keeps the reader's place, remembers the choice and falls back to the home page when the
# server has no such page.
SCRIPT = """
function guideLanguageLinks() {
  document.querySelectorAll("a[data-guide-language]").forEach(function (link) {
    var url = new URL(link.href);
    url.hash = location.hash;
    if (link.hasAttribute("data-guide-query")) url.search = location.search;
    link.href = url.href;
  });
}
document.addEventListener("DOMContentLoaded", guideLanguageLinks);
window.addEventListener("hashchange", guideLanguageLinks);
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-guide-language]");
  if (!link || event.defaultPrevented || event.button || event.metaKey || event.ctrlKey ||
      event.shiftKey || event.altKey) return;
  try { localStorage.setItem("guide-language", link.dataset.guideLanguage); } catch (e) {}
  var home = link.dataset.guideHome;
  if (!home || location.protocol === "file:" || !window.fetch) return;
  event.preventDefault();
  fetch(link.href, {method: "HEAD"}).then(function (response) {
    return response.text().then(function () { return response.ok; });
  }).then(function (found) {
    location.href = found ? link.href : home;
  }, function () { location.href = link.href; });
});
"""


def current_language(config: Config) -> str:
    return (config.language or "en").replace("_", "-")


def language_roots(config: Config) -> dict[str, str]:
    """Each language's root: an absolute URL if the site's address is known, else a path from ``/``."""
    languages = list(config.language_links_languages)
    current = current_language(config)
    base = config.html_baseurl
    if not base:
        return {lang: "/" + config.language_links_path.format(language=lang)
                for lang in dict.fromkeys([*languages, current])}  # current: even if not listed
    base = base if base.endswith("/") else base + "/"
    parts = urlsplit(base)
    segment = f"/{current}/"
    at = parts.path.rfind(segment)
    if at < 0:
        return {current: base}
    roots = {}
    for lang in languages:
        path = parts.path[:at] + f"/{lang}/" + parts.path[at + len(segment):]
        roots[lang] = urlunsplit(parts._replace(path=path))
    return roots


def site_root(config: Config) -> str | None:
    """The absolute URL of the folder holding every language, if known."""
    roots = language_roots(config)
    current = current_language(config)
    if "://" not in roots.get(current, "") or len(roots) < 2:
        return None
    parts = urlsplit(roots[current])
    path = parts.path[: parts.path.rfind(f"/{current}/") + 1]
    return urlunsplit(parts._replace(path=path))


def root_path(config: Config, language: str) -> str:
    """The path of a language's root from the host's root, e.g. ``/ko/`` or ``/ko/latest/``."""
    return urlsplit(language_roots(config).get(language, f"/{language}/")).path or "/"


def _configure(app: Sphinx, config: Config) -> None:
    current = current_language(config)
    if current not in config.language_links_languages:
        logger.warning("language_links: language %r is not in language_links_languages (%s)",
                       current, ", ".join(config.language_links_languages))
    if not config.html_baseurl and config.language_links_site_url:
        site = config.language_links_site_url
        site = site if site.endswith("/") else site + "/"
        config.html_baseurl = site + config.language_links_path.format(language=current)
    if config.html_baseurl and len(language_roots(config)) < 2:
        logger.warning("language_links: html_baseurl %r has no /%s/ segment: the other languages' "
                       "addresses are unknown", config.html_baseurl, current)


def _say_if_unknown(app: Sphinx) -> None:
    if app.builder.name == "html" and not app.config.html_baseurl:
        logger.info("language_links: the site's address is unknown (set GUIDE_BASE_URL): "
                    "no canonical, hreflang, sitemap or link-preview URLs")


def _relative(target_root: str, current_root: str) -> str:
    """The path from one language's root to another's, with a trailing slash."""
    path = posixpath.relpath(urlsplit(target_root).path or "/", urlsplit(current_root).path or "/")
    return path + "/"


def _add_links(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: nodes.document | None) -> None:
    config = app.config
    builder = app.builder
    if builder.name != "html":
        return
    roots = language_roots(config)
    current = current_language(config)
    to_root = context.get("content_root", "./").removeprefix("./")  # from this page to its language's root
    is_doc = pagename in app.env.found_docs
    exists = is_doc or pagename in BUILT_PAGES
    target = builder.get_target_uri(pagename)
    home = builder.get_target_uri(config.root_doc)
    from_host_root = context["pathto"](config.root_doc).startswith("/")  # the 404 page

    links = []
    for code, name in config.language_links_languages.items():
        if from_host_root:
            prefix = root_path(config, code)
        elif code == current:
            prefix = ""
        else:
            prefix = to_root + _relative(roots.get(code, "/" + code + "/"), roots[current])
        links.append({
            "code": code,
            "name": name,
            "current": code == current,
            "url": prefix + (target if exists else home),
            "home": prefix + home,
            "query": pagename == "search",
        })
    context["language_links"] = links

    if not is_doc or site_root(config) is None:
        return
    tags = [
        f'<link rel="alternate" hreflang="{code}" href="{html.escape(roots[code] + target)}" />'
        for code in config.language_links_languages
    ]
    first = next(iter(config.language_links_languages))
    default = site_root(config) if pagename == config.root_doc else roots[first] + target
    tags.append(f'<link rel="alternate" hreflang="x-default" href="{html.escape(default)}" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags) + "\n"


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("language_links_languages", {"en": "English", "ko": "한국어"}, "html",
                         types=[dict])
    app.add_config_value("language_links_site_url", "", "html", types=[str])
    app.add_config_value("language_links_path", "{language}/", "html", types=[str])
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _say_if_unknown)
    app.connect("html-page-context", _add_links)
    app.add_js_file(None, body=SCRIPT.strip(), priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
