"""Stop the example's worker with one clear line when it cannot work.

Without these checks a worker whose broker is down retries forever, and one
started before ``migrate`` logs a traceback for every task it runs. They are
the example's own; Celery's messages are left as Celery writes them.
"""
import sys

from celery.signals import worker_init

from proj.env import masked


def one_line(exc):
    """An error's message on one line, ending like a sentence."""
    text = " ".join(str(exc).split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def broker_problem(app):
    """Try the broker once, quickly; describe the failure, or return None."""
    with app.connection_for_write() as conn:
        try:
            conn.ensure_connection(max_retries=1, timeout=3)
        except Exception as exc:  # each transport raises its own errors
            return (
                f"cannot reach the broker at {masked(conn.as_uri())}: {one_line(exc)} "
                "Is the server running, and is CELERY_BROKER_URL right?"
            )
    return None


def results_table_problem():
    """Whether django-celery-results' table exists, or what is wrong."""
    from django.db import connection
    from django.db.utils import Error

    try:
        tables = connection.introspection.table_names()
    except Error as exc:
        return f"cannot open the database: {one_line(exc)} Is DATABASES (or DJANGO_DATABASE_URL) right?"
    finally:
        connection.close()  # the worker's main process runs no task: keep no connection
    if "django_celery_results_taskresult" not in tables:
        return "the results table does not exist: run `python manage.py migrate` first."
    return None


@worker_init.connect
def check_before_start(sender=None, **kwargs):
    problem = broker_problem(sender.app) or results_table_problem()
    if problem:
        print(f"Error: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(1)
