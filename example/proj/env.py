"""Read settings from environment variables, failing with one clear line.

A wrong value stops the process (manage.py, the worker, a web server) with
a message naming the variable, instead of a traceback or a silent default.
"""
import os
import sys
from urllib.parse import unquote, urlsplit

from kombu.transport import TRANSPORT_ALIASES


def fail(message):
    sys.exit(f"Error: {message}")


def masked(url):
    """The URL with any password replaced, safe to print."""
    try:
        parts = urlsplit(url)
    except ValueError:  # too broken to find the password in: show none of it
        return f"{url.partition('://')[0]}://..."
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":****@", 1)
        return parts._replace(netloc=netloc).geturl()
    return url


def env_str(name, default=""):
    return os.environ.get(name, "").strip() or default


def check_environment():
    """Check the variables that settings.py reads with plain os.environ."""
    debug = os.environ.get("DJANGO_DEBUG", "1")
    if debug not in {"0", "1"}:
        fail(f"DJANGO_DEBUG must be 1 (development) or 0 (production), not {debug!r}.")
    if debug == "0":
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
            if not env_str(name):
                fail(f"{name} must be set when DJANGO_DEBUG is 0.")


def env_positive(name, default, convert, kind):
    """A positive number from the environment (``convert`` is float or int), or ``default`` if unset."""
    value = env_str(name)
    if not value:
        return default
    try:
        number = convert(value)
    except ValueError:
        number = 0
    if number <= 0:
        fail(f"{name} must be a positive {kind}, not {value!r}.")
    return number


def env_seconds(name, default):
    return env_positive(name, default, float, "number of seconds")


def env_count(name, default):
    return env_positive(name, default, int, "whole number")


def env_broker_url(name, default):
    """A broker URL whose scheme kombu knows, with a port that is a number."""
    url = env_str(name, default)
    scheme = url.partition("://")[0]
    if "://" not in url or scheme.partition("+")[0] not in TRANSPORT_ALIASES:
        fail(
            f"{name} has an unknown scheme in {masked(url)!r}: use redis://, "
            "amqp:// or another scheme kombu knows, or unset it for the embedded broker."
        )
    for one in url.split(";"):  # kombu takes several URLs, for failover
        try:
            urlsplit(one).port  # noqa: B018 (reading it checks it)
        except ValueError:
            fail(f"{name} has a bad host or port in {masked(one)!r}: the port is a number up to 65535.")
    return url


def env_database(name):
    """A Django DATABASES entry from postgres://user:password@host:port/name."""
    url = env_str(name)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts = port = None
    if not parts or parts.scheme not in {"postgres", "postgresql"} or not parts.path.strip("/"):
        fail(f"{name} must look like postgres://user:password@host:5432/name, not {masked(url)!r}.")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.strip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
    }
