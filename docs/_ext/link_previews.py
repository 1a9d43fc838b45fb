"""Link previews: OpenGraph and Twitter card tags, by sphinxext-opengraph.

Usage, in conf.py (with docs/_ext/language_links.py and page_description.py)::

    extensions = [..., "language_links", "link_previews", "page_description"]
    link_previews_locales = {"en": "en_US", "ko": "ko_KR"}  # og:locale of each language

sphinxext-opengraph writes ``og:title``, ``og:type``, ``og:site_name``,
``og:url`` and ``og:description`` (the page's description, from
page_description.py) on every page; this extension sets it up for each
language:

* ``og:url`` from the language's address (language_links.py); when the
  site's address is unknown the extension would write a relative URL, which
  the OpenGraph protocol does not allow, so it is left out;
* ``og:locale`` and ``og:locale:alternate`` (one per other language), and
  ``twitter:card`` "summary" (Twitter reads the ``og:`` tags for the rest);
  the extension has no setting for these that depends on the language, so
  they go into ``ogp_custom_meta_tags`` once the language is known;
* no image: there is none to show but the favicon, and sphinxext-opengraph's
  generated social cards (with matplotlib, when installed) are turned off.
  Nothing is loaded from another host.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import TYPE_CHECKING, Any

from language_links import current_language, language_roots

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

RELATIVE_OG_URL = re.compile(r'<meta property="og:url" content="(?![a-z]+://)[^"]*" />\n?')


def _configure(app: Sphinx, config: Config) -> None:
    current = current_language(config)
    root = language_roots(config).get(current, "")
    if "://" in root:
        config.ogp_site_url = root
    config.ogp_social_cards = {"enable": False}
    config.ogp_enable_meta_description = False  # page_description.py writes it
    locales = config.link_previews_locales
    tags = [f'<meta property="og:locale" content="{locales.get(current, current)}" />']
    tags += [f'<meta property="og:locale:alternate" content="{locale}" />'
             for code, locale in locales.items() if code != current]
    tags.append('<meta name="twitter:card" content="summary" />')
    config.ogp_custom_meta_tags = [*config.ogp_custom_meta_tags, *tags]


def _drop_relative_url(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                       doctree: Any) -> None:
    context["metatags"] = RELATIVE_OG_URL.sub("", context.get("metatags", ""))


def setup(app: Sphinx) -> ExtensionMetadata:
    # Without matplotlib the extension prints a note about social cards at import; they are off.
    with contextlib.redirect_stdout(io.StringIO()):
        app.setup_extension("sphinxext.opengraph")
    app.add_config_value("link_previews_locales", {}, "html", types=[dict])
    app.connect("config-inited", _configure, priority=600)  # after language_links knows the address
    app.connect("html-page-context", _drop_relative_url, priority=600)  # after sphinxext-opengraph
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
