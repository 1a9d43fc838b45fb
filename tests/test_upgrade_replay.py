"""The upgrade page, followed on a project from the Celery 3.1 days, ends in a working project.

tests/celery31_project/ is such a project: djcelery in its settings, the 3.1
``proj/celery.py``, tasks made with ``celery.task``'s ``@task`` and
``@periodic_task``, and a ``CELERYBEAT_SCHEDULE``. A copy gets djcelery's
tables in its database, then docs/upgrading.md is replayed on it
(tests/replay.py) with a Redis server of the test's own as the broker. The
page starts the worker and beat itself; afterwards the project must run a
task and store its result, beat must send both kinds of schedule, and nothing
of djcelery or ``celery.task`` may be left.
"""
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import wait_for_log
from replay import Reader, is_deletion
from tools.pages import DOCS, blocks

PAGE = DOCS / "upgrading.md"
OLD_PROJECT = Path(__file__).resolve().parent / "celery31_project"

# djcelery's tables as Django 1.x made them on SQLite (djcelery/migrations/0001_initial.py
# of django-celery 3.1), with a few rows, and the record of that migration.
DJCELERY_DATABASE = """
CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL);
CREATE TABLE "djcelery_crontabschedule" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "minute" varchar(64) NOT NULL, "hour" varchar(64) NOT NULL, "day_of_week" varchar(64) NOT NULL,
    "day_of_month" varchar(64) NOT NULL, "month_of_year" varchar(64) NOT NULL);
CREATE TABLE "djcelery_intervalschedule" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "every" integer NOT NULL, "period" varchar(24) NOT NULL);
CREATE TABLE "djcelery_periodictask" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" varchar(200) NOT NULL UNIQUE, "task" varchar(200) NOT NULL, "args" text NOT NULL,
    "kwargs" text NOT NULL, "queue" varchar(200) NULL, "exchange" varchar(200) NULL,
    "routing_key" varchar(200) NULL, "expires" datetime NULL, "enabled" bool NOT NULL,
    "last_run_at" datetime NULL, "total_run_count" integer unsigned NOT NULL,
    "date_changed" datetime NOT NULL, "description" text NOT NULL,
    "crontab_id" integer NULL REFERENCES "djcelery_crontabschedule" ("id"),
    "interval_id" integer NULL REFERENCES "djcelery_intervalschedule" ("id"));
CREATE TABLE "djcelery_periodictasks" ("ident" smallint NOT NULL PRIMARY KEY,
    "last_update" datetime NOT NULL);
CREATE TABLE "celery_taskmeta" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "task_id" varchar(255) NOT NULL UNIQUE, "status" varchar(50) NOT NULL, "result" text NULL,
    "date_done" datetime NOT NULL, "traceback" text NULL, "hidden" bool NOT NULL, "meta" text NULL);
CREATE TABLE "celery_tasksetmeta" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskset_id" varchar(255) NOT NULL UNIQUE, "result" text NOT NULL, "date_done" datetime NOT NULL,
    "hidden" bool NOT NULL);
CREATE TABLE "djcelery_workerstate" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "hostname" varchar(255) NOT NULL UNIQUE, "last_heartbeat" datetime NULL);
CREATE TABLE "djcelery_taskstate" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "state" varchar(64) NOT NULL, "task_id" varchar(36) NOT NULL UNIQUE, "name" varchar(200) NULL,
    "tstamp" datetime NOT NULL, "args" text NULL, "kwargs" text NULL, "eta" datetime NULL,
    "expires" datetime NULL, "result" text NULL, "traceback" text NULL, "runtime" real NULL,
    "retries" integer NOT NULL, "hidden" bool NOT NULL,
    "worker_id" integer NULL REFERENCES "djcelery_workerstate" ("id"));

INSERT INTO django_migrations (app, name, applied) VALUES ('djcelery', '0001_initial', '2016-11-04 12:00:00');
INSERT INTO djcelery_intervalschedule (id, every, period) VALUES (1, 1, 'hours');
INSERT INTO djcelery_periodictask (name, task, args, kwargs, enabled, total_run_count, date_changed,
    description, interval_id)
    VALUES ('demoapp.tasks.clear_sessions', 'demoapp.tasks.clear_sessions', '[]', '{}', 1, 42,
    '2016-11-04 12:00:00', '', 1);
INSERT INTO djcelery_periodictasks (ident, last_update) VALUES (1, '2016-11-04 12:00:00');
INSERT INTO celery_taskmeta (task_id, status, result, date_done, hidden)
    VALUES ('d6b3a1c0-0000-4000-8000-000000000001', 'SUCCESS', 'gAJLBS4=', '2016-11-04 12:00:00', 0);
INSERT INTO djcelery_workerstate (id, hostname) VALUES (1, 'celery@old-server');
INSERT INTO djcelery_taskstate (state, task_id, name, tstamp, retries, hidden, worker_id)
    VALUES ('SUCCESS', 'd6b3a1c0-0000-4000-8000-000000000001', 'demoapp.tasks.add', '2016-11-04 12:00:00',
    0, 0, 1);
"""
# The same on PostgreSQL, where a table that another points to cannot be dropped first.
DJCELERY_POSTGRESQL = """
CREATE TABLE "djcelery_crontabschedule" ("id" serial NOT NULL PRIMARY KEY, "minute" varchar(64) NOT NULL);
CREATE TABLE "djcelery_intervalschedule" ("id" serial NOT NULL PRIMARY KEY, "every" integer NOT NULL,
    "period" varchar(24) NOT NULL);
CREATE TABLE "djcelery_periodictask" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(200) NOT NULL UNIQUE,
    "crontab_id" integer NULL REFERENCES "djcelery_crontabschedule" ("id") DEFERRABLE INITIALLY DEFERRED,
    "interval_id" integer NULL REFERENCES "djcelery_intervalschedule" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "djcelery_periodictasks" ("ident" smallint NOT NULL PRIMARY KEY,
    "last_update" timestamp with time zone NOT NULL);
CREATE TABLE "celery_taskmeta" ("id" serial NOT NULL PRIMARY KEY, "task_id" varchar(255) NOT NULL UNIQUE);
CREATE TABLE "celery_tasksetmeta" ("id" serial NOT NULL PRIMARY KEY, "taskset_id" varchar(255) NOT NULL UNIQUE);
CREATE TABLE "djcelery_workerstate" ("id" serial NOT NULL PRIMARY KEY, "hostname" varchar(255) NOT NULL UNIQUE);
CREATE TABLE "djcelery_taskstate" ("id" serial NOT NULL PRIMARY KEY, "task_id" varchar(36) NOT NULL UNIQUE,
    "worker_id" integer NULL REFERENCES "djcelery_workerstate" ("id") DEFERRABLE INITIALLY DEFERRED);
INSERT INTO djcelery_intervalschedule (id, every, period) VALUES (1, 1, 'hours');
INSERT INTO djcelery_periodictask (name, interval_id) VALUES ('demoapp.tasks.clear_sessions', 1);
INSERT INTO djcelery_workerstate (id, hostname) VALUES (1, 'celery@old-server');
INSERT INTO djcelery_taskstate (task_id, worker_id) VALUES ('d6b3a1c0-0000-4000-8000-000000000001', 1);
INSERT INTO django_migrations (app, name, applied) VALUES ('djcelery', '0001_initial', now());
"""
DJCELERY_TABLES = {"djcelery_crontabschedule", "djcelery_intervalschedule", "djcelery_periodictask",
                   "djcelery_periodictasks", "celery_taskmeta", "celery_tasksetmeta", "djcelery_workerstate",
                   "djcelery_taskstate"}


# --- Deleting lines, as the page shows them struck out --------------------------


def old_project(target):
    """A copy of the 3.1 project, with djcelery's tables in its database."""
    shutil.copytree(OLD_PROJECT, target, ignore=shutil.ignore_patterns("__pycache__", "ruff.toml"))
    with sqlite3.connect(target / "db.sqlite3") as db:
        db.executescript(DJCELERY_DATABASE)
    db.close()
    return target


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory, redis_server):
    """The old project after the page's steps, its worker and beat still running."""
    project = old_project(tmp_path_factory.mktemp("upgrade") / "proj")
    # The settings' schedule, due every second instead of every 30 seconds.
    edit(project / "proj" / "settings.py", "timedelta(seconds=30)", "timedelta(seconds=1)")
    reader = Reader.in_folder(project, CELERY_BROKER_URL=f"{redis_server}/0")
    reader.redis_port = redis_server.rsplit(":", 1)[1]
    try:
        reader.replay(PAGE)
        yield reader
    finally:
        reader.close_terminals()


def worker_log(reader):
    return reader.logs[("celery", "worker")]


def beat_log(reader):
    return reader.logs[("celery", "beat")]


def test_deletions_name_files_of_the_old_project():
    """The page strikes out lines in the old project's files (the replay checks the lines are there)."""
    deletions = [block for block in blocks(PAGE) if is_deletion(block)]
    assert {block.caption for block in deletions} >= {"proj/settings.py", "proj/celery.py", "demoapp/tasks.py"}
    for block in deletions:
        assert (OLD_PROJECT / block.caption).exists(), f"{block.where}: no {block.caption} in {OLD_PROJECT}"


def test_worker_starts_with_the_new_settings(upgraded):
    banner = worker_log(upgraded).read_text()
    assert re.search(rf"transport: +redis://:\*\*@127\.0\.0\.1:{upgraded.redis_port}/0\n", banner), banner
    assert re.search(r"results: *\n", banner), banner  # django-db: no address to show
    for task in ("demoapp.tasks.add", "demoapp.tasks.clear_sessions"):
        assert f". {task}\n" in banner, banner


def test_celery_task_import_stops_the_worker(upgraded, tmp_path):
    """What the page says of a tasks module left with ``celery.task``."""
    copy = tmp_path / "proj"
    shutil.copytree(upgraded.cwd, copy, ignore=shutil.ignore_patterns("*.log", "__pycache__"))
    tasks = copy / "demoapp" / "tasks.py"
    tasks.write_text("from celery.task import task  # noqa: F401\n" + tasks.read_text())
    result = Reader(copy, dict(upgraded.env)).celery("-A", "proj", "worker", "-l", "INFO")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "ModuleNotFoundError: No module named 'celery.task'" in result.stderr, result.stderr


def test_task_result_in_the_database(upgraded):
    output = upgraded.run(
        "python manage.py shell -v 0 -c '"
        "from demoapp.tasks import add\n"
        "from django_celery_results.models import TaskResult\n"
        "result = add.delay(2, 3)\n"
        "print(result.get(timeout=10), TaskResult.objects.get(task_id=result.id).status)'")
    assert output.split() == ["5", "SUCCESS"], output


def test_pickle_message_refused(upgraded):
    # Sent by the page's doctest; the worker accepts JSON only.
    wait_for_log(worker_log(upgraded), "ContentDisallowed: Refusing to deserialize untrusted content of type pickle")


def test_settings_schedule_copied_and_sent(upgraded):
    """CELERY_BEAT_SCHEDULE (once CELERYBEAT_SCHEDULE) is written into django-celery-beat's tables by beat."""
    wait_for_log(beat_log(upgraded), "Sending due task add-every-30-seconds (demoapp.tasks.add)")
    wait_for_log(worker_log(upgraded), ("demoapp.tasks.add[", "succeeded", ": 32"))
    output = upgraded.run(
        "python manage.py shell -v 0 -c '"
        "from django_celery_beat.models import PeriodicTask\n"
        "task = PeriodicTask.objects.get(name=\"add-every-30-seconds\")\n"
        "print(task.task, task.args, task.interval.every, task.interval.period, sep=\"|\")'")
    assert output.strip() == "demoapp.tasks.add|[16, 16]|1|seconds", output


def test_periodic_task_recreated_and_sent(upgraded):
    """The old @periodic_task, now a plain task with its schedule made by the page's command."""
    upgraded.run("python manage.py setup_periodic_tasks --every 1")
    wait_for_log(beat_log(upgraded), "Sending due task clear sessions (demoapp.tasks.clear_sessions)")
    wait_for_log(worker_log(upgraded), ("demoapp.tasks.clear_sessions[", "succeeded"))


def test_djcelery_tables_dropped(upgraded):
    with sqlite3.connect(upgraded.cwd / "db.sqlite3") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        djcelery_migrations = db.execute("SELECT name FROM django_migrations WHERE app = 'djcelery'").fetchall()
    db.close()
    assert not tables & DJCELERY_TABLES, sorted(tables & DJCELERY_TABLES)
    assert not [name for name in tables if name.startswith("djcelery")], sorted(tables)
    assert {"django_celery_results_taskresult", "django_celery_beat_periodictask"} <= tables, sorted(tables)
    assert djcelery_migrations == []


def test_nothing_old_left_in_the_code(upgraded):
    project = upgraded.cwd
    sources = {path.relative_to(project).as_posix(): path.read_text() for path in project.rglob("*.py")}
    for name, text in sources.items():
        assert not re.search(r"^\s*(from|import) celery\.task\b", text, re.M), f"{name} imports celery.task:\n{text}"
        assert "djcelery" not in text, f"{name} still names djcelery:\n{text}"
        assert "absolute_import" not in text, f"{name} still has a __future__ import:\n{text}"
    # proj/celery.py is exactly what the page shows, with nothing of the 3.1 file left in it.
    shown = next(block.text for block in blocks(PAGE)
                 if block.kind == "literalinclude" and block.caption == "proj/celery.py")
    assert sources["proj/celery.py"] == shown
    settings = sources["proj/settings.py"]
    for old in ("BROKER_URL = 'redis", "CELERYBEAT_", "CELERY_BEAT_SCHEDULER", "'pickle'"):
        assert old not in settings, f"{old!r} left in proj/settings.py:\n{settings}"
    assert (project / "proj" / "settings.py.orig").exists(), "celery upgrade settings kept no backup"
    upgraded.run("python manage.py check --fail-level WARNING")


def test_djcelery_tables_dropped_on_postgresql(upgraded, tmp_path, postgres_url):
    """The page's lines that drop djcelery's tables, run on PostgreSQL, where their order matters."""
    import psycopg

    copy = tmp_path / "proj"
    shutil.copytree(upgraded.cwd, copy, ignore=shutil.ignore_patterns("*.log", "__pycache__", "db.sqlite3"))
    name = postgres_url.rsplit("/", 1)[1]
    with open(copy / "proj" / "settings.py", "a") as settings:
        settings.write(f"\nDATABASES = {{'default': {{'ENGINE': 'django.db.backends.postgresql', 'NAME': '{name}', "
                       "'USER': 'postgres', 'HOST': '127.0.0.1', 'PORT': 5432}}\n")
    reader = Reader(copy, dict(upgraded.env))
    reader.run("python manage.py migrate")
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute(DJCELERY_POSTGRESQL)
    drop = [block for block in blocks(PAGE) if block.kind == "doctest" and "DROP TABLE" in block.text]
    assert len(drop) == 1, [block.where for block in drop]
    reader.run_doctests(drop)
    with psycopg.connect(postgres_url) as db:
        tables = {name for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        djcelery_migrations = db.execute("SELECT name FROM django_migrations WHERE app = 'djcelery'").fetchall()
    assert not tables & DJCELERY_TABLES, sorted(tables & DJCELERY_TABLES)
    assert "django_celery_beat_periodictask" in tables, sorted(tables)
    assert djcelery_migrations == []
