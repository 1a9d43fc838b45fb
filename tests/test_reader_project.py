"""The guide works on a project of the reader's own, with nothing taken from example/.

In an empty folder, the pages whose front matter says
``guide-commands: new-project`` are replayed in reading order
(tests/replay.py): from ``django-admin startproject`` to a task whose result
is in the database, a schedule that beat sends, a passing test, and
production settings that ``check --deploy`` accepts. The broker is a Redis
server of the test's own.
"""
import re

import pytest

from conftest import wait_for_log
from replay import Reader
from tools.pages import DOCS, front_matter, pages_in_order

PAGES = [p for p in pages_in_order() if front_matter(DOCS / f"{p}.md").get("guide-commands") == "new-project"]


@pytest.fixture(scope="module")
def reader(tmp_path_factory, redis_server):
    reader = Reader.in_folder(tmp_path_factory.mktemp("reader"), CELERY_BROKER_URL=f"{redis_server}/0")
    reader.redis_port = redis_server.rsplit(":", 1)[1]
    yield reader
    reader.close_terminals()


def test_the_path_has_its_pages():
    assert PAGES[:1] == ["first-steps"], PAGES
    assert {"periodic-tasks", "testing", "running-workers"} <= set(PAGES), PAGES


def replay(reader, page):
    """Replay one page; its background terminals stay open until the caller closes them."""
    # The reader's redis-cli talks to their Redis on the default port; ours is elsewhere.
    reader.replay(DOCS / f"{page}.md", instead={
        "redis-cli ping": f"redis-cli -p {reader.redis_port} ping",
    })


def test_first_steps(reader):
    try:
        replay(reader, "first-steps")
        # What the page tells the reader to look for in the worker's banner.
        banner = reader.logs[("celery", "worker")].read_text()
        assert re.search(rf"transport: +redis://:\*\*@127\.0\.0\.1:{reader.redis_port}/0\n", banner), banner
        assert re.search(r"results: *\n", banner), banner
        assert ". demoapp.tasks.add" in banner, banner
    finally:
        reader.close_terminals()
    # Nothing of the example came along.
    project = reader.cwd
    assert not (project / "proj" / "broker.py").exists()
    assert "proj.env" not in (project / "proj" / "settings.py").read_text()


def test_periodic_tasks(reader):
    try:
        replay(reader, "periodic-tasks")
        # The page's schedule, due every second instead of every hour, sent by beat and run.
        reader.run("python manage.py setup_periodic_tasks --every 1")
        wait_for_log(reader.logs[("celery", "beat")], "Sending due task clear sessions (demoapp.tasks.clear_sessions)")
        wait_for_log(reader.logs[("celery", "worker")], ("demoapp.tasks.clear_sessions[", "succeeded"))
    finally:
        reader.close_terminals()


def test_testing(reader):
    try:
        replay(reader, "testing")
    finally:
        reader.close_terminals()
    output = next(out for command, out in reader.outputs if command == "python manage.py test demoapp")
    assert re.search(r"Ran [1-9]\d* tests? in", output) and "\nOK" in output, output


def test_running_workers(reader):
    try:
        replay(reader, "running-workers")
    finally:
        reader.close_terminals()
    assert any("check --deploy --fail-level WARNING" in command for command, _ in reader.outputs)
