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

syntax            the file is UTF-8 and its header says so; msgfmt (``--check``
                  less its format-string check) and Babel's PO parser both
                  read it; msgfmt's warnings are not reported.
markup            msgid and msgstr have the same inline code, role names and
                  targets (``{term}`표시 텍스트 <target>``` may differ in its
                  text), link and image targets, substitutions, footnote
                  references, and as many emphasis and strong spans. A
                  character that looks like a space, or like nothing, is named.
rendering         the msgstr has no ``*``, ``_`` or backtick that MyST would
                  print as is (``**워커(worker)**를``), unless the msgid has it too.
untranslated      an entry without a translation.
fuzzy             a fuzzy entry: Sphinx ignores it.
obsolete          an obsolete (``#~``) entry.
english           the msgstr has no Hangul though the msgid is English prose
                  (two words or more outside code, paths and names the term
                  list keeps in English, and not the body of a one-line code
                  block), e.g. a PO editor's "copy source".
numbers           the msgstr lacks a number of the msgid's prose, or adds one
                  the English does not have, not even as a word ("one second"
                  may be "1초").
notes             a translator's note left in the msgstr: TODO, FIXME, XXX,
                  ``(?)``, a bracketed remark with 번역.
block-syntax      the msgstr starts with a list, heading, quote or fence mark
                  that the msgid does not start with.
msgid             a translated msgid is not text of its page: the page changed
                  since ``make update-po``, or an editor changed the msgid.
obsolete-catalog  a catalog whose page ``docs/<page>.md`` is gone (``sphinx.po``
                  holds interface strings and has no page); names the page
                  without a catalog that its text belongs to, if any.
missing-catalog   a page of ``docs/`` without a catalog, when PATH is a
                  directory (reported as ``docs/<page>.md:1``).
terms             the msgid uses a term of ``locale/ko/terms.tsv`` in its prose or
                  in the text of a ``{term}`` role (not in code, other roles or
                  link targets) and the msgstr lacks the agreed Korean term (or,
                  for a term kept in English, the word), in any of its forms:
                  followed by a particle, written with or without its inner
                  spaces or with 의 between its parts, -적 as -적인 or -적으로,
                  an adjective in -한 as its other -하다 forms (멱등하게, 멱등합니다)
                  or its noun in -성 (멱등성); other forms (멱등인) are reported.
same-code         a code block (the same msgid) is translated in more than one
                  catalog, and the translations differ: the same included code
                  must read the same on every page. Names both files and lines.
                  Each catalog is compared with every catalog of its folder,
                  also when only one file is checked. A code block translated
                  elsewhere and left untranslated here is reported as
                  ``untranslated``, with the translation to copy.
wrapping          the file is not written the way sphinx-intl writes it: what
                  Babel's ``read_po`` then ``write_po(width=76)`` make of it
                  (wrapped at spaces only, so never inside a Hangul word; GNU
                  msgcat does break Hangul words and is not used).

A check that fails on an unforeseen input is reported as a problem of its
own; the other checks and catalogs still run.

``--format`` rewrites the catalogs in that style: Babel's ``read_po`` and
``write_po(width=76)``, as ``sphinx-intl update`` does. Besides the wrapping,
that puts the header's fields in Babel's order, sorts each entry's locations
and adds the format flags Babel guesses (``python-format``); Babel keeps no
``#|`` previous msgid (it becomes a ``# |`` comment). A file is left untouched,
and reported, if it cannot be read, declares another charset than UTF-8, has
two entries with one msgid (Babel would merge them), or if Babel would read it
differently afterwards (a comment rewrapped at an em-dash ``--`` gains a space).

Code blocks are checked by ``tools/check_code_translations.py``, so the entry
checks here skip an entry whose msgid contains a newline or starts with a
doctest prompt ``>>> ``; only same-code compares them, across catalogs.
Sphinx writes every prose message on one line (``extract_messages`` turns
newlines, MyST's soft line breaks included, into spaces); only literal blocks
keep theirs, and a MyST code fence always ends in one. The body of a one-line
``{code-block}`` directive has none: it is checked like prose, which passes
as long as the code is copied unchanged.
"""
from __future__ import annotations

import argparse
import ast
import difflib
import functools
import io
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.catalog import Message
from babel.messages.pofile import PoFileError, read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "locale" / "ko" / "LC_MESSAGES"
SOURCE_SUFFIXES = (".md", ".rst")
WIDTH = 76  # what sphinx-intl passes to Babel's write_po

# Roles whose content is text to translate rather than a target.
TEXT_ROLES = {"abbr", "guilabel", "menuselection", "sub", "sup", "subscript", "superscript"}


@dataclass(frozen=True)
class Entry:
    """One message of a catalog as the checks see it (from Babel's ``Message``)."""

    msgid: str  # of a plural message, the singular
    msgstr: str  # of a plural message "": the checks compare one text with one text
    line: int  # the line of its msgid (``#~ msgid`` if obsolete)
    fuzzy: bool = False
    obsolete: bool = False
    translated: bool = False  # every msgstr (each plural form) is filled in

    @classmethod
    def of(cls, message: Message, *, obsolete: bool = False) -> Entry:
        plural = not isinstance(message.id, str)
        strings = message.string if plural else (message.string,)
        return cls(message.id[0] if plural else message.id,
                   "" if plural else message.string or "", message.lineno,
                   message.fuzzy, obsolete, all(strings))


@dataclass
class Catalog:
    """One .po file as read for the checks."""

    path: Path
    shown: str
    text: str | None = None
    po: BabelCatalog | None = None
    error: tuple[int, str] | None = None  # (line, message) if it could not be read
    entries: list[Entry] = field(default_factory=list)  # current ones, then obsolete ones


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
        data = path.read_bytes()
    except OSError as exc:
        cat.error = (1, f"cannot be read: {exc.strerror}")
        return cat
    try:
        cat.text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        cat.error = (data[:exc.start].count(b"\n") + 1, not_utf8_message(data))
        return cat
    try:
        cat.po = read_catalog(cat.text)
    except PoFileError as exc:  # its lineno counts from 0, its message ends " on <lineno>"
        cat.error = (exc.lineno + 1, f"Babel: {str(exc).rsplit(' on ', 1)[0]}")
        return cat
    except Exception as exc:  # e.g. a header Babel cannot take (an unknown Language)
        cat.error = (1, f"Babel: {type(exc).__name__}: {exc}")
        return cat
    cat.entries = [Entry.of(m) for m in cat.po if m.id]
    cat.entries += [Entry.of(m, obsolete=True) for m in cat.po.obsolete.values()]
    return cat


def read_catalog(text: str) -> BabelCatalog:
    """The catalog as Babel reads it; a line it cannot read raises PoFileError."""
    return read_po(text.splitlines(), abort_invalid=True)


def not_utf8_message(data: bytes) -> str:
    try:
        data.decode("cp949")
    except UnicodeDecodeError:
        return "not UTF-8: save it as UTF-8"
    return "not UTF-8 (it reads as CP949, the Windows Korean encoding): save it as UTF-8"


def show_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def is_code(entry: Entry) -> bool:
    """Whether the entry is a code block (see the module docstring)."""
    return "\n" in entry.msgid or entry.msgid.startswith(">>> ")


def entries(cat: Catalog, *, obsolete: bool = False) -> Iterator[Entry]:
    """The catalog's prose entries: current ones, or the obsolete ones."""
    for entry in cat.entries:
        if entry.obsolete == obsolete and not is_code(entry):
            yield entry


def translated(cat: Catalog) -> Iterator[Entry]:
    for entry in entries(cat):
        if entry.msgstr and not entry.fuzzy:
            yield entry


# --- syntax ------------------------------------------------------------------


CHARSET = re.compile(r'^"Content-Type:.*\bcharset=([^\\"\s;]+)', re.IGNORECASE)


def check_syntax(cat: Catalog) -> Iterator[Problem]:
    if cat.error:
        yield Problem(cat.error[0], "syntax", cat.error[1])
    if cat.text is None:
        return  # not UTF-8: msgfmt would report each Korean line again
    for number, line in enumerate(cat.text.splitlines(), 1):
        if (match := CHARSET.match(line)) and match[1].lower() not in ("utf-8", "utf8"):
            yield Problem(number, "syntax", f"the header declares charset={match[1]}, but the "
                          "catalogs are UTF-8: write charset=UTF-8 (Sphinx and msgfmt would "
                          "misread every Korean line)")
            return
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


def visible(text: str) -> str:
    """The text with each space-like or invisible character other than " " named."""
    return "".join(f"[U+{ord(c):04X} {unicodedata.name(c, '?')}]"
                   if c != " " and (c.isspace() or unicodedata.category(c) == "Cf") else c
                   for c in text)


def check_markup(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        source, target = markup(entry.msgid), markup(entry.msgstr)
        for kind in source:
            want, got = source[kind], target[kind]
            if want == got:
                continue
            if kind in ("emphasis", "strong"):
                if stray_delimiters(entry):
                    continue  # the rendering check says why the markers do not work
                message = f"{kind}: {want.total()} in the msgid, {got.total()} in the msgstr"
            else:
                parts = []
                if lacks := want - got:
                    parts.append("msgstr lacks " + ", ".join(sorted(map(visible, lacks.elements()))))
                if adds := got - want:
                    parts.append("msgstr adds " + ", ".join(sorted(map(visible, adds.elements()))))
                message = f"{kind}: " + "; ".join(parts)
            yield Problem(entry.line, "markup", message, entry.msgid)


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


@dataclass
class Run:
    """A run of *, _ or ` that the parser left as text, with its neighbours."""

    text: str
    before: str
    after: str
    context: str


def literal_delimiters(text: str) -> list[Run]:
    """The runs of *, _ and ` that MyST would print as is, in order."""
    runs = []
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
            runs.append(Run(match[0], before, after, s[max(0, match.start() - 12):match.end() + 12]))
    return runs


def stray_delimiters(entry: Entry) -> Counter:
    """The msgstr's literal runs that the msgid does not have too."""
    return (Counter(run.text for run in literal_delimiters(entry.msgstr))
            - Counter(run.text for run in literal_delimiters(entry.msgid)))


def asterisk_hint(runs: list[Run]) -> str:
    """Why these `*` runs of a msgstr (and none of its msgid) are not emphasis."""
    if len(runs) % 2:
        return (f"{runs[-1].text!r} opens an emphasis that is never closed: close it "
                "with the same marker, or remove it")
    for opener, closer in zip(runs[::2], runs[1::2], strict=True):
        if opener.text != closer.text:
            return f"{opener.text!r} is closed with {closer.text!r}: use the same marker"
        if closer.before.isspace():
            return (f"a closing {closer.text!r} must follow the text directly: remove the "
                    f"{visible(closer.before).strip() or 'space'} before it, e.g. `**워커**를`")
        if opener.after.isspace():
            return (f"an opening {opener.text!r} must be followed directly by the text: "
                    f"remove the {visible(opener.after).strip() or 'space'} after it")
    return HINTS["*"]


def check_rendering(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        extra = stray_delimiters(entry)
        if not extra:
            continue
        runs = literal_delimiters(entry.msgstr)
        msgid_has = {run.text[0] for run in literal_delimiters(entry.msgid)}
        for kind in dict.fromkeys(run[0] for run in extra):
            shown = " ".join(repr(run) for run in sorted({r for r in extra if r[0] == kind}))
            of_kind = [run for run in runs if run.text[0] == kind]
            hint = asterisk_hint(of_kind) if kind == "*" and kind not in msgid_has \
                else HINTS[kind]
            yield Problem(entry.line, "rendering",
                          f'{shown} is printed as is in "…{of_kind[0].context}…": {hint}',
                          entry.msgid)


# --- translation state -------------------------------------------------------


def check_untranslated(cat: Catalog) -> Iterator[Problem]:
    for entry in entries(cat):
        if not entry.fuzzy and not entry.translated:
            yield Problem(entry.line, "untranslated", "not translated yet", entry.msgid)


def check_fuzzy(cat: Catalog) -> Iterator[Problem]:
    for entry in entries(cat):
        if entry.fuzzy:
            yield Problem(entry.line, "fuzzy",
                          "fuzzy: Sphinx shows the English until the msgstr is checked "
                          "and the fuzzy flag removed", entry.msgid)


def check_obsolete(cat: Catalog) -> Iterator[Problem]:
    for entry in entries(cat, obsolete=True):
        yield Problem(entry.line, "obsolete",
                      "obsolete entry (#~): its text is gone from the page; reuse what "
                      "helps in the current entries, then delete it", entry.msgid)


HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
NOT_WORDS = re.compile(r"\w[/._]\w|^/|%\(")  # a path, a file or dotted name, a placeholder


def left_in_english(entry: Entry) -> bool:
    """Whether the msgstr has no Korean though the msgid is English prose.

    Prose is two words or more outside code, paths and the names the term list
    keeps in English: a file path, `code`, "Windows" or "beat" stays as it is.
    """
    return not HANGUL.search(entry.msgstr) and len(english_words(entry.msgid)) >= 2


def english_words(text: str) -> list[str]:
    kept = {english.lower() for english, korean, *_ in terms() if english == korean}
    return [word for token in prose(text).split() if not NOT_WORDS.search(token)
            for word in WORD.findall(token) if word.lower() not in kept]


def check_english(cat: Catalog) -> Iterator[Problem]:
    code = None
    for entry in translated(cat):
        if not left_in_english(entry):
            continue
        if code is None:  # read the page only when needed
            code = code_lines(page_of(cat))
        if entry.msgid.strip() in code:
            continue  # the body of a one-line code block, copied as it should be
        message = ("the msgstr is the msgid copied unchanged (a PO editor's \"copy source\"?): "
                   "translate it" if entry.msgstr == entry.msgid
                   else "the msgstr has no Korean: translate the English")
        yield Problem(entry.line, "english", message, entry.msgid)


def code_lines(page: Path | None) -> set[str]:
    """The lines of the page's fenced blocks, less directive options."""
    if page is None:
        return set()
    return {line.strip() for token in markdown().parse(page.read_text(encoding="utf-8"))
            if token.type == "fence" for line in token.content.splitlines()
            if not line.startswith(":")}


# --- content -------------------------------------------------------------------

NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
# English words for numbers that a translation writes in digits: "one second" is "1초".
NUMBER_WORDS = {
    "a": "1", "an": "1", "one": "1", "once": "1", "every": "1", "per": "1", "two": "2",
    "twice": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "hundred": "100",
    "thousand": "1000",
}


def check_numbers(cat: Catalog) -> Iterator[Problem]:
    """Every number of the msgid's prose in the msgstr's, and no other one."""
    for entry in translated(cat):
        source = prose(entry.msgid)
        want, got = set(NUMBER.findall(source)), set(NUMBER.findall(prose(entry.msgstr)))
        spelled = {NUMBER_WORDS.get(word.lower()) for word in WORD.findall(source)}
        parts = []
        if lacks := want - got:
            parts.append("msgstr lacks " + ", ".join(sorted(lacks)))
        if adds := got - want - spelled:
            parts.append("msgstr adds " + ", ".join(sorted(adds)))
        if parts:
            yield Problem(entry.line, "numbers", "numbers: " + "; ".join(parts)
                          + " (the Korean keeps every number of the English, unchanged)",
                          entry.msgid)


NOTE = re.compile(r"(?<![A-Za-z])(?:TODO|FIXME|XXX)(?![A-Za-z])|\(\?\)"
                  r"|[(\[][^()\[\]]*번역[^()\[\]]*[)\]]")


def check_notes(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        notes = set(NOTE.findall(prose(entry.msgstr))) - set(NOTE.findall(prose(entry.msgid)))
        if notes:
            shown = ", ".join(repr(note) for note in sorted(notes))
            yield Problem(entry.line, "notes",
                          f"a translator's note is left in the msgstr: {shown}, which the page "
                          "would show; remove it (a note for other translators goes in a "
                          "\"# \" comment line above the entry)", entry.msgid)


BLOCK_STARTS = [
    (re.compile(r" {0,3}\d{1,9}[.)](\s|$)"), "a numbered list"),
    (re.compile(r" {0,3}[-*+](\s|$)"), "a bullet list"),
    (re.compile(r" {0,3}#{1,6}(\s|$)"), "a heading"),
    (re.compile(r" {0,3}>"), "a quote"),
    (re.compile(r" {0,3}(```|~~~)"), "a code block"),
]


def block_start(text: str) -> tuple[str, str] | None:
    """The block syntax the text starts with, and what Markdown makes of it."""
    for pattern, kind in BLOCK_STARTS:
        if match := pattern.match(text):
            return match[0].strip(), kind
    return None


def check_block_syntax(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        found, source = block_start(entry.msgstr), block_start(entry.msgid)
        if found and (source is None or source[1] != found[1]):
            mark, kind = found
            escaped = mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark
            yield Problem(entry.line, "block-syntax",
                          f"the msgstr starts with {mark!r}, which makes it {kind}, but the "
                          "msgid does not start that way: start the msgstr with its text "
                          f"(or write `{escaped}` if the mark is meant)", entry.msgid)


# --- catalogs and pages ----------------------------------------------------------

# A PO editor may "correct" a msgid's typography; the page keeps the plain character.
TYPOGRAPHY = str.maketrans("‘’“”\u00a0", "''\"\" ")


def locate(path: Path) -> tuple[Path, Path, str] | None:
    """(docs folder, LC_MESSAGES folder, page name) of <root>/locale/<lang>/LC_MESSAGES/<page>.po."""
    parts = path.resolve().parts
    if "LC_MESSAGES" not in parts:
        return None
    at = len(parts) - 1 - parts[::-1].index("LC_MESSAGES")
    return Path(*parts[:at - 2]) / "docs", Path(*parts[:at + 1]), "/".join(parts[at + 1:])[:-len(".po")]


def page_of(cat: Catalog) -> Path | None:
    located = locate(cat.path)
    return page_file(located[0], located[2]) if located else None


def page_file(docs: Path, page: str) -> Path | None:
    return next((docs / (page + s) for s in SOURCE_SUFFIXES if (docs / (page + s)).is_file()), None)


def pages(docs: Path) -> list[str]:
    """The names of the pages in docs/, less conf.py's exclude_patterns (plain folder names)."""
    excluded = set(conf_value("exclude_patterns", []))
    return sorted(path.relative_to(docs).with_suffix("").as_posix() for path in docs.rglob("*")
                  if path.suffix in SOURCE_SUFFIXES and not excluded & set(path.relative_to(docs).parts))


def squeeze(text: str) -> str:
    return re.sub(r"[ \t\n]+", " ", text).strip()


def page_text(page: Path) -> str:
    """The page as its msgids quote it: line breaks as spaces, no blockquote markers."""
    return squeeze(re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", "", page.read_text(encoding="utf-8")))


def check_msgid(cat: Catalog) -> Iterator[Problem]:
    """Each translated msgid is text of the page: else Sphinx never uses the translation.

    Sphinx's msgid for prose is the paragraph's source with its line breaks made
    spaces, so it is found in the page itself; the page's .pot in _build/gettext/
    would do as well but is missing from a fresh clone, and stale after an edit.
    """
    page = page_of(cat)
    if page is None:
        return  # sphinx.po, or a catalog without its page: see obsolete-catalog
    text = page_text(page)
    for entry in translated(cat):
        msgid = squeeze(entry.msgid)
        if msgid not in text:
            yield Problem(entry.line, "msgid", msgid_message(msgid, text, show_path(page)),
                          entry.msgid)


def msgid_message(msgid: str, text: str, shown: str) -> str:
    at = text.translate(TYPOGRAPHY).find(msgid.translate(TYPOGRAPHY))
    if at < 0:
        return (f"this msgid is not in {shown}, so the page shows the English: the page "
                "changed since the last `make update-po` (run it), or the msgid was edited "
                "(change it back: only the msgstr is translated)")
    changed = dict.fromkeys(f"{visible(new)} where {shown} has {visible(old)}"
                            for new, old in zip(msgid, text[at:at + len(msgid)], strict=True)
                            if new != old)
    return (f"the msgid has {', '.join(changed)}: a PO editor changed it, so Sphinx does not "
            "find it and the page shows the English; change it back")


def check_obsolete_catalog(cat: Catalog) -> Iterator[Problem]:
    located = locate(cat.path)
    if located is None or located[2] == "sphinx":
        return  # sphinx.po holds the interface strings: Sphinx merges it with its own
    docs, messages, page = located
    if not docs.is_dir() or page_file(docs, page):
        return
    if renamed := likely_page(cat, docs, messages):
        yield Problem(1, "obsolete-catalog",
                      f"no page docs/{page}.md for this catalog; its text is that of "
                      f"docs/{renamed}.md, which has no catalog (a renamed page?): git mv "
                      f"{cat.shown} {show_path(messages / renamed)}.po, then run make update-po")
    else:
        yield Problem(1, "obsolete-catalog",
                      f"no page docs/{page}.md for this catalog: delete it "
                      "(or git mv it along with its page)")


def likely_page(cat: Catalog, docs: Path, messages: Path) -> str | None:
    """The page without a catalog that this catalog most likely belongs to, if any:
    most of its msgids are in that page, or the names are alike."""
    name = locate(cat.path)[2]
    msgids = [squeeze(entry.msgid) for entry in entries(cat)]
    likely = []
    for page in pages(docs):
        if not (messages / f"{page}.po").exists():
            text = page_text(page_file(docs, page))
            found = sum(msgid in text for msgid in msgids) / len(msgids) if msgids else 0
            alike = difflib.SequenceMatcher(None, name, page).ratio()
            if found >= 0.5 or alike >= 0.6:
                likely.append((found, alike, page))
    return max(likely)[2] if likely else None


def missing_catalogs(messages: Path) -> list[str]:
    """A report for each page of docs/ without a catalog in this LC_MESSAGES folder."""
    docs = messages.resolve().parents[2] / "docs"
    if not docs.is_dir():
        return []
    claimed = set()  # pages that obsolete-catalog already names as a renamed catalog's
    for path in messages.rglob("*.po"):
        _, _, name = locate(path)
        if name != "sphinx" and page_file(docs, name) is None:
            claimed.add(likely_page(load(path), docs, messages))
    reports = []
    for page in pages(docs):
        po = messages / f"{page}.po"
        if po.exists() or page in claimed:
            continue
        mo = po.with_suffix(".mo")
        stale = f" (the stale {show_path(mo)} still translates it in a local build)" \
            if mo.exists() else ""
        reports.append(Problem(1, "missing-catalog",
                               f"no catalog {show_path(po)} for this page: the Korean page is "
                               f"all English{stale}; restore the catalog from git, or start "
                               "one with make update-po").format(show_path(page_file(docs, page))))
    return reports


# --- terms -----------------------------------------------------------------

TERMS = ROOT / "locale" / "ko" / "terms.tsv"


@functools.lru_cache(maxsize=1)
def terms() -> list[tuple[str, str, re.Pattern, re.Pattern]]:
    """(english, korean, the English pattern, the Korean pattern) per row."""
    rows = []
    for line in TERMS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, korean = line.split("\t")[:2]
            rows.append((english, korean, english_pattern(english), korean_pattern(korean)))
    return rows


def english_pattern(english: str) -> re.Pattern:
    """The English term and its plural; not inside a hyphenated name or a path:
    "Celery" is not a term in "django-celery-beat", nor "task" in "demoapp/tasks.py"."""
    stem = english[:-1] + "(?:y|ies)" if english.endswith("y") else english + "(?:e?s)?"
    return re.compile(rf"(?<![\w/.-]){stem}(?![\w-]|[./]\w)", re.IGNORECASE)


def korean_pattern(korean: str) -> re.Pattern:
    """The Korean term as a sentence may inflect it: "기본 키" also as "기본키", "태스크 이름"
    as "태스크의 이름", "주기적 태스크" as "주기적인 태스크", "멱등한" as "멱등하게",
    "멱등합니다" or "멱등성"; any particle or ending may follow."""
    return re.compile(r"\s*(?:의\s*)?".join(map(korean_word, korean.split())), re.IGNORECASE)


def korean_word(word: str) -> str:
    if word.endswith("적"):  # 주기적: 주기적인, 주기적으로
        return re.escape(word) + "(?:인|으로)?"
    if len(word) > 1 and word.endswith("한") and HANGUL.match(word[-2]):
        # An adjective in -하다, as a modifier: its other forms (멱등하다, 멱등하게,
        # 멱등합니다, 멱등해서) and its noun in -성 (멱등성), not another word (멱등인).
        return re.escape(word[:-1]) + "(?:한|하|합|해|했|성)"
    return re.escape(word)


def prose(text: str) -> str:
    """The text a reader reads as words: no code, roles or link targets (each leaves a
    space), backslash escapes undone."""
    return "".join(t.content if t.type in ("text", "text_special") else " "
                   for t in inline_tokens(text))


def term_texts(text: str) -> list[str]:
    """The text a reader sees of each {term} role: "periodic tasks" of
    {term}`periodic tasks <periodic task>`, "worker" of {term}`worker`."""
    texts = []
    for token in inline_tokens(text):
        if token.type == "myst_role" and token.meta["name"] == "term":
            target = re.match(r"(?s)(.*?)\s*<[^<>]+>\s*$", token.content)
            texts.append(target[1] if target else token.content)
    return texts


def check_terms(cat: Catalog) -> Iterator[Problem]:
    for entry in translated(cat):
        if left_in_english(entry):
            continue  # the english check reports it
        source = " ".join([prose(entry.msgid), *term_texts(entry.msgid)])
        for english, korean, in_english, in_korean in terms():
            if in_english.search(source) and not in_korean.search(entry.msgstr):
                yield Problem(entry.line, "terms",
                              f"{english!r} is {korean!r} in the term list (locale/ko/terms.tsv)",
                              entry.msgid)


# --- same-code -------------------------------------------------------------------


@dataclass
class Translation:
    """A translated code block of one catalog."""

    cat: Catalog
    entry: Entry

    @property
    def where(self) -> str:
        return f"{self.cat.shown}:{self.entry.line}"


def code_translations(cats: list[Catalog]) -> dict[str, list[Translation]]:
    """The translated (not fuzzy) code blocks of the catalogs, by msgid, in catalog order."""
    found: dict[str, list[Translation]] = {}
    for cat in cats:
        for entry in cat.entries:
            if not entry.obsolete and is_code(entry) and entry.msgstr and not entry.fuzzy:
                found.setdefault(entry.msgid, []).append(Translation(cat, entry))
    return found


def first_difference(here: str, there: str) -> str:
    """Where two translations of a code block part: the first line that differs."""
    for number, (a, b) in enumerate(zip_longest(here.split("\n"), there.split("\n")), 1):
        if a != b:
            return f"line {number} of the block is {shorten(a)} here, {shorten(b)} there"
    return "the blocks differ"  # not reached: equal lines make equal blocks


def shorten(line: str | None) -> str:
    if line is None:
        return "missing"
    line = line.strip()
    return repr(line[:50] + "…" if len(line) > 50 else line)


def same_code(cats: list[Catalog], checked: list[Catalog]) -> dict[int, list[Problem]]:
    """Reports for the checked catalogs (by id), comparing the code blocks of all `cats`.

    Of a code block's differing translations, the one most catalogs share (the first
    one on a tie) is the reference; each other one is reported, naming it.
    """
    translations = code_translations(cats)
    wanted = {id(cat) for cat in checked}
    reports: dict[int, list[Problem]] = {}
    for msgid, found in translations.items():
        counts = Counter(t.entry.msgstr for t in found)
        if len(counts) > 1:
            best = max(counts.values())
            reference = next(t for t in found if counts[t.entry.msgstr] == best)
            also = f" ({best} catalogs have that translation)" if best > 1 else ""
            for t in found:
                if t.entry.msgstr != reference.entry.msgstr and id(t.cat) in wanted:
                    reports.setdefault(id(t.cat), []).append(Problem(
                        t.entry.line, "same-code",
                        f"this code block is translated differently in {reference.where}"
                        f"{also}: the same code must read the same on every page, so make "
                        "the msgstrs equal (" + first_difference(t.entry.msgstr,
                                                                reference.entry.msgstr) + ")",
                        msgid))
    for cat in checked:
        for entry in cat.entries:
            if entry.obsolete or not is_code(entry) or entry.msgstr or entry.fuzzy:
                continue
            other = next((t for t in translations.get(entry.msgid, ())
                          if t.entry.msgstr != entry.msgid), None)
            if other is not None:
                reports.setdefault(id(cat), []).append(Problem(
                    entry.line, "untranslated",
                    f"code block not translated yet, so this page shows its comments in "
                    f"English; {other.where} translates the same code: copy its msgstr",
                    entry.msgid))
    return reports


def siblings(cats: list[Catalog]) -> list[Catalog]:
    """The checked catalogs and the other catalogs of their folders, each read once."""
    known = {cat.path.resolve(): cat for cat in cats}
    for folder in dict.fromkeys(path.parent for path in list(known)):
        for path in sorted(folder.glob("*.po")):
            if path.resolve() not in known:
                known[path.resolve()] = load(path)
    return sorted(known.values(), key=lambda cat: str(cat.path.resolve()))


# --- wrapping ------------------------------------------------------------------

MSGID_LINE = re.compile(r"^(?:#~\s*)?msgid\s", re.MULTILINE)  # one per entry, header included


def utf8(po: BabelCatalog) -> bool:
    return po.charset.lower() in ("utf-8", "utf8")


def formatted(po: BabelCatalog) -> str:
    """The catalog as sphinx-intl writes it: Babel's write_po, width 76."""
    out = io.BytesIO()
    write_po(out, po, width=WIDTH)
    return out.getvalue().decode(po.charset)


def check_wrapping(cat: Catalog) -> Iterator[Problem]:
    if cat.text is None or cat.po is None or not utf8(cat.po):
        return  # the syntax check reports it
    want = formatted(cat.po)
    if want == cat.text:
        return
    have_lines, want_lines = cat.text.split("\n"), want.split("\n")
    number, have, expected = next(
        (n, have, expected) for n, (have, expected)
        in enumerate(zip_longest(have_lines, want_lines), 1) if have != expected)
    if have is None or expected is None:  # the texts differ only in how they end
        yield Problem(min(number, len(cat.text.splitlines()) or 1), "wrapping",
                      "the file must end with its last entry and one blank line, as "
                      "sphinx-intl writes it: run make format-po")
        return
    yield Problem(number, "wrapping",
                  f"not written as sphinx-intl writes it (Babel, width {WIDTH}): run "
                  f"`python -m tools.lint_po --format {cat.shown}` (line is {have!r}, "
                  f"should be {expected!r})")


def signature(po: BabelCatalog):
    """Everything Babel reads from a catalog, comments compared word by word."""
    def words(lines):
        return " ".join(" ".join(lines).split())

    def message(m: Message):
        return (m.context, m.id, m.string, sorted(m.flags), sorted(m.locations, key=str),
                words(m.user_comments), words(m.auto_comments))

    header = [line.lstrip("#") for line in po.header_comment.splitlines()]
    return (words(header), po.mime_headers, po.fuzzy,
            [message(m) for m in po], [message(m) for m in po.obsolete.values()])


def format_file(cat: Catalog) -> tuple[bool, str]:
    """Rewrite the file as sphinx-intl would; return whether all went well, and what happened."""
    if cat.text is None or cat.po is None:
        return False, f"left alone: cannot be read ({cat.error[1] if cat.error else '?'})"
    if not utf8(cat.po):
        return False, f"left alone: its header declares charset={cat.po.charset}, not UTF-8"
    new = formatted(cat.po)
    if new == cat.text:
        return True, ""
    if len(MSGID_LINE.findall(new)) != len(MSGID_LINE.findall(cat.text)):
        return False, ("left alone: two of its entries have the same msgid, and Babel would "
                       "merge them (lint names them)")
    try:
        same = signature(read_catalog(new)) == signature(cat.po)
    except PoFileError:
        same = False
    if not same:
        return False, "left alone: rewrapping would change what Babel reads from it"
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
    "english": check_english,
    "numbers": check_numbers,
    "notes": check_notes,
    "block-syntax": check_block_syntax,
    "msgid": check_msgid,
    "obsolete-catalog": check_obsolete_catalog,
    "terms": check_terms,
    "wrapping": check_wrapping,
}
# Checked once per LC_MESSAGES folder given (in a directory), not per catalog.
FOLDER_CHECKS = {"missing-catalog": missing_catalogs}
# same-code is checked across catalogs: each checked catalog against the others of
# its folder (see lint).
ALL_CHECKS = (*CHECKS, "same-code", *FOLDER_CHECKS)


def po_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        files += sorted(path.rglob("*.po")) if path.is_dir() else [path]
    return files


def catalog_folders(paths: list[Path]) -> list[Path]:
    folders = []
    for path in paths:
        if path.is_dir():
            folders += [path] if path.name == "LC_MESSAGES" else sorted(path.rglob("LC_MESSAGES"))
    return folders


def run_check(name: str, cat: Catalog) -> list[Problem]:
    try:
        return list(CHECKS[name](cat))
    except Exception as exc:  # a bug of one check must not hide the other reports
        return [failed(name, exc)]


def failed(name: str, exc: Exception) -> Problem:
    return Problem(1, name, f"this check failed ({type(exc).__name__}: {exc}): "
                            "please report it with the catalog")


def lint(paths: list[Path], checks=ALL_CHECKS) -> list[str]:
    """Every problem of the catalogs, formatted, for the checks named."""
    reports = []
    cats = [load(path) for path in po_files(paths)]
    cross: dict[int, list[Problem]] = {}
    if "same-code" in checks or "untranslated" in checks:
        try:
            cross = same_code(siblings(cats), cats)
        except Exception as exc:  # as in run_check
            reports.append(failed("same-code", exc).format(
                cats[0].shown if cats else show_path(CATALOGS)))
    for cat in cats:
        problems = [problem for name in checks if name in CHECKS
                    for problem in run_check(name, cat)]
        problems += [p for p in cross.get(id(cat), ()) if p.check in checks]
        reports += [p.format(cat.shown) for p in sorted(problems, key=lambda p: p.line)]
    for name in FOLDER_CHECKS:
        for folder in catalog_folders(paths) if name in checks else []:
            try:
                reports += FOLDER_CHECKS[name](folder)
            except Exception as exc:  # as in run_check
                reports.append(failed(name, exc).format(show_path(folder)))
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lint_po",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CATALOGS])
    parser.add_argument("--format", action="store_true",
                        help="rewrap the catalogs in the style sphinx-intl writes")
    parser.add_argument("--skip", action="append", default=[], choices=ALL_CHECKS,
                        metavar="CHECK", help=f"leave a check out: {', '.join(ALL_CHECKS)}")
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

    reports = lint(args.paths, [name for name in ALL_CHECKS if name not in args.skip])
    for report in reports:
        print(report)
    return 1 if reports else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
