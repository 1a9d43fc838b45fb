"""The versions the guide's examples were run on, read from the test matrix.

Usage, in conf.py::

    extensions = [..., "tested_with"]
    tested_with_matrix = str(ROOT / "requirements" / "matrix.toml")

Every page's footer lists the combinations (``tested_with`` in the template
context, see docs/_templates/page.html), and the ``tested-versions``
directive writes them as a table. Both come from the file that
``make test-matrix`` runs, so the site cannot claim a combination that is
not tested.
"""
import tomllib
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

COLUMNS = ("python", "Django", "celery", "kombu", "django-celery-results", "django-celery-beat")
HEADINGS = ("Python", "Django", "Celery", "kombu", "django-celery-results", "django-celery-beat")


def combinations(config):
    return tomllib.loads(Path(config.tested_with_matrix).read_text(encoding="utf-8"))["combination"]


class TestedVersions(SphinxDirective):
    """A table of the tested combinations, the pinned one first."""

    def run(self):
        self.env.note_dependency(self.config.tested_with_matrix)
        table = nodes.table(classes=["tested-versions"])
        group = nodes.tgroup(cols=len(COLUMNS))
        table += group
        group += [nodes.colspec(colwidth=1) for _ in COLUMNS]
        group += nodes.thead("", self.row(HEADINGS))
        group += nodes.tbody("", *(self.row([c[name] for name in COLUMNS]) for c in combinations(self.config)))
        return [table]

    @staticmethod
    def row(cells):
        return nodes.row("", *(nodes.entry("", nodes.paragraph(text=str(cell))) for cell in cells))


def add_to_context(app, pagename, templatename, context, doctree):
    context["tested_with"] = combinations(app.config)


def setup(app):
    app.add_config_value("tested_with_matrix", "", "env")
    app.add_directive("tested-versions", TestedVersions)
    app.connect("html-page-context", add_to_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
