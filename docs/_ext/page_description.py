"""A ``<meta name="description">`` on every page, from the page's first paragraph.

Usage, in conf.py::

    extensions = [..., "page_description"]
    page_description_length = 160  # the default: longer text is cut at a space

The first paragraph is read from the page as built, so a translated page gets
its translated paragraph. A page whose metadata already has a description
(MyST front matter ``html_meta: {"description": ...}``) keeps it; a page
without a paragraph (search, index, the 404 page) gets the home page's.

The same text is the page's ``og:description``: it goes into the page's
metadata (``context["meta"]``), where sphinxext-opengraph (see
docs/_ext/link_previews.py) takes ``og:`` fields from, before it runs.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

# Paragraphs that do not open a page's text.
SKIPPED_PARENTS = (nodes.Admonition, nodes.sidebar, nodes.topic, nodes.table, nodes.footnote,
                   nodes.citation, nodes.field_list, addnodes.glossary, nodes.definition_list,
                   nodes.figure, nodes.line_block)


def first_paragraph(doctree: nodes.Node) -> str:
    """The text of the document's first body paragraph, on one line, or ``""``."""
    for paragraph in doctree.findall(nodes.paragraph):
        parent = paragraph.parent
        if any(isinstance(p, SKIPPED_PARENTS) for p in _ancestors(parent)):
            continue
        text = " ".join(paragraph.astext().split())
        if text:
            return text
    return ""


def _ancestors(node: nodes.Node | None):
    while node is not None:
        yield node
        node = node.parent


def shorten(text: str, length: int) -> str:
    """``text`` cut at the last space before ``length`` characters, with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def _describe(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
              doctree: nodes.document | None) -> None:
    if 'name="description"' in context.get("metatags", ""):
        return  # the page's own (html_meta); og:description is then sphinxext-opengraph's
    text = first_paragraph(doctree) if doctree is not None else ""
    if not text:
        text = _home_description(app)
    if text:
        text = html.escape(shorten(text, app.config.page_description_length), quote=True)
        context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{text}" />\n'
        context["meta"] = {**(context.get("meta") or {}), "og:description": text}


_home: dict[int, str] = {}  # per application: the home page's description


def _home_description(app: Sphinx) -> str:
    if id(app) not in _home:
        root = app.config.root_doc
        _home[id(app)] = first_paragraph(app.env.get_doctree(root)) if root in app.env.found_docs else ""
    return _home[id(app)]


def _forget_home(app: Sphinx, builder: Any) -> None:
    _home.pop(id(app), None)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("page_description_length", 160, "html", types=[int])
    app.connect("html-page-context", _describe, priority=400)  # before sphinxext-opengraph
    app.connect("write-started", _forget_home)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
