"""Translated code blocks: the guard, the Sphinx transform, the catalog check.

The build tests run sphinx-build in a subprocess on a tiny MyST project in
tmp_path (Sphinx caches catalogs per process, so builds must not share one).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "docs" / "_ext"))
sys.path.insert(0, str(REPO / "tools"))

import check_code_translations  # noqa: E402
from code_compare import code_differs  # noqa: E402

ADD_PY = textwrap.dedent('''\
    def add(x, y):
        # Add two numbers.
        return x + y
''')
KOREAN_ADD_PY = textwrap.dedent('''\
    def add(x, y):
        # 두 수를 더합니다.
        # (주석은 몇 줄이든 됩니다)
        return x + y  # 합
''')
PAGE = textwrap.dedent('''\
    # Adding

    The task adds two numbers:

    ```{literalinclude} code/add.py
    :language: python
    ```

    Start a worker:

    ```console
    $ celery -A proj worker -l INFO
    ```
''')
CONSOLE = "$ celery -A proj worker -l INFO\n"


# -- code_differs --------------------------------------------------------------

@pytest.mark.parametrize("translation", [
    ADD_PY,
    KOREAN_ADD_PY,
    ADD_PY.replace("    # Add two numbers.\n", ""),  # comment dropped
    "# 맨 위 주석\n" + ADD_PY.replace("x + y", "x   +   y"),  # spacing only
])
def test_python_comment_and_spacing_changes_are_accepted(translation):
    assert code_differs(ADD_PY, translation, "python") is None


@pytest.mark.parametrize(("translation", "expected"), [
    (KOREAN_ADD_PY.replace("x + y", "x - y"), "'-' instead of '+'"),  # operator
    (KOREAN_ADD_PY.replace("def add", "def 더하기"), "'더하기' instead of 'add'"),  # name
    (KOREAN_ADD_PY.replace("x + y", "x + y + 1"), "'+' instead of '<end of line>'"),
    (KOREAN_ADD_PY + "print(add)\n", "line 5: extra 'print'"),  # added code
    (KOREAN_ADD_PY.replace("def add", "async def add"), "line 1: 'async' instead of 'def'"),
    (KOREAN_ADD_PY.replace("return x + y", "return x"), "'<end of line>' instead of '+'"),
])
def test_python_code_changes_are_described(translation, expected):
    assert expected in code_differs(ADD_PY, translation, "python")


def test_numbers_strings_and_broken_syntax_are_code():
    assert code_differs("t = f(10)\n", "t = f(100)  # 백\n", "python") == (
        "line 1: '100' instead of '10'")
    assert "'\"proj\"' instead of" in code_differs(
        'app = Celery("demo")\n', 'app = Celery("proj")\n', "python")
    assert "not valid Python" in code_differs(ADD_PY, ADD_PY + "    ) # 닫기\n", "python")


def test_other_languages_compare_lines_without_hash_comments():
    assert code_differs(CONSOLE, "# 워커 시작\n" + CONSOLE.rstrip() + "  # 로그 INFO\n",
                        "console") is None
    assert code_differs(CONSOLE, CONSOLE.replace("INFO", "DEBUG"), "console") == (
        "line 1: '$ celery -A proj worker -l DEBUG' instead of "
        "'$ celery -A proj worker -l INFO'")
    assert code_differs('$ echo "a # b"\n', '$ echo "a # c"\n', "console") is not None
    assert code_differs("[Service]\nType=simple\n", "; 서비스\n[Service]\nType=simple\n",
                        "systemd") is None
    assert code_differs("[a]\nb = 1\n", "[a]\nb = 2  # 둘\n", "toml") is not None


# -- the Sphinx transform ----------------------------------------------------------

def make_project(root: Path, code_msgstr: str, *, extensions=("myst_parser", "translated_code"),
                 extra_pages: int = 0, include_options: str = "") -> Path:
    """A ko project whose catalog translates the prose and the included code."""
    src = root / "src"
    (src / "code").mkdir(parents=True)
    (src / "code" / "add.py").write_text(ADD_PY, encoding="utf-8")
    (src / "conf.py").write_text(textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(REPO / "docs" / "_ext")!r})
        extensions = {list(extensions)!r}
        language = "ko"
        locale_dirs = [{str(root / "locale")!r}]
        gettext_compact = False
        gettext_additional_targets = ["literal-block"]
        """), encoding="utf-8")
    pages = "".join(f"p{n}\n" for n in range(extra_pages))
    toctree = f"\n```{{toctree}}\n:hidden:\n{pages}```\n" if extra_pages else ""
    page = PAGE.replace(":language: python\n", ":language: python\n" + include_options)
    (src / "index.md").write_text(page + toctree, encoding="utf-8")
    for n in range(extra_pages):
        (src / f"p{n}.md").write_text(f"# Page {n}\n\n```python\nx = {n}\n```\n")

    po = Catalog(locale="ko")
    for msgid, msgstr, line in [
        ("Adding", "더하기", 1),
        ("The task adds two numbers:", "태스크는 두 수를 더합니다:", 3),
        (ADD_PY, code_msgstr, 5),
        (CONSOLE, "# 워커를 시작합니다\n" + CONSOLE, 11),
    ]:
        po.add(msgid, msgstr, locations=[("../src/index.md", line)])
    po_path = root / "locale" / "ko" / "LC_MESSAGES" / "index.po"
    po_path.parent.mkdir(parents=True)
    save_po(po, po_path)
    return po_path


def load_po(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def save_po(po: Catalog, path: Path) -> None:
    with path.open("wb") as file:
        write_po(file, po)


def build(root: Path, *args: str, builder: str = "html") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder, *args,
         "src", f"out-{builder}"],
        cwd=root, capture_output=True, text=True, timeout=120)


def highlighted_code(page: str) -> list[str]:
    """The text of each highlighted code block of an HTML page."""
    blocks = re.findall(r'<div class="highlight"><pre>(.*?)</pre>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def msgid_line(po_path: Path, marker: str) -> int:
    """The line of the msgid whose text contains *marker* (a line of the .po)."""
    lines = po_path.read_text(encoding="utf-8").splitlines()
    index = next(n for n, line in enumerate(lines) if marker in line)
    while not lines[index].startswith(("msgid", "#~ msgid")):
        index -= 1
    return index + 1


def test_korean_comments_are_shown_in_highlighted_code(tmp_path):
    make_project(tmp_path, KOREAN_ADD_PY)
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr

    page = (tmp_path / "out-html" / "index.html").read_text(encoding="utf-8")
    assert "태스크는 두 수를 더합니다" in page  # the prose is translated too
    assert "<p>::</p>" not in page
    python, console = highlighted_code(page)
    assert python == KOREAN_ADD_PY
    assert code_differs(ADD_PY, python, "python") is None
    assert '<span class="c1"># 두 수를 더합니다.</span>' in page  # a comment to the highlighter
    assert console.startswith("# 워커를 시작합니다\n$ celery")


def test_without_the_extension_the_code_is_lost(tmp_path):
    """The bug the extension works around (MyST-Parser issue 444)."""
    make_project(tmp_path, KOREAN_ADD_PY, extensions=("myst_parser",))
    build(tmp_path)
    page = (tmp_path / "out-html" / "index.html").read_text(encoding="utf-8")
    assert "두 수를 더합니다." not in "".join(highlighted_code(page))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_changed_code_fails_the_build_at_the_po_entry(tmp_path, jobs):
    po_path = make_project(tmp_path, KOREAN_ADD_PY.replace("x + y", "x - y"),
                           extra_pages=6 if jobs == "2" else 0)
    result = build(tmp_path, "-j", jobs)

    assert result.returncode != 0
    line = msgid_line(po_path, "# Add two numbers.")
    assert (f"locale/ko/LC_MESSAGES/index.po:{line}: WARNING: translated code differs from "
            "its source outside comments: line 4 (source line 3): '-' instead of '+'"
            ) in result.stderr
    page = (tmp_path / "out-html" / "index.html").read_text(encoding="utf-8")
    assert highlighted_code(page)[0] == ADD_PY  # the English code stays


def test_added_comment_lines_are_refused_when_lines_are_emphasized(tmp_path):
    make_project(tmp_path, KOREAN_ADD_PY, include_options=":emphasize-lines: 3\n")
    result = build(tmp_path)
    assert result.returncode != 0
    assert "line count changed in a block with line numbers or emphasize-lines" in result.stderr


def test_gettext_builder_still_extracts_code_blocks(tmp_path):
    """As ``make gettext`` runs it: in English, with compiled Korean catalogs around.

    (With ``-D language=ko`` and an ``index.mo``, Sphinx's own Locale would put
    translations, and ``::`` for code, into the .pot: never extract in Korean.)
    """
    make_project(tmp_path, KOREAN_ADD_PY)
    assert build(tmp_path).returncode == 0  # compiles index.mo
    assert (tmp_path / "locale" / "ko" / "LC_MESSAGES" / "index.mo").is_file()
    result = build(tmp_path, "-D", "language=en", builder="gettext")
    assert result.returncode == 0, result.stderr
    pot = load_po(tmp_path / "out-gettext" / "index.pot")
    assert {ADD_PY, CONSOLE} <= {message.id for message in pot}


# -- tools/check_code_translations.py --------------------------------------------------

def test_cli_reports_each_broken_entry(tmp_path, monkeypatch, capsys):
    po_path = make_project(tmp_path, KOREAN_ADD_PY.replace("return x + y", "return x * y"))
    po = load_po(po_path)
    po[CONSOLE].string = CONSOLE.replace("INFO", "DEBUG")
    beat = "$ celery -A proj beat\n"
    po.add(beat, "# 비트\n" + beat, flags=["fuzzy"], locations=[("../src/index.md", 11)])
    po.add("x = 1\nprint(x)\n", "# 하나\nx = 1\nprint(x)\n", locations=[("../src/index.md", 20)])
    sub = "def sub(x, y):\n    return x - y\n"
    po.obsolete[sub] = Message(sub, "# 빼기\n" + sub)
    save_po(po, po_path)
    monkeypatch.chdir(tmp_path)

    status = check_code_translations.main(["--srcdir", "src", "locale/ko/LC_MESSAGES"])

    out = capsys.readouterr().out.splitlines()
    where = "locale/ko/LC_MESSAGES/index.po"
    assert status == 1
    assert out == [
        f"{where}:{msgid_line(po_path, 'def sub(x, y)')}: obsolete translation of a code block "
        "(#~): move its comments to the current entry, then delete it",
        f"{where}:{msgid_line(po_path, '# Add two numbers.')}: translated code differs from its "
        "source outside comments: line 4 (source line 3): '*' instead of '+'",
        f"{where}:{msgid_line(po_path, 'worker -l INFO')}: translated code differs from its "
        "source outside comments: line 1: '$ celery -A proj worker -l DEBUG' instead of "
        "'$ celery -A proj worker -l INFO'",
        f"{where}:{msgid_line(po_path, 'proj beat')}: fuzzy translation of a code block: the page "
        "shows the English code; update the msgstr to the msgid and drop 'fuzzy'",
        f"{where}:{msgid_line(po_path, 'print(x)')}: stale translation: no code block of "
        "src/index.md has this text any more (run make update-po)",
    ]


def test_cli_accepts_a_good_catalog_and_notices_a_changed_include(tmp_path):
    make_project(tmp_path, KOREAN_ADD_PY)
    command = [sys.executable, str(REPO / "tools" / "check_code_translations.py"),
               "--srcdir", "src", "locale/ko/LC_MESSAGES"]
    good = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert (good.returncode, good.stdout, good.stderr) == (0, "", "")

    (tmp_path / "src" / "code" / "add.py").write_text(ADD_PY.replace("x + y", "y + x"))
    stale = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert stale.returncode == 1
    assert stale.stdout.startswith("locale/ko/LC_MESSAGES/index.po:")
    assert "stale translation: no code block of src/index.md" in stale.stdout


def test_cli_finds_the_code_blocks_sphinx_extracts(tmp_path):
    """Every code msgid of a real gettext build is a current block: nothing reported."""
    make_project(tmp_path, KOREAN_ADD_PY)
    src = tmp_path / "src"
    (src / "conf.py").write_text((src / "conf.py").read_text()
                                 + 'myst_enable_extensions = ["colon_fence"]\n'
                                 + 'extensions.append("sphinx.ext.doctest")\n')
    (src / "code" / "tasks.py").write_text(
        "import os\n\n# [start]\nclass T:\n    def run(self):\n        return 1\n\n\n"
        "X = 2\n# [end]\n")
    (src / "index.md").write_text(PAGE + textwrap.dedent('''
        ```{literalinclude} code/tasks.py
        :start-after: "# [start]"
        :end-before: '# [end]'
        ```

        ```{literalinclude} /code/tasks.py
        :pyobject: T.run
        :caption: The run method
        ```

        ```{code-block} ini
        :caption: celery.ini

        [celery]
        app = proj
        ```

        :::{note}
        ```python
          indented = True
        ```
        :::

        - A list item:

          ```console
          $ one
            two
          ```

        ````{admonition} Title
        ```{doctest}
        >>> 1 + 1
        2
        ```
        ````

        ```
        no language
        ```
        '''), encoding="utf-8")
    assert build(tmp_path, builder="gettext").returncode == 0
    po = load_po(tmp_path / "out-gettext" / "index.pot")
    for message in po:  # "translate" every entry to itself plus nothing
        if message.id:
            message.string = message.id
    po_path = tmp_path / "locale" / "ko" / "LC_MESSAGES" / "index.po"
    save_po(po, po_path)

    blocks = check_code_translations.page_blocks(src / "index.md", src)
    assert len(blocks) == 9 and all(block.text for block in blocks)
    assert check_code_translations.check_catalog(po_path, src) == []
    # and a changed fenced block makes its entry stale
    (src / "index.md").write_text((src / "index.md").read_text().replace("  two\n", "  three\n"))
    [problem] = check_code_translations.check_catalog(po_path, src)
    assert f"index.po:{msgid_line(po_path, '  two')}: stale translation" in problem
