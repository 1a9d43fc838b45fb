"""What Celery's Django support does, as setup.md and transactions.md describe it."""
import subprocess
import sys

import pytest

from conftest import example_env, migrate, running_worker, shell

TASK_CLASSES = """
from celery import Task, shared_task
from celery.contrib.django.task import DjangoTask
from demoapp.tasks import add

class PlainTask(Task):
    pass

class OwnDjangoTask(DjangoTask):
    pass

@shared_task(base=PlainTask)
def plain():
    pass

@shared_task(base=OwnDjangoTask)
def derived():
    pass

print(isinstance(add._get_current_object(), DjangoTask),
      *(hasattr(task, "delay_on_commit") for task in (add, plain, derived)))
"""


def test_delay_on_commit_comes_with_djangotask(example):
    # The app's default task class is DjangoTask; a base that is a plain Task has no delay_on_commit().
    assert shell(example, TASK_CLASSES).split() == ["True", "True", "False", "True"]


NOISY_CHECK = """

from django.core import checks


@checks.register
def noisy_check(app_configs, **kwargs):
    print("system checks ran", flush=True)
    return [checks.Error("broken on purpose", id="demoapp.E999")]
"""


@pytest.mark.parametrize("skip", [False, True])
def test_worker_runs_djangos_system_checks_and_ignores_them(example, skip):
    migrate(example)
    with open(example / "demoapp" / "models.py", "a") as models:
        models.write(NOISY_CHECK)
    env = example_env(**({"CELERY_SKIP_CHECKS": "1"} if skip else {}))
    # The worker starts whatever the checks find; CELERY_SKIP_CHECKS skips them.
    with running_worker(example, env=env) as log:
        assert ("system checks ran" in log.read_text()) is not skip


def test_eager_results_stored_only_when_asked(example):
    migrate(example)
    with open(example / "proj" / "settings.py", "a") as settings:
        settings.write("\nCELERY_TASK_ALWAYS_EAGER = True\nCELERY_TASK_STORE_EAGER_RESULT = True\n")
    stored = shell(example, "from django_celery_results.models import TaskResult\n"
                            "from demoapp.tasks import add\n"
                            "result = add.delay(2, 3)\n"
                            "print(result.get(), TaskResult.objects.filter(task_id=result.id).exists())")
    assert stored.split() == ["5", "True"]


PLUGIN_TEST = """
def test_app(celery_app):
    assert celery_app.main
"""


@pytest.mark.parametrize("enabled", [False, True])
def test_celery_pytest_plugin_is_off_until_enabled(tmp_path, enabled):
    (tmp_path / "test_plugin.py").write_text(PLUGIN_TEST)
    if enabled:
        (tmp_path / "conftest.py").write_text('pytest_plugins = ("celery.contrib.pytest",)\n')
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    if enabled:
        assert result.returncode == 0, result.stdout
    else:
        assert "fixture 'celery_app' not found" in result.stdout
