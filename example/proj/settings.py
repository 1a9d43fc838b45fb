"""Django settings for the example project.

Every value a deployment changes comes from the environment; the defaults
are for development and need no server at all.
"""
from pathlib import Path

from proj.env import check_environment, env_broker_url, env_count, env_database, env_seconds, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Example only: a wrong value in a DJANGO_ or CELERY_ variable stops every
# process here with one line naming it (see proj/env.py).
check_environment()

# --- Django -----------------------------------------------------------------

# [start-production-settings]
import os

# Development unless DJANGO_DEBUG=0; a server sets that and the two below.
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"

if DEBUG:
    SECRET_KEY = "django-insecure-development-only"
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
else:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
    # HTTPS only: what `python manage.py check --deploy` looks for.
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Browsers remember HSTS for this long, for every subdomain too: start
    # with an hour, and raise it to a year (31536000) once all is well.
    SECURE_HSTS_SECONDS = 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Says the site may join the browsers' built-in HSTS list. Joining is a
    # separate step (hstspreload.org, which wants a year above), slow to undo.
    SECURE_HSTS_PRELOAD = True
    # Behind a proxy that ends HTTPS (nginx, a load balancer), also trust its
    # header, or every request looks like plain HTTP and redirects forever:
    # SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# [end-production-settings]

# [start-installed-apps]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_results",
    "django_celery_beat",
    "demoapp",
]
# [end-installed-apps]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "proj.urls"
WSGI_APPLICATION = "proj.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("DJANGO_SQLITE_PATH") or BASE_DIR / "db.sqlite3",
        # Give a worker writing results a moment instead of "database is locked".
        "OPTIONS": {"timeout": 20},
    }
}

# [start-database-url]
# DJANGO_DATABASE_URL=postgres://user:password@host:5432/name puts the data,
# task results included, in PostgreSQL (pip install "psycopg[binary]").
if env_str("DJANGO_DATABASE_URL"):
    DATABASES["default"] = env_database("DJANGO_DATABASE_URL")
# [end-database-url]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery -----------------------------------------------------------------
# With namespace="CELERY" in proj/celery.py, CELERY_BROKER_URL here is
# Celery's broker_url, CELERY_RESULT_BACKEND its result_backend, and so on.

# [start-celery-settings]
import os

# The broker: Redis on this machine unless CELERY_BROKER_URL says otherwise.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")

# Results go to the Django database (django-celery-results).
CELERY_RESULT_BACKEND = "django-db"
# Also store the task's name, arguments and worker, shown in the admin.
CELERY_RESULT_EXTENDED = True

# JSON only: a worker that accepts pickle runs whatever a message says.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"

CELERY_TIMEZONE = TIME_ZONE
# [end-celery-settings]

# [start-task-routes]
# Every task goes to the queue CELERY_TASK_DEFAULT_QUEUE names ("celery"
# unless set), except the tasks named here. A worker takes its tasks from
# the queues its -Q option names.
CELERY_TASK_ROUTES = {
    "demoapp.tasks.widget_report": {"queue": "reports"},
}
# [end-task-routes]

# Example only: with CELERY_BROKER_URL unset, the example runs on its embedded
# development broker (proj/broker.py), so that it needs no server at all.
if env_str("CELERY_BROKER_URL"):
    CELERY_BROKER_URL = env_broker_url("CELERY_BROKER_URL", "")
else:
    from proj.broker import transport_options

    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "proj.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = transport_options(
        Path(env_str("CELERY_BROKER_FOLDER") or BASE_DIR / ".broker"),
        polling_interval=env_seconds("CELERY_BROKER_POLLING_INTERVAL", 0.05),
    )

# [start-events]
# Workers send an event for each step of each task (received, started,
# succeeded, failed, retried), for monitors such as Flower: what -E does.
CELERY_WORKER_SEND_TASK_EVENTS = True
# The process that sends a task (Django) sends a "task-sent" event too, so
# that a monitor also sees the tasks still waiting in the queue.
CELERY_TASK_SEND_SENT_EVENT = True
# [end-events]

# [start-reliability]
# [start-prefetch]
# Each worker process reserves one message at a time: a long task does not
# hold back messages an idle process could run, and a worker that dies holds
# as few as possible.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# [end-prefetch]

# [start-soft-shutdown]
# Celery 5.5 and later: a worker stopped with SIGQUIT, or with SIGTERM when
# its environment sets REMAP_SIGTERM=SIGQUIT, lets running tasks go on for
# this many seconds, then stops them and gives the messages of the tasks
# acknowledged late back to the broker. Keep it a little below the time your
# service manager waits before it kills the worker.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 30
# [end-soft-shutdown]

# Example only: the embedded broker's transport options (set above) are kept
# aside; the visibility timeout below is an option of Redis.
embedded_broker_options = CELERY_BROKER_TRANSPORT_OPTIONS if CELERY_BROKER_URL == "filesystem://" else None

# [start-visibility-timeout]
# Redis gives a message that was delivered but never acknowledged to a worker
# again once it is this many seconds old. Keep it longer than your longest
# task and your longest countdown or ETA, or such a task runs twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# [end-visibility-timeout]

# Example only: the tests shorten both times through the environment.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_seconds(
    "CELERY_VISIBILITY_TIMEOUT", CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
)
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env_seconds(
    "CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT
)
if embedded_broker_options:
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded_broker_options
# [end-reliability]

# [start-sqlite-options]
# SQLite lets one connection write at a time. Make each transaction take the
# write lock as it begins (Django 5.1 and later): a transaction that reads and
# then writes waits for the lock, up to OPTIONS["timeout"] seconds, instead of
# failing at once with "database is locked" when a worker writes too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
# [end-sqlite-options]

# [start-test-database]
# Tests that run a worker in a thread (demoapp/tests.py) need SQLite's test
# database in a file. The in-memory one locks whole tables between threads,
# and a query that meets such a lock fails at once ("database table is
# locked") instead of waiting for it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": BASE_DIR / "test-db.sqlite3"}
# [end-test-database]

# [start-statement-timeout]
import os

# PostgreSQL cancels a statement that runs for longer than this, waiting for
# a lock included, and Django raises OperationalError. It applies to every
# connection made with these settings: web requests, tasks and migrations.
# DJANGO_STATEMENT_TIMEOUT=0 turns it off, for a long migration say.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    statement_timeout = os.environ.get("DJANGO_STATEMENT_TIMEOUT", "30s")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={statement_timeout}"
# [end-statement-timeout]

# [start-time-limits]
# Every task gets these limits, in seconds, unless it sets its own. At the
# soft limit, the task gets a SoftTimeLimitExceeded exception and can clean
# up; at the hard limit, the worker kills the process running it and starts
# a new one. Without them, a task stuck on a server that never answers holds
# its worker process forever.
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# [end-time-limits]

# [start-worker-memory]
# Replace a pool process with a new one once it has run this many tasks...
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
# ...or once its resident memory has reached this many KiB (here 500 MiB).
# The worker checks after each task, so the task itself runs to its end.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 500 * 1024
# [end-worker-memory]

# Example only: the tests shorten the limits through the environment.
CELERY_TASK_SOFT_TIME_LIMIT = env_seconds("CELERY_TASK_SOFT_TIME_LIMIT", CELERY_TASK_SOFT_TIME_LIMIT)
CELERY_TASK_TIME_LIMIT = env_seconds("CELERY_TASK_TIME_LIMIT", CELERY_TASK_TIME_LIMIT)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_count("CELERY_WORKER_MAX_TASKS_PER_CHILD", CELERY_WORKER_MAX_TASKS_PER_CHILD)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_count(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", CELERY_WORKER_MAX_MEMORY_PER_CHILD
)
