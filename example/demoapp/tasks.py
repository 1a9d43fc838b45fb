# Create your tasks here

from celery import shared_task

from demoapp.models import Widget


# [start-arithmetic]
@shared_task
def add(x, y):
    return x + y


@shared_task
def mul(x, y):
    return x * y


@shared_task
def xsum(numbers):
    return sum(numbers)
# [end-arithmetic]


@shared_task
def count_widgets():
    return Widget.objects.count()


# Pass the primary key, not the Widget: the task loads the current row.
@shared_task
def rename_widget(widget_id, name):
    w = Widget.objects.get(id=widget_id)
    w.name = name
    w.save()
