"""The version matrix: ``make test-matrix`` (or ``nox``) runs each combination.

The combinations live in requirements/matrix.toml. Each runs, in a fresh
environment with its pins: the example's own tests, the English doctests on
a real worker, and the replay of the pages on a new project. A missing
Python interpreter skips its combination on a laptop and fails under CI.
"""
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PACKAGES = ("Django", "celery", "kombu", "django-celery-results", "django-celery-beat")
COMBINATIONS = [c for c in tomllib.loads((ROOT / "requirements" / "matrix.toml").read_text())["combination"]
                if not c.get("pinned")]

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))
nox.options.reuse_venv = "yes"


def make_pyenv_versions_visible():
    """pyenv's shims answer only for the active versions: make every installed one findable."""
    if shutil.which("pyenv") and "PYENV_VERSION" not in os.environ:
        versions = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True).stdout.split()
        os.environ["PYENV_VERSION"] = ":".join(v for v in versions if v.startswith("3."))


make_pyenv_versions_visible()


def combination_id(c):
    return f"py{c['python']}-django{c['Django']}-celery{c['celery']}"


@nox.session
@nox.parametrize(
    "python,combination",
    [(c["python"], c) for c in COMBINATIONS],
    ids=[combination_id(c) for c in COMBINATIONS],
)
def matrix(session, combination):
    pins = [f"{name}=={combination[name]}" for name in PACKAGES]
    pins[1] = f"celery[redis]=={combination['celery']}"
    session.install(*pins, "-r", "requirements/docs.txt", "pytest==9.2.0", "pytest-timeout==2.4.0")
    scratch = Path(session.create_tmp())

    # The example's own tests, on a copy without what running it leaves behind.
    example = scratch / "example"
    shutil.rmtree(example, ignore_errors=True)
    shutil.copytree(ROOT / "example", example, ignore=shutil.ignore_patterns(
        ".broker", ".cache", "db.sqlite3", "__pycache__", "celerybeat-schedule*"))
    with session.chdir(example):
        session.run("python", "manage.py", "test", "-v", "1")

    # The English doctests, on a real worker process.
    session.run("sphinx-build", "-c", ".", "-W", "--keep-going", "-q", "-b", "doctest", "-D", "language=en",
                "docs", str(scratch / "doctest"))

    # The pages replayed on a new project, and the behaviour that differs between versions.
    session.run("pytest", "-p", "no:cacheprovider", "-q", "tests/test_reader_project.py",
                "tests/test_task_names.py", *session.posargs)
