"""The example project as a zip archive that pages can offer for download.

Usage, in conf.py::

    extensions = [..., "example_archive"]

and in a page::

    {download}`the example project <_generated/celery-django-example.zip>`

When a build starts (any builder: packing takes a few milliseconds), the
example folder (``example_archive_source``, relative to conf.py) is packed into
``_generated/celery-django-example.zip`` in the source folder, under a single
top folder ``example/``. The files are git's list of the folder when it is in a
checkout, else the files found in it; either way without what running the
example leaves behind. The archive is reproducible (fixed timestamps and
permissions, sorted entries) and rewritten only when its content changes: the
download role makes it a dependency of the page linking it, so a new file
would re-read that page on every build.
"""

from __future__ import annotations

import fnmatch
import io
import os
import subprocess
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

ARCHIVE = Path("_generated") / "celery-django-example.zip"
TOP = "example"
# What running the example leaves behind, by file or folder name at any depth.
RUNTIME_NAMES = ("__pycache__", "*.pyc", "db.sqlite3*", "test-db.sqlite3*", ".broker", ".cache",
                 "celerybeat-schedule*", "*.log")
# collectstatic's output (STATIC_ROOT), at the top only: an app's own static/ is source.
RUNTIME_TOP = ("static",)
DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can store


def is_runtime(relpath: str) -> bool:
    """Whether a path (relative to the example folder, with ``/``) is a runtime file."""
    parts = relpath.split("/")
    return parts[0] in RUNTIME_TOP or any(fnmatch.fnmatch(p, pat) for p in parts for pat in RUNTIME_NAMES)


def example_files(folder: Path) -> list[str]:
    """The example's files, relative to ``folder``, sorted."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", "."], cwd=folder,
                                capture_output=True, text=True, check=True).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):  # no git, or not a checkout
        listed = []
    # A tracked file deleted in the working tree is not packed.
    files = [f for f in listed if f and (folder / f).is_file()]
    if not files:
        files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    return sorted(f for f in files if not is_runtime(f))


def pack(folder: Path) -> bytes:
    """The zip archive of ``folder``'s files, under ``example/``; the same bytes for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for relpath in example_files(folder):
            path = folder / relpath
            info = zipfile.ZipInfo(f"{TOP}/{relpath}", DATE_TIME)
            info.create_system = 3  # Unix, wherever it is built, so that the permissions below apply
            info.external_attr = (0o100755 if os.access(path, os.X_OK) else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return buffer.getvalue()


def write_archive(folder: Path, target: Path) -> bool:
    """Pack ``folder`` into ``target`` unless it already holds the same bytes; whether it wrote."""
    data = pack(folder)
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    # Replaced in one step: the other language's build may be reading it.
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_bytes(data)
    partial.replace(target)
    return True


def _builder_inited(app: Sphinx) -> None:
    write_archive(Path(app.confdir) / app.config.example_archive_source, Path(app.srcdir) / ARCHIVE)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("example_archive_source", "example", "env", types=frozenset({str}))
    app.connect("builder-inited", _builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
