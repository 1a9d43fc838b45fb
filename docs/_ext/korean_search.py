"""Korean full-text search for Sphinx's HTML search page.

Usage, in conf.py::

    extensions = [..., "korean_search"]
    # Optional: the term list (English<TAB>Korean, as locale/ko/terms.tsv);
    # by default <locale_dir>/ko/terms.tsv of the first locale_dirs entry that has one.
    korean_search_terms = "locale/ko/terms.tsv"
    # Optional: the pages the search page suggests when nothing matches.
    korean_search_suggestions = ["glossary", "troubleshooting"]

With ``language = "ko"`` (or ``html_search_language = "ko"``) the index then
holds Korean words without their particles and verb endings (``워커를`` and
``워커에서`` are both indexed as ``워커``, ``시작합니다`` as ``시작``), so a search
for ``워커`` finds them. Latin words are stemmed as the English search does
(Snowball's English stemmer).

Readers type what they say, not only the term list's terms: the rules also
replace phrases. ``타임아웃`` becomes ``시간제한`` (the term list's word for
"timeout"), ``장고`` becomes ``django``, ``예약 작업`` becomes ``주기적태스크``,
and a compound is one word with or without its spaces (``시간 제한`` is
``시간제한``). The index also holds the first two syllables of each longer
Hangul word, so a query of two syllables (``주기``) finds ``주기적``. The
search index leaves out the pages' tables of contents (the home page's lists
every page title), and a search that finds nothing suggests pages to read.

The rules live in ``korean_search_rules.json`` (its ``about`` says what each
one does). The search page applies the same rules to queries:
``korean_search.js`` (the stemmer and the query splitter) goes into
``language_data.js`` together with that data, so both sides read one file.
When the rules, the term list or this code change, the next build reads every
page again, so that no page keeps old index entries.
"""

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import snowballstemmer
from docutils import nodes
from sphinx import package_dir
from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish

HERE = Path(__file__).resolve().parent
RULES_FILE = HERE / "korean_search_rules.json"
JS_FILE = HERE / "korean_search.js"
SNOWBALL_JS = Path(package_dir, "search", "minified-js")
DEFAULT_SUGGESTIONS = ("glossary", "troubleshooting")


def read_terms(path):
    """The term list's English term -> Korean term; comment lines (``#``) are skipped."""
    terms = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 2:
            continue
        terms[fields[0].strip()] = fields[1].strip()
    return terms


def load_rules(terms=None):
    """The rules file's data, completed with the term list ``terms``.

    A synonym's target that is an English term of ``terms`` becomes its Korean
    term; the Korean terms of several Hangul words become compounds; the
    compounds, without their spaces, are protected from stemming. (A Korean
    term of one word is not: 멱등한 is 멱등 with an ending, and is indexed so.)
    """
    rules = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    terms = dict(terms or {})
    hangul = re.compile(f"[{rules['hangul']}]+")
    korean = [term.split() for term in terms.values()]
    compounds = [*rules["compounds"],
                 *(" ".join(words) for words in korean if len(words) > 1 and all(map(hangul.fullmatch, words)))]
    rules["compounds"] = list(dict.fromkeys(compounds))
    for name in ("synonyms", "query_synonyms"):
        rules[name] = {source: terms.get(target, target) for source, target in rules[name].items()}
    rules["protected"] = sorted({
        *rules["protected"],
        *(compound.replace(" ", "") for compound in rules["compounds"]),
    })
    return rules


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    # Set on a subclass from the config values (see language_class()).
    terms = {}
    suggestions = DEFAULT_SUGGESTIONS

    def __init__(self, options):
        super().__init__(options)
        rules = self.rules = load_rules(self.terms)
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
        self._stems = {}
        self._prefix_length = rules["prefix_length"]
        self.stopwords = SearchEnglish.stopwords | self._particles
        self._build_phrases(rules)
        self.js_stemmer_code = "\n".join((
            (SNOWBALL_JS / "base-stemmer.js").read_text(encoding="utf-8"),
            (SNOWBALL_JS / "english-stemmer.js").read_text(encoding="utf-8"),
            f"var KOREAN_SEARCH_RULES = {json.dumps(rules)};",
            f"var KOREAN_SEARCH_SUGGESTIONS = {json.dumps(list(self.suggestions))};",
            JS_FILE.read_text(encoding="utf-8"),
        ))

    # -- Phrases: the same steps, in the same order, as korean_search.js --------------

    def _build_phrases(self, rules):
        """The phrase tables: stems put together -> the words that replace them."""
        self._compound_parts = {}
        compounds = {}
        self._longest = 1
        for compound in rules["compounds"]:
            parts = self.tokens(compound)
            joined = "".join(parts).lower()
            compounds[self._key(parts)] = [joined]
            self._compound_parts[joined] = parts
            self._longest = max(self._longest, len(parts))

        def targets(synonyms):
            found = {}
            for source, target in synonyms.items():
                words = self.tokens(source)
                found[self._key(words)] = [w.lower() for w in self._replace(self.tokens(target), compounds)]
                self._longest = max(self._longest, len(words))
            return found

        synonyms = targets(rules["synonyms"])
        self._index_phrases = {**compounds, **synonyms}
        self._query_phrases = {**self._index_phrases, **targets(rules["query_synonyms"])}

    def _key(self, words):
        return "".join(self.stem(word) for word in words)

    def _replace(self, words, phrases):
        """``words`` with each longest run whose stems spell a phrase replaced by the phrase's words."""
        stems = [self.stem(word) for word in words]
        found = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                replacement = phrases.get("".join(stems[i : i + n]))
                if replacement is not None:
                    found.extend(replacement)
                    i += n
                    break
            else:
                found.append(words[i])
                i += 1
        return found

    # -- SearchLanguage ------------------------------------------------------------------

    def tokens(self, text):
        """Hangul runs and runs of other letters, digits and ``_``, as written."""
        return self._words.findall(text)

    def split_query(self, text):
        """What the search page makes of a query (``splitQuery`` in korean_search.js)."""
        return self._replace(self.tokens(text), self._query_phrases)

    def split(self, input):
        # The index side: a text's words, its phrases' replacements, the
        # compounds' parts, and the prefixes of long Hangul words.
        words = self.tokens(input)
        replaced = self._replace(words, self._index_phrases)
        written = set(words)
        found = [*words, *(w for w in replaced if w not in written)]
        for word in replaced:
            found.extend(self._compound_parts.get(word, ()))
        for word in list(found):
            stem = self.stem(word)
            if len(stem) > self._prefix_length and self._hangul_word.fullmatch(stem):
                found.append(stem[: self._prefix_length])
        return list(dict.fromkeys(found))

    def word_filter(self, word):
        # Lower case, as the search page checks its query words: Sphinx falls
        # back to the unstemmed word ("The") when the stem is a stopword.
        return not word.isdigit() and word.lower() not in self.stopwords

    def stem(self, word):
        try:
            return self._stems[word]
        except KeyError:
            stem = self._stems[word] = self._stem(word)
            return stem

    def _stem(self, word):
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


def language_class(terms=None, suggestions=DEFAULT_SUGGESTIONS):
    """A ``SearchKorean`` subclass with this term list and these suggested pages."""
    return type("SearchKorean", (SearchKorean,), {
        "terms": dict(terms or {}),
        "suggestions": tuple(suggestions),
    })


def terms_file(app, config):
    """The term list's path: ``korean_search_terms``, or ``<locale_dir>/ko/terms.tsv``; None if there is none."""
    if config.korean_search_terms:
        path = Path(app.confdir, config.korean_search_terms)
        if not path.is_file():
            raise FileNotFoundError(f"korean_search_terms: no file {path}")
        return path
    for folder in config.locale_dirs:
        path = Path(app.srcdir, folder, "ko", "terms.tsv")
        if path.is_file():
            return path
    return None


def _register_with_config(app, config):
    # sphinx.search.languages is one dict for the whole process: register a
    # class carrying this project's words, replacing any earlier one.
    path = terms_file(app, config)
    terms = read_terms(path) if path else {}
    app.add_search_language(language_class(terms, config.korean_search_suggestions))
    # Every input of the index, so that a change re-reads every page (_outdated).
    digest = hashlib.sha256()
    for part in (RULES_FILE.read_bytes(), Path(__file__).read_bytes(),
                 json.dumps(terms).encode()):
        digest.update(hashlib.sha256(part).digest())
    app.korean_search_digest = digest.hexdigest()


def _outdated(app, env, added, changed, removed):
    """Every page, when the index's rules changed since the last build of a Korean index."""
    config = app.config
    if (config.html_search_language or config.language or "").split("_")[0] != "ko":
        return []
    if getattr(env, "korean_search_digest", None) == app.korean_search_digest:
        return []
    env.korean_search_digest = app.korean_search_digest
    return sorted(env.found_docs - added)


def _skip_tables_of_contents(app, doctree, docname):
    # The toctree's resolved list repeats other pages' titles: Sphinx's indexer
    # skips nodes with the no-search class.
    for node in doctree.findall(nodes.compound):
        if "toctree-wrapper" in node["classes"] and "no-search" not in node["classes"]:
            node["classes"].append("no-search")


def setup(app):
    app.add_config_value("korean_search_terms", "", "html", types=[str])
    app.add_config_value("korean_search_suggestions", list(DEFAULT_SUGGESTIONS), "html", types=[list])
    app.add_search_language(SearchKorean)
    app.connect("config-inited", _register_with_config)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-resolved", _skip_tables_of_contents)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
