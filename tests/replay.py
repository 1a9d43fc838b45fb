"""Follow the guide's pages as a reader does, in a project of the reader's own.

A page is replayed block by block, in order:

- a ``console`` block's commands run in a terminal session (``cd``, ``export``
  and background commands such as a worker are followed, as a reader's
  terminal would);
- an included file with a ``:caption:`` naming a path in the project is
  written there as a reader would: a new file gets the block; in a file that
  exists, the block's imports join the file's imports, and each statement
  that defines a name the file already defines (``INSTALLED_APPS``, a class)
  replaces it; the rest is added at the end;
- a ``{code-block} diff`` whose ``:caption:`` names a project file, with only
  ``-`` lines, deletes those lines from it (they must be there, together);
- consecutive ``{doctest}`` blocks run together in ``python manage.py shell``.

Nothing is taken from ``example/``: only what the pages show.
"""
import ast
import contextlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import CELERY, example_env, running
from tools.pages import ROOT, blocks

# Commands a reader types that the replay does differently, each with the reason.
INSTEAD = {
    "python -m venv": "the tests' own environment has the pinned packages",
    "source .venv/bin/activate": "the tests' own environment has the pinned packages",
    "sudo apt install": "the test starts its own redis-server",
    "sudo service": "the test starts its own redis-server",
    "brew ": "the test starts its own redis-server",
    "docker run": "the test starts its own redis-server",
    "sudo systemctl": "systemd is not running in the test environment",
}
# Commands that keep running (by the words they contain), and the log line that says they are up.
BACKGROUND = {
    ("celery", "worker"): "ready.",
    ("celery", "beat"): "beat: Starting...",
}
PINS = ROOT / "example" / "requirements.txt"


def pinned():
    """The pins of the example's requirements file: {name: "name==version"}."""
    pins = {}
    for line in PINS.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            pins[re.split(r"[\[=<>]", line)[0].lower()] = line
    return pins


def check_pip_install(command):
    """Every package a ``pip install`` line names is pinned as in example/requirements.txt."""
    pins = pinned()
    wanted = [w for w in shlex.split(command)[4:] if not w.startswith("-")]
    assert wanted, f"no packages in: {command}"
    for requirement in wanted:
        name = re.split(r"[\[=<>]", requirement)[0].lower()
        assert pins.get(name) == requirement, f"{requirement!r} is not the pin in {PINS.name}: {pins.get(name)!r}"


# --- Writing a block into a file, as a reader would -------------------------


def _bound_names(node):
    """The top-level names a statement defines, looking inside if/else and try."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, (ast.If, ast.Try)):
        inner = [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
        return set().union(*(_bound_names(n) for n in inner)) if inner else set()
    return set()


def _span(node):
    """The 0-based line range of a statement, decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return first - 1, node.end_lineno


def merge_python(existing, snippet):
    """The file ``existing`` after a reader puts ``snippet`` into it."""
    if not existing.strip():
        return snippet
    tree, added = ast.parse(existing), ast.parse(snippet)
    lines, new = existing.splitlines(keepends=True), snippet.splitlines(keepends=True)

    have = {ast.dump(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    imports = [n for n in added.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    new_imports = ["".join(new[slice(*_span(n))]) for n in imports if ast.dump(n) not in have]
    import_lines = {i for n in imports for i in range(*_span(n))}
    chunk = "".join(line for i, line in enumerate(new) if i not in import_lines).strip("\n") + "\n"

    names = set().union(*(_bound_names(n) for n in added.body if n not in imports))
    replaced = [n for n in tree.body if _bound_names(n) & names and not isinstance(n, (ast.If, ast.Try))]
    drop = {i for n in replaced for i in range(*_span(n))}
    insert_at = _span(replaced[0])[0] if replaced else len(lines)
    last_import = max((_span(n)[1] for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))), default=0)

    out = []
    for i, line in enumerate(lines + [""]):
        if i == insert_at:
            out.append(("\n\n" if not replaced else "") + chunk)
        if i == last_import and new_imports:
            out.extend(new_imports)
        if i < len(lines) and i not in drop:
            out.append(line)
    return "".join(out)


def is_deletion(block):
    """A ``{code-block} diff`` whose caption names a file in the project: lines to delete from it."""
    return (block.kind == "code-block" and block.language == "diff" and bool(block.caption)
            and not block.caption.startswith("/"))


def delete_lines(project, block):
    """Delete from the block's file its ``-`` lines, which must be there, together and in order."""
    shown = block.text.splitlines()
    others = [line for line in shown if not line.startswith("-")]
    assert not others, f"{block.where}: a deletion block shows only '-' lines, not {others}"
    wanted = [line[1:] for line in shown]
    path = project / block.caption
    lines = path.read_text().splitlines()
    at = next((i for i in range(len(lines)) if lines[i:i + len(wanted)] == wanted), None)
    assert at is not None, (f"{block.where}: these lines are not in {block.caption}, together:\n"
                            + "\n".join(wanted) + f"\n--- {block.caption} ---\n" + "\n".join(lines))
    del lines[at:at + len(wanted)]
    path.write_text("".join(f"{line}\n" for line in lines))


def write_block(project, caption, text):
    path = project / caption
    path.parent.mkdir(parents=True, exist_ok=True)
    if caption.endswith(".py"):
        text = merge_python(path.read_text() if path.exists() else "", text)
    path.write_text(text)


# --- Doctests in the project's shell -----------------------------------------

RUN_DOCTEST = """
import doctest, sys
import django
django.setup()  # as manage.py shell does
text = open(sys.argv[1]).read()
test = doctest.DocTestParser().get_doctest(text, {}, sys.argv[2], sys.argv[2], int(sys.argv[3]))
flags = doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL | doctest.DONT_ACCEPT_TRUE_FOR_1
runner = doctest.DocTestRunner(optionflags=flags)
runner.run(test)
sys.exit(1 if runner.failures else 0)
"""


class Reader:
    """A reader at a terminal: a working folder, an environment, terminals left running."""

    def __init__(self, home, env):
        self.cwd = home
        self.env = env
        self.background = contextlib.ExitStack()
        self.logs = {}  # (words of a background command) -> its log
        self.outputs = []  # (command, what it printed)
        self.replaced = []  # (page line, command, why) of commands done differently

    @classmethod
    def in_folder(cls, home, **env):
        path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
        return cls(home, example_env(PATH=path, **env))

    def replay(self, page, instead=None):
        """Do what the page tells the reader, block by block; ``instead`` maps commands to replacements."""
        pending = []
        for block in [*blocks(page), None]:
            if block is not None and block.kind == "doctest":
                pending.append(block)
                continue
            if pending:
                self.run_doctests(pending)
                pending = []
            if block is None:
                break
            if block.kind == "console":
                for command, shown in block.commands():
                    self.type(block, command, shown, instead or {})
            elif block.kind == "literalinclude" and block.caption and not block.caption.startswith("/"):
                write_block(self.cwd, block.caption, block.text)
            elif is_deletion(block):
                delete_lines(self.cwd, block)

    def type(self, block, command, shown, instead):
        for prefix, replacement in instead.items():
            if command.startswith(prefix):
                command = replacement(command) if callable(replacement) else replacement
                break
        words = shlex.split(command)
        reason = next((why for prefix, why in INSTEAD.items() if command.startswith(prefix)), None)
        if reason:
            self.replaced.append((block.where, command, reason))
        elif words[:4] == ["python", "-m", "pip", "install"]:
            check_pip_install(command)
        elif words == ["python", "manage.py", "shell"]:
            pass  # the doctests that follow run in it
        elif words[0] == "cd":
            self.cwd = (self.cwd / words[1]).resolve()
        elif words[0] == "export":
            name, _, value = words[1].partition("=")
            self.env[name] = value
        elif "--help" not in words and any(set(key) <= set(words) for key in BACKGROUND):
            self.start(command, words)
        else:
            output = self.run(command, block.where)
            for line in shown:
                if "..." not in line:
                    assert line.strip() in output, f"{block.where}: $ {command}\nexpected {line!r} in:\n{output}"

    def run(self, command, where="", timeout=600):
        result = subprocess.run(["bash", "-c", command], cwd=self.cwd, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{where}: $ {command}\n{output}"
        self.outputs.append((command, output))
        return output

    def start(self, command, words):
        key = next(key for key in BACKGROUND if set(key) <= set(words))
        log_name = f"terminal-{len(self.logs)}.log"
        _, log = self.background.enter_context(running(
            ["bash", "-c", f"exec {command}"], self.cwd, self.env, ready=BACKGROUND[key], log_name=log_name,
            timeout=60, group=True,
        ))
        self.logs.setdefault(key, log)

    def run_doctests(self, group):
        text = "".join(block.text for block in group)
        script = self.cwd / ".doctest.txt"
        script.write_text(text)
        result = subprocess.run(
            [sys.executable, "-c", RUN_DOCTEST, str(script), group[0].where, str(group[0].line)],
            cwd=self.cwd, env={**self.env, "DJANGO_SETTINGS_MODULE": self.settings_module()},
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, f"doctest at {group[0].where} failed:\n{result.stdout}\n{result.stderr}"

    def settings_module(self):
        """What ``manage.py`` sets DJANGO_SETTINGS_MODULE to, read from it."""
        match = re.search(r"DJANGO_SETTINGS_MODULE['\"], *['\"]([\w.]+)", (self.cwd / "manage.py").read_text())
        return match.group(1)

    def close_terminals(self):
        self.background.close()
        self.logs.clear()

    def celery(self, *args):
        return subprocess.run([CELERY, *args], cwd=self.cwd, env=self.env, capture_output=True, text=True,
                              timeout=60)
