"""One module imported under two paths registers its tasks under two names ("Task names").

The example is run as a reader would run it, with the app's folder wrongly on
``PYTHONPATH`` as well, so that ``import tasks`` and ``import demoapp.tasks``
both work and load demoapp/tasks.py twice.
"""
import subprocess

import celery

from conftest import PYTHON, example_env, migrate, running_worker, shell, wait_for_log

BOTH_PATHS = """
import warnings
warnings.simplefilter("always")
import django
django.setup()
from proj.celery import app
import demoapp.tasks
import tasks
print(demoapp.tasks.add.name, tasks.add.name)
print(demoapp.tasks.create_widget.name, tasks.create_widget.name)
print(sorted(name for name in app.tasks if name.endswith(".add")))
"""


def two_paths_env(example):
    """The reader's environment, with demoapp/ on the path besides example/."""
    return example_env(PYTHONPATH=str(example / "demoapp"), DJANGO_SETTINGS_MODULE="proj.settings")


def test_one_module_imported_twice_gives_two_names(example):
    result = subprocess.run(
        [PYTHON, "-c", BOTH_PATHS], cwd=example, env=two_paths_env(example),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    generated, explicit, registered = result.stdout.splitlines()
    # Generated names follow the import path: one file, two tasks.
    assert generated.split() == ["demoapp.tasks.add", "tasks.add"]
    assert registered == "['demoapp.tasks.add', 'tasks.add']"
    # An explicit name is the same whichever way the module was imported...
    assert explicit.split() == ["demoapp.create_widget", "demoapp.create_widget"]
    # ...and from Celery 5.7, Celery warns that a second function claimed it; before, not a word.
    if celery.VERSION >= (5, 7):
        assert "DuplicateTaskNameWarning" in result.stderr
        assert "demoapp.create_widget" in result.stderr
    else:
        assert "demoapp.create_widget" not in result.stderr


def test_worker_discards_a_task_sent_under_the_other_name(example):
    migrate(example)
    env = two_paths_env(example)
    with running_worker(example) as log:
        # Imported by the short path, the task is sent as "tasks.add"...
        code = (
            "from tasks import add; r = add.delay(2, 2); print(add.name); "
            "print(type(r.get(timeout=10, propagate=False)).__name__, r.state)"
        )
        assert shell(example, code, env=env).splitlines() == ["tasks.add", "NotRegistered FAILURE"]
        wait_for_log(log, "Received unregistered task of type 'tasks.add'", timeout=5)
        # ...while the full path, or an explicit name, reaches the worker's task.
        code = (
            "from demoapp.tasks import add; from tasks import create_widget; "
            "print(add.delay(2, 2).get(timeout=10), create_widget.name, "
            "isinstance(create_widget.delay('named').get(timeout=10), int))"
        )
        assert shell(example, code, env=env).split() == ["4", "demoapp.create_widget", "True"]
