"""tools/lint_po.py: each check on a small broken catalog, --format, and the real catalogs."""
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, unescape, write_po

from tools import lint_po

ROOT = Path(__file__).resolve().parent.parent

HEADER = r'''# Korean translation of a test page.
#
msgid ""
msgstr ""
"Project-Id-Version: Celery + Django\n"
"Report-Msgid-Bugs-To: \n"
"POT-Creation-Date: 2026-11-24 23:39+0000\n"
"PO-Revision-Date: 2026-11-25 10:00+0000\n"
"Last-Translator: Tester <tester@example.com>\n"
"Language: ko\n"
"Language-Team: Korean\n"
"Plural-Forms: nplurals=1; plural=0;\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=utf-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Generated-By: Babel 2.18.0\n"
'''


@pytest.fixture(autouse=True)
def _run_from_the_root(monkeypatch):
    """Reports name files relative to the working directory: run where make does."""
    monkeypatch.chdir(ROOT)


def entry(msgid, msgstr, line=1, flags=""):
    """One entry as sphinx-intl writes it (strings short enough not to wrap), with the format
    flags Babel guesses from the msgid."""
    flags = sorted({*filter(None, flags.split(", ")), *Message(unescape(f'"{msgid}"')).flags})
    flags = f"#, {', '.join(flags)}\n" if flags else ""
    return f'#: ../../docs/page.md:{line}\n{flags}msgid "{msgid}"\nmsgstr "{msgstr}"\n'


def catalog(tmp_path, *entries, name="page", page=True):
    """Write locale/ko/LC_MESSAGES/<name>.po (and its page docs/<name>.md) under tmp_path."""
    path = tmp_path / "locale" / "ko" / "LC_MESSAGES" / f"{name}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "\n" + "\n".join(entries) + "\n", encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    if page:
        (tmp_path / "docs" / f"{name}.md").write_text(page_text(path), encoding="utf-8")
    return path


def page_text(path):
    """A page whose paragraphs are the catalog's current msgids, as if it was extracted from it."""
    try:
        return "".join(f"{m.id}\n\n" for m in lint_po.read_catalog(path.read_text()) if m.id)
    except PoFileError:  # a catalog broken on purpose
        return "# Page\n"


def line_of(path, start):
    """The number of the first line of the file that starts with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def msgid_line(path, start):
    """The line of the entry whose msgid starts with ``start``."""
    return line_of(path, f'msgid "{start}')


def run(capsys, *argv):
    status = lint_po.main([str(a) for a in argv])
    return status, capsys.readouterr().out.splitlines()


def reported(out, path, line, check):
    """The reports for that file, line and check."""
    return [r for r in out if r.startswith(f"{path}:{line}: [{check}] ")]


# --- a clean catalog ---------------------------------------------------------


def test_clean_catalog_gives_no_output_and_exit_0(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("First steps", "첫걸음", 1),
        entry("Run `celery worker` with {term}`Celery <celery>`.",
              "{term}`셀러리 <celery>`로 `celery worker`를 실행합니다.", 3),
        entry("See [the guide](https://docs.celeryq.dev/) and *this*.",
              "[안내서](https://docs.celeryq.dev/)와 *이것*을 보세요.", 5),
        entry("The **worker (process)** runs.", "**워커**(worker)가 실행됩니다.", 7),
        entry("Set CELERY_BROKER_URL or 2 * 3.", "CELERY_BROKER_URL 또는 2 * 3을 설정합니다.", 9),
    )
    assert run(capsys, path) == (0, [])


# --- syntax ------------------------------------------------------------------


def test_syntax_passes_msgfmt_errors_with_their_line(tmp_path, capsys):
    path = catalog(tmp_path, entry("Install", "설치", 1), entry("Install", "설치하기", 5))
    second = [n for n, line in enumerate(path.read_text().splitlines(), 1)
              if line == 'msgid "Install"'][1]
    status, out = run(capsys, path)
    assert status == 1
    assert reported(out, path, second, "syntax"), out
    assert "duplicate message definition" in reported(out, path, second, "syntax")[0]


def test_syntax_ignores_format_flags_babel_guesses(tmp_path, capsys):
    # sphinx-intl (Babel) flags these; a correct translation must still pass.
    path = catalog(tmp_path, entry("50% of tasks fail.", "태스크의 50%가 실패합니다.", 1,
                                   flags="python-format"),
                   entry("See {term}`worker`.", "{term}`워커 <worker>`를 보세요.", 3,
                         flags="python-brace-format"))
    assert run(capsys, path) == (0, [])


@pytest.mark.parametrize("bad, by", [
    ('msgtxt "x"', "Babel: Unknown or misformatted keyword"),  # Babel's parser stops here
    ('msgstr "태스크" "x"', "msgfmt: "),  # Babel reads this one; msgfmt does not
])
def test_syntax_reports_a_parse_error_with_its_line(tmp_path, capsys, bad, by):
    path = catalog(tmp_path, entry("Install", "설치", 1),
                   f'#: ../../docs/page.md:3\nmsgid "Tasks"\nmsgstr "태스크"\n\n{bad}\n')
    status, out = run(capsys, path)
    assert status == 1
    found = reported(out, path, line_of(path, bad), "syntax")
    assert any(f"[syntax] {by}" in r for r in found), out


def test_syntax_without_msgfmt_says_what_to_install(tmp_path, capsys, monkeypatch):
    path = catalog(tmp_path, entry("Install", "설치", 1))
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    status, out = run(capsys, path)
    assert status == 1
    assert out == [f"{path}:1: [syntax] msgfmt not found: install Debian's gettext "
                   "(apt-get install gettext)"]


def test_catalog_not_in_utf8_is_one_report_and_the_others_are_checked(tmp_path, capsys):
    path = catalog(tmp_path, entry("Install", "설치", 1))
    korean = line_of(path, 'msgstr "설치"')
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp949"))
    other = catalog(tmp_path, entry("Tasks", "", 1), name="other")
    status, out = run(capsys, tmp_path / "locale")
    assert status == 1
    assert out == [f"{other}:{msgid_line(other, 'Tasks')}: [untranslated] not translated yet "
                   '(msgid: "Tasks")',
                   f"{path}:{korean}: [syntax] not UTF-8 (it reads as CP949, the Windows "
                   "Korean encoding): save it as UTF-8"]


def test_header_naming_another_charset_is_one_report(tmp_path, capsys):
    path = catalog(tmp_path, entry("Install", "설치", 1))
    path.write_text(path.read_text(encoding="utf-8").replace("charset=utf-8", "charset=EUC-KR"),
                    encoding="utf-8")
    status, out = run(capsys, path)
    assert status == 1
    header = line_of(path, '"Content-Type')
    assert out == [f"{path}:{header}: [syntax] the header declares charset=EUC-KR, but the "
                   "catalogs are UTF-8: write charset=UTF-8 (Sphinx and msgfmt would misread "
                   "every Korean line)"]


def test_a_check_that_fails_is_reported_and_the_others_still_run(tmp_path, capsys, monkeypatch):
    def broken(cat):
        raise ValueError("boom")
        yield

    monkeypatch.setitem(lint_po.CHECKS, "terms", broken)
    path = catalog(tmp_path, entry("Install", "", 1))
    status, out = run(capsys, path)
    assert status == 1
    assert out == [f"{path}:1: [terms] this check failed (ValueError: boom): please report it "
                   "with the catalog",
                   f'{path}:{msgid_line(path, "Install")}: [untranslated] not translated yet '
                   '(msgid: "Install")']


# --- markup ------------------------------------------------------------------


@pytest.mark.parametrize("msgid, msgstr, message", [
    ("Run `celery worker` now.", "`celery wroker`를 지금 실행합니다.",
     "inline code: msgstr lacks `celery worker`; msgstr adds `celery wroker`"),
    ("Run `celery worker` now.", "celery worker를 지금 실행합니다.",
     "inline code: msgstr lacks `celery worker`"),
    ("See {term}`worker`.", "{term}`작업자 <broker>`를 보세요.",
     "role: msgstr lacks {term}`worker`; msgstr adds {term}`broker`"),
    ("See {doc}`first-steps`.", "{ref}`first-steps`를 보세요.",
     "role: msgstr lacks {doc}`first-steps`; msgstr adds {ref}`first-steps`"),
    ("See [Celery](https://docs.celeryq.dev/).", "[Celery](https://docs.celeryq.dev)를 보세요.",
     "link target: msgstr lacks <https://docs.celeryq.dev/>; "
     "msgstr adds <https://docs.celeryq.dev>"),
    ("Read <https://example.com/> first.", "먼저 https://example.com/ 을 읽으세요.",
     "link target: msgstr lacks <https://example.com/>"),
    ("This is *important*.", "이것은 중요합니다.", "emphasis: 1 in the msgid, 0 in the msgstr"),
    ("This is **important**.", "이것은 *중요*합니다.", "strong: 1 in the msgid, 0 in the msgstr"),
    ("Version {{ release }} is out.", "{{ version }} 버전이 나왔습니다.",
     "substitution: msgstr lacks {{ release }}; msgstr adds {{ version }}"),
])
def test_markup_differences_are_reported(tmp_path, capsys, msgid, msgstr, message):
    path = catalog(tmp_path, entry("Title", "제목", 1), entry(msgid, msgstr, 3))
    status, out = run(capsys, path)
    assert status == 1
    line = line_of(path, f'msgid "{msgid}"')
    assert f'{path}:{line}: [markup] {message} (msgid: "{msgid}")' in out, out


def test_markup_allows_translated_role_and_link_text(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("See {term}`worker` and [the docs](https://docs.celeryq.dev/).",
              "{term}`워커 <worker>`와 [문서](https://docs.celeryq.dev/)를 보세요.", 1),
        entry("Press {guilabel}`Save`.", "{guilabel}`저장`을 누릅니다.", 3),
    )
    assert run(capsys, path) == (0, [])


def test_markup_names_characters_that_look_like_a_space(tmp_path, capsys):
    path = catalog(tmp_path, entry("Run `celery worker` now.", "`celery\u00a0worker`를 실행합니다.", 1))
    status, out = run(capsys, path)
    assert status == 1
    assert out == [f'{path}:{msgid_line(path, "Run")}: [markup] inline code: msgstr lacks '
                   "`celery worker`; msgstr adds `celery[U+00A0 NO-BREAK SPACE]worker` "
                   '(msgid: "Run `celery worker` now.")']


# --- rendering ---------------------------------------------------------------


@pytest.mark.parametrize("msgid, msgstr, shown, hint", [
    ("The **worker (process)** runs.", "**워커(worker)**를 실행합니다.",
     "'**'", "`**워커**(worker)를`"),
    ("An *emphasised* word.", "_강조_를 합니다.", "'_'", "`*강조*를`"),
    ("Call `delay()` here.", "`delay()를 여기서 호출합니다.", "'`'", "not closed"),
])
def test_markup_that_will_not_render_is_reported(tmp_path, capsys, msgid, msgstr, shown, hint):
    path = catalog(tmp_path, entry("Title", "제목", 1), entry(msgid, msgstr, 3))
    status, out = run(capsys, path)
    assert status == 1
    found = reported(out, path, line_of(path, f'msgid "{msgid}"'), "rendering")
    assert len(found) == 1, out
    assert f"{shown} is printed as is" in found[0] and hint in found[0]


def test_literal_delimiters_that_are_meant_are_not_reported(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("Use a_b_c or *args here.", "여기서 a_b_c나 *args를 씁니다.", 1),  # as in the msgid
        entry("Multiply them.", r"2 * 3처럼 곱하고 \\*표\\*를 붙입니다.", 3),  # spaced, escaped
    )
    assert run(capsys, "--skip", "numbers", path) == (0, [])


@pytest.mark.parametrize("msgid, msgstr, message", [
    ("This is *important*.", "이것은 *중요합니다.",
     "'*' opens an emphasis that is never closed: close it with the same marker, or remove it"),
    ("The **worker** runs.", "**워커 **가 실행됩니다.",
     "a closing '**' must follow the text directly: remove the space before it, "
     "e.g. `**워커**를`"),
    ("The **worker** runs.", "**워커\u00a0**가 실행됩니다.",
     "a closing '**' must follow the text directly: remove the [U+00A0 NO-BREAK SPACE] "
     "before it, e.g. `**워커**를`"),
    ("The **worker** runs.", "** 워커**가 실행됩니다.",
     "an opening '**' must be followed directly by the text: remove the space after it"),
])
def test_emphasis_that_is_not_closed_gets_its_own_message(tmp_path, capsys, msgid, msgstr,
                                                          message):
    path = catalog(tmp_path, entry(msgid, msgstr, 1))
    status, out = run(capsys, path)
    assert status == 1
    assert len(out) == 1, out  # not also a markup report for the missing emphasis
    assert out[0].startswith(f'{path}:{msgid_line(path, msgid)}: [rendering] ')
    assert out[0].endswith(f': {message} (msgid: "{msgid}")'), out


# --- translation state ---------------------------------------------------------


def test_untranslated_fuzzy_and_obsolete_entries(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("Install", "", 1),
        entry("Tasks", "태스크", 3, flags="fuzzy"),
        entry("Run it", "실행하기", 5),
        '#~ msgid "Old heading"\n#~ msgstr "옛 제목"\n',
    )
    status, out = run(capsys, path)
    assert status == 1
    assert reported(out, path, line_of(path, 'msgid "Install"'), "untranslated")
    assert reported(out, path, line_of(path, 'msgid "Tasks"'), "fuzzy")
    assert reported(out, path, line_of(path, '#~ msgid "Old heading"'), "obsolete")
    assert len(out) == 3, out


def test_catalog_without_its_page_is_obsolete(tmp_path, capsys):
    catalog(tmp_path, entry("Install", "설치", 1), name="page")
    gone = catalog(tmp_path, entry("Install", "설치", 1), name="gone", page=False)
    status, out = run(capsys, tmp_path / "locale")
    assert status == 1
    assert out == [f"{gone}:1: [obsolete-catalog] no page docs/gone.md for this catalog: "
                   "delete it (or git mv it along with its page)"]


def test_code_block_entries_are_left_to_the_code_checker(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry(r"x = a_b * `c`\n", r"x = `a`_b **\n", 1),
        entry(r"$ celery -A proj worker\n", "", 3),
        entry(">>> add.delay(2, 3)", "", 5, flags="fuzzy"),
    )
    assert run(capsys, path) == (0, [])


# --- content ---------------------------------------------------------------------


def test_english_left_in_the_msgstr_is_reported(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("Start the worker and wait.", "Start the worker and wait.", 1),  # "copy source"
        entry("Open the admin and log in.", "Open the admin page and log in", 3),
        # These stay as they are: a path, code, names, a name the term list keeps.
        entry("proj/\\\\_\\\\_init\\\\_\\\\_.py", "proj/\\\\_\\\\_init\\\\_\\\\_.py", 5),
        entry("`app.autodiscover_tasks()`", "`app.autodiscover_tasks()`", 7),
        entry("Windows", "Windows", 9),
        entry("Celery beat", "Celery beat", 11),
        entry("-from __future__ import absolute_import",  # the body of a one-line code block
              "-from __future__ import absolute_import", 13),
    )
    page = tmp_path / "docs" / "page.md"
    page.write_text(page.read_text(encoding="utf-8") + "```{code-block} diff\n:caption: a.py\n"
                    "-from __future__ import absolute_import\n```\n", encoding="utf-8")
    status, out = run(capsys, path)
    assert status == 1
    assert out == [
        f'{path}:{msgid_line(path, "Start")}: [english] the msgstr is the msgid '
        """copied unchanged (a PO editor's "copy source"?): translate it """
        '(msgid: "Start the worker and wait.")',
        f'{path}:{msgid_line(path, "Open")}: [english] the msgstr has no '
        'Korean: translate the English (msgid: "Open the admin and log in.")',
    ]


def test_numbers_must_be_kept(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("Wait 50 ms.", "500 ms 기다립니다.", 1),
        entry("Needs Python 3.11.", "Python 3.1이 필요합니다.", 3),
        # Numbers the English spells out, and a number said twice, are fine.
        entry("Wait one second, then ten minutes.", "1초, 그다음 10분 기다립니다.", 5),
        entry("Python 3 only, since Celery 5.0.", "Python 3 전용: Celery 5.0부터 Python 3만 "
                                                   "지원합니다.", 7),
    )
    status, out = run(capsys, path)
    assert status == 1
    keep = "(the Korean keeps every number of the English, unchanged)"
    assert out == [
        f'{path}:{msgid_line(path, "Wait 50")}: [numbers] numbers: msgstr '
        f'lacks 50; msgstr adds 500 {keep} (msgid: "Wait 50 ms.")',
        f'{path}:{msgid_line(path, "Needs")}: [numbers] numbers: msgstr '
        f'lacks 3.11; msgstr adds 3.1 {keep} (msgid: "Needs Python 3.11.")',
    ]


@pytest.mark.parametrize("msgstr, note", [
    ("워커를 시작합니다. TODO", "'TODO'"),
    ("FIXME: 워커를 시작합니다.", "'FIXME'"),
    ("워커를 XXX 시작합니다.", "'XXX'"),
    ("워커를 시작합니다 [번역 확인 필요]", "'[번역 확인 필요]'"),
    ("워커를 시작합니다(?)", "'(?)'"),
])
def test_translators_notes_left_in_are_reported(tmp_path, capsys, msgstr, note):
    path = catalog(tmp_path, entry("Start the worker.", msgstr, 1))
    status, out = run(capsys, path)
    assert status == 1
    assert out == [f'{path}:{msgid_line(path, "Start")}: [notes] a translator\'s note is left in '
                   f"the msgstr: {note}, which the page would show; remove it (a note for other "
                   'translators goes in a "# " comment line above the entry) '
                   '(msgid: "Start the worker.")']


@pytest.mark.parametrize("msgstr, mark, kind, escaped", [
    ("1. 워커를 시작합니다.", "1.", "a numbered list", "1\\."),
    ("- 워커를 시작합니다.", "-", "a bullet list", "\\-"),
    ("## 워커를 시작합니다.", "##", "a heading", "\\##"),
    ("```워커를 시작합니다.", "```", "a code block", "\\```"),
])
def test_msgstr_starting_with_block_syntax_is_reported(tmp_path, capsys, msgstr, mark, kind,
                                                       escaped):
    path = catalog(tmp_path, entry("Start the worker.", msgstr, 1),
                   entry("1. Stop it.", "1. 멈춥니다.", 3))  # as in the msgid
    status, out = run(capsys, path)
    assert status == 1
    assert out == [f'{path}:{msgid_line(path, "Start")}: [block-syntax] the msgstr starts with '
                   f"{mark!r}, which makes it {kind}, but the msgid does not start that way: "
                   f"start the msgstr with its text (or write `{escaped}` if the mark is meant) "
                   '(msgid: "Start the worker.")']


# --- catalogs and pages -------------------------------------------------------------


def test_msgid_not_in_the_page_is_reported(tmp_path, capsys):
    path = catalog(tmp_path, entry("Don’t stop the worker.", "워커를 멈추지 마세요.", 1),
                   entry("Old text.", "옛 글.", 3))
    page = tmp_path / "docs" / "page.md"
    page.write_text("Don't stop the\nworker.\n\nNew text.\n", encoding="utf-8")
    status, out = run(capsys, path)
    assert status == 1
    assert out == [
        f'{path}:{msgid_line(path, "Don")}: [msgid] the msgid has ’ where '
        f"{page} has ': a PO editor changed it, so Sphinx does not find it and the page shows "
        """the English; change it back (msgid: "Don’t stop the worker.")""",
        f'{path}:{msgid_line(path, "Old")}: [msgid] this msgid is not in '
        f"{page}, so the page shows the English: the page changed since the last "
        "`make update-po` (run it), or the msgid was edited (change it back: only the msgstr "
        'is translated) (msgid: "Old text.")',
    ]


def test_page_without_a_catalog_is_reported(tmp_path, capsys):
    catalog(tmp_path, entry("Install", "설치", 1))
    page = tmp_path / "docs" / "tasks.md"
    page.write_text("# Tasks\n", encoding="utf-8")
    po = tmp_path / "locale" / "ko" / "LC_MESSAGES" / "tasks.po"
    po.with_suffix(".mo").write_bytes(b"")  # compiled before the catalog was deleted
    status, out = run(capsys, tmp_path / "locale")
    assert status == 1
    assert out == [f"{page}:1: [missing-catalog] no catalog {po} for this page: the Korean "
                   f"page is all English (the stale {po.with_suffix('.mo')} still translates it "
                   "in a local build); restore the catalog from git, or start one with "
                   "make update-po"]


def test_catalog_of_a_renamed_page_names_the_page(tmp_path, capsys):
    catalog(tmp_path, entry("Install", "설치", 1))
    old = catalog(tmp_path, entry("Tasks", "태스크", 1), entry("Call `add.delay()`.",
                                                               "`add.delay()`를 호출합니다.", 3),
                  name="tasks", page=False)
    (tmp_path / "docs" / "defining-tasks.md").write_text(page_text(old), encoding="utf-8")
    status, out = run(capsys, tmp_path / "locale")
    assert status == 1
    assert out == [f"{old}:1: [obsolete-catalog] no page docs/tasks.md for this catalog; its "
                   "text is that of docs/defining-tasks.md, which has no catalog (a renamed "
                   f"page?): git mv {old} {old.with_name('defining-tasks.po')}, then run "
                   "make update-po"]  # and no missing-catalog report for the same mistake


# --- reports -----------------------------------------------------------------


def test_report_names_file_line_check_and_shortened_msgid(tmp_path, capsys):
    msgid = "A long paragraph about `workers` that goes on for quite a while."
    path = catalog(tmp_path, entry(msgid, "워커에 대한 긴 문단입니다.", 7))
    status, out = run(capsys, path)
    line = line_of(path, 'msgid "A long')
    assert out == [f'{path}:{line}: [markup] inline code: msgstr lacks `workers` '
                   f'(msgid: "{msgid[:60]}…")']


def test_runs_as_a_module(tmp_path):
    path = catalog(tmp_path, entry("Install", "", 1))
    result = subprocess.run([sys.executable, "-m", "tools.lint_po", str(path)],
                            cwd=ROOT, capture_output=True, text=True)
    line = line_of(path, 'msgid "Install"')
    assert result.returncode == 1, result.stderr
    assert result.stdout == (f'{path}:{line}: [untranslated] not translated yet '
                             '(msgid: "Install")\n')


def test_skip_leaves_a_check_out(tmp_path, capsys):
    path = catalog(tmp_path, entry("Install", "", 1))
    assert run(capsys, "--skip", "untranslated", path) == (0, [])


# --- wrapping and --format -----------------------------------------------------

KOREAN = ("이 페이지에서는 빈 터미널에서 시작해, Celery 워커에서 실행된 태스크가 그 결과를 "
          "Django에 돌려주기까지의 과정을 따라갑니다. 예제 프로젝트 `proj`를 사용합니다.")
ENGLISH = ("This page takes you from an empty terminal to a task that runs in a Celery "
           "worker and returns its result to Django. It uses the example project `proj`.")

# The same entry as GNU msgcat --width=50 wraps it: Hangul words split in the middle.
MSGCAT_WRAPPED = r'''#: ../../docs/page.md:3
msgid ""
"This page takes you from an empty terminal to a "
"task that runs in a Celery worker and returns "
"its result to Django. It uses the example "
"project `proj`."
msgstr ""
"이 페이지에서는 빈 터미널에서 시작해, Celery 워"
"커에서 실행된 태스크가 그 결과를 Django에 돌려주"
"기까지의 과정을 따라갑니다. 예제 프로젝트 `proj`"
"를 사용합니다."
'''


def entries_of(path):
    po = lint_po.read_catalog(path.read_text(encoding="utf-8"))
    return [(m.id, m.string, m.context, m.locations, sorted(m.flags), obsolete,
             " ".join(" ".join(m.user_comments).split()), " ".join(" ".join(m.auto_comments).split()))
            for obsolete, messages in ((False, po), (True, po.obsolete.values())) for m in messages
            ], po.mime_headers


def test_wrapping_reports_first_differing_line_and_format_fixes_it(tmp_path, capsys):
    path = catalog(tmp_path, entry("Install", "설치", 1), MSGCAT_WRAPPED)
    before = entries_of(path)
    status, out = run(capsys, path)
    first = line_of(path, '"This page takes you from an empty terminal to a "')
    assert status == 1
    assert len(out) == 1 and reported(out, path, first, "wrapping"), out

    assert run(capsys, "--format", path) == (0, [f"{path}: rewrapped"])
    formatted = path.read_text(encoding="utf-8")
    assert entries_of(path) == before
    assert run(capsys, path) == (0, [])
    assert run(capsys, "--format", path) == (0, [])  # idempotent
    assert path.read_text(encoding="utf-8") == formatted

    msgstr = formatted.rsplit('msgstr ""\n', 1)[1].strip().splitlines()
    pieces = [line[1:-1] for line in msgstr]
    assert len(pieces) > 1 and "".join(pieces) == KOREAN
    assert all(piece.endswith(" ") for piece in pieces[:-1]), pieces  # broken at spaces only


def babel_catalog():
    """A catalog with every kind of entry sphinx-intl writes."""
    cat = Catalog(locale="ko", project="Celery + Django", version="",
                  header_comment="# Korean translation.\n# A long header line that Babel "
                                 "wraps at seventy-six characters, as sphinx-intl does.")
    where = [("../../docs/first-steps.md", n) for n in (3, 30, 300, 3000, 30000)]
    cat.add(ENGLISH, KOREAN, locations=where,
            user_comments=["a translator's note long enough to be wrapped at seventy-six "
                           "characters"], auto_comments=["extracted"])
    cat.add("Title", "제목", locations=[("../../docs/first-steps.md", 1)], context="heading")
    cat.add("def f():\n    return 1\n", "def f():\n    return 1\n",
            locations=[("../../docs/first-steps.md", 9)])
    cat.add("Fuzzy " * 15, "퍼지 " * 30, flags=["fuzzy"],
            locations=[("../../docs/first-steps.md", 12)])
    cat.obsolete["Old " * 25] = Message("Old " * 25, "옛날" * 20 + " 끝")
    return cat


def babel_text(width):
    out = io.BytesIO()
    write_po(out, babel_catalog(), width=width)
    return out.getvalue().decode("utf-8")


def test_format_writes_exactly_what_babel_writes(tmp_path, capsys):
    path = tmp_path / "first-steps.po"
    path.write_text(babel_text(width=76), encoding="utf-8")
    assert run(capsys, "--skip", "fuzzy", "--skip", "obsolete", path) == (0, [])

    path.write_text(babel_text(width=0), encoding="utf-8")  # not wrapped at all
    before = entries_of(path)
    assert run(capsys, "--format", path) == (0, [f"{path}: rewrapped"])
    assert path.read_text(encoding="utf-8") == babel_text(width=76)
    assert entries_of(path) == before


def test_format_leaves_alone_a_file_it_cannot_rewrap_losslessly(tmp_path, capsys):
    # Babel's wrapper may break after an em-dash "--", which would add a space.
    note = "# " + "x" * 69 + " aaaa--bbbb\n"
    path = catalog(tmp_path, note + entry("Install", "설치", 1))
    text = path.read_text(encoding="utf-8")
    status, out = run(capsys, "--format", path)
    assert (status, out) == (1, [f"{path}: left alone: rewrapping would change what Babel "
                                 "reads from it"])
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("ending", ["trimmed", "extra blank line", "no final newline"])
def test_catalog_end_is_one_wrapping_report_that_format_fixes(tmp_path, capsys, ending):
    path = catalog(tmp_path, entry("Install", "설치", 1))
    other = catalog(tmp_path, entry("Tasks", "", 1), name="other")
    text = path.read_text(encoding="utf-8")
    changed = {"trimmed": text.rstrip("\n") + "\n", "extra blank line": text + "\n",
               "no final newline": text.rstrip("\n")}[ending]
    path.write_text(changed, encoding="utf-8")
    status, out = run(capsys, tmp_path / "locale")
    assert status == 1
    assert out == [f'{other}:{msgid_line(other, "Tasks")}: [untranslated] not translated yet '
                   '(msgid: "Tasks")',
                   f"{path}:{len(changed.splitlines())}: [wrapping] the file must end with its "
                   "last entry and one blank line, as sphinx-intl writes it: run make format-po"]
    assert run(capsys, "--format", path) == (0, [f"{path}: rewrapped"])
    assert path.read_text(encoding="utf-8") == text


# --- the real catalogs -----------------------------------------------------------


def test_real_catalogs_pass_syntax_markup_and_rendering():
    assert list(lint_po.CATALOGS.rglob("*.po")), "no catalogs found"
    assert lint_po.lint([lint_po.CATALOGS], checks=("syntax", "markup", "rendering")) == []


# --- terms -------------------------------------------------------------------


def terms_report(path, msgid, english, korean):
    """The terms check's report on the entry of ``msgid``, for the term ``english``."""
    return (f'{path}:{msgid_line(path, msgid)}: [terms] {english!r} is {korean!r} in the term list '
            f'(locale/ko/terms.tsv) (msgid: "{msgid}")')


def test_terms_must_follow_the_term_list(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("Start the workers.", "일꾼들을 시작합니다.", 1),
        entry("Retries of a task", "태스크의 재시도", 3),
        entry("Use `task_always_eager` and {term}`the server <broker>`.",
              "`task_always_eager`와 {term}`중개 서버 <broker>`를 씁니다.", 5),
        entry("Start beat.", "비트를 시작합니다.", 7),
    )
    status, out = run(capsys, path)
    assert status == 1
    workers = reported(out, path, line_of(path, 'msgid "Start the workers."'), "terms")
    assert workers and "'worker' is '워커'" in workers[0]
    assert reported(out, path, line_of(path, 'msgid "Start beat."'), "terms")
    # Plurals are matched; code spans and role targets are not prose.
    assert len(out) == 2, out


def test_terms_accept_inflections_and_compounds(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("Add a periodic task.", "주기적인 태스크를 추가합니다.", 1),  # -적인
        entry("Set the environment variable.", "환경변수를 설정합니다.", 3),  # no inner space
        entry("The primary key", "기본키", 5),  # a closed compound
        entry("The task name", "태스크의 이름", 7),  # 의 between the parts
        entry("Remove the periodic tasks.", "반복 태스크를 지웁니다.", 9),  # a different term
    )
    report = terms_report(path, "Remove the periodic tasks.", "periodic task", "주기적 태스크")
    assert run(capsys, path) == (1, [report])


def test_terms_in_the_text_of_a_term_role_are_checked(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("Prefer {term}`idempotent` tasks.", "{term}`멱등인 <idempotent>` 태스크가 좋습니다.", 1),
        entry("Send {term}`periodic tasks <periodic task>`.",
              "{term}`주기적 태스크 <periodic task>`를 보냅니다.", 3),
    )
    assert run(capsys, path) == (1, [terms_report(path, "Prefer {term}`idempotent` tasks.", "idempotent", "멱등한")])


def test_terms_accept_the_forms_of_an_adjective_in_han(tmp_path, capsys):
    path = catalog(
        tmp_path,
        entry("An idempotent task", "멱등한 태스크", 1),
        entry("The task is idempotent.", "이 태스크는 멱등합니다.", 3),
        entry("Make it idempotent.", "멱등하게 만듭니다.", 5),
        entry("idempotent", "멱등성 (idempotent)", 7),  # the noun, as the glossary has it
        entry("Two idempotent tasks", "멱등인 태스크 두 개", 9),  # not a form of 멱등한
    )
    assert run(capsys, path) == (1, [terms_report(path, "Two idempotent tasks", "idempotent", "멱등한")])


# --- same-code -------------------------------------------------------------------

# A code block as a msgid, escaped for entry(), and the msgid as reports shorten it.
CODE = r'import os\n\n# Read the settings.\nos.environ.setdefault(\"A\", \"b\")\n'
CODE_KO = r'import os\n\n# 설정을 읽습니다.\nos.environ.setdefault(\"A\", \"b\")\n'
CODE_OTHER = r'import os\n\n# 설정을 불러옵니다.\nos.environ.setdefault(\"A\", \"b\")\n'
CODE_SHOWN = r'(msgid: "import os\n\n# Read the settings.\nos.environ.setdefault("A"…")'


def test_same_code_translated_differently_names_both_catalogs(tmp_path, capsys):
    setup = catalog(tmp_path, entry("Setup", "설정", 1), entry(CODE, CODE_KO, 3), name="setup")
    catalog(tmp_path, entry(CODE, CODE_KO, 5), name="tasks")
    upgrading = catalog(tmp_path, entry(CODE, CODE_OTHER, 7), name="upgrading")
    status, out = run(capsys, "--skip", "wrapping", tmp_path / "locale")
    assert status == 1
    # The translation two catalogs share is the reference; the third is reported.
    assert out == [f"{upgrading}:{msgid_line(upgrading, 'import os')}: [same-code] this code "
                   f"block is translated differently in {setup}:{msgid_line(setup, 'import os')} "
                   "(2 catalogs have that translation): the same code must read the same on every "
                   "page, so make the msgstrs equal (line 3 of the block is '# 설정을 불러옵니다.' "
                   f"here, '# 설정을 읽습니다.' there) {CODE_SHOWN}"]


def test_same_code_is_checked_against_the_other_catalogs_of_one_file(tmp_path, capsys):
    setup = catalog(tmp_path, entry(CODE, CODE_KO, 1), name="setup")
    tasks = catalog(tmp_path, entry(CODE, CODE_OTHER, 1), name="tasks")
    status, out = run(capsys, "--skip", "wrapping", tasks)  # still compared with setup.po
    assert status == 1
    assert len(out) == 1 and out[0].startswith(
        f"{tasks}:{msgid_line(tasks, 'import os')}: [same-code] this code block is translated "
        f"differently in {setup}:{msgid_line(setup, 'import os')}: "), out
    # On a tie the first catalog is the reference, so setup.po itself has no report.
    assert run(capsys, "--skip", "wrapping", setup) == (0, [])
    assert run(capsys, "--skip", "wrapping", "--skip", "same-code", tasks) == (0, [])


def test_code_translated_elsewhere_and_not_here_is_untranslated(tmp_path, capsys):
    setup = catalog(tmp_path, entry(CODE, CODE_KO, 1), name="setup")
    tasks = catalog(tmp_path, entry(CODE, "", 1), entry(r"x = 1\n", "", 3),
                    entry(r"y = 2\n", "", 5), name="tasks")
    catalog(tmp_path, entry(r"y = 2\n", r"y = 2\n", 1), name="other")  # no comment to copy
    status, out = run(capsys, "--skip", "wrapping", tmp_path / "locale")
    assert status == 1
    assert out == [f"{tasks}:{msgid_line(tasks, 'import os')}: [untranslated] code block not "
                   "translated yet, so this page shows its comments in English; "
                   f"{setup}:{msgid_line(setup, 'import os')} translates the same code: copy "
                   f"its msgstr {CODE_SHOWN}"]
    assert run(capsys, "--skip", "wrapping", "--skip", "untranslated",
               tmp_path / "locale") == (0, [])


def test_real_catalogs_translate_each_code_block_the_same_way():
    assert lint_po.lint([lint_po.CATALOGS], checks=("same-code",)) == []


# --- make html -------------------------------------------------------------------


def fake_tools(tmp_path, lint_status, failing_language="none"):
    """A bin/ folder for make's BIN whose python and sphinx-build only log what they are asked."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    (bin_dir / ".installed").touch()
    (bin_dir / "python").write_text(
        f'#!/bin/sh\necho "python $*" >> {log}\n'
        f'if [ "$2" = tools.lint_po ]; then echo "page.po:3: [markup] broken"; exit {lint_status}; fi\n')
    (bin_dir / "sphinx-build").write_text(
        f'#!/bin/sh\necho "sphinx-build $*" >> {log}\nfor out; do :; done\n'
        f'mkdir -p "$out" && touch "$out/page.html"\n'
        f'case "$*" in *language={failing_language}\\ *) exit 1;; esac\n')
    for tool in ("python", "sphinx-build"):
        (bin_dir / tool).chmod(0o755)
    return bin_dir, log


def make_html(tmp_path, bin_dir):
    return subprocess.run(["make", "--no-print-directory", "html", f"BIN={bin_dir}",
                           f"BUILDDIR={tmp_path / '_build'}"],
                          cwd=ROOT, capture_output=True, text=True)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_html_builds_nothing_while_the_catalogs_fail(tmp_path):
    bin_dir, log = fake_tools(tmp_path, lint_status=1)
    result = make_html(tmp_path, bin_dir)
    assert result.returncode != 0
    assert "page.po:3: [markup] broken" in result.stdout
    assert "sphinx-build" not in log.read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_html_failed_build_leaves_no_pages_so_it_stays_failed(tmp_path):
    bin_dir, log = fake_tools(tmp_path, lint_status=0, failing_language="ko")
    for _ in range(2):  # the second run builds again instead of finding the pages up to date
        result = make_html(tmp_path, bin_dir)
        assert result.returncode != 0
        assert (tmp_path / "_build" / "html" / "en" / "page.html").exists()
        assert not (tmp_path / "_build" / "html" / "ko").exists()
    calls = log.read_text().splitlines()
    assert [c.split()[2] for c in calls if c.startswith("python")] == ["tools.lint_po"] * 2
