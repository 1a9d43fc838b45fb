"""Print the project's performance figures: ``make bench``.

Usage: python -m tools.bench [--tasks N]

* Task round trip (``add.delay(2, 3).get()``) on the embedded broker and on
  Redis, side by side: median and 95th percentile, with ``get()``'s default
  result polling (0.5 s) and with 0.01 s polling.
* Clean build time per language, beside an empty project with the same extensions.

Numbers only; nothing here passes or fails.
"""
import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.processes import copy_example, example_env, manage, own_redis, running_worker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from languages import CODES as LANGUAGES  # noqa: E402 (docs/languages.toml)

ROUND_TRIPS = """
import statistics, time, json, sys
from demoapp.tasks import add
add.delay(0, 0).get(timeout=30)  # warm up the connection
out = {{}}
for interval in (0.5, 0.01):
    times = []
    for i in range({n}):
        start = time.perf_counter()
        assert add.delay(i, 1).get(timeout=30, interval=interval) == i + 1
        times.append((time.perf_counter() - start) * 1000)
    out[interval] = times
print(json.dumps(out))
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def round_trips(n):
    rows = []
    with contextlib.ExitStack() as stack:
        brokers = [("embedded", None)]
        if shutil.which("redis-server"):
            port = stack.enter_context(own_redis(stack.enter_context(tempfile.TemporaryDirectory())))
            brokers.append(("redis", f"redis://127.0.0.1:{port}/0"))
        else:
            print("redis-server not found (apt install redis-server): Redis figures skipped")
        for name, url in brokers:
            with tempfile.TemporaryDirectory() as scratch:
                example = copy_example(Path(scratch) / "example")
                env = example_env(**({"CELERY_BROKER_URL": url} if url else {}))
                manage(example, "migrate", env=env)
                with running_worker(example, env=env):
                    out = manage(example, "shell", "-v", "0", "-c", ROUND_TRIPS.format(n=n),
                                 env=env, timeout=600).stdout
                for interval, times in json.loads(out).items():
                    rows.append((name, float(interval), statistics.median(times), percentile(times, 0.95)))
    print(f"\nTask round trip, {n} tasks each (ms)")
    print(f"{'broker':<10} {'get() polling':>14} {'median':>8} {'p95':>8}")
    for name, interval, median, p95 in rows:
        print(f"{name:<10} {interval:>12.2f} s {median:>8.1f} {p95:>8.1f}")


def build_times():
    print("\nClean HTML build (s)")
    with tempfile.TemporaryDirectory() as scratch:
        empty = Path(scratch) / "empty"
        empty.mkdir()
        (empty / "index.md").write_text("# Empty\n")
        for language in LANGUAGES:
            timings = {}
            for label, source in (("site", ROOT / "docs"), ("empty", empty)):
                out = Path(scratch) / f"{label}-{language}"
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", "-c", str(ROOT),
                     "-D", f"language={language}", str(source), str(out)],
                    check=True, capture_output=True,
                )
                timings[label] = time.perf_counter() - start
            ratio = timings["site"] / timings["empty"]
            print(f"{language}: site {timings['site']:.2f}, empty project {timings['empty']:.2f} "
                  f"(x{ratio:.1f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50, help="round trips per broker and polling")
    args = parser.parse_args()
    round_trips(args.tasks)
    build_times()


if __name__ == "__main__":
    main()
