"""Korean search (docs/_ext/korean_search.py): the stemmer, its JavaScript twin, the index."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "docs" / "_ext"
sys.path.insert(0, str(EXT))

from korean_search import SearchKorean  # noqa: E402

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

# Loads the stemmer code as the browser would, then stems and splits the inputs on stdin.
STEMMER_HARNESS = r"""
const fs = require("fs");
const vm = require("vm");
vm.runInThisContext(fs.readFileSync(process.argv[2], "utf8"));
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const stemmer = new Stemmer();
process.stdout.write(JSON.stringify({
  stems: input.words.map((w) => splitQuery(w).map((t) => stemmer.stemWord(t)).join(" ")),
  splits: input.queries.map((q) => splitQuery(q)),
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
  return { terms: [...parsed[1]], pages: Search._performSearch(...parsed).map((r) => r[0]) };
})));
"""


def stems(lang, text):
    return " ".join(lang.stem(word) for word in lang.split(text))


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
    return SearchKorean({})


@pytest.mark.parametrize(("word", "expected"), WORDS, ids=[w for w, _ in WORDS])
def test_python_stem(korean, word, expected):
    assert stems(korean, word) == expected


def test_never_empty_and_one_syllable_kept(korean):
    for word, _ in WORDS:
        for token in korean.split(word):
            stem = korean.stem(token)
            assert stem
            if len(token) == 1:
                assert stem == token.lower()


def test_split(korean):
    assert korean.split(QUERIES[0]) == ["Celery", "를", "워커에서", "실행합니다"]
    assert korean.split(QUERIES[1]) == ["task_always_eager", "True", "값은", "42"]


def test_stopwords(korean):
    assert not korean.word_filter(korean.stem("를"))  # a particle standing alone
    assert not korean.word_filter(korean.stem("에서"))
    assert not korean.word_filter("The")
    assert not korean.word_filter("2026")
    assert korean.word_filter(korean.stem("워커를"))


def test_protected_words_from_config():
    plain = SearchKorean({})
    glossary = type("SearchKorean", (SearchKorean,), {"extra_protected": ("릴레이",)})({})
    assert plain.stem("릴레이를") == "릴레"
    assert glossary.stem("릴레이를") == "릴레이"
    assert glossary.stem("릴레이") == "릴레이"
    assert glossary.stem("평가를") == "평가"  # the file's words still apply


def test_js_agrees_with_python(korean, tmp_path):
    script = tmp_path / "korean_language_data.js"
    script.write_text(korean.js_stemmer_code, encoding="utf-8")
    words = [word for word, _ in WORDS]
    js = run_node(tmp_path, STEMMER_HARNESS, script, {"words": words, "queries": QUERIES})
    assert js["stems"] == [stems(korean, word) for word in words]
    assert js["splits"] == [korean.split(query) for query in QUERIES]


CONF = """\
import sys
sys.path.insert(0, {ext!r})
project = "t"
language = "ko"
extensions = ["myst_parser", "korean_search"]
korean_search_protected_words = ["릴레이"]
"""
PAGES = {
    "index.md": "# 목차\n\n```{toctree}\nworker\nbroker\n```\n",
    "worker.md": "# 첫째\n\n워커를 띄웁니다. 릴레이를 거칩니다.\n",
    "broker.md": "# 둘째\n\n브로커에서 Celery의 메시지를 받습니다.\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A two-page Korean project, built; its output folder and search index."""
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("html")
    (src / "conf.py").write_text(CONF.format(ext=str(EXT)), encoding="utf-8")
    for name, text in PAGES.items():
        (src / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    text = (out / "searchindex.js").read_text(encoding="utf-8")
    assert text.startswith("Search.setIndex(") and text.endswith(")")
    return out, json.loads(text[len("Search.setIndex(") : -1])


def pages(index, term):
    found = index["terms"].get(term)
    if found is None:
        return set()
    docs = found if isinstance(found, list) else [found]
    return {index["docnames"][i] for i in docs}


def test_index_holds_stems(built, korean):
    _, index = built
    assert pages(index, "워커") == {"worker"}
    assert pages(index, "브로커") == {"broker"}
    assert "워커를" not in index["terms"]
    assert "브로커에서" not in index["terms"]
    assert pages(index, "릴레이") == {"worker"}  # korean_search_protected_words
    # The two-syllable query, stemmed as the search page stems it, is an exact term.
    for query, page in [("워커", "worker"), ("브로커", "broker")]:
        assert pages(index, korean.stem(query)) == {page}


def test_search_page_finds_stems(built, tmp_path):
    out, _ = built
    queries = ["워커", "브로커", "워커를", "브로커에서는", "릴레이를", "Celery를"]
    results = run_node(tmp_path, SEARCH_HARNESS, out, queries)
    assert [r["terms"] for r in results] == [
        ["워커"], ["브로커"], ["워커"], ["브로커"], ["릴레이"], ["celeri"]
    ]
    assert [r["pages"] for r in results] == [
        ["worker"], ["broker"], ["worker"], ["broker"], ["worker"], ["broker"]
    ]
