# [start-celery-app]
import os

from celery import Celery

# Before the app exists: Celery reads this variable to find Django's settings
# and to switch on its Django support. A value set outside (a shell, a
# service file) still wins. Replace "proj" with your project's package.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

app = Celery("proj")

# Celery's settings are the Django settings whose names start with CELERY_:
# CELERY_BROKER_URL is Celery's broker_url. Given as a string, the settings
# are read when first needed, once Django is ready.
app.config_from_object("django.conf:settings", namespace="CELERY")

# Import the tasks.py module of every app in INSTALLED_APPS.
app.autodiscover_tasks()


@app.task(bind=True, ignore_result=True)
def debug_task(self):
    print(f"Request: {self.request!r}")
# [end-celery-app]


# Example only, not part of the usual layout: stop the worker with one clear
# line when its broker or database is not ready (see proj/checks.py).
from . import checks  # noqa: E402,F401
