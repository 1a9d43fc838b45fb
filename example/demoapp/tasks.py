# [start-arithmetic]
from celery import shared_task


@shared_task
def add(x, y):
    return x + y


@shared_task
def mul(x, y):
    return x * y


@shared_task
def xsum(numbers):
    return sum(numbers)
# [end-arithmetic]


# [start-clear-sessions]
from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_sessions():
    # Django keeps expired sessions in the database until this command runs.
    call_command("clearsessions")
# [end-clear-sessions]


# [start-model-tasks]
from celery import shared_task
from celery.utils.log import get_task_logger

from demoapp.models import Widget

logger = get_task_logger(__name__)
# [end-model-tasks]


@shared_task
def count_widgets():
    return Widget.objects.count()


# Pass the primary key, not the Widget: the task loads the current row.
@shared_task
def rename_widget(widget_id, name):
    w = Widget.objects.get(id=widget_id)
    w.name = name
    w.save()


# [start-announce-widget]
@shared_task
def announce_widget(widget_id):
    # Raises Widget.DoesNotExist if the row is not committed yet.
    widget = Widget.objects.get(id=widget_id)
    # A real project would send an e-mail or call a web hook here.
    logger.info("New widget: %s", widget.name)
    return f"announced {widget.name}"
# [end-announce-widget]


# [start-explicit-name]
# An explicit name stays the same wherever the function lives or however its
# module is imported, so other code can send it by name.
@shared_task(name="demoapp.create_widget")
def create_widget(name):
    return Widget.objects.create(name=name).id
# [end-explicit-name]


# [start-retries]
class TemporaryError(Exception):
    """A failure that may not happen again: a timeout, a busy server."""


def call_service(attempt, failures):
    """Stand-in for another service that fails `failures` times, then answers."""
    if attempt < failures:
        raise TemporaryError(f"attempt {attempt + 1} failed")
    return f"answered on attempt {attempt + 1}"


@shared_task(
    bind=True,  # the task gets `self`, and with it self.request
    autoretry_for=(TemporaryError,),  # retry when one of these is raised
    retry_backoff=True,  # wait up to 1 s, 2 s, 4 s... between attempts
    max_retries=3,  # then fail with the last error
)
def ask_service(self, failures):
    return call_service(self.request.retries, failures)
# [end-retries]


# [start-retry-by-hand]
@shared_task(bind=True, max_retries=3)
def ask_service_by_hand(self, failures):
    try:
        return call_service(self.request.retries, failures)
    except TemporaryError as exc:
        # Choose the wait yourself, e.g. from the service's Retry-After header.
        raise self.retry(exc=exc, countdown=0.5) from exc
# [end-retry-by-hand]


# [start-reliable]
# Safe to run twice, so it may be acknowledged late: its message stays with
# the broker until the task has run, and a worker that dies mid-task leaves
# it for another worker (reject_on_worker_lost: even if only the process
# running it died). The price is that such a task can run twice.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def record_work(key):
    # The key names the work: a second run finds its row and does nothing.
    # In your own model, make the field unique so the database refuses a copy.
    _, created = Widget.objects.get_or_create(name=f"work-{key}")
    return created  # False: an earlier run had already done the work
# [end-reliable]


# [start-thread-connections]
import threading

from celery import shared_task
from django.db import connections


def count_widgets_into(results):
    try:
        results.append(Widget.objects.count())
    finally:
        # This thread's connections are its own: Celery closes only those of
        # the thread that runs the task. Close them when the work is done.
        connections.close_all()


@shared_task
def count_widgets_in_a_thread():
    results = []
    thread = threading.Thread(target=count_widgets_into, args=(results,))
    thread.start()
    thread.join()
    return results[0]
# [end-thread-connections]


# [start-async-orm]
from asgiref.sync import async_to_sync
from celery import shared_task


async def count_widgets_async():
    # Django's async ORM methods (acount, aget, ...) run the query in a thread.
    return await Widget.objects.acount()


@shared_task
def count_widgets_from_async_code():
    # Not asyncio.run(): with async_to_sync, the queries run in the task's own
    # thread, on the connection that Celery closes after the task.
    return async_to_sync(count_widgets_async)()
# [end-async-orm]


# [start-time-limits]
import shutil
import urllib.request
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


def download(url, path, timeout):
    """Save what the URL returns as path, or leave no file at all."""
    partial = Path(f"{path}.part")
    try:
        # timeout= bounds each wait for the server, to connect and for each
        # read, not the whole download.
        with urllib.request.urlopen(url, timeout=timeout) as response, partial.open("wb") as file:
            shutil.copyfileobj(response, file)
        partial.replace(path)
    finally:
        # After an error, or SoftTimeLimitExceeded: no half-written file.
        partial.unlink(missing_ok=True)


# This task's own limits, instead of the global ones.
@shared_task(soft_time_limit=60, time_limit=90)
def download_all(urls, folder, timeout=10):
    saved = []
    for number, url in enumerate(urls):
        path = Path(folder) / f"{number}.download"
        try:
            download(url, path, timeout)
        except SoftTimeLimitExceeded:
            # Out of time: stop here, and fail. Without this clause, the next
            # one would catch it too, and the loop would go on.
            logger.warning("Out of time after %d of %d downloads", len(saved), len(urls))
            raise
        except Exception:
            # Anything else: log it, and go on with the next URL.
            logger.exception("Could not download %s", url)
        else:
            saved.append(str(path))
    return saved
# [end-time-limits]


# Example only: the tests of the memory limit (docs/limits.md) use this
# stand-in for a task that needs a lot of memory for a moment, such as a big
# query result, a file read whole or an image. It frees it as it returns.
@shared_task
def use_memory(megabytes):
    data = bytearray(megabytes * 1024 * 1024)
    return len(data)


# [start-report-task]
from celery import shared_task

from demoapp.models import Widget


@shared_task
def widget_report():
    # Stands for a slow task: proj/settings.py sends it to the "reports" queue.
    return sorted(Widget.objects.values_list("name", flat=True))
# [end-report-task]


# [start-task-failure]
import logging

from celery.signals import task_failure

alerts = logging.getLogger("demoapp.alerts")


# The worker calls this for each task that fails for good (a retry is not a
# failure). Call your error tracker here; the example logs one line.
@task_failure.connect
def alert_on_failure(sender, task_id, exception, **kwargs):
    alerts.error("%s[%s] failed: %r", sender.name, task_id, exception)
# [end-task-failure]
