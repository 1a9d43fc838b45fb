"""Fixtures shared by the tests: a scratch copy of the example, real workers, real brokers.

The process helpers live in tools/processes.py, shared with the benchmarks;
they are imported here so that tests can take them from ``conftest``.
"""
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from tools.processes import (  # noqa: F401 (re-exported for the tests)
    CELERY,
    EXAMPLE,
    POSTGRES,
    PYTHON,
    REDIS_MISSING,
    ROOT,
    celery,
    copy_example,
    example_env,
    free_port,
    kill,
    manage,
    own_redis,
    port_open,
    postgres_database,
    running,
    running_worker,
    shell,
    stop,
    wait_for_log,
    wait_until,
)


def missing(reason):
    """Skip a test for a missing server or system tool; under CI (``CI`` set), fail instead,
    so that coverage cannot shrink without anyone noticing."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: a missing piece fails the run)")
    pytest.skip(reason)


_migrated = {}


def migrate(example_dir, env=None):
    """``manage.py migrate`` for a scratch copy of the example.

    On SQLite (no DJANGO_DATABASE_URL), the copy gets a database migrated once
    per session, instead of running all the migrations again (about 4 s each
    time); the reader's own ``migrate`` is run by the tests that replay the pages.
    """
    if env and env.get("DJANGO_DATABASE_URL"):
        manage(example_dir, "migrate", env=env)
        return
    if "db" not in _migrated:
        folder = Path(tempfile.mkdtemp(prefix="guide-migrated-"))
        copy_example(folder / "example")
        manage(folder / "example", "migrate")
        _migrated["db"] = folder / "example" / "db.sqlite3"
    target = Path(env.get("DJANGO_SQLITE_PATH", "")) if env and env.get("DJANGO_SQLITE_PATH") else None
    shutil.copyfile(_migrated["db"], target or Path(example_dir) / "db.sqlite3")


@contextmanager
def database_write_lock(example_dir):
    """Hold SQLite's write lock: tasks that write wait (up to 20 s, the example's timeout)."""
    db = sqlite3.connect(Path(example_dir) / "db.sqlite3", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        db.rollback()
        db.close()


@pytest.fixture
def example(tmp_path):
    """A fresh copy of the example project, as a reader would have it."""
    return copy_example(tmp_path / "example")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis server of the tests' own, on a free port; its URL prefix."""
    if shutil.which("redis-server") is None:
        missing(REDIS_MISSING)
    with own_redis(tmp_path_factory.mktemp("redis")) as port:
        yield f"redis://127.0.0.1:{port}"


def refused_worker(example_dir, env):
    """Start a worker that is expected to refuse to start; the finished process."""
    return celery(example_dir, "-A", "proj", "worker", "-l", "INFO", env=env)


def one_error_line(result):
    """The single ``Error:`` line of a process that stopped, checking there is nothing worse."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    return errors[0]


@pytest.fixture
def postgres_url():
    """A fresh database on the machine's PostgreSQL, dropped afterwards; its URL."""
    if not port_open(*POSTGRES):
        missing(
            "no PostgreSQL on 127.0.0.1:5432: install and start it "
            "(Debian: apt install postgresql) to run the PostgreSQL tests"
        )
    with postgres_database() as url:
        yield url


# The password of the Redis server that wants one (redis_with_password).
REDIS_PASSWORD = secrets.token_hex(16)


@pytest.fixture(scope="module")
def redis_with_password(tmp_path_factory):
    """A Redis server of the tests' own that wants REDIS_PASSWORD; its port."""
    if shutil.which("redis-server") is None:
        missing(REDIS_MISSING)
    with own_redis(tmp_path_factory.mktemp("redis-password"), "--requirepass", REDIS_PASSWORD) as port:
        yield port


@pytest.fixture(scope="session")
def rabbitmq_url():
    """A virtual host of our own on the machine's RabbitMQ (127.0.0.1:5672), removed afterwards.

    Its own vhost keeps other Celery apps on the same server (and their
    workers' pidbox queues) out of the tests' way.
    """
    if not port_open("127.0.0.1", 5672):
        missing(
            "no RabbitMQ on 127.0.0.1:5672: install and start it "
            "(Debian: apt install rabbitmq-server) to run the amqp:// tests"
        )
    rabbitmqctl = shutil.which("rabbitmqctl")
    if rabbitmqctl is None:
        missing("rabbitmqctl not found: the amqp:// tests make a virtual host of their own with it")
    vhost = f"guide-tests-{os.getpid()}"

    def ctl(*args):
        result = subprocess.run([rabbitmqctl, *args], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            missing(f"rabbitmqctl {' '.join(args)} failed (run the tests as a user allowed to): {result.stderr}")

    ctl("add_vhost", vhost)
    try:
        ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    finally:
        subprocess.run([rabbitmqctl, "delete_vhost", vhost], capture_output=True, timeout=60)
