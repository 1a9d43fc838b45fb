"""What the offline copies (tools/offline.py) need from Sphinx's EPUB and single-page builders.

Usage, in conf.py: ``extensions = [..., "offline_copies"]``

* EPUB: a content document with an ``<svg>`` element (the task diagrams) must
  carry the ``svg`` property in the package's manifest (content.opf), or
  epubcheck reports OPF-014; Sphinx's EPUB builder writes no properties. The
  builder is Sphinx's, adding the property to each such page before the book
  is zipped.
* Single page: the sidebar has no search box and no language switcher, as
  the copy has no search page and no other language beside it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from sphinx.builders.epub3 import Epub3Builder

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

# A page's entry in content.opf's manifest, up to its end.
ITEM = re.compile(r'<item id="[^"]*" href="([^"]+\.xhtml)" media-type="application/xhtml\+xml" (?=/>)')
# Sidebar templates whose links lead nowhere in a single-page copy.
NOT_ON_A_SINGLE_PAGE = {"sidebar/search.html", "language-switcher.html"}


class Epub3WithSvg(Epub3Builder):
    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir, "content.opf")

        def declare(item: re.Match[str]) -> str:
            page = Path(self.outdir, unquote(html.unescape(item[1]))).read_text(encoding="utf-8")
            return item[0] + 'properties="svg" ' if "<svg" in page else item[0]

        opf.write_text(ITEM.sub(declare, opf.read_text(encoding="utf-8")), encoding="utf-8")


def _single_page_sidebars(app: Sphinx) -> None:
    if app.builder.name == "singlehtml":
        app.config.html_sidebars = {pattern: [name for name in names if name not in NOT_ON_A_SINGLE_PAGE]
                                    for pattern, names in app.config.html_sidebars.items()}


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_builder(Epub3WithSvg, override=True)
    app.connect("builder-inited", _single_page_sidebars)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
