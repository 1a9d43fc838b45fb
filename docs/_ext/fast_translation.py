"""Make translated builds about as fast as English ones.

Usage, in conf.py: ``extensions = [..., "fast_translation"]``

Sphinx parses every translated message on its own, with the page's parser.
For each one MyST-Parser builds a throw-away document whose default settings
(docutils rebuilds several hundred command-line options for them) cost far
more than parsing the message. The settings depend only on the parser class,
so they are built once and each document gets its own copy (with a list of
its own for the files it depends on: a shallow copy would share it).
"""
import copy
import functools

from docutils.frontend import get_default_settings
from docutils.utils import DependencyList, new_document
from myst_parser.mdit_to_docutils import base


@functools.cache
def _default_settings(parser_cls):
    return get_default_settings(parser_cls)


def make_document(source_path="notset", parser_cls=base.RSTParser):
    """MyST's ``make_document``, with the default settings built once per parser class."""
    settings = copy.copy(_default_settings(parser_cls))
    settings.record_dependencies = DependencyList()
    return new_document(source_path, settings=settings)


def setup(app):
    base.make_document = make_document
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
