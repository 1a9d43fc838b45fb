"""Periodic tasks, run for real: the guide's schedule, beat with the database scheduler, a worker."""
import time
from contextlib import contextmanager

from conftest import CELERY, manage, migrate, running, running_worker, shell, wait_for_log

DATABASE_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
SCHEDULE = (
    "from django_celery_beat.models import PeriodicTask; "
    "print([(t.name, t.task, str(t.interval)) for t in PeriodicTask.objects.filter(interval__isnull=False)])"
)


@contextmanager
def running_beat(example_dir, *args):
    """``celery -A proj beat`` as the guide starts it, until the block ends; yields the log path."""
    command = [CELERY, "-A", "proj", "beat", "-l", "INFO", *args]
    with running(command, example_dir, ready="beat: Starting...", log_name="beat.log") as (_, log):
        yield log


def test_setup_command_is_idempotent(example):
    migrate(example)
    first = manage(example, "setup_periodic_tasks").stdout
    assert first.strip() == "Created clear sessions: every 3600 seconds"
    again = manage(example, "setup_periodic_tasks").stdout
    assert again.strip() == "Updated clear sessions: every 3600 seconds"
    manage(example, "setup_periodic_tasks", "--every", "5")
    # Still one row, now with the new interval.
    expected = "[('clear sessions', 'demoapp.tasks.clear_sessions', 'every 5 seconds')]"
    assert shell(example, SCHEDULE).strip() == expected


def test_beat_sends_and_the_worker_runs(example):
    migrate(example)
    manage(example, "setup_periodic_tasks", "--every", "1")
    with running_worker(example) as worker_log:
        with running_beat(example, "--scheduler", DATABASE_SCHEDULER) as beat_log:
            wait_for_log(beat_log, "Sending due task clear sessions (demoapp.tasks.clear_sessions)")
            wait_for_log(worker_log, ("demoapp.tasks.clear_sessions[", "succeeded"))
    # The stored result names the schedule that sent it.
    stored = shell(
        example,
        "from django_celery_results.models import TaskResult; "
        "print(TaskResult.objects.filter(periodic_task_name='clear sessions', status='SUCCESS').exists())",
    )
    assert stored.split() == ["True"]


def test_beat_installs_the_results_cleanup(example):
    """Beat adds Celery's nightly cleanup of expired results to the database schedule."""
    migrate(example)
    cleanup = (
        "from django_celery_beat.models import PeriodicTask; "
        "task = PeriodicTask.objects.filter(name='celery.backend_cleanup').first(); "
        "print(task and task.crontab)"
    )
    with running_beat(example, "-S", "django"):
        # Beat writes the entry just after it says it is starting: wait for the row itself.
        deadline = time.monotonic() + 30
        while (found := shell(example, cleanup).strip()) == "None" and time.monotonic() < deadline:
            time.sleep(0.5)
    assert found == "0 4 * * * (m/h/dM/MY/d) UTC"


def test_time_zone_reset_clears_last_run(example):
    migrate(example)
    manage(example, "setup_periodic_tasks", "--every", "1")
    last_run = (
        "from django_celery_beat.models import PeriodicTask; "
        "print(PeriodicTask.objects.get(name='clear sessions').last_run_at)"
    )
    # A schedule that has run: beat records when (beat's own run is tested above).
    shell(example, "from django.utils import timezone; from django_celery_beat.models import PeriodicTask; "
                   "PeriodicTask.objects.filter(name='clear sessions').update(last_run_at=timezone.now())")
    assert shell(example, last_run).strip() != "None"
    # The page's reset.
    shell(
        example,
        "from django_celery_beat.models import PeriodicTask, PeriodicTasks; "
        "PeriodicTask.objects.update(last_run_at=None); PeriodicTasks.update_changed()",
    )
    assert shell(example, last_run).strip() == "None"
