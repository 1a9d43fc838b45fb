"""Files for the whole site: a 404 page per language; sitemap.xml, robots.txt and the root pages.

Usage, in conf.py (with docs/_ext/language_links.py, which knows the URLs)::

    extensions = [..., "language_links", "site_files"]
    site_files_root = "_root"  # the default: files for the site root, in the source folder

Every HTML build writes ``404.html`` (template ``404.html``) in its language's
folder. Its links are then made absolute paths from the site's address
(``/en/_static/...``), so that a server can answer a missing URL at any depth
with it.

When the output folder is a language's folder of a site (``_build/html/ko``
with ``language_links_path = "{language}/"``), the build also writes to the
site root (``_build/html``):

* ``sitemap.xml``: every page of every language built there, each listing all
  its versions as ``xhtml:link`` alternates (if the site's address is known);
* ``robots.txt``, pointing to it (likewise);
* ``404.html``: the first language's (its links are absolute);
* each file of ``site_files_root`` (``docs/_root/index.html``), with the home
  page's hreflang alternates and canonical URL in place of an
  ``<!-- alternates -->`` comment.

Every language's build rewrites them, so the last one lists all languages.
Read the Docs builds each language apart and serves a sitemap of its own.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from language_links import current_language, language_roots, site_root
from sphinx.locale import _
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

NOT_FOUND = "404"
ALTERNATES_MARKER = "<!-- alternates -->"
URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|action|data-content_root|data-guide-home)=")([^"]*)(")')
HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")


def absolute_paths(markup: str, root_path: str) -> str:
    """``markup`` with its relative URLs turned into paths from ``/``, as seen from ``root_path``."""

    def replace(match: re.Match[str]) -> str:
        url = match[2]
        if not url or url.startswith(("#", "/")) or HAS_SCHEME.match(url):
            return match[0]
        at = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path, rest = url[:at], url[at:]
        joined = posixpath.normpath(posixpath.join(root_path, path))
        if path.endswith("/") or path in ("", "."):
            joined = joined.rstrip("/") + "/"
        return match[1] + joined + rest + match[3]

    return URL_ATTRIBUTE.sub(replace, markup)


def _collect_404(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    if app.builder.name != "html":
        return []
    if NOT_FOUND in app.env.found_docs:
        logger.warning("site_files: a page named %r exists: no 404 page written", NOT_FOUND)
        return []
    return [(NOT_FOUND, {"title": str(_("Page not found"))}, "404.html")]


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    if pagename == NOT_FOUND and app.builder.name == "html":
        context["pageurl"] = None  # no canonical URL: it answers for other addresses
        context["metatags"] = context.get("metatags", "") + '\n<meta name="robots" content="noindex">\n'


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    page = outdir / f"{NOT_FOUND}.html"
    current = current_language(app.config)
    root_path = urlsplit(language_roots(app.config)[current]).path or "/"
    if page.is_file():
        page.write_text(absolute_paths(page.read_text(encoding="utf-8"), root_path), encoding="utf-8")

    folder = app.config.language_links_path.format(language=current).strip("/")
    if not folder or not outdir.as_posix().endswith("/" + folder):
        return  # not built into a site's language folder: nothing to write at its root
    site = Path(outdir.as_posix()[: -len(folder)])
    languages = list(app.config.language_links_languages)
    write_root_files(app, site, languages)


def write_root_files(app: Sphinx, site: Path, languages: list[str]) -> None:
    config = app.config
    base = site_root(config)
    roots = language_roots(config)
    folders = {lang: site / config.language_links_path.format(language=lang) for lang in languages}
    built = {lang: path for lang, path in folders.items() if path.is_dir()}

    first_404 = folders[languages[0]] / f"{NOT_FOUND}.html"
    if first_404.is_file():
        shutil.copyfile(first_404, site / f"{NOT_FOUND}.html")

    home = app.builder.get_target_uri(config.root_doc)
    alternates = ""
    if base:
        alternates = "\n".join(
            [f'<link rel="canonical" href="{html.escape(base)}">']
            + [f'<link rel="alternate" hreflang="{lang}" href="{html.escape(roots[lang] + home)}">'
               for lang in languages]
            + [f'<link rel="alternate" hreflang="x-default" href="{html.escape(base)}">'])
    source = Path(app.srcdir, config.site_files_root)
    if source.is_dir():
        for file in sorted(source.iterdir()):
            if not file.is_file():
                continue
            if file.suffix == ".html":
                text = file.read_text(encoding="utf-8").replace(ALTERNATES_MARKER, alternates)
                (site / file.name).write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(file, site / file.name)

    if not base:
        return
    entries = []
    for docname in sorted(app.env.found_docs):
        uri = app.builder.get_target_uri(docname)
        versions = {lang: roots[lang] + uri for lang, path in built.items() if (path / uri).is_file()}
        if not versions:
            continue
        links = [f'    <xhtml:link rel="alternate" hreflang="{lang}" href="{html.escape(url)}"/>'
                 for lang, url in versions.items()]
        default = base if docname == config.root_doc else versions.get(languages[0])
        if default and len(versions) > 1:
            links.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href="{html.escape(default)}"/>')
        for url in versions.values():
            entries.append("  <url>\n" + f"    <loc>{html.escape(url)}</loc>\n" + "\n".join(links) + "\n  </url>")
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n",
        encoding="utf-8")
    (site / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n",
                                     encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("language_links")
    app.add_config_value("site_files_root", "_root", "html", types=[str])
    app.connect("html-collect-pages", _collect_404)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _finish)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
