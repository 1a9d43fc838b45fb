"""Sphinx configuration for the Celery + Django guide (English and Korean).

Sources are MyST Markdown in ``docs/``; the Korean translation lives in
``locale/ko/LC_MESSAGES/`` as one catalog per page. Build with ``make html``.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from languages import LANGUAGES  # noqa: E402 (docs/languages.toml, the one list of languages)

# -- Project -----------------------------------------------------------------

project = "Celery + Django"
author = "The Celery + Django guide authors"
copyright = "2026, " + author
release = "2026.11"
version = release  # EPUB needs one

# -- General -----------------------------------------------------------------

extensions = [
    # Sphinx's own
    "sphinx.ext.doctest",
    # Third-party
    "myst_parser",
    "sphinx_copybutton",
    "notfound.extension",  # configured by site_files
    # This project's own (docs/_ext/)
    "doctest_worker",
    "example_archive",
    "interface_strings",
    "korean_search",
    "language_links",
    "link_previews",
    "offline_copies",
    "page_description",
    "page_source",
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
# guide.js: keyboard access to the drawers on narrow screens, Korean emphasis marks.
html_js_files = ["guide.js"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
# Drawn for the guide; an SVG icon is sharp at every size.
html_favicon = "docs/_static/favicon.svg"
# Furo's sidebar with the language switcher under the search box, and without
# Read the Docs' ad and version menus: nothing is loaded from another host.
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/search.html", "language-switcher.html",
                        "sidebar/scroll-start.html", "sidebar/navigation.html", "sidebar/scroll-end.html"]}
language_links_languages = {code: settings["name"] for code, settings in LANGUAGES.items()}
# The published address of the folder holding en/ and ko/, for canonical,
# hreflang, sitemap and link-preview URLs: set GUIDE_BASE_URL when building for
# a real host. Without it, those are left out (the build says so).
language_links_site_url = os.environ.get("GUIDE_BASE_URL", "")
# Read the Docs publishes each language as a project of its own, at this address.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
# The repository, for each page's "Edit" and "Report a problem" links, e.g.
# https://github.com/owner/repo: set GUIDE_REPOSITORY. Without it, no links.
page_source_repository = os.environ.get("GUIDE_REPOSITORY", "")
page_source_branch = "main"  # where edits go
# Link previews (docs/_ext/link_previews.py, with sphinxext-opengraph): og:locale of each language.
link_previews_locales = {code: settings["locale"] for code, settings in LANGUAGES.items()}
# The offline copies' file name: tools/offline.py writes <name>.epub and <name>.zip
# into each language's offline/ folder, and the home page links to them.
site_files_offline_name = "celery-django-{language}"

# The copy button copies commands without their prompts, and no output lines.
copybutton_prompt_text = r"\$ |>>> |\.\.\. "
copybutton_prompt_is_regexp = True

# The combinations of Python, Django and Celery that `make test-matrix` runs:
# every page's footer and the home page's table list them.
tested_with_matrix = str(ROOT / "requirements" / "matrix.toml")

# -- EPUB (tools/offline.py) -------------------------------------------------

# korean.css styles Furo's pages (html:lang(ko), <article>), which the EPUB
# theme's pages are not, and epubcheck 4 cannot parse its :is() selectors.
epub_css_files = [name for name in html_css_files if name != "korean.css"]
epub_exclude_files = ["_static/korean.css"]

# -- Doctest -----------------------------------------------------------------

# Doctests import the example project and run tasks on a real worker
# process, started once for the whole build (docs/_ext/doctest_worker.py).
doctest_global_setup = "import doctest_worker; doctest_worker.ensure_worker()"
doctest_test_doctest_blocks = ""  # only {doctest} directives run
