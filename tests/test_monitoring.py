"""What docs/monitoring.md says, on real workers, a real Redis and a real Flower.

* ``inspect ping``: status 0 when the worker answers, 69 when none does, and
  still 0 while the worker's only process is stuck in a task; the queue grows
  meanwhile, as ``manage.py queue_length`` (and ``redis-cli llen``) show.
* A task's log line carries its name and ID; a plain logger's does not.
* The example's ``task_failure`` handler: once per failure, in the pool
  process, not on a retry; twice, from the main process, at a hard time limit.
* Task events and Flower, started with the page's command: 401 without the
  password; with it, the worker and the tasks with every event (a task sent
  before Flower started has no ``task-sent``); read-only; ``/metrics`` open.
  Without the events setting, Flower turns events on itself; on the embedded
  broker, a stopped Flower leaves a queue that fills with events.
* ``celery report`` and ``celery inspect conf`` print CELERY_BROKER_URL with
  its password; piped through the page's ``sed``, they do not.
"""
import base64
import contextlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import (
    REDIS_MISSING,
    REDIS_PASSWORD,
    ROOT,
    database_write_lock,
    example_env,
    free_port,
    manage,
    migrate,
    missing,
    own_redis,
    running,
    running_worker,
    shell,
    wait_for_log,
    wait_until,
)
from tools.pages import DOCS, blocks

PAGE = DOCS / "monitoring.md"
FLOWER_AUTH = "admin:a-password-for-the-tests"
NO_REPLY = 69  # EX_UNAVAILABLE: `celery inspect` got no answer


def page_command(start):
    """The page's one console command that starts with ``start``."""
    found = [command for block in blocks(PAGE) if block.kind == "console"
             for command, _ in block.commands() if command.startswith(start)]
    assert len(found) == 1, f"{start!r}: {found}"
    return found[0]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A Redis of this module's own: Flower's and the workers' events reach no other test."""
    if shutil.which("redis-server") is None:
        missing(REDIS_MISSING)
    with own_redis(tmp_path_factory.mktemp("redis")) as port:
        yield f"redis://127.0.0.1:{port}"


def shell_env(**variables):
    """The example's environment for commands typed as the page shows them: celery, python on PATH."""
    return example_env(PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}", **variables)


def redis_env(redis_url, db):
    return shell_env(CELERY_BROKER_URL=f"{redis_url}/{db}")


def bash(command, cwd, env, timeout=60):
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)




# --- Health checks -------------------------------------------------------------


def queue_length(example, env, *queues):
    return manage(example, "queue_length", *queues, env=env).stdout.strip()


def llen(redis_url, db, queue):
    port = redis_url.rsplit(":", 1)[1]
    result = subprocess.run(["redis-cli", "-p", port, "-n", str(db), "llen", queue],
                            capture_output=True, text=True, check=True)
    return int(result.stdout)


def test_ping_answers_while_the_queue_grows_behind_a_stuck_task(example, redis_url):
    env = redis_env(redis_url, 1)
    migrate(example, env)
    ping = page_command("celery -A proj inspect ping -d")
    nobody = bash(ping, example, env)
    assert nobody.returncode == NO_REPLY, nobody.stdout + nobody.stderr
    assert "Error: No nodes replied within time constraint" in nobody.stderr
    with running_worker(example, env, args=("-l", "INFO", "-c", "1")) as log:
        assert bash(ping, example, env).returncode == 0
        with database_write_lock(example):
            # record_work is acknowledged late: the one running keeps its message
            # from the queue, and the worker's only process takes nothing more.
            shell(example, "from demoapp.tasks import record_work\n"
                           "for key in range(4): record_work.apply_async((key,), task_id=f'stuck-{key}')", env=env)
            wait_for_log(log, "Task demoapp.tasks.record_work[stuck-0] received")
            answer = bash(ping, example, env)
            assert answer.returncode == 0, answer.stdout + answer.stderr
            assert "pong" in answer.stdout
            assert queue_length(example, env) == "celery: 3"
            assert llen(redis_url, 1, "celery") == 3
        for key in range(4):
            wait_for_log(log, f"Task demoapp.tasks.record_work[stuck-{key}] succeeded")
        assert queue_length(example, env, "celery") == "celery: 0"
    # A task sent with a priority waits in a list of its own: the command counts it, llen does not.
    shell(example, "from demoapp.tasks import add; add.apply_async((1, 1), priority=5)", env=env)
    assert queue_length(example, env) == "celery: 1"
    assert llen(redis_url, 1, "celery") == 0


# --- Logs and failures ---------------------------------------------------------

PLAIN_LOGGER_TASK = '''

import logging as plain_logging


@shared_task
def log_plainly():
    plain_logging.getLogger("demoapp.plain").warning("A plain logger's line")


@shared_task
def run_for(seconds):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            time.sleep(0.05)
        except Exception:  # the soft time limit: go on, until the hard one
            pass
'''
RUN_THEM = """
import json
from demoapp.models import Widget
from demoapp.tasks import announce_widget, ask_service_by_hand, log_plainly
ids = {}
widget = Widget.objects.create(name="gear")
result = announce_widget.delay(widget.id)
ids["announced"] = result.id
result.get(timeout=10)
log_plainly.delay().get(timeout=10)
result = announce_widget.delay(0)
ids["failed"] = result.id
result.get(timeout=10, propagate=False)
result = ask_service_by_hand.delay(1)
ids["retried"] = result.id
assert result.get(timeout=10) == "answered on attempt 2"
result = ask_service_by_hand.delay(5)
ids["out_of_retries"] = result.id
result.get(timeout=20, propagate=False)
print(json.dumps(ids))
"""
STAMP = r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: "


def test_task_log_lines_and_the_failure_handler(example, redis_url):
    env = redis_env(redis_url, 2)
    with open(example / "demoapp" / "tasks.py", "a") as f:
        f.write(PLAIN_LOGGER_TASK)
    migrate(example, env)
    with running_worker(example, env, args=("-l", "INFO", "-c", "1")) as log:
        ids = json.loads(shell(example, RUN_THEM, env=env, timeout=60).strip().splitlines()[-1])
        # A task stopped at its hard time limit (the soft one first: the worker
        # starts the hard one's clock when the soft one fires).
        send = "print(run_for.apply_async((10,), soft_time_limit=0.5, time_limit=1).id)"
        stopped = shell(example, f"from demoapp.tasks import run_for\n{send}", env=env).strip()
        wait_for_log(log, f"Hard time limit (1s) exceeded for demoapp.tasks.run_for[{stopped}]")
        wait_for_log(log, "exited with 'signal 9 (SIGKILL)'")
        text = log.read_text()

    # get_task_logger: the default CELERY_WORKER_TASK_LOG_FORMAT, with the task's name and ID.
    announced = re.escape(ids["announced"])
    assert re.search(rf"^{STAMP}INFO/ForkPoolWorker-\d+\] demoapp\.tasks\.announce_widget\[{announced}\]: "
                     r"New widget: gear$", text, re.M), text
    # logging.getLogger(): the worker's general format, without them.
    assert re.search(rf"^{STAMP}WARNING/ForkPoolWorker-\d+\] A plain logger's line$", text, re.M), text

    def alerts(task_id):
        return re.findall(rf"^{STAMP}ERROR/([\w-]+)\] [\w.]+\[{re.escape(task_id)}\] failed: (.*)$", text, re.M)

    # Once per failure, in the pool process, before the worker's own line.
    [(process, message)] = alerts(ids["failed"])
    assert process.startswith("ForkPoolWorker-")
    assert message == "DoesNotExist('Widget matching query does not exist.')"
    own_line = f"Task demoapp.tasks.announce_widget[{ids['failed']}] raised unexpected: DoesNotExist"
    assert text.index(f"[{ids['failed']}] failed:") < text.index(own_line)
    # A retry is not a failure; running out of retries is.
    assert f"Task demoapp.tasks.ask_service_by_hand[{ids['retried']}] retry:" in text
    assert alerts(ids["retried"]) == []
    assert [message for _, message in alerts(ids["out_of_retries"])] == ["TemporaryError('attempt 4 failed')"]
    # The hard time limit: from the worker's main process, and (Celery 5.7) twice.
    assert alerts(stopped) == [("MainProcess", "TimeLimitExceeded(1)")] * 2, "once now? update the guide"


# --- Events and Flower -----------------------------------------------------------


def http(url, auth=None, method="GET", body=None):
    """(status, text) of a request to a local server, with basic auth if given."""
    request = urllib.request.Request(url, method=method, data=body)
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    if body is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def listening_addresses(port):
    """The addresses that listen on a TCP port, in the kernel's hex notation (/proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


LOOPBACK = "0100007F"  # 127.0.0.1
EVERYWHERE = {"00000000", "0" * 32}  # 0.0.0.0 and ::


def flower(example, env, command):
    """Flower started with ``command``, as a reader's shell starts it; yields its port."""
    port = free_port()
    env = dict(env, FLOWER_BASIC_AUTH=FLOWER_AUTH, FLOWER_PORT=str(port))
    return port, running(["bash", "-c", f"exec {command}"], example, env, ready="Visit me at",
                         log_name="flower.log", group=True)


def test_flower_with_a_password_shows_workers_and_tasks(example, redis_url):
    env = redis_env(redis_url, 3)
    migrate(example, env)
    send = "from demoapp.tasks import add; print(add.delay(2, 3).id)"
    before = shell(example, send, env=env).strip()  # waits in the queue; no monitor yet
    port, flower_running = flower(example, env, page_command("celery -A proj flower"))
    base = f"http://127.0.0.1:{port}"
    with flower_running:
        assert listening_addresses(port) == {LOOPBACK}
        assert http(f"{base}/api/workers")[0] == 401
        assert http(f"{base}/api/tasks", auth="admin:wrong")[0] == 401

        def tasks():
            status, text = http(f"{base}/api/tasks", auth=FLOWER_AUTH)
            assert status == 200, text
            return json.loads(text)

        # No worker yet: the task-sent event shows a task waiting in the queue.
        after = shell(example, send, env=env).strip()
        waiting = wait_until(lambda: tasks().get(after), "task-sent event in Flower")
        assert (waiting["state"], waiting["args"]) == ("PENDING", "(2, 3)")
        assert waiting["sent"] and not waiting["received"]
        assert before not in tasks()

        with running_worker(example, env) as log:
            assert "task events: ON" in log.read_text()
            done = wait_until(lambda: all(tasks().get(i, {}).get("state") == "SUCCESS" for i in (before, after))
                              and tasks(), "both tasks done in Flower")
            # Every event of the task sent while Flower ran; the other one's task-sent was never kept.
            assert all(done[after][event] for event in ("sent", "received", "started", "succeeded"))
            assert done[after]["result"] == "5"
            assert done[before]["sent"] is None and done[before]["received"]

            status, text = http(f"{base}/api/workers?refresh=1", auth=FLOWER_AUTH)
            assert status == 200 and any(name.startswith("celery@") for name in json.loads(text)), text
            # --read-only: no task run through Flower.
            status, _ = http(f"{base}/api/task/async-apply/demoapp.tasks.add", auth=FLOWER_AUTH, method="POST",
                             body=b'{"args": [1, 2]}')
            assert status == 403
        # /metrics needs no password, and names the tasks.
        status, metrics = http(f"{base}/metrics")
        assert status == 200 and 'task="demoapp.tasks.add"' in metrics
        assert http(f"{base}/healthcheck") == (200, "OK")


def test_flower_turns_events_on_and_a_stopped_one_fills_the_embedded_broker(example):
    settings = example / "proj" / "settings.py"
    text = settings.read_text()
    assert "CELERY_WORKER_SEND_TASK_EVENTS = True\n" in text
    settings.write_text(text.replace("CELERY_WORKER_SEND_TASK_EVENTS = True\n",
                                     "CELERY_WORKER_SEND_TASK_EVENTS = False\n"))
    env = shell_env()  # the embedded broker
    migrate(example, env)
    messages = example / ".broker" / "messages"
    with running_worker(example, env) as log:
        assert "task events: OFF" in log.read_text()
        port, flower_running = flower(example, env, "celery -A proj flower")
        with flower_running:
            # Without --address, Flower listens on every interface.
            assert listening_addresses(port) & EVERYWHERE, listening_addresses(port)
            wait_for_log(log, "Events of group {task} enabled by remote.", timeout=15)
        # The stopped Flower's queue stays, and the worker's events (its
        # heartbeat, every two seconds) pile up in it as files.
        wait_until(lambda: len(list(messages.glob("*.celeryev.*.msg"))) >= 2, "events left for a stopped Flower")


# --- Reports -------------------------------------------------------------------


@pytest.mark.parametrize("start", ["celery -A proj report |", "celery -A proj inspect conf |"])
def test_the_pages_pipeline_hides_the_password(example, redis_with_password, start):
    url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_with_password}/0"
    env = shell_env(CELERY_BROKER_URL=url)
    piped = page_command(start)
    plain = piped.partition(" | ")[0]
    migrate(example, env)
    # inspect conf asks a running worker; report needs none.
    with running_worker(example, env) if "inspect" in plain else contextlib.nullcontext():
        shown, shared = bash(plain, example, env), bash(piped, example, env)
    assert shown.returncode == 0 and shared.returncode == 0, shown.stderr + shared.stderr
    assert re.search(rf"CELERY_BROKER_URL.*redis://:{REDIS_PASSWORD}@", shown.stdout), shown.stdout
    assert REDIS_PASSWORD not in shared.stdout + shared.stderr
    assert re.search(rf"CELERY_BROKER_URL.*redis://:\*\*\*\*@127\.0\.0\.1:{redis_with_password}/0", shared.stdout)


def test_the_page_installs_the_tested_flower():
    pinned = re.search(r"^flower==(\S+)$", (ROOT / "requirements" / "dev.txt").read_text(), re.M).group(1)
    assert page_command("python -m pip install flower") == f"python -m pip install flower=={pinned}"
    assert importlib.metadata.version("flower") == pinned
    assert f"flower=={pinned}\n" in (ROOT / "requirements" / "constraints.txt").read_text()
