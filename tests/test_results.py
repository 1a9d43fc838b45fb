"""Where results go, and how they are cleaned up ("Storing results")."""
from conftest import example_env, migrate, running_worker, shell

ROUND_TRIP = """
from django_celery_results.models import TaskResult
from demoapp.tasks import add
ok, broken = add.delay(2, 3), add.delay(2, "three")
print(ok.get(timeout=10), type(broken.get(timeout=10, propagate=False)).__name__)
print(TaskResult.objects.filter(task_id__in=[ok.id, broken.id]).count())
"""

OLD_AND_NEW = """
from datetime import timedelta
from django.utils import timezone
from django_celery_results.models import TaskResult
for task_id in ("old", "new"):
    TaskResult.objects.create(task_id=task_id, status="SUCCESS")
# date_done is set on every save: age the old one behind the model's back.
TaskResult.objects.filter(task_id="old").update(date_done=timezone.now() - timedelta(days=2))
"""

CLEANUP = "from proj.celery import app; app.backend.cleanup()"  # as on the page
REMAINING = (
    "from django_celery_results.models import TaskResult; "
    "print(*TaskResult.objects.values_list('task_id', flat=True))"
)


def test_results_in_the_cache_are_shared_with_the_worker(example):
    env = example_env(DJANGO_SETTINGS_MODULE="proj.settings_cache")
    migrate(example, env=env)
    with running_worker(example, env=env):
        output = shell(example, ROUND_TRIP, env=env)
    # The Django process read what the worker wrote, and none of it is in the database.
    assert output.split() == ["5", "TypeError", "0"]
    assert any((example / ".cache" / "celery-results").iterdir())


def test_results_in_the_database_by_default(example):
    migrate(example)
    with running_worker(example):
        output = shell(example, ROUND_TRIP)
    assert output.split() == ["5", "TypeError", "2"]


def test_cleanup_deletes_results_older_than_result_expires(example):
    migrate(example)
    shell(example, OLD_AND_NEW)
    shell(example, CLEANUP)
    assert shell(example, REMAINING).split() == ["new"]


PLANT = """
from django.core.cache import caches

class Planted:
    def __reduce__(self):  # what unpickling runs
        return (open, ({marker!r}, "w"))

caches["celery-results"].set("celery-task-meta-planted", Planted())
"""
READ = """
from celery.result import AsyncResult
try:
    AsyncResult("planted").state
except Exception:
    pass
"""


def test_cache_results_are_pickles(example):
    """results.md: whoever can write to the results cache runs code in whoever reads a result."""
    env = example_env(DJANGO_SETTINGS_MODULE="proj.settings_cache")
    marker = example / "ran-code"
    shell(example, PLANT.format(marker=str(marker)), env=env)
    assert not marker.exists()
    shell(example, READ, env=env)
    assert marker.exists()
