"""The setup the guide describes ("Setting up a project"): the one-module app, the project's app."""
import subprocess

from conftest import CELERY, PYTHON, celery, example_env, migrate, running, running_worker, wait_for_log

SEND = "from tasks_app import add; print(add.name, add.delay(2, 3).get(timeout=10))"


def test_single_module_app_runs_on_redis(example, redis_server):
    folder = example / "single_module"
    env = example_env(
        CELERY_BROKER_URL=f"{redis_server}/0", CELERY_RESULT_BACKEND=f"{redis_server}/1",
    )
    with running([CELERY, "-A", "tasks_app", "worker", "-l", "INFO"], folder, env) as (_, log_path):
        sent = subprocess.run(
            [PYTHON, "-c", SEND], cwd=folder, env=env, capture_output=True, text=True, timeout=60,
        )
        assert sent.returncode == 0, sent.stderr
        assert sent.stdout.split() == ["tasks_app.add", "5"]
        wait_for_log(log_path, ("tasks_app.add", "succeeded"), timeout=10)


def test_project_app_is_loaded_with_django(example):
    # proj/__init__.py makes the project's app current in any Django process.
    code = (
        "import django; django.setup(); from celery import current_app; "
        "from demoapp.tasks import add; print(current_app.main, add.app.main)"
    )
    result = subprocess.run(
        [PYTHON, "-c", code], cwd=example, capture_output=True, text=True, timeout=60,
        env=example_env(DJANGO_SETTINGS_MODULE="proj.settings"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["proj", "proj"]


def test_worker_finds_the_apps_tasks(example):
    # The answer also shows that remote control reaches a worker on the embedded broker.
    migrate(example)
    with running_worker(example):
        listed = celery(example, "-A", "proj", "inspect", "registered", "--timeout", "5")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    for name in ("demoapp.tasks.add", "demoapp.create_widget", "proj.celery.debug_task"):
        assert name in listed.stdout
