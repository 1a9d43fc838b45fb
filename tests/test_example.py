"""The reader's flow, run for real: migrate, a worker process, a task, its result in the database.

On each broker (the embedded one, Redis, RabbitMQ) with SQLite, and on the
embedded broker with PostgreSQL as Django's database.
"""

import pytest

from conftest import example_env, manage, migrate, running_worker, shell, wait_for_log

SEND_AND_WAIT = (
    "from django.db import connection; from demoapp.tasks import add; "
    "print(connection.vendor, add.delay(2, 3).get(timeout=10))"
)
STORED = (
    "from django_celery_results.models import TaskResult; "
    "r = TaskResult.objects.get(); print(r.task_name, r.status, r.result)"
)


@pytest.fixture(params=["embedded", "redis", "amqp", "postgresql"])
def broker_env(request):
    """The environment of one variant, and the database vendor Django uses in it."""
    if request.param == "embedded":
        return example_env(), "sqlite"
    if request.param == "postgresql":
        return example_env(DJANGO_DATABASE_URL=request.getfixturevalue("postgres_url")), "postgresql"
    if request.param == "redis":
        url = request.getfixturevalue("redis_server") + "/0"
    else:
        url = request.getfixturevalue("rabbitmq_url")
    return example_env(CELERY_BROKER_URL=url), "sqlite"


def test_readers_flow(example, broker_env):
    env, vendor = broker_env
    manage(example, "migrate", env=env)
    with running_worker(example, env=env) as log:
        output = shell(example, SEND_AND_WAIT, env=env)
        assert output.split() == [vendor, "5"]
    assert "demoapp.tasks.add" in log.read_text()
    assert "succeeded" in log.read_text()
    stored = shell(example, STORED, env=env)
    assert stored.split() == ["demoapp.tasks.add", "SUCCESS", "5"]
    if vendor != "sqlite":
        assert not (example / "db.sqlite3").exists(), "the SQLite file was used after all"


def test_orm_tasks_take_primary_keys(example):
    migrate(example)
    code = (
        "from demoapp.models import Widget; from demoapp.tasks import count_widgets, rename_widget; "
        "w = Widget.objects.create(name='old'); "
        "rename_widget.delay(w.id, 'new').get(timeout=10); "
        "w.refresh_from_db(); print(w.name, count_widgets.delay().get(timeout=10))"
    )
    with running_worker(example):
        output = shell(example, code)
    assert output.split() == ["new", "1"]


def test_debug_task_reports_its_request(example):
    migrate(example)
    code = "from proj.celery import debug_task; print(debug_task.delay().id)"
    with running_worker(example) as log:
        task_id = shell(example, code).strip()
        wait_for_log(log, ("Request: <Context:", f"'id': '{task_id}'"), timeout=10)
