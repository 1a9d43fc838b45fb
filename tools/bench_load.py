"""Print the example's throughput and latency under load: part of ``make bench``.

Usage: python -m tools.bench_load [--tasks N] [--databases sqlite,postgresql]
                                  [--brokers embedded,redis] [--set NAME=VALUE ...]

For each database (SQLite; PostgreSQL when one answers on 127.0.0.1:5432),
broker (the embedded one; Redis when redis-server is installed) and
concurrency (one worker with ``-c 1``, then with ``-c 2``: one or two pool
processes), in a fresh copy of the example with the project's settings:

* throughput: N ``add`` tasks sent at once, divided by the time from the
  first send to the last result stored;
* latency: from sending a task to its result stored in the database
  (``TaskResult.date_done``), median and 95th percentile, for N/10 tasks sent
  at half that throughput, so that the figure is the trip, not the queue;
* health: the worker is still running, every result is a SUCCESS, and its
  log has no error, no traceback and no "database is locked".

``--set CELERY_WORKER_PREFETCH_MULTIPLIER=4`` runs with a setting changed (the
value is a Python literal; ``DATABASES.default.CONN_MAX_AGE=60`` reaches into
a dictionary). Numbers only: nothing here passes or fails, but a worker that
was not healthy is reported.
"""
import argparse
import ast
import json
import shutil
import statistics
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path

from tools.processes import (
    CELERY,
    POSTGRES,
    copy_example,
    example_env,
    manage,
    own_redis,
    port_open,
    postgres_database,
    running,
)

ROOT = Path(__file__).resolve().parent.parent

PROBLEMS = ("Traceback", "database is locked", "ERROR/", "CRITICAL/", "WorkerLostError")

LOAD = """
import json, time
from collections import Counter
from demoapp.tasks import add
from django_celery_results.models import TaskResult

N, M, TIMEOUT = {n}, {m}, {timeout}


def wait_done(prefix, count):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        done = TaskResult.objects.filter(task_id__startswith=prefix).count()
        if done >= count:
            break
        time.sleep(0.25)
    return TaskResult.objects.filter(task_id__startswith=prefix)


add.delay(0, 0).get(timeout=60)  # the worker is up and connected

start = time.time()
for i in range(N):
    add.apply_async((i, 1), task_id=f"burst-{{i}}")
sent = time.time()
burst = wait_done("burst-", N)
last = max(burst.values_list("date_done", flat=True))
throughput = burst.count() / (last.timestamp() - start)

rate = throughput / 2
sent_at = {{}}
begin = time.monotonic()
for i in range(M):
    time.sleep(max(0.0, begin + i / rate - time.monotonic()))
    sent_at[f"paced-{{i}}"] = time.time()
    add.apply_async((i, 1), task_id=f"paced-{{i}}")
paced = wait_done("paced-", M)
latencies = [(done.timestamp() - sent_at[task_id]) * 1000
             for task_id, done in paced.values_list("task_id", "date_done")]

print(json.dumps({{
    "sent_per_s": N / (sent - start),
    "throughput": throughput,
    "latencies": latencies,
    "statuses": Counter(TaskResult.objects.values_list("status", flat=True)),
    "stored": burst.count() + paced.count(),
}}))
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


@contextmanager
def redis_server():
    """A Redis server of our own on a free port, or None if redis-server is not installed."""
    if shutil.which("redis-server") is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as folder, own_redis(folder) as port:
        yield f"redis://127.0.0.1:{port}"


@contextmanager
def scratch_example(overrides):
    """A fresh copy of the example; with settings overrides, a settings module that applies them."""
    with tempfile.TemporaryDirectory() as scratch:
        example = copy_example(Path(scratch) / "example")
        if overrides:
            lines = ["from proj.settings import *  # noqa: F403"]
            for name, value in overrides.items():
                first, *keys = name.split(".")  # DATABASES.default.CONN_MAX_AGE
                lines.append(first + "".join(f"[{key!r}]" for key in keys) + f" = {value!r}")
            (example / "proj" / "bench_settings.py").write_text("\n".join(lines) + "\n")
        yield example


def run_one(example, env, concurrency, n, m):
    """Migrate, start a worker, put the load through; the figures and the health."""
    manage(example, "migrate", env=env, timeout=300)
    command = [CELERY, "-A", "proj", "worker", "-l", "INFO", "-c", str(concurrency)]
    with running(command, example, env, log_name=f"worker-c{concurrency}.log", timeout=60) as (worker, log_path):
        load = manage(example, "shell", "-v", "0", "-c", LOAD.format(n=n, m=m, timeout=3600),
                      env=env, timeout=7200, check=False)
        alive = worker.poll() is None
    problems = []
    if load.returncode != 0:
        problems.append(f"load failed: {load.stderr.strip().splitlines()[-1:]}")
    if not alive:
        problems.append("worker died")
    text = log_path.read_text(errors="replace")
    problems += [f"{text.count(p)}x {p!r} in the log" for p in PROBLEMS if p in text]
    figures = json.loads(load.stdout) if load.returncode == 0 else None
    if figures:
        if figures["stored"] != n + m:
            problems.append(f"{n + m - figures['stored']} results missing")
        others = {s: c for s, c in figures["statuses"].items() if s != "SUCCESS"}
        if others:
            problems.append(f"results not SUCCESS: {others}")
    return figures, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks sent at once (default 10000)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--brokers", default="embedded,redis")
    parser.add_argument("--concurrency", default="1,2")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="change a setting for the run, e.g. CELERY_WORKER_PREFETCH_MULTIPLIER=4")
    args = parser.parse_args()
    overrides = {}
    for item in args.set:
        name, _, value = item.partition("=")
        overrides[name.strip()] = ast.literal_eval(value.strip())
    n, m = args.tasks, max(1, args.tasks // 10)

    databases = args.databases.split(",")
    if "postgresql" in databases and not port_open(*POSTGRES):
        print("no PostgreSQL on 127.0.0.1:5432 (apt install postgresql): PostgreSQL figures skipped")
        databases.remove("postgresql")
    rows = []
    with redis_server() as redis:
        brokers = args.brokers.split(",")
        if "redis" in brokers and redis is None:
            print("redis-server not found (apt install redis-server): Redis figures skipped")
            brokers.remove("redis")
        for database in databases:
            for broker in brokers:
                for concurrency in [int(c) for c in args.concurrency.split(",")]:
                    settings = {"DJANGO_SETTINGS_MODULE": "proj.bench_settings"} if overrides else {}
                    if broker == "redis":
                        # A database number of its own for each run: nothing left over from the last.
                        settings["CELERY_BROKER_URL"] = f"{redis}/{len(rows) % 16}"
                    print(f"... {database} {broker} -c {concurrency}", flush=True)
                    with scratch_example(overrides) as example, (
                        postgres_database() if database == "postgresql" else nullcontext()
                    ) as database_url:
                        if database_url:
                            settings["DJANGO_DATABASE_URL"] = database_url
                        figures, problems = run_one(example, example_env(**settings), concurrency, n, m)
                    rows.append((database, broker, concurrency, figures, problems))

    print(f"\nLoad: {n} `add` tasks sent at once (throughput), then {m} at half that rate "
          "(latency: sent to result stored, ms)")
    if overrides:
        print("Settings changed: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items()))
    print(f"{'database':<11}{'broker':<10}{'-c':>3}{'sent/s':>9}{'tasks/s':>9}{'median':>9}{'p95':>9}  health")
    for database, broker, concurrency, figures, problems in rows:
        if figures:
            lat = figures["latencies"]
            numbers = (f"{figures['sent_per_s']:>9.0f}{figures['throughput']:>9.1f}"
                       f"{statistics.median(lat):>9.1f}{percentile(lat, 0.95):>9.1f}")
        else:
            numbers = f"{'-':>9}{'-':>9}{'-':>9}{'-':>9}"
        health = "; ".join(problems) or "healthy"
        print(f"{database:<11}{broker:<10}{concurrency:>3}{numbers}  {health}")


if __name__ == "__main__":
    main()
