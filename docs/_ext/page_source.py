"""Where each page comes from: links to edit it and to report a problem, and when it last changed.

Usage, in conf.py::

    extensions = [..., "page_source"]
    page_source_repository = "https://github.com/owner/repo"  # optional: no links without it
    page_source_branch = "main"  # the default: where edits go

Every page of the HTML build gets ``page_source`` in its template context
(docs/_templates/page.html shows it in the footer):

``files``
    The page's source files, as paths from the folder of conf.py: its
    ``docs/<page>.md`` and, in a translation, its catalog
    ``locale/<language>/LC_MESSAGES/<page>.po``.
``edit_url``, ``translation``
    The last of them on GitHub's editor, and whether that is a translation
    catalog (the link then says so).
``issue_url``
    A new issue whose title and text name the page, its address, its
    language and its source files.
``changed``, ``changed_text``
    When the page last changed: the date of the newest commit of its files
    (``git log``), in the page's language. Outside a Git checkout, or for
    files Git does not know yet, the date of the build (``SOURCE_DATE_EPOCH``
    when set). A shallow clone gives recent dates: Read the Docs fetches the
    whole history first (.readthedocs.yaml).

``edit_url`` and ``issue_url`` are empty when no repository is set.
"""

from __future__ import annotations

import os
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from babel.dates import format_date
from sphinx.locale import _

if TYPE_CHECKING:
    from datetime import date

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def source_files(app: Sphinx, docname: str) -> list[Path]:
    """The page's source and, in a translation, its catalog if it has one."""
    files = [Path(app.env.doc2path(docname))]
    language = app.config.language
    for folder in app.config.locale_dirs:
        catalog = Path(app.srcdir, folder, language, "LC_MESSAGES", f"{docname}.po")
        if catalog.is_file():
            files.append(catalog)
            break
    return files


def last_changed(files: list[Path]) -> date:
    """The date of the newest commit of ``files``, else of the build."""
    try:
        log = subprocess.run(["git", "log", "-1", "--format=%ct", "--", *map(str, files)], cwd=files[0].parent,
                             capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):  # no git, or not a Git checkout
        log = ""
    stamp = int(log or os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    return datetime.fromtimestamp(stamp, UTC).date()


def _add_source(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                doctree: Any) -> None:
    config = app.config
    if app.builder.name != "html" or pagename not in app.env.found_docs:
        return
    files = source_files(app, pagename)
    paths = [os.path.relpath(file, app.confdir).replace(os.sep, "/") for file in files]
    changed = last_changed(files)
    source = {
        "files": paths,
        "translation": paths[-1].endswith(".po"),
        "changed": changed.isoformat(),
        "changed_text": format_date(changed, format="long", locale=config.language or "en"),
        "edit_url": "",
        "issue_url": "",
    }
    repository = config.page_source_repository.rstrip("/")
    if repository:
        uri = app.builder.get_target_uri(pagename)
        address = config.html_baseurl.rstrip("/") + "/" + uri if config.html_baseurl else uri
        body = "\n".join([f"Page: {address}", f"Language: {config.language}", f"Source: {', '.join(paths)}",
                          "", str(_("What is wrong on this page?")), ""])
        source["edit_url"] = f"{repository}/edit/{config.page_source_branch}/{paths[-1]}"
        source["issue_url"] = f"{repository}/issues/new?" + urlencode(
            {"title": f"[{config.language}] {pagename}: ", "body": body})
    context["page_source"] = source


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("page_source_repository", "", "html", types=[str])
    app.add_config_value("page_source_branch", "main", "html", types=[str])
    app.connect("html-page-context", _add_source)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
