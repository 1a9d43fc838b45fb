"""The example project's download (docs/_ext/example_archive.py): its files, that it runs, that the site has it."""
import re
import sys
import zipfile

from conftest import ROOT, example_env, manage, running_worker, shell
from test_site import LANGUAGES, build_site

sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from example_archive import ARCHIVE, example_files, pack, write_archive  # noqa: E402

NAME = ARCHIVE.name


def test_archive_runs_as_a_reader_runs_it(tmp_path):
    archive = tmp_path / NAME
    write_archive(ROOT / "example", archive)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert all(name.startswith("example/") for name in names), names
        assert {"example/manage.py", "example/requirements.txt", "example/proj/celery.py"} <= set(names)
        for name in names:
            parts = name.split("/")
            assert not {"__pycache__", ".broker", ".cache"} & set(parts), name
            assert not parts[-1].startswith(("db.sqlite3", "celerybeat-schedule")), name
            assert not name.endswith((".pyc", ".log")), name
        unpacked = tmp_path / "unpacked"
        zf.extractall(unpacked)

    # The reader's steps after unzipping (the requirements are those of the tests' environment).
    example = unpacked / "example"
    env = example_env()
    manage(example, "migrate", env=env)
    with running_worker(example, env=env):
        output = shell(example, "from demoapp.tasks import add; print(add.delay(2, 3).get(timeout=10))", env=env)
        assert output.strip() == "5"
    stored = shell(example, "from django_celery_results.models import TaskResult; "
                            "print(TaskResult.objects.filter(status='SUCCESS').count())", env=env)
    assert int(stored) >= 1


def test_archive_is_reproducible(tmp_path):
    archive = tmp_path / NAME
    assert write_archive(ROOT / "example", archive)
    written = archive.stat().st_mtime_ns
    # The same files give the same bytes, so the file is left alone (and the page linking it is not re-read).
    assert not write_archive(ROOT / "example", archive)
    assert archive.stat().st_mtime_ns == written
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} <= {0o100644, 0o100755}


def test_outside_a_checkout_runtime_files_are_left_out(tmp_path):
    folder = tmp_path / "example"  # not in a git checkout: the folder is walked
    kept = ["manage.py", "proj/celery.py", "demoapp/static/demoapp/app.css"]
    runtime = ["db.sqlite3", "db.sqlite3-journal", "proj/__pycache__/celery.cpython-311.pyc", "stray.pyc",
               ".broker/in/message", ".cache/entry", "celerybeat-schedule.db", "worker.log", "static/admin/base.css"]
    for relpath in kept + runtime:
        (folder / relpath).parent.mkdir(parents=True, exist_ok=True)
        (folder / relpath).write_text(relpath)
    assert example_files(folder) == sorted(kept)
    archive = tmp_path / NAME
    archive.write_bytes(pack(folder))
    with zipfile.ZipFile(archive) as zf:
        assert zf.namelist() == [f"example/{relpath}" for relpath in sorted(kept)]


def test_site_offers_the_archive_in_both_languages(tmp_path_factory):
    site = build_site(tmp_path_factory)
    for language in LANGUAGES:
        downloads = sorted((site / language / "_downloads").glob(f"*/{NAME}"))
        assert len(downloads) == 1, f"{language}: {downloads}"
        link = downloads[0].relative_to(site / language).as_posix()
        index = (site / language / "index.html").read_text()
        assert re.search(rf'<a class="reference download internal"[^>]* href="{re.escape(link)}"', index), language
        with zipfile.ZipFile(downloads[0]) as zf:
            assert "example/manage.py" in zf.namelist()
