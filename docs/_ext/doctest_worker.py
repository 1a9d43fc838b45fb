"""Run the guide's doctests against a real Celery worker process.

Usage, in conf.py::

    extensions = [..., "doctest_worker"]
    doctest_global_setup = "import doctest_worker; doctest_worker.ensure_worker()"

The first doctest group starts ``celery -A proj worker`` from ``example/``,
with its database and embedded broker in a scratch folder (or on the broker
that ``CELERY_BROKER_URL`` names); the worker stops when the build ends.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "example"
_worker = {}


def ensure_worker():
    """Start the worker once per build; later calls return at once."""
    if _worker:
        return
    scratch = Path(tempfile.mkdtemp(prefix="guide-doctest-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="proj.settings",
        DJANGO_SQLITE_PATH=str(scratch / "db.sqlite3"),
        CELERY_BROKER_FOLDER=str(scratch / "broker"),
    )
    sys.path.insert(0, str(EXAMPLE))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    log = open(scratch / "worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "proj", "worker", "-l", "INFO", "-c", "1"],
        cwd=EXAMPLE,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _worker.update(process=process, log=log, path=scratch / "worker.log")
    wait_until_ready(process, scratch / "worker.log")


def wait_until_ready(process, log_path, timeout=30):
    from proj.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The worker exited at start:\n{log_path.read_text()}")
        if app.control.ping(timeout=0.5):
            return
    raise RuntimeError(f"The worker did not answer within {timeout} s:\n{log_path.read_text()}")


def stop_worker(app=None, exception=None):
    process = _worker.pop("process", None)
    if process is None:
        return
    process.terminate()  # SIGTERM: the worker finishes its tasks and exits
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    _worker.pop("log").close()


def setup(app):
    app.connect("build-finished", stop_worker)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
