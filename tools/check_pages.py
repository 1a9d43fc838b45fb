"""Check the MyST pages for code that would be shown without being run.

Usage: python -m tools.check_pages [page.md ...]   (default: docs/**/*.md)

Python on a page must come from example/ (``literalinclude``) or run as a
doctest; a fenced ``python`` block is neither. ``literalinclude`` must pick
its lines by ``:pyobject:`` or markers, never by line numbers, which go stale
silently when the file changes.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\{[\w-]+\})?\s*([\w+-]*)")
PYTHON = {"python", "py", "python3", "pycon", "ipython"}


def problems(path: Path):
    """Yield (line number, message) for each rule the page breaks."""
    fence = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if fence:
            if line.strip().startswith(fence[0]) and not line.strip()[len(fence[0]):].strip():
                fence = None
            elif fence[1] == "{literalinclude}" and line.strip().startswith(":lines:"):
                yield number, "literalinclude picks lines by number: use :pyobject: or markers"
            continue
        match = FENCE.match(line.strip())
        if not match:
            continue
        marks, directive, argument = match.groups()
        fence = (marks, directive)
        if directive is None and argument in PYTHON:
            yield number, f"fenced {argument} block is not run: literalinclude it from example/ or use {{doctest}}"
        if directive == "{code-block}" and argument in PYTHON:
            yield number, "code-block of Python is not run: literalinclude it from example/ or use {doctest}"


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
