"""Check the Korean catalogs, or rewrap them in the one style they all use.

Usage::

    python -m tools.lint_po [--skip CHECK]... [PATH...]
    python -m tools.lint_po --format [PATH...]

PATH is a ``.po`` file or a directory searched for ``*.po``; by default every
catalog under ``locale/ko/LC_MESSAGES/``. Each problem is one line::

    path:line: [check] message (msgid: "first 60 characters…")

where line is that of the entry's ``msgid`` (file-wide problems name a line of
their own and no msgid). Exit status: 1 if anything was reported, else 0.

Checks:

syntax            msgfmt (``--check`` less its format-string check) and polib
                  both read the file; msgfmt's warnings are not reported.
markup            msgid and msgstr have the same inline code, role names and
                  targets (``{term}`표시 텍스트 <target>``` may differ in its
                  text), link and image targets, substitutions, footnote
                  references, and as many emphasis and strong spans.
rendering         the msgstr has no ``*``, ``_`` or backtick that MyST would
                  print as is (``**워커(worker)**를``), unless the msgid has it too.
untranslated      an entry without a translation.
fuzzy             a fuzzy entry: Sphinx ignores it.
obsolete          an obsolete (``#~``) entry.
obsolete-catalog  a catalog whose page ``docs/<page>.md`` is gone (``sphinx.po``
                  holds interface strings and has no page).
terms             the msgid uses a term of ``locale/ko/terms.tsv`` in its prose
                  (not in code, roles or link targets) and the msgstr lacks the
                  agreed Korean term (or, for a term kept in English, the word).
wrapping          the file is not wrapped the way sphinx-intl writes it (Babel,
                  width 76, breaking at spaces only, so never inside a Hangul
                  word; GNU msgcat does break Hangul words and is not used).

``--format`` rewraps the catalogs in that style: it re-flows every string
(``msgid``, ``msgstr``, ``msgctxt``, their ``#|``/``#~`` forms) and the
comments Babel wraps, and leaves every other line alone. A file is left
untouched, and reported, if polib would read it differently afterwards.

Code blocks are checked by ``tools/check_code_translations.py``, so the
entry checks here (markup, rendering, untranslated, fuzzy, obsolete) skip an
entry whose msgid contains a newline or starts with a doctest prompt ``>>> ``.
Sphinx writes every prose message on one line (``extract_messages`` turns
newlines, MyST's soft line breaks included, into spaces); only literal blocks
keep theirs, and a MyST code fence always ends in one. The body of a one-line
``{code-block}`` directive has none: it is checked like prose, which passes
as long as the code is copied unchanged.
"""
from __future__ import annotations

import argparse
import ast
import functools
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import polib
from babel.messages.pofile import normalize, unescape
from babel.util import TextWrapper

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "locale" / "ko" / "LC_MESSAGES"
SOURCE_SUFFIXES = (".md", ".rst")
WIDTH = 76  # what sphinx-intl passes to Babel's write_po

# Roles whose content is text to translate rather than a target.
TEXT_ROLES = {"abbr", "guilabel", "menuselection", "sub", "sup", "subscript", "superscript"}


@dataclass
class Catalog:
    """One .po file as read for the checks."""

    path: Path
    shown: str
    text: str | None = None
    po: polib.POFile | None = None
    error: tuple[int, str] | None = None  # (line, message) if it could not be read
    msgid_lines: dict[int, int] = field(default_factory=dict)  # id(entry) -> line

    def line(self, entry: polib.POEntry) -> int:
        return self.msgid_lines.get(id(entry), entry.linenum)


@dataclass
class Problem:
    line: int
    check: str
    message: str
    msgid: str | None = None

    def format(self, shown: str) -> str:
        text = f"{shown}:{self.line}: [{self.check}] {self.message}"
        if self.msgid is not None:
            short = self.msgid.replace("\n", "\\n")
            short = short[:60] + "…" if len(short) > 60 else short
            text += f' (msgid: "{short}")'
        return text


def load(path: Path) -> Catalog:
    cat = Catalog(path, show_path(path))
    try:
        cat.text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        cat.error = (path.read_bytes()[:exc.start].count(b"\n") + 1, "not valid UTF-8")
        return cat
    try:
        cat.po = polib.pofile(cat.text)
    except OSError as exc:
        match = re.search(r"\(line (\d+)\):?\s*(.*)", str(exc))
        cat.error = (int(match[1]), f"polib: {match[2] or 'syntax error'}") if match \
            else (1, f"polib: {exc}")
        return cat
    lines = cat.text.splitlines()
    for entry in cat.po:
        for number in range(entry.linenum, len(lines) + 1):
            if re.match(r"(#~\s*)?msgid\s", lines[number - 1]):
                cat.msgid_lines[id(entry)] = number
                break
    return cat


def show_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def is_code(entry: polib.POEntry) -> bool:
    """Whether the entry is a code block (see the module docstring)."""
    return "\n" in entry.msgid or entry.msgid.startswith(">>> ")


def entries(cat: Catalog, *, obsolete: bool = False) -> Iterator[polib.POEntry]:
    """The catalog's prose entries: current ones, or the obsolete ones."""
    if cat.po is not None:
        for entry in cat.po:
            if bool(entry.obsolete) == obsolete and not is_code(entry):
                yield entry


def translated(cat: Catalog) -> Iterator[polib.POEntry]:
    for entry in entries(cat):
        if entry.msgstr and not entry.fuzzy:
            yield entry


# --- syntax ------------------------------------------------------------------


def check_syntax(cat: Catalog) -> Iterator[Problem]:
    if cat.error:
        yield Problem(cat.error[0], "syntax", cat.error[1])
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        yield Problem(1, "syntax",
                      "msgfmt not found: install Debian's gettext (apt-get install gettext)")
        return
    # --check without --check-format: Sphinx formats no message, but Babel flags any msgid
    # with "50% o" or "{term}" as a format string, and msgfmt would then reject "50%가".
    run = subprocess.run([msgfmt, "--check-header", "--check-domain", "--output-file=/dev/null",
                          str(cat.path)], capture_output=True, text=True)
    located = re.compile(re.escape(str(cat.path)) + r":(\d+):(?:\d+:)?\s*(.*)")  # path:line[:col]:
    found = False
    for line in run.stderr.splitlines():
        if (match := located.match(line)) and not match[2].startswith("warning:"):
            found = True
            yield Problem(int(match[1]), "syntax", f"msgfmt: {match[2]}")
    if run.returncode and not found:
        yield Problem(1, "syntax", "msgfmt: " + " ".join(run.stderr.split()))


# --- markup ------------------------------------------------------------------


@functools.cache
def markdown():
    """A parser configured like the project's MyST (conf.py), plus substitutions."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    extensions = set(conf_value("myst_enable_extensions", [])) | {"substitution"}
    md = create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)
    md.disable("text_join")  # keep backslash escapes out of the text tokens
    return md


def conf_value(name: str, default):
    """A literal assigned in conf.py, read without running it."""
    for node in ast.parse((ROOT / "conf.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    return default


@functools.lru_cache(maxsize=4096)  # markup and rendering both parse each text
def inline_tokens(text: str) -> tuple:
    found = []
    for token in markdown().parse(text):
        if token.type == "inline":
            found += token.children
        elif token.type == "substitution_block":
            found.append(token)
    return tuple(found)


def role_key(name: str, content: str) -> str:
    if name in TEXT_ROLES:
        return f"{{{name}}}"
    target = re.match(r"(?s).*<([^<>]+)>\s*$", content)
    return f"{{{name}}}`{(target[1] if target else content).strip()}`"


def markup(text: str) -> dict[str, Counter]:
    """What must survive translation, by kind, each as it would be written."""
    found = {kind: Counter() for kind in
             ("inline code", "role", "link target", "substitution", "footnote",
              "emphasis", "strong")}
    for token in inline_tokens(text):
        if token.type == "code_inline":
            found["inline code"][f"`{token.content}`"] += 1
        elif token.type == "myst_role":
            found["role"][role_key(token.meta["name"], token.content)] += 1
        elif token.type == "link_open":
            found["link target"][f"<{token.attrs.get('href', '')}>"] += 1
        elif token.type == "image":
            found["link target"][f"<{token.attrs.get('src', '')}>"] += 1
        elif token.type.startswith("substitution_"):
            found["substitution"][f"{{{{ {token.content.strip()} }}}}"] += 1
        elif token.type == "footnote_ref":
            found["footnote"][f"[^{token.meta['label']}]"] += 1
        elif token.type == "em_open":
            found["emphasis"]["*"] += 1
        elif token.type == "strong_open":
            found["strong"]["**"] += 1
    return found


def check_markup(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        source, target = markup(entry.msgid), markup(entry.msgstr)
        for kind in source:
            want, got = source[kind], target[kind]
            if want == got:
                continue
            if kind in ("emphasis", "strong"):
                message = f"{kind}: {want.total()} in the msgid, {got.total()} in the msgstr"
            else:
                parts = []
                if lacks := want - got:
                    parts.append("msgstr lacks " + ", ".join(sorted(lacks.elements())))
                if adds := got - want:
                    parts.append("msgstr adds " + ", ".join(sorted(adds.elements())))
                message = f"{kind}: " + "; ".join(parts)
            yield Problem(cat.line(entry), "markup", message, entry.msgid)


# --- rendering ---------------------------------------------------------------

DELIMITER = re.compile(r"\*+|_+|`+")
HINTS = {
    "*": "CommonMark does not close `*`/`**` after punctuation when a letter follows "
         "(nor open it before punctuation when a letter precedes): keep the punctuation "
         "outside the markers, e.g. `**워커**(worker)를` instead of `**워커(worker)**를`",
    "_": "`_`/`__` never opens or closes inside a word, and a Korean particle makes it one: "
         "use `*`/`**` instead, e.g. `*강조*를`",
    "`": "a code span is not closed: close it with as many backticks as opened it",
}


def literal_delimiters(text: str) -> tuple[Counter, dict[str, str]]:
    """Runs of *, _ and ` that the parser left as text, and where the first of each is."""
    runs, where = Counter(), {}
    for token in inline_tokens(text):
        if token.type != "text":
            continue
        s = token.content
        for match in DELIMITER.finditer(s):
            before = s[match.start() - 1] if match.start() else ""
            after = s[match.end()] if match.end() < len(s) else ""
            if before.isspace() and after.isspace():
                continue  # "5 * 3": cannot be markup
            if match[0][0] == "_" and (before + after).isascii() and (before + after).isalnum():
                continue  # snake_case
            runs[match[0]] += 1
            where.setdefault(match[0][0], s[max(0, match.start() - 12):match.end() + 12])
    return runs, where


def check_rendering(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        runs, where = literal_delimiters(entry.msgstr)
        extra = runs - literal_delimiters(entry.msgid)[0]
        for kind in dict.fromkeys(run[0] for run in extra):
            shown = " ".join(repr(run) for run in sorted({r for r in extra if r[0] == kind}))
            yield Problem(cat.line(entry), "rendering",
                          f'{shown} is printed as is in "…{where[kind]}…": {HINTS[kind]}',
                          entry.msgid)


# --- translation state -------------------------------------------------------


def check_untranslated(cat: Catalog) -> Iterator[Problem]:
    for entry in entries(cat):
        if not entry.fuzzy and not entry.translated():
            yield Problem(cat.line(entry), "untranslated", "not translated yet", entry.msgid)


def check_fuzzy(cat: Catalog) -> Iterator[Problem]:
    for entry in entries(cat):
        if entry.fuzzy:
            yield Problem(cat.line(entry), "fuzzy",
                          "fuzzy: Sphinx shows the English until the msgstr is checked "
                          "and the fuzzy flag removed", entry.msgid)


def check_obsolete(cat: Catalog) -> Iterator[Problem]:
    for entry in entries(cat, obsolete=True):
        yield Problem(cat.line(entry), "obsolete",
                      "obsolete entry (#~): its text is gone from the page; reuse what "
                      "helps in the current entries, then delete it", entry.msgid)


def check_obsolete_catalog(cat: Catalog) -> Iterator[Problem]:
    parts = cat.path.resolve().parts
    if "LC_MESSAGES" not in parts:
        return
    at = len(parts) - 1 - parts[::-1].index("LC_MESSAGES")
    docs = Path(*parts[:at - 2]) / "docs"  # <root>/locale/<lang>/LC_MESSAGES
    page = "/".join(parts[at + 1:])[:-len(".po")]
    if page == "sphinx":
        return  # the interface strings: Sphinx merges this catalog with its own
    if docs.is_dir() and not any((docs / (page + s)).exists() for s in SOURCE_SUFFIXES):
        yield Problem(1, "obsolete-catalog",
                      f"no page docs/{page}.md for this catalog: delete it "
                      "(or git mv it along with its page)")


# --- terms -----------------------------------------------------------------

TERMS = ROOT / "locale" / "ko" / "terms.tsv"


@functools.lru_cache(maxsize=1)
def terms() -> list[tuple[str, str, re.Pattern]]:
    """(english, korean, pattern matching the English word and its plural) per row."""
    rows = []
    for line in TERMS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, korean = line.split("\t")[:2]
            stem = english[:-1] + "(?:y|ies)" if english.endswith("y") else english + "(?:e?s)?"
            # Not inside a hyphenated name or a path: "Celery" is not a term in "django-celery-beat",
            # nor "task" in "demoapp/tasks.py".
            rows.append((english, korean, re.compile(rf"(?<![\w/.-]){stem}(?![\w-]|[./]\w)", re.IGNORECASE)))
    return rows


def prose(text: str) -> str:
    """The text a reader reads as words: no code, roles or link targets."""
    return " ".join(t.content for t in inline_tokens(text) if t.type == "text")


def check_terms(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        source = prose(entry.msgid)
        for english, korean, pattern in terms():
            if pattern.search(source) and korean.lower() not in entry.msgstr.lower():
                yield Problem(cat.line(entry), "terms",
                              f"{english!r} is {korean!r} in the term list (locale/ko/terms.tsv)",
                              entry.msgid)


# --- wrapping ------------------------------------------------------------------

FIELD = re.compile(r'(?P<prefix>#~\|?|#\|)?\s*'
                   r'(?P<keyword>msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(?P<s>.*)"\s*$')
CONTINUATION = re.compile(r'(?P<prefix>#~\|?|#\|)?\s*"(?P<s>.*)"\s*$')
COMMENT_WRAPPER = TextWrapper(width=WIDTH, break_long_words=False)
HEADER_WRAPPER = TextWrapper(width=WIDTH, subsequent_indent="# ", break_long_words=False)


def formatted(text: str) -> str:
    """The catalog as Babel's write_po(width=76) would wrap it, nothing else changed."""
    lines, out, header = text.splitlines(), [], True
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        if match := FIELD.match(line):
            header = False
            raw = [match["s"]]
            while i < len(lines) and (more := CONTINUATION.match(lines[i])) \
                    and more["prefix"] == match["prefix"]:
                raw.append(more["s"])
                i += 1
            out += format_field(match["prefix"] or "", match["keyword"], "".join(raw),
                                lines[i - len(raw):i])
        elif line.startswith("#:"):
            locations = [line[2:].strip()]
            while i < len(lines) and lines[i].startswith("#:"):
                locations.append(lines[i][2:].strip())
                i += 1
            out += ["#: " + part for part in COMMENT_WRAPPER.wrap(" ".join(locations))]
        elif header and (line == "#" or line.startswith("# ")):
            out += HEADER_WRAPPER.wrap(line) or [line]
        elif line.startswith(("# ", "#. ")):
            mark = line[:line.index(" ")]
            parts = COMMENT_WRAPPER.wrap(line[len(mark):].strip())
            out += [f"{mark} {part}" for part in parts] if len(parts) > 1 else [line]
        elif line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n\n" if out else ""


def format_field(prefix: str, keyword: str, raw: str, original: list[str]) -> list[str]:
    if any(c not in '\\"ntr' for c in re.findall(r"\\(.)", raw)):
        return [line.rstrip() for line in original]  # an escape Babel does not read back
    lead = prefix + " " if prefix else ""
    value = unescape(f'"{raw}"')
    return f"{lead}{keyword} {normalize(value, prefix=lead, width=WIDTH)}".split("\n")


def check_wrapping(cat: Catalog) -> Iterator[Problem]:
    if cat.text is None or cat.po is None:
        return
    want = formatted(cat.text)
    if want == cat.text:
        return
    pairs = zip_longest(cat.text.split("\n"), want.split("\n"), fillvalue="")
    number, (have, expected) = next((n, pair) for n, pair in enumerate(pairs, 1)
                                    if pair[0] != pair[1])
    yield Problem(number, "wrapping",
                  f"not wrapped as sphinx-intl writes it (Babel, width {WIDTH}): run "
                  f"`python -m tools.lint_po --format {cat.shown}` (line is {have!r}, "
                  f"should be {expected!r})")


def signature(po: polib.POFile):
    """Everything polib reads from a catalog, comments compared word by word."""
    def words(text):
        return " ".join((text or "").split())

    return (words(po.header), list(po.metadata.items()), bool(po.metadata_is_fuzzy), [
        (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()),
         bool(e.obsolete), sorted(e.flags), e.occurrences, words(e.comment), words(e.tcomment),
         e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural)
        for e in po])


def format_file(cat: Catalog) -> tuple[bool, str]:
    """Rewrap the file; return whether all went well, and what happened."""
    if cat.text is None or cat.po is None:
        return False, f"left alone: cannot be read ({cat.error[1] if cat.error else '?'})"
    new = formatted(cat.text)
    if new == cat.text:
        return True, ""
    try:
        same = signature(polib.pofile(new)) == signature(cat.po)
    except OSError:
        same = False
    if not same:
        return False, "left alone: rewrapping would change what polib reads from it"
    cat.path.write_text(new, encoding="utf-8")
    return True, "rewrapped"


# --- running -----------------------------------------------------------------

CHECKS = {
    "syntax": check_syntax,
    "markup": check_markup,
    "rendering": check_rendering,
    "untranslated": check_untranslated,
    "fuzzy": check_fuzzy,
    "obsolete": check_obsolete,
    "obsolete-catalog": check_obsolete_catalog,
    "terms": check_terms,
    "wrapping": check_wrapping,
}


def po_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        files += sorted(path.rglob("*.po")) if path.is_dir() else [path]
    return files


def lint(paths: list[Path], checks=tuple(CHECKS)) -> list[str]:
    """Every problem of the catalogs, formatted, for the checks named."""
    reports = []
    for path in po_files(paths):
        cat = load(path)
        problems = [problem for name in checks for problem in CHECKS[name](cat)]
        reports += [p.format(cat.shown) for p in sorted(problems, key=lambda p: p.line)]
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lint_po",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CATALOGS])
    parser.add_argument("--format", action="store_true",
                        help="rewrap the catalogs in the style sphinx-intl writes")
    parser.add_argument("--skip", action="append", default=[], choices=list(CHECKS),
                        metavar="CHECK", help=f"leave a check out: {', '.join(CHECKS)}")
    args = parser.parse_args(argv)

    if args.format:
        status = 0
        for path in po_files(args.paths):
            cat = load(path)
            ok, what = format_file(cat)
            if what:
                print(f"{cat.shown}: {what}")
            status = status or not ok
        return int(status)

    reports = lint(args.paths, [name for name in CHECKS if name not in args.skip])
    for report in reports:
        print(report)
    return 1 if reports else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
