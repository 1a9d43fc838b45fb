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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tools.processes import EXAMPLE, PYTHON, stop, wait_for_log  # noqa: E402 (the project's root, just added)

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

    log_path = scratch / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "proj", "worker", "-l", "INFO", "-c", "1"],
            cwd=EXAMPLE, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    _worker.update(process=process)
    try:
        wait_for_log(log_path, "ready.", process)
    except AssertionError as error:
        stop_worker()
        raise RuntimeError(f"The doctests' worker did not start: {error}") from None


def stop_worker(app=None, exception=None):
    """At the end of the build: a warm shutdown, so that the last tasks finish."""
    process = _worker.pop("process", None)
    if process is not None:
        stop(process, timeout=20)


def setup(app):
    app.connect("build-finished", stop_worker)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
