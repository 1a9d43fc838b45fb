"""A Celery app and its tasks in one module, for a small project or a script.

It needs no Django: its settings are given in code. From this folder, with
Redis running on this machine (or CELERY_BROKER_URL and CELERY_RESULT_BACKEND
naming another server):

    celery -A tasks_app worker -l INFO
    python -c "from tasks_app import add; print(add.delay(2, 3).get(timeout=10))"
"""
# [start-single-module]
import os

from celery import Celery

app = Celery(
    "tasks_app",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"),
)
# Lowercase names, without a prefix: there is no Django settings module here.
app.conf.update(
    accept_content=["json"],
    task_serializer="json",
    result_serializer="json",
)


@app.task
def add(x, y):
    return x + y
# [end-single-module]
