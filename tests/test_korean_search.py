"""Korean search (docs/_ext/korean_search.py): the stemmer, its JavaScript twin, the index, the site's search."""
import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "docs" / "_ext"
sys.path.insert(0, str(EXT))

from korean_search import SearchKorean, language_class, load_rules, read_terms  # noqa: E402

TERMS_FILE = ROOT / "locale" / "ko" / "terms.tsv"
WORDS_FILE = ROOT / "tests" / "data" / "korean_words.tsv"
WORDS = [
    line.split("\t")
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]
QUERIES = [
    "Celery를 워커에서 실행합니다",
    "task_always_eager=True 값은 42%",
    "브로커의 URL, 결과 백엔드",
]
# Queries with phrases: synonyms, compounds with and without their spaces, both in a sentence.
PHRASE_QUERIES = [
    "장고", "셀러리", "타임아웃", "크론", "비동기", "예약 작업", "연결이 끊김", "시간 제한", "시간제한", "주기",
    "시간 제한을 넘긴 태스크", "장고보다 셀러리를", "예약된 작업은 크론으로", "연결이 끊겼습니다",
    "즉시 실행 모드", "즉시실행 모드에서", "환경변수", "환경 변수를", "작업을 예약", "주기적인 작업",
]

# Loads the stemmer code as the browser would, then tokenizes, stems and splits the inputs on stdin.
STEMMER_HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
vm.runInThisContext(fs.readFileSync(process.argv[2], "utf8"));
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const stemmer = new Stemmer();
process.stdout.write(JSON.stringify({
  stems: input.words.map((w) => KoreanSearch.tokens(w).map((t) => stemmer.stemWord(t)).join(" ")),
  splits: input.queries.map((q) => splitQuery(q)),
  stemmed: input.queries.map((q) => splitQuery(q).map((t) => stemmer.stemWord(t.toLowerCase()))),
}));
"""

# Runs a built site's own search code (searchtools.js, language_data.js and
# searchindex.js, in the search page's order) on the queries on stdin.
SEARCH_HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
globalThis.window = globalThis;
globalThis.document = { getElementById: () => null };
globalThis.DOCUMENTATION_OPTIONS = {};
globalThis.SPHINX_HIGHLIGHT_ENABLED = false;
globalThis._ready = () => {};
for (const file of ["_static/searchtools.js", "_static/language_data.js", "searchindex.js"]) {
  vm.runInThisContext(fs.readFileSync(`${process.argv[2]}/${file}`, "utf8"));
}
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(queries.map((query) => {
  const parsed = Search._parseQuery(query);
  // In the order the search page shows them: it takes results from the end.
  const pages = Search._performSearch(...parsed).reverse().map((r) => r[0]);
  return { terms: [...parsed[1]], pages: [...new Set(pages)] };
})));
"""

# The search page as a reader uses it, on a small stand-in for the browser's
# document: the query's status line and what follows it, per query.
PAGE_HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
class Element {
  constructor(tag) {
    this.tag = tag;
    this.dataset = {};
    this.children = [];
    this.parent = null;
    this.classes = [];
    this.classList = { add: (name) => this.classes.push(name) };
    this.textContent = this.innerText = this.href = "";
  }
  appendChild(child) { child.parent = this; this.children.push(child); return child; }
  hasChildNodes() { return this.children.length > 0; }
  setAttribute() {}
  after(node) {
    node.parent = this.parent;
    this.parent.children.splice(this.parent.children.indexOf(this) + 1, 0, node);
  }
}
let results;
globalThis.window = { setTimeout: () => 0 };
globalThis.document = {
  createElement: (tag) => new Element(tag),
  getElementById: (id) => (id === "search-results" ? results : null),
  documentElement: { dataset: { content_root: "./" } },
};
globalThis.DOCUMENTATION_OPTIONS = { BUILDER: "html", FILE_SUFFIX: ".html", LINK_SUFFIX: ".html" };
globalThis.SPHINX_HIGHLIGHT_ENABLED = false;
globalThis._ready = () => {};
globalThis.Documentation = {
  messages: {},
  addTranslations(catalog) { Object.assign(this.messages, catalog.messages); },
  gettext(text) { const t = this.messages[text]; return typeof t === "string" ? t : text; },
  ngettext(one, many, n) { const t = this.messages[one]; return t ? t[0] : n === 1 ? one : many; },
};
globalThis._ = (text) => Documentation.gettext(text);
for (const file of ["_static/translations.js", "_static/searchtools.js", "_static/language_data.js",
                    "searchindex.js"]) {
  vm.runInThisContext(fs.readFileSync(`${process.argv[2]}/${file}`, "utf8"));
}
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(queries.map((query) => {
  results = new Element("div");
  Search.performSearch(query);
  const shown = results.children.slice(results.children.indexOf(Search.status) + 1);
  return {
    status: Search.status.innerText,
    after: shown.map((e) => ({
      classes: e.classes,
      links: e.children.flatMap((li) => li.children).map((a) => [a.href, a.textContent]),
    })),
  };
})));
process.exit(0);
"""


def stems(lang, text):
    return " ".join(lang.stem(word) for word in lang.tokens(text))


def run_node(tmp_path, harness, arg, data):
    """Run ``harness`` under node with ``arg``; ``data`` goes in as JSON, the output comes back."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: install Debian's nodejs")
    script = tmp_path / "harness.js"
    script.write_text(harness, encoding="utf-8")
    result = subprocess.run(
        [node, str(script), str(arg)],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def korean():
    """The rules file alone: no term list."""
    return SearchKorean({})


@pytest.fixture(scope="module")
def guide():
    """The rules as the guide's build has them: with the term list."""
    return language_class(terms=read_terms(TERMS_FILE))({})


# --- the stemmer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "expected"), WORDS, ids=[w for w, _ in WORDS])
def test_python_stem(korean, word, expected):
    assert stems(korean, word) == expected


def test_never_empty_and_one_syllable_kept(korean):
    for word, _ in WORDS:
        for token in korean.tokens(word):
            stem = korean.stem(token)
            assert stem
            if len(token) == 1:
                assert stem == token.lower()


def test_split(korean):
    assert korean.tokens(QUERIES[0]) == ["Celery", "를", "워커에서", "실행합니다"]
    assert korean.tokens(QUERIES[1]) == ["task_always_eager", "True", "값은", "42"]
    assert korean.split_query(QUERIES[0]) == korean.tokens(QUERIES[0])  # no phrase in it


def test_stopwords(korean):
    assert not korean.word_filter(korean.stem("를"))  # a particle standing alone
    assert not korean.word_filter(korean.stem("에서"))
    assert not korean.word_filter("The")
    assert not korean.word_filter("2026")
    assert korean.word_filter(korean.stem("워커를"))


def test_protected_words_of_the_rules_file():
    korean = SearchKorean({})
    assert korean.stem("평가를") == "평가"  # 가 alone would be taken for a particle
    assert korean.stem("릴레이를") == "릴레"  # not in the list: 이 is taken for one


def test_compounds_are_protected(korean, guide):
    listed = language_class(terms={"rate limit": "속도 제한", "relay": "릴레이"})({})
    assert korean.stem("속도제한을") == "속도제"  # 제한 looks like 제 with the ending 한
    assert listed.stem("속도제한을") == "속도제한"  # a compound of the term list
    assert listed.stem("릴레이를") == korean.stem("릴레이를") == "릴레"  # one word: not protected
    # 시간제한 ends like 제한한 (the ending 한): the rules' compound 시간 제한 keeps it whole.
    assert guide.stem("시간제한이") == korean.stem("시간제한이") == "시간제한"
    assert guide.stem("Celery") == "celeri"  # Latin words are stemmed as before


# --- phrases: synonyms, compounds, prefixes ------------------------------------------------------


def test_synonyms_lead_to_the_term_list_terms(korean, guide):
    assert guide.split_query("타임아웃") == ["시간제한"]  # timeout, in the term list
    assert guide.split_query("장고보다 셀러리를") == ["django", "celery"]
    assert guide.split_query("크론으로") == ["crontab"]
    assert guide.split_query("비동기") == ["apply_async"]
    assert guide.split_query("예약 작업") == guide.split_query("예약된 작업") == ["주기적태스크"]
    assert guide.split_query("연결이 끊김") == guide.split_query("연결 끊김") == ["connection", "closed"]
    # Without the term list a target is the English term; a changed term is followed.
    assert korean.split_query("타임아웃") == ["timeout"]
    assert language_class(terms={"timeout": "제한 시간"})({}).split_query("타임아웃") == ["제한시간"]


def test_compounds_with_and_without_spaces(guide):
    assert guide.split_query("시간 제한") == guide.split_query("시간제한을") == ["시간제한"]
    assert guide.split_query("환경 변수를") == guide.split_query("환경변수") == ["환경변수"]  # from the term list
    assert guide.split_query("즉시 실행모드") == ["즉시실행모드"]
    assert guide.split_query("즉시 실행") == ["즉시", "실행"]  # not the whole compound
    # The index holds the compound and its parts, however it was written.
    for text in ("시간 제한을", "시간제한을"):
        assert {"시간", "제한", "시간제한"} <= {guide.stem(w) for w in guide.split(text)}


def test_query_only_synonyms(guide):
    # A reader's 작업 is a task; the pages' 작업 is work in general (locale/ko/terms.tsv).
    assert guide.split_query("작업을") == ["태스크"]
    assert "태스크" not in {guide.stem(w) for w in guide.split("작업을")}
    assert "태스크" in {guide.stem(w) for w in guide.split("예약 작업을")}


def test_index_holds_phrase_targets_and_prefixes(guide):
    indexed = {guide.stem(w) for w in guide.split("타임아웃이 나면 주기적인 작업이 예약된 대로")}
    assert {"타임아웃", "시간제한", "주기적인", "주기", "주기적태스크", "주기적", "태스크", "예약"} <= indexed
    assert "주기" in {guide.stem(w) for w in guide.split("주기적으로")}
    assert {guide.stem(w) for w in guide.split("워커를 workers")} == {"워커", "worker"}  # nothing to add


def test_rules_do_not_chain(guide):
    """A synonym's target is final: it is never itself a phrase, so index and query agree in one step."""
    rules = guide.rules
    assert set(rules["synonyms"]).isdisjoint(rules["query_synonyms"])
    for source, target in {**rules["synonyms"], **rules["query_synonyms"]}.items():
        words = [word.lower() for word in guide.split_query(target)]
        assert words and guide.split_query(" ".join(words)) == words, (source, target)
        assert guide.split_query(source) == words, (source, target)


def test_rules_file_terms_exist():
    """Each target the rules name as an English term is one of the term list's, or a word the pages use."""
    terms = read_terms(TERMS_FILE)
    rules = load_rules(terms=terms)
    assert rules["synonyms"]["타임아웃"] == terms["timeout"]
    assert rules["synonyms"]["예약 작업"] == terms["periodic task"]
    assert "시간 제한" in rules["compounds"] and "결과 백엔드" in rules["compounds"]
    assert "시간제한" in rules["protected"] and "결과백엔드" in rules["protected"]


def test_js_agrees_with_python(korean, guide, tmp_path):
    words = [word for word, _ in WORDS]
    queries = [*QUERIES, *PHRASE_QUERIES, *guide.rules["compounds"],
               *guide.rules["synonyms"], *guide.rules["synonyms"].values(), *guide.rules["query_synonyms"]]
    for lang in (korean, guide):
        script = tmp_path / "korean_language_data.js"
        script.write_text(lang.js_stemmer_code, encoding="utf-8")
        js = run_node(tmp_path, STEMMER_HARNESS, script, {"words": words, "queries": queries})
        assert js["stems"] == [stems(lang, word) for word in words]
        assert js["splits"] == [lang.split_query(query) for query in queries]
        assert js["stemmed"] == [[lang.stem(w.lower()) for w in lang.split_query(query)] for query in queries]


# --- a small Korean project, built ---------------------------------------------------------------

CONF = """\
import sys
sys.path.insert(0, {ext!r})
project = "t"
language = "ko"
extensions = ["myst_parser", "korean_search"]
korean_search_terms = "terms.tsv"
"""
PAGES = {
    "index.md": "# 목차\n\n```{toctree}\nworker\nbroker\n```\n",
    "worker.md": "# 첫째\n\n워커를 띄웁니다. 릴레이를 거칩니다. 타임아웃이 나면 다시 시도합니다.\n",
    "broker.md": "# 둘째\n\n브로커에서 Celery의 메시지를 받습니다. 주기적인 일입니다.\n",
}
TERMS = "# english\tkorean\ntimeout\t시간제한\n"


def sphinx(src, out, *options):
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", *options, str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr


def read_index(out):
    text = (out / "searchindex.js").read_text(encoding="utf-8")
    assert text.startswith("Search.setIndex(") and text.endswith(")")
    return json.loads(text[len("Search.setIndex(") : -1])


def write_project(src, terms=TERMS):
    (src / "conf.py").write_text(CONF.format(ext=str(EXT)), encoding="utf-8")
    (src / "terms.tsv").write_text(terms, encoding="utf-8")
    for name, text in PAGES.items():
        (src / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A two-page Korean project, built; its output folder and search index."""
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("html")
    write_project(src)
    sphinx(src, out)
    return out, read_index(out)


def pages(index, term):
    found = set()
    for mapping in (index["terms"], index["titleterms"]):
        docs = mapping.get(term, [])
        found |= {index["docnames"][i] for i in (docs if isinstance(docs, list) else [docs])}
    return found


def test_index_holds_stems(built, korean):
    _, index = built
    assert pages(index, "워커") == {"worker"}
    assert pages(index, "브로커") == {"broker"}
    assert "워커를" not in index["terms"]
    assert "브로커에서" not in index["terms"]
    # The two-syllable query, stemmed as the search page stems it, is an exact term.
    for query, page in [("워커", "worker"), ("브로커", "broker")]:
        assert pages(index, korean.stem(query)) == {page}


def test_index_holds_phrases_and_prefixes(built):
    _, index = built
    assert pages(index, "시간제한") == {"worker"}  # 타임아웃, with korean_search_terms
    assert pages(index, "주기") == {"broker"}  # 주기적인


def test_table_of_contents_is_not_indexed(built):
    _, index = built
    # The toctree lists the pages' titles: only the pages themselves hold them.
    assert pages(index, "첫째") == {"worker"}
    assert pages(index, "둘째") == {"broker"}
    assert "index" not in {page for term in index["terms"] for page in pages(index, term)}


def test_search_page_finds_stems(built, tmp_path):
    out, _ = built
    queries = ["워커", "브로커", "워커를", "브로커에서는", "릴레이를", "Celery를", "타임아웃", "주기"]
    results = run_node(tmp_path, SEARCH_HARNESS, out, queries)
    assert [r["terms"] for r in results] == [
        ["워커"], ["브로커"], ["워커"], ["브로커"], ["릴레"], ["celeri"], ["시간제한"], ["주기"]
    ]
    assert [r["pages"] for r in results] == [
        ["worker"], ["broker"], ["worker"], ["broker"], ["worker"], ["broker"], ["worker"], ["broker"]
    ]


def test_changed_terms_reindex_every_page(tmp_path):
    """An incremental build after the term list changed does not keep the old index entries."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    write_project(src)
    sphinx(src, out)
    assert pages(read_index(out), "시간제한") == {"worker"}
    written = (out / "broker.html").stat().st_mtime_ns
    sphinx(src, out)
    assert (out / "broker.html").stat().st_mtime_ns == written  # nothing changed: nothing is read again
    (src / "terms.tsv").write_text(TERMS.replace("시간제한", "제한시간"), encoding="utf-8")
    sphinx(src, out)
    assert (out / "broker.html").stat().st_mtime_ns != written
    index = read_index(out)
    assert pages(index, "제한시간") == {"worker"}
    assert pages(index, "시간제한") == set()


# --- the guide's Korean site ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The guide, both languages, built once per session (shared with tests/test_site.py)."""
    from test_site import build_site

    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def search(site, tmp_path_factory):
    """Run queries on the Korean site's search: query -> {"terms", "pages"}."""
    folder = tmp_path_factory.mktemp("search")

    def run(queries):
        return dict(zip(queries, run_node(folder, SEARCH_HARNESS, site / "ko", list(queries)), strict=True))

    return run


# query -> pages it must find (the first one at the top, where it says so).
READER_QUERIES = {
    "장고": {"setup", "first-steps", "overview", "tasks"},
    "셀러리": {"setup", "first-steps", "overview", "tasks"},
    "타임아웃": {"tasks", "running-workers", "results", "testing"},
    "크론": {"periodic-tasks", "glossary"},
    "비동기": {"tasks", "glossary", "results"},
    "예약 작업": {"periodic-tasks", "overview", "first-steps"},
    "연결이 끊김": {"troubleshooting"},
    "시간 제한": {"tasks", "running-workers", "results", "testing"},
    "시간제한": {"tasks", "running-workers", "results", "testing"},
    "주기": {"periodic-tasks", "overview", "glossary"},
}


def test_reader_queries_find_their_pages(search):
    found = search(READER_QUERIES)
    for query, expected in READER_QUERIES.items():
        assert expected <= set(found[query]["pages"]), (query, found[query])
    # One query, however it is spaced or named.
    assert found["시간 제한"]["pages"] == found["시간제한"]["pages"] == found["타임아웃"]["pages"]
    # 시간제(서머타임), daylight saving time, is not a time limit.
    assert "periodic-tasks" not in found["시간제한"]["pages"]
    assert found["연결이 끊김"]["pages"][0] == "troubleshooting"
    assert found["예약 작업"]["pages"].index("periodic-tasks") < found["예약 작업"]["pages"].index("overview")
    # Two syllables find longer words: 주기적, 주기적인.
    assert set(search(["주기적"])["주기적"]["pages"]) <= set(found["주기"]["pages"])


def test_every_synonym_finds_pages(search, guide):
    """Each synonym leads to pages that use its target."""
    rules = json.loads((EXT / "korean_search_rules.json").read_text(encoding="utf-8"))
    sources = [*rules["synonyms"], *rules["query_synonyms"], *rules["compounds"]]
    found = search(sources)
    assert not [source for source in sources if not found[source]["pages"]]


def article_text(path):
    """A page's article as text, without its tables of contents."""
    text = path.read_text(encoding="utf-8")
    article = text[text.index("<article"):text.index("</article>")]
    article = re.sub(r'(?s)<div class="toctree-wrapper.*?</div>', " ", article)
    return unescape(re.sub(r"<[^>]+>", " ", article))


def test_home_page_table_of_contents_is_not_searched(site, search, guide):
    """The home page's (hidden) tables of contents list every title; a word of a title finds the
    home page only if the home page's own text has the word."""
    index = read_index(site / "ko")
    home = {guide.stem(word) for word in guide.split(article_text(site / "ko" / "index.html"))}
    words = {guide.stem(word) for title in index["alltitles"] for word in guide.tokens(title)}
    words = sorted(word for word in words if re.fullmatch(r"[가-힣]{2,}", word)
                   and not {guide.stem(w.lower()) for w in guide.split_query(word)} & home)
    assert len(words) > 10, words
    found = search(words)
    assert not [word for word in words if "index" in found[word]["pages"]]


def test_no_results_suggest_pages(site, tmp_path):
    shown = run_node(tmp_path, PAGE_HARNESS, site / "ko", ["쿠버네티스헬름차트", "워커"])
    nothing, something = shown
    assert nothing["status"].startswith("검색어와 일치하는 페이지가 없습니다.")
    assert nothing["after"][0] == {
        "classes": ["search-suggestions"],
        "links": [["glossary.html", "용어집"], ["troubleshooting.html", "문제 해결"]],
    }
    assert something["after"][0]["classes"] == ["search"]  # the results, and no suggestions
    text = (site / "ko" / "_static" / "translations.js").read_text(encoding="utf-8")
    assert "검색어와 일치하는 페이지가 없습니다. 낱말 수를 줄이거나" in text
    assert "KOREAN_SEARCH" not in (site / "en" / "_static" / "language_data.js").read_text(encoding="utf-8")
