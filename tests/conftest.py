"""Fixtures shared by the tests: a scratch copy of the example, real workers, real brokers.

The process helpers live in tools/processes.py, shared with the benchmarks;
they are imported here so that tests can take them from ``conftest``.
"""
import shutil

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
    manage,
    own_redis,
    port_open,
    postgres_database,
    running,
    running_worker,
    shell,
    stop,
    wait_for_log,
)


@pytest.fixture
def example(tmp_path):
    """A fresh copy of the example project, as a reader would have it."""
    return copy_example(tmp_path / "example")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis server of the tests' own, on a free port; its URL prefix."""
    if shutil.which("redis-server") is None:
        pytest.skip(REDIS_MISSING)
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
        pytest.skip(
            "no PostgreSQL on 127.0.0.1:5432: install and start it "
            "(Debian: apt install postgresql) to run the PostgreSQL tests"
        )
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def rabbitmq_url():
    """The machine's RabbitMQ, where one answers on 127.0.0.1:5672."""
    if not port_open("127.0.0.1", 5672):
        pytest.skip(
            "no RabbitMQ on 127.0.0.1:5672: install and start it "
            "(Debian: apt install rabbitmq-server) to run the amqp:// tests"
        )
    return "amqp://guest:guest@127.0.0.1:5672//"
