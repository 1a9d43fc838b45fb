"""The guide works on a project of the reader's own, with nothing taken from example/.

In an empty folder, the pages whose front matter says
``guide-commands: new-project`` are replayed in reading order
(tests/replay.py): from ``django-admin startproject`` to a task whose result
is in the database, a schedule that beat sends, a passing test, and
production settings that ``check --deploy`` accepts. The broker is a Redis
server of the test's own.
"""
import re
import shutil

import kombu
import pytest

from conftest import CELERY, free_port, running, wait_for_log
from replay import Reader
from tools.pages import DOCS, front_matter, pages_in_order

# Celery 5.7 (kombu 5.7) shows ":**" for the password in a URL even when there is none.
MASK = ":**@" if kombu.VERSION >= (5, 7) else ""
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
        assert f"transport:   redis://{MASK}127.0.0.1:{reader.redis_port}/0\n" in banner, banner
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


# --- What troubleshooting quotes, seen in the reader's project -----------------


@pytest.fixture
def broken(reader, tmp_path):
    """A copy of the reader's project (as the replay left it) to break one thing in."""
    if not (reader.cwd / "manage.py").exists():  # run on its own: follow first-steps first
        test_first_steps(reader)
    copy = tmp_path / "proj"
    shutil.copytree(reader.cwd, copy, ignore=shutil.ignore_patterns("*.log", "__pycache__"))
    return Reader(copy, dict(reader.env))


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def test_broker_not_running(broken):
    url = f"redis://127.0.0.1:{free_port()}/0"
    broken.env["CELERY_BROKER_URL"] = url
    with running([CELERY, "-A", "proj", "worker", "-l", "INFO"], broken.cwd, broken.env,
                 ready="Trying again in 2.00 seconds... (1/100)") as (_, log):
        port = url.split(":")[2].split("/")[0]
        assert (f"consumer: Cannot connect to redis://{MASK}127.0.0.1:{port}/0: Error 111 connecting to "
                f"127.0.0.1:{port}. Connection refused..") in log.read_text()


def test_app_missing_from_installed_apps(broken):
    edit(broken.cwd / "proj" / "settings.py", '    "django_celery_results",\n', "")
    result = broken.celery("-A", "proj", "worker", "-l", "INFO")
    assert result.returncode != 0
    assert ("Unrecoverable error: RuntimeError(\"Model class django_celery_results.models.TaskResult doesn't "
            "declare an explicit app_label and isn't in an application in INSTALLED_APPS.\")") in result.stderr


def test_tables_missing(broken):
    (broken.cwd / "db.sqlite3").unlink()
    with running([CELERY, "-A", "proj", "worker", "-l", "INFO"], broken.cwd, broken.env) as (_, log):
        broken.run("python manage.py shell -v 0 -c 'from demoapp.tasks import add; add.delay(2, 3)'")
        wait_for_log(log, "django.db.utils.OperationalError: no such table: django_celery_results_taskresult")


def test_unregistered_task(broken):
    with running([CELERY, "-A", "proj", "worker", "-l", "INFO"], broken.cwd, broken.env) as (_, log):
        output = broken.run(
            "python manage.py shell -v 0 -c '"
            "from proj.celery import app\n"
            "try:\n    app.send_task(\"demoapp.tasks.greet\").get(timeout=10)\n"
            "except Exception as exc:\n    print(type(exc).__name__)'")
        assert output.strip() == "NotRegistered"
        assert ("Received unregistered task of type 'demoapp.tasks.greet'.\n"
                "The message has been ignored and discarded.\n") in log.read_text()


@pytest.mark.parametrize("url_in", ["environment", "settings.py"])
def test_namespace_missing(broken, url_in):
    edit(broken.cwd / "proj" / "celery.py", ', namespace="CELERY"', "")
    edit(broken.cwd / "proj" / "settings.py", "CELERY_RESULT_BACKEND =",
         "CELERY_WORKER_PREFETCH_MULTIPLIER = 7\nCELERY_RESULT_BACKEND =")
    url = broken.env["CELERY_BROKER_URL"]
    if url_in == "settings.py":
        del broken.env["CELERY_BROKER_URL"]
        edit(broken.cwd / "proj" / "settings.py", '"redis://localhost:6379/0"', f'"{url}"')
    seen = broken.run("python manage.py shell -v 0 -c '"
                      "from proj.celery import app\n"
                      "print(app.connection_for_write().as_uri())\n"
                      "print(app.conf.result_backend, app.conf.worker_prefetch_multiplier)'").split()
    # The URL in the environment is used anyway; one written in settings.py is lost.
    expected = "amqp://guest:**@localhost:5672//" if url_in == "settings.py" else url.replace("//", f"//{MASK}")
    # Results still reach the database (an old Celery 3 name); a newer setting is lost.
    assert seen == [expected, "django-db", "4"]


def test_init_import_missing(broken):
    (broken.cwd / "proj" / "__init__.py").write_text("")
    with running([CELERY, "-A", "proj", "worker", "-l", "INFO"], broken.cwd, broken.env) as (_, log):
        output = broken.run(
            "python manage.py shell -v 0 -c '"
            "from demoapp.tasks import add\n"
            "result = add.delay(2, 3)\n"
            "try:\n    result.get(timeout=10)\n"
            "except Exception as exc:\n    print(type(exc).__name__, exc)\n"
            "try:\n    add.delay_on_commit\n"
            "except AttributeError:\n    print(\"AttributeError\")'")
        assert output.startswith("NotImplementedError No result backend is configured.\n"), output
        assert output.endswith("\nAttributeError\n"), output
        # The message still reached the worker: the default app read CELERY_BROKER_URL.
        wait_for_log(log, ("demoapp.tasks.add[", "succeeded"))
