"""Translated code blocks: Korean comments in code, and nothing else changed.

With ``gettext_additional_targets = ["literal-block"]`` every code block (a
fenced block or a ``literalinclude``, whole text as one msgid) goes into the
page's catalog, so a translator can translate its comments. Sphinx's own
``Locale`` transform cannot apply such a msgstr to a MyST page: it wraps the
text in reST ``::`` syntax and re-parses it with MyST, and the page shows
``::`` instead of the code (MyST-Parser issue 444).

This transform runs just before ``Locale``. For each literal block with a
translation in the page's catalog (the compiled one ``Locale`` reads: Sphinx
compiles it without the fuzzy entries, unless
``gettext_allow_fuzzy_translations`` asks for them) it checks the msgstr with
:func:`code_compare.code_differs`:

* same code up to comments: the block's text becomes the msgstr;
* anything else changed: a warning located at the ``.po`` entry, e.g.
  ``locale/ko/LC_MESSAGES/first-steps.po:57: WARNING: translated code differs
  from its source outside comments: line 3: '-' instead of '+'``, and the
  English code stays (under ``-W`` the build fails).

Either way the block is marked not translatable, so ``Locale`` leaves it alone.
Nothing happens for English, for a builder that reads no catalogs (gettext:
it must still extract code blocks), or when ``literal-block`` is not a gettext
target.

Usage, in ``conf.py`` (``docs/_ext`` on ``sys.path``)::

    extensions = [..., "translated_code"]
    gettext_additional_targets = ["literal-block"]

When the included source changes, the msgid no longer matches, the page shows
the new English code, and ``sphinx-intl update`` marks the old entry fuzzy;
``tools/check_code_translations.py`` reports such entries.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.messages.pofile import read_po
from code_compare import code_differs
from docutils import nodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import Locale
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import is_translatable

if TYPE_CHECKING:
    from babel.messages.catalog import Message
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


class TranslateCodeBlocks(SphinxTransform):
    """Apply code-block translations that change nothing but comments."""

    default_priority = Locale.default_priority - 1  # just before Locale

    def apply(self, **kwargs: Any) -> None:
        if not self._enabled():
            return
        domain = docname_to_domain(self.env.current_document.docname, self.config.gettext_compact)
        dirs = [self.env.srcdir / directory for directory in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, self.config.language, domain)
        if not has_catalog:
            return
        po_files = [d / self.config.language / "LC_MESSAGES" / f"{domain}.po" for d in dirs]
        po_catalogs: list[tuple[Path, Any]] | None = None  # read on first need

        for node in list(self.document.findall(nodes.literal_block)):
            if not is_translatable(node):
                continue
            msgid = node.rawsource or node.astext()
            msgstr = catalog.gettext(msgid)
            if not msgstr or msgstr == msgid:
                continue  # untranslated or identical: Locale's usual handling is fine
            if po_catalogs is None:
                po_catalogs = [(p, _read_po(p)) for p in po_files if p.is_file()]
            path, entry = _find_entry(po_catalogs, msgid)
            node["translatable"] = False  # from here on, Locale must not touch it
            problem = code_differs(msgid, msgstr, node.get("language"))
            if problem is None and _has_numbered_lines(node) and (
                    msgstr.count("\n") != msgid.count("\n")):
                problem = "line count changed in a block with line numbers or emphasize-lines"
            if problem:
                location = f"{_show_path(path)}:{entry.lineno}" if entry else node
                logger.warning("translated code differs from its source outside comments: %s",
                               problem, location=location, type="i18n", subtype="code")
                node["translated"] = False
                continue
            node.rawsource = msgstr  # the highlighter wants rawsource == astext()
            node[:] = [nodes.Text(msgstr)]
            node["translated"] = True

    def _enabled(self) -> bool:
        language = self.config.language or "en"
        return (
            language.replace("-", "_").split("_")[0] != "en"
            and "literal-block" in self.config.gettext_additional_targets
        )


def _read_po(path: Path) -> Any:
    with path.open("rb") as file:
        return read_po(file)


def _find_entry(po_catalogs: list[tuple[Path, Any]], msgid: str) -> tuple[Path, Message | None]:
    """The first ``.po`` entry for *msgid* with a msgstr, as the ``.mo`` lookup would find."""
    for path, po in po_catalogs:
        entry = po.get(msgid)
        if entry is not None and entry.string:
            return path, entry
    return Path(), None


def _has_numbered_lines(node: nodes.literal_block) -> bool:
    return bool(node.get("linenos") or node.get("highlight_args", {}).get("hl_lines"))


def _show_path(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _add_transform(app: Sphinx) -> None:
    # Only for a builder that reads the catalogs: the gettext builder must extract the English code.
    if app.builder.use_message_catalog:
        app.add_transform(TranslateCodeBlocks)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", _add_transform)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
