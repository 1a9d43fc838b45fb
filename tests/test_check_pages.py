"""The page rules catch Python that is shown but not run, and includes by line number."""
from tools.check_pages import main, problems


def test_fenced_python_and_line_numbers_are_reported(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n```python\nx = 1\n```\n\n"
        "```{literalinclude} a.py\n:caption: demoapp/a.py\n:lines: 1-3\n```\n\n"
        "```{literalinclude} a.py\n:caption: demoapp/a.py\n:pyobject: add\n```\n\n"
        "```{doctest}\n>>> 1 + 1\n2\n```\n\n````console\n$ ls\n````\n"
    )
    (tmp_path / "a.py").write_text("def add(x, y):\n    return x + y\n")
    assert list(problems(page)) == [
        (3, "fenced python block is not run: literalinclude it from example/ or use {doctest}"),
        (7, "literalinclude picks lines by number: use :pyobject: or markers"),
    ]


def test_an_include_needs_a_caption_and_its_imports(tmp_path):
    (tmp_path / "tasks.py").write_text(
        "from celery import shared_task\n\n\n@shared_task\ndef add(x, y):\n    return x + y\n\n\n"
        "@shared_task\ndef mul(x, y):\n    return x * y\n")
    page = tmp_path / "page.md"
    page.write_text(
        "```{literalinclude} tasks.py\n:language: python\n:pyobject: add\n```\n\n"
        "```{literalinclude} tasks.py\n:language: python\n:caption: demoapp/tasks.py\n:pyobject: mul\n```\n\n"
        "```{literalinclude} missing.py\n:caption: demoapp/missing.py\n```\n"
    )
    found = list(problems(page))
    assert found[0] == (1, "literalinclude has no :caption: naming the file a reader puts it in")
    assert found[1] == (6, "demoapp/tasks.py uses 'shared_task' (line 1 of the block) without importing or "
                           "defining it: show the import in the included lines")
    assert found[2][0] == 12 and "missing.py" in found[2][1] and "not found" in found[2][1]
    assert len(found) == 3


def test_earlier_blocks_and_the_new_project_count_as_context(tmp_path):
    (tmp_path / "tasks.py").write_text("from celery import shared_task\n\n\n@shared_task\ndef add(x, y):\n"
                                       "    return x + y\n")
    (tmp_path / "settings.py").write_text("CELERY_TIMEZONE = TIME_ZONE\n")
    page = tmp_path / "page.md"
    page.write_text(
        "```{literalinclude} tasks.py\n:language: python\n:caption: demoapp/tasks.py\n```\n\n"
        "```{literalinclude} tasks.py\n:language: python\n:caption: demoapp/tasks.py\n:pyobject: add\n```\n\n"
        # TIME_ZONE comes from the settings.py that startproject writes.
        "```{literalinclude} settings.py\n:language: python\n:caption: proj/settings.py\n```\n"
    )
    assert list(problems(page)) == []


def test_report_names_file_and_line(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("Text\n\n```pycon\n>>> 1\n```\n")
    assert main([str(page)]) == 1
    assert capsys.readouterr().out.startswith(f"{page}:3: fenced pycon block")


def test_the_guide_follows_the_rules(capsys):
    assert main([]) == 0, capsys.readouterr().out


def test_the_examples_scaffolding_is_not_shown(tmp_path):
    (tmp_path / "settings.py").write_text("from proj.env import env_str\n\nDEBUG = env_str('X')\n")
    page = tmp_path / "page.md"
    page.write_text("```{literalinclude} settings.py\n:language: python\n:caption: proj/settings.py\n```\n")
    assert [line for line, _ in problems(page)] == [1]
    assert "scaffolding" in next(problems(page))[1]
