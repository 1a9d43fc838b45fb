"""Create or update the project's periodic tasks.

Run it after every deploy: ``python manage.py setup_periodic_tasks``.
Running it again changes nothing that is already right.
"""
# [start-setup-periodic-tasks]
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask


class Command(BaseCommand):
    help = "Create or update the periodic tasks that beat sends."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=3600, metavar="SECONDS",
            help="How often to clear expired sessions, in seconds (default: 3600).",
        )

    @transaction.atomic
    def handle(self, *args, every, **options):
        # Interval rows are not unique, so look for one before making one.
        seconds = IntervalSchedule.SECONDS
        interval = IntervalSchedule.objects.filter(every=every, period=seconds).first()
        if interval is None:
            interval = IntervalSchedule.objects.create(every=every, period=seconds)
        # The name is unique: it is how a second run finds the first one's row.
        periodic_task, created = PeriodicTask.objects.update_or_create(
            name="clear sessions",
            defaults={
                "task": "demoapp.tasks.clear_sessions",
                "interval": interval,
                "enabled": True,
            },
        )
        self.stdout.write(f"{'Created' if created else 'Updated'} {periodic_task}")
# [end-setup-periodic-tasks]
