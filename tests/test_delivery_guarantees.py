"""What "Delivery guarantees" says, shown on real workers and real brokers.

Redis is a server of the tests' own, with the example's visibility timeout
shortened through CELERY_VISIBILITY_TIMEOUT. RabbitMQ is a node of the
tests' own too, started with a consumer timeout of a few seconds in its
rabbitmq.conf: RabbitMQ 3.10, installed here, has no per-queue consumer
timeout, and a node of our own leaves the machine's server and its other
users alone.

Besides the example's tasks, the tests use a few of their own, added to the
scratch copy of the example: naps that log when they start (acknowledged
early or late), and tasks whose process dies.
"""
import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import CELERY, example_env, free_port, kill, migrate, port_open, running, shell, wait_until

TEST_TASKS = '''

# Added by tests/test_delivery_guarantees.py to its scratch copy.
import os as _os
import signal as _signal
import time as _time


@shared_task(acks_late=True)
def late_nap(seconds):
    logger.info("Napping %s s", seconds)
    _time.sleep(seconds)


@shared_task(acks_late=True)
def stubborn_nap(seconds):
    # Sleeps on through its soft time limit, until the hard one kills it.
    from celery.exceptions import SoftTimeLimitExceeded
    try:
        _time.sleep(seconds)
    except SoftTimeLimitExceeded:
        _time.sleep(seconds)


@shared_task
def early_nap(seconds):
    logger.info("Napping %s s", seconds)
    _time.sleep(seconds)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dies_rejected():
    logger.info("Dying")
    _os.kill(_os.getpid(), _signal.SIGKILL)


@shared_task(acks_late=True, retry_on_worker_lost=True, max_retries=1, default_retry_delay=0)
def dies_retried():
    logger.info("Dying")
    _os.kill(_os.getpid(), _signal.SIGKILL)
'''


def add_test_tasks(example_dir):
    tasks = Path(example_dir) / "demoapp" / "tasks.py"
    tasks.write_text(tasks.read_text() + TEST_TASKS)


def text(log):
    return log.read_text(errors="replace")


def count(log, *parts):
    """How many lines of the log contain every part."""
    return sum(all(p in line for p in parts) for line in text(log).splitlines())




def worker(example_dir, env, name, concurrency=1, warm=False):
    """A worker named ``name``, logging to ``name``.log; yields (process, log).

    The block's end kills it, or with ``warm`` makes a warm shutdown (SIGTERM).
    """
    command = [CELERY, "-A", "proj", "worker", "-l", "INFO", "-c", str(concurrency),
               "--without-mingle", "-n", f"{name}@%h"]
    return running(command, example_dir, env, log_name=f"{name}.log", warm=warm)




def succeeded(task_id):
    return (f"[{task_id}] succeeded",)


# --- Redis --------------------------------------------------------------------


@pytest.fixture
def redis_env(example, redis_server):
    """The example on the tests' Redis (an emptied database), with the test tasks; (env, client)."""
    import redis

    url = f"{redis_server}/7"
    client = redis.Redis.from_url(url)
    client.flushdb()
    add_test_tasks(example)
    env = example_env(CELERY_BROKER_URL=url)
    migrate(example, env=env)
    return env, client


def in_redis(client):
    """(messages waiting in the queue, messages delivered and not acknowledged)."""
    return client.llen("celery"), client.hlen("unacked")


def delivered_at(client):
    """When the one unacknowledged message was delivered, by Redis's record (a Unix time)."""
    [(_, score)] = client.zrange("unacked_index", 0, -1, withscores=True)
    return score


def task_state(example_dir, env, task_id):
    code = ("from django_celery_results.models import TaskResult; "
            f"print(TaskResult.objects.get(task_id={task_id!r}).status)")
    return shell(example_dir, code, env=env).strip()


VISIBILITY = 3  # seconds: the tests' visibility timeout, instead of an hour

# Kombu 5.7's transport options: a running worker looks for overdue messages
# every second, instead of every 100 s or so.
LOOK_EVERY_SECOND = """
CELERY_BROKER_TRANSPORT_OPTIONS.update(unacked_restore_interval=1, unacked_restore_throttle=1)
"""


def look_every_second(example_dir):
    settings = Path(example_dir) / "proj" / "settings.py"
    settings.write_text(settings.read_text() + LOOK_EVERY_SECOND)


def test_a_killed_worker_s_task_comes_back_after_the_visibility_timeout(example, redis_env):
    env, client = redis_env
    env = {**env, "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}
    look_every_second(example)
    with worker(example, env, "killed") as (process, killed):
        shell(example, "from demoapp.tasks import late_nap; late_nap.apply_async((2,), task_id='nap')", env=env)
        wait_until(lambda: count(killed, "[nap]: Napping"), "start", process=process, log=killed)
        kill(process)
    assert in_redis(client) == (0, 1)
    overdue_at = delivered_at(client) + VISIBILITY
    # The next worker looks when it starts, then every second, and takes the
    # message once it is overdue.
    with worker(example, env, "next") as (process, following):
        wait_until(lambda: count(following, "[nap] received"), "redelivery", process=process, log=following)
        redelivered_at = time.time()
        wait_until(lambda: count(following, *succeeded("nap")), "success", process=process, log=following)
    print(f"redelivered {redelivered_at - overdue_at + VISIBILITY:.1f} s after the first delivery")
    assert redelivered_at >= overdue_at
    assert in_redis(client) == (0, 0)


# What runs too long for the visibility timeout: a countdown of a task
# acknowledged early (add), or a long task acknowledged late.
COUNTDOWN = "from demoapp.tasks import add; add.apply_async((2, 2), task_id='held', countdown=5)"
LONG_TASK = "from demoapp.tasks import late_nap; late_nap.apply_async((5,), task_id='held')"


@pytest.mark.parametrize("send, visibility, runs", [
    pytest.param(COUNTDOWN, VISIBILITY, 2, id="countdown-5s-visibility-3s"),
    pytest.param(LONG_TASK, VISIBILITY, 2, id="late-ack-task-5s-visibility-3s"),
    pytest.param(COUNTDOWN, 10, 1, id="countdown-5s-visibility-10s"),
])
def test_held_longer_than_the_visibility_timeout_runs_twice(example, redis_env, send, visibility, runs):
    """Two workers, which look for overdue messages every second."""
    env, client = redis_env
    env = {**env, "CELERY_VISIBILITY_TIMEOUT": str(visibility)}
    look_every_second(example)
    with worker(example, env, "first") as (process, first), worker(example, env, "second") as (_, second):
        def runs_seen():
            return count(first, *succeeded("held")) + count(second, *succeeded("held"))

        shell(example, send, env=env)
        wait_until(lambda: runs_seen() == runs, f"{runs} runs", process=process, log=first)
        # Nothing is left in Redis to run again.
        wait_until(lambda: in_redis(client) == (0, 0), "all acknowledged")
    assert runs_seen() == runs, text(first) + text(second)
    assert count(first, "[held] received") + count(second, "[held] received") == runs


def test_soft_shutdown_gives_late_acknowledged_messages_back_at_once(example, redis_env):
    """Celery 5.5+: SIGTERM with REMAP_SIGTERM=SIGQUIT, and a soft shutdown timeout of 1 s."""
    env, client = redis_env
    soft = {**env, "REMAP_SIGTERM": "SIGQUIT", "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT": "1"}
    with worker(example, soft, "stopped", concurrency=2) as (process, stopped):
        shell(example, "from demoapp.tasks import late_nap, early_nap; "
              "late_nap.apply_async((3,), task_id='late'); early_nap.apply_async((60,), task_id='early')", env=env)
        wait_until(lambda: count(stopped, "Napping") == 2, "both naps", process=process, log=stopped)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    stop_took = time.monotonic() - signalled
    assert "Initiating Soft Shutdown, terminating in 1.0 seconds" in text(stopped)
    assert "Restoring 1 unacknowledged message(s)" in text(stopped)
    assert in_redis(client) == (1, 0)  # late_nap's message, back in the queue at once

    # The visibility timeout is an hour: the next worker runs late_nap only because it was given back.
    with worker(example, env, "next") as (process, following):
        wait_until(lambda: count(following, *succeeded("late")), "late_nap's success", process=process, log=following)
    print(f"stop took {stop_took:.1f} s; late_nap done {time.monotonic() - signalled:.1f} s after SIGTERM")
    assert time.monotonic() - signalled < 60  # far from the hour of the visibility timeout
    # early_nap had been acknowledged when it started: stopped, it is gone.
    assert "[early]" not in text(following)
    assert task_state(example, env, "early") == "RETRY"
    assert in_redis(client) == (0, 0)


def test_warm_shutdown_killed_after_the_grace_period_waits_for_the_visibility_timeout(example, redis_env):
    """Without REMAP_SIGTERM: SIGTERM waits for the task, the service manager kills the worker."""
    env, client = redis_env
    env = {**env, "CELERY_VISIBILITY_TIMEOUT": "8"}
    look_every_second(example)
    with worker(example, env, "stopped") as (process, stopped):
        shell(example, "from demoapp.tasks import late_nap; late_nap.apply_async((60,), task_id='long')", env=env)
        wait_until(lambda: count(stopped, "[long]: Napping"), "start", process=process, log=stopped)
        process.send_signal(signal.SIGTERM)
        with pytest.raises(subprocess.TimeoutExpired):  # a grace period of 3 s: the worker still waits
            process.wait(timeout=3)
        kill(process)
    assert "Warm shutdown" in text(stopped)
    assert in_redis(client) == (0, 1)
    overdue_at = delivered_at(client) + 8
    with worker(example, env, "next") as (process, following):
        wait_until(lambda: count(following, "[long] received"), "redelivery", process=process, log=following)
        assert time.time() >= overdue_at
        kill(process)


@contextmanager
def soft_shutdown(example, redis_env, timeout, nap, task_id):
    """A worker with a soft shutdown of ``timeout`` s, sent SIGTERM while it runs
    ``late_nap(nap)`` as ``task_id``; yields (process, its log, when the signal went)."""
    env, _ = redis_env
    soft = {**env, "REMAP_SIGTERM": "SIGQUIT", "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT": str(timeout)}
    with worker(example, soft, "stopped") as (process, stopped):
        shell(example, f"from demoapp.tasks import late_nap; late_nap.apply_async(({nap},), task_id={task_id!r})",
              env=env)
        wait_until(lambda: count(stopped, f"[{task_id}]: Napping"), "start", process=process, log=stopped)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        yield process, stopped, signalled


def test_soft_shutdown_waits_its_whole_timeout_while_a_task_runs(example, redis_env):
    with soft_shutdown(example, redis_env, 4, 0.5, "short") as (process, stopped, signalled):
        wait_until(lambda: count(stopped, *succeeded("short")), "success", process=process, log=stopped)
        finished = time.monotonic() - signalled
        process.wait(timeout=20)
    stop_took = time.monotonic() - signalled
    print(f"task done {finished:.1f} s after SIGTERM; worker gone after {stop_took:.1f} s")
    assert finished < 2
    assert stop_took >= 4


def test_a_third_sigquit_ends_a_soft_shutdown_at_once(example, redis_env):
    with soft_shutdown(example, redis_env, 30, 60, "long") as (process, stopped, signalled):
        wait_until(lambda: count(stopped, "Initiating Soft Shutdown"), "soft shutdown", process=process, log=stopped)
        process.send_signal(signal.SIGQUIT)
        wait_until(lambda: count(stopped, "Waiting gracefully for cold shutdown to complete"), "second signal",
                   process=process, log=stopped)
        with pytest.raises(subprocess.TimeoutExpired):  # it still waits out the timeout
            process.wait(timeout=2)
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=10)
        kill(process)  # the pool's processes, if the hard shutdown left any
    print(f"worker gone {time.monotonic() - signalled:.1f} s after SIGTERM")
    assert time.monotonic() - signalled < 20


def test_warm_shutdown_gives_a_countdown_back_at_once(example, redis_env):
    env, client = redis_env
    with worker(example, env, "stopped", warm=True) as (process, stopped):
        shell(example, COUNTDOWN, env=env)
        wait_until(lambda: count(stopped, "[held] received"), "delivery", process=process, log=stopped)
    # The block's end was a warm shutdown (SIGTERM).
    assert "Restoring 1 unacknowledged message(s)" in text(stopped)
    assert in_redis(client) == (1, 0)
    with worker(example, env, "next") as (process, following):
        wait_until(lambda: count(following, *succeeded("held")), "success", process=process, log=following)
    assert "succeeded" not in text(stopped)
    assert in_redis(client) == (0, 0)


def test_failures_and_time_limits_are_acknowledged_even_late(example, redis_env):
    """task_acks_on_failure_or_timeout is True by default: nothing comes back."""
    env, client = redis_env
    with worker(example, env, "worker", concurrency=2) as (process, log):
        shell(example, "from demoapp.tasks import late_nap, stubborn_nap; "
              "stubborn_nap.apply_async((30,), task_id='too-long', soft_time_limit=0.5, time_limit=1); "
              "late_nap.apply_async(('not a number',), task_id='failing')", env=env)
        wait_until(lambda: count(log, "Hard time limit (", "exceeded for demoapp.tasks.stubborn_nap[too-long]")
                   and count(log, "[failing] raised unexpected: TypeError"), "both failures", process=process, log=log)
        wait_until(lambda: in_redis(client) == (0, 0), "acknowledgements", log=log)
    assert task_state(example, env, "too-long") == "FAILURE"
    assert task_state(example, env, "failing") == "FAILURE"


def test_reject_on_worker_lost_runs_a_task_that_kills_its_process_again_and_again(example, redis_env):
    env, client = redis_env
    with worker(example, env, "worker") as (process, log):
        shell(example, "from demoapp.tasks import dies_rejected; dies_rejected.apply_async(task_id='oom')", env=env)
        # One run more than retry_on_worker_lost with max_retries=1 allows, below; it goes on.
        wait_until(lambda: count(log, "[oom]: Dying") >= 3, "3 runs", process=process, log=log)
        kill(process)
    assert in_redis(client)[0] + in_redis(client)[1] == 1, "the message is still there, to run again"


def test_retry_on_worker_lost_gives_up_after_max_retries(example, redis_env):
    """Celery 5.7: retry_on_worker_lost=True, max_retries=1: two runs, then FAILURE."""
    env, client = redis_env
    with worker(example, env, "worker") as (process, log):
        shell(example, "from demoapp.tasks import dies_retried; dies_retried.apply_async(task_id='oom')", env=env)
        wait_until(lambda: count(log, "Task handler raised error: WorkerLostError"), "the failure",
                   process=process, log=log)
        wait_until(lambda: in_redis(client) == (0, 0), "the acknowledgement", log=log)
    assert count(log, "[oom]: Dying") == 2, text(log)
    assert count(log, "Task demoapp.tasks.dies_retried[oom] retry: Retry in 0s: WorkerLostError") == 1, text(log)
    assert task_state(example, env, "oom") == "FAILURE"


# --- RabbitMQ -----------------------------------------------------------------

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
CONSUMER_TIMEOUT = 3  # seconds: the tests' consumer timeout, instead of 30 minutes


@contextmanager
def own_rabbitmq(folder, consumer_timeout_ms):
    """A RabbitMQ node of our own on a free port, with the given consumer timeout; yields its URL.

    channel_tick_interval is how often a channel checks for overdue
    acknowledgements: every 60 s by default, every 0.5 s here.
    """
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    # The consumer timeout as the page sets it, in rabbitmq.conf.
    (folder / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = 127.0.0.1:{port}\nconsumer_timeout = {consumer_timeout_ms}\n")
    (folder / "advanced.config").write_text("[{rabbit, [{channel_tick_interval, 500}]}].\n")
    (folder / "enabled_plugins").write_text("[].\n")
    (folder / "rabbitmq-env.conf").write_text("")
    env = dict(
        os.environ,
        HOME=str(folder),  # the node's Erlang cookie goes here
        RABBITMQ_CONF_ENV_FILE=str(folder / "rabbitmq-env.conf"),
        RABBITMQ_NODENAME=f"guide-test-{port}@localhost",
        RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
        RABBITMQ_NODE_PORT=str(port),
        RABBITMQ_DIST_PORT=str(free_port()),
        RABBITMQ_CONFIG_FILE=str(folder / "rabbitmq.conf"),
        RABBITMQ_ADVANCED_CONFIG_FILE=str(folder / "advanced.config"),
        RABBITMQ_ENABLED_PLUGINS_FILE=str(folder / "enabled_plugins"),
        RABBITMQ_MNESIA_BASE=str(folder / "mnesia"),
        RABBITMQ_LOG_BASE=str(folder / "log"),
        RABBITMQ_PID_FILE=str(folder / "node.pid"),
        ERL_EPMD_ADDRESS="127.0.0.1",
    )
    log = folder / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen([RABBITMQ_SERVER], cwd=folder, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: port_open("127.0.0.1", port), "RabbitMQ node", timeout=60, process=process, log=log)
        yield f"amqp://guest:guest@127.0.0.1:{port}//"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def short_consumer_timeout(tmp_path_factory):
    if not Path(RABBITMQ_SERVER).exists() or shutil.which("erl") is None:
        pytest.skip("RabbitMQ is not installed (Debian: apt install rabbitmq-server)")
    with own_rabbitmq(tmp_path_factory.mktemp("rabbitmq"), CONSUMER_TIMEOUT * 1000) as url:
        yield url


def rabbitmq_version(url):
    import amqp

    connection = amqp.Connection(url.split("@", 1)[1].rstrip("/"), userid="guest", password="guest")
    connection.connect()
    try:
        return connection.server_properties["version"]
    finally:
        connection.close()


def ready_messages(url, purge=False):
    """How many messages wait in the celery queue (and, with ``purge``, remove them)."""
    import amqp

    connection = amqp.Connection(url.split("@", 1)[1].rstrip("/"), userid="guest", password="guest")
    connection.connect()
    try:
        channel = connection.channel()
        waiting = channel.queue_declare("celery", passive=True).message_count
        if purge:
            channel.queue_purge("celery")
        return waiting
    finally:
        connection.close()


def test_rabbitmq_gives_a_killed_worker_s_message_back_at_once(example, short_consumer_timeout):
    url = short_consumer_timeout
    add_test_tasks(example)
    env = example_env(CELERY_BROKER_URL=url)
    migrate(example, env=env)
    with worker(example, env, "first") as (process, first):
        ready_messages(url, purge=True)
        shell(example, "from demoapp.tasks import late_nap; late_nap.apply_async((1,), task_id='nap')", env=env)
        wait_until(lambda: count(first, "[nap]: Napping"), "start", process=process, log=first)
        kill(process)
    killed_at = time.monotonic()
    wait_until(lambda: ready_messages(url) == 1, "the message back in the queue", timeout=5)
    print(f"back in the queue {time.monotonic() - killed_at:.2f} s after the kill")
    with worker(example, env, "next") as (process, following):
        wait_until(lambda: count(following, *succeeded("nap")), "success", process=process, log=following)


EARLY_LONG_TASK = "from demoapp.tasks import early_nap; early_nap.apply_async((5,), task_id='held')"
PRECONDITION_FAILED = re.compile(r"Unrecoverable error: PreconditionFailed\(406, 'PRECONDITION_FAILED - "
                                 r"delivery acknowledgement on channel \d+ timed out")


@pytest.mark.parametrize("send, closes, ran", [
    pytest.param(COUNTDOWN, True, False, id="countdown-5s"),
    pytest.param(LONG_TASK, True, True, id="late-ack-task-5s"),
    pytest.param(EARLY_LONG_TASK, False, True, id="early-ack-task-5s"),
])
def test_rabbitmq_closes_the_channel_of_a_message_held_past_the_consumer_timeout(
        example, short_consumer_timeout, send, closes, ran):
    """A consumer timeout of 3 s; a countdown, or a task, of 5 s."""
    url = short_consumer_timeout
    print("RabbitMQ", rabbitmq_version(url))
    add_test_tasks(example)
    env = example_env(CELERY_BROKER_URL=url)
    migrate(example, env=env)
    with worker(example, env, "worker") as (process, log):
        ready_messages(url, purge=True)
        shell(example, send, env=env)
        wait_until(lambda: count(log, "[held] received"), "delivery", process=process, log=log)
        if closes:
            # The worker takes the closed channel for an unrecoverable error: it
            # lets a running task finish, whose acknowledgement is lost, and exits.
            assert process.wait(timeout=CONSUMER_TIMEOUT + 10) == 1
            assert PRECONDITION_FAILED.search(text(log)), text(log)
        else:
            wait_until(lambda: count(log, *succeeded("held")), "success", process=process, log=log)
            assert "PRECONDITION_FAILED" not in text(log)
    assert bool(count(log, *succeeded("held"))) == ran
    # A closed channel puts the message back in the queue, for the next worker.
    assert ready_messages(url, purge=True) == (1 if closes else 0)
