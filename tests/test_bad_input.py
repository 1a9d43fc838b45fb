"""Wrong settings and wrong messages: one clear line each, and no task lost.

A wrong CELERY_BROKER_URL, a database out of reach or never migrated, a task
name the worker does not know: each gets one line saying what is wrong and
what to do, never a traceback, and the tasks already queued still run once
the cause is fixed.
"""

import pytest

from conftest import REDIS_PASSWORD, migrate, one_error_line, refused_worker
from tools.processes import example_env, free_port, manage, running_worker, shell, wait_for_log

QUEUE_FIVE = "from demoapp.tasks import add; print(' '.join(add.delay(i, i).id for i in range(5)))"
STORED = """
from django_celery_results.models import TaskResult
ids = {ids!r}.split()
print(sorted((r.status, r.result) for r in TaskResult.objects.filter(task_id__in=ids)))
"""
FIVE_DONE = str(sorted(("SUCCESS", str(i + i)) for i in range(5)))




@pytest.mark.parametrize("url, expected", [
    ("localhost:6379", "Error: CELERY_BROKER_URL has an unknown scheme in 'localhost:6379': use redis://"),
    ("reddis://localhost:6379/0", "Error: CELERY_BROKER_URL has an unknown scheme in 'reddis://localhost:6379/0': "
                                  "use redis://, amqp:// or another scheme kombu knows, or unset it for the embedded "
                                  "broker."),
    ("redis://localhost:notaport/0", "Error: CELERY_BROKER_URL has a bad host or port in "
                                     "'redis://localhost:notaport/0': the port is a number up to 65535."),
    ("redis://localhost:70000/0", "Error: CELERY_BROKER_URL has a bad host or port in 'redis://localhost:70000/0'"),
])
def test_malformed_broker_url(example, url, expected):
    env = example_env(CELERY_BROKER_URL=url)
    # Every entry point reads the settings, so each one says it: manage.py and the worker.
    for result in (manage(example, "check", env=env, check=False), refused_worker(example, env)):
        assert one_error_line(result).startswith(expected)


@pytest.mark.parametrize("url, shown", [
    # Nothing listens on that port. The password is masked: a promise of tests/test_security.py.
    ("redis://:{password}@127.0.0.1:{port}/0", "redis://:****@127.0.0.1:{port}/0"),
    ("amqp://guest:{password}@127.0.0.1:{port}//", "amqp://guest:****@127.0.0.1:{port}//"),
    ("redis://127.0.0.1:{port}/0", "redis://:****@127.0.0.1:{port}/0"),  # as kombu shows it
    ("redis://no-such-host.invalid:6379/0", "redis://:****@no-such-host.invalid:6379/0"),  # no such name
])
def test_unreachable_broker(example, url, shown):
    port = free_port()
    env = example_env(CELERY_BROKER_URL=url.format(password=REDIS_PASSWORD, port=port))
    migrate(example, env=env)
    line = one_error_line(refused_worker(example, env))
    assert line.startswith(f"Error: cannot reach the broker at {shown.format(port=port)}: ")
    assert line.endswith("Is the server running, and is CELERY_BROKER_URL right?")
    assert REDIS_PASSWORD not in line


def test_unreachable_database(example):
    url = f"postgres://proj:hunter2-{free_port()}@127.0.0.1:{free_port()}/proj"  # nothing listens there
    line = one_error_line(refused_worker(example, example_env(DJANGO_DATABASE_URL=url)))
    assert line.startswith("Error: cannot open the database: ")
    assert line.endswith("Is DATABASES (or DJANGO_DATABASE_URL) right?")
    assert "hunter2" not in line


def test_results_table_missing_then_migrated(example):
    """Tasks sent before ``migrate`` wait in the broker for a worker that can run them."""
    ids = shell(example, QUEUE_FIVE).strip()
    assert len(ids.split()) == 5

    line = one_error_line(refused_worker(example, example_env()))
    assert line == "Error: the results table does not exist: run `python manage.py migrate` first."
    assert len(list((example / ".broker" / "messages").glob("*.msg"))) == 5, "queued tasks were touched"

    manage(example, "migrate")
    with running_worker(example) as log:
        for task_id in ids.split():
            wait_for_log(log, (task_id, "succeeded"), timeout=20)
    assert shell(example, STORED.format(ids=ids)).strip() == FIVE_DONE


SEND_UNKNOWN = """
from celery.exceptions import NotRegistered
from demoapp.tasks import add
from proj.celery import app
before = add.delay(1, 1)
unknown = app.send_task("no.such.task", args=(1,))
after = add.delay(2, 2)
print(before.get(timeout=10), after.get(timeout=10))
try:
    unknown.get(timeout=10)
except NotRegistered as exc:
    print("NotRegistered", exc)
"""


@pytest.fixture(params=["embedded", "redis"])
def broker_env(request):
    if request.param == "embedded":
        return example_env()
    return example_env(CELERY_BROKER_URL=request.getfixturevalue("redis_server") + "/6")


def test_unknown_task_name(example, broker_env):
    migrate(example, env=broker_env)
    with running_worker(example, env=broker_env) as log:
        # The sender learns of it from the result; the tasks around it run.
        assert shell(example, SEND_UNKNOWN, env=broker_env).split() == ["2", "4", "NotRegistered", "'no.such.task'"]
        text = log.read_text()
    # Celery's own report, as a reader's project logs it: the message is dropped, the worker goes on.
    assert ("ERROR/MainProcess] Received unregistered task of type 'no.such.task'.\n"
            "The message has been ignored and discarded.\n") in text, text
    assert text.count("succeeded") == 2
