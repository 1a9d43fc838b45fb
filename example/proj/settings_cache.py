"""The example's settings, with task results in Django's cache instead of the database.

Give it to Django and to the worker alike:

    DJANGO_SETTINGS_MODULE=proj.settings_cache celery -A proj worker -l INFO
"""
from proj.settings import *  # noqa: F403
from proj.settings import BASE_DIR

# [start-cache-results]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    },
    # Every process must see the same cache: files work on one machine; in
    # production use Redis (django.core.cache.backends.redis.RedisCache)
    # or Memcached.
    "celery-results": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / ".cache" / "celery-results",
    },
}

CELERY_RESULT_BACKEND = "django-cache"
# The alias in CACHES where results go; unset means "default".
CELERY_CACHE_BACKEND = "celery-results"
# [end-cache-results]
