"""Korean full-text search for Sphinx's HTML search page.

Usage, in conf.py::

    extensions = [..., "korean_search"]
    # Optional: words that only look like they end in a particle (glossary terms).
    korean_search_protected_words = ["릴레이", "오버레이"]

With ``language = "ko"`` (or ``html_search_language = "ko"``) the index then
holds Korean words without their particles and verb endings (``워커를`` and
``워커에서`` are both indexed as ``워커``, ``시작합니다`` as ``시작``), so a search
for ``워커`` finds them. Latin words are stemmed as the English search does
(Snowball's English stemmer).

The rules live in ``korean_search_rules.json``. The search page applies the
same rules to queries: ``korean_search.js`` (the stemmer and the query
splitter) goes into ``language_data.js`` together with that data, so both sides
read one file. After editing the rules, rebuild from scratch (``-E``): pages
that did not change keep their old index entries otherwise.
"""

import json
import re
import unicodedata
from pathlib import Path

import snowballstemmer
from sphinx import package_dir
from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish

HERE = Path(__file__).resolve().parent
RULES_FILE = HERE / "korean_search_rules.json"
JS_FILE = HERE / "korean_search.js"
SNOWBALL_JS = Path(package_dir, "search", "minified-js")


def load_rules(extra_protected=()):
    """The rules file's data, with ``extra_protected`` added to its protected words."""
    rules = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    rules["protected"] = sorted({*rules["protected"], *extra_protected})
    return rules


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    # Set on a subclass from the korean_search_protected_words config value.
    extra_protected = ()

    def __init__(self, options):
        super().__init__(options)
        rules = load_rules(self.extra_protected)
        hangul = rules["hangul"]
        self._words = re.compile(rf"[{hangul}]+|[^\W{hangul}]+")
        self._hangul_word = re.compile(rf"[{hangul}]+")
        self._protected = frozenset(w.lower() for w in rules["protected"])
        self._particles = frozenset(rules["particles"])
        # Same order as the JS side: endings, then particles, stably sorted longest first.
        suffixes = [(s, rules["ending_min_stem"]) for s in rules["endings"]]
        suffixes += [(s, 1) for s in rules["particles"]]
        self._suffixes = sorted(suffixes, key=lambda s: -len(s[0]))
        self._english = snowballstemmer.stemmer("english")
        self.stopwords = SearchEnglish.stopwords | self._particles
        self.js_stemmer_code = "\n".join((
            (SNOWBALL_JS / "base-stemmer.js").read_text(encoding="utf-8"),
            (SNOWBALL_JS / "english-stemmer.js").read_text(encoding="utf-8"),
            f"var KOREAN_SEARCH_RULES = {json.dumps(rules)};",
            JS_FILE.read_text(encoding="utf-8"),
        ))

    def word_filter(self, word):
        # Lower case, as the search page checks its query words: Sphinx falls
        # back to the unstemmed word ("The") when the stem is a stopword.
        return not word.isdigit() and word.lower() not in self.stopwords

    def split(self, input):
        return self._words.findall(input)

    def stem(self, word):
        word = unicodedata.normalize("NFC", word).lower()
        if word in self._protected:
            return word
        if self._hangul_word.fullmatch(word):
            return self._strip_hangul(word)
        return self._english.stemWord(word)

    def _strip_hangul(self, word):
        while len(word) > 1 and word not in self._protected and word not in self._particles:
            for suffix, min_stem in self._suffixes:
                if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
                    word = word[: -len(suffix)]
                    break
            else:
                break
        return word


def _register_with_config(app, config):
    # sphinx.search.languages is one dict for the whole process: register a
    # class carrying this project's words, replacing any earlier one.
    words = tuple(config.korean_search_protected_words)
    app.add_search_language(type("SearchKorean", (SearchKorean,), {"extra_protected": words}))


def setup(app):
    app.add_config_value("korean_search_protected_words", [], "html", types=[list])
    app.add_search_language(SearchKorean)
    app.connect("config-inited", _register_with_config)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
