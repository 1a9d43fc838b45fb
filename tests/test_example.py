"""The reader's flow, run for real: migrate, a worker process, a task, its result in the database."""

import pytest

from conftest import celery, example_env, manage, running_worker, shell, wait_for_log

SEND_AND_WAIT = "from demoapp.tasks import add; print(add.delay(2, 3).get(timeout=10))"
STORED = (
    "from django_celery_results.models import TaskResult; "
    "r = TaskResult.objects.get(); print(r.task_name, r.status, r.result)"
)


@pytest.fixture(params=["embedded", "redis", "amqp"])
def broker_env(request):
    if request.param == "embedded":
        return example_env()
    if request.param == "redis":
        url = request.getfixturevalue("redis_server") + "/0"
    else:
        url = request.getfixturevalue("rabbitmq_url")
    return example_env(CELERY_BROKER_URL=url)


def test_readers_flow(example, broker_env):
    manage(example, "migrate", env=broker_env)
    with running_worker(example, env=broker_env) as log:
        output = shell(example, SEND_AND_WAIT, env=broker_env)
        assert output.split() == ["5"]
    assert "demoapp.tasks.add" in log.read_text()
    assert "succeeded" in log.read_text()
    stored = shell(example, STORED, env=broker_env)
    assert stored.split() == ["demoapp.tasks.add", "SUCCESS", "5"]


def test_inspect_ping_reaches_the_embedded_worker(example):
    manage(example, "migrate")
    with running_worker(example):
        ping = celery(example, "-A", "proj", "inspect", "ping", "--timeout", "5")
    assert ping.returncode == 0, ping.stdout + ping.stderr
    assert "pong" in ping.stdout


def test_orm_tasks_take_primary_keys(example):
    manage(example, "migrate")
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
    manage(example, "migrate")
    code = "from proj.celery import debug_task; print(debug_task.delay().id)"
    with running_worker(example) as log:
        task_id = shell(example, code).strip()
        wait_for_log(log, ("Request: <Context:", f"'id': '{task_id}'"), timeout=10)
