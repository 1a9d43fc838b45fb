"""Start and stop the example's processes, and the servers they use, for tests and benchmarks.

A worker, beat or a web server runs until a ``with`` block ends (``running``),
after a line in its log says it is ready; ``own_redis`` starts a Redis of
its own on a free port; ``postgres_database`` makes a scratch database on the
machine's PostgreSQL. The example runs in an environment without the
caller's ``CELERY_`` and ``DJANGO_`` variables (``example_env``).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example"
# The Python of the environment running the tests; the example runs on it too.
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def example_env(**overrides):
    """The environment the example runs in, without anything inherited that would steer it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DJANGO_"))}
    env.update(PYTHONUNBUFFERED="1", **overrides)
    return env


def copy_example(target):
    """Copy the example as a reader gets it: without what running it left behind."""
    shutil.copytree(
        EXAMPLE,
        target,
        ignore=shutil.ignore_patterns(".broker", ".cache", "db.sqlite3", "test-db.sqlite3", "__pycache__",
                                      "celerybeat-schedule*"),
    )
    return target


def manage(example_dir, *args, env=None, timeout=60, check=True):
    """Run ``python manage.py ...`` in the example; return the completed process."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=example_dir,
        env=env or example_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def shell(example_dir, code, env=None, timeout=60):
    """Run Python in ``manage.py shell``; return what it printed."""
    return manage(example_dir, "shell", "-v", "0", "-c", code, env=env, timeout=timeout).stdout


@contextmanager
def running(command, cwd, env=None, ready="ready.", log_name="worker.log", timeout=30, group=False, warm=False):
    """A long-running command (a worker, beat, a server) until the block ends.

    Waits for a log line containing ``ready``; yields (process, log path). At the
    end, the process group is killed at once: most tests are done with the
    process by then, and a worker's warm shutdown takes about three seconds.
    With ``warm``, a warm shutdown instead, of the process or (``group``) of its
    whole process group, for tests of what a stopping process does.
    """
    log_path = Path(cwd) / log_name
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env or example_env(),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_for_log(log_path, ready, process, timeout)
        yield process, log_path
    finally:
        if warm:
            stop(process, group=group)
        else:
            kill(process)


@contextmanager
def running_worker(example_dir, env=None, args=("-l", "INFO"), ready_timeout=30):
    """``celery -A proj worker`` as a reader starts it, until the block ends; yields the log path."""
    with running([CELERY, "-A", "proj", "worker", *args], example_dir, env, timeout=ready_timeout) as (_, log):
        yield log


def child_processes(pid):
    """The pids of a process's children, such as a prefork worker's pool processes (from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has gone
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def celery(cwd, *args, env=None, timeout=60):
    """Run the ``celery`` command to its end; the finished process."""
    return subprocess.run([CELERY, *args], cwd=cwd, env=env or example_env(),
                          capture_output=True, text=True, timeout=timeout)


def wait_until(condition, what, timeout=30, process=None, log=None):
    """Wait until ``condition()`` is true, and return its value; fail early if ``process`` exits.

    ``log``, a path, is shown with the failure.
    """
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        tail = f":\n{log.read_text(errors='replace')[-3000:]}" if log else ""
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process exited with {process.returncode} before {what}{tail}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout} s{tail}")
        time.sleep(0.05)
    return value


def wait_for_log(log_path, text, process=None, timeout=30):
    """Wait until a line of the log contains every part of ``text`` (a string or a tuple)."""
    parts = (text,) if isinstance(text, str) else text
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(all(p in line for p in parts) for line in log_path.read_text().splitlines()):
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(f"worker exited with {process.returncode}:\n{log_path.read_text()}")
        time.sleep(0.05)
    raise AssertionError(f"no {text!r} in the worker's log after {timeout} s:\n{log_path.read_text()}")


def kill(process):
    """SIGKILL the process's whole group (it was started in a session of its own), pool processes too."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def stop(process, timeout=30, group=False):
    """Warm shutdown (SIGTERM, to the process or its whole group), then kill the group if it hangs."""
    if process.poll() is None:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


REDIS_MISSING = "redis-server not found: install it (Debian: apt install redis-server)"
POSTGRES = ("127.0.0.1", 5432)


@contextmanager
def own_redis(folder, *options):
    """A redis-server of our own on a free port, keeping nothing on disk; yields the port."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError(REDIS_MISSING)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def postgres_database(prefix="guide"):
    """A fresh database on the machine's PostgreSQL, dropped afterwards; its URL."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{int(time.time() * 1000)}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
