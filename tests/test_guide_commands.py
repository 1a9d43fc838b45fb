"""Run every command the guide tells a reader to type, in page order, as a new reader would.

Commands are the ``$ `` lines of ``console`` blocks. They run in one scratch
copy of the example (or, for a page whose front matter says
``guide-commands: repository``, in a scratch copy of the repository; pages
marked ``guide-commands: new-project`` are replayed on a new project by
test_reader_project.py instead), in a
shell environment carried from command to command (``cd``, ``export`` and
``source .venv/bin/activate`` are followed). Long-running
commands (a worker, beat, Flower) start in the background, are checked to come up,
and stop at the end of their page, like a terminal the reader closes; what
the page exported goes with them. A page that exports a URL of the machine's
Redis (``redis://localhost:6379``) gets a Redis server of the tests' own instead.
"""
import contextlib
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REDIS_MISSING, ROOT, copy_example, example_env, free_port, missing, own_redis, running
from tools.pages import DOCS, blocks, front_matter, pages_in_order

# Commands that keep running (by the words they contain), and the log line that says they are up.
BACKGROUND = {
    ("celery", "worker"): "ready.",
    ("celery", "beat"): "beat: Starting...",
    ("make", "livehtml"): "Serving on",
    ("celery", "flower"): "Visit me at",
}
# The machine's Redis, as pages name it; the tests use a server of their own instead.
MACHINE_REDIS = "redis://localhost:6379"
# Commands a container cannot run, each with the reason; nothing else is skipped.
NOT_RUNNABLE = {
    "sudo systemctl": "systemd is not running in the test environment",
    "docker compose": "no container runtime here: tests/test_containers.py runs the services' commands instead",
}


def where_commands_run(page):
    return front_matter(DOCS / f"{page}.md").get("guide-commands", "example")


def commands(page):
    return [command for block in blocks(DOCS / f"{page}.md") if block.kind == "console"
            for command, _ in block.commands()]


class Reader:
    """A terminal session: a working folder, an environment, background processes."""

    def __init__(self, home):
        self.cwd = home
        self.env = example_env(PATH=f"{Path(os.sys.executable).parent}:{os.environ['PATH']}")
        self.env["LIVEHTML_PORT"] = str(free_port())
        self.env["FLOWER_PORT"] = str(free_port())
        self.background = contextlib.ExitStack()
        self.servers = contextlib.ExitStack()  # kept until the last page
        self.redis_url = None

    def run(self, command):
        words = shlex.split(command)
        if words[0] == "cd":
            self.cwd = (self.cwd / words[1]).resolve()
        elif words[0] == "export":
            name = words[1].partition("=")[0]
            # As the reader's shell does: $(...) and variables in the value are expanded.
            value = subprocess.run(["bash", "-c", f'{command} && printf %s "${name}"'], cwd=self.cwd,
                                   env=self.env, capture_output=True, text=True, check=True).stdout
            if value.startswith(MACHINE_REDIS):
                value = self.own_redis() + value[len(MACHINE_REDIS):]
            self.env[name] = value
        elif words[:1] == ["source"] and words[1].endswith("bin/activate"):
            venv = (self.cwd / words[1]).parent.parent
            self.env["VIRTUAL_ENV"] = str(venv)
            self.env["PATH"] = f"{venv / 'bin'}:{self.env['PATH']}"
        elif "--help" not in words and any(set(key) <= set(words) for key in BACKGROUND):
            self.start(command, words)
        else:
            result = subprocess.run(
                ["bash", "-c", command], cwd=self.cwd, env=self.env,
                capture_output=True, text=True, timeout=600,
            )
            assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"

    def own_redis(self):
        """The URL of a Redis server of the tests' own, started on first use."""
        if self.redis_url is None:
            if shutil.which("redis-server") is None:
                missing(REDIS_MISSING)
            port = self.servers.enter_context(own_redis(self.cwd.parent))
            self.redis_url = f"redis://127.0.0.1:{port}"
        return self.redis_url

    def start(self, command, words):
        ready = next(text for key, text in BACKGROUND.items() if set(key) <= set(words))
        log_name = f"background-{len(self.background._exit_callbacks)}.log"
        self.background.enter_context(running(
            ["bash", "-c", f"exec {command}"], self.cwd, self.env, ready=ready, log_name=log_name,
            timeout=60, group=True,
        ))

    def close_terminals(self):
        self.background.close()


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    session = Reader(copy_example(tmp_path_factory.mktemp("reader") / "example"))
    # What first-steps (replayed on a new project elsewhere) left the reader with: the tables.
    session.run("python manage.py migrate")
    yield session
    session.close_terminals()
    session.servers.close()


@pytest.fixture(scope="module")
def contributor(tmp_path_factory):
    """A terminal in a scratch copy of the repository, sharing the installed .venv."""
    home = tmp_path_factory.mktemp("contributor") / "repository"
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    for name in tracked:
        if (ROOT / name).is_file():
            (home / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, home / name)
    (home / ".venv").symlink_to(ROOT / ".venv")
    session = Reader(home)
    yield session
    session.close_terminals()
    session.servers.close()


PAGES = [page for page in pages_in_order() if commands(page) and where_commands_run(page) != "new-project"]


def test_the_guide_has_commands():
    assert PAGES, "no console commands found in the pages"


@pytest.mark.parametrize("page", PAGES)
def test_page_commands(request, page):
    reader = request.getfixturevalue("contributor" if where_commands_run(page) == "repository" else "reader")
    environment = dict(reader.env)
    try:
        for command in commands(page):
            reason = next((why for prefix, why in NOT_RUNNABLE.items() if command.startswith(prefix)), None)
            if reason is None:
                reader.run(command)
    finally:
        reader.close_terminals()
        reader.env = environment
