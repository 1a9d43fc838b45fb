"""What Celery's Django support does with a worker's database connections, on PostgreSQL.

troubleshooting.md says that each task starts on a fresh connection, whatever
CONN_MAX_AGE says, unless CELERY_DB_REUSE_MAX is set. The server's own
process id for the connection (pg_backend_pid()) tells one connection from
another.
"""
import pytest

from conftest import example_env, manage, running_worker, shell

BACKEND_PID_TASK = '''

@shared_task
def backend_pid():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
'''


@pytest.mark.parametrize("extra_settings, connections", [
    ('DATABASES["default"]["CONN_MAX_AGE"] = 600', 3),  # persistent connections asked for: closed anyway
    ('DATABASES["default"]["CONN_MAX_AGE"] = 600\nCELERY_DB_REUSE_MAX = 10', 1),
])
def test_each_task_gets_a_new_connection(example, postgres_url, extra_settings, connections):
    with open(example / "demoapp" / "tasks.py", "a") as tasks:
        tasks.write(BACKEND_PID_TASK)
    with open(example / "proj" / "settings.py", "a") as settings:
        settings.write(f"\n{extra_settings}\n")
    env = example_env(DJANGO_DATABASE_URL=postgres_url)
    manage(example, "migrate", env=env)
    with running_worker(example, env=env, args=("-l", "INFO", "-c", "1")):
        pids = shell(example, "from demoapp.tasks import backend_pid\n"
                              "print(len({backend_pid.delay().get(timeout=10) for _ in range(3)}))", env=env)
    assert int(pids) == connections
