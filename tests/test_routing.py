"""What "Routing tasks to queues" says, on Redis with real workers.

The example routes demoapp.tasks.widget_report to the queue "reports"
(CELERY_TASK_ROUTES in proj/settings.py); every other task goes to "celery".
"""
import re

import pytest

from conftest import CELERY, example_env, migrate, running, shell, wait_for_log


@pytest.fixture
def redis_env(example, redis_server):
    """The example on an emptied database of the tests' Redis; (env, client)."""
    import redis

    url = f"{redis_server}/8"
    client = redis.Redis.from_url(url)
    client.flushdb()
    env = example_env(CELERY_BROKER_URL=url)
    migrate(example, env=env)
    return env, client


def worker(example, env, name, *args):
    command = [CELERY, "-A", "proj", "worker", "-l", "INFO", "-c", "1", "--without-mingle",
               "-n", f"{name}@%h", *args]
    return running(command, example, env, log_name=f"{name}.log")


def worker_of(example, env, task_id):
    code = ("from django_celery_results.models import TaskResult; "
            f"print(TaskResult.objects.get(task_id={task_id!r}).worker)")
    return shell(example, code, env=env).strip().split("@")[0]


SEND_BOTH = ("from demoapp.tasks import add, widget_report; "
             "widget_report.apply_async(task_id='report'); add.apply_async((2, 2), task_id='sum')")


def test_a_routed_task_runs_only_on_the_worker_that_takes_from_its_queue(example, redis_env):
    env, _ = redis_env
    with worker(example, env, "default", "-Q", "celery") as (_, default_log), \
            worker(example, env, "reports", "-Q", "reports") as (_, reports_log):
        shell(example, SEND_BOTH, env=env)
        wait_for_log(reports_log, ("widget_report[report]", "succeeded"))
        wait_for_log(default_log, ("add[sum]", "succeeded"))
    assert "[report]" not in default_log.read_text()
    assert "[sum]" not in reports_log.read_text()
    # The banner lists the worker's queues.
    assert "reports          exchange=reports(direct) key=reports" in reports_log.read_text()
    assert (worker_of(example, env, "report"), worker_of(example, env, "sum")) == ("reports", "default")


def test_a_worker_without_Q_leaves_the_routed_task_in_its_queue(example, redis_env):
    env, client = redis_env
    with worker(example, env, "default") as (_, log):
        shell(example, SEND_BOTH, env=env)
        # The report was sent first; once the sum has run, the worker would have taken it too.
        wait_for_log(log, ("add[sum]", "succeeded"))
        assert client.llen("reports") == 1
    assert "[report]" not in log.read_text()


def test_redis_runs_priority_0_before_priority_9(example, redis_env):
    env, client = redis_env
    shell(example, "from demoapp.tasks import add\n"
                   "for n in range(3): add.apply_async((n, n), priority=9, task_id=f'low-{n}')\n"
                   "add.apply_async((0, 0), priority=0, task_id='high')", env=env)
    assert (client.llen("celery"), client.llen("celery\x06\x169")) == (1, 3)  # one list per priority step
    with worker(example, env, "default") as (_, log):
        wait_for_log(log, ("[low-2]", "succeeded"))
    received = re.findall(r"Task demoapp\.tasks\.add\[([\w-]+)\] received", log.read_text())
    assert received == ["high", "low-0", "low-1", "low-2"]
