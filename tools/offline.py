"""Offline copies of one language of the guide: an EPUB and a zipped single-page HTML.

Usage: python -m tools.offline LANGUAGE [--format epub|htmlzip]... [--out DIR] [--build DIR]

Builds with the site's conf.py, warnings being errors, into
``_build/offline/<language>/`` (--build), then writes ``DIR/<name>.epub`` and
``DIR/<name>.zip`` (a folder ``<name>/`` with the single page and its files),
``<name>`` being conf.py's ``site_files_offline_name``; the home page links to
them (docs/_ext/site_files.py). DIR is ``_build/html/<language>/offline/`` by
default, beside the pages (``make html`` and ``make offline``). Read the Docs
runs it for its epub and htmlzip formats (.readthedocs.yaml).
"""
from __future__ import annotations

import argparse
import runpy
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("epub", "htmlzip")
# What a single-page build writes that a reader of the copy has no use for.
LEFT_OUT = {".buildinfo", "objects.inv", "404.html", "sitemap.xml"}


def sphinx(builder: str, language: str, build: Path) -> Path:
    out = build / builder
    # A fresh folder: the EPUB builder packs every file it finds there (a removed page,
    # Sphinx's .buildinfo.bak after a configuration change).
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder, "-c", str(ROOT),
                    "-D", f"language={language}", "-d", str(build / "doctrees"), str(ROOT / "docs"), str(out)],
                   check=True)
    return out


def zip_folder(folder: Path, target: Path, name: str) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            relative = file.relative_to(folder)
            if file.is_file() and relative.parts[0] not in LEFT_OUT:
                archive.write(file, f"{name}/{relative.as_posix()}")


def build(language: str, formats: list[str], out: Path, build_dir: Path) -> list[Path]:
    name = runpy.run_path(str(ROOT / "conf.py"))["site_files_offline_name"].format(language=language)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if "epub" in formats:
        [epub] = sphinx("epub", language, build_dir).glob("*.epub")
        written.append(Path(shutil.copyfile(epub, out / f"{name}.epub")))
    if "htmlzip" in formats:
        zip_folder(sphinx("singlehtml", language, build_dir), out / f"{name}.zip", name)
        written.append(out / f"{name}.zip")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language")
    parser.add_argument("--format", action="append", choices=FORMATS, dest="formats")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--build", type=Path)
    args = parser.parse_args()
    out = args.out or ROOT / "_build" / "html" / args.language / "offline"
    build_dir = args.build or ROOT / "_build" / "offline" / args.language
    try:
        build(args.language, args.formats or list(FORMATS), out, build_dir)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)


if __name__ == "__main__":
    main()
