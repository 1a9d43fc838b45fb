"""Check the translations of code blocks in the Korean catalogs.

Usage::

    python tools/check_code_translations.py [--srcdir DIR] [PO_FILE_OR_DIR ...]

By default it reads ``locale/ko/LC_MESSAGES/**/*.po`` and the MyST pages in
``docs/``. A catalog ``LC_MESSAGES/<docname>.po`` belongs to the page
``<srcdir>/<docname>.md`` (``gettext_compact = False``). An entry is a code
block if its msgid contains a newline (prose msgids never do), is the text of
one of the page's code blocks, or sits at the line of a code fence without
being that fence's caption or name.

Reported, one ``path:line: message`` each (line of the msgid), for code blocks:

* a translation that changes more than comments (``code_compare.code_differs``);
* a fuzzy entry: Sphinx ignores it, the page shows the English code;
* an obsolete (``#~``) entry: its code is gone from the page;
* a translated entry whose msgid is no longer the text of any code block of
  the page (a fenced block edited, or the ``literalinclude``'d file changed
  since the last ``make update-po``): Sphinx will not find it either.

Untranslated entries are not reported. Exit status 1 if anything is reported,
0 otherwise. ``main(argv)`` is importable for a lint.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from code_compare import code_differs  # noqa: E402

CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "literalinclude",
                   "doctest", "testcode", "testoutput", "testsetup", "testcleanup"}
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$")


@dataclass
class Block:
    """One code block of a page: where it starts, its language, its current text."""

    line: int
    language: str | None
    text: str | None  # None if it cannot be worked out (e.g. a missing include)
    option_values: set[str] = field(default_factory=set)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        default=[ROOT / "locale" / "ko" / "LC_MESSAGES"])
    parser.add_argument("--srcdir", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)

    problems = []
    for po_path in _po_files(args.paths):
        problems += check_catalog(po_path, args.srcdir)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def check_catalog(po_path: Path, srcdir: Path) -> list[str]:
    """Problems with the code-block entries of one ``.po`` file."""
    try:
        with po_path.open("rb") as file:
            catalog = read_po(file)
    except (UnicodeError, LookupError, ValueError):
        return []  # not UTF-8, or an unknown charset: tools/lint_po.py reports where
    shown = _show_path(po_path)
    page = _page_for(po_path, srcdir)
    if page is None:
        return []  # a catalog with no page (or sphinx.po) is for tools/lint_po.py
    blocks = page_blocks(page, srcdir)
    by_text = {block.text: block for block in blocks if block.text is not None}
    by_line = {block.line: block for block in blocks}

    problems = []
    for entry in catalog.obsolete.values():
        if "\n" in entry.id and entry.string:
            problems.append(f"{shown}:{entry.lineno}: obsolete translation of a code block "
                            "(#~): move its comments to the current entry, then delete it")
    for entry in catalog:
        if not entry.id or not isinstance(entry.id, str):
            continue
        located = [by_line[int(line)] for _, line in entry.locations if line in by_line]
        block = by_text.get(entry.id)
        is_code = "\n" in entry.id or block is not None or any(
            entry.id not in b.option_values for b in located)
        if not is_code or not entry.string:
            continue
        block = block or (located[0] if located else None)
        language = block.language if block else None
        where = f"{shown}:{entry.lineno}:"
        difference = code_differs(entry.id, entry.string, language)
        if entry.fuzzy:
            problems.append(f"{where} fuzzy translation of a code block: the page shows the "
                            "English code; update the msgstr to the msgid and drop 'fuzzy'"
                            + (f" (now differs: {difference})" if difference else ""))
            continue
        if difference:
            problems.append(f"{where} translated code differs from its source outside "
                            f"comments: {difference}")
        if entry.id not in by_text and not any(b.text is None for b in blocks):
            problems.append(f"{where} stale translation: no code block of {_show_path(page)} "
                            "has this text any more (run make update-po)")
    return problems


def page_blocks(page: Path, srcdir: Path) -> list[Block]:
    """The code blocks of a MyST page, with the text Sphinx gives each one."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    open_directives: list[str] = []  # closing fences of non-code directives we are inside
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        i += 1
        if not match:
            continue
        fence, info = match["fence"], match["info"].strip()
        if open_directives and not info and fence.startswith(open_directives[-1]):
            open_directives.pop()
            continue
        name, _, argument = info.partition("}") if info.startswith("{") else ("", "", info)
        name = name.lstrip("{")
        body = []
        if name and name not in CODE_DIRECTIVES:
            open_directives.append(fence)  # prose inside: keep looking for code blocks
            continue
        start = i
        while i < len(lines) and not re.match(rf"^ *{re.escape(fence)}{fence[0]}*\s*$", lines[i]):
            body.append(_unindent(lines[i], len(match["indent"])))
            i += 1
        i += 1  # the closing fence
        blocks.append(_block(start, name, argument.strip(), body, page, srcdir))
    return blocks


def _block(line: int, name: str, argument: str, body: list[str], page: Path,
           srcdir: Path) -> Block:
    if not name:  # a plain fence: its text is its lines
        return Block(line, argument.split()[0] if argument else None, "\n".join(body) + "\n")
    options, body = _split_options(body)
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    values = set(options.values()) - {None}
    if name == "literalinclude":
        language = options.get("language") or (
            "python" if argument.endswith(".py") else None)
        return Block(line, language, _include(argument, options, page, srcdir), values)
    language = {"doctest": "pycon", "testoutput": "none"}.get(name) or argument or None
    if name in ("testcode", "testsetup", "testcleanup"):
        language = "python"
    return Block(line, language, "\n".join(body), values)


def _split_options(body: list[str]) -> tuple[dict[str, str | None], list[str]]:
    options: dict[str, str | None] = {}
    if body and body[0].strip() == "---":  # a YAML block
        end = next((n for n, text in enumerate(body[1:], 1) if text.strip() == "---"), 0)
        for text in body[1:end]:
            key, _, value = text.partition(":")
            options[key.strip()] = _unquote(value.strip()) or None
        return options, body[end + 1:]
    n = 0
    while n < len(body) and (option := OPTION.match(body[n])):
        options[option["key"]] = _unquote(option["value"] or "") or None
        n += 1
    return options, body[n:]


def _include(argument: str, options: dict[str, str | None], page: Path,
             srcdir: Path) -> str | None:
    from sphinx.directives.code import LiteralInclude, LiteralIncludeReader

    path = srcdir / argument.lstrip("/") if argument.startswith("/") else page.parent / argument
    try:
        spec = LiteralInclude.option_spec
        converted = {key: spec[key](value) for key, value in options.items() if key in spec}
        config = types.SimpleNamespace(source_encoding="utf-8-sig")
        text, _ = LiteralIncludeReader(path, converted, config).read()
    except Exception:  # a broken include is the build's to report
        return None
    return text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _unindent(line: str, indent: int) -> str:
    return line[min(indent, len(line) - len(line.lstrip(" "))):]


def _po_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*.po")) if path.is_dir() else [path]
    return files


def _page_for(po_path: Path, srcdir: Path) -> Path | None:
    parts = po_path.resolve().with_suffix("").parts
    docname = "/".join(parts[parts.index("LC_MESSAGES") + 1:]) if "LC_MESSAGES" in parts \
        else po_path.stem
    for suffix in (".md", ".rst"):
        if (page := srcdir / (docname + suffix)).is_file():
            return page
    return None


def _show_path(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
