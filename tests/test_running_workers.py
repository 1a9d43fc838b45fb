"""The production setup of "Running the worker": the systemd units' commands, run for real.

systemd is not available here, so each unit's ExecStart runs directly, in a copy
of the example standing for WorkingDirectory, with the settings of the sample
EnvironmentFile and the broker replaced by a password-protected Redis of the test's own.
"""
import configparser
import shlex
import signal
import time

import pytest

from conftest import (
    CELERY,
    EXAMPLE,
    REDIS_PASSWORD,
    example_env,
    migrate,
    running,
    shell,
)

DEPLOY = EXAMPLE / "deploy"


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def environment_file():
    lines = (DEPLOY / "proj.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


@pytest.fixture
def production_env(redis_with_password):
    settings = environment_file()
    assert settings["DJANGO_DEBUG"] == "0"
    settings.update(unit_environment("celery.service"))
    settings["CELERY_BROKER_URL"] = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_with_password}/0"
    # The example's SQLite database instead of the sample's PostgreSQL.
    assert settings.pop("DJANGO_DATABASE_URL").startswith("postgres://")
    return example_env(**settings)


def exec_start(name):
    """The unit's command line, with the virtual environment's celery replaced by this one's."""
    words = shlex.split(unit(name)["Service"]["ExecStart"])
    assert words[0] == "/srv/proj/.venv/bin/celery"
    return [CELERY, *words[1:]]


@pytest.mark.parametrize("name", ["celery.service", "celerybeat.service"])
def test_units_run_as_a_user_from_the_project_folder(name):
    service = unit(name)["Service"]
    assert service["User"] not in ("", "root")
    assert service["WorkingDirectory"] == "/srv/proj"
    assert service["EnvironmentFile"] == "/etc/proj/proj.env"


def unit_environment(name):
    """The unit's own Environment= lines, as {NAME: value}."""
    lines = (DEPLOY / name).read_text().splitlines()
    return dict(line.removeprefix("Environment=").split("=", 1) for line in lines if line.startswith("Environment="))


def test_worker_unit_stops_with_a_soft_shutdown_within_its_grace_period(example):
    service = unit("celery.service")["Service"]
    # SIGTERM to the worker's main process only, which starts a cold shutdown.
    assert service["KillMode"] == "mixed"
    assert service.get("KillSignal", "SIGTERM") == "SIGTERM"
    assert unit_environment("celery.service") == {"REMAP_SIGTERM": "SIGQUIT"}
    # The soft shutdown timeout of proj/settings.py, a little under systemd's grace period.
    soft = float(shell(example, "from django.conf import settings; "
                       "print(settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT)").strip())
    grace = int(service["TimeoutStopSec"])
    assert (soft, grace) == (30, 40)  # as running-workers.md says


def test_worker_unit_command_runs_and_masks_the_password(example, production_env):
    migrate(example, env=production_env)
    with running(exec_start("celery.service"), example, production_env) as (process, log_path):
        sent = shell(example, "from demoapp.tasks import add; print(add.delay(2, 3).get(timeout=10))",
                     env=production_env)
        assert sent.split() == ["5"]
        # SIGTERM, as systemd stops it: a cold shutdown, at once with no task
        # running (the soft shutdown's 30 s apply only to running tasks), exit status 0.
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - signalled < 10
    text = log_path.read_text()
    assert "concurrency: 4 (prefork)" in text
    assert "Cold shutdown" in text
    assert REDIS_PASSWORD not in text
    assert "redis://:**@127.0.0.1" in text


def test_beat_unit_command_runs(example, production_env):
    migrate(example, env=production_env)
    command = exec_start("celerybeat.service")
    with running(command, example, production_env, ready="beat: Starting...", log_name="beat.log") as (_, log_path):
        pass
    text = log_path.read_text()
    assert "django_celery_beat.schedulers.DatabaseScheduler" in text
    assert REDIS_PASSWORD not in text
    assert not list(example.glob("celerybeat-schedule*"))
