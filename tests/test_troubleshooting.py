"""Each problem of "Troubleshooting" that the example can show, reproduced with real processes, then fixed."""
import subprocess

from conftest import (
    CELERY,
    celery,
    example_env,
    migrate,
    running_worker,
    shell,
)

NEW_TASK = '''

@shared_task
def greet(name):
    return f"Hello, {name}!"
'''


def test_unregistered_task_until_the_worker_restarts(example):
    migrate(example)
    send = (
        "from demoapp.tasks import greet\n"
        "try:\n    greet.delay('Ada').get(timeout=10)\n"
        "except Exception as exc:\n    print(type(exc).__name__, exc)"
    )
    with running_worker(example) as log:
        # A task added while the worker runs: Django knows it, the worker does not.
        with open(example / "demoapp" / "tasks.py", "a") as f:
            f.write(NEW_TASK)
        # The sender's get() raises NotRegistered: the worker marked the result failed.
        # (The worker's log line is checked, in full, by tests/test_bad_input.py.)
        assert shell(example, send).strip() == "NotRegistered 'demoapp.tasks.greet'"
        registered = celery(example, "-A", "proj", "inspect", "registered")
        assert "demoapp.tasks.add" in registered.stdout
        assert "demoapp.tasks.greet" not in registered.stdout
    # The fix: restart the worker, which imports the new code.
    with running_worker(example) as log:
        got = shell(example, "from demoapp.tasks import greet; print(greet.delay('Ada').get(timeout=10))")
        assert got.strip() == "Hello, Ada!"
        assert "demoapp.tasks.greet" in log.read_text()


def test_celery_from_the_wrong_folder(example):
    parent = example.parent
    wrong = celery(parent, "-A", "proj", "report")
    assert wrong.returncode != 0
    assert "Unable to load celery application." in wrong.stderr
    assert "The module proj was not found." in wrong.stderr
    # The fixes: run it from the folder of manage.py, or say where that is.
    for cwd, args, env in [
        (example, [], None),
        (parent, ["--workdir", "example"], None),
        (parent, [], example_env(PYTHONPATH=str(example))),
    ]:
        right = celery(cwd, *args, "-A", "proj", "report", env=env)
        assert right.returncode == 0, right.stderr
        assert "transport:proj.broker:Transport results:django-db" in right.stdout


def test_settings_ignored_without_the_namespace(example):
    celery_py = example / "proj" / "celery.py"
    good = celery_py.read_text()
    line = 'app.config_from_object("django.conf:settings", namespace="CELERY")'
    assert line in good
    celery_py.write_text(good.replace(line, 'app.config_from_object("django.conf:settings")'))
    report = celery(example, "-A", "proj", "report")
    # CELERY_BROKER_URL is not read: Celery's default broker, RabbitMQ on this machine.
    assert "settings -> transport:amqp " in report.stdout
    migrate(example)
    process = subprocess.Popen(
        [CELERY, "-A", "proj", "worker", "-l", "INFO"], cwd=example, env=example_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        # Whether or not a RabbitMQ answers there, the worker names the URL it uses.
        lines = []
        for output_line in process.stdout:
            lines.append(output_line)
            if "amqp://guest:**@localhost:5672//" in output_line:
                break
        else:
            raise AssertionError("".join(lines))
    finally:
        process.terminate()
        process.wait(timeout=30)
    celery_py.write_text(good)
    report = celery(example, "-A", "proj", "report")
    assert "settings -> transport:proj.broker:Transport results:django-db" in report.stdout


def test_django_side_uses_a_default_app_without_the_import(example):
    init = example / "proj" / "__init__.py"
    good = init.read_text()
    show = "from demoapp.tasks import add; print(add.app.main, add.app.connection_for_write().as_uri())"
    init.write_text("")
    assert shell(example, show).split() == ["default", "amqp://guest:**@localhost:5672//"]
    init.write_text(good)
    assert shell(example, show).split()[0] == "proj"
