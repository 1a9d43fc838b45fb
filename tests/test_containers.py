"""The example's containers ("Containers"): example/compose.yaml and example/Dockerfile.

No container runtime runs here, so the test does what Compose would, with
local processes: it lays out the image's /app folder with exactly what the
Dockerfile copies, reads compose.yaml as Compose does (interpolating the
variables of a .env file), and runs each service's command with that
service's environment. Service host names point at the test's own servers:
``redis:6379`` at a redis-server started with the redis service's command on
a free port, ``db:5432`` at a database of its own on the machine's PostgreSQL.

The other tests read the files against what the page says about them.
"""
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import (
    CELERY,
    EXAMPLE,
    POSTGRES,
    PYTHON,
    ROOT,
    example_env,
    free_port,
    missing,
    port_open,
    postgres_database,
    running,
    shell,
    wait_for_log,
)
from tools.pages import DOCS, blocks

COMPOSE = EXAMPLE / "compose.yaml"
DOCKERFILE = EXAMPLE / "Dockerfile"
PAGE = DOCS / "containers.md"
BIN = Path(PYTHON).parent
# The .env file a reader writes beside compose.yaml.
DOTENV = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": secrets.token_hex(16)}


# --- Reading the files as Docker does ----------------------------------------

VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}")


def interpolate(value, variables):
    """A Compose value with ${NAME}, ${NAME:-default} and ${NAME:?error} filled in, and $$ made $."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def fill(match):
        if match.group(0) == "$$":
            return "$"
        name, how, argument = match.groups()
        if variables.get(name):
            return variables[name]
        if how == "?":
            raise AssertionError(f"Compose would stop: {argument}")
        return argument if how == "-" else ""

    return VARIABLE.sub(fill, value)


def compose(variables=DOTENV):
    """compose.yaml as Compose sees it: anchors and merge keys resolved, variables filled in."""
    return interpolate(yaml.safe_load(COMPOSE.read_text()), variables)


def services():
    return compose()["services"]


def instructions():
    """The Dockerfile's instructions: [(INSTRUCTION, rest of the line)]."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert not any(line.endswith("\\") for line in lines), "the reader below handles no continued lines"
    return [tuple(line.split(None, 1)) for line in lines]


def build_app_folder(target):
    """The image's working folder: what the Dockerfile's COPY lines put in it, nothing else."""
    workdir = None
    for instruction, rest in instructions():
        if instruction == "WORKDIR":
            workdir = rest
        elif instruction == "COPY":
            *sources, destination = shlex.split(rest)
            assert workdir == "/app" and not destination.startswith("/"), rest
            for source in sources:
                path = EXAMPLE / source
                assert path.exists(), f"the Dockerfile copies {source}, which example/ does not have"
                if path.is_dir():
                    shutil.copytree(path, target / destination, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    into = target / destination
                    into.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, into / path.name if destination.endswith("/") else into)
    return target


def image_environment():
    """The ENV lines of the Dockerfile."""
    return dict(rest.split("=", 1) for instruction, rest in instructions() if instruction == "ENV")


# --- The services, as local processes ----------------------------------------


def local_environment(service, redis_port, database_url):
    """A service's environment, its hosts pointed at the test's servers, as Docker would add HOSTNAME."""
    env = dict(services()[service]["environment"])
    broker = urlsplit(env["CELERY_BROKER_URL"])
    assert (broker.hostname, broker.port) == ("redis", 6379), env["CELERY_BROKER_URL"]
    env["CELERY_BROKER_URL"] = broker._replace(netloc=f"127.0.0.1:{redis_port}").geturl()
    database = urlsplit(env["DJANGO_DATABASE_URL"])
    assert (database.hostname, database.port) == ("db", 5432), env["DJANGO_DATABASE_URL"]
    env["DJANGO_DATABASE_URL"] = database_url
    return with_path(example_env(), image_environment(), env, HOSTNAME=socket.gethostname())


def with_path(env, *more, **extra):
    """``env`` updated with ``more`` and ``extra``, this environment's ``bin`` first on the PATH (the image's)."""
    for each in (*more, extra):
        env.update(each)
    env["PATH"] = f"{BIN}:{env['PATH']}"
    return env


def health_check(service):
    """The health check's command line, run as Docker runs a CMD-SHELL test."""
    kind, command = services()[service]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    return ["sh", "-c", command]


def files_in(folder):
    return {p.relative_to(folder) for p in folder.rglob("*") if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """`docker compose up`: the servers, then migrate to its end, then web, worker and beat."""
    if shutil.which("redis-server") is None:
        missing("redis-server not found: install it (Debian: apt install redis-server)")
    if not port_open(*POSTGRES):
        missing("no PostgreSQL on 127.0.0.1:5432: install and start it (Debian: apt install postgresql)")
    home = tmp_path_factory.mktemp("containers")
    app = build_app_folder(home / "app")
    logs = home / "logs"
    (logs / "redis").mkdir(parents=True)
    shipped = files_in(app)
    redis_port, web_port = free_port(), free_port()
    found = services()

    with ExitStack() as stack, postgres_database("containers") as database_url:
        redis = [*found["redis"]["command"], "--port", str(redis_port), "--bind", "127.0.0.1",
                 "--dir", str(logs / "redis")]
        stack.enter_context(running(redis, logs, ready="Ready to accept connections", log_name="redis.log"))
        env = {name: local_environment(name, redis_port, database_url)
               for name in ("migrate", "web", "worker", "beat")}

        migrate = subprocess.run(found["migrate"]["command"], cwd=app, env=env["migrate"],
                                 capture_output=True, text=True, timeout=120)
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        assert "Created clear sessions" in migrate.stdout, migrate.stdout

        web = [word.replace("0.0.0.0:8000", f"127.0.0.1:{web_port}") for word in found["web"]["command"]]
        assert web != found["web"]["command"], "gunicorn no longer binds 0.0.0.0:8000"
        stack.enter_context(running(web, app, env["web"], ready="Booting worker", log_name="../logs/web.log"))
        worker, worker_log = stack.enter_context(
            running(found["worker"]["command"], app, env["worker"], log_name="../logs/worker.log"))
        stack.enter_context(running(found["beat"]["command"], app, env["beat"], ready="beat: Starting...",
                                    log_name="../logs/beat.log"))
        yield SimpleNamespace(app=app, env=env, web_port=web_port, worker=worker, worker_log=worker_log,
                              beat_log=logs / "beat.log", shipped=shipped)


def run(command, cwd, env, timeout=60):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def get(port, path, host):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def page_commands():
    return [(command, shown) for block in blocks(PAGE) if block.kind == "console"
            for command, shown in block.commands()]


def test_web_answers_http(stack):
    # DJANGO_DEBUG=0: Django's production settings send plain HTTP to HTTPS,
    # for the host names DJANGO_ALLOWED_HOSTS lists, and refuse the others.
    assert get(stack.web_port, "/admin/login/", "localhost") == (301, "https://localhost/admin/login/")
    assert get(stack.web_port, "/admin/login/", "attacker.example")[0] == 400


def test_page_commands_run_in_their_services(stack):
    """`docker compose up` is the fixture; `docker compose exec SERVICE ...` runs with that service's environment."""
    commands = page_commands()
    assert commands[0][0] == "docker compose up --build --detach", commands
    ran = 0
    for command, shown in commands[1:]:
        words = shlex.split(command)
        assert words[:3] == ["docker", "compose", "exec"], f"not run by this test: {command}"
        service = words[3]
        result = run(["bash", "-c", shlex.join(words[4:])], stack.app, stack.env[service])
        assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"
        if shown:
            assert result.stdout.splitlines() == shown, (command, result.stdout)
        ran += 1
    assert ran >= 2


def test_beat_sends_the_schedule_and_the_worker_runs_it(stack):
    # What migrate created, due every second instead of every hour.
    result = run([PYTHON, "manage.py", "setup_periodic_tasks", "--every", "1"], stack.app, stack.env["web"])
    assert result.returncode == 0, result.stderr
    wait_for_log(stack.beat_log, "Sending due task clear sessions (demoapp.tasks.clear_sessions)")
    wait_for_log(stack.worker_log, ("demoapp.tasks.clear_sessions[", "succeeded"))
    assert "django_celery_beat.schedulers.DatabaseScheduler" in stack.beat_log.read_text()


def test_worker_sizes_its_pool_with_concurrency_auto(stack):
    from celery.utils.sysinfo import cpu_budget

    budget = cpu_budget()
    wait_for_log(stack.worker_log, f"worker_concurrency='auto' resolved to {budget.count} (pool=prefork")
    assert f"concurrency: {budget.count} (prefork)" in stack.worker_log.read_text()


def test_health_check_asks_this_container_s_worker_only(stack):
    env = stack.env["worker"]
    assert run(health_check("worker"), stack.app, env).returncode == 0
    # Another container's host name: no answer, although a worker is up.
    elsewhere = dict(env, HOSTNAME="another-container")
    assert run(health_check("worker"), stack.app, elsewhere).returncode == 1
    assert run([CELERY, "-A", "proj", "inspect", "ping"], stack.app, elsewhere).returncode == 0


def test_worker_stops_on_sigterm_then_the_health_check_fails(stack):
    """Last: it stops the worker, as `docker compose stop worker` would."""
    grace = seconds(services()["worker"]["stop_grace_period"])
    signalled = time.monotonic()
    stack.worker.send_signal(signal.SIGTERM)
    stack.worker.wait(timeout=grace)
    assert time.monotonic() - signalled < grace
    # REMAP_SIGTERM=SIGQUIT: SIGTERM started a cold shutdown.
    assert "worker: Cold shutdown (MainProcess)" in stack.worker_log.read_text()

    env = stack.env["worker"]
    checked = run(health_check("worker"), stack.app, env)
    assert checked.returncode == 1, checked
    # What `|| exit 1` maps to 1: inspect's own status when no node answers.
    inspect = shlex.split(health_check("worker")[2].partition(" ||")[0].replace("$HOSTNAME", env["HOSTNAME"])
                          .replace("--timeout 5", "--timeout 1"))  # the same answer, sooner
    alone = run(inspect, stack.app, env)
    assert alone.returncode == 69
    assert alone.stderr.strip().splitlines()[-1] == "Error: No nodes replied within time constraint"


def test_a_shell_in_between_keeps_sigterm_from_the_worker(stack):
    """After the worker's own stop: the same command behind `sh -c`, the shell signalled as Docker would."""
    env = stack.env["worker"]
    command = ["sh", "-c", shlex.join(services()["worker"]["command"])]
    with running(command, stack.app, env, log_name="../logs/worker-under-sh.log") as (shell_process, log):
        children = Path(f"/proc/{shell_process.pid}/task/{shell_process.pid}/children").read_text().split()
        assert len(children) == 1, "sh ran the worker as a child, not in its own place"
        worker = int(children[0])
        try:
            shell_process.send_signal(signal.SIGTERM)
            shell_process.wait(timeout=10)
            # The shell is gone; the worker never heard of it, and still answers.
            assert run(health_check("worker"), stack.app, env).returncode == 0
            assert "shutdown" not in log.read_text()
        finally:
            os.kill(worker, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while state(worker) not in ("", "Z") and time.monotonic() < deadline:
                time.sleep(0.1)


def state(pid):
    """A process's state letter (Z for a zombie), or "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def test_services_write_nothing_into_the_app_folder(stack):
    # In the image, the code belongs to root and the processes run as another user.
    assert files_in(stack.app) == stack.shipped


# --- Host names ---------------------------------------------------------------


def test_localhost_in_a_container_and_service_names_outside(tmp_path):
    app = build_app_folder(tmp_path / "app")
    env = with_path(example_env(), services()["worker"]["environment"])
    command = services()["worker"]["command"]
    # In a container, nothing listens on localhost: the example's worker stops with one line.
    port = free_port()
    inside = run(command, app, dict(env, CELERY_BROKER_URL=f"redis://localhost:{port}/0"))
    assert inside.returncode == 1
    assert (f"Error: cannot reach the broker at redis://:****@localhost:{port}/0: Error 111 connecting to "
            f"localhost:{port}. Connection refused.") in inside.stderr
    # Outside Compose's network, the service name means nothing.
    outside = run(command, app, env)
    assert outside.returncode == 1
    assert "Error -2 connecting to redis:6379. Name or service not known." in outside.stderr


# --- The files against the page -----------------------------------------------


def seconds(duration):
    """A Compose duration such as 40s or 1m30s, in seconds."""
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert parts and duration, duration
    return int(parts.group(1) or 0) * 60 + int(parts.group(2) or 0)


def test_long_running_services_are_process_one():
    for name in ("web", "worker", "beat"):
        command = services()[name]["command"]
        assert isinstance(command, list), f"{name}: a string command would be split, a list is plain"
        assert command[0] in ("gunicorn", "celery"), f"{name} starts {command[0]}, which would be process 1"
    assert "CMD" not in dict(instructions()), "the services' commands are in compose.yaml"


def test_exactly_one_beat():
    found = services()
    beats = [name for name, service in found.items() if "beat" in service.get("command", [])]
    assert beats == ["beat"]
    assert "deploy" not in found["beat"] and "scale" not in found["beat"]
    for name, service in found.items():
        assert not {"-B", "--beat"} & set(service.get("command", [])), f"{name} runs an embedded beat"


def test_worker_stops_within_its_grace_period(example):
    worker = services()["worker"]
    assert worker["environment"]["REMAP_SIGTERM"] == "SIGQUIT"
    soft = float(worker["environment"]["CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT"])
    grace = seconds(worker["stop_grace_period"])
    assert (soft, grace) == (30, 40)  # as the page says
    # The example's settings read the timeout from the environment.
    env = example_env(CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT="12")
    assert shell(example, "from django.conf import settings; print(settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT)",
                 env=env).strip() == "12.0"
    # The longest an example's task may run (its time limits): the page says a stop cuts it short.
    limits = shell(example, "from proj.celery import app; app.loader.import_default_modules(); "
                            "print([t.time_limit for t in app.tasks.values()] + [app.conf.task_time_limit])")
    longest = max([limit for limit in yaml.safe_load(limits) if limit] or [0])
    assert longest > grace
    assert f"up to {longest / 60:g} minutes" in " ".join(PAGE.read_text().split())


def test_health_check_is_the_one_the_page_shows():
    command = services()["worker"]["healthcheck"]["test"][1]
    assert command == "celery -A proj inspect ping --timeout 5 -d celery@$HOSTNAME || exit 1"
    text = PAGE.read_text()
    assert f"`{command}`" in text
    # Kubernetes runs the same command through sh -c, which expands $HOSTNAME.
    assert f'`["sh", "-c", "{command}"]`' in text


def test_hosts_ports_and_order():
    found = services()
    shared = found["web"]["environment"]
    assert all(found[name]["environment"].items() >= shared.items() for name in ("migrate", "worker", "beat"))
    assert not re.search(r"localhost|127\.0\.0\.1", shared["CELERY_BROKER_URL"] + shared["DJANGO_DATABASE_URL"])
    # The database URL's account is the one the db service creates.
    database, db = urlsplit(shared["DJANGO_DATABASE_URL"]), found["db"]["environment"]
    assert (database.username, database.password, database.path) == (
        db["POSTGRES_USER"], db["POSTGRES_PASSWORD"], f"/{db['POSTGRES_DB']}")
    assert found["web"]["ports"] == ["8000:8000"] and "0.0.0.0:8000" in found["web"]["command"]
    # migrate waits for a healthy database; the others wait for migrate to finish, and for Redis.
    assert found["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "restart" not in found["migrate"]
    for name in ("web", "worker", "beat"):
        assert found[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"},
                                             "redis": {"condition": "service_healthy"}}
        assert found[name]["restart"] == "unless-stopped"
    # Every $ in a value is Compose's ${...} or an escaped $$: nothing else for Compose to interpolate.
    values = json.dumps(yaml.safe_load(COMPOSE.read_text()))
    assert not re.search(r"\$(?![{$])", values.replace("$$", ""))
    with pytest.raises(AssertionError, match="set DJANGO_SECRET_KEY in .env"):
        compose({})


def test_dockerfile_installs_the_pinned_requirements():
    from importlib.metadata import version

    found = dict(instructions())
    assert found["FROM"] == "python:3.11-slim"
    assert found["USER"] not in ("root", "0")
    runs = [rest for instruction, rest in instructions() if instruction == "RUN"]
    assert "pip install --no-cache-dir -r requirements-container.txt" in runs
    copied = [rest for instruction, rest in instructions() if instruction == "COPY"]
    assert copied[0] == "requirements.txt requirements-container.txt ./"
    pins = [line for line in (EXAMPLE / "requirements-container.txt").read_text().splitlines()
            if line and not line.startswith("#")]
    assert pins[0] == "-r requirements.txt"
    constraints = (ROOT / "requirements" / "constraints.txt").read_text().splitlines()
    for pin in pins[1:]:
        name, _, pinned = pin.partition("==")
        bare = name.split("[")[0]
        assert f"{bare}=={pinned}" in constraints, f"{pin} is not the version requirements/constraints.txt pins"
        assert version(bare) == pinned, f"the tests run {bare} {version(bare)}, not {pinned}"
