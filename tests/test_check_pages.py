"""The page rules catch Python that is shown but not run, and includes by line number."""
from tools.check_pages import main, problems


def test_fenced_python_and_line_numbers_are_reported(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n```python\nx = 1\n```\n\n"
        "```{literalinclude} a.py\n:lines: 1-3\n```\n\n"
        "```{literalinclude} a.py\n:pyobject: add\n```\n\n"
        "```{doctest}\n>>> 1 + 1\n2\n```\n\n````console\n$ ls\n````\n"
    )
    assert list(problems(page)) == [
        (3, "fenced python block is not run: literalinclude it from example/ or use {doctest}"),
        (8, "literalinclude picks lines by number: use :pyobject: or markers"),
    ]


def test_report_names_file_and_line(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("Text\n\n```pycon\n>>> 1\n```\n")
    assert main([str(page)]) == 1
    assert capsys.readouterr().out.startswith(f"{page}:3: fenced pycon block")


def test_the_guide_follows_the_rules(capsys):
    assert main([]) == 0, capsys.readouterr().out
