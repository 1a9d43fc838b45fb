"""Sphinx configuration for the Celery + Django guide (English and Korean).

Sources are MyST Markdown in ``docs/``; the Korean translation lives in
``locale/ko/LC_MESSAGES/`` as one catalog per page. Build with ``make html``.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

# -- Project -----------------------------------------------------------------

project = "Celery + Django"
author = "The Celery + Django guide authors"
copyright = "2026, " + author
release = "2026.11"

# -- General -----------------------------------------------------------------

extensions = [
    # Sphinx's own
    "sphinx.ext.doctest",
    # Third-party
    "myst_parser",
    "sphinx_copybutton",
    # This project's own (docs/_ext/)
    "doctest_worker",
    "example_archive",
    "interface_strings",
    "korean_search",
    "language_links",
    "page_description",
    "site_files",
    "task_diagram",
    "tested_with",
    "translated_code",
    "fast_translation",
]

root_doc = "index"
# _generated: files written by the build, e.g. the example's archive (docs/_ext/example_archive.py).
exclude_patterns = ["_ext", "_root", "_build", "_generated"]
templates_path = ["docs/_templates"]  # relative to conf.py

# Every cross-reference must resolve: a broken one fails the build.
nitpicky = True

# -- MyST --------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- Internationalisation ------------------------------------------------------

# Absolute: Sphinx resolves a relative path from docs/, sphinx-intl from here.
locale_dirs = [str(ROOT / "locale")]
# One catalog per page, mirroring the page tree.
gettext_compact = False
# Keep msgids stable when a paragraph's wrapping changes.
gettext_uuid = False
gettext_location = True
# Code blocks become catalog entries so that their comments can be translated;
# docs/_ext/translated_code.py applies them and refuses changes to the code.
gettext_additional_targets = ["literal-block"]

# -- HTML --------------------------------------------------------------------

html_theme = "furo"
html_title = "Celery + Django"
html_static_path = ["docs/_static"]
# Korean typography, scoped to :lang(ko): English pages are unchanged.
# guide.css: the language switcher and the task diagram (docs/_ext/task_diagram.py).
html_css_files = ["korean.css", "guide.css"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
# Drawn for the guide; an SVG icon is sharp at every size.
html_favicon = "docs/_static/favicon.svg"
# Furo's sidebar with the language switcher under the search box, and without
# Read the Docs' ad and version menus: nothing is loaded from another host.
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/search.html", "language-switcher.html",
                        "sidebar/scroll-start.html", "sidebar/navigation.html", "sidebar/scroll-end.html"]}
# The published address of the folder holding en/ and ko/, for canonical,
# hreflang and sitemap URLs: set GUIDE_BASE_URL when building for a real host.
language_links_site_url = os.environ.get("GUIDE_BASE_URL", "https://celery-django.example.org/")
# Read the Docs publishes each language as a project of its own, at this address.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
# The copy button copies commands without their prompts, and no output lines.
copybutton_prompt_text = r"\$ |>>> |\.\.\. "
copybutton_prompt_is_regexp = True

# The combinations of Python, Django and Celery that `make test-matrix` runs:
# every page's footer and the home page's table list them.
tested_with_matrix = str(ROOT / "requirements" / "matrix.toml")

# -- Doctest -----------------------------------------------------------------

# Doctests import the example project and run tasks on a real worker
# process, started once for the whole build (docs/_ext/doctest_worker.py).
doctest_global_setup = "import doctest_worker; doctest_worker.ensure_worker()"
doctest_test_doctest_blocks = ""  # only {doctest} directives run
