"""Assemble the top of the site once every language is built: index.html, robots.txt, sitemap.xml, 404.html.

Usage: python -m tools.site_root [SITE]    (SITE: _build/html by default; `make html` runs it)

SITE holds a folder per language (docs/languages.toml), each built by Sphinx
with conf.py, whose settings this reads: the languages, their folders and the
site's address (GUIDE_BASE_URL). At SITE's top it writes:

index.html   docs/_root/index.html, a Jinja template given ``languages`` (code,
             name, folder) and ``site_url``; it sends the reader to their
             language and, when the address is known, has the canonical and
             hreflang links.
robots.txt   allowing everything; when the address is known, naming the sitemap.
sitemap.xml  when the address is known: a sitemap index of the languages'
             sitemap.xml files (docs/_ext/site_files.py writes them).
404.html     for hosts with one 404 page for the whole site (GitHub Pages,
             Netlify, nginx's error_page): the first language's 404 page with
             every language's message in it, whose script shows the reader's
             and offers the missing page where it is (docs/_templates/404.html).

Other files of docs/_root/ are copied as they are. When the address is
unknown it says so, once.
"""
from __future__ import annotations

import argparse
import html
import re
import runpy
import shutil
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "_root"
NOT_FOUND_SECTION = re.compile(r'<section class="not-found".*?</section>', re.S)


def settings() -> tuple[list[dict[str, str]], str]:
    """The languages (code, name, folder), in order, and the site's address ("" if unknown), from conf.py."""
    conf = runpy.run_path(str(ROOT / "conf.py"))
    path = conf.get("language_links_path", "{language}/")  # language_links.py's default
    languages = [{"code": code, "name": name, "folder": path.format(language=code)}
                 for code, name in conf["language_links_languages"].items()]
    site_url = conf["language_links_site_url"]
    return languages, (site_url.rstrip("/") + "/" if site_url else "")


def root_404(site: Path, languages: list[dict[str, str]]) -> str | None:
    """The first language's 404 page with every built language's message, the first shown."""
    pages = [site / language["folder"] / "404.html" for language in languages]
    texts = [page.read_text(encoding="utf-8") for page in pages if page.is_file()]
    if not texts:
        return None
    sections = [NOT_FOUND_SECTION.search(text)[0] for text in texts]
    sections[1:] = [section.replace("<section ", "<section hidden ", 1) for section in sections[1:]]
    return NOT_FOUND_SECTION.sub(lambda _: "\n".join(sections), texts[0], count=1)


def assemble(site: Path) -> None:
    languages, site_url = settings()
    templates = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    for file in sorted(SOURCE.iterdir()):
        if file.suffix == ".html":
            text = templates.from_string(file.read_text(encoding="utf-8")).render(
                languages=languages, site_url=site_url)
            (site / file.name).write_text(text, encoding="utf-8")
        elif file.is_file():
            shutil.copyfile(file, site / file.name)

    if (page := root_404(site, languages)) is not None:
        (site / "404.html").write_text(page, encoding="utf-8")

    robots = "User-agent: *\nAllow: /\n"
    sitemaps = [site_url + language["folder"] + "sitemap.xml" for language in languages
                if (site / language["folder"] / "sitemap.xml").is_file()]
    if site_url and sitemaps:
        robots += f"\nSitemap: {site_url}sitemap.xml\n"
        entries = "".join(f"  <sitemap><loc>{html.escape(url)}</loc></sitemap>\n" for url in sitemaps)
        (site / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n',
            encoding="utf-8")
    else:
        (site / "sitemap.xml").unlink(missing_ok=True)
    (site / "robots.txt").write_text(robots, encoding="utf-8")
    if not site_url:
        print("site root: the site's address is unknown (set GUIDE_BASE_URL): "
              "no canonical, hreflang or sitemap URLs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html")
    assemble(parser.parse_args().site)


if __name__ == "__main__":
    main()
