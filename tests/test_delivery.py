"""At-least-once delivery: a worker killed in the middle of a run, then a new one.

The tasks are ``demoapp.tasks.record_work``: acknowledged late, idempotent
(one Widget row per key), one worker with two processes, one message reserved
per process. To kill the worker at the worst moment, the test holds SQLite's
write lock so that both processes are in the middle of a task, then kills the
worker and its processes at once with SIGKILL, as a lost machine would. What
each broker guarantees:

* Redis keeps a delivered message until it is acknowledged and gives it to
  another worker once the visibility timeout has passed: nothing is lost;
  the tasks that were running start again, so they run twice.
* The embedded broker (kombu's virtual transport) removes a message from its
  folder when it delivers it and keeps the unacknowledged ones in the
  worker's memory: a worker killed with SIGKILL takes those with it. Losses
  are the tasks in flight whose work was not done yet (at most two here),
  and nothing runs twice.

The figures are printed (``pytest -s``); what must hold is asserted.
"""
import json
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import (
    CELERY,
    database_write_lock,
    example_env,
    kill,
    migrate,
    running,
    shell,
    wait_until,
)

TASKS = 200  # enough to kill the worker mid-run with tasks on both sides of the kill
KILL_AFTER = 60  # successes before the kill: it lands mid-run
CONCURRENCY = 2
IN_FLIGHT = CONCURRENCY * 1  # CELERY_WORKER_PREFETCH_MULTIPLIER = 1
VISIBILITY_TIMEOUT = 2  # seconds; 3600 by default, shortened so the test waits little

SEND = """
from demoapp.tasks import record_work
for i in range({n}):
    record_work.apply_async((i,), task_id=f"work-{{i}}")
"""
RECORDED = """
import json
from collections import Counter
from demoapp.models import Widget
names = Widget.objects.filter(name__startswith="work-").values_list("name", flat=True)
print(json.dumps(Counter(names)))
"""
SUCCEEDED = re.compile(r"Task demoapp\.tasks\.record_work\[(work-\d+)\] succeeded in [\d.e-]+s: (True|False)")
RECEIVED = re.compile(r"Task demoapp\.tasks\.record_work\[(work-\d+)\] received")


def worker(example_dir, env, log_name):
    """A worker whose process the block can kill; yields (process, log path)."""
    command = [CELERY, "-A", "proj", "worker", "-l", "INFO", "-c", str(CONCURRENCY)]
    return running(command, example_dir, env, log_name=log_name)


def text(log):
    return log.read_text(errors="replace")


def successes(*logs):
    """(id, returned) for every success the logs show, in order."""
    return [found for log in logs for found in SUCCEEDED.findall(text(log))]


def received(log):
    return set(RECEIVED.findall(text(log)))


def unfinished(log):
    """Tasks the worker received and has not finished."""
    return received(log) - {task_id for task_id, _ in successes(log)}




def stop_mid_task(example_dir, process, log, kill, after=KILL_AFTER):
    """After some successes, catch both processes mid-task and ``kill`` (a function of the process)."""
    wait_until(lambda: len(successes(log)) >= after, f"{after} successes", 60, process, log)
    with database_write_lock(example_dir):
        wait_until(lambda: len(unfinished(log)) >= IN_FLIGHT, "tasks in flight", 60, process, log)
        time.sleep(0.3)  # both processes are now waiting for the lock, inside the task
        in_flight = unfinished(log)
        kill(process)
    return in_flight


def wait_until_settled(logs, expected, drained, timeout=60):
    """Until every task has succeeded, or the broker is empty and the logs stand still for 3 s."""
    deadline = time.monotonic() + timeout
    last, still_since = None, time.monotonic()
    while time.monotonic() < deadline:
        done = {task_id for task_id, _ in successes(*logs)}
        if done >= expected:
            return
        if done != last:
            last, still_since = done, time.monotonic()
        elif drained() and time.monotonic() - still_since > 3:
            return
        time.sleep(0.2)




def kill_and_restart(example_dir, env, drained):
    """Queue the tasks, kill the first worker mid-run, let a second one finish; return the figures."""
    migrate(example_dir, env=env)
    shell(example_dir, SEND.format(n=TASKS), env=env)
    expected = {f"work-{i}" for i in range(TASKS)}

    with worker(example_dir, env, "first.log") as (process, first):
        in_flight = stop_mid_task(example_dir, process, first, kill)
    killed_at = time.monotonic()
    # Redis hands the unacknowledged messages out again once they are older
    # than the visibility timeout, when a worker starts or on its next sweep.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    with worker(example_dir, env, "second.log") as (process, second):
        wait_until_settled([first, second], expected, drained)
        assert process.poll() is None, "the second worker died"

    rows = Counter(json.loads(shell(example_dir, RECORDED, env=env)))
    figures = {
        "sent": TASKS,
        "done before the kill": len(successes(first)),
        "in flight at the kill": sorted(in_flight),
        "recorded": len(rows),
        "lost": sorted(expected - set(rows)),
        "delivered twice": sorted(received(first) & received(second)),
        # A run that found its row there: an earlier run did the work but was not acknowledged.
        "found the work done": sorted(i for i, returned in successes(first, second) if returned == "False"),
        "rows per key > 1": sorted(name for name, n in rows.items() if n > 1),
    }
    for name, value in figures.items():
        print(f"{name}: {value if isinstance(value, int) else f'{len(value)} {value[:10]}'}")
    assert len(in_flight) == IN_FLIGHT, "the kill did not catch both processes mid-task"
    assert "Traceback" not in text(second), text(second)[-3000:]
    assert not figures["rows per key > 1"], "get_or_create made two rows for one key"
    return figures, in_flight


def test_redis_loses_nothing_when_the_worker_is_killed(example, redis_server):
    url = f"{redis_server}/3"
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    env = example_env(CELERY_BROKER_URL=url, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))

    def drained():
        return client.llen("celery") == 0 and client.hlen("unacked") == 0

    figures, in_flight = kill_and_restart(example, env, drained)

    assert not figures["lost"], f"Redis lost {len(figures['lost'])} tasks"
    assert drained(), "messages left in Redis"
    # What was running starts again, and only that.
    assert set(figures["delivered twice"]) == in_flight


def embedded_env():
    # Polling the folder every 10 ms instead of 50 only saves the test time.
    return example_env(CELERY_BROKER_POLLING_INTERVAL="0.01")


def test_embedded_broker_loses_what_was_in_flight(example):
    env = embedded_env()
    messages = example / ".broker" / "messages"

    def drained():
        return not list(messages.glob("*.msg"))

    figures, in_flight = kill_and_restart(example, env, drained)

    # The killed worker's unacknowledged messages existed only in its memory:
    # those are lost (unless the task had done its work), and no other.
    assert set(figures["lost"]) <= in_flight
    assert not figures["delivered twice"]
    assert drained(), "messages left in the embedded broker"


def pool_processes(parent):
    """The pids of the worker's pool processes (its children)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


def kill_pool_processes(process):
    children = pool_processes(process.pid)
    assert children, "no pool process found"
    for pid in children:
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(params=["embedded", "redis"])
def any_broker_env(request):
    if request.param == "embedded":
        return embedded_env()
    url = f"{request.getfixturevalue('redis_server')}/4"
    import redis

    redis.Redis.from_url(url).flushdb()
    return example_env(CELERY_BROKER_URL=url)


def test_a_killed_pool_process_gives_its_task_back(example, any_broker_env):
    """reject_on_worker_lost: only the processes running tasks die (out of memory, say)."""
    env = any_broker_env
    migrate(example, env=env)
    shell(example, SEND.format(n=100), env=env)
    expected = {f"work-{i}" for i in range(100)}

    with worker(example, env, "worker.log") as (process, log):
        in_flight = stop_mid_task(example, process, log, kill_pool_processes, after=30)
        wait_until_settled([log], expected, lambda: False)
        assert process.poll() is None, "the worker died with its pool processes"

    rows = Counter(json.loads(shell(example, RECORDED, env=env)))
    lost = sorted(expected - set(rows))
    again = [line for line in text(log).splitlines() if "WorkerLostError(" in line]
    print(f"in flight: {sorted(in_flight)}, lost: {len(lost)} {lost[:10]}", *again, sep="\n")
    assert not lost, f"{len(lost)} tasks lost"
    assert in_flight <= {task_id for task_id, _ in successes(log)}, "a task that was running did not run again"


def test_embedded_worker_stalls_when_an_idle_pool_process_is_killed(example):
    """A limit of the embedded broker, written down so that a fix shows.

    Its worker hands tasks to the pool through one shared queue, and an idle
    pool process holds that queue's lock while it waits. Killed then, it
    takes the lock with it: the processes that replace it wait forever, and
    the worker runs nothing more. A warm shutdown still puts back the tasks it
    holds, but then waits for the same lock: only SIGKILL ends it. (With Redis
    or RabbitMQ each process has its own pipe, and the worker carries on.)
    """
    env = embedded_env()
    migrate(example, env=env)
    with worker(example, env, "worker.log") as (process, log):
        kill_pool_processes(process)
        wait_until(lambda: "exited with 'signal 9 (SIGKILL)'" in text(log), "lost process", 60, process, log)
        time.sleep(1)  # the pool starts new processes
        shell(example, "from demoapp.tasks import add; [add.delay(i, i) for i in range(5)]", env=env)
        time.sleep(5)
        assert process.poll() is None
        assert "succeeded" not in text(log), "the worker ran tasks after all: the limit is gone"
        process.send_signal(signal.SIGTERM)
        wait_until(lambda: "Restoring 2 unacknowledged message(s)" in text(log), "restored messages", 60, process, log)
        time.sleep(3)
        assert process.poll() is None, "the worker stopped by itself: the limit is gone"
        kill(process)
    # Nothing was lost: a new worker runs the five tasks.
    with worker(example, env, "restarted.log") as (process, log):
        wait_until(lambda: text(log).count("succeeded") == 5, "5 successes", 30, process, log)
