"""Read the guide's MyST pages as a reader sees them: code blocks, commands, doctests.

One reader for every tool and test that looks inside the pages. It parses
with MyST-Parser's own Markdown parser, so a block nested in a list or an
admonition is found like any other, and each block knows its page and line.
A ``literalinclude`` is resolved with Sphinx's own reader, so ``text`` is
exactly what the page shows.
"""
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PYTHON = {"python", "py", "python3"}


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    kind: str  # "console", "literalinclude", "doctest", or the directive/language name
    language: str = ""
    text: str = ""  # what the page shows
    options: dict = field(default_factory=dict)
    source: Path | None = None  # the included file, for a literalinclude
    error: str = ""  # why the included text could not be read

    @property
    def caption(self):
        """The file the block belongs in, as the page names it (``:caption:``, Markdown escapes undone)."""
        return re.sub(r"\\(.)", r"\1", self.options.get("caption", ""))

    @property
    def is_python(self):
        return self.language in PYTHON

    @property
    def where(self):
        shown = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{shown}:{self.line}"

    def commands(self):
        """A console block's commands (``$ `` lines), each with the output lines shown after it."""
        found = []
        for line in self.text.splitlines():
            if line.startswith("$ "):
                found.append((line[2:].strip(), []))
            elif found and line.strip():
                found[-1][1].append(line)
        return found


def _options(content):
    """Split a directive's body into its ``:name: value`` options and the rest."""
    options, lines = {}, content.splitlines()
    while lines and lines[0].startswith(":"):
        name, _, value = lines.pop(0)[1:].partition(":")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        options[name.strip()] = value
    return options, "".join(f"{line}\n" for line in lines)


@cache
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist"}), RendererHTML)


def included_text(page, argument, options):
    """The text a ``literalinclude`` shows, read as Sphinx reads it; and the file."""
    from sphinx.directives.code import LiteralIncludeReader

    path = (DOCS / argument.lstrip("/")) if argument.startswith("/") else (page.parent / argument)
    path = path.resolve()
    reader_options = {k: v for k, v in options.items() if k in {"pyobject", "start-after", "end-before",
                                                                 "start-at", "end-at"}}
    if "dedent" in options:  # a number, or empty for "as much as the lines allow"
        reader_options["dedent"] = int(options["dedent"]) if options["dedent"] else None
    text, _ = LiteralIncludeReader(path, reader_options, SimpleNamespace(source_encoding="utf-8")).read()
    return text, path


def blocks(page):
    """Every fenced block of a page, in order."""
    page = Path(page)
    found = []
    for token in _parser().parse(page.read_text(encoding="utf-8")):
        if token.type != "fence":
            continue
        info = token.info.strip()
        line = token.map[0] + 1
        if info.startswith("{"):
            directive, _, argument = info[1:].partition("}")
            options, body = _options(token.content)
            block = Block(page, line, directive, options.get("language", ""), body, options)
            if directive == "literalinclude":
                try:
                    block.text, block.source = included_text(page, argument.strip(), options)
                except (OSError, ValueError) as exc:  # a missing file or marker
                    block.error = str(exc)
            elif directive == "code-block":
                block.language = argument.strip()
        else:
            language = info.split()[0] if info else ""
            block = Block(page, line, "console" if language == "console" else language, language, token.content)
        found.append(block)
    return found


def front_matter(page):
    """The page's YAML front matter, as a dict (empty if it has none)."""
    import yaml

    text = Path(page).read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text[4:text.index("\n---", 4)]) or {}


def pages_in_order():
    """The page names of the root toctrees, in reading order, after ``index``."""
    names = ["index"]
    for block in blocks(DOCS / "index.md"):
        if block.kind == "toctree":
            names += [line.strip() for line in block.text.splitlines() if line.strip()]
    return names
