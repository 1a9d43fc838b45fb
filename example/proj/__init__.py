# Create the Celery app whenever Django starts (runserver, a WSGI server, the
# shell), so that the tasks Django sends use this app and its settings.
from .celery import app as celery_app

__all__ = ("celery_app",)
