"""The interface in the page's language: the project's ``sphinx`` catalog, used everywhere.

Usage, in conf.py (after ``sphinx_copybutton``)::

    extensions = [..., "sphinx_copybutton", "interface_strings"]
    templates_path = ["docs/_templates"]  # its page.html applies the filter below

and the missing translations in ``locale/<language>/LC_MESSAGES/sphinx.po``.
Sphinx compiles that catalog at start and reads it before its own, for its
interface and for the theme's templates. This extension takes it where Sphinx
does not:

* the search page's messages: ``_static/translations.js`` is Sphinx's own
  for the language, with the project's translations merged in (and Sphinx's
  empty ones dropped, so that an untranslated message shows in English
  rather than as nothing);
* sphinx-copybutton's "Copy", "Copy to clipboard", "Copied!" and "Failed to
  copy": its script gets an entry for the language;
* the ``interface_strings`` template filter translates the ``aria-label`` and
  ``placeholder`` attributes and the SVG ``<title>`` texts that a theme
  writes without gettext (Furo's theme toggle and icons).

The two scripts are generated in ``<doctreedir>/interface_strings/``, which is
added to ``html_static_path`` after the extensions' folders, so the pages'
``?v=`` checksums are those of the files served.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.pofile import read_po
from sphinx.locale import get_translator
from sphinx.util import logging
from sphinx.util.i18n import CatalogRepository

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

COPYBUTTON_MESSAGES = {
    "copy": "Copy",
    "copy_to_clipboard": "Copy to clipboard",
    "copy_success": "Copied!",
    "copy_failure": "Failed to copy",
}
# sphinx-copybutton's template picks its language on this line.
COPYBUTTON_MARKER = "let locale = 'en'"
ATTRIBUTE = re.compile(r'(\s(?:aria-label|placeholder)=")([^"<>]+)(")')
SVG_TITLE = re.compile(r"(<title>)([^<]+)(</title>)")
JS_CALL = re.compile(r"Documentation\.addTranslations\((.*)\);?\s*$", re.S)


def translate_labels(markup: str) -> str:
    """``markup`` with its labels and icon titles translated where the catalog can."""
    translator = get_translator()

    def replace(match: re.Match[str]) -> str:
        text = html.unescape(match[2]).strip()
        translated = translator.gettext(text) if text else text
        if translated == text:
            return match[0]
        return match[1] + html.escape(translated, quote=True) + match[3]

    return SVG_TITLE.sub(replace, ATTRIBUTE.sub(replace, markup))


def project_messages(app: Sphinx) -> dict[str | tuple[str, str], str | list[str]]:
    """The translated, non-fuzzy messages of the project's ``sphinx`` catalogs."""
    repo = CatalogRepository(app.srcdir, app.config.locale_dirs, app.config.language,
                             app.config.source_encoding)
    found: dict[str | tuple[str, str], str | list[str]] = {}
    for catalog in repo.catalogs:
        if catalog.domain != "sphinx":
            continue
        with open(catalog.po_path, "rb") as file:
            for message in read_po(file, locale=app.config.language):
                if message.id and message.string and not message.fuzzy:
                    string = message.string
                    if isinstance(string, tuple) and not all(string):
                        continue
                    found.setdefault(message.id, list(string) if isinstance(string, tuple) else string)
    return found


def translations_js(app: Sphinx, base_file: Path) -> str:
    """Sphinx's JavaScript catalog for the language, with the project's messages in it."""
    data = json.loads(JS_CALL.search(base_file.read_text(encoding="utf-8"))[1])
    messages = {key: value for key, value in data["messages"].items()
                if value and (isinstance(value, str) or all(value))}
    for msgid, string in project_messages(app).items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        if key in data["messages"]:  # only what the scripts ask for
            messages[key] = string
    data["messages"] = dict(sorted(messages.items()))
    return "Documentation.addTranslations(" + json.dumps(data, ensure_ascii=False) + ");\n"


def copybutton_template(language: str) -> str | None:
    """sphinx-copybutton's script template with the language's messages, if it is installed."""
    try:
        import sphinx_copybutton
    except ImportError:
        return None
    template = Path(sphinx_copybutton.__file__).with_name("_static") / "copybutton.js_t"
    text = template.read_text(encoding="utf-8")
    translator = get_translator()
    strings = {key: translator.gettext(value) for key, value in COPYBUTTON_MESSAGES.items()}
    if strings == COPYBUTTON_MESSAGES:
        return None
    if COPYBUTTON_MARKER not in text:
        logger.warning("interface_strings: %r not found in %s: copy button labels stay in English",
                       COPYBUTTON_MARKER, template, type="interface_strings")
        return None
    entry = f"messages[{json.dumps(language)}] = {json.dumps(strings, ensure_ascii=False)};\n"
    return text.replace(COPYBUTTON_MARKER, entry + COPYBUTTON_MARKER, 1)


def _write_scripts(app: Sphinx) -> None:
    builder = app.builder
    if builder.format != "html":
        return
    builder.templates.environment.filters["interface_strings"] = translate_labels
    language = app.config.language or "en"
    if language.split("_")[0].split("-")[0] == "en":
        return
    folder = Path(app.doctreedir) / "interface_strings"
    shutil.rmtree(folder, ignore_errors=True)  # nothing left from an earlier build
    folder.mkdir(parents=True)
    # Sphinx links translations.js only when it has one for the language. No public API names
    # that file (Sphinx looks in locale_dirs, its own package and sys.prefix), so this asks the
    # builder's own lookup; tests/test_extensions.py fails if that stops working.
    base = builder._get_translations_js() if hasattr(builder, "_get_translations_js") else None
    if base is not None:
        (folder / "translations.js").write_text(translations_js(app, base), encoding="utf-8")
    if "sphinx_copybutton" in app.extensions and (text := copybutton_template(language)):
        (folder / "copybutton.js_t").write_text(text, encoding="utf-8")
    app.config.html_static_path.append(str(folder))


def setup(app: Sphinx) -> ExtensionMetadata:
    # After sphinx-copybutton adds its static folder (default priority 500).
    app.connect("builder-inited", _write_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
