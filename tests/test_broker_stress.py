"""The embedded broker under load: thousands of messages written while a worker consumes.

Kombu's own filesystem transport creates a message file before writing it,
so a fast-polling worker can read it empty, crash and lose messages. The
example's transport (proj/broker.py) must lose none.
"""
import re
import subprocess
import time

from conftest import PYTHON, example_env, migrate, running_worker

PRODUCERS = 2
PER_PRODUCER = 1500

PRODUCE = """
import sys
import django
django.setup()
from demoapp.tasks import add
producer = int(sys.argv[1])
for i in range({n}):
    add.apply_async((producer, i), task_id=f"stress-{{producer}}-{{i}}", ignore_result=True)
"""


def test_no_message_lost_or_crash(example):
    # Poll as fast as possible, to make a half-written message as likely as it gets.
    env = example_env(DJANGO_SETTINGS_MODULE="proj.settings", CELERY_BROKER_POLLING_INTERVAL="0.001")
    migrate(example, env=env)
    expected = {f"stress-{p}-{i}" for p in range(PRODUCERS) for i in range(PER_PRODUCER)}

    with running_worker(example, env=env, args=("-l", "INFO", "-c", "2")) as log:
        producers = [
            subprocess.Popen(
                [PYTHON, "-c", PRODUCE.format(n=PER_PRODUCER), str(p)], cwd=example, env=env
            )
            for p in range(PRODUCERS)
        ]
        for producer in producers:
            assert producer.wait(timeout=300) == 0
        done = set()
        deadline = time.monotonic() + 300
        while done != expected and time.monotonic() < deadline:
            time.sleep(0.5)
            done = set(re.findall(r"Task demoapp\.tasks\.add\[(stress-\d+-\d+)\] succeeded", log.read_text()))
        text = log.read_text()

    assert "Traceback" not in text and "JSONDecodeError" not in text, text[-3000:]
    lost = expected - done
    assert not lost, f"{len(lost)} of {len(expected)} messages lost, e.g. {sorted(lost)[:5]}"
    assert not list((example / ".broker" / "messages").glob("*.msg")), "messages left unconsumed"
