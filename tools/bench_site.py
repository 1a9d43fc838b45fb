"""Print the site's figures: build times, translation turnaround, page weight, Lighthouse.

Usage: python -m tools.bench_site [--skip STEP]... [--rounds N]

Everything runs on a scratch copy of the project, served from a local HTTP
server that compresses text with gzip as static hosts do (Read the Docs,
GitHub Pages, Netlify); the build uses that server as ``GUIDE_BASE_URL``.

build        Clean HTML build of each language (``-E``), beside an empty
             project with the same conf.py and extensions.
turnaround   Saving a one-entry change to a Korean ``.po`` file, then an
             incremental ``sphinx-build`` (what ``make livehtml`` runs): the
             time until the rebuilt page shows the change. Median of N rounds.
bytes        What each page of both languages loads (HTML, CSS, JavaScript,
             fonts), in a fresh Chromium context: as served and gzip-compressed.
lighthouse   Lighthouse 12.8.2 (installed once with npm into
             ``_build/tools/``) on Debian's Chromium, desktop and mobile
             presets, for the home page and the longest page of each language;
             audits that did not pass are listed under the scores.

Numbers only; nothing here passes or fails.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from languages import CODES as LANGUAGES  # noqa: E402 (docs/languages.toml)

CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LIGHTHOUSE = "12.8.2"
LIGHTHOUSE_DIR = ROOT / "_build" / "tools" / f"lighthouse-{LIGHTHOUSE}"
COMPRESSED = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
STEPS = ("build", "turnaround", "bytes", "lighthouse")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip and a site-wide 404.html, like a static host."""

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def do_HEAD(self):
        self.respond(body=False)

    def do_GET(self):
        self.respond(body=True)

    def respond(self, body: bool):
        path = Path(self.translate_path(unquote(urlsplit(self.path).path)))
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
        data = path.read_bytes() if path.is_file() else b"Not found"
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Cache-Control", "max-age=3600")
        if kind.startswith(COMPRESSED) and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, 6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def serve(directory: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(SiteHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sphinx(source: Path, out: Path, language: str, conf: Path, env: dict, fresh: bool) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sphinx", "-q", *(["-E"] if fresh else []), "-b", "html",
                    "-c", str(conf), "-D", f"language={language}", str(source), str(out)],
                   check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def copy_project(scratch: Path) -> Path:
    project = scratch / "project"
    ignore = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".broker", "db.sqlite3",
                                    "*.mo", ".pytest_cache", ".ruff_cache", "celerybeat-schedule*")
    shutil.copytree(ROOT, project, ignore=ignore)
    return project


def build_times(project: Path, site: Path, env: dict) -> None:
    print("\nClean HTML build (s)")
    empty = project.parent / "empty"
    empty.mkdir()
    (empty / "index.md").write_text("# Empty\n\nAn empty page.\n")
    for language in LANGUAGES:
        own = sphinx(project / "docs", site / language, language, project, env, fresh=True)
        bare = sphinx(empty, project.parent / "empty-out" / language, language, project, env, fresh=True)
        print(f"  {language}: site {own:5.2f}, empty project {bare:5.2f}  (x{own / bare:.1f})")


def turnaround(project: Path, site: Path, env: dict, rounds: int) -> None:
    from babel.messages.pofile import read_po, write_po

    def save(po, po_path):
        with po_path.open("wb") as file:
            write_po(file, po, width=76)

    catalogs = sorted((project / "locale" / "ko" / "LC_MESSAGES").glob("*.po"))
    for po_path in catalogs:
        with po_path.open("rb") as file:
            po = read_po(file)
        entry = next((m for m in po if isinstance(m.id, str) and m.id and not m.fuzzy
                      and "\n" not in m.id and not m.id.startswith(">>>") and len(m.string) > 10
                      and (project / "docs" / (po_path.stem + ".md")).exists()), None)
        if entry:
            break
    else:
        print("\nTranslation turnaround: no translated catalog found")
        return
    page = site / "ko" / (po_path.stem + ".html")
    original = entry.string
    times = []
    for round_ in range(rounds):
        marker = f"측정{round_}{os.getpid()}"
        entry.string = original + " " + marker
        save(po, po_path)
        saved = time.perf_counter()
        sphinx(project / "docs", site / "ko", "ko", project, env, fresh=False)
        if marker not in page.read_text(encoding="utf-8"):
            print(f"\nTranslation turnaround: {marker} not in {page.name} after the rebuild")
            return
        times.append(time.perf_counter() - saved)
    entry.string = original
    save(po, po_path)
    sphinx(project / "docs", site / "ko", "ko", project, env, fresh=False)
    print(f"\nTranslation turnaround, {po_path.name} -> ko/{page.name} ({rounds} rounds, s)")
    print(f"  median {statistics.median(times):.2f}, min {min(times):.2f}, max {max(times):.2f}")


def pages(site: Path, language: str) -> list[Path]:
    return sorted((site / language).glob("*.html"))


def page_bytes(site: Path, base: str) -> None:
    from playwright.sync_api import sync_playwright

    print("\nBytes per page: HTML + CSS + JS + fonts (KB; served / gzip)")
    kinds = {"document", "stylesheet", "script", "font"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        for language in LANGUAGES:
            rows = []
            for path in pages(site, language):
                context = browser.new_context()
                page = context.new_page()
                loaded = []
                page.on("requestfinished", lambda request, loaded=loaded: loaded.append(request))
                page.goto(base + path.relative_to(site).as_posix(), wait_until="networkidle")
                raw = packed = 0
                for request in loaded:
                    if request.resource_type not in kinds:
                        continue
                    response = request.response()
                    body = response.body() if response else b""
                    raw += len(body)
                    packed += len(gzip.compress(body, 6)) if request.resource_type != "font" else len(body)
                rows.append((path.name, raw, packed))
                context.close()
            biggest = max(rows, key=lambda row: row[2])
            print(f"  {language}: {len(rows)} pages; largest {biggest[0]} {biggest[1] / 1024:.1f} / "
                  f"{biggest[2] / 1024:.1f}; median {statistics.median(r[1] for r in rows) / 1024:.1f} / "
                  f"{statistics.median(r[2] for r in rows) / 1024:.1f}; all pages together "
                  f"{sum(r[1] for r in rows) / 1024:.0f} / {sum(r[2] for r in rows) / 1024:.0f}")
            for name, raw, packed in sorted(rows, key=lambda row: -row[1]):
                print(f"      {name:<28} {raw / 1024:6.1f} / {packed / 1024:5.1f}")
        browser.close()


def lighthouse_binary() -> Path | None:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        return None
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix",
                    str(LIGHTHOUSE_DIR), f"lighthouse@{LIGHTHOUSE}"], check=True)
    return binary


def lighthouse(site: Path, base: str) -> None:
    binary = lighthouse_binary()
    if binary is None or not Path(CHROMIUM).exists():
        print("\nLighthouse: needs npm and Debian's chromium (apt install chromium npm)")
        return
    print(f"\nLighthouse {LIGHTHOUSE}: performance / accessibility / best practices / SEO")
    generated = {"search.html", "genindex.html", "404.html"}
    targets = []
    for language in LANGUAGES:
        docs = [p for p in pages(site, language) if p.name not in generated]
        longest = max(docs, key=lambda p: p.stat().st_size)
        targets += [f"{language}/index.html", f"{language}/{longest.name}"]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    with tempfile.TemporaryDirectory() as reports:
        for target in dict.fromkeys(targets):
            for preset in ("desktop", "mobile"):
                report = Path(reports) / "report.json"
                command = [str(binary), base + target, "--quiet", "--output=json",
                           f"--output-path={report}", "--chrome-flags=" + " ".join(CHROME_FLAGS),
                           "--only-categories=performance,accessibility,best-practices,seo"]
                if preset == "desktop":
                    command.append("--preset=desktop")
                run = subprocess.run(command, env=env, capture_output=True, text=True)
                if run.returncode or not report.exists():
                    print(f"  {target:<28} {preset:<8} failed: {run.stderr.strip()[-300:]}")
                    continue
                result = json.loads(report.read_text())
                scores = [round((result["categories"][c]["score"] or 0) * 100)
                          for c in ("performance", "accessibility", "best-practices", "seo")]
                metrics = result["audits"]
                print(f"  {target:<28} {preset:<8} {' / '.join(map(str, scores))}"
                      f"   FCP {metrics['first-contentful-paint']['displayValue']},"
                      f" LCP {metrics['largest-contentful-paint']['displayValue']},"
                      f" TBT {metrics['total-blocking-time']['displayValue']},"
                      f" CLS {metrics['cumulative-layout-shift']['displayValue']}")
                for category in result["categories"].values():
                    for ref in category["auditRefs"]:
                        audit = metrics[ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"      {category['id']}: {ref['id']} ({audit['score']:.2f})"
                                  f" {audit.get('displayValue', '')}")
                report.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_site", description=__doc__.split("\n")[0])
    parser.add_argument("--skip", action="append", default=[], choices=STEPS, metavar="STEP",
                        help=f"leave a step out: {', '.join(STEPS)}")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the turnaround step")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-site-") as scratch_name:
        scratch = Path(scratch_name)
        project = copy_project(scratch)
        site = scratch / "site"
        server = serve(site)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        env = {k: v for k, v in os.environ.items() if k != "READTHEDOCS_CANONICAL_URL"}
        env["GUIDE_BASE_URL"] = base
        try:
            if "build" in args.skip:
                for language in LANGUAGES:
                    sphinx(project / "docs", site / language, language, project, env, fresh=True)
            else:
                build_times(project, site, env)
            # The files at the site's top (index.html, 404.html, ...), as `make html` writes them.
            subprocess.run([sys.executable, "-m", "tools.site_root", str(site)], cwd=project, env=env, check=True,
                           capture_output=True)
            if "turnaround" not in args.skip:
                turnaround(project, site, env, args.rounds)
            if "bytes" not in args.skip:
                page_bytes(site, base)
            if "lighthouse" not in args.skip:
                lighthouse(site, base)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
