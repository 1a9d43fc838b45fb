"""Is a translated code block the same code as its source, comments aside?

Translators may rewrite the comments of a code block, nothing else: the code
on a Korean page must stay the code that ``example/`` runs and tests. Used by
``translated_code.py`` (the Sphinx side) and ``tools/check_code_translations.py``
(the lint side); plain Python, no Sphinx needed::

    >>> code_differs("x = 1  # one\\n", "x = 1  # 하나\\n", "python")
    >>> code_differs("x = 1\\n", "x = 2\\n", "python")
    "line 1: '2' instead of '1'"

What counts as the same:

* Python (``python``, ``py``, ``python3``, ...; and code without a language
  that parses as Python): the token streams from :mod:`tokenize`, without
  COMMENT and NL tokens, must be equal. Whitespace between tokens and the
  width of indentation do not matter; line structure (NEWLINE, INDENT,
  DEDENT) does. String literals, docstrings included, must be identical:
  they are program data (task names, settings, output the reader will see).
* Anything else (console, shell, ini/systemd, toml, pycon, ...): the lines
  with ``#`` comments removed, whitespace runs collapsed and empty lines
  dropped must be equal. A ``#`` starts a comment at the start of a line or
  after whitespace, outside quotes; for ini-like languages ``;`` at the start
  of a line does too.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize

__all__ = ["code_differs"]

PYTHON_LANGUAGES = {"python", "python3", "py", "py3", "ipython", "ipython3", "sage"}
INI_LANGUAGES = {"ini", "cfg", "dosini", "systemd"}
# Tokens that a comment-only change may add, drop or move.
_IGNORED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
# Tokens whose text is whitespace: only their kind counts.
_STRUCTURAL = {tokenize.NEWLINE: "<end of line>", tokenize.INDENT: "<indent>",
               tokenize.DEDENT: "<dedent>"}

Token = tuple[str, int]  # (text, line number)


def code_differs(source: str, translation: str, language: str | None = None) -> str | None:
    """Return None if *translation* is *source* up to comments, else the first difference."""
    lang = (language or "").lower()
    source_error = _parse_error(source)
    if lang in PYTHON_LANGUAGES or (lang in ("", "default", "none") and not source_error):
        translation_error = _parse_error(translation)
        if translation_error and not source_error:
            return f"the translation is not valid Python: {translation_error}"
        try:
            return _first_difference(_python_tokens(source), _python_tokens(translation))
        except (tokenize.TokenError, SyntaxError):
            pass  # a fragment tokenize cannot read: compare lines instead
    ini = lang in INI_LANGUAGES
    return _first_difference(_code_lines(source, ini), _code_lines(translation, ini))


def _parse_error(text: str) -> str | None:
    try:
        ast.parse(textwrap.dedent(text))
    except (SyntaxError, ValueError) as exc:
        return f"line {exc.lineno}: {exc.msg}" if isinstance(exc, SyntaxError) else str(exc)
    return None


def _python_tokens(text: str) -> list[Token]:
    tokens = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in _IGNORED:
            continue
        shown = _STRUCTURAL.get(tok.type, tok.string)
        tokens.append((shown, tok.start[0]))
    return tokens


def _code_lines(text: str, ini: bool) -> list[Token]:
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if ini and line.lstrip().startswith(";"):
            continue
        code = " ".join(_strip_hash_comment(line).split())
        if code:
            lines.append((code, number))
    return lines


def _strip_hash_comment(line: str) -> str:
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _first_difference(source: list[Token], translation: list[Token]) -> str | None:
    for (want, want_line), (got, got_line) in zip(source, translation, strict=False):
        if want != got:
            where = f"line {got_line}" if got_line == want_line else (
                f"line {got_line} (source line {want_line})")
            return f"{where}: {_show(got)} instead of {_show(want)}"
    if len(translation) > len(source):
        got, got_line = translation[len(source)]
        return f"line {got_line}: extra {_show(got)}"
    if len(source) > len(translation):
        want, want_line = source[len(translation)]
        return f"missing {_show(want)} (source line {want_line})"
    return None


def _show(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return repr(text if len(text) <= 60 else text[:57] + "...")
