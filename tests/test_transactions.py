"""A task sent inside a transaction races the commit ("Database transactions").

Both sides run for real: a worker process, and ``manage.py shell`` holding a
transaction open while the worker runs the task. Results go to Django's cache
(proj/settings_cache.py) rather than the database: with SQLite, a worker
storing a result in the database would wait for the open transaction to end,
and the test could not read the result before committing.
"""
import pytest

from conftest import example_env, migrate, running_worker, shell, wait_for_log

RACE = """
from django.db import transaction
from demoapp.models import Widget
from demoapp.tasks import announce_widget

with transaction.atomic():
    widget = Widget.objects.create(name="early")
    result = announce_widget.delay(widget.id)
    # Still inside the transaction: the worker runs the task now.
    outcome = result.get(timeout=10, propagate=False)
print(result.state, type(outcome).__name__)
print(Widget.objects.filter(id=widget.id).exists())
"""

ON_COMMIT = """
from uuid import uuid4
from celery.result import AsyncResult
from django.db import transaction
from demoapp.models import Widget
from demoapp.tasks import announce_widget

task_id = str(uuid4())
with transaction.atomic():
    widget = Widget.objects.create(name="late")
    print(announce_widget.delay_on_commit(widget.id))
    announce_widget.apply_async_on_commit((widget.id,), task_id=task_id)
print(AsyncResult(task_id).get(timeout=10))
"""

ROLLBACK = """
from django.db import transaction
from demoapp.models import Widget
from demoapp.tasks import announce_widget

with transaction.atomic():
    widget = Widget.objects.create(name="rolled-back")
    announce_widget.delay_on_commit(widget.id)
    transaction.set_rollback(True)
announce_widget.delay_on_commit(0)  # outside a transaction: sent at once
"""

VIEW = """
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
response = Client().post("/widgets/", {"name": "from-the-view"})
print(response.status_code, sorted(response.json()))
"""


@pytest.fixture
def cache_env(example):
    env = example_env(DJANGO_SETTINGS_MODULE="proj.settings_cache")
    migrate(example, env=env)
    return env


def test_task_sent_inside_the_transaction_misses_the_row(example, cache_env):
    with running_worker(example, env=cache_env) as log:
        output = shell(example, RACE, env=cache_env)
    # The worker ran before the commit and found no row; the row exists after it.
    assert output.split() == ["FAILURE", "DoesNotExist", "True"]
    assert "DoesNotExist('Widget matching query does not exist.')" in log.read_text()


def run_until_logged(example, env, code, line):
    """Run ``code`` in Django's shell while a worker runs, until the worker logs ``line``:
    the shell's output and the worker's log."""
    with running_worker(example, env=env) as log:
        output = shell(example, code, env=env)
        wait_for_log(log, line, timeout=10)
    return output, log.read_text()


def test_task_sent_on_commit_finds_the_row(example, cache_env):
    # delay_on_commit() gives no result handle, but its task runs too.
    output, log = run_until_logged(example, cache_env, ON_COMMIT, "New widget: late")
    assert output.splitlines() == ["None", "announced late"]
    assert "DoesNotExist" not in log


def test_nothing_is_sent_when_the_transaction_rolls_back(example, cache_env):
    # The task sent after the rollback arrives; the one inside it never does.
    _, log = run_until_logged(example, cache_env, ROLLBACK, "raised unexpected: DoesNotExist")
    # One task, received and failed (the example's failure handler logs it once more).
    assert log.count("Task demoapp.tasks.announce_widget[") == 2
    assert "rolled-back" not in log


def test_view_announces_its_widget_after_commit(example, cache_env):
    output, log = run_until_logged(example, cache_env, VIEW, "New widget: from-the-view")
    assert output.split() == ["201", "['id']"]
    assert "DoesNotExist" not in log
