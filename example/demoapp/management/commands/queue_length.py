"""Print how many messages wait in the workers' queues: ``python manage.py queue_length``.

A health check: a queue that keeps growing means the workers are down, stuck
or too few.
"""
# [start-queue-length]
from django.core.management.base import BaseCommand

from proj.celery import app


class Command(BaseCommand):
    help = "Print how many messages wait in each queue (default: the default queue)."

    def add_arguments(self, parser):
        parser.add_argument("queues", nargs="*", metavar="QUEUE", help="Queue names.")

    def handle(self, *args, queues, **options):
        with app.connection_for_read() as connection:
            for name in queues or [app.conf.task_default_queue]:
                # Declared as the workers declare it; on Redis, this counts
                # the messages of every priority, not those being run.
                queue = app.amqp.queues[name].bind(connection.default_channel)
                waiting = queue.queue_declare().message_count
                self.stdout.write(f"{name}: {waiting}")
# [end-queue-length]
