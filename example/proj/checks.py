"""Stop the worker with one clear line when it cannot work, and say in one
line when it receives a task it does not know.

Without these checks a worker whose broker is down retries forever, and one
started before ``migrate`` logs a traceback for every task it runs.
"""
import logging
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
    if "django_celery_results_taskresult" not in tables:
        return "the results table does not exist: run `python manage.py migrate` first."
    return None


@worker_init.connect
def check_before_start(sender=None, **kwargs):
    problem = broker_problem(sender.app) or results_table_problem()
    if problem:
        print(f"Error: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(1)


class ShortUnknownTaskReport(logging.Filter):
    """A task the worker does not know, in one line instead of twenty and a traceback."""

    def filter(self, record):
        if str(record.msg).startswith("Received unregistered task of type %s."):
            record.msg = (
                "Received unregistered task of type %s: discarded, its result marked FAILURE. "
                "Check the name, that the worker imports the module defining it (an app's "
                "tasks.py), and restart the worker after adding a task."
            )
            record.args = record.args[:1]
            record.exc_info = record.exc_text = None
        return True


logging.getLogger("celery.worker.consumer.consumer").addFilter(ShortUnknownTaskReport())
