"""Time limits and memory (docs/limits.md), each shown on a real worker.

Most tests share one worker: prefork with one pool process, on a Redis
server of the tests' own, with the global time limits shortened to SOFT and
HARD seconds and a memory limit of MEMORY_LIMIT KiB, through the
environment. Its copy of the example has one task more, CATCH_ALL:
``download_all`` without limits of its own and without its
``except SoftTimeLimitExceeded`` clause. A small web server in the test
process stands in for the servers that tasks download from: it answers at
once (/file), sends a byte every 0.1 s (/trickle), or never answers
(/silent). The pools that ignore time limits, the limit on tasks per process
and PostgreSQL's statement timeout each get a worker of their own.
"""
import json
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import CELERY, celery, copy_example, example_env, migrate, running, shell, wait_for_log
from tools.processes import child_processes

SOFT, HARD = 1, 2  # the shared worker's global limits, in seconds
MEMORY_LIMIT = 150 * 1024  # KiB; a new pool process of the example uses about half of it

CATCH_ALL = '''

@shared_task
def download_all_catching_everything(urls, folder, timeout=10):
    """download_all without limits of its own, and without its SoftTimeLimitExceeded clause."""
    for number, url in enumerate(urls):
        try:
            download(url, Path(folder) / f"{number}.download", timeout)
        except Exception:
            logger.exception("Could not download %s", url)
'''

CALLS = """
import json
from demoapp import tasks
outcomes = []
for name, args, options in {calls!r}:
    result = getattr(tasks, name).apply_async(args, **options)
    result.get(timeout=60, propagate=False)
    value = result.result if result.successful() else type(result.result).__name__
    outcomes.append([result.id, result.state, value])
print(json.dumps(outcomes))
"""


def call(example_dir, env, *calls):
    """Send each (task name, args, options) in turn, waiting for its result: [(id, state, value or exception)]."""
    return [tuple(outcome) for outcome in json.loads(shell(example_dir, CALLS.format(calls=list(calls)), env=env))]


def process_that_ran(log, task_id):
    """The name of the pool process (ForkPoolWorker-N) that logged the task's success."""
    found = re.findall(rf"/(ForkPoolWorker-\d+)\] Task \S+\[{task_id}\] succeeded", log.read_text())
    assert len(found) == 1, log.read_text()[-3000:]
    return found[0]




class Server(BaseHTTPRequestHandler):
    """/file answers at once; /trickle?seconds=N sends a byte every 0.1 s for N seconds; /silent never answers."""

    stop = threading.Event()

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/silent":
            self.stop.wait(60)
            return
        self.send_response(200)
        self.end_headers()
        if path == "/file":
            self.wfile.write(b"widget data\n")
            return
        end = time.monotonic() + float(query.partition("=")[2] or 60)
        try:
            while time.monotonic() < end and not self.stop.wait(0.1):
                self.wfile.write(b"x")
                self.wfile.flush()
        except OSError:  # the client has gone: a timeout, a time limit
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def web():
    """The stand-in web server's address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    Server.stop.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def redis_url(redis_server):
    import redis

    url = f"{redis_server}/11"
    redis.Redis.from_url(url).flushdb()
    return url


def start_worker(example_dir, env, *args, log_name="worker.log"):
    return running([CELERY, "-A", "proj", "worker", "-l", "INFO", *args], example_dir, env, log_name=log_name)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, redis_url):
    """The shared worker: (example copy, env, worker process, log)."""
    example = copy_example(tmp_path_factory.mktemp("limits") / "example")
    with open(example / "demoapp" / "tasks.py", "a") as tasks:
        tasks.write(CATCH_ALL)
    env = example_env(
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_SOFT_TIME_LIMIT=str(SOFT),
        CELERY_TASK_TIME_LIMIT=str(HARD),
        CELERY_WORKER_MAX_MEMORY_PER_CHILD=str(MEMORY_LIMIT),
        MP_LOG="1",  # the pool processes' own log lines, among them why one exits
    )
    migrate(example, env=env)
    with start_worker(example, env, "-c", "1") as (process, log):
        yield example, env, process, log


def test_inspect_stats_shows_the_limits_and_the_processes(shared):
    example, env, worker, _ = shared
    result = celery(example, "-A", "proj", "inspect", "stats", "--json", env=env)
    assert result.returncode == 0, result.stderr
    (stats,) = json.loads(result.stdout).values()
    assert stats["pool"]["timeouts"] == [SOFT, HARD]
    assert stats["pool"]["max-tasks-per-child"] == 1000  # proj/settings.py
    assert stats["pool"]["processes"] == child_processes(worker.pid)
    # ps shows the pool processes under the worker's pid, their resident memory in KiB.
    rows = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-C", "celery"], capture_output=True, text=True).stdout
    pool = {int(pid): int(rss) for pid, ppid, rss in map(str.split, rows.splitlines()) if int(ppid) == worker.pid}
    assert sorted(pool) == stats["pool"]["processes"]
    for pid, rss in pool.items():
        status = Path(f"/proc/{pid}/status").read_text()
        assert abs(rss - int(re.search(r"VmRSS:\s+(\d+) kB", status)[1])) < rss * 0.05


def test_a_server_that_never_answers_times_out(shared, web, tmp_path):
    example, env, _, log = shared
    urls = [f"{web}/silent", f"{web}/file"]
    ((task_id, state, saved),) = call(example, env, ("download_all", [urls, str(tmp_path), 1], {}))
    # urlopen() gave up after timeout=1; the task logged it and went on with the next URL.
    assert (state, saved) == ("SUCCESS", [str(tmp_path / "1.download")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.download"]
    text = log.read_text()
    assert f"download_all[{task_id}]: Could not download {web}/silent" in text
    assert "TimeoutError: timed out" in text


def test_a_tasks_own_limits_replace_the_global_ones(shared, web, tmp_path):
    example, env, _, log = shared
    # Longer than the global soft and hard limits, well within download_all's own.
    urls = [f"{web}/trickle?seconds={HARD + 0.5}"]
    start = time.monotonic()
    ((_, state, saved),) = call(example, env, ("download_all", [urls, str(tmp_path)], {}))
    assert (state, saved) == ("SUCCESS", [str(tmp_path / "0.download")])
    assert time.monotonic() - start > HARD + 0.5
    assert "time limit" not in log.read_text()


def test_the_soft_limit_lets_the_task_clean_up(shared, web, tmp_path):
    example, env, _, log = shared
    urls = [f"{web}/file", f"{web}/trickle", f"{web}/file"]
    # Limits for this call only; a timeout of half a second for each read,
    # which the trickle never reaches: only the soft limit stops it.
    ((task_id, state, error),) = call(
        example, env, ("download_all", [urls, str(tmp_path), 0.5], {"soft_time_limit": 1, "time_limit": 10}),
    )
    assert (state, error) == ("FAILURE", "SoftTimeLimitExceeded")
    # The first download is kept, the partial second one removed, the third never started.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.download"]
    text = log.read_text()
    assert f"Soft time limit (1s) exceeded for demoapp.tasks.download_all[{task_id}]" in text
    assert f"download_all[{task_id}]: Out of time after 1 of 3 downloads" in text
    assert "Could not download" not in text.split(task_id, 1)[1]


def test_a_hard_limit_alone_waits_for_the_soft_limit(shared, web, tmp_path):
    """On Redis, the hard limit's timer starts only when the soft limit (here the global 1 s) passes."""
    example, env, _, _ = shared
    ((_, state, value),) = call(
        example, env,
        ("download_all_catching_everything", [[f"{web}/trickle?seconds=0.8"], str(tmp_path)], {"time_limit": 0.3}),
    )
    assert state == "SUCCESS"  # ran 0.8 s, past its hard limit of 0.3 s
    assert (tmp_path / "0.download").read_bytes().startswith(b"xxxx")


def test_the_hard_limit_kills_the_process_and_the_worker_goes_on(shared, web, tmp_path):
    example, env, worker, log = shared
    before = child_processes(worker.pid)
    urls = [f"{web}/trickle", f"{web}/trickle"]
    (task_id, state, error), (next_id, next_state, value) = call(
        example, env,
        ("download_all_catching_everything", [urls, str(tmp_path)], {}),
        ("add", [2, 3], {}),
    )
    assert (state, error) == ("FAILURE", "TimeLimitExceeded")
    text = log.read_text()
    # The soft limit came first, and `except Exception` caught it: the loop went on.
    task = f"demoapp.tasks.download_all_catching_everything[{task_id}]"
    assert text.count(f"Soft time limit ({SOFT}.0s) exceeded for {task}") == 1  # once only
    assert f"{task}: Could not download {web}/trickle" in text
    assert "SoftTimeLimitExceeded()" in text
    assert f"Hard time limit ({HARD}.0s) exceeded for {task}" in text
    # The worker killed its process, and a new one ran the next task.
    (killed,) = before
    assert re.search(rf"Process 'ForkPoolWorker-\d+' pid:{killed} exited with 'signal", text), text[-3000:]
    assert (next_state, value) == ("SUCCESS", 5)
    assert killed not in child_processes(worker.pid)


def main_process_peak(example_dir, env):
    """rusage.maxrss of ``inspect stats``, in KiB."""
    result = celery(example_dir, "-A", "proj", "inspect", "stats", "--json", env=env)
    (stats,) = json.loads(result.stdout).values()
    return stats["rusage"]["maxrss"]


def test_the_memory_limit_replaces_the_process_after_the_task(shared):
    example, env, worker, log = shared
    before = child_processes(worker.pid)
    peak_before = main_process_peak(example, env)
    (small, _, _), (big, big_state, used), (after_id, after_state, value) = call(
        example, env,
        ("use_memory", [10], {}),
        ("use_memory", [200], {}),
        ("add", [2, 3], {}),
    )
    # The task that went past the limit ran to its end...
    assert (big_state, used) == ("SUCCESS", 200 * 1024 * 1024)
    assert (after_state, value) == ("SUCCESS", 5)
    # ... and then its process made way for a new one.
    assert process_that_ran(log, small) == process_that_ran(log, big) != process_that_ran(log, after_id)
    after = child_processes(worker.pid)
    assert len(after) == 1 and not set(after) & set(before)
    # With MP_LOG=1, the process said why it went, with its peak memory and the limit, in KiB.
    text = log.read_text()
    said = re.findall(r"WARNING/(ForkPoolWorker-\d+)\] child process exiting after exceeding memory limit "
                      r"\((\d+)KiB / (\d+)KiB\)", text)
    assert [(name, int(limit)) for name, _, limit in said] == [(process_that_ran(log, big), MEMORY_LIMIT)], text
    assert int(said[0][1]) > 200 * 1024
    assert f"child process {after[0]} calling self.run()" in text
    # inspect stats' rusage is the main process's own: the pool's 200 MB left it unchanged.
    assert main_process_peak(example, env) - peak_before < 20 * 1024


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """A copy of the example on its embedded broker, migrated, for the workers of their own."""
    example = copy_example(tmp_path_factory.mktemp("limits-embedded") / "example")
    migrate(example)
    return example


@pytest.mark.parametrize("pool", ["threads", "solo"])
def test_threads_and_solo_ignore_time_limits(embedded, web, tmp_path, pool):
    env = example_env(CELERY_TASK_SOFT_TIME_LIMIT="0.5", CELERY_TASK_TIME_LIMIT="1",
                      CELERY_WORKER_MAX_TASKS_PER_CHILD="1")
    urls = [f"{web}/trickle?seconds=1.5"]
    with start_worker(embedded, env, "--pool", pool, log_name=f"{pool}.log") as (worker, log):
        (_, state, saved), (_, next_state, _) = call(
            embedded, env,
            ("download_all", [urls, str(tmp_path)], {"soft_time_limit": 0.5, "time_limit": 1}),
            ("add", [2, 3], {}),
        )
        # The task ran to its end, in the worker's own process, and nothing said a word.
        assert (state, saved) == ("SUCCESS", [str(tmp_path / "0.download")])
        assert next_state == "SUCCESS"
        # No pool process to replace: the worker's own process ran both tasks.
        assert child_processes(worker.pid) == []
        assert worker.poll() is None
    assert "time limit" not in log.read_text().lower()


def test_max_tasks_per_child(embedded):
    env = example_env(CELERY_WORKER_MAX_TASKS_PER_CHILD="2")
    with start_worker(embedded, env, "-c", "1", log_name="max-tasks.log") as (_, log):
        outcomes = call(embedded, env, *[("add", [i, i], {}) for i in range(4)])
        assert [value for _, _, value in outcomes] == [0, 2, 4, 6]
        ran_in = [process_that_ran(log, task_id) for task_id, _, _ in outcomes]
    first, second = ran_in[0], ran_in[2]
    assert ran_in == [first, first, second, second] and first != second, ran_in


def test_a_memory_limit_below_a_new_process_replaces_it_after_every_task(embedded):
    # 200 meant as megabytes is 200 KiB: less than a new pool process uses from the start.
    env = example_env(CELERY_WORKER_MAX_MEMORY_PER_CHILD="200")
    with start_worker(embedded, env, "-c", "1", log_name="max-memory.log") as (_, log):
        outcomes = call(embedded, env, *[("add", [i, i], {}) for i in range(3)])
        ran_in = [process_that_ran(log, task_id) for task_id, _, _ in outcomes]
    assert len(set(ran_in)) == 3, ran_in
    # Without MP_LOG in its environment, the worker does not say why.
    assert "memory limit" not in log.read_text()


COUNT_WIDGETS = """
from demoapp.tasks import count_widgets
result = count_widgets.delay()
result.get(timeout=30, propagate=False)
if result.successful():
    print(result.state, result.result)
else:
    error = type(result.result)
    print(result.state, f"{error.__module__}.{error.__name__}:", result.result)
"""
SHOW = "from django.db import connection; print(connection.cursor().execute('SHOW statement_timeout').fetchone()[0])"


def test_postgresql_statement_timeout(example, postgres_url):
    import psycopg

    env = example_env(DJANGO_DATABASE_URL=postgres_url)
    migrate(example, env=env)
    assert shell(example, SHOW, env=env).strip() == "30s"
    assert shell(example, SHOW, env={**env, "DJANGO_STATEMENT_TIMEOUT": "0"}).strip() == "0"  # off
    env["DJANGO_STATEMENT_TIMEOUT"] = "1s"
    with start_worker(example, env) as (_, log):
        # Another transaction holds a lock on the table: the task's query waits for it, a second at most.
        with psycopg.connect(postgres_url) as other:
            other.execute("LOCK TABLE demoapp_widget IN ACCESS EXCLUSIVE MODE")
            start = time.monotonic()
            stuck = shell(example, COUNT_WIDGETS, env=env)
            waited = time.monotonic() - start
            other.rollback()
        cancelled = "FAILURE django.db.utils.OperationalError: canceling statement due to statement timeout"
        assert stuck.startswith(cancelled), stuck
        assert waited < 10
        wait_for_log(log, ("ERROR/ForkPoolWorker-", "raised unexpected: OperationalError"))
        # The lock is gone: the same task succeeds, in the same worker.
        assert shell(example, COUNT_WIDGETS, env=env).strip() == "SUCCESS 0"
