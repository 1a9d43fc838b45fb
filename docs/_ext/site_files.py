"""Each language's site files: the 404 page, sitemap.xml, and links to the offline copies.

Usage, in conf.py (with docs/_ext/language_links.py, which knows the URLs)::

    extensions = [..., "notfound.extension", "language_links", "site_files"]
    site_files_offline_name = "guide-{language}"  # optional: the offline copies' file name

An HTML build then has:

* ``404.html``, rendered by sphinx-notfound-page from the template ``404.html``
  with its links as paths from the host's root, so that a server can answer a
  missing address at any depth with it. Each language's links point into its
  own folder (``notfound_urls_prefix`` is that folder, e.g. ``/ko/``, or
  ``/ko/latest/`` on Read the Docs). The page has no canonical URL and asks
  not to be indexed; its template gets ``not_found``: the site's folder and
  every language's code, name and folder, for the script that offers the
  missing page elsewhere.
* ``sitemap.xml``, when the site's address is known: the language's pages,
  each with its versions in every language as ``xhtml:link`` alternates.
* on the home page, ``offline_copies``: (label, URL) of the EPUB and the
  zipped HTML that tools/offline.py writes into ``offline/<name>.epub`` and
  ``offline/<name>.zip``; on Read the Docs, its own downloads of them.

The site root (index.html, robots.txt, the sitemap index, the 404 page that
picks a language) is assembled after every language is built, by tools/site_root.py.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from language_links import current_language, language_roots, root_path, site_root
from sphinx.locale import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

# Read the Docs' address of a download, beside the version's pages.
READ_THE_DOCS_DOWNLOAD = "/_/downloads/{language}/{version}/{format}/"


def offline_files(config: Config, language: str) -> dict[str, str]:
    """The offline copies' paths from a language's root, by Read the Docs' format name."""
    name = config.site_files_offline_name.format(language=language)
    return {"epub": f"offline/{name}.epub", "htmlzip": f"offline/{name}.zip"} if name else {}


def _configure(app: Sphinx, config: Config) -> None:
    config.notfound_urls_prefix = root_path(config, current_language(config))
    config.notfound_template = "404.html"


def _translate(app: Sphinx) -> None:
    app.config.notfound_context = {"title": _("Page not found")}


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    config = app.config
    if app.builder.name != "html":
        return
    if pagename == config.notfound_pagename:
        context["pageurl"] = None  # no canonical URL: it answers for other addresses
        context["content_root"] = config.notfound_urls_prefix  # Sphinx's scripts read it
        context["metatags"] = context.get("metatags", "") + '\n<meta name="robots" content="noindex" />\n'
        context["not_found"] = {
            "site_root": urlsplit(site_root(config) or "/").path,
            "languages": [{"code": code, "name": name, "root": root_path(config, code)}
                          for code, name in config.language_links_languages.items()],
        }
    elif pagename == config.root_doc:
        language = current_language(config)
        labels = {"epub": "EPUB", "htmlzip": _("HTML, zipped")}
        if os.environ.get("READTHEDOCS"):
            version = os.environ.get("READTHEDOCS_VERSION", "latest")
            urls = {f: READ_THE_DOCS_DOWNLOAD.format(language=language, version=version, format=f)
                    for f in offline_files(config, language)}
        else:
            urls = {f: context["pathto"](path, resource=True) for f, path in offline_files(config, language).items()}
        context["offline_copies"] = [(labels[f], url) for f, url in urls.items()]


def _write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    config = app.config
    if exception is not None or app.builder.name != "html":
        return
    sitemap = Path(app.outdir, "sitemap.xml")
    if site_root(config) is None:
        sitemap.unlink(missing_ok=True)  # from a build that knew the address
        return
    roots = language_roots(config)
    first = next(iter(config.language_links_languages))
    entries = []
    for docname in sorted(app.env.found_docs):
        uri = app.builder.get_target_uri(docname)
        links = [f'    <xhtml:link rel="alternate" hreflang="{code}" href="{html.escape(roots[code] + uri)}"/>'
                 for code in config.language_links_languages]
        default = site_root(config) if docname == config.root_doc else roots[first] + uri
        links.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href="{html.escape(default)}"/>')
        loc = roots[current_language(config)] + uri
        entries.append(f"  <url>\n    <loc>{html.escape(loc)}</loc>\n" + "\n".join(links) + "\n  </url>")
    sitemap.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n",
        encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("language_links")
    app.setup_extension("notfound.extension")
    app.add_config_value("site_files_offline_name", "", "html", types=[str])
    app.connect("config-inited", _configure, priority=600)  # after language_links knows the address
    app.connect("builder-inited", _translate)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _write_sitemap)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
