from __future__ import absolute_import

from datetime import timedelta

from celery.task import periodic_task, task
from django.core.management import call_command


@task
def add(x, y):
    return x + y


@periodic_task(run_every=timedelta(hours=1))
def clear_sessions():
    call_command('clearsessions')
