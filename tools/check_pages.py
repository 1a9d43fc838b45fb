"""Check that the code on the pages is run, and that a reader can copy it.

Usage: python -m tools.check_pages [page.md ...]   (default: docs/**/*.md)

- Python on a page must come from example/ (``literalinclude``) or run as a
  doctest; a fenced ``python`` block is neither.
- ``literalinclude`` picks its lines by ``:pyobject:`` or markers, never by
  line numbers, which go stale silently when the file changes.
- Every included file names, in ``:caption:``, the file a reader puts it in.
- A ``diff`` block (lines a reader deletes) names its file and shows only
  ``-`` lines.
- No included Python block imports the example's scaffolding (proj/env.py,
  proj/broker.py, proj/checks.py).
- Every included Python block defines or imports each name it uses. It is
  checked as the page shows it, after what the reader's file already holds:
  the file ``django-admin startproject proj`` and ``startapp demoapp`` make,
  and the page's earlier blocks for the same file.
"""
import re
import sys
import tempfile
from functools import cache
from pathlib import Path

from pyflakes import checker, messages

from tools.pages import ROOT, blocks

PYTHON = {"python", "py", "python3", "pycon", "ipython"}
# The example's own scaffolding, which a reader's project does not have.
SCAFFOLDING = re.compile(r"^\s*(?:from|import) +(?:proj\.(?:env|broker|checks)\b|\. +import +checks\b)", re.M)


@cache
def new_project():
    """The files of a new project and app, as a reader starts from: {path: text}."""
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        call_command("startproject", "proj", folder, verbosity=0)
        (Path(folder) / "demoapp").mkdir()
        call_command("startapp", "demoapp", str(Path(folder) / "demoapp"), verbosity=0)
        return {str(p.relative_to(folder)): p.read_text() for p in Path(folder).rglob("*.py")}


def undefined_names(code, context):
    """The names ``code`` uses without defining them, after ``context`` has run: [(line, name)]."""
    import ast

    full = context + "\n" + code
    offset = full.count("\n", 0, len(context) + 1)
    tree = ast.parse(full)
    found = checker.Checker(tree, builtins=("__file__",))
    return [(m.lineno - offset, m.message_args[0]) for m in found.messages
            if isinstance(m, messages.UndefinedName) and m.lineno > offset]


def problems(path: Path):
    """Yield (line number, message) for each rule the page breaks."""
    earlier = {}  # caption -> the page's earlier Python blocks for that file
    for block in blocks(path):
        if block.kind not in {"literalinclude", "code-block", "doctest"} and block.language in PYTHON:
            yield block.line, (f"fenced {block.language} block is not run: literalinclude it from "
                               "example/ or use {doctest}")
        if block.kind == "code-block" and block.language in PYTHON:
            yield block.line, "code-block of Python is not run: literalinclude it from example/ or use {doctest}"
        if block.kind == "code-block" and block.language == "diff":
            # Lines a reader deletes from a file (the upgrade page): the file is named, every line struck out.
            if not block.caption:
                yield block.line, "a diff block needs a :caption: naming the file its lines are deleted from"
            if any(not line.startswith("-") for line in block.text.splitlines()):
                yield block.line, "a diff block shows only lines to delete, each starting with '-'"
        if block.kind != "literalinclude":
            continue
        if block.error:
            yield block.line, block.error
            continue
        if "lines" in block.options:
            yield block.line, "literalinclude picks lines by number: use :pyobject: or markers"
        if not block.caption:
            yield block.line, "literalinclude has no :caption: naming the file a reader puts it in"
            continue
        if not block.is_python:
            continue
        if SCAFFOLDING.search(block.text):
            yield block.line, (f"{block.caption} imports the example's scaffolding (proj/env.py, broker.py or "
                               "checks.py), which a reader's project lacks: keep it outside the shown markers")
        context = "\n".join([new_project().get(block.caption, ""), *earlier.get(block.caption, [])])
        try:
            undefined = undefined_names(block.text, context)
        except SyntaxError as exc:
            yield block.line, f"{block.caption} does not parse as the page shows it: {exc.msg}"
            continue
        for line, name in undefined:
            yield block.line, (f"{block.caption} uses {name!r} (line {line} of the block) without "
                               "importing or defining it: show the import in the included lines")
        earlier.setdefault(block.caption, []).append(block.text)


def main(argv=None) -> int:
    paths = [Path(p) for p in (argv or [])] or sorted((ROOT / "docs").rglob("*.md"))
    count = 0
    for path in paths:
        for number, message in problems(path):
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            print(f"{shown}:{number}: {message}")
            count += 1
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
