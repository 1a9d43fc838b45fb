"""The guide's languages, read from docs/languages.toml.

``LANGUAGES`` maps each code to its settings (``name``, ``locale``), the first
language first. conf.py, tools/ and the tests import it; the Makefile reads the
file itself.
"""
import tomllib
from pathlib import Path

FILE = Path(__file__).resolve().parent.parent / "languages.toml"
LANGUAGES: dict[str, dict[str, str]] = tomllib.loads(FILE.read_text(encoding="utf-8"))
CODES: tuple[str, ...] = tuple(LANGUAGES)
