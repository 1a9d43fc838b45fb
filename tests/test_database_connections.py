"""What a worker does with its database connections ("Database connections in workers").

Each test runs a real worker on PostgreSQL and tells connections apart by the
server's process id for each (pg_backend_pid()), or counts the server's
connections to the test's database (pg_stat_activity). The SQLite test runs
two writers at once on the example's own database.
"""
import json
import time

import psycopg
import pytest

from conftest import (
    POSTGRES,
    copy_example,
    example_env,
    manage,
    migrate,
    port_open,
    postgres_database,
    running_worker,
    shell,
)

# Test-only tasks, added to the end of a copy's demoapp/tasks.py.
TASKS = '''

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync, sync_to_async
from django.db import close_old_connections, connection, transaction


def pid():
    """The server process behind this thread's connection (opening one if there is none)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@shared_task
def backend_pid():
    return pid()


@shared_task
def backend_pid_checked():
    close_old_connections()
    return pid()


@shared_task
def backend_pids_around_an_eager_task():
    return [pid(), backend_pid.apply().result, pid()]


executor = ThreadPoolExecutor(max_workers=1)  # one thread, alive from task to task


@shared_task
def backend_pid_in_a_thread():
    return executor.submit(pid).result()


@shared_task
def count_widgets_in_the_same_thread():
    results = []
    executor.submit(count_widgets_into, results).result()  # the example's function
    return results[0]


async def orm_from_a_coroutine():
    return Widget.objects.count()


@shared_task
def count_widgets_with_asyncio_run():
    return asyncio.run(orm_from_a_coroutine())


async def pid_async():
    return await sync_to_async(pid)()


@shared_task
def backend_pids_with_asyncio_run():
    return [pid(), asyncio.run(pid_async())]


@shared_task
def backend_pids_with_async_to_sync():
    return [pid(), async_to_sync(pid_async)()]


@shared_task
def hold_connection(seconds):
    connection.ensure_connection()
    time.sleep(seconds)


@shared_task
def read_then_write(name):
    with transaction.atomic():
        Widget.objects.count()  # SQLite: a read lock
        time.sleep(1.5)  # the other task reads too
        Widget.objects.create(name=name)  # the write lock
'''


def add_tasks(example):
    with open(example / "demoapp" / "tasks.py", "a") as tasks:
        tasks.write(TASKS)


def add_settings(example, settings):
    """Settings a reader would add at the end of proj/settings.py."""
    with open(example / "proj" / "settings.py", "a") as file:
        file.write(f"\n{settings}\n")


def without_startup_check(example):
    """Drop the example's own start-up check (proj/checks.py), which a reader's project does not have.

    It queries the database from the worker's main process, so that process
    would hold a connection of its own and add one to every count.
    """
    celery_py = example / "proj" / "celery.py"
    celery_py.write_text(celery_py.read_text().replace("from . import checks", ""))


def server_pids(url):
    """The server processes connected to the URL's database, one per connection."""
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (url.rsplit("/", 1)[1],))
        return {pid for (pid,) in rows}


def settles(check, timeout=5):
    """Whether ``check()`` becomes true within the timeout (a closed connection leaves in a moment)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def run(worker, code):
    """Run code in ``manage.py shell`` next to the worker, with the tasks imported; what it printed, from JSON."""
    example, env, _, _ = worker
    return json.loads(shell(example, f"import json\nfrom demoapp.tasks import *\n{code}", env=env))


def postgres_or_skip():
    if not port_open(*POSTGRES):
        pytest.skip("no PostgreSQL on 127.0.0.1:5432: install and start it (Debian: apt install postgresql)")


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """One worker (prefork, one process) with CONN_MAX_AGE = 600, for the tests that compare backend pids."""
    postgres_or_skip()
    example = copy_example(tmp_path_factory.mktemp("shared") / "example")
    add_tasks(example)
    add_settings(example, 'DATABASES["default"]["CONN_MAX_AGE"] = 600')
    with postgres_database() as url:
        env = example_env(DJANGO_DATABASE_URL=url)
        migrate(example, env=env)
        with running_worker(example, env=env, args=("-l", "INFO", "-c", "1")) as log:
            yield example, env, url, log


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A migrated PostgreSQL database, shared by the tests that start a worker of their own."""
    postgres_or_skip()
    example = copy_example(tmp_path_factory.mktemp("migrate") / "example")
    with postgres_database() as url:
        manage(example, "migrate", env=example_env(DJANGO_DATABASE_URL=url))
        yield url


@pytest.fixture
def project(example, database):
    """A copy of the example with the test tasks, on the shared database: (folder, environment, URL)."""
    add_tasks(example)
    return example, example_env(DJANGO_DATABASE_URL=database), database


def test_each_task_gets_a_new_connection(worker):
    pids = run(worker, "print(json.dumps([backend_pid.delay().get(timeout=10) for _ in range(3)]))")
    assert len(set(pids)) == 3  # CONN_MAX_AGE = 600 notwithstanding
    assert not server_pids(worker[2]) & set(pids[:2])  # the earlier ones are closed, not kept


def test_eager_tasks_keep_the_callers_connection(worker):
    # In the worker: a task run with apply() inside another leaves its connection open.
    in_worker = run(worker, "print(json.dumps(backend_pids_around_an_eager_task.delay().get(timeout=10)))")
    assert len(set(in_worker)) == 1
    # Outside a worker, Celery closes nothing.
    outside = run(worker, "print(json.dumps([pid(), backend_pid.apply().result, pid()]))")
    assert len(set(outside)) == 1


def test_a_thread_keeps_its_connection_until_it_closes_it(worker):
    first, second = run(worker, "print(json.dumps([backend_pid_in_a_thread.delay().get(timeout=10) "
                                "for _ in range(2)]))")
    assert first == second  # one connection from task to task: Celery never closed it
    assert first in server_pids(worker[2])  # still open between tasks
    # The example's thread function closes it, in the same thread.
    assert run(worker, "print(count_widgets_in_the_same_thread.delay().get(timeout=10))") == 0
    assert settles(lambda: first not in server_pids(worker[2]))
    # And the example's task, which runs it in a thread of its own, works.
    assert run(worker, "print(count_widgets_in_a_thread.delay().get(timeout=10))") == 0


def test_async_code_in_a_task(worker):
    _, _, url, log = worker
    # The ORM called from a coroutine: Django refuses.
    failed = run(worker, "result = count_widgets_with_asyncio_run.delay().get(timeout=10, propagate=False)\n"
                         "print(json.dumps(type(result).__name__))")
    assert failed == "SynchronousOnlyOperation"
    assert ("raised unexpected: SynchronousOnlyOperation('You cannot call this from an async context "
            "- use a thread or sync_to_async.')") in log.read_text()
    # Through sync_to_async under asyncio.run(): a connection that is not the task's, and outlives it.
    (task_1, coroutine_1), (_, coroutine_2) = run(
        worker, "print(json.dumps([backend_pids_with_asyncio_run.delay().get(timeout=10) for _ in range(2)]))")
    assert coroutine_1 == coroutine_2 != task_1
    assert coroutine_1 in server_pids(url)
    # Under async_to_sync(): the task's own connection.
    task, coroutine = run(worker, "print(json.dumps(backend_pids_with_async_to_sync.delay().get(timeout=10)))")
    assert task == coroutine
    # The example's task.
    assert run(worker, "print(count_widgets_from_async_code.delay().get(timeout=10))") == 0


def test_db_reuse_max_keeps_connections_for_that_many_tasks(project):
    example, env, _ = project
    # CONN_MAX_AGE is left at 0: Celery does not look at it either way.
    add_settings(example, "CELERY_DB_REUSE_MAX = 2")
    with running_worker(example, env=env, args=("-l", "INFO", "-c", "1")):
        pids = json.loads(shell(example, "import json\nfrom demoapp.tasks import backend_pid\n"
                                         "print(json.dumps([backend_pid.delay().get(timeout=10) for _ in range(4)]))",
                                env=env))
    assert pids[0] == pids[1] != pids[2] == pids[3]


DROPPED = """
import json
from django.db import connection
from demoapp.tasks import backend_pid, backend_pid_checked

def drop(pid):  # what a server restart or an idle timeout does to a connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

def run(task):  # the connection's pid, or the error
    result = task.delay().get(timeout=10, propagate=False)
    return result if isinstance(result, int) else repr(result)

outcomes = [run(backend_pid)]
drop(outcomes[0])
outcomes += [run(backend_pid), run(backend_pid), run(backend_pid_checked), run(backend_pid_checked)]
drop(outcomes[-1])
outcomes.append(run(backend_pid_checked))
print(json.dumps(outcomes))
"""


@pytest.mark.parametrize("settings, outcomes", [
    # Tasks that call close_old_connections() first get a working connection, and keep a healthy one.
    ('DATABASES["default"]["CONN_MAX_AGE"] = 600\nDATABASES["default"]["CONN_HEALTH_CHECKS"] = True',
     "a error error b b c"),
    # Without health checks, Django does not notice the second drop.
    ('DATABASES["default"]["CONN_MAX_AGE"] = 600', "a error error b b error"),
    # With CONN_MAX_AGE at 0, close_old_connections() closes every connection: nothing is kept.
    ('DATABASES["default"]["CONN_HEALTH_CHECKS"] = True', "a error error b c d"),
])
def test_a_kept_connection_that_the_server_dropped(project, settings, outcomes):
    example, env, _ = project
    add_settings(example, f"CELERY_DB_REUSE_MAX = 10\n{settings}")
    with running_worker(example, env=env, args=("-l", "INFO", "-c", "1")) as log:
        results = json.loads(shell(example, DROPPED, env=env))
    # Nothing checks a kept connection: the tasks that use it after the drop fail,
    # and so does storing their results, on the same connection.
    errors = {r for r in results if isinstance(r, str)}
    assert errors == {"OperationalError('the connection is closed')"}
    assert "OperationalError: terminating connection due to administrator command" in log.read_text()
    assert "Task handler raised error: OperationalError('the connection is closed')" in log.read_text()
    # The connections, a letter each in order of appearance, and the failures.
    letters = {}
    for r in results:
        if isinstance(r, int):
            letters.setdefault(r, "abcdef"[len(letters)])
    assert " ".join(letters.get(r, "error") for r in results) == outcomes


@pytest.mark.parametrize("pool, connection_pool, while_running, afterwards", [
    ("prefork", False, 4, 0),
    ("prefork", True, 16, 0),  # each task opens a connection pool of its own, of 4 connections
    ("threads", False, 4, 0),
    ("threads", True, 4, 4),  # one connection pool, shared by the threads and kept
])
def test_connections_of_a_worker_running_four_tasks(project, pool, connection_pool, while_running, afterwards):
    example, env, url = project
    without_startup_check(example)
    if connection_pool:
        add_settings(example, 'DATABASES["default"]["OPTIONS"] = {"pool": True}')
    with running_worker(example, env=env, args=("-l", "INFO", "-c", "4", "--pool", pool)) as log:
        shell(example, "from demoapp.tasks import hold_connection\n"
                       "for _ in range(4): hold_connection.delay(3)", env=env)  # sends, and uses no connection
        peak = 0
        deadline = time.monotonic() + 20
        while log.read_text().count("succeeded in") < 4 and time.monotonic() < deadline:
            peak = max(peak, len(server_pids(url)))
            time.sleep(0.1)
        assert peak == while_running
        assert settles(lambda: len(server_pids(url)) == afterwards)
        time.sleep(0.5)
        assert len(server_pids(url)) == afterwards


TWO_WRITERS = """
from celery import group
from demoapp.tasks import read_then_write

results = group(read_then_write.s(str(i)) for i in range(2)).delay().get(timeout=30, propagate=False)
print(sum(isinstance(r, Exception) for r in results))
"""


@pytest.mark.parametrize("settings, failures", [
    ("", 0),  # the example's settings: transaction_mode "IMMEDIATE", timeout 20
    ('DATABASES["default"]["OPTIONS"].pop("transaction_mode")', 1),  # SQLite's default: DEFERRED
])
def test_two_sqlite_writers_at_once(example, settings, failures):
    add_tasks(example)
    add_settings(example, settings)
    migrate(example)
    with running_worker(example, args=("-l", "INFO", "-c", "2")) as log:
        started = time.monotonic()
        output = shell(example, TWO_WRITERS)
        took = time.monotonic() - started
    assert int(output) == failures
    if failures:
        assert took < 15  # at once, not after the 20 s timeout
    assert log.read_text().count("raised unexpected: OperationalError('database is locked')") == failures
